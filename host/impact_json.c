/* impact_json.c — an impact report as JSON (see impact_json.h). Keys in a fixed order
 * (jansson keeps insertion order), so the output is reproducible. */
#include "impact_json.h"

#include <math.h>

#include "isotime.h"
#include "lifecycle.h"
#include "result.h"

/* Integers without a fraction, like every other number attain writes. */
static json_t *number(double d) {
  if (d == floor(d) && fabs(d) < 9007199254740992.0) return json_integer((json_int_t)d);
  return json_real(d);
}

static void set(json_t *o, const char *k, json_t *v) { json_object_set_new(o, k, v); }
static void set_int(json_t *o, const char *k, int64_t v) { set(o, k, json_integer((json_int_t)v)); }
static void set_str(json_t *o, const char *k, const char *s) {
  set(o, k, s ? json_string(s) : json_null());
}

static json_t *sets_json(const char *name, const char *version) {
  json_t *o = json_object();
  if (name) set_str(o, "policies", name);
  set_str(o, "version", version);
  return o;
}

static void counts(json_t *o, const impact_report *r) {
  set_int(o, "organisations", r->orgs);
  set_int(o, "changed", r->changed);
  set_int(o, "demoted", r->demoted);
  /* one decimal: a share for people and thresholds, not a measurement */
  set(o, "demoted_percent", number(round(impact_demoted_percent(r) * 10.0) / 10.0));
  set_int(o, "promoted", r->promoted);
  set_int(o, "levels_lost", r->lost);
  set_int(o, "levels_gained", r->gained);
  set_int(o, "state_changes", r->state_changes);
  set_int(o, "alerts_raised", r->alerts_raised);
  set_int(o, "alerts_cleared", r->alerts_cleared);
  set_int(o, "errors_introduced", r->errors_introduced);
  set_int(o, "errors_fixed", r->errors_fixed);
}

json_t *impact_json_summary(const impact_report *r) {
  json_t *o = json_object();
  char at[ISOTIME_BUFSZ];
  isotime_format(r->at, at);
  set_str(o, "at", at);
  counts(o, r);
  return o;
}

static json_t *moves(const int64_t *m, int n, const char *(*name)(int)) {
  json_t *a = json_array();
  for (int from = 0; from < n; from++)
    for (int to = 0; to < n; to++)
      if (from != to && m[from * n + to]) {
        json_t *e = json_object();
        set_str(e, "from", name(from));
        set_str(e, "to", name(to));
        set_int(e, "count", m[from * n + to]);
        json_array_append_new(a, e);
      }
  return a;
}

static json_t *competency_json(const impact_competency *c) {
  json_t *o = json_object();
  set_str(o, "competency", c->id);
  set(o, "in_before", json_boolean(c->in_before));
  set(o, "in_after", json_boolean(c->in_after));
  set_int(o, "changed", c->changed);
  set_int(o, "lost", c->lost);
  set_int(o, "gained", c->gained);
  set(o, "levels", moves(&c->levels[0][0], IMPACT_LEVELS, result_level_word));
  set(o, "states", moves(&c->states[0][0], IMPACT_STATES, lifecycle_state_name));
  set_int(o, "alerts_raised", c->alerts_raised);
  set_int(o, "alerts_cleared", c->alerts_cleared);
  set_int(o, "errors_introduced", c->errors_introduced);
  set_int(o, "errors_fixed", c->errors_fixed);
  return o;
}

static json_t *side_json(const impact_side *s) {
  json_t *o = json_object();
  set(o, "defined", json_boolean(s->defined));
  set_str(o, "level", result_level_word(s->level));
  set_str(o, "state", lifecycle_state_name(s->state));
  set(o, "alert", json_boolean(s->alert));
  set_str(o, "error", s->error);
  if (s->cause && *s->cause) set_str(o, "cause", s->cause);
  return o;
}

static json_t *goal_side_json(const impact_goal_side *s) {
  if (!s->present) return json_null();
  json_t *o = json_object();
  set(o, "path_met", json_boolean(s->path_met));
  if (s->label) {
    set_str(o, "label", s->label);
    set(o, "have", s->error ? json_null() : number(s->have));
    set(o, "need", number(s->need));
    set(o, "met", json_boolean(s->met));
    if (s->error) set_str(o, "error", s->error);
  }
  return o;
}

static const char *const goal_kinds[] = {NULL, "met", "need", "path"};

static json_t *goal_json(const impact_goal *g) {
  if (g->kind == IMPACT_GOAL_NONE) return json_null();
  json_t *o = json_object();
  set_str(o, "change", goal_kinds[g->kind]);
  set_str(o, "level", result_level_word(g->level));
  set_str(o, "path", g->path);
  set(o, "before", goal_side_json(&g->before));
  set(o, "after", goal_side_json(&g->after));
  return o;
}

json_t *impact_json(const impact_report *r, const char *before, const char *after) {
  json_t *o = json_object();
  char at[ISOTIME_BUFSZ];
  isotime_format(r->at, at);
  set_str(o, "at", at);
  set(o, "before", sets_json(before, r->before_version));
  set(o, "after", sets_json(after, r->after_version));
  counts(o, r);
  json_t *cs = json_array();
  for (int u = 0; u < r->ncompetencies; u++)
    json_array_append_new(cs, competency_json(&r->competencies[u]));
  set(o, "competencies", cs);
  json_t *ex = json_array();
  for (int e = 0; e < r->nexamples; e++) {
    const impact_example *x = &r->examples[e];
    json_t *j = json_object();
    set_str(j, "org", x->org);
    set_str(j, "competency", r->competencies[x->competency].id);
    set(j, "before", side_json(&x->before));
    set(j, "after", side_json(&x->after));
    set(j, "goal", goal_json(&x->goal));
    json_array_append_new(ex, j);
  }
  set(o, "examples", ex);
  return o;
}
