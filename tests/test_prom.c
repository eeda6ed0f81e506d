/* test_prom.c — the Prometheus text format: HELP/TYPE lines, labels with the escapes the
 * format requires, numbers, and histograms with cumulative buckets, +Inf, _sum, _count. */
#include "check.h"
#include "prom.h"

static void families_and_samples(void) {
  jsonw w;
  jsonw_init(&w);
  prom_family(&w, "attain_x_total", "counter", "Things\\done,\nper line.");
  const char *labels[] = {"competency", "a\"b\\c\nd", "state", "at_risk"};
  prom_sample(&w, "attain_x_total", labels, 2, 3);
  prom_sample(&w, "attain_x_total", NULL, 0, 0.25);
  prom_sample(&w, "attain_x_total", labels, 1, 1e20);
  jsonw_raw(&w, "", 1);
  CHECK_STR(w.buf, "# HELP attain_x_total Things\\\\done,\\nper line.\n"
                   "# TYPE attain_x_total counter\n"
                   "attain_x_total{competency=\"a\\\"b\\\\c\\nd\",state=\"at_risk\"} 3\n"
                   "attain_x_total 0.25\n"
                   "attain_x_total{competency=\"a\\\"b\\\\c\\nd\"} 1e+20\n");
  jsonw_free(&w);
}

static void histograms_are_cumulative(void) {
  static const double bounds[] = {0.1, 1, 10};
  prom_hist h;
  prom_hist_init(&h, bounds, 3);
  prom_hist_observe(&h, 0.05);
  prom_hist_observe(&h, 0.1); /* on a bound: in that bucket (le = less or equal) */
  prom_hist_observe(&h, 5);
  prom_hist_observe(&h, 50);
  jsonw w;
  jsonw_init(&w);
  const char *labels[] = {"kind", "due"};
  prom_hist_write(&w, "attain_d_seconds", labels, 1, &h);
  prom_hist_write(&w, "attain_e_seconds", NULL, 0, &h);
  jsonw_raw(&w, "", 1);
  CHECK_STR(w.buf, "attain_d_seconds_bucket{kind=\"due\",le=\"0.1\"} 2\n"
                   "attain_d_seconds_bucket{kind=\"due\",le=\"1\"} 2\n"
                   "attain_d_seconds_bucket{kind=\"due\",le=\"10\"} 3\n"
                   "attain_d_seconds_bucket{kind=\"due\",le=\"+Inf\"} 4\n"
                   "attain_d_seconds_sum{kind=\"due\"} 55.149999999999999\n"
                   "attain_d_seconds_count{kind=\"due\"} 4\n"
                   "attain_e_seconds_bucket{le=\"0.1\"} 2\n"
                   "attain_e_seconds_bucket{le=\"1\"} 2\n"
                   "attain_e_seconds_bucket{le=\"10\"} 3\n"
                   "attain_e_seconds_bucket{le=\"+Inf\"} 4\n"
                   "attain_e_seconds_sum 55.149999999999999\n"
                   "attain_e_seconds_count 4\n");
  jsonw_free(&w);
}

int main(void) {
  RUN(families_and_samples);
  RUN(histograms_are_cumulative);
  return check_report();
}
