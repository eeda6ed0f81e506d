/* arena.c — chunked bump allocation (see arena.h). */
#include "arena.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define CHUNK_SIZE 65536

struct arena_chunk {
  arena_chunk *next;
  size_t used, cap;
  max_align_t data[]; /* aligned storage */
};

void arena_init(arena *a) { memset(a, 0, sizeof *a); }

static void free_list(arena_chunk *c) {
  while (c) {
    arena_chunk *n = c->next;
    free(c);
    c = n;
  }
}

void arena_free(arena *a) {
  free_list(a->chunks);
  free_list(a->spare);
  memset(a, 0, sizeof *a);
}

void arena_reset(arena *a) {
  /* Standard-size chunks are kept for reuse; an oversized one is returned. */
  while (a->chunks) {
    arena_chunk *c = a->chunks;
    a->chunks = c->next;
    if (c->cap == CHUNK_SIZE) {
      c->used = 0;
      c->next = a->spare;
      a->spare = c;
    } else {
      free(c);
    }
  }
  a->oom = 0;
}

/* Strings need no alignment: they are packed, everything else starts aligned. */
static void *bump(arena *a, size_t n, size_t align) {
  arena_chunk *c = a->chunks;
  size_t at = c ? (c->used + align - 1) / align * align : 0;
  if (!c || at > c->cap || c->cap - at < n) {
    if (n <= CHUNK_SIZE && a->spare) {
      c = a->spare;
      a->spare = c->next;
    } else {
      size_t cap = n > CHUNK_SIZE ? n : CHUNK_SIZE;
      c = malloc(sizeof *c + cap);
      if (!c) {
        a->oom = 1;
        return NULL;
      }
      c->cap = cap;
    }
    c->used = 0;
    c->next = a->chunks;
    a->chunks = c;
    at = 0;
  }
  void *p = (char *)c->data + at;
  c->used = at + n;
  return p;
}

void *arena_alloc(arena *a, size_t n) { return bump(a, n ? n : 1, sizeof(max_align_t)); }

void *arena_calloc(arena *a, size_t n, size_t size) {
  if (size && n > SIZE_MAX / size) {
    a->oom = 1;
    return NULL;
  }
  void *p = arena_alloc(a, n * size);
  if (p) memset(p, 0, n * size);
  return p;
}

const char *arena_strndup(arena *a, const char *s, size_t n) {
  if (!s) return NULL;
  char *p = bump(a, n + 1, 1);
  if (!p) return "";
  memcpy(p, s, n);
  p[n] = 0;
  return p;
}

const char *arena_strdup(arena *a, const char *s) {
  return s ? arena_strndup(a, s, strlen(s)) : NULL;
}
