/* cmd_test.c — `attain test [PATH...]`: a policy repository's tests, in one command.
 *
 * Runs busted (Debian's lua-busted, Lua 5.4) inside this process, in a plain Lua state
 * where `attain.testing` is this binary's own host code (host/lua_module.c, preloaded) and
 * `require` serves the embedded test modules (attain.fixture, attain.test_runner, ...)
 * and stdlib before any file on disk, so specs run through exactly the code `attain`
 * runs and nothing has to be installed or set for them to find it. The Lua side,
 * attain.test_runner (stdlib/testing/attain/test_runner.lua), finds the *_spec.lua and
 * *.cases.jsonl files, reports, and returns the exit code.
 *
 * --watch runs the tests in a child process (busted keeps state between runs, a fresh
 * process does not), then polls the tests and the policy directory and runs them again
 * after a change, until interrupted. */
#include <dirent.h>
#include <lauxlib.h>
#include <lua.h>
#include <lualib.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "commands.h"
#include "stdlib_embed.h"

enum { OPT_OUTPUT, OPT_WATCH, OPT_COVERAGE, OPT_FAIL_UNDER, OPT_VERBOSE, OPT_FILTER };

#define WATCH_POLL_MS 250
#define MAX_WALK_DEPTH 8

int luaopen_attain_testing(lua_State *L);

/* package.searchers entry: the embedded test modules, then the embedded stdlib. */
static int embedded_searcher(lua_State *L) {
  const char *name = luaL_checkstring(L, 1);
  const stdlib_module *tables[] = {testing_modules, stdlib_modules};
  for (int t = 0; t < 2; t++)
    for (const stdlib_module *m = tables[t]; m->name; m++) {
      if (strcmp(m->name, name) != 0) continue;
      if (luaL_loadbufferx(L, m->source, m->len, m->chunkname, "t") != LUA_OK)
        return luaL_error(L, "error loading embedded module '%s': %s", name, lua_tostring(L, -1));
      lua_pushstring(L, m->chunkname + 1);
      return 2;
    }
  lua_pushfstring(L, "no embedded module '%s' in attain", name);
  return 1;
}

static void set_field(lua_State *L, const char *k, const char *v) {
  if (!v) return;
  lua_pushstring(L, v);
  lua_setfield(L, -2, k);
}

/* One run of the tests in this process. Returns the exit code. */
static int run_once(attain_ctx *ctx, const cli_args *args) {
  lua_State *L = luaL_newstate();
  if (!L) {
    fprintf(ctx->err, "attain test: out of memory\n");
    return CLI_EXIT_PROBLEMS;
  }
  luaL_openlibs(L);
  lua_getglobal(L, "package");
  lua_getfield(L, -1, "preload");
  lua_pushcfunction(L, luaopen_attain_testing);
  lua_setfield(L, -2, "attain.testing");
  lua_pop(L, 1);
  lua_getfield(L, -1, "searchers"); /* ours after preload, before the file system's */
  lua_getglobal(L, "table");
  lua_getfield(L, -1, "insert");
  lua_pushvalue(L, -3);
  lua_pushinteger(L, 2);
  lua_pushcfunction(L, embedded_searcher);
  lua_call(L, 3, 0);
  lua_pop(L, 3);

  lua_getglobal(L, "require");
  lua_pushliteral(L, "attain.test_runner");
  int rc = CLI_EXIT_PROBLEMS;
  if (lua_pcall(L, 1, 1, 0) != LUA_OK) {
    fprintf(ctx->err, "attain test: %s\n", lua_tostring(L, -1));
    lua_close(L);
    return rc;
  }
  lua_getfield(L, -1, "main");
  lua_createtable(L, 0, 8);
  lua_createtable(L, args->npos, 0);
  for (int i = 0; i < args->npos; i++) {
    lua_pushstring(L, args->pos[i]);
    lua_rawseti(L, -2, i + 1);
  }
  lua_setfield(L, -2, "paths");
  set_field(L, "policies", ctx->policies);
  set_field(L, "output", args->value[OPT_OUTPUT] ? args->value[OPT_OUTPUT] : "text");
  set_field(L, "fail_under", args->value[OPT_FAIL_UNDER]);
  set_field(L, "filter", args->value[OPT_FILTER]);
  lua_pushboolean(L, args->value[OPT_COVERAGE] != NULL || args->value[OPT_FAIL_UNDER] != NULL);
  lua_setfield(L, -2, "coverage");
  lua_pushboolean(L, args->value[OPT_VERBOSE] != NULL);
  lua_setfield(L, -2, "verbose");
  if (lua_pcall(L, 1, 1, 0) != LUA_OK) {
    fprintf(ctx->err, "attain test: %s\n", lua_tostring(L, -1));
  } else {
    rc = (int)lua_tointeger(L, -1);
  }
  fflush(stdout);
  fflush(stderr);
  lua_close(L);
  return rc;
}

/* ---- --watch ---- */

static uint64_t mix(uint64_t h, const void *p, size_t n) {
  const unsigned char *s = p;
  for (size_t i = 0; i < n; i++) h = (h ^ s[i]) * 0x100000001b3ULL;
  return h;
}

/* A fingerprint of every file under `path`: names, sizes and modification times. */
static uint64_t fingerprint(uint64_t h, const char *path, int depth) {
  struct stat st;
  if (stat(path, &st) != 0) return mix(h, "-", 1);
  h = mix(h, path, strlen(path) + 1);
  if (S_ISREG(st.st_mode)) {
    h = mix(h, &st.st_size, sizeof st.st_size);
    h = mix(h, &st.st_mtim, sizeof st.st_mtim);
    return h;
  }
  if (!S_ISDIR(st.st_mode) || depth > MAX_WALK_DEPTH) return h;
  DIR *d = opendir(path);
  if (!d) return h;
  struct dirent *e;
  uint64_t sum = 0; /* readdir's order is arbitrary: combine the entries commutatively */
  while ((e = readdir(d))) {
    if (e->d_name[0] == '.') continue;
    char child[4096];
    snprintf(child, sizeof child, "%s/%s", path, e->d_name);
    sum += fingerprint(0xcbf29ce484222325ULL, child, depth + 1);
  }
  closedir(d);
  return mix(h, &sum, sizeof sum);
}

static uint64_t watched(attain_ctx *ctx, const cli_args *args) {
  uint64_t h = fingerprint(0xcbf29ce484222325ULL, ctx->policies, 0);
  if (!args->npos) return fingerprint(h, "spec", 0);
  for (int i = 0; i < args->npos; i++) h = fingerprint(h, args->pos[i], 0);
  return h;
}

static int watch(attain_ctx *ctx, const cli_args *args) {
  for (;;) {
    uint64_t before = watched(ctx, args);
    fflush(stdout);
    fflush(stderr);
    pid_t pid = fork();
    if (pid < 0) {
      fprintf(ctx->err, "attain test: cannot fork\n");
      return CLI_EXIT_PROBLEMS;
    }
    if (pid == 0) _exit(run_once(ctx, args));
    int status;
    while (waitpid(pid, &status, 0) < 0) {
    }
    fprintf(ctx->err, "attain test: watching %s and %s for changes (Ctrl-C stops)\n",
            ctx->policies, args->npos ? "the test paths" : "spec");
    fflush(ctx->err);
    for (;;) {
      struct timespec ts = {0, WATCH_POLL_MS * 1000000L};
      nanosleep(&ts, NULL);
      uint64_t now = watched(ctx, args);
      if (now != before) break;
    }
    /* let an editor finish writing */
    struct timespec settle = {0, WATCH_POLL_MS * 1000000L};
    nanosleep(&settle, NULL);
    fprintf(ctx->out, "\n--- changed: running again\n");
  }
}

static int run(attain_ctx *ctx, const cli_args *args) {
  const char *out = args->value[OPT_OUTPUT];
  if (out && strcmp(out, "text") && strcmp(out, "json") && strcmp(out, "junit") && strcmp(out, "tap"))
    return cli_usage_error(&cmd_test, ctx->err, "--output must be text, json, junit or tap, got '%s'",
                           out);
  const char *fu = args->value[OPT_FAIL_UNDER];
  if (fu) {
    char *end;
    double v = strtod(fu, &end);
    if (end == fu || *end || v < 0 || v > 100)
      return cli_usage_error(&cmd_test, ctx->err,
                             "--fail-under must be a percentage from 0 to 100, got '%s'", fu);
  }
  if (args->value[OPT_WATCH]) return watch(ctx, args);
  return run_once(ctx, args);
}

const cli_command cmd_test = {
    .name = "test",
    .usage = "[PATH...] [--output text|json|junit|tap] [--coverage] [--fail-under PCT] [--watch]",
    .summary = "run a policy repository's specs and data-driven cases",
    .help =
        "Runs the tests under each PATH (default: spec): every *_spec.lua with busted\n"
        "(Lua 5.4), through this binary's own host code (require \"attain.testing\",\n"
        "\"attain.fixture\"), and every *.cases.jsonl file of data-driven cases: facts as\n"
        "`attain import` reads them, and {\"type\":\"expect\", ...} records with the level,\n"
        "state or paths an organisation must have in a competency at a time\n"
        "(docs/policy-repo.md). Policies come from --policies. Nothing needs installing or\n"
        "setting beside Debian's lua-busted.\n"
        "Closes with the line `N passed, N failed, N skipped`; exit code 1 when a test\n"
        "failed or none ran. --output json, junit or tap writes that report to standard\n"
        "output (the closing line then goes to standard error). --coverage reports, per\n"
        "competency, each path and goal the tests never saw both met and not met, and the\n"
        "lines of custom measures (and other policy functions) never run; --fail-under PCT\n"
        "fails the run when less than PCT per cent of those outcomes and lines were seen.\n"
        "--watch runs again whenever a test or policy file changes.",
    .min_pos = 0,
    .max_pos = -1,
    .options = {{"output", "FORMAT", "text (default), json, junit or tap"},
                {"watch", NULL, "run again after every change, until interrupted"},
                {"coverage", NULL, "report outcomes and measure lines the tests never saw"},
                {"fail-under", "PCT", "with coverage: fail below PCT per cent covered"},
                {"verbose", NULL, "name every test as it ends"},
                {"filter", "PATTERN", "run only tests whose full name matches (a Lua pattern)"}},
    .run = run,
};
