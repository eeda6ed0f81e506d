/* sockpeer.c — a control-socket client for the end-to-end tests, doing what `attain ctl`
 * and nc do not: pipelining a whole file while reading, a client that never reads, and
 * many connections held open at once.
 *
 *   sockpeer SOCKET send FILE [TIMEOUT_S]   write FILE while reading; then shut down the
 *                                           writing side and print every reply until EOF
 *   sockpeer SOCKET flood SECONDS           send {"cmd":"status"} lines for SECONDS and
 *                                           never read; print how many were sent
 *   sockpeer SOCKET hold N SECONDS [REQ]    open N connections; print how many were
 *                                           refused ("too many clients"), send REQ on one
 *                                           that was not and print its reply, then hold
 *                                           them all open for SECONDS
 * Exit 0, or 1 with a message on standard error. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

static int connect_to(const char *path) {
  int fd = socket(AF_UNIX, SOCK_STREAM, 0);
  struct sockaddr_un sa = {.sun_family = AF_UNIX};
  snprintf(sa.sun_path, sizeof sa.sun_path, "%s", path);
  if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof sa) < 0) {
    if (fd >= 0) close(fd);
    return -1;
  }
  return fd;
}

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static int do_send(const char *sock, const char *file, double timeout) {
  FILE *f = fopen(file, "rb");
  if (!f) {
    perror(file);
    return 1;
  }
  fseek(f, 0, SEEK_END);
  long size = ftell(f);
  rewind(f);
  char *data = malloc((size_t)size + 1);
  if (fread(data, 1, (size_t)size, f) != (size_t)size) return 1;
  fclose(f);
  int fd = connect_to(sock);
  if (fd < 0) {
    fprintf(stderr, "sockpeer: %s: %s\n", sock, strerror(errno));
    return 1;
  }
  fcntl(fd, F_SETFL, O_NONBLOCK);
  size_t sent = 0;
  double end = now() + timeout;
  char buf[65536];
  for (;;) {
    struct pollfd p = {fd, POLLIN | (sent < (size_t)size ? POLLOUT : 0), 0};
    int left = (int)((end - now()) * 1000);
    if (left <= 0 || poll(&p, 1, left) <= 0) {
      fprintf(stderr, "sockpeer: timed out (%zu of %ld bytes sent)\n", sent, size);
      return 1;
    }
    if (p.revents & POLLOUT) {
      ssize_t w = write(fd, data + sent, (size_t)size - sent);
      if (w > 0) sent += (size_t)w;
      if (sent == (size_t)size) shutdown(fd, SHUT_WR);
    }
    if (p.revents & (POLLIN | POLLHUP)) {
      ssize_t r = read(fd, buf, sizeof buf);
      if (r == 0) break;
      if (r < 0 && errno != EAGAIN) {
        if (errno == ECONNRESET) break;
        perror("read");
        return 1;
      }
      if (r > 0) fwrite(buf, 1, (size_t)r, stdout);
    }
  }
  close(fd);
  free(data);
  return 0;
}

static int do_flood(const char *sock, double seconds) {
  int fd = connect_to(sock);
  if (fd < 0) {
    fprintf(stderr, "sockpeer: %s: %s\n", sock, strerror(errno));
    return 1;
  }
  fcntl(fd, F_SETFL, O_NONBLOCK);
  static const char req[] = "{\"cmd\":\"status\"}\n";
  char block[sizeof req * 256];
  for (int i = 0; i < 256; i++) memcpy(block + i * (sizeof req - 1), req, sizeof req - 1);
  size_t blen = (sizeof req - 1) * 256, off = 0;
  unsigned long long bytes = 0;
  double end = now() + seconds;
  while (now() < end) {
    struct pollfd p = {fd, POLLOUT, 0};
    if (poll(&p, 1, 50) <= 0) continue;
    ssize_t w = write(fd, block + off, blen - off);
    if (w < 0 && errno != EAGAIN) break; /* the daemon hung up */
    if (w > 0) {
      bytes += (unsigned long long)w;
      off = (off + (size_t)w) % blen;
    }
  }
  printf("%llu\n", bytes / (sizeof req - 1));
  close(fd);
  return 0;
}

static int do_hold(const char *sock, int n, double seconds, const char *req) {
  int *fds = calloc((size_t)n, sizeof *fds);
  for (int i = 0; i < n; i++) {
    fds[i] = connect_to(sock);
    if (fds[i] < 0) {
      fprintf(stderr, "sockpeer: connection %d: %s\n", i + 1, strerror(errno));
      return 1;
    }
  }
  usleep(500000);
  int refused = 0, first = -1;
  for (int i = 0; i < n; i++) {
    struct pollfd p = {fds[i], POLLIN, 0};
    char buf[512];
    ssize_t r = poll(&p, 1, 0) > 0 ? read(fds[i], buf, sizeof buf - 1) : -1;
    if (r > 0) {
      buf[r] = 0;
      if (strstr(buf, "too many clients")) {
        if (refused == 0) fputs(buf, stdout);
        refused++;
        continue;
      }
    }
    if (r == 0) {
      refused++;
      continue;
    }
    if (first < 0) first = i;
  }
  printf("refused=%d\n", refused);
  fflush(stdout);
  if (req && first >= 0) {
    size_t len = strlen(req);
    char *line = malloc(len + 2);
    memcpy(line, req, len);
    line[len] = '\n';
    if (write(fds[first], line, len + 1) != (ssize_t)(len + 1)) return 1;
    free(line);
    char buf[65536];
    size_t got = 0;
    while (!memchr(buf, '\n', got) && got < sizeof buf - 1) {
      struct pollfd p = {fds[first], POLLIN, 0};
      if (poll(&p, 1, 60000) <= 0) {
        fprintf(stderr, "sockpeer: no reply\n");
        return 1;
      }
      ssize_t r = read(fds[first], buf + got, sizeof buf - 1 - got);
      if (r <= 0) break;
      got += (size_t)r;
    }
    fwrite(buf, 1, got, stdout);
    fflush(stdout);
  }
  usleep((useconds_t)(seconds * 1e6));
  for (int i = 0; i < n; i++) close(fds[i]);
  free(fds);
  return 0;
}

int main(int argc, char **argv) {
  if (argc >= 4 && strcmp(argv[2], "send") == 0)
    return do_send(argv[1], argv[3], argc > 4 ? atof(argv[4]) : 30);
  if (argc == 4 && strcmp(argv[2], "flood") == 0) return do_flood(argv[1], atof(argv[3]));
  if (argc >= 5 && strcmp(argv[2], "hold") == 0)
    return do_hold(argv[1], atoi(argv[3]), atof(argv[4]), argc > 5 ? argv[5] : NULL);
  fprintf(stderr, "usage: sockpeer SOCKET send FILE [TIMEOUT_S] | flood SECONDS | hold N SECONDS [REQ]\n");
  return 2;
}
