/* store_read.c — range reads of facts for evaluation (see store_read.h).
 *
 * Every query selects by equality or BETWEEN on the leading column of an index and uses
 * no IN list: the shape SQLite 3.40.1 gets wrong after ANALYZE is never issued. */
#include "store_read.h"

#include <stdio.h>
#include <stdlib.h>

#include "store_internal.h"

static const char *text(sqlite3_stmt *st, int col) {
  const unsigned char *t = sqlite3_column_text(st, col);
  return t ? (const char *)t : "";
}

static const char *text_or_null(sqlite3_stmt *st, int col) {
  return (const char *)sqlite3_column_text(st, col);
}

/* Runs one range statement, handing each row to `row`. */
static int each_row(store *s, enum store_stmt_id id, int64_t lo, int64_t hi,
                    int (*row)(sqlite3_stmt *st, const store_read_sink *sink, void *arg),
                    const store_read_sink *sink, void *arg, const char *what, char *err,
                    size_t errsz) {
  sqlite3_stmt *st = store_stmt(s, id, err, errsz);
  if (!st) return STORE_ERROR;
  store_bind_int(st, ":lo", lo);
  store_bind_int(st, ":hi", hi);
  if (id == STMT_RANGE_METRICS) {
    const store_metric_window *w = s->read_window;
    static const char *const any[STORE_ANY_MONTH_METRICS] = {":any1", ":any2", ":any3", ":any4"};
    store_bind_int(st, ":from", w ? w->from : INT64_MIN);
    for (int k = 0; k < STORE_ANY_MONTH_METRICS; k++)
      store_bind_text(st, any[k], w ? w->any_month[k] : NULL); /* name = NULL: never */
  }
  int rc;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    int r = row(st, sink, arg);
    if (r) {
      sqlite3_reset(st);
      snprintf(err, errsz, "%s: stopped by the reader", what);
      return r;
    }
  }
  if (rc != SQLITE_DONE) return store_fail(s, st, what, err, errsz);
  sqlite3_reset(st);
  return STORE_OK;
}

static int org_row(sqlite3_stmt *st, const store_read_sink *k, void *arg) {
  return k->org(arg, sqlite3_column_int64(st, 0), text(st, 1), sqlite3_column_int64(st, 2));
}

static int user_row(sqlite3_stmt *st, const store_read_sink *k, void *arg) {
  return k->user(arg, sqlite3_column_int64(st, 0), sqlite3_column_int64(st, 1), text(st, 2),
                 store_column_time(st, 3), store_column_time(st, 4));
}

static int holding_row(sqlite3_stmt *st, const store_read_sink *k, void *arg) {
  store_holding_row h = {
      .oid = sqlite3_column_int64(st, 0),
      .uid = sqlite3_column_int64(st, 1),
      .msa = text(st, 2),
      .started = sqlite3_column_int64(st, 3),
      .ended = store_column_time(st, 4),
      .next_oid = sqlite3_column_int64(st, 5),
      .code = text(st, 6),
      .kind = text(st, 7),
      .earned = sqlite3_column_int64(st, 8),
      .expires = store_column_time(st, 9),
  };
  return k->holding(arg, &h);
}

static int metric_row(sqlite3_stmt *st, const store_read_sink *k, void *arg) {
  return k->metric(arg, sqlite3_column_int64(st, 0), text(st, 1), sqlite3_column_int(st, 2),
                   sqlite3_column_double(st, 3));
}

static int override_row(sqlite3_stmt *st, const store_read_sink *k, void *arg) {
  store_override_row o = {
      .oid = sqlite3_column_int64(st, 0),
      .competency = text(st, 1),
      .code = text(st, 2),
      .people = sqlite3_column_int64(st, 3),
      .reason = text(st, 4),
      .by = text(st, 5),
      .from = store_column_time(st, 6),
      .until = sqlite3_column_int64(st, 7),
  };
  return k->override(arg, &o);
}

static int membership_row(sqlite3_stmt *st, const store_read_sink *k, void *arg) {
  store_membership_row m = {
      .oid = sqlite3_column_int64(st, 0),
      .competency = text(st, 1),
      .bought = sqlite3_column_int64(st, 2),
      .level = text(st, 3),
      .by = text_or_null(st, 4),
  };
  return k->membership(arg, &m);
}

static int status_row(sqlite3_stmt *st, const store_read_sink *k, void *arg) {
  store_status_row r = {sqlite3_column_int64(st, 0), text(st, 1), text(st, 2),
                        sqlite3_column_int64(st, 3)};
  return k->status(arg, &r);
}

static int alert_row(sqlite3_stmt *st, const store_read_sink *k, void *arg) {
  store_alert_row a = {
      .oid = sqlite3_column_int64(st, 0),
      .competency = text(st, 1),
      .id = sqlite3_column_int64(st, 2),
      .kind = text(st, 3),
      .message = text(st, 4),
      .cause = text(st, 5),
      .raised = sqlite3_column_int64(st, 6),
  };
  return k->alert(arg, &a);
}

static int result_row(sqlite3_stmt *st, const store_read_sink *k, void *arg) {
  store_result_row r = {sqlite3_column_int64(st, 0), text(st, 1), text(st, 2),
                        text_or_null(st, 3), text_or_null(st, 4)};
  return k->result(arg, &r);
}

int store_read_range(store *s, int64_t lo, int64_t hi, const store_metric_window *w,
                     const store_read_sink *sink, void *arg, char *err, size_t errsz) {
  s->read_window = w;
  /* One read transaction, so the tables agree with each other even while another
   * process imports. */
  int rc = sqlite3_exec(s->db, "BEGIN", NULL, NULL, NULL) == SQLITE_OK
               ? STORE_OK
               : store_fail(s, NULL, "beginning a read", err, errsz);
  if (rc == STORE_OK && sink->org)
    rc = each_row(s, STMT_RANGE_ORGS, lo, hi, org_row, sink, arg, "reading organisations", err,
                  errsz);
  if (rc == STORE_OK && sink->user)
    rc = each_row(s, STMT_RANGE_USERS, lo, hi, user_row, sink, arg, "reading users", err, errsz);
  if (rc == STORE_OK && sink->holding)
    rc = each_row(s, STMT_RANGE_HOLDINGS, lo, hi, holding_row, sink, arg, "reading achievements",
                  err, errsz);
  if (rc == STORE_OK && sink->metric)
    rc = each_row(s, STMT_RANGE_METRICS, lo, hi, metric_row, sink, arg, "reading metrics", err,
                  errsz);
  if (rc == STORE_OK && sink->override)
    rc = each_row(s, STMT_RANGE_OVERRIDES, lo, hi, override_row, sink, arg, "reading overrides",
                  err, errsz);
  if (rc == STORE_OK && sink->membership)
    rc = each_row(s, STMT_RANGE_MEMBERSHIPS, lo, hi, membership_row, sink, arg,
                  "reading memberships", err, errsz);
  if (rc == STORE_OK && sink->status)
    rc = each_row(s, STMT_RANGE_STATUSES, lo, hi, status_row, sink, arg, "reading statuses", err,
                  errsz);
  if (rc == STORE_OK && sink->result)
    rc = each_row(s, STMT_RANGE_RESULTS, lo, hi, result_row, sink, arg, "reading results", err,
                  errsz);
  if (rc == STORE_OK && sink->alert)
    rc = each_row(s, STMT_RANGE_ALERTS, lo, hi, alert_row, sink, arg, "reading alerts", err, errsz);
  sqlite3_exec(s->db, rc == STORE_OK ? "COMMIT" : "ROLLBACK", NULL, NULL, NULL);
  return rc;
}

int store_orgs_due(store *s, const char *policy, int64_t now, int64_t **oids, size_t *n,
                   char *err, size_t errsz) {
  *oids = NULL;
  *n = 0;
  sqlite3_stmt *st = store_stmt(s, STMT_ORGS_DUE, err, errsz);
  if (!st) return STORE_ERROR;
  store_bind_text(st, ":policy", policy);
  store_bind_int(st, ":now", now);
  size_t cap = 0;
  int rc;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    if (*n == cap) {
      cap = cap ? cap * 2 : 1024;
      int64_t *p = realloc(*oids, cap * sizeof *p);
      if (!p) {
        sqlite3_reset(st);
        free(*oids);
        *oids = NULL;
        snprintf(err, errsz, "out of memory");
        return STORE_ERROR;
      }
      *oids = p;
    }
    (*oids)[(*n)++] = sqlite3_column_int64(st, 0);
  }
  if (rc != SQLITE_DONE) {
    free(*oids);
    *oids = NULL;
    return store_fail(s, st, "finding organisations due", err, errsz);
  }
  sqlite3_reset(st);
  return STORE_OK;
}

int store_org_max(store *s, int64_t *oid, char *err, size_t errsz) {
  sqlite3_stmt *st = store_stmt(s, STMT_ORG_MAX, err, errsz);
  if (!st) return STORE_ERROR;
  if (sqlite3_step(st) != SQLITE_ROW) return store_fail(s, st, "reading organisations", err, errsz);
  *oid = sqlite3_column_int64(st, 0);
  sqlite3_reset(st);
  return STORE_OK;
}

int store_org_lookup(store *s, const char *key, int64_t *oid, char *err, size_t errsz) {
  sqlite3_stmt *st = store_stmt(s, STMT_ORG_GET, err, errsz);
  if (!st) return STORE_ERROR;
  store_bind_text(st, ":key", key);
  int rc = sqlite3_step(st);
  if (rc == SQLITE_ROW) {
    *oid = sqlite3_column_int64(st, 0);
    sqlite3_reset(st);
    return STORE_OK;
  }
  if (rc != SQLITE_DONE) return store_fail(s, st, "looking up an organisation", err, errsz);
  sqlite3_reset(st);
  snprintf(err, errsz, "unknown organisation \"%s\"", key);
  return STORE_ENOTFOUND;
}
