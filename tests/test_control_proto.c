/* test_control_proto.c — the control protocol's framing: lines split across reads, the
 * bound (one maximal request and its '\n'; the framer is full beyond it and takes
 * nothing more, it never drops a byte), a line over the limit reported, and request
 * parsing with the error replies clients see. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "control_proto.h"

static void splits_lines_across_reads(void) {
  control_framer f;
  control_framer_init(&f, 64);
  const char *l;
  size_t n;
  CHECK(control_framer_next(&f, &l, &n) == CONTROL_FRAME_NONE);
  CHECK(control_framer_push(&f, "{\"cmd\":", 7) == 7);
  CHECK(control_framer_next(&f, &l, &n) == CONTROL_FRAME_NONE);
  CHECK(control_framer_push(&f, "\"status\"}\n{}\nrest", 17) == 17);
  CHECK(control_framer_next(&f, &l, &n) == CONTROL_FRAME_LINE && n == 16 &&
        memcmp(l, "{\"cmd\":\"status\"}", 16) == 0);
  CHECK(control_framer_next(&f, &l, &n) == CONTROL_FRAME_LINE && n == 2 && memcmp(l, "{}", 2) == 0);
  CHECK(control_framer_next(&f, &l, &n) == CONTROL_FRAME_NONE);
  CHECK(control_framer_held(&f) == 4);
  CHECK(control_framer_push(&f, "\n", 1) == 1);
  CHECK(control_framer_next(&f, &l, &n) == CONTROL_FRAME_LINE && n == 4 && memcmp(l, "rest", 4) == 0);
  control_framer_free(&f);
}

static void holds_one_maximal_request_and_no_more(void) {
  /* 64 bytes and '\n' fit; beyond that the framer is full until a line is taken. */
  control_framer f;
  control_framer_init(&f, 64);
  char line[70];
  memset(line, 'x', 64);
  line[64] = '\n';
  memcpy(line + 65, "{}\n", 3);
  CHECK(control_framer_push(&f, line, 68) == 65);
  CHECK(control_framer_held(&f) == 65);
  char *at;
  size_t room;
  CHECK(control_framer_space(&f, &at, &room) == 0 && room == 0);
  const char *l;
  size_t n;
  CHECK(control_framer_next(&f, &l, &n) == CONTROL_FRAME_LINE && n == 64);
  CHECK(control_framer_push(&f, line + 65, 3) == 3); /* nothing was dropped: the rest follows */
  CHECK(control_framer_next(&f, &l, &n) == CONTROL_FRAME_LINE && n == 2);
  control_framer_free(&f);
}

static void reports_a_line_over_the_limit(void) {
  control_framer f;
  control_framer_init(&f, 64);
  char big[200];
  memset(big, 'y', sizeof big);
  CHECK(control_framer_push(&f, big, sizeof big) == 65);
  const char *l;
  size_t n;
  CHECK(control_framer_next(&f, &l, &n) == CONTROL_FRAME_TOO_LONG);
  CHECK(control_framer_next(&f, &l, &n) == CONTROL_FRAME_TOO_LONG);
  control_framer_free(&f);
}

static void parses_requests_and_says_what_is_wrong(void) {
  char msg[256];
  json_t *r = control_request_parse("{\"cmd\":\"status\"}", 16, msg, sizeof msg);
  CHECK(json_is_object(r));
  json_decref(r);
  CHECK(control_request_parse("[1]", 3, msg, sizeof msg) == NULL);
  CHECK_STR(msg, "malformed request: expected a JSON object");
  CHECK(control_request_parse("nope", 4, msg, sizeof msg) == NULL);
  CHECK_STR(msg, "malformed request: '[' or '{' expected near 'nope'");
  control_too_long_message(msg, sizeof msg, CONTROL_MAX_LINE);
  json_t *e = control_error_reply(msg);
  char *text = json_dumps(e, JSON_COMPACT | JSON_PRESERVE_ORDER);
  CHECK_STR(text, "{\"ok\":false,\"error\":\"request longer than 65536 bytes\"}");
  free(text);
  json_decref(e);
}

static void an_error_reply_is_always_valid_json(void) {
  /* jansson quotes the request's bytes in its messages; they need not be UTF-8, and a
   * reply that cannot be encoded was no reply at all (found by fuzz_control). */
  char msg[256];
  const char line[] = "{\"\\u000\xd4\x8b\"}";
  CHECK(control_request_parse(line, sizeof line - 1, msg, sizeof msg) == NULL);
  json_t *e = control_error_reply(msg);
  CHECK(e != NULL);
  char *text = json_dumps(e, JSON_COMPACT);
  CHECK_CONTAINS(text, "{\"ok\":false,\"error\":\"malformed request: invalid escape");
  CHECK(text && !strchr(text, '\xd4'));
  free(text);
  json_decref(e);
  /* Valid UTF-8 is kept; a sequence cut short, a surrogate and an overlong are not. */
  e = control_error_reply("caf\xc3\xa9 x\xc3 \xed\xa0\x80 \xc0\xaf");
  CHECK_STR(json_string_value(json_object_get(e, "error")), "caf\xc3\xa9 x? ??? ??");
  json_decref(e);
}

int main(void) {
  RUN(splits_lines_across_reads);
  RUN(holds_one_maximal_request_and_no_more);
  RUN(reports_a_line_over_the_limit);
  RUN(parses_requests_and_says_what_is_wrong);
  RUN(an_error_reply_is_always_valid_json);
  return check_report();
}
