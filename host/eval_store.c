/* eval_store.c — one transaction per chunk of evaluations (see eval_store.h). */
#include "eval_store.h"

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

int eval_store_chunk(store *s, const policy_set *set, int64_t at, const eval_chunk *chunk,
                     eval_store_counts *counts, char *err, size_t errsz) {
  struct job j = {set, at, chunk, {0, 0, 0}};
  int rc = store_tx(s, store_rows, &j, err, errsz);
  if (rc == 0 && counts) {
    counts->transitions += j.counts.transitions;
    counts->alerts_raised += j.counts.alerts_raised;
    counts->alerts_cleared += j.counts.alerts_cleared;
  }
  return rc;
}
