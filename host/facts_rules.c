/* facts_rules.c — the counting rules (R6, R7, R8, R11, R15) and metric windows over one
 * organisation's facts (see facts.h). Pure functions: no clock, no I/O. */
#include "facts.h"

#include <string.h>

#include "isotime.h"

int facts_kind_parse(const char *name) {
  if (!name) return FACTS_ANY;
  if (strcmp(name, "certification") == 0) return FACTS_CERTIFICATION;
  if (strcmp(name, "exam") == 0) return FACTS_EXAM;
  if (strcmp(name, "assessment") == 0) return FACTS_ASSESSMENT;
  return -1;
}

const char *facts_kind_name(int kind) {
  static const char *const names[] = {"any", "certification", "exam", "assessment"};
  return kind >= 0 && kind <= FACTS_ASSESSMENT ? names[kind] : "?";
}

static const char *const why_names[FACTS_WHY_COUNT_] = {
    [FACTS_COUNTS] = "counts",
    [FACTS_ALREADY_COUNTED] = "already_counted",
    [FACTS_IRRELEVANT] = "not_held",
    [FACTS_EARNED_RECENTLY] = "earned_recently",
    [FACTS_LINKED_RECENTLY] = "linked_recently",
    [FACTS_JOINED_RECENTLY] = "joined_recently",
    [FACTS_EXPIRED] = "expired",
    [FACTS_LEFT] = "left",
    [FACTS_NOT_JOINED] = "not_joined",
    [FACTS_MOVED_AWAY] = "moved_away",
    [FACTS_MOVED_USER] = "moved_user",
};

const char *facts_why_name(enum facts_why why) {
  return why >= 0 && why < FACTS_WHY_COUNT_ ? why_names[why] : "?";
}

int facts_why_parse(const char *name) {
  for (int i = 0; name && i < FACTS_WHY_COUNT_; i++)
    if (strcmp(name, why_names[i]) == 0) return i;
  return -1;
}

int64_t facts_holding_ended(const facts_org *o, const facts_holding *h, int64_t as_of,
                            int *moved_away) {
  for (int i = 0; i < h->nlater; i++)
    if (facts_seen(h->later[i].started, h->later[i].known, as_of)) {
      *moved_away = h->later[i].oid != o->oid;
      return h->later[i].started;
    }
  *moved_away = 0;
  return FACTS_NO_TIME;
}

int64_t facts_holding_counts_from(const facts_org *o, const facts_holding *h) {
  int64_t from = h->earned > h->started ? h->earned : h->started;
  const facts_user *u = h->user >= 0 ? &o->users[h->user] : NULL;
  if (u && u->joined != FACTS_NO_TIME && u->joined > from) from = u->joined;
  return from + FACTS_DAY;
}

enum facts_why facts_holding_status(const facts_org *o, const facts_holding *h, facts_time ft) {
  int64_t t = ft.t;
  /* What the program does not know yet has not happened. */
  if (!facts_seen(h->started, h->link_known, ft.as_of) ||
      !facts_seen(h->earned, h->earned_known, ft.as_of))
    return FACTS_IRRELEVANT;
  const facts_user *u = h->user >= 0 ? &o->users[h->user] : NULL;
  if (u && u->joined != FACTS_NO_TIME && !facts_seen(u->joined, u->joined_known, ft.as_of))
    return FACTS_IRRELEVANT; /* an account the program does not know of yet */
  if (h->earned > t || h->started > t) return FACTS_IRRELEVANT;
  int moved_away = 0;
  int64_t ended = h->nlater ? facts_holding_ended(o, h, ft.as_of, &moved_away) : FACTS_NO_TIME;
  if (ended != FACTS_NO_TIME && h->earned >= ended) return FACTS_IRRELEVANT;
  if (ended != FACTS_NO_TIME && ended <= t) return moved_away ? FACTS_MOVED_AWAY : FACTS_MOVED_USER;
  if (u && u->left != FACTS_NO_TIME && u->left <= t && facts_seen(u->left, u->left_known, ft.as_of))
    return FACTS_LEFT;
  if (u && u->joined != FACTS_NO_TIME && u->joined > t) return FACTS_NOT_JOINED;
  if (h->expires != FACTS_NO_TIME && h->expires <= t) return FACTS_EXPIRED;
  int64_t from = facts_holding_counts_from(o, h);
  if (t < from) {
    if (from - FACTS_DAY == h->earned) return FACTS_EARNED_RECENTLY;
    if (from - FACTS_DAY == h->started) return FACTS_LINKED_RECENTLY;
    return FACTS_JOINED_RECENTLY;
  }
  return FACTS_COUNTS;
}

int64_t facts_why_since(const facts_org *o, const facts_holding *h, enum facts_why why,
                        int64_t as_of) {
  int moved_away;
  switch (why) {
  case FACTS_EARNED_RECENTLY:
  case FACTS_LINKED_RECENTLY:
  case FACTS_JOINED_RECENTLY: return facts_holding_counts_from(o, h);
  case FACTS_EXPIRED: return h->expires;
  case FACTS_LEFT: return h->user >= 0 ? o->users[h->user].left : FACTS_NO_TIME;
  case FACTS_NOT_JOINED: return h->user >= 0 ? o->users[h->user].joined : FACTS_NO_TIME;
  case FACTS_MOVED_AWAY:
  case FACTS_MOVED_USER: return facts_holding_ended(o, h, as_of, &moved_away);
  default: return FACTS_NO_TIME;
  }
}

int64_t facts_holding_ends(const facts_org *o, const facts_holding *h, facts_time ft,
                           enum facts_why *why) {
  int64_t end = FACTS_NO_TIME;
  *why = FACTS_COUNTS;
  int moved_away;
  int64_t ended = facts_holding_ended(o, h, ft.as_of, &moved_away);
  if (ended != FACTS_NO_TIME && ended > ft.t) {
    end = ended;
    *why = moved_away ? FACTS_MOVED_AWAY : FACTS_MOVED_USER;
  }
  const facts_user *u = h->user >= 0 ? &o->users[h->user] : NULL;
  if (u && u->left != FACTS_NO_TIME && u->left > ft.t &&
      facts_seen(u->left, u->left_known, ft.as_of) && (end == FACTS_NO_TIME || u->left < end)) {
    end = u->left;
    *why = FACTS_LEFT;
  }
  if (h->expires != FACTS_NO_TIME && h->expires > ft.t && (end == FACTS_NO_TIME || h->expires < end)) {
    end = h->expires;
    *why = FACTS_EXPIRED;
  }
  return end;
}

uint32_t facts_code_hash(const char *code) {
  uint32_t h = 2166136261u;
  for (const unsigned char *p = (const unsigned char *)code; *p; p++) h = (h ^ *p) * 16777619u;
  return h;
}

static int code_in(const char *code, const char *const *codes, int ncodes) {
  for (int i = 0; i < ncodes; i++)
    if (strcmp(code, codes[i]) == 0) return 1;
  return 0;
}

/* code_in for a holding: the hashes rule out almost every other code at once. */
static int holding_code_in(const facts_holding *h, const char *const *codes,
                           const uint32_t *hashes, int ncodes) {
  for (int i = 0; i < ncodes; i++)
    if (h->code_hash == hashes[i] && strcmp(h->code, codes[i]) == 0) return 1;
  return 0;
}

int facts_override_in_force(const facts_override *ov, facts_time ft) {
  if (ov->known != FACTS_NO_TIME ? ov->known > ft.as_of
                                 : ov->from != FACTS_NO_TIME && ov->from > ft.as_of)
    return 0; /* not granted yet */
  return (ov->from == FACTS_NO_TIME || ov->from <= ft.t) && ft.t < ov->until;
}

int64_t facts_people_hashed(const facts_org *o, facts_time ft, const char *const *codes,
                            const uint32_t *hashes, int ncodes, int kind, const char *competency,
                            unsigned char *seen) {
  int64_t n = 0;
  if (o->nusers) memset(seen, 0, (size_t)o->nusers);
  for (int i = 0; i < o->nholdings; i++) {
    const facts_holding *h = &o->holdings[i];
    if (h->user < 0 || seen[h->user]) continue;
    if (kind != FACTS_ANY && h->kind != kind) continue;
    if (!holding_code_in(h, codes, hashes, ncodes)) continue;
    if (facts_holding_status(o, h, ft) != FACTS_COUNTS) continue;
    seen[h->user] = 1;
    n++;
  }
  if (competency)
    for (int i = 0; i < o->noverrides; i++) {
      const facts_override *ov = &o->overrides[i];
      if (strcmp(ov->competency, competency) == 0 && code_in(ov->code, codes, ncodes) &&
          facts_override_in_force(ov, ft))
        n += ov->people;
    }
  return n;
}

int64_t facts_people(const facts_org *o, facts_time ft, const char *const *codes, int ncodes,
                     int kind, const char *competency, unsigned char *seen) {
  uint32_t hashes[64];
  if (ncodes > 64) ncodes = 64;
  for (int i = 0; i < ncodes; i++) hashes[i] = facts_code_hash(codes[i]);
  return facts_people_hashed(o, ft, codes, hashes, ncodes, kind, competency, seen);
}

/* The [first, last) rows of `metric` (metrics are sorted by name, then period, and rows
 * of one name share one string: one comparison per name, not per row). */
static void metric_rows(const facts_org *o, const char *metric, int *first, int *last) {
  int i = 0;
  while (i < o->nmetrics && strcmp(o->metrics[i].name, metric) != 0) {
    const char *group = o->metrics[i].name;
    while (i < o->nmetrics && o->metrics[i].name == group) i++;
  }
  *first = i;
  while (i < o->nmetrics && o->metrics[i].name == o->metrics[*first].name) i++;
  *last = i;
}

double facts_metric_sum(const facts_org *o, const char *metric, int64_t as_of, int months) {
  int first, last, now = isotime_month_of(as_of);
  metric_rows(o, metric, &first, &last);
  double sum = 0;
  for (int i = first; i < last; i++)
    if (o->metrics[i].period <= now && o->metrics[i].period > now - months)
      sum += o->metrics[i].value;
  return sum;
}

double facts_metric_latest(const facts_org *o, const char *metric, int64_t as_of, int *found) {
  int first, last, now = isotime_month_of(as_of);
  metric_rows(o, metric, &first, &last);
  for (int i = last - 1; i >= first; i--)
    if (o->metrics[i].period <= now) {
      *found = 1;
      return o->metrics[i].value;
    }
  *found = 0;
  return 0;
}

double facts_metric_at(const facts_org *o, const char *metric, int period, int *found) {
  int first, last;
  metric_rows(o, metric, &first, &last);
  for (int i = first; i < last; i++)
    if (o->metrics[i].period == period) {
      *found = 1;
      return o->metrics[i].value;
    }
  *found = 0;
  return 0;
}

static void earliest(int64_t *best, int64_t candidate, int64_t t) {
  if (candidate != FACTS_NO_TIME && candidate > t && candidate < *best) *best = candidate;
}

int64_t facts_next_change(const facts_org *o, int64_t t) {
  int64_t best = INT64_MAX;
  for (int i = 0; i < o->nholdings; i++) {
    const facts_holding *h = &o->holdings[i];
    earliest(&best, h->earned, t);
    earliest(&best, h->earned_known, t);
    earliest(&best, h->started, t);
    earliest(&best, h->link_known, t);
    earliest(&best, facts_holding_counts_from(o, h), t);
    earliest(&best, h->expires, t);
    for (int k = 0; k < h->nlater; k++) {
      earliest(&best, h->later[k].started, t);
      earliest(&best, h->later[k].known, t);
    }
  }
  for (int i = 0; i < o->nusers; i++) {
    earliest(&best, o->users[i].joined, t);
    earliest(&best, o->users[i].joined_known, t);
    earliest(&best, o->users[i].left, t);
    earliest(&best, o->users[i].left_known, t);
  }
  for (int i = 0; i < o->noverrides; i++) {
    earliest(&best, o->overrides[i].from, t);
    earliest(&best, o->overrides[i].until, t);
    earliest(&best, o->overrides[i].known, t);
  }
  for (int i = 0; i < o->nmemberships; i++) earliest(&best, o->memberships[i].bought, t);
  /* Month windows move at the start of the next month. */
  if (o->nmetrics) earliest(&best, isotime_month_start(isotime_month_of(t) + 1), t);
  return best;
}
