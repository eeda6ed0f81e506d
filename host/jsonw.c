/* jsonw.c — the JSON writer (see jsonw.h). */
#include "jsonw.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "isotime.h"

void jsonw_init(jsonw *w) { memset(w, 0, sizeof *w); }
void jsonw_free(jsonw *w) {
  free(w->buf);
  memset(w, 0, sizeof *w);
}
void jsonw_reset(jsonw *w) {
  w->len = 0;
  w->oom = 0;
  w->need_sep = 0;
  if (w->buf) w->buf[0] = 0;
}

void jsonw_raw(jsonw *w, const char *s, size_t n) {
  if (w->len + n + 1 > w->cap) {
    size_t cap = w->cap ? w->cap : 256;
    while (cap < w->len + n + 1) cap *= 2;
    char *b = realloc(w->buf, cap);
    if (!b) {
      w->oom = 1;
      return;
    }
    w->buf = b;
    w->cap = cap;
  }
  memcpy(w->buf + w->len, s, n);
  w->len += n;
  w->buf[w->len] = 0;
}

static void lit(jsonw *w, const char *s) { jsonw_raw(w, s, strlen(s)); }

static void sep(jsonw *w) {
  if (w->need_sep) lit(w, ",");
  w->need_sep = 1;
}

void jsonw_obj_begin(jsonw *w) {
  sep(w);
  lit(w, "{");
  w->need_sep = 0;
}
void jsonw_obj_end(jsonw *w) {
  lit(w, "}");
  w->need_sep = 1;
}
void jsonw_arr_begin(jsonw *w) {
  sep(w);
  lit(w, "[");
  w->need_sep = 0;
}
void jsonw_arr_end(jsonw *w) {
  lit(w, "]");
  w->need_sep = 1;
}

static void quoted(jsonw *w, const char *s, size_t n) {
  static const char hex[] = "0123456789abcdef";
  lit(w, "\"");
  size_t run = 0;
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)s[i];
    if (c >= 0x20 && c != '"' && c != '\\') continue;
    jsonw_raw(w, s + run, i - run);
    run = i + 1;
    char esc[7] = {'\\', 0, 0, 0, 0, 0, 0};
    switch (c) {
    case '"': esc[1] = '"'; break;
    case '\\': esc[1] = '\\'; break;
    case '\n': esc[1] = 'n'; break;
    case '\r': esc[1] = 'r'; break;
    case '\t': esc[1] = 't'; break;
    default:
      memcpy(esc + 1, "u00", 3);
      esc[4] = hex[c >> 4];
      esc[5] = hex[c & 15];
    }
    lit(w, esc);
  }
  jsonw_raw(w, s + run, n - run);
  lit(w, "\"");
}

void jsonw_key(jsonw *w, const char *k) {
  sep(w);
  quoted(w, k, strlen(k));
  lit(w, ":");
  w->need_sep = 0;
}

void jsonw_str(jsonw *w, const char *s) {
  if (!s) {
    jsonw_null(w);
    return;
  }
  jsonw_strn(w, s, strlen(s));
}

void jsonw_strn(jsonw *w, const char *s, size_t n) {
  sep(w);
  quoted(w, s, n);
}

void jsonw_int(jsonw *w, int64_t v) {
  char b[32];
  sep(w);
  lit(w, (snprintf(b, sizeof b, "%lld", (long long)v), b));
}

void jsonw_num(jsonw *w, double v) {
  if (!isfinite(v)) {
    jsonw_null(w); /* JSON has no NaN or infinity */
    return;
  }
  if (v == floor(v) && fabs(v) < 9007199254740992.0) {
    jsonw_int(w, (int64_t)v);
    return;
  }
  char b[40];
  for (int prec = 1; prec <= 17; prec++) {
    snprintf(b, sizeof b, "%.*g", prec, v);
    if (strtod(b, NULL) == v) break;
  }
  sep(w);
  lit(w, b);
}

void jsonw_bool(jsonw *w, int v) {
  sep(w);
  lit(w, v ? "true" : "false");
}

void jsonw_null(jsonw *w) {
  sep(w);
  lit(w, "null");
}

void jsonw_time(jsonw *w, int64_t t) {
  if (t == INT64_MIN) {
    jsonw_null(w);
    return;
  }
  char b[ISOTIME_BUFSZ];
  isotime_format(t, b);
  jsonw_str(w, b);
}
