/* daemon_view.c — the daemon's view of itself, rendered (see daemon_view.h). */
#include "daemon_view.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "isotime.h"

static const char *const kind_names[VIEW_SWEEP_KINDS] = {"due", "full"};
/* Sweep durations span a few organisations (milliseconds) to a full sweep of a large
 * database (minutes). */
static const double sweep_bounds[] = {0.01, 0.05, 0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800};

void daemon_view_init(daemon_view *v, int64_t started, uint64_t every_ms, double reload_guard) {
  memset(v, 0, sizeof *v);
  v->started = started;
  v->every_ms = every_ms;
  v->reload_guard = reload_guard;
  v->by_policy = json_object();
  for (int k = 0; k < VIEW_SWEEP_KINDS; k++)
    prom_hist_init(&v->sweeps[k].duration, sweep_bounds,
                   (int)(sizeof sweep_bounds / sizeof *sweep_bounds));
}

void daemon_view_held_clear(daemon_view *v) {
  json_decref(v->held.summary);
  memset(&v->held, 0, sizeof v->held);
}

void daemon_view_free(daemon_view *v) {
  json_decref(v->by_policy);
  v->by_policy = NULL;
  daemon_view_held_clear(v);
  if (v->serving) policy_set_unref(v->serving);
  v->serving = NULL;
}

int daemon_view_copy(daemon_view *to, const daemon_view *from) {
  json_t *by = json_deep_copy(from->by_policy);
  json_t *summary = from->held.summary ? json_deep_copy(from->held.summary) : NULL;
  if (!by || (from->held.summary && !summary)) {
    json_decref(by);
    json_decref(summary);
    return -1;
  }
  daemon_view_free(to);
  *to = *from;
  to->by_policy = by;
  to->held.summary = summary;
  if (to->serving) policy_set_ref(to->serving);
  return 0;
}

void daemon_view_count_policy(daemon_view *v, const char *competency, int64_t evaluations,
                              int64_t errors) {
  json_t *c = json_object_get(v->by_policy, competency);
  if (!c) {
    c = json_pack("{s:I, s:I}", "evaluations", (json_int_t)0, "errors", (json_int_t)0);
    if (!c || json_object_set_new(v->by_policy, competency, c)) return;
  }
  json_object_set_new(c, "evaluations",
                      json_integer(json_integer_value(json_object_get(c, "evaluations")) + evaluations));
  json_object_set_new(c, "errors",
                      json_integer(json_integer_value(json_object_get(c, "errors")) + errors));
}

const char *daemon_health_name(int health) {
  return health == HEALTH_OK ? "ok" : health == HEALTH_DEGRADED ? "degraded" : "unavailable";
}

static void problem(json_t *problems, int *health, int level, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void problem(json_t *problems, int *health, int level, const char *fmt, ...) {
  if (level > *health) *health = level;
  if (!problems) return;
  char buf[2300];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(buf, sizeof buf, fmt, ap);
  va_end(ap);
  json_array_append_new(problems, json_string(buf));
}

int daemon_view_health(const daemon_view *v, int64_t now, json_t **problems) {
  json_t *p = problems ? json_array() : NULL;
  int health = HEALTH_OK;
  if (!v->serving)
    problem(p, &health, HEALTH_UNAVAILABLE,
            v->last_reload.have ? "no good policy set has been loaded; the last reload failed: %s"
                                : "no policy set loaded yet%s",
            v->last_reload.have ? v->last_reload.error : "");
  else if (v->last_reload.have && !v->last_reload.ok && v->last_reload.held)
    problem(p, &health, HEALTH_DEGRADED, "a reload is held (policy set %s still serves): %s",
            v->serving->version, v->last_reload.error);
  else if (v->last_reload.have && !v->last_reload.ok)
    problem(p, &health, HEALTH_DEGRADED,
            "the last reload failed (policy set %s still serves): %s", v->serving->version,
            v->last_reload.error);
  int64_t last = v->started;
  for (int k = 0; k < VIEW_SWEEP_KINDS; k++) {
    const view_sweep *s = &v->sweeps[k];
    if (s->last_failed)
      problem(p, &health, HEALTH_DEGRADED, "the last %s sweep failed (see the log)", kind_names[k]);
    if (s->last_success > last) last = s->last_success;
  }
  int64_t late_after = (int64_t)(3 * v->every_ms / 1000) + 60;
  if (v->serving && !v->running.active && now - last > late_after)
    problem(p, &health, HEALTH_DEGRADED,
            "sweeps are late: none has succeeded for %lld s (period %llu s)%s",
            (long long)(now - last), (unsigned long long)(v->every_ms / 1000),
            v->busy_retry ? "; the database is busy (an import is writing?)" : "");
  if (problems) *problems = p;
  return health;
}

static json_t *sweep_json(const view_sweep *s) {
  char at[ISOTIME_BUFSZ];
  if (s->last_success) isotime_format(s->last_success, at);
  return json_pack("{s:f, s:I, s:s?}", "ms", s->last_ms, "orgs", (json_int_t)s->last_orgs,
                   "last_success", s->last_success ? at : NULL);
}

json_t *daemon_view_status(const daemon_view *v, int64_t now) {
  char at[ISOTIME_BUFSZ];
  json_t *last = json_null();
  if (v->last_reload.have) {
    isotime_format(v->last_reload.at, at);
    last = json_pack("{s:b, s:s, s:s, s:s?, s:s?}", "ok", v->last_reload.ok, "at", at,
                     "trigger", v->last_reload.trigger, "version",
                     v->last_reload.version[0] ? v->last_reload.version : NULL, "error",
                     v->last_reload.ok ? NULL : v->last_reload.error);
  }
  if (v->last_reload.have && v->last_reload.held)
    json_object_set_new(last, "held", json_true());
  json_t *held = json_null();
  if (v->held.have) {
    char held_at[ISOTIME_BUFSZ];
    isotime_format(v->held.at, held_at);
    held = json_pack("{s:s, s:s, s:s, s:s, s:O, s:s?}", "version", v->held.version, "at",
                     held_at, "trigger", v->held.trigger, "serving", v->held.serving, "impact",
                     v->held.summary ? v->held.summary : json_null(), "error",
                     v->held.summary ? NULL : v->held.error);
  }
  json_t *running = json_null();
  if (v->running.active)
    running = json_pack("{s:s, s:I, s:I}", "kind", v->running.kind, "selected",
                        (json_int_t)v->running.selected, "done", (json_int_t)v->running.done);
  json_t *errors_by_policy = json_object();
  const char *competency;
  json_t *c;
  json_object_foreach(v->by_policy, competency, c) {
    json_int_t e = json_integer_value(json_object_get(c, "errors"));
    if (e) json_object_set_new(errors_by_policy, competency, json_integer(e));
  }
  int64_t sweeps = 0;
  for (int k = 0; k < VIEW_SWEEP_KINDS; k++) sweeps += v->sweeps[k].ok + v->sweeps[k].failed;
  json_t *problems;
  int health = daemon_view_health(v, now, &problems);
  json_t *st = json_pack(
      "{s:b, s:s, s:o, s:s?, s:o, s:{s:I, s:I, s:o, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, "
      "s:o, s:o}, s:o, s:I, s:I}",
      "ok", 1, "health", daemon_health_name(health), "problems", problems, "policy",
      v->serving ? v->serving->version : NULL, "reload", last, "counters", "evaluations",
      (json_int_t)v->n.evaluations, "errors", (json_int_t)v->n.errors, "errors_by_policy",
      errors_by_policy, "sweeps", (json_int_t)sweeps, "status_changes",
      (json_int_t)v->n.status_changes, "alerts_raised", (json_int_t)v->n.alerts_raised,
      "alerts_cleared", (json_int_t)v->n.alerts_cleared, "reloads_ok",
      (json_int_t)v->n.reloads_ok, "reloads_unchanged", (json_int_t)v->n.reloads_unchanged,
      "reloads_failed", (json_int_t)v->n.reloads_failed, "reloads_held",
      (json_int_t)v->n.reloads_held, "last_full_sweep",
      sweep_json(&v->sweeps[VIEW_SWEEP_FULL]), "last_incremental_sweep",
      sweep_json(&v->sweeps[VIEW_SWEEP_DUE]), "running", running, "queue",
      (json_int_t)v->queue, "uptime_s", (json_int_t)(now - v->started));
  /* the reload guard: its threshold, the set it holds (for `ctl reload --confirm`) */
  json_object_set_new(st, "reload_guard",
                      v->reload_guard >= 0 ? json_real(v->reload_guard) : json_null());
  json_object_set_new(st, "held", held);
  return st;
}

/* A family with one unlabelled sample. */
static void single(jsonw *w, const char *name, const char *type, const char *help, double value) {
  prom_family(w, name, type, help);
  prom_sample(w, name, NULL, 0, value);
}

void daemon_view_metrics(const daemon_view *v, int64_t now, jsonw *w) {
  int health = daemon_view_health(v, now, NULL);
  single(w, "attain_ready", "gauge",
         "1 while a good policy set serves (what /health/ready answers with 200).",
         health != HEALTH_UNAVAILABLE);
  single(w, "attain_degraded", "gauge",
         "1 while the daemon is degraded: the last reload or sweep failed, or sweeps are late.",
         health == HEALTH_DEGRADED);
  single(w, "attain_start_time_seconds", "gauge", "When the daemon started (unix time).",
         (double)v->started);
  prom_family(w, "attain_policy_set_info", "gauge",
              "The policy set version serving (value 1; absent before a good set loads).");
  if (v->serving) {
    char n[16];
    snprintf(n, sizeof n, "%d", v->serving->nfiles);
    const char *labels[] = {"version", v->serving->version, "policies", n};
    prom_sample(w, "attain_policy_set_info", labels, 2, 1);
  }

  prom_family(w, "attain_reloads_total", "counter",
              "Policy set reloads by result: ok (a new set serves), unchanged, failed, held (by "
              "the reload guard).");
  const char *results[] = {"ok", "unchanged", "failed", "held"};
  const int64_t counts[] = {v->n.reloads_ok, v->n.reloads_unchanged, v->n.reloads_failed,
                            v->n.reloads_held};
  for (int i = 0; i < 4; i++) {
    const char *labels[] = {"result", results[i]};
    prom_sample(w, "attain_reloads_total", labels, 1, (double)counts[i]);
  }
  single(w, "attain_reload_last_failed", "gauge",
         "1 if the last reload failed (the last good set keeps serving).",
         v->last_reload.have && !v->last_reload.ok && !v->last_reload.held);
  single(w, "attain_reload_held", "gauge",
         "1 while the reload guard holds a new set (until ctl reload --confirm VERSION).",
         v->held.have);

  prom_family(w, "attain_evaluations_total", "counter",
              "Evaluations of one organisation by one competency's policy, by competency.");
  const char *competency;
  json_t *c;
  json_object_foreach(v->by_policy, competency, c) {
    const char *labels[] = {"competency", competency};
    prom_sample(w, "attain_evaluations_total", labels, 1,
                (double)json_integer_value(json_object_get(c, "evaluations")));
  }
  prom_family(w, "attain_evaluation_errors_total", "counter",
              "Evaluations in which the policy raised an error, by competency (the log names "
              "file:line).");
  json_object_foreach(v->by_policy, competency, c) {
    const char *labels[] = {"competency", competency};
    prom_sample(w, "attain_evaluation_errors_total", labels, 1,
                (double)json_integer_value(json_object_get(c, "errors")));
  }

  prom_family(w, "attain_sweeps_total", "counter",
              "Sweeps by kind (due: incremental, full) and result (ok, failed, deferred: the "
              "database was busy).");
  for (int k = 0; k < VIEW_SWEEP_KINDS; k++) {
    const char *outcome[] = {"ok", "failed", "deferred"};
    const int64_t n[] = {v->sweeps[k].ok, v->sweeps[k].failed, v->sweeps[k].deferred};
    for (int i = 0; i < 3; i++) {
      const char *labels[] = {"kind", kind_names[k], "result", outcome[i]};
      prom_sample(w, "attain_sweeps_total", labels, 2, (double)n[i]);
    }
  }
  prom_family(w, "attain_sweep_duration_seconds", "histogram",
              "Duration of successful sweeps, by kind.");
  for (int k = 0; k < VIEW_SWEEP_KINDS; k++) {
    const char *labels[] = {"kind", kind_names[k]};
    prom_hist_write(w, "attain_sweep_duration_seconds", labels, 1, &v->sweeps[k].duration);
  }
  prom_family(w, "attain_sweep_last_success_timestamp_seconds", "gauge",
              "When the last successful sweep of each kind ended (unix time; 0: none yet).");
  for (int k = 0; k < VIEW_SWEEP_KINDS; k++) {
    const char *labels[] = {"kind", kind_names[k]};
    prom_sample(w, "attain_sweep_last_success_timestamp_seconds", labels, 1,
                (double)v->sweeps[k].last_success);
  }
  single(w, "attain_queue_length", "gauge",
         "Jobs waiting: organisations asked for by ctl or HTTP, plus one for a sweep wanted.",
         (double)v->queue);
  single(w, "attain_sweep_organisations_selected", "gauge",
         "Organisations chosen for the job in hand (0 when none runs).",
         v->running.active ? (double)v->running.selected : 0);
  single(w, "attain_sweep_organisations_done", "gauge",
         "Organisations of the job in hand evaluated and stored so far.",
         v->running.active ? (double)v->running.done : 0);
  single(w, "attain_status_changes_total", "counter",
         "Lifecycle state changes stored (an organisation x competency moving state).",
         (double)v->n.status_changes);
  single(w, "attain_alerts_raised_total", "counter", "Renewal alerts raised.",
         (double)v->n.alerts_raised);
  single(w, "attain_alerts_cleared_total", "counter", "Renewal alerts cleared.",
         (double)v->n.alerts_cleared);
}
