/* control.h — the daemon's control socket: a Unix socket speaking line-delimited JSON
 * (framing and parsing: control_proto.h). Each request is one JSON object on one line;
 * each gets exactly one reply line, in order. A line that is not a JSON object gets an
 * error reply; a line longer than CONTROL_MAX_LINE gets one error reply and the
 * connection is closed; either way the server and the other clients go on.
 *
 * Limits (docs/daemon.md, "Limits"): at most CONTROL_MAX_CLIENTS connections (one more
 * is told so and closed); per client at most one request's worth of unread input and
 * about CONTROL_MAX_PENDING_OUT bytes of replies not yet taken by the client. A client
 * that sends without reading its replies is not read from until they drain: nothing it
 * sent is dropped, and its memory stays bounded.
 *
 * Ownership: control_start allocates the server; control_close closes every handle and
 * frees the memory in the close callbacks (libuv's rule). A client may outlive its
 * connection while a reply is pending (control_client_ref/unref): a reply to a client
 * that has gone is dropped. Loop thread only. */
#ifndef ATTAIN_CONTROL_H
#define ATTAIN_CONTROL_H

#include <jansson.h>
#include <stddef.h>
#include <sys/types.h>
#include <uv.h>

#include "control_proto.h"

#define CONTROL_MAX_CLIENTS 64
#define CONTROL_MAX_PENDING_OUT (64 * 1024)

typedef struct control control;
typedef struct control_client control_client;

/* Handles one request; must call control_reply once for it, now or later (holding a
 * reference meanwhile). `request` is borrowed for the duration of the call. */
typedef void (*control_handler)(void *arg, control_client *client, json_t *request);

typedef struct control_socket {
  const char *path;
  unsigned mode; /* permission bits of the socket file, e.g. 0600 or 0660 */
  gid_t gid;     /* its group; (gid_t)-1 keeps the daemon's */
} control_socket;

/* Binds and listens. A socket file already at the path is removed only if nothing
 * listens on it (a daemon that died); a live socket or any other file is refused. The
 * caller holds the socket's lock (daemon_lock.h), so no other daemon is starting there. */
int control_start(control **out, uv_loop_t *loop, const control_socket *sock,
                  control_handler handler, void *arg, char *err, size_t errsz);
/* Sends `reply` (a JSON object, stolen) as one line, then reads the client's next request.
 * NULL (a reply that could not be built) sends an error reply instead: never nothing. */
void control_reply(control_client *client, json_t *reply);
void control_client_ref(control_client *client);
void control_client_unref(control_client *client);
/* Stops listening, closes every connection and removes the socket file. */
void control_close(control *ctl);

#endif
