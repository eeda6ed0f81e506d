/* store_write.c — fact upserts for the importer (see store_write.h).
 *
 * Each put reads the stored row first and writes only what differs: that keeps repeated
 * imports from changing anything, and tells which organisations a batch really changed. */
#include "store_write.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store_internal.h"
#include "store_read.h"

static int touch(store *s, int64_t oid) {
  if (s->touched.n * 2 >= s->touched.cap) {
    size_t cap = s->touched.cap ? s->touched.cap * 2 : 1024;
    int64_t *slots = calloc(cap, sizeof *slots);
    if (!slots) return -1;
    for (size_t i = 0; i < s->touched.cap; i++) {
      int64_t v = s->touched.slots[i];
      if (!v) continue;
      size_t j = (size_t)v * 0x9E3779B97F4A7C15u & (cap - 1);
      while (slots[j]) j = (j + 1) & (cap - 1);
      slots[j] = v;
    }
    free(s->touched.slots);
    s->touched.slots = slots;
    s->touched.cap = cap;
  }
  size_t j = (size_t)oid * 0x9E3779B97F4A7C15u & (s->touched.cap - 1);
  while (s->touched.slots[j]) {
    if (s->touched.slots[j] == oid) return 0;
    j = (j + 1) & (s->touched.cap - 1);
  }
  s->touched.slots[j] = oid;
  s->touched.n++;
  return 0;
}

static int touch_or_fail(store *s, int64_t oid, char *err, size_t errsz) {
  if (touch(s, oid) == 0) return STORE_OK;
  snprintf(err, errsz, "out of memory");
  return STORE_ERROR;
}

/* Runs an upsert of organisation oid's facts; marks the organisation only if a row changed. */
static int upsert_touching(store *s, sqlite3_stmt *st, int64_t oid, const char *what, char *err,
                           size_t errsz) {
  if (store_exec_stmt(s, st, what, err, errsz)) return STORE_ERROR;
  return sqlite3_changes(s->db) ? touch_or_fail(s, oid, err, errsz) : STORE_OK;
}

#define KEY_CACHE_SIZE 4096 /* entries per kind of key; a power of two */

struct store_key_cache {
  uint32_t gen; /* valid when equal to the store's cache_gen */
  int touched;  /* MSAs: this batch already marked its organisations */
  int64_t id, oid;
  char key[64];
};

static struct store_key_cache *cache_slot(struct store_key_cache *c, const char *key) {
  uint64_t h = 0xcbf29ce484222325ULL;
  for (const char *p = key; *p; p++) h = (h ^ (unsigned char)*p) * 0x100000001b3ULL;
  return &c[h & (KEY_CACHE_SIZE - 1)];
}

static struct store_key_cache *cache_get(store *s, struct store_key_cache *c, const char *key) {
  if (!c) return NULL;
  struct store_key_cache *e = cache_slot(c, key);
  return e->gen == s->cache_gen && strcmp(e->key, key) == 0 ? e : NULL;
}

static void cache_put(store *s, struct store_key_cache *c, const char *key, int64_t id,
                      int64_t oid) {
  size_t n = strlen(key);
  if (!c || n >= sizeof c->key) return;
  struct store_key_cache *e = cache_slot(c, key);
  e->gen = s->cache_gen;
  e->touched = 0;
  e->id = id;
  e->oid = oid;
  memcpy(e->key, key, n + 1);
}

void store_write_begin(store *s) {
  if (!s->orgs) {
    s->orgs = calloc(KEY_CACHE_SIZE, sizeof *s->orgs);
    s->users = calloc(KEY_CACHE_SIZE, sizeof *s->users);
    s->msas = calloc(KEY_CACHE_SIZE, sizeof *s->msas);
  }
  s->cache_gen++; /* forgets every cached key */
  if (s->touched.slots) memset(s->touched.slots, 0, s->touched.cap * sizeof *s->touched.slots);
  s->touched.n = 0;
}

static int text_eq(const unsigned char *a, const char *b) {
  if (!a || !b) return !a && !b;
  return strcmp((const char *)a, b) == 0;
}

/* Looks up an organisation by key: STORE_OK with *oid, or STORE_ENOTFOUND. */
static int org_find(store *s, const char *key, int64_t *oid, char *err, size_t errsz) {
  const struct store_key_cache *hit = cache_get(s, s->orgs, key);
  if (hit) {
    *oid = hit->id;
    return STORE_OK;
  }
  int rc = store_org_lookup(s, key, oid, err, errsz);
  if (rc == STORE_OK) cache_put(s, s->orgs, key, *oid, *oid);
  if (rc == STORE_ENOTFOUND)
    snprintf(err, errsz, "unknown organisation \"%s\" (import its org record first)", key);
  return rc;
}

int store_org_put(store *s, const char *key, store_opt_text name, char *err, size_t errsz) {
  sqlite3_stmt *st = store_stmt(s, STMT_ORG_GET, err, errsz);
  if (!st) return STORE_ERROR;
  store_bind_text(st, ":key", key);
  int rc = sqlite3_step(st);
  if (rc == SQLITE_ROW) {
    int64_t oid = sqlite3_column_int64(st, 0);
    int same = !name.present || text_eq(sqlite3_column_text(st, 1), name.value);
    sqlite3_reset(st);
    if (same) return STORE_OK;
    st = store_stmt(s, STMT_ORG_SET_NAME, err, errsz);
    if (!st) return STORE_ERROR;
    store_bind_text(st, ":name", name.value);
    store_bind_int(st, ":oid", oid);
    if (store_exec_stmt(s, st, "updating an organisation", err, errsz)) return STORE_ERROR;
    return touch_or_fail(s, oid, err, errsz);
  }
  if (rc != SQLITE_DONE) return store_fail(s, st, "looking up an organisation", err, errsz);
  sqlite3_reset(st);
  st = store_stmt(s, STMT_ORG_INSERT, err, errsz);
  if (!st) return STORE_ERROR;
  store_bind_text(st, ":key", key);
  store_bind_text(st, ":name", name.present ? name.value : NULL);
  if (store_exec_stmt(s, st, "inserting an organisation", err, errsz)) return STORE_ERROR;
  int64_t oid = sqlite3_last_insert_rowid(s->db);
  cache_put(s, s->orgs, key, oid, oid);
  return touch_or_fail(s, oid, err, errsz);
}

int store_user_put(store *s, const store_user_rec *u, char *err, size_t errsz) {
  int64_t oid = 0;
  if (u->org) {
    int rc = org_find(s, u->org, &oid, err, errsz);
    if (rc) return rc;
  }
  sqlite3_stmt *st = store_stmt(s, STMT_USER_GET, err, errsz);
  if (!st) return STORE_ERROR;
  store_bind_text(st, ":key", u->key);
  int rc = sqlite3_step(st);
  if (rc == SQLITE_DONE) {
    sqlite3_reset(st);
    if (!u->org) {
      snprintf(err, errsz, "unknown user \"%s\": a new user needs \"org\"", u->key);
      return STORE_ENOTFOUND;
    }
    st = store_stmt(s, STMT_USER_INSERT, err, errsz);
    if (!st) return STORE_ERROR;
    store_bind_text(st, ":key", u->key);
    store_bind_int(st, ":oid", oid);
    store_bind_text(st, ":name", u->name.present ? u->name.value : NULL);
    store_bind_time(st, ":joined", u->joined.present ? u->joined.value : STORE_NO_TIME);
    store_bind_time(st, ":left", u->left.present ? u->left.value : STORE_NO_TIME);
    store_bind_time(st, ":joined_known", u->joined.present ? u->known : STORE_NO_TIME);
    store_bind_time(st, ":left_known", u->left.present ? u->known : STORE_NO_TIME);
    if (store_exec_stmt(s, st, "inserting a user", err, errsz)) return STORE_ERROR;
    cache_put(s, s->users, u->key, sqlite3_last_insert_rowid(s->db), oid);
    return touch_or_fail(s, oid, err, errsz);
  }
  if (rc != SQLITE_ROW) return store_fail(s, st, "looking up a user", err, errsz);
  int64_t uid = sqlite3_column_int64(st, 0), stored_oid = sqlite3_column_int64(st, 1);
  if (u->org && stored_oid != oid) {
    sqlite3_reset(st);
    snprintf(err, errsz,
             "user \"%s\" belongs to another organisation; a user account cannot move "
             "(create a new user in \"%s\")",
             u->key, u->org);
    return STORE_ECONFLICT;
  }
  /* Merge: absent fields keep their stored values. */
  char *name = NULL;
  const unsigned char *stored_name = sqlite3_column_text(st, 2);
  int64_t joined = store_column_time(st, 3), left = store_column_time(st, 4);
  int64_t joined_known = store_column_time(st, 5), left_known = store_column_time(st, 6);
  /* The known time of an event travels with it: a record that states `left` without
   * `known` means "learned of when it happened". */
  int64_t new_joined_known = u->joined.present ? u->known : joined_known;
  int64_t new_left_known = u->left.present ? u->known : left_known;
  int same = (!u->name.present || text_eq(stored_name, u->name.value)) &&
             (!u->joined.present || u->joined.value == joined) &&
             (!u->left.present || u->left.value == left) && new_joined_known == joined_known &&
             new_left_known == left_known;
  if (same) {
    sqlite3_reset(st);
    return STORE_OK;
  }
  if (!u->name.present && stored_name && !(name = strdup((const char *)stored_name))) {
    sqlite3_reset(st);
    snprintf(err, errsz, "out of memory");
    return STORE_ERROR;
  }
  sqlite3_reset(st);
  st = store_stmt(s, STMT_USER_UPDATE, err, errsz);
  if (!st) {
    free(name);
    return STORE_ERROR;
  }
  store_bind_text(st, ":name", u->name.present ? u->name.value : name);
  store_bind_time(st, ":joined", u->joined.present ? u->joined.value : joined);
  store_bind_time(st, ":left", u->left.present ? u->left.value : left);
  store_bind_time(st, ":joined_known", new_joined_known);
  store_bind_time(st, ":left_known", new_left_known);
  store_bind_int(st, ":uid", uid);
  rc = store_exec_stmt(s, st, "updating a user", err, errsz);
  free(name);
  if (rc) return rc;
  return touch_or_fail(s, stored_oid, err, errsz);
}

static int msa_find(store *s, const char *key, int64_t *mid, char *err, size_t errsz) {
  const struct store_key_cache *hit = cache_get(s, s->msas, key);
  if (hit) {
    *mid = hit->id;
    return STORE_OK;
  }
  sqlite3_stmt *st = store_stmt(s, STMT_MSA_GET, err, errsz);
  if (!st) return STORE_ERROR;
  store_bind_text(st, ":key", key);
  int rc = sqlite3_step(st);
  if (rc == SQLITE_ROW) {
    *mid = sqlite3_column_int64(st, 0);
    sqlite3_reset(st);
    cache_put(s, s->msas, key, *mid, 0);
    return STORE_OK;
  }
  if (rc != SQLITE_DONE) return store_fail(s, st, "looking up an MSA", err, errsz);
  sqlite3_reset(st);
  snprintf(err, errsz, "unknown MSA \"%s\" (associate it with a user first: msa_link)", key);
  return STORE_ENOTFOUND;
}

/* Looks up a user by key: its uid and organisation. */
static int user_find(store *s, const char *key, int64_t *uid, int64_t *oid, char *err,
                     size_t errsz) {
  const struct store_key_cache *hit = cache_get(s, s->users, key);
  if (hit) {
    *uid = hit->id;
    *oid = hit->oid;
    return STORE_OK;
  }
  sqlite3_stmt *st = store_stmt(s, STMT_USER_GET, err, errsz);
  if (!st) return STORE_ERROR;
  store_bind_text(st, ":key", key);
  int rc = sqlite3_step(st);
  if (rc == SQLITE_DONE) {
    sqlite3_reset(st);
    snprintf(err, errsz, "unknown user \"%s\" (import its user record first)", key);
    return STORE_ENOTFOUND;
  }
  if (rc != SQLITE_ROW) return store_fail(s, st, "looking up a user", err, errsz);
  *uid = sqlite3_column_int64(st, 0);
  *oid = sqlite3_column_int64(st, 1);
  sqlite3_reset(st);
  cache_put(s, s->users, key, *uid, *oid);
  return STORE_OK;
}

static int touch_msa_orgs(store *s, int64_t mid, char *err, size_t errsz);

int store_link_put(store *s, const char *msa, const char *user, int64_t at, int64_t known,
                   char *err, size_t errsz) {
  int64_t uid = 0, oid = 0, mid = 0;
  int rc = user_find(s, user, &uid, &oid, err, errsz);
  if (rc) return rc;
  rc = msa_find(s, msa, &mid, err, errsz);
  sqlite3_stmt *st;
  if (rc == STORE_ENOTFOUND) {
    /* A new MSA: no history to fit into. */
    st = store_stmt(s, STMT_MSA_INSERT, err, errsz);
    if (!st) return STORE_ERROR;
    store_bind_text(st, ":key", msa);
    if (store_exec_stmt(s, st, "inserting an MSA", err, errsz)) return STORE_ERROR;
    mid = sqlite3_last_insert_rowid(s->db);
    cache_put(s, s->msas, msa, mid, 0);
    st = store_stmt(s, STMT_LINK_INSERT, err, errsz);
    if (!st) return STORE_ERROR;
    store_bind_int(st, ":mid", mid);
    store_bind_int(st, ":started", at);
    store_bind_int(st, ":uid", uid);
    store_bind_int(st, ":oid", oid);
    store_bind_time(st, ":ended", STORE_NO_TIME);
    store_bind_time(st, ":known", known);
    if (store_exec_stmt(s, st, "inserting an MSA link", err, errsz)) return STORE_ERROR;
    return touch_or_fail(s, oid, err, errsz);
  }
  if (rc) return rc;
  struct store_key_cache *cached = cache_get(s, s->msas, msa);
  if (cached) cached->touched = 0; /* its set of organisations may change */

  /* The association in force at `at`, if any. */
  st = store_stmt(s, STMT_LINK_AT, err, errsz);
  if (!st) return STORE_ERROR;
  store_bind_int(st, ":mid", mid);
  store_bind_int(st, ":at", at);
  rc = sqlite3_step(st);
  int have_prev = rc == SQLITE_ROW;
  if (!have_prev && rc != SQLITE_DONE) return store_fail(s, st, "reading MSA links", err, errsz);
  int64_t prev_start = have_prev ? sqlite3_column_int64(st, 0) : 0;
  int64_t prev_uid = have_prev ? sqlite3_column_int64(st, 1) : 0;
  int64_t prev_known = have_prev ? store_column_time(st, 3) : STORE_NO_TIME;
  sqlite3_reset(st);
  /* Already associated then (with the same known time, if this is that association). */
  if (have_prev && prev_uid == uid && (prev_start != at || prev_known == known)) return STORE_OK;

  if (have_prev && prev_start == at) {
    /* A correction of the association that started at that very time. */
    st = store_stmt(s, STMT_LINK_SET_USER, err, errsz);
    if (!st) return STORE_ERROR;
    store_bind_int(st, ":uid", uid);
    store_bind_int(st, ":oid", oid);
    store_bind_time(st, ":known", known);
    store_bind_int(st, ":mid", mid);
    store_bind_int(st, ":started", at);
    if (store_exec_stmt(s, st, "updating an MSA link", err, errsz)) return STORE_ERROR;
  } else {
    /* The next association, if the history already holds a later one, ends this one. */
    st = store_stmt(s, STMT_LINK_NEXT, err, errsz);
    if (!st) return STORE_ERROR;
    store_bind_int(st, ":mid", mid);
    store_bind_int(st, ":at", at);
    rc = sqlite3_step(st);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
      return store_fail(s, st, "reading MSA links", err, errsz);
    int64_t next = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : STORE_NO_TIME;
    sqlite3_reset(st);
    st = store_stmt(s, STMT_LINK_INSERT, err, errsz);
    if (!st) return STORE_ERROR;
    store_bind_int(st, ":mid", mid);
    store_bind_int(st, ":started", at);
    store_bind_int(st, ":uid", uid);
    store_bind_int(st, ":oid", oid);
    store_bind_time(st, ":ended", next);
    store_bind_time(st, ":known", known);
    if (store_exec_stmt(s, st, "inserting an MSA link", err, errsz)) return STORE_ERROR;
    if (have_prev) {
      st = store_stmt(s, STMT_LINK_SET_END, err, errsz);
      if (!st) return STORE_ERROR;
      store_bind_int(st, ":ended", at);
      store_bind_int(st, ":mid", mid);
      store_bind_int(st, ":started", prev_start);
      if (store_exec_stmt(s, st, "ending an MSA link", err, errsz)) return STORE_ERROR;
    }
  }
  /* Every organisation the MSA was ever associated with: an association (and when it was
   * known) may end any earlier one, in whichever organisation (facts.h). */
  if (touch_or_fail(s, oid, err, errsz)) return STORE_ERROR;
  return touch_msa_orgs(s, mid, err, errsz);
}

/* An achievement counts for every organisation its MSA was ever associated with (as of
 * some time), so a change to it marks them all. */
static int touch_msa_orgs(store *s, int64_t mid, char *err, size_t errsz) {
  sqlite3_stmt *st = store_stmt(s, STMT_LINK_ORGS, err, errsz);
  if (!st) return STORE_ERROR;
  store_bind_int(st, ":mid", mid);
  int rc;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW)
    if (touch(s, sqlite3_column_int64(st, 0))) {
      sqlite3_reset(st);
      snprintf(err, errsz, "out of memory");
      return STORE_ERROR;
    }
  if (rc != SQLITE_DONE) return store_fail(s, st, "reading MSA links", err, errsz);
  sqlite3_reset(st);
  return STORE_OK;
}

int store_achievement_put(store *s, const store_achievement_rec *a, char *err, size_t errsz) {
  int64_t mid;
  int rc = msa_find(s, a->msa, &mid, err, errsz);
  if (rc) return rc;
  sqlite3_stmt *st = store_stmt(s, STMT_ACH_UPSERT, err, errsz);
  if (!st) return STORE_ERROR;
  store_bind_int(st, ":mid", mid);
  store_bind_text(st, ":code", a->code);
  store_bind_int(st, ":earned", a->earned);
  store_bind_text(st, ":kind", a->kind);
  store_bind_time(st, ":expires", a->expires);
  store_bind_time(st, ":known", a->known);
  if (store_exec_stmt(s, st, "writing an achievement", err, errsz)) return STORE_ERROR;
  if (!sqlite3_changes(s->db)) return STORE_OK;
  /* The MSA's organisations need marking once per batch (until a link changes them). */
  struct store_key_cache *cached = cache_get(s, s->msas, a->msa);
  if (cached && cached->touched) return STORE_OK;
  if (touch_msa_orgs(s, mid, err, errsz)) return STORE_ERROR;
  if (cached) cached->touched = 1;
  return STORE_OK;
}

int store_metric_put(store *s, const char *org, const char *metric, int period, double value,
                     char *err, size_t errsz) {
  int64_t oid;
  int rc = org_find(s, org, &oid, err, errsz);
  if (rc) return rc;
  sqlite3_stmt *st = store_stmt(s, STMT_METRIC_UPSERT, err, errsz);
  if (!st) return STORE_ERROR;
  store_bind_int(st, ":oid", oid);
  store_bind_text(st, ":name", metric);
  store_bind_int(st, ":period", period);
  store_bind_double(st, ":value", value);
  return upsert_touching(s, st, oid, "writing a metric", err, errsz);
}

int store_override_put(store *s, const store_override_rec *o, char *err, size_t errsz) {
  int64_t oid;
  int rc = org_find(s, o->org, &oid, err, errsz);
  if (rc) return rc;
  sqlite3_stmt *st = store_stmt(s, STMT_OVERRIDE_UPSERT, err, errsz);
  if (!st) return STORE_ERROR;
  store_bind_int(st, ":oid", oid);
  store_bind_text(st, ":competency", o->competency);
  store_bind_text(st, ":code", o->code);
  store_bind_int(st, ":people", o->people);
  store_bind_text(st, ":reason", o->reason);
  store_bind_text(st, ":by", o->by);
  store_bind_time(st, ":from", o->from);
  store_bind_int(st, ":until", o->until);
  store_bind_time(st, ":known", o->known);
  return upsert_touching(s, st, oid, "writing an override", err, errsz);
}

int store_membership_put(store *s, const store_membership_rec *m, char *err, size_t errsz) {
  int64_t oid;
  int rc = org_find(s, m->org, &oid, err, errsz);
  if (rc) return rc;
  sqlite3_stmt *st = store_stmt(s, STMT_MEMBERSHIP_UPSERT, err, errsz);
  if (!st) return STORE_ERROR;
  store_bind_int(st, ":oid", oid);
  store_bind_text(st, ":competency", m->competency);
  store_bind_int(st, ":bought", m->bought);
  store_bind_text(st, ":level", m->level);
  store_bind_text(st, ":by", m->by);
  return upsert_touching(s, st, oid, "writing a membership", err, errsz);
}

int store_write_finish(store *s, int64_t *changed, char *err, size_t errsz) {
  *changed = 0;
  if (!s->touched.n) return STORE_OK;
  int64_t rev;
  if (store_data_rev(s, &rev, err, errsz)) return STORE_ERROR;
  rev++;
  size_t n = 0;
  for (size_t i = 0; i < s->touched.cap; i++)
    if (s->touched.slots[i]) s->touched.slots[n++] = s->touched.slots[i]; /* compacted */
  /* A batch that changed a row and changed it back (a file updating one key twice, imported
   * again) leaves the organisation's facts as they were: its image says so, and only the
   * organisations whose image really differs get the new revision (store_image.c). */
  size_t real = 0;
  int rc = store_images_update(s, s->touched.slots, n, rev, &real, err, errsz);
  for (size_t i = 0; rc == STORE_OK && i < real; i++) {
    sqlite3_stmt *st = store_stmt(s, STMT_ORG_SET_REV, err, errsz);
    if (!st) {
      rc = STORE_ERROR;
      break;
    }
    store_bind_int(st, ":rev", rev);
    store_bind_int(st, ":oid", s->touched.slots[i]);
    rc = store_exec_stmt(s, st, "stamping an organisation", err, errsz);
  }
  if (rc == STORE_OK && real) {
    sqlite3_stmt *st = store_stmt(s, STMT_DATA_REV_SET, err, errsz);
    if (!st) return STORE_ERROR;
    store_bind_int(st, ":rev", rev);
    rc = store_exec_stmt(s, st, "bumping the data revision", err, errsz);
  }
  if (rc == STORE_OK) *changed = (int64_t)real;
  store_write_begin(s); /* clears the set */
  return rc;
}
