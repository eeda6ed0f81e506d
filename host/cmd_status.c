/* cmd_status.c — `attain status ORG`: where an organisation stands in every competency,
 * written for people (R4): first a summary that fits one screen — per competency the
 * level, the membership and its state, and what the nearest unmet path still lacks, in
 * words — and the open alerts (R12); then per competency every path and goal with what
 * the organisation has and needs, and each person once: who counts and who does not, and
 * why. `--verbose` gives the full detail instead: the people under every goal, as the
 * command printed them before it had a summary. `--competency ID` shows one competency.
 * Evaluates afresh as of --at and writes nothing: a replay of what the program said then
 * (the lifecycle state and alerts as they stood at --at).
 *
 * An edge: text and JSON are written here from the typed result (result.h), fitted to the
 * terminal (term.h). `--json` is the stable machine form (docs/eval.md). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cli_org.h"
#include "commands.h"
#include "eval.h"
#include "eval_json.h"
#include "isotime.h"
#include "jsonw.h"
#include "names.h"
#include "people.h"
#include "policy_set.h"
#include "progress.h"
#include "term.h"

enum { OPT_AT, OPT_JSON, OPT_COMPETENCY, OPT_VERBOSE };

typedef struct status_state {
  attain_ctx *ctx;
  policy_set *set;
  int64_t at;
  int json, verbose;
  int only; /* the policy of --competency, or -1 */
  const char *key;
  char name[256];
  term t;
  term_line l;
  jsonw line;
} status_state;

static void date(int64_t t, char *buf) {
  if (t == FACTS_NO_TIME)
    buf[0] = 0;
  else
    isotime_format_date(t, buf);
}

static const char *competency_name(const status_state *st, const eval_row *row) {
  const policy_file *f = &st->set->files[row->policy];
  return f->name ? f->name : f->stem;
}

/* ------------------------------------------------------------------ the summary */

static const char *state_words(int state) {
  switch (state) {
  case LC_QUALIFIED: return "qualified";
  case LC_ACTIVE: return "active";
  case LC_AT_RISK: return "AT RISK";
  case LC_EXPIRED: return "expired";
  default: return "none";
  }
}

static int state_style(int state) {
  return state == LC_AT_RISK     ? TERM_RED
         : state == LC_ACTIVE    ? TERM_GREEN
         : state == LC_QUALIFIED ? TERM_CYAN
                                 : TERM_DIM;
}

static int level_style(int level) {
  return level == RESULT_LEVEL_GOLD     ? TERM_YELLOW
         : level == RESULT_LEVEL_SILVER ? TERM_BOLD
                                        : TERM_DIM;
}

enum { LEVEL_W = 6 };

static void summary_row(status_state *st, const eval_row *row, int namew) {
  const term *t = &st->t;
  term_line *l = &st->l;
  int hang = 2 + namew + 2 + LEVEL_W + 2;
  const char *name = competency_name(st, row);
  int pad = namew - term_columns(name);
  term_line_printf(l, "  %s%*s  ", name, pad > 0 ? pad : 0, "");
  /* padding is computed on the words, outside the escapes */
  const char *level = row->failed ? "error" : result_level_word(row->level);
  term_line_printf(l, "%s%s%s%*s  ", term_on(t, row->failed ? TERM_RED : level_style(row->level)),
                   level, term_off(t), LEVEL_W - (int)strlen(level), "");
  if (row->failed) {
    term_line_printf(l, "%s", row->error);
    term_line_flush(l, t, hang);
    return;
  }
  term_line_printf(l, "%s%s%s", term_on(t, state_style(row->state)), state_words(row->state),
                   term_off(t));
  if (row->mlevel) {
    char until[ISOTIME_BUFSZ];
    isotime_format_date(row->end - 1, until);
    term_line_printf(l, ": %s membership %s %s", result_level_name(row->mlevel),
                     row->state == LC_EXPIRED ? "ended" : "until", until);
  }
  if (row->frozen) term_line_printf(l, " (kept: a path in error may change it)");
  term_line_flush(l, t, hang);

  if (row->state == LC_AT_RISK && *row->cause) {
    term_line_printf(l, "    why: %s", row->cause);
    term_line_flush(l, t, 9);
  }
  if (row->error) {
    term_line_printf(l, "    error: %s", row->error);
    term_line_flush(l, t, 11);
  }
  progress_step next;
  progress_next(row, &next);
  if (next.path) {
    term_line_printf(l, "    ");
    progress_path_lacks(st->set, next.keep ? "to keep" : "next:", next.path, l);
    term_line_flush(l, t, 10);
  } else if (next.all_in_error) {
    term_line_printf(l, "    %s %s: every path not met is in error (see below)",
                     next.keep ? "to keep" : "next:", result_level_name(next.target));
    term_line_flush(l, t, 10);
  }
}

static void print_header(status_state *st) {
  const term *t = &st->t;
  char at[ISOTIME_BUFSZ];
  isotime_format(st->at, at);
  if (*st->name)
    term_line_printf(&st->l, "%s%s%s (%s) as of %s, policy set %s", term_on(t, TERM_BOLD), st->name,
                     term_off(t), st->key, at, st->set->version);
  else
    term_line_printf(&st->l, "%s%s%s as of %s, policy set %s", term_on(t, TERM_BOLD), st->key,
                     term_off(t), at, st->set->version);
  term_line_flush(&st->l, t, 2);
}

static void print_summary(status_state *st, const eval_chunk *c) {
  const term *t = &st->t;
  int namew = (int)strlen("competency");
  for (int r = 0; r < c->nrows; r++) {
    int w = term_columns(competency_name(st, &c->rows[r]));
    if (w > namew) namew = w;
  }
  if (namew > t->width / 3) namew = t->width / 3;
  fprintf(t->out, "\n%s  %-*s  %-*s  %s%s\n", term_on(t, TERM_DIM), namew, "competency", LEVEL_W,
          "level", "status", term_off(t));
  for (int r = 0; r < c->nrows; r++) summary_row(st, &c->rows[r], namew);

  int open = 0;
  for (int r = 0; r < c->nrows; r++) open += c->rows[r].alert_cause != NULL;
  if (!open) {
    fprintf(t->out, "\nNo alert open.\n");
    return;
  }
  fprintf(t->out, "\n%sAlerts open: %d%s\n", term_on(t, TERM_RED), open, term_off(t));
  for (int r = 0; r < c->nrows; r++) {
    const eval_row *row = &c->rows[r];
    if (!row->alert_cause) continue;
    char raised[ISOTIME_BUFSZ];
    isotime_format_date(row->alert_raised, raised);
    term_line_printf(&st->l, "  %s%s%s, ALERT (%s): %s", term_on(t, TERM_BOLD),
                     competency_name(st, row), term_off(t), raised, LIFECYCLE_RISK_MESSAGE);
    term_line_flush(&st->l, t, 4);
    term_line_printf(&st->l, "    cause: %s", row->alert_cause);
    term_line_flush(&st->l, t, 11);
  }
}

/* ------------------------------------------------------------------ goals */

static void bar(term_line *l, double have, double need) {
  int filled = need > 0 ? (int)floor(10.0 * (have >= need ? 1.0 : have / need)) : 10;
  char b[11];
  for (int i = 0; i < 10; i++) b[i] = i < filled ? '#' : '.';
  b[10] = 0;
  term_line_printf(l, "[%s]", b);
}

/* Today's numbers (--verbose) as before: integers without separators. */
static void plain_number(term_line *l, double d) {
  if (d == floor(d) && fabs(d) < 1e15)
    term_line_printf(l, "%.0f", d);
  else
    term_line_printf(l, "%.2f", d);
}

/* A goal and its sub-goals, without the people (they are listed once per competency),
 * or (verbose) with the people under it, as before. */
static void print_goal(status_state *st, const result_goal *g, int indent, int verbose);

static void line_flush_indented(status_state *st, int indent) {
  term_line_flush(&st->l, &st->t, indent + 4);
}

/* What a.trace recorded while the goal's measure or detail ran. */
static void print_trace(status_state *st, const result_goal *g, int indent) {
  for (int i = 0; i < g->ntrace; i++) {
    term_line_printf(&st->l, "%*s  trace: %s", indent, "", g->trace[i]);
    line_flush_indented(st, indent + 2);
  }
}

static const char *ends_words(int why) {
  return why == FACTS_LEFT         ? "will leave the organisation"
         : why == FACTS_EXPIRED    ? "expires"
         : why == FACTS_MOVED_AWAY ? "MSA to be associated with another organisation"
                                   : "MSA to be associated with another user";
}

/* The people behind a certified/assessed goal, as before (--verbose). */
static void print_people_verbose(status_state *st, const result_goal *g) {
  term_line *l = &st->l;
  char d1[ISOTIME_BUFSZ], d2[ISOTIME_BUFSZ];
  for (int i = 0; i < g->ncounted; i++) {
    const result_person *p = &g->counted[i];
    date(p->counts_from, d1);
    term_line_printf(l, "        counts: %s %s (MSA %s, counts since %s", p->user, p->code, p->msa,
                     d1);
    if (p->ends != FACTS_NO_TIME) {
      date(p->ends, d2);
      term_line_printf(l, "; until %s: %s", d2, ends_words(p->ends_why));
    }
    term_line_printf(l, ")");
    line_flush_indented(st, 8);
  }
  for (int i = 0; i < g->ncredits; i++) {
    const result_credit *c = &g->credits[i];
    date(c->until, d1);
    term_line_printf(l, "        override: %s x%lld by %s until %s (%s)", c->code,
                     (long long)c->people, c->by, d1, c->reason);
    line_flush_indented(st, 8);
  }
  for (int i = 0; i < g->nexcluded; i++) {
    const result_person *p = &g->excluded[i];
    char since[64];
    people_since_words(p, st->at, since, sizeof since);
    term_line_printf(l, "        does not count: %s %s (MSA %s): %s%s", p->user, p->code, p->msa,
                     result_why_text(p->why), since);
    line_flush_indented(st, 8);
  }
}

static void print_goal(status_state *st, const result_goal *g, int indent, int verbose) {
  term_line *l = &st->l;
  char h[TERM_NUMBER_BUFSZ], n[TERM_NUMBER_BUFSZ];
  term_line_printf(l, "%*s", indent, "");
  if (g->error) {
    term_line_printf(l, "[  error ] ?/");
    if (verbose)
      plain_number(l, g->need);
    else
      term_line_printf(l, "%s", term_number(g->need, n));
    term_line_printf(l, "  %s", g->label);
    line_flush_indented(st, indent);
    term_line_printf(l, "%*s  error: %s", indent, "", g->error);
    line_flush_indented(st, indent + 2);
    print_trace(st, g, indent);
    return;
  }
  bar(l, g->have, g->need);
  if (verbose) {
    term_line_printf(l, " ");
    plain_number(l, g->have);
    term_line_printf(l, "/");
    plain_number(l, g->need);
    term_line_printf(l, "  %s%s", g->label, g->met ? "" : "  (short)");
  } else {
    char named[512];
    term_line_printf(l, " %s/%s  %s", term_number(g->have, h), term_number(g->need, n),
                     names_goal_label(st->set, g, named, sizeof named));
    if (!g->met)
      term_line_printf(l, "  %s%s" TERM_GLUE "short%s", term_on(&st->t, TERM_RED),
                       term_number(g->need - g->have, n), term_off(&st->t));
  }
  line_flush_indented(st, indent);
  if (verbose && g->detail == RESULT_DETAIL_PEOPLE) print_people_verbose(st, g);
  for (int i = 0; i < g->nchildren; i++) print_goal(st, &g->children[i], indent + 4, verbose);
  if (g->detail_error) {
    term_line_printf(l, "%*s  detail error: %s", indent, "", g->detail_error);
    line_flush_indented(st, indent + 2);
  }
  print_trace(st, g, indent);
}

/* ------------------------------------------------------------------ people, once */

/* Each person once, with every holding that matters to the competency (people.h). */
static void print_people(status_state *st, const eval_row *row) {
  people pp = {0};
  people_collect(&pp, row->tree);
  if (pp.n) fprintf(st->t.out, "  people:\n");
  for (int i = 0; i < pp.n; i++) {
    int first = i == 0 || strcmp(pp.h[i].p->user, pp.h[i - 1].p->user) != 0;
    if (first)
      term_line_printf(&st->l, "    %s: ", pp.h[i].p->user);
    else
      term_line_printf(&st->l, "; ");
    people_holding_words(&pp.h[i], st->at, &st->l);
    if (i + 1 == pp.n || strcmp(pp.h[i + 1].p->user, pp.h[i].p->user) != 0)
      term_line_flush(&st->l, &st->t, 8);
  }
  char d[ISOTIME_BUFSZ];
  for (int i = 0; i < pp.ncredits; i++) {
    const result_credit *c = pp.credits[i];
    date(c->until, d);
    term_line_printf(&st->l, "    override: %s x%lld by %s until %s (%s)", c->code,
                     (long long)c->people, c->by, d, c->reason);
    term_line_flush(&st->l, &st->t, 8);
  }
  people_free(&pp);
}

/* ------------------------------------------------------------------ per competency */

static void print_details(status_state *st, const eval_row *row) {
  const term *t = &st->t;
  term_line *l = &st->l;
  const policy_file *f = &st->set->files[row->policy];
  fprintf(t->out, "\n");
  term_line_printf(l, "%s%s (%s): %s%s", term_on(t, TERM_BOLD), f->name ? f->name : f->stem,
                   f->stem,
                   row->failed  ? "error"
                   : row->level ? result_level_name(row->level)
                                : "not qualified",
                   term_off(t));
  term_line_flush(l, t, 4);
  if (row->failed) {
    term_line_printf(l, "  %s", row->error);
    term_line_flush(l, t, 4);
    return;
  }
  if (row->error) {
    term_line_printf(l, "  error: %s", row->error);
    term_line_flush(l, t, 4);
  }
  term_line_printf(l, "  status: %s", lifecycle_state_name(row->state));
  if (row->mlevel) {
    char bought[ISOTIME_BUFSZ], until[ISOTIME_BUFSZ];
    isotime_format_date(row->bought, bought);
    isotime_format_date(row->end - 1, until);
    term_line_printf(l, " (%s membership bought %s, %s %s)", result_level_name(row->mlevel), bought,
                     row->state == LC_EXPIRED ? "ended" : "in force until", until);
  }
  term_line_flush(l, t, 4);
  if (*row->cause) {
    term_line_printf(l, "  why: %s", row->cause);
    term_line_flush(l, t, 4);
  }
  if (st->verbose && row->alert_cause) {
    char raised[ISOTIME_BUFSZ];
    isotime_format_date(row->alert_raised, raised);
    term_line_printf(l, "  ALERT (%s): %s", raised, LIFECYCLE_RISK_MESSAGE);
    term_line_flush(l, t, 4);
    term_line_printf(l, "    cause: %s", row->alert_cause);
    term_line_flush(l, t, 8);
  }
  for (int i = 0; row->tree && i < row->tree->npaths; i++) {
    const result_path *p = &row->tree->paths[i];
    term_line_printf(l, "  %s path %s: %s", result_level_name(p->level), p->id,
                     p->error ? "error"
                     : p->met ? "met"
                              : "not met");
    term_line_flush(l, t, 4);
    for (int j = 0; j < p->ngoals; j++) print_goal(st, &p->goals[j], 4, st->verbose);
  }
  if (!st->verbose) print_people(st, row);
}

static void print_json(status_state *st, const eval_row *row) {
  jsonw_reset(&st->line);
  eval_row_json(&st->line, st->set, st->at, row);
  jsonw_raw(&st->line, "\n", 1);
  fwrite(st->line.buf, 1, st->line.len, st->ctx->out);
}

static int on_chunk(void *arg, const eval_chunk *c, char *err, size_t errsz) {
  status_state *st = arg;
  /* --competency: that competency's row only */
  eval_row one;
  eval_chunk only = *c;
  if (st->only >= 0) {
    only.nrows = 0;
    for (int r = 0; r < c->nrows; r++)
      if (c->rows[r].policy == st->only) {
        one = c->rows[r];
        only.rows = &one;
        only.nrows = 1;
      }
    c = &only;
  }
  if (st->json) {
    for (int r = 0; r < c->nrows; r++) print_json(st, &c->rows[r]);
    return 0;
  }
  if (!c->nrows) return 0;
  print_header(st);
  print_summary(st, c);
  for (int r = 0; r < c->nrows; r++) print_details(st, &c->rows[r]);
  return 0;
}

static int run(attain_ctx *ctx, const cli_args *args) {
  char err[1024];
  status_state st = {.ctx = ctx,
                     .json = args->value[OPT_JSON] != NULL,
                     .verbose = args->value[OPT_VERBOSE] != NULL,
                     .only = -1,
                     .key = args->pos[0]};
  int rc = cli_time_arg(&cmd_status, ctx, args->value[OPT_AT], &st.at);
  if (rc) return rc;
  int64_t oid;
  if ((rc = cli_org_find_named(ctx, "status", args->pos[0], &oid, st.name, sizeof st.name)))
    return rc;
  if (policy_set_load(&st.set, ctx->policies, NULL, err, sizeof err)) {
    fprintf(ctx->err, "attain status: %s\n", err);
    return CLI_EXIT_PROBLEMS;
  }
  const char *competency = args->value[OPT_COMPETENCY];
  if (competency && (st.only = policy_set_find(st.set, competency)) < 0) {
    char known[512] = "";
    for (int i = 0; i < st.set->nfiles; i++) {
      size_t n = strlen(known);
      snprintf(known + n, sizeof known - n, "%s%s", i ? ", " : "", st.set->files[i].stem);
    }
    rc = cli_usage_error(&cmd_status, ctx->err, "unknown competency '%s' (the policies define: %s)",
                         competency, known);
    policy_set_unref(st.set);
    return rc;
  }
  term_init(&st.t, ctx->out);
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
  term_line_free(&st.l);
  policy_set_unref(st.set);
  return rc || stats.errors ? CLI_EXIT_PROBLEMS : CLI_EXIT_OK;
}

const cli_command cmd_status = {
    .name = "status",
    .usage = "ORG [--at TIME] [--competency ID] [--verbose] [--json]",
    .summary = "show an organisation's progress in every competency",
    .help = "Evaluates every competency for organisation ORG as of --at (default: now) and\n"
            "shows first a summary: per competency the level reached, the membership and\n"
            "its state, and what the nearest unmet path still lacks, then the open alerts.\n"
            "Then, per competency, every path and goal with what the organisation has and\n"
            "needs, and each person once: which achievements count, which do not and why.\n"
            "With --verbose the people are listed under every goal they count for, with\n"
            "their MSAs. Writes nothing: with --at in the past it replays what the program\n"
            "said then (only what was known by --at; the lifecycle state and alerts as\n"
            "they stood then). Text fits $COLUMNS (or the terminal; 80 columns otherwise),\n"
            "in colour only on a terminal and not when NO_COLOR is set.\n"
            "With --json: one JSON object per competency, goals with their `detail`.",
    .min_pos = 1,
    .max_pos = 1,
    .options = {{"at", "TIME", "as of this time, ISO 8601 (default: now)"},
                {"json", NULL, "print JSON Lines"},
                {"competency", "ID", "only this competency"},
                {"verbose", NULL, "every person under every goal"}},
    .run = run,
};
