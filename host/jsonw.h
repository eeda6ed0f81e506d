/* jsonw.h — a small JSON writer into a growable buffer, for output that must be
 * byte-for-byte reproducible: keys are written in the order the caller writes them,
 * numbers in one canonical form (integers without a fraction, other numbers in the
 * shortest form that reads back to the same double), strings escaped per RFC 8259. */
#ifndef ATTAIN_JSONW_H
#define ATTAIN_JSONW_H

#include <stddef.h>
#include <stdint.h>

typedef struct jsonw {
  char *buf;
  size_t len, cap;
  int oom;      /* an allocation failed: the content is truncated */
  int need_sep; /* a value was written at this nesting level: the next needs a comma */
} jsonw;

void jsonw_init(jsonw *w);
void jsonw_free(jsonw *w);
void jsonw_reset(jsonw *w);

void jsonw_raw(jsonw *w, const char *s, size_t n);
void jsonw_obj_begin(jsonw *w);
void jsonw_obj_end(jsonw *w);
void jsonw_arr_begin(jsonw *w);
void jsonw_arr_end(jsonw *w);
void jsonw_key(jsonw *w, const char *k); /* then exactly one value */
void jsonw_str(jsonw *w, const char *s);
void jsonw_strn(jsonw *w, const char *s, size_t n);
void jsonw_int(jsonw *w, int64_t v);
void jsonw_num(jsonw *w, double v);
void jsonw_bool(jsonw *w, int v);
void jsonw_null(jsonw *w);
/* A UTC time as "YYYY-MM-DDTHH:MM:SSZ", or null for STORE_NO_TIME-like INT64_MIN. */
void jsonw_time(jsonw *w, int64_t t);

#endif
