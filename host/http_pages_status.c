/* http_pages_status.c — GET /status: the operator's page (see http_pages.h). The facts of
 * GET /v1/status and `attain ctl status`, for people: the health and why, the policy set
 * serving, the last reload (its error with file:line when it failed), a reload the guard
 * holds, the sweeps of each kind, the job in hand, evaluations and errors per policy, and
 * the counters — all read from one copy of the daemon's view (daemon_view.h), the copy
 * /v1/status renders. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "daemon_view.h"
#include "http_pages_internal.h"
#include "isotime.h"

static void row_text(page *p, const char *name, const char *value) {
  html_f(&p->h, "<dt>%s</dt><dd>%s</dd>", name, value);
}

static void row_count(page *p, const char *name, int64_t n) {
  html_f(&p->h, "<dt>%s</dt><dd>", name);
  page_number(p, (double)n);
  html_raw(&p->h, "</dd>");
}

static void row_time(page *p, const char *name, int64_t t) {
  html_f(&p->h, "<dt>%s</dt><dd>", name);
  if (t)
    page_time(p, t);
  else
    html_raw(&p->h, "<span class=\"muted\">never</span>");
  html_raw(&p->h, "</dd>");
}

static void duration(char *buf, size_t size, int64_t s) {
  /* the two largest units, the smaller left out when 0: "1 h", "2 d 3 h", "10 min 4 s" */
  static const struct {
    int64_t secs;
    const char *unit;
  } units[] = {{86400, "d"}, {3600, "h"}, {60, "min"}, {1, "s"}};
  int i = 0;
  while (i < 3 && s < units[i].secs) i++;
  int64_t big = s / units[i].secs, small = i < 3 ? s % units[i].secs / units[i + 1].secs : 0;
  if (small)
    snprintf(buf, size, "%lld %s %lld %s", (long long)big, units[i].unit, (long long)small,
             units[i + 1].unit);
  else
    snprintf(buf, size, "%lld %s", (long long)big, units[i].unit);
}

static void health(page *p, const daemon_view *v, int64_t now) {
  html *h = &p->h;
  json_t *problems;
  int health = daemon_view_health(v, now, &problems);
  static const char *const cls[] = {"st-active", "st-at_risk", "st-at_risk"};
  static const char *const words[] = {"OK", "Degraded", "Unavailable"};
  html_f(h, "<section class=\"card\" aria-labelledby=\"health-h\">\n<h2 id=\"health-h\">Health "
            "<span class=\"badge %s\">%s</span></h2>\n",
         cls[health], words[health]);
  if (!json_array_size(problems)) {
    html_raw(h, "<p>A good policy set serves, the last reload and sweeps succeeded and sweeps "
                "are on time.</p>\n");
  } else {
    html_raw(h, "<ul class=\"plain\">");
    size_t i;
    json_t *pr;
    json_array_foreach(problems, i, pr) html_f(h, "<li>%s</li>", json_string_value(pr));
    html_raw(h, "</ul>\n");
  }
  json_decref(problems);
  char up[64];
  duration(up, sizeof up, now - v->started);
  html_raw(h, "<dl class=\"facts\">");
  row_time(p, "Started", v->started);
  row_text(p, "Up for", up);
  duration(up, sizeof up, (int64_t)(v->every_ms / 1000));
  row_text(p, "Sweeps every", up);
  html_raw(h, "</dl>\n</section>\n");
}

static void policies(page *p, const daemon_view *v) {
  html *h = &p->h;
  html_raw(h, "<section class=\"card\" aria-labelledby=\"set-h\">\n"
              "<h2 id=\"set-h\">Policy set</h2>\n<dl class=\"facts\">");
  if (v->serving) {
    html_f(h, "<dt>Serving</dt><dd><code>%s</code>, %d competenc%s</dd>", v->serving->version,
           v->serving->nfiles, v->serving->nfiles == 1 ? "y" : "ies");
  } else {
    html_raw(h, "<dt>Serving</dt><dd>none: no good policy set has been loaded</dd>");
  }
  if (v->reload_guard >= 0)
    html_f(h, "<dt>Reload guard</dt><dd>holds a reload that would demote more than %g%% of "
              "the organisations</dd>",
           v->reload_guard);
  else
    row_text(p, "Reload guard", "off");
  html_raw(h, "</dl>\n<h3>Last reload</h3>\n");
  if (!v->last_reload.have) {
    html_raw(h, "<p class=\"muted\">None since the daemon started.</p>\n");
  } else {
    const char *outcome = v->last_reload.ok ? "succeeded" : v->last_reload.held ? "held" : "failed";
    html_f(h, "<p><span class=\"badge %s\">%s</span> ",
           v->last_reload.ok ? "st-active" : "st-at_risk", outcome);
    page_time(p, v->last_reload.at);
    html_f(h, " (%s)", v->last_reload.trigger);
    if (v->last_reload.version[0]) html_f(h, ", policy set <code>%s</code>", v->last_reload.version);
    html_raw(h, "</p>\n");
    if (!v->last_reload.ok) {
      html_raw(h, v->last_reload.held ? "<p>Why it is held:</p>"
                                      : "<p>The error (the last good set keeps serving):</p>");
      html_f(h, "<pre>%s</pre>\n", v->last_reload.error);
    }
  }
  if (v->held.have) {
    html_f(h, "<div class=\"callout warn\"><strong>A reload is held by the guard</strong>"
              "<p>Policy set <code>%s</code> (", v->held.version);
    page_time(p, v->held.at);
    html_f(h, ", %s), measured against <code>%s</code>. Release it with <code>attain ctl "
              "reload --confirm %s</code>.</p>",
           v->held.trigger, v->held.serving, v->held.version);
    if (v->held.summary) {
      html_raw(h, "<dl class=\"facts\">");
      const char *k;
      json_t *val;
      json_object_foreach(v->held.summary, k, val) {
        if (json_is_integer(val))
          row_count(p, k, (int64_t)json_integer_value(val));
        else if (json_is_number(val)) {
          html_f(h, "<dt>%s</dt><dd>%g</dd>", k, json_number_value(val));
        } else if (json_is_string(val))
          row_text(p, k, json_string_value(val));
      }
      html_raw(h, "</dl>");
    } else {
      html_f(h, "<p>Its impact is unknown: %s</p>", v->held.error);
    }
    html_raw(h, "</div>\n");
  }
  html_raw(h, "</section>\n");
}

static void sweeps(page *p, const daemon_view *v) {
  html *h = &p->h;
  static const char *const kinds[VIEW_SWEEP_KINDS] = {"Incremental (due)", "Full"};
  html_raw(h, "<section class=\"card\" aria-labelledby=\"sweeps-h\">\n<h2 id=\"sweeps-h\">"
              "Sweeps</h2>\n<div class=\"scroll\"><table class=\"stack\">\n<caption>The duration "
              "and organisations of the last sweep of each kind; how many sweeps succeeded, failed "
              "or were deferred since the daemon started.</caption>\n<thead><tr><th scope=\"col\">Kind</th>"
              "<th scope=\"col\">Last success</th><th scope=\"col\" class=\"num\">Duration</th>"
              "<th scope=\"col\" class=\"num\">Organisations</th><th scope=\"col\" class=\"num\">"
              "Sweeps succeeded</th><th scope=\"col\" class=\"num\">Failed</th><th scope=\"col\" "
              "class=\"num\">Deferred</th><th scope=\"col\">Last outcome</th></tr></thead>\n"
              "<tbody>\n");
  for (int k = 0; k < VIEW_SWEEP_KINDS; k++) {
    const view_sweep *s = &v->sweeps[k];
    html_f(h, "<tr><th scope=\"row\">%s</th><td data-label=\"Last success\">", kinds[k]);
    if (s->last_success)
      page_time(p, s->last_success);
    else
      html_raw(h, "<span class=\"muted\">none yet</span>");
    if (s->ok)
      html_f(h, "</td><td class=\"num\" data-label=\"Duration\">%.0f ms</td>", s->last_ms);
    else
      html_raw(h, "</td><td class=\"num\" data-label=\"Duration\">—</td>");
    html_raw(h, "<td class=\"num\" data-label=\"Organisations\">");
    page_number(p, (double)s->last_orgs);
    html_raw(h, "</td><td class=\"num\" data-label=\"Succeeded\">");
    page_number(p, (double)s->ok);
    html_raw(h, "</td><td class=\"num\" data-label=\"Failed\">");
    page_number(p, (double)s->failed);
    html_raw(h, "</td><td class=\"num\" data-label=\"Deferred\">");
    page_number(p, (double)s->deferred);
    html_f(h, "</td><td data-label=\"Last outcome\">%s</td></tr>\n",
           s->last_failed ? "failed (see the log)" : s->ok ? "succeeded" : "—");
  }
  html_raw(h, "</tbody>\n</table></div>\n<dl class=\"facts after\">");
  if (v->running.active) {
    html_f(h, "<dt>Running</dt><dd>a %s sweep: ", v->running.kind);
    page_number(p, (double)v->running.done);
    html_raw(h, " of ");
    page_number(p, (double)v->running.selected);
    html_raw(h, " organisations stored</dd>");
  } else {
    row_text(p, "Running", "nothing");
  }
  row_count(p, "Queue", v->queue);
  if (v->busy_retry) row_text(p, "Database", "busy: a sweep waits (an import is writing?)");
  html_raw(h, "</dl>\n</section>\n");
}

static void errors(page *p, const daemon_view *v) {
  html *h = &p->h;
  html_raw(h, "<section class=\"card\" aria-labelledby=\"errors-h\">\n<h2 id=\"errors-h\">"
              "Evaluations and errors per policy</h2>\n");
  if (!json_object_size(v->by_policy)) {
    html_raw(h, "<p class=\"muted\">No evaluation since the daemon started.</p>\n");
  } else {
    html_raw(h, "<div class=\"scroll\"><table>\n<caption>Since the daemon started; the log "
                "names the file and line of each error.</caption>\n<thead><tr><th scope=\"col\">"
                "Competency</th><th scope=\"col\" class=\"num\">Evaluations</th><th scope=\"col\" "
                "class=\"num\">Errors</th></tr></thead>\n<tbody>\n");
    const char *competency;
    json_t *c;
    json_object_foreach(v->by_policy, competency, c) {
      int64_t e = (int64_t)json_integer_value(json_object_get(c, "errors"));
      int i = v->serving ? policy_set_find(v->serving, competency) : -1;
      const char *name = i >= 0 && v->serving->files[i].name ? v->serving->files[i].name : competency;
      html_f(h, "<tr><th scope=\"row\">%s <span class=\"id\">%s</span></th><td class=\"num\">",
             name, competency);
      page_number(p, (double)json_integer_value(json_object_get(c, "evaluations")));
      html_raw(h, "</td><td class=\"num\">");
      if (e) html_raw(h, "<span class=\"badge st-at_risk\">");
      page_number(p, (double)e);
      if (e) html_raw(h, "</span>");
      html_raw(h, "</td></tr>\n");
    }
    html_raw(h, "</tbody>\n</table></div>\n");
  }
  html_raw(h, "</section>\n");
}

static void counter(page *p, const char *name, int64_t n) {
  html_raw(&p->h, "<li><div class=\"tile\"><span class=\"n\">");
  page_number(p, (double)n);
  html_f(&p->h, "</span><span class=\"k\">%s</span></div></li>", name);
}

static void counters(page *p, const daemon_view *v) {
  html_raw(&p->h, "<section class=\"card\" aria-labelledby=\"counters-h\">\n"
                  "<h2 id=\"counters-h\">Since the daemon started</h2>\n<ul class=\"tiles\">");
  counter(p, "Evaluations", v->n.evaluations);
  counter(p, "Evaluation errors", v->n.errors);
  counter(p, "Status changes", v->n.status_changes);
  counter(p, "Alerts raised", v->n.alerts_raised);
  counter(p, "Alerts cleared", v->n.alerts_cleared);
  counter(p, "Reloads: a new set", v->n.reloads_ok);
  counter(p, "Reloads: unchanged", v->n.reloads_unchanged);
  counter(p, "Reloads: failed", v->n.reloads_failed);
  counter(p, "Reloads: held", v->n.reloads_held);
  html_raw(&p->h, "</ul>\n</section>\n");
}

void http_pages_status(const http_pages_env *e, http_exchange *x, const http_page_viewer *v) {
  daemon_view view = {0};
  int64_t age = 0;
  if (e->host->view(e->host->arg, &view, &age)) {
    http_pages_error(x, v, 500, "Out of memory", "The daemon's view could not be copied.");
    return;
  }
  int64_t now = (int64_t)time(NULL);
  page p = {.v = v};
  html_init(&p.h);
  page_begin(&p, "Operations", PAGE_NAV_STATUS);
  html_raw(&p.h, "<div class=\"head\"><div><h1>Operations</h1>\n<p class=\"sub\">The daemon as "
                 "of ");
  page_time(&p, now);
  html_raw(&p.h, " — what <code>attain ctl status</code> and <code>GET /v1/status</code> "
                 "say.</p></div></div>\n");
  html_raw(&p.h, "<div class=\"cols\">");
  health(&p, &view, now);
  policies(&p, &view);
  html_raw(&p.h, "</div>\n");
  sweeps(&p, &view);
  errors(&p, &view);
  counters(&p, &view);
  daemon_view_free(&view);
  page_end(&p, "attain · the page shows the daemon's view, published every second");
  page_respond(x, &p, 200);
}
