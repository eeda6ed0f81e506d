/* facts_lua.c — the Lua binding of facts (see facts_lua.h). */
#include "facts_lua.h"

#include <lauxlib.h>
#include <stdlib.h>
#include <string.h>

#include "isotime.h"

#define FACTS_MT "attain.Facts"
#define MAX_CODES 64

struct facts_lua {
  const facts_org *org;
  facts_time ft;
  unsigned char *seen; /* scratch for facts_people, grown to the largest organisation */
  size_t seen_cap;
};

/* The methods carry the facts metatable as their upvalue: comparing it with argument 1's
 * metatable checks `self` without luaL_checkudata's registry lookup (this runs for every
 * measure of every evaluation). */
static facts_lua *self(lua_State *L) {
  facts_lua *f = lua_touserdata(L, 1);
  if (!f || !lua_getmetatable(L, 1) || !lua_rawequal(L, -1, lua_upvalueindex(1)))
    luaL_typeerror(L, 1, FACTS_MT);
  lua_pop(L, 1);
  if (!f->org) luaL_error(L, "facts are only available during an evaluation");
  return f;
}

/* Reads argument `arg` as an array of strings into codes[]; returns the count. */
static int read_codes(lua_State *L, int arg, const char **codes) {
  luaL_checktype(L, arg, LUA_TTABLE);
  lua_Integer n = luaL_len(L, arg);
  if (n < 1 || n > MAX_CODES) luaL_argerror(L, arg, "expected a list of 1 to 64 codes");
  for (lua_Integer i = 1; i <= n; i++) {
    if (lua_rawgeti(L, arg, i) != LUA_TSTRING)
      luaL_argerror(L, arg, lua_pushfstring(L, "code #%d is not a string", (int)i));
    codes[i - 1] = lua_tostring(L, -1); /* the table keeps the string alive */
    lua_pop(L, 1);
  }
  return (int)n;
}

static int read_kind(lua_State *L, int arg) {
  const char *name = luaL_optstring(L, arg, NULL);
  int kind = facts_kind_parse(name);
  if (kind < 0)
    luaL_argerror(L, arg, "kind must be \"certification\", \"exam\", \"assessment\" or nil");
  return kind;
}

static unsigned char *scratch(lua_State *L, facts_lua *f) {
  size_t need = (size_t)f->org->nusers + 1;
  if (need > f->seen_cap) {
    unsigned char *p = realloc(f->seen, need);
    if (!p) luaL_error(L, "out of memory");
    f->seen = p;
    f->seen_cap = need;
  }
  return f->seen;
}

static int l_people(lua_State *L) {
  facts_lua *f = self(L);
  const char *codes[MAX_CODES];
  int n = read_codes(L, 2, codes);
  int kind = read_kind(L, 3);
  const char *competency = luaL_optstring(L, 4, NULL);
  lua_pushinteger(L, facts_people(f->org, f->ft, codes, n, kind, competency, scratch(L, f)));
  return 1;
}

static void set_str(lua_State *L, const char *k, const char *v) {
  lua_pushstring(L, v);
  lua_setfield(L, -2, k);
}
static void set_int(lua_State *L, const char *k, lua_Integer v) {
  lua_pushinteger(L, v);
  lua_setfield(L, -2, k);
}

static int code_in(const char *code, const char **codes, int n) {
  for (int i = 0; i < n; i++)
    if (strcmp(code, codes[i]) == 0) return 1;
  return 0;
}

/* Holdings in a stable order for explanations: by user (in the order accounts were
 * created), code, earned. */
static int by_user_code(const void *a, const void *b) {
  const facts_holding *x = *(const facts_holding *const *)a, *y = *(const facts_holding *const *)b;
  int c = (x->user > y->user) - (x->user < y->user);
  if (!c) c = strcmp(x->code, y->code);
  if (!c) c = (x->earned > y->earned) - (x->earned < y->earned);
  if (!c) c = (x->started > y->started) - (x->started < y->started);
  return c;
}

static int l_people_detail(lua_State *L) {
  facts_lua *f = self(L);
  const char *codes[MAX_CODES];
  int n = read_codes(L, 2, codes);
  int kind = read_kind(L, 3);
  const char *competency = luaL_optstring(L, 4, NULL);
  const facts_org *o = f->org;
  const facts_holding **hs = lua_newuserdatauv(L, sizeof *hs * ((size_t)o->nholdings + 1), 0);
  int nh = 0;
  for (int i = 0; i < o->nholdings; i++) {
    const facts_holding *h = &o->holdings[i];
    if ((kind == FACTS_ANY || h->kind == kind) && code_in(h->code, codes, n)) hs[nh++] = h;
  }
  qsort(hs, (size_t)nh, sizeof *hs, by_user_code);
  unsigned char *seen = scratch(L, f);
  memset(seen, 0, (size_t)o->nusers + 1);
  lua_createtable(L, 0, 3);
  lua_newtable(L); /* counted */
  lua_newtable(L); /* excluded */
  int nc = 0, nx = 0;
  for (int i = 0; i < nh; i++) {
    const facts_holding *h = hs[i];
    enum facts_why why = facts_holding_status(o, h, f->ft);
    if (why == FACTS_IRRELEVANT) continue;
    const char *user = h->user >= 0 ? o->users[h->user].key : "?";
    lua_createtable(L, 0, 7);
    set_str(L, "user", user);
    set_str(L, "msa", h->msa);
    set_str(L, "code", h->code);
    set_int(L, "earned", h->earned);
    set_int(L, "counts_from", facts_holding_counts_from(o, h));
    if (h->expires != FACTS_NO_TIME) set_int(L, "expires", h->expires);
    if (why == FACTS_COUNTS && !seen[h->user]) {
      seen[h->user] = 1;
      enum facts_why ends_why;
      int64_t ends = facts_holding_ends(o, h, f->ft, &ends_why);
      if (ends != FACTS_NO_TIME) {
        set_int(L, "ends", ends);
        set_str(L, "ends_reason", facts_why_name(ends_why));
      }
      lua_rawseti(L, -3, ++nc);
    } else {
      if (why == FACTS_COUNTS) why = FACTS_ALREADY_COUNTED;
      set_str(L, "reason", facts_why_name(why));
      int64_t since = facts_why_since(o, h, why, f->ft.as_of);
      if (since != FACTS_NO_TIME) set_int(L, "since", since);
      lua_rawseti(L, -2, ++nx);
    }
  }
  lua_setfield(L, -3, "excluded");
  lua_setfield(L, -2, "counted");
  lua_newtable(L); /* overrides */
  int no = 0;
  if (competency)
    for (int i = 0; i < o->noverrides; i++) {
      const facts_override *ov = &o->overrides[i];
      if (strcmp(ov->competency, competency) != 0 || !code_in(ov->code, codes, n) ||
          !facts_override_in_force(ov, f->ft))
        continue;
      lua_createtable(L, 0, 5);
      set_str(L, "code", ov->code);
      set_int(L, "people", ov->people);
      set_str(L, "reason", ov->reason);
      set_str(L, "by", ov->by);
      set_int(L, "until", ov->until);
      lua_rawseti(L, -2, ++no);
    }
  lua_setfield(L, -2, "overrides");
  return 1;
}

static int read_months(lua_State *L, int arg) {
  lua_Integer m = luaL_checkinteger(L, arg);
  if (m < 1 || m > 120) luaL_argerror(L, arg, "months must be from 1 to 120");
  return (int)m;
}

static int l_metric_sum(lua_State *L) {
  facts_lua *f = self(L);
  const char *metric = luaL_checkstring(L, 2);
  lua_pushnumber(L, facts_metric_sum(f->org, metric, f->ft.as_of, read_months(L, 3)));
  return 1;
}

static int l_metric_avg(lua_State *L) {
  facts_lua *f = self(L);
  const char *metric = luaL_checkstring(L, 2);
  int months = read_months(L, 3);
  lua_pushnumber(L, facts_metric_sum(f->org, metric, f->ft.as_of, months) / months);
  return 1;
}

static int l_metric_latest(lua_State *L) {
  facts_lua *f = self(L);
  int found;
  double v = facts_metric_latest(f->org, luaL_checkstring(L, 2), f->ft.as_of, &found);
  if (found)
    lua_pushnumber(L, v);
  else
    lua_pushnil(L);
  return 1;
}

/* Only ever called as the facts metatable's __index (which no policy can reach: the
 * metatable is hidden), so argument 1 is a facts object. Methods first: they are the
 * hot path. */
static int l_index(lua_State *L) {
  lua_pushvalue(L, 2);
  if (lua_rawget(L, lua_upvalueindex(1)) != LUA_TNIL) return 1; /* a method */
  facts_lua *f = lua_touserdata(L, 1);
  const char *k = lua_type(L, 2) == LUA_TSTRING ? lua_tostring(L, 2) : NULL;
  if (k && f->org) {
    if (strcmp(k, "id") == 0) {
      lua_pushstring(L, f->org->key);
      return 1;
    }
    if (strcmp(k, "now") == 0) {
      lua_pushinteger(L, f->ft.t);
      return 1;
    }
    if (strcmp(k, "as_of") == 0) {
      lua_pushinteger(L, f->ft.as_of);
      return 1;
    }
  }
  lua_pushnil(L);
  return 1;
}

static int l_newindex(lua_State *L) {
  return luaL_error(L, "the facts object is read-only");
}

static int l_gc(lua_State *L) {
  facts_lua *f = luaL_checkudata(L, 1, FACTS_MT);
  free(f->seen);
  f->seen = NULL;
  return 0;
}

static int l_tostring(lua_State *L) {
  facts_lua *f = luaL_checkudata(L, 1, FACTS_MT);
  lua_pushfstring(L, "attain.Facts(%s)", f->org ? f->org->key : "unbound");
  return 1;
}

facts_lua *facts_lua_push_new(lua_State *L) {
  facts_lua *f = lua_newuserdatauv(L, sizeof *f, 0);
  memset(f, 0, sizeof *f);
  if (luaL_newmetatable(L, FACTS_MT)) {
    static const luaL_Reg methods[] = {{"people", l_people},
                                       {"people_detail", l_people_detail},
                                       {"metric_sum", l_metric_sum},
                                       {"metric_avg", l_metric_avg},
                                       {"metric_latest", l_metric_latest},
                                       {NULL, NULL}};
    luaL_newlibtable(L, methods);
    lua_pushvalue(L, -2); /* the metatable, each method's upvalue (see self) */
    luaL_setfuncs(L, methods, 1);
    lua_pushcclosure(L, l_index, 1);
    lua_setfield(L, -2, "__index");
    lua_pushcfunction(L, l_newindex);
    lua_setfield(L, -2, "__newindex");
    lua_pushcfunction(L, l_gc);
    lua_setfield(L, -2, "__gc");
    lua_pushcfunction(L, l_tostring);
    lua_setfield(L, -2, "__tostring");
    lua_pushboolean(L, 0);
    lua_setfield(L, -2, "__metatable"); /* getmetatable(org) cannot reach the methods */
  }
  lua_setmetatable(L, -2);
  return f;
}

void facts_lua_bind(facts_lua *f, const facts_org *o, facts_time ft) {
  f->org = o;
  f->ft = ft;
}
