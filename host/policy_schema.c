/* policy_schema.c — reading schema.json and looking names up (see policy_schema.h).
 *
 * jansson parses and validates; it keeps no positions of values, so a small scanner over
 * the text finds the line of each declared name (a key of "metrics" or "codes"), which
 * every message about that name carries. Names are kept sorted for bsearch. */
#include "policy_schema.h"

#include <errno.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "suggest.h"

#define MAX_SCHEMA_BYTES (4 << 20)

typedef struct entry {
  char *name;
  const char *kind; /* static */
  char *display;    /* the name shown to people, or NULL */
} entry;

struct policy_schema {
  char *path;
  entry *e[2];
  int n[2];
  const char **names[2]; /* sorted, for suggestions */
};

static const char *const metric_kinds[] = {"revenue", "usage", "seats", "customers", NULL};
static const char *const code_kinds[] = {"certification", "exam", "assessment", NULL};
static const char *const sections[] = {"metrics", "codes"};

typedef struct problems {
  char **v;
  int n, cap;
} problems;

__attribute__((format(printf, 3, 4)))
static void add(problems *p, const char *path, const char *fmt, ...) {
  char msg[700], full[900];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  snprintf(full, sizeof full, "%s%s", path, msg);
  if (p->n == p->cap) {
    int cap = p->cap ? p->cap * 2 : 4;
    char **v = realloc(p->v, (size_t)cap * sizeof *v);
    if (!v) return;
    p->v = v;
    p->cap = cap;
  }
  if ((p->v[p->n] = strdup(full))) p->n++;
}

/* The line of key `name` in object `section` of the top-level object (section NULL: of
 * the top-level object itself), or 0. */
static int key_line(const char *t, size_t len, const char *section, const char *name) {
  int line = 1, depth = 0, in_section = 0;
  for (size_t i = 0; i < len; i++) {
    char c = t[i];
    if (c == '\n') line++;
    else if (c == '{' || c == '[') depth++;
    else if (c == '}' || c == ']') {
      if (depth == 2) in_section = 0;
      depth--;
    } else if (c == '"') {
      size_t start = ++i;
      while (i < len && t[i] != '"') {
        if (t[i] == '\\') i++;
        else if (t[i] == '\n') line++;
        i++;
      }
      size_t n = i - start, j = i + 1;
      while (j < len && (t[j] == ' ' || t[j] == '\t' || t[j] == '\r' || t[j] == '\n')) j++;
      if (j >= len || t[j] != ':') continue;
      if (depth == 1 && !section && strlen(name) == n && memcmp(t + start, name, n) == 0)
        return line;
      if (depth == 1 && section) in_section = strlen(section) == n && memcmp(t + start, section, n) == 0;
      else if (depth == 2 && in_section && strlen(name) == n && memcmp(t + start, name, n) == 0)
        return line;
    }
  }
  return 0;
}

static int by_name(const void *a, const void *b) {
  return strcmp(((const entry *)a)->name, ((const entry *)b)->name);
}

static const char *kind_of(const char *const *kinds, const char *k) {
  for (; *kinds; kinds++)
    if (strcmp(*kinds, k) == 0) return *kinds;
  return NULL;
}

void policy_schema_free(policy_schema *s) {
  if (!s) return;
  for (int w = 0; w < 2; w++) {
    for (int i = 0; i < s->n[w]; i++) {
      free(s->e[w][i].name);
      free(s->e[w][i].display);
    }
    free(s->e[w]);
    free(s->names[w]);
  }
  free(s->path);
  free(s);
}

void policy_schema_problems_free(char **p, int n) {
  for (int i = 0; i < n; i++) free(p[i]);
  free(p);
}

int policy_schema_parse(policy_schema **out, const char *path, const char *text, size_t len,
                        char ***problems_out, int *nproblems) {
  *out = NULL;
  problems p = {0};
  char where[600];
  json_error_t jerr;
  json_t *root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
  policy_schema *s = calloc(1, sizeof *s);
  if (!s || !(s->path = strdup(path))) {
    add(&p, path, ": out of memory");
  } else if (!root) {
    add(&p, path, ":%d: not valid JSON: %s", jerr.line, jerr.text);
  } else if (!json_is_object(root)) {
    add(&p, path, ":1: the schema must be an object { \"metrics\": {...}, \"codes\": {...} }");
  } else {
    const char *key;
    json_t *v;
    json_object_foreach(root, key, v) {
      int w = strcmp(key, "metrics") == 0 ? 0 : strcmp(key, "codes") == 0 ? 1 : -1;
      if (w < 0) {
        int line = key_line(text, len, NULL, key);
        add(&p, path, ":%d: unknown key \"%s\" (expected \"metrics\" and \"codes\")",
            line ? line : 1, key);
        continue;
      }
      if (!json_is_object(v)) {
        add(&p, path, ":1: \"%s\" must be an object of names and their kinds", key);
        continue;
      }
      s->e[w] = calloc(json_object_size(v) + 1, sizeof *s->e[w]);
      if (!s->e[w]) break;
      const char *name;
      json_t *kind;
      json_object_foreach(v, name, kind) {
        int line = key_line(text, len, sections[w], name);
        snprintf(where, sizeof where, "%s:%d", path, line ? line : 1);
        /* A kind, or { "kind": KIND, "name": "what people read" }. */
        json_t *display = NULL;
        if (json_is_object(kind)) {
          const char *field;
          json_t *fv;
          int bad = 0;
          json_object_foreach(kind, field, fv) {
            if (strcmp(field, "kind") != 0 && strcmp(field, "name") != 0) {
              add(&p, where, ": %s: \"%s\" has an unknown field \"%s\" (expected \"kind\" and \"name\")",
                  sections[w], name, field);
              bad = 1;
            }
          }
          display = json_object_get(kind, "name");
          if (display && (!json_is_string(display) || !*json_string_value(display))) {
            add(&p, where, ": %s: the name of \"%s\" must be a non-empty string", sections[w], name);
            bad = 1;
          }
          if (bad) continue;
          kind = json_object_get(kind, "kind");
        }
        const char *const *kinds = w ? code_kinds : metric_kinds;
        const char *k = json_is_string(kind) ? kind_of(kinds, json_string_value(kind)) : NULL;
        const char *list = w ? "certification, exam or assessment" : "revenue, usage, seats or customers";
        if (!*name) {
          add(&p, where, ": %s: a name must not be empty", sections[w]);
        } else if (!k && json_is_string(kind)) {
          const char *near = suggest_closest(json_string_value(kind), kinds, w ? 3 : 4);
          char hint[100] = "";
          if (near) snprintf(hint, sizeof hint, "; did you mean \"%s\"?", near);
          add(&p, where, ": %s: the kind of \"%s\" must be %s, got \"%s\"%s", sections[w], name, list,
              json_string_value(kind), hint);
        } else if (!k) {
          add(&p, where, ": %s: the kind of \"%s\" must be a string (%s)", sections[w], name, list);
        } else if (display && !(s->e[w][s->n[w]].display = strdup(json_string_value(display)))) {
          add(&p, where, ": out of memory");
        } else {
          entry *e = &s->e[w][s->n[w]++];
          e->name = strdup(name);
          e->kind = k;
          if (!e->name) s->n[w]--;
        }
      }
    }
  }
  json_decref(root);
  if (!p.n && s) {
    for (int w = 0; w < 2; w++) {
      if (s->n[w] > 1) qsort(s->e[w], (size_t)s->n[w], sizeof *s->e[w], by_name);
      s->names[w] = calloc((size_t)s->n[w] + 1, sizeof *s->names[w]);
      if (!s->names[w]) {
        add(&p, path, ": out of memory");
        break;
      }
      for (int i = 0; i < s->n[w]; i++) s->names[w][i] = s->e[w][i].name;
    }
  }
  if (p.n) {
    policy_schema_free(s);
    *problems_out = p.v;
    *nproblems = p.n;
    return -1;
  }
  *problems_out = NULL;
  *nproblems = 0;
  *out = s;
  return 0;
}

int policy_schema_load_dir(policy_schema **out, const char *dir, char ***problems_out,
                           int *nproblems) {
  *out = NULL;
  *problems_out = NULL;
  *nproblems = 0;
  size_t dl = strlen(dir);
  while (dl > 1 && dir[dl - 1] == '/') dl--;
  char path[4200];
  snprintf(path, sizeof path, "%.*s/%s", (int)dl, dir, POLICY_SCHEMA_FILE);
  FILE *f = fopen(path, "rb");
  if (!f && errno == ENOENT) return 1;
  problems p = {0};
  if (!f) {
    add(&p, path, ": cannot open: %s", strerror(errno));
  } else {
    char *buf = malloc(MAX_SCHEMA_BYTES + 1);
    size_t n = buf ? fread(buf, 1, MAX_SCHEMA_BYTES + 1, f) : 0;
    int bad = !buf || ferror(f);
    fclose(f);
    if (bad)
      add(&p, path, ": cannot read");
    else if (n > MAX_SCHEMA_BYTES)
      add(&p, path, ": larger than %d bytes", MAX_SCHEMA_BYTES);
    else {
      int rc = policy_schema_parse(out, path, buf, n, problems_out, nproblems);
      free(buf);
      return rc;
    }
    free(buf);
  }
  *problems_out = p.v;
  *nproblems = p.n;
  return -1;
}

const char *policy_schema_path(const policy_schema *s) { return s->path; }

const char *policy_schema_kind(const policy_schema *s, int what, const char *name) {
  entry key = {(char *)name, NULL, NULL};
  const entry *e = s->n[what] ? bsearch(&key, s->e[what], (size_t)s->n[what], sizeof key, by_name) : NULL;
  return e ? e->kind : NULL;
}

const char *policy_schema_display(const policy_schema *s, int what, const char *name) {
  entry key = {(char *)name, NULL, NULL};
  const entry *e = s->n[what] ? bsearch(&key, s->e[what], (size_t)s->n[what], sizeof key, by_name) : NULL;
  return e ? e->display : NULL;
}

const char *policy_schema_closest(const policy_schema *s, int what, const char *name) {
  return suggest_closest(name, s->names[what], (size_t)s->n[what]);
}

const char *const *policy_schema_names(const policy_schema *s, int what, int *n) {
  *n = s->n[what];
  return s->names[what];
}
