/* lists_json.c — the lists as JSON (see lists_json.h). */
#include "lists_json.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "isotime.h"

static void counts_json(jsonw *w, const char *competency, const store_org_counts *c) {
  jsonw_key(w, "counts");
  jsonw_obj_begin(w);
  jsonw_key(w, "competency");
  competency ? jsonw_str(w, competency) : jsonw_null(w);
  const char *names[] = {"orgs", "qualified", "active", "at_risk", "expired", "silver", "gold"};
  const int64_t values[] = {c->orgs,    c->qualified, c->active, c->at_risk,
                            c->expired, c->silver,    c->gold};
  for (int i = 0; i < 7; i++) {
    jsonw_key(w, names[i]);
    jsonw_int(w, values[i]);
  }
  jsonw_obj_end(w);
}

typedef struct org_item {
  int64_t oid;
  char *key, *name;
} org_item;

typedef struct org_items {
  org_item *items;
  int n;
} org_items;

static int keep(void *arg, const store_org_row *r) {
  org_items *p = arg;
  org_item *it = &p->items[p->n];
  it->oid = r->oid;
  it->key = strdup(r->key);
  it->name = r->name ? strdup(r->name) : NULL;
  if (!it->key || (r->name && !it->name)) {
    free(it->key);
    free(it->name);
    return 1;
  }
  p->n++;
  return 0;
}

static int oid_of(void *arg, const store_org_row *r) {
  *(int64_t *)arg = r->oid;
  return 0;
}

typedef struct standing_out {
  jsonw *w;
  const char *only;
} standing_out;

static int standing(void *arg, const store_standing_row *r) {
  standing_out *o = arg;
  if (o->only && strcmp(o->only, r->competency) != 0) return 0;
  jsonw *w = o->w;
  jsonw_obj_begin(w);
  jsonw_key(w, "competency");
  jsonw_str(w, r->competency);
  jsonw_key(w, "level");
  r->level ? jsonw_str(w, r->level) : jsonw_null(w);
  jsonw_key(w, "state");
  jsonw_str(w, r->state ? r->state : "none");
  jsonw_key(w, "since");
  jsonw_time(w, r->since);
  if (r->error) {
    jsonw_key(w, "error");
    jsonw_str(w, r->error);
  }
  jsonw_obj_end(w);
  return 0;
}

int lists_json_orgs(store *s, const store_org_filter *f, int limit, const char *after, jsonw *w,
                    char *err, size_t errsz) {
  store_page page = {.limit = limit};
  int rc = STORE_OK;
  if (after && (rc = store_org_get(s, after, oid_of, &page.after.k1, err, errsz))) return rc;
  store_org_counts counts;
  org_items p = {calloc((size_t)limit, sizeof *p.items), 0};
  if (!p.items) {
    snprintf(err, errsz, "out of memory");
    return STORE_ERROR;
  }
  rc = store_org_counts_get(s, f->competency, &counts, err, errsz);
  if (!rc) rc = store_orgs_page(s, f, &page, keep, &p, err, errsz);
  if (!rc) {
    jsonw_obj_begin(w);
    counts_json(w, f->competency, &counts);
    jsonw_key(w, "orgs");
    jsonw_arr_begin(w);
    for (int i = 0; i < p.n && !rc; i++) {
      jsonw_obj_begin(w);
      jsonw_key(w, "id");
      jsonw_str(w, p.items[i].key);
      jsonw_key(w, "name");
      p.items[i].name ? jsonw_str(w, p.items[i].name) : jsonw_null(w);
      jsonw_key(w, "competencies");
      jsonw_arr_begin(w);
      standing_out o = {w, f->competency};
      rc = store_org_standing(s, p.items[i].oid, standing, &o, err, errsz);
      jsonw_arr_end(w);
      jsonw_obj_end(w);
    }
    jsonw_arr_end(w);
    jsonw_key(w, "next");
    page.more && p.n ? jsonw_str(w, p.items[p.n - 1].key) : jsonw_null(w);
    jsonw_obj_end(w);
  }
  for (int i = 0; i < p.n; i++) {
    free(p.items[i].key);
    free(p.items[i].name);
  }
  free(p.items);
  return rc;
}

typedef struct named {
  int64_t oid;
  char name[256];
  int has_name;
} named;

static int org_named(void *arg, const store_org_row *r) {
  named *n = arg;
  n->oid = r->oid;
  n->has_name = r->name != NULL;
  snprintf(n->name, sizeof n->name, "%s", r->name ? r->name : "");
  return 0;
}

static int history_row(void *arg, const store_history_row *r) {
  jsonw *w = arg;
  jsonw_obj_begin(w);
  jsonw_key(w, "at");
  jsonw_time(w, r->at);
  jsonw_key(w, "competency");
  jsonw_str(w, r->competency);
  jsonw_key(w, "state");
  jsonw_str(w, r->state);
  jsonw_key(w, "cause");
  r->cause ? jsonw_str(w, r->cause) : jsonw_null(w);
  jsonw_obj_end(w);
  return 0;
}

int lists_json_history(store *s, const char *key, const char *competency, jsonw *w, char *err,
                       size_t errsz) {
  named n = {0};
  int rc = store_org_get(s, key, org_named, &n, err, errsz);
  if (rc) return rc;
  jsonw_obj_begin(w);
  jsonw_key(w, "org");
  jsonw_str(w, key);
  jsonw_key(w, "name");
  n.has_name ? jsonw_str(w, n.name) : jsonw_null(w);
  jsonw_key(w, "history");
  jsonw_arr_begin(w);
  /* An organisation's history is short: every page of it, in order. */
  store_page page = {.limit = STORE_PAGE_MAX};
  do {
    rc = store_history_page(s, n.oid, competency, &page, history_row, w, err, errsz);
    page.after = page.next;
  } while (!rc && page.more);
  jsonw_arr_end(w);
  jsonw_obj_end(w);
  return rc;
}

typedef struct alerts_out {
  jsonw *w;
  int64_t last;
} alerts_out;

static int alert_row(void *arg, const store_alert_list_row *r) {
  alerts_out *o = arg;
  jsonw *w = o->w;
  o->last = r->id;
  jsonw_obj_begin(w);
  jsonw_key(w, "id");
  jsonw_int(w, r->id);
  jsonw_key(w, "org");
  jsonw_str(w, r->org);
  jsonw_key(w, "name");
  r->org_name ? jsonw_str(w, r->org_name) : jsonw_null(w);
  jsonw_key(w, "competency");
  jsonw_str(w, r->competency);
  jsonw_key(w, "kind");
  jsonw_str(w, r->kind);
  jsonw_key(w, "message");
  jsonw_str(w, r->message);
  jsonw_key(w, "cause");
  r->cause ? jsonw_str(w, r->cause) : jsonw_null(w);
  jsonw_key(w, "raised");
  jsonw_time(w, r->raised);
  jsonw_key(w, "cleared");
  r->cleared != STORE_NO_TIME ? jsonw_time(w, r->cleared) : jsonw_null(w);
  jsonw_key(w, "cleared_cause");
  r->cleared_cause ? jsonw_str(w, r->cleared_cause) : jsonw_null(w);
  jsonw_obj_end(w);
  return 0;
}

int lists_json_alerts(store *s, const store_alert_filter *f, int limit, int64_t before, jsonw *w,
                      char *err, size_t errsz) {
  jsonw_obj_begin(w);
  jsonw_key(w, "alerts");
  jsonw_arr_begin(w);
  alerts_out o = {w, 0};
  store_page page = {.limit = limit, .after = {before, 0}};
  int rc = store_alerts_page(s, f, &page, alert_row, &o, err, errsz);
  jsonw_arr_end(w);
  jsonw_key(w, "next");
  page.more ? jsonw_int(w, o.last) : jsonw_null(w);
  jsonw_obj_end(w);
  return rc;
}
