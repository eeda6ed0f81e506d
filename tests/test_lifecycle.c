/* test_lifecycle.c — the lifecycle of one organisation in one competency through the real
 * code: facts imported into a store, the shipped cloud-platform policy (silver path
 * "consumption": 2 certified people among AZ-104/AZ-204/AZ-305 and 15,000 of
 * azure_consumed_revenue over 12 months), eval_run and eval_store_chunk. A table of
 * cases, each a sequence of steps: import facts, evaluate (and store) as of a time, and
 * the state, alert and cause expected. */
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "eval.h"
#include "eval_store.h"
#include "import.h"
#include "isotime.h"
#include "policy_set.h"
#include "store.h"
#include "store_read.h"
#include "testdb.h"

static char err[1024];

/* Two certified people (c1 AZ-104, c2 AZ-204) and 2,000 of revenue every month of 2025
 * and 2026: silver all along. */
static const char *BASE =
    "{\"type\":\"org\",\"id\":\"o\"}\n"
    "{\"type\":\"user\",\"id\":\"c1\",\"org\":\"o\",\"joined\":\"2025-01-01\"}\n"
    "{\"type\":\"user\",\"id\":\"c2\",\"org\":\"o\",\"joined\":\"2025-01-01\"}\n"
    "{\"type\":\"user\",\"id\":\"c3\",\"org\":\"o\",\"joined\":\"2025-01-01\"}\n"
    "{\"type\":\"msa_link\",\"msa\":\"c1@x\",\"user\":\"c1\",\"at\":\"2025-01-02T00:00:00Z\"}\n"
    "{\"type\":\"msa_link\",\"msa\":\"c2@x\",\"user\":\"c2\",\"at\":\"2025-01-02T00:00:00Z\"}\n"
    "{\"type\":\"msa_link\",\"msa\":\"c3@x\",\"user\":\"c3\",\"at\":\"2025-01-02T00:00:00Z\"}\n"
    "{\"type\":\"achievement\",\"msa\":\"c1@x\",\"code\":\"AZ-104\",\"kind\":\"certification\","
    "\"earned\":\"2025-03-01T00:00:00Z\"}\n"
    "{\"type\":\"achievement\",\"msa\":\"c2@x\",\"code\":\"AZ-204\",\"kind\":\"certification\","
    "\"earned\":\"2025-03-01T00:00:00Z\"}\n";

/* BASE and its revenue, as one import file. */
static const char *base_file(void) {
  static char text[8192];
  size_t n = (size_t)snprintf(text, sizeof text, "%s", BASE);
  for (int y = 2025; y <= 2026; y++)
    for (int m = 1; m <= 12; m++)
      n += (size_t)snprintf(text + n, sizeof text - n,
                            "{\"type\":\"metric\",\"org\":\"o\",\"metric\":"
                            "\"azure_consumed_revenue\",\"period\":\"%d-%02d\",\"value\":2000}\n",
                            y, m);
  return testdb_file("base.jsonl", text);
}

#define MAX_STEPS 6

typedef struct step {
  const char *facts; /* imported first (NULL: none) */
  const char *at;    /* evaluated and stored as of this time */
  const char *state; /* expected */
  int alert;         /* LC_ALERT_* expected */
  const char *cause; /* expected exactly ("" for none) */
  int frozen;
} step;

typedef struct lifecycle_case {
  const char *name;
  const char *policies; /* NULL: the shipped set */
  step steps[MAX_STEPS];
} lifecycle_case;

#define MEMBERSHIP(level, at)                                                               \
  "{\"type\":\"membership\",\"org\":\"o\",\"competency\":\"cloud-platform\",\"level\":\"" level \
  "\",\"bought\":\"" at "\",\"by\":\"ops\"}\n"

static const lifecycle_case cases[] = {
    {"none -> qualified -> active on purchase",
     NULL,
     {{NULL, "2026-01-15", "qualified", LC_ALERT_KEEP, "the silver level is met", 0},
      {MEMBERSHIP("silver", "2026-02-01"), "2026-02-01", "active", LC_ALERT_KEEP,
       "silver membership bought on 2026-02-01 by ops, in force until 2026-12-31", 0}}},
    {"active -> at_risk when a holder leaves, with its cause; back to active, alert cleared",
     NULL,
     {{MEMBERSHIP("silver", "2026-02-01"), "2026-02-01", "active", LC_ALERT_KEEP,
       "silver membership bought on 2026-02-01 by ops, in force until 2026-12-31", 0},
      {"{\"type\":\"user\",\"id\":\"c2\",\"left\":\"2026-03-01\"}\n", "2026-03-02", "at_risk",
       LC_ALERT_RAISE, "user c2 left on 2026-03-01; AZ-204 held by c2 no longer counts", 0},
      {NULL, "2026-03-03", "at_risk", LC_ALERT_KEEP, "", 0},
      {"{\"type\":\"achievement\",\"msa\":\"c3@x\",\"code\":\"AZ-305\",\"kind\":\"certification\","
       "\"earned\":\"2026-04-01T00:00:00Z\"}\n",
       "2026-04-02", "active", LC_ALERT_CLEAR, "the silver level is met again", 0}}},
    {"at_risk by the renewal projection: an expiry before the year end",
     NULL,
     {{"{\"type\":\"achievement\",\"msa\":\"c1@x\",\"code\":\"AZ-104\",\"kind\":\"certification\","
       "\"earned\":\"2025-03-01T00:00:00Z\",\"expires\":\"2026-10-15\"}\n" MEMBERSHIP("silver", "2026-05-01"),
       "2026-05-01", "at_risk", LC_ALERT_RAISE,
       "by the end of the membership (2026-12-31): AZ-104 held by c1 expires on 2026-10-15, before "
       "renewal", 0}}},
    {"active -> expired at the end of the membership year",
     NULL,
     {{MEMBERSHIP("silver", "2026-02-01"), "2026-12-31T23:59:59Z", "active", LC_ALERT_KEEP,
       "silver membership bought on 2026-02-01 by ops, in force until 2026-12-31", 0},
      {NULL, "2027-01-01", "expired", LC_ALERT_KEEP,
       "the silver membership bought on 2026-02-01 ended after 2026-12-31 without renewal", 0}}},
    {"a departure after T is not seen as of T (not even by the projection)",
     NULL,
     {{MEMBERSHIP("silver", "2026-02-01") "{\"type\":\"user\",\"id\":\"c2\",\"left\":\"2026-05-15\"}\n",
       "2026-03-01", "active", LC_ALERT_KEEP,
       "silver membership bought on 2026-02-01 by ops, in force until 2026-12-31", 0},
      {NULL, "2026-05-15", "at_risk", LC_ALERT_RAISE,
       "user c2 left on 2026-05-15; AZ-204 held by c2 no longer counts", 0}}},
    {"a departure known in advance is projected, in the future tense",
     NULL,
     {{MEMBERSHIP("silver", "2026-02-01")
       "{\"type\":\"user\",\"id\":\"c2\",\"left\":\"2026-05-15\",\"known\":\"2026-02-20\"}\n",
       "2026-02-19", "active", LC_ALERT_KEEP,
       "silver membership bought on 2026-02-01 by ops, in force until 2026-12-31", 0},
      {NULL, "2026-03-01", "at_risk", LC_ALERT_RAISE,
       "by the end of the membership (2026-12-31): user c2 will leave on 2026-05-15; AZ-204 held by "
       "c2 will no longer count", 0}}},
    {"a path in error leaves the stored state alone",
     "gold-fails",
     {{MEMBERSHIP("gold", "2026-02-01"), "2026-02-01", "active", LC_ALERT_KEEP,
       "gold membership bought on 2026-02-01 by ops, in force until 2026-12-31", 0},
      {"{\"type\":\"metric\",\"org\":\"o\",\"metric\":\"broken\",\"period\":\"2026-03\",\"value\":1}\n",
       "2026-03-02", "active", LC_ALERT_KEEP, "", 1}}},
};

/* A policy whose gold path fails when the organisation reports the metric "broken". */
static const char *GOLD_FAILS =
    "local a = require 'attain'\n"
    "return a.competency { id = 'cloud-platform', name = 'Cloud Platform',\n"
    "  paths = {\n"
    "    a.path { id = 's', level = 'silver', a.certified { people = 2, codes = { 'AZ-104', 'AZ-204' } } },\n"
    "    a.path { id = 'g', level = 'gold', a.certified { people = 2, codes = { 'AZ-104', 'AZ-204' } },\n"
    "      a.goal { label = 'points', need = 1, measure = function(org)\n"
    "        if org:metric_latest('broken') then error('boom') end return 1 end } } } }\n";

typedef struct seen {
  const policy_set *set;
  store *s;
  int64_t at;
  int found;
  char state[16], cause[768], error[512];
  int alert, frozen;
} seen;

static int on_chunk(void *arg, const eval_chunk *c, char *e, size_t esz) {
  seen *sn = arg;
  for (int r = 0; r < c->nrows; r++) {
    const eval_row *row = &c->rows[r];
    if (strcmp(sn->set->files[row->policy].stem, "cloud-platform") != 0) continue;
    sn->found = 1;
    snprintf(sn->state, sizeof sn->state, "%s", lifecycle_state_name(row->state));
    snprintf(sn->cause, sizeof sn->cause, "%s", row->cause);
    snprintf(sn->error, sizeof sn->error, "%s", row->error ? row->error : "");
    sn->alert = row->alert;
    sn->frozen = row->frozen;
  }
  return eval_store_chunk(sn->s, sn->set, sn->at, c, NULL, e, esz);
}

static void run_case(const lifecycle_case *lc, const char *policies) {
  const char *path = testdb_path();
  store *s;
  CHECK(store_open(&s, path, 1, err, sizeof err) == 0);
  import_stats st;
  CHECK(import_file(s, base_file(), &st, err, sizeof err) == 0);
  policy_set *set;
  CHECK(policy_set_load(&set, policies, NULL, err, sizeof err) == 0 && set->nproblems == 0);
  for (int i = 0; i < MAX_STEPS && lc->steps[i].at; i++) {
    const step *sp = &lc->steps[i];
    if (sp->facts) {
      int rc = import_file(s, testdb_file("step.jsonl", sp->facts), &st, err, sizeof err);
      if (rc) fprintf(stderr, "  %s, step %d: %s\n", lc->name, i + 1, err);
      CHECK(rc == 0);
    }
    seen sn = {.set = set, .s = s};
    isotime_parse(sp->at, &sn.at);
    eval_request req = {.inline_store = s, .set = set, .at = sn.at, .lo = 1, .hi = 1,
                        .report = POLICY_REPORT_LEVEL, .on_chunk = on_chunk, .arg = &sn};
    eval_stats stats;
    CHECK(eval_run(&req, &stats, err, sizeof err) == 0);
    CHECK(sn.found);
    if (strcmp(sn.state, sp->state) != 0 || sn.alert != sp->alert ||
        strcmp(sn.cause, sp->cause) != 0 || sn.frozen != sp->frozen)
      fprintf(stderr, "  %s, step %d (%s): state %s, alert %d, frozen %d, cause \"%s\" %s\n",
              lc->name, i + 1, sp->at, sn.state, sn.alert, sn.frozen, sn.cause, sn.error);
    CHECK_STR(sn.state, sp->state);
    CHECK(sn.alert == sp->alert);
    CHECK_STR(sn.cause, sp->cause);
    CHECK(sn.frozen == sp->frozen);
    if (sp->frozen) CHECK_CONTAINS(sn.error, "failed to run:"); /* the error is on the row */
  }
  policy_set_unref(set);
  store_close(s);
  testdb_remove(path);
}

static void every_lifecycle_case(void) {
  char shipped[512], custom[256];
  const char *src = getenv("ATTAIN_SOURCE_DIR");
  snprintf(shipped, sizeof shipped, "%s/policies", src ? src : "..");
  snprintf(custom, sizeof custom, "/tmp/attain-test-lifecycle-%d", (int)getpid());
  mkdir(custom, 0700);
  char file[300];
  snprintf(file, sizeof file, "%s/cloud-platform.lua", custom);
  FILE *f = fopen(file, "w");
  fputs(GOLD_FAILS, f);
  fclose(f);
  for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
    int before = check_failures_total;
    run_case(&cases[i], cases[i].policies ? custom : shipped);
    fprintf(stderr, "  %s %s\n", check_failures_total == before ? "ok  " : "FAIL", cases[i].name);
  }
  unlink(file);
  rmdir(custom);
}

/* A transition is recorded once, whoever evaluates: two evaluators that both saw the old
 * state (the daemon and `attain eval`) store one history row. */
static int store_twice(void *arg, const eval_chunk *c, char *e, size_t esz) {
  seen *sn = arg;
  if (eval_store_chunk(sn->s, sn->set, sn->at, c, NULL, e, esz)) return -1;
  return eval_store_chunk(sn->s, sn->set, sn->at, c, NULL, e, esz);
}

static int64_t count(const char *path, const char *sql) {
  sqlite3 *db;
  int64_t n = -1;
  if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK) {
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
      n = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
  }
  sqlite3_close(db);
  return n;
}

static void records_a_transition_once_whoever_evaluates(void) {
  const char *path = testdb_path();
  store *s;
  CHECK(store_open(&s, path, 1, err, sizeof err) == 0);
  import_stats st;
  CHECK(import_file(s, base_file(), &st, err, sizeof err) == 0);
  char shipped[512];
  const char *src = getenv("ATTAIN_SOURCE_DIR");
  snprintf(shipped, sizeof shipped, "%s/policies", src ? src : "..");
  policy_set *set;
  CHECK(policy_set_load(&set, shipped, NULL, err, sizeof err) == 0);
  seen sn = {.set = set, .s = s};
  isotime_parse("2026-01-15", &sn.at);
  eval_request req = {.inline_store = s, .set = set, .at = sn.at, .lo = 1, .hi = 1,
                      .report = POLICY_REPORT_LEVEL, .on_chunk = store_twice, .arg = &sn};
  eval_stats stats;
  CHECK(eval_run(&req, &stats, err, sizeof err) == 0);
  CHECK(count(path, "SELECT count(*) FROM status_history WHERE competency = 'cloud-platform'") == 1);
  /* and never backwards: a transition dated before the stored state is not recorded */
  isotime_parse("2026-01-01", &sn.at);
  req.at = sn.at;
  CHECK(import_file(s, testdb_file("left.jsonl", "{\"type\":\"user\",\"id\":\"c1\",\"left\":\"2025-12-01\"}\n"),
                    &st, err, sizeof err) == 0);
  CHECK(eval_run(&req, &stats, err, sizeof err) == 0);
  CHECK(count(path, "SELECT count(*) FROM status_history WHERE competency = 'cloud-platform'") == 1);
  CHECK(count(path, "SELECT count(*) FROM status WHERE state = 'qualified'") == 1);
  policy_set_unref(set);
  store_close(s);
  testdb_remove(path);
}

/* A sweep's writer (eval_store_put) stores chunks in groups, one transaction each: another
 * connection sees exactly the organisations of the groups committed so far, the first
 * chunk waits in its group, the end commits the rest, and an abandoned group leaves
 * nothing. */
typedef struct grouped {
  eval_store w;
  const char *path;
  int64_t committed, seen_max, puts, waited_first;
  int mismatch;
} grouped;

static int put_grouped(void *arg, const eval_chunk *c, char *e, size_t esz) {
  grouped *g = arg;
  int64_t before = g->w.orgs;
  int rc = eval_store_put(&g->w, c, e, esz);
  if (rc < 0) return rc;
  if (g->puts++ == 0) g->waited_first = rc == 0;
  if (rc == 1) g->committed += before + c->norgs;
  int64_t visible = count(g->path, "SELECT count(*) FROM evaluation");
  if (visible != g->committed) g->mismatch = 1;
  return 0;
}

static void a_sweep_stores_in_groups(void) {
  enum { ORGS = EVAL_STORE_GROUP_ORGS + 300 };
  const char *path = testdb_path();
  store *s;
  CHECK(store_open(&s, path, 1, err, sizeof err) == 0);
  static char text[ORGS * 40];
  size_t n = 0;
  for (int i = 1; i <= ORGS; i++)
    n += (size_t)snprintf(text + n, sizeof text - n, "{\"type\":\"org\",\"id\":\"o%05d\"}\n", i);
  import_stats st;
  CHECK(import_file(s, testdb_file("orgs.jsonl", text), &st, err, sizeof err) == 0);
  char shipped[512];
  const char *src = getenv("ATTAIN_SOURCE_DIR");
  snprintf(shipped, sizeof shipped, "%s/policies", src ? src : "..");
  policy_set *set;
  CHECK(policy_set_load(&set, shipped, NULL, err, sizeof err) == 0);
  int64_t at;
  isotime_parse("2026-01-15", &at);
  grouped g = {.path = path};
  eval_store_init(&g.w, s, set, at);
  eval_request req = {.db = path, .workers = 1, .set = set, .at = at, .lo = 1, .hi = ORGS,
                      .report = POLICY_REPORT_LEVEL, .on_chunk = put_grouped, .arg = &g};
  eval_stats stats;
  CHECK(eval_run(&req, &stats, err, sizeof err) == 0);
  CHECK(g.puts > 1);
  CHECK(g.waited_first);
  CHECK(!g.mismatch);
  CHECK(eval_store_commit(&g.w, err, sizeof err) == 0);
  CHECK(count(path, "SELECT count(*) FROM evaluation") == ORGS);
  /* a later sweep abandoned after its first chunk: every stored evaluation stays as it was */
  isotime_parse("2026-02-15", &at);
  grouped later = {.path = path, .committed = ORGS};
  eval_store_init(&later.w, s, set, at);
  req.at = at;
  req.hi = 256;
  req.arg = &later;
  CHECK(eval_run(&req, &stats, err, sizeof err) == 0);
  CHECK(!later.mismatch);
  eval_store_abort(&later.w);
  CHECK(count(path, "SELECT count(*) FROM evaluation WHERE at > 1768435200") == 0);
  policy_set_unref(set);
  store_close(s);
  testdb_remove(path);
}

int main(void) {
  RUN(every_lifecycle_case);
  RUN(records_a_transition_once_whoever_evaluates);
  RUN(a_sweep_stores_in_groups);
  return check_report();
}
