/* cmd_ctl.c — `attain ctl`: talk to a running daemon over its control socket. Sends one
 * JSON request line, prints the JSON reply line, exits 0 if it says "ok":true — and, for
 * status, the daemon's health is "ok" (a degraded daemon exits 1, naming why on stderr). */
#include <errno.h>
#include <jansson.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "cli.h"
#include "commands.h"

#define CTL_MAX_REPLY (16u << 20)

enum { OPT_SOCKET, OPT_TIMEOUT, OPT_DRY_RUN, OPT_CONFIRM };

static int run(attain_ctx *ctx, const cli_args *args) {
  const char *cmd = args->pos[0];
  json_t *req;
  int dry_run = args->value[OPT_DRY_RUN] != NULL;
  const char *confirm = args->value[OPT_CONFIRM];
  if ((dry_run || confirm) && strcmp(cmd, "reload") != 0)
    return cli_usage_error(&cmd_ctl, ctx->err, "--dry-run and --confirm go with reload");
  if (dry_run && confirm)
    return cli_usage_error(&cmd_ctl, ctx->err, "--dry-run and --confirm exclude each other");
  if (strcmp(cmd, "eval") == 0) {
    if (args->npos != 2) return cli_usage_error(&cmd_ctl, ctx->err, "eval needs ORG");
    req = json_pack("{s:s, s:s}", "cmd", "eval", "org", args->pos[1]);
  } else if (strcmp(cmd, "reload") == 0 || strcmp(cmd, "status") == 0 ||
             strcmp(cmd, "sweep") == 0) {
    if (args->npos != 1) return cli_usage_error(&cmd_ctl, ctx->err, "%s takes no argument", cmd);
    req = json_pack("{s:s}", "cmd", cmd);
    if (dry_run) json_object_set_new(req, "dry_run", json_true());
    if (confirm) json_object_set_new(req, "confirm", json_string(confirm));
  } else {
    return cli_usage_error(&cmd_ctl, ctx->err,
                           "unknown request '%s' (reload, status, sweep or eval ORG)", cmd);
  }
  uint64_t timeout_ms = 60000;
  if (args->value[OPT_TIMEOUT]) {
    int rc = cli_duration_arg(&cmd_ctl, ctx, "--timeout", args->value[OPT_TIMEOUT], &timeout_ms);
    if (rc) {
      json_decref(req);
      return rc;
    }
  }
  char path[256];
  if (cli_socket_path(ctx->db, args->value[OPT_SOCKET], path, sizeof path)) {
    json_decref(req);
    return cli_usage_error(&cmd_ctl, ctx->err, "the socket path must be under 100 bytes");
  }
  char *line = json_dumps(req, JSON_COMPACT);
  json_decref(req);
  int fd = socket(AF_UNIX, SOCK_STREAM, 0);
  struct sockaddr_un sa = {.sun_family = AF_UNIX};
  memcpy(sa.sun_path, path, strlen(path) + 1); /* cli_socket_path checked the length */
  if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof sa) < 0) {
    if (errno == ECONNREFUSED)
      fprintf(ctx->err,
              "attain ctl: %s: cannot connect: no daemon is listening (the socket of a daemon "
              "that died?)\n",
              path);
    else
      fprintf(ctx->err, "attain ctl: %s: cannot connect: %s (is `attain serve` running?)\n",
              path, strerror(errno));
    free(line);
    if (fd >= 0) close(fd);
    return CLI_EXIT_PROBLEMS;
  }
  size_t n = strlen(line);
  line[n] = '\n'; /* json_dumps leaves room: the NUL becomes the newline */
  ssize_t w = write(fd, line, n + 1);
  free(line);
  if (w != (ssize_t)(n + 1)) {
    fprintf(ctx->err, "attain ctl: %s: write failed\n", path);
    close(fd);
    return CLI_EXIT_PROBLEMS;
  }
  /* One reply line; a dry run's impact can be longer than any request. */
  size_t cap = 1 << 16, len = 0;
  char *buf = malloc(cap);
  for (;;) {
    struct pollfd p = {fd, POLLIN, 0};
    int pr = buf ? poll(&p, 1, (int)timeout_ms) : -1;
    if (pr <= 0) {
      if (buf)
        fprintf(ctx->err, "attain ctl: no reply within %llu ms\n", (unsigned long long)timeout_ms);
      else
        fprintf(ctx->err, "attain ctl: out of memory\n");
      free(buf);
      close(fd);
      return CLI_EXIT_PROBLEMS;
    }
    if (len + 1 == cap) {
      char *b = cap < CTL_MAX_REPLY ? realloc(buf, cap * 2) : NULL;
      if (!b) break; /* what came is printed: it is not a whole reply, so not ok */
      buf = b;
      cap *= 2;
    }
    ssize_t r = read(fd, buf + len, cap - 1 - len);
    if (r <= 0) break;
    size_t was = len;
    len += (size_t)r;
    if (memchr(buf + was, '\n', (size_t)r)) break;
  }
  close(fd);
  buf[len] = 0;
  fputs(buf, ctx->out);
  json_t *reply = json_loads(buf, JSON_DISABLE_EOF_CHECK, NULL);
  free(buf);
  int ok = json_is_true(json_object_get(reply, "ok"));
  const char *health = json_string_value(json_object_get(reply, "health"));
  if (ok && strcmp(cmd, "status") == 0 && health && strcmp(health, "ok") != 0) {
    ok = 0;
    fprintf(ctx->err, "attain ctl: the daemon is %s", health);
    size_t i;
    json_t *p;
    json_array_foreach(json_object_get(reply, "problems"), i, p)
      fprintf(ctx->err, "%s %s", i ? ";" : ":", json_string_value(p));
    fprintf(ctx->err, "\n");
  }
  json_decref(reply);
  return ok ? CLI_EXIT_OK : CLI_EXIT_PROBLEMS;
}

const cli_command cmd_ctl = {
    .name = "ctl",
    .usage = "[--socket PATH] reload [--dry-run | --confirm VERSION]|status|sweep|eval ORG",
    .summary = "talk to a running daemon",
    .help = "Sends one request to `attain serve` over its control socket (--socket, default:\n"
            "the database path + \".sock\") and prints the JSON reply. reload: compile and\n"
            "validate the policy directory and swap it in if good (the reply says the result);\n"
            "reload --dry-run: the impact of the files on disk against the serving set (what\n"
            "would change, as `attain diff`), no swap; reload --confirm VERSION: swap in the\n"
            "set the reload guard holds (serve --reload-guard), only that version;\n"
            "status: health, policy version, last reload, counters; sweep: queue a full sweep;\n"
            "eval ORG: evaluate one organisation now and print its results. Exit code 0 when\n"
            "the reply says ok; for status, also only when the health is ok (a degraded daemon\n"
            "exits 1 and says why on stderr).",
    .min_pos = 1,
    .max_pos = 2,
    .options = {{"socket", "PATH", "control socket (default: DB.sock)"},
                {"timeout", "DURATION", "how long to wait for the reply (default 60s)"},
                {"dry-run", NULL, "reload: the impact only, no swap"},
                {"confirm", "VERSION", "reload: swap in the held set of this version"}},
    .run = run,
};
