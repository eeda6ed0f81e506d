/* test_import.c — JSON Lines import: every record type, updates by key, idempotence,
 * R7 at import, and bad input: FILE:LINE: reason with nothing of the file stored. */
#include "check.h"
#include "import.h"
#include "policy_schema.h"
#include "store.h"
#include "testdb.h"

static char err[1024];

static const char *GOOD =
    "{\"type\":\"org\",\"id\":\"contoso\",\"name\":\"Contoso Ltd\"}\n"
    "{\"type\":\"org\",\"id\":\"fabrikam\",\"name\":\"Fabrikam\"}\n"
    "{\"type\":\"user\",\"id\":\"u1\",\"org\":\"contoso\",\"name\":\"Ana\",\"joined\":\"2025-01-10\"}\n"
    "{\"type\":\"user\",\"id\":\"u9\",\"org\":\"fabrikam\",\"name\":\"Bea\"}\n"
    "\n"
    "{\"type\":\"user\",\"id\":\"u1\",\"org\":\"contoso\",\"left\":\"2026-03-01\"}\n"
    "{\"type\":\"msa_link\",\"msa\":\"ana@example.com\",\"user\":\"u1\",\"at\":\"2025-02-01T10:00:00Z\"}\n"
    "{\"type\":\"achievement\",\"msa\":\"ana@example.com\",\"code\":\"AZ-104\",\"kind\":\"certification\","
    "\"earned\":\"2025-03-01T00:00:00Z\",\"expires\":\"2027-03-01\"}\n"
    "{\"type\":\"metric\",\"org\":\"contoso\",\"metric\":\"azure_consumed_revenue\",\"period\":\"2026-01\",\"value\":1500}\n"
    "{\"type\":\"override\",\"org\":\"contoso\",\"competency\":\"cloud-platform\",\"code\":\"AZ-305\","
    "\"people\":1,\"reason\":\"exam taken under old MSA\",\"by\":\"ops@example.com\",\"until\":\"2026-12-31\"}\n"
    "{\"type\":\"msa_link\",\"msa\":\"ana@example.com\",\"user\":\"u9\",\"at\":\"2026-01-15T00:00:00Z\"}\n";

static store *fresh(const char **path) {
  *path = testdb_path();
  store *s = NULL;
  if (store_open(&s, *path, 1, err, sizeof err) != STORE_OK) fprintf(stderr, "%s\n", err);
  return s;
}

static void imports_every_record_type(void) {
  const char *p;
  store *s = fresh(&p);
  import_stats st;
  CHECK(import_file(s, testdb_file("good.jsonl", GOOD), &st, err, sizeof err) == IMPORT_OK);
  CHECK(st.records == 10);
  CHECK(st.orgs_changed == 2);
  int64_t counts[16];
  CHECK(store_table_counts(s, counts, err, sizeof err) == STORE_OK);
  /* org user msa msa_link achievement metric override */
  CHECK(counts[0] == 2 && counts[1] == 2 && counts[2] == 1 && counts[3] == 2 && counts[4] == 1 &&
        counts[5] == 1 && counts[6] == 1);
  store_close(s);
  char *dump = testdb_dump(p);
  /* The departure updated only "left"; the name and join date stayed. */
  CHECK_CONTAINS(dump, "user1|u1|1|Ana|1736467200|1772323200|");
  /* R7: the association with u1 ended when the MSA moved to fabrikam's u9. */
  CHECK_CONTAINS(dump, "msa_link1|1738404000|1|1|1768435200|");
  CHECK_CONTAINS(dump, "msa_link1|1768435200|2|2|NULL|");
  free(dump);
  testdb_remove(p);
}

static void importing_twice_changes_nothing(void) {
  const char *p;
  store *s = fresh(&p);
  import_stats st;
  const char *f = testdb_file("twice.jsonl", GOOD);
  CHECK(import_file(s, f, &st, err, sizeof err) == IMPORT_OK);
  store_close(s);
  char *first = testdb_dump(p);
  store_open(&s, p, 0, err, sizeof err);
  CHECK(import_file(s, f, &st, err, sizeof err) == IMPORT_OK);
  CHECK(st.orgs_changed == 0);
  store_close(s);
  char *second = testdb_dump(p);
  CHECK_STR(second, first);
  free(first);
  free(second);
  testdb_remove(p);
}

/* Imports GOOD, then `bad`; expects exit-65-class failure with `expect` in the message
 * and the database content exactly as GOOD left it. */
static void expect_rejected(const char *name, const char *bad, const char *expect) {
  const char *p;
  store *s = fresh(&p);
  import_stats st;
  import_file(s, testdb_file("base.jsonl", GOOD), &st, err, sizeof err);
  store_close(s);
  char *before = testdb_dump(p);
  store_open(&s, p, 0, err, sizeof err);
  const char *f = testdb_file(name, bad);
  int rc = import_file(s, f, &st, err, sizeof err);
  store_close(s);
  if (rc != IMPORT_EDATA) fprintf(stderr, "  %s: rc %d, err %s\n", name, rc, err);
  CHECK(rc == IMPORT_EDATA);
  char prefix[256];
  snprintf(prefix, sizeof prefix, "%s:", f);
  CHECK(strncmp(err, prefix, strlen(prefix)) == 0);
  CHECK_CONTAINS(err, expect);
  char *after = testdb_dump(p);
  CHECK_STR(after, before);
  free(before);
  free(after);
  testdb_remove(p);
}

#define ORG_OK "{\"type\":\"org\",\"id\":\"new\",\"name\":\"New\"}\n"
#define METRIC_OK "{\"type\":\"metric\",\"org\":\"new\",\"metric\":\"m\",\"period\":\"2026-01\",\"value\":1}\n"

static void rejects_bad_lines_naming_file_and_line(void) {
  expect_rejected("type.jsonl", ORG_OK "{\"type\":\"partner\",\"id\":\"x\"}\n" METRIC_OK,
                  ":2: unknown record type \"partner\"");
  expect_rejected("notype.jsonl", ORG_OK "{\"id\":\"x\"}\n", ":2: missing field \"type\"");
  expect_rejected("missing.jsonl", ORG_OK METRIC_OK "{\"type\":\"user\",\"id\":\"u5\",\"name\":\"X\"}\n",
                  ":3: unknown user \"u5\": a new user needs \"org\"");
  expect_rejected("reqfield.jsonl", ORG_OK "{\"type\":\"metric\",\"org\":\"new\",\"metric\":\"m\",\"value\":1}\n",
                  ":2: metric: missing field \"period\"");
  expect_rejected("mistyped.jsonl", ORG_OK "{\"type\":\"metric\",\"org\":\"new\",\"metric\":\"m\",\"period\":\"2026-01\",\"value\":\"12\"}\n",
                  ":2: metric: field \"value\" must be a number, got a string");
  expect_rejected("unknownfield.jsonl", "{\"type\":\"org\",\"id\":\"x\",\"nmae\":\"X\"}\n",
                  ":1: org: unknown field \"nmae\"");
  expect_rejected("time.jsonl", ORG_OK "{\"type\":\"user\",\"id\":\"u5\",\"org\":\"new\",\"joined\":\"2025-02-30\"}\n",
                  ":2: user: field \"joined\" must be an ISO 8601 time");
  expect_rejected("period.jsonl", ORG_OK "{\"type\":\"metric\",\"org\":\"new\",\"metric\":\"m\",\"period\":\"2026-13\",\"value\":1}\n",
                  ":2: metric: field \"period\" must be a month \"YYYY-MM\"");
  expect_rejected("unknownorg.jsonl", ORG_OK "{\"type\":\"metric\",\"org\":\"nobody\",\"metric\":\"m\",\"period\":\"2026-01\",\"value\":1}\n",
                  ":2: unknown organisation \"nobody\"");
  expect_rejected("unknownuser.jsonl", ORG_OK "{\"type\":\"msa_link\",\"msa\":\"m@x\",\"user\":\"ghost\",\"at\":\"2026-01-01\"}\n",
                  ":2: unknown user \"ghost\"");
  expect_rejected("unknownmsa.jsonl", ORG_OK "{\"type\":\"achievement\",\"msa\":\"nobody@x\",\"code\":\"AZ-104\",\"kind\":\"certification\",\"earned\":\"2026-01-01\"}\n",
                  ":2: unknown MSA \"nobody@x\"");
  expect_rejected("negative.jsonl", ORG_OK "{\"type\":\"metric\",\"org\":\"new\",\"metric\":\"m\",\"period\":\"2026-01\",\"value\":-5}\n",
                  ":2: metric: field \"value\" must not be negative");
  expect_rejected("notjson.jsonl", ORG_OK METRIC_OK "this is not json\n", ":3: not a JSON record:");
  expect_rejected("array.jsonl", "[1,2]\n", ":1: a record must be a JSON object, got an array");
  expect_rejected("dup.jsonl", "{\"type\":\"org\",\"id\":\"a\",\"id\":\"b\"}\n", ":1: not a JSON record: duplicate object key");
  expect_rejected("kind.jsonl", ORG_OK "{\"type\":\"msa_link\",\"msa\":\"m@x\",\"user\":\"u9\",\"at\":\"2026-01-01\"}\n"
                  "{\"type\":\"achievement\",\"msa\":\"m@x\",\"code\":\"X\",\"kind\":\"diploma\",\"earned\":\"2026-01-01\"}\n",
                  ":3: achievement: field \"kind\" must be \"certification\", \"exam\" or \"assessment\"");
  expect_rejected("empty.jsonl", "", ":1: no records (empty file?)");
  expect_rejected("blank.jsonl", "\n\n", ":2: no records");
  expect_rejected("binary.jsonl", ORG_OK "\x7f" "ELF\x02\x01\x01", ":2: not a JSON record");
  expect_rejected("moved.jsonl", ORG_OK "{\"type\":\"user\",\"id\":\"u1\",\"org\":\"new\"}\n",
                  ":2: user \"u1\" belongs to another organisation");
  expect_rejected("huge.jsonl", ORG_OK "{\"type\":\"metric\",\"org\":\"new\",\"metric\":\"m\",\"period\":\"2026-01\",\"value\":1.7e308}\n",
                  ":2: metric: field \"value\" must be at most 1000000000000000, got 1.7e+308");
  expect_rejected("known.jsonl", ORG_OK "{\"type\":\"user\",\"id\":\"u1\",\"name\":\"A\",\"known\":\"2026-01-01\"}\n",
                  ":2: user: field \"known\" says when a joining or departure was learned of: give "
                  "\"joined\" or \"left\" with it");
  expect_rejected("knownnull.jsonl", ORG_OK "{\"type\":\"msa_link\",\"msa\":\"m@x\",\"user\":\"u9\",\"at\":\"2026-01-01\",\"known\":null}\n",
                  ":2: msa_link: field \"known\" must be an ISO 8601 time (YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ), got null");
  expect_rejected("people.jsonl", "{\"type\":\"override\",\"org\":\"contoso\",\"competency\":\"c\",\"code\":\"X\",\"people\":0,\"reason\":\"r\",\"by\":\"b\",\"until\":\"2027-01-01\"}\n",
                  ":1: override: field \"people\" must be a whole number");
}

/* "known": when the program learned of an event (docs/import.md). It is stored with the
 * events of its record only; an update without it means "learned of when it happened". */
static void stores_when_each_event_was_known(void) {
  const char *p;
  store *s = fresh(&p);
  import_stats st;
  const char *f = testdb_file("known.jsonl",
      "{\"type\":\"org\",\"id\":\"o\"}\n"
      "{\"type\":\"user\",\"id\":\"u1\",\"org\":\"o\",\"joined\":\"2025-01-01\"}\n"
      "{\"type\":\"user\",\"id\":\"u1\",\"left\":\"2026-05-15\",\"known\":\"2026-02-01\"}\n"
      "{\"type\":\"msa_link\",\"msa\":\"m@x\",\"user\":\"u1\",\"at\":\"2025-02-01\",\"known\":\"2025-03-01\"}\n"
      "{\"type\":\"achievement\",\"msa\":\"m@x\",\"code\":\"AZ-104\",\"kind\":\"certification\","
      "\"earned\":\"2025-04-01\",\"known\":\"2025-04-10\"}\n"
      "{\"type\":\"override\",\"org\":\"o\",\"competency\":\"c\",\"code\":\"AZ-305\",\"people\":1,"
      "\"reason\":\"r\",\"by\":\"b\",\"from\":\"2026-06-01\",\"until\":\"2027-01-01\",\"known\":\"2026-01-15\"}\n");
  CHECK(import_file(s, f, &st, err, sizeof err) == IMPORT_OK);
  store_close(s);
  char *dump = testdb_dump(p);
  /* user: joined (no known), left 2026-05-15 known 2026-02-01 */
  CHECK_CONTAINS(dump, "user1|u1|1|NULL|1735689600|1778803200|NULL|1769904000|");
  CHECK_CONTAINS(dump, "msa_link1|1738368000|1|1|NULL|1740787200|");
  CHECK_CONTAINS(dump, "achievement1|AZ-104|1743465600|certification|NULL|1744243200|");
  CHECK_CONTAINS(dump, "|1780272000|1798761600|1768435200|"); /* override from, until, known */
  free(dump);
  /* A later departure record without "known" means it was learned of when it happened. */
  store_open(&s, p, 0, err, sizeof err);
  CHECK(import_file(s, testdb_file("left.jsonl", "{\"type\":\"user\",\"id\":\"u1\",\"left\":\"2026-05-20\"}\n"),
                    &st, err, sizeof err) == IMPORT_OK);
  store_close(s);
  dump = testdb_dump(p);
  CHECK_CONTAINS(dump, "user1|u1|1|NULL|1735689600|1779235200|NULL|NULL|");
  free(dump);
  testdb_remove(p);
}

static void rejects_a_binary_file_with_nul_bytes(void) {
  const char *p;
  store *s = fresh(&p);
  const char *f = "/tmp/attain-test-binary.bin";
  FILE *fp = fopen(f, "wb");
  fwrite("\x00\x01\x02\x03garbage\n", 1, 12, fp);
  fclose(fp);
  import_stats st;
  CHECK(import_file(s, f, &st, err, sizeof err) == IMPORT_EDATA);
  CHECK_CONTAINS(err, "binary.bin:1: line holds a NUL byte");
  store_close(s);
  testdb_remove(p);
  remove(f);
}

static void accepts_crlf_line_ends_and_a_byte_order_mark(void) {
  const char *p;
  store *s = fresh(&p);
  import_stats st;
  const char *f = testdb_file("bom.jsonl", "\xEF\xBB\xBF{\"type\":\"org\",\"id\":\"a\"}\r\n"
                                           "{\"type\":\"org\",\"id\":\"b\"}\r\n");
  CHECK(import_file(s, f, &st, err, sizeof err) == IMPORT_OK);
  CHECK(st.records == 2);
  store_close(s);
  testdb_remove(p);
}

static void reports_an_unreadable_file(void) {
  const char *p;
  store *s = fresh(&p);
  import_stats st;
  CHECK(import_file(s, "/nonexistent/facts.jsonl", &st, err, sizeof err) == IMPORT_EINPUT);
  CHECK_CONTAINS(err, "/nonexistent/facts.jsonl: cannot open");
  store_close(s);
  testdb_remove(p);
}

/* With a schema: an undeclared metric or code, or a code of another kind, is bad data and
 * nothing of the file is stored; what the schema declares imports. */
static void holds_facts_to_the_schema(void) {
  static const char schema_text[] =
      "{ \"metrics\": { \"azure_consumed_revenue\": \"revenue\" },\n"
      "  \"codes\": { \"AZ-104\": \"certification\", \"AZ-305\": \"certification\" } }";
  policy_schema *schema;
  char **sp;
  int nsp;
  CHECK(policy_schema_parse(&schema, "pol/schema.json", schema_text, sizeof schema_text - 1, &sp, &nsp) == 0);
  const char *p;
  store *s = fresh(&p);
  import_stats st;
  CHECK(import_file_checked(s, testdb_file("good.jsonl", GOOD), schema, &st, err, sizeof err) == IMPORT_OK);
  static const struct {
    const char *line, *why;
  } bad[] = {
      {"{\"type\":\"metric\",\"org\":\"contoso\",\"metric\":\"azure_consumed_revenu\",\"period\":\"2026-02\","
       "\"value\":1}",
       "bad.jsonl:2: metric: metric \"azure_consumed_revenu\" is not declared in pol/schema.json (did you "
       "mean \"azure_consumed_revenue\"?)"},
      {"{\"type\":\"achievement\",\"msa\":\"ana@example.com\",\"code\":\"AZ-1O4\",\"kind\":\"certification\","
       "\"earned\":\"2025-03-01\"}",
       "bad.jsonl:2: achievement: code \"AZ-1O4\" is not declared in pol/schema.json (did you mean "
       "\"AZ-104\"?)"},
      {"{\"type\":\"achievement\",\"msa\":\"ana@example.com\",\"code\":\"AZ-104\",\"kind\":\"assessment\","
       "\"earned\":\"2025-03-01\"}",
       "bad.jsonl:2: achievement: code \"AZ-104\" is declared as a certification in pol/schema.json, not an "
       "assessment"},
      {"{\"type\":\"override\",\"org\":\"contoso\",\"competency\":\"cloud-platform\",\"code\":\"SC-100\","
       "\"people\":1,\"reason\":\"r\",\"by\":\"b\",\"until\":\"2026-12-31\"}",
       "bad.jsonl:2: override: code \"SC-100\" is not declared in pol/schema.json"},
  };
  int64_t before[16] = {0}, after[16] = {0};
  CHECK(store_table_counts(s, before, err, sizeof err) == STORE_OK);
  for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
    char text[1024];
    snprintf(text, sizeof text, "{\"type\":\"org\",\"id\":\"newco\"}\n%s\n", bad[i].line);
    CHECK(import_file_checked(s, testdb_file("bad.jsonl", text), schema, &st, err, sizeof err) == IMPORT_EDATA);
    const char *shown = strstr(err, "bad.jsonl:"); /* after the temporary directory */
    CHECK_STR(shown, bad[i].why);
  }
  CHECK(store_table_counts(s, after, err, sizeof err) == STORE_OK);
  CHECK(memcmp(before, after, sizeof before) == 0); /* not even the org of line 1 */
  store_close(s);
  policy_schema_free(schema);
  testdb_remove(p);
}

int main(void) {
  RUN(imports_every_record_type);
  RUN(holds_facts_to_the_schema);
  RUN(importing_twice_changes_nothing);
  RUN(rejects_bad_lines_naming_file_and_line);
  RUN(stores_when_each_event_was_known);
  RUN(rejects_a_binary_file_with_nul_bytes);
  RUN(accepts_crlf_line_ends_and_a_byte_order_mark);
  RUN(reports_an_unreadable_file);
  return check_report();
}
