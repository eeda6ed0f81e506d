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

json_t *control_error_reply(const char *msg) {
  return json_pack("{s:b, s:s}", "ok", 0, "error", msg);
}

void control_too_long_message(char *msg, size_t msgsz, size_t max_line) {
  snprintf(msg, msgsz, "request longer than %zu bytes", max_line);
}
