/* people.c — a competency's people, each holding once (see people.h). Owns the arrays of
 * a `people`, not what they point to. */
#include "people.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "isotime.h"

static void add(people *pp, const result_person *p, int counts) {
  for (int i = 0; i < pp->n; i++) {
    const result_person *q = pp->h[i].p;
    if (strcmp(q->user, p->user) == 0 && strcmp(q->msa, p->msa) == 0 &&
        strcmp(q->code, p->code) == 0) {
      if (counts && !pp->h[i].counts) pp->h[i] = (people_holding){p, 1};
      return;
    }
  }
  if (pp->n == pp->cap) {
    int cap = pp->cap ? pp->cap * 2 : 16;
    people_holding *h = realloc(pp->h, (size_t)cap * sizeof *h);
    if (!h) return;
    pp->h = h;
    pp->cap = cap;
  }
  pp->h[pp->n++] = (people_holding){p, counts};
}

static void credit(people *pp, const result_credit *c) {
  for (int i = 0; i < pp->ncredits; i++) {
    const result_credit *d = pp->credits[i];
    if (strcmp(c->code, d->code) == 0 && strcmp(c->by, d->by) == 0 && c->until == d->until &&
        c->people == d->people)
      return;
  }
  if (pp->ncredits == pp->capcredits) {
    int cap = pp->capcredits ? pp->capcredits * 2 : 4;
    const result_credit **cr = realloc(pp->credits, (size_t)cap * sizeof *cr);
    if (!cr) return;
    pp->credits = cr;
    pp->capcredits = cap;
  }
  pp->credits[pp->ncredits++] = c;
}

static void of_goal(people *pp, const result_goal *g) {
  for (int i = 0; i < g->ncounted; i++) add(pp, &g->counted[i], 1);
  for (int i = 0; i < g->nexcluded; i++)
    add(pp, &g->excluded[i], g->excluded[i].why == FACTS_ALREADY_COUNTED);
  for (int i = 0; i < g->ncredits; i++) credit(pp, &g->credits[i]);
  for (int i = 0; i < g->nchildren; i++) of_goal(pp, &g->children[i]);
}

/* Groups the holdings by person in reading order: people with a holding that counts
 * first, each person at the place the goals first name them, counting holdings first. */
static void order(people *pp) {
  people_holding *sorted = malloc((size_t)pp->n * sizeof *sorted);
  char *done = calloc((size_t)pp->n + 1, 1);
  if (!sorted || !done) { /* out of memory: the goals' order, ungrouped */
    free(sorted);
    free(done);
    return;
  }
  int m = 0;
  for (int pass = 0; pass < 2; pass++)
    for (int i = 0; i < pp->n; i++) {
      if (done[i]) continue;
      int any = 0;
      for (int k = i; k < pp->n; k++)
        if (pp->h[k].counts && strcmp(pp->h[k].p->user, pp->h[i].p->user) == 0) any = 1;
      if (pass == 0 && !any) continue;
      for (int want = 1; want >= 0; want--)
        for (int k = i; k < pp->n; k++)
          if (!done[k] && pp->h[k].counts == want &&
              strcmp(pp->h[k].p->user, pp->h[i].p->user) == 0) {
            sorted[m++] = pp->h[k];
            done[k] = 1;
          }
    }
  memcpy(pp->h, sorted, (size_t)m * sizeof *sorted);
  free(sorted);
  free(done);
}

void people_collect(people *pp, const result_tree *tree) {
  for (int i = 0; tree && i < tree->npaths; i++)
    for (int j = 0; j < tree->paths[i].ngoals; j++) of_goal(pp, &tree->paths[i].goals[j]);
  if (pp->n) order(pp);
}

void people_free(people *pp) {
  free(pp->h);
  free(pp->credits);
  memset(pp, 0, sizeof *pp);
}

static void date(int64_t t, char *buf) {
  if (t == FACTS_NO_TIME)
    buf[0] = 0;
  else
    isotime_format_date(t, buf);
}

static int waiting(int why) {
  return why == FACTS_EARNED_RECENTLY || why == FACTS_LINKED_RECENTLY ||
         why == FACTS_JOINED_RECENTLY;
}

void people_since_words(const result_person *p, int64_t at, char *buf, size_t size) {
  char d[ISOTIME_BUFSZ];
  if (p->since == FACTS_NO_TIME) {
    buf[0] = 0;
    return;
  }
  if (waiting(p->why))
    isotime_format(p->since, d); /* the wait ends at a time of day */
  else
    isotime_format_date(p->since, d);
  snprintf(buf, size, " (%s %s)",
           waiting(p->why) ? "counts from"
           : p->since > at ? "from"
                           : "since",
           d);
}

void people_holding_words(const people_holding *h, int64_t at, term_line *l) {
  const result_person *p = h->p;
  char d1[ISOTIME_BUFSZ], d2[ISOTIME_BUFSZ];
  if (h->counts && p->why == FACTS_ALREADY_COUNTED) {
    term_line_printf(l, "%s (held too)", p->code);
    return;
  }
  if (h->counts) {
    date(p->counts_from, d1);
    term_line_printf(l, "%s counts since %s", p->code, d1);
    if (p->ends != FACTS_NO_TIME) {
      date(p->ends, d2);
      term_line_printf(l, ", %s %s",
                       p->ends_why == FACTS_LEFT      ? "will leave the organisation on"
                       : p->ends_why == FACTS_EXPIRED ? "expires on"
                       : p->ends_why == FACTS_MOVED_AWAY
                           ? "MSA to be associated with another organisation on"
                           : "MSA to be associated with another user on",
                       d2);
    }
    return;
  }
  char since[64];
  people_since_words(p, at, since, sizeof since);
  term_line_printf(l, "%s does not count: %s%s", p->code, result_why_text(p->why), since);
  if (p->why == FACTS_MOVED_AWAY || p->why == FACTS_MOVED_USER || p->why == FACTS_LINKED_RECENTLY)
    term_line_printf(l, " (MSA %s)", p->msa);
}
