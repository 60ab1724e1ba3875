/* cf_order.c - CF08: an impossible order of dates or events (时间逻辑矛盾).
 *
 * A case cannot end before it began, be filed before it was accepted, be transferred before it
 * was filed, or reach the next agency before the previous one sent it. Each check is one row of
 * the table below: the case table, the two dates that must come in order, and the record the
 * lead is about. Each case table is read once for all of its checks (its number and dates; the
 * natural key and unit only for a lead); the check across agencies is a join. Dates are compared by day (a source that gives only a date writes 00:00:00),
 * so only an earlier calendar day is impossible; a missing date is not a lead. Dates after the
 * reference date are ignored, so `--as-of` replays a past day.
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "detect/cf_common.h"
#include "detect/common.h"
#include "detect/detect.h"

/* One pass over a case table: its records' id and number, then the dates its checks compare
 * (columns from 2); the natural key and unit only for a lead. */
typedef struct order_pass {
    const char *table, *sql, *detail;
} order_pass;

static const order_pass passes[] = {
    {"police_case",
     "SELECT id, case_no, accepted_at, filed_at, filing_decided_at, transferred_at, closed_at"
     " FROM police_case WHERE (accepted_at IS NOT NULL OR filed_at IS NOT NULL)@SCOPE@",
     "SELECT source_system, source_key, unit_code FROM police_case WHERE id = ?1"},
    {"procuratorate_case",
     "SELECT id, case_no, received_at, decided_at FROM procuratorate_case"
     " WHERE received_at IS NOT NULL AND decided_at IS NOT NULL@SCOPE@",
     "SELECT source_system, source_key, unit_code FROM procuratorate_case WHERE id = ?1"},
    {"court_case",
     "SELECT id, case_no, filed_at, closed_at FROM court_case"
     " WHERE filed_at IS NOT NULL AND closed_at IS NOT NULL@SCOPE@",
     "SELECT source_system, source_key, court_code FROM court_case WHERE id = ?1"},
};

typedef struct order_check {
    const char *name;               /* for the fingerprint */
    int pass;                       /* passes[] */
    int first, then;                /* the pass's columns of the two dates */
    const char *zh, *en;            /* the subject's Chinese and English name */
    const char *first_zh, *first_en, *then_zh, *then_en;
} order_check;

static const order_check checks[] = {
    {"police_filed_before_accepted", 0, 2, 3, "公安案件", "police case", "受案", "accepted",
     "立案", "filed"},
    {"police_decided_before_accepted", 0, 2, 4, "公安案件", "police case", "受案", "accepted",
     "立案审查决定", "filing decision"},
    {"police_transferred_before_filed", 0, 3, 5, "公安案件", "police case", "立案", "filed",
     "移送审查起诉", "transferred for prosecution"},
    {"police_closed_before_accepted", 0, 2, 6, "公安案件", "police case", "受案", "accepted",
     "结案", "closed"},
    {"procuratorate_decided_before_received", 1, 2, 3, "检察院案件", "procuratorate case",
     "受理", "received", "作出决定", "decided"},
    {"court_closed_before_filed", 2, 2, 3, "法院案件", "court case", "立案", "filed", "结案",
     "closed"},
};

/* Across agencies: the procuratorate received a case before the police sent it. */
static const order_check across = {
    "procuratorate_received_before_transfer", 1, 5, 6, "检察院案件", "procuratorate case",
    "公安机关移送审查起诉", "transferred by the police", "检察院受理",
    "received by the procuratorate"};
static const char across_sql[] =
    "SELECT q.id, q.case_no, q.source_system, q.source_key, q.unit_code, p.transferred_at,"
    " q.received_at FROM procuratorate_case q JOIN police_case p ON p.case_no = q.police_case_no"
    " WHERE q.kind = 'prosecution_review'"
    "  AND substr(q.received_at, 1, 10) < substr(p.transferred_at, 1, 10)@SCOPE@";

/* SQL's substr(then, 1, 10) < substr(first, 1, 10) on two TEXT values (NULL: false). */
static bool day_text_before(const char *then, const char *first)
{
    if (!then || !first)
        return false;
    size_t a = strnlen(then, 10), b = strnlen(first, 10);
    int c = memcmp(then, first, a < b ? a : b);
    return c < 0 || (c == 0 && a < b);
}

/* The lead of check k on the record with this id and number: days first and then. */
static int emit(zj_detect_ctx *c, const order_check *k, const char *table, int64_t id,
                const char *number, const char *sys, const char *key, const char *unit,
                long first, long then, zj_lead *l, zj_error *err)
{
    char no[96], a[11], b[11];
    snprintf(no, sizeof no, "%s", number ? number : "");
    zj_day_format(first, a);
    zj_day_format(then, b);
    zj_lead_reset(l);
    l->subject_table = table;
    l->subject_id = id;
    snprintf(l->unit_code, sizeof l->unit_code, "%s", unit ? unit : "");
    l->severity = c->severity;
    zj_buf_printf(&l->title, "%s早于%s / %s before %s", k->then_zh, k->first_zh, k->then_en,
                  k->first_en);
    zj_buf_printf(&l->explanation,
                  "%s %s 的%s日期 %s 早于%s日期 %s（相差 %ld 天），时间顺序不可能成立，"
                  "可能存在倒签、补录或篡改。\n%s %s: %s on %s, %ld days before %s on %s; "
                  "this order is impossible (back-dating, late entry or alteration).",
                  k->zh, no, k->then_zh, b, k->first_zh, a, first - then, k->en, no,
                  k->then_en, b, first - then, k->first_en, a);
    zj_buf_printf(&l->path, "%s %s → %s %s → %s %s", k->zh, no, k->first_zh, a, k->then_zh, b);
    return zj_cf_emit(c, l, sys, key, k->name, "case", k->name, err);
}

static int run_pass(zj_detect_ctx *c, int p, zj_lead *l, zj_error *err)
{
    const order_pass *d = &passes[p];
    zj_stmt *q = NULL, *detail = NULL;
    zj_buf sql = {0};
    char filter[160];
    zj_cf_scope_filter(d->table, "", filter, sizeof filter);
    int rc = zj_detect_scope_sql(c, d->sql, filter, &sql, err), step = 0;
    if (!rc)
        rc = zj_stmt_prepare(c->store, sql.data, &q, err);
    zj_buf_free(&sql);
    if (!rc)
        rc = zj_stmt_prepare(c->store, d->detail, &detail, err);
    while (!rc && (step = zj_stmt_next(q, err)) == 1)
        for (size_t i = 0; !rc && i < sizeof checks / sizeof checks[0]; i++) {
            const order_check *k = &checks[i];
            if (k->pass != p || !day_text_before(zj_stmt_text(q, k->then, NULL),
                                                 zj_stmt_text(q, k->first, NULL)))
                continue;
            c->evaluated++;
            long first = zj_stmt_day(q, k->first, ZJ_DAY_MAX);
            long then = zj_stmt_day(q, k->then, ZJ_DAY_MAX);
            if (first > c->as_of_day || then > c->as_of_day || then >= first)
                continue;
            int64_t id = zj_stmt_int(q, 0);
            zj_stmt_reset(detail);
            zj_stmt_bind_int(detail, 1, id);
            int found = zj_stmt_next(detail, err);
            if (found != 1) {
                rc = found < 0 ? ZJ_EDATA : zj_fail(err, ZJ_EDATA, "%s %lld vanished while read",
                                                     d->table, (long long)id);
                break;
            }
            rc = emit(c, k, d->table, id, zj_stmt_text(q, 1, NULL),
                      zj_stmt_text(detail, 0, NULL), zj_stmt_text(detail, 1, NULL),
                      zj_stmt_text(detail, 2, NULL), first, then, l, err);
        }
    if (!rc && step < 0)
        rc = ZJ_EDATA;
    zj_stmt_finalize(q);
    zj_stmt_finalize(detail);
    return rc;
}

static int run_across(zj_detect_ctx *c, zj_lead *l, zj_error *err)
{
    zj_stmt *q = NULL;
    zj_buf sql = {0};
    char filter[160];
    zj_cf_scope_filter("procuratorate_case", "q", filter, sizeof filter);
    int rc = zj_detect_scope_sql(c, across_sql, filter, &sql, err), step = 0;
    if (!rc)
        rc = zj_stmt_prepare(c->store, sql.data, &q, err);
    zj_buf_free(&sql);
    while (!rc && (step = zj_stmt_next(q, err)) == 1) {
        c->evaluated++;
        long first = zj_stmt_day(q, across.first, ZJ_DAY_MAX);
        long then = zj_stmt_day(q, across.then, ZJ_DAY_MAX);
        if (first > c->as_of_day || then > c->as_of_day || then >= first)
            continue;
        rc = emit(c, &across, "procuratorate_case", zj_stmt_int(q, 0), zj_stmt_text(q, 1, NULL),
                  zj_stmt_text(q, 2, NULL), zj_stmt_text(q, 3, NULL), zj_stmt_text(q, 4, NULL),
                  first, then, l, err);
    }
    if (!rc && step < 0)
        rc = ZJ_EDATA;
    zj_stmt_finalize(q);
    return rc;
}

static int run_cf08(zj_detect_ctx *c, zj_error *err)
{
    zj_lead l = {0};
    int rc = 0;
    for (int p = 0; !rc && p < (int)(sizeof passes / sizeof passes[0]); p++)
        rc = run_pass(c, p, &l, err);
    if (!rc)
        rc = run_across(c, &l, err);
    zj_lead_free(&l);
    return rc;
}

static const zj_param cf08_params[] = {
    {NULL, 0, NULL, NULL, 0, 0, NULL},
};

const zj_detector zj_detector_cf08 = {
    "CF08", "案件时间逻辑矛盾", "Impossible order of dates or events",
    "《中华人民共和国刑事诉讼法》（2018）第一百零九条至第一百一十二条（受案、立案）、第一百六十二条（移送审查起诉）；"
    "《人民法院案件流程管理规定》（案件节点应真实、按序录入）；政法队伍教育整顿执法司法突出问题排查（倒签、补录）",
    2, cf08_params, run_cf08,
};
