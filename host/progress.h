/* progress.h — where an organisation stands in one competency, in words for people: the
 * step that comes next (for a membership at risk, the path that keeps its level;
 * otherwise the nearest unmet path of the next level up) and what each of its goals
 * lacks ("1 more certified person in AZ-104/AZ-204", "43,500 more revenue
 * (azure_consumed_revenue, 12 months)"). `attain status` and the dashboard's pages say
 * the same sentences from here.
 *
 * The words are written into a term_line (term.h), with TERM_GLUE between words that must
 * stay on one line: the terminal writes it as an unbreakable space, HTML as &nbsp;. */
#ifndef ATTAIN_PROGRESS_H
#define ATTAIN_PROGRESS_H

#include "eval.h"
#include "policy_set.h"
#include "result.h"
#include "term.h"

typedef struct progress_step {
  int target;              /* the level the step is about (0: nothing to say) */
  int keep;                /* 1: what keeps the membership's level ("to keep"); 0: "next:" */
  const result_path *path; /* the nearest unmet path worth naming, or NULL */
  int all_in_error;        /* no path to name: every unmet path of `target` is in error */
} progress_step;

/* The next step of an evaluated row (a row with its tree: PATHS or EXPLAIN report).
 * Nothing is said past gold, for a membership at risk that is met now (the renewal's why
 * says it), or for a competency nothing was done for (no level, no membership, nothing of
 * the path done). */
void progress_next(const eval_row *row, progress_step *out);

/* The unmet path of `level` closest to being met (the most done — the mean of have/need
 * over its goals — then the fewest goals short, then the first declared), or NULL. Paths
 * in error are not candidates. */
const result_path *progress_nearest_path(const result_tree *tree, int level);

/* "LEAD gold (path consumption): 1 more ..., 3,000 more ..." — each unmet goal. */
void progress_path_lacks(const policy_set *set, const char *lead, const result_path *p,
                         term_line *l);
/* What goal `g` lacks. */
void progress_goal_lacks(const policy_set *set, const result_goal *g, term_line *l);

#endif
