/* policy_lint.h — the static check of a policy file or lib/ module: what would fail when
 * its code runs, found in its compiled code before anything runs (`attain check`,
 * docs/policies.md "What check finds").
 *
 * The chunk is compiled (never run) in a bare Lua state and its bytecode read (lua_dump,
 * Lua 5.4's format, with debug information for lines and names). Reported, each with its
 * line:
 *   - reading a global the sandbox does not provide (sandbox_globals(): `os`, `print`, a
 *     misspelt `tostrnig`), with why a well-known one is absent or the closest name;
 *   - assigning a global;
 *   - a field of a library table the sandbox leaves out or that does not exist
 *     (`string.dump`, `math.random`, `string.formt`);
 *   - a field that a module does not have, read through a local holding the module
 *     (`local a = require "attain"` ... `a.assesed` -> "did you mean a.assessed?"), also
 *     inside functions that reach it as an upvalue, and assignments to module fields;
 *   - `require` of a module that does not exist.
 * Anything the bytecode does not show for certain (a local assigned twice, a module held
 * in a table) is not checked: the check never reports what would not fail.
 *
 * Depends on Lua 5.4 (lua.h, lauxlib.h), sandbox.h (the globals), suggest.h. */
#ifndef ATTAIN_POLICY_LINT_H
#define ATTAIN_POLICY_LINT_H

#include <stddef.h>

#define POLICY_LINT_MAX 50 /* problems reported per file */

/* The string keys of one module table, sorted, and which of them hold tables. */
typedef struct policy_lint_keys {
  int n;
  const char *const *names;
  const unsigned char *is_table;
} policy_lint_keys;

typedef struct policy_lint_env {
  /* Every module `require` can load ("attain", "attain.goals", "lib.codes"), NULL-ended. */
  const char *const *modules;
  /* The keys of the table reached from `module` through `fields` ("" for the module
   * itself, "time" for attain.time, "a.b" deeper), or NULL when unknown (not a plain
   * table, or the module fails to load): nothing is checked there. Owned by the callee;
   * valid until policy_lint returns. */
  const policy_lint_keys *(*keys)(void *arg, const char *module, const char *fields);
  void *arg;
} policy_lint_env;

/* Checks the chunk `src` of the file shown as `path` ("policies/x.lua"). Sets *problems
 * to a malloc'd array of *n malloc'd strings "path:line: message", in line order (NULL
 * and 0 when it finds none). A chunk that does not compile is not reported here (loading
 * reports it). Returns 0, or -1 with err when memory runs out. */
int policy_lint(const char *path, const char *src, size_t len, const policy_lint_env *env,
                char ***problems, int *n, char *err, size_t errsz);

void policy_lint_free(char **problems, int n);

/* The lines holding code of the chunk's functions, not of its main chunk: what runs
 * after the file loaded (custom measures, details, renewal rules and what they call),
 * sorted, in a malloc'd array (NULL and 0 when there is none or the chunk does not
 * compile). The `return` Lua adds at a function's `end` is left out (dead after an
 * explicit return) unless other code shares its line. For `attain test --coverage`.
 * Returns 0, or -1 with err when memory runs out. */
int policy_lint_lines(const char *path, const char *src, size_t len, int **lines, int *n,
                      char *err, size_t errsz);

#endif
