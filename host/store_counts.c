/* store_counts.c — whole-database totals for metrics (see store_counts.h). The queries
 * run a few times a minute at most, so they are prepared per call rather than kept in
 * the store's statement table. States and levels come from the counts the store keeps as
 * it writes (state_count, level_count); open alerts from the partial index of them. */
#include "store_counts.h"

#include <stdio.h>

#include "store_internal.h"

static int each(store *s, const char *sql, int with_state, store_count_fn fn, void *arg,
                char *err, size_t errsz) {
  sqlite3_stmt *st = NULL;
  if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK)
    return store_fail(s, NULL, sql, err, errsz);
  int rc;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    const char *competency = (const char *)sqlite3_column_text(st, 0);
    const char *state = with_state ? (const char *)sqlite3_column_text(st, 1) : NULL;
    if (fn(arg, competency ? competency : "", state, sqlite3_column_int64(st, with_state ? 2 : 1))) {
      sqlite3_finalize(st);
      snprintf(err, errsz, "out of memory");
      return STORE_ERROR;
    }
  }
  if (rc != SQLITE_DONE) {
    rc = store_fail(s, st, sql, err, errsz);
    sqlite3_finalize(st);
    return rc;
  }
  sqlite3_finalize(st);
  return STORE_OK;
}

int store_state_counts(store *s, store_count_fn fn, void *arg, char *err, size_t errsz) {
  /* state_count: kept by triggers on `status` (migration 7), a few rows */
  return each(s,
              "SELECT competency, state, sum(n) FROM state_count GROUP BY competency, state "
              "HAVING sum(n) > 0 ORDER BY competency, state",
              1, fn, arg, err, errsz);
}

int store_level_counts(store *s, store_count_fn fn, void *arg, char *err, size_t errsz) {
  return each(s,
              "SELECT competency, level, sum(n) FROM level_count GROUP BY competency, level "
              "HAVING sum(n) > 0 ORDER BY competency, level",
              1, fn, arg, err, errsz);
}

int store_open_alert_counts(store *s, store_count_fn fn, void *arg, char *err, size_t errsz) {
  return each(s,
              "SELECT competency, count(*) FROM alert WHERE cleared IS NULL "
              "GROUP BY competency ORDER BY competency",
              0, fn, arg, err, errsz);
}
