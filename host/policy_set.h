/* policy_set.h — policy sets: the competency policies of a directory, compiled,
 * validated and versioned as a whole.
 *
 * A directory holds competency files (*.lua directly in it, one competency each, named by
 * its id), optionally shared modules in lib/ (lib/codes.lua is `require "lib.codes"`,
 * sandboxed like a policy, not a competency) and optionally the vocabulary in
 * schema.json (policy_schema.h). A .lua file in any other subfolder is refused, never
 * skipped silently (docs/policy-repo.md).
 *
 * A policy_set is immutable once loaded: the sources of every competency file (sorted by
 * name) and lib/ module, a version (a content hash of names and sources of both and of
 * schema.json), and per file either the competency it defines — its id, display name and
 * benefits, captured at load — or the problems that stop it ("policies/x.lua:3: failed to
 * compile: ..."): the static check's (policy_lint.h), validation's and the schema's. Sets are
 * reference-counted: the daemon swaps in a new set while evaluations in flight keep the
 * one they started with, and a set is freed only when its last user lets go.
 *
 * A set also keeps the runtimes (policy_runtime.h) no one is using, so the runtime that
 * validated it at load serves the first evaluation, and later ones reuse Lua states
 * instead of compiling the policies again. */
#ifndef ATTAIN_POLICY_SET_H
#define ATTAIN_POLICY_SET_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#include "sandbox.h"

#define POLICY_VERSION_LEN 16

typedef struct policy_file {
  char *path;    /* as shown to users: "policies/cloud-platform.lua" */
  char *stem;    /* "cloud-platform": the competency id the file must define */
  char *source;
  size_t len;
  char *name;    /* the competency's display name, when it loaded */
  char **benefits[3]; /* by level (result.h: [1] silver, [2] gold), NULL-terminated */
  char *problem; /* NULL if the policy compiled and validated; else the first of issues,
                    which evaluations of it report */
  char **issues; /* every problem of the file, "file:line: failed to PHASE: message" */
  int nissues;
} policy_file;

typedef struct policy_runtime policy_runtime;

struct policy_schema;

typedef struct policy_set {
  int refs; /* atomic; see policy_set_ref */
  char version[POLICY_VERSION_LEN + 1];
  int nfiles;
  policy_file *files;
  int nproblems;      /* files with problems, plus the set's own: 0 for a good set */
  char **set_issues;  /* problems of no competency file: a .lua file outside lib/ in a
                         subfolder, a lib/ module, schema.json */
  int nset_issues;
  stdlib_module *modules; /* what `require` serves: the stdlib, then the lib/ modules */
  int nlib;
  struct policy_schema *schema; /* NULL without schema.json */
  sandbox_limits limits;
  int lua_only; /* evaluate every level in Lua, none natively (ATTAIN_EVAL=lua: a check) */
  pthread_mutex_t pool_mu; /* guards `pool` */
  policy_runtime *pool;    /* runtimes not in use (policy_runtime_take/give) */
} policy_set;

/* Reads and validates the policy directory `dir`. Returns 0 with *out set even when some
 * policies have problems (see nproblems); a negative value (and err) only when the
 * directory cannot be read, holds no competency file, or memory runs out. */
int policy_set_load(policy_set **out, const char *dir, const sandbox_limits *limits,
                    char *err, size_t errsz);
policy_set *policy_set_ref(policy_set *set);
void policy_set_unref(policy_set *set);

/* The index of the policy defining competency `id`, or -1. */
int policy_set_find(const policy_set *set, const char *id);

/* A metric or code a competency's goal names (attain.competency.references). */
typedef struct policy_reference {
  const char *what;  /* "metric" or "code" */
  const char *name;  /* "azure_consumed_revenue", "AZ-104" */
  const char *kind;  /* the goal's metric kind or achievement kind */
  const char *goal;  /* "a.revenue" */
  const char *where; /* "file:line: " of the goal's constructor call, or "" */
} policy_reference;

/* Calls cb for every metric and code the goals of policy i name (nothing for a policy
 * with problems), in declaration order. Returns 0, or -1 with err. */
int policy_set_references(policy_set *set, int i,
                          void (*cb)(void *arg, const policy_reference *ref), void *arg,
                          char *err, size_t errsz);

/* Every problem of the set, the set's own first, then each file's in file order: k from 0
 * to policy_set_issue_count() - 1. */
int policy_set_issue_count(const policy_set *set);
const char *policy_set_issue(const policy_set *set, int k);

#endif
