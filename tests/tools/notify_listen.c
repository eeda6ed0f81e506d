/* notify_listen.c — stands in for systemd's end of $NOTIFY_SOCKET in the end-to-end tests:
 *
 *   notify_listen PATH|@NAME     # prints each datagram received as one line
 *
 * Binds a datagram socket, writes every message it receives to standard output as one
 * line (its newlines become spaces), flushed at once, and exits 0 after the message that
 * holds STOPPING=1 — or 3 after 120 s, so a test that goes wrong cannot hang. */
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

int main(int argc, char **argv) {
  if (argc != 2 || strlen(argv[1]) >= sizeof ((struct sockaddr_un *)0)->sun_path) {
    fprintf(stderr, "usage: notify_listen PATH|@NAME\n");
    return 2;
  }
  const char *name = argv[1];
  struct sockaddr_un a = {.sun_family = AF_UNIX};
  size_t len = strlen(name);
  memcpy(a.sun_path, name, len);
  if (name[0] == '@') a.sun_path[0] = 0;
  else unlink(name);
  socklen_t alen = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + len + (name[0] == '@' ? 0 : 1));
  int fd = socket(AF_UNIX, SOCK_DGRAM, 0);
  if (fd < 0 || bind(fd, (struct sockaddr *)&a, alen) != 0) {
    perror("notify_listen");
    return 1;
  }
  signal(SIGALRM, SIG_DFL);
  alarm(120);
  char buf[4096];
  for (;;) {
    ssize_t n = recv(fd, buf, sizeof buf - 1, 0);
    if (n < 0) continue;
    buf[n] = 0;
    for (ssize_t i = 0; i < n; i++)
      if (buf[i] == '\n') buf[i] = ' ';
    printf("%s\n", buf);
    fflush(stdout);
    if (strncmp(buf, "STOPPING=1", 10) == 0 || strstr(buf, " STOPPING=1")) break;
  }
  if (name[0] != '@') unlink(name);
  return 0;
}
