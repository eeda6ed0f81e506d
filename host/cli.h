/* cli.h — the command line: the context every command receives, option parsing shared
 * by all subcommands, help text and exit codes (DESIGN.md, "Command line").
 *
 * Options may stand before or after positional arguments; "--" ends options. Each
 * subcommand lives in its own cmd_<name>.c and exports one cli_command. */
#ifndef ATTAIN_CLI_H
#define ATTAIN_CLI_H

#include <stdint.h>
#include <stdio.h>

enum {
  CLI_EXIT_OK = 0,
  CLI_EXIT_PROBLEMS = 1, /* the command ran and found problems (a policy failed, ...) */
  CLI_EXIT_USAGE = 2,
  CLI_EXIT_DATA = 65, /* bad input data (EX_DATAERR) */
  CLI_EXIT_IOERR = 74, /* reading the input failed part way (EX_IOERR) */
};

#define CLI_MAX_OPTIONS 16

/* Built once in main and passed down: no scattered globals. */
typedef struct attain_ctx {
  const char *db;       /* --db, default ./attain.db */
  int db_given;         /* --db was given (commands whose database is optional) */
  const char *policies; /* --policies, default ./policies */
  FILE *out, *err;
} attain_ctx;

typedef struct cli_option {
  const char *name; /* without the leading "--" */
  const char *arg;  /* value placeholder ("TIME"), or NULL for a flag */
  const char *help;
} cli_option;

typedef struct cli_args {
  const char *value[CLI_MAX_OPTIONS]; /* per option of the command: its value, "" for a set flag, NULL if absent */
  int npos;
  char **pos;
} cli_args;

typedef struct cli_command {
  const char *name;
  const char *usage;   /* after "attain NAME" */
  const char *summary; /* one line for `attain --help` */
  const char *help;    /* paragraphs for `attain NAME --help` */
  int min_pos, max_pos; /* max_pos < 0: unbounded */
  cli_option options[CLI_MAX_OPTIONS];
  int (*run)(attain_ctx *ctx, const cli_args *args);
} cli_command;

/* Parses argv (after the subcommand name) into `args`, taking the global options into
 * ctx. Returns 0, 1 if --help was asked (help printed), or CLI_EXIT_USAGE (reported). */
int cli_parse(const cli_command *cmd, attain_ctx *ctx, int argc, char **argv, cli_args *args);

void cli_command_help(const cli_command *cmd, FILE *to);

/* The value of --at: an ISO 8601 time, or the current time when absent. This is the one
 * place the clock is read for an evaluation time; evaluations receive it. Returns 0, or
 * reports a usage error and returns CLI_EXIT_USAGE. */
int cli_time_arg(const cli_command *cmd, attain_ctx *ctx, const char *value, int64_t *t);
/* Reports a usage error for `cmd` and returns CLI_EXIT_USAGE. */
int cli_usage_error(const cli_command *cmd, FILE *to, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* A duration: a whole number followed by ms, s, m or h ("10m"). Returns 0, or reports a
 * usage error naming `option` and returns CLI_EXIT_USAGE. */
int cli_duration_arg(const cli_command *cmd, attain_ctx *ctx, const char *option,
                     const char *value, uint64_t *ms);

/* A whole number from `min` to `max` for `option` (`fallback` when value is NULL). Returns
 * 0, or reports a usage error and returns CLI_EXIT_USAGE. */
int cli_count_arg(const cli_command *cmd, attain_ctx *ctx, const char *option, const char *value,
                  int min, int max, int fallback, int *n);

/* The daemon's control socket: `given`, or the database's path plus ".sock". Returns 0,
 * or -1 if the path does not fit a Unix socket address. */
int cli_socket_path(const char *db, const char *given, char *buf, size_t size);

#endif
