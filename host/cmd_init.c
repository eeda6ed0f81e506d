/* cmd_init.c — `attain init`: create or migrate the database. */
#include "cli.h"
#include "commands.h"
#include "store.h"

static int run(attain_ctx *ctx, const cli_args *args) {
  char err[1024];
  store *s;
  if (store_open(&s, ctx->db, 1, err, sizeof err) != STORE_OK) {
    fprintf(ctx->err, "attain init: %s\n", err);
    return CLI_EXIT_PROBLEMS;
  }
  store_close(s);
  fprintf(ctx->out, "%s: schema version %d\n", ctx->db, store_schema_version());
  return CLI_EXIT_OK;
}

const cli_command cmd_init = {
    .name = "init",
    .usage = "",
    .summary = "create or migrate the database",
    .help = "Creates the SQLite database named by --db if it does not exist, and applies any\n"
            "pending schema migrations. Running it again is harmless.",
    .min_pos = 0,
    .max_pos = 0,
    .run = run,
};
