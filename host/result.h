/* result.h — one evaluation's result as a typed tree: the level, every path, every goal
 * with have/need/met, and (when explained) why — the people who count and who do not
 * with an enum reason and integer times, monthly values of metric windows, sub-goals,
 * overrides, custom details.
 *
 * The policy runtime builds it once from the stdlib's Lua result (policy_runtime.h);
 * every consumer reads it: the lifecycle (causes, shortfalls), and the edges that write
 * text, JSON or Lua tables (result_json.h, cmd_status.c, lua_module.c). Nothing converts
 * it to text and back, and no decision is taken on English text.
 *
 * Ownership: every node and string lives in the arena the tree was built in. */
#ifndef ATTAIN_RESULT_H
#define ATTAIN_RESULT_H

#include <stddef.h>
#include <stdint.h>

#include "facts.h"

enum result_level { RESULT_LEVEL_NONE = 0, RESULT_LEVEL_SILVER = 1, RESULT_LEVEL_GOLD = 2 };

/* "silver", "gold", or NULL for none (JSON null, SQL NULL); the same with "none"; and back
 * (RESULT_LEVEL_NONE for anything else). */
const char *result_level_name(int level);
const char *result_level_word(int level);
int result_level_parse(const char *name);

/* The goal kinds of the stdlib (attain.GoalKind). */
enum result_goal_kind {
  RESULT_GOAL_CERTIFIED = 0,
  RESULT_GOAL_ASSESSED,
  RESULT_GOAL_REVENUE,
  RESULT_GOAL_USAGE,
  RESULT_GOAL_SEATS,
  RESULT_GOAL_CUSTOMERS,
  RESULT_GOAL_ALL,
  RESULT_GOAL_ANY,
  RESULT_GOAL_CUSTOM,
  RESULT_GOAL_KIND_COUNT_
};
const char *result_goal_kind_name(int kind);
int result_goal_kind_parse(const char *name); /* -1 if unknown */

/* A value a custom goal's detail function returned, copied out of Lua. */
enum result_value_type {
  RESULT_NIL = 0,
  RESULT_BOOL,
  RESULT_INT,
  RESULT_NUM,
  RESULT_STR,
  RESULT_ARRAY,
  RESULT_OBJECT /* string keys, sorted */
};

typedef struct result_value {
  enum result_value_type type;
  int b;
  int64_t i;
  double n;
  const char *s;
  size_t len;
  const char *key; /* the key of this value inside an object */
  int time;        /* an integer under a time key ("earned", "until", ...): written as a time */
  struct result_value *items; /* array items or object members */
  int nitems;
} result_value;

/* One holding behind a people goal. For a holding that counts: why = FACTS_COUNTS and
 * `ends`/`ends_why` say when it is known to stop counting (FACTS_NO_TIME: not known).
 * For one that does not: `why` and `since` (when the reason began, or for the 24-hour
 * waits the time it will count from). */
typedef struct result_person {
  const char *user, *msa, *code;
  int64_t earned, counts_from, expires; /* expires: FACTS_NO_TIME for never */
  enum facts_why why;
  int64_t since;
  int64_t ends;
  enum facts_why ends_why;
} result_person;

/* An override credited to a people goal (R15). */
typedef struct result_credit {
  const char *code, *reason, *by;
  int64_t people, until;
} result_credit;

typedef struct result_month {
  int period; /* month index (isotime.h) */
  double value;
} result_month;

enum result_detail {
  RESULT_DETAIL_NONE = 0, /* not explained, or a custom goal without detail */
  RESULT_DETAIL_PEOPLE,   /* counted / excluded / credits */
  RESULT_DETAIL_WINDOW,   /* metric, months, values */
  RESULT_DETAIL_LATEST,   /* metric, latest */
  RESULT_DETAIL_GOALS,    /* children */
  RESULT_DETAIL_CUSTOM    /* custom */
};

typedef struct result_goal {
  int kind; /* enum result_goal_kind */
  const char *label;
  double have, need;
  int met;
  const char *error;        /* its measure failed ("file:line: message"): have is 0 */
  const char *detail_error; /* its detail function failed (the goal itself stands) */
  const char **trace;       /* what a.trace showed while its custom measure or detail ran:
                               "file:line: values" (PATHS and EXPLAIN reports only) */
  int ntrace;
  int detail;               /* enum result_detail */
  result_person *counted, *excluded;
  int ncounted, nexcluded;
  result_credit *credits;
  int ncredits;
  const char **codes; /* a people goal's achievement codes, in the policy's order */
  int ncodes;
  const char *metric;
  int months;
  result_month *values; /* oldest first */
  int nvalues;
  int has_latest;
  double latest;
  struct result_goal *children;
  int nchildren;
  result_value *custom;
} result_goal;

typedef struct result_path {
  const char *id;
  int level; /* enum result_level: silver or gold */
  int met;
  const char *error; /* a goal of it failed: never met */
  result_goal *goals;
  int ngoals;
} result_path;

typedef struct result_tree {
  int level;     /* the highest level of a met path */
  int explained; /* goals carry their detail */
  result_path *paths;
  int npaths;
} result_tree;

/* English for people, at the edges only: "left the organisation", "expired", ... (no
 * code decides anything on it). */
const char *result_why_text(int why);

/* The highest level of a path in error (RESULT_LEVEL_NONE if none is): a level above
 * tree->level that an error may hide. */
int result_tree_error_level(const result_tree *tree);

#endif
