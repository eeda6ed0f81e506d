/* cmd_status.c — `attain status ORG`: per competency, the level, every path and goal with
 * what the organisation has and needs (R4), and why each person and achievement did or
 * did not count. Evaluates afresh as of --at and writes nothing. */
#include <jansson.h>
#include <math.h>
#include <string.h>

#include "cli.h"
#include "cli_org.h"
#include "commands.h"
#include "eval.h"
#include "eval_json.h"
#include "isotime.h"
#include "jsonw.h"
#include "policy.h"

enum { OPT_AT, OPT_JSON };


typedef struct status_state {
  attain_ctx *ctx;
  policy_set *set;
  int64_t at;
  int json;
  jsonw line;
} status_state;

static void bar(FILE *out, double have, double need) {
  int filled = need > 0 ? (int)floor(10.0 * (have >= need ? 1.0 : have / need)) : 10;
  char b[11];
  for (int i = 0; i < 10; i++) b[i] = i < filled ? '#' : '.';
  b[10] = 0;
  fprintf(out, "[%s]", b);
}

static void number(FILE *out, json_t *v) {
  double d = json_number_value(v);
  if (d == floor(d) && fabs(d) < 1e15)
    fprintf(out, "%.0f", d);
  else
    fprintf(out, "%.2f", d);
}

static const char *str(json_t *o, const char *k) {
  const char *s = json_string_value(json_object_get(o, k));
  return s ? s : "";
}

static void date_of(json_t *o, const char *k, char *buf) {
  const char *s = str(o, k);
  snprintf(buf, ISOTIME_BUFSZ, "%.10s", s);
}

/* The people behind a certified/assessed goal: who counted, who did not and why. */
static void print_people(FILE *out, json_t *detail) {
  json_t *list;
  size_t i;
  json_t *e;
  char d1[ISOTIME_BUFSZ];
  if ((list = json_object_get(detail, "counted")) && json_array_size(list)) {
    json_array_foreach(list, i, e) {
      date_of(e, "counts_from", d1);
      fprintf(out, "        counts: %s %s (MSA %s, counts since %s)\n", str(e, "user"),
              str(e, "code"), str(e, "msa"), d1);
    }
  }
  if ((list = json_object_get(detail, "overrides")) && json_array_size(list)) {
    json_array_foreach(list, i, e) {
      date_of(e, "until", d1);
      fprintf(out, "        override: %s x%lld by %s until %s (%s)\n", str(e, "code"),
              (long long)json_integer_value(json_object_get(e, "people")), str(e, "by"), d1,
              str(e, "reason"));
    }
  }
  if ((list = json_object_get(detail, "excluded")) && json_array_size(list)) {
    json_array_foreach(list, i, e) {
      const char *reason = str(e, "reason");
      if (strstr(reason, "less than 24 hours")) /* the wait ends at a time of day */
        snprintf(d1, sizeof d1, "%s", str(e, "since"));
      else
        date_of(e, "since", d1);
      const char *when = !*d1                                    ? ""
                         : strstr(reason, "less than 24 hours") ? " (counts from "
                                                                 : " (since ";
      fprintf(out, "        does not count: %s %s (MSA %s): %s%s%s%s\n", str(e, "user"),
              str(e, "code"), str(e, "msa"), reason, when, d1, *d1 ? ")" : "");
    }
  }
}

static void print_goal(FILE *out, json_t *g, int indent) {
  json_t *have = json_object_get(g, "have"), *need = json_object_get(g, "need");
  fprintf(out, "%*s", indent, "");
  bar(out, json_number_value(have), json_number_value(need));
  fprintf(out, " ");
  number(out, have);
  fprintf(out, "/");
  number(out, need);
  fprintf(out, "  %s%s\n", str(g, "label"),
          json_is_true(json_object_get(g, "met")) ? "" : "  (short)");
  json_t *detail = json_object_get(g, "detail");
  if (json_is_object(detail) && json_object_get(detail, "counted")) print_people(out, detail);
  if (json_is_array(detail)) { /* a combinator's sub-goals */
    size_t i;
    json_t *sub;
    json_array_foreach(detail, i, sub) print_goal(out, sub, indent + 4);
  }
}

static void print_text(status_state *st, const eval_row *row) {
  FILE *out = st->ctx->out;
  const policy_file *f = &st->set->files[row->policy];
  fprintf(out, "\n%s (%s): %s\n", f->name ? f->name : f->stem, f->stem,
          row->error ? "error" : row->level ? policy_level_name(row->level) : "not qualified");
  if (row->error) {
    fprintf(out, "  %s\n", row->error);
    return;
  }
  fprintf(out, "  status: %s", lifecycle_state_name(row->state));
  if (row->mlevel) {
    char bought[ISOTIME_BUFSZ], until[ISOTIME_BUFSZ];
    isotime_format_date(row->bought, bought);
    isotime_format_date(row->end - 1, until);
    fprintf(out, " (%s membership bought %s, %s %s)", policy_level_name(row->mlevel), bought,
            row->state == LC_EXPIRED ? "ended" : "in force until", until);
  }
  fprintf(out, "\n");
  if (*row->cause) fprintf(out, "  why: %s\n", row->cause);
  if (row->alert_cause) {
    char raised[ISOTIME_BUFSZ];
    isotime_format_date(row->alert_raised, raised);
    fprintf(out, "  ALERT (%s): %s\n    cause: %s\n", raised, LIFECYCLE_RISK_MESSAGE,
            row->alert_cause);
  }
  json_t *paths = json_loads(row->paths, 0, NULL);
  size_t i;
  json_t *p;
  json_array_foreach(paths, i, p) {
    fprintf(out, "  %s path %s: %s\n", str(p, "level"), str(p, "id"),
            json_is_true(json_object_get(p, "met")) ? "met" : "not met");
    size_t j;
    json_t *g;
    json_array_foreach(json_object_get(p, "goals"), j, g) print_goal(out, g, 4);
  }
  json_decref(paths);
}

static void print_json(status_state *st, const eval_row *row) {
  jsonw_reset(&st->line);
  eval_row_json(&st->line, st->set, st->at, row);
  jsonw_raw(&st->line, "\n", 1);
  fwrite(st->line.buf, 1, st->line.len, st->ctx->out);
}

static int on_chunk(void *arg, const eval_chunk *c, char *err, size_t errsz) {
  status_state *st = arg;
  if (!st->json && c->nrows) {
    char at[ISOTIME_BUFSZ];
    isotime_format(st->at, at);
    fprintf(st->ctx->out, "%s as of %s (policy set %s)\n", c->rows[0].org, at, st->set->version);
  }
  for (int r = 0; r < c->nrows; r++) {
    if (st->json)
      print_json(st, &c->rows[r]);
    else
      print_text(st, &c->rows[r]);
  }
  return 0;
}

static int run(attain_ctx *ctx, const cli_args *args) {
  char err[1024];
  status_state st = {.ctx = ctx, .json = args->value[OPT_JSON] != NULL};
  int rc = cli_time_arg(&cmd_status, ctx, args->value[OPT_AT], &st.at);
  if (rc) return rc;
  int64_t oid;
  if ((rc = cli_org_find(ctx, "status", args->pos[0], &oid))) return rc;
  if (policy_set_load(&st.set, ctx->policies, NULL, err, sizeof err)) {
    fprintf(ctx->err, "attain status: %s\n", err);
    return CLI_EXIT_PROBLEMS;
  }
  jsonw_init(&st.line);
  eval_request req = {.db = ctx->db,
                      .set = st.set,
                      .at = st.at,
                      .lo = oid,
                      .hi = oid,
                      .workers = 1,
                      .report = POLICY_REPORT_EXPLAIN,
                      .lifecycle_causes = 1,
                      .on_chunk = on_chunk,
                      .arg = &st};
  eval_stats stats;
  rc = eval_run(&req, &stats, err, sizeof err);
  if (rc) fprintf(ctx->err, "attain status: %s\n", err);
  jsonw_free(&st.line);
  policy_set_unref(st.set);
  return rc || stats.errors ? CLI_EXIT_PROBLEMS : CLI_EXIT_OK;
}

const cli_command cmd_status = {
    .name = "status",
    .usage = "ORG [--at TIME] [--json]",
    .summary = "show an organisation's progress in every competency",
    .help = "Evaluates every competency for organisation ORG as of --at (default: now) and\n"
            "shows, per competency, the level reached, every path and goal with what the\n"
            "organisation has and needs and a progress bar, and which people and\n"
            "achievements counted or did not count and why. Writes nothing.\n"
            "With --json: one JSON object per competency, goals with their `detail`.",
    .min_pos = 1,
    .max_pos = 1,
    .options = {{"at", "TIME", "as of this time, ISO 8601 (default: now)"},
                {"json", NULL, "print JSON Lines"}},
    .run = run,
};
