/* store_internal.h — what the store's own files share (store.c, store_schema.c,
 * store_write.c, ...); nothing outside host/store*.c includes it.
 *
 * Statements are named by an enum and kept in one table so each is prepared once and
 * finalized in store_close. */
#ifndef ATTAIN_STORE_INTERNAL_H
#define ATTAIN_STORE_INTERNAL_H

#include <sqlite3.h>

#include "store.h"

struct store_metric_window; /* store_read.h */
struct store_facts_sink;

/* The lists of store_lists.c (docs/store.md, "Lists"): each page is driven by the index it
 * names (INDEXED BY: the plan does not depend on statistics), in the order of its keyset
 * cursor, and reads LIMIT + 1 rows to know whether more follow. */
#define STORE_LIST_ORG_COLS "SELECT d.oid, o.key, o.name FROM "
/* The level filter, for the competency of the status row `d` the query is driven by. */
#define STORE_LIST_LEVEL_OF_D                                                                  \
  "(:level IS NULL OR EXISTS (SELECT 1 FROM result r WHERE r.oid = d.oid "                     \
  "AND r.competency = d.competency AND r.level = :level))"
/* One state of a competency, for the competency filter alone (merged in oid order). */
#define STORE_LIST_IN_STATE(state)                                                             \
  STORE_LIST_ORG_COLS "status d INDEXED BY status_competency_state CROSS JOIN org o "          \
  "ON o.oid = d.oid WHERE d.competency = :competency AND d.state = '" state "' "               \
  "AND d.oid > :after"
/* Every filter, checked per organisation a search finds. */
#define STORE_LIST_FILTERS                                                                     \
  "(:competency IS NULL OR :state IS NOT NULL OR :level IS NOT NULL OR EXISTS "                \
  "(SELECT 1 FROM status s WHERE s.oid = d.oid AND s.competency = :competency "                \
  "AND s.state <> 'none')) "                                                                   \
  "AND (:state IS NULL OR EXISTS (SELECT 1 FROM status s WHERE s.oid = d.oid "                 \
  "AND s.state = :state AND (:competency IS NULL OR s.competency = :competency) "              \
  "AND (:level IS NULL OR EXISTS (SELECT 1 FROM result r WHERE r.oid = s.oid "                 \
  "AND r.competency = s.competency AND r.level = :level)))) "                                  \
  "AND (:level IS NULL OR :state IS NOT NULL OR EXISTS (SELECT 1 FROM result r "               \
  "WHERE r.oid = d.oid AND r.level = :level "                                                  \
  "AND (:competency IS NULL OR r.competency = :competency)))"
#define STORE_LIST_ALERT_COLS                                                                  \
  "SELECT a.id, a.oid, o.key, o.name, a.competency, a.kind, a.message, a.cause, "              \
  "a.cleared_cause, a.raised, a.cleared FROM "

#define STORE_LIST_STATEMENTS(X)                                                               \
  X(LIST_ORGS, "SELECT oid, key, name FROM org WHERE oid > :after ORDER BY oid LIMIT :limit")   \
  /* FTS5 hands its matches in rowid (oid) order and seeks to rowid > :after itself. */      \
  X(LIST_ORGS_SEARCH, "SELECT d.oid, d.key, d.name FROM org_search f CROSS JOIN org d "         \
                      "ON d.oid = f.rowid "                                                     \
                      "WHERE f.org_search MATCH :match AND f.rowid > :after AND "               \
                      STORE_LIST_FILTERS " ORDER BY f.rowid LIMIT :limit")                     \
  X(LIST_ORGS_IN, STORE_LIST_IN_STATE("qualified") " UNION ALL " STORE_LIST_IN_STATE("active")  \
                  " UNION ALL " STORE_LIST_IN_STATE("at_risk") " UNION ALL "                    \
                  STORE_LIST_IN_STATE("expired") " ORDER BY 1 LIMIT :limit")                   \
  X(LIST_ORGS_STATE_IN, STORE_LIST_ORG_COLS "status d INDEXED BY status_competency_state "      \
                        "CROSS JOIN org o ON o.oid = d.oid WHERE d.competency = :competency "   \
                        "AND d.state = :state AND d.oid > :after AND " STORE_LIST_LEVEL_OF_D    \
                        " ORDER BY d.oid LIMIT :limit")                                         \
  X(LIST_ORGS_LEVEL_IN, STORE_LIST_ORG_COLS "result d INDEXED BY result_competency_level "      \
                        "CROSS JOIN org o ON o.oid = d.oid WHERE d.competency = :competency "   \
                        "AND d.level = :level AND d.oid > :after ORDER BY d.oid LIMIT :limit")  \
  X(LIST_ORG, "SELECT oid, key, name FROM org WHERE oid = :oid")                              \
  /* A search's matches alone, in oid order (merged in C with a small filter's oids). */      \
  X(LIST_SEARCH_OIDS, "SELECT rowid FROM org_search WHERE org_search MATCH :match "            \
                      "AND rowid > :after ORDER BY rowid")                                     \
  /* The other side of that merge: the oids alone, from the index (covering, no org row). */ \
  X(LIST_STATE_OIDS, "SELECT d.oid FROM status d INDEXED BY status_competency_state "           \
                     "WHERE d.competency = :competency AND d.state = :state AND d.oid > :after " \
                     "AND " STORE_LIST_LEVEL_OF_D " ORDER BY d.oid")                            \
  X(LIST_LEVEL_OIDS, "SELECT oid FROM result INDEXED BY result_competency_level "               \
                     "WHERE competency = :competency AND level = :level AND oid > :after "     \
                     "ORDER BY oid")                                                            \
  /* Counts kept by triggers (migration 7). */                                                \
  X(LIST_COUNT_ORGS, "SELECT value FROM meta WHERE key = 'orgs'")                               \
  X(LIST_COUNT_STATES, "SELECT state, n FROM state_count")                                      \
  X(LIST_COUNT_STATES_IN, "SELECT state, n FROM state_count WHERE competency = :competency")    \
  X(LIST_COUNT_LEVELS, "SELECT level, n FROM level_count")                                      \
  X(LIST_COUNT_LEVELS_IN, "SELECT level, n FROM level_count WHERE competency = :competency")    \
  /* The competencies with some organisation in a state, or at a level. */                    \
  X(LIST_STATE_COMPETENCIES, "SELECT competency FROM state_count WHERE state = :state AND n > 0") \
  X(LIST_LEVEL_COMPETENCIES, "SELECT competency FROM level_count WHERE level = :level AND n > 0") \
  /* Across competencies: the (time, id) of the organisation's rows (a covering read of its \
   * index prefix), sorted by the reader, then each row of the page by id. */                  \
  X(LIST_HISTORY_KEYS, "SELECT at, id FROM status_history INDEXED BY status_history_org "       \
                       "WHERE oid = :oid")                                                      \
  X(LIST_HISTORY_ROW, "SELECT id, at, competency, state, cause FROM status_history "            \
                      "WHERE id = :id")                                                         \
  X(LIST_HISTORY_IN, "SELECT id, at, competency, state, cause FROM status_history "             \
                     "INDEXED BY status_history_org WHERE oid = :oid AND competency = :competency " \
                     "AND (at, id) > (:at, :id) ORDER BY at, id LIMIT :limit")                  \
  X(LIST_ALERTS, STORE_LIST_ALERT_COLS "alert a CROSS JOIN org o ON o.oid = a.oid "             \
                 "WHERE a.id < :before AND (:competency IS NULL OR a.competency = :competency) " \
                 "ORDER BY a.id DESC LIMIT :limit")                                             \
  X(LIST_ALERTS_OPEN, STORE_LIST_ALERT_COLS "alert a INDEXED BY alert_open_id CROSS JOIN org o " \
                      "ON o.oid = a.oid WHERE a.cleared IS NULL AND a.id < :before "            \
                      "AND (:competency IS NULL OR a.competency = :competency) "                \
                      "ORDER BY a.id DESC LIMIT :limit")                                        \
  X(LIST_ORG_ALERTS, STORE_LIST_ALERT_COLS "alert a INDEXED BY alert_org_id CROSS JOIN org o "  \
                     "ON o.oid = a.oid WHERE a.oid = :oid AND a.id < :before "                  \
                     "AND (:open = 0 OR a.cleared IS NULL) "                                    \
                     "AND (:competency IS NULL OR a.competency = :competency) "                 \
                     "ORDER BY a.id DESC LIMIT :limit")

#define STORE_STATEMENTS(X)                                                                   \
  X(DATA_REV_GET, "SELECT value FROM meta WHERE key = 'data_rev'")                            \
  X(DATA_REV_SET, "UPDATE meta SET value = :rev WHERE key = 'data_rev'")                      \
  X(ORG_GET, "SELECT oid, name FROM org WHERE key = :key")                                    \
  X(ORG_INSERT, "INSERT INTO org(key, name) VALUES (:key, :name)")                            \
  X(ORG_SET_NAME, "UPDATE org SET name = :name WHERE oid = :oid")                             \
  X(ORG_SET_REV, "UPDATE org SET rev = :rev WHERE oid = :oid")                                \
  X(USER_GET, "SELECT uid, oid, name, joined, left_at, joined_known, left_known FROM user "   \
               "WHERE key = :key")                                                            \
  X(USER_INSERT, "INSERT INTO user(key, oid, name, joined, left_at, joined_known, left_known) " \
                 "VALUES (:key, :oid, :name, :joined, :left, :joined_known, :left_known)")    \
  X(USER_UPDATE, "UPDATE user SET name = :name, joined = :joined, left_at = :left, "           \
                 "joined_known = :joined_known, left_known = :left_known WHERE uid = :uid")   \
  X(MSA_GET, "SELECT mid FROM msa WHERE key = :key")                                          \
  X(MSA_INSERT, "INSERT INTO msa(key) VALUES (:key)")                                         \
  X(LINK_AT, "SELECT started, uid, oid, known FROM msa_link WHERE mid = :mid AND started <= :at " \
             "ORDER BY started DESC LIMIT 1")                                                   \
  X(LINK_NEXT, "SELECT started FROM msa_link WHERE mid = :mid AND started > :at "                 \
               "ORDER BY started LIMIT 1")                                                      \
  X(LINK_INSERT, "INSERT INTO msa_link(mid, started, uid, oid, ended, known) "                    \
                 "VALUES (:mid, :started, :uid, :oid, :ended, :known)")                           \
  X(LINK_SET_END, "UPDATE msa_link SET ended = :ended WHERE mid = :mid AND started = :started")       \
  X(LINK_SET_USER, "UPDATE msa_link SET uid = :uid, oid = :oid, known = :known "              \
                   "WHERE mid = :mid AND started = :started")                                     \
  X(LINK_ORGS, "SELECT oid FROM msa_link WHERE mid = :mid") /* touch() is a set */       \
  X(ACH_UPSERT, "INSERT INTO achievement(mid, code, earned, kind, expires, known) "           \
                "VALUES (:mid, :code, :earned, :kind, :expires, :known) "                     \
                "ON CONFLICT(mid, code, earned) DO UPDATE SET kind = excluded.kind, "         \
                "expires = excluded.expires, known = excluded.known "                         \
                "WHERE (kind, expires, known) IS NOT "                                        \
                "(excluded.kind, excluded.expires, excluded.known)")                          \
  X(METRIC_UPSERT, "INSERT INTO metric(oid, name, period, value) "                            \
                   "VALUES (:oid, :name, :period, :value) "                                   \
                   "ON CONFLICT(oid, name, period) DO UPDATE SET value = excluded.value "     \
                   "WHERE value IS NOT excluded.value")                                       \
  X(OVERRIDE_UPSERT, "INSERT INTO override(oid, competency, code, people, reason, granted_by, "       \
                     "valid_from, valid_until, known) VALUES (:oid, :competency, :code, :people, "  \
                     ":reason, :by, :from, :until, :known) ON CONFLICT(oid, competency, code) "    \
                     "DO UPDATE SET people = excluded.people, reason = excluded.reason, "       \
                     "granted_by = excluded.granted_by, valid_from = excluded.valid_from, "     \
                     "valid_until = excluded.valid_until, known = excluded.known "              \
                     "WHERE (people, reason, granted_by, valid_from, valid_until, known) IS NOT " \
                     "(excluded.people, excluded.reason, excluded.granted_by, "             \
                     "excluded.valid_from, excluded.valid_until, excluded.known)")          \
  X(MEMBERSHIP_UPSERT, "INSERT INTO membership(oid, competency, bought, level, bought_by) "      \
                       "VALUES (:oid, :competency, :bought, :level, :by) "                    \
                       "ON CONFLICT(oid, competency, bought) DO UPDATE SET "                  \
                       "level = excluded.level, bought_by = excluded.bought_by "              \
                       "WHERE (level, bought_by) IS NOT (excluded.level, excluded.bought_by)") \
  X(ORGS_DUE, "SELECT o.oid FROM org o LEFT JOIN evaluation e ON e.oid = o.oid "               \
              "WHERE e.oid IS NULL OR e.rev <> o.rev OR e.policy <> :policy "                 \
              "OR e.next_change <= :now ORDER BY o.oid")                                      \
  X(ORG_MAX, "SELECT coalesce(max(oid), 0) FROM org")                                          \
  X(RANGE_ORGS, "SELECT oid, key, rev FROM org WHERE oid BETWEEN :lo AND :hi ORDER BY oid")    \
  /* Organisations with their facts image, when it is of their current revision. */        \
  X(RANGE_ORG_IMAGES, "SELECT o.oid, o.key, o.rev, CASE WHEN f.rev = o.rev THEN f.facts END "  \
                      "FROM org o LEFT JOIN org_facts f ON f.oid = o.oid "                     \
                      "WHERE o.oid BETWEEN :lo AND :hi ORDER BY o.oid")                       \
  X(IMAGE_PUT, "INSERT INTO org_facts(oid, rev, facts) VALUES (:oid, :rev, :facts) "          \
               "ON CONFLICT(oid) DO UPDATE SET rev = excluded.rev, facts = excluded.facts")   \
  /* An organisation's image, when it is of its current revision. */                        \
  X(IMAGE_GET, "SELECT f.facts FROM org_facts f JOIN org o ON o.oid = f.oid AND o.rev = f.rev " \
               "WHERE f.oid = :oid")                                                          \
  X(RANGE_USERS, "SELECT oid, uid, key, joined, left_at, joined_known, left_known FROM user "  \
                 "WHERE oid BETWEEN :lo AND :hi ORDER BY oid, uid")                            \
  X(RANGE_HOLDINGS,                                                                            \
    "SELECT l.oid, l.uid, l.mid, m.key, l.started, l.known, "                                  \
    "a.code, a.kind, a.earned, a.expires, a.known, l.ended IS NOT NULL "                       \
    "FROM msa_link l JOIN msa m ON m.mid = l.mid JOIN achievement a ON a.mid = l.mid "         \
    "WHERE l.oid BETWEEN :lo AND :hi ORDER BY l.oid")                                          \
  /* Every later association of the MSAs associated with the range's organisations: what   \
   * may end each association, depending on what was known when (facts.h). `ended` (the   \
   * next association's start, kept by store_link_put) limits the look-up to associations  \
   * that have a successor: one index seek for those only; and it runs only when the       \
   * range's holdings have such an association (store_read.c). */                         \
  X(RANGE_LATER_LINKS,                                                                         \
    "SELECT l.oid, l.mid, l.started, n.started, n.oid, n.known "                               \
    "FROM msa_link l JOIN msa_link n ON n.mid = l.mid AND n.started > l.started "              \
    "WHERE l.oid BETWEEN :lo AND :hi AND l.ended IS NOT NULL "                                 \
    "ORDER BY l.oid, l.mid, l.started") /* each one's later links: sorted by the reader */    \
  X(RANGE_METRICS, "SELECT oid, name, period, value FROM metric "                              \
                   "WHERE oid BETWEEN :lo AND :hi AND (period >= :from OR name = :any1 "       \
                   "OR name = :any2 OR name = :any3 OR name = :any4) "                         \
                   "ORDER BY oid, name, period")                                               \
  X(RANGE_OVERRIDES, "SELECT oid, competency, code, people, reason, granted_by, valid_from, "   \
                     "valid_until, known FROM override WHERE oid BETWEEN :lo AND :hi "         \
                     "ORDER BY oid, competency, code")                                         \
  X(RESULT_UPSERT, "INSERT INTO result(oid, competency, policy, level, error) "                 \
                   "VALUES (:oid, :competency, :policy, :level, :error) "                     \
                   "ON CONFLICT(oid, competency) DO UPDATE SET policy = excluded.policy, "    \
                   "level = excluded.level, error = excluded.error "                          \
                   "WHERE (policy, level, error) IS NOT (excluded.policy, excluded.level, "   \
                   "excluded.error)")                                                         \
  X(RESULT_DELETE, "DELETE FROM result WHERE oid = :oid AND competency = :competency")       \
  /* A transition is stored once, and never before the state it replaces: two evaluators \
   * (the daemon and `attain eval`) that both saw the old state record it once. */        \
  X(STATUS_PUT, "INSERT INTO status(oid, competency, state, since, cause) "                    \
                "VALUES (:oid, :competency, :state, :since, :cause) "                         \
                "ON CONFLICT(oid, competency) DO UPDATE SET state = excluded.state, "         \
                "since = excluded.since, cause = excluded.cause "                             \
                "WHERE status.state IS NOT excluded.state AND status.since <= excluded.since") \
  X(STATUS_AT, "SELECT state, at FROM status_history WHERE oid = :oid AND "                    \
               "competency = :competency AND at <= :at ORDER BY at DESC, id DESC LIMIT 1")    \
  X(STATUS_HISTORY_ADD, "INSERT INTO status_history(oid, competency, state, at, cause) "       \
                        "VALUES (:oid, :competency, :state, :at, :cause)")                    \
  X(ALERT_RAISE, "INSERT INTO alert(oid, competency, kind, message, cause, raised) "           \
                 "SELECT :oid, :competency, :kind, :message, :cause, :at WHERE NOT EXISTS "    \
                 "(SELECT 1 FROM alert WHERE oid = :oid AND competency = :competency "        \
                 "AND kind = :kind AND cleared IS NULL)")                                     \
  X(ALERT_CLEAR, "UPDATE alert SET cleared = :at, cleared_cause = :cause "                     \
                 "WHERE id = :id AND cleared IS NULL")                                        \
  X(EVALUATION_PUT, "INSERT INTO evaluation(oid, at, policy, rev, next_change) "               \
                    "VALUES (:oid, :at, :policy, :rev, :next_change) ON CONFLICT(oid) DO "     \
                    "UPDATE SET at = excluded.at, policy = excluded.policy, rev = excluded.rev, " \
                    "next_change = excluded.next_change WHERE (at, policy, rev, next_change) " \
                    "IS NOT (excluded.at, excluded.policy, excluded.rev, excluded.next_change)") \
  X(RANGE_RESULTS, "SELECT oid, competency, policy, level, error FROM result "                   \
                   "WHERE oid BETWEEN :lo AND :hi ORDER BY oid, competency")                  \
  X(RESULT_PRUNE_RANGE, "DELETE FROM result WHERE oid BETWEEN :lo AND :hi AND policy <> :policy") \
  X(RANGE_STATUSES, "SELECT oid, competency, state, since FROM status "                        \
                    "WHERE oid BETWEEN :lo AND :hi ORDER BY oid, competency")                 \
  X(RANGE_ALERTS, "SELECT oid, competency, id, kind, message, cause, raised FROM alert "        \
                  "WHERE oid BETWEEN :lo AND :hi AND raised <= :at "                          \
                  "AND (cleared IS NULL OR cleared > :at) ORDER BY oid, competency, raised, id") \
  /* SQLite takes the bare o.key from the row of max(e.at). */                              \
  X(EVALUATIONS_AFTER, "SELECT count(*), max(e.at), o.key FROM evaluation e "                  \
                       "JOIN org o ON o.oid = e.oid "                                         \
                       "WHERE e.oid BETWEEN :lo AND :hi AND e.at > :at")                      \
  X(RANGE_MEMBERSHIPS, "SELECT oid, competency, bought, level, bought_by FROM membership "     \
                       "WHERE oid BETWEEN :lo AND :hi ORDER BY oid, competency, bought")        \
  X(VOCAB_METRICS, "SELECT DISTINCT name FROM metric ORDER BY name")                            \
  X(VOCAB_CODES, "SELECT code FROM achievement UNION SELECT code FROM override ORDER BY 1")     \
  STORE_LIST_STATEMENTS(X)

enum store_stmt_id {
#define X(id, sql) STMT_##id,
  STORE_STATEMENTS(X)
#undef X
  STMT_COUNT_
};

struct store {
  sqlite3 *db;
  sqlite3_stmt *stmts[STMT_COUNT_];
  int in_tx;
  const struct store_metric_window *read_window; /* store_read_range's, for the metrics */
  /* store_write.c's batch: the organisations changed since store_write_begin (an
   * open-addressing set of oids; 0 marks an empty slot, oids start at 1). */
  struct {
    int64_t *slots;
    size_t cap, n;
  } touched;
  /* Recently used organisation, user and MSA keys of this batch (store_write.c): facts
   * arrive grouped by organisation, so most lookups repeat a recent one. Bounded
   * (direct-mapped), so memory stays flat whatever the file's size; valid only within
   * the batch's transaction (a rollback could remove the rows they name). */
  struct store_key_cache *orgs, *users, *msas;
  uint32_t cache_gen;
  char *image_scratch; /* store_image_decode's string buffer */
  size_t image_scratch_cap;
  /* store_lists.c: past this many (organisation, competency) pairs a search's filter is
   * checked per match rather than merged; 0: SEARCH_MERGE_MAX, < 0: never merged (tests
   * take both paths with it). */
  int64_t search_merge_max;
  int64_t search_seek_gap; /* and its SEARCH_SEEK_GAP; 0: that, < 0: seek at every row */
};

/* Returns the statement, prepared on first use and reset with its bindings cleared; NULL
 * with err filled if it cannot be prepared. */
sqlite3_stmt *store_stmt(store *s, enum store_stmt_id id, char *err, size_t errsz);
/* The SQL text of statement `id` (for tests that inspect the store's query shapes). */
const char *store_stmt_sql(enum store_stmt_id id);

/* Writes "what: sqlite error N (name): message [in: SQL]" into err; returns STORE_ERROR. */
int store_fail(store *s, sqlite3_stmt *st, const char *what, char *err, size_t errsz);

/* Binding by name; the name includes its ':' prefix. A missing parameter is a
 * programming error and aborts in debug builds. */
void store_bind_text(sqlite3_stmt *st, const char *name, const char *v);
void store_bind_int(sqlite3_stmt *st, const char *name, int64_t v);
void store_bind_time(sqlite3_stmt *st, const char *name, int64_t t); /* STORE_NO_TIME = NULL */
void store_bind_double(sqlite3_stmt *st, const char *name, double v);

/* A column that may be NULL, as a time. */
int64_t store_column_time(sqlite3_stmt *st, int col);

/* Runs one statement to completion (no rows expected). */
int store_exec_stmt(store *s, sqlite3_stmt *st, const char *what, char *err, size_t errsz);

/* Streams the facts of organisations lo..hi from the source tables (store_read.c), inside
 * the caller's transaction; `only` (NULL: all) flags, per oid - lo, the organisations whose
 * rows to hand over. */
int store_read_sources(store *s, int64_t lo, int64_t hi, const struct store_metric_window *w,
                       const struct store_facts_sink *f, void *farg, const unsigned char *only,
                       char *err, size_t errsz);

/* Facts images (store_image.c). store_images_update builds the images of the given
 * organisations (sorted in place) from the source tables and keeps in oids[0..*changed)
 * those whose image differs from the one stored for their current revision (or that
 * have none): the organisations whose facts, as evaluations read them, really changed.
 * Their new images are written with revision `rev`; the others are left as they were.
 * store_images_rebuild_all writes every image, with its organisation's revision.
 * store_image_decode decodes one into a sink (rows with metric months outside `w`
 * skipped); it returns STORE_ECONFLICT for an image it cannot read (another format: treat
 * it as stale); `scratch` is a buffer the decoder may grow, owned by the caller. */
int store_images_update(store *s, int64_t *oids, size_t n, int64_t rev, size_t *changed,
                        char *err, size_t errsz);
int store_images_rebuild_all(store *s, char *err, size_t errsz);
int store_image_decode(const void *data, size_t len, int64_t oid,
                       const struct store_metric_window *w, const struct store_facts_sink *f,
                       void *arg, char **scratch, size_t *scratch_cap);

/* Applies the migrations (store_schema.c). */
int store_schema_migrate(store *s, int migrate, char *err, size_t errsz);
/* The SQL of the migration to schema version `to` (1-based), NULL past the last. */
const char *store_schema_migration_sql(int to);

#endif
