/* store_results.h — storing evaluations: one `evaluation` row per organisation and one
 * `result` row per organisation x competency that reached a level or failed (none is
 * the absence of a row, as for `status`), replaced rather than appended so the database
 * does not grow with every sweep (a result whose level, error and policy version are
 * unchanged is not rewritten); lifecycle states with their history; alerts.
 * Call inside store_tx. */
#ifndef ATTAIN_STORE_RESULTS_H
#define ATTAIN_STORE_RESULTS_H

#include <stddef.h>
#include <stdint.h>

#include "store.h"

typedef struct store_result_rec {
  int64_t oid;
  const char *competency, *policy;
  const char *level; /* "silver", "gold" or NULL */
  const char *error; /* NULL when the policy ran */
} store_result_rec;

/* Stores a level or an error; a result of level none without error deletes the row. */
int store_result_put(store *s, const store_result_rec *r, char *err, size_t errsz);

/* Records that organisation `oid` (at data revision `rev`) was evaluated at `at` by the
 * set `policy`. next_change: STORE_NO_TIME for "never by itself". */
int store_evaluation_put(store *s, int64_t oid, int64_t at, const char *policy, int64_t rev,
                         int64_t next_change, char *err, size_t errsz);

/* Deletes the results of organisations lo..hi left by other versions of the set (its
 * competencies no longer in the set): call once every competency of them was stored. */
int store_results_prune(store *s, int64_t lo, int64_t hi, const char *policy, char *err,
                        size_t errsz);

/* A lifecycle transition: the new state (with time and cause) and its history row — only
 * if the stored state differs and is not newer than `at` (another evaluator may have
 * recorded it already, or evaluated later): *recorded says whether it was stored. */
int store_status_put(store *s, int64_t oid, const char *competency, const char *state,
                     int64_t at, const char *cause, int *recorded, char *err, size_t errsz);

/* Raises an alert unless one of that kind is already open for the organisation and
 * competency; clears an open alert (with time and cause). *raised / *cleared say whether
 * a row changed. */
int store_alert_raise(store *s, int64_t oid, const char *competency, const char *kind,
                      const char *message, const char *cause, int64_t at, int *raised, char *err,
                      size_t errsz);
int store_alert_clear(store *s, int64_t id, int64_t at, const char *cause, int *cleared,
                      char *err, size_t errsz);

/* The evaluations of organisations lo..hi stored at a time after `at`: how many, the
 * latest time and the key of its organisation (for a refusal to write history backwards;
 * `latest_org` gets "" when there is none). */
int store_evaluations_after(store *s, int64_t lo, int64_t hi, int64_t at, int64_t *count,
                            int64_t *latest, char *latest_org, size_t orgsz, char *err,
                            size_t errsz);

#endif
