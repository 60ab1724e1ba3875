/* cf_borrowed.c - CF07: "borrowed time" (违规互借时间): one approval used for several cases,
 * and returns for supplementary investigation beyond what the law allows.
 *
 * An approval (审批单) for an extension or a suspension is granted for one case and one
 * period. The same approval number (case_event.approval_no) on process nodes of two or more
 * different cases of one system is a lead: one lead per approval number, about the case that
 * used it last, with every case as evidence. A procuratorate case returned for supplementary
 * investigation more often than the law allows (CPL 2018 art. 175: twice; the
 * `cpl-175-supplementary` row's rule is the text's) is a lead too: each return restarts the
 * review clock, so an extra return is borrowed time. Events after the reference date are
 * ignored.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "detect/cf_common.h"
#include "detect/common.h"
#include "detect/detect.h"

static const char approvals_sql[] =
    "SELECT e.case_system, e.approval_no, e.case_no, min(e.occurred_at) AS first_at"
    " FROM case_event e WHERE e.approval_no IS NOT NULL AND e.approval_no <> ''"
    "  AND substr(e.occurred_at, 1, 10) <= ?1@SCOPE@"
    " GROUP BY e.case_system, e.approval_no, e.case_no"
    " ORDER BY e.case_system, e.approval_no, first_at, e.case_no";

static const char returns_sql[] =
    "SELECT q.id, q.source_system, q.source_key, q.case_no, q.unit_code, count(*)"
    " FROM procuratorate_case q JOIN case_event e ON e.case_system = 'procuratorate'"
    "  AND e.case_no = q.case_no AND e.node = 'returned'"
    "  AND substr(e.occurred_at, 1, 10) <= ?1@SCOPE@"
    " GROUP BY q.id HAVING count(*) > ?2 ORDER BY q.id";

/* In an incremental run (detect.h): the touched cases only. The scope holds every case that
 * shares an approval number with a new node (scope.h), so each approval's group is whole. */
static const char approvals_scope[] =
    " AND (e.case_system, e.case_no) IN (SELECT system, case_no FROM temp.zj_case_scope)";
static const char returns_scope[] =
    " AND q.case_no IN (SELECT case_no FROM temp.zj_case_scope WHERE system = 'procuratorate')";

static int prepare_scoped(zj_detect_ctx *c, const char *sql, const char *filter, zj_stmt **q,
                          zj_error *err)
{
    zj_buf b = {0};
    int rc = zj_detect_scope_sql(c, sql, filter, &b, err);
    if (!rc)
        rc = zj_stmt_prepare(c->store, b.data, q, err);
    zj_buf_free(&b);
    return rc;
}

/* The case record of (system, case_no): its id, natural key and unit. */
static int find_case(zj_detect_ctx *c, const char *system, const char *no, int64_t *id,
                     const char **table, char sys[64], char key[160], char unit[32],
                     zj_error *err)
{
    const char *sql;
    if (!strcmp(system, "police")) {
        sql = "SELECT id, source_system, source_key, unit_code FROM police_case"
              " WHERE case_no = ?1 ORDER BY id LIMIT 1";
        *table = "police_case";
    } else if (!strcmp(system, "procuratorate")) {
        sql = "SELECT id, source_system, source_key, unit_code FROM procuratorate_case"
              " WHERE case_no = ?1 ORDER BY id LIMIT 1";
        *table = "procuratorate_case";
    } else {
        sql = "SELECT id, source_system, source_key, court_code FROM court_case"
              " WHERE case_no = ?1 ORDER BY id LIMIT 1";
        *table = "court_case";
    }
    zj_stmt *q;
    int rc = zj_stmt_prepare(c->store, sql, &q, err);
    if (rc)
        return rc;
    zj_stmt_bind_text(q, 1, no, strlen(no));
    *id = 0;
    int step = zj_stmt_next(q, err);
    if (step == 1) {
        const char *a = zj_stmt_text(q, 1, NULL), *b = zj_stmt_text(q, 2, NULL),
                   *u = zj_stmt_text(q, 3, NULL);
        *id = zj_stmt_int(q, 0);
        snprintf(sys, 64, "%s", a ? a : "");
        snprintf(key, 160, "%s", b ? b : "");
        snprintf(unit, 32, "%s", u ? u : "");
    }
    zj_stmt_finalize(q);
    return step < 0 ? ZJ_EDATA : 0;
}

typedef struct use {
    char case_no[96];
    char at[20];
} use;

static int emit_reuse(zj_detect_ctx *c, const char *system, const char *approval,
                      const use *u, size_t n, zj_lead *l, zj_error *err)
{
    int64_t id;
    const char *table;
    char sys[64], key[160], unit[32];
    int rc = find_case(c, system, u[n - 1].case_no, &id, &table, sys, key, unit, err);
    if (rc || !id)
        return rc;                      /* the last case is not in its ledger: nothing to show */
    zj_lead_reset(l);
    l->subject_table = table;
    l->subject_id = id;
    snprintf(l->unit_code, sizeof l->unit_code, "%s", unit);
    l->severity = c->severity;
    zj_buf_printf(&l->title, "同一审批单用于 %zu 个案件 / One approval used for %zu cases", n, n);
    zj_buf_printf(&l->explanation, "审批单号 %s 出现在 %zu 个不同案件的流程节点上：", approval, n);
    for (size_t i = 0; i < n; i++)
        zj_buf_printf(&l->explanation, "%s%s（%.10s）", i ? "、" : "", u[i].case_no, u[i].at);
    zj_buf_printf(&l->explanation,
                  "。延长、中止审批只对一个案件的一个期间有效，一单多用可能是违规互借时间。\nApproval %s appears "
                  "on process nodes of %zu different cases; an extension or suspension approval "
                  "is granted for one case and one period, so reusing it may be borrowed time.",
                  approval, n);
    zj_buf_printf(&l->path, "审批单 %s → %zu 个案件 → %s", approval, n, u[n - 1].case_no);
    rc = l->explanation.data && l->path.data ? 0 : -1;
    if (!rc)
        rc = zj_lead_key_record(l, "approval", approval) || zj_lead_key_record(l, "system", system);
    for (size_t i = 0; !rc && i < n; i++) {
        int64_t cid;
        const char *t;
        char s2[64], k2[160], u2[32];
        if ((rc = find_case(c, system, u[i].case_no, &cid, &t, s2, k2, u2, err)))
            return rc;
        if (cid)
            rc = zj_lead_evidence(l, t, cid, "case", "approval used");
    }
    if (rc)
        return zj_fail(err, ZJ_EDATA, "out of memory");
    return zj_sink_emit(c->sink, l, err);
}

static int check_reuse(zj_detect_ctx *c, zj_lead *l, zj_error *err)
{
    zj_stmt *q;
    int rc = prepare_scoped(c, approvals_sql, approvals_scope, &q, err), step = 0;
    if (rc)
        return rc;
    zj_stmt_bind_text(q, 1, c->as_of, strlen(c->as_of));
    char system[24] = "", approval[96] = "";
    use u[32];
    size_t n = 0;
    while (!rc && (step = zj_stmt_next(q, err)) == 1) {
        const char *s = zj_stmt_text(q, 0, NULL), *a = zj_stmt_text(q, 1, NULL),
                   *no = zj_stmt_text(q, 2, NULL), *at = zj_stmt_text(q, 3, NULL);
        c->evaluated++;
        if (!s || !a || !no)
            continue;
        if (strcmp(s, system) || strcmp(a, approval)) {
            if (n > 1)
                rc = emit_reuse(c, system, approval, u, n, l, err);
            n = 0;
            snprintf(system, sizeof system, "%s", s);
            snprintf(approval, sizeof approval, "%s", a);
        }
        if (n < sizeof u / sizeof u[0]) {
            snprintf(u[n].case_no, sizeof u[n].case_no, "%s", no);
            snprintf(u[n].at, sizeof u[n].at, "%s", at ? at : "");
            n++;
        }
    }
    if (!rc && step < 0)
        rc = ZJ_EDATA;
    if (!rc && n > 1)
        rc = emit_reuse(c, system, approval, u, n, l, err);
    zj_stmt_finalize(q);
    return rc;
}

static int check_returns(zj_detect_ctx *c, zj_lead *l, zj_error *err)
{
    zj_stmt *q;
    int rc = prepare_scoped(c, returns_sql, returns_scope, &q, err), step = 0;
    if (rc)
        return rc;
    int64_t max = zj_param_int(c, "max_returns");
    zj_stmt_bind_text(q, 1, c->as_of, strlen(c->as_of));
    zj_stmt_bind_int(q, 2, max);
    while (!rc && (step = zj_stmt_next(q, err)) == 1) {
        const char *no = zj_stmt_text(q, 3, NULL), *u = zj_stmt_text(q, 4, NULL);
        int64_t n = zj_stmt_int(q, 5);
        c->evaluated++;
        zj_lead_reset(l);
        l->subject_table = "procuratorate_case";
        l->subject_id = zj_stmt_int(q, 0);
        snprintf(l->unit_code, sizeof l->unit_code, "%s", u ? u : "");
        l->severity = c->severity;
        zj_buf_printf(&l->title, "退回补充侦查 %lld 次，超过法定次数 / Returned %lld times, beyond "
                      "the lawful number", (long long)n, (long long)n);
        zj_buf_printf(&l->explanation,
                      "检察院案件 %s 退回补充侦查 %lld 次；《刑事诉讼法》（2018）第一百七十五条规定补充侦查以 %lld 次为限，"
                      "每次退回后审查起诉期限重新计算。\nProcuratorate case %s was returned for "
                      "supplementary investigation %lld times; CPL 2018 art. 175 allows %lld, and "
                      "each return restarts the review clock.",
                      no ? no : "", (long long)n, (long long)max, no ? no : "", (long long)n,
                      (long long)max);
        zj_buf_printf(&l->path, "检察院案件 %s → 退回补充侦查 %lld 次", no ? no : "", (long long)n);
        rc = zj_cf_emit(c, l, zj_stmt_text(q, 1, NULL), zj_stmt_text(q, 2, NULL), "returns",
                        "case", "returns", err);
    }
    if (!rc && step < 0)
        rc = ZJ_EDATA;
    zj_stmt_finalize(q);
    return rc;
}

static int run_cf07(zj_detect_ctx *c, zj_error *err)
{
    zj_lead l = {0};
    int rc = check_reuse(c, &l, err);
    if (!rc)
        rc = check_returns(c, &l, err);
    zj_lead_free(&l);
    return rc;
}

static const zj_param cf07_params[] = {
    {"max_returns", ZJ_PARAM_INT, "2",
     "returns for supplementary investigation the law allows (CPL 2018 art. 175)", 1, 10, NULL},
    {NULL, 0, NULL, NULL, 0, 0, NULL},
};

const zj_detector zj_detector_cf07 = {
    "CF07", "违规互借时间", "Borrowed time: an approval reused or returns beyond the law",
    "《中华人民共和国刑事诉讼法》（2018）第一百七十五条（补充侦查以二次为限）、第一百七十二条；"
    "《中华人民共和国民事诉讼法》第一百五十二条（延长审限须经院长批准）；政法队伍教育整顿执法司法突出问题（违规延长办案期限、互借时间）",
    3, cf07_params, run_cf07,
};
