/* test_daemon_view.c — the daemon's health (daemon_view.h): unavailable until a good set
 * loads, degraded after a failed reload or sweep or when sweeps are late, ok otherwise;
 * the status answer and the metrics say the same. */
#include "check.h"
#include "daemon_view.h"

static policy_set serving = {.refs = 1000, .version = "0123456789abcdef", .nfiles = 2};

static int health(const daemon_view *v, int64_t now, char *first, size_t size) {
  json_t *problems;
  int h = daemon_view_health(v, now, &problems);
  snprintf(first, size, "%s", json_array_size(problems) ? json_string_value(json_array_get(problems, 0)) : "");
  json_decref(problems);
  return h;
}

static void done(daemon_view *v) {
  v->serving = NULL; /* not ours to free */
  daemon_view_free(v);
}

static void unavailable_until_a_good_set_loads(void) {
  daemon_view v;
  daemon_view_init(&v, 1000, 60000, -1);
  char why[512];
  CHECK(health(&v, 1001, why, sizeof why) == HEALTH_UNAVAILABLE);
  CHECK_STR(why, "no policy set loaded yet");
  v.last_reload.have = 1;
  snprintf(v.last_reload.error, sizeof v.last_reload.error, "policies/x.lua:1: syntax");
  CHECK(health(&v, 1001, why, sizeof why) == HEALTH_UNAVAILABLE);
  CHECK_STR(why, "no good policy set has been loaded; the last reload failed: policies/x.lua:1: syntax");
  v.serving = &serving;
  v.last_reload.ok = 1;
  CHECK(health(&v, 1001, why, sizeof why) == HEALTH_OK);
  CHECK_STR(why, "");
  done(&v);
}

static void degraded_states(void) {
  daemon_view v;
  daemon_view_init(&v, 1000, 60000, -1);
  v.serving = &serving;
  char why[512];
  v.last_reload.have = 1;
  v.last_reload.ok = 0;
  snprintf(v.last_reload.error, sizeof v.last_reload.error, "bad");
  CHECK(health(&v, 1001, why, sizeof why) == HEALTH_DEGRADED);
  CHECK_STR(why, "the last reload failed (policy set 0123456789abcdef still serves): bad");
  v.last_reload.ok = 1;
  v.sweeps[VIEW_SWEEP_FULL].last_failed = 1;
  CHECK(health(&v, 1001, why, sizeof why) == HEALTH_DEGRADED);
  CHECK_STR(why, "the last full sweep failed (see the log)");
  v.sweeps[VIEW_SWEEP_FULL].last_failed = 0;
  /* late: 3 periods (180 s) plus a minute without a successful sweep, none running */
  CHECK(health(&v, 1000 + 240, why, sizeof why) == HEALTH_OK);
  CHECK(health(&v, 1000 + 241, why, sizeof why) == HEALTH_DEGRADED);
  CHECK_STR(why, "sweeps are late: none has succeeded for 241 s (period 60 s)");
  v.busy_retry = 1;
  health(&v, 1000 + 241, why, sizeof why);
  CHECK_CONTAINS(why, "; the database is busy (an import is writing?)");
  v.running.active = 1; /* a long sweep in hand is not late */
  CHECK(health(&v, 1000 + 241, why, sizeof why) == HEALTH_OK);
  v.running.active = 0;
  v.sweeps[VIEW_SWEEP_DUE].last_success = 1200;
  CHECK(health(&v, 1200 + 240, why, sizeof why) == HEALTH_OK);
  done(&v);
}

static void status_and_metrics_agree(void) {
  daemon_view v;
  daemon_view_init(&v, 1000, 60000, -1);
  v.serving = &serving;
  v.last_reload.have = 1;
  snprintf(v.last_reload.error, sizeof v.last_reload.error, "bad");
  daemon_view_count_policy(&v, "security", 10, 2);
  daemon_view_count_policy(&v, "security", 5, 0);
  daemon_view_count_policy(&v, "devops", 15, 0);
  json_t *st = daemon_view_status(&v, 1010);
  CHECK_STR(json_string_value(json_object_get(st, "health")), "degraded");
  json_t *c = json_object_get(st, "counters");
  CHECK(json_integer_value(json_object_get(json_object_get(c, "errors_by_policy"), "security")) == 2);
  CHECK(json_object_get(json_object_get(c, "errors_by_policy"), "devops") == NULL);
  CHECK(json_integer_value(json_object_get(st, "uptime_s")) == 10);
  json_decref(st);
  jsonw w;
  jsonw_init(&w);
  daemon_view_metrics(&v, 1010, &w);
  jsonw_raw(&w, "", 1);
  CHECK_CONTAINS(w.buf, "\nattain_degraded 1\n");
  CHECK_CONTAINS(w.buf, "\nattain_ready 1\n");
  CHECK_CONTAINS(w.buf, "attain_evaluations_total{competency=\"security\"} 15\n");
  CHECK_CONTAINS(w.buf, "attain_evaluation_errors_total{competency=\"security\"} 2\n");
  CHECK_CONTAINS(w.buf, "attain_policy_set_info{version=\"0123456789abcdef\",policies=\"2\"} 1\n");
  CHECK_CONTAINS(w.buf, "attain_reload_last_failed 1\n");
  jsonw_free(&w);
  daemon_view copy = {0};
  CHECK(daemon_view_copy(&copy, &v) == 0);
  CHECK(serving.refs == 1001); /* a copy holds a reference */
  CHECK(copy.by_policy != v.by_policy);
  daemon_view_free(&copy);
  CHECK(serving.refs == 1000);
  done(&v);
}

int main(void) {
  RUN(unavailable_until_a_good_set_loads);
  RUN(degraded_states);
  RUN(status_and_metrics_agree);
  return check_report();
}
