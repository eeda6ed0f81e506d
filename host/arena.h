/* arena.h — a chunked bump allocator for memory that lives and dies together: one facts
 * batch, one chunk of evaluation results.
 *
 * Allocations never move (chunks are linked, not reallocated), so pointers into an arena
 * stay valid until arena_reset or arena_free. Out of memory is sticky: a failed
 * allocation returns NULL and sets `oom`, which the owner checks once at the end of the
 * work instead of after every call. Not thread-safe: one owner at a time. */
#ifndef ATTAIN_ARENA_H
#define ATTAIN_ARENA_H

#include <stddef.h>

typedef struct arena_chunk arena_chunk;

typedef struct arena {
  arena_chunk *chunks; /* newest first */
  arena_chunk *spare;  /* chunks kept by arena_reset, reused before malloc */
  int oom;
} arena;

void arena_init(arena *a);
void arena_free(arena *a);
/* Forgets every allocation, keeping the memory for reuse. */
void arena_reset(arena *a);

/* `n` bytes aligned for any type, or NULL (and a->oom) when memory runs out. */
void *arena_alloc(arena *a, size_t n);
/* A zeroed array of `n` elements of `size` bytes. */
void *arena_calloc(arena *a, size_t n, size_t size);
/* A copy of `s` (NULL stays NULL); "" when memory runs out. */
const char *arena_strdup(arena *a, const char *s);
const char *arena_strndup(arena *a, const char *s, size_t n);

#endif
