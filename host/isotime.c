/* isotime.c — ISO 8601 parsing and formatting in UTC (see isotime.h).
 *
 * Civil-date arithmetic follows Howard Hinnant's days_from_civil algorithms, so no call
 * depends on the process's time zone or locale. */
#include "isotime.h"

#include <stdio.h>

int64_t isotime_days_from_civil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = (unsigned)(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + (int64_t)doe - 719468;
}

void isotime_civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = (unsigned)(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  *d = doy - (153 * mp + 2) / 5 + 1;
  *m = mp < 10 ? mp + 3 : mp - 9;
  *y = (int64_t)yoe + era * 400 + (*m <= 2);
}

static int digits(const char *s, int n, int *out) {
  int v = 0;
  for (int i = 0; i < n; i++) {
    if (s[i] < '0' || s[i] > '9') return -1;
    v = v * 10 + (s[i] - '0');
  }
  *out = v;
  return 0;
}

static int days_in_month(int y, int m) {
  static const int dm[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0)) return 29;
  return dm[m - 1];
}

int isotime_parse(const char *s, int64_t *out) {
  int y, mo, d, h = 0, mi = 0, se = 0;
  if (digits(s, 4, &y) || s[4] != '-' || digits(s + 5, 2, &mo) || s[7] != '-' ||
      digits(s + 8, 2, &d))
    return -1;
  if (y < 1900 || mo < 1 || mo > 12 || d < 1 || d > days_in_month(y, mo)) return -1;
  const char *p = s + 10;
  int64_t offset = 0;
  if (*p == 'T' || *p == 't') {
    if (digits(p + 1, 2, &h) || p[3] != ':' || digits(p + 4, 2, &mi)) return -1;
    p += 6;
    if (*p == ':') {
      if (digits(p + 1, 2, &se)) return -1;
      p += 3;
      if (*p == '.') {
        p++;
        if (*p < '0' || *p > '9') return -1;
        while (*p >= '0' && *p <= '9') p++;
      }
    }
    if (h > 23 || mi > 59 || se > 59) return -1;
    if (*p == 'Z' || *p == 'z') {
      p++;
    } else if (*p == '+' || *p == '-') {
      int oh, om;
      if (digits(p + 1, 2, &oh) || p[3] != ':' || digits(p + 4, 2, &om) || oh > 23 || om > 59)
        return -1;
      offset = (int64_t)(oh * 3600 + om * 60) * (*p == '+' ? 1 : -1);
      p += 6;
    } else {
      return -1; /* a time of day without a zone is ambiguous: refuse it */
    }
  }
  if (*p != '\0') return -1;
  *out = isotime_days_from_civil(y, (unsigned)mo, (unsigned)d) * 86400 + h * 3600 + mi * 60 +
         se - offset;
  return 0;
}

int isotime_parse_period(const char *s, int *month) {
  int y, mo;
  if (digits(s, 4, &y) || s[4] != '-' || digits(s + 5, 2, &mo) || s[7] != '\0') return -1;
  if (y < 1900 || mo < 1 || mo > 12) return -1;
  *month = y * 12 + mo - 1;
  return 0;
}

static int64_t floor_div(int64_t a, int64_t b) {
  return a / b - (a % b != 0 && (a < 0) != (b < 0));
}

void isotime_format(int64_t t, char buf[ISOTIME_BUFSZ]) {
  int64_t days = floor_div(t, 86400), secs = t - days * 86400, y;
  unsigned m, d;
  isotime_civil_from_days(days, &y, &m, &d);
  snprintf(buf, ISOTIME_BUFSZ, "%04lld-%02u-%02uT%02d:%02d:%02dZ", (long long)y, m, d,
           (int)(secs / 3600), (int)(secs / 60 % 60), (int)(secs % 60));
}

void isotime_format_date(int64_t t, char buf[ISOTIME_BUFSZ]) {
  int64_t y;
  unsigned m, d;
  isotime_civil_from_days(floor_div(t, 86400), &y, &m, &d);
  snprintf(buf, ISOTIME_BUFSZ, "%04lld-%02u-%02u", (long long)y, m, d);
}

void isotime_format_period(int month, char buf[ISOTIME_BUFSZ]) {
  snprintf(buf, ISOTIME_BUFSZ, "%04d-%02d", month / 12, month % 12 + 1);
}

int isotime_month_of(int64_t t) {
  int64_t y;
  unsigned m, d;
  isotime_civil_from_days(floor_div(t, 86400), &y, &m, &d);
  return (int)(y * 12 + m - 1);
}

int64_t isotime_month_start(int month) {
  return isotime_days_from_civil(month / 12, (unsigned)(month % 12 + 1), 1) * 86400;
}
