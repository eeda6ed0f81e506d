/* cli.c — option parsing and help shared by every subcommand (see cli.h). */
#include "cli.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "isotime.h"

static const cli_option global_options[] = {
    {"db", "PATH", "the SQLite database (default ./attain.db)"},
    {"policies", "DIR", "the policy directory (default ./policies)"},
};

void cli_command_help(const cli_command *cmd, FILE *to) {
  fprintf(to, "usage: attain %s %s\n\n%s\n", cmd->name, cmd->usage, cmd->help);
  fprintf(to, "\noptions:\n");
  for (int i = 0; i < CLI_MAX_OPTIONS && cmd->options[i].name; i++) {
    char lhs[64];
    snprintf(lhs, sizeof lhs, "--%s%s%s", cmd->options[i].name, cmd->options[i].arg ? " " : "",
             cmd->options[i].arg ? cmd->options[i].arg : "");
    fprintf(to, "  %-22s %s\n", lhs, cmd->options[i].help);
  }
  for (size_t i = 0; i < sizeof global_options / sizeof *global_options; i++) {
    char lhs[64];
    snprintf(lhs, sizeof lhs, "--%s %s", global_options[i].name, global_options[i].arg);
    fprintf(to, "  %-22s %s\n", lhs, global_options[i].help);
  }
  fprintf(to, "  %-22s %s\n", "--help", "show this help");
}

int cli_usage_error(const cli_command *cmd, FILE *to, const char *fmt, ...) {
  va_list ap;
  fprintf(to, "attain %s: ", cmd->name);
  va_start(ap, fmt);
  vfprintf(to, fmt, ap);
  va_end(ap);
  fprintf(to, "\nusage: attain %s %s (see attain %s --help)\n", cmd->name, cmd->usage,
          cmd->name);
  return CLI_EXIT_USAGE;
}

/* Matches "--name" or "--name=value" against an option name. Returns a pointer to the
 * inline value ("" if none), or NULL if it does not match. */
static const char *match(const char *arg, const char *name) {
  size_t n = strlen(name);
  if (strncmp(arg + 2, name, n) != 0) return NULL;
  if (arg[2 + n] == '\0') return "";
  if (arg[2 + n] == '=') return arg + 3 + n;
  return NULL;
}

int cli_parse(const cli_command *cmd, attain_ctx *ctx, int argc, char **argv, cli_args *args) {
  memset(args, 0, sizeof *args);
  args->pos = argv; /* positionals are compacted in place */
  int only_pos = 0;
  for (int i = 0; i < argc; i++) {
    char *a = argv[i];
    if (only_pos || a[0] != '-' || a[1] != '-' || a[2] == '\0') {
      if (!only_pos && strcmp(a, "--") == 0) {
        only_pos = 1;
        continue;
      }
      if (!only_pos && a[0] == '-' && a[1] != '\0' && a[1] != '-')
        return cli_usage_error(cmd, ctx->err, "unknown option '%s'", a);
      args->pos[args->npos++] = a;
      continue;
    }
    if (strcmp(a, "--help") == 0) {
      cli_command_help(cmd, ctx->out);
      return 1;
    }
    const char *inl;
    const char **slot = NULL;
    const char *arg_name = NULL;
    if ((inl = match(a, "db"))) {
      slot = &ctx->db;
      arg_name = "PATH";
      ctx->db_given = 1;
    } else if ((inl = match(a, "policies"))) {
      slot = &ctx->policies;
      arg_name = "DIR";
    } else {
      for (int k = 0; k < CLI_MAX_OPTIONS && cmd->options[k].name; k++)
        if ((inl = match(a, cmd->options[k].name))) {
          slot = &args->value[k];
          arg_name = cmd->options[k].arg;
          break;
        }
    }
    if (!slot) return cli_usage_error(cmd, ctx->err, "unknown option '%s'", a);
    if (!arg_name) {
      if (*inl) return cli_usage_error(cmd, ctx->err, "option '%s' takes no value", a);
      *slot = "";
    } else if (*inl) {
      *slot = inl;
    } else if (i + 1 < argc) {
      *slot = argv[++i];
    } else {
      return cli_usage_error(cmd, ctx->err, "option '%s' needs a value (%s)", a, arg_name);
    }
  }
  if (args->npos < cmd->min_pos)
    return cli_usage_error(cmd, ctx->err, "missing argument");
  if (cmd->max_pos >= 0 && args->npos > cmd->max_pos)
    return cli_usage_error(cmd, ctx->err, "unexpected argument '%s'", args->pos[cmd->max_pos]);
  return 0;
}

int cli_time_arg(const cli_command *cmd, attain_ctx *ctx, const char *value, int64_t *t) {
  if (!value) {
    *t = (int64_t)time(NULL);
    return 0;
  }
  if (isotime_parse(value, t) == 0) return 0;
  return cli_usage_error(cmd, ctx->err,
                         "--at must be an ISO 8601 time (YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ), "
                         "got '%s'",
                         value);
}

int cli_duration_arg(const cli_command *cmd, attain_ctx *ctx, const char *option,
                     const char *value, uint64_t *ms) {
  char *end;
  unsigned long long n = strtoull(value, &end, 10);
  uint64_t unit = strcmp(end, "ms") == 0 ? 1
                  : strcmp(end, "s") == 0 ? 1000
                  : strcmp(end, "m") == 0 ? 60000
                  : strcmp(end, "h") == 0 ? 3600000
                                          : 0;
  if (end == value || !unit || n == 0 || n > 1000000)
    return cli_usage_error(cmd, ctx->err,
                           "%s must be a positive duration such as 500ms, 30s, 10m or 2h, got '%s'",
                           option, value);
  *ms = n * unit;
  return 0;
}

int cli_count_arg(const cli_command *cmd, attain_ctx *ctx, const char *option, const char *value,
                  int min, int max, int fallback, int *n) {
  if (!value) {
    *n = fallback;
    return 0;
  }
  char *end;
  long v = strtol(value, &end, 10);
  if (end == value || *end || v < min || v > max)
    return cli_usage_error(cmd, ctx->err, "%s must be a whole number from %d to %d, got '%s'",
                           option, min, max, value);
  *n = (int)v;
  return 0;
}

int cli_socket_path(const char *db, const char *given, char *buf, size_t size) {
  int n = given ? snprintf(buf, size, "%s", given) : snprintf(buf, size, "%s.sock", db);
  return n > 0 && (size_t)n < size && n < 100 ? 0 : -1; /* sun_path holds 108 bytes */
}
