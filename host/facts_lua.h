/* facts_lua.h — the facts API as policies see it: one read-only `attain.Facts` object
 * per Lua state, re-pointed at each organisation before an evaluation.
 *
 * Methods (documented for authors in stdlib/meta/facts.lua): org.id, org.now, org.as_of,
 * org:people(codes, kind, competency), org:people_detail(codes, kind, competency),
 * org:metric_sum(metric, months), org:metric_avg(metric, months),
 * org:metric_latest(metric). No SQL and no store is reachable from here: the object
 * reads only the in-memory facts_org it is bound to. Caller mistakes (a codes list that
 * is not an array of strings, an unknown kind, months < 1) raise errors naming the
 * argument. */
#ifndef ATTAIN_FACTS_LUA_H
#define ATTAIN_FACTS_LUA_H

#include <lua.h>
#include <stdint.h>

#include "facts.h"

typedef struct facts_lua facts_lua;

/* Creates the state's facts object, pushes it, and returns its C side (owned by the Lua
 * state: freed by its __gc when the state closes). */
facts_lua *facts_lua_push_new(lua_State *L);

/* Points the object at `o` for goals checked at ft.t (org.now) with what was known at
 * ft.as_of (org.as_of, where metric windows end; facts.h). They differ only in a renewal
 * projection. `o` must outlive the evaluations that use it; NULL unbinds. */
void facts_lua_bind(facts_lua *f, const facts_org *o, facts_time ft);

#endif
