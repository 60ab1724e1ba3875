/* h_stats.c - the cockpit's figures (分析研判): rates by agency, area, region, position,
 * tenure and unit, units' compliance with the reporting duty, the case-flow figures (open
 * warnings, overdue cases, days per stage) and the leads' summary; read through the work
 * layer (read.h, summary.h), which limits every figure to the caller's scope. */
#include <string.h>

#include "serve/handlers.h"
#include "work/read.h"
#include "work/summary.h"

static const char *const measures[] = {"officers_with_leads", "report_compliance", "complaints",
                                       NULL};
static const char *const dimensions[] = {"agency", "business_area", "region", "position",
                                         "tenure", "unit", NULL};

static int add_rate(const zj_rate_view *r, void *ctx)
{
    cJSON *o = cJSON_CreateObject();
    zj_json_str(o, "measure", r->measure);
    zj_json_str(o, "code", r->code);
    zj_json_str(o, "dimension", r->dimension);
    zj_json_str(o, "value", r->value);
    zj_json_str(o, "label", r->label);
    cJSON_AddNumberToObject(o, "numerator", (double)r->numerator);
    cJSON_AddNumberToObject(o, "denominator", (double)r->denominator);
    if (r->has_rate)
        cJSON_AddNumberToObject(o, "rate", r->rate);
    else
        cJSON_AddNullToObject(o, "rate");
    zj_json_str(o, "computed_at", r->computed_at);
    cJSON_AddItemToArray(ctx, o);
    return 0;
}

int zj_stats_items(zj_api_ctx *c, const zj_stats_query *q, cJSON *items, zj_error *err)
{
    return zj_read_stats(c->store, c->actor, q, add_rate, items, err);
}

static void answer(zj_api_ctx *c, const zj_stats_query *q)
{
    cJSON *items = cJSON_CreateArray();
    zj_error err = {0};
    if (zj_stats_items(c, q, items, &err)) {
        cJSON_Delete(items);
        zj_api_work_error(c, &err);
        return;
    }
    cJSON *root = cJSON_CreateObject();
    cJSON_AddItemToObject(root, "items", items);
    zj_api_json(c, 200, root);
}

const zj_field *zj_stats_filters(size_t *n)
{
    static const zj_field fields[] = {
        {"measure", ZJ_FIELD_ENUM, false, 0, 0, measures},
        {"dimension", ZJ_FIELD_ENUM, false, 0, 0, dimensions},
        {"code", ZJ_FIELD_TEXT, false, 1, 16, NULL},
    };
    *n = sizeof fields / sizeof fields[0];
    return fields;
}

/* GET /api/v1/statistics?measure=&dimension=&code= */
void zj_h_statistics(zj_api_ctx *c)
{
    size_t n;
    const zj_field *fields = zj_stats_filters(&n);
    zj_value_in v[3];
    if (!zj_api_query(c, fields, n, v))
        return;
    zj_stats_query q = {.measure = v[0].s, .dimension = v[1].s, .code = v[2].s};
    answer(c, &q);
}

/* GET /api/v1/compliance?code=: units' compliance with the reporting duty (TR01/TR02). */
void zj_h_compliance(zj_api_ctx *c)
{
    static const zj_field fields[] = {{"code", ZJ_FIELD_TEXT, false, 1, 16, NULL}};
    zj_value_in v[1];
    if (!zj_api_query(c, fields, 1, v))
        return;
    zj_stats_query q = {.measure = "report_compliance", .dimension = "unit", .code = v[0].s};
    answer(c, &q);
}

static int add_caseflow(const zj_caseflow_view *v, void *ctx)
{
    cJSON *o = cJSON_CreateObject();
    zj_json_str(o, "measure", v->measure);
    zj_json_str(o, "agency", v->agency);
    zj_json_str(o, "unit_code", v->unit_code);
    zj_json_str(o, "month", v->month);
    zj_json_str(o, "stage", v->stage);
    cJSON_AddNumberToObject(o, "count", (double)v->count);
    if (v->stage)
        cJSON_AddNumberToObject(o, "avg_days", v->avg_days);
    else
        cJSON_AddNullToObject(o, "avg_days");
    cJSON_AddItemToArray(ctx, o);
    return 0;
}

/* GET /api/v1/statistics/caseflow?by=&measure=&agency=&month= */
void zj_h_caseflow_stats(zj_api_ctx *c)
{
    static const char *const by[] = {"agency", "unit", "month", "unit_month", NULL};
    static const char *const measure[] = {"open_warnings", "overdue_cases", "stage_days", NULL};
    static const char *const agency[] = {"police", "procuratorate", "court", NULL};
    static const zj_field fields[] = {
        {"by", ZJ_FIELD_ENUM, false, 0, 0, by},
        {"measure", ZJ_FIELD_ENUM, false, 0, 0, measure},
        {"agency", ZJ_FIELD_ENUM, false, 0, 0, agency},
        {"month", ZJ_FIELD_MONTH, false, 0, 0, NULL},
    };
    zj_value_in v[4];
    if (!zj_api_query(c, fields, 4, v))
        return;
    zj_caseflow_query q = {v[0].s, v[1].s, v[2].s, v[3].s};
    cJSON *items = cJSON_CreateArray();
    zj_error err = {0};
    if (zj_read_caseflow_stats(c->store, c->actor, &q, add_caseflow, items, &err)) {
        cJSON_Delete(items);
        zj_api_work_error(c, &err);
        return;
    }
    cJSON *root = cJSON_CreateObject();
    cJSON_AddItemToObject(root, "items", items);
    zj_api_json(c, 200, root);
}

typedef struct summary_out {
    cJSON *headline, *items;
} summary_out;

static int add_count(const zj_lead_count *n, void *ctx)
{
    summary_out *o = ctx;
    if (!strcmp(n->dimension, "headline")) {
        cJSON_AddNumberToObject(o->headline, n->key, (double)n->count);
        return 0;
    }
    cJSON *it = cJSON_CreateObject();
    zj_json_str(it, "dimension", n->dimension);
    zj_json_str(it, "key", n->key);
    zj_json_str(it, "label", n->label_zh);
    zj_json_str(it, "label_en", n->label_en);
    cJSON_AddNumberToObject(it, "count", (double)n->count);
    cJSON_AddItemToArray(o->items, it);
    return 0;
}

/* GET /api/v1/statistics/leads?today=: the leads in the caller's scope counted for the
 * cockpit: headline figures, and counts by state, code, month first raised and region. */
void zj_h_lead_summary(zj_api_ctx *c)
{
    static const zj_field fields[] = {{"today", ZJ_FIELD_DATE, false, 0, 0, NULL}};
    zj_value_in v[1];
    if (!zj_api_query(c, fields, 1, v))
        return;
    summary_out o = {cJSON_CreateObject(), cJSON_CreateArray()};
    zj_error err = {0};
    if (zj_lead_summary_each(c->store, c->actor, v[0].s, add_count, &o, &err)) {
        cJSON_Delete(o.headline);
        cJSON_Delete(o.items);
        zj_api_work_error(c, &err);
        return;
    }
    cJSON *root = cJSON_CreateObject();
    cJSON_AddItemToObject(root, "headline", o.headline);
    cJSON_AddItemToObject(root, "items", o.items);
    zj_api_json(c, 200, root);
}
