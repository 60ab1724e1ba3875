/* common.c - helpers the detectors share (see common.h). */
#include "detect/common.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "link/link.h"
#include "text/date.h"

long zj_day(const char *s, long missing)
{
    if (!s || strlen(s) < 10)
        return missing;
    for (int i = 0; i < 10; i++)
        if (i == 4 || i == 7 ? s[i] != '-' : (s[i] < '0' || s[i] > '9'))
            return missing;
    int y = atoi(s), m = atoi(s + 5), d = atoi(s + 8);
    if (!zj_date_valid(y, m, d))
        return missing;
    return zj_days_from_civil(y, m, d);
}

long zj_stmt_day(zj_stmt *st, int col, long missing)
{
    return zj_day(zj_stmt_text(st, col, NULL), missing);
}

void zj_day_format(long day, char out[11])
{
    /* civil_from_days (H. Hinnant) */
    long z = day + 719468;
    long era = (z >= 0 ? z : z - 146096) / 146097;
    long doe = z - era * 146097;
    long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    long y = yoe + era * 400;
    long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    long mp = (5 * doy + 2) / 153;
    long d = doy - (153 * mp + 2) / 5 + 1;
    long m = mp < 10 ? mp + 3 : mp - 9;
    if (m <= 2)
        y++;
    if (y < 0 || y > 9999) {
        snprintf(out, 11, "%s", y < 0 ? "0000-01-01" : "9999-12-31");
        return;
    }
    snprintf(out, 11, "%04lu-%02lu-%02lu", (unsigned long)y % 10000u, (unsigned long)m % 100u,
             (unsigned long)d % 100u);
}

/* ---- units -------------------------------------------------------------------------------- */

static int cmp_unit(const void *a, const void *b)
{
    return strcmp(((const zj_unit_info *)a)->code, ((const zj_unit_info *)b)->code);
}

static void copy(char *dst, size_t cap, zj_stmt *st, int col)
{
    const char *s = zj_stmt_text(st, col, NULL);
    snprintf(dst, cap, "%s", s ? s : "");
}

int zj_units_load(zj_store *s, zj_units *out, zj_error *err)
{
    memset(out, 0, sizeof *out);
    zj_stmt *q;
    int rc = zj_stmt_prepare(s, "SELECT unit_code, name, agency, level, region_code FROM unit"
                             " ORDER BY unit_code, id", &q, err);
    if (rc)
        return rc;
    size_t cap = 0;
    int step;
    while ((step = zj_stmt_next(q, err)) == 1) {
        const char *code = zj_stmt_text(q, 0, NULL);
        if (out->n && !strcmp(out->u[out->n - 1].code, code))
            continue;                               /* the first row of a code wins */
        if (out->n == cap) {
            cap = cap ? 2 * cap : 256;
            zj_unit_info *g = realloc(out->u, cap * sizeof *g);
            if (!g) {
                zj_stmt_finalize(q);
                zj_units_free(out);
                return zj_fail(err, ZJ_EDATA, "out of memory");
            }
            out->u = g;
        }
        zj_unit_info *u = &out->u[out->n++];
        copy(u->code, sizeof u->code, q, 0);
        copy(u->name, sizeof u->name, q, 1);
        copy(u->agency, sizeof u->agency, q, 2);
        copy(u->level, sizeof u->level, q, 3);
        copy(u->region, sizeof u->region, q, 4);
    }
    zj_stmt_finalize(q);
    if (step < 0) {
        zj_units_free(out);
        return ZJ_EDATA;
    }
    /* ORDER BY uses the database's collation; bsearch needs strcmp order */
    if (out->n)
        qsort(out->u, out->n, sizeof *out->u, cmp_unit);
    return ZJ_OK;
}

void zj_units_free(zj_units *u)
{
    free(u->u);
    memset(u, 0, sizeof *u);
}

const zj_unit_info *zj_units_find(const zj_units *u, const char *code)
{
    if (!code || !u->n)
        return NULL;
    zj_unit_info key;
    snprintf(key.code, sizeof key.code, "%s", code);
    return bsearch(&key, u->u, u->n, sizeof *u->u, cmp_unit);
}

bool zj_in_jurisdiction(const zj_unit_info *u, const char *region)
{
    if (!u || strlen(u->region) != 6 || !region || strlen(region) != 6)
        return false;
    size_t n = 6;
    if (!strcmp(u->level, "province"))
        n = 2;
    else if (!strcmp(u->level, "city"))
        n = 4;
    else if (!strcmp(u->level, "county") || !strcmp(u->level, "station"))
        n = 6;
    else if (!strcmp(u->region + 2, "0000"))
        n = 2;
    else if (!strcmp(u->region + 4, "00"))
        n = 4;
    return !memcmp(u->region, region, n);
}

void zj_region_of(const char *region_code, const char *uscc, char out[8])
{
    out[0] = '\0';
    if (region_code && strlen(region_code) == 6)
        snprintf(out, 8, "%s", region_code);
    else if (uscc && strlen(uscc) == 18) {
        memcpy(out, uscc + 2, 6);
        out[6] = '\0';
        for (int i = 0; i < 6; i++)
            if (out[i] < '0' || out[i] > '9')
                out[0] = '\0';
    }
}

/* ---- text --------------------------------------------------------------------------------- */

typedef struct names { const char *code, *zh, *en; } names;

static const names relations[] = {
    {"self", "本人", "the officer"},
    {"spouse", "配偶", "spouse"},
    {"child", "子女", "child"},
    {"child_spouse", "子女配偶", "child's spouse"},
    {"parent", "父母", "parent"},
    {"sibling", "兄弟姐妹", "sibling"},
};

static const names roles[] = {
    {"legal_rep", "法定代表人", "legal representative"},
    {"shareholder", "股东", "shareholder"},
    {"director", "董事", "director"},
    {"supervisor", "监事", "supervisor"},
    {"manager", "经理", "manager"},
    {"operator", "经营者", "operator"},
    {"finance_officer", "财务负责人", "finance officer"},
};

static const names agencies[] = {
    {"court", "法院", "court"},
    {"procuratorate", "检察院", "procuratorate"},
    {"police", "公安机关", "police"},
    {"justice", "司法行政机关", "justice administration"},
    {"prison", "监狱", "prison"},
    {"community_correction", "社区矫正机构", "community correction"},
};

static const names *lookup(const names *t, size_t n, const char *code)
{
    for (size_t i = 0; code && i < n; i++)
        if (!strcmp(t[i].code, code))
            return &t[i];
    return NULL;
}

#define LOOKUP(t, c) lookup(t, sizeof t / sizeof t[0], c)

const char *zj_zh_relation(const char *r)
{
    const names *n = LOOKUP(relations, r);
    return n ? n->zh : r ? r : "";
}

const char *zj_en_relation(const char *r)
{
    const names *n = LOOKUP(relations, r);
    return n ? n->en : r ? r : "";
}

const char *zj_zh_role(const char *r)
{
    const names *n = LOOKUP(roles, r);
    return n ? n->zh : r ? r : "";
}

const char *zj_en_role(const char *r)
{
    const names *n = LOOKUP(roles, r);
    return n ? n->en : r ? r : "";
}

const char *zj_zh_agency(const char *a)
{
    const names *n = LOOKUP(agencies, a);
    return n ? n->zh : a ? a : "";
}

void zj_buf_interval_zh(zj_buf *b, long from, long to)
{
    char f[11], t[11];
    if (from <= ZJ_DAY_MIN && to >= ZJ_DAY_MAX) {
        zj_buf_puts(b, "起止日期不详");
        return;
    }
    if (from <= ZJ_DAY_MIN) {
        zj_day_format(to, t);
        zj_buf_printf(b, "至 %s", t);
        return;
    }
    zj_day_format(from, f);
    if (to >= ZJ_DAY_MAX)
        zj_buf_printf(b, "%s 起", f);
    else {
        zj_day_format(to, t);
        zj_buf_printf(b, "%s 至 %s", f, t);
    }
}

void zj_buf_interval_en(zj_buf *b, long from, long to)
{
    char f[11], t[11];
    if (from <= ZJ_DAY_MIN && to >= ZJ_DAY_MAX) {
        zj_buf_puts(b, "dates unknown");
        return;
    }
    if (from <= ZJ_DAY_MIN) {
        zj_day_format(to, t);
        zj_buf_printf(b, "until %s", t);
        return;
    }
    zj_day_format(from, f);
    if (to >= ZJ_DAY_MAX)
        zj_buf_printf(b, "since %s", f);
    else {
        zj_day_format(to, t);
        zj_buf_printf(b, "%s to %s", f, t);
    }
}

int zj_lead_key_record(zj_lead *l, const char *system, const char *key)
{
    system = system ? system : "";
    key = key ? key : "";
    if (zj_lead_key(l, system, strlen(system)) || zj_lead_key(l, key, strlen(key)))
        return ZJ_EDATA;
    return ZJ_OK;
}

int zj_note_placement(zj_store *s, zj_lead *l, const char *table, int64_t record_id,
                      const char *role, zj_buf *zh, zj_buf *en, int *noted, zj_error *err)
{
    zj_link_placement p;
    int rc = zj_link_placement_of(s, table, record_id, role, &p, err);
    if (rc || !p.scored)
        return rc;
    if (p.closed) {
        zj_buf_printf(zh, "%s%s#%lld 所记人员无可信身份证号，系在所记单位人员中按姓名匹配（占同名、近音人员匹配权重的 "
                      "%.4f；zhijian link explain %lld %lld）", *noted ? "；" : "", table,
                      (long long)record_id, p.probability, (long long)p.mention,
                      (long long)p.other);
        zj_buf_printf(en, "%s%s #%lld names the person without a trusted ID: matched by name among "
                      "the people of the unit it names (%.4f of the weight of those with a "
                      "compatible name; zhijian link explain %lld %lld)", *noted ? "; " : "",
                      table, (long long)record_id, p.probability, (long long)p.mention,
                      (long long)p.other);
    } else {
        zj_buf_printf(zh, "%s%s#%lld 所记人员无可信身份证号，系按姓名及其他信息匹配（匹配权重 %.1f，概率 %.4f；"
                      "zhijian link explain %lld %lld）", *noted ? "；" : "", table,
                      (long long)record_id, p.weight, p.probability, (long long)p.mention,
                      (long long)p.other);
        zj_buf_printf(en, "%s%s #%lld names the person without a trusted ID: linked by name and "
                      "context (match weight %.1f, probability %.4f; zhijian link explain %lld "
                      "%lld)", *noted ? "; " : "", table, (long long)record_id, p.weight,
                      p.probability, (long long)p.mention, (long long)p.other);
    }
    (*noted)++;
    if (zj_lead_fact_list_int(l, "unidentified_mentions", p.mention) ||
        zj_lead_fact_list_int(l, "unidentified_linked_to", p.other) ||
        zj_lead_fact_list_num(l, "unidentified_weights", p.weight) ||
        zj_lead_fact_list_num(l, "unidentified_probabilities", p.probability) ||
        zj_lead_fact_list_str(l, "unidentified_how", p.closed ? "closed_world" : "score") ||
        !zh->data || !en->data)
        return zj_fail(err, ZJ_EDATA, "out of memory");
    return ZJ_OK;
}
