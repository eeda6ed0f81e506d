/* impact.h — what a policy edit would change, before it serves: every organisation
 * evaluated as of one time by two policy sets (before: the set serving or named; after:
 * the candidate), on the same facts and the same prior (what is stored as of that time),
 * compared per organisation × competency. Nothing is written.
 *
 * One eval_run with a compare set does the sweep (facts read once, evaluated twice, level
 * reports only); the organisations kept as examples are then evaluated again with paths
 * and goals, for the goal that made the difference (have/need on both sides).
 *
 * Compared per organisation × competency — what each set would leave stored:
 *   level   the result (none when the policy fails or the set lacks the competency);
 *   state   the lifecycle state (as stored when the policy fails or is frozen, or the set
 *           lacks the competency);
 *   alert   whether a renewal alert is open afterwards ("raised": open after the
 *           candidate but not after the current set; "cleared": the reverse);
 *   error   whether the row has an error ("introduced": only the candidate's has one).
 *
 * Used by `attain diff` (cmd_diff.c) and the daemon (reload --dry-run, the reload guard).
 * Depends on eval.h. The report owns every string it holds (its arena). */
#ifndef ATTAIN_IMPACT_H
#define ATTAIN_IMPACT_H

#include <stddef.h>
#include <stdint.h>

#include "arena.h"
#include "policy_set.h"

#define IMPACT_STATES 5 /* enum lifecycle_state */
#define IMPACT_LEVELS 3 /* enum result_level */

/* One side of an organisation × competency. */
typedef struct impact_side {
  int defined; /* the set defines this competency */
  int level;   /* enum result_level */
  int state;   /* enum lifecycle_state */
  int alert;   /* a renewal alert is open afterwards */
  const char *error; /* NULL, or the row's error */
  const char *cause; /* the lifecycle's cause, "" when it has none */
} impact_side;

/* A goal on one side of the difference. */
typedef struct impact_goal_side {
  int present; /* the path (and goal) exists on this side */
  int path_met;
  const char *label; /* NULL when only the path is compared */
  double have, need;
  int met;
  const char *error;
} impact_goal_side;

/* The goal that made the difference: the first goal whose `met` changed (on a path whose
 * `met` changed, first), else the first whose need or label changed, else a path that
 * only one side has. */
enum impact_goal_kind { IMPACT_GOAL_NONE = 0, IMPACT_GOAL_MET, IMPACT_GOAL_NEED, IMPACT_GOAL_PATH };
typedef struct impact_goal {
  int kind; /* enum impact_goal_kind */
  int level; /* the path's */
  const char *path;
  impact_goal_side before, after;
} impact_goal;

typedef struct impact_example {
  const char *org;
  int competency; /* index into impact_report.competencies */
  int64_t oid;
  impact_side before, after;
  impact_goal goal;
} impact_example;

typedef struct impact_competency {
  const char *id;
  int in_before, in_after; /* which sets define it */
  int64_t changed;         /* organisations whose row changes */
  int64_t levels[IMPACT_LEVELS][IMPACT_LEVELS]; /* organisations by [before][after] level */
  int64_t states[IMPACT_STATES][IMPACT_STATES];
  int64_t gained, lost; /* organisations whose level rises / falls */
  int64_t alerts_raised, alerts_cleared, errors_introduced, errors_fixed;
} impact_competency;

typedef struct impact_report {
  int64_t at;
  char before_version[POLICY_VERSION_LEN + 1], after_version[POLICY_VERSION_LEN + 1];
  int64_t orgs;     /* organisations evaluated */
  int64_t changed;  /* organisations with a change in some competency */
  int64_t demoted;  /* organisations losing a level in some competency */
  int64_t promoted; /* organisations gaining a level in some competency */
  int64_t lost, gained; /* organisation × competency rows losing / gaining a level */
  int64_t state_changes, alerts_raised, alerts_cleared, errors_introduced, errors_fixed;
  impact_competency *competencies; /* both sets' competencies, by id */
  int ncompetencies;
  impact_example *examples; /* by competency, then organisation */
  int nexamples;
  double seconds;
  arena mem;
} impact_report;

typedef struct impact_request {
  const char *db;
  policy_set *before, *after;
  int64_t at;
  int examples; /* at most this many per competency (0: none) */
  int workers;  /* 0: one per core */
  int nice;     /* eval_request's */
  int busy_ms;
  const volatile int *stop; /* set non-zero to give up (the report is then not made) */
} impact_request;

/* Evaluates and compares. Returns 0 with *out (free it with impact_free), or a negative
 * code with err (eval_run's; STORE_EBUSY when the database was busy). */
int impact_run(const impact_request *req, impact_report **out, char *err, size_t errsz);
void impact_free(impact_report *r);

/* The share of the organisations the report would move down a level, in percent. */
double impact_demoted_percent(const impact_report *r);

#endif
