/* log.c — key=value log lines (see log.h). */
#include "log.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "isotime.h"

static const char *const names[] = {"debug", "info", "warn", "error"};
/* syslog priorities, as sd-daemon.h's SD_DEBUG, SD_INFO, SD_WARNING, SD_ERR */
static const char *const priorities[] = {"<7>", "<6>", "<4>", "<3>"};

int log_level_parse(const char *name) {
  for (int i = LOG_DEBUG; i <= LOG_ERROR; i++)
    if (name && strcmp(name, names[i]) == 0) return i;
  return -1;
}

int log_format_parse(const char *name) {
  if (name && strcmp(name, "text") == 0) return LOG_FORMAT_TEXT;
  if (name && strcmp(name, "journal") == 0) return LOG_FORMAT_JOURNAL;
  return -1;
}

int log_journal_stream_matches(const char *journal_stream, int fd) {
  /* Digits only: strtoumax alone would also take blanks and signs. */
  if (!journal_stream || *journal_stream < '0' || *journal_stream > '9') return 0;
  char *end;
  uintmax_t dev = strtoumax(journal_stream, &end, 10);
  if (*end != ':' || end[1] < '0' || end[1] > '9') return 0;
  const char *ino_at = end + 1;
  uintmax_t ino = strtoumax(ino_at, &end, 10);
  if (*end) return 0;
  struct stat st;
  if (fstat(fd, &st) != 0) return 0;
  return (uintmax_t)st.st_dev == dev && (uintmax_t)st.st_ino == ino;
}

void log_line(const logger *lg, int level, const char *event, const char *fmt, ...) {
  if (!lg->to || level < lg->min) return;
  char ts[ISOTIME_BUFSZ];
  isotime_format((int64_t)time(NULL), ts); /* the operator's clock, not an evaluation's */
  char line[4096];
  int n = snprintf(line, sizeof line, "%sts=%s level=%s event=%s",
                   lg->format == LOG_FORMAT_JOURNAL ? priorities[level] : "", ts, names[level],
                   event);
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
