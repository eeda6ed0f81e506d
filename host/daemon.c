/* daemon.c — the serve loop: scheduling, jobs, reloads, signals (see daemon.h).
 *
 * Threads: the loop thread owns every field of `struct daemon` but `pub` and `inbox`. A
 * job's work function runs in libuv's pool and touches only its own `job` (and the store
 * connection, which only one job at a time uses); its after-callback runs back on the
 * loop thread. The HTTP threads (http_api.h) read `pub`, the copy of the view the loop
 * publishes (every second and after every change), and hand mutations over through
 * `inbox`; both under `mu`. */
#include "daemon.h"

#include <pthread.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <uv.h>

#include "control.h"
#include "daemon_lock.h"
#include "daemon_view.h"
#include "eval.h"
#include "eval_store.h"
#include "http_api.h"
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
#define PUBLISH_MS 1000 /* the view HTTP reads is at most this old while the loop runs */
/* A reload's impact (a dry run, or the guard's) is a full sweep of two sets without writes:
 * it runs below the sweeps (nice +10), so the daemon's own work comes first. */
#define IMPACT_NICE 15
#define IMPACT_EXAMPLES 3 /* per competency, in replies */

enum job_kind { JOB_DUE, JOB_FULL, JOB_ORG };
static const char *const job_names[] = {"due", "full", "org"};

typedef struct daemon daemon;

/* Who waits for an answer: a control-socket client (a reference is held) or an HTTP
 * call; neither for work the daemon started itself. */
typedef struct asker {
  control_client *client;
  http_call *call;
} asker;

typedef struct job {
  uv_work_t work;
  daemon *d;
  int kind;
  policy_set *set; /* the set the job started with (a reference) */
  int64_t at;
  char *org;               /* JOB_ORG */
  asker who;               /* JOB_ORG: who waits for the answer */
  json_t *org_results;     /* JOB_ORG: built in the pool thread, sent from the loop */
  int failed;
  char err[1024];
  eval_stats stats;
  eval_store w;            /* the job's writer (eval_store.h); its counts once committed */
  eval_store_counts counts;
  int64_t selected;        /* organisations chosen for the sweep */
  int64_t progress;        /* organisations evaluated so far (read by status, atomically) */
  struct policy_errors {   /* per policy of `set`: rows evaluated, how many failed, the first */
    int64_t evaluations, count;
    char *org, *error;
  } *policy_errors;
  int rc;                  /* eval_run's (or the store's) code when failed */
  struct alert_note {      /* alerts raised or cleared, logged from the loop thread */
    int raised, policy;
    char *org, *cause;
  } *alerts;
  size_t nalerts, alerts_cap;
  size_t nalerts_stored;   /* of them, those whose group committed: the ones logged */
} job;

typedef struct waiter {
  asker who;
  struct waiter *next;
} waiter;

typedef struct pending_org {
  char *org;
  asker who;
  struct pending_org *next;
} pending_org;

typedef struct inbox_item {
  http_call *call;
  struct inbox_item *next;
} inbox_item;

typedef struct reload {
  uv_work_t work;
  daemon *d;
  char trigger[16];
  char dir[PATH_MAX]; /* --policies as resolved when the reload was asked for */
  /* the reload guard: the serving set when the reload was asked for (a reference), the
   * time, and the new set's impact against it, computed in the pool */
  policy_set *against;
  int64_t at;
  impact_report *impact; /* NULL when not measured, or when measuring failed (impact_err) */
  char impact_err[1024];
  policy_set *set;
  int rc;
  char err[1024];
} reload;

/* A reload's preview: the impact of the files on disk against the serving set. */
typedef struct dry_run {
  uv_work_t work;
  daemon *d;
  char dir[PATH_MAX];
  policy_set *against; /* the serving set (a reference) */
  policy_set *set;     /* the files on disk */
  int64_t at;
  int rc;
  char err[1024];
  impact_report *impact;
  asker who;
} dry_run;

struct daemon {
  daemon_options o;
  uv_loop_t loop;
  uv_timer_t tick, debounce, retry, publish;
  uint64_t busy_backoff_ms; /* the next retry of a sweep the busy database stopped; 0: none */
  int retry_kind;           /* the kind of job the retry runs */
  uv_fs_event_t watch, watch_lib; /* the policy directory and its lib/ */
  uv_signal_t sighup, sigterm, sigint;
  int watching, watching_lib;
  char watched[PATH_MAX], watched_lib[PATH_MAX]; /* what they watch now ("" for nothing) */
  struct stat watched_st[2]; /* and which directory that was (it may be replaced) */
  control *ctl;
  http_api *http;
  daemon_lock lock; /* one daemon per database and per socket */
  store *s;
  volatile int stopping;
  job *running;
  int want_full, want_due;
  pending_org *orgs, *orgs_tail;
  reload *reloading;
  int reload_again;
  char reload_again_trigger[16];
  waiter *reload_waiters;
  daemon_view v; /* counters, outcomes, the serving set (v.serving: NULL until one loads) */
  policy_set *held;   /* the set the reload guard holds (v.held says what of it), or NULL */
  json_t *held_impact; /* its whole impact report (with examples), for reload replies */
  notify svc;    /* the service manager, when one listens (notify.h) */
  pthread_mutex_t mu; /* guards the two below */
  daemon_view pub;    /* the copy of `v` other threads read */
  uint64_t pub_ms;    /* when it was published (uv_hrtime, ms) */
  uv_async_t inbox_wake;
  inbox_item *inbox;  /* HTTP calls for the loop thread */
  int inbox_closed;   /* stopping: calls are answered at once */
};

static void start_next_job(daemon *d);
static void request_reload(daemon *d, const char *trigger, asker waiting);
static void on_retry(uv_timer_t *t);

/* ---- jobs (pool thread) ---- */

static int job_on_chunk(void *arg, const eval_chunk *c, char *err, size_t errsz) {
  job *j = arg;
  int committed = eval_store_put(&j->w, c, err, errsz);
  if (committed < 0) return committed;
  for (int r = 0; r < c->nrows; r++) {
    const eval_row *row = &c->rows[r];
    const char *competency = j->set->files[row->policy].stem;
    j->policy_errors[row->policy].evaluations++;
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
  if (committed) j->nalerts_stored = j->nalerts;
  __atomic_add_fetch(&j->progress, c->norgs, __ATOMIC_RELAXED);
  return 0;
}

static void job_work(uv_work_t *w) {
  job *j = w->data;
  daemon *d = j->d;
  uint64_t started = uv_hrtime(); /* the job's time: choosing, evaluating, storing */
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
  eval_store_init(&j->w, d->s, j->set, j->at);
  if (!rc) rc = eval_run(&req, &j->stats, j->err, sizeof j->err);
  if (rc) {
    eval_store_abort(&j->w);
  } else {
    rc = eval_store_commit(&j->w, j->err, sizeof j->err);
    if (!rc) j->nalerts_stored = j->nalerts;
  }
  j->counts = j->w.counts;
  j->stats.seconds = (double)(uv_hrtime() - started) / 1e9;
  free(oids);
  j->failed = rc != 0;
  j->rc = rc;
}

static void job_free(job *j) {
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
  /* last: the set may go with this reference (a reload swapped it out meanwhile) */
  if (j->set) policy_set_unref(j->set);
  free(j);
}

/* ---- what other threads see ---- */

static uint64_t mono_ms(void) { return uv_hrtime() / 1000000; }

/* Brings the view's picture of the job in hand and the queue up to date. */
static void refresh_view(daemon *d) {
  daemon_view *v = &d->v;
  v->running.active = d->running != NULL;
  if (d->running) {
    snprintf(v->running.kind, sizeof v->running.kind, "%s", job_names[d->running->kind]);
    v->running.selected = d->running->selected;
    v->running.done = __atomic_load_n(&d->running->progress, __ATOMIC_RELAXED);
  }
  v->queue = (d->want_full || d->want_due) ? 1 : 0;
  for (pending_org *p = d->orgs; p; p = p->next) v->queue++;
  v->busy_retry = !d->stopping && uv_is_active((uv_handle_t *)&d->retry);
}

/* Publishes a copy of the view for the HTTP threads. */
static void publish(daemon *d) {
  refresh_view(d);
  pthread_mutex_lock(&d->mu);
  daemon_view_copy(&d->pub, &d->v); /* out of memory: the previous copy stays */
  d->pub_ms = mono_ms();
  pthread_mutex_unlock(&d->mu);
}

static void on_publish(uv_timer_t *t) { publish(t->data); }

/* Answers whoever asked, and lets go of them. */
static void answer(asker who, int status, json_t *reply) {
  if (who.client) {
    control_reply(who.client, reply);
    control_client_unref(who.client);
  } else if (who.call) {
    http_call_answer(who.call, status, reply);
  } else {
    json_decref(reply);
  }
}

static json_t *refusal(const char *error) {
  return json_pack("{s:b, s:s}", "ok", 0, "error", error);
}

/* ---- jobs (loop thread) ---- */

static void job_done(uv_work_t *w, int status) {
  job *j = w->data;
  daemon *d = j->d;
  d->running = NULL;
  char at[ISOTIME_BUFSZ], q[1100];
  isotime_format(j->at, at);
  daemon_view *v = &d->v;
  v->n.evaluations += j->stats.evaluations;
  v->n.errors += j->stats.errors;
  v->n.status_changes += j->counts.transitions;
  v->n.alerts_raised += j->counts.alerts_raised;
  v->n.alerts_cleared += j->counts.alerts_cleared;
  /* Every run-time policy error reaches the log: once per policy per job, with the count,
   * the first organisation and the message (file:line). */
  for (int p = 0; p < j->set->nfiles; p++) {
    const struct policy_errors *pe = &j->policy_errors[p];
    const char *stem = j->set->files[p].stem;
    if (pe->evaluations) daemon_view_count_policy(v, stem, pe->evaluations, pe->count);
    if (!pe->count) continue;
    char qs[256], qo[1100], qe[1100];
    log_line(&d->o.log, LOG_ERROR, "policy_error",
             "policy=%s kind=%s errors=%lld first_org=%s error=%s", log_quote(qs, sizeof qs, stem),
             job_names[j->kind], (long long)pe->count, log_quote(qo, sizeof qo, pe->org),
             log_quote(qe, sizeof qe, pe->error));
  }
  double ms = j->stats.seconds * 1e3;
  int busy = j->failed && j->rc == STORE_EBUSY;
  view_sweep *sw = j->kind == JOB_FULL  ? &v->sweeps[VIEW_SWEEP_FULL]
                   : j->kind == JOB_DUE ? &v->sweeps[VIEW_SWEEP_DUE]
                                        : NULL;
  if (busy && sw) {
    /* Waiting for an import is not a failure: the rest of the sweep is still due, and the
     * sweep runs again later, backing off while the database stays busy. */
    sw->deferred++;
    d->busy_backoff_ms = d->busy_backoff_ms ? d->busy_backoff_ms * 2 : BUSY_RETRY_MS;
    if (d->busy_backoff_ms > BUSY_RETRY_MAX_MS) d->busy_backoff_ms = BUSY_RETRY_MAX_MS;
    d->retry_kind = j->kind;
    if (!d->stopping) uv_timer_start(&d->retry, on_retry, d->busy_backoff_ms, 0);
    log_line(&d->o.log, LOG_INFO, "sweep",
             "kind=%s at=%s result=deferred reason=\"database busy (an import is writing?)\" "
             "orgs=%lld retry_ms=%llu",
             job_names[j->kind], at, (long long)j->stats.orgs,
             (unsigned long long)d->busy_backoff_ms);
  } else if (sw) {
    if (!j->failed) d->busy_backoff_ms = 0;
    sw->last_failed = j->failed;
    if (j->failed) {
      sw->failed++;
    } else {
      sw->ok++;
      sw->last_success = (int64_t)time(NULL);
      prom_hist_observe(&sw->duration, j->stats.seconds);
    }
    sw->last_ms = ms;
    sw->last_orgs = j->stats.orgs;
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
  for (size_t i = 0; i < j->nalerts_stored; i++) {
    const struct alert_note *a = &j->alerts[i];
    char qo[1100], qc[256], qcause[1600];
    log_line(&d->o.log, LOG_INFO, "alert", "action=%s org=%s competency=%s cause=%s",
             a->raised ? "raised" : "cleared", log_quote(qo, sizeof qo, a->org),
             log_quote(qc, sizeof qc, j->set->files[a->policy].stem),
             log_quote(qcause, sizeof qcause, a->cause));
  }
  if (j->kind == JOB_ORG) {
    if (busy) {
      answer(j->who, 503,
             json_pack("{s:b, s:b, s:s}", "ok", 0, "busy", 1, "error",
                       "database busy: another process is writing to it (an import?); retry "
                       "shortly"));
    } else if (j->failed) {
      answer(j->who, j->rc == STORE_ENOTFOUND ? 404 : 500, refusal(j->err));
    } else {
      answer(j->who, 200,
             json_pack("{s:b, s:s, s:s, s:s, s:O}", "ok", 1, "org", j->org, "at", at, "policy",
                       j->set->version, "results", j->org_results));
    }
    j->who = (asker){0};
  }
  job_free(j);
  (void)status;
  start_next_job(d);
  publish(d);
}

static void start_job(daemon *d, int kind, char *org, asker who) {
  job *j = calloc(1, sizeof *j);
  if (!j || !(j->policy_errors = calloc((size_t)d->v.serving->nfiles + 1, sizeof *j->policy_errors))) {
    free(j);
    free(org);
    answer(who, 500, refusal("out of memory"));
    log_line(&d->o.log, LOG_ERROR, "job", "failure=\"out of memory\"");
    return;
  }
  j->d = d;
  j->kind = kind;
  j->set = policy_set_ref(d->v.serving);
  j->at = (int64_t)time(NULL); /* the one clock read: injected into the evaluation */
  j->org = org;
  j->who = who;
  j->org_results = json_array();
  j->work.data = j;
  d->running = j;
  if (uv_queue_work(&d->loop, &j->work, job_work, job_done) < 0) {
    d->running = NULL;
    answer(j->who, 500, refusal("cannot queue work"));
    j->who = (asker){0};
    job_free(j);
  }
}

static void start_next_job(daemon *d) {
  if (d->running || d->stopping) return;
  if (!d->v.serving) {
    /* No good policy set yet: answer waiting evaluations, keep the rest pending. */
    while (d->orgs) {
      pending_org *p = d->orgs;
      d->orgs = p->next;
      answer(p->who, 503, refusal("no good policy set is loaded; see ctl status"));
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
    start_job(d, JOB_ORG, p->org, p->who);
    free(p);
  } else if (uv_is_active((uv_handle_t *)&d->retry)) {
    return; /* sweeps wait for the retry after a busy database */
  } else if (d->want_full) {
    d->want_full = d->want_due = 0;
    start_job(d, JOB_FULL, NULL, (asker){0});
  } else if (d->want_due) {
    d->want_due = 0;
    start_job(d, JOB_DUE, NULL, (asker){0});
  }
}

/* Queues an evaluation of one organisation; `who` (holding its reference) is answered
 * once it is stored. */
static void queue_org(daemon *d, const char *org, asker who) {
  pending_org *p = calloc(1, sizeof *p);
  if (!p || !(p->org = strdup(org))) {
    free(p);
    answer(who, 500, refusal("out of memory"));
    return;
  }
  p->who = who;
  if (d->orgs_tail)
    d->orgs_tail->next = p;
  else
    d->orgs = p;
  d->orgs_tail = p;
  start_next_job(d);
  publish(d);
}

/* ---- reloads ---- */

/* --policies resolved afresh: when a symbolic link is on the way (a deployment that swaps
 * `current` from one release to the next), the directory it leads to now, so one reload
 * reads one release and the watch follows the swap; otherwise the path as given (and the
 * messages keep naming it so). */
static void resolve_policies(const char *given, char *out, size_t outsz) {
  char real[PATH_MAX], lexical[PATH_MAX * 2], cwd[PATH_MAX];
  snprintf(out, outsz, "%s", given);
  if (!realpath(given, real)) return;
  if (given[0] == '/' || !realpath(".", cwd)) /* (unistd.h's getcwd would bring daemon()) */
    snprintf(lexical, sizeof lexical, "%s", given);
  else
    snprintf(lexical, sizeof lexical, "%s/%s", cwd, given);
  /* the lexical absolute path, without "./", "//" and a trailing "/" */
  char *r = lexical, *w = lexical;
  while (*r) {
    if (r[0] == '/' && (r[1] == '/' || (r[1] == '.' && (r[2] == '/' || !r[2])))) {
      r += r[1] == '/' ? 1 : 2;
      continue;
    }
    *w++ = *r++;
  }
  *w = 0;
  if (w > lexical + 1 && w[-1] == '/') w[-1] = 0;
  if (strcmp(lexical, real) != 0) snprintf(out, outsz, "%s", real);
}

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
  for (int k = 0; k < policy_set_issue_count(set) && len < size; k++)
    len += (size_t)snprintf(buf + len, size - len, "%s%s", len ? "; " : "", policy_set_issue(set, k));
}

static void reload_work(uv_work_t *w) {
  reload *r = w->data;
  r->rc = policy_set_load(&r->set, r->dir, NULL, r->err, sizeof r->err);
  /* The guard weighs a good set that differs from the serving one. */
  if (r->rc == 0 && r->against && !r->set->nproblems &&
      strcmp(r->set->version, r->against->version) != 0)
    impact_of(r->d, r->against, r->set, r->at, &r->impact, r->impact_err, sizeof r->impact_err);
}

static void on_fs_event(uv_fs_event_t *h, const char *filename, int events, int status);

/* (Re)arms one watch on `path` ("" or not a directory: none), also when the directory at
 * that path is another one than before (removed and made again). */
static void arm_watch(daemon *d, uv_fs_event_t *h, int *watching, char *watched,
                      struct stat *was, const char *path) {
  struct stat st;
  const char *want = path[0] && stat(path, &st) == 0 && S_ISDIR(st.st_mode) ? path : "";
  if (strcmp(watched, want) == 0 && !want[0]) return;
  if (strcmp(watched, want) == 0 && *watching && was->st_ino == st.st_ino && was->st_dev == st.st_dev)
    return;
  if (*watching) uv_fs_event_stop(h);
  *watching = 0;
  snprintf(watched, PATH_MAX, "%s", want);
  if (want[0]) *was = st;
  if (!want[0]) return;
  int wr = uv_fs_event_start(h, on_fs_event, want, 0);
  if (wr < 0) {
    char q[1100], qs[300];
    log_line(&d->o.log, LOG_WARN, "watch", "dir=%s failure=%s note=\"reload with SIGHUP or ctl\"",
             log_quote(q, sizeof q, want), log_quote(qs, sizeof qs, uv_strerror(wr)));
    return;
  }
  *watching = 1;
}

/* Watches the policy directory as it resolves now, and its lib/ (inotify sees one
 * directory, not its subfolders). After every reload, so a swapped symbolic link or a new
 * lib/ is followed. */
static void arm_watches(daemon *d) {
  char dir[PATH_MAX], lib[PATH_MAX + 8];
  resolve_policies(d->o.policies, dir, sizeof dir);
  arm_watch(d, &d->watch, &d->watching, d->watched, &d->watched_st[0], dir);
  snprintf(lib, sizeof lib, "%s/lib", dir);
  arm_watch(d, &d->watch_lib, &d->watching_lib, d->watched_lib, &d->watched_st[1],
            d->watching ? lib : "");
}

static void reply_reload_waiters(daemon *d) {
  const daemon_view *v = &d->v;
  while (d->reload_waiters) {
    waiter *w = d->reload_waiters;
    d->reload_waiters = w->next;
    json_t *reply = json_pack("{s:b, s:s?, s:s?, s:s?}", "ok", v->last_reload.ok, "version",
                              v->last_reload.version[0] ? v->last_reload.version : NULL,
                              "serving", v->serving ? v->serving->version : NULL, "error",
                              v->last_reload.ok ? NULL : v->last_reload.error);
    int held = v->last_reload.held && d->held;
    if (held) {
      json_object_set_new(reply, "held", json_true());
      json_object_set(reply, "impact", d->held_impact ? d->held_impact : json_null());
    }
    /* 409: held until confirmed; 422: the set was refused */
    answer(w->who, v->last_reload.ok ? 200 : held ? 409 : 422, reply);
    free(w);
  }
}

static void held_clear(daemon *d) {
  if (d->held) policy_set_unref(d->held);
  d->held = NULL;
  json_decref(d->held_impact);
  d->held_impact = NULL;
  daemon_view_held_clear(&d->v);
}

/* Swaps `set` in (taking the caller's reference): jobs in flight keep their own reference
 * to the old one; every organisation is due under the new version. */
static void swap_in(daemon *d, policy_set *set) {
  policy_set *old = d->v.serving;
  d->v.serving = set;
  if (old) policy_set_unref(old);
  d->want_due = 1;
}

/* The guard keeps `r->set` from serving: it is held (replacing any set held before) until
 * `ctl reload --confirm VERSION`. */
static void hold(daemon *d, reload *r) {
  daemon_view *v = &d->v;
  held_clear(d);
  d->held = r->set;
  r->set = NULL;
  v->held.have = 1;
  snprintf(v->held.version, sizeof v->held.version, "%s", d->held->version);
  v->held.at = v->last_reload.at;
  snprintf(v->held.trigger, sizeof v->held.trigger, "%s", r->trigger);
  snprintf(v->held.serving, sizeof v->held.serving, "%s", r->against->version);
  v->n.reloads_held++;
  v->last_reload.ok = 0;
  v->last_reload.held = 1;
  const char *ver = d->held->version;
  char q[1100];
  if (!r->impact) {
    snprintf(v->held.error, sizeof v->held.error, "%s", r->impact_err);
    snprintf(v->last_reload.error, sizeof v->last_reload.error,
             "held by the reload guard: its impact could not be computed (%s); `attain ctl "
             "reload --confirm %s` swaps it in",
             r->impact_err, ver);
    log_line(&d->o.log, LOG_WARN, "reload",
             "result=held trigger=%s version=%s serving=%s guard_pct=%g error=%s", r->trigger, ver,
             v->held.serving, d->o.reload_guard, log_quote(q, sizeof q, r->impact_err));
    return;
  }
  const impact_report *m = r->impact;
  v->held.summary = impact_json_summary(m);
  d->held_impact = impact_json(m, "serving", d->o.policies);
  snprintf(v->last_reload.error, sizeof v->last_reload.error,
           "held by the reload guard: %lld of %lld organisations (%.1f%%) would lose a level, "
           "more than --reload-guard %g%%; `attain ctl reload --dry-run` shows the impact, "
           "`attain ctl reload --confirm %s` swaps it in",
           (long long)m->demoted, (long long)m->orgs, impact_demoted_percent(m),
           d->o.reload_guard, ver);
  log_line(&d->o.log, LOG_WARN, "reload",
           "result=held trigger=%s version=%s serving=%s orgs=%lld demoted=%lld demoted_pct=%.1f "
           "guard_pct=%g promoted=%lld changed=%lld levels_lost=%lld state_changes=%lld "
           "alerts_raised=%lld alerts_cleared=%lld errors_introduced=%lld",
           r->trigger, ver, v->held.serving, (long long)m->orgs, (long long)m->demoted,
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
  daemon_view *v = &d->v;
  d->reloading = NULL;
  (void)status;
  if (r->against && r->against != v->serving && !d->stopping) {
    /* A confirmed set started serving meanwhile: the impact was measured against a set
     * that no longer serves. Measure again (the waiters get that answer). */
    char trigger[sizeof r->trigger];
    memcpy(trigger, r->trigger, sizeof trigger);
    reload_free(r);
    request_reload(d, trigger, (asker){0});
    return;
  }
  char q[2100];
  int had_failed = v->last_reload.have && !v->last_reload.ok && !v->last_reload.held;
  v->last_reload.have = 1;
  v->last_reload.held = 0;
  v->last_reload.at = (int64_t)time(NULL);
  snprintf(v->last_reload.trigger, sizeof v->last_reload.trigger, "%s", r->trigger);
  v->last_reload.version[0] = 0;
  if (r->rc == 0)
    snprintf(v->last_reload.version, sizeof v->last_reload.version, "%s", r->set->version);
  if (r->rc != 0 || r->set->nproblems) {
    /* Keep serving the last good set; say why the new one is refused. */
    if (r->rc != 0)
      snprintf(v->last_reload.error, sizeof v->last_reload.error, "%s", r->err);
    else
      set_problems(r->set, v->last_reload.error, sizeof v->last_reload.error);
    v->last_reload.ok = 0;
    v->n.reloads_failed++;
    log_line(&d->o.log, LOG_ERROR, "reload",
             "result=failed trigger=%s version=%s serving=%s error=%s", r->trigger,
             v->last_reload.version[0] ? v->last_reload.version : "-",
             v->serving ? v->serving->version : "-", log_quote(q, sizeof q, v->last_reload.error));
  } else if (v->serving && strcmp(v->serving->version, r->set->version) == 0) {
    v->last_reload.ok = 1;
    v->n.reloads_unchanged++;
    if (d->held) { /* the files are the serving set again: nothing waits any more */
      log_line(&d->o.log, LOG_INFO, "reload", "result=unchanged trigger=%s version=%s dropped=%s",
               r->trigger, r->set->version, d->held->version);
      held_clear(d);
    } else {
      /* Back to the files being served after a failed reload: the failure is over, and the
       * log says so (the last reload line would otherwise still be the error). */
      log_line(&d->o.log, had_failed ? LOG_INFO : LOG_DEBUG, "reload",
               "result=unchanged trigger=%s version=%s%s", r->trigger, r->set->version,
               had_failed ? " note=\"the policy files are back to the version serving; the "
                            "failed reload is over\""
                          : "");
    }
  } else if (r->against &&
             (!r->impact || impact_demoted_percent(r->impact) > d->o.reload_guard)) {
    hold(d, r);
  } else {
    if (d->held) held_clear(d); /* superseded by what is on disk now */
    swap_in(d, r->set);
    r->set = NULL;
    v->last_reload.ok = 1;
    v->n.reloads_ok++;
    if (r->impact)
      log_line(&d->o.log, LOG_INFO, "reload",
               "result=ok trigger=%s version=%s policies=%d demoted=%lld demoted_pct=%.1f "
               "guard_pct=%g",
               r->trigger, v->serving->version, v->serving->nfiles,
               (long long)r->impact->demoted, impact_demoted_percent(r->impact),
               d->o.reload_guard);
    else
      log_line(&d->o.log, LOG_INFO, "reload", "result=ok trigger=%s version=%s policies=%d",
               r->trigger, v->serving->version, v->serving->nfiles);
  }
  notify_serving(&d->svc, v->serving ? v->serving->version : NULL,
                 v->serving ? v->serving->nfiles : 0, v->last_reload.ok ? NULL : v->last_reload.error);
  reload_free(r);
  if (!d->stopping) arm_watches(d);
  reply_reload_waiters(d);
  if (d->reload_again && !d->stopping) {
    char trigger[sizeof d->reload_again_trigger];
    memcpy(trigger, d->reload_again_trigger, sizeof trigger);
    d->reload_again = 0;
    request_reload(d, trigger, (asker){0});
  }
  start_next_job(d);
  publish(d);
}

/* Reloads the policy directory; `waiting` (holding its reference), if anyone, is answered
 * once the reload is done. */
static void request_reload(daemon *d, const char *trigger, asker waiting) {
  if (waiting.client || waiting.call) {
    waiter *w = calloc(1, sizeof *w);
    if (w) {
      w->who = waiting;
      w->next = d->reload_waiters;
      d->reload_waiters = w;
    } else {
      answer(waiting, 500, refusal("out of memory"));
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
  resolve_policies(d->o.policies, r->dir, sizeof r->dir);
  if (d->o.reload_guard >= 0 && d->v.serving) {
    r->against = policy_set_ref(d->v.serving);
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
static void confirm_reload(daemon *d, asker who, const char *version) {
  daemon_view *v = &d->v;
  if (!d->held) {
    answer(who, 409, json_pack("{s:b, s:s, s:s?}", "ok", 0, "error",
                               "no reload is held: nothing to confirm", "serving",
                               v->serving ? v->serving->version : NULL));
    return;
  }
  const char *held = d->held->version;
  if (strcmp(version, held) != 0) {
    char msg[160];
    snprintf(msg, sizeof msg, "%.40s is not the held version (held: %s); nothing was swapped",
             version, held);
    answer(who, 409, json_pack("{s:b, s:s, s:s, s:s?}", "ok", 0, "error", msg, "held", held,
                               "serving", v->serving ? v->serving->version : NULL));
    return;
  }
  policy_set *set = policy_set_ref(d->held);
  char was[POLICY_VERSION_LEN + 1];
  snprintf(was, sizeof was, "%s", v->serving ? v->serving->version : "-");
  held_clear(d);
  swap_in(d, set);
  v->last_reload.have = 1;
  v->last_reload.ok = 1;
  v->last_reload.held = 0;
  v->last_reload.at = (int64_t)time(NULL);
  snprintf(v->last_reload.trigger, sizeof v->last_reload.trigger, "confirm");
  snprintf(v->last_reload.version, sizeof v->last_reload.version, "%s", set->version);
  v->n.reloads_ok++;
  log_line(&d->o.log, LOG_INFO, "reload", "result=ok trigger=confirm version=%s policies=%d was=%s",
           set->version, set->nfiles, was);
  notify_serving(&d->svc, set->version, set->nfiles, NULL);
  answer(who, 200, json_pack("{s:b, s:s, s:s}", "ok", 1, "version", set->version, "serving",
                             set->version));
  start_next_job(d);
  publish(d);
}

/* ---- dry runs: a reload's impact without the swap ---- */

static void dry_run_work(uv_work_t *w) {
  dry_run *x = w->data;
  x->rc = policy_set_load(&x->set, x->dir, NULL, x->err, sizeof x->err);
  if (x->rc == 0 && !x->set->nproblems && strcmp(x->set->version, x->against->version) != 0)
    x->rc = impact_of(x->d, x->against, x->set, x->at, &x->impact, x->err, sizeof x->err);
}

static void dry_run_done(uv_work_t *w, int status) {
  dry_run *x = w->data;
  (void)status;
  const char *serving = x->against->version;
  json_t *reply;
  int code = 200;
  if (x->rc) {
    reply = json_pack("{s:b, s:b, s:s?, s:s, s:s}", "ok", 0, "dry_run", 1, "version",
                      x->set ? x->set->version : NULL, "serving", serving, "error", x->err);
    code = x->rc == STORE_EBUSY ? 503 : 500;
  } else if (x->set->nproblems) {
    char problems[2048];
    set_problems(x->set, problems, sizeof problems);
    reply = json_pack("{s:b, s:b, s:s, s:s, s:s}", "ok", 0, "dry_run", 1, "version",
                      x->set->version, "serving", serving, "error", problems);
    code = 422;
  } else if (!x->impact) { /* the files on disk are the serving set */
    reply = json_pack("{s:b, s:b, s:s, s:s, s:I, s:n}", "ok", 1, "dry_run", 1, "version",
                      x->set->version, "serving", serving, "changed", (json_int_t)0, "impact");
  } else {
    reply = json_pack("{s:b, s:b, s:s, s:s, s:I, s:o}", "ok", 1, "dry_run", 1, "version",
                      x->set->version, "serving", serving, "changed",
                      (json_int_t)x->impact->changed, "impact",
                      impact_json(x->impact, "serving", x->d->o.policies));
  }
  answer(x->who, code, reply);
  if (x->set) policy_set_unref(x->set);
  policy_set_unref(x->against);
  impact_free(x->impact);
  free(x);
}

/* The impact of the policy files on disk against the serving set, computed off the loop
 * thread; `who` (holding its reference) gets the reply. Dry runs do not wait for each
 * other or for reloads: each reads the files and the database itself. */
static void request_dry_run(daemon *d, asker who) {
  if (!d->v.serving) {
    answer(who, 503, json_pack("{s:b, s:b, s:s}", "ok", 0, "dry_run", 1, "error",
                               "no good policy set is serving: nothing to compare with"));
    return;
  }
  dry_run *x = calloc(1, sizeof *x);
  if (!x) {
    answer(who, 500, refusal("out of memory"));
    return;
  }
  x->d = d;
  resolve_policies(d->o.policies, x->dir, sizeof x->dir);
  x->against = policy_set_ref(d->v.serving);
  x->at = (int64_t)time(NULL);
  x->who = who;
  x->work.data = x;
  if (uv_queue_work(&d->loop, &x->work, dry_run_work, dry_run_done) < 0) {
    policy_set_unref(x->against);
    free(x);
    answer(who, 500, refusal("cannot queue work"));
  }
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

static void on_debounced(uv_timer_t *t) { request_reload(t->data, "fs", (asker){0}); }

static void on_fs_event(uv_fs_event_t *h, const char *filename, int events, int status) {
  (void)filename, (void)events, (void)status;
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
  close_handle((uv_handle_t *)&d->publish);
  close_handle((uv_handle_t *)&d->watch);
  close_handle((uv_handle_t *)&d->watch_lib);
  close_handle((uv_handle_t *)&d->sighup);
  close_handle((uv_handle_t *)&d->sigterm);
  close_handle((uv_handle_t *)&d->sigint);
  /* HTTP calls still to come are answered at once; the ones waiting are answered now. */
  pthread_mutex_lock(&d->mu);
  d->inbox_closed = 1;
  inbox_item *in = d->inbox;
  d->inbox = NULL;
  pthread_mutex_unlock(&d->mu);
  close_handle((uv_handle_t *)&d->inbox_wake);
  while (in) {
    inbox_item *next = in->next;
    http_call_answer(in->call, 503, refusal("the daemon is stopping"));
    free(in);
    in = next;
  }
  while (d->orgs) {
    pending_org *p = d->orgs;
    d->orgs = p->next;
    answer(p->who, 503, refusal("the daemon is stopping"));
    free(p->org);
    free(p);
  }
  while (d->reload_waiters) {
    waiter *w = d->reload_waiters;
    d->reload_waiters = w->next;
    answer(w->who, 503, refusal("the daemon is stopping"));
    free(w);
  }
  control_close(d->ctl);
  d->ctl = NULL;
  publish(d);
}

static void on_signal(uv_signal_t *h, int signum) {
  daemon *d = h->data;
  if (signum == SIGHUP)
    request_reload(d, "sighup", (asker){0});
  else
    shut_down(d, signum == SIGTERM ? "TERM" : "INT");
}

/* ---- the control protocol ---- */

static void on_request(void *arg, control_client *c, json_t *req) {
  daemon *d = arg;
  const char *cmd = json_string_value(json_object_get(req, "cmd"));
  if (!cmd) {
    control_reply(c, refusal("missing \"cmd\" (status, reload, sweep or eval)"));
  } else if (strcmp(cmd, "status") == 0) {
    refresh_view(d);
    control_reply(c, daemon_view_status(&d->v, (int64_t)time(NULL)));
  } else if (strcmp(cmd, "reload") == 0) {
    json_t *dry = json_object_get(req, "dry_run"), *confirm = json_object_get(req, "confirm");
    if ((dry && !json_is_boolean(dry)) || (confirm && !json_is_string(confirm))) {
      control_reply(c, refusal("reload takes \"dry_run\": true or \"confirm\": VERSION"));
    } else if (json_is_true(dry) && confirm) {
      control_reply(c, refusal("\"dry_run\" and \"confirm\" exclude each other"));
    } else {
      control_client_ref(c);
      asker who = {.client = c};
      if (json_is_true(dry))
        request_dry_run(d, who); /* answered when the impact is known */
      else if (confirm)
        confirm_reload(d, who, json_string_value(confirm));
      else
        request_reload(d, "ctl", who); /* answered when the reload is done */
    }
  } else if (strcmp(cmd, "sweep") == 0) {
    d->want_full = 1;
    start_next_job(d);
    control_reply(c, json_pack("{s:b, s:s}", "ok", 1, "queued", "full"));
    publish(d);
  } else if (strcmp(cmd, "eval") == 0) {
    const char *org = json_string_value(json_object_get(req, "org"));
    if (!org) {
      control_reply(c, refusal("eval needs \"org\""));
      return;
    }
    control_client_ref(c);
    queue_org(d, org, (asker){.client = c}); /* answered when the evaluation is stored */
  } else {
    char msg[160];
    snprintf(msg, sizeof msg, "unknown cmd \"%.60s\" (status, reload, sweep or eval)", cmd);
    control_reply(c, refusal(msg));
  }
}

/* ---- the HTTP interface's side (any thread but where said) ---- */

static int host_view(void *arg, daemon_view *out, int64_t *age_ms) {
  daemon *d = arg;
  pthread_mutex_lock(&d->mu);
  int rc = daemon_view_copy(out, &d->pub);
  uint64_t at = d->pub_ms;
  pthread_mutex_unlock(&d->mu);
  *age_ms = (int64_t)(mono_ms() - at);
  return rc;
}

static policy_set *host_serving(void *arg) {
  daemon *d = arg;
  pthread_mutex_lock(&d->mu);
  policy_set *set = d->pub.serving ? policy_set_ref(d->pub.serving) : NULL;
  pthread_mutex_unlock(&d->mu);
  return set;
}

static void host_post(void *arg, http_call *call) {
  daemon *d = arg;
  inbox_item *in = calloc(1, sizeof *in);
  pthread_mutex_lock(&d->mu);
  if (d->inbox_closed || !in) {
    pthread_mutex_unlock(&d->mu);
    free(in);
    http_call_answer(call, 503, refusal(in ? "the daemon is stopping" : "out of memory"));
    return;
  }
  in->call = call;
  in->next = d->inbox; /* newest first: on_inbox reverses */
  d->inbox = in;
  uv_async_send(&d->inbox_wake); /* under the lock: shut_down closes the handle after it */
  pthread_mutex_unlock(&d->mu);
}

/* Loop thread: the HTTP calls posted since the last wake-up, oldest first. */
static void on_inbox(uv_async_t *h) {
  daemon *d = h->data;
  pthread_mutex_lock(&d->mu);
  inbox_item *in = d->inbox, *fifo = NULL;
  d->inbox = NULL;
  pthread_mutex_unlock(&d->mu);
  while (in) {
    inbox_item *next = in->next;
    in->next = fifo;
    fifo = in;
    in = next;
  }
  for (; fifo; fifo = in) {
    in = fifo->next;
    http_call *c = fifo->call;
    free(fifo);
    switch (http_call_cmd(c)) {
    case HTTP_CALL_RELOAD:
      request_reload(d, "http", (asker){.call = c});
      break;
    case HTTP_CALL_DRY_RUN:
      request_dry_run(d, (asker){.call = c});
      break;
    case HTTP_CALL_CONFIRM:
      confirm_reload(d, (asker){.call = c}, http_call_arg(c));
      break;
    case HTTP_CALL_SWEEP:
      d->want_full = 1;
      start_next_job(d);
      http_call_answer(c, 202, json_pack("{s:b, s:s}", "ok", 1, "queued", "full"));
      break;
    default:
      queue_org(d, http_call_arg(c), (asker){.call = c});
    }
  }
  publish(d);
}

/* ---- start and stop ---- */

static int start_http(daemon *d, char *err, size_t errsz) {
  uv_async_init(&d->loop, &d->inbox_wake, on_inbox);
  d->inbox_wake.data = d;
  if (!d->o.http) {
    pthread_mutex_lock(&d->mu);
    d->inbox_closed = 1;
    pthread_mutex_unlock(&d->mu);
    return 0;
  }
  http_api_options ho = {.listen = d->o.http,
                         .db = d->o.db,
                         .token_file = d->o.http_token_file,
                         .read_token_file = d->o.http_read_token_file,
                         .link_secret_file = d->o.http_link_secret_file,
                         .threads = d->o.http_threads,
                         .log = d->o.log};
  http_api_host host = {.arg = d, .view = host_view, .serving = host_serving, .post = host_post};
  if (http_api_start(&d->http, &ho, &host, err, errsz)) return -1;
  char q[200];
  log_line(&d->o.log, LOG_INFO, "http", "listen=%s mutations=%s reads=%s links=%s",
           log_quote(q, sizeof q, http_api_address(d->http)),
           d->o.http_token_file ? "token" : "refused", http_api_reads(d->http),
           d->o.http_link_secret_file ? "signed" : "off");
  return 0;
}

int daemon_run(const daemon_options *opts) {
  daemon *d = calloc(1, sizeof *d);
  if (!d) return 1;
  d->o = *opts;
  pthread_mutex_init(&d->mu, NULL);
  daemon_view_init(&d->v, (int64_t)time(NULL), d->o.every_ms, d->o.reload_guard);
  d->lock.db_fd = d->lock.socket_fd = -1;
  char err[2048], q[2100], qp[1100], qs[300];
  signal(SIGPIPE, SIG_IGN); /* a client that hangs up must not kill the daemon */
  uv_loop_init(&d->loop);
  if (notify_open_env(&d->svc, err, sizeof err))
    log_line(&d->o.log, LOG_WARN, "notify", "failure=%s", log_quote(q, sizeof q, err));
  int rc = 1;
  if (store_open(&d->s, d->o.db, STORE_OPEN_EXISTING, err, sizeof err)) {
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
  publish(d); /* before the HTTP threads can ask */
  if (start_http(d, err, sizeof err)) {
    log_line(&d->o.log, LOG_ERROR, "start", "failure=%s", log_quote(q, sizeof q, err));
    close_handle((uv_handle_t *)&d->inbox_wake);
    goto out;
  }
  store_busy_timeout(d->s, DAEMON_BUSY_MS);
  uv_timer_init(&d->loop, &d->tick);
  uv_timer_init(&d->loop, &d->debounce);
  uv_timer_init(&d->loop, &d->retry);
  uv_timer_init(&d->loop, &d->publish);
  d->tick.data = d->debounce.data = d->retry.data = d->publish.data = d;
  uv_timer_start(&d->tick, on_tick, d->o.every_ms, d->o.every_ms);
  uv_timer_start(&d->publish, on_publish, PUBLISH_MS, PUBLISH_MS);
  uv_fs_event_init(&d->loop, &d->watch);
  uv_fs_event_init(&d->loop, &d->watch_lib);
  d->watch.data = d->watch_lib.data = d;
  arm_watches(d);
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
  request_reload(d, "start", (asker){0}); /* then the first sweep catches up */
  uv_run(&d->loop, UV_RUN_DEFAULT);
  rc = 0;
out:
  notify_close(&d->svc);
  if (d->ctl) { /* failed to start after the socket was bound */
    control_close(d->ctl);
    d->ctl = NULL;
  }
  uv_run(&d->loop, UV_RUN_DEFAULT); /* finishes the closes */
  /* Every HTTP call has been answered (shut_down, then the last job): the threads go. */
  http_api_stop(d->http);
  if (uv_loop_close(&d->loop) != 0) {
    log_line(&d->o.log, LOG_WARN, "stop", "note=\"handles still open at exit\"");
  }
  held_clear(d);
  daemon_view_free(&d->v);
  daemon_view_free(&d->pub);
  pthread_mutex_destroy(&d->mu);
  store_close(d->s);
  daemon_lock_release(&d->lock); /* after the socket is gone: the next daemon may start */
  if (rc == 0) log_line(&d->o.log, LOG_INFO, "stopped", "code=0");
  free(d);
  return rc;
}
