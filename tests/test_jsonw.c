/* test_jsonw.c — the JSON writer: canonical numbers, escapes, separators (output must be
 * byte-for-byte reproducible). */
#include <math.h>

#include "check.h"
#include "jsonw.h"

static const char *num(double v) {
  static jsonw w;
  jsonw_reset(&w);
  jsonw_num(&w, v);
  return w.buf;
}

static void writes_numbers_canonically(void) {
  CHECK_STR(num(15000), "15000");
  CHECK_STR(num(-3), "-3");
  CHECK_STR(num(0.1), "0.1");
  CHECK_STR(num(1.0 / 3.0), "0.3333333333333333");
  CHECK_STR(num(16500.5), "16500.5");
  CHECK_STR(num(1e300), "1e+300");
  CHECK_STR(num(123456789.125), "123456789.125");
  CHECK_STR(num(NAN), "null");
  CHECK_STR(num(INFINITY), "null");
}

static void escapes_strings(void) {
  jsonw w;
  jsonw_init(&w);
  jsonw_str(&w, "a\"b\\c\n\t\x01 é");
  CHECK_STR(w.buf, "\"a\\\"b\\\\c\\n\\t\\u0001 é\"");
  jsonw_free(&w);
}

static void separates_values_and_keys(void) {
  jsonw w;
  jsonw_init(&w);
  jsonw_obj_begin(&w);
  jsonw_key(&w, "a");
  jsonw_arr_begin(&w);
  jsonw_int(&w, 1);
  jsonw_bool(&w, 0);
  jsonw_null(&w);
  jsonw_arr_end(&w);
  jsonw_key(&w, "b");
  jsonw_obj_begin(&w);
  jsonw_obj_end(&w);
  jsonw_key(&w, "t");
  jsonw_time(&w, 1795564800);
  jsonw_obj_end(&w);
  CHECK_STR(w.buf, "{\"a\":[1,false,null],\"b\":{},\"t\":\"2026-11-25T00:00:00Z\"}");
  jsonw_free(&w);
}

int main(void) {
  RUN(writes_numbers_canonically);
  RUN(escapes_strings);
  RUN(separates_values_and_keys);
  return check_report();
}
