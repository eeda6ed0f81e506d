/* policy_set.c — loading, versioning and sharing policy sets (see policy_set.h).
 *
 * Loading walks the directory (competency files at the top, modules under lib/, nothing
 * elsewhere), reads every file and hashes names and sources into the version, reads
 * schema.json, then checks in three steps, each problem kept with its file and line:
 *   1. the static check of every competency file and lib/ module (policy_lint.h), with the
 *      set's modules for field names; a lib/ module must also compile;
 *   2. one runtime validates: each file that passed is compiled (text only) and run in its
 *      own sandbox, must return a competency made by the stdlib, and must define the
 *      competency id its file name announces; that runtime is kept in the set's pool for
 *      the first evaluation;
 *   3. with a schema, every metric and code a competency's goals name must be declared,
 *      with the goal's kind. */
#include "policy_set.h"

#include <dirent.h>
#include <errno.h>
#include <lauxlib.h>
#include <lua.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "policy_internal.h"
#include "policy_lint.h"
#include "policy_schema.h"

#define MAX_POLICY_BYTES (1 << 20)
#define MAX_DEPTH 8
#define LIB_DIR "lib"

char *policy_phase_message(const char *path, const char *phase, const char *msg) {
  size_t n = strlen(path);
  const char *rest = msg;
  char pos[64] = "";
  if (strncmp(msg, path, n) == 0 && msg[n] == ':') {
    const char *p = msg + n + 1;
    const char *q = p;
    while (*q >= '0' && *q <= '9') q++;
    if (q > p && *q == ':' && q - p < 20) {
      snprintf(pos, sizeof pos, ":%.*s", (int)(q - p), p);
      rest = q + 1;
      while (*rest == ' ') rest++;
    }
  }
  size_t len = n + strlen(pos) + strlen(phase) + strlen(rest) + 32;
  char *out = malloc(len);
  if (out) snprintf(out, len, "%s%s: failed to %s: %s", path, pos, phase, rest);
  return out;
}

static int by_name(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

static uint64_t fnv1a(uint64_t h, const void *p, size_t n) {
  const unsigned char *s = p;
  for (size_t i = 0; i < n; i++) {
    h ^= s[i];
    h *= 0x100000001b3ULL;
  }
  return h;
}

static char *read_file(const char *path, size_t *len, char *err, size_t errsz) {
  FILE *f = fopen(path, "rb");
  if (!f) {
    snprintf(err, errsz, "%s: cannot open: %s", path, strerror(errno));
    return NULL;
  }
  char *buf = malloc(MAX_POLICY_BYTES + 1);
  size_t n = buf ? fread(buf, 1, MAX_POLICY_BYTES + 1, f) : 0;
  int bad = !buf || ferror(f);
  fclose(f);
  if (bad) {
    snprintf(err, errsz, "%s: cannot read", path);
    free(buf);
    return NULL;
  }
  if (n > MAX_POLICY_BYTES) {
    snprintf(err, errsz, "%s: larger than %d bytes", path, MAX_POLICY_BYTES);
    free(buf);
    return NULL;
  }
  buf[n] = 0;
  *len = n;
  return buf;
}

/* ---- lists of strings ---------------------------------------------------------------- */

typedef struct strs {
  char **v;
  int n, cap;
  int oom;
} strs;

static void strs_add(strs *s, char *owned) {
  if (!owned) {
    s->oom = 1;
    return;
  }
  if (s->n == s->cap) {
    int cap = s->cap ? s->cap * 2 : 16;
    char **v = realloc(s->v, (size_t)cap * sizeof *v);
    if (!v) {
      free(owned);
      s->oom = 1;
      return;
    }
    s->v = v;
    s->cap = cap;
  }
  s->v[s->n++] = owned;
}

static void strs_free(strs *s) {
  for (int i = 0; i < s->n; i++) free(s->v[i]);
  free(s->v);
  memset(s, 0, sizeof *s);
}

static char *joinpath(const char *a, const char *b) {
  size_t n = strlen(a) + strlen(b) + 2;
  char *p = malloc(n);
  if (p) snprintf(p, n, "%s/%s", a, b);
  return p;
}

/* ---- walking the directory ------------------------------------------------------------- */

typedef struct walk {
  strs competencies; /* file names at the top */
  strs lib;          /* paths under lib/, relative to it ("codes.lua", "sub/x.lua") */
  strs misplaced;    /* paths of .lua files elsewhere, relative to the directory */
} walk;

static int is_lua(const char *name) {
  size_t len = strlen(name);
  return len >= 5 && strcmp(name + len - 4, ".lua") == 0;
}

/* Lists the .lua files under `path` (shown relative as `rel`), recursively. */
static void walk_dir(const char *path, const char *rel, int depth, strs *out) {
  DIR *d = opendir(path);
  if (!d) return;
  struct dirent *e;
  while ((e = readdir(d))) {
    if (e->d_name[0] == '.') continue;
    char *full = joinpath(path, e->d_name);
    char *r = *rel ? joinpath(rel, e->d_name) : strdup(e->d_name);
    struct stat st;
    if (full && r && stat(full, &st) == 0) {
      if (S_ISDIR(st.st_mode) && depth < MAX_DEPTH) {
        walk_dir(full, r, depth + 1, out);
      } else if (S_ISREG(st.st_mode) && is_lua(e->d_name)) {
        strs_add(out, r);
        r = NULL;
      }
    }
    free(full);
    free(r);
  }
  closedir(d);
}

static int walk_top(const char *dir, walk *w, char *err, size_t errsz) {
  DIR *d = opendir(dir);
  if (!d) {
    snprintf(err, errsz, "%s: cannot read the policy directory: %s", dir, strerror(errno));
    return -1;
  }
  struct dirent *e;
  while ((e = readdir(d))) {
    if (e->d_name[0] == '.') continue;
    char *full = joinpath(dir, e->d_name);
    struct stat st;
    if (full && stat(full, &st) == 0) {
      if (S_ISDIR(st.st_mode))
        walk_dir(full, strcmp(e->d_name, LIB_DIR) == 0 ? "" : e->d_name, 1,
                 strcmp(e->d_name, LIB_DIR) == 0 ? &w->lib : &w->misplaced);
      else if (S_ISREG(st.st_mode) && is_lua(e->d_name))
        strs_add(&w->competencies, strdup(e->d_name));
    }
    free(full);
  }
  closedir(d);
  strs *lists[] = {&w->competencies, &w->lib, &w->misplaced};
  for (int k = 0; k < 3; k++)
    if (lists[k]->n > 1) qsort(lists[k]->v, (size_t)lists[k]->n, sizeof(char *), by_name);
  if (w->competencies.oom || w->lib.oom || w->misplaced.oom) {
    snprintf(err, errsz, "out of memory");
    return -1;
  }
  return 0;
}

/* "lib/codes.lua" is module "lib.codes", "lib/x/init.lua" module "lib.x". */
static char *module_name(const char *rel) {
  size_t n = strlen(rel) - 4;
  char *m = malloc(n + 5);
  if (!m) return NULL;
  snprintf(m, n + 5, "lib.%.*s", (int)n, rel);
  for (char *c = m; *c; c++)
    if (*c == '/') *c = '.';
  size_t len = strlen(m);
  if (len > 9 && strcmp(m + len - 5, ".init") == 0) m[len - 5] = 0;
  return m;
}

/* ---- the set --------------------------------------------------------------------------- */

static void files_free(policy_file *files, int n) {
  for (int i = 0; i < n; i++) {
    free(files[i].path);
    free(files[i].stem);
    free(files[i].source);
    free(files[i].name);
    free(files[i].problem);
    for (int k = 0; k < files[i].nissues; k++) free(files[i].issues[k]);
    free(files[i].issues);
    for (int l = 0; l < 3; l++) {
      for (char **b = files[i].benefits[l]; b && *b; b++) free(*b);
      free(files[i].benefits[l]);
    }
  }
  free(files);
}

static size_t stdlib_count(void) {
  size_t n = 0;
  while (stdlib_modules[n].name) n++;
  return n;
}

static void modules_free(stdlib_module *m, int nlib) {
  if (!m) return;
  size_t base = stdlib_count();
  for (size_t i = base; i < base + (size_t)nlib; i++) {
    free((char *)m[i].name);
    free((char *)m[i].chunkname);
    free((char *)m[i].source);
  }
  free(m);
}

policy_set *policy_set_ref(policy_set *set) {
  __atomic_add_fetch(&set->refs, 1, __ATOMIC_RELAXED);
  return set;
}

void policy_set_unref(policy_set *set) {
  if (!set || __atomic_sub_fetch(&set->refs, 1, __ATOMIC_ACQ_REL) != 0) return;
  while (set->pool) {
    policy_runtime *rt = set->pool;
    set->pool = *policy_runtime_next(rt);
    policy_runtime_free(rt);
  }
  pthread_mutex_destroy(&set->pool_mu);
  files_free(set->files, set->nfiles);
  for (int i = 0; i < set->nset_issues; i++) free(set->set_issues[i]);
  free(set->set_issues);
  modules_free(set->modules, set->nlib);
  policy_schema_free(set->schema);
  free(set);
}

int policy_set_find(const policy_set *set, const char *id) {
  for (int i = 0; i < set->nfiles; i++)
    if (strcmp(set->files[i].stem, id) == 0) return i;
  return -1;
}

int policy_set_references(policy_set *set, int i,
                          void (*cb)(void *arg, const policy_reference *ref), void *arg,
                          char *err, size_t errsz) {
  if (set->files[i].problem) return 0;
  policy_runtime *rt;
  if (policy_runtime_take(&rt, set, err, errsz)) return -1;
  int rc = policy_runtime_references(rt, i, cb, arg);
  policy_runtime_give(rt);
  if (rc) snprintf(err, errsz, "out of memory");
  return rc;
}

int policy_set_issue_count(const policy_set *set) {
  int n = set->nset_issues;
  for (int i = 0; i < set->nfiles; i++) n += set->files[i].nissues;
  return n;
}

const char *policy_set_issue(const policy_set *set, int k) {
  if (k < set->nset_issues) return set->set_issues[k];
  k -= set->nset_issues;
  for (int i = 0; i < set->nfiles; i++) {
    if (k < set->files[i].nissues) return set->files[i].issues[k];
    k -= set->files[i].nissues;
  }
  return NULL;
}

/* Appends a problem to the file's issues (and, with `stops`, makes it the file's problem
 * when it has none yet: the file is not instantiated then). */
static int file_issue_add(policy_file *f, char *owned, int stops) {
  if (!owned) return -1;
  char **v = realloc(f->issues, (size_t)(f->nissues + 1) * sizeof *v);
  if (!v) {
    free(owned);
    return -1;
  }
  f->issues = v;
  f->issues[f->nissues++] = owned;
  if (stops && !f->problem && !(f->problem = strdup(owned))) return -1;
  return 0;
}

static int file_issue(policy_file *f, char *owned) { return file_issue_add(f, owned, 1); }

/* The line of "path:LINE: ..." (0 without one). */
static long issue_line(const policy_file *f, const char *msg) {
  size_t n = strlen(f->path);
  if (strncmp(msg, f->path, n) != 0 || msg[n] != ':') return 0;
  return strtol(msg + n + 1, NULL, 10);
}

/* Sorts the file's issues by line, keeping the order of those on one line. */
static void sort_issues(policy_file *f) {
  for (int i = 1; i < f->nissues; i++)
    for (int j = i; j > 0 && issue_line(f, f->issues[j - 1]) > issue_line(f, f->issues[j]); j--) {
      char *t = f->issues[j];
      f->issues[j] = f->issues[j - 1];
      f->issues[j - 1] = t;
    }
}

/* Is there an issue among the first n with the same "path:line:" as msg? */
static int same_line(const policy_file *f, int n, const char *msg) {
  const char *end = strstr(msg, ": failed to ");
  if (!end) return 0;
  for (int k = 0; k < n; k++)
    if (strncmp(f->issues[k], msg, (size_t)(end - msg)) == 0 && f->issues[k][end - msg] == ':')
      return 1;
  return 0;
}

static int set_issue(policy_set *set, char *owned) {
  if (!owned) return -1;
  char **v = realloc(set->set_issues, (size_t)(set->nset_issues + 1) * sizeof *v);
  if (!v) {
    free(owned);
    return -1;
  }
  set->set_issues = v;
  set->set_issues[set->nset_issues++] = owned;
  return 0;
}

/* ---- module keys for the static check ---------------------------------------------------- */

typedef struct keys_entry {
  char *module, *fields;
  int known;
  policy_lint_keys keys;
  char **names;
  unsigned char *tables;
  struct keys_entry *next;
} keys_entry;

typedef struct lint_ctx {
  policy_set *set;
  sandbox *sb; /* made on first use: the stdlib in a sandbox of its own */
  int sb_failed;
  keys_entry *cache;
  const char **module_names;
} lint_ctx;

/* Pushes the table behind a value of the sandbox (the value itself when it is a plain
 * table, the proxied table of a read-only module), or returns 0 for anything else — a
 * table whose reads a metatable may answer has no list of keys. */
static int real_table(lua_State *L, int idx) {
  idx = lua_absindex(L, idx);
  if (!lua_istable(L, idx)) return 0;
  if (!lua_getmetatable(L, idx)) {
    lua_pushvalue(L, idx);
    return 1;
  }
  if (lua_getfield(L, -1, "__index") != LUA_TTABLE) {
    lua_pop(L, 2);
    return 0;
  }
  lua_remove(L, -2);
  if (lua_getmetatable(L, -1)) {
    lua_pop(L, 2);
    return 0;
  }
  return 1;
}

typedef struct keys_walk {
  const char *fields;
  keys_entry *e;
} keys_walk;

/* Run under sandbox_pcall with the module on the stack: follows the fields, lists keys. */
static int keys_collect(lua_State *L) {
  keys_walk *w = lua_touserdata(L, 1);
  lua_settop(L, 2);
  const char *f = w->fields;
  while (*f) {
    const char *dot = strchr(f, '.');
    size_t n = dot ? (size_t)(dot - f) : strlen(f);
    if (!real_table(L, -1)) return 0;
    lua_pushlstring(L, f, n);
    lua_rawget(L, -2);
    lua_remove(L, -2);
    f += n + (dot != NULL);
  }
  if (!real_table(L, -1)) return 0;
  int t = lua_gettop(L), n = 0, cap = 0;
  keys_entry *e = w->e;
  lua_pushnil(L);
  while (lua_next(L, t)) {
    if (lua_type(L, -2) == LUA_TSTRING) {
      if (n == cap) {
        cap = cap ? cap * 2 : 16;
        char **nn = realloc(e->names, (size_t)cap * sizeof *nn);
        if (nn) e->names = nn;
        unsigned char *nt = realloc(e->tables, (size_t)cap);
        if (nt) e->tables = nt;
        if (!nn || !nt) return 0;
      }
      if (!(e->names[n] = strdup(lua_tostring(L, -2)))) return 0;
      e->tables[n] = lua_istable(L, -1);
      e->keys.n = ++n;
    }
    lua_pop(L, 1);
  }
  /* sorted by name, the table marks moving with their names */
  for (int i = 1; i < n; i++)
    for (int j = i; j > 0 && strcmp(e->names[j - 1], e->names[j]) > 0; j--) {
      char *x = e->names[j];
      e->names[j] = e->names[j - 1];
      e->names[j - 1] = x;
      unsigned char y = e->tables[j];
      e->tables[j] = e->tables[j - 1];
      e->tables[j - 1] = y;
    }
  e->keys.names = (const char *const *)e->names;
  e->keys.is_table = e->tables;
  e->known = 1;
  return 0;
}

static void keys_entry_free(keys_entry *e) {
  for (int i = 0; i < e->keys.n; i++) free(e->names[i]);
  free(e->names);
  free(e->tables);
  free(e->module);
  free(e->fields);
  free(e);
}

static const policy_lint_keys *lint_keys(void *arg, const char *module, const char *fields) {
  lint_ctx *c = arg;
  /* Only the stdlib's modules: reading a field a data table of a lib/ module lacks is no
   * error in Lua, so the check says nothing about them. */
  if (strncmp(module, "attain", 6) != 0 || (module[6] && module[6] != '.')) return NULL;
  for (keys_entry *e = c->cache; e; e = e->next)
    if (strcmp(e->module, module) == 0 && strcmp(e->fields, fields) == 0)
      return e->known ? &e->keys : NULL;
  keys_entry *e = calloc(1, sizeof *e);
  if (!e || !(e->module = strdup(module)) || !(e->fields = strdup(fields))) {
    if (e) keys_entry_free(e);
    return NULL;
  }
  e->next = c->cache;
  c->cache = e;
  char err[512];
  if (!c->sb && !c->sb_failed &&
      sandbox_new(&c->sb, &c->set->limits, stdlib_modules, err, sizeof err) != SANDBOX_OK)
    c->sb_failed = 1;
  if (!c->sb) return NULL;
  lua_State *L = sandbox_state(c->sb);
  int top = lua_gettop(L);
  static const char req[] = "return require(...)";
  keys_walk w = {fields, e};
  if (sandbox_load(c->sb, "=attain-check", req, sizeof req - 1, err, sizeof err) == SANDBOX_OK) {
    lua_pushstring(L, module);
    if (sandbox_pcall(c->sb, 1, 1, err, sizeof err) == SANDBOX_OK) {
      lua_pushcfunction(L, keys_collect);
      lua_insert(L, -2);
      lua_pushlightuserdata(L, &w);
      lua_insert(L, -2);
      sandbox_pcall(c->sb, 2, 0, err, sizeof err);
    }
  }
  lua_settop(L, top);
  return e->known ? &e->keys : NULL;
}

static void lint_ctx_free(lint_ctx *c) {
  while (c->cache) {
    keys_entry *e = c->cache;
    c->cache = e->next;
    keys_entry_free(e);
  }
  sandbox_free(c->sb);
  free(c->module_names);
}

/* ---- loading --------------------------------------------------------------------------- */

/* Builds set->modules: the stdlib's entries, then one per lib/ module. */
static int load_modules(policy_set *set, const char *dir, const walk *w, uint64_t *h) {
  size_t base = stdlib_count();
  set->modules = calloc(base + (size_t)w->lib.n + 1, sizeof *set->modules);
  if (!set->modules) return -1;
  memcpy(set->modules, stdlib_modules, base * sizeof *set->modules);
  for (int i = 0; i < w->lib.n; i++) {
    const char *rel = w->lib.v[i];
    char path[4200], why[600];
    snprintf(path, sizeof path, "%s/%s/%s", dir, LIB_DIR, rel);
    stdlib_module *m = &set->modules[base + (size_t)set->nlib];
    size_t len = 0;
    char *src = read_file(path, &len, why, sizeof why);
    if (!src) {
      if (set_issue(set, policy_phase_message(path, "load", why))) return -1;
      continue;
    }
    char *name = module_name(rel);
    size_t cl = strlen(path) + 2;
    char *chunk = malloc(cl);
    if (!name || !chunk) {
      free(src);
      free(name);
      free(chunk);
      return -1;
    }
    snprintf(chunk, cl, "@%s", path);
    m->name = name;
    m->chunkname = chunk;
    m->source = src;
    m->len = len;
    set->nlib++;
    *h = fnv1a(*h, LIB_DIR "/", 4);
    *h = fnv1a(*h, rel, strlen(rel) + 1);
    *h = fnv1a(*h, src, len);
    *h = fnv1a(*h, "\0", 1);
  }
  return 0;
}

/* A lib/ module that does not compile is a problem even when no policy requires it. */
static int compile_modules(policy_set *set) {
  size_t base = stdlib_count();
  lua_State *L = luaL_newstate();
  if (!L) return -1;
  for (int i = 0; i < set->nlib; i++) {
    const stdlib_module *m = &set->modules[base + (size_t)i];
    if (luaL_loadbufferx(L, m->source, m->len, m->chunkname, "t") != LUA_OK) {
      const char *msg = lua_tostring(L, -1);
      if (set_issue(set, policy_phase_message(m->chunkname + 1, "compile", msg ? msg : "?"))) {
        lua_close(L);
        return -1;
      }
    }
    lua_settop(L, 0);
  }
  lua_close(L);
  return 0;
}

static int lint_all(policy_set *set) {
  lint_ctx c = {.set = set};
  size_t nmods = stdlib_count() + (size_t)set->nlib;
  c.module_names = calloc(nmods + 1, sizeof *c.module_names);
  if (!c.module_names) return -1;
  for (size_t i = 0; i < nmods; i++) c.module_names[i] = set->modules[i].name;
  policy_lint_env env = {c.module_names, lint_keys, &c};
  char err[256];
  int rc = 0;
  for (int i = 0; i < set->nfiles && !rc; i++) {
    policy_file *f = &set->files[i];
    if (f->problem) continue;
    char **p;
    int n;
    if (policy_lint(f->path, f->source, f->len, &env, &p, &n, err, sizeof err)) {
      rc = -1;
      break;
    }
    /* kept apart from f->problem: validation still runs, to report its problems too */
    for (int k = 0; k < n && !rc; k++)
      rc = file_issue_add(f, policy_phase_message(f->path, "validate", p[k]), 0);
    policy_lint_free(p, n);
  }
  size_t base = stdlib_count();
  for (int i = 0; i < set->nlib && !rc; i++) {
    const stdlib_module *m = &set->modules[base + (size_t)i];
    char **p;
    int n;
    if (policy_lint(m->chunkname + 1, m->source, m->len, &env, &p, &n, err, sizeof err)) {
      rc = -1;
      break;
    }
    for (int k = 0; k < n && !rc; k++) rc = set_issue(set, policy_phase_message(m->chunkname + 1, "validate", p[k]));
    policy_lint_free(p, n);
  }
  lint_ctx_free(&c);
  return rc;
}

static const char *article(const char *kind) {
  return kind[0] == 'a' || kind[0] == 'e' || kind[0] == 'u' ? "an" : "a";
}

typedef struct refs_check {
  policy_set *set;
  policy_file *f;
  int rc;
} refs_check;

static void check_reference(void *arg, const policy_reference *r) {
  refs_check *c = arg;
  const policy_schema *s = c->set->schema;
  int what = strcmp(r->what, "metric") == 0 ? POLICY_SCHEMA_METRIC : POLICY_SCHEMA_CODE;
  const char *declared = policy_schema_kind(s, what, r->name);
  char msg[900];
  if (!declared) {
    const char *near = policy_schema_closest(s, what, r->name);
    char hint[300] = "";
    if (near) snprintf(hint, sizeof hint, " (did you mean '%s'?)", near);
    snprintf(msg, sizeof msg, "%s%s: %s '%s' is not declared in %s%s", r->where, r->goal, r->what,
             r->name, policy_schema_path(s), hint);
  } else if (strcmp(declared, r->kind) != 0) {
    if (what == POLICY_SCHEMA_METRIC)
      snprintf(msg, sizeof msg, "%s%s: metric '%s' is declared as %s in %s, not %s", r->where, r->goal,
               r->name, declared, policy_schema_path(s), r->kind);
    else
      snprintf(msg, sizeof msg, "%s%s: code '%s' is declared as %s %s in %s; %s counts %ss",
               r->where, r->goal, r->name, article(declared), declared, policy_schema_path(s),
               r->goal, r->kind);
  } else {
    return;
  }
  if (!c->rc) c->rc = file_issue_add(c->f, policy_phase_message(c->f->path, "validate", msg), 0);
}

int policy_set_load(policy_set **out, const char *dir, const sandbox_limits *limits, char *err,
                    size_t errsz) {
  *out = NULL;
  walk w = {0};
  if (walk_top(dir, &w, err, errsz)) {
    strs_free(&w.competencies);
    strs_free(&w.lib);
    strs_free(&w.misplaced);
    return -1;
  }
  int n = w.competencies.n;
  if (n == 0) {
    strs_free(&w.competencies);
    strs_free(&w.lib);
    strs_free(&w.misplaced);
    snprintf(err, errsz, "%s: no policies (*.lua files) in the directory", dir);
    return -1;
  }
  char **names = w.competencies.v;

  policy_set *set = calloc(1, sizeof *set);
  if (!set || !(set->files = calloc((size_t)n + 1, sizeof *set->files))) {
    strs_free(&w.competencies);
    strs_free(&w.lib);
    strs_free(&w.misplaced);
    free(set);
    snprintf(err, errsz, "out of memory");
    return -1;
  }
  set->refs = 1;
  set->nfiles = n;
  pthread_mutex_init(&set->pool_mu, NULL);
  if (limits) set->limits = *limits;
  /* The native evaluation of declarative plans (policy_native.h) gives the stdlib's answers;
   * ATTAIN_EVAL=lua turns it off, for checking exactly that (docs/performance.md). */
  const char *mode = getenv("ATTAIN_EVAL");
  set->lua_only = mode && strcmp(mode, "lua") == 0;
  uint64_t h = 0xcbf29ce484222325ULL;
  size_t dirlen = strlen(dir);
  while (dirlen > 1 && dir[dirlen - 1] == '/') dirlen--;
  char *d = strndup(dir, dirlen);
  int oom = !d;
  for (int i = 0; i < n && !oom; i++) {
    policy_file *f = &set->files[i];
    f->path = joinpath(d, names[i]);
    f->stem = strndup(names[i], strlen(names[i]) - 4);
    if (!f->path || !f->stem) {
      oom = 1;
      break;
    }
    char why[512];
    f->source = read_file(f->path, &f->len, why, sizeof why);
    if (!f->source && file_issue(f, policy_phase_message(f->path, "load", why))) oom = 1;
    h = fnv1a(h, names[i], strlen(names[i]) + 1);
    if (f->source) h = fnv1a(h, f->source, f->len);
    h = fnv1a(h, "\0", 1);
  }
  if (!oom && load_modules(set, d, &w, &h)) oom = 1;
  /* schema.json: part of the version, its problems the set's */
  char **sp = NULL;
  int nsp = 0;
  if (!oom) {
    int rc = policy_schema_load_dir(&set->schema, d, &sp, &nsp);
    if (rc == 0) {
      char path[4200];
      snprintf(path, sizeof path, "%s/%s", d, POLICY_SCHEMA_FILE);
      size_t len;
      char why[512];
      char *text = read_file(path, &len, why, sizeof why);
      h = fnv1a(h, POLICY_SCHEMA_FILE, sizeof POLICY_SCHEMA_FILE);
      if (text) h = fnv1a(h, text, len);
      free(text);
    } else if (rc < 0) {
      h = fnv1a(h, POLICY_SCHEMA_FILE, sizeof POLICY_SCHEMA_FILE);
      for (int k = 0; k < nsp; k++) h = fnv1a(h, sp[k], strlen(sp[k]));
    }
    for (int k = 0; k < nsp && !oom; k++) {
      if (set_issue(set, sp[k])) oom = 1;
      sp[k] = NULL;
    }
    policy_schema_problems_free(sp, nsp);
  }
  for (int k = 0; k < w.misplaced.n && !oom; k++) {
    char msg[4400];
    snprintf(msg, sizeof msg,
             "%s/%s: not loaded: competency files must be directly in %s, and shared modules in "
             "%s/%s/ (require \"lib.NAME\")",
             d, w.misplaced.v[k], d, d, LIB_DIR);
    if (set_issue(set, strdup(msg))) oom = 1;
  }
  strs_free(&w.competencies);
  strs_free(&w.lib);
  strs_free(&w.misplaced);
  free(d);
  snprintf(set->version, sizeof set->version, "%016llx", (unsigned long long)h);
  if (!oom && (compile_modules(set) || lint_all(set))) oom = 1;
  if (oom) {
    policy_set_unref(set);
    snprintf(err, errsz, "out of memory");
    return -1;
  }

  /* Validate by instantiating once; remember each competency's name and benefits. */
  policy_runtime *rt;
  if (policy_runtime_new(&rt, set, err, errsz)) {
    policy_set_unref(set);
    return -1;
  }
  for (int i = 0; i < n; i++) {
    policy_file *f = &set->files[i];
    int had = f->problem != NULL, nlint = had ? 0 : f->nissues;
    int bad = policy_runtime_describe(rt, i, f);
    int loaded = !f->problem;
    /* the runtime's problem joins the static check's, unless it is the same line's */
    if (!bad && !had && f->problem && !same_line(f, nlint, f->problem))
      bad = file_issue_add(f, strdup(f->problem), 0);
    if (!bad && set->schema && loaded) {
      refs_check c = {set, f, 0};
      bad = policy_runtime_references(rt, i, check_reference, &c) || c.rc;
    }
    /* evaluations report the first problem in line order */
    sort_issues(f);
    if (!bad && !had && f->nissues) {
      free(f->problem);
      if (!(f->problem = strdup(f->issues[0]))) bad = 1;
    }
    if (bad) {
      policy_runtime_free(rt);
      policy_set_unref(set);
      snprintf(err, errsz, "out of memory");
      return -1;
    }
    if (f->problem) set->nproblems++;
  }
  set->nproblems += set->nset_issues;
  set->pool = rt;
  *out = set;
  return 0;
}
