/* http_api.h — the daemon's HTTP interface (docs/http.md): health, Prometheus metrics,
 * the JSON API for reading an organisation's progress, the few mutations an operator can
 * ask for (reload, full sweep, evaluate one organisation), and the dashboard's pages
 * (http_pages.h, docs/dashboard.md) with who may see them: the operator's tokens, and
 * signed links to one organisation's pages (link.h).
 *
 * Reads run on the HTTP threads (http.h) on read-only store connections of their own and
 * a reference to the serving policy set, so a slow request never delays the loop thread
 * and the loop thread never waits for a request. Mutations are handed to the loop thread
 * (http_api_host.post) as an http_call, which the loop answers once with
 * http_call_answer; the connection waits suspended meanwhile. */
#ifndef ATTAIN_HTTP_API_H
#define ATTAIN_HTTP_API_H

#include <jansson.h>
#include <stdint.h>

#include "daemon_view.h"
#include "log.h"
#include "policy_set.h"

typedef struct http_api http_api;
typedef struct http_call http_call;

enum http_call_cmd {
  HTTP_CALL_RELOAD,   /* POST /v1/reload */
  HTTP_CALL_DRY_RUN,  /* POST /v1/reload?dry_run=1 */
  HTTP_CALL_CONFIRM,  /* POST /v1/reload?confirm=VERSION */
  HTTP_CALL_SWEEP,    /* POST /v1/sweep */
  HTTP_CALL_EVAL      /* POST /v1/orgs/{id}/eval */
};

/* What the daemon offers its HTTP interface; every function may be called from any
 * thread. */
typedef struct http_api_host {
  void *arg;
  /* A copy of the daemon's view (daemon_view_free it) and how long ago the loop thread
   * published it (ms): the loop publishes every second, so a stale view means a stalled
   * loop. Returns 0, or -1 out of memory. */
  int (*view)(void *arg, daemon_view *out, int64_t *age_ms);
  /* A reference to the serving policy set, or NULL before a good one loads. */
  policy_set *(*serving)(void *arg);
  /* Hands a mutation to the loop thread, which answers it with http_call_answer. */
  void (*post)(void *arg, http_call *call);
} http_api_host;

typedef struct http_api_options {
  const char *listen;           /* --http */
  const char *db;               /* the database, opened read-only per HTTP thread */
  const char *token_file;       /* --http-token-file: bearer token for mutations, or NULL */
  const char *read_token_file;  /* --http-read-token-file: bearer token for reads, or NULL */
  const char *link_secret_file; /* --http-link-secret-file: the secret of signed links, or NULL */
  int threads;                  /* HTTP threads (0: 2) */
  unsigned max_connections;     /* 0: 256 */
  logger log;
} http_api_options;

/* Reads the token and secret files and starts listening. Returns 0, or -1 with err (a
 * token or secret file that is missing, empty, too short or readable by others; the
 * address in use; ...). */
int http_api_start(http_api **out, const http_api_options *o, const http_api_host *host,
                   char *err, size_t errsz);
/* "127.0.0.1:8080": where it listens (the real port when --http asked for port 0). */
const char *http_api_address(const http_api *a);
/* Who may read (for the log): "token" (a read token is set), "open" (none, on loopback),
 * "daemon" (none, off loopback: health, /metrics and /v1/status only, no organisation's
 * data or page without a token or a signed link). */
const char *http_api_reads(const http_api *a);
/* Stops listening and closes the store connections. Every posted call must have been
 * answered. NULL is a no-op. */
void http_api_stop(http_api *a);

/* What a posted call asks; its argument: the organisation of HTTP_CALL_EVAL, the version
 * of HTTP_CALL_CONFIRM (NULL otherwise). */
int http_call_cmd(const http_call *c);
const char *http_call_arg(const http_call *c);
/* Answers the call with `status` and `reply` (a JSON object, stolen) and frees it. */
void http_call_answer(http_call *c, int status, json_t *reply);

#endif
