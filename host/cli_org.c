/* cli_org.c — resolving an organisation named on the command line (see cli_org.h). */
#include "cli_org.h"

#include "store.h"
#include "store_read.h"

int cli_org_find(attain_ctx *ctx, const char *command, const char *key, int64_t *oid) {
  char err[1024];
  store *s;
  if (store_open(&s, ctx->db, 0, err, sizeof err)) {
    fprintf(ctx->err, "attain %s: %s\n", command, err);
    return CLI_EXIT_PROBLEMS;
  }
  int rc = store_org_lookup(s, key, oid, err, sizeof err);
  store_close(s);
  if (!rc) return 0;
  fprintf(ctx->err, "attain %s: %s\n", command, err);
  return rc == STORE_ENOTFOUND ? CLI_EXIT_DATA : CLI_EXIT_PROBLEMS;
}
