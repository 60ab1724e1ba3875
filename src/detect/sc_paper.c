/* sc_paper.c - SC04: paper serving (纸面服刑): a prisoner recorded as serving a sentence who
 * appears in other agencies' records, outside the prison, during the term.
 *
 * The serving period of a resolved person (entity resolution: the `prisoner` mention of
 * sentence_change) runs from the sentence's start for its term (sentence_start_date +
 * sentence_months), and ends early at a granted parole or medical parole (lawfully outside);
 * the prison roster (`prisoner`: admitted_date until released_date, open while held) adds
 * custody periods for prisoners without a sentence change.
 * An appearance is a record naming the same person with a date inside that period, in a role
 * that needs the person to act outside: a party to a case in one of `case_party_roles` (the
 * case's filing or acceptance date), an incident reporter (received_at), or an enterprise role
 * taken up (start_date). Being sued or prosecuted needs nothing of the prisoner and is not an
 * appearance. One lead per prisoner, on the sentence change whose term covers the first
 * appearance, listing every appearance.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "detect/common.h"
#include "detect/detect.h"
#include "text/period.h"

/* Serving periods: one row per fixed-term sentence change of a resolved prisoner, with the
 * earliest granted parole or medical parole of that person. */
static const char serving_sql[] =
    "SELECT m.entity_id, s.id, s.source_system, s.source_key, s.change_no, s.prison_unit_code,"
    " s.sentence_start_date, s.sentence_months,"
    " (SELECT min(p.decided_at) FROM sentence_change p JOIN mention pm ON pm.table_name ="
    "   'sentence_change' AND pm.record_id = p.id AND pm.role = 'prisoner'"
    "   WHERE pm.entity_id = m.entity_id AND p.decision = 'granted'"
    "   AND p.change_type IN ('parole', 'medical_parole'))"
    " FROM sentence_change s JOIN mention m ON m.table_name = 'sentence_change'"
    "  AND m.record_id = s.id AND m.role = 'prisoner'"
    " WHERE m.entity_id IS NOT NULL AND s.sentence_start_date IS NOT NULL"
    "  AND s.sentence_months IS NOT NULL AND coalesce(s.sentence_kind, 'fixed') = 'fixed'"
    " ORDER BY m.entity_id, s.id";

/* Custody records (在押记录) of the prison roster: serving from admission until release. */
static const char custody_sql[] =
    "SELECT m.entity_id, p.id, p.source_system, p.source_key, p.prisoner_no, p.prison_unit_code,"
    " p.admitted_date, p.released_date"
    " FROM prisoner p JOIN mention m ON m.table_name = 'prisoner' AND m.record_id = p.id"
    "  AND m.role = 'self'"
    " WHERE m.entity_id IS NOT NULL AND p.admitted_date IS NOT NULL"
    " ORDER BY m.entity_id, p.id";

/* Appearances of persons who are prisoners somewhere, with their dates. */
static const char appear_sql[] =
    "WITH prisoners AS (SELECT DISTINCT entity_id FROM mention WHERE entity_id IS NOT NULL"
    "  AND ((table_name = 'sentence_change' AND role = 'prisoner')"
    "   OR (table_name = 'prisoner' AND role = 'self')))"
    " SELECT m.entity_id, 'case_party', cp.id, cp.role, cp.case_no,"
    "  coalesce(cc.filed_at, pc.accepted_at, pc.filed_at, jc.received_at)"
    " FROM mention m JOIN prisoners x ON x.entity_id = m.entity_id"
    " JOIN case_party cp ON m.table_name = 'case_party' AND cp.id = m.record_id"
    " LEFT JOIN court_case cc ON cp.case_system = 'court' AND cc.case_no = cp.case_no"
    " LEFT JOIN police_case pc ON cp.case_system = 'police' AND pc.case_no = cp.case_no"
    " LEFT JOIN procuratorate_case jc ON cp.case_system = 'procuratorate' AND jc.case_no = cp.case_no"
    " UNION ALL"
    " SELECT m.entity_id, 'incident', i.id, 'reporter', i.incident_no, i.received_at"
    " FROM mention m JOIN prisoners x ON x.entity_id = m.entity_id"
    " JOIN incident i ON m.table_name = 'incident' AND i.id = m.record_id"
    " UNION ALL"
    " SELECT m.entity_id, 'enterprise_role', r.id, r.role, coalesce(r.enterprise_name, r.uscc, ''),"
    "  r.start_date"
    " FROM mention m JOIN prisoners x ON x.entity_id = m.entity_id"
    " JOIN enterprise_role r ON m.table_name = 'enterprise_role' AND r.id = m.record_id"
    "  AND m.role = 'person'"
    " ORDER BY 1, 6";

typedef struct period {
    const char *table;    /* sentence_change or prisoner (static) */
    int64_t entity, change_id;
    char *sys, *key, *no, *unit;
    long from, to;        /* [from, to) */
} period;

typedef struct appearance {
    int64_t entity, record_id;
    const char *table;    /* static */
    char *role, *what;
    long day;
} appearance;

static char *dup(const char *s)
{
    return strdup(s ? s : "");
}

static void periods_free(period *p, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(p[i].sys);
        free(p[i].key);
        free(p[i].no);
        free(p[i].unit);
    }
    free(p);
}

/* Append the periods of `sql` (serving_sql when `custody` is false, else custody_sql). */
static int load_periods(zj_store *s, bool custody, period **out, size_t *nout, size_t *capp,
                        zj_error *err)
{
    zj_stmt *q;
    int rc = zj_stmt_prepare(s, custody ? custody_sql : serving_sql, &q, err), step;
    if (rc)
        return rc;
    period *p = *out;
    size_t n = *nout, cap = *capp;
    while (!rc && (step = zj_stmt_next(q, err)) == 1) {
        long from = zj_stmt_day(q, 6, ZJ_DAY_MIN);
        if (from == ZJ_DAY_MIN)
            continue;
        long to = custody ? zj_stmt_day(q, 7, ZJ_DAY_MAX)
                          : zj_add_months_same_day(from, (int)zj_stmt_int(q, 7));
        long out_day = custody ? ZJ_DAY_MAX : zj_stmt_day(q, 8, ZJ_DAY_MAX);
        if (out_day < to)
            to = out_day;
        period *np = zj_grow(p, &cap, n + 1, sizeof *p, 64);
        if (!np) {
            rc = zj_fail(err, ZJ_EDATA, "out of memory");
            break;
        }
        p = np;
        period *x = &p[n++];
        x->table = custody ? "prisoner" : "sentence_change";
        x->entity = zj_stmt_int(q, 0);
        x->change_id = zj_stmt_int(q, 1);
        x->sys = dup(zj_stmt_text(q, 2, NULL));
        x->key = dup(zj_stmt_text(q, 3, NULL));
        x->no = dup(zj_stmt_text(q, 4, NULL));
        x->unit = dup(zj_stmt_text(q, 5, NULL));
        x->from = from;
        x->to = to;
        if (!x->sys || !x->key || !x->no || !x->unit)
            rc = zj_fail(err, ZJ_EDATA, "out of memory");
    }
    if (!rc && step < 0)
        rc = ZJ_EDATA;
    zj_stmt_finalize(q);
    *out = p;
    *nout = n;
    *capp = cap;
    return rc;
}

/* The period of `entity` covering `day`, or NULL: the latest such sentence change, else the
 * custody record. A sentence change that ends the term early (parole, medical parole) ends
 * the serving, so a custody record not yet closed does not cover a day after it. */
static const period *covering(const period *p, size_t n, int64_t entity, long day)
{
    const period *hit = NULL, *custody = NULL;
    bool out = false;
    for (size_t i = 0; i < n; i++) {
        if (p[i].entity != entity)
            continue;
        bool in = day >= p[i].from && day < p[i].to;
        if (!strcmp(p[i].table, "prisoner")) {
            if (in)
                custody = &p[i];
        } else if (in) {
            hit = &p[i];
        } else if (day >= p[i].from) {
            out = true;                 /* after that term's end or release */
        }
    }
    return hit ? hit : out ? NULL : custody;
}

static const char *table_zh(const char *t)
{
    return !strcmp(t, "case_party") ? "案件当事人" : !strcmp(t, "incident") ? "报警人" : "企业任职";
}

/* Chinese name of an appearance's role (case roles here, enterprise roles in common.c). */
static const char *role_zh(const appearance *a)
{
    static const char *const map[][2] = {
        {"plaintiff", "原告"}, {"applicant", "申请人"}, {"appellant", "上诉人"},
        {"defendant", "被告"}, {"third_party", "第三人"}, {"victim", "被害人"},
        {"respondent", "被申请人"}, {"appellee", "被上诉人"}, {"reporter", "报警人"},
    };
    if (!strcmp(a->table, "enterprise_role"))
        return zj_zh_role(a->role);
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
        if (!strcmp(map[i][0], a->role))
            return map[i][1];
    return a->role;
}

/* Emit the lead of one prisoner from its appearances a[0..n). */
static int emit(zj_detect_ctx *c, const period *p, size_t np, const appearance *a, size_t n,
                zj_lead *l, zj_error *err)
{
    const period *first = NULL;
    size_t hits = 0;
    for (size_t i = 0; i < n; i++) {
        if (!strcmp(a[i].table, "case_party") &&
            !zj_param_has(c, "case_party_roles", a[i].role, strlen(a[i].role)))
            continue;
        if (!strcmp(a[i].table, "incident") && !zj_param_bool(c, "incident_reporters"))
            continue;
        if (!strcmp(a[i].table, "enterprise_role") &&
            !zj_param_has(c, "enterprise_roles", a[i].role, strlen(a[i].role)))
            continue;
        const period *pp = covering(p, np, a[i].entity, a[i].day);
        if (!pp)
            continue;
        if (!first) {
            first = pp;
            zj_lead_reset(l);
            l->subject_table = pp->table;
            l->subject_id = pp->change_id;
            snprintf(l->unit_code, sizeof l->unit_code, "%s", pp->unit);
            zj_buf_printf(&l->title, "在押服刑期间出现在狱外记录中（疑似纸面服刑） / Serving prisoner "
                          "appears in records outside the prison (possible paper serving)");
            char f[11], t[11];
            zj_day_format(pp->from, f);
            zj_day_format(pp->to, t);
            bool roster = !strcmp(pp->table, "prisoner");
            zj_buf_printf(&l->explanation, "罪犯（%s %s）服刑期间 %s 至 %s，却出现在其他机关的记录中：",
                          roster ? "罪犯编号" : "刑罚变更案件", pp->no, f,
                          pp->to == ZJ_DAY_MAX ? "今" : t);
            zj_buf_printf(&l->path, "%s %s → 同一人", roster ? "在押罪犯" : "刑罚变更案件", pp->no);
            if (zj_lead_key_record(l, pp->sys, pp->key) ||
                zj_lead_evidence(l, pp->table, pp->change_id, roster ? "custody" : "sentence change",
                                 "serving"))
                return zj_fail(err, ZJ_EDATA, "out of memory");
        }
        char d[11];
        zj_day_format(a[i].day, d);
        zj_buf_printf(&l->explanation, "%s%s %s（%s，%s）", hits ? "；" : "", table_zh(a[i].table),
                      a[i].what, role_zh(&a[i]), d);
        zj_buf_printf(&l->path, " → %s %s", table_zh(a[i].table), a[i].what);
        if (zj_lead_evidence(l, a[i].table, a[i].record_id, a[i].role, d))
            return zj_fail(err, ZJ_EDATA, "out of memory");
        hits++;
    }
    if (!first)
        return ZJ_OK;
    zj_buf_printf(&l->explanation, "。\nA prisoner serving a sentence (%s %s) appears "
                  "%zu time(s) in other agencies' records in a role that needs them outside the "
                  "prison during the term.", strcmp(first->table, "prisoner") ? "sentence change" : "prisoner",
                  first->no, hits);
    if (!l->explanation.data || !l->path.data)
        return zj_fail(err, ZJ_EDATA, "out of memory");
    int sev = c->severity + (hits >= 2 ? 1 : 0);
    l->severity = sev > 4 ? 4 : sev;
    return zj_sink_emit(c->sink, l, err);
}

static void appearances_clear(appearance *a, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(a[i].role);
        free(a[i].what);
    }
}

static int run_sc04(zj_detect_ctx *c, zj_error *err)
{
    period *p = NULL;
    size_t np = 0, pcap = 0;
    int rc = load_periods(c->store, false, &p, &np, &pcap, err), step;
    if (!rc)
        rc = load_periods(c->store, true, &p, &np, &pcap, err);
    if (rc) {
        periods_free(p, np);
        return rc;
    }
    zj_stmt *q;
    if ((rc = zj_stmt_prepare(c->store, appear_sql, &q, err))) {
        periods_free(p, np);
        return rc;
    }
    appearance *a = NULL;
    size_t n = 0, cap = 0;
    zj_lead l = {0};
    while (!rc && (step = zj_stmt_next(q, err)) == 1) {
        int64_t e = zj_stmt_int(q, 0);
        if (n && a[0].entity != e) {
            rc = emit(c, p, np, a, n, &l, err);
            appearances_clear(a, n);
            n = 0;
            if (rc)
                break;
        }
        long day = zj_stmt_day(q, 5, ZJ_DAY_MIN);
        if (day == ZJ_DAY_MIN)
            continue;
        appearance *na = zj_grow(a, &cap, n + 1, sizeof *a, 16);
        if (!na) {
            rc = zj_fail(err, ZJ_EDATA, "out of memory");
            break;
        }
        a = na;
        const char *t = zj_stmt_text(q, 1, NULL);
        a[n] = (appearance){e, zj_stmt_int(q, 2),
                            !strcmp(t, "case_party") ? "case_party"
                            : !strcmp(t, "incident") ? "incident" : "enterprise_role",
                            dup(zj_stmt_text(q, 3, NULL)), dup(zj_stmt_text(q, 4, NULL)), day};
        if (!a[n].role || !a[n].what)
            rc = zj_fail(err, ZJ_EDATA, "out of memory");
        n++;
    }
    if (!rc && step < 0)
        rc = ZJ_EDATA;
    if (!rc && n)
        rc = emit(c, p, np, a, n, &l, err);
    appearances_clear(a, n);
    free(a);
    zj_lead_free(&l);
    zj_stmt_finalize(q);
    periods_free(p, np);
    return rc;
}

static const zj_param sc04_params[] = {
    {"case_party_roles", ZJ_PARAM_LIST, "plaintiff,applicant,appellant",
     "case roles a party takes by acting (suing, applying, appealing)", 0, 0,
     "plaintiff,defendant,third_party,suspect,victim,applicant,respondent,appellant,appellee,"
     "executor,debtor"},
    {"incident_reporters", ZJ_PARAM_BOOL, "true", "reporting an incident to the police counts",
     0, 0, NULL},
    {"enterprise_roles", ZJ_PARAM_LIST, "legal_rep,shareholder,director,supervisor,manager,operator",
     "enterprise roles whose taking up during the term counts", 0, 0,
     "legal_rep,shareholder,director,supervisor,manager,operator"},
    {NULL, 0, NULL, NULL, 0, 0, NULL},
};

const zj_detector zj_detector_sc04 = {
    "SC04", "疑似纸面服刑", "Possible paper serving",
    "《中华人民共和国监狱法》第二条（罪犯在监狱内执行刑罚）、第十五条（送交监狱执行刑罚）；政法队伍教育整顿（2021）顽瘴痼疾专项整治之一："
    "违规违法减刑、假释、暂予监外执行（排查“纸面服刑”“提钱出狱”）",
    3, sc04_params, run_sc04,
};
