/* policy_set.c — loading, versioning and sharing policy sets (see policy_set.h).
 *
 * Loading reads every file, hashes names and sources into the version, then builds one
 * runtime to validate: each file is compiled (text only) and run in its own sandbox, must
 * return a competency made by the stdlib, and must define the competency id its file name
 * announces. That runtime is kept in the set's pool for the first evaluation. */
#include "policy_set.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policy_internal.h"

#define MAX_POLICY_BYTES (1 << 20)

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

static void files_free(policy_file *files, int n) {
  for (int i = 0; i < n; i++) {
    free(files[i].path);
    free(files[i].stem);
    free(files[i].source);
    free(files[i].name);
    free(files[i].problem);
    for (int l = 0; l < 3; l++) {
      for (char **b = files[i].benefits[l]; b && *b; b++) free(*b);
      free(files[i].benefits[l]);
    }
  }
  free(files);
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
  free(set);
}

int policy_set_find(const policy_set *set, const char *id) {
  for (int i = 0; i < set->nfiles; i++)
    if (strcmp(set->files[i].stem, id) == 0) return i;
  return -1;
}

int policy_set_load(policy_set **out, const char *dir, const sandbox_limits *limits, char *err,
                    size_t errsz) {
  *out = NULL;
  DIR *d = opendir(dir);
  if (!d) {
    snprintf(err, errsz, "%s: cannot read the policy directory: %s", dir, strerror(errno));
    return -1;
  }
  char **names = NULL;
  int n = 0, cap = 0;
  struct dirent *e;
  while ((e = readdir(d))) {
    size_t len = strlen(e->d_name);
    if (e->d_name[0] == '.' || len < 5 || strcmp(e->d_name + len - 4, ".lua") != 0) continue;
    if (n == cap) {
      cap = cap ? cap * 2 : 16;
      char **nn = realloc(names, (size_t)cap * sizeof *names);
      if (!nn) break;
      names = nn;
    }
    names[n++] = strdup(e->d_name);
  }
  closedir(d);
  if (n == 0) {
    free(names);
    snprintf(err, errsz, "%s: no policies (*.lua files) in the directory", dir);
    return -1;
  }
  qsort(names, (size_t)n, sizeof *names, by_name);

  policy_set *set = calloc(1, sizeof *set);
  if (!set || !(set->files = calloc((size_t)n + 1, sizeof *set->files))) {
    for (int i = 0; i < n; i++) free(names[i]);
    free(names);
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
  for (int i = 0; i < n; i++) {
    policy_file *f = &set->files[i];
    size_t plen = dirlen + strlen(names[i]) + 2;
    f->path = malloc(plen);
    snprintf(f->path, plen, "%.*s/%s", (int)dirlen, dir, names[i]);
    f->stem = strndup(names[i], strlen(names[i]) - 4);
    char why[512];
    f->source = read_file(f->path, &f->len, why, sizeof why);
    if (!f->source) f->problem = policy_phase_message(f->path, "load", why);
    h = fnv1a(h, names[i], strlen(names[i]) + 1);
    if (f->source) h = fnv1a(h, f->source, f->len);
    h = fnv1a(h, "\0", 1);
    free(names[i]);
  }
  free(names);
  snprintf(set->version, sizeof set->version, "%016llx", (unsigned long long)h);

  /* Validate by instantiating once; remember each competency's name and benefits. */
  policy_runtime *rt;
  if (policy_runtime_new(&rt, set, err, errsz)) {
    policy_set_unref(set);
    return -1;
  }
  for (int i = 0; i < n; i++) {
    if (policy_runtime_describe(rt, i, &set->files[i])) {
      policy_runtime_free(rt);
      policy_set_unref(set);
      snprintf(err, errsz, "out of memory");
      return -1;
    }
    if (set->files[i].problem) set->nproblems++;
  }
  set->pool = rt;
  *out = set;
  return 0;
}
