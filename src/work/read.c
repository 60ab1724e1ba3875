/* read.c - the read layer: leads, entities, party histories and statistics, scoped and masked
 * by the actor's rights (see read.h).
 *
 * Permission and scope come from policy.c, asked once per object; the tables are read through
 * their owners (detect/leads.h, detect/analysis.h, link/entity_read.h). What is this file's own
 * is how a canonical record is shown as evidence: which fields, their Chinese labels and which
 * of them are personal data (the `describers` table), and the audit entry of every unmasked
 * view, appended before the first unmasked value leaves the layer.
 */
#include "work/read.h"

#include <cjson/cJSON.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "detect/analysis.h"
#include "detect/cf_stats.h"
#include "detect/common.h"
#include "detect/detect.h"
#include "text/geo.h"
#include "detect/leads.h"
#include "link/entity_read.h"
#include "text/mask.h"
#include "text/phone.h"
#include "work/audit.h"
#include "work/policy.h"

/* ---- masking ----------------------------------------------------------------------------- */

/* A taxpayer number that is an 18-character resident ID (an individual business's operator). */
static bool looks_like_resident_id(const char *v, size_t n)
{
    return n == 18 && (v[17] == 'X' || (v[17] >= '0' && v[17] <= '9')) && v[0] >= '1' &&
           v[0] <= '6' && strspn(v, "0123456789") >= 17;
}

void zj_mask_pii(zj_pii kind, const char *v, const char *party_kind, char *out, size_t cap)
{
    size_t n = strlen(v);
    int r = 0;
    switch (kind) {
    case ZJ_PII_NAME:
        r = zj_mask_name(v, n, out, cap);
        break;
    case ZJ_PII_PARTY_NAME:
        if (!party_kind || strcmp(party_kind, "enterprise"))    /* unknown kind: a person */
            r = zj_mask_name(v, n, out, cap);
        else
            r = snprintf(out, cap, "%s", v) < (int)cap ? 0 : -1;
        break;
    case ZJ_PII_ID:
        r = zj_mask_resident_id(v, n, out, cap);
        if (r < 0)
            r = zj_mask_middle(v, n, 6, 4, out, cap);
        break;
    case ZJ_PII_TAXNO:
        if (looks_like_resident_id(v, n))
            r = zj_mask_resident_id(v, n, out, cap);
        else
            r = snprintf(out, cap, "%s", v) < (int)cap ? 0 : -1;
        break;
    case ZJ_PII_PHONE: {
        zj_phone ph;
        const char *why;
        if (zj_phone_parse(v, n, &ph, &why) == 0)
            r = zj_mask_phone(ph.normalized, strlen(ph.normalized), out, cap);
        else
            r = zj_mask_middle(v, n, 3, 2, out, cap);
        break;
    }
    case ZJ_PII_ADDRESS:
        /* province and city (the first 6 characters) stay; the rest is one "****" */
        r = zj_mask_middle(v, n, 6, 0, out, cap);
        break;
    case ZJ_PII_BIRTH_DATE:
        /* the year only: "1985-**-**" (a date that is not YYYY-... is all stars) */
        if (n >= 4 && strspn(v, "0123456789") >= 4)
            r = snprintf(out, cap, "%.4s-**-**", v) < (int)cap ? 0 : -1;
        else
            r = -1;
        break;
    case ZJ_PII_NONE:
    default:
        r = snprintf(out, cap, "%s", v) < (int)cap ? 0 : -1;
    }
    if (r < 0)
        snprintf(out, cap, "***");
}

/* ---- evidence: canonical records described field by field ---------------------------------- */

typedef struct field { const char *col, *label; zj_pii pii; } field;
typedef struct describer { const char *table; field f[12]; } describer;

#define MAX_FIELDS 12

/* Which fields of each canonical table a lead's reader sees, labelled, with the personal data
 * among them marked (masked unless unmasked). A table not listed shows provenance only. */
static const describer describers[] = {
    {"officer", {{"officer_no", "警号/工号", 0}, {"name", "姓名", ZJ_PII_NAME},
                 {"id_no", "身份证号", ZJ_PII_ID}, {"birth_date", "出生日期", ZJ_PII_BIRTH_DATE},
                 {"phone", "电话", ZJ_PII_PHONE}, {"unit_code", "单位", 0}, {"position", "职务", 0},
                 {"start_date", "任职起", 0}, {"end_date", "任职止", 0}}},
    {"officer_relative", {{"officer_no", "干警", 0}, {"relation", "关系", 0},
                          {"name", "姓名", ZJ_PII_NAME}, {"id_no", "身份证号", ZJ_PII_ID},
                          {"birth_date", "出生日期", ZJ_PII_BIRTH_DATE},
                          {"phone", "电话", ZJ_PII_PHONE}, {"employer", "工作单位", 0}}},
    {"person", {{"name", "姓名", ZJ_PII_NAME}, {"id_no", "身份证号", ZJ_PII_ID},
                {"birth_date", "出生日期", ZJ_PII_BIRTH_DATE}, {"phone", "电话", ZJ_PII_PHONE},
                {"address", "住址", ZJ_PII_ADDRESS}, {"region_code", "区划", 0},
                {"former_address", "迁来本址前住址", ZJ_PII_ADDRESS}}},
    {"enterprise", {{"name", "名称", 0}, {"uscc", "统一社会信用代码", 0}, {"kind", "类型", 0},
                    {"legal_rep_name", "法定代表人", ZJ_PII_NAME},
                    {"legal_rep_id_no", "法定代表人身份证号", ZJ_PII_ID},
                    {"established_date", "成立", 0}, {"deregistered_date", "注销", 0},
                    {"status", "状态", 0}, {"region_code", "区划", 0}}},
    {"enterprise_role", {{"enterprise_name", "企业", 0}, {"uscc", "统一社会信用代码", 0},
                         {"role", "身份", 0}, {"person_name", "姓名", ZJ_PII_NAME},
                         {"person_id_no", "身份证号", ZJ_PII_ID}, {"share_pct", "持股%", 0},
                         {"start_date", "起", 0}, {"end_date", "止", 0}}},
    {"tax_registration", {{"taxpayer_name", "纳税人", 0},
                          {"taxpayer_no", "纳税人识别号", ZJ_PII_TAXNO},
                          {"legal_rep_name", "法定代表人", ZJ_PII_NAME},
                          {"legal_rep_id_no", "身份证号", ZJ_PII_ID},
                          {"registered_date", "登记", 0}, {"deregistered_date", "注销", 0},
                          {"region_code", "区划", 0}}},
    {"court_case", {{"case_no", "案号", 0}, {"cause", "案由", 0}, {"court_code", "法院", 0},
                    {"filed_at", "立案", 0}, {"closed_at", "结案", 0}, {"outcome", "结案方式", 0},
                    {"judge_officer_no", "承办法官", 0}}},
    {"procuratorate_case", {{"case_no", "案号", 0}, {"kind", "类别", 0}, {"cause", "案由", 0},
                            {"unit_code", "检察院", 0}, {"received_at", "受理", 0},
                            {"decision", "决定", 0}, {"officer_no", "承办人", 0}}},
    {"police_case", {{"case_no", "案件编号", 0}, {"kind", "类型", 0}, {"cause", "案由", 0},
                     {"unit_code", "办案单位", 0}, {"accepted_at", "受案", 0},
                     {"filed_at", "立案", 0}, {"transferred_at", "移送", 0},
                     {"closed_at", "结案", 0}, {"three_reg_declared", "三个规定填报", 0},
                     {"three_reg_declared_at", "填报时间", 0}}},
    {"case_party", {{"case_system", "系统", 0}, {"case_no", "案号", 0}, {"role", "诉讼地位", 0},
                    {"party_kind", "类型", 0}, {"name", "姓名/名称", ZJ_PII_PARTY_NAME},
                    {"id_no", "身份证号", ZJ_PII_ID}, {"phone", "电话", ZJ_PII_PHONE},
                    {"address", "住址", ZJ_PII_ADDRESS}}},
    {"interference_record", {{"record_no", "记录编号", 0}, {"officer_no", "填报人", 0},
                             {"report_month", "月份", 0}, {"is_zero_report", "零报告", 0},
                             {"category", "类别", 0}, {"actor_name", "干预人", ZJ_PII_NAME},
                             {"actor_id_no", "身份证号", ZJ_PII_ID}, {"case_no", "案号", 0},
                             {"reported_at", "填报时间", 0}}},
    {"complaint", {{"complaint_no", "编号", 0}, {"channel", "渠道", 0}, {"received_at", "收到", 0},
                   {"complainant_name", "投诉人", ZJ_PII_NAME},
                   {"complainant_phone", "电话", ZJ_PII_PHONE},
                   {"target_officer_no", "被投诉干警", 0}, {"target_unit_code", "被投诉单位", 0},
                   {"case_no", "案号", 0}, {"category", "类别", 0}}},
    {"sentence_change", {{"change_no", "编号", 0}, {"prisoner_name", "罪犯", ZJ_PII_NAME},
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

/* A record's `extra` (a JSON object of the source columns the model has no field for, where
 * the schema has that column): string values that read as a resident ID or a phone number
 * are masked like the fields. Appends the JSON text to b. */
static void describe_extra(const char *json, bool unmask, zj_buf *b)
{
    cJSON *x = cJSON_Parse(json);
    if (!cJSON_IsObject(x)) {
        cJSON_Delete(x);
        return;
    }
    for (cJSON *it = x->child; !unmask && it; it = it->next) {
        if (!cJSON_IsString(it))
            continue;
        const char *v = it->valuestring;
        size_t n = strlen(v);
        zj_phone ph;
        const char *why;
        char out[512] = "";
        if (n >= 15 && n <= 18 && strspn(v, "0123456789Xx") == n)
            zj_mask_pii(ZJ_PII_ID, v, NULL, out, sizeof out);
        else if (zj_phone_parse(v, n, &ph, &why) == 0)
            zj_mask_pii(ZJ_PII_PHONE, v, NULL, out, sizeof out);
        if (out[0])
            cJSON_SetValuestring(it, out);
    }
    char *text = cJSON_PrintUnformatted(x);
    if (text)
        zj_buf_puts(b, text);
    free(text);
    cJSON_Delete(x);
}

static bool has_column(const zj_table *t, const char *name)
{
    for (size_t i = 0; i < t->ncolumns; i++)
        if (!strcmp(t->columns[i].name, name))
            return true;
    return false;
}

/* The fields of one described record: values copied, so they outlive the statement. */
typedef struct described {
    zj_field_view f[MAX_FIELDS + 1];     /* + extra */
    size_t n;
    zj_buf text;             /* the values, NUL-separated; f[i].value points into it */
} described;

/* Describe record `id` of `table` into d, masking personal data unless `unmask`. The columns
 * come from the describers table (and exist in the schema: zj_store_table), never from input. */
static int describe(zj_store *s, const char *table, int64_t id, bool unmask, described *d,
                    zj_error *err)
{
    d->n = 0;
    d->text.len = 0;
    const describer *ds = find_describer(table);
    const zj_table *t = zj_store_table(s, table);
    if (!ds || !t)
        return ZJ_OK;
    zj_buf sql = {0};
    zj_buf_puts(&sql, "SELECT ");
    int n = 0, kind_col = -1;
    for (; n < MAX_FIELDS && ds->f[n].col; n++) {
        zj_buf_printf(&sql, "%s\"%s\"", n ? ", " : "", ds->f[n].col);
        if (!strcmp(ds->f[n].col, "party_kind"))
            kind_col = n;
    }
    bool extra = has_column(t, "extra");
    zj_buf_printf(&sql, "%s FROM \"%s\" WHERE id = $1", extra ? ", extra" : "", t->name);
    zj_stmt *q;
    int rc = sql.data ? zj_stmt_prepare(s, sql.data, &q, err)
                      : zj_fail(err, ZJ_EDATA, "out of memory");
    zj_buf_free(&sql);
    if (rc)
        return rc;
    zj_stmt_bind_int(q, 1, id);
    int step = zj_stmt_next(q, err);
    size_t offs[MAX_FIELDS + 1];
    if (step == 1) {
        const char *pk = kind_col >= 0 ? zj_stmt_text(q, kind_col, NULL) : NULL;
        for (int i = 0; i < n; i++) {
            const char *v = zj_stmt_text(q, i, NULL);
            if (!v || !*v)
                continue;
            char out[512];
            bool mask = !unmask && ds->f[i].pii != ZJ_PII_NONE;
            zj_mask_pii(mask ? ds->f[i].pii : ZJ_PII_NONE, v, pk, out, sizeof out);
            offs[d->n] = d->text.len;
            zj_buf_puts(&d->text, out);
            zj_buf_putc(&d->text, '\0');
            d->f[d->n++] = (zj_field_view){ds->f[i].col, ds->f[i].label, NULL, mask, false};
        }
        const char *x = extra ? zj_stmt_text(q, n, NULL) : NULL;
        if (x && *x) {
            offs[d->n] = d->text.len;
            size_t before = d->text.len;
            describe_extra(x, unmask, &d->text);
            if (d->text.len > before) {
                zj_buf_putc(&d->text, '\0');
                d->f[d->n++] = (zj_field_view){"extra", "扩展", NULL, !unmask, true};
            }
        }
    }
    zj_stmt_finalize(q);
    if (step < 0)
        return ZJ_EDATA;
    if (d->n && !d->text.data)
        return zj_fail(err, ZJ_EDATA, "out of memory");
    for (size_t i = 0; i < d->n; i++)
        d->f[i].value = d->text.data + offs[i];
    return ZJ_OK;
}

/* ---- the audit of unmasked views and filing checks -------------------------------------- */

/* Append one view entry in its own transaction (read.h: callers are in none). */
static int audit_view(zj_store *s, const zj_actor *a, const char *action, const char *table,
                      int64_t id, const char *detail, zj_error *err)
{
    zj_audit_event e = {.action = action, .object_table = table, .object_id = id,
                        .detail = detail};
    int rc = zj_store_begin(s, err);
    if (!rc)
        rc = zj_audit_append(s, a, &e, NULL, err);
    if (!rc)
        rc = zj_store_commit(s, err);
    else
        zj_store_rollback(s, NULL);
    return rc;
}

/* ---- leads -------------------------------------------------------------------------------- */

static void lead_view(const zj_lead_row *r, bool unmask, zj_lead_view *v)
{
    const zj_detector *d = zj_detector_find(r->code);
    *v = (zj_lead_view){
        .id = r->id, .code = r->code, .fingerprint = r->fingerprint,
        .title_zh = d ? d->title_zh : NULL, .title_en = d ? d->title_en : NULL,
        .subject_table = r->subject_table, .subject_id = r->subject_id,
        .subject_system = r->subject_system, .subject_key = unmask ? r->subject_key : NULL,
        .unit_code = r->unit_code, .unit_name = r->unit_name, .severity = r->severity,
        .status = r->status, .current = r->current, .title = r->title,
        .explanation = r->explanation, .basis = r->basis, .path = r->path,
        .first_seen_at = r->first_seen_at, .last_seen_at = r->last_seen_at,
        .facts = r->facts,
    };
}

typedef struct list_ctx {
    const zj_actor *a;
    const zj_scope *unit;          /* the query's unit subtree, or NULL */
    const zj_units *units;         /* every unit with its region, when the query names one */
    const zj_lead_query *q;
    zj_lead_view_fn fn;
    void *ctx;
    int64_t seen;                  /* leads in scope so far: the total */
    int64_t *page;                 /* ids of the page asked for, in order */
    size_t npage, cap;
    bool oom;
} list_ctx;

/* True when unit `code` lies in `region` at that code's level: a prefecture (XXYY00) holds
 * the units whose region is in it (the prefecture's own units too), a county code the units
 * of that county. The same rule as the cockpit summary's regions (work/summary.c). */
static bool in_region(const zj_units *units, const char *code, const char *region)
{
    const zj_unit_info *u = code ? zj_units_find(units, code) : NULL;
    if (!u || strlen(u->region) != 6)
        return false;
    bool prefecture = !strcmp(region + 4, "00");
    return prefecture ? !strncmp(u->region, region, 4) : !strcmp(u->region, region);
}

/* Pass 1, over keys only: count the leads in scope, keep the page's ids. */
static int list_key(const zj_lead_place *k, void *vctx)
{
    list_ctx *c = vctx;
    if (!zj_actor_may(c->a, ZJ_PERM_LEAD_READ, k->unit_code))
        return 0;
    if (c->unit && !zj_scope_contains(c->unit, k->unit_code))
        return 0;
    if (c->units && !in_region(c->units, k->unit_code, c->q->region))
        return 0;
    int64_t i = c->seen++;
    if (c->oom || i < c->q->offset || (c->q->limit > 0 && (int64_t)c->npage >= c->q->limit))
        return 0;                 /* keep counting for *total */
    int64_t *p = zj_grow(c->page, &c->cap, c->npage + 1, sizeof *p, 64);
    if (!p) {
        c->oom = true;
        return 1;
    }
    c->page = p;
    c->page[c->npage++] = k->id;
    return 0;
}

/* Pass 2, the page's leads read by id. */
static int list_row(const zj_lead_row *r, void *vctx)
{
    list_ctx *c = vctx;
    zj_lead_view v;
    lead_view(r, false, &v);
    return c->fn(&v, c->ctx);
}

int zj_read_leads(zj_store *s, const zj_actor *a, const zj_lead_query *q, zj_lead_view_fn fn,
                  void *ctx, int64_t *total, zj_error *err)
{
    static const zj_lead_query all = {0};
    if (!q)
        q = &all;
    if (total)
        *total = 0;
    if (!a || !zj_role_may(a->role, ZJ_PERM_LEAD_READ))
        return zj_deny(err, a, ZJ_PERM_LEAD_READ, NULL);
    if (q->offset < 0 || q->limit < 0)
        return zj_fail(err, ZJ_EUSAGE, "offset and limit must not be negative");
    list_ctx c = {.a = a, .q = q, .fn = fn, .ctx = ctx};
    zj_scope *unit = NULL;
    int rc = ZJ_OK;
    if (q->unit && (rc = zj_scope_load(s, q->unit, &unit, err)))
        return rc;
    c.unit = unit;
    zj_units units = {0};
    if (q->region) {
        if (strlen(q->region) != 6 || strspn(q->region, "0123456789") != 6) {
            zj_scope_free(unit);
            return zj_fail_field(err, "region", "a region is a 6-digit code");
        }
        if ((rc = zj_units_load(s, &units, err))) {
            zj_scope_free(unit);
            return rc;
        }
        c.units = &units;
    }
    /* Scope and paging are applied here, lead by lead, with the same rule (policy.c) as every
     * single-lead read; the store returns the filter's leads in order, first as keys from one
     * index (for the total and the page), then the page's leads by id. */
    zj_lead_filter f = {.code = q->code, .status = q->status, .current_only = q->current_only};
    bool snap = zj_store_snapshot_begin(s);   /* both passes see one state, one read lock */
    rc = zj_leads_keys_each(s, &f, list_key, &c, err);
    zj_scope_free(unit);
    if (!rc && c.oom)
        rc = zj_fail(err, ZJ_EDATA, "lead list: out of memory");
    if (!rc)
        rc = zj_leads_by_id(s, c.page, c.npage, list_row, &c, err);
    zj_store_snapshot_end(s, snap);
    free(c.page);
    zj_units_free(&units);
    if (!rc && total)
        *total = c.seen;
    return rc;
}

typedef struct one_ctx {
    bool found;
    char unit[64];
    bool has_unit;
    bool unmask;
    zj_lead_view_fn fn;
    void *ctx;
    bool stop;
} one_ctx;

static int one_peek(const zj_lead_row *r, void *vctx)
{
    one_ctx *c = vctx;
    c->found = true;
    c->has_unit = r->unit_code != NULL;
    snprintf(c->unit, sizeof c->unit, "%s", r->unit_code ? r->unit_code : "");
    return 1;
}

static int one_hand(const zj_lead_row *r, void *vctx)
{
    one_ctx *c = vctx;
    zj_lead_view v;
    lead_view(r, c->unmask, &v);
    c->stop = c->fn && c->fn(&v, c->ctx);
    return 1;
}

typedef struct ev_ctx {
    zj_store *s;
    bool unmask;
    zj_evidence_view_fn fn;
    void *ctx;
    int n;
    int rc;
    described d;
    zj_error *err;
} ev_ctx;

static int ev_row(const zj_evidence_row *e, void *vctx)
{
    ev_ctx *c = vctx;
    zj_evidence_view v = {
        .n = ++c->n, .table = e->table, .role = e->role, .note = e->note,
        .record_id = e->record_id, .exists = e->exists,
    };
    if (e->exists) {
        if ((c->rc = describe(c->s, e->table, e->record_id, c->unmask, &c->d, c->err)))
            return 1;
        v.source_system = e->source_system;
        v.source_key = c->unmask ? e->source_key : NULL;
        v.batch_id = e->batch_id;
        v.line = e->line;
        v.file = e->file;
        v.fields = c->d.f;
        v.nfields = c->d.n;
    }
    return c->fn(&v, c->ctx);
}

int zj_read_lead(zj_store *s, const zj_actor *a, int64_t id, unsigned flags,
                 zj_lead_view_fn lead_fn, zj_evidence_view_fn ev_fn, void *ctx, zj_error *err)
{
    if (!a || !zj_role_may(a->role, ZJ_PERM_LEAD_READ))
        return zj_deny(err, a, ZJ_PERM_LEAD_READ, NULL);
    bool unmask = flags & ZJ_READ_UNMASK;
    if (unmask && !zj_role_may(a->role, ZJ_PERM_UNMASK))
        return zj_deny(err, a, ZJ_PERM_UNMASK, NULL);
    one_ctx c = {.unmask = unmask, .fn = lead_fn, .ctx = ctx};
    int rc = zj_lead_get(s, id, one_peek, &c, err);
    if (rc)
        return rc;
    const char *unit = c.has_unit ? c.unit : NULL;
    if (!zj_actor_may(a, ZJ_PERM_LEAD_READ, unit))
        return zj_fail(err, ZJ_EPERM, "lead %lld (unit '%s') is outside the scope of user '%s'",
                       (long long)id, unit ? unit : "none", a->username ? a->username : "?");
    if (unmask && !zj_actor_may(a, ZJ_PERM_UNMASK, unit))
        return zj_deny(err, a, ZJ_PERM_UNMASK, unit);
    if (unmask && (rc = audit_view(s, a, "lead.unmask", "lead", id, NULL, err)))
        return rc;
    if ((rc = zj_lead_get(s, id, one_hand, &c, err)) || c.stop || !ev_fn)
        return rc;
    ev_ctx e = {.s = s, .unmask = unmask, .fn = ev_fn, .ctx = ctx, .err = err};
    rc = zj_lead_evidence_each(s, id, ev_row, &e, err);
    zj_buf_free(&e.d.text);
    return rc ? rc : e.rc;
}

/* ---- entities ---------------------------------------------------------------------------- */

typedef struct ent_ctx {
    bool unmask;
    zj_mention_view_fn fn;
    void *ctx;
} ent_ctx;

static int ent_row(const zj_entity_mention *m, void *vctx)
{
    ent_ctx *c = vctx;
    char name[256] = "", id[128] = "";
    bool ent = m->entity_kind && !strcmp(m->entity_kind, "enterprise");
    if (m->name)
        zj_mask_pii(c->unmask || ent ? ZJ_PII_NONE : ZJ_PII_NAME, m->name, NULL, name,
                    sizeof name);
    if (m->id_no) {
        if (c->unmask)
            snprintf(id, sizeof id, "%s", m->id_no);
        else if ((ent ? zj_mask_uscc(m->id_no, strlen(m->id_no), id, sizeof id)
                      : zj_mask_resident_id(m->id_no, strlen(m->id_no), id, sizeof id)) < 0)
            zj_mask_pii(ZJ_PII_ID, m->id_no, NULL, id, sizeof id);
    }
    zj_mention_view v = {
        .mention_id = m->mention_id, .kind = m->entity_kind, .table = m->table,
        .record_id = m->record_id, .role = m->role, .name = m->name ? name : NULL,
        .id_no = m->id_no ? id : NULL, .id_status = m->id_status,
    };
    return c->fn(&v, c->ctx);
}

int zj_read_entity(zj_store *s, const zj_actor *a, int64_t id, unsigned flags,
                   zj_mention_view_fn fn, void *ctx, zj_error *err)
{
    if (!zj_actor_may(a, ZJ_PERM_ENTITY_READ, NULL))
        return zj_deny(err, a, ZJ_PERM_ENTITY_READ, NULL);
    bool unmask = flags & ZJ_READ_UNMASK;
    /* an entity belongs to no unit: unmasking it needs the permission province-wide */
    if (unmask && !zj_actor_may(a, ZJ_PERM_UNMASK, NULL))
        return zj_deny(err, a, ZJ_PERM_UNMASK, NULL);
    int64_t n = 0;
    int rc;
    if ((rc = zj_link_entity_mentions(s, id, NULL, NULL, &n, err)))
        return rc;
    if (!n)
        return zj_fail_as(err, ZJ_ERR_NOT_FOUND, "no entity %lld", (long long)id);
    if (unmask && (rc = audit_view(s, a, "entity.unmask", "entity", id, NULL, err)))
        return rc;
    ent_ctx c = {unmask, fn, ctx};
    return zj_link_entity_mentions(s, id, ent_row, &c, NULL, err);
}

/* ---- filing check (立案审查) ------------------------------------------------------------- */

int zj_read_party_history(zj_store *s, const zj_actor *a, const char *id_no,
                          zj_party_case_view_fn fn, void *ctx, zj_error *err)
{
    if (!zj_actor_may(a, ZJ_PERM_FILING_CHECK, NULL))
        return zj_deny(err, a, ZJ_PERM_FILING_CHECK, NULL);
    size_t n = id_no ? strlen(id_no) : 0;
    if (n != 15 && n != 18)
        return zj_fail(err, ZJ_EUSAGE, "filing check: '%s' is not a resident ID (15 or 18 "
                       "characters)", id_no ? id_no : "");
    char id[19];
    snprintf(id, sizeof id, "%s", id_no);
    if (id[n - 1] == 'x')                 /* a lowercase check letter x is the same ID */
        id[n - 1] = 'X';
    /* The trail records that a check was made and of whom, by a hash of the ID, never the ID */
    unsigned char h[32];
    char detail[96];
    crypto_generichash(h, sizeof h, (const unsigned char *)id, n, NULL, 0);
    int off = snprintf(detail, sizeof detail, "{\"id_hash\":\"");
    for (int i = 0; i < 16; i++)
        off += snprintf(detail + off, sizeof detail - (size_t)off, "%02x", h[i]);
    snprintf(detail + off, sizeof detail - (size_t)off, "\"}");
    int rc = audit_view(s, a, "filing.check", "case_party", 0, detail, err);
    if (rc)
        return rc;
    zj_stmt *q;
    rc = zj_stmt_prepare(s, "SELECT p.case_system, p.case_no, p.role, p.name, p.party_kind,"
                         " c.court_code, c.cause, c.filed_at, c.closed_at, c.outcome"
                         " FROM case_party p LEFT JOIN court_case c"
                         " ON p.case_system = 'court' AND c.case_no = p.case_no"
                         " WHERE p.id_no = $1"
                         " ORDER BY c.filed_at DESC, p.case_system, p.case_no", &q, err);
    if (rc)
        return rc;
    zj_stmt_bind_text(q, 1, id, n);
    int step;
    while ((step = zj_stmt_next(q, err)) == 1) {
        char name[256] = "";
        const char *nm = zj_stmt_text(q, 3, NULL);
        if (nm)
            zj_mask_pii(ZJ_PII_PARTY_NAME, nm, zj_stmt_text(q, 4, NULL), name, sizeof name);
        zj_party_case_view v = {
            .case_system = zj_stmt_text(q, 0, NULL), .case_no = zj_stmt_text(q, 1, NULL),
            .role = zj_stmt_text(q, 2, NULL), .name = nm ? name : NULL,
            .court_code = zj_stmt_text(q, 5, NULL), .cause = zj_stmt_text(q, 6, NULL),
            .filed_at = zj_stmt_text(q, 7, NULL), .closed_at = zj_stmt_text(q, 8, NULL),
            .outcome = zj_stmt_text(q, 9, NULL),
        };
        if (fn(&v, ctx))
            break;
    }
    zj_stmt_finalize(q);
    return step < 0 ? ZJ_EDATA : ZJ_OK;
}

/* ---- rejected rows -------------------------------------------------------------------- */

typedef struct rej_ctx {
    bool unmask;
    zj_reject_view_fn fn;
    void *ctx;
} rej_ctx;

/* A reason quotes the source value it could not take ("cannot parse date '1985-13-45'",
 * "invalid resident ID '6101...'"): masked, every quoted text but the field's name becomes
 * '***'. Writes into out (cap bytes). */
static void mask_reason(const char *reason, const char *field, char *out, size_t cap)
{
    size_t o = 0, flen = field ? strlen(field) : 0;
    for (const char *p = reason; *p && o + 1 < cap;) {
        const char *close = *p == '\'' ? strchr(p + 1, '\'') : NULL;
        if (!close) {
            out[o++] = *p++;
            continue;
        }
        size_t len = (size_t)(close - p - 1);
        bool keep = field && len == flen && !strncmp(p + 1, field, flen);
        int w = keep ? snprintf(out + o, cap - o, "'%.*s'", (int)len, p + 1)
                     : snprintf(out + o, cap - o, "'***'");
        if (w < 0 || (size_t)w >= cap - o)
            break;
        o += (size_t)w;
        p = close + 1;
    }
    out[o < cap ? o : cap - 1] = 0;
}

static int rej_row(const zj_reject *r, void *vctx)
{
    rej_ctx *c = vctx;
    char reason[1024];
    if (!c->unmask)
        mask_reason(r->reason ? r->reason : "", r->field, reason, sizeof reason);
    zj_reject_view v = {r->batch_id, r->line, r->field, c->unmask ? r->reason : reason,
                        c->unmask ? r->raw : NULL};
    return c->fn(&v, c->ctx);
}

int zj_read_rejects(zj_store *s, const zj_actor *a, int64_t batch_id, unsigned flags,
                    zj_reject_view_fn fn, void *ctx, zj_error *err)
{
    if (!zj_actor_may(a, ZJ_PERM_REJECT_READ, NULL))
        return zj_deny(err, a, ZJ_PERM_REJECT_READ, NULL);
    bool unmask = flags & ZJ_READ_UNMASK;
    if (unmask && !zj_actor_may(a, ZJ_PERM_UNMASK, NULL))
        return zj_deny(err, a, ZJ_PERM_UNMASK, NULL);
    int rc;
    if (unmask && (rc = audit_view(s, a, "import.reject_unmask", "import_batch", batch_id, NULL,
                                   err)))
        return rc;
    rej_ctx c = {unmask, fn, ctx};
    return zj_store_rejects_each(s, batch_id, rej_row, &c, err);
}

/* ---- statistics --------------------------------------------------------------------------- */

typedef struct rate_ctx {
    const zj_actor *a;
    zj_rate_view_fn fn;
    void *ctx;
} rate_ctx;

static int rate_row(const zj_lead_rate *r, void *vctx)
{
    rate_ctx *c = vctx;
    if (!strcmp(r->dimension, "unit") && !zj_actor_may(c->a, ZJ_PERM_STATS_READ, r->value))
        return 0;
    zj_rate_view v = {r->measure, r->code, r->dimension, r->value, r->label, r->numerator,
                      r->denominator, r->has_rate, r->rate, r->computed_at};
    return c->fn(&v, c->ctx);
}

int zj_read_stats(zj_store *s, const zj_actor *a, const zj_stats_query *q, zj_rate_view_fn fn,
                  void *ctx, zj_error *err)
{
    if (!a || !zj_role_may(a->role, ZJ_PERM_STATS_READ))
        return zj_deny(err, a, ZJ_PERM_STATS_READ, NULL);
    static const zj_stats_query all = {0};
    if (!q)
        q = &all;
    rate_ctx c = {a, fn, ctx};
    return zj_lead_rates_each(s, q->measure, q->dimension, q->code, rate_row, &c, err);
}

/* ---- case-flow figures --------------------------------------------------------------------- */

typedef struct cf_item {
    char key[160];              /* measure, agency, stage, unit, month: the sort and group key */
    char measure[16], agency[16], stage[16], unit[64], month[8];
    int64_t count;
    double days;                /* stage_days: total days */
} cf_item;

typedef struct cf_ctx {
    const zj_actor *a;
    const zj_caseflow_query *q;
    bool by_unit, by_month;
    cf_item *v;
    size_t n, cap;
    bool oom;
} cf_ctx;

static int cf_row(const zj_cf_stat *r, void *vctx)
{
    cf_ctx *c = vctx;
    if (!r->unit_code || !zj_actor_may(c->a, ZJ_PERM_STATS_READ, r->unit_code))
        return 0;
    if ((c->q->measure && strcmp(c->q->measure, r->measure)) ||
        (c->q->agency && strcmp(c->q->agency, r->agency)) ||
        (c->q->month && (!r->month || strcmp(c->q->month, r->month))))
        return 0;
    if (c->n == c->cap) {
        size_t cap = c->cap ? c->cap * 2 : 256;
        cf_item *v = realloc(c->v, cap * sizeof *v);
        if (!v) {
            c->oom = true;
            return 1;
        }
        c->v = v;
        c->cap = cap;
    }
    cf_item *x = &c->v[c->n++];
    memset(x, 0, sizeof *x);
    snprintf(x->measure, sizeof x->measure, "%s", r->measure);
    snprintf(x->agency, sizeof x->agency, "%s", r->agency);
    snprintf(x->stage, sizeof x->stage, "%s", r->stage ? r->stage : "");
    if (c->by_unit)
        snprintf(x->unit, sizeof x->unit, "%s", r->unit_code);
    if (c->by_month)
        snprintf(x->month, sizeof x->month, "%s", r->month ? r->month : "");
    snprintf(x->key, sizeof x->key, "%s\x1f%s\x1f%s\x1f%s\x1f%s", x->measure, x->agency, x->stage,
             x->unit, x->month);
    x->count = r->count;
    x->days = r->avg_days * (double)r->count;
    return 0;
}

static int cf_cmp(const void *a, const void *b)
{
    return strcmp(((const cf_item *)a)->key, ((const cf_item *)b)->key);
}

int zj_read_caseflow_stats(zj_store *s, const zj_actor *a, const zj_caseflow_query *q,
                           zj_caseflow_view_fn fn, void *ctx, zj_error *err)
{
    if (!a || !zj_role_may(a->role, ZJ_PERM_STATS_READ))
        return zj_deny(err, a, ZJ_PERM_STATS_READ, NULL);
    static const zj_caseflow_query all = {0};
    if (!q)
        q = &all;
    const char *by = q->by ? q->by : "unit_month";
    cf_ctx c = {.a = a, .q = q};
    if (!strcmp(by, "unit"))
        c.by_unit = true;
    else if (!strcmp(by, "month"))
        c.by_month = true;
    else if (!strcmp(by, "unit_month"))
        c.by_unit = c.by_month = true;
    else if (strcmp(by, "agency"))
        return zj_fail(err, ZJ_EUSAGE, "field 'by': expected agency, unit, month or unit_month, "
                       "not '%s'", by);
    int rc = zj_cf_stats_each(s, cf_row, &c, err);
    if (!rc && c.oom)
        rc = zj_fail(err, ZJ_EDATA, "out of memory");
    if (!rc && c.n)
        qsort(c.v, c.n, sizeof *c.v, cf_cmp);
    for (size_t i = 0; !rc && i < c.n;) {
        size_t j = i + 1;
        int64_t n = c.v[i].count;
        double days = c.v[i].days;
        for (; j < c.n && !strcmp(c.v[j].key, c.v[i].key); j++) {
            n += c.v[j].count;
            days += c.v[j].days;
        }
        const cf_item *x = &c.v[i];
        bool stage = !strcmp(x->measure, "stage_days");
        zj_caseflow_view v = {x->measure, x->agency, c.by_unit ? x->unit : NULL,
                              c.by_month && x->month[0] ? x->month : NULL,
                              stage ? x->stage : NULL, n, stage && n ? days / (double)n : 0};
        if (fn(&v, ctx))
            break;
        i = j;
    }
    free(c.v);
    return rc;
}

/* ---- region boundaries ---------------------------------------------------------------------- */

int zj_read_region(zj_store *s, const zj_actor *a, const char *region_code,
                   zj_region_view_fn fn, void *ctx, zj_error *err)
{
    if (!a || (!zj_role_may(a->role, ZJ_PERM_STATS_READ) &&
               !zj_role_may(a->role, ZJ_PERM_LEAD_READ)))
        return zj_deny(err, a, ZJ_PERM_STATS_READ, NULL);
    zj_stmt *q;
    int rc = zj_stmt_prepare(s, "SELECT region_code, name, level, parent_code, boundary"
                                " FROM region WHERE region_code = $1 ORDER BY id DESC LIMIT 1",
                             &q, err);
    if (rc)
        return rc;
    zj_stmt_bind_text(q, 1, region_code, strlen(region_code));
    int step = zj_stmt_next(q, err);
    if (step < 0) {
        zj_stmt_finalize(q);
        return ZJ_EDATA;
    }
    if (step == 0) {
        zj_stmt_finalize(q);
        return zj_fail_as(err, ZJ_ERR_NOT_FOUND, "no region '%s'", region_code);
    }
    zj_buf json = {0};
    size_t n;
    const char *wkt = zj_stmt_text(q, 4, &n);
    if (wkt) {
        zj_geo *g = zj_geo_new();
        const char *why = NULL;
        int grc = g ? zj_geo_wkt_to_geojson(g, wkt, n, &json, &why) : -2;
        zj_geo_free(g);
        if (grc == -2)
            rc = zj_fail(err, ZJ_EDATA, "out of memory");
        else if (grc)
            rc = zj_fail(err, ZJ_EDATA, "region '%s': stored boundary is not readable: %s",
                         region_code, why ? why : "?");
    }
    if (!rc) {
        zj_region_view v = {zj_stmt_text(q, 0, NULL), zj_stmt_text(q, 1, NULL),
                            zj_stmt_text(q, 2, NULL), zj_stmt_text(q, 3, NULL),
                            wkt ? json.data : NULL};
        rc = fn(&v, ctx) ? ZJ_EDATA : ZJ_OK;
    }
    zj_buf_free(&json);
    zj_stmt_finalize(q);
    return rc;
}

/* One feature of zj_read_regions: the row's properties, then its boundary as geometry. */
static int region_feature(zj_geo *g, zj_stmt *q, bool first, zj_buf *out, zj_error *err)
{
    cJSON *p = cJSON_CreateObject();
    const char *keys[] = {"code", "name", "level", "parent"};
    for (int i = 0; i < 4 && p; i++) {
        const char *v = zj_stmt_text(q, i, NULL);
        if (!(v ? cJSON_AddStringToObject(p, keys[i], v) : cJSON_AddNullToObject(p, keys[i]))) {
            cJSON_Delete(p);
            p = NULL;
        }
    }
    char *props = p ? cJSON_PrintUnformatted(p) : NULL;
    cJSON_Delete(p);
    if (!props)
        return zj_fail(err, ZJ_EDATA, "out of memory");
    int bad = zj_buf_puts(out, first ? "{\"type\":\"Feature\",\"properties\":"
                                     : ",{\"type\":\"Feature\",\"properties\":") ||
              zj_buf_puts(out, props) || zj_buf_puts(out, ",\"geometry\":");
    free(props);
    size_t n;
    const char *wkt = zj_stmt_text(q, 4, &n);
    if (!bad && wkt) {
        const char *why = NULL;
        int grc = zj_geo_wkt_to_geojson(g, wkt, n, out, &why);
        if (grc == -1)
            return zj_fail(err, ZJ_EDATA, "region '%s': stored boundary is not readable: %s",
                           zj_stmt_text(q, 0, NULL), why ? why : "?");
        bad = grc != 0;
    } else if (!bad) {
        bad = zj_buf_puts(out, "null");
    }
    if (bad || zj_buf_puts(out, "}"))
        return zj_fail(err, ZJ_EDATA, "out of memory");
    return ZJ_OK;
}

int zj_read_regions(zj_store *s, const zj_actor *a, const char *parent_code, zj_buf *out,
                    zj_error *err)
{
    if (!a || (!zj_role_may(a->role, ZJ_PERM_STATS_READ) &&
               !zj_role_may(a->role, ZJ_PERM_LEAD_READ)))
        return zj_deny(err, a, ZJ_PERM_STATS_READ, NULL);
    zj_stmt *q;
    int rc;
    if (parent_code) {
        rc = zj_stmt_prepare(s, "SELECT 1 FROM region WHERE region_code = $1 LIMIT 1", &q, err);
        if (rc)
            return rc;
        zj_stmt_bind_text(q, 1, parent_code, strlen(parent_code));
        int step = zj_stmt_next(q, err);
        zj_stmt_finalize(q);
        if (step < 0)
            return ZJ_EDATA;
        if (step == 0)
            return zj_fail_as(err, ZJ_ERR_NOT_FOUND, "no region '%s'", parent_code);
    }
    /* The latest record of each code; below a parent, the closure of parent_code links. */
    rc = zj_stmt_prepare(s,
                         "WITH latest AS (SELECT r.* FROM region r WHERE r.id ="
                         "   (SELECT max(id) FROM region WHERE region_code = r.region_code)),"
                         " below(code) AS (SELECT region_code FROM latest WHERE parent_code = $1"
                         "   UNION SELECT l.region_code FROM latest l JOIN below b"
                         "   ON l.parent_code = b.code)"
                         " SELECT region_code, name, level, parent_code, boundary FROM latest"
                         " WHERE $1 IS NULL OR region_code IN (SELECT code FROM below)"
                         " ORDER BY region_code",
                         &q, err);
    if (rc)
        return rc;
    if (parent_code)
        zj_stmt_bind_text(q, 1, parent_code, strlen(parent_code));
    else
        zj_stmt_bind_null(q, 1);
    zj_geo *g = zj_geo_new();
    if (!g) {
        zj_stmt_finalize(q);
        return zj_fail(err, ZJ_EDATA, "out of memory");
    }
    if (zj_buf_puts(out, "{\"type\":\"FeatureCollection\",\"features\":["))
        rc = zj_fail(err, ZJ_EDATA, "out of memory");
    bool first = true;
    int step = 0;
    while (!rc && (step = zj_stmt_next(q, err)) > 0) {
        rc = region_feature(g, q, first, out, err);
        first = false;
    }
    if (!rc && step < 0)
        rc = ZJ_EDATA;
    if (!rc && zj_buf_puts(out, "]}"))
        rc = zj_fail(err, ZJ_EDATA, "out of memory");
    zj_geo_free(g);
    zj_stmt_finalize(q);
    return rc;
}
