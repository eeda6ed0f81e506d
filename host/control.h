/* control.h — the daemon's control socket: a Unix socket (mode 0600) speaking
 * line-delimited JSON. Each request is one JSON object on one line; each gets exactly
 * one reply line, in order (a client's next request is read only once the previous one
 * is answered). A line that is not a JSON object gets an error reply; a line longer than
 * CONTROL_MAX_LINE gets an error reply and the connection is closed; either way the
 * server and the other clients go on.
 *
 * Ownership: control_start allocates the server; control_close closes every handle and
 * frees the memory in the close callbacks (libuv's rule). A client may outlive its
 * connection while a reply is pending (control_client_ref/unref): a reply to a client
 * that has gone is dropped. Loop thread only. */
#ifndef ATTAIN_CONTROL_H
#define ATTAIN_CONTROL_H

#include <jansson.h>
#include <stddef.h>
#include <uv.h>

#define CONTROL_MAX_LINE 65536

typedef struct control control;
typedef struct control_client control_client;

/* Handles one request; must call control_reply once for it, now or later (holding a
 * reference meanwhile). `request` is borrowed for the duration of the call. */
typedef void (*control_handler)(void *arg, control_client *client, json_t *request);

int control_start(control **out, uv_loop_t *loop, const char *path, control_handler handler,
                  void *arg, char *err, size_t errsz);
/* Sends `reply` (a JSON object, stolen) as one line, then reads the client's next request. */
void control_reply(control_client *client, json_t *reply);
void control_client_ref(control_client *client);
void control_client_unref(control_client *client);
/* Stops listening, closes every connection and removes the socket file. */
void control_close(control *ctl);

#endif
