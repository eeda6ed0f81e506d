/* control.c — the control socket server (see control.h).
 *
 * Flow control, per client: input is read into the client's framer (at most one maximal
 * request plus its '\n' unconsumed) and taken one line at a time; a line is handled only
 * when the previous request has been answered (`busy`) and while the replies handed to
 * libuv but not yet written to the kernel stay under CONTROL_MAX_PENDING_OUT. Reading
 * stops whenever the framer is full, the replies are backed up, or the client is done,
 * and resumes when that clears (update_reading): the kernel's socket buffers then hold
 * the client back. Nothing read is ever discarded, so every request gets its reply. */
#include "control.h"

#include <errno.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

/* Reading and handling resume once the pending replies fall below this. */
#define PENDING_OUT_RESUME (CONTROL_MAX_PENDING_OUT / 2)
/* After a request over the limit: how much more of the client's input is read (and
 * dropped) before the connection is closed. Closing a Unix socket with unread input
 * resets it, and the client would lose its error reply; this lets it read the reply
 * and our end-of-file first. */
#define DRAIN_MAX (16 * CONTROL_MAX_LINE)

struct control {
  uv_pipe_t server;
  uv_loop_t *loop;
  control_handler handler;
  void *arg;
  char *path;
  control_client *clients; /* open connections, for control_close */
  int nclients;
  int closing;
};

struct control_client {
  uv_pipe_t pipe;
  control *ctl;
  control_client *next, *prev;
  control_framer in;
  size_t out_pending; /* reply bytes handed to libuv whose write has not completed */
  int refs;       /* the open connection holds one; each pending reply and write one */
  int busy;       /* a request is being answered */
  int closed;     /* the connection is closed or closing */
  int processing; /* process() is on the stack: replies made inside it need no restart */
  int reading;    /* uv_read_start is in force */
  int eof;        /* the client sent everything: close once its requests are answered */
  int done;       /* no further request will be handled (EOF answered, or a line too long) */
  int draining;   /* a line was too long: its reply is sent, the writing side shut, input dropped */
  size_t drained;
  uv_shutdown_t shutdown;
};

static void client_free(control_client *c) {
  control_framer_free(&c->in);
  free(c);
}

void control_client_ref(control_client *c) { c->refs++; }

void control_client_unref(control_client *c) {
  if (--c->refs == 0) client_free(c);
}

static void on_client_closed(uv_handle_t *h) {
  control_client *c = h->data;
  control_client_unref(c); /* the connection's reference */
}

static void client_close(control_client *c) {
  if (c->closed) return;
  c->closed = 1;
  if (c->prev)
    c->prev->next = c->next;
  else
    c->ctl->clients = c->next;
  if (c->next) c->next->prev = c->prev;
  c->ctl->nclients--;
  uv_close((uv_handle_t *)&c->pipe, on_client_closed);
}

static void on_alloc(uv_handle_t *h, size_t suggested, uv_buf_t *buf);
static void on_read(uv_stream_t *s, ssize_t nread, const uv_buf_t *buf);
static void process(control_client *c);

/* Reads from the client exactly when there is room for its input and its replies are
 * being taken. */
static void update_reading(control_client *c) {
  if (c->closed) return;
  char *at;
  size_t room = 0;
  int want = c->draining ? !c->eof
                         : !c->eof && !c->done && c->out_pending < CONTROL_MAX_PENDING_OUT &&
                               control_framer_space(&c->in, &at, &room) == 0 && room > 0;
  if (want && !c->reading) {
    if (uv_read_start((uv_stream_t *)&c->pipe, on_alloc, on_read) == 0) c->reading = 1;
  } else if (!want && c->reading) {
    uv_read_stop((uv_stream_t *)&c->pipe);
    c->reading = 0;
  }
}

typedef struct write_req {
  uv_write_t req;
  control_client *client;
  size_t len;
  int close_after;
  char data[];
} write_req;

static void on_written(uv_write_t *req, int status) {
  write_req *w = (write_req *)req;
  control_client *c = w->client;
  c->out_pending -= w->len;
  if (w->close_after || status < 0) client_close(c);
  if (!c->closed && c->out_pending < PENDING_OUT_RESUME) {
    process(c); /* replies were backed up: handle what is waiting, read again */
    update_reading(c);
  }
  control_client_unref(c);
  free(w);
}

/* Writes `reply` as one line (NULL: nothing, only the close after earlier writes). */
static void send_line(control_client *c, json_t *reply, int close_after) {
  if (!reply && !close_after) { /* an error reply that could not be built: out of memory */
    client_close(c);
    return;
  }
  char *text = reply ? json_dumps(reply, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(16)) : strdup("");
  json_decref(reply);
  if (!text || c->closed) {
    free(text);
    if (!c->closed) client_close(c); /* out of memory: a reply cannot be skipped */
    return;
  }
  size_t n = strlen(text);
  write_req *w = malloc(sizeof *w + n + 1);
  if (!w) {
    free(text);
    client_close(c);
    return;
  }
  memcpy(w->data, text, n);
  w->data[n] = '\n';
  free(text);
  w->client = c;
  w->len = reply ? n + 1 : 0;
  w->close_after = close_after;
  control_client_ref(c);
  c->out_pending += w->len;
  uv_buf_t buf = uv_buf_init(w->data, (unsigned)w->len);
  if (uv_write(&w->req, (uv_stream_t *)&c->pipe, &buf, 1, on_written) < 0) {
    c->out_pending -= w->len;
    control_client_unref(c);
    free(w);
    client_close(c);
  }
}

void control_reply(control_client *c, json_t *reply) {
  c->busy = 0;
  /* A handler whose reply could not be built (json_pack refuses a string that is not
   * UTF-8, say) still owes the client one line. */
  if (!reply) reply = control_error_reply("internal error: the reply could not be encoded");
  send_line(c, reply, 0);
  if (!c->closed && !c->processing) {
    process(c);
    update_reading(c);
  }
}

static void on_shutdown(uv_shutdown_t *req, int status) {
  control_client *c = req->handle->data;
  if (status < 0) client_close(c);
  control_client_unref(c);
}

/* Handles complete lines until one is answered asynchronously, the replies back up, or
 * none is left. */
static void process(control_client *c) {
  if (c->processing) return;
  c->processing = 1;
  control_client_ref(c); /* the handler may close the connection */
  int drained = 0;
  while (!c->busy && !c->closed && !c->done && c->out_pending < CONTROL_MAX_PENDING_OUT) {
    const char *line;
    size_t n;
    int r = control_framer_next(&c->in, &line, &n);
    if (r == CONTROL_FRAME_NONE) {
      drained = 1;
      break;
    }
    if (r == CONTROL_FRAME_TOO_LONG) {
      char msg[96];
      control_too_long_message(msg, sizeof msg, CONTROL_MAX_LINE);
      c->done = 1; /* exactly one reply for it; nothing after it is handled */
      send_line(c, control_error_reply(msg), 0);
      if (!c->closed) {
        c->draining = 1;
        control_framer_discard(&c->in);
        control_client_ref(c);
        if (uv_shutdown(&c->shutdown, (uv_stream_t *)&c->pipe, on_shutdown) < 0) {
          control_client_unref(c);
          client_close(c);
        }
      }
      break;
    }
    char msg[256];
    json_t *req = control_request_parse(line, n, msg, sizeof msg);
    if (!req) {
      send_line(c, control_error_reply(msg), 0);
      continue;
    }
    c->busy = 1;
    c->ctl->handler(c->ctl->arg, c, req);
    json_decref(req);
  }
  c->processing = 0;
  if (c->eof && drained && !c->busy && !c->closed && !c->done) {
    /* Answered everything the client sent (an unfinished last line is no request):
     * close after the last reply is written. */
    c->done = 1;
    send_line(c, NULL, 1);
  }
  control_client_unref(c);
}

static void on_alloc(uv_handle_t *h, size_t suggested, uv_buf_t *buf) {
  control_client *c = h->data;
  char *at;
  size_t room;
  if (control_framer_space(&c->in, &at, &room) != 0 || room == 0) {
    *buf = uv_buf_init(NULL, 0); /* on_read gets UV_ENOBUFS */
    return;
  }
  *buf = uv_buf_init(at, (unsigned)room);
}

static void on_read(uv_stream_t *s, ssize_t nread, const uv_buf_t *buf) {
  control_client *c = s->data;
  if (nread == UV_ENOBUFS) { /* full or out of memory: wait for lines to be taken */
    char *at;
    size_t room;
    if (control_framer_space(&c->in, &at, &room) != 0) {
      client_close(c);
      return;
    }
    uv_read_stop(s);
    c->reading = 0;
    process(c);
    update_reading(c);
    return;
  }
  if (c->draining) { /* the client is done: drop what it sends, close at its end */
    if (nread > 0) c->drained += (size_t)nread;
    control_framer_discard(&c->in);
    if (nread < 0 || c->drained > DRAIN_MAX) client_close(c);
    return;
  }
  if (nread == UV_EOF) {
    uv_read_stop(s);
    c->reading = 0;
    c->eof = 1;
    process(c); /* answers what is complete, then closes */
    return;
  }
  if (nread < 0) {
    client_close(c);
    return;
  }
  control_framer_commit(&c->in, (size_t)nread);
  process(c);
  update_reading(c);
}

/* One connection over the limit: told why, then closed (its descriptor lives for one
 * loop turn). */
static void on_refused_closed(uv_handle_t *h) { free(h); }

static void refuse(control *ctl, uv_stream_t *server) {
  uv_pipe_t *p = malloc(sizeof *p);
  if (!p) return;
  uv_pipe_init(ctl->loop, p, 0);
  if (uv_accept(server, (uv_stream_t *)p) == 0) {
    char line[128];
    int n = snprintf(line, sizeof line,
                     "{\"ok\":false,\"error\":\"too many clients: at most %d connections at a "
                     "time\"}\n",
                     CONTROL_MAX_CLIENTS);
    uv_buf_t b = uv_buf_init(line, (unsigned)n);
    uv_try_write((uv_stream_t *)p, &b, 1); /* small: fits the empty socket buffer */
  }
  uv_close((uv_handle_t *)p, on_refused_closed);
}

static void on_connection(uv_stream_t *server, int status) {
  control *ctl = server->data;
  if (status < 0 || ctl->closing) return;
  if (ctl->nclients >= CONTROL_MAX_CLIENTS) {
    refuse(ctl, server);
    return;
  }
  control_client *c = calloc(1, sizeof *c);
  if (!c) return;
  c->ctl = ctl;
  c->refs = 1;
  control_framer_init(&c->in, CONTROL_MAX_LINE);
  uv_pipe_init(ctl->loop, &c->pipe, 0);
  c->pipe.data = c;
  if (uv_accept(server, (uv_stream_t *)&c->pipe) < 0) {
    c->closed = 1;
    uv_close((uv_handle_t *)&c->pipe, on_client_closed);
    return;
  }
  c->next = ctl->clients;
  if (c->next) c->next->prev = c;
  ctl->clients = c;
  ctl->nclients++;
  update_reading(c);
}

/* Says what is wrong with the socket's directory, or returns 0 if it can hold it. */
static int check_directory(const char *path, char *err, size_t errsz) {
  char copy[256];
  snprintf(copy, sizeof copy, "%s", path);
  const char *dir = dirname(copy);
  struct stat sb;
  if (stat(dir, &sb) != 0) {
    snprintf(err, errsz, "%s: cannot create the socket: directory %s: %s", path, dir,
             strerror(errno));
    return -1;
  }
  if (!S_ISDIR(sb.st_mode)) {
    snprintf(err, errsz, "%s: cannot create the socket: %s is not a directory", path, dir);
    return -1;
  }
  if (access(dir, W_OK | X_OK) != 0) {
    snprintf(err, errsz, "%s: cannot create the socket: directory %s: %s", path, dir,
             strerror(errno));
    return -1;
  }
  return 0;
}

/* A file already at the socket's path: a socket nobody listens on (left by a daemon
 * that died) is removed; a live socket or another kind of file is refused. */
static int clear_stale(const char *path, char *err, size_t errsz) {
  struct stat sb;
  if (lstat(path, &sb) != 0) return 0;
  if (!S_ISSOCK(sb.st_mode)) {
    snprintf(err, errsz, "%s: exists and is not a socket; remove it or choose another --socket",
             path);
    return -1;
  }
  int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    snprintf(err, errsz, "%s: cannot check the socket: %s", path, strerror(errno));
    return -1;
  }
  struct sockaddr_un sa = {.sun_family = AF_UNIX};
  snprintf(sa.sun_path, sizeof sa.sun_path, "%s", path);
  int rc = connect(fd, (struct sockaddr *)&sa, sizeof sa);
  int e = errno;
  close(fd);
  if (rc == 0) {
    snprintf(err, errsz,
             "%s: another process is listening on this socket; it is left alone (choose "
             "another --socket)",
             path);
    return -1;
  }
  if (e != ECONNREFUSED) {
    snprintf(err, errsz, "%s: cannot check the socket: %s", path, strerror(e));
    return -1;
  }
  if (unlink(path) != 0 && errno != ENOENT) {
    snprintf(err, errsz, "%s: cannot remove the stale socket: %s", path, strerror(errno));
    return -1;
  }
  return 0;
}

int control_start(control **out, uv_loop_t *loop, const control_socket *sock,
                  control_handler handler, void *arg, char *err, size_t errsz) {
  *out = NULL;
  const char *path = sock->path;
  if (check_directory(path, err, errsz) || clear_stale(path, err, errsz)) return -1;
  control *ctl = calloc(1, sizeof *ctl);
  if (!ctl || !(ctl->path = strdup(path))) {
    free(ctl);
    snprintf(err, errsz, "out of memory");
    return -1;
  }
  ctl->loop = loop;
  ctl->handler = handler;
  ctl->arg = arg;
  uv_pipe_init(loop, &ctl->server, 0);
  ctl->server.data = ctl;
  /* Created 0600, then widened: nobody else can connect before the mode is final. */
  mode_t old = umask(077);
  int rc = uv_pipe_bind(&ctl->server, path);
  umask(old);
  int bound = rc == 0;
  if (rc < 0) {
    snprintf(err, errsz, "%s: cannot create the socket: %s", path, uv_strerror(rc));
  } else if (sock->gid != (gid_t)-1 && chown(path, (uid_t)-1, sock->gid) != 0) {
    snprintf(err, errsz, "%s: cannot give the socket to group %ld: %s", path, (long)sock->gid,
             strerror(errno));
    rc = -1;
  } else if (chmod(path, sock->mode) != 0) {
    snprintf(err, errsz, "%s: cannot set the socket's mode to %04o: %s", path, sock->mode,
             strerror(errno));
    rc = -1;
  } else if ((rc = uv_listen((uv_stream_t *)&ctl->server, 64, on_connection)) < 0) {
    snprintf(err, errsz, "%s: cannot listen: %s", path, uv_strerror(rc));
  }
  if (rc < 0) {
    if (bound) unlink(path);
    ctl->closing = 1;
    uv_close((uv_handle_t *)&ctl->server, NULL);
    free(ctl->path);
    /* The server handle's memory must live until its close callback: run it now. */
    uv_run(loop, UV_RUN_NOWAIT);
    free(ctl);
    return -1;
  }
  *out = ctl;
  return 0;
}

static void on_server_closed(uv_handle_t *h) {
  control *ctl = h->data;
  free(ctl->path);
  free(ctl);
}

void control_close(control *ctl) {
  if (!ctl || ctl->closing) return;
  ctl->closing = 1;
  while (ctl->clients) client_close(ctl->clients);
  unlink(ctl->path);
  uv_close((uv_handle_t *)&ctl->server, on_server_closed);
}
