/* isotime.h — ISO 8601 times and monthly periods, in UTC, without the C library's clock.
 *
 * attain keeps every instant as int64 seconds since the Unix epoch (UTC) and every
 * metric period as a month index (year * 12 + month - 1). Nothing here reads the clock:
 * evaluation time is always injected (DESIGN.md). */
#ifndef ATTAIN_ISOTIME_H
#define ATTAIN_ISOTIME_H

#include <stddef.h>
#include <stdint.h>

#define ISOTIME_BUFSZ 32

/* Parses "YYYY-MM-DD" (00:00 UTC) or "YYYY-MM-DDTHH:MM[:SS[.fraction]](Z|+HH:MM|-HH:MM)".
 * Fractions are truncated to the second. Returns 0, or -1 if `s` is not such a time
 * (including impossible dates like 2026-02-30). */
int isotime_parse(const char *s, int64_t *out);

/* Parses a period "YYYY-MM" into a month index. Returns 0 or -1. */
int isotime_parse_period(const char *s, int *month);

/* Formats as "YYYY-MM-DDTHH:MM:SSZ" / "YYYY-MM-DD" / "YYYY-MM". */
void isotime_format(int64_t t, char buf[ISOTIME_BUFSZ]);
void isotime_format_date(int64_t t, char buf[ISOTIME_BUFSZ]);
void isotime_format_period(int month, char buf[ISOTIME_BUFSZ]);

/* The month index containing `t`, and the first instant of a month. */
int isotime_month_of(int64_t t);
int64_t isotime_month_start(int month);

/* Days since 1970-01-01 of a civil date, and back (proleptic Gregorian). */
int64_t isotime_days_from_civil(int64_t y, unsigned m, unsigned d);
void isotime_civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d);

#endif
