/* cmd_membership.c — `attain membership buy ORG COMPETENCY LEVEL`: buying or upgrading a
 * membership, accepted only if the organisation qualifies for that level now through at
 * least one path (R9, R14). The membership runs until the policy's renewal rule says (the
 * end of the calendar year by default, R10). */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "eval.h"
#include "eval_store.h"
#include "isotime.h"
#include "lifecycle.h"
#include "policy_set.h"
#include "store.h"
#include "store_read.h"
#include "store_write.h"

enum { OPT_AT, OPT_BY };

typedef struct buy {
  attain_ctx *ctx;
  const char *org, *competency, *by;
  int policy, level;
  int64_t at;
  policy_set *set;
  store *s;
  /* what the evaluation before the purchase found for the competency */
  int found, failed, reached, state, mlevel;
  int64_t end;
  char error[512];
  char why[4096];
} buy;

static int write_membership(store *s, void *arg, char *err, size_t errsz) {
  buy *b = arg;
  store_write_begin(s);
  store_membership_rec m = {b->org, b->competency, result_level_word(b->level), b->by, b->at};
  int rc = store_membership_put(s, &m, err, errsz);
  int64_t changed;
  return rc ? rc : store_write_finish(s, &changed, err, errsz);
}

/* Before: the competency's level, membership state and shortfall. */
static int on_before(void *arg, const eval_chunk *c, char *err, size_t errsz) {
  buy *b = arg;
  for (int r = 0; r < c->nrows; r++) {
    const eval_row *row = &c->rows[r];
    if (row->policy != b->policy) continue;
    b->found = 1;
    b->failed = row->failed;
    snprintf(b->error, sizeof b->error, "%s", row->error ? row->error : "");
    b->reached = row->level;
    b->state = row->state;
    b->mlevel = row->mlevel;
    b->end = row->end;
    if (row->tree) lifecycle_shortfall(row->tree, b->level, b->why, sizeof b->why);
  }
  return 0;
}

/* After: the transition (to active) is recorded at once rather than at the next sweep. */
static int on_after(void *arg, const eval_chunk *c, char *err, size_t errsz) {
  buy *b = arg;
  if (eval_store_chunk(b->s, b->set, b->at, c, NULL, err, errsz)) return -1;
  for (int r = 0; r < c->nrows; r++) {
    const eval_row *row = &c->rows[r];
    if (row->policy != b->policy || row->failed) continue;
    char bought[ISOTIME_BUFSZ], until[ISOTIME_BUFSZ];
    isotime_format_date(row->bought, bought);
    isotime_format_date(row->end - 1, until);
    fprintf(b->ctx->out, "%s bought %s in %s on %s; the membership is %s until %s\n", b->org,
            result_level_word(row->mlevel), b->competency, bought,
            lifecycle_state_name(row->state), until);
  }
  return 0;
}

static int run(attain_ctx *ctx, const cli_args *args) {
  char err[1024];
  if (strcmp(args->pos[0], "buy") != 0)
    return cli_usage_error(&cmd_membership, ctx->err, "unknown action '%s' (expected buy)",
                           args->pos[0]);
  if (args->npos != 4)
    return cli_usage_error(&cmd_membership, ctx->err, "buy needs ORG COMPETENCY LEVEL");
  buy b = {.ctx = ctx, .org = args->pos[1], .competency = args->pos[2]};
  b.level = result_level_parse(args->pos[3]);
  if (!b.level)
    return cli_usage_error(&cmd_membership, ctx->err, "LEVEL must be silver or gold, got '%s'",
                           args->pos[3]);
  int rc = cli_time_arg(&cmd_membership, ctx, args->value[OPT_AT], &b.at);
  if (rc) return rc;
  b.by = args->value[OPT_BY] ? args->value[OPT_BY] : getenv("USER") ? getenv("USER") : "unknown";

  rc = CLI_EXIT_PROBLEMS;
  int64_t oid;
  if (store_open(&b.s, ctx->db, 0, err, sizeof err)) goto fail;
  int r = store_org_lookup(b.s, b.org, &oid, err, sizeof err);
  if (r) {
    if (r == STORE_ENOTFOUND) rc = CLI_EXIT_DATA;
    goto fail;
  }
  if (policy_set_load(&b.set, ctx->policies, NULL, err, sizeof err)) goto fail;
  b.policy = policy_set_find(b.set, b.competency);
  if (b.policy < 0) {
    snprintf(err, sizeof err, "no competency '%s' in %s", b.competency, ctx->policies);
    rc = CLI_EXIT_DATA;
    goto fail;
  }
  eval_request req = {.inline_store = b.s, .set = b.set, .at = b.at, .lo = oid, .hi = oid,
                      .report = POLICY_REPORT_PATHS, .on_chunk = on_before, .arg = &b};
  eval_stats stats;
  if (eval_run(&req, &stats, err, sizeof err)) goto fail;
  if (!b.found || b.failed) {
    snprintf(err, sizeof err, "%s", b.error);
    goto fail;
  }
  /* A membership in force at the same or a higher level makes a purchase pointless. */
  if ((b.state == LC_ACTIVE || b.state == LC_AT_RISK) && b.mlevel >= b.level) {
    char until[ISOTIME_BUFSZ];
    isotime_format_date(b.end - 1, until);
    snprintf(err, sizeof err,
             "refused: %s already holds a %s membership in %s, in force until %s (renew once "
             "it ends; upgrade by buying gold)",
             b.org, result_level_word(b.mlevel), b.competency, until);
    goto fail;
  }
  if (b.reached < b.level) {
    char at[ISOTIME_BUFSZ];
    isotime_format(b.at, at);
    fprintf(ctx->err,
            "attain membership buy: refused: %s does not qualify for %s in %s as of %s "
            "(it reaches %s); no %s path is met:%s\n",
            b.org, result_level_word(b.level), b.competency, at,
            b.reached ? result_level_word(b.reached) : "no level", result_level_word(b.level),
            b.why);
    rc = CLI_EXIT_PROBLEMS;
    goto done;
  }
  if (store_tx(b.s, write_membership, &b, err, sizeof err)) goto fail;
  req.report = POLICY_REPORT_LEVEL;
  req.on_chunk = on_after;
  if (eval_run(&req, &stats, err, sizeof err)) goto fail;
  rc = CLI_EXIT_OK;
  goto done;
fail:
  fprintf(ctx->err, "attain membership buy: %s\n", err);
done:
  if (b.set) policy_set_unref(b.set);
  store_close(b.s);
  return rc;
}

const cli_command cmd_membership = {
    .name = "membership",
    .usage = "buy ORG COMPETENCY LEVEL [--at TIME] [--by WHO]",
    .summary = "buy or upgrade a membership (refused unless qualified)",
    .help = "Buys a silver or gold membership of COMPETENCY for ORG as of --at (default: now),\n"
            "recording who (--by, default $USER) and when. Accepted only if the organisation\n"
            "meets the level now through at least one path (R9, R14); otherwise refused with\n"
            "each goal short and by how much, exit code 1. Upgrading silver to gold is the same\n"
            "rule. The membership runs until the competency's renewal rule says (the end of\n"
            "the calendar year of purchase by default, R10). Buying the level already in force\n"
            "is refused; renew once it has ended.",
    .min_pos = 1,
    .max_pos = 4,
    .options = {{"at", "TIME", "time of purchase, ISO 8601 (default: now)"},
                {"by", "WHO", "who buys (default: $USER)"}},
    .run = run,
};
