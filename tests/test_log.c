/* test_log.c — operator log lines: key=value, levels, quoting. */
#include "check.h"
#include <inttypes.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"

static void quotes_only_what_needs_it(void) {
  char b[128];
  CHECK_STR(log_quote(b, sizeof b, "plain-value_1"), "plain-value_1");
  CHECK_STR(log_quote(b, sizeof b, "two words"), "\"two words\"");
  CHECK_STR(log_quote(b, sizeof b, "a=b"), "\"a=b\"");
  CHECK_STR(log_quote(b, sizeof b, "say \"hi\"\\"), "\"say \\\"hi\\\"\\\\\"");
  CHECK_STR(log_quote(b, sizeof b, ""), "\"\"");
}

/* A value from data must never end the line or start another pair. */
static void escapes_what_could_forge_a_line(void) {
  char b[128];
  CHECK_STR(log_quote(b, sizeof b, "x\nts=1 level=error event=stopped"),
            "\"x\\nts=1 level=error event=stopped\"");
  CHECK_STR(log_quote(b, sizeof b, "a\rb\tc\x01" "d\x7f"), "\"a\\rb\\tc\\x01d\\x7f\"");
}

static void cuts_long_values_inside_the_quotes(void) {
  char b[16];
  CHECK_STR(log_quote(b, sizeof b, "0123456789abcdefghij"), "\"0123456789...\"");
  CHECK_STR(log_quote(b, sizeof b, "0123456789"), "0123456789");
  CHECK(strlen(log_quote(b, sizeof b, "a a a a a a a a a a a a")) < sizeof b);
  char big[2048];
  memset(big, 'x', sizeof big - 1);
  big[sizeof big - 1] = 0;
  char out[1100];
  const char *q = log_quote(out, sizeof out, big);
  CHECK(strlen(q) < sizeof out && q[0] == '"' && strcmp(q + strlen(q) - 4, "...\"") == 0);
}

static void writes_one_line_per_event_above_the_level(void) {
  char *buf = NULL;
  size_t len = 0;
  FILE *f = open_memstream(&buf, &len);
  logger lg = {f, LOG_INFO, LOG_FORMAT_TEXT};
  log_line(&lg, LOG_DEBUG, "hidden", "x=1");
  log_line(&lg, LOG_INFO, "sweep", "kind=%s orgs=%d", "due", 12);
  fclose(f);
  CHECK(strstr(buf, "hidden") == NULL);
  CHECK_CONTAINS(buf, " level=info event=sweep kind=due orgs=12\n");
  CHECK(strncmp(buf, "ts=", 3) == 0);
  CHECK(strchr(buf, '\n') == buf + len - 1); /* exactly one line */
  free(buf);
  CHECK(log_level_parse("warn") == LOG_WARN && log_level_parse("loud") == -1);
}

/* journald reads the "<N>" prefix as the line's priority (what `journalctl -p` filters on)
 * and strips it; the rest of the line is the text format's. */
static void journal_lines_start_with_the_syslog_priority(void) {
  char *buf = NULL;
  size_t len = 0;
  FILE *f = open_memstream(&buf, &len);
  logger lg = {f, LOG_DEBUG, LOG_FORMAT_JOURNAL};
  log_line(&lg, LOG_ERROR, "reload", "result=failed");
  log_line(&lg, LOG_WARN, "watch", "x=1");
  log_line(&lg, LOG_INFO, "start", NULL);
  log_line(&lg, LOG_DEBUG, "reload", "result=unchanged");
  fclose(f);
  char *line[4], *save = NULL;
  line[0] = strtok_r(buf, "\n", &save);
  for (int i = 1; i < 4; i++) line[i] = strtok_r(NULL, "\n", &save);
  CHECK(strtok_r(NULL, "\n", &save) == NULL);
  CHECK(line[0] && strncmp(line[0], "<3>ts=", 6) == 0);
  CHECK_CONTAINS(line[0], " level=error event=reload result=failed");
  CHECK(line[1] && strncmp(line[1], "<4>ts=", 6) == 0);
  CHECK(line[2] && strncmp(line[2], "<6>ts=", 6) == 0);
  CHECK(line[3] && strncmp(line[3], "<7>ts=", 6) == 0);
  free(buf);
  CHECK(log_format_parse("journal") == LOG_FORMAT_JOURNAL);
  CHECK(log_format_parse("text") == LOG_FORMAT_TEXT);
  CHECK(log_format_parse("syslog") == -1 && log_format_parse(NULL) == -1);
}

/* $JOURNAL_STREAM is inherited: only the very file it names is the journal. */
static void journal_stream_must_name_the_file_itself(void) {
  char path[] = "/tmp/attain-test-log.XXXXXX";
  int fd = mkstemp(path);
  CHECK(fd >= 0);
  struct stat st;
  CHECK(fstat(fd, &st) == 0);
  char same[64], other[64];
  snprintf(same, sizeof same, "%" PRIuMAX ":%" PRIuMAX, (uintmax_t)st.st_dev, (uintmax_t)st.st_ino);
  snprintf(other, sizeof other, "%" PRIuMAX ":%" PRIuMAX, (uintmax_t)st.st_dev,
           (uintmax_t)st.st_ino + 1);
  CHECK(log_journal_stream_matches(same, fd) == 1);
  CHECK(log_journal_stream_matches(other, fd) == 0);
  char trailing[80];
  snprintf(trailing, sizeof trailing, "%s ", same);
  const char *bad[] = {NULL, "", "12", "12:", ":34", "-1:34", " 12:34", "12:-34", trailing};
  for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
    CHECK(log_journal_stream_matches(bad[i], fd) == 0);
  close(fd);
  unlink(path);
  CHECK(log_journal_stream_matches(same, fd) == 0); /* closed: no file at all */
}

int main(void) {
  RUN(quotes_only_what_needs_it);
  RUN(escapes_what_could_forge_a_line);
  RUN(cuts_long_values_inside_the_quotes);
  RUN(writes_one_line_per_event_above_the_level);
  RUN(journal_lines_start_with_the_syslog_priority);
  RUN(journal_stream_must_name_the_file_itself);
  return check_report();
}
