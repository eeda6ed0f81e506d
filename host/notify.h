/* notify.h — the service manager's notification protocol (sd_notify(3)), without
 * libsystemd: datagrams of newline-separated VAR=VALUE assignments sent to the Unix socket
 * named by $NOTIFY_SOCKET (a path, or "@name" in the abstract namespace).
 *
 * The daemon says READY=1 once it serves (the start-up reload is done, whatever its
 * outcome: a daemon without a good set still answers `ctl status` and recovers when the
 * files are fixed, see docs/packaging.md), RELOADING=1 with MONOTONIC_USEC= when a reload
 * starts and READY=1 when it is done, STOPPING=1 when it stops, STATUS= with each, and
 * WATCHDOG=1 every half of $WATCHDOG_USEC from a timer on the loop thread, so a stuck loop
 * stops the pings and the manager restarts it. Without $NOTIFY_SOCKET every call is a
 * no-op. Sending never blocks and a lost datagram is not an error: the manager only
 * listens. Used from the daemon's loop thread only. Depends on libuv. */
#ifndef ATTAIN_NOTIFY_H
#define ATTAIN_NOTIFY_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <uv.h>

typedef struct notify {
  int fd; /* -1: no service manager listens */
  struct sockaddr_un addr;
  socklen_t addrlen;
  int ready, stopping; /* what was said last: READY=1 sent, STOPPING=1 sent */
  uint64_t watchdog_usec; /* 0: no watchdog */
  uv_timer_t watchdog;
  int watchdog_started;
} notify;

/* Sets `n` up from the values of $NOTIFY_SOCKET, $WATCHDOG_USEC and $WATCHDOG_PID (each
 * may be NULL). The watchdog applies only when WATCHDOG_PID is absent or names `pid`.
 * Returns 0 (also when `socket_path` is NULL or empty: then nothing is sent), or -1 with
 * the reason in err when the socket is named but unusable (n then sends nothing). */
int notify_open(notify *n, const char *socket_path, const char *watchdog_usec,
                const char *watchdog_pid, long pid, char *err, size_t errsz);

/* notify_open from this process's environment. */
int notify_open_env(notify *n, char *err, size_t errsz);

/* Sends one datagram: `assignments` as is ("READY=1\nSTATUS=..."). Returns 0, or -1 if it
 * was not sent (no manager, or the send failed). */
int notify_send(notify *n, const char *assignments);

/* READY=1 with what serves as STATUS=: "serving policy set VERSION (N policies)", then
 * "; the last reload failed: ERROR" when `error` is not NULL; or, with no `version`, "no
 * good policy set is loaded: ERROR". Nothing once STOPPING=1 was sent. A STATUS= value is
 * one line: newlines and other control characters in `error` become spaces (one could
 * otherwise start another assignment), and it is cut with "..." past 400 bytes. */
void notify_serving(notify *n, const char *version, int npolicies, const char *error);
/* RELOADING=1, MONOTONIC_USEC=now (CLOCK_MONOTONIC, as systemd requires with RELOADING=1)
 * and STATUS=reloading policies (TRIGGER). Nothing before the first READY=1 (the start-up
 * load is part of starting) or once STOPPING=1 was sent. */
void notify_reloading(notify *n, const char *trigger);
/* STOPPING=1 with STATUS=stopping (WHY); nothing but WATCHDOG=1 is sent after it. */
void notify_stopping(notify *n, const char *why);

/* Starts the WATCHDOG=1 timer on `loop` (every half of $WATCHDOG_USEC) if the manager
 * asked for one. The timer does not keep the loop alive, so it pings until the loop has
 * nothing else left — through a shutdown that waits for a chunk to commit — and then
 * notify_close stops it. */
void notify_watchdog_start(notify *n, uv_loop_t *loop);

/* Closes the timer (run the loop once more to finish the close) and the socket. */
void notify_close(notify *n);

#endif
