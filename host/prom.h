/* prom.h — the Prometheus text exposition format (version 0.0.4), written into a jsonw
 * buffer (jsonw.h is only used as a growable byte buffer here).
 *
 * A family is announced once with its HELP and TYPE lines (prom_family), then its samples
 * follow, each with at most PROM_MAX_LABELS labels given as name/value pairs. Label values
 * are escaped as the format requires (\\, \" and \n); names are the caller's constants.
 * Histograms keep cumulative bucket counts (prom_hist) and are written as the _bucket
 * series with le="..." plus _sum and _count. Nothing here is thread-safe: a prom_hist is
 * guarded by whoever owns it. */
#ifndef ATTAIN_PROM_H
#define ATTAIN_PROM_H

#include <stdint.h>

#include "jsonw.h"

#define PROM_CONTENT_TYPE "text/plain; version=0.0.4; charset=utf-8"
#define PROM_MAX_LABELS 3
#define PROM_MAX_BUCKETS 16

/* The HELP and TYPE lines of a family; `type` is "counter", "gauge" or "histogram". */
void prom_family(jsonw *w, const char *name, const char *type, const char *help);
/* One sample: `name{l1="v1",...} value`. `labels` holds 2*nlabels strings. */
void prom_sample(jsonw *w, const char *name, const char *const *labels, int nlabels,
                 double value);

/* A histogram of observations in base units (seconds). `bounds` are the upper bounds of
 * the buckets, ascending; +Inf is implied. */
typedef struct prom_hist {
  const double *bounds;
  int nbounds;
  uint64_t counts[PROM_MAX_BUCKETS]; /* observations <= bounds[i] (not cumulative) */
  uint64_t count;                    /* every observation, so the +Inf bucket */
  double sum;
} prom_hist;

void prom_hist_init(prom_hist *h, const double *bounds, int nbounds);
void prom_hist_observe(prom_hist *h, double value);
/* The _bucket, _sum and _count samples of `h` under family `name`, with the labels. */
void prom_hist_write(jsonw *w, const char *name, const char *const *labels, int nlabels,
                     const prom_hist *h);

#endif
