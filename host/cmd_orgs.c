/* cmd_orgs.c — `attain orgs`: the organisations, a page at a time, searched by the words of
 * their id or name and filtered by competency, level and lifecycle state, with how many
 * are in each state; for each, where it stands in each competency as last evaluated.
 * Reads what `attain eval` and the daemon stored (store_lists.h); evaluates nothing.
 *
 * An edge: text fitted to the terminal (term.h), or one JSON object (lists_json.h,
 * docs/cli.md). */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "isotime.h"
#include "jsonw.h"
#include "lists_json.h"
#include "store.h"
#include "store_lists.h"
#include "term.h"

enum { OPT_SEARCH, OPT_COMPETENCY, OPT_LEVEL, OPT_STATE, OPT_LIMIT, OPT_AFTER, OPT_JSON };

typedef struct org_item {
  int64_t oid;
  char *key, *name;
} org_item;

typedef struct orgs_page {
  org_item *items;
  int n;
} orgs_page;

enum { KEEP_NOMEM = 1 }; /* what keep() returns when out of memory */

static int keep(void *arg, const store_org_row *r) {
  orgs_page *p = arg;
  org_item *it = &p->items[p->n];
  it->oid = r->oid;
  it->key = strdup(r->key);
  it->name = r->name ? strdup(r->name) : NULL;
  if (!it->key || (r->name && !it->name)) {
    free(it->key);
    free(it->name);
    return KEEP_NOMEM;
  }
  p->n++;
  return 0;
}

static int after_oid(void *arg, const store_org_row *r) {
  *(int64_t *)arg = r->oid;
  return 0;
}

/* Where one organisation stands, for text or JSON. */
typedef struct standing_out {
  const term *t;
  term_line *l;
  const char *only; /* --competency */
  int n;
} standing_out;

static int state_style(const char *state) {
  return strcmp(state, "at_risk") == 0     ? TERM_RED
         : strcmp(state, "active") == 0    ? TERM_GREEN
         : strcmp(state, "qualified") == 0 ? TERM_CYAN
                                           : TERM_DIM;
}

static int on_standing(void *arg, const store_standing_row *r) {
  standing_out *o = arg;
  if (o->only && strcmp(o->only, r->competency) != 0) return 0;
  {
    term_line_printf(o->l, "%s%s" TERM_GLUE "%s", o->n ? "; " : "", r->competency,
                     r->level   ? r->level
                     : r->error ? "error"
                                : "none");
    if (r->state)
      term_line_printf(o->l, TERM_GLUE "%s%s%s", term_on(o->t, state_style(r->state)),
                       strcmp(r->state, "at_risk") == 0 ? "at" TERM_GLUE "risk" : r->state,
                       term_off(o->t));
  }
  o->n++;
  return 0;
}

static void print_counts(const term *t, term_line *l, const char *competency,
                         const store_org_counts *c) {
  char a[TERM_NUMBER_BUFSZ], b[TERM_NUMBER_BUFSZ], d[TERM_NUMBER_BUFSZ], e[TERM_NUMBER_BUFSZ];
  term_line_printf(l, "%s%s%s organisations.", term_on(t, TERM_BOLD),
                   term_number((double)c->orgs, a), term_off(t));
  if (competency)
    term_line_printf(l, " In %s:", competency);
  else
    term_line_printf(l, " In all competencies (organisation x competency):");
  term_line_printf(l,
                   " %s qualified, %s active, %s%s" TERM_GLUE "at" TERM_GLUE "risk%s, %s expired",
                   term_number((double)c->qualified, a), term_number((double)c->active, b),
                   term_on(t, c->at_risk ? TERM_RED : TERM_DIM), term_number((double)c->at_risk, d),
                   term_off(t), term_number((double)c->expired, e));
  if (competency) {
    int64_t none = c->orgs - c->qualified - c->active - c->at_risk - c->expired;
    term_line_printf(l, ", %s none", term_number((double)(none > 0 ? none : 0), a));
  }
  term_line_printf(l, "; %s at silver, %s at gold.", term_number((double)c->silver, a),
                   term_number((double)c->gold, b));
  term_line_flush(l, t, 2);
}

static int run(attain_ctx *ctx, const cli_args *args) {
  const char *level = args->value[OPT_LEVEL], *state = args->value[OPT_STATE];
  if (level && strcmp(level, "silver") != 0 && strcmp(level, "gold") != 0)
    return cli_usage_error(&cmd_orgs, ctx->err, "--level must be silver or gold, got '%s'", level);
  if (state && strcmp(state, "qualified") != 0 && strcmp(state, "active") != 0 &&
      strcmp(state, "at_risk") != 0 && strcmp(state, "expired") != 0)
    return cli_usage_error(&cmd_orgs, ctx->err,
                           "--state must be qualified, active, at_risk or expired, got '%s'",
                           state);
  int limit;
  int rc = cli_count_arg(&cmd_orgs, ctx, "--limit", args->value[OPT_LIMIT], 1, STORE_PAGE_MAX, 50,
                         &limit);
  if (rc) return rc;
  int json = args->value[OPT_JSON] != NULL;
  store_org_filter f = {.search = args->value[OPT_SEARCH],
                        .competency = args->value[OPT_COMPETENCY],
                        .level = level,
                        .state = state};
  char err[1024];
  store *s;
  if (store_open(&s, ctx->db, 0, err, sizeof err)) {
    fprintf(ctx->err, "attain orgs: %s\n", err);
    return CLI_EXIT_PROBLEMS;
  }
  if (json) {
    jsonw w;
    jsonw_init(&w);
    rc = lists_json_orgs(s, &f, limit, args->value[OPT_AFTER], &w, err, sizeof err);
    if (rc)
      fprintf(ctx->err, "attain orgs: %s%s\n", rc == STORE_ENOTFOUND ? "--after: " : "", err);
    else
      fprintf(ctx->out, "%s\n", w.buf);
    jsonw_free(&w);
    store_close(s);
    return rc == STORE_ENOTFOUND ? CLI_EXIT_DATA : rc ? CLI_EXIT_PROBLEMS : CLI_EXIT_OK;
  }
  store_page page = {.limit = limit};
  if (args->value[OPT_AFTER]) {
    rc = store_org_get(s, args->value[OPT_AFTER], after_oid, &page.after.k1, err, sizeof err);
    if (rc) {
      fprintf(ctx->err, "attain orgs: --after: %s\n", err);
      store_close(s);
      return rc == STORE_ENOTFOUND ? CLI_EXIT_DATA : CLI_EXIT_PROBLEMS;
    }
  }
  store_org_counts counts;
  orgs_page p = {calloc((size_t)limit, sizeof *p.items), 0};
  rc = p.items ? store_org_counts_get(s, f.competency, &counts, err, sizeof err) : STORE_ERROR;
  if (!rc) rc = store_orgs_page(s, &f, &page, keep, &p, err, sizeof err);
  if (rc) {
    fprintf(ctx->err, "attain orgs: %s\n", !p.items || rc == KEEP_NOMEM ? "out of memory" : err);
    goto done;
  }
  term t;
  term_init(&t, ctx->out);
  term_line l = {0};
  print_counts(&t, &l, f.competency, &counts);
  int keyw = 2, namew = 4;
  for (int i = 0; i < p.n; i++) {
    int k = term_columns(p.items[i].key), n = p.items[i].name ? term_columns(p.items[i].name) : 0;
    if (k > keyw) keyw = k;
    if (n > namew) namew = n;
  }
  if (keyw > t.width / 4) keyw = t.width / 4;
  if (namew > t.width / 3) namew = t.width / 3;
  if (p.n)
    fprintf(t.out, "\n%s  %-*s  %-*s  %s%s\n", term_on(&t, TERM_DIM), keyw, "id", namew, "name",
            "competency level state", term_off(&t));
  for (int i = 0; i < p.n && !rc; i++) {
    const org_item *it = &p.items[i];
    standing_out o = {&t, &l, f.competency, 0};
    {
      int kp = keyw - term_columns(it->key), np = namew - (it->name ? term_columns(it->name) : 0);
      term_line_printf(&l, "  %s%*s  %s%*s  ", it->key, kp > 0 ? kp : 0, "",
                       it->name ? it->name : "", np > 0 ? np : 0, "");
    }
    rc = store_org_standing(s, it->oid, on_standing, &o, err, sizeof err);
    {
      if (!o.n) term_line_printf(&l, "%s-%s", term_on(&t, TERM_DIM), term_off(&t));
      term_line_flush(&l, &t, 2 + keyw + 2 + namew + 2);
    }
  }
  if (rc) {
    fprintf(ctx->err, "attain orgs: %s\n", err);
  } else if (page.more) {
    fprintf(t.out, "\n%d shown; more: --after %s\n", p.n, p.items[p.n - 1].key);
  } else {
    fprintf(t.out, "\n%d shown.\n", p.n);
  }
  term_line_free(&l);
done:
  for (int i = 0; i < p.n; i++) {
    free(p.items[i].key);
    free(p.items[i].name);
  }
  free(p.items);
  store_close(s);
  return rc ? CLI_EXIT_PROBLEMS : CLI_EXIT_OK;
}

const cli_command cmd_orgs = {
    .name = "orgs",
    .usage = "[--search TEXT] [--competency ID] [--level L] [--state S] [--limit N] "
             "[--after ORG] [--json]",
    .summary = "list organisations: search, filter by competency, level and state",
    .help = "Lists the organisations, in the order they were imported, --limit at a time\n"
            "(default 50; `--after ORG` gives the page after ORG), each with its level and\n"
            "lifecycle state in every competency where it has one, as last evaluated\n"
            "(`attain eval`, the daemon). First, how many organisations there are and how\n"
            "many are in each state and at each level (of --competency, or of every\n"
            "competency counting organisation x competency pairs).\n"
            "--search keeps the organisations where every word of TEXT begins a word of\n"
            "the id or name (case and accents ignored: \"north trad\" finds Northwind\n"
            "Traders). --competency alone keeps those with a state other than none in it;\n"
            "--level (silver, gold) and --state (qualified, active, at_risk, expired) hold\n"
            "for that competency, or for one and the same competency of any.",
    .min_pos = 0,
    .max_pos = 0,
    .options = {{"search", "TEXT", "words that begin a word of the id or name"},
                {"competency", "ID", "in this competency"},
                {"level", "L", "at level silver or gold"},
                {"state", "S", "in state qualified, active, at_risk or expired"},
                {"limit", "N", "at most N organisations (1-1000, default 50)"},
                {"after", "ORG", "the page after organisation ORG"},
                {"json", NULL, "print JSON"}},
    .run = run,
};
