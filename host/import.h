/* import.h — `attain import`: JSON Lines facts into the store (DESIGN.md, "Import format").
 *
 * A file is streamed line by line inside one transaction; every read is bounded by the
 * 1 MiB line limit (import_read.h), so memory stays flat however large the file or any
 * line of it. A bad line or a failed read rolls the whole file back and reports
 * "FILE:LINE: reason"; files imported before it stay. Depends on store_write.h and jansson. */
#ifndef ATTAIN_IMPORT_H
#define ATTAIN_IMPORT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "store.h"

enum {
  IMPORT_OK = 0,
  IMPORT_EDATA = -1,  /* the file's content is bad: nothing of it was stored */
  IMPORT_EINPUT = -2, /* the file cannot be opened */
  IMPORT_ESTORE = -3, /* the database failed */
  IMPORT_EIO = -4,    /* reading failed part way (an I/O error, out of memory): nothing stored */
};

typedef struct import_stats {
  int64_t records;      /* records read */
  int64_t orgs_changed; /* organisations whose facts changed */
} import_stats;

/* Imports one file ("-" is standard input). err receives "FILE:LINE: reason" for bad
 * data, "FILE: reason" for unreadable input. */
int import_file(store *s, const char *path, import_stats *stats, char *err, size_t errsz);

/* Imports an already open stream, named `name` in messages. */
int import_stream(store *s, FILE *in, const char *name, import_stats *stats, char *err,
                  size_t errsz);

/* Like import_file and import_stream, and each metric name and achievement code (of
 * achievements and overrides) must be declared in `schema` (policy_schema.h; NULL: no
 * check), an achievement's with its kind: an undeclared one is bad data. */
struct policy_schema;
int import_file_checked(store *s, const char *path, const struct policy_schema *schema,
                        import_stats *stats, char *err, size_t errsz);
int import_stream_checked(store *s, FILE *in, const char *name,
                          const struct policy_schema *schema, import_stats *stats, char *err,
                          size_t errsz);

#endif
