/* lists.c — latency of the store's lists (store_lists.h) on a database made by
 * tests/bench/gen.lua and evaluated (docs/performance.md, "Lists"):
 *
 *   build/release/tests/bench_lists DB [ROUNDS]
 *
 * Runs each kind of query ROUNDS times (default 1000) with pseudo-random starting points,
 * searches and organisations (a fixed seed: the same queries every run), on one connection
 * as a dashboard's request would, and prints the median, the 99th percentile and the
 * maximum of each kind in milliseconds. "page" is what one dashboard page costs: the
 * counts, a page of 50 organisations and each one's standing. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "store.h"
#include "store_lists.h"

static uint64_t rng = 88172645463325252ull;
static uint64_t next_rand(void) { /* xorshift64 */
  rng ^= rng << 13;
  rng ^= rng >> 7;
  rng ^= rng << 17;
  return rng;
}

static double now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

typedef struct ctx {
  store *s;
  int64_t norgs;
  int64_t oids[STORE_PAGE_MAX];
  int n;
  long rows;
  char err[1024];
} ctx;

static int on_org(void *arg, const store_org_row *r) {
  ctx *c = arg;
  if (c->n < STORE_PAGE_MAX) c->oids[c->n++] = r->oid;
  c->rows++;
  return 0;
}
static int on_standing(void *arg, const store_standing_row *r) {
  ((ctx *)arg)->rows++;
  return 0;
}
static int on_history(void *arg, const store_history_row *r) {
  ((ctx *)arg)->rows++;
  return 0;
}
static int on_alert(void *arg, const store_alert_list_row *r) {
  ((ctx *)arg)->rows++;
  return 0;
}

static const char *const competencies[] = {"application-development", "cloud-platform",
                                           "data-analytics",          "devops",
                                           "modern-workplace",        "security"};

static int64_t random_oid(ctx *c) { return 1 + (int64_t)(next_rand() % (uint64_t)c->norgs); }

static void fail(ctx *c, const char *what) {
  fprintf(stderr, "bench_lists: %s: %s\n", what, c->err);
  exit(1);
}

static void orgs(ctx *c, store_org_filter f, int64_t after) {
  store_page page = {.limit = 50, .after = {after, 0}};
  c->n = 0;
  if (store_orgs_page(c->s, &f, &page, on_org, c, c->err, sizeof c->err)) fail(c, "orgs");
}

enum {
  Q_FIRST,
  Q_DEEP,
  Q_COMPETENCY,
  Q_STATE_IN,
  Q_STATE,
  Q_LEVEL_IN,
  Q_LEVEL,
  Q_STATE_LEVEL,
  Q_SEARCH_ID,
  Q_SEARCH_SHORT,
  Q_SEARCH_NAME,
  Q_SEARCH_NONE,
  Q_SEARCH_STATE,
  Q_COUNTS_IN,
  Q_COUNTS,
  Q_STANDING,
  Q_PAGE,
  Q_HISTORY,
  Q_ALERTS,
  Q_ALERTS_OPEN,
  Q_ALERTS_ORG,
  Q_COUNT_
};
static const char *const names[Q_COUNT_] = {
    "orgs: first page",         "orgs: a page anywhere",      "orgs: competency",
    "orgs: competency + state", "orgs: state (any)",          "orgs: competency + level",
    "orgs: level (any)",        "orgs: state + level (any)",  "search: an id prefix",
    "search: 1-3 characters",   "search: name words",         "search: no match",
    "search + state",           "counts: one competency",     "counts: all",
    "standing: 50 orgs",        "page: counts+orgs+standing", "history: one org",
    "alerts: a page anywhere",  "alerts: open, anywhere",     "alerts: one org"};

static void run_one(ctx *c, int q) {
  char search[64];
  static const char *const states[] = {"qualified", "active", "at_risk", "expired"};
  static const char *const levels[] = {"silver", "gold"};
  const char *comp = competencies[next_rand() % 6];
  const char *state = states[next_rand() % 4];
  const char *level = levels[next_rand() % 2];
  int64_t after = (int64_t)(next_rand() % (uint64_t)c->norgs);
  store_org_counts counts;
  switch (q) {
  case Q_FIRST: orgs(c, (store_org_filter){0}, 0); break;
  case Q_DEEP: orgs(c, (store_org_filter){0}, after); break;
  case Q_COMPETENCY: orgs(c, (store_org_filter){.competency = comp}, after); break;
  case Q_STATE_IN: orgs(c, (store_org_filter){.competency = comp, .state = state}, after); break;
  case Q_STATE: orgs(c, (store_org_filter){.state = state}, after); break;
  case Q_LEVEL_IN: orgs(c, (store_org_filter){.competency = comp, .level = level}, after); break;
  case Q_LEVEL: orgs(c, (store_org_filter){.level = level}, after); break;
  case Q_STATE_LEVEL: orgs(c, (store_org_filter){.level = level, .state = state}, after); break;
  case Q_SEARCH_ID: /* "o01234": 1 to 100 organisations */
    snprintf(search, sizeof search, "o%05d", (int)(next_rand() % 64000));
    orgs(c, (store_org_filter){.search = search}, 0);
    break;
  case Q_SEARCH_SHORT: { /* "o", "o0", "o01": a tenth to all of them */
    int len = 1 + (int)(next_rand() % 3);
    snprintf(search, sizeof search, "o%0*d", len - 1, (int)(next_rand() % 7));
    if (len == 1) search[1] = 0;
    orgs(c, (store_org_filter){.search = search}, after);
    break;
  }
  case Q_SEARCH_NAME: /* "org 12": every organisation has the word org */
    snprintf(search, sizeof search, "org %d", (int)(next_rand() % 1000));
    orgs(c, (store_org_filter){.search = search}, 0);
    break;
  case Q_SEARCH_NONE:
    snprintf(search, sizeof search, "zz%d", (int)(next_rand() % 1000));
    orgs(c, (store_org_filter){.search = search}, 0);
    break;
  case Q_SEARCH_STATE:
    snprintf(search, sizeof search, "o%03d", (int)(next_rand() % 640));
    orgs(c, (store_org_filter){.search = search, .state = state}, 0);
    break;
  case Q_COUNTS_IN:
    if (store_org_counts_get(c->s, comp, &counts, c->err, sizeof c->err)) fail(c, "counts");
    break;
  case Q_COUNTS:
    if (store_org_counts_get(c->s, NULL, &counts, c->err, sizeof c->err)) fail(c, "counts");
    break;
  case Q_STANDING:
  case Q_PAGE:
    if (q == Q_PAGE && store_org_counts_get(c->s, comp, &counts, c->err, sizeof c->err))
      fail(c, "counts");
    orgs(c, q == Q_PAGE ? (store_org_filter){.competency = comp} : (store_org_filter){0}, after);
    for (int i = 0; i < c->n; i++)
      if (store_org_standing(c->s, c->oids[i], on_standing, c, c->err, sizeof c->err))
        fail(c, "standing");
    break;
  case Q_HISTORY: {
    store_page page = {.limit = 50};
    if (store_history_page(c->s, random_oid(c), NULL, &page, on_history, c, c->err, sizeof c->err))
      fail(c, "history");
    break;
  }
  case Q_ALERTS:
  case Q_ALERTS_OPEN:
  case Q_ALERTS_ORG: {
    store_page page = {.limit = 50, .after = {(int64_t)(next_rand() % 10000), 0}};
    store_alert_filter f = {.open_only = q == Q_ALERTS_OPEN,
                            .oid = q == Q_ALERTS_ORG ? random_oid(c) : 0};
    if (q == Q_ALERTS_ORG) page.after.k1 = 0;
    if (store_alerts_page(c->s, &f, &page, on_alert, c, c->err, sizeof c->err)) fail(c, "alerts");
    break;
  }
  }
}

int main(int argc, char **argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: bench_lists DB [ROUNDS]\n");
    return 2;
  }
  int rounds = argc > 2 ? atoi(argv[2]) : 1000;
  ctx c = {0};
  if (store_open(&c.s, argv[1], 0, c.err, sizeof c.err)) fail(&c, argv[1]);
  store_org_counts all;
  if (store_org_counts_get(c.s, NULL, &all, c.err, sizeof c.err)) fail(&c, "counts");
  c.norgs = all.orgs;
  printf("%lld organisations; %d rounds per query; milliseconds\n", (long long)c.norgs, rounds);
  printf("%-28s %8s %8s %8s %10s\n", "query", "p50", "p99", "max", "rows/query");
  double *t = malloc(sizeof *t * (size_t)rounds);
  for (int q = 0; q < Q_COUNT_; q++) {
    run_one(&c, q); /* warm the statement and the pages it reads */
    c.rows = 0;
    for (int r = 0; r < rounds; r++) {
      double t0 = now_ms();
      run_one(&c, q);
      t[r] = now_ms() - t0;
    }
    qsort(t, (size_t)rounds, sizeof *t, cmp_double);
    printf("%-28s %8.3f %8.3f %8.3f %10.1f\n", names[q], t[rounds / 2], t[(rounds * 99) / 100],
           t[rounds - 1], (double)c.rows / rounds);
    fflush(stdout);
  }
  free(t);
  store_close(c.s);
  return 0;
}
