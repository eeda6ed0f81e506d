/* store_counts.h — totals over the whole database for the daemon's metrics: how many
 * organisations are in each lifecycle state and at each level of each competency (from
 * the counts kept by triggers: a few rows), and how many renewal alerts are open per
 * competency (the open alerts, through their partial index); callers cache the answer
 * (http_api.c recomputes it at most every HTTP_COUNTS_TTL_S). */
#ifndef ATTAIN_STORE_COUNTS_H
#define ATTAIN_STORE_COUNTS_H

#include <stddef.h>
#include <stdint.h>

#include "store.h"

/* Called once per (competency, state) with its count, in competency then state order;
 * `state` is NULL for the open-alert counts. */
typedef int (*store_count_fn)(void *arg, const char *competency, const char *state, int64_t n);

int store_state_counts(store *s, store_count_fn fn, void *arg, char *err, size_t errsz);
/* `state` is the level ("silver", "gold"); organisations at none are not counted. */
int store_level_counts(store *s, store_count_fn fn, void *arg, char *err, size_t errsz);
int store_open_alert_counts(store *s, store_count_fn fn, void *arg, char *err, size_t errsz);

#endif
