/* test_store.c — the store: opening, migrations, the transaction helper, fact writes,
 * association history (R7), and the SQLite 3.40.1 ANALYZE bug the store designs around. */
#include "check.h"
#include "store.h"
#include "store_internal.h"
#include "store_write.h"
#include "testdb.h"

static char err[1024];

static store *fresh(const char **path) {
  *path = testdb_path();
  store *s = NULL;
  if (store_open(&s, *path, 1, err, sizeof err) != STORE_OK) fprintf(stderr, "%s\n", err);
  return s;
}

static int64_t query_int(store *s, const char *sql) {
  sqlite3_stmt *st;
  int64_t v = -1;
  if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
    v = sqlite3_column_int64(st, 0);
  sqlite3_finalize(st);
  return v;
}

static void opens_with_wal_foreign_keys_and_current_schema(void) {
  const char *p;
  store *s = fresh(&p);
  CHECK(s != NULL);
  CHECK(query_int(s, "PRAGMA user_version") == store_schema_version());
  CHECK(query_int(s, "PRAGMA foreign_keys") == 1);
  sqlite3_stmt *st;
  sqlite3_prepare_v2(s->db, "PRAGMA journal_mode", -1, &st, NULL);
  sqlite3_step(st);
  CHECK_STR((const char *)sqlite3_column_text(st, 0), "wal");
  sqlite3_finalize(st);
  store_close(s);
  /* Reopening migrates nothing and keeps the data. */
  CHECK(store_open(&s, p, 1, err, sizeof err) == STORE_OK);
  store_close(s);
  testdb_remove(p);
}

static void refuses_an_unmigrated_or_newer_database(void) {
  const char *p = testdb_path();
  store *s;
  CHECK(store_open(&s, p, 0, err, sizeof err) != STORE_OK); /* does not exist */
  sqlite3 *db;
  sqlite3_open(p, &db);
  sqlite3_exec(db, "PRAGMA user_version = 99", NULL, NULL, NULL);
  sqlite3_close(db);
  CHECK(store_open(&s, p, 1, err, sizeof err) == STORE_EVERSION);
  CHECK_CONTAINS(err, "newer than this attain");
  testdb_remove(p);
}

static int write_then_fail(store *s, void *arg, char *e, size_t n) {
  store_write_begin(s);
  store_org_put(s, "acme", (store_opt_text){1, "Acme"}, e, n);
  snprintf(e, n, "deliberate");
  return -7;
}

static void rolls_back_a_failed_transaction(void) {
  const char *p;
  store *s = fresh(&p);
  CHECK(store_tx(s, write_then_fail, NULL, err, sizeof err) == -7);
  CHECK_STR(err, "deliberate");
  CHECK(query_int(s, "SELECT count(*) FROM org") == 0);
  store_close(s);
  testdb_remove(p);
}

static void reports_sqlite_errors_with_code_and_statement(void) {
  const char *p;
  store *s = fresh(&p);
  sqlite3_exec(s->db, "DROP TABLE metric", NULL, NULL, NULL);
  sqlite3_stmt *st = store_stmt(s, STMT_METRIC_UPSERT, err, sizeof err);
  CHECK(st == NULL);
  CHECK_CONTAINS(err, "sqlite error 1 (SQL logic error)");
  CHECK_CONTAINS(err, "INSERT INTO metric");
  store_close(s);
  testdb_remove(p);
}

struct ops {
  int (*fn)(store *s, char *e, size_t n);
  int64_t changed;
};

static int run_ops(store *s, void *arg, char *e, size_t n) {
  struct ops *o = arg;
  store_write_begin(s);
  int rc = o->fn(s, e, n);
  if (rc) return rc;
  return store_write_finish(s, &o->changed, e, n);
}

static int base_facts(store *s, char *e, size_t n) {
  int rc = 0;
  rc |= store_org_put(s, "a", (store_opt_text){1, "A"}, e, n);
  rc |= store_org_put(s, "b", (store_opt_text){1, "B"}, e, n);
  store_user_rec u1 = {"u1", "a", {1, "Ana"}, {0, 0}, {0, 0}, STORE_NO_TIME};
  store_user_rec u2 = {"u2", "b", {1, "Bo"}, {0, 0}, {0, 0}, STORE_NO_TIME};
  rc |= store_user_put(s, &u1, e, n);
  rc |= store_user_put(s, &u2, e, n);
  rc |= store_link_put(s, "m1", "u1", 1000, STORE_NO_TIME, e, n);
  /* (an MSA without achievements moving changes nothing an evaluation reads) */
  store_achievement_rec a = {"m1", "AZ-104", "certification", 900, STORE_NO_TIME, STORE_NO_TIME};
  rc |= store_achievement_put(s, &a, e, n);
  return rc;
}

static int move_msa(store *s, char *e, size_t n) { return store_link_put(s, "m1", "u2", 5000, STORE_NO_TIME, e, n); }
static int relink_same(store *s, char *e, size_t n) { return store_link_put(s, "m1", "u2", 7000, STORE_NO_TIME, e, n); }
static int insert_between(store *s, char *e, size_t n) { return store_link_put(s, "m1", "u2", 3000, STORE_NO_TIME, e, n); }

static void keeps_msa_association_history(void) {
  const char *p;
  store *s = fresh(&p);
  struct ops o = {base_facts, 0};
  CHECK(store_tx(s, run_ops, &o, err, sizeof err) == 0);
  CHECK(o.changed == 2);
  o.fn = move_msa;
  CHECK(store_tx(s, run_ops, &o, err, sizeof err) == 0);
  CHECK(o.changed == 2); /* both the old and the new organisation */
  CHECK(query_int(s, "SELECT ended FROM msa_link WHERE started = 1000") == 5000);
  CHECK(query_int(s, "SELECT count(*) FROM msa_link WHERE started = 5000 AND ended IS NULL") == 1);
  /* Associating again with the user it already belongs to changes nothing. */
  o.fn = relink_same;
  CHECK(store_tx(s, run_ops, &o, err, sizeof err) == 0);
  CHECK(o.changed == 0);
  CHECK(query_int(s, "SELECT count(*) FROM msa_link") == 2);
  /* An association imported out of order fits into the history. */
  o.fn = insert_between;
  CHECK(store_tx(s, run_ops, &o, err, sizeof err) == 0);
  CHECK(query_int(s, "SELECT ended FROM msa_link WHERE started = 1000") == 3000);
  CHECK(query_int(s, "SELECT ended FROM msa_link WHERE started = 3000") == 5000);
  store_close(s);
  testdb_remove(p);
}

static int user_moves(store *s, char *e, size_t n) {
  store_user_rec u = {"u1", "b", {0, 0}, {0, 0}, {0, 0}, STORE_NO_TIME};
  return store_user_put(s, &u, e, n);
}
static int user_leaves(store *s, char *e, size_t n) {
  store_user_rec u = {"u1", NULL, {0, 0}, {0, 0}, {1, 9000}, STORE_NO_TIME};
  return store_user_put(s, &u, e, n);
}

static void updates_only_the_fields_given(void) {
  const char *p;
  store *s = fresh(&p);
  struct ops o = {base_facts, 0};
  store_tx(s, run_ops, &o, err, sizeof err);
  o.fn = user_leaves;
  CHECK(store_tx(s, run_ops, &o, err, sizeof err) == 0);
  CHECK(query_int(s, "SELECT count(*) FROM user WHERE key = 'u1' AND name = 'Ana' AND left_at = 9000") == 1);
  CHECK(query_int(s, "SELECT rev FROM org WHERE key = 'a'") == 2);
  CHECK(query_int(s, "SELECT rev FROM org WHERE key = 'b'") == 1);
  o.fn = user_moves;
  CHECK(store_tx(s, run_ops, &o, err, sizeof err) == STORE_ECONFLICT);
  CHECK_CONTAINS(err, "user \"u1\" belongs to another organisation");
  store_close(s);
  testdb_remove(p);
}

/* Debian 12's SQLite 3.40.1 returns wrong rows after ANALYZE for IN (...) on a middle
 * index column plus a range on a later NOT NULL column. The store never runs ANALYZE and
 * its queries use no IN lists; this pins both facts: the store's own query shapes stay
 * right even on a database someone ANALYZEd. */
static void store_queries_stay_right_after_analyze(void) {
  const char *p;
  store *s = fresh(&p);
  struct ops o = {base_facts, 0};
  store_tx(s, run_ops, &o, err, sizeof err);
  o.fn = move_msa;
  store_tx(s, run_ops, &o, err, sizeof err);
  CHECK(sqlite3_exec(s->db, "ANALYZE", NULL, NULL, NULL) == SQLITE_OK);
  o.fn = insert_between;
  CHECK(store_tx(s, run_ops, &o, err, sizeof err) == 0);
  CHECK(query_int(s, "SELECT ended FROM msa_link WHERE started = 1000") == 3000);
  CHECK(query_int(s, "SELECT ended FROM msa_link WHERE started = 3000") == 5000);
  CHECK(query_int(s, "SELECT count(*) FROM sqlite_stat1 WHERE tbl = 'msa_link'") >= 1);
  store_close(s);
  testdb_remove(p);
}

static int count_rows(sqlite3 *db, const char *sql) {
  sqlite3_stmt *st;
  int n = -1;
  if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
    n = sqlite3_column_int(st, 0);
  sqlite3_finalize(st);
  return n;
}

static void the_known_sqlite_bug_needs_an_in_list(void) {
  /* A 6-row repro found on 3.40.1: no row has e <= 50, yet IN (...) on the middle column
   * of (u, c, e) with a range on e counts one after ANALYZE. One equality per query, the
   * shape the store uses, stays right. */
  sqlite3 *db;
  sqlite3_open(":memory:", &db);
  sqlite3_exec(db,
               "CREATE TABLE t(u INTEGER NOT NULL, c TEXT NOT NULL, e INTEGER NOT NULL);"
               "CREATE INDEX t_uce ON t(u, c, e);"
               "INSERT INTO t VALUES (3,'A',60),(4,'C',60),(3,'B',60),(1,'A',100),(3,'C',60),"
               "(3,'A',60);"
               "ANALYZE;",
               NULL, NULL, NULL);
  int in_list = count_rows(db, "SELECT count(*) FROM t WHERE u = 3 AND c IN ('A','B') AND e <= 50");
  fprintf(stderr, "  sqlite %s: IN + range after ANALYZE counts %d (right answer 0)%s\n",
          sqlite3_libversion(), in_list, in_list ? ": this SQLite has the bug" : "");
  /* On Debian 12's SQLite the repro must reproduce: it is why the store's queries avoid the
   * shape (docs/store.md). Another SQLite may have it fixed. */
  if (sqlite3_libversion_number() == 3040001) CHECK(in_list == 1);
  CHECK(count_rows(db, "SELECT count(*) FROM t WHERE u = 3 AND c = 'A' AND e <= 50") == 0);
  CHECK(count_rows(db, "SELECT count(*) FROM t WHERE u = 3 AND c = 'B' AND e <= 50") == 0);
  sqlite3_close(db);
}

/* Every statement the store runs, EXPLAINed: none builds a temporary b-tree (SQLite's
 * OpenEphemeral) on each execution, but for two that run once per chunk of a sweep or
 * per alert raised. A constant IN list in a CHECK constraint did, for every status change
 * and imported achievement, until migration 4. */
static void no_statement_builds_a_temporary_table_per_execution(void) {
  const char *p;
  store *s = fresh(&p);
  for (int id = 0; id < STMT_COUNT_; id++) {
    if (id == STMT_RESULT_PRUNE_RANGE || id == STMT_ALERT_RAISE) continue;
    char sql[4096];
    snprintf(sql, sizeof sql, "EXPLAIN %s", store_stmt_sql((enum store_stmt_id)id));
    sqlite3_stmt *st;
    CHECK(sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) == SQLITE_OK);
    int ephemeral = 0;
    while (sqlite3_step(st) == SQLITE_ROW)
      if (strcmp((const char *)sqlite3_column_text(st, 1), "OpenEphemeral") == 0) ephemeral++;
    sqlite3_finalize(st);
    if (ephemeral) fprintf(stderr, "  builds a temporary table: %s\n", store_stmt_sql(id));
    CHECK(ephemeral == 0);
  }
  store_close(s);
  testdb_remove(p);
}

/* A database made by an earlier attain keeps its facts, states and results through the
 * migrations (results of level none become no row), and the rebuilt constraints still
 * refuse what they refused. */
static void migrates_a_version_3_database_keeping_its_rows(void) {
  const char *p = testdb_path();
  sqlite3 *db;
  CHECK(sqlite3_open(p, &db) == SQLITE_OK);
  for (int v = 1; v <= 3; v++) CHECK(sqlite3_exec(db, store_schema_migration_sql(v), NULL, NULL, NULL) == SQLITE_OK);
  CHECK(sqlite3_exec(db,
                     "PRAGMA user_version = 3;"
                     "INSERT INTO org(oid, key) VALUES (1, 'a');"
                     "INSERT INTO user(uid, key, oid) VALUES (1, 'u1', 1);"
                     "INSERT INTO msa(mid, key) VALUES (1, 'm1');"
                     "INSERT INTO achievement VALUES (1, 'AZ-104', 100, 'certification', NULL);"
                     "INSERT INTO achievement VALUES (1, 'TA-CLOUD', 200, 'assessment', 900);"
                     "INSERT INTO status VALUES (1, 'security', 'at_risk', 300, 'why');"
                     "INSERT INTO result VALUES (1, 'security', 'v', 'silver', NULL);"
                     "INSERT INTO result VALUES (1, 'devops', 'v', NULL, NULL);"
                     "INSERT INTO result VALUES (1, 'broken', 'v', NULL, 'boom');",
                     NULL, NULL, NULL) == SQLITE_OK);
  sqlite3_close(db);
  store *s = NULL;
  CHECK(store_open(&s, p, 1, err, sizeof err) == STORE_OK);
  if (!s) return;
  CHECK(query_int(s, "PRAGMA user_version") == store_schema_version());
  CHECK(query_int(s, "SELECT count(*) FROM achievement") == 2);
  CHECK(query_int(s, "SELECT expires FROM achievement WHERE code = 'TA-CLOUD'") == 900);
  CHECK(query_int(s, "SELECT since FROM status WHERE state = 'at_risk' AND cause = 'why'") == 300);
  /* Level none is no row since version 4; levels and errors stay. */
  CHECK(query_int(s, "SELECT count(*) FROM result") == 2);
  CHECK(query_int(s, "SELECT count(*) FROM result WHERE competency = 'devops'") == 0);
  CHECK(sqlite3_exec(s->db, "INSERT INTO result VALUES (1, 'x', 'v', NULL, NULL)", NULL, NULL,
                     NULL) == SQLITE_CONSTRAINT_CHECK);
  CHECK(sqlite3_exec(s->db, "INSERT INTO achievement(mid, code, earned, kind) VALUES (1, 'X', 1, 'course')", NULL,
                     NULL, NULL) == SQLITE_CONSTRAINT_CHECK);
  CHECK(sqlite3_exec(s->db, "INSERT INTO status VALUES (1, 'devops', 'gold', 1, NULL)", NULL, NULL,
                     NULL) == SQLITE_CONSTRAINT_CHECK);
  CHECK(sqlite3_exec(s->db, "INSERT INTO status VALUES (1, 'devops', 'expired', 1, NULL)", NULL,
                     NULL, NULL) == SQLITE_OK);
  CHECK(query_int(s, "PRAGMA foreign_key_check") == -1); /* no row: no violation */
  store_close(s);
  testdb_remove(p);
}

int main(void) {
  RUN(opens_with_wal_foreign_keys_and_current_schema);
  RUN(refuses_an_unmigrated_or_newer_database);
  RUN(rolls_back_a_failed_transaction);
  RUN(reports_sqlite_errors_with_code_and_statement);
  RUN(keeps_msa_association_history);
  RUN(updates_only_the_fields_given);
  RUN(store_queries_stay_right_after_analyze);
  RUN(the_known_sqlite_bug_needs_an_in_list);
  RUN(no_statement_builds_a_temporary_table_per_execution);
  RUN(migrates_a_version_3_database_keeping_its_rows);
  return check_report();
}
