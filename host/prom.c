/* prom.c — the Prometheus text format (see prom.h). */
#include "prom.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

static void raw(jsonw *w, const char *s) { jsonw_raw(w, s, strlen(s)); }

static void number(jsonw *w, double v) {
  char b[40];
  if (isnan(v))
    snprintf(b, sizeof b, "NaN");
  else if (isinf(v))
    snprintf(b, sizeof b, "%sInf", v > 0 ? "+" : "-");
  else if (v == floor(v) && fabs(v) < 9007199254740992.0)
    snprintf(b, sizeof b, "%.0f", v);
  else
    snprintf(b, sizeof b, "%.17g", v);
  raw(w, b);
}

/* HELP text escapes \\ and \n; label values also escape \". */
static void escaped(jsonw *w, const char *s, int quotes) {
  for (; *s; s++) {
    if (*s == '\\')
      raw(w, "\\\\");
    else if (*s == '\n')
      raw(w, "\\n");
    else if (*s == '"' && quotes)
      raw(w, "\\\"");
    else
      jsonw_raw(w, s, 1);
  }
}

void prom_family(jsonw *w, const char *name, const char *type, const char *help) {
  raw(w, "# HELP ");
  raw(w, name);
  raw(w, " ");
  escaped(w, help, 0);
  raw(w, "\n# TYPE ");
  raw(w, name);
  raw(w, " ");
  raw(w, type);
  raw(w, "\n");
}

static void labels_open(jsonw *w, const char *const *labels, int nlabels, int more) {
  if (!nlabels && !more) return;
  raw(w, "{");
  for (int i = 0; i < nlabels; i++) {
    if (i) raw(w, ",");
    raw(w, labels[2 * i]);
    raw(w, "=\"");
    escaped(w, labels[2 * i + 1] ? labels[2 * i + 1] : "", 1);
    raw(w, "\"");
  }
  if (!more) raw(w, "}");
}

void prom_sample(jsonw *w, const char *name, const char *const *labels, int nlabels,
                 double value) {
  raw(w, name);
  labels_open(w, labels, nlabels, 0);
  raw(w, " ");
  number(w, value);
  raw(w, "\n");
}

void prom_hist_init(prom_hist *h, const double *bounds, int nbounds) {
  memset(h, 0, sizeof *h);
  h->bounds = bounds;
  h->nbounds = nbounds < PROM_MAX_BUCKETS ? nbounds : PROM_MAX_BUCKETS;
}

void prom_hist_observe(prom_hist *h, double value) {
  for (int i = 0; i < h->nbounds; i++)
    if (value <= h->bounds[i]) {
      h->counts[i]++;
      break;
    }
  h->count++;
  h->sum += value;
}

void prom_hist_write(jsonw *w, const char *name, const char *const *labels, int nlabels,
                     const prom_hist *h) {
  char series[128], le[40];
  snprintf(series, sizeof series, "%s_bucket", name);
  uint64_t cumulative = 0;
  for (int i = 0; i <= h->nbounds; i++) {
    if (i < h->nbounds) {
      cumulative += h->counts[i];
      snprintf(le, sizeof le, "%g", h->bounds[i]);
    } else {
      cumulative = h->count;
      snprintf(le, sizeof le, "+Inf");
    }
    raw(w, series);
    labels_open(w, labels, nlabels, 1);
    raw(w, nlabels ? ",le=\"" : "le=\"");
    raw(w, le);
    raw(w, "\"} ");
    number(w, (double)cumulative);
    raw(w, "\n");
  }
  snprintf(series, sizeof series, "%s_sum", name);
  prom_sample(w, series, labels, nlabels, h->sum);
  snprintf(series, sizeof series, "%s_count", name);
  prom_sample(w, series, labels, nlabels, (double)h->count);
}
