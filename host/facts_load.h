/* facts_load.h — a range of organisations' facts read from the store into memory.
 *
 * A facts_batch is filled from the store (store_read_range) for organisations lo..hi and
 * hands out one facts_org per organisation (facts.h), in organisation order. The same
 * read transaction can stream what earlier evaluations stored to a prior sink
 * (eval_prior.h), so facts and prior agree.
 *
 * Ownership: the batch owns every array and string; facts_org pointers stay valid until
 * the next facts_batch_load or facts_batch_free. A batch is used by one thread. */
#ifndef ATTAIN_FACTS_LOAD_H
#define ATTAIN_FACTS_LOAD_H

#include <stddef.h>
#include <stdint.h>

#include "facts.h"
#include "store.h"
#include "store_read.h"

typedef struct facts_batch facts_batch;

facts_batch *facts_batch_new(void);
void facts_batch_free(facts_batch *b);
/* Replaces the batch's content with the facts of organisations lo..hi; metric rows only in
 * window `w` (NULL: all). If `prior` is given, it receives in the same read transaction
 * what evaluations stored for them as of `at` (store_read_range). */
int facts_batch_load(facts_batch *b, store *s, int64_t lo, int64_t hi,
                     const store_metric_window *w, int64_t at, const store_prior_sink *prior,
                     void *prior_arg, char *err, size_t errsz);
int facts_batch_count(const facts_batch *b);
const facts_org *facts_batch_org(const facts_batch *b, int i);

#endif
