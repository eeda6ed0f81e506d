/* impact_json.h — a policy impact report (impact.h) as JSON (jansson), the shape of
 * docs/diff.md: `attain diff --json` prints it, the daemon answers `reload --dry-run`
 * and a held reload with it and shows its summary in `ctl status`. An edge. */
#ifndef ATTAIN_IMPACT_JSON_H
#define ATTAIN_IMPACT_JSON_H

#include <jansson.h>

#include "impact.h"

/* The whole report: counts, every competency, the examples. `before` and `after` name
 * the two sets (a directory, or "serving"); NULL leaves the name out. A new reference. */
json_t *impact_json(const impact_report *r, const char *before, const char *after);

/* The counts only (organisations, changed, demoted, demoted_percent, promoted, and the
 * totals of rows): for status and logs. A new reference. */
json_t *impact_json_summary(const impact_report *r);

#endif
