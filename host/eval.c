/* eval.c — evaluations on worker threads, or inline (see eval.h). */
#include "eval.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "arena.h"
#include "eval_prior.h"
#include "facts_load.h"
#include "isotime.h"
#include "store_read.h"

#define RANGE_CHUNK 256 /* organisation ids per chunk of a range sweep */
#define LIST_CHUNK 256  /* organisations per chunk of a list sweep */
#define WINDOW 8        /* chunks evaluated ahead of the one being handed over */

_Static_assert(POLICY_ANY_MONTH_METRICS == STORE_ANY_MONTH_METRICS,
               "the policy set's metric window fits the store's");

typedef struct row_list {
  eval_row *rows;
  int n, cap;
} row_list;

/* As small as it was before compare sets: its size decides where in the heap everything
 * after it lands, and with it the cost of the sweep's string compares (callgrind). */
typedef struct chunk_out {
  row_list out; /* the set's rows */
  int norgs, range;
  int64_t lo, hi;
  arena mem;         /* the rows' strings and result trees */
  row_list *compare; /* the compare set's rows, if it has one */
} chunk_out;

/* What one worker (or the inline evaluation) owns. */
typedef struct worker_ctx {
  store *s;
  facts_batch *batch;
  eval_prior *prior;
  policy_runtime *rt;
  policy_runtime *rt2; /* the compare set's, if any */
  arena scratch; /* explanations of lifecycle causes, per row */
} worker_ctx;

typedef struct sweep {
  const eval_request *req;
  size_t nchunks;
  pthread_mutex_t mu;
  pthread_cond_t ready, space;
  size_t next, delivered;
  chunk_out *slots[WINDOW];
  int failed;
  int code; /* what eval_run returns when failed */
  char err[1024];
  int64_t errors;
} sweep;

static void chunk_free(chunk_out *c) {
  if (!c) return;
  free(c->out.rows);
  if (c->compare) free(c->compare->rows);
  free(c->compare);
  arena_free(&c->mem);
  free(c);
}

static int chunk_add(row_list *l) {
  if (l->n == l->cap) {
    int cap = l->cap ? l->cap * 2 : 512;
    eval_row *r = realloc(l->rows, (size_t)cap * sizeof *r);
    if (!r) return -1;
    l->rows = r;
    l->cap = cap;
  }
  return l->n++;
}

static int same_text(const char *a, const char *b) {
  return a && b ? strcmp(a, b) == 0 : a == b;
}

/* Is the stored result of policy p what this evaluation found? Then it is not rewritten.
 * Level none without an error is stored as no row. */
static int stored_unchanged(const eval_prior_org *prior, const policy_set *set, int p, int level,
                            const char *error) {
  const eval_prior_result *r = eval_prior_result_of(prior, set->files[p].stem);
  if (r)
    return strcmp(r->policy, set->version) == 0 && r->level == level && same_text(r->error, error);
  return !error && level == RESULT_LEVEL_NONE;
}

/* Evaluates every policy of runtime `rt` for `o` into `l`. */
static int eval_org(chunk_out *c, row_list *l, policy_runtime *rt, worker_ctx *w,
                    const facts_org *o, const eval_prior_org *prior, const char *key,
                    int64_t next, const eval_request *q, int64_t *errors) {
  policy_set *set = policy_runtime_set(rt);
  int first = l->n;
  for (int p = 0; p < set->nfiles; p++) {
    int r = chunk_add(l);
    if (r < 0) return -1;
    eval_row *row = &l->rows[r];
    memset(row, 0, sizeof *row);
    row->oid = o->oid;
    row->rev = o->rev;
    row->org = key;
    row->policy = p;
    row->cause = "";
    policy_outcome res;
    policy_eval_args args = {{q->at, q->at}, q->report, &c->mem};
    policy_runtime_eval(rt, p, o, &args, &res);
    const eval_prior_status *st = eval_prior_status_of(prior, set->files[p].stem);
    row->state = row->prev_state = st ? st->state : LC_NONE;
    row->failed = res.failed;
    row->level = res.failed ? RESULT_LEVEL_NONE : res.level;
    row->tree = res.tree;
    const char *error = res.error[0] ? res.error : NULL;
    if (!res.failed) {
      lifecycle lc;
      arena_reset(&w->scratch);
      lifecycle_assess(rt, p, o, prior, q->at, &res, q->lifecycle_causes, &w->scratch, &lc);
      row->open_alert_id = lc.open_alert_id;
      if (lc.failed) { /* the renewal rule failed: the state stays as stored */
        if (!error) error = lc.error;
        row->frozen = 1;
      } else {
        row->state = lc.state;
        row->frozen = lc.frozen;
        row->mlevel = lc.mlevel;
        row->bought = lc.bought;
        row->end = lc.end;
        row->alert = lc.alert;
        row->bought_by = arena_strdup(&c->mem, lc.bought_by);
        row->cause = lc.cause[0] ? arena_strdup(&c->mem, lc.cause) : "";
        if (lc.alert == LC_ALERT_RAISE) {
          row->alert_cause = row->cause;
          row->alert_raised = q->at;
        } else if (lc.alert == LC_ALERT_KEEP && lc.open_alert_id) {
          row->alert_cause = arena_strdup(&c->mem, lc.open_alert_cause ? lc.open_alert_cause : "");
          row->alert_raised = lc.open_alert_raised;
        }
        if (lc.next_change < next) next = lc.next_change;
      }
    }
    row->error = arena_strdup(&c->mem, error);
    row->unchanged = stored_unchanged(prior, set, p, row->level, error);
    if (error && errors) (*errors)++;
  }
  for (int r = first; r < l->n; r++) l->rows[r].next_change = next;
  return c->mem.oom ? -1 : 0;
}

/* Evaluates `o` by the set, and by the compare set if there is one, on the same facts and
 * prior. */
static int eval_org_all(chunk_out *c, worker_ctx *w, const facts_org *o, const eval_request *q,
                        int64_t *errors) {
  eval_prior_org prior = eval_prior_of(w->prior, o->oid);
  const char *key = arena_strdup(&c->mem, o->key);
  int64_t next = facts_next_change(o, q->at);
  c->norgs++;
  if (eval_org(c, &c->out, w->rt, w, o, &prior, key, next, q, errors)) return -1;
  return w->rt2 ? eval_org(c, c->compare, w->rt2, w, o, &prior, key, next, q, NULL) : 0;
}

/* The metric rows a chunk must read: the set's window, or with a compare set the union of
 * both (NULL: every row). */
static const store_metric_window *chunk_window(const worker_ctx *w, int64_t at,
                                               store_metric_window *window) {
  policy_metric_window pw;
  if (policy_runtime_metric_window(w->rt, at, &pw)) return NULL;
  window->from = pw.from;
  memcpy(window->any_month, pw.any_month, sizeof window->any_month);
  if (!w->rt2) return window;
  if (policy_runtime_metric_window(w->rt2, at, &pw)) return NULL;
  if (pw.from < window->from) window->from = pw.from;
  for (int i = 0; i < POLICY_ANY_MONTH_METRICS && pw.any_month[i]; i++) {
    int k = 0;
    while (k < STORE_ANY_MONTH_METRICS && window->any_month[k] &&
           strcmp(window->any_month[k], pw.any_month[i]) != 0)
      k++;
    if (k == STORE_ANY_MONTH_METRICS) return NULL; /* more than the store's read can name */
    if (!window->any_month[k]) window->any_month[k] = pw.any_month[i];
  }
  return window;
}

static void chunk_bounds(const eval_request *q, size_t k, int64_t *lo, int64_t *hi,
                         size_t *first, size_t *count) {
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

/* Builds chunk k, or returns NULL with err and *code (a store code, or -1). */
static chunk_out *chunk_build(const eval_request *q, size_t k, worker_ctx *w, int64_t *errors,
                              int *code, char *err, size_t errsz) {
  *code = -1;
  chunk_out *c = calloc(1, sizeof *c);
  if (c && w->rt2 && !(c->compare = calloc(1, sizeof *c->compare))) {
    free(c);
    c = NULL;
  }
  if (!c) {
    snprintf(err, errsz, "out of memory");
    return NULL;
  }
  arena_init(&c->mem);
  int64_t lo, hi;
  size_t first, count;
  chunk_bounds(q, k, &lo, &hi, &first, &count);
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
  const store_metric_window *win = chunk_window(w, q->at, &window);
  for (size_t l = 0; l < loads; l++) {
    if (q->by_list && !dense) lo = hi = q->oids[first + l];
    eval_prior_reset(w->prior);
    int rc = facts_batch_load(w->batch, w->s, lo, hi, win, q->at, eval_prior_sink(), w->prior,
                              err, errsz);
    if (rc || eval_prior_check(w->prior)) {
      if (!rc) snprintf(err, errsz, "loading results: out of memory");
      if (rc == STORE_EBUSY) *code = rc;
      chunk_free(c);
      return NULL;
    }
    for (int i = 0; i < facts_batch_count(w->batch); i++) {
      const facts_org *o = facts_batch_org(w->batch, i);
      if (dense) { /* skip the organisations of the range that are not due */
        while (next < first + count && q->oids[next] < o->oid) next++;
        if (next == first + count || q->oids[next] != o->oid) continue;
      }
      if (q->read_only) {
        c->norgs++;
        continue;
      }
      if (eval_org_all(c, w, o, q, errors)) {
        snprintf(err, errsz, "evaluating: out of memory");
        chunk_free(c);
        return NULL;
      }
    }
  }
  return c;
}

static void fail(sweep *sw, const char *msg, int code) {
  pthread_mutex_lock(&sw->mu);
  if (!sw->failed) {
    sw->failed = 1;
    sw->code = code < 0 ? code : -1;
    snprintf(sw->err, sizeof sw->err, "%s", msg);
  }
  pthread_cond_broadcast(&sw->ready);
  pthread_cond_broadcast(&sw->space);
  pthread_mutex_unlock(&sw->mu);
}

static int stopping(const sweep *sw) { return sw->req->stop && *sw->req->stop; }

static int ctx_open(worker_ctx *w, const eval_request *q, store *s, char *err, size_t errsz) {
  memset(w, 0, sizeof *w);
  arena_init(&w->scratch);
  w->batch = facts_batch_new();
  w->prior = eval_prior_new();
  if (!w->batch || !w->prior) {
    snprintf(err, errsz, "out of memory");
    return -1;
  }
  if (s) {
    w->s = s;
  } else {
    /* Read-only, with the small page cache of readers: a sweep reads each organisation's
     * facts once, so a worker's cache only held images never read again (64 MB each:
     * a repeat sweep of 640,000 peaked at 212 MB). */
    int rc = store_open(&w->s, q->db, STORE_OPEN_READ, err, errsz);
    if (rc) return rc;
    if (q->busy_ms) store_busy_timeout(w->s, q->busy_ms);
  }
  int rc = policy_runtime_take(&w->rt, q->set, err, errsz);
  if (!rc && q->compare) rc = policy_runtime_take(&w->rt2, q->compare, err, errsz);
  return rc;
}

static void ctx_close(worker_ctx *w, const eval_request *q) {
  policy_runtime_give(w->rt);
  if (w->rt2) policy_runtime_give(w->rt2);
  facts_batch_free(w->batch);
  eval_prior_free(w->prior);
  arena_free(&w->scratch);
  if (w->s != q->inline_store) store_close(w->s);
}

static void *worker(void *arg) {
  sweep *sw = arg;
  char err[1024];
  /* Linux threads have their own nice value: a worker may yield to the loop thread. */
  if (sw->req->nice) setpriority(PRIO_PROCESS, (id_t)syscall(SYS_gettid), sw->req->nice);
  worker_ctx w;
  int rc = ctx_open(&w, sw->req, NULL, err, sizeof err);
  if (rc) {
    fail(sw, err, rc);
    ctx_close(&w, sw->req);
    return NULL;
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
    int64_t errors = 0;
    chunk_out *c = chunk_build(sw->req, k, &w, &errors, &rc, err, sizeof err);
    if (!c) {
      fail(sw, err, rc);
      break;
    }
    __atomic_add_fetch(&sw->errors, errors, __ATOMIC_RELAXED);
    pthread_mutex_lock(&sw->mu);
    sw->slots[k % WINDOW] = c;
    pthread_cond_broadcast(&sw->ready);
    pthread_mutex_unlock(&sw->mu);
  }
  /* eval_run may be waiting for a chunk no worker will take now (the stop flag is set from
   * another thread without this lock): wake it to see why. */
  pthread_mutex_lock(&sw->mu);
  pthread_cond_broadcast(&sw->ready);
  pthread_mutex_unlock(&sw->mu);
  ctx_close(&w, sw->req);
  return NULL;
}

static double now_seconds(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static size_t chunk_count(const eval_request *req) {
  if (req->by_list) return (req->noids + LIST_CHUNK - 1) / LIST_CHUNK;
  return req->hi >= req->lo ? (size_t)((req->hi - req->lo) / RANGE_CHUNK + 1) : 0;
}

/* Hands one chunk to the caller; returns 0 or -1 with err. */
static int deliver(const eval_request *req, chunk_out *c, eval_stats *stats, char *err,
                   size_t errsz) {
  eval_chunk view = {c->out.rows, c->out.n, NULL, 0, c->norgs, c->lo, c->hi, c->range};
  if (c->compare) {
    view.rows2 = c->compare->rows;
    view.nrows2 = c->compare->n;
  }
  stats->orgs += c->norgs;
  stats->evaluations += c->out.n;
  return req->on_chunk ? req->on_chunk(req->arg, &view, err, errsz) : 0;
}

/* On the calling thread, with the caller's connection. */
static int run_inline(const eval_request *req, eval_stats *stats, char *err, size_t errsz) {
  worker_ctx w;
  int rc = ctx_open(&w, req, req->inline_store, err, errsz);
  size_t n = chunk_count(req);
  for (size_t k = 0; rc == 0 && k < n; k++) {
    int64_t errors = 0;
    int code;
    chunk_out *c = chunk_build(req, k, &w, &errors, &code, err, errsz);
    if (!c) {
      rc = code;
      break;
    }
    stats->errors += errors;
    rc = deliver(req, c, stats, err, errsz);
    chunk_free(c);
  }
  ctx_close(&w, req);
  return rc;
}

int eval_run(const eval_request *req, eval_stats *stats, char *err, size_t errsz) {
  memset(stats, 0, sizeof *stats);
  double start = now_seconds();
  if (req->inline_store) {
    int rc = run_inline(req, stats, err, errsz);
    stats->seconds = now_seconds() - start;
    return rc;
  }
  sweep sw = {.req = req, .nchunks = chunk_count(req)};
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
      fail(&sw, "cannot start a worker thread", -1);
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
    char why[1024];
    int rc = deliver(req, c, stats, why, sizeof why);
    if (rc) fail(&sw, why, rc);
    chunk_free(c);
    if (stopping(&sw) || sw.failed) break;
  }
  pthread_mutex_lock(&sw.mu);
  sw.next = sw.nchunks; /* let waiting workers leave */
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
    return sw.code;
  }
  return 0;
}
