/* execution.c - execution of sentences: sentence changes (减刑/假释/暂予监外执行) and community
 * correction (社区矫正): subjects, leave approvals and location points.
 *
 * Background sentence changes satisfy docs/domain.md section 6: a first reduction only after the
 * waiting time for the term (1 / 1.5 / 2 years; 2 years for the stricter categories; 3 for
 * corruption terms of 10 years or more), cuts within the maximum for the reason, parole only
 * after half the term and never for recidivists; medical parole re-examined within the last
 * three months.
 * Community-correction subjects live in their county; monitored ones report a location every
 * gps_every_min minutes over a window of gps_days, always inside their county unless on
 * approved leave (then in the leave's destination). Homes sit on a 400 m grid per county and
 * points jitter by at most ~90 m, so two subjects are never within 100 m of each other by
 * accident; planted subjects (past the background range) leave the county without leave, go
 * silent, or meet.
 */
#include <string.h>

#include "gen/anomalies.h"
#include "gen/exports.h"
#include "gen/internal.h"

/* ---- sentence changes ------------------------------------------------------------------- */

static const zg_col sc_cols[] = {
    {"change_no", "案件编号", 0, NULL},
    {"prisoner_no", "罪犯编号", 0, NULL},
    {"prisoner_name", "罪犯姓名", 0, NULL},
    {"prisoner_id_no", "身份证号", 0, NULL},
    {"prison_unit_code", "监狱代码", 0, NULL},
    {"original_case_no", "原判案号", 0, NULL},
    {"crime", "罪名", 0, NULL},
    {"crime_category", "罪名类别", 0, "codes: {普通: ordinary, 职务犯罪: duty, 金融犯罪: financial, "
                                     "涉黑涉恶: organized, 毒品犯罪: drug, 暴力犯罪: violent}"},
    {"recidivist", "是否累犯", 0, NULL},
    {"sentence_kind", "刑种", 0, "codes: {有期徒刑: fixed, 无期徒刑: life, 死缓: death_suspended}"},
    {"sentence_months", "刑期(月)", 0, NULL},
    {"sentence_start_date", "刑期起日", ZG_ISO_DATE, NULL},
    {"change_type", "变更类型", 0, "codes: {减刑: reduction, 假释: parole, 暂予监外执行: medical_parole}"},
    {"reduction_months", "减刑幅度(月)", 0, NULL},
    {"reason", "事由", 0, "codes: {确有悔改表现: repentance, 立功表现: merit, 重大立功: major_merit, "
                         "严重疾病: illness}"},
    {"applied_at", "提请日期", ZG_COMPACT_TS, NULL},
    {"decided_at", "裁定日期", ZG_COMPACT_TS, NULL},
    {"court_case_no", "裁定案号", 0, NULL},
    {"decision", "裁定结果", 0, "codes: {准予: granted, 不予: refused, 审理中: pending}"},
    {"last_review_date", "最近复查日期", ZG_ISO_DATE, NULL},
};
const zg_export zg_x_sentence_changes = {
    "减刑假释暂予监外执行.csv", "sentence_changes.mapping.yaml", "justice_jxjs",
    "sentence_change", "online sentence-change cases (减刑假释暂予监外执行网上办案), GB18030",
    ZG_CSV, ZG_GB18030, ',', "[change_no]", sc_cols, 20, NULL};

typedef struct zg_sc {
    int64_t s, prisoner;
    char change_no[24], prisoner_no[24], orig_no[64], ruling_no[64];
    int prison;
    const char *crime, *category, *change_type, *reason, *decision;
    bool recidivist;
    int months, cut, start, review;   /* review: last review day or -1 */
    int64_t applied, decided;
} zg_sc;

static const char *cat_zh(const char *c)
{
    return strcmp(c, "duty") == 0 ? "职务犯罪" : strcmp(c, "financial") == 0 ? "金融犯罪"
         : strcmp(c, "organized") == 0 ? "涉黑涉恶" : strcmp(c, "drug") == 0 ? "毒品犯罪"
         : strcmp(c, "violent") == 0 ? "暴力犯罪" : "普通";
}

static const char *reason_zh(const char *r)
{
    return strcmp(r, "merit") == 0 ? "立功表现" : strcmp(r, "major_merit") == 0 ? "重大立功"
         : strcmp(r, "illness") == 0 ? "严重疾病" : "确有悔改表现";
}

/* Months of the first-reduction waiting time under section 6. */
static int first_wait(const char *cat, bool recid, int months)
{
    bool strict = recid || strcmp(cat, "duty") == 0 || strcmp(cat, "financial") == 0 ||
                  strcmp(cat, "organized") == 0;
    if (strcmp(cat, "duty") == 0)
        return months >= 120 ? 36 : 24;
    if (strict)
        return 24;
    return months < 60 ? 12 : months < 120 ? 18 : 24;
}

void zg_sentence_change(const zg *g, int64_t s, zg_sc *x);
void zg_sentence_change(const zg *g, int64_t s, zg_sc *x)
{
    memset(x, 0, sizeof *x);
    x->s = s;
    zg_rng r;
    zg_rng_at(&r, g->seed, ZG_S_PRISONER, (uint64_t)s);
    const zg_psc *ps = s >= g->sc.prisoners ? &g->plan->scs[s - g->sc.prisoners] : NULL;
    x->prisoner = ps ? ps->prisoner : g->pb_prisoner + s;
    x->prison = g->prison0 + (int)zg_below(&r, (uint32_t)g->nprisons);
    static const char *const crimes[][2] = {
        {"盗窃罪", "ordinary"}, {"诈骗罪", "ordinary"}, {"故意伤害罪", "violent"},
        {"抢劫罪", "violent"}, {"贩卖毒品罪", "drug"}, {"受贿罪", "duty"},
        {"贪污罪", "duty"}, {"非法吸收公众存款罪", "financial"},
        {"组织、领导黑社会性质组织罪", "organized"}, {"交通肇事罪", "ordinary"},
        {"寻衅滋事罪", "ordinary"}, {"合同诈骗罪", "ordinary"},
    };
    int ci = (int)zg_below(&r, 12);
    x->crime = crimes[ci][0];
    x->category = crimes[ci][1];
    x->recidivist = zg_chance(&r, 0.08);
    x->months = 24 + 6 * (int)zg_below(&r, 27);
    unsigned u = zg_below(&r, 100);
    x->change_type = u < 82 ? "reduction" : u < 96 ? "parole" : "medical_parole";
    if (strcmp(x->change_type, "parole") == 0 && (x->recidivist || strcmp(x->category, "violent") == 0))
        x->change_type = "reduction";
    int served;
    x->review = -1;
    x->reason = zg_chance(&r, 0.85) ? "repentance" : "merit";
    if (strcmp(x->change_type, "reduction") == 0) {
        served = first_wait(x->category, x->recidivist, x->months) + (int)zg_below(&r, 12);
        int max = strcmp(x->category, "duty") == 0 ? (x->reason[0] == 'm' ? 9 : 6)
                                                  : (x->reason[0] == 'm' ? 12 : 9);
        x->cut = 3 + (int)zg_below(&r, (uint32_t)(max - 2));
    } else if (strcmp(x->change_type, "parole") == 0) {
        served = x->months / 2 + 1 + (int)zg_below(&r, (uint32_t)(x->months / 4 + 1));
        x->reason = "repentance";
    } else {
        served = 3 + (int)zg_below(&r, 24);
        x->reason = "illness";
    }
    if (ps) {
        x->crime = ps->crime;
        x->category = ps->category;
        x->recidivist = false;
        x->months = ps->months;
        served = ps->served_months;
        x->cut = ps->cut;
        x->change_type = ps->change_type;
        x->reason = ps->reason;
    }
    int aday = ps ? zg_today - 60 - (int)zg_below(&r, 200)
                  : zg_workday_on_or_after((int)zg_range(&r, zg_span_start, zg_today - 45));
    if (ps && ps->prison1)
        x->prison = g->prison0 + (ps->prison1 - 1) % g->nprisons;
    if (ps && ps->aday)
        aday = ps->aday;
    /* a planted medical parole is decided before its last re-examination is due */
    if (ps && ps->review_ago_months > 0)
        aday = zg_add_months(aday, -ps->review_ago_months - 1);
    x->start = ps && ps->start ? ps->start : zg_add_months(aday, -served);
    if (ps && ps->start)
        aday = zg_workday_on_or_after(zg_add_months(ps->start, served));
    x->applied = zg_office_time(&r, aday);
    x->decided = zg_office_time(&r, aday + 20 + (int)zg_below(&r, ps && ps->aday ? 10 : 20));
    x->decision = zg_chance(&r, 0.95) || ps ? "granted" : "refused";
    if (strcmp(x->change_type, "medical_parole") == 0) {
        int ago = ps ? ps->review_ago_months : (int)zg_below(&r, 3);
        x->review = zg_add_months(zg_today, -ago) - (int)zg_below(&r, 10);
        if (x->review < x->decided / ZG_DAY)
            x->review = (int)(x->decided / ZG_DAY) + 1;
        if (x->review > zg_today)
            x->review = zg_today;
    }
    int y, m, d;
    zg_ymd(aday, &y, &m, &d);
    snprintf(x->change_no, sizeof x->change_no, "JX%04d%07lld", y, (long long)s);
    snprintf(x->prisoner_no, sizeof x->prisoner_no, "ZF61%08lld", (long long)(x->prisoner % 100000000));
    int sy, sm, sd;
    zg_ymd(x->start, &sy, &sm, &sd);
    const zg_county *co = &g->counties[(int)(s % (uint64_t)g->ncounties)];
    snprintf(x->orig_no, sizeof x->orig_no, "（%d）陕%04d刑初%lld号", sy - (sm < 3), co->code % 10000,
             (long long)(100 + s % 900));
    const zg_county *pc = NULL;
    for (int k = 0; k < g->ncounties && !pc; k++)
        if (g->counties[k].code / 100 == g->units[x->prison].region / 100)
            pc = &g->counties[k];
    snprintf(x->ruling_no, sizeof x->ruling_no, "（%d）陕%02d刑更%lld号", y,
             g->units[x->prison].region / 100 % 100, (long long)(s + 1));
    (void)pc;
}

int zg_emit_sentence_changes(zg *g, zg_writer *w)
{
    int64_t n = g->sc.prisoners + g->plan->nscs;
    for (int64_t s = 0; s < n; s++) {
        zg_sc x;
        zg_sentence_change(g, s, &x);
        zg_person p;
        zg_mk_person(g, x.prisoner, &p);
        char name[64], id[64];
        unsigned noise = zg_dirty_person(g, &p, (17ull << 48) ^ (uint64_t)s, 1.0, name, id);
        zg_row_begin(w);
        zg_s(w, x.change_no);
        zg_s(w, x.prisoner_no);
        zg_s(w, name);
        zg_s(w, id[0] ? id : NULL);
        zg_s(w, g->units[x.prison].code);
        zg_s(w, x.orig_no);
        zg_s(w, x.crime);
        zg_s(w, cat_zh(x.category));
        zg_s(w, x.recidivist ? "是" : "否");
        zg_s(w, "有期徒刑");
        zg_i(w, x.months);
        zg_day(w, x.start);
        zg_s(w, x.change_type[0] == 'r' ? "减刑" : x.change_type[0] == 'p' ? "假释" : "暂予监外执行");
        if (x.change_type[0] == 'r')
            zg_i(w, x.cut);
        else
            zg_null(w);
        zg_s(w, reason_zh(x.reason));
        zg_time(w, x.applied);
        zg_time(w, x.decided);
        zg_s(w, x.ruling_no);
        zg_s(w, x.decision[0] == 'g' ? "准予" : "不予");
        if (x.review >= 0)
            zg_day(w, x.review);
        else
            zg_null(w);
        if (zg_row_end(w))
            return ZJ_EDATA;
        zg_mention(g, "sentence_change", "justice_jxjs", x.change_no, "prisoner", true,
                   x.prisoner, noise);
    }
    return ZJ_OK;
}

/* ---- community correction --------------------------------------------------------------- */

typedef struct zg_cc {
    int64_t q, person;
    const zg_pcc *plant;
    char subject_no[24], device[24];
    int county, unit;
    const char *type;
    int start, end;
    bool monitored;
    int64_t win0, win1;          /* monitoring window */
    double lat, lon;             /* home */
    struct { int64_t from, to; int dest; } leave[3];
    int nleave;
    int64_t gap0, gap1;          /* planted silence */
    int64_t out0, out1;          /* planted trip out of the county */
    int out_county;
} zg_cc;

static void cc_subject(const zg *g, int64_t q, zg_cc *x)
{
    memset(x, 0, sizeof *x);
    x->q = q;
    x->gap0 = x->gap1 = x->out0 = x->out1 = -1;
    zg_rng r;
    zg_rng_at(&r, g->seed, ZG_S_CC, (uint64_t)q);
    x->plant = q >= g->sc.cc_subjects ? &g->plan->ccs[q - g->sc.cc_subjects] : NULL;
    x->person = g->pb_cc + q;
    x->county = x->plant ? x->plant->county : (int)(q % g->ncounties);
    x->unit = g->counties[x->county].cc;
    unsigned u = zg_below(&r, 100);
    x->type = u < 70 ? "probation" : u < 85 ? "parole" : u < 90 ? "medical_parole" : "control";
    x->start = (int)zg_range(&r, zg_span_start - 365, zg_today - 40);
    x->end = zg_add_months(x->start, 6 + (int)zg_below(&r, 31));
    if (x->plant && x->end < zg_today + 30)
        x->end = zg_today + 30 + (int)zg_below(&r, 200);
    snprintf(x->subject_no, sizeof x->subject_no, "SJ%06d%06lld", g->counties[x->county].code,
             (long long)q);
    x->monitored = x->plant || zg_chance(&r, 0.3);
    /* homes on a 500 m grid of 20 x 20 places around the county centre (well inside the
     * county's boundary, geography.c), far enough apart that neighbours never meet */
    int64_t grid = x->plant ? 399 - (q - g->sc.cc_subjects) % 200     /* planted: own places */
                            : q / g->ncounties % 200;
    x->lat = g->counties[x->county].lat + (double)(grid % 20 - 10) * 0.0045;
    x->lon = g->counties[x->county].lon + (double)(grid / 20 - 10) * 0.0045;
    int days = x->plant && g->sc.gps_days < 14 ? 14 : g->sc.gps_days;
    if (x->monitored) {
        int wend = x->end < zg_today ? x->end : zg_today;
        int wstart = wend - days;
        if (!x->plant && wstart > x->start)
            wstart = (int)zg_range(&r, x->start, wstart);
        if (wstart < x->start)
            wstart = x->start;
        x->win0 = ZG_T(wstart, 0, 0);
        x->win1 = ZG_T(wstart + days < wend ? wstart + days : wend, 0, 0);
        snprintf(x->device, sizeof x->device, "GPS%08lld", (long long)(q * 7 + 3) % 100000000);
    }
    /* leaves: background 0-2, inside the window when monitored */
    int nl = (int)zg_below(&r, 3);
    if (x->plant)
        nl = 0;
    for (int k = 0; k < nl; k++) {
        int64_t lo = x->monitored ? x->win0 : ZG_T(x->start, 0, 0);
        int64_t hi = x->monitored ? x->win1 : ZG_T(x->end < zg_today ? x->end : zg_today, 0, 0);
        if (hi - lo < 10 * ZG_DAY)
            break;
        int64_t from = lo + (int64_t)(zg_below(&r, (uint32_t)((hi - lo) / 3600 / (uint64_t)(nl)))) * 3600 +
                       (int64_t)k * (hi - lo) / nl;
        from = from / 3600 * 3600;
        int64_t to = from + (1 + (int64_t)zg_below(&r, 4)) * ZG_DAY;
        if (to > hi)
            break;
        x->leave[x->nleave].from = from;
        x->leave[x->nleave].to = to;
        x->leave[x->nleave].dest = (x->county + 1 + (int)zg_below(&r, (uint32_t)(g->ncounties - 1))) %
                                   g->ncounties;
        x->nleave++;
    }
    if (x->plant) {
        int64_t mid = x->win0 + (x->win1 - x->win0) / 2;
        mid = mid / 3600 * 3600;
        switch (x->plant->kind) {
        case ZG_CC_OUT:
        case ZG_CC_OUT_LEAVE:
        case ZG_CC_OUT_AWAY:
            x->out0 = mid;
            x->out1 = mid + 2 * ZG_DAY;
            x->out_county = (x->county + 1) % g->ncounties;
            if (x->plant->kind != ZG_CC_OUT) {
                /* leave to the county visited, or (AWAY) to another one than it */
                x->leave[0].from = mid - 6 * 3600;
                x->leave[0].to = mid + 3 * ZG_DAY;
                x->leave[0].dest = x->plant->kind == ZG_CC_OUT_LEAVE
                                       ? x->out_county
                                       : (x->county + 2) % g->ncounties;
                x->nleave = 1;
            }
            break;
        case ZG_CC_SILENT:
            x->gap0 = mid;
            x->gap1 = mid + 72 * 3600;
            break;
        case ZG_CC_SILENT_NEAR:
            x->gap0 = mid;
            x->gap1 = mid + 12 * 3600;
            break;
        default:
            break;
        }
    }
}

static const zg_col ccs_cols[] = {
    {"subject_no", "矫正对象编号", 0, NULL},
    {"name", "姓名", 0, NULL},
    {"id_no", "身份证号", 0, NULL},
    {"unit_code", "矫正机构", 0, NULL},
    {"region_code", "居住地区划", 0, NULL},
    {"correction_type", "矫正类别", 0, "codes: {缓刑: probation, 假释: parole, "
                                      "暂予监外执行: medical_parole, 管制: control}"},
    {"start_date", "矫正起始日期", ZG_ISO_DATE, NULL},
    {"end_date", "矫正终止日期", ZG_ISO_DATE, NULL},
    {"device_no", "定位设备编号", 0, NULL},
    {"status", "矫正状态", 0, "codes: {在矫: in_correction, 解矫: released}"},
};
const zg_export zg_x_cc_subjects = {
    "社区矫正对象.csv", "cc_subjects.mapping.yaml", "justice_sqjz", "cc_subject",
    "community-correction subjects (社区矫正对象信息)", ZG_CSV, ZG_UTF8, ',', "[subject_no]",
    ccs_cols, 10, NULL};

static int64_t cc_total(const zg *g)
{
    return g->sc.cc_subjects + g->plan->nccs;
}

int zg_emit_cc_subjects(zg *g, zg_writer *w)
{
    for (int64_t q = 0; q < cc_total(g); q++) {
        zg_cc x;
        cc_subject(g, q, &x);
        zg_person p;
        zg_mk_person(g, x.person, &p);
        char name[64], id[64], reg[8];
        unsigned noise = zg_dirty_person(g, &p, (18ull << 48) ^ (uint64_t)q, 1.0, name, id);
        zg_fmt_int(reg, g->counties[x.county].code, 6);
        static const char *const tz[] = {"缓刑", "假释", "暂予监外执行", "管制"};
        int t = x.type[0] == 'p' && x.type[1] == 'r' ? 0 : x.type[0] == 'p' ? 1
              : x.type[0] == 'm' ? 2 : 3;
        zg_row_begin(w);
        zg_s(w, x.subject_no);
        zg_s(w, name);
        zg_s(w, id[0] ? id : NULL);
        zg_s(w, g->units[x.unit].code);
        zg_s(w, reg);
        zg_s(w, tz[t]);
        zg_day(w, x.start);
        zg_day(w, x.end);
        zg_s(w, x.monitored ? x.device : NULL);
        zg_s(w, x.end < zg_today ? "解矫" : "在矫");
        if (zg_row_end(w))
            return ZJ_EDATA;
        zg_mention(g, "cc_subject", "justice_sqjz", x.subject_no, "self", true, x.person, noise);
    }
    return ZJ_OK;
}

static const zg_col ccl_cols[] = {
    {"leave_no", "leave_no", 0, NULL},
    {"subject_no", "subject_no", 0, NULL},
    {"approved_at", "approved_at", ZG_ISO_TS, NULL},
    {"start_at", "start_at", ZG_ISO_TS, NULL},
    {"end_at", "end_at", ZG_ISO_TS, NULL},
    {"destination_region_code", "destination", 0, NULL},
    {"approver", "approver", 0, NULL},
    {"reason", "reason", 0, NULL},
};
const zg_export zg_x_cc_leaves = {
    "sqjz_leave.csv", "cc_leaves.mapping.yaml", "justice_sqjz", "cc_leave",
    "community-correction leave approvals (外出请假审批)", ZG_CSV, ZG_UTF8, ',', "[leave_no]",
    ccl_cols, 8, NULL};

int zg_emit_cc_leaves(zg *g, zg_writer *w)
{
    static const char *const reasons[] = {"就医", "探亲", "务工", "子女升学", "处理家事"};
    for (int64_t q = 0; q < cc_total(g); q++) {
        zg_cc x;
        cc_subject(g, q, &x);
        for (int k = 0; k < x.nleave; k++) {
            char no[64], reg[8];
            snprintf(no, sizeof no, "QJ%s%d", x.subject_no, k + 1);
            zg_fmt_int(reg, g->counties[x.leave[k].dest].code, 6);
            zg_row_begin(w);
            zg_s(w, no);
            zg_s(w, x.subject_no);
            zg_time(w, x.leave[k].from - ZG_DAY - 3 * 3600);
            zg_time(w, x.leave[k].from);
            zg_time(w, x.leave[k].to);
            zg_s(w, reg);
            zg_s(w, "县司法局");
            zg_s(w, reasons[(q + k) % 5]);
            if (zg_row_end(w))
                return ZJ_EDATA;
        }
    }
    return ZJ_OK;
}

static const zg_col gps_cols[] = {
    {"subject_no", "sid", 0, NULL},
    {"recorded_at", "ts", ZG_ISO_TS, NULL},
    {"lat", "lat", 0, NULL},
    {"lon", "lng", 0, NULL},
    {"region_code", "adcode", 0, NULL},
};
const zg_export zg_x_cc_locations = {
    "sqjz_gps.jsonl", "cc_locations.mapping.yaml", "justice_gps", "cc_location",
    "electronic-monitoring location points of community-correction subjects, JSON Lines",
    ZG_JSONL, ZG_UTF8, ',', "[subject_no, recorded_at]", gps_cols, 5, NULL};

/* Where subject x is at time t: county index and coordinates. */
static int where(const zg *g, const zg_cc *x, int64_t t, double *lat, double *lon)
{
    int county = x->county;
    double la = x->lat, lo = x->lon;
    for (int k = 0; k < x->nleave; k++)
        if (t >= x->leave[k].from && t < x->leave[k].to)
            county = x->leave[k].dest;
    if (x->out0 >= 0 && t >= x->out0 && t < x->out1)
        county = x->out_county;
    if (county != x->county) {
        /* a visitor's lodging: one of 1,000 places 300 m apart south of the centre, away
         * from the residents' homes (and from other visitors) */
        int slot = (int)(x->q % 1000);
        la = g->counties[county].lat - 0.06 - (double)(slot / 40) * 0.003;
        lo = g->counties[county].lon - 0.06 + (double)(slot % 40) * 0.003;
    }
    *lat = la;
    *lon = lo;
    return county;
}

int zg_emit_cc_locations(zg *g, zg_writer *w)
{
    int64_t step = (int64_t)g->sc.gps_every_min * 60;
    for (int64_t q = 0; q < cc_total(g); q++) {
        zg_cc x, peer;
        cc_subject(g, q, &x);
        if (!x.monitored)
            continue;
        bool meets = x.plant && (x.plant->kind == ZG_CC_MEET_PEER);
        if (meets)
            cc_subject(g, g->sc.cc_subjects + x.plant->peer, &peer);
        zg_rng r;
        zg_rng_at(&r, g->seed, ZG_S_GPS, (uint64_t)q);
        int64_t t0 = x.win0 + (x.plant ? 0 : (int64_t)zg_below(&r, (uint32_t)step) / 60 * 60);
        int meet_days = 0;
        for (int64_t t = t0; t < x.win1; t += step) {
            if (x.gap0 >= 0 && t >= x.gap0 && t < x.gap1)
                continue;
            double lat, lon;
            int county = where(g, &x, t, &lat, &lon);
            lat += (zg_unif(&r) - 0.5) * 0.0004;   /* fix noise: about 20 m */
            lon += (zg_unif(&r) - 0.5) * 0.0004;
            if (x.plant && x.plant->kind == ZG_CC_GLITCH && t >= x.win0 + 3 * ZG_DAY &&
                t < x.win0 + 3 * ZG_DAY + step) {
                lat += 0.27;                   /* one fix 30 km off: a glitch, not a trip */
                county = -1;
            }
            if (meets) {
                /* the meeting place is the other's home, 19:00-21:00. A real meeting: evenings
                 * of 4 days. The near miss: a pass-by (one fix at the home) on one evening and
                 * two hours 150 m away on another. */
                int64_t rel = t - x.win0;
                int day = (int)(rel / ZG_DAY);
                int64_t in_day = rel % ZG_DAY;
                bool near = x.plant->peer >= 0 && g->plan->ccs[x.plant->peer].kind == ZG_CC_MEET_NEAR;
                /* two hours, or three fixes when they are sparse (from noon, in the day) */
                int64_t len = 2 * 3600 > 2 * step + 60 ? 2 * 3600 : 2 * step + 60;
                int64_t at = step <= 3600 ? 19 * 3600 : 12 * 3600;
                bool evening = in_day >= at && in_day < at + len;
                if (!near && day % 3 == 1 && day / 3 < 4 && evening) {
                    lat = peer.lat + (zg_unif(&r) - 0.5) * 0.0002;
                    lon = peer.lon + (zg_unif(&r) - 0.5) * 0.0002;
                    county = peer.county;
                    meet_days++;
                } else if (near && day == 1 && in_day >= at && in_day < at + step) {
                    lat = peer.lat + (zg_unif(&r) - 0.5) * 0.0002;   /* passing by */
                    lon = peer.lon + (zg_unif(&r) - 0.5) * 0.0002;
                    county = peer.county;
                } else if (near && day == 4 && evening) {
                    lat = peer.lat + 0.00135 + (zg_unif(&r) - 0.5) * 0.0002;  /* 150 m away */
                    lon = peer.lon + (zg_unif(&r) - 0.5) * 0.0002;
                    county = peer.county;
                }
            }
            char reg[8];
            zg_fmt_int(reg, county >= 0 ? g->counties[county].code : 0, 6);
            zg_row_begin(w);
            zg_s(w, x.subject_no);
            zg_time(w, t);
            zg_f6(w, lat);
            zg_f6(w, lon);
            zg_s(w, county >= 0 ? reg : NULL);
            if (zg_row_end(w))
                return ZJ_EDATA;
        }
    }
    return ZJ_OK;
}

void zg_sc_key(const zg *g, int64_t s, char *out, size_t cap)
{
    zg_sc x;
    zg_sentence_change(g, s, &x);
    snprintf(out, cap, "%s", x.change_no);
}
