/* names.h — what people read instead of internal ids: a metric's display name.
 *
 * Policies name metrics by id ("azure_consumed_revenue"); a policy set may one day declare
 * a display name for each (the policy-set schema of issue 13: metric ids with their kinds
 * and names). Every edge that shows a metric to people — `attain status`, the dashboard —
 * asks here, so the name appears everywhere at once when the set provides one; until then
 * (and for a metric the set does not describe) the id is the name. */
#ifndef ATTAIN_NAMES_H
#define ATTAIN_NAMES_H

#include "policy_set.h"

/* The display name of `metric` in `set`, or `metric` itself. Valid while the set is. */
const char *names_metric(const policy_set *set, const char *metric);

#endif
