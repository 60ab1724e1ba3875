/* api.h - what the API's handlers share: the request context, JSON replies and errors.
 *
 * A handler is `void h(zj_api_ctx *c)`: it reads c->req (already routed, authenticated, CSRF-
 * and rate-checked by dispatch.c), calls the work layer with c->actor, and answers with
 * zj_api_json or zj_api_error. Handlers parse and present only: no SQL and no policy (who may
 * do what is the work layer's decision; a refusal comes back as an error and is shown as 403).
 *
 * Errors are JSON: {"error": {"code": "invalid_field", "field": "username",
 * "message": "field 'username': must be a string of 1 to 64 characters"}}; `field` is present
 * when one field is at fault. docs/openapi.yaml lists every code.
 */
#ifndef ZJ_SERVE_API_H
#define ZJ_SERVE_API_H

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stdint.h>

#include "serve/http.h"
#include "serve/validate.h"
#include "store/store.h"
#include "work/actor.h"

/* The server's settings (serve.c fills them from the command line). */
typedef struct zj_serve_config {
    const char *db_path;
    const char *bind;          /* "127.0.0.1" */
    int port;                  /* 0: any free port (printed at start) */
    int threads;               /* worker threads; 0: four per core */
    const char *access_log;    /* file for the JSON-lines access log; NULL or "-": stderr */
    size_t max_body;           /* largest JSON body accepted, bytes */
    size_t max_upload;         /* largest import upload, bytes */
    double rate;               /* requests per second per client (burst 2x); 0: unlimited */
    double login_rate;         /* login attempts per minute per client and per username */
    const char *mapping_dir;   /* where imports find mappings by name */
    const char *upload_dir;    /* where uploads are spooled and kept (mode 0700) */
    const char *web_dir;       /* the web app's built files (web/dist); NULL: API only */
    const char *version;       /* the program's version */
    bool cookie_secure;        /* mark cookies Secure (behind TLS) */
    double cache_seconds;      /* how long read answers of cached routes are kept; 0: never */
} zj_serve_config;

/* State every worker shares (server.c owns it). */
typedef struct zj_serve_shared {
    struct zj_ratelimit *per_client;     /* every request, by client address */
    struct zj_ratelimit *login_client;   /* login attempts, by client address */
    struct zj_ratelimit *login_user;     /* login attempts, by username */
    struct zj_session_cache *sessions;   /* token -> actor (sessions.h) */
    struct zj_cache *answers;            /* read answers of cached routes (cache.h) */
} zj_serve_shared;

#define ZJ_SERVE_MAX_PARAMS 4

/* One request being answered. */
typedef struct zj_api_ctx {
    const zj_serve_config *cfg;
    const zj_serve_shared *shared;
    zj_store *store;                 /* this worker thread's connection; NULL if it failed */
    const zj_http_request *req;
    zj_http_response *resp;
    const char *params[ZJ_SERVE_MAX_PARAMS];   /* path parameters ({id}), in order */
    size_t nparams;
    bool authenticated;
    bool by_cookie;                  /* authenticated by the session cookie (CSRF applies) */
    const zj_actor *actor;           /* who asks (NULL until authenticated) */
    struct zj_session_ref *session;  /* holds *actor until dispatch releases it */
    char token[128];                 /* the session token presented */
} zj_api_ctx;

typedef void (*zj_api_handler)(zj_api_ctx *c);

/* Answer `status` with `root` as the body (takes ownership; NULL answers an empty object). */
void zj_api_json(zj_api_ctx *c, int status, cJSON *root);
/* Answer `status` with `body`, a JSON text the work layer has written already (the filing
 * check's answer): sent as it is, not parsed and printed again. */
void zj_api_json_text(zj_api_ctx *c, int status, zj_buf *body);
/* Answer `status` with an error object. `field` may be NULL. Returns false, so validators can
 * `return zj_api_error(...)`. */
bool zj_api_error(zj_api_ctx *c, int status, const char *code, const char *field,
                  const char *fmt, ...) __attribute__((format(printf, 5, 6)));
/* Answer a work-layer error: ZJ_EPERM (and ZJ_EUSAGE refusals "... may not ...") as 403;
 * ZJ_EUSAGE "no lead 5" as 404, "field 'x': ..." as 400 naming the field, other ZJ_EUSAGE as
 * 400 (a request the state machine refuses: 409); ZJ_EDATA as 503 (the store could not
 * answer now: retry), with the work layer's message. */
void zj_api_work_error(zj_api_ctx *c, const zj_error *err);
/* Route, limit, authenticate and check CSRF for c->req, then run its handler: the whole answer
 * to one request, into c->resp (never left without a status). c->cfg, c->shared, c->store,
 * c->req and c->resp must be set; the rest is filled here. */
void zj_api_dispatch(zj_api_ctx *c);
/* Release what dispatch held for the request (the actor); call once the answer is built. */
void zj_api_done(zj_api_ctx *c);

/* Add `v` as a string, or null when it is NULL. */
void zj_json_str(cJSON *o, const char *key, const char *v);

/* Answer a refusal from the validators (validate.h); returns false. */
bool zj_api_invalid(zj_api_ctx *c, const zj_invalid *why);
/* Check the query against fields[0..n) into out[]; false having answered 4xx. */
bool zj_api_query(zj_api_ctx *c, const zj_field *fields, size_t n, zj_value_in *out);
/* Check the JSON body against fields[0..n) into out[] (*json freed by the caller with
 * cJSON_Delete); false having answered 4xx. */
bool zj_api_body(zj_api_ctx *c, const zj_field *fields, size_t n, cJSON **json,
                 zj_value_in *out);

/* Path parameter i as a positive 64-bit id; on failure answers 400 naming `name`. */
bool zj_api_param_id(zj_api_ctx *c, size_t i, const char *name, int64_t *out);

#endif
