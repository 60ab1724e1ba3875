/* emit_cases_foreign.c - the case files in their foreign layouts, where a row says things
 * differently from the default layout, not only in other words:
 *  - the court ledger has no court column and only 民事/刑事/执行/行政 as its type: court and
 *    type code are inside the case number; an extension of the time limit is three columns
 *    of the case (审限延长天数, its approval number and approver), not a process node;
 *  - the procuratorate ledger names no unit: it is inside 部门受案号; an extension of the
 *    review period is a flag (延长审查起诉 = 是/否) with its approval, not a node;
 *  - the police case list has one status (案件状态) and one status time (状态时间) whose
 *    meaning depends on it: the transfer date when 移送起诉, the closing date when 撤案 ...
 * The same cases as the default layouts (cases.c): only the writing differs.
 */
#include <string.h>

#include "gen/exports.h"
#include "gen/internal.h"
#include "gen/layout.h"
#include "gen/layout_exports.h"

#define N(a) ((int)(sizeof a / sizeof a[0]))

static void opt_time(zg_writer *w, int64_t t)
{
    if (t >= 0)
        zg_time(w, t);
    else
        zg_null(w);
}

static void officer_or_null(zg *g, zg_writer *w, int64_t o)
{
    char off[16];
    if (o < 0) {
        zg_null(w);
        return;
    }
    zg_officer_key(g, o, off, sizeof off);
    zg_s(w, off);
}

/* ---- police cases: one status, one status time ------------------------------------------ */

static const zg_col pc_cols[] = {
    {"case_no", "案件编号", 0, NULL},
    {"kind", "案件类型", 0, NULL},
    {"cause", "案由", 0, NULL},
    {"incident_no", "警情编号", 0, NULL},
    {"unit_code", "主办单位", 0, NULL},
    {"officer_no", "主办人", 0, NULL},
    {"accepted_at", "受案时间", ZG_SLASH_MIN, NULL},
    {"filed_at", "立案时间", ZG_SLASH_MIN, NULL},
    {"filing_doc_no", "立案文书号", 0, NULL},
    {"major", "是否重特大案件", 0, NULL},
    {"status", "案件状态", 0, NULL},
    {"status_at", "状态时间", ZG_SLASH_MIN, NULL},
    {"revoke_reason", "撤案理由", 0, NULL},
    {"procuratorate_case_no", "移送检察院受案号", 0, NULL},
    {"three_reg_declared", "三个规定是否填报", 0, NULL},
};
const zg_export zg_f_police_cases = {
    "刑事行政案件信息.csv", "police_cases.mapping.yaml", "police_case", "police_case",
    "police case list, foreign layout: one status with its time, the unit by name", ZG_CSV,
    ZG_GB18030, ',', "[case_no]", pc_cols, N(pc_cols), NULL};

int zg_foreign_police_case(zg *g, zg_writer *w, const zg_chain *ch)
{
    if (!ch->has_case)
        return ZJ_OK;
    /* the one status an officer sees, and the time it was reached */
    const char *st;
    int64_t at = -1;
    if (ch->status[0] == 'r')
        st = "受案审查";
    else if (ch->status[0] == 'i')
        st = "立案侦查";
    else if (ch->status[0] == 't')
        st = "移送起诉", at = ch->transferred;
    else {
        at = ch->closed;
        st = ch->decision[0] == 'n' ? "不予立案"
           : !ch->close_reason ? "已结案"
           : ch->close_reason[0] == 'r' ? "撤案"
           : ch->close_reason[0] == 'p' ? "行政处罚"
           : ch->close_reason[0] == 't' ? "移送起诉" : "已结案";
    }
    zg_row_begin(w);
    zg_s(w, ch->case_no);
    zg_s(w, ch->kind[0] == 'c' ? "刑事案件" : "行政案件");
    zg_s(w, ch->cause);
    zg_s(w, ch->incident_no);
    zg_s(w, g->units[ch->police_unit].name);
    officer_or_null(g, w, ch->police_officer);
    zg_time(w, ch->accepted);
    opt_time(w, ch->filed);
    zg_s(w, ch->filing_doc[0] ? ch->filing_doc : NULL);
    zg_s(w, ch->major ? "是" : "否");
    zg_s(w, st);
    opt_time(w, at);
    static const char *const reasons[] = {"经查不构成犯罪", "情节显著轻微、危害不大，不认为是犯罪",
                                          "犯罪已过追诉时效期限", "犯罪嫌疑人死亡"};
    zg_s(w, strcmp(st, "撤案") == 0 ? reasons[ch->i % 4] : NULL);
    zg_s(w, ch->has_procu && ch->procu_no_in_police ? ch->procu_no : NULL);
    zg_s(w, ch->declared ? "是" : "否");
    return zg_row_end(w) ? ZJ_EDATA : ZJ_OK;
}

/* ---- procuratorate: the unit inside 部门受案号, the extension as a flag ------------------ */

void zg_foreign_procu_no(const zg *g, zg_chain *ch)
{
    const char *close = strstr(ch->procu_no, "〕");
    if (!ch->has_procu || !close)
        return;
    char out[sizeof ch->procu_no];
    size_t head = (size_t)(close - ch->procu_no) + strlen("〕");
    if (head + 7 + strlen(ch->procu_no + head) >= sizeof out)
        return;
    memcpy(out, ch->procu_no, head);
    int k = (int)head;
    k += zg_fmt_int(out + k, g->units[ch->procu_unit].region, 6);
    strcpy(out + k, ch->procu_no + head);
    strcpy(ch->procu_no, out);
}

static const zg_col qc_cols[] = {
    {"case_no", "部门受案号", 0, NULL},
    {"kind", "案件类别名称", 0, NULL},
    {"cause", "案由", 0, NULL},
    {"police_case_no", "移送案件编号", 0, NULL},
    {"officer_no", "承办检察官", 0, NULL},
    {"received_at", "受理日期", ZG_ISO_TS, NULL},
    {"returns", "退回补充侦查次数", 0, NULL},
    {"review_extended", "延长审查起诉", 0, NULL},
    {"extension_approval_no", "延长审查起诉文书号", 0, NULL},
    {"extended_at", "延长审查起诉日期", ZG_ISO_TS, NULL},
    {"extension_days", "延长天数", 0, NULL},
    {"extension_approver", "延长批准人", 0, NULL},
    {"decision", "审查结论", 0, NULL},
    {"decided_at", "办结日期", ZG_ISO_TS, NULL},
    {"court_case_no", "起诉后法院案号", 0, NULL},
    {"status", "案件状态", 0, NULL},
};
const zg_export zg_f_procu_cases = {
    "审查起诉案件台账.csv", "procuratorate_cases.mapping.yaml", "procu_tyyw",
    "procuratorate_case", "procuratorate ledger, foreign layout: the unit only inside 部门受案号, "
    "the review extension as a flag", ZG_CSV, ZG_GB18030, ',', "[case_no]", qc_cols,
    N(qc_cols), NULL};

static const zg_event *find_event(const zg_event *ev, int n, const char *node)
{
    for (int k = 0; k < n; k++)
        if (strcmp(ev[k].node, node) == 0)
            return &ev[k];
    return NULL;
}

int zg_foreign_procu_case(zg *g, zg_writer *w, const zg_chain *ch)
{
    if (!ch->has_procu || !ch->procu_in_ledger)
        return ZJ_OK;
    const zg_event *ext = find_event(ch->qev, ch->nqev, "延长审查起诉期限");
    const char *dec = ch->procu_decision[0] == 'p' && ch->procu_decision[1] == 'r'
                          ? "提起公诉" : ch->procu_decision[0] == 'n' ? "不起诉" : NULL;
    zg_row_begin(w);
    zg_s(w, ch->procu_no);
    zg_s(w, "审查起诉案件");
    zg_s(w, ch->cause);
    zg_s(w, ch->procu_police_no[0] ? ch->procu_police_no : NULL);
    officer_or_null(g, w, ch->procu_officer);
    zg_time(w, ch->procu_received);
    zg_i(w, 0);                       /* returns for supplementary investigation: none planted */
    zg_s(w, ext ? "是" : "否");
    zg_s(w, ext && ext->approval[0] ? ext->approval : NULL);
    opt_time(w, ext ? ext->at : -1);
    if (ext && ext->days)
        zg_i(w, ext->days);
    else
        zg_null(w);
    zg_s(w, ext ? ext->approver : NULL);
    zg_s(w, dec);
    opt_time(w, ch->procu_decided);
    zg_s(w, ch->has_court ? ch->court.case_no : NULL);
    zg_s(w, ch->procu_decided >= 0 ? "已办结" : "在办");
    return zg_row_end(w) ? ZJ_EDATA : ZJ_OK;
}

static const zg_col qe_cols[] = {
    {"case_no", "bmsah", 0, NULL},
    {"node", "lcjd", 0, NULL},
    {"occurred_at", "clsj", ZG_COMPACT_TS, NULL},
    {"officer_no", "jbr", 0, NULL},
    {"doc_no", "wsh", 0, NULL},
};
const zg_export zg_f_procu_events = {
    "tyyw_lcjd.jsonl", "procuratorate_events.mapping.yaml", "procu_tyyw", "case_event",
    "procuratorate process nodes, foreign layout: no extension rows (they are in the ledger)",
    ZG_JSONL, ZG_UTF8, ',', "[case_system, case_no, node, occurred_at]", qe_cols, N(qe_cols),
    NULL};

/* The process nodes of one case without its extensions (a foreign ledger has them as
 * columns), one node renamed as the foreign system names it. */
static int nodes_without_extensions(zg *g, zg_writer *w, const char *case_no,
                                    const zg_event *ev, int n, const char *extension,
                                    const char *from, const char *to)
{
    for (int k = 0; k < n; k++) {
        const zg_event *e = &ev[k];
        if (strcmp(e->node, extension) == 0)
            continue;
        zg_row_begin(w);
        zg_s(w, case_no);
        zg_s(w, strcmp(e->node, from) == 0 ? to : e->node);
        zg_time(w, e->at);
        officer_or_null(g, w, e->officer);
        zg_s(w, e->doc[0] ? e->doc : NULL);
        if (zg_row_end(w))
            return ZJ_EDATA;
    }
    return ZJ_OK;
}

int zg_foreign_procu_events(zg *g, zg_writer *w, const zg_chain *ch)
{
    if (!ch->has_procu || !ch->procu_in_ledger)
        return ZJ_OK;
    return nodes_without_extensions(g, w, ch->procu_no, ch->qev, ch->nqev, "延长审查起诉期限",
                                    "受理", "案件受理");
}

/* ---- court: court and type code only in the case number; extensions as columns ---------- */

static const zg_col cc_cols[] = {
    {"case_no", "案号", 0, NULL},
    {"case_kind", "案件类别", 0, NULL},
    {"cause", "案由", 0, NULL},
    {"procedure", "审理程序", 0, NULL},
    {"judge_officer_no", "承办人", 0, NULL},
    {"filed_at", "立案日期", ZG_SLASH_MIN, NULL},
    {"claim_amount", "诉讼标的额", 0, NULL},
    {"extension_days", "审限延长天数", 0, NULL},
    {"extension_approval_no", "延长审限审批单号", 0, NULL},
    {"extension_approver", "延长审限批准人", 0, NULL},
    {"extended_at", "延长审限批准时间", ZG_SLASH_MIN, NULL},
    {"closed_at", "结案日期", ZG_SLASH_MIN, NULL},
    {"outcome", "结案方式", 0, NULL},
    {"procuratorate_case_no", "公诉机关受案号", 0, NULL},
    {"status", "审理状态", 0, NULL},
    {"defence", "被告应诉情况", 0, NULL},
    {"claims", "原告诉请", 0, NULL},
};
const zg_export zg_f_court_cases = {
    "案件信息表.csv", "court_cases.mapping.yaml", "court_cms", "court_case",
    "court cases, foreign layout: court and type code only in the case number, extensions as "
    "columns", ZG_CSV, ZG_GB18030, ',', "[case_no]", cc_cols, N(cc_cols), NULL};

static const char *case_kind(const char *type)
{
    return strcmp(type, "执") == 0 ? "执行"
         : strncmp(type, "民", 3) == 0 ? "民事" : strncmp(type, "刑", 3) == 0 ? "刑事"
         : strncmp(type, "行", 3) == 0 ? "行政" : "执行";
}

static const char *procedure_zh(const char *p)
{
    return strcmp(p, "summary") == 0 || strcmp(p, "criminal_summary") == 0 ? "简易程序"
         : strcmp(p, "small_claims") == 0 ? "小额诉讼"
         : strcmp(p, "second_instance") == 0 ? "二审"
         : strcmp(p, "enforcement") == 0 ? "执行实施"
         : strcmp(p, "fast_track") == 0 ? "速裁" : "普通程序";
}

static const char *outcome_text(const char *o)
{
    if (!o)
        return NULL;
    static const char *const en[] = {"judgment", "mediation", "withdrawn", "dismissed",
                                     "executed", "terminated", "conviction", "acquittal"};
    static const char *const zh[] = {"判决", "调解结案", "准予撤诉", "裁定驳回起诉",
                                     "执行完毕", "终结本次执行程序", "判决有罪", "宣告无罪"};
    for (int i = 0; i < 8; i++)
        if (strcmp(o, en[i]) == 0)
            return zh[i];
    return "判决";
}

int zg_foreign_court_case(zg *g, zg_writer *w, const zg_civil *cs, const char *procu_no)
{
    const zg_event *ext = find_event(cs->ev, cs->nev, "延长审限");
    char amount[192];
    zg_row_begin(w);
    zg_s(w, cs->case_no);
    zg_s(w, case_kind(cs->type));
    zg_s(w, cs->cause);
    zg_s(w, procedure_zh(cs->procedure));
    officer_or_null(g, w, cs->judge);
    zg_time(w, cs->filed);
    if (cs->claim > 0) {
        int n = zg_fmt_yuan(amount, cs->claim);
        if (cs->c % 23 == 7) {          /* typed with full-width digits: １２，０００.００元 */
            char wide[192];
            int k = 0;
            for (int i = 0; i < n; i++)
                if (amount[i] >= '0' && amount[i] <= '9')
                    wide[k++] = '\xef', wide[k++] = '\xbc', wide[k++] = (char)(0x90 + amount[i] - '0');
                else
                    wide[k++] = amount[i];
            wide[k] = '\0';
            strcpy(amount, wide);
        }
        zg_s(w, amount);
    } else
        zg_null(w);
    zg_i(w, ext ? ext->days : 0);
    zg_s(w, ext && ext->approval[0] ? ext->approval : NULL);
    zg_s(w, ext ? ext->approver : NULL);
    opt_time(w, ext ? ext->at : -1);
    opt_time(w, cs->closed);
    zg_s(w, outcome_text(cs->outcome));
    zg_s(w, procu_no);
    zg_s(w, cs->closed >= 0 ? "已结案" : "审理中");
    const char *d = cs->defence;
    zg_s(w, !d ? NULL : !strcmp(d, "no_answer") ? "未提交答辩状" : !strcmp(d, "default")
            ? "经传票传唤无正当理由拒不到庭" : !strcmp(d, "admitted") ? "当庭认诺全部诉讼请求"
            : "到庭应诉");
    zg_s(w, cs->claims[0] ? cs->claims : NULL);
    return zg_row_end(w) ? ZJ_EDATA : ZJ_OK;
}

static const zg_col ce_cols[] = {
    {"case_no", "案号", 0, NULL},
    {"node", "流程节点", 0, NULL},
    {"occurred_at", "完成时间", ZG_ISO_TS, NULL},
    {"officer_no", "经办人", 0, NULL},
    {"doc_no", "文书号", 0, NULL},
};
const zg_export zg_f_court_events = {
    "审判流程节点信息.csv", "court_events.mapping.yaml", "court_cms", "case_event",
    "court process nodes, foreign layout: extensions are in the case list", ZG_CSV, ZG_UTF8,
    ',', "[case_system, case_no, node, occurred_at]", ce_cols, N(ce_cols), NULL};

int zg_foreign_court_events(zg *g, zg_writer *w, const zg_civil *cs)
{
    return nodes_without_extensions(g, w, cs->case_no, cs->ev, cs->nev, "延长审限", "宣判",
                                    "宣判送达");
}
