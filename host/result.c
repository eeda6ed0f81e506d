/* result.c — names of levels and goal kinds, and questions about a result tree (see
 * result.h). */
#include "result.h"

#include <string.h>

const char *result_level_name(int level) {
  return level == RESULT_LEVEL_GOLD ? "gold" : level == RESULT_LEVEL_SILVER ? "silver" : NULL;
}

const char *result_level_word(int level) {
  const char *name = result_level_name(level);
  return name ? name : "none";
}

int result_level_parse(const char *name) {
  return !name                          ? RESULT_LEVEL_NONE
         : strcmp(name, "gold") == 0   ? RESULT_LEVEL_GOLD
         : strcmp(name, "silver") == 0 ? RESULT_LEVEL_SILVER
                                       : RESULT_LEVEL_NONE;
}

static const char *const kind_names[RESULT_GOAL_KIND_COUNT_] = {
    "certified", "assessed", "revenue", "usage", "seats", "customers", "all", "any", "custom"};

const char *result_goal_kind_name(int kind) {
  return kind >= 0 && kind < RESULT_GOAL_KIND_COUNT_ ? kind_names[kind] : "?";
}

int result_goal_kind_parse(const char *name) {
  for (int i = 0; name && i < RESULT_GOAL_KIND_COUNT_; i++)
    if (strcmp(name, kind_names[i]) == 0) return i;
  return -1;
}

int result_tree_error_level(const result_tree *tree) {
  int level = RESULT_LEVEL_NONE;
  for (int i = 0; i < tree->npaths; i++)
    if (tree->paths[i].error && tree->paths[i].level > level) level = tree->paths[i].level;
  return level;
}

const char *result_why_text(int why) {
  switch (why) {
  case FACTS_COUNTS: return "counts";
  case FACTS_ALREADY_COUNTED: return "person already counted";
  case FACTS_IRRELEVANT: return "not held at that time";
  case FACTS_EARNED_RECENTLY: return "earned less than 24 hours ago";
  case FACTS_LINKED_RECENTLY: return "associated less than 24 hours ago";
  case FACTS_JOINED_RECENTLY: return "joined less than 24 hours ago";
  case FACTS_EXPIRED: return "expired";
  case FACTS_LEFT: return "left the organisation";
  case FACTS_NOT_JOINED: return "not yet joined the organisation";
  case FACTS_MOVED_AWAY: return "MSA associated with another organisation";
  case FACTS_MOVED_USER: return "MSA associated with another user";
  default: return "?";
  }
}
