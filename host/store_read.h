/* store_read.h — reading facts for evaluation, a range of organisations at a time.
 *
 * store_read_range streams every fact of the organisations whose internal ids lie in
 * [lo, hi] to a facts sink, and what earlier evaluations stored for them, as it stood at
 * a time `at`, to a prior sink — table by table, each in organisation-id order, in one
 * read transaction. One pass per table over an index range: an evaluation loads an
 * organisation's facts once and evaluates every competency on them, instead of querying
 * per goal. Strings handed to a sink are valid only during the call.
 *
 * Times are as stored: STORE_NO_TIME for NULL. A `known` time of STORE_NO_TIME means the
 * program learned of the event at the event's own time (docs/import.md). */
#ifndef ATTAIN_STORE_READ_H
#define ATTAIN_STORE_READ_H

#include <stddef.h>
#include <stdint.h>

#include "store.h"

typedef struct store_user_row {
  int64_t oid, uid;
  const char *key;
  int64_t joined, left, joined_known, left_known;
} store_user_row;

/* One achievement of an MSA, through one association of that MSA with a user of the
 * organisation. */
typedef struct store_holding_row {
  int64_t oid, uid, mid;
  const char *msa;
  int64_t started, link_known; /* the association */
  const char *code, *kind;
  int64_t earned, expires, earned_known; /* expires: STORE_NO_TIME for never */
  int has_successor;                     /* a later association of the MSA exists */
} store_holding_row;

/* An association of the same MSA that starts after association (mid, started) of an
 * organisation of the range: what may end it. */
typedef struct store_later_link_row {
  int64_t oid, mid, started;
  int64_t next_started, next_oid, next_known;
} store_later_link_row;

typedef struct store_override_row {
  int64_t oid;
  const char *competency, *code, *reason, *by;
  int64_t people, from, until, known; /* from: STORE_NO_TIME for "always" */
} store_override_row;

typedef struct store_membership_row {
  int64_t oid;
  const char *competency, *level, *by;
  int64_t bought;
} store_membership_row;

typedef struct store_status_row {
  int64_t oid;
  const char *competency, *state;
  int64_t since;
} store_status_row;

typedef struct store_result_row {
  int64_t oid;
  const char *competency, *policy, *level, *error; /* level, error: NULL for none */
} store_result_row;

typedef struct store_alert_row {
  int64_t oid, id;
  const char *competency, *kind, *message, *cause;
  int64_t raised;
} store_alert_row;

/* A callback returning non-zero stops the read with that value. NULL callbacks skip
 * their table. */
typedef struct store_facts_sink {
  int (*org)(void *arg, int64_t oid, const char *key, int64_t rev);
  int (*user)(void *arg, const store_user_row *u);
  int (*holding)(void *arg, const store_holding_row *h);
  int (*later_link)(void *arg, const store_later_link_row *l);
  int (*metric)(void *arg, int64_t oid, const char *name, int period, double value);
  int (*override)(void *arg, const store_override_row *o);
  int (*membership)(void *arg, const store_membership_row *m);
} store_facts_sink;

typedef struct store_prior_sink {
  int (*status)(void *arg, const store_status_row *st); /* the state as of `at` */
  int (*alert)(void *arg, const store_alert_row *a);    /* alerts open at `at` */
  int (*result)(void *arg, const store_result_row *r);  /* the results stored last */
} store_prior_sink;

/* Which metric rows a read returns: those from month index `from` on, and every month of
 * the metrics named in any_month (NULL entries unused). */
#define STORE_ANY_MONTH_METRICS 4
typedef struct store_metric_window {
  int64_t from;
  const char *any_month[STORE_ANY_MONTH_METRICS];
} store_metric_window;

/* Streams the facts of organisations lo..hi (internal ids), metric rows only in window `w`
 * (NULL: all), and (if `prior` is not NULL) what evaluations stored for them as of `at`:
 * the lifecycle state then (from the history when a later state is stored) and the
 * alerts open then. */
int store_read_range(store *s, int64_t lo, int64_t hi, const store_metric_window *w, int64_t at,
                     const store_facts_sink *facts, void *farg, const store_prior_sink *prior,
                     void *parg, char *err, size_t errsz);

/* The organisations whose stored evaluation may be stale at `now` for policy set
 * `policy`: never evaluated, facts changed since (org.rev), evaluated by another set, or
 * past the earliest time their results could change by themselves. A sorted, malloc'd
 * array in *oids (caller frees). */
int store_orgs_due(store *s, const char *policy, int64_t now, int64_t **oids, size_t *n,
                   char *err, size_t errsz);

/* The highest internal organisation id (0 when there is none). */
int store_org_max(store *s, int64_t *oid, char *err, size_t errsz);

/* The internal id of the organisation `key`: STORE_OK, or STORE_ENOTFOUND. */
int store_org_lookup(store *s, const char *key, int64_t *oid, char *err, size_t errsz);

/* Every distinct metric name (codes = 0) or achievement code (codes = 1: of achievements
 * and overrides) the facts hold, sorted, to `cb` (a string valid during the call; a
 * non-zero return stops). For `attain check --db`. */
int store_vocabulary(store *s, int codes, int (*cb)(void *arg, const char *name), void *arg,
                     char *err, size_t errsz);

#endif
