/* daemon.h — `attain serve`: a libuv loop that keeps every organisation's results current
 * and takes new policies without a restart.
 *
 * The loop thread only schedules: timers, the policy directory watch, signals and the
 * control socket. Evaluation runs off it, one job at a time, through libuv's thread pool
 * (a job then fans out to eval.c's worker threads); compiling a new policy set runs in
 * the pool too. A job holds a reference to the policy set it started with, so a reload
 * swaps the set atomically while the job finishes on the old one, and every stored
 * result names the version that produced it. A reload can be previewed (its impact,
 * impact.h, against the serving set, without a swap) and, with a reload guard, is held
 * when it would demote too many organisations, until it is confirmed. SIGTERM/SIGINT
 * stop taking work, let the chunk in hand commit (each chunk is one transaction), close
 * every handle and return 0.
 * With --http, an HTTP listener (http_api.h) answers health, metrics and the JSON API on
 * threads of its own from a copy of the daemon's view (daemon_view.h) and read-only store
 * connections, and hands reloads, sweeps and evaluations to the loop thread.
 * Depends on eval.h, eval_store.h, impact.h, policy_set.h, control.h, http_api.h,
 * daemon_view.h, log.h, notify.h. */
#ifndef ATTAIN_DAEMON_H
#define ATTAIN_DAEMON_H

#include <stdint.h>

#include "log.h"

typedef struct daemon_options {
  const char *db, *policies, *socket;
  unsigned socket_mode; /* permission bits of the control socket (0600 by default) */
  int socket_group_set; /* give the socket to socket_gid (else the daemon's group) */
  unsigned socket_gid;
  uint64_t every_ms;  /* period of the incremental sweeps */
  int workers;        /* evaluation threads per sweep; 0: one per core */
  const char *http;   /* --http ADDR:PORT, or NULL: no HTTP listener */
  const char *http_token_file, *http_read_token_file; /* bearer tokens, or NULL */
  const char *http_link_secret_file; /* the secret of signed organisation links, or NULL */
  int http_threads;   /* 0: 2 */
  double reload_guard; /* percent: hold a new set that would move more organisations down a
                          level (docs/daemon.md, "The reload guard"); < 0: off */
  logger log;
} daemon_options;

/* Runs the daemon until SIGTERM/SIGINT. Returns 0, or 1 if it could not start (the
 * reason is logged). */
int daemon_run(const daemon_options *opts);

#endif
