/* h_regions.c - region boundaries (行政区划边界) as GeoJSON, for the cockpit's map. */
#include <string.h>

#include "serve/handlers.h"
#include "work/read.h"

/* Boundaries change when the administrative division does: a browser may keep them an hour. */
#define REGION_CACHE "private, max-age=3600"

/* Path parameter 0 as a region code (1 to 12 digits); on failure answers 400. */
static bool region_code(zj_api_ctx *c, const char **out)
{
    const char *s = c->nparams ? c->params[0] : "";
    size_t n = strlen(s);
    bool ok = n > 0 && n <= 12 && strspn(s, "0123456789") == n;
    if (!ok)
        return zj_api_error(c, 400, "invalid_field", "code",
                            "path parameter 'code': must be a region code (digits)");
    *out = s;
    return true;
}

/* GET /api/v1/regions?parent=: every region, or those below `parent`, as a FeatureCollection. */
void zj_h_regions(zj_api_ctx *c)
{
    static const zj_field fields[] = {{"parent", ZJ_FIELD_TEXT, false, 1, 12, NULL}};
    zj_value_in v[1];
    if (!zj_api_query(c, fields, 1, v))
        return;
    const char *parent = v[0].present ? v[0].s : NULL;
    if (parent && strspn(parent, "0123456789") != strlen(parent)) {
        zj_api_error(c, 400, "invalid_field", "parent", "'parent' must be a region code (digits)");
        return;
    }
    zj_buf out = {0};
    zj_error err = {0};
    if (zj_read_regions(c->store, c->actor, parent, &out, &err)) {
        zj_buf_free(&out);
        zj_api_work_error(c, &err);
        return;
    }
    zj_buf_clear(&c->resp->body);
    if (zj_buf_append(&c->resp->body, out.data, out.len)) {
        zj_buf_free(&out);
        zj_api_error(c, 503, "out_of_memory", NULL, "the server is out of memory; retry later");
        return;
    }
    zj_buf_free(&out);
    c->resp->status = 200;
    c->resp->content_type = NULL;
    c->resp->cache_control = REGION_CACHE;
}

static int add_region(const zj_region_view *r, void *ctx)
{
    cJSON *f = ctx;
    cJSON_AddStringToObject(f, "type", "Feature");
    cJSON *p = cJSON_AddObjectToObject(f, "properties");
    zj_json_str(p, "code", r->region_code);
    zj_json_str(p, "name", r->name);
    zj_json_str(p, "level", r->level);
    zj_json_str(p, "parent", r->parent_code);
    cJSON *g = r->geojson ? cJSON_Parse(r->geojson) : cJSON_CreateNull();
    if (!g)
        return 1;
    cJSON_AddItemToObject(f, "geometry", g);
    return 0;
}

/* GET /api/v1/regions/{code}: one region as a GeoJSON Feature. */
void zj_h_region(zj_api_ctx *c)
{
    const char *code = NULL;
    if (!region_code(c, &code) || !zj_api_query(c, NULL, 0, NULL))
        return;
    cJSON *f = cJSON_CreateObject();
    zj_error err = {0};
    if (zj_read_region(c->store, c->actor, code, add_region, f, &err)) {
        cJSON_Delete(f);
        zj_api_work_error(c, &err);
        return;
    }
    zj_api_json(c, 200, f);
    c->resp->cache_control = REGION_CACHE;
}
