/* store_image.c — facts images: every fact an evaluation of one organisation reads, in one
 * compact blob (table org_facts), so a sweep reads one row per organisation instead of a
 * hundred (see store_internal.h, store_images_rebuild / store_image_decode).
 *
 * An image is derived data: written by the store whenever an organisation's facts change
 * (store_write_finish, for the organisations a batch touched, with their new revision),
 * and trusted by a read only while its revision is the organisation's. Reading it gives
 * a sink exactly the rows the source tables give, in the same order per organisation
 * (users by uid, holdings by association, later associations, metrics by name and month,
 * overrides, memberships), so nothing above the store can tell the difference.
 *
 * Format (version 1): a version byte, then per section a row count and the rows, with
 * unsigned LEB128 varints, times as zigzag varints + 1 (0 is NULL), strings as a length
 * and bytes, an achievement's kind as one byte. Metrics are grouped by name: the section
 * counts the names, each name is followed by its months (the first month, then the
 * distance to the previous one) with values as a varint when they are small non-negative
 * integers (2n) or 8 raw bytes otherwise (2n + 1 flag). About 1 KB per organisation of
 * the benchmark data (docs/store.md). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store_internal.h"
#include "store_read.h"

#define IMAGE_VERSION 1
#define REBUILD_SPAN 256 /* organisation ids read per range when rebuilding */
/* A range read for a rebuild takes in the next changed organisation only if at most this
 * many unchanged ones lie between: a small import touches organisations scattered over
 * the ids, and reading whole spans of 256 for them read most of the database (an import
 * of 1,000 changes at 100,000 organisations took 2.3 s instead of 0.2 s). */
#define REBUILD_GAP 8

/* ---- encoding ---- */

typedef struct buf {
  unsigned char *p;
  size_t len, cap;
  int oom;
} buf;

static void put(buf *b, const void *src, size_t n) {
  if (b->oom) return;
  if (b->len + n > b->cap) {
    size_t cap = b->cap ? b->cap * 2 : 4096;
    while (cap < b->len + n) cap *= 2;
    unsigned char *q = realloc(b->p, cap);
    if (!q) {
      b->oom = 1;
      return;
    }
    b->p = q;
    b->cap = cap;
  }
  memcpy(b->p + b->len, src, n);
  b->len += n;
}

static void put_u(buf *b, uint64_t v) {
  unsigned char t[10];
  int n = 0;
  do {
    t[n] = (unsigned char)(v & 0x7f);
    v >>= 7;
    if (v) t[n] |= 0x80;
    n++;
  } while (v);
  put(b, t, (size_t)n);
}

static void put_i(buf *b, int64_t v) { put_u(b, ((uint64_t)v << 1) ^ (uint64_t)(v >> 63)); }

static void put_time(buf *b, int64_t t) {
  if (t == STORE_NO_TIME)
    put_u(b, 0);
  else
    put_u(b, (((uint64_t)t << 1) ^ (uint64_t)(t >> 63)) + 1);
}

static void put_str(buf *b, const char *s) {
  if (!s) {
    put_u(b, 0);
    return;
  }
  size_t n = strlen(s);
  put_u(b, (uint64_t)n + 1);
  put(b, s, n);
}

static void put_value(buf *b, double v) {
  if (v >= 0 && v < 4503599627370496.0 && v == floor(v)) {
    put_u(b, (uint64_t)v << 1);
  } else {
    put_u(b, 1);
    put(b, &v, sizeof v);
  }
}

/* Rows of one table for the organisations of a rebuild range, encoded as they arrive;
 * marks[i] is where organisation-row i's first row of this table starts. */
typedef struct section {
  buf bytes;
  int64_t *oids;     /* per row */
  size_t *starts;    /* per row: offset into bytes */
  size_t nrows, cap;
} section;

enum { S_USERS, S_HOLDINGS, S_LATER, S_METRICS, S_OVERRIDES, S_MEMBERSHIPS, S_COUNT };

typedef struct builder {
  int64_t *oids, *revs;
  size_t norgs, orgs_cap;
  section sec[S_COUNT];
  int oom;
  /* the metric group being written (b_metric) */
  int group_open;
  int64_t group_oid, group_period, group_months;
  size_t group_count_at;
  char *group_name;
} builder;

static void row_begin(builder *bd, int s, int64_t oid) {
  section *sc = &bd->sec[s];
  if (sc->nrows == sc->cap) {
    size_t cap = sc->cap ? sc->cap * 2 : 256;
    int64_t *o = realloc(sc->oids, cap * sizeof *o);
    size_t *st = o ? realloc(sc->starts, cap * sizeof *st) : NULL;
    if (o) sc->oids = o;
    if (!o || !st) {
      bd->oom = 1;
      return;
    }
    sc->starts = st;
    sc->cap = cap;
  }
  sc->oids[sc->nrows] = oid;
  sc->starts[sc->nrows] = sc->bytes.len;
  sc->nrows++;
}

static int b_org(void *arg, int64_t oid, const char *key, int64_t rev) {
  builder *bd = arg;
  if (bd->norgs == bd->orgs_cap) {
    size_t cap = bd->orgs_cap ? bd->orgs_cap * 2 : 256;
    int64_t *o = realloc(bd->oids, cap * sizeof *o);
    int64_t *r = o ? realloc(bd->revs, cap * sizeof *r) : NULL;
    if (o) bd->oids = o;
    if (!o || !r) return bd->oom = 1, -1;
    bd->revs = r;
    bd->orgs_cap = cap;
  }
  bd->oids[bd->norgs] = oid;
  bd->revs[bd->norgs] = rev;
  bd->norgs++;
  return 0;
}

static int b_user(void *arg, const store_user_row *u) {
  builder *bd = arg;
  buf *b = &bd->sec[S_USERS].bytes;
  row_begin(bd, S_USERS, u->oid);
  put_i(b, u->uid);
  put_str(b, u->key);
  put_time(b, u->joined);
  put_time(b, u->left);
  put_time(b, u->joined_known);
  put_time(b, u->left_known);
  return bd->oom || b->oom ? -1 : 0;
}

static int b_holding(void *arg, const store_holding_row *h) {
  builder *bd = arg;
  buf *b = &bd->sec[S_HOLDINGS].bytes;
  row_begin(bd, S_HOLDINGS, h->oid);
  put_i(b, h->uid);
  put_i(b, h->mid);
  put_str(b, h->msa);
  put_time(b, h->started);
  put_time(b, h->link_known);
  put_str(b, h->code);
  unsigned char kind = (unsigned char)(strcmp(h->kind, "certification") == 0 ? 1
                                       : strcmp(h->kind, "exam") == 0        ? 2
                                       : strcmp(h->kind, "assessment") == 0  ? 3
                                                                              : 0);
  put(b, &kind, 1);
  put_time(b, h->earned);
  put_time(b, h->expires);
  put_time(b, h->earned_known);
  put_u(b, (uint64_t)h->has_successor);
  return bd->oom || b->oom ? -1 : 0;
}

static int b_later(void *arg, const store_later_link_row *l) {
  builder *bd = arg;
  buf *b = &bd->sec[S_LATER].bytes;
  row_begin(bd, S_LATER, l->oid);
  put_i(b, l->mid);
  put_time(b, l->started);
  put_time(b, l->next_started);
  put_i(b, l->next_oid);
  put_time(b, l->next_known);
  return bd->oom || b->oom ? -1 : 0;
}

/* Metric rows arrive by organisation, name, period: a row of a new name starts a group
 * (its name and, patched when the group ends, its month count); others append a month. */
static void metric_group_end(builder *bd) {
  if (!bd->group_open) return;
  buf *b = &bd->sec[S_METRICS].bytes;
  buf tail = {0};
  put_u(&tail, bd->group_months);
  /* The count goes right after the name: move the months behind it. */
  size_t at = bd->group_count_at, n = b->len - at;
  put(b, tail.p, tail.len); /* grow */
  if (!b->oom) {
    memmove(b->p + at + tail.len, b->p + at, n);
    memcpy(b->p + at, tail.p, tail.len);
  }
  free(tail.p);
  bd->group_open = 0;
}

static int b_metric(void *arg, int64_t oid, const char *name, int period, double value) {
  builder *bd = arg;
  buf *b = &bd->sec[S_METRICS].bytes;
  if (!bd->group_open || bd->group_oid != oid || strcmp(bd->group_name, name) != 0) {
    metric_group_end(bd);
    row_begin(bd, S_METRICS, oid);
    put_str(b, name);
    free(bd->group_name);
    bd->group_name = strdup(name);
    if (!bd->group_name) bd->oom = 1;
    bd->group_oid = oid;
    bd->group_count_at = b->len;
    bd->group_months = 0;
    bd->group_period = 0;
    bd->group_open = 1;
  }
  put_i(b, (int64_t)period - bd->group_period);
  bd->group_period = period;
  bd->group_months++;
  put_value(b, value);
  return bd->oom || b->oom ? -1 : 0;
}

static int b_override(void *arg, const store_override_row *o) {
  builder *bd = arg;
  metric_group_end(bd);
  buf *b = &bd->sec[S_OVERRIDES].bytes;
  row_begin(bd, S_OVERRIDES, o->oid);
  put_str(b, o->competency);
  put_str(b, o->code);
  put_i(b, o->people);
  put_str(b, o->reason);
  put_str(b, o->by);
  put_time(b, o->from);
  put_time(b, o->until);
  put_time(b, o->known);
  return bd->oom || b->oom ? -1 : 0;
}

static int b_membership(void *arg, const store_membership_row *m) {
  builder *bd = arg;
  buf *b = &bd->sec[S_MEMBERSHIPS].bytes;
  row_begin(bd, S_MEMBERSHIPS, m->oid);
  put_str(b, m->competency);
  put_time(b, m->bought);
  put_str(b, m->level);
  put_str(b, m->by);
  return bd->oom || b->oom ? -1 : 0;
}

static void builder_reset(builder *bd) {
  bd->norgs = 0;
  bd->group_open = 0;
  for (int s = 0; s < S_COUNT; s++) {
    bd->sec[s].nrows = 0;
    bd->sec[s].bytes.len = 0;
  }
}

static void builder_free(builder *bd) {
  free(bd->group_name);
  free(bd->oids);
  free(bd->revs);
  for (int s = 0; s < S_COUNT; s++) {
    free(bd->sec[s].bytes.p);
    free(bd->sec[s].oids);
    free(bd->sec[s].starts);
  }
}

/* Writes the image of every organisation of the builder whose `want` flag is set. */
/* 1 if oid's stored image (of its current revision) is `img`. */
static int image_unchanged(store *s, int64_t oid, const buf *img, int *same, char *err,
                           size_t errsz) {
  *same = 0;
  sqlite3_stmt *st = store_stmt(s, STMT_IMAGE_GET, err, errsz);
  if (!st) return STORE_ERROR;
  store_bind_int(st, ":oid", oid);
  int rc = sqlite3_step(st);
  if (rc == SQLITE_ROW) {
    const void *old = sqlite3_column_blob(st, 0);
    size_t n = (size_t)sqlite3_column_bytes(st, 0);
    *same = n == img->len && (n == 0 || memcmp(old, img->p, n) == 0);
  } else if (rc != SQLITE_DONE) {
    return store_fail(s, st, "reading a facts image", err, errsz);
  }
  sqlite3_reset(st);
  return STORE_OK;
}

/* Writes the images of the organisations of `bd` flagged in `want` (all if NULL), with
 * revision `rev` (or each one's own when rev < 0). With `changed`, an organisation whose
 * stored image is the same is skipped, and the others' oids are appended there. */
static int write_images(store *s, builder *bd, const unsigned char *want, int64_t lo,
                        int64_t rev, int64_t *changed, size_t *nchanged, char *err,
                        size_t errsz) {
  size_t cur[S_COUNT] = {0};
  buf img = {0};
  int rc = STORE_OK;
  for (size_t i = 0; i < bd->norgs && rc == STORE_OK; i++) {
    int64_t oid = bd->oids[i];
    img.len = 0;
    unsigned char version = IMAGE_VERSION;
    put(&img, &version, 1);
    for (int k = 0; k < S_COUNT; k++) {
      section *sc = &bd->sec[k];
      while (cur[k] < sc->nrows && sc->oids[cur[k]] < oid) cur[k]++;
      size_t first = cur[k];
      while (cur[k] < sc->nrows && sc->oids[cur[k]] == oid) cur[k]++;
      put_u(&img, cur[k] - first);
      if (cur[k] > first) {
        size_t from = sc->starts[first];
        size_t to = cur[k] < sc->nrows ? sc->starts[cur[k]] : sc->bytes.len;
        put(&img, sc->bytes.p + from, to - from);
      }
    }
    if (img.oom) {
      snprintf(err, errsz, "building facts images: out of memory");
      rc = STORE_ERROR;
      break;
    }
    if (want && !want[oid - lo]) continue;
    if (changed) {
      int same;
      if ((rc = image_unchanged(s, oid, &img, &same, err, errsz)) != STORE_OK) break;
      if (same) continue;
      changed[(*nchanged)++] = oid;
    }
    sqlite3_stmt *st = store_stmt(s, STMT_IMAGE_PUT, err, errsz);
    if (!st) {
      rc = STORE_ERROR;
      break;
    }
    store_bind_int(st, ":oid", oid);
    store_bind_int(st, ":rev", rev >= 0 ? rev : bd->revs[i]);
    sqlite3_bind_blob(st, sqlite3_bind_parameter_index(st, ":facts"), img.p, (int)img.len,
                      SQLITE_STATIC);
    rc = store_exec_stmt(s, st, "writing a facts image", err, errsz);
  }
  free(img.p);
  return rc;
}

static int cmp_oid(const void *a, const void *b) {
  int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
  return (x > y) - (x < y);
}

int store_images_update(store *s, int64_t *oids, size_t n, int64_t rev, size_t *changed,
                        char *err, size_t errsz) {
  static const store_facts_sink sink = {b_org,    b_user,     b_holding,   b_later,
                                        b_metric, b_override, b_membership};
  qsort(oids, n, sizeof *oids, cmp_oid);
  builder bd = {0};
  unsigned char want[REBUILD_SPAN];
  int rc = STORE_OK;
  *changed = 0; /* oids[0..*changed) is rewritten behind the reading position */
  for (size_t i = 0; i < n && rc == STORE_OK;) {
    /* The organisations within REBUILD_SPAN ids of the first, with no gap over
     * REBUILD_GAP: one range read. */
    int64_t lo = oids[i], hi = lo;
    memset(want, 0, sizeof want);
    while (i < n && oids[i] - lo < REBUILD_SPAN && oids[i] - hi <= REBUILD_GAP + 1) {
      want[oids[i] - lo] = 1;
      hi = oids[i++];
    }
    builder_reset(&bd);
    rc = store_read_sources(s, lo, hi, NULL, &sink, &bd, NULL, err, errsz);
    metric_group_end(&bd);
    if (rc == STORE_OK && bd.oom) {
      snprintf(err, errsz, "building facts images: out of memory");
      rc = STORE_ERROR;
    }
    if (rc == STORE_OK) rc = write_images(s, &bd, want, lo, rev, oids, changed, err, errsz);
  }
  builder_free(&bd);
  return rc;
}

int store_images_rebuild_all(store *s, char *err, size_t errsz) {
  int64_t max;
  int rc = store_org_max(s, &max, err, errsz);
  static const store_facts_sink sink = {b_org,    b_user,     b_holding,   b_later,
                                        b_metric, b_override, b_membership};
  builder bd = {0};
  for (int64_t lo = 1; rc == STORE_OK && lo <= max; lo += REBUILD_SPAN) {
    builder_reset(&bd);
    rc = store_read_sources(s, lo, lo + REBUILD_SPAN - 1, NULL, &sink, &bd, NULL, err, errsz);
    metric_group_end(&bd);
    if (rc == STORE_OK && bd.oom) {
      snprintf(err, errsz, "building facts images: out of memory");
      rc = STORE_ERROR;
    }
    if (rc == STORE_OK) rc = write_images(s, &bd, NULL, lo, -1, NULL, NULL, err, errsz);
  }
  builder_free(&bd);
  return rc;
}

/* ---- decoding ---- */

typedef struct reader {
  const unsigned char *p, *end;
  int bad;
  char *str; /* scratch for strings, NUL-terminated copies */
  size_t str_len, str_cap;
} reader;

static uint64_t get_u(reader *r) {
  uint64_t v = 0;
  for (int shift = 0; shift < 64; shift += 7) {
    if (r->p >= r->end) {
      r->bad = 1;
      return 0;
    }
    unsigned char c = *r->p++;
    v |= (uint64_t)(c & 0x7f) << shift;
    if (!(c & 0x80)) return v;
  }
  r->bad = 1;
  return 0;
}

static int64_t unzig(uint64_t z) { return (int64_t)(z >> 1) ^ -(int64_t)(z & 1); }
static int64_t get_i(reader *r) { return unzig(get_u(r)); }

static int64_t get_time(reader *r) {
  uint64_t z = get_u(r);
  return z ? unzig(z - 1) : STORE_NO_TIME;
}

/* A string of the image, copied NUL-terminated into the reader's scratch, which row_start
 * sized for the rest of the image: valid until the next row starts. */
static const char *get_str(reader *r) {
  uint64_t n = get_u(r);
  if (!n) return NULL;
  n--;
  if ((uint64_t)(r->end - r->p) < n || r->str_len + n + 1 > r->str_cap) {
    r->bad = 1;
    return NULL;
  }
  char *s = r->str + r->str_len;
  memcpy(s, r->p, n);
  s[n] = 0;
  r->p += n;
  r->str_len += n + 1;
  return s;
}

/* Each row's strings are decoded into the scratch from its start; the image's remaining
 * length (plus a NUL per string, at most one per byte) bounds what a row needs. */
static int row_start(reader *r) {
  r->str_len = 0;
  size_t need = 2 * (size_t)(r->end - r->p) + 64;
  if (need > r->str_cap) {
    char *q = realloc(r->str, need);
    if (!q) return -1;
    r->str = q;
    r->str_cap = need;
  }
  return 0;
}

static double get_value(reader *r) {
  uint64_t v = get_u(r);
  if (!(v & 1)) return (double)(v >> 1);
  double d;
  if (r->end - r->p < (long)sizeof d) {
    r->bad = 1;
    return 0;
  }
  memcpy(&d, r->p, sizeof d);
  r->p += sizeof d;
  return d;
}

static int in_window(const store_metric_window *w, const char *name, int period) {
  if (!w || period >= w->from) return 1;
  for (int k = 0; k < STORE_ANY_MONTH_METRICS; k++)
    if (w->any_month[k] && strcmp(w->any_month[k], name) == 0) return 1;
  return 0;
}

int store_image_decode(const void *data, size_t len, int64_t oid, const store_metric_window *w,
                       const store_facts_sink *f, void *arg, char **scratch, size_t *scratch_cap) {
  reader r = {data, (const unsigned char *)data + len, 0, *scratch, 0, *scratch_cap};
  int rc = 0;
  if (len < 1 || *r.p++ != IMAGE_VERSION) return STORE_ECONFLICT; /* another format: stale */
  uint64_t n = get_u(&r);
  for (uint64_t i = 0; i < n && !r.bad && !rc; i++) {
    if (row_start(&r)) return STORE_ERROR;
    store_user_row u = {.oid = oid};
    u.uid = get_i(&r);
    u.key = get_str(&r);
    u.joined = get_time(&r);
    u.left = get_time(&r);
    u.joined_known = get_time(&r);
    u.left_known = get_time(&r);
    if (!u.key) u.key = "";
    if (!r.bad && f->user) rc = f->user(arg, &u);
  }
  n = get_u(&r);
  for (uint64_t i = 0; i < n && !r.bad && !rc; i++) {
    if (row_start(&r)) return STORE_ERROR;
    store_holding_row h = {.oid = oid};
    h.uid = get_i(&r);
    h.mid = get_i(&r);
    h.msa = get_str(&r);
    h.started = get_time(&r);
    h.link_known = get_time(&r);
    h.code = get_str(&r);
    static const char *const kinds[] = {"", "certification", "exam", "assessment"};
    h.kind = r.p < r.end && *r.p <= 3 ? kinds[*r.p] : (r.bad = 1, "");
    if (r.p < r.end) r.p++;
    h.earned = get_time(&r);
    h.expires = get_time(&r);
    h.earned_known = get_time(&r);
    h.has_successor = (int)get_u(&r);
    if (!h.msa) h.msa = "";
    if (!h.code) h.code = "";
    if (!r.bad && f->holding) rc = f->holding(arg, &h);
  }
  n = get_u(&r);
  for (uint64_t i = 0; i < n && !r.bad && !rc; i++) {
    store_later_link_row l = {.oid = oid};
    l.mid = get_i(&r);
    l.started = get_time(&r);
    l.next_started = get_time(&r);
    l.next_oid = get_i(&r);
    l.next_known = get_time(&r);
    if (!r.bad && f->later_link) rc = f->later_link(arg, &l);
  }
  n = get_u(&r);
  for (uint64_t i = 0; i < n && !r.bad && !rc; i++) {
    if (row_start(&r)) return STORE_ERROR;
    const char *name = get_str(&r);
    if (!name) name = "";
    uint64_t months = get_u(&r);
    int64_t period = 0;
    for (uint64_t k = 0; k < months && !r.bad && !rc; k++) {
      period += get_i(&r);
      double value = get_value(&r);
      if (!r.bad && f->metric && in_window(w, name, (int)period))
        rc = f->metric(arg, oid, name, (int)period, value);
    }
  }
  n = get_u(&r);
  for (uint64_t i = 0; i < n && !r.bad && !rc; i++) {
    if (row_start(&r)) return STORE_ERROR;
    store_override_row o = {.oid = oid};
    o.competency = get_str(&r);
    o.code = get_str(&r);
    o.people = get_i(&r);
    o.reason = get_str(&r);
    o.by = get_str(&r);
    o.from = get_time(&r);
    o.until = get_time(&r);
    o.known = get_time(&r);
    if (!o.competency) o.competency = "";
    if (!o.code) o.code = "";
    if (!o.reason) o.reason = "";
    if (!o.by) o.by = "";
    if (!r.bad && f->override) rc = f->override(arg, &o);
  }
  n = get_u(&r);
  for (uint64_t i = 0; i < n && !r.bad && !rc; i++) {
    if (row_start(&r)) return STORE_ERROR;
    store_membership_row m = {.oid = oid};
    m.competency = get_str(&r);
    m.bought = get_time(&r);
    m.level = get_str(&r);
    m.by = get_str(&r);
    if (!m.competency) m.competency = "";
    if (!m.level) m.level = "";
    if (!r.bad && f->membership) rc = f->membership(arg, &m);
  }
  *scratch = r.str;
  *scratch_cap = r.str_cap;
  if (rc) return rc;
  return r.bad || r.p != r.end ? STORE_ECONFLICT : STORE_OK;
}
