/* monthly.c - the monthly three-regulations duty (see monthly.h) and its detectors:
 *   TR01 a month in post without any record or zero report (one lead per officer, listing
 *        the months);
 *   TR02 reports filed after the deadline (one lead per officer, listing the months).
 *
 * Two passes, both set-based: the officers under the duty (a few tens of thousands even for a
 * province) are held in memory sorted by officer number, then interference_record is read
 * once, unordered, keeping per officer number and month the earliest report. Memory is one
 * slot per officer number and month of the span.
 */
#include "detect/monthly.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "detect/detect.h"
#include "text/date.h"

void zj_month_format(int month, char out[8])
{
    unsigned y = (unsigned)(month / 12) % 10000u, m = (unsigned)(month % 12 + 1) % 100u;
    snprintf(out, 8, "%04u-%02u", y, m);
}

/* "YYYY-MM" -> month index, or -1. */
static int parse_month(const char *s)
{
    if (!s || strlen(s) < 7 || s[4] != '-')
        return -1;
    for (int i = 0; i < 7; i++)
        if (i != 4 && (s[i] < '0' || s[i] > '9'))
            return -1;
    int y = atoi(s), m = atoi(s + 5);
    return m >= 1 && m <= 12 ? y * 12 + m - 1 : -1;
}

typedef struct orow {
    int64_t id;
    char system[32], key[96], no[48], unit[32];
    long start, end;
    const zj_unit_info *u;
    size_t slot;                /* index of its officer number in the month table */
} orow;

typedef struct slot {
    char reported_at[20];       /* earliest report, "" when none */
    int64_t record_id;
} slot;

static int cmp_orow(const void *a, const void *b)
{
    const orow *x = a, *y = b;
    int c = strcmp(x->no, y->no);
    return c ? c : (x->id > y->id) - (x->id < y->id);
}

static void copy(char *dst, size_t cap, zj_stmt *q, int col)
{
    const char *s = zj_stmt_text(q, col, NULL);
    snprintf(dst, cap, "%s", s ? s : "");
}

/* The deadline of month m: day `day` (clamped to the month's length) of month m + 1. */
static void deadline(int m, int day, const char *time, char out[20])
{
    int n = m + 1, y = n / 12, mo = n % 12 + 1;
    static const int len[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int last = len[mo - 1] + (mo == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0));
    if (day > last)
        day = last;
    snprintf(out, 20, "%04u-%02u-%02u %.8s", (unsigned)y % 10000u, (unsigned)mo % 100u,
             (unsigned)day % 100u, time);
}

static int load_officers(zj_store *s, const zj_rules *rules, const char *section,
                         const zj_units *units, orow **out, size_t *n, zj_error *err)
{
    *out = NULL;
    *n = 0;
    zj_stmt *q;
    int rc = zj_stmt_prepare(s, "SELECT id, source_system, source_key, officer_no, unit_code,"
                             " start_date, end_date FROM officer", &q, err);
    if (rc)
        return rc;
    const char *const *ag;
    size_t nag = zj_rules_list(rules, section, "agencies", &ag);
    size_t cap = 0;
    int step;
    while ((step = zj_stmt_next(q, err)) == 1) {
        const zj_unit_info *u = zj_units_find(units, zj_stmt_text(q, 4, NULL));
        bool duty = false;
        for (size_t i = 0; u && i < nag; i++)
            duty |= !strcmp(u->agency, ag[i]);
        if (!duty)
            continue;
        if (*n == cap) {
            cap = cap ? 2 * cap : 1024;
            orow *g = realloc(*out, cap * sizeof *g);
            if (!g) {
                rc = zj_fail(err, ZJ_EDATA, "out of memory");
                break;
            }
            *out = g;
        }
        orow *o = &(*out)[(*n)++];
        o->id = zj_stmt_int(q, 0);
        copy(o->system, sizeof o->system, q, 1);
        copy(o->key, sizeof o->key, q, 2);
        copy(o->no, sizeof o->no, q, 3);
        copy(o->unit, sizeof o->unit, q, 4);
        o->start = zj_stmt_day(q, 5, ZJ_DAY_MIN);
        o->end = zj_stmt_day(q, 6, ZJ_DAY_MAX);
        o->u = u;
    }
    zj_stmt_finalize(q);
    if (!rc && step < 0)
        rc = ZJ_EDATA;
    if (!rc && *n)
        qsort(*out, *n, sizeof **out, cmp_orow);
    return rc;
}

/* The data's span of report months, unless the rules set it. */
static int span(zj_store *s, const zj_rules *rules, const char *section, int *first, int *last,
                zj_error *err)
{
    *first = parse_month(zj_rules_text(rules, section, "span_start"));
    *last = parse_month(zj_rules_text(rules, section, "span_end"));
    if (*first >= 0 && *last >= 0)
        return ZJ_OK;
    zj_stmt *q;
    int rc = zj_stmt_prepare(s, "SELECT min(report_month), max(report_month)"
                             " FROM interference_record", &q, err);
    if (rc)
        return rc;
    int step = zj_stmt_next(q, err);
    if (step == 1) {
        if (*first < 0)
            *first = parse_month(zj_stmt_text(q, 0, NULL));
        if (*last < 0)
            *last = parse_month(zj_stmt_text(q, 1, NULL));
    }
    zj_stmt_finalize(q);
    return step < 0 ? ZJ_EDATA : ZJ_OK;
}

static long month_first_day(int m)
{
    return zj_days_from_civil(m / 12, m % 12 + 1, 1);
}

int zj_monthly_scan(zj_store *s, const zj_rules *rules, const char *section, long as_of_day,
                    zj_duty_fn fn, void *ctx, zj_error *err)
{
    zj_units units;
    int rc = zj_units_load(s, &units, err);
    if (rc)
        return rc;
    orow *os = NULL;
    size_t n = 0, nslots = 0;
    slot *slots = NULL;
    zj_month_state *states = NULL;
    int first, last;
    rc = load_officers(s, rules, section, &units, &os, &n, err);
    if (!rc)
        rc = span(s, rules, section, &first, &last, err);
    if (rc || !n || first < 0 || last < first)
        goto done;
    int nm = last - first + 1;
    for (size_t i = 0; i < n; i++) {
        if (i && !strcmp(os[i].no, os[i - 1].no))
            os[i].slot = os[i - 1].slot;
        else
            os[i].slot = nslots++;
    }
    slots = calloc(nslots * (size_t)nm, sizeof *slots);
    states = calloc((size_t)nm, sizeof *states);
    if (!slots || !states) {
        rc = zj_fail(err, ZJ_EDATA, "out of memory");
        goto done;
    }
    /* the earliest report per officer number and month */
    zj_stmt *q;
    if ((rc = zj_stmt_prepare(s, "SELECT officer_no, report_month, reported_at, id"
                              " FROM interference_record", &q, err)))
        goto done;
    int step;
    orow key;
    while ((step = zj_stmt_next(q, err)) == 1) {
        const char *no = zj_stmt_text(q, 0, NULL);
        int m = parse_month(zj_stmt_text(q, 1, NULL));
        const char *at = zj_stmt_text(q, 2, NULL);
        if (!no || m < first || m > last || !at)
            continue;
        snprintf(key.no, sizeof key.no, "%s", no);
        key.id = 0;
        /* the first row of this officer number: lower bound by (no, id 0) */
        size_t lo = 0, hi = n;
        while (lo < hi) {
            size_t mid = (lo + hi) / 2;
            if (cmp_orow(&os[mid], &key) < 0)
                lo = mid + 1;
            else
                hi = mid;
        }
        if (lo == n || strcmp(os[lo].no, no))
            continue;
        slot *sl = &slots[os[lo].slot * (size_t)nm + (size_t)(m - first)];
        if (!sl->reported_at[0] || strcmp(at, sl->reported_at) < 0) {
            snprintf(sl->reported_at, sizeof sl->reported_at, "%s", at);
            sl->record_id = zj_stmt_int(q, 3);
        }
    }
    zj_stmt_finalize(q);
    if (step < 0) {
        rc = ZJ_EDATA;
        goto done;
    }
    int day = (int)zj_rules_int(rules, section, "deadline_day");
    const char *time = zj_rules_text(rules, section, "deadline_time");
    for (size_t i = 0; !rc && i < n; i++) {
        const orow *o = &os[i];
        for (int k = 0; k < nm; k++) {
            int m = first + k;
            zj_month_state *st = &states[k];
            memset(st, 0, sizeof *st);
            long f = month_first_day(m), l = month_first_day(m + 1) - 1;
            deadline(m, day, time, st->deadline);
            if (o->start > l || o->end < f || zj_day(st->deadline, ZJ_DAY_MAX) >= as_of_day) {
                st->state = ZJ_MONTH_NOT_DUE;
                continue;
            }
            const slot *sl = &slots[o->slot * (size_t)nm + (size_t)k];
            if (!sl->reported_at[0]) {
                st->state = ZJ_MONTH_MISSING;
                continue;
            }
            memcpy(st->reported_at, sl->reported_at, sizeof st->reported_at);
            st->record_id = sl->record_id;
            st->state = strcmp(sl->reported_at, st->deadline) > 0 ? ZJ_MONTH_LATE
                                                                   : ZJ_MONTH_ON_TIME;
        }
        zj_duty_officer d = {o->id, o->system, o->key, o->no, o->unit, o->u, o->start, o->end};
        rc = fn(&d, first, states, nm, ctx);
    }
done:
    free(states);
    free(slots);
    free(os);
    zj_units_free(&units);
    return rc;
}

/* ---- TR01 / TR02 ------------------------------------------------------------------------- */

typedef struct tr_ctx {
    zj_detect_ctx *c;
    bool late;                  /* TR02 */
    zj_lead l;
    zj_error *err;
} tr_ctx;

/* Days from deadline to report, rounded up ("2021-03-05 23:59:59" -> "2021-03-15 10:30"). */
static long days_late(const char *deadline, const char *at)
{
    return zj_day(at, 0) - zj_day(deadline, 0);
}

static int tr_officer(const zj_duty_officer *o, int first, const zj_month_state *ms, int nm,
                      void *vctx)
{
    tr_ctx *t = vctx;
    zj_detect_ctx *c = t->c;
    int want = t->late ? ZJ_MONTH_LATE : ZJ_MONTH_MISSING, count = 0, due = 0;
    for (int k = 0; k < nm; k++) {
        count += ms[k].state == want;
        due += ms[k].state != ZJ_MONTH_NOT_DUE;
    }
    if (!count || count < zj_param_int(c, "min_months"))
        return 0;
    zj_lead *l = &t->l;
    zj_lead_reset(l);
    int sev = c->severity + (count >= zj_param_int(c, "escalate_months") ? 1 : 0);
    l->severity = sev > 4 ? 4 : sev;
    l->subject_table = "officer";
    l->subject_id = o->id;
    snprintf(l->unit_code, sizeof l->unit_code, "%s", o->unit_code);
    const char *uname = o->unit ? o->unit->name : o->unit_code;
    zj_buf months = {0};
    int listed = 0;
    int rc = zj_lead_key_record(l, o->system, o->key);
    if (!rc)
        rc = zj_lead_evidence(l, "officer", o->id, "officer", NULL);
    for (int k = 0; !rc && k < nm; k++) {
        if (ms[k].state != want)
            continue;
        char m[8];
        zj_month_format(first + k, m);
        if (!rc)
            rc = zj_lead_fact_list_str(l, "months", m);
        if (t->late) {
            long d = days_late(ms[k].deadline, ms[k].reported_at);
            if (!rc)
                rc = zj_lead_fact_list_str(l, "filed_at", ms[k].reported_at);
            if (!rc)
                rc = zj_lead_fact_list_str(l, "deadlines", ms[k].deadline);
            if (!rc)
                rc = zj_lead_fact_list_int(l, "days_late", d);
            zj_buf_printf(&months, "%s%s（%.16s 填报，逾期 %ld 天）", listed++ ? "、" : "", m,
                          ms[k].reported_at, d);
            char note[96];
            snprintf(note, sizeof note, "%s: filed %.16s, deadline %.16s", m, ms[k].reported_at,
                     ms[k].deadline);
            rc = zj_lead_evidence(l, "interference_record", ms[k].record_id, "late report", note);
        } else
            zj_buf_printf(&months, "%s%s", listed++ ? "、" : "", m);
    }
    if (!rc && (zj_lead_fact_str(l, "officer_no", o->officer_no) ||
                zj_lead_fact_int(l, "month_count", count) ||
                zj_lead_fact_int(l, "months_due", due)))
        rc = ZJ_EDATA;
    if (t->late) {
        zj_buf_printf(&l->title, "三个规定月度报告逾期 %d 个月 / Three-regulations reports late "
                      "for %d month(s)", count, count);
        zj_buf_printf(&l->explanation,
                      "干警 %s（%s）在 %d 个应报月份中有 %d 个月的记录或零报告晚于截止时间（次月 %lld 日 %s）"
                      "提交：%s。\nOfficer %s (%s) filed the record or zero report after the deadline "
                      "(day %lld of the next month, %s) for %d of %d months due.",
                      o->officer_no, uname, due, count, (long long)zj_param_int(c, "deadline_day"),
                      zj_param_text(c, "deadline_time"), months.data ? months.data : "",
                      o->officer_no, uname, (long long)zj_param_int(c, "deadline_day"),
                      zj_param_text(c, "deadline_time"), count, due);
        zj_buf_printf(&l->path, "干警 %s → 逾期月份 %s", o->officer_no, months.data ? months.data : "");
    } else {
        zj_buf_printf(&l->title, "三个规定记录及零报告缺报 %d 个月 / No three-regulations record "
                      "or zero report for %d month(s)", count, count);
        zj_buf_printf(&l->explanation,
                      "干警 %s（%s）在职期间，%d 个应报月份中有 %d 个月既无“三个规定”记录也无零报告：%s。"
                      "应当记录而未记录、应当零报告而未报告的，本身即违反规定。\nOfficer %s (%s) filed "
                      "neither a three-regulations record nor a zero report for %d of %d months in "
                      "post: not reporting is itself a breach.",
                      o->officer_no, uname, due, count, months.data ? months.data : "",
                      o->officer_no, uname, count, due);
        zj_buf_printf(&l->path, "干警 %s → 缺报月份 %s", o->officer_no, months.data ? months.data : "");
    }
    bool oom = rc || !months.data || !l->explanation.data;
    zj_buf_free(&months);
    if (oom)
        return zj_fail(t->err, ZJ_EDATA, "out of memory");
    return zj_sink_emit(c->sink, l, t->err);
}

static int run_tr(zj_detect_ctx *c, bool late, zj_error *err)
{
    tr_ctx t = {.c = c, .late = late, .err = err};
    int rc = zj_monthly_scan(c->store, c->rules, c->det->code, c->as_of_day, tr_officer, &t, err);
    zj_lead_free(&t.l);
    return rc;
}

static int run_tr01(zj_detect_ctx *c, zj_error *err)
{
    return run_tr(c, false, err);
}

static int run_tr02(zj_detect_ctx *c, zj_error *err)
{
    return run_tr(c, true, err);
}

#define DUTY_PARAMS                                                                          \
    {"agencies", ZJ_PARAM_LIST, "court,procuratorate",                                       \
     "agencies whose officers must report monthly (their systems record the three "          \
     "regulations)", 0, 0, "court,procuratorate,police,justice,prison,community_correction"}, \
    {"deadline_day", ZJ_PARAM_INT, "5", "the report for a month is due by this day of the "  \
     "next month", 1, 31, NULL},                                                             \
    {"deadline_time", ZJ_PARAM_TIME, "23:59:59", "... at this time", 0, 0, NULL},            \
    {"span_start", ZJ_PARAM_MONTH, "", "first month checked (empty: the earliest "           \
     "report_month in the data)", 0, 0, NULL},                                               \
    {"span_end", ZJ_PARAM_MONTH, "", "last month checked (empty: the latest report_month "   \
     "in the data)", 0, 0, NULL}

static const zj_param tr01_params[] = {
    DUTY_PARAMS,
    {"min_months", ZJ_PARAM_INT, "1", "missing months that make a lead", 1, 1000, NULL},
    {"escalate_months", ZJ_PARAM_INT, "3", "severity +1 from this many missing months", 1, 1000,
     NULL},
    {NULL, 0, NULL, NULL, 0, 0, NULL},
};

static const zj_param tr02_params[] = {
    DUTY_PARAMS,
    {"min_months", ZJ_PARAM_INT, "1", "late months that make a lead", 1, 1000, NULL},
    {"escalate_months", ZJ_PARAM_INT, "3", "severity +1 from this many late months", 1, 1000,
     NULL},
    {NULL, 0, NULL, NULL, 0, 0, NULL},
};

#define TR_BASIS                                                                             \
    "《领导干部干预司法活动、插手具体案件处理的记录、通报和责任追究规定》（中办发〔2015〕23号）；"          \
    "《司法机关内部人员过问案件的记录和责任追究规定》（2015）；"                                    \
    "《关于进一步规范司法人员与当事人、律师、特殊关系人、中介组织接触交往行为的若干规定》（2015）；"      \
    "最高人民检察院“三个规定”等重大事项记录报告制度（逢问必录、每月零报告）"

const zj_detector zj_detector_tr01 = {
    "TR01", "“三个规定”记录或月度零报告缺报", "Monthly three-regulations record or zero report missing",
    TR_BASIS, 2, tr01_params, run_tr01,
};

const zj_detector zj_detector_tr02 = {
    "TR02", "“三个规定”月度报告逾期", "Three-regulations report filed late",
    TR_BASIS, 1, tr02_params, run_tr02,
};
