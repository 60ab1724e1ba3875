/* sc_limits.c - SC01 and SC02: a sentence change that breaks the limits of the law
 * (减刑、假释违反起始时间、间隔时间、减刑幅度或实际执行刑期的规定).
 *
 * Both detectors read every reduction and parole of a fixed-term sentence (有期徒刑), grouped by
 * prisoner and ordered by application date, and check each against two sets of limits:
 *
 * - the general limits (SC01): Criminal Law art. 78 (what is actually served after all
 *   reductions >= half the term), art. 81 (parole after half the term), SPC 法释〔2016〕23号
 *   art. 6 (first reduction after 1 / 1.5 / 2 years by term, most one reduction may take off by
 *   reason, interval 1 / 1.5 years and never shorter than the previous cut);
 * - the stricter limits (SC02): 法释〔2016〕23号 art. 7 for duty, financial, organised-crime,
 *   state-security and terrorism offenders, recidivists and those not paying the monetary parts
 *   of their judgment; 法释〔2019〕6号 art. 2 for corruption and bribery (刑法分则第八章) from
 *   its entry into force; parole never for recidivists or terms of 10 years or more for the
 *   violent crimes of art. 81 para. 2.
 *
 * SC01 fires when a general limit is broken. SC02 fires when the general limits hold but a
 * stricter one the offender falls under does not: the stricter-category offender was treated
 * like an ordinary one. A reduction for major merit (重大立功) is exempt from the waiting and
 * interval limits (法释〔2016〕23号 art. 6 para. 4). Life and death-suspended sentences are not
 * checked yet. The thresholds are parameters in rules/detectors.yaml; SC02 reads the general
 * ones from SC01's entry so the two never disagree.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "detect/common.h"
#include "detect/detect.h"
#include "detect/sc_common.h"
#include "text/date.h"
#include "text/period.h"

static const char changes_sql[] =
    "SELECT id, source_system, source_key, change_no,"
    " coalesce(nullif(prisoner_no, ''), nullif(prisoner_id_no, ''),"
    "  (SELECT 'entity ' || m.entity_id FROM mention m WHERE m.table_name = 'sentence_change'"
    "   AND m.record_id = sentence_change.id AND m.role = 'prisoner'"
    "   AND m.entity_id IS NOT NULL),"
    "  'record ' || id),"
    " prison_unit_code, coalesce(crime, ''), coalesce(crime_category, ''), recidivist,"
    " property_penalty_unpaid, original_sentence_months, sentence_months, sentence_start_date,"
    " change_type, reduction_months, coalesce(reason, ''), coalesce(decision, ''),"
    " coalesce(applied_at, decided_at), decided_at, prev_reduction_date"
    " FROM sentence_change"
    " WHERE change_type IN ('reduction', 'parole')"
    "  AND coalesce(sentence_kind, 'fixed') = 'fixed' AND sentence_months IS NOT NULL"
    " ORDER BY 5, 18, id";
enum { C_ID, C_SYS, C_KEY, C_NO, C_PKEY, C_UNIT, C_CRIME, C_CAT, C_RECID, C_UNPAID, C_ORIG,
       C_MONTHS, C_START, C_TYPE, C_CUT, C_REASON, C_DECISION, C_APPLIED, C_DECIDED, C_PREV };

/* One set of limits, in months. 0 means no limit of that kind. */
typedef struct limits {
    int first, interval, cut;
} limits;

/* What the running prisoner has had so far (granted reductions before this row). */
typedef struct history {
    char pkey[160];
    int cuts;             /* months taken off */
    long last_day;        /* day of the last granted reduction's ruling, or ZJ_DAY_MIN */
    int last_cut;
} history;

typedef struct row {
    int64_t id;
    const char *crime, *cat, *type, *reason;
    bool recid, unpaid, has_cut;
    int months, base, cut;
    long start, applied, prev;
    int prev_cut;         /* 0 when unknown */
} row;

static int reason_cut(const zj_rules *r, const char *sec, const char *reason, const char *pre)
{
    char name[48];
    const char *k = !strcmp(reason, "major_merit") ? "major_merit"
                  : !strcmp(reason, "merit") ? "merit" : "repentance";
    snprintf(name, sizeof name, "%s%s_max_cut_months", pre, k);
    return (int)zj_rules_int(r, sec, name);
}

static limits general_limits(const zj_rules *r, const row *w)
{
    limits L;
    L.first = (int)zj_rules_int(r, "SC01", w->months < 60 ? "first_months_under_5y"
                                     : w->months < 120 ? "first_months_5y_to_10y"
                                     : "first_months_10y_up");
    L.interval = (int)zj_rules_int(r, "SC01", w->months < 120 ? "interval_months"
                                                             : "interval_months_10y_up");
    L.cut = reason_cut(r, "SC01", w->reason, "");
    return L;
}

/* True when list parameter `name` of SC02 has `v` as an item (exact), or, when `part`, an item
 * that occurs in `v` (a crime's name). */
static bool has_item(const zj_rules *r, const char *name, const char *v, bool part)
{
    const char *const *it;
    size_t n = zj_rules_list(r, "SC02", name, &it);
    for (size_t i = 0; i < n; i++)
        if (it[i][0] && (part ? strstr(v, it[i]) != NULL : !strcmp(v, it[i])))
            return true;
    return false;
}

/* The stricter limits the offender falls under; false when none applies. `why` names it. */
static bool strict_limits(const zj_rules *r, const row *w, limits *L, const char **why_zh,
                          const char **why_en)
{
    long from = zj_day(zj_rules_text(r, "SC02", "corruption_rules_from"), ZJ_DAY_MAX);
    if (!strcmp(w->cat, "duty") && has_item(r, "corruption_crimes", w->crime, true) &&
        w->applied >= from) {
        bool ten = w->months >= 120;
        L->first = (int)zj_rules_int(r, "SC02", ten ? "corruption_first_months_10y_up"
                                                    : "corruption_first_months");
        L->interval = (int)zj_rules_int(r, "SC02", ten ? "corruption_interval_months_10y_up"
                                                       : "corruption_interval_months");
        L->cut = reason_cut(r, "SC02", w->reason, "corruption_");
        *why_zh = "贪污贿赂犯罪（法释〔2019〕6号）";
        *why_en = "corruption or bribery (SPC 2019 No. 6)";
        return true;
    }
    bool cat = has_item(r, "strict_categories", w->cat, false);
    if (!cat && !w->recid && !w->unpaid)
        return false;
    L->first = (int)zj_rules_int(r, "SC02", "strict_first_months");
    L->interval = (int)zj_rules_int(r, "SC02", w->months > 120 ? "strict_interval_months_over_10y"
                                                               : "strict_interval_months");
    L->cut = (int)zj_rules_int(r, "SC02", "strict_max_cut_months");
    *why_zh = cat ? "从严类别罪犯（法释〔2016〕23号第七条）"
            : w->recid ? "累犯（法释〔2016〕23号第七条）" : "未履行财产性判项（法释〔2016〕23号第七条）";
    *why_en = cat ? "stricter-category offender (SPC 2016 No. 23 art. 7)"
            : w->recid ? "recidivist (SPC 2016 No. 23 art. 7)"
            : "monetary parts of the judgment unpaid (SPC 2016 No. 23 art. 7)";
    return true;
}

/* Append the breaches of `L` (and, when general, of the law's absolute limits) to zh/en;
 * returns how many. */
static int breaches(const zj_rules *r, const row *w, const history *h, const limits *L,
                    bool general, zj_buf *zh, zj_buf *en)
{
    int n = 0;
    char d1[11], d2[11];
    bool exempt = !strcmp(w->reason, "major_merit") && zj_rules_bool(r, "SC01", "major_merit_exempt");
    if (!strcmp(w->type, "parole")) {
        if (general && w->start != ZJ_DAY_MIN && w->applied != ZJ_DAY_MIN) {
            long due = zj_add_months_same_day(w->start, (w->base + 1) / 2);
            if (w->applied < due) {
                zj_day_format(due, d1);
                zj_buf_printf(zh, "%s假释时未执行原判刑期二分之一（%d个月刑期，%s方满二分之一）", n++ ? "；" : "",
                              w->base, d1);
                zj_buf_printf(en, "%sparole before half of the %d-month term was served (half on %s)",
                              n > 1 ? "; " : "", w->base, d1);
            }
        }
        return n;
    }
    if (!exempt && w->start != ZJ_DAY_MIN && w->applied != ZJ_DAY_MIN) {
        long prev = w->prev;
        if (prev == ZJ_DAY_MIN && h->last_day != ZJ_DAY_MIN && h->last_day <= w->applied)
            prev = h->last_day;
        if (prev == ZJ_DAY_MIN && L->first) {
            long due = zj_add_months_same_day(w->start, L->first);
            if (w->applied < due) {
                zj_day_format(w->applied, d1);
                zj_day_format(due, d2);
                zj_buf_printf(zh, "%s首次减刑提请于 %s，执行不满%d个月（%s 方满）", n ? "；" : "", d1,
                              L->first, d2);
                zj_buf_printf(en, "%sfirst reduction applied for on %s, before %d months were served "
                              "(due %s)", n ? "; " : "", d1, L->first, d2);
                n++;
            }
        } else if (prev != ZJ_DAY_MIN) {
            int need = L->interval;
            int pc = w->prev_cut ? w->prev_cut : h->last_cut;
            bool by_cut = general && pc > need;
            if (by_cut)
                need = pc;
            long due = zj_add_months_same_day(prev, need);
            if (need && w->applied < due) {
                zj_day_format(prev, d1);
                zj_day_format(w->applied, d2);
                zj_buf_printf(zh, "%s距前次减刑（%s）不满%d个月即再次提请（%s）%s", n ? "；" : "", d1, need, d2,
                              by_cut ? "，间隔短于上次减去的刑期" : "");
                zj_buf_printf(en, "%sapplied again on %s, less than %d months after the previous "
                              "reduction of %s%s", n ? "; " : "", d2, need, d1,
                              by_cut ? " (shorter than the previous cut)" : "");
                n++;
            }
        }
    }
    if (w->has_cut && L->cut && w->cut > L->cut) {
        zj_buf_printf(zh, "%s一次减刑%d个月，超过%d个月的上限", n ? "；" : "", w->cut, L->cut);
        zj_buf_printf(en, "%sone reduction of %d months, more than the %d-month limit", n ? "; " : "",
                      w->cut, L->cut);
        n++;
    }
    if (general && w->has_cut && 2 * (h->cuts + w->cut) > w->base) {
        zj_buf_printf(zh, "%s累计减刑%d个月，实际执行将少于原判%d个月的二分之一", n ? "；" : "",
                      h->cuts + w->cut, w->base);
        zj_buf_printf(en, "%sreductions total %d months, leaving less than half of the %d-month "
                      "term served", n ? "; " : "", h->cuts + w->cut, w->base);
        n++;
    }
    return n;
}

/* SC02's parole bar (Criminal Law art. 81 para. 2). */
static bool parole_barred(const zj_rules *r, const row *w)
{
    if (strcmp(w->type, "parole"))
        return false;
    const char *const *it;
    size_t n = zj_rules_list(r, "SC02", "parole_barred_categories", &it);
    if (w->recid)
        return true;
    for (size_t i = 0; i < n; i++)
        if (!strcmp(it[i], w->cat) && w->months >= 120)
            return true;
    return false;
}

static int emit(zj_detect_ctx *c, zj_stmt *q, const row *w, bool strict, const char *why_zh,
                const char *why_en, zj_buf *zh, zj_buf *en, zj_lead *l, zj_error *err)
{
    const char *no = zj_stmt_text(q, C_NO, NULL), *unit = zj_stmt_text(q, C_UNIT, NULL);
    zj_lead_reset(l);
    l->subject_table = "sentence_change";
    l->subject_id = w->id;
    snprintf(l->unit_code, sizeof l->unit_code, "%s", unit ? unit : "");
    l->severity = c->severity;
    const char *tz = !strcmp(w->type, "parole") ? "假释" : "减刑";
    if (strict) {
        zj_buf_printf(&l->title, "从严类别罪犯%s未从严 / Stricter-category offender's %s not "
                      "held to the stricter limits", tz, w->type);
        zj_buf_printf(&l->explanation, "刑罚变更案件 %s（%s，%s，原判%d个月）：%s。符合一般规定，但该罪犯属%s，应从严掌握。"
                      "\nSentence change %s (%s, %s, %d-month term): %s. The general limits hold, "
                      "but the offender falls under the stricter rules: %s.",
                      no, w->crime, tz, w->months, zh->data, why_zh, no, w->crime, w->type,
                      w->months, en->data, why_en);
    } else {
        zj_buf_printf(&l->title, "%s违反法定限制 / Sentence %s breaks a legal limit", tz,
                      !strcmp(w->type, "parole") ? "parole" : "reduction");
        zj_buf_printf(&l->explanation, "刑罚变更案件 %s（%s，%s，原判%d个月）：%s。\nSentence change %s "
                      "(%s, %s, %d-month term): %s.", no, w->crime, tz, w->months, zh->data, no,
                      w->crime, w->type, w->months, en->data);
    }
    zj_buf_printf(&l->path, "罪犯 %s → %s %s → %s", zj_stmt_text(q, C_PKEY, NULL), tz, no,
                  strict ? "未从严" : "违反限制");
    if (!l->explanation.data || !l->path.data ||
        zj_lead_key_record(l, zj_stmt_text(q, C_SYS, NULL), zj_stmt_text(q, C_KEY, NULL)) ||
        zj_lead_evidence(l, "sentence_change", w->id, "sentence change", strict ? "not stricter" : "limit broken"))
        return zj_fail(err, ZJ_EDATA, "out of memory");
    return zj_sink_emit(c->sink, l, err);
}

static int scan(zj_detect_ctx *c, bool strict_mode, zj_error *err)
{
    zj_stmt *q;
    int rc = zj_stmt_prepare(c->store, changes_sql, &q, err);
    if (rc)
        return rc;
    const zj_rules *r = c->rules;
    history h = {"", 0, ZJ_DAY_MIN, 0};
    zj_lead l = {0};
    zj_buf zh = {0}, en = {0};
    int step;
    while (!rc && (step = zj_stmt_next(q, err)) == 1) {
        const char *pk = zj_stmt_text(q, C_PKEY, NULL);
        if (!pk)
            pk = "";
        if (strncmp(h.pkey, pk, sizeof h.pkey - 1)) {
            snprintf(h.pkey, sizeof h.pkey, "%s", pk);
            h.cuts = 0;
            h.last_day = ZJ_DAY_MIN;
            h.last_cut = 0;
        }
        row w = {0};
        w.id = zj_stmt_int(q, C_ID);
        w.crime = zj_stmt_text(q, C_CRIME, NULL);
        w.cat = zj_stmt_text(q, C_CAT, NULL);
        w.type = zj_stmt_text(q, C_TYPE, NULL);
        w.reason = zj_stmt_text(q, C_REASON, NULL);
        w.recid = !zj_stmt_is_null(q, C_RECID) && zj_stmt_int(q, C_RECID);
        w.unpaid = !zj_stmt_is_null(q, C_UNPAID) && zj_stmt_int(q, C_UNPAID);
        w.months = (int)zj_stmt_int(q, C_MONTHS);
        w.base = zj_stmt_is_null(q, C_ORIG) ? w.months : (int)zj_stmt_int(q, C_ORIG);
        w.has_cut = !zj_stmt_is_null(q, C_CUT);
        w.cut = w.has_cut ? (int)zj_stmt_int(q, C_CUT) : 0;
        w.start = zj_stmt_day(q, C_START, ZJ_DAY_MIN);
        w.applied = zj_stmt_day(q, C_APPLIED, ZJ_DAY_MIN);
        w.prev = zj_stmt_day(q, C_PREV, ZJ_DAY_MIN);
        const char *decision = zj_stmt_text(q, C_DECISION, NULL);
        bool granted = !strcmp(decision, "granted");
        if (w.months > 0 && zj_param_has(c, "decisions", decision, strlen(decision))) {
            zj_buf_clear(&zh);
            zj_buf_clear(&en);
            limits G = general_limits(r, &w), S = G;
            int ng = breaches(r, &w, &h, &G, true, &zh, &en);
            if (!strict_mode && ng)
                rc = emit(c, q, &w, false, NULL, NULL, &zh, &en, &l, err);
            const char *wz = NULL, *we = NULL;
            if (strict_mode && !ng) {
                limits T = {0};
                bool barred = parole_barred(r, &w);
                if (barred) {
                    zj_buf_printf(&zh, "依法不得假释的罪犯被假释");
                    zj_buf_printf(&en, "parole of an offender the law bars from parole "
                                  "(Criminal Law art. 81 para. 2)");
                    wz = w.recid ? "累犯（刑法第八十一条第二款）" : "严重暴力犯罪被判处十年以上（刑法第八十一条第二款）";
                    we = w.recid ? "recidivist (Criminal Law art. 81 para. 2)"
                                 : "violent offender with a term of 10 years or more (art. 81 para. 2)";
                } else if (strict_limits(r, &w, &T, &wz, &we)) {
                    S.first = T.first > G.first ? T.first : G.first;
                    S.interval = T.interval > G.interval ? T.interval : G.interval;
                    S.cut = T.cut && T.cut < G.cut ? T.cut : G.cut;
                }
                if (barred || (wz && breaches(r, &w, &h, &S, false, &zh, &en)))
                    rc = emit(c, q, &w, true, wz, we, &zh, &en, &l, err);
            }
        }
        if (granted && !strcmp(w.type, "reduction") && w.has_cut) {
            h.cuts += w.cut;
            long d = zj_stmt_day(q, C_DECIDED, ZJ_DAY_MIN);
            h.last_day = d != ZJ_DAY_MIN ? d : w.applied;
            h.last_cut = w.cut;
        }
    }
    if (!rc && step < 0)
        rc = ZJ_EDATA;
    zj_buf_free(&zh);
    zj_buf_free(&en);
    zj_lead_free(&l);
    zj_stmt_finalize(q);
    return rc;
}

static int run_sc01(zj_detect_ctx *c, zj_error *err)
{
    return scan(c, false, err);
}

static int run_sc02(zj_detect_ctx *c, zj_error *err)
{
    int rc = scan(c, true, err);
    return rc ? rc : zj_sc_cluster_run(c, err);
}

static const zj_param sc01_params[] = {
    {"decisions", ZJ_PARAM_LIST, "granted,pending", "decisions checked (a refused application "
     "is the system working)", 0, 0, "granted,pending,refused"},
    {"first_months_under_5y", ZJ_PARAM_INT, "12", "months served before a first reduction, "
     "term under 5 years (SPC 2016 No. 23 art. 6)", 0, 600, NULL},
    {"first_months_5y_to_10y", ZJ_PARAM_INT, "18", "the same, term of 5 to under 10 years", 0, 600, NULL},
    {"first_months_10y_up", ZJ_PARAM_INT, "24", "the same, term of 10 years or more", 0, 600, NULL},
    {"interval_months", ZJ_PARAM_INT, "12", "months between two reductions, term under 10 years",
     0, 600, NULL},
    {"interval_months_10y_up", ZJ_PARAM_INT, "18", "the same, term of 10 years or more", 0, 600, NULL},
    {"repentance_max_cut_months", ZJ_PARAM_INT, "9", "most one reduction may take off for "
     "repentance or merit", 1, 600, NULL},
    {"merit_max_cut_months", ZJ_PARAM_INT, "12", "... for merit (read as repentance and merit, "
     "the more lenient limit, since one reason is recorded)", 1, 600, NULL},
    {"major_merit_max_cut_months", ZJ_PARAM_INT, "24", "... for major merit (read as with "
     "repentance, the more lenient limit)", 1, 600, NULL},
    {"major_merit_exempt", ZJ_PARAM_BOOL, "true", "major merit exempts from the waiting and "
     "interval limits (art. 6 para. 4)", 0, 0, NULL},
    {NULL, 0, NULL, NULL, 0, 0, NULL},
};

static const zj_param sc02_params[] = {
    {"decisions", ZJ_PARAM_LIST, "granted,pending", "decisions checked", 0, 0,
     "granted,pending,refused"},
    {"strict_categories", ZJ_PARAM_LIST, "duty,financial,organized,state_security,terrorism",
     "crime categories under SPC 2016 No. 23 art. 7 (with recidivists and unpaid monetary "
     "penalties)", 0, 0, "ordinary,duty,financial,organized,state_security,terrorism,drug,violent"},
    {"strict_first_months", ZJ_PARAM_INT, "24", "months served before a first reduction", 0, 600, NULL},
    {"strict_interval_months", ZJ_PARAM_INT, "12", "months between reductions, term up to 10 years",
     0, 600, NULL},
    {"strict_interval_months_over_10y", ZJ_PARAM_INT, "18", "the same, term over 10 years", 0, 600, NULL},
    {"strict_max_cut_months", ZJ_PARAM_INT, "12", "most one reduction may take off", 1, 600, NULL},
    {"corruption_crimes", ZJ_PARAM_LIST, "贪污,受贿,行贿,挪用公款,巨额财产来源不明,隐瞒境外存款,私分国有资产,"
     "私分罚没财物,介绍贿赂", "duty crimes of Criminal Law part II chapter 8 (贪污贿赂罪), matched "
     "in the crime's name, under SPC 2019 No. 6", 0, 0, NULL},
    {"corruption_rules_from", ZJ_PARAM_TEXT, "2019-06-01", "applications from this date fall "
     "under SPC 2019 No. 6", 0, 0, NULL},
    {"corruption_first_months", ZJ_PARAM_INT, "24", "first reduction, term under 10 years", 0, 600, NULL},
    {"corruption_first_months_10y_up", ZJ_PARAM_INT, "36", "the same, 10 years or more", 0, 600, NULL},
    {"corruption_interval_months", ZJ_PARAM_INT, "18", "interval, term under 10 years", 0, 600, NULL},
    {"corruption_interval_months_10y_up", ZJ_PARAM_INT, "24", "interval, 10 years or more", 0, 600, NULL},
    {"corruption_repentance_max_cut_months", ZJ_PARAM_INT, "6", "most one reduction may take off "
     "for repentance or merit", 1, 600, NULL},
    {"corruption_merit_max_cut_months", ZJ_PARAM_INT, "9", "... for merit (read as with repentance)",
     1, 600, NULL},
    {"corruption_major_merit_max_cut_months", ZJ_PARAM_INT, "12", "... for major merit", 1, 600, NULL},
    {"parole_barred_categories", ZJ_PARAM_LIST, "violent", "categories never paroled "
     "with a term of 10 years or more (Criminal Law art. 81 para. 2; recidivists always)", 0, 0,
     "ordinary,duty,financial,organized,state_security,terrorism,drug,violent"},
    {"cluster_categories", ZJ_PARAM_LIST, "duty", "categories whose granted reductions are "
     "counted per prison and quarter", 0, 0,
     "ordinary,duty,financial,organized,state_security,terrorism,drug,violent"},
    {"cluster_min", ZJ_PARAM_INT, "5", "reductions in one prison and quarter that can make a "
     "cluster (0: off)", 0, 1000, NULL},
    {"cluster_ratio", ZJ_PARAM_REAL, "3", "... and at least this many times the prison's "
     "average in its other quarters", 1, 100, NULL},
    {"cluster_p", ZJ_PARAM_REAL, "0.0001", "... and chance (Poisson with that average) explains "
     "it with a probability below this", 0, 1, NULL},
    {NULL, 0, NULL, NULL, 0, 0, NULL},
};

const zj_detector zj_detector_sc01 = {
    "SC01", "减刑、假释违反法定限制", "Sentence reduction or parole breaks a legal limit",
    "《中华人民共和国刑法》第七十八条第二款（减刑以后实际执行的刑期不能少于原判刑期的二分之一）、第八十一条第一款（执行原判刑期二分之一以上方可假释）；"
    "《最高人民法院关于办理减刑、假释案件具体应用法律的规定》（法释〔2016〕23号）第六条（减刑起始时间、一次减刑幅度、两次减刑间隔时间）",
    3, sc01_params, run_sc01,
};

const zj_detector zj_detector_sc02 = {
    "SC02", "从严类别罪犯减刑、假释未从严", "Stricter-category offender treated leniently",
    "《最高人民法院关于办理减刑、假释案件具体应用法律的规定》（法释〔2016〕23号）第七条（职务犯罪、金融犯罪、涉黑犯罪、危害国家安全犯罪、恐怖活动犯罪罪犯，累犯，不履行财产性判项罪犯从严）；"
    "《最高人民法院关于办理减刑、假释案件具体应用法律的补充规定》（法释〔2019〕6号）第二条（贪污贿赂罪犯，2019年6月1日起施行）；《中华人民共和国刑法》第八十一条第二款（不得假释）",
    3, sc02_params, run_sc02,
};
