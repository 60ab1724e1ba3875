/* cases.c - cases as they flow between agencies (案件流转): 110 incidents, police cases,
 * procuratorate reviews and court cases, with their process-node events.
 *
 * Two domains, each a pure function of (seed, index):
 *  - the criminal chain of incident i: a 110 call that may be accepted as a police case, filed,
 *    investigated, transferred for prosecution, reviewed by the procuratorate and tried by
 *    the county court - with delays drawn inside the legal limits of docs/domain.md section 5
 *    (filing review 3 days, 7 with a leads check, 30 for major cases with approval; custody
 *    after arrest 2 months, +1 with approval; review for prosecution 1 month, +15 days;
 *    first instance 2 months, +1 with approval; fast-track 10 days, summary 20 days);
 *  - civil, administrative and enforcement court case c: filing, assignment, service,
 *    hearing, judgment/mediation/withdrawal, closing - inside the trial limits (summary 3
 *    months, ordinary 6 (+6 with the president's approval, recorded as an extension event
 *    with its own approval number), small claims 2, appeal 3, administrative 6 / 45 days).
 * Background cases stay inside the limits and keep every mandatory node in order; a case
 * still open on the reference date is never within 20 days of its calendar deadline (so deadline
 * warnings, PN01, come only from planted cases). Indexes past the background range are the
 * planted cases of the anomaly plan.
 */
#include <string.h>

#include "gen/anomalies.h"
#include "gen/internal.h"

int64_t zg_citizen(const zg *g, int q, uint64_t idx)
{
    uint64_t pool = (uint64_t)g->sc.citizens / 8;
    return 8 * (int64_t)((2654435761ull * idx + 40503u * (uint64_t)q + 1) % pool) + q;
}

int64_t zg_lawyer(const zg *g, int64_t l, char license[24], char firm[96])
{
    static const char *const fw[] = {"正大", "秦川", "德恒", "明诚", "长安", "汉唐", "信达",
                                     "永嘉", "金石", "博雅", "华清", "天平"};
    zg_rng r;
    zg_rng_at(&r, g->seed, ZG_S_LAWYER, (uint64_t)l);
    int64_t k = g->pb_lawyer + l;
    if (license) {
        char *p = license;
        p[0] = '1';
        zg_fmt_int(p + 1, 6101, 4);
        zg_fmt_int(p + 5, 2000 + (int)zg_below(&r, 20), 4);
        p[9] = '1';
        p[10] = (char)('0' + zg_below(&r, 2));
        zg_fmt_int(p + 11, l % 1000000, 6);
    }
    if (firm)
        snprintf(firm, 96, "陕西%s律师事务所", fw[(l / 7) % 12]);
    return k;
}

static void case_no(char *out, size_t cap, int year, const char *court, const char *type,
                    int64_t serial)
{
    snprintf(out, cap, "（%d）%s%s%lld号", year, court, type, (long long)serial);
}

static int year_of(int64_t t)
{
    int y, m, d;
    zg_ymd((int)(t / ZG_DAY), &y, &m, &d);
    return y;
}

static zg_event *ev_add(zg_event *ev, int *n, int max, const char *node, int64_t at,
                        int64_t officer)
{
    if (*n >= max)
        return NULL;
    zg_event *e = &ev[(*n)++];
    memset(e, 0, sizeof *e);
    e->node = node;
    e->at = at;
    e->officer = officer;
    return e;
}

/* Limit in days of a court procedure. */
static int limit_days(const char *procedure, const char *type)
{
    if (strcmp(procedure, "summary") == 0)
        return strncmp(type, "行", 3) == 0 ? 45 : 90;
    if (strcmp(procedure, "small_claims") == 0)
        return 60;
    if (strcmp(procedure, "second_instance") == 0)
        return 90;
    if (strcmp(procedure, "fast_track") == 0)
        return 10;
    if (strcmp(procedure, "criminal_summary") == 0)
        return 20;
    if (strcmp(procedure, "criminal_ordinary") == 0)
        return 60;
    return 180;   /* ordinary civil, administrative first instance, enforcement */
}

/* The last day of a court procedure's limit for a case filed on `day`: calendar months where
 * the law states months (Civil PL arts. 152, 164, 168, 183; ALL arts. 81, 88), days where it
 * states days; a month runs to the same day of the later month, or to its last day when that
 * day does not exist. limit_days() is the same limit in round days, for drawing durations
 * (always within the calendar limit: 25-94% of it). */
static int limit_end(const char *procedure, const char *type, int day)
{
    if (strcmp(procedure, "summary") == 0)
        return strncmp(type, "行", 3) == 0 ? day + 45 : zg_add_months(day, 3);
    if (strcmp(procedure, "small_claims") == 0)
        return zg_add_months(day, 2);
    if (strcmp(procedure, "second_instance") == 0)
        return zg_add_months(day, 3);
    if (strcmp(procedure, "criminal_ordinary") == 0)
        return zg_add_months(day, 2);
    if (strcmp(procedure, "fast_track") == 0 || strcmp(procedure, "criminal_summary") == 0)
        return day + limit_days(procedure, type);
    return zg_add_months(day, 6);
}

static const char *const civil_causes[] = {
    "民间借贷纠纷", "买卖合同纠纷", "离婚纠纷", "劳动争议", "机动车交通事故责任纠纷",
    "金融借款合同纠纷", "物业服务合同纠纷", "房屋租赁合同纠纷", "信用卡纠纷",
    "追索劳动报酬纠纷", "建设工程施工合同纠纷", "赡养纠纷",
};
static const char *const admin_causes[] = {"行政处罚", "政府信息公开", "行政强制", "工伤认定",
                                           "行政许可"};

/* ---- claims (诉讼请求) and the defence (答辩情况) of a background case --------------------
 * From a stream of their own, so the rest of the case is what it was. Claims are written for
 * first-instance cases; two suits of one cause read alike only in their template, their
 * subject and amounts differ. The defence is recorded for closed first-instance civil cases:
 * most defendants contest, some do not answer or are judged by default, a few admit. */

static const char *const subjects[] = {"钢材", "水泥", "空调设备", "办公家具", "电缆", "装修材料",
                                       "农产品", "医疗器械", "服装", "电子元件"};

static void civil_text(const zg *g, zg_civil *cs)
{
    zg_rng r;
    zg_rng_at(&r, g->seed, ZG_S_CLAIMS, (uint64_t)cs->c);
    bool first = !strcmp(cs->type, "民初") || !strcmp(cs->type, "行初");
    if (!first)
        return;
    long long yuan = (long long)cs->claim;
    const char *sub = subjects[zg_below(&r, 10)];
    int m = 1 + (int)zg_below(&r, 12), yr = 2017 + (int)zg_below(&r, 4);
    const char *cause = cs->cause;
    if (!strcmp(cause, "民间借贷纠纷"))
        snprintf(cs->claims, sizeof cs->claims, zg_chance(&r, 0.5)
                 ? "判令被告偿还借款本金%lld元及自%d年%d月起按年利率%d%%计算的利息；本案诉讼费用由被告承担。"
                 : "请求判令被告归还借款%lld元，并支付逾期还款利息至实际清偿之日止。", yuan, yr, m,
                 4 + (int)zg_below(&r, 8));
    else if (!strcmp(cause, "买卖合同纠纷"))
        snprintf(cs->claims, sizeof cs->claims, "判令被告支付%d年%d月所购%s货款%lld元及逾期付款"
                 "损失；诉讼费由被告负担。", yr, m, sub, yuan);
    else if (!strcmp(cause, "离婚纠纷"))
        snprintf(cs->claims, sizeof cs->claims, zg_chance(&r, 0.5)
                 ? "判令原、被告离婚；婚生子由原告抚养，被告每月支付抚养费%d元；依法分割夫妻共同财产。"
                 : "请求解除婚姻关系，依法分割共同财产并由被告返还%d元。", 500 + (int)zg_below(&r, 30) * 100);
    else if (!strcmp(cause, "劳动争议") || !strcmp(cause, "追索劳动报酬纠纷"))
        snprintf(cs->claims, sizeof cs->claims, "判令被告支付原告%d年%d月至%d月拖欠的工资%lld元"
                 "及经济补偿金。", yr, m, m < 12 ? m + 1 : 12, yuan);
    else if (!strcmp(cause, "机动车交通事故责任纠纷"))
        snprintf(cs->claims, sizeof cs->claims, "判令被告及保险公司赔偿原告医疗费、误工费、护理费"
                 "等各项损失共计%lld元。", yuan);
    else if (!strcmp(cause, "金融借款合同纠纷") || !strcmp(cause, "信用卡纠纷"))
        snprintf(cs->claims, sizeof cs->claims, "判令被告偿还透支本金及借款本金%lld元、利息及"
                 "违约金，并承担实现债权的费用。", yuan);
    else if (!strcmp(cause, "物业服务合同纠纷"))
        snprintf(cs->claims, sizeof cs->claims, "判令被告支付%d年至%d年物业服务费%lld元及滞纳金。",
                 yr, yr + 1, yuan);
    else if (!strcmp(cause, "房屋租赁合同纠纷"))
        snprintf(cs->claims, sizeof cs->claims, "判令解除房屋租赁合同，被告腾退房屋并支付欠付"
                 "租金%lld元。", yuan);
    else if (!strcmp(cause, "建设工程施工合同纠纷"))
        snprintf(cs->claims, sizeof cs->claims, "判令被告支付工程款%lld元及利息，原告就该工程"
                 "折价或者拍卖的价款优先受偿。", yuan);
    else if (!strcmp(cause, "赡养纠纷"))
        snprintf(cs->claims, sizeof cs->claims, "判令被告每月支付赡养费%d元并承担医疗费用。",
                 300 + (int)zg_below(&r, 20) * 50);
    else if (!strcmp(cs->type, "行初"))
        snprintf(cs->claims, sizeof cs->claims, "请求撤销被告作出的%s决定，并由被告承担本案诉讼"
                 "费用。", cause);
    else
        snprintf(cs->claims, sizeof cs->claims, "判令被告赔偿原告损失%lld元。", yuan);
    if (strcmp(cs->type, "民初") || !cs->outcome)
        return;
    unsigned u = zg_below(&r, 100);
    cs->defence = strcmp(cs->outcome, "judgment") ? "contested"
                : u < 72 ? "contested" : u < 86 ? "no_answer" : u < 97 ? "default" : "admitted";
}

/* Build the court events of a case from its dates and outcome. */
static void court_events(const zg *g, zg_civil *cs, zg_rng *r, int ext, const char *approval,
                         int no_hearing, int swapped)
{
    (void)g;
    cs->nev = 0;
    int64_t end = cs->closed >= 0 ? cs->closed : ZG_ASOF;
    int64_t span = end - cs->filed;
    ev_add(cs->ev, &cs->nev, ZG_MAXEV, "立案", cs->filed, -1);
    int64_t ta = zg_office_time(r, zg_workday_on_or_after((int)(cs->filed / ZG_DAY) + 1));
    bool exec = strcmp(cs->type, "执") == 0;
    int64_t ts = cs->filed + (3 + (int64_t)zg_below(r, 6)) * ZG_DAY;
    int fday = (int)(cs->filed / ZG_DAY);
    int64_t text = ZG_T(limit_end(cs->procedure, cs->type, fday) - 12, 0, 0) +
                   cs->filed % ZG_DAY + 3600 * 2;
    if (ext && text < end) {
        zg_event *e = ev_add(cs->ev, &cs->nev, ZG_MAXEV, "延长审限", text, cs->judge);
        if (e) {
            snprintf(e->approval, sizeof e->approval, "%s", approval);
            e->approver = cs->procedure[0] == 'c' ? "上一级人民法院" : "院长";
            e->days = cs->procedure[0] == 'c' ? 30 : 180;
        }
    }
    bool hearing = !exec && cs->outcome && (strcmp(cs->outcome, "judgment") == 0 ||
                             strcmp(cs->outcome, "mediation") == 0 ||
                             strcmp(cs->outcome, "conviction") == 0 ||
                             strcmp(cs->outcome, "acquittal") == 0);
    int64_t th = cs->filed + span * (30 + (int64_t)zg_below(r, 30)) / 100;
    int64_t tj = cs->filed + span * (75 + (int64_t)zg_below(r, 15)) / 100;
    th = th / 60 * 60;
    tj = tj / 60 * 60;
    if (swapped == 2) {
        /* judgment at the hearing: one day, the judgment recorded at 09:00, the hearing 15:00 */
        th = tj / ZG_DAY * ZG_DAY + 15 * 3600;
        tj = tj / ZG_DAY * ZG_DAY + 9 * 3600;
        swapped = 0;
    }
    /* assignment and service (or, in enforcement, the property search) come before the
     * hearing and the decision: in a short case they come early, never after them */
    if (span > 0) {
        int64_t first = hearing && !no_hearing && th < tj ? th : tj;
        if (cs->closed < 0 && !(hearing && !no_hearing && th < end))
            first = end;
        if (ta >= first)
            ta = cs->filed + (first - cs->filed) / 3;
        if (ts >= first)
            ts = cs->filed + (first - cs->filed) * 2 / 3;
    }
    if (ta < end)
        ev_add(cs->ev, &cs->nev, ZG_MAXEV, "分案", ta, cs->judge);
    if (ts < end)
        ev_add(cs->ev, &cs->nev, ZG_MAXEV, exec ? "财产查控" : "送达", ts, cs->judge);
    if (cs->closed >= 0 || th < end) {
        if (hearing && !no_hearing && th < end)
            ev_add(cs->ev, &cs->nev, ZG_MAXEV, "开庭", swapped ? tj : th, cs->judge);
    }
    if (cs->closed < 0)
        return;
    const char *fin = exec ? (strcmp(cs->outcome, "executed") == 0 ? "执行完毕" : "终结本次执行")
                    : strcmp(cs->outcome, "mediation") == 0 ? "调解"
                    : strcmp(cs->outcome, "withdrawn") == 0 ? "撤诉"
                    : strcmp(cs->outcome, "dismissed") == 0 ? "裁定驳回" : "宣判";
    ev_add(cs->ev, &cs->nev, ZG_MAXEV, fin, swapped ? th : tj, cs->judge);
    ev_add(cs->ev, &cs->nev, ZG_MAXEV, "结案", cs->closed, cs->judge);
}

int64_t zg_civil_total(const zg *g)
{
    return g->sc.civil_cases + (g->plan ? g->plan->ncases : 0);
}

static void planted_civil(const zg *g, int64_t c, zg_civil *cs, zg_rng *r)
{
    const zg_pcase *p = &g->plan->cases[c - g->sc.civil_cases];
    cs->court = p->court;
    cs->type = p->type;
    cs->cause = p->cause;
    cs->procedure = p->procedure;
    cs->filed = p->filed;
    cs->closed = p->closed;
    cs->outcome = p->outcome;
    cs->status = p->closed >= 0 ? "closed" : "open";
    cs->judge = p->judge;
    cs->claim = p->claim;
    snprintf(cs->claims, sizeof cs->claims, "%s", p->claims);
    cs->defence = p->defence ? p->defence
                : p->outcome && !strcmp(p->type, "民初") ? "contested" : NULL;
    int64_t serial = g->sc.civil_cases / (g->nbasic ? g->nbasic : 1) + 1 + (c - g->sc.civil_cases);
    case_no(cs->case_no, sizeof cs->case_no, year_of(cs->filed), g->units[cs->court].court_code,
            cs->type, serial);
    cs->nparties = 0;
    int64_t one_lawyer = -1;                 /* a lawyer for both sides (FL01) */
    for (int k = 0; k < p->nparties; k++)
        if (p->parties[k].share_contact == 2 && g->sc.lawyers > 0)
            one_lawyer = c % g->sc.lawyers;
    for (int k = 0; k < p->nparties; k++) {
        zg_party *pa = &cs->parties[cs->nparties++];
        pa->role = p->parties[k].role;
        pa->is_ent = p->parties[k].is_ent;
        pa->idx = p->parties[k].idx;
        pa->lawyer = k == 0 || p->parties[k].share_contact == 2 ? one_lawyer : -1;
        pa->contact_of = p->parties[k].share_contact == 1 && !p->parties[0].is_ent
                             ? p->parties[0].idx : -1;
        pa->bare = p->parties[k].share_contact == 3;
    }
    court_events(g, cs, r, p->ext, p->approval_no, p->no_hearing, p->swapped);
}

void zg_civil_case(const zg *g, int64_t c, zg_civil *cs)
{
    memset(cs, 0, sizeof *cs);
    cs->c = c;
    zg_rng r;
    zg_rng_at(&r, g->seed, ZG_S_CIVIL, (uint64_t)c);
    if (c >= g->sc.civil_cases) {
        planted_civil(g, c, cs, &r);
        return;
    }
    int bi = (int)(c % g->nbasic);
    int64_t q = c / g->nbasic;
    int county_court = g->basic_courts[bi];
    const zg_county *co = &g->counties[g->units[county_court].county];
    unsigned u = zg_below(&r, 100);
    cs->type = u < 78 ? "民初" : u < 86 ? "民终" : u < 91 ? "行初" : "执";
    bool appeal = strcmp(cs->type, "民终") == 0;
    cs->court = appeal ? g->cities[co->city].court : county_court;
    bool admin = strcmp(cs->type, "行初") == 0, exec = strcmp(cs->type, "执") == 0;
    cs->cause = admin ? admin_causes[zg_below(&r, 5)] : civil_causes[zg_below(&r, 12)];
    if (exec)
        cs->cause = zg_chance(&r, 0.5) ? "民间借贷纠纷" : "买卖合同纠纷";
    u = zg_below(&r, 100);
    cs->procedure = appeal ? "second_instance" : exec ? "enforcement"
                  : admin ? (u < 80 ? "ordinary" : "summary")
                  : u < 55 ? "summary" : u < 90 ? "ordinary" : "small_claims";
    int limit = limit_days(cs->procedure, cs->type);
    /* Filing day: the q-th case of its court falls at quantile q/qmax of the seasonal
     * filing curve, so serials grow with the date and restart each year like real ones. */
    int64_t qmax = (g->sc.civil_cases + g->nbasic - 1) / g->nbasic;
    int day = zg_day_at(ZG_PAT_CIVIL, ((double)q + 0.5) / (double)qmax);
    if (year_of(ZG_T(zg_workday_on_or_after(day), 0, 0)) == year_of(ZG_T(day, 0, 0)))
        day = zg_workday_on_or_after(day);   /* never into the next year: serials restart */
    if (day > zg_today - 5)
        day = zg_today - 5;
    cs->filed = zg_office_time(&r, day);
    int ext = strcmp(cs->procedure, "ordinary") == 0 && !admin && zg_chance(&r, 0.08) &&
              limit_end(cs->procedure, cs->type, day) - 12 < zg_today;   /* recorded by today */
    int dur = ext ? limit + 1 + (int)zg_below(&r, 150)
                  : limit * (25 + (int)zg_below(&r, 70)) / 100;
    int deadline = limit_end(cs->procedure, cs->type, day) + (ext ? 180 : 0);
    int closed_day = zg_workday_on_or_after(day + dur);
    if (closed_day - day > dur && closed_day - day >= limit + (ext ? 180 : 0))
        closed_day = day + dur;          /* no weekend shift across the deadline */
    if (closed_day > zg_today && deadline - zg_today < 20) {
        /* would still be open near its deadline: let it close a few days ago instead */
        closed_day = zg_today - 1 - (int)zg_below(&r, 4);
        if (closed_day <= day + 7)
            closed_day = day + 8;
    }
    if (closed_day > zg_today) {
        cs->closed = -1;
        cs->status = "open";
    } else {
        cs->closed = zg_office_time(&r, closed_day);
        if (cs->closed <= cs->filed)
            cs->closed = cs->filed + 3600;
        cs->status = "closed";
    }
    u = zg_below(&r, 100);
    cs->outcome = exec ? (u < 55 ? "executed" : "terminated")
                : appeal ? (u < 80 ? "judgment" : "withdrawn")
                : admin ? (u < 60 ? "judgment" : u < 85 ? "withdrawn" : "dismissed")
                : u < 45 ? "judgment" : u < 75 ? "mediation" : u < 95 ? "withdrawn" : "dismissed";
    if (cs->closed < 0)
        cs->outcome = NULL;
    cs->judge = zg_unit_officer(g, cs->court, exec ? "enforcement" : admin ? "administrative"
                                                                          : "civil", &r);
    double lg = 9.5 + 1.3 * (zg_unif(&r) + zg_unif(&r) + zg_unif(&r) - 1.5);
    cs->claim = (double)(int64_t)(__builtin_exp(lg) / 100) * 100;
    int fy = year_of(cs->filed);
    int64_t q0 = (int64_t)(zg_day_share(ZG_PAT_CIVIL, zg_days(fy, 1, 1)) * (double)qmax);
    case_no(cs->case_no, sizeof cs->case_no, fy, g->units[cs->court].court_code, cs->type,
            appeal ? c + 1 : q - q0 + 1);
    /* parties: citizens of the civil pools (each appears in at most a couple of cases),
     * enterprises of the litigant pool (e mod 4 == 0) or, for enforcement, pool 3 / e mod 4 == 1 */
    int64_t epool = g->sc.enterprises / 4;
    for (int k = 0; k < 2; k++) {
        zg_party *pa = &cs->parties[cs->nparties++];
        uint64_t slot = (uint64_t)c * 2 + (uint64_t)k;
        pa->role = exec ? (k ? "respondent" : "applicant")
                 : appeal ? (k ? "appellee" : "appellant") : (k ? "defendant" : "plaintiff");
        pa->lawyer = zg_chance(&r, 0.45) ? (int64_t)zg_below(&r, (uint32_t)g->sc.lawyers) : -1;
        /* a lawyer never acts for both sides (律师法 第39条): the other side gets the next one */
        if (k == 1 && pa->lawyer >= 0 && pa->lawyer == cs->parties[0].lawyer)
            pa->lawyer = (pa->lawyer + 1) % g->sc.lawyers;
        pa->contact_of = -1;
        if (admin && k == 1) {
            pa->is_ent = 2;
            pa->idx = g->units[county_court].county;
            continue;
        }
        bool ent = zg_chance(&r, k ? 0.4 : 0.3) && epool > 0;
        if (exec && k == 1) {
            if (ent) {
                pa->is_ent = 1;
                pa->idx = 4 * (int64_t)((2654435761ull * (uint64_t)c + 5) % (uint64_t)epool) + 1;
            } else
                pa->idx = zg_citizen(g, 3, (uint64_t)c);
            continue;
        }
        if (ent && !admin) {
            pa->is_ent = 1;
            pa->idx = 4 * (int64_t)((2654435761ull * slot + 3) % (uint64_t)epool);
        } else
            pa->idx = zg_citizen(g, (int)(slot % 3), slot / 3);
    }
    court_events(g, cs, &r, ext, "", 0, 0);
    civil_text(g, cs);
    if (ext)
        for (int k = 0; k < cs->nev; k++)
            if (cs->ev[k].approval[0] == '\0' && strcmp(cs->ev[k].node, "延长审限") == 0)
                snprintf(cs->ev[k].approval, sizeof cs->ev[k].approval, "%s审延〔%d〕%lld号",
                         g->units[cs->court].abbr, year_of(cs->filed), (long long)c + 1);
}

/* ---- criminal chains --------------------------------------------------------------------- */

static const char *const crim_causes[] = {"盗窃", "诈骗", "故意伤害", "抢劫", "寻衅滋事",
                                          "危险驾驶", "交通肇事", "贩卖毒品", "开设赌场",
                                          "帮助信息网络犯罪活动"};
static const char *const admin_pcauses[] = {"殴打他人", "盗窃（治安）", "赌博", "故意损毁财物",
                                            "扰乱公共秩序"};
static const char *const summaries[][4] = {
    {"电动车被盗", "被骗钱款", "入室盗窃", "被人打伤"},
    {"邻里打架", "醉酒滋事", "赌博举报", "损毁财物"},
    {"邻里纠纷", "家庭纠纷", "劳资纠纷", "消费纠纷"},
    {"交通事故", "车辆剐蹭", "道路拥堵", "占道停车"},
    {"老人走失", "钥匙锁车内", "求助开锁", "儿童走失"},
    {"噪音扰民", "咨询", "误报", "其他"},
};

int64_t zg_chain_total(const zg *g)
{
    return g->sc.incidents + (g->plan ? g->plan->nchains : 0);
}

static void police_event(zg_chain *ch, const char *code, int64_t at, const char *doc)
{
    zg_event *e = ev_add(ch->pev, &ch->npev, ZG_MAXEV, code, at, ch->police_officer);
    if (e && doc)
        snprintf(e->doc, sizeof e->doc, "%s", doc);
}

void zg_mk_chain(const zg *g, int64_t i, zg_chain *ch)
{
    memset(ch, 0, sizeof *ch);
    ch->i = i;
    ch->suspect = ch->victim = -1;
    zg_rng r;
    const zg_pchain *pl = i >= g->sc.incidents ? &g->plan->chains[i - g->sc.incidents] : NULL;
    /* a twin draws its dates and cause from its original's stream: the same timeline */
    zg_rng_at(&r, g->seed, ZG_S_INCIDENT, (uint64_t)(pl && pl->twin >= 0 ? pl->twin : i));
    ch->plant = pl ? pl->kind : 0;
    ch->county = zg_pick_county(g, &r);
    const zg_county *co = &g->counties[ch->county];
    ch->station = co->station0 + (int)zg_below(&r, (uint32_t)co->nstations);
    ch->officer = zg_unit_officer(g, ch->station, NULL, &r);
    int day;
    if (!pl)
        day = zg_pick_day(&r, ZG_PAT_INCIDENT, zg_span_start, zg_today);
    else {
        int back = pl->kind == ZG_PC_CF02 ? 40 : pl->kind == ZG_PC_CF02_NEAR ? 20
                 : pl->kind == ZG_PC_TR05_NEAR ? 1
                 : pl->kind == ZG_PC_CF03 || pl->kind == ZG_PC_CF03_NEAR ? 200
                 : pl->kind == ZG_PC_FL04 ? 150 : 120 + (int)zg_below(&r, 200);
        day = zg_today - back;
    }
    ch->received = zg_any_time(&r, day);
    unsigned u = zg_below(&r, 100);
    int cat = u < 22 ? 0 : u < 42 ? 1 : u < 67 ? 2 : u < 82 ? 3 : u < 92 ? 4 : 5;
    if (pl)
        cat = 0;
    static const char *const cats[] = {"criminal", "public_security", "dispute", "traffic",
                                       "help", "other"};
    ch->category = cats[cat];
    ch->summary = summaries[cat][zg_below(&r, 4)];
    ch->reporter = zg_citizen(g, 5, (uint64_t)i);
    int y, m, d;
    zg_ymd(day, &y, &m, &d);
    memcpy(ch->incident_no, "110", 3);
    zg_fmt_int(ch->incident_no + 3, y * 10000 + m * 100 + d, 8);
    zg_fmt_int(ch->incident_no + 11, i, 8);
    ch->disposed = ch->received + (10 + (int64_t)zg_below(&r, 110)) * 60;
    bool accept = cat == 0 || (cat == 1 && zg_chance(&r, 0.6));
    ch->disposition = accept ? "accepted" : cat <= 2 ? "mediated" : cat == 3 ? "referred" : "other";
    if (ch->plant == ZG_PC_CF01) {
        accept = false;
        ch->disposition = "mediated";
    }
    if (!accept)
        return;

    /* ---- police case ---- */
    ch->has_case = true;
    bool crim = cat == 0;
    ch->kind = crim ? "criminal" : "administrative";
    ch->cause = crim ? crim_causes[zg_below(&r, 10)] : admin_pcauses[zg_below(&r, 5)];
    if (ch->plant == ZG_PC_FL04)
        ch->cause = "诈骗";
    ch->police_unit = crim && zg_chance(&r, 0.5) ? co->police : ch->station;
    ch->police_officer = zg_unit_officer(g, ch->police_unit, NULL, &r);
    ch->accepted = ch->received + (30 + (int64_t)zg_below(&r, 150)) * 60;
    memcpy(ch->case_no, "A", 1);
    zg_fmt_int(ch->case_no + 1, co->code, 6);
    zg_fmt_int(ch->case_no + 7, ch->station - co->station0 + 1, 2);
    zg_fmt_int(ch->case_no + 9, y * 100 + m, 6);
    zg_fmt_int(ch->case_no + 15, i, 7);
    ch->suspect = pl && pl->suspect >= 0 ? pl->suspect : zg_citizen(g, 4, (uint64_t)i * 2);
    ch->victim = crim ? zg_citizen(g, 4, (uint64_t)i * 2 + 1) : -1;
    ch->declared = true;
    police_event(ch, "01", ch->accepted, NULL);                  /* 受案 */

    if (ch->plant == ZG_PC_CF02 || ch->plant == ZG_PC_CF02_NEAR || ch->plant == ZG_PC_TR05_NEAR) {
        ch->decision = "pending";
        ch->status = "reviewing";
        ch->major = ch->plant == ZG_PC_CF02_NEAR;
        if (ch->plant == ZG_PC_TR05_NEAR)
            ch->declared = false;
        if (ch->major) {
            police_event(ch, "02", ch->accepted + ZG_DAY * 2, NULL);   /* 重大案件延长审查 */
            snprintf(ch->pev[ch->npev - 1].approval, sizeof ch->pev[0].approval, "%s公审〔%d〕%05lld号", co->name,
                     y, (long long)(i % 100000));
            ch->pev[ch->npev - 1].approver = "县级公安机关负责人";
            ch->pev[ch->npev - 1].days = 30;
        }
        ch->filed = ch->closed = ch->transferred = -1;
        return;
    }
    /* filing review: 3 days; 7 with a leads check; 30 for major cases with approval */
    u = zg_below(&r, 100);
    int64_t review = u < 70 ? (int64_t)(2 * 3600 + zg_below(&r, 60 * 3600))
                   : u < 95 ? (int64_t)(3 * ZG_DAY + 3600 + zg_below(&r, 3 * 86400))
                            : (int64_t)(8 * ZG_DAY + zg_below(&r, 20 * 86400));
    if (!crim)
        review = 3600 + zg_below(&r, 20 * 3600);
    ch->major = crim && u >= 95;
    if (crim && u >= 70) {
        police_event(ch, "02", ch->accepted + 3600, NULL);          /* 线索核查/延长审查 */
        zg_event *e = &ch->pev[ch->npev - 1];
        if (ch->major) {
            snprintf(e->approval, sizeof e->approval, "%s公审〔%d〕%05lld号", co->name, y,
                     (long long)(i % 100000));
            e->approver = "县级公安机关负责人";
            e->days = 30;
        } else
            e->days = 7;
    }
    int64_t decided = (ch->accepted + review) / 60 * 60;
    bool file = !crim || zg_chance(&r, 0.85) || ch->plant;
    if (!file) {
        ch->decision = "not_filed";
        ch->filed = ch->transferred = -1;
        ch->closed = decided;
        ch->close_reason = "other";
        ch->status = "closed";
        char doc[64];
        snprintf(doc, sizeof doc, "%s公（刑）不立字〔%d〕%05lld号", g->units[ch->police_unit].abbr,
                 y, (long long)(i % 100000));
        police_event(ch, "03", decided, doc);                      /* 不予立案 */
        return;
    }
    ch->decision = "filed";
    ch->filed = decided;
    snprintf(ch->filing_doc, sizeof ch->filing_doc, "%s公（%s）立字〔%d〕%05lld号",
             g->units[ch->police_unit].abbr, crim ? "刑" : "行", y, (long long)(i % 100000));
    police_event(ch, "04", ch->filed, ch->filing_doc);              /* 立案 */
    if (!crim) {
        ch->closed = ch->filed + (1 + (int64_t)zg_below(&r, 15)) * ZG_DAY;
        if (ch->closed > ZG_ASOF)
            ch->closed = ZG_ASOF - 3600;
        ch->close_reason = "penalised";
        ch->status = "closed";
        police_event(ch, "10", ch->closed, NULL);                  /* 行政处罚决定 */
        ch->transferred = -1;
        return;
    }
    /* criminal investigation */
    int64_t t = ch->filed + (2 + (int64_t)zg_below(&r, 20)) * 3600;
    bool idle = ch->plant == ZG_PC_CF03 || ch->plant == ZG_PC_CF03_NEAR;
    bool bail = zg_chance(&r, 0.35) || idle || ch->plant == ZG_PC_FL04;
    int64_t end_by;
    if (bail) {
        police_event(ch, "07", t, NULL);                            /* 取保候审 */
        end_by = t + (60 + (int64_t)zg_below(&r, 120)) * ZG_DAY;
    } else {
        police_event(ch, "05", t, NULL);                            /* 刑事拘留 */
        int64_t areq = t + (1 + (int64_t)zg_below(&r, 3)) * ZG_DAY;
        police_event(ch, "06", areq, NULL);                         /* 提请批准逮捕 */
        t = areq + (1 + (int64_t)zg_below(&r, 6)) * ZG_DAY;
        police_event(ch, "08", t, NULL);                            /* 逮捕 */
        bool extend = zg_chance(&r, 0.15);
        end_by = t + (20 + (int64_t)zg_below(&r, extend ? 65 : 38)) * ZG_DAY;
        if (extend && end_by - t > 60 * ZG_DAY) {
            police_event(ch, "11", t + 55 * ZG_DAY, NULL);          /* 延长侦查羁押期限 */
            zg_event *e = &ch->pev[ch->npev - 1];
            snprintf(e->approval, sizeof e->approval, "%s检延押〔%d〕%lld号", co->name, y,
                     (long long)(i % 100000));
            e->approver = "上一级人民检察院";
            e->days = 30;
        }
    }
    if (ch->plant == ZG_PC_CF03_NEAR) {
        /* the suspect fled: the investigation suspended with the county chief's approval
         * (中止侦查), lawful, so the silence after it is not 压案不查 */
        police_event(ch, "14", t + 40 * ZG_DAY, NULL);             /* 中止侦查 */
        zg_event *e = &ch->pev[ch->npev - 1];
        snprintf(e->approval, sizeof e->approval, "%s公中止〔%d〕%05lld号", co->name, y,
                 (long long)(i % 100000));
        e->approver = "县级公安机关负责人";
    }
    if (idle || ch->plant == ZG_PC_FL04)
        end_by = ZG_ASOF + 400 * ZG_DAY;
    else if (ch->plant && end_by > ZG_ASOF - 15 * ZG_DAY)
        end_by = ZG_ASOF - 15 * ZG_DAY;      /* planted closures and transfers must happen */
    if (end_by <= t)
        end_by = t + ZG_DAY;
    /* interviews (讯问) at most 40 days apart until the end or today */
    int64_t last = t;
    for (int64_t s = t + (15 + (int64_t)zg_below(&r, 25)) * ZG_DAY;
         s < end_by - 2 * ZG_DAY && s < ZG_ASOF && ch->npev < ZG_MAXEV - 3;
         s += (15 + (int64_t)zg_below(&r, 25)) * ZG_DAY) {
        if (idle)
            break;                                                 /* nothing after filing */
        police_event(ch, "09", s, NULL);
        last = s;
    }
    (void)last;
    if (end_by > ZG_ASOF) {
        ch->status = "investigating";
        ch->closed = ch->transferred = -1;
        return;
    }
    bool revoke = zg_chance(&r, 0.12) || ch->plant == ZG_PC_CF04 ||
                  ch->plant == ZG_PC_CF04_NEAR;
    if (ch->plant == ZG_PC_CF05 || ch->plant == ZG_PC_CF05_NEAR || ch->plant == ZG_PC_TR05 ||
        ch->plant == ZG_PC_CF05_PARTY)
        revoke = false;
    if (revoke) {
        ch->closed = end_by;
        ch->transferred = -1;
        ch->status = "closed";
        if (ch->plant == ZG_PC_CF04) {
            ch->close_reason = NULL;                               /* no reason, no document */
            return;
        }
        ch->close_reason = "revoked";
        char doc[64];
        snprintf(doc, sizeof doc, "%s公（刑）撤字〔%d〕%05lld号", g->units[ch->police_unit].abbr,
                 year_of(end_by), (long long)(i % 100000));
        police_event(ch, "12", end_by, doc);                       /* 撤销案件 */
        return;
    }
    ch->transferred = end_by;
    ch->closed = end_by;
    ch->close_reason = "transferred";
    ch->status = "transferred";
    police_event(ch, "13", end_by, NULL);                          /* 移送审查起诉 */
    if (ch->plant == ZG_PC_TR05)
        ch->declared = false;

    /* ---- procuratorate ---- */
    ch->has_procu = true;
    ch->procu_in_ledger = ch->plant != ZG_PC_CF05;
    ch->procu_no_in_police = ch->plant != ZG_PC_CF05_NEAR && ch->plant != ZG_PC_CF05_PARTY;
    if (ch->plant != ZG_PC_CF05_PARTY)
        snprintf(ch->procu_police_no, sizeof ch->procu_police_no, "%s", ch->case_no);
    else if (pl->twin >= 0) {
        /* two digits of the year transposed (A…2021… as A…0221…): no such case exists */
        snprintf(ch->procu_police_no, sizeof ch->procu_police_no, "%s", ch->case_no);
        char t = ch->procu_police_no[9];
        ch->procu_police_no[9] = ch->procu_police_no[10];
        ch->procu_police_no[10] = t;
    }
    ch->procu_unit = co->procu;
    ch->procu_officer = zg_unit_officer(g, co->procu, "prosecution", &r);
    ch->procu_received = ch->transferred + (2 + (int64_t)zg_below(&r, 40)) * 3600;
    ch->procu_received = ch->procu_received / 60 * 60;
    snprintf(ch->procu_no, sizeof ch->procu_no, "%s检刑诉受〔%d〕%06lld号",
             g->units[co->procu].abbr, year_of(ch->procu_received), (long long)i);
    bool pext = zg_chance(&r, 0.1);
    int64_t pdays = pext ? 31 + (int64_t)zg_below(&r, 13) : 8 + (int64_t)zg_below(&r, 21);
    ch->procu_decided = ch->procu_received + pdays * ZG_DAY + (int64_t)zg_below(&r, 6) * 3600;
    /* within the review limit of calendar months (CPL art. 172: one month, +15 days): a
     * review received on a February evening must not run past its 28-day month */
    int rlim = zg_add_months((int)(ch->procu_received / ZG_DAY), 1) + (pext ? 15 : 0);
    if (ch->procu_decided / ZG_DAY > rlim)
        ch->procu_decided = ZG_T(rlim, 16, 0);
    zg_event *qe = ev_add(ch->qev, &ch->nqev, 6, "受理", ch->procu_received, ch->procu_officer);
    if (pext) {
        qe = ev_add(ch->qev, &ch->nqev, 6, "延长审查起诉期限", ch->procu_received + 28 * ZG_DAY,
                    ch->procu_officer);
        snprintf(qe->approval, sizeof qe->approval, "%s检延审〔%d〕%lld号",
                 g->units[co->procu].abbr, y, (long long)(i % 100000));
        qe->approver = "检察长";
        qe->days = 15;
    }
    if (ch->procu_decided > ZG_ASOF) {
        ch->procu_decision = "pending";
        ch->procu_decided = -1;
        return;
    }
    bool prosecute = zg_chance(&r, 0.92);
    ch->procu_decision = prosecute ? "prosecute" : "not_prosecute";
    ev_add(ch->qev, &ch->nqev, 6, prosecute ? "提起公诉" : "不起诉", ch->procu_decided,
           ch->procu_officer);
    if (!prosecute)
        return;

    /* ---- court, first instance ---- */
    zg_civil *cs = &ch->court;
    cs->c = -1 - i;
    cs->court = co->court;
    cs->type = "刑初";
    cs->cause = ch->cause;
    u = zg_below(&r, 100);
    cs->procedure = u < 30 ? "fast_track" : u < 60 ? "criminal_summary" : "criminal_ordinary";
    int limit = limit_days(cs->procedure, cs->type);
    int fday = zg_workday_on_or_after((int)(ch->procu_decided / ZG_DAY) + 1 + (int)zg_below(&r, 4));
    if (fday > zg_today)
        return;
    ch->has_court = true;
    cs->filed = zg_office_time(&r, fday);
    int ext = strcmp(cs->procedure, "criminal_ordinary") == 0 && zg_chance(&r, 0.1);
    int dur = ext ? limit + 1 + (int)zg_below(&r, 28) : limit * (30 + (int)zg_below(&r, 65)) / 100;
    if (dur < 1)
        dur = 1;
    int cday = zg_workday_on_or_after(fday + dur);
    if (cday - fday >= limit + (ext ? 30 : 0))
        cday = fday + dur;               /* no weekend shift across the deadline */
    int deadline = limit_end(cs->procedure, cs->type, fday) + (ext ? 30 : 0);
    if (cday > zg_today && deadline - zg_today < 20) {
        cday = zg_today - 1 - (int)zg_below(&r, 3);
        if (cday <= fday)
            cday = fday + 1;
        if (cday > zg_today)
            cday = zg_today;
    }
    cs->judge = zg_unit_officer(g, cs->court, "criminal", &r);
    if (cday > zg_today) {
        cs->closed = -1;
        cs->status = "open";
        cs->outcome = NULL;
    } else {
        cs->closed = zg_office_time(&r, cday);
        if (cs->closed <= cs->filed)
            cs->closed = cs->filed + 2 * 3600;
        cs->status = "closed";
        cs->outcome = zg_chance(&r, 0.0005) ? "acquittal" : "conviction";
    }
    case_no(cs->case_no, sizeof cs->case_no, year_of(cs->filed), g->units[cs->court].court_code,
            "刑初", i + 1);
    cs->nparties = 1;
    cs->parties[0] = (zg_party){"defendant", 0, ch->suspect, -1, -1, 0};
    if (zg_chance(&r, 0.6))
        cs->parties[0].lawyer = (int64_t)zg_below(&r, (uint32_t)g->sc.lawyers);
    char appr[80];
    snprintf(appr, sizeof appr, "%s刑审延〔%d〕%lld号", g->units[cs->court].abbr, y,
             (long long)(i % 1000000));
    court_events(g, cs, &r, ext, appr, 0, 0);
}
