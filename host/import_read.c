/* import_read.c — the bounded line reader (see import_read.h). */
#include "import_read.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

void import_reader_init(import_reader *r, FILE *in, size_t max_line) {
  memset(r, 0, offsetof(import_reader, chunk));
  r->in = in;
  r->max_line = max_line;
}

void import_reader_free(import_reader *r) {
  free(r->line);
  r->line = NULL;
  r->cap = 0;
}

/* Makes room for `need` bytes of line and its NUL. */
static int reserve(import_reader *r, size_t need) {
  if (need + 1 <= r->cap) return 0;
  size_t cap = r->cap ? r->cap : 4096;
  while (cap < need + 1) cap *= 2;
  if (cap > r->max_line + 2) cap = r->max_line + 2; /* max_line + 1 bytes and the NUL */
  char *l = realloc(r->line, cap);
  if (!l) return -1;
  r->line = l;
  r->cap = cap;
  return 0;
}

/* Refills the chunk; returns 1 (data), 0 (end of input) or IMPORT_READ_EIO. A failure
 * after some bytes is reported at the next refill: the lines complete before it are
 * lines, the one it cut short is not. */
static int refill(import_reader *r) {
  if (r->error) return IMPORT_READ_EIO;
  if (r->eof) return 0;
  errno = 0;
  size_t n = fread(r->chunk, 1, sizeof r->chunk, r->in);
  r->pos = 0;
  r->len = n;
  if (n < sizeof r->chunk) {
    if (ferror(r->in))
      r->error = errno ? errno : EIO;
    else
      r->eof = 1;
  }
  if (n == 0 && r->error) return IMPORT_READ_EIO;
  return n > 0;
}

int import_reader_next(import_reader *r, const char **line, size_t *len) {
  size_t have = 0;
  int started = 0;
  *line = NULL;
  *len = 0;
  for (;;) {
    if (r->pos == r->len) {
      int f = refill(r);
      if (f < 0) return f;
      if (f == 0) {
        if (!started) return IMPORT_READ_EOF;
        break; /* a last line without '\n' */
      }
    }
    started = 1;
    const char *src = r->chunk + r->pos;
    size_t avail = r->len - r->pos;
    const char *nl = memchr(src, '\n', avail);
    size_t take = nl ? (size_t)(nl - src) : avail;
    size_t room = r->max_line + 1 - have; /* one byte past the limit proves the excess */
    if (take > room) take = room;
    if (reserve(r, have + take)) return IMPORT_READ_ENOMEM;
    memcpy(r->line + have, src, take);
    have += take;
    r->pos += take;
    if (have > r->max_line) {
      r->line[have] = 0;
      *line = r->line;
      *len = have;
      return IMPORT_READ_TOO_LONG;
    }
    if (nl) {
      r->pos++; /* the '\n' */
      break;
    }
  }
  if (reserve(r, have)) return IMPORT_READ_ENOMEM;
  r->line[have] = 0;
  *line = r->line;
  *len = have;
  return IMPORT_READ_LINE;
}
