/* store.h — the fact store: attain's only door to SQLite.
 *
 * One `store` is one SQLite connection (WAL, foreign keys on, a busy timeout) with its
 * prepared statements, which are prepared on first use, reused, and finalized at one
 * place (store_close). Every write runs inside a transaction: store_tx, one per call, or
 * store_begin ... store_commit for a writer that groups a stream of writes.
 * Errors carry SQLite's extended result code and the statement that failed; a lock held
 * by another connection past the busy timeout is STORE_EBUSY, so callers can retry.
 *
 * The store knows no Lua and no JSON: callers hand it plain C values. A store is used
 * by one thread at a time; each worker thread opens its own. */
#ifndef ATTAIN_STORE_H
#define ATTAIN_STORE_H

#include <stddef.h>
#include <stdint.h>

typedef struct store store;

enum {
  STORE_OK = 0,
  STORE_ERROR = -1,   /* SQLite failed; detail in err */
  STORE_ENOTFOUND = -2,
  STORE_ECONFLICT = -3, /* the data contradicts what is stored; detail in err */
  STORE_EVERSION = -4,  /* the database is newer than this binary, or not migrated */
  STORE_EBUSY = -5,     /* another connection holds the lock longer than the busy timeout
                           (an import writing): nothing was done, retry later */
};

/* How long a statement waits for another connection's lock before failing with
 * STORE_EBUSY. A connection starts with STORE_BUSY_MS. */
#define STORE_BUSY_MS 10000
void store_busy_timeout(store *s, int ms);

/* Sentinel for "no time" (a NULL column). */
#define STORE_NO_TIME INT64_MIN

/* How store_open opens: STORE_OPEN_EXISTING refuses a database that is missing or whose
 * schema is not current; STORE_OPEN_MIGRATE creates it if needed and applies pending
 * migrations (`attain init`); STORE_OPEN_READ is EXISTING on a read-only connection (the
 * daemon's HTTP listener: a statement that would write fails). */
enum { STORE_OPEN_EXISTING = 0, STORE_OPEN_MIGRATE = 1, STORE_OPEN_READ = 2 };
int store_open(store **out, const char *path, int mode, char *err, size_t errsz);
void store_close(store *s);

/* The schema version this binary writes (PRAGMA user_version). */
int store_schema_version(void);

/* The SQLite library's version, as it reports it at run time ("3.40.1"). */
const char *store_sqlite_version(void);

/* Runs fn inside one IMMEDIATE transaction: commits if fn returns 0, rolls back
 * otherwise (fn's return value is passed through). Nested calls are refused. */
int store_tx(store *s, int (*fn)(store *s, void *arg, char *err, size_t errsz), void *arg,
             char *err, size_t errsz);

/* A transaction held open across calls, for a writer that stores a stream in groups
 * (eval_store.c): store_begin opens an IMMEDIATE transaction (STORE_EBUSY while another
 * process writes; nesting refused, as with store_tx), store_commit commits it (rolling
 * back if the commit fails), store_rollback abandons it. */
int store_begin(store *s, char *err, size_t errsz);
int store_commit(store *s, char *err, size_t errsz);
void store_rollback(store *s);

/* The data revision: a counter bumped once by every import that changed facts. An
 * organisation's `rev` is the data revision of the last change to its facts. */
int store_data_rev(store *s, int64_t *rev, char *err, size_t errsz);

/* Row counts of every fact table, for reports and tests: fills `counts` in the order of
 * store_table_names() (NULL-terminated). */
const char *const *store_table_names(void);
int store_table_counts(store *s, int64_t *counts, char *err, size_t errsz);

#endif
