/* http.h - one HTTP request and its response as the API sees them: no socket, no library.
 *
 * server.c fills a zj_http_request from libmicrohttpd and sends the zj_http_response back;
 * everything between (routing, authentication, validation, handlers) works on these two
 * structs only, so tests and the fuzz target drive it without a socket.
 */
#ifndef ZJ_SERVE_HTTP_H
#define ZJ_SERVE_HTTP_H

#include <stdbool.h>
#include <stddef.h>

#include "base/buf.h"

typedef struct zj_http_param {
    const char *key;
    const char *value;         /* "" for a key given without '=' */
} zj_http_param;

/* A request. Every string is borrowed for the request's lifetime; NULL means "absent". */
typedef struct zj_http_request {
    const char *method;        /* "GET", "POST", ... */
    const char *path;          /* decoded path without the query, e.g. "/api/v1/leads/12" */
    const zj_http_param *query;
    size_t nquery;
    const char *cookie;        /* the Cookie header */
    const char *authorization; /* the Authorization header */
    const char *csrf_token;    /* the X-CSRF-Token header */
    const char *accept_encoding; /* the Accept-Encoding header (the web app's gzip twins) */
    const char *content_type;
    const char *body;          /* NUL-terminated (the NUL is not counted in body_len) */
    size_t body_len;
    const char *body_file;     /* an upload route's body, spooled to this file; else NULL */
    const char *remote;        /* the client's address, for rate limits and the log */
} zj_http_request;

#define ZJ_HTTP_MAX_HEADERS 6

/* A response. zj_http_response_free releases what it owns. */
typedef struct zj_http_response {
    int status;                /* 0 until a handler decides */
    const char *content_type;  /* static string; NULL means application/json */
    const char *csp;           /* static Content-Security-Policy; NULL: the API's (none) */
    const char *cache_control; /* static; NULL: no-store */
    zj_buf body;
    struct { const char *name; char *value; } headers[ZJ_HTTP_MAX_HEADERS];
    size_t nheaders;
} zj_http_response;

/* Add a header (name static, value copied). Returns 0, or -1 when out of memory or room. */
int zj_http_header(zj_http_response *r, const char *name, const char *value);
void zj_http_response_free(zj_http_response *r);

/* The value of query parameter `key` (the first if repeated), or NULL. */
const char *zj_http_query(const zj_http_request *q, const char *key);
/* The value of cookie `name` in a Cookie header, copied into out (cap bytes); false when the
 * cookie is absent or does not fit. */
bool zj_http_cookie(const char *cookie_header, const char *name, char *out, size_t cap);
/* True for methods that change state (anything but GET, HEAD and OPTIONS). */
bool zj_http_unsafe_method(const char *method);

#endif
