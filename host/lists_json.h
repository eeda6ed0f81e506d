/* lists_json.h — the JSON documents of the lists (docs/cli.md): what `attain orgs`,
 * `attain history` and `attain alerts` print with --json, and what the daemon's
 * GET /v1/orgs, /v1/orgs/{id}/history and /v1/alerts answer (docs/http.md) — one writer
 * each, so the command line and the API cannot drift apart. Each reads one page through
 * store_lists.h and writes one object into `w`. Returns 0, or a store code with err
 * (STORE_ENOTFOUND: `after` names no organisation). */
#ifndef ATTAIN_LISTS_JSON_H
#define ATTAIN_LISTS_JSON_H

#include <stddef.h>
#include <stdint.h>

#include "jsonw.h"
#include "store.h"
#include "store_lists.h"

/* {"counts":{...},"orgs":[{"id","name","competencies":[...]}...],"next":ID|null}: the page
 * of at most `limit` organisations after organisation `after` (NULL: the first page). */
int lists_json_orgs(store *s, const store_org_filter *f, int limit, const char *after, jsonw *w,
                    char *err, size_t errsz);

/* {"org","name","history":[{"at","competency","state","cause"}...]}: every transition of
 * organisation `key` (in `competency`, or NULL: all), oldest first. */
int lists_json_history(store *s, const char *key, const char *competency, jsonw *w, char *err,
                       size_t errsz);

/* {"alerts":[{"id","org","name","competency","kind","message","cause","raised","cleared",
 * "cleared_cause"}...],"next":ID|null}: at most `limit` alerts before alert `before` (0:
 * the newest), newest first. */
int lists_json_alerts(store *s, const store_alert_filter *f, int limit, int64_t before, jsonw *w,
                      char *err, size_t errsz);

#endif
