/* test_notify.c — the service manager's notifications, received by a real datagram socket
 * bound where $NOTIFY_SOCKET would point (a path, and the abstract namespace). */
#include "check.h"
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>
#include <uv.h>

#include "notify.h"

/* A listener like systemd's: one datagram socket. `name` is a path or "@abstract". */
static int listen_at(const char *name) {
  int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  struct sockaddr_un a = {.sun_family = AF_UNIX};
  size_t len = strlen(name);
  memcpy(a.sun_path, name, len);
  if (name[0] == '@') a.sun_path[0] = 0;
  else unlink(name);
  socklen_t alen = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + len + (name[0] == '@' ? 0 : 1));
  CHECK(fd >= 0 && bind(fd, (struct sockaddr *)&a, alen) == 0);
  return fd;
}

/* The next datagram, or "" when none is waiting (the sends are synchronous). */
static const char *next_msg(int fd, char *buf, size_t size) {
  ssize_t n = recv(fd, buf, size - 1, MSG_DONTWAIT);
  buf[n > 0 ? n : 0] = 0;
  return buf;
}

static uint64_t monotonic_usec(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

static void without_a_manager_nothing_is_sent(void) {
  notify n;
  char err[256] = "";
  CHECK(notify_open(&n, NULL, "1000000", NULL, 1, err, sizeof err) == 0);
  CHECK(n.fd == -1 && n.watchdog_usec == 0);
  CHECK(notify_send(&n, "READY=1") == -1);
  notify_serving(&n, "abc", 1, NULL); /* no-ops, no crash */
  notify_stopping(&n, "TERM");
  notify_close(&n);
  CHECK(notify_open(&n, "", NULL, NULL, 1, err, sizeof err) == 0 && n.fd == -1);
}

static void a_bad_socket_name_is_reported(void) {
  notify n;
  char err[256] = "";
  CHECK(notify_open(&n, "run/notify", NULL, NULL, 1, err, sizeof err) == -1);
  CHECK_STR(err, "NOTIFY_SOCKET=run/notify is neither an absolute path nor @abstract");
  CHECK(n.fd == -1);
  char longname[200];
  memset(longname, 'x', sizeof longname - 1);
  longname[0] = '/';
  longname[sizeof longname - 1] = 0;
  CHECK(notify_open(&n, longname, NULL, NULL, 1, err, sizeof err) == -1);
  CHECK_STR(err, "NOTIFY_SOCKET is longer than a Unix socket address (107 bytes)");
}

/* The daemon's whole life, in the order it speaks: the start-up reload is part of starting
 * (no RELOADING=1 before the first READY=1), and nothing but the watchdog after STOPPING=1. */
static void says_ready_reloading_and_stopping_in_order(void) {
  char path[64], buf[1024], err[256] = "";
  snprintf(path, sizeof path, "/tmp/attain-test-notify.%ld", (long)getpid());
  int l = listen_at(path);
  notify n;
  CHECK(notify_open(&n, path, NULL, NULL, 1, err, sizeof err) == 0);
  notify_reloading(&n, "start");
  CHECK_STR(next_msg(l, buf, sizeof buf), "");
  notify_serving(&n, "c2c92cb755fdfec2", 6, NULL);
  CHECK_STR(next_msg(l, buf, sizeof buf), "READY=1\nSTATUS=serving policy set c2c92cb755fdfec2 (6 policies)");

  uint64_t before = monotonic_usec();
  notify_reloading(&n, "sighup");
  uint64_t after = monotonic_usec();
  next_msg(l, buf, sizeof buf);
  uint64_t usec = 0;
  int used = 0;
  CHECK(sscanf(buf, "RELOADING=1\nMONOTONIC_USEC=%" SCNu64 "\n%n", &usec, &used) == 1);
  CHECK(before <= usec && usec <= after);
  CHECK_STR(buf + used, "STATUS=reloading policies (sighup)");

  /* A refused set: the error is one STATUS line, whatever it holds. */
  notify_serving(&n, "c2c92cb755fdfec2", 1,
                 "pol/broken.lua:2: failed to compile: unexpected symbol\nREADY=1");
  CHECK_STR(next_msg(l, buf, sizeof buf),
            "READY=1\nSTATUS=serving policy set c2c92cb755fdfec2 (1 policy); the last reload "
            "failed: pol/broken.lua:2: failed to compile: unexpected symbol READY=1");
  notify_serving(&n, NULL, 0, "pol/a.lua:1: failed to validate: no levels");
  CHECK_STR(next_msg(l, buf, sizeof buf),
            "READY=1\nSTATUS=no good policy set is loaded: pol/a.lua:1: failed to validate: no levels");

  notify_stopping(&n, "TERM");
  CHECK_STR(next_msg(l, buf, sizeof buf), "STOPPING=1\nSTATUS=stopping (TERM)");
  notify_reloading(&n, "fs"); /* a reload that finishes during the stop says nothing */
  notify_serving(&n, "c2c92cb755fdfec2", 6, NULL);
  notify_stopping(&n, "TERM");
  CHECK_STR(next_msg(l, buf, sizeof buf), "");
  notify_close(&n);
  close(l);
  unlink(path);
}

static void a_long_status_is_cut(void) {
  char path[64], buf[2048], err[256] = "", long_error[1000];
  snprintf(path, sizeof path, "/tmp/attain-test-notify-long.%ld", (long)getpid());
  int l = listen_at(path);
  notify n;
  CHECK(notify_open(&n, path, NULL, NULL, 1, err, sizeof err) == 0);
  memset(long_error, 'e', sizeof long_error - 1);
  long_error[sizeof long_error - 1] = 0;
  notify_serving(&n, NULL, 0, long_error);
  next_msg(l, buf, sizeof buf);
  const char *status = strstr(buf, "STATUS=");
  CHECK(status && strlen(status + 7) == 400);
  CHECK(status && strcmp(status + strlen(status) - 4, "e...") == 0);
  notify_close(&n);
  close(l);
  unlink(path);
}

static void speaks_to_an_abstract_socket(void) {
  char name[64], buf[256], err[256] = "";
  snprintf(name, sizeof name, "@attain-test-notify.%ld", (long)getpid());
  int l = listen_at(name);
  notify n;
  CHECK(notify_open(&n, name, NULL, NULL, 1, err, sizeof err) == 0);
  CHECK(notify_send(&n, "STATUS=hello") == 0);
  CHECK_STR(next_msg(l, buf, sizeof buf), "STATUS=hello");
  notify_close(&n);
  close(l);
}

typedef struct pings {
  int fd, count, other;
  uint64_t started, first, third; /* when the poll saw the first and the third ping */
} pings;

static void on_poll(uv_timer_t *t) {
  pings *p = t->data;
  char buf[256];
  while (*next_msg(p->fd, buf, sizeof buf)) {
    if (strcmp(buf, "WATCHDOG=1") != 0) {
      p->other++;
      continue;
    }
    p->count++;
    if (p->count == 1) p->first = monotonic_usec();
    if (p->count == 3) p->third = monotonic_usec();
  }
  if (p->count >= 3 || monotonic_usec() - p->started > 5000000u) uv_close((uv_handle_t *)t, NULL);
}

/* WATCHDOG=1 every half of WATCHDOG_USEC, from the loop; the timer alone does not keep the
 * loop running (uv_run returns once the rest is closed). */
static void pings_the_watchdog_from_the_loop(void) {
  char path[64], err[256] = "";
  snprintf(path, sizeof path, "/tmp/attain-test-notify-wd.%ld", (long)getpid());
  int l = listen_at(path);
  notify n;
  CHECK(notify_open(&n, path, "40000", NULL, 42, err, sizeof err) == 0);
  CHECK(n.watchdog_usec == 40000);
  uv_loop_t loop;
  uv_loop_init(&loop);
  notify_watchdog_start(&n, &loop);
  pings p = {.fd = l, .started = monotonic_usec()};
  uv_timer_t poll;
  uv_timer_init(&loop, &poll);
  poll.data = &p;
  uv_timer_start(&poll, on_poll, 5, 5);
  uv_run(&loop, UV_RUN_DEFAULT);
  CHECK(p.count >= 3 && p.other == 0);
  /* Two intervals of 20 ms between the first and the third, less the poll's 5 ms. */
  CHECK(p.third - p.first >= 30000u);
  notify_close(&n);
  uv_run(&loop, UV_RUN_DEFAULT);
  CHECK(uv_loop_close(&loop) == 0);

  /* WATCHDOG_PID names another process (this one's parent set it): not ours to ping. */
  CHECK(notify_open(&n, path, "40000", "41", 42, err, sizeof err) == 0 && n.watchdog_usec == 0);
  notify_close(&n);
  CHECK(notify_open(&n, path, "40000", "42", 42, err, sizeof err) == 0 && n.watchdog_usec == 40000);
  notify_close(&n);
  CHECK(notify_open(&n, path, "40ms", NULL, 42, err, sizeof err) == 0 && n.watchdog_usec == 0);
  notify_close(&n);
  close(l);
  unlink(path);
}

int main(void) {
  RUN(without_a_manager_nothing_is_sent);
  RUN(a_bad_socket_name_is_reported);
  RUN(says_ready_reloading_and_stopping_in_order);
  RUN(a_long_status_is_cut);
  RUN(speaks_to_an_abstract_socket);
  RUN(pings_the_watchdog_from_the_loop);
  return check_report();
}
