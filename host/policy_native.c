/* policy_native.c — declarative plans evaluated in C (see policy_native.h).
 *
 * Mirrors stdlib/attain/competency.lua's `level`: every measure is fetched first (people
 * through facts_people, sums, averages and latest values through the facts metric
 * functions, as org:people and org:metric_* do), then a path is met when every goal's
 * have >= need, a combinator's have being how many of its children are met; gold if a
 * gold path is met, else silver if a silver one is. Numbers compare as doubles, which is
 * exact for the integers and the sums Lua compares. */
#include "policy_native.h"

#include <lauxlib.h>
#include <stdlib.h>
#include <string.h>

#include "result.h"

enum op { OP_PEOPLE, OP_SUM, OP_AVG, OP_LATEST };

typedef struct measure {
  int op;
  char **codes;
  uint32_t *hashes;
  int ncodes;
  int kind;
  char *competency, *metric;
  int months;
} measure;

typedef struct node {
  int slot; /* >= 0: a measure; -1: a combinator over children */
  double need;
  struct node *children;
  int nchildren;
} node;

typedef struct path {
  int level;
  node *nodes;
  int nnodes;
} path;

struct policy_native {
  measure *measures;
  int nmeasures;
  path *paths;
  int npaths;
  double *vals;        /* scratch: the measures' values */
  unsigned char *seen; /* scratch for facts_people */
  size_t seen_cap;
};

/* ---- building from the Lua plan (raw reads: the plan is the stdlib's plain tables) ---- */

static const char *field_str(lua_State *L, int t, const char *k) {
  lua_pushstring(L, k);
  const char *s = lua_rawget(L, t) == LUA_TSTRING ? lua_tostring(L, -1) : NULL;
  lua_pop(L, 1); /* the table keeps the string */
  return s;
}

static int field_num(lua_State *L, int t, const char *k, double *out) {
  lua_pushstring(L, k);
  int ok = lua_rawget(L, t) == LUA_TNUMBER;
  if (ok) *out = lua_tonumber(L, -1);
  lua_pop(L, 1);
  return ok;
}

static char *copy(const char *s) { return s ? strdup(s) : NULL; }

static int build_measure(lua_State *L, int t, measure *m) {
  const char *op = field_str(L, t, "op");
  if (!op) return -1;
  m->op = strcmp(op, "people") == 0  ? OP_PEOPLE
          : strcmp(op, "sum") == 0   ? OP_SUM
          : strcmp(op, "avg") == 0   ? OP_AVG
          : strcmp(op, "latest") == 0 ? OP_LATEST
                                       : -1;
  if (m->op < 0) return -1;
  if (m->op == OP_PEOPLE) {
    m->kind = facts_kind_parse(field_str(L, t, "kind"));
    m->competency = copy(field_str(L, t, "competency"));
    lua_pushstring(L, "codes");
    if (lua_rawget(L, t) != LUA_TTABLE) {
      lua_pop(L, 1);
      return -1;
    }
    int n = (int)lua_rawlen(L, -1);
    if (n < 1 || n > 64 || m->kind < 0) {
      lua_pop(L, 1);
      return -1;
    }
    m->codes = calloc((size_t)n, sizeof *m->codes);
    m->hashes = calloc((size_t)n, sizeof *m->hashes);
    if (!m->codes || !m->hashes) {
      lua_pop(L, 1);
      return -1;
    }
    m->ncodes = n;
    for (int i = 0; i < n; i++) {
      lua_rawgeti(L, -1, i + 1);
      const char *c = lua_tostring(L, -1);
      m->codes[i] = copy(c);
      lua_pop(L, 1);
      if (!m->codes[i]) {
        lua_pop(L, 1);
        return -1;
      }
      m->hashes[i] = facts_code_hash(m->codes[i]);
    }
    lua_pop(L, 1);
    return 0;
  }
  m->metric = copy(field_str(L, t, "metric"));
  double months = 0;
  if (m->op != OP_LATEST && (!field_num(L, t, "months", &months) || months < 1 || months > 120))
    return -1;
  m->months = (int)months;
  return m->metric ? 0 : -1;
}

static int build_nodes(lua_State *L, int t, int nmeasures, node **out, int *nout, int depth);

static int build_node(lua_State *L, int t, int nmeasures, node *n, int depth) {
  if (!field_num(L, t, "need", &n->need)) return -1;
  double slot;
  if (field_num(L, t, "slot", &slot)) {
    n->slot = (int)slot - 1;
    return n->slot >= 0 && n->slot < nmeasures ? 0 : -1;
  }
  n->slot = -1;
  if (depth > 16) return -1;
  lua_pushstring(L, "children");
  if (lua_rawget(L, t) != LUA_TTABLE) {
    lua_pop(L, 1);
    return -1;
  }
  int rc = build_nodes(L, lua_gettop(L), nmeasures, &n->children, &n->nchildren, depth + 1);
  lua_pop(L, 1);
  return rc;
}

static int build_nodes(lua_State *L, int t, int nmeasures, node **out, int *nout, int depth) {
  int n = (int)lua_rawlen(L, t);
  *out = n ? calloc((size_t)n, sizeof **out) : NULL;
  *nout = 0;
  if (n && !*out) return -1;
  for (int i = 1; i <= n; i++) {
    if (lua_rawgeti(L, t, i) != LUA_TTABLE) {
      lua_pop(L, 1);
      return -1;
    }
    int rc = build_node(L, lua_gettop(L), nmeasures, &(*out)[(*nout)++], depth);
    lua_pop(L, 1);
    if (rc) return rc;
  }
  return 0;
}

static void free_nodes(node *nodes, int n) {
  for (int i = 0; i < n; i++) free_nodes(nodes[i].children, nodes[i].nchildren);
  free(nodes);
}

void policy_native_free(policy_native *p) {
  if (!p) return;
  for (int i = 0; i < p->nmeasures; i++) {
    measure *m = &p->measures[i];
    for (int k = 0; k < m->ncodes; k++) free(m->codes[k]);
    free(m->codes);
    free(m->hashes);
    free(m->competency);
    free(m->metric);
  }
  free(p->measures);
  for (int i = 0; i < p->npaths; i++) free_nodes(p->paths[i].nodes, p->paths[i].nnodes);
  free(p->paths);
  free(p->vals);
  free(p->seen);
  free(p);
}

policy_native *policy_native_build(lua_State *L, int idx) {
  idx = lua_absindex(L, idx);
  if (lua_type(L, idx) != LUA_TTABLE || !lua_checkstack(L, 40)) return NULL;
  int top = lua_gettop(L);
  policy_native *p = calloc(1, sizeof *p);
  int ok = p != NULL;
  lua_pushstring(L, "measures");
  if (ok && lua_rawget(L, idx) == LUA_TTABLE) {
    int t = lua_gettop(L);
    int n = (int)lua_rawlen(L, t);
    p->measures = n ? calloc((size_t)n, sizeof *p->measures) : NULL;
    p->vals = calloc((size_t)n + 1, sizeof *p->vals);
    ok = (!n || p->measures) && p->vals;
    for (int i = 1; ok && i <= n; i++) {
      ok = lua_rawgeti(L, t, i) == LUA_TTABLE &&
           build_measure(L, lua_gettop(L), &p->measures[p->nmeasures++]) == 0;
      lua_pop(L, 1);
    }
  } else {
    ok = 0;
  }
  lua_settop(L, top);
  lua_pushstring(L, "paths");
  if (ok && lua_rawget(L, idx) == LUA_TTABLE) {
    int t = lua_gettop(L);
    int n = (int)lua_rawlen(L, t);
    p->paths = n ? calloc((size_t)n, sizeof *p->paths) : NULL;
    ok = !n || p->paths;
    for (int i = 1; ok && i <= n; i++) {
      ok = lua_rawgeti(L, t, i) == LUA_TTABLE;
      if (ok) {
        int pt = lua_gettop(L);
        path *pa = &p->paths[p->npaths++];
        pa->level = result_level_parse(field_str(L, pt, "level"));
        lua_pushstring(L, "nodes");
        ok = pa->level != RESULT_LEVEL_NONE && lua_rawget(L, pt) == LUA_TTABLE &&
             build_nodes(L, lua_gettop(L), p->nmeasures, &pa->nodes, &pa->nnodes, 0) == 0;
      }
      lua_settop(L, t);
    }
  } else {
    ok = 0;
  }
  lua_settop(L, top);
  if (!ok) {
    policy_native_free(p);
    return NULL;
  }
  return p;
}

/* ---- evaluation ---- */

static double have_of(const policy_native *p, const node *n);

static int count_met(const policy_native *p, const node *n) {
  int met = 0;
  for (int i = 0; i < n->nchildren; i++)
    if (have_of(p, &n->children[i]) >= n->children[i].need) met++;
  return met;
}

static double have_of(const policy_native *p, const node *n) {
  return n->slot >= 0 ? p->vals[n->slot] : (double)count_met(p, n);
}

static int path_met(const policy_native *p, const path *pa) {
  for (int j = 0; j < pa->nnodes; j++)
    if (have_of(p, &pa->nodes[j]) < pa->nodes[j].need) return 0;
  return 1;
}

int policy_native_level(policy_native *p, const facts_org *o, facts_time ft) {
  if ((size_t)o->nusers + 1 > p->seen_cap) {
    unsigned char *s = realloc(p->seen, (size_t)o->nusers + 1);
    if (!s) return -1;
    p->seen = s;
    p->seen_cap = (size_t)o->nusers + 1;
  }
  for (int i = 0; i < p->nmeasures; i++) {
    const measure *m = &p->measures[i];
    int found;
    switch (m->op) {
    case OP_PEOPLE:
      p->vals[i] = (double)facts_people_hashed(o, ft, (const char *const *)m->codes, m->hashes,
                                               m->ncodes, m->kind, m->competency, p->seen);
      break;
    case OP_SUM: p->vals[i] = facts_metric_sum(o, m->metric, ft.as_of, m->months); break;
    case OP_AVG: p->vals[i] = facts_metric_sum(o, m->metric, ft.as_of, m->months) / m->months; break;
    case OP_LATEST: p->vals[i] = facts_metric_latest(o, m->metric, ft.as_of, &found); break;
    }
  }
  int silver = 0;
  for (int i = 0; i < p->npaths; i++) {
    const path *pa = &p->paths[i];
    if (pa->level != RESULT_LEVEL_GOLD && silver) continue;
    if (!path_met(p, pa)) continue;
    if (pa->level == RESULT_LEVEL_GOLD) return RESULT_LEVEL_GOLD;
    silver = 1;
  }
  return silver ? RESULT_LEVEL_SILVER : RESULT_LEVEL_NONE;
}
