/* import.c — JSON Lines import (see import.h): the pipeline that reads a file's lines,
 * parses and validates each into a record (import_record.h) on a reader thread, and
 * stores them in order inside one transaction on the caller's thread. */
#include "import.h"

#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "import_read.h"
#include "import_record.h"
#include "store_write.h"

#define MAX_LINE (1 << 20) /* a longer line is not a fact record */

/* The reader thread parses and validates lines into batches; the writing thread (the
 * caller's, inside the file's transaction) stores them in order. Parsing JSON and
 * writing SQLite then use both cores; a bounded ring of batches keeps memory flat. */
#define BATCH 256
#define RING 4

typedef struct parsed {
  import_record r;
  size_t text_off[IMPORT_MAX_STRINGS]; /* where each string field lives in the batch's text */
  long lineno;
} parsed;

/* The reader copies each record's strings into its batch and frees the JSON at once, so
 * the writer thread never frees memory the reader's allocator arena handed out. */
typedef struct batch {
  parsed items[BATCH];
  int n;
  char *text;
  size_t text_len, text_cap;
  int end;          /* the reader stopped after this batch: EOF or a problem */
  int failure;      /* IMPORT_EDATA / IMPORT_EINPUT with `why`, or 0 at a clean EOF */
  long lines;       /* lines read so far, for the "no records" message */
  char why[600];
} batch;

struct job {
  const char *path;
  FILE *in;
  const struct policy_schema *schema; /* names must be declared there, or NULL */
  import_stats *stats;
  int failure; /* which IMPORT_E* a non-zero return means */
  pthread_mutex_t mu;
  pthread_cond_t filled, emptied;
  batch *ring[RING];
  size_t produced, consumed;
  int cancel; /* the writer gave up: the reader must stop */
};

static void batch_release(batch *b) {
  b->n = 0;
  b->text_len = 0;
}

/* Copies the record's strings into the batch; returns 0 or -1 (out of memory). */
static int batch_keep_strings(batch *b, parsed *p) {
  const char **fields[IMPORT_MAX_STRINGS];
  int nf = import_record_strings(&p->r, fields);
  for (int i = 0; i < nf; i++) {
    size_t n = strlen(*fields[i]) + 1;
    if (b->text_len + n > b->text_cap) {
      size_t cap = b->text_cap ? b->text_cap * 2 : 65536;
      while (cap < b->text_len + n) cap *= 2;
      char *t = realloc(b->text, cap);
      if (!t) return -1;
      b->text = t;
      b->text_cap = cap;
    }
    memcpy(b->text + b->text_len, *fields[i], n);
    p->text_off[i] = b->text_len;
    b->text_len += n;
  }
  return 0;
}

/* Points the records' strings into the batch's (now final) text. */
static void batch_fix_strings(batch *b) {
  for (int k = 0; k < b->n; k++) {
    const char **fields[IMPORT_MAX_STRINGS];
    int nf = import_record_strings(&b->items[k].r, fields);
    for (int i = 0; i < nf; i++) *fields[i] = b->text + b->items[k].text_off[i];
  }
}

/* Reads one line into a parsed record; returns 1 (record), 0 (blank line), -2 (the end
 * of the input), or -1 with b->why and b->failure set. Every way the input can fail is a
 * failure of the file: nothing read before it is stored. */
static int read_record(struct job *job, import_reader *rd, long *lineno, parsed *out,
                       batch *b) {
  const char *l;
  size_t n;
  int got = import_reader_next(rd, &l, &n);
  if (got == IMPORT_READ_EOF) return -2;
  if (got == IMPORT_READ_EIO || got == IMPORT_READ_ENOMEM) {
    snprintf(b->why, sizeof b->why, "%s:%ld: read error: %s", job->path, *lineno + 1,
             got == IMPORT_READ_EIO ? strerror(rd->error) : "out of memory");
    b->failure = IMPORT_EIO;
    return -1;
  }
  (*lineno)++;
  if (memchr(l, '\0', n)) { /* before the length: /dev/zero is binary, not one long line */
    snprintf(b->why, sizeof b->why, "%s:%ld: line holds a NUL byte (is this a binary file?)",
             job->path, *lineno);
    b->failure = IMPORT_EDATA;
    return -1;
  }
  if (got == IMPORT_READ_TOO_LONG) {
    snprintf(b->why, sizeof b->why, "%s:%ld: line longer than %d bytes", job->path, *lineno,
             MAX_LINE);
    b->failure = IMPORT_EDATA;
    return -1;
  }
  size_t len = n;
  if (*lineno == 1 && len >= 3 && memcmp(l, "\xEF\xBB\xBF", 3) == 0) { /* a UTF-8 BOM */
    l += 3;
    len -= 3;
  }
  while (len && (l[len - 1] == '\n' || l[len - 1] == '\r')) len--;
  if (strspn(l, " \t") >= len) return 0; /* blank lines are allowed and ignored */
  json_error_t jerr;
  json_t *obj = json_loadb(l, len, JSON_REJECT_DUPLICATES, &jerr);
  if (!obj) {
    snprintf(b->why, sizeof b->why, "%s:%ld: not a JSON record: %s (column %d)", job->path,
             *lineno, jerr.text, jerr.column);
    b->failure = IMPORT_EDATA;
    return -1;
  }
  char why[512];
  if (import_record_parse(obj, &out->r, why, sizeof why) != 0) {
    json_decref(obj);
    snprintf(b->why, sizeof b->why, "%s:%ld: %s", job->path, *lineno, why);
    b->failure = IMPORT_EDATA;
    return -1;
  }
  out->lineno = *lineno;
  int kept = batch_keep_strings(b, out);
  json_decref(obj);
  if (kept) {
    snprintf(b->why, sizeof b->why, "%s:%ld: out of memory", job->path, *lineno);
    b->failure = IMPORT_EIO;
    return -1;
  }
  return 1;
}

static void *reader(void *arg) {
  struct job *job = arg;
  long lineno = 0;
  import_reader *rd = malloc(sizeof *rd);
  if (!rd) {
    pthread_mutex_lock(&job->mu);
    batch *b = job->ring[job->produced % RING];
    batch_release(b);
    snprintf(b->why, sizeof b->why, "%s: read error: out of memory", job->path);
    b->failure = IMPORT_EIO;
    b->end = 1;
    job->produced++;
    pthread_cond_signal(&job->filled);
    pthread_mutex_unlock(&job->mu);
    return NULL;
  }
  import_reader_init(rd, job->in, MAX_LINE);
  for (int end = 0; !end;) {
    pthread_mutex_lock(&job->mu);
    while (!job->cancel && job->produced - job->consumed >= RING)
      pthread_cond_wait(&job->emptied, &job->mu);
    int cancel = job->cancel;
    batch *b = job->ring[job->produced % RING];
    pthread_mutex_unlock(&job->mu);
    if (cancel) break;
    batch_release(b);
    b->end = 0;
    b->failure = 0;
    while (b->n < BATCH) {
      int r = read_record(job, rd, &lineno, &b->items[b->n], b);
      if (r == 1) b->n++;
      if (r < 0) {
        b->end = end = 1;
        break;
      }
    }
    b->lines = lineno;
    batch_fix_strings(b);
    pthread_mutex_lock(&job->mu);
    job->produced++;
    pthread_cond_signal(&job->filled);
    pthread_mutex_unlock(&job->mu);
  }
  import_reader_free(rd);
  free(rd);
  return NULL;
}

static int import_lines(store *s, void *arg, char *err, size_t errsz) {
  struct job *job = arg;
  int rc = 0;
  char why[512];
  long lines = 0;
  store_write_begin(s);
  pthread_t thread;
  if (pthread_create(&thread, NULL, reader, job)) {
    snprintf(err, errsz, "%s: cannot start the reader thread", job->path);
    return job->failure = IMPORT_ESTORE;
  }
  for (int end = 0; !end && !rc;) {
    pthread_mutex_lock(&job->mu);
    while (job->produced == job->consumed) pthread_cond_wait(&job->filled, &job->mu);
    batch *b = job->ring[job->consumed % RING];
    pthread_mutex_unlock(&job->mu);
    for (int i = 0; i < b->n && !rc; i++) {
      if (job->schema && import_record_check_schema(&b->items[i].r, job->schema, why, sizeof why)) {
        snprintf(err, errsz, "%s:%ld: %s", job->path, b->items[i].lineno, why);
        rc = job->failure = IMPORT_EDATA;
        break;
      }
      int src = import_record_store(s, &b->items[i].r, why, sizeof why);
      if (src != STORE_OK) {
        snprintf(err, errsz, "%s:%ld: %s", job->path, b->items[i].lineno, why);
        rc = job->failure = src == STORE_ENOTFOUND || src == STORE_ECONFLICT ? IMPORT_EDATA : IMPORT_ESTORE;
      } else {
        job->stats->records++;
      }
    }
    if (!rc && b->failure) {
      snprintf(err, errsz, "%s", b->why);
      rc = job->failure = b->failure;
    }
    end = b->end;
    lines = b->lines;
    batch_release(b);
    pthread_mutex_lock(&job->mu);
    job->consumed++;
    if (rc) job->cancel = 1;
    pthread_cond_signal(&job->emptied);
    pthread_mutex_unlock(&job->mu);
  }
  pthread_join(thread, NULL);
  for (int i = 0; i < RING; i++) batch_release(job->ring[i]); /* batches read past an error */
  if (rc == 0 && job->stats->records == 0) {
    snprintf(err, errsz, "%s:%ld: no records (empty file?)", job->path, lines ? lines : 1);
    rc = job->failure = IMPORT_EDATA;
  }
  if (rc == 0 && store_write_finish(s, &job->stats->orgs_changed, why, sizeof why) != STORE_OK) {
    snprintf(err, errsz, "%s: %s", job->path, why);
    rc = job->failure = IMPORT_ESTORE;
  }
  return rc;
}

int import_stream(store *s, FILE *in, const char *name, import_stats *stats, char *err,
                  size_t errsz) {
  return import_stream_checked(s, in, name, NULL, stats, err, errsz);
}

int import_stream_checked(store *s, FILE *in, const char *name,
                          const struct policy_schema *schema, import_stats *stats, char *err,
                          size_t errsz) {
  memset(stats, 0, sizeof *stats);
  struct job job = {.path = name, .in = in, .schema = schema, .stats = stats,
                    .failure = IMPORT_ESTORE};
  for (int i = 0; i < RING; i++)
    if (!(job.ring[i] = calloc(1, sizeof(batch)))) {
      for (int k = 0; k < i; k++) free(job.ring[k]);

      snprintf(err, errsz, "%s: out of memory", name);
      return IMPORT_ESTORE;
    }
  pthread_mutex_init(&job.mu, NULL);
  pthread_cond_init(&job.filled, NULL);
  pthread_cond_init(&job.emptied, NULL);
  int rc = store_tx(s, import_lines, &job, err, errsz);
  pthread_mutex_destroy(&job.mu);
  pthread_cond_destroy(&job.filled);
  pthread_cond_destroy(&job.emptied);
  for (int i = 0; i < RING; i++) {
    free(job.ring[i]->text);
    free(job.ring[i]);
  }
  if (rc == 0) return IMPORT_OK;
  stats->orgs_changed = 0;
  return job.failure;
}

int import_file(store *s, const char *path, import_stats *stats, char *err, size_t errsz) {
  return import_file_checked(s, path, NULL, stats, err, errsz);
}

int import_file_checked(store *s, const char *path, const struct policy_schema *schema,
                        import_stats *stats, char *err, size_t errsz) {
  memset(stats, 0, sizeof *stats);
  int is_stdin = strcmp(path, "-") == 0;
  FILE *in = is_stdin ? stdin : fopen(path, "rb");
  if (!in) {
    snprintf(err, errsz, "%s: cannot open: %s", path, strerror(errno));
    return IMPORT_EINPUT;
  }
  int rc = import_stream_checked(s, in, is_stdin ? "<stdin>" : path, schema, stats, err, errsz);
  if (!is_stdin) fclose(in);
  return rc;
}
