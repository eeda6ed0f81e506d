/* eval_store.h — storing a chunk of evaluations (eval.h) in one transaction: results,
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

/* Stores `chunk` evaluated at `at` with `set`. Counts are added to `counts` (may be NULL). */
int eval_store_chunk(store *s, const policy_set *set, int64_t at, const eval_chunk *chunk,
                     eval_store_counts *counts, char *err, size_t errsz);

#endif
