/* progress.c — a competency's next step and what it lacks, in words (see progress.h). */
#include "progress.h"

#include <math.h>

#include "lifecycle.h"
#include "names.h"

/* How far a path is from being met: how much of it is done (the mean over its goals of
 * have/need, at most 1 each), and how many goals are short. */
static void path_distance(const result_path *p, int *short_goals, double *done) {
  *short_goals = 0;
  *done = 0;
  for (int j = 0; j < p->ngoals; j++) {
    const result_goal *g = &p->goals[j];
    if (!g->met) ++*short_goals;
    *done += g->need > 0 ? fmin(fmax(g->have, 0) / g->need, 1.0) : 1.0;
  }
  if (p->ngoals) *done /= p->ngoals;
}

const result_path *progress_nearest_path(const result_tree *tree, int level) {
  const result_path *best = NULL;
  int best_short = 0;
  double best_done = 0;
  for (int i = 0; tree && i < tree->npaths; i++) {
    const result_path *p = &tree->paths[i];
    if (p->level != level || p->met || p->error) continue;
    int n;
    double done;
    path_distance(p, &n, &done);
    if (!best || done > best_done + 1e-9 || (fabs(done - best_done) <= 1e-9 && n < best_short)) {
      best = p;
      best_short = n;
      best_done = done;
    }
  }
  return best;
}

/* Something of the path is done: worth saying what is left (a competency nothing was
 * done for only shows its row). */
static int any_done(const result_path *p) {
  for (int j = 0; j < p->ngoals; j++)
    if (p->goals[j].have > 0) return 1;
  return 0;
}

static int any_path_in_error(const result_tree *tree, int level) {
  for (int i = 0; tree && i < tree->npaths; i++)
    if (tree->paths[i].level == level && tree->paths[i].error) return 1;
  return 0;
}

/* What goal `g` lacks, in words: "1 more certified person in AZ-104/AZ-204", "43,500 more
 * revenue (azure_consumed_revenue, 12 months)". */
void progress_goal_lacks(const policy_set *set, const result_goal *g, term_line *l) {
  char n[TERM_NUMBER_BUFSZ], h[TERM_NUMBER_BUFSZ], d[TERM_NUMBER_BUFSZ];
  double missing = g->need - g->have;
  term_number(missing, n);
  const char *metric = g->metric ? names_metric(set, g->metric) : NULL;
  if (g->error) {
    term_line_printf(l, "%s: error", g->label);
    return;
  }
  switch (g->kind) {
  case RESULT_GOAL_CERTIFIED:
  case RESULT_GOAL_ASSESSED: {
    int one = missing <= 1;
    term_line_printf(
        l, "%s" TERM_GLUE "more %s", n,
        g->kind == RESULT_GOAL_CERTIFIED
            ? (one ? "certified person" : "certified people")
            : (one ? "person with a passed assessment" : "people with a passed assessment"));
    for (int i = 0; i < g->ncodes; i++) term_line_printf(l, "%s%s", i ? "/" : " in ", g->codes[i]);
    if (!g->ncodes) term_line_printf(l, " (%s)", g->label);
    return;
  }
  case RESULT_GOAL_REVENUE:
  case RESULT_GOAL_CUSTOMERS:
  case RESULT_GOAL_USAGE:
  case RESULT_GOAL_SEATS:
    if (!metric) break;
    term_line_printf(l, "%s" TERM_GLUE "more %s (%s", n,
                     g->kind == RESULT_GOAL_REVENUE     ? "revenue"
                     : g->kind == RESULT_GOAL_CUSTOMERS ? "new customers"
                     : g->kind == RESULT_GOAL_USAGE     ? "active usage"
                                                        : "deployed seats",
                     metric);
    if (g->kind == RESULT_GOAL_USAGE)
      term_line_printf(l, ", %d-month" TERM_GLUE "average)", g->months);
    else if (g->kind != RESULT_GOAL_SEATS)
      term_line_printf(l, ", %d" TERM_GLUE "month%s)", g->months, g->months == 1 ? "" : "s");
    else
      term_line_printf(l, ", latest" TERM_GLUE "month)");
    return;
  case RESULT_GOAL_ALL:
  case RESULT_GOAL_ANY: term_line_printf(l, "%s" TERM_GLUE "more of: %s", n, g->label); return;
  default: break;
  }
  term_line_printf(l, "%s: %s of %s", g->label, term_number(g->have, h), term_number(g->need, d));
}

/* "next: gold (path consumption): 1 more ..., 3,000 more ...", "to keep silver (path
 * consumption): ..." */
void progress_path_lacks(const policy_set *set, const char *lead, const result_path *p,
                         term_line *l) {
  term_line_printf(l, "%s %s (path %s): ", lead, result_level_name(p->level), p->id);
  int k = 0;
  for (int j = 0; j < p->ngoals; j++) {
    if (p->goals[j].met) continue;
    if (k++) term_line_printf(l, ", ");
    progress_goal_lacks(set, &p->goals[j], l);
  }
}

void progress_next(const eval_row *row, progress_step *out) {
  *out = (progress_step){0};
  if (row->failed) return;
  int keep = row->state == LC_AT_RISK && row->level < row->mlevel;
  int target = keep ? row->mlevel : row->level + 1;
  /* At risk though met now: what fails at renewal is the why, not the next level. */
  if (target > RESULT_LEVEL_GOLD || (row->state == LC_AT_RISK && row->level >= row->mlevel))
    return;
  const result_path *p = progress_nearest_path(row->tree, target);
  if (!p && target == RESULT_LEVEL_SILVER) { /* a competency with gold paths only */
    target = RESULT_LEVEL_GOLD;
    p = progress_nearest_path(row->tree, target);
  }
  out->target = target;
  out->keep = keep;
  if (p && (row->level || row->mlevel || any_done(p)))
    out->path = p;
  else
    out->all_in_error = any_path_in_error(row->tree, target);
}
