/* test_log.c — operator log lines: key=value, levels, quoting. */
#include "check.h"
#include <stdlib.h>

#include "log.h"

static void quotes_only_what_needs_it(void) {
  char b[128];
  CHECK_STR(log_quote(b, sizeof b, "plain-value_1"), "plain-value_1");
  CHECK_STR(log_quote(b, sizeof b, "two words"), "\"two words\"");
  CHECK_STR(log_quote(b, sizeof b, "a=b"), "\"a=b\"");
  CHECK_STR(log_quote(b, sizeof b, "say \"hi\"\\"), "\"say \\\"hi\\\"\\\\\"");
  CHECK_STR(log_quote(b, sizeof b, ""), "\"\"");
}

/* A value from data must never end the line or start another pair. */
static void escapes_what_could_forge_a_line(void) {
  char b[128];
  CHECK_STR(log_quote(b, sizeof b, "x\nts=1 level=error event=stopped"),
            "\"x\\nts=1 level=error event=stopped\"");
  CHECK_STR(log_quote(b, sizeof b, "a\rb\tc\x01" "d\x7f"), "\"a\\rb\\tc\\x01d\\x7f\"");
}

static void cuts_long_values_inside_the_quotes(void) {
  char b[16];
  CHECK_STR(log_quote(b, sizeof b, "0123456789abcdefghij"), "\"0123456789...\"");
  CHECK_STR(log_quote(b, sizeof b, "0123456789"), "0123456789");
  CHECK(strlen(log_quote(b, sizeof b, "a a a a a a a a a a a a")) < sizeof b);
  char big[2048];
  memset(big, 'x', sizeof big - 1);
  big[sizeof big - 1] = 0;
  char out[1100];
  const char *q = log_quote(out, sizeof out, big);
  CHECK(strlen(q) < sizeof out && q[0] == '"' && strcmp(q + strlen(q) - 4, "...\"") == 0);
}

static void writes_one_line_per_event_above_the_level(void) {
  char *buf = NULL;
  size_t len = 0;
  FILE *f = open_memstream(&buf, &len);
  logger lg = {f, LOG_INFO};
  log_line(&lg, LOG_DEBUG, "hidden", "x=1");
  log_line(&lg, LOG_INFO, "sweep", "kind=%s orgs=%d", "due", 12);
  fclose(f);
  CHECK(strstr(buf, "hidden") == NULL);
  CHECK_CONTAINS(buf, " level=info event=sweep kind=due orgs=12\n");
  CHECK(strncmp(buf, "ts=", 3) == 0);
  CHECK(strchr(buf, '\n') == buf + len - 1); /* exactly one line */
  free(buf);
  CHECK(log_level_parse("warn") == LOG_WARN && log_level_parse("loud") == -1);
}

int main(void) {
  RUN(quotes_only_what_needs_it);
  RUN(escapes_what_could_forge_a_line);
  RUN(cuts_long_values_inside_the_quotes);
  RUN(writes_one_line_per_event_above_the_level);
  return check_report();
}
