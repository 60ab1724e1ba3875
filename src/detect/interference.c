/* interference.c - what the three-regulations records say (三个规定记录研判):
 *   TR03 one actor (a resolved person) in the records of many officers or about many cases;
 *        the lead is about the actor's person record (population registry), else the
 *        officer record of the same person, else the first record naming them;
 *   TR04 a case with a recorded interference whose outcome is unusual: a criminal case
 *        ending in acquittal or withdrawal, non-prosecution, a police case revoked, or a
 *        large sentence change after it - for priority review. The lead is about the case.
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "detect/common.h"
#include "detect/detect.h"

static void cp(char *dst, size_t cap, zj_stmt *q, int col)
{
    const char *s = zj_stmt_text(q, col, NULL);
    snprintf(dst, cap, "%s", s ? s : "");
}

/* ---- TR03 --------------------------------------------------------------------------------- */

static const char actors_sql[] =
    "SELECT m.entity_id, ir.id, ir.officer_no, ir.case_system, ir.case_no, ir.unit_code,"
    " ir.category, ir.report_month"
    " FROM mention m JOIN interference_record ir ON ir.id = m.record_id"
    " WHERE m.table_name = 'interference_record' AND m.role = 'actor'"
    "  AND m.entity_id IS NOT NULL AND ir.is_zero_report = 0" ZJ_IR_CURRENT
    " ORDER BY m.entity_id, ir.report_month, ir.id";

/* The record a lead on entity e is about: person, else officer, else none (0). */
static const char subject_sql[] =
    "SELECT m.table_name, m.record_id, coalesce(p.source_system, o.source_system),"
    " coalesce(p.source_key, o.source_key)"
    " FROM mention m LEFT JOIN person p ON m.table_name = 'person' AND p.id = m.record_id"
    " LEFT JOIN officer o ON m.table_name = 'officer' AND o.id = m.record_id"
    " WHERE m.entity_id = $1 AND m.role = 'self' AND m.table_name IN ('person', 'officer')"
    " ORDER BY CASE m.table_name WHEN 'person' THEN 0 ELSE 1 END, m.record_id LIMIT 1";

#define MAX_REC 256

typedef struct actor_rec {
    int64_t id;
    char officer[48], case_system[16], case_no[80], unit[32], category[32], month[8];
} actor_rec;

static int distinct(const actor_rec *r, int n, size_t off, size_t off2)
{
    int d = 0;
    for (int i = 0; i < n; i++) {
        const char *a = (const char *)&r[i] + off;
        if (!*a)
            continue;
        bool seen = false;
        for (int j = 0; j < i && !seen; j++)
            seen = !strcmp((const char *)&r[j] + off, a) &&
                   (!off2 || !strcmp((const char *)&r[j] + off2, (const char *)&r[i] + off2));
        d += !seen;
    }
    return d;
}

static const char *category_zh(const char *c)
{
    return !strcmp(c, "leader_interference") ? "领导干部干预"
         : !strcmp(c, "internal_inquiry")    ? "内部人员过问"
         : !strcmp(c, "improper_contact")    ? "不当接触交往" : c;
}

static int emit_actor(zj_detect_ctx *c, int64_t ent, const actor_rec *r, int n, zj_stmt *subj,
                      zj_lead *l, zj_error *err)
{
    int officers = distinct(r, n, offsetof(actor_rec, officer), 0);
    int cases = distinct(r, n, offsetof(actor_rec, case_no), offsetof(actor_rec, case_system));
    if (officers < zj_param_int(c, "min_officers") && cases < zj_param_int(c, "min_cases"))
        return ZJ_OK;
    zj_lead_reset(l);
    zj_stmt_bind_int(subj, 1, ent);
    int step = zj_stmt_next(subj, err);
    char table[24] = "interference_record", sys[32] = "", key[128] = "";
    int64_t sid = r[0].id;
    if (step == 1) {
        cp(table, sizeof table, subj, 0);
        sid = zj_stmt_int(subj, 1);
        cp(sys, sizeof sys, subj, 2);
        cp(key, sizeof key, subj, 3);
    }
    zj_stmt_reset(subj);
    if (step < 0)
        return ZJ_EDATA;
    l->subject_table = strcmp(table, "person") && strcmp(table, "officer") ? "interference_record"
                     : !strcmp(table, "person") ? "person" : "officer";
    l->subject_id = sid;
    snprintf(l->unit_code, sizeof l->unit_code, "%s", r[0].unit);
    int sev = c->severity + (officers >= 2 * zj_param_int(c, "min_officers") ? 1 : 0);
    l->severity = sev > 4 ? 4 : sev;
    zj_buf lz = {0}, le = {0};
    for (int i = 0; i < n; i++) {
        zj_buf_printf(&lz, "%s%s 干警 %s（%s%s%s）", i ? "；" : "", r[i].month, r[i].officer,
                      category_zh(r[i].category), r[i].case_no[0] ? "，案号 " : "", r[i].case_no);
        zj_buf_printf(&le, "%s%s officer %s (%s%s%s)", i ? "; " : "", r[i].month, r[i].officer,
                      r[i].category, r[i].case_no[0] ? ", case " : "", r[i].case_no);
    }
    zj_buf_printf(&l->title, "同一人在 %d 名干警、%d 件案件的“三个规定”记录中出现 / One person in "
                  "the three-regulations records of %d officers and %d cases", officers, cases,
                  officers, cases);
    zj_buf_printf(&l->explanation,
                  "同一干预（过问、接触）人在 %d 条“三个规定”记录中出现，涉及 %d 名干警、%d 件案件：%s。"
                  "反复跨干警、跨案件打招呼，应重点核查其身份和请托关系。\nThe same person appears as the "
                  "interfering, asking or contacting person in %d three-regulations records, "
                  "across %d officers and %d cases: %s.",
                  n, officers, cases, lz.data ? lz.data : "", n, officers, cases,
                  le.data ? le.data : "");
    /* records that name the person without an ID: placed by the linking model */
    zj_buf nz = {0}, ne = {0};
    int noted = 0, nrc = ZJ_OK;
    for (int i = 0; !nrc && i < n; i++)
        nrc = zj_note_placement(c->store, l, "interference_record", r[i].id, "actor", &nz, &ne,
                                &noted, err);
    if (!nrc && noted)
        zj_buf_printf(&l->explanation, "\n其中 %d 条记录未写干预人身份证号，按姓名、单位、职务与同一人匹配：%s。"
                      "\n%d record(s) name the person without an ID, linked by name, unit and "
                      "post: %s.", noted, nz.data, noted, ne.data);
    zj_buf_free(&nz);
    zj_buf_free(&ne);
    if (nrc) {
        zj_buf_free(&lz);
        zj_buf_free(&le);
        return nrc;
    }
    zj_buf_printf(&l->path, "干预人%s → %d 名干警 → %d 件案件",
                  noted ? "（部分记录按姓名、单位、职务匹配）" : "", officers, cases);
    zj_buf_free(&lz);
    zj_buf_free(&le);
    int rc = step == 1 ? zj_lead_key_record(l, sys, key) : zj_lead_key(l, "entity", 6);
    if (!rc && step != 1) {
        char e[24];
        snprintf(e, sizeof e, "%lld", (long long)ent);
        rc = zj_lead_key(l, e, strlen(e));
    }
    if (!rc && step == 1)
        rc = zj_lead_evidence(l, l->subject_table, sid, "actor", NULL);
    for (int i = 0; !rc && i < n; i++)
        rc = zj_lead_evidence(l, "interference_record", r[i].id, "interference record",
                              r[i].officer);
    if (!rc && (zj_lead_fact_int(l, "entity", ent) ||
                zj_lead_fact_int(l, "officer_count", officers) ||
                zj_lead_fact_int(l, "case_count", cases) ||
                zj_lead_fact_int(l, "record_count", n)))
        rc = ZJ_EDATA;
    for (int i = 0; !rc && i < n; i++) {
        rc = zj_lead_fact_list_str(l, "months", r[i].month);
        if (!rc)
            rc = zj_lead_fact_list_str(l, "officer_nos", r[i].officer);
        if (!rc)
            rc = zj_lead_fact_list_str(l, "case_nos", r[i].case_no);
    }
    if (rc || !l->explanation.data)
        return zj_fail(err, ZJ_EDATA, "out of memory");
    return zj_sink_emit(c->sink, l, err);
}

static int run_tr03(zj_detect_ctx *c, zj_error *err)
{
    zj_stmt *q = NULL, *subj = NULL;
    int rc = zj_stmt_prepare(c->store, actors_sql, &q, err);
    if (!rc)
        rc = zj_stmt_prepare(c->store, subject_sql, &subj, err);
    actor_rec *r = rc ? NULL : calloc(MAX_REC, sizeof *r);
    if (!rc && !r)
        rc = zj_fail(err, ZJ_EDATA, "out of memory");
    zj_lead l = {0};
    int n = 0, step = 0;
    int64_t cur = 0;
    while (!rc && (step = zj_stmt_next(q, err)) == 1) {
        int64_t ent = zj_stmt_int(q, 0);
        if (n && ent != cur) {
            rc = emit_actor(c, cur, r, n, subj, &l, err);
            n = 0;
        }
        cur = ent;
        if (rc || n == MAX_REC)
            continue;
        actor_rec *a = &r[n++];
        a->id = zj_stmt_int(q, 1);
        cp(a->officer, sizeof a->officer, q, 2);
        cp(a->case_system, sizeof a->case_system, q, 3);
        cp(a->case_no, sizeof a->case_no, q, 4);
        cp(a->unit, sizeof a->unit, q, 5);
        cp(a->category, sizeof a->category, q, 6);
        cp(a->month, sizeof a->month, q, 7);
    }
    if (!rc && step < 0)
        rc = ZJ_EDATA;
    if (!rc && n)
        rc = emit_actor(c, cur, r, n, subj, &l, err);
    free(r);
    zj_lead_free(&l);
    zj_stmt_finalize(q);
    zj_stmt_finalize(subj);
    return rc;
}

/* ---- TR04 --------------------------------------------------------------------------------- */

/* Cases with an interference record, per case system, with what their outcome was. Columns:
 * case id, source system, source key, case no, unit, outcome, handler, is criminal, record
 * id, record officer, record category, record month. */
static const char court_sql[] =
    "SELECT c.id, c.source_system, c.source_key, c.case_no, c.court_code, c.outcome,"
    " c.judge_officer_no, c.case_type, ir.id, ir.officer_no, ir.category, ir.report_month"
    " FROM interference_record ir JOIN court_case c ON c.case_no = ir.case_no"
    " WHERE ir.case_no IS NOT NULL AND ir.case_system = 'court' AND ir.is_zero_report = 0"
    ZJ_IR_CURRENT
    " ORDER BY c.id, ir.id";
static const char procu_sql[] =
    "SELECT c.id, c.source_system, c.source_key, c.case_no, c.unit_code, c.decision,"
    " c.officer_no, c.kind, ir.id, ir.officer_no, ir.category, ir.report_month"
    " FROM interference_record ir JOIN procuratorate_case c ON c.case_no = ir.case_no"
    " WHERE ir.case_no IS NOT NULL AND ir.case_system = 'procuratorate'"
    "  AND ir.is_zero_report = 0" ZJ_IR_CURRENT
    " ORDER BY c.id, ir.id";
static const char police_sql[] =
    "SELECT c.id, c.source_system, c.source_key, c.case_no, c.unit_code, c.close_reason,"
    " c.officer_no, c.kind, ir.id, ir.officer_no, ir.category, ir.report_month"
    " FROM interference_record ir JOIN police_case c ON c.case_no = ir.case_no"
    " WHERE ir.case_no IS NOT NULL AND ir.case_system = 'police' AND ir.is_zero_report = 0"
    ZJ_IR_CURRENT
    " ORDER BY c.id, ir.id";
/* Sentence changes after a court case (its original judgment). */
static const char changes_sql[] =
    "SELECT id, change_type, reduction_months, decision, decided_at FROM sentence_change"
    " WHERE original_case_no = $1 ORDER BY id";

typedef struct tr04_case {
    const char *table;
    int64_t id;
    char system[32], key[96], no[80], unit[32], outcome[32], handler[48], kind[24];
    int64_t recs[32];
    char rec_officer[32][48];
    int nrecs;
} tr04_case;

static bool is_criminal(const zj_detect_ctx *c, const char *case_type)
{
    const char *const *it;
    size_t n = zj_param_list(c, "criminal_case_types", &it);
    for (size_t i = 0; i < n; i++)
        if (!strncmp(case_type, it[i], strlen(it[i])))
            return true;
    return false;
}

static const char *outcome_zh(const char *o)
{
    static const char *const t[][2] = {
        {"acquittal", "无罪判决"}, {"withdrawn", "撤诉（撤回起诉）"}, {"dismissed", "驳回起诉"},
        {"not_prosecute", "不起诉"}, {"no_arrest", "不批准逮捕"}, {"revoked", "撤销案件"},
        {"conviction", "有罪判决"},
    };
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++)
        if (!strcmp(t[i][0], o))
            return t[i][1];
    return o;
}

/* Decide and emit one case. */
static int emit_case(zj_detect_ctx *c, tr04_case *k, zj_stmt *changes, zj_lead *l, zj_error *err)
{
    bool unusual = false;
    zj_buf why_zh = {0}, why_en = {0};
    if (!strcmp(k->table, "court_case")) {
        bool crim = is_criminal(c, k->kind);
        if (zj_param_has(c, crim ? "court_criminal_outcomes" : "court_other_outcomes",
                         k->outcome, strlen(k->outcome))) {
            unusual = true;
            zj_buf_printf(&why_zh, "%s案件以%s结案", crim ? "刑事" : "", outcome_zh(k->outcome));
            zj_buf_printf(&why_en, "the %scase ended in %s", crim ? "criminal " : "", k->outcome);
        }
    } else if (!strcmp(k->table, "procuratorate_case")) {
        if (zj_param_has(c, "procuratorate_decisions", k->outcome, strlen(k->outcome))) {
            unusual = true;
            zj_buf_printf(&why_zh, "检察机关作出%s决定", outcome_zh(k->outcome));
            zj_buf_printf(&why_en, "the procuratorate decided %s", k->outcome);
        }
    } else if (zj_param_has(c, "police_close_reasons", k->outcome, strlen(k->outcome))) {
        unusual = true;
        zj_buf_printf(&why_zh, "公安机关%s", outcome_zh(k->outcome));
        zj_buf_printf(&why_en, "the police closed it as %s", k->outcome);
    }
    zj_lead_reset(l);
    int rc = ZJ_OK;
    /* a large sentence change after a criminal judgment */
    if (!strcmp(k->table, "court_case") && is_criminal(c, k->kind)) {
        zj_stmt_bind_text(changes, 1, k->no, strlen(k->no));
        int step;
        while (!rc && (step = zj_stmt_next(changes, err)) == 1) {
            const char *type = zj_stmt_text(changes, 1, NULL);
            const char *dec = zj_stmt_text(changes, 3, NULL);
            int64_t months = zj_stmt_is_null(changes, 2) ? 0 : zj_stmt_int(changes, 2);
            if (!type || (dec && strcmp(dec, "granted")))
                continue;
            bool big = zj_param_has(c, "sentence_change_types", type, strlen(type)) ||
                       (!strcmp(type, "reduction") &&
                        months >= zj_param_int(c, "big_reduction_months"));
            if (!big)
                continue;
            unusual = true;
            bool red = !strcmp(type, "reduction");
            if (red) {
                zj_buf_printf(&why_zh, "%s判决后获减刑 %lld 个月", why_zh.len ? "；" : "",
                              (long long)months);
                zj_buf_printf(&why_en, "%sa reduction of %lld months was granted after the "
                              "judgment", why_en.len ? "; " : "", (long long)months);
            } else {
                zj_buf_printf(&why_zh, "%s判决后获%s", why_zh.len ? "；" : "",
                              !strcmp(type, "parole") ? "假释" : "暂予监外执行");
                zj_buf_printf(&why_en, "%s%s was granted after the judgment",
                              why_en.len ? "; " : "", type);
            }
            rc = zj_lead_evidence(l, "sentence_change", zj_stmt_int(changes, 0), "sentence change",
                                  type);
        }
        zj_stmt_reset(changes);
        if (!rc && step < 0)
            rc = ZJ_EDATA;
    }
    if (rc || !unusual) {
        zj_buf_free(&why_zh);
        zj_buf_free(&why_en);
        return rc;
    }
    /* the case first, then the records and changes */
    zj_lead tmp = {0};
    rc = zj_lead_evidence(&tmp, k->table, k->id, "case", k->outcome);
    for (int i = 0; !rc && i < k->nrecs; i++)
        rc = zj_lead_evidence(&tmp, "interference_record", k->recs[i], "interference record",
                              k->rec_officer[i]);
    for (size_t i = 0; !rc && i < zj_lead_nevidence(l); i++) {
        zj_evidence e = zj_lead_evidence_at(l, i);
        rc = zj_lead_evidence(&tmp, e.table, e.record_id, e.role, e.note);
    }
    zj_lead_free(l);
    *l = tmp;
    l->subject_table = k->table;
    l->subject_id = k->id;
    l->severity = c->severity;
    snprintf(l->unit_code, sizeof l->unit_code, "%s", k->unit);
    zj_buf_printf(&l->title, "有干预过问记录的案件结果异常：%s / A case with a recorded "
                  "interference had an unusual outcome: %s", why_zh.data, why_en.data);
    zj_buf_printf(&l->explanation,
                  "案件 %s 有 %d 条“三个规定”干预、过问或接触记录（填报干警 %s），且%s。结果异常的案件应优先复查"
                  "是否受到干预。\nCase %s has %d three-regulations record(s) of interference, "
                  "inquiry or contact (reported by officer %s), and %s: review it first for "
                  "undue influence.",
                  k->no, k->nrecs, k->rec_officer[0], why_zh.data, k->no, k->nrecs,
                  k->rec_officer[0], why_en.data);
    zj_buf_printf(&l->path, "“三个规定”记录 → 案件 %s → %s", k->no, why_zh.data);
    zj_buf_free(&why_zh);
    zj_buf_free(&why_en);
    if (!rc)
        rc = zj_lead_key_record(l, k->system, k->key);
    if (!rc && (zj_lead_fact_str(l, "case_no", k->no) ||
                zj_lead_fact_str(l, "case_table", k->table) ||
                zj_lead_fact_str(l, "outcome", k->outcome) ||
                zj_lead_fact_int(l, "record_count", k->nrecs)))
        rc = ZJ_EDATA;
    for (int i = 0; !rc && i < k->nrecs; i++)
        rc = zj_lead_fact_list_str(l, "reporting_officer_nos", k->rec_officer[i]);
    if (rc || !l->explanation.data)
        return zj_fail(err, ZJ_EDATA, "out of memory");
    return zj_sink_emit(c->sink, l, err);
}

static int scan_cases(zj_detect_ctx *c, const char *sql, const char *table, zj_stmt *changes,
                      zj_error *err)
{
    zj_stmt *q;
    int rc = zj_stmt_prepare(c->store, sql, &q, err);
    if (rc)
        return rc;
    tr04_case *k = calloc(1, sizeof *k);
    if (!k) {
        zj_stmt_finalize(q);
        return zj_fail(err, ZJ_EDATA, "out of memory");
    }
    zj_lead l = {0};
    bool open = false;
    int step;
    while (!rc && (step = zj_stmt_next(q, err)) == 1) {
        int64_t id = zj_stmt_int(q, 0);
        if (open && id != k->id) {
            rc = emit_case(c, k, changes, &l, err);
            open = false;
        }
        if (rc)
            break;
        if (!open) {
            memset(k, 0, sizeof *k);
            k->table = table;
            k->id = id;
            cp(k->system, sizeof k->system, q, 1);
            cp(k->key, sizeof k->key, q, 2);
            cp(k->no, sizeof k->no, q, 3);
            cp(k->unit, sizeof k->unit, q, 4);
            cp(k->outcome, sizeof k->outcome, q, 5);
            cp(k->handler, sizeof k->handler, q, 6);
            cp(k->kind, sizeof k->kind, q, 7);
            open = true;
        }
        if (k->nrecs < 32) {
            k->recs[k->nrecs] = zj_stmt_int(q, 8);
            cp(k->rec_officer[k->nrecs], sizeof k->rec_officer[0], q, 9);
            k->nrecs++;
        }
    }
    if (!rc && step < 0)
        rc = ZJ_EDATA;
    if (!rc && open)
        rc = emit_case(c, k, changes, &l, err);
    zj_lead_free(&l);
    free(k);
    zj_stmt_finalize(q);
    return rc;
}

static int run_tr04(zj_detect_ctx *c, zj_error *err)
{
    zj_stmt *changes;
    int rc = zj_stmt_prepare(c->store, changes_sql, &changes, err);
    if (!rc)
        rc = scan_cases(c, court_sql, "court_case", changes, err);
    if (!rc)
        rc = scan_cases(c, procu_sql, "procuratorate_case", changes, err);
    if (!rc)
        rc = scan_cases(c, police_sql, "police_case", changes, err);
    zj_stmt_finalize(changes);
    return rc;
}

/* ---- the detectors ------------------------------------------------------------------------ */

static const zj_param tr03_params[] = {
    {"min_officers", ZJ_PARAM_INT, "4", "different officers whose records name the person", 2,
     1000, NULL},
    {"min_cases", ZJ_PARAM_INT, "4", "... or different cases the records concern", 2, 1000, NULL},
    {NULL, 0, NULL, NULL, 0, 0, NULL},
};

static const zj_param tr04_params[] = {
    {"criminal_case_types", ZJ_PARAM_LIST, "刑", "court case-type prefixes that are criminal",
     0, 0, NULL},
    {"court_criminal_outcomes", ZJ_PARAM_LIST, "acquittal,withdrawn",
     "unusual outcomes of criminal court cases", 0, 0, NULL},
    {"court_other_outcomes", ZJ_PARAM_LIST, "",
     "unusual outcomes of other court cases (civil withdrawal is ordinary)", 0, 0, NULL},
    {"procuratorate_decisions", ZJ_PARAM_LIST, "not_prosecute", "unusual procuratorate decisions",
     0, 0, NULL},
    {"police_close_reasons", ZJ_PARAM_LIST, "revoked", "unusual ways a police case closed", 0,
     0, NULL},
    {"sentence_change_types", ZJ_PARAM_LIST, "parole,medical_parole",
     "granted sentence changes after the judgment that count as unusual", 0, 0,
     "reduction,parole,medical_parole"},
    {"big_reduction_months", ZJ_PARAM_INT, "12", "a granted reduction of at least this many "
     "months counts as unusual", 1, 600, NULL},
    {NULL, 0, NULL, NULL, 0, 0, NULL},
};

const zj_detector zj_detector_tr03 = {
    "TR03", "同一人跨干警、跨案件多次干预过问", "One actor interfering across many officers or cases",
    "《领导干部干预司法活动、插手具体案件处理的记录、通报和责任追究规定》（2015）；《司法机关内部人员过问案件的记录和责任追究规定》（2015）；"
    "《关于进一步规范司法人员与当事人、律师、特殊关系人、中介组织接触交往行为的若干规定》（2015）",
    3, tr03_params, run_tr03,
};

const zj_detector zj_detector_tr04 = {
    "TR04", "有干预过问记录且结果异常的案件", "Case with an interference record and an unusual outcome",
    "《领导干部干预司法活动、插手具体案件处理的记录、通报和责任追究规定》（中办发"
    "〔2015〕23号）、《司法机关内部人员过问案件的记录和责任追究规定》（中政"
    "委〔2015〕10号）（记录、通报和责任追究）；政法队伍教育整顿“三个规定”"
    "专项检查（重点案件评查）",
    3, tr04_params, run_tr04,
};
