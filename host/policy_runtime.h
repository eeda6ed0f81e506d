/* policy_runtime.h — a policy set instantiated for one thread: one sandbox (Lua state)
 * per policy with the stdlib's entry points and a facts object, and the calls that
 * evaluate a policy for one organisation into a typed result (result.h).
 *
 * Policies never share a state, so they cannot see or change each other. A runtime is
 * used by one thread at a time; it may move between threads. Runtimes come from their
 * set (policy_runtime_take) and go back to it (policy_runtime_give), so a set's Lua
 * states are built once and reused: the first is the one that validated the set.
 *
 * Errors stay where they happen (docs/eval.md): a policy that failed to load fails as a
 * whole; a goal whose custom measure fails at run time makes its path an error, and the
 * rest of the competency is still evaluated. */
#ifndef ATTAIN_POLICY_RUNTIME_H
#define ATTAIN_POLICY_RUNTIME_H

#include <stddef.h>
#include <stdint.h>

#include "arena.h"
#include "facts.h"
#include "policy_set.h"
#include "result.h"

/* A runtime of `set` (a reference to it is held until policy_runtime_give): one not in
 * use, or a new one. Returns 0, or -1 with err when memory runs out. */
int policy_runtime_take(policy_runtime **out, policy_set *set, char *err, size_t errsz);
/* Hands the runtime back to its set for reuse (frees it if the set is gone). */
void policy_runtime_give(policy_runtime *rt);
policy_set *policy_runtime_set(const policy_runtime *rt);

/* Which metric rows evaluating this set as of `at` can read: the months of its longest
 * window ending with at's month (from), and every month of the metrics of its seats
 * goals. Returns -1 if it may read any row (a custom goal, or more seats metrics than
 * POLICY_ANY_MONTH_METRICS); sweeps load no other rows. */
#define POLICY_ANY_MONTH_METRICS 4
typedef struct policy_metric_window {
  int64_t from; /* month index */
  const char *any_month[POLICY_ANY_MONTH_METRICS];
} policy_metric_window;
int policy_runtime_metric_window(const policy_runtime *rt, int64_t at, policy_metric_window *w);

/* How much an evaluation reports: only the level (a sweep), every path and goal with
 * have/need, or that plus each goal's detail (explanations). */
enum policy_report { POLICY_REPORT_LEVEL = 0, POLICY_REPORT_PATHS, POLICY_REPORT_EXPLAIN };

typedef struct policy_eval_args {
  facts_time ft; /* goals checked at ft.t with what was known at ft.as_of */
  int report;    /* enum policy_report */
  arena *arena;  /* where the tree is built (not used for a LEVEL report) */
} policy_eval_args;

typedef struct policy_outcome {
  int level;       /* enum result_level: the highest level of a met path */
  int failed;      /* the policy failed as a whole: no level */
  int error_level; /* the highest level of a path in error (a level the error may hide) */
  char error[512]; /* failed: why; otherwise the first path error; "" if none */
  result_tree *tree; /* PATHS and EXPLAIN reports, when not failed (in args->arena) */
} policy_outcome;

/* Evaluates policy `i` for organisation `o`. Never raises. */
void policy_runtime_eval(policy_runtime *rt, int i, const facts_org *o,
                         const policy_eval_args *args, policy_outcome *out);

/* The exclusive end of a membership bought at `bought` under the competency's renewal
 * rule. Returns 0, or -1 with err ("file:line: failed to run: ..."). */
int policy_runtime_membership_end(policy_runtime *rt, int i, int64_t bought, int64_t *end,
                                  char *err, size_t errsz);

#endif
