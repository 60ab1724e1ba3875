/* h_export.c - GET /api/v1/exports/{list}?format=csv|xlsx&<the list's filters>: any list as a
 * file (导出), with the same filters, scope and masking as the list itself. Every export is
 * recorded in the audit trail with the filters used and the number of rows, before the file
 * is handed out; when the entry cannot be written, nothing is exported. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "serve/export.h"
#include "serve/handlers.h"
#include "work/audit.h"
#include "work/read.h"
#include "work/records.h"

#define EXPORT_MAX_ROWS 100000

static const char *const formats[] = {"csv", "xlsx", NULL};

static const char *const lead_columns[] = {
    "id", "code", "detector_zh", "title", "severity", "status", "current", "unit_code",
    "unit_name", "subject_table", "subject_id", "subject_system", "first_seen_at", "last_seen_at"};
static const char *const record_columns[] = {
    "filing_id", "kind", "record_no", "officer_no", "unit_code", "month", "quarter", "category",
    "case_no", "actor_name", "reported_at", "filed_by", "filed_by_role", "corrects",
    "corrected_by", "reason"};
static const char *const stats_columns[] = {
    "measure", "code", "dimension", "value", "label", "numerator", "denominator", "rate",
    "computed_at"};

typedef struct export_list {
    const char *name;          /* the {list} of the path */
    const char *table;         /* what the audit entry names */
    const char *const *columns;
    size_t ncolumns;
} export_list;

static const export_list lists[] = {
    {"leads", "lead", lead_columns, sizeof lead_columns / sizeof *lead_columns},
    {"records", "record_filing", record_columns, sizeof record_columns / sizeof *record_columns},
    {"statistics", "lead_rate", stats_columns, sizeof stats_columns / sizeof *stats_columns},
};

/* The list's query fields plus `format`, with the page size raised to the export's limit. */
static size_t export_fields(const export_list *l, zj_field *out)
{
    size_t n = 0;
    const zj_field *f = strcmp(l->name, "leads") == 0     ? zj_lead_filters(&n)
                        : strcmp(l->name, "records") == 0 ? zj_record_filters(&n)
                                                          : zj_stats_filters(&n);
    memcpy(out, f, n * sizeof *f);
    for (size_t i = 0; i < n; i++)
        if (strcmp(out[i].name, "limit") == 0)
            out[i].max = EXPORT_MAX_ROWS;
    out[n] = (zj_field){"format", ZJ_FIELD_ENUM, false, 0, 0, formats};
    return n + 1;
}

/* Fill items from the list with the validated values v[]. */
static int collect(zj_api_ctx *c, const export_list *l, const zj_value_in *v, cJSON *items,
                   zj_error *err)
{
    if (strcmp(l->name, "leads") == 0) {
        zj_lead_query q;
        zj_lead_query_from(v, &q, EXPORT_MAX_ROWS);
        return zj_leads_items(c, &q, items, NULL, err);
    }
    if (strcmp(l->name, "records") == 0) {
        zj_filed_filter f;
        int64_t limit, offset;
        zj_record_filter_from(v, &f, &limit, &offset, EXPORT_MAX_ROWS);
        return zj_records_items(c, &f, offset, items, err);
    }
    zj_stats_query q = {.measure = v[0].s, .dimension = v[1].s, .code = v[2].s};
    return zj_stats_items(c, &q, items, err);
}

/* Append the export's audit entry in a transaction of its own, retrying while another
 * writer holds the store. */
static int audit_export(zj_api_ctx *c, const export_list *l, const char *format, size_t rows,
                        zj_error *err)
{
    cJSON *d = cJSON_CreateObject();
    cJSON_AddStringToObject(d, "list", l->name);
    cJSON_AddStringToObject(d, "format", format);
    cJSON *filters = cJSON_AddObjectToObject(d, "filters");
    for (size_t i = 0; i < c->req->nquery; i++)
        if (strcmp(c->req->query[i].key, "format") != 0)
            cJSON_AddStringToObject(filters, c->req->query[i].key, c->req->query[i].value);
    cJSON_AddNumberToObject(d, "rows", (double)rows);
    char *detail = cJSON_PrintUnformatted(d);
    cJSON_Delete(d);
    if (!detail)
        return zj_fail(err, ZJ_EDATA, "out of memory");
    char action[48];
    snprintf(action, sizeof action, "export.%s", l->name);
    zj_audit_event ev = {.action = action, .object_table = l->table, .detail = detail};
    int rc, attempt = 0;
    do {
        memset(err, 0, sizeof *err);
        rc = zj_store_begin(c->store, err);
        if (!rc)
            rc = zj_audit_append(c->store, c->actor, &ev, NULL, err);
        if (!rc)
            rc = zj_store_commit(c->store, err);
        if (rc)
            zj_store_rollback(c->store, NULL);
    } while (rc && zj_api_retry_busy(err, &attempt));
    cJSON_free(detail);
    return rc;
}

void zj_h_export(zj_api_ctx *c)
{
    const export_list *l = NULL;
    for (size_t i = 0; i < sizeof lists / sizeof *lists; i++)
        if (c->nparams && strcmp(c->params[0], lists[i].name) == 0)
            l = &lists[i];
    if (!l) {
        zj_api_error(c, 404, "not_found", "list",
                     "path parameter 'list': must be one of leads, records, statistics");
        return;
    }
    zj_field fields[ZJ_MAX_FIELDS];
    zj_value_in v[ZJ_MAX_FIELDS];
    size_t nf = export_fields(l, fields);
    if (!zj_api_query(c, fields, nf, v))
        return;
    const char *format = v[nf - 1].present ? v[nf - 1].s : "csv";
    cJSON *items = cJSON_CreateArray();
    zj_error err = {0};
    int rc = collect(c, l, v, items, &err);
    size_t rows = (size_t)cJSON_GetArraySize(items);
    if (!rc && rows > EXPORT_MAX_ROWS)
        rc = zj_fail(&err, ZJ_EUSAGE, "the export has more than %d rows; narrow the filters",
                     EXPORT_MAX_ROWS);
    if (!rc)
        rc = audit_export(c, l, format, rows, &err);
    zj_buf file = {0};
    bool xlsx = strcmp(format, "xlsx") == 0;
    if (!rc)
        rc = xlsx ? zj_export_xlsx(items, l->columns, l->ncolumns, l->name, &file, &err)
                  : zj_export_csv(items, l->columns, l->ncolumns, &file, &err);
    cJSON_Delete(items);
    if (rc) {
        zj_buf_free(&file);
        zj_api_work_error(c, &err);
        return;
    }
    char disposition[128], day[16];
    time_t now = time(NULL);
    struct tm tm;
    strftime(day, sizeof day, "%Y%m%d", gmtime_r(&now, &tm));
    snprintf(disposition, sizeof disposition, "attachment; filename=\"%s-%s.%s\"", l->name, day,
             format);
    zj_http_header(c->resp, "Content-Disposition", disposition);
    c->resp->status = 200;
    c->resp->content_type =
        xlsx ? "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
             : "text/csv; charset=utf-8";
    zj_buf_free(&c->resp->body);
    c->resp->body = file;
}
