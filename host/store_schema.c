/* store_schema.c — the database schema and its migrations, keyed on PRAGMA user_version.
 *
 * Each migration is applied once, in order, inside one transaction that also sets
 * user_version, so a database is always at a known version. Never edit a released
 * migration: add the next one. Times are INTEGER seconds since the Unix epoch (UTC);
 * metric periods are month indexes (year * 12 + month - 1); NULL means "none". */
#include "store_internal.h"

#include <stdio.h>

static const char *const migrations[] = {
    /* 1: the facts of DOMAIN.md, and the tables results, status and alerts fill. */
    "CREATE TABLE meta (key TEXT PRIMARY KEY, value) WITHOUT ROWID;"
    "INSERT INTO meta(key, value) VALUES ('data_rev', 0);"
    /* An organisation's rev is the data revision of the last import that changed any
     * fact the organisation's evaluation reads: the daemon compares it with the rev a
     * stored result was computed from. */
    "CREATE TABLE org ("
    "  oid INTEGER PRIMARY KEY,"
    "  key TEXT NOT NULL UNIQUE,"
    "  name TEXT,"
    "  rev INTEGER NOT NULL DEFAULT 0);"
    "CREATE INDEX org_rev ON org(rev);"
    /* A user account belongs to one organisation for its whole life (R5, R8). */
    "CREATE TABLE user ("
    "  uid INTEGER PRIMARY KEY,"
    "  key TEXT NOT NULL UNIQUE,"
    "  oid INTEGER NOT NULL REFERENCES org(oid),"
    "  name TEXT,"
    "  joined INTEGER,"
    "  left_at INTEGER);"
    "CREATE INDEX user_org ON user(oid);"
    "CREATE TABLE msa (mid INTEGER PRIMARY KEY, key TEXT NOT NULL UNIQUE);"
    /* The association history of each MSA (R7): one row per association, in force from
     * `started` until `ended` (the next association's start; NULL while current). `oid`
     * is the user's organisation, kept here so one organisation's links load by index. */
    "CREATE TABLE msa_link ("
    "  mid INTEGER NOT NULL REFERENCES msa(mid),"
    "  started INTEGER NOT NULL,"
    "  uid INTEGER NOT NULL REFERENCES user(uid),"
    "  oid INTEGER NOT NULL REFERENCES org(oid),"
    "  ended INTEGER,"
    "  PRIMARY KEY (mid, started)) WITHOUT ROWID;"
    "CREATE INDEX msa_link_org ON msa_link(oid, mid);"
    "CREATE TABLE achievement ("
    "  mid INTEGER NOT NULL REFERENCES msa(mid),"
    "  code TEXT NOT NULL,"
    "  earned INTEGER NOT NULL,"
    "  kind TEXT NOT NULL CHECK (kind IN ('certification', 'exam', 'assessment')),"
    "  expires INTEGER,"
    "  PRIMARY KEY (mid, code, earned)) WITHOUT ROWID;"
    "CREATE TABLE metric ("
    "  oid INTEGER NOT NULL REFERENCES org(oid),"
    "  name TEXT NOT NULL,"
    "  period INTEGER NOT NULL,"
    "  value REAL NOT NULL CHECK (value >= 0),"
    "  PRIMARY KEY (oid, name, period)) WITHOUT ROWID;"
    /* R15: an operator's credit of `people` holders of `code` for one competency, with
     * who and why, in force from valid_from (NULL: always) until valid_until. */
    "CREATE TABLE override ("
    "  oid INTEGER NOT NULL REFERENCES org(oid),"
    "  competency TEXT NOT NULL,"
    "  code TEXT NOT NULL,"
    "  people INTEGER NOT NULL CHECK (people > 0),"
    "  reason TEXT NOT NULL,"
    "  granted_by TEXT NOT NULL,"
    "  valid_from INTEGER,"
    "  valid_until INTEGER NOT NULL,"
    "  PRIMARY KEY (oid, competency, code)) WITHOUT ROWID;"
    /* What an organisation bought (R9, R10). The end of a membership is not stored: the
     * policy set's renewal rule derives it from `bought`. */
    "CREATE TABLE membership ("
    "  oid INTEGER NOT NULL REFERENCES org(oid),"
    "  competency TEXT NOT NULL,"
    "  bought INTEGER NOT NULL,"
    "  level TEXT NOT NULL CHECK (level IN ('silver', 'gold')),"
    "  bought_by TEXT,"
    "  PRIMARY KEY (oid, competency, bought)) WITHOUT ROWID;"
    /* The latest evaluation of each organisation x competency: replaced, never
     * appended, so the database does not grow with every sweep. */
    "CREATE TABLE result ("
    "  oid INTEGER NOT NULL REFERENCES org(oid),"
    "  competency TEXT NOT NULL,"
    "  at INTEGER NOT NULL,"
    "  policy TEXT NOT NULL,"
    "  rev INTEGER NOT NULL,"
    "  level TEXT,"
    "  error TEXT,"
    "  next_change INTEGER,"
    "  detail TEXT NOT NULL,"
    "  PRIMARY KEY (oid, competency)) WITHOUT ROWID;"
    "CREATE INDEX result_next_change ON result(next_change);"
    "CREATE TABLE status ("
    "  oid INTEGER NOT NULL REFERENCES org(oid),"
    "  competency TEXT NOT NULL,"
    "  state TEXT NOT NULL CHECK (state IN ('none','qualified','active','at_risk','expired')),"
    "  since INTEGER NOT NULL,"
    "  cause TEXT,"
    "  PRIMARY KEY (oid, competency)) WITHOUT ROWID;"
    "CREATE TABLE status_history ("
    "  id INTEGER PRIMARY KEY,"
    "  oid INTEGER NOT NULL REFERENCES org(oid),"
    "  competency TEXT NOT NULL,"
    "  state TEXT NOT NULL,"
    "  at INTEGER NOT NULL,"
    "  cause TEXT);"
    "CREATE INDEX status_history_org ON status_history(oid, competency, at);"
    "CREATE TABLE alert ("
    "  id INTEGER PRIMARY KEY,"
    "  oid INTEGER NOT NULL REFERENCES org(oid),"
    "  competency TEXT NOT NULL,"
    "  kind TEXT NOT NULL,"
    "  message TEXT NOT NULL,"
    "  cause TEXT,"
    "  raised INTEGER NOT NULL,"
    "  cleared INTEGER);"
    "CREATE INDEX alert_org ON alert(oid, competency, raised);",

    /* 2: results split in two. `evaluation` holds one row per organisation: when it was
     * last evaluated, by which policy set version, from which data revision, and the
     * earliest time its results can change by themselves (the daemon's schedule).
     * `result` holds one row per organisation x competency — the level reached or the
     * policy's error, and the version that produced it — rewritten only when one of
     * those changes. Paths and goals are not stored: they are a pure function of the
     * facts, the policy set and the time, recomputed by `status` and `eval --json`. */
    "DROP TABLE result;"
    "CREATE TABLE evaluation ("
    "  oid INTEGER PRIMARY KEY REFERENCES org(oid),"
    "  at INTEGER NOT NULL,"
    "  policy TEXT NOT NULL,"
    "  rev INTEGER NOT NULL,"
    "  next_change INTEGER);"
    "CREATE INDEX evaluation_next_change ON evaluation(next_change);"
    "CREATE TABLE result ("
    "  oid INTEGER NOT NULL REFERENCES org(oid),"
    "  competency TEXT NOT NULL,"
    "  policy TEXT NOT NULL,"
    "  level TEXT CHECK (level IN ('silver', 'gold')),"
    "  error TEXT,"
    "  PRIMARY KEY (oid, competency)) WITHOUT ROWID;"
    "CREATE INDEX alert_open ON alert(oid, competency) WHERE cleared IS NULL;"
    "ALTER TABLE alert ADD COLUMN cleared_cause TEXT;",

    /* 3: the per-organisation index of MSA associations covers what evaluations read
     * (measured: the range read of a sweep's achievements takes 25% less time). */
    "DROP INDEX msa_link_org;"
    "CREATE INDEX msa_link_org ON msa_link(oid, mid, started, uid, ended);",

    /* 4: CHECK constraints without IN lists. SQLite builds a temporary index for a
     * constant IN list of three or more values on every execution of an INSERT or
     * UPDATE that checks it — about 20,000 instructions per status change or imported
     * achievement. Equalities joined by OR check the same thing without it. Both tables
     * are rebuilt (SQLite cannot alter a constraint); nothing references them. */
    "CREATE TABLE achievement_v4 ("
    "  mid INTEGER NOT NULL REFERENCES msa(mid),"
    "  code TEXT NOT NULL,"
    "  earned INTEGER NOT NULL,"
    "  kind TEXT NOT NULL"
    "    CHECK (kind = 'certification' OR kind = 'exam' OR kind = 'assessment'),"
    "  expires INTEGER,"
    "  PRIMARY KEY (mid, code, earned)) WITHOUT ROWID;"
    "INSERT INTO achievement_v4 SELECT mid, code, earned, kind, expires FROM achievement;"
    "DROP TABLE achievement;"
    "ALTER TABLE achievement_v4 RENAME TO achievement;"
    "CREATE TABLE status_v4 ("
    "  oid INTEGER NOT NULL REFERENCES org(oid),"
    "  competency TEXT NOT NULL,"
    "  state TEXT NOT NULL CHECK (state = 'none' OR state = 'qualified' OR state = 'active'"
    "    OR state = 'at_risk' OR state = 'expired'),"
    "  since INTEGER NOT NULL,"
    "  cause TEXT,"
    "  PRIMARY KEY (oid, competency)) WITHOUT ROWID;"
    "INSERT INTO status_v4 SELECT oid, competency, state, since, cause FROM status;"
    "DROP TABLE status;"
    "ALTER TABLE status_v4 RENAME TO status;"
    /* And results are stored only for a level reached or an error, like states: level
     * none is the absence of a row (the evaluation row says which set evaluated the
     * organisation). A first sweep of 100,000 organisations writes ~76,000 rows, not
     * 600,000. */
    "CREATE TABLE result_v4 ("
    "  oid INTEGER NOT NULL REFERENCES org(oid),"
    "  competency TEXT NOT NULL,"
    "  policy TEXT NOT NULL,"
    "  level TEXT CHECK (level IN ('silver', 'gold')),"
    "  error TEXT,"
    "  CHECK (level IS NOT NULL OR error IS NOT NULL),"
    "  PRIMARY KEY (oid, competency)) WITHOUT ROWID;"
    "INSERT INTO result_v4 SELECT oid, competency, policy, level, error FROM result"
    "  WHERE level IS NOT NULL OR error IS NOT NULL;"
    "DROP TABLE result;"
    "ALTER TABLE result_v4 RENAME TO result;",

    /* 5: when the program learned of an event (docs/eval.md, "What is known as of T"). An
     * evaluation as of T sees an event once its known time is at or before T; NULL means
     * the event's own time (a user's joining or departure, an association's start, an
     * achievement's earning, an override's start). The per-organisation index of MSA
     * associations keeps covering what sweeps read. */
    "ALTER TABLE user ADD COLUMN joined_known INTEGER;"
    "ALTER TABLE user ADD COLUMN left_known INTEGER;"
    "ALTER TABLE msa_link ADD COLUMN known INTEGER;"
    "ALTER TABLE achievement ADD COLUMN known INTEGER;"
    "ALTER TABLE override ADD COLUMN known INTEGER;"
    "DROP INDEX msa_link_org;"
    "CREATE INDEX msa_link_org ON msa_link(oid, mid, started, uid, ended, known);"
    /* The associations that have a successor (a few percent): what a sweep reads to know
     * what ended them, without scanning every association again. */
    "CREATE INDEX msa_link_ended ON msa_link(oid, mid, started) WHERE ended IS NOT NULL;",

    /* 6: facts images (store_image.c): every fact an evaluation of an organisation reads,
     * in one blob, written whenever its facts change, trusted while `rev` is the
     * organisation's. A sweep reads one row per organisation instead of ~100. Derived
     * data: the source tables stay the truth (a missing or stale image is read from
     * them); migrating builds the images of every organisation. */
    "CREATE TABLE org_facts ("
    "  oid INTEGER PRIMARY KEY REFERENCES org(oid),"
    "  rev INTEGER NOT NULL,"
    "  facts BLOB NOT NULL);",

    /* 7: lists for people and the dashboard (store_lists.c; docs/store.md, "Lists"). Each
     * index drives one kind of page in organisation order, so a page is an index seek
     * and LIMIT rows whatever the page's number; `status` and `result` are WITHOUT ROWID
     * tables keyed (oid, competency), so their indexes end in oid anyway. */
    /* Organisations in a state of a competency; at a level of a competency. (Of any
     * competency: a page of each competency, merged; an index per state and per level
     * would cost every first sweep another index write per row.) */
    "CREATE INDEX status_competency_state ON status(competency, state, oid);"
    "CREATE INDEX result_competency_level ON result(competency, level, oid);"
    /* Alerts newest first: of one organisation (oid, then the rowid id); open ones of
     * every organisation (the few not cleared, without reading the cleared). */
    "CREATE INDEX alert_org_id ON alert(oid);"
    "CREATE INDEX alert_open_id ON alert(id) WHERE cleared IS NULL;"
    /* Search by the words of an organisation's id and name: a full-text index (FTS5) kept
     * by triggers in the same transaction as `org`, with prefix indexes so that a one- to
     * three-letter prefix reads one list instead of merging every word it begins; no
     * column sizes (they serve ranking, which lists do not do). */
    "CREATE VIRTUAL TABLE org_search USING fts5(key, name, content = 'org', "
    "  content_rowid = 'oid', tokenize = 'unicode61 remove_diacritics 2', prefix = '1 2 3',"
    "  columnsize = 0);"
    "CREATE TRIGGER org_search_insert AFTER INSERT ON org BEGIN"
    "  INSERT INTO org_search(rowid, key, name) VALUES (new.oid, new.key, new.name);"
    "END;"
    "CREATE TRIGGER org_search_update AFTER UPDATE OF key, name ON org BEGIN"
    "  INSERT INTO org_search(org_search, rowid, key, name)"
    "    VALUES ('delete', old.oid, old.key, old.name);"
    "  INSERT INTO org_search(rowid, key, name) VALUES (new.oid, new.key, new.name);"
    "END;"
    "CREATE TRIGGER org_search_delete AFTER DELETE ON org BEGIN"
    "  INSERT INTO org_search(org_search, rowid, key, name)"
    "    VALUES ('delete', old.oid, old.key, old.name);"
    "END;"
    "INSERT INTO org_search(org_search) VALUES ('rebuild');"
    /* Counts per competency and state, per competency and level, and of organisations, kept
     * by triggers in the same transaction as the rows they count: reading them costs a
     * few rows however many organisations there are (counting an index range costs about
     * 40 ns a row: 85 ms for every state and level at 640,000 organisations). A row at 0
     * stays. */
    "CREATE TABLE state_count ("
    "  competency TEXT NOT NULL,"
    "  state TEXT NOT NULL,"
    "  n INTEGER NOT NULL,"
    "  PRIMARY KEY (competency, state)) WITHOUT ROWID;"
    "INSERT INTO state_count SELECT competency, state, count(*) FROM status"
    "  GROUP BY competency, state;"
    "CREATE TRIGGER state_count_insert AFTER INSERT ON status BEGIN"
    "  INSERT INTO state_count VALUES (new.competency, new.state, 1)"
    "    ON CONFLICT DO UPDATE SET n = n + 1;"
    "END;"
    "CREATE TRIGGER state_count_update AFTER UPDATE OF competency, state ON status"
    "  WHEN old.state IS NOT new.state OR old.competency IS NOT new.competency BEGIN"
    "  UPDATE state_count SET n = n - 1 WHERE competency = old.competency AND state = old.state;"
    "  INSERT INTO state_count VALUES (new.competency, new.state, 1)"
    "    ON CONFLICT DO UPDATE SET n = n + 1;"
    "END;"
    "CREATE TRIGGER state_count_delete AFTER DELETE ON status BEGIN"
    "  UPDATE state_count SET n = n - 1 WHERE competency = old.competency AND state = old.state;"
    "END;"
    "CREATE TABLE level_count ("
    "  competency TEXT NOT NULL,"
    "  level TEXT NOT NULL,"
    "  n INTEGER NOT NULL,"
    "  PRIMARY KEY (competency, level)) WITHOUT ROWID;"
    "INSERT INTO level_count SELECT competency, level, count(*) FROM result"
    "  WHERE level IS NOT NULL GROUP BY competency, level;"
    "CREATE TRIGGER level_count_insert AFTER INSERT ON result WHEN new.level IS NOT NULL BEGIN"
    "  INSERT INTO level_count VALUES (new.competency, new.level, 1)"
    "    ON CONFLICT DO UPDATE SET n = n + 1;"
    "END;"
    "CREATE TRIGGER level_count_update AFTER UPDATE OF competency, level ON result"
    "  WHEN old.level IS NOT new.level OR old.competency IS NOT new.competency BEGIN"
    "  UPDATE level_count SET n = n - 1 WHERE competency = old.competency AND level = old.level;"
    "  INSERT INTO level_count SELECT new.competency, new.level, 1 WHERE new.level IS NOT NULL"
    "    ON CONFLICT DO UPDATE SET n = n + 1;"
    "END;"
    "CREATE TRIGGER level_count_delete AFTER DELETE ON result WHEN old.level IS NOT NULL BEGIN"
    "  UPDATE level_count SET n = n - 1 WHERE competency = old.competency AND level = old.level;"
    "END;"
    "INSERT INTO meta(key, value) VALUES ('orgs', (SELECT count(*) FROM org));"
    "CREATE TRIGGER org_count_insert AFTER INSERT ON org BEGIN"
    "  UPDATE meta SET value = value + 1 WHERE key = 'orgs';"
    "END;"
    "CREATE TRIGGER org_count_delete AFTER DELETE ON org BEGIN"
    "  UPDATE meta SET value = value - 1 WHERE key = 'orgs';"
    "END;",
};

/* Work a migration needs beyond its SQL, in the same transaction. */
static int after_migration(store *s, int to, char *err, size_t errsz) {
  return to == 6 ? store_images_rebuild_all(s, err, errsz) : STORE_OK;
}

#define MIGRATION_COUNT ((int)(sizeof migrations / sizeof migrations[0]))

int store_schema_version(void) { return MIGRATION_COUNT; }

const char *store_schema_migration_sql(int to) {
  return to >= 1 && to <= MIGRATION_COUNT ? migrations[to - 1] : NULL;
}

static int user_version(store *s, int *v, char *err, size_t errsz) {
  sqlite3_stmt *st;
  if (sqlite3_prepare_v2(s->db, "PRAGMA user_version", -1, &st, NULL) != SQLITE_OK)
    return store_fail(s, NULL, "reading user_version", err, errsz);
  int rc = sqlite3_step(st);
  if (rc != SQLITE_ROW) {
    store_fail(s, st, "reading user_version", err, errsz);
    sqlite3_finalize(st);
    return STORE_ERROR;
  }
  *v = sqlite3_column_int(st, 0);
  sqlite3_finalize(st);
  return STORE_OK;
}

struct step {
  int to;
};

static int apply(store *s, void *arg, char *err, size_t errsz) {
  const struct step *m = arg;
  char *msg = NULL;
  char sql[64];
  snprintf(sql, sizeof sql, "PRAGMA user_version = %d", m->to);
  if (sqlite3_exec(s->db, migrations[m->to - 1], NULL, NULL, &msg) != SQLITE_OK ||
      sqlite3_exec(s->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
    int code = sqlite3_extended_errcode(s->db);
    snprintf(err, errsz, "migration %d: sqlite error %d (%s): %s", m->to, code,
             sqlite3_errstr(code), msg ? msg : sqlite3_errmsg(s->db));
    sqlite3_free(msg);
    return STORE_ERROR;
  }
  int rc = after_migration(s, m->to, err, errsz);
  if (rc) {
    char why[512];
    snprintf(why, sizeof why, "%s", err);
    snprintf(err, errsz, "migration %d: %s", m->to, why);
  }
  return rc;
}

int store_schema_migrate(store *s, int migrate, char *err, size_t errsz) {
  int v = 0;
  if (user_version(s, &v, err, errsz) != STORE_OK) return STORE_ERROR;
  if (v > MIGRATION_COUNT) {
    snprintf(err, errsz, "database schema version %d is newer than this attain (%d)", v,
             MIGRATION_COUNT);
    return STORE_EVERSION;
  }
  if (v < MIGRATION_COUNT && !migrate) {
    snprintf(err, errsz, "database schema version %d, expected %d: run `attain init` first", v,
             MIGRATION_COUNT);
    return STORE_EVERSION;
  }
  for (struct step m = {v + 1}; m.to <= MIGRATION_COUNT; m.to++) {
    int rc = store_tx(s, apply, &m, err, errsz);
    if (rc != STORE_OK) return rc;
  }
  return STORE_OK;
}
