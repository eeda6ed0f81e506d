/* store.c — the SQLite connection: opening, pragmas, the statement table, the
 * transaction helper and error reporting (see store.h). Schema lives in store_schema.c,
 * fact writes in store_write.c. */
#include "store_internal.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const stmt_sql[STMT_COUNT_] = {
#define X(id, sql) sql,
    STORE_STATEMENTS(X)
#undef X
};

/* SQLITE_BUSY and SQLITE_LOCKED (and their extended codes): another connection's lock. */
static int is_busy(int code) {
  return (code & 0xff) == SQLITE_BUSY || (code & 0xff) == SQLITE_LOCKED;
}

void store_busy_timeout(store *s, int ms) { sqlite3_busy_timeout(s->db, ms); }

int store_fail(store *s, sqlite3_stmt *st, const char *what, char *err, size_t errsz) {
  int code = sqlite3_extended_errcode(s->db);
  if (is_busy(code)) {
    snprintf(err, errsz, "%s: the database is busy: another process is writing to it (an import?) "
                         "(sqlite error %d)",
             what, code);
    return STORE_EBUSY;
  }
  const char *sql = st ? sqlite3_sql(st) : NULL;
  snprintf(err, errsz, "%s: sqlite error %d (%s): %s%s%s", what, code, sqlite3_errstr(code),
           sqlite3_errmsg(s->db), sql ? " [in: " : "", sql ? sql : "");
  if (sql) {
    size_t n = strlen(err);
    if (n + 1 < errsz) snprintf(err + n, errsz - n, "]");
  }
  return STORE_ERROR;
}

const char *store_stmt_sql(enum store_stmt_id id) { return stmt_sql[id]; }

sqlite3_stmt *store_stmt(store *s, enum store_stmt_id id, char *err, size_t errsz) {
  sqlite3_stmt *st = s->stmts[id];
  if (!st) {
    if (sqlite3_prepare_v3(s->db, stmt_sql[id], -1, SQLITE_PREPARE_PERSISTENT, &st, NULL) !=
        SQLITE_OK) {
      int code = sqlite3_extended_errcode(s->db);
      snprintf(err, errsz, "preparing statement: sqlite error %d (%s): %s [in: %s]", code,
               sqlite3_errstr(code), sqlite3_errmsg(s->db), stmt_sql[id]);
      return NULL;
    }
    s->stmts[id] = st;
  } else {
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
  }
  return st;
}

/* A parameter name the statement does not have is a programming error that would bind
 * nothing and store NULL in silence: it stops the process in every build (fossil's
 * paramIdx does the same), naming the parameter and the statement. Every statement runs
 * in the test suite, so a misspelt name cannot get past it. */
static int param(sqlite3_stmt *st, const char *name) {
  int i = sqlite3_bind_parameter_index(st, name);
  if (i <= 0) {
    fprintf(stderr, "attain: internal error: no parameter %s in statement [%s]\n", name,
            sqlite3_sql(st));
    abort();
  }
  return i;
}

void store_bind_text(sqlite3_stmt *st, const char *name, const char *v) {
  int i = param(st, name);
  if (v)
    sqlite3_bind_text(st, i, v, -1, SQLITE_TRANSIENT);
  else
    sqlite3_bind_null(st, i);
}

void store_bind_int(sqlite3_stmt *st, const char *name, int64_t v) {
  sqlite3_bind_int64(st, param(st, name), v);
}

void store_bind_time(sqlite3_stmt *st, const char *name, int64_t t) {
  int i = param(st, name);
  if (t == STORE_NO_TIME)
    sqlite3_bind_null(st, i);
  else
    sqlite3_bind_int64(st, i, t);
}

void store_bind_double(sqlite3_stmt *st, const char *name, double v) {
  sqlite3_bind_double(st, param(st, name), v);
}

int64_t store_column_time(sqlite3_stmt *st, int col) {
  return sqlite3_column_type(st, col) == SQLITE_NULL ? STORE_NO_TIME
                                                     : sqlite3_column_int64(st, col);
}

int store_exec_stmt(store *s, sqlite3_stmt *st, const char *what, char *err, size_t errsz) {
  int rc = sqlite3_step(st);
  if (rc != SQLITE_DONE && rc != SQLITE_ROW) return store_fail(s, st, what, err, errsz);
  sqlite3_reset(st);
  return STORE_OK;
}

static int exec_sql(store *s, const char *sql, char *err, size_t errsz) {
  char *msg = NULL;
  if (sqlite3_exec(s->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
    int code = sqlite3_extended_errcode(s->db);
    if (is_busy(code)) {
      sqlite3_free(msg);
      return store_fail(s, NULL, sql, err, errsz);
    }
    snprintf(err, errsz, "sqlite error %d (%s): %s [in: %s]", code, sqlite3_errstr(code),
             msg ? msg : sqlite3_errmsg(s->db), sql);
    sqlite3_free(msg);
    return STORE_ERROR;
  }
  return STORE_OK;
}

/* Process-wide SQLite settings, made once before the first connection. SQLite's memory
 * statistics take a process-wide mutex on every allocation, which evaluation workers and
 * the writer would contend for; attain never reads them. (sqlite3_config fails harmlessly
 * once SQLite is initialised, e.g. in a Lua interpreter that loaded another SQLite user.) */
static void configure_sqlite(void) { sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0); }

int store_open(store **out, const char *path, int mode, char *err, size_t errsz) {
  int migrate = mode == STORE_OPEN_MIGRATE;
  static pthread_once_t once = PTHREAD_ONCE_INIT;
  pthread_once(&once, configure_sqlite);
  *out = NULL;
  store *s = calloc(1, sizeof *s);
  if (!s) {
    snprintf(err, errsz, "out of memory");
    return STORE_ERROR;
  }
  int flags = (mode == STORE_OPEN_READ ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE) |
              SQLITE_OPEN_NOMUTEX | (migrate ? SQLITE_OPEN_CREATE : 0);
  if (sqlite3_open_v2(path, &s->db, flags, NULL) != SQLITE_OK) {
    if (!s->db) {
      snprintf(err, errsz, "%s: cannot open database: out of memory", path);
    } else {
      int code = sqlite3_extended_errcode(s->db);
      snprintf(err, errsz, "%s: cannot open database: sqlite error %d (%s): %s%s", path, code,
               sqlite3_errstr(code), sqlite3_errmsg(s->db),
               migrate ? "" : " (run `attain init` first)");
    }
    store_close(s);
    return STORE_ERROR;
  }
  sqlite3_extended_result_codes(s->db, 1);
  /* Another process (an import while the daemon runs) may hold the write lock for a
   * while: wait for it rather than fail. */
  sqlite3_busy_timeout(s->db, STORE_BUSY_MS);
  /* WAL lets readers (evaluations, status) run beside one writer; NORMAL sync is durable
   * across process crashes in WAL mode, which is the failure that matters here. ANALYZE
   * is never run: see docs/store.md on SQLite 3.40.1's IN/range bug. A read-only
   * connection leaves the journal mode to the writers (the file is in WAL already) and
   * refuses writes even to temporary tables. A writer checkpoints the WAL every 8,192
   * pages (32 MB), not SQLite's 1,000: a sweep rewrites the same index pages in group after
   * group, and each checkpoint writes them back and syncs (a first sweep of 640,000 x 19:
   * 13.6-14.2 s with 1,000, 12.1-13.0 s with 8,192 — docs/performance.md). */
  int rc = exec_sql(s,
                    mode == STORE_OPEN_READ
                        ? "PRAGMA query_only = ON; PRAGMA temp_store = MEMORY; "
                          "PRAGMA cache_size = -16384;"
                        : "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; "
                          "PRAGMA foreign_keys = ON; PRAGMA temp_store = MEMORY; "
                          "PRAGMA cache_size = -65536; PRAGMA wal_autocheckpoint = 8192;",
                    err, errsz);
  if (rc == STORE_OK) rc = store_schema_migrate(s, migrate, err, errsz);
  if (rc != STORE_OK) {
    size_t n = strlen(err);
    if (n < errsz && strncmp(err, path, strlen(path)) != 0) {
      char tmp[1024];
      snprintf(tmp, sizeof tmp, "%s: %s", path, err);
      snprintf(err, errsz, "%s", tmp);
    }
    store_close(s);
    return rc;
  }
  *out = s;
  return STORE_OK;
}

void store_close(store *s) {
  if (!s) return;
  for (int i = 0; i < STMT_COUNT_; i++) sqlite3_finalize(s->stmts[i]);
  free(s->touched.slots);
  free(s->orgs);
  free(s->users);
  free(s->msas);
  free(s->image_scratch);
  sqlite3_close(s->db);
  free(s);
}

int store_begin(store *s, char *err, size_t errsz) {
  if (s->in_tx) {
    snprintf(err, errsz, "store: nested transaction refused");
    return STORE_ERROR;
  }
  int rc = exec_sql(s, "BEGIN IMMEDIATE", err, errsz);
  if (rc != STORE_OK) return rc; /* STORE_EBUSY while another process writes */
  s->in_tx = 1;
  return STORE_OK;
}

int store_commit(store *s, char *err, size_t errsz) {
  int rc = exec_sql(s, "COMMIT", err, errsz);
  if (rc == STORE_OK) {
    s->in_tx = 0;
    return STORE_OK;
  }
  store_rollback(s);
  return rc;
}

void store_rollback(store *s) {
  char ignored[256];
  exec_sql(s, "ROLLBACK", ignored, sizeof ignored);
  s->in_tx = 0;
}

int store_tx(store *s, int (*fn)(store *s, void *arg, char *err, size_t errsz), void *arg,
             char *err, size_t errsz) {
  int rc = store_begin(s, err, errsz);
  if (rc != STORE_OK) return rc;
  rc = fn(s, arg, err, errsz);
  if (rc == 0) return store_commit(s, err, errsz);
  store_rollback(s);
  return rc;
}

int store_data_rev(store *s, int64_t *rev, char *err, size_t errsz) {
  sqlite3_stmt *st = store_stmt(s, STMT_DATA_REV_GET, err, errsz);
  if (!st) return STORE_ERROR;
  if (sqlite3_step(st) != SQLITE_ROW) return store_fail(s, st, "reading data_rev", err, errsz);
  *rev = sqlite3_column_int64(st, 0);
  sqlite3_reset(st);
  return STORE_OK;
}

static const char *const table_names[] = {
    "org", "user", "msa", "msa_link", "achievement", "metric", "override", "membership",
    "evaluation", "result", "status", "status_history", "alert", NULL};

const char *const *store_table_names(void) { return table_names; }

const char *store_sqlite_version(void) { return sqlite3_libversion(); }

int store_table_counts(store *s, int64_t *counts, char *err, size_t errsz) {
  for (int i = 0; table_names[i]; i++) {
    char sql[128];
    sqlite3_stmt *st;
    snprintf(sql, sizeof sql, "SELECT count(*) FROM \"%s\"", table_names[i]);
    if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK)
      return store_fail(s, NULL, sql, err, errsz);
    if (sqlite3_step(st) != SQLITE_ROW) {
      store_fail(s, st, "counting rows", err, errsz);
      sqlite3_finalize(st);
      return STORE_ERROR;
    }
    counts[i] = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
  }
  return STORE_OK;
}
