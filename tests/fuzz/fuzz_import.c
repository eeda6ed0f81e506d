/* fuzz_import.c — libFuzzer target: one input is one JSON Lines file given to the
 * importer (import_stream), read path, record parser and store writes included.
 *
 * Checked beyond "no crash, no sanitizer report": the result is one of the documented
 * IMPORT_* codes, a failure names the file ("fuzz.jsonl:"), and a failed file leaves the
 * database exactly as it was (its row counts unchanged). The store is an in-memory
 * database, reopened every 500 inputs so that records kept by good inputs stay few. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "import.h"
#include "store.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static store *db;
static int uses;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  char err[1024];
  if (!db || ++uses % 500 == 0) {
    store_close(db);
    if (store_open(&db, ":memory:", 1, err, sizeof err) != STORE_OK) {
      fprintf(stderr, "fuzz_import: %s\n", err);
      abort();
    }
  }
  int64_t before[16] = {0}, after[16] = {0};
  if (store_table_counts(db, before, err, sizeof err) != STORE_OK) abort();
  /* fmemopen of a zero-length buffer fails on some libcs: give it one byte, read none. */
  FILE *in = size ? fmemopen((void *)data, size, "rb") : fmemopen((char[1]){0}, 1, "rb");
  if (!in) return 0;
  if (!size) fgetc(in);
  import_stats st;
  int rc = import_stream(db, in, "fuzz.jsonl", &st, err, sizeof err);
  fclose(in);
  if (rc != IMPORT_OK && rc != IMPORT_EDATA && rc != IMPORT_EIO && rc != IMPORT_ESTORE) abort();
  if (rc != IMPORT_OK) {
    if (strncmp(err, "fuzz.jsonl:", 11) != 0) abort();
    if (store_table_counts(db, after, err, sizeof err) != STORE_OK) abort();
    if (memcmp(before, after, sizeof before) != 0) abort(); /* all or nothing */
  }
  return 0;
}
