/* cmd_leads.c - `zhijian leads`: list leads, show one with its evidence and provenance, and the
 * leaders' analysis (线索列表、详情、分析).
 *
 *   zhijian leads list [--code C] [--status S] [--unit U] [--current] [--limit N] [--json]
 *   zhijian leads show ID [--unmask] [--json]
 *   zhijian leads stats [--measure M] [--dimension D] [--code C] [--json]
 *
 * Personal data (names, resident IDs, phones) in evidence records is masked unless --unmask
 * is given; the stored lead texts never contain any (leads.h).
 */
#include <cjson/cJSON.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "detect/detect.h"
#include "detect/leads.h"
#include "text/mask.h"
#include "text/phone.h"

static const char usage_text[] =
    "usage: zhijian leads list [--code C] [--status S] [--unit U] [--current] [--limit N] [--json]\n"
    "   or: zhijian leads show ID [--unmask] [--json]\n"
    "   or: zhijian leads stats [--measure M] [--dimension D] [--code C] [--json]\n\n"
    "线索：列表、详情（证据及其来源文件与行号）和分析研判。\n"
    "Leads found by 'zhijian detect': a list, one lead in full (explanation, path, every\n"
    "evidence record with its source system, file and line), and the leaders' analysis\n"
    "(officers with leads per 1,000 by agency, business area, region, position, tenure and\n"
    "unit; monthly report compliance per unit; complaints per 1,000 officers).\n\n"
    "  --current       only leads the latest run of their detector produced\n"
    "  --unmask        show names, resident IDs and phones in full (default: masked)\n"
    "  --measure M     officers_with_leads | report_compliance | complaints\n"
    "  --dimension D   agency | business_area | region | position | tenure | unit\n";

typedef struct opts {
    const char *db, *code, *status, *unit, *measure, *dimension;
    bool json, unmask, current;
    long long limit;
    int argc;
    char **argv;
} opts;

static int parse(int argc, char **argv, opts *o)
{
    static const struct option lo[] = {
        {"db", required_argument, NULL, 'd'},        {"code", required_argument, NULL, 'c'},
        {"status", required_argument, NULL, 's'},    {"unit", required_argument, NULL, 'u'},
        {"measure", required_argument, NULL, 'm'},   {"dimension", required_argument, NULL, 'D'},
        {"limit", required_argument, NULL, 'l'},     {"json", no_argument, NULL, 'j'},
        {"unmask", no_argument, NULL, 'U'},          {"current", no_argument, NULL, 'C'},
        {"help", no_argument, NULL, 'h'},            {0, 0, 0, 0},
    };
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", lo, NULL)) != -1) {
        switch (c) {
        case 'd': o->db = optarg; break;
        case 'c': o->code = optarg; break;
        case 's': o->status = optarg; break;
        case 'u': o->unit = optarg; break;
        case 'm': o->measure = optarg; break;
        case 'D': o->dimension = optarg; break;
        case 'l': o->limit = atoll(optarg); break;
        case 'j': o->json = true; break;
        case 'U': o->unmask = true; break;
        case 'C': o->current = true; break;
        case 'h': fputs(usage_text, stdout); return -1;
        default: return ZJ_EUSAGE;
        }
    }
    o->argc = argc - optind;
    o->argv = argv + optind;
    return 0;
}

static const char *status_zh(const char *s)
{
    static const char *const t[][2] = {
        {"new", "新线索"}, {"assigned", "已分派"}, {"verifying", "核查中"},
        {"confirmed", "查实"}, {"dismissed", "排除"}, {"rectified", "已整改"},
    };
    for (size_t i = 0; s && i < sizeof t / sizeof t[0]; i++)
        if (!strcmp(t[i][0], s))
            return t[i][1];
    return s ? s : "";
}

static const char *severity_zh(int s)
{
    static const char *const t[] = {"", "低 low", "中 medium", "高 high", "严重 critical"};
    return s >= 1 && s <= 4 ? t[s] : "?";
}

/* ---- list --------------------------------------------------------------------------------- */

static cJSON *lead_json(const zj_lead_row *r)
{
    cJSON *j = cJSON_CreateObject();
    cJSON_AddNumberToObject(j, "id", (double)r->id);
    cJSON_AddStringToObject(j, "code", r->code);
    cJSON_AddStringToObject(j, "fingerprint", r->fingerprint);
    cJSON_AddNumberToObject(j, "severity", r->severity);
    cJSON_AddStringToObject(j, "status", r->status);
    cJSON_AddBoolToObject(j, "current", r->current);
    cJSON_AddStringToObject(j, "subject_table", r->subject_table);
    cJSON_AddNumberToObject(j, "subject_id", (double)r->subject_id);
    if (r->subject_system)
        cJSON_AddStringToObject(j, "subject_source_system", r->subject_system);
    if (r->unit_code)
        cJSON_AddStringToObject(j, "unit_code", r->unit_code);
    if (r->unit_name)
        cJSON_AddStringToObject(j, "unit_name", r->unit_name);
    cJSON_AddStringToObject(j, "title", r->title);
    cJSON_AddStringToObject(j, "first_seen_at", r->first_seen_at);
    cJSON_AddStringToObject(j, "last_seen_at", r->last_seen_at);
    return j;
}

static int list_row(const zj_lead_row *r, void *ctx)
{
    cJSON *arr = ctx;
    if (arr) {
        cJSON_AddItemToArray(arr, lead_json(r));
        return 0;
    }
    /* ASCII columns keep their width; the Chinese is in the title and in `leads show` */
    printf("%-6lld %-5s %d   %-10s %-6s %-12s %s\n", (long long)r->id, r->code, r->severity,
           r->status, r->current ? "" : "stale", r->unit_code ? r->unit_code : "-", r->title);
    return 0;
}

static int do_list(zj_store *s, const opts *o)
{
    zj_lead_filter f = {o->code, o->status, o->unit, o->current, o->limit};
    cJSON *arr = o->json ? cJSON_CreateArray() : NULL;
    if (!arr)
        printf("%-6s %-5s %s %-10s %-6s %-12s %s\n", "ID", "CODE", "SEV", "STATUS", "", "UNIT",
               "TITLE 标题 (stale = 不再检出, no longer detected)");
    zj_error err = {0};
    int rc = zj_leads_each(s, &f, list_row, arr, &err);
    if (!rc && arr) {
        char *t = cJSON_Print(arr);
        puts(t);
        free(t);
    }
    cJSON_Delete(arr);
    return rc ? cli_report(&err) : 0;
}

/* ---- show: evidence records described field by field ------------------------------------- */

enum { M_NONE = 0, M_NAME, M_ID, M_PHONE, M_PARTY_NAME, M_TAXNO };

typedef struct field { const char *col, *label; int mask; } field;
typedef struct describer { const char *table; field f[10]; } describer;

static const describer describers[] = {
    {"officer", {{"officer_no", "警号/工号", 0}, {"name", "姓名", M_NAME}, {"id_no", "身份证号", M_ID},
                 {"unit_code", "单位", 0}, {"position", "职务", 0}, {"start_date", "任职起", 0},
                 {"end_date", "任职止", 0}}},
    {"officer_relative", {{"officer_no", "干警", 0}, {"relation", "关系", 0}, {"name", "姓名", M_NAME},
                          {"id_no", "身份证号", M_ID}, {"birth_date", "出生日期", 0}}},
    {"person", {{"name", "姓名", M_NAME}, {"id_no", "身份证号", M_ID}, {"region_code", "区划", 0}}},
    {"enterprise", {{"name", "名称", 0}, {"uscc", "统一社会信用代码", 0}, {"kind", "类型", 0},
                    {"legal_rep_name", "法定代表人", M_NAME}, {"established_date", "成立", 0},
                    {"deregistered_date", "注销", 0}, {"status", "状态", 0}, {"region_code", "区划", 0}}},
    {"enterprise_role", {{"enterprise_name", "企业", 0}, {"uscc", "统一社会信用代码", 0}, {"role", "身份", 0},
                         {"person_name", "姓名", M_NAME}, {"person_id_no", "身份证号", M_ID},
                         {"share_pct", "持股%", 0}, {"start_date", "起", 0}, {"end_date", "止", 0}}},
    {"tax_registration", {{"taxpayer_name", "纳税人", 0}, {"taxpayer_no", "纳税人识别号", M_TAXNO},
                          {"legal_rep_name", "法定代表人", M_NAME}, {"legal_rep_id_no", "身份证号", M_ID},
                          {"registered_date", "登记", 0}, {"deregistered_date", "注销", 0},
                          {"region_code", "区划", 0}}},
    {"court_case", {{"case_no", "案号", 0}, {"cause", "案由", 0}, {"court_code", "法院", 0},
                    {"filed_at", "立案", 0}, {"closed_at", "结案", 0}, {"outcome", "结案方式", 0},
                    {"judge_officer_no", "承办法官", 0}}},
    {"procuratorate_case", {{"case_no", "案号", 0}, {"kind", "类别", 0}, {"cause", "案由", 0},
                            {"unit_code", "检察院", 0}, {"received_at", "受理", 0},
                            {"decision", "决定", 0}, {"officer_no", "承办人", 0}}},
    {"police_case", {{"case_no", "案件编号", 0}, {"kind", "类型", 0}, {"cause", "案由", 0},
                     {"unit_code", "办案单位", 0}, {"accepted_at", "受案", 0}, {"filed_at", "立案", 0},
                     {"transferred_at", "移送", 0}, {"closed_at", "结案", 0},
                     {"three_reg_declared", "三个规定填报", 0}, {"three_reg_declared_at", "填报时间", 0}}},
    {"case_party", {{"case_system", "系统", 0}, {"case_no", "案号", 0}, {"role", "诉讼地位", 0},
                    {"party_kind", "类型", 0}, {"name", "姓名/名称", M_PARTY_NAME},
                    {"id_no", "身份证号", M_ID}, {"phone", "电话", M_PHONE}}},
    {"interference_record", {{"record_no", "记录编号", 0}, {"officer_no", "填报人", 0},
                             {"report_month", "月份", 0}, {"is_zero_report", "零报告", 0},
                             {"category", "类别", 0}, {"actor_name", "干预人", M_NAME},
                             {"actor_id_no", "身份证号", M_ID}, {"case_no", "案号", 0},
                             {"reported_at", "填报时间", 0}}},
    {"complaint", {{"complaint_no", "编号", 0}, {"channel", "渠道", 0}, {"received_at", "收到", 0},
                   {"complainant_name", "投诉人", M_NAME}, {"complainant_phone", "电话", M_PHONE},
                   {"target_officer_no", "被投诉干警", 0}, {"target_unit_code", "被投诉单位", 0},
                   {"case_no", "案号", 0}, {"category", "类别", 0}}},
    {"sentence_change", {{"change_no", "编号", 0}, {"prisoner_name", "罪犯", M_NAME},
                         {"original_case_no", "原判案号", 0}, {"change_type", "类型", 0},
                         {"reduction_months", "减刑月数", 0}, {"decided_at", "裁定", 0}}},
    {"case_event", {{"case_system", "系统", 0}, {"case_no", "案号", 0}, {"node", "节点", 0},
                    {"occurred_at", "时间", 0}, {"officer_no", "经办人", 0}}},
};

static const describer *find_describer(const char *table)
{
    for (size_t i = 0; i < sizeof describers / sizeof describers[0]; i++)
        if (!strcmp(describers[i].table, table))
            return &describers[i];
    return NULL;
}

static void mask_value(int kind, const char *v, const char *party_kind, char *out, size_t cap)
{
    size_t n = strlen(v);
    int r = 0;
    switch (kind) {
    case M_NAME:
        r = zj_mask_name(v, n, out, cap);
        break;
    case M_PARTY_NAME:
        if (party_kind && !strcmp(party_kind, "person"))
            r = zj_mask_name(v, n, out, cap);
        else
            snprintf(out, cap, "%s", v);
        break;
    case M_ID:
        r = zj_mask_resident_id(v, n, out, cap);
        if (r < 0)
            r = zj_mask_middle(v, n, 6, 4, out, cap);
        break;
    case M_TAXNO:
        /* an individual business's taxpayer number is the operator's resident ID */
        if (n == 18 && (v[17] == 'X' || (v[17] >= '0' && v[17] <= '9')) && v[0] >= '1' &&
            v[0] <= '6' && strspn(v, "0123456789") >= 17)
            r = zj_mask_resident_id(v, n, out, cap);
        else
            snprintf(out, cap, "%s", v);
        break;
    case M_PHONE: {
        zj_phone ph;
        const char *why;
        if (zj_phone_parse(v, n, &ph, &why) == 0)
            r = zj_mask_phone(ph.normalized, strlen(ph.normalized), out, cap);
        else
            r = zj_mask_middle(v, n, 3, 2, out, cap);
        break;
    }
    default:
        snprintf(out, cap, "%s", v);
    }
    if (r < 0)
        snprintf(out, cap, "***");
}

/* Describe record `id` of `table` into b (text) or obj (JSON), masking unless `unmask`. */
static int describe(zj_store *s, const char *table, int64_t id, bool unmask, zj_buf *b,
                    cJSON *obj, zj_error *err)
{
    const describer *d = find_describer(table);
    if (!d)
        return ZJ_OK;
    zj_buf sql = {0};
    zj_buf_puts(&sql, "SELECT ");
    int n = 0, kind_col = -1;
    for (; n < 10 && d->f[n].col; n++) {
        zj_buf_printf(&sql, "%s\"%s\"", n ? ", " : "", d->f[n].col);
        if (!strcmp(d->f[n].col, "party_kind"))
            kind_col = n;
    }
    zj_buf_printf(&sql, " FROM \"%s\" WHERE id = $1", table);
    zj_stmt *q;
    int rc = sql.data ? zj_stmt_prepare(s, sql.data, &q, err) : zj_fail(err, ZJ_EDATA, "out of memory");
    zj_buf_free(&sql);
    if (rc)
        return rc;
    zj_stmt_bind_int(q, 1, id);
    int step = zj_stmt_next(q, err);
    if (step == 1) {
        const char *pk = kind_col >= 0 ? zj_stmt_text(q, kind_col, NULL) : NULL;
        for (int i = 0; i < n; i++) {
            const char *v = zj_stmt_text(q, i, NULL);
            if (!v || !*v)
                continue;
            char out[512];
            if (unmask || !d->f[i].mask)
                snprintf(out, sizeof out, "%s", v);
            else
                mask_value(d->f[i].mask, v, pk, out, sizeof out);
            if (obj)
                cJSON_AddStringToObject(obj, d->f[i].col, out);
            else
                zj_buf_printf(b, "%s%s=%s", b->len ? " " : "", d->f[i].label, out);
        }
    }
    zj_stmt_finalize(q);
    return step < 0 ? ZJ_EDATA : ZJ_OK;
}

typedef struct show_ctx {
    zj_store *s;
    const opts *o;
    cJSON *root, *evidence;
    int n;
    int rc;
    zj_error *err;
} show_ctx;

static int show_lead(const zj_lead_row *r, void *ctx)
{
    show_ctx *c = ctx;
    const zj_detector *d = zj_detector_find(r->code);
    if (c->o->json) {
        cJSON *j = lead_json(r);
        cJSON_AddStringToObject(j, "explanation", r->explanation);
        if (r->basis)
            cJSON_AddStringToObject(j, "basis", r->basis);
        if (r->path)
            cJSON_AddStringToObject(j, "path", r->path);
        if (d) {
            cJSON_AddStringToObject(j, "title_zh", d->title_zh);
            cJSON_AddStringToObject(j, "title_en", d->title_en);
        }
        if (c->o->unmask && r->subject_key)
            cJSON_AddStringToObject(j, "subject_source_key", r->subject_key);
        c->root = j;
        return 0;
    }
    printf("线索 lead %lld  [%s] %s\n", (long long)r->id, r->code, d ? d->title_zh : "");
    printf("  %s\n", r->title);
    printf("  等级 severity: %d %s   状态 status: %s (%s)%s\n", r->severity,
           severity_zh(r->severity), status_zh(r->status), r->status,
           r->current ? "" : "   不再检出 no longer detected by the latest run");
    printf("  责任单位 unit: %s %s\n", r->unit_code ? r->unit_code : "-",
           r->unit_name ? r->unit_name : "");
    printf("  对象 subject: %s #%lld", r->subject_table, (long long)r->subject_id);
    if (r->subject_system)
        printf(" (%s)", r->subject_system);
    printf("\n  首次/最近发现 first/last seen: %s / %s (UTC)\n", r->first_seen_at, r->last_seen_at);
    if (r->path)
        printf("  路径 path: %s\n", r->path);
    printf("  说明 explanation:\n");
    for (const char *p = r->explanation; p && *p;) {
        const char *e = strchr(p, '\n');
        int len = e ? (int)(e - p) : (int)strlen(p);
        printf("    %.*s\n", len, p);
        p += len + (e ? 1 : 0);
    }
    if (r->basis)
        printf("  依据 basis: %s\n", r->basis);
    return 0;
}

static int show_evidence(const zj_evidence_row *e, void *ctx)
{
    show_ctx *c = ctx;
    zj_buf desc = {0};
    cJSON *j = c->evidence ? cJSON_CreateObject() : NULL;
    c->n++;
    if (e->exists && (c->rc = describe(c->s, e->table, e->record_id, c->o->unmask, &desc,
                                       j ? cJSON_AddObjectToObject(j, "record") : NULL, c->err))) {
        zj_buf_free(&desc);
        cJSON_Delete(j);
        return 1;
    }
    if (j) {
        cJSON_AddStringToObject(j, "role", e->role ? e->role : "");
        if (e->note)
            cJSON_AddStringToObject(j, "note", e->note);
        cJSON_AddStringToObject(j, "table", e->table);
        cJSON_AddNumberToObject(j, "record_id", (double)e->record_id);
        cJSON_AddBoolToObject(j, "exists", e->exists);
        if (e->exists) {
            cJSON_AddStringToObject(j, "source_system", e->source_system);
            if (c->o->unmask)
                cJSON_AddStringToObject(j, "source_key", e->source_key);
            cJSON_AddNumberToObject(j, "batch", (double)e->batch_id);
            if (e->file)
                cJSON_AddStringToObject(j, "file", e->file);
            cJSON_AddNumberToObject(j, "line", (double)e->line);
        }
        cJSON_AddItemToArray(c->evidence, j);
    } else {
        printf("  %2d. %-18s %s #%lld%s%s\n", c->n, e->role ? e->role : "", e->table,
               (long long)e->record_id, e->note && *e->note ? "  " : "", e->note ? e->note : "");
        if (!e->exists)
            printf("      (记录已不在库中 the record is no longer in the store)\n");
        else {
            printf("      来源 source: %s, %s:%lld (batch %lld)\n", e->source_system,
                   e->file ? e->file : "?", (long long)e->line, (long long)e->batch_id);
            if (c->o->unmask) {
                printf("      主键 key: ");
                for (const char *p = e->source_key; p && *p; p++)
                    if (*p == '\x1f')
                        fputs(" | ", stdout);
                    else
                        putchar(*p);
                putchar('\n');
            }
            if (desc.len)
                printf("      %s\n", desc.data);
        }
    }
    zj_buf_free(&desc);
    return 0;
}

static int do_show(zj_store *s, const opts *o)
{
    char *end;
    long long id = o->argc == 2 ? strtoll(o->argv[1], &end, 10) : 0;
    if (o->argc != 2 || *end || id <= 0)
        return cli_error(ZJ_EUSAGE, "usage: zhijian leads show ID");
    zj_error err = {0};
    show_ctx c = {s, o, NULL, NULL, 0, 0, &err};
    int rc = zj_lead_get(s, id, show_lead, &c, &err);
    if (!rc) {
        if (c.root)
            c.evidence = cJSON_AddArrayToObject(c.root, "evidence");
        else
            printf("  证据 evidence (来源系统、文件:行号 source system, file:line):\n");
        rc = zj_lead_evidence_each(s, id, show_evidence, &c, &err);
        if (!rc)
            rc = c.rc;
    }
    if (!rc && c.root) {
        char *t = cJSON_Print(c.root);
        puts(t);
        free(t);
    }
    cJSON_Delete(c.root);
    return rc ? cli_report(&err) : 0;
}

/* ---- stats -------------------------------------------------------------------------------- */

static int do_stats(zj_store *s, const opts *o)
{
    zj_buf sql = {0};
    zj_buf_puts(&sql, "SELECT measure, code, dimension, value, label, numerator, denominator,"
                " rate, computed_at FROM lead_rate");
    const char *vals[3];
    int nv = 0;
    const char *w = " WHERE ";
    if (o->measure) {
        zj_buf_printf(&sql, "%smeasure = $%d", w, nv + 1);
        vals[nv++] = o->measure;
        w = " AND ";
    }
    if (o->dimension) {
        zj_buf_printf(&sql, "%sdimension = $%d", w, nv + 1);
        vals[nv++] = o->dimension;
        w = " AND ";
    }
    if (o->code) {
        zj_buf_printf(&sql, "%scode = $%d", w, nv + 1);
        vals[nv++] = o->code;
    }
    /* worst first: lowest compliance, highest rates */
    zj_buf_puts(&sql, " ORDER BY measure, code, dimension, CASE WHEN rate IS NULL THEN 1 ELSE 0"
                " END, CASE WHEN measure = 'report_compliance' THEN rate ELSE -rate END, value");
    zj_error err = {0};
    zj_stmt *q;
    int rc = sql.data ? zj_stmt_prepare(s, sql.data, &q, &err)
                      : zj_fail(&err, ZJ_EDATA, "out of memory");
    zj_buf_free(&sql);
    if (rc)
        return cli_report(&err);
    for (int i = 0; i < nv; i++)
        zj_stmt_bind_text(q, i + 1, vals[i], strlen(vals[i]));
    cJSON *arr = o->json ? cJSON_CreateArray() : NULL;
    if (!arr)
        printf("%-20s %-5s %-14s %-28s %9s %9s %10s\n", "measure", "code", "dimension",
               "value", "numer.", "denom.", "rate");
    int step;
    while ((step = zj_stmt_next(q, &err)) == 1) {
        const char *label = zj_stmt_text(q, 4, NULL);
        char value[256];
        snprintf(value, sizeof value, "%s%s%s", zj_stmt_text(q, 3, NULL), label ? " " : "",
                 label ? label : "");
        if (arr) {
            cJSON *j = cJSON_CreateObject();
            cJSON_AddStringToObject(j, "measure", zj_stmt_text(q, 0, NULL));
            cJSON_AddStringToObject(j, "code", zj_stmt_text(q, 1, NULL));
            cJSON_AddStringToObject(j, "dimension", zj_stmt_text(q, 2, NULL));
            cJSON_AddStringToObject(j, "value", zj_stmt_text(q, 3, NULL));
            if (label)
                cJSON_AddStringToObject(j, "label", label);
            cJSON_AddNumberToObject(j, "numerator", (double)zj_stmt_int(q, 5));
            cJSON_AddNumberToObject(j, "denominator", (double)zj_stmt_int(q, 6));
            if (!zj_stmt_is_null(q, 7))
                cJSON_AddNumberToObject(j, "rate", zj_stmt_double(q, 7));
            cJSON_AddItemToArray(arr, j);
        } else if (zj_stmt_is_null(q, 7))
            printf("%-20s %-5s %-14s %-28s %9lld %9lld %10s\n", zj_stmt_text(q, 0, NULL),
                   zj_stmt_text(q, 1, NULL), zj_stmt_text(q, 2, NULL), value,
                   (long long)zj_stmt_int(q, 5), (long long)zj_stmt_int(q, 6), "-");
        else
            printf("%-20s %-5s %-14s %-28s %9lld %9lld %10.2f\n", zj_stmt_text(q, 0, NULL),
                   zj_stmt_text(q, 1, NULL), zj_stmt_text(q, 2, NULL), value,
                   (long long)zj_stmt_int(q, 5), (long long)zj_stmt_int(q, 6),
                   zj_stmt_double(q, 7));
    }
    zj_stmt_finalize(q);
    if (step == 0 && arr) {
        char *t = cJSON_Print(arr);
        puts(t);
        free(t);
    }
    cJSON_Delete(arr);
    return step < 0 ? cli_report(&err) : 0;
}

int cmd_leads(int argc, char **argv)
{
    opts o = {0};
    int rc = parse(argc, argv, &o);
    if (rc)
        return rc < 0 ? 0 : rc;
    const char *sub = o.argc ? o.argv[0] : "list";
    if (strcmp(sub, "list") && strcmp(sub, "show") && strcmp(sub, "stats"))
        return cli_error(ZJ_EUSAGE, "unknown 'leads' subcommand '%s'; see 'zhijian leads --help'",
                         sub);
    zj_store *s;
    zj_error err = {0};
    if (zj_store_open_existing(cli_db_path(o.db), &s, &err))
        return cli_report(&err);
    if (!strcmp(sub, "list"))
        rc = do_list(s, &o);
    else if (!strcmp(sub, "show"))
        rc = do_show(s, &o);
    else
        rc = do_stats(s, &o);
    zj_store_close(s);
    return rc;
}
