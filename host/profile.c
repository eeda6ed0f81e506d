/* profile.c — the business profile's rule (see profile.h). Reads evaluated rows; owns
 * nothing. */
#include "profile.h"

#include "lifecycle.h"

int profile_in_force(const eval_row *row) {
  return !row->failed && (row->state == LC_ACTIVE || row->state == LC_AT_RISK);
}

int profile_package(const eval_row *rows, int nrows) {
  int package = RESULT_LEVEL_NONE;
  for (int r = 0; r < nrows; r++)
    if (profile_in_force(&rows[r]) && rows[r].mlevel > package) package = rows[r].mlevel;
  return package;
}

int profile_level(const eval_row *row, int package) {
  if (row->failed) return RESULT_LEVEL_NONE;
  int level = row->level < package ? row->level : package;
  if (profile_in_force(row) && row->mlevel > level) level = row->mlevel; /* R13 */
  return level;
}
