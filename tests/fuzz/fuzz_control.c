/* fuzz_control.c — libFuzzer target: the control protocol's framing and request parsing
 * (control_proto.h), fed the input in pieces of fuzzer-chosen sizes.
 *
 * Input: byte 0 picks the line limit (1..256, so the over-the-limit path is reached with
 * small inputs), byte 1 seeds the piece sizes, the rest is what a client sends. Checked:
 * however the bytes are cut into reads, the framer yields exactly the lines a plain split
 * on '\n' gives, in order, up to the first line over the limit, which it reports once;
 * it never holds more than limit + 1 bytes; every line parses to an object or to an
 * error whose reply is one line of JSON. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "control_proto.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_line(const char *line, size_t n) {
  char msg[256];
  json_t *req = control_request_parse(line, n, msg, sizeof msg);
  if (req) {
    if (!json_is_object(req)) abort();
    json_decref(req);
    return;
  }
  if (strncmp(msg, "malformed request: ", 19) != 0) abort();
  json_t *reply = control_error_reply(msg);
  char *text = json_dumps(reply, JSON_COMPACT);
  if (!text || strchr(text, '\n')) abort();
  json_t *back = json_loads(text, 0, NULL);
  if (!json_is_object(back)) abort();
  json_decref(back);
  free(text);
  json_decref(reply);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 2) return 0;
  size_t max = (size_t)data[0] + 1;
  uint32_t seed = data[1] * 2654435761u + 1;
  const char *in = (const char *)data + 2;
  size_t n = size - 2;

  control_framer f;
  control_framer_init(&f, max);
  size_t fed = 0, ref = 0; /* ref: where the reference split stands in `in` */
  int too_long = 0;
  while (!too_long) {
    /* Take every complete line now, as a server that is not busy would. */
    for (;;) {
      const char *line;
      size_t len;
      int r = control_framer_next(&f, &line, &len);
      if (control_framer_held(&f) > max + 1) abort();
      if (r == CONTROL_FRAME_NONE) break;
      const char *nl = memchr(in + ref, '\n', n - ref);
      size_t want = nl ? (size_t)(nl - (in + ref)) : n - ref;
      if (r == CONTROL_FRAME_TOO_LONG) {
        if (want <= max) abort(); /* the reference line fits: no excuse */
        too_long = 1;
        break;
      }
      if (!nl || len != want || memcmp(line, in + ref, len) != 0) abort();
      check_line(line, len);
      ref += len + 1;
    }
    if (too_long || fed == n) break;
    seed = seed * 1103515245u + 12345u;
    size_t piece = 1 + (seed >> 16) % 300;
    if (piece > n - fed) piece = n - fed;
    size_t took = control_framer_push(&f, in + fed, piece);
    if (took == 0 && control_framer_held(&f) <= max) abort(); /* room, yet nothing taken */
    fed += took;
    if (took == 0) { /* full: the next call must report a line or the excess */
      const char *line;
      size_t len;
      int r = control_framer_next(&f, &line, &len);
      if (r != CONTROL_FRAME_TOO_LONG) abort();
      too_long = 1;
    }
  }
  if (!too_long) {
    /* Everything was fed: what remains is one unfinished line, within the limit. */
    const char *nl = memchr(in + ref, '\n', n - ref);
    if (nl || n - ref > max || control_framer_held(&f) != n - ref) abort();
  } else {
    /* Reported once: the framer keeps saying so, and nothing after it comes out. */
    const char *line;
    size_t len;
    if (control_framer_next(&f, &line, &len) != CONTROL_FRAME_TOO_LONG) abort();
  }
  control_framer_free(&f);
  return 0;
}
