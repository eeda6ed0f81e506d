/* html.c — the escaping HTML writer (see html.h). Owns its buffer. */
#include "html.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "term.h"

void html_init(html *h) { memset(h, 0, sizeof *h); }

void html_free(html *h) {
  free(h->buf);
  html_init(h);
}

static void put(html *h, const char *s, size_t n) {
  if (h->oom || !n) return;
  if (h->len + n + 1 > h->cap) {
    size_t cap = h->cap ? h->cap : 4096;
    while (h->len + n + 1 > cap) cap *= 2;
    char *b = realloc(h->buf, cap);
    if (!b) {
      h->oom = 1;
      return;
    }
    h->buf = b;
    h->cap = cap;
  }
  memcpy(h->buf + h->len, s, n);
  h->len += n;
  h->buf[h->len] = 0;
}

void html_raw(html *h, const char *markup) { put(h, markup, strlen(markup)); }

/* The length of the well-formed UTF-8 sequence at `p` (of at most `n` bytes), or 0. */
static size_t utf8_len(const unsigned char *p, size_t n) {
  unsigned char c = p[0];
  size_t len = c >= 0xc2 && c <= 0xdf ? 2 : c >= 0xe0 && c <= 0xef ? 3 : c >= 0xf0 && c <= 0xf4 ? 4 : 0;
  if (!len || len > n) return 0;
  unsigned char lo = 0x80, hi = 0xbf; /* the second byte's range excludes overlongs,
                                         surrogates and code points past U+10FFFF */
  if (c == 0xe0) lo = 0xa0;
  if (c == 0xed) hi = 0x9f;
  if (c == 0xf0) lo = 0x90;
  if (c == 0xf4) hi = 0x8f;
  if (p[1] < lo || p[1] > hi) return 0;
  for (size_t i = 2; i < len; i++)
    if (p[i] < 0x80 || p[i] > 0xbf) return 0;
  return len;
}

void html_textn(html *h, const char *s, size_t n) {
  if (!s) return;
  const unsigned char *p = (const unsigned char *)s, *end = p + n;
  const unsigned char *run = p; /* bytes written as they are, not yet copied */
  while (p < end) {
    unsigned char c = *p;
    const char *ref = NULL;
    size_t skip = 1;
    if (c == '&')
      ref = "&amp;";
    else if (c == '<')
      ref = "&lt;";
    else if (c == '>')
      ref = "&gt;";
    else if (c == '"')
      ref = "&quot;";
    else if (c == '\'')
      ref = "&#39;";
    else if (c == TERM_GLUE_CHAR)
      ref = "&nbsp;";
    else if ((c < 0x20 && c != '\t' && c != '\n') || c == 0x7f)
      ref = "";
    else if (c >= 0x80 && !(skip = utf8_len(p, (size_t)(end - p)))) {
      ref = "\xef\xbf\xbd"; /* U+FFFD for a byte that is not UTF-8 */
      skip = 1;
    }
    if (!ref) {
      p += skip;
      continue;
    }
    put(h, (const char *)run, (size_t)(p - run));
    put(h, ref, strlen(ref));
    p += skip;
    run = p;
  }
  put(h, (const char *)run, (size_t)(p - run));
}

void html_text(html *h, const char *s) {
  if (s) html_textn(h, s, strlen(s));
}

/* One conversion of html_f, formatted with literal formats only: the flag 0, a width and a
 * precision are passed as arguments (`*`), so the compiler has checked the caller's format
 * against its arguments (html_f's format attribute) and nothing here is a format it cannot. */
void html_f(html *h, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  const char *lit = fmt;
  const char *p = fmt;
  while (*p) {
    if (*p != '%') {
      p++;
      continue;
    }
    put(h, lit, (size_t)(p - lit));
    p++;
    if (*p == '%') {
      put(h, "%", 1);
      lit = ++p;
      continue;
    }
    int zero = 0, width = 0, prec = -1, longs = 0, size = 0;
    for (; *p && strchr("-+ #0", *p); p++) zero |= *p == '0';
    for (; *p >= '0' && *p <= '9'; p++) width = width * 10 + (*p - '0');
    if (*p == '.')
      for (prec = 0, p++; *p >= '0' && *p <= '9'; p++) prec = prec * 10 + (*p - '0');
    for (;; p++) {
      if (*p == 'l')
        longs++;
      else if (*p == 'z')
        size = 1;
      else
        break;
    }
    char conv = *p ? *p++ : 0;
    lit = p;
    char out[64];
    int len = 0;
    switch (conv) {
    case 's': html_text(h, va_arg(ap, const char *)); continue;
    case 'd':
    case 'i': {
      long long v = size ? (long long)va_arg(ap, size_t)
                    : longs >= 2 ? va_arg(ap, long long)
                    : longs ? va_arg(ap, long)
                            : va_arg(ap, int);
      len = zero ? snprintf(out, sizeof out, "%0*lld", width, v)
                 : snprintf(out, sizeof out, "%*lld", width, v);
      break;
    }
    case 'u':
    case 'x': {
      unsigned long long v = size ? va_arg(ap, size_t)
                             : longs >= 2 ? va_arg(ap, unsigned long long)
                             : longs ? va_arg(ap, unsigned long)
                                     : va_arg(ap, unsigned);
      if (conv == 'x')
        len = zero ? snprintf(out, sizeof out, "%0*llx", width, v)
                   : snprintf(out, sizeof out, "%*llx", width, v);
      else
        len = zero ? snprintf(out, sizeof out, "%0*llu", width, v)
                   : snprintf(out, sizeof out, "%*llu", width, v);
      break;
    }
    case 'f': len = snprintf(out, sizeof out, "%.*f", prec < 0 ? 6 : prec, va_arg(ap, double)); break;
    case 'g': len = snprintf(out, sizeof out, "%.*g", prec < 0 ? 6 : prec, va_arg(ap, double)); break;
    default: continue; /* not a conversion html_f knows: nothing is written */
    }
    if (len > 0) put(h, out, (size_t)len < sizeof out ? (size_t)len : sizeof out - 1);
  }
  put(h, lit, strlen(lit));
  va_end(ap);
}

void html_url(html *h, const char *s) {
  static const char hex[] = "0123456789ABCDEF";
  if (!s) return;
  for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
    if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
        *p == '-' || *p == '.' || *p == '_' || *p == '~') {
      put(h, (const char *)p, 1);
    } else {
      char e[3] = {'%', hex[*p >> 4], hex[*p & 15]};
      put(h, e, 3);
    }
  }
}
