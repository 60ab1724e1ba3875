/* cf_ledger.c - the ledgers side by side (台账比对): CF01, 110 incidents never accepted
 * (有案不立), and CF05, cases transferred but missing from the next agency's ledger (未录入).
 *
 * Ledgers are matched by the numbers each carries of the others' cases, either way round
 * (data-standard.md section 5): an incident and a police case by incident.police_case_no or
 * police_case.incident_no; a police case and a procuratorate case by
 * police_case.procuratorate_case_no or procuratorate_case.police_case_no; a procuratorate case
 * and a court case by procuratorate_case.court_case_no or court_case.procuratorate_case_no.
 * Failing both numbers, a candidate is matched by its parties and dates through linking
 * (party_match below): the next agency's case of the same person or company (one linked
 * entity, never a namesake), recorded within the window after the step, of a compatible cause,
 * and not claimed by another existing case's number, on either side. A case matched so is no
 * lead; the run's summary counts them. Only then is the case a lead, and its explanation says which numbers
 * were looked for.
 * Every number carries an index (migration 15), so each anti-join is an index probe per row,
 * and an incremental run (detect.h) reads only the touched cases: the filter that replaces
 * @SCOPE@ drives the scan from temp.zj_case_scope. A check reads only what it decides on (the
 * numbers and the date; the record's natural key and unit for a lead alone), so CF01's scan of
 * the criminal and public-security incidents reads a narrow index (migration 16), not the
 * incident rows with their text.
 */
#include <stdio.h>
#include <string.h>

#include "detect/cf_common.h"
#include "detect/common.h"
#include "detect/detect.h"

typedef struct ledger_check {
    const char *detector, *name, *table;
    const char *zh, *en;            /* what is missing, for the title */
    const char *sql;                /* id, number, day, other number, category, disposition of
                                     * the records the next ledger lacks; @SCOPE@ ends WHERE */
    const char *scope;              /* its filter in an incremental run (detect.h) */
    const char *party_sql;          /* the fallback: ?1 the candidate's number, ?2 its id;
                                     * gives the other case's number, its day, its cause and
                                     * the candidate's cause, one row per shared entity */
    const char *detail;             /* source_system, source_key, unit of a record by id */
} ledger_check;

/* The roles of the accused, compared between a case and the next agency's (CF05). CF01
 * compares the incident's reporter with any party of a police case, the reporter usually
 * being the victim. Entities are compared, never names. */
#define ACCUSED "('suspect', 'defendant')"

static const ledger_check checks[] = {
    {"CF01", "incident_not_accepted", "incident", "110警情未受案", "110 incident never accepted",
     "SELECT i.id, i.incident_no, i.received_at, i.police_case_no, i.category, i.disposition"
     " FROM incident i WHERE i.category IN ('criminal', 'public_security')"
     "  AND NOT EXISTS (SELECT 1 FROM police_case p WHERE p.case_no = i.police_case_no)"
     "  AND NOT EXISTS (SELECT 1 FROM police_case p WHERE p.incident_no = i.incident_no)@SCOPE@",
     " AND i.incident_no IN (SELECT case_no FROM temp.zj_case_scope WHERE system = 'incident')",
     "SELECT p.case_no, p.accepted_at, NULL, NULL FROM mention im"
     " JOIN mention om ON om.entity_id = im.entity_id AND om.table_name = 'case_party'"
     " JOIN case_party op ON op.id = om.record_id AND op.case_system = 'police'"
     " JOIN police_case p ON p.case_no = op.case_no"
     " WHERE im.table_name = 'incident' AND im.record_id = ?2 AND im.entity_id IS NOT NULL"
     "  AND (coalesce(p.incident_no, '') IN ('', ?1)"
     "   OR NOT EXISTS (SELECT 1 FROM incident o WHERE o.incident_no = p.incident_no))"
     "  AND NOT EXISTS (SELECT 1 FROM incident o WHERE o.police_case_no = p.case_no"
     "   AND o.incident_no <> ?1)",
     "SELECT source_system, source_key, unit_code FROM incident WHERE id = ?1"},
    {"CF05", "transfer_not_received", "police_case", "移送审查起诉案件未录入检察院台账",
     "transferred case missing from the procuratorate's ledger",
     "SELECT p.id, p.case_no, p.transferred_at, p.procuratorate_case_no, NULL, NULL"
     " FROM police_case p WHERE p.transferred_at IS NOT NULL"
     "  AND NOT EXISTS (SELECT 1 FROM procuratorate_case q"
     "   WHERE q.case_no = p.procuratorate_case_no)"
     "  AND NOT EXISTS (SELECT 1 FROM procuratorate_case q WHERE q.police_case_no = p.case_no)"
     "@SCOPE@",
     " AND p.case_no IN (SELECT case_no FROM temp.zj_case_scope WHERE system = 'police')",
     "SELECT q.case_no, q.received_at, q.cause, (SELECT cause FROM police_case WHERE id = ?2)"
     " FROM case_party pp"
     " JOIN mention pm ON pm.table_name = 'case_party' AND pm.record_id = pp.id"
     " JOIN mention om ON om.entity_id = pm.entity_id AND om.table_name = 'case_party'"
     " JOIN case_party op ON op.id = om.record_id AND op.case_system = 'procuratorate'"
     "  AND op.role IN " ACCUSED
     " JOIN procuratorate_case q ON q.case_no = op.case_no"
     " WHERE pp.case_system = 'police' AND pp.case_no = ?1 AND pp.role IN " ACCUSED
     "  AND pm.entity_id IS NOT NULL"
     "  AND (coalesce(q.police_case_no, '') IN ('', ?1)"
     "   OR NOT EXISTS (SELECT 1 FROM police_case o WHERE o.case_no = q.police_case_no))"
     "  AND NOT EXISTS (SELECT 1 FROM police_case o WHERE o.procuratorate_case_no = q.case_no"
     "   AND o.case_no <> ?1)",
     "SELECT source_system, source_key, unit_code FROM police_case WHERE id = ?1"},
    {"CF05", "prosecution_not_filed", "procuratorate_case", "提起公诉案件未录入法院台账",
     "prosecution missing from the court's ledger",
     "SELECT q.id, q.case_no, q.decided_at, q.court_case_no, NULL, NULL"
     " FROM procuratorate_case q WHERE q.decision = 'prosecute' AND q.decided_at IS NOT NULL"
     "  AND NOT EXISTS (SELECT 1 FROM court_case c WHERE c.case_no = q.court_case_no)"
     "  AND NOT EXISTS (SELECT 1 FROM court_case c WHERE c.procuratorate_case_no = q.case_no)"
     "@SCOPE@",
     " AND q.case_no IN (SELECT case_no FROM temp.zj_case_scope WHERE system = 'procuratorate')",
     "SELECT c.case_no, c.filed_at, c.cause, (SELECT cause FROM procuratorate_case WHERE id = ?2)"
     " FROM case_party qp"
     " JOIN mention qm ON qm.table_name = 'case_party' AND qm.record_id = qp.id"
     " JOIN mention om ON om.entity_id = qm.entity_id AND om.table_name = 'case_party'"
     " JOIN case_party op ON op.id = om.record_id AND op.case_system = 'court'"
     "  AND op.role IN " ACCUSED
     " JOIN court_case c ON c.case_no = op.case_no"
     " WHERE qp.case_system = 'procuratorate' AND qp.case_no = ?1 AND qp.role IN " ACCUSED
     "  AND qm.entity_id IS NOT NULL"
     "  AND (coalesce(c.procuratorate_case_no, '') IN ('', ?1)"
     "   OR NOT EXISTS (SELECT 1 FROM procuratorate_case o"
     "    WHERE o.case_no = c.procuratorate_case_no))"
     "  AND NOT EXISTS (SELECT 1 FROM procuratorate_case o WHERE o.court_case_no = c.case_no"
     "   AND o.case_no <> ?1)",
     "SELECT source_system, source_key, unit_code FROM procuratorate_case WHERE id = ?1"},
};
enum { L_ID, L_NO, L_DAY, L_OTHER, L_CAT, L_DISP };

/* The fallback for one candidate (number `no`, record `id`, its step on `day`): 1 when the
 * next agency's ledger has a case of one of its parties' entities recorded from the day
 * before the step to `window` days after it (and not after the reference day), whose cause
 * is compatible with the candidate's; 0 when none; -1 on a database error (err set). */
static int party_match(zj_detect_ctx *c, zj_stmt *fb, const char *no, int64_t id, long day,
                       long window, zj_error *err)
{
    int found = 0, step = 0;
    zj_stmt_reset(fb);
    zj_stmt_bind_text(fb, 1, no, strlen(no));
    zj_stmt_bind_int(fb, 2, id);
    while (!found && (step = zj_stmt_next(fb, err)) == 1) {
        long other = zj_stmt_day(fb, 1, ZJ_DAY_MAX);
        if (other == ZJ_DAY_MAX || other < day - 1 || other > day + window ||
            other > c->as_of_day)
            continue;                           /* not this step's case, or not yet recorded */
        found = zj_cf_cause_compatible(zj_stmt_text(fb, 3, NULL), zj_stmt_text(fb, 2, NULL));
    }
    if (!found && step < 0)
        return -1;
    zj_stmt_reset(fb);
    return found;
}

static int run_check(zj_detect_ctx *c, const ledger_check *k, zj_lead *l, int64_t *due,
                     int64_t *matched, zj_error *err)
{
    zj_stmt *q = NULL, *fb = NULL, *detail = NULL;
    zj_buf sql = {0};
    int rc = zj_detect_scope_sql(c, k->sql, k->scope, &sql, err), step = 0;
    if (!rc)
        rc = zj_stmt_prepare(c->store, sql.data, &q, err);
    if (!rc)
        rc = zj_stmt_prepare(c->store, k->party_sql, &fb, err);
    zj_buf_free(&sql);
    if (!rc)
        rc = zj_stmt_prepare(c->store, k->detail, &detail, err);
    long grace = (long)zj_param_int(c, "grace_days");
    long window = (long)zj_param_int(c, "party_window_days");
    bool cf01 = !strcmp(k->detector, "CF01");
    while (!rc && (step = zj_stmt_next(q, err)) == 1) {
        c->evaluated++;
        long day = zj_stmt_day(q, L_DAY, ZJ_DAY_MAX);
        if (day == ZJ_DAY_MAX || day + grace >= c->as_of_day)
            continue;                           /* not yet due, or after the reference date */
        char cat[96] = "";
        if (cf01) {
            const char *ct = zj_stmt_text(q, L_CAT, NULL), *disp = zj_stmt_text(q, L_DISP, NULL);
            if (!ct)
                continue;
            if (!disp)
                disp = "";
            const char *list = !strcmp(ct, "criminal") ? "criminal_dispositions"
                                                       : "public_security_dispositions";
            /* "accepted" with no case in the police ledger always counts */
            if (strcmp(disp, "accepted") && !zj_param_has(c, list, disp, strlen(disp)))
                continue;
            snprintf(cat, sizeof cat, "%s/%s", ct, disp);
        }
        char no[96], other[96], d[11];
        const char *n = zj_stmt_text(q, L_NO, NULL), *o = zj_stmt_text(q, L_OTHER, NULL);
        snprintf(no, sizeof no, "%s", n ? n : "");
        (*due)++;
        int m = party_match(c, fb, no, zj_stmt_int(q, 0), day, window, err);
        if (m < 0) {
            rc = ZJ_EDATA;
            break;
        }
        if (m) {
            (*matched)++;                       /* the same person's case, numbers aside */
            continue;
        }
        snprintf(other, sizeof other, "%s", o ? o : "");
        zj_day_format(day, d);
        zj_lead_reset(l);
        l->subject_table = k->table;
        l->subject_id = zj_stmt_int(q, L_ID);
        zj_stmt_reset(detail);
        zj_stmt_bind_int(detail, 1, l->subject_id);
        int found = zj_stmt_next(detail, err);
        if (found != 1) {
            rc = found < 0 ? ZJ_EDATA : zj_fail(err, ZJ_EDATA, "%s %lld vanished while read",
                                                 k->table, (long long)l->subject_id);
            break;
        }
        const char *u = zj_stmt_text(detail, 2, NULL);
        snprintf(l->unit_code, sizeof l->unit_code, "%s", u ? u : "");
        l->severity = c->severity;
        zj_buf_printf(&l->title, "%s / %s", k->zh, k->en);
        if (cf01)
            zj_buf_printf(&l->explanation,
                          "110警情 %s（%s）于 %s 接警，%s，公安案件台账中没有对应案件"
                          "（按警情记录的案件编号“%s”和案件记录的警情编号查找，按报警人和日期经实体识别亦未找到）。刑事、治安警情应当受案登记。"
                          "\n110 incident %s (%s) received on %s was %s and has no case in the "
                          "police ledger (looked for by the incident's case number '%s', by "
                          "the cases' incident numbers, and by the reporter and dates through "
                          "linking); criminal and public-security incidents "
                          "must be accepted as cases.",
                          no, cat, d, strstr(cat, "/accepted") ? "记为受案" : "未受案", other, no,
                          cat, d, strstr(cat, "/accepted") ? "marked accepted" : "not accepted",
                          other);
        else
            zj_buf_printf(&l->explanation,
                          "%s %s 于 %s %s，已超过 %ld 天，但%s台账中没有该案（按本案记录的对方案号“%s”和对方记录的本案编号查找，按涉案人和日期经实体识别亦未找到）。"
                          "\n%s %s was %s on %s, more than %ld days ago, but the %s ledger has no "
                          "such case (looked for by this record's number of it, '%s', by the "
                          "ledger's numbers of this case, and by its accused and dates through "
                          "linking).",
                          !strcmp(k->table, "police_case") ? "公安案件" : "检察院案件", no, d,
                          !strcmp(k->table, "police_case") ? "移送审查起诉" : "提起公诉", grace,
                          !strcmp(k->table, "police_case") ? "检察院统一业务应用系统" : "法院",
                          other, !strcmp(k->table, "police_case") ? "Police case" : "Procuratorate case",
                          no, !strcmp(k->table, "police_case") ? "transferred for prosecution"
                                                                : "prosecuted",
                          d, grace, !strcmp(k->table, "police_case") ? "procuratorate's" : "court's",
                          other);
        zj_buf_printf(&l->path, "%s %s → %s → %s", k->table, no, d, k->zh);
        rc = zj_cf_emit(c, l, zj_stmt_text(detail, 0, NULL), zj_stmt_text(detail, 1, NULL),
                        k->name, "record", k->name, err);
    }
    if (!rc && step < 0)
        rc = ZJ_EDATA;
    zj_stmt_finalize(fb);
    zj_stmt_finalize(q);
    zj_stmt_finalize(detail);
    return rc;
}

static int run_ledger(zj_detect_ctx *c, zj_error *err)
{
    zj_lead l = {0};
    int rc = 0;
    int64_t due = 0, matched = 0;               /* due with no number match; of them by parties */
    for (size_t i = 0; !rc && i < sizeof checks / sizeof checks[0]; i++)
        if (!strcmp(checks[i].detector, c->det->code))
            rc = run_check(c, &checks[i], &l, &due, &matched, err);
    zj_lead_free(&l);
    snprintf(c->summary, sizeof c->summary,
             "%lld due with no case by number; %lld of them matched by parties and dates",
             (long long)due, (long long)matched);
    return rc;
}

static const zj_param cf01_params[] = {
    {"criminal_dispositions", ZJ_PARAM_LIST, "mediated,other",
     "dispositions of a criminal incident without a case that are leads", 0, 0,
     "mediated,no_crime,referred,other"},
    {"public_security_dispositions", ZJ_PARAM_LIST, "other",
     "dispositions of a public-security incident without a case that are leads", 0, 0,
     "mediated,no_crime,referred,other"},
    {"grace_days", ZJ_PARAM_INT, "3", "days after the call before a missing case is a lead", 0,
     60, NULL},
    {"party_window_days", ZJ_PARAM_INT, "3",
     "days after the call within which a case of the reporter (by linking) is its case", 0, 60,
     NULL},
    {NULL, 0, NULL, NULL, 0, 0, NULL},
};

static const zj_param cf05_params[] = {
    {"grace_days", ZJ_PARAM_INT, "7",
     "days after the transfer or prosecution before a missing ledger entry is a lead", 0, 90,
     NULL},
    {"party_window_days", ZJ_PARAM_INT, "15",
     "days after the transfer or prosecution within which the next agency's case of the same "
     "accused (by linking) and a compatible cause is its case", 0, 90, NULL},
    {NULL, 0, NULL, NULL, 0, 0, NULL},
};

const zj_detector zj_detector_cf01 = {
    "CF01", "110刑事、治安警情未受案（有案不立）", "110 criminal or public-security incident never accepted",
    "《中华人民共和国刑事诉讼法》（2018）第一百一十条、第一百一十二条；"
    "《公安机关办理行政案件程序规定》（受案登记）；公安部《关于改革完善受案立案制度的意见》（2015）",
    3, cf01_params, run_ledger,
};

const zj_detector zj_detector_cf05 = {
    "CF05", "移送案件未录入下一机关台账", "Transferred but missing from the next agency's ledger",
    "《中华人民共和国刑事诉讼法》（2018）第一百六十二条、第一百七十六条；"
    "最高人民检察院检察业务应用系统案件信息录入规定（应录尽录）",
    2, cf05_params, run_ledger,
};
