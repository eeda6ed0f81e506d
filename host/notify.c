/* notify.c — sd_notify's datagram protocol, spoken directly (see notify.h). */
#include "notify.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define STATUS_MAX 400

int notify_open(notify *n, const char *socket_path, const char *watchdog_usec,
                const char *watchdog_pid, long pid, char *err, size_t errsz) {
  memset(n, 0, sizeof *n);
  n->fd = -1;
  if (!socket_path || !*socket_path) return 0;
  size_t len = strlen(socket_path);
  if (socket_path[0] != '/' && socket_path[0] != '@') {
    snprintf(err, errsz, "NOTIFY_SOCKET=%.200s is neither an absolute path nor @abstract",
             socket_path);
    return -1;
  }
  if (len >= sizeof n->addr.sun_path) {
    snprintf(err, errsz, "NOTIFY_SOCKET is longer than a Unix socket address (%zu bytes)",
             sizeof n->addr.sun_path - 1);
    return -1;
  }
  n->addr.sun_family = AF_UNIX;
  memcpy(n->addr.sun_path, socket_path, len);
  /* The abstract namespace: a leading NUL, and the address is exactly as long as the name
   * (no terminating NUL counts). */
  if (socket_path[0] == '@') n->addr.sun_path[0] = '\0';
  n->addrlen = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + len +
                           (socket_path[0] == '/' ? 1 : 0));
  n->fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (n->fd < 0) {
    snprintf(err, errsz, "cannot create the notification socket: %s", strerror(errno));
    return -1;
  }
  if (watchdog_usec && *watchdog_usec) {
    char *end;
    uintmax_t us = strtoumax(watchdog_usec, &end, 10);
    long for_pid = watchdog_pid && *watchdog_pid ? strtol(watchdog_pid, NULL, 10) : pid;
    /* WATCHDOG_PID names the process meant to ping: not a child that inherited it. */
    if (*watchdog_usec >= '0' && *watchdog_usec <= '9' && !*end && us > 0 && for_pid == pid)
      n->watchdog_usec = (uint64_t)us;
  }
  return 0;
}

int notify_open_env(notify *n, char *err, size_t errsz) {
  return notify_open(n, getenv("NOTIFY_SOCKET"), getenv("WATCHDOG_USEC"),
                     getenv("WATCHDOG_PID"), (long)getpid(), err, errsz);
}

int notify_send(notify *n, const char *assignments) {
  if (n->fd < 0) return -1;
  ssize_t w = sendto(n->fd, assignments, strlen(assignments), MSG_NOSIGNAL,
                     (const struct sockaddr *)&n->addr, n->addrlen);
  return w < 0 ? -1 : 0;
}

/* STATUS= is one line: control characters become spaces, and past STATUS_MAX bytes the
 * value is cut and ends in "...". */
static void send_with_status(notify *n, const char *head, const char *status) {
  char msg[128 + STATUS_MAX];
  size_t len = (size_t)snprintf(msg, sizeof msg, "%sSTATUS=", head);
  size_t end = len + STATUS_MAX;
  for (const unsigned char *p = (const unsigned char *)status; *p; p++) {
    if (len == end) {
      memcpy(msg + end - 3, "...", 3);
      break;
    }
    msg[len++] = (char)(*p < 0x20 || *p == 0x7f ? ' ' : *p);
  }
  msg[len] = 0;
  notify_send(n, msg);
}

void notify_serving(notify *n, const char *version, int npolicies, const char *error) {
  if (n->fd < 0 || n->stopping) return;
  char status[STATUS_MAX + 200];
  if (version)
    snprintf(status, sizeof status, "serving policy set %.64s (%d %s)%s%.*s", version,
             npolicies, npolicies == 1 ? "policy" : "policies",
             error ? "; the last reload failed: " : "", STATUS_MAX, error ? error : "");
  else
    snprintf(status, sizeof status, "no good policy set is loaded: %.*s", STATUS_MAX,
             error ? error : "none was read");
  send_with_status(n, "READY=1\n", status);
  n->ready = 1;
}

void notify_reloading(notify *n, const char *trigger) {
  if (n->fd < 0 || !n->ready || n->stopping) return;
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  char head[96], status[64];
  snprintf(head, sizeof head, "RELOADING=1\nMONOTONIC_USEC=%" PRIu64 "\n",
           (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u);
  snprintf(status, sizeof status, "reloading policies (%.32s)", trigger);
  send_with_status(n, head, status);
}

void notify_stopping(notify *n, const char *why) {
  if (n->fd < 0 || n->stopping) return;
  char status[64];
  snprintf(status, sizeof status, "stopping (%.32s)", why);
  send_with_status(n, "STOPPING=1\n", status);
  n->stopping = 1;
}

static void on_watchdog(uv_timer_t *t) { notify_send(t->data, "WATCHDOG=1"); }

void notify_watchdog_start(notify *n, uv_loop_t *loop) {
  if (n->fd < 0 || !n->watchdog_usec) return;
  uint64_t ms = n->watchdog_usec / 2000u;
  if (!ms) ms = 1;
  uv_timer_init(loop, &n->watchdog);
  n->watchdog.data = n;
  uv_update_time(loop); /* the loop's clock may be stale since start-up */
  uv_timer_start(&n->watchdog, on_watchdog, ms, ms);
  uv_unref((uv_handle_t *)&n->watchdog);
  n->watchdog_started = 1;
}

void notify_close(notify *n) {
  if (n->watchdog_started && !uv_is_closing((uv_handle_t *)&n->watchdog))
    uv_close((uv_handle_t *)&n->watchdog, NULL);
  if (n->fd >= 0) close(n->fd);
  n->fd = -1;
}
