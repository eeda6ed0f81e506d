/* http.c — the HTTP server on libmicrohttpd (see http.h).
 *
 * libmicrohttpd calls the access handler several times per request: once the headers
 * are in (the exchange is made), once per piece of body, and once more when the body is
 * complete, which is when attain's handler runs. An exchange that was suspended is
 * resumed by its answer and the access handler is called once more to queue it. The
 * exchange is freed by the completion callback, which also counts the request. */
#include "http.h"

#include <arpa/inet.h>
#include <errno.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "prom.h"

#define MAX_HEADERS 4
#define MAX_ROUTE_CODES 128

static const double duration_bounds[] = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                         0.1,    0.25,  0.5,    1,     2.5,  5,     10};
#define NBOUNDS ((int)(sizeof duration_bounds / sizeof *duration_bounds))

struct http_exchange {
  http_server *s;
  struct MHD_Connection *conn;
  const char *method, *path;
  double started;
  const char *route;
  char *body;
  size_t body_len;
  int too_large;
  pthread_mutex_t mu; /* the answer may come from another thread */
  int in_handler, suspended, answered;
  int status;
  char content_type[64];
  char *resp;
  size_t resp_len;
  struct {
    char *name, *value;
  } headers[MAX_HEADERS];
  int nheaders;
};

struct route_count {
  const char *route;
  int code;
  uint64_t count;
};

struct route_hist {
  const char *route;
  prom_hist h;
};

struct http_server {
  struct MHD_Daemon *mhd;
  http_handler handler;
  void *arg;
  size_t max_body;
  int port;
  char address[80];
  pthread_mutex_t mu; /* the request metrics */
  struct route_count counts[MAX_ROUTE_CODES];
  int ncounts;
  struct route_hist hists[MAX_ROUTE_CODES];
  int nhists;
  uint64_t dropped; /* requests beyond the metrics table (never expected: routes are few) */
};

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int http_parse_listen(const char *spec, struct sockaddr_storage *ss, socklen_t *len, char *err,
                      size_t errsz) {
  memset(ss, 0, sizeof *ss);
  char host[64];
  const char *port;
  if (spec[0] == '[') {
    const char *close = strchr(spec, ']');
    if (!close || close[1] != ':' || (size_t)(close - spec - 1) >= sizeof host) goto bad;
    memcpy(host, spec + 1, (size_t)(close - spec - 1));
    host[close - spec - 1] = 0;
    port = close + 2;
  } else {
    const char *colon = strrchr(spec, ':');
    if (!colon) {
      snprintf(host, sizeof host, "127.0.0.1"); /* a bare port: loopback only */
      port = spec;
    } else {
      if ((size_t)(colon - spec) >= sizeof host || strchr(spec, ':') != colon) goto bad;
      memcpy(host, spec, (size_t)(colon - spec));
      host[colon - spec] = 0;
      port = colon + 1;
    }
  }
  char *end;
  errno = 0;
  long p = strtol(port, &end, 10);
  if (!*port || *end || errno || p < 0 || p > 65535) goto bad;
  struct sockaddr_in *v4 = (struct sockaddr_in *)ss;
  struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)ss;
  if (inet_pton(AF_INET, host, &v4->sin_addr) == 1) {
    v4->sin_family = AF_INET;
    v4->sin_port = htons((uint16_t)p);
    *len = sizeof *v4;
    return 0;
  }
  if (inet_pton(AF_INET6, host, &v6->sin6_addr) == 1) {
    v6->sin6_family = AF_INET6;
    v6->sin6_port = htons((uint16_t)p);
    *len = sizeof *v6;
    return 0;
  }
bad:
  snprintf(err, errsz,
           "--http \"%s\": expected PORT, ADDRESS:PORT or [IPv6 ADDRESS]:PORT with a numeric "
           "address (e.g. 8080, 127.0.0.1:8080, [::1]:8080)",
           spec);
  return -1;
}

/* ---- metrics ---- */

static void count_request(http_server *s, const char *route, int code, double seconds) {
  pthread_mutex_lock(&s->mu);
  int i;
  for (i = 0; i < s->ncounts; i++)
    if (s->counts[i].code == code && strcmp(s->counts[i].route, route) == 0) break;
  if (i == s->ncounts && s->ncounts < MAX_ROUTE_CODES)
    s->counts[s->ncounts++] = (struct route_count){route, code, 0};
  if (i < s->ncounts)
    s->counts[i].count++;
  else
    s->dropped++;
  for (i = 0; i < s->nhists; i++)
    if (strcmp(s->hists[i].route, route) == 0) break;
  if (i == s->nhists && s->nhists < MAX_ROUTE_CODES) {
    s->hists[i].route = route;
    prom_hist_init(&s->hists[i].h, duration_bounds, NBOUNDS);
    s->nhists++;
  }
  if (i < s->nhists) prom_hist_observe(&s->hists[i].h, seconds);
  pthread_mutex_unlock(&s->mu);
}

void http_metrics_write(http_server *s, jsonw *w) {
  pthread_mutex_lock(&s->mu);
  prom_family(w, "attain_http_requests_total", "counter",
              "HTTP requests answered, by route and status code.");
  for (int i = 0; i < s->ncounts; i++) {
    char code[8];
    snprintf(code, sizeof code, "%d", s->counts[i].code);
    const char *labels[] = {"route", s->counts[i].route, "code", code};
    prom_sample(w, "attain_http_requests_total", labels, 2, (double)s->counts[i].count);
  }
  prom_family(w, "attain_http_request_duration_seconds", "histogram",
              "Time from a request's headers to its answer, by route.");
  for (int i = 0; i < s->nhists; i++) {
    const char *labels[] = {"route", s->hists[i].route};
    prom_hist_write(w, "attain_http_request_duration_seconds", labels, 1, &s->hists[i].h);
  }
  pthread_mutex_unlock(&s->mu);
}

/* ---- exchanges ---- */

const char *http_method(const http_exchange *x) { return x->method; }
const char *http_path(const http_exchange *x) { return x->path; }
size_t http_body_length(const http_exchange *x) { return x->body_len; }

const char *http_query(http_exchange *x, const char *name) {
  return MHD_lookup_connection_value(x->conn, MHD_GET_ARGUMENT_KIND, name);
}

const char *http_header(http_exchange *x, const char *name) {
  return MHD_lookup_connection_value(x->conn, MHD_HEADER_KIND, name);
}

void http_set_route(http_exchange *x, const char *route) { x->route = route; }

void http_add_header(http_exchange *x, const char *name, const char *value) {
  if (x->nheaders == MAX_HEADERS) return;
  char *n = strdup(name), *v = strdup(value);
  if (!n || !v) {
    free(n);
    free(v);
    return;
  }
  x->headers[x->nheaders].name = n;
  x->headers[x->nheaders].value = v;
  x->nheaders++;
}

void http_respond(http_exchange *x, int status, const char *content_type, char *body, size_t len) {
  pthread_mutex_lock(&x->mu);
  if (x->answered) { /* a second answer is a bug of the caller: keep the first */
    pthread_mutex_unlock(&x->mu);
    free(body);
    return;
  }
  x->answered = 1;
  x->status = status;
  snprintf(x->content_type, sizeof x->content_type, "%s", content_type ? content_type : "");
  x->resp = body;
  x->resp_len = body ? len : 0;
  int resume = x->suspended && !x->in_handler;
  pthread_mutex_unlock(&x->mu);
  if (resume) MHD_resume_connection(x->conn);
}

void http_respond_json(http_exchange *x, int status, jsonw *w) {
  if (w->oom) {
    jsonw_free(w);
    jsonw_init(w);
    http_respond(x, 500, "text/plain; charset=utf-8", strdup("out of memory\n"), 14);
    return;
  }
  char *body = w->buf;
  size_t len = w->len;
  w->buf = NULL;
  w->len = w->cap = 0;
  jsonw_reset(w);
  http_respond(x, status, "application/json", body, len);
}

void http_suspend(http_exchange *x) {
  pthread_mutex_lock(&x->mu);
  x->suspended = 1;
  pthread_mutex_unlock(&x->mu);
  MHD_suspend_connection(x->conn);
}

static enum MHD_Result queue(http_exchange *x) {
  struct MHD_Response *r =
      MHD_create_response_from_buffer(x->resp_len, x->resp ? x->resp : (char *)"",
                                      x->resp ? MHD_RESPMEM_MUST_FREE : MHD_RESPMEM_PERSISTENT);
  if (!r) return MHD_NO;
  x->resp = NULL;
  if (x->content_type[0]) MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, x->content_type);
  MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
  MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
  for (int i = 0; i < x->nheaders; i++)
    MHD_add_response_header(r, x->headers[i].name, x->headers[i].value);
  enum MHD_Result ret = MHD_queue_response(x->conn, (unsigned)x->status, r);
  MHD_destroy_response(r);
  return ret;
}

static void plain(http_exchange *x, int status, const char *text) {
  http_respond(x, status, "text/plain; charset=utf-8", strdup(text), strlen(text));
}

static enum MHD_Result on_access(void *cls, struct MHD_Connection *conn, const char *url,
                                 const char *method, const char *version,
                                 const char *upload_data, size_t *upload_size, void **con_cls) {
  http_server *s = cls;
  http_exchange *x = *con_cls;
  if (!x) { /* the headers are in */
    if (!(x = calloc(1, sizeof *x))) return MHD_NO;
    pthread_mutex_init(&x->mu, NULL);
    x->s = s;
    x->conn = conn;
    x->method = method;
    x->path = url;
    x->route = "unmatched";
    x->started = now();
    *con_cls = x;
    const char *cl = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
                                                 MHD_HTTP_HEADER_CONTENT_LENGTH);
    if (cl && strtoull(cl, NULL, 10) > s->max_body) x->too_large = 1;
    return MHD_YES;
  }
  if (*upload_size) { /* a piece of the body */
    if (!x->too_large && x->body_len + *upload_size <= s->max_body) {
      char *b = realloc(x->body, x->body_len + *upload_size + 1);
      if (!b) return MHD_NO;
      memcpy(b + x->body_len, upload_data, *upload_size);
      x->body = b;
      x->body_len += *upload_size;
      x->body[x->body_len] = 0;
    } else {
      x->too_large = 1;
    }
    *upload_size = 0;
    return MHD_YES;
  }
  if (x->answered) return queue(x); /* resumed with its answer */
  if (x->too_large) {
    char msg[96];
    snprintf(msg, sizeof msg, "request body over %zu bytes\n", s->max_body);
    plain(x, 413, msg);
    return queue(x);
  }
  pthread_mutex_lock(&x->mu);
  x->in_handler = 1;
  pthread_mutex_unlock(&x->mu);
  s->handler(s->arg, x);
  pthread_mutex_lock(&x->mu);
  x->in_handler = 0;
  int answered = x->answered, suspended = x->suspended;
  pthread_mutex_unlock(&x->mu);
  if (answered && !suspended) return queue(x);
  if (answered) MHD_resume_connection(conn); /* answered before the handler returned */
  return MHD_YES;
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
                         enum MHD_RequestTerminationCode toe) {
  http_server *s = cls;
  http_exchange *x = *con_cls;
  if (!x) return;
  if (x->answered) count_request(s, x->route, x->status, now() - x->started);
  free(x->body);
  free(x->resp);
  for (int i = 0; i < x->nheaders; i++) {
    free(x->headers[i].name);
    free(x->headers[i].value);
  }
  pthread_mutex_destroy(&x->mu);
  free(x);
  *con_cls = NULL;
}

int http_start(http_server **out, const http_options *o, http_handler handler, void *arg,
               char *err, size_t errsz) {
  *out = NULL;
  struct sockaddr_storage ss;
  socklen_t sl;
  if (http_parse_listen(o->listen, &ss, &sl, err, errsz)) return -1;
  http_server *s = calloc(1, sizeof *s);
  if (!s) {
    snprintf(err, errsz, "out of memory");
    return -1;
  }
  pthread_mutex_init(&s->mu, NULL);
  s->handler = handler;
  s->arg = arg;
  s->max_body = o->max_body ? o->max_body : 64 * 1024;
  unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_ALLOW_SUSPEND_RESUME;
  if (ss.ss_family == AF_INET6) flags |= MHD_USE_IPv6;
  s->mhd = MHD_start_daemon(
      flags, 0, NULL, NULL, on_access, s, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
      MHD_OPTION_THREAD_POOL_SIZE, (unsigned)(o->threads > 0 ? o->threads : 2),
      MHD_OPTION_CONNECTION_LIMIT, o->max_connections ? o->max_connections : 256u,
      MHD_OPTION_CONNECTION_TIMEOUT, o->timeout_s ? o->timeout_s : 10u,
      MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)HTTP_MEMORY_LIMIT,
      MHD_OPTION_NOTIFY_COMPLETED, on_completed, s, MHD_OPTION_SIGPIPE_HANDLED_BY_APP, 1,
      MHD_OPTION_END);
  if (!s->mhd) {
    /* libmicrohttpd says nothing more; the usual reason is the port. */
    snprintf(err, errsz, "cannot listen on %s: %s (in use, or not an address of this host?)",
             o->listen, errno ? strerror(errno) : "libmicrohttpd refused to start");
    pthread_mutex_destroy(&s->mu);
    free(s);
    return -1;
  }
  const union MHD_DaemonInfo *info = MHD_get_daemon_info(s->mhd, MHD_DAEMON_INFO_BIND_PORT);
  s->port = info ? info->port : 0;
  char host[INET6_ADDRSTRLEN];
  if (ss.ss_family == AF_INET6) {
    inet_ntop(AF_INET6, &((struct sockaddr_in6 *)&ss)->sin6_addr, host, sizeof host);
    snprintf(s->address, sizeof s->address, "[%s]:%d", host, s->port);
  } else {
    inet_ntop(AF_INET, &((struct sockaddr_in *)&ss)->sin_addr, host, sizeof host);
    snprintf(s->address, sizeof s->address, "%s:%d", host, s->port);
  }
  *out = s;
  return 0;
}

int http_port(const http_server *s) { return s->port; }
const char *http_address(const http_server *s) { return s->address; }

void http_stop(http_server *s) {
  if (!s) return;
  MHD_stop_daemon(s->mhd);
  pthread_mutex_destroy(&s->mu);
  free(s);
}
