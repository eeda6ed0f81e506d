/* http_pages_internal.h — what the dashboard's page files share (http_pages.c: the layout,
 * its style sheet, badges, times, links that keep the viewer's signature;
 * http_pages_orgs.c, http_pages_org.c, http_pages_status.c: one page each). Not for use
 * outside the http_pages*.c files. */
#ifndef ATTAIN_HTTP_PAGES_INTERNAL_H
#define ATTAIN_HTTP_PAGES_INTERNAL_H

#include <stdint.h>
#include <string.h>

#include "html.h"
#include "http_pages.h"

/* One page being written. */
typedef struct page {
  html h;
  const http_page_viewer *v;
  const char *at; /* ?at= as given, carried by the organisation's links; NULL: now */
} page;

enum page_nav { PAGE_NAV_NONE = 0, PAGE_NAV_ORGS, PAGE_NAV_STATUS };

/* The document up to the start of <main>: <head> with `title`, the style sheet, the top
 * bar (the operator's navigation, `current` marked; none for a signed link). */
void page_begin(page *p, const char *title, int current);
/* The end of <main>, a footer (`note`: plain text, may be NULL) and the document's end. */
void page_end(page *p, const char *note);
/* Answers with the page (text/html) and frees it. */
void page_respond(http_exchange *x, page *p, int status);

/* href="..." of an organisation's page ("" or "/profile"), carrying the viewer's signature,
 * (`keep_at`) the page's ?at= and (`competency` not NULL) ?competency=. */
void page_org_href(page *p, const char *key, const char *sub, int keep_at,
                   const char *competency);

/* A lifecycle state ("at_risk"; NULL for none) as a coloured label: "At risk". */
void page_state(page *p, const char *state);
const char *page_state_words(const char *state);
/* A level as a badge: "Gold", "Silver", or "None" / `none` for RESULT_LEVEL_NONE. */
void page_level(page *p, int level, const char *none);
/* <time datetime="2026-11-25T00:00:00Z">2026-11-25</time>: the day alone at midnight
 * UTC, else the day and time ("2026-11-25 10:00 UTC"). */
void page_time(page *p, int64_t t);
/* <time datetime="2026-12-31">2026-12-31</time>: the day of `t` (UTC). */
void page_day(page *p, int64_t t);
/* A number for people ("43,500"). */
void page_number(page *p, double d);

/* Words for people (escaped) in which a code or a date ("AZ-104", "2026-12-31") never
 * breaks at its hyphen; a line may break after a slash ("AZ-104/AZ-204"). NULL: nothing. */
void page_words(page *p, const char *s, size_t n);
#define page_words0(p, s) ((s) ? page_words((p), (s), strlen(s)) : (void)0)

/* A ?name= value, NULL when absent or empty (a form sends empty fields). */
const char *page_param(http_exchange *x, const char *name);
/* ?at=: 0 with *at (the request's clock when absent; `*given` the text or NULL), or -1
 * after answering 400. */
int page_at(http_exchange *x, const http_page_viewer *v, int64_t *at, const char **given);

#endif
