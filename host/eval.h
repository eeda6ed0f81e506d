/* eval.h — the one way to evaluate: every policy of a set for a range (or list) of
 * organisations as of a time, with the lifecycle of each organisation × competency.
 * `attain eval`, `status`, `profile`, `membership buy`, the daemon and the Lua test
 * module all call eval_run.
 *
 * Each worker owns its store connection, its facts batch, what earlier evaluations
 * stored (eval_prior.h) and a policy runtime (its own Lua states, taken from the set's
 * pool), so workers share nothing but a chunk counter. Chunks of organisations are
 * handed back to the caller's thread strictly in organisation order (a small reorder
 * window bounds memory), so output is the same whatever the scheduling. The caller's
 * on_chunk callback stores and prints; it runs on the calling thread only. With
 * `inline_store`, evaluation runs on the calling thread itself on that connection (an
 * in-memory database, one organisation).
 *
 * With a `compare` set, every organisation is evaluated by both sets on the same facts and
 * the same prior, read once (`attain diff`, the daemon's reload impact): the compare
 * set's rows come with the chunk, in eval_chunk.rows2, from a runtime of its own pool.
 *
 * Evaluation is a pure function of (facts, policy set, at): nothing here reads a clock
 * except to measure durations for reports. */
#ifndef ATTAIN_EVAL_H
#define ATTAIN_EVAL_H

#include <stddef.h>
#include <stdint.h>

#include "lifecycle.h"
#include "policy_runtime.h"
#include "result.h"
#include "store.h"

/* One organisation × competency. Strings and the tree live as long as the chunk. */
typedef struct eval_row {
  int64_t oid, rev;
  const char *org;      /* organisation id */
  int policy;           /* index into the set's files */
  int level;            /* enum result_level (none when failed) */
  int failed;           /* the policy failed as a whole: no level, no lifecycle */
  const char *error;    /* NULL, or "file:line: failed to ...: message": the failure, or
                           the first path error, or the lifecycle's (renewal rule) */
  const result_tree *tree; /* paths and goals (PATHS and EXPLAIN reports), or NULL */
  int64_t next_change;  /* earliest time the organisation's results can change by themselves */
  /* the lifecycle (lifecycle.h); when failed, the state as stored */
  int state, prev_state;
  int frozen;           /* a path in error may change the state: it stays as stored */
  int mlevel;           /* the membership's level, 0 when none was bought */
  int64_t bought, end;  /* the membership's purchase and exclusive end */
  const char *bought_by;
  int alert;            /* LC_ALERT_KEEP / RAISE / CLEAR */
  int64_t open_alert_id; /* the alert open before this evaluation (also when the renewal
                            rule failed; 0 when the policy failed as a whole) */
  const char *cause;    /* "" unless the state changed, an alert moves, or asked for */
  /* the renewal alert open after this evaluation, if any */
  const char *alert_cause; /* NULL: no open alert */
  int64_t alert_raised;
  int unchanged;        /* level, error and policy version as already stored */
} eval_row;

typedef struct eval_chunk {
  const eval_row *rows;
  int nrows;
  const eval_row *rows2; /* with a compare set: its rows, the same organisations in order */
  int nrows2;
  int norgs;
  int64_t lo, hi; /* with `range`: every organisation in [lo, hi] is in the chunk */
  int range;
} eval_chunk;

typedef struct eval_request {
  const char *db;     /* each worker opens its own connection */
  store *inline_store; /* or: evaluate on the calling thread with this connection */
  policy_set *set;
  policy_set *compare; /* optional: a second set evaluated on the same facts and prior */
  int64_t at;
  int64_t lo, hi;     /* organisation ids (internal), inclusive; ignored with by_list */
  int by_list;         /* evaluate the organisations of `oids` (possibly none), not lo..hi */
  const int64_t *oids; /* sorted */
  size_t noids;
  int workers;        /* 0: one per core */
  int report;         /* enum policy_report: LEVEL leaves eval_row.tree NULL */
  int lifecycle_causes; /* compute lifecycle causes even without a change (status) */
  int (*on_chunk)(void *arg, const eval_chunk *chunk, char *err, size_t errsz);
  void *arg;
  const volatile int *stop; /* optional: set non-zero to stop after the chunks in hand */
  int nice;           /* raise the worker threads' nice value by this much (the daemon
                         keeps its loop thread ahead of sweeps) */
  int busy_ms;        /* the workers' busy timeout (0: STORE_BUSY_MS) */
  int read_only;      /* read every organisation's facts and what was stored, as a sweep
                         does, and evaluate nothing: chunks carry no rows (the cost of
                         reading alone, `eval --read-only`, docs/performance.md) */
} eval_request;

typedef struct eval_stats {
  int64_t orgs, evaluations, errors; /* evaluations and errors of `set` (not `compare`) */
  double seconds;
} eval_stats;

/* Runs the evaluation. Returns 0, or a negative code with err (a worker could not start, a
 * store read failed, or on_chunk failed: chunks already handed over stay handed over, no
 * later chunk is handed over). STORE_EBUSY when the store (or on_chunk) found the database
 * busy: a retry later may succeed. */
int eval_run(const eval_request *req, eval_stats *stats, char *err, size_t errsz);

#endif
