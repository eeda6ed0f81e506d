/* names.c — display names for internal ids (see names.h). Reads the policy set's schema;
 * owns nothing. */
#include "names.h"

#include <stdio.h>
#include <string.h>

#include "policy_schema.h"

const char *names_metric(const policy_set *set, const char *metric) {
  const char *display =
      set && set->schema ? policy_schema_display(set->schema, POLICY_SCHEMA_METRIC, metric) : NULL;
  return display ? display : metric;
}

const char *names_goal_label(const policy_set *set, const result_goal *g, char *buf, size_t bufsz) {
  const char *label = g->label ? g->label : "";
  const char *name = g->metric ? names_metric(set, g->metric) : NULL;
  if (!name || name == g->metric) return label;
  /* The stdlib writes a performance goal's label as "WHAT METRIC WINDOW ≥ NEED": the
   * metric is a word of its own, replaced once; a custom label without it stays. */
  size_t m = strlen(g->metric);
  for (const char *p = strstr(label, g->metric); p; p = strstr(p + 1, g->metric)) {
    int starts = p == label || p[-1] == ' ';
    int ends = p[m] == ' ' || p[m] == '\0';
    if (starts && ends) {
      snprintf(buf, bufsz, "%.*s%s%s", (int)(p - label), label, name, p + m);
      return buf;
    }
  }
  return label;
}
