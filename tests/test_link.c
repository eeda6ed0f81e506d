/* test_link.c — signed organisation links (host/link.c): the MAC is HMAC-SHA256 of the
 * documented message (checked against openssl's), a link verifies for its organisation and
 * expiry only, expires, and the secret file is refused when short or readable by others. */
#include "check.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "link.h"

static const char key32[] = "0123456789abcdef0123456789abcdef";

static link_secret secret(void) {
  link_secret s = {.len = sizeof key32 - 1};
  memcpy(s.bytes, key32, s.len);
  return s;
}

/* printf 'attain-link-v1\ncontoso\n1800000000' | openssl dgst -sha256 -hmac KEY */
static void signs_the_documented_message(void) {
  link_secret s = secret();
  char hex[LINK_SIG_HEX + 1];
  link_sign(&s, "contoso", 1800000000, hex);
  CHECK_STR(hex, "5988c35426686fbe49ec0988ea8b86148129da2f10192d0a24a1604eed926229");
}

static void verifies_its_organisation_and_expiry_only(void) {
  link_secret s = secret();
  char hex[LINK_SIG_HEX + 1];
  link_sign(&s, "contoso", 1800000000, hex);
  CHECK(link_verify(&s, "contoso", 1800000000, hex, 1700000000) == LINK_OK);
  CHECK(link_verify(&s, "fabrikam", 1800000000, hex, 1700000000) == LINK_BAD);
  CHECK(link_verify(&s, "contoso", 1800000001, hex, 1700000000) == LINK_BAD);
  CHECK(link_verify(&s, "contoso", 1800000000, NULL, 1700000000) == LINK_BAD);
  CHECK(link_verify(&s, "contoso", 1800000000, "", 1700000000) == LINK_BAD);
  char shorter[LINK_SIG_HEX + 1];
  snprintf(shorter, sizeof shorter, "%.63s", hex);
  CHECK(link_verify(&s, "contoso", 1800000000, shorter, 1700000000) == LINK_BAD);
  char upper[LINK_SIG_HEX + 1];
  for (int i = 0; i <= LINK_SIG_HEX; i++)
    upper[i] = (char)(hex[i] >= 'a' && hex[i] <= 'f' ? hex[i] - 'a' + 'A' : hex[i]);
  CHECK(link_verify(&s, "contoso", 1800000000, upper, 1700000000) == LINK_OK);
  link_secret other = s;
  other.bytes[0] ^= 1;
  CHECK(link_verify(&other, "contoso", 1800000000, hex, 1700000000) == LINK_BAD);
}

static void expires_at_its_time(void) {
  link_secret s = secret();
  char hex[LINK_SIG_HEX + 1];
  link_sign(&s, "contoso", 1800000000, hex);
  CHECK(link_verify(&s, "contoso", 1800000000, hex, 1799999999) == LINK_OK);
  CHECK(link_verify(&s, "contoso", 1800000000, hex, 1800000000) == LINK_EXPIRED);
}

static void write_file(const char *path, const char *text, mode_t mode) {
  FILE *f = fopen(path, "w");
  fputs(text, f);
  fclose(f);
  chmod(path, mode);
}

static void reads_a_private_secret_file(void) {
  char dir[] = "/tmp/attain-link-XXXXXX";
  CHECK(mkdtemp(dir) != NULL);
  char path[128], err[256];
  snprintf(path, sizeof path, "%s/secret", dir);
  link_secret s;

  write_file(path, "0123456789abcdef0123456789abcdef\n", 0600);
  CHECK(link_secret_read(&s, path, "--secret-file", err, sizeof err) == 0);
  CHECK(s.len == 32 && memcmp(s.bytes, key32, 32) == 0); /* the newline is not part of it */

  chmod(path, 0640);
  CHECK(link_secret_read(&s, path, "--secret-file", err, sizeof err) == -1);
  char want[256];
  snprintf(want, sizeof want,
           "--secret-file %s: the secret file is readable by group or others (chmod 600 it)", path);
  CHECK_STR(err, want);

  write_file(path, "too short\n", 0600);
  CHECK(link_secret_read(&s, path, "--secret-file", err, sizeof err) == -1);
  snprintf(want, sizeof want,
           "--secret-file %s: the secret is shorter than 32 bytes (e.g. `openssl rand -hex 32 > "
           "FILE`)",
           path);
  CHECK_STR(err, want);
  unlink(path);

  CHECK(link_secret_read(&s, path, "--secret-file", err, sizeof err) == -1);
  snprintf(want, sizeof want, "--secret-file %s: No such file or directory", path);
  CHECK_STR(err, want);
  rmdir(dir);
}

static void escapes_an_id_for_a_path(void) {
  char out[64];
  CHECK(link_path_escape("contoso-eu_1.x~", out, sizeof out) == 15);
  CHECK_STR(out, "contoso-eu_1.x~");
  CHECK(link_path_escape("a b/ç?", out, sizeof out) > 0);
  CHECK_STR(out, "a%20b%2F%C3%A7%3F");
  CHECK(link_path_escape("abcdef", out, 6) == -1);
}

int main(void) {
  RUN(signs_the_documented_message);
  RUN(verifies_its_organisation_and_expiry_only);
  RUN(expires_at_its_time);
  RUN(reads_a_private_secret_file);
  RUN(escapes_an_id_for_a_path);
  return check_report();
}
