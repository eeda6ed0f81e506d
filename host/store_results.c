/* store_results.c — writing evaluation results (see store_results.h). */
#include "store_results.h"

#include <stdio.h>

#include "store_internal.h"

int store_result_put(store *s, const store_result_rec *r, char *err, size_t errsz) {
  if (!r->level && !r->error) {
    sqlite3_stmt *st = store_stmt(s, STMT_RESULT_DELETE, err, errsz);
    if (!st) return STORE_ERROR;
    store_bind_int(st, ":oid", r->oid);
    store_bind_text(st, ":competency", r->competency);
    return store_exec_stmt(s, st, "deleting a result", err, errsz);
  }
  sqlite3_stmt *st = store_stmt(s, STMT_RESULT_UPSERT, err, errsz);
  if (!st) return STORE_ERROR;
  store_bind_int(st, ":oid", r->oid);
  store_bind_text(st, ":competency", r->competency);
  store_bind_text(st, ":policy", r->policy);
  store_bind_text(st, ":level", r->level);
  store_bind_text(st, ":error", r->error);
  return store_exec_stmt(s, st, "storing a result", err, errsz);
}

int store_evaluation_put(store *s, int64_t oid, int64_t at, const char *policy, int64_t rev,
                         int64_t next_change, char *err, size_t errsz) {
  sqlite3_stmt *st = store_stmt(s, STMT_EVALUATION_PUT, err, errsz);
  if (!st) return STORE_ERROR;
  store_bind_int(st, ":oid", oid);
  store_bind_int(st, ":at", at);
  store_bind_text(st, ":policy", policy);
  store_bind_int(st, ":rev", rev);
  store_bind_time(st, ":next_change", next_change);
  return store_exec_stmt(s, st, "storing an evaluation", err, errsz);
}

int store_results_prune(store *s, int64_t lo, int64_t hi, const char *policy, char *err,
                        size_t errsz) {
  sqlite3_stmt *st = store_stmt(s, STMT_RESULT_PRUNE_RANGE, err, errsz);
  if (!st) return STORE_ERROR;
  store_bind_int(st, ":lo", lo);
  store_bind_int(st, ":hi", hi);
  store_bind_text(st, ":policy", policy);
  return store_exec_stmt(s, st, "pruning results", err, errsz);
}

int store_status_put(store *s, int64_t oid, const char *competency, const char *state,
                     int64_t at, const char *cause, int *recorded, char *err, size_t errsz) {
  *recorded = 0;
  sqlite3_stmt *st = store_stmt(s, STMT_STATUS_PUT, err, errsz);
  if (!st) return STORE_ERROR;
  store_bind_int(st, ":oid", oid);
  store_bind_text(st, ":competency", competency);
  store_bind_text(st, ":state", state);
  store_bind_int(st, ":since", at);
  store_bind_text(st, ":cause", cause);
  if (store_exec_stmt(s, st, "storing a status", err, errsz)) return STORE_ERROR;
  if (!sqlite3_changes(s->db)) return STORE_OK; /* already recorded, or a later state stands */
  st = store_stmt(s, STMT_STATUS_HISTORY_ADD, err, errsz);
  if (!st) return STORE_ERROR;
  store_bind_int(st, ":oid", oid);
  store_bind_text(st, ":competency", competency);
  store_bind_text(st, ":state", state);
  store_bind_int(st, ":at", at);
  store_bind_text(st, ":cause", cause);
  if (store_exec_stmt(s, st, "recording a status change", err, errsz)) return STORE_ERROR;
  *recorded = 1;
  return STORE_OK;
}

int store_alert_raise(store *s, int64_t oid, const char *competency, const char *kind,
                      const char *message, const char *cause, int64_t at, int *raised, char *err,
                      size_t errsz) {
  sqlite3_stmt *st = store_stmt(s, STMT_ALERT_RAISE, err, errsz);
  if (!st) return STORE_ERROR;
  store_bind_int(st, ":oid", oid);
  store_bind_text(st, ":competency", competency);
  store_bind_text(st, ":kind", kind);
  store_bind_text(st, ":message", message);
  store_bind_text(st, ":cause", cause);
  store_bind_int(st, ":at", at);
  if (store_exec_stmt(s, st, "raising an alert", err, errsz)) return STORE_ERROR;
  *raised = sqlite3_changes(s->db) > 0;
  return STORE_OK;
}

int store_alert_clear(store *s, int64_t id, int64_t at, const char *cause, int *cleared,
                      char *err, size_t errsz) {
  sqlite3_stmt *st = store_stmt(s, STMT_ALERT_CLEAR, err, errsz);
  if (!st) return STORE_ERROR;
  store_bind_int(st, ":id", id);
  store_bind_int(st, ":at", at);
  store_bind_text(st, ":cause", cause);
  if (store_exec_stmt(s, st, "clearing an alert", err, errsz)) return STORE_ERROR;
  *cleared = sqlite3_changes(s->db) > 0;
  return STORE_OK;
}

int store_evaluations_after(store *s, int64_t lo, int64_t hi, int64_t at, int64_t *count,
                            int64_t *latest, char *latest_org, size_t orgsz, char *err,
                            size_t errsz) {
  *count = 0;
  *latest = STORE_NO_TIME;
  if (orgsz) latest_org[0] = 0;
  sqlite3_stmt *st = store_stmt(s, STMT_EVALUATIONS_AFTER, err, errsz);
  if (!st) return STORE_ERROR;
  store_bind_int(st, ":lo", lo);
  store_bind_int(st, ":hi", hi);
  store_bind_int(st, ":at", at);
  if (sqlite3_step(st) != SQLITE_ROW) return store_fail(s, st, "reading evaluations", err, errsz);
  *count = sqlite3_column_int64(st, 0);
  *latest = store_column_time(st, 1);
  const unsigned char *key = sqlite3_column_text(st, 2);
  if (orgsz) snprintf(latest_org, orgsz, "%s", key ? (const char *)key : "");
  sqlite3_reset(st);
  return STORE_OK;
}
