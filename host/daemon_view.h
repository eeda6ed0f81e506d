/* daemon_view.h — what the daemon says about itself: its counters, the outcome of the
 * last reload and of each kind of sweep, the job in hand and the queue, and the health
 * those add up to. One view, rendered three ways: the answer to `ctl status` and
 * `GET /v1/status` (daemon_view_status), the Prometheus families of `GET /metrics`
 * (daemon_view_metrics), and the health of `/health/ready` (daemon_view_health).
 *
 * The loop thread owns the live view and publishes a copy (daemon_view_copy) for other
 * threads under its own lock (daemon.c); a copy holds a reference to the serving policy
 * set. Health is a function of the view and the wall clock (docs/http.md, "Health"):
 *   unavailable  no good policy set has been loaded (ready answers 503);
 *   degraded     a good set serves, but the last reload failed or is held by the reload
 *                guard, the last sweep failed, or no sweep has succeeded for 3 periods
 *                plus a minute while none runs;
 *   ok           otherwise. */
#ifndef ATTAIN_DAEMON_VIEW_H
#define ATTAIN_DAEMON_VIEW_H

#include <jansson.h>
#include <stdint.h>

#include "jsonw.h"
#include "policy_set.h"
#include "prom.h"

enum { VIEW_SWEEP_DUE = 0, VIEW_SWEEP_FULL, VIEW_SWEEP_KINDS };
enum daemon_health { HEALTH_OK = 0, HEALTH_DEGRADED, HEALTH_UNAVAILABLE };

typedef struct view_sweep {
  int64_t ok, failed, deferred;  /* sweeps of this kind by outcome */
  int64_t last_success;           /* when the last successful one ended (unix s), 0: never */
  int last_failed;                /* the last one failed (not deferred) */
  double last_ms;
  int64_t last_orgs;
  prom_hist duration;             /* successful sweeps, seconds */
} view_sweep;

typedef struct daemon_view {
  int64_t started;  /* unix s */
  uint64_t every_ms;
  policy_set *serving; /* the last good set (a reference in a copy), or NULL */
  double reload_guard; /* serve --reload-guard PERCENT; < 0: off */
  struct {
    int have, ok, held; /* held: the new set is good but the reload guard holds it */
    int64_t at;
    char version[POLICY_VERSION_LEN + 1];
    char trigger[16];
    char error[2048];
  } last_reload;
  /* The set the reload guard holds until `ctl reload --confirm VERSION`, if any. */
  struct {
    int have;
    char version[POLICY_VERSION_LEN + 1];
    int64_t at;
    char trigger[16];
    char serving[POLICY_VERSION_LEN + 1]; /* the set its impact was measured against */
    json_t *summary; /* the impact's summary (impact_json_summary), or NULL if unknown */
    char error[1024]; /* why the impact is unknown */
  } held;
  struct {
    int64_t evaluations, errors, status_changes, alerts_raised, alerts_cleared;
    int64_t reloads_ok, reloads_unchanged, reloads_failed, reloads_held;
  } n;
  json_t *by_policy; /* competency -> {"evaluations": n, "errors": n}, since start */
  view_sweep sweeps[VIEW_SWEEP_KINDS];
  struct {
    int active;
    char kind[8];
    int64_t selected, done;
  } running;
  int64_t queue; /* jobs waiting: organisations asked for, plus one for a sweep wanted */
  int busy_retry; /* a sweep waits for the busy database */
} daemon_view;

void daemon_view_init(daemon_view *v, int64_t started, uint64_t every_ms, double reload_guard);
/* Forgets the held set (its summary is freed). */
void daemon_view_held_clear(daemon_view *v);
void daemon_view_free(daemon_view *v);
/* `to` (freed first if it held a copy) becomes a copy of `from`. 0, or -1 out of memory. */
int daemon_view_copy(daemon_view *to, const daemon_view *from);

/* Counts one competency's evaluations and errors of a job. */
void daemon_view_count_policy(daemon_view *v, const char *competency, int64_t evaluations,
                              int64_t errors);

/* The health as of `now` (unix s) and, if `problems` is not NULL, why (a JSON array of
 * sentences, new reference). */
int daemon_view_health(const daemon_view *v, int64_t now, json_t **problems);
const char *daemon_health_name(int health);

/* The `ctl status` answer (a new JSON object). */
json_t *daemon_view_status(const daemon_view *v, int64_t now);
/* The daemon's Prometheus families (docs/http.md lists them). */
void daemon_view_metrics(const daemon_view *v, int64_t now, jsonw *w);

#endif
