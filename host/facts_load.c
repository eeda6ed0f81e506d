/* facts_load.c — loading a range of organisations' facts (see facts_load.h).
 *
 * Rows arrive from the store table by table, each in organisation order; they are
 * appended to one growable array per table, strings copied into an arena, and each
 * organisation then gets [start, count) views into those arrays. A holding's later
 * associations are attached by (MSA, association start) once every table is read. */
#include "facts_load.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"

_Static_assert(FACTS_NO_TIME == STORE_NO_TIME, "facts and store agree on 'no time'");

typedef struct span {
  size_t start, count;
} span;

/* A later association as read, keyed by the association it may end. */
typedef struct later_row {
  int64_t mid, started;
  facts_later later;
} later_row;

struct facts_batch {
  arena strings;
  struct org_entry {
    facts_org view;
    span users, holdings, later, metrics, overrides, memberships;
  } *orgs;
  size_t norgs, orgs_cap;
  facts_user *users;
  size_t nusers, users_cap;
  facts_holding *holdings;
  struct holding_key {
    int64_t uid, mid;
  } *holding_keys; /* parallel to holdings until users and links are resolved */
  size_t nholdings, holdings_cap, keys_cap;
  later_row *later_rows;
  facts_later *later;
  size_t nlater, later_cap, later_out_cap;
  facts_metric *metrics;
  size_t nmetrics, metrics_cap;
  facts_override *overrides;
  size_t noverrides, overrides_cap;
  facts_membership *memberships;
  size_t nmemberships, memberships_cap;
  size_t cursor; /* the org the current table's rows are being attached to */
  int oom;
};

static const char *dup(facts_batch *b, const char *s) {
  const char *p = arena_strdup(&b->strings, s);
  if (b->strings.oom) b->oom = 1;
  return p;
}

/* Grows an array to hold `need` elements; on failure marks the batch out of memory. */
static int grow(facts_batch *b, void **arr, size_t *cap, size_t need, size_t elem) {
  if (need <= *cap) return 0;
  size_t nc = *cap ? *cap * 2 : 256;
  while (nc < need) nc *= 2;
  void *p = realloc(*arr, nc * elem);
  if (!p) {
    b->oom = 1;
    return -1;
  }
  *arr = p;
  *cap = nc;
  return 0;
}

facts_batch *facts_batch_new(void) {
  facts_batch *b = calloc(1, sizeof(facts_batch));
  if (b) arena_init(&b->strings);
  return b;
}

void facts_batch_free(facts_batch *b) {
  if (!b) return;
  arena_free(&b->strings);
  free(b->orgs);
  free(b->users);
  free(b->holdings);
  free(b->holding_keys);
  free(b->later_rows);
  free(b->later);
  free(b->metrics);
  free(b->overrides);
  free(b->memberships);
  free(b);
}

int facts_batch_count(const facts_batch *b) { return (int)b->norgs; }
const facts_org *facts_batch_org(const facts_batch *b, int i) { return &b->orgs[i].view; }

/* Finds the batch entry of organisation `oid`, advancing b->cursor: rows come in
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
  if (grow(b, (void **)&b->orgs, &b->orgs_cap, b->norgs + 1, sizeof *b->orgs)) return -1;
  struct org_entry *e = &b->orgs[b->norgs++];
  memset(e, 0, sizeof *e);
  e->view.oid = oid;
  e->view.rev = rev;
  e->view.key = dup(b, key);
  return b->oom;
}

static int on_user(void *arg, const store_user_row *u) {
  facts_batch *b = arg;
  struct org_entry *e = attach(b, u->oid);
  if (!e) return 0;
  if (grow(b, (void **)&b->users, &b->users_cap, b->nusers + 1, sizeof *b->users)) return -1;
  b->users[b->nusers] =
      (facts_user){u->uid, dup(b, u->key), u->joined, u->left, u->joined_known, u->left_known};
  extend(&e->users, b->nusers++);
  return b->oom;
}

static int on_holding(void *arg, const store_holding_row *h) {
  facts_batch *b = arg;
  struct org_entry *e = attach(b, h->oid);
  if (!e) return 0;
  if (grow(b, (void **)&b->holdings, &b->holdings_cap, b->nholdings + 1, sizeof *b->holdings) ||
      grow(b, (void **)&b->holding_keys, &b->keys_cap, b->nholdings + 1, sizeof *b->holding_keys))
    return -1;
  b->holdings[b->nholdings] = (facts_holding){
      .user = -1,
      .msa = dup(b, h->msa),
      .code = dup(b, h->code),
      .code_hash = facts_code_hash(h->code),
      .kind = facts_kind_parse(h->kind),
      .started = h->started,
      .link_known = h->link_known,
      .earned = h->earned,
      .expires = h->expires,
      .earned_known = h->earned_known,
  };
  b->holding_keys[b->nholdings] = (struct holding_key){h->uid, h->mid};
  extend(&e->holdings, b->nholdings++);
  return b->oom;
}

static int on_later_link(void *arg, const store_later_link_row *l) {
  facts_batch *b = arg;
  struct org_entry *e = attach(b, l->oid);
  if (!e) return 0;
  if (grow(b, (void **)&b->later_rows, &b->later_cap, b->nlater + 1, sizeof *b->later_rows))
    return -1;
  b->later_rows[b->nlater] =
      (later_row){l->mid, l->started, {l->next_started, l->next_oid, l->next_known}};
  extend(&e->later, b->nlater++);
  return 0;
}

static int on_metric(void *arg, int64_t oid, const char *name, int period, double value) {
  facts_batch *b = arg;
  struct org_entry *e = attach(b, oid);
  if (!e) return 0;
  if (grow(b, (void **)&b->metrics, &b->metrics_cap, b->nmetrics + 1, sizeof *b->metrics)) return -1;
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
  if (grow(b, (void **)&b->overrides, &b->overrides_cap, b->noverrides + 1, sizeof *b->overrides))
    return -1;
  b->overrides[b->noverrides] = (facts_override){
      dup(b, o->competency), dup(b, o->code), dup(b, o->reason), dup(b, o->by),
      o->people,             o->from,         o->until,          o->known};
  extend(&e->overrides, b->noverrides++);
  return b->oom;
}

static int on_membership(void *arg, const store_membership_row *m) {
  facts_batch *b = arg;
  struct org_entry *e = attach(b, m->oid);
  if (!e) return 0;
  if (grow(b, (void **)&b->memberships, &b->memberships_cap, b->nmemberships + 1,
           sizeof *b->memberships))
    return -1;
  b->memberships[b->nmemberships] =
      (facts_membership){dup(b, m->competency), dup(b, m->level), dup(b, m->by), m->bought};
  extend(&e->memberships, b->nmemberships++);
  return b->oom;
}

/* Resolves each holding's user index (users are sorted by uid per organisation) and its
 * later associations (rows sorted by MSA, association start, later start). */
static void resolve(facts_batch *b, struct org_entry *e) {
  for (size_t h = e->holdings.start; h < e->holdings.start + e->holdings.count; h++) {
    facts_holding *fh = &b->holdings[h];
    int lo = 0, hi = e->view.nusers - 1;
    int64_t uid = b->holding_keys[h].uid;
    while (lo <= hi) {
      int mid = (lo + hi) / 2;
      if (e->view.users[mid].uid < uid)
        lo = mid + 1;
      else if (e->view.users[mid].uid > uid)
        hi = mid - 1;
      else {
        fh->user = mid;
        break;
      }
    }
    for (size_t k = e->later.start; k < e->later.start + e->later.count; k++) {
      const later_row *r = &b->later_rows[k];
      if (r->mid != b->holding_keys[h].mid || r->started != fh->started) continue;
      if (!fh->nlater) fh->later = &b->later[k];
      fh->nlater++;
    }
    /* One association's later ones arrive together (the read sorts by association), in no
     * given order: by start, as facts_holding_ended reads them. A few at most. */
    facts_later *l = &b->later[fh->later ? fh->later - b->later : 0];
    for (int i = 1; i < fh->nlater; i++)
      for (int j = i; j > 0 && l[j].started < l[j - 1].started; j--) {
        facts_later t = l[j];
        l[j] = l[j - 1];
        l[j - 1] = t;
      }
  }
}

int facts_batch_load(facts_batch *b, store *s, int64_t lo, int64_t hi,
                     const store_metric_window *w, int64_t at, const store_prior_sink *prior,
                     void *prior_arg, char *err, size_t errsz) {
  arena_reset(&b->strings);
  b->norgs = b->nusers = b->nholdings = b->nlater = b->nmetrics = b->noverrides = 0;
  b->nmemberships = 0;
  b->oom = 0;
  static const store_facts_sink sink = {on_org,    on_user,     on_holding,   on_later_link,
                                        on_metric, on_override, on_membership};
  b->cursor = 0;
  int rc = store_read_range(s, lo, hi, w, at, &sink, b, prior, prior_arg, err, errsz);
  if (!rc && grow(b, (void **)&b->later, &b->later_out_cap, b->nlater, sizeof *b->later)) b->oom = 1;
  if (b->oom) {
    snprintf(err, errsz, "loading facts: out of memory");
    return STORE_ERROR;
  }
  if (rc != STORE_OK) return STORE_ERROR;
  for (size_t k = 0; k < b->nlater; k++) b->later[k] = b->later_rows[k].later;
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
    resolve(b, e);
  }
  return STORE_OK;
}
