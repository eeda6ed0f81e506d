/* link.h — signed links to one organisation's pages (docs/dashboard.md, "Who may see what").
 *
 * A link names an organisation and an expiry and carries an HMAC-SHA256 of both under a
 * server secret: `/orgs/ID?exp=UNIX&sig=HEX`. Whoever holds it may open that
 * organisation's pages until the expiry, and nothing else (not another organisation, not
 * the list, not the JSON API). The daemon and `attain link` read the same secret file.
 * The MAC is over "attain-link-v1\n" ID "\n" EXP, so a link cannot be re-aimed at another
 * organisation or given a later expiry without the secret. */
#ifndef ATTAIN_LINK_H
#define ATTAIN_LINK_H

#include <stddef.h>
#include <stdint.h>

#define LINK_SECRET_MIN 32
#define LINK_SECRET_MAX 1024
#define LINK_SIG_HEX 64 /* hex digits of the MAC (SHA-256: 32 bytes) */

typedef struct link_secret {
  unsigned char bytes[LINK_SECRET_MAX];
  size_t len;
} link_secret;

/* Reads the secret: the file's bytes less a trailing newline, at least LINK_SECRET_MIN of
 * them, in a file that group and others cannot read. Returns 0, or -1 with err naming the
 * file and `option`. */
int link_secret_read(link_secret *s, const char *path, const char *option, char *err,
                     size_t errsz);

/* The MAC of (org, expires) as lower-case hex. */
void link_sign(const link_secret *s, const char *org, int64_t expires, char hex[LINK_SIG_HEX + 1]);

enum { LINK_OK = 0, LINK_BAD = -1, LINK_EXPIRED = -2 };
/* Checks `sig` (hex) for (org, expires) in constant time, then the expiry against `now`. */
int link_verify(const link_secret *s, const char *org, int64_t expires, const char *sig, int64_t now);

/* Percent-encodes an organisation id for a URL path segment (RFC 3986 unreserved kept).
 * Returns the length, or -1 if it does not fit. */
int link_path_escape(const char *in, char *out, size_t size);

#endif
