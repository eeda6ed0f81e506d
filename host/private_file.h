/* private_file.h — reading a small file that must stay private to its owner: the HTTP
 * tokens (http_api.c) and the signed links' secret (link.c). A file that group or others
 * may read is refused, so a secret is never served from a file anyone on the machine could
 * copy. No dependencies; owns nothing. */
#ifndef ATTAIN_PRIVATE_FILE_H
#define ATTAIN_PRIVATE_FILE_H

#include <stddef.h>
#include <sys/types.h>

/* Reads at most `cap` bytes of `path` into `buf` and sets *n to the count (a longer file
 * gives cap bytes: the caller, reading cap = its limit + 1, sees it is too long). `option`
 * and `what` name it in errors ("--http-token-file FILE: the token file is readable by
 * group or others (chmod 600 it)"). Returns 0, or -1 with the reason in err. */
int private_file_read(const char *path, const char *option, const char *what, void *buf,
                      size_t cap, ssize_t *n, char *err, size_t errsz);

#endif
