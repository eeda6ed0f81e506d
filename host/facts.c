/* facts.c — loading a range of organisations' facts, and the counting rules (see facts.h).
 *
 * Rows arrive from the store table by table, each in organisation order; they are
 * appended to one growable array per table, strings copied into an arena, and each
 * organisation then gets [start, count) views into those arrays. */
#include "facts.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "isotime.h"
#include "store_read.h"

/* A chunked arena for the batch's strings; reset (not freed) between loads. */
typedef struct chunk {
  struct chunk *next;
  size_t used, cap;
  char data[];
} chunk;

typedef struct span {
  size_t start, count;
} span;

struct facts_batch {
  chunk *chunks;
  struct org_entry {
    facts_org view;
    span users, holdings, metrics, overrides, memberships, statuses, alerts, results;
  } *orgs;
  size_t norgs, orgs_cap;
  facts_user *users;
  size_t nusers, users_cap;
  facts_holding *holdings;
  int64_t *holding_uid; /* parallel to holdings until users are resolved */
  int64_t *holding_oid;
  size_t nholdings, holdings_cap;
  facts_metric *metrics;
  size_t nmetrics, metrics_cap;
  facts_override *overrides;
  size_t noverrides, overrides_cap;
  facts_membership *memberships;
  size_t nmemberships, memberships_cap;
  facts_status *statuses;
  size_t nstatuses, statuses_cap;
  facts_alert *alerts;
  size_t nalerts, alerts_cap;
  facts_result *results;
  size_t nresults, results_cap;
  size_t cursor; /* the org the current table's rows are being attached to */
  int oom;
};

static const char *dup(facts_batch *b, const char *s) {
  if (!s) return NULL;
  size_t n = strlen(s) + 1;
  chunk *c = b->chunks;
  if (!c || c->cap - c->used < n) {
    size_t cap = n > 65536 ? n : 65536;
    c = malloc(sizeof *c + cap);
    if (!c) {
      b->oom = 1;
      return "";
    }
    c->next = b->chunks;
    c->used = 0;
    c->cap = cap;
    b->chunks = c;
  }
  char *p = c->data + c->used;
  memcpy(p, s, n);
  c->used += n;
  return p;
}

static int grow(void **arr, size_t *cap, size_t need, size_t elem) {
  if (need <= *cap) return 0;
  size_t nc = *cap ? *cap * 2 : 256;
  while (nc < need) nc *= 2;
  void *p = realloc(*arr, nc * elem);
  if (!p) return -1;
  *arr = p;
  *cap = nc;
  return 0;
}

facts_batch *facts_batch_new(void) { return calloc(1, sizeof(facts_batch)); }

static void arena_free(facts_batch *b) {
  for (chunk *c = b->chunks, *n; c; c = n) {
    n = c->next;
    free(c);
  }
  b->chunks = NULL;
}

void facts_batch_free(facts_batch *b) {
  if (!b) return;
  arena_free(b);
  free(b->orgs);
  free(b->users);
  free(b->holdings);
  free(b->holding_uid);
  free(b->holding_oid);
  free(b->metrics);
  free(b->overrides);
  free(b->memberships);
  free(b->statuses);
  free(b->alerts);
  free(b->results);
  free(b);
}

int facts_batch_count(const facts_batch *b) { return (int)b->norgs; }
const facts_org *facts_batch_org(const facts_batch *b, int i) { return &b->orgs[i].view; }

int facts_kind_parse(const char *name) {
  if (!name) return FACTS_ANY;
  if (strcmp(name, "certification") == 0) return FACTS_CERTIFICATION;
  if (strcmp(name, "exam") == 0) return FACTS_EXAM;
  if (strcmp(name, "assessment") == 0) return FACTS_ASSESSMENT;
  return -1;
}

const char *facts_kind_name(int kind) {
  static const char *const names[] = {"any", "certification", "exam", "assessment"};
  return kind >= 0 && kind <= FACTS_ASSESSMENT ? names[kind] : "?";
}

/* Finds the batch index of organisation `oid`, advancing b->cursor: rows come in
 * organisation order, so this is a merge, not a search. */
static struct org_entry *attach(facts_batch *b, int64_t oid) {
  /* A new table starts again from the first organisation. */
  if (b->cursor >= b->norgs || b->orgs[b->cursor].view.oid > oid) b->cursor = 0;
  while (b->cursor < b->norgs && b->orgs[b->cursor].view.oid < oid) b->cursor++;
  if (b->cursor < b->norgs && b->orgs[b->cursor].view.oid == oid) return &b->orgs[b->cursor];
  return NULL; /* an organisation created after the org table was read: skip its rows */
}

static void extend(span *sp, size_t index) {
  if (!sp->count) sp->start = index;
  sp->count++;
}

static int on_org(void *arg, int64_t oid, const char *key, int64_t rev) {
  facts_batch *b = arg;
  if (grow((void **)&b->orgs, &b->orgs_cap, b->norgs + 1, sizeof *b->orgs)) return -1;
  struct org_entry *e = &b->orgs[b->norgs++];
  memset(e, 0, sizeof *e);
  e->view.oid = oid;
  e->view.rev = rev;
  e->view.key = dup(b, key);
  return b->oom;
}

static int on_user(void *arg, int64_t oid, int64_t uid, const char *key, int64_t joined,
                   int64_t left) {
  facts_batch *b = arg;
  struct org_entry *e = attach(b, oid);
  if (!e) return 0;
  if (grow((void **)&b->users, &b->users_cap, b->nusers + 1, sizeof *b->users)) return -1;
  b->users[b->nusers] = (facts_user){uid, dup(b, key), joined, left};
  extend(&e->users, b->nusers++);
  return b->oom;
}

static int on_holding(void *arg, const store_holding_row *h) {
  facts_batch *b = arg;
  struct org_entry *e = attach(b, h->oid);
  if (!e) return 0;
  size_t cap = b->holdings_cap;
  if (grow((void **)&b->holdings, &b->holdings_cap, b->nholdings + 1, sizeof *b->holdings))
    return -1;
  if (cap != b->holdings_cap) {
    size_t c2 = cap;
    if (grow((void **)&b->holding_uid, &c2, b->holdings_cap, sizeof *b->holding_uid)) return -1;
    c2 = cap;
    if (grow((void **)&b->holding_oid, &c2, b->holdings_cap, sizeof *b->holding_oid)) return -1;
  }
  b->holdings[b->nholdings] = (facts_holding){
      .user = -1,
      .msa = dup(b, h->msa),
      .code = dup(b, h->code),
      .code_hash = facts_code_hash(h->code),
      .kind = facts_kind_parse(h->kind),
      .started = h->started,
      .ended = h->ended,
      .moved_away = h->ended != STORE_NO_TIME && h->next_oid != h->oid,
      .earned = h->earned,
      .expires = h->expires,
  };
  b->holding_uid[b->nholdings] = h->uid;
  b->holding_oid[b->nholdings] = h->oid;
  extend(&e->holdings, b->nholdings++);
  return b->oom;
}

static int on_metric(void *arg, int64_t oid, const char *name, int period, double value) {
  facts_batch *b = arg;
  struct org_entry *e = attach(b, oid);
  if (!e) return 0;
  if (grow((void **)&b->metrics, &b->metrics_cap, b->nmetrics + 1, sizeof *b->metrics)) return -1;
  /* Metric names repeat every month: share the previous row's copy. */
  const char *n =
      b->nmetrics && e->metrics.count && strcmp(b->metrics[b->nmetrics - 1].name, name) == 0
          ? b->metrics[b->nmetrics - 1].name
          : dup(b, name);
  b->metrics[b->nmetrics] = (facts_metric){n, period, value};
  extend(&e->metrics, b->nmetrics++);
  return b->oom;
}

static int on_override(void *arg, const store_override_row *o) {
  facts_batch *b = arg;
  struct org_entry *e = attach(b, o->oid);
  if (!e) return 0;
  if (grow((void **)&b->overrides, &b->overrides_cap, b->noverrides + 1, sizeof *b->overrides))
    return -1;
  b->overrides[b->noverrides] = (facts_override){
      dup(b, o->competency), dup(b, o->code), dup(b, o->reason), dup(b, o->by),
      o->people,             o->from,         o->until};
  extend(&e->overrides, b->noverrides++);
  return b->oom;
}

static int on_membership(void *arg, const store_membership_row *m) {
  facts_batch *b = arg;
  struct org_entry *e = attach(b, m->oid);
  if (!e) return 0;
  if (grow((void **)&b->memberships, &b->memberships_cap, b->nmemberships + 1,
           sizeof *b->memberships))
    return -1;
  b->memberships[b->nmemberships] =
      (facts_membership){dup(b, m->competency), dup(b, m->level), dup(b, m->by), m->bought};
  extend(&e->memberships, b->nmemberships++);
  return b->oom;
}

static int on_status(void *arg, const store_status_row *r) {
  facts_batch *b = arg;
  struct org_entry *e = attach(b, r->oid);
  if (!e) return 0;
  if (grow((void **)&b->statuses, &b->statuses_cap, b->nstatuses + 1, sizeof *b->statuses))
    return -1;
  b->statuses[b->nstatuses] = (facts_status){dup(b, r->competency), dup(b, r->state), r->since};
  extend(&e->statuses, b->nstatuses++);
  return b->oom;
}

static int on_alert(void *arg, const store_alert_row *r) {
  facts_batch *b = arg;
  struct org_entry *e = attach(b, r->oid);
  if (!e) return 0;
  if (grow((void **)&b->alerts, &b->alerts_cap, b->nalerts + 1, sizeof *b->alerts)) return -1;
  b->alerts[b->nalerts] = (facts_alert){dup(b, r->competency), dup(b, r->kind),
                                        dup(b, r->message), dup(b, r->cause), r->id, r->raised};
  extend(&e->alerts, b->nalerts++);
  return b->oom;
}

static int on_result(void *arg, const store_result_row *r) {
  facts_batch *b = arg;
  struct org_entry *e = attach(b, r->oid);
  if (!e) return 0;
  if (grow((void **)&b->results, &b->results_cap, b->nresults + 1, sizeof *b->results)) return -1;
  b->results[b->nresults] = (facts_result){dup(b, r->competency), dup(b, r->policy),
                                          dup(b, r->level), dup(b, r->error)};
  extend(&e->results, b->nresults++);
  return b->oom;
}

int facts_batch_load(facts_batch *b, store *s, int64_t lo, int64_t hi,
                     const store_metric_window *w, char *err, size_t errsz) {
  arena_free(b);
  b->norgs = b->nusers = b->nholdings = b->nmetrics = b->noverrides = b->nmemberships = 0;
  b->nstatuses = b->nalerts = b->nresults = 0;
  b->oom = 0;
  static const store_read_sink sink = {on_org,      on_user,       on_holding,
                                       on_metric,   on_override,   on_membership,
                                       on_status,   on_alert,      on_result};
  b->cursor = 0;
  int rc = store_read_range(s, lo, hi, w, &sink, b, err, errsz);
  if (rc != STORE_OK || b->oom) {
    if (b->oom || rc == -1) snprintf(err, errsz, "loading facts: out of memory");
    return STORE_ERROR;
  }
  /* Resolve views and each holding's user index (users are sorted by uid per org). */
  for (size_t i = 0; i < b->norgs; i++) {
    struct org_entry *e = &b->orgs[i];
    e->view.users = b->users + e->users.start;
    e->view.nusers = (int)e->users.count;
    e->view.holdings = b->holdings + e->holdings.start;
    e->view.nholdings = (int)e->holdings.count;
    e->view.metrics = b->metrics + e->metrics.start;
    e->view.nmetrics = (int)e->metrics.count;
    e->view.overrides = b->overrides + e->overrides.start;
    e->view.noverrides = (int)e->overrides.count;
    e->view.memberships = b->memberships + e->memberships.start;
    e->view.nmemberships = (int)e->memberships.count;
    e->view.statuses = b->statuses + e->statuses.start;
    e->view.nstatuses = (int)e->statuses.count;
    e->view.alerts = b->alerts + e->alerts.start;
    e->view.nalerts = (int)e->alerts.count;
    e->view.results = b->results + e->results.start;
    e->view.nresults = (int)e->results.count;
    for (size_t h = e->holdings.start; h < e->holdings.start + e->holdings.count; h++) {
      int lo_i = 0, hi_i = e->view.nusers - 1;
      int64_t uid = b->holding_uid[h];
      while (lo_i <= hi_i) {
        int mid = (lo_i + hi_i) / 2;
        if (e->view.users[mid].uid < uid)
          lo_i = mid + 1;
        else if (e->view.users[mid].uid > uid)
          hi_i = mid - 1;
        else {
          b->holdings[h].user = mid;
          break;
        }
      }
    }
  }
  return STORE_OK;
}

int64_t facts_holding_counts_from(const facts_org *o, const facts_holding *h) {
  int64_t from = h->earned > h->started ? h->earned : h->started;
  const facts_user *u = h->user >= 0 ? &o->users[h->user] : NULL;
  if (u && u->joined != STORE_NO_TIME && u->joined > from) from = u->joined;
  return from + FACTS_DAY;
}

enum facts_why facts_holding_status(const facts_org *o, const facts_holding *h, int64_t t) {
  if (h->earned > t || h->started > t) return FACTS_IRRELEVANT;
  if (h->ended != STORE_NO_TIME && h->earned >= h->ended) return FACTS_IRRELEVANT;
  if (h->ended != STORE_NO_TIME && h->ended <= t)
    return h->moved_away ? FACTS_MOVED_AWAY : FACTS_MOVED_USER;
  const facts_user *u = h->user >= 0 ? &o->users[h->user] : NULL;
  if (u && u->left != STORE_NO_TIME && u->left <= t) return FACTS_LEFT;
  if (u && u->joined != STORE_NO_TIME && u->joined > t) return FACTS_NOT_JOINED;
  if (h->expires != STORE_NO_TIME && h->expires <= t) return FACTS_EXPIRED;
  if (t < facts_holding_counts_from(o, h))
    return h->earned >= h->started && (!u || u->joined == STORE_NO_TIME || h->earned >= u->joined)
               ? FACTS_EARNED_RECENTLY
               : FACTS_LINKED_RECENTLY;
  return FACTS_COUNTS;
}

const char *facts_why_text(enum facts_why why) {
  switch (why) {
  case FACTS_COUNTS: return "counts";
  case FACTS_IRRELEVANT: return "not held at that time";
  case FACTS_EARNED_RECENTLY: return "earned less than 24 hours ago";
  case FACTS_LINKED_RECENTLY: return "associated less than 24 hours ago";
  case FACTS_EXPIRED: return "expired";
  case FACTS_LEFT: return "left the organisation";
  case FACTS_NOT_JOINED: return "not yet joined the organisation";
  case FACTS_MOVED_AWAY: return "MSA associated with another organisation";
  case FACTS_MOVED_USER: return "MSA associated with another user";
  }
  return "?";
}

int64_t facts_why_since(const facts_org *o, const facts_holding *h, enum facts_why why) {
  switch (why) {
  case FACTS_EARNED_RECENTLY:
  case FACTS_LINKED_RECENTLY: return facts_holding_counts_from(o, h);
  case FACTS_EXPIRED: return h->expires;
  case FACTS_LEFT: return h->user >= 0 ? o->users[h->user].left : STORE_NO_TIME;
  case FACTS_NOT_JOINED: return h->user >= 0 ? o->users[h->user].joined : STORE_NO_TIME;
  case FACTS_MOVED_AWAY:
  case FACTS_MOVED_USER: return h->ended;
  default: return STORE_NO_TIME;
  }
}

uint32_t facts_code_hash(const char *code) {
  uint32_t h = 2166136261u;
  for (const unsigned char *p = (const unsigned char *)code; *p; p++) h = (h ^ *p) * 16777619u;
  return h;
}

static int code_in(const char *code, const char *const *codes, int ncodes) {
  for (int i = 0; i < ncodes; i++)
    if (strcmp(code, codes[i]) == 0) return 1;
  return 0;
}

/* code_in for a holding: the hashes rule out almost every other code at once. */
static int holding_code_in(const facts_holding *h, const char *const *codes,
                           const uint32_t *hashes, int ncodes) {
  for (int i = 0; i < ncodes; i++)
    if (h->code_hash == hashes[i] && strcmp(h->code, codes[i]) == 0) return 1;
  return 0;
}

int facts_override_in_force(const facts_override *ov, int64_t t) {
  return (ov->from == STORE_NO_TIME || ov->from <= t) && t < ov->until;
}

int64_t facts_people(const facts_org *o, int64_t t, const char *const *codes, int ncodes,
                     int kind, const char *competency, unsigned char *seen) {
  int64_t n = 0;
  uint32_t hashes[64];
  if (ncodes > 64) ncodes = 64;
  for (int i = 0; i < ncodes; i++) hashes[i] = facts_code_hash(codes[i]);
  if (o->nusers) memset(seen, 0, (size_t)o->nusers);
  for (int i = 0; i < o->nholdings; i++) {
    const facts_holding *h = &o->holdings[i];
    if (h->user < 0 || seen[h->user]) continue;
    if (kind != FACTS_ANY && h->kind != kind) continue;
    if (!holding_code_in(h, codes, hashes, ncodes)) continue;
    if (facts_holding_status(o, h, t) != FACTS_COUNTS) continue;
    seen[h->user] = 1;
    n++;
  }
  if (competency)
    for (int i = 0; i < o->noverrides; i++) {
      const facts_override *ov = &o->overrides[i];
      if (strcmp(ov->competency, competency) == 0 && code_in(ov->code, codes, ncodes) &&
          facts_override_in_force(ov, t))
        n += ov->people;
    }
  return n;
}

/* The [first, last) rows of `metric` (metrics are sorted by name, then period, and rows
 * of one name share one string: one comparison per name, not per row). */
static void metric_rows(const facts_org *o, const char *metric, int *first, int *last) {
  int i = 0;
  while (i < o->nmetrics && strcmp(o->metrics[i].name, metric) != 0) {
    const char *group = o->metrics[i].name;
    while (i < o->nmetrics && o->metrics[i].name == group) i++;
  }
  *first = i;
  while (i < o->nmetrics && o->metrics[i].name == o->metrics[*first].name) i++;
  *last = i;
}

double facts_metric_sum(const facts_org *o, const char *metric, int64_t t, int months) {
  int first, last, now = isotime_month_of(t);
  metric_rows(o, metric, &first, &last);
  double sum = 0;
  for (int i = first; i < last; i++)
    if (o->metrics[i].period <= now && o->metrics[i].period > now - months)
      sum += o->metrics[i].value;
  return sum;
}

double facts_metric_latest(const facts_org *o, const char *metric, int64_t t, int *found) {
  int first, last, now = isotime_month_of(t);
  metric_rows(o, metric, &first, &last);
  for (int i = last - 1; i >= first; i--)
    if (o->metrics[i].period <= now) {
      *found = 1;
      return o->metrics[i].value;
    }
  *found = 0;
  return 0;
}

double facts_metric_at(const facts_org *o, const char *metric, int period, int *found) {
  int first, last;
  metric_rows(o, metric, &first, &last);
  for (int i = first; i < last; i++)
    if (o->metrics[i].period == period) {
      *found = 1;
      return o->metrics[i].value;
    }
  *found = 0;
  return 0;
}

static void earliest(int64_t *best, int64_t candidate, int64_t t) {
  if (candidate != STORE_NO_TIME && candidate > t && candidate < *best) *best = candidate;
}

int64_t facts_next_change(const facts_org *o, int64_t t) {
  int64_t best = INT64_MAX;
  for (int i = 0; i < o->nholdings; i++) {
    const facts_holding *h = &o->holdings[i];
    earliest(&best, h->earned, t);
    earliest(&best, h->started, t);
    earliest(&best, facts_holding_counts_from(o, h), t);
    earliest(&best, h->ended, t);
    earliest(&best, h->expires, t);
  }
  for (int i = 0; i < o->nusers; i++) {
    earliest(&best, o->users[i].joined, t);
    earliest(&best, o->users[i].left, t);
  }
  for (int i = 0; i < o->noverrides; i++) {
    earliest(&best, o->overrides[i].from, t);
    earliest(&best, o->overrides[i].until, t);
  }
  for (int i = 0; i < o->nmemberships; i++) earliest(&best, o->memberships[i].bought, t);
  /* Month windows move at the start of the next month. */
  if (o->nmetrics) earliest(&best, isotime_month_start(isotime_month_of(t) + 1), t);
  return best;
}
