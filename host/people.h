/* people.h — the people behind one competency's goals, each holding once: `attain status`
 * and the dashboard's Competencies page list who counts and who does not, and why, once
 * per competency rather than under every path and goal that names them.
 *
 * A holding is one person's achievement through one MSA (user, MSA, code). Across the
 * goals, a holding that counts for one goal counts (a holding excluded only because it
 * already counted elsewhere is "held too"); overrides are listed once each. The order is
 * the one people read: the people with a holding that counts first, each in the order the
 * goals first name them, each person's counting holdings before the others. */
#ifndef ATTAIN_PEOPLE_H
#define ATTAIN_PEOPLE_H

#include <stddef.h>
#include <stdint.h>

#include "result.h"
#include "term.h"

typedef struct people_holding {
  const result_person *p; /* in the result tree */
  int counts;
} people_holding;

typedef struct people {
  people_holding *h; /* grouped by person (consecutive), in the order above */
  int n, cap;
  const result_credit **credits;
  int ncredits, capcredits;
} people;

/* Every holding and override of every goal (and sub-goal) of `tree`, once, in order. The
 * pointers are into the tree: `pp` is valid while it is. Out of memory, some are left out. */
void people_collect(people *pp, const result_tree *tree);
void people_free(people *pp);

/* One holding in words: "AZ-104 counts since 2025-02-02, expires on 2027-02-01", "AZ-305
 * does not count: left the organisation (since 2026-10-01)", "TA-CLOUD (held too)". */
void people_holding_words(const people_holding *h, int64_t at, term_line *l);

/* When an excluded holding's reason began, or for the 24-hour waits when it will count:
 * " (counts from 2026-04-02T00:00:00Z)", " (since 2026-10-01)", " (from ...)" for a reason
 * after `at`; "" when unknown. */
void people_since_words(const result_person *p, int64_t at, char *buf, size_t size);

#endif
