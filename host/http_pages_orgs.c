/* http_pages_orgs.c — GET /orgs: the organisations, for an operator (see http_pages.h).
 *
 * Search by the words of an id or name, filters by competency, level and state, the
 * counts per state and level, and keyset pages (`?after=ID`, the last organisation of the
 * page before): the same store lists as `attain orgs` (store_lists.h), so a page costs a
 * few index seeks whatever the number of organisations — the counts a few rows kept by
 * the store, the page one index range, each organisation's standing two point reads.
 * Nothing is evaluated: the levels and states are those last stored by the daemon's
 * sweeps. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http_pages_internal.h"
#include "policy_set.h"
#include "result.h"
#include "store_lists.h"

#define PAGE_DEFAULT 50

typedef struct orgs_q {
  const char *search, *competency, *level, *state;
  const char *after;
  long limit;
  const char *limit_given; /* ?limit= as given, kept by the links; NULL: the default */
} orgs_q;

typedef struct org_item {
  int64_t oid;
  char *key, *name;
} org_item;

typedef struct items {
  org_item *v;
  int n;
} items;

static int keep(void *arg, const store_org_row *r) {
  items *it = arg;
  org_item *o = &it->v[it->n];
  o->oid = r->oid;
  o->key = strdup(r->key);
  o->name = r->name ? strdup(r->name) : NULL;
  if (!o->key || (r->name && !o->name)) {
    free(o->key);
    free(o->name);
    return 1;
  }
  it->n++;
  return 0;
}

static int after_oid(void *arg, const store_org_row *r) {
  *(int64_t *)arg = r->oid;
  return 0;
}

static const char *competency_name(const policy_set *set, const char *stem) {
  int i = set ? policy_set_find(set, stem) : -1;
  return i >= 0 && set->files[i].name ? set->files[i].name : stem;
}

/* href="/orgs?..." with these filters (NULL: left out), the page's ?limit= and ?at=. */
static void list_href(page *p, const orgs_q *q, const char *search, const char *competency,
                      const char *level, const char *state, const char *after) {
  const char *names[] = {"search", "competency", "level", "state", "after", "limit", "at"};
  const char *values[] = {search, competency, level, state, after, q->limit_given, p->at};
  html_raw(&p->h, "href=\"/orgs");
  int n = 0;
  for (int i = 0; i < 7; i++) {
    if (!values[i]) continue;
    html_raw(&p->h, n++ ? "&amp;" : "?");
    html_raw(&p->h, names[i]);
    html_raw(&p->h, "=");
    html_url(&p->h, values[i]);
  }
  html_raw(&p->h, "\"");
}

/* One count as a tile linking to its filter (`state` or `level` set, the other kept). */
static void tile(page *p, const orgs_q *q, const char *label, int64_t n, const char *state,
                 const char *level) {
  int on = (state && q->state && strcmp(state, q->state) == 0) ||
           (level && q->level && strcmp(level, q->level) == 0);
  html_raw(&p->h, "<li><a class=\"tile");
  if (on) html_raw(&p->h, " on");
  html_raw(&p->h, "\" ");
  if (on) /* a second click takes the filter off */
    list_href(p, q, q->search, q->competency, state ? q->level : NULL, level ? q->state : NULL, NULL);
  else
    list_href(p, q, q->search, q->competency, level ? level : q->level, state ? state : q->state,
              NULL);
  html_raw(&p->h, "><span class=\"n\">");
  page_number(p, (double)n);
  html_f(&p->h, "</span><span class=\"k dot %s\">%s", state ? state : level, label);
  if (on) html_raw(&p->h, "<span class=\"vh\"> (the filter in use)</span>");
  html_raw(&p->h, "</span></a></li>\n");
}

static void counts_tiles(page *p, const orgs_q *q, const store_org_counts *c) {
  html_raw(&p->h, "<ul class=\"tiles\" aria-label=\"Counts\">\n");
  html_raw(&p->h, "<li><a class=\"tile\" ");
  list_href(p, q, q->search, q->competency, NULL, NULL, NULL);
  html_raw(&p->h, "><span class=\"n\">");
  page_number(p, (double)c->orgs);
  html_raw(&p->h, "</span><span class=\"k\">Organisations</span></a></li>\n");
  tile(p, q, "Qualified", c->qualified, "qualified", NULL);
  tile(p, q, "Active", c->active, "active", NULL);
  tile(p, q, "At risk", c->at_risk, "at_risk", NULL);
  tile(p, q, "Expired", c->expired, "expired", NULL);
  tile(p, q, "At silver", c->silver, NULL, "silver");
  tile(p, q, "At gold", c->gold, NULL, "gold");
  html_raw(&p->h, "</ul>\n");
}

static void option(page *p, const char *value, const char *label, const char *current) {
  html_f(&p->h, "<option value=\"%s\"%s>%s</option>", value,
         (current && strcmp(current, value) == 0) || (!current && !*value) ? " selected" : "",
         label);
}

static void filters(page *p, const orgs_q *q, const policy_set *set) {
  html *h = &p->h;
  html_raw(h, "<form class=\"filters card\" method=\"get\" action=\"/orgs\" role=\"search\">\n");
  html_raw(h, "<div class=\"grow\"><label for=\"f-search\">Search by id or name</label>");
  html_f(h, "<input id=\"f-search\" name=\"search\" type=\"search\" value=\"%s\" "
            "placeholder=\"e.g. contoso, north trad\"></div>\n",
         q->search ? q->search : "");
  html_raw(h, "<div><label for=\"f-competency\">Competency</label>"
              "<select id=\"f-competency\" name=\"competency\">");
  option(p, "", "Any competency", q->competency);
  int listed = 0;
  for (int i = 0; set && i < set->nfiles; i++) {
    const policy_file *f = &set->files[i];
    option(p, f->stem, f->name ? f->name : f->stem, q->competency);
    listed |= q->competency && strcmp(q->competency, f->stem) == 0;
  }
  if (q->competency && !listed) option(p, q->competency, q->competency, q->competency);
  html_raw(h, "</select></div>\n<div><label for=\"f-level\">Level</label>"
              "<select id=\"f-level\" name=\"level\">");
  option(p, "", "Any level", q->level);
  option(p, "silver", "Silver", q->level);
  option(p, "gold", "Gold", q->level);
  html_raw(h, "</select></div>\n<div><label for=\"f-state\">Status</label>"
              "<select id=\"f-state\" name=\"state\">");
  option(p, "", "Any status", q->state);
  option(p, "qualified", "Qualified", q->state);
  option(p, "active", "Active", q->state);
  option(p, "at_risk", "At risk", q->state);
  option(p, "expired", "Expired", q->state);
  html_raw(h, "</select></div>\n");
  if (q->limit_given)
    html_f(h, "<input type=\"hidden\" name=\"limit\" value=\"%s\">", q->limit_given);
  if (p->at) html_f(h, "<input type=\"hidden\" name=\"at\" value=\"%s\">", p->at);
  html_raw(h, "<div><button type=\"submit\">Apply</button> "
              "<a class=\"button quiet\" href=\"/orgs\">Clear</a></div>\n</form>\n");
}

typedef struct standing_out {
  page *p;
  const policy_set *set;
  const char *only; /* the competency filtered on: shown first */
  int first_pass;
  int n;
} standing_out;

static int on_standing(void *arg, const store_standing_row *r) {
  standing_out *o = arg;
  int is_only = o->only && strcmp(o->only, r->competency) == 0;
  if (o->only && o->first_pass != is_only) return 0;
  html *h = &o->p->h;
  if (!o->n++) html_raw(h, "<ul class=\"chips\">");
  html_f(h, "<li>%s ", competency_name(o->set, r->competency));
  if (r->error && !r->level)
    html_raw(h, "<span class=\"badge met-err\">Error</span>");
  else
    page_level(o->p, result_level_parse(r->level), "No level");
  if (r->state) page_state(o->p, r->state);
  html_raw(h, "</li>");
  return 0;
}

static void respond_bad(http_exchange *x, const http_page_viewer *v, const char *message) {
  http_pages_error(x, v, 400, "Not a filter", message);
}

void http_pages_orgs(const http_pages_env *e, http_exchange *x, const http_page_viewer *v) {
  orgs_q q = {.search = page_param(x, "search"),
              .competency = page_param(x, "competency"),
              .level = page_param(x, "level"),
              .state = page_param(x, "state"),
              .after = page_param(x, "after"),
              .limit = PAGE_DEFAULT};
  if (q.level && strcmp(q.level, "silver") != 0 && strcmp(q.level, "gold") != 0) {
    respond_bad(x, v, "The level must be silver or gold.");
    return;
  }
  if (q.state && strcmp(q.state, "qualified") != 0 && strcmp(q.state, "active") != 0 &&
      strcmp(q.state, "at_risk") != 0 && strcmp(q.state, "expired") != 0) {
    respond_bad(x, v, "The status must be qualified, active, at_risk or expired.");
    return;
  }
  /* ?at= replays the organisations' pages, not the list: the list is what the sweeps
   * stored, and a list as of another time would mean evaluating every organisation */
  int64_t at;
  const char *at_given;
  if (page_at(x, v, &at, &at_given)) return;
  const char *limit = q.limit_given = page_param(x, "limit");
  if (limit) {
    char *end;
    q.limit = strtol(limit, &end, 10);
    if (*end || q.limit < 1 || q.limit > STORE_PAGE_MAX) {
      respond_bad(x, v, "?limit= must be a whole number from 1 to 1000.");
      return;
    }
  }
  char err[1024];
  store *s = e->take(e->pool, err, sizeof err);
  if (!s) {
    http_pages_error(x, v, 503, "The database cannot be read", err);
    return;
  }
  policy_set *set = e->host->serving(e->host->arg); /* names only; NULL: the ids */
  store_org_filter f = {.search = q.search, .competency = q.competency, .level = q.level,
                        .state = q.state};
  store_page pg = {.limit = (int)q.limit};
  store_org_counts counts;
  items it = {calloc((size_t)q.limit, sizeof *it.v), 0};
  int rc = it.v ? STORE_OK : STORE_ERROR;
  if (!it.v) snprintf(err, sizeof err, "out of memory");
  if (rc == STORE_OK && q.after) {
    rc = store_org_get(s, q.after, after_oid, &pg.after.k1, err, sizeof err);
    if (rc == STORE_ENOTFOUND) {
      e->give(e->pool, s);
      if (set) policy_set_unref(set);
      free(it.v);
      http_pages_error(x, v, 404, "No such organisation",
                       "The page asked for starts after an organisation that does not exist.");
      return;
    }
  }
  if (rc == STORE_OK) rc = store_org_counts_get(s, q.competency, &counts, err, sizeof err);
  if (rc == STORE_OK) rc = store_orgs_page(s, &f, &pg, keep, &it, err, sizeof err);

  page p = {.v = v, .at = at_given};
  html_init(&p.h);
  if (rc == STORE_OK) {
    html *h = &p.h;
    page_begin(&p, "Organisations", PAGE_NAV_ORGS);
    html_raw(h, "<div class=\"head\"><div><h1>Organisations</h1>");
    html_raw(h, "<p class=\"sub\">Levels and status as last evaluated by the daemon; ");
    if (q.competency)
      html_f(h, "the counts are of %s.", competency_name(set, q.competency));
    else
      html_raw(h, "the counts are of organisation × competency pairs.");
    if (at_given) {
      html_raw(h, " Each organisation's page opens as of ");
      page_time(&p, at);
      html_raw(h, ".");
    }
    html_raw(h, "</p></div></div>\n");
    counts_tiles(&p, &q, &counts);
    filters(&p, &q, set);
    html_raw(h, "<section class=\"card\" aria-labelledby=\"list-h\">\n<h2 id=\"list-h\">");
    if (q.search || q.competency || q.level || q.state)
      html_raw(h, "Matching organisations");
    else
      html_raw(h, "All organisations");
    html_raw(h, "</h2>\n");
    if (!it.n) {
      html_raw(h, "<p>No organisation matches.</p>\n");
    } else {
      html_raw(h, "<div class=\"scroll\"><table class=\"stack\">\n<thead><tr><th scope=\"col\">Organisation</th>"
                  "<th scope=\"col\">Competencies</th></tr></thead>\n<tbody>\n");
      for (int i = 0; i < it.n && rc == STORE_OK; i++) {
        const org_item *o = &it.v[i];
        html_raw(h, "<tr><th scope=\"row\"><a ");
        page_org_href(&p, o->key, "", 1, NULL);
        html_f(h, ">%s</a><br><span class=\"id\">%s</span></th><td data-label=\"Competencies\">",
               o->name ? o->name : o->key, o->key);
        standing_out so = {&p, set, q.competency, 1, 0};
        rc = store_org_standing(s, o->oid, on_standing, &so, err, sizeof err);
        if (q.competency && rc == STORE_OK) {
          so.first_pass = 0;
          rc = store_org_standing(s, o->oid, on_standing, &so, err, sizeof err);
        }
        html_raw(h, so.n ? "</ul>" : "<span class=\"muted\">Nothing attained yet</span>");
        html_raw(h, "</td></tr>\n");
      }
      html_raw(h, "</tbody>\n</table></div>\n");
    }
    html_raw(h, "<nav class=\"pager\" aria-label=\"Pages\"><span class=\"muted\">");
    html_f(h, "%d shown%s", it.n, q.after ? " (a later page)" : "");
    html_raw(h, "</span>");
    if (q.after || (pg.more && it.n)) html_raw(h, "<span>");
    if (q.after) {
      html_raw(h, "<a class=\"button quiet\" ");
      list_href(&p, &q, q.search, q.competency, q.level, q.state, NULL);
      html_raw(h, ">First page</a> ");
    }
    if (pg.more && it.n) {
      html_raw(h, "<a class=\"button\" rel=\"next\" ");
      list_href(&p, &q, q.search, q.competency, q.level, q.state, it.v[it.n - 1].key);
      html_raw(h, ">Next page</a>");
    }
    if (q.after || (pg.more && it.n)) html_raw(h, "</span>");
    html_raw(h, "</nav>\n</section>\n");
    char note[96];
    snprintf(note, sizeof note, "attain%s%s", set ? " · policy set " : "", set ? set->version : "");
    page_end(&p, note);
  }
  e->give(e->pool, s);
  for (int i = 0; i < it.n; i++) {
    free(it.v[i].key);
    free(it.v[i].name);
  }
  free(it.v);
  if (set) policy_set_unref(set);
  if (rc != STORE_OK) {
    html_free(&p.h);
    http_pages_error(x, v, rc == STORE_EBUSY ? 503 : 500, "The organisations cannot be read", err);
    return;
  }
  page_respond(x, &p, 200);
}
