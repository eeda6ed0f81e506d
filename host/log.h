/* log.h — operator logs: one line per event on stderr, as key=value pairs with a level:
 *
 *   ts=2026-11-25T10:00:00Z level=info event=sweep kind=due orgs=12 ms=40 errors=0
 *
 * Values with spaces, quotes or '=' are double-quoted with escapes (log_quote), so lines
 * stay machine-readable. In the journal format each line starts with its syslog priority
 * (sd-daemon(3): "<3>" error, "<4>" warn, "<6>" info, "<7>" debug), which journald strips
 * and stores, so `journalctl -p err` finds the errors; the rest of the line is the same.
 * Used from the daemon's loop thread only. */
#ifndef ATTAIN_LOG_H
#define ATTAIN_LOG_H

#include <stddef.h>
#include <stdio.h>

enum log_level { LOG_DEBUG = 0, LOG_INFO, LOG_WARN, LOG_ERROR };
enum log_format { LOG_FORMAT_TEXT = 0, LOG_FORMAT_JOURNAL };

typedef struct logger {
  FILE *to;
  int min;    /* lines below this level are dropped */
  int format; /* enum log_format */
} logger;

/* Parses "debug", "info", "warn" or "error"; -1 if unknown. */
int log_level_parse(const char *name);

/* Parses "text" or "journal"; -1 if unknown. */
int log_format_parse(const char *name);

/* 1 if `journal_stream` (the value of $JOURNAL_STREAM, "DEVICE:INODE" in decimal, which
 * systemd sets when it connects a service's stdout or stderr to the journal) names the
 * file open on `fd`; 0 otherwise (unset, malformed, or another file: a child whose stderr
 * was redirected inherits the variable but no longer writes to the journal). */
int log_journal_stream_matches(const char *journal_stream, int fd);

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
