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
 * Evaluating every case reads each case table once, narrowly (number, type, procedure, the two
 * dates, extension_days: court cases from an index holding just these, migration 16); a case
 * within its earliest possible deadline is done there, and only the others read their clock
 * nodes and, when they are leads, their natural key and unit.
 */
#include <assert.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "detect/cf_common.h"
#include "detect/common.h"
#include "detect/detect.h"
#include "detect/time_limits.h"

typedef struct ev {
    size_t no;                  /* the case number's offset in evs.text */
    char node[16];
    long day;
    int days, months;
} ev;

/* A system's clock nodes up to the reference day, in case-number order. */
typedef struct evs {
    ev *v;
    size_t n, cap;
    char *text;                 /* the case numbers, each NUL-terminated */
    size_t tlen, tcap;
} evs;

static void evs_free(evs *e)
{
    free(e->v);
    free(e->text);
}

/* The clock nodes from their own covering index (migration 16), already in the order wanted:
 * by case, in time order, at the same moment in node order, then as recorded (the order
 * read_events relies on). The IN list is the index's own condition, word for word, so the
 * planner may use it. */
static const char events_sql[] =
    "SELECT case_no, node, occurred_at, days, months FROM case_event"
    " WHERE case_system = ?1"
    "  AND node IN ('extension', 'resubmitted', 'suspension', 'resumption', 'postponed')@SCOPE@"
    " ORDER BY case_no, occurred_at, node, id";
/* In an incremental run (detect.h), the touched cases' nodes only. */
static const char events_scope[] =
    " AND case_no IN (SELECT case_no FROM temp.zj_case_scope WHERE system = ?1)";

static int add_event(evs *E, const char *no, size_t len, const char *node, long day, int days,
                     int months)
{
    /* consecutive nodes of one case share its number */
    bool same = E->n && strlen(E->text + E->v[E->n - 1].no) == len &&
                !memcmp(E->text + E->v[E->n - 1].no, no, len);
    if (!same && E->tlen + len + 1 > E->tcap) {
        size_t cap = E->tcap ? E->tcap * 2 : 4096;
        while (cap < E->tlen + len + 1)
            cap *= 2;
        char *t = realloc(E->text, cap);
        if (!t)
            return -1;
        E->text = t;
        E->tcap = cap;
    }
    if (E->n == E->cap) {
        size_t cap = E->cap ? E->cap * 2 : 256;
        ev *v = realloc(E->v, cap * sizeof *v);
        if (!v)
            return -1;
        E->v = v;
        E->cap = cap;
    }
    ev *x = &E->v[E->n];
    if (same) {
        x->no = E->v[E->n - 1].no;
    } else {
        x->no = E->tlen;
        memcpy(E->text + E->tlen, no, len);
        E->text[E->tlen + len] = '\0';
        E->tlen += len + 1;
    }
    snprintf(x->node, sizeof x->node, "%s", node);
    x->day = day;
    x->days = days;
    x->months = months;
    E->n++;
    return 0;
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
        size_t len;
        const char *no = zj_stmt_text(q, 0, &len), *node = zj_stmt_text(q, 1, NULL);
        if (day > c->as_of_day || !no)
            continue;
        if (add_event(out, no, len, node ? node : "", day, (int)zj_stmt_int(q, 3),
                      (int)zj_stmt_int(q, 4)))
            rc = zj_fail(err, ZJ_EDATA, "out of memory");
    }
    if (!rc && step < 0)
        rc = ZJ_EDATA;
    zj_stmt_finalize(q);
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

/* The cases of each system, and how to read the few things a lead adds. */
typedef struct sysdef {
    const char *detector, *system, *table, *sql, *zh, *start_zh, *end_zh;
    const char *scope;          /* the filter for @SCOPE@ in an incremental run (detect.h) */
    const char *detail;         /* source_system, source_key, unit of a case by id (leads only) */
} sysdef;

static const sysdef systems[] = {
    {"CF02", "police", "police_case",
     "SELECT d.id, d.case_no, d.kind,"
     " CASE WHEN d.major = 1 THEN 'major' ELSE 'ordinary' END, d.accepted_at,"
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
     " AND p.case_no IN (SELECT case_no FROM temp.zj_case_scope WHERE system = 'police')",
     "SELECT source_system, source_key, unit_code FROM police_case WHERE id = ?1"},
    {"CF06", "procuratorate", "procuratorate_case",
     "SELECT id, case_no, kind, procedure, received_at, decided_at, extension_days"
     " FROM procuratorate_case WHERE received_at IS NOT NULL@SCOPE@",
     "检察院案件", "受理", "作出决定",
     " AND case_no IN (SELECT case_no FROM temp.zj_case_scope WHERE system = 'procuratorate')",
     "SELECT source_system, source_key, unit_code FROM procuratorate_case WHERE id = ?1"},
    {"CF06", "court", "court_case",
     "SELECT id, case_no, case_type, procedure, filed_at, closed_at, extension_days"
     " FROM court_case WHERE filed_at IS NOT NULL@SCOPE@",
     "法院案件", "立案", "结案",
     " AND case_no IN (SELECT case_no FROM temp.zj_case_scope WHERE system = 'court')",
     "SELECT source_system, source_key, court_code FROM court_case WHERE id = ?1"},
};
enum { C_ID, C_NO, C_TYPE, C_PROC, C_START, C_END, C_EXT };

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

/* The rule of each (case type, procedure) pair met so far: a case table has a few dozen
 * pairs and hundreds of thousands of rows, and zj_time_limit_find reads every rule. */
typedef struct rule_memo {
    struct {
        uint64_t h;             /* 0: empty */
        char type[40], proc[24];
        const zj_time_limit *r;
    } slot[256];
} rule_memo;

static uint64_t memo_hash(const char *s, uint64_t h)
{
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211u;
    return (h ^ 0xff) * 1099511628211u;
}

static const zj_time_limit *find_rule(rule_memo *m, const sysdef *d, const char *type,
                                      const char *proc)
{
    if (!type)
        return NULL;
    if (!proc)
        proc = "";             /* zj_time_limit_find reads NULL and "" alike */
    if (strlen(type) >= sizeof m->slot[0].type || strlen(proc) >= sizeof m->slot[0].proc)
        return zj_time_limit_find(d->detector, d->system, type, proc);
    uint64_t h = memo_hash(proc, memo_hash(type, 14695981039346656037u)) | 1;
    size_t mask = sizeof m->slot / sizeof m->slot[0] - 1, i = (size_t)h & mask;
    for (size_t probes = 0; probes <= mask; probes++, i = (i + 1) & mask) {
        if (!m->slot[i].h) {
            m->slot[i].h = h;
            snprintf(m->slot[i].type, sizeof m->slot[i].type, "%s", type);
            snprintf(m->slot[i].proc, sizeof m->slot[i].proc, "%s", proc);
            return m->slot[i].r = zj_time_limit_find(d->detector, d->system, type, proc);
        }
        if (m->slot[i].h == h && !strcmp(m->slot[i].type, type) && !strcmp(m->slot[i].proc, proc))
            return m->slot[i].r;
    }
    return zj_time_limit_find(d->detector, d->system, type, proc);   /* full: uncached */
}

static int check_system(zj_detect_ctx *c, const sysdef *d, zj_lead *l, zj_error *err)
{
    evs E = {0};
    int rc = load_events(c, d->system, &E, err), step = 0;
    zj_stmt *q = NULL, *detail = NULL;
    zj_buf sql = {0};
    rule_memo *memo = calloc(1, sizeof *memo);
    if (!rc && !memo)
        rc = zj_fail(err, ZJ_EDATA, "out of memory");
    if (!rc)
        rc = zj_detect_scope_sql(c, d->sql, d->scope, &sql, err);
    if (!rc)
        rc = zj_stmt_prepare(c->store, sql.data, &q, err);
    zj_buf_free(&sql);
    if (!rc)
        rc = zj_stmt_prepare(c->store, d->detail, &detail, err);
    int64_t min_over = zj_param_int(c, "min_days_over");
    zj_tl_ext ext[16];
    while (!rc && (step = zj_stmt_next(q, err)) == 1) {
        const char *no = zj_stmt_text(q, C_NO, NULL);
        c->evaluated++;
        if (!no)
            continue;
        const char *type = zj_stmt_text(q, C_TYPE, NULL);
        const zj_time_limit *r = find_rule(memo, d, type, zj_stmt_text(q, C_PROC, NULL));
        long start = zj_stmt_day(q, C_START, ZJ_DAY_MAX);
        if (!r || start > c->as_of_day)
            continue;
        long end = zj_stmt_day(q, C_END, ZJ_DAY_MAX);
        bool closed = end <= c->as_of_day;
        zj_tl_case k = {start, ZJ_DAY_MIN, closed ? end : c->as_of_day, ext, 0,
                        (int)zj_stmt_int(q, C_EXT), 0};
        /* The earliest deadline the case can have: the clock from its start, no extension, no
         * deduction. Events only move a deadline later (a restart starts the clock later, an
         * honoured extension or a deducted suspension adds days, and months, working days and
         * the move off a rest day all keep the order of days), so a case within this one is
         * within its own, and most cases end here without looking for their events. */
        zj_tl_case k0 = {start, ZJ_DAY_MIN, k.end, NULL, 0, 0, 0};
        zj_tl_result res0;
        zj_time_limit_eval(r, &k0, &res0);
        if (res0.days_over < min_over || res0.days_over <= 0)
            continue;
        /* the case's clock nodes: the first not before it, then its run */
        size_t lo = 0, hi = E.n;
        while (lo < hi) {
            size_t mid = lo + (hi - lo) / 2;
            if (strcmp(E.text + E.v[mid].no, no) < 0)
                lo = mid + 1;
            else
                hi = mid;
        }
        size_t ej = lo;
        while (ej < E.n && !strcmp(E.text + E.v[ej].no, no))
            ej++;
        read_events(r, E.v + lo, ej - lo, &k, ext, sizeof ext / sizeof ext[0]);
        zj_tl_result res;
        zj_time_limit_eval(r, &k, &res);
        assert(res.days_over <= res0.days_over);
        if (res.days_over < min_over || res.days_over <= 0)
            continue;
        char nobuf[96];
        snprintf(nobuf, sizeof nobuf, "%s", no);
        char typebuf[48];
        snprintf(typebuf, sizeof typebuf, "%s", type);
        zj_lead_reset(l);
        l->subject_table = d->table;
        l->subject_id = zj_stmt_int(q, C_ID);
        zj_stmt_reset(detail);
        zj_stmt_bind_int(detail, 1, l->subject_id);
        int found = zj_stmt_next(detail, err);
        if (found != 1) {
            rc = found < 0 ? ZJ_EDATA : zj_fail(err, ZJ_EDATA, "%s %lld vanished while read",
                                                 d->table, (long long)l->subject_id);
            break;
        }
        const char *u = zj_stmt_text(detail, 2, NULL);
        snprintf(l->unit_code, sizeof l->unit_code, "%s", u ? u : "");
        int sev = c->severity + (res.days_over > zj_param_int(c, "escalate_days") ? 1 : 0);
        l->severity = sev > 4 ? 4 : sev;
        explain(l, d, nobuf, typebuf, r, &k, closed, &res);
        rc = zj_cf_emit(c, l, zj_stmt_text(detail, 0, NULL), zj_stmt_text(detail, 1, NULL),
                        NULL, "case", r->id, err);
    }
    if (!rc && step < 0)
        rc = ZJ_EDATA;
    zj_stmt_finalize(q);
    zj_stmt_finalize(detail);
    free(memo);
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
