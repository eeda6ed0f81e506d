/* facts.h — one organisation's facts in memory, and the counting rules that read them.
 *
 * A facts_org (filled by facts_load.h from the store) answers, for any evaluation time,
 * the questions policies ask: distinct people holding codes (R6, R7, R8, expiry, R15
 * overrides), metric sums and latest values over month windows, and the earliest time
 * at which any answer can change by itself. Pure functions of (facts, time): no clock,
 * no I/O, no store (this header is what the Lua layer sees of the facts).
 *
 * Time (docs/eval.md, "What is known as of T"). Every rule takes a facts_time: `t`, the
 * instant goals are checked at, and `as_of`, the evaluation time, which decides what is
 * known. An event — a user's joining or departure, an MSA association, an achievement
 * earned, an override starting — is seen once its known time (by default the event's
 * own time) is at or before `as_of`; an event not seen has not happened. What a seen
 * fact schedules for later (an expiry, an override's end, a known departure or move)
 * applies at its own time. `t` and `as_of` differ only in a renewal projection, where `t`
 * is the membership's last second; metric windows always end with the month of `as_of`
 * (future months are not known). */
#ifndef ATTAIN_FACTS_H
#define ATTAIN_FACTS_H

#include <stddef.h>
#include <stdint.h>

#define FACTS_DAY 86400
#define FACTS_NO_TIME INT64_MIN /* no time: a NULL column, "never", "unknown" */

enum facts_kind { FACTS_ANY = 0, FACTS_CERTIFICATION, FACTS_EXAM, FACTS_ASSESSMENT };

/* Why a holding does or does not count at a time. The names (facts_why_name) are the
 * `reason` codes policies and JSON see. */
enum facts_why {
  FACTS_COUNTS = 0,
  FACTS_ALREADY_COUNTED,  /* the person is counted through another holding */
  FACTS_IRRELEVANT,       /* not held then: earned, associated or known later, or earned
                             after the association ended */
  FACTS_EARNED_RECENTLY,  /* R6: less than 24 h since it was earned */
  FACTS_LINKED_RECENTLY,  /* R6: less than 24 h since the MSA was associated */
  FACTS_JOINED_RECENTLY,  /* R6: less than 24 h since the user's account started */
  FACTS_EXPIRED,          /* R11 */
  FACTS_LEFT,             /* R8 */
  FACTS_NOT_JOINED,       /* the user's account starts later */
  FACTS_MOVED_AWAY,       /* R7: the MSA is associated with another organisation */
  FACTS_MOVED_USER,       /* the MSA is associated with another user of this organisation */
  FACTS_WHY_COUNT_
};

/* The moment of an evaluation: goals are checked at `t` with what was known at `as_of`. */
typedef struct facts_time {
  int64_t t, as_of;
} facts_time;

typedef struct facts_user {
  int64_t uid;
  const char *key;
  int64_t joined, left;             /* FACTS_NO_TIME: unknown / not left */
  int64_t joined_known, left_known; /* FACTS_NO_TIME: at their own time */
} facts_user;

/* A later association of a holding's MSA: it ends the holding's association once known. */
typedef struct facts_later {
  int64_t started, oid, known;
} facts_later;

/* One achievement as reachable through one association of its MSA with a user of the
 * organisation. */
typedef struct facts_holding {
  int user; /* index into the organisation's users; -1 if unknown */
  const char *msa, *code;
  uint32_t code_hash; /* facts_code_hash(code): most comparisons stop here */
  int kind;
  int64_t started, link_known; /* the association */
  const facts_later *later;    /* the MSA's later associations, by start */
  int nlater;
  int64_t earned, expires, earned_known;
} facts_holding;

typedef struct facts_metric {
  const char *name;
  int period;
  double value;
} facts_metric;

typedef struct facts_override {
  const char *competency, *code, *reason, *by;
  int64_t people, from, until, known; /* from: FACTS_NO_TIME for always */
} facts_override;

typedef struct facts_membership {
  const char *competency, *level, *by;
  int64_t bought;
} facts_membership;

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
} facts_org;

int facts_kind_parse(const char *name); /* -1 if unknown; NULL is FACTS_ANY */
const char *facts_kind_name(int kind);
uint32_t facts_code_hash(const char *code);

/* "counts", "already_counted", "earned_recently", ... and back (-1 if unknown). */
const char *facts_why_name(enum facts_why why);
int facts_why_parse(const char *name);

/* Is an event at `time` that the program learned of at `known` (FACTS_NO_TIME: at `time`)
 * seen as of `as_of`? (Inline: it runs for every holding of every evaluation.) */
static inline int facts_seen(int64_t time, int64_t known, int64_t as_of) {
  return (known != FACTS_NO_TIME ? known : time) <= as_of;
}

/* The end of a holding's association as known at `as_of`: the start of the first later
 * association seen then (FACTS_NO_TIME if none), and whether that one is with another
 * organisation. */
int64_t facts_holding_ended(const facts_org *o, const facts_holding *h, int64_t as_of,
                            int *moved_away);

enum facts_why facts_holding_status(const facts_org *o, const facts_holding *h, facts_time ft);
/* When the reason began (the departure, the expiry, the move) or ends (the 24-hour wait:
 * the time it will count from); FACTS_NO_TIME if none applies. */
int64_t facts_why_since(const facts_org *o, const facts_holding *h, enum facts_why why,
                        int64_t as_of);
/* For a holding that counts at ft.t: the time it is known to stop counting (an expiry, a
 * departure or a move seen at ft.as_of), with the reason then; FACTS_NO_TIME if none. */
int64_t facts_holding_ends(const facts_org *o, const facts_holding *h, facts_time ft,
                           enum facts_why *why);
/* The time from which a holding counts (R6): 24 h after the latest of earning, the
 * association and the user's account start. */
int64_t facts_holding_counts_from(const facts_org *o, const facts_holding *h);

/* Is an override seen at ft.as_of and in force at ft.t? */
int facts_override_in_force(const facts_override *ov, facts_time ft);

/* Distinct people holding any of codes (of `kind`) at ft, plus the people credited by
 * overrides in force for `competency` (NULL: none) on those codes. `seen` is scratch of
 * at least o->nusers bytes. */
int64_t facts_people(const facts_org *o, facts_time ft, const char *const *codes, int ncodes,
                     int kind, const char *competency, unsigned char *seen);
/* The same with the codes' facts_code_hash values computed once by the caller. */
int64_t facts_people_hashed(const facts_org *o, facts_time ft, const char *const *codes,
                            const uint32_t *hashes, int ncodes, int kind, const char *competency,
                            unsigned char *seen);

/* Sum of `metric` over the `months` months ending with the month of `as_of`; the latest
 * value at or before that month (0 and *found = 0 if none); the value of one month. */
double facts_metric_sum(const facts_org *o, const char *metric, int64_t as_of, int months);
double facts_metric_latest(const facts_org *o, const char *metric, int64_t as_of, int *found);
double facts_metric_at(const facts_org *o, const char *metric, int period, int *found);

/* The earliest time strictly after t at which any fact of the organisation starts or
 * stops counting, becomes known, or a month window moves; INT64_MAX if none.
 * Conservative: an answer may stay the same then, but never changes earlier. */
int64_t facts_next_change(const facts_org *o, int64_t t);

#endif
