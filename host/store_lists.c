/* store_lists.c — pages of organisations, standings, history and alerts (see
 * store_lists.h). Depends on the statements of store_internal.h ("LIST_*") and the indexes
 * and search table of migration 7; owns nothing between calls.
 *
 * Which statement serves a page of organisations is chosen here from the filters, so that
 * the most selective index drives it: a search drives by the full-text index, a state by
 * a status index, a level by a result index; the other filters are checked per row found.
 * Every statement reads LIMIT + 1 rows: the extra row only says that more follow. */
#include "store_lists.h"

#include <stdio.h>
#include <string.h>

#include "store_internal.h"

static const char *text_or_null(sqlite3_stmt *st, int col) {
  return (const char *)sqlite3_column_text(st, col);
}

static const char *text(sqlite3_stmt *st, int col) {
  const char *t = text_or_null(st, col);
  return t ? t : "";
}

static int is_level(const char *v) { return strcmp(v, "silver") == 0 || strcmp(v, "gold") == 0; }

static int is_state(const char *v) {
  return strcmp(v, "qualified") == 0 || strcmp(v, "active") == 0 || strcmp(v, "at_risk") == 0 ||
         strcmp(v, "expired") == 0;
}

static int bad_page(const store_page *page, char *err, size_t errsz) {
  if (page->limit >= 1 && page->limit <= STORE_PAGE_MAX) return 0;
  snprintf(err, errsz, "a page holds 1 to %d rows, not %d", STORE_PAGE_MAX, page->limit);
  return STORE_ERROR;
}

/* Steps `st` for one page: hands up to page->limit rows to `each` (which builds the row,
 * calls the caller's callback in `cb` and says where the row stands in the list) and
 * leaves in page->next the position of the last one. */
typedef int (*page_row_fn)(sqlite3_stmt *st, const void *cb, store_cursor *at);

static int run_page(store *s, sqlite3_stmt *st, store_page *page, page_row_fn each, const void *cb,
                    const char *what, char *err, size_t errsz) {
  page->rows = 0;
  page->more = 0;
  store_cursor last = page->after;
  int rc;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    if (page->rows == page->limit) {
      page->more = 1;
      break;
    }
    int r = each(st, cb, &last);
    if (r) {
      sqlite3_reset(st);
      page->more = 0;
      page->next = (store_cursor){0, 0};
      return r;
    }
    page->rows++;
  }
  if (rc != SQLITE_ROW && rc != SQLITE_DONE) return store_fail(s, st, what, err, errsz);
  sqlite3_reset(st);
  page->next = page->more ? last : (store_cursor){0, 0};
  return STORE_OK;
}

/* ------------------------------------------------------------------ organisations */

typedef struct org_cb {
  int (*fn)(void *arg, const store_org_row *r);
  void *arg;
} org_cb;

static int org_each(sqlite3_stmt *st, const void *cb, store_cursor *at) {
  const org_cb *c = cb;
  store_org_row r = {
      .oid = sqlite3_column_int64(st, 0), .key = text(st, 1), .name = text_or_null(st, 2)};
  at->k1 = r.oid;
  return c->fn(c->arg, &r);
}

/* The FTS5 query for the words of `search`: each word a quoted prefix ("cont"*), all of
 * them required. Quoting makes every character literal (FTS5 syntax cannot be injected)
 * and lets the tokenizer split a word as it split the indexed text ("contoso-eu" becomes
 * the phrase contoso + eu*). Words without a letter or digit are left out; returns the
 * number of words used (0: the search can match nothing). */
static int match_query(const char *search, char *out, size_t size) {
  size_t n = 0;
  int words = 0;
  const char *p = search;
  out[0] = 0;
  while (*p) {
    while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r') p++;
    const char *start = p;
    int useful = 0;
    while (*p && *p != ' ' && *p != '\t' && *p != '\n' && *p != '\r') {
      unsigned char c = (unsigned char)*p++;
      if (c >= 0x80 || (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z'))
        useful = 1;
    }
    if (!useful) continue;
    if (n + 2 * (size_t)(p - start) + 5 >= size) break; /* a longer search is cut at a word */
    if (words) out[n++] = ' ';
    out[n++] = '"';
    for (const char *c = start; c < p; c++) {
      if (*c == '"') out[n++] = '"';
      out[n++] = *c;
    }
    out[n++] = '"';
    out[n++] = '*';
    out[n] = 0;
    words++;
  }
  return words;
}

static int blank(const char *v) {
  if (!v) return 1;
  for (; *v; v++)
    if (*v != ' ' && *v != '\t' && *v != '\n' && *v != '\r') return 0;
  return 1;
}

int store_orgs_page(store *s, const store_org_filter *f, store_page *page,
                    int (*row)(void *arg, const store_org_row *r), void *arg, char *err,
                    size_t errsz) {
  if (bad_page(page, err, errsz)) return STORE_ERROR;
  if (f->level && !is_level(f->level)) {
    snprintf(err, errsz, "unknown level \"%s\" (silver or gold)", f->level);
    return STORE_ERROR;
  }
  if (f->state && !is_state(f->state)) {
    snprintf(err, errsz, "unknown state \"%s\" (qualified, active, at_risk or expired)", f->state);
    return STORE_ERROR;
  }
  char match[1024];
  int search = !blank(f->search);
  if (search && match_query(f->search, match, sizeof match) == 0) {
    page->rows = page->more = 0;
    page->next = (store_cursor){0, 0};
    return STORE_OK;
  }
  /* The driving filter, and which of the others the statement checks per row. */
  enum store_stmt_id id;
  int bind_c = f->competency != NULL, bind_s = 0, bind_l = 0;
  if (search) {
    id = STMT_LIST_ORGS_SEARCH;
    bind_c = bind_s = bind_l = 1;
  } else if (f->state) {
    id = f->competency ? STMT_LIST_ORGS_STATE_IN : STMT_LIST_ORGS_STATE;
    bind_s = bind_l = 1;
  } else if (f->level) {
    id = f->competency ? STMT_LIST_ORGS_LEVEL_IN : STMT_LIST_ORGS_LEVEL;
    bind_l = 1;
  } else {
    id = f->competency ? STMT_LIST_ORGS_IN : STMT_LIST_ORGS;
  }
  sqlite3_stmt *st = store_stmt(s, id, err, errsz);
  if (!st) return STORE_ERROR;
  store_bind_int(st, ":after", page->after.k1);
  store_bind_int(st, ":limit", page->limit + 1);
  if (search) store_bind_text(st, ":match", match);
  if (bind_c) store_bind_text(st, ":competency", f->competency);
  if (bind_s) store_bind_text(st, ":state", f->state);
  if (bind_l) store_bind_text(st, ":level", f->level);
  org_cb cb = {row, arg};
  return run_page(s, st, page, org_each, &cb, "listing organisations", err, errsz);
}

int store_org_get(store *s, const char *key, int (*row)(void *arg, const store_org_row *r),
                  void *arg, char *err, size_t errsz) {
  sqlite3_stmt *st = store_stmt(s, STMT_ORG_GET, err, errsz);
  if (!st) return STORE_ERROR;
  store_bind_text(st, ":key", key);
  int rc = sqlite3_step(st);
  if (rc == SQLITE_ROW) {
    store_org_row r = {.oid = sqlite3_column_int64(st, 0), .key = key, .name = text_or_null(st, 1)};
    int r2 = row(arg, &r);
    sqlite3_reset(st);
    return r2;
  }
  if (rc != SQLITE_DONE) return store_fail(s, st, "looking up an organisation", err, errsz);
  sqlite3_reset(st);
  snprintf(err, errsz, "unknown organisation \"%s\"", key);
  return STORE_ENOTFOUND;
}

/* ------------------------------------------------------------------ counts */

static int64_t *count_slot(store_org_counts *c, const char *v) {
  return strcmp(v, "qualified") == 0 ? &c->qualified
         : strcmp(v, "active") == 0  ? &c->active
         : strcmp(v, "at_risk") == 0 ? &c->at_risk
         : strcmp(v, "expired") == 0 ? &c->expired
         : strcmp(v, "silver") == 0  ? &c->silver
         : strcmp(v, "gold") == 0    ? &c->gold
                                     : NULL; /* state none */
}

int store_org_counts_get(store *s, const char *competency, store_org_counts *out, char *err,
                         size_t errsz) {
  memset(out, 0, sizeof *out);
  sqlite3_stmt *st = store_stmt(s, STMT_LIST_COUNT_ORGS, err, errsz);
  if (!st) return STORE_ERROR;
  if (sqlite3_step(st) != SQLITE_ROW)
    return store_fail(s, st, "counting organisations", err, errsz);
  out->orgs = sqlite3_column_int64(st, 0);
  sqlite3_reset(st);
  /* The counts the triggers of migration 7 keep: a few rows, summed across competencies
   * for all of them. */
  const enum store_stmt_id ids[2] = {competency ? STMT_LIST_COUNT_STATES_IN : STMT_LIST_COUNT_STATES,
                                     competency ? STMT_LIST_COUNT_LEVELS_IN : STMT_LIST_COUNT_LEVELS};
  for (int k = 0; k < 2; k++) {
    if (!(st = store_stmt(s, ids[k], err, errsz))) return STORE_ERROR;
    if (competency) store_bind_text(st, ":competency", competency);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
      int64_t *slot = count_slot(out, text(st, 0));
      if (slot) *slot += sqlite3_column_int64(st, 1);
    }
    if (rc != SQLITE_DONE) return store_fail(s, st, "counting organisations", err, errsz);
    sqlite3_reset(st);
  }
  return STORE_OK;
}

/* ------------------------------------------------------------------ standing */

int store_org_standing(store *s, int64_t oid, int (*row)(void *arg, const store_standing_row *r),
                       void *arg, char *err, size_t errsz) {
  /* Both tables are keyed (oid, competency): two point ranges in competency order, merged
   * (a competency may have a result and no state — an error — or a state and no result —
   * at risk or expired at level none). */
  sqlite3_stmt *res = store_stmt(s, STMT_RANGE_RESULTS, err, errsz);
  if (!res) return STORE_ERROR;
  sqlite3_stmt *sta = store_stmt(s, STMT_RANGE_STATUSES, err, errsz);
  if (!sta) return STORE_ERROR;
  store_bind_int(res, ":lo", oid);
  store_bind_int(res, ":hi", oid);
  store_bind_int(sta, ":lo", oid);
  store_bind_int(sta, ":hi", oid);
  int rr = sqlite3_step(res), rs = sqlite3_step(sta), rc = STORE_OK;
  while (rr == SQLITE_ROW || rs == SQLITE_ROW) {
    /* RANGE_RESULTS: oid, competency, policy, level, error; RANGE_STATUSES: oid,
     * competency, state, since. */
    int cmp = rr != SQLITE_ROW ? 1 : rs != SQLITE_ROW ? -1 : strcmp(text(res, 1), text(sta, 1));
    store_standing_row r = {.competency = cmp <= 0 ? text(res, 1) : text(sta, 1),
                            .since = STORE_NO_TIME};
    if (cmp <= 0) {
      r.level = text_or_null(res, 3);
      r.error = text_or_null(res, 4);
    }
    if (cmp >= 0 && strcmp(text(sta, 2), "none") != 0) {
      r.state = text(sta, 2);
      r.since = sqlite3_column_int64(sta, 3);
    }
    if ((r.level || r.error || r.state) && (rc = row(arg, &r))) break;
    if (cmp <= 0) rr = sqlite3_step(res);
    if (cmp >= 0) rs = sqlite3_step(sta);
  }
  if (!rc && rr != SQLITE_DONE && rr != SQLITE_ROW)
    rc = store_fail(s, res, "reading an organisation's results", err, errsz);
  else if (!rc && rs != SQLITE_DONE && rs != SQLITE_ROW)
    rc = store_fail(s, sta, "reading an organisation's states", err, errsz);
  sqlite3_reset(res);
  sqlite3_reset(sta);
  return rc;
}

/* ------------------------------------------------------------------ history */

typedef struct history_cb {
  int (*fn)(void *arg, const store_history_row *r);
  void *arg;
} history_cb;

static int history_each(sqlite3_stmt *st, const void *cb, store_cursor *at) {
  const history_cb *c = cb;
  store_history_row r = {.id = sqlite3_column_int64(st, 0),
                         .at = sqlite3_column_int64(st, 1),
                         .competency = text(st, 2),
                         .state = text(st, 3),
                         .cause = text_or_null(st, 4)};
  at->k1 = r.at;
  at->k2 = r.id;
  return c->fn(c->arg, &r);
}

int store_history_page(store *s, int64_t oid, const char *competency, store_page *page,
                       int (*row)(void *arg, const store_history_row *r), void *arg, char *err,
                       size_t errsz) {
  if (bad_page(page, err, errsz)) return STORE_ERROR;
  sqlite3_stmt *st =
      store_stmt(s, competency ? STMT_LIST_HISTORY_IN : STMT_LIST_HISTORY, err, errsz);
  if (!st) return STORE_ERROR;
  store_bind_int(st, ":oid", oid);
  if (competency) store_bind_text(st, ":competency", competency);
  /* ids start at 1: id 0 marks the start, before any time */
  int start = page->after.k2 == 0;
  store_bind_int(st, ":at", start ? INT64_MIN : page->after.k1);
  store_bind_int(st, ":id", start ? 0 : page->after.k2);
  store_bind_int(st, ":limit", page->limit + 1);
  history_cb cb = {row, arg};
  return run_page(s, st, page, history_each, &cb, "reading the status history", err, errsz);
}

/* ------------------------------------------------------------------ alerts */

typedef struct alert_cb {
  int (*fn)(void *arg, const store_alert_list_row *r);
  void *arg;
} alert_cb;

static int alert_each(sqlite3_stmt *st, const void *cb, store_cursor *at) {
  const alert_cb *c = cb;
  store_alert_list_row r = {.id = sqlite3_column_int64(st, 0),
                            .oid = sqlite3_column_int64(st, 1),
                            .org = text(st, 2),
                            .org_name = text_or_null(st, 3),
                            .competency = text(st, 4),
                            .kind = text(st, 5),
                            .message = text(st, 6),
                            .cause = text_or_null(st, 7),
                            .cleared_cause = text_or_null(st, 8),
                            .raised = sqlite3_column_int64(st, 9),
                            .cleared = store_column_time(st, 10)};
  at->k1 = r.id;
  return c->fn(c->arg, &r);
}

int store_alerts_page(store *s, const store_alert_filter *f, store_page *page,
                      int (*row)(void *arg, const store_alert_list_row *r), void *arg, char *err,
                      size_t errsz) {
  if (bad_page(page, err, errsz)) return STORE_ERROR;
  enum store_stmt_id id = f->oid         ? STMT_LIST_ORG_ALERTS
                          : f->open_only ? STMT_LIST_ALERTS_OPEN
                                         : STMT_LIST_ALERTS;
  sqlite3_stmt *st = store_stmt(s, id, err, errsz);
  if (!st) return STORE_ERROR;
  if (f->oid) {
    store_bind_int(st, ":oid", f->oid);
    store_bind_int(st, ":open", f->open_only != 0);
  }
  store_bind_text(st, ":competency", f->competency);
  store_bind_int(st, ":before", page->after.k1 ? page->after.k1 : INT64_MAX);
  store_bind_int(st, ":limit", page->limit + 1);
  alert_cb cb = {row, arg};
  return run_page(s, st, page, alert_each, &cb, "listing alerts", err, errsz);
}
