/* import_record.h — the import format's record types (docs/import.md): one JSON object
 * validated against its type's schema and converted into the store's write records, and
 * stored.
 *
 * Each record type is described by a table of its fields (name, kind, required, where the
 * value goes); one generic check validates a record against its table before anything is
 * written, so every record type reports unknown, missing and mistyped fields the same
 * way. The import pipeline (import.c) reads lines and hands each parsed object here. */
#ifndef ATTAIN_IMPORT_RECORD_H
#define ATTAIN_IMPORT_RECORD_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "store.h"
#include "store_write.h"

enum import_type {
  IMPORT_ORG,
  IMPORT_USER,
  IMPORT_LINK,
  IMPORT_ACHIEVEMENT,
  IMPORT_METRIC,
  IMPORT_OVERRIDE,
  IMPORT_MEMBERSHIP,
  IMPORT_TYPE_COUNT_
};

#define IMPORT_MAX_TEXT 1000          /* bytes of a string field */
#define IMPORT_MAX_VALUE 1e15         /* a metric's monthly value */
#define IMPORT_MAX_STRINGS 8          /* string fields of one record */

typedef struct import_org {
  const char *id;
  store_opt_text name;
} import_org;

typedef struct import_link {
  const char *msa, *user;
  int64_t at, known; /* known: STORE_NO_TIME when absent */
} import_link;

typedef struct import_metric {
  const char *org, *metric;
  int period;
  double value;
} import_metric;

/* One validated record; its strings point into the JSON object it was parsed from until
 * the caller moves them (import_record_strings). */
typedef struct import_record {
  enum import_type type;
  union {
    import_org org;
    store_user_rec user;
    import_link link;
    store_achievement_rec achievement;
    import_metric metric;
    store_override_rec override;
    store_membership_rec membership;
  } as;
} import_record;

/* Validates and converts `obj`. Returns 0, or -1 with `why` ("user: field \"left\" must be
 * an ISO 8601 time ..."). */
int import_record_parse(json_t *obj, import_record *r, char *why, size_t whysz);

/* The addresses of the record's string fields that hold a string (so a caller can copy
 * them out of the JSON and re-point them); returns how many (at most IMPORT_MAX_STRINGS). */
int import_record_strings(import_record *r, const char **fields[IMPORT_MAX_STRINGS]);

/* With a policy set's schema (policy_schema.h): 0 when the record's metric name or
 * achievement code is declared (an achievement's with its kind), else -1 with `why`
 * ("metric: \"ai_revenu\" is not declared in policies/schema.json (did you mean
 * \"ai_revenue\"?)"). Records of other types pass. */
struct policy_schema;
int import_record_check_schema(const import_record *r, const struct policy_schema *s, char *why,
                               size_t whysz);

/* Writes one record (inside the import's transaction): STORE_OK, or a store error with
 * `why` (STORE_ENOTFOUND / STORE_ECONFLICT for bad data). */
int import_record_store(store *s, const import_record *r, char *why, size_t whysz);

#endif
