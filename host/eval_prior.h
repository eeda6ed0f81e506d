/* eval_prior.h — what earlier evaluations stored for a range of organisations, as it
 * stood at the evaluation time: the lifecycle state per competency, the renewal alerts
 * open then, and the results stored last (so a sweep rewrites only what changed).
 *
 * Filled through the prior sink of store_read_range (facts_batch_load passes it), in the
 * same read transaction as the facts. Kept apart from the facts: they are inputs of the
 * program's rules, this is the evaluator's own memory. Strings and arrays live in the
 * struct until the next eval_prior_reset or eval_prior_free. One thread at a time. */
#ifndef ATTAIN_EVAL_PRIOR_H
#define ATTAIN_EVAL_PRIOR_H

#include <stddef.h>
#include <stdint.h>

#include "store_read.h"

typedef struct eval_prior_status {
  const char *competency;
  int state; /* enum lifecycle_state */
  int64_t since;
} eval_prior_status;

typedef struct eval_prior_alert {
  const char *competency, *kind, *cause;
  int64_t id, raised;
} eval_prior_alert;

typedef struct eval_prior_result {
  const char *competency, *policy, *error; /* error: NULL for none */
  int level;                               /* enum result_level */
} eval_prior_result;

typedef struct eval_prior_org {
  int64_t oid;
  const eval_prior_status *statuses; /* sorted by competency */
  int nstatuses;
  const eval_prior_alert *alerts; /* open at the evaluation time, by competency, raised */
  int nalerts;
  const eval_prior_result *results; /* sorted by competency */
  int nresults;
} eval_prior_org;

typedef struct eval_prior eval_prior;

eval_prior *eval_prior_new(void);
void eval_prior_free(eval_prior *p);
/* Forgets what was loaded (call before each load). */
void eval_prior_reset(eval_prior *p);
/* The sink to pass to facts_batch_load / store_read_range with `p` as its argument. */
const store_prior_sink *eval_prior_sink(void);
/* Returns -1 if an allocation failed during the last load. */
int eval_prior_check(const eval_prior *p);

/* What is stored for organisation `oid` (an empty view when nothing is). The view is
 * valid until the next reset. */
eval_prior_org eval_prior_of(const eval_prior *p, int64_t oid);

/* Lookups in one organisation's prior, by competency id; NULL when none. */
const eval_prior_status *eval_prior_status_of(const eval_prior_org *p, const char *competency);
const eval_prior_alert *eval_prior_alert_of(const eval_prior_org *p, const char *competency,
                                            const char *kind);
const eval_prior_result *eval_prior_result_of(const eval_prior_org *p, const char *competency);

#endif
