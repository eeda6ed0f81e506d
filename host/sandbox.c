/* sandbox.c — a policy's Lua state: memory cap, instruction budget, strict environment.
 *
 * Depends on Lua 5.4.4 only. Layout of the state, all built by setup() under lua_pcall so
 * that an allocation failure during setup is an error, not a panic:
 *   - the C libraries (base, string, table, math, utf8) are opened into the registry only;
 *     the real global table is emptied afterwards and never reachable from Lua;
 *   - `G`, a registry-only table of the safe globals; its metatable raises on undefined names;
 *   - every chunk gets a fresh empty _ENV whose metatable (registry: env_meta_key) reads
 *     from G and raises on assignment, so no global can ever be set;
 *   - library tables are empty read-only proxies over private copies; the string metatable's
 *     __index is the string proxy and its __metatable hides it;
 *   - require's cache lives in the registry (cache_key), out of reach of policies.
 * The sandbox pointer sits in the state's extra space, so hooks and C functions find it
 * without a lookup.
 *
 * Budgets: the allocator refuses growth past limits.memory (frees always succeed); a count
 * hook charges limits.instructions per sandbox_pcall and caps the call depth. Under
 * sandbox_pcall_trusted (the stdlib's evaluation entry points) the hook is off except
 * inside attain.sandbox.call, through which the stdlib calls policy functions. Library
 * functions whose C loops the hook cannot see (patterns, string.rep, table.insert/remove/
 * move/concat/unpack/sort) charge their work up front. Once a budget runs out (or the depth
 * cap fires), `exhausted` is set and the pcall/xpcall/require wrappers re-raise instead of
 * catching, so a policy cannot swallow it. */
#include "sandbox.h"

#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <lauxlib.h>
#include <lualib.h>

#define HOOK_PERIOD 1000
/* Nested calls allowed. Lua's own limit (1,000,000 stack slots) needs ~90 MiB to reach, so
 * without this a runaway recursion would end as a memory error with no position. */
#define MAX_DEPTH 10000
/* Worst-case pattern-matcher steps allowed in one call, and steps charged per instruction. */
#define PATTERN_STEPS_MAX 67108864.0 /* 2^26 */
#define STEPS_PER_INSTRUCTION 64

struct sandbox {
  lua_State *L;
  sandbox_limits limits;
  const stdlib_module *modules; /* borrowed; outlives the sandbox */
  size_t used;                  /* bytes held by L */
  long long spent;              /* instructions charged in the current sandbox_pcall */
  int period;                   /* count hook period */
  int exhausted;                /* 0, or why this call must end: SANDBOX_EINSTRUCTIONS,
                                   SANDBOX_EMEMORY, or SANDBOX_ERUN for a too-deep recursion */
  int refused;                  /* the last growth request was refused */
  char budget_msg[256];         /* "file:line: instruction budget exceeded (...)" or the
                                   depth message, for sandbox_pcall to report */
  char last_line[LUA_IDSIZE + 24]; /* "file:line: " of the last line of policy code run in
                                   this hooked sandbox_pcall (see where) */
};

static const char env_meta_key = 'E'; /* registry[&env_meta_key] = metatable of every _ENV */
static const char cache_key = 'C';    /* registry[&cache_key] = require's module cache */
static const char loading_key = 'L';  /* cache sentinel while a module runs */

__attribute__((format(printf, 3, 4)))
static void say(char *err, size_t errsz, const char *fmt, ...) {
  if (!err || errsz == 0) return;
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(err, errsz, fmt, ap);
  va_end(ap);
}

static sandbox *sandbox_of(lua_State *L) {
  sandbox *sb;
  memcpy(&sb, lua_getextraspace(L), sizeof sb);
  return sb;
}

/* ---- memory ----------------------------------------------------------------------------- */

/* Lua retries a refused growth once after an emergency collection (which only frees); two
 * refusals in a row mean the budget is really spent, even when Lua then handles the failure
 * itself or a __close handler replaces the memory error with another one. */
static void *sandbox_alloc(void *ud, void *ptr, size_t osize, size_t nsize) {
  sandbox *sb = ud;
  size_t old = ptr ? osize : 0;
  if (nsize == 0) {
    free(ptr);
    sb->used -= old;
    return NULL;
  }
  void *p = NULL;
  if (nsize <= old || nsize - old <= sb->limits.memory - sb->used) p = realloc(ptr, nsize);
  if (!p) {
    if (sb->refused && !sb->exhausted) sb->exhausted = SANDBOX_EMEMORY;
    sb->refused = 1;
    return NULL;
  }
  sb->used = sb->used - old + nsize;
  if (nsize > old) sb->refused = 0;
  return p;
}

/* ---- instructions ----------------------------------------------------------------------- */

/* Writes "file:line: " of the innermost Lua frame at or above `level` into buf, skipping
 * the stdlib's own frames: an author needs the line of their policy. When none is left —
 * `return a.competency {...}` is a tail call, so a problem found by a.competency has no
 * caller frame — buf gets the last line of policy code the call ran (the line hook of a
 * hooked sandbox_pcall records it), which for a tail call is the line of the call. */
static void where(lua_State *L, int level, char *buf, size_t bufsz) {
  lua_Debug ar;
  buf[0] = '\0';
  for (; lua_getstack(L, level, &ar); level++) {
    if (lua_getinfo(L, "Sl", &ar) && ar.currentline > 0 &&
        strncmp(ar.source, "@stdlib/", 8) != 0) {
      snprintf(buf, bufsz, "%s:%d: ", ar.short_src, ar.currentline);
      return;
    }
  }
  snprintf(buf, bufsz, "%s", sandbox_of(L)->last_line);
}

/* Ends the call: the error cannot be caught inside the sandbox (see caught_must_reraise). */
static int fatal_raise(lua_State *L, sandbox *sb, int code) {
  char pos[LUA_IDSIZE + 24];
  if (!sb->exhausted) sb->exhausted = code;
  where(L, 0, pos, sizeof pos);
  if (code == SANDBOX_EINSTRUCTIONS)
    snprintf(sb->budget_msg, sizeof sb->budget_msg, "%sinstruction budget exceeded (%lld instructions)",
             pos, sb->limits.instructions);
  else
    snprintf(sb->budget_msg, sizeof sb->budget_msg, "%sstack overflow (more than %d nested calls)",
             pos, MAX_DEPTH);
  lua_pushstring(L, sb->budget_msg);
  return lua_error(L);
}

static int budget_raise(lua_State *L, sandbox *sb) { return fatal_raise(L, sb, SANDBOX_EINSTRUCTIONS); }

/* ---- line coverage (tests only) ---------------------------------------------------------- */

struct sandbox_lines {
  struct lines_file {
    char *path;
    unsigned char *hit; /* by line */
    int n;
  } *files;
  int nfiles;
};

sandbox_lines *sandbox_lines_new(void) { return calloc(1, sizeof(sandbox_lines)); }

void sandbox_lines_free(sandbox_lines *l) {
  if (!l) return;
  for (int i = 0; i < l->nfiles; i++) {
    free(l->files[i].path);
    free(l->files[i].hit);
  }
  free(l->files);
  free(l);
}

static struct lines_file *lines_file(const sandbox_lines *l, const char *path) {
  for (int i = 0; i < l->nfiles; i++)
    if (strcmp(l->files[i].path, path) == 0) return &l->files[i];
  return NULL;
}

int sandbox_lines_hit(const sandbox_lines *l, const char *path, int line) {
  const struct lines_file *f = lines_file(l, path);
  return f && line >= 0 && line < f->n && f->hit[line];
}

/* Host memory, outside the state's budget: the recorder belongs to the test run. */
static void lines_record(sandbox_lines *l, const char *path, int line) {
  if (line < 0 || line > 1000000) return;
  struct lines_file *f = lines_file(l, path);
  if (!f) {
    struct lines_file *v = realloc(l->files, (size_t)(l->nfiles + 1) * sizeof *v);
    if (!v) return;
    l->files = v;
    f = &l->files[l->nfiles];
    memset(f, 0, sizeof *f);
    if (!(f->path = strdup(path))) return;
    l->nfiles++;
  }
  if (line >= f->n) {
    int n = line + 64;
    unsigned char *h = realloc(f->hit, (size_t)n);
    if (!h) return;
    memset(h + f->n, 0, (size_t)(n - f->n));
    f->hit = h;
    f->n = n;
  }
  f->hit[line] = 1;
}

/* In a hook no call frame is pushed, so level 0 is the running Lua function. Checking the
 * depth walks at most MAX_DEPTH frames, and only every HOOK_PERIOD instructions. Line
 * events (hooked sandbox_pcall only: loading a policy, not evaluating one) record the last
 * line of policy code for where(). */
static void budget_hook(lua_State *L, lua_Debug *ar) {
  sandbox *sb = sandbox_of(L);
  if (ar->event == LUA_HOOKLINE) {
    if (lua_getinfo(L, "S", ar) && ar->source[0] == '@' && strncmp(ar->source, "@stdlib/", 8) != 0) {
      snprintf(sb->last_line, sizeof sb->last_line, "%s:%d: ", ar->short_src, ar->currentline);
      if (sb->limits.lines && strcmp(ar->what, "main") != 0)
        lines_record(sb->limits.lines, ar->source + 1, ar->currentline);
    }
    return;
  }
  lua_Debug deep;
  sb->spent += sb->period;
  if (sb->spent > sb->limits.instructions) budget_raise(L, sb);
  if (lua_getstack(L, MAX_DEPTH, &deep)) fatal_raise(L, sb, SANDBOX_ERUN);
}

/* The hook's events inside policy functions the stdlib calls: the count, and every line
 * when lines are recorded. */
static int hook_mask(const sandbox *sb) { return LUA_MASKCOUNT | (sb->limits.lines ? LUA_MASKLINE : 0); }

/* Charges `n` instructions for work done inside one C call. */
static void budget_charge(lua_State *L, double n) {
  sandbox *sb = sandbox_of(L);
  double left = (double)(sb->limits.instructions - sb->spent);
  if (sb->exhausted == SANDBOX_EINSTRUCTIONS || n > left) {
    sb->spent = sb->limits.instructions + 1;
    budget_raise(L, sb);
  }
  sb->spent += (long long)n;
}

/* attain.sandbox.call(f, ...): how trusted stdlib code (run by sandbox_pcall_trusted, with
 * the count hook off) calls a policy function. Switches the hook on for the call and off
 * again after it, so the function's instructions count. From code already under the hook,
 * which is all policy code, it is a plain call: a policy gains nothing by calling it. An
 * error leaves the hook on; the rest of that call is budgeted, which is only slower. */
static int budgeted_call(lua_State *L) {
  luaL_checktype(L, 1, LUA_TFUNCTION);
  int off = lua_gethook(L) == NULL;
  if (off) lua_sethook(L, budget_hook, hook_mask(sandbox_of(L)), sandbox_of(L)->period);
  lua_call(L, lua_gettop(L) - 1, LUA_MULTRET);
  if (off) lua_sethook(L, NULL, 0, 0);
  return lua_gettop(L);
}

/* After a protected call inside the sandbox failed: note a memory error, and tell whether
 * a budget is spent, in which case the caller must re-raise rather than catch. */
static int caught_must_reraise(lua_State *L, int status) {
  sandbox *sb = sandbox_of(L);
  if (status == LUA_ERRMEM && !sb->exhausted) sb->exhausted = SANDBOX_EMEMORY;
  return sb->exhausted != 0;
}

static int message_handler(lua_State *L);

/* attain.sandbox.where(): "file:line: " of the innermost line of policy code running (the
 * call of a stdlib constructor, say), or "" — where() above, for messages the stdlib
 * raises later (a failing custom measure names its a.goal line). */
static int sandbox_where(lua_State *L) {
  char pos[LUA_IDSIZE + 24];
  where(L, 1, pos, sizeof pos);
  lua_pushstring(L, pos);
  return 1;
}

/* attain.sandbox.pcall(f, ...): budgeted_call that also catches an ordinary error of f,
 * returning false and "file:line: message" (the innermost policy position, as
 * sandbox_pcall reports it), or true and f's results. A spent budget is re-raised: the
 * whole call ends, as it would without this. This is how the stdlib keeps a failing
 * custom measure to its own path. */
static int budgeted_pcall(lua_State *L) {
  luaL_checktype(L, 1, LUA_TFUNCTION);
  int off = lua_gethook(L) == NULL;
  if (off) lua_sethook(L, budget_hook, hook_mask(sandbox_of(L)), sandbox_of(L)->period);
  lua_pushcfunction(L, message_handler);
  lua_insert(L, 1);
  int status = lua_pcall(L, lua_gettop(L) - 2, LUA_MULTRET, 1);
  if (off) lua_sethook(L, NULL, 0, 0);
  if (status != LUA_OK) {
    if (caught_must_reraise(L, status)) return lua_error(L);
    lua_pushboolean(L, 0);
    lua_insert(L, -2);
    return 2;
  }
  lua_pushboolean(L, 1);
  lua_replace(L, 1); /* the handler's slot */
  return lua_gettop(L);
}

/* ---- safe globals ----------------------------------------------------------------------- */

static lua_CFunction original(lua_State *L) { return lua_tocfunction(L, lua_upvalueindex(1)); }

static int safe_pcall(lua_State *L) {
  luaL_checkany(L, 1);
  lua_pushboolean(L, 1);
  lua_insert(L, 1);
  int status = lua_pcall(L, lua_gettop(L) - 2, LUA_MULTRET, 0);
  if (status != LUA_OK) {
    if (caught_must_reraise(L, status)) return lua_error(L);
    lua_pushboolean(L, 0);
    lua_pushvalue(L, -2);
    return 2;
  }
  return lua_gettop(L);
}

/* An error raised from the count hook reaches the message handler while Lua still has
 * hooks switched off, so a policy's handler could loop unseen: once a budget is spent the
 * policy's handler is skipped and the error passes through unchanged. */
static int xpcall_handler(lua_State *L) {
  if (sandbox_of(L)->exhausted) return 1;
  lua_pushvalue(L, lua_upvalueindex(1));
  lua_insert(L, 1);
  lua_call(L, lua_gettop(L) - 1, 1);
  return 1;
}

static int safe_xpcall(lua_State *L) {
  int n = lua_gettop(L);
  luaL_checktype(L, 2, LUA_TFUNCTION);
  lua_pushvalue(L, 2);
  lua_pushcclosure(L, xpcall_handler, 1);
  lua_replace(L, 2);
  lua_pushboolean(L, 1);
  lua_pushvalue(L, 1);
  lua_rotate(L, 3, 2);
  int status = lua_pcall(L, n - 2, LUA_MULTRET, 2);
  if (status != LUA_OK) {
    if (caught_must_reraise(L, status)) return lua_error(L);
    lua_pushboolean(L, 0);
    lua_pushvalue(L, -2);
    return 2;
  }
  return lua_gettop(L) - 2;
}

/* Lua 5.4.4 runs finalizers with hooks off, so an endless __gc would hang the host. A __gc
 * added to a metatable after setmetatable never marks the object, so checking here suffices. */
static int safe_setmetatable(lua_State *L) {
  if (lua_type(L, 2) == LUA_TTABLE) {
    lua_pushliteral(L, "__gc");
    if (lua_rawget(L, 2) != LUA_TNIL) return luaL_error(L, "__gc metamethods are not allowed in policies");
    lua_pop(L, 1);
  }
  return original(L)(L);
}

static void push_key_desc(lua_State *L, int idx) {
  if (lua_type(L, idx) == LUA_TSTRING)
    lua_pushfstring(L, "'%s'", lua_tostring(L, idx));
  else
    lua_pushfstring(L, "(a %s key)", luaL_typename(L, idx));
}

static int undefined_global(lua_State *L) {
  push_key_desc(L, 2);
  return luaL_error(L, "undefined global %s", lua_tostring(L, -1));
}

static int assign_global(lua_State *L) {
  push_key_desc(L, 2);
  return luaL_error(L, "assignment to global %s (policies cannot set globals; use local)",
                    lua_tostring(L, -1));
}

/* upvalue 1 names the table: "library table 'string'", "module 'attain.time'". */
static int readonly_assign(lua_State *L) {
  push_key_desc(L, 2);
  return luaL_error(L, "cannot modify read-only %s (field %s)", lua_tostring(L, lua_upvalueindex(1)),
                    lua_tostring(L, -1));
}

/* __pairs of a library proxy: iterates the private copy without handing it out. */
static int readonly_next(lua_State *L) {
  lua_settop(L, 2);
  if (lua_next(L, lua_upvalueindex(1))) return 2;
  lua_pushnil(L);
  return 1;
}

static int readonly_pairs(lua_State *L) {
  lua_pushvalue(L, lua_upvalueindex(1));
  lua_pushvalue(L, 1);
  lua_pushnil(L);
  return 3;
}

/* Replaces the table at the top of the stack with a read-only proxy over it: reads and
 * `pairs` reach the table, assignments raise, and the table itself is never handed out.
 * `what` names it in messages ("library table 'string'"). */
static void make_readonly(lua_State *L, const char *what) {
  int t = lua_gettop(L);
  lua_newtable(L); /* the proxy */
  lua_createtable(L, 0, 4);
  lua_pushvalue(L, t);
  lua_setfield(L, -2, "__index");
  lua_pushstring(L, what);
  lua_pushcclosure(L, readonly_assign, 1);
  lua_setfield(L, -2, "__newindex");
  lua_pushvalue(L, t);
  lua_pushcclosure(L, readonly_next, 1);
  lua_pushcclosure(L, readonly_pairs, 1);
  lua_setfield(L, -2, "__pairs");
  lua_pushboolean(L, 0);
  lua_setfield(L, -2, "__metatable");
  lua_setmetatable(L, -2);
  lua_replace(L, t);
}

static void push_env(lua_State *L) {
  lua_newtable(L);
  lua_rawgetp(L, LUA_REGISTRYINDEX, &env_meta_key);
  lua_setmetatable(L, -2);
}

static const stdlib_module *module_find(const stdlib_module *m, const char *name) {
  for (; m && m->name; m++)
    if (strcmp(m->name, name) == 0) return m;
  return NULL;
}

/* require(name): only the embedded stdlib, each module once per state, in its own _ENV. */
static int safe_require(lua_State *L) {
  const char *name = luaL_checkstring(L, 1);
  lua_settop(L, 1);
  lua_rawgetp(L, LUA_REGISTRYINDEX, &cache_key); /* 2: cache */
  lua_pushvalue(L, 1);
  int t = lua_rawget(L, 2);
  if (t == LUA_TLIGHTUSERDATA && lua_touserdata(L, -1) == &loading_key)
    return luaL_error(L, "module '%s' requires itself (a require loop)", name);
  if (t != LUA_TNIL) return 1;
  lua_pop(L, 1);
  const stdlib_module *m = module_find(sandbox_of(L)->modules, name);
  if (!m) return luaL_error(L,
                          "module '%s' not found (policies may require the attain stdlib and "
                          "the modules of the policy directory's lib/)",
                          name);
  int status = luaL_loadbufferx(L, m->source, m->len, m->chunkname, "t");
  if (status == LUA_ERRMEM) {
    caught_must_reraise(L, status);
    return lua_error(L);
  }
  if (status != LUA_OK) return luaL_error(L, "error loading module '%s': %s", name, lua_tostring(L, -1));
  push_env(L);
  lua_setupvalue(L, -2, 1);
  lua_pushvalue(L, 1);
  lua_pushlightuserdata(L, (void *)&loading_key);
  lua_rawset(L, 2);
  lua_pushvalue(L, 1);
  status = lua_pcall(L, 1, 1, 0);
  if (status != LUA_OK) {
    caught_must_reraise(L, status);
    lua_pushvalue(L, 1);
    lua_pushnil(L);
    lua_rawset(L, 2);
    return lua_error(L);
  }
  if (lua_isnil(L, -1)) {
    lua_pop(L, 1);
    lua_pushboolean(L, 1);
  } else if (lua_istable(L, -1)) {
    /* Read-only, so a policy cannot replace a function the stdlib calls unbudgeted. */
    char what[96];
    snprintf(what, sizeof what, "module '%s'", name);
    make_readonly(L, what);
  }
  lua_pushvalue(L, 1);
  lua_pushvalue(L, -2);
  lua_rawset(L, 2);
  return 1;
}

/* ---- patterns --------------------------------------------------------------------------- */

/* The matcher backtracks. Its search tree has one level per pattern item; only these items
 * branch: a quantifier *, +, - (up to n+1 ways), ? (2 ways); %b and back-references %1-%9
 * scan up to n bytes, counted as n+1 ways. Every other item is O(1), or O(set length) for a
 * set. So one call does at most
 *   starts x (m+1) x setlen x (n+1)^unbounded x 2^optional
 * steps, with starts = 1 for an anchored find/match/gsub and n+1 otherwise (gmatch and gsub
 * resume where the last match ended, so their starts stay n+1 in total). */
typedef struct pattern_shape {
  int anchored, unbounded, optional;
  size_t longest_set;
} pattern_shape;

/* Mirrors lstrlib's classEnd; stops quietly on a malformed pattern (the matcher reports it). */
static size_t class_end(const char *p, size_t m, size_t i, pattern_shape *sh) {
  if (p[i] == '%') return i + 2 <= m ? i + 2 : m;
  if (p[i] != '[') return i + 1;
  size_t start = i++;
  if (i < m && p[i] == '^') i++;
  do {
    if (i >= m) return m;
    if (p[i++] == '%' && i < m) i++;
  } while (i < m && p[i] != ']');
  if (i >= m) return m;
  if (i - start > sh->longest_set) sh->longest_set = i - start;
  return i + 1;
}

static void pattern_shape_of(const char *p, size_t m, pattern_shape *sh) {
  size_t i = 0;
  memset(sh, 0, sizeof *sh);
  if (m > 0 && p[0] == '^') sh->anchored = 1, i = 1;
  while (i < m) {
    char c = p[i];
    if (c == '(' || c == ')' || (c == '$' && i + 1 == m)) {
      i++;
      continue;
    }
    if (c == '%' && i + 1 < m) {
      char d = p[i + 1];
      if (d == 'b') { /* %bxy */
        sh->unbounded++;
        i += 4;
        continue;
      }
      if (d == 'f') { /* %f[set]: one O(set) test */
        i += 2;
        if (i < m) i = class_end(p, m, i, sh);
        continue;
      }
      if (d >= '0' && d <= '9') { /* back-reference */
        sh->unbounded++;
        i += 2;
        continue;
      }
    }
    i = class_end(p, m, i, sh);
    if (i < m && (p[i] == '*' || p[i] == '+' || p[i] == '-')) sh->unbounded++, i++;
    else if (i < m && p[i] == '?') sh->optional++, i++;
  }
}

static void pattern_check(lua_State *L, size_t n, const char *p, size_t m, int plain, int gmatch) {
  pattern_shape sh;
  if (plain) memset(&sh, 0, sizeof sh);
  else pattern_shape_of(p, m, &sh);
  double ways = (double)n + 1;
  double steps = (sh.anchored && !gmatch) ? 1 : ways;
  steps *= ((double)m + 1) * (double)(sh.longest_set > 1 ? sh.longest_set : 1);
  for (int k = 0; k < sh.unbounded && steps <= PATTERN_STEPS_MAX; k++) steps *= ways;
  for (int k = 0; k < sh.optional && steps <= PATTERN_STEPS_MAX; k++) steps *= 2;
  if (steps > PATTERN_STEPS_MAX) {
    char shown[48];
    snprintf(shown, sizeof shown, "%.*s%s", m > 40 ? 40 : (int)m, p, m > 40 ? "..." : "");
    luaL_error(L,
               "pattern '%s' is too costly for a %d-byte string (%d unbounded repetitions, "
               "%d optional items); use fewer of * + - ? %%b on long strings",
               shown, (int)(n > INT_MAX ? INT_MAX : n), sh.unbounded, sh.optional);
  }
  budget_charge(L, steps / STEPS_PER_INSTRUCTION);
}

/* Checks (subject, pattern) at arguments 1 and 2, then calls the original function. */
static int checked_pattern_call(lua_State *L, int plain, int gmatch) {
  size_t n, m;
  luaL_checklstring(L, 1, &n);
  const char *p = luaL_checklstring(L, 2, &m);
  pattern_check(L, n, p, m, plain, gmatch);
  return original(L)(L);
}

static int safe_find(lua_State *L) { return checked_pattern_call(L, lua_toboolean(L, 4), 0); }
static int safe_match(lua_State *L) { return checked_pattern_call(L, 0, 0); }
static int safe_gmatch(lua_State *L) { return checked_pattern_call(L, 0, 1); }
static int safe_gsub(lua_State *L) { return checked_pattern_call(L, 0, 0); }

/* string.rep loops n times even when the result is empty ("" repeated 2^60 times). */
static int safe_rep(lua_State *L) {
  size_t l, lsep;
  luaL_checklstring(L, 1, &l);
  lua_Integer n = luaL_checkinteger(L, 2);
  luaL_optlstring(L, 3, "", &lsep);
  if (n <= 0 || l + lsep == 0) {
    lua_pushliteral(L, "");
    return 1;
  }
  /* The loop runs only once the result (at least n bytes) is allocated, so the memory budget
   * bounds one call; charging afterwards bounds many. */
  int results = original(L)(L);
  budget_charge(L, (double)n / STEPS_PER_INSTRUCTION);
  return results;
}

/* ---- table functions: their loops run in C, with lengths a policy controls ------------- */

/* table.insert and table.remove as in ltablib.c, reading the length once and charging one
 * instruction per element shifted (a sparse table can have a border of 2^40 in 41 slots). */
static int safe_insert(lua_State *L) {
  luaL_checktype(L, 1, LUA_TTABLE);
  lua_Integer e = (lua_Integer)((lua_Unsigned)luaL_len(L, 1) + 1u);
  lua_Integer pos;
  switch (lua_gettop(L)) {
  case 2:
    pos = e;
    break;
  case 3:
    pos = luaL_checkinteger(L, 2);
    luaL_argcheck(L, (lua_Unsigned)pos - 1u < (lua_Unsigned)e, 2, "position out of bounds");
    budget_charge(L, (double)((lua_Unsigned)e - (lua_Unsigned)pos));
    for (lua_Integer i = e; i > pos; i--) {
      lua_geti(L, 1, i - 1);
      lua_seti(L, 1, i);
    }
    break;
  default:
    return luaL_error(L, "wrong number of arguments to 'insert'");
  }
  lua_seti(L, 1, pos);
  return 0;
}

static int safe_remove(lua_State *L) {
  luaL_checktype(L, 1, LUA_TTABLE);
  lua_Integer size = luaL_len(L, 1);
  lua_Integer pos = luaL_optinteger(L, 2, size);
  if (pos != size)
    luaL_argcheck(L, (lua_Unsigned)pos - 1u <= (lua_Unsigned)size, 2, "position out of bounds");
  lua_geti(L, 1, pos);
  if (pos < size) budget_charge(L, (double)((lua_Unsigned)size - (lua_Unsigned)pos));
  for (; pos < size; pos++) {
    lua_geti(L, 1, pos + 1);
    lua_seti(L, 1, pos);
  }
  lua_pushnil(L);
  lua_seti(L, 1, pos);
  return 1;
}

static int safe_move(lua_State *L) {
  lua_Integer f = luaL_checkinteger(L, 2), e = luaL_checkinteger(L, 3);
  if (e >= f) budget_charge(L, (double)((lua_Unsigned)e - (lua_Unsigned)f) + 1);
  return original(L)(L);
}

/* concat and unpack: the range is computed once here and passed on explicitly, so a __len
 * that answers differently the second time cannot widen it. */
static int safe_concat(lua_State *L) {
  luaL_checktype(L, 1, LUA_TTABLE);
  luaL_optlstring(L, 2, "", NULL);
  lua_Integer i = luaL_optinteger(L, 3, 1);
  lua_Integer j = lua_isnoneornil(L, 4) ? luaL_len(L, 1) : luaL_checkinteger(L, 4);
  lua_settop(L, 3);
  lua_pushinteger(L, j);
  if (i <= j) budget_charge(L, (double)((lua_Unsigned)j - (lua_Unsigned)i) + 1);
  return original(L)(L);
}

static int safe_unpack(lua_State *L) {
  lua_Integer i = luaL_optinteger(L, 2, 1);
  lua_Integer j = lua_isnoneornil(L, 3) ? luaL_len(L, 1) : luaL_checkinteger(L, 3);
  lua_settop(L, 2);
  lua_pushinteger(L, j);
  double n = i <= j ? (double)((lua_Unsigned)j - (lua_Unsigned)i) + 1 : 0;
  if (n <= LUAI_MAXSTACK) budget_charge(L, n); /* larger ranges fail "too many results" */
  return original(L)(L);
}

static int safe_sort(lua_State *L) {
  luaL_checktype(L, 1, LUA_TTABLE);
  lua_Integer n = luaL_len(L, 1);
  if (n > 1 && n < INT_MAX) {
    double cost = 0;
    for (lua_Integer k = n; k > 0; k >>= 1) cost += (double)n; /* n log2 n */
    budget_charge(L, cost);
  }
  return original(L)(L);
}

/* ---- setup ------------------------------------------------------------------------------ */

typedef struct wrap {
  const char *name;
  lua_CFunction fn; /* called with the original as upvalue 1 */
} wrap;

/* What a policy's environment holds, defined here once: setup() builds the environment
 * from these lists (an allowlist: a field of the real library that is not listed is not
 * copied, so a Lua built with compatibility functions such as math.pow offers policies
 * no more), and sandbox_globals() hands them to the static check (policy_lint.h) and to
 * the luacheck standard that tests/test_policy_lint.c compares with
 * stdlib/luacheck/attain/luacheck.lua. */
static const char *const string_fields[] = {"byte",    "char",   "find",  "format", "gmatch",
                                            "gsub",    "len",    "lower", "match",  "pack",
                                            "packsize", "rep",   "reverse", "sub",  "unpack",
                                            "upper",   NULL};
static const char *const table_fields[] = {"concat", "insert", "move", "pack",
                                           "remove", "sort",   "unpack", NULL};
static const char *const math_fields[] = {"abs",  "acos",       "asin",  "atan",      "ceil",
                                          "cos",  "deg",        "exp",   "floor",     "fmod",
                                          "huge", "log",        "max",   "maxinteger", "min",
                                          "mininteger", "modf", "pi",    "rad",       "sin",
                                          "sqrt", "tan",        "tointeger", "type",  "ult",
                                          NULL};
static const char *const utf8_fields[] = {"char",      "charpattern", "codepoint",
                                          "codes",     "len",         "offset", NULL};

/* Why a well-known name is absent: the static check and docs/sandbox.md say the same. */
static const sandbox_absent absent[] = {
    {"io", "no I/O: facts come only from the facts object"},
    {"os", "no clock and no system: the evaluation time is org.now"},
    {"print", "nothing is printed during sweeps: use a.trace to see values"},
    {"debug", "it reaches past the sandbox"},
    {"package", "require serves the stdlib and the policy directory's lib/ only"},
    {"load", "no code loading"},
    {"loadstring", "no code loading"},
    {"dofile", "no code loading: share code through modules in lib/"},
    {"loadfile", "no code loading: share code through modules in lib/"},
    {"collectgarbage", "the host manages memory"},
    {"coroutine", "nested coroutine.close can crash Lua 5.4.4"},
    {"rawset", "it would bypass the read-only library tables"},
    {"_G", "each file has its own environment; there is no global table"},
    {"string.dump", "no binary chunks"},
    {"math.random", "an evaluation must give the same answer every time"},
    {"math.randomseed", "an evaluation must give the same answer every time"},
    {NULL, NULL}};

static const sandbox_global globals[] = {
    {"assert", NULL},   {"error", NULL},    {"getmetatable", NULL}, {"ipairs", NULL},
    {"next", NULL},     {"pairs", NULL},    {"pcall", NULL},        {"rawequal", NULL},
    {"rawget", NULL},   {"rawlen", NULL},   {"require", NULL},      {"select", NULL},
    {"setmetatable", NULL}, {"tonumber", NULL}, {"tostring", NULL}, {"type", NULL},
    {"xpcall", NULL},   {"math", math_fields}, {"string", string_fields},
    {"table", table_fields}, {"utf8", utf8_fields}, {NULL, NULL}};

static const wrap base_wraps[] = {{"pcall", safe_pcall}, {"xpcall", safe_xpcall},
                                  {"setmetatable", safe_setmetatable}, {NULL, NULL}};
static const wrap string_wraps[] = {{"find", safe_find},   {"match", safe_match},
                                    {"gmatch", safe_gmatch}, {"gsub", safe_gsub},
                                    {"rep", safe_rep},     {NULL, NULL}};
static const wrap table_wraps[] = {{"insert", safe_insert}, {"remove", safe_remove},
                                   {"move", safe_move},     {"concat", safe_concat},
                                   {"unpack", safe_unpack}, {"sort", safe_sort},
                                   {NULL, NULL}};

const sandbox_global *sandbox_globals(void) { return globals; }

const char *sandbox_absent_reason(const char *name) {
  for (const sandbox_absent *a = absent; a->name; a++)
    if (strcmp(a->name, name) == 0) return a->why;
  return NULL;
}

static const wrap *wrap_find(const wrap *w, const char *name) {
  for (; w && w->name; w++)
    if (strcmp(w->name, name) == 0) return w;
  return NULL;
}

/* Pushes a read-only proxy over a private copy of the listed `fields` of the library at
 * `lib`, each wrapped by its entry of `w` if it has one. */
static void push_library(lua_State *L, int lib, const char *name, const char *const *fields,
                         const wrap *w) {
  lib = lua_absindex(L, lib);
  lua_newtable(L); /* the private copy */
  int copy = lua_gettop(L);
  for (const char *const *f = fields; *f; f++) {
    if (lua_getfield(L, lib, *f) == LUA_TNIL) {
      lua_pop(L, 1);
      continue;
    }
    const wrap *wr = wrap_find(w, *f);
    if (wr) lua_pushcclosure(L, wr->fn, 1);
    lua_setfield(L, copy, *f);
  }
  char what[64];
  snprintf(what, sizeof what, "library table '%s'", name);
  make_readonly(L, what);
}

static int setup(lua_State *L) {
  luaL_requiref(L, LUA_GNAME, luaopen_base, 0);       /* 1 (the real global table) */
  luaL_requiref(L, LUA_STRLIBNAME, luaopen_string, 0); /* 2 */
  luaL_requiref(L, LUA_TABLIBNAME, luaopen_table, 0);  /* 3 */
  luaL_requiref(L, LUA_MATHLIBNAME, luaopen_math, 0);  /* 4 */
  luaL_requiref(L, LUA_UTF8LIBNAME, luaopen_utf8, 0);  /* 5 */
  lua_newtable(L);                                     /* 6: G */
  for (const sandbox_global *g = globals; g->name; g++) {
    if (g->fields) {
      static const char *const libs[] = {"string", "table", "math", "utf8"};
      int slot = 0;
      for (int k = 0; k < 4; k++)
        if (strcmp(libs[k], g->name) == 0) slot = 2 + k;
      if (!slot) return luaL_error(L, "no library '%s'", g->name);
      push_library(L, slot, g->name, g->fields,
                   slot == 2 ? string_wraps : slot == 3 ? table_wraps : NULL);
      if (slot == 2) { /* strings index the proxy; the real metatable stays hidden */
        lua_pushliteral(L, "");
        lua_getmetatable(L, -1);
        lua_pushvalue(L, -3);
        lua_setfield(L, -2, "__index");
        lua_pushboolean(L, 0);
        lua_setfield(L, -2, "__metatable");
        lua_pop(L, 2);
      }
    } else if (strcmp(g->name, "require") == 0) {
      lua_pushcfunction(L, safe_require);
    } else {
      lua_getfield(L, 1, g->name);
      const wrap *w = wrap_find(base_wraps, g->name);
      if (w) lua_pushcclosure(L, w->fn, 1);
    }
    lua_setfield(L, 6, g->name);
  }

  lua_createtable(L, 0, 2); /* G's metatable: strict reads */
  lua_pushcfunction(L, undefined_global);
  lua_setfield(L, -2, "__index");
  lua_pushboolean(L, 0);
  lua_setfield(L, -2, "__metatable");
  lua_setmetatable(L, 6);

  lua_createtable(L, 0, 3); /* every _ENV's metatable */
  lua_pushvalue(L, 6);
  lua_setfield(L, -2, "__index");
  lua_pushcfunction(L, assign_global);
  lua_setfield(L, -2, "__newindex");
  lua_pushboolean(L, 0);
  lua_setfield(L, -2, "__metatable");
  lua_rawsetp(L, LUA_REGISTRYINDEX, &env_meta_key);

  lua_newtable(L); /* require's cache, holding the one module written in C */
  lua_createtable(L, 0, 3);
  lua_pushcfunction(L, budgeted_call);
  lua_setfield(L, -2, "call");
  lua_pushcfunction(L, budgeted_pcall);
  lua_setfield(L, -2, "pcall");
  lua_pushcfunction(L, sandbox_where);
  lua_setfield(L, -2, "where");
  make_readonly(L, "module 'attain.sandbox'");
  lua_setfield(L, -2, "attain.sandbox");
  lua_rawsetp(L, LUA_REGISTRYINDEX, &cache_key);

  lua_pushnil(L); /* empty the real global table (load, print, ... live there) */
  while (lua_next(L, 1)) {
    lua_pop(L, 1);
    lua_pushvalue(L, -1);
    lua_pushnil(L);
    lua_rawset(L, 1);
  }
  return 0;
}

/* ---- public ----------------------------------------------------------------------------- */

int sandbox_new(sandbox **out, const sandbox_limits *limits, const stdlib_module *modules,
                char *err, size_t errsz) {
  *out = NULL;
  sandbox *sb = calloc(1, sizeof *sb);
  if (!sb) {
    say(err, errsz, "out of memory creating a sandbox");
    return SANDBOX_EMEMORY;
  }
  if (limits) sb->limits = *limits;
  if (sb->limits.memory == 0) sb->limits.memory = SANDBOX_DEFAULT_MEMORY;
  if (sb->limits.instructions <= 0) sb->limits.instructions = SANDBOX_DEFAULT_INSTRUCTIONS;
  sb->period = sb->limits.instructions < HOOK_PERIOD ? (int)sb->limits.instructions : HOOK_PERIOD;
  sb->modules = modules;
  sb->L = lua_newstate(sandbox_alloc, sb);
  if (!sb->L) {
    say(err, errsz, "memory budget exceeded creating a Lua state (%zu bytes)", sb->limits.memory);
    free(sb);
    return SANDBOX_EMEMORY;
  }
  memcpy(lua_getextraspace(sb->L), &sb, sizeof sb);
  lua_pushcfunction(sb->L, setup);
  int status = lua_pcall(sb->L, 0, 0, 0);
  if (status != LUA_OK) {
    if (status == LUA_ERRMEM)
      say(err, errsz, "memory budget exceeded setting up the sandbox (%zu bytes)", sb->limits.memory);
    else
      say(err, errsz, "cannot set up the sandbox: %s", lua_tostring(sb->L, -1));
    lua_close(sb->L);
    free(sb);
    return status == LUA_ERRMEM ? SANDBOX_EMEMORY : SANDBOX_ERUN;
  }
  lua_sethook(sb->L, budget_hook, LUA_MASKCOUNT, sb->period);
  *out = sb;
  return SANDBOX_OK;
}

lua_State *sandbox_state(sandbox *sb) { return sb->L; }

size_t sandbox_memory_used(const sandbox *sb) { return sb->used; }

long long sandbox_instructions_used(const sandbox *sb) { return sb->spent; }

void sandbox_free(sandbox *sb) {
  if (!sb) return;
  lua_close(sb->L);
  free(sb);
}

typedef struct load_args {
  const char *chunkname, *src;
  size_t len;
  int status; /* of the compilation itself */
} load_args;

static int load_protected(lua_State *L) {
  load_args *a = lua_touserdata(L, 1);
  a->status = luaL_loadbufferx(L, a->src, a->len, a->chunkname, "t");
  if (a->status != LUA_OK) return lua_error(L);
  push_env(L);
  lua_setupvalue(L, -2, 1);
  return 1;
}

static void copy_message(lua_State *L, char *err, size_t errsz, const char *fallback) {
  const char *msg = lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : fallback;
  say(err, errsz, "%s", msg);
}

int sandbox_load(sandbox *sb, const char *chunkname, const char *src, size_t len, char *err,
                 size_t errsz) {
  lua_State *L = sb->L;
  load_args a = {chunkname, src, len, LUA_OK};
  if (!lua_checkstack(L, 3)) {
    say(err, errsz, "memory budget exceeded loading %s (%zu bytes)", chunkname, sb->limits.memory);
    return SANDBOX_EMEMORY;
  }
  lua_pushcfunction(L, load_protected);
  lua_pushlightuserdata(L, &a);
  int status = lua_pcall(L, 1, 1, 0);
  if (status == LUA_OK) return SANDBOX_OK;
  if (status == LUA_ERRMEM || a.status == LUA_ERRMEM) {
    say(err, errsz, "memory budget exceeded loading %s (%zu bytes)", chunkname, sb->limits.memory);
    lua_pop(L, 1);
    return SANDBOX_EMEMORY;
  }
  /* Lua's syntax errors carry "file:line:"; a refused binary chunk carries no position. */
  const char *msg = lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : "cannot load chunk";
  const char *shown = chunkname[0] == '@' || chunkname[0] == '=' ? chunkname + 1 : chunkname;
  size_t sl = strlen(shown);
  if (strncmp(msg, shown, sl) == 0 && msg[sl] == ':')
    say(err, errsz, "%s", msg);
  else
    say(err, errsz, "%s: %s", shown, msg);
  lua_pop(L, 1);
  return SANDBOX_ESYNTAX;
}

/* Does the message start with "something:123:"? */
static int has_position(const char *s) {
  for (size_t i = 0; s[i] && s[i] != '\n' && i < 512; i++) {
    if (s[i] != ':' || i == 0) continue;
    size_t j = i + 1;
    while (s[j] >= '0' && s[j] <= '9') j++;
    if (j > i + 1 && s[j] == ':') return 1;
  }
  return 0;
}

/* sandbox_pcall's message handler: turns any error value into "file:line: message" without
 * calling a metamethod on it (a __tostring could loop or raise). */
static int message_handler(lua_State *L) {
  char pos[LUA_IDSIZE + 24];
  int t = lua_type(L, 1);
  if (t == LUA_TSTRING && has_position(lua_tostring(L, 1))) return 1;
  where(L, 1, pos, sizeof pos);
  if (t == LUA_TSTRING)
    lua_pushfstring(L, "%s%s", pos, lua_tostring(L, 1));
  else if (t == LUA_TNUMBER) {
    lua_pushvalue(L, 1); /* lua_tostring converts in place: convert a copy */
    lua_pushfstring(L, "%s%s", pos, lua_tostring(L, -1));
  } else
    lua_pushfstring(L, "%serror object is a %s value", pos, lua_typename(L, t));
  return 1;
}

/* sandbox_pcall and sandbox_pcall_trusted: the call starts with the count hook on or off. */
static int protected_call(sandbox *sb, int nargs, int nresults, int hooked, char *err,
                          size_t errsz) {
  lua_State *L = sb->L;
  int base = lua_gettop(L) - nargs; /* the function */
  if (!lua_checkstack(L, 1)) {
    lua_pop(L, nargs + 1);
    say(err, errsz, "memory budget exceeded (%zu bytes)", sb->limits.memory);
    return SANDBOX_EMEMORY;
  }
  sb->spent = 0;
  sb->exhausted = 0;
  sb->refused = 0;
  sb->last_line[0] = '\0';
  if (hooked) /* restarts the hook count */
    lua_sethook(L, budget_hook, LUA_MASKCOUNT | LUA_MASKLINE, sb->period);
  else
    lua_sethook(L, NULL, 0, 0);
  lua_pushcfunction(L, message_handler); /* a light function: no allocation */
  lua_insert(L, base);
  int status = lua_pcall(L, nargs, nresults, base);
  lua_remove(L, base);
  if (status == LUA_OK) return SANDBOX_OK;

  int code = sb->exhausted ? sb->exhausted : status == LUA_ERRMEM ? SANDBOX_EMEMORY : SANDBOX_ERUN;
  if (code == SANDBOX_EMEMORY)
    say(err, errsz, "memory budget exceeded (%zu bytes)", sb->limits.memory);
  else if (sb->exhausted)
    say(err, errsz, "%s", sb->budget_msg);
  else
    copy_message(L, err, errsz, "error (no message)");
  lua_pop(L, 1);
  if (code == SANDBOX_EMEMORY) lua_gc(L, LUA_GCCOLLECT);
  return code;
}

int sandbox_pcall(sandbox *sb, int nargs, int nresults, char *err, size_t errsz) {
  return protected_call(sb, nargs, nresults, 1, err, errsz);
}

int sandbox_pcall_trusted(sandbox *sb, int nargs, int nresults, char *err, size_t errsz) {
  return protected_call(sb, nargs, nresults, 0, err, errsz);
}
