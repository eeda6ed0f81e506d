/* cmd_status.c — `attain status ORG`: per competency, the level, every path and goal with
 * what the organisation has and needs (R4), and why each person and achievement did or
 * did not count. Evaluates afresh as of --at and writes nothing: a replay of what the
 * program said then (the lifecycle state and alerts as they stood at --at).
 *
 * An edge: text and JSON are written here from the typed result (result.h). */
#include <math.h>
#include <string.h>

#include "cli.h"
#include "cli_org.h"
#include "commands.h"
#include "eval.h"
#include "eval_json.h"
#include "isotime.h"
#include "jsonw.h"
#include "policy_set.h"

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

static void number(FILE *out, double d) {
  if (d == floor(d) && fabs(d) < 1e15)
    fprintf(out, "%.0f", d);
  else
    fprintf(out, "%.2f", d);
}

static void date(int64_t t, char *buf) {
  if (t == FACTS_NO_TIME)
    buf[0] = 0;
  else
    isotime_format_date(t, buf);
}

/* The people behind a certified/assessed goal: who counted, who did not and why. */
static void print_people(FILE *out, const result_goal *g, int64_t at) {
  char d1[ISOTIME_BUFSZ], d2[ISOTIME_BUFSZ];
  for (int i = 0; i < g->ncounted; i++) {
    const result_person *p = &g->counted[i];
    date(p->counts_from, d1);
    fprintf(out, "        counts: %s %s (MSA %s, counts since %s", p->user, p->code, p->msa, d1);
    if (p->ends != FACTS_NO_TIME) {
      date(p->ends, d2);
      fprintf(out, "; until %s: %s", d2,
              p->ends_why == FACTS_LEFT       ? "will leave the organisation"
              : p->ends_why == FACTS_EXPIRED  ? "expires"
              : p->ends_why == FACTS_MOVED_AWAY ? "MSA to be associated with another organisation"
                                                : "MSA to be associated with another user");
    }
    fprintf(out, ")\n");
  }
  for (int i = 0; i < g->ncredits; i++) {
    const result_credit *c = &g->credits[i];
    date(c->until, d1);
    fprintf(out, "        override: %s x%lld by %s until %s (%s)\n", c->code,
            (long long)c->people, c->by, d1, c->reason);
  }
  for (int i = 0; i < g->nexcluded; i++) {
    const result_person *p = &g->excluded[i];
    int waiting = p->why == FACTS_EARNED_RECENTLY || p->why == FACTS_LINKED_RECENTLY ||
                  p->why == FACTS_JOINED_RECENTLY;
    if (p->since == FACTS_NO_TIME)
      d1[0] = 0;
    else if (waiting) /* the wait ends at a time of day */
      isotime_format(p->since, d1);
    else
      date(p->since, d1);
    fprintf(out, "        does not count: %s %s (MSA %s): %s", p->user, p->code, p->msa,
            result_why_text(p->why));
    if (*d1) fprintf(out, " (%s %s)", waiting ? "counts from" : p->since > at ? "from" : "since", d1);
    fprintf(out, "\n");
  }
}

static void print_goal(FILE *out, const result_goal *g, int indent, int64_t at) {
  fprintf(out, "%*s", indent, "");
  if (g->error) {
    fprintf(out, "[  error ] ?/");
    number(out, g->need);
    fprintf(out, "  %s\n%*s  error: %s\n", g->label, indent, "", g->error);
    for (int i = 0; i < g->ntrace; i++) fprintf(out, "%*s  trace: %s\n", indent, "", g->trace[i]);
    return;
  }
  bar(out, g->have, g->need);
  fprintf(out, " ");
  number(out, g->have);
  fprintf(out, "/");
  number(out, g->need);
  fprintf(out, "  %s%s\n", g->label, g->met ? "" : "  (short)");
  if (g->detail == RESULT_DETAIL_PEOPLE) print_people(out, g, at);
  for (int i = 0; i < g->nchildren; i++) print_goal(out, &g->children[i], indent + 4, at);
  if (g->detail_error) fprintf(out, "%*s  detail error: %s\n", indent, "", g->detail_error);
  for (int i = 0; i < g->ntrace; i++) fprintf(out, "%*s  trace: %s\n", indent, "", g->trace[i]);
}

static void print_text(status_state *st, const eval_row *row) {
  FILE *out = st->ctx->out;
  const policy_file *f = &st->set->files[row->policy];
  fprintf(out, "\n%s (%s): %s\n", f->name ? f->name : f->stem, f->stem,
          row->failed ? "error" : row->level ? result_level_name(row->level) : "not qualified");
  if (row->failed) {
    fprintf(out, "  %s\n", row->error);
    return;
  }
  if (row->error) fprintf(out, "  error: %s\n", row->error);
  fprintf(out, "  status: %s", lifecycle_state_name(row->state));
  if (row->mlevel) {
    char bought[ISOTIME_BUFSZ], until[ISOTIME_BUFSZ];
    isotime_format_date(row->bought, bought);
    isotime_format_date(row->end - 1, until);
    fprintf(out, " (%s membership bought %s, %s %s)", result_level_name(row->mlevel), bought,
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
  for (int i = 0; row->tree && i < row->tree->npaths; i++) {
    const result_path *p = &row->tree->paths[i];
    fprintf(out, "  %s path %s: %s\n", result_level_name(p->level), p->id,
            p->error ? "error" : p->met ? "met" : "not met");
    for (int j = 0; j < p->ngoals; j++) print_goal(out, &p->goals[j], 4, st->at);
  }
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
            "achievements counted or did not count and why. Writes nothing: with --at in\n"
            "the past it replays what the program said then (only what was known by --at;\n"
            "the lifecycle state and alerts as they stood then).\n"
            "With --json: one JSON object per competency, goals with their `detail`.",
    .min_pos = 1,
    .max_pos = 1,
    .options = {{"at", "TIME", "as of this time, ISO 8601 (default: now)"},
                {"json", NULL, "print JSON Lines"}},
    .run = run,
};
