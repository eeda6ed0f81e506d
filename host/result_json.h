/* result_json.h — a result tree (result.h) as JSON: the "paths" array of the evaluation
 * output (docs/eval.md), with each goal's detail when the tree was explained. An edge:
 * used by `eval --json`, `status --json` and the control socket's answers. */
#ifndef ATTAIN_RESULT_JSON_H
#define ATTAIN_RESULT_JSON_H

#include "jsonw.h"
#include "result.h"

/* Writes the paths array of `tree` (an empty array for NULL). */
void result_json_paths(jsonw *w, const result_tree *tree);

#endif
