/* router.h - the API's routes: one table (routes.c), matched by method and path.
 *
 * The table is the single source of truth for what the server answers: `zhijian serve
 * --routes` prints it, and a test compares it with docs/openapi.yaml both ways.
 * Patterns are literal segments and `{name}` placeholders, each matching one non-empty segment.
 */
#ifndef ZJ_SERVE_ROUTER_H
#define ZJ_SERVE_ROUTER_H

#include <stddef.h>

#include "serve/api.h"

enum {
    ZJ_ROUTE_PUBLIC = 1,       /* no authentication (health, version, login) */
    ZJ_ROUTE_UPLOAD = 2,       /* the body is a file upload (spooled to disk, max_upload) */
    ZJ_ROUTE_LOGIN = 4,        /* rate-limited as a login attempt */
    ZJ_ROUTE_WRITE = 8,        /* writes to the store: answered by the writer thread (server.c) */
    ZJ_ROUTE_CACHE = 16,       /* a masked, unaudited read: its 200 answers are cached (cache.h) */
};

typedef struct zj_route {
    const char *method;
    const char *pattern;       /* "/api/v1/leads/{id}" */
    zj_api_handler handler;
    unsigned flags;
} zj_route;

/* Every route, in the order `--routes` prints them. */
const zj_route *zj_routes(size_t *n);

/* Find the route for (method, path). Returns 0 with *route and params (up to
 * ZJ_SERVE_MAX_PARAMS, pointing into `scratch`, which must hold strlen(path) + 1 bytes), 404
 * when no pattern matches the path, or 405 when patterns match but none for this method (then
 * `allow` gets the allowed methods, comma-separated). HEAD is answered as GET. */
int zj_route_find(const char *method, const char *path, const zj_route **route,
                  const char **params, size_t *nparams, char *scratch, char *allow,
                  size_t allow_cap);

#endif
