/* private_file.c — reading a file private to its owner (see private_file.h). */
#include "private_file.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int private_file_read(const char *path, const char *option, const char *what, void *buf,
                      size_t cap, ssize_t *n, char *err, size_t errsz) {
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  struct stat st;
  if (fd < 0 || fstat(fd, &st)) {
    snprintf(err, errsz, "%s %s: %s", option, path, strerror(errno));
    if (fd >= 0) close(fd);
    return -1;
  }
  if (st.st_mode & 077) {
    close(fd);
    snprintf(err, errsz, "%s %s: the %s file is readable by group or others (chmod 600 it)",
             option, path, what);
    return -1;
  }
  *n = read(fd, buf, cap);
  int e = errno;
  close(fd);
  if (*n < 0) {
    snprintf(err, errsz, "%s %s: %s", option, path, strerror(e));
    return -1;
  }
  return 0;
}
