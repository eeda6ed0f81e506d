/* policy.h — policy sets: the competency policies of a directory, compiled, validated and
 * versioned as a whole, and their per-thread runtimes.
 *
 * A policy_set is immutable once loaded: the sources of every *.lua file (sorted by
 * name), a version (a content hash of names and sources), and per file either the
 * competency it defines or the problem that stops it ("policies/x.lua:3: failed to
 * compile: ..."). Sets are reference-counted (policy_set_ref/unref): the daemon swaps in
 * a new set while evaluations in flight keep the one they started with, and a set is
 * freed only when its last user lets go.
 *
 * A policy_runtime instantiates a set for one thread: one sandbox (Lua state) per
 * policy, the stdlib's evaluate/explain, and one facts object per state. Policies never
 * share a state, so they cannot see or change each other. */
#ifndef ATTAIN_POLICY_H
#define ATTAIN_POLICY_H

#include <stddef.h>
#include <stdint.h>

#include "facts.h"
#include "jsonw.h"
#include "sandbox.h"
#include "store_read.h"

#define POLICY_VERSION_LEN 16

typedef struct policy_file {
  char *path;  /* as shown to users: "policies/cloud-platform.lua" */
  char *stem;  /* "cloud-platform": the competency id the file must define */
  char *source;
  size_t len;
  char *name;  /* the competency's display name, when it loaded */
  char *problem; /* NULL if the policy compiled and validated */
} policy_file;

typedef struct policy_set {
  int refs; /* atomic; see policy_set_ref */
  char version[POLICY_VERSION_LEN + 1];
  int nfiles;
  policy_file *files;
  int nproblems;
  sandbox_limits limits;
} policy_set;

/* Reads and validates every *.lua file of `dir`. Returns 0 with *out set even when some
 * policies have problems (see nproblems); a negative value (and err) only when the
 * directory cannot be read or memory runs out. */
int policy_set_load(policy_set **out, const char *dir, const sandbox_limits *limits,
                    char *err, size_t errsz);
policy_set *policy_set_ref(policy_set *set);
void policy_set_unref(policy_set *set);

typedef struct policy_runtime policy_runtime;

int policy_runtime_new(policy_runtime **out, policy_set *set, char *err, size_t errsz);
void policy_runtime_free(policy_runtime *rt);
policy_set *policy_runtime_set(const policy_runtime *rt);
/* The metric rows evaluating this set at `at` can read (see store_metric_window): the
 * months of its longest window, and every month of the metrics of its seats goals.
 * Returns -1 if it may read any row (a custom goal, or more seats metrics than
 * STORE_ANY_MONTH_METRICS); sweeps load no other rows. */
int policy_runtime_metric_window(const policy_runtime *rt, int64_t at, store_metric_window *w);

/* The outcome of evaluating one policy for one organisation. */
enum { POLICY_LEVEL_NONE = 0, POLICY_LEVEL_SILVER = 1, POLICY_LEVEL_GOLD = 2 };

/* "silver", "gold", or NULL for POLICY_LEVEL_NONE (JSON null, SQL NULL); and back (0 for
 * anything else). */
const char *policy_level_name(int level);
const char *policy_level_word(int level); /* the same, "none" for POLICY_LEVEL_NONE */
int policy_level_parse(const char *name);

typedef struct policy_result {
  int level;
  int failed;      /* the policy failed: `error` holds "file:line: failed to ...: msg" */
  char error[512];
} policy_result;

/* How much an evaluation reports: only the level (a sweep), every path and goal with
 * have/need (JSON output), or that plus each goal's `detail` (explanations). */
enum policy_report { POLICY_REPORT_LEVEL = 0, POLICY_REPORT_PATHS, POLICY_REPORT_EXPLAIN };

typedef struct policy_eval_args {
  int64_t at;         /* the evaluation time */
  int64_t metrics_at; /* where metric windows end: `at`, or the known present in a projection */
  int report;         /* enum policy_report */
} policy_eval_args;

/* Evaluates policy `i` for organisation `o`. Unless the report is LEVEL, appends the
 * paths array to `paths` (nothing on failure). Never raises; a failure fills res->error. */
void policy_runtime_eval(policy_runtime *rt, int i, const facts_org *o,
                         const policy_eval_args *args, jsonw *paths, policy_result *res);

/* The competency's benefits for `level` ("silver"/"gold") as a JSON array into `out`;
 * and the end of a membership bought at `bought` under the competency's renewal rule.
 * Both return 0, or -1 with err filled. */
/* One holding an explanation excludes from a people goal (strings valid during the
 * callback only; since: STORE_NO_TIME if the explanation gives none). */
typedef struct policy_excluded {
  const char *user, *code, *msa, *reason;
  int64_t since;
} policy_excluded;

/* What policy_runtime_explain_walk hands over, in result order: each path, then its goals;
 * a goal callback returning non-zero asks for the holdings its explanation excludes. */
typedef struct policy_explain_visitor {
  void (*path)(void *arg, const char *id, const char *level, int met);
  int (*goal)(void *arg, const char *label, double have, double need, int met);
  void (*excluded)(void *arg, const policy_excluded *e);
} policy_explain_visitor;

/* Explains policy i for `o` as policy_runtime_eval does with POLICY_REPORT_EXPLAIN, but
 * walks the explanation with `v` instead of writing JSON: what lifecycle causes need. */
void policy_runtime_explain_walk(policy_runtime *rt, int i, const facts_org *o, int64_t at,
                                 int64_t metrics_at, const policy_explain_visitor *v, void *arg,
                                 policy_result *res);

int policy_runtime_benefits(policy_runtime *rt, int i, const char *level, jsonw *out, char *err,
                            size_t errsz);
int policy_runtime_membership_end(policy_runtime *rt, int i, int64_t bought, int64_t *end,
                                  char *err, size_t errsz);

#endif
