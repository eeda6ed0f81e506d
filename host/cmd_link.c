/* cmd_link.c — `attain link ORG`: a signed link to one organisation's pages on the
 * dashboard (link.h, docs/dashboard.md), for its staff: it opens that organisation's
 * Competencies page and business profile until it expires, and nothing else. Signed with
 * the secret the daemon reads (`serve --http-link-secret-file`); checks that the
 * organisation exists. Reads the clock for the expiry: a link is not an evaluation. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "cli_org.h"
#include "commands.h"
#include "link.h"

enum { OPT_DAYS, OPT_URL, OPT_SECRET };

#define LINK_DAYS_MAX 3650

static int run(attain_ctx *ctx, const cli_args *args) {
  const char *key = args->pos[0];
  int days;
  int rc = cli_count_arg(&cmd_link, ctx, "--days", args->value[OPT_DAYS], 1, LINK_DAYS_MAX, 30,
                         &days);
  if (rc) return rc;
  const char *secret_file = args->value[OPT_SECRET];
  if (!secret_file)
    return cli_usage_error(&cmd_link, ctx->err,
                           "--secret-file FILE is needed: the file the daemon reads with "
                           "serve --http-link-secret-file");
  const char *base = args->value[OPT_URL] ? args->value[OPT_URL] : "";
  size_t blen = strlen(base);
  while (blen && base[blen - 1] == '/') blen--; /* "https://x/" and "https://x" alike */
  int64_t oid;
  if ((rc = cli_org_find(ctx, "link", key, &oid))) return rc;
  char err[1024];
  link_secret secret;
  if (link_secret_read(&secret, secret_file, "--secret-file", err, sizeof err)) {
    fprintf(ctx->err, "attain link: %s\n", err);
    return CLI_EXIT_PROBLEMS;
  }
  int64_t expires = (int64_t)time(NULL) + (int64_t)days * 86400;
  char sig[LINK_SIG_HEX + 1], path[3 * 1024 + 1];
  link_sign(&secret, key, expires, sig);
  memset(&secret, 0, sizeof secret);
  if (link_path_escape(key, path, sizeof path) < 0) {
    fprintf(ctx->err, "attain link: the organisation id is too long for a link\n");
    return CLI_EXIT_PROBLEMS;
  }
  fprintf(ctx->out, "%.*s/orgs/%s?exp=%lld&sig=%s\n", (int)blen, base, path, (long long)expires,
          sig);
  return CLI_EXIT_OK;
}

const cli_command cmd_link = {
    .name = "link",
    .usage = "ORG --secret-file FILE [--days N] [--url BASE]",
    .summary = "print a signed link to one organisation's dashboard pages",
    .help = "Prints a link to organisation ORG's pages on the dashboard of `attain serve\n"
            "--http` (its Competencies page and business profile), signed with the secret in\n"
            "--secret-file (the daemon's --http-link-secret-file; at least 32 bytes, mode\n"
            "0600: `openssl rand -hex 32 > FILE`). Whoever holds the link sees that\n"
            "organisation's pages for --days days (default 30), and nothing else: not another\n"
            "organisation, the list, the operator's page or the JSON API. --url puts the\n"
            "daemon's address in front (https://partners.example.com); without it the link\n"
            "is a path (/orgs/ORG?exp=...&sig=...). Changing the secret revokes every link.",
    .min_pos = 1,
    .max_pos = 1,
    .options = {{"days", "N", "valid for N days (1-3650, default 30)"},
                {"url", "BASE", "the dashboard's address, put in front of the path"},
                {"secret-file", "FILE", "the secret (serve --http-link-secret-file)"}},
    .run = run,
};
