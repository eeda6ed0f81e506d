/* cli_org.h — an organisation named on the command line, resolved to its internal id. */
#ifndef ATTAIN_CLI_ORG_H
#define ATTAIN_CLI_ORG_H

#include <stddef.h>
#include <stdint.h>

#include "cli.h"

/* Opens the database, looks `key` up and closes it again. Returns 0 with *oid, or the
 * exit code after reporting "attain COMMAND: reason": 65 for an unknown organisation,
 * 1 if the database cannot be read. */
int cli_org_find(attain_ctx *ctx, const char *command, const char *key, int64_t *oid);

/* The same, also giving the organisation's name ("" when none was imported). */
int cli_org_find_named(attain_ctx *ctx, const char *command, const char *key, int64_t *oid,
                       char *name, size_t namesz);

#endif
