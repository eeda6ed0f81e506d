/* test_http.c — the HTTP server plumbing (http.h): --http address forms, answers given at
 * once or later from another thread (a suspended request does not hold up the others,
 * and an answer that comes before the handler returns is not lost), the body limit, and
 * the per-route request counts. */
#include "check.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include "http.h"

static void listen_forms(void) {
  struct sockaddr_storage ss;
  socklen_t len;
  char err[256];
  CHECK(http_parse_listen("8080", &ss, &len, err, sizeof err) == 0);
  const struct sockaddr_in *v4 = (const struct sockaddr_in *)&ss;
  CHECK(ss.ss_family == AF_INET && ntohs(v4->sin_port) == 8080);
  CHECK(ntohl(v4->sin_addr.s_addr) == INADDR_LOOPBACK); /* a bare port: loopback only */
  CHECK(http_parse_listen("0.0.0.0:9", &ss, &len, err, sizeof err) == 0);
  CHECK(v4->sin_addr.s_addr == htonl(INADDR_ANY) && ntohs(v4->sin_port) == 9);
  CHECK(http_parse_listen("[::1]:8443", &ss, &len, err, sizeof err) == 0);
  CHECK(ss.ss_family == AF_INET6 && len == sizeof(struct sockaddr_in6));
  const char *bad[] = {"", "localhost:80", "1.2.3.4", "1.2.3.4:", "1.2.3.4:65536", "::1:80",
                       "[::1]80", "80x", "1.2.3.4:-1"};
  for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
    CHECK(http_parse_listen(bad[i], &ss, &len, err, sizeof err) == -1);
    CHECK_CONTAINS(err, "expected PORT, ADDRESS:PORT or [IPv6 ADDRESS]:PORT");
  }
}

/* ---- a server ---- */

static void *answer_later(void *arg) {
  http_exchange *x = arg;
  usleep(300 * 1000);
  http_respond(x, 200, "text/plain", strdup("late\n"), 5);
  return NULL;
}

static void *answer_now(void *arg) {
  http_exchange *x = arg;
  http_respond(x, 201, "text/plain", strdup("soon\n"), 5);
  return NULL;
}

static void handler(void *arg, http_exchange *x) {
  const char *p = http_path(x);
  pthread_t t;
  if (strcmp(p, "/slow") == 0 || strcmp(p, "/race") == 0) {
    http_set_route(x, strcmp(p, "/slow") == 0 ? "/slow" : "/race");
    http_suspend(x);
    pthread_create(&t, NULL, strcmp(p, "/slow") == 0 ? answer_later : answer_now, x);
    pthread_detach(t);
    return;
  }
  http_set_route(x, "/fast");
  char body[64];
  int n = snprintf(body, sizeof body, "%s %zu %s\n", http_method(x), http_body_length(x),
                   http_query(x, "q") ? http_query(x, "q") : "-");
  http_respond(x, 200, "text/plain", strdup(body), (size_t)n);
}

/* One request on a fresh connection; the whole response. */
static char *request(int port, const char *req) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
  sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, (struct sockaddr *)&sa, sizeof sa)) return strdup("connect failed");
  if (write(fd, req, strlen(req)) < 0) return strdup("write failed");
  char *buf = calloc(1, 65536);
  size_t len = 0;
  ssize_t r;
  while ((r = read(fd, buf + len, 65535 - len)) > 0) len += (size_t)r;
  close(fd);
  return buf;
}

typedef struct slow_arg {
  int port;
  char *reply;
} slow_arg;

static void *slow_client(void *arg) {
  slow_arg *a = arg;
  a->reply = request(a->port, "GET /slow HTTP/1.0\r\n\r\n");
  return NULL;
}

static void answers_now_and_later(void) {
  http_server *s;
  char err[256];
  http_options o = {.listen = "127.0.0.1:0", .max_body = 16};
  CHECK(http_start(&s, &o, handler, NULL, err, sizeof err) == 0);
  int port = http_port(s);
  CHECK(port > 0);
  char want[64];
  snprintf(want, sizeof want, "127.0.0.1:%d", port);
  CHECK_STR(http_address(s), want);

  slow_arg slow = {port, NULL};
  pthread_t t;
  pthread_create(&t, NULL, slow_client, &slow);
  usleep(50 * 1000); /* the slow request is suspended now */
  char *r = request(port, "GET /fast?q=x%20y HTTP/1.0\r\n\r\n");
  CHECK_CONTAINS(r, "HTTP/1.1 200 OK");
  CHECK_CONTAINS(r, "\r\n\r\nGET 0 x y\n"); /* answered while /slow waits */
  CHECK(slow.reply == NULL);
  free(r);
  pthread_join(t, NULL);
  CHECK_CONTAINS(slow.reply, "HTTP/1.1 200 OK");
  CHECK_CONTAINS(slow.reply, "\r\n\r\nlate\n");
  free(slow.reply);

  for (int i = 0; i < 100; i++) { /* answered before the handler returned, or just after */
    r = request(port, "GET /race HTTP/1.0\r\n\r\n");
    CHECK_CONTAINS(r, "HTTP/1.1 201 Created");
    free(r);
  }
  r = request(port, "POST /fast HTTP/1.0\r\nContent-Length: 5\r\n\r\nabcde");
  CHECK_CONTAINS(r, "\r\n\r\nPOST 5 -\n");
  free(r);
  r = request(port, "POST /fast HTTP/1.0\r\nContent-Length: 17\r\n\r\n12345678901234567");
  CHECK_CONTAINS(r, "HTTP/1.1 413");
  free(r);

  jsonw w;
  jsonw_init(&w);
  http_metrics_write(s, &w);
  jsonw_raw(&w, "", 1);
  CHECK_CONTAINS(w.buf, "attain_http_requests_total{route=\"/race\",code=\"201\"} 100\n");
  CHECK_CONTAINS(w.buf, "attain_http_requests_total{route=\"/slow\",code=\"200\"} 1\n");
  CHECK_CONTAINS(w.buf, "attain_http_requests_total{route=\"unmatched\",code=\"413\"} 1\n");
  CHECK_CONTAINS(w.buf, "attain_http_request_duration_seconds_count{route=\"/slow\"} 1\n");
  CHECK_CONTAINS(w.buf, "attain_http_request_duration_seconds_bucket{route=\"/slow\",le=\"0.25\"} 0\n");
  jsonw_free(&w);
  http_stop(s);
}

int main(void) {
  RUN(listen_forms);
  RUN(answers_now_and_later);
  return check_report();
}
