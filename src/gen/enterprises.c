/* enterprises.c - market entities (市场主体): companies, individual businesses, cooperatives.
 *
 * Enterprise e is a pure function of (seed, e). Its unified social credit code is valid by
 * construction (GB 32100: authority 9 工商, type 1 company / 2 individual business / 3
 * cooperative, the county code, an organization code with its GB 11714 check digit, and
 * the final check character) and unique: the 8-digit organization body is an affine
 * bijection of e. Names look like the real thing: 西安鑫泰商贸有限公司, 雁塔区恒达便利店.
 * Legal representatives, shareholders and finance officers are citizens of the enterprise
 * pool (people.c); indexes past the background range are planted enterprises whose people,
 * county and dates come from the anomaly plan (anomalies.c).
 */
#include <string.h>

#include "gen/anomalies.h"
#include "gen/internal.h"
#include "text/uscc.h"

static const char *const brand[] = {
    "华", "盛", "鑫", "泰", "恒", "宏", "瑞", "达", "兴", "隆", "博", "信", "诚", "通", "源",
    "德", "丰", "润", "嘉", "和", "安", "康", "汇", "凯", "正", "天", "宇", "航", "美", "锦",
    "新", "金", "秦", "长", "远", "佳", "立", "晟", "昌", "融",
};
#define NBRAND (sizeof brand / sizeof brand[0])
static const char *const industry[] = {
    "商贸", "科技", "建筑工程", "餐饮管理", "物流", "房地产开发", "农业发展", "机械设备",
    "文化传媒", "信息技术", "医药", "建材", "环保科技", "劳务", "投资管理", "汽车销售",
};
#define NIND (sizeof industry / sizeof industry[0])
static const char *const shop[] = {"便利店", "餐馆", "汽车修理部", "五金店", "服装店",
                                   "理发店", "水果店", "烟酒商行", "药店", "面馆"};
#define NSHOP (sizeof shop / sizeof shop[0])

void zg_eid(int64_t e, char out[16])
{
    out[0] = 'E';
    zg_fmt_int(out + 1, e, 8);
}

int64_t zg_enterprises_total(const zg *g)
{
    return g->sc.enterprises + zg_plan_nents(g);
}

static void make_uscc(int64_t e, char type, int county_code, char out[19])
{
    static const int ow[8] = {3, 7, 9, 10, 5, 8, 4, 2};
    uint64_t body = (54435761ull * (uint64_t)e + 12345678u) % 100000000u;
    char *p = out;
    p[0] = '9';
    p[1] = type;
    zg_fmt_int(p + 2, county_code, 6);
    zg_fmt_int(p + 8, (int64_t)body, 8);
    int s = 0;
    for (int i = 0; i < 8; i++)
        s += (p[8 + i] - '0') * ow[i];
    int c = 11 - s % 11;
    p[16] = c == 10 ? 'X' : c == 11 ? '0' : (char)('0' + c);
    p[17] = zj_uscc_check_char(p);
    p[18] = '\0';
}

void zg_mk_enterprise(const zg *g, int64_t e, zg_enterprise *out)
{
    memset(out, 0, sizeof *out);
    out->e = e;
    zg_rng r;
    zg_rng_at(&r, g->seed, ZG_S_ENTERPRISE, (uint64_t)e);
    const zg_pent *pe = e >= g->sc.enterprises ? zg_plan_ent(g, e) : NULL;
    unsigned u = zg_below(&r, 100);
    out->kind = pe ? "company" : u < 70 ? "company" : u < 98 ? "individual_business"
                                                             : "cooperative";
    char type = out->kind[0] == 'c' && out->kind[1] == 'o' && out->kind[2] == 'm' ? '1'
              : out->kind[0] == 'i' ? '2' : '3';
    out->county = pe ? pe->county : zg_pick_county(g, &r);
    const zg_county *co = &g->counties[out->county];
    make_uscc(e, type, co->code, out->uscc);
    /* two different brand words; the second redrawn among the others (by index: the
     * distance between two string literals' addresses differs from build to build) */
    size_t i1 = zg_below(&r, NBRAND), i2 = zg_below(&r, NBRAND);
    if (i2 == i1)
        i2 = (zg_below(&r, NBRAND - 1) + 1 + i1) % NBRAND;
    const char *b1 = brand[i1], *b2 = brand[i2];
    out->industry = industry[zg_below(&r, NIND)];
    char city[32];
    strcpy(city, g->cities[co->city].name);
    size_t cl = strlen(city);
    if (cl > 3)
        city[cl - 3] = '\0';     /* 西安市 -> 西安 */
    if (type == '2')
        snprintf(out->name, sizeof out->name, "%s%s%s%s", co->name, b1, b2,
                 shop[zg_below(&r, NSHOP)]);
    else if (type == '3')
        snprintf(out->name, sizeof out->name, "%s%s%s种植专业合作社", co->name, b1, b2);
    else
        snprintf(out->name, sizeof out->name, "%s%s%s%s%s", city, b1, b2, out->industry,
                 zg_chance(&r, 0.85) ? "有限公司" : "有限责任公司");
    static const double caps[] = {3, 10, 50, 100, 200, 500, 1000, 3000, 5000};
    out->capital = type == '2' ? (double)(1 + zg_below(&r, 20)) : caps[zg_below(&r, 9)];
    out->established = (int)zg_range(&r, zg_days(1998, 1, 1), zg_days(2021, 10, 31));
    out->established = zg_workday_on_or_after(out->established);
    out->deregistered = -1;
    if (out->established < zg_days(2020, 1, 1) && zg_chance(&r, 0.12))
        out->deregistered = zg_workday_on_or_after(
            (int)zg_range(&r, out->established + 365, zg_today - 10));
    /* people: citizens of the enterprise pool (k mod 8 == 6) */
    int64_t pool = g->sc.citizens / 8;
    uint64_t idx = (uint64_t)e * 3;
    out->legal_rep = 8 * (int64_t)((2654435761ull * idx + 97) % (uint64_t)pool) + 6;
    out->holders[0] = out->holders[1] = out->holders[2] = -1;
    if (type == '1') {
        int nh = 1 + (int)zg_below(&r, 3);
        double left = 100;
        out->holders[0] = out->legal_rep;
        for (int h = 1; h < nh; h++)
            out->holders[h] = 8 * (int64_t)((2654435761ull * (idx + (uint64_t)h) + 97) %
                                            (uint64_t)pool) + 6;
        for (int h = 0; h < nh; h++) {
            double s = h == nh - 1 ? left : (double)(int)(left * (0.3 + 0.4 * zg_unif(&r)));
            out->share[h] = s;
            left -= s;
        }
    }
    out->finance = 8 * (int64_t)((40503ull * (uint64_t)(e + g->sc.enterprises * 3) + 11) %
                                 (uint64_t)pool) + 6;
    out->taxed = type == '2' ? zg_chance(&r, 0.4) : zg_chance(&r, 0.85);
    if (pe) {
        out->legal_rep = pe->legal_rep;
        out->holders[0] = pe->legal_rep;
        out->share[0] = pe->holder >= 0 ? 60 : 100;
        out->holders[1] = pe->holder;
        out->share[1] = pe->holder >= 0 ? 40 : 0;
        out->holders[2] = -1;
        out->established = pe->established;
        out->deregistered = pe->deregistered;
        out->taxed = true;
    }
    if (out->holders[0] < 0)           /* individual businesses: the operator */
        out->holders[0] = out->legal_rep;
}
