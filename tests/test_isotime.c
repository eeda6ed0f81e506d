/* test_isotime.c — ISO 8601 parsing/formatting and month arithmetic. */
#include "check.h"
#include "isotime.h"

static void parses_dates_as_midnight_utc(void) {
  int64_t t;
  CHECK(isotime_parse("1970-01-01", &t) == 0 && t == 0);
  CHECK(isotime_parse("2025-01-10", &t) == 0 && t == 1736467200);
  CHECK(isotime_parse("2024-02-29", &t) == 0);
}

static void parses_times_with_zones(void) {
  int64_t t;
  CHECK(isotime_parse("2025-02-01T10:00:00Z", &t) == 0 && t == 1738404000);
  CHECK(isotime_parse("2025-02-01T12:00:00+02:00", &t) == 0 && t == 1738404000);
  CHECK(isotime_parse("2025-02-01T10:00Z", &t) == 0 && t == 1738404000);
  CHECK(isotime_parse("2025-02-01T10:00:00.999Z", &t) == 0 && t == 1738404000);
}

static void rejects_what_is_not_a_time(void) {
  int64_t t;
  CHECK(isotime_parse("2025-02-30", &t) != 0);
  CHECK(isotime_parse("2023-02-29", &t) != 0);
  CHECK(isotime_parse("2025-13-01", &t) != 0);
  CHECK(isotime_parse("2025-1-01", &t) != 0);
  CHECK(isotime_parse("2025-01-01T10:00:00", &t) != 0); /* no zone */
  CHECK(isotime_parse("2025-01-01T25:00:00Z", &t) != 0);
  CHECK(isotime_parse("2025-01-01 ", &t) != 0);
  CHECK(isotime_parse("", &t) != 0);
  CHECK(isotime_parse("yesterday", &t) != 0);
}

static void formats_round_trip(void) {
  char buf[ISOTIME_BUFSZ];
  int64_t t;
  isotime_parse("2026-11-25T13:45:07Z", &t);
  isotime_format(t, buf);
  CHECK_STR(buf, "2026-11-25T13:45:07Z");
  isotime_format_date(t, buf);
  CHECK_STR(buf, "2026-11-25");
  isotime_format(-1, buf);
  CHECK_STR(buf, "1969-12-31T23:59:59Z");
}

static void handles_periods_and_months(void) {
  int m;
  char buf[ISOTIME_BUFSZ];
  CHECK(isotime_parse_period("2026-01", &m) == 0 && m == 2026 * 12);
  CHECK(isotime_parse_period("2026-13", &m) != 0);
  CHECK(isotime_parse_period("2026-01-01", &m) != 0);
  isotime_format_period(2026 * 12 + 11, buf);
  CHECK_STR(buf, "2026-12");
  int64_t t;
  isotime_parse("2026-03-31T23:59:59Z", &t);
  CHECK(isotime_month_of(t) == 2026 * 12 + 2);
  isotime_parse("2026-03-01", &t);
  CHECK(isotime_month_start(2026 * 12 + 2) == t);
}

int main(void) {
  RUN(parses_dates_as_midnight_utc);
  RUN(parses_times_with_zones);
  RUN(rejects_what_is_not_a_time);
  RUN(formats_round_trip);
  RUN(handles_periods_and_months);
  return check_report();
}
