/* dispatch.c - one request from route to answer: limits, authentication, CSRF, the handler,
 * and the answer gzipped for a client that takes it (serve/gzip.h).
 *
 * The order matters: an unknown path or method is answered before anything else (no session
 * lookup for scanners); the per-client rate limit comes before authentication (so password
 * guessing and token guessing are both throttled), login attempts have a bucket of their own,
 * and CSRF is checked only for cookie sessions (a bearer token cannot be sent by a browser
 * on its own).
 */
#include <stdio.h>
#include <string.h>

#include "serve/api.h"
#include "serve/auth.h"
#include "serve/cache.h"
#include "serve/gzip.h"
#include "serve/ratelimit.h"
#include "serve/router.h"
#include "serve/sessions.h"
#include "serve/static.h"
#include "serve/validate.h"

/* Answer 429 for a limiter that said wait `secs`. */
static void too_many(zj_api_ctx *c, int secs, const char *what)
{
    char v[16];
    snprintf(v, sizeof v, "%d", secs);
    zj_http_header(c->resp, "Retry-After", v);
    zj_api_error(c, 429, "rate_limited", NULL, "too many %s; retry in %d s", what, secs);
}

/* The cache key of a read: who (role, unit, officer number: all the read layer's answer
 * depends on), whether the client takes gzip (the stored body is what is sent), the path and
 * the query as given. False when it does not fit. */
static bool cache_key(const zj_api_ctx *c, bool gz, char *out, size_t cap)
{
    const zj_actor *a = c->actor;
    int n = snprintf(out, cap, "%d\x1f%s\x1f%s\x1f%d\x1f%s", a ? (int)a->role : -1,
                     a && a->unit_code ? a->unit_code : "", a && a->officer_no ? a->officer_no : "",
                     gz, c->req->path);
    for (size_t i = 0; n >= 0 && (size_t)n < cap && i < c->req->nquery; i++)
        n += snprintf(out + n, cap - (size_t)n, "\x1f%s=%s", c->req->query[i].key,
                      c->req->query[i].value);
    return n >= 0 && (size_t)n < cap;
}

/* A body that is a gzip stream (its magic bytes). */
static bool is_gzip(const zj_buf *b)
{
    return b->len >= 2 && (unsigned char)b->data[0] == 0x1f && (unsigned char)b->data[1] == 0x8b;
}

static void mark_gzip(zj_http_response *r)
{
    zj_http_header(r, "Content-Encoding", "gzip");
    zj_http_header(r, "Vary", "Accept-Encoding");
}

void zj_api_dispatch(zj_api_ctx *c)
{
    const zj_http_request *req = c->req;
    const zj_route *route = NULL;
    char scratch[2048], allow[64];
    if (strlen(req->path) >= sizeof scratch) {
        zj_api_error(c, 414, "uri_too_long", NULL, "the path is longer than %zu bytes",
                     sizeof scratch - 1);
        return;
    }
    int found = zj_route_find(req->method, req->path, &route, c->params, &c->nparams, scratch,
                              allow, sizeof allow);
    if (found == 404) {
        zj_api_error(c, 404, "not_found", NULL, "no such endpoint; see docs/openapi.yaml");
        return;
    }
    if (found == 405) {
        zj_http_header(c->resp, "Allow", allow);
        zj_api_error(c, 405, "method_not_allowed", NULL, "%.16s is not allowed here; allowed: %s",
                     req->method, allow);
        return;
    }
    double now = zj_monotonic();
    const char *remote = req->remote ? req->remote : "-";
    if (c->shared && c->shared->per_client) {
        int wait = zj_ratelimit_take(c->shared->per_client, remote, now);
        if (wait) {
            too_many(c, wait, "requests from this client");
            return;
        }
    }
    if ((route->flags & ZJ_ROUTE_LOGIN) && c->shared && c->shared->login_client) {
        int wait = zj_ratelimit_take(c->shared->login_client, remote, now);
        if (wait) {
            too_many(c, wait, "login attempts from this client");
            return;
        }
    }
    if (!(route->flags & ZJ_ROUTE_PUBLIC)) {
        if (!zj_auth_resolve(c))
            return;
        if (c->by_cookie && zj_http_unsafe_method(req->method) &&
            !zj_auth_csrf_ok(req, c->token)) {
            zj_api_error(c, 403, "csrf", "X-CSRF-Token",
                         "a request with the session cookie must carry the header X-CSRF-Token "
                         "(the csrf_token given at login)");
            return;
        }
    }
    if (!(route->flags & ZJ_ROUTE_UPLOAD) && req->body_len > 0 &&
        !zj_is_json_type(req->content_type)) {
        zj_api_error(c, 415, "unsupported_media_type", "Content-Type",
                     "the body must be JSON (Content-Type: application/json)");
        return;
    }
    zj_cache *answers = c->shared && (route->flags & ZJ_ROUTE_CACHE) ? c->shared->answers : NULL;
    bool gz = zj_accepts_gzip(req->accept_encoding);
    char key[1024];
    if (answers && !cache_key(c, gz, key, sizeof key))
        answers = NULL;
    if (answers && zj_cache_get(answers, key, now, &c->resp->body)) {
        c->resp->status = 200;
        if (is_gzip(&c->resp->body))   /* stored as it was sent: JSON never starts so */
            mark_gzip(c->resp);
        return;
    }
    unsigned long generation = zj_cache_generation(answers);
    route->handler(c);
    if (c->resp->status == 0)
        zj_api_error(c, 500, "internal", NULL, "the handler gave no answer (a bug; please report)");
    if (gz && !c->resp->content_type && c->resp->body.len >= ZJ_GZIP_MIN_BODY &&
        zj_gzip_buf(&c->resp->body) == 0)
        mark_gzip(c->resp);
    if (answers && c->resp->status == 200)
        zj_cache_put(answers, key, c->resp->body.data, c->resp->body.len, now, generation);
}

void zj_api_done(zj_api_ctx *c)
{
    zj_session_release(c->shared ? c->shared->sessions : NULL, c->session);
    c->session = NULL;
    c->actor = NULL;
}
