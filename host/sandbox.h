/* sandbox.h — one Lua state per policy, with a memory cap, an instruction budget and a
 * strict environment that holds only what a policy needs.
 *
 * A sandbox owns its lua_State. Code runs in it only through sandbox_load (compile a text
 * chunk into a fresh, strict environment) and sandbox_pcall (run under a fresh instruction
 * budget). `require` inside the state reaches only the embedded stdlib table passed to
 * sandbox_new. docs/sandbox.md lists what a policy can use and how each Lua trap is closed.
 *
 * Ownership: sandbox_new allocates the sandbox and its state; sandbox_free releases both.
 * The `modules` table must outlive the sandbox (the embedded stdlib_modules is static).
 * A sandbox is not thread-safe: use it from one thread at a time.
 *
 * Errors: every function returns SANDBOX_OK (0) or a negative SANDBOX_E* code and writes a
 * NUL-terminated message into the caller's buffer `err` (of `errsz` bytes, may be 0). */
#ifndef ATTAIN_SANDBOX_H
#define ATTAIN_SANDBOX_H

#include <stddef.h>

#include <lua.h>

#include "stdlib_embed.h"

#define SANDBOX_DEFAULT_MEMORY ((size_t)64 << 20)          /* 64 MiB per state */
#define SANDBOX_DEFAULT_INSTRUCTIONS 10000000LL            /* per sandbox_pcall */

typedef struct sandbox sandbox;

/* The lines of policy functions that ran (not of main chunks, which run when a file
 * loads): what `attain test --coverage` reports. Filled by every sandbox whose limits
 * point at it; one thread at a time. */
typedef struct sandbox_lines sandbox_lines;
sandbox_lines *sandbox_lines_new(void);
void sandbox_lines_free(sandbox_lines *l);
/* Did line `line` of the file `path` ("policies/x.lua", as loaded) run? */
int sandbox_lines_hit(const sandbox_lines *l, const char *path, int line);

typedef struct sandbox_limits {
  size_t memory;          /* bytes the whole state may hold; 0 = SANDBOX_DEFAULT_MEMORY */
  long long instructions; /* VM instructions (plus charged library work) per sandbox_pcall;
                             0 = SANDBOX_DEFAULT_INSTRUCTIONS */
  sandbox_lines *lines;   /* NULL, or where to record the lines policy functions run: the
                             count hook then also sees every line (slower; tests only) */
} sandbox_limits;

enum {
  SANDBOX_OK = 0,
  SANDBOX_ESYNTAX = -1,       /* the chunk does not compile (or is binary) */
  SANDBOX_ERUN = -2,          /* the code raised an error, or nested calls deeper than 10000 */
  SANDBOX_EINSTRUCTIONS = -3, /* the instruction budget ran out */
  SANDBOX_EMEMORY = -4        /* the memory budget ran out (or the host is out of memory) */
};

/* Creates a sandbox. `limits` may be NULL for the defaults. `modules` is the table `require`
 * serves (NULL-name-terminated, see stdlib_embed.h); NULL means no module can be required.
 * On failure *out is NULL and nothing is left allocated. */
int sandbox_new(sandbox **out, const sandbox_limits *limits, const stdlib_module *modules,
                char *err, size_t errsz);

/* The state, for pushing arguments and reading results around sandbox_pcall. Borrowed:
 * do not close it, and run code in it only through sandbox_pcall (that is where the
 * instruction budget is reset and errors are made safe to read). */
lua_State *sandbox_state(sandbox *sb);

/* Compiles `src` (text only, never a binary chunk) under `chunkname` ("@policies/x.lua", so
 * messages read "policies/x.lua:12: ...") and pushes the function, whose _ENV is a fresh,
 * strict environment of its own. On error pushes nothing; SANDBOX_ESYNTAX carries Lua's own
 * "file:line: message". */
int sandbox_load(sandbox *sb, const char *chunkname, const char *src, size_t len, char *err,
                 size_t errsz);

/* Like lua_pcall(L, nargs, nresults, msgh): pops the function and its nargs arguments and
 * pushes nresults results (LUA_MULTRET allowed). Runs under a fresh instruction budget. On
 * error pushes nothing (the stack is as lua_pcall leaves it, minus the error object), and
 * `err` holds "file:line: message" when a Lua position exists. After SANDBOX_EMEMORY a full
 * collection has run; after any error the state stays usable for the next call. */
int sandbox_pcall(sandbox *sb, int nargs, int nresults, char *err, size_t errsz);

/* Like sandbox_pcall, for a function of the stdlib that the host calls (a.level, a.evaluate,
 * a.explain, a.membership_end): it starts with the count hook off, because interpreting
 * every VM instruction through the hook costs about a tenth of a sweep. The stdlib's own work
 * is bounded by the plan built when the policy loaded (under the budget) and by the facts;
 * the policy functions it reaches (custom measures, details, renewal rules) it calls through
 * `require("attain.sandbox").call`, which runs them under this call's budget. Only for
 * functions that call no policy code any other way: the stdlib calls no metamethod of a
 * policy's value, and its modules are read-only to policies. Memory is capped as always. */
int sandbox_pcall_trusted(sandbox *sb, int nargs, int nresults, char *err, size_t errsz);

/* Bytes currently held by the state. */
size_t sandbox_memory_used(const sandbox *sb);

/* Instructions charged during the last (or current) sandbox_pcall, counted in steps of the
 * hook period (1000), so small calls may read 0; after sandbox_pcall_trusted, only those of
 * the policy functions it called. For counters, not for decisions. */
long long sandbox_instructions_used(const sandbox *sb);

/* Closes the state and frees the sandbox. NULL is a no-op. */
void sandbox_free(sandbox *sb);

/* What every policy environment holds, defined once (sandbox.c builds the environment
 * from it): each global by name, with `fields` the fields of a library table
 * (NULL-terminated) or NULL for a function. Ends with a NULL name. The static check
 * (policy_lint.h) and the luacheck standard (stdlib/luacheck/attain/luacheck.lua,
 * compared with this list by tests/test_policy_lint.c) read it. */
typedef struct sandbox_global {
  const char *name;
  const char *const *fields;
} sandbox_global;
const sandbox_global *sandbox_globals(void);

/* Why a well-known global ("os") or library field ("math.random") is left out, in a
 * phrase for messages; NULL for any other name. */
typedef struct sandbox_absent {
  const char *name, *why;
} sandbox_absent;
const char *sandbox_absent_reason(const char *name);

#endif
