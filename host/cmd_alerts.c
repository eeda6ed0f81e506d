/* cmd_alerts.c — `attain alerts`: the alerts raised (R12), newest first, a page at a time:
 * open ones or all, of one organisation or of every one, with their cause and, once
 * cleared, when and why. Reads the alert table through store_lists.h; evaluates nothing.
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

enum { OPT_OPEN, OPT_ORG, OPT_COMPETENCY, OPT_LIMIT, OPT_BEFORE, OPT_JSON };

typedef struct alerts_out {
  term t;
  term_line l;
  int n;
  int64_t last; /* the id of the last alert shown */
} alerts_out;

/* A time for people: the date alone at midnight (sweeps run at dates), else the time. */
static const char *day_or_time(int64_t t, char *buf) {
  if (t % 86400 == 0)
    isotime_format_date(t, buf);
  else
    isotime_format(t, buf);
  return buf;
}

static int on_alert(void *arg, const store_alert_list_row *r) {
  alerts_out *o = arg;
  char raised[ISOTIME_BUFSZ], cleared[ISOTIME_BUFSZ], rday[ISOTIME_BUFSZ], cday[ISOTIME_BUFSZ];
  isotime_format(r->raised, raised);
  if (r->cleared != STORE_NO_TIME) isotime_format(r->cleared, cleared);
  o->n++;
  o->last = r->id;
  const term *t = &o->t;
  term_line *l = &o->l;
  term_line_printf(l, "  #%lld  %s", (long long)r->id, r->org);
  if (r->org_name) term_line_printf(l, " (%s)", r->org_name);
  term_line_printf(l, "  %s  raised" TERM_GLUE "%s  ", r->competency, day_or_time(r->raised, rday));
  if (r->cleared == STORE_NO_TIME)
    term_line_printf(l, "%sopen%s", term_on(t, TERM_RED), term_off(t));
  else
    term_line_printf(l, "%scleared" TERM_GLUE "%s%s", term_on(t, TERM_DIM),
                     day_or_time(r->cleared, cday), term_off(t));
  term_line_flush(l, t, 6);
  term_line_printf(l, "      %s", r->message);
  term_line_flush(l, t, 6);
  if (r->cause) {
    term_line_printf(l, "      cause: %s", r->cause);
    term_line_flush(l, t, 13);
  }
  if (r->cleared_cause) {
    term_line_printf(l, "      cleared: %s", r->cleared_cause);
    term_line_flush(l, t, 15);
  }
  return 0;
}

static int run(attain_ctx *ctx, const cli_args *args) {
  int limit;
  int rc = cli_count_arg(&cmd_alerts, ctx, "--limit", args->value[OPT_LIMIT], 1, STORE_PAGE_MAX, 50,
                         &limit);
  if (rc) return rc;
  int before = 0;
  if (args->value[OPT_BEFORE] &&
      (rc = cli_count_arg(&cmd_alerts, ctx, "--before", args->value[OPT_BEFORE], 1, 2147483647, 0,
                          &before)))
    return rc;
  store_alert_filter f = {.competency = args->value[OPT_COMPETENCY],
                          .open_only = args->value[OPT_OPEN] != NULL};
  const char *org = args->value[OPT_ORG];
  if (org && (rc = cli_org_find(ctx, "alerts", org, &f.oid))) return rc;
  char err[1024];
  store *s;
  if (store_open(&s, ctx->db, 0, err, sizeof err)) {
    fprintf(ctx->err, "attain alerts: %s\n", err);
    return CLI_EXIT_PROBLEMS;
  }
  if (args->value[OPT_JSON]) {
    jsonw w;
    jsonw_init(&w);
    rc = lists_json_alerts(s, &f, limit, before, &w, err, sizeof err);
    if (rc)
      fprintf(ctx->err, "attain alerts: %s\n", err);
    else
      fprintf(ctx->out, "%s\n", w.buf);
    jsonw_free(&w);
    store_close(s);
    return rc ? CLI_EXIT_PROBLEMS : CLI_EXIT_OK;
  }
  alerts_out o = {0};
  term_init(&o.t, ctx->out);
  {
    term_line_printf(&o.l, "%s%s%s, newest first", term_on(&o.t, TERM_BOLD),
                     f.open_only ? "Open alerts" : "Alerts", term_off(&o.t));
    if (org) term_line_printf(&o.l, ", of %s", org);
    if (f.competency) term_line_printf(&o.l, ", in %s", f.competency);
    term_line_flush(&o.l, &o.t, 2);
  }
  store_page page = {.limit = limit, .after = {before, 0}};
  rc = store_alerts_page(s, &f, &page, on_alert, &o, err, sizeof err);
  if (rc) {
    fprintf(ctx->err, "attain alerts: %s\n", err);
  } else if (!o.n) {
    fprintf(ctx->out, "  (none)\n");
  } else if (page.more) {
    fprintf(ctx->out, "\n%d shown; more: --before %lld\n", o.n, (long long)o.last);
  }
  term_line_free(&o.l);
  store_close(s);
  return rc ? CLI_EXIT_PROBLEMS : CLI_EXIT_OK;
}

const cli_command cmd_alerts = {
    .name = "alerts",
    .usage = "[--open] [--org ORG] [--competency ID] [--limit N] [--before ID] [--json]",
    .summary = "list the alerts raised: open or all, of one organisation or every one",
    .help = "Lists the renewal alerts raised (R12), newest first, --limit at a time (default\n"
            "50; `--before ID` gives the page after alert #ID): the organisation, the\n"
            "competency, when it was raised, its message and cause, and, once cleared,\n"
            "when and why. --open keeps the alerts not cleared; --org one organisation's;\n"
            "--competency one competency's.",
    .min_pos = 0,
    .max_pos = 0,
    .options = {{"open", NULL, "only alerts not cleared"},
                {"org", "ORG", "of this organisation"},
                {"competency", "ID", "in this competency"},
                {"limit", "N", "at most N alerts (1-1000, default 50)"},
                {"before", "ID", "the page after alert #ID"},
                {"json", NULL, "print JSON"}},
    .run = run,
};
