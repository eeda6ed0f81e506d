/* test_policy_lint.c — the static check of policy code: every kind of problem with its
 * line, nothing reported where the bytecode cannot show a value for certain, and the
 * luacheck standard (stdlib/luacheck/attain/luacheck.lua) agreeing with the sandbox's one
 * list of globals.
 *
 * `test_policy_lint --luacheck-std` prints the standard that list makes (to regenerate
 * the file after changing host/sandbox.c). */
#include <stdlib.h>

#include "check.h"
#include "jsonw.h"
#include "policy_lint.h"
#include "sandbox.h"

/* A stand-in for the policy set's module tables: attain and attain.time (the set offers
 * no keys of lib/ modules: reading a field a data table lacks is no error in Lua). */
static const char *const attain_keys[] = {"all",  "any",       "assessed", "certified",
                                          "competency", "goal", "path",   "revenue",
                                          "time", "trace"};
static const unsigned char attain_tables[] = {0, 0, 0, 0, 0, 0, 0, 0, 1, 0};
static const char *const time_keys[] = {"format", "parse", "year_end"};
static const policy_lint_keys attain_k = {10, attain_keys, attain_tables};
static const policy_lint_keys time_k = {3, time_keys, NULL};
static const char *const modules[] = {"attain", "attain.goals", "attain.time", "lib.codes", NULL};

static const policy_lint_keys *keys(void *arg, const char *module, const char *fields) {
  (void)arg;
  if (strcmp(module, "attain") == 0 && !*fields) return &attain_k;
  if ((strcmp(module, "attain") == 0 && strcmp(fields, "time") == 0) ||
      (strcmp(module, "attain.time") == 0 && !*fields))
    return &time_k;
  return NULL;
}

static const policy_lint_env env = {modules, keys, NULL};

/* The problems of `src` as one string, one per line. */
static const char *lint(const char *src) {
  static char out[8192];
  char **p;
  int n;
  static char err[256];
  out[0] = 0;
  if (policy_lint("policies/x.lua", src, strlen(src), &env, &p, &n, err, sizeof err)) return err;
  size_t len = 0;
  for (int i = 0; i < n; i++) len += (size_t)snprintf(out + len, sizeof out - len, "%s\n", p[i]);
  policy_lint_free(p, n);
  return out;
}

static void reports_each_kind_of_problem_with_its_line(void) {
  CHECK_STR(lint("local a = require \"attain\"\n"
                 "local parse = a.time.parse\n"
                 "local function f(o)\n"
                 "  return os.time() + a.assesed + string.dump + math.random()\n"
                 "end\n"
                 "y = 1\n"
                 "print(tostrnig(2), string.formt, parse)\n"
                 "a.level = f\n"
                 "string.upper = f\n"
                 "return a.competency { id = \"x\" }\n"),
            "policies/x.lua:4: a.assesed: attain has no field 'assesed' (did you mean a.assessed?)\n"
            "policies/x.lua:4: math.random is not available to policies (an evaluation must give "
            "the same answer every time)\n"
            "policies/x.lua:4: string.dump is not available to policies (no binary chunks)\n"
            "policies/x.lua:4: undefined global 'os' (not available to policies: no clock and no "
            "system: the evaluation time is org.now)\n"
            "policies/x.lua:6: assignment to global 'y' (policies cannot set globals; use local)\n"
            "policies/x.lua:7: string.formt: string has no field 'formt' (did you mean "
            "string.format?)\n"
            "policies/x.lua:7: undefined global 'print' (not available to policies: nothing is "
            "printed during sweeps: use a.trace to see values)\n"
            "policies/x.lua:7: undefined global 'tostrnig' (did you mean 'tostring'?)\n"
            "policies/x.lua:8: cannot modify read-only module 'attain' (field 'level')\n"
            "policies/x.lua:9: cannot modify read-only library table 'string' (field 'upper')\n");
}

static void a_clean_policy_has_no_problems(void) {
  CHECK_STR(lint("local a = require 'attain'\n"
                 "local codes = require 'lib.codes'\n"
                 "local format, t = string.format, a.time\n"
                 "return a.competency { id = 'x', name = format('%s', 'X'),\n"
                 "  paths = { a.path { id = 'p', level = 'silver',\n"
                 "    a.certified { people = 1, codes = codes.AZURE },\n"
                 "    a.goal { label = 'g', need = 1, measure = function(org, now)\n"
                 "      local n = 0\n"
                 "      for i = 1, 3 do n = n + i + t.year_end(now) end\n"
                 "      while n > 10 do n = n - math.floor(n / 2) end\n"
                 "      return n + #codes.SECURITY\n"
                 "    end } } } }\n"),
            "");
}

static void follows_modules_into_loops_and_nested_functions(void) {
  CHECK_STR(lint("local a = require 'attain'\n"
                 "local codes = require 'lib.codes'\n"
                 "local function outer()\n"
                 "  return function()\n"
                 "    for _ = 1, 2 do\n"
                 "      if codes.AZUR then return a.time.prase end\n"
                 "    end\n"
                 "  end\n"
                 "end\n"
                 "return outer\n"),
            "policies/x.lua:6: a.time.prase: attain.time has no field 'prase' (did you mean "
            "a.time.parse?)\n");
}

static void checks_required_module_names(void) {
  CHECK_STR(lint("local g = require 'attain.goal'\nlocal x = require('io')\nreturn g, x\n"),
            "policies/x.lua:1: module 'attain.goal' not found (did you mean 'attain.goals'?)\n"
            "policies/x.lua:2: module 'io' not found (policies may require the attain stdlib and "
            "the modules of the policy directory's lib/)\n");
  CHECK_STR(lint("local t = require 'attain.time'\nreturn t.parse, t.parze\n"),
            "policies/x.lua:2: t.parze: attain.time has no field 'parze' (did you mean t.parse?)\n");
}

static void says_nothing_of_what_it_cannot_know(void) {
  /* a local assigned again, in its function or through a closure; a module inside a
   * table; a module of unknown keys; a local _ENV */
  CHECK_STR(lint("local a = require 'attain'\n"
                 "a = { x = 1 }\n"
                 "local b = require 'attain'\n"
                 "local function swap() b = {} end\n"
                 "local m = { a = require 'attain' }\n"
                 "local g = require 'attain.goals'\n"
                 "do local _ENV = { z = 1 }; return z, a.x, b.y, m.a.nothing, g.whatever, swap end\n"),
            "");
}

static void lines_hold_in_long_files(void) {
  /* Past 128 instructions and across long gaps Lua records absolute lines. */
  char src[40000];
  size_t n = 0;
  n += (size_t)snprintf(src + n, sizeof src - n, "local t = {}\n");
  for (int i = 0; i < 300; i++) n += (size_t)snprintf(src + n, sizeof src - n, "t[%d] = %d\n", i, i);
  for (int i = 0; i < 400; i++) n += (size_t)snprintf(src + n, sizeof src - n, "\n");
  n += (size_t)snprintf(src + n, sizeof src - n, "return t, undefined_thing\n");
  CHECK_STR(lint(src), "policies/x.lua:702: undefined global 'undefined_thing'\n");
}

static void a_chunk_that_does_not_compile_is_left_to_loading(void) {
  CHECK_STR(lint("return {\n"), "");
}

/* The luacheck standard as the sandbox's list makes it. */
static void luacheck_std(jsonw *w) {
  jsonw_raw(w, "", 0);
  const char *head =
      "-- The luacheck standard of attain policies and lib/ modules: exactly the globals the\n"
      "-- policy sandbox provides (host/sandbox.c, sandbox_globals). Do not edit:\n"
      "-- tests/test_policy_lint.c checks this file against the sandbox, and\n"
      "-- `build/test/tests/test_policy_lint --luacheck-std` prints it anew.\n"
      "--\n"
      "-- Installed as PREFIX/share/attain/luacheck/policies.lua; a policy repository's\n"
      "-- .luacheckrc (luacheck runs it under its own Lua: this stays a plain table):\n"
      "--   stds.attain = dofile \"/usr/local/share/attain/luacheck/policies.lua\"\n"
      "--   files[\"policies/\"] = { std = \"attain\" }\n"
      "return {\n"
      "  read_globals = {\n";
  jsonw_raw(w, head, strlen(head));
  for (const sandbox_global *g = sandbox_globals(); g->name; g++) {
    char line[1024];
    int len;
    if (!g->fields) {
      len = snprintf(line, sizeof line, "    \"%s\",\n", g->name);
    } else {
      len = snprintf(line, sizeof line, "    %s = { fields = {\n", g->name);
      int k = 0;
      for (const char *const *f = g->fields; *f; f++, k++)
        len += snprintf(line + len, sizeof line - (size_t)len, "%s\"%s\",%s", k % 8 ? " " : "      ",
                        *f, k % 8 == 7 || !f[1] ? "\n" : "");
      len += snprintf(line + len, sizeof line - (size_t)len, "    } },\n");
    }
    jsonw_raw(w, line, (size_t)len);
  }
  jsonw_raw(w, "  },\n}\n", 7);
}

static void the_luacheck_standard_is_the_sandbox_list(void) {
  jsonw w;
  jsonw_init(&w);
  luacheck_std(&w);
  jsonw_raw(&w, "", 1);
  char path[1024];
  snprintf(path, sizeof path, "%s/stdlib/luacheck/attain/luacheck.lua", getenv("ATTAIN_SOURCE_DIR"));
  FILE *f = fopen(path, "rb");
  static char file[16384];
  size_t n = f ? fread(file, 1, sizeof file - 1, f) : 0;
  if (f) fclose(f);
  file[n] = 0;
  CHECK_STR(file, w.buf);
  jsonw_free(&w);
}

int main(int argc, char **argv) {
  if (argc > 1 && strcmp(argv[1], "--luacheck-std") == 0) {
    jsonw w;
    jsonw_init(&w);
    luacheck_std(&w);
    fwrite(w.buf, 1, w.len, stdout);
    jsonw_free(&w);
    return 0;
  }
  RUN(reports_each_kind_of_problem_with_its_line);
  RUN(a_clean_policy_has_no_problems);
  RUN(follows_modules_into_loops_and_nested_functions);
  RUN(checks_required_module_names);
  RUN(says_nothing_of_what_it_cannot_know);
  RUN(lines_hold_in_long_files);
  RUN(a_chunk_that_does_not_compile_is_left_to_loading);
  RUN(the_luacheck_standard_is_the_sandbox_list);
  return check_report();
}
