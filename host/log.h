/* log.h — operator logs: one line per event on stderr, as key=value pairs with a level:
 *
 *   ts=2026-11-25T10:00:00Z level=info event=sweep kind=due orgs=12 ms=40 errors=0
 *
 * Values with spaces, quotes or '=' are double-quoted with escapes (log_quote), so lines
 * stay machine-readable. Used from the daemon's loop thread only. */
#ifndef ATTAIN_LOG_H
#define ATTAIN_LOG_H

#include <stddef.h>
#include <stdio.h>

enum log_level { LOG_DEBUG = 0, LOG_INFO, LOG_WARN, LOG_ERROR };

typedef struct logger {
  FILE *to;
  int min; /* lines below this level are dropped */
} logger;

/* Parses "debug", "info", "warn" or "error"; -1 if unknown. */
int log_level_parse(const char *name);

/* Writes one line: ts, level, event, then the caller's key=value pairs (printf format). */
void log_line(const logger *lg, int level, const char *event, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* A value safe to print after "key=": as is when it has no space, quote, '=', backslash
 * or control character; otherwise double-quoted with \" \\ \n \r \t and \xHH escapes, so a
 * value taken from data can never end the line or start another pair. A value that does
 * not fit in `size` bytes is cut and ends in `..."`. Every value that comes from data
 * (organisation and competency ids, paths, messages) goes through it. Returns buf. */
const char *log_quote(char *buf, size_t size, const char *value);

#endif
