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

/* The rows of one range statement go to `row` with the sink and argument it needs. */
struct range_read;
struct facts_arg {
  struct range_read *q;
  void *arg;
};
typedef int (*row_fn)(store *s, sqlite3_stmt *st, const void *sink, void *arg);

typedef struct range_read {
  store *s;
  int64_t lo, hi, at;
  const store_metric_window *window;
  char *err;
  size_t errsz;
  int later_links; /* a holding's association has a successor: read the later links */
} range_read;

/* Runs one range statement, handing each row to `row`. */
static int each_row(const range_read *q, enum store_stmt_id id, row_fn row, const void *sink,
                    void *arg, const char *what) {
  store *s = q->s;
  sqlite3_stmt *st = store_stmt(s, id, q->err, q->errsz);
  if (!st) return STORE_ERROR;
  store_bind_int(st, ":lo", q->lo);
  store_bind_int(st, ":hi", q->hi);
  if (id == STMT_RANGE_METRICS) {
    const store_metric_window *w = q->window;
    static const char *const any[STORE_ANY_MONTH_METRICS] = {":any1", ":any2", ":any3", ":any4"};
    store_bind_int(st, ":from", w ? w->from : INT64_MIN);
    for (int k = 0; k < STORE_ANY_MONTH_METRICS; k++)
      store_bind_text(st, any[k], w ? w->any_month[k] : NULL); /* name = NULL: never */
  }
  if (id == STMT_RANGE_ALERTS) store_bind_int(st, ":at", q->at);
  int rc;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    int r = row(s, st, sink, arg);
    if (r) {
      sqlite3_reset(st);
      if (r == STORE_ERROR || r == STORE_EBUSY) return r; /* err already says why */
      snprintf(q->err, q->errsz, "%s: stopped by the reader", what);
      return r;
    }
  }
  if (rc != SQLITE_DONE) return store_fail(s, st, what, q->err, q->errsz);
  sqlite3_reset(st);
  return STORE_OK;
}

static int org_row(store *s, sqlite3_stmt *st, const void *sink, void *arg) {
  const store_facts_sink *k = sink;
  return k->org(arg, sqlite3_column_int64(st, 0), text(st, 1), sqlite3_column_int64(st, 2));
}

static int user_row(store *s, sqlite3_stmt *st, const void *sink, void *arg) {
  const store_facts_sink *k = sink;
  store_user_row u = {
      .oid = sqlite3_column_int64(st, 0),
      .uid = sqlite3_column_int64(st, 1),
      .key = text(st, 2),
      .joined = store_column_time(st, 3),
      .left = store_column_time(st, 4),
      .joined_known = store_column_time(st, 5),
      .left_known = store_column_time(st, 6),
  };
  return k->user(arg, &u);
}

static int holding_row(store *s, sqlite3_stmt *st, const void *sink, void *arg) {
  const struct facts_arg *fa = arg;
  const store_facts_sink *k = sink;
  int has_successor = sqlite3_column_int(st, 11);
  if (has_successor) fa->q->later_links = 1;
  arg = fa->arg;
  store_holding_row h = {
      .has_successor = has_successor,
      .oid = sqlite3_column_int64(st, 0),
      .uid = sqlite3_column_int64(st, 1),
      .mid = sqlite3_column_int64(st, 2),
      .msa = text(st, 3),
      .started = sqlite3_column_int64(st, 4),
      .link_known = store_column_time(st, 5),
      .code = text(st, 6),
      .kind = text(st, 7),
      .earned = sqlite3_column_int64(st, 8),
      .expires = store_column_time(st, 9),
      .earned_known = store_column_time(st, 10),
  };
  return k->holding(arg, &h);
}

static int later_link_row(store *s, sqlite3_stmt *st, const void *sink, void *arg) {
  const store_facts_sink *k = sink;
  store_later_link_row l = {
      .oid = sqlite3_column_int64(st, 0),
      .mid = sqlite3_column_int64(st, 1),
      .started = sqlite3_column_int64(st, 2),
      .next_started = sqlite3_column_int64(st, 3),
      .next_oid = sqlite3_column_int64(st, 4),
      .next_known = store_column_time(st, 5),
  };
  return k->later_link(arg, &l);
}

static int metric_row(store *s, sqlite3_stmt *st, const void *sink, void *arg) {
  const store_facts_sink *k = sink;
  return k->metric(arg, sqlite3_column_int64(st, 0), text(st, 1), sqlite3_column_int(st, 2),
                   sqlite3_column_double(st, 3));
}

static int override_row(store *s, sqlite3_stmt *st, const void *sink, void *arg) {
  const store_facts_sink *k = sink;
  store_override_row o = {
      .oid = sqlite3_column_int64(st, 0),
      .competency = text(st, 1),
      .code = text(st, 2),
      .people = sqlite3_column_int64(st, 3),
      .reason = text(st, 4),
      .by = text(st, 5),
      .from = store_column_time(st, 6),
      .until = sqlite3_column_int64(st, 7),
      .known = store_column_time(st, 8),
  };
  return k->override(arg, &o);
}

static int membership_row(store *s, sqlite3_stmt *st, const void *sink, void *arg) {
  const store_facts_sink *k = sink;
  store_membership_row m = {
      .oid = sqlite3_column_int64(st, 0),
      .competency = text(st, 1),
      .bought = sqlite3_column_int64(st, 2),
      .level = text(st, 3),
      .by = text_or_null(st, 4),
  };
  return k->membership(arg, &m);
}

/* The state as of the read's time: the stored one, unless it was entered after that
 * time (a replay with `status --at`): then the history's last entry at or before it, or
 * none. */
struct status_arg {
  const range_read *q;
  const store_prior_sink *sink;
  void *arg;
};

static int status_as_of(store *s, sqlite3_stmt *st, const void *sink, void *arg) {
  const struct status_arg *sa = arg;
  store_status_row r = {sqlite3_column_int64(st, 0), text(st, 1), text(st, 2),
                        sqlite3_column_int64(st, 3)};
  if (r.since <= sa->q->at) return sa->sink->status(sa->arg, &r);
  sqlite3_stmt *h = store_stmt(s, STMT_STATUS_AT, sa->q->err, sa->q->errsz);
  if (!h) return STORE_ERROR;
  store_bind_int(h, ":oid", r.oid);
  store_bind_text(h, ":competency", r.competency);
  store_bind_int(h, ":at", sa->q->at);
  int rc = sqlite3_step(h);
  if (rc == SQLITE_ROW) {
    store_status_row then = {r.oid, r.competency, text(h, 0), sqlite3_column_int64(h, 1)};
    int stop = sa->sink->status(sa->arg, &then);
    sqlite3_reset(h);
    return stop;
  }
  if (rc != SQLITE_DONE) return store_fail(s, h, "reading the status history", sa->q->err, sa->q->errsz);
  sqlite3_reset(h);
  return 0;
}

static int alert_row(store *s, sqlite3_stmt *st, const void *sink, void *arg) {
  const store_prior_sink *k = sink;
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

static int result_row(store *s, sqlite3_stmt *st, const void *sink, void *arg) {
  const store_prior_sink *k = sink;
  store_result_row r = {sqlite3_column_int64(st, 0), text(st, 1), text(st, 2),
                        text_or_null(st, 3), text_or_null(st, 4)};
  return k->result(arg, &r);
}

/* A sink that hands over the rows of the flagged organisations only (the stale ones of a
 * range whose others were read from their images). */
typedef struct filter {
  const store_facts_sink *f;
  void *arg;
  const unsigned char *only;
  int64_t lo;
} filter;

static int wanted(const filter *fl, int64_t oid) { return !fl->only || fl->only[oid - fl->lo]; }

static int f_user(void *arg, const store_user_row *u) {
  filter *fl = arg;
  return wanted(fl, u->oid) ? fl->f->user(fl->arg, u) : 0;
}
static int f_holding(void *arg, const store_holding_row *h) {
  filter *fl = arg;
  return wanted(fl, h->oid) ? fl->f->holding(fl->arg, h) : 0;
}
static int f_later(void *arg, const store_later_link_row *l) {
  filter *fl = arg;
  return wanted(fl, l->oid) ? fl->f->later_link(fl->arg, l) : 0;
}
static int f_metric(void *arg, int64_t oid, const char *name, int period, double value) {
  filter *fl = arg;
  return wanted(fl, oid) ? fl->f->metric(fl->arg, oid, name, period, value) : 0;
}
static int f_override(void *arg, const store_override_row *o) {
  filter *fl = arg;
  return wanted(fl, o->oid) ? fl->f->override(fl->arg, o) : 0;
}
static int f_membership(void *arg, const store_membership_row *m) {
  filter *fl = arg;
  return wanted(fl, m->oid) ? fl->f->membership(fl->arg, m) : 0;
}

int store_read_sources(store *s, int64_t lo, int64_t hi, const store_metric_window *w,
                       const store_facts_sink *fs, void *farg, const unsigned char *only,
                       char *err, size_t errsz) {
  range_read q = {s, lo, hi, 0, w, err, errsz, 0};
  filter fl = {fs, farg, only, lo};
  store_facts_sink k = {NULL,
                        fs->user ? f_user : NULL,
                        fs->holding ? f_holding : NULL,
                        fs->later_link ? f_later : NULL,
                        fs->metric ? f_metric : NULL,
                        fs->override ? f_override : NULL,
                        fs->membership ? f_membership : NULL};
  const store_facts_sink *f = only ? &k : fs;
  void *a = only ? (void *)&fl : farg;
  int rc = STORE_OK;
  if (f->org) rc = each_row(&q, STMT_RANGE_ORGS, org_row, f, a, "reading organisations");
  if (rc == STORE_OK && f->user)
    rc = each_row(&q, STMT_RANGE_USERS, user_row, f, a, "reading users");
  struct facts_arg fa = {&q, a};
  if (rc == STORE_OK && f->holding)
    rc = each_row(&q, STMT_RANGE_HOLDINGS, holding_row, f, &fa, "reading achievements");
  if (rc == STORE_OK && f->later_link && q.later_links)
    rc = each_row(&q, STMT_RANGE_LATER_LINKS, later_link_row, f, a, "reading MSA links");
  if (rc == STORE_OK && f->metric)
    rc = each_row(&q, STMT_RANGE_METRICS, metric_row, f, a, "reading metrics");
  if (rc == STORE_OK && f->override)
    rc = each_row(&q, STMT_RANGE_OVERRIDES, override_row, f, a, "reading overrides");
  if (rc == STORE_OK && f->membership)
    rc = each_row(&q, STMT_RANGE_MEMBERSHIPS, membership_row, f, a, "reading memberships");
  return rc;
}

/* The organisations of the range with their facts: from an organisation's image when it is
 * of its current revision (one row, decoded here), otherwise from the source tables (the
 * organisations without a fresh image, after the others). */
static int read_facts(range_read *q, const store_facts_sink *f, void *farg) {
  store *s = q->s;
  if (!f->org) return store_read_sources(s, q->lo, q->hi, q->window, f, farg, NULL, q->err, q->errsz);
  sqlite3_stmt *st = store_stmt(s, STMT_RANGE_ORG_IMAGES, q->err, q->errsz);
  if (!st) return STORE_ERROR;
  store_bind_int(st, ":lo", q->lo);
  store_bind_int(st, ":hi", q->hi);
  unsigned char *stale = NULL;
  size_t nstale = 0;
  int rc, stop = 0;
  while (!stop && (rc = sqlite3_step(st)) == SQLITE_ROW) {
    int64_t oid = sqlite3_column_int64(st, 0);
    stop = f->org(farg, oid, text(st, 1), sqlite3_column_int64(st, 2));
    if (stop) break;
    const void *img = sqlite3_column_blob(st, 3);
    int got = img ? store_image_decode(img, (size_t)sqlite3_column_bytes(st, 3), oid, q->window,
                                       f, farg, &s->image_scratch, &s->image_scratch_cap)
                  : STORE_ECONFLICT;
    if (got == STORE_ECONFLICT) { /* none, stale, or unreadable: read its source rows */
      if (!stale && !(stale = calloc((size_t)(q->hi - q->lo + 1), 1))) {
        stop = STORE_ERROR;
        snprintf(q->err, q->errsz, "reading facts: out of memory");
        break;
      }
      stale[oid - q->lo] = 1;
      nstale++;
    } else if (got) {
      stop = got;
      if (got == STORE_ERROR) snprintf(q->err, q->errsz, "reading facts: out of memory");
    }
  }
  if (stop) {
    sqlite3_reset(st);
    free(stale);
    if (stop != STORE_ERROR && stop != STORE_EBUSY)
      snprintf(q->err, q->errsz, "reading organisations: stopped by the reader");
    return stop;
  }
  if (rc != SQLITE_DONE) {
    free(stale);
    return store_fail(s, st, "reading organisations", q->err, q->errsz);
  }
  sqlite3_reset(st);
  rc = nstale ? store_read_sources(s, q->lo, q->hi, q->window, &(store_facts_sink){
                                       NULL, f->user, f->holding, f->later_link, f->metric,
                                       f->override, f->membership},
                                   farg, stale, q->err, q->errsz)
              : STORE_OK;
  free(stale);
  return rc;
}

int store_read_range(store *s, int64_t lo, int64_t hi, const store_metric_window *w, int64_t at,
                     const store_facts_sink *facts, void *farg, const store_prior_sink *prior,
                     void *parg, char *err, size_t errsz) {
  range_read q = {s, lo, hi, at, w, err, errsz, 0};
  /* One read transaction, so the tables agree with each other even while another
   * process imports. */
  int rc = sqlite3_exec(s->db, "BEGIN", NULL, NULL, NULL) == SQLITE_OK
               ? STORE_OK
               : store_fail(s, NULL, "beginning a read", err, errsz);
  if (rc == STORE_OK) rc = read_facts(&q, facts, farg);
  if (prior) {
    struct status_arg sa = {&q, prior, parg};
    if (rc == STORE_OK && prior->status)
      rc = each_row(&q, STMT_RANGE_STATUSES, status_as_of, prior, &sa, "reading statuses");
    if (rc == STORE_OK && prior->result)
      rc = each_row(&q, STMT_RANGE_RESULTS, result_row, prior, parg, "reading results");
    if (rc == STORE_OK && prior->alert)
      rc = each_row(&q, STMT_RANGE_ALERTS, alert_row, prior, parg, "reading alerts");
  }
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

int store_vocabulary(store *s, int codes, int (*cb)(void *arg, const char *name), void *arg,
                     char *err, size_t errsz) {
  sqlite3_stmt *st = store_stmt(s, codes ? STMT_VOCAB_CODES : STMT_VOCAB_METRICS, err, errsz);
  if (!st) return STORE_ERROR;
  int rc;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW)
    if (cb(arg, (const char *)sqlite3_column_text(st, 0))) break;
  if (rc != SQLITE_ROW && rc != SQLITE_DONE) return store_fail(s, st, "reading the vocabulary", err, errsz);
  sqlite3_reset(st);
  return STORE_OK;
}
