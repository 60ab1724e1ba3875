/* province.c - the synthetic province's map and agencies: cities, counties and units (单位).
 *
 * Regions are the real GB/T 2260 codes 61xxxx (Shaanxi) from the region table (region.h):
 * the ten prefecture-level cities and their county-level divisions (the tiny scale keeps the
 * first two cities). Every level gets its agencies, named the way they are named:
 *   province  陕西省高级人民法院, 陕西省人民检察院, 陕西省公安厅, 陕西省司法厅, prisons
 *   city      西安市中级人民法院, 西安市人民检察院, 西安市公安局, 西安市司法局
 *   county    西安市雁塔区人民法院, …人民检察院, 西安市公安局雁塔分局 (districts) or 蓝田县公安局,
 *             …司法局, …社区矫正管理局, and police stations (派出所)
 * Unit codes are an agency letter + the region code + a two-digit sequence (J court, P
 * procuratorate, G police, S justice, C community correction, Y prison). Court case-number
 * codes follow the SPC rules: 陕, 陕01, 陕0113. Each unit has an officer establishment; the
 * officers of unit u are the consecutive indexes [first_officer, first_officer + nofficers).
 */
#include <stdlib.h>
#include <string.h>

#include "gen/internal.h"
#include "text/region.h"

static const char *const station_names[] = {
    "城关", "东关", "西关", "南街", "北街", "新华", "人民路", "解放路", "朝阳", "建设路",
    "和平", "文化路", "中山", "长安", "太白", "丈八", "红旗", "胜利", "光明", "青年路",
    "五一", "东风", "向阳", "站前", "新城", "北关", "南关", "河滨", "沙坡", "张家堡",
};
#define NSTATION_NAMES (sizeof station_names / sizeof station_names[0])

static const char *const ordinals[] = {"第一", "第二", "第三", "第四", "第五", "第六", "第七",
                                       "第八", "第九", "第十", "第十一", "第十二", "第十三",
                                       "第十四", "第十五", "第十六", "第十七", "第十八",
                                       "第十九", "第二十"};

/* Base officer establishment per unit at province scale, by agency and level. */
static int establishment(int agency, int level)
{
    static const int t[ZG_AG_N][4] = {
        /* court   */ {300, 180, 55, 0},
        /* procu   */ {160, 90, 35, 0},
        /* police  */ {500, 600, 120, 0},
        /* station */ {0, 0, 0, 22},
        /* justice */ {150, 60, 25, 0},
        /* cc      */ {0, 0, 8, 0},
        /* prison  */ {350, 0, 0, 0},
    };
    return t[agency][level];
}

static int add_unit(zg *g, int agency, int level, int parent, int region, int county,
                    const char *name, int seq)
{
    static const char letters[] = "JPGGSCY";
    if (g->nunits % 64 == 0) {
        zg_unit *u = realloc(g->units, (size_t)(g->nunits + 64) * sizeof *u);
        if (!u)
            return -1;
        g->units = u;
    }
    zg_unit *u = &g->units[g->nunits];
    memset(u, 0, sizeof *u);
    u->code[0] = letters[agency];
    zg_fmt_int(u->code + 1, region, 6);
    zg_fmt_int(u->code + 7, seq, 2);
    snprintf(u->name, sizeof u->name, "%.*s", (int)(sizeof u->name - 1), name);
    u->agency = agency;
    u->level = level;
    u->parent = parent;
    u->region = region;
    u->county = county;
    int base = establishment(agency, level);
    int n = (int)(base * g->sc.officer_mult + 0.5);
    int min = agency == ZG_AG_COURT || agency == ZG_AG_PROCU ? 4 : 2;
    u->nofficers = n < min ? min : n;
    return g->nunits++;
}

static void short_city(const char *city, char *out, size_t cap)
{
    size_t n = strlen(city);
    if (n > 3 && strcmp(city + n - 3, "市") == 0)
        n -= 3;
    if (n >= cap)
        n = cap - 1;
    memcpy(out, city, n);
    out[n] = '\0';
}

static void first_char(const char *s, char *out)
{
    size_t n = (unsigned char)s[0] >= 0xE0 ? 3 : 1;
    memcpy(out, s, n);
    out[n] = '\0';
}

int zg_province_build(zg *g, zj_error *err)
{
    char name[128];
    zg_rng r;
    /* cities and counties from the region table */
    for (int c = 1; c <= 10 && g->ncities < g->sc.ncities; c++) {
        int code = 610000 + c * 100;
        zj_region reg;
        bool exact;
        if (zj_region_lookup(code, &reg, &exact) != ZJ_REGION_CITY || !exact || !reg.city)
            continue;
        zg_city *ct = &g->cities[g->ncities];
        ct->code = code;
        strncpy(ct->name, reg.city, sizeof ct->name - 1);
        zg_rng_at(&r, g->seed, ZG_S_UNIT, (uint64_t)code);
        double clat = 32.2 + 6.6 * zg_unif(&r), clon = 106.2 + 4.2 * zg_unif(&r);
        for (int k = 1; k < 100; k++) {
            int cc = code + k;
            if (zj_region_lookup(cc, &reg, &exact) != ZJ_REGION_COUNTY || !exact || !reg.county)
                continue;
            if (g->ncounties >= (int)(sizeof g->counties / sizeof g->counties[0]))
                break;
            zg_county *co = &g->counties[g->ncounties++];
            memset(co, 0, sizeof *co);
            co->code = cc;
            co->city = g->ncities;
            strncpy(co->name, reg.county, sizeof co->name - 1);
            zj_region_full_name(cc, co->full, sizeof co->full);
            zg_rng_at(&r, g->seed, ZG_S_UNIT, (uint64_t)cc);
            size_t nl = strlen(co->name);
            bool district = nl >= 3 && strcmp(co->name + nl - 3, "区") == 0;
            co->weight = (district ? 150 : 80) * (c == 1 ? 2 : 1) + (int)zg_below(&r, 60);
            /* county centres on a jittered lattice over the province (31.7-39.6 N, 105.5-111.2
             * E): their Voronoi cells (geography.c) are the county boundaries, each wide
             * enough around its centre for the subjects' homes */
            (void)clat, (void)clon;
            int cell = g->ncounties - 1;
            co->lat = 32.0 + 0.72 * (cell / 10) + (zg_unif(&r) - 0.5) * 0.2;
            co->lon = 105.8 + 0.57 * (cell % 10) + (zg_unif(&r) - 0.5) * 0.2;
        }
        g->ncities++;
    }
    if (g->ncounties == 0)
        return zj_fail(err, ZJ_EDATA, "the region table has no Shaanxi (61xxxx) counties");
    int tot = 0;
    for (int i = 0; i < g->ncounties; i++)
        g->county_cum[i] = tot += g->counties[i].weight;

    /* province level */
    g->court_high = add_unit(g, ZG_AG_COURT, 0, -1, 610000, -1, "陕西省高级人民法院", 0);
    g->procu_prov = add_unit(g, ZG_AG_PROCU, 0, -1, 610000, -1, "陕西省人民检察院", 0);
    g->police_prov = add_unit(g, ZG_AG_POLICE, 0, -1, 610000, -1, "陕西省公安厅", 0);
    g->justice_prov = add_unit(g, ZG_AG_JUSTICE, 0, -1, 610000, -1, "陕西省司法厅", 0);
    if (g->court_high < 0 || g->justice_prov < 0)
        return zj_fail(err, ZJ_EDATA, "out of memory");
    strcpy(g->units[g->court_high].court_code, "陕");
    strcpy(g->units[g->court_high].abbr, "陕");
    strcpy(g->units[g->procu_prov].abbr, "陕");
    strcpy(g->units[g->police_prov].abbr, "陕");
    g->basic_courts = calloc((size_t)g->ncounties, sizeof *g->basic_courts);
    if (!g->basic_courts)
        return zj_fail(err, ZJ_EDATA, "out of memory");

    for (int ci = 0; ci < g->ncities; ci++) {
        zg_city *ct = &g->cities[ci];
        char sc[32], abbr[8];
        short_city(ct->name, sc, sizeof sc);
        first_char(sc, abbr);
        snprintf(name, sizeof name, "%s中级人民法院", ct->name);
        ct->court = add_unit(g, ZG_AG_COURT, 1, g->court_high, ct->code, -1, name, 0);
        snprintf(name, sizeof name, "%s人民检察院", ct->name);
        ct->procu = add_unit(g, ZG_AG_PROCU, 1, g->procu_prov, ct->code, -1, name, 0);
        snprintf(name, sizeof name, "%s公安局", ct->name);
        ct->police = add_unit(g, ZG_AG_POLICE, 1, g->police_prov, ct->code, -1, name, 0);
        snprintf(name, sizeof name, "%s司法局", ct->name);
        ct->justice = add_unit(g, ZG_AG_JUSTICE, 1, g->justice_prov, ct->code, -1, name, 0);
        if (ct->justice < 0)
            return zj_fail(err, ZJ_EDATA, "out of memory");
        snprintf(g->units[ct->court].court_code, 16, "陕%02d", ct->code / 100 % 100);
        strcpy(g->units[ct->court].abbr, abbr);
        strcpy(g->units[ct->procu].abbr, abbr);
        strcpy(g->units[ct->police].abbr, abbr);
        for (int k = 0; k < g->ncounties; k++) {
            zg_county *co = &g->counties[k];
            if (co->city != ci)
                continue;
            char cabbr[8];
            first_char(co->name, cabbr);
            size_t nl = strlen(co->name);
            bool district = nl >= 3 && strcmp(co->name + nl - 3, "区") == 0;
            snprintf(name, sizeof name, "%s%s人民法院", ct->name, co->name);
            co->court = add_unit(g, ZG_AG_COURT, 2, ct->court, co->code, k, name, 0);
            snprintf(name, sizeof name, "%s%s人民检察院", ct->name, co->name);
            co->procu = add_unit(g, ZG_AG_PROCU, 2, ct->procu, co->code, k, name, 0);
            if (district)
                snprintf(name, sizeof name, "%s公安局%.*s分局", ct->name, (int)(nl - 3), co->name);
            else
                snprintf(name, sizeof name, "%s公安局", co->name);
            co->police = add_unit(g, ZG_AG_POLICE, 2, ct->police, co->code, k, name, 0);
            snprintf(name, sizeof name, "%s%s司法局", ct->name, co->name);
            co->justice = add_unit(g, ZG_AG_JUSTICE, 2, ct->justice, co->code, k, name, 0);
            snprintf(name, sizeof name, "%s%s社区矫正管理局", ct->name, co->name);
            co->cc = add_unit(g, ZG_AG_CC, 2, co->justice, co->code, k, name, 0);
            if (co->cc < 0)
                return zj_fail(err, ZJ_EDATA, "out of memory");
            snprintf(g->units[co->court].court_code, 16, "陕%04d", co->code % 10000);
            strcpy(g->units[co->court].abbr, cabbr);
            strcpy(g->units[co->procu].abbr, cabbr);
            strcpy(g->units[co->police].abbr, cabbr);
            g->basic_courts[g->nbasic++] = co->court;
            co->station0 = g->nunits;
            co->nstations = g->sc.stations;
            zg_rng_at(&r, g->seed, ZG_S_UNIT, (uint64_t)co->code * 7);
            int first = (int)zg_below(&r, NSTATION_NAMES);
            for (int s = 0; s < g->sc.stations; s++) {
                const char *pol = g->units[co->police].name;
                snprintf(name, sizeof name, "%s%s派出所", pol,
                         station_names[(first + s) % NSTATION_NAMES]);
                int u = add_unit(g, ZG_AG_STATION, 3, co->police, co->code, k, name, s + 1);
                if (u < 0)
                    return zj_fail(err, ZJ_EDATA, "out of memory");
                strcpy(g->units[u].abbr, cabbr);
            }
        }
    }
    g->prison0 = g->nunits;
    for (int p = 0; p < g->sc.prisons && p < 20; p++) {
        int city = g->cities[p % g->ncities].code;
        snprintf(name, sizeof name, "陕西省%s监狱", ordinals[p]);
        if (add_unit(g, ZG_AG_PRISON, 0, g->justice_prov, city, -1, name, p + 1) < 0)
            return zj_fail(err, ZJ_EDATA, "out of memory");
    }
    g->nprisons = g->nunits - g->prison0;
    int64_t o = 0;
    for (int u = 0; u < g->nunits; u++) {
        g->units[u].first_officer = o;
        o += g->units[u].nofficers;
    }
    g->officers = o;
    return ZJ_OK;
}

void zg_province_free(zg *g)
{
    free(g->units);
    zg_geography_free(g);
    free(g->basic_courts);
    g->units = NULL;
    g->basic_courts = NULL;
}

int zg_pick_county(const zg *g, zg_rng *r)
{
    int x = (int)zg_below(r, (uint32_t)g->county_cum[g->ncounties - 1]);
    int lo = 0, hi = g->ncounties - 1;
    while (lo < hi) {
        int mid = (lo + hi) / 2;
        if (g->county_cum[mid] <= x)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

int zg_unit_of_officer(const zg *g, int64_t o)
{
    int lo = 0, hi = g->nunits - 1;
    while (lo < hi) {
        int mid = (lo + hi + 1) / 2;
        if (g->units[mid].first_officer <= o)
            lo = mid;
        else
            hi = mid - 1;
    }
    return lo;
}
