/* suggest.h — "did you mean ...?": the known name closest to a misspelt one.
 *
 * Closeness is the optimal-string-alignment distance (insertions, deletions,
 * substitutions and swaps of neighbours, each 1), compared case-insensitively; a
 * candidate is suggested only when it is close for the word's length (1 edit up to 4
 * characters, 2 up to 8, 3 beyond), so unrelated names are never offered. Pure; no
 * allocation beyond a small buffer on the stack. */
#ifndef ATTAIN_SUGGEST_H
#define ATTAIN_SUGGEST_H

#include <stddef.h>

/* The closest of `n` candidates to `word` (the first of equally close ones), or NULL when
 * none is close enough. Candidates equal to `word` are skipped. */
const char *suggest_closest(const char *word, const char *const *candidates, size_t n);

/* The distance between a and b (case-insensitive); words longer than 63 bytes compare as
 * far apart. */
int suggest_distance(const char *a, const char *b);

#endif
