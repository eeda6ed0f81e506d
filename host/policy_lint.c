/* policy_lint.c — the static check of a chunk's bytecode (see policy_lint.h).
 *
 * Reading: lua_dump of the compiled main function, parsed as lundump.c of Lua 5.4.4 reads
 * it (header, then per function: source, lines, code, constants, upvalues, nested
 * functions, debug information). A dump of another format is not analysed.
 *
 * Analysis, per function, in one forward pass over its instructions, tracking what some
 * registers hold: the environment (_ENV), `require`, a library table, a module (a name
 * plus the fields followed from it) or a constant string. What a temporary register holds
 * is forgotten when it is written or control may arrive from elsewhere (a jump target);
 * what a local holds stays for its whole scope when the local is never written again
 * (no instruction in its scope writes its register, and no function anywhere in the
 * chunk assigns an upvalue of its name). Nested functions learn what their upvalues hold
 * at the CLOSURE instruction that makes them. Everything not tracked is unknown, and
 * nothing is reported about unknown values. */
#include "policy_lint.h"

#include <lauxlib.h>
#include <lua.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "sandbox.h"
#include "suggest.h"

/* Lua 5.4 opcodes (lopcodes.h), those the analysis reads. */
enum {
  OP_MOVE = 0, OP_LOADK = 3, OP_LOADKX = 4, OP_LFALSESKIP = 6, OP_LOADNIL = 8,
  OP_GETUPVAL = 9, OP_SETUPVAL = 10, OP_GETTABUP = 11, OP_GETTABLE = 12, OP_GETFIELD = 14,
  OP_SETTABUP = 15,
  OP_SETTABLE = 16, OP_SETI = 17, OP_SETFIELD = 18, OP_SELF = 20, OP_MMBIN = 46,
  OP_MMBINK = 48, OP_CLOSE = 54, OP_TBC = 55, OP_JMP = 56, OP_EQ = 57, OP_GEI = 65,
  OP_TEST = 66, OP_TESTSET = 67, OP_CALL = 68, OP_TAILCALL = 69, OP_RETURN = 70,
  OP_RETURN1 = 72, OP_FORLOOP = 73, OP_FORPREP = 74, OP_TFORPREP = 75, OP_TFORCALL = 76,
  OP_TFORLOOP = 77, OP_SETLIST = 78, OP_CLOSURE = 79, OP_VARARG = 80, OP_VARARGPREP = 81,
  OP_EXTRAARG = 82, NUM_OPCODES = 83
};

#define OP(i) ((int)((i) & 0x7F))
#define ARG_A(i) ((int)(((i) >> 7) & 0xFF))
#define ARG_K(i) ((int)(((i) >> 15) & 0x1))
#define ARG_B(i) ((int)(((i) >> 16) & 0xFF))
#define ARG_C(i) ((int)(((i) >> 24) & 0xFF))
#define ARG_BX(i) ((int)((i) >> 15))
#define ARG_SJ(i) ((int)(((i) >> 7) & 0x1FFFFFF) - 0xFFFFFF)
#define ABSLINEINFO (-0x80)

/* ---- the dump ---------------------------------------------------------------------------- */

typedef struct kval {
  int is_string;
  const char *s; /* NUL-terminated copy */
} kval;

typedef struct upval {
  int instack, idx;
  const char *name;
} upval;

typedef struct locvar {
  const char *name;
  int startpc, endpc;
  int reg; /* computed */
} locvar;

typedef struct proto {
  int linedefined, maxstack;
  int ncode;
  uint32_t *code;
  int *lines; /* per instruction */
  int nk;
  kval *k;
  int nup;
  upval *up;
  int np;
  struct proto *p;
  int nloc;
  locvar *loc;
} proto;

typedef struct reader {
  const unsigned char *b;
  size_t n, at;
  int bad;
  arena *a;
} reader;

static int rd_byte(reader *r) {
  if (r->at >= r->n) {
    r->bad = 1;
    return 0;
  }
  return r->b[r->at++];
}

static size_t rd_size(reader *r) {
  size_t x = 0;
  int b;
  do {
    b = rd_byte(r);
    if (x > ((size_t)1 << 40)) r->bad = 1;
    x = (x << 7) | (size_t)(b & 0x7f);
  } while (!r->bad && (b & 0x80) == 0);
  return x;
}

static int rd_int(reader *r) {
  size_t x = rd_size(r);
  if (x > (size_t)1 << 28) r->bad = 1;
  return r->bad ? 0 : (int)x;
}

static const char *rd_string(reader *r) {
  size_t size = rd_size(r);
  if (r->bad || size == 0) return NULL;
  size--;
  if (size > r->n - r->at) {
    r->bad = 1;
    return NULL;
  }
  const char *s = arena_strndup(r->a, (const char *)r->b + r->at, size);
  r->at += size;
  return s;
}

static void rd_skip(reader *r, size_t k) {
  if (k > r->n - r->at) r->bad = 1;
  else r->at += k;
}

static void *rd_array(reader *r, int n, size_t size) {
  if (r->bad || n < 0) return NULL;
  return arena_calloc(r->a, (size_t)n + 1, size);
}

static void rd_function(reader *r, proto *f, int depth) {
  if (depth > 200) r->bad = 1;
  if (r->bad) return;
  rd_string(r); /* source */
  f->linedefined = rd_int(r);
  rd_int(r); /* lastlinedefined */
  rd_byte(r); /* numparams */
  rd_byte(r); /* is_vararg */
  f->maxstack = rd_byte(r);
  f->ncode = rd_int(r);
  f->code = rd_array(r, f->ncode, sizeof *f->code);
  if (r->bad || !f->code || (size_t)f->ncode * 4 > r->n - r->at) {
    r->bad = 1;
    return;
  }
  memcpy(f->code, r->b + r->at, (size_t)f->ncode * 4);
  r->at += (size_t)f->ncode * 4;
  f->nk = rd_int(r);
  f->k = rd_array(r, f->nk, sizeof *f->k);
  for (int i = 0; !r->bad && f->k && i < f->nk; i++) {
    int t = rd_byte(r);
    switch (t) {
    case 0: case 1: case 17: break;             /* nil, false, true */
    case 3: case 19: rd_skip(r, 8); break;      /* integer, float */
    case 4: case 20:                            /* short and long strings */
      f->k[i].s = rd_string(r);
      f->k[i].is_string = f->k[i].s != NULL;
      break;
    default: r->bad = 1;
    }
  }
  f->nup = rd_int(r);
  f->up = rd_array(r, f->nup, sizeof *f->up);
  for (int i = 0; !r->bad && f->up && i < f->nup; i++) {
    f->up[i].instack = rd_byte(r);
    f->up[i].idx = rd_byte(r);
    rd_byte(r); /* kind */
  }
  f->np = rd_int(r);
  f->p = rd_array(r, f->np, sizeof *f->p);
  for (int i = 0; !r->bad && f->p && i < f->np; i++) rd_function(r, &f->p[i], depth + 1);
  int nline = rd_int(r);
  f->lines = rd_array(r, f->ncode, sizeof *f->lines);
  if (r->bad || !f->lines || (nline != 0 && nline != f->ncode) ||
      (size_t)nline > r->n - r->at) {
    r->bad = 1;
    return;
  }
  const signed char *delta = (const signed char *)r->b + r->at;
  r->at += (size_t)nline;
  int nabs = rd_int(r);
  int *abs_pc = rd_array(r, nabs, sizeof(int)), *abs_line = rd_array(r, nabs, sizeof(int));
  for (int k = 0; !r->bad && abs_pc && abs_line && k < nabs; k++) {
    abs_pc[k] = rd_int(r);
    abs_line[k] = rd_int(r);
  }
  if (r->bad || !abs_pc || !abs_line) {
    r->bad = 1;
    return;
  }
  /* as luaG_getfuncline: deltas from the line defined, reset by each absolute entry */
  int line = f->linedefined, ai = 0;
  for (int pc = 0; pc < nline; pc++) {
    if (delta[pc] != ABSLINEINFO) {
      line += delta[pc];
    } else {
      while (ai < nabs && abs_pc[ai] < pc) ai++;
      if (ai < nabs && abs_pc[ai] == pc) line = abs_line[ai];
    }
    f->lines[pc] = line;
  }
  f->nloc = rd_int(r);
  f->loc = rd_array(r, f->nloc, sizeof *f->loc);
  for (int i = 0; !r->bad && f->loc && i < f->nloc; i++) {
    f->loc[i].name = rd_string(r);
    f->loc[i].startpc = rd_int(r);
    f->loc[i].endpc = rd_int(r);
  }
  int nupnames = rd_int(r);
  for (int i = 0; !r->bad && i < nupnames; i++) {
    const char *name = rd_string(r);
    if (f->up && i < f->nup) f->up[i].name = name;
  }
  if (r->a->oom) r->bad = 1;
}

static int rd_header(reader *r) {
  static const unsigned char head[] = {0x1b, 'L', 'u', 'a', 0x54, 0,
                                       0x19, 0x93, '\r', '\n', 0x1a, '\n', 4, 8, 8};
  if (r->n < sizeof head + 16 + 1 || memcmp(r->b, head, sizeof head) != 0) return -1;
  lua_Integer i;
  lua_Number x;
  memcpy(&i, r->b + sizeof head, 8);
  memcpy(&x, r->b + sizeof head + 8, 8);
  if (i != 0x5678 || x != 370.5) return -1;
  r->at = sizeof head + 16;
  rd_byte(r); /* the main closure's number of upvalues */
  return 0;
}

/* ---- what registers hold ---------------------------------------------------------------- */

enum know_kind { K_NONE = 0, K_STR, K_ENV, K_REQUIRE, K_LIB, K_MOD };

typedef struct know {
  enum know_kind kind;
  const char *s;      /* K_STR: the string; K_LIB: the library's name; K_MOD: the module */
  const char *fields; /* K_MOD: fields followed from the module ("" for the module) */
  const char *shown;  /* K_LIB, K_MOD: how the source names it ("a", "a.time") */
  const char *const *lib_fields; /* K_LIB */
} know;

typedef struct lint {
  const char *path;
  const policy_lint_env *env;
  arena a;
  char **problems;
  int n, cap;
  int oom;
  const char **written; /* names assigned as upvalues anywhere in the chunk */
  int nwritten;
} lint;

__attribute__((format(printf, 3, 4)))
static void report(lint *l, int line, const char *fmt, ...) {
  if (l->n >= POLICY_LINT_MAX || l->oom) return;
  char msg[600];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  char full[800];
  snprintf(full, sizeof full, "%s:%d: %s", l->path, line, msg);
  for (int i = 0; i < l->n; i++)
    if (strcmp(l->problems[i], full) == 0) return;
  if (l->n == l->cap) {
    int cap = l->cap ? l->cap * 2 : 8;
    char **p = realloc(l->problems, (size_t)cap * sizeof *p);
    if (!p) {
      l->oom = 1;
      return;
    }
    l->problems = p;
    l->cap = cap;
  }
  if (!(l->problems[l->n] = strdup(full))) {
    l->oom = 1;
    return;
  }
  l->n++;
}

static const char *kstr(const proto *f, int k) {
  return k >= 0 && k < f->nk && f->k[k].is_string ? f->k[k].s : NULL;
}

static const sandbox_global *global_find(const char *name) {
  for (const sandbox_global *g = sandbox_globals(); g->name; g++)
    if (strcmp(g->name, name) == 0) return g;
  return NULL;
}

static int listed(const char *const *names, const char *name) {
  for (; names && *names; names++)
    if (strcmp(*names, name) == 0) return 1;
  return 0;
}

static int is_written(const lint *l, const char *name) {
  for (int i = 0; name && i < l->nwritten; i++)
    if (strcmp(l->written[i], name) == 0) return 1;
  return 0;
}

static void collect_written(lint *l, const proto *f) {
  for (int pc = 0; pc < f->ncode; pc++) {
    uint32_t i = f->code[pc];
    if (OP(i) != OP_SETUPVAL || ARG_B(i) >= f->nup || !f->up[ARG_B(i)].name) continue;
    const char **w = arena_calloc(&l->a, (size_t)l->nwritten + 1, sizeof *w);
    if (!w) return;
    if (l->nwritten) memcpy(w, l->written, (size_t)l->nwritten * sizeof *w);
    w[l->nwritten++] = f->up[ARG_B(i)].name;
    l->written = w;
  }
  for (int k = 0; k < f->np; k++) collect_written(l, &f->p[k]);
}

/* The registers an instruction may write: [*lo, *hi] (hi < lo: none). */
static void writes(const proto *f, uint32_t i, int *lo, int *hi) {
  int op = OP(i), a = ARG_A(i), top = f->maxstack > 0 ? f->maxstack - 1 : 0;
  *lo = a;
  *hi = a;
  if (op == OP_LOADNIL) *hi = a + ARG_B(i);
  else if (op == OP_SELF) *hi = a + 1;
  else if (op == OP_CALL || op == OP_VARARG) *hi = top;
  else if (op == OP_FORLOOP || op == OP_FORPREP || op == OP_TFORPREP || op == OP_TFORLOOP)
    *hi = a + 4;
  else if (op == OP_TFORCALL) *lo = a + 4, *hi = top;
  else if (op == OP_SETUPVAL || (op >= OP_SETTABUP && op <= OP_SETFIELD) ||
           (op >= OP_MMBIN && op <= OP_MMBINK) || op == OP_CLOSE || op == OP_TBC ||
           op == OP_JMP || (op >= OP_EQ && op <= OP_TEST) || op == OP_TAILCALL ||
           (op >= OP_RETURN && op <= OP_RETURN1) || op == OP_SETLIST ||
           op == OP_VARARGPREP || op == OP_EXTRAARG)
    *hi = a - 1;
  else if (op >= NUM_OPCODES) *lo = 0, *hi = top;
}

static const char *joined(lint *l, const char *a, const char *sep, const char *b) {
  if (!*a) return arena_strdup(&l->a, b);
  size_t n = strlen(a) + strlen(sep) + strlen(b) + 1;
  char *s = arena_alloc(&l->a, n);
  if (s) snprintf(s, n, "%s%s%s", a, sep, b);
  return s ? s : "";
}

/* `field` read from what `k` holds (a library or a module): reports a field that does not
 * exist, and returns what the field holds when that is known. */
static know field_of(lint *l, const know *k, const char *field, int line) {
  know out = {0};
  if (!field) return out;
  if (k->kind == K_LIB) {
    if (listed(k->lib_fields, field)) return out;
    char dotted[128];
    snprintf(dotted, sizeof dotted, "%s.%s", k->s, field);
    const char *why = sandbox_absent_reason(dotted);
    int nf = 0;
    while (k->lib_fields[nf]) nf++;
    const char *near = suggest_closest(field, (const char *const *)k->lib_fields, (size_t)nf);
    if (why)
      report(l, line, "%s.%s is not available to policies (%s)", k->shown, field, why);
    else if (near)
      report(l, line, "%s.%s: %s has no field '%s' (did you mean %s.%s?)", k->shown, field, k->s,
             field, k->shown, near);
    else
      report(l, line, "%s.%s: %s has no field '%s'", k->shown, field, k->s, field);
    return out;
  }
  if (k->kind != K_MOD || !l->env || !l->env->keys) return out;
  const policy_lint_keys *keys = l->env->keys(l->env->arg, k->s, k->fields);
  if (!keys) return out;
  for (int j = 0; j < keys->n; j++) {
    if (strcmp(keys->names[j], field) != 0) continue;
    if (keys->is_table && keys->is_table[j]) {
      out.kind = K_MOD;
      out.s = k->s;
      out.fields = joined(l, k->fields, ".", field);
      out.shown = joined(l, k->shown, ".", field);
    }
    return out;
  }
  const char *table = *k->fields ? joined(l, k->s, ".", k->fields) : k->s;
  const char *near = suggest_closest(field, keys->names, (size_t)keys->n);
  if (near)
    report(l, line, "%s.%s: %s has no field '%s' (did you mean %s.%s?)", k->shown, field, table,
           field, k->shown, near);
  else
    report(l, line, "%s.%s: %s has no field '%s'", k->shown, field, table, field);
  return out;
}

static void global_read(lint *l, const char *name, int line, know *out) {
  memset(out, 0, sizeof *out);
  if (!name) return;
  const sandbox_global *g = global_find(name);
  if (g) {
    if (g->fields) {
      out->kind = K_LIB;
      out->s = g->name;
      out->shown = g->name;
      out->lib_fields = g->fields;
    } else if (strcmp(name, "require") == 0) {
      out->kind = K_REQUIRE;
    }
    return;
  }
  const char *why = sandbox_absent_reason(name);
  if (why) {
    report(l, line, "undefined global '%s' (not available to policies: %s)", name, why);
    return;
  }
  const char *names[64];
  size_t n = 0;
  for (const sandbox_global *s = sandbox_globals(); s->name && n < 64; s++) names[n++] = s->name;
  const char *near = suggest_closest(name, names, n);
  if (near)
    report(l, line, "undefined global '%s' (did you mean '%s'?)", name, near);
  else
    report(l, line, "undefined global '%s'", name);
}

static void module_assign(lint *l, const know *k, const char *field, int line) {
  if (!field) return;
  if (k->kind == K_LIB)
    report(l, line, "cannot modify read-only library table '%s' (field '%s')", k->s, field);
  else if (k->kind == K_MOD && !*k->fields)
    report(l, line, "cannot modify read-only module '%s' (field '%s')", k->s, field);
}

static void required(lint *l, const char *name, int line, know *out) {
  memset(out, 0, sizeof *out);
  if (!name || !l->env || !l->env->modules) return;
  size_t n = 0;
  while (l->env->modules[n]) n++;
  if (!listed(l->env->modules, name)) {
    const char *near = suggest_closest(name, l->env->modules, n);
    if (near)
      report(l, line, "module '%s' not found (did you mean '%s'?)", name, near);
    else
      report(l, line,
             "module '%s' not found (policies may require the attain stdlib and the modules "
             "of the policy directory's lib/)",
             name);
    return;
  }
  out->kind = K_MOD;
  out->s = arena_strdup(&l->a, name);
  out->fields = "";
  char shown[300];
  snprintf(shown, sizeof shown, "require \"%s\"", name);
  out->shown = arena_strdup(&l->a, shown);
}

typedef struct frame {
  const proto *f;
  know *tmp;         /* per register: what a temporary holds */
  know *lk;          /* per local: what it holds for its whole scope (const locals) */
  unsigned char *target; /* per instruction: control may arrive from elsewhere */
  const know *upk;   /* per upvalue */
} frame;

static void analyse(lint *l, const proto *f, const know *upk);

/* What register r holds at pc: an active local's value when it is a const local (and
 * nothing when it is another local: it may change behind the pass's back), else what the
 * temporary in it holds. */
static know get(const frame *fr, int r, int pc) {
  know none = {0};
  if (r < 0 || r >= fr->f->maxstack) return none;
  for (int i = fr->f->nloc - 1; i >= 0; i--) {
    const locvar *v = &fr->f->loc[i];
    if (v->reg == r && v->startpc <= pc && pc < v->endpc) return fr->lk[i];
  }
  return fr->tmp[r];
}

static void set_regs(frame *fr, int lo, int hi) {
  for (int r = lo < 0 ? 0 : lo; r <= hi && r < fr->f->maxstack; r++) memset(&fr->tmp[r], 0, sizeof(know));
}

/* Marks where control may arrive from another instruction than the previous one. */
static void mark_targets(const proto *f, unsigned char *t) {
  for (int pc = 0; pc < f->ncode; pc++) {
    uint32_t i = f->code[pc];
    int op = OP(i), to = -1;
    if (op == OP_JMP) to = pc + 1 + ARG_SJ(i);
    else if (op == OP_FORPREP) to = pc + 2 + ARG_BX(i);
    else if (op == OP_FORLOOP || op == OP_TFORLOOP) to = pc + 1 - ARG_BX(i);
    else if (op == OP_TFORPREP) to = pc + 1 + ARG_BX(i);
    else if ((op >= OP_EQ && op <= OP_TESTSET) || op == OP_LFALSESKIP || op == OP_LOADKX)
      to = pc + 2;
    if (to >= 0 && to < f->ncode) t[to] = 1;
    if (op == OP_FORLOOP || op == OP_TFORLOOP || op == OP_FORPREP || op == OP_TFORPREP ||
        op == OP_JMP || op == OP_TAILCALL || (op >= OP_RETURN && op <= OP_RETURN1))
      if (pc + 1 < f->ncode) t[pc + 1] = 1;
  }
}

/* Registers of locals: the n-th local active at its start is in register n. */
static void assign_registers(proto *f) {
  for (int i = 0; i < f->nloc; i++) {
    int r = 0;
    for (int j = 0; j < i; j++)
      if (f->loc[j].startpc <= f->loc[i].startpc && f->loc[i].startpc < f->loc[j].endpc) r++;
    f->loc[i].reg = r;
  }
  for (int k = 0; k < f->np; k++) assign_registers(&f->p[k]);
}

static int local_is_const(const lint *l, const proto *f, const locvar *v) {
  if (is_written(l, v->name)) return 0;
  for (int pc = v->startpc; pc < v->endpc && pc < f->ncode; pc++) {
    int lo, hi;
    writes(f, f->code[pc], &lo, &hi);
    if (lo <= v->reg && v->reg <= hi) return 0;
  }
  return 1;
}

static void step(lint *l, frame *fr, int pc) {
  const proto *f = fr->f;
  uint32_t i = f->code[pc];
  int op = OP(i), a = ARG_A(i), b = ARG_B(i), c = ARG_C(i);
  int line = f->lines[pc];
  know k = {0};
  switch (op) {
  case OP_MOVE: k = get(fr, b, pc); break;
  case OP_LOADK:
    if (kstr(f, ARG_BX(i))) k.kind = K_STR, k.s = kstr(f, ARG_BX(i));
    break;
  case OP_GETUPVAL:
    if (b < f->nup) k = fr->upk[b];
    break;
  case OP_GETTABLE: { /* a key past the 256th constant: R[C] loaded by LOADK */
    know t = get(fr, b, pc), key = get(fr, c, pc);
    if (key.kind != K_STR) break;
    if (t.kind == K_ENV) global_read(l, key.s, line, &k);
    else k = field_of(l, &t, key.s, line);
    break;
  }
  case OP_SETTABLE: {
    know t = get(fr, a, pc), key = get(fr, b, pc);
    if (key.kind != K_STR) break;
    if (t.kind == K_ENV)
      report(l, line, "assignment to global '%s' (policies cannot set globals; use local)", key.s);
    else
      module_assign(l, &t, key.s, line);
    break;
  }
  case OP_GETTABUP:
    if (b < f->nup && fr->upk[b].kind == K_ENV)
      global_read(l, kstr(f, c), line, &k);
    else if (b < f->nup)
      k = field_of(l, &fr->upk[b], kstr(f, c), line);
    break;
  case OP_GETFIELD: {
    know t = get(fr, b, pc);
    k = field_of(l, &t, kstr(f, c), line);
    break;
  }
  case OP_SELF: {
    know t = get(fr, b, pc);
    if (ARG_K(i)) field_of(l, &t, kstr(f, c), line);
    break;
  }
  case OP_SETTABUP:
    if (a < f->nup && fr->upk[a].kind == K_ENV && kstr(f, b))
      report(l, line, "assignment to global '%s' (policies cannot set globals; use local)", kstr(f, b));
    else if (a < f->nup)
      module_assign(l, &fr->upk[a], kstr(f, b), line);
    break;
  case OP_SETFIELD: {
    know t = get(fr, a, pc);
    module_assign(l, &t, kstr(f, b), line);
    break;
  }
  case OP_CALL: {
    know fn = get(fr, a, pc), arg = get(fr, a + 1, pc);
    if (fn.kind == K_REQUIRE && b == 2 && arg.kind == K_STR) {
      required(l, arg.s, line, &k);
      if (c != 2) memset(&k, 0, sizeof k);
    }
    break;
  }
  case OP_CLOSURE: {
    int bx = ARG_BX(i);
    if (bx >= f->np) break;
    const proto *child = &f->p[bx];
    know *cu = arena_calloc(&l->a, (size_t)child->nup + 1, sizeof *cu);
    if (!cu) break;
    for (int u = 0; u < child->nup; u++) {
      const upval *uv = &child->up[u];
      if (is_written(l, uv->name)) continue;
      if (uv->instack) {
        for (int j = f->nloc - 1; j >= 0; j--) {
          const locvar *v = &f->loc[j];
          if (v->reg == uv->idx && v->startpc <= pc && pc < v->endpc) {
            cu[u] = fr->lk[j];
            break;
          }
        }
      } else if (uv->idx < f->nup) {
        cu[u] = fr->upk[uv->idx];
      }
      if (cu[u].kind == K_MOD || cu[u].kind == K_LIB) cu[u].shown = uv->name ? uv->name : cu[u].shown;
    }
    analyse(l, child, cu);
    break;
  }
  default: break;
  }
  int lo, hi;
  writes(f, i, &lo, &hi);
  set_regs(fr, lo, hi);
  if (k.kind && a < f->maxstack) fr->tmp[a] = k;
}

static void analyse(lint *l, const proto *f, const know *upk) {
  frame fr = {f, arena_calloc(&l->a, (size_t)f->maxstack + 1, sizeof(know)),
              arena_calloc(&l->a, (size_t)f->nloc + 1, sizeof(know)),
              arena_calloc(&l->a, (size_t)f->ncode + 1, 1), upk};
  if (!fr.tmp || !fr.lk || !fr.target) return;
  mark_targets(f, fr.target);
  for (int pc = 0; pc < f->ncode; pc++) {
    for (int j = 0; j < f->nloc; j++) {
      const locvar *v = &f->loc[j];
      if (v->startpc != pc || v->reg >= f->maxstack || !fr.tmp[v->reg].kind) continue;
      if (!local_is_const(l, f, v)) continue;
      fr.lk[j] = fr.tmp[v->reg];
      if ((fr.lk[j].kind == K_MOD || fr.lk[j].kind == K_LIB) && v->name) fr.lk[j].shown = v->name;
    }
    if (fr.target[pc]) memset(fr.tmp, 0, (size_t)f->maxstack * sizeof(know));
    step(l, &fr, pc);
  }
}

/* ---- entry ------------------------------------------------------------------------------- */

typedef struct dumpbuf {
  unsigned char *b;
  size_t n, cap;
  int oom;
} dumpbuf;

static int writer(lua_State *L, const void *p, size_t sz, void *ud) {
  dumpbuf *d = ud;
  (void)L;
  if (d->n + sz > d->cap) {
    size_t cap = d->cap ? d->cap * 2 : 4096;
    while (cap < d->n + sz) cap *= 2;
    unsigned char *nb = realloc(d->b, cap);
    if (!nb) {
      d->oom = 1;
      return 1;
    }
    d->b = nb;
    d->cap = cap;
  }
  memcpy(d->b + d->n, p, sz);
  d->n += sz;
  return 0;
}

static int by_line(const void *x, const void *y) {
  const char *a = *(char *const *)x, *b = *(char *const *)y;
  /* "path:LINE: ..." with the same path: compare the line numbers */
  size_t n = 0;
  while (a[n] && a[n] == b[n] && a[n] != ':') n++;
  long la = strtol(a + n + (a[n] == ':'), NULL, 10), lb = strtol(b + n + (b[n] == ':'), NULL, 10);
  if (la != lb) return la < lb ? -1 : 1;
  return strcmp(a, b);
}

/* Compiles and dumps the chunk and reads the dump into *main (in `a`). Returns 1 when it
 * did, 0 when the chunk does not compile or the dump is of another format, -1 when
 * memory runs out. */
static int read_chunk(const char *path, const char *src, size_t len, arena *a, proto *main) {
  lua_State *L = luaL_newstate();
  if (!L) return -1;
  char chunk[512];
  snprintf(chunk, sizeof chunk, "@%s", path);
  dumpbuf d = {0};
  if (luaL_loadbufferx(L, src, len, chunk, "t") == LUA_OK) lua_dump(L, writer, &d, 0);
  lua_close(L);
  if (d.oom) {
    free(d.b);
    return -1;
  }
  if (!d.b) return 0;
  reader r = {d.b, d.n, 0, 0, a};
  memset(main, 0, sizeof *main);
  if (rd_header(&r) == 0) rd_function(&r, main, 0);
  free(d.b);
  if (a->oom) return -1;
  return !r.bad && main->code;
}

int policy_lint(const char *path, const char *src, size_t len, const policy_lint_env *env,
                char ***problems, int *n, char *err, size_t errsz) {
  *problems = NULL;
  *n = 0;
  lint l = {.path = path, .env = env};
  arena_init(&l.a);
  proto main;
  int rc = read_chunk(path, src, len, &l.a, &main);
  if (rc > 0) {
    assign_registers(&main);
    collect_written(&l, &main);
    know env_up[2] = {{0}};
    if (main.nup > 0 && main.up[0].name && strcmp(main.up[0].name, "_ENV") == 0 &&
        !is_written(&l, "_ENV"))
      env_up[0].kind = K_ENV;
    if (main.nup <= 1) analyse(&l, &main, env_up);
  }
  int oom = rc < 0 || l.oom || l.a.oom;
  arena_free(&l.a);
  if (oom) {
    policy_lint_free(l.problems, l.n);
    snprintf(err, errsz, "out of memory");
    return -1;
  }
  if (l.n > 1) qsort(l.problems, (size_t)l.n, sizeof *l.problems, by_line);
  *problems = l.problems;
  *n = l.n;
  return 0;
}

/* Marks the lines of f's code, and of the functions inside it. The last instruction of a
 * function is the `return` Lua adds at its `end`, dead after an explicit return: its line
 * counts only when other code shares it. */
static void code_lines(const proto *f, unsigned char *seen, int max) {
  for (int pc = 0; pc < f->ncode; pc++) {
    int line = f->lines[pc];
    if (line <= 0 || line >= max) continue;
    if (pc == f->ncode - 1 && pc > 0) {
      int shared = 0;
      for (int k = 0; k < pc && !shared; k++) shared = f->lines[k] == line;
      if (!shared) continue;
    }
    seen[line] = 1;
  }
  for (int k = 0; k < f->np; k++) code_lines(&f->p[k], seen, max);
}

int policy_lint_lines(const char *path, const char *src, size_t len, int **lines, int *n,
                      char *err, size_t errsz) {
  *lines = NULL;
  *n = 0;
  arena a;
  arena_init(&a);
  proto main;
  int rc = read_chunk(path, src, len, &a, &main);
  int max = 1;
  for (size_t i = 0; i < len; i++) max += src[i] == '\n';
  max += 2;
  unsigned char *seen = rc > 0 ? calloc((size_t)max, 1) : NULL;
  if (seen)
    for (int k = 0; k < main.np; k++) code_lines(&main.p[k], seen, max);
  int count = 0;
  for (int i = 0; seen && i < max; i++) count += seen[i];
  int *out = count ? malloc((size_t)count * sizeof *out) : NULL;
  for (int i = 0, j = 0; out && i < max; i++)
    if (seen[i]) out[j++] = i;
  free(seen);
  arena_free(&a);
  if (rc < 0 || (rc > 0 && !seen && max) || (count && !out)) {
    free(out);
    snprintf(err, errsz, "out of memory");
    return -1;
  }
  *lines = out;
  *n = count;
  return 0;
}

void policy_lint_free(char **problems, int n) {
  for (int i = 0; i < n; i++) free(problems[i]);
  free(problems);
}
