/* test_store_lists.c — the store's lists (store_lists.h): organisations searched and
 * filtered a page at a time, counts, an organisation's standing, its history, alerts; each
 * written through the store's own writers (imports, evaluations) and read back. */
#include "check.h"
#include "store.h"
#include "store_internal.h"
#include "store_lists.h"
#include "store_results.h"
#include "store_write.h"
#include "testdb.h"

static char err[1024];

static store *fresh(const char **path) {
  *path = testdb_path();
  store *s = NULL;
  if (store_open(&s, *path, 1, err, sizeof err) != STORE_OK) fprintf(stderr, "%s\n", err);
  return s;
}

/* Organisations 1..7, in this order. */
static const char *const org_keys[] = {"contoso",  "fabrikam",   "northwind", "adatum",
                                       "tailspin", "contoso-eu", "cafe"};
static const char *const org_names[] = {"Contoso Ltd",        "Fabrikam Inc",  "Northwind Traders",
                                        "Adatum Corporation", "Tailspin Toys", "Contoso Europe",
                                        "Café \"Olé\""};

static int put_orgs(store *s, void *arg, char *e, size_t n) {
  store_write_begin(s);
  for (int i = 0; i < 7; i++) {
    int rc = store_org_put(s, org_keys[i], (store_opt_text){1, org_names[i]}, e, n);
    if (rc) return rc;
  }
  int64_t changed;
  return store_write_finish(s, &changed, e, n);
}

struct rename {
  const char *key, *name;
};

static int rename_org(store *s, void *arg, char *e, size_t n) {
  const struct rename *r = arg;
  store_write_begin(s);
  int rc = store_org_put(s, r->key, (store_opt_text){1, r->name}, e, n);
  int64_t changed;
  return rc ? rc : store_write_finish(s, &changed, e, n);
}

/* What evaluations store: levels, states (with history), alerts. */
static int put_standings(store *s, void *arg, char *e, size_t n) {
  int rec, rc = 0;
  store_result_rec r[] = {
      {1, "cloud-platform", "v", "silver", NULL},
      {1, "devops", "v", "gold", NULL},
      {2, "cloud-platform", "v", "gold", NULL},
      {3, "cloud-platform", "v", "silver", NULL},
      {4, "security", "v", NULL, "policies/security.lua:3: failed to run: boom"},
      {6, "cloud-platform", "v", "silver", NULL},
  };
  for (size_t i = 0; i < sizeof r / sizeof *r && !rc; i++) rc = store_result_put(s, &r[i], e, n);
  struct {
    int64_t oid;
    const char *competency, *state;
    int64_t at;
  } st[] = {
      {1, "cloud-platform", "qualified", 100}, {1, "cloud-platform", "active", 200},
      {1, "devops", "qualified", 150},         {1, "devops", "active", 160},
      {1, "cloud-platform", "at_risk", 300},   {1, "devops", "at_risk", 310},
      {2, "cloud-platform", "qualified", 100}, {3, "cloud-platform", "qualified", 100},
      {3, "cloud-platform", "active", 120},    {3, "cloud-platform", "at_risk", 130},
      {5, "cloud-platform", "qualified", 100}, {5, "cloud-platform", "none", 140},
      {5, "devops", "expired", 150},           {6, "cloud-platform", "qualified", 100},
  };
  for (size_t i = 0; i < sizeof st / sizeof *st && !rc; i++)
    rc = store_status_put(s, st[i].oid, st[i].competency, st[i].state, st[i].at, "why", &rec, e, n);
  int raised;
  if (!rc)
    rc = store_alert_raise(s, 1, "cloud-platform", "renewal_at_risk", "msg", "ben left", 300,
                           &raised, e, n);
  if (!rc)
    rc = store_alert_raise(s, 3, "cloud-platform", "renewal_at_risk", "msg", "AZ-104 expired", 130,
                           &raised, e, n);
  if (!rc)
    rc = store_alert_raise(s, 1, "devops", "renewal_at_risk", "msg", "cy left", 310, &raised, e, n);
  int cleared;
  if (!rc) rc = store_alert_clear(s, 1, 320, "met again", &cleared, e, n); /* contoso's first */
  return rc;
}

/* A page's rows as "key,key,..." (plus "+" when more follow). */
typedef struct collect {
  char buf[512];
} collect;

static int add_org(void *arg, const store_org_row *r) {
  collect *c = arg;
  size_t n = strlen(c->buf);
  snprintf(c->buf + n, sizeof c->buf - n, "%s%s", n ? "," : "", r->key);
  return 0;
}

static const char *orgs(store *s, store_org_filter f, store_page *page, collect *c) {
  c->buf[0] = 0;
  int rc = store_orgs_page(s, &f, page, add_org, c, err, sizeof err);
  if (rc) return err;
  if (page->more) strcat(c->buf, "+");
  return c->buf;
}

static const char *search(store *s, const char *text, collect *c) {
  store_page page = {.limit = 50};
  return orgs(s, (store_org_filter){.search = text}, &page, c);
}

static store *setup(const char **p) {
  store *s = fresh(p);
  CHECK(store_tx(s, put_orgs, NULL, err, sizeof err) == STORE_OK);
  CHECK(store_tx(s, put_standings, NULL, err, sizeof err) == STORE_OK);
  return s;
}

static void pages_through_organisations_by_keyset(void) {
  const char *p;
  store *s = setup(&p);
  collect c;
  store_page page = {.limit = 3};
  CHECK_STR(orgs(s, (store_org_filter){0}, &page, &c), "contoso,fabrikam,northwind+");
  CHECK(page.rows == 3 && page.more && page.next.k1 == 3);
  page.after = page.next;
  CHECK_STR(orgs(s, (store_org_filter){0}, &page, &c), "adatum,tailspin,contoso-eu+");
  page.after = page.next;
  CHECK_STR(orgs(s, (store_org_filter){0}, &page, &c), "cafe");
  CHECK(page.rows == 1 && !page.more && page.next.k1 == 0);
  /* A page exactly as long as what is left says that nothing follows. */
  page = (store_page){.limit = 7};
  CHECK_STR(orgs(s, (store_org_filter){0}, &page, &c),
            "contoso,fabrikam,northwind,adatum,tailspin,contoso-eu,cafe");
  page.limit = 0;
  CHECK_STR(orgs(s, (store_org_filter){0}, &page, &c), "a page holds 1 to 1000 rows, not 0");
  store_close(s);
  testdb_remove(p);
}

static void searches_words_of_the_id_and_name(void) {
  const char *p;
  store *s = setup(&p);
  collect c;
  CHECK_STR(search(s, "cont", &c), "contoso,contoso-eu");
  CHECK_STR(search(s, "trad", &c), "northwind");        /* a word of the name */
  CHECK_STR(search(s, "TAILSPIN", &c), "tailspin");     /* case */
  CHECK_STR(search(s, "contoso eu", &c), "contoso-eu"); /* every word */
  CHECK_STR(search(s, "contoso-e", &c), "contoso-eu");  /* split like the id */
  CHECK_STR(search(s, "  ltd  ", &c), "contoso");
  CHECK_STR(search(s, "cafe ole", &c), "cafe"); /* accents */
  CHECK_STR(search(s, "\"Olé\"", &c), "cafe");  /* quotes are text, not syntax */
  CHECK_STR(search(s, "ind", &c), "");          /* prefixes, not substrings */
  CHECK_STR(search(s, "-- *", &c), "");         /* no word: nothing */
  CHECK_STR(search(s, "", &c), "contoso,fabrikam,northwind,adatum,tailspin,contoso-eu,cafe");
  /* Renaming re-indexes the name. */
  struct rename r = {"fabrikam", "Fourth Coffee"};
  CHECK(store_tx(s, rename_org, &r, err, sizeof err) == STORE_OK);
  CHECK_STR(search(s, "fabrikam", &c), "fabrikam"); /* its id */
  CHECK_STR(search(s, "inc", &c), "");
  CHECK_STR(search(s, "coffee", &c), "fabrikam");
  /* Pages of a search. */
  store_page page = {.limit = 1};
  CHECK_STR(orgs(s, (store_org_filter){.search = "contoso"}, &page, &c), "contoso+");
  page.after = page.next;
  CHECK_STR(orgs(s, (store_org_filter){.search = "contoso"}, &page, &c), "contoso-eu");
  store_close(s);
  testdb_remove(p);
}

static const char *filtered(store *s, const char *competency, const char *level, const char *state,
                            collect *c) {
  store_page page = {.limit = 50};
  return orgs(s, (store_org_filter){.competency = competency, .level = level, .state = state},
              &page, c);
}

static void filters_by_competency_level_and_state(void) {
  const char *p;
  store *s = setup(&p);
  collect c;
  /* A competency alone: a state other than none in it (tailspin went back to none). */
  CHECK_STR(filtered(s, "cloud-platform", NULL, NULL, &c), "contoso,fabrikam,northwind,contoso-eu");
  CHECK_STR(filtered(s, "devops", NULL, NULL, &c), "contoso,tailspin");
  CHECK_STR(filtered(s, "cloud-platform", NULL, "at_risk", &c), "contoso,northwind");
  CHECK_STR(filtered(s, "cloud-platform", NULL, "qualified", &c), "fabrikam,contoso-eu");
  /* Any competency: contoso, at risk in two, once. */
  CHECK_STR(filtered(s, NULL, NULL, "at_risk", &c), "contoso,northwind");
  CHECK_STR(filtered(s, NULL, NULL, "expired", &c), "tailspin");
  CHECK_STR(filtered(s, NULL, "gold", NULL, &c), "contoso,fabrikam");
  CHECK_STR(filtered(s, NULL, "silver", NULL, &c), "contoso,northwind,contoso-eu");
  CHECK_STR(filtered(s, "cloud-platform", "gold", NULL, &c), "fabrikam");
  /* Level and state hold for one competency: contoso is at risk in cloud-platform at
   * silver and in devops at gold. */
  CHECK_STR(filtered(s, NULL, "gold", "at_risk", &c), "contoso");
  CHECK_STR(filtered(s, "cloud-platform", "gold", "at_risk", &c), "");
  CHECK_STR(filtered(s, "cloud-platform", "silver", "at_risk", &c), "contoso,northwind");
  CHECK_STR(filtered(s, NULL, "gold", "qualified", &c), "fabrikam");
  CHECK_STR(filtered(s, NULL, "platinum", NULL, &c), "unknown level \"platinum\" (silver or gold)");
  CHECK_STR(filtered(s, NULL, NULL, "none", &c),
            "unknown state \"none\" (qualified, active, at_risk or expired)");
  /* With a search, the same filters: a filter that few pass merged with the search's
   * matches (mode 0; mode 2 seeking the search to each of the filter's organisations, as
   * it does past SEARCH_SEEK_GAP), and one checked for each match (mode 1: past
   * SEARCH_MERGE_MAX). */
  for (int mode = 0; mode < 3; mode++) {
    s->search_merge_max = mode == 1 ? -1 : 0;
    s->search_seek_gap = mode == 2 ? -1 : 0;
    store_page page = {.limit = 50};
    CHECK_STR(orgs(s, (store_org_filter){.search = "contoso", .state = "at_risk"}, &page, &c),
              "contoso"); /* at risk in two competencies, listed once */
    CHECK_STR(orgs(s, (store_org_filter){.search = "t", .state = "at_risk"}, &page, &c),
              "northwind");
    CHECK_STR(orgs(s, (store_org_filter){.search = "contoso", .state = "qualified"}, &page, &c),
              "contoso-eu");
    CHECK_STR(orgs(s, (store_org_filter){.search = "zzz", .state = "at_risk"}, &page, &c), "");
    /* the first match (contoso) is not kept, the filter's one organisation is the next */
    CHECK_STR(orgs(s, (store_org_filter){.search = "contoso", .state = "qualified", .level = "silver"},
                   &page, &c),
              "contoso-eu");
    /* fabrikam is qualified at gold, not at silver */
    CHECK_STR(orgs(s, (store_org_filter){.search = "fabrikam", .state = "qualified", .level = "gold"},
                   &page, &c),
              "fabrikam");
    CHECK_STR(orgs(s, (store_org_filter){.search = "fab", .state = "qualified", .level = "silver"},
                   &page, &c),
              "");
    CHECK_STR(orgs(s, (store_org_filter){.search = "cont", .competency = "cloud-platform",
                                         .state = "qualified"},
                   &page, &c),
              "contoso-eu");
    page = (store_page){.limit = 1};
    CHECK_STR(orgs(s, (store_org_filter){.search = "contoso", .level = "silver"}, &page, &c),
              "contoso+");
    page.after = page.next;
    CHECK_STR(orgs(s, (store_org_filter){.search = "contoso", .level = "silver"}, &page, &c),
              "contoso-eu");
    CHECK(!page.more && page.next.k1 == 0);
    page = (store_page){.limit = 50};
    CHECK_STR(
        orgs(s, (store_org_filter){.search = "contoso", .competency = "cloud-platform"}, &page, &c),
        "contoso,contoso-eu");
    CHECK_STR(orgs(s, (store_org_filter){.search = "contoso", .level = "gold", .state = "at_risk"},
                   &page, &c),
              "contoso");
    CHECK_STR(
        orgs(s,
             (store_org_filter){.search = "contoso", .competency = "cloud-platform", .level = "gold"},
             &page, &c),
        "");
    CHECK_STR(orgs(s, (store_org_filter){.search = "t", .competency = "devops"}, &page, &c),
              "tailspin");
  }
  s->search_merge_max = s->search_seek_gap = 0;
  store_page page;
  /* Pages of a filter. */
  page = (store_page){.limit = 1};
  CHECK_STR(orgs(s, (store_org_filter){.state = "at_risk"}, &page, &c), "contoso+");
  page.after = page.next;
  CHECK_STR(orgs(s, (store_org_filter){.state = "at_risk"}, &page, &c), "northwind");
  page = (store_page){.limit = 2};
  CHECK_STR(orgs(s, (store_org_filter){.competency = "cloud-platform"}, &page, &c),
            "contoso,fabrikam+");
  page.after = page.next;
  CHECK_STR(orgs(s, (store_org_filter){.competency = "cloud-platform"}, &page, &c),
            "northwind,contoso-eu");
  store_close(s);
  testdb_remove(p);
}

/* Every list reads the same rows after ANALYZE (the SQLite 3.40.1 bug, docs/store.md): the
 * plans are pinned with INDEXED BY and no list uses an IN list. */
static void lists_stay_right_after_analyze(void) {
  const char *p;
  store *s = setup(&p);
  collect c;
  sqlite3_exec(s->db, "ANALYZE", NULL, NULL, NULL);
  store_close(s);
  CHECK(store_open(&s, p, 0, err, sizeof err) == STORE_OK);
  CHECK_STR(filtered(s, "cloud-platform", NULL, NULL, &c), "contoso,fabrikam,northwind,contoso-eu");
  CHECK_STR(filtered(s, NULL, "gold", "at_risk", &c), "contoso");
  CHECK_STR(filtered(s, "cloud-platform", "silver", "at_risk", &c), "contoso,northwind");
  CHECK_STR(search(s, "cont", &c), "contoso,contoso-eu");
  store_close(s);
  testdb_remove(p);
}

static void counts_states_and_levels(void) {
  const char *p;
  store *s = setup(&p);
  store_org_counts n;
  CHECK(store_org_counts_get(s, "cloud-platform", &n, err, sizeof err) == STORE_OK);
  CHECK(n.orgs == 7 && n.qualified == 2 && n.active == 0 && n.at_risk == 2 && n.expired == 0);
  CHECK(n.silver == 3 && n.gold == 1);
  CHECK(store_org_counts_get(s, NULL, &n, err, sizeof err) == STORE_OK);
  CHECK(n.orgs == 7 && n.qualified == 2 && n.at_risk == 3 && n.expired == 1);
  CHECK(n.silver == 3 && n.gold == 2);
  CHECK(store_org_counts_get(s, "nothing", &n, err, sizeof err) == STORE_OK);
  CHECK(n.orgs == 7 && n.qualified == 0 && n.silver == 0);
  store_close(s);
  testdb_remove(p);
}

static int change_standings(store *s, void *arg, char *e, size_t n) {
  int rec, rc = 0;
  store_result_rec r[] = {
      {1, "cloud-platform", "v", "gold", NULL},  /* silver -> gold */
      {2, "cloud-platform", "v", NULL, NULL},    /* gold -> none: the row goes */
      {3, "cloud-platform", "v", NULL, "boom"},  /* silver -> an error */
      {5, "devops", "v", "silver", NULL},        /* a new one */
  };
  for (size_t i = 0; i < sizeof r / sizeof *r && !rc; i++) rc = store_result_put(s, &r[i], e, n);
  if (!rc) rc = store_status_put(s, 1, "cloud-platform", "active", 400, "met", &rec, e, n);
  if (!rc) rc = store_status_put(s, 2, "cloud-platform", "none", 400, "gone", &rec, e, n);
  if (!rc) rc = store_status_put(s, 7, "security", "qualified", 400, "new", &rec, e, n);
  if (!rc) rc = store_results_prune(s, 6, 6, "w", e, n); /* contoso-eu's, by another set */
  if (!rc) {
    store_write_begin(s);
    rc = store_org_put(s, "litware", (store_opt_text){1, "Litware Inc"}, e, n);
    int64_t changed;
    if (!rc) rc = store_write_finish(s, &changed, e, n);
  }
  return rc;
}

static int64_t query_int(store *s, const char *sql) {
  sqlite3_stmt *st;
  int64_t v = -1;
  if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
    v = sqlite3_column_int64(st, 0);
  sqlite3_finalize(st);
  return v;
}

/* The counts the triggers keep are the counts of the rows, after every kind of write an
 * evaluation or an import makes. */
static void keeps_counts_through_every_change(void) {
  const char *p;
  store *s = setup(&p);
  CHECK(store_tx(s, change_standings, NULL, err, sizeof err) == STORE_OK);
  store_org_counts n;
  CHECK(store_org_counts_get(s, "cloud-platform", &n, err, sizeof err) == STORE_OK);
  CHECK(n.orgs == 8 && n.qualified == 1 && n.active == 1 && n.at_risk == 1 && n.expired == 0);
  CHECK(n.silver == 0 && n.gold == 1);
  CHECK(store_org_counts_get(s, NULL, &n, err, sizeof err) == STORE_OK);
  CHECK(n.qualified == 2 && n.active == 1 && n.at_risk == 2 && n.expired == 1);
  CHECK(n.silver == 1 && n.gold == 2);
  CHECK(query_int(s, "SELECT count(*) FROM (SELECT competency, state, count(*) AS n FROM status "
                     "GROUP BY competency, state EXCEPT SELECT * FROM state_count)") == 0);
  CHECK(query_int(s, "SELECT count(*) FROM (SELECT competency, level, count(*) AS n FROM result "
                     "WHERE level IS NOT NULL GROUP BY competency, level "
                     "EXCEPT SELECT * FROM level_count WHERE n > 0)") == 0);
  CHECK(query_int(s, "SELECT count(*) FROM level_count WHERE n > 0") ==
        query_int(s, "SELECT count(DISTINCT competency || level) FROM result WHERE level IS NOT NULL"));
  store_close(s);
  testdb_remove(p);
}

static int add_standing(void *arg, const store_standing_row *r) {
  collect *c = arg;
  size_t n = strlen(c->buf);
  snprintf(c->buf + n, sizeof c->buf - n, "%s:%s/%s/%s/%lld;", r->competency,
           r->level ? r->level : "-", r->error ? "error" : "-", r->state ? r->state : "-",
           r->since == STORE_NO_TIME ? -1LL : (long long)r->since);
  return 0;
}

static const char *standing(store *s, int64_t oid, collect *c) {
  c->buf[0] = 0;
  return store_org_standing(s, oid, add_standing, c, err, sizeof err) ? err : c->buf;
}

static void merges_levels_and_states_into_a_standing(void) {
  const char *p;
  store *s = setup(&p);
  collect c;
  CHECK_STR(standing(s, 1, &c), "cloud-platform:silver/-/at_risk/300;devops:gold/-/at_risk/310;");
  CHECK_STR(standing(s, 4, &c), "security:-/error/-/-1;");  /* an error, no state */
  CHECK_STR(standing(s, 5, &c), "devops:-/-/expired/150;"); /* none is left out */
  CHECK_STR(standing(s, 7, &c), "");
  store_close(s);
  testdb_remove(p);
}

static int add_history(void *arg, const store_history_row *r) {
  collect *c = arg;
  size_t n = strlen(c->buf);
  snprintf(c->buf + n, sizeof c->buf - n, "%lld %s %s;", (long long)r->at, r->competency, r->state);
  return 0;
}

static const char *history(store *s, int64_t oid, const char *competency, store_page *page,
                           collect *c) {
  c->buf[0] = 0;
  if (store_history_page(s, oid, competency, page, add_history, c, err, sizeof err)) return err;
  if (page->more) strcat(c->buf, "+");
  return c->buf;
}

static void reads_history_in_time_order(void) {
  const char *p;
  store *s = setup(&p);
  collect c;
  store_page page = {.limit = 50};
  CHECK_STR(history(s, 1, NULL, &page, &c),
            "100 cloud-platform qualified;150 devops qualified;160 devops active;"
            "200 cloud-platform active;300 cloud-platform at_risk;310 devops at_risk;");
  CHECK_STR(history(s, 1, "devops", &page, &c),
            "150 devops qualified;160 devops active;310 devops at_risk;");
  page = (store_page){.limit = 4};
  CHECK_STR(history(s, 1, NULL, &page, &c),
            "100 cloud-platform qualified;150 devops qualified;160 devops active;"
            "200 cloud-platform active;+");
  page.after = page.next;
  CHECK_STR(history(s, 1, NULL, &page, &c), "300 cloud-platform at_risk;310 devops at_risk;");
  page = (store_page){.limit = 2};
  CHECK_STR(history(s, 1, "devops", &page, &c), "150 devops qualified;160 devops active;+");
  page.after = page.next;
  CHECK_STR(history(s, 1, "devops", &page, &c), "310 devops at_risk;");
  page = (store_page){.limit = 50};
  CHECK_STR(history(s, 7, NULL, &page, &c), "");
  store_close(s);
  testdb_remove(p);
}

static int add_alert(void *arg, const store_alert_list_row *r) {
  collect *c = arg;
  size_t n = strlen(c->buf);
  snprintf(c->buf + n, sizeof c->buf - n, "%lld %s %s %s%s;", (long long)r->id, r->org,
           r->competency, r->cause, r->cleared == STORE_NO_TIME ? "" : " (cleared)");
  return 0;
}

static const char *alerts(store *s, store_alert_filter f, store_page *page, collect *c) {
  c->buf[0] = 0;
  if (store_alerts_page(s, &f, page, add_alert, c, err, sizeof err)) return err;
  if (page->more) strcat(c->buf, "+");
  return c->buf;
}

static void lists_alerts_newest_first(void) {
  const char *p;
  store *s = setup(&p);
  collect c;
  store_page page = {.limit = 50};
  CHECK_STR(alerts(s, (store_alert_filter){0}, &page, &c),
            "3 contoso devops cy left;2 northwind cloud-platform AZ-104 expired;"
            "1 contoso cloud-platform ben left (cleared);");
  CHECK_STR(alerts(s, (store_alert_filter){.open_only = 1}, &page, &c),
            "3 contoso devops cy left;2 northwind cloud-platform AZ-104 expired;");
  CHECK_STR(alerts(s, (store_alert_filter){.oid = 1}, &page, &c),
            "3 contoso devops cy left;1 contoso cloud-platform ben left (cleared);");
  CHECK_STR(alerts(s, (store_alert_filter){.oid = 1, .open_only = 1}, &page, &c),
            "3 contoso devops cy left;");
  CHECK_STR(
      alerts(s, (store_alert_filter){.competency = "cloud-platform"}, &page, &c),
      "2 northwind cloud-platform AZ-104 expired;1 contoso cloud-platform ben left (cleared);");
  CHECK_STR(alerts(s, (store_alert_filter){.oid = 2}, &page, &c), "");
  page = (store_page){.limit = 2};
  CHECK_STR(alerts(s, (store_alert_filter){0}, &page, &c),
            "3 contoso devops cy left;2 northwind cloud-platform AZ-104 expired;+");
  page.after = page.next;
  CHECK_STR(alerts(s, (store_alert_filter){0}, &page, &c),
            "1 contoso cloud-platform ben left (cleared);");
  store_close(s);
  testdb_remove(p);
}

static int get_name(void *arg, const store_org_row *r) {
  snprintf(arg, 64, "%lld %s", (long long)r->oid, r->name ? r->name : "(none)");
  return 0;
}

static void finds_an_organisation_with_its_name(void) {
  const char *p;
  store *s = setup(&p);
  char got[64] = "";
  CHECK(store_org_get(s, "northwind", get_name, got, err, sizeof err) == STORE_OK);
  CHECK_STR(got, "3 Northwind Traders");
  CHECK(store_org_get(s, "nobody", get_name, got, err, sizeof err) == STORE_ENOTFOUND);
  CHECK_STR(err, "unknown organisation \"nobody\"");
  store_close(s);
  testdb_remove(p);
}

int main(void) {
  RUN(pages_through_organisations_by_keyset);
  RUN(searches_words_of_the_id_and_name);
  RUN(filters_by_competency_level_and_state);
  RUN(lists_stay_right_after_analyze);
  RUN(counts_states_and_levels);
  RUN(keeps_counts_through_every_change);
  RUN(merges_levels_and_states_into_a_standing);
  RUN(reads_history_in_time_order);
  RUN(lists_alerts_newest_first);
  RUN(finds_an_organisation_with_its_name);
  return check_report();
}
