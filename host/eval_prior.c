/* eval_prior.c — the evaluator's stored memory of a range of organisations (see
 * eval_prior.h). Rows arrive in organisation order, table by table; each organisation
 * gets [start, count) views into one array per table. */
#include "eval_prior.h"

#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "lifecycle.h"
#include "result.h"

typedef struct span {
  size_t start, count;
} span;

typedef struct prior_entry {
  int64_t oid;
  span statuses, alerts, results;
} prior_entry;

struct eval_prior {
  arena strings;
  prior_entry *orgs;
  size_t norgs, orgs_cap;
  eval_prior_status *statuses;
  size_t nstatuses, statuses_cap;
  eval_prior_alert *alerts;
  size_t nalerts, alerts_cap;
  eval_prior_result *results;
  size_t nresults, results_cap;
  int oom;
};

eval_prior *eval_prior_new(void) {
  eval_prior *p = calloc(1, sizeof *p);
  if (p) arena_init(&p->strings);
  return p;
}

void eval_prior_free(eval_prior *p) {
  if (!p) return;
  arena_free(&p->strings);
  free(p->orgs);
  free(p->statuses);
  free(p->alerts);
  free(p->results);
  free(p);
}

void eval_prior_reset(eval_prior *p) {
  arena_reset(&p->strings);
  p->norgs = p->nstatuses = p->nalerts = p->nresults = 0;
  p->oom = 0;
}

int eval_prior_check(const eval_prior *p) { return p->oom || p->strings.oom ? -1 : 0; }

static int grow(eval_prior *p, void **arr, size_t *cap, size_t need, size_t elem) {
  if (need <= *cap) return 0;
  size_t nc = *cap ? *cap * 2 : 64;
  while (nc < need) nc *= 2;
  void *q = realloc(*arr, nc * elem);
  if (!q) {
    p->oom = 1;
    return -1;
  }
  *arr = q;
  *cap = nc;
  return 0;
}

/* The entry of `oid`, appended when it is new: tables arrive one after another, each in
 * organisation order, so a later table looks the organisation up. */
static prior_entry *entry(eval_prior *p, int64_t oid) {
  size_t lo = 0, hi = p->norgs;
  while (lo < hi) {
    size_t mid = (lo + hi) / 2;
    if (p->orgs[mid].oid < oid)
      lo = mid + 1;
    else
      hi = mid;
  }
  if (lo < p->norgs && p->orgs[lo].oid == oid) return &p->orgs[lo];
  if (grow(p, (void **)&p->orgs, &p->orgs_cap, p->norgs + 1, sizeof *p->orgs)) return NULL;
  memmove(&p->orgs[lo + 1], &p->orgs[lo], (p->norgs - lo) * sizeof *p->orgs);
  p->norgs++;
  memset(&p->orgs[lo], 0, sizeof *p->orgs);
  p->orgs[lo].oid = oid;
  return &p->orgs[lo];
}

static void extend(span *sp, size_t index) {
  if (!sp->count) sp->start = index;
  sp->count++;
}

static int on_status(void *arg, const store_status_row *r) {
  eval_prior *p = arg;
  prior_entry *e = entry(p, r->oid);
  if (!e || grow(p, (void **)&p->statuses, &p->statuses_cap, p->nstatuses + 1, sizeof *p->statuses))
    return -1;
  int state = lifecycle_state_parse(r->state);
  p->statuses[p->nstatuses] = (eval_prior_status){arena_strdup(&p->strings, r->competency),
                                                  state < 0 ? LC_NONE : state, r->since};
  extend(&e->statuses, p->nstatuses++);
  return 0;
}

static int on_alert(void *arg, const store_alert_row *r) {
  eval_prior *p = arg;
  prior_entry *e = entry(p, r->oid);
  if (!e || grow(p, (void **)&p->alerts, &p->alerts_cap, p->nalerts + 1, sizeof *p->alerts))
    return -1;
  p->alerts[p->nalerts] = (eval_prior_alert){
      arena_strdup(&p->strings, r->competency), arena_strdup(&p->strings, r->kind),
      arena_strdup(&p->strings, r->cause), r->id, r->raised};
  extend(&e->alerts, p->nalerts++);
  return 0;
}

static int on_result(void *arg, const store_result_row *r) {
  eval_prior *p = arg;
  prior_entry *e = entry(p, r->oid);
  if (!e || grow(p, (void **)&p->results, &p->results_cap, p->nresults + 1, sizeof *p->results))
    return -1;
  p->results[p->nresults] = (eval_prior_result){
      arena_strdup(&p->strings, r->competency), arena_strdup(&p->strings, r->policy),
      arena_strdup(&p->strings, r->error), result_level_parse(r->level)};
  extend(&e->results, p->nresults++);
  return 0;
}

const store_prior_sink *eval_prior_sink(void) {
  static const store_prior_sink sink = {on_status, on_alert, on_result};
  return &sink;
}

eval_prior_org eval_prior_of(const eval_prior *p, int64_t oid) {
  eval_prior_org v = {.oid = oid};
  size_t lo = 0, hi = p->norgs;
  while (lo < hi) {
    size_t mid = (lo + hi) / 2;
    if (p->orgs[mid].oid < oid)
      lo = mid + 1;
    else
      hi = mid;
  }
  if (lo == p->norgs || p->orgs[lo].oid != oid) return v;
  const prior_entry *e = &p->orgs[lo];
  v.statuses = p->statuses + e->statuses.start;
  v.nstatuses = (int)e->statuses.count;
  v.alerts = p->alerts + e->alerts.start;
  v.nalerts = (int)e->alerts.count;
  v.results = p->results + e->results.start;
  v.nresults = (int)e->results.count;
  return v;
}

const eval_prior_status *eval_prior_status_of(const eval_prior_org *p, const char *competency) {
  for (int i = 0; i < p->nstatuses; i++)
    if (strcmp(p->statuses[i].competency, competency) == 0) return &p->statuses[i];
  return NULL;
}

const eval_prior_alert *eval_prior_alert_of(const eval_prior_org *p, const char *competency,
                                            const char *kind) {
  for (int i = 0; i < p->nalerts; i++)
    if (strcmp(p->alerts[i].competency, competency) == 0 && strcmp(p->alerts[i].kind, kind) == 0)
      return &p->alerts[i];
  return NULL;
}

const eval_prior_result *eval_prior_result_of(const eval_prior_org *p, const char *competency) {
  for (int i = 0; i < p->nresults; i++)
    if (strcmp(p->results[i].competency, competency) == 0) return &p->results[i];
  return NULL;
}
