/* eval_json.c — the evaluation output object (see eval_json.h). */
#include "eval_json.h"

#include "isotime.h"
#include "lifecycle.h"
#include "result_json.h"

static void date(jsonw *w, int64_t t) {
  char b[ISOTIME_BUFSZ];
  isotime_format_date(t, b);
  jsonw_str(w, b);
}

void eval_row_json(jsonw *w, const policy_set *set, int64_t at, const eval_row *row) {
  jsonw_obj_begin(w);
  jsonw_key(w, "org");
  jsonw_str(w, row->org);
  jsonw_key(w, "competency");
  jsonw_str(w, set->files[row->policy].stem);
  jsonw_key(w, "at");
  jsonw_time(w, at);
  jsonw_key(w, "level");
  jsonw_str(w, row->failed ? NULL : result_level_name(row->level));
  jsonw_key(w, "membership");
  if (row->failed || !row->mlevel) {
    jsonw_null(w);
  } else {
    jsonw_obj_begin(w);
    jsonw_key(w, "level");
    jsonw_str(w, result_level_name(row->mlevel));
    jsonw_key(w, "bought");
    date(w, row->bought);
    jsonw_key(w, "expires"); /* the last day in force */
    date(w, row->end - 1);
    jsonw_key(w, "status");
    jsonw_str(w, lifecycle_state_name(row->state));
    jsonw_obj_end(w);
  }
  jsonw_key(w, "state");
  jsonw_str(w, row->failed ? NULL : lifecycle_state_name(row->state));
  jsonw_key(w, "paths");
  result_json_paths(w, row->tree);
  jsonw_key(w, "alerts");
  jsonw_arr_begin(w);
  if (row->alert_cause) {
    jsonw_obj_begin(w);
    jsonw_key(w, "kind");
    jsonw_str(w, LIFECYCLE_ALERT_KIND);
    jsonw_key(w, "message");
    jsonw_str(w, LIFECYCLE_RISK_MESSAGE);
    jsonw_key(w, "cause");
    jsonw_str(w, row->alert_cause);
    jsonw_key(w, "raised");
    jsonw_time(w, row->alert_raised);
    jsonw_obj_end(w);
  }
  jsonw_arr_end(w);
  jsonw_key(w, "policy");
  jsonw_str(w, set->version);
  jsonw_key(w, "error");
  jsonw_str(w, row->error);
  jsonw_obj_end(w);
}
