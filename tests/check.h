/* check.h — the few assertion macros the C tests share.
 *
 * Each test executable is one module's tests: main() calls RUN(test_fn) for each case and
 * returns check_report(). A failed CHECK prints file:line and the expression, marks the
 * case failed and goes on, so one run shows every broken behaviour. */
#ifndef ATTAIN_CHECK_H
#define ATTAIN_CHECK_H

#include <stdio.h>
#include <string.h>

static int check_failures_total;
static int check_failed_now;
static int check_cases, check_cases_failed;

#define CHECK(cond)                                                                   \
  do {                                                                                \
    if (!(cond)) {                                                                    \
      fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond);        \
      check_failed_now = 1;                                                           \
      check_failures_total++;                                                         \
    }                                                                                 \
  } while (0)

#define CHECK_STR(a, b)                                                               \
  do {                                                                                \
    const char *check_a_ = (a), *check_b_ = (b);                                      \
    if (!check_a_ || !check_b_ || strcmp(check_a_, check_b_) != 0) {                  \
      fprintf(stderr, "%s:%d: check failed: %s == %s\n  got:      %s\n  expected: %s\n", \
              __FILE__, __LINE__, #a, #b, check_a_ ? check_a_ : "(null)",             \
              check_b_ ? check_b_ : "(null)");                                        \
      check_failed_now = 1;                                                           \
      check_failures_total++;                                                         \
    }                                                                                 \
  } while (0)

#define CHECK_CONTAINS(hay, needle)                                                   \
  do {                                                                                \
    const char *check_h_ = (hay), *check_n_ = (needle);                               \
    if (!check_h_ || !strstr(check_h_, check_n_)) {                                   \
      fprintf(stderr, "%s:%d: check failed: %s contains \"%s\"\n  got: %s\n",         \
              __FILE__, __LINE__, #hay, check_n_, check_h_ ? check_h_ : "(null)");    \
      check_failed_now = 1;                                                           \
      check_failures_total++;                                                         \
    }                                                                                 \
  } while (0)

#define RUN(fn)                                                                       \
  do {                                                                                \
    check_failed_now = 0;                                                             \
    check_cases++;                                                                    \
    fn();                                                                             \
    if (check_failed_now) {                                                           \
      check_cases_failed++;                                                           \
      fprintf(stderr, "FAIL %s\n", #fn);                                              \
    } else {                                                                          \
      fprintf(stderr, "ok   %s\n", #fn);                                              \
    }                                                                                 \
  } while (0)

static inline int check_report(void) {
  fprintf(stderr, "%d passed, %d failed\n", check_cases - check_cases_failed, check_cases_failed);
  return check_cases_failed ? 1 : 0;
}

#endif
