/* policy_internal.h — what the policy set (policy_set.c) and its runtimes
 * (policy_runtime.c) share; nothing else includes it. */
#ifndef ATTAIN_POLICY_INTERNAL_H
#define ATTAIN_POLICY_INTERNAL_H

#include "policy_runtime.h"
#include "policy_set.h"

/* "path:line: failed to PHASE: msg" from a Lua message "path:line: msg"; a message
 * without the file's position becomes "path: failed to PHASE: msg". Malloc'd. */
char *policy_phase_message(const char *path, const char *phase, const char *msg);

/* Builds a runtime of `set` (no pool, no set reference), or frees one. */
int policy_runtime_new(policy_runtime **out, policy_set *set, char *err, size_t errsz);
void policy_runtime_free(policy_runtime *rt);
/* The next runtime in a pool. */
policy_runtime **policy_runtime_next(policy_runtime *rt);

/* After a runtime of a freshly loaded set was built: records on file i its problem (if
 * the runtime found one), or the competency's display name and benefits. Returns -1 when
 * memory runs out. */
int policy_runtime_describe(policy_runtime *rt, int i, policy_file *f);

/* Calls cb for every reference of policy i (which loaded without problems), in
 * declaration order. Returns 0, or -1 when the stdlib call fails (out of memory). */
int policy_runtime_references(policy_runtime *rt, int i,
                              void (*cb)(void *arg, const policy_reference *ref), void *arg);

#endif
