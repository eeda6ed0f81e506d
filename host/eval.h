/* eval.h — sweeps: evaluating every policy of a set for a range (or list) of
 * organisations, on worker threads.
 *
 * Each worker owns its store connection, its facts batch and its policy runtime (its own
 * Lua states), so workers share nothing but a chunk counter. Chunks of organisations are
 * handed back to the caller's thread strictly in organisation order (a small reorder
 * window bounds memory), so output is the same whatever the scheduling. The caller's
 * on_chunk callback stores and prints; it runs on the calling thread only.
 *
 * Evaluation is a pure function of (facts, policy set, at): nothing here reads a clock
 * except to measure durations for reports. */
#ifndef ATTAIN_EVAL_H
#define ATTAIN_EVAL_H

#include <stddef.h>
#include <stdint.h>

#include "lifecycle.h"
#include "policy.h"

/* One organisation × competency. Strings live as long as the chunk. */
typedef struct eval_row {
  int64_t oid, rev;
  const char *org;      /* organisation id */
  int policy;           /* index into the set's files */
  int level;            /* POLICY_LEVEL_* */
  const char *error;    /* NULL, or "file:line: failed to ...: message" */
  const char *paths;    /* JSON array of paths and goals; NULL for a LEVEL report */
  int64_t next_change;  /* earliest time the organisation's results can change by themselves */
  /* the lifecycle (lifecycle.h) */
  int state, prev_state;
  int mlevel;           /* the membership's level, 0 when none was bought */
  int64_t bought, end;  /* the membership's purchase and exclusive end */
  const char *bought_by;
  int alert;            /* LC_ALERT_KEEP / RAISE / CLEAR */
  int64_t open_alert_id;
  const char *cause;    /* "" unless the state changed, an alert moves, or asked for */
  /* the renewal alert open after this evaluation, if any */
  const char *alert_cause; /* NULL: no open alert */
  int64_t alert_raised;
  int unchanged;        /* level, error and policy version as already stored */
} eval_row;

typedef struct eval_chunk {
  const eval_row *rows;
  int nrows;
  int norgs;
  int64_t lo, hi; /* with `range`: every organisation in [lo, hi] is in the chunk */
  int range;
} eval_chunk;

typedef struct eval_request {
  const char *db;     /* each worker opens its own connection */
  policy_set *set;
  int64_t at;
  int64_t lo, hi;     /* organisation ids (internal), inclusive; ignored with by_list */
  int by_list;         /* evaluate the organisations of `oids` (possibly none), not lo..hi */
  const int64_t *oids; /* sorted */
  size_t noids;
  int workers;        /* 0: one per core */
  int report;         /* enum policy_report: LEVEL leaves eval_row.paths NULL */
  int lifecycle_causes; /* compute lifecycle causes even without a change (status) */
  int (*on_chunk)(void *arg, const eval_chunk *chunk, char *err, size_t errsz);
  void *arg;
  const volatile int *stop; /* optional: set non-zero to stop after the chunks in hand */
  int nice;           /* raise the worker threads' nice value by this much (the daemon
                         keeps its loop thread ahead of sweeps) */
} eval_request;

typedef struct eval_stats {
  int64_t orgs, evaluations, errors;
  double seconds;
} eval_stats;

/* Runs the sweep. Returns 0, or -1 with err (a worker could not start, a store read
 * failed, or on_chunk failed: chunks already handed over stay handed over). */
int eval_run(const eval_request *req, eval_stats *stats, char *err, size_t errsz);

#endif
