/* lua_module.c — `require "attain.testing"`: the host core as a Lua 5.4 C module, so that
 * busted specs evaluate policies through exactly the code the `attain` binary runs: the
 * importer, the store (an in-memory SQLite database), the facts loader, the sandbox, the
 * embedded stdlib, the policy runtime and the one evaluation entry (eval_run, inline on
 * the calling thread), lifecycle included.
 *
 *   local testing = require "attain.testing"
 *   local db = testing.new()
 *   db:import { { type = "org", id = "contoso" }, ... }   -- records, as in JSON Lines
 *   local r = db:evaluate { competency = "cloud-platform", org = "contoso",
 *                           at = "2026-11-25", policies = "policies", explain = false }
 *   -- r.level, r.state, r.membership, r.paths[i].goals[j].have/need/met, r.alerts,
 *   -- r.error, r.next_change, r.policy
 *
 * Records go through the real JSON Lines importer, so a fixture with a bad record fails
 * with the importer's own "fixture:LINE: reason" (db:import(text, name) names the input);
 * testing.new { policies = DIR } holds them to DIR's schema.json as `attain import` does.
 * testing.null stands for JSON null. For `attain test` (stdlib/testing/attain/):
 * testing.decode(json) parses one JSON value, testing.observe(f) calls f(request, result)
 * after every evaluate (outcome coverage), testing.coverage() makes sets loaded after it
 * record the lines their policy functions run, and testing.lines(dir) says which of a
 * set's lines of policy functions did not.
 * Results come back as Lua tables in the shapes of the JSON output (docs/eval.md): an
 * edge, written here from the typed result; times are ISO 8601 strings. Nothing
 * evaluated is stored. */
#include <jansson.h>
#include <lauxlib.h>
#include <lua.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "eval.h"
#include "import.h"
#include "isotime.h"
#include "jsonw.h"
#include "lifecycle.h"
#include "policy_lint.h"
#include "policy_schema.h"
#include "policy_set.h"
#include "sandbox.h"
#include "result.h"
#include "store.h"
#include "store_read.h"

#define DB_MT "attain.testing.db"

int luaopen_attain_testing(lua_State *L);

typedef struct tdb {
  store *s;
  policy_set *set;
  char *policies; /* the directory the cached set came from */
  policy_schema *schema; /* testing.new { policies = DIR }: imports must use its names */
} tdb;

/* The registry key of the function testing.observe set (called after every evaluate). */
static const char observer_key = 'O';
/* The registry key of the line recorder testing.coverage made (a full userdata holding a
 * sandbox_lines pointer): sets loaded after it record the lines policy functions run. */
static const char lines_key = 'L';

static sandbox_lines *recorder(lua_State *L) {
  sandbox_lines *l = NULL;
  if (lua_rawgetp(L, LUA_REGISTRYINDEX, &lines_key) == LUA_TUSERDATA)
    l = *(sandbox_lines **)lua_touserdata(L, -1);
  lua_pop(L, 1);
  return l;
}

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

/* ---- methods ---- */

/* testing.new { policies = DIR }: with a policy directory whose schema.json declares the
 * vocabulary, imports are checked against it as `attain import` checks them. */
static int l_new(lua_State *L) {
  const char *dir = NULL;
  if (lua_istable(L, 1)) {
    lua_getfield(L, 1, "policies");
    dir = lua_tostring(L, -1);
    lua_pop(L, 1); /* the options table anchors the string */
  }
  tdb *d = lua_newuserdatauv(L, sizeof *d, 0);
  memset(d, 0, sizeof *d);
  luaL_setmetatable(L, DB_MT);
  char err[1024];
  if (store_open(&d->s, ":memory:", 1, err, sizeof err)) return luaL_error(L, "%s", err);
  if (dir) {
    char **sp;
    int nsp;
    if (policy_schema_load_dir(&d->schema, dir, &sp, &nsp) < 0) {
      lua_pushstring(L, nsp ? sp[0] : "schema.json: cannot be read");
      policy_schema_problems_free(sp, nsp);
      return lua_error(L);
    }
  }
  return 1;
}

/* db:import(records | text [, name]): name is what messages call the input ("fixture"). */
static int l_import(lua_State *L) {
  tdb *d = check_db(L);
  const char *name = luaL_optstring(L, 3, "fixture");
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
  int rc = in ? import_stream_checked(d->s, in, name, d->schema, &st, err, sizeof err) : IMPORT_EINPUT;
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
  policy_set_unref(d->set);
  free(d->policies);
  d->set = NULL;
  d->policies = strdup(dir);
  char err[1024];
  sandbox_limits limits = {.lines = recorder(L)};
  if (policy_set_load(&d->set, dir, &limits, err, sizeof err)) luaL_error(L, "%s", err);
  return d->set;
}

static const char *opt_field(lua_State *L, const char *k, const char *dflt) {
  lua_getfield(L, 2, k);
  const char *v = lua_isnil(L, -1) ? dflt : lua_tostring(L, -1);
  lua_pop(L, 1); /* the options table anchors the string */
  return v;
}

/* ---- the result as Lua tables (the shapes of docs/eval.md's JSON) ---- */

static void set_str(lua_State *L, const char *k, const char *v) {
  if (!v) return;
  lua_pushstring(L, v);
  lua_setfield(L, -2, k);
}

static void set_num(lua_State *L, const char *k, double v) {
  if (v == (double)(lua_Integer)v)
    lua_pushinteger(L, (lua_Integer)v);
  else
    lua_pushnumber(L, v);
  lua_setfield(L, -2, k);
}

static void set_time(lua_State *L, const char *k, int64_t t) {
  if (t == FACTS_NO_TIME) return;
  char b[ISOTIME_BUFSZ];
  isotime_format(t, b);
  set_str(L, k, b);
}

static void set_bool(lua_State *L, const char *k, int v) {
  lua_pushboolean(L, v);
  lua_setfield(L, -2, k);
}

static void push_person(lua_State *L, const result_person *p) {
  lua_createtable(L, 0, 8);
  set_str(L, "user", p->user);
  set_str(L, "msa", p->msa);
  set_str(L, "code", p->code);
  set_time(L, "earned", p->earned);
  set_time(L, "counts_from", p->counts_from);
  set_time(L, "expires", p->expires);
  if (p->why == FACTS_COUNTS) {
    if (p->ends != FACTS_NO_TIME) {
      set_time(L, "ends", p->ends);
      set_str(L, "ends_reason", facts_why_name(p->ends_why));
    }
  } else {
    set_str(L, "reason", facts_why_name(p->why));
    set_time(L, "since", p->since);
  }
}

static void push_value(lua_State *L, const result_value *v) {
  luaL_checkstack(L, 4, "detail too deep");
  switch (v->type) {
  case RESULT_BOOL: lua_pushboolean(L, v->b); return;
  case RESULT_INT:
    if (v->time) {
      char b[ISOTIME_BUFSZ];
      isotime_format(v->i, b);
      lua_pushstring(L, b);
    } else {
      lua_pushinteger(L, v->i);
    }
    return;
  case RESULT_NUM: lua_pushnumber(L, v->n); return;
  case RESULT_STR: lua_pushlstring(L, v->s, v->len); return;
  case RESULT_ARRAY:
    lua_createtable(L, v->nitems, 0);
    for (int i = 0; i < v->nitems; i++) {
      push_value(L, &v->items[i]);
      lua_rawseti(L, -2, i + 1);
    }
    return;
  case RESULT_OBJECT:
    lua_createtable(L, 0, v->nitems);
    for (int i = 0; i < v->nitems; i++) {
      if (v->items[i].type == RESULT_NIL) continue;
      push_value(L, &v->items[i]);
      lua_setfield(L, -2, v->items[i].key);
    }
    return;
  default: lua_pushnil(L); return;
  }
}

static void push_goal(lua_State *L, const result_goal *g) {
  luaL_checkstack(L, 6, "goals too deep");
  lua_createtable(L, 0, 8);
  set_str(L, "kind", result_goal_kind_name(g->kind));
  set_str(L, "label", g->label);
  if (!g->error) set_num(L, "have", g->have);
  set_num(L, "need", g->need);
  set_bool(L, "met", g->met);
  set_str(L, "error", g->error);
  set_str(L, "detail_error", g->detail_error);
  if (g->ntrace) {
    lua_createtable(L, g->ntrace, 0);
    for (int i = 0; i < g->ntrace; i++) {
      lua_pushstring(L, g->trace[i]);
      lua_rawseti(L, -2, i + 1);
    }
    lua_setfield(L, -2, "trace");
  }
  switch (g->detail) {
  case RESULT_DETAIL_PEOPLE:
    lua_createtable(L, 0, 3);
    lua_createtable(L, g->ncounted, 0);
    for (int i = 0; i < g->ncounted; i++) {
      push_person(L, &g->counted[i]);
      lua_rawseti(L, -2, i + 1);
    }
    lua_setfield(L, -2, "counted");
    lua_createtable(L, g->nexcluded, 0);
    for (int i = 0; i < g->nexcluded; i++) {
      push_person(L, &g->excluded[i]);
      lua_rawseti(L, -2, i + 1);
    }
    lua_setfield(L, -2, "excluded");
    lua_createtable(L, g->ncredits, 0);
    for (int i = 0; i < g->ncredits; i++) {
      const result_credit *c = &g->credits[i];
      lua_createtable(L, 0, 5);
      set_str(L, "code", c->code);
      lua_pushinteger(L, c->people);
      lua_setfield(L, -2, "people");
      set_str(L, "reason", c->reason);
      set_str(L, "by", c->by);
      set_time(L, "until", c->until);
      lua_rawseti(L, -2, i + 1);
    }
    lua_setfield(L, -2, "overrides");
    lua_setfield(L, -2, "detail");
    break;
  case RESULT_DETAIL_WINDOW:
    lua_createtable(L, 0, 3);
    set_str(L, "metric", g->metric);
    lua_pushinteger(L, g->months);
    lua_setfield(L, -2, "months");
    lua_createtable(L, g->nvalues, 0);
    for (int i = 0; i < g->nvalues; i++) {
      char period[ISOTIME_BUFSZ];
      isotime_format_period(g->values[i].period, period);
      lua_createtable(L, 0, 2);
      set_str(L, "period", period);
      set_num(L, "value", g->values[i].value);
      lua_rawseti(L, -2, i + 1);
    }
    lua_setfield(L, -2, "values");
    lua_setfield(L, -2, "detail");
    break;
  case RESULT_DETAIL_LATEST:
    lua_createtable(L, 0, 2);
    set_str(L, "metric", g->metric);
    if (g->has_latest) set_num(L, "latest", g->latest);
    lua_setfield(L, -2, "detail");
    break;
  case RESULT_DETAIL_GOALS:
    lua_createtable(L, g->nchildren, 0);
    for (int i = 0; i < g->nchildren; i++) {
      push_goal(L, &g->children[i]);
      lua_rawseti(L, -2, i + 1);
    }
    lua_setfield(L, -2, "detail");
    break;
  case RESULT_DETAIL_CUSTOM:
    push_value(L, g->custom);
    lua_setfield(L, -2, "detail");
    break;
  default: break;
  }
}

static void push_paths(lua_State *L, const result_tree *t) {
  lua_createtable(L, t ? t->npaths : 0, 0);
  for (int i = 0; t && i < t->npaths; i++) {
    const result_path *p = &t->paths[i];
    lua_createtable(L, 0, 5);
    set_str(L, "id", p->id);
    set_str(L, "level", result_level_name(p->level));
    set_bool(L, "met", p->met);
    set_str(L, "error", p->error);
    lua_createtable(L, p->ngoals, 0);
    for (int j = 0; j < p->ngoals; j++) {
      push_goal(L, &p->goals[j]);
      lua_rawseti(L, -2, j + 1);
    }
    lua_setfield(L, -2, "goals");
    lua_rawseti(L, -2, i + 1);
  }
}

/* The evaluation's row of one competency as a table, pushed during on_chunk (the row
 * and its tree live only as long as the chunk). */
typedef struct evaluation {
  lua_State *L;
  int policy;
  int pushed;
  policy_set *set;
} evaluation;

static void push_row(lua_State *L, const policy_set *set, const eval_row *row) {
  lua_createtable(L, 0, 10);
  set_str(L, "competency", set->files[row->policy].stem);
  set_str(L, "org", row->org);
  set_str(L, "level", row->failed ? NULL : result_level_name(row->level));
  set_str(L, "error", row->error);
  set_str(L, "policy", set->version);
  if (!row->failed) {
    set_str(L, "state", lifecycle_state_name(row->state));
    if (row->frozen) set_bool(L, "frozen", 1);
    if (*row->cause) set_str(L, "cause", row->cause);
  }
  if (!row->failed && row->mlevel) {
    char b[ISOTIME_BUFSZ];
    lua_createtable(L, 0, 4);
    set_str(L, "level", result_level_name(row->mlevel));
    isotime_format_date(row->bought, b);
    set_str(L, "bought", b);
    isotime_format_date(row->end - 1, b);
    set_str(L, "expires", b);
    set_str(L, "status", lifecycle_state_name(row->state));
    lua_setfield(L, -2, "membership");
  }
  lua_createtable(L, row->alert_cause ? 1 : 0, 0);
  if (row->alert_cause) {
    lua_createtable(L, 0, 4);
    set_str(L, "kind", LIFECYCLE_ALERT_KIND);
    set_str(L, "message", LIFECYCLE_RISK_MESSAGE);
    set_str(L, "cause", row->alert_cause);
    set_time(L, "raised", row->alert_raised);
    lua_rawseti(L, -2, 1);
  }
  lua_setfield(L, -2, "alerts");
  push_paths(L, row->tree);
  lua_setfield(L, -2, "paths");
  if (row->next_change != INT64_MAX) set_time(L, "next_change", row->next_change);
}

static int on_chunk(void *arg, const eval_chunk *c, char *err, size_t errsz) {
  evaluation *e = arg;
  for (int r = 0; r < c->nrows; r++)
    if (c->rows[r].policy == e->policy && !e->pushed) {
      push_row(e->L, e->set, &c->rows[r]);
      e->pushed = 1;
    }
  return 0;
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
  int p = policy_set_find(set, competency);
  if (p < 0) return luaL_error(L, "attain.testing: no policy '%s' in %s", competency, dir);
  char err[1024];
  int64_t oid;
  if (store_org_lookup(d->s, org, &oid, err, sizeof err)) return luaL_error(L, "%s", err);
  luaL_checkstack(L, 32, "attain.testing");
  evaluation e = {L, p, 0, set};
  eval_request req = {.inline_store = d->s, .set = set, .at = at, .lo = oid, .hi = oid,
                      .report = explain ? POLICY_REPORT_EXPLAIN : POLICY_REPORT_PATHS,
                      .lifecycle_causes = 1, .on_chunk = on_chunk, .arg = &e};
  eval_stats stats;
  if (eval_run(&req, &stats, err, sizeof err)) return luaL_error(L, "attain.testing: %s", err);
  if (!e.pushed) return luaL_error(L, "attain.testing: no result for %s", org);
  if (lua_rawgetp(L, LUA_REGISTRYINDEX, &observer_key) == LUA_TFUNCTION) {
    lua_pushvalue(L, 2);
    lua_pushvalue(L, -3);
    lua_call(L, 2, 0);
  } else {
    lua_pop(L, 1);
  }
  return 1;
}

/* testing.observe(f): f(request, result) after every db:evaluate (attain test's outcome
 * coverage); nil stops. */
static int l_observe(lua_State *L) {
  if (!lua_isnil(L, 1)) luaL_checktype(L, 1, LUA_TFUNCTION);
  lua_settop(L, 1);
  lua_rawsetp(L, LUA_REGISTRYINDEX, &observer_key);
  return 0;
}

static void push_json(lua_State *L, json_t *j, int depth) {
  luaL_checkstack(L, 4, "JSON nested too deeply");
  if (depth > 64) luaL_error(L, "JSON nested too deeply");
  switch (json_typeof(j)) {
  case JSON_OBJECT: {
    lua_createtable(L, 0, (int)json_object_size(j));
    const char *k;
    json_t *v;
    json_object_foreach(j, k, v) {
      push_json(L, v, depth + 1);
      lua_setfield(L, -2, k);
    }
    return;
  }
  case JSON_ARRAY: {
    lua_createtable(L, (int)json_array_size(j), 0);
    size_t i;
    json_t *v;
    json_array_foreach(j, i, v) {
      push_json(L, v, depth + 1);
      lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
    return;
  }
  case JSON_STRING: lua_pushlstring(L, json_string_value(j), json_string_length(j)); return;
  case JSON_INTEGER: lua_pushinteger(L, (lua_Integer)json_integer_value(j)); return;
  case JSON_REAL: lua_pushnumber(L, json_real_value(j)); return;
  case JSON_TRUE: lua_pushboolean(L, 1); return;
  case JSON_FALSE: lua_pushboolean(L, 0); return;
  default: lua_pushlightuserdata(L, (void *)&luaopen_attain_testing); return; /* null */
  }
}

/* testing.decode(text) -> value, or nil and "reason (column N)"; JSON null is testing.null. */
static int l_decode(lua_State *L) {
  size_t len;
  const char *text = luaL_checklstring(L, 1, &len);
  json_error_t jerr;
  json_t *j = json_loadb(text, len, JSON_REJECT_DUPLICATES | JSON_DECODE_ANY, &jerr);
  if (!j) {
    lua_pushnil(L);
    lua_pushfstring(L, "%s (column %d)", jerr.text, jerr.column);
    return 2;
  }
  push_json(L, j, 0);
  json_decref(j);
  return 1;
}

/* testing.check(dir) -> list of problems ("file:line: failed to ...: msg"), version */
static int l_check(lua_State *L) {
  const char *dir = luaL_checkstring(L, 1);
  char err[1024];
  policy_set *set;
  if (policy_set_load(&set, dir, NULL, err, sizeof err)) return luaL_error(L, "%s", err);
  lua_newtable(L);
  for (int k = 0; k < policy_set_issue_count(set); k++) {
    lua_pushstring(L, policy_set_issue(set, k));
    lua_rawseti(L, -2, k + 1);
  }
  lua_pushstring(L, set->version);
  policy_set_unref(set);
  return 2;
}

/* testing.policies(dir) -> the policy set as it loaded: one table per file, in file
 * order: { file, id, name, problem, benefits = { silver = {...}, gold = {...} } }, and the
 * version. What a spec (or an editor) can inspect without evaluating. */
static int l_policies(lua_State *L) {
  const char *dir = luaL_checkstring(L, 1);
  char err[1024];
  policy_set *set;
  if (policy_set_load(&set, dir, NULL, err, sizeof err)) return luaL_error(L, "%s", err);
  lua_createtable(L, set->nfiles, 0);
  for (int i = 0; i < set->nfiles; i++) {
    const policy_file *f = &set->files[i];
    lua_createtable(L, 0, 5);
    set_str(L, "file", f->path);
    set_str(L, "id", f->stem);
    set_str(L, "name", f->name);
    set_str(L, "problem", f->problem);
    if (!f->problem) {
      lua_createtable(L, 0, 2);
      for (int l = RESULT_LEVEL_SILVER; l <= RESULT_LEVEL_GOLD; l++) {
        lua_newtable(L);
        int n = 0;
        for (char *const *b = f->benefits[l]; b && *b; b++) {
          lua_pushstring(L, *b);
          lua_rawseti(L, -2, ++n);
        }
        lua_setfield(L, -2, result_level_name(l));
      }
      lua_setfield(L, -2, "benefits");
    }
    lua_rawseti(L, -2, i + 1);
  }
  lua_pushstring(L, set->version);
  policy_set_unref(set);
  return 2;
}

static int lines_gc(lua_State *L) {
  sandbox_lines **l = lua_touserdata(L, 1);
  sandbox_lines_free(*l);
  *l = NULL;
  return 0;
}

/* testing.coverage(): from now on, policy sets loaded by db:evaluate record which lines
 * of their policy functions run (attain test --coverage). */
static int l_coverage(lua_State *L) {
  if (recorder(L)) return 0;
  sandbox_lines **l = lua_newuserdatauv(L, sizeof *l, 0);
  *l = sandbox_lines_new();
  if (!*l) return luaL_error(L, "out of memory");
  lua_createtable(L, 0, 1);
  lua_pushcfunction(L, lines_gc);
  lua_setfield(L, -2, "__gc");
  lua_setmetatable(L, -2);
  lua_rawsetp(L, LUA_REGISTRYINDEX, &lines_key);
  return 0;
}

static void push_ints(lua_State *L, const int *v, int n) {
  lua_createtable(L, n, 0);
  for (int i = 0; i < n; i++) {
    lua_pushinteger(L, v[i]);
    lua_rawseti(L, -2, i + 1);
  }
}

/* One file's lines of policy functions, and those of them that did not run. */
static void push_file_lines(lua_State *L, const sandbox_lines *rec, const char *path,
                            const char *src, size_t len) {
  int *lines, n;
  char err[256];
  if (policy_lint_lines(path, src, len, &lines, &n, err, sizeof err)) luaL_error(L, "%s", err);
  int *missed = n ? malloc((size_t)n * sizeof *missed) : NULL;
  int nm = 0;
  for (int i = 0; missed && i < n; i++)
    if (!rec || !sandbox_lines_hit(rec, path, lines[i])) missed[nm++] = lines[i];
  lua_createtable(L, 0, 3);
  set_str(L, "file", path);
  push_ints(L, lines, n);
  lua_setfield(L, -2, "lines");
  push_ints(L, missed, nm);
  lua_setfield(L, -2, "missed");
  free(lines);
  free(missed);
}

/* testing.lines(dir) -> per competency file and lib/ module of the set: { file, lines =
 * {...}, missed = {...} }, the lines of its policy functions and those that did not run
 * since testing.coverage(). */
static int l_lines(lua_State *L) {
  const char *dir = luaL_checkstring(L, 1);
  char err[1024];
  policy_set *set;
  if (policy_set_load(&set, dir, NULL, err, sizeof err)) return luaL_error(L, "%s", err);
  const sandbox_lines *rec = recorder(L);
  lua_newtable(L);
  int k = 0;
  for (int i = 0; i < set->nfiles; i++) {
    if (!set->files[i].source) continue;
    push_file_lines(L, rec, set->files[i].path, set->files[i].source, set->files[i].len);
    lua_rawseti(L, -2, ++k);
  }
  for (const stdlib_module *m = set->modules; m && m->name; m++) {
    if (strncmp(m->name, "lib.", 4) != 0) continue;
    push_file_lines(L, rec, m->chunkname + 1, m->source, m->len);
    lua_rawseti(L, -2, ++k);
  }
  policy_set_unref(set);
  return 1;
}

static int l_close(lua_State *L) {
  tdb *d = luaL_checkudata(L, 1, DB_MT);
  policy_set_unref(d->set);
  free(d->policies);
  policy_schema_free(d->schema);
  store_close(d->s);
  memset(d, 0, sizeof *d);
  return 0;
}

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
  static const luaL_Reg funcs[] = {
      {"new", l_new},         {"check", l_check},   {"policies", l_policies},
      {"observe", l_observe}, {"decode", l_decode}, {"coverage", l_coverage},
      {"lines", l_lines},     {NULL, NULL}};
  luaL_newlib(L, funcs);
  lua_pushlightuserdata(L, (void *)&luaopen_attain_testing);
  lua_setfield(L, -2, "null");
  return 1;
}
