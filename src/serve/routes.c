/* routes.c - the route table of API v1: every endpoint the server answers, in one place.
 * docs/openapi.yaml documents each of them; tests/unit/test_serve.c checks the two agree. */
#include "serve/handlers.h"
#include "serve/router.h"

static const zj_route routes[] = {
    {"GET", "/api/v1/health", zj_h_health, ZJ_ROUTE_PUBLIC},
    {"GET", "/api/v1/version", zj_h_version, ZJ_ROUTE_PUBLIC},
};

const zj_route *zj_routes(size_t *n)
{
    *n = sizeof routes / sizeof routes[0];
    return routes;
}
