/* store_write.h — writing facts (what `attain import` stores), inside store_tx.
 *
 * Every put is an upsert keyed as DESIGN.md says (an organisation, user, MSA by id; an
 * achievement by MSA + code + earned time; a metric by organisation + metric + period; an
 * override by organisation + competency + code), and a put that changes nothing writes
 * nothing, so importing a file twice leaves the database as the first import left it.
 * Each change marks the organisations whose evaluations read it; store_write_finish
 * then stamps them with a new data revision (the daemon's cue to re-evaluate them).
 *
 * References to unknown things fail with STORE_ENOTFOUND, contradictions with
 * STORE_ECONFLICT; both name the thing in err. */
#ifndef ATTAIN_STORE_WRITE_H
#define ATTAIN_STORE_WRITE_H

#include <stddef.h>
#include <stdint.h>

#include "store.h"

/* An optional field of an update: absent keeps the stored value. For times,
 * STORE_NO_TIME in `value` is an explicit null (clears the stored value). */
typedef struct store_opt_time {
  int present;
  int64_t value;
} store_opt_time;

typedef struct store_opt_text {
  int present;
  const char *value; /* NULL: explicit null */
} store_opt_text;

/* `known`: when the program learned of the joining and/or departure this record states
 * (STORE_NO_TIME: at their own time). It applies to those of joined/left present. */
typedef struct store_user_rec {
  const char *key;
  const char *org; /* required when the user is new; if given, must match */
  store_opt_text name;
  store_opt_time joined, left;
  int64_t known;
} store_user_rec;

typedef struct store_achievement_rec {
  const char *msa, *code, *kind; /* kind: certification | exam | assessment */
  int64_t earned, expires;       /* expires: STORE_NO_TIME for none */
  int64_t known;                 /* when it was learned of; STORE_NO_TIME: when earned */
} store_achievement_rec;

typedef struct store_override_rec {
  const char *org, *competency, *code, *reason, *by;
  int64_t people, from, until; /* from: STORE_NO_TIME for "already in force" */
  int64_t known;               /* when it was granted; STORE_NO_TIME: at `from` (or always) */
} store_override_rec;

typedef struct store_membership_rec {
  const char *org, *competency, *level, *by;
  int64_t bought;
} store_membership_rec;

/* Starts a batch of writes (call once after store_tx began). */
void store_write_begin(store *s);

int store_org_put(store *s, const char *key, store_opt_text name, char *err, size_t errsz);
int store_user_put(store *s, const store_user_rec *u, char *err, size_t errsz);
/* Associates `msa` (created on first use) with `user` from time `at` (R7): the MSA's
 * association in force at `at` ends then; the history is kept. Associating with the
 * user it already belongs to at `at` changes nothing (but a new `known` of the
 * association that starts at `at`). `known`: when the program learned of the
 * association; STORE_NO_TIME: at `at`. */
int store_link_put(store *s, const char *msa, const char *user, int64_t at, int64_t known,
                   char *err, size_t errsz);
int store_achievement_put(store *s, const store_achievement_rec *a, char *err, size_t errsz);
int store_metric_put(store *s, const char *org, const char *metric, int period, double value,
                     char *err, size_t errsz);
int store_override_put(store *s, const store_override_rec *o, char *err, size_t errsz);
/* Records a membership bought (R9, R10), keyed by organisation + competency + time of
 * purchase. `attain membership buy` checks qualification first; an import records what
 * another system already decided. */
int store_membership_put(store *s, const store_membership_rec *m, char *err, size_t errsz);

/* Stamps every organisation changed since store_write_begin with a new data revision —
 * those whose facts, as evaluations read them, differ from before the batch: a row
 * changed and changed back, or a renamed organisation or user, is stored without a new
 * revision (nothing to re-evaluate). `changed` receives how many organisations that was
 * (0: the batch changed nothing an evaluation reads, and the data revision stays). */
int store_write_finish(store *s, int64_t *changed, char *err, size_t errsz);

#endif
