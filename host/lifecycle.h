/* lifecycle.h — the partner program around the rules, for one organisation in one
 * competency (DOMAIN.md "Lifecycle", R9–R14):
 *
 *   none -> qualified (a path of some level is met) -> active (a membership bought)
 *        -> at_risk (the bought level is not met now, or will not be at renewal)
 *        -> active again when met, or expired at the end of the membership year.
 *
 * A membership's end comes from the policy's renewal rule (Lua; year end by default).
 * The renewal projection evaluates the policy again as of the last second of the
 * membership with the facts known now: achievements expire and people leave as already
 * recorded, while metric windows stay where the known figures are (future performance is
 * not guessed). Causes are phrased in data terms ("user u7 left on 2026-03-01; AZ-104
 * held by u7 no longer counts"), from the policy's own explanation of the goals short.
 *
 * Depends on policy.h (evaluation) and facts.h (memberships, stored states, alerts). */
#ifndef ATTAIN_LIFECYCLE_H
#define ATTAIN_LIFECYCLE_H

#include <stdint.h>

#include "facts.h"
#include "policy.h"

enum lifecycle_state { LC_NONE = 0, LC_QUALIFIED, LC_ACTIVE, LC_AT_RISK, LC_EXPIRED };
enum lifecycle_alert { LC_ALERT_KEEP = 0, LC_ALERT_RAISE, LC_ALERT_CLEAR };

#define LIFECYCLE_RISK_MESSAGE                                                              \
  "A recent change in your competency attainment put your membership renewal eligibility " \
  "at risk"

typedef struct lifecycle {
  int state, prev_state;
  int64_t prev_since;
  /* the membership in force or last ended; level 0 when none was ever bought */
  int mlevel;
  int64_t bought, end; /* end: exclusive */
  const char *bought_by;
  int alert;             /* what the sweep must do with the alert */
  int64_t open_alert_id; /* the alert not yet cleared, if any (0: none) */
  const char *open_alert_cause; /* its cause, owned by the facts batch */
  int64_t open_alert_raised;
  char cause[768];       /* why the state is what it is, when it changed or is at risk */
  int64_t next_change;   /* the membership's end when it matters; INT64_MAX otherwise */
  int failed;
  char error[512];
} lifecycle;

const char *lifecycle_state_name(int state);
int lifecycle_state_parse(const char *name); /* -1 if unknown */

/* Assesses policy `p` for `o` at `at`, given the level the evaluation found now.
 * `explain_cause`: compute `cause` even when the state did not change (for status). */
void lifecycle_assess(policy_runtime *rt, int p, const facts_org *o, int64_t at, int level_now,
                      int explain_cause, lifecycle *out);

/* Why organisation `o` falls short of `level` in policy `p` at `at`, goal by goal ("silver
 * path consumption: 2 certified people (...): have 1, need 2 (1 short)"), for a refused
 * purchase. Returns the level reached (POLICY_LEVEL_*), or -1 with the policy's error in
 * `why`. */
int lifecycle_shortfall(policy_runtime *rt, int p, const facts_org *o, int64_t at, int level,
                        char *why, size_t whysz);

#endif
