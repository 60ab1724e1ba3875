/* analysis.c - analysis for leaders (分析研判, see analysis.h).
 *
 * Everything is computed in memory from three set-based reads (the officer roster, the
 * current leads about officers, the complaints per unit) and one scan of the monthly duty
 * (monthly.c), then written to lead_rate in one transaction, replacing what was there.
 * For each dimension the officers are sorted by the dimension's value and counted run by
 * run, so the cost is O(officers log officers) whatever the number of units.
 */
#include "detect/analysis.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "detect/common.h"
#include "detect/detect.h"
#include "detect/leads.h"
#include "detect/monthly.h"
#include "text/region.h"

const zj_param zj_analysis_params[] = {
    {"tenure_years", ZJ_PARAM_LIST, "2,5,10,20", "tenure bands (years in post)", 0, 0, NULL},
    {"min_officers", ZJ_PARAM_INT, "1", "smallest denominator for which a rate is given", 1,
     1000000, NULL},
    {NULL, 0, NULL, NULL, 0, 0, NULL},
};

/* Codes counted: every registered detector, then families ("TV" ...), then '*'. */
#define MAX_KEYS 64

typedef struct officer {
    int64_t id;
    const zj_unit_info *unit;
    char unit_code[32], area[32], position[48];
    long start, end;
    uint64_t codes;             /* bit i: a current lead of key i */
    /* monthly duty */
    int due, on_time, late, missing;
} officer;

typedef struct ctx {
    zj_store *s;
    const zj_rules *rules;
    long as_of_day;
    zj_units units;
    officer *o;
    size_t n;
    char keys[MAX_KEYS][8];     /* code or family or "*" */
    int nkeys, ncodes;
    int64_t min_officers;
    zj_stmt *ins;
    char now[20];
    int64_t rows;
    int64_t *complaints;        /* per unit index */
} ctx;

static int key_index(ctx *c, const char *k)
{
    for (int i = 0; i < c->nkeys; i++)
        if (!strcmp(c->keys[i], k))
            return i;
    return -1;
}

static int add_key(ctx *c, const char *k)
{
    int i = key_index(c, k);
    if (i >= 0 || c->nkeys == MAX_KEYS)
        return i;
    snprintf(c->keys[c->nkeys], sizeof c->keys[0], "%s", k);
    return c->nkeys++;
}

static void cp(char *dst, size_t cap, zj_stmt *q, int col)
{
    const char *s = zj_stmt_text(q, col, NULL);
    snprintf(dst, cap, "%s", s ? s : "");
}

static int by_id(const void *a, const void *b)
{
    const officer *x = a, *y = b;
    return (x->id > y->id) - (x->id < y->id);
}

static officer *find(ctx *c, int64_t id)
{
    officer key = {.id = id};
    return c->n ? bsearch(&key, c->o, c->n, sizeof *c->o, by_id) : NULL;
}

/* One current lead about an officer: mark its code, family and '*' on the officer. */
static int officer_lead(const zj_lead_ref *l, void *vctx)
{
    ctx *c = vctx;
    officer *o = find(c, l->subject_id);
    int k = l->code ? key_index(c, l->code) : -1;
    if (!o || k < 0)
        return 0;
    char fam[3] = {l->code[0], l->code[1], 0};
    o->codes |= 1ull << k;
    o->codes |= 1ull << key_index(c, fam);
    o->codes |= 1ull << key_index(c, "*");
    return 0;
}

static int load(ctx *c, zj_error *err)
{
    zj_stmt *q;
    int rc = zj_stmt_prepare(c->s, "SELECT id, unit_code, business_area, position, start_date,"
                             " end_date FROM officer ORDER BY id", &q, err);
    if (rc)
        return rc;
    size_t cap = 0;
    int step;
    while ((step = zj_stmt_next(q, err)) == 1) {
        if (c->n == cap) {
            cap = cap ? 2 * cap : 1024;
            officer *g = realloc(c->o, cap * sizeof *g);
            if (!g) {
                zj_stmt_finalize(q);
                return zj_fail(err, ZJ_EDATA, "out of memory");
            }
            c->o = g;
        }
        officer *o = &c->o[c->n++];
        memset(o, 0, sizeof *o);
        o->id = zj_stmt_int(q, 0);
        cp(o->unit_code, sizeof o->unit_code, q, 1);
        cp(o->area, sizeof o->area, q, 2);
        cp(o->position, sizeof o->position, q, 3);
        o->start = zj_stmt_day(q, 4, ZJ_DAY_MIN);
        o->end = zj_stmt_day(q, 5, ZJ_DAY_MAX);
        o->unit = zj_units_find(&c->units, o->unit_code);
    }
    zj_stmt_finalize(q);
    if (step < 0)
        return ZJ_EDATA;
    /* ORDER BY id gives integer order already; sort anyway so bsearch never depends on it */
    if (c->n)
        qsort(c->o, c->n, sizeof *c->o, by_id);

    /* current leads about officers (the one "current" rule: detect/leads.h) */
    if ((rc = zj_leads_current_each(c->s, "officer", officer_lead, c, NULL, err)))
        return rc;

    /* complaints per unit */
    c->complaints = calloc(c->units.n ? c->units.n : 1, sizeof *c->complaints);
    if (!c->complaints)
        return zj_fail(err, ZJ_EDATA, "out of memory");
    if ((rc = zj_stmt_prepare(c->s, "SELECT target_unit_code, count(*) FROM complaint"
                              " WHERE target_unit_code IS NOT NULL GROUP BY target_unit_code",
                              &q, err)))
        return rc;
    while ((step = zj_stmt_next(q, err)) == 1) {
        const zj_unit_info *u = zj_units_find(&c->units, zj_stmt_text(q, 0, NULL));
        if (u)
            c->complaints[u - c->units.u] += zj_stmt_int(q, 1);
    }
    zj_stmt_finalize(q);
    return step < 0 ? ZJ_EDATA : ZJ_OK;
}

/* ---- the monthly duty per officer --------------------------------------------------------- */

static int duty(const zj_duty_officer *d, int first, const zj_month_state *ms, int nm, void *vc)
{
    (void)first;
    officer *o = find(vc, d->id);
    if (!o)
        return 0;
    for (int i = 0; i < nm; i++) {
        o->due += ms[i].state != ZJ_MONTH_NOT_DUE;
        o->on_time += ms[i].state == ZJ_MONTH_ON_TIME;
        o->late += ms[i].state == ZJ_MONTH_LATE;
        o->missing += ms[i].state == ZJ_MONTH_MISSING;
    }
    return 0;
}

/* ---- dimensions --------------------------------------------------------------------------- */

enum { D_AGENCY, D_AREA, D_REGION, D_POSITION, D_TENURE, D_UNIT, D_COUNT };
static const char *const dim_names[D_COUNT] = {"agency", "business_area", "region", "position",
                                               "tenure", "unit"};

typedef struct item {
    char value[48];
    const officer *o;
} item;

static int by_value(const void *a, const void *b)
{
    return strcmp(((const item *)a)->value, ((const item *)b)->value);
}

static void tenure_band(const ctx *c, const officer *o, char out[48])
{
    const char *const *it;
    size_t n = zj_rules_list(c->rules, "analysis", "tenure_years", &it);
    if (o->start == ZJ_DAY_MIN) {
        snprintf(out, 48, "unknown");
        return;
    }
    long end = o->end < c->as_of_day ? o->end : c->as_of_day;
    double years = (double)(end - o->start) / 365.25;
    int lo = 0;
    for (size_t i = 0; i < n; i++) {
        int y = atoi(it[i]);
        if (years < y) {
            snprintf(out, 48, "%02d-%02d", lo, y);
            return;
        }
        lo = y;
    }
    snprintf(out, 48, "%02d+", lo);
}

static void value_of(const ctx *c, const officer *o, int d, char out[48])
{
    switch (d) {
    case D_AGENCY:
        snprintf(out, 48, "%s", o->unit && o->unit->agency[0] ? o->unit->agency : "unknown");
        break;
    case D_AREA:
        snprintf(out, 48, "%s", o->area[0] ? o->area : "unknown");
        break;
    case D_REGION:
        if (o->unit && strlen(o->unit->region) == 6)
            snprintf(out, 48, "%.4s00", o->unit->region);
        else
            snprintf(out, 48, "unknown");
        break;
    case D_POSITION:
        snprintf(out, 48, "%s", o->position[0] ? o->position : "unknown");
        break;
    case D_TENURE:
        tenure_band(c, o, out);
        break;
    default:
        snprintf(out, 48, "%s", o->unit_code[0] ? o->unit_code : "unknown");
    }
}

static void label_of(const ctx *c, int d, const char *value, char out[192])
{
    out[0] = '\0';
    if (d == D_REGION && strcmp(value, "unknown"))
        zj_region_full_name(atoi(value), out, 192);
    else if (d == D_UNIT) {
        const zj_unit_info *u = zj_units_find(&c->units, value);
        if (u)
            snprintf(out, 192, "%s", u->name);
    } else if (d == D_AGENCY)
        snprintf(out, 192, "%s", zj_zh_agency(value));
}

static int put(ctx *c, const char *measure, const char *code, const char *dim, const char *value,
               const char *label, int64_t num, int64_t den, double scale, zj_error *err)
{
    zj_stmt *q = c->ins;
    zj_stmt_bind_text(q, 1, measure, strlen(measure));
    zj_stmt_bind_text(q, 2, code, strlen(code));
    zj_stmt_bind_text(q, 3, dim, strlen(dim));
    zj_stmt_bind_text(q, 4, value, strlen(value));
    if (label && *label)
        zj_stmt_bind_text(q, 5, label, strlen(label));
    else
        zj_stmt_bind_null(q, 5);
    zj_stmt_bind_int(q, 6, num);
    zj_stmt_bind_int(q, 7, den);
    if (den >= c->min_officers && den > 0)
        zj_stmt_bind_double(q, 8, scale * (double)num / (double)den);
    else
        zj_stmt_bind_null(q, 8);
    zj_stmt_bind_text(q, 9, c->now, strlen(c->now));
    int step = zj_stmt_next(q, err);
    zj_stmt_reset(q);
    c->rows++;
    return step < 0 ? ZJ_EDATA : ZJ_OK;
}

/* One run of officers with the same value of dimension d. */
static int emit_group(ctx *c, int d, const item *it, size_t n, zj_error *err)
{
    char label[192];
    label_of(c, d, it[0].value, label);
    int64_t count[MAX_KEYS] = {0};
    int64_t due = 0, on_time = 0, late = 0, missing = 0;
    for (size_t i = 0; i < n; i++) {
        for (int k = 0; k < c->nkeys; k++)
            count[k] += (it[i].o->codes >> k) & 1;
        due += it[i].o->due;
        on_time += it[i].o->on_time;
        late += it[i].o->late;
        missing += it[i].o->missing;
    }
    int rc = ZJ_OK;
    for (int k = 0; !rc && k < c->nkeys; k++)
        if (k >= c->ncodes || count[k])     /* families and '*' always, codes when present */
            rc = put(c, "officers_with_leads", c->keys[k], dim_names[d], it[0].value, label,
                     count[k], (int64_t)n, 1000.0, err);
    if (!rc && due && (d == D_UNIT || d == D_AGENCY || d == D_REGION)) {
        rc = put(c, "report_compliance", "TR", dim_names[d], it[0].value, label, on_time, due,
                 100.0, err);
        if (!rc)
            rc = put(c, "report_missing", "TR01", dim_names[d], it[0].value, label, missing, due,
                     100.0, err);
        if (!rc)
            rc = put(c, "report_late", "TR02", dim_names[d], it[0].value, label, late, due, 100.0,
                     err);
    }
    return rc;
}

static int dimension(ctx *c, int d, item *items, zj_error *err)
{
    for (size_t i = 0; i < c->n; i++) {
        value_of(c, &c->o[i], d, items[i].value);
        items[i].o = &c->o[i];
    }
    qsort(items, c->n, sizeof *items, by_value);
    int rc = ZJ_OK;
    for (size_t i = 0, j; !rc && i < c->n; i = j) {
        for (j = i + 1; j < c->n && !strcmp(items[j].value, items[i].value); j++)
            ;
        rc = emit_group(c, d, items + i, j - i, err);
    }
    return rc;
}

/* Complaints per 1,000 officers, by unit and by agency. */
static int complaints(ctx *c, zj_error *err)
{
    int64_t *officers = calloc(c->units.n ? c->units.n : 1, sizeof *officers);
    if (!officers)
        return zj_fail(err, ZJ_EDATA, "out of memory");
    for (size_t i = 0; i < c->n; i++)
        if (c->o[i].unit)
            officers[c->o[i].unit - c->units.u]++;
    int rc = ZJ_OK;
    for (size_t u = 0; !rc && u < c->units.n; u++)
        if (c->complaints[u])
            rc = put(c, "complaints", "CP01", "unit", c->units.u[u].code, c->units.u[u].name,
                     c->complaints[u], officers[u], 1000.0, err);
    /* by agency */
    for (size_t u = 0; !rc && u < c->units.n; u++) {
        const char *ag = c->units.u[u].agency;
        bool first = true;
        for (size_t v = 0; v < u && first; v++)
            first = strcmp(c->units.u[v].agency, ag) != 0;
        if (!first || !ag[0])
            continue;
        int64_t num = 0, den = 0;
        for (size_t v = u; v < c->units.n; v++)
            if (!strcmp(c->units.u[v].agency, ag)) {
                num += c->complaints[v];
                den += officers[v];
            }
        if (num)
            rc = put(c, "complaints", "CP01", "agency", ag, zj_zh_agency(ag), num, den, 1000.0,
                     err);
    }
    free(officers);
    return rc;
}

int zj_analysis_run(zj_store *s, const zj_rules *rules, const char *as_of, long as_of_day,
                    zj_analysis_stats *stats, zj_error *err)
{
    (void)as_of;
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    ctx *c = calloc(1, sizeof *c);
    if (!c)
        return zj_fail(err, ZJ_EDATA, "out of memory");
    c->s = s;
    c->rules = rules;
    c->as_of_day = as_of_day;
    c->min_officers = zj_rules_int(rules, "analysis", "min_officers");
    const zj_detector *const *d;
    size_t nd = zj_detectors(&d);
    for (size_t i = 0; i < nd; i++)
        add_key(c, d[i]->code);
    c->ncodes = c->nkeys;
    for (size_t i = 0; i < nd; i++) {
        char fam[3] = {d[i]->code[0], d[i]->code[1], 0};
        add_key(c, fam);
    }
    add_key(c, "*");
    time_t t = time(NULL);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(c->now, sizeof c->now, "%Y-%m-%d %H:%M:%S", &tm);

    item *items = NULL;
    int rc = zj_units_load(s, &c->units, err);
    if (!rc)
        rc = load(c, err);
    if (!rc)
        rc = zj_monthly_scan(s, rules, "TR01", as_of_day, duty, c, err);
    if (!rc && !(items = calloc(c->n ? c->n : 1, sizeof *items)))
        rc = zj_fail(err, ZJ_EDATA, "out of memory");
    if (!rc)
        rc = zj_store_begin(s, err);
    bool tx = !rc;
    if (!rc)
        rc = zj_store_exec(s, "DELETE FROM lead_rate", err);
    if (!rc)
        rc = zj_stmt_prepare(s, "INSERT INTO lead_rate (measure, code, dimension, value, label,"
                             " numerator, denominator, rate, computed_at)"
                             " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)", &c->ins, err);
    for (int dim = 0; !rc && dim < D_COUNT; dim++)
        rc = dimension(c, dim, items, err);
    if (!rc)
        rc = complaints(c, err);
    zj_stmt_finalize(c->ins);
    if (!rc)
        rc = zj_store_commit(s, err);
    else if (tx)
        zj_store_rollback(s, NULL);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    if (stats) {
        stats->rows = c->rows;
        stats->seconds = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    }
    if (rc)
        zj_error_prefix(err, "analysis: ");
    free(items);
    free(c->complaints);
    free(c->o);
    zj_units_free(&c->units);
    free(c);
    return rc;
}

/* ---- reading the rates back ------------------------------------------------------------- */

int zj_lead_rates_each(zj_store *s, const char *measure, const char *dimension,
                       const char *code, int (*fn)(const zj_lead_rate *, void *), void *ctx,
                       zj_error *err)
{
    const char *cols[3] = {"measure", "dimension", "code"}, *vals[3] = {measure, dimension, code};
    zj_buf sql = {0};
    zj_buf_puts(&sql, "SELECT measure, code, dimension, value, label, numerator, denominator,"
                " rate, computed_at FROM lead_rate");
    int nv = 0;
    for (int i = 0; i < 3; i++)
        if (vals[i]) {
            zj_buf_printf(&sql, "%s%s = $%d", nv ? " AND " : " WHERE ", cols[i], nv + 1);
            vals[nv++] = vals[i];
        }
    zj_buf_puts(&sql, " ORDER BY measure, code, dimension, CASE WHEN rate IS NULL THEN 1 ELSE 0"
                " END, CASE WHEN measure = 'report_compliance' THEN rate ELSE -rate END, value");
    zj_stmt *q;
    int rc = sql.data ? zj_stmt_prepare(s, sql.data, &q, err)
                      : zj_fail(err, ZJ_EDATA, "out of memory");
    zj_buf_free(&sql);
    if (rc)
        return rc;
    for (int i = 0; i < nv; i++)
        zj_stmt_bind_text(q, i + 1, vals[i], strlen(vals[i]));
    int step;
    while ((step = zj_stmt_next(q, err)) == 1) {
        zj_lead_rate r = {
            .measure = zj_stmt_text(q, 0, NULL),
            .code = zj_stmt_text(q, 1, NULL),
            .dimension = zj_stmt_text(q, 2, NULL),
            .value = zj_stmt_text(q, 3, NULL),
            .label = zj_stmt_text(q, 4, NULL),
            .numerator = zj_stmt_int(q, 5),
            .denominator = zj_stmt_int(q, 6),
            .has_rate = !zj_stmt_is_null(q, 7),
            .rate = zj_stmt_double(q, 7),
            .computed_at = zj_stmt_text(q, 8, NULL),
        };
        if (fn(&r, ctx))
            break;
    }
    zj_stmt_finalize(q);
    return step < 0 ? ZJ_EDATA : ZJ_OK;
}
