/* policy.c — policy sets and runtimes (see policy.h).
 *
 * Loading a set reads every file, hashes names and sources into the version, then builds
 * one runtime to validate: each file is compiled (text only) and run in its own sandbox,
 * must return a competency made by the stdlib, and must define the competency id its
 * file name announces. Problems are phrased "file:line: failed to compile|validate|run:
 * message" so an author can jump to the line. */
#include "policy.h"

#include <dirent.h>
#include <errno.h>
#include <lauxlib.h>
#include <lua.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "facts_lua.h"
#include "isotime.h"
#include "stdlib_embed.h"

#define MAX_POLICY_BYTES (1 << 20)

struct policy_runtime {
  policy_set *set;
  struct slot {
    sandbox *sb;
    int competency; /* registry refs */
    int evaluate, explain, level, membership_end;
    int metric_months; /* see policy_runtime_metric_window; -1: every row */
    char *any_month[STORE_ANY_MONTH_METRICS + 1]; /* metrics read at any month; NULL-ended */
    facts_lua *facts;
    int facts_ref;
    char *problem; /* a problem of this instance, if the set's file had none */
  } *slots;
};

/* Rewrites a Lua message "path:line: msg" as "path:line: failed to PHASE: msg"; a message
 * without the file's position becomes "path: failed to PHASE: msg". */
static char *phase_message(const char *path, const char *phase, const char *msg) {
  size_t n = strlen(path);
  const char *rest = msg;
  char pos[64] = "";
  if (strncmp(msg, path, n) == 0 && msg[n] == ':') {
    const char *p = msg + n + 1;
    const char *q = p;
    while (*q >= '0' && *q <= '9') q++;
    if (q > p && *q == ':' && q - p < 20) {
      snprintf(pos, sizeof pos, ":%.*s", (int)(q - p), p);
      rest = q + 1;
      while (*rest == ' ') rest++;
    }
  }
  size_t len = n + strlen(pos) + strlen(phase) + strlen(rest) + 32;
  char *out = malloc(len);
  if (out) snprintf(out, len, "%s%s: failed to %s: %s", path, pos, phase, rest);
  return out;
}

static int by_name(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

static uint64_t fnv1a(uint64_t h, const void *p, size_t n) {
  const unsigned char *s = p;
  for (size_t i = 0; i < n; i++) {
    h ^= s[i];
    h *= 0x100000001b3ULL;
  }
  return h;
}

static char *read_file(const char *path, size_t *len, char *err, size_t errsz) {
  FILE *f = fopen(path, "rb");
  if (!f) {
    snprintf(err, errsz, "%s: cannot open: %s", path, strerror(errno));
    return NULL;
  }
  char *buf = malloc(MAX_POLICY_BYTES + 1);
  size_t n = buf ? fread(buf, 1, MAX_POLICY_BYTES + 1, f) : 0;
  int bad = !buf || ferror(f);
  fclose(f);
  if (bad) {
    snprintf(err, errsz, "%s: cannot read", path);
    free(buf);
    return NULL;
  }
  if (n > MAX_POLICY_BYTES) {
    snprintf(err, errsz, "%s: larger than %d bytes", path, MAX_POLICY_BYTES);
    free(buf);
    return NULL;
  }
  buf[n] = 0;
  *len = n;
  return buf;
}

static void files_free(policy_file *files, int n) {
  for (int i = 0; i < n; i++) {
    free(files[i].path);
    free(files[i].stem);
    free(files[i].source);
    free(files[i].name);
    free(files[i].problem);
  }
  free(files);
}

policy_set *policy_set_ref(policy_set *set) {
  __atomic_add_fetch(&set->refs, 1, __ATOMIC_RELAXED);
  return set;
}

void policy_set_unref(policy_set *set) {
  if (!set || __atomic_sub_fetch(&set->refs, 1, __ATOMIC_ACQ_REL) != 0) return;
  files_free(set->files, set->nfiles);
  free(set);
}

/* Instantiates policy `i` of the set into slot `sl`. Returns NULL or the problem. */
static char *slot_open(policy_set *set, int i, struct slot *sl) {
  const policy_file *f = &set->files[i];
  char err[1024];
  char chunk[1100];
  memset(sl, 0, sizeof *sl);
  if (sandbox_new(&sl->sb, &set->limits, stdlib_modules, err, sizeof err) != SANDBOX_OK)
    return phase_message(f->path, "load", err);
  lua_State *L = sandbox_state(sl->sb);
  /* The stdlib functions the host calls, fetched through the sandbox's own require. */
  static const char fetch[] = "local a = require 'attain'\n"
                              "return a.evaluate, a.explain, a.level, a.membership_end, "
                              "a.metric_months, a.is_competency";
  if (sandbox_load(sl->sb, "=attain-host", fetch, sizeof fetch - 1, err, sizeof err) ||
      sandbox_pcall(sl->sb, 0, 6, err, sizeof err))
    return phase_message(f->path, "load the stdlib", err);
  int is_competency = luaL_ref(L, LUA_REGISTRYINDEX);
  int metric_months = luaL_ref(L, LUA_REGISTRYINDEX);
  sl->membership_end = luaL_ref(L, LUA_REGISTRYINDEX);
  sl->level = luaL_ref(L, LUA_REGISTRYINDEX);
  sl->explain = luaL_ref(L, LUA_REGISTRYINDEX);
  sl->evaluate = luaL_ref(L, LUA_REGISTRYINDEX);

  snprintf(chunk, sizeof chunk, "@%s", f->path);
  if (sandbox_load(sl->sb, chunk, f->source, f->len, err, sizeof err))
    return phase_message(f->path, "compile", err);
  if (sandbox_pcall(sl->sb, 0, 1, err, sizeof err)) return phase_message(f->path, "validate", err);
  lua_rawgeti(L, LUA_REGISTRYINDEX, is_competency);
  lua_pushvalue(L, -2);
  if (sandbox_pcall(sl->sb, 1, 1, err, sizeof err)) return phase_message(f->path, "validate", err);
  int ok = lua_toboolean(L, -1);
  lua_pop(L, 1);
  if (!ok) {
    lua_pop(L, 1);
    return phase_message(f->path, "validate",
                         "the file must return a competency: return a.competency { ... }");
  }
  lua_getfield(L, -1, "id");
  const char *id = lua_tostring(L, -1);
  if (!id || strcmp(id, f->stem) != 0) {
    snprintf(err, sizeof err, "competency id '%s' must match the file name ('%s.lua')",
             id ? id : "?", id ? id : "?");
    lua_pop(L, 2);
    return phase_message(f->path, "validate", err);
  }
  lua_pop(L, 1);
  lua_rawgeti(L, LUA_REGISTRYINDEX, metric_months);
  lua_pushvalue(L, -2);
  if (sandbox_pcall(sl->sb, 1, 2, err, sizeof err)) return phase_message(f->path, "validate", err);
  sl->metric_months = lua_isinteger(L, -2) ? (int)lua_tointeger(L, -2) : -1;
  int n = lua_istable(L, -1) ? (int)lua_rawlen(L, -1) : 0;
  if (n > STORE_ANY_MONTH_METRICS) sl->metric_months = -1; /* read every row */
  for (int k = 0; sl->metric_months >= 0 && k < n; k++) {
    lua_rawgeti(L, -1, k + 1);
    const char *name = lua_tostring(L, -1);
    if (!name || !(sl->any_month[k] = strdup(name))) sl->metric_months = -1;
    lua_pop(L, 1);
  }
  lua_pop(L, 2);
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
  rt->set = policy_set_ref(set);
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
    free(rt->slots[i].problem);
    for (char **m = rt->slots[i].any_month; *m; m++) free(*m);
  }
  free(rt->slots);
  policy_set_unref(rt->set);
  free(rt);
}

policy_set *policy_runtime_set(const policy_runtime *rt) { return rt->set; }

int policy_set_load(policy_set **out, const char *dir, const sandbox_limits *limits, char *err,
                    size_t errsz) {
  *out = NULL;
  DIR *d = opendir(dir);
  if (!d) {
    snprintf(err, errsz, "%s: cannot read the policy directory: %s", dir, strerror(errno));
    return -1;
  }
  char **names = NULL;
  int n = 0, cap = 0;
  struct dirent *e;
  while ((e = readdir(d))) {
    size_t len = strlen(e->d_name);
    if (e->d_name[0] == '.' || len < 5 || strcmp(e->d_name + len - 4, ".lua") != 0) continue;
    if (n == cap) {
      cap = cap ? cap * 2 : 16;
      char **nn = realloc(names, (size_t)cap * sizeof *names);
      if (!nn) break;
      names = nn;
    }
    names[n++] = strdup(e->d_name);
  }
  closedir(d);
  if (n == 0) {
    free(names);
    snprintf(err, errsz, "%s: no policies (*.lua files) in the directory", dir);
    return -1;
  }
  qsort(names, (size_t)n, sizeof *names, by_name);

  policy_set *set = calloc(1, sizeof *set);
  if (!set || !(set->files = calloc((size_t)n + 1, sizeof *set->files))) {
    for (int i = 0; i < n; i++) free(names[i]);
    free(names);
    free(set);
    snprintf(err, errsz, "out of memory");
    return -1;
  }
  set->refs = 1;
  set->nfiles = n;
  if (limits) set->limits = *limits;
  uint64_t h = 0xcbf29ce484222325ULL;
  size_t dirlen = strlen(dir);
  while (dirlen > 1 && dir[dirlen - 1] == '/') dirlen--;
  for (int i = 0; i < n; i++) {
    policy_file *f = &set->files[i];
    size_t plen = dirlen + strlen(names[i]) + 2;
    f->path = malloc(plen);
    snprintf(f->path, plen, "%.*s/%s", (int)dirlen, dir, names[i]);
    f->stem = strndup(names[i], strlen(names[i]) - 4);
    char why[512];
    f->source = read_file(f->path, &f->len, why, sizeof why);
    if (!f->source) f->problem = phase_message(f->path, "load", why);
    h = fnv1a(h, names[i], strlen(names[i]) + 1);
    if (f->source) h = fnv1a(h, f->source, f->len);
    h = fnv1a(h, "\0", 1);
    free(names[i]);
  }
  free(names);
  snprintf(set->version, sizeof set->version, "%016llx", (unsigned long long)h);

  /* Validate by instantiating once; remember each competency's name. */
  policy_runtime *rt;
  if (policy_runtime_new(&rt, set, err, errsz)) {
    policy_set_unref(set);
    return -1;
  }
  for (int i = 0; i < n; i++) {
    policy_file *f = &set->files[i];
    if (!f->problem && rt->slots[i].problem) f->problem = strdup(rt->slots[i].problem);
    if (!f->problem) {
      lua_State *L = sandbox_state(rt->slots[i].sb);
      lua_rawgeti(L, LUA_REGISTRYINDEX, rt->slots[i].competency);
      lua_getfield(L, -1, "name");
      f->name = strdup(lua_isstring(L, -1) ? lua_tostring(L, -1) : f->stem);
      lua_pop(L, 2);
    }
    if (f->problem) set->nproblems++;
  }
  policy_runtime_free(rt);
  *out = set;
  return 0;
}

const char *policy_level_name(int level) {
  return level == POLICY_LEVEL_GOLD ? "gold" : level == POLICY_LEVEL_SILVER ? "silver" : NULL;
}

const char *policy_level_word(int level) {
  const char *name = policy_level_name(level);
  return name ? name : "none";
}

int policy_level_parse(const char *name) {
  return !name                          ? POLICY_LEVEL_NONE
         : strcmp(name, "gold") == 0   ? POLICY_LEVEL_GOLD
         : strcmp(name, "silver") == 0 ? POLICY_LEVEL_SILVER
                                       : POLICY_LEVEL_NONE;
}

/* ---- evaluation: the stdlib's result table to JSON ---- */

static int is_time_key(const char *k) {
  return strcmp(k, "earned") == 0 || strcmp(k, "counts_from") == 0 ||
         strcmp(k, "expires") == 0 || strcmp(k, "until") == 0 || strcmp(k, "since") == 0;
}

static int cmp_str(const void *a, const void *b) {
  return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Any Lua value to JSON, deterministically: arrays in order, other tables with their
 * string keys sorted; never calls a metamethod; depth-limited. */
static void value_json(lua_State *L, int idx, jsonw *w, int depth, const char *key) {
  idx = lua_absindex(L, idx);
  switch (lua_type(L, idx)) {
  case LUA_TNUMBER:
    if (lua_isinteger(L, idx) && key && is_time_key(key))
      jsonw_time(w, lua_tointeger(L, idx));
    else if (lua_isinteger(L, idx))
      jsonw_int(w, lua_tointeger(L, idx));
    else
      jsonw_num(w, lua_tonumber(L, idx));
    return;
  case LUA_TSTRING: {
    size_t n;
    const char *s = lua_tolstring(L, idx, &n);
    jsonw_strn(w, s, n);
    return;
  }
  case LUA_TBOOLEAN: jsonw_bool(w, lua_toboolean(L, idx)); return;
  case LUA_TTABLE: break;
  default: jsonw_null(w); return;
  }
  if (depth > 12 || !lua_checkstack(L, 8)) {
    jsonw_null(w);
    return;
  }
  lua_Unsigned len = lua_rawlen(L, idx);
  size_t nkeys = 0;
  int all_strings = 1;
  lua_pushnil(L);
  while (lua_next(L, idx)) {
    nkeys++;
    if (lua_type(L, -2) != LUA_TSTRING) all_strings = 0;
    lua_pop(L, 1);
  }
  if (nkeys == len && (len > 0 || nkeys == 0)) {
    jsonw_arr_begin(w);
    for (lua_Unsigned i = 1; i <= len; i++) {
      lua_rawgeti(L, idx, (lua_Integer)i);
      value_json(L, -1, w, depth + 1, NULL);
      lua_pop(L, 1);
    }
    jsonw_arr_end(w);
    return;
  }
  jsonw_obj_begin(w);
  if (all_strings && nkeys <= 64) {
    const char *keys[64];
    size_t k = 0;
    lua_pushnil(L);
    while (lua_next(L, idx)) {
      keys[k++] = lua_tostring(L, -2); /* anchored by the table */
      lua_pop(L, 1);
    }
    qsort(keys, k, sizeof *keys, cmp_str);
    for (size_t i = 0; i < k; i++) {
      jsonw_key(w, keys[i]);
      lua_pushstring(L, keys[i]); /* raw: no metamethod of a policy's table runs here */
      lua_rawget(L, idx);
      value_json(L, -1, w, depth + 1, keys[i]);
      lua_pop(L, 1);
    }
  }
  jsonw_obj_end(w);
}

static int fail(policy_result *res, const char *path, const char *phase, const char *msg) {
  char *m = phase_message(path, phase, msg);
  snprintf(res->error, sizeof res->error, "%s", m ? m : msg);
  free(m);
  res->failed = 1;
  return -1;
}

/* Writes the result table at the top of the stack as the paths array. Returns 0, or -1
 * if it is not the shape the stdlib promises (a custom goal returning nonsense). */
static int result_json(lua_State *L, jsonw *w, int explain, int *level, char *why, size_t whysz) {
  int r = lua_gettop(L);
  lua_getfield(L, r, "level");
  *level = policy_level_parse(lua_tostring(L, -1));
  lua_pop(L, 1);
  if (lua_getfield(L, r, "paths") != LUA_TTABLE) {
    snprintf(why, whysz, "evaluate returned no paths");
    return -1;
  }
  int paths = lua_gettop(L);
  jsonw_arr_begin(w);
  for (lua_Integer i = 1; lua_rawgeti(L, paths, i) == LUA_TTABLE; i++) {
    int p = lua_gettop(L);
    jsonw_obj_begin(w);
    lua_getfield(L, p, "id");
    jsonw_key(w, "id");
    jsonw_str(w, lua_tostring(L, -1));
    lua_getfield(L, p, "level");
    jsonw_key(w, "level");
    jsonw_str(w, lua_tostring(L, -1));
    lua_getfield(L, p, "met");
    jsonw_key(w, "met");
    jsonw_bool(w, lua_toboolean(L, -1));
    lua_pop(L, 3);
    jsonw_key(w, "goals");
    jsonw_arr_begin(w);
    lua_getfield(L, p, "goals");
    int goals = lua_gettop(L);
    for (lua_Integer j = 1; lua_istable(L, goals) && lua_rawgeti(L, goals, j) == LUA_TTABLE; j++) {
      int g = lua_gettop(L);
      jsonw_obj_begin(w);
      lua_getfield(L, g, "label");
      jsonw_key(w, "label");
      jsonw_str(w, lua_tostring(L, -1));
      lua_getfield(L, g, "have");
      lua_getfield(L, g, "need");
      if (!lua_isnumber(L, -2) || !lua_isnumber(L, -1)) {
        snprintf(why, whysz, "goal '%s': have and need must be numbers",
                 lua_tostring(L, -3) ? lua_tostring(L, -3) : "?");
        lua_settop(L, r);
        return -1;
      }
      jsonw_key(w, "have");
      jsonw_num(w, lua_tonumber(L, -2));
      jsonw_key(w, "need");
      jsonw_num(w, lua_tonumber(L, -1));
      lua_getfield(L, g, "met");
      jsonw_key(w, "met");
      jsonw_bool(w, lua_toboolean(L, -1));
      if (explain) {
        lua_getfield(L, g, "detail");
        jsonw_key(w, "detail");
        value_json(L, -1, w, 0, "detail");
      }
      lua_settop(L, g - 1);
      jsonw_obj_end(w);
    }
    lua_settop(L, p - 1);
    jsonw_arr_end(w);
    jsonw_obj_end(w);
  }
  jsonw_arr_end(w);
  lua_settop(L, r);
  return 0;
}

int policy_runtime_metric_window(const policy_runtime *rt, int64_t at, store_metric_window *w) {
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
      if (nany == STORE_ANY_MONTH_METRICS) return -1;
      w->any_month[nany++] = *m;
    }
  }
  w->from = (int64_t)isotime_month_of(at) - months + 1;
  return 0;
}

/* Calls the stdlib function `fn` (a registry ref of the slot) of policy i on its
 * competency and `o`'s facts, as trusted code (sandbox.h: the policy's own functions it
 * reaches run under the instruction budget, the stdlib's loop around them does not). Returns the state with the result on top of the stack
 * (the caller restores the top it had, one below), or NULL with res filled. */
static lua_State *call(policy_runtime *rt, int i, int fn, const facts_org *o, int64_t at,
                       int64_t metrics_at, policy_result *res) {
  res->level = POLICY_LEVEL_NONE;
  res->failed = 0;
  res->error[0] = 0;
  const policy_file *f = &rt->set->files[i];
  struct slot *sl = &rt->slots[i];
  if (f->problem || sl->problem) {
    snprintf(res->error, sizeof res->error, "%s", f->problem ? f->problem : sl->problem);
    res->failed = 1;
    return NULL;
  }
  lua_State *L = sandbox_state(sl->sb);
  int top = lua_gettop(L);
  facts_lua_bind(sl->facts, o, at, metrics_at);
  lua_rawgeti(L, LUA_REGISTRYINDEX, fn);
  lua_rawgeti(L, LUA_REGISTRYINDEX, sl->competency);
  lua_rawgeti(L, LUA_REGISTRYINDEX, sl->facts_ref);
  char err[512];
  int failed = sandbox_pcall_trusted(sl->sb, 2, 1, err, sizeof err);
  facts_lua_bind(sl->facts, NULL, 0, 0);
  if (failed) {
    fail(res, f->path, "run", err);
    lua_settop(L, top);
    return NULL;
  }
  return L;
}

void policy_runtime_eval(policy_runtime *rt, int i, const facts_org *o,
                         const policy_eval_args *args, jsonw *paths, policy_result *res) {
  int explain = args->report == POLICY_REPORT_EXPLAIN;
  const struct slot *sl = &rt->slots[i];
  int fn = args->report == POLICY_REPORT_LEVEL ? sl->level : explain ? sl->explain : sl->evaluate;
  lua_State *L = call(rt, i, fn, o, args->at, args->metrics_at, res);
  if (!L) return;
  int top = lua_gettop(L) - 1;
  if (args->report == POLICY_REPORT_LEVEL) {
    res->level = policy_level_parse(lua_tostring(L, -1));
    lua_settop(L, top);
    return;
  }
  char err[512];
  size_t mark = paths->len;
  int need_sep = paths->need_sep;
  if (!lua_istable(L, -1) || result_json(L, paths, explain, &res->level, err, sizeof err)) {
    if (!lua_istable(L, -1)) snprintf(err, sizeof err, "evaluate returned no result");
    paths->len = mark;
    paths->need_sep = need_sep;
    fail(res, rt->set->files[i].path, "run", err);
  }
  lua_settop(L, top);
}

/* Raw field reads of explanation tables (a custom goal's detail is the policy's own table:
 * no metamethod may run here). */
static int raw_field(lua_State *L, int t, const char *k) {
  lua_pushstring(L, k);
  return lua_rawget(L, t);
}
static const char *raw_str(lua_State *L, int t, const char *k) {
  const char *s = raw_field(L, t, k) == LUA_TSTRING ? lua_tostring(L, -1) : "";
  lua_pop(L, 1); /* the string stays alive in table t */
  return s;
}

/* Walks the excluded holdings of a goal's detail table at index d. */
static void walk_excluded(lua_State *L, int d, const policy_explain_visitor *v, void *arg) {
  if (raw_field(L, d, "excluded") != LUA_TTABLE) return;
  int x = lua_gettop(L);
  for (lua_Integer k = 1; lua_rawgeti(L, x, k) == LUA_TTABLE; k++) {
    int e = lua_gettop(L);
    policy_excluded ex = {raw_str(L, e, "user"), raw_str(L, e, "code"), raw_str(L, e, "msa"),
                          raw_str(L, e, "reason"), STORE_NO_TIME};
    if (raw_field(L, e, "since") == LUA_TNUMBER && lua_isinteger(L, -1))
      ex.since = lua_tointeger(L, -1);
    lua_pop(L, 1);
    v->excluded(arg, &ex);
    lua_settop(L, e - 1);
  }
}

void policy_runtime_explain_walk(policy_runtime *rt, int i, const facts_org *o, int64_t at,
                                 int64_t metrics_at, const policy_explain_visitor *v, void *arg,
                                 policy_result *res) {
  lua_State *L = call(rt, i, rt->slots[i].explain, o, at, metrics_at, res);
  if (!L) return;
  int top = lua_gettop(L) - 1;
  if (!lua_istable(L, -1) || raw_field(L, top + 1, "paths") != LUA_TTABLE) {
    fail(res, rt->set->files[i].path, "run", "evaluate returned no paths");
    lua_settop(L, top);
    return;
  }
  res->level = policy_level_parse(raw_str(L, top + 1, "level"));
  int paths = lua_gettop(L);
  for (lua_Integer p = 1; lua_rawgeti(L, paths, p) == LUA_TTABLE; p++) {
    int pt = lua_gettop(L);
    raw_field(L, pt, "met");
    int met = lua_toboolean(L, -1);
    lua_pop(L, 1);
    v->path(arg, raw_str(L, pt, "id"), raw_str(L, pt, "level"), met);
    if (raw_field(L, pt, "goals") == LUA_TTABLE) {
      int goals = lua_gettop(L);
      for (lua_Integer j = 1; lua_rawgeti(L, goals, j) == LUA_TTABLE; j++) {
        int g = lua_gettop(L);
        raw_field(L, g, "have");
        raw_field(L, g, "need");
        raw_field(L, g, "met");
        int want = v->goal(arg, raw_str(L, g, "label"), lua_tonumber(L, -3), lua_tonumber(L, -2),
                           lua_toboolean(L, -1));
        lua_settop(L, g);
        if (want && raw_field(L, g, "detail") == LUA_TTABLE) walk_excluded(L, lua_gettop(L), v, arg);
        lua_settop(L, g - 1);
      }
    }
    lua_settop(L, pt - 1);
  }
  lua_settop(L, top);
}

int policy_runtime_benefits(policy_runtime *rt, int i, const char *level, jsonw *out, char *err,
                            size_t errsz) {
  struct slot *sl = &rt->slots[i];
  if (rt->set->files[i].problem || sl->problem) {
    snprintf(err, errsz, "%s", rt->set->files[i].problem ? rt->set->files[i].problem : sl->problem);
    return -1;
  }
  lua_State *L = sandbox_state(sl->sb);
  int top = lua_gettop(L);
  lua_rawgeti(L, LUA_REGISTRYINDEX, sl->competency);
  lua_getfield(L, -1, "benefits");
  if (lua_istable(L, -1)) lua_getfield(L, -1, level);
  if (lua_istable(L, -1))
    value_json(L, -1, out, 0, NULL);
  else {
    jsonw_arr_begin(out);
    jsonw_arr_end(out);
  }
  lua_settop(L, top);
  return 0;
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
    char *m = phase_message(f->path, "run", why);
    snprintf(err, errsz, "%s", m ? m : why);
    free(m);
    lua_settop(L, top);
    return -1;
  }
  *end = lua_tointeger(L, -1);
  lua_settop(L, top);
  return 0;
}
