/* policy_native.h — a competency's declarative plan in C: the levels of a sweep computed
 * without entering Lua.
 *
 * When a competency has no custom goal, its plan (stdlib attain.native_plan: the measures
 * — people holding codes, metric sums, averages, latest values — and per path the goals
 * that compare them with a need) is copied into C when the policy loads. A sweep's level
 * (POLICY_REPORT_LEVEL) is then computed here from the facts, with the same facts
 * functions and the same comparisons as the stdlib's `a.level`, so the answer is the same
 * bit for bit; explanations and reports with paths still come from the stdlib. A
 * competency with a custom goal keeps its Lua evaluation.
 *
 * Ownership: a plan belongs to one policy runtime slot (one thread at a time); its scratch
 * (measure values, the people-seen buffer) is reused across evaluations. */
#ifndef ATTAIN_POLICY_NATIVE_H
#define ATTAIN_POLICY_NATIVE_H

#include <lua.h>

#include "facts.h"

typedef struct policy_native policy_native;

/* Builds the plan from the table attain.native_plan returned, at index idx of L (the
 * policy's own state, at load). Returns NULL when out of memory or the table is not the
 * expected shape (the competency then keeps its Lua evaluation). */
policy_native *policy_native_build(lua_State *L, int idx);
void policy_native_free(policy_native *p);

/* The level (enum result_level) of `o` at ft; -1 when out of memory. */
int policy_native_level(policy_native *p, const facts_org *o, facts_time ft);

#endif
