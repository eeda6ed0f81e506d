/* test_term.c — text for people (term.h): wrapping at word boundaries to the width, the
 * width and colour from the environment, numbers with thousands separators. */
#include <stdlib.h>

#include "check.h"
#include "term.h"

/* What term_wrap writes for `text` at `width`, as a malloc'd string. */
static char *wrapped(int width, int col, int hang, const char *text) {
  char *buf = NULL;
  size_t len = 0;
  FILE *f = open_memstream(&buf, &len);
  term t = {.out = f, .width = width, .colour = 0};
  term_wrap(&t, col, hang, text);
  fclose(f);
  return buf;
}

static void wraps_at_spaces_never_inside_a_word(void) {
  char *s = wrapped(20, 0, 4, "  revenue 16,500/60,000 over 12 months");
  CHECK_STR(s, "  revenue\n    16,500/60,000\n    over 12 months\n");
  free(s);
  /* A line that fits is written as it is, runs of spaces included. */
  s = wrapped(80, 0, 4, "    [##########] 2/2  2 certified people (AZ-104, AZ-204)");
  CHECK_STR(s, "    [##########] 2/2  2 certified people (AZ-104, AZ-204)\n");
  free(s);
  /* A word longer than the line stands alone on its line, whole. */
  s = wrapped(10, 0, 2, "a AZ-104/AZ-204/AZ-305 b");
  CHECK_STR(s, "a\n  AZ-104/AZ-204/AZ-305\n  b\n");
  free(s);
  /* From a column the caller already wrote up to. */
  s = wrapped(12, 8, 0, "one two");
  CHECK_STR(s, "one\ntwo\n");
  free(s);
}

static void keeps_glued_words_and_lone_symbols_with_the_next_word(void) {
  char *s = wrapped(14, 0, 0, "need 43,500" TERM_GLUE "short");
  CHECK_STR(s, "need\n43,500 short\n");
  free(s);
  s = wrapped(16, 0, 2, "over 12 months ≥ 15000");
  CHECK_STR(s, "over 12 months\n  ≥ 15000\n");
  free(s);
}

static void counts_columns_not_bytes_nor_escapes(void) {
  CHECK(term_columns("≥ 15000") == 7);
  CHECK(term_columns("Café") == 4);
  CHECK(term_columns("\033[1mgold\033[0m") == 4);
  /* An escape does not push a word onto the next line. */
  char *s = wrapped(9, 0, 0, "\033[31mat\033[0m risk now");
  CHECK_STR(s, "\033[31mat\033[0m risk\nnow\n");
  free(s);
}

static void takes_the_width_and_colour_from_the_environment(void) {
  FILE *f = tmpfile(); /* not a terminal */
  term t;
  unsetenv("COLUMNS");
  term_init(&t, f);
  CHECK(t.width == 80);
  CHECK(t.colour == 0);
  setenv("COLUMNS", "132", 1);
  term_init(&t, f);
  CHECK(t.width == 132);
  setenv("COLUMNS", "5", 1);
  term_init(&t, f);
  CHECK(t.width == TERM_MIN_WIDTH);
  setenv("COLUMNS", "wide", 1);
  term_init(&t, f);
  CHECK(t.width == 80);
  CHECK_STR(term_on(&t, TERM_BOLD), "");
  CHECK_STR(term_off(&t), "");
  t.colour = 1;
  CHECK_STR(term_on(&t, TERM_RED), "\033[31m");
  CHECK_STR(term_off(&t), "\033[0m");
  unsetenv("COLUMNS");
  fclose(f);
}

static void writes_numbers_for_people(void) {
  char b[TERM_NUMBER_BUFSZ];
  CHECK_STR(term_number(43500, b), "43,500");
  CHECK_STR(term_number(1234567, b), "1,234,567");
  CHECK_STR(term_number(999, b), "999");
  CHECK_STR(term_number(0, b), "0");
  CHECK_STR(term_number(12.5, b), "12.5");
  CHECK_STR(term_number(1000.333, b), "1,000.33");
  CHECK_STR(term_number(-3, b), "-3");
  CHECK_STR(term_number(-0.001, b), "0");
}

static void builds_a_line_and_writes_it_wrapped(void) {
  char *buf = NULL;
  size_t len = 0;
  FILE *f = open_memstream(&buf, &len);
  term t = {.out = f, .width = 16, .colour = 0};
  term_line l = {0};
  term_line_printf(&l, "%s %d", "a long line of", 300);
  term_line_printf(&l, " %s", "words and more");
  term_line_flush(&l, &t, 2);
  term_line_flush(&l, &t, 2); /* an empty line */
  term_line_free(&l);
  fclose(f);
  CHECK_STR(buf, "a long line of\n  300 words and\n  more\n\n");
  free(buf);
}

int main(void) {
  RUN(wraps_at_spaces_never_inside_a_word);
  RUN(keeps_glued_words_and_lone_symbols_with_the_next_word);
  RUN(counts_columns_not_bytes_nor_escapes);
  RUN(takes_the_width_and_colour_from_the_environment);
  RUN(writes_numbers_for_people);
  RUN(builds_a_line_and_writes_it_wrapped);
  return check_report();
}
