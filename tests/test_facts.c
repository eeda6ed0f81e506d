/* test_facts.c — the counting rules on facts loaded from the store: R6 (24 hours), R7
 * (the association in force), R8 (departures), expiry, R15 overrides, metric windows,
 * and the next time a result can change by itself. */
#include "check.h"
#include "facts.h"
#include "facts_load.h"
#include "import.h"
#include "isotime.h"
#include "store.h"
#include "store_internal.h"
#include "store_read.h"
#include "testdb.h"

static char err[1024];

static const char *FACTS =
    "{\"type\":\"org\",\"id\":\"a\"}\n"
    "{\"type\":\"org\",\"id\":\"b\"}\n"
    "{\"type\":\"user\",\"id\":\"u1\",\"org\":\"a\",\"joined\":\"2025-01-01\"}\n"
    "{\"type\":\"user\",\"id\":\"u2\",\"org\":\"a\",\"joined\":\"2025-01-01\",\"left\":\"2026-03-01\"}\n"
    "{\"type\":\"user\",\"id\":\"u3\",\"org\":\"a\",\"joined\":\"2025-01-01\"}\n"
    "{\"type\":\"user\",\"id\":\"v1\",\"org\":\"b\",\"joined\":\"2025-01-01\"}\n"
    "{\"type\":\"msa_link\",\"msa\":\"m1\",\"user\":\"u1\",\"at\":\"2025-02-01T00:00:00Z\"}\n"
    "{\"type\":\"msa_link\",\"msa\":\"m2\",\"user\":\"u2\",\"at\":\"2025-02-01T00:00:00Z\"}\n"
    "{\"type\":\"msa_link\",\"msa\":\"m3\",\"user\":\"u3\",\"at\":\"2025-02-01T00:00:00Z\"}\n"
    /* u1: AZ-104 earned 2025-03-01 12:00, counts from 2025-03-02 12:00; a second cert
     * of the same person must not count twice. */
    "{\"type\":\"achievement\",\"msa\":\"m1\",\"code\":\"AZ-104\",\"kind\":\"certification\",\"earned\":\"2025-03-01T12:00:00Z\",\"expires\":\"2027-03-01\"}\n"
    "{\"type\":\"achievement\",\"msa\":\"m1\",\"code\":\"AZ-204\",\"kind\":\"certification\",\"earned\":\"2025-03-01T12:00:00Z\"}\n"
    /* u2 leaves 2026-03-01. */
    "{\"type\":\"achievement\",\"msa\":\"m2\",\"code\":\"AZ-104\",\"kind\":\"certification\",\"earned\":\"2025-03-01T00:00:00Z\"}\n"
    /* u3's cert expires 2026-06-01; the MSA moves to org b's v1 on 2026-09-01. */
    "{\"type\":\"achievement\",\"msa\":\"m3\",\"code\":\"AZ-204\",\"kind\":\"certification\",\"earned\":\"2025-03-01T00:00:00Z\",\"expires\":\"2026-06-01\"}\n"
    "{\"type\":\"achievement\",\"msa\":\"m3\",\"code\":\"AZ-305\",\"kind\":\"certification\",\"earned\":\"2025-04-01T00:00:00Z\"}\n"
    "{\"type\":\"achievement\",\"msa\":\"m3\",\"code\":\"TA-CLOUD\",\"kind\":\"assessment\",\"earned\":\"2025-04-01T00:00:00Z\"}\n"
    "{\"type\":\"msa_link\",\"msa\":\"m3\",\"user\":\"v1\",\"at\":\"2026-09-01T00:00:00Z\"}\n"
    "{\"type\":\"metric\",\"org\":\"a\",\"metric\":\"rev\",\"period\":\"2025-12\",\"value\":100}\n"
    "{\"type\":\"metric\",\"org\":\"a\",\"metric\":\"rev\",\"period\":\"2026-01\",\"value\":200}\n"
    "{\"type\":\"metric\",\"org\":\"a\",\"metric\":\"rev\",\"period\":\"2026-03\",\"value\":300}\n"
    "{\"type\":\"metric\",\"org\":\"a\",\"metric\":\"seats\",\"period\":\"2026-01\",\"value\":40}\n"
    "{\"type\":\"override\",\"org\":\"a\",\"competency\":\"cloud\",\"code\":\"AZ-305\",\"people\":2,"
    "\"reason\":\"r\",\"by\":\"ops\",\"from\":\"2026-01-01\",\"until\":\"2026-12-31\"}\n"
    /* Organisation c, for what is known when: w1 will leave on 2026-05-15 (learned then),
     * w2 too (learned on 2026-02-01, in advance), w3's MSA moves to d on 2026-08-01, w4
     * left on 2026-03-01 but it was reported on 2026-03-10, w5's AZ-104 was earned on
     * 2026-03-01 and reported on 2026-03-05; an override granted on 2026-02-01 starts on
     * 2026-06-01. */
    "{\"type\":\"org\",\"id\":\"c\"}\n"
    "{\"type\":\"org\",\"id\":\"d\"}\n"
    "{\"type\":\"user\",\"id\":\"x1\",\"org\":\"d\",\"joined\":\"2025-01-01\"}\n"
    "{\"type\":\"user\",\"id\":\"w1\",\"org\":\"c\",\"joined\":\"2025-01-01\",\"left\":\"2026-05-15\"}\n"
    "{\"type\":\"user\",\"id\":\"w2\",\"org\":\"c\",\"joined\":\"2025-01-01\"}\n"
    "{\"type\":\"user\",\"id\":\"w2\",\"left\":\"2026-05-15\",\"known\":\"2026-02-01\"}\n"
    "{\"type\":\"user\",\"id\":\"w3\",\"org\":\"c\",\"joined\":\"2025-01-01\"}\n"
    "{\"type\":\"user\",\"id\":\"w4\",\"org\":\"c\",\"joined\":\"2025-01-01\"}\n"
    "{\"type\":\"user\",\"id\":\"w4\",\"left\":\"2026-03-01\",\"known\":\"2026-03-10\"}\n"
    "{\"type\":\"user\",\"id\":\"w5\",\"org\":\"c\",\"joined\":\"2025-01-01\"}\n"
    "{\"type\":\"msa_link\",\"msa\":\"n1\",\"user\":\"w1\",\"at\":\"2025-02-01T00:00:00Z\"}\n"
    "{\"type\":\"msa_link\",\"msa\":\"n2\",\"user\":\"w2\",\"at\":\"2025-02-01T00:00:00Z\"}\n"
    "{\"type\":\"msa_link\",\"msa\":\"n3\",\"user\":\"w3\",\"at\":\"2025-02-01T00:00:00Z\"}\n"
    "{\"type\":\"msa_link\",\"msa\":\"n4\",\"user\":\"w4\",\"at\":\"2025-02-01T00:00:00Z\"}\n"
    "{\"type\":\"msa_link\",\"msa\":\"n5\",\"user\":\"w5\",\"at\":\"2025-02-01T00:00:00Z\"}\n"
    "{\"type\":\"achievement\",\"msa\":\"n1\",\"code\":\"DP-203\",\"kind\":\"certification\",\"earned\":\"2025-03-01T00:00:00Z\"}\n"
    "{\"type\":\"achievement\",\"msa\":\"n2\",\"code\":\"DP-203\",\"kind\":\"certification\",\"earned\":\"2025-03-01T00:00:00Z\"}\n"
    "{\"type\":\"achievement\",\"msa\":\"n3\",\"code\":\"DP-203\",\"kind\":\"certification\",\"earned\":\"2025-03-01T00:00:00Z\"}\n"
    "{\"type\":\"achievement\",\"msa\":\"n4\",\"code\":\"DP-203\",\"kind\":\"certification\",\"earned\":\"2025-03-01T00:00:00Z\"}\n"
    "{\"type\":\"achievement\",\"msa\":\"n5\",\"code\":\"DP-203\",\"kind\":\"certification\",\"earned\":\"2026-03-01T00:00:00Z\",\"known\":\"2026-03-05\"}\n"
    "{\"type\":\"msa_link\",\"msa\":\"n3\",\"user\":\"x1\",\"at\":\"2026-08-01T00:00:00Z\"}\n"
    "{\"type\":\"override\",\"org\":\"c\",\"competency\":\"data\",\"code\":\"DP-203\",\"people\":1,"
    "\"reason\":\"r\",\"by\":\"ops\",\"from\":\"2026-06-01\",\"until\":\"2026-12-31\",\"known\":\"2026-02-01\"}\n";

static int64_t T(const char *s) {
  int64_t t = 0;
  isotime_parse(s, &t);
  return t;
}

static facts_time at(const char *s) { return (facts_time){T(s), T(s)}; }

static store *db;
static facts_batch *batch;
static const char *path;

static const facts_org *org(const char *key) {
  for (int i = 0; i < facts_batch_count(batch); i++)
    if (strcmp(facts_batch_org(batch, i)->key, key) == 0) return facts_batch_org(batch, i);
  return NULL;
}

static int64_t people(const char *key, const char *at, const char *code, const char *competency) {
  unsigned char seen[64];
  const char *codes[] = {code};
  facts_time ft = {T(at), T(at)};
  return facts_people(org(key), ft, codes, 1, FACTS_CERTIFICATION, competency, seen);
}

static void setup(void) {
  path = testdb_path();
  store_open(&db, path, 1, err, sizeof err);
  import_stats st;
  if (import_file(db, testdb_file("facts.jsonl", FACTS), &st, err, sizeof err))
    fprintf(stderr, "setup: %s\n", err);
  batch = facts_batch_new();
  int64_t max;
  store_org_max(db, &max, err, sizeof err);
  if (facts_batch_load(batch, db, 1, max, NULL, 0, NULL, NULL, err, sizeof err)) fprintf(stderr, "setup: %s\n", err);
}

static void loads_each_organisations_facts(void) {
  CHECK(facts_batch_count(batch) == 4);
  CHECK(org("a")->nusers == 3);
  CHECK(org("a")->nholdings == 6);
  CHECK(org("b")->nholdings == 3); /* m3's achievements, through v1 */
  CHECK(org("a")->nmetrics == 4);
  CHECK(org("a")->noverrides == 1);
}

static void counts_an_achievement_only_24_hours_after_it_was_earned(void) {
  /* u3's AZ-204 (earned at midnight) already counts; u1's (earned at noon) joins it
   * exactly 24 hours later. */
  CHECK(people("a", "2025-03-02T11:59:59Z", "AZ-204", NULL) == 1);
  CHECK(people("a", "2025-03-02T12:00:00Z", "AZ-204", NULL) == 2);
}

static void counts_24_hours_after_association_when_that_is_later(void) {
  /* m3 associated with v1 on 2026-09-01: b counts AZ-305 from 2026-09-02. */
  CHECK(people("b", "2026-09-01T23:59:59Z", "AZ-305", NULL) == 0);
  CHECK(people("b", "2026-09-02T00:00:00Z", "AZ-305", NULL) == 1);
}

static void waits_24_hours_from_the_accounts_start_when_that_is_later(void) {
  /* u1 joined 2025-01-01 but its MSA was linked 2025-02-01 and AZ-104 earned after: the
   * account's start changes nothing; for a link dated before the account, the wait
   * runs from the account's start. */
  const facts_org *a = org("a");
  facts_holding h = a->holdings[0];
  h.started = T("2024-06-01");
  h.earned = T("2024-07-01");
  CHECK(facts_holding_counts_from(a, &h) == T("2025-01-02"));
}

static void counts_a_person_once_whatever_they_hold(void) {
  unsigned char seen[64];
  const char *codes[] = {"AZ-104", "AZ-204"};
  CHECK(facts_people(org("a"), at("2026-01-01"), codes, 2, FACTS_CERTIFICATION, NULL, seen) == 3);
}

static void stops_counting_when_a_person_leaves(void) {
  CHECK(people("a", "2026-02-28T23:59:59Z", "AZ-104", NULL) == 2);
  CHECK(people("a", "2026-03-01T00:00:00Z", "AZ-104", NULL) == 1);
}

static void stops_counting_at_expiry(void) {
  CHECK(people("a", "2026-05-31T23:59:59Z", "AZ-204", NULL) == 2);
  CHECK(people("a", "2026-06-01T00:00:00Z", "AZ-204", NULL) == 1);
}

static void counts_for_the_organisation_the_msa_is_associated_with_then(void) {
  CHECK(people("a", "2026-08-31T00:00:00Z", "AZ-305", NULL) == 1);
  CHECK(people("a", "2026-09-01T00:00:00Z", "AZ-305", NULL) == 0);
  CHECK(people("b", "2026-08-31T00:00:00Z", "AZ-305", NULL) == 0);
  const facts_org *a = org("a");
  int moved = 0;
  for (int i = 0; i < a->nholdings; i++)
    if (facts_holding_status(a, &a->holdings[i], at("2026-10-01")) == FACTS_MOVED_AWAY) moved++;
  CHECK(moved == 3);
}

static void filters_by_kind(void) {
  unsigned char seen[64];
  const char *codes[] = {"TA-CLOUD"};
  CHECK(facts_people(org("a"), at("2026-01-01"), codes, 1, FACTS_ASSESSMENT, NULL, seen) == 1);
  CHECK(facts_people(org("a"), at("2026-01-01"), codes, 1, FACTS_CERTIFICATION, NULL, seen) == 0);
  CHECK(facts_people(org("a"), at("2026-01-01"), codes, 1, FACTS_ANY, NULL, seen) == 1);
}

static void adds_overrides_in_force_for_their_competency(void) {
  CHECK(people("a", "2026-10-01", "AZ-305", "cloud") == 2);
  CHECK(people("a", "2026-10-01", "AZ-305", "security") == 0);
  CHECK(people("a", "2025-12-31T23:59:59Z", "AZ-305", "cloud") == 1); /* before from: u3 only */
  CHECK(people("a", "2026-12-31", "AZ-305", "cloud") == 0);            /* until is exclusive */
}

static void sums_metrics_over_month_windows(void) {
  const facts_org *a = org("a");
  CHECK(facts_metric_sum(a, "rev", T("2026-03-15"), 3) == 500);  /* Jan..Mar */
  CHECK(facts_metric_sum(a, "rev", T("2026-03-15"), 4) == 600);  /* Dec..Mar */
  CHECK(facts_metric_sum(a, "rev", T("2026-02-15"), 12) == 300); /* March is later */
  CHECK(facts_metric_sum(a, "nothing", T("2026-03-15"), 12) == 0);
  int found;
  CHECK(facts_metric_latest(a, "rev", T("2026-02-15"), &found) == 200 && found);
  CHECK(facts_metric_latest(a, "seats", T("2026-12-15"), &found) == 40 && found);
  facts_metric_latest(a, "seats", T("2025-12-15"), &found);
  CHECK(!found);
}

static void knows_when_a_result_can_next_change_by_itself(void) {
  const facts_org *a = org("a");
  CHECK(facts_next_change(a, T("2025-03-01T13:00:00Z")) == T("2025-03-02T00:00:00Z"));
  CHECK(facts_next_change(a, T("2026-02-15")) == T("2026-03-01"));          /* u2 leaves */
  CHECK(facts_next_change(a, T("2026-05-20")) == T("2026-06-01"));          /* expiry, month */
  CHECK(facts_next_change(a, T("2026-08-31T12:00:00Z")) == T("2026-09-01")); /* the move */
}

/* DP-203 holders of c as of `as_of`, with goals checked at `t`. */
static int64_t known_people(const char *t, const char *as_of, const char *competency) {
  unsigned char seen[64];
  const char *codes[] = {"DP-203"};
  facts_time ft = {T(t), T(as_of)};
  return facts_people(org("c"), ft, codes, 1, FACTS_CERTIFICATION, competency, seen);
}

static void sees_an_event_only_once_it_is_known(void) {
  /* 2 March: w1-w4 count (w4's departure is reported on 10 March); w5's AZ-104, earned on
   * 1 March, is reported on 5 March. */
  CHECK(known_people("2026-03-02", "2026-03-02", NULL) == 4);
  CHECK(known_people("2026-03-05", "2026-03-05", NULL) == 5); /* w5 in, and counts at once */
  CHECK(known_people("2026-03-10", "2026-03-10", NULL) == 4); /* w4's departure reported */
}

static void projects_only_what_was_known_as_of_the_evaluation(void) {
  /* Projected to the year end as of 2 March: w2's departure was announced (not w1's, not
   * the move of w3's MSA); w4 still counts (not reported yet), w5 is not known yet; the
   * override was granted in advance and is in force at the year end. */
  CHECK(known_people("2026-12-30", "2026-03-02", NULL) == 3);
  CHECK(known_people("2026-12-30", "2026-03-02", "data") == 4);
  /* As of 1 June: w1's departure has happened, w4's is reported, w5 counts; the move of
   * n3 (on 1 August) is not known yet. */
  CHECK(known_people("2026-12-30", "2026-06-01", NULL) == 2);
  /* As of 2 August the move is known: w3 no longer counts for c ... */
  CHECK(known_people("2026-12-30", "2026-08-02", NULL) == 1);
  /* ... and as of 15 January nothing of it is known: neither w2's departure nor the
   * override, not granted yet. */
  CHECK(known_people("2026-12-30", "2026-01-15", "data") == 4);
}

static void tells_how_and_when_a_counting_holding_ends(void) {
  const facts_org *c = org("c");
  facts_time ft = {T("2026-03-02"), T("2026-03-02")};
  int left = 0, unknown = 0;
  for (int i = 0; i < c->nholdings; i++) {
    const facts_holding *h = &c->holdings[i];
    if (facts_holding_status(c, h, ft) != FACTS_COUNTS) continue;
    enum facts_why why;
    int64_t ends = facts_holding_ends(c, h, ft, &why);
    if (ends == T("2026-05-15") && why == FACTS_LEFT) left++; /* w2 only: announced */
    if (ends == FACTS_NO_TIME) unknown++;                      /* w1, w3, w4 */
  }
  CHECK(left == 1);
  CHECK(unknown == 3);
}

static void a_known_time_is_a_time_boundary(void) {
  const facts_org *c = org("c");
  CHECK(facts_next_change(c, T("2026-03-04")) == T("2026-03-05")); /* w5 reported */
  CHECK(facts_next_change(c, T("2026-03-06")) == T("2026-03-10")); /* w4 reported */
}

/* Every field of two loads of the same organisations, compared. */
static int same_facts(const facts_batch *x, const facts_batch *y) {
  if (facts_batch_count(x) != facts_batch_count(y)) return 0;
  for (int i = 0; i < facts_batch_count(x); i++) {
    const facts_org *a = facts_batch_org(x, i), *b = facts_batch_org(y, i);
    if (a->oid != b->oid || a->rev != b->rev || strcmp(a->key, b->key) || a->nusers != b->nusers ||
        a->nholdings != b->nholdings || a->nmetrics != b->nmetrics ||
        a->noverrides != b->noverrides || a->nmemberships != b->nmemberships)
      return 0;
    for (int k = 0; k < a->nusers; k++) {
      const facts_user *u = &a->users[k], *v = &b->users[k];
      if (u->uid != v->uid || strcmp(u->key, v->key) || u->joined != v->joined ||
          u->left != v->left || u->joined_known != v->joined_known || u->left_known != v->left_known)
        return 0;
    }
    for (int k = 0; k < a->nholdings; k++) {
      const facts_holding *g = &a->holdings[k], *h = &b->holdings[k];
      if (g->user != h->user || strcmp(g->msa, h->msa) || strcmp(g->code, h->code) ||
          g->kind != h->kind || g->started != h->started || g->link_known != h->link_known ||
          g->earned != h->earned || g->expires != h->expires || g->earned_known != h->earned_known ||
          g->nlater != h->nlater)
        return 0;
      for (int l = 0; l < g->nlater; l++)
        if (g->later[l].started != h->later[l].started || g->later[l].oid != h->later[l].oid ||
            g->later[l].known != h->later[l].known)
          return 0;
    }
    for (int k = 0; k < a->nmetrics; k++)
      if (strcmp(a->metrics[k].name, b->metrics[k].name) || a->metrics[k].period != b->metrics[k].period ||
          a->metrics[k].value != b->metrics[k].value)
        return 0;
    for (int k = 0; k < a->noverrides; k++) {
      const facts_override *p = &a->overrides[k], *q = &b->overrides[k];
      if (strcmp(p->competency, q->competency) || strcmp(p->code, q->code) || p->people != q->people ||
          strcmp(p->reason, q->reason) || strcmp(p->by, q->by) || p->from != q->from ||
          p->until != q->until || p->known != q->known)
        return 0;
    }
  }
  return 1;
}

static int64_t count_images(const char *where) {
  char sql[256];
  snprintf(sql, sizeof sql, "SELECT count(*) FROM org_facts %s", where);
  sqlite3_stmt *st;
  int64_t n = -1;
  if (sqlite3_prepare_v2(db->db, sql, -1, &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
    n = sqlite3_column_int64(st, 0);
  sqlite3_finalize(st);
  return n;
}

/* Facts images (store_image.c) give exactly the source tables' facts; a stale, missing
 * or unreadable image is read from the source tables instead; an import rebuilds the
 * images of the organisations it changes. */
static void images_give_the_source_tables_facts(void) {
  int64_t max;
  store_org_max(db, &max, err, sizeof err);
  CHECK(count_images("JOIN org USING (oid) WHERE org_facts.rev = org.rev") == 4);
  facts_batch *from_images = facts_batch_new(), *from_sources = facts_batch_new();
  CHECK(facts_batch_load(from_images, db, 1, max, NULL, 0, NULL, NULL, err, sizeof err) == 0);
  CHECK(sqlite3_exec(db->db, "UPDATE org_facts SET facts = x'ff' WHERE oid = 1;" /* unreadable */
                             "UPDATE org_facts SET rev = rev - 1 WHERE oid = 2;" /* stale */
                             "DELETE FROM org_facts WHERE oid = 3",              /* missing */
                     NULL, NULL, NULL) == SQLITE_OK);
  CHECK(facts_batch_load(from_sources, db, 1, max, NULL, 0, NULL, NULL, err, sizeof err) == 0);
  CHECK(same_facts(from_images, from_sources));
  CHECK(sqlite3_exec(db->db, "DELETE FROM org_facts", NULL, NULL, NULL) == SQLITE_OK);
  CHECK(facts_batch_load(from_sources, db, 1, max, NULL, 0, NULL, NULL, err, sizeof err) == 0);
  CHECK(same_facts(from_images, from_sources));
  /* An import changing c's facts rebuilds c's image (and only what it touched). */
  import_stats st;
  CHECK(import_file(db, testdb_file("leave.jsonl", "{\"type\":\"user\",\"id\":\"w3\",\"left\":\"2026-04-01\"}\n"),
                    &st, err, sizeof err) == 0);
  CHECK(count_images("") == 1);
  CHECK(facts_batch_load(from_images, db, 1, max, NULL, 0, NULL, NULL, err, sizeof err) == 0);
  CHECK(sqlite3_exec(db->db, "DELETE FROM org_facts", NULL, NULL, NULL) == SQLITE_OK);
  CHECK(facts_batch_load(from_sources, db, 1, max, NULL, 0, NULL, NULL, err, sizeof err) == 0);
  CHECK(same_facts(from_images, from_sources));
  /* And a fresh image is what the read uses: b given a's image reads as a's facts. */
  CHECK(import_file(db, testdb_file("touch.jsonl", "{\"type\":\"org\",\"id\":\"b\",\"name\":\"B\"}\n"),
                    &st, err, sizeof err) == 0);
  CHECK(sqlite3_exec(db->db, "INSERT INTO org_facts SELECT 1, rev, facts FROM org_facts WHERE oid = 2",
                     NULL, NULL, NULL) == SQLITE_OK);
  CHECK(sqlite3_exec(db->db, "UPDATE org SET rev = (SELECT rev FROM org WHERE oid = 2) WHERE oid = 1",
                     NULL, NULL, NULL) == SQLITE_OK);
  CHECK(facts_batch_load(from_images, db, 1, 2, NULL, 0, NULL, NULL, err, sizeof err) == 0);
  CHECK(facts_batch_count(from_images) == 2 && facts_batch_org(from_images, 0)->nusers == 1 &&
        facts_batch_org(from_images, 0)->nholdings == 3);
  CHECK(sqlite3_exec(db->db, "DELETE FROM org_facts WHERE oid = 1", NULL, NULL, NULL) == SQLITE_OK);
  facts_batch_free(from_images);
  facts_batch_free(from_sources);
}

static void reads_right_after_analyze(void) {
  /* The store never runs ANALYZE, but an operator might: the range reads stay right. */
  sqlite3_exec(db->db, "ANALYZE", NULL, NULL, NULL);
  facts_batch *b2 = facts_batch_new();
  int64_t max;
  store_org_max(db, &max, err, sizeof err);
  CHECK(facts_batch_load(b2, db, 1, max, NULL, 0, NULL, NULL, err, sizeof err) == 0);
  CHECK(facts_batch_count(b2) == 4);
  CHECK(facts_batch_org(b2, 0)->nholdings == 6 && facts_batch_org(b2, 1)->nholdings == 3);
  CHECK(facts_batch_load(b2, db, 2, 2, NULL, 0, NULL, NULL, err, sizeof err) == 0);
  CHECK(facts_batch_count(b2) == 1 && strcmp(facts_batch_org(b2, 0)->key, "b") == 0);
  facts_batch_free(b2);
}

int main(void) {
  setup();
  RUN(loads_each_organisations_facts);
  RUN(counts_an_achievement_only_24_hours_after_it_was_earned);
  RUN(counts_24_hours_after_association_when_that_is_later);
  RUN(waits_24_hours_from_the_accounts_start_when_that_is_later);
  RUN(counts_a_person_once_whatever_they_hold);
  RUN(stops_counting_when_a_person_leaves);
  RUN(stops_counting_at_expiry);
  RUN(counts_for_the_organisation_the_msa_is_associated_with_then);
  RUN(filters_by_kind);
  RUN(adds_overrides_in_force_for_their_competency);
  RUN(sums_metrics_over_month_windows);
  RUN(knows_when_a_result_can_next_change_by_itself);
  RUN(sees_an_event_only_once_it_is_known);
  RUN(projects_only_what_was_known_as_of_the_evaluation);
  RUN(tells_how_and_when_a_counting_holding_ends);
  RUN(a_known_time_is_a_time_boundary);
  RUN(images_give_the_source_tables_facts);
  RUN(reads_right_after_analyze);
  facts_batch_free(batch);
  store_close(db);
  testdb_remove(path);
  return check_report();
}
