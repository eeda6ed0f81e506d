/* cmd_check.c — `attain check`: compile and validate the policy set. */
#include "cli.h"
#include "commands.h"
#include "policy_set.h"

static int run(attain_ctx *ctx, const cli_args *args) {
  char err[1024];
  policy_set *set;
  if (policy_set_load(&set, ctx->policies, NULL, err, sizeof err)) {
    fprintf(ctx->err, "%s\n", err);
    return CLI_EXIT_PROBLEMS;
  }
  for (int i = 0; i < set->nfiles; i++)
    if (set->files[i].problem) fprintf(ctx->err, "%s\n", set->files[i].problem);
  int problems = set->nproblems;
  if (!problems)
    fprintf(ctx->out, "%s: %d policies ok, version %s\n", ctx->policies, set->nfiles, set->version);
  else
    fprintf(ctx->err, "%s: %d of %d policies have problems\n", ctx->policies, problems,
            set->nfiles);
  policy_set_unref(set);
  return problems ? CLI_EXIT_PROBLEMS : CLI_EXIT_OK;
}

const cli_command cmd_check = {
    .name = "check",
    .usage = "",
    .summary = "compile and validate the policy set",
    .help = "Compiles and validates every *.lua file of the policy directory (--policies), as\n"
            "the evaluator would, and reports every problem as FILE:LINE: failed to\n"
            "compile|validate: message. Exit code 1 if any policy has a problem.",
    .min_pos = 0,
    .max_pos = 0,
    .run = run,
};
