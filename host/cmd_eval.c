/* cmd_eval.c — `attain eval`: evaluate organisations and store the results. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "commands.h"
#include "eval.h"
#include "eval_json.h"
#include "eval_store.h"
#include "isotime.h"
#include "jsonw.h"
#include "policy_set.h"
#include "store.h"
#include "store_read.h"
#include "store_results.h"

enum { OPT_AT, OPT_ORG, OPT_JSON, OPT_WORKERS, OPT_DUE, OPT_READ_ONLY };


typedef struct run_state {
  attain_ctx *ctx;
  store *s;
  policy_set *set;
  int64_t at;
  int json;
  jsonw line;
  const eval_chunk *chunk;
  int64_t counts[3]; /* none, silver, gold */
  eval_store w; /* the sweep's writer */
} run_state;

static void print_json(run_state *st, const eval_row *row) {
  jsonw_reset(&st->line);
  eval_row_json(&st->line, st->set, st->at, row);
  jsonw_raw(&st->line, "\n", 1);
  fwrite(st->line.buf, 1, st->line.len, st->ctx->out);
}

static int on_chunk(void *arg, const eval_chunk *c, char *err, size_t errsz) {
  run_state *st = arg;
  st->chunk = c;
  if (eval_store_put(&st->w, c, err, errsz) < 0) return -1;
  for (int r = 0; r < c->nrows; r++) {
    const eval_row *row = &c->rows[r];
    if (!row->failed) st->counts[row->level]++;
    if (st->json)
      print_json(st, row);
    else if (row->failed)
      fprintf(st->ctx->out, "%-24s %-28s error: %s\n", row->org, st->set->files[row->policy].stem,
              row->error);
    else if (row->error)
      fprintf(st->ctx->out, "%-24s %-28s %s, error: %s\n", row->org,
              st->set->files[row->policy].stem, result_level_word(row->level), row->error);
    else if (c->norgs == 1 || row->level)
      fprintf(st->ctx->out, "%-24s %-28s %s\n", row->org, st->set->files[row->policy].stem,
              row->level ? result_level_name(row->level) : "-");
  }
  return 0;
}

static int run(attain_ctx *ctx, const cli_args *args) {
  char err[1024];
  run_state st = {.ctx = ctx, .json = args->value[OPT_JSON] != NULL};
  int rc = cli_time_arg(&cmd_eval, ctx, args->value[OPT_AT], &st.at);
  if (rc) return rc;
  int workers = 0;
  if (args->value[OPT_WORKERS]) {
    workers = atoi(args->value[OPT_WORKERS]);
    if (workers < 1 || workers > 64)
      return cli_usage_error(&cmd_eval, ctx->err, "--workers must be from 1 to 64");
  }
  if (args->value[OPT_DUE] && args->value[OPT_ORG])
    return cli_usage_error(&cmd_eval, ctx->err, "--due and --org exclude each other");
  int read_only = args->value[OPT_READ_ONLY] != NULL;
  if (read_only && st.json)
    return cli_usage_error(&cmd_eval, ctx->err, "--read-only evaluates nothing to print as JSON");
  if (store_open(&st.s, ctx->db, 0, err, sizeof err)) {
    fprintf(ctx->err, "attain eval: %s\n", err);
    return CLI_EXIT_PROBLEMS;
  }
  eval_request req = {.db = ctx->db, .at = st.at, .workers = workers,
                      .on_chunk = read_only ? NULL : on_chunk, .arg = &st, .lo = 1,
                      .report = st.json ? POLICY_REPORT_PATHS : POLICY_REPORT_LEVEL,
                      .read_only = read_only};
  if (args->value[OPT_ORG]) {
    int r = store_org_lookup(st.s, args->value[OPT_ORG], &req.lo, err, sizeof err);
    if (r) {
      fprintf(ctx->err, "attain eval: %s\n", err);
      store_close(st.s);
      return r == STORE_ENOTFOUND ? CLI_EXIT_DATA : CLI_EXIT_PROBLEMS;
    }
    req.hi = req.lo;
  } else if (store_org_max(st.s, &req.hi, err, sizeof err)) {
    fprintf(ctx->err, "attain eval: %s\n", err);
    store_close(st.s);
    return CLI_EXIT_PROBLEMS;
  }
  /* Lifecycle history only moves forward: evaluating (and storing) as of a time before a
   * stored evaluation would record transitions out of order. `status --at` replays. */
  int64_t later, latest;
  char latest_org[256];
  if (store_evaluations_after(st.s, req.lo, req.hi, st.at, &later, &latest, latest_org,
                              sizeof latest_org, err, sizeof err)) {
    fprintf(ctx->err, "attain eval: %s\n", err);
    store_close(st.s);
    return CLI_EXIT_PROBLEMS;
  }
  if (later && !read_only) {
    char at[ISOTIME_BUFSZ], then[ISOTIME_BUFSZ];
    isotime_format(st.at, at);
    isotime_format(latest, then);
    fprintf(ctx->err,
            "attain eval: refused: --at %s is before the evaluation stored for %lld "
            "organisation%s (the latest at %s, of %s); lifecycle history only moves forward in "
            "time. Evaluate at or after %s, or replay with `attain status ORG --at %s` (it "
            "writes nothing).\n",
            at, (long long)later, later == 1 ? "" : "s", then, latest_org, then, at);
    store_close(st.s);
    return CLI_EXIT_PROBLEMS;
  }
  if (policy_set_load(&st.set, ctx->policies, NULL, err, sizeof err)) {
    fprintf(ctx->err, "attain eval: %s\n", err);
    store_close(st.s);
    return CLI_EXIT_PROBLEMS;
  }
  int64_t *due = NULL;
  if (args->value[OPT_DUE]) {
    size_t n;
    if (store_orgs_due(st.s, st.set->version, st.at, &due, &n, err, sizeof err)) {
      fprintf(ctx->err, "attain eval: %s\n", err);
      policy_set_unref(st.set);
      store_close(st.s);
      return CLI_EXIT_PROBLEMS;
    }
    req.by_list = 1;
    req.oids = due;
    req.noids = n;
  }
  for (int k = 0; k < policy_set_issue_count(st.set); k++)
    fprintf(ctx->err, "%s\n", policy_set_issue(st.set, k));
  req.set = st.set;
  jsonw_init(&st.line);
  eval_stats stats;
  eval_store_init(&st.w, st.s, st.set, st.at);
  rc = eval_run(&req, &stats, err, sizeof err);
  if (rc) {
    eval_store_abort(&st.w);
  } else {
    struct timespec t0, t1; /* the last group's commit is part of the sweep's time */
    clock_gettime(CLOCK_MONOTONIC, &t0);
    rc = eval_store_commit(&st.w, err, sizeof err);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    stats.seconds += (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
  }
  if (rc) fprintf(ctx->err, "attain eval: %s\n", err);
  fflush(ctx->out);
  if (read_only)
    fprintf(ctx->err,
            "read the facts of %lld organisations (for %d competencies) in %.2f s, evaluated "
            "and wrote nothing; policy set %s\n",
            (long long)stats.orgs, st.set->nfiles, stats.seconds, st.set->version);
  else
    fprintf(ctx->err,
          "evaluated %lld organisations x %d competencies in %.2f s (%.0f evaluations/s): "
          "%lld gold, %lld silver, %lld none, %lld errors; %lld status changes, %lld alerts "
          "raised, %lld cleared; policy set %s\n",
          (long long)stats.orgs, st.set->nfiles, stats.seconds,
          stats.seconds > 0 ? (double)stats.evaluations / stats.seconds : 0.0,
          (long long)st.counts[2], (long long)st.counts[1], (long long)st.counts[0],
          (long long)stats.errors, (long long)st.w.counts.transitions,
          (long long)st.w.counts.alerts_raised, (long long)st.w.counts.alerts_cleared, st.set->version);
  jsonw_free(&st.line);
  free(due);
  policy_set_unref(st.set);
  store_close(st.s);
  return rc || stats.errors ? CLI_EXIT_PROBLEMS : CLI_EXIT_OK;
}

const cli_command cmd_eval = {
    .name = "eval",
    .usage = "[--at TIME] [--org ID | --due] [--json]",
    .summary = "evaluate organisations and store the results",
    .help = "Evaluates every competency policy for every organisation (or --org ID) as of\n"
            "--at (default: now), stores the latest result per organisation x competency\n"
            "(the level reached or the error, none being no row) tagged with the policy\n"
            "set's version, and prints the levels reached (with\n"
            "--json: one JSON object per organisation and competency, docs/eval.md).\n"
            "A failing policy gives an error in its own rows and exit code 1; every other\n"
            "competency is still evaluated and stored. With --due, only organisations whose\n"
            "facts changed since their last evaluation, that were evaluated by another policy\n"
            "set, or that reached a time boundary (a 24-hour wait ending, an expiry, a month\n"
            "starting, a membership year ending) are evaluated: an incremental sweep.\n"
            "Refused (exit 1, nothing stored) when --at is before an evaluation already\n"
            "stored for the organisations: lifecycle history only moves forward; replay\n"
            "the past with `attain status ORG --at TIME`.\n"
            "--read-only reads what such a sweep reads (facts, stored states and alerts) and\n"
            "evaluates and writes nothing: the cost of reading alone, for benchmarks.",
    .min_pos = 0,
    .max_pos = 0,
    .options = {{"at", "TIME", "evaluation time, ISO 8601 (default: now)"},
                {"org", "ID", "evaluate this organisation only"},
                {"json", NULL, "print JSON Lines"},
                {"workers", "N", "worker threads (default: one per core)"},
                {"due", NULL, "only organisations whose results may have changed"},
                {"read-only", NULL, "read as a sweep does, evaluate and write nothing"}},
    .run = run,
};
