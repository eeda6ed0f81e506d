/* http_pages.h — the dashboard: server-rendered HTML pages of the daemon's HTTP listener
 * (docs/dashboard.md), for people in a browser, with JavaScript on or off:
 *
 *   GET /orgs                 the organisations: search, filters, counts per state, pages
 *   GET /orgs/{id}            an organisation's Competencies page (R4, R9–R14);
 *                             ?competency=ID: that competency alone
 *   GET /orgs/{id}/profile    its business profile (R9, R13, R16)
 *   GET /status               the operator's page: policy set, reloads, sweeps, errors
 *
 * The pages say what the command line says, from the same code: the organisation's
 * evaluation is `attain status`'s (eval_run on the HTTP thread, as GET /v1/orgs/{id}),
 * the next step and what it lacks come from progress.h, the people from people.h, the
 * profile from profile.h, the lists from store_lists.h, the operator's facts from the
 * daemon's view (daemon_view.h) as /v1/status. `?at=TIME` replays the organisation's
 * pages as of that time. Every value is escaped (html.h).
 *
 * Who may see what is decided by the caller (http_api.c) before a page is asked for; the
 * viewer says what the page may link to: an operator gets every link, the holder of an
 * organisation's signed link only that organisation's pages, each link carrying the
 * signature on. Threads: any HTTP thread; the store connection comes from the caller's
 * pool and goes back to it before the answer. */
#ifndef ATTAIN_HTTP_PAGES_H
#define ATTAIN_HTTP_PAGES_H

#include <stddef.h>

#include "http.h"
#include "http_api.h"
#include "store.h"

/* Who is looking: an operator (every page), or the holder of a signed link (its exp and
 * sig, carried by the links of its organisation's pages). */
typedef struct http_page_viewer {
  int operator;
  const char *exp, *sig; /* NULL for an operator */
} http_page_viewer;

/* What the pages need of the listener: the daemon (its view, the serving set) and the
 * read-only store connections of its pool. */
typedef struct http_pages_env {
  const http_api_host *host;
  store *(*take)(void *pool, char *err, size_t errsz);
  void (*give)(void *pool, store *s);
  void *pool;
} http_pages_env;

void http_pages_orgs(const http_pages_env *e, http_exchange *x, const http_page_viewer *v);
void http_pages_org(const http_pages_env *e, http_exchange *x, const http_page_viewer *v,
                    const char *key);
void http_pages_profile(const http_pages_env *e, http_exchange *x, const http_page_viewer *v,
                        const char *key);
void http_pages_status(const http_pages_env *e, http_exchange *x, const http_page_viewer *v);

/* An error page with `status`, a title and a sentence (a refused link, an unknown
 * organisation, a bad ?at=, ...). `v` NULL: a viewer who may see nothing (no links). */
void http_pages_error(http_exchange *x, const http_page_viewer *v, int status, const char *title,
                      const char *message);

#endif
