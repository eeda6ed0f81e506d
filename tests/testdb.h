/* testdb.h — helpers the C tests share for temporary databases and content dumps. */
#ifndef ATTAIN_TESTDB_H
#define ATTAIN_TESTDB_H

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* A fresh path under /tmp for this test process ("/tmp/attain-test-PID-N.db"). */
static inline const char *testdb_path(void) {
  static char buf[8][128];
  static int n;
  char *p = buf[n++ % 8];
  snprintf(p, 128, "/tmp/attain-test-%d-%d.db", (int)getpid(), n);
  unlink(p);
  char side[160];
  snprintf(side, sizeof side, "%s-wal", p);
  unlink(side);
  snprintf(side, sizeof side, "%s-shm", p);
  unlink(side);
  return p;
}

static inline void testdb_remove(const char *p) {
  char side[160];
  unlink(p);
  snprintf(side, sizeof side, "%s-wal", p);
  unlink(side);
  snprintf(side, sizeof side, "%s-shm", p);
  unlink(side);
}

/* Every row of every table, in a canonical order, as one malloc'd string: two
 * databases with the same content give the same dump. */
static inline char *testdb_dump(const char *path) {
  sqlite3 *db;
  if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) return NULL;
  size_t cap = 1 << 16, len = 0;
  char *out = malloc(cap);
  out[0] = 0;
  sqlite3_stmt *tables;
  sqlite3_prepare_v2(db,
                     "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE "
                     "'sqlite_%' ORDER BY name",
                     -1, &tables, NULL);
  while (sqlite3_step(tables) == SQLITE_ROW) {
    char sql[256];
    const char *name = (const char *)sqlite3_column_text(tables, 0);
    snprintf(sql, sizeof sql, "SELECT * FROM \"%s\"", name);
    sqlite3_stmt *rows;
    sqlite3_prepare_v2(db, sql, -1, &rows, NULL);
    int ncol = sqlite3_column_count(rows);
    /* canonical order: by every column */
    sqlite3_finalize(rows);
    size_t k = (size_t)snprintf(sql, sizeof sql, "SELECT * FROM \"%s\" ORDER BY ", name);
    for (int c = 1; c <= ncol; c++)
      k += (size_t)snprintf(sql + k, sizeof sql - k, "%d%s", c, c < ncol ? "," : "");
    sqlite3_prepare_v2(db, sql, -1, &rows, NULL);
    while (sqlite3_step(rows) == SQLITE_ROW) {
      for (int c = 0; c < ncol; c++) {
        const char *v = (const char *)sqlite3_column_text(rows, c);
        size_t need = len + strlen(name) + (v ? strlen(v) : 4) + 8;
        if (need > cap) {
          while (need > cap) cap *= 2;
          out = realloc(out, cap);
        }
        len += (size_t)sprintf(out + len, "%s%s|", c ? "" : name, v ? v : "NULL");
      }
      out[len++] = '\n';
      out[len] = 0;
    }
    sqlite3_finalize(rows);
  }
  sqlite3_finalize(tables);
  sqlite3_close(db);
  return out;
}

/* Writes `text` to a new file and returns its path. */
/* The files testdb_file wrote, removed when the test exits. */
static char testdb_files[128][160];
static int testdb_nfiles;

static inline void testdb_files_remove(void) {
  for (int i = 0; i < testdb_nfiles; i++) unlink(testdb_files[i]);
}

/* `text` written to "/tmp/attain-test-PID-NAME" (removed at exit); returns the path. */
static inline const char *testdb_file(const char *name, const char *text) {
  char p[160];
  snprintf(p, sizeof p, "/tmp/attain-test-%d-%s", (int)getpid(), name);
  int i = 0;
  while (i < testdb_nfiles && strcmp(testdb_files[i], p) != 0) i++;
  if (i == 128) {
    fprintf(stderr, "testdb_file: more than 128 files\n");
    abort();
  }
  if (i == testdb_nfiles) {
    if (!testdb_nfiles) atexit(testdb_files_remove);
    snprintf(testdb_files[testdb_nfiles++], sizeof testdb_files[0], "%s", p);
  }
  FILE *f = fopen(p, "wb");
  fputs(text, f);
  fclose(f);
  return testdb_files[i];
}

#endif
