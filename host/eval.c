/* eval.c — sweeps on worker threads (see eval.h). */
#include "eval.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "lifecycle.h"

#include "facts.h"
#include "isotime.h"
#include "store.h"
#include "store_read.h"

#define RANGE_CHUNK 256 /* organisation ids per chunk of a range sweep */
#define LIST_CHUNK 256  /* organisations per chunk of a list sweep */
#define WINDOW 8        /* chunks evaluated ahead of the one being handed over */

typedef struct row_offsets {
  size_t org, error, paths, cause, bought_by, alert_cause; /* SIZE_MAX: none (not org, cause) */
} row_offsets;

typedef struct chunk_out {
  eval_row *rows;
  row_offsets *offs;
  int nrows, cap, norgs;
  int64_t lo, hi;
  int range;
  jsonw text;
} chunk_out;

typedef struct sweep {
  const eval_request *req;
  size_t nchunks;
  pthread_mutex_t mu;
  pthread_cond_t ready, space;
  size_t next, delivered;
  chunk_out *slots[WINDOW];
  int failed;
  char err[1024];
  int64_t errors;
} sweep;

static void chunk_free(chunk_out *c) {
  if (!c) return;
  free(c->rows);
  free(c->offs);
  jsonw_free(&c->text);
  free(c);
}

static int chunk_add(chunk_out *c) {
  if (c->nrows == c->cap) {
    int cap = c->cap ? c->cap * 2 : 512;
    eval_row *r = realloc(c->rows, (size_t)cap * sizeof *r);
    if (!r) return -1;
    c->rows = r;
    row_offsets *o = realloc(c->offs, (size_t)cap * sizeof *o);
    if (!o) return -1;
    c->offs = o;
    c->cap = cap;
  }
  return c->nrows++;
}

/* Appends a NUL-terminated string to the chunk's text; returns its offset. */
static size_t text_put(chunk_out *c, const char *s) {
  size_t at = c->text.len;
  jsonw_raw(&c->text, s, strlen(s) + 1);
  return at;
}

static int same_text(const char *a, const char *b) {
  return a && b ? strcmp(a, b) == 0 : a == b;
}

/* Is the stored result of policy p what this evaluation found? Then it is not rewritten.
 * Level none without an error is stored as no row. */
static int stored_unchanged(const facts_org *o, const policy_set *set, int p,
                            const policy_result *res) {
  const char *stem = set->files[p].stem;
  for (int i = 0; i < o->nresults; i++) {
    const facts_result *r = &o->results[i];
    if (strcmp(r->competency, stem) != 0) continue;
    return strcmp(r->policy, set->version) == 0 &&
           same_text(r->level, policy_level_name(res->level)) &&
           same_text(r->error, res->failed ? res->error : NULL);
  }
  return !res->failed && res->level == POLICY_LEVEL_NONE;
}

static int eval_org(chunk_out *c, policy_runtime *rt, const facts_org *o,
                    const eval_request *q, int64_t *errors) {
  policy_set *set = policy_runtime_set(rt);
  int64_t next = facts_next_change(o, q->at);
  size_t key = text_put(c, o->key);
  int first = c->nrows;
  for (int p = 0; p < set->nfiles; p++) {
    int r = chunk_add(c);
    if (r < 0) return -1;
    eval_row *row = &c->rows[r];
    row_offsets *off = &c->offs[r];
    memset(row, 0, sizeof *row);
    row->oid = o->oid;
    row->rev = o->rev;
    row->policy = p;
    off->org = key;
    off->paths = off->error = off->bought_by = off->alert_cause = SIZE_MAX;
    policy_result res;
    policy_eval_args args = {q->at, q->at, q->report};
    if (q->report != POLICY_REPORT_LEVEL) {
      off->paths = c->text.len;
      c->text.need_sep = 0;
    }
    policy_runtime_eval(rt, p, o, &args, &c->text, &res);
    if (q->report != POLICY_REPORT_LEVEL) {
      if (res.failed) {
        c->text.len = off->paths; /* drop any partial output */
        jsonw_raw(&c->text, "[]", 2);
      }
      jsonw_raw(&c->text, "", 1); /* terminate the paths JSON */
    }
    row->level = res.level;
    row->unchanged = stored_unchanged(o, set, p, &res);
    lifecycle lc;
    if (!res.failed) {
      lifecycle_assess(rt, p, o, q->at, res.level, q->lifecycle_causes, &lc);
      if (lc.failed) {
        res.failed = 1;
        snprintf(res.error, sizeof res.error, "%s", lc.error);
      }
    }
    if (res.failed) {
      off->error = text_put(c, res.error);
      off->cause = text_put(c, "");
      (*errors)++;
      continue;
    }
    row->state = lc.state;
    row->prev_state = lc.prev_state;
    row->mlevel = lc.mlevel;
    row->bought = lc.bought;
    row->end = lc.end;
    row->alert = lc.alert;
    row->open_alert_id = lc.open_alert_id;
    if (lc.bought_by) off->bought_by = text_put(c, lc.bought_by);
    off->cause = text_put(c, lc.cause);
    if (lc.alert == LC_ALERT_RAISE) {
      off->alert_cause = off->cause;
      row->alert_raised = q->at;
    } else if (lc.alert == LC_ALERT_KEEP && lc.open_alert_id) {
      off->alert_cause = text_put(c, lc.open_alert_cause ? lc.open_alert_cause : "");
      row->alert_raised = lc.open_alert_raised;
    }
    if (lc.next_change < next) next = lc.next_change;
  }
  for (int r = first; r < c->nrows; r++) c->rows[r].next_change = next;
  c->norgs++;
  return c->text.oom ? -1 : 0;
}

static void chunk_bounds(const sweep *sw, size_t k, int64_t *lo, int64_t *hi, size_t *first,
                         size_t *count) {
  const eval_request *q = sw->req;
  if (q->by_list) {
    *first = k * LIST_CHUNK;
    *count = q->noids - *first < LIST_CHUNK ? q->noids - *first : LIST_CHUNK;
    *lo = *hi = 0;
  } else {
    *lo = q->lo + (int64_t)k * RANGE_CHUNK;
    *hi = *lo + RANGE_CHUNK - 1 < q->hi ? *lo + RANGE_CHUNK - 1 : q->hi;
    *first = *count = 0;
  }
}

static chunk_out *chunk_build(sweep *sw, size_t k, store *s, facts_batch *b, policy_runtime *rt,
                              char *err, size_t errsz) {
  const eval_request *q = sw->req;
  chunk_out *c = calloc(1, sizeof *c);
  if (!c) {
    snprintf(err, errsz, "out of memory");
    return NULL;
  }
  jsonw_init(&c->text);
  int64_t lo, hi, errors = 0;
  size_t first, count;
  chunk_bounds(sw, k, &lo, &hi, &first, &count);
  /* A dense stretch of a list (after a reload, or on a first start, every organisation is
   * due) reads like a range, once; a sparse one organisation by organisation. */
  int dense = q->by_list && q->oids[first + count - 1] - q->oids[first] < 2 * (int64_t)count;
  size_t loads = q->by_list && !dense ? count : 1;
  if (dense) {
    lo = q->oids[first];
    hi = q->oids[first + count - 1];
  }
  c->lo = lo;
  c->hi = hi;
  c->range = !q->by_list;
  size_t next = first; /* the list's next organisation, when a range is read for a list */
  /* Metric rows the set never reads (older than its longest window) are not loaded. */
  store_metric_window window;
  const store_metric_window *w = policy_runtime_metric_window(rt, q->at, &window) ? NULL : &window;
  for (size_t l = 0; l < loads; l++) {
    if (q->by_list && !dense) lo = hi = q->oids[first + l];
    if (facts_batch_load(b, s, lo, hi, w, err, errsz)) {
      chunk_free(c);
      return NULL;
    }
    for (int i = 0; i < facts_batch_count(b); i++) {
      const facts_org *o = facts_batch_org(b, i);
      if (dense) { /* skip the organisations of the range that are not due */
        while (next < first + count && q->oids[next] < o->oid) next++;
        if (next == first + count || q->oids[next] != o->oid) continue;
      }
      if (eval_org(c, rt, o, q, &errors)) {
        snprintf(err, errsz, "evaluating: out of memory");
        chunk_free(c);
        return NULL;
      }
    }
  }
  for (int r = 0; r < c->nrows; r++) {
    const row_offsets *off = &c->offs[r];
    const char *t = c->text.buf;
    c->rows[r].org = t + off->org;
    c->rows[r].paths = off->paths == SIZE_MAX ? NULL : t + off->paths;
    c->rows[r].error = off->error == SIZE_MAX ? NULL : t + off->error;
    c->rows[r].cause = t + off->cause;
    c->rows[r].bought_by = off->bought_by == SIZE_MAX ? NULL : t + off->bought_by;
    c->rows[r].alert_cause = off->alert_cause == SIZE_MAX ? NULL : t + off->alert_cause;
  }
  __atomic_add_fetch(&sw->errors, errors, __ATOMIC_RELAXED);
  return c;
}

static void fail(sweep *sw, const char *msg) {
  pthread_mutex_lock(&sw->mu);
  if (!sw->failed) {
    sw->failed = 1;
    snprintf(sw->err, sizeof sw->err, "%s", msg);
  }
  pthread_cond_broadcast(&sw->ready);
  pthread_cond_broadcast(&sw->space);
  pthread_mutex_unlock(&sw->mu);
}

static int stopping(const sweep *sw) { return sw->req->stop && *sw->req->stop; }

static void *worker(void *arg) {
  sweep *sw = arg;
  char err[1024];
  /* Linux threads have their own nice value: a worker may yield to the loop thread. */
  if (sw->req->nice) setpriority(PRIO_PROCESS, (id_t)syscall(SYS_gettid), sw->req->nice);
  store *s = NULL;
  facts_batch *b = facts_batch_new();
  policy_runtime *rt = NULL;
  if (!b) {
    fail(sw, "out of memory");
    return NULL;
  }
  if (store_open(&s, sw->req->db, 0, err, sizeof err) ||
      policy_runtime_new(&rt, sw->req->set, err, sizeof err)) {
    fail(sw, err);
    goto done;
  }
  for (;;) {
    pthread_mutex_lock(&sw->mu);
    while (!sw->failed && !stopping(sw) && sw->next < sw->nchunks &&
           sw->next >= sw->delivered + WINDOW)
      pthread_cond_wait(&sw->space, &sw->mu);
    if (sw->failed || stopping(sw) || sw->next >= sw->nchunks) {
      pthread_mutex_unlock(&sw->mu);
      break;
    }
    size_t k = sw->next++;
    pthread_mutex_unlock(&sw->mu);
    chunk_out *c = chunk_build(sw, k, s, b, rt, err, sizeof err);
    if (!c) {
      fail(sw, err);
      break;
    }
    pthread_mutex_lock(&sw->mu);
    sw->slots[k % WINDOW] = c;
    pthread_cond_broadcast(&sw->ready);
    pthread_mutex_unlock(&sw->mu);
  }
done:
  policy_runtime_free(rt);
  facts_batch_free(b);
  store_close(s);
  return NULL;
}

static double now_seconds(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int eval_run(const eval_request *req, eval_stats *stats, char *err, size_t errsz) {
  memset(stats, 0, sizeof *stats);
  double start = now_seconds();
  sweep sw = {.req = req};
  if (req->by_list)
    sw.nchunks = (req->noids + LIST_CHUNK - 1) / LIST_CHUNK;
  else if (req->hi >= req->lo)
    sw.nchunks = (size_t)((req->hi - req->lo) / RANGE_CHUNK + 1);
  pthread_mutex_init(&sw.mu, NULL);
  pthread_cond_init(&sw.ready, NULL);
  pthread_cond_init(&sw.space, NULL);
  int nworkers = req->workers > 0 ? req->workers : (int)sysconf(_SC_NPROCESSORS_ONLN);
  if (nworkers < 1) nworkers = 1;
  if ((size_t)nworkers > sw.nchunks) nworkers = sw.nchunks ? (int)sw.nchunks : 1;
  pthread_t threads[64];
  if (nworkers > 64) nworkers = 64;
  int started = 0;
  for (; started < nworkers; started++)
    if (pthread_create(&threads[started], NULL, worker, &sw)) {
      fail(&sw, "cannot start a worker thread");
      break;
    }
  for (size_t k = 0; k < sw.nchunks; k++) {
    pthread_mutex_lock(&sw.mu);
    while (!sw.slots[k % WINDOW] && !sw.failed && !(stopping(&sw) && k >= sw.next))
      pthread_cond_wait(&sw.ready, &sw.mu);
    chunk_out *c = sw.slots[k % WINDOW];
    sw.slots[k % WINDOW] = NULL;
    if (c) {
      sw.delivered = k + 1;
      pthread_cond_broadcast(&sw.space);
    }
    pthread_mutex_unlock(&sw.mu);
    if (!c) break; /* failed or stopped */
    eval_chunk view = {c->rows, c->nrows, c->norgs, c->lo, c->hi, c->range};
    stats->orgs += c->norgs;
    stats->evaluations += c->nrows;
    char why[1024];
    if (req->on_chunk && req->on_chunk(req->arg, &view, why, sizeof why)) fail(&sw, why);
    chunk_free(c);
    if (stopping(&sw)) break;
  }
  pthread_mutex_lock(&sw.mu);
  if (stopping(&sw)) sw.next = sw.nchunks; /* let waiting workers leave */
  pthread_cond_broadcast(&sw.space);
  pthread_mutex_unlock(&sw.mu);
  for (int i = 0; i < started; i++) pthread_join(threads[i], NULL);
  for (int i = 0; i < WINDOW; i++) chunk_free(sw.slots[i]);
  pthread_mutex_destroy(&sw.mu);
  pthread_cond_destroy(&sw.ready);
  pthread_cond_destroy(&sw.space);
  stats->errors = sw.errors;
  stats->seconds = now_seconds() - start;
  if (sw.failed) {
    snprintf(err, errsz, "%s", sw.err);
    return -1;
  }
  return 0;
}
