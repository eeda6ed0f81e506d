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
#include "daemon_lock.h"
#include "eval.h"
#include "eval_store.h"
#include "isotime.h"
#include "lifecycle.h"
#include "policy.h"
#include "store.h"
#include "store_read.h"

#define DEBOUNCE_MS 150

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
  int64_t *policy_errors;  /* per policy of `set` */
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
} reload;

struct daemon {
  daemon_options o;
  uv_loop_t loop;
  uv_timer_t tick, debounce;
  uv_fs_event_t watch;
  uv_signal_t sighup, sigterm, sigint;
  int watching;
  control *ctl;
  daemon_lock lock; /* one daemon per database and per socket */
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
    int have, ok;
    int64_t at;
    char version[POLICY_VERSION_LEN + 1];
    char trigger[16];
    char error[2048];
  } last_reload;
  struct {
    int64_t evaluations, errors, sweeps, status_changes, alerts_raised, alerts_cleared;
    int64_t reloads_ok, reloads_failed;
    double last_full_ms, last_due_ms;
    int64_t last_full_orgs, last_due_orgs;
    json_t *policy_errors; /* competency -> errors */
  } n;
  int64_t started;
};

static void start_next_job(daemon *d);
static void request_reload(daemon *d, const char *trigger, control_client *waiting);

/* ---- jobs (pool thread) ---- */

static int job_on_chunk(void *arg, const eval_chunk *c, char *err, size_t errsz) {
  job *j = arg;
  if (eval_store_chunk(j->d->s, j->set, j->at, c, &j->counts, err, errsz)) return -1;
  for (int r = 0; r < c->nrows; r++) {
    const eval_row *row = &c->rows[r];
    const char *competency = j->set->files[row->policy].stem;
    if (row->error) j->policy_errors[row->policy]++;
    if (!row->error && (row->alert == LC_ALERT_RAISE || row->alert == LC_ALERT_CLEAR)) {
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
                    row->error ? NULL : policy_level_name(row->level), "state",
                    row->error ? NULL : lifecycle_state_name(row->state), "error", row->error));
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
                      .stop = &d->stopping, .nice = 10};
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
}

static void job_free(job *j) {
  if (j->set) policy_set_unref(j->set);
  json_decref(j->org_results);
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
  for (int p = 0; p < j->set->nfiles; p++) {
    if (!j->policy_errors[p]) continue;
    const char *stem = j->set->files[p].stem;
    json_t *old = json_object_get(d->n.policy_errors, stem);
    json_object_set_new(d->n.policy_errors, stem,
                        json_integer(json_integer_value(old) + j->policy_errors[p]));
  }
  double ms = j->stats.seconds * 1e3;
  if (j->kind != JOB_ORG) {
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
    json_t *reply = j->failed ? json_pack("{s:b, s:s}", "ok", 0, "error", j->err)
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
  if (!j || !(j->policy_errors = calloc((size_t)d->current->nfiles + 1, sizeof(int64_t)))) {
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
  } else if (d->want_full) {
    d->want_full = d->want_due = 0;
    start_job(d, JOB_FULL, NULL, NULL);
  } else if (d->want_due) {
    d->want_due = 0;
    start_job(d, JOB_DUE, NULL, NULL);
  }
}

/* ---- reloads ---- */

static void reload_work(uv_work_t *w) {
  reload *r = w->data;
  r->rc = policy_set_load(&r->set, r->d->o.policies, NULL, r->err, sizeof r->err);
}

static void reply_reload_waiters(daemon *d) {
  while (d->reload_waiters) {
    waiter *w = d->reload_waiters;
    d->reload_waiters = w->next;
    json_t *reply = json_pack("{s:b, s:s?, s:s?, s:s?}", "ok", d->last_reload.ok, "version",
                              d->last_reload.version[0] ? d->last_reload.version : NULL,
                              "serving", d->current ? d->current->version : NULL, "error",
                              d->last_reload.ok ? NULL : d->last_reload.error);
    control_reply(w->client, reply);
    control_client_unref(w->client);
    free(w);
  }
}

static void reload_done(uv_work_t *w, int status) {
  reload *r = w->data;
  daemon *d = r->d;
  d->reloading = NULL;
  char q[2100];
  d->last_reload.have = 1;
  d->last_reload.at = (int64_t)time(NULL);
  snprintf(d->last_reload.trigger, sizeof d->last_reload.trigger, "%s", r->trigger);
  d->last_reload.version[0] = 0;
  if (r->rc == 0)
    snprintf(d->last_reload.version, sizeof d->last_reload.version, "%s", r->set->version);
  if (r->rc != 0 || r->set->nproblems) {
    /* Keep serving the last good set; say why the new one is refused. */
    size_t len = 0;
    d->last_reload.error[0] = 0;
    if (r->rc != 0)
      len = (size_t)snprintf(d->last_reload.error, sizeof d->last_reload.error, "%s", r->err);
    else
      for (int i = 0; i < r->set->nfiles && len < sizeof d->last_reload.error; i++)
        if (r->set->files[i].problem)
          len += (size_t)snprintf(d->last_reload.error + len, sizeof d->last_reload.error - len,
                                  "%s%s", len ? "; " : "", r->set->files[i].problem);
    d->last_reload.ok = 0;
    d->n.reloads_failed++;
    log_line(&d->o.log, LOG_ERROR, "reload",
             "result=failed trigger=%s version=%s serving=%s error=%s", r->trigger,
             d->last_reload.version[0] ? d->last_reload.version : "-",
             d->current ? d->current->version : "-",
             log_quote(q, sizeof q, d->last_reload.error));
    if (r->set) policy_set_unref(r->set);
  } else if (d->current && strcmp(d->current->version, r->set->version) == 0) {
    d->last_reload.ok = 1;
    d->n.reloads_ok++;
    log_line(&d->o.log, LOG_DEBUG, "reload", "result=unchanged trigger=%s version=%s",
             r->trigger, r->set->version);
    policy_set_unref(r->set);
  } else {
    policy_set *old = d->current;
    d->current = r->set; /* the swap: jobs in flight keep their own reference to `old` */
    if (old) policy_set_unref(old);
    d->last_reload.ok = 1;
    d->n.reloads_ok++;
    log_line(&d->o.log, LOG_INFO, "reload", "result=ok trigger=%s version=%s policies=%d",
             r->trigger, d->current->version, d->current->nfiles);
    d->want_due = 1; /* every result names another version now */
  }
  free(r);
  (void)status;
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
  r->work.data = r;
  d->reloading = r;
  if (uv_queue_work(&d->loop, &r->work, reload_work, reload_done) < 0) {
    d->reloading = NULL;
    free(r);
  }
}

/* ---- handles ---- */

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
  log_line(&d->o.log, LOG_INFO, "stopping", "signal=%s running=%s", why,
           d->running ? job_names[d->running->kind] : "none");
  close_handle((uv_handle_t *)&d->tick);
  close_handle((uv_handle_t *)&d->debounce);
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
  return json_pack(
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
  d->lock.db_fd = d->lock.socket_fd = -1;
  char err[2048], q[2100], qp[1100], qs[300];
  signal(SIGPIPE, SIG_IGN); /* a client that hangs up must not kill the daemon */
  uv_loop_init(&d->loop);
  int rc = 1;
  if (store_open(&d->s, d->o.db, 0, err, sizeof err)) {
    log_line(&d->o.log, LOG_ERROR, "start", "failure=%s", log_quote(q, sizeof q, err));
    goto out;
  }
  if (daemon_lock_acquire(&d->lock, d->o.db, d->o.socket, err, sizeof err)) {
    log_line(&d->o.log, LOG_ERROR, "start", "failure=%s", log_quote(q, sizeof q, err));
    goto out;
  }
  control_socket sock = {.path = d->o.socket, .mode = d->o.socket_mode ? d->o.socket_mode : 0600,
                         .gid = d->o.socket_group_set ? (gid_t)d->o.socket_gid : (gid_t)-1};
  if (control_start(&d->ctl, &d->loop, &sock, on_request, d, err, sizeof err)) {
    log_line(&d->o.log, LOG_ERROR, "start", "failure=%s", log_quote(q, sizeof q, err));
    goto out;
  }
  uv_timer_init(&d->loop, &d->tick);
  uv_timer_init(&d->loop, &d->debounce);
  d->tick.data = d->debounce.data = d;
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
  log_line(&d->o.log, LOG_INFO, "start", "db=%s policies=%s socket=%s every_ms=%llu",
           log_quote(q, sizeof q, d->o.db), log_quote(qp, sizeof qp, d->o.policies),
           log_quote(qs, sizeof qs, d->o.socket), (unsigned long long)d->o.every_ms);
  request_reload(d, "start", NULL); /* then the first sweep catches up */
  uv_run(&d->loop, UV_RUN_DEFAULT);
  rc = 0;
out:
  if (d->ctl) { /* failed to start after the socket was bound */
    control_close(d->ctl);
    uv_run(&d->loop, UV_RUN_DEFAULT);
  }
  if (uv_loop_close(&d->loop) != 0) {
    log_line(&d->o.log, LOG_WARN, "stop", "note=\"handles still open at exit\"");
  }
  if (d->current) policy_set_unref(d->current);
  json_decref(d->n.policy_errors);
  store_close(d->s);
  daemon_lock_release(&d->lock); /* after the socket is gone: the next daemon may start */
  if (rc == 0) log_line(&d->o.log, LOG_INFO, "stopped", "code=0");
  free(d);
  return rc;
}
