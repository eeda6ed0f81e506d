/* lifecycle.c — membership states, renewal projection, causes and alerts (see
 * lifecycle.h). Causes and shortfalls are read from result trees; no text is parsed. */
#include "lifecycle.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "isotime.h"

static const char *const state_names[] = {"none", "qualified", "active", "at_risk", "expired"};

const char *lifecycle_state_name(int state) {
  return state >= LC_NONE && state <= LC_EXPIRED ? state_names[state] : "?";
}

int lifecycle_state_parse(const char *name) {
  for (int i = LC_NONE; i <= LC_EXPIRED; i++)
    if (name && strcmp(name, state_names[i]) == 0) return i;
  return -1;
}

/* The latest membership of `competency` bought at or before `at`. */
static const facts_membership *membership_of(const facts_org *o, const char *competency,
                                             int64_t at) {
  const facts_membership *best = NULL;
  for (int i = 0; i < o->nmemberships; i++) {
    const facts_membership *m = &o->memberships[i];
    if (strcmp(m->competency, competency) == 0 && m->bought <= at &&
        (!best || m->bought >= best->bought))
      best = m;
  }
  return best;
}

/* Appends "; "-separated phrases to a bounded buffer. The same person and achievement
 * reached through several goals of a path is named once (`seen`). */
#define SEEN_PEOPLE 32
typedef struct phrases {
  char *buf;
  size_t size, len;
  const result_person *seen[SEEN_PEOPLE];
  int nseen;
} phrases;

static void add(phrases *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void add(phrases *p, const char *fmt, ...) {
  char one[512];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(one, sizeof one, fmt, ap); /* a phrase longer than `one` is cut */
  va_end(ap);
  if (p->len + strlen(one) + 3 >= p->size) return; /* full: the first causes are enough */
  p->len += (size_t)snprintf(p->buf + p->len, p->size - p->len, "%s%s", p->len ? "; " : "", one);
}

static int same(const char *a, const char *b) { return a && b ? strcmp(a, b) == 0 : a == b; }

/* Has this (reason, user, code, MSA, time) been named already? Remembers it if not. */
static int named_before(phrases *p, const result_person *e) {
  for (int i = 0; i < p->nseen; i++) {
    const result_person *s = p->seen[i];
    if (s->why == e->why && s->since == e->since && same(s->user, e->user) &&
        same(s->code, e->code) && same(s->msa, e->msa))
      return 1;
  }
  if (p->nseen < SEEN_PEOPLE) p->seen[p->nseen++] = e;
  return 0;
}

/* One excluded holding as a cause, if it is a change since `floor` (the purchase).
 * Changes after `as_of` are known in advance: future tense. */
static int people_cause(phrases *p, const result_person *e, int64_t floor, int64_t as_of) {
  if (e->since == FACTS_NO_TIME || e->since < floor) return 0; /* older than the membership */
  if (e->why != FACTS_LEFT && e->why != FACTS_EXPIRED && e->why != FACTS_MOVED_AWAY &&
      e->why != FACTS_MOVED_USER)
    return 0;
  if (named_before(p, e)) return 1;
  char since[ISOTIME_BUFSZ];
  isotime_format_date(e->since, since);
  const char *user = e->user ? e->user : "?", *code = e->code ? e->code : "?";
  const char *msa = e->msa ? e->msa : "?";
  int future = e->since > as_of;
  switch (e->why) {
  case FACTS_LEFT:
    if (future)
      add(p, "user %s will leave on %s; %s held by %s will no longer count", user, since, code,
          user);
    else
      add(p, "user %s left on %s; %s held by %s no longer counts", user, since, code, user);
    return 1;
  case FACTS_EXPIRED:
    if (future)
      add(p, "%s held by %s expires on %s, before renewal", code, user, since);
    else
      add(p, "%s held by %s expired on %s", code, user, since);
    return 1;
  case FACTS_MOVED_AWAY:
    if (future)
      add(p, "MSA %s of user %s will be associated with another organisation on %s; %s will no "
             "longer count",
          msa, user, since, code);
    else
      add(p, "MSA %s of user %s was associated with another organisation on %s; %s no longer "
             "counts",
          msa, user, since, code);
    return 1;
  case FACTS_MOVED_USER:
    if (future)
      add(p, "MSA %s will be associated with another user on %s; %s held by %s will no longer "
             "count",
          msa, since, code, user);
    else
      add(p, "MSA %s was associated with another user on %s; %s held by %s no longer counts",
          msa, since, code, user);
    return 1;
  default: return 0;
  }
}

static void number(char *b, size_t n, double d) {
  if (d == floor(d) && fabs(d) < 1e15)
    snprintf(b, n, "%.0f", d);
  else
    snprintf(b, n, "%.2f", d);
}

/* The people of every unmet goal of a path (and its sub-goals) who stopped counting. */
static int goal_causes(phrases *ph, const result_goal *g, int64_t floor, int64_t as_of) {
  int found = 0;
  if (g->met) return 0;
  for (int k = 0; k < g->nexcluded; k++) found |= people_cause(ph, &g->excluded[k], floor, as_of);
  for (int k = 0; k < g->nchildren; k++) found |= goal_causes(ph, &g->children[k], floor, as_of);
  return found;
}

/* Why `tree` falls short of `level`: the people and achievements that stopped counting
 * since the membership was bought, across every path of that level; failing any, the
 * goals short on the path closest to being met. */
static void tree_causes(phrases *ph, const result_tree *tree, int level, int64_t floor,
                        int64_t as_of) {
  int found = 0;
  const result_path *closest = NULL;
  int closest_short = 0;
  for (int i = 0; i < tree->npaths; i++) {
    const result_path *path = &tree->paths[i];
    if (path->level != level || path->met) continue;
    int nshort = 0;
    for (int j = 0; j < path->ngoals; j++) {
      if (path->goals[j].met) continue;
      nshort++;
      found |= goal_causes(ph, &path->goals[j], floor, as_of);
    }
    if (!closest || nshort < closest_short) {
      closest = path;
      closest_short = nshort;
    }
  }
  if (found || !closest) return;
  for (int j = 0; j < closest->ngoals; j++) {
    const result_goal *g = &closest->goals[j];
    if (g->met) continue;
    char have[32], need[32];
    number(have, sizeof have, g->have);
    number(need, sizeof need, g->need);
    add(ph, "%s path %s: %s: have %s, need %s", result_level_word(level), closest->id,
        g->label, have, need);
  }
}

/* Explains policy p at ft and appends why `level` is not met to out->cause. */
static int explain_causes(policy_runtime *rt, int p, const facts_org *o, facts_time ft, int level,
                          int64_t floor_t, arena *scratch, lifecycle *out) {
  size_t used = strlen(out->cause);
  phrases ph = {.buf = out->cause + used, .size = sizeof out->cause - used};
  ph.buf[0] = 0;
  policy_eval_args args = {ft, POLICY_REPORT_EXPLAIN, scratch};
  policy_outcome res;
  policy_runtime_eval(rt, p, o, &args, &res);
  if (res.failed) {
    snprintf(out->error, sizeof out->error, "%s", res.error);
    out->failed = 1;
    return -1;
  }
  tree_causes(&ph, res.tree, level, floor_t, ft.as_of);
  return 0;
}

/* Freezes the state as stored: an error hides whether it changes. */
static void freeze(lifecycle *out, int explain_cause, const char *what) {
  out->frozen = 1;
  out->state = out->prev_state;
  out->alert = LC_ALERT_KEEP;
  if (explain_cause)
    snprintf(out->cause, sizeof out->cause,
             "the state stays %s: a path in error may change it (%s); fix the policy",
             lifecycle_state_name(out->state), what);
}

void lifecycle_assess(policy_runtime *rt, int p, const facts_org *o, const eval_prior_org *prior,
                      int64_t at, const policy_outcome *now, int explain_cause, arena *scratch,
                      lifecycle *out) {
  memset(out, 0, sizeof *out);
  out->next_change = INT64_MAX;
  const char *competency = policy_runtime_set(rt)->files[p].stem;
  const eval_prior_status *st = eval_prior_status_of(prior, competency);
  out->prev_state = st ? st->state : LC_NONE;
  const eval_prior_alert *al = eval_prior_alert_of(prior, competency, LIFECYCLE_ALERT_KIND);
  out->open_alert_id = al ? al->id : 0;
  out->open_alert_cause = al ? al->cause : NULL;
  out->open_alert_raised = al ? al->raised : 0;
  int level_now = now->level;
  /* A path in error above the level reached may hide a higher level. */
  int hidden_now = now->error_level > level_now;
  const facts_membership *m = membership_of(o, competency, at);
  char d1[ISOTIME_BUFSZ], d2[ISOTIME_BUFSZ];
  int risk_at_renewal = 0;
  if (!m) {
    if (!level_now && hidden_now) {
      freeze(out, explain_cause, "now");
      return;
    }
    out->state = level_now ? LC_QUALIFIED : LC_NONE;
  } else {
    out->mlevel = result_level_parse(m->level);
    out->bought = m->bought;
    out->bought_by = m->by;
    if (policy_runtime_membership_end(rt, p, m->bought, &out->end, out->error,
                                      sizeof out->error)) {
      out->failed = 1;
      return;
    }
    if (at >= out->end) {
      out->state = LC_EXPIRED;
    } else {
      out->next_change = out->end;
      if (level_now < out->mlevel) {
        if (now->error_level >= out->mlevel) {
          freeze(out, explain_cause, "now");
          return;
        }
        out->state = LC_AT_RISK;
      } else {
        policy_eval_args args = {{out->end - 1, at}, POLICY_REPORT_LEVEL, scratch};
        policy_outcome projected;
        policy_runtime_eval(rt, p, o, &args, &projected);
        if (projected.failed) {
          snprintf(out->error, sizeof out->error, "%s", projected.error);
          out->failed = 1;
          return;
        }
        if (projected.level < out->mlevel && projected.error_level >= out->mlevel) {
          freeze(out, explain_cause, "at renewal");
          return;
        }
        risk_at_renewal = projected.level < out->mlevel;
        out->state = risk_at_renewal ? LC_AT_RISK : LC_ACTIVE;
      }
    }
  }
  if (out->state == LC_AT_RISK && !out->open_alert_id) out->alert = LC_ALERT_RAISE;
  if (out->state != LC_AT_RISK && out->open_alert_id) out->alert = LC_ALERT_CLEAR;
  if (out->state == out->prev_state && out->alert == LC_ALERT_KEEP && !explain_cause) return;

  switch (out->state) {
  case LC_NONE: snprintf(out->cause, sizeof out->cause, "no path of either level is met"); break;
  case LC_QUALIFIED:
    snprintf(out->cause, sizeof out->cause, "the %s level is met", result_level_word(level_now));
    break;
  case LC_ACTIVE:
    isotime_format_date(out->bought, d1);
    isotime_format_date(out->end - 1, d2);
    if (out->prev_state == LC_AT_RISK)
      snprintf(out->cause, sizeof out->cause, "the %s level is met again",
               result_level_word(out->mlevel));
    else
      snprintf(out->cause, sizeof out->cause, "%s membership bought on %s%s%s, in force until %s",
               result_level_word(out->mlevel), d1, out->bought_by ? " by " : "",
               out->bought_by ? out->bought_by : "", d2);
    break;
  case LC_AT_RISK:
    if (risk_at_renewal) {
      isotime_format_date(out->end - 1, d2);
      snprintf(out->cause, sizeof out->cause, "by the end of the membership (%s): ", d2);
      explain_causes(rt, p, o, (facts_time){out->end - 1, at}, out->mlevel, out->bought, scratch,
                     out);
    } else {
      explain_causes(rt, p, o, (facts_time){at, at}, out->mlevel, out->bought, scratch, out);
    }
    break;
  case LC_EXPIRED:
    isotime_format_date(out->bought, d1);
    isotime_format_date(out->end - 1, d2);
    snprintf(out->cause, sizeof out->cause,
             "the %s membership bought on %s ended after %s without renewal",
             result_level_word(out->mlevel), d1, d2);
    break;
  }
}

void lifecycle_shortfall(const result_tree *tree, int level, char *why, size_t whysz) {
  size_t len = 0;
  why[0] = 0;
  for (int i = 0; i < tree->npaths; i++) {
    const result_path *path = &tree->paths[i];
    if (path->level != level) continue;
    for (int j = 0; j < path->ngoals; j++) {
      const result_goal *g = &path->goals[j];
      if (g->met || len >= whysz) continue;
      if (g->error) {
        len += (size_t)snprintf(why + len, whysz - len, "\n  %s path %s: %s: error: %s",
                                result_level_word(level), path->id, g->label, g->error);
        continue;
      }
      char have[32], need[32], short_by[32];
      number(have, sizeof have, g->have);
      number(need, sizeof need, g->need);
      number(short_by, sizeof short_by, g->need - g->have);
      len += (size_t)snprintf(why + len, whysz - len,
                              "\n  %s path %s: %s: have %s, need %s (%s short)",
                              result_level_word(level), path->id, g->label, have, need, short_by);
    }
  }
}
