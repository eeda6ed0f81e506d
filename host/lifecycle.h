/* lifecycle.h — the partner program around the rules, for one organisation in one
 * competency (docs/lifecycle.md, R9–R14):
 *
 *   none -> qualified (a path of some level is met) -> active (a membership bought)
 *        -> at_risk (the bought level is not met now, or will not be at renewal)
 *        -> active again when met, or expired at the end of the membership year.
 *
 * A membership's end comes from the policy's renewal rule (Lua; year end by default).
 * The renewal projection evaluates the policy again at the last second of the
 * membership with what is known at the evaluation time (facts.h): expiries, and
 * departures and moves known in advance, apply; metric windows stay where the known
 * figures are (future performance is not guessed). Causes are phrased in data terms
 * ("user u7 left on 2026-03-01; AZ-104 held by u7 no longer counts"; "user u7 will leave
 * on ..."), from the typed explanation of the goals short (result.h).
 *
 * Errors stay where they happen: when a path in error could change the decision (its
 * level is above the level reached), the state stays as stored ("frozen") and no alert
 * moves until the policy is fixed. */
#ifndef ATTAIN_LIFECYCLE_H
#define ATTAIN_LIFECYCLE_H

#include <stddef.h>
#include <stdint.h>

#include "arena.h"
#include "eval_prior.h"
#include "facts.h"
#include "policy_runtime.h"
#include "result.h"

enum lifecycle_state { LC_NONE = 0, LC_QUALIFIED, LC_ACTIVE, LC_AT_RISK, LC_EXPIRED };
enum lifecycle_alert { LC_ALERT_KEEP = 0, LC_ALERT_RAISE, LC_ALERT_CLEAR };

#define LIFECYCLE_ALERT_KIND "renewal_at_risk"
#define LIFECYCLE_RISK_MESSAGE                                                              \
  "A recent change in your competency attainment put your membership renewal eligibility " \
  "at risk"

typedef struct lifecycle {
  int state, prev_state;
  int frozen; /* the state stays as stored: a path in error may change the decision */
  /* the membership in force or last ended; level 0 when none was ever bought */
  int mlevel;
  int64_t bought, end; /* end: exclusive */
  const char *bought_by;
  int alert;             /* what the sweep must do with the alert */
  int64_t open_alert_id; /* the alert open at the evaluation time, if any (0: none) */
  const char *open_alert_cause; /* its cause, owned by the prior */
  int64_t open_alert_raised;
  char cause[768];     /* why the state is what it is, when it changed or is at risk */
  int64_t next_change; /* the membership's end when it matters; INT64_MAX otherwise */
  int failed;          /* the renewal rule or the projection failed: error says why */
  char error[512];
} lifecycle;

const char *lifecycle_state_name(int state);
int lifecycle_state_parse(const char *name); /* -1 if unknown */

/* Assesses policy `p` for `o` at `at`, given the outcome of its evaluation now (not
 * failed) and what earlier evaluations stored (`prior`). `explain_cause`: compute `cause`
 * even when the state did not change (for status). Explanations are built in `scratch`
 * (reset by the caller). */
void lifecycle_assess(policy_runtime *rt, int p, const facts_org *o, const eval_prior_org *prior,
                      int64_t at, const policy_outcome *now, int explain_cause, arena *scratch,
                      lifecycle *out);

/* Why `tree` falls short of `level`, goal by goal ("\n  silver path consumption: 2
 * certified people (...): have 1, need 2 (1 short)"), for a refused purchase. */
void lifecycle_shortfall(const result_tree *tree, int level, char *why, size_t whysz);

#endif
