/* policy_schema.h — a policy set's vocabulary: the metric names and achievement codes its
 * data may carry, each with its kind, declared in `schema.json` of the policy directory
 * (docs/policy-repo.md, "The schema"):
 *
 *   { "metrics": { "azure_consumed_revenue": "revenue", "m365_deployed_seats": "seats" },
 *     "codes":   { "AZ-104": "certification", "TA-CLOUD": "assessment" } }
 *
 * A kind may also be given with the name people read, which the dashboard and `status`
 * show instead of the id: "azure_consumed_revenue": { "kind": "revenue", "name": "Azure
 * consumed revenue" }.
 *
 * Metric kinds are those of the performance goals (R3): revenue, usage, seats, customers;
 * code kinds those of achievements: certification, exam, assessment. With a schema,
 * loading the set rejects every goal that names an undeclared metric or code, or one of
 * another kind (policy_set.c), and `attain import` rejects facts that do (import.c).
 *
 * Depends on jansson and suggest.h. Immutable once loaded; owned by its policy set (or by
 * whoever loaded it). */
#ifndef ATTAIN_POLICY_SCHEMA_H
#define ATTAIN_POLICY_SCHEMA_H

#include <stddef.h>

#define POLICY_SCHEMA_FILE "schema.json"

enum policy_schema_what { POLICY_SCHEMA_METRIC = 0, POLICY_SCHEMA_CODE = 1 };

typedef struct policy_schema policy_schema;

/* Parses the text of `path` (as shown in messages: "policies/schema.json"). Returns 0 with
 * *out set, or -1 with *out NULL and the problems ("policies/schema.json:4: ...", at
 * least one) in a malloc'd array of malloc'd strings. */
int policy_schema_parse(policy_schema **out, const char *path, const char *text, size_t len,
                        char ***problems, int *nproblems);

/* Reads and parses `<dir>/schema.json`. Returns 1 with *out set when the directory has
 * none, else as policy_schema_parse; a file that cannot be read is one problem. */
int policy_schema_load_dir(policy_schema **out, const char *dir, char ***problems,
                           int *nproblems);

void policy_schema_free(policy_schema *s);
void policy_schema_problems_free(char **problems, int n);

/* The path it was read from ("policies/schema.json"). */
const char *policy_schema_path(const policy_schema *s);

/* The declared kind of a metric or code ("revenue", "certification"), or NULL when the
 * schema does not declare it. */
const char *policy_schema_kind(const policy_schema *s, int what, const char *name);

/* The name people read of a declared metric or code, or NULL when none is declared. */
const char *policy_schema_display(const policy_schema *s, int what, const char *name);

/* The declared name closest to an undeclared one, or NULL (suggest.h). */
const char *policy_schema_closest(const policy_schema *s, int what, const char *name);

/* The declared names, sorted (n of them). */
const char *const *policy_schema_names(const policy_schema *s, int what, int *n);

#endif
