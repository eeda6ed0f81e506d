/* profile.h — the business profile's rule (R9, R13, R16; docs/lifecycle.md): which
 * competencies an organisation's profile shows customers, and at which level. `attain
 * profile` and the dashboard's profile page both ask here.
 *
 * The organisation's package is the highest level of its memberships in force (active or
 * at risk). With a silver package every competency attained shows at silver; with a gold
 * package, silver and gold competencies show at the level attained. A membership at risk
 * keeps showing its level until its year ends (R13). Nothing shows without a membership
 * in force. Each entry lists the benefits its policy declares for that level (R1,
 * policy_file.benefits). */
#ifndef ATTAIN_PROFILE_H
#define ATTAIN_PROFILE_H

#include "eval.h"

/* The membership of `row` is in force: bought, not expired, and the policy did not fail. */
int profile_in_force(const eval_row *row);
/* The package of an organisation: the highest level of its memberships in force among its
 * rows (RESULT_LEVEL_NONE when none is). */
int profile_package(const eval_row *rows, int nrows);
/* The level at which `row`'s competency shows on a profile with `package`, or
 * RESULT_LEVEL_NONE when it does not show. */
int profile_level(const eval_row *row, int package);

#endif
