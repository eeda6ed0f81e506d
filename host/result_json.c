/* result_json.c — result trees as JSON (see result_json.h). Keys are written in a fixed
 * order and numbers canonically (jsonw.h), so the output is byte-for-byte reproducible.
 * Optional keys ("error", "detail", "expires", ...) are written only when they hold a
 * value. */
#include "result_json.h"

#include <stdio.h>

#include "isotime.h"

static void opt_time(jsonw *w, const char *key, int64_t t) {
  if (t == FACTS_NO_TIME) return;
  jsonw_key(w, key);
  jsonw_time(w, t);
}

static void opt_str(jsonw *w, const char *key, const char *s) {
  if (!s) return;
  jsonw_key(w, key);
  jsonw_str(w, s);
}

static void person(jsonw *w, const result_person *p) {
  jsonw_obj_begin(w);
  jsonw_key(w, "user");
  jsonw_str(w, p->user);
  jsonw_key(w, "msa");
  jsonw_str(w, p->msa);
  jsonw_key(w, "code");
  jsonw_str(w, p->code);
  opt_time(w, "earned", p->earned);
  opt_time(w, "counts_from", p->counts_from);
  opt_time(w, "expires", p->expires);
  if (p->why == FACTS_COUNTS) {
    if (p->ends != FACTS_NO_TIME) {
      opt_time(w, "ends", p->ends);
      opt_str(w, "ends_reason", facts_why_name(p->ends_why));
    }
  } else {
    opt_str(w, "reason", facts_why_name(p->why));
    opt_time(w, "since", p->since);
  }
  jsonw_obj_end(w);
}

static void value(jsonw *w, const result_value *v) {
  switch (v->type) {
  case RESULT_NIL: jsonw_null(w); return;
  case RESULT_BOOL: jsonw_bool(w, v->b); return;
  case RESULT_INT:
    if (v->time)
      jsonw_time(w, v->i);
    else
      jsonw_int(w, v->i);
    return;
  case RESULT_NUM: jsonw_num(w, v->n); return;
  case RESULT_STR: jsonw_strn(w, v->s, v->len); return;
  case RESULT_ARRAY:
    jsonw_arr_begin(w);
    for (int i = 0; i < v->nitems; i++) value(w, &v->items[i]);
    jsonw_arr_end(w);
    return;
  case RESULT_OBJECT:
    jsonw_obj_begin(w);
    for (int i = 0; i < v->nitems; i++) {
      jsonw_key(w, v->items[i].key);
      value(w, &v->items[i]);
    }
    jsonw_obj_end(w);
    return;
  }
}

static void goal(jsonw *w, const result_goal *g);

static void detail(jsonw *w, const result_goal *g) {
  switch (g->detail) {
  case RESULT_DETAIL_PEOPLE:
    jsonw_key(w, "detail");
    jsonw_obj_begin(w);
    jsonw_key(w, "counted");
    jsonw_arr_begin(w);
    for (int i = 0; i < g->ncounted; i++) person(w, &g->counted[i]);
    jsonw_arr_end(w);
    jsonw_key(w, "excluded");
    jsonw_arr_begin(w);
    for (int i = 0; i < g->nexcluded; i++) person(w, &g->excluded[i]);
    jsonw_arr_end(w);
    jsonw_key(w, "overrides");
    jsonw_arr_begin(w);
    for (int i = 0; i < g->ncredits; i++) {
      const result_credit *c = &g->credits[i];
      jsonw_obj_begin(w);
      jsonw_key(w, "code");
      jsonw_str(w, c->code);
      jsonw_key(w, "people");
      jsonw_int(w, c->people);
      jsonw_key(w, "reason");
      jsonw_str(w, c->reason);
      jsonw_key(w, "by");
      jsonw_str(w, c->by);
      opt_time(w, "until", c->until);
      jsonw_obj_end(w);
    }
    jsonw_arr_end(w);
    jsonw_obj_end(w);
    return;
  case RESULT_DETAIL_WINDOW:
    jsonw_key(w, "detail");
    jsonw_obj_begin(w);
    jsonw_key(w, "metric");
    jsonw_str(w, g->metric);
    jsonw_key(w, "months");
    jsonw_int(w, g->months);
    jsonw_key(w, "values");
    jsonw_arr_begin(w);
    for (int i = 0; i < g->nvalues; i++) {
      char period[ISOTIME_BUFSZ];
      isotime_format_period(g->values[i].period, period);
      jsonw_obj_begin(w);
      jsonw_key(w, "period");
      jsonw_str(w, period);
      jsonw_key(w, "value");
      jsonw_num(w, g->values[i].value);
      jsonw_obj_end(w);
    }
    jsonw_arr_end(w);
    jsonw_obj_end(w);
    return;
  case RESULT_DETAIL_LATEST:
    jsonw_key(w, "detail");
    jsonw_obj_begin(w);
    jsonw_key(w, "metric");
    jsonw_str(w, g->metric);
    jsonw_key(w, "latest");
    if (g->has_latest)
      jsonw_num(w, g->latest);
    else
      jsonw_null(w);
    jsonw_obj_end(w);
    return;
  case RESULT_DETAIL_GOALS:
    jsonw_key(w, "detail");
    jsonw_arr_begin(w);
    for (int i = 0; i < g->nchildren; i++) goal(w, &g->children[i]);
    jsonw_arr_end(w);
    return;
  case RESULT_DETAIL_CUSTOM:
    jsonw_key(w, "detail");
    value(w, g->custom);
    return;
  default: return;
  }
}

static void goal(jsonw *w, const result_goal *g) {
  jsonw_obj_begin(w);
  jsonw_key(w, "kind");
  jsonw_str(w, result_goal_kind_name(g->kind));
  jsonw_key(w, "label");
  jsonw_str(w, g->label);
  jsonw_key(w, "have");
  if (g->error)
    jsonw_null(w);
  else
    jsonw_num(w, g->have);
  jsonw_key(w, "need");
  jsonw_num(w, g->need);
  jsonw_key(w, "met");
  jsonw_bool(w, g->met);
  opt_str(w, "error", g->error);
  detail(w, g);
  opt_str(w, "detail_error", g->detail_error);
  if (g->ntrace) {
    jsonw_key(w, "trace");
    jsonw_arr_begin(w);
    for (int i = 0; i < g->ntrace; i++) jsonw_str(w, g->trace[i]);
    jsonw_arr_end(w);
  }
  jsonw_obj_end(w);
}

void result_json_paths(jsonw *w, const result_tree *tree) {
  jsonw_arr_begin(w);
  for (int i = 0; tree && i < tree->npaths; i++) {
    const result_path *p = &tree->paths[i];
    jsonw_obj_begin(w);
    jsonw_key(w, "id");
    jsonw_str(w, p->id);
    jsonw_key(w, "level");
    jsonw_str(w, result_level_name(p->level));
    jsonw_key(w, "met");
    jsonw_bool(w, p->met);
    opt_str(w, "error", p->error);
    jsonw_key(w, "goals");
    jsonw_arr_begin(w);
    for (int j = 0; j < p->ngoals; j++) goal(w, &p->goals[j]);
    jsonw_arr_end(w);
    jsonw_obj_end(w);
  }
  jsonw_arr_end(w);
}
