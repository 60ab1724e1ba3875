/* emit_cases.c - case exports: 110 incidents, the police case system (cases, people involved,
 * process steps), the procuratorate's ledger and steps, and the court's trial-management
 * system (cases, parties with their lawyers, process nodes). All built from the domains in
 * cases.c, so an incident, its police case, the procuratorate's review and the court case
 * agree across files.
 */
#include <stdlib.h>
#include <string.h>

#include "gen/anomalies.h"
#include "gen/exports.h"
#include "gen/internal.h"
#include "gen/layout.h"
#include "gen/layout_exports.h"

/* ---- 110 incidents (接处警): UTF-8, Chinese headers, slash dates, coded categories ---------- */

static const zg_col inc_cols[] = {
    {"incident_no", "接警单编号", 0, NULL},
    {"received_at", "报警时间", ZG_SLASH_MIN, NULL},
    {"category", "警情类别", 0, "codes: {\"01\": criminal, \"02\": public_security, "
                               "\"03\": dispute, \"04\": traffic, \"05\": help, \"06\": other}"},
    {"summary", "简要警情", 0, NULL},
    {"location", "发生地点", 0, NULL},
    {"region_code", "行政区划", 0, NULL},
    {"reporter_name", "报警人", 0, NULL},
    {"reporter_phone", "报警电话", 0, NULL},
    {"unit_code", "处警单位", 0, NULL},
    {"officer_no", "处警民警", 0, NULL},
    {"disposition", "处理结果", 0, "codes: {受案: accepted, 调解: mediated, 无违法犯罪: no_crime, "
                                  "移交: referred, 其他: other}"},
    {"disposed_at", "处理时间", ZG_SLASH_MIN, NULL},
    {"police_case_no", "案件编号", 0, NULL},
};
const zg_export zg_x_incidents = {
    "110接处警.csv", "police_110.mapping.yaml", "police_110", "incident",
    "110 incident reports and dispatch (接处警)", ZG_CSV, ZG_UTF8, ',', "[incident_no]",
    inc_cols, 13, NULL};

static const char *cat_code(const char *c)
{
    static const char *const cats[] = {"criminal", "public_security", "dispute", "traffic",
                                       "help", "other"};
    static const char *const codes[] = {"01", "02", "03", "04", "05", "06"};
    for (int i = 0; i < 6; i++)
        if (strcmp(c, cats[i]) == 0)
            return codes[i];
    return "06";
}

static const char *disp_zh(const char *d)
{
    return strcmp(d, "accepted") == 0 ? "受案" : strcmp(d, "mediated") == 0 ? "调解"
         : strcmp(d, "referred") == 0 ? "移交" : strcmp(d, "no_crime") == 0 ? "无违法犯罪"
                                              : "其他";
}

static int incidents_rows(zg *g, zg_writer *w, const zg_chain *ch, int64_t i)
{
    (void)i;
    zg_person rp;
    zg_mk_person(g, ch->reporter, &rp);
    char name[64], id[64], phone[64], addr[160], reg[8], off[16];
    unsigned noise = zg_dirty_person(g, &rp, (11ull << 48) ^ (uint64_t)i, 1.0, name, id) &
                     (ZG_N_TYPO | ZG_N_HOMOPHONE | ZG_N_TRADITIONAL | ZG_N_SPACES);
    zg_dirty_phone(g, rp.phone, (uint64_t)i * 3, phone);
    zg_address(g, ch->reporter + 1, ch->county, addr);
    zg_fmt_int(reg, g->counties[ch->county].code, 6);
    zg_officer_key(g, ch->officer, off, sizeof off);
    zg_row_begin(w);
    zg_s(w, ch->incident_no);
    zg_time(w, ch->received);
    zg_s(w, cat_code(ch->category));
    zg_s(w, ch->summary);
    zg_s(w, addr);
    zg_s(w, reg);
    zg_s(w, name);
    zg_s(w, phone);
    zg_s(w, g->units[ch->station].code);
    zg_s(w, off);
    zg_s(w, disp_zh(ch->disposition));
    zg_time(w, ch->disposed);
    zg_s(w, ch->has_case ? ch->case_no : NULL);
    if (zg_row_end(w))
        return ZJ_EDATA;
    zg_mention(g, "incident", "police_110", ch->incident_no, "reporter", true, ch->reporter,
               noise);
    return ZJ_OK;
}

/* ---- police case system (执法办案): GB18030, Chinese headers ------------------------------ */

static const zg_col pc_cols[] = {
    {"case_no", "案件编号", 0, NULL},
    {"incident_no", "接警单编号", 0, NULL},
    {"kind", "案件类型", 0, "codes: {刑事: criminal, 行政: administrative}"},
    {"cause", "案由", 0, NULL},
    {"unit_code", "办案单位", 0, NULL},
    {"officer_no", "主办民警", 0, NULL},
    {"accepted_at", "受案时间", ZG_ISO_TS, NULL},
    {"filing_decision", "立案审查结果", 0, "codes: {立案: filed, 不予立案: not_filed, 审查中: pending}"},
    {"filed_at", "立案时间", ZG_ISO_TS, NULL},
    {"filing_doc_no", "立案决定书文号", 0, NULL},
    {"major", "重大案件", 0, NULL},
    {"closed_at", "结案时间", ZG_ISO_TS, NULL},
    {"close_reason", "结案方式", 0, "codes: {移送起诉: transferred, 撤销案件: revoked, "
                                   "行政处罚: penalised, 调解: mediated, 其他: other}"},
    {"transferred_at", "移送起诉时间", ZG_ISO_TS, NULL},
    {"procuratorate_case_no", "检察院受案号", 0, NULL},
    {"three_reg_declared", "三个规定填报", 0, "true: [已填报], false: [未填报]"},
    {"status", "案件状态", 0, "codes: {审查中: reviewing, 侦查中: investigating, 已移送: transferred, "
                             "已结案: closed}"},
};
const zg_export zg_x_police_cases = {
    "执法办案_案件信息.csv", "police_cases.mapping.yaml", "police_case", "police_case",
    "police law-enforcement case system (执法办案): cases from acceptance to transfer, GB18030",
    ZG_CSV, ZG_GB18030, ',', "[case_no]", pc_cols, 17, NULL};

static const char *pc_status_zh(const char *s)
{
    return s[0] == 'r' ? "审查中" : s[0] == 'i' ? "侦查中" : s[0] == 't' ? "已移送" : "已结案";
}

static void opt_time(zg_writer *w, int64_t t)
{
    if (t >= 0)
        zg_time(w, t);
    else
        zg_null(w);
}

static int police_cases_rows(zg *g, zg_writer *w, const zg_chain *ch, int64_t i)
{
    (void)i;
    if (!ch->has_case)
        return ZJ_OK;
    char off[16];
    zg_officer_key(g, ch->police_officer, off, sizeof off);
    const char *dec = ch->decision[0] == 'f' ? "立案" : ch->decision[0] == 'n' ? "不予立案"
                                                                         : "审查中";
    const char *cr = !ch->close_reason ? NULL : ch->close_reason[0] == 't' ? "移送起诉"
                   : ch->close_reason[0] == 'r' ? "撤销案件"
                   : ch->close_reason[0] == 'p' ? "行政处罚" : "其他";
    zg_row_begin(w);
    zg_s(w, ch->case_no);
    zg_s(w, ch->incident_no);
    zg_s(w, ch->kind[0] == 'c' ? "刑事" : "行政");
    zg_s(w, ch->cause);
    zg_s(w, g->units[ch->police_unit].code);
    zg_s(w, off);
    zg_time(w, ch->accepted);
    zg_s(w, dec);
    opt_time(w, ch->filed);
    zg_s(w, ch->filing_doc[0] ? ch->filing_doc : NULL);
    zg_s(w, ch->major ? "是" : "否");
    opt_time(w, ch->closed);
    zg_s(w, cr);
    opt_time(w, ch->transferred);
    zg_s(w, ch->has_procu && ch->procu_no_in_police ? ch->procu_no : NULL);
    zg_s(w, ch->declared ? "已填报" : "未填报");
    zg_s(w, pc_status_zh(ch->status));
    if (zg_row_end(w))
        return ZJ_EDATA;
    return ZJ_OK;
}

static const zg_col pp_cols[] = {
    {"case_system", NULL, 0, "const: police"},
    {"case_no", "案件编号", 0, NULL},
    {"role", "人员类型", 0, "codes: {犯罪嫌疑人: suspect, 违法嫌疑人: suspect, 被害人: victim}"},
    {"party_kind", NULL, 0, "const: person"},
    {"name", "姓名", 0, NULL},
    {"id_no", "身份证号", 0, NULL},
    {"phone", "联系电话", 0, NULL},
    {"address", "住址", 0, NULL},
};
const zg_export zg_x_police_parties = {
    "执法办案_涉案人员.csv", "police_parties.mapping.yaml", "police_case", "case_party",
    "people involved in police cases (涉案人员), GB18030", ZG_CSV, ZG_GB18030, ',',
    "[case_system, case_no, role, name]", pp_cols, 8, NULL};

static int police_party(zg *g, zg_writer *w, const zg_chain *ch, int64_t k, const char *role_zh,
                        const char *role, uint64_t salt)
{
    zg_person p;
    zg_mk_person(g, k, &p);
    char name[64], id[64], addr[160], key[192];
    unsigned noise = zg_dirty_person(g, &p, salt, 1.0, name, id) &
                     (ZG_N_MISSING_ID | ZG_N_LEGACY_ID | ZG_N_BAD_CHECK | ZG_N_FULLWIDTH);
    zg_address_written(g, k, p.county, salt, addr);
    zg_row_begin(w);
    zg_s(w, ch->case_no);
    zg_s(w, role_zh);
    zg_s(w, p.name);                  /* part of the key: kept clean */
    zg_s(w, id[0] ? id : NULL);
    zg_s(w, p.phone);
    zg_s(w, addr);
    if (zg_row_end(w))
        return ZJ_EDATA;
    zg_key(key, sizeof key, 4, "police", ch->case_no, role, p.name);
    return zg_mention(g, "case_party", "police_case", key, "party", true, k, noise);
}

static int police_parties_rows(zg *g, zg_writer *w, const zg_chain *ch, int64_t i)
{
    (void)i;
    if (!ch->has_case)
        return ZJ_OK;
    bool crim = ch->kind[0] == 'c';
    if (police_party(g, w, ch, ch->suspect, crim ? "犯罪嫌疑人" : "违法嫌疑人", "suspect",
                     (12ull << 48) ^ (uint64_t)i * 2))
        return ZJ_EDATA;
    if (ch->victim >= 0 &&
        police_party(g, w, ch, ch->victim, "被害人", "victim", (12ull << 48) ^ ((uint64_t)i * 2 + 1)))
        return ZJ_EDATA;
    return ZJ_OK;
}

static const zg_col pe_cols[] = {
    {"case_system", NULL, 0, "const: police"},
    {"case_no", "案件编号", 0, NULL},
    {"node", "环节代码", 0, "codes: police_nodes"},
    {"occurred_at", "发生时间", ZG_ISO_T, NULL},
    {"officer_no", "经办民警", 0, NULL},
    {"doc_no", "文书号", 0, NULL},
    {"approval_no", "审批单号", 0, NULL},
    {"approver", "审批人", 0, NULL},
    {"days", "期限天数", 0, NULL},
};
const zg_export zg_x_police_events = {
    "执法办案_流程节点.csv", "police_events.mapping.yaml", "police_case", "case_event",
    "process steps of police cases with their documents and approvals; step codes", ZG_CSV,
    ZG_UTF8, ',', "[case_system, case_no, node, occurred_at]", pe_cols, 9,
    "code_tables:\n  police_nodes: {\"01\": accepted, \"02\": extension, \"03\": not_filed, "
    "\"04\": filed, \"05\": detention, \"06\": arrest_requested, \"07\": bail, "
    "\"08\": arrested, \"09\": interrogation, \"10\": penalised, \"11\": extension, "
    "\"12\": revoked, \"13\": transferred, \"14\": suspension}\n"};

static void event_tail(zg *g, zg_writer *w, const zg_event *e)
{
    char off[16];
    if (e->officer >= 0) {
        zg_officer_key(g, e->officer, off, sizeof off);
        zg_s(w, off);
    } else
        zg_null(w);
    zg_s(w, e->doc[0] ? e->doc : NULL);
    zg_s(w, e->approval[0] ? e->approval : NULL);
    zg_s(w, e->approver);
    if (e->days)
        zg_i(w, e->days);
    else
        zg_null(w);
}

static int police_events_rows(zg *g, zg_writer *w, const zg_chain *ch, int64_t i)
{
    (void)i;
    for (int k = 0; k < ch->npev; k++) {
        zg_row_begin(w);
        zg_s(w, ch->case_no);
        zg_s(w, ch->pev[k].node);
        zg_time(w, ch->pev[k].at);
        event_tail(g, w, &ch->pev[k]);
        if (zg_row_end(w))
            return ZJ_EDATA;
    }
    return ZJ_OK;
}

/* ---- procuratorate ledger (检察业务应用系统): UTF-8, 年月日 dates -------------------------- */

static const zg_col qc_cols[] = {
    {"case_no", "部门受案号", 0, NULL},
    {"police_case_no", "侦查机关案件编号", 0, NULL},
    {"kind", "案件类别", 0, "codes: {审查起诉: prosecution_review, 审查逮捕: arrest_review}"},
    {"cause", "案由", 0, NULL},
    {"unit_code", "承办单位", 0, NULL},
    {"officer_no", "承办检察官", 0, NULL},
    {"received_at", "受理日期", ZG_CN_MIN, NULL},
    {"decision", "审查结论", 0, "codes: {提起公诉: prosecute, 不起诉: not_prosecute, 审查中: pending}"},
    {"decided_at", "决定日期", ZG_CN_MIN, NULL},
    {"court_case_no", "法院案号", 0, NULL},
    {"status", "案件状态", 0, "codes: {办结: closed, 在办: open}"},
};
const zg_export zg_x_procu_cases = {
    "检察业务_案件台账.csv", "procuratorate_cases.mapping.yaml", "procu_tyyw",
    "procuratorate_case", "procuratorate case ledger (统一业务应用系统), dates as 年月日",
    ZG_CSV, ZG_UTF8, ',', "[case_no]", qc_cols, 11, NULL};

static int procu_cases_rows(zg *g, zg_writer *w, const zg_chain *ch, int64_t i)
{
    (void)i;
    if (!ch->has_procu || !ch->procu_in_ledger)
        return ZJ_OK;
    char off[16];
    zg_officer_key(g, ch->procu_officer, off, sizeof off);
    const char *dec = ch->procu_decision[0] == 'p' && ch->procu_decision[1] == 'r'
                          ? "提起公诉" : ch->procu_decision[0] == 'n' ? "不起诉" : "审查中";
    zg_row_begin(w);
    zg_s(w, ch->procu_no);
    zg_s(w, ch->procu_police_no[0] ? ch->procu_police_no : NULL);
    zg_s(w, "审查起诉");
    zg_s(w, ch->cause);
    zg_s(w, g->units[ch->procu_unit].code);
    zg_s(w, off);
    zg_time(w, ch->procu_received);
    zg_s(w, dec);
    opt_time(w, ch->procu_decided);
    zg_s(w, ch->has_court ? ch->court.case_no : NULL);
    zg_s(w, ch->procu_decided >= 0 ? "办结" : "在办");
    if (zg_row_end(w))
        return ZJ_EDATA;
    return ZJ_OK;
}

static const zg_col qe_cols[] = {
    {"case_system", NULL, 0, "const: procuratorate"},
    {"case_no", "bmsah", 0, NULL},
    {"node", "jdmc", 0, "codes: {受理: received, 延长审查起诉期限: extension, "
                       "提起公诉: prosecute, 不起诉: not_prosecute}"},
    {"occurred_at", "fssj", ZG_ISO_TS, NULL},
    {"officer_no", "cbr", 0, NULL},
    {"doc_no", "wsh", 0, NULL},
    {"approval_no", "spdh", 0, NULL},
    {"approver", "spr", 0, NULL},
    {"days", "ts", 0, NULL},
};
const zg_export zg_x_procu_events = {
    "procu_flow.jsonl", "procuratorate_events.mapping.yaml", "procu_tyyw", "case_event",
    "procuratorate process nodes, JSON Lines with pinyin keys", ZG_JSONL, ZG_UTF8, ',',
    "[case_system, case_no, node, occurred_at]", qe_cols, 9, NULL};

static int procu_events_rows(zg *g, zg_writer *w, const zg_chain *ch, int64_t i)
{
    (void)i;
    if (!ch->has_procu || !ch->procu_in_ledger)
        return ZJ_OK;
    for (int k = 0; k < ch->nqev; k++) {
        zg_row_begin(w);
        zg_s(w, ch->procu_no);
        zg_s(w, ch->qev[k].node);
        zg_time(w, ch->qev[k].at);
        event_tail(g, w, &ch->qev[k]);
        if (zg_row_end(w))
            return ZJ_EDATA;
    }
    return ZJ_OK;
}

/* The suspects of the procuratorate's cases (犯罪嫌疑人), as its system lists them beside the
 * ledger: the same people as the police case's suspects, written by the procuratorate. */
static const zg_col qp_cols[] = {
    {"case_system", NULL, 0, "const: procuratorate"},
    {"case_no", "部门受案号", 0, NULL},
    {"role", "诉讼角色", 0, "codes: {犯罪嫌疑人: suspect, 被告人: defendant}"},
    {"party_kind", NULL, 0, "const: person"},
    {"name", "姓名", 0, NULL},
    {"id_no", "证件号码", 0, NULL},
    {"address", "住所地", 0, NULL},
};
const zg_export zg_x_procu_parties = {
    "检察业务_犯罪嫌疑人.csv", "procuratorate_parties.mapping.yaml", "procu_tyyw", "case_party",
    "suspects of the procuratorate's cases (犯罪嫌疑人), UTF-8", ZG_CSV, ZG_UTF8, ',',
    "[case_system, case_no, role, name]", qp_cols, 7, NULL};

/* Not in identity.jsonl: a suspect's source key holds the procuratorate's number, whose form
 * differs by layout (zg_foreign_procu_no), and the identities are one file for every layout;
 * the same persons are scored as the police cases' and the courts' parties. */
static int procu_parties_rows(zg *g, zg_writer *w, const zg_chain *ch, int64_t i)
{
    if (!ch->has_procu || !ch->procu_in_ledger)
        return ZJ_OK;
    zg_person p;
    zg_mk_person(g, ch->suspect, &p);
    char name[64], id[64], addr[160];
    uint64_t salt = (15ull << 48) ^ (uint64_t)i;
    zg_dirty_person(g, &p, salt, 1.0, name, id);
    zg_address_written(g, ch->suspect, p.county, salt, addr);
    zg_row_begin(w);
    zg_s(w, ch->procu_no);
    zg_s(w, "犯罪嫌疑人");
    zg_s(w, p.name);                  /* part of the key: kept clean */
    zg_s(w, id[0] ? id : NULL);
    zg_s(w, addr);
    return zg_row_end(w) ? ZJ_EDATA : ZJ_OK;
}

/* ---- court trial management (审判流程管理): GB18030, Chinese headers ---------------------- */

static const zg_col cc_cols[] = {
    {"case_no", "案号", 0, NULL},
    {"court_code", "经办法院", 0, NULL},
    {"case_type", "案件类型", 0, "codes: {民事一审: 民初, 民事二审: 民终, 行政一审: 行初, "
                                "首次执行: 执, 刑事一审: 刑初}"},
    {"cause", "案由", 0, NULL},
    {"procedure", "适用程序", 0, "codes: {普通程序: ordinary, 简易程序: summary, "
                                "小额诉讼程序: small_claims, 第二审程序: second_instance, "
                                "执行程序: enforcement, 速裁程序: fast_track}"},
    {"filed_at", "立案日期", ZG_CN_MIN, NULL},
    {"closed_at", "结案日期", ZG_CN_MIN, NULL},
    {"outcome", "结案方式", 0, "codes: {判决: judgment, 调解: mediation, 撤诉: withdrawn, "
                              "驳回起诉: dismissed, 执行完毕: executed, 终结本次执行: terminated, "
                              "有罪判决: conviction, 无罪判决: acquittal}"},
    {"judge_officer_no", "承办法官", 0, NULL},
    {"claim_amount", "标的额(元)", 0, "transforms: [strip_thousands]"},
    {"procuratorate_case_no", "起诉案号", 0, NULL},
    {"status", "案件状态", 0, "codes: {已结: closed, 未结: open}"},
    {"claims", "诉讼请求", 0, NULL},
    {"defence", "答辩情况", 0, "codes: {答辩: contested, 未答辩: no_answer, 缺席判决: default, "
                              "自认: admitted}"},
};
const zg_export zg_x_court_cases = {
    "审判流程_案件.csv", "court_cases.mapping.yaml", "court_cms", "court_case",
    "court trial-management system case list (审判流程管理), GB18030", ZG_CSV, ZG_GB18030, ',',
    "[case_no]", cc_cols, 14, NULL};

static const char *defence_zh(const char *d)
{
    return !d ? NULL : !strcmp(d, "no_answer") ? "未答辩" : !strcmp(d, "default") ? "缺席判决"
         : !strcmp(d, "admitted") ? "自认" : "答辩";
}

static const char *type_zh(const char *t)
{
    return strcmp(t, "民初") == 0 ? "民事一审" : strcmp(t, "民终") == 0 ? "民事二审"
         : strcmp(t, "行初") == 0 ? "行政一审" : strcmp(t, "执") == 0 ? "首次执行" : "刑事一审";
}

static const char *proc_zh(const char *p)
{
    return strcmp(p, "summary") == 0 || strcmp(p, "criminal_summary") == 0 ? "简易程序"
         : strcmp(p, "small_claims") == 0 ? "小额诉讼程序"
         : strcmp(p, "second_instance") == 0 ? "第二审程序"
         : strcmp(p, "enforcement") == 0 ? "执行程序"
         : strcmp(p, "fast_track") == 0 ? "速裁程序" : "普通程序";
}

static const char *outcome_zh(const char *o)
{
    if (!o)
        return NULL;
    static const char *const en[] = {"judgment", "mediation", "withdrawn", "dismissed",
                                     "executed", "terminated", "conviction", "acquittal"};
    static const char *const zh[] = {"判决", "调解", "撤诉", "驳回起诉", "执行完毕",
                                     "终结本次执行", "有罪判决", "无罪判决"};
    for (int i = 0; i < 8; i++)
        if (strcmp(o, en[i]) == 0)
            return zh[i];
    return "判决";
}

static int court_row(zg *g, zg_writer *w, const zg_civil *cs, const char *procu_no)
{
    char off[16];
    zg_officer_key(g, cs->judge, off, sizeof off);
    zg_row_begin(w);
    zg_s(w, cs->case_no);
    zg_s(w, g->units[cs->court].code);
    zg_s(w, type_zh(cs->type));
    zg_s(w, cs->cause);
    zg_s(w, proc_zh(cs->procedure));
    zg_time(w, cs->filed);
    opt_time(w, cs->closed);
    zg_s(w, outcome_zh(cs->outcome));
    zg_s(w, off);
    if (cs->claim > 0)
        zg_money(w, cs->claim);
    else
        zg_null(w);
    zg_s(w, procu_no);
    zg_s(w, cs->closed >= 0 ? "已结" : "未结");
    zg_s(w, cs->claims[0] ? cs->claims : NULL);
    zg_s(w, defence_zh(cs->defence));
    return zg_row_end(w);
}


static const zg_col cp_cols[] = {
    {"case_system", NULL, 0, "const: court"},
    {"case_no", "案号", 0, NULL},
    {"role", "诉讼地位", 0, "codes: {原告: plaintiff, 被告: defendant, 上诉人: appellant, "
                           "被上诉人: appellee, 申请执行人: applicant, 被执行人: respondent, "
                           "第三人: third_party}"},
    {"party_kind", "当事人类型", 0, "codes: {自然人: person, 法人: enterprise, 机关: organization}"},
    {"name", "名称", 0, NULL},
    {"id_no", "证件号码", 0, NULL},
    {"uscc", "统一社会信用代码", 0, NULL},
    {"phone", "联系电话", 0, NULL},
    {"address", "地址", 0, NULL},
    {"lawyer_name", "代理律师", 0, NULL},
    {"lawyer_firm", "律师事务所", 0, NULL},
    {"lawyer_license_no", "执业证号", 0, NULL},
};
const zg_export zg_x_court_parties = {
    "审判流程_当事人.csv", "court_parties.mapping.yaml", "court_cms", "case_party",
    "parties and their lawyers (当事人及代理人), GB18030", ZG_CSV, ZG_GB18030, ',',
    "[case_system, case_no, role, name]", cp_cols, 12, NULL};

static const char *role_zh(const char *r)
{
    static const char *const en[] = {"plaintiff", "defendant", "appellant", "appellee",
                                     "applicant", "respondent", "third_party"};
    static const char *const zh[] = {"原告", "被告", "上诉人", "被上诉人", "申请执行人",
                                     "被执行人", "第三人"};
    for (int i = 0; i < 7; i++)
        if (strcmp(r, en[i]) == 0)
            return zh[i];
    return "第三人";
}

static int court_parties(zg *g, zg_writer *w, const zg_civil *cs, uint64_t salt)
{
    for (int k = 0; k < cs->nparties; k++) {
        const zg_party *pa = &cs->parties[k];
        char name[128], id[64], phone[64], addr[160], key[256];
        const char *uscc = NULL;
        const char *kind = "自然人";
        unsigned noise = 0;
        int64_t entity = pa->idx;
        zg_enterprise en;
        zg_person p;
        if (pa->is_ent == 1) {
            zg_mk_enterprise(g, pa->idx, &en);
            strcpy(name, en.name);
            uscc = en.uscc;
            id[0] = '\0';
            kind = "法人";
            zg_mk_person(g, en.legal_rep, &p);
            strcpy(phone, p.phone);
            zg_address(g, en.legal_rep ^ 0x77, en.county, addr);
        } else if (pa->is_ent == 2) {
            snprintf(name, sizeof name, "%s人民政府", g->counties[pa->idx].full);
            id[0] = '\0';
            kind = "机关";
            snprintf(phone, sizeof phone, "029%08lld", (long long)(pa->idx * 7919 % 100000000));
            snprintf(addr, sizeof addr, "%s政府路1号", g->counties[pa->idx].full);
        } else {
            zg_mk_person(g, pa->idx, &p);
            char dn[64];
            noise = zg_dirty_person(g, &p, salt + (uint64_t)k, 1.0, dn, id) &
                    (ZG_N_MISSING_ID | ZG_N_LEGACY_ID | ZG_N_BAD_CHECK | ZG_N_FULLWIDTH);
            strcpy(name, p.name);                   /* part of the key: kept clean */
            zg_person cp;
            const zg_person *ct = &p;
            if (pa->contact_of >= 0) {
                zg_mk_person(g, pa->contact_of, &cp);
                ct = &cp;
            }
            zg_dirty_phone(g, ct->phone, salt + (uint64_t)k, phone);
            bool related = pa->contact_of >= 0;   /* shares a contact: planted as written */
            for (int o = 0; o < cs->nparties; o++)
                related |= o != k && cs->parties[o].contact_of == pa->idx;
            if (related)
                zg_address(g, ct->k, ct->county, addr);   /* shared as written: FL01's sign */
            else
                zg_address_written(g, ct->k, ct->county, salt + (uint64_t)k, addr);
            zg_rng pr;
            zg_rng_at(&pr, g->seed, ZG_S_DIRT, zg_mix((salt + (uint64_t)k) ^ 0x9A05E));
            if (pa->bare) {
                /* a planted hard case: only the name and the address tell who this is */
                id[0] = phone[0] = '\0';
                noise = ZG_N_MISSING_ID;
            } else if (!id[0] && !related && zg_chance(&pr, 0.4))
                phone[0] = '\0';      /* judgments often give neither ID nor phone */
        }
        char lic[24], firm[96];
        zg_person lp;
        if (pa->lawyer >= 0)
            zg_mk_person(g, zg_lawyer(g, pa->lawyer, lic, firm), &lp);
        zg_row_begin(w);
        zg_s(w, cs->case_no);
        zg_s(w, role_zh(pa->role));
        zg_s(w, kind);
        zg_s(w, name);
        zg_s(w, id[0] ? id : NULL);
        zg_s(w, uscc);
        zg_s(w, phone[0] ? phone : NULL);
        zg_s(w, addr);
        zg_s(w, pa->lawyer >= 0 ? lp.name : NULL);
        zg_s(w, pa->lawyer >= 0 ? firm : NULL);
        zg_s(w, pa->lawyer >= 0 ? lic : NULL);
        if (zg_row_end(w))
            return ZJ_EDATA;
        zg_key(key, sizeof key, 4, "court", cs->case_no, pa->role, name);
        if (pa->is_ent != 2)
            zg_mention(g, "case_party", "court_cms", key, "party", pa->is_ent == 0, entity, noise);
        if (pa->lawyer >= 0)
            zg_mention(g, "case_party", "court_cms", key, "lawyer", true, lp.k, 0);
    }
    return ZJ_OK;
}


static const zg_col ce_cols[] = {
    {"case_system", NULL, 0, "const: court"},
    {"case_no", "案号", 0, NULL},
    {"node", "节点名称", 0, "codes: court_nodes"},
    {"occurred_at", "节点时间", ZG_ISO_TS, NULL},
    {"officer_no", "承办人", 0, NULL},
    {"doc_no", "文书编号", 0, NULL},
    {"approval_no", "审批单号", 0, NULL},
    {"approver", "审批人", 0, NULL},
    {"days", "延长天数", 0, NULL},
};
const zg_export zg_x_court_events = {
    "审判流程_节点.tsv", "court_events.mapping.yaml", "court_cms", "case_event",
    "court process nodes (流程节点), tab-separated UTF-8", ZG_CSV, ZG_UTF8, '\t',
    "[case_system, case_no, node, occurred_at]", ce_cols, 9,
    "code_tables:\n  court_nodes: {立案: filed, 分案: assigned, 送达: served, "
    "财产查控: property_control, 延长审限: extension, 开庭: hearing, 宣判: judgment, "
    "调解: mediation, 撤诉: withdrawn, 裁定驳回: ruling, 执行完毕: enforcement_closed, "
    "终结本次执行: enforcement_terminated, 结案: closed}\n"};

static int court_events_rows(zg *g, zg_writer *w, const zg_civil *cs)
{
    for (int k = 0; k < cs->nev; k++) {
        zg_row_begin(w);
        zg_s(w, cs->case_no);
        zg_s(w, cs->ev[k].node);
        zg_time(w, cs->ev[k].at);
        event_tail(g, w, &cs->ev[k]);
        if (zg_row_end(w))
            return ZJ_EDATA;
    }
    return ZJ_OK;
}


/* All case exports in one pass over each domain: a case is built once and written to every
 * file that shows a part of it (the court files list civil cases first, then criminal ones).
 * A file in a direct foreign layout (w->fx->direct) gets its rows from emit_cases_foreign.c. */
static bool direct(const zg_writer *w)
{
    return w->fx && w->fx->direct;
}

static int court_files(zg *g, zg_writer **w, const zg_civil *cs, const char *procu_no,
                       uint64_t salt)
{
    enum { CC = 7, CP = 8, CE = 9 };
    int rc = direct(w[CC]) ? zg_foreign_court_case(g, w[CC], cs, procu_no)
                           : court_row(g, w[CC], cs, procu_no);
    return rc || court_parties(g, w[CP], cs, salt) ||
           (direct(w[CE]) ? zg_foreign_court_events(g, w[CE], cs) : court_events_rows(g, w[CE], cs))
               ? ZJ_EDATA : ZJ_OK;
}

int zg_emit_case_files(zg *g, zg_writer **w)
{
    enum { INC, PC, PP, PE, QC, QE, QP, CC, CP, CE };
    int64_t n = zg_civil_total(g);
    zg_civil *cs = malloc(sizeof *cs);
    zg_chain *ch = malloc(sizeof *ch);
    int rc = cs && ch ? ZJ_OK : ZJ_EDATA;
    bool procu_foreign = zg_system_foreign(g, zg_x_procu_cases.source_system);
    for (int64_t c = 0; c < n && !rc; c++) {
        zg_civil_case(g, c, cs);
        rc = court_files(g, w, cs, NULL, (13ull << 48) ^ ((uint64_t)c << 3));
    }
    n = zg_chain_total(g);
    for (int64_t i = 0; i < n && !rc; i++) {
        zg_mk_chain(g, i, ch);
        if (procu_foreign)
            zg_foreign_procu_no(g, ch);
        rc = incidents_rows(g, w[INC], ch, i) ||
             (direct(w[PC]) ? zg_foreign_police_case(g, w[PC], ch)
                            : police_cases_rows(g, w[PC], ch, i)) ||
             police_parties_rows(g, w[PP], ch, i) || police_events_rows(g, w[PE], ch, i) ||
             (direct(w[QC]) ? zg_foreign_procu_case(g, w[QC], ch)
                            : procu_cases_rows(g, w[QC], ch, i)) ||
             (direct(w[QE]) ? zg_foreign_procu_events(g, w[QE], ch)
                            : procu_events_rows(g, w[QE], ch, i)) ||
             procu_parties_rows(g, w[QP], ch, i) ? ZJ_EDATA : ZJ_OK;
        if (!rc && ch->has_court)
            rc = court_files(g, w, &ch->court, ch->procu_no, (14ull << 48) ^ ((uint64_t)i << 3));
    }
    free(cs);
    free(ch);
    return rc;
}
