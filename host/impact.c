/* impact.c — two policy sets compared on every organisation (see impact.h). */
#include "impact.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "eval.h"
#include "lifecycle.h"
#include "result.h"
#include "store.h"
#include "store_read.h"

/* Kinds of change, in the order examples are chosen: every kind present in a competency
 * gets an example before any kind gets a second. A row's kind is the first it shows. */
enum { K_ERROR, K_LOST, K_GAINED, K_STATE, K_ALERT, K_FIXED, KINDS };

typedef struct candidates {
  impact_example *ex[KINDS];
  int n[KINDS];
} candidates;

typedef struct run {
  const impact_request *q;
  impact_report *r;
  int *pb, *pa; /* per competency of the report: its index in before / after, or -1 */
  candidates *cand; /* per competency */
  int err_oom;
} run;

static int by_id(const void *a, const void *b) {
  return strcmp(((const impact_competency *)a)->id, ((const impact_competency *)b)->id);
}

/* The report's competencies: those of either set, by id. */
static int competencies_make(run *x) {
  impact_report *r = x->r;
  const policy_set *b = x->q->before, *a = x->q->after;
  r->competencies = arena_calloc(&r->mem, (size_t)(b->nfiles + a->nfiles) + 1,
                                 sizeof *r->competencies);
  if (!r->competencies) return -1;
  for (int i = 0; i < b->nfiles; i++) r->competencies[r->ncompetencies++].id = b->files[i].stem;
  for (int i = 0; i < a->nfiles; i++)
    if (policy_set_find(b, a->files[i].stem) < 0)
      r->competencies[r->ncompetencies++].id = a->files[i].stem;
  qsort(r->competencies, (size_t)r->ncompetencies, sizeof *r->competencies, by_id);
  size_t n = (size_t)r->ncompetencies + 1;
  x->pb = calloc(n, sizeof *x->pb);
  x->pa = calloc(n, sizeof *x->pa);
  x->cand = calloc(n, sizeof *x->cand);
  if (!x->pb || !x->pa || !x->cand) return -1;
  for (int u = 0; u < r->ncompetencies; u++) {
    impact_competency *c = &r->competencies[u];
    c->id = arena_strdup(&r->mem, c->id); /* the sets may go before the report */
    x->pb[u] = policy_set_find(b, c->id);
    x->pa[u] = policy_set_find(a, c->id);
    c->in_before = x->pb[u] >= 0;
    c->in_after = x->pa[u] >= 0;
    for (int k = 0; k < KINDS && x->q->examples > 0; k++) {
      x->cand[u].ex[k] = arena_calloc(&r->mem, (size_t)x->q->examples, sizeof(impact_example));
      if (!x->cand[u].ex[k]) return -1;
    }
  }
  return r->mem.oom ? -1 : 0;
}

/* What a set leaves stored for one organisation × competency. A policy that fails as a
 * whole, or a set without the competency, changes no state and no alert: they stay as
 * stored (`stored_state`, `stored_alert`). */
static impact_side side_of(const eval_row *row, int stored_state, int stored_alert) {
  impact_side s = {0, RESULT_LEVEL_NONE, stored_state, stored_alert, NULL, ""};
  if (!row) return s;
  s.defined = 1;
  s.level = row->failed ? RESULT_LEVEL_NONE : row->level;
  s.state = row->state;
  if (!row->failed)
    s.alert = row->alert == LC_ALERT_RAISE || (row->alert == LC_ALERT_KEEP && row->open_alert_id);
  s.error = row->error;
  s.cause = row->cause ? row->cause : "";
  return s;
}

static impact_side side_copy(arena *m, impact_side s) {
  s.error = arena_strdup(m, s.error);
  s.cause = arena_strdup(m, s.cause);
  return s;
}

/* Compares one organisation × competency; keeps it as a candidate example if it changed.
 * Returns a bit set: 1 changed, 2 lost a level, 4 gained one. */
static int compare(run *x, int u, const eval_row *rb, const eval_row *ra) {
  impact_report *r = x->r;
  impact_competency *c = &r->competencies[u];
  const eval_row *known = rb ? rb : ra;
  /* The stored state and alert, as read for this evaluation (both sides read the same);
   * a policy that failed as a whole read no lifecycle. */
  int stored_state = known->prev_state;
  int stored_alert = rb && !rb->failed   ? rb->open_alert_id != 0
                     : ra && !ra->failed ? ra->open_alert_id != 0
                                         : 0;
  impact_side b = side_of(rb, stored_state, stored_alert);
  impact_side a = side_of(ra, stored_state, stored_alert);
  c->levels[b.level][a.level]++;
  c->states[b.state][a.state]++;
  int kind = KINDS, bits = 0;
  if (!b.error != !a.error) {
    if (a.error) {
      c->errors_introduced++;
      kind = K_ERROR;
    } else {
      c->errors_fixed++;
      kind = K_FIXED;
    }
  }
  if (a.level < b.level) {
    c->lost++;
    bits |= 2;
    if (kind > K_LOST) kind = K_LOST;
  } else if (a.level > b.level) {
    c->gained++;
    bits |= 4;
    if (kind > K_GAINED) kind = K_GAINED;
  }
  if (a.state != b.state) {
    r->state_changes++;
    if (kind > K_STATE) kind = K_STATE;
  }
  if (a.alert != b.alert) {
    if (a.alert)
      c->alerts_raised++;
    else
      c->alerts_cleared++;
    if (kind > K_ALERT) kind = K_ALERT;
  }
  if (kind == KINDS) return 0;
  c->changed++;
  candidates *cd = &x->cand[u];
  if (cd->n[kind] < x->q->examples) {
    impact_example *e = &cd->ex[kind][cd->n[kind]++];
    e->org = arena_strdup(&r->mem, known->org);
    e->oid = known->oid;
    e->competency = u;
    e->before = side_copy(&r->mem, b);
    e->after = side_copy(&r->mem, a);
  }
  return 1 | bits;
}

static int on_chunk(void *arg, const eval_chunk *ch, char *err, size_t errsz) {
  run *x = arg;
  impact_report *r = x->r;
  int nb = x->q->before->nfiles, na = x->q->after->nfiles;
  for (int k = 0; k < ch->norgs; k++) {
    const eval_row *B = nb ? ch->rows + (size_t)k * (size_t)nb : NULL;
    const eval_row *A = na ? ch->rows2 + (size_t)k * (size_t)na : NULL;
    int bits = 0;
    for (int u = 0; u < r->ncompetencies; u++)
      bits |= compare(x, u, x->pb[u] >= 0 ? &B[x->pb[u]] : NULL,
                      x->pa[u] >= 0 ? &A[x->pa[u]] : NULL);
    r->orgs++;
    r->changed += (bits & 1) != 0;
    r->demoted += (bits & 2) != 0;
    r->promoted += (bits & 4) != 0;
  }
  if (r->mem.oom) {
    snprintf(err, errsz, "comparing: out of memory");
    return -1;
  }
  return 0;
}

static int by_example(const void *pa, const void *pb) {
  const impact_example *a = pa, *b = pb;
  if (a->competency != b->competency) return a->competency < b->competency ? -1 : 1;
  return a->oid < b->oid ? -1 : a->oid > b->oid;
}

/* Per competency, up to `examples`: the first of each kind of change, then the second, ... */
static int examples_choose(run *x) {
  impact_report *r = x->r;
  int per = x->q->examples;
  if (per <= 0) return 0;
  r->examples = arena_calloc(&r->mem, (size_t)r->ncompetencies * (size_t)per + 1,
                             sizeof *r->examples);
  if (!r->examples) return -1;
  for (int u = 0; u < r->ncompetencies; u++) {
    candidates *cd = &x->cand[u];
    int taken = 0;
    for (int round = 0; round < per && taken < per; round++)
      for (int k = 0; k < KINDS && taken < per; k++)
        if (round < cd->n[k]) {
          r->examples[r->nexamples++] = cd->ex[k][round];
          taken++;
        }
  }
  qsort(r->examples, (size_t)r->nexamples, sizeof *r->examples, by_example);
  return 0;
}

/* ---- the goal that made the difference (second pass, with paths) ---- */

static const result_path *path_find(const result_tree *t, const result_path *p) {
  for (int i = 0; i < t->npaths; i++)
    if (t->paths[i].level == p->level && strcmp(t->paths[i].id, p->id) == 0) return &t->paths[i];
  return NULL;
}

static impact_goal_side goal_side(arena *m, const result_path *p, const result_goal *g) {
  impact_goal_side s = {0};
  if (!p) return s;
  s.present = 1;
  s.path_met = p->met;
  if (!g) return s;
  s.label = arena_strdup(m, g->label);
  s.have = g->have;
  s.need = g->need;
  s.met = g->met;
  s.error = arena_strdup(m, g->error);
  return s;
}

typedef struct goal_pick {
  const result_path *pb, *pa;
  int j; /* goal index; -1: the path only */
} goal_pick;

static int goal_differs(const result_goal *b, const result_goal *a) {
  return b->need != a->need || strcmp(b->label ? b->label : "", a->label ? a->label : "") != 0;
}

static void goal_find(const result_tree *tb, const result_tree *ta, arena *m, impact_goal *out) {
  memset(out, 0, sizeof *out);
  if (!tb || !ta) return; /* a policy failed as a whole, or a set lacks it: its error says */
  goal_pick met = {0}, need = {0}, path = {0};
  int kind_met = 0; /* 1: a goal's met changed; 2: ... on a path whose met changed */
  int have_need = 0, have_path = 0;
  for (int i = 0; i < ta->npaths && kind_met < 2; i++) {
    const result_path *pa = &ta->paths[i], *pb = path_find(tb, pa);
    if (!pb) {
      if (!have_path) {
        path = (goal_pick){NULL, pa, -1};
        have_path = 1;
      }
      continue;
    }
    int n = pa->ngoals < pb->ngoals ? pa->ngoals : pb->ngoals;
    for (int j = 0; j < n && kind_met < 2; j++) {
      const result_goal *gb = &pb->goals[j], *ga = &pa->goals[j];
      if (gb->met != ga->met) {
        int k = pb->met != pa->met ? 2 : 1;
        if (k > kind_met) {
          met = (goal_pick){pb, pa, j};
          kind_met = k;
        }
      } else if (!have_need && goal_differs(gb, ga)) {
        need = (goal_pick){pb, pa, j};
        have_need = 1;
      }
    }
    if (!have_need && pa->ngoals != pb->ngoals) { /* a goal only one side has */
      need = (goal_pick){pb, pa, n};
      have_need = 1;
    }
  }
  for (int i = 0; !have_path && i < tb->npaths; i++)
    if (!path_find(ta, &tb->paths[i])) {
      path = (goal_pick){&tb->paths[i], NULL, -1};
      have_path = 1;
    }
  goal_pick *g = kind_met ? &met : have_need ? &need : have_path ? &path : NULL;
  if (!g) return;
  out->kind = kind_met ? IMPACT_GOAL_MET : have_need ? IMPACT_GOAL_NEED : IMPACT_GOAL_PATH;
  const result_path *p = g->pa ? g->pa : g->pb;
  out->level = p->level;
  out->path = arena_strdup(m, p->id);
  const result_goal *gb = g->pb && g->j >= 0 && g->j < g->pb->ngoals ? &g->pb->goals[g->j] : NULL;
  const result_goal *ga = g->pa && g->j >= 0 && g->j < g->pa->ngoals ? &g->pa->goals[g->j] : NULL;
  out->before = goal_side(m, g->pb, gb);
  out->after = goal_side(m, g->pa, ga);
}

static int on_paths(void *arg, const eval_chunk *ch, char *err, size_t errsz) {
  run *x = arg;
  impact_report *r = x->r;
  int nb = x->q->before->nfiles, na = x->q->after->nfiles;
  for (int k = 0; k < ch->norgs && (nb || na); k++) {
    const eval_row *B = nb ? ch->rows + (size_t)k * (size_t)nb : NULL;
    const eval_row *A = na ? ch->rows2 + (size_t)k * (size_t)na : NULL;
    int64_t oid = B ? B[0].oid : A[0].oid;
    for (int e = 0; e < r->nexamples; e++) {
      impact_example *ex = &r->examples[e];
      if (ex->oid != oid) continue;
      int u = ex->competency;
      const eval_row *rb = x->pb[u] >= 0 ? &B[x->pb[u]] : NULL;
      const eval_row *ra = x->pa[u] >= 0 ? &A[x->pa[u]] : NULL;
      goal_find(rb ? rb->tree : NULL, ra ? ra->tree : NULL, &r->mem, &ex->goal);
    }
  }
  if (r->mem.oom) {
    snprintf(err, errsz, "comparing: out of memory");
    return -1;
  }
  return 0;
}

static int cmp_oid(const void *a, const void *b) {
  int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
  return x < y ? -1 : x > y;
}

/* Evaluates the examples' organisations again, with paths and goals. */
static int examples_explain(run *x, double *seconds, char *err, size_t errsz) {
  impact_report *r = x->r;
  if (!r->nexamples) return 0;
  int64_t *oids = malloc((size_t)r->nexamples * sizeof *oids);
  if (!oids) {
    snprintf(err, errsz, "out of memory");
    return -1;
  }
  size_t n = 0;
  for (int e = 0; e < r->nexamples; e++) oids[n++] = r->examples[e].oid;
  qsort(oids, n, sizeof *oids, cmp_oid);
  size_t m = 0;
  for (size_t i = 0; i < n; i++)
    if (!m || oids[m - 1] != oids[i]) oids[m++] = oids[i];
  const impact_request *q = x->q;
  eval_request req = {.db = q->db, .set = q->before, .compare = q->after, .at = q->at,
                      .by_list = 1, .oids = oids, .noids = m, .workers = q->workers,
                      .report = POLICY_REPORT_PATHS, .on_chunk = on_paths, .arg = x,
                      .stop = q->stop, .nice = q->nice, .busy_ms = q->busy_ms};
  eval_stats stats;
  int rc = eval_run(&req, &stats, err, errsz);
  *seconds += stats.seconds;
  free(oids);
  return rc;
}

int impact_run(const impact_request *q, impact_report **out, char *err, size_t errsz) {
  *out = NULL;
  impact_report *r = calloc(1, sizeof *r);
  if (!r) {
    snprintf(err, errsz, "out of memory");
    return -1;
  }
  arena_init(&r->mem);
  r->at = q->at;
  snprintf(r->before_version, sizeof r->before_version, "%s", q->before->version);
  snprintf(r->after_version, sizeof r->after_version, "%s", q->after->version);
  run x = {.q = q, .r = r};
  int rc = 0;
  int64_t hi = 0;
  if (competencies_make(&x)) {
    snprintf(err, errsz, "out of memory");
    rc = -1;
  }
  if (!rc) {
    store *s;
    rc = store_open(&s, q->db, 0, err, errsz);
    if (!rc) {
      if (q->busy_ms) store_busy_timeout(s, q->busy_ms);
      rc = store_org_max(s, &hi, err, errsz);
      store_close(s);
    }
  }
  eval_stats stats = {0};
  if (!rc) {
    eval_request req = {.db = q->db, .set = q->before, .compare = q->after, .at = q->at,
                        .lo = 1, .hi = hi, .workers = q->workers,
                        .report = POLICY_REPORT_LEVEL, .on_chunk = on_chunk, .arg = &x,
                        .stop = q->stop, .nice = q->nice, .busy_ms = q->busy_ms};
    rc = eval_run(&req, &stats, err, errsz);
  }
  if (!rc && examples_choose(&x)) {
    snprintf(err, errsz, "out of memory");
    rc = -1;
  }
  double seconds = stats.seconds;
  if (!rc) rc = examples_explain(&x, &seconds, err, errsz);
  if (!rc && q->stop && *q->stop) {
    snprintf(err, errsz, "stopped");
    rc = -1;
  }
  for (int u = 0; u < r->ncompetencies; u++) {
    impact_competency *c = &r->competencies[u];
    r->lost += c->lost;
    r->gained += c->gained;
    r->alerts_raised += c->alerts_raised;
    r->alerts_cleared += c->alerts_cleared;
    r->errors_introduced += c->errors_introduced;
    r->errors_fixed += c->errors_fixed;
  }
  r->seconds = seconds;
  free(x.pb);
  free(x.pa);
  free(x.cand);
  if (rc) {
    impact_free(r);
    return rc;
  }
  *out = r;
  return 0;
}

void impact_free(impact_report *r) {
  if (!r) return;
  arena_free(&r->mem);
  free(r);
}

double impact_demoted_percent(const impact_report *r) {
  return r->orgs ? 100.0 * (double)r->demoted / (double)r->orgs : 0.0;
}
