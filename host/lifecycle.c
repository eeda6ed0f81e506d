/* lifecycle.c — membership states, renewal projection, causes and alerts (see
 * lifecycle.h). */
#include "lifecycle.h"

#include <jansson.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "isotime.h"
#include "jsonw.h"

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

static const facts_status *status_of(const facts_org *o, const char *competency) {
  for (int i = 0; i < o->nstatuses; i++)
    if (strcmp(o->statuses[i].competency, competency) == 0) return &o->statuses[i];
  return NULL;
}

static const facts_alert *alert_of(const facts_org *o, const char *competency) {
  for (int i = 0; i < o->nalerts; i++)
    if (strcmp(o->alerts[i].competency, competency) == 0 &&
        strcmp(o->alerts[i].kind, "renewal_at_risk") == 0)
      return &o->alerts[i];
  return NULL;
}

/* Appends "; "-separated phrases to a bounded buffer, skipping repeats. */
typedef struct phrases {
  char *buf;
  size_t size, len;
} phrases;

static void add(phrases *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void add(phrases *p, const char *fmt, ...) {
  char one[512];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(one, sizeof one, fmt, ap);
  va_end(ap);
  if (strstr(p->buf, one)) return;
  if (p->len + strlen(one) + 3 >= p->size) return; /* full: the first causes are enough */
  p->len += (size_t)snprintf(p->buf + p->len, p->size - p->len, "%s%s", p->len ? "; " : "", one);
}

static const char *jstr(json_t *o, const char *k) {
  const char *s = json_string_value(json_object_get(o, k));
  return s ? s : "";
}


/* One excluded holding as a cause, if it is a change since `floor`. */
static int people_cause(phrases *p, const policy_excluded *e, int64_t floor, int64_t at) {
  if (e->since == STORE_NO_TIME || e->since < floor) return 0; /* older than the membership */
  char since[ISOTIME_BUFSZ];
  isotime_format_date(e->since, since);
  const char *user = e->user, *code = e->code, *msa = e->msa, *reason = e->reason;
  if (strcmp(reason, "left the organisation") == 0)
    add(p, "user %s left on %s; %s held by %s no longer counts", user, since, code, user);
  else if (strcmp(reason, "expired") == 0 && e->since > at)
    add(p, "%s held by %s expires on %s, before renewal", code, user, since);
  else if (strcmp(reason, "expired") == 0)
    add(p, "%s held by %s expired on %s", code, user, since);
  else if (strcmp(reason, "MSA associated with another organisation") == 0)
    add(p, "MSA %s of user %s was associated with another organisation on %s; %s no longer "
           "counts",
        msa, user, since, code);
  else if (strcmp(reason, "MSA associated with another user") == 0)
    add(p, "MSA %s was associated with another user on %s; %s held by %s no longer counts",
        msa, since, code, user);
  else
    return 0;
  return 1;
}

#define SHORT_GOALS 16 /* goals kept per path for "have X, need Y" causes */

typedef struct short_path {
  char id[128];
  int nshort; /* goals not met (all counted, the first SHORT_GOALS kept) */
  struct {
    char label[256];
    double have, need;
  } goals[SHORT_GOALS];
} short_path;

/* Causes of falling short of `level`, gathered while an explanation is walked: the people
 * and achievements that stopped counting since the membership was bought, across every
 * path of that level; failing any, the goals short on the path closest to being met. */
typedef struct cause_walk {
  phrases *p;
  const char *level;
  int64_t floor, at;
  int in_path, found;
  short_path cur, closest;
  int have_closest;
} cause_walk;

static void end_path(cause_walk *w) {
  if (w->in_path && (!w->have_closest || w->cur.nshort < w->closest.nshort)) {
    w->closest = w->cur;
    w->have_closest = 1;
  }
  w->in_path = 0;
}

static void on_path(void *arg, const char *id, const char *level, int met) {
  cause_walk *w = arg;
  end_path(w);
  w->in_path = strcmp(level, w->level) == 0 && !met;
  snprintf(w->cur.id, sizeof w->cur.id, "%s", id);
  w->cur.nshort = 0;
}

static int on_goal(void *arg, const char *label, double have, double need, int met) {
  cause_walk *w = arg;
  if (!w->in_path || met) return 0;
  if (w->cur.nshort < SHORT_GOALS) {
    snprintf(w->cur.goals[w->cur.nshort].label, sizeof w->cur.goals[0].label, "%s", label);
    w->cur.goals[w->cur.nshort].have = have;
    w->cur.goals[w->cur.nshort].need = need;
  }
  w->cur.nshort++;
  return 1;
}

static void on_excluded(void *arg, const policy_excluded *e) {
  cause_walk *w = arg;
  w->found |= people_cause(w->p, e, w->floor, w->at);
}

static void number(char *b, size_t n, double d) {
  if (d == floor(d) && fabs(d) < 1e15)
    snprintf(b, n, "%.0f", d);
  else
    snprintf(b, n, "%.2f", d);
}

/* Explains at `t` and collects why `level` is not met. */
static int explain_causes(policy_runtime *rt, int p, const facts_org *o, int64_t t,
                          int64_t metrics_at, int level, int64_t floor_t, lifecycle *out) {
  phrases ph = {out->cause + strlen(out->cause), sizeof out->cause - strlen(out->cause), 0};
  ph.buf[0] = 0;
  cause_walk w = {.p = &ph, .level = policy_level_word(level), .floor = floor_t, .at = metrics_at};
  static const policy_explain_visitor visit = {on_path, on_goal, on_excluded};
  policy_result res;
  policy_runtime_explain_walk(rt, p, o, t, metrics_at, &visit, &w, &res);
  if (res.failed) {
    snprintf(out->error, sizeof out->error, "%s", res.error);
    out->failed = 1;
    return -1;
  }
  end_path(&w);
  if (w.found || !w.have_closest) return 0;
  int n = w.closest.nshort < SHORT_GOALS ? w.closest.nshort : SHORT_GOALS;
  for (int j = 0; j < n; j++) {
    char have[32], need[32];
    number(have, sizeof have, w.closest.goals[j].have);
    number(need, sizeof need, w.closest.goals[j].need);
    add(&ph, "%s path %s: %s: have %s, need %s", w.level, w.closest.id, w.closest.goals[j].label,
        have, need);
  }
  return 0;
}

static int level_at(policy_runtime *rt, int p, const facts_org *o, int64_t t, int64_t metrics_at,
                    lifecycle *out) {
  jsonw w;
  jsonw_init(&w);
  policy_eval_args args = {t, metrics_at, POLICY_REPORT_LEVEL};
  policy_result res;
  policy_runtime_eval(rt, p, o, &args, &w, &res);
  jsonw_free(&w);
  if (res.failed) {
    snprintf(out->error, sizeof out->error, "%s", res.error);
    out->failed = 1;
    return -1;
  }
  return res.level;
}

void lifecycle_assess(policy_runtime *rt, int p, const facts_org *o, int64_t at, int level_now,
                      int explain_cause, lifecycle *out) {
  memset(out, 0, sizeof *out);
  out->next_change = INT64_MAX;
  const char *competency = policy_runtime_set(rt)->files[p].stem;
  const facts_status *st = status_of(o, competency);
  out->prev_state = st ? lifecycle_state_parse(st->state) : LC_NONE;
  if (out->prev_state < 0) out->prev_state = LC_NONE;
  out->prev_since = st ? st->since : 0;
  const facts_alert *al = alert_of(o, competency);
  out->open_alert_id = al ? al->id : 0;
  out->open_alert_cause = al ? al->cause : NULL;
  out->open_alert_raised = al ? al->raised : 0;
  const facts_membership *m = membership_of(o, competency, at);
  char d1[ISOTIME_BUFSZ], d2[ISOTIME_BUFSZ];
  int risk_at_renewal = 0;
  if (!m) {
    out->state = level_now ? LC_QUALIFIED : LC_NONE;
  } else {
    out->mlevel = policy_level_parse(m->level);
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
        out->state = LC_AT_RISK;
      } else {
        int projected = level_at(rt, p, o, out->end - 1, at, out);
        if (projected < 0) return;
        risk_at_renewal = projected < out->mlevel;
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
    snprintf(out->cause, sizeof out->cause, "the %s level is met", policy_level_word(level_now));
    break;
  case LC_ACTIVE:
    isotime_format_date(out->bought, d1);
    isotime_format_date(out->end - 1, d2);
    if (out->prev_state == LC_AT_RISK)
      snprintf(out->cause, sizeof out->cause, "the %s level is met again",
               policy_level_word(out->mlevel));
    else
      snprintf(out->cause, sizeof out->cause, "%s membership bought on %s%s%s, in force until %s",
               policy_level_word(out->mlevel), d1, out->bought_by ? " by " : "",
               out->bought_by ? out->bought_by : "", d2);
    break;
  case LC_AT_RISK:
    if (risk_at_renewal) {
      isotime_format_date(out->end - 1, d2);
      snprintf(out->cause, sizeof out->cause, "by the end of the membership (%s): ", d2);
      explain_causes(rt, p, o, out->end - 1, at, out->mlevel, out->bought, out);
    } else {
      explain_causes(rt, p, o, at, at, out->mlevel, out->bought, out);
    }
    break;
  case LC_EXPIRED:
    isotime_format_date(out->bought, d1);
    isotime_format_date(out->end - 1, d2);
    snprintf(out->cause, sizeof out->cause,
             "the %s membership bought on %s ended after %s without renewal",
             policy_level_word(out->mlevel), d1, d2);
    break;
  }
}

int lifecycle_shortfall(policy_runtime *rt, int p, const facts_org *o, int64_t at, int level,
                        char *why, size_t whysz) {
  jsonw w;
  jsonw_init(&w);
  policy_eval_args args = {at, at, POLICY_REPORT_PATHS};
  policy_result res;
  policy_runtime_eval(rt, p, o, &args, &w, &res);
  if (res.failed) {
    snprintf(why, whysz, "%s", res.error);
    jsonw_free(&w);
    return -1;
  }
  json_t *paths = json_loadb(w.buf, w.len, 0, NULL);
  jsonw_free(&w);
  why[0] = 0;
  size_t len = 0, i, j;
  json_t *path, *goal;
  json_array_foreach(paths, i, path) {
    if (strcmp(jstr(path, "level"), policy_level_word(level)) != 0) continue;
    json_array_foreach(json_object_get(path, "goals"), j, goal) {
      if (json_is_true(json_object_get(goal, "met"))) continue;
      char have[32], need[32], short_by[32];
      json_t *h = json_object_get(goal, "have"), *n = json_object_get(goal, "need");
      number(have, sizeof have, json_number_value(h));
      number(need, sizeof need, json_number_value(n));
      number(short_by, sizeof short_by, json_number_value(n) - json_number_value(h));
      if (len < whysz)
        len += (size_t)snprintf(
            why + len, whysz - len, "\n  %s path %s: %s: have %s, need %s (%s short)",
            policy_level_word(level), jstr(path, "id"), jstr(goal, "label"), have, need, short_by);
    }
  }
  json_decref(paths);
  return res.level;
}
