/* html.h — HTML for people, written into a growable buffer so that no value can become
 * markup: the dashboard's pages (http_pages.h) write their markup as given and every value
 * (an organisation's name, a policy's label, a cause, an id) through the escaping calls.
 *
 * Escaping: & < > " ' become character references, so a value is safe both as text and
 * inside a quoted attribute; TERM_GLUE (term.h: the glue of words that must stay on one
 * line, as progress.h writes them) becomes &nbsp;; other control characters but tab and
 * newline are dropped, and bytes that are not UTF-8 become U+FFFD, so a document is valid
 * whatever the data holds. Nothing here knows attain's pages. */
#ifndef ATTAIN_HTML_H
#define ATTAIN_HTML_H

#include <stddef.h>

typedef struct html {
  char *buf; /* NUL-terminated once anything was written */
  size_t len, cap;
  int oom; /* an allocation failed: the content is truncated */
} html;

void html_init(html *h);
void html_free(html *h);

/* Markup, written as is: string constants of the page, never a value. */
void html_raw(html *h, const char *markup);
/* A value as text (escaped as above). NULL writes nothing. */
void html_text(html *h, const char *s);
void html_textn(html *h, const char *s, size_t n);
/* Markup with values: `fmt` is markup written as is; every %s argument is a value,
 * escaped as html_text does (no width or precision). The numbers: %d %i %u %x (with h-less
 * length modifiers l, ll, z, the flag 0 and a width), %f and %g (with a precision), as
 * printf writes them; %c and other conversions are not supported. */
void html_f(html *h, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* A value inside a URL (a path segment or a query value): every byte but the unreserved
 * characters of RFC 3986 percent-encoded, which is also safe inside an attribute. */
void html_url(html *h, const char *s);

#endif
