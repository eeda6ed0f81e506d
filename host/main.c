/* main.c — the `attain` binary: builds the context and dispatches to a subcommand. */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "version.h"

static const cli_command *const commands[] = {
    &cmd_init,    &cmd_import, &cmd_check,      &cmd_test,    &cmd_diff,  &cmd_eval, &cmd_status,
    &cmd_orgs,    &cmd_history, &cmd_alerts,    &cmd_membership, &cmd_profile, &cmd_link,
    &cmd_serve,   &cmd_ctl};
#define NCOMMANDS (sizeof commands / sizeof *commands)

static void usage(FILE *to) {
  fprintf(to,
          "usage: attain [--db PATH] [--policies DIR] COMMAND [ARGS...]\n"
          "       attain --version\n\n"
          "A Lua-scriptable policy host for partner-program competencies.\n\ncommands:\n");
  for (size_t i = 0; i < NCOMMANDS; i++)
    fprintf(to, "  %-12s %s\n", commands[i]->name, commands[i]->summary);
  fprintf(to,
          "\nRun `attain COMMAND --help` for a command's options.\n"
          "Exit codes: 0 ok, 1 problems found, 2 usage, 65 bad input data.\n"
          "Rule numbers (R6, ...) are the partner program's rules in docs/domain.md.\n");
}

int main(int argc, char **argv) {
  attain_ctx ctx = {.db = "attain.db", .policies = "policies", .out = stdout, .err = stderr};
  /* Global options may also stand before the command name. */
  int i = 1;
  for (; i < argc; i++) {
    if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
      usage(stdout);
      return CLI_EXIT_OK;
    }
    if (strcmp(argv[i], "--version") == 0) {
      version_print(stdout);
      return CLI_EXIT_OK;
    }
    if ((strcmp(argv[i], "--db") == 0 || strcmp(argv[i], "--policies") == 0) && i + 1 < argc) {
      *(argv[i][2] == 'd' ? &ctx.db : &ctx.policies) = argv[i + 1];
      if (argv[i][2] == 'd') ctx.db_given = 1;
      i++;
    } else if (strncmp(argv[i], "--db=", 5) == 0) {
      ctx.db = argv[i] + 5;
      ctx.db_given = 1;
    } else if (strncmp(argv[i], "--policies=", 11) == 0) {
      ctx.policies = argv[i] + 11;
    } else {
      break;
    }
  }
  if (i >= argc) {
    usage(stderr);
    return CLI_EXIT_USAGE;
  }
  for (size_t k = 0; k < NCOMMANDS; k++) {
    if (strcmp(argv[i], commands[k]->name) != 0) continue;
    cli_args args;
    int rc = cli_parse(commands[k], &ctx, argc - i - 1, argv + i + 1, &args);
    if (rc == 1) return CLI_EXIT_OK;
    if (rc) return rc;
    return commands[k]->run(&ctx, &args);
  }
  fprintf(stderr, "attain: unknown command '%s'\n\n", argv[i]);
  usage(stderr);
  return CLI_EXIT_USAGE;
}
