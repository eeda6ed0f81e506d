/* policy_result.h — the stdlib's Lua result of an evaluation, walked once into a result
 * tree (result.h). Used by policy_runtime.c only.
 *
 * The result tables are the stdlib's, but a custom goal's `detail` is the policy's own
 * value: every read is raw (no metamethod of a policy's table runs), depth-limited, and a
 * value of the wrong shape is an error of the evaluation, never a crash. */
#ifndef ATTAIN_POLICY_RESULT_H
#define ATTAIN_POLICY_RESULT_H

#include <lua.h>
#include <stddef.h>

#include "arena.h"
#include "result.h"

/* Walks the result table at index `idx` of L into *out (nodes in `a`). `explained`: the
 * goals carry their detail (a.explain). Returns 0, or -1 with `why`. Leaves the stack
 * as it found it. */
int policy_result_walk(lua_State *L, int idx, int explained, arena *a, result_tree *out,
                       char *why, size_t whysz);

#endif
