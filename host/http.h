/* http.h — a small HTTP/1.1 server on libmicrohttpd for the daemon's listener: the
 * request/response plumbing, limits and per-route request metrics, with no knowledge of
 * attain's routes (http_api.h has those).
 *
 * Threads: libmicrohttpd runs `threads` threads of its own (each with its own epoll set);
 * the handler runs on them, never on the daemon's loop thread. A handler answers at once
 * (http_respond), or suspends the exchange (http_suspend) and answers later from any
 * thread: the answer resumes the connection. Every suspended exchange must be answered
 * before http_stop.
 *
 * Limits, all enforced before a handler runs: at most max_connections connections (the
 * listener stops accepting beyond), a connection idle for timeout_s is closed (a slow
 * client holds one slot for that long at most), a request line plus headers must fit in
 * HTTP_MEMORY_LIMIT bytes (431 otherwise; libmicrohttpd answers 400 to a malformed
 * request), and a body over max_body bytes gets 413. */
#ifndef ATTAIN_HTTP_H
#define ATTAIN_HTTP_H

#include <stddef.h>
#include <sys/socket.h>

#include "jsonw.h"

#define HTTP_MEMORY_LIMIT (32 * 1024)

typedef struct http_server http_server;
typedef struct http_exchange http_exchange;

typedef struct http_options {
  const char *listen;       /* "PORT" (127.0.0.1), "ADDR:PORT" or "[ADDR6]:PORT" */
  int threads;              /* 0: 2 */
  unsigned max_connections; /* 0: 256 */
  unsigned timeout_s;       /* 0: 10 */
  size_t max_body;          /* 0: 64 KiB */
} http_options;

/* Called once per request, on an HTTP thread, once the whole body has arrived. */
typedef void (*http_handler)(void *arg, http_exchange *x);

/* Parses a --http value into a socket address. Returns 0, or -1 with err. */
int http_parse_listen(const char *spec, struct sockaddr_storage *ss, socklen_t *len, char *err,
                      size_t errsz);

/* Starts listening. Returns 0, or -1 with err (a bad address, the port in use, ...). */
int http_start(http_server **out, const http_options *o, http_handler handler, void *arg,
               char *err, size_t errsz);
/* The port listened on (useful with port 0) and the address as text ("127.0.0.1:8080"). */
int http_port(const http_server *s);
const char *http_address(const http_server *s);
/* Stops accepting, closes every connection and joins the threads. NULL is a no-op. */
void http_stop(http_server *s);

/* The request (valid until the exchange is answered). The path is decoded; query
 * parameters and headers are looked up by name (NULL if absent). */
const char *http_method(const http_exchange *x);
const char *http_path(const http_exchange *x);
const char *http_query(http_exchange *x, const char *name);
const char *http_header(http_exchange *x, const char *name);
size_t http_body_length(const http_exchange *x);

/* The route this request matched, as a label for metrics: a string constant such as
 * "/v1/orgs/{id}" (never a value from the request). Default "unmatched", which also
 * counts the requests refused before a handler ran (413). */
void http_set_route(http_exchange *x, const char *route);
/* A response header; call before http_respond. Copied. */
void http_add_header(http_exchange *x, const char *name, const char *value);
/* Answers with `body` (malloc'd, taken over; NULL with len 0 for none). Once per exchange;
 * from any thread after http_suspend. */
void http_respond(http_exchange *x, int status, const char *content_type, char *body, size_t len);
/* Answers with the JSON written into `w` (its buffer is taken over; w is left empty). */
void http_respond_json(http_exchange *x, int status, jsonw *w);
/* From the handler only: the answer comes later (http_respond from any thread). */
void http_suspend(http_exchange *x);

/* attain_http_requests_total{route,code} and attain_http_request_duration_seconds{route}
 * in the Prometheus text format, for the requests completed so far. Any thread. */
void http_metrics_write(http_server *s, jsonw *w);

#endif
