/* store_lists.h — lists for people and for the dashboard: organisations (search, filters,
 * counts per state), an organisation's standing per competency, its lifecycle history,
 * and alerts.
 *
 * Every list is read a page at a time: at most `limit` rows in a fixed order, handed to a
 * callback, and a cursor for the next page — the position after the last row (keyset
 * paging), never an OFFSET, so the thousandth page of 640,000 organisations costs one
 * index seek like the first. A caller keeps nothing between pages but the cursor (an HTTP
 * handler can put it in a link); the store keeps no state between calls. Each query is
 * driven by one index named in docs/store.md (migration 7) and uses no IN list.
 *
 * Strings handed to a callback are valid only during the call. A callback returning
 * non-zero stops the page with that value and err "...: stopped by the reader" (the cursor
 * then says nothing). */
#ifndef ATTAIN_STORE_LISTS_H
#define ATTAIN_STORE_LISTS_H

#include <stddef.h>
#include <stdint.h>

#include "store.h"

#define STORE_PAGE_MAX 1000

/* A position in a list: {0, 0} is the start. What the two keys are depends on the list
 * (organisations: the internal id; history: time and id; alerts: id); callers treat it
 * as opaque. */
typedef struct store_cursor {
  int64_t k1, k2;
} store_cursor;

typedef struct store_page {
  store_cursor after; /* in: the page starts after this position ({0, 0}: the first page) */
  int limit;          /* in: at most this many rows, 1..STORE_PAGE_MAX */
  int rows;           /* out: rows handed to the callback */
  int more;           /* out: rows follow; `next` is where */
  store_cursor next;  /* out: pass as `after` for the next page */
} store_page;

typedef struct store_org_row {
  int64_t oid;
  const char *key;  /* the organisation's id */
  const char *name; /* NULL when none was imported */
} store_org_row;

/* Which organisations a list holds. Filters combine with AND; the level and state filters
 * hold for one and the same competency (`competency`, or any one). */
typedef struct store_org_filter {
  /* NULL or blank: no search. Otherwise words, each of which must begin a word of the
   * organisation's id or name ("cont" finds "contoso", "trad" finds "Northwind
   * Traders"), ignoring case and accents. Prefixes of words, not substrings. */
  const char *search;
  /* NULL: any competency. Alone, it keeps the organisations with a lifecycle state other
   * than none in it (qualified, active, at_risk, expired). */
  const char *competency;
  const char *level; /* NULL, "silver" or "gold": the level reached (as last evaluated) */
  const char *state; /* NULL, "qualified", "active", "at_risk" or "expired" */
} store_org_filter;

/* Organisations matching `f`, in internal id (import) order. Returns 0, or a negative code
 * with err (an unknown level or state is STORE_ERROR). */
int store_orgs_page(store *s, const store_org_filter *f, store_page *page,
                    int (*row)(void *arg, const store_org_row *r), void *arg, char *err,
                    size_t errsz);

/* How many organisations are in each state and at each level of `competency`, as last
 * evaluated; `orgs` is every organisation (the rest are at state none). With competency
 * NULL, the counts are of organisation x competency pairs (an organisation at risk in two
 * competencies counts twice). Read from counts the store keeps as it writes (a few rows,
 * whatever the number of organisations). */
typedef struct store_org_counts {
  int64_t orgs;
  int64_t qualified, active, at_risk, expired;
  int64_t silver, gold;
} store_org_counts;

int store_org_counts_get(store *s, const char *competency, store_org_counts *out, char *err,
                         size_t errsz);

/* The organisation with id `key`: STORE_OK after one call of `row`, or STORE_ENOTFOUND. */
int store_org_get(store *s, const char *key, int (*row)(void *arg, const store_org_row *r),
                  void *arg, char *err, size_t errsz);

/* Where an organisation stands in one competency, as last evaluated and stored (`attain
 * eval`, the daemon): the level reached or the policy's error, and the lifecycle state. */
typedef struct store_standing_row {
  const char *competency;
  const char *level; /* "silver", "gold", or NULL for none */
  const char *error; /* the policy's error, or NULL */
  const char *state; /* NULL for none */
  int64_t since;     /* when the state began (STORE_NO_TIME without a state) */
} store_standing_row;

/* Every competency in which organisation `oid` has a level, an error or a state, in
 * competency order (at most two point reads). */
int store_org_standing(store *s, int64_t oid, int (*row)(void *arg, const store_standing_row *r),
                       void *arg, char *err, size_t errsz);

typedef struct store_history_row {
  int64_t id, at;
  const char *competency, *state, *cause; /* cause: NULL when none was recorded */
} store_history_row;

/* The lifecycle transitions of organisation `oid` (in `competency`, or NULL: every one),
 * oldest first (by time, then the order they were recorded). */
int store_history_page(store *s, int64_t oid, const char *competency, store_page *page,
                       int (*row)(void *arg, const store_history_row *r), void *arg, char *err,
                       size_t errsz);

typedef struct store_alert_filter {
  int64_t oid;            /* 0: every organisation */
  const char *competency; /* NULL: every competency (a filter on the rows read, not an index) */
  int open_only;          /* only alerts not cleared */
} store_alert_filter;

typedef struct store_alert_list_row {
  int64_t id, oid;
  const char *org, *org_name; /* the organisation's id and name (NULL if none) */
  const char *competency, *kind, *message;
  const char *cause, *cleared_cause; /* NULL when none */
  int64_t raised, cleared;           /* cleared: STORE_NO_TIME while open */
} store_alert_list_row;

/* Alerts matching `f`, newest first (by id: alerts are raised in time order). */
int store_alerts_page(store *s, const store_alert_filter *f, store_page *page,
                      int (*row)(void *arg, const store_alert_list_row *r), void *arg, char *err,
                      size_t errsz);

#endif
