/* daemon_lock.c — the serve locks (see daemon_lock.h). */
#include "daemon_lock.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

/* The real path of `path`'s directory joined with its base name: the same file gets the
 * same lock whatever path names it (the file itself need not exist yet). */
static int canonical(const char *path, char *out, size_t outsz) {
  char d[PATH_MAX], b[PATH_MAX], real[PATH_MAX];
  snprintf(d, sizeof d, "%s", path);
  snprintf(b, sizeof b, "%s", path);
  if (!realpath(dirname(d), real)) return -1;
  const char *base = basename(b);
  int n = snprintf(out, outsz, "%s%s%s", real, strcmp(real, "/") ? "/" : "", base);
  return n > 0 && (size_t)n < outsz ? 0 : -1;
}

/* Reads what the holder wrote: "pid N\ndb PATH\nsocket PATH\n". */
static void holder(int fd, long *pid, char *db, char *sock, size_t sz) {
  char buf[2 * PATH_MAX + 64];
  ssize_t n = pread(fd, buf, sizeof buf - 1, 0);
  *pid = 0;
  db[0] = sock[0] = 0;
  if (n <= 0) return;
  buf[n] = 0;
  for (char *line = strtok(buf, "\n"); line; line = strtok(NULL, "\n")) {
    if (strncmp(line, "pid ", 4) == 0) *pid = strtol(line + 4, NULL, 10);
    if (strncmp(line, "db ", 3) == 0) snprintf(db, sz, "%s", line + 3);
    if (strncmp(line, "socket ", 7) == 0) snprintf(sock, sz, "%s", line + 7);
  }
}

/* Opens and locks `lockpath`; on success writes our identity into it. Returns the fd,
 * -1 with errno EWOULDBLOCK and fills the holder's identity, or -1 with errno. */
static int take(const char *lockpath, const char *db, const char *sock, long *hpid, char *hdb,
                char *hsock, size_t sz) {
  int fd = open(lockpath, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) return -1;
  if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
    int e = errno;
    if (e == EWOULDBLOCK) holder(fd, hpid, hdb, hsock, sz);
    close(fd);
    errno = e;
    return -1;
  }
  char buf[2 * PATH_MAX + 64];
  int n = snprintf(buf, sizeof buf, "pid %ld\ndb %s\nsocket %s\n", (long)getpid(), db, sock);
  if (ftruncate(fd, 0) != 0 || pwrite(fd, buf, (size_t)n, 0) != n) {
    /* The lock holds without its note; a rival would only say less about us. */
  }
  return fd;
}

int daemon_lock_acquire(daemon_lock *l, const char *db, const char *socket, char *err,
                        size_t errsz) {
  l->db_fd = l->socket_fd = -1;
  char rdb[PATH_MAX], rsock[PATH_MAX], lock[PATH_MAX + 16];
  if (canonical(db, rdb, sizeof rdb)) {
    snprintf(err, errsz, "%s: cannot resolve the database's directory: %s", db, strerror(errno));
    return -1;
  }
  if (canonical(socket, rsock, sizeof rsock)) {
    char d[PATH_MAX];
    snprintf(d, sizeof d, "%s", socket);
    snprintf(err, errsz, "%s: cannot create the socket: directory %s: %s", socket, dirname(d),
             strerror(errno));
    return -1;
  }
  long pid;
  char hdb[PATH_MAX], hsock[PATH_MAX];
  snprintf(lock, sizeof lock, "%s.serve.lock", rdb);
  if ((l->db_fd = take(lock, rdb, rsock, &pid, hdb, hsock, sizeof hdb)) < 0) {
    if (errno == EWOULDBLOCK)
      snprintf(err, errsz,
               "%s is already served by another attain serve (pid %ld, control socket %s); "
               "stop it first, or use `attain ctl` to talk to it",
               db, pid, hsock[0] ? hsock : "unknown");
    else
      snprintf(err, errsz, "%s: cannot lock: %s", lock, strerror(errno));
    return -1;
  }
  snprintf(lock, sizeof lock, "%s.lock", rsock);
  if ((l->socket_fd = take(lock, rdb, rsock, &pid, hdb, hsock, sizeof hdb)) < 0) {
    if (errno == EWOULDBLOCK)
      snprintf(err, errsz,
               "the control socket %s is in use by another attain serve (pid %ld, database "
               "%s); choose another --socket",
               socket, pid, hdb[0] ? hdb : "unknown");
    else
      snprintf(err, errsz, "%s: cannot lock: %s", lock, strerror(errno));
    close(l->db_fd);
    l->db_fd = -1;
    return -1;
  }
  return 0;
}

void daemon_lock_release(daemon_lock *l) {
  if (l->db_fd >= 0) close(l->db_fd);
  if (l->socket_fd >= 0) close(l->socket_fd);
  l->db_fd = l->socket_fd = -1;
}
