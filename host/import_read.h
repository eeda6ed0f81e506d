/* import_read.h — the importer's line reader: every read is bounded by the line limit.
 *
 * getline() grows its buffer to the whole line before a caller can apply a limit, so one
 * huge line costs its size in memory, and it reports an allocation failure as the end of
 * the file. This reader never holds more than `max_line` + 1 bytes of a line (plus one
 * fixed read chunk), and tells the end of the file, a read error and an allocation
 * failure apart, so the importer can fail a file instead of storing part of it.
 *
 * Owns its line buffer (import_reader_free); borrows the stream. One thread at a time. */
#ifndef ATTAIN_IMPORT_READ_H
#define ATTAIN_IMPORT_READ_H

#include <stddef.h>
#include <stdio.h>

enum {
  IMPORT_READ_LINE = 1,     /* a line (without its '\n'; it may hold NUL bytes) */
  IMPORT_READ_EOF = 0,      /* the end of the input: no more lines */
  IMPORT_READ_TOO_LONG = -1, /* the line exceeds max_line; *line holds its first max_line + 1 bytes */
  IMPORT_READ_EIO = -2,     /* the stream failed; the reader's `error` holds errno */
  IMPORT_READ_ENOMEM = -3,  /* the line buffer could not grow */
};

typedef struct import_reader {
  FILE *in;
  size_t max_line;
  char *line;         /* the current line, NUL-terminated; grows up to max_line + 2 */
  size_t cap;
  size_t pos, len;    /* the unread part of `chunk` */
  int eof, error;
  char chunk[65536];
} import_reader;

/* A reader of `in` whose lines may hold at most `max_line` bytes (the '\n' not counted). */
void import_reader_init(import_reader *r, FILE *in, size_t max_line);
void import_reader_free(import_reader *r);

/* The next line: IMPORT_READ_LINE with *line (valid until the next call) and *len, or one
 * of the other IMPORT_READ_* codes. After anything but a line, the reader must not be
 * asked again. A last line without a '\n' is a line. */
int import_reader_next(import_reader *r, const char **line, size_t *len);

#endif
