/* lua_module.c — `require "attain.testing"`: the host core as a Lua 5.4 C module, so that
 * busted specs evaluate policies through exactly the code the `attain` binary runs: the
 * importer, the store (an in-memory SQLite database), the facts loader, the sandbox, the
 * embedded stdlib and the policy runtime. Only the thread pool of eval.c is left out.
 *
 *   local testing = require "attain.testing"
 *   local db = testing.new()
 *   db:import { { type = "org", id = "contoso" }, ... }   -- records, as in JSON Lines
 *   local r = db:evaluate { competency = "cloud-platform", org = "contoso",
 *                           at = "2026-11-25", policies = "policies", explain = false }
 *   -- r.level, r.paths[i].goals[j].have/need/met, r.error, r.next_change
 *
 * Records go through the real JSON Lines importer, so a fixture with a bad record fails
 * with the importer's own "fixture:LINE: reason". testing.null stands for JSON null. */
#include <jansson.h>
#include <lauxlib.h>
#include <lua.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "facts.h"
#include "import.h"
#include "isotime.h"
#include "jsonw.h"
#include "policy.h"
#include "store.h"
#include "store_read.h"

#define DB_MT "attain.testing.db"

typedef struct tdb {
  store *s;
  facts_batch *batch;
  policy_set *set;
  policy_runtime *rt;
  char *policies; /* the directory the cached set came from */
} tdb;

static tdb *check_db(lua_State *L) {
  tdb *d = luaL_checkudata(L, 1, DB_MT);
  if (!d->s) luaL_error(L, "attain.testing: database is closed");
  return d;
}

/* ---- Lua values <-> JSON ---- */

static json_t *to_json(lua_State *L, int idx, int depth) {
  idx = lua_absindex(L, idx);
  if (depth > 16) luaL_error(L, "attain.testing: record nested too deeply");
  switch (lua_type(L, idx)) {
  case LUA_TSTRING: return json_stringn(lua_tostring(L, idx), lua_rawlen(L, idx));
  case LUA_TBOOLEAN: return json_boolean(lua_toboolean(L, idx));
  case LUA_TNUMBER:
    return lua_isinteger(L, idx) ? json_integer(lua_tointeger(L, idx))
                                 : json_real(lua_tonumber(L, idx));
  case LUA_TLIGHTUSERDATA: return json_null(); /* testing.null */
  case LUA_TTABLE: {
    lua_Unsigned n = lua_rawlen(L, idx);
    if (n > 0) {
      json_t *a = json_array();
      for (lua_Unsigned i = 1; i <= n; i++) {
        lua_rawgeti(L, idx, (lua_Integer)i);
        json_array_append_new(a, to_json(L, -1, depth + 1));
        lua_pop(L, 1);
      }
      return a;
    }
    json_t *o = json_object();
    lua_pushnil(L);
    while (lua_next(L, idx)) {
      if (lua_type(L, -2) == LUA_TSTRING)
        json_object_set_new(o, lua_tostring(L, -2), to_json(L, -1, depth + 1));
      lua_pop(L, 1);
    }
    return o;
  }
  default: return luaL_error(L, "attain.testing: cannot encode a %s", luaL_typename(L, idx)), NULL;
  }
}

static void push_json(lua_State *L, json_t *v) {
  luaL_checkstack(L, 4, "JSON too deep");
  switch (json_typeof(v)) {
  case JSON_OBJECT: {
    lua_createtable(L, 0, (int)json_object_size(v));
    const char *k;
    json_t *e;
    json_object_foreach(v, k, e) {
      if (json_is_null(e)) continue;
      push_json(L, e);
      lua_setfield(L, -2, k);
    }
    return;
  }
  case JSON_ARRAY: {
    lua_createtable(L, (int)json_array_size(v), 0);
    for (size_t i = 0; i < json_array_size(v); i++) {
      push_json(L, json_array_get(v, i));
      lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
    return;
  }
  case JSON_STRING: lua_pushlstring(L, json_string_value(v), json_string_length(v)); return;
  case JSON_INTEGER: lua_pushinteger(L, (lua_Integer)json_integer_value(v)); return;
  case JSON_REAL: lua_pushnumber(L, json_real_value(v)); return;
  case JSON_TRUE: lua_pushboolean(L, 1); return;
  case JSON_FALSE: lua_pushboolean(L, 0); return;
  default: lua_pushnil(L); return;
  }
}

/* ---- methods ---- */

static int l_new(lua_State *L) {
  tdb *d = lua_newuserdatauv(L, sizeof *d, 0);
  memset(d, 0, sizeof *d);
  luaL_setmetatable(L, DB_MT);
  char err[1024];
  if (store_open(&d->s, ":memory:", 1, err, sizeof err)) return luaL_error(L, "%s", err);
  d->batch = facts_batch_new();
  return 1;
}

static int l_import(lua_State *L) {
  tdb *d = check_db(L);
  char *text = NULL;
  size_t len = 0;
  if (lua_type(L, 2) == LUA_TSTRING) {
    const char *s = lua_tolstring(L, 2, &len);
    text = malloc(len + 1);
    if (text) memcpy(text, s, len + 1);
  } else {
    luaL_checktype(L, 2, LUA_TTABLE);
    jsonw w;
    jsonw_init(&w);
    lua_Unsigned n = lua_rawlen(L, 2);
    for (lua_Unsigned i = 1; i <= n; i++) {
      lua_rawgeti(L, 2, (lua_Integer)i);
      json_t *j = to_json(L, -1, 0);
      char *line = json_dumps(j, JSON_COMPACT | JSON_PRESERVE_ORDER);
      json_decref(j);
      lua_pop(L, 1);
      if (line) {
        jsonw_raw(&w, line, strlen(line));
        jsonw_raw(&w, "\n", 1);
        free(line);
      }
    }
    text = w.buf ? w.buf : calloc(1, 1);
    len = w.len;
  }
  if (!text) return luaL_error(L, "out of memory");
  FILE *in = fmemopen(text, len ? len : 1, "r");
  if (!in) {
    free(text);
    return luaL_error(L, "attain.testing: fmemopen failed");
  }
  if (!len) {
    fclose(in);
    in = fmemopen((char *)"", 0, "r");
  }
  char err[1024];
  import_stats st;
  int rc = in ? import_stream(d->s, in, "fixture", &st, err, sizeof err) : IMPORT_EINPUT;
  if (in) fclose(in);
  free(text);
  if (rc) {
    lua_pushnil(L);
    lua_pushstring(L, err);
    return 2;
  }
  lua_pushinteger(L, st.records);
  return 1;
}

static int64_t time_arg(lua_State *L, int idx, const char *what) {
  if (lua_isinteger(L, idx)) return lua_tointeger(L, idx);
  const char *s = lua_tostring(L, idx);
  int64_t t;
  if (!s || isotime_parse(s, &t))
    luaL_error(L, "attain.testing: %s must be an ISO 8601 time or seconds, got %s", what,
               s ? s : luaL_typename(L, idx));
  return t;
}

static policy_set *load_set(lua_State *L, tdb *d, const char *dir) {
  if (d->set && strcmp(d->policies, dir) == 0) return d->set;
  policy_runtime_free(d->rt);
  policy_set_unref(d->set);
  free(d->policies);
  d->rt = NULL;
  d->set = NULL;
  d->policies = strdup(dir);
  char err[1024];
  if (policy_set_load(&d->set, dir, NULL, err, sizeof err)) luaL_error(L, "%s", err);
  if (policy_runtime_new(&d->rt, d->set, err, sizeof err)) luaL_error(L, "%s", err);
  return d->set;
}

static const char *opt_field(lua_State *L, const char *k, const char *dflt) {
  lua_getfield(L, 2, k);
  const char *v = lua_isnil(L, -1) ? dflt : lua_tostring(L, -1);
  lua_pop(L, 1); /* the options table anchors the string */
  return v;
}

/* db:evaluate { competency, org, at, policies = "policies", explain = false } */
static int l_evaluate(lua_State *L) {
  tdb *d = check_db(L);
  luaL_checktype(L, 2, LUA_TTABLE);
  const char *dir = opt_field(L, "policies", "policies");
  const char *competency = opt_field(L, "competency", NULL);
  const char *org = opt_field(L, "org", NULL);
  if (!competency || !org) return luaL_error(L, "attain.testing: evaluate needs competency and org");
  lua_getfield(L, 2, "at");
  int64_t at = time_arg(L, -1, "at");
  lua_pop(L, 1);
  lua_getfield(L, 2, "explain");
  int explain = lua_toboolean(L, -1);
  lua_pop(L, 1);

  policy_set *set = load_set(L, d, dir);
  int p = 0;
  while (p < set->nfiles && strcmp(set->files[p].stem, competency) != 0) p++;
  if (p == set->nfiles)
    return luaL_error(L, "attain.testing: no policy '%s' in %s", competency, dir);
  char err[1024];
  int64_t oid;
  if (store_org_lookup(d->s, org, &oid, err, sizeof err)) return luaL_error(L, "%s", err);
  if (facts_batch_load(d->batch, d->s, oid, oid, NULL, err, sizeof err)) return luaL_error(L, "%s", err);
  const facts_org *o = facts_batch_org(d->batch, 0);
  jsonw w;
  jsonw_init(&w);
  policy_result res;
  policy_eval_args eargs = {at, at, explain ? POLICY_REPORT_EXPLAIN : POLICY_REPORT_PATHS};
  policy_runtime_eval(d->rt, p, o, &eargs, &w, &res);
  lua_createtable(L, 0, 5);
  if (res.failed) {
    lua_pushstring(L, res.error);
    lua_setfield(L, -2, "error");
  } else {
    json_error_t je;
    json_t *paths = json_loadb(w.buf, w.len, 0, &je);
    if (!paths) {
      jsonw_free(&w);
      return luaL_error(L, "attain.testing: bad paths JSON: %s", je.text);
    }
    push_json(L, paths);
    json_decref(paths);
    lua_setfield(L, -2, "paths");
    if (res.level) {
      lua_pushstring(L, policy_level_name(res.level));
      lua_setfield(L, -2, "level");
    }
  }
  int64_t next = facts_next_change(o, at);
  if (next != INT64_MAX) {
    char b[ISOTIME_BUFSZ];
    isotime_format(next, b);
    lua_pushstring(L, b);
    lua_setfield(L, -2, "next_change");
  }
  lua_pushstring(L, set->version);
  lua_setfield(L, -2, "policy");
  jsonw_free(&w);
  return 1;
}

/* testing.check(dir) -> list of problems ("file:line: failed to ...: msg"), version */
static int l_check(lua_State *L) {
  const char *dir = luaL_checkstring(L, 1);
  char err[1024];
  policy_set *set;
  if (policy_set_load(&set, dir, NULL, err, sizeof err)) return luaL_error(L, "%s", err);
  lua_newtable(L);
  int n = 0;
  for (int i = 0; i < set->nfiles; i++)
    if (set->files[i].problem) {
      lua_pushstring(L, set->files[i].problem);
      lua_rawseti(L, -2, ++n);
    }
  lua_pushstring(L, set->version);
  policy_set_unref(set);
  return 2;
}

static int l_close(lua_State *L) {
  tdb *d = luaL_checkudata(L, 1, DB_MT);
  policy_runtime_free(d->rt);
  policy_set_unref(d->set);
  free(d->policies);
  facts_batch_free(d->batch);
  store_close(d->s);
  memset(d, 0, sizeof *d);
  return 0;
}

int luaopen_attain_testing(lua_State *L);
int luaopen_attain_testing(lua_State *L) {
  static const luaL_Reg methods[] = {{"import", l_import},
                                     {"evaluate", l_evaluate},
                                     {"close", l_close},
                                     {NULL, NULL}};
  luaL_newmetatable(L, DB_MT);
  luaL_newlib(L, methods);
  lua_setfield(L, -2, "__index");
  lua_pushcfunction(L, l_close);
  lua_setfield(L, -2, "__gc");
  lua_pop(L, 1);
  static const luaL_Reg funcs[] = {{"new", l_new}, {"check", l_check}, {NULL, NULL}};
  luaL_newlib(L, funcs);
  lua_pushlightuserdata(L, (void *)&luaopen_attain_testing);
  lua_setfield(L, -2, "null");
  return 1;
}
