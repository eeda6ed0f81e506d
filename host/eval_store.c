/* eval_store.c — a sweep's evaluations stored in groups of chunks, one transaction each
 * (see eval_store.h). */
#include "eval_store.h"

#include <time.h>

#include "lifecycle.h"
#include "store_results.h"


struct job {
  const policy_set *set;
  int64_t at;
  const eval_chunk *chunk;
  eval_store_counts counts;
};

static int store_rows(store *s, void *arg, char *err, size_t errsz) {
  struct job *j = arg;
  const eval_chunk *c = j->chunk;
  for (int r = 0; r < c->nrows; r++) {
    const eval_row *row = &c->rows[r];
    const char *competency = j->set->files[row->policy].stem;
    store_result_rec rec = {row->oid, competency, j->set->version, result_level_name(row->level),
                            row->error};
    if (!row->unchanged && store_result_put(s, &rec, err, errsz)) return -1;
    /* A failed policy or a frozen state changes no lifecycle (errors stay in their path). */
    int moves = !row->failed && !row->frozen;
    if (moves && row->state != row->prev_state) {
      int recorded;
      if (store_status_put(s, row->oid, competency, lifecycle_state_name(row->state), j->at,
                           row->cause, &recorded, err, errsz))
        return -1;
      j->counts.transitions += recorded;
    }
    if (moves && row->alert == LC_ALERT_RAISE) {
      int raised;
      if (store_alert_raise(s, row->oid, competency, LIFECYCLE_ALERT_KIND, LIFECYCLE_RISK_MESSAGE,
                            row->cause, j->at, &raised, err, errsz))
        return -1;
      j->counts.alerts_raised += raised;
    }
    if (moves && row->alert == LC_ALERT_CLEAR) {
      int cleared;
      if (store_alert_clear(s, row->open_alert_id, j->at, row->cause, &cleared, err, errsz))
        return -1;
      j->counts.alerts_cleared += cleared;
    }
    if (r + 1 == c->nrows || c->rows[r + 1].oid != row->oid) {
      if (store_evaluation_put(s, row->oid, j->at, j->set->version, row->rev,
                               row->next_change == INT64_MAX ? STORE_NO_TIME : row->next_change,
                               err, errsz))
        return -1;
      if (!c->range && store_results_prune(s, row->oid, row->oid, j->set->version, err, errsz))
        return -1;
    }
  }
  /* A range chunk holds every organisation of its range: one prune for all of them. */
  if (c->range && c->nrows && store_results_prune(s, c->lo, c->hi, j->set->version, err, errsz))
    return -1;
  return 0;
}

static double monotonic(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void add_counts(eval_store_counts *to, const eval_store_counts *c) {
  to->transitions += c->transitions;
  to->alerts_raised += c->alerts_raised;
  to->alerts_cleared += c->alerts_cleared;
}

void eval_store_init(eval_store *w, store *s, const policy_set *set, int64_t at) {
  *w = (eval_store){.s = s, .set = set, .at = at};
}

int eval_store_commit(eval_store *w, char *err, size_t errsz) {
  if (!w->open) return 0;
  w->open = 0;
  int rc = store_commit(w->s, err, errsz);
  if (rc == 0) add_counts(&w->counts, &w->pending);
  w->pending = (eval_store_counts){0, 0, 0};
  w->orgs = 0;
  return rc;
}

void eval_store_abort(eval_store *w) {
  if (w->open) store_rollback(w->s);
  w->open = 0;
  w->pending = (eval_store_counts){0, 0, 0};
  w->orgs = 0;
}

int eval_store_put(eval_store *w, const eval_chunk *chunk, char *err, size_t errsz) {
  if (!w->open) {
    int rc = store_begin(w->s, err, errsz);
    if (rc) return rc;
    w->open = 1;
    w->opened = monotonic();
  }
  struct job j = {w->set, w->at, chunk, {0, 0, 0}};
  int rc = store_rows(w->s, &j, err, errsz);
  if (rc) {
    eval_store_abort(w);
    return rc;
  }
  add_counts(&w->pending, &j.counts);
  w->orgs += chunk->norgs;
  if (w->orgs < EVAL_STORE_GROUP_ORGS && monotonic() - w->opened < EVAL_STORE_GROUP_MS / 1e3)
    return 0;
  rc = eval_store_commit(w, err, errsz);
  return rc ? rc : 1;
}

int eval_store_chunk(store *s, const policy_set *set, int64_t at, const eval_chunk *chunk,
                     eval_store_counts *counts, char *err, size_t errsz) {
  struct job j = {set, at, chunk, {0, 0, 0}};
  int rc = store_tx(s, store_rows, &j, err, errsz);
  if (rc == 0 && counts) add_counts(counts, &j.counts);
  return rc;
}
