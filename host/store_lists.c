/* store_lists.c — pages of organisations, standings, history and alerts (see
 * store_lists.h). Depends on the statements of store_internal.h ("LIST_*") and the indexes
 * and search table of migration 7; owns nothing between calls.
 *
 * Which statement serves a page of organisations is chosen here from the filters, so that
 * the most selective index drives it: a search drives by the full-text index, a state by
 * a status index, a level by a result index; the other filters are checked per row found.
 * A state or level in any competency merges a page of each competency. A search with a
 * state or level that few organisations have is the exception: checking the filter for
 * every match of a search that matches nearly everyone would read each organisation's
 * standing (370 ms at 640,000 organisations), so the filter's organisations are read from
 * their index and merged with the search's matches, both in oid order. Every statement
 * reads LIMIT + 1 rows: the extra row only says that more follow. */
#include "store_lists.h"

#include <stdio.h>
#include <stdlib.h>
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
      snprintf(err, errsz, "%s: stopped by the reader", what);
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

/* Steps a page statement already bound, keeping the oids (its first column) it gives. */
static int collect_oids(store *s, sqlite3_stmt *st, int64_t *oids, int *n, int max, char *err,
                        size_t errsz) {
  int rc;
  while (*n < max && (rc = sqlite3_step(st)) == SQLITE_ROW)
    oids[(*n)++] = sqlite3_column_int64(st, 0);
  if (*n < max && rc != SQLITE_DONE) return store_fail(s, st, "listing organisations", err, errsz);
  sqlite3_reset(st);
  return STORE_OK;
}

static int cmp_oid(const void *a, const void *b) {
  int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
  return x < y ? -1 : x > y;
}

/* Hands the organisations `oids` (sorted, distinct; `n` of them, one more than a page when
 * more follow) to `row`, a page of them. */
static int emit_oids(store *s, const int64_t *oids, int n, store_page *page,
                     int (*row)(void *arg, const store_org_row *r), void *arg, char *err,
                     size_t errsz) {
  int rc = STORE_OK;
  page->rows = 0;
  page->more = n > page->limit;
  page->next = (store_cursor){0, 0};
  for (int i = 0; i < n && i < page->limit && !rc; i++) {
    sqlite3_stmt *st = store_stmt(s, STMT_LIST_ORG, err, errsz);
    if (!st) {
      rc = STORE_ERROR;
      break;
    }
    store_bind_int(st, ":oid", oids[i]);
    if ((rc = sqlite3_step(st)) != SQLITE_ROW) {
      rc = store_fail(s, st, "listing organisations", err, errsz);
      break;
    }
    store_org_row r = {.oid = oids[i], .key = text(st, 1), .name = text_or_null(st, 2)};
    rc = row(arg, &r);
    sqlite3_reset(st);
    if (rc) snprintf(err, errsz, "listing organisations: stopped by the reader");
    else page->rows++;
  }
  if (rc) page->more = 0;
  if (page->more) page->next = (store_cursor){oids[page->limit - 1], 0};
  return rc;
}

/* A state or a level in any competency: the page of each competency that has some
 * organisation in that state (or at that level), merged. The first LIMIT + 1 distinct
 * organisations of the union are among the first LIMIT + 1 of each competency, so each
 * competency's page is read with LIMIT + 1 and the rest is sorting a few hundred oids:
 * one index seek per competency instead of an index per state and per level that every
 * sweep would have to write. */
static int any_competency_page(store *s, const store_org_filter *f, store_page *page,
                               int (*row)(void *arg, const store_org_row *r), void *arg, char *err,
                               size_t errsz) {
  sqlite3_stmt *cs = store_stmt(
      s, f->state ? STMT_LIST_STATE_COMPETENCIES : STMT_LIST_LEVEL_COMPETENCIES, err, errsz);
  if (!cs) return STORE_ERROR;
  if (f->state)
    store_bind_text(cs, ":state", f->state);
  else
    store_bind_text(cs, ":level", f->level);
  char **names = NULL;
  int64_t *oids = NULL;
  int ncomp = 0, cap = 0, rc;
  while ((rc = sqlite3_step(cs)) == SQLITE_ROW) {
    if (ncomp == cap) {
      cap = cap ? 2 * cap : 16;
      char **more = realloc(names, (size_t)cap * sizeof *names);
      if (!more) break;
      names = more;
    }
    if (!(names[ncomp] = strdup(text(cs, 0)))) break;
    ncomp++;
  }
  if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
    rc = store_fail(s, cs, "listing organisations", err, errsz);
    goto done;
  }
  int per = page->limit + 1;
  if (rc == SQLITE_ROW || (ncomp && !(oids = malloc((size_t)ncomp * (size_t)per * sizeof *oids)))) {
    snprintf(err, errsz, "listing organisations: out of memory");
    rc = STORE_ERROR;
    goto done;
  }
  int n = 0;
  rc = STORE_OK;
  for (int i = 0; i < ncomp && !rc; i++) {
    sqlite3_stmt *st =
        store_stmt(s, f->state ? STMT_LIST_ORGS_STATE_IN : STMT_LIST_ORGS_LEVEL_IN, err, errsz);
    if (!st) {
      rc = STORE_ERROR;
      break;
    }
    store_bind_text(st, ":competency", names[i]);
    if (f->state) store_bind_text(st, ":state", f->state);
    store_bind_text(st, ":level", f->level);
    store_bind_int(st, ":after", page->after.k1);
    store_bind_int(st, ":limit", per);
    int before = n;
    rc = collect_oids(s, st, oids, &n, before + per, err, errsz);
  }
  if (rc) goto done;
  if (n) qsort(oids, (size_t)n, sizeof *oids, cmp_oid);
  int distinct = 0;
  for (int i = 0; i < n; i++)
    if (!distinct || oids[distinct - 1] != oids[i]) oids[distinct++] = oids[i];
  rc = emit_oids(s, oids, distinct, page, row, arg, err, errsz);
done:
  sqlite3_reset(cs);
  for (int i = 0; i < ncomp; i++) free(names[i]);
  free(names);
  free(oids);
  return rc;
}

static int64_t *count_slot(store_org_counts *c, const char *v);

/* A search with a state or level filter the counts say at most this many (organisation,
 * competency) pairs pass: the pairs are read whole from their index (about 0.1 µs each)
 * and merged with the search's matches (about 0.05 µs each), so a page costs at most a
 * few tens of milliseconds at 640,000 organisations whoever the search and the filter
 * keep. Past it the filter keeps so many that the search's matches, checked one by one,
 * reach a page soon. */
#define SEARCH_MERGE_MAX 100000
/* ... and the merge seeks the search to the filter's next organisation past this gap. */
#define SEARCH_SEEK_GAP 1024

/* The oids both statements give (each bound, in oid order), appended to oids[*n] up to
 * `max`: the state's pairs and the level's pairs of one competency, read from their two
 * covering indexes side by side instead of reading the level of each state row from
 * `result`. */
static int intersect_oids(store *s, sqlite3_stmt *a, sqlite3_stmt *b, int64_t *oids, int *n,
                          int max, char *err, size_t errsz) {
  int ra = sqlite3_step(a), rb = sqlite3_step(b);
  while (ra == SQLITE_ROW && rb == SQLITE_ROW && *n < max) {
    int64_t x = sqlite3_column_int64(a, 0), y = sqlite3_column_int64(b, 0);
    if (x == y) oids[(*n)++] = x;
    if (x <= y) ra = sqlite3_step(a);
    if (y <= x) rb = sqlite3_step(b);
  }
  int bad = ra != SQLITE_ROW && ra != SQLITE_DONE ? 1 : rb != SQLITE_ROW && rb != SQLITE_DONE ? 2 : 0;
  if (bad) {
    int rc = store_fail(s, bad == 1 ? a : b, "listing organisations", err, errsz);
    sqlite3_reset(bad == 1 ? b : a);
    return rc;
  }
  sqlite3_reset(a);
  sqlite3_reset(b);
  return STORE_OK;
}

/* The organisations past page->after that have the state or level of `f` (in its
 * competency, or in any), sorted and distinct, into a new *oids: `cap` bounds them. With
 * both a state and a level, `intersect` reads the level's pairs from their index beside
 * the state's (cheaper when the level's are not many more), else checks each state row's
 * level. */
static int filter_oids(store *s, const store_org_filter *f, int64_t after, int cap,
                       int intersect, int64_t **oids_out, int *n_out, char *err, size_t errsz) {
  int64_t *oids = malloc((size_t)cap * sizeof *oids);
  char **names = NULL;
  int ncomp = 0, rc = STORE_OK, n = 0;
  if (!oids) {
    snprintf(err, errsz, "listing organisations: out of memory");
    return STORE_ERROR;
  }
  if (f->competency) {
    names = malloc(sizeof *names);
    if (names && (names[0] = strdup(f->competency))) ncomp = 1;
    else rc = STORE_ERROR;
  } else {
    sqlite3_stmt *cs = store_stmt(
        s, f->state ? STMT_LIST_STATE_COMPETENCIES : STMT_LIST_LEVEL_COMPETENCIES, err, errsz);
    if (!cs) {
      free(oids);
      return STORE_ERROR;
    }
    store_bind_text(cs, f->state ? ":state" : ":level", f->state ? f->state : f->level);
    int step, capn = 0;
    while ((step = sqlite3_step(cs)) == SQLITE_ROW && rc == STORE_OK) {
      if (ncomp == capn) {
        capn = capn ? 2 * capn : 32;
        char **more = realloc(names, (size_t)capn * sizeof *names);
        if (!more) {
          rc = STORE_ERROR;
          break;
        }
        names = more;
      }
      if (!(names[ncomp] = strdup(text(cs, 0)))) rc = STORE_ERROR;
      else ncomp++;
    }
    if (rc == STORE_OK && step != SQLITE_DONE) {
      free(oids);
      for (int i = 0; i < ncomp; i++) free(names[i]);
      free(names);
      return store_fail(s, cs, "listing organisations", err, errsz);
    }
    sqlite3_reset(cs);
  }
  if (rc) snprintf(err, errsz, "listing organisations: out of memory");
  for (int i = 0; i < ncomp && !rc && intersect; i++) {
    sqlite3_stmt *a = store_stmt(s, STMT_LIST_STATE_OIDS, err, errsz);
    sqlite3_stmt *b = a ? store_stmt(s, STMT_LIST_LEVEL_OIDS, err, errsz) : NULL;
    if (!b) {
      rc = STORE_ERROR;
      break;
    }
    store_bind_text(a, ":competency", names[i]); /* :level unbound: no check per row */
    store_bind_text(a, ":state", f->state);
    store_bind_int(a, ":after", after);
    store_bind_text(b, ":competency", names[i]);
    store_bind_text(b, ":level", f->level);
    store_bind_int(b, ":after", after);
    rc = intersect_oids(s, a, b, oids, &n, cap, err, errsz);
  }
  for (int i = 0; i < ncomp && !rc && !intersect; i++) {
    sqlite3_stmt *st =
        store_stmt(s, f->state ? STMT_LIST_STATE_OIDS : STMT_LIST_LEVEL_OIDS, err, errsz);
    if (!st) {
      rc = STORE_ERROR;
      break;
    }
    store_bind_text(st, ":competency", names[i]);
    if (f->state) store_bind_text(st, ":state", f->state);
    store_bind_text(st, ":level", f->level);
    store_bind_int(st, ":after", after);
    rc = collect_oids(s, st, oids, &n, cap, err, errsz);
  }
  for (int i = 0; i < ncomp; i++) free(names[i]);
  free(names);
  if (rc) {
    free(oids);
    return rc;
  }
  if (ncomp > 1 && n) qsort(oids, (size_t)n, sizeof *oids, cmp_oid);
  int distinct = 0;
  for (int i = 0; i < n; i++)
    if (!distinct || oids[distinct - 1] != oids[i]) oids[distinct++] = oids[i];
  *oids_out = oids;
  *n_out = n == cap ? -1 : distinct; /* -1: the counts were short of what the index holds */
  return STORE_OK;
}

/* A search and a state or level filter few pass (see SEARCH_MERGE_MAX): the filter's
 * organisations merged with the search's matches. *merged 0 (and nothing done) when the
 * counts say the filter keeps too many for that. */
static int search_filter_page(store *s, const store_org_filter *f, const char *match,
                              store_page *page, int (*row)(void *arg, const store_org_row *r),
                              void *arg, int *merged, char *err, size_t errsz) {
  *merged = 0;
  store_org_counts c;
  int rc = store_org_counts_get(s, f->competency, &c, err, errsz);
  if (rc) return rc;
  int64_t pairs = f->state ? *count_slot(&c, f->state) : *count_slot(&c, f->level);
  int64_t most = s->search_merge_max ? s->search_merge_max : SEARCH_MERGE_MAX;
  if (most < 0 || pairs > most) return STORE_OK;
  sqlite3_stmt *st = store_stmt(s, STMT_LIST_SEARCH_OIDS, err, errsz);
  if (!st) return STORE_ERROR;
  store_bind_text(st, ":match", match);
  store_bind_int(st, ":after", page->after.k1);
  int step = sqlite3_step(st); /* a search that matches nothing needs no filter */
  if (step != SQLITE_ROW) {
    if (step != SQLITE_DONE) return store_fail(s, st, "listing organisations", err, errsz);
    sqlite3_reset(st);
    *merged = 1;
    return emit_oids(s, NULL, 0, page, row, arg, err, errsz);
  }
  int64_t *oids = NULL;
  int n = 0;
  /* the search's statement stays open meanwhile: the filter's are others */
  /* a state and a level: a covering read of the level's pairs (about 0.05 µs each) beats a
   * read of `result` for each state pair (about 3 µs) unless the level's are 20 times as
   * many */
  int intersect = f->state && f->level && *count_slot(&c, f->level) <= 20 * pairs;
  if ((rc = filter_oids(s, f, page->after.k1, (int)pairs + 1, intersect, &oids, &n, err,
                        errsz)) ||
      n < 0) {
    sqlite3_reset(st);
    free(oids);
    return rc; /* n < 0: not merged after all */
  }
  *merged = 1;
  /* Both in oid order: keep the filter's organisations the search matches, up to a page
   * and one. The hits overwrite the oids already passed. When the filter's next
   * organisation is far ahead the search seeks to it (a new FTS5 query: some tens of
   * microseconds) rather than stepping through the matches in between (about 0.05 µs
   * each): a rare filter over a search that matches everyone costs a seek per filter row,
   * not a read of every match. */
  int64_t gap = s->search_seek_gap ? (s->search_seek_gap < 0 ? 0 : s->search_seek_gap)
                                    : SEARCH_SEEK_GAP;
  int i = 0, hits = 0;
  while (i < n && hits <= page->limit && step == SQLITE_ROW) {
    int64_t m = sqlite3_column_int64(st, 0);
    while (i < n && oids[i] < m) i++;
    if (i < n && oids[i] == m) oids[hits++] = oids[i++];
    if (i < n && oids[i] - m > gap) {
      sqlite3_reset(st); /* keeps :match */
      store_bind_int(st, ":after", oids[i] - 1);
    }
    step = sqlite3_step(st);
  }
  if (step != SQLITE_ROW && step != SQLITE_DONE) {
    free(oids);
    return store_fail(s, st, "listing organisations", err, errsz);
  }
  sqlite3_reset(st);
  rc = emit_oids(s, oids, hits, page, row, arg, err, errsz);
  free(oids);
  return rc;
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
  if (!search && !f->competency && (f->state || f->level))
    return any_competency_page(s, f, page, row, arg, err, errsz);
  if (search && (f->state || f->level)) {
    int merged, rc = search_filter_page(s, f, match, page, row, arg, &merged, err, errsz);
    if (rc || merged) return rc;
  }
  /* The driving filter, and which of the others the statement checks per row. */
  enum store_stmt_id id;
  int bind_c = f->competency != NULL, bind_s = 0, bind_l = 0;
  if (search) {
    id = STMT_LIST_ORGS_SEARCH;
    bind_c = bind_s = bind_l = 1;
  } else if (f->state) {
    id = STMT_LIST_ORGS_STATE_IN;
    bind_s = bind_l = 1;
  } else if (f->level) {
    id = STMT_LIST_ORGS_LEVEL_IN;
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
  const enum store_stmt_id ids[2] = {
      competency ? STMT_LIST_COUNT_STATES_IN : STMT_LIST_COUNT_STATES,
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

typedef struct history_key {
  int64_t at, id;
} history_key;

static int cmp_history_key(const void *a, const void *b) {
  const history_key *x = a, *y = b;
  return x->at != y->at ? (x->at < y->at ? -1 : 1) : (x->id < y->id ? -1 : x->id > y->id);
}

/* Every competency: the organisation's transitions are a few rows in its index prefix,
 * one run per competency; their keys are sorted here and the page's rows read by id (an
 * index in time order would cost every sweep another write per transition). */
static int history_all(store *s, int64_t oid, store_page *page, const history_cb *cb,
                       int64_t after_at, int64_t after_id, char *err, size_t errsz) {
  sqlite3_stmt *st = store_stmt(s, STMT_LIST_HISTORY_KEYS, err, errsz);
  if (!st) return STORE_ERROR;
  store_bind_int(st, ":oid", oid);
  history_key *keys = NULL;
  size_t n = 0, cap = 0;
  int rc;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    history_key k = {sqlite3_column_int64(st, 0), sqlite3_column_int64(st, 1)};
    if (k.at < after_at || (k.at == after_at && k.id <= after_id)) continue;
    if (n == cap) {
      cap = cap ? 2 * cap : 64;
      history_key *more = realloc(keys, cap * sizeof *keys);
      if (!more) break;
      keys = more;
    }
    keys[n++] = k;
  }
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    rc = store_fail(s, st, "reading the status history", err, errsz);
  else if (rc == SQLITE_ROW)
    rc = (snprintf(err, errsz, "reading the status history: out of memory"), STORE_ERROR);
  else
    rc = STORE_OK;
  sqlite3_reset(st);
  if (rc) {
    free(keys);
    return rc;
  }
  if (n) qsort(keys, n, sizeof *keys, cmp_history_key); /* (qsort of NULL is undefined) */
  page->rows = 0;
  page->more = n > (size_t)page->limit;
  for (size_t i = 0; i < n && i < (size_t)page->limit && !rc; i++) {
    if (!(st = store_stmt(s, STMT_LIST_HISTORY_ROW, err, errsz))) {
      rc = STORE_ERROR;
      break;
    }
    store_bind_int(st, ":id", keys[i].id);
    if (sqlite3_step(st) != SQLITE_ROW) {
      rc = store_fail(s, st, "reading the status history", err, errsz);
      break;
    }
    store_cursor at;
    rc = history_each(st, cb, &at);
    sqlite3_reset(st);
    if (rc) snprintf(err, errsz, "reading the status history: stopped by the reader");
    else page->rows++;
  }
  if (rc) page->more = 0;
  page->next = page->more ? (store_cursor){keys[page->limit - 1].at, keys[page->limit - 1].id}
                          : (store_cursor){0, 0};
  free(keys);
  return rc;
}

int store_history_page(store *s, int64_t oid, const char *competency, store_page *page,
                       int (*row)(void *arg, const store_history_row *r), void *arg, char *err,
                       size_t errsz) {
  if (bad_page(page, err, errsz)) return STORE_ERROR;
  /* ids start at 1: id 0 marks the start, before any time */
  int start = page->after.k2 == 0;
  int64_t after_at = start ? INT64_MIN : page->after.k1, after_id = start ? 0 : page->after.k2;
  history_cb cb = {row, arg};
  if (!competency) return history_all(s, oid, page, &cb, after_at, after_id, err, errsz);
  sqlite3_stmt *st = store_stmt(s, STMT_LIST_HISTORY_IN, err, errsz);
  if (!st) return STORE_ERROR;
  store_bind_int(st, ":oid", oid);
  store_bind_text(st, ":competency", competency);
  store_bind_int(st, ":at", after_at);
  store_bind_int(st, ":id", after_id);
  store_bind_int(st, ":limit", page->limit + 1);
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
