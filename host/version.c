/* version.c — the program's and the linked libraries' versions (see version.h). */
#include "version.h"

#include <jansson.h>
#include <lua.h>
#include <microhttpd.h>
#include <uv.h>

#include "store.h" /* SQLite stays behind the store: only it includes sqlite3.h */

#ifndef ATTAIN_VERSION
#error "ATTAIN_VERSION is defined by CMakeLists.txt from project(VERSION)"
#endif

/* Lua has no run-time version string (lua_version gives 504), so this is the release of
 * the headers: Debian builds liblua5.4 and its headers from one source. */
static const char *lua_release(void) { return LUA_VERSION_MAJOR "." LUA_VERSION_MINOR "." LUA_VERSION_RELEASE; }

/* One row per library linked into the binary; a new dependency adds its row here. */
static const struct {
  const char *name;
  const char *(*version)(void);
} linked[] = {
    {"Lua", lua_release},
    {"SQLite", store_sqlite_version},
    {"libuv", uv_version_string},
    {"jansson", jansson_version_str},
    {"libmicrohttpd", MHD_get_version},
};

const char *version_attain(void) { return ATTAIN_VERSION; }

void version_print(FILE *to) {
  fprintf(to, "attain %s\n", ATTAIN_VERSION);
  for (size_t i = 0; i < sizeof linked / sizeof *linked; i++)
    fprintf(to, "%s %s\n", linked[i].name, linked[i].version());
}
