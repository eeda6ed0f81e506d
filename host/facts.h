/* facts.h — one range of organisations' facts in memory, and the rules that read them.
 *
 * A facts_batch is filled from the store (store_read_range) for organisations lo..hi and
 * then answers, for any organisation in it and any evaluation time t, the questions
 * policies ask: distinct people holding codes (R6, R7, R8, expiry, R15 overrides), metric
 * sums/averages/latest values over month windows, and the earliest time after t at which
 * any answer can change by itself (a 24-hour wait ending, an expiry, a departure, a month
 * starting...). Pure functions of (facts, t): no clock, no I/O after loading.
 *
 * Ownership: the batch owns every array and string; facts_org pointers stay valid until
 * the next facts_batch_load or facts_batch_free. A batch is used by one thread. */
#ifndef ATTAIN_FACTS_H
#define ATTAIN_FACTS_H

#include <stddef.h>
#include <stdint.h>

#include "store.h"

#define FACTS_DAY 86400

enum facts_kind { FACTS_ANY = 0, FACTS_CERTIFICATION, FACTS_EXAM, FACTS_ASSESSMENT };

/* Why a holding does or does not count at a time t. */
enum facts_why {
  FACTS_COUNTS = 0,
  FACTS_IRRELEVANT,       /* earned after t, associated after t, or moved before earning */
  FACTS_EARNED_RECENTLY,  /* R6: less than 24 h since it was earned */
  FACTS_LINKED_RECENTLY,  /* R6: less than 24 h since the MSA was associated */
  FACTS_EXPIRED,
  FACTS_LEFT,             /* R8 */
  FACTS_NOT_JOINED,       /* the user's account starts after t */
  FACTS_MOVED_AWAY,       /* R7: the MSA is associated with another organisation */
  FACTS_MOVED_USER,       /* the MSA is associated with another user of this organisation */
};

typedef struct facts_user {
  int64_t uid;
  const char *key;
  int64_t joined, left; /* STORE_NO_TIME: unknown / not left */
} facts_user;

/* One achievement as reachable through one association of its MSA with a user of the
 * organisation. */
typedef struct facts_holding {
  int user; /* index into the organisation's users */
  const char *msa, *code;
  uint32_t code_hash; /* facts_code_hash(code): most comparisons stop here */
  int kind;
  int64_t started, ended; /* the association */
  int moved_away;         /* the association that ended it is with another organisation */
  int64_t earned, expires;
} facts_holding;

typedef struct facts_metric {
  const char *name;
  int period;
  double value;
} facts_metric;

typedef struct facts_override {
  const char *competency, *code, *reason, *by;
  int64_t people, from, until;
} facts_override;

typedef struct facts_membership {
  const char *competency, *level, *by;
  int64_t bought;
} facts_membership;

/* What the previous evaluations left: the lifecycle state and the alerts not cleared. */
typedef struct facts_status {
  const char *competency, *state;
  int64_t since;
} facts_status;

typedef struct facts_result {
  const char *competency, *policy, *level, *error; /* level, error: NULL for none */
} facts_result;

typedef struct facts_alert {
  const char *competency, *kind, *message, *cause;
  int64_t id, raised;
} facts_alert;

typedef struct facts_org {
  int64_t oid, rev;
  const char *key;
  const facts_user *users;
  int nusers;
  const facts_holding *holdings;
  int nholdings;
  const facts_metric *metrics; /* sorted by name, period */
  int nmetrics;
  const facts_override *overrides;
  int noverrides;
  const facts_membership *memberships; /* sorted by competency, bought */
  int nmemberships;
  const facts_status *statuses; /* sorted by competency */
  int nstatuses;
  const facts_alert *alerts; /* open ones, sorted by competency, id */
  int nalerts;
  const facts_result *results; /* as last stored, sorted by competency */
  int nresults;
} facts_org;

typedef struct facts_batch facts_batch;
struct store_metric_window;

facts_batch *facts_batch_new(void);
void facts_batch_free(facts_batch *b);
/* Replaces the batch's content with the facts of organisations lo..hi; metric rows only in
 * window `w` (NULL: all; see policy_runtime_metric_window). */
int facts_batch_load(facts_batch *b, store *s, int64_t lo, int64_t hi,
                     const struct store_metric_window *w, char *err, size_t errsz);
int facts_batch_count(const facts_batch *b);
const facts_org *facts_batch_org(const facts_batch *b, int i);

int facts_kind_parse(const char *name); /* -1 if unknown; NULL is FACTS_ANY */
uint32_t facts_code_hash(const char *code);
const char *facts_kind_name(int kind);

enum facts_why facts_holding_status(const facts_org *o, const facts_holding *h, int64_t t);
const char *facts_why_text(enum facts_why why);
/* When the reason began (the departure, the expiry, the move) or ends (the 24-hour wait:
 * the time it will count from); STORE_NO_TIME if none applies. */
int64_t facts_why_since(const facts_org *o, const facts_holding *h, enum facts_why why);
/* The time from which a holding counts (R6): 24 h after the later of earning and
 * association — where an association dated before the user's account started is taken
 * to start with the account. */
int64_t facts_holding_counts_from(const facts_org *o, const facts_holding *h);

/* Does an override apply to `competency` and one of the codes at t? */
int facts_override_in_force(const facts_override *ov, int64_t t);

/* Distinct people holding any of codes (of `kind`) at t, plus the people credited by
 * overrides in force for `competency` (NULL: none) on those codes. `seen` is scratch of
 * at least o->nusers bytes. */
int64_t facts_people(const facts_org *o, int64_t t, const char *const *codes, int ncodes,
                     int kind, const char *competency, unsigned char *seen);

/* Sum of `metric` over the `months` months ending with the month of t; latest value at
 * or before the month of t (returns 0 and *found = 0 if none). */
double facts_metric_sum(const facts_org *o, const char *metric, int64_t t, int months);
double facts_metric_latest(const facts_org *o, const char *metric, int64_t t, int *found);
double facts_metric_at(const facts_org *o, const char *metric, int period, int *found);

/* The earliest time strictly after t at which any fact of the organisation starts or
 * stops counting, or a month window moves; INT64_MAX if none. Conservative: an answer
 * may stay the same then, but never changes earlier. */
int64_t facts_next_change(const facts_org *o, int64_t t);

#endif
