/* server.c - libmicrohttpd glue: connections in, zj_http_request out, answers back, shutdown.
 *
 * Per request the access handler is called several times: once with the headers (state is
 * set up, an oversized Content-Length refused at once), once per piece of the body (kept in
 * memory, or spooled to a temporary file for upload routes, never beyond the limit), and a
 * last time with no data, when the request is dispatched and the answer queued. The
 * completion callback logs the request and frees its state, whatever happened to it.
 */
#include "serve/serve.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "base/parallel.h"
#include "serve/accesslog.h"
#include "serve/cache.h"
#include "serve/ratelimit.h"
#include "serve/router.h"
#include "serve/sessions.h"
#include "serve/static.h"
#include "work/audit.h"
#include "work/filing_check.h"

#define MAX_QUERY_PARAMS 64
#define MAX_STORES 256
#define WORKER_BUSY_MS 250
#define DROP_LIMIT ((size_t)16 << 20)   /* read past a body limit at most this, then cut */

struct zj_server {
    const zj_serve_config *cfg;
    zj_serve_shared shared;
    struct MHD_Daemon *daemon;
    int listen_fd;           /* after quiescing: ours to close once the daemon stopped */
    int log_fd;
    bool own_log;
    int port;
    atomic_int inflight;     /* requests begun and not yet completed */
    atomic_bool draining;
    /* The writer thread (写入队列): requests of write routes wait here, their connections
     * suspended, so a worker thread never blocks on the store's write lock while other
     * connections wait behind it; writes run one at a time, as SQLite runs them anyway. */
    pthread_t writer;
    bool writer_started;
    pthread_mutex_t queue_lock;
    pthread_cond_t queue_cond;
    struct request_state *queue_head, *queue_tail;
    bool writer_stop;
    zj_store *writer_store;
    pthread_mutex_t stores_lock;
    zj_store *stores[MAX_STORES];   /* every worker's connection, closed at stop */
    size_t nstores;
};

/* The calling worker thread's store connection, opened on first use. */
static __thread zj_store *tls_store;
static __thread const zj_server *tls_owner;

static zj_store *worker_store(zj_server *srv)
{
    if (tls_owner == srv && tls_store)
        return tls_store;
    zj_error err = {0};
    zj_store *s = NULL;
    if (zj_store_open(srv->cfg->db_path, &s, &err) != ZJ_OK) {
        zj_access_event(srv->log_fd, "store_error", err.msg);
        return NULL;
    }
    /* Workers read; their rare writes (a session's last use, an audited view) must not stall
     * the connections behind them while an import holds the write lock. */
    zj_store_busy_timeout(s, WORKER_BUSY_MS);
    pthread_mutex_lock(&srv->stores_lock);
    if (srv->nstores < MAX_STORES) {
        srv->stores[srv->nstores++] = s;
        tls_store = s;
        tls_owner = srv;
    }
    pthread_mutex_unlock(&srv->stores_lock);
    if (tls_store != s) {   /* more threads than slots: a defect in the pool's sizing */
        zj_store_close(s);
        return NULL;
    }
    return s;
}

typedef struct request_state {
    double t0;
    bool too_large;          /* the body went over its limit: answered 413 */
    bool answered;
    bool upload;
    size_t limit, received;
    size_t dropped;          /* bytes read and dropped after the limit */
    zj_buf body;
    int upload_fd;
    char upload_path[1100];
    const char *upload_dir;  /* the server's (cfg->upload_dir, else TMPDIR or /tmp) */
    int status;
    size_t bytes;
    char user[128];
    char method[16];         /* copies for the log: the library's are gone by completion */
    char *path;
    bool write;              /* the route writes: answered by the writer thread */
    /* A queued write: the request as the writer thread sees it, and its answer. */
    struct MHD_Connection *conn;
    zj_http_request req;
    zj_http_param query[MAX_QUERY_PARAMS];
    char remote[INET6_ADDRSTRLEN + 1];
    zj_http_response resp;
    bool done;               /* the writer has answered; send resp on the next call */
    struct request_state *next;
} request_state;

static void security_headers(struct MHD_Response *r, const zj_http_response *resp,
                             bool draining)
{
    MHD_add_response_header(r, "Content-Security-Policy",
                            resp->csp ? resp->csp
                                      : "default-src 'none'; frame-ancestors 'none'; "
                                        "base-uri 'none'; form-action 'none'");
    MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(r, "X-Frame-Options", "DENY");
    MHD_add_response_header(r, "Referrer-Policy", "no-referrer");
    MHD_add_response_header(r, "Cache-Control",
                            resp->cache_control ? resp->cache_control : "no-store");
    MHD_add_response_header(r, "Cross-Origin-Resource-Policy", "same-origin");
    MHD_add_response_header(r, "Cross-Origin-Opener-Policy", "same-origin");
    if (draining)
        MHD_add_response_header(r, MHD_HTTP_HEADER_CONNECTION, "close");
}

/* Queue `resp` (consumed) on the connection. */
static enum MHD_Result send_response(zj_server *srv, struct MHD_Connection *conn,
                                     request_state *st, zj_http_response *resp)
{
    size_t len = resp->body.len;
    char *data = zj_buf_take(&resp->body);
    struct MHD_Response *r = MHD_create_response_from_buffer(len, data, MHD_RESPMEM_MUST_FREE);
    if (!r) {
        free(data);
        zj_http_response_free(resp);
        return MHD_NO;
    }
    MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE,
                            resp->content_type ? resp->content_type
                                               : "application/json; charset=utf-8");
    security_headers(r, resp, atomic_load(&srv->draining));
    for (size_t i = 0; i < resp->nheaders; i++)
        MHD_add_response_header(r, resp->headers[i].name, resp->headers[i].value);
    st->status = resp->status;
    st->bytes = len;
    st->answered = true;
    enum MHD_Result ok = MHD_queue_response(conn, (unsigned)resp->status, r);
    MHD_destroy_response(r);
    zj_http_response_free(resp);
    return ok;
}

/* An error answered by the server itself (before dispatch). */
static enum MHD_Result send_error(zj_server *srv, struct MHD_Connection *conn, request_state *st,
                                  int status, const char *code, const char *msg)
{
    zj_http_response resp = {0};
    zj_api_ctx c = {.cfg = srv->cfg, .resp = &resp};
    zj_api_error(&c, status, code, NULL, "%s", msg);
    return send_response(srv, conn, st, &resp);
}

typedef struct query_list {
    zj_http_param items[MAX_QUERY_PARAMS];
    size_t n;
    bool overflow;
} query_list;

static enum MHD_Result collect_arg(void *cls, enum MHD_ValueKind kind, const char *key,
                                   const char *value)
{
    (void)kind;
    query_list *q = cls;
    if (q->n >= MAX_QUERY_PARAMS) {
        q->overflow = true;
        return MHD_NO;
    }
    q->items[q->n].key = key ? key : "";
    q->items[q->n].value = value ? value : "";
    q->n++;
    return MHD_YES;
}

static void client_address(struct MHD_Connection *conn, char *out, size_t cap)
{
    snprintf(out, cap, "-");
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    if (!ci || !ci->client_addr)
        return;
    const struct sockaddr *sa = ci->client_addr;
    if (sa->sa_family == AF_INET)
        inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)sa)->sin_addr, out,
                  (socklen_t)cap);
    else if (sa->sa_family == AF_INET6)
        inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr, out,
                  (socklen_t)cap);
}

/* First call of a request: its state, and the limit that applies to its body. */
static request_state *begin(zj_server *srv, struct MHD_Connection *conn, const char *url,
                            const char *method)
{
    request_state *st = calloc(1, sizeof *st);
    if (!st)
        return NULL;
    st->t0 = zj_monotonic();
    st->upload_fd = -1;
    snprintf(st->method, sizeof st->method, "%s", method);
    st->path = strdup(url);
    atomic_fetch_add(&srv->inflight, 1);
    const zj_route *route = NULL;
    const char *params[ZJ_SERVE_MAX_PARAMS];
    size_t np;
    char allow[64];
    char *scratch = malloc(strlen(url) + 1);
    if (scratch && zj_route_find(method, url, &route, params, &np, scratch, allow,
                                 sizeof allow) == 0)
    {
        st->upload = (route->flags & ZJ_ROUTE_UPLOAD) != 0;
        st->write = (route->flags & ZJ_ROUTE_WRITE) != 0;
    }
    free(scratch);
    st->limit = st->upload ? srv->cfg->max_upload : srv->cfg->max_body;
    st->upload_dir = srv->cfg->upload_dir ? srv->cfg->upload_dir
                     : getenv("TMPDIR") && *getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
    (void)conn;
    return st;
}

/* Keep one piece of the body; false when it is over the limit or cannot be kept. */
static bool take_body(request_state *st, const char *data, size_t n)
{
    if (st->received + n > st->limit)
        return false;
    st->received += n;
    if (!st->upload)
        return zj_buf_append(&st->body, data, n) == 0;
    if (st->upload_fd < 0) {
        const char *dir = st->upload_dir;
        size_t dl = strlen(dir);
        if (dl + sizeof "/.spool-XXXXXX" > sizeof st->upload_path)
            return false;
        memcpy(st->upload_path, dir, dl);
        memcpy(st->upload_path + dl, "/.spool-XXXXXX", sizeof "/.spool-XXXXXX");
        st->upload_fd = mkstemp(st->upload_path);
        if (st->upload_fd < 0)
            return false;
    }
    while (n > 0) {
        ssize_t w = write(st->upload_fd, data, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return false;
        data += w;
        n -= (size_t)w;
    }
    return true;
}

/* Dispatch st->req on `store` into resp; note the user for the log. */
static void answer(zj_server *srv, request_state *st, zj_store *store, zj_http_response *resp)
{
    zj_api_ctx c = {
        .cfg = srv->cfg,
        .shared = &srv->shared,
        .store = store,
        .req = &st->req,
        .resp = resp,
    };
    zj_api_dispatch(&c);
    if (c.authenticated && c.actor && c.actor->username)
        snprintf(st->user, sizeof st->user, "%s", c.actor->username);
    zj_api_done(&c);
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
                                  const char *method, const char *version,
                                  const char *upload_data, size_t *upload_data_size,
                                  void **con_cls)
{
    (void)version;
    zj_server *srv = cls;
    request_state *st = *con_cls;
    if (!st) {
        st = begin(srv, conn, url, method);
        if (!st)
            return MHD_NO;
        *con_cls = st;
        const char *cl = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
                                                     MHD_HTTP_HEADER_CONTENT_LENGTH);
        if (cl && strtoull(cl, NULL, 10) > st->limit) {
            st->too_large = true;
            char msg[128];
            snprintf(msg, sizeof msg, "the body is larger than %zu bytes", st->limit);
            return send_error(srv, conn, st, 413, "payload_too_large", msg);
        }
        return MHD_YES;
    }
    if (*upload_data_size > 0) {
        /* The library takes no answer before the body is in, so a body that grows past its
         * limit (chunked, no Content-Length) is read and dropped, then answered 413; one
         * that keeps coming long after is cut off. */
        if (!st->too_large && !take_body(st, upload_data, *upload_data_size))
            st->too_large = true;
        if (st->too_large) {
            st->dropped += *upload_data_size;
            if (st->dropped > DROP_LIMIT)
                return MHD_NO;
        }
        *upload_data_size = 0;
        return MHD_YES;
    }
    if (st->answered)
        return MHD_YES;
    if (st->too_large) {
        char msg[128];
        snprintf(msg, sizeof msg, "the body is larger than %zu bytes or cannot be stored",
                 st->limit);
        return send_error(srv, conn, st, 413, "payload_too_large", msg);
    }

    if (st->done) {              /* resumed: the writer thread has answered */
        zj_http_response resp = st->resp;
        memset(&st->resp, 0, sizeof st->resp);
        return send_response(srv, conn, st, &resp);
    }
    query_list q = {.n = 0};
    MHD_get_connection_values(conn, MHD_GET_ARGUMENT_KIND, collect_arg, &q);
    if (q.overflow)
        return send_error(srv, conn, st, 400, "invalid_request",
                          "too many query parameters (at most 64)");
    memcpy(st->query, q.items, q.n * sizeof *q.items);
    client_address(conn, st->remote, sizeof st->remote);
    if (st->upload_fd >= 0)
        lseek(st->upload_fd, 0, SEEK_SET);
    /* Header values and query arguments live in the connection's memory, which a suspended
     * connection keeps. */
    st->req = (zj_http_request){
        .method = method,
        .path = url,
        .query = st->query,
        .nquery = q.n,
        .cookie = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_COOKIE),
        .authorization = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
                                                     MHD_HTTP_HEADER_AUTHORIZATION),
        .csrf_token = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "X-CSRF-Token"),
        .accept_encoding = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
                                                       MHD_HTTP_HEADER_ACCEPT_ENCODING),
        .content_type = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
                                                    MHD_HTTP_HEADER_CONTENT_TYPE),
        .body = st->body.data ? st->body.data : "",
        .body_len = st->body.len,
        .body_file = st->upload_fd >= 0 ? st->upload_path : NULL,
        .remote = st->remote,
    };
    if (zj_static_claims(url)) {   /* the web app's files: no session, no store */
        zj_http_response resp = {0};
        zj_static_answer(srv->cfg->web_dir, &st->req, &resp);
        return send_response(srv, conn, st, &resp);
    }
    if (st->write && srv->writer_started) {
        st->conn = conn;
        MHD_suspend_connection(conn);
        pthread_mutex_lock(&srv->queue_lock);
        if (srv->queue_tail)
            srv->queue_tail->next = st;
        else
            srv->queue_head = st;
        srv->queue_tail = st;
        pthread_cond_signal(&srv->queue_cond);
        pthread_mutex_unlock(&srv->queue_lock);
        return MHD_YES;
    }
    zj_http_response resp = {0};
    answer(srv, st, worker_store(srv), &resp);
    return send_response(srv, conn, st, &resp);
}

/* The writer thread: answer queued write requests one at a time on its own connection. */
static void *writer_main(void *arg)
{
    zj_server *srv = arg;
    for (;;) {
        pthread_mutex_lock(&srv->queue_lock);
        while (!srv->queue_head && !srv->writer_stop)
            pthread_cond_wait(&srv->queue_cond, &srv->queue_lock);
        request_state *st = srv->queue_head;
        if (st) {
            srv->queue_head = st->next;
            if (!srv->queue_head)
                srv->queue_tail = NULL;
            st->next = NULL;
        }
        pthread_mutex_unlock(&srv->queue_lock);
        if (!st)
            break;   /* asked to stop, and nothing is left */
        answer(srv, st, srv->writer_store, &st->resp);
        zj_cache_invalidate(srv->shared.answers);   /* whatever it wrote shows at once */
        st->done = true;
        MHD_resume_connection(st->conn);
    }
    return NULL;
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
    zj_server *srv = cls;
    request_state *st = *con_cls;
    if (!st)
        return;
    char remote[INET6_ADDRSTRLEN + 1];
    client_address(conn, remote, sizeof remote);
    zj_access_entry e = {
        .remote = remote,
        .method = st->method,
        .path = st->path,
        .status = st->status,
        .bytes = st->bytes,
        .ms = (zj_monotonic() - st->t0) * 1000.0,
        .user = st->user[0] ? st->user : NULL,
        .aborted = toe != MHD_REQUEST_TERMINATED_COMPLETED_OK,
    };
    zj_access_log(srv->log_fd, &e);
    if (st->upload_fd >= 0) {
        close(st->upload_fd);
        unlink(st->upload_path);
    }
    zj_buf_free(&st->body);
    zj_http_response_free(&st->resp);
    free(st->path);
    free(st);
    *con_cls = NULL;
    atomic_fetch_sub(&srv->inflight, 1);
}

static void mhd_log(void *cls, const char *fmt, va_list ap)
{
    zj_server *srv = cls;
    char msg[512];
    vsnprintf(msg, sizeof msg, fmt, ap);
    size_t n = strlen(msg);
    while (n > 0 && (msg[n - 1] == '\n' || msg[n - 1] == '\r'))
        msg[--n] = '\0';
    zj_access_event(srv->log_fd, "http_error", msg);
}

/* Fill a socket address from cfg->bind and port; false for an address that is not one. */
static bool parse_bind(const char *bind, int port, struct sockaddr_storage *ss, bool *v6)
{
    memset(ss, 0, sizeof *ss);
    struct sockaddr_in *in4 = (struct sockaddr_in *)ss;
    struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)ss;
    if (inet_pton(AF_INET, bind, &in4->sin_addr) == 1) {
        in4->sin_family = AF_INET;
        in4->sin_port = htons((uint16_t)port);
        *v6 = false;
        return true;
    }
    if (inet_pton(AF_INET6, bind, &in6->sin6_addr) == 1) {
        in6->sin6_family = AF_INET6;
        in6->sin6_port = htons((uint16_t)port);
        *v6 = true;
        return true;
    }
    return false;
}

static void free_server(zj_server *srv)
{
    zj_ratelimit_free(srv->shared.per_client);
    zj_ratelimit_free(srv->shared.login_client);
    zj_ratelimit_free(srv->shared.login_user);
    zj_session_cache_free(srv->shared.sessions);
    zj_cache_free(srv->shared.answers);
    if (srv->own_log)
        close(srv->log_fd);
    pthread_mutex_destroy(&srv->stores_lock);
    pthread_mutex_destroy(&srv->queue_lock);
    pthread_cond_destroy(&srv->queue_cond);
    zj_store_close(srv->writer_store);
    free(srv);
}

int zj_server_start(const zj_serve_config *cfg, zj_server **out, zj_error *err)
{
    *out = NULL;
    struct sockaddr_storage ss;
    bool v6 = false;
    if (!cfg->bind || !parse_bind(cfg->bind, cfg->port, &ss, &v6))
        return zj_fail(err, ZJ_EUSAGE, "--bind '%s': not an IPv4 or IPv6 address",
                       cfg->bind ? cfg->bind : "");
    if (cfg->port < 0 || cfg->port > 65535)
        return zj_fail(err, ZJ_EUSAGE, "--port %d: must be 0 to 65535", cfg->port);
    zj_store *probe = NULL;   /* applies migrations before any worker opens the store */
    if (zj_store_open(cfg->db_path, &probe, err) != ZJ_OK)
        return err ? err->code : ZJ_EDATA;
    zj_store_close(probe);

    zj_server *srv = calloc(1, sizeof *srv);
    if (!srv)
        return zj_fail(err, ZJ_EDATA, "out of memory");
    srv->cfg = cfg;
    srv->listen_fd = -1;
    pthread_mutex_init(&srv->stores_lock, NULL);
    pthread_mutex_init(&srv->queue_lock, NULL);
    pthread_cond_init(&srv->queue_cond, NULL);
    srv->log_fd = STDERR_FILENO;
    if (cfg->access_log && strcmp(cfg->access_log, "-") != 0) {
        srv->log_fd = open(cfg->access_log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640);
        if (srv->log_fd < 0) {
            int e = errno;
            srv->log_fd = STDERR_FILENO;
            free_server(srv);
            return zj_fail(err, ZJ_EDATA, "cannot open the access log '%s': %s", cfg->access_log,
                           strerror(e));
        }
        srv->own_log = true;
    }
    if (cfg->rate > 0)
        srv->shared.per_client = zj_ratelimit_new(cfg->rate, cfg->rate * 2);
    if (cfg->login_rate > 0) {
        srv->shared.login_client = zj_ratelimit_new(cfg->login_rate / 60.0, cfg->login_rate);
        srv->shared.login_user = zj_ratelimit_new(cfg->login_rate / 60.0, cfg->login_rate);
    }
    srv->shared.sessions = zj_session_cache_new();
    if (cfg->cache_seconds > 0 && !(srv->shared.answers = zj_cache_new(cfg->cache_seconds))) {
        free_server(srv);
        return zj_fail(err, ZJ_EDATA, "out of memory");
    }
    if (!srv->shared.sessions || (cfg->rate > 0 && !srv->shared.per_client) ||
        (cfg->login_rate > 0 && (!srv->shared.login_client || !srv->shared.login_user))) {
        free_server(srv);
        return zj_fail(err, ZJ_EDATA, "out of memory");
    }
    /* Four workers per core by default: a worker spends much of a request waiting (for the
     * audit round its entry rides in, for the store's writer), and with one per core the
     * audited requests ran one round at a time (filing checks: 2,238/s with 2 workers, 4,136/s
     * with 8 on 2 cores; reads did not suffer). */
    unsigned threads = (unsigned)(cfg->threads > 0 ? cfg->threads : 4 * zj_cores(ZJ_MAX_JOBS));
    if (threads > MAX_STORES)
        threads = MAX_STORES;
    unsigned flags = MHD_USE_AUTO_INTERNAL_THREAD | MHD_USE_ITC | MHD_USE_ERROR_LOG |
                     MHD_ALLOW_SUSPEND_RESUME;
    if (v6)
        flags |= MHD_USE_IPv6;
    srv->daemon = MHD_start_daemon(
        flags, (uint16_t)cfg->port, NULL, NULL, on_request, srv,
        MHD_OPTION_EXTERNAL_LOGGER, mhd_log, srv,
        MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
        MHD_OPTION_THREAD_POOL_SIZE, threads,
        MHD_OPTION_CONNECTION_LIMIT, (unsigned)1000,
        MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)30,
        MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)64 * 1024,
        MHD_OPTION_LISTEN_BACKLOG_SIZE, (unsigned)1024,
        MHD_OPTION_LISTENING_ADDRESS_REUSE, (unsigned)1,
        MHD_OPTION_NOTIFY_COMPLETED, on_completed, srv,
        MHD_OPTION_END);
    if (!srv->daemon) {
        int e = errno;
        free_server(srv);
        return zj_fail(err, ZJ_EDATA, "cannot listen on %s port %d: %s", cfg->bind, cfg->port,
                       e ? strerror(e) : "the HTTP library refused to start");
    }
    if (zj_store_open(cfg->db_path, &srv->writer_store, err) == ZJ_OK &&
        pthread_create(&srv->writer, NULL, writer_main, srv) == 0)
        srv->writer_started = true;   /* else writes run on the workers (and may wait there) */
    zj_work_filing_prepare(cfg->db_path);   /* the filing check's index, in the background */
    const union MHD_DaemonInfo *di = MHD_get_daemon_info(srv->daemon, MHD_DAEMON_INFO_BIND_PORT);
    srv->port = di ? di->port : cfg->port;
    char msg[160];
    snprintf(msg, sizeof msg, "serving API v1 on %s port %d with %u worker threads", cfg->bind,
             srv->port, threads);
    zj_access_event(srv->log_fd, "start", msg);
    *out = srv;
    return ZJ_OK;
}

int zj_server_port(const zj_server *srv)
{
    return srv->port;
}

int zj_server_stop(zj_server *srv, double drain_seconds)
{
    if (!srv)
        return 0;
    atomic_store(&srv->draining, true);
    srv->listen_fd = MHD_quiesce_daemon(srv->daemon);   /* no new connections from here on */
    /* Wait until no request has been running for 100 ms (a request whose headers were still
     * arriving when the signal came begins within that), or the drain time is up. */
    double until = zj_monotonic() + drain_seconds, idle_since = zj_monotonic();
    while (zj_monotonic() < until) {
        double now = zj_monotonic();
        if (atomic_load(&srv->inflight) > 0)
            idle_since = now;
        else if (now - idle_since >= 0.1)
            break;
        struct timespec ts = {0, 5 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
    int left = atomic_load(&srv->inflight);
    if (srv->writer_started) {   /* it finishes what is queued, then ends */
        pthread_mutex_lock(&srv->queue_lock);
        srv->writer_stop = true;
        pthread_cond_signal(&srv->queue_cond);
        pthread_mutex_unlock(&srv->queue_lock);
        pthread_join(srv->writer, NULL);
    }
    MHD_stop_daemon(srv->daemon);
    zj_work_filing_settle();          /* a build of the filing index holds a store connection */
    zj_audit_group_close();           /* and so do the audit rounds */
    if (srv->listen_fd >= 0)
        close(srv->listen_fd);
    for (size_t i = 0; i < srv->nstores; i++)
        zj_store_close(srv->stores[i]);
    char msg[128];
    snprintf(msg, sizeof msg, "stopped; %d requests were still running after %.0f s", left,
             drain_seconds);
    zj_access_event(srv->log_fd, "stop", left ? msg : "stopped cleanly");
    free_server(srv);
    return left;
}
