/* cmd_history.c — `attain history ORG`: every lifecycle transition stored for an
 * organisation (qualified, active, at_risk, expired, none), oldest first, each with its
 * time and cause. Reads status_history through store_lists.h; evaluates nothing.
 *
 * An edge: text fitted to the terminal (term.h), or one JSON object (docs/cli.md). */
#include <string.h>

#include "cli.h"
#include "cli_org.h"
#include "commands.h"
#include "isotime.h"
#include "jsonw.h"
#include "lists_json.h"
#include "store.h"
#include "store_lists.h"
#include "term.h"

enum { OPT_COMPETENCY, OPT_JSON };

typedef struct history_out {
  term t;
  term_line l;
  int n;
} history_out;

static int state_style(const char *state) {
  return strcmp(state, "at_risk") == 0     ? TERM_RED
         : strcmp(state, "active") == 0    ? TERM_GREEN
         : strcmp(state, "qualified") == 0 ? TERM_CYAN
                                           : TERM_DIM;
}

static int on_row(void *arg, const store_history_row *r) {
  history_out *o = arg;
  char at[ISOTIME_BUFSZ];
  isotime_format(r->at, at);
  o->n++;
  term_line_printf(&o->l, "  %s  %s  %s%s%s", at, r->competency,
                   term_on(&o->t, state_style(r->state)), r->state, term_off(&o->t));
  term_line_flush(&o->l, &o->t, 4);
  if (r->cause && *r->cause) {
    term_line_printf(&o->l, "      %s", r->cause);
    term_line_flush(&o->l, &o->t, 6);
  }
  return 0;
}

static int run(attain_ctx *ctx, const cli_args *args) {
  const char *key = args->pos[0], *competency = args->value[OPT_COMPETENCY];
  char name[256];
  int64_t oid;
  int rc = cli_org_find_named(ctx, "history", key, &oid, name, sizeof name);
  if (rc) return rc;
  char err[1024];
  store *s;
  if (store_open(&s, ctx->db, 0, err, sizeof err)) {
    fprintf(ctx->err, "attain history: %s\n", err);
    return CLI_EXIT_PROBLEMS;
  }
  if (args->value[OPT_JSON]) {
    jsonw w;
    jsonw_init(&w);
    rc = lists_json_history(s, key, competency, &w, err, sizeof err);
    if (rc)
      fprintf(ctx->err, "attain history: %s\n", err);
    else
      fprintf(ctx->out, "%s\n", w.buf);
    jsonw_free(&w);
    store_close(s);
    return rc ? CLI_EXIT_PROBLEMS : CLI_EXIT_OK;
  }
  history_out o = {0};
  term_init(&o.t, ctx->out);
  {
    if (*name)
      term_line_printf(&o.l, "%s%s%s (%s): lifecycle history", term_on(&o.t, TERM_BOLD), name,
                       term_off(&o.t), key);
    else
      term_line_printf(&o.l, "%s%s%s: lifecycle history", term_on(&o.t, TERM_BOLD), key,
                       term_off(&o.t));
    if (competency) term_line_printf(&o.l, " in %s", competency);
    term_line_flush(&o.l, &o.t, 2);
  }
  /* An organisation's history is short: every page of it, in order. */
  store_page page = {.limit = STORE_PAGE_MAX};
  do {
    rc = store_history_page(s, oid, competency, &page, on_row, &o, err, sizeof err);
    page.after = page.next;
  } while (!rc && page.more);
  if (rc) {
    fprintf(ctx->err, "attain history: %s\n", err);
  } else if (!o.n) {
    fprintf(ctx->out, "  (no transition recorded)\n");
  }
  term_line_free(&o.l);
  store_close(s);
  return rc ? CLI_EXIT_PROBLEMS : CLI_EXIT_OK;
}

const cli_command cmd_history = {
    .name = "history",
    .usage = "ORG [--competency ID] [--json]",
    .summary = "show an organisation's lifecycle history",
    .help = "Shows every lifecycle transition stored for organisation ORG (in --competency,\n"
            "or in every competency), oldest first: its time, competency, the new state\n"
            "(qualified, active, at_risk, expired, none) and its cause, as evaluations\n"
            "recorded them (`attain eval`, the daemon, `attain membership buy`).",
    .min_pos = 1,
    .max_pos = 1,
    .options = {{"competency", "ID", "only this competency"}, {"json", NULL, "print JSON"}},
    .run = run,
};
