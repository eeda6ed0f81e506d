/* eval_json.h — one evaluation as the JSON object of DESIGN.md ("Evaluation output"),
 * shared by `attain eval --json` and `attain status --json` so both print the same shape. */
#ifndef ATTAIN_EVAL_JSON_H
#define ATTAIN_EVAL_JSON_H

#include <stdint.h>

#include "eval.h"
#include "jsonw.h"

/* Writes the object (no trailing newline) for `row`, evaluated at `at` by `set`; its
 * paths from the row's result tree (an empty array when it has none). */
void eval_row_json(jsonw *w, const policy_set *set, int64_t at, const eval_row *row);

#endif
