/* test_version.c — `attain --version`: the program's version, then each linked library's
 * as the library itself reports it (which, built and run here, is the headers' version). */
#include "check.h"
#include <jansson.h>
#include <lua.h>
#include <microhttpd.h>
#include <nettle/version.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <uv.h>

#include "version.h"

#define STR_(x) #x
#define STR(x) STR_(x)

static void prints_the_program_then_each_library(void) {
  char *buf = NULL;
  size_t len = 0;
  FILE *f = open_memstream(&buf, &len);
  version_print(f);
  fclose(f);
  char expected[512];
  /* MHD_VERSION is 0xMMmmpp00 in binary-coded decimal: 0x00097500 is 0.9.75 */
  snprintf(expected, sizeof expected,
           "attain %s\n%s\nSQLite %s\nlibuv %s\njansson %s\nlibmicrohttpd %x.%x.%x\nNettle %d.%d\n",
           version_attain(), LUA_RELEASE, SQLITE_VERSION,
           STR(UV_VERSION_MAJOR) "." STR(UV_VERSION_MINOR) "." STR(UV_VERSION_PATCH),
           JANSSON_VERSION, (unsigned)(MHD_VERSION >> 24) & 0xff,
           (unsigned)(MHD_VERSION >> 16) & 0xff, (unsigned)(MHD_VERSION >> 8) & 0xff,
           NETTLE_VERSION_MAJOR, NETTLE_VERSION_MINOR);
  CHECK_STR(buf, expected);
  free(buf);
  /* MAJOR.MINOR.PATCH, as CMake's project(VERSION) gives it */
  unsigned a, b, c;
  char rest;
  CHECK(sscanf(version_attain(), "%u.%u.%u%c", &a, &b, &c, &rest) == 3);
}

int main(void) {
  RUN(prints_the_program_then_each_library);
  return check_report();
}
