/* cf_order.c - CF08: an impossible order of dates or events (时间逻辑矛盾).
 *
 * A case cannot end before it began, be filed before it was accepted, be transferred before it
 * was filed, or reach the next agency before the previous one sent it. Each check is one row of
 * the table below: the case table, the two dates that must come in order, and the record the
 * lead is about. Dates are compared by day (a source that gives only a date writes 00:00:00),
 * so only an earlier calendar day is impossible; a missing date is not a lead. Dates after the
 * reference date are ignored, so `--as-of` replays a past day.
 */
#include <stdio.h>
#include <string.h>

#include "detect/cf_common.h"
#include "detect/common.h"
#include "detect/detect.h"

typedef struct order_check {
    const char *name;               /* for the fingerprint */
    const char *table, *zh, *en;    /* the subject's table, its Chinese and English name */
    const char *first_zh, *first_en, *then_zh, *then_en;
    const char *sql;                /* id, source_system, source_key, case_no, unit, first, then */
} order_check;

#define OC_SELF(tab, a, b) \
    "SELECT id, source_system, source_key, case_no, " tab ", " a ", " b " FROM "

static const order_check checks[] = {
    {"police_filed_before_accepted", "police_case", "公安案件", "police case", "受案", "accepted",
     "立案", "filed",
     OC_SELF("unit_code", "accepted_at", "filed_at") "police_case"
     " WHERE substr(filed_at, 1, 10) < substr(accepted_at, 1, 10)@SCOPE@"},
    {"police_decided_before_accepted", "police_case", "公安案件", "police case", "受案",
     "accepted", "立案审查决定", "filing decision",
     OC_SELF("unit_code", "accepted_at", "filing_decided_at") "police_case"
     " WHERE substr(filing_decided_at, 1, 10) < substr(accepted_at, 1, 10)@SCOPE@"},
    {"police_transferred_before_filed", "police_case", "公安案件", "police case", "立案",
     "filed", "移送审查起诉", "transferred for prosecution",
     OC_SELF("unit_code", "filed_at", "transferred_at") "police_case"
     " WHERE substr(transferred_at, 1, 10) < substr(filed_at, 1, 10)@SCOPE@"},
    {"police_closed_before_accepted", "police_case", "公安案件", "police case", "受案",
     "accepted", "结案", "closed",
     OC_SELF("unit_code", "accepted_at", "closed_at") "police_case"
     " WHERE substr(closed_at, 1, 10) < substr(accepted_at, 1, 10)@SCOPE@"},
    {"procuratorate_decided_before_received", "procuratorate_case", "检察院案件",
     "procuratorate case", "受理", "received", "作出决定", "decided",
     OC_SELF("unit_code", "received_at", "decided_at") "procuratorate_case"
     " WHERE substr(decided_at, 1, 10) < substr(received_at, 1, 10)@SCOPE@"},
    {"court_closed_before_filed", "court_case", "法院案件", "court case", "立案", "filed",
     "结案", "closed",
     OC_SELF("court_code", "filed_at", "closed_at") "court_case"
     " WHERE substr(closed_at, 1, 10) < substr(filed_at, 1, 10)@SCOPE@"},
    {"procuratorate_received_before_transfer", "procuratorate_case", "检察院案件",
     "procuratorate case", "公安机关移送审查起诉", "transferred by the police", "检察院受理",
     "received by the procuratorate",
     "SELECT q.id, q.source_system, q.source_key, q.case_no, q.unit_code, p.transferred_at,"
     " q.received_at FROM procuratorate_case q JOIN police_case p ON p.case_no = q.police_case_no"
     " WHERE q.kind = 'prosecution_review'"
     "  AND substr(q.received_at, 1, 10) < substr(p.transferred_at, 1, 10)@SCOPE@"},
};

static int run_check(zj_detect_ctx *c, const order_check *k, zj_lead *l, zj_error *err)
{
    zj_stmt *q = NULL;
    zj_buf sql = {0};
    char filter[160];
    zj_cf_scope_filter(k->table, strstr(k->sql, " q JOIN ") ? "q" : "", filter, sizeof filter);
    int rc = zj_detect_scope_sql(c, k->sql, filter, &sql, err), step = 0;
    if (!rc)
        rc = zj_stmt_prepare(c->store, sql.data, &q, err);
    zj_buf_free(&sql);
    while (!rc && (step = zj_stmt_next(q, err)) == 1) {
        c->evaluated++;
        long first = zj_stmt_day(q, 5, ZJ_DAY_MAX), then = zj_stmt_day(q, 6, ZJ_DAY_MAX);
        if (first > c->as_of_day || then > c->as_of_day || then >= first)
            continue;
        char no[96], a[11], b[11];
        const char *n = zj_stmt_text(q, 3, NULL), *u = zj_stmt_text(q, 4, NULL);
        snprintf(no, sizeof no, "%s", n ? n : "");
        zj_day_format(first, a);
        zj_day_format(then, b);
        zj_lead_reset(l);
        l->subject_table = k->table;
        l->subject_id = zj_stmt_int(q, 0);
        snprintf(l->unit_code, sizeof l->unit_code, "%s", u ? u : "");
        l->severity = c->severity;
        zj_buf_printf(&l->title, "%s早于%s / %s before %s", k->then_zh, k->first_zh, k->then_en,
                      k->first_en);
        zj_buf_printf(&l->explanation,
                      "%s %s 的%s日期 %s 早于%s日期 %s（相差 %ld 天），时间顺序不可能成立，"
                      "可能存在倒签、补录或篡改。\n%s %s: %s on %s, %ld days before %s on %s; "
                      "this order is impossible (back-dating, late entry or alteration).",
                      k->zh, no, k->then_zh, b, k->first_zh, a, first - then, k->en, no,
                      k->then_en, b, first - then, k->first_en, a);
        zj_buf_printf(&l->path, "%s %s → %s %s → %s %s", k->zh, no, k->first_zh, a, k->then_zh,
                      b);
        rc = zj_cf_emit(c, l, zj_stmt_text(q, 1, NULL), zj_stmt_text(q, 2, NULL), k->name,
                        "case", k->name, err);
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
    for (size_t i = 0; !rc && i < sizeof checks / sizeof checks[0]; i++)
        rc = run_check(c, &checks[i], &l, err);
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
