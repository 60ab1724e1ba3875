/* integrity.c - the three-regulations ledgers (三个规定记录报告) and complaints (12309/12368).
 *
 * Every court and procuratorate officer in post reports every month by the 5th of the next
 * month: a record for each interference (leader interference, internal inquiry, improper
 * contact) or, when nothing happened, a zero report. December 2021 is not yet due on the
 * reference date and is left out. Background actors are distinct citizens (pool 7), so one
 * actor never spans several officers by accident; records that refer to a case refer only to
 * civil cases whose index is a multiple of 97, and complaints only to other cases, so a
 * complaint about a case with an interference record happens only where planted.
 * Complaints name an officer at most twice each in the background (a bijection over the
 * agency's officers), so "repeated complaints" (three or more) happen only where planted.
 */
#include <string.h>

#include "gen/anomalies.h"
#include "gen/exports.h"
#include "gen/internal.h"

#define MONTHS 35            /* 2019-01 .. 2021-11: reports due by the reference date */

static const char *const cat_zh[] = {"领导干部干预", "内部人员过问", "不当接触交往"};
static const char *const cat_en[] = {"leader_interference", "internal_inquiry", "improper_contact"};

#define SGD_COLS(no, of, un, mo, zr, ca, an, ai, au, ap, cs, cn, oc, rp, ct, sty, xca, xcs)    \
    {"record_no", no, 0, NULL}, {"officer_no", of, 0, NULL}, {"unit_code", un, 0, NULL},      \
    {"report_month", mo, 0, NULL}, {"is_zero_report", zr, 0, NULL}, {"category", ca, 0, xca},  \
    {"actor_name", an, 0, NULL}, {"actor_id_no", ai, 0, NULL}, {"actor_unit", au, 0, NULL},   \
    {"actor_position", ap, 0, NULL}, {"case_system", cs, 0, xcs}, {"case_no", cn, 0, NULL},   \
    {"occurred_at", oc, sty, NULL}, {"reported_at", rp, sty, NULL}, {"content", ct, 0, NULL}

static const zg_col court_sgd_cols[] = {SGD_COLS("记录编号", "填报人编号", "填报单位", "所属月份",
                                           "是否零报告", "情形类别", "干预人姓名",
                                           "干预人身份证号", "干预人单位", "干预人职务",
                                           "案件来源", "涉及案号", "发生时间", "填报时间", "内容",
                                           ZG_SLASH_MIN, "codes: sgd_category",
                                           "codes: case_source")};
const zg_export zg_x_court_sgd = {
    "三个规定记录报告_法院.csv", "court_three_regulations.mapping.yaml", "court_sgd",
    "interference_record",
    "court three-regulations records and monthly zero reports (三个规定记录报告平台), GB18030",
    ZG_CSV, ZG_GB18030, ',', "[record_no]", court_sgd_cols, 15,
    "code_tables:\n  sgd_category: {领导干部干预: leader_interference, 内部人员过问: internal_inquiry, "
    "不当接触交往: improper_contact}\n  case_source: {法院: court, 检察院: procuratorate, 公安: police}\n"};

static const zg_col procu_sgd_cols[] = {SGD_COLS("jlbh", "tbrbh", "tbdw", "ssyf", "lbg", "qxlb",
                                           "gyrxm", "gyrsfzh", "gyrdw", "gyrzw", "ajly", "ah",
                                           "fssj", "tbsj", "nr", ZG_ISO_TS, NULL, NULL)};
const zg_export zg_x_procu_sgd = {
    "procu_zdsx.jsonl", "procuratorate_three_regulations.mapping.yaml", "procu_zdsx",
    "interference_record",
    "procuratorate major-matters reporting (重大事项填报), JSON Lines, true/false flags",
    ZG_JSONL, ZG_UTF8, ',', "[record_no]", procu_sgd_cols, 15, NULL};

/* Court case index c referred to by a background record of a court's officer, or -1. */
static int64_t record_case(const zg *g, int court, uint64_t r)
{
    for (int bi = 0; bi < g->nbasic; bi++)
        if (g->basic_courts[bi] == court) {
            int64_t step = (int64_t)g->nbasic * 97;
            int64_t n = g->sc.civil_cases / step;
            if (n <= 0)
                return -1;
            return bi + step * (int64_t)(r % (uint64_t)n);
        }
    return -1;
}

static int sgd(zg *g, zg_writer *w, int agency)
{
    bool court = agency == ZG_AG_COURT;
    for (int u = 0; u < g->nunits; u++) {
        const zg_unit *un = &g->units[u];
        if (un->agency != agency)
            continue;
        for (int64_t o = un->first_officer; o < un->first_officer + un->nofficers; o++) {
            zg_officer off;
            zg_mk_officer(g, o, &off);
            for (int m = 0; m < MONTHS; m++) {
                int y = 2019 + m / 12, mo = m % 12 + 1;
                int first = zg_days(y, mo, 1), last = zg_add_months(first, 1) - 1;
                if (!(off.start <= last && (off.end < 0 || off.end >= first)))
                    continue;                        /* not in post that month */
                const zg_pmonth *pm = zg_plan_month(g, o, m);
                if (pm && pm->action == ZG_M_SKIP)
                    continue;
                zg_rng r;
                zg_rng_at(&r, g->seed, ZG_S_MONTHLY, (uint64_t)o * 64 + (uint64_t)m);
                bool record = pm ? pm->action == ZG_M_RECORD : zg_chance(&r, 0.02);
                int64_t actor = -1, cc = -1;
                int cat = (int)zg_below(&r, 3);
                if (record) {
                    actor = pm ? pm->actor : zg_citizen(g, 7, (uint64_t)o * 64 + (uint64_t)m);
                    cc = pm ? pm->case_c
                       : court && zg_chance(&r, 0.5) ? record_case(g, u, zg_next(&r)) : -1;
                    if (pm && pm->late_days >= ZG_ACTOR_WITH_ID)
                        cat = 0;             /* TR03: a leading cadre of another organ */
                    else if (pm && cat == 0)
                        cat = 2;
                }
                char no[64], month[8], key_actor_id[64], actor_name[64];
                char *p = no;
                memcpy(p, record ? "JL" : "LB", 2);
                strcpy(p + 2, off.officer_no);
                p += strlen(p);
                p += zg_fmt_int(p, y * 100 + mo, 6);
                zg_fmt_int(month, y, 4);
                month[4] = '-';
                zg_fmt_int(month + 5, mo, 2);
                int next = zg_add_months(first, 1);
                int64_t reported, occurred = -1;
                if (record) {
                    int oday = first + (int)zg_below(&r, (uint32_t)(last - first + 1));
                    if (oday < off.start)
                        oday = off.start;
                    occurred = zg_office_time(&r, oday);
                    reported = occurred + (int64_t)(1 + zg_below(&r, 48)) * 3600;
                    if (reported >= ZG_T(next + 4, 18, 0))
                        reported = ZG_T(next + 4, 10, 0);
                } else
                    reported = zg_office_time(&r, next + (int)zg_below(&r, 5));
                if (pm && pm->action == ZG_M_LATE)
                    reported = ZG_T(next + 4 + pm->late_days, 10, 30);
                if (pm && pm->action == ZG_M_ONTIME_5TH)
                    reported = ZG_T(next + 4, 17, 30);
                zg_person ap;
                unsigned noise = 0;
                char actor_unit[96] = "", actor_post[32] = "";
                if (actor >= 0) {
                    zg_mk_person(g, actor, &ap);
                    noise = zg_dirty_person(g, &ap, (15ull << 48) ^ ((uint64_t)o * 64 + (uint64_t)m),
                                            1.0, actor_name, key_actor_id);
                    zg_actor_post(g, actor, cat, actor_unit, actor_post);
                    /* TR03: one officer wrote the ID down, the others only name, unit and post */
                    if (pm && pm->late_days == ZG_ACTOR_WITH_ID) {
                        strcpy(key_actor_id, ap.id);
                        noise &= ~(unsigned)(ZG_N_MISSING_ID | ZG_N_LEGACY_ID | ZG_N_BAD_CHECK |
                                             ZG_N_FULLWIDTH);
                    } else if (pm && pm->late_days == ZG_ACTOR_NAME_ONLY) {
                        key_actor_id[0] = '\0';
                        noise = (noise & ~(unsigned)(ZG_N_LEGACY_ID | ZG_N_BAD_CHECK |
                                                     ZG_N_FULLWIDTH)) | ZG_N_MISSING_ID;
                    }
                }
                zg_civil cs;
                if (cc >= 0)
                    zg_civil_case(g, cc, &cs);
                zg_row_begin(w);
                zg_s(w, no);
                zg_s(w, off.officer_no);
                zg_s(w, un->code);
                zg_s(w, month);
                zg_s(w, court ? (record ? "否" : "是") : (record ? "false" : "true"));
                zg_s(w, record ? (court ? cat_zh[cat] : cat_en[cat]) : NULL);
                zg_s(w, actor >= 0 ? actor_name : NULL);
                zg_s(w, actor >= 0 && key_actor_id[0] ? key_actor_id : NULL);
                zg_s(w, actor >= 0 ? actor_unit : NULL);
                zg_s(w, actor >= 0 ? actor_post : NULL);
                zg_s(w, cc >= 0 ? (court ? "法院" : "court") : NULL);
                zg_s(w, cc >= 0 ? cs.case_no : NULL);
                if (occurred >= 0)
                    zg_time(w, occurred);
                else
                    zg_null(w);
                zg_time(w, reported);
                zg_s(w, record ? (cat == 2 ? "当事人亲属请托打听案情，已拒绝并记录"
                                  : cat == 1 ? "同事过问案件进展，已告知按程序办理"
                                             : "领导打招呼要求关照，已拒绝并记录")
                               : "本月无干预过问案件情况");
                if (zg_row_end(w))
                    return ZJ_EDATA;
                if (actor >= 0)
                    zg_mention(g, "interference_record", w->x->source_system, no, "actor", true,
                               actor, noise);
            }
        }
    }
    return ZJ_OK;
}

int zg_emit_court_sgd(zg *g, zg_writer *w)
{
    return sgd(g, w, ZG_AG_COURT);
}

int zg_emit_procu_sgd(zg *g, zg_writer *w)
{
    return sgd(g, w, ZG_AG_PROCU);
}

/* ---- complaints ------------------------------------------------------------------------- */

/* The t-th officer (0 <= t < total) of an agency, in unit order. */
static int64_t agency_officer(const zg *g, int agency, int64_t t)
{
    for (int u = 0; u < g->nunits; u++) {
        if (g->units[u].agency != agency)
            continue;
        if (t < g->units[u].nofficers)
            return g->units[u].first_officer + t;
        t -= g->units[u].nofficers;
    }
    return -1;
}

static int64_t agency_total(const zg *g, int agency)
{
    int64_t n = 0;
    for (int u = 0; u < g->nunits; u++)
        if (g->units[u].agency == agency)
            n += g->units[u].nofficers;
    return n;
}

static const zg_col c12309_cols[] = {
    {"complaint_no", "xsbh", 0, NULL},
    {"channel", "qd", 0, NULL},
    {"received_at", "slsj", ZG_ISO_T, NULL},
    {"complainant_name", "jbr", 0, NULL},
    {"complainant_id_no", "jbrsfzh", 0, NULL},
    {"complainant_phone", "jbrdh", 0, NULL},
    {"target_officer_no", "bjbrbh", 0, NULL},
    {"target_officer_name", "bjbrxm", 0, NULL},
    {"target_unit_code", "bjbdw", 0, NULL},
    {"case_system", "ajly", 0, NULL},
    {"case_no", "ah", 0, NULL},
    {"category", "lb", 0, NULL},
    {"content", "nr", 0, NULL},
    {"status", "zt", 0, "codes: {\"0\": received, \"1\": handling, \"2\": closed}"},
};
const zg_export zg_x_complaints_12309 = {
    "12309_jubao.jsonl", "complaints_12309.mapping.yaml", "procu_12309", "complaint",
    "12309 procuratorate service centre: petitions and reports, JSON Lines", ZG_JSONL, ZG_UTF8,
    ',', "[complaint_no]", c12309_cols, 14, NULL};

static const zg_col c12368_cols[] = {
    {"complaint_no", "工单编号", 0, NULL},
    {"channel", "来源渠道", 0, "codes: {12368热线: \"12368\", 来信: letter, 来访: visit, 网上: online}"},
    {"received_at", "受理时间", ZG_ISO_TS, NULL},
    {"complainant_name", "来电人", 0, NULL},
    {"complainant_id_no", "证件号码", 0, NULL},
    {"complainant_phone", "来电号码", 0, NULL},
    {"target_officer_no", "被反映人编号", 0, NULL},
    {"target_officer_name", "被反映人姓名", 0, NULL},
    {"target_unit_code", "被反映单位", 0, NULL},
    {"case_system", "案件来源", 0, "codes: {法院: court}"},
    {"case_no", "关联案号", 0, NULL},
    {"category", "诉求类别", 0, NULL},
    {"content", "诉求内容", 0, NULL},
    {"status", "办理状态", 0, "codes: {已受理: received, 办理中: handling, 已办结: closed}"},
};
const zg_export zg_x_complaints_12368 = {
    "12368热线工单.csv", "complaints_12368.mapping.yaml", "court_12368", "complaint",
    "12368 court litigation-service hotline tickets", ZG_CSV, ZG_UTF8, ',', "[complaint_no]",
    c12368_cols, 14, NULL};

static int complaints(zg *g, zg_writer *w, bool court)
{
    int agency = court ? ZG_AG_COURT : ZG_AG_PROCU;
    int64_t nag = agency_total(g, agency);
    int64_t n = g->sc.complaints / 2;
    int64_t targeted = 0;
    const zg_plan *pl = g->plan;
    for (int64_t j = 0; j < n + (court ? pl->ncomplaints : 0); j++) {
        zg_rng r;
        zg_rng_at(&r, g->seed, ZG_S_COMPLAINT, (uint64_t)j * 2 + court);
        const zg_pcomplaint *pc = j >= n ? &pl->complaints[j - n] : NULL;
        int64_t target = -1, cc = -1, complainant;
        int64_t at;
        if (pc) {
            target = pc->officer;
            cc = pc->case_c;
            at = pc->at;
            complainant = pc->complainant;
        } else {
            at = zg_office_time(&r, zg_pick_day(&r, ZG_PAT_CIVIL, zg_span_start, zg_today));
            complainant = zg_citizen(g, 5, (uint64_t)j * 2 + 1000003u * court);
            if (zg_chance(&r, 0.3) && targeted < nag * 2) {
                int64_t t = (int64_t)((2654435761ull * (uint64_t)targeted++ + 17) % (uint64_t)nag);
                target = agency_officer(g, agency, t);
                if (zg_plan_complained(g, target))
                    target = -1;
            }
            if (court && zg_chance(&r, 0.4)) {
                cc = (int64_t)zg_below(&r, (uint32_t)g->sc.civil_cases);
                if (cc % (g->nbasic * 97) < g->nbasic)
                    cc += g->nbasic;                /* not a case with a planted-style record */
                if (cc >= g->sc.civil_cases)
                    cc = -1;
            }
        }
        zg_officer off;
        int unit = court ? g->basic_courts[zg_below(&r, (uint32_t)g->nbasic)]
                         : g->counties[zg_below(&r, (uint32_t)g->ncounties)].procu;
        zg_civil cs;
        if (cc >= 0) {
            zg_civil_case(g, cc, &cs);
            unit = cs.court;
        }
        if (target >= 0) {
            zg_mk_officer(g, target, &off);
            unit = off.unit;
        }
        /* the officer complained of: by number, or (as often in real tickets) by name with
         * the unit, the name as the complainant wrote it */
        char target_name[64] = "";
        unsigned target_noise = 0;
        if (target >= 0 && (pc ? pc->by_name >= 0 : zg_chance(&r, 0.5))) {
            zg_person tp;
            zg_mk_person(g, off.person, &tp);
            uint64_t salt = (19ull << 48) ^ ((uint64_t)j * 2 + court);
            if (pc)
                target_noise = zg_name_variant(g, &tp, pc->by_name, salt, target_name);
            else {
                char unused_id[64];
                target_noise = zg_dirty_person(g, &tp, salt, 1.0, target_name, unused_id) &
                               (ZG_N_TYPO | ZG_N_HOMOPHONE | ZG_N_TRADITIONAL | ZG_N_SPACES);
            }
        }
        zg_person p;
        zg_mk_person(g, complainant, &p);
        char name[64], id[64], no[32];
        unsigned noise = zg_dirty_person(g, &p, (16ull << 48) ^ ((uint64_t)j * 2 + court), 1.0,
                                         name, id);
        int y, m, d;
        zg_ymd((int)(at / ZG_DAY), &y, &m, &d);
        snprintf(no, sizeof no, "%s%04d%02d%02d%07lld", court ? "RX" : "XS", y, m, d,
                 (long long)j);
        static const char *const cats[] = {"反映办案拖延", "反映办案人员作风", "反映违规干预",
                                           "咨询案件进展", "申诉"};
        int cat = pc ? (cc >= 0 ? 2 : 1) : (int)zg_below(&r, 5);
        zg_row_begin(w);
        zg_s(w, no);
        zg_s(w, court ? "12368热线" : "12309");
        zg_time(w, at);
        zg_s(w, name);
        zg_s(w, id[0] ? id : NULL);
        zg_s(w, p.phone);
        zg_s(w, target >= 0 && !target_name[0] ? off.officer_no : NULL);
        zg_s(w, target_name[0] ? target_name : NULL);
        zg_s(w, g->units[unit].code);
        zg_s(w, cc >= 0 ? (court ? "法院" : "court") : NULL);
        zg_s(w, cc >= 0 ? cs.case_no : NULL);
        zg_s(w, cats[cat]);
        zg_s(w, cat == 0 ? "案件立案后长期无进展，请求督办"
              : cat == 1 ? "办案人员态度恶劣，要求处理"
              : cat == 2 ? "怀疑有人打招呼影响案件公正处理"
              : cat == 3 ? "询问案件办理进度" : "对处理结果不服，申请复查");
        zg_s(w, court ? (j % 3 == 0 ? "已受理" : j % 3 == 1 ? "办理中" : "已办结")
                      : (j % 3 == 0 ? "0" : j % 3 == 1 ? "1" : "2"));
        if (zg_row_end(w))
            return ZJ_EDATA;
        zg_mention(g, "complaint", w->x->source_system, no, "complainant", true, complainant,
                   noise);
        if (target_name[0])
            zg_mention(g, "complaint", w->x->source_system, no, "target", true, off.person,
                       target_noise);
    }
    return ZJ_OK;
}

int zg_emit_complaints_12309(zg *g, zg_writer *w)
{
    return complaints(g, w, false);
}

int zg_emit_complaints_12368(zg *g, zg_writer *w)
{
    return complaints(g, w, true);
}
