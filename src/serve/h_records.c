/* h_records.c - the records officers file themselves (自主填报): three-regulations records
 * (one per event), monthly zero reports, quarterly reports, corrections, and the lists.
 * What may be filed, by whom and for whom is records.c's decision. */
#include <string.h>
#include <time.h>

#include "serve/handlers.h"
#include "work/records.h"

static const char *const kinds[] = {"record", "zero", "quarterly", NULL};
static const char *const categories[] = {"leader_interference", "internal_inquiry",
                                         "improper_contact", NULL};
static const char *const systems[] = {"court", "procuratorate", "police", NULL};

bool zj_api_busy(const zj_error *err)
{
    return zj_error_kind(err) == ZJ_ERR_BUSY;
}

bool zj_api_retry_busy(const zj_error *err, int *attempt)
{
    if (!zj_api_busy(err) || *attempt >= 20)
        return false;
    struct timespec ts = {0, (long)(10 + *attempt * 20) * 1000000L};
    nanosleep(&ts, NULL);
    ++*attempt;
    return true;
}

/* POST /api/v1/records */
void zj_h_record_file(zj_api_ctx *c)
{
    static const zj_field fields[] = {
        {"kind", ZJ_FIELD_ENUM, true, 0, 0, kinds},
        {"officer_no", ZJ_FIELD_TEXT, false, 1, 32, NULL},
        {"unit_code", ZJ_FIELD_TEXT, false, 1, 64, NULL},
        {"month", ZJ_FIELD_MONTH, false, 0, 0, NULL},
        {"category", ZJ_FIELD_ENUM, false, 0, 0, categories},
        {"actor_name", ZJ_FIELD_TEXT, false, 1, 64, NULL},
        {"actor_id_no", ZJ_FIELD_TEXT, false, 1, 32, NULL},
        {"actor_unit", ZJ_FIELD_TEXT, false, 1, 128, NULL},
        {"actor_position", ZJ_FIELD_TEXT, false, 1, 64, NULL},
        {"case_system", ZJ_FIELD_ENUM, false, 0, 0, systems},
        {"case_no", ZJ_FIELD_TEXT, false, 1, 64, NULL},
        {"occurred_at", ZJ_FIELD_TEXT, false, 10, 19, NULL},
        {"content", ZJ_FIELD_NOTE, false, 1, 4000, NULL},
        {"quarter", ZJ_FIELD_TEXT, false, 7, 7, NULL},
        {"summary", ZJ_FIELD_NOTE, false, 1, 8000, NULL},
        {"measures", ZJ_FIELD_NOTE, false, 1, 8000, NULL},
        {"corrects", ZJ_FIELD_TEXT, false, 1, 32, NULL},
        {"reason", ZJ_FIELD_NOTE, false, 1, 2000, NULL},
    };
    enum { NF = sizeof fields / sizeof fields[0] };
    zj_value_in v[NF];
    cJSON *json = NULL;
    if (!zj_api_query(c, NULL, 0, NULL) || !zj_api_body(c, fields, NF, &json, v))
        return;
    zj_record_input in = {
        .kind = (zj_record_kind)zj_record_kind_parse(v[0].s),
        .officer_no = v[1].s, .unit_code = v[2].s, .month = v[3].s,
        .category = v[4].s, .actor_name = v[5].s, .actor_id_no = v[6].s,
        .actor_unit = v[7].s, .actor_position = v[8].s, .case_system = v[9].s,
        .case_no = v[10].s, .occurred_at = v[11].s, .content = v[12].s,
        .quarter = v[13].s, .summary = v[14].s, .measures = v[15].s,
        .corrects = v[16].s, .reason = v[17].s,
    };
    zj_filed out = {0};
    zj_error err = {0};
    int rc, attempt = 0;
    do {
        memset(&err, 0, sizeof err);
        rc = zj_record_file(c->store, c->actor, &in, &out, &err);
    } while (rc && zj_api_retry_busy(&err, &attempt));
    cJSON_Delete(json);
    if (rc) {
        zj_api_work_error(c, &err);
        return;
    }
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "kind", zj_record_kind_name(in.kind));
    cJSON_AddNumberToObject(o, "filing_id", (double)out.filing_id);
    cJSON_AddNumberToObject(o, "record_id", (double)out.record_id);
    cJSON_AddStringToObject(o, "record_no", out.record_no);
    cJSON_AddStringToObject(o, "reported_at", out.reported_at);
    if (in.kind == ZJ_RECORD_QUARTERLY) {
        cJSON_AddNumberToObject(o, "record_count", (double)out.record_count);
        cJSON_AddNumberToObject(o, "zero_report_count", (double)out.zero_report_count);
        cJSON_AddNumberToObject(o, "officer_count", (double)out.officer_count);
    }
    zj_api_json(c, 201, o);
}

static const zj_field record_filters[] = {
    {"kind", ZJ_FIELD_ENUM, false, 0, 0, kinds},
    {"officer_no", ZJ_FIELD_TEXT, false, 1, 32, NULL},
    {"unit", ZJ_FIELD_TEXT, false, 1, 64, NULL},
    {"month", ZJ_FIELD_MONTH, false, 0, 0, NULL},
    {"current", ZJ_FIELD_BOOL, false, 0, 0, NULL},
    ZJ_PAGE_FIELDS,
};
#define N_RECORD_FILTERS (sizeof record_filters / sizeof record_filters[0])

const zj_field *zj_record_filters(size_t *n)
{
    *n = N_RECORD_FILTERS;
    return record_filters;
}

void zj_record_filter_from(const zj_value_in *v, zj_filed_filter *f, int64_t *limit,
                           int64_t *offset, int64_t default_limit)
{
    *limit = v[5].present ? v[5].i : default_limit;
    *offset = v[6].present ? v[6].i : 0;
    *f = (zj_filed_filter){
        .kind = v[0].present ? zj_record_kind_parse(v[0].s) : -1,
        .officer_no = v[1].s,
        .unit_code = v[2].s,
        .month = v[3].s,
        .current_only = v[4].present && v[4].i,
        .limit = *limit ? *limit + *offset : 0,
    };
}

cJSON *zj_filed_json(const zj_filed_row *r)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddNumberToObject(o, "filing_id", (double)r->filing_id);
    zj_json_str(o, "kind", r->kind);
    zj_json_str(o, "record_no", r->record_no);
    zj_json_str(o, "officer_no", r->officer_no);
    zj_json_str(o, "unit_code", r->unit_code);
    zj_json_str(o, "month", r->month);
    zj_json_str(o, "quarter", r->quarter);
    zj_json_str(o, "category", r->category);
    zj_json_str(o, "case_no", r->case_no);
    zj_json_str(o, "actor_name", r->actor_name_masked);
    zj_json_str(o, "reported_at", r->reported_at);
    zj_json_str(o, "filed_by", r->username);
    zj_json_str(o, "filed_by_role", r->role);
    zj_json_str(o, "corrects", r->corrects);
    zj_json_str(o, "corrected_by", r->corrected_by);
    zj_json_str(o, "reason", r->reason);
    return o;
}

typedef struct list_ctx {
    cJSON *items;
    int64_t skip;
} list_ctx;

static int add_filed(const zj_filed_row *r, void *ctx)
{
    list_ctx *l = ctx;
    if (l->skip > 0) {
        l->skip--;
        return 0;
    }
    cJSON_AddItemToArray(l->items, zj_filed_json(r));
    return 0;
}

int zj_records_items(zj_api_ctx *c, const zj_filed_filter *f, int64_t offset, cJSON *items,
                     zj_error *err)
{
    list_ctx l = {.items = items, .skip = offset};
    return zj_filed_each(c->store, c->actor, f, add_filed, &l, err);
}

/* GET /api/v1/records: an officer's own history, or the scope's records for those who may
 * read them. */
void zj_h_records(zj_api_ctx *c)
{
    zj_value_in v[N_RECORD_FILTERS];
    if (!zj_api_query(c, record_filters, N_RECORD_FILTERS, v))
        return;
    zj_filed_filter f;
    int64_t limit, offset;
    zj_record_filter_from(v, &f, &limit, &offset, 50);
    cJSON *items = cJSON_CreateArray();
    zj_error err = {0};
    if (zj_records_items(c, &f, offset, items, &err)) {
        cJSON_Delete(items);
        zj_api_work_error(c, &err);
        return;
    }
    cJSON *root = cJSON_CreateObject();
    cJSON_AddNumberToObject(root, "limit", (double)limit);
    cJSON_AddNumberToObject(root, "offset", (double)offset);
    cJSON_AddItemToObject(root, "items", items);
    zj_api_json(c, 200, root);
}
