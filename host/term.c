/* term.c — the terminal's width and colour, wrapping, numbers for people (see term.h).
 * Reads the environment ($COLUMNS, $NO_COLOR, $TERM) and asks the terminal its size
 * (TIOCGWINSZ); owns nothing but a term_line's buffer. */
#include "term.h"

#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

void term_init(term *t, FILE *out) {
  t->out = out;
  int fd = fileno(out);
  int tty = fd >= 0 && isatty(fd);
  t->width = TERM_DEFAULT_WIDTH;
  const char *columns = getenv("COLUMNS");
  char *end;
  long n = columns && *columns ? strtol(columns, &end, 10) : 0;
  struct winsize ws;
  if (n > 0 && *end == 0)
    t->width = n < TERM_MIN_WIDTH ? TERM_MIN_WIDTH : n > 100000 ? 100000 : (int)n;
  else if (tty && ioctl(fd, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
    t->width = ws.ws_col < TERM_MIN_WIDTH ? TERM_MIN_WIDTH : ws.ws_col;
  const char *no_color = getenv("NO_COLOR"), *term_name = getenv("TERM");
  t->colour = tty && !(no_color && *no_color) && !(term_name && strcmp(term_name, "dumb") == 0);
}

const char *term_on(const term *t, int style) {
  static const char *const sgr[] = {"\033[1m",  "\033[2m",  "\033[31m",
                                    "\033[32m", "\033[33m", "\033[36m"};
  return t->colour && style >= 0 && style < (int)(sizeof sgr / sizeof *sgr) ? sgr[style] : "";
}

const char *term_off(const term *t) { return t->colour ? "\033[0m" : ""; }

/* Columns of s[0..n): UTF-8 lead bytes count, continuation bytes and escapes do not. */
static int columns_n(const char *s, size_t n) {
  int w = 0;
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)s[i];
    if (c == 033 && i + 1 < n && s[i + 1] == '[') {
      i += 2;
      while (i < n && !(s[i] >= '@' && s[i] <= '~')) i++; /* up to the final byte */
      continue;
    }
    if ((c & 0xC0) != 0x80) w++;
  }
  return w;
}

int term_columns(const char *s) { return columns_n(s, strlen(s)); }

/* A word that is one symbol ("≥", "-", "&") stays with the word after it: a line never
 * ends with one. */
static int lone_symbol(const char *w, size_t n) {
  if (columns_n(w, n) != 1) return 0;
  unsigned char c = (unsigned char)w[0];
  return !((c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z'));
}

void term_wrap(const term *t, int col, int hang, const char *text) {
  FILE *out = t->out;
  const char *p = text;
  int at_start = 1; /* nothing but the caller's prefix and indentation on this line yet */
  while (*p) {
    const char *sp = p;
    while (*p == ' ') p++;
    size_t nsp = (size_t)(p - sp);
    /* the next unit: a word, or a lone symbol with the word after it */
    const char *word = p;
    while (*p && *p != ' ') p++;
    if (lone_symbol(word, (size_t)(p - word))) {
      const char *q = p;
      while (*q == ' ') q++;
      if (*q) {
        p = q;
        while (*p && *p != ' ') p++;
      }
    }
    size_t nword = (size_t)(p - word);
    if (!nword) break; /* trailing spaces are dropped */
    int w = columns_n(word, nword);
    if (!at_start && col + (int)nsp + w > t->width) {
      fprintf(out, "\n%*s", hang, "");
      col = hang;
    } else {
      fwrite(sp, 1, nsp, out);
      col += (int)nsp;
    }
    /* TERM_GLUE joins words that must stay on one line; it is written as a space */
    for (size_t i = 0; i < nword; i++) fputc(word[i] == TERM_GLUE_CHAR ? ' ' : word[i], out);
    col += w;
    at_start = 0;
  }
  fputc('\n', out);
}

const char *term_number(double d, char buf[TERM_NUMBER_BUFSZ]) {
  if (!isfinite(d) || fabs(d) >= 1e15) {
    snprintf(buf, TERM_NUMBER_BUFSZ, "%g", d);
    return buf;
  }
  char digits[TERM_NUMBER_BUFSZ];
  snprintf(digits, sizeof digits, "%.2f", fabs(d));
  char *dot = strchr(digits, '.');
  char *frac = dot + 1;
  /* "12.50" -> "12.5", "12.00" -> "12" */
  size_t nf = strlen(frac);
  while (nf && frac[nf - 1] == '0') frac[--nf] = 0;
  *dot = 0;
  size_t ni = strlen(digits), k = 0;
  int negative = d < 0 && (ni > 1 || digits[0] != '0' || nf);
  if (negative) buf[k++] = '-';
  for (size_t i = 0; i < ni; i++) {
    if (i && (ni - i) % 3 == 0) buf[k++] = ',';
    buf[k++] = digits[i];
  }
  if (nf) {
    buf[k++] = '.';
    memcpy(buf + k, frac, nf);
    k += nf;
  }
  buf[k] = 0;
  return buf;
}

void term_line_printf(term_line *l, const char *fmt, ...) {
  for (;;) {
    va_list ap;
    va_start(ap, fmt);
    size_t room = l->cap - l->len;
    int n = vsnprintf(l->cap ? l->buf + l->len : NULL, room, fmt, ap);
    va_end(ap);
    if (n < 0) return;
    if ((size_t)n < room) {
      l->len += (size_t)n;
      return;
    }
    size_t cap = l->cap ? l->cap : 256;
    while (cap < l->len + (size_t)n + 1) cap *= 2;
    char *b = realloc(l->buf, cap);
    if (!b) return;
    l->buf = b;
    l->cap = cap;
  }
}

void term_line_flush(term_line *l, const term *t, int hang) {
  term_wrap(t, 0, hang, l->len ? l->buf : "");
  l->len = 0;
  if (l->buf) l->buf[0] = 0;
}

void term_line_free(term_line *l) {
  free(l->buf);
  *l = (term_line){0};
}
