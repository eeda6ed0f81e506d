/* control_proto.c — request framing and parsing (see control_proto.h). */
#include "control_proto.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void control_framer_init(control_framer *f, size_t max_line) {
  memset(f, 0, sizeof *f);
  f->max_line = max_line;
}

void control_framer_free(control_framer *f) {
  free(f->buf);
  f->buf = NULL;
  f->cap = f->start = f->len = f->scanned = 0;
}

static size_t bound(const control_framer *f) { return f->max_line + 1; }

int control_framer_space(control_framer *f, char **at, size_t *room) {
  *at = NULL;
  *room = 0;
  if (f->len >= bound(f)) return 0;
  if (f->start) { /* lines taken: move the rest to the front, once per read */
    memmove(f->buf, f->buf + f->start, f->len);
    f->start = 0;
  }
  if (f->len == f->cap) { /* grow by doubling from 4 KiB up to the bound */
    size_t cap = f->cap ? f->cap * 2 : 4096;
    if (cap > bound(f)) cap = bound(f);
    char *b = realloc(f->buf, cap);
    if (!b) return -1;
    f->buf = b;
    f->cap = cap;
  }
  *at = f->buf + f->len;
  *room = f->cap - f->len;
  if (*room > bound(f) - f->len) *room = bound(f) - f->len;
  return 0;
}

void control_framer_commit(control_framer *f, size_t n) { f->len += n; }

size_t control_framer_push(control_framer *f, const char *data, size_t n) {
  size_t done = 0;
  while (done < n) {
    char *at;
    size_t room;
    if (control_framer_space(f, &at, &room) || room == 0) break;
    size_t k = n - done < room ? n - done : room;
    memcpy(at, data + done, k);
    control_framer_commit(f, k);
    done += k;
  }
  return done;
}

int control_framer_next(control_framer *f, const char **line, size_t *n) {
  *line = NULL;
  *n = 0;
  if (!f->buf) return CONTROL_FRAME_NONE; /* nothing read yet */
  const char *p = f->buf + f->start;
  const char *nl = f->scanned < f->len ? memchr(p + f->scanned, '\n', f->len - f->scanned) : NULL;
  if (!nl) {
    f->scanned = f->len;
    return f->len > f->max_line ? CONTROL_FRAME_TOO_LONG : CONTROL_FRAME_NONE;
  }
  size_t k = (size_t)(nl - p);
  if (k > f->max_line) return CONTROL_FRAME_TOO_LONG;
  *line = p;
  *n = k;
  f->start += k + 1;
  f->len -= k + 1;
  f->scanned = 0;
  if (f->len == 0) f->start = 0;
  return CONTROL_FRAME_LINE;
}

size_t control_framer_held(const control_framer *f) { return f->len; }

void control_framer_discard(control_framer *f) { f->start = f->len = f->scanned = 0; }

json_t *control_request_parse(const char *line, size_t n, char *msg, size_t msgsz) {
  json_error_t je;
  json_t *req = json_loadb(line, n, 0, &je);
  if (req && json_is_object(req)) return req;
  snprintf(msg, msgsz, "malformed request: %s", req ? "expected a JSON object" : je.text);
  json_decref(req);
  return NULL;
}

/* The length of the valid UTF-8 sequence at s (RFC 3629: no overlongs, no surrogates,
 * nothing past U+10FFFF), or 0. */
static size_t utf8_seq(const unsigned char *s) {
  unsigned c = s[0];
  if (c < 0x80) return 1;
  size_t n = c >= 0xC2 && c <= 0xDF ? 2 : c >= 0xE0 && c <= 0xEF ? 3 : c >= 0xF0 && c <= 0xF4 ? 4 : 0;
  if (!n) return 0;
  unsigned lo = 0x80, hi = 0xBF; /* the second byte's range */
  if (c == 0xE0) lo = 0xA0;
  if (c == 0xED) hi = 0x9F;
  if (c == 0xF0) lo = 0x90;
  if (c == 0xF4) hi = 0x8F;
  if (s[1] < lo || s[1] > hi) return 0;
  for (size_t i = 2; i < n; i++)
    if (s[i] < 0x80 || s[i] > 0xBF) return 0;
  return n;
}

json_t *control_error_reply(const char *msg) {
  /* Parser messages quote the request's bytes, which need not be UTF-8, and jansson
   * refuses such a string: every byte that is not part of valid UTF-8 becomes '?'. */
  size_t n = strlen(msg);
  char *clean = malloc(n + 1);
  if (!clean) return NULL;
  for (size_t i = 0; i < n;) {
    size_t k = utf8_seq((const unsigned char *)msg + i);
    if (k == 0) {
      clean[i++] = '?';
      continue;
    }
    memcpy(clean + i, msg + i, k);
    i += k;
  }
  clean[n] = 0;
  json_t *reply = json_pack("{s:b, s:s}", "ok", 0, "error", clean);
  free(clean);
  return reply;
}

void control_too_long_message(char *msg, size_t msgsz, size_t max_line) {
  snprintf(msg, msgsz, "request longer than %zu bytes", max_line);
}
