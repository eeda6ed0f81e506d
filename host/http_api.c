/* http_api.c — the daemon's routes (see http_api.h and docs/http.md), who may reach them
 * (tokens, signed links: docs/dashboard.md), and the dashboard's routes, whose pages are
 * written by http_pages*.c. */
#include "http_api.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <nettle/base64.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "eval.h"
#include "eval_json.h"
#include "http.h"
#include "http_pages.h"
#include "isotime.h"
#include "jsonw.h"
#include "link.h"
#include "lists_json.h"
#include "private_file.h"
#include "prom.h"
#include "store.h"
#include "store_counts.h"
#include "store_lists.h"
#include "store_read.h"

/* The loop publishes its view every second; this long without one means it is stuck. */
#define LIVE_STALL_MS 30000
/* The state and alert totals of /metrics are recomputed at most this often. */
#define HTTP_COUNTS_TTL_S 30
#define TOKEN_MIN 16
#define TOKEN_MAX 512
#define MAX_CONNS 16

struct http_api {
  http_server *server;
  http_api_host host;
  char *db;
  char token[TOKEN_MAX + 1], read_token[TOKEN_MAX + 1]; /* "" when not configured */
  link_secret secret; /* --http-link-secret-file; len 0: signed links are refused */
  int loopback;       /* the listener is on a loopback address */
  http_pages_env pages;
  logger log;
  pthread_mutex_t mu; /* the connection pool and the counts cache */
  store *conns[MAX_CONNS];
  int nconns;
  pthread_mutex_t counts_mu;
  int64_t counts_at; /* monotonic s; 0: never */
  jsonw counts;      /* the rendered families */
};

struct http_call {
  http_exchange *x;
  int cmd;
  char *arg;
};

/* ---- plumbing ---- */

static int64_t mono_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec;
}

static void respond_error(http_exchange *x, int status, const char *message) {
  jsonw w;
  jsonw_init(&w);
  jsonw_obj_begin(&w);
  jsonw_key(&w, "error");
  jsonw_str(&w, message);
  jsonw_obj_end(&w);
  jsonw_raw(&w, "\n", 1);
  http_respond_json(x, status, &w);
}

static void respond_json(http_exchange *x, int status, json_t *j) {
  char *body = json_dumps(j, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(16)); /* as ctl */
  json_decref(j);
  if (!body) {
    respond_error(x, 500, "out of memory");
    return;
  }
  size_t n = strlen(body);
  char *b = realloc(body, n + 2);
  if (b) {
    b[n++] = '\n';
    b[n] = 0;
    body = b;
  }
  http_respond(x, status, "application/json", body, n);
}

static store *conn_take(http_api *a, char *err, size_t errsz) {
  pthread_mutex_lock(&a->mu);
  store *s = a->nconns ? a->conns[--a->nconns] : NULL;
  pthread_mutex_unlock(&a->mu);
  if (s || store_open(&s, a->db, STORE_OPEN_READ, err, errsz) == STORE_OK) return s;
  return NULL;
}

static void conn_give(http_api *a, store *s) {
  pthread_mutex_lock(&a->mu);
  if (a->nconns < MAX_CONNS) {
    a->conns[a->nconns++] = s;
    s = NULL;
  }
  pthread_mutex_unlock(&a->mu);
  store_close(s);
}

/* Compares in time independent of where the strings differ. */
static int token_equal(const char *given, const char *want) {
  size_t n = strlen(want), m = strlen(given);
  unsigned char d = (unsigned char)(n != m);
  for (size_t i = 0; i < n; i++) d |= (unsigned char)(want[i] ^ (i < m ? given[i] : 0));
  return d == 0;
}

/* The token a request presents: a bearer token, or the password of HTTP Basic auth (a
 * browser cannot send a bearer token, but asks for a user name and password on a 401; the
 * user name is ignored). NULL if none; `buf` holds a decoded password. */
static const char *presented(http_exchange *x, char *buf, size_t size) {
  const char *h = http_header(x, "Authorization");
  if (!h) return NULL;
  if (strncasecmp(h, "Bearer ", 7) == 0) {
    for (h += 7; *h == ' ';) h++;
    return h;
  }
  if (strncasecmp(h, "Basic ", 6) != 0) return NULL;
  for (h += 6; *h == ' ';) h++;
  size_t n = strlen(h), out = 0;
  if (BASE64_DECODE_LENGTH(n) + 1 > size) return NULL;
  struct base64_decode_ctx ctx;
  base64_decode_init(&ctx);
  if (!base64_decode_update(&ctx, &out, (uint8_t *)buf, n, h) || !base64_decode_final(&ctx))
    return NULL;
  buf[out] = 0;
  char *colon = memchr(buf, ':', out);
  return colon && !memchr(buf, 0, out) ? colon + 1 : NULL;
}

/* What a request may reach. */
enum reach {
  REACH_MUTATION, /* reload, sweep, evaluate: the mutation token */
  REACH_DAEMON,   /* /metrics, /v1/status: the read token when one is set, else open */
  REACH_PARTNER   /* organisations' data (/v1/orgs..., /v1/alerts): as REACH_DAEMON, and
                     without a read token on loopback only */
};

/* The request presents the read token or the mutation token. */
static int operator_token(http_api *a, http_exchange *x) {
  char buf[TOKEN_MAX * 2];
  const char *given = presented(x, buf, sizeof buf);
  int ok = given && ((a->read_token[0] && token_equal(given, a->read_token)) ||
                     (a->token[0] && token_equal(given, a->token)));
  memset(buf, 0, sizeof buf);
  return ok;
}

/* Reads need either token when a read token is set; without one they are open, but an
 * organisation's data only on a loopback listener. Mutations need the token. Answers 403
 * and returns 0 when refused: whether a token is missing or wrong is not said. */
static int allowed(http_api *a, http_exchange *x, int reach) {
  if (reach == REACH_MUTATION) {
    if (!a->token[0]) {
      respond_error(x, 403, "mutations are disabled: start attain serve with --http-token-file");
      return 0;
    }
    char buf[TOKEN_MAX * 2];
    const char *given = presented(x, buf, sizeof buf);
    int ok = given && token_equal(given, a->token);
    memset(buf, 0, sizeof buf);
    if (ok) return 1;
    http_add_header(x, "WWW-Authenticate", "Bearer realm=\"attain\"");
    respond_error(x, 403, "this request needs the bearer token of --http-token-file");
    return 0;
  }
  if (operator_token(a, x)) return 1;
  if (!a->read_token[0] && (a->loopback || reach == REACH_DAEMON)) return 1;
  http_add_header(x, "WWW-Authenticate", "Bearer realm=\"attain\"");
  respond_error(x, 403,
                a->read_token[0]
                    ? "this request needs the bearer token of --http-read-token-file"
                    : "organisations' data is served to the token of --http-read-token-file or "
                      "--http-token-file; without a read token, on a loopback listener only");
  return 0;
}

/* Who may see a page (docs/dashboard.md, "Who may see what"): the operator's token (read or
 * mutation, as a bearer token or a Basic password) opens every page; an organisation's
 * signed link (?exp=&sig=) opens that organisation's pages only (`org`: the organisation a
 * page is about, NULL for the list and /status); without a read token a loopback listener
 * is open. Answers and returns 0 when refused: 401 with a Basic challenge when a token
 * could open the page, 403 for a link that is bad or expired. */
static int page_viewer(http_api *a, http_exchange *x, const char *org, http_page_viewer *v) {
  *v = (http_page_viewer){0};
  if (operator_token(a, x)) {
    v->operator = 1;
    return 1;
  }
  const char *exp = http_query(x, "exp"), *sig = http_query(x, "sig");
  if (org && (exp || sig)) {
    char *end = NULL;
    long long e = exp && *exp >= '0' && *exp <= '9' ? strtoll(exp, &end, 10) : -1;
    int rc = !a->secret.len || e < 0 || *end ? LINK_BAD
                                             : link_verify(&a->secret, org, e, sig, (int64_t)time(NULL));
    if (rc == LINK_OK) {
      v->exp = exp;
      v->sig = sig;
      return 1;
    }
    if (rc == LINK_EXPIRED) {
      char until[ISOTIME_BUFSZ], msg[160];
      isotime_format((int64_t)e, until);
      snprintf(msg, sizeof msg,
               "This link was valid until %s. Ask the program's operators for a new one.", until);
      http_pages_error(x, NULL, 403, "This link has expired", msg);
    } else {
      http_pages_error(x, NULL, 403, "This link is not valid",
                       a->secret.len ? "It does not open this page: it may be incomplete, or "
                                       "altered. Ask the program's operators for a new one."
                                     : "This server does not accept signed links.");
    }
    return 0;
  }
  if (!a->read_token[0] && a->loopback) {
    v->operator = 1;
    return 1;
  }
  if (a->read_token[0] || a->token[0]) {
    http_add_header(x, "WWW-Authenticate", "Basic realm=\"attain\", charset=\"UTF-8\"");
    http_pages_error(x, NULL, 401, "Sign in",
                     "This page needs the operator's token (as the password, with any user "
                     "name), or an organisation's signed link to its own pages.");
  } else {
    http_pages_error(x, NULL, 403, "Not served here",
                     "This listener is not on loopback: its pages need the operator's token "
                     "(attain serve --http-read-token-file) or a signed link.");
  }
  return 0;
}

/* ---- health ---- */

static void live(http_api *a, http_exchange *x) {
  daemon_view v = {0};
  int64_t age = 0;
  if (a->host.view(a->host.arg, &v, &age)) {
    respond_error(x, 500, "out of memory");
    return;
  }
  daemon_view_free(&v);
  if (age > LIVE_STALL_MS)
    respond_json(x, 503, json_pack("{s:b, s:s, s:I}", "live", 0, "problem",
                                   "the daemon's loop thread has not run for a while",
                                   "stalled_ms", (json_int_t)age));
  else
    respond_json(x, 200, json_pack("{s:b}", "live", 1));
}

static void ready(http_api *a, http_exchange *x) {
  daemon_view v = {0};
  int64_t age = 0;
  if (a->host.view(a->host.arg, &v, &age)) {
    respond_error(x, 500, "out of memory");
    return;
  }
  json_t *problems;
  int health = daemon_view_health(&v, (int64_t)time(NULL), &problems);
  char err[1024];
  store *s = conn_take(a, err, sizeof err);
  int64_t max;
  if (s && store_org_max(s, &max, err, sizeof err) != STORE_OK) {
    store_close(s);
    s = NULL;
  }
  if (!s) {
    char msg[1100];
    snprintf(msg, sizeof msg, "the database cannot be read: %s", err);
    json_array_append_new(problems, json_string(msg));
  } else {
    conn_give(a, s);
  }
  int ok = health != HEALTH_UNAVAILABLE && s;
  respond_json(x, ok ? 200 : 503,
               json_pack("{s:b, s:s, s:s?, s:o}", "ready", ok, "health",
                         s ? daemon_health_name(health) : "unavailable", "policy",
                         v.serving ? v.serving->version : NULL, "problems", problems));
  daemon_view_free(&v);
}

/* ---- metrics ---- */

struct counts_render {
  jsonw *w;
  const char *family, *label;
};

static int count_sample(void *arg, const char *competency, const char *state, int64_t n) {
  struct counts_render *r = arg;
  const char *labels[] = {"competency", competency, r->label, state};
  prom_sample(r->w, r->family, labels, state ? 2 : 1, (double)n);
  return r->w->oom ? -1 : 0;
}

/* The whole-database totals, cached for HTTP_COUNTS_TTL_S (the state and level counts are
 * a few rows; the open alerts are counted through their index, which at 640,000
 * organisations may be thousands of entries: not on every scrape). */
static void counts(http_api *a, jsonw *w) {
  pthread_mutex_lock(&a->counts_mu);
  int64_t now = mono_s();
  if (!a->counts_at || now - a->counts_at >= HTTP_COUNTS_TTL_S) {
    char err[1024];
    store *s = conn_take(a, err, sizeof err);
    jsonw fresh;
    jsonw_init(&fresh);
    int rc = s ? STORE_OK : STORE_ERROR;
    struct counts_render r = {&fresh, "attain_organisations", "state"};
    prom_family(&fresh, r.family, "gauge",
                "Organisations by lifecycle state, per competency (as stored by the last "
                "evaluation of each; refreshed at most every 30 s).");
    if (rc == STORE_OK) rc = store_state_counts(s, count_sample, &r, err, sizeof err);
    r.family = "attain_organisations_at_level";
    prom_family(&fresh, r.family, "gauge",
                "Organisations at each level (silver, gold), per competency, as stored by the "
                "last evaluation of each.");
    r.label = "level";
    if (rc == STORE_OK) rc = store_level_counts(s, count_sample, &r, err, sizeof err);
    r.label = "state";
    r.family = "attain_alerts_open";
    prom_family(&fresh, r.family, "gauge", "Open renewal alerts, per competency.");
    if (rc == STORE_OK) rc = store_open_alert_counts(s, count_sample, &r, err, sizeof err);
    if (s) conn_give(a, s);
    if (rc == STORE_OK && !fresh.oom) {
      jsonw_free(&a->counts);
      a->counts = fresh;
      a->counts_at = now;
    } else {
      jsonw_free(&fresh);
      char q[1100];
      log_line(&a->log, LOG_WARN, "metrics", "failure=%s note=\"serving the last totals\"",
               log_quote(q, sizeof q, err));
    }
  }
  jsonw_raw(w, a->counts.buf ? a->counts.buf : "", a->counts.len);
  pthread_mutex_unlock(&a->counts_mu);
}

static void metrics(http_api *a, http_exchange *x) {
  daemon_view v = {0};
  int64_t age = 0;
  if (a->host.view(a->host.arg, &v, &age)) {
    respond_error(x, 500, "out of memory");
    return;
  }
  jsonw w;
  jsonw_init(&w);
  daemon_view_metrics(&v, (int64_t)time(NULL), &w);
  daemon_view_free(&v);
  counts(a, &w);
  http_metrics_write(a->server, &w);
  if (w.oom) {
    jsonw_free(&w);
    respond_error(x, 500, "out of memory");
    return;
  }
  http_respond(x, 200, PROM_CONTENT_TYPE, w.buf, w.len);
}

/* ---- reads ---- */

static void status(http_api *a, http_exchange *x) {
  daemon_view v = {0};
  int64_t age = 0;
  if (a->host.view(a->host.arg, &v, &age)) {
    respond_error(x, 500, "out of memory");
    return;
  }
  json_t *j = daemon_view_status(&v, (int64_t)time(NULL));
  daemon_view_free(&v);
  respond_json(x, 200, j);
}

typedef struct org_out {
  jsonw *w;
  policy_set *set;
  int64_t at;
} org_out;

static int org_chunk(void *arg, const eval_chunk *c, char *err, size_t errsz) {
  org_out *o = arg;
  for (int r = 0; r < c->nrows; r++) eval_row_json(o->w, o->set, o->at, &c->rows[r]);
  return 0;
}

/* What `attain status ORG --json` prints, as one document: the competencies' objects in
 * the same order under "competencies". */
static void org(http_api *a, http_exchange *x, const char *key) {
  int64_t at = (int64_t)time(NULL); /* the request's one clock read, injected below */
  const char *at_arg = http_query(x, "at");
  if (at_arg && isotime_parse(at_arg, &at)) {
    respond_error(x, 400, "?at= must be an ISO 8601 time (2026-11-25 or 2026-11-25T10:00:00Z)");
    return;
  }
  char err[1024];
  store *s = conn_take(a, err, sizeof err);
  if (!s) {
    respond_error(x, 503, err);
    return;
  }
  int64_t oid;
  int rc = store_org_lookup(s, key, &oid, err, sizeof err);
  if (rc) {
    conn_give(a, s);
    respond_error(x, rc == STORE_ENOTFOUND ? 404 : rc == STORE_EBUSY ? 503 : 500, err);
    return;
  }
  policy_set *set = a->host.serving(a->host.arg);
  if (!set) {
    conn_give(a, s);
    respond_error(x, 503, "no good policy set is loaded yet (see /health/ready)");
    return;
  }
  jsonw w;
  jsonw_init(&w);
  jsonw_obj_begin(&w);
  jsonw_key(&w, "org");
  jsonw_str(&w, key);
  jsonw_key(&w, "at");
  jsonw_time(&w, at);
  jsonw_key(&w, "policy");
  jsonw_str(&w, set->version);
  jsonw_key(&w, "competencies");
  jsonw_arr_begin(&w);
  org_out out = {&w, set, at};
  eval_request req = {.inline_store = s,
                      .set = set,
                      .at = at,
                      .lo = oid,
                      .hi = oid,
                      .workers = 1,
                      .report = POLICY_REPORT_EXPLAIN,
                      .lifecycle_causes = 1,
                      .on_chunk = org_chunk,
                      .arg = &out};
  eval_stats stats;
  rc = eval_run(&req, &stats, err, sizeof err);
  policy_set_unref(set);
  conn_give(a, s);
  if (rc) {
    jsonw_free(&w);
    respond_error(x, rc == STORE_EBUSY ? 503 : 500, err);
    return;
  }
  jsonw_arr_end(&w);
  jsonw_obj_end(&w);
  jsonw_raw(&w, "\n", 1);
  http_respond_json(x, 200, &w);
}

/* ---- lists (what `attain orgs|history|alerts --json` print) ---- */

/* ?name= as a whole number in [1, max], or `dflt` when absent; -1 (answered 400) if bad. */
static long count_param(http_exchange *x, const char *name, long max, long dflt) {
  const char *v = http_query(x, name);
  if (!v) return dflt;
  char *end;
  long n = strtol(v, &end, 10);
  if (!*v || *end || n < 1 || n > max) {
    char msg[128];
    snprintf(msg, sizeof msg, "?%s= must be a whole number from 1 to %ld", name, max);
    respond_error(x, 400, msg);
    return -1;
  }
  return n;
}

static int one_of(const char *v, const char *const *allowed) {
  for (; *allowed; allowed++)
    if (strcmp(v, *allowed) == 0) return 1;
  return 0;
}

/* Runs a list writer on a connection of the pool and answers its document. */
static void list_answer(http_api *a, http_exchange *x,
                        int (*write)(store *s, void *arg, jsonw *w, char *err, size_t errsz),
                        void *arg) {
  char err[1024];
  store *s = conn_take(a, err, sizeof err);
  if (!s) {
    respond_error(x, 503, err);
    return;
  }
  jsonw w;
  jsonw_init(&w);
  int rc = write(s, arg, &w, err, sizeof err);
  conn_give(a, s);
  if (rc) {
    jsonw_free(&w);
    respond_error(x, rc == STORE_ENOTFOUND ? 404 : rc == STORE_EBUSY ? 503 : 500, err);
    return;
  }
  jsonw_raw(&w, "\n", 1);
  http_respond_json(x, 200, &w);
}

typedef struct orgs_q {
  store_org_filter f;
  long limit;
  const char *after;
} orgs_q;

static int write_orgs(store *s, void *arg, jsonw *w, char *err, size_t errsz) {
  orgs_q *q = arg;
  return lists_json_orgs(s, &q->f, (int)q->limit, q->after, w, err, errsz);
}

/* GET /v1/orgs?search=&competency=&level=&state=&limit=&after= */
static void orgs_list(http_api *a, http_exchange *x) {
  static const char *const levels[] = {"silver", "gold", NULL};
  static const char *const states[] = {"qualified", "active", "at_risk", "expired", NULL};
  orgs_q q = {.f = {.search = http_query(x, "search"),
                    .competency = http_query(x, "competency"),
                    .level = http_query(x, "level"),
                    .state = http_query(x, "state")},
              .after = http_query(x, "after")};
  if (q.f.level && !one_of(q.f.level, levels)) {
    respond_error(x, 400, "?level= must be silver or gold");
    return;
  }
  if (q.f.state && !one_of(q.f.state, states)) {
    respond_error(x, 400, "?state= must be qualified, active, at_risk or expired");
    return;
  }
  if ((q.limit = count_param(x, "limit", STORE_PAGE_MAX, 50)) < 0) return;
  list_answer(a, x, write_orgs, &q);
}

typedef struct history_q {
  const char *key, *competency;
} history_q;

static int write_history(store *s, void *arg, jsonw *w, char *err, size_t errsz) {
  history_q *q = arg;
  return lists_json_history(s, q->key, q->competency, w, err, errsz);
}

/* GET /v1/orgs/{id}/history?competency= */
static void history(http_api *a, http_exchange *x, const char *key) {
  history_q q = {key, http_query(x, "competency")};
  list_answer(a, x, write_history, &q);
}

typedef struct alerts_q {
  store_alert_filter f;
  const char *org;
  long limit, before;
} alerts_q;

static int write_alerts(store *s, void *arg, jsonw *w, char *err, size_t errsz) {
  alerts_q *q = arg;
  if (q->org) {
    int rc = store_org_lookup(s, q->org, &q->f.oid, err, errsz);
    if (rc) return rc;
  }
  return lists_json_alerts(s, &q->f, (int)q->limit, q->before, w, err, errsz);
}

/* GET /v1/alerts?state=open|all&org=&competency=&limit=&before= */
static void alerts(http_api *a, http_exchange *x) {
  const char *state = http_query(x, "state");
  if (state && strcmp(state, "open") != 0 && strcmp(state, "all") != 0) {
    respond_error(x, 400, "?state= must be open or all");
    return;
  }
  alerts_q q = {.f = {.competency = http_query(x, "competency"),
                      .open_only = state && strcmp(state, "open") == 0},
                .org = http_query(x, "org")};
  if ((q.limit = count_param(x, "limit", STORE_PAGE_MAX, 50)) < 0) return;
  if (http_query(x, "before") && (q.before = count_param(x, "before", 2147483647L, 0)) < 0) return;
  list_answer(a, x, write_alerts, &q);
}

/* ---- mutations ---- */

static void post(http_api *a, http_exchange *x, int cmd, const char *arg) {
  http_call *c = calloc(1, sizeof *c);
  if (!c || (arg && !(c->arg = strdup(arg)))) {
    free(c);
    respond_error(x, 500, "out of memory");
    return;
  }
  c->x = x;
  c->cmd = cmd;
  http_suspend(x); /* before the loop can answer */
  a->host.post(a->host.arg, c);
}

int http_call_cmd(const http_call *c) { return c->cmd; }
const char *http_call_arg(const http_call *c) { return c->arg; }

void http_call_answer(http_call *c, int status, json_t *reply) {
  if (status == 503) http_add_header(c->x, "Retry-After", "5");
  respond_json(c->x, status, reply);
  free(c->arg);
  free(c);
}

/* POST /v1/reload, ?dry_run=1 (the impact against the serving set, no swap) or
 * ?confirm=VERSION (swap in the set the reload guard holds). */
static void reload(http_api *a, http_exchange *x) {
  const char *dry = http_query(x, "dry_run"), *confirm = http_query(x, "confirm");
  int is_dry = dry && (strcmp(dry, "1") == 0 || strcmp(dry, "true") == 0);
  if ((dry && !is_dry && strcmp(dry, "0") != 0 && strcmp(dry, "false") != 0) ||
      (confirm && !*confirm)) {
    respond_error(x, 400, "reload takes ?dry_run=1 or ?confirm=VERSION");
  } else if (is_dry && confirm) {
    respond_error(x, 400, "dry_run and confirm exclude each other");
  } else {
    post(a, x, is_dry ? HTTP_CALL_DRY_RUN : confirm ? HTTP_CALL_CONFIRM : HTTP_CALL_RELOAD,
         confirm);
  }
}

/* ---- routing ---- */

static int method_is(http_exchange *x, const char *want) {
  const char *m = http_method(x);
  return strcmp(m, want) == 0 || (strcmp(want, "GET") == 0 && strcmp(m, "HEAD") == 0);
}

/* Answers 405 unless the method is `want`. */
static int method_ok(http_exchange *x, const char *want) {
  if (method_is(x, want)) return 1;
  http_add_header(x, "Allow", strcmp(want, "GET") == 0 ? "GET, HEAD" : want);
  char msg[64];
  snprintf(msg, sizeof msg, "use %s", want);
  respond_error(x, 405, msg);
  return 0;
}

/* The dashboard's routes: /, /orgs, /orgs/{id}, /orgs/{id}/profile, /status. Returns 0
 * for another path. */
static int pages(http_api *a, http_exchange *x, const char *p) {
  static const char orgs[] = "/orgs/", profile[] = "/profile";
  http_page_viewer v;
  if (strcmp(p, "/") == 0) {
    http_set_route(x, "/");
    if (!method_ok(x, "GET")) return 1;
    static const char body[] = "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
                               "<title>attain</title></head><body><p><a href=\"/orgs\">"
                               "Organisations</a></p></body></html>\n";
    http_add_header(x, "Location", "/orgs");
    http_respond(x, 303, "text/html; charset=utf-8", strdup(body), sizeof body - 1);
  } else if (strcmp(p, "/orgs") == 0) {
    http_set_route(x, "/orgs");
    if (method_ok(x, "GET") && page_viewer(a, x, NULL, &v)) http_pages_orgs(&a->pages, x, &v);
  } else if (strcmp(p, "/status") == 0) {
    http_set_route(x, "/status");
    if (method_ok(x, "GET") && page_viewer(a, x, NULL, &v)) http_pages_status(&a->pages, x, &v);
  } else if (strncmp(p, orgs, sizeof orgs - 1) == 0 && p[sizeof orgs - 1]) {
    const char *key = p + sizeof orgs - 1;
    size_t n = strlen(key);
    if (n > sizeof profile - 1 && strcmp(key + n - (sizeof profile - 1), profile) == 0) {
      http_set_route(x, "/orgs/{id}/profile");
      char id[1024];
      snprintf(id, sizeof id, "%.*s", (int)(n - (sizeof profile - 1)), key);
      if (method_ok(x, "GET") && page_viewer(a, x, id, &v))
        http_pages_profile(&a->pages, x, &v, id);
    } else {
      http_set_route(x, "/orgs/{id}");
      if (method_ok(x, "GET") && page_viewer(a, x, key, &v)) http_pages_org(&a->pages, x, &v, key);
    }
  } else {
    return 0;
  }
  return 1;
}

static void handle(void *arg, http_exchange *x) {
  http_api *a = arg;
  const char *p = http_path(x);
  static const char orgs[] = "/v1/orgs/";
  if (strcmp(p, "/health/live") == 0) {
    http_set_route(x, "/health/live");
    if (method_ok(x, "GET")) live(a, x);
  } else if (strcmp(p, "/health/ready") == 0) {
    http_set_route(x, "/health/ready");
    if (method_ok(x, "GET")) ready(a, x);
  } else if (strcmp(p, "/metrics") == 0) {
    http_set_route(x, "/metrics");
    if (method_ok(x, "GET") && allowed(a, x, REACH_DAEMON)) metrics(a, x);
  } else if (strcmp(p, "/v1/status") == 0) {
    http_set_route(x, "/v1/status");
    if (method_ok(x, "GET") && allowed(a, x, REACH_DAEMON)) status(a, x);
  } else if (strcmp(p, "/v1/orgs") == 0) {
    http_set_route(x, "/v1/orgs");
    if (method_ok(x, "GET") && allowed(a, x, REACH_PARTNER)) orgs_list(a, x);
  } else if (strcmp(p, "/v1/alerts") == 0) {
    http_set_route(x, "/v1/alerts");
    if (method_ok(x, "GET") && allowed(a, x, REACH_PARTNER)) alerts(a, x);
  } else if (strcmp(p, "/v1/reload") == 0) {
    http_set_route(x, "/v1/reload");
    if (method_ok(x, "POST") && allowed(a, x, REACH_MUTATION)) reload(a, x);
  } else if (strcmp(p, "/v1/sweep") == 0) {
    http_set_route(x, "/v1/sweep");
    if (method_ok(x, "POST") && allowed(a, x, REACH_MUTATION)) post(a, x, HTTP_CALL_SWEEP, NULL);
  } else if (strncmp(p, orgs, sizeof orgs - 1) == 0 && p[sizeof orgs - 1]) {
    const char *key = p + sizeof orgs - 1;
    size_t n = strlen(key);
    static const char eval[] = "/eval", hist[] = "/history";
    if (n > sizeof hist - 1 && strcmp(key + n - (sizeof hist - 1), hist) == 0) {
      http_set_route(x, "/v1/orgs/{id}/history");
      char id[1024];
      snprintf(id, sizeof id, "%.*s", (int)(n - (sizeof hist - 1)), key);
      if (method_ok(x, "GET") && allowed(a, x, REACH_PARTNER)) history(a, x, id);
    } else if (n > sizeof eval - 1 && strcmp(key + n - (sizeof eval - 1), eval) == 0) {
      http_set_route(x, "/v1/orgs/{id}/eval");
      char id[1024];
      snprintf(id, sizeof id, "%.*s", (int)(n - (sizeof eval - 1)), key);
      if (method_ok(x, "POST") && allowed(a, x, REACH_MUTATION)) post(a, x, HTTP_CALL_EVAL, id);
    } else {
      http_set_route(x, "/v1/orgs/{id}");
      if (method_ok(x, "GET") && allowed(a, x, REACH_PARTNER)) org(a, x, key);
    }
  } else if (pages(a, x, p)) {
    /* a page of the dashboard (http_pages.h) */
  } else {
    respond_error(x, 404, "no such resource (see docs/http.md)");
  }
}

/* ---- start and stop ---- */

static int read_token(const char *path, const char *option, char *out, char *err, size_t errsz) {
  out[0] = 0;
  if (!path) return 0;
  char buf[TOKEN_MAX + 2];
  ssize_t n;
  if (private_file_read(path, option, "token", buf, sizeof buf - 1, &n, err, errsz)) return -1;
  while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\r' || buf[n - 1] == ' ')) n--;
  buf[n] = 0;
  if (n > TOKEN_MAX || strpbrk(buf, " \t\r\n")) {
    snprintf(err, errsz, "%s %s: the token must be one line of at most %d characters",
             option, path, TOKEN_MAX);
    return -1;
  }
  if (n < TOKEN_MIN) {
    snprintf(err, errsz,
             "%s %s: the token is shorter than %d characters (e.g. `openssl rand -hex 32`)",
             option, path, TOKEN_MIN);
    return -1;
  }
  memcpy(out, buf, (size_t)n + 1);
  return 0;
}

static int loopback(const struct sockaddr_storage *ss) {
  if (ss->ss_family == AF_INET)
    return (ntohl(((const struct sockaddr_in *)ss)->sin_addr.s_addr) >> 24) == 127;
  const struct in6_addr *a6 = &((const struct sockaddr_in6 *)ss)->sin6_addr;
  return IN6_IS_ADDR_LOOPBACK(a6) ||
         (IN6_IS_ADDR_V4MAPPED(a6) && a6->s6_addr[12] == 127); /* ::ffff:127.x.y.z */
}

static store *pool_take(void *pool, char *err, size_t errsz) { return conn_take(pool, err, errsz); }
static void pool_give(void *pool, store *s) { conn_give(pool, s); }

int http_api_start(http_api **out, const http_api_options *o, const http_api_host *host,
                   char *err, size_t errsz) {
  *out = NULL;
  http_api *a = calloc(1, sizeof *a);
  if (!a || !(a->db = strdup(o->db))) {
    free(a);
    snprintf(err, errsz, "out of memory");
    return -1;
  }
  a->host = *host;
  a->log = o->log;
  pthread_mutex_init(&a->mu, NULL);
  pthread_mutex_init(&a->counts_mu, NULL);
  jsonw_init(&a->counts);
  a->pages = (http_pages_env){.host = &a->host, .take = pool_take, .give = pool_give, .pool = a};
  http_options ho = {.listen = o->listen, .threads = o->threads,
                     .max_connections = o->max_connections};
  struct sockaddr_storage ss;
  socklen_t sl;
  if (http_parse_listen(o->listen, &ss, &sl, err, errsz) ||
      read_token(o->token_file, "--http-token-file", a->token, err, errsz) ||
      read_token(o->read_token_file, "--http-read-token-file", a->read_token, err, errsz) ||
      (o->link_secret_file && link_secret_read(&a->secret, o->link_secret_file,
                                               "--http-link-secret-file", err, errsz)) ||
      http_start(&a->server, &ho, handle, a, err, errsz)) {
    http_api_stop(a);
    return -1;
  }
  a->loopback = loopback(&ss);
  *out = a;
  return 0;
}

const char *http_api_reads(const http_api *a) {
  return a->read_token[0] ? "token" : a->loopback ? "open" : "daemon";
}

const char *http_api_address(const http_api *a) { return http_address(a->server); }

void http_api_stop(http_api *a) {
  if (!a) return;
  http_stop(a->server);
  for (int i = 0; i < a->nconns; i++) store_close(a->conns[i]);
  jsonw_free(&a->counts);
  pthread_mutex_destroy(&a->mu);
  pthread_mutex_destroy(&a->counts_mu);
  memset(a->token, 0, sizeof a->token);
  memset(a->read_token, 0, sizeof a->read_token);
  memset(&a->secret, 0, sizeof a->secret);
  free(a->db);
  free(a);
}
