/* names.h — what people read instead of internal ids: a metric's display name.
 *
 * Policies name metrics by id ("azure_consumed_revenue"); the policy set's schema
 * (schema.json, policy_schema.h) may declare the name people read for each:
 * "azure_consumed_revenue": { "kind": "revenue", "name": "Azure consumed revenue" }. Every
 * edge that shows a metric to people — `attain status`, the dashboard — asks here; for a
 * metric the schema does not name (or a set without a schema) the id is the name. */
#ifndef ATTAIN_NAMES_H
#define ATTAIN_NAMES_H

#include "policy_set.h"

/* The display name of `metric` in `set`, or `metric` itself. Valid while the set is. */
const char *names_metric(const policy_set *set, const char *metric);

#endif
