/* cmd_serve.c — `attain serve`: run the daemon (daemon.h). */
#include <errno.h>
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "daemon.h"
#include "store.h"

enum { OPT_EVERY, OPT_SOCKET, OPT_LOG_LEVEL, OPT_WORKERS, OPT_LOG_FORMAT, OPT_HTTP,
       OPT_HTTP_TOKEN, OPT_HTTP_READ_TOKEN, OPT_HTTP_THREADS, OPT_SOCKET_MODE, OPT_SOCKET_GROUP,
       OPT_RELOAD_GUARD, OPT_HTTP_LINK_SECRET };

static int run(attain_ctx *ctx, const cli_args *args) {
  daemon_options o = {.db = ctx->db, .policies = ctx->policies, .every_ms = 600000,
                      .reload_guard = -1, .log = {ctx->err, LOG_INFO, LOG_FORMAT_TEXT}};
  if (args->value[OPT_EVERY]) {
    int rc = cli_duration_arg(&cmd_serve, ctx, "--every", args->value[OPT_EVERY], &o.every_ms);
    if (rc) return rc;
  }
  if (args->value[OPT_LOG_LEVEL] && (o.log.min = log_level_parse(args->value[OPT_LOG_LEVEL])) < 0)
    return cli_usage_error(&cmd_serve, ctx->err, "--log-level must be debug, info, warn or error");
  if (args->value[OPT_LOG_FORMAT]) {
    if ((o.log.format = log_format_parse(args->value[OPT_LOG_FORMAT])) < 0)
      return cli_usage_error(&cmd_serve, ctx->err, "--log-format must be text or journal");
  } else if (log_journal_stream_matches(getenv("JOURNAL_STREAM"), fileno(ctx->err))) {
    o.log.format = LOG_FORMAT_JOURNAL;
  }
  if (args->value[OPT_WORKERS]) {
    o.workers = atoi(args->value[OPT_WORKERS]);
    if (o.workers < 1 || o.workers > 64)
      return cli_usage_error(&cmd_serve, ctx->err, "--workers must be from 1 to 64");
  }
  o.http = args->value[OPT_HTTP];
  o.http_token_file = args->value[OPT_HTTP_TOKEN];
  o.http_read_token_file = args->value[OPT_HTTP_READ_TOKEN];
  o.http_link_secret_file = args->value[OPT_HTTP_LINK_SECRET];
  if ((o.http_token_file || o.http_read_token_file || o.http_link_secret_file ||
       args->value[OPT_HTTP_THREADS]) &&
      !o.http)
    return cli_usage_error(&cmd_serve, ctx->err, "--http-* options need --http ADDR:PORT");
  if (args->value[OPT_HTTP_THREADS]) {
    o.http_threads = atoi(args->value[OPT_HTTP_THREADS]);
    if (o.http_threads < 1 || o.http_threads > 16)
      return cli_usage_error(&cmd_serve, ctx->err, "--http-threads must be from 1 to 16");
  }
  if (args->value[OPT_SOCKET_MODE]) {
    const char *v = args->value[OPT_SOCKET_MODE];
    char *end;
    errno = 0;
    unsigned long m = strtoul(v, &end, 8);
    if (!*v || *end || errno || m > 0777 || (m & 0600) != 0600)
      return cli_usage_error(&cmd_serve, ctx->err,
                             "--socket-mode must be octal permission bits that let the owner "
                             "read and write, such as 0600 or 0660, got '%s'",
                             v);
    o.socket_mode = (unsigned)m;
  }
  if (args->value[OPT_SOCKET_GROUP]) {
    const char *v = args->value[OPT_SOCKET_GROUP];
    struct group *g = getgrnam(v);
    char *end;
    unsigned long gid = g ? (unsigned long)g->gr_gid : strtoul(v, &end, 10);
    if (!g && (!*v || *end || gid > 0x7fffffffUL))
      return cli_usage_error(&cmd_serve, ctx->err, "--socket-group: no group '%s'", v);
    o.socket_group_set = 1;
    o.socket_gid = (unsigned)gid;
  }
  if (args->value[OPT_RELOAD_GUARD]) {
    const char *v = args->value[OPT_RELOAD_GUARD];
    char *end;
    double pct = strtod(v, &end);
    if (end > v && *end == '%') end++;
    if (end == v || *end || !(pct >= 0 && pct <= 100))
      return cli_usage_error(&cmd_serve, ctx->err,
                             "--reload-guard must be a percentage from 0 to 100, got '%s'", v);
    o.reload_guard = pct;
  }
  char sock[256];
  if (cli_socket_path(ctx->db, args->value[OPT_SOCKET], sock, sizeof sock))
    return cli_usage_error(&cmd_serve, ctx->err, "the socket path must be under 100 bytes");
  o.socket = sock;
  return daemon_run(&o) ? CLI_EXIT_PROBLEMS : CLI_EXIT_OK;
}

const cli_command cmd_serve = {
    .name = "serve",
    .usage = "[--every DURATION] [--socket PATH] [--socket-mode MODE] [--socket-group GROUP]\n"
             "       [--log-level LEVEL] [--log-format FORMAT] [--reload-guard PERCENT]\n"
             "       [--http ADDR:PORT [--http-token-file FILE] [--http-read-token-file FILE]\n"
             "                         [--http-link-secret-file FILE]]",
    .summary = "run the daemon: periodic sweeps, hot reload, control socket",
    .help = "Keeps every organisation's results current: every --every (default 10m) it\n"
            "evaluates the organisations whose facts changed, that reached a time boundary, or\n"
            "that were evaluated by another policy set. It reloads the policy set when a file\n"
            "under --policies changes, on SIGHUP, or on `attain ctl reload`; a set that fails\n"
            "to compile or validate is refused and the last good one keeps serving. With\n"
            "--reload-guard PERCENT, a new set that would move more than PERCENT of the\n"
            "organisations down a level is held (the current one keeps serving) until\n"
            "`attain ctl reload --confirm VERSION`; `attain ctl reload --dry-run` previews\n"
            "any reload's impact. Control\n"
            "socket: --socket (default: the database path + \".sock\"), mode 0600, or\n"
            "--socket-mode 0660 --socket-group GROUP for an operators' group. One daemon per\n"
            "database and per socket: a second one refuses to start and names the first. Logs\n"
            "are key=value lines on standard error; in the journal format (the default when\n"
            "$JOURNAL_STREAM names standard error, as under systemd) each starts with its syslog\n"
            "priority, so `journalctl -p err` finds the errors. Under systemd (Type=notify) it\n"
            "reports start-up, reloads and shutdown on $NOTIFY_SOCKET and pings the watchdog.\n"
            "With --http (a bare port listens on 127.0.0.1) it also answers /health/live,\n"
            "/health/ready, /metrics (Prometheus), the JSON API under /v1/ and the dashboard's\n"
            "pages (/orgs, /orgs/ID, /orgs/ID/profile, /status); reloads, sweeps and\n"
            "evaluations over HTTP need the bearer token in --http-token-file (mode 0600),\n"
            "reads need --http-read-token-file's when it is given, and off loopback an\n"
            "organisation's data and pages need one of the tokens or, for its own pages, a\n"
            "link signed with the secret of --http-link-secret-file (`attain link`;\n"
            "docs/http.md, docs/dashboard.md).\n"
            "SIGTERM/SIGINT stop it cleanly (docs/daemon.md, docs/packaging.md).",
    .min_pos = 0,
    .max_pos = 0,
    .options = {{"every", "DURATION", "period of the incremental sweeps (default 10m)"},
                {"socket", "PATH", "control socket (default: DB.sock)"},
                {"log-level", "LEVEL", "debug, info, warn or error (default info)"},
                {"workers", "N", "evaluation threads (default: one per core)"},
                {"log-format", "FORMAT", "text or journal (default: journal under systemd)"},
                {"http", "ADDR:PORT", "listen for HTTP (health, metrics, JSON API) there"},
                {"http-token-file", "FILE", "bearer token for HTTP reloads, sweeps, evaluations"},
                {"http-read-token-file", "FILE", "bearer token HTTP reads must present"},
                {"http-threads", "N", "HTTP threads (default 2)"},
                {"socket-mode", "MODE", "the socket's permission bits (default 0600)"},
                {"socket-group", "GROUP", "the socket's group (default: the daemon's)"},
                {"reload-guard", "PERCENT", "hold reloads demoting more organisations (default off)"},
                {"http-link-secret-file", "FILE", "the secret of signed organisation links (attain link)"}},
    .run = run,
};
