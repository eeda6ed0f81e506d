/* import.c — JSON Lines import (see import.h).
 *
 * Each record type is described by a table of its fields (name, kind, required); one
 * generic check validates a record against its table before anything is written, so
 * every record type reports unknown, missing and mistyped fields the same way. */
#include "import.h"

#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "import_read.h"
#include "isotime.h"
#include "store_write.h"

#define MAX_LINE (1 << 20) /* a longer line is not a fact record */
#define MAX_TEXT 1000

enum field_kind {
  F_ID,      /* non-empty string */
  F_TEXT,    /* string */
  F_TIME,    /* ISO 8601 time or date */
  F_TIME_OR_NULL,
  F_PERIOD,  /* "YYYY-MM" */
  F_AMOUNT,  /* number >= 0 */
  F_COUNT,   /* integer >= 1 */
  F_KIND,    /* achievement kind */
  F_LEVEL,   /* silver | gold */
};

typedef struct field {
  const char *name;
  enum field_kind kind;
  int required;
} field;

enum rec_type {
  R_ORG,
  R_USER,
  R_LINK,
  R_ACHIEVEMENT,
  R_METRIC,
  R_OVERRIDE,
  R_MEMBERSHIP,
  R_COUNT_
};

static const char *const type_names[R_COUNT_] = {
    "org", "user", "msa_link", "achievement", "metric", "override", "membership"};

#define MAX_FIELDS 9
static const field schemas[R_COUNT_][MAX_FIELDS] = {
    [R_ORG] = {{"id", F_ID, 1}, {"name", F_TEXT, 0}},
    [R_USER] = {{"id", F_ID, 1},
                {"org", F_ID, 0},
                {"name", F_TEXT, 0},
                {"joined", F_TIME_OR_NULL, 0},
                {"left", F_TIME_OR_NULL, 0}},
    [R_LINK] = {{"msa", F_ID, 1}, {"user", F_ID, 1}, {"at", F_TIME, 1}},
    [R_ACHIEVEMENT] = {{"msa", F_ID, 1},
                       {"code", F_ID, 1},
                       {"kind", F_KIND, 1},
                       {"earned", F_TIME, 1},
                       {"expires", F_TIME_OR_NULL, 0}},
    [R_METRIC] = {{"org", F_ID, 1},
                  {"metric", F_ID, 1},
                  {"period", F_PERIOD, 1},
                  {"value", F_AMOUNT, 1}},
    [R_OVERRIDE] = {{"org", F_ID, 1},
                    {"competency", F_ID, 1},
                    {"code", F_ID, 1},
                    {"people", F_COUNT, 1},
                    {"reason", F_ID, 1},
                    {"by", F_ID, 1},
                    {"from", F_TIME_OR_NULL, 0},
                    {"until", F_TIME, 1}},
    [R_MEMBERSHIP] = {{"org", F_ID, 1},
                      {"competency", F_ID, 1},
                      {"level", F_LEVEL, 1},
                      {"bought", F_TIME, 1},
                      {"by", F_ID, 0}},
};

/* One validated record: every field's value, converted. */
typedef struct record {
  enum rec_type type;
  int present[MAX_FIELDS];
  const char *text[MAX_FIELDS];
  int64_t time[MAX_FIELDS]; /* STORE_NO_TIME for null */
  double number[MAX_FIELDS];
  int period[MAX_FIELDS];
} record;

static int field_index(enum rec_type t, const char *name) {
  for (int i = 0; i < MAX_FIELDS && schemas[t][i].name; i++)
    if (strcmp(schemas[t][i].name, name) == 0) return i;
  return -1;
}

static const char *json_kind(const json_t *v) {
  switch (json_typeof(v)) {
  case JSON_OBJECT: return "an object";
  case JSON_ARRAY: return "an array";
  case JSON_STRING: return "a string";
  case JSON_INTEGER:
  case JSON_REAL: return "a number";
  case JSON_TRUE:
  case JSON_FALSE: return "a boolean";
  default: return "null";
  }
}

/* Validates and converts `obj` into `r`. Returns 0 or -1 with `why` filled. */
static int record_parse(json_t *obj, record *r, char *why, size_t whysz) {
  if (!json_is_object(obj)) {
    snprintf(why, whysz, "a record must be a JSON object, got %s", json_kind(obj));
    return -1;
  }
  json_t *type = json_object_get(obj, "type");
  if (!type) {
    snprintf(why, whysz, "missing field \"type\"");
    return -1;
  }
  if (!json_is_string(type)) {
    snprintf(why, whysz, "field \"type\" must be a string, got %s", json_kind(type));
    return -1;
  }
  const char *tn = json_string_value(type);
  int t = 0;
  while (t < R_COUNT_ && strcmp(type_names[t], tn) != 0) t++;
  if (t == R_COUNT_) {
    snprintf(why, whysz,
             "unknown record type \"%.60s\" (expected org, user, msa_link, achievement, "
             "metric, override or membership)",
             tn);
    return -1;
  }
  memset(r, 0, sizeof *r);
  r->type = (enum rec_type)t;
  const char *key;
  json_t *v;
  json_object_foreach(obj, key, v) {
    if (strcmp(key, "type") == 0) continue;
    int i = field_index(r->type, key);
    if (i < 0) {
      snprintf(why, whysz, "%s: unknown field \"%.60s\"", tn, key);
      return -1;
    }
    const field *f = &schemas[r->type][i];
    r->present[i] = 1;
    switch (f->kind) {
    case F_ID:
    case F_TEXT:
    case F_KIND:
    case F_LEVEL:
      if (!json_is_string(v)) {
        snprintf(why, whysz, "%s: field \"%s\" must be a string, got %s", tn, key, json_kind(v));
        return -1;
      }
      r->text[i] = json_string_value(v);
      if (f->kind != F_TEXT && !*r->text[i]) {
        snprintf(why, whysz, "%s: field \"%s\" must not be empty", tn, key);
        return -1;
      }
      if (json_string_length(v) > MAX_TEXT || strlen(r->text[i]) != json_string_length(v)) {
        snprintf(why, whysz, "%s: field \"%s\" is longer than %d bytes or holds a NUL", tn, key,
                 MAX_TEXT);
        return -1;
      }
      if (f->kind == F_LEVEL && strcmp(r->text[i], "silver") != 0 &&
          strcmp(r->text[i], "gold") != 0) {
        snprintf(why, whysz, "%s: field \"level\" must be \"silver\" or \"gold\", got \"%.60s\"",
                 tn, r->text[i]);
        return -1;
      }
      if (f->kind == F_KIND && strcmp(r->text[i], "certification") != 0 &&
          strcmp(r->text[i], "exam") != 0 && strcmp(r->text[i], "assessment") != 0) {
        snprintf(why, whysz,
                 "%s: field \"kind\" must be \"certification\", \"exam\" or \"assessment\", "
                 "got \"%.60s\"",
                 tn, r->text[i]);
        return -1;
      }
      break;
    case F_TIME:
    case F_TIME_OR_NULL:
      if (json_is_null(v) && f->kind == F_TIME_OR_NULL) {
        r->time[i] = STORE_NO_TIME;
        break;
      }
      if (!json_is_string(v) || isotime_parse(json_string_value(v), &r->time[i]) != 0) {
        snprintf(why, whysz,
                 "%s: field \"%s\" must be an ISO 8601 time (YYYY-MM-DD or "
                 "YYYY-MM-DDTHH:MM:SSZ)%s, got %s%.60s%s",
                 tn, key, f->kind == F_TIME_OR_NULL ? " or null" : "",
                 json_is_string(v) ? "\"" : "", json_is_string(v) ? json_string_value(v) : json_kind(v),
                 json_is_string(v) ? "\"" : "");
        return -1;
      }
      break;
    case F_PERIOD:
      if (!json_is_string(v) || isotime_parse_period(json_string_value(v), &r->period[i]) != 0) {
        snprintf(why, whysz, "%s: field \"%s\" must be a month \"YYYY-MM\", got %s%.60s%s", tn,
                 key, json_is_string(v) ? "\"" : "",
                 json_is_string(v) ? json_string_value(v) : json_kind(v),
                 json_is_string(v) ? "\"" : "");
        return -1;
      }
      break;
    case F_AMOUNT:
      if (!json_is_number(v)) {
        snprintf(why, whysz, "%s: field \"%s\" must be a number, got %s", tn, key, json_kind(v));
        return -1;
      }
      r->number[i] = json_number_value(v);
      if (!(r->number[i] >= 0) || !isfinite(r->number[i])) {
        snprintf(why, whysz, "%s: field \"%s\" must not be negative, got %g", tn, key,
                 r->number[i]);
        return -1;
      }
      break;
    case F_COUNT:
      if (!json_is_integer(v) || json_integer_value(v) < 1 || json_integer_value(v) > 1000000) {
        snprintf(why, whysz, "%s: field \"%s\" must be a whole number from 1 to 1000000", tn,
                 key);
        return -1;
      }
      r->number[i] = (double)json_integer_value(v);
      break;
    }
  }
  for (int i = 0; i < MAX_FIELDS && schemas[r->type][i].name; i++)
    if (schemas[r->type][i].required && !r->present[i]) {
      snprintf(why, whysz, "%s: missing field \"%s\"", tn, schemas[r->type][i].name);
      return -1;
    }
  return 0;
}

static store_opt_text opt_text(const record *r, int i) {
  return (store_opt_text){r->present[i], r->text[i]};
}
static store_opt_time opt_time(const record *r, int i) {
  return (store_opt_time){r->present[i], r->time[i]};
}

/* Writes one validated record. Field indexes follow `schemas`. */
static int record_store(store *s, const record *r, char *why, size_t whysz) {
  switch (r->type) {
  case R_ORG: return store_org_put(s, r->text[0], opt_text(r, 1), why, whysz);
  case R_USER: {
    store_user_rec u = {r->text[0], r->present[1] ? r->text[1] : NULL, opt_text(r, 2),
                        opt_time(r, 3), opt_time(r, 4)};
    return store_user_put(s, &u, why, whysz);
  }
  case R_LINK: return store_link_put(s, r->text[0], r->text[1], r->time[2], why, whysz);
  case R_ACHIEVEMENT: {
    store_achievement_rec a = {r->text[0], r->text[1], r->text[2], r->time[3],
                               r->present[4] ? r->time[4] : STORE_NO_TIME};
    if (a.expires != STORE_NO_TIME && a.expires <= a.earned) {
      snprintf(why, whysz, "achievement: \"expires\" must be after \"earned\"");
      return STORE_ECONFLICT;
    }
    return store_achievement_put(s, &a, why, whysz);
  }
  case R_METRIC:
    return store_metric_put(s, r->text[0], r->text[1], r->period[2], r->number[3], why, whysz);
  case R_OVERRIDE: {
    store_override_rec o = {r->text[0], r->text[1], r->text[2], r->text[4], r->text[5],
                            (int64_t)r->number[3], r->present[6] ? r->time[6] : STORE_NO_TIME,
                            r->time[7]};
    if (o.from != STORE_NO_TIME && o.from >= o.until) {
      snprintf(why, whysz, "override: \"from\" must be before \"until\"");
      return STORE_ECONFLICT;
    }
    return store_override_put(s, &o, why, whysz);
  }
  case R_MEMBERSHIP: {
    store_membership_rec m = {r->text[0], r->text[1], r->text[2], r->present[4] ? r->text[4] : NULL,
                              r->time[3]};
    return store_membership_put(s, &m, why, whysz);
  }
  default: return STORE_ERROR;
  }
}

/* The reader thread parses and validates lines into batches; the writing thread (the
 * caller's, inside the file's transaction) stores them in order. Parsing JSON and
 * writing SQLite then use both cores; a bounded ring of batches keeps memory flat. */
#define BATCH 256
#define RING 4

typedef struct parsed {
  record r;
  size_t text_off[MAX_FIELDS]; /* where r.text[i] lives in the batch's text, while filling */
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
  for (int i = 0; i < MAX_FIELDS; i++) {
    if (!p->r.text[i]) continue;
    size_t n = strlen(p->r.text[i]) + 1;
    if (b->text_len + n > b->text_cap) {
      size_t cap = b->text_cap ? b->text_cap * 2 : 65536;
      while (cap < b->text_len + n) cap *= 2;
      char *t = realloc(b->text, cap);
      if (!t) return -1;
      b->text = t;
      b->text_cap = cap;
    }
    memcpy(b->text + b->text_len, p->r.text[i], n);
    p->text_off[i] = b->text_len;
    b->text_len += n;
  }
  return 0;
}

/* Points the records' strings into the batch's (now final) text. */
static void batch_fix_strings(batch *b) {
  for (int k = 0; k < b->n; k++)
    for (int i = 0; i < MAX_FIELDS; i++)
      if (b->items[k].r.text[i]) b->items[k].r.text[i] = b->text + b->items[k].text_off[i];
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
  if (record_parse(obj, &out->r, why, sizeof why) != 0) {
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
      int src = record_store(s, &b->items[i].r, why, sizeof why);
      if (src != STORE_OK) {
        snprintf(err, errsz, "%s:%ld: %s", job->path, b->items[i].lineno, why);
        rc = job->failure = src == STORE_ERROR ? IMPORT_ESTORE : IMPORT_EDATA;
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
  memset(stats, 0, sizeof *stats);
  struct job job = {.path = name, .in = in, .stats = stats, .failure = IMPORT_ESTORE};
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
  memset(stats, 0, sizeof *stats);
  int is_stdin = strcmp(path, "-") == 0;
  FILE *in = is_stdin ? stdin : fopen(path, "rb");
  if (!in) {
    snprintf(err, errsz, "%s: cannot open: %s", path, strerror(errno));
    return IMPORT_EINPUT;
  }
  int rc = import_stream(s, in, is_stdin ? "<stdin>" : path, stats, err, errsz);
  if (!is_stdin) fclose(in);
  return rc;
}
