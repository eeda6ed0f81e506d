/* log.c — key=value log lines (see log.h). */
#include "log.h"

#include <stdarg.h>
#include <string.h>
#include <time.h>

#include "isotime.h"

static const char *const names[] = {"debug", "info", "warn", "error"};

int log_level_parse(const char *name) {
  for (int i = LOG_DEBUG; i <= LOG_ERROR; i++)
    if (name && strcmp(name, names[i]) == 0) return i;
  return -1;
}

void log_line(const logger *lg, int level, const char *event, const char *fmt, ...) {
  if (!lg->to || level < lg->min) return;
  char ts[ISOTIME_BUFSZ];
  isotime_format((int64_t)time(NULL), ts); /* the operator's clock, not an evaluation's */
  char line[4096];
  int n = snprintf(line, sizeof line, "ts=%s level=%s event=%s", ts, names[level], event);
  if (fmt && *fmt && n > 0 && (size_t)n < sizeof line) {
    line[n++] = ' ';
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line + n, sizeof line - (size_t)n, fmt, ap);
    va_end(ap);
  }
  fprintf(lg->to, "%s\n", line);
  fflush(lg->to);
}

const char *log_quote(char *buf, size_t size, const char *value) {
  if (!size) return buf;
  if (!value) value = "";
  int plain = *value != '\0';
  for (const unsigned char *p = (const unsigned char *)value; *p && plain; p++)
    if (*p == ' ' || *p == '"' || *p == '=' || *p == '\\' || *p < 0x20 || *p == 0x7f) plain = 0;
  if (plain && strlen(value) < size) {
    memcpy(buf, value, strlen(value) + 1);
    return buf;
  }
  /* Quoted, every byte that could end the line or the value escaped, so a value from
   * data can never forge a line or a pair. A value too long for buf ends in `..."`. */
  static const char hex[] = "0123456789abcdef";
  size_t k = 0;
  if (size < 6) { /* no room for even `"..."` */
    buf[0] = 0;
    return buf;
  }
  buf[k++] = '"';
  const unsigned char *p = (const unsigned char *)value;
  for (; *p; p++) {
    char esc[5];
    size_t n = 0;
    unsigned char c = *p;
    if (c == '"' || c == '\\') {
      esc[n++] = '\\';
      esc[n++] = (char)c;
    } else if (c == '\n' || c == '\r' || c == '\t') {
      esc[n++] = '\\';
      esc[n++] = c == '\n' ? 'n' : c == '\r' ? 'r' : 't';
    } else if (c < 0x20 || c == 0x7f) {
      esc[n++] = '\\';
      esc[n++] = 'x';
      esc[n++] = hex[c >> 4];
      esc[n++] = hex[c & 15];
    } else {
      esc[n++] = (char)c;
    }
    if (k + n + 5 > size) break; /* keep room for `..."` and the NUL */
    memcpy(buf + k, esc, n);
    k += n;
  }
  if (*p) {
    memcpy(buf + k, "...", 3);
    k += 3;
  }
  buf[k++] = '"';
  buf[k] = 0;
  return buf;
}
