/* store_read.h — reading facts for evaluation, a range of organisations at a time.
 *
 * store_read_range streams every fact of the organisations whose internal ids lie in
 * [lo, hi] to a sink, table by table, each in organisation-id order. One pass per table
 * over an index range: an evaluation loads an organisation's facts once and evaluates
 * every competency on them, instead of querying per goal. Strings handed to a sink are
 * valid only during the call. */
#ifndef ATTAIN_STORE_READ_H
#define ATTAIN_STORE_READ_H

#include <stddef.h>
#include <stdint.h>

#include "store.h"

typedef struct store_holding_row {
  int64_t oid, uid;
  const char *msa;
  int64_t started, ended; /* the association; ended: STORE_NO_TIME while current */
  int64_t next_oid;       /* organisation of the association that ended it, or 0 */
  const char *code, *kind;
  int64_t earned, expires; /* expires: STORE_NO_TIME for never */
} store_holding_row;

typedef struct store_override_row {
  int64_t oid;
  const char *competency, *code, *reason, *by;
  int64_t people, from, until; /* from: STORE_NO_TIME for "always" */
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

typedef struct store_read_sink {
  int (*org)(void *arg, int64_t oid, const char *key, int64_t rev);
  int (*user)(void *arg, int64_t oid, int64_t uid, const char *key, int64_t joined,
              int64_t left);
  int (*holding)(void *arg, const store_holding_row *h);
  int (*metric)(void *arg, int64_t oid, const char *name, int period, double value);
  int (*override)(void *arg, const store_override_row *o);
  int (*membership)(void *arg, const store_membership_row *m);
  int (*status)(void *arg, const store_status_row *st); /* the lifecycle state stored */
  int (*alert)(void *arg, const store_alert_row *a);    /* alerts not yet cleared */
  int (*result)(void *arg, const store_result_row *r);  /* the results stored last */
} store_read_sink;

/* Which metric rows a read returns: those from month index `from` on, and every month of
 * the metrics named in any_month (NULL entries unused). */
#define STORE_ANY_MONTH_METRICS 4
typedef struct store_metric_window {
  int64_t from;
  const char *any_month[STORE_ANY_MONTH_METRICS];
} store_metric_window;

/* Streams the facts of organisations lo..hi (internal ids), metric rows only in window `w`
 * (NULL: all). A sink callback returning non-zero stops the read with that value. */
int store_read_range(store *s, int64_t lo, int64_t hi, const store_metric_window *w,
                     const store_read_sink *sink, void *arg, char *err, size_t errsz);

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

#endif
