/* test_import_read.c — the importer's bounded line reader: lines across read chunks, a
 * last line without '\n', the limit applied while reading (the buffer never outgrows it),
 * and a read error part way failing the whole file (import_stream) with nothing stored. */
#define _GNU_SOURCE /* fopencookie */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "import.h"
#include "import_read.h"
#include "store.h"
#include "testdb.h"

static char err[1024];

/* A stream that serves `data` and then fails with EIO (or ends, if fail_at is SIZE_MAX). */
typedef struct failing {
  const char *data;
  size_t len, pos, fail_at;
} failing;

static ssize_t failing_read(void *cookie, char *buf, size_t size) {
  failing *f = cookie;
  if (f->pos >= f->fail_at) {
    errno = EIO;
    return -1;
  }
  size_t end = f->fail_at < f->len ? f->fail_at : f->len;
  size_t n = end - f->pos < size ? end - f->pos : size;
  memcpy(buf, f->data + f->pos, n);
  f->pos += n;
  return (ssize_t)n;
}

static FILE *failing_open(failing *f) {
  cookie_io_functions_t io = {.read = failing_read};
  return fopencookie(f, "r", io);
}

static char *repeat(char c, size_t n) {
  char *s = malloc(n + 1);
  memset(s, c, n);
  s[n] = 0;
  return s;
}

static void reads_lines_across_chunks(void) {
  /* Lines straddling the reader's 64 KiB chunks, a CR kept, a NUL kept, no final '\n'. */
  size_t a = 65530, b = 70000;
  size_t total = a + 1 + b + 1 + 4 + 1 + 3;
  char *data = malloc(total);
  memset(data, 'a', a);
  data[a] = '\n';
  memset(data + a + 1, 'b', b);
  data[a + 1 + b] = '\n';
  memcpy(data + a + 1 + b + 1, "x\r\0y\nend", 4 + 1 + 3);
  FILE *in = fmemopen(data, total, "r");
  import_reader r;
  import_reader_init(&r, in, 1 << 20);
  const char *l;
  size_t n;
  CHECK(import_reader_next(&r, &l, &n) == IMPORT_READ_LINE && n == a && l[0] == 'a' &&
        l[a - 1] == 'a' && l[a] == 0);
  CHECK(import_reader_next(&r, &l, &n) == IMPORT_READ_LINE && n == b && l[b - 1] == 'b');
  CHECK(import_reader_next(&r, &l, &n) == IMPORT_READ_LINE && n == 4 &&
        memcmp(l, "x\r\0y", 4) == 0);
  CHECK(import_reader_next(&r, &l, &n) == IMPORT_READ_LINE && n == 3 && strcmp(l, "end") == 0);
  CHECK(import_reader_next(&r, &l, &n) == IMPORT_READ_EOF);
  import_reader_free(&r);
  fclose(in);
  free(data);
}

static void an_empty_input_has_no_line(void) {
  FILE *in = fmemopen((char *)"", 0, "r");
  import_reader r;
  import_reader_init(&r, in, 100);
  const char *l;
  size_t n;
  CHECK(import_reader_next(&r, &l, &n) == IMPORT_READ_EOF);
  import_reader_free(&r);
  fclose(in);
}

static void applies_the_limit_while_reading(void) {
  /* A line of exactly the limit passes; one byte more stops the reader after limit + 1
   * bytes, with a buffer no larger than that, however long the line really is. */
  size_t max = 100000;
  char *ok = repeat('o', max), *big = repeat('g', 5 * max);
  size_t total = max + 1 + 5 * max + 1;
  char *data = malloc(total);
  memcpy(data, ok, max);
  data[max] = '\n';
  memcpy(data + max + 1, big, 5 * max);
  data[total - 1] = '\n';
  FILE *in = fmemopen(data, total, "r");
  import_reader r;
  import_reader_init(&r, in, max);
  const char *l;
  size_t n;
  CHECK(import_reader_next(&r, &l, &n) == IMPORT_READ_LINE && n == max);
  CHECK(import_reader_next(&r, &l, &n) == IMPORT_READ_TOO_LONG && n == max + 1 && l[0] == 'g');
  CHECK(r.cap <= max + 2);
  /* It read one chunk past the start of the long line, not the whole line. */
  CHECK(ftell(in) < (long)(max + 1 + max + 1 + sizeof r.chunk + 1));
  import_reader_free(&r);
  fclose(in);
  free(data);
  free(ok);
  free(big);
}

static void a_read_error_is_not_the_end(void) {
  /* The error strikes in the middle of a line: the part read is not a line. */
  const char *data = "one\ntwo\nthr";
  failing f = {data, strlen(data), 0, strlen(data)};
  FILE *in = failing_open(&f);
  setvbuf(in, NULL, _IONBF, 0);
  import_reader r;
  import_reader_init(&r, in, 100);
  const char *l;
  size_t n;
  CHECK(import_reader_next(&r, &l, &n) == IMPORT_READ_LINE && strcmp(l, "one") == 0);
  CHECK(import_reader_next(&r, &l, &n) == IMPORT_READ_LINE && strcmp(l, "two") == 0);
  CHECK(import_reader_next(&r, &l, &n) == IMPORT_READ_EIO);
  CHECK(r.error == EIO);
  import_reader_free(&r);
  fclose(in);
}

static void a_read_error_fails_the_whole_file(void) {
  /* 1,000 good records, then the stream fails: the file is refused, nothing stored. */
  size_t cap = 1 << 16, len = 0;
  char *data = malloc(cap);
  for (int i = 0; i < 1000; i++)
    len += (size_t)snprintf(data + len, cap - len, "{\"type\":\"org\",\"id\":\"o%d\"}\n", i);
  failing f = {data, len, 0, len};
  FILE *in = failing_open(&f);
  const char *p = testdb_path();
  store *s;
  CHECK(store_open(&s, p, 1, err, sizeof err) == STORE_OK);
  import_stats st;
  CHECK(import_stream(s, in, "facts.jsonl", &st, err, sizeof err) == IMPORT_EIO);
  CHECK_STR(err, "facts.jsonl:1001: read error: Input/output error");
  int64_t counts[16];
  CHECK(store_table_counts(s, counts, err, sizeof err) == STORE_OK);
  CHECK(counts[0] == 0);
  CHECK(st.orgs_changed == 0);
  store_close(s);
  fclose(in);
  free(data);
  testdb_remove(p);
}

int main(void) {
  RUN(reads_lines_across_chunks);
  RUN(an_empty_input_has_no_line);
  RUN(applies_the_limit_while_reading);
  RUN(a_read_error_is_not_the_end);
  RUN(a_read_error_fails_the_whole_file);
  return check_report();
}
