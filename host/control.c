/* control.c — the control socket server (see control.h). */
#include "control.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct control {
  uv_pipe_t server;
  uv_loop_t *loop;
  control_handler handler;
  void *arg;
  char *path;
  control_client *clients; /* open connections, for control_close */
  int closing;
};

struct control_client {
  uv_pipe_t pipe;
  control *ctl;
  control_client *next, *prev;
  char *buf; /* unprocessed input */
  size_t len;
  int refs;    /* the open connection holds one; each pending reply one */
  int busy;    /* a request is being answered */
  int closed;  /* the connection is closed or closing */
  int processing; /* process() is on the stack: replies made inside it need no restart */
  int eof;        /* the client sent everything: close once its requests are answered */
  char readbuf[16384];
};

static void client_free(control_client *c) {
  free(c->buf);
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
  uv_close((uv_handle_t *)&c->pipe, on_client_closed);
}

typedef struct write_req {
  uv_write_t req;
  control_client *client;
  int close_after;
  char data[];
} write_req;

static void on_written(uv_write_t *req, int status) {
  write_req *w = (write_req *)req;
  if (w->close_after || status < 0) client_close(w->client);
  control_client_unref(w->client);
  free(w);
}

/* Writes `reply` as one line (NULL: nothing, only the close after earlier writes). */
static void send_line(control_client *c, json_t *reply, int close_after) {
  char *text = reply ? json_dumps(reply, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(16)) : strdup("");
  json_decref(reply);
  if (!text || c->closed) {
    free(text);
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
  w->close_after = close_after;
  control_client_ref(c);
  uv_buf_t buf = uv_buf_init(w->data, reply ? (unsigned)n + 1 : 0);
  if (uv_write(&w->req, (uv_stream_t *)&c->pipe, &buf, 1, on_written) < 0) {
    control_client_unref(c);
    free(w);
    client_close(c);
  }
}

static json_t *error_reply(const char *msg) {
  return json_pack("{s:b, s:s}", "ok", 0, "error", msg);
}

static void process(control_client *c);

void control_reply(control_client *c, json_t *reply) {
  c->busy = 0;
  send_line(c, reply, 0);
  if (!c->closed && !c->processing) process(c);
}

/* Handles complete lines in the buffer until one is being answered asynchronously. */
static void process(control_client *c) {
  c->processing = 1;
  control_client_ref(c); /* the handler may close the connection */
  while (!c->busy && !c->closed) {
    char *nl = memchr(c->buf, '\n', c->len);
    if (!nl) {
      if (c->len > CONTROL_MAX_LINE) {
        char msg[96];
        snprintf(msg, sizeof msg, "request longer than %d bytes", CONTROL_MAX_LINE);
        c->len = 0;
        send_line(c, error_reply(msg), 1);
      }
      break;
    }
    size_t n = (size_t)(nl - c->buf);
    json_error_t je;
    json_t *req = n > CONTROL_MAX_LINE ? NULL : json_loadb(c->buf, n, 0, &je);
    memmove(c->buf, nl + 1, c->len - n - 1);
    c->len -= n + 1;
    if (n > CONTROL_MAX_LINE) {
      char msg[96];
      snprintf(msg, sizeof msg, "request longer than %d bytes", CONTROL_MAX_LINE);
      send_line(c, error_reply(msg), 1);
      break;
    }
    if (!req || !json_is_object(req)) {
      char msg[256];
      snprintf(msg, sizeof msg, "malformed request: %s",
               req ? "expected a JSON object" : je.text);
      json_decref(req);
      send_line(c, error_reply(msg), 0);
      continue;
    }
    c->busy = 1;
    c->ctl->handler(c->ctl->arg, c, req);
    json_decref(req);
  }
  c->processing = 0;
  if (c->eof && !c->busy && !c->closed) {
    /* Answered everything the client sent: close after the last reply is written. */
    c->busy = 1;
    send_line(c, NULL, 1);
  }
  control_client_unref(c);
}

static void on_alloc(uv_handle_t *h, size_t suggested, uv_buf_t *buf) {
  control_client *c = h->data;
  *buf = uv_buf_init(c->readbuf, sizeof c->readbuf);
}

static void on_read(uv_stream_t *s, ssize_t nread, const uv_buf_t *buf) {
  control_client *c = s->data;
  if (nread == UV_EOF) {
    uv_read_stop(s);
    c->eof = 1;
    process(c); /* answers what is complete, then closes */
    return;
  }
  if (nread < 0) {
    client_close(c);
    return;
  }
  if (nread == 0) return;
  /* Keep at most one line's worth beyond the limit; the rest of an oversized request is
   * dropped with the connection. */
  if (c->len + (size_t)nread > CONTROL_MAX_LINE + sizeof c->readbuf) {
    c->len = CONTROL_MAX_LINE + 1;
  } else {
    char *b = realloc(c->buf, c->len + (size_t)nread + 1);
    if (!b) {
      client_close(c);
      return;
    }
    c->buf = b;
    memcpy(c->buf + c->len, buf->base, (size_t)nread);
    c->len += (size_t)nread;
  }
  process(c);
}

static void on_connection(uv_stream_t *server, int status) {
  control *ctl = server->data;
  if (status < 0 || ctl->closing) return;
  control_client *c = calloc(1, sizeof *c);
  if (!c) return;
  c->ctl = ctl;
  c->refs = 1;
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
  uv_read_start((uv_stream_t *)&c->pipe, on_alloc, on_read);
}

int control_start(control **out, uv_loop_t *loop, const char *path, control_handler handler,
                  void *arg, char *err, size_t errsz) {
  *out = NULL;
  control *ctl = calloc(1, sizeof *ctl);
  if (!ctl || !(ctl->path = strdup(path))) {
    free(ctl);
    snprintf(err, errsz, "out of memory");
    return -1;
  }
  ctl->loop = loop;
  ctl->handler = handler;
  ctl->arg = arg;
  /* A socket file left by a daemon that died is in the way; a live daemon is not. */
  struct stat sb;
  if (stat(path, &sb) == 0 && S_ISSOCK(sb.st_mode)) unlink(path);
  uv_pipe_init(loop, &ctl->server, 0);
  ctl->server.data = ctl;
  mode_t old = umask(077); /* the socket is created 0600: only the daemon's user */
  int rc = uv_pipe_bind(&ctl->server, path);
  umask(old);
  if (rc == 0) rc = uv_listen((uv_stream_t *)&ctl->server, 64, on_connection);
  if (rc < 0) {
    snprintf(err, errsz, "%s: cannot listen: %s", path, uv_strerror(rc));
    ctl->closing = 1;
    uv_close((uv_handle_t *)&ctl->server, NULL);
    free(ctl->path);
    /* The server handle's memory must live until its close callback: run it now. */
    uv_run(loop, UV_RUN_NOWAIT);
    free(ctl);
    return -1;
  }
  chmod(path, 0600);
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
