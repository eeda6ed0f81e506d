/* cmd_profile.c — `attain profile ORG`: the business profile customers see (R9, R16), by
 * the rule of profile.h (the package, the level each competency shows at), with the
 * benefits each policy declares for that level (R1). */
#include <string.h>

#include "cli.h"
#include "cli_org.h"
#include "commands.h"
#include "eval.h"
#include "isotime.h"
#include "jsonw.h"
#include "lifecycle.h"
#include "policy_set.h"
#include "profile.h"

enum { OPT_AT, OPT_JSON };


typedef struct profile {
  attain_ctx *ctx;
  policy_set *set;
  int64_t at;
  int json;
  int errors;
  char name[256]; /* the organisation's, "" when none was imported */
} profile;

static int on_chunk(void *arg, const eval_chunk *c, char *err, size_t errsz) {
  profile *pr = arg;
  int package = profile_package(c->rows, c->nrows);
  char at[ISOTIME_BUFSZ];
  isotime_format(pr->at, at);
  jsonw w;
  jsonw_init(&w);
  if (pr->json) {
    jsonw_obj_begin(&w);
    jsonw_key(&w, "org");
    jsonw_str(&w, c->nrows ? c->rows[0].org : "");
    jsonw_key(&w, "at");
    jsonw_str(&w, at);
    jsonw_key(&w, "package");
    jsonw_str(&w, result_level_name(package));
    jsonw_key(&w, "competencies");
    jsonw_arr_begin(&w);
  } else if (c->nrows) {
    if (*pr->name)
      fprintf(pr->ctx->out, "%s (%s)", pr->name, c->rows[0].org);
    else
      fprintf(pr->ctx->out, "%s", c->rows[0].org);
    fprintf(pr->ctx->out, " business profile as of %s: %s\n", at,
            package ? result_level_name(package) : "no membership in force (nothing shown)");
  }
  int shown = 0;
  for (int r = 0; r < c->nrows; r++) {
    const eval_row *row = &c->rows[r];
    if (row->error) {
      pr->errors++;
      fprintf(pr->ctx->err, "%s\n", row->error);
      if (row->failed) continue;
    }
    int level = profile_level(row, package);
    if (!level) continue;
    const policy_file *f = &pr->set->files[row->policy];
    char *const *benefits = f->benefits[level];
    shown++;
    if (pr->json) {
      jsonw_obj_begin(&w);
      jsonw_key(&w, "competency");
      jsonw_str(&w, f->stem);
      jsonw_key(&w, "name");
      jsonw_str(&w, f->name);
      jsonw_key(&w, "level");
      jsonw_str(&w, result_level_name(level));
      jsonw_key(&w, "state");
      jsonw_str(&w, lifecycle_state_name(row->state));
      jsonw_key(&w, "benefits");
      jsonw_arr_begin(&w);
      for (char *const *b = benefits; b && *b; b++) jsonw_str(&w, *b);
      jsonw_arr_end(&w);
      jsonw_obj_end(&w);
    } else {
      fprintf(pr->ctx->out, "  %s (%s): %s%s\n", f->name, f->stem, result_level_name(level),
              row->state == LC_AT_RISK ? " (renewal at risk)" : "");
      if (benefits && *benefits) {
        fprintf(pr->ctx->out, "    benefits:\n");
        for (char *const *b = benefits; *b; b++) fprintf(pr->ctx->out, "      - %s\n", *b);
      } else {
        fprintf(pr->ctx->out, "    benefits: none declared\n");
      }
    }
  }
  if (pr->json) {
    jsonw_arr_end(&w);
    jsonw_obj_end(&w);
    fprintf(pr->ctx->out, "%s\n", w.buf);
  } else if (package && !shown) {
    fprintf(pr->ctx->out, "  (no competency attained)\n");
  }
  jsonw_free(&w);
  return 0;
}

static int run(attain_ctx *ctx, const cli_args *args) {
  char err[1024];
  profile pr = {.ctx = ctx, .json = args->value[OPT_JSON] != NULL};
  int rc = cli_time_arg(&cmd_profile, ctx, args->value[OPT_AT], &pr.at);
  if (rc) return rc;
  int64_t oid;
  if ((rc = cli_org_find_named(ctx, "profile", args->pos[0], &oid, pr.name, sizeof pr.name)))
    return rc;
  if (policy_set_load(&pr.set, ctx->policies, NULL, err, sizeof err)) {
    fprintf(ctx->err, "attain profile: %s\n", err);
    return CLI_EXIT_PROBLEMS;
  }
  eval_request req = {.db = ctx->db, .set = pr.set, .at = pr.at, .lo = oid, .hi = oid,
                      .workers = 1, .report = POLICY_REPORT_LEVEL, .on_chunk = on_chunk,
                      .arg = &pr};
  eval_stats stats;
  rc = eval_run(&req, &stats, err, sizeof err);
  if (rc) fprintf(ctx->err, "attain profile: %s\n", err);
  policy_set_unref(pr.set);
  return rc || pr.errors ? CLI_EXIT_PROBLEMS : CLI_EXIT_OK;
}

const cli_command cmd_profile = {
    .name = "profile",
    .usage = "ORG [--at TIME] [--json]",
    .summary = "show the business profile customers see",
    .help = "Shows the competencies on ORG's business profile as of --at (default: now), with\n"
            "the benefits each competency declares for its level (R9, R16). With a silver\n"
            "package (the highest membership in force) every competency attained shows at\n"
            "silver; with a gold package, silver and gold competencies show at the level\n"
            "attained. A membership whose renewal is at risk keeps showing until it ends\n"
            "(R13). Nothing shows without a membership in force.",
    .min_pos = 1,
    .max_pos = 1,
    .options = {{"at", "TIME", "as of this time, ISO 8601 (default: now)"},
                {"json", NULL, "print JSON"}},
    .run = run,
};
