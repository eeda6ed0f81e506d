/* version.c — the program's and the linked libraries' versions (see version.h). */
#include "version.h"

#include <jansson.h>
#include <lua.h>
#include <microhttpd.h>
#include <nettle/version.h>
#include <stdio.h>
#include <uv.h>

#include "store.h" /* SQLite stays behind the store: only it includes sqlite3.h */

#ifndef ATTAIN_VERSION
#error "ATTAIN_VERSION is defined by CMakeLists.txt from project(VERSION)"
#endif

/* Each row's version as the library reports it; `buf` is for those that give numbers. */
typedef const char *version_fn(char buf[32]);

/* Lua has no run-time version string (lua_version gives 504), so this is the release of
 * the headers: Debian builds liblua5.4 and its headers from one source. */
static const char *lua_release(char buf[32]) {
  (void)buf;
  return LUA_VERSION_MAJOR "." LUA_VERSION_MINOR "." LUA_VERSION_RELEASE;
}
static const char *sqlite_release(char buf[32]) { (void)buf; return store_sqlite_version(); }
static const char *uv_release(char buf[32]) { (void)buf; return uv_version_string(); }
static const char *jansson_release(char buf[32]) { (void)buf; return jansson_version_str(); }
static const char *mhd_release(char buf[32]) { (void)buf; return MHD_get_version(); }
/* Nettle reports its major and minor version at run time, not the patch level. */
static const char *nettle_release(char buf[32]) {
  snprintf(buf, 32, "%d.%d", nettle_version_major(), nettle_version_minor());
  return buf;
}

/* One row per library linked into the binary; a new dependency adds its row here. */
static const struct {
  const char *name;
  version_fn *version;
} linked[] = {
    {"Lua", lua_release},
    {"SQLite", sqlite_release},
    {"libuv", uv_release},
    {"jansson", jansson_release},
    {"libmicrohttpd", mhd_release},
    {"Nettle", nettle_release},
};

const char *version_attain(void) { return ATTAIN_VERSION; }

void version_print(FILE *to) {
  fprintf(to, "attain %s\n", ATTAIN_VERSION);
  char buf[32];
  for (size_t i = 0; i < sizeof linked / sizeof *linked; i++)
    fprintf(to, "%s %s\n", linked[i].name, linked[i].version(buf));
}
