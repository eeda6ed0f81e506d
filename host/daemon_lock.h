/* daemon_lock.h — one daemon per database and per control socket.
 *
 * Two advisory locks (flock), held for the daemon's life and released by the kernel
 * when it exits, however it exits (kill -9 included): `DB.serve.lock` beside the
 * database and `SOCKET.lock` beside the control socket, named after the real paths
 * (symlinks and relative paths resolved). Each file holds the holder's pid, database and
 * socket, so a second `attain serve` can say which daemon is in its way. The files stay
 * after the daemon exits: removing a lock file while another process may be opening it
 * would let two daemons hold "the" lock. Depends on nothing but POSIX and Linux's flock. */
#ifndef ATTAIN_DAEMON_LOCK_H
#define ATTAIN_DAEMON_LOCK_H

#include <stddef.h>

typedef struct daemon_lock {
  int db_fd, socket_fd; /* -1 when not held */
} daemon_lock;

/* Takes both locks, or neither: returns 0, or -1 with err naming the daemon that holds
 * one ("d.db is already served by pid 1234 (control socket d.db.sock)..."). */
int daemon_lock_acquire(daemon_lock *l, const char *db, const char *socket, char *err,
                        size_t errsz);
void daemon_lock_release(daemon_lock *l);

#endif
