/* policy_result.c — Lua result tables to a result tree (see policy_result.h).
 *
 * Shapes read (stdlib/attain/competency.lua, host/facts_lua.c):
 *   result = { level = "silver"|"gold"|nil, paths = { path... } }
 *   path   = { id, level, met, error?, goals = { goal... } }
 *   goal   = { kind, label, have, need, met, error?, detail?, detail_error?, trace?, codes? }
 *   trace  = { "file:line: values"... } (a.trace)
 *   codes of certified/assessed (explained): { "AZ-104", ... }
 *   detail of certified/assessed: { counted = {person...}, excluded = {person...},
 *            overrides = { {code, people, reason, by, until}... } }
 *   person = { user, msa, code, earned, counts_from, expires?, reason?, since?, ends?,
 *              ends_reason? }
 *   detail of revenue/usage/customers: { metric, months, values = { {period, value}... } }
 *   detail of seats: { metric, latest? }
 *   detail of all/any: { goal... }
 *   detail of a custom goal: any value. */
#include "policy_result.h"

#include <lauxlib.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "isotime.h"

#define MAX_DEPTH 12  /* nesting of sub-goals, and of a custom detail's tables */
#define MAX_KEYS 256  /* string keys of one table of a custom detail */

typedef struct walk {
  lua_State *L;
  arena *a;
  int explained;
  char *why;
  size_t whysz;
} walk;

static int bad(walk *w, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int bad(walk *w, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(w->why, w->whysz, fmt, ap);
  va_end(ap);
  return -1;
}

/* Pushes t[k] (raw). */
static int field(lua_State *L, int t, const char *k) {
  lua_pushstring(L, k);
  return lua_rawget(L, t);
}

static const char *str_field(walk *w, int t, const char *k) {
  const char *s = field(w->L, t, k) == LUA_TSTRING ? arena_strdup(w->a, lua_tostring(w->L, -1)) : NULL;
  lua_pop(w->L, 1);
  return s;
}

static int64_t time_field(walk *w, int t, const char *k) {
  int64_t v = FACTS_NO_TIME;
  if (field(w->L, t, k) == LUA_TNUMBER && lua_isinteger(w->L, -1)) v = lua_tointeger(w->L, -1);
  lua_pop(w->L, 1);
  return v;
}

static int bool_field(walk *w, int t, const char *k) {
  field(w->L, t, k);
  int v = lua_toboolean(w->L, -1);
  lua_pop(w->L, 1);
  return v;
}

/* The length of the array at t, or -1 if t[k] is not a table (pushed either way). */
static int array_field(walk *w, int t, const char *k) {
  if (field(w->L, t, k) != LUA_TTABLE) return -1;
  return (int)lua_rawlen(w->L, -1);
}

static int why_code(const char *name) {
  int why = name ? facts_why_parse(name) : -1;
  return why < 0 ? FACTS_IRRELEVANT : why;
}

static int people(walk *w, int d, result_goal *g) {
  lua_State *L = w->L;
  static const char *const lists[] = {"counted", "excluded"};
  for (int k = 0; k < 2; k++) {
    int n = array_field(w, d, lists[k]);
    int arr = lua_gettop(L);
    result_person *ps = n > 0 ? arena_calloc(w->a, (size_t)n, sizeof *ps) : NULL;
    int m = 0;
    for (int i = 1; i <= n && ps; i++) {
      if (lua_rawgeti(L, arr, i) == LUA_TTABLE) {
        int e = lua_gettop(L);
        result_person *p = &ps[m++];
        p->user = str_field(w, e, "user");
        p->msa = str_field(w, e, "msa");
        p->code = str_field(w, e, "code");
        p->earned = time_field(w, e, "earned");
        p->counts_from = time_field(w, e, "counts_from");
        p->expires = time_field(w, e, "expires");
        p->since = time_field(w, e, "since");
        p->ends = time_field(w, e, "ends");
        const char *reason = NULL;
        if (field(L, e, "reason") == LUA_TSTRING) reason = lua_tostring(L, -1);
        p->why = k == 0 ? FACTS_COUNTS : why_code(reason);
        lua_pop(L, 1);
        const char *ends = NULL;
        if (field(L, e, "ends_reason") == LUA_TSTRING) ends = lua_tostring(L, -1);
        p->ends_why = ends ? why_code(ends) : FACTS_COUNTS;
        lua_pop(L, 1);
      }
      lua_pop(L, 1);
    }
    lua_pop(L, 1);
    if (k == 0) {
      g->counted = ps;
      g->ncounted = m;
    } else {
      g->excluded = ps;
      g->nexcluded = m;
    }
  }
  int n = array_field(w, d, "overrides");
  int arr = lua_gettop(L);
  g->credits = n > 0 ? arena_calloc(w->a, (size_t)n, sizeof *g->credits) : NULL;
  for (int i = 1; i <= n && g->credits; i++) {
    if (lua_rawgeti(L, arr, i) == LUA_TTABLE) {
      int e = lua_gettop(L);
      result_credit *c = &g->credits[g->ncredits++];
      c->code = str_field(w, e, "code");
      c->reason = str_field(w, e, "reason");
      c->by = str_field(w, e, "by");
      c->until = time_field(w, e, "until");
      field(L, e, "people");
      c->people = lua_isinteger(L, -1) ? lua_tointeger(L, -1) : 0;
      lua_pop(L, 1);
    }
    lua_pop(L, 1);
  }
  lua_pop(L, 1);
  g->detail = RESULT_DETAIL_PEOPLE;
  return 0;
}

/* The achievement codes of a people goal (its `codes` array of strings, if any). */
static int codes(walk *w, int g, result_goal *out) {
  lua_State *L = w->L;
  int n = array_field(w, g, "codes");
  int arr = lua_gettop(L);
  out->codes = n > 0 ? arena_calloc(w->a, (size_t)n, sizeof *out->codes) : NULL;
  for (int i = 1; i <= n && out->codes; i++) {
    if (lua_rawgeti(L, arr, i) == LUA_TSTRING)
      out->codes[out->ncodes++] = arena_strdup(w->a, lua_tostring(L, -1));
    lua_pop(L, 1);
  }
  lua_pop(L, 1);
  return n > 0 && !out->codes ? bad(w, "%s", "out of memory") : 0;
}

static int window(walk *w, int d, result_goal *g) {
  lua_State *L = w->L;
  g->metric = str_field(w, d, "metric");
  field(L, d, "months");
  g->months = lua_isinteger(L, -1) ? (int)lua_tointeger(L, -1) : 0;
  lua_pop(L, 1);
  int n = array_field(w, d, "values");
  int arr = lua_gettop(L);
  g->values = n > 0 ? arena_calloc(w->a, (size_t)n, sizeof *g->values) : NULL;
  for (int i = 1; i <= n && g->values; i++) {
    if (lua_rawgeti(L, arr, i) == LUA_TTABLE) {
      int e = lua_gettop(L);
      result_month *mo = &g->values[g->nvalues];
      const char *period = NULL;
      if (field(L, e, "period") == LUA_TSTRING) period = lua_tostring(L, -1);
      int ok = period && isotime_parse_period(period, &mo->period) == 0;
      lua_pop(L, 1);
      field(L, e, "value");
      mo->value = lua_tonumber(L, -1);
      lua_pop(L, 1);
      if (ok) g->nvalues++;
    }
    lua_pop(L, 1);
  }
  lua_pop(L, 1);
  g->detail = RESULT_DETAIL_WINDOW;
  return 0;
}

static int latest(walk *w, int d, result_goal *g) {
  g->metric = str_field(w, d, "metric");
  if (field(w->L, d, "latest") == LUA_TNUMBER) {
    g->has_latest = 1;
    g->latest = lua_tonumber(w->L, -1);
  }
  lua_pop(w->L, 1);
  g->detail = RESULT_DETAIL_LATEST;
  return 0;
}

static int is_time_key(const char *k) {
  return strcmp(k, "earned") == 0 || strcmp(k, "counts_from") == 0 ||
         strcmp(k, "expires") == 0 || strcmp(k, "until") == 0 || strcmp(k, "since") == 0 ||
         strcmp(k, "ends") == 0;
}

static int cmp_str(const void *a, const void *b) {
  return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Any Lua value to a result_value, deterministically: arrays in order, other tables with
 * their string keys sorted (other keys dropped); never calls a metamethod. */
static void value(walk *w, int idx, result_value *v, int depth) {
  lua_State *L = w->L;
  idx = lua_absindex(L, idx);
  switch (lua_type(L, idx)) {
  case LUA_TNUMBER:
    if (lua_isinteger(L, idx)) {
      v->type = RESULT_INT;
      v->i = lua_tointeger(L, idx);
      v->time = v->key && is_time_key(v->key);
    } else {
      v->type = RESULT_NUM;
      v->n = lua_tonumber(L, idx);
    }
    return;
  case LUA_TSTRING: {
    size_t n;
    const char *s = lua_tolstring(L, idx, &n);
    v->type = RESULT_STR;
    v->s = arena_strndup(w->a, s, n);
    v->len = w->a->oom ? 0 : n;
    return;
  }
  case LUA_TBOOLEAN:
    v->type = RESULT_BOOL;
    v->b = lua_toboolean(L, idx);
    return;
  case LUA_TTABLE: break;
  default: v->type = RESULT_NIL; return;
  }
  if (depth > MAX_DEPTH || !lua_checkstack(L, 8)) {
    v->type = RESULT_NIL;
    return;
  }
  lua_Unsigned len = lua_rawlen(L, idx);
  size_t nkeys = 0, nstrings = 0;
  lua_pushnil(L);
  while (lua_next(L, idx)) {
    nkeys++;
    if (lua_type(L, -2) == LUA_TSTRING) nstrings++;
    lua_pop(L, 1);
  }
  if (nkeys == len) { /* a sequence (or empty): an array */
    v->type = RESULT_ARRAY;
    v->items = len ? arena_calloc(w->a, (size_t)len, sizeof *v->items) : NULL;
    for (lua_Unsigned i = 1; v->items && i <= len; i++) {
      lua_rawgeti(L, idx, (lua_Integer)i);
      value(w, -1, &v->items[v->nitems++], depth + 1);
      lua_pop(L, 1);
    }
    return;
  }
  v->type = RESULT_OBJECT;
  if (nstrings > MAX_KEYS) nstrings = MAX_KEYS;
  const char **keys = nstrings ? arena_calloc(w->a, nstrings, sizeof *keys) : NULL;
  size_t k = 0;
  lua_pushnil(L);
  while (keys && lua_next(L, idx)) {
    if (lua_type(L, -2) == LUA_TSTRING && k < nstrings)
      keys[k++] = arena_strdup(w->a, lua_tostring(L, -2));
    lua_pop(L, 1);
  }
  if (!keys || w->a->oom) return;
  qsort(keys, k, sizeof *keys, cmp_str);
  v->items = arena_calloc(w->a, k, sizeof *v->items);
  for (size_t i = 0; v->items && i < k; i++) {
    result_value *item = &v->items[v->nitems++];
    item->key = keys[i];
    lua_pushstring(L, keys[i]);
    lua_rawget(L, idx);
    value(w, -1, item, depth + 1);
    lua_pop(L, 1);
  }
}

static int goals(walk *w, int arr, int n, result_goal **out, int *nout, int depth);

static int goal(walk *w, int g, result_goal *out, int depth) {
  lua_State *L = w->L;
  const char *kind = NULL;
  if (field(L, g, "kind") == LUA_TSTRING) kind = lua_tostring(L, -1);
  out->kind = result_goal_kind_parse(kind);
  lua_pop(L, 1);
  out->label = str_field(w, g, "label");
  if (out->kind < 0) return bad(w, "goal '%s': evaluate returned no goal kind", out->label ? out->label : "?");
  field(L, g, "have");
  field(L, g, "need");
  if (!lua_isnumber(L, -2) || !lua_isnumber(L, -1)) {
    lua_pop(L, 2);
    return bad(w, "goal '%s': have and need must be numbers", out->label ? out->label : "?");
  }
  out->have = lua_tonumber(L, -2);
  out->need = lua_tonumber(L, -1);
  lua_pop(L, 2);
  out->met = bool_field(w, g, "met");
  out->error = str_field(w, g, "error");
  out->detail_error = str_field(w, g, "detail_error");
  if (field(L, g, "trace") == LUA_TTABLE) {
    int t = lua_gettop(L), n = (int)lua_rawlen(L, t);
    out->trace = n > 0 ? arena_calloc(w->a, (size_t)n, sizeof *out->trace) : NULL;
    for (int k = 1; out->trace && k <= n; k++) {
      if (lua_rawgeti(L, t, k) == LUA_TSTRING) out->trace[out->ntrace++] = arena_strdup(w->a, lua_tostring(L, -1));
      lua_pop(L, 1);
    }
  }
  lua_pop(L, 1);
  if (!w->explained) return 0;
  int t = field(L, g, "detail");
  int d = lua_gettop(L);
  int rc = 0;
  if (t == LUA_TTABLE) {
    switch (out->kind) {
    case RESULT_GOAL_CERTIFIED:
    case RESULT_GOAL_ASSESSED:
      rc = people(w, d, out);
      if (!rc) rc = codes(w, g, out);
      break;
    case RESULT_GOAL_REVENUE:
    case RESULT_GOAL_USAGE:
    case RESULT_GOAL_CUSTOMERS: rc = window(w, d, out); break;
    case RESULT_GOAL_SEATS: rc = latest(w, d, out); break;
    case RESULT_GOAL_ALL:
    case RESULT_GOAL_ANY:
      if (depth >= MAX_DEPTH) {
        rc = bad(w, "goal '%s': combinators nested too deeply", out->label ? out->label : "?");
        break;
      }
      rc = goals(w, d, (int)lua_rawlen(L, d), &out->children, &out->nchildren, depth + 1);
      out->detail = RESULT_DETAIL_GOALS;
      break;
    default: break;
    }
  }
  if (out->kind == RESULT_GOAL_CUSTOM && t != LUA_TNIL) {
    out->custom = arena_calloc(w->a, 1, sizeof *out->custom);
    if (out->custom) value(w, d, out->custom, 0);
    out->detail = RESULT_DETAIL_CUSTOM;
  }
  lua_pop(L, 1);
  return rc;
}

static int goals(walk *w, int arr, int n, result_goal **out, int *nout, int depth) {
  lua_State *L = w->L;
  *out = n > 0 ? arena_calloc(w->a, (size_t)n, sizeof **out) : NULL;
  *nout = 0;
  if (n > 0 && !*out) return bad(w, "%s", "out of memory");
  for (int j = 1; j <= n; j++) {
    if (lua_rawgeti(L, arr, j) != LUA_TTABLE) {
      lua_pop(L, 1);
      break;
    }
    int rc = goal(w, lua_gettop(L), &(*out)[(*nout)++], depth);
    lua_pop(L, 1);
    if (rc) return rc;
  }
  return 0;
}

int policy_result_walk(lua_State *L, int idx, int explained, arena *a, result_tree *out,
                       char *why, size_t whysz) {
  walk w = {L, a, explained, why, whysz};
  int top = lua_gettop(L);
  idx = lua_absindex(L, idx);
  memset(out, 0, sizeof *out);
  out->explained = explained;
  if (!lua_checkstack(L, 2 * MAX_DEPTH + 16)) return bad(&w, "%s", "out of memory");
  if (lua_type(L, idx) != LUA_TTABLE) return bad(&w, "%s", "evaluate returned no result");
  const char *level = NULL;
  if (field(L, idx, "level") == LUA_TSTRING) level = lua_tostring(L, -1);
  out->level = result_level_parse(level);
  lua_pop(L, 1);
  int n = array_field(&w, idx, "paths");
  if (n < 0) {
    lua_settop(L, top);
    return bad(&w, "%s", "evaluate returned no paths");
  }
  int arr = lua_gettop(L);
  out->paths = n ? arena_calloc(a, (size_t)n, sizeof *out->paths) : NULL;
  int rc = 0;
  for (int i = 1; i <= n && !rc && out->paths; i++) {
    if (lua_rawgeti(L, arr, i) != LUA_TTABLE) {
      lua_pop(L, 1);
      break;
    }
    int p = lua_gettop(L);
    result_path *path = &out->paths[out->npaths++];
    path->id = str_field(&w, p, "id");
    const char *lv = NULL;
    if (field(L, p, "level") == LUA_TSTRING) lv = lua_tostring(L, -1);
    path->level = result_level_parse(lv);
    lua_pop(L, 1);
    path->met = bool_field(&w, p, "met");
    path->error = str_field(&w, p, "error");
    int ng = array_field(&w, p, "goals");
    rc = goals(&w, lua_gettop(L), ng < 0 ? 0 : ng, &path->goals, &path->ngoals, 0);
    lua_settop(L, p - 1);
  }
  lua_settop(L, top);
  if (!rc && a->oom) return bad(&w, "%s", "out of memory");
  return rc;
}
