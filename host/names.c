/* names.c — display names for internal ids (see names.h). Reads the policy set's schema;
 * owns nothing. */
#include "names.h"

#include "policy_schema.h"

const char *names_metric(const policy_set *set, const char *metric) {
  const char *display =
      set && set->schema ? policy_schema_display(set->schema, POLICY_SCHEMA_METRIC, metric) : NULL;
  return display ? display : metric;
}
