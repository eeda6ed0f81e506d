/* control_proto.h — the control protocol without I/O: splitting a client's bytes into
 * request lines under a bound, and parsing a line into a request or an error message.
 *
 * The framer owns a buffer of at most max_line + 1 unconsumed bytes: enough to hold one
 * request of max_line bytes and its '\n', or to prove that a request is longer than the
 * limit. When it is full, the caller stops reading until a line is taken (the server's
 * backpressure); it never drops a byte it was given. Pure: no sockets, no libuv, so the
 * fuzz target (tests/fuzz/fuzz_control.c) drives it directly. Depends on jansson. */
#ifndef ATTAIN_CONTROL_PROTO_H
#define ATTAIN_CONTROL_PROTO_H

#include <jansson.h>
#include <stddef.h>

#define CONTROL_MAX_LINE 65536

enum {
  CONTROL_FRAME_NONE = 0,     /* no complete line yet */
  CONTROL_FRAME_LINE = 1,     /* a line, without its '\n' */
  CONTROL_FRAME_TOO_LONG = -1 /* the next line exceeds max_line: the client is done */
};

typedef struct control_framer {
  size_t max_line;
  char *buf;
  size_t cap;
  size_t start, len; /* unconsumed bytes: buf[start .. start+len) */
  size_t scanned;    /* of those, how many are known to hold no '\n' */
} control_framer;

void control_framer_init(control_framer *f, size_t max_line);
void control_framer_free(control_framer *f);

/* Where the next read may put its bytes: *at and *room (0 when the framer is full: stop
 * reading until control_framer_next takes a line). Returns 0, or -1 out of memory. */
int control_framer_space(control_framer *f, char **at, size_t *room);
/* Accounts for `n` bytes written at the place control_framer_space gave. */
void control_framer_commit(control_framer *f, size_t n);
/* Copies up to `n` bytes in; returns how many were taken (fewer when full or out of
 * memory). For tests and the fuzz target; the server reads in place. */
size_t control_framer_push(control_framer *f, const char *data, size_t n);

/* The next complete line, valid until the next call on the framer: CONTROL_FRAME_LINE
 * with *line and *n; CONTROL_FRAME_NONE; or CONTROL_FRAME_TOO_LONG (also when the bytes
 * held, max_line + 1 without a '\n', cannot end a request in time). */
int control_framer_next(control_framer *f, const char **line, size_t *n);
/* Forgets every byte held (a client that is done: what it still sends is read and
 * dropped, so that its error reply is not lost to a reset connection). */
void control_framer_discard(control_framer *f);
/* Bytes held and not yet taken as lines. */
size_t control_framer_held(const control_framer *f);

/* A request line: the JSON object, or NULL with the error reply's text in msg
 * ("malformed request: ..."). The caller owns the object. */
json_t *control_request_parse(const char *line, size_t n, char *msg, size_t msgsz);
/* {"ok":false,"error":msg}, with every byte of msg that is not valid UTF-8 replaced by
 * '?' (so that the reply can always be encoded); NULL only when out of memory. */
json_t *control_error_reply(const char *msg);
/* The error text for a request over the limit. */
void control_too_long_message(char *msg, size_t msgsz, size_t max_line);

#endif
