/* cf_activity.c - what happens to a criminal case after the police file it: CF03, a filed
 * case left without investigative activity (压案不查), and CF04, a filed case revoked or closed
 * without a transfer or a lawful recorded reason (有罪不究).
 *
 * CF03 holds every criminal police case filed by the reference date and still open on it (not
 * closed, not transferred) to its last investigative step: the latest case_event of the nodes
 * in `activity_nodes` (interrogation, inquiry, search, custody measures ... docs/data-standard.md
 * section 4.1), or the filing itself. More than `idle_days` since then is a lead. A case whose
 * latest suspension (中止侦查, approved when the suspect has fled or cannot be questioned) has
 * no later resumption is not idle: it is suspended, and so not a lead.
 *
 * CF04 reads every criminal police case filed and closed by the reference date that was not
 * transferred for prosecution. Its written reason (revoke_reason, 撤案理由) is read against the
 * lawful grounds of rules/revoke-reasons.tsv (CPL 2018 arts. 16, 163): a lawful ground is no
 * lead, any other reason is. With no written reason, a revocation (close_reason revoked) with
 * its decision document (a `revoked` node with a doc_no, 撤销案件决定书) records its reason in
 * that document and is no lead when `document_is_reason`; a closure with neither is.
 * Events and dates after the reference date are ignored, so `--as-of` replays a past day.
 */
#include <stdio.h>
#include <string.h>

#include "detect/cf_common.h"
#include "detect/common.h"
#include "detect/detect.h"

/* ---- CF03 ------------------------------------------------------------------------------- */

/* id, source_system, source_key, case_no, unit, filed_at, last activity (as of ?1), latest
 * suspension and latest resumption (as of ?1). Only open criminal cases are read; each one's
 * nodes through the (case_system, case_no) index. */
static const char idle_sql[] =
    "SELECT p.id, p.source_system, p.source_key, p.case_no, p.unit_code, p.filed_at,"
    " (SELECT max(e.occurred_at) FROM case_event e WHERE e.case_system = 'police'"
    "   AND e.case_no = p.case_no AND substr(e.occurred_at, 1, 10) <= ?1"
    "   AND instr(?2, ',' || e.node || ',') > 0),"
    " (SELECT max(e.occurred_at) FROM case_event e WHERE e.case_system = 'police'"
    "   AND e.case_no = p.case_no AND e.node = 'suspension'"
    "   AND substr(e.occurred_at, 1, 10) <= ?1),"
    " (SELECT max(e.occurred_at) FROM case_event e WHERE e.case_system = 'police'"
    "   AND e.case_no = p.case_no AND e.node = 'resumption'"
    "   AND substr(e.occurred_at, 1, 10) <= ?1)"
    " FROM police_case p WHERE p.kind = 'criminal' AND p.filed_at IS NOT NULL"
    "  AND substr(p.filed_at, 1, 10) <= ?1"
    "  AND (p.closed_at IS NULL OR substr(p.closed_at, 1, 10) > ?1)"
    "  AND (p.transferred_at IS NULL OR substr(p.transferred_at, 1, 10) > ?1)";

/* The activity list as ",a,b,c," for instr(). */
static int activity_list(zj_detect_ctx *c, zj_buf *out)
{
    const char *const *items;
    size_t n = zj_param_list(c, "activity_nodes", &items);
    if (zj_buf_printf(out, ","))
        return -1;
    for (size_t i = 0; i < n; i++)
        if (zj_buf_printf(out, "%s,", items[i]))
            return -1;
    return 0;
}

static int run_cf03(zj_detect_ctx *c, zj_error *err)
{
    zj_lead l = {0};
    zj_buf nodes = {0};
    zj_stmt *q = NULL;
    int rc = activity_list(c, &nodes) ? zj_fail(err, ZJ_EDATA, "out of memory") : 0, step = 0;
    if (!rc)
        rc = zj_stmt_prepare(c->store, idle_sql, &q, err);
    long idle = (long)zj_param_int(c, "idle_days");
    long escalate = (long)zj_param_int(c, "escalate_days");
    int64_t checked = 0, suspended = 0;
    if (!rc) {
        zj_stmt_bind_text(q, 1, c->as_of, strlen(c->as_of));
        zj_stmt_bind_text(q, 2, nodes.data, nodes.len);
    }
    while (!rc && (step = zj_stmt_next(q, err)) == 1) {
        checked++;
        long filed = zj_stmt_day(q, 5, ZJ_DAY_MAX);
        long act = zj_stmt_day(q, 6, ZJ_DAY_MIN);
        const char *susp = zj_stmt_text(q, 7, NULL), *resu = zj_stmt_text(q, 8, NULL);
        if (susp && (!resu || strcmp(resu, susp) < 0)) {
            suspended++;                            /* 中止侦查, not resumed: not idle */
            continue;
        }
        long last = act > filed ? act : filed;
        long days = c->as_of_day - last;
        if (filed == ZJ_DAY_MAX || days <= idle)
            continue;
        char no[96], f[11], a[11];
        const char *n = zj_stmt_text(q, 3, NULL), *u = zj_stmt_text(q, 4, NULL);
        snprintf(no, sizeof no, "%s", n ? n : "");
        zj_day_format(filed, f);
        zj_day_format(last, a);
        zj_lead_reset(&l);
        l.subject_table = "police_case";
        l.subject_id = zj_stmt_int(q, 0);
        snprintf(l.unit_code, sizeof l.unit_code, "%s", u ? u : "");
        int sev = c->severity + (days > escalate ? 1 : 0);
        l.severity = sev > 4 ? 4 : sev;
        zj_buf_printf(&l.title, "立案后 %ld 天无侦查活动 / No investigative step for %ld days",
                      days, days);
        zj_buf_printf(&l.explanation,
                      "公安刑事案件 %s 于 %s 立案，尚未侦查终结或移送，最近一次侦查活动在 %s，"
                      "至 %s 已 %ld 天没有任何侦查活动记录（讯问、询问、勘验、搜查、扣押、鉴定、"
                      "强制措施等），超过 %ld 天，且无中止侦查记录。立案后应当进行侦查；"
                      "取保候审、监视居住期间不得中断侦查。\n"
                      "Criminal police case %s, filed on %s, is neither concluded nor "
                      "transferred; its last investigative step was on %s, %ld days before %s "
                      "(more than %ld), with no suspension of the investigation on record.",
                      no, f, a, c->as_of, days, idle, no, f, a, days, c->as_of, idle);
        zj_buf_printf(&l.path, "公安案件 %s → 立案 %s → 最近侦查活动 %s → 截至 %s（%ld 天）", no,
                      f, a, c->as_of, days);
        if (zj_lead_fact_int(&l, "idle_days", days) || zj_lead_fact_str(&l, "filed", f) ||
            zj_lead_fact_str(&l, "last_activity", a))
            rc = zj_fail(err, ZJ_EDATA, "out of memory");
        if (!rc)
            rc = zj_cf_emit(c, &l, zj_stmt_text(q, 1, NULL), zj_stmt_text(q, 2, NULL), NULL,
                            "case", "idle_after_filing", err);
    }
    if (!rc && step < 0)
        rc = ZJ_EDATA;
    if (!rc)
        snprintf(c->summary, sizeof c->summary,
                 "%lld open filed criminal cases checked, %lld suspended", (long long)checked,
                 (long long)suspended);
    zj_stmt_finalize(q);
    zj_buf_free(&nodes);
    zj_lead_free(&l);
    return rc;
}

/* ---- CF04 ------------------------------------------------------------------------------- */

typedef struct revoke_ground {
    const char *phrase, *ground, *basis;
} revoke_ground;

static const revoke_ground grounds[] = {
#include "detect/revoke_reasons.inc"
};

/* The lawful ground a written reason states, or NULL. */
static const revoke_ground *ground_of(const char *reason)
{
    for (size_t i = 0; reason && i < sizeof grounds / sizeof grounds[0]; i++)
        if (strstr(reason, grounds[i].phrase))
            return &grounds[i];
    return NULL;
}

/* id, source_system, source_key, case_no, unit, filed_at, closed_at, close_reason,
 * revoke_reason, the revocation document (a `revoked` node's doc_no), a transfer node. */
static const char closed_sql[] =
    "SELECT p.id, p.source_system, p.source_key, p.case_no, p.unit_code, p.filed_at,"
    " p.closed_at, p.close_reason, p.revoke_reason,"
    " (SELECT max(e.doc_no) FROM case_event e WHERE e.case_system = 'police'"
    "   AND e.case_no = p.case_no AND e.node = 'revoked' AND e.doc_no IS NOT NULL"
    "   AND e.doc_no <> '' AND substr(e.occurred_at, 1, 10) <= ?1),"
    " EXISTS (SELECT 1 FROM case_event e WHERE e.case_system = 'police'"
    "   AND e.case_no = p.case_no AND e.node = 'transferred'"
    "   AND substr(e.occurred_at, 1, 10) <= ?1)"
    " FROM police_case p WHERE p.kind = 'criminal'"
    "  AND (p.filed_at IS NOT NULL OR p.filing_decision = 'filed')"
    "  AND p.closed_at IS NOT NULL AND substr(p.closed_at, 1, 10) <= ?1"
    "  AND (p.transferred_at IS NULL OR substr(p.transferred_at, 1, 10) > ?1)"
    "  AND coalesce(p.close_reason, '') <> 'transferred'";

static int run_cf04(zj_detect_ctx *c, zj_error *err)
{
    zj_lead l = {0};
    zj_stmt *q = NULL;
    int rc = zj_stmt_prepare(c->store, closed_sql, &q, err), step = 0;
    bool doc_counts = zj_param_bool(c, "document_is_reason");
    int64_t checked = 0, lawful = 0;
    if (!rc)
        zj_stmt_bind_text(q, 1, c->as_of, strlen(c->as_of));
    while (!rc && (step = zj_stmt_next(q, err)) == 1) {
        checked++;
        if (zj_stmt_int(q, 10))
            continue;                               /* a transfer node: not closed unheard */
        const char *why = zj_stmt_text(q, 8, NULL), *how = zj_stmt_text(q, 7, NULL),
                   *doc = zj_stmt_text(q, 9, NULL);
        bool has_text = why && *why;
        bool revoked = how && !strcmp(how, "revoked");
        const revoke_ground *g = has_text ? ground_of(why) : NULL;
        if (g || (!has_text && revoked && doc && doc_counts)) {
            lawful++;
            continue;
        }
        char no[96], f[11], e[11], reason[256], docbuf[96];
        const char *n = zj_stmt_text(q, 3, NULL), *u = zj_stmt_text(q, 4, NULL);
        snprintf(no, sizeof no, "%s", n ? n : "");
        snprintf(reason, sizeof reason, "%s", has_text ? why : "");
        snprintf(docbuf, sizeof docbuf, "%s", doc ? doc : "");
        zj_day_format(zj_stmt_day(q, 5, ZJ_DAY_MIN), f);
        zj_day_format(zj_stmt_day(q, 6, ZJ_DAY_MIN), e);
        const char *how_zh = revoked ? "撤销案件" : "结案";
        zj_lead_reset(&l);
        l.subject_table = "police_case";
        l.subject_id = zj_stmt_int(q, 0);
        snprintf(l.unit_code, sizeof l.unit_code, "%s", u ? u : "");
        l.severity = c->severity;
        const char *check;
        if (has_text) {
            check = "reason_not_lawful";
            zj_buf_printf(&l.title, "撤案理由不属于法定情形 / Revoked on a reason the law does not "
                                    "allow");
            zj_buf_printf(&l.explanation,
                          "公安刑事案件 %s 于 %s 立案，%s %s，未移送审查起诉。记录的理由“%s”不属于"
                          "刑事诉讼法第十六条、第一百六十三条规定的撤销案件情形（没有犯罪事实、情节"
                          "显著轻微、已过追诉时效、经特赦、告诉才处理、犯罪嫌疑人死亡、其他依法不追究"
                          "刑事责任）。\nCriminal police case %s, filed on %s, was %s on %s without a "
                          "transfer for prosecution; the reason recorded, '%s', is none of the "
                          "grounds of CPL arts. 16 and 163 (no crime, trivial, time-barred, "
                          "amnesty, complaint-only offence, suspect dead, other exemption by law).",
                          no, f, how_zh, e, reason, no, f, revoked ? "revoked" : "closed", e,
                          reason);
        } else {
            check = "closed_without_reason";
            zj_buf_printf(&l.title, "立案后未移送即%s且无理由 / Closed after filing with no "
                                    "transfer and no reason", how_zh);
            zj_buf_printf(&l.explanation,
                          "公安刑事案件 %s 于 %s 立案，%s %s%s，既未移送审查起诉，也没有记录撤案理由"
                          "或撤销案件决定书。\nCriminal police case %s, filed on %s, was %s on %s "
                          "with no transfer for prosecution and no recorded reason or revocation "
                          "decision.",
                          no, f, e, how_zh, revoked ? "" : "（结案方式未记明）", no, f,
                          revoked ? "revoked" : "closed", e);
        }
        zj_buf_printf(&l.path, "公安案件 %s → 立案 %s → %s %s → 未移送、%s", no, f, how_zh, e,
                      has_text ? "理由不合法" : "无理由");
        if (zj_lead_fact_str(&l, "filed", f) || zj_lead_fact_str(&l, "closed", e) ||
            (has_text && zj_lead_fact_str(&l, "reason", reason)) ||
            (docbuf[0] && zj_lead_fact_str(&l, "revocation_document", docbuf)))
            rc = zj_fail(err, ZJ_EDATA, "out of memory");
        if (!rc)
            rc = zj_cf_emit(c, &l, zj_stmt_text(q, 1, NULL), zj_stmt_text(q, 2, NULL), check,
                            "case", check, err);
    }
    if (!rc && step < 0)
        rc = ZJ_EDATA;
    if (!rc)
        snprintf(c->summary, sizeof c->summary,
                 "%lld filed criminal cases closed without transfer, %lld on a lawful reason",
                 (long long)checked, (long long)lawful);
    zj_stmt_finalize(q);
    zj_lead_free(&l);
    return rc;
}

static const zj_param cf03_params[] = {
    {"idle_days", ZJ_PARAM_INT, "90",
     "days without an investigative step after which an open filed case is a lead", 15, 730,
     NULL},
    {"escalate_days", ZJ_PARAM_INT, "365", "severity +1 when idle longer than this", 30, 3650,
     NULL},
    {"activity_nodes", ZJ_PARAM_LIST,
     "interrogation,inquiry,inspection,search,seizure,freeze,appraisal,identification,"
     "investigation_other,detention,arrest_requested,arrest_approved,arrest_refused,arrested,"
     "bail,residential_surveillance,released,extension,resumption,supplementary_investigation,"
     "resubmitted",
     "case_event nodes that are investigative steps (docs/data-standard.md 4.1)", 0, 0, NULL},
    {NULL, 0, NULL, NULL, 0, 0, NULL},
};

static const zj_param cf04_params[] = {
    {"document_is_reason", ZJ_PARAM_BOOL, "true",
     "a revocation with its decision document (撤销案件决定书) but no reason column is not a "
     "lead: the document states the reason", 0, 0, NULL},
    {NULL, 0, NULL, NULL, 0, 0, NULL},
};

const zj_detector zj_detector_cf03 = {
    "CF03", "立案后长期无侦查活动（压案不查）", "Filed, no investigative activity for too long",
    "《中华人民共和国刑事诉讼法》（2018）第一百一十五条（对已经立案的刑事案件应当进行侦查）、"
    "第七十九条第二款（取保候审、监视居住期间不得中断对案件的侦查）；"
    "《人民检察院刑事诉讼规则》（2019）立案监督、侦查活动监督；政法队伍教育整顿“压案不查”顽瘴痼疾整治"
    "（无侦查活动的天数为本系统参数，法律未规定）",
    3, cf03_params, run_cf03,
};

const zj_detector zj_detector_cf04 = {
    "CF04", "立案后撤案或结案无移送、无合法理由（有罪不究）",
    "Revoked or closed after filing with no transfer or reason",
    "《中华人民共和国刑事诉讼法》（2018）第十六条、第一百六十三条（撤销案件的法定情形）；"
    "《公安机关办理刑事案件程序规定》（2020）（撤销案件）；《人民检察院刑事诉讼规则》（2019）立案监督"
    "（不应当撤案而撤案）；法定情形见 rules/revoke-reasons.tsv",
    3, cf04_params, run_cf04,
};
