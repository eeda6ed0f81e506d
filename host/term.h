/* term.h — text for people on a terminal: the width to fit, whether to use colour, lines
 * wrapped at word boundaries, and numbers as people read them ("43,500").
 *
 * The width is $COLUMNS when it is a number (at least 20), else the terminal's when the
 * output is one, else 80 (a pipe, a file). Colour is used only when the output is a
 * terminal, $NO_COLOR is unset or empty (no-color.org) and $TERM is not "dumb". Nothing
 * here decides anything on the text it writes; the commands (cmd_*.c) compose it. */
#ifndef ATTAIN_TERM_H
#define ATTAIN_TERM_H

#include <stddef.h>
#include <stdio.h>

#define TERM_DEFAULT_WIDTH 80
#define TERM_MIN_WIDTH 20

typedef struct term {
  FILE *out;
  int width;  /* columns to fit */
  int colour; /* write SGR escapes */
} term;

/* From the environment and `out` (see above). */
void term_init(term *t, FILE *out);

enum term_style { TERM_BOLD = 0, TERM_DIM, TERM_RED, TERM_GREEN, TERM_YELLOW, TERM_CYAN };

/* The escape that starts `style`, and the one that ends any style: "" without colour. */
const char *term_on(const term *t, int style);
const char *term_off(const term *t);

/* Columns `s` takes: UTF-8 characters, escapes (ESC [ ... m) excluded. */
int term_columns(const char *s);

/* Writes `text` from column `col` of the current line (what is already on the line) and
 * ends the line, wrapped to the width: a line breaks only at a run of spaces, which gives
 * way to a newline and `hang` spaces. Spaces between words are kept as they are, so a
 * line that fits is written unchanged; a word longer than a line is written whole. Never
 * breaks inside a word (a number, a date, a code), nor after a word that is one symbol
 * ("≥ 15000" stays together). */
void term_wrap(const term *t, int col, int hang, const char *text);

/* Between two words that must stay on one line ("43,500" TERM_GLUE "short"): written as a
 * space, never broken. */
#define TERM_GLUE "\x1f"
#define TERM_GLUE_CHAR '\x1f'

/* A number for people: thousands separated by commas, at most two decimals, trailing
 * zeros dropped ("43,500", "12.5", "-3"). Returns buf. */
#define TERM_NUMBER_BUFSZ 48
const char *term_number(double d, char buf[TERM_NUMBER_BUFSZ]);

/* A growable line of text, built with printf and written wrapped. */
typedef struct term_line {
  char *buf;
  size_t len, cap;
} term_line;

void term_line_printf(term_line *l, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Writes the line wrapped (hanging indent `hang`) and empties it. */
void term_line_flush(term_line *l, const term *t, int hang);
void term_line_free(term_line *l);

#endif
