/* cmd_diff.c — `attain diff`: what a candidate policy set (--policies) would change,
 * against another (--against), for every organisation as of --at, before it serves.
 * Writes nothing. The comparison is impact.h's; this file parses the command line and
 * writes the report as text for people, or as JSON (impact_json.h).
 *
 * Exit codes for CI: 0 nothing would change, 1 something would, 2 usage, 65 the database
 * or a policy directory cannot be read. */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "impact.h"
#include "impact_json.h"
#include "isotime.h"
#include "lifecycle.h"
#include "policy_set.h"
#include "result.h"

enum { OPT_AGAINST, OPT_AT, OPT_JSON, OPT_EXAMPLES, OPT_WORKERS };

#define DEFAULT_AGAINST "policies"
#define DEFAULT_EXAMPLES 5

static void number(FILE *out, double d) {
  if (d == (double)(long long)d && d < 1e15 && d > -1e15)
    fprintf(out, "%lld", (long long)d);
  else
    fprintf(out, "%.2f", d);
}

/* "silver -> none 2, none -> silver 1" from a [from][to] matrix; returns how many moved. */
static int64_t print_moves(FILE *out, const int64_t *m, int n, const char *(*name)(int)) {
  int64_t moved = 0;
  for (int from = 0; from < n; from++)
    for (int to = 0; to < n; to++)
      if (from != to && m[from * n + to]) {
        fprintf(out, "%s%s -> %s %lld", moved ? ", " : "", name(from), name(to),
                (long long)m[from * n + to]);
        moved += m[from * n + to];
      }
  return moved;
}

static int64_t moved(const int64_t *m, int n) {
  int64_t k = 0;
  for (int i = 0; i < n * n; i++)
    if (i / n != i % n) k += m[i];
  return k;
}

static const char *plural(int64_t n, const char *one, const char *many) {
  return n == 1 ? one : many;
}

static void print_competency(FILE *out, const impact_competency *c) {
  fprintf(out, "\n%s:", c->id);
  if (!c->in_before) fprintf(out, " new in the candidate set;");
  if (!c->in_after) fprintf(out, " not in the candidate set;");
  fprintf(out, " %lld %s change\n", (long long)c->changed,
          plural(c->changed, "organisation", "organisations"));
  if (moved(&c->levels[0][0], IMPACT_LEVELS)) {
    fprintf(out, "  levels: ");
    print_moves(out, &c->levels[0][0], IMPACT_LEVELS, result_level_word);
    fprintf(out, "  (%lld lost, %lld gained)\n", (long long)c->lost, (long long)c->gained);
  }
  if (moved(&c->states[0][0], IMPACT_STATES)) {
    fprintf(out, "  states: ");
    print_moves(out, &c->states[0][0], IMPACT_STATES, lifecycle_state_name);
    fprintf(out, "\n");
  }
  if (c->alerts_raised || c->alerts_cleared)
    fprintf(out, "  renewal alerts: %lld raised, %lld cleared\n", (long long)c->alerts_raised,
            (long long)c->alerts_cleared);
  if (c->errors_introduced || c->errors_fixed)
    fprintf(out, "  errors: %lld introduced, %lld fixed\n", (long long)c->errors_introduced,
            (long long)c->errors_fixed);
}

static void print_goal_side(FILE *out, const char *which, const impact_goal_side *s,
                            const char *label_before) {
  fprintf(out, "      %s ", which);
  if (!s->present) {
    fprintf(out, "no such path\n");
    return;
  }
  if (!s->label) {
    fprintf(out, "no such goal; path %s\n", s->path_met ? "met" : "not met");
    return;
  }
  if (s->error) {
    fprintf(out, "error: %s", s->error);
  } else {
    fprintf(out, "have ");
    number(out, s->have);
    fprintf(out, ", need ");
    number(out, s->need);
    fprintf(out, ": %s", s->met ? "met" : "not met");
  }
  fprintf(out, "; path %s", s->path_met ? "met" : "not met");
  if (label_before && strcmp(label_before, s->label) != 0) fprintf(out, "  (goal: %s)", s->label);
  fprintf(out, "\n");
}

static void print_goal(FILE *out, const impact_goal *g) {
  if (g->kind == IMPACT_GOAL_NONE) return;
  if (g->kind == IMPACT_GOAL_PATH) {
    const impact_goal_side *s = g->after.present ? &g->after : &g->before;
    fprintf(out, "    %s path %s: only in the %s set (%s there)\n", result_level_word(g->level),
            g->path, g->after.present ? "candidate" : "current", s->path_met ? "met" : "not met");
    return;
  }
  const char *label = g->before.label ? g->before.label : g->after.label;
  fprintf(out, "    %s path %s, goal: %s\n", result_level_word(g->level), g->path,
          label ? label : "?");
  print_goal_side(out, "before:", &g->before, NULL);
  print_goal_side(out, "after: ", &g->after, g->before.label);
}

static void print_example(FILE *out, const impact_report *r, const impact_example *e) {
  const impact_side *b = &e->before, *a = &e->after;
  fprintf(out, "  %s, %s:", e->org, r->competencies[e->competency].id);
  const char *sep = " ";
  if (b->level != a->level) {
    fprintf(out, "%slevel %s -> %s", sep, result_level_word(b->level), result_level_word(a->level));
    sep = "; ";
  }
  if (b->state != a->state) {
    fprintf(out, "%sstate %s -> %s", sep, lifecycle_state_name(b->state),
            lifecycle_state_name(a->state));
    sep = "; ";
  }
  if (b->alert != a->alert) {
    fprintf(out, "%srenewal alert %s", sep, a->alert ? "raised" : "cleared");
    sep = "; ";
  }
  if (!b->error && a->error) fprintf(out, "%serror introduced", sep);
  if (b->error && !a->error) fprintf(out, "%serror fixed", sep);
  fprintf(out, "\n");
  if (!a->defined) fprintf(out, "    not in the candidate set\n");
  if (!b->defined) fprintf(out, "    new in the candidate set\n");
  if (a->error && !b->error) fprintf(out, "    error: %s\n", a->error);
  if (b->error && !a->error) fprintf(out, "    error before: %s\n", b->error);
  print_goal(out, &e->goal);
  if (*a->cause && (a->state != b->state || a->alert != b->alert))
    fprintf(out, "    cause it would store: %s\n", a->cause);
}

static void print_problems(FILE *out, const char *which, const policy_set *set) {
  if (!set->nproblems) return;
  fprintf(out, "%s set %s has %d %s (attain check fails on it; the daemon would refuse it):\n",
          which, set->version, set->nproblems, plural(set->nproblems, "problem", "problems"));
  for (int i = 0; i < set->nfiles; i++)
    if (set->files[i].problem) fprintf(out, "  %s\n", set->files[i].problem);
}

static void print_text(FILE *out, const impact_report *r, const char *before, const char *after,
                       const policy_set *bs, const policy_set *as, int examples) {
  char at[ISOTIME_BUFSZ];
  isotime_format(r->at, at);
  fprintf(out, "attain diff: %lld %s as of %s\n", (long long)r->orgs,
          plural(r->orgs, "organisation", "organisations"), at);
  fprintf(out, "  before: %s (policy set %s)\n  after:  %s (policy set %s)\n", before,
          r->before_version, after, r->after_version);
  print_problems(out, "the candidate", as);
  print_problems(out, "the current", bs);
  if (!r->changed) {
    fprintf(out, "nothing changes\n");
    return;
  }
  fprintf(out,
          "%lld %s change: %lld %s a level (%.1f%%), %lld %s one; %lld state %s, %lld renewal "
          "%s raised, %lld cleared; %lld %s introduced, %lld fixed\n",
          (long long)r->changed, plural(r->changed, "organisation", "organisations"),
          (long long)r->demoted, plural(r->demoted, "loses", "lose"), impact_demoted_percent(r),
          (long long)r->promoted, plural(r->promoted, "gains", "gain"),
          (long long)r->state_changes, plural(r->state_changes, "change", "changes"),
          (long long)r->alerts_raised, plural(r->alerts_raised, "alert", "alerts"),
          (long long)r->alerts_cleared, (long long)r->errors_introduced,
          plural(r->errors_introduced, "error", "errors"), (long long)r->errors_fixed);
  int unchanged = 0;
  for (int u = 0; u < r->ncompetencies; u++)
    if (r->competencies[u].changed)
      print_competency(out, &r->competencies[u]);
    else
      unchanged++;
  if (unchanged) {
    fprintf(out, "\nunchanged:");
    for (int u = 0, k = 0; u < r->ncompetencies; u++)
      if (!r->competencies[u].changed)
        fprintf(out, "%s %s", k++ ? "," : "", r->competencies[u].id);
    fprintf(out, "\n");
  }
  if (r->nexamples) {
    fprintf(out, "\nexamples (at most %d per competency):\n", examples);
    for (int e = 0; e < r->nexamples; e++) print_example(out, r, &r->examples[e]);
  }
}

/* Both name the same directory? (Then there is nothing to compare: most likely
 * --policies or --against was forgotten.) */
static int same_dir(const char *a, const char *b) {
  char ra[PATH_MAX], rb[PATH_MAX];
  if (!realpath(a, ra) || !realpath(b, rb)) return 0;
  return strcmp(ra, rb) == 0;
}

static int run(attain_ctx *ctx, const cli_args *args) {
  char err[1024];
  int64_t at;
  int rc = cli_time_arg(&cmd_diff, ctx, args->value[OPT_AT], &at);
  if (rc) return rc;
  int examples = DEFAULT_EXAMPLES, workers = 0;
  if (args->value[OPT_EXAMPLES]) {
    char *end;
    long n = strtol(args->value[OPT_EXAMPLES], &end, 10);
    if (end == args->value[OPT_EXAMPLES] || *end || n < 0 || n > 1000)
      return cli_usage_error(&cmd_diff, ctx->err, "--examples must be from 0 to 1000");
    examples = (int)n;
  }
  if (args->value[OPT_WORKERS]) {
    workers = atoi(args->value[OPT_WORKERS]);
    if (workers < 1 || workers > 64)
      return cli_usage_error(&cmd_diff, ctx->err, "--workers must be from 1 to 64");
  }
  const char *after_dir = ctx->policies;
  const char *before_dir = args->value[OPT_AGAINST] ? args->value[OPT_AGAINST] : DEFAULT_AGAINST;
  if (same_dir(after_dir, before_dir))
    return cli_usage_error(&cmd_diff, ctx->err,
                           "--policies %s and --against %s are the same directory: name the "
                           "candidate set with --policies and the set it would replace with "
                           "--against (default ./%s)",
                           after_dir, before_dir, DEFAULT_AGAINST);
  policy_set *before = NULL, *after = NULL;
  if (policy_set_load(&before, before_dir, NULL, err, sizeof err) ||
      policy_set_load(&after, after_dir, NULL, err, sizeof err)) {
    fprintf(ctx->err, "attain diff: %s\n", err);
    if (before) policy_set_unref(before);
    return CLI_EXIT_DATA;
  }
  impact_request req = {.db = ctx->db, .before = before, .after = after, .at = at,
                        .examples = examples, .workers = workers};
  impact_report *r;
  rc = impact_run(&req, &r, err, sizeof err);
  if (rc) {
    fprintf(ctx->err, "attain diff: %s\n", err);
    policy_set_unref(before);
    policy_set_unref(after);
    return CLI_EXIT_DATA;
  }
  if (args->value[OPT_JSON]) {
    json_t *j = impact_json(r, before_dir, after_dir);
    const policy_set *sets[2] = {before, after};
    for (int s = 0; s < 2; s++) {
      json_t *a = json_array();
      for (int i = 0; i < sets[s]->nfiles; i++)
        if (sets[s]->files[i].problem)
          json_array_append_new(a, json_string(sets[s]->files[i].problem));
      json_object_set_new(json_object_get(j, s ? "after" : "before"), "problems", a);
    }
    json_dumpf(j, ctx->out, JSON_COMPACT | JSON_REAL_PRECISION(16));
    fputc('\n', ctx->out);
    json_decref(j);
  } else {
    print_text(ctx->out, r, before_dir, after_dir, before, after, examples);
  }
  fflush(ctx->out);
  if (r->changed)
    fprintf(ctx->err, "compared %lld organisations x %d competencies in %.2f s: %lld change\n",
            (long long)r->orgs, r->ncompetencies, r->seconds, (long long)r->changed);
  else
    fprintf(ctx->err, "compared %lld organisations x %d competencies in %.2f s: nothing changes\n",
            (long long)r->orgs, r->ncompetencies, r->seconds);
  int changed = r->changed != 0;
  impact_free(r);
  policy_set_unref(before);
  policy_set_unref(after);
  return changed ? CLI_EXIT_PROBLEMS : CLI_EXIT_OK;
}

const cli_command cmd_diff = {
    .name = "diff",
    .usage = "--policies NEW [--against OLD] [--at TIME] [--json] [--examples N]",
    .summary = "preview what a policy edit would change, before it serves",
    .help = "Evaluates every organisation as of --at (default: now) with the policy set in\n"
            "--against (default ./policies: the set the candidate would replace) and with the\n"
            "candidate set in --policies, on the same facts and the same stored states, and\n"
            "reports what would change: per competency, organisations gaining or losing a\n"
            "level, lifecycle state changes, renewal alerts raised or cleared, errors\n"
            "introduced or fixed; then up to --examples N organisations per competency\n"
            "(default 5) with the goal that made the difference, have/need on both sides.\n"
            "With --json: one JSON object (docs/diff.md). Writes nothing.\n"
            "Exit code 0 when nothing would change, 1 when something would (a CI gate for a\n"
            "policy pull request), 2 on a usage error, 65 when the database or a policy\n"
            "directory cannot be read.",
    .min_pos = 0,
    .max_pos = 0,
    .options = {{"against", "DIR", "the policy set to compare with (default ./policies)"},
                {"at", "TIME", "as of this time, ISO 8601 (default: now)"},
                {"json", NULL, "print one JSON object"},
                {"examples", "N", "examples per competency (default 5)"},
                {"workers", "N", "worker threads (default: one per core)"}},
    .run = run,
};
