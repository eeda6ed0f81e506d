/* test_sandbox.c — what a policy can and cannot do inside the sandbox, and that every budget
 * and trap ends in a clear error instead of a hang, a crash or a silent escape.
 *
 * Uses a small fake stdlib table rather than the embedded one, so these tests do not depend
 * on the real stdlib's contents. An alarm kills the run if a trap makes the host hang. */
#include <lauxlib.h>
#include <lua.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "check.h"
#include "sandbox.h"

#define MOD(name, file, src) {name, file, src, sizeof(src) - 1}

static const stdlib_module fake_modules[] = {
    MOD("attain", "@stdlib/attain/init.lua",
        "local goals = require 'attain.goals'\n"
        "return { goals = goals, name = 'attain', upper = string.upper('x') }\n"),
    MOD("attain.goals", "@stdlib/attain/goals.lua", "return { runs = 0, kind = 'goals' }\n"),
    MOD("attain.broken", "@stdlib/attain/broken.lua", "local x = = 1\n"),
    MOD("attain.fails", "@stdlib/attain/fails.lua", "local t = {}\nreturn t.x.y\n"),
    MOD("attain.setsglobal", "@stdlib/attain/setsglobal.lua", "helper = 1\nreturn {}\n"),
    MOD("attain.loop", "@stdlib/attain/loop.lua", "return require 'attain.loop'\n"),
    /* Stands for the stdlib's evaluation: what the host runs with sandbox_pcall_trusted. */
    MOD("attain.eval", "@stdlib/attain/eval.lua",
        "local budgeted = require('attain.sandbox').call\n"
        "local M = {}\n"
        "function M.spin(n) local x = 0 for i = 1, n do x = x + i end return x end\n"
        "function M.run(f, ...) return budgeted(f, ...) end\n"
        "function M.run_then_spin(f, n) budgeted(f) return M.spin(n) end\n"
        "function M.run_each(fs) for i = 1, #fs do budgeted(fs[i]) end return #fs end\n"
        "return M\n"),
    {NULL, NULL, NULL, 0},
};

#define ERRSZ 512

static sandbox *make(size_t memory, long long instructions) {
  sandbox *sb = NULL;
  char err[ERRSZ] = "";
  sandbox_limits lim = {.memory = memory, .instructions = instructions};
  int rc = sandbox_new(&sb, &lim, fake_modules, err, sizeof err);
  if (rc != SANDBOX_OK) fprintf(stderr, "sandbox_new: %s\n", err);
  return sb;
}

/* Loads and runs `src` as a chunk; on success `out` holds the first result as text. */
static int eval(sandbox *sb, const char *chunkname, const char *src, char *out, char *err) {
  lua_State *L = sandbox_state(sb);
  out[0] = err[0] = '\0';
  int rc = sandbox_load(sb, chunkname, src, strlen(src), err, ERRSZ);
  if (rc != SANDBOX_OK) return rc;
  rc = sandbox_pcall(sb, 0, 1, err, ERRSZ);
  if (rc != SANDBOX_OK) return rc;
  if (lua_type(L, -1) == LUA_TSTRING || lua_type(L, -1) == LUA_TNUMBER)
    snprintf(out, ERRSZ, "%s", lua_tostring(L, -1));
  else if (lua_type(L, -1) == LUA_TBOOLEAN)
    snprintf(out, ERRSZ, "%s", lua_toboolean(L, -1) ? "true" : "false");
  else
    snprintf(out, ERRSZ, "%s", luaL_typename(L, -1));
  lua_pop(L, 1);
  return rc;
}

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void test_environment_holds_only_what_a_policy_needs(void) {
  sandbox *sb = make(0, 0);
  char out[ERRSZ], err[ERRSZ];
  static const char *const present[] = {
      "assert", "error", "ipairs", "next", "pairs", "pcall", "select", "tonumber", "tostring",
      "type", "xpcall", "getmetatable", "setmetatable", "rawequal", "rawlen", "rawget",
      "require", "string", "table", "math", "utf8", NULL};
  static const char *const absent[] = {
      "io", "os", "package", "debug", "load", "loadstring", "dofile", "loadfile", "print",
      "collectgarbage", "coroutine", "rawset", "_G", "require_", "warn", "newproxy", NULL};
  char src[128];
  for (const char *const *n = present; *n; n++) {
    snprintf(src, sizeof src, "return type(%s)", *n);
    CHECK(eval(sb, "@policies/env.lua", src, out, err) == SANDBOX_OK);
    CHECK(strcmp(out, "function") == 0 || strcmp(out, "table") == 0);
  }
  for (const char *const *n = absent; *n; n++) {
    char want[64];
    snprintf(src, sizeof src, "return type(%s)", *n);
    snprintf(want, sizeof want, "policies/env.lua:1: undefined global '%s'", *n);
    CHECK(eval(sb, "@policies/env.lua", src, out, err) == SANDBOX_ERUN);
    CHECK_STR(err, want);
  }
  CHECK(eval(sb, "@p.lua",
             "return string.dump == nil and math.random == nil and math.randomseed == nil "
             "and ('x').dump == nil",
             out, err) == SANDBOX_OK);
  CHECK_STR(out, "true");
  CHECK(eval(sb, "@p.lua", "return math.floor(2.5) + #table.concat({'a','b'}) + utf8.len('é')",
             out, err) == SANDBOX_OK);
  CHECK_STR(out, "5");
  sandbox_free(sb);
}

static void test_library_tables_are_read_only(void) {
  sandbox *sb = make(0, 0);
  char out[ERRSZ], err[ERRSZ];
  CHECK(eval(sb, "@policies/ro.lua", "string.upper = nil", out, err) == SANDBOX_ERUN);
  CHECK_STR(err, "policies/ro.lua:1: cannot modify read-only library table 'string' (field 'upper')");
  CHECK(eval(sb, "@policies/ro.lua", "math.pi = 3", out, err) == SANDBOX_ERUN);
  CHECK_CONTAINS(err, "read-only library table 'math'");
  CHECK(eval(sb, "@policies/ro.lua", "table.newfn = print", out, err) == SANDBOX_ERUN);
  CHECK(eval(sb, "@policies/ro.lua", "return setmetatable(utf8, {})", out, err) == SANDBOX_ERUN);
  CHECK_CONTAINS(err, "protected metatable");
  /* The string metatable is hidden, and methods reach the same (wrapped) functions. */
  CHECK(eval(sb, "@p.lua", "return getmetatable('')", out, err) == SANDBOX_OK);
  CHECK_STR(out, "false");
  CHECK(eval(sb, "@p.lua", "return ('abc'):upper() .. ('x'):rep(3)", out, err) == SANDBOX_OK);
  CHECK_STR(out, "ABCxxx");
  /* pairs over a library works but never hands out the private table. */
  CHECK(eval(sb, "@p.lua",
             "local n = 0 for k, v in pairs(math) do n = n + 1 end\n"
             "local f, s = pairs(string)\n"
             "return n > 20 and rawequal(s, string) and rawget(string, 'upper') == nil",
             out, err) == SANDBOX_OK);
  CHECK_STR(out, "true");
  /* A change made by one run is not visible to the next one. */
  CHECK(eval(sb, "@p.lua", "return pcall(function() string.len = nil end)", out, err) == SANDBOX_OK);
  CHECK(eval(sb, "@p.lua", "return string.len('abc')", out, err) == SANDBOX_OK);
  CHECK_STR(out, "3");
  sandbox_free(sb);
}

static void test_globals_are_strict_and_environments_fresh(void) {
  sandbox *sb = make(0, 0);
  lua_State *L = sandbox_state(sb);
  char out[ERRSZ], err[ERRSZ];
  CHECK(eval(sb, "@policies/strict.lua", "local a = 1\nreturn a + undefined_thing", out, err) == SANDBOX_ERUN);
  CHECK_STR(err, "policies/strict.lua:2: undefined global 'undefined_thing'");
  CHECK(eval(sb, "@policies/strict.lua", "\ncounter = 1", out, err) == SANDBOX_ERUN);
  CHECK_STR(err, "policies/strict.lua:2: assignment to global 'counter' (policies cannot set globals; use local)");
  CHECK(eval(sb, "@policies/strict.lua", "_ENV.x = 1", out, err) == SANDBOX_ERUN);
  CHECK(eval(sb, "@policies/strict.lua", "return setmetatable(_ENV, nil)", out, err) == SANDBOX_ERUN);
  CHECK(eval(sb, "@policies/strict.lua", "return getmetatable(_ENV)", out, err) == SANDBOX_OK);
  CHECK_STR(out, "false");
  CHECK(eval(sb, "@policies/strict.lua", "return next(_ENV)", out, err) == SANDBOX_OK);
  CHECK_STR(out, "nil");
  /* Two chunks get two different environments. */
  char e1[ERRSZ];
  CHECK(sandbox_load(sb, "@a.lua", "return _ENV", 11, e1, sizeof e1) == SANDBOX_OK);
  CHECK(sandbox_pcall(sb, 0, 1, e1, sizeof e1) == SANDBOX_OK);
  CHECK(sandbox_load(sb, "@b.lua", "return _ENV", 11, e1, sizeof e1) == SANDBOX_OK);
  CHECK(sandbox_pcall(sb, 0, 1, e1, sizeof e1) == SANDBOX_OK);
  CHECK(lua_istable(L, -1) && lua_istable(L, -2) && !lua_rawequal(L, -1, -2));
  lua_pop(L, 2);
  sandbox_free(sb);
}

static void test_require_serves_only_the_stdlib_once_per_state(void) {
  sandbox *sb = make(0, 0);
  lua_State *L = sandbox_state(sb);
  char out[ERRSZ], err[ERRSZ];
  CHECK(eval(sb, "@policies/r.lua", "local a = require 'attain' return a.name .. a.goals.kind .. a.upper",
             out, err) == SANDBOX_OK);
  CHECK_STR(out, "attaingoalsX");
  CHECK(eval(sb, "@policies/r.lua", "require 'io'", out, err) == SANDBOX_ERUN);
  CHECK_STR(err, "policies/r.lua:1: module 'io' not found (policies may require the attain stdlib and "
                 "the modules of the policy directory's lib/)");
  CHECK(eval(sb, "@policies/r.lua", "require 'attain.nope'", out, err) == SANDBOX_ERUN);
  CHECK_CONTAINS(err, "module 'attain.nope' not found");
  /* Run once per state: every require returns the same table. */
  CHECK(eval(sb, "@q.lua", "return require('attain').goals == require('attain.goals')", out, err) == SANDBOX_OK);
  CHECK_STR(out, "true");
  /* Modules are read-only: the stdlib calls its own functions without the instruction budget,
   * so a policy must not be able to replace one. pairs still lists a module. */
  CHECK(eval(sb, "@policies/p.lua", "local g = require 'attain.goals' g.runs = g.runs + 1", out, err) == SANDBOX_ERUN);
  CHECK_STR(err, "policies/p.lua:1: cannot modify read-only module 'attain.goals' (field 'runs')");
  CHECK(eval(sb, "@p.lua", "require('attain.sandbox').call = type", out, err) == SANDBOX_ERUN);
  CHECK_CONTAINS(err, "read-only module 'attain.sandbox'");
  CHECK(eval(sb, "@q.lua", "local n = 0 for k in pairs(require 'attain.goals') do n = n + 1 end\n"
             "return n .. require('attain.goals').kind .. tostring(getmetatable(require 'attain'))", out, err) == SANDBOX_OK);
  CHECK_STR(out, "2goalsfalse");
  /* Module failures name the module file and line. */
  CHECK(eval(sb, "@policies/r.lua", "require 'attain.broken'", out, err) == SANDBOX_ERUN);
  CHECK_CONTAINS(err, "policies/r.lua:1: error loading module 'attain.broken': stdlib/attain/broken.lua:1:");
  CHECK(eval(sb, "@policies/r.lua", "require 'attain.fails'", out, err) == SANDBOX_ERUN);
  CHECK_CONTAINS(err, "stdlib/attain/fails.lua:2: attempt to index a nil value");
  CHECK(eval(sb, "@policies/r.lua", "require 'attain.setsglobal'", out, err) == SANDBOX_ERUN);
  CHECK_CONTAINS(err, "stdlib/attain/setsglobal.lua:1: assignment to global 'helper'");
  CHECK(eval(sb, "@policies/r.lua", "require 'attain.loop'", out, err) == SANDBOX_ERUN);
  CHECK_CONTAINS(err, "requires itself");
  /* A failed module is not cached as loaded: the same error comes back. */
  CHECK(eval(sb, "@policies/r.lua", "require 'attain.fails'", out, err) == SANDBOX_ERUN);
  CHECK_CONTAINS(err, "attempt to index a nil value");
  (void)L;
  sandbox_free(sb);

  /* Without a module table nothing can be required. */
  sandbox *bare = NULL;
  CHECK(sandbox_new(&bare, NULL, NULL, err, sizeof err) == SANDBOX_OK);
  CHECK(eval(bare, "@p.lua", "require 'attain'", out, err) == SANDBOX_ERUN);
  CHECK_CONTAINS(err, "module 'attain' not found");
  sandbox_free(bare);
}

static void test_setmetatable_rejects_gc(void) {
  sandbox *sb = make(0, 0);
  char out[ERRSZ], err[ERRSZ];
  CHECK(eval(sb, "@policies/gc.lua", "setmetatable({}, {__gc = function() while true do end end})", out, err) == SANDBOX_ERUN);
  CHECK_STR(err, "policies/gc.lua:1: __gc metamethods are not allowed in policies");
  CHECK(eval(sb, "@policies/gc.lua", "setmetatable({}, {__gc = false})", out, err) == SANDBOX_ERUN);
  /* A __gc added afterwards never marks the object; the collection below must not hang. */
  CHECK(eval(sb, "@p.lua",
             "local mt = {} local t = setmetatable({}, mt) mt.__gc = function() while true do end end\n"
             "return getmetatable(setmetatable({}, {__index = {a = 1}})) ~= nil",
             out, err) == SANDBOX_OK);
  CHECK_STR(out, "true");
  lua_gc(sandbox_state(sb), LUA_GCCOLLECT);
  sandbox_free(sb);
}

static void test_patterns_cannot_hang_the_host(void) {
  sandbox *sb = make(0, 0);
  char out[ERRSZ], err[ERRSZ];
  double t0 = now();
  CHECK(eval(sb, "@policies/pat.lua", "return string.rep('a', 40):match(string.rep('a*', 40) .. 'b')", out, err) == SANDBOX_ERUN);
  CHECK_CONTAINS(err, "policies/pat.lua:1: pattern 'a*a*a*");
  CHECK_CONTAINS(err, "too costly for a 40-byte string");
  /* Exponential backtracking through '?' too. */
  CHECK(eval(sb, "@p.lua", "return string.rep('a', 30):match(string.rep('a?', 30) .. string.rep('a', 30))", out, err) == SANDBOX_ERUN);
  CHECK_CONTAINS(err, "too costly");
  CHECK(eval(sb, "@p.lua", "return string.rep('a', 5000):gsub('(a*)%1b', '')", out, err) == SANDBOX_ERUN);
  CHECK(eval(sb, "@p.lua", "for k in string.rep('(', 5000):gmatch('.-%b()') do end", out, err) == SANDBOX_ERUN);
  CHECK(now() - t0 < 2.0);
  /* Ordinary patterns work, including several repetitions on short strings. */
  CHECK(eval(sb, "@p.lua", "local k, v = ('key=value'):match('(%w+)=(%w+)') return k .. v", out, err) == SANDBOX_OK);
  CHECK_STR(out, "keyvalue");
  CHECK(eval(sb, "@p.lua", "return ('  AZ-104  '):match('^%s*(.-)%s*$')", out, err) == SANDBOX_OK);
  CHECK_STR(out, "AZ-104");
  CHECK(eval(sb, "@p.lua", "local n = 0 for w in ('a b c'):gmatch('%a') do n = n + 1 end return n", out, err) == SANDBOX_OK);
  CHECK_STR(out, "3");
  CHECK(eval(sb, "@p.lua", "return #(string.rep('x ', 2000):gsub('%s+', '_'))", out, err) == SANDBOX_OK);
  CHECK_STR(out, "4000");
  CHECK(eval(sb, "@p.lua", "return string.rep('ab', 100000):find('ba', 1, true)", out, err) == SANDBOX_OK);
  CHECK_STR(out, "2");
  /* Escapes and sets are not repetitions: twenty '%*' and a set holding '*+-' count as one. */
  CHECK(eval(sb, "@p.lua", "return (string.rep('*', 200):find(string.rep('%*', 20) .. '[*+-]+'))", out, err) == SANDBOX_OK);
  CHECK_STR(out, "1");
  CHECK(eval(sb, "@p.lua", "return (string.rep('-', 300):find('[%]*+-]-$'))", out, err) == SANDBOX_OK);
  CHECK_STR(out, "1");
  sandbox_free(sb);

  /* Pattern work is charged to the instruction budget, so a loop of costly-but-allowed
   * matches ends: 10 runs of about 250,000 instructions each exceed 1,000,000. */
  sandbox *small = make(0, 1000000);
  CHECK(eval(small, "@policies/pat.lua",
             "local s = string.rep('a', 2000)\nfor i = 1, 10 do s:find('a*b') end", out, err) == SANDBOX_EINSTRUCTIONS);
  CHECK_STR(err, "policies/pat.lua:2: instruction budget exceeded (1000000 instructions)");
  sandbox_free(small);
}

static void test_c_loops_are_charged(void) {
  sandbox *sb = make(0, 1000000);
  char out[ERRSZ], err[ERRSZ];
  double t0 = now();
  CHECK(eval(sb, "@policies/t.lua", "table.move({}, 1, 1e15, 2)", out, err) == SANDBOX_EINSTRUCTIONS);
  CHECK_STR(err, "policies/t.lua:1: instruction budget exceeded (1000000 instructions)");
  CHECK(eval(sb, "@p.lua",
             "local t = setmetatable({}, {__len = function() return math.maxinteger - 1 end})\n"
             "table.insert(t, 1, 'x')", out, err) == SANDBOX_EINSTRUCTIONS);
  CHECK(eval(sb, "@p.lua",
             "local t = setmetatable({}, {__len = function() return 1 << 50 end})\n"
             "table.remove(t, 1)", out, err) == SANDBOX_EINSTRUCTIONS);
  /* A sparse table whose border is huge, with no metatable at all. */
  CHECK(eval(sb, "@p.lua",
             "local t = {} for k = 0, 40 do t[1 << k] = true end t[3] = true\n"
             "if #t > 1000000 then table.insert(t, 1, 0) end return #t", out, err) != SANDBOX_ERUN);
  CHECK(eval(sb, "@p.lua", "return table.concat({}, '', 1, 1 << 40)", out, err) == SANDBOX_EINSTRUCTIONS);
  CHECK(eval(sb, "@p.lua", "return #string.rep('', 1 << 60) + #string.rep('', 1 << 60, '')", out, err) == SANDBOX_OK);
  CHECK_STR(out, "0");
  CHECK(now() - t0 < 2.0);
  /* Ordinary table functions keep their semantics. */
  CHECK(eval(sb, "@p.lua",
             "local t = {1, 2, 3} table.insert(t, 2, 9) table.insert(t, 7)\n"
             "local r = table.remove(t, 1) local last = table.remove(t)\n"
             "table.sort(t, function(a, b) return a > b end)\n"
             "local a, b = table.unpack(t)\n"
             "return r .. last .. table.concat(t, ',') .. a .. b .. table.concat(table.move({1, 2}, 1, 2, 2), '')",
             out, err) == SANDBOX_OK);
  CHECK_STR(out, "179,3,293112");
  CHECK(eval(sb, "@p.lua", "table.insert({}, 5, 1)", out, err) == SANDBOX_ERUN);
  CHECK_CONTAINS(err, "position out of bounds");
  sandbox_free(sb);
}

static void test_instruction_budget_cannot_be_swallowed(void) {
  sandbox *sb = make(0, 100000);
  char out[ERRSZ], err[ERRSZ];
  CHECK(eval(sb, "@policies/loop.lua", "local n = 0\nwhile true do n = n + 1 end", out, err) == SANDBOX_EINSTRUCTIONS);
  CHECK_STR(err, "policies/loop.lua:2: instruction budget exceeded (100000 instructions)");
  CHECK(eval(sb, "@policies/loop.lua", "while true do pcall(function() while true do end end) end", out, err) == SANDBOX_EINSTRUCTIONS);
  CHECK(eval(sb, "@policies/loop.lua",
             "while true do xpcall(function() while true do end end, function(e) while true do end end) end",
             out, err) == SANDBOX_EINSTRUCTIONS);
  CHECK(eval(sb, "@policies/loop.lua",
             "local ok = pcall(function() local c <close> = setmetatable({}, {__close = function() while true do end end})\n"
             "while true do end end) return ok", out, err) == SANDBOX_EINSTRUCTIONS);
  CHECK(eval(sb, "@policies/loop.lua", "local function f(n) return f(n + 1) end return f(1)", out, err) == SANDBOX_EINSTRUCTIONS);
  CHECK(eval(sb, "@policies/loop.lua", "return pcall(require, 'attain')", out, err) == SANDBOX_OK);
  /* The state stays usable, with a fresh budget per call. */
  CHECK(eval(sb, "@p.lua", "local n = 0 for i = 1, 10000 do n = n + i end return n", out, err) == SANDBOX_OK);
  CHECK_STR(out, "50005000");
  CHECK(eval(sb, "@p.lua", "return pcall(error, 'caught')", out, err) == SANDBOX_OK);
  CHECK_STR(out, "false");
  sandbox_free(sb);
}

/* Runs `src` (a chunk returning a function and its arguments, built under the budget) and then
 * calls the function with sandbox_pcall_trusted. */
static int trusted(sandbox *sb, const char *src, char *err) {
  lua_State *L = sandbox_state(sb);
  int top = lua_gettop(L);
  err[0] = '\0';
  int rc = sandbox_load(sb, "@policies/p.lua", src, strlen(src), err, ERRSZ);
  if (rc == SANDBOX_OK) rc = sandbox_pcall(sb, 0, LUA_MULTRET, err, ERRSZ);
  if (rc == SANDBOX_OK) rc = sandbox_pcall_trusted(sb, lua_gettop(L) - top - 1, 0, err, ERRSZ);
  lua_settop(L, top);
  return rc;
}

static void test_trusted_calls_budget_only_policy_functions(void) {
  sandbox *sb = make(0, 100000);
  char out[ERRSZ], err[ERRSZ];
  /* The stdlib's own work is not counted; the same call under sandbox_pcall is. */
  CHECK(trusted(sb, "local e = require 'attain.eval' return e.spin, 1000000", err) == SANDBOX_OK);
  CHECK(eval(sb, "@policies/p.lua", "return require('attain.eval').spin(1000000)", out, err) == SANDBOX_EINSTRUCTIONS);
  /* A policy function called through attain.sandbox.call is, with the policy's position. */
  CHECK(trusted(sb, "local e = require 'attain.eval'\nreturn e.run, function()\nwhile true do end end", err) ==
        SANDBOX_EINSTRUCTIONS);
  CHECK_STR(err, "policies/p.lua:3: instruction budget exceeded (100000 instructions)");
  CHECK(trusted(sb, "local e = require 'attain.eval'\n"
                    "return e.run, function() while true do pcall(function() while true do end end) end end", err) ==
        SANDBOX_EINSTRUCTIONS);
  /* Calling it from policy code (already budgeted) cannot switch the budget off. */
  CHECK(trusted(sb, "local e = require 'attain.eval' local call = require('attain.sandbox').call\n"
                    "return e.run, function() call(function() end) while true do end end", err) == SANDBOX_EINSTRUCTIONS);
  CHECK(eval(sb, "@policies/p.lua", "require('attain.sandbox').call(function() end) while true do end", out, err) ==
        SANDBOX_EINSTRUCTIONS);
  /* One budget for the whole call: policy functions of 60,000 instructions each, twice. */
  CHECK(trusted(sb, "local e = require 'attain.eval' local f = function() for i = 1, 60000 do end end\n"
                    "return e.run_each, { f }", err) == SANDBOX_OK);
  CHECK(trusted(sb, "local e = require 'attain.eval' local f = function() for i = 1, 60000 do end end\n"
                    "return e.run_each, { f, f }", err) == SANDBOX_EINSTRUCTIONS);
  /* After a policy function returns, the stdlib runs unbudgeted again. */
  CHECK(trusted(sb, "local e = require 'attain.eval' return e.run_then_spin, function() end, 1000000", err) ==
        SANDBOX_OK);
  /* Results pass through; errors keep their position; the state stays usable. */
  CHECK(trusted(sb, "local e = require 'attain.eval'\nreturn e.run, function() error('no') end", err) == SANDBOX_ERUN);
  CHECK_STR(err, "policies/p.lua:2: no");
  CHECK(eval(sb, "@p.lua", "return require('attain.eval').run(function(a, b) return a + b end, 2, 3)", out, err) ==
        SANDBOX_OK);
  CHECK_STR(out, "5");
  sandbox_free(sb);
}

static void test_memory_budget_fails_cleanly_and_recovers(void) {
  size_t limit = (size_t)4 << 20;
  sandbox *sb = make(limit, 0);
  char out[ERRSZ], err[ERRSZ];
  const char *grow = "local t = {} local i = 0 while true do i = i + 1 t[i] = ('x'):rep(100) .. i end";
  CHECK(eval(sb, "@policies/mem.lua", grow, out, err) == SANDBOX_EMEMORY);
  CHECK_STR(err, "memory budget exceeded (4194304 bytes)");
  CHECK(sandbox_memory_used(sb) < limit / 2);
  char src[512];
  snprintf(src, sizeof src, "local ok, e = pcall(function() %s end) return ok", grow);
  CHECK(eval(sb, "@policies/mem.lua", src, out, err) == SANDBOX_EMEMORY);
  snprintf(src, sizeof src, "while true do pcall(function() %s end) end", grow);
  CHECK(eval(sb, "@policies/mem.lua", src, out, err) == SANDBOX_EMEMORY);
  /* A __close that raises replaces the memory error; the budget is still reported. */
  snprintf(src, sizeof src,
           "return pcall(function() local c <close> = setmetatable({}, {__close = function() error('hidden') end}) %s end)",
           grow);
  CHECK(eval(sb, "@policies/mem.lua", src, out, err) == SANDBOX_EMEMORY);
  CHECK(eval(sb, "@policies/mem.lua", "return #string.rep('x', 1 << 30)", out, err) == SANDBOX_EMEMORY);
  /* The next call in the same state succeeds. */
  CHECK(eval(sb, "@p.lua", "local t = {} for i = 1, 1000 do t[i] = i end return #t", out, err) == SANDBOX_OK);
  CHECK_STR(out, "1000");
  CHECK(sandbox_memory_used(sb) <= limit);
  sandbox_free(sb);
}

static void test_tiny_memory_budgets_fail_cleanly(void) {
  /* Every failure point during setup must give an error, never a panic or a leak (ASan). */
  int made = 0, refused = 0;
  for (size_t mem = 512; mem <= 160 * 1024; mem += 512) {
    sandbox *sb = NULL;
    char err[ERRSZ] = "";
    sandbox_limits lim = {.memory = mem};
    int rc = sandbox_new(&sb, &lim, fake_modules, err, sizeof err);
    if (rc == SANDBOX_OK) {
      char out[ERRSZ];
      made++;
      rc = eval(sb, "@p.lua", "return require('attain').name", out, err);
      CHECK(rc == SANDBOX_OK || rc == SANDBOX_EMEMORY);
      CHECK(sandbox_memory_used(sb) <= mem);
      sandbox_free(sb);
    } else {
      refused++;
      CHECK(rc == SANDBOX_EMEMORY && sb == NULL);
      CHECK_CONTAINS(err, "memory budget exceeded");
    }
  }
  CHECK(made > 0 && refused > 0);
}

static void test_errors_carry_position_and_never_call_metamethods(void) {
  sandbox *sb = make(0, 100000);
  char out[ERRSZ], err[ERRSZ];
  CHECK(eval(sb, "@policies/e.lua", "\nerror({})", out, err) == SANDBOX_ERUN);
  CHECK_STR(err, "policies/e.lua:2: error object is a table value");
  CHECK(eval(sb, "@policies/e.lua", "error(nil)", out, err) == SANDBOX_ERUN);
  CHECK_STR(err, "policies/e.lua:1: error object is a nil value");
  CHECK(eval(sb, "@policies/e.lua", "error(42)", out, err) == SANDBOX_ERUN);
  CHECK_STR(err, "policies/e.lua:1: 42");
  CHECK(eval(sb, "@policies/e.lua", "error(setmetatable({}, {__tostring = function() while true do end end}))", out, err) == SANDBOX_ERUN);
  CHECK_STR(err, "policies/e.lua:1: error object is a table value");
  CHECK(eval(sb, "@policies/e.lua", "error('plain', 0)", out, err) == SANDBOX_ERUN);
  CHECK_STR(err, "policies/e.lua:1: plain");
  CHECK(eval(sb, "@policies/e.lua", "local function f()\n  error('boom')\nend\nf()", out, err) == SANDBOX_ERUN);
  CHECK_STR(err, "policies/e.lua:2: boom");
  CHECK(eval(sb, "@policies/e.lua", "local function check(x) if not x then error('bad input', 2) end end\n\ncheck(false)", out, err) == SANDBOX_ERUN);
  CHECK_STR(err, "policies/e.lua:3: bad input");
  CHECK(eval(sb, "@policies/e.lua", "\n\nreturn string.rep()", out, err) == SANDBOX_ERUN);
  CHECK_CONTAINS(err, "policies/e.lua:3: bad argument #1 to 'rep'");
  CHECK(eval(sb, "@policies/e.lua", "return ('x'):find({})", out, err) == SANDBOX_ERUN);
  CHECK_CONTAINS(err, "policies/e.lua:1: bad argument #1 to 'find'");
  CHECK(eval(sb, "@policies/e.lua", "local t = nil\nreturn t.x", out, err) == SANDBOX_ERUN);
  CHECK_STR(err, "policies/e.lua:2: attempt to index a nil value (local 't')");
  /* Errors raised in the stdlib keep the stdlib position. */
  CHECK(eval(sb, "@policies/e.lua", "require 'attain.fails'", out, err) == SANDBOX_ERUN);
  CHECK_CONTAINS(err, "stdlib/attain/fails.lua:2:");
  sandbox_free(sb);
}

static void test_syntax_errors_and_binary_chunks(void) {
  sandbox *sb = make(0, 0);
  lua_State *L = sandbox_state(sb);
  char err[ERRSZ];
  int top = lua_gettop(L);
  const char *bad = "local x = 1\nreturn x +";
  CHECK(sandbox_load(sb, "@policies/security.lua", bad, strlen(bad), err, sizeof err) == SANDBOX_ESYNTAX);
  CHECK_CONTAINS(err, "policies/security.lua:2: unexpected symbol near <eof>");
  CHECK(lua_gettop(L) == top);
  const char bin[] = "\x1bLua\x54\x00garbage";
  CHECK(sandbox_load(sb, "@policies/bin.lua", bin, sizeof bin - 1, err, sizeof err) == SANDBOX_ESYNTAX);
  CHECK_STR(err, "policies/bin.lua: attempt to load a binary chunk (mode is 't')");
  CHECK(lua_gettop(L) == top);
  sandbox_free(sb);
}

static void test_deep_recursion_is_a_clean_error(void) {
  sandbox *sb = make(0, 0);
  char out[ERRSZ], err[ERRSZ];
  CHECK(eval(sb, "@policies/rec.lua", "local function f() return 1 + f() end\nreturn f()", out, err) == SANDBOX_ERUN);
  CHECK_STR(err, "policies/rec.lua:1: stack overflow (more than 10000 nested calls)");
  /* It cannot be caught, not even by a handler that loops (handlers of hook errors run
   * with hooks off). */
  CHECK(eval(sb, "@policies/rec.lua",
             "local function f() return 1 + f() end\n"
             "return xpcall(f, function() while true do end end)", out, err) == SANDBOX_ERUN);
  CHECK_STR(err, "policies/rec.lua:1: stack overflow (more than 10000 nested calls)");
  /* Recursion within the limit works. */
  CHECK(eval(sb, "@p.lua", "local function f(n) if n == 0 then return 0 end return 1 + f(n - 1) end return f(5000)", out, err) == SANDBOX_OK);
  CHECK_STR(out, "5000");
  CHECK(eval(sb, "@policies/rec.lua", "local function f() return 1 + select(2, pcall(f)) end\nreturn f()", out, err) != SANDBOX_OK);
  CHECK(eval(sb, "@p.lua", "return 1", out, err) == SANDBOX_OK);
  sandbox_free(sb);
}

static void test_pcall_keeps_the_stack_contract(void) {
  sandbox *sb = make(0, 0);
  lua_State *L = sandbox_state(sb);
  char err[ERRSZ];
  const char *src = "return function(a, b) if a == 'fail' then error('no') end return a, b, a .. b end";
  lua_pushliteral(L, "sentinel");
  CHECK(sandbox_load(sb, "@f.lua", src, strlen(src), err, sizeof err) == SANDBOX_OK);
  CHECK(sandbox_pcall(sb, 0, 1, err, sizeof err) == SANDBOX_OK);
  lua_pushvalue(L, -1);
  lua_pushliteral(L, "x");
  lua_pushliteral(L, "y");
  CHECK(sandbox_pcall(sb, 2, LUA_MULTRET, err, sizeof err) == SANDBOX_OK);
  CHECK(lua_gettop(L) == 5);
  CHECK_STR(lua_tostring(L, -1), "xy");
  lua_pop(L, 3);
  lua_pushvalue(L, -1);
  lua_pushliteral(L, "fail");
  lua_pushliteral(L, "y");
  CHECK(sandbox_pcall(sb, 2, 3, err, sizeof err) == SANDBOX_ERUN);
  CHECK_STR(err, "f.lua:1: no");
  CHECK(lua_gettop(L) == 2);
  CHECK_STR(lua_tostring(L, 1), "sentinel");
  /* Many calls: cheap, and no growth of the state. */
  size_t before = sandbox_memory_used(sb);
  double t0 = now();
  for (int i = 0; i < 200000; i++) {
    lua_pushvalue(L, -1);
    lua_pushinteger(L, i);
    lua_pushinteger(L, 1);
    if (sandbox_pcall(sb, 2, 1, err, sizeof err) != SANDBOX_OK) break;
    lua_pop(L, 1);
  }
  double per = (now() - t0) / 200000 * 1e9;
  fprintf(stderr, "     sandbox_pcall: %.0f ns per call\n", per);
  lua_gc(L, LUA_GCCOLLECT);
  CHECK(sandbox_memory_used(sb) <= before + 4096);
  CHECK(lua_gettop(L) == 2);
  sandbox_free(sb);
}

/* The environment is exactly sandbox_globals(): every listed global and library field is
 * there, and a field of the real library that is not listed is not (Debian's Lua has the
 * 5.3 compatibility functions such as math.pow; policies must not come to rely on them). */
static void test_environment_is_the_one_list(void) {
  sandbox *sb = make(0, 0);
  char out[ERRSZ], err[ERRSZ], src[256];
  for (const sandbox_global *g = sandbox_globals(); g->name; g++) {
    snprintf(src, sizeof src, "return type(%s)", g->name);
    CHECK(eval(sb, "=t", src, out, err) == SANDBOX_OK);
    CHECK_STR(out, g->fields ? "table" : "function");
    for (const char *const *f = g->fields; f && *f; f++) {
      snprintf(src, sizeof src, "return %s.%s ~= nil", g->name, *f);
      CHECK(eval(sb, "=t", src, out, err) == SANDBOX_OK);
      CHECK_STR(out, "true");
    }
    if (!g->fields) continue;
    snprintf(src, sizeof src, "local n = 0 for _ in pairs(%s) do n = n + 1 end return n", g->name);
    int listed = 0;
    while (g->fields[listed]) listed++;
    CHECK(eval(sb, "=t", src, out, err) == SANDBOX_OK);
    CHECK(atoi(out) == listed);
  }
  CHECK(eval(sb, "=t", "return math.pow == nil and math.atan2 == nil and math.ldexp == nil", out, err) ==
        SANDBOX_OK);
  CHECK_STR(out, "true");
  CHECK_STR(sandbox_absent_reason("math.random"), "an evaluation must give the same answer every time");
  CHECK(sandbox_absent_reason("math.floor") == NULL);
  sandbox_free(sb);
}

int main(void) {
  alarm(120); /* a trap that hangs the host fails the test instead of stalling CI */
  RUN(test_environment_holds_only_what_a_policy_needs);
  RUN(test_environment_is_the_one_list);
  RUN(test_library_tables_are_read_only);
  RUN(test_globals_are_strict_and_environments_fresh);
  RUN(test_require_serves_only_the_stdlib_once_per_state);
  RUN(test_setmetatable_rejects_gc);
  RUN(test_patterns_cannot_hang_the_host);
  RUN(test_c_loops_are_charged);
  RUN(test_instruction_budget_cannot_be_swallowed);
  RUN(test_trusted_calls_budget_only_policy_functions);
  RUN(test_memory_budget_fails_cleanly_and_recovers);
  RUN(test_tiny_memory_budgets_fail_cleanly);
  RUN(test_errors_carry_position_and_never_call_metamethods);
  RUN(test_syntax_errors_and_binary_chunks);
  RUN(test_deep_recursion_is_a_clean_error);
  RUN(test_pcall_keeps_the_stack_contract);
  return check_report();
}
