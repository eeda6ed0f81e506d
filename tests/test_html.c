/* test_html.c — the escaping HTML writer (host/html.c): a value never becomes markup, the
 * glue of words becomes &nbsp;, control characters and bytes that are not UTF-8 never reach
 * the page, and html_f formats numbers as printf does while escaping every string. */
#include "check.h"

#include <stdint.h>

#include "html.h"
#include "term.h"

static void values_never_become_markup(void) {
  html h;
  html_init(&h);
  html_raw(&h, "<p title=\"");
  html_text(&h, "\"><script>alert('x')</script>&amp;");
  html_raw(&h, "\">");
  CHECK_STR(h.buf, "<p title=\"&quot;&gt;&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp;amp;\">");
  html_free(&h);
}

static void glue_is_a_no_break_space(void) {
  html h;
  html_init(&h);
  html_text(&h, "43,500" TERM_GLUE "more revenue (12" TERM_GLUE "months)");
  CHECK_STR(h.buf, "43,500&nbsp;more revenue (12&nbsp;months)");
  html_free(&h);
}

static void controls_and_bad_bytes_are_dropped_or_replaced(void) {
  html h;
  html_init(&h);
  html_text(&h, "a\x01" "b\tc\nd\x7f" "e\x1b[31m");
  CHECK_STR(h.buf, "ab\tc\nde[31m");
  html_free(&h);
  html_init(&h);
  /* accents and a 4-byte character stay; a lone continuation byte, a truncated sequence,
   * an overlong and a surrogate become U+FFFD */
  html_text(&h, "Caf\xc3\xa9 \xf0\x9f\x98\x80 \x80 \xc3 \xc0\xaf \xed\xa0\x80");
  CHECK_STR(h.buf, "Caf\xc3\xa9 \xf0\x9f\x98\x80 \xef\xbf\xbd \xef\xbf\xbd \xef\xbf\xbd\xef\xbf\xbd "
                   "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd");
  html_free(&h);
}

static void formats_numbers_and_escapes_strings(void) {
  html h;
  html_init(&h);
  html_f(&h, "<td class=\"%s\">%d of %lld, %zu, %.1f%%, %g, %05x, %3d, %ld</td>", "a<b", -3,
         (long long)INT64_MAX, (size_t)7, 12.34, 1e6, 255u, 4, -5L);
  CHECK_STR(h.buf, "<td class=\"a&lt;b\">-3 of 9223372036854775807, 7, 12.3%, 1e+06, 000ff,   4, "
                   "-5</td>");
  html_free(&h);
}

static void urls_are_percent_encoded(void) {
  html h;
  html_init(&h);
  html_raw(&h, "/orgs/");
  html_url(&h, "a b&c/\"d\"~e");
  CHECK_STR(h.buf, "/orgs/a%20b%26c%2F%22d%22~e");
  html_free(&h);
}

static void grows_past_its_first_buffer(void) {
  html h;
  html_init(&h);
  for (int i = 0; i < 10000; i++) html_text(&h, "<x>");
  CHECK(!h.oom && h.len == 10000 * 9);
  CHECK(strncmp(h.buf + h.len - 9, "&lt;x&gt;", 9) == 0);
  html_free(&h);
}

int main(void) {
  RUN(values_never_become_markup);
  RUN(glue_is_a_no_break_space);
  RUN(controls_and_bad_bytes_are_dropped_or_replaced);
  RUN(formats_numbers_and_escapes_strings);
  RUN(urls_are_percent_encoded);
  RUN(grows_past_its_first_buffer);
  return check_report();
}
