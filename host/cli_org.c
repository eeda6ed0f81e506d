/* cli_org.c — resolving an organisation named on the command line (see cli_org.h). */
#include "cli_org.h"

#include "store.h"
#include "store_lists.h"

typedef struct found {
  int64_t oid;
  char *name;
  size_t namesz;
} found;

static int on_org(void *arg, const store_org_row *r) {
  found *f = arg;
  f->oid = r->oid;
  if (f->namesz) snprintf(f->name, f->namesz, "%s", r->name ? r->name : "");
  return 0;
}

int cli_org_find_named(attain_ctx *ctx, const char *command, const char *key, int64_t *oid,
                       char *name, size_t namesz) {
  char err[1024];
  store *s;
  if (store_open(&s, ctx->db, 0, err, sizeof err)) {
    fprintf(ctx->err, "attain %s: %s\n", command, err);
    return CLI_EXIT_PROBLEMS;
  }
  found f = {0, name, namesz};
  int rc = store_org_get(s, key, on_org, &f, err, sizeof err);
  store_close(s);
  if (!rc) {
    *oid = f.oid;
    return 0;
  }
  fprintf(ctx->err, "attain %s: %s\n", command, err);
  return rc == STORE_ENOTFOUND ? CLI_EXIT_DATA : CLI_EXIT_PROBLEMS;
}

int cli_org_find(attain_ctx *ctx, const char *command, const char *key, int64_t *oid) {
  return cli_org_find_named(ctx, command, key, oid, NULL, 0);
}
