/* eval_store.h — storing chunks of evaluations (eval.h), in groups of chunks per transaction: results,
 * the per-organisation evaluation record, lifecycle transitions with their history, and
 * alerts raised or cleared. Shared by `attain eval`, `attain membership buy` and the
 * daemon, so every path that evaluates records the same things. */
#ifndef ATTAIN_EVAL_STORE_H
#define ATTAIN_EVAL_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "eval.h"
#include "store.h"

typedef struct eval_store_counts {
  int64_t transitions, alerts_raised, alerts_cleared;
} eval_store_counts;

/* Organisations per transaction of a sweep's writer, and the longest it holds one open.
 * A first sweep inserts each competency's rows at dozens of places in the indexes of
 * states and levels (store_schema.c, migration 7): committing every chunk of 256
 * organisations rewrote those pages 8 times as often (173,000 page writes and 224 syncs
 * for a first sweep of 100,000 x 19; 51,000 and 50 in groups of 2,048 —
 * docs/performance.md). The time bound keeps imports from waiting on a slow sweep. */
#define EVAL_STORE_GROUP_ORGS 2048
#define EVAL_STORE_GROUP_MS 250

/* A sweep's writer: chunks (in the order eval_run hands them over) stored in groups,
 * each group one transaction. `counts` holds what committed groups recorded. */
typedef struct eval_store {
  store *s;
  const policy_set *set;
  int64_t at;
  int open;              /* a group's transaction is open */
  int64_t orgs;          /* organisations in the open group */
  double opened;         /* when it opened (monotonic seconds) */
  eval_store_counts counts, pending;
} eval_store;

void eval_store_init(eval_store *w, store *s, const policy_set *set, int64_t at);

/* Stores `chunk` in the open group (opening one), and commits the group once it holds
 * EVAL_STORE_GROUP_ORGS organisations or has been open EVAL_STORE_GROUP_MS. Returns 1
 * when this call committed, 0 when the chunk waits in the open group, negative on an
 * error (the group is rolled back: none of its chunks is stored). */
int eval_store_put(eval_store *w, const eval_chunk *chunk, char *err, size_t errsz);

/* Commits the open group, if any (0, or negative with the group rolled back). Call it
 * when the sweep ends or stops; eval_store_abort abandons the group instead. */
int eval_store_commit(eval_store *w, char *err, size_t errsz);
void eval_store_abort(eval_store *w);

/* Stores `chunk` evaluated at `at` with `set` in a transaction of its own. Counts are added
 * to `counts` (may be NULL). */
int eval_store_chunk(store *s, const policy_set *set, int64_t at, const eval_chunk *chunk,
                     eval_store_counts *counts, char *err, size_t errsz);

#endif
