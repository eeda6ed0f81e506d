/* test_policy_set.c — the shape of a policy directory: lib/ modules (required, sandboxed,
 * not competencies, versioned, their problems reported with file and line), .lua files in
 * other subfolders refused, schema.json read (with its problems' lines) and held against
 * every goal, and every problem of a file reported in line order. */
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "arena.h"
#include "check.h"
#include "policy_runtime.h"
#include "names.h"
#include "policy_schema.h"
#include "policy_set.h"

static char dir[256];
static char err[1024];

static void put(const char *name, const char *src) {
  char path[512];
  snprintf(path, sizeof path, "%s/%s", dir, name);
  char *slash = strrchr(path, '/');
  *slash = 0;
  mkdir(path, 0700);
  *slash = '/';
  FILE *f = fopen(path, "w");
  fputs(src, f);
  fclose(f);
}

static void clean(void) {
  char cmd[400];
  snprintf(cmd, sizeof cmd, "rm -rf %s/*", dir);
  if (system(cmd)) fprintf(stderr, "cannot clean %s\n", dir);
}

/* Every problem of the set, one per line. */
static const char *issues(const policy_set *set) {
  static char out[8192];
  size_t n = 0;
  out[0] = 0;
  for (int k = 0; k < policy_set_issue_count(set); k++)
    n += (size_t)snprintf(out + n, sizeof out - n, "%s\n", policy_set_issue(set, k));
  return out;
}

/* `text` with every "@" replaced by the test directory. */
static const char *at(const char *text) {
  static char out[8192];
  size_t n = 0;
  for (const char *p = text; *p && n < sizeof out - 300; p++)
    n += *p == '@' ? (size_t)snprintf(out + n, sizeof out - n, "%s", dir) : (out[n] = *p, 1);
  out[n] = 0;
  return out;
}

#define POLICY(id, require, goals)                                                           \
  "local a = require 'attain'\n" require "return a.competency { id = '" id "', name = 'X',\n" \
  "  paths = { a.path { id = 'p', level = 'silver',\n" goals " } } }\n"

static const facts_org empty_org = {0};

static void lib_modules_are_shared_code(void) {
  clean();
  put("lib/codes.lua", "local M = { AZURE = { 'AZ-104' } }\nfunction M.one() return 1 end\nreturn M\n");
  put("lib/azure/init.lua", "return { N = 2 }\n");
  put("cloud.lua", POLICY("cloud", "local codes = require 'lib.codes'\nlocal az = require 'lib.azure'\n",
                          "    a.certified { people = az.N, codes = codes.AZURE },\n"
                          "    a.goal { label = 'one', need = 1, measure = codes.one }"));
  policy_set *set;
  CHECK(policy_set_load(&set, dir, NULL, err, sizeof err) == 0);
  CHECK_STR(issues(set), "");
  CHECK(set->nfiles == 1 && set->nlib == 2 && set->nproblems == 0);
  /* a module is no competency */
  CHECK(policy_set_find(set, "codes") < 0 && policy_set_find(set, "cloud") == 0);
  /* and it runs as policy code: its function is the measure */
  policy_runtime *rt;
  CHECK(policy_runtime_take(&rt, set, err, sizeof err) == 0);
  arena mem;
  arena_init(&mem);
  policy_eval_args args = {{1795564800, 1795564800}, POLICY_REPORT_PATHS, &mem};
  policy_outcome out;
  policy_runtime_eval(rt, 0, &empty_org, &args, &out);
  CHECK(!out.failed && out.tree && out.tree->paths[0].goals[1].have == 1);
  CHECK(out.tree && out.tree->paths[0].goals[0].need == 2);
  policy_runtime_give(rt);
  arena_free(&mem);
  char before[POLICY_VERSION_LEN + 1];
  snprintf(before, sizeof before, "%s", set->version);
  policy_set_unref(set);
  /* editing a module is a new version */
  put("lib/codes.lua", "local M = { AZURE = { 'AZ-104' } }\nfunction M.one() return 2 end\nreturn M\n");
  CHECK(policy_set_load(&set, dir, NULL, err, sizeof err) == 0);
  CHECK(strcmp(before, set->version) != 0);
  policy_set_unref(set);
}

static void problems_of_modules_name_their_file_and_line(void) {
  clean();
  put("lib/broken.lua", "return { x = 1\n");
  put("lib/sloppy.lua", "local M = {}\nfunction M.f() return undefined_name end\nreturn M\n");
  put("cloud.lua", POLICY("cloud", "", "    a.certified { people = 1, codes = { 'AZ-104' } }"));
  put("uses.lua", POLICY("uses", "local b = require 'lib.broken'\n",
                         "    a.certified { people = 1, codes = { 'AZ-104' } }"));
  policy_set *set;
  CHECK(policy_set_load(&set, dir, NULL, err, sizeof err) == 0);
  CHECK_STR(issues(set),
            at("@/lib/broken.lua:2: failed to compile: '}' expected (to close '{' at line 1) near <eof>\n"
               "@/lib/sloppy.lua:2: failed to validate: undefined global 'undefined_name'\n"
               "@/uses.lua:2: failed to validate: error loading module 'lib.broken': @/lib/broken.lua:2: "
               "'}' expected (to close '{' at line 1) near <eof>\n"));
  /* the set is not good (the daemon refuses it), though cloud.lua itself is */
  CHECK(set->nproblems == 3);
  CHECK(set->files[policy_set_find(set, "cloud")].problem == NULL);
  policy_set_unref(set);
}

static void subfolders_other_than_lib_are_refused(void) {
  clean();
  put("cloud.lua", POLICY("cloud", "", "    a.certified { people = 1, codes = { 'AZ-104' } }"));
  put("old/cloud.lua", POLICY("cloud", "", "    a.certified { people = 1, codes = { 'AZ-104' } }"));
  put("notes/README.md", "not a policy\n");
  put(".git/x.lua", "hidden: ignored\n");
  policy_set *set;
  CHECK(policy_set_load(&set, dir, NULL, err, sizeof err) == 0);
  CHECK_STR(issues(set), at("@/old/cloud.lua: not loaded: competency files must be directly in @, and "
                            "shared modules in @/lib/ (require \"lib.NAME\")\n"));
  CHECK(set->nfiles == 1 && set->nproblems == 1);
  policy_set_unref(set);
}

static void every_problem_of_a_file_in_line_order(void) {
  clean();
  /* the static check's (line 5), validation's (line 3: tail call) and nothing twice */
  put("x.lua", "local a = require 'attain'\n"
               "local n = 0\n"
               "return a.competency { id = 'x', name = 'X', nmae = 'typo',\n"
               "  paths = { a.path { id = 'p', level = 'silver',\n"
               "    a.goal { label = 'g', need = 1, measure = function() return os.time() + n end } } } }\n");
  policy_set *set;
  CHECK(policy_set_load(&set, dir, NULL, err, sizeof err) == 0);
  CHECK_STR(issues(set),
            at("@/x.lua:3: failed to validate: a.competency: unknown key 'nmae' (competency 'x')\n"
               "@/x.lua:5: failed to validate: undefined global 'os' (not available to policies: no clock "
               "and no system: the evaluation time is org.now)\n"));
  /* evaluations report the first */
  CHECK_STR(set->files[0].problem, at("@/x.lua:3: failed to validate: a.competency: unknown key 'nmae' "
                                      "(competency 'x')"));
  policy_set_unref(set);
}

static void the_schema_holds_every_goal_to_its_names(void) {
  clean();
  put("schema.json", "{\n  \"metrics\": {\n    \"ai_revenue\": \"revenue\",\n    \"seats\": \"seats\"\n  },\n"
                     "  \"codes\": { \"AI-102\": \"certification\", \"TA-AI\": \"assessment\" }\n}\n");
  put("ai.lua", POLICY("ai", "",
                       "    a.certified { people = 1, codes = { 'AI-1O2', 'TA-AI' } },\n"
                       "    a.revenue { metric = 'ai_revenu', months = 12, at_least = 1 },\n"
                       "    a.revenue { metric = 'seats', months = 12, at_least = 1 },\n"
                       "    a.assessed { people = 1, codes = { 'TA-AI' } }"));
  policy_set *set;
  CHECK(policy_set_load(&set, dir, NULL, err, sizeof err) == 0);
  CHECK_STR(issues(set),
            at("@/ai.lua:4: failed to validate: a.certified: code 'AI-1O2' is not declared in "
               "@/schema.json (did you mean 'AI-102'?)\n"
               "@/ai.lua:4: failed to validate: a.certified: code 'TA-AI' is declared as an assessment in "
               "@/schema.json; a.certified counts certifications\n"
               "@/ai.lua:5: failed to validate: a.revenue: metric 'ai_revenu' is not declared in "
               "@/schema.json (did you mean 'ai_revenue'?)\n"
               "@/ai.lua:6: failed to validate: a.revenue: metric 'seats' is declared as seats in "
               "@/schema.json, not revenue\n"));
  char before[POLICY_VERSION_LEN + 1];
  snprintf(before, sizeof before, "%s", set->version);
  policy_set_unref(set);
  /* the schema is part of the version */
  put("schema.json", "{ \"metrics\": { \"ai_revenue\": \"revenue\" } }\n");
  CHECK(policy_set_load(&set, dir, NULL, err, sizeof err) == 0);
  CHECK(strcmp(before, set->version) != 0);
  policy_set_unref(set);
}

static void schema_problems_have_lines(void) {
  char **p;
  int n;
  policy_schema *s;
  const char *text = "{\n  \"metrics\": {\n    \"a\": \"revenue\",\n    \"b\": \"seat\"\n  },\n"
                     "  \"codez\": {}\n}\n";
  CHECK(policy_schema_parse(&s, "pol/schema.json", text, strlen(text), &p, &n) == -1);
  CHECK(n == 2 && s == NULL);
  if (n == 2) {
    CHECK_STR(p[0], "pol/schema.json:4: metrics: the kind of \"b\" must be revenue, usage, seats or "
                    "customers, got \"seat\"; did you mean \"seats\"?");
    CHECK_STR(p[1], "pol/schema.json:6: unknown key \"codez\" (expected \"metrics\" and \"codes\")");
  }
  policy_schema_problems_free(p, n);
  text = "{ \"codes\": { \"X\": \"exam\", \"X\": \"exam\" } }";
  CHECK(policy_schema_parse(&s, "pol/schema.json", text, strlen(text), &p, &n) == -1);
  CHECK(n == 1 && p && strstr(p[0], "pol/schema.json:1: not valid JSON: duplicate object key"));
  policy_schema_problems_free(p, n);
  text = "{ \"codes\": { \"MB-910\": \"exam\", \"AZ-104\": \"certification\" } }";
  CHECK(policy_schema_parse(&s, "pol/schema.json", text, strlen(text), &p, &n) == 0);
  CHECK_STR(policy_schema_kind(s, POLICY_SCHEMA_CODE, "MB-910"), "exam");
  CHECK(policy_schema_kind(s, POLICY_SCHEMA_CODE, "MB-911") == NULL);
  CHECK(policy_schema_kind(s, POLICY_SCHEMA_METRIC, "MB-910") == NULL);
  CHECK_STR(policy_schema_closest(s, POLICY_SCHEMA_CODE, "AZ-1O4"), "AZ-104");
  CHECK(policy_schema_closest(s, POLICY_SCHEMA_CODE, "SC-200") == NULL);
  policy_schema_free(s);
}

static void a_broken_schema_is_the_sets_problem(void) {
  clean();
  put("schema.json", "{ \"metrics\": [] }\n");
  put("cloud.lua", POLICY("cloud", "", "    a.certified { people = 1, codes = { 'AZ-104' } }"));
  policy_set *set;
  CHECK(policy_set_load(&set, dir, NULL, err, sizeof err) == 0);
  CHECK_STR(issues(set), at("@/schema.json:1: \"metrics\" must be an object of names and their kinds\n"));
  CHECK(set->nproblems == 1 && set->schema == NULL);
  policy_set_unref(set);
}

/* A metric's name for people: declared in the schema with its kind, shown instead of the
 * id wherever a metric reaches people (names_metric); the id where none is declared. */
static void the_schema_names_metrics_for_people(void) {
  clean();
  put("schema.json", "{ \"metrics\": {\n"
                     "    \"ai_revenue\": { \"kind\": \"revenue\", \"name\": \"AI revenue\" },\n"
                     "    \"seats\": \"seats\" } }\n");
  put("ai.lua", POLICY("ai", "", "    a.revenue { metric = 'ai_revenue', months = 12, at_least = 1 }"));
  policy_set *set;
  CHECK(policy_set_load(&set, dir, NULL, err, sizeof err) == 0);
  CHECK_STR(issues(set), "");
  CHECK_STR(names_metric(set, "ai_revenue"), "AI revenue");
  CHECK_STR(names_metric(set, "seats"), "seats");
  CHECK_STR(names_metric(set, "other"), "other");
  policy_set_unref(set);
  /* the object form is checked like the string form */
  char **p;
  int n;
  policy_schema *sc;
  const char *text = "{ \"metrics\": {\n  \"a\": { \"kind\": \"revenue\", \"title\": \"A\" },\n"
                     "  \"b\": { \"kind\": \"revenue\", \"name\": 3 },\n  \"c\": { \"name\": \"C\" } } }";
  CHECK(policy_schema_parse(&sc, "pol/schema.json", text, strlen(text), &p, &n) == -1);
  CHECK(n == 3);
  if (n == 3) {
    CHECK_STR(p[0], "pol/schema.json:2: metrics: \"a\" has an unknown field \"title\" (expected "
                    "\"kind\" and \"name\")");
    CHECK_STR(p[1], "pol/schema.json:3: metrics: the name of \"b\" must be a non-empty string");
    CHECK_STR(p[2], "pol/schema.json:4: metrics: the kind of \"c\" must be a string (revenue, usage, "
                    "seats or customers)");
  }
  policy_schema_problems_free(p, n);
}

int main(void) {
  alarm(120);
  snprintf(dir, sizeof dir, "/tmp/attain-test-policy-set-%d", (int)getpid());
  mkdir(dir, 0700);
  RUN(lib_modules_are_shared_code);
  RUN(problems_of_modules_name_their_file_and_line);
  RUN(subfolders_other_than_lib_are_refused);
  RUN(every_problem_of_a_file_in_line_order);
  RUN(the_schema_holds_every_goal_to_its_names);
  RUN(schema_problems_have_lines);
  RUN(the_schema_names_metrics_for_people);
  RUN(a_broken_schema_is_the_sets_problem);
  char cmd[400];
  snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
  if (system(cmd)) return 1;
  return check_report();
}
