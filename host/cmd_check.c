/* cmd_check.c — `attain check`: compile, check and validate the policy set, and with
 * --db compare the names its goals use with the facts of a database. */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "policy_schema.h"
#include "policy_set.h"
#include "store.h"
#include "store_read.h"
#include "suggest.h"

#define SHOWN_NAMES 12 /* names listed in a warning before "and N more" */

typedef struct names {
  char **v;
  int n, cap;
} names;

static int names_add(void *arg, const char *name) {
  names *s = arg;
  if (s->n == s->cap) {
    int cap = s->cap ? s->cap * 2 : 64;
    char **v = realloc(s->v, (size_t)cap * sizeof *v);
    if (!v) return 1;
    s->v = v;
    s->cap = cap;
  }
  if (!(s->v[s->n] = strdup(name))) return 1;
  s->n++;
  return 0;
}

static void names_free(names *s) {
  for (int i = 0; i < s->n; i++) free(s->v[i]);
  free(s->v);
}

static int names_has(const names *s, const char *name) {
  int lo = 0, hi = s->n - 1;
  while (lo <= hi) {
    int mid = (lo + hi) / 2, c = strcmp(s->v[mid], name);
    if (!c) return 1;
    if (c < 0) lo = mid + 1;
    else hi = mid - 1;
  }
  return 0;
}

typedef struct warn_ctx {
  attain_ctx *ctx;
  const char *path; /* the competency file */
  names vocab[2];   /* metrics, codes of the database */
  int warnings;
} warn_ctx;

/* A reference no fact of the database uses (no schema): a warning with the known names. */
static void warn_unused(void *arg, const policy_reference *r) {
  warn_ctx *w = arg;
  int codes = strcmp(r->what, "code") == 0;
  const names *v = &w->vocab[codes];
  if (names_has(v, r->name)) return;
  const char *near = suggest_closest(r->name, (const char *const *)v->v, (size_t)v->n);
  if (*r->where)
    fprintf(w->ctx->err, "%s", r->where);
  else
    fprintf(w->ctx->err, "%s: ", w->path);
  fprintf(w->ctx->err, "warning: %s: no fact in %s has %s '%s' (", r->goal, w->ctx->db, r->what,
          r->name);
  if (near) fprintf(w->ctx->err, "did you mean '%s'? ", near);
  fprintf(w->ctx->err, "known %ss:", codes ? "code" : "metric");
  for (int i = 0; i < v->n && i < SHOWN_NAMES; i++) fprintf(w->ctx->err, "%s %s", i ? "," : "", v->v[i]);
  if (v->n > SHOWN_NAMES) fprintf(w->ctx->err, " and %d more", v->n - SHOWN_NAMES);
  if (!v->n) fprintf(w->ctx->err, " none");
  fprintf(w->ctx->err, ")\n");
  w->warnings++;
}

/* Compares the set with the database: without a schema every metric and code a goal names
 * must appear in some fact; with one, every name in the facts must be declared. Returns
 * the number of warnings, or -1 when the database cannot be read. */
static int compare_with_db(attain_ctx *ctx, policy_set *set) {
  char err[1024];
  store *s;
  if (store_open(&s, ctx->db, 0, err, sizeof err) != STORE_OK) {
    fprintf(ctx->err, "attain check: %s\n", err);
    return -1;
  }
  warn_ctx w = {.ctx = ctx};
  int rc = 0;
  for (int k = 0; k < 2 && !rc; k++)
    if (store_vocabulary(s, k, names_add, &w.vocab[k], err, sizeof err)) rc = -1;
  store_close(s);
  if (rc) {
    fprintf(ctx->err, "attain check: %s\n", err);
  } else if (!set->schema) {
    for (int i = 0; i < set->nfiles && !rc; i++) {
      w.path = set->files[i].path;
      if (policy_set_references(set, i, warn_unused, &w, err, sizeof err)) {
        fprintf(ctx->err, "attain check: %s\n", err);
        rc = -1;
      }
    }
  } else {
    static const char *const what[] = {"metric", "code"};
    for (int k = 0; k < 2; k++)
      for (int i = 0; i < w.vocab[k].n; i++) {
        if (policy_schema_kind(set->schema, k, w.vocab[k].v[i])) continue;
        fprintf(ctx->err, "%s: warning: facts hold %s '%s', which %s does not declare\n", ctx->db,
                what[k], w.vocab[k].v[i], policy_schema_path(set->schema));
        w.warnings++;
      }
  }
  names_free(&w.vocab[0]);
  names_free(&w.vocab[1]);
  return rc ? -1 : w.warnings;
}

static int run(attain_ctx *ctx, const cli_args *args) {
  char err[1024];
  policy_set *set;
  if (policy_set_load(&set, ctx->policies, NULL, err, sizeof err)) {
    fprintf(ctx->err, "%s\n", err);
    return CLI_EXIT_PROBLEMS;
  }
  int nissues = policy_set_issue_count(set);
  for (int k = 0; k < nissues; k++) fprintf(ctx->err, "%s\n", policy_set_issue(set, k));
  int warnings = ctx->db_given ? compare_with_db(ctx, set) : 0;
  int bad = 0;
  for (int i = 0; i < set->nfiles; i++) bad += set->files[i].problem != NULL;
  if (!set->nproblems) {
    fprintf(ctx->out, "%s: %d polic%s", ctx->policies, set->nfiles, set->nfiles == 1 ? "y" : "ies");
    if (set->nlib) fprintf(ctx->out, ", %d lib/ module%s", set->nlib, set->nlib == 1 ? "" : "s");
    if (set->schema) {
      int nm, nc;
      policy_schema_names(set->schema, POLICY_SCHEMA_METRIC, &nm);
      policy_schema_names(set->schema, POLICY_SCHEMA_CODE, &nc);
      fprintf(ctx->out, ", a schema of %d metrics and %d codes", nm, nc);
    }
    fprintf(ctx->out, " ok, version %s", set->version);
    if (warnings > 0) fprintf(ctx->out, " (%d warning%s)", warnings, warnings == 1 ? "" : "s");
    fprintf(ctx->out, "\n");
  } else {
    fprintf(ctx->err, "%s: %d problem%s; %d of %d policies ok\n", ctx->policies, nissues,
            nissues == 1 ? "" : "s", set->nfiles - bad, set->nfiles);
  }
  int problems = set->nproblems;
  policy_set_unref(set);
  if (warnings < 0) return CLI_EXIT_PROBLEMS;
  return problems ? CLI_EXIT_PROBLEMS : CLI_EXIT_OK;
}

const cli_command cmd_check = {
    .name = "check",
    .usage = "[--db PATH]",
    .summary = "check the policy set: every problem with FILE:LINE, before any evaluation",
    .help =
        "Checks the policy directory (--policies) as loading it would, and reports every\n"
        "problem as FILE:LINE: failed to compile|validate: message (exit code 1 if any):\n"
        "  - what would fail when the code runs, found in the compiled code: an undefined\n"
        "    or assigned global, a function the sandbox does not provide (os, print,\n"
        "    string.dump, math.random), a misspelt stdlib name (did you mean a.assessed?),\n"
        "    a module that does not exist;\n"
        "  - validation: each file must return the competency named by its file name, made\n"
        "    by the stdlib (docs/policies.md); lib/ modules must compile; a .lua file in\n"
        "    any other subfolder is refused;\n"
        "  - with schema.json, every metric and achievement code a goal names must be\n"
        "    declared there, with the goal's kind (R3; docs/policy-repo.md).\n"
        "With --db PATH, also compares the set with that database's facts and warns (exit\n"
        "code 0): without a schema, about each metric or code a goal names that no fact\n"
        "uses, listing the known ones; with one, about names in the facts it does not\n"
        "declare. Rule numbers refer to docs/domain.md.",
    .min_pos = 0,
    .max_pos = 0,
    .run = run,
};
