/* link.c — signed organisation links (see link.h), on Nettle's HMAC-SHA256. Owns nothing
 * beyond the caller's link_secret. */
#include "link.h"

#include <nettle/hmac.h>
#include <nettle/memops.h>
#include <stdio.h>
#include <string.h>

#include "private_file.h"

int link_secret_read(link_secret *s, const char *path, const char *option, char *err,
                     size_t errsz) {
  s->len = 0;
  unsigned char buf[LINK_SECRET_MAX + 2];
  ssize_t n;
  if (private_file_read(path, option, "secret", buf, sizeof buf, &n, err, errsz)) return -1;
  if (n > 0 && buf[n - 1] == '\n') n--;
  if (n > 0 && buf[n - 1] == '\r') n--;
  if (n > LINK_SECRET_MAX) {
    snprintf(err, errsz, "%s %s: the secret is longer than %d bytes", option, path,
             LINK_SECRET_MAX);
    return -1;
  }
  if (n < LINK_SECRET_MIN) {
    snprintf(err, errsz,
             "%s %s: the secret is shorter than %d bytes (e.g. `openssl rand -hex 32 > FILE`)",
             option, path, LINK_SECRET_MIN);
    return -1;
  }
  memcpy(s->bytes, buf, (size_t)n);
  s->len = (size_t)n;
  memset(buf, 0, sizeof buf);
  return 0;
}

static void mac(const link_secret *s, const char *org, int64_t expires,
                uint8_t out[SHA256_DIGEST_SIZE]) {
  struct hmac_sha256_ctx ctx;
  hmac_sha256_set_key(&ctx, s->len, s->bytes);
  char exp[32];
  int n = snprintf(exp, sizeof exp, "%lld", (long long)expires);
  static const char domain[] = "attain-link-v1\n";
  hmac_sha256_update(&ctx, sizeof domain - 1, (const uint8_t *)domain);
  hmac_sha256_update(&ctx, strlen(org), (const uint8_t *)org);
  hmac_sha256_update(&ctx, 1, (const uint8_t *)"\n");
  hmac_sha256_update(&ctx, (size_t)n, (const uint8_t *)exp);
  hmac_sha256_digest(&ctx, SHA256_DIGEST_SIZE, out);
  memset(&ctx, 0, sizeof ctx); /* it holds the key, padded */
}

void link_sign(const link_secret *s, const char *org, int64_t expires, char hex[LINK_SIG_HEX + 1]) {
  uint8_t d[SHA256_DIGEST_SIZE];
  mac(s, org, expires, d);
  for (int i = 0; i < SHA256_DIGEST_SIZE; i++) snprintf(hex + 2 * i, 3, "%02x", d[i]);
}

int link_verify(const link_secret *s, const char *org, int64_t expires, const char *sig, int64_t now) {
  if (!sig || strlen(sig) != LINK_SIG_HEX) return LINK_BAD;
  char want[LINK_SIG_HEX + 1];
  link_sign(s, org, expires, want);
  char given[LINK_SIG_HEX];
  for (int i = 0; i < LINK_SIG_HEX; i++) /* hex digits compare case-insensitively */
    given[i] = (char)(sig[i] >= 'A' && sig[i] <= 'F' ? sig[i] - 'A' + 'a' : sig[i]);
  if (!memeql_sec(given, want, LINK_SIG_HEX)) return LINK_BAD;
  return now < expires ? LINK_OK : LINK_EXPIRED;
}

int link_path_escape(const char *in, char *out, size_t size) {
  static const char hex[] = "0123456789ABCDEF";
  size_t n = 0;
  for (const unsigned char *p = (const unsigned char *)in; *p; p++) {
    int plain = (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
                *p == '-' || *p == '.' || *p == '_' || *p == '~';
    if (n + (plain ? 1 : 3) >= size) return -1;
    if (plain) {
      out[n++] = (char)*p;
    } else {
      out[n++] = '%';
      out[n++] = hex[*p >> 4];
      out[n++] = hex[*p & 15];
    }
  }
  out[n] = 0;
  return (int)n;
}
