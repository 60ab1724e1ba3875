/* people.c - persons, officers and their close relatives (人员、干警、近亲属).
 *
 * Person k is a pure function of (seed, k). Its resident ID is unique by construction: an
 * affine bijection maps k to a (birth day, three-digit sequence) pair in a domain of
 * 22,645 days (1941-01-01 .. 2002-12-31, adults aged 19-80 on the reference date) x 1,000
 * sequences, so no two persons share birth day and sequence; the sequence's parity gives the
 * sex (odd = male), the region part is the person's county of registration, and the check
 * character follows GB 11643. Names follow the real frequency tables (names.c).
 *
 * The person index space is partitioned so that background data never connects people by
 * accident (which would make detectors "find" anomalies nobody planted):
 *   [0, citizens)               citizens; by k mod 8 each serves one kind of role only
 *                               (0-2 civil parties, 3 enforcement respondents, 4 suspects and
 *                               victims, 5 callers and complainants, 6 enterprise people,
 *                               7 interference actors)
 *   officers                    officer o draws from its own 16 candidates (age 24-58)
 *   relatives                   relation r of officer o draws from its own 32 candidates
 *                               (a spouse of the other sex within 8 years, a child 22-38
 *                               years younger, the child's spouse, a parent)
 *   lawyers, prisoners, community-correction subjects, planted persons: blocks of their own.
 */
#include <stdio.h>
#include <string.h>

#include "gen/anomalies.h"
#include "gen/internal.h"
#include "text/region.h"
#include "text/resident_id.h"

#define NDAYS 22645                         /* 1941-01-01 .. 2002-12-31 */
#define NSLOTS ((uint64_t)NDAYS * 1000u)
#define OFF_CAND 16
#define REL_CAND 32

const char *const zg_rel_names[ZG_REL_N] = {"spouse", "child", "child_spouse", "parent"};

static uint64_t affine_a(void)
{
    static uint64_t a;
    if (!a) {
        uint64_t x = 2654435761u % NSLOTS;
        for (;; x++) {
            uint64_t p = x, q = NSLOTS;
            while (q) {
                uint64_t t = p % q;
                p = q;
                q = t;
            }
            if (p == 1)
                break;
        }
        a = x;
    }
    return a;
}

void zg_pid(int64_t k, char out[16])
{
    out[0] = 'P';
    zg_fmt_int(out + 1, k, 8);
}

void zg_mk_person(const zg *g, int64_t k, zg_person *p)
{
    uint64_t j = (affine_a() * (uint64_t)k + 7919u) % NSLOTS;
    int day = (int)(j / 1000), seq = (int)(j % 1000);
    p->k = k;
    p->birth = zg_days(1941, 1, 1) + day;
    p->sex = seq & 1 ? 'M' : 'F';
    zg_rng r;
    zg_rng_at(&r, g->seed, ZG_S_PERSON, (uint64_t)k);
    p->county = zg_pick_county(g, &r);
    zg_name(&r, p->sex, p->name);
    int y, m, d;
    zg_ymd(p->birth, &y, &m, &d);
    char *id = p->id;
    zg_fmt_int(id, g->counties[p->county].code, 6);
    zg_fmt_int(id + 6, y, 4);
    zg_fmt_int(id + 10, m, 2);
    zg_fmt_int(id + 12, d, 2);
    zg_fmt_int(id + 14, seq, 3);
    id[17] = zj_resident_id_check_char(id);
    id[18] = '\0';
    static const char *const pre[] = {"13", "15", "18", "17", "19", "13", "15", "18"};
    const char *pp = pre[zg_below(&r, 8)];
    p->phone[0] = pp[0];
    p->phone[1] = pp[1];
    zg_fmt_int(p->phone + 2, (int64_t)zg_below(&r, 1000000000u), 9);
    /* a planted namesake: another person's name, everywhere this person appears */
    for (int i = 0; g->plan && i < g->plan->nsame_name; i++)
        if (g->plan->same_name[i].k == k) {
            zg_person o;
            zg_mk_person(g, g->plan->same_name[i].as, &o);
            memcpy(p->name, o.name, sizeof p->name);
        }
}

static const char *const streets[] = {
    "人民路", "解放路", "建设路", "文化路", "长安路", "和平路", "东大街", "西大街", "南大街",
    "北大街", "新华路", "朝阳路", "幸福路", "友谊路", "太白路", "兴庆路", "光华路", "团结路",
    "迎宾大道", "滨河路", "中山路", "育才路", "胜利街", "青年路", "工农路", "车站路",
};

static void household(const zg *g, int64_t k, int county, char out[160], bool other_flat);

void zg_address(const zg *g, int64_t k, int county, char out[160])
{
    /* a planted neighbour: the building of the person he lives beside, another flat */
    for (int i = 0; g->plan && i < g->plan->nneighbour; i++)
        if (g->plan->neighbour[i].k == k) {
            zg_person o;
            zg_mk_person(g, g->plan->neighbour[i].of, &o);
            household(g, o.k, o.county, out, true);
            return;
        }
    household(g, k, county, out, false);
}

bool zg_former_address(const zg *g, int64_t k, int county, char out[160])
{
    uint64_t h = zg_mix((uint64_t)k ^ (g->seed << 20) ^ 0xF0A3E5ull);
    if (h % 3)
        return false;
    household(g, k ^ 0x2468ACE0ll, county, out, false);
    return true;
}

/* The address as a party's record writes it: often without the province, or without the
 * province and city (送达地址 as the party gave it), sometimes in full-width digits, the
 * building as 3栋1201 instead of 3号楼1201室, spaces; and now and then an address the person
 * has since left (a former home: not the household register's). */
void zg_address_written(const zg *g, int64_t k, int county, uint64_t salt, char out[160])
{
    zg_rng r;
    zg_rng_at(&r, g->seed, ZG_S_DIRT, zg_mix((uint64_t)k * 0x9E3779B97F4A7C15ull ^ salt ^ 0xADD));
    char a[160];
    /* a former home: a third of the people have moved (and the register records where
     * from), and they give the old address on one record in eight - 4% of all */
    if (zg_chance(&r, 0.12) && zg_former_address(g, k, county, a))
        ;
    else
        zg_address(g, k, county, a);
    const char *s = a;
    double u = zg_unif(&r);
    char pre[96];
    int code = g->counties[county].code;
    size_t drop = 0;
    if (u < 0.30)
        drop = zj_region_full_name(code / 10000 * 10000, pre, sizeof pre);   /* 陕西省 */
    else if (u < 0.45)
        drop = zj_region_full_name(code / 100 * 100, pre, sizeof pre);       /* 陕西省西安市 */
    if (drop && drop < sizeof pre && !strncmp(s, pre, drop))
        s += drop;
    bool full = zg_chance(&r, 0.08), dong = zg_chance(&r, 0.10), space = zg_chance(&r, 0.05);
    char *o = out, *end = out + 159;
    for (; *s && o + 4 < end; s++) {
        if (dong && !strncmp(s, "号楼", 6)) {
            memcpy(o, "栋", 3);
            o += 3;
            s += 5;
            continue;
        }
        if (dong && !strncmp(s, "室", 3)) {
            s += 2;
            continue;
        }
        if (space && !strncmp(s, "区", 3)) {
            memcpy(o, "区 ", 4);
            o += 4;
            s += 2;
            space = false;
            continue;
        }
        if (full && *s >= '0' && *s <= '9') {
            *o++ = (char)0xEF;
            *o++ = (char)0xBC;
            *o++ = (char)(0x90 + (*s - '0'));
            continue;
        }
        *o++ = *s;
    }
    *o = '\0';
}

static void household(const zg *g, int64_t k, int county, char out[160], bool other_flat)
{
    zg_rng r;
    zg_rng_at(&r, g->seed, ZG_S_PERSON, (uint64_t)k ^ 0x5A5A5A5Aull);
    const char *st = streets[zg_below(&r, sizeof streets / sizeof streets[0])];
    char *p = out;
    size_t n = strlen(g->counties[county].full);
    memcpy(p, g->counties[county].full, n);
    p += n;
    n = strlen(st);
    memcpy(p, st, n);
    p += n;
    p += zg_fmt_int(p, 1 + zg_below(&r, 300), 1);
    memcpy(p, "号", 3);
    p += 3;
    if (zg_chance(&r, 0.6) || other_flat) {
        p += zg_fmt_int(p, 1 + zg_below(&r, 30), 1);
        memcpy(p, "号楼", 6);
        p += 6;
        p += zg_fmt_int(p, 101 + zg_below(&r, 2400) + (other_flat ? 2401 : 0), 1);
        memcpy(p, "室", 3);
        p += 3;
    }
    *p = '\0';
}

static int age_on(int birth, int day)
{
    int by, bm, bd, y, m, d;
    zg_ymd(birth, &by, &bm, &bd);
    zg_ymd(day, &y, &m, &d);
    return y - by - (m < bm || (m == bm && d < bd));
}

/* ---- officers ---------------------------------------------------------------------------- */

static const char *const areas_court[] = {"criminal", "civil", "civil", "enforcement", "civil",
                                          "administrative"};
static const char *const areas_procu[] = {"prosecution", "prosecution", "criminal", "civil"};

static const char *area_of(int agency, int slot)
{
    switch (agency) {
    case ZG_AG_COURT: return areas_court[(slot + 4) % 6];   /* slot 2 criminal, 3 civil */
    case ZG_AG_PROCU: return areas_procu[slot % 4];
    case ZG_AG_POLICE:
    case ZG_AG_STATION: return "investigation";
    default: return "corrections";
    }
}

static const char *position_of(int agency, int level, int slot)
{
    static const char *const lead[ZG_AG_N][2] = {
        {"院长", "副院长"}, {"检察长", "副检察长"}, {"局长", "副局长"}, {"所长", "教导员"},
        {"局长", "副局长"}, {"局长", "副局长"}, {"监狱长", "副监狱长"},
    };
    if (slot < 2)
        return level == 0 && agency == ZG_AG_POLICE ? (slot ? "副厅长" : "厅长")
             : level == 0 && agency == ZG_AG_JUSTICE ? (slot ? "副厅长" : "厅长")
                                                    : lead[agency][slot];
    switch (agency) {
    case ZG_AG_COURT: return slot % 3 == 2 ? "法官助理" : slot % 7 == 3 ? "庭长" : "审判员";
    case ZG_AG_PROCU: return slot % 3 == 2 ? "检察官助理" : slot % 7 == 3 ? "部门主任" : "检察官";
    case ZG_AG_POLICE: return slot % 5 == 2 ? "大队长" : "民警";
    case ZG_AG_STATION: return slot % 6 == 2 ? "警长" : "民警";
    case ZG_AG_PRISON: return slot % 8 == 2 ? "监区长" : "狱警";
    default: return slot % 4 == 2 ? "科长" : "科员";
    }
}

static const char *rank_of(int agency, int slot)
{
    static const char *const court[] = {"二级高级法官", "一级法官", "二级法官", "三级法官",
                                        "四级法官"};
    static const char *const procu[] = {"二级高级检察官", "一级检察官", "二级检察官",
                                        "三级检察官", "四级检察官"};
    static const char *const police[] = {"一级警长", "二级警长", "三级警长", "一级警员",
                                         "二级警员"};
    static const char *const civil[] = {"一级主任科员", "二级主任科员", "三级主任科员",
                                        "一级科员", "二级科员"};
    int i = slot < 2 ? 0 : 1 + slot % 4;
    switch (agency) {
    case ZG_AG_COURT: return court[i];
    case ZG_AG_PROCU: return procu[i];
    case ZG_AG_POLICE:
    case ZG_AG_STATION:
    case ZG_AG_PRISON: return police[i];
    default: return civil[i];
    }
}

void zg_mk_officer(const zg *g, int64_t o, zg_officer *out)
{
    static const char *const prefix[ZG_AG_N] = {"FG", "JC", "", "", "SF", "SJ", "JY"};
    memset(out, 0, sizeof *out);
    out->o = o;
    out->unit = zg_unit_of_officer(g, o);
    const zg_unit *u = &g->units[out->unit];
    out->slot = (int)(o - u->first_officer);
    /* the person: first of the officer's candidates aged 24-58 */
    int64_t base = g->pb_officer + o * OFF_CAND;
    out->person = base + OFF_CAND - 1;
    for (int j = 0; j < OFF_CAND; j++) {
        zg_person p;
        zg_mk_person(g, base + j, &p);
        int a = age_on(p.birth, zg_today);
        if (a >= 24 && a <= 58) {
            out->person = base + j;
            break;
        }
    }
    char *n = out->officer_no;
    size_t pl = strlen(prefix[u->agency]);
    memcpy(n, prefix[u->agency], pl);
    zg_fmt_int(n + pl, 6100000 + o, 7);
    out->position = position_of(u->agency, u->level, out->slot);
    out->rank = rank_of(u->agency, out->slot);
    out->area = area_of(u->agency, out->slot);
    out->leader = out->slot < 2;
    zg_rng r;
    zg_rng_at(&r, g->seed, ZG_S_OFFICER, (uint64_t)o);
    zg_person p;
    zg_mk_person(g, out->person, &p);
    int earliest = p.birth + 23 * 365;
    int from = zg_days(2003, 1, 1) > earliest ? zg_days(2003, 1, 1) : earliest;
    if (zg_chance(&r, 0.15) || from > zg_days(2018, 12, 31))
        out->start = (int)zg_range(&r, zg_span_start, zg_days(2021, 6, 30));
    else
        out->start = (int)zg_range(&r, from, zg_days(2018, 12, 31));
    out->start = zg_workday_on_or_after(out->start);
    out->end = -1;
    out->status = "active";
    if (zg_chance(&r, 0.06) && out->start + 200 < zg_today - 30) {
        out->end = (int)zg_range(&r, out->start + 200 > zg_span_start ? out->start + 200
                                                                      : zg_span_start,
                                 zg_today - 30);
        out->status = zg_chance(&r, 0.7) ? "transferred" : "retired";
    }
}

bool zg_officer_in_post(const zg_officer *o, int day)
{
    return o->start <= day && (o->end < 0 || o->end >= day);
}

int64_t zg_unit_officer(const zg *g, int u, const char *area, zg_rng *r)
{
    const zg_unit *un = &g->units[u];
    if (un->nofficers <= 2)
        return un->first_officer;
    int n = un->nofficers - 2;
    int s = (int)zg_below(r, (uint32_t)n);
    for (int i = 0; i < n; i++) {
        int slot = 2 + (s + i) % n;
        if (!area || strcmp(area_of(un->agency, slot), area) == 0)
            return un->first_officer + slot;
    }
    return un->first_officer + 2 + s;
}

/* ---- relatives --------------------------------------------------------------------------- */

/* How far candidate p is from fitting relation `rel` to `to` (0 = fits). */
static int misfit(const zg_person *p, const zg_person *to, int rel)
{
    int dy = (p->birth - to->birth) / 365;     /* positive: p is younger */
    int bad = 0;
    switch (rel) {
    case ZG_REL_SPOUSE:
    case ZG_REL_CHILD_SPOUSE:
        bad = (p->sex == to->sex) * 20 + (dy > 8 ? dy - 8 : dy < -8 ? -8 - dy : 0);
        break;
    case ZG_REL_CHILD:
        bad = dy < 22 ? 22 - dy : dy > 38 ? dy - 38 : 0;
        break;
    case ZG_REL_PARENT:
        bad = -dy < 20 ? 20 + dy : -dy > 38 ? -dy - 38 : 0;
        break;
    }
    return bad;
}

bool zg_relative(const zg *g, const zg_officer *o, int rel, zg_person *p)
{
    zg_person self;
    zg_mk_person(g, o->person, &self);
    int age = age_on(self.birth, zg_today);
    zg_rng r;
    zg_rng_at(&r, g->seed, ZG_S_RELATIVE, (uint64_t)o->o * 4 + (uint64_t)rel);
    double u = zg_unif(&r);
    const zg_person *to = &self;
    zg_person child;
    switch (rel) {
    case ZG_REL_SPOUSE:
        if (age < 26 || u >= 0.88)
            return false;
        break;
    case ZG_REL_CHILD:
        if (age < 45 || u >= 0.75)
            return false;
        break;
    case ZG_REL_CHILD_SPOUSE:
        if (!zg_relative(g, o, ZG_REL_CHILD, &child) || age_on(child.birth, zg_today) < 24 ||
            u >= 0.55)
            return false;
        to = &child;
        break;
    case ZG_REL_PARENT:
        if (age > 55 || u >= 0.45)
            return false;
        break;
    }
    int64_t base = g->pb_relative + (o->o * 4 + rel) * REL_CAND;
    int best = 1 << 30;
    int64_t bestk = base;
    for (int j = 0; j < REL_CAND && best; j++) {
        zg_person c;
        zg_mk_person(g, base + j, &c);
        int m = misfit(&c, to, rel);
        if (rel == ZG_REL_CHILD && age_on(c.birth, zg_today) < 19)
            m += 50;
        if (m < best) {
            best = m;
            bestk = base + j;
        }
    }
    zg_mk_person(g, bestk, p);
    return true;
}

/* Where someone who approached an officer works, as the officer records it (干预人单位、职务):
 * a leading cadre of a named organ of the person's county with a post (the same for every
 * record of that person), a colleague ("本院", a court or procuratorate post), or a party's
 * relative (no unit). */
void zg_actor_post(const zg *g, int64_t k, int category, char unit[96], char post[32])
{
    static const char *const organs[] = {"住房和城乡建设局", "自然资源局", "财政局", "交通运输局",
                                         "市场监督管理局", "发展和改革委员会", "人民政府办公室",
                                         "教育局", "卫生健康委员会", "城市管理和综合执法局"};
    static const char *const leaders[] = {"局长", "副局长", "主任", "副主任", "党组书记", "科长"};
    static const char *const colleagues[] = {"审判员", "庭长", "副庭长", "书记员", "检察员"};
    zg_person p;
    zg_mk_person(g, k, &p);
    uint64_t h = zg_mix((uint64_t)k * 0x9E3779B97F4A7C15ull ^ 0xAC70Bull);
    if (category == 0) {
        snprintf(unit, 96, "%s%s", g->counties[p.county].name,
                 organs[h % (sizeof organs / sizeof organs[0])]);
        snprintf(post, 32, "%s", leaders[(h >> 20) % (sizeof leaders / sizeof leaders[0])]);
    } else if (category == 1) {
        snprintf(unit, 96, "本院");
        snprintf(post, 32, "%s", colleagues[(h >> 20) % (sizeof colleagues / sizeof colleagues[0])]);
    } else {
        snprintf(unit, 96, "当事人亲属");
        snprintf(post, 32, "无");
    }
}
