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
  if (!value) value = "";
  int plain = *value != '\0';
  for (const char *p = value; *p && plain; p++)
    if (*p == ' ' || *p == '"' || *p == '=' || *p == '\\' || (unsigned char)*p < 0x20) plain = 0;
  if (plain) {
    snprintf(buf, size, "%s", value);
    return buf;
  }
  size_t k = 0;
  if (k + 1 < size) buf[k++] = '"';
  for (const char *p = value; *p && k + 3 < size; p++) {
    unsigned char c = (unsigned char)*p;
    if (c == '"' || c == '\\') {
      buf[k++] = '\\';
      buf[k++] = (char)c;
    } else if (c < 0x20) {
      buf[k++] = ' ';
    } else {
      buf[k++] = (char)c;
    }
  }
  if (k + 1 < size) buf[k++] = '"';
  buf[k < size ? k : size - 1] = 0;
  return buf;
}
