/* cmd_import.c — `attain import FILE...`: JSON Lines facts into the database. */
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "import.h"
#include "policy_schema.h"
#include "store.h"

static int run(attain_ctx *ctx, const cli_args *args) {
  char err[1024];
  /* The policy set's vocabulary, when it declares one: undeclared names are bad data. */
  policy_schema *schema = NULL;
  char **sp;
  int nsp;
  if (policy_schema_load_dir(&schema, ctx->policies, &sp, &nsp) < 0) {
    for (int k = 0; k < nsp; k++) fprintf(ctx->err, "%s\n", sp[k]);
    fprintf(ctx->err, "attain import: the schema has problems; nothing imported\n");
    policy_schema_problems_free(sp, nsp);
    return CLI_EXIT_PROBLEMS;
  }
  store *s;
  if (store_open(&s, ctx->db, 0, err, sizeof err) != STORE_OK) {
    fprintf(ctx->err, "attain import: %s\n", err);
    policy_schema_free(schema);
    return CLI_EXIT_PROBLEMS;
  }
  int quiet = args->value[0] != NULL;
  int rc = CLI_EXIT_OK;
  for (int i = 0; i < args->npos; i++) {
    import_stats st;
    int r = import_file_checked(s, args->pos[i], schema, &st, err, sizeof err);
    if (r == IMPORT_OK) {
      if (!quiet)
        fprintf(ctx->out, "%s: %lld records, %lld organisations changed\n",
                strcmp(args->pos[i], "-") ? args->pos[i] : "<stdin>", (long long)st.records,
                (long long)st.orgs_changed);
      continue;
    }
    fprintf(ctx->err, "%s\n", err);
    if (r == IMPORT_ESTORE)
      rc = CLI_EXIT_PROBLEMS;
    else if (r == IMPORT_EIO)
      rc = CLI_EXIT_IOERR;
    else
      rc = CLI_EXIT_DATA;
    if (i + 1 < args->npos)
      fprintf(ctx->err, "attain import: stopped; %d file(s) not imported\n", args->npos - i - 1);
    break;
  }
  store_close(s);
  policy_schema_free(schema);
  return rc;
}

const cli_command cmd_import = {
    .name = "import",
    .usage = "FILE...",
    .summary = "import JSON Lines facts (- for standard input)",
    .help =
        "Imports facts, one JSON record per line (docs/import.md), in one transaction per\n"
        "file. A record with an existing key updates it, so importing a file twice changes\n"
        "nothing. A bad line fails its file with FILE:LINE: reason and exit code 65:\n"
        "nothing of that file is stored, files imported before it stay, later files are\n"
        "not imported. A line longer than 1 MiB is bad data; a read that fails part way\n"
        "(an I/O error, memory exhausted) fails the file the same way with exit code 74.\n"
        "When the policy directory (--policies) declares its vocabulary in schema.json, a\n"
        "metric or achievement code it does not declare is a bad line (docs/policy-repo.md).",
    .min_pos = 1,
    .max_pos = -1,
    .options = {{"quiet", NULL, "print nothing on success"}},
    .run = run,
};
