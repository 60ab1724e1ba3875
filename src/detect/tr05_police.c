/* tr05_police.c - TR05: a police case that moved on without the mandatory three-regulations
 * declaration (公安执法办案系统“三个规定”必填项).
 *
 * In the police case system the declaration is a mandatory field: a case may not move past
 * acceptance (受案) without it. A case is declared when police_case.three_reg_declared is 1
 * or a `three_reg_declared` process node exists. A lead arises when a case has taken a step
 * the rules list (filed, not_filed, transferred, closed) and either was never declared
 * (flag 0; NULL means unknown and counts only when the rules say so) or was declared only
 * after its first such step. A case still in acceptance review is not a lead.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "detect/common.h"
#include "detect/detect.h"

static const char cases_sql[] =
    "SELECT c.id, c.source_system, c.source_key, c.case_no, c.unit_code, c.officer_no,"
    " c.filing_decision, coalesce(c.filed_at, CASE WHEN c.filing_decision = 'filed'"
    "  THEN c.filing_decided_at END),"
    " CASE WHEN c.filing_decision = 'not_filed' THEN c.filing_decided_at END,"
    " c.transferred_at, c.closed_at, c.three_reg_declared, c.three_reg_declared_at,"
    " (SELECT min(e.occurred_at) FROM case_event e WHERE e.case_system = 'police'"
    "   AND e.case_no = c.case_no AND e.node = 'three_reg_declared')"
    " FROM police_case c"
    " WHERE c.three_reg_declared IS NULL OR c.three_reg_declared = 0"
    "  OR c.three_reg_declared_at IS NOT NULL"
    " ORDER BY c.id";
enum { C_ID, C_SYS, C_KEY, C_NO, C_UNIT, C_OFFICER, C_DECISION, C_FILED, C_NOT_FILED,
       C_TRANSFERRED, C_CLOSED, C_FLAG, C_DECLARED_AT, C_EVENT_AT };

static const char *const step_zh[] = {"立案", "不予立案", "移送审查起诉", "结案"};
static const char *const step_en[] = {"filed", "not_filed", "transferred", "closed"};

static int run_tr05(zj_detect_ctx *c, zj_error *err)
{
    zj_stmt *q;
    int rc = zj_stmt_prepare(c->store, cases_sql, &q, err);
    if (rc)
        return rc;
    bool unknown = zj_param_bool(c, "unknown_is_missing");
    zj_lead l = {0};
    int step;
    while (!rc && (step = zj_stmt_next(q, err)) == 1) {
        /* the steps taken, by time */
        const char *at[4] = {zj_stmt_text(q, C_FILED, NULL), zj_stmt_text(q, C_NOT_FILED, NULL),
                             zj_stmt_text(q, C_TRANSFERRED, NULL), zj_stmt_text(q, C_CLOSED, NULL)};
        int first = -1, nsteps = 0;
        bool transferred = false;
        for (int i = 0; i < 4; i++) {
            if (!at[i] || !zj_param_has(c, "progress_steps", step_en[i], strlen(step_en[i])))
                continue;
            nsteps++;
            transferred |= i == 2;
            if (first < 0 || strcmp(at[i], at[first]) < 0)
                first = i;
        }
        if (!nsteps)
            continue;                               /* still in acceptance review */
        bool flag_null = zj_stmt_is_null(q, C_FLAG);
        bool flag = !flag_null && zj_stmt_int(q, C_FLAG) != 0;
        const char *decl_at = zj_stmt_text(q, C_DECLARED_AT, NULL);
        const char *ev_at = zj_stmt_text(q, C_EVENT_AT, NULL);
        if (!decl_at || (ev_at && strcmp(ev_at, decl_at) < 0))
            decl_at = ev_at;
        bool declared = flag || ev_at;
        bool late = declared && decl_at && strcmp(decl_at, at[first]) > 0;
        if (declared && !late)
            continue;
        if (!declared && flag_null && !unknown)
            continue;
        char no[96], unit[32];
        snprintf(no, sizeof no, "%s", zj_stmt_text(q, C_NO, NULL));
        const char *u = zj_stmt_text(q, C_UNIT, NULL);
        snprintf(unit, sizeof unit, "%s", u ? u : "");
        zj_lead_reset(&l);
        l.subject_table = "police_case";
        l.subject_id = zj_stmt_int(q, C_ID);
        snprintf(l.unit_code, sizeof l.unit_code, "%s", unit);
        int sev = c->severity + (transferred ? (int)zj_param_int(c, "transfer_escalation") : 0);
        l.severity = sev > 4 ? 4 : sev;
        zj_buf sz = {0}, se = {0};
        for (int i = 0, k = 0; i < 4; i++)
            if (at[i] && zj_param_has(c, "progress_steps", step_en[i], strlen(step_en[i]))) {
                zj_buf_printf(&sz, "%s%s %.16s", k ? "、" : "", step_zh[i], at[i]);
                zj_buf_printf(&se, "%s%s %.16s", k++ ? ", " : "", step_en[i], at[i]);
            }
        if (late) {
            zj_buf_printf(&l.title, "公安案件先%s后填报“三个规定” / Police case %s before the "
                          "three-regulations declaration", step_zh[first], step_en[first]);
            zj_buf_printf(&l.explanation,
                          "公安案件 %s 已经%s，但“三个规定”填报时间 %.16s 晚于第一个流转节点（%s %.16s）。"
                          "系统要求填报后案件方可流转。\nPolice case %s moved on (%s) but the "
                          "three-regulations declaration was made only at %.16s, after its first "
                          "step (%s at %.16s); the case system requires it before the case moves on.",
                          no, sz.data, decl_at, step_zh[first], at[first], no, se.data, decl_at,
                          step_en[first], at[first]);
        } else {
            zj_buf_printf(&l.title, "公安案件未填报“三个规定”即流转 / Police case moved on without "
                          "the three-regulations declaration");
            zj_buf_printf(&l.explanation,
                          "公安案件 %s 已经%s，但%s“三个规定”填报。“三个规定”为执法办案系统必填项，未填报不得流转。"
                          "\nPolice case %s moved on (%s) without the mandatory three-regulations "
                          "declaration%s.",
                          no, sz.data, flag_null ? "无" : "未", no, se.data,
                          flag_null ? " (the field is empty)" : "");
        }
        zj_buf_printf(&l.path, "公安案件 %s → %s → 未填报“三个规定”", no, sz.data);
        bool oom = !sz.data || !l.explanation.data;
        zj_buf_free(&sz);
        zj_buf_free(&se);
        const char *sys = zj_stmt_text(q, C_SYS, NULL), *key = zj_stmt_text(q, C_KEY, NULL);
        bool facts_oom = zj_lead_fact_str(&l, "case_no", no) ||
                         zj_lead_fact_str(&l, late ? "declared_late" : "not_declared",
                                          late ? decl_at : (flag_null ? "empty" : "no")) ||
                         zj_lead_fact_str(&l, "first_step", step_en[first]) ||
                         zj_lead_fact_str(&l, "first_step_at", at[first]) ||
                         zj_lead_fact_bool(&l, "transferred", transferred);
        for (int i = 0; !facts_oom && i < 4; i++)
            if (at[i] && zj_param_has(c, "progress_steps", step_en[i], strlen(step_en[i])))
                facts_oom = zj_lead_fact_list_str(&l, "steps", step_en[i]) ||
                            zj_lead_fact_list_str(&l, "step_dates", at[i]);
        if (oom || facts_oom || zj_lead_key_record(&l, sys, key) ||
            zj_lead_evidence(&l, "police_case", l.subject_id, "police case",
                             late ? "declared late" : "not declared"))
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

static const zj_param tr05_params[] = {
    {"progress_steps", ZJ_PARAM_LIST, "filed,not_filed,transferred,closed",
     "steps past acceptance that need the declaration first", 0, 0,
     "filed,not_filed,transferred,closed"},
    {"unknown_is_missing", ZJ_PARAM_BOOL, "false",
     "an empty declaration field counts as not declared", 0, 0, NULL},
    {"transfer_escalation", ZJ_PARAM_INT, "1",
     "severity added when the case was already transferred for prosecution", 0, 3, NULL},
    {NULL, 0, NULL, NULL, 0, 0, NULL},
};

const zj_detector zj_detector_tr05 = {
    "TR05", "公安案件未填报“三个规定”即流转", "Police case progressed without the three-regulations declaration",
    "《领导干部干预司法活动、插手具体案件处理的记录、通报和责任追究规定》（2015）、《司法机关内部人员过问案件的记录和责任追究规定》（2015）；"
    "公安机关执法办案系统将“三个规定”设为必填项，未填报不得流转（政法队伍教育整顿经验做法）",
    2, tr05_params, run_tr05,
};
