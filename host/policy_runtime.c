/* policy_runtime.c — policy runtimes: instantiating a set's policies in their sandboxes,
 * the runtime pool, and the calls into the stdlib (see policy_runtime.h).
 *
 * Each slot (one per policy file) holds a sandbox whose registry keeps the stdlib's entry
 * points (a.evaluate, a.explain, a.level, a.membership_end, a.metric_months), fetched
 * before the policy runs, so a policy cannot replace them, and the competency the policy
 * returned. The Lua result of an evaluation is walked into a result tree
 * (policy_result.h); nothing here writes JSON. */
#include "policy_runtime.h"

#include <lauxlib.h>
#include <lua.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "facts_lua.h"
#include "isotime.h"
#include "policy_internal.h"
#include "policy_native.h"
#include "policy_result.h"
#include "stdlib_embed.h"

struct policy_runtime {
  policy_set *set;
  int holds_ref;        /* taken: holds a reference to `set` */
  policy_runtime *next; /* in the set's pool */
  struct slot {
    sandbox *sb;
    int competency; /* registry refs */
    int evaluate, explain, level, membership_end, references;
    int metric_months; /* see policy_runtime_metric_window; -1: every row */
    char *any_month[POLICY_ANY_MONTH_METRICS + 1]; /* metrics read at any month; NULL-ended */
    facts_lua *facts;
    int facts_ref;
    policy_native *native; /* the plan in C when the competency has no custom goal */
    char *problem; /* a problem of this instance, if the set's file had none */
  } *slots;
};

/* Instantiates policy `i` of the set into slot `sl`. Returns NULL or the problem. */
static char *slot_open(policy_set *set, int i, struct slot *sl) {
  const policy_file *f = &set->files[i];
  char err[1024];
  char chunk[1100];
  memset(sl, 0, sizeof *sl);
  if (sandbox_new(&sl->sb, &set->limits, set->modules ? set->modules : stdlib_modules, err,
                  sizeof err) != SANDBOX_OK)
    return policy_phase_message(f->path, "load", err);
  lua_State *L = sandbox_state(sl->sb);
  /* The stdlib functions the host calls, fetched through the sandbox's own require. */
  static const char fetch[] = "local a = require 'attain'\n"
                              "local c = require 'attain.competency'\n"
                              "return a.evaluate, a.explain, a.level, a.membership_end, "
                              "c.references, a.metric_months, a.native_plan, a.is_competency, "
                              "c.origin";
  if (sandbox_load(sl->sb, "=attain-host", fetch, sizeof fetch - 1, err, sizeof err) ||
      sandbox_pcall(sl->sb, 0, 9, err, sizeof err))
    return policy_phase_message(f->path, "load the stdlib", err);
  int origin = luaL_ref(L, LUA_REGISTRYINDEX);
  int is_competency = luaL_ref(L, LUA_REGISTRYINDEX);
  int native_plan = luaL_ref(L, LUA_REGISTRYINDEX);
  int metric_months = luaL_ref(L, LUA_REGISTRYINDEX);
  sl->references = luaL_ref(L, LUA_REGISTRYINDEX);
  sl->membership_end = luaL_ref(L, LUA_REGISTRYINDEX);
  sl->level = luaL_ref(L, LUA_REGISTRYINDEX);
  sl->explain = luaL_ref(L, LUA_REGISTRYINDEX);
  sl->evaluate = luaL_ref(L, LUA_REGISTRYINDEX);

  snprintf(chunk, sizeof chunk, "@%s", f->path);
  if (sandbox_load(sl->sb, chunk, f->source, f->len, err, sizeof err))
    return policy_phase_message(f->path, "compile", err);
  if (sandbox_pcall(sl->sb, 0, 1, err, sizeof err))
    return policy_phase_message(f->path, "validate", err);
  lua_rawgeti(L, LUA_REGISTRYINDEX, is_competency);
  lua_pushvalue(L, -2);
  if (sandbox_pcall(sl->sb, 1, 1, err, sizeof err))
    return policy_phase_message(f->path, "validate", err);
  int ok = lua_toboolean(L, -1);
  lua_pop(L, 1);
  if (!ok) {
    lua_pop(L, 1);
    return policy_phase_message(f->path, "validate",
                                "the file must return a competency: return a.competency { ... }");
  }
  lua_getfield(L, -1, "id");
  const char *id = lua_tostring(L, -1);
  if (!id || strcmp(id, f->stem) != 0) {
    /* The file name is the competency id everywhere data names it (overrides, results).
     * The message names the a.competency line (origin knows it, tail call or not). */
    char pos[300] = "";
    lua_rawgeti(L, LUA_REGISTRYINDEX, origin);
    lua_pushvalue(L, -3);
    if (sandbox_pcall(sl->sb, 1, 1, pos, sizeof pos) == SANDBOX_OK) {
      snprintf(pos, sizeof pos, "%s", lua_isstring(L, -1) ? lua_tostring(L, -1) : "");
      lua_pop(L, 1);
    } else {
      pos[0] = 0;
    }
    char why[1600];
    if (id)
      snprintf(why, sizeof why,
               "%scompetency id '%.200s' must match the file name '%.200s.lua' (set id = "
               "\"%.200s\" or rename the file to %.200s.lua)",
               pos, id, f->stem, f->stem, id);
    else
      snprintf(why, sizeof why, "%sthe competency has no id (it must be \"%.200s\", the file's name)",
               pos, f->stem);
    lua_pop(L, 2);
    return policy_phase_message(f->path, "validate", why);
  }
  lua_pop(L, 1);
  lua_rawgeti(L, LUA_REGISTRYINDEX, metric_months);
  lua_pushvalue(L, -2);
  if (sandbox_pcall(sl->sb, 1, 2, err, sizeof err))
    return policy_phase_message(f->path, "validate", err);
  sl->metric_months = lua_isinteger(L, -2) ? (int)lua_tointeger(L, -2) : -1;
  int n = lua_istable(L, -1) ? (int)lua_rawlen(L, -1) : 0;
  if (n > POLICY_ANY_MONTH_METRICS) sl->metric_months = -1; /* read every row */
  for (int k = 0; sl->metric_months >= 0 && k < n; k++) {
    lua_rawgeti(L, -1, k + 1);
    const char *name = lua_tostring(L, -1);
    if (!name || !(sl->any_month[k] = strdup(name))) sl->metric_months = -1;
    lua_pop(L, 1);
  }
  lua_pop(L, 2);
  if (!set->lua_only) {
    lua_rawgeti(L, LUA_REGISTRYINDEX, native_plan);
    lua_pushvalue(L, -2);
    if (sandbox_pcall(sl->sb, 1, 1, err, sizeof err))
      return policy_phase_message(f->path, "validate", err);
    sl->native = policy_native_build(L, -1); /* NULL: a custom goal, evaluated in Lua */
    lua_pop(L, 1);
  }
  luaL_unref(L, LUA_REGISTRYINDEX, native_plan);
  sl->competency = luaL_ref(L, LUA_REGISTRYINDEX);
  sl->facts = facts_lua_push_new(L);
  sl->facts_ref = luaL_ref(L, LUA_REGISTRYINDEX);
  return NULL;
}

int policy_runtime_new(policy_runtime **out, policy_set *set, char *err, size_t errsz) {
  policy_runtime *rt = calloc(1, sizeof *rt);
  if (!rt || !(rt->slots = calloc((size_t)set->nfiles + 1, sizeof *rt->slots))) {
    free(rt);
    snprintf(err, errsz, "out of memory");
    return -1;
  }
  rt->set = set;
  for (int i = 0; i < set->nfiles; i++) {
    if (set->files[i].problem) continue;
    rt->slots[i].problem = slot_open(set, i, &rt->slots[i]);
  }
  *out = rt;
  return 0;
}

void policy_runtime_free(policy_runtime *rt) {
  if (!rt) return;
  for (int i = 0; i < rt->set->nfiles; i++) {
    sandbox_free(rt->slots[i].sb);
    policy_native_free(rt->slots[i].native);
    free(rt->slots[i].problem);
    for (char **m = rt->slots[i].any_month; *m; m++) free(*m);
  }
  free(rt->slots);
  free(rt);
}

policy_runtime **policy_runtime_next(policy_runtime *rt) { return &rt->next; }

/* Reads a list of strings (the competency's benefits of one level) at the top of the
 * stack into a NULL-terminated malloc'd array. */
static char **read_strings(lua_State *L) {
  int n = lua_istable(L, -1) ? (int)luaL_len(L, -1) : 0;
  char **out = calloc((size_t)n + 1, sizeof *out);
  for (int k = 0; out && k < n; k++) {
    lua_geti(L, -1, k + 1);
    const char *v = lua_tostring(L, -1);
    if (v && !(out[k] = strdup(v))) {
      for (int j = 0; j < k; j++) free(out[j]);
      free(out);
      out = NULL;
    }
    lua_pop(L, 1);
  }
  return out;
}

int policy_runtime_describe(policy_runtime *rt, int i, policy_file *f) {
  struct slot *sl = &rt->slots[i];
  if (!f->problem && sl->problem && !(f->problem = strdup(sl->problem))) return -1;
  if (f->problem) return 0;
  lua_State *L = sandbox_state(sl->sb);
  int top = lua_gettop(L);
  lua_rawgeti(L, LUA_REGISTRYINDEX, sl->competency);
  lua_getfield(L, -1, "name");
  f->name = strdup(lua_isstring(L, -1) ? lua_tostring(L, -1) : f->stem);
  lua_pop(L, 1);
  lua_getfield(L, -1, "benefits");
  static const char *const levels[] = {NULL, "silver", "gold"};
  for (int l = RESULT_LEVEL_SILVER; l <= RESULT_LEVEL_GOLD; l++) {
    if (lua_istable(L, -1))
      lua_getfield(L, -1, levels[l]);
    else
      lua_pushnil(L);
    f->benefits[l] = read_strings(L);
    lua_pop(L, 1);
  }
  lua_settop(L, top);
  return f->name && f->benefits[1] && f->benefits[2] ? 0 : -1;
}

int policy_runtime_take(policy_runtime **out, policy_set *set, char *err, size_t errsz) {
  pthread_mutex_lock(&set->pool_mu);
  policy_runtime *rt = set->pool;
  if (rt) set->pool = rt->next;
  pthread_mutex_unlock(&set->pool_mu);
  if (!rt && policy_runtime_new(&rt, set, err, errsz)) return -1;
  rt->next = NULL;
  rt->holds_ref = 1;
  policy_set_ref(set);
  *out = rt;
  return 0;
}

void policy_runtime_give(policy_runtime *rt) {
  if (!rt) return;
  policy_set *set = rt->set;
  rt->holds_ref = 0;
  pthread_mutex_lock(&set->pool_mu);
  rt->next = set->pool;
  set->pool = rt;
  pthread_mutex_unlock(&set->pool_mu);
  policy_set_unref(set); /* the last reference frees the pool, this runtime with it */
}

policy_set *policy_runtime_set(const policy_runtime *rt) { return rt->set; }

static const char *field_str(lua_State *L, int t, const char *k) {
  lua_getfield(L, t, k);
  const char *v = lua_isstring(L, -1) ? lua_tostring(L, -1) : "";
  lua_pop(L, 1); /* the reference table anchors the string */
  return v;
}

int policy_runtime_references(policy_runtime *rt, int i,
                              void (*cb)(void *arg, const policy_reference *ref), void *arg) {
  struct slot *sl = &rt->slots[i];
  if (!sl->sb || sl->problem) return 0;
  lua_State *L = sandbox_state(sl->sb);
  int top = lua_gettop(L);
  lua_rawgeti(L, LUA_REGISTRYINDEX, sl->references);
  lua_rawgeti(L, LUA_REGISTRYINDEX, sl->competency);
  char err[512];
  if (sandbox_pcall_trusted(sl->sb, 1, 1, err, sizeof err)) return -1;
  int t = lua_gettop(L);
  lua_Integer n = lua_istable(L, t) ? (lua_Integer)lua_rawlen(L, t) : 0;
  for (lua_Integer k = 1; k <= n; k++) {
    lua_rawgeti(L, t, k);
    int r = lua_gettop(L);
    policy_reference ref = {field_str(L, r, "what"), field_str(L, r, "name"), field_str(L, r, "kind"),
                            field_str(L, r, "goal"), field_str(L, r, "where")};
    cb(arg, &ref);
    lua_pop(L, 1);
  }
  lua_settop(L, top);
  return 0;
}

int policy_runtime_metric_window(const policy_runtime *rt, int64_t at, policy_metric_window *w) {
  int months = 0, nany = 0;
  memset(w, 0, sizeof *w);
  for (int i = 0; i < rt->set->nfiles; i++) {
    const struct slot *sl = &rt->slots[i];
    if (rt->set->files[i].problem || sl->problem) continue; /* evaluates to an error */
    if (sl->metric_months < 0) return -1;
    if (sl->metric_months > months) months = sl->metric_months;
    for (char *const *m = sl->any_month; *m; m++) {
      int k = 0;
      while (k < nany && strcmp(w->any_month[k], *m) != 0) k++;
      if (k < nany) continue;
      if (nany == POLICY_ANY_MONTH_METRICS) return -1;
      w->any_month[nany++] = *m;
    }
  }
  w->from = (int64_t)isotime_month_of(at) - months + 1;
  return 0;
}

static void fail(policy_outcome *out, const char *path, const char *phase, const char *msg) {
  char *m = policy_phase_message(path, phase, msg);
  snprintf(out->error, sizeof out->error, "%s", m ? m : msg);
  free(m);
  out->failed = 1;
}

/* Calls the stdlib function `fn` (a registry ref of the slot) of policy i on its
 * competency and `o`'s facts, as trusted code (sandbox.h: the policy's own functions it
 * reaches run under the instruction budget, the stdlib's loop around them does not).
 * Returns the state with `nresults` results on top of the stack (the caller restores
 * the top it had before them), or NULL with `out` filled. */
static lua_State *call(policy_runtime *rt, int i, int fn, const facts_org *o, facts_time ft,
                       int nresults, policy_outcome *out) {
  const policy_file *f = &rt->set->files[i];
  struct slot *sl = &rt->slots[i];
  if (f->problem || sl->problem) {
    snprintf(out->error, sizeof out->error, "%s", f->problem ? f->problem : sl->problem);
    out->failed = 1;
    return NULL;
  }
  lua_State *L = sandbox_state(sl->sb);
  int top = lua_gettop(L);
  facts_lua_bind(sl->facts, o, ft);
  lua_rawgeti(L, LUA_REGISTRYINDEX, fn);
  lua_rawgeti(L, LUA_REGISTRYINDEX, sl->competency);
  lua_rawgeti(L, LUA_REGISTRYINDEX, sl->facts_ref);
  char err[512];
  int failed = sandbox_pcall_trusted(sl->sb, 2, nresults, err, sizeof err);
  facts_lua_bind(sl->facts, NULL, ft);
  if (failed) {
    fail(out, f->path, "run", err);
    lua_settop(L, top);
    return NULL;
  }
  return L;
}

/* Errors of goals and paths are phrased like every other run problem ("file:line: failed
 * to run: message"). */
static const char *phrase(arena *a, const char *path, const char *msg) {
  if (!msg) return NULL;
  char *m = policy_phase_message(path, "run", msg);
  const char *kept = m ? arena_strdup(a, m) : msg;
  free(m);
  return kept;
}

static void phrase_goals(arena *a, const char *path, result_goal *goals, int n) {
  for (int i = 0; i < n; i++) {
    goals[i].error = phrase(a, path, goals[i].error);
    goals[i].detail_error = phrase(a, path, goals[i].detail_error);
    phrase_goals(a, path, goals[i].children, goals[i].nchildren);
  }
}

/* The first path error becomes the outcome's, phrased like every other run problem. */
static void path_error(policy_outcome *out, const char *path, const char *msg) {
  char *m = policy_phase_message(path, "run", msg);
  snprintf(out->error, sizeof out->error, "%s", m ? m : msg);
  free(m);
}

void policy_runtime_eval(policy_runtime *rt, int i, const facts_org *o,
                         const policy_eval_args *args, policy_outcome *out) {
  memset(out, 0, sizeof *out);
  const struct slot *sl = &rt->slots[i];
  const char *path = rt->set->files[i].path;
  if (args->report == POLICY_REPORT_LEVEL && sl->native && !rt->set->files[i].problem &&
      !sl->problem) {
    int level = policy_native_level(sl->native, o, args->ft);
    if (level >= 0) {
      out->level = level;
      return;
    }
  }
  if (args->report == POLICY_REPORT_LEVEL) {
    lua_State *L = call(rt, i, sl->level, o, args->ft, 3, out);
    if (!L) return;
    out->level = result_level_parse(lua_tostring(L, -3));
    out->error_level = result_level_parse(lua_tostring(L, -2));
    if (lua_type(L, -1) == LUA_TSTRING) path_error(out, path, lua_tostring(L, -1));
    lua_pop(L, 3);
    return;
  }
  int explain = args->report == POLICY_REPORT_EXPLAIN;
  lua_State *L = call(rt, i, explain ? sl->explain : sl->evaluate, o, args->ft, 1, out);
  if (!L) return;
  char why[512];
  result_tree *tree = arena_calloc(args->arena, 1, sizeof *tree);
  if (!tree || policy_result_walk(L, lua_gettop(L), explain, args->arena, tree, why, sizeof why)) {
    fail(out, path, "run", tree ? why : "out of memory");
    lua_pop(L, 1);
    return;
  }
  lua_pop(L, 1);
  out->tree = tree;
  out->level = tree->level;
  out->error_level = result_tree_error_level(tree);
  for (int p = 0; p < tree->npaths; p++) {
    if (tree->paths[p].error && !out->error[0]) path_error(out, path, tree->paths[p].error);
    tree->paths[p].error = phrase(args->arena, path, tree->paths[p].error);
    phrase_goals(args->arena, path, tree->paths[p].goals, tree->paths[p].ngoals);
  }
}

int policy_runtime_membership_end(policy_runtime *rt, int i, int64_t bought, int64_t *end,
                                  char *err, size_t errsz) {
  struct slot *sl = &rt->slots[i];
  const policy_file *f = &rt->set->files[i];
  if (f->problem || sl->problem) {
    snprintf(err, errsz, "%s", f->problem ? f->problem : sl->problem);
    return -1;
  }
  lua_State *L = sandbox_state(sl->sb);
  int top = lua_gettop(L);
  lua_rawgeti(L, LUA_REGISTRYINDEX, sl->membership_end);
  lua_rawgeti(L, LUA_REGISTRYINDEX, sl->competency);
  lua_pushinteger(L, bought);
  char why[512];
  if (sandbox_pcall_trusted(sl->sb, 2, 1, why, sizeof why)) {
    char *m = policy_phase_message(f->path, "run", why);
    snprintf(err, errsz, "%s", m ? m : why);
    free(m);
    lua_settop(L, top);
    return -1;
  }
  *end = lua_tointeger(L, -1);
  lua_settop(L, top);
  return 0;
}
