/* pn_nodes.c - process-node monitoring of court cases (流程节点监控): PN01, deadline timers
 * with a pre-warning, a warning and an escalation; PN02, a mandatory node missing; PN03,
 * nodes out of order.
 *
 * The node graph of each procedure is data, rules/process-nodes.tsv: per graph (first
 * instance, second instance, enforcement) its nodes with a rank (their order) and when each is
 * mandatory. A case takes the graph whose case_types list its court_case.case_type.
 *  - PN01 holds each case open on the reference date to its statutory limit
 *    (rules/time-limits.tsv, the same clock as CF06: approved extensions before expiry are
 *    added, suspensions deducted, a postponement for supplementary investigation restarts it,
 *    rest days and the holiday calendar move the last day). `warn_days` or fewer days left is a
 *    pre-warning (预警), the last day itself a warning (到期警示), a day past it an escalation
 *    (超期督办); the stage is the lead's severity and fact, and one lead per case follows it.
 *  - PN02 checks each case closed by the reference date for every node its graph makes
 *    mandatory (always, or for the case's outcome). A node that no case of the court system
 *    has is taken as one the source does not export, not as missing everywhere.
 *  - PN03 compares the first occurrence of each ranked node: a node of a lower rank on a later
 *    day than one of a higher rank is out of order (days, not hours: a source that gives only
 *    a date cannot order two steps of one day).
 * Cases closed before they were filed are CF08's and are left to it. Nodes dated after the
 * reference date are ignored whatever their import time, so `--as-of` replays a past day.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "detect/cf_common.h"
#include "detect/common.h"
#include "detect/detect.h"
#include "detect/time_limits.h"

typedef struct pn_node {
    const char *id, *graph, *system, *case_types, *node, *zh;
    int rank;
    const char *required, *basis;
} pn_node;

static const pn_node nodes[] = {
#include "detect/process_nodes.inc"
};
#define NNODES (sizeof nodes / sizeof nodes[0])

/* True when comma list `list` has the item v (n bytes). */
static bool in_list(const char *list, const char *v, size_t n)
{
    for (const char *p = list; p && *p;) {
        const char *e = strchr(p, ',');
        size_t k = e ? (size_t)(e - p) : strlen(p);
        if (k == n && !memcmp(p, v, n))
            return true;
        p = e ? e + 1 : NULL;
    }
    return false;
}

/* The graph of a case type, as the name of its first row, or NULL. */
static const char *graph_of(const char *system, const char *type)
{
    for (size_t i = 0; type && i < NNODES; i++)
        if (!strcmp(nodes[i].system, system) && in_list(nodes[i].case_types, type, strlen(type)))
            return nodes[i].graph;
    return NULL;
}

static const pn_node *node_in(const char *graph, const char *node)
{
    for (size_t i = 0; i < NNODES; i++)
        if (!strcmp(nodes[i].graph, graph) && !strcmp(nodes[i].node, node))
            return &nodes[i];
    return NULL;
}

/* ---- the court system's nodes, loaded once per run (shared by PN01-PN03) ----------------- */

typedef struct pev {
    char *case_no;
    char node[28];
    char at[20];
    long day;
    int days, months;
} pev;

typedef struct pn_events {
    pev *v;
    size_t n, cap;
    char (*seen)[28];           /* every node code the court system records (as of the date) */
    size_t nseen, seencap;
} pn_events;

static void pn_events_free(void *p)
{
    pn_events *e = p;
    if (!e)
        return;
    for (size_t i = 0; i < e->n; i++)
        free(e->v[i].case_no);
    free(e->v);
    free(e->seen);
    free(e);
}

static int pev_cmp(const void *a, const void *b)
{
    const pev *x = a, *y = b;
    int c = strcmp(x->case_no, y->case_no);
    return c ? c : strcmp(x->at, y->at);
}

static bool seen_has(const pn_events *e, const char *node)
{
    for (size_t i = 0; i < e->nseen; i++)
        if (!strcmp(e->seen[i], node))
            return true;
    return false;
}

/* One sequential scan (the unary + keeps SQLite off the case index); sorted here. */
static const char events_sql[] =
    "SELECT case_no, node, occurred_at, days, months FROM case_event WHERE +case_system = 'court'";

static int load_events(zj_detect_ctx *c, pn_events **out, zj_error *err)
{
    *out = zj_detect_cache_get(c, "pn_court_events");
    if (*out)
        return 0;
    pn_events *E = calloc(1, sizeof *E);
    zj_stmt *q = NULL;
    int rc = E ? zj_stmt_prepare(c->store, events_sql, &q, err)
               : zj_fail(err, ZJ_EDATA, "out of memory"), step = 0;
    while (!rc && (step = zj_stmt_next(q, err)) == 1) {
        long day = zj_stmt_day(q, 2, ZJ_DAY_MAX);
        const char *no = zj_stmt_text(q, 0, NULL), *node = zj_stmt_text(q, 1, NULL),
                   *at = zj_stmt_text(q, 2, NULL);
        if (day > c->as_of_day || !no || !node)
            continue;
        if (!seen_has(E, node)) {
            char (*s)[28] = zj_grow(E->seen, &E->seencap, E->nseen + 1, sizeof *s, 32);
            if (!s) {
                rc = zj_fail(err, ZJ_EDATA, "out of memory");
                break;
            }
            E->seen = s;
            snprintf(E->seen[E->nseen++], sizeof E->seen[0], "%s", node);
        }
        pev *v = zj_grow(E->v, &E->cap, E->n + 1, sizeof *v, 1024);
        if (!v) {
            rc = zj_fail(err, ZJ_EDATA, "out of memory");
            break;
        }
        E->v = v;
        pev *x = &E->v[E->n];
        x->case_no = strdup(no);
        if (!x->case_no) {
            rc = zj_fail(err, ZJ_EDATA, "out of memory");
            break;
        }
        snprintf(x->node, sizeof x->node, "%s", node);
        snprintf(x->at, sizeof x->at, "%s", at ? at : "");
        x->day = day;
        x->days = (int)zj_stmt_int(q, 3);
        x->months = (int)zj_stmt_int(q, 4);
        E->n++;
    }
    if (!rc && step < 0)
        rc = ZJ_EDATA;
    zj_stmt_finalize(q);
    if (!rc && E->n > 1)
        qsort(E->v, E->n, sizeof *E->v, pev_cmp);
    if (!rc)
        rc = zj_detect_cache_put(c, "pn_court_events", E, pn_events_free, err);
    else
        pn_events_free(E);
    if (!rc)
        *out = E;
    return rc;
}

/* ---- walking the cases beside their nodes ------------------------------------------------ */

static const char cases_sql[] =
    "SELECT id, source_system, source_key, case_no, case_type, procedure, court_code, filed_at,"
    " closed_at, extension_days, outcome FROM court_case WHERE filed_at IS NOT NULL"
    " ORDER BY +case_no";
enum { K_ID, K_SYS, K_KEY, K_NO, K_TYPE, K_PROC, K_UNIT, K_FILED, K_CLOSED, K_EXT, K_OUT };

typedef struct pn_case {
    zj_stmt *q;
    const char *no, *type, *graph;
    long filed, closed;         /* closed: ZJ_DAY_MAX while open on the reference date */
    const pev *ev;              /* its nodes, in time order */
    size_t nev;
} pn_case;

typedef int (*pn_check)(zj_detect_ctx *c, const pn_case *k, const pn_events *E, zj_lead *l,
                        zj_error *err);

static int walk(zj_detect_ctx *c, pn_check check, zj_error *err)
{
    pn_events *E;
    int rc = load_events(c, &E, err), step = 0;
    zj_stmt *q = NULL;
    zj_lead l = {0};
    if (!rc)
        rc = zj_stmt_prepare(c->store, cases_sql, &q, err);
    size_t ei = 0;
    while (!rc && (step = zj_stmt_next(q, err)) == 1) {
        pn_case k = {q, zj_stmt_text(q, K_NO, NULL), zj_stmt_text(q, K_TYPE, NULL), NULL,
                     zj_stmt_day(q, K_FILED, ZJ_DAY_MAX), zj_stmt_day(q, K_CLOSED, ZJ_DAY_MAX),
                     NULL, 0};
        if (!k.no)
            continue;
        while (ei < E->n && strcmp(E->v[ei].case_no, k.no) < 0)
            ei++;
        size_t ej = ei;
        while (ej < E->n && !strcmp(E->v[ej].case_no, k.no))
            ej++;
        k.ev = E->v + ei;
        k.nev = ej - ei;
        ei = ej;
        k.graph = graph_of("court", k.type);
        if (!k.graph || k.filed > c->as_of_day)
            continue;
        if (k.closed > c->as_of_day)
            k.closed = ZJ_DAY_MAX;
        if (k.closed != ZJ_DAY_MAX && k.closed < k.filed)
            continue;                               /* impossible dates: CF08's */
        rc = check(c, &k, E, &l, err);
    }
    if (!rc && step < 0)
        rc = ZJ_EDATA;
    zj_stmt_finalize(q);
    zj_lead_free(&l);
    return rc;
}

/* Start a lead on case k. */
static void lead_start(zj_detect_ctx *c, const pn_case *k, zj_lead *l, int severity)
{
    zj_lead_reset(l);
    l->subject_table = "court_case";
    l->subject_id = zj_stmt_int(k->q, K_ID);
    const char *u = zj_stmt_text(k->q, K_UNIT, NULL);
    snprintf(l->unit_code, sizeof l->unit_code, "%s", u ? u : "");
    l->severity = severity < 1 ? 1 : severity > 4 ? 4 : severity;
    (void)c;
}

static int lead_finish(zj_detect_ctx *c, const pn_case *k, zj_lead *l, const char *check,
                       zj_error *err)
{
    return zj_cf_emit(c, l, zj_stmt_text(k->q, K_SYS, NULL), zj_stmt_text(k->q, K_KEY, NULL),
                      check, "case", check, err);
}

/* ---- PN01: deadline timers --------------------------------------------------------------- */

static int check_pn01(zj_detect_ctx *c, const pn_case *k, const pn_events *E, zj_lead *l,
                      zj_error *err)
{
    (void)E;
    if (k->closed != ZJ_DAY_MAX)
        return 0;                                   /* closed: CF06 judges it */
    const zj_time_limit *r =
        zj_time_limit_find("CF06", "court", k->type, zj_stmt_text(k->q, K_PROC, NULL));
    if (!r)
        return 0;
    zj_tl_ext ext[16];
    zj_tl_case t = {k->filed, ZJ_DAY_MIN, c->as_of_day, ext, 0,
                    (int)zj_stmt_int(k->q, K_EXT), 0};
    bool postponed = false;
    long suspended = ZJ_DAY_MIN;
    for (size_t i = 0; i < k->nev; i++) {
        const pev *x = &k->ev[i];
        if (!strcmp(x->node, "extension") && t.next < sizeof ext / sizeof ext[0])
            ext[t.next++] = (zj_tl_ext){x->day, x->days, x->months};
        else if (!strcmp(x->node, "postponed"))
            postponed = true;
        else if (!strcmp(x->node, "suspension") && !strcmp(r->deduct, "suspension")) {
            if (x->days > 0)
                t.deducted_days += x->days;
            else
                suspended = x->day;
        } else if (!strcmp(x->node, "resumption")) {
            if (postponed && !strcmp(r->restart, "resumption_after_postponed"))
                t.restart = x->day;
            else if (suspended != ZJ_DAY_MIN)
                t.deducted_days += (int)(x->day - suspended);
            postponed = false;
            suspended = ZJ_DAY_MIN;
        }
    }
    if (suspended != ZJ_DAY_MIN)
        return 0;                                   /* suspended now: the clock stands still */
    zj_tl_result res;
    zj_time_limit_eval(r, &t, &res);
    long left = res.deadline - c->as_of_day;
    long warn = (long)zj_param_int(c, "warn_days");
    if (left > warn)
        return 0;
    const char *stage = left > 0 ? "prewarning" : left == 0 ? "warning" : "escalation";
    const char *stage_zh = left > 0 ? "审限预警" : left == 0 ? "审限到期警示" : "超审限督办";
    int sev = left > 0 ? 1 : left == 0 ? 2 : 3;
    if (left < 0 && -left > zj_param_int(c, "escalate_days"))
        sev++;
    lead_start(c, k, l, sev);
    char s[11], d[11], no[96];
    zj_day_format(res.clock_start, s);
    zj_day_format(res.deadline, d);
    snprintf(no, sizeof no, "%s", k->no);
    if (left > 0)
        zj_buf_printf(&l->title, "%s：距审限届满还有 %ld 天 / Time limit pre-warning: %ld days "
                                 "left", stage_zh, left, left);
    else if (left == 0)
        zj_buf_printf(&l->title, "%s：今日审限届满 / Time limit expires today", stage_zh);
    else
        zj_buf_printf(&l->title, "%s：已超审限 %ld 天 / Time limit passed %ld days ago, "
                                 "escalated", stage_zh, -left, -left);
    zj_buf_printf(&l->explanation,
                  "法院案件 %s（%s）未结案：审限 %d%s（%s %s），自 %s 起算", no, k->type,
                  r->length, r->unit[0] == 'm' ? "个月" : "日", r->statute, r->article, s);
    if (res.honoured_days)
        zj_buf_printf(&l->explanation, "，经批准延长 %d 天", res.honoured_days);
    if (t.deducted_days)
        zj_buf_printf(&l->explanation, "，扣除 %d 天", t.deducted_days);
    zj_buf_printf(&l->explanation, "，于 %s 届满（届满日为节假日的顺延）；截至 %s %s。", d,
                  c->as_of,
                  left > 0 ? "尚余数日，需要延长审限的应在届满十五日前申请"
                  : left == 0 ? "今日届满" : "已超期");
    zj_buf_printf(&l->explanation,
                  "\nCourt case %s (%s) is open: its limit of %d %s (%s %s) runs from %s", no,
                  k->type, r->length, r->unit[0] == 'm' ? "month(s)" : "day(s)", r->statute,
                  r->article, s);
    if (res.honoured_days)
        zj_buf_printf(&l->explanation, ", extended by %d approved days", res.honoured_days);
    if (t.deducted_days)
        zj_buf_printf(&l->explanation, ", %d days suspended", t.deducted_days);
    zj_buf_printf(&l->explanation, ", and expires on %s (a rest day moves it to the next "
                                   "working day); on %s %s.",
                  d, c->as_of,
                  left > 0 ? "a few days remain: an extension must be asked for 15 days before"
                  : left == 0 ? "it expires today" : "it has passed");
    zj_buf_printf(&l->path, "法院案件 %s → 立案 %s → 审限届满 %s → 截至 %s（%s）", no, s, d,
                  c->as_of, stage_zh);
    if (zj_lead_fact_str(l, "stage", stage) || zj_lead_fact_int(l, "days_left", left) ||
        zj_lead_fact_str(l, "deadline", d) || zj_lead_fact_str(l, "rule", r->id))
        return zj_fail(err, ZJ_EDATA, "out of memory");
    return lead_finish(c, k, l, "deadline_timer", err);
}

/* ---- PN02: mandatory nodes --------------------------------------------------------------- */

static bool has_node(const pn_case *k, const char *node)
{
    for (size_t i = 0; i < k->nev; i++)
        if (!strcmp(k->ev[i].node, node))
            return true;
    return false;
}

static bool required_for(const pn_node *n, const char *outcome)
{
    if (!strcmp(n->required, "always"))
        return true;
    if (!strncmp(n->required, "outcome:", 8))
        return outcome && in_list(n->required + 8, outcome, strlen(outcome));
    return false;
}

static int check_pn02(zj_detect_ctx *c, const pn_case *k, const pn_events *E, zj_lead *l,
                      zj_error *err)
{
    if (k->closed == ZJ_DAY_MAX)
        return 0;                                   /* open: its nodes may still come */
    const char *outcome = zj_stmt_text(k->q, K_OUT, NULL);
    const pn_node *missing[16];
    size_t nm = 0;
    for (size_t i = 0; i < NNODES && nm < 16; i++) {
        const pn_node *n = &nodes[i];
        if (strcmp(n->graph, k->graph) || !required_for(n, outcome) || !seen_has(E, n->node))
            continue;
        if (!has_node(k, n->node))
            missing[nm++] = n;
    }
    if (!nm)
        return 0;
    lead_start(c, k, l, c->severity);
    char no[96], f[11], e[11];
    snprintf(no, sizeof no, "%s", k->no);
    zj_day_format(k->filed, f);
    zj_day_format(k->closed, e);
    zj_buf_printf(&l->title, "缺少必经流程节点：");
    for (size_t i = 0; i < nm; i++)
        zj_buf_printf(&l->title, "%s%s", i ? "、" : "", missing[i]->zh);
    zj_buf_printf(&l->title, " / Mandatory node missing: ");
    for (size_t i = 0; i < nm; i++)
        zj_buf_printf(&l->title, "%s%s", i ? ", " : "", missing[i]->node);
    zj_buf_printf(&l->explanation, "法院案件 %s（%s，结果 %s）于 %s 立案、%s 结案，流程记录中没有",
                  no, k->type, outcome ? outcome : "未记录", f, e);
    for (size_t i = 0; i < nm; i++)
        zj_buf_printf(&l->explanation, "%s“%s”节点（%s）", i ? "；" : "", missing[i]->zh,
                      missing[i]->basis);
    zj_buf_printf(&l->explanation, "。\nCourt case %s (%s, outcome %s), filed %s and closed "
                                   "%s, has no record of the mandatory node(s) ",
                  no, k->type, outcome ? outcome : "not recorded", f, e);
    for (size_t i = 0; i < nm; i++)
        zj_buf_printf(&l->explanation, "%s%s", i ? ", " : "", missing[i]->node);
    zj_buf_printf(&l->explanation, " of its procedure (rules/process-nodes.tsv, graph %s).",
                  k->graph);
    zj_buf_printf(&l->path, "法院案件 %s → 立案 %s → 结案 %s → 缺少 %s", no, f, e,
                  missing[0]->zh);
    for (size_t i = 0; i < nm; i++)
        if (zj_lead_fact_list_str(l, "missing_nodes", missing[i]->node))
            return zj_fail(err, ZJ_EDATA, "out of memory");
    return lead_finish(c, k, l, "mandatory_node_missing", err);
}

/* ---- PN03: order ------------------------------------------------------------------------- */

static int check_pn03(zj_detect_ctx *c, const pn_case *k, const pn_events *E, zj_lead *l,
                      zj_error *err)
{
    (void)E;
    const pn_node *top = NULL;          /* the highest-ranked node so far, first occurrences */
    long top_day = 0;
    const pn_node *late = NULL;
    long late_day = 0;
    for (size_t i = 0; i < k->nev && !late; i++) {
        const pev *x = &k->ev[i];
        bool first = true;
        for (size_t j = 0; j < i && first; j++)
            first = strcmp(k->ev[j].node, x->node) != 0;
        const pn_node *n = first ? node_in(k->graph, x->node) : NULL;
        if (!n || n->rank <= 0)
            continue;
        if (top && n->rank < top->rank && x->day > top_day) {
            late = n;
            late_day = x->day;
        } else if (!top || n->rank > top->rank) {
            top = n;
            top_day = x->day;
        }
    }
    if (!late)
        return 0;
    lead_start(c, k, l, c->severity);
    char no[96], a[11], b[11];
    snprintf(no, sizeof no, "%s", k->no);
    zj_day_format(top_day, a);
    zj_day_format(late_day, b);
    zj_buf_printf(&l->title, "流程节点顺序颠倒：%s在%s之后 / Nodes out of order: %s after %s",
                  late->zh, top->zh, late->node, top->node);
    zj_buf_printf(&l->explanation,
                  "法院案件 %s（%s）的“%s”节点记录于 %s，晚于应在其后的“%s”节点（%s）。流程节点"
                  "应按序进行（%s）；顺序颠倒可能是补录、倒签或程序违法。\nCourt case %s (%s): "
                  "node %s on %s comes after node %s on %s, which should follow it (graph %s, "
                  "rules/process-nodes.tsv); a reversed order points to late entry, back-dating "
                  "or a skipped step.",
                  no, k->type, late->zh, b, top->zh, a, late->basis, no, k->type, late->node, b,
                  top->node, a, k->graph);
    zj_buf_printf(&l->path, "法院案件 %s → %s %s → %s %s", no, top->zh, a, late->zh, b);
    if (zj_lead_fact_str(l, "node", late->node) || zj_lead_fact_str(l, "after", top->node))
        return zj_fail(err, ZJ_EDATA, "out of memory");
    return lead_finish(c, k, l, "nodes_out_of_order", err);
}

static int run_pn(zj_detect_ctx *c, zj_error *err)
{
    const char *code = c->det->code;
    return walk(c, !strcmp(code, "PN01") ? check_pn01 : !strcmp(code, "PN02") ? check_pn02
                                                                               : check_pn03,
                err);
}

static const zj_param pn01_params[] = {
    {"warn_days", ZJ_PARAM_INT, "15",
     "days before the limit expires from which an open case is pre-warned (an extension must "
     "be asked for 15 days before expiry)", 1, 60, NULL},
    {"escalate_days", ZJ_PARAM_INT, "30", "severity +1 when more days past the limit than this",
     1, 3650, NULL},
    {NULL, 0, NULL, NULL, 0, 0, NULL},
};

static const zj_param no_params[] = {
    {NULL, 0, NULL, NULL, 0, 0, NULL},
};

const zj_detector zj_detector_pn01 = {
    "PN01", "审限预警、到期警示与超期督办", "Process deadline approaching, reached or passed",
    "审限见 rules/time-limits.tsv（刑事诉讼法（2018）第二百零八条、第二百二十条、第二百二十五条、第二百四十三条；"
    "民事诉讼法（2023）第一百五十二条、第一百六十四条、第一百六十八条、第一百八十三条；"
    "行政诉讼法（2017）第八十一条、第八十三条、第八十八条）；"
    "最高人民法院《关于严格规范民商事案件延长审限和延期开庭问题的规定》（2018，2019年修正）第一条（延长审限应在期限届满十五日前申请）",
    2, pn01_params, run_pn,
};

const zj_detector zj_detector_pn02 = {
    "PN02", "必经流程节点缺失", "Mandatory process node missing",
    "各节点依据见 rules/process-nodes.tsv（民事诉讼法（2023）、刑事诉讼法（2018）、行政诉讼法（2017）"
    "关于立案、送达、开庭、宣判、结案的规定；最高人民法院关于分案、执行结案、诉讼档案的规定）",
    2, no_params, run_pn,
};

const zj_detector zj_detector_pn03 = {
    "PN03", "流程节点顺序颠倒", "Process nodes out of order",
    "节点顺序见 rules/process-nodes.tsv（先立案、分案、送达，后开庭、宣判、结案、归档）；"
    "《中华人民共和国刑事诉讼法》（2018）第一百八十七条（开庭前送达）；《中华人民共和国民事诉讼法》（2023）第一百二十八条",
    2, no_params, run_pn,
};
