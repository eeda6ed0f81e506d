/* http_pages_org.c — an organisation's pages (see http_pages.h): GET /orgs/{id}, the
 * Competencies page, and GET /orgs/{id}/profile, the business profile.
 *
 * Both evaluate the organisation afresh as of ?at= with the serving policy set, as
 * `attain status` and GET /v1/orgs/{id} do (eval_run on this thread and connection,
 * lifecycle causes asked for), and write nothing. The Competencies page (R4): a summary
 * (levels reached, memberships and their end, open alerts; per competency the level, the
 * state and the next step), then per competency the membership, status and renewal, the
 * open alert with its cause (R12), the nearest unmet path first with what it lacks
 * (progress.h: the sentences of `attain status`), every path and goal with a <progress>
 * bar and the numbers as text, each person once with what counts and what does not and
 * why (people.h), and the status history as a timeline (as stored up to ?at=);
 * ?competency=ID narrows it to that competency, as `attain status --competency`. The
 * profile (R9, R13, R16): the competencies customers see by the rule of profile.h, by
 * level, with their benefits. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "eval.h"
#include "http_pages_internal.h"
#include "isotime.h"
#include "lifecycle.h"
#include "people.h"
#include "names.h"
#include "policy_set.h"
#include "profile.h"
#include "progress.h"
#include "result.h"
#include "store_lists.h"
#include "term.h"

/* An organisation's history is a few transitions a year per competency; past this many
 * the oldest are left out. */
#define HISTORY_MAX 2000

enum { PAGE_COMPETENCIES, PAGE_PROFILE };

typedef struct hist_item {
  int64_t at;
  char *competency, *state, *cause;
} hist_item;

typedef struct org_page {
  page p;
  int which;
  policy_set *set;
  int64_t at;
  int64_t oid;
  const char *key;
  char name[256];
  int has_name;
  hist_item *hist;
  int nhist, caphist, hist_dropped;
  int rendered;
  term_line l; /* sentences of progress.h / people.h, then escaped */
  int goal_ids;
  const char *only; /* ?competency=: the Competencies page of that competency alone */
} org_page;

static int on_org(void *arg, const store_org_row *r) {
  org_page *o = arg;
  o->oid = r->oid;
  if (r->name) {
    snprintf(o->name, sizeof o->name, "%s", r->name);
    o->has_name = 1;
  }
  return 0;
}

static int on_history(void *arg, const store_history_row *r) {
  org_page *o = arg;
  if (r->at > o->at) return 0; /* a replay shows what had happened by then */
  if (o->nhist == HISTORY_MAX) { /* keep the newest: drop the oldest */
    hist_item *old = &o->hist[0];
    free(old->competency);
    free(old->state);
    free(old->cause);
    memmove(o->hist, o->hist + 1, (size_t)(o->nhist - 1) * sizeof *o->hist);
    o->nhist--;
    o->hist_dropped = 1;
  }
  if (o->nhist == o->caphist) {
    int cap = o->caphist ? o->caphist * 2 : 32;
    hist_item *h = realloc(o->hist, (size_t)cap * sizeof *h);
    if (!h) return 1;
    o->hist = h;
    o->caphist = cap;
  }
  hist_item *h = &o->hist[o->nhist];
  h->at = r->at;
  h->competency = strdup(r->competency);
  h->state = strdup(r->state);
  h->cause = r->cause ? strdup(r->cause) : NULL;
  if (!h->competency || !h->state || (r->cause && !h->cause)) {
    free(h->competency);
    free(h->state);
    free(h->cause);
    return 1;
  }
  o->nhist++;
  return 0;
}

static void history_free(org_page *o) {
  for (int i = 0; i < o->nhist; i++) {
    free(o->hist[i].competency);
    free(o->hist[i].state);
    free(o->hist[i].cause);
  }
  free(o->hist);
}

/* ------------------------------------------------------------------ shared parts */

static const char *competency_name(const org_page *o, const eval_row *row) {
  const policy_file *f = &o->set->files[row->policy];
  return f->name ? f->name : f->stem;
}

static const char *display_name(const org_page *o) { return o->has_name ? o->name : o->key; }

/* The words of the term_line, escaped (TERM_GLUE becomes &nbsp;), and the line emptied. */
static void line_out(org_page *o) {
  if (o->l.buf) page_words(&o->p, o->l.buf, o->l.len);
  o->l.len = 0;
  if (o->l.buf) o->l.buf[0] = 0;
}

static void head(org_page *o) {
  page *p = &o->p;
  html *h = &p->h;
  char title[320];
  snprintf(title, sizeof title, "%s · %s", display_name(o),
           o->which == PAGE_PROFILE ? "Business profile" : "Competencies");
  page_begin(p, title, PAGE_NAV_ORGS);
  if (p->v && p->v->operator)
    html_f(h, "<nav aria-label=\"Breadcrumb\"><p class=\"crumbs\"><a href=\"/orgs\">"
              "Organisations</a> › %s</p></nav>\n",
           display_name(o));
  html_f(h, "<div class=\"head\"><div><h1>%s</h1>\n<p class=\"sub\">", display_name(o));
  html_f(h, "<span class=\"id\">%s</span> · as of ", o->key);
  page_time(p, o->at);
  html_f(h, " · policy set <code>%s</code></p></div>\n", o->set->version);
  /* the replay: any time, as `attain status --at` */
  html_raw(h, "<form class=\"replay\" method=\"get\" action=\"/orgs/");
  html_url(h, o->key);
  html_raw(h, o->which == PAGE_PROFILE ? "/profile\">" : "\">");
  if (p->v && !p->v->operator && p->v->exp && p->v->sig)
    html_f(h, "<input type=\"hidden\" name=\"exp\" value=\"%s\">"
              "<input type=\"hidden\" name=\"sig\" value=\"%s\">",
           p->v->exp, p->v->sig);
  if (o->only) html_f(h, "<input type=\"hidden\" name=\"competency\" value=\"%s\">", o->only);
  char at[ISOTIME_BUFSZ];
  isotime_format(o->at, at);
  html_f(h, "<div><label for=\"at\">Show as of</label><input id=\"at\" name=\"at\" "
            "value=\"%s\" aria-describedby=\"at-help\"></div>"
            "<button type=\"submit\">Show</button>"
            "<span id=\"at-help\" class=\"muted\" hidden>An ISO 8601 time, such as "
            "2026-11-25 or 2026-11-25T10:00:00Z</span></form></div>\n",
         p->at ? p->at : at);
  static const char here[] = "<span class=\"vh\"> (this page)</span>";
  html_raw(h, o->which == PAGE_COMPETENCIES ? "<nav class=\"tabs\" aria-label=\"Organisation\">"
                                              "<a class=\"on\" "
                                            : "<nav class=\"tabs\" aria-label=\"Organisation\"><a ");
  page_org_href(p, o->key, "", 1, NULL);
  html_raw(h, ">Competencies");
  if (o->which == PAGE_COMPETENCIES) html_raw(h, here);
  html_raw(h, o->which == PAGE_PROFILE ? "</a><a class=\"on\" " : "</a><a ");
  page_org_href(p, o->key, "/profile", 1, NULL);
  html_raw(h, ">Business profile");
  if (o->which == PAGE_PROFILE) html_raw(h, here);
  html_raw(h, "</a></nav>\n");
}

static void foot(org_page *o) {
  char note[160];
  snprintf(note, sizeof note,
           "Evaluated afresh by policy set %s as of this time, with what was known then.",
           o->set->version);
  page_end(&o->p, note);
}

/* ------------------------------------------------------------------ the Competencies page */

static void membership_words(org_page *o, const eval_row *row) {
  page *p = &o->p;
  if (!row->mlevel) {
    html_raw(&p->h, "None bought");
    return;
  }
  page_level(p, row->mlevel, NULL);
  html_raw(&p->h, " bought ");
  page_day(p, row->bought);
  if (row->bought_by && *row->bought_by) html_f(&p->h, " by %s", row->bought_by);
  html_f(&p->h, ", %s ", row->state == LC_EXPIRED ? "ended" : "in force until");
  page_day(p, row->end - 1);
}

/* The next step, in the words of `attain status`: "Next: gold (path consumption): ...". */
static int next_step(org_page *o, const eval_row *row, const progress_step *next) {
  if (next->path) {
    progress_path_lacks(o->set, next->keep ? "To keep" : "For", next->path, &o->l);
    line_out(o);
    return 1;
  }
  if (next->all_in_error) {
    html_f(&o->p.h, "%s %s: every path not met is in error", next->keep ? "To keep" : "For",
           result_level_name(next->target));
    return 1;
  }
  return 0;
}

/* The row is left out: ?competency= asks for another. */
static int skipped(const org_page *o, const eval_row *row) {
  return o->only && strcmp(o->set->files[row->policy].stem, o->only) != 0;
}

static void summary(org_page *o, const eval_chunk *c) {
  page *p = &o->p;
  html *h = &p->h;
  int silver = 0, gold = 0, members = 0, alerts = 0;
  for (int r = 0; r < c->nrows; r++) {
    const eval_row *row = &c->rows[r];
    if (skipped(o, row)) continue;
    silver += !row->failed && row->level == RESULT_LEVEL_SILVER;
    gold += !row->failed && row->level == RESULT_LEVEL_GOLD;
    members += profile_in_force(row);
    alerts += row->alert_cause != NULL;
  }
  html_raw(h, "<section class=\"card\" aria-labelledby=\"summary-h\">\n"
              "<h2 id=\"summary-h\">Summary</h2>\n");
  if (o->only) {
    html_raw(h, "<p>This competency alone. <a ");
    page_org_href(p, o->key, "", 1, NULL);
    html_raw(h, ">Every competency</a></p>\n");
  }
  html_raw(h, "<ul class=\"tiles\">");
  html_f(h, "<li><div class=\"tile\"><span class=\"n\">%d</span><span class=\"k\">"
            "Levels reached</span><br><span class=\"id\">%d gold, %d silver</span></div></li>",
         silver + gold, gold, silver);
  html_f(h, "<li><div class=\"tile\"><span class=\"n\">%d</span><span class=\"k\">"
            "Memberships in force</span></div></li>",
         members);
  html_f(h, "<li><div class=\"tile\"><span class=\"n\">%d</span><span class=\"k\">"
            "Open alerts</span></div></li></ul>\n",
         alerts);
  html_raw(h, "<div class=\"scroll\"><table class=\"stack\">\n<thead><tr><th scope=\"col\">Competency</th>"
              "<th scope=\"col\">Level</th><th scope=\"col\">Membership</th>"
              "<th scope=\"col\">Status</th><th scope=\"col\">Next step</th></tr></thead>\n"
              "<tbody>\n");
  for (int r = 0; r < c->nrows; r++) {
    const eval_row *row = &c->rows[r];
    if (skipped(o, row)) continue;
    /* the name opens the competency alone (its section right under the summary) */
    html_raw(h, "<tr><th scope=\"row\"><a ");
    page_org_href(p, o->key, "", 1, o->set->files[row->policy].stem);
    html_f(h, ">%s</a></th><td data-label=\"Level\">", competency_name(o, row));
    if (row->failed)
      html_raw(h, "<span class=\"badge met-err\">Error</span>");
    else if (row->level)
      page_level(p, row->level, NULL);
    else
      html_raw(h, "<span class=\"muted\">None</span>");
    html_raw(h, "</td><td data-label=\"Membership\">");
    if (row->mlevel) {
      page_level(p, row->mlevel, NULL);
      html_f(h, " %s ", row->state == LC_EXPIRED ? "ended" : "until");
      page_day(p, row->end - 1);
    } else {
      html_raw(h, "<span class=\"muted\">None</span>");
    }
    html_raw(h, "</td><td data-label=\"Status\">");
    if (!row->failed && row->state != LC_NONE)
      page_state(p, lifecycle_state_name(row->state));
    else if (!row->failed)
      html_raw(h, "<span class=\"muted\">None</span>");
    html_raw(h, "</td><td data-label=\"Next step\">");
    progress_step next;
    progress_next(row, &next);
    if (row->failed)
      html_text(h, row->error);
    else if (row->state == LC_AT_RISK && *row->cause && !next.path) {
      html_raw(h, "Why: ");
      page_words0(p, row->cause);
    }
    else if (!next_step(o, row, &next))
      html_raw(h, !row->level && !row->mlevel ? "<span class=\"muted\">Nothing done yet</span>"
                                              : "<span class=\"muted\">—</span>");
    html_raw(h, "</td></tr>\n");
  }
  html_raw(h, "</tbody>\n</table></div>\n</section>\n");
  if (!alerts) return;
  html_raw(h, "<section class=\"card\" aria-labelledby=\"alerts-h\">\n"
              "<h2 id=\"alerts-h\">Open alerts</h2>\n");
  for (int r = 0; r < c->nrows; r++) {
    const eval_row *row = &c->rows[r];
    if (!row->alert_cause || skipped(o, row)) continue;
    html_f(h, "<div class=\"callout risk\"><strong><a href=\"#c%d\">%s</a>: renewal at risk"
              "</strong><p>%s (raised ",
           r + 1, competency_name(o, row), LIFECYCLE_RISK_MESSAGE);
    page_time(p, row->alert_raised);
    html_raw(h, ").</p><p class=\"cause\">Cause: ");
    page_words0(p, row->alert_cause);
    html_raw(h, "</p></div>\n");
  }
  html_raw(h, "</section>\n");
}

static void goal(org_page *o, const result_goal *g) {
  page *p = &o->p;
  html *h = &p->h;
  int id = ++o->goal_ids;
  html_f(h, "<li class=\"%s\"><div class=\"goal-row\"><span id=\"g%d\">",
         g->error ? "error" : g->met ? "met" : "short", id);
  char named[512];
  page_words0(p, names_goal_label(o->set, g, named, sizeof named));
  html_raw(h, "</span>");
  if (g->error) {
    html_raw(h, "<span class=\"goal-nums\">? of ");
    page_number(p, g->need);
    html_f(h, "</span></div>\n<p class=\"goal-lacks short\">Error: %s</p>\n", g->error);
  } else {
    html_raw(h, "<span class=\"goal-nums\">");
    page_number(p, g->have);
    html_raw(h, " of ");
    page_number(p, g->need);
    html_raw(h, "</span></div>\n");
    /* a <progress> takes a positive max and a value within it; the text says the truth */
    double max = g->need > 0 ? g->need : 1;
    double value = g->need > 0 ? (g->have < 0 ? 0 : g->have > g->need ? g->need : g->have) : 1;
    html_f(h, "<progress max=\"%.15g\" value=\"%.15g\" aria-labelledby=\"g%d\">", max, value, id);
    page_number(p, g->have);
    html_raw(h, " of ");
    page_number(p, g->need);
    html_raw(h, "</progress>\n");
    if (g->met) {
      html_raw(h, "<p class=\"goal-lacks\">Met</p>\n");
    } else {
      html_raw(h, "<p class=\"goal-lacks short\">");
      progress_goal_lacks(o->set, g, &o->l);
      line_out(o);
      html_raw(h, "</p>\n");
    }
  }
  if (g->detail_error) html_f(h, "<p class=\"goal-lacks short\">Detail error: %s</p>\n", g->detail_error);
  if (g->nchildren) {
    html_raw(h, "<ul class=\"goals\">\n");
    for (int i = 0; i < g->nchildren; i++) goal(o, &g->children[i]);
    html_raw(h, "</ul>\n");
  }
  html_raw(h, "</li>\n");
}

/* A path as a disclosure: open when it is the nearest unmet one, met, or in error (what
 * matters now); the others show their head (how many goals are met) until opened. */
static void path(org_page *o, const result_path *pt, int nearest) {
  page *p = &o->p;
  html *h = &p->h;
  int met_goals = 0;
  for (int j = 0; j < pt->ngoals; j++) met_goals += pt->goals[j].met;
  html_f(h, "<details class=\"path%s\"%s><summary class=\"path-head\"><span class=\"path-title\">%s path <q>%s</q></span>",
         nearest ? " nearest" : "", nearest || pt->met || pt->error ? " open" : "",
         pt->level == RESULT_LEVEL_GOLD ? "Gold" : "Silver", pt->id);
  if (nearest) html_raw(h, "<span class=\"tag\">Nearest unmet path</span>");
  html_f(h, "<span class=\"sum\">%d of %d goals met</span><span class=\"badge %s\">%s</span>"
            "</summary>\n",
         met_goals, pt->ngoals, pt->error ? "met-err" : pt->met ? "met-yes" : "met-no",
         pt->error ? "Error" : pt->met ? "Met" : "Not met");
  if (pt->error) html_f(h, "<p class=\"goal-lacks short\">Error: %s</p>\n", pt->error);
  html_raw(h, "<ul class=\"goals\">\n");
  for (int j = 0; j < pt->ngoals; j++) goal(o, &pt->goals[j]);
  html_raw(h, "</ul></details>\n");
}

static void people_table(org_page *o, const eval_row *row) {
  page *p = &o->p;
  html *h = &p->h;
  people pp = {0};
  people_collect(&pp, row->tree);
  if (!pp.n && !pp.ncredits) {
    people_free(&pp);
    return;
  }
  html_raw(h, "<h3>People</h3>\n");
  if (pp.n) {
    html_raw(h, "<div class=\"scroll\"><table class=\"stack\">\n<caption>Each person once: the achievements "
                "that count towards this competency's goals, and those that do not and why."
                "</caption>\n<thead><tr><th scope=\"col\">Person</th><th scope=\"col\">Counts"
                "</th><th scope=\"col\">Achievements</th></tr></thead>\n<tbody>\n");
    for (int i = 0; i < pp.n;) {
      int k = i, any = 0;
      while (k < pp.n && strcmp(pp.h[k].p->user, pp.h[i].p->user) == 0) any |= pp.h[k++].counts;
      html_f(h, "<tr><th scope=\"row\">%s</th><td><span class=\"badge %s\">%s</span></td>"
                "<td data-label=\"Achievements\"><ul class=\"plain\">",
             pp.h[i].p->user, any ? "met-yes" : "met-no", any ? "Counts" : "Does not count");
      for (int j = i; j < k; j++) {
        html_raw(h, "<li>");
        people_holding_words(&pp.h[j], o->at, &o->l);
        line_out(o);
        html_raw(h, "</li>");
      }
      html_raw(h, "</ul></td></tr>\n");
      i = k;
    }
    html_raw(h, "</tbody>\n</table></div>\n");
  }
  if (pp.ncredits) {
    html_raw(h, "<p><strong>Overrides in force</strong> (R15)</p>\n<ul class=\"plain\">");
    for (int i = 0; i < pp.ncredits; i++) {
      const result_credit *cr = pp.credits[i];
      html_f(h, "<li>%s ×%lld by %s until ", cr->code, (long long)cr->people, cr->by);
      page_day(p, cr->until);
      html_f(h, ": %s</li>", cr->reason);
    }
    html_raw(h, "</ul>\n");
  }
  people_free(&pp);
}

static void timeline(org_page *o, const char *stem) {
  page *p = &o->p;
  html *h = &p->h;
  int n = 0;
  for (int i = o->nhist - 1; i >= 0; i--) {
    const hist_item *it = &o->hist[i];
    if (strcmp(it->competency, stem) != 0) continue;
    if (!n++) html_raw(h, "<h3>Status history</h3>\n<ol class=\"timeline\">\n");
    html_raw(h, "<li><span class=\"when\">");
    page_time(p, it->at);
    html_raw(h, "</span>");
    page_state(p, it->state);
    if (it->cause) {
      html_raw(h, "<p class=\"cause\">");
      page_words0(p, it->cause);
      html_raw(h, "</p>");
    }
    html_raw(h, "</li>\n");
  }
  if (n) html_raw(h, "</ol>\n");
  if (n && o->hist_dropped)
    html_f(h, "<p class=\"muted\">The %d most recent transitions are shown.</p>\n", HISTORY_MAX);
}

static void competency(org_page *o, const eval_row *row, int index) {
  page *p = &o->p;
  html *h = &p->h;
  const policy_file *f = &o->set->files[row->policy];
  html_f(h, "<section class=\"card\" id=\"c%d\" aria-labelledby=\"c%d-h\">\n<h2 id=\"c%d-h\">%s ",
         index, index, index, competency_name(o, row));
  if (row->failed) {
    html_raw(h, "<span class=\"badge met-err\">Error</span></h2>\n");
    html_f(h, "<div class=\"callout risk\"><strong>The policy failed</strong><p>%s</p></div>\n",
           row->error);
    timeline(o, f->stem);
    html_raw(h, "</section>\n");
    return;
  }
  if (row->level) page_level(p, row->level, NULL);
  if (row->state != LC_NONE) page_state(p, lifecycle_state_name(row->state));
  if (!row->level && row->state == LC_NONE) html_raw(h, "<span class=\"badge lv-none\">Not attained</span>");
  html_raw(h, "</h2>\n<dl class=\"facts\">");
  html_raw(h, "<dt>Level reached</dt><dd>");
  if (row->level) {
    html_text(h, row->level == RESULT_LEVEL_GOLD ? "Gold" : "Silver");
    int k = 0;
    for (int i = 0; row->tree && i < row->tree->npaths; i++) {
      const result_path *pt = &row->tree->paths[i];
      if (!pt->met) continue;
      html_f(h, "%s%s %s", k++ ? ", " : " (met: ", result_level_name(pt->level), pt->id);
    }
    if (k) html_raw(h, ")");
  } else {
    html_raw(h, "None yet");
  }
  html_raw(h, "</dd><dt>Membership</dt><dd>");
  membership_words(o, row);
  html_raw(h, "</dd><dt>Status</dt><dd>");
  html_text(h, page_state_words(lifecycle_state_name(row->state)));
  if (*row->cause) {
    html_raw(h, ": ");
    page_words0(p, row->cause);
  }
  if (row->frozen) html_raw(h, " (kept as stored: a path in error may change it)");
  html_raw(h, "</dd>");
  if (row->mlevel && (row->state == LC_ACTIVE || row->state == LC_AT_RISK)) {
    char until[ISOTIME_BUFSZ];
    isotime_format_date(row->end - 1, until);
    html_raw(h, "<dt>Renewal</dt><dd>");
    if (row->state == LC_ACTIVE)
      html_f(h, "On track: %s is met now and at the end of the membership (%s), with what is "
                "known now",
             result_level_name(row->mlevel), until);
    else if (row->level < row->mlevel)
      html_f(h, "At risk: %s is not met now", result_level_name(row->mlevel));
    else
      html_f(h, "At risk: %s is met now, but will not be at the end of the membership (%s)",
             result_level_name(row->mlevel), until);
    html_raw(h, "</dd>");
  }
  html_raw(h, "</dl>\n");
  if (row->error)
    html_f(h, "<div class=\"callout risk\"><strong>Error</strong><p>%s</p></div>\n", row->error);
  if (row->alert_cause) {
    html_f(h, "<div class=\"callout risk\"><strong>Alert: renewal at risk</strong><p>%s (raised ",
           LIFECYCLE_RISK_MESSAGE);
    page_time(p, row->alert_raised);
    html_raw(h, ").</p><p class=\"cause\">Cause: ");
    page_words0(p, row->alert_cause);
    html_raw(h, "</p></div>\n");
  }
  progress_step next;
  progress_next(row, &next);
  if (next.path || next.all_in_error) {
    html_raw(h, "<div class=\"callout\"><strong>");
    html_text(h, next.keep ? "What keeps the level" : "Next step");
    html_raw(h, "</strong><p>");
    next_step(o, row, &next);
    html_raw(h, "</p></div>\n");
  }
  if (row->tree && row->tree->npaths) {
    html_raw(h, "<h3>Paths</h3>\n<div class=\"paths\">\n");
    if (next.path) path(o, next.path, 1);
    for (int i = 0; i < row->tree->npaths; i++)
      if (&row->tree->paths[i] != next.path) path(o, &row->tree->paths[i], 0);
    html_raw(h, "</div>\n");
  }
  people_table(o, row);
  timeline(o, f->stem);
  html_raw(h, "</section>\n");
}

static void competencies_page(org_page *o, const eval_chunk *c) {
  head(o);
  summary(o, c);
  for (int r = 0; r < c->nrows; r++)
    if (!skipped(o, &c->rows[r])) competency(o, &c->rows[r], r + 1);
  foot(o);
}

/* ------------------------------------------------------------------ the profile */

static void profile_page(org_page *o, const eval_chunk *c) {
  page *p = &o->p;
  html *h = &p->h;
  head(o);
  int package = profile_package(c->rows, c->nrows);
  html_raw(h, "<section class=\"card\" aria-labelledby=\"profile-h\">\n"
              "<h2 id=\"profile-h\">What customers see</h2>\n");
  if (!package) {
    html_raw(h, "<p>No membership is in force: the business profile shows no competency.</p>\n");
  } else {
    html_raw(h, "<p>Partner level: ");
    page_level(p, package, NULL);
    html_raw(h, " <span class=\"muted\">(the highest membership in force)</span></p>\n");
  }
  int shown = 0, errors = 0;
  for (int level = RESULT_LEVEL_GOLD; package && level >= RESULT_LEVEL_SILVER; level--) {
    int n = 0;
    for (int r = 0; r < c->nrows; r++) {
      const eval_row *row = &c->rows[r];
      if (profile_level(row, package) != level) continue;
      const policy_file *f = &o->set->files[row->policy];
      if (!n++)
        html_f(h, "<h3>%s competencies</h3>\n<div class=\"grid\">\n",
               level == RESULT_LEVEL_GOLD ? "Gold" : "Silver");
      shown++;
      html_f(h, "<article class=\"path\"><div class=\"path-head\"><h4>%s</h4>",
             competency_name(o, row));
      page_level(p, level, NULL);
      html_raw(h, "</div>\n");
      if (row->state == LC_AT_RISK) {
        char until[ISOTIME_BUFSZ];
        isotime_format_date(row->end - 1, until);
        html_f(h, "<p><span class=\"badge st-at_risk\">Renewal at risk</span> shown until the "
                  "membership ends (%s)</p>\n",
               until);
      }
      char *const *benefits = f->benefits[level];
      if (benefits && *benefits) {
        html_raw(h, "<p class=\"muted\">Benefits</p>\n<ul class=\"plain\">");
        for (char *const *b = benefits; *b; b++) html_f(h, "<li>%s</li>", *b);
        html_raw(h, "</ul>\n");
      } else {
        html_raw(h, "<p class=\"muted\">No benefits declared</p>\n");
      }
      html_raw(h, "</article>\n");
    }
    if (n) html_raw(h, "</div>\n");
  }
  if (package && !shown) html_raw(h, "<p>No competency is attained.</p>\n");
  for (int r = 0; r < c->nrows; r++) errors += c->rows[r].error != NULL;
  if (errors) {
    html_raw(h, "<div class=\"callout warn\"><strong>Not every competency could be evaluated"
                "</strong>");
    for (int r = 0; r < c->nrows; r++)
      if (c->rows[r].error)
        html_f(h, "<p>%s: %s</p>", competency_name(o, &c->rows[r]),
               p->v && p->v->operator ? c->rows[r].error : "the policy failed");
    html_raw(h, "</div>\n");
  }
  html_raw(h, "</section>\n<section class=\"card\" aria-labelledby=\"rule-h\">\n"
              "<h2 id=\"rule-h\">How the profile is made</h2>\n<p class=\"muted\">The partner "
              "level is the highest membership in force. With a silver level every competency "
              "attained shows at silver; with gold, each shows at the level attained. A "
              "competency whose renewal is at risk keeps its membership's level until the "
              "membership ends. Each competency lists the benefits its policy declares for "
              "that level.</p>\n</section>\n");
  foot(o);
}

static int on_chunk(void *arg, const eval_chunk *c, char *err, size_t errsz) {
  org_page *o = arg;
  if (!c->nrows || o->rendered) return 0;
  o->rendered = 1;
  if (o->which == PAGE_PROFILE)
    profile_page(o, c);
  else
    competencies_page(o, c);
  return 0;
}

static void org_pages(const http_pages_env *e, http_exchange *x, const http_page_viewer *v,
                      const char *key, int which) {
  org_page o = {.which = which, .key = key};
  o.p.v = v;
  if (page_at(x, v, &o.at, &o.p.at)) return;
  char err[1024];
  store *s = e->take(e->pool, err, sizeof err);
  if (!s) {
    http_pages_error(x, v, 503, "The database cannot be read", err);
    return;
  }
  int rc = store_org_get(s, key, on_org, &o, err, sizeof err);
  if (rc) {
    e->give(e->pool, s);
    if (rc == STORE_ENOTFOUND)
      http_pages_error(x, v, 404, "No such organisation",
                       "No organisation has this id. Check the link, or search the list.");
    else
      http_pages_error(x, v, 503, "The database cannot be read", err);
    return;
  }
  o.set = e->host->serving(e->host->arg);
  if (!o.set) {
    e->give(e->pool, s);
    http_pages_error(x, v, 503, "Not ready",
                     "No good policy set is loaded yet, so nothing can be evaluated.");
    return;
  }
  o.only = which == PAGE_COMPETENCIES ? page_param(x, "competency") : NULL;
  if (o.only && policy_set_find(o.set, o.only) < 0) {
    e->give(e->pool, s);
    policy_set_unref(o.set);
    http_pages_error(x, v, 404, "No such competency",
                     "The policy set serving has no competency with this id.");
    return;
  }
  if (which == PAGE_COMPETENCIES) {
    store_page pg = {.limit = STORE_PAGE_MAX};
    do
      rc = store_history_page(s, o.oid, NULL, &pg, on_history, &o, err, sizeof err);
    while (rc == STORE_OK && pg.more && (pg.after = pg.next, 1));
  }
  html_init(&o.p.h);
  if (rc == STORE_OK) {
    eval_request req = {.inline_store = s,
                        .set = o.set,
                        .at = o.at,
                        .lo = o.oid,
                        .hi = o.oid,
                        .workers = 1,
                        .report = which == PAGE_PROFILE ? POLICY_REPORT_LEVEL : POLICY_REPORT_EXPLAIN,
                        .lifecycle_causes = 1,
                        .on_chunk = on_chunk,
                        .arg = &o};
    eval_stats stats;
    rc = eval_run(&req, &stats, err, sizeof err);
  }
  e->give(e->pool, s);
  policy_set_unref(o.set);
  history_free(&o);
  term_line_free(&o.l);
  if (rc || !o.rendered) {
    html_free(&o.p.h);
    http_pages_error(x, v, rc == STORE_EBUSY ? 503 : 500, "The organisation cannot be shown",
                     rc ? err : "nothing was evaluated");
    return;
  }
  page_respond(x, &o.p, 200);
}

void http_pages_org(const http_pages_env *e, http_exchange *x, const http_page_viewer *v,
                    const char *key) {
  org_pages(e, x, v, key, PAGE_COMPETENCIES);
}

void http_pages_profile(const http_pages_env *e, http_exchange *x, const http_page_viewer *v,
                        const char *key) {
  org_pages(e, x, v, key, PAGE_PROFILE);
}
