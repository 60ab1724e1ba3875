/* cf_time_limit.c - CF06: a statutory time limit exceeded (超审限、超期限), and CF02: a
 * police case accepted with no filing decision within its limit (受案不核), one clock.
 *
 * CF02 holds each criminal police case from acceptance (accepted_at) to its filing decision
 * (filing_decided_at, else filed_at, else the first `filed` or `not_filed` node; open while
 * pending) to the police filing-review rows. A decision whose date is nowhere recorded is
 * unknown, not overdue.
 * Each procuratorate review and court case is held to the limit of rules/time-limits.tsv that
 * fits its kind or case type and procedure (time_limits.h): the clock starts at the start
 * event (or again at the last restart: resubmission after supplementary investigation, or
 * resumption after a postponement for it), lawful extensions approved before the limit expired
 * are added (case_event `extension` nodes with days or months; the case's extension_days when
 * no event is recorded), suspensions are deducted, and the case's end event - or the reference
 * date while it is open - is compared with the deadline. Events after the reference date are
 * ignored, so `--as-of` replays a past day.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "detect/cf_common.h"
#include "detect/common.h"
#include "detect/detect.h"
#include "detect/time_limits.h"

typedef struct ev {
    char *case_no;
    char node[24];
    char at[20];                /* occurred_at, for the order within a day */
    long day;
    int days, months;
} ev;

typedef struct evs {
    ev *v;
    size_t n, cap;
} evs;

static void evs_free(evs *e)
{
    for (size_t i = 0; i < e->n; i++)
        free(e->v[i].case_no);
    free(e->v);
}

/* The few clock nodes through the (case_system, node) index (migration 15), sorted here. */
static const char events_sql[] =
    "SELECT case_no, node, occurred_at, days, months FROM case_event"
    " WHERE case_system = ?1 AND node IN ('extension','resubmitted','suspension','resumption',"
    "  'postponed')@SCOPE@";
/* In an incremental run (detect.h), the touched cases' nodes only. */
static const char events_scope[] =
    " AND case_no IN (SELECT case_no FROM temp.zj_case_scope WHERE system = ?1)";

static int ev_cmp(const void *a, const void *b)
{
    const ev *x = a, *y = b;
    int c = strcmp(x->case_no, y->case_no);
    return c ? c : strcmp(x->at, y->at);
}

static int load_events(zj_detect_ctx *c, const char *system, evs *out, zj_error *err)
{
    zj_stmt *q = NULL;
    zj_buf sql = {0};
    int rc = zj_detect_scope_sql(c, events_sql, events_scope, &sql, err), step = 0;
    if (!rc)
        rc = zj_stmt_prepare(c->store, sql.data, &q, err);
    zj_buf_free(&sql);
    if (rc)
        return rc;
    zj_stmt_bind_text(q, 1, system, strlen(system));
    while (!rc && (step = zj_stmt_next(q, err)) == 1) {
        long day = zj_stmt_day(q, 2, ZJ_DAY_MAX);
        if (day > c->as_of_day)
            continue;
        if (out->n == out->cap) {
            size_t cap = out->cap ? out->cap * 2 : 256;
            ev *v = realloc(out->v, cap * sizeof *v);
            if (!v) {
                rc = zj_fail(err, ZJ_EDATA, "out of memory");
                break;
            }
            out->v = v;
            out->cap = cap;
        }
        ev *e = &out->v[out->n];
        const char *no = zj_stmt_text(q, 0, NULL), *node = zj_stmt_text(q, 1, NULL);
        e->case_no = strdup(no ? no : "");
        if (!e->case_no) {
            rc = zj_fail(err, ZJ_EDATA, "out of memory");
            break;
        }
        snprintf(e->node, sizeof e->node, "%s", node ? node : "");
        const char *at = zj_stmt_text(q, 2, NULL);
        snprintf(e->at, sizeof e->at, "%s", at ? at : "");
        e->day = day;
        e->days = (int)zj_stmt_int(q, 3);
        e->months = (int)zj_stmt_int(q, 4);
        out->n++;
    }
    if (!rc && step < 0)
        rc = ZJ_EDATA;
    zj_stmt_finalize(q);
    if (!rc && out->n > 1)
        qsort(out->v, out->n, sizeof *out->v, ev_cmp);
    return rc;
}

/* What the case's events say about its clock: fills k (restart, deducted days, extensions
 * in `ext`, at most cap of them). */
static void read_events(const zj_time_limit *r, const ev *e, size_t n, zj_tl_case *k,
                        zj_tl_ext *ext, size_t cap)
{
    bool postponed = false;
    long suspended = ZJ_DAY_MIN;
    for (size_t i = 0; i < n; i++) {
        const ev *x = &e[i];
        if (!strcmp(x->node, "extension") && x->day <= k->end && k->next < cap)
            ext[k->next++] = (zj_tl_ext){x->day, x->days, x->months};
        else if (!strcmp(x->node, "resubmitted") && !strcmp(r->restart, "resubmitted"))
            k->restart = x->day;
        else if (!strcmp(x->node, "postponed"))
            postponed = true;
        else if (!strcmp(x->node, "suspension") && !strcmp(r->deduct, "suspension")) {
            if (x->days > 0)
                k->deducted_days += x->days;
            else
                suspended = x->day;
        } else if (!strcmp(x->node, "resumption")) {
            if (postponed && !strcmp(r->restart, "resumption_after_postponed"))
                k->restart = x->day;
            else if (suspended != ZJ_DAY_MIN)
                k->deducted_days += (int)(x->day - suspended);
            postponed = false;
            suspended = ZJ_DAY_MIN;
        }
    }
}

/* The cases of each system in table order (a sequential scan, no sort): each case finds its
 * clock nodes by a binary search in the sorted nodes. */
typedef struct sysdef {
    const char *detector, *system, *table, *sql, *zh, *start_zh, *end_zh;
    const char *scope;          /* the filter for @SCOPE@ in an incremental run (detect.h) */
} sysdef;

static const sysdef systems[] = {
    {"CF02", "police", "police_case",
     "SELECT d.id, d.source_system, d.source_key, d.case_no, d.kind,"
     " CASE WHEN d.major = 1 THEN 'major' ELSE 'ordinary' END, d.unit_code, d.accepted_at,"
     " d.decided_at, NULL FROM ("
     "  SELECT p.*, coalesce(p.filing_decided_at,"
     "   CASE WHEN p.filing_decision = 'filed' THEN p.filed_at END,"
     "   (SELECT min(e.occurred_at) FROM case_event e WHERE e.case_system = 'police'"
     "    AND e.case_no = p.case_no AND e.node IN ('filed', 'not_filed'))) AS decided_at"
     "  FROM police_case p WHERE p.accepted_at IS NOT NULL AND p.kind = 'criminal'@SCOPE@) d"
     " WHERE d.decided_at IS NOT NULL OR d.filing_decision = 'pending'"
     "  OR (d.filing_decision IS NULL AND d.closed_at IS NULL AND d.transferred_at IS NULL)"
     "",
     "公安案件", "受案", "作出立案审查决定",
     " AND p.case_no IN (SELECT case_no FROM temp.zj_case_scope WHERE system = 'police')"},
    {"CF06", "procuratorate", "procuratorate_case",
     "SELECT id, source_system, source_key, case_no, kind, procedure, unit_code, received_at,"
     " decided_at, extension_days FROM procuratorate_case WHERE received_at IS NOT NULL@SCOPE@",
     "检察院案件", "受理", "作出决定",
     " AND case_no IN (SELECT case_no FROM temp.zj_case_scope WHERE system = 'procuratorate')"},
    {"CF06", "court", "court_case",
     "SELECT id, source_system, source_key, case_no, case_type, procedure, court_code,"
     " filed_at, closed_at, extension_days FROM court_case WHERE filed_at IS NOT NULL@SCOPE@",
     "法院案件", "立案", "结案",
     " AND case_no IN (SELECT case_no FROM temp.zj_case_scope WHERE system = 'court')"},
};
enum { C_ID, C_SYS, C_KEY, C_NO, C_TYPE, C_PROC, C_UNIT, C_START, C_END, C_EXT };

static void explain(zj_lead *l, const sysdef *d, const char *no, const char *type,
                   const zj_time_limit *r, const zj_tl_case *k, bool closed,
                   const zj_tl_result *res)
{
    char s[11], b[11], dl[11], e[11], rf[11];
    zj_day_format(res->clock_start, s);
    zj_day_format(res->base_deadline, b);
    zj_day_format(res->deadline, dl);
    zj_day_format(k->end, e);
    zj_day_format(res->refused_day, rf);
    const char *uzh = r->unit[0] == 'm' ? "个月" : "日";
    if (!strcmp(d->detector, "CF02"))
        zj_buf_printf(&l->title, "受案后立案审查超期 %ld 天 / Filing review overdue by %ld days",
                      res->days_over, res->days_over);
    else
        zj_buf_printf(&l->title, "超过法定期限 %ld 天 / Statutory time limit exceeded by %ld days",
                      res->days_over, res->days_over);
    zj_buf_printf(&l->explanation,
                  "%s %s（%s）：法定期限 %d%s（%s %s），自 %s%s起算，至 %s 届满", d->zh, no, type,
                  r->length, uzh, r->statute, r->article, s,
                  k->restart > k->start ? "重新计算" : d->start_zh, b);
    if (res->honoured_days)
        zj_buf_printf(&l->explanation, "；依法延长 %d 天", res->honoured_days);
    if (k->deducted_days)
        zj_buf_printf(&l->explanation, "；扣除 %d 天", k->deducted_days);
    zj_buf_printf(&l->explanation, "，期限截止 %s。%s %s，超期 %ld 天。", dl,
                  closed ? d->end_zh : "截至", e, res->days_over);
    if (res->refused)
        zj_buf_printf(&l->explanation, "%s %s 的延长审批%s，不予认可。", rf,
                      res->refused_late ? "晚于期限届满" : "超过法律允许的次数或长度",
                      res->refused > 1 ? "等" : "");
    zj_buf_printf(&l->explanation,
                  "\n%s %s (%s): limit %d %s (%s %s) from %s, expiring %s", d->system, no, type,
                  r->length, r->unit[0] == 'm' ? "month(s)" : "day(s)", r->statute, r->article,
                  s, b);
    if (res->honoured_days)
        zj_buf_printf(&l->explanation, ", extended lawfully by %d days", res->honoured_days);
    if (k->deducted_days)
        zj_buf_printf(&l->explanation, ", %d days suspended", k->deducted_days);
    zj_buf_printf(&l->explanation, "; deadline %s; %s %s: %ld days over.", dl,
                  closed ? "ended" : "still open on", e, res->days_over);
    if (res->refused)
        zj_buf_printf(&l->explanation, " An extension approved on %s was not honoured (%s).", rf,
                      res->refused_late ? "approved after the limit had expired"
                                        : "beyond the number or length the law allows");
    zj_buf_printf(&l->path, "%s %s → %s %s → 期限 %s → %s %s（超期 %ld 天）", d->zh, no,
                  d->start_zh, s, dl, closed ? d->end_zh : "截至", e, res->days_over);
}

static int check_system(zj_detect_ctx *c, const sysdef *d, zj_lead *l, zj_error *err)
{
    evs E = {0};
    int rc = load_events(c, d->system, &E, err), step = 0;
    zj_stmt *q = NULL;
    zj_buf sql = {0};
    if (!rc)
        rc = zj_detect_scope_sql(c, d->sql, d->scope, &sql, err);
    if (!rc)
        rc = zj_stmt_prepare(c->store, sql.data, &q, err);
    zj_buf_free(&sql);
    int64_t min_over = zj_param_int(c, "min_days_over");
    zj_tl_ext ext[16];
    while (!rc && (step = zj_stmt_next(q, err)) == 1) {
        const char *no = zj_stmt_text(q, C_NO, NULL);
        c->evaluated++;
        if (!no)
            continue;
        /* the events of this case: the first not before it, then its run */
        size_t lo = 0, hi = E.n;
        while (lo < hi) {
            size_t mid = lo + (hi - lo) / 2;
            if (strcmp(E.v[mid].case_no, no) < 0)
                lo = mid + 1;
            else
                hi = mid;
        }
        size_t ei = lo, ej = ei;
        while (ej < E.n && !strcmp(E.v[ej].case_no, no))
            ej++;
        const char *type = zj_stmt_text(q, C_TYPE, NULL);
        const zj_time_limit *r =
            zj_time_limit_find(d->detector, d->system, type, zj_stmt_text(q, C_PROC, NULL));
        long start = zj_stmt_day(q, C_START, ZJ_DAY_MAX);
        if (!r || start > c->as_of_day)
            continue;
        long end = zj_stmt_day(q, C_END, ZJ_DAY_MAX);
        bool closed = end <= c->as_of_day;
        zj_tl_case k = {start, ZJ_DAY_MIN, closed ? end : c->as_of_day, ext, 0,
                        (int)zj_stmt_int(q, C_EXT), 0};
        read_events(r, E.v + ei, ej - ei, &k, ext, sizeof ext / sizeof ext[0]);
        zj_tl_result res;
        zj_time_limit_eval(r, &k, &res);
        if (res.days_over < min_over || res.days_over <= 0)
            continue;
        char nobuf[96];
        snprintf(nobuf, sizeof nobuf, "%s", no);
        char typebuf[48];
        snprintf(typebuf, sizeof typebuf, "%s", type);
        zj_lead_reset(l);
        l->subject_table = d->table;
        l->subject_id = zj_stmt_int(q, C_ID);
        const char *u = zj_stmt_text(q, C_UNIT, NULL);
        snprintf(l->unit_code, sizeof l->unit_code, "%s", u ? u : "");
        int sev = c->severity + (res.days_over > zj_param_int(c, "escalate_days") ? 1 : 0);
        l->severity = sev > 4 ? 4 : sev;
        explain(l, d, nobuf, typebuf, r, &k, closed, &res);
        rc = zj_cf_emit(c, l, zj_stmt_text(q, C_SYS, NULL), zj_stmt_text(q, C_KEY, NULL), NULL,
                        "case", r->id, err);
    }
    if (!rc && step < 0)
        rc = ZJ_EDATA;
    zj_stmt_finalize(q);
    evs_free(&E);
    return rc;
}

static int run_code(zj_detect_ctx *c, zj_error *err)
{
    zj_lead l = {0};
    int rc = 0;
    for (size_t i = 0; !rc && i < sizeof systems / sizeof systems[0]; i++)
        if (!strcmp(systems[i].detector, c->det->code))
            rc = check_system(c, &systems[i], &l, err);
    zj_lead_free(&l);
    return rc;
}


/* CF02 and CF06 run one clock and take the same parameters. */
static const zj_param clock_params[] = {
    {"min_days_over", ZJ_PARAM_INT, "1", "days past the deadline before a lead is raised", 1,
     365, NULL},
    {"escalate_days", ZJ_PARAM_INT, "30", "severity +1 when more days over than this", 1,
     3650, NULL},
    {NULL, 0, NULL, NULL, 0, 0, NULL},
};

const zj_detector zj_detector_cf02 = {
    "CF02", "受案后未在期限内作出立案决定", "Accepted, no filing decision within the limit",
    "公安部《关于改革完善受案立案制度的意见》（2015）（受案立案审查期限：三日；需调查核实的七日；重大、疑难、复杂案件三十日）；"
    "《中华人民共和国刑事诉讼法》（2018）第一百一十二条",
    2, clock_params, run_code,
};


const zj_detector zj_detector_cf06 = {
    "CF06", "超过法定期限", "Statutory time limit exceeded",
    "《中华人民共和国刑事诉讼法》（2018）第一百七十二条、第二百零八条、第二百二十条、第二百二十五条、第二百四十三条；"
    "《中华人民共和国民事诉讼法》（2023）第一百五十二条、第一百六十四条、第一百六十八条、第一百八十三条；"
    "《中华人民共和国行政诉讼法》（2017）第八十一条、第八十三条、第八十八条（各线索引用所适用的条文，见 rules/time-limits.tsv）",
    2, clock_params, run_code,
};
