/* policy_set.h — policy sets: the competency policies of a directory, compiled,
 * validated and versioned as a whole.
 *
 * A policy_set is immutable once loaded: the sources of every *.lua file (sorted by
 * name), a version (a content hash of names and sources), and per file either the
 * competency it defines — its id, display name and benefits, captured at load — or the
 * problem that stops it ("policies/x.lua:3: failed to compile: ..."). Sets are
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
  char *problem; /* NULL if the policy compiled and validated */
} policy_file;

typedef struct policy_runtime policy_runtime;

typedef struct policy_set {
  int refs; /* atomic; see policy_set_ref */
  char version[POLICY_VERSION_LEN + 1];
  int nfiles;
  policy_file *files;
  int nproblems;
  sandbox_limits limits;
  int lua_only; /* evaluate every level in Lua, none natively (ATTAIN_EVAL=lua: a check) */
  pthread_mutex_t pool_mu; /* guards `pool` */
  policy_runtime *pool;    /* runtimes not in use (policy_runtime_take/give) */
} policy_set;

/* Reads and validates every *.lua file of `dir`. Returns 0 with *out set even when some
 * policies have problems (see nproblems); a negative value (and err) only when the
 * directory cannot be read or memory runs out. */
int policy_set_load(policy_set **out, const char *dir, const sandbox_limits *limits,
                    char *err, size_t errsz);
policy_set *policy_set_ref(policy_set *set);
void policy_set_unref(policy_set *set);

/* The index of the policy defining competency `id`, or -1. */
int policy_set_find(const policy_set *set, const char *id);

#endif
