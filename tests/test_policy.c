/* test_policy.c — policy sets: every problem named with file, line and phase; versions
 * follow the content; one policy's failure stays in its own rows. */
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "facts.h"
#include "policy.h"

static char dir[256];
static char err[1024];

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
  /* `return a.competency {...}` is a tail call: the file, not a line inside the stdlib. */
  snprintf(expect, sizeof expect, "%s/invalid.lua: failed to validate: a.competency: unknown key 'nmae'",
           dir);
  CHECK_CONTAINS(file(set, "invalid")->problem, expect);
  put("invalidpath.lua", "local a = require 'attain'\nreturn a.competency {\n  id = 'invalidpath',\n"
                         "  paths = { a.path { id = 'p', levle = 'gold' } } }\n");
  CHECK_CONTAINS(file(set, "misnamed")->problem, "competency id 'other' must match the file name");
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
  put("boom.lua", "local a = require 'attain'\nreturn a.competency { id = 'boom', name = 'Boom',\n"
                  "  paths = { a.path { id = 'p', level = 'silver',\n"
                  "    a.goal { label = 'x', need = 1, measure = function(org)\n"
                  "      return org.nothing.here end } } } }\n");
  policy_set *set;
  policy_runtime *rt;
  CHECK(policy_set_load(&set, dir, NULL, err, sizeof err) == 0);
  CHECK(policy_runtime_new(&rt, set, err, sizeof err) == 0);
  facts_org org = {.oid = 1, .key = "acme"};
  jsonw w;
  jsonw_init(&w);
  policy_eval_args args = {1795564800, 1795564800, POLICY_REPORT_PATHS};
  for (int i = 0; i < set->nfiles; i++) {
    policy_result res;
    jsonw_reset(&w);
    policy_runtime_eval(rt, i, &org, &args, &w, &res);
    if (strcmp(set->files[i].stem, "boom") == 0) {
      CHECK(res.failed);
      CHECK_CONTAINS(res.error, "boom.lua:5: failed to run:");
    } else {
      CHECK(!res.failed && res.level == POLICY_LEVEL_SILVER);
      CHECK_CONTAINS(w.buf, "\"have\":1,\"need\":1,\"met\":true");
    }
  }
  jsonw_free(&w);
  policy_runtime_free(rt);
  policy_set_unref(set);
}

/* The facts object a custom measure receives: its fields, its methods, and a method
 * called on anything else is refused by name. */
static void the_facts_object_checks_its_receiver(void) {
  put("probe.lua",
      "local a = require 'attain'\nreturn a.competency { id = 'probe', name = 'Probe',\n"
      "  paths = { a.path { id = 'p', level = 'silver',\n"
      "    a.goal { label = 'x', need = 1, measure = function(org, now)\n"
      "      assert(org.id == 'acme' and org.now == now and org.nothing == nil and org[1] == nil)\n"
      "      return org:metric_sum('m', 2) + org:people({ 'AZ-104' }) end } } } }\n");
  put("forged.lua",
      "local a = require 'attain'\nreturn a.competency { id = 'forged', name = 'Forged',\n"
      "  paths = { a.path { id = 'p', level = 'silver',\n"
      "    a.goal { label = 'x', need = 1, measure = function(org)\n"
      "      return org.people({}, { 'AZ-104' }) end } } } }\n");
  policy_set *set;
  policy_runtime *rt;
  CHECK(policy_set_load(&set, dir, NULL, err, sizeof err) == 0);
  CHECK(policy_runtime_new(&rt, set, err, sizeof err) == 0);
  facts_metric m[] = {{"m", 2026 * 12 + 9, 2.5}, {"m", 2026 * 12 + 10, 1.5}};
  facts_org org = {.oid = 1, .key = "acme", .metrics = m, .nmetrics = 2};
  jsonw w;
  jsonw_init(&w);
  policy_eval_args args = {1795564800, 1795564800, POLICY_REPORT_PATHS}; /* 2026-11-25 */
  for (int i = 0; i < set->nfiles; i++) {
    policy_result res;
    jsonw_reset(&w);
    policy_runtime_eval(rt, i, &org, &args, &w, &res);
    if (strcmp(set->files[i].stem, "probe") == 0) {
      CHECK(!res.failed);
      CHECK_CONTAINS(w.buf, "\"have\":4,");
    } else if (strcmp(set->files[i].stem, "forged") == 0) {
      CHECK(res.failed);
      CHECK_CONTAINS(res.error, "forged.lua:5: failed to run:");
      CHECK_CONTAINS(res.error, "attain.Facts expected, got table");
    }
  }
  jsonw_free(&w);
  policy_runtime_free(rt);
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
  sandbox_limits lim = {0, 100000};
  policy_set *set;
  policy_runtime *rt;
  CHECK(policy_set_load(&set, dir, &lim, err, sizeof err) == 0);
  CHECK(policy_runtime_new(&rt, set, err, sizeof err) == 0);
  facts_org org = {.oid = 1, .key = "acme"};
  jsonw w;
  jsonw_init(&w);
  const char *budget = ":2: failed to run: instruction budget exceeded (100000 instructions)";
  for (int i = 0; i < set->nfiles; i++) {
    const char *stem = set->files[i].stem;
    policy_result res;
    policy_eval_args level = {1795564800, 1795564800, POLICY_REPORT_LEVEL};
    policy_eval_args explain = {1795564800, 1795564800, POLICY_REPORT_EXPLAIN};
    int64_t end = 0;
    if (strcmp(stem, "measure") == 0) {
      policy_runtime_eval(rt, i, &org, &level, &w, &res);
      CHECK(res.failed);
      CHECK_CONTAINS(res.error, budget);
      CHECK_CONTAINS(res.error, "measure.lua");
    } else if (strcmp(stem, "detail") == 0) {
      policy_runtime_eval(rt, i, &org, &level, &w, &res); /* the detail is not called */
      CHECK(!res.failed && res.level == POLICY_LEVEL_SILVER);
      jsonw_reset(&w);
      policy_runtime_eval(rt, i, &org, &explain, &w, &res);
      CHECK(res.failed);
      CHECK_CONTAINS(res.error, budget);
      CHECK_CONTAINS(res.error, "detail.lua");
    } else if (strcmp(stem, "renewal") == 0) {
      CHECK(policy_runtime_membership_end(rt, i, 1795564800, &end, err, sizeof err) != 0);
      CHECK_CONTAINS(err, budget);
      CHECK_CONTAINS(err, "renewal.lua");
    }
  }
  jsonw_free(&w);
  policy_runtime_free(rt);
  policy_set_unref(set);
  unput("measure.lua");
  unput("detail.lua");
  unput("renewal.lua");
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
  RUN(a_failing_policy_fails_alone);
  RUN(the_facts_object_checks_its_receiver);
  RUN(every_policy_function_runs_under_the_budget);
  RUN(refuses_a_directory_without_policies);
  snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
  if (system(cmd)) return 1;
  return check_report();
}
