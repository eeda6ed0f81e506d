/* daemon.c — the serve loop: scheduling, jobs, reloads, signals (see daemon.h).
 *
 * Threads: the loop thread owns every field of `struct daemon`. A job's work function
 * runs in libuv's pool and touches only its own `job` (and the store connection, which
 * only one job at a time uses); its after-callback runs back on the loop thread. */
#include "daemon.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <uv.h>

#include "control.h"
#include "eval.h"
#include "eval_store.h"
#include "impact.h"
#include "impact_json.h"
#include "isotime.h"
#include "lifecycle.h"
#include "notify.h"
#include "policy_set.h"
#include "store.h"
#include "store_read.h"

#define DEBOUNCE_MS 150
/* How long a sweep's statements wait for an import's write lock before the sweep stops and
 * is retried later (docs/daemon.md, "Sharing the database"): short, so the loop's other
 * work (a ctl eval) is answered promptly; retries back off from BUSY_RETRY_MS. */
#define DAEMON_BUSY_MS 2000
#define BUSY_RETRY_MS 1000
#define BUSY_RETRY_MAX_MS 30000
/* A reload's impact (a dry run, or the guard's) is a full sweep of two sets without writes:
 * it runs below the sweeps (nice +10), so the daemon's own work comes first. */
#define IMPACT_NICE 15
#define IMPACT_EXAMPLES 3 /* per competency, in replies */

enum job_kind { JOB_DUE, JOB_FULL, JOB_ORG };
static const char *const job_names[] = {"due", "full", "org"};

typedef struct daemon daemon;

typedef struct job {
  uv_work_t work;
  daemon *d;
  int kind;
  policy_set *set; /* the set the job started with (a reference) */
  int64_t at;
  char *org;               /* JOB_ORG */
  control_client *client;  /* JOB_ORG: who waits for the answer */
  json_t *org_results;     /* JOB_ORG: built in the pool thread, sent from the loop */
  int failed;
  char err[1024];
  eval_stats stats;
  eval_store_counts counts;
  int64_t selected;        /* organisations chosen for the sweep */
  int64_t progress;        /* organisations stored so far (read by status, atomically) */
  struct policy_errors {   /* per policy of `set`: how many rows failed, and the first */
    int64_t count;
    char *org, *error;
  } *policy_errors;
  int rc;                  /* eval_run's (or the store's) code when failed */
  struct alert_note {      /* alerts raised or cleared, logged from the loop thread */
    int raised, policy;
    char *org, *cause;
  } *alerts;
  size_t nalerts, alerts_cap;
} job;

typedef struct waiter {
  control_client *client;
  struct waiter *next;
} waiter;

typedef struct pending_org {
  char *org;
  control_client *client;
  struct pending_org *next;
} pending_org;

typedef struct reload {
  uv_work_t work;
  daemon *d;
  char trigger[16];
  policy_set *set;
  int rc;
  char err[1024];
  /* the reload guard: the serving set when the reload was asked for (a reference), the
   * time, and the new set's impact against it, computed in the pool */
  policy_set *against;
  int64_t at;
  impact_report *impact; /* NULL when not measured, or when measuring failed (impact_err) */
  char impact_err[1024];
} reload;

/* Answers one request for a reload's preview or result: the control socket's client, or
 * another front end (an HTTP listener) with its own callback. Loop thread; `reply` is
 * stolen. */
typedef void (*reply_fn)(void *arg, json_t *reply);

typedef struct dry_run {
  uv_work_t work;
  daemon *d;
  policy_set *against; /* the serving set (a reference) */
  policy_set *set;     /* the files on disk */
  int64_t at;
  int rc;
  char err[1024];
  impact_report *impact;
  reply_fn done;
  void *arg;
} dry_run;

struct daemon {
  daemon_options o;
  uv_loop_t loop;
  uv_timer_t tick, debounce, retry;
  uint64_t busy_backoff_ms; /* the next retry of a sweep the busy database stopped; 0: none */
  int retry_kind;           /* the kind of job the retry runs */
  uv_fs_event_t watch;
  uv_signal_t sighup, sigterm, sigint;
  int watching;
  control *ctl;
  store *s;
  policy_set *current; /* the last good set; NULL until one loads */
  volatile int stopping;
  job *running;
  int want_full, want_due;
  pending_org *orgs, *orgs_tail;
  reload *reloading;
  int reload_again;
  char reload_again_trigger[16];
  waiter *reload_waiters;
  struct {
    int have, ok, held;
    int64_t at;
    char version[POLICY_VERSION_LEN + 1];
    char trigger[16];
    char error[2048];
  } last_reload;
  /* A new set the reload guard keeps from serving until `ctl reload --confirm VERSION`. */
  struct {
    policy_set *set; /* NULL: nothing is held */
    int64_t at;
    char trigger[16];
    char serving[POLICY_VERSION_LEN + 1]; /* the set its impact was measured against */
    json_t *summary; /* impact_json_summary, or NULL when the impact could not be computed */
    json_t *impact;  /* the whole report (with examples), for the reload's reply */
    char error[1024]; /* why the impact is unknown, if it is */
  } held;
  struct {
    int64_t evaluations, errors, sweeps, status_changes, alerts_raised, alerts_cleared;
    int64_t reloads_ok, reloads_failed, reloads_held;
    double last_full_ms, last_due_ms;
    int64_t last_full_orgs, last_due_orgs;
    json_t *policy_errors; /* competency -> errors */
  } n;
  int64_t started;
  notify svc; /* the service manager, when one listens (notify.h) */
};

static void start_next_job(daemon *d);
static void request_reload(daemon *d, const char *trigger, control_client *waiting);
static void on_retry(uv_timer_t *t);

/* ---- jobs (pool thread) ---- */

static int job_on_chunk(void *arg, const eval_chunk *c, char *err, size_t errsz) {
  job *j = arg;
  int rc = eval_store_chunk(j->d->s, j->set, j->at, c, &j->counts, err, errsz);
  if (rc) return rc;
  for (int r = 0; r < c->nrows; r++) {
    const eval_row *row = &c->rows[r];
    const char *competency = j->set->files[row->policy].stem;
    if (row->error) {
      struct policy_errors *pe = &j->policy_errors[row->policy];
      if (!pe->count++) {
        pe->org = strdup(row->org);
        pe->error = strdup(row->error);
      }
    }
    if (!row->failed && !row->frozen &&
        (row->alert == LC_ALERT_RAISE || row->alert == LC_ALERT_CLEAR)) {
      if (j->nalerts == j->alerts_cap) {
        size_t cap = j->alerts_cap ? j->alerts_cap * 2 : 64;
        struct alert_note *a = realloc(j->alerts, cap * sizeof *a);
        if (!a) {
          snprintf(err, errsz, "out of memory");
          return -1;
        }
        j->alerts = a;
        j->alerts_cap = cap;
      }
      struct alert_note *a = &j->alerts[j->nalerts];
      a->raised = row->alert == LC_ALERT_RAISE;
      a->policy = row->policy;
      a->org = strdup(row->org);
      a->cause = strdup(row->cause);
      if (!a->org || !a->cause) {
        free(a->org);
        free(a->cause);
        snprintf(err, errsz, "out of memory");
        return -1;
      }
      j->nalerts++;
    }
    if (j->kind == JOB_ORG) {
      json_array_append_new(
          j->org_results,
          json_pack("{s:s, s:s?, s:s?, s:s?}", "competency", competency, "level",
                    row->failed ? NULL : result_level_name(row->level), "state",
                    row->failed ? NULL : lifecycle_state_name(row->state), "error", row->error));
    }
  }
  __atomic_add_fetch(&j->progress, c->norgs, __ATOMIC_RELAXED);
  return 0;
}

static void job_work(uv_work_t *w) {
  job *j = w->data;
  daemon *d = j->d;
  eval_request req = {.db = d->o.db, .set = j->set, .at = j->at, .workers = d->o.workers,
                      .report = POLICY_REPORT_LEVEL, .on_chunk = job_on_chunk, .arg = j,
                      .stop = &d->stopping, .nice = 10, .busy_ms = DAEMON_BUSY_MS};
  int64_t *oids = NULL;
  size_t n = 0;
  int rc = 0;
  if (j->kind == JOB_DUE) {
    rc = store_orgs_due(d->s, j->set->version, j->at, &oids, &n, j->err, sizeof j->err);
    req.by_list = 1;
    req.oids = oids;
    req.noids = n;
    j->selected = (int64_t)n;
    if (!rc && !n) {
      free(oids);
      return; /* nothing due */
    }
  } else if (j->kind == JOB_FULL) {
    req.lo = 1;
    rc = store_org_max(d->s, &req.hi, j->err, sizeof j->err);
    j->selected = req.hi;
  } else {
    rc = store_org_lookup(d->s, j->org, &req.lo, j->err, sizeof j->err);
    req.hi = req.lo;
    j->selected = 1;
  }
  if (!rc) rc = eval_run(&req, &j->stats, j->err, sizeof j->err);
  free(oids);
  j->failed = rc != 0;
  j->rc = rc;
}

static void job_free(job *j) {
  if (j->set) policy_set_unref(j->set);
  json_decref(j->org_results);
  for (int p = 0; j->policy_errors && p < j->set->nfiles; p++) {
    free(j->policy_errors[p].org);
    free(j->policy_errors[p].error);
  }
  free(j->policy_errors);
  for (size_t i = 0; i < j->nalerts; i++) {
    free(j->alerts[i].org);
    free(j->alerts[i].cause);
  }
  free(j->alerts);
  free(j->org);
  free(j);
}

static void job_done(uv_work_t *w, int status) {
  job *j = w->data;
  daemon *d = j->d;
  d->running = NULL;
  char at[ISOTIME_BUFSZ], q[1100];
  isotime_format(j->at, at);
  d->n.evaluations += j->stats.evaluations;
  d->n.errors += j->stats.errors;
  d->n.status_changes += j->counts.transitions;
  d->n.alerts_raised += j->counts.alerts_raised;
  d->n.alerts_cleared += j->counts.alerts_cleared;
  /* Every run-time policy error reaches the log: once per policy per job, with the count,
   * the first organisation and the message (file:line). */
  for (int p = 0; p < j->set->nfiles; p++) {
    const struct policy_errors *pe = &j->policy_errors[p];
    if (!pe->count) continue;
    const char *stem = j->set->files[p].stem;
    json_t *old = json_object_get(d->n.policy_errors, stem);
    json_object_set_new(d->n.policy_errors, stem,
                        json_integer(json_integer_value(old) + pe->count));
    char qs[256], qo[1100], qe[1100];
    log_line(&d->o.log, LOG_ERROR, "policy_error",
             "policy=%s kind=%s errors=%lld first_org=%s error=%s", log_quote(qs, sizeof qs, stem),
             job_names[j->kind], (long long)pe->count, log_quote(qo, sizeof qo, pe->org),
             log_quote(qe, sizeof qe, pe->error));
  }
  double ms = j->stats.seconds * 1e3;
  int busy = j->failed && j->rc == STORE_EBUSY;
  if (busy && j->kind != JOB_ORG) {
    /* Waiting for an import is not a failure: the rest of the sweep is still due, and the
     * sweep runs again later, backing off while the database stays busy. */
    d->busy_backoff_ms = d->busy_backoff_ms ? d->busy_backoff_ms * 2 : BUSY_RETRY_MS;
    if (d->busy_backoff_ms > BUSY_RETRY_MAX_MS) d->busy_backoff_ms = BUSY_RETRY_MAX_MS;
    d->retry_kind = j->kind;
    if (!d->stopping) uv_timer_start(&d->retry, on_retry, d->busy_backoff_ms, 0);
    log_line(&d->o.log, LOG_INFO, "sweep",
             "kind=%s at=%s result=deferred reason=\"database busy (an import is writing?)\" "
             "orgs=%lld retry_ms=%llu",
             job_names[j->kind], at, (long long)j->stats.orgs,
             (unsigned long long)d->busy_backoff_ms);
  } else if (j->kind != JOB_ORG) {
    if (!j->failed) d->busy_backoff_ms = 0;
    d->n.sweeps++;
    if (j->kind == JOB_FULL) {
      d->n.last_full_ms = ms;
      d->n.last_full_orgs = j->stats.orgs;
    } else {
      d->n.last_due_ms = ms;
      d->n.last_due_orgs = j->stats.orgs;
    }
    if (j->kind == JOB_FULL || j->selected || j->failed)
      log_line(&d->o.log, j->failed ? LOG_ERROR : LOG_INFO, "sweep",
               "kind=%s at=%s orgs=%lld evaluations=%lld ms=%.0f errors=%lld changes=%lld "
               "alerts_raised=%lld alerts_cleared=%lld policy=%s%s%s",
               job_names[j->kind], at, (long long)j->stats.orgs,
               (long long)j->stats.evaluations, ms, (long long)j->stats.errors,
               (long long)j->counts.transitions, (long long)j->counts.alerts_raised,
               (long long)j->counts.alerts_cleared, j->set->version,
               j->failed ? " failure=" : "", j->failed ? log_quote(q, sizeof q, j->err) : "");
  }
  for (size_t i = 0; i < j->nalerts; i++) {
    const struct alert_note *a = &j->alerts[i];
    char qo[1100], qc[256], qcause[1600];
    log_line(&d->o.log, LOG_INFO, "alert", "action=%s org=%s competency=%s cause=%s",
             a->raised ? "raised" : "cleared", log_quote(qo, sizeof qo, a->org),
             log_quote(qc, sizeof qc, j->set->files[a->policy].stem),
             log_quote(qcause, sizeof qcause, a->cause));
  }
  if (j->kind == JOB_ORG && j->client) {
    json_t *reply = busy ? json_pack("{s:b, s:b, s:s}", "ok", 0, "busy", 1, "error",
                                     "database busy: another process is writing to it (an "
                                     "import?); retry shortly")
                    : j->failed ? json_pack("{s:b, s:s}", "ok", 0, "error", j->err)
                              : json_pack("{s:b, s:s, s:s, s:s, s:O}", "ok", 1, "org", j->org,
                                          "at", at, "policy", j->set->version, "results",
                                          j->org_results);
    control_reply(j->client, reply);
    control_client_unref(j->client);
  }
  job_free(j);
  (void)status;
  start_next_job(d);
}

static void start_job(daemon *d, int kind, char *org, control_client *client) {
  job *j = calloc(1, sizeof *j);
  if (!j || !(j->policy_errors = calloc((size_t)d->current->nfiles + 1, sizeof *j->policy_errors))) {
    free(j);
    log_line(&d->o.log, LOG_ERROR, "job", "failure=\"out of memory\"");
    return;
  }
  j->d = d;
  j->kind = kind;
  j->set = policy_set_ref(d->current);
  j->at = (int64_t)time(NULL); /* the one clock read: injected into the evaluation */
  j->org = org;
  j->client = client;
  j->org_results = json_array();
  j->work.data = j;
  d->running = j;
  if (uv_queue_work(&d->loop, &j->work, job_work, job_done) < 0) {
    d->running = NULL;
    if (client) {
      control_reply(client, json_pack("{s:b, s:s}", "ok", 0, "error", "cannot queue work"));
      control_client_unref(client);
    }
    j->client = NULL;
    job_free(j);
  }
}

static void start_next_job(daemon *d) {
  if (d->running || d->stopping) return;
  if (!d->current) {
    /* No good policy set yet: answer waiting evaluations, keep the rest pending. */
    while (d->orgs) {
      pending_org *p = d->orgs;
      d->orgs = p->next;
      control_reply(p->client, json_pack("{s:b, s:s}", "ok", 0, "error",
                                         "no good policy set is loaded; see ctl status"));
      control_client_unref(p->client);
      free(p->org);
      free(p);
    }
    d->orgs_tail = NULL;
    return;
  }
  if (d->orgs) {
    pending_org *p = d->orgs;
    d->orgs = p->next;
    if (!d->orgs) d->orgs_tail = NULL;
    start_job(d, JOB_ORG, p->org, p->client);
    free(p);
  } else if (uv_is_active((uv_handle_t *)&d->retry)) {
    return; /* sweeps wait for the retry after a busy database */
  } else if (d->want_full) {
    d->want_full = d->want_due = 0;
    start_job(d, JOB_FULL, NULL, NULL);
  } else if (d->want_due) {
    d->want_due = 0;
    start_job(d, JOB_DUE, NULL, NULL);
  }
}

/* ---- reloads ---- */

/* The impact of `set` against `against` as of `at`, for a dry run or the guard: in the
 * pool thread, with connections of its own, below the sweeps' priority. */
static int impact_of(daemon *d, policy_set *against, policy_set *set, int64_t at,
                     impact_report **out, char *err, size_t errsz) {
  impact_request q = {.db = d->o.db, .before = against, .after = set, .at = at,
                      .examples = IMPACT_EXAMPLES, .workers = d->o.workers, .nice = IMPACT_NICE,
                      .busy_ms = DAEMON_BUSY_MS, .stop = &d->stopping};
  return impact_run(&q, out, err, errsz);
}

/* "pol/a.lua:3: failed to compile: ...; pol/b.lua: ..." */
static void set_problems(const policy_set *set, char *buf, size_t size) {
  size_t len = 0;
  buf[0] = 0;
  for (int i = 0; i < set->nfiles && len < size; i++)
    if (set->files[i].problem)
      len += (size_t)snprintf(buf + len, size - len, "%s%s", len ? "; " : "", set->files[i].problem);
}

static void reload_work(uv_work_t *w) {
  reload *r = w->data;
  r->rc = policy_set_load(&r->set, r->d->o.policies, NULL, r->err, sizeof r->err);
  /* The guard weighs a good set that differs from the serving one. */
  if (r->rc == 0 && r->against && !r->set->nproblems &&
      strcmp(r->set->version, r->against->version) != 0)
    impact_of(r->d, r->against, r->set, r->at, &r->impact, r->impact_err, sizeof r->impact_err);
}

static void reply_reload_waiters(daemon *d) {
  while (d->reload_waiters) {
    waiter *w = d->reload_waiters;
    d->reload_waiters = w->next;
    json_t *reply = json_pack("{s:b, s:s?, s:s?, s:s?}", "ok", d->last_reload.ok, "version",
                              d->last_reload.version[0] ? d->last_reload.version : NULL,
                              "serving", d->current ? d->current->version : NULL, "error",
                              d->last_reload.ok ? NULL : d->last_reload.error);
    if (d->last_reload.held && d->held.set) {
      json_object_set_new(reply, "held", json_true());
      json_object_set(reply, "impact", d->held.impact ? d->held.impact : json_null());
    }
    control_reply(w->client, reply);
    control_client_unref(w->client);
    free(w);
  }
}

static void held_clear(daemon *d) {
  if (d->held.set) policy_set_unref(d->held.set);
  json_decref(d->held.summary);
  json_decref(d->held.impact);
  memset(&d->held, 0, sizeof d->held);
}

/* Swaps `set` in (taking the caller's reference): jobs in flight keep their own reference
 * to the old one; every organisation is due under the new version. */
static void swap_in(daemon *d, policy_set *set) {
  policy_set *old = d->current;
  d->current = set;
  if (old) policy_set_unref(old);
  d->want_due = 1;
}

/* The guard keeps `r->set` from serving: it is held (replacing any set held before) until
 * `ctl reload --confirm VERSION`. */
static void hold(daemon *d, reload *r) {
  held_clear(d);
  d->held.set = r->set;
  r->set = NULL;
  d->held.at = d->last_reload.at;
  snprintf(d->held.trigger, sizeof d->held.trigger, "%s", r->trigger);
  snprintf(d->held.serving, sizeof d->held.serving, "%s", r->against->version);
  d->n.reloads_held++;
  d->last_reload.ok = 0;
  d->last_reload.held = 1;
  const char *v = d->held.set->version;
  char q[1100];
  if (!r->impact) {
    snprintf(d->held.error, sizeof d->held.error, "%s", r->impact_err);
    snprintf(d->last_reload.error, sizeof d->last_reload.error,
             "held by the reload guard: its impact could not be computed (%s); `attain ctl "
             "reload --confirm %s` swaps it in",
             r->impact_err, v);
    log_line(&d->o.log, LOG_WARN, "reload",
             "result=held trigger=%s version=%s serving=%s guard_pct=%g error=%s", r->trigger, v,
             d->held.serving, d->o.reload_guard, log_quote(q, sizeof q, r->impact_err));
    return;
  }
  const impact_report *m = r->impact;
  d->held.summary = impact_json_summary(m);
  d->held.impact = impact_json(m, "serving", d->o.policies);
  snprintf(d->last_reload.error, sizeof d->last_reload.error,
           "held by the reload guard: %lld of %lld organisations (%.1f%%) would lose a level, "
           "more than --reload-guard %g%%; `attain ctl reload --dry-run` shows the impact, "
           "`attain ctl reload --confirm %s` swaps it in",
           (long long)m->demoted, (long long)m->orgs, impact_demoted_percent(m),
           d->o.reload_guard, v);
  log_line(&d->o.log, LOG_WARN, "reload",
           "result=held trigger=%s version=%s serving=%s orgs=%lld demoted=%lld demoted_pct=%.1f "
           "guard_pct=%g promoted=%lld changed=%lld levels_lost=%lld state_changes=%lld "
           "alerts_raised=%lld alerts_cleared=%lld errors_introduced=%lld",
           r->trigger, v, d->held.serving, (long long)m->orgs, (long long)m->demoted,
           impact_demoted_percent(m), d->o.reload_guard, (long long)m->promoted,
           (long long)m->changed, (long long)m->lost, (long long)m->state_changes,
           (long long)m->alerts_raised, (long long)m->alerts_cleared,
           (long long)m->errors_introduced);
}

static void reload_free(reload *r) {
  if (r->set) policy_set_unref(r->set);
  if (r->against) policy_set_unref(r->against);
  impact_free(r->impact);
  free(r);
}

static void reload_done(uv_work_t *w, int status) {
  reload *r = w->data;
  daemon *d = r->d;
  d->reloading = NULL;
  (void)status;
  if (r->against && r->against != d->current && !d->stopping) {
    /* A confirmed set started serving meanwhile: the impact was measured against a set
     * that no longer serves. Measure again (the waiters get that answer). */
    char trigger[sizeof r->trigger];
    memcpy(trigger, r->trigger, sizeof trigger);
    reload_free(r);
    request_reload(d, trigger, NULL);
    return;
  }
  char q[2100];
  d->last_reload.have = 1;
  d->last_reload.held = 0;
  d->last_reload.at = (int64_t)time(NULL);
  snprintf(d->last_reload.trigger, sizeof d->last_reload.trigger, "%s", r->trigger);
  d->last_reload.version[0] = 0;
  if (r->rc == 0)
    snprintf(d->last_reload.version, sizeof d->last_reload.version, "%s", r->set->version);
  if (r->rc != 0 || r->set->nproblems) {
    /* Keep serving the last good set; say why the new one is refused. */
    if (r->rc != 0)
      snprintf(d->last_reload.error, sizeof d->last_reload.error, "%s", r->err);
    else
      set_problems(r->set, d->last_reload.error, sizeof d->last_reload.error);
    d->last_reload.ok = 0;
    d->n.reloads_failed++;
    log_line(&d->o.log, LOG_ERROR, "reload",
             "result=failed trigger=%s version=%s serving=%s error=%s", r->trigger,
             d->last_reload.version[0] ? d->last_reload.version : "-",
             d->current ? d->current->version : "-",
             log_quote(q, sizeof q, d->last_reload.error));
  } else if (d->current && strcmp(d->current->version, r->set->version) == 0) {
    d->last_reload.ok = 1;
    d->n.reloads_ok++;
    if (d->held.set) { /* the files are the serving set again: nothing waits any more */
      log_line(&d->o.log, LOG_INFO, "reload", "result=unchanged trigger=%s version=%s dropped=%s",
               r->trigger, r->set->version, d->held.set->version);
      held_clear(d);
    } else {
      log_line(&d->o.log, LOG_DEBUG, "reload", "result=unchanged trigger=%s version=%s",
               r->trigger, r->set->version);
    }
  } else if (r->against && (!r->impact ||
                            impact_demoted_percent(r->impact) > d->o.reload_guard)) {
    hold(d, r);
  } else {
    if (d->held.set) held_clear(d); /* superseded by what is on disk now */
    swap_in(d, r->set);
    r->set = NULL;
    d->last_reload.ok = 1;
    d->n.reloads_ok++;
    if (r->impact)
      log_line(&d->o.log, LOG_INFO, "reload",
               "result=ok trigger=%s version=%s policies=%d demoted=%lld demoted_pct=%.1f "
               "guard_pct=%g",
               r->trigger, d->current->version, d->current->nfiles,
               (long long)r->impact->demoted, impact_demoted_percent(r->impact),
               d->o.reload_guard);
    else
      log_line(&d->o.log, LOG_INFO, "reload", "result=ok trigger=%s version=%s policies=%d",
               r->trigger, d->current->version, d->current->nfiles);
  }
  notify_serving(&d->svc, d->current ? d->current->version : NULL,
                 d->current ? d->current->nfiles : 0,
                 d->last_reload.ok ? NULL : d->last_reload.error);
  reload_free(r);
  reply_reload_waiters(d);
  if (d->reload_again && !d->stopping) {
    char trigger[sizeof d->reload_again_trigger];
    memcpy(trigger, d->reload_again_trigger, sizeof trigger);
    d->reload_again = 0;
    request_reload(d, trigger, NULL);
  }
  start_next_job(d);
}

static void request_reload(daemon *d, const char *trigger, control_client *waiting) {
  if (waiting) {
    waiter *w = calloc(1, sizeof *w);
    if (w) {
      control_client_ref(waiting);
      w->client = waiting;
      w->next = d->reload_waiters;
      d->reload_waiters = w;
    } else {
      control_reply(waiting, json_pack("{s:b, s:s}", "ok", 0, "error", "out of memory"));
    }
  }
  if (d->stopping) return;
  if (d->reloading) { /* the files may have changed after that reload read them */
    d->reload_again = 1;
    snprintf(d->reload_again_trigger, sizeof d->reload_again_trigger, "%s", trigger);
    return;
  }
  reload *r = calloc(1, sizeof *r);
  if (!r) return;
  r->d = d;
  snprintf(r->trigger, sizeof r->trigger, "%s", trigger);
  if (d->o.reload_guard >= 0 && d->current) {
    r->against = policy_set_ref(d->current);
    r->at = (int64_t)time(NULL); /* the impact's evaluation time, as a sweep's */
  }
  r->work.data = r;
  d->reloading = r;
  if (uv_queue_work(&d->loop, &r->work, reload_work, reload_done) < 0) {
    d->reloading = NULL;
    reload_free(r);
  } else {
    notify_reloading(&d->svc, trigger);
  }
}

/* `ctl reload --confirm VERSION`: the held set starts serving. Only the version held. */
static void confirm_reload(daemon *d, control_client *c, const char *version) {
  if (!d->held.set) {
    control_reply(c, json_pack("{s:b, s:s, s:s?}", "ok", 0, "error",
                               "no reload is held: nothing to confirm", "serving",
                               d->current ? d->current->version : NULL));
    return;
  }
  const char *held = d->held.set->version;
  if (strcmp(version, held) != 0) {
    char msg[160];
    snprintf(msg, sizeof msg, "%.40s is not the held version (held: %s); nothing was swapped",
             version, held);
    control_reply(c, json_pack("{s:b, s:s, s:s, s:s?}", "ok", 0, "error", msg, "held", held,
                               "serving", d->current ? d->current->version : NULL));
    return;
  }
  policy_set *set = policy_set_ref(d->held.set);
  char was[POLICY_VERSION_LEN + 1];
  snprintf(was, sizeof was, "%s", d->current ? d->current->version : "-");
  held_clear(d);
  swap_in(d, set);
  d->last_reload.have = 1;
  d->last_reload.ok = 1;
  d->last_reload.held = 0;
  d->last_reload.at = (int64_t)time(NULL);
  snprintf(d->last_reload.trigger, sizeof d->last_reload.trigger, "confirm");
  snprintf(d->last_reload.version, sizeof d->last_reload.version, "%s", set->version);
  d->n.reloads_ok++;
  log_line(&d->o.log, LOG_INFO, "reload", "result=ok trigger=confirm version=%s policies=%d was=%s",
           set->version, set->nfiles, was);
  notify_serving(&d->svc, set->version, set->nfiles, NULL);
  control_reply(c, json_pack("{s:b, s:s, s:s}", "ok", 1, "version", set->version, "serving",
                             set->version));
  start_next_job(d);
}

/* ---- dry runs: a reload's impact without the swap ---- */

static void dry_run_work(uv_work_t *w) {
  dry_run *x = w->data;
  x->rc = policy_set_load(&x->set, x->d->o.policies, NULL, x->err, sizeof x->err);
  if (x->rc == 0 && !x->set->nproblems && strcmp(x->set->version, x->against->version) != 0)
    x->rc = impact_of(x->d, x->against, x->set, x->at, &x->impact, x->err, sizeof x->err);
}

static void dry_run_done(uv_work_t *w, int status) {
  dry_run *x = w->data;
  (void)status;
  const char *serving = x->against->version;
  json_t *reply;
  if (x->rc) {
    reply = json_pack("{s:b, s:b, s:s?, s:s, s:s}", "ok", 0, "dry_run", 1, "version",
                      x->set ? x->set->version : NULL, "serving", serving, "error", x->err);
  } else if (x->set->nproblems) {
    char problems[2048];
    set_problems(x->set, problems, sizeof problems);
    reply = json_pack("{s:b, s:b, s:s, s:s, s:s}", "ok", 0, "dry_run", 1, "version",
                      x->set->version, "serving", serving, "error", problems);
  } else if (!x->impact) { /* the files on disk are the serving set */
    reply = json_pack("{s:b, s:b, s:s, s:s, s:I, s:n}", "ok", 1, "dry_run", 1, "version",
                      x->set->version, "serving", serving, "changed", (json_int_t)0, "impact");
  } else {
    reply = json_pack("{s:b, s:b, s:s, s:s, s:I, s:o}", "ok", 1, "dry_run", 1, "version",
                      x->set->version, "serving", serving, "changed",
                      (json_int_t)x->impact->changed, "impact",
                      impact_json(x->impact, "serving", x->d->o.policies));
  }
  x->done(x->arg, reply);
  if (x->set) policy_set_unref(x->set);
  policy_set_unref(x->against);
  impact_free(x->impact);
  free(x);
}

/* The impact of the policy files on disk against the serving set, computed off the loop
 * thread; `done` gets the reply on the loop thread. Dry runs do not wait for each other
 * or for reloads: each reads the files and the database itself. */
static void request_dry_run(daemon *d, reply_fn done, void *arg) {
  if (!d->current) {
    done(arg, json_pack("{s:b, s:b, s:s}", "ok", 0, "dry_run", 1, "error",
                        "no good policy set is serving: nothing to compare with"));
    return;
  }
  dry_run *x = calloc(1, sizeof *x);
  if (!x) {
    done(arg, json_pack("{s:b, s:s}", "ok", 0, "error", "out of memory"));
    return;
  }
  x->d = d;
  x->against = policy_set_ref(d->current);
  x->at = (int64_t)time(NULL);
  x->done = done;
  x->arg = arg;
  x->work.data = x;
  if (uv_queue_work(&d->loop, &x->work, dry_run_work, dry_run_done) < 0) {
    policy_set_unref(x->against);
    free(x);
    done(arg, json_pack("{s:b, s:s}", "ok", 0, "error", "cannot queue work"));
  }
}

static void reply_client(void *arg, json_t *reply) {
  control_client *c = arg;
  control_reply(c, reply);
  control_client_unref(c);
}

/* ---- handles ---- */

/* A sweep the busy database stopped runs again. */
static void on_retry(uv_timer_t *t) {
  daemon *d = t->data;
  if (d->retry_kind == JOB_FULL)
    d->want_full = 1;
  else
    d->want_due = 1;
  start_next_job(d);
}

static void on_tick(uv_timer_t *t) {
  daemon *d = t->data;
  d->want_due = 1;
  start_next_job(d);
}

static void on_debounced(uv_timer_t *t) { request_reload(t->data, "fs", NULL); }

static void on_fs_event(uv_fs_event_t *h, const char *filename, int events, int status) {
  daemon *d = h->data;
  if (d->stopping) return;
  /* Editors save by writing a temporary file and renaming it: wait for the burst. */
  uv_timer_start(&d->debounce, on_debounced, DEBOUNCE_MS, 0);
}

static void close_handle(uv_handle_t *h) {
  if (!uv_is_closing(h)) uv_close(h, NULL);
}

static void shut_down(daemon *d, const char *why) {
  if (d->stopping) return;
  d->stopping = 1;
  notify_stopping(&d->svc, why);
  log_line(&d->o.log, LOG_INFO, "stopping", "signal=%s running=%s", why,
           d->running ? job_names[d->running->kind] : "none");
  close_handle((uv_handle_t *)&d->tick);
  close_handle((uv_handle_t *)&d->debounce);
  close_handle((uv_handle_t *)&d->retry);
  if (d->watching) close_handle((uv_handle_t *)&d->watch);
  close_handle((uv_handle_t *)&d->sighup);
  close_handle((uv_handle_t *)&d->sigterm);
  close_handle((uv_handle_t *)&d->sigint);
  while (d->orgs) {
    pending_org *p = d->orgs;
    d->orgs = p->next;
    control_client_unref(p->client);
    free(p->org);
    free(p);
  }
  while (d->reload_waiters) {
    waiter *w = d->reload_waiters;
    d->reload_waiters = w->next;
    control_client_unref(w->client);
    free(w);
  }
  control_close(d->ctl);
  d->ctl = NULL;
}

static void on_signal(uv_signal_t *h, int signum) {
  daemon *d = h->data;
  if (signum == SIGHUP)
    request_reload(d, "sighup", NULL);
  else
    shut_down(d, signum == SIGTERM ? "TERM" : "INT");
}

/* ---- the control protocol ---- */

static json_t *status_json(daemon *d) {
  char at[ISOTIME_BUFSZ];
  json_t *last = json_null();
  if (d->last_reload.have) {
    isotime_format(d->last_reload.at, at);
    last = json_pack("{s:b, s:s, s:s, s:s?, s:s?}", "ok", d->last_reload.ok, "at", at,
                       "trigger", d->last_reload.trigger, "version",
                       d->last_reload.version[0] ? d->last_reload.version : NULL, "error",
                       d->last_reload.ok ? NULL : d->last_reload.error);
  }
  int64_t queued = (d->want_full || d->want_due) ? 1 : 0;
  for (pending_org *p = d->orgs; p; p = p->next) queued++;
  json_t *running = json_null();
  if (d->running)
    running = json_pack("{s:s, s:I, s:I}", "kind", job_names[d->running->kind], "selected",
                        (json_int_t)d->running->selected, "done",
                        (json_int_t)__atomic_load_n(&d->running->progress, __ATOMIC_RELAXED));
  json_t *held = json_null();
  if (d->held.set) {
    char held_at[ISOTIME_BUFSZ];
    isotime_format(d->held.at, held_at);
    held = json_pack("{s:s, s:s, s:s, s:s, s:O, s:s?}", "version", d->held.set->version, "at",
                     held_at, "trigger", d->held.trigger, "serving", d->held.serving, "impact",
                     d->held.summary ? d->held.summary : json_null(), "error",
                     d->held.summary ? NULL : d->held.error);
  }
  json_t *st = json_pack(
      "{s:b, s:s?, s:o, s:{s:I, s:I, s:O, s:I, s:I, s:I, s:I, s:I, s:I, s:{s:f, s:I}, "
      "s:{s:f, s:I}}, s:o, s:I, s:I}",
      "ok", 1, "policy", d->current ? d->current->version : NULL, "reload", last, "counters",
      "evaluations", (json_int_t)d->n.evaluations, "errors", (json_int_t)d->n.errors,
      "errors_by_policy", d->n.policy_errors, "sweeps", (json_int_t)d->n.sweeps,
      "status_changes", (json_int_t)d->n.status_changes, "alerts_raised",
      (json_int_t)d->n.alerts_raised, "alerts_cleared", (json_int_t)d->n.alerts_cleared,
      "reloads_ok", (json_int_t)d->n.reloads_ok, "reloads_failed",
      (json_int_t)d->n.reloads_failed, "last_full_sweep", "ms", d->n.last_full_ms, "orgs",
      (json_int_t)d->n.last_full_orgs, "last_incremental_sweep", "ms", d->n.last_due_ms,
      "orgs", (json_int_t)d->n.last_due_orgs, "running", running, "queue", (json_int_t)queued,
      "uptime_s", (json_int_t)((int64_t)time(NULL) - d->started));
  /* the reload guard: its threshold, the set it holds (for `ctl reload --confirm`) */
  json_object_set_new(json_object_get(st, "counters"), "reloads_held",
                      json_integer((json_int_t)d->n.reloads_held));
  if (d->last_reload.held) json_object_set_new(json_object_get(st, "reload"), "held", json_true());
  json_object_set_new(st, "reload_guard",
                      d->o.reload_guard >= 0 ? json_real(d->o.reload_guard) : json_null());
  json_object_set_new(st, "held", held);
  return st;
}

static void on_request(void *arg, control_client *c, json_t *req) {
  daemon *d = arg;
  const char *cmd = json_string_value(json_object_get(req, "cmd"));
  if (!cmd) {
    control_reply(c, json_pack("{s:b, s:s}", "ok", 0, "error",
                               "missing \"cmd\" (status, reload, sweep or eval)"));
  } else if (strcmp(cmd, "status") == 0) {
    control_reply(c, status_json(d));
  } else if (strcmp(cmd, "reload") == 0) {
    json_t *dry = json_object_get(req, "dry_run"), *confirm = json_object_get(req, "confirm");
    if ((dry && !json_is_boolean(dry)) || (confirm && !json_is_string(confirm)))
      control_reply(c, json_pack("{s:b, s:s}", "ok", 0, "error",
                                 "reload takes \"dry_run\": true or \"confirm\": VERSION"));
    else if (json_is_true(dry) && confirm)
      control_reply(c, json_pack("{s:b, s:s}", "ok", 0, "error",
                                 "\"dry_run\" and \"confirm\" exclude each other"));
    else if (json_is_true(dry)) {
      control_client_ref(c);
      request_dry_run(d, reply_client, c); /* answered when the impact is known */
    } else if (confirm)
      confirm_reload(d, c, json_string_value(confirm));
    else
      request_reload(d, "ctl", c); /* answered when the reload is done */
  } else if (strcmp(cmd, "sweep") == 0) {
    d->want_full = 1;
    start_next_job(d);
    control_reply(c, json_pack("{s:b, s:s}", "ok", 1, "queued", "full"));
  } else if (strcmp(cmd, "eval") == 0) {
    const char *org = json_string_value(json_object_get(req, "org"));
    pending_org *p = org ? calloc(1, sizeof *p) : NULL;
    if (!p || !(p->org = strdup(org))) {
      free(p);
      control_reply(c, json_pack("{s:b, s:s}", "ok", 0, "error",
                                 org ? "out of memory" : "eval needs \"org\""));
      return;
    }
    control_client_ref(c);
    p->client = c;
    if (d->orgs_tail)
      d->orgs_tail->next = p;
    else
      d->orgs = p;
    d->orgs_tail = p;
    start_next_job(d); /* answered when the evaluation is stored */
  } else {
    char msg[160];
    snprintf(msg, sizeof msg, "unknown cmd \"%.60s\" (status, reload, sweep or eval)", cmd);
    control_reply(c, json_pack("{s:b, s:s}", "ok", 0, "error", msg));
  }
}

/* ---- start and stop ---- */

int daemon_run(const daemon_options *opts) {
  daemon *d = calloc(1, sizeof *d);
  if (!d) return 1;
  d->o = *opts;
  d->started = (int64_t)time(NULL);
  d->n.policy_errors = json_object();
  char err[2048], q[2100], qp[1100], qs[300];
  signal(SIGPIPE, SIG_IGN); /* a client that hangs up must not kill the daemon */
  uv_loop_init(&d->loop);
  if (notify_open_env(&d->svc, err, sizeof err))
    log_line(&d->o.log, LOG_WARN, "notify", "failure=%s", log_quote(q, sizeof q, err));
  int rc = 1;
  if (store_open(&d->s, d->o.db, 0, err, sizeof err)) {
    log_line(&d->o.log, LOG_ERROR, "start", "failure=%s", log_quote(q, sizeof q, err));
    goto out;
  }
  if (control_start(&d->ctl, &d->loop, d->o.socket, on_request, d, err, sizeof err)) {
    log_line(&d->o.log, LOG_ERROR, "start", "failure=%s", log_quote(q, sizeof q, err));
    goto out;
  }
  store_busy_timeout(d->s, DAEMON_BUSY_MS);
  uv_timer_init(&d->loop, &d->tick);
  uv_timer_init(&d->loop, &d->debounce);
  uv_timer_init(&d->loop, &d->retry);
  d->tick.data = d->debounce.data = d->retry.data = d;
  uv_timer_start(&d->tick, on_tick, d->o.every_ms, d->o.every_ms);
  uv_fs_event_init(&d->loop, &d->watch);
  d->watch.data = d;
  int wr = uv_fs_event_start(&d->watch, on_fs_event, d->o.policies, 0);
  d->watching = 1;
  if (wr < 0)
    log_line(&d->o.log, LOG_WARN, "watch", "dir=%s failure=%s note=\"reload with SIGHUP or ctl\"",
             log_quote(q, sizeof q, d->o.policies), log_quote(qs, sizeof qs, uv_strerror(wr)));
  uv_signal_init(&d->loop, &d->sighup);
  uv_signal_init(&d->loop, &d->sigterm);
  uv_signal_init(&d->loop, &d->sigint);
  d->sighup.data = d->sigterm.data = d->sigint.data = d;
  uv_signal_start(&d->sighup, on_signal, SIGHUP);
  uv_signal_start(&d->sigterm, on_signal, SIGTERM);
  uv_signal_start(&d->sigint, on_signal, SIGINT);
  notify_watchdog_start(&d->svc, &d->loop);
  log_line(&d->o.log, LOG_INFO, "start", "db=%s policies=%s socket=%s every_ms=%llu",
           log_quote(q, sizeof q, d->o.db), log_quote(qp, sizeof qp, d->o.policies),
           log_quote(qs, sizeof qs, d->o.socket), (unsigned long long)d->o.every_ms);
  request_reload(d, "start", NULL); /* then the first sweep catches up */
  uv_run(&d->loop, UV_RUN_DEFAULT);
  rc = 0;
out:
  notify_close(&d->svc);
  uv_run(&d->loop, UV_RUN_DEFAULT); /* finishes the watchdog timer's close */
  if (d->ctl) { /* failed to start after the socket was bound */
    control_close(d->ctl);
    uv_run(&d->loop, UV_RUN_DEFAULT);
  }
  if (uv_loop_close(&d->loop) != 0) {
    log_line(&d->o.log, LOG_WARN, "stop", "note=\"handles still open at exit\"");
  }
  if (d->current) policy_set_unref(d->current);
  held_clear(d);
  json_decref(d->n.policy_errors);
  store_close(d->s);
  if (rc == 0) log_line(&d->o.log, LOG_INFO, "stopped", "code=0");
  free(d);
  return rc;
}
