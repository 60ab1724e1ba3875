/* sc_medical.c - SC03: temporary execution outside prison on medical grounds without its
 * periodic re-examination (保外就医未按期病情复查).
 *
 * A prisoner released on medical grounds (暂予监外执行, 保外就医) must have the illness
 * re-examined every three months and the result handed to the community-correction body; a
 * release that is never re-examined is how a bought diagnosis keeps a prisoner outside. A
 * lead arises for a granted medical parole whose last re-examination (`last_review_date`, else
 * the decision itself) is more than `review_every_months` (+ `grace_days`) before the
 * reference date, while the term is still running (sentence start + term after the reference
 * date, or unknown). A re-examination due on the reference date is not yet late.
 */
#include <stdio.h>
#include <string.h>

#include "detect/common.h"
#include "detect/detect.h"
#include "text/period.h"

static const char medical_sql[] =
    "SELECT id, source_system, source_key, change_no, prison_unit_code, coalesce(crime, ''),"
    " sentence_months, sentence_start_date, decided_at, last_review_date"
    " FROM sentence_change"
    " WHERE change_type = 'medical_parole' AND decision = 'granted'"
    " ORDER BY id";
enum { C_ID, C_SYS, C_KEY, C_NO, C_UNIT, C_CRIME, C_MONTHS, C_START, C_DECIDED, C_REVIEW };

static int run_sc03(zj_detect_ctx *c, zj_error *err)
{
    zj_stmt *q;
    int rc = zj_stmt_prepare(c->store, medical_sql, &q, err);
    if (rc)
        return rc;
    int every = (int)zj_param_int(c, "review_every_months");
    long grace = (long)zj_param_int(c, "grace_days");
    zj_lead l = {0};
    int step;
    while (!rc && (step = zj_stmt_next(q, err)) == 1) {
        long decided = zj_stmt_day(q, C_DECIDED, ZJ_DAY_MIN);
        long review = zj_stmt_day(q, C_REVIEW, ZJ_DAY_MIN);
        long last = review != ZJ_DAY_MIN ? review : decided;
        if (last == ZJ_DAY_MIN || last > c->as_of_day)
            continue;                                   /* nothing to measure from */
        long start = zj_stmt_day(q, C_START, ZJ_DAY_MIN);
        if (start != ZJ_DAY_MIN && !zj_stmt_is_null(q, C_MONTHS) &&
            zj_add_months_same_day(start, (int)zj_stmt_int(q, C_MONTHS)) <= c->as_of_day)
            continue;                                   /* the term is over */
        long due = zj_add_months_same_day(last, every) + grace;
        if (c->as_of_day <= due)
            continue;
        long late = c->as_of_day - due;
        char dl[11], dd[11];
        zj_day_format(last, dl);
        zj_day_format(due, dd);
        const char *no = zj_stmt_text(q, C_NO, NULL), *unit = zj_stmt_text(q, C_UNIT, NULL);
        zj_lead_reset(&l);
        l.subject_table = "sentence_change";
        l.subject_id = zj_stmt_int(q, C_ID);
        snprintf(l.unit_code, sizeof l.unit_code, "%s", unit ? unit : "");
        int sev = c->severity + (late > 90 ? 1 : 0);
        l.severity = sev > 4 ? 4 : sev;
        zj_buf_printf(&l.title, "保外就医未按期病情复查 / Medical parole without its periodic "
                      "re-examination");
        zj_buf_printf(&l.explanation,
                      "暂予监外执行（保外就医）案件 %s（%s）%s %s，此后应每%d个月病情复查一次，%s 到期，至 %s 已逾期%ld天。"
                      "\nMedical parole %s (%s): %s on %s; the illness must be re-examined every "
                      "%d months, due %s, %ld days overdue on %s.",
                      no, zj_stmt_text(q, C_CRIME, NULL), review != ZJ_DAY_MIN ? "最近复查于" : "决定于",
                      dl, every, dd, c->as_of, late, no, zj_stmt_text(q, C_CRIME, NULL),
                      review != ZJ_DAY_MIN ? "last re-examined" : "granted", dl, every, dd, late,
                      c->as_of);
        zj_buf_printf(&l.path, "保外就医 %s → %s %s → 逾期未复查", no,
                      review != ZJ_DAY_MIN ? "复查" : "决定", dl);
        if (!l.explanation.data || !l.path.data ||
            zj_lead_key_record(&l, zj_stmt_text(q, C_SYS, NULL), zj_stmt_text(q, C_KEY, NULL)) ||
            zj_lead_evidence(&l, "sentence_change", l.subject_id, "medical parole",
                             "re-examination overdue"))
            rc = zj_fail(err, ZJ_EDATA, "out of memory");
        else
            rc = zj_sink_emit(c->sink, &l, err);
    }
    if (!rc && step < 0)
        rc = ZJ_EDATA;
    zj_lead_free(&l);
    zj_stmt_finalize(q);
    return rc;
}

static const zj_param sc03_params[] = {
    {"review_every_months", ZJ_PARAM_INT, "3", "months between two re-examinations", 1, 60, NULL},
    {"grace_days", ZJ_PARAM_INT, "0", "days allowed past the due date before a lead", 0, 365, NULL},
    {NULL, 0, NULL, NULL, 0, 0, NULL},
};

const zj_detector zj_detector_sc03 = {
    "SC03", "保外就医未按期病情复查", "Medical parole without its periodic re-examination",
    "《中华人民共和国刑事诉讼法》第二百六十五条、第二百六十八条（暂予监外执行及收监）；《暂予监外执行规定》（司发通〔2014〕112号）；"
    "《中华人民共和国社区矫正法实施办法》（司发通〔2020〕59号）（保外就医的社区矫正对象定期提交病情复查情况）",
    3, sc03_params, run_sc03,
};
