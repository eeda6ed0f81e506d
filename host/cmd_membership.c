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
#include "facts.h"
#include "isotime.h"
#include "lifecycle.h"
#include "policy.h"
#include "store.h"
#include "store_read.h"
#include "store_write.h"

enum { OPT_AT, OPT_BY };


typedef struct buy {
  attain_ctx *ctx;
  const char *org, *competency, *by;
  int level;
  int64_t at;
  policy_set *set;
} buy;

static int write_membership(store *s, void *arg, char *err, size_t errsz) {
  buy *b = arg;
  store_write_begin(s);
  store_membership_rec m = {b->org, b->competency, policy_level_word(b->level), b->by, b->at};
  int rc = store_membership_put(s, &m, err, errsz);
  int64_t changed;
  return rc ? rc : store_write_finish(s, &changed, err, errsz);
}

typedef struct after {
  buy *b;
  store *s;
} after;

static int on_chunk(void *arg, const eval_chunk *c, char *err, size_t errsz) {
  after *a = arg;
  if (eval_store_chunk(a->s, a->b->set, a->b->at, c, NULL, err, errsz)) return -1;
  for (int r = 0; r < c->nrows; r++) {
    const eval_row *row = &c->rows[r];
    if (strcmp(a->b->set->files[row->policy].stem, a->b->competency) != 0 || row->error) continue;
    char bought[ISOTIME_BUFSZ], until[ISOTIME_BUFSZ];
    isotime_format_date(row->bought, bought);
    isotime_format_date(row->end - 1, until);
    fprintf(a->b->ctx->out, "%s bought %s in %s on %s; the membership is %s until %s\n",
            a->b->org, policy_level_word(row->mlevel), a->b->competency, bought,
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
  b.level = policy_level_parse(args->pos[3]);
  if (!b.level)
    return cli_usage_error(&cmd_membership, ctx->err, "LEVEL must be silver or gold, got '%s'",
                           args->pos[3]);
  int rc = cli_time_arg(&cmd_membership, ctx, args->value[OPT_AT], &b.at);
  if (rc) return rc;
  b.by = args->value[OPT_BY] ? args->value[OPT_BY] : getenv("USER") ? getenv("USER") : "unknown";

  store *s = NULL;
  policy_runtime *rt = NULL;
  facts_batch *batch = facts_batch_new();
  rc = CLI_EXIT_PROBLEMS;
  int64_t oid;
  if (store_open(&s, ctx->db, 0, err, sizeof err)) goto fail;
  int r = store_org_lookup(s, b.org, &oid, err, sizeof err);
  if (r) {
    if (r == STORE_ENOTFOUND) rc = CLI_EXIT_DATA;
    goto fail;
  }
  if (policy_set_load(&b.set, ctx->policies, NULL, err, sizeof err)) goto fail;
  int p = 0;
  while (p < b.set->nfiles && strcmp(b.set->files[p].stem, b.competency) != 0) p++;
  if (p == b.set->nfiles) {
    snprintf(err, sizeof err, "no competency '%s' in %s", b.competency, ctx->policies);
    rc = CLI_EXIT_DATA;
    goto fail;
  }
  if (b.set->files[p].problem) {
    snprintf(err, sizeof err, "%s", b.set->files[p].problem);
    goto fail;
  }
  if (policy_runtime_new(&rt, b.set, err, sizeof err) ||
      facts_batch_load(batch, s, oid, oid, NULL, err, sizeof err))
    goto fail;
  const facts_org *o = facts_batch_org(batch, 0);

  /* A membership in force at the same or a higher level makes a purchase pointless. */
  lifecycle lc;
  lifecycle_assess(rt, p, o, b.at, 0, 0, &lc);
  if (lc.failed) {
    snprintf(err, sizeof err, "%s", lc.error);
    goto fail;
  }
  if ((lc.state == LC_ACTIVE || lc.state == LC_AT_RISK) && lc.mlevel >= b.level) {
    char until[ISOTIME_BUFSZ];
    isotime_format_date(lc.end - 1, until);
    snprintf(err, sizeof err,
             "refused: %s already holds a %s membership in %s, in force until %s (renew once "
             "it ends; upgrade by buying gold)",
             b.org, policy_level_word(lc.mlevel), b.competency, until);
    goto fail;
  }
  char why[4096];
  int reached = lifecycle_shortfall(rt, p, o, b.at, b.level, why, sizeof why);
  if (reached < 0) {
    snprintf(err, sizeof err, "%.1000s", why);
    goto fail;
  }
  if (reached < b.level) {
    char at[ISOTIME_BUFSZ];
    isotime_format(b.at, at);
    fprintf(ctx->err,
            "attain membership buy: refused: %s does not qualify for %s in %s as of %s "
            "(it reaches %s); no %s path is met:%s\n",
            b.org, policy_level_word(b.level), b.competency, at,
            reached ? policy_level_word(reached) : "no level", policy_level_word(b.level), why);
    rc = CLI_EXIT_PROBLEMS;
    goto done;
  }
  if (store_tx(s, write_membership, &b, err, sizeof err)) goto fail;
  /* Record the transition (to active) at once rather than at the next sweep. */
  after a = {&b, s};
  eval_request req = {.db = ctx->db, .set = b.set, .at = b.at, .lo = oid, .hi = oid,
                      .workers = 1, .report = POLICY_REPORT_LEVEL, .on_chunk = on_chunk,
                      .arg = &a};
  eval_stats stats;
  if (eval_run(&req, &stats, err, sizeof err)) goto fail;
  rc = CLI_EXIT_OK;
  goto done;
fail:
  fprintf(ctx->err, "attain membership buy: %s\n", err);
done:
  policy_runtime_free(rt);
  facts_batch_free(batch);
  if (b.set) policy_set_unref(b.set);
  store_close(s);
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
