/* h_system.c - health and version: what a load balancer and an operator ask first. */
#include "serve/handlers.h"
#include "serve/validate.h"

static bool no_query(zj_api_ctx *c)
{
    return zj_api_query(c, NULL, 0, NULL);
}

/* GET /api/v1/health: 200 when this worker has its store connection, else 503. */
void zj_h_health(zj_api_ctx *c)
{
    if (!no_query(c))
        return;
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "status", c->store ? "ok" : "unavailable");
    cJSON_AddStringToObject(o, "store", c->store ? "ok" : "cannot open the store");
    zj_api_json(c, c->store ? 200 : 503, o);
}

/* GET /api/v1/version: the program, API and schema versions. */
void zj_h_version(zj_api_ctx *c)
{
    if (!no_query(c))
        return;
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "version", c->cfg && c->cfg->version ? c->cfg->version : "unknown");
    cJSON_AddStringToObject(o, "api", "v1");
    cJSON_AddNumberToObject(o, "schema_version", c->store ? zj_store_schema_version(c->store) : 0);
    cJSON_AddNumberToObject(o, "latest_schema_version", zj_store_latest_version());
    zj_api_json(c, 200, o);
}
