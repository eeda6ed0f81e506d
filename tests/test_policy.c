/* test_policy.c — policy sets and runtimes: every problem named with file, line and phase;
 * versions follow the content; one policy's failure stays in its own rows, and a failing
 * goal in its own path; runtimes are reused. */
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "arena.h"
#include "check.h"
#include "facts.h"
#include "policy_runtime.h"
#include "policy_set.h"
#include "result_json.h"

static char dir[256];
static char err[1024];
static arena mem;

/* 2026-11-25T00:00:00Z */
#define AT 1795564800

static void eval(policy_runtime *rt, int i, const facts_org *o, int report, policy_outcome *out) {
  policy_eval_args args = {{AT, AT}, report, &mem};
  policy_runtime_eval(rt, i, o, &args, out);
}

/* The paths of an outcome as JSON, for assertions on the whole shape. */
static const char *paths_json(const policy_outcome *out) {
  static jsonw w;
  jsonw_free(&w);
  jsonw_init(&w);
  result_json_paths(&w, out->tree);
  jsonw_raw(&w, "", 1);
  return w.buf;
}

static void put(const char *name, const char *src) {
  char path[512];
  snprintf(path, sizeof path, "%s/%s", dir, name);
  FILE *f = fopen(path, "w");
  fputs(src, f);
  fclose(f);
}

static void unput(const char *name) {
  char path[512];
  snprintf(path, sizeof path, "%s/%s", dir, name);
  remove(path);
}

#define GOOD(id)                                                                            \
  "local a = require 'attain'\n"                                                            \
  "return a.competency { id = '" id "', name = 'Good',\n"                                   \
  "  paths = { a.path { id = 'p', level = 'silver',\n"                                      \
  "    a.goal { label = 'one', need = 1, measure = function(org) return 1 end } } } }\n"

static const policy_file *file(policy_set *set, const char *stem) {
  for (int i = 0; i < set->nfiles; i++)
    if (strcmp(set->files[i].stem, stem) == 0) return &set->files[i];
  return NULL;
}

static void names_every_problem_with_file_line_and_phase(void) {
  put("good.lua", GOOD("good"));
  put("syntax.lua", "local a = require 'attain'\nreturn a.competency {\n  id = 'syntax' x\n}\n");
  put("invalid.lua", "local a = require 'attain'\nreturn a.competency {\n  id = 'invalid', nmae = 'x',\n"
                     "  paths = {} }\n");
  put("misnamed.lua", GOOD("other"));
  put("nothing.lua", "return 42\n");
  policy_set *set;
  CHECK(policy_set_load(&set, dir, NULL, err, sizeof err) == 0);
  CHECK(set->nfiles == 5 && set->nproblems == 4);
  CHECK(file(set, "good")->problem == NULL);
  CHECK_STR(file(set, "good")->name, "Good");
  char expect[512];
  snprintf(expect, sizeof expect, "%s/syntax.lua:3: failed to compile:", dir);
  CHECK_CONTAINS(file(set, "syntax")->problem, expect);
  /* `return a.competency {...}` is a tail call, and still the message names its line. */
  snprintf(expect, sizeof expect, "%s/invalid.lua:2: failed to validate: a.competency: unknown key 'nmae'",
           dir);
  CHECK_CONTAINS(file(set, "invalid")->problem, expect);
  put("invalidpath.lua", "local a = require 'attain'\nreturn a.competency {\n  id = 'invalidpath',\n"
                         "  paths = { a.path { id = 'p', levle = 'gold' } } }\n");
  snprintf(expect, sizeof expect,
           "%s/misnamed.lua:2: failed to validate: competency id 'other' must match the file name "
           "'misnamed.lua' (set id = \"misnamed\" or rename the file to other.lua)",
           dir);
  CHECK_STR(file(set, "misnamed")->problem, expect);
  CHECK_CONTAINS(file(set, "nothing")->problem, "the file must return a competency");
  policy_set_unref(set);
  /* A problem in a nested constructor names its line. */
  CHECK(policy_set_load(&set, dir, NULL, err, sizeof err) == 0);
  snprintf(expect, sizeof expect, "%s/invalidpath.lua:4: failed to validate: a.path: unknown key 'levle'",
           dir);
  CHECK_CONTAINS(file(set, "invalidpath")->problem, expect);
  policy_set_unref(set);
  unput("syntax.lua");
}

static void versions_follow_the_content(void) {
  policy_set *a, *b, *c;
  put("good.lua", GOOD("good"));
  CHECK(policy_set_load(&a, dir, NULL, err, sizeof err) == 0);
  CHECK(policy_set_load(&b, dir, NULL, err, sizeof err) == 0);
  CHECK_STR(a->version, b->version);
  put("good.lua", GOOD("good") "-- edited\n");
  CHECK(policy_set_load(&c, dir, NULL, err, sizeof err) == 0);
  CHECK(strcmp(a->version, c->version) != 0);
  CHECK(strlen(c->version) == POLICY_VERSION_LEN);
  policy_set_unref(a);
  policy_set_unref(b);
  policy_set_unref(c);
}

static void a_failing_policy_fails_alone(void) {
  put("good.lua", GOOD("good"));
  put("broken.lua", "local a = require 'attain'\nreturn a.competency { id = 'broken', name = 'B',\n"
                    "  paths = { a.path { id = 'p', level = 'silver', 42 } } }\n");
  policy_set *set;
  policy_runtime *rt;
  CHECK(policy_set_load(&set, dir, NULL, err, sizeof err) == 0);
  CHECK(policy_runtime_take(&rt, set, err, sizeof err) == 0);
  facts_org org = {.oid = 1, .key = "acme"};
  for (int i = 0; i < set->nfiles; i++) {
    policy_outcome res;
    eval(rt, i, &org, POLICY_REPORT_PATHS, &res);
    if (strcmp(set->files[i].stem, "broken") == 0) {
      CHECK(res.failed && !res.tree);
      CHECK_CONTAINS(res.error, "broken.lua:3: failed to validate: a.path: goal #1 is not a goal");
    } else {
      CHECK(!res.failed && res.level == RESULT_LEVEL_SILVER && !res.error[0]);
      CHECK_CONTAINS(paths_json(&res), "\"have\":1,\"need\":1,\"met\":true");
    }
  }
  policy_runtime_give(rt);
  policy_set_unref(set);
  unput("broken.lua");
}

/* A custom goal that fails at run time fails its path only: the silver reached by another
 * path stands, the error names the goal's line, and every goal is still shown. */
#define GOLD_FAILS                                                                          \
  "local a = require 'attain'\n"                                                            \
  "return a.competency { id = 'mixed', name = 'Mixed',\n"                                   \
  "  paths = {\n"                                                                           \
  "    a.path { id = 's', level = 'silver',\n"                                              \
  "      a.goal { label = 'one', need = 1, measure = function() return 1 end } },\n"        \
  "    a.path { id = 'g', level = 'gold',\n"                                                \
  "      a.goal { label = 'one too', need = 1, measure = function() return 1 end },\n"      \
  "      a.goal { label = 'points', need = 5, measure = function(org)\n"                    \
  "        return org.nothing.here end } } } }\n"

static void a_failing_goal_fails_its_path_not_the_competency(void) {
  put("mixed.lua", GOLD_FAILS);
  policy_set *set;
  policy_runtime *rt;
  CHECK(policy_set_load(&set, dir, NULL, err, sizeof err) == 0);
  CHECK(set->nproblems == 0);
  CHECK(policy_runtime_take(&rt, set, err, sizeof err) == 0);
  int i = policy_set_find(set, "mixed");
  facts_org org = {.oid = 1, .key = "acme"};
  char expect[512];
  snprintf(expect, sizeof expect,
           "%s/mixed.lua:9: failed to run: attempt to index a nil value (field 'nothing')", dir);
  policy_outcome res;
  eval(rt, i, &org, POLICY_REPORT_LEVEL, &res);
  CHECK(!res.failed && res.level == RESULT_LEVEL_SILVER && res.error_level == RESULT_LEVEL_GOLD);
  CHECK_STR(res.error, expect);
  eval(rt, i, &org, POLICY_REPORT_EXPLAIN, &res);
  CHECK(!res.failed && res.level == RESULT_LEVEL_SILVER && res.error_level == RESULT_LEVEL_GOLD);
  CHECK_STR(res.error, expect);
  char json[2048];
  snprintf(json, sizeof json,
           "[{\"id\":\"s\",\"level\":\"silver\",\"met\":true,\"goals\":[{\"kind\":\"custom\","
           "\"label\":\"one\",\"have\":1,\"need\":1,\"met\":true}]},"
           "{\"id\":\"g\",\"level\":\"gold\",\"met\":false,\"error\":\"%s\",\"goals\":["
           "{\"kind\":\"custom\",\"label\":\"one too\",\"have\":1,\"need\":1,\"met\":true},"
           "{\"kind\":\"custom\",\"label\":\"points\",\"have\":null,\"need\":5,\"met\":false,"
           "\"error\":\"%s\"}]}]",
           expect, expect);
  CHECK_STR(paths_json(&res), json);
  policy_runtime_give(rt);
  policy_set_unref(set);
  unput("mixed.lua");
}

/* The runtime that validated a set serves its first evaluation; one given back is taken
 * again (the policies are not compiled once more). */
static void reuses_runtimes(void) {
  put("good.lua", GOOD("good"));
  policy_set *set;
  policy_runtime *a, *b, *c;
  CHECK(policy_set_load(&set, dir, NULL, err, sizeof err) == 0);
  policy_runtime *validated = set->pool;
  CHECK(validated != NULL);
  CHECK(policy_runtime_take(&a, set, err, sizeof err) == 0 && a == validated);
  CHECK(policy_runtime_take(&b, set, err, sizeof err) == 0 && b != a);
  policy_runtime_give(a);
  CHECK(policy_runtime_take(&c, set, err, sizeof err) == 0 && c == a);
  CHECK(set->refs == 3); /* the loader's and two runtimes' */
  policy_runtime_give(b);
  policy_runtime_give(c);
  policy_set_unref(set); /* frees the set and both runtimes (ASan would see a leak) */
}

/* The facts object a custom measure receives: its fields, its methods, and a method
 * called on anything else is refused by name. */
static void the_facts_object_checks_its_receiver(void) {
  put("probe.lua",
      "local a = require 'attain'\nreturn a.competency { id = 'probe', name = 'Probe',\n"
      "  paths = { a.path { id = 'p', level = 'silver',\n"
      "    a.goal { label = 'x', need = 1, measure = function(org, now)\n"
      "      assert(org.id == 'acme' and org.now == now and org.as_of == now)\n"
      "      assert(org.nothing == nil and org[1] == nil)\n"
      "      return org:metric_sum('m', 2) + org:people({ 'AZ-104' }) end } } } }\n");
  put("forged.lua",
      "local a = require 'attain'\nreturn a.competency { id = 'forged', name = 'Forged',\n"
      "  paths = { a.path { id = 'p', level = 'silver',\n"
      "    a.goal { label = 'x', need = 1, measure = function(org)\n"
      "      return org.people({}, { 'AZ-104' }) end } } } }\n");
  policy_set *set;
  policy_runtime *rt;
  CHECK(policy_set_load(&set, dir, NULL, err, sizeof err) == 0);
  CHECK(policy_runtime_take(&rt, set, err, sizeof err) == 0);
  facts_metric m[] = {{"m", 2026 * 12 + 9, 2.5}, {"m", 2026 * 12 + 10, 1.5}};
  facts_org org = {.oid = 1, .key = "acme", .metrics = m, .nmetrics = 2};
  for (int i = 0; i < set->nfiles; i++) {
    policy_outcome res;
    eval(rt, i, &org, POLICY_REPORT_PATHS, &res);
    if (strcmp(set->files[i].stem, "probe") == 0) {
      CHECK(!res.failed && !res.error[0]);
      CHECK_CONTAINS(paths_json(&res), "\"have\":4,");
    } else if (strcmp(set->files[i].stem, "forged") == 0) {
      CHECK(!res.failed); /* the goal's path fails, not the policy */
      CHECK_CONTAINS(res.error, "forged.lua:5: failed to run:");
      CHECK_CONTAINS(res.error, "attain.Facts expected, got table");
    }
  }
  policy_runtime_give(rt);
  policy_set_unref(set);
  unput("probe.lua");
  unput("forged.lua");
}

/* The host runs the stdlib's evaluation without the instruction budget (sandbox_pcall_trusted);
 * every policy function it reaches must still be stopped, each with its own line. */
#define LOOPING(id, field)                                                                  \
  "local a = require 'attain'\n"                                                            \
  "local function loop() while true do end end\n"                                          \
  "return a.competency { id = '" id "', name = 'Loop',\n"                                   \
  "  renewal = " field " == 'renewal' and loop or nil,\n"                                   \
  "  paths = { a.path { id = 'p', level = 'silver',\n"                                      \
  "    a.goal { label = 'x', need = 1, detail = loop,\n"                                    \
  "      measure = " field " == 'measure' and loop or function() return 1 end } } } }\n"

static void every_policy_function_runs_under_the_budget(void) {
  put("measure.lua", LOOPING("measure", "'measure'"));
  put("detail.lua", LOOPING("detail", "'detail'"));
  put("renewal.lua", LOOPING("renewal", "'renewal'"));
  sandbox_limits lim = {.instructions = 100000};
  policy_set *set;
  policy_runtime *rt;
  CHECK(policy_set_load(&set, dir, &lim, err, sizeof err) == 0);
  CHECK(policy_runtime_take(&rt, set, err, sizeof err) == 0);
  facts_org org = {.oid = 1, .key = "acme"};
  /* A spent budget is not a goal's failure: it ends the whole evaluation. */
  const char *budget = ":2: failed to run: instruction budget exceeded (100000 instructions)";
  for (int i = 0; i < set->nfiles; i++) {
    const char *stem = set->files[i].stem;
    policy_outcome res;
    int64_t end = 0;
    if (strcmp(stem, "measure") == 0) {
      eval(rt, i, &org, POLICY_REPORT_LEVEL, &res);
      CHECK(res.failed);
      CHECK_CONTAINS(res.error, budget);
      CHECK_CONTAINS(res.error, "measure.lua");
    } else if (strcmp(stem, "detail") == 0) {
      eval(rt, i, &org, POLICY_REPORT_LEVEL, &res); /* the detail is not called */
      CHECK(!res.failed && res.level == RESULT_LEVEL_SILVER);
      eval(rt, i, &org, POLICY_REPORT_EXPLAIN, &res);
      CHECK(res.failed);
      CHECK_CONTAINS(res.error, budget);
      CHECK_CONTAINS(res.error, "detail.lua");
    } else if (strcmp(stem, "renewal") == 0) {
      CHECK(policy_runtime_membership_end(rt, i, 1795564800, &end, err, sizeof err) != 0);
      CHECK_CONTAINS(err, budget);
      CHECK_CONTAINS(err, "renewal.lua");
    }
  }
  policy_runtime_give(rt);
  policy_set_unref(set);
  unput("measure.lua");
  unput("detail.lua");
  unput("renewal.lua");
}

/* Declarative plans are evaluated in C (policy_native.h) and must give the stdlib's level
 * exactly: the same competency, loaded once natively and once with ATTAIN_EVAL=lua, on
 * thousands of random organisations, at times with t = as_of and t > as_of (projections).
 * The policy uses every goal kind and both combinators. */
#define EVERY_KIND                                                                            \
  "local a = require 'attain'\n"                                                              \
  "local C = { 'AZ-104', 'AZ-204', 'AZ-305' }\n"                                              \
  "return a.competency { id = 'kinds', name = 'Kinds', paths = {\n"                           \
  "  a.path { id = 's1', level = 'silver', a.certified { people = 2, codes = C },\n"          \
  "    a.revenue { metric = 'rev', months = 3, at_least = 1500.5 } },\n"                      \
  "  a.path { id = 's2', level = 'silver', a.assessed { people = 1, codes = { 'TA-X' } },\n"  \
  "    a.usage { metric = 'use', months = 2, at_least = 60 },\n"                              \
  "    a.any { need = 2, a.seats { metric = 'seats', at_least = 50 },\n"                      \
  "      a.customers { metric = 'new', at_least = 3 },\n"                                      \
  "      a.certified { people = 1, codes = { 'AZ-305' } } } },\n"                              \
  "  a.path { id = 'g1', level = 'gold', a.certified { people = 3, codes = C },\n"            \
  "    a.all { a.revenue { metric = 'rev', months = 6, at_least = 3000 },\n"                   \
  "      a.any { a.seats { metric = 'seats', at_least = 80 },\n"                               \
  "              a.usage { metric = 'use', months = 3, at_least = 90 } } } },\n"               \
  "} }\n"

static uint64_t rng_state = 42;
static uint64_t rnd(uint64_t n) {
  rng_state = rng_state * 6364136223846793005ULL + 1442695040888963407ULL;
  return (rng_state >> 33) % n;
}

static void native_levels_are_the_stdlibs(void) {
  put("kinds.lua", EVERY_KIND);
  policy_set *native_set, *lua_set;
  CHECK(policy_set_load(&native_set, dir, NULL, err, sizeof err) == 0);
  setenv("ATTAIN_EVAL", "lua", 1);
  CHECK(policy_set_load(&lua_set, dir, NULL, err, sizeof err) == 0);
  unsetenv("ATTAIN_EVAL");
  CHECK(!native_set->lua_only && lua_set->lua_only);
  policy_runtime *nrt, *lrt;
  CHECK(policy_runtime_take(&nrt, native_set, err, sizeof err) == 0);
  CHECK(policy_runtime_take(&lrt, lua_set, err, sizeof err) == 0);
  int i = policy_set_find(native_set, "kinds");
  static const char *const codes[] = {"AZ-104", "AZ-204", "AZ-305", "TA-X", "DP-203"};
  static const char *const metrics[] = {"new", "rev", "seats", "use"}; /* sorted by name */
  int compared = 0, differ = 0, levels[3] = {0, 0, 0};
  for (int n = 0; n < 4000; n++) {
    facts_user users[6];
    facts_holding holdings[12];
    facts_metric ms[4 * 8];
    facts_override ov[1];
    int nusers = 1 + (int)rnd(6), nh = (int)rnd(12), nm = 0;
    for (int u = 0; u < nusers; u++)
      users[u] = (facts_user){u + 1, "u", AT - 400 * 86400 + (int64_t)rnd(30) * 86400,
                              rnd(5) ? FACTS_NO_TIME : AT - 86400 + (int64_t)rnd(100) * 86400,
                              FACTS_NO_TIME, rnd(3) ? FACTS_NO_TIME : AT - 10 * 86400};
    for (int h = 0; h < nh; h++) {
      int code = (int)rnd(5);
      holdings[h] = (facts_holding){
          .user = (int)rnd((uint64_t)nusers), .msa = "m", .code = codes[code],
          .code_hash = facts_code_hash(codes[code]),
          .kind = code == 3 ? (rnd(4) ? FACTS_ASSESSMENT : FACTS_CERTIFICATION)
                            : (rnd(6) ? FACTS_CERTIFICATION : FACTS_EXAM),
          .started = AT - 300 * 86400, .link_known = FACTS_NO_TIME,
          .earned = AT - (int64_t)rnd(400) * 86400 + (int64_t)rnd(86400),
          .expires = rnd(3) ? FACTS_NO_TIME : AT + (int64_t)rnd(200) * 86400 - 100 * 86400,
          .earned_known = FACTS_NO_TIME};
    }
    for (int k = 0; k < 4; k++)
      for (int mo = 0; mo < 8; mo++)
        if (rnd(3)) ms[nm++] = (facts_metric){metrics[k], 2026 * 12 + 10 - 7 + mo, (double)rnd(1200) / (k == 1 ? 1 : 8)};
    /* metric names of one organisation share one string per name (facts_load.c) */
    int nov = 0;
    if (!rnd(5)) ov[nov++] = (facts_override){"kinds", "AZ-305", "r", "b", 1 + (int64_t)rnd(2),
                                              FACTS_NO_TIME, AT + 30 * 86400, FACTS_NO_TIME};
    facts_org org = {.oid = n + 1, .key = "o", .users = users, .nusers = nusers,
                     .holdings = holdings, .nholdings = nh, .metrics = ms, .nmetrics = nm,
                     .overrides = ov, .noverrides = nov};
    int64_t times[][2] = {{AT, AT}, {AT + 36 * 86400, AT}, {AT - 20 * 86400, AT - 20 * 86400}};
    for (int t = 0; t < 3; t++) {
      policy_eval_args args = {{times[t][0], times[t][1]}, POLICY_REPORT_LEVEL, &mem};
      policy_outcome a, b;
      policy_runtime_eval(nrt, i, &org, &args, &a);
      policy_runtime_eval(lrt, i, &org, &args, &b);
      compared++;
      if (a.failed || b.failed || a.level != b.level) differ++;
      if (!b.failed) levels[b.level]++;
    }
  }
  fprintf(stderr, "  %d evaluations compared: %d none, %d silver, %d gold; %d differ\n", compared,
          levels[0], levels[1], levels[2], differ);
  CHECK(differ == 0);
  CHECK(levels[0] > 100 && levels[1] > 100 && levels[2] > 100); /* every outcome is exercised */
  policy_runtime_give(nrt);
  policy_runtime_give(lrt);
  policy_set_unref(native_set);
  policy_set_unref(lua_set);
  unput("kinds.lua");
}

static void refuses_a_directory_without_policies(void) {
  char empty[300];
  snprintf(empty, sizeof empty, "%s/empty", dir);
  mkdir(empty, 0700);
  policy_set *set;
  CHECK(policy_set_load(&set, empty, NULL, err, sizeof err) != 0);
  CHECK_CONTAINS(err, "no policies");
  CHECK(policy_set_load(&set, "/nonexistent/policies", NULL, err, sizeof err) != 0);
  CHECK_CONTAINS(err, "cannot read the policy directory");
}

int main(void) {
  alarm(120); /* a policy loop the budget misses fails the test instead of stalling CI */
  snprintf(dir, sizeof dir, "/tmp/attain-test-policy-%d", (int)getpid());
  mkdir(dir, 0700);
  RUN(names_every_problem_with_file_line_and_phase);
  char cmd[400];
  snprintf(cmd, sizeof cmd, "rm -f %s/*.lua", dir);
  if (system(cmd)) return 1;
  RUN(versions_follow_the_content);
  arena_init(&mem);
  RUN(a_failing_policy_fails_alone);
  RUN(a_failing_goal_fails_its_path_not_the_competency);
  RUN(reuses_runtimes);
  RUN(the_facts_object_checks_its_receiver);
  RUN(every_policy_function_runs_under_the_budget);
  RUN(native_levels_are_the_stdlibs);
  RUN(refuses_a_directory_without_policies);
  arena_free(&mem);
  snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
  if (system(cmd)) return 1;
  return check_report();
}
