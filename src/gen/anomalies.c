/* anomalies.c - plant every detector's anomalies (and near misses) and write truth.jsonl.
 *
 * For each detector code of docs/domain.md section 3 the plan adds records that break the rule the
 * way it is broken in practice - never a flag column or a magic value - and, where the rule
 * has a lawful look-alike, a near miss that must not fire (a relative's company closed
 * before the officer took up the post, a delay covered by an approved extension, a leave
 * covering a trip ...). Counts are max(minimum, rate x base) per code; docs/truth.md states
 * each code's mechanism, rate and the subject record a lead must point at.
 */
#include <stdlib.h>
#include <string.h>

#include "gen/anomalies.h"
#include "gen/exports.h"
#include "gen/internal.h"

/* ---- plan storage ------------------------------------------------------------------------ */

#define PUSH(arr, n, item)                                                                 \
    do {                                                                                   \
        void *np_ = realloc((arr), (size_t)((n) + 1) * sizeof *(arr));                     \
        if (!np_)                                                                          \
            return -1;                                                                     \
        (arr) = np_;                                                                       \
        (arr)[(n)++] = (item);                                                             \
    } while (0)

int64_t zg_plan_nents(const zg *g)
{
    return g->plan ? g->plan->nents : 0;
}

const zg_pent *zg_plan_ent(const zg *g, int64_t e)
{
    return &g->plan->ents[e - g->sc.enterprises];
}

static int month_cmp(const void *a, const void *b)
{
    const zg_pmonth *x = a, *y = b;
    if (x->officer != y->officer)
        return x->officer < y->officer ? -1 : 1;
    return x->month - y->month;
}

const zg_pmonth *zg_plan_month(const zg *g, int64_t officer, int month)
{
    const zg_plan *p = g->plan;
    int lo = 0, hi = p->nmonths;
    while (lo < hi) {
        int mid = (lo + hi) / 2;
        const zg_pmonth *m = &p->months[mid];
        if (m->officer < officer || (m->officer == officer && m->month < month))
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo < p->nmonths && p->months[lo].officer == officer && p->months[lo].month == month)
        return &p->months[lo];
    return NULL;
}

bool zg_plan_complained(const zg *g, int64_t officer)
{
    for (int i = 0; i < g->plan->ncomplained; i++)
        if (g->plan->complained[i] == officer)
            return true;
    return false;
}

void zg_plan_free(zg *g)
{
    zg_plan *p = g->plan;
    if (!p)
        return;
    free(p->ents);
    free(p->cases);
    free(p->chains);
    free(p->months);
    free(p->complaints);
    free(p->complained);
    free(p->scs);
    free(p->ccs);
    free(p);
    g->plan = NULL;
}

/* ---- helpers ----------------------------------------------------------------------------- */

/* The plan proper. Truth entries are written afterwards (write_truth), once every planted
 * record exists and its key can be computed by the same builders the emitters use. */
typedef struct entry {
    const char *code;
    bool near;
    int kind;                    /* what to compute for the truth: see write_truth */
    int64_t a, b, c2, d;         /* parameters (officer, enterprise, case ...) */
    int64_t list[32];
    int nlist;
    const char *note;
} entry;


typedef struct ctx {
    zg *g;
    zg_plan *p;
    zg_rng r;
    int64_t next_person;         /* planted persons */
    int64_t *used;               /* officers already given an anomaly */
    int nused;
    entry *entries;              /* what truth.jsonl will say */
    int nentries;
} ctx;

static int add_entry(ctx *c, const entry *e)
{
    PUSH(c->entries, c->nentries, *e);
    return 0;
}

static int count(const ctx *c, double rate, double base, int min)
{
    int n = (int)(rate * base * c->g->sc.anomaly_rate + 0.5);
    return n < min ? min : n;
}

static int64_t new_person(ctx *c)
{
    return c->next_person++;
}

static bool used(const ctx *c, int64_t o)
{
    for (int i = 0; i < c->nused; i++)
        if (c->used[i] == o)
            return true;
    return false;
}

/* An officer of `agency` (-1: court, procuratorate or police), at county level when
 * `county_level`, in post over the whole span (or, with `late_start`, having started in
 * 2010-2018), in business `area` (NULL: any), not used before. -1 when none found. */
static int64_t pick_officer(ctx *c, int agency, bool county_level, const char *area,
                            bool late_start)
{
    zg *g = c->g;
    for (int tries = 0; tries < 20000; tries++) {
        int64_t o = (int64_t)(zg_next(&c->r) % (uint64_t)g->officers);
        zg_officer off;
        zg_mk_officer(g, o, &off);
        const zg_unit *u = &g->units[off.unit];
        int ag = u->agency == ZG_AG_STATION ? ZG_AG_POLICE : u->agency;
        if (agency >= 0 ? ag != agency : ag > ZG_AG_POLICE)
            continue;
        if (county_level && u->county < 0)
            continue;
        if (area && strcmp(off.area, area) != 0)
            continue;
        if (off.end >= 0 || off.start > zg_span_start)
            continue;
        if (late_start && off.start < zg_days(2010, 1, 1))
            continue;
        if (off.slot < 2 || used(c, o))
            continue;
        int64_t *nu = realloc(c->used, (size_t)(c->nused + 1) * sizeof *nu);
        if (!nu)
            return -1;
        c->used = nu;
        c->used[c->nused++] = o;
        return o;
    }
    return -1;
}

static int officer_county(const zg *g, const zg_officer *o)
{
    int k = g->units[o->unit].county;
    return k >= 0 ? k : 0;
}

static const char *officer_system(const zg *g, int64_t o)
{
    int ag = g->units[zg_unit_of_officer(g, o)].agency;
    return ag == ZG_AG_COURT ? "court_hr" : ag == ZG_AG_PROCU ? "procu_hr"
         : ag == ZG_AG_POLICE || ag == ZG_AG_STATION ? "police_hr" : "justice_hr";
}

static zg_ref r_officer(const zg *g, int64_t o)
{
    zg_ref r = {"officer", officer_system(g, o), ""};
    zg_officer_key(g, o, r.key, sizeof r.key);
    return r;
}

static zg_ref r_relative(const zg *g, int64_t o, int rel, int birth)
{
    zg_ref r = {"officer_relative", "cadre_report", ""};
    char no[16], bd[24];
    zg_officer_key(g, o, no, sizeof no);
    zg_key_time((int64_t)birth * ZG_DAY, ZG_DOT_DATE, false, bd);
    zg_key(r.key, sizeof r.key, 3, no, zg_rel_names[rel], bd);
    return r;
}

static zg_ref r_ent(const zg *g, int64_t e)
{
    zg_ref r = {"enterprise", "samr", ""};
    zg_enterprise en;
    zg_mk_enterprise(g, e, &en);
    strcpy(r.key, en.uscc);
    return r;
}

static zg_ref r_role(const zg *g, int64_t e, const char *role, int64_t person)
{
    zg_ref r = {"enterprise_role", "samr", ""};
    zg_enterprise en;
    zg_mk_enterprise(g, e, &en);
    zg_person p;
    zg_mk_person(g, person, &p);
    zg_key(r.key, sizeof r.key, 3, en.uscc, role, p.id);
    return r;
}

static zg_ref r_case(const zg *g, int64_t c)
{
    zg_ref r = {"court_case", "court_cms", ""};
    zg_civil cs;
    zg_civil_case(g, c, &cs);
    strcpy(r.key, cs.case_no);
    return r;
}

static zg_ref r_party(const zg *g, int64_t c, int k)
{
    zg_ref r = {"case_party", "court_cms", ""};
    zg_civil cs;
    zg_civil_case(g, c, &cs);
    const zg_party *pa = &cs.parties[k];
    char name[128];
    if (pa->is_ent == 1) {
        zg_enterprise en;
        zg_mk_enterprise(g, pa->idx, &en);
        strcpy(name, en.name);
    } else {
        zg_person p;
        zg_mk_person(g, pa->idx, &p);
        strcpy(name, p.name);
    }
    zg_key(r.key, sizeof r.key, 4, "court", cs.case_no, pa->role, name);
    return r;
}

static zg_ref r_chain_case(const zg *g, int64_t i)
{
    zg_ref r = {"police_case", "police_case", ""};
    zg_chain ch;
    zg_mk_chain(g, i, &ch);
    strcpy(r.key, ch.case_no);
    return r;
}

static zg_ref r_person(int64_t k)
{
    zg_ref r = {"person", "hukou", "R"};
    zg_fmt_int(r.key + 1, k, 10);
    return r;
}

static zg_ref r_month(const zg *g, int64_t o, int m, bool record)
{
    int ag = g->units[zg_unit_of_officer(g, o)].agency;
    zg_ref r = {"interference_record", ag == ZG_AG_COURT ? "court_sgd" : "procu_zdsx", ""};
    char no[16];
    zg_officer_key(g, o, no, sizeof no);
    char *p = r.key;
    memcpy(p, record ? "JL" : "LB", 2);
    strcpy(p + 2, no);
    p += strlen(p);
    zg_fmt_int(p, (2019 + m / 12) * 100 + m % 12 + 1, 6);
    return r;
}

/* ---- planting ---------------------------------------------------------------------------- */

static int add_ent(ctx *c, int64_t legal_rep, int64_t holder, int county, int est, int dereg,
                   int64_t *e_out)
{
    zg_pent pe = {legal_rep, holder, county, zg_workday_on_or_after(est),
                  dereg >= 0 ? zg_workday_on_or_after(dereg) : -1};
    *e_out = c->g->sc.enterprises + c->p->nents;
    PUSH(c->p->ents, c->p->nents, pe);
    return 0;
}

static int add_case(ctx *c, const zg_pcase *pc, int64_t *c_out)
{
    *c_out = c->g->sc.civil_cases + c->p->ncases;
    PUSH(c->p->cases, c->p->ncases, *pc);
    return 0;
}

static int add_chain(ctx *c, int kind, int64_t suspect, int64_t *i_out)
{
    zg_pchain pc = {kind, suspect, -1};
    *i_out = c->g->sc.incidents + c->p->nchains;
    PUSH(c->p->chains, c->p->nchains, pc);
    return 0;
}

static int add_month(ctx *c, int64_t o, int m, int action, int64_t actor, int64_t case_c,
                     int late)
{
    zg_pmonth pm = {o, m, action, actor, case_c, late};
    PUSH(c->p->months, c->p->nmonths, pm);
    return 0;
}

static int mark_used(ctx *c, int64_t o)
{
    int64_t *nu = realloc(c->used, (size_t)(c->nused + 1) * sizeof *nu);
    if (!nu)
        return -1;
    c->used = nu;
    c->used[c->nused++] = o;
    return 0;
}

static bool complained(const ctx *c, int64_t o)
{
    for (int i = 0; i < c->p->ncomplained; i++)
        if (c->p->complained[i] == o)
            return true;
    return false;
}

static int add_complained(ctx *c, int64_t o)
{
    PUSH(c->p->complained, c->p->ncomplained, o);
    return 0;
}

/* A basic civil case skeleton at `court`, filed on `day`. */
static zg_pcase civil(ctx *c, int court, const char *cause, const char *procedure, int day,
                      int dur_days, const char *outcome)
{
    zg_pcase pc;
    memset(&pc, 0, sizeof pc);
    pc.court = court;
    pc.type = "民初";
    pc.cause = cause;
    pc.procedure = procedure;
    pc.filed = zg_office_time(&c->r, zg_workday_on_or_after(day));
    pc.closed = dur_days < 0 ? -1 : pc.filed + (int64_t)dur_days * ZG_DAY + 3600;
    pc.outcome = dur_days < 0 ? NULL : outcome;
    pc.judge = zg_unit_officer(c->g, court, "civil", &c->r);
    pc.claim = (double)(20000 + 1000 * (int64_t)zg_below(&c->r, 500));
    return pc;
}

static void party(zg_pcase *pc, const char *role, int is_ent, int64_t idx, int share)
{
    pc->parties[pc->nparties++] = (zg_pparty){role, is_ent, idx, share};
}

static int basic_court(ctx *c)
{
    return c->g->basic_courts[zg_below(&c->r, (uint32_t)c->g->nbasic)];
}

enum { E_TV_ENT = 1, E_TV03, E_TV04, E_MONTH, E_TR03, E_TR04, E_CHAIN, E_CHAIN_FL04, E_CASE,
       E_CASE_LIST, E_CP01, E_SC, E_SC04, E_SC_CLUSTER, E_CC, E_TR01_NEAR };

/* TV04: n officers' spouses as repeated private-lending plaintiffs, four suits about 200 days
 * apart - or, as near misses, three suits 400 days apart: never three within two years. */
static int plan_lenders(ctx *c, int n, bool near)
{
    zg *g = c->g;
    for (int i = 0, made = 0; made < n && i < 200; i++) {
        int64_t o = pick_officer(c, -1, true, NULL, false);
        if (o < 0)
            break;
        zg_officer off;
        zg_mk_officer(g, o, &off);
        zg_person rp;
        if (!zg_relative(g, &off, ZG_REL_SPOUSE, &rp))
            continue;
        int first = near ? zg_days(2019, 3, 1) : zg_days(2020, 1, 6);
        if (off.start > first)
            continue;                                /* every suit while in post */
        entry en = {"TV04", near, E_TV04, o, rp.k, rp.birth, -1, {0}, 0,
                    near ? "officer's spouse sued three different borrowers for private lending, "
                           "400 days apart: never three within the two-year window"
                         : "officer's spouse sued four different borrowers for private lending, "
                           "about 200 days apart"};
        int court = basic_court(c);
        for (int k = 0; k < (near ? 3 : 4); k++) {
            zg_pcase pc = civil(c, court, "民间借贷纠纷", "summary",
                                first + (near ? 400 : 200) * k, 40, "judgment");
            party(&pc, "plaintiff", 0, rp.k, 0);
            party(&pc, "defendant", 0, new_person(c), 0);
            int64_t cc;
            if (add_case(c, &pc, &cc))
                return -1;
            en.list[en.nlist++] = cc;
        }
        if (add_entry(c, &en))
            return -1;
        made++;
    }
    return 0;
}

/* Linking's hard cases: parties written bare (no ID, no phone: only name and address), told
 * apart by their address and by the other party of their cases. Per set: A sued twice by
 * lender L (once with A's ID, once bare, the address written another way) and once by M
 * (bare); B - A's namesake, living in A's building in another flat - sued by the same L
 * (bare). A's three mentions are one person with A's registry row; B is not A. */
static int plan_hard_parties(ctx *c)
{
    zg *g = c->g;
    static const char *const causes[] = {"民间借贷纠纷", "买卖合同纠纷", "房屋租赁合同纠纷",
                                         "服务合同纠纷"};
    for (int set = 0; set < 3 && c->p->nneighbour < 8 && c->p->nsame_name < 16; set++) {
        int64_t a = -1;
        for (int tries = 0; tries < 50 && a < 0; tries++) {
            int64_t k = new_person(c);
            zg_person p;
            zg_mk_person(g, k, &p);
            char addr[160];
            zg_address(g, k, p.county, addr);
            if (strstr(addr, "室"))
                a = k;                        /* a flat, so a neighbour's can differ */
        }
        if (a < 0)
            return 0;
        int64_t b = new_person(c), lender = new_person(c), other = new_person(c);
        c->p->same_name[c->p->nsame_name].k = b;
        c->p->same_name[c->p->nsame_name++].as = a;
        c->p->neighbour[c->p->nneighbour].k = b;
        c->p->neighbour[c->p->nneighbour++].of = a;
        int court = basic_court(c), day = zg_days(2020, 3, 2) + 70 * set;
        struct { int64_t plaintiff, defendant; int bare; } suits[] = {
            {lender, a, 0}, {lender, a, 3}, {other, a, 3}, {lender, b, 3}};
        for (int k = 0; k < 4; k++) {
            zg_pcase pc = civil(c, court, causes[k], "summary", day + 45 * k, 40, "judgment");
            party(&pc, "plaintiff", 0, suits[k].plaintiff, 0);
            party(&pc, "defendant", 0, suits[k].defendant, suits[k].bare);
            int64_t cc;
            if (add_case(c, &pc, &cc))
                return -1;
        }
    }
    return 0;
}

static int plan_tv(ctx *c)
{
    zg *g = c->g;
    double O = (double)g->officers;
    /* TV01: the officer himself holds a role while in post */
    for (int n = count(c, 0.002, O, 2), i = 0; i < n; i++) {
        int64_t o = pick_officer(c, -1, true, NULL, false), e;
        if (o < 0)
            break;
        zg_officer off;
        zg_mk_officer(g, o, &off);
        int est = (int)zg_range(&c->r, zg_days(2019, 3, 1), zg_days(2021, 6, 30));
        if (add_ent(c, off.person, -1, officer_county(g, &off), est, -1, &e))
            return -1;
        entry en = {"TV01", false, E_TV_ENT, o, e, -1, -1, {0}, 0,
                    "officer is the legal representative and shareholder of a company "
                    "established while in post"};
        if (add_entry(c, &en))
            return -1;
    }
    /* TV01 near miss: a company the officer ran was deregistered before joining */
    for (int i = 0; i < 1; i++) {
        int64_t o = pick_officer(c, -1, true, NULL, true), e;
        if (o < 0)
            break;
        zg_officer off;
        zg_mk_officer(g, o, &off);
        if (add_ent(c, off.person, -1, officer_county(g, &off), off.start - 8 * 365,
                    off.start - 400, &e))
            return -1;
        entry en = {"TV01", true, E_TV_ENT, o, e, -1, -1, {0}, 0,
                    "officer's former company was deregistered a year before joining: no role "
                    "while in post"};
        if (add_entry(c, &en))
            return -1;
    }
    /* TV02: spouse, child or child's spouse runs a company in the officer's county */
    int n2 = count(c, 0.004, O, 3);
    for (int i = 0, made = 0; made < n2 + 3 && i < 2000; i++) {
        int which = made < n2 ? 0 : made - n2 + 1;   /* 0 anomaly, 1-2 near misses, 3 parent */
        int64_t o = pick_officer(c, -1, true, NULL, which == 1 || which == 2);
        if (o < 0)
            break;
        zg_officer off;
        zg_mk_officer(g, o, &off);
        int rel = which == 3 ? ZG_REL_PARENT : (int)zg_below(&c->r, 3);
        zg_person rp;
        if (!zg_relative(g, &off, rel, &rp))
            continue;
        int64_t e;
        int est, dereg = -1;
        if (which == 1 || which == 2) {
            est = off.start - 6 * 365;
            dereg = off.start - 200;
        } else
            est = (int)zg_range(&c->r, off.start > zg_days(2015, 1, 1) ? off.start
                                                                      : zg_days(2015, 1, 1),
                                zg_days(2021, 6, 30));
        if (add_ent(c, rp.k, -1, officer_county(g, &off), est, dereg, &e))
            return -1;
        entry en = {"TV02", which != 0, E_TV_ENT, o, e, rel, rp.birth, {0}, 0,
                    which == 0 ? "officer's close relative is legal representative of a company "
                                 "in the officer's jurisdiction while the officer is in post"
                    : which == 3 ? "officer's parent runs a company in the jurisdiction: parents "
                                   "are not among the relations the rule covers"
                                 : "relative's company was deregistered before the officer "
                                   "took up the post"};
        if (add_entry(c, &en))
            return -1;
        made++;
    }
    /* TV03: a civil judge's relative's company is a party in a case of the judge's court */
    for (int n = count(c, 0.2 / 1000, O, 2), i = 0, made = 0; made < n && i < 200; i++) {
        int64_t o = pick_officer(c, ZG_AG_COURT, true, "civil", false);
        if (o < 0)
            break;
        zg_officer off;
        zg_mk_officer(g, o, &off);
        zg_person rp;
        if (!zg_relative(g, &off, ZG_REL_SPOUSE, &rp))
            continue;
        int64_t e, cc;
        if (add_ent(c, rp.k, -1, officer_county(g, &off), zg_days(2018, 5, 10), -1, &e))
            return -1;
        zg_pcase pc = civil(c, off.unit, "买卖合同纠纷", "summary",
                            (int)zg_range(&c->r, zg_days(2020, 1, 1), zg_days(2021, 6, 30)), 50,
                            "judgment");
        pc.judge = o;
        party(&pc, "plaintiff", 1, e, 0);
        party(&pc, "defendant", 0, new_person(c), 0);
        if (add_case(c, &pc, &cc))
            return -1;
        entry en = {"TV03", false, E_TV03, o, e, cc, rp.birth, {0}, 0,
                    "the company of the judge's spouse is the plaintiff in a case the judge tries"};
        entry en2 = {"TV02", false, E_TV_ENT, o, e, ZG_REL_SPOUSE, rp.birth, {0}, 0,
                     "the judge's spouse runs a company in the judge's jurisdiction (see TV03)"};
        if (add_entry(c, &en) || add_entry(c, &en2))
            return -1;
        made++;
    }
    /* TV04: an officer's relative as a repeated private-lending plaintiff. Lending is spread
     * over time, as the independent province showed: four suits about 200 days apart. */
    return plan_lenders(c, count(c, 0.2 / 1000, O, 2), false);
}

static int plan_tr(ctx *c)
{
    zg *g = c->g;
    double O = (double)g->officers;
    /* TR01 / TR02: court and procuratorate officers' monthly reports */
    for (int code = 0; code < 2; code++) {
        int n = count(c, 0.004, O, 3);
        for (int i = 0; i < n + 1; i++) {
            int64_t o = pick_officer(c, i % 2 ? ZG_AG_PROCU : ZG_AG_COURT, false, NULL, false);
            if (o < 0)
                break;
            int m = (int)zg_below(&c->r, 34);
            bool near = i == n;
            int action = code == 0 ? ZG_M_SKIP : near ? ZG_M_ONTIME_5TH : ZG_M_LATE;
            if (code == 0 && near) {
                /* near miss: an officer who joined during the span has no report before */
                continue;
            }
            if (add_month(c, o, m, action, -1, -1, 3 + (int)zg_below(&c->r, 20)))
                return -1;
            entry en = {code ? "TR02" : "TR01", near, E_MONTH, o, m, action, -1, {0}, 0,
                        code == 0 ? "no record and no zero report for a month in post"
                        : near ? "zero report filed on the 5th of the next month, the last day "
                                 "allowed"
                               : "zero report filed after the 5th of the next month"};
            if (add_entry(c, &en))
                return -1;
        }
    }
    /* TR01 near miss: an officer who took up the post during the span */
    for (int tries = 0; tries < 20000; tries++) {
        int64_t o = (int64_t)(zg_next(&c->r) % (uint64_t)g->officers);
        zg_officer off;
        zg_mk_officer(g, o, &off);
        if (g->units[off.unit].agency != ZG_AG_COURT || off.start < zg_days(2019, 6, 1) ||
            off.start > zg_days(2021, 3, 1) || off.end >= 0 || used(c, o))
            continue;
        entry en = {"TR01", true, E_TR01_NEAR, o, -1, -1, -1, {0}, 0,
                    "no reports before the month the officer took up the post: not missing"};
        if (add_entry(c, &en))
            return -1;
        break;
    }
    /* TR03: one actor in the records of four officers - as the independent province showed,
     * a leading cadre of another organ whom only one officer identified by ID; the others
     * wrote name, unit and post */
    for (int n = count(c, 0.1 / 1000, O, 1), i = 0; i < n; i++) {
        int64_t actor = new_person(c);
        entry en = {"TR03", false, E_TR03, actor, -1, -1, -1, {0}, 0,
                    "the same person asked four different judges about cases; three of the "
                    "records name them without an ID"};
        for (int k = 0; k < 4; k++) {
            int64_t o = pick_officer(c, ZG_AG_COURT, false, NULL, false);
            if (o < 0)
                return 0;
            int m = 24 + (int)zg_below(&c->r, 10);
            if (add_month(c, o, m, ZG_M_RECORD, actor, -1,
                          k == 0 ? ZG_ACTOR_WITH_ID : ZG_ACTOR_NAME_ONLY))
                return -1;
            en.list[en.nlist++] = o;
            en.list[en.nlist++] = m;
        }
        if (add_entry(c, &en))
            return -1;
    }
    /* TR04: interference recorded on a criminal case that ended in acquittal */
    int n4 = count(c, 0.15 / 1000, O, 2);
    for (int i = 0; i < n4 + 1; i++) {
        bool near = i == n4;
        int64_t o = pick_officer(c, ZG_AG_COURT, true, "criminal", false), cc;
        if (o < 0)
            break;
        zg_officer off;
        zg_mk_officer(g, o, &off);
        int m = 24 + (int)zg_below(&c->r, 8);
        int day = zg_days(2019 + m / 12, m % 12 + 1, 3);
        zg_pcase pc = civil(c, off.unit, "故意伤害", "criminal_ordinary", day, 45,
                            near ? "conviction" : "acquittal");
        pc.type = "刑初";
        pc.judge = o;
        pc.claim = 0;
        party(&pc, "defendant", 0, new_person(c), 0);
        if (add_case(c, &pc, &cc) || add_month(c, o, m, ZG_M_RECORD, new_person(c), cc, 0))
            return -1;
        entry en = {"TR04", near, E_TR04, o, m, cc, -1, {0}, 0,
                    near ? "interference recorded on a case with an ordinary outcome (conviction)"
                         : "interference recorded on a criminal case that ended in acquittal"};
        if (add_entry(c, &en))
            return -1;
        if (near) {
            /* CP01 second form: a complaint on this case with an interference record */
            zg_pcomplaint pk = {o, pc.closed + 5 * ZG_DAY, cc, new_person(c), -1};
            PUSH(c->p->complaints, c->p->ncomplaints, pk);
            if (add_complained(c, o))
                return -1;
            entry e2 = {"CP01", false, E_CP01, o, c->p->ncomplaints - 1, 1, -1, {0}, 0,
                        "complaint about a case on which an interference was recorded"};
            if (add_entry(c, &e2))
                return -1;
        }
    }
    /* CP01: repeated complaints against one judge */
    int nc = count(c, 0.2 / 1000, O, 2);
    for (int i = 0; i < nc + 1; i++) {
        bool near = i == nc;
        int64_t o = pick_officer(c, ZG_AG_COURT, false, NULL, false);
        if (o < 0)
            break;
        if (add_complained(c, o))
            return -1;
        int k0 = c->p->ncomplaints, nk = near ? 2 : 4;
        int day = zg_days(2021, 2, 1) + (int)zg_below(&c->r, 100);
        /* as the independent province showed, most complaints name the judge, not the
         * number, and write the name as they heard it: traditional, homophone, a stray space */
        static const int forms[] = {-1, ZG_VAR_TRADITIONAL, ZG_VAR_HOMOPHONE, ZG_VAR_SPACES};
        for (int k = 0; k < nk; k++) {
            zg_pcomplaint pk = {o, zg_office_time(&c->r, zg_workday_on_or_after(day + 35 * k)), -1,
                                new_person(c), forms[(k + i) % 4]};
            PUSH(c->p->complaints, c->p->ncomplaints, pk);
        }
        entry en = {"CP01", near, E_CP01, o, k0, nk, -1, {0}, 0,
                    near ? "two complaints against the judge: below the threshold of three"
                         : "four complaints against the same judge within five months, three "
                           "of them by name in a variant form (traditional, homophone, space)"};
        if (add_entry(c, &en))
            return -1;
    }
    /* CP01 near miss: two judges of one court share a name (the second made a namesake of the
     * first); three complaints name it with the court. Which judge they mean cannot be told:
     * no lead. */
    for (int u = 0; u < g->nunits && c->p->nsame_name < 4; u++) {
        const zg_unit *un = &g->units[u];
        if (un->agency != ZG_AG_COURT)
            continue;
        int64_t a = -1, b = -1;
        zg_person pa;
        for (int64_t x = un->first_officer; b < 0 && x < un->first_officer + un->nofficers; x++) {
            zg_officer ox;
            zg_mk_officer(g, x, &ox);
            if (ox.end >= 0 || ox.slot < 2 || used(c, x) || complained(c, x))
                continue;
            zg_person px;
            zg_mk_person(g, ox.person, &px);
            if (a < 0) {
                a = x;
                pa = px;
            } else if (px.sex == pa.sex)
                b = x;
        }
        if (b < 0)
            continue;
        zg_officer ob;
        zg_mk_officer(g, b, &ob);
        zg_officer oa;
        zg_mk_officer(g, a, &oa);
        c->p->same_name[c->p->nsame_name].k = ob.person;
        c->p->same_name[c->p->nsame_name++].as = oa.person;
        if (mark_used(c, a) || mark_used(c, b))
            return -1;
        if (add_complained(c, a) || add_complained(c, b))
            return -1;
        int k0 = c->p->ncomplaints;
        int day = zg_days(2021, 3, 1) + (int)zg_below(&c->r, 60);
        for (int k = 0; k < 3; k++) {
            zg_pcomplaint pk = {a, zg_office_time(&c->r, zg_workday_on_or_after(day + 30 * k)), -1,
                                new_person(c), ZG_VAR_EXACT};
            PUSH(c->p->complaints, c->p->ncomplaints, pk);
        }
        entry en = {"CP01", true, E_CP01, a, k0, 3, -1, {0}, 0,
                    "three complaints name a judge by name and court, but two judges of that "
                    "court bear the name"};
        if (add_entry(c, &en))
            return -1;
        break;
    }
    return 0;
}

static int plan_chains(ctx *c)
{
    static const struct { const char *code; int kind; bool near; const char *note; } k[] = {
        {"CF01", ZG_PC_CF01, false, "criminal 110 incident closed by mediation: never accepted"},
        {"CF02", ZG_PC_CF02, false, "criminal case accepted 40 days ago, still no filing decision"},
        {"CF02", ZG_PC_CF02_NEAR, true, "major case pending 20 days with the county chief's "
                                        "approval for 30 days"},
        {"CF03", ZG_PC_CF03, false, "filed 200 days ago, nothing done since bail"},
        {"CF03", ZG_PC_CF03_NEAR, true, "filed 200 days ago, investigation suspended with "
                                        "approval 40 days after filing (suspect fled)"},
        {"CF04", ZG_PC_CF04, false, "filed case closed without transfer, reason or document"},
        {"CF04", ZG_PC_CF04_NEAR, true, "filed case revoked with a reason and a revocation "
                                        "document"},
        {"CF05", ZG_PC_CF05, false, "transferred for prosecution, absent from the "
                                    "procuratorate's ledger"},
        {"CF05", ZG_PC_CF05_NEAR, true, "transferred; the police record lacks the "
                                        "procuratorate's number but the ledger has the case "
                                        "under the police case number"},
        {"TR05", ZG_PC_TR05, false, "case filed and transferred without the three-regulations "
                                    "declaration"},
        {"TR05", ZG_PC_TR05_NEAR, true, "case still in acceptance review without the "
                                        "declaration: it has not moved on"},
    };
    double I = (double)c->g->sc.incidents;
    for (size_t j = 0; j < sizeof k / sizeof k[0]; j++) {
        int n = k[j].near ? 1 : count(c, 0.0003, I, 2);
        for (int i = 0; i < n; i++) {
            int64_t idx;
            if (add_chain(c, k[j].kind, -1, &idx))
                return -1;
            entry en = {k[j].code, k[j].near, E_CHAIN, idx, k[j].kind, -1, -1, {0}, 0, k[j].note};
            if (add_entry(c, &en))
                return -1;
        }
    }
    /* FL04: the plaintiff of a private-lending suit is a suspect in an open fraud case */
    for (int n = count(c, 0.0001, I, 2), i = 0; i < n; i++) {
        int64_t person = new_person(c), idx, cc;
        if (add_chain(c, ZG_PC_FL04, person, &idx))
            return -1;
        zg_pcase pc = civil(c, basic_court(c), "民间借贷纠纷", "summary", zg_today - 60, -1, NULL);
        party(&pc, "plaintiff", 0, person, 0);
        party(&pc, "defendant", 0, new_person(c), 0);
        if (add_case(c, &pc, &cc))
            return -1;
        entry en = {"FL04", false, E_CHAIN_FL04, cc, idx, -1, -1, {0}, 0,
                    "plaintiff is a suspect in an open fraud case (parallel criminal case)"};
        if (add_entry(c, &en))
            return -1;
    }
    return 0;
}

/* FL01-FL04 near misses (they must not fire): two unrelated people of one name, one of them
 * a suspect in an open fraud case while the other sues a borrower; a lender with two ordinary
 * suits; a large employer with a few unrelated labour suits over a year. */
/* Two new persons with one name and different IDs (`prefer` when it comes up, else any shared
 * name) into *a < *b, the persons up to *b taken; *b = -1 when none is near. -1 on no memory. */
static int namesakes(ctx *c, const char *prefer, int64_t *a, int64_t *b)
{
    enum { SCAN = 3000 };
    int64_t first = c->next_person;
    zg_person *ps = malloc(SCAN * sizeof *ps);
    if (!ps)
        return -1;
    *a = *b = -1;
    for (int k = 0; k < SCAN; k++)
        zg_mk_person(c->g, first + k, &ps[k]);
    for (int pass = 0; pass < 2 && *b < 0; pass++)
        for (int k = 1; k < SCAN && *b < 0; k++)
            for (int j = 0; j < k && *b < 0; j++)
                if (!strcmp(ps[j].name, ps[k].name) && strcmp(ps[j].id, ps[k].id) &&
                    (pass || !strcmp(ps[k].name, prefer)))
                    *a = first + j, *b = first + k;
    free(ps);
    if (*b >= 0)
        c->next_person = *b + 1;
    return 0;
}

/* CF05 matched by parties and dates (cf_ledger.c's fallback): a transfer whose procuratorate
 * case is in the ledger, but neither side carries the other's number (the procuratorate left
 * the police number out), a near miss; and a pair on one timeline: a transfer truly missing
 * from the procuratorate's ledger, whose suspect's namesake (another person) has a
 * procuratorate case received that day under a mistyped police number, a lead; the namesake's
 * own transfer, matched by his case, a near miss. */
static int plan_ledger_parties(ctx *c)
{
    int64_t idx, a, b, twin;
    if (add_chain(c, ZG_PC_CF05_PARTY, -1, &idx))
        return -1;
    entry en = {"CF05", true, E_CHAIN, idx, ZG_PC_CF05_PARTY, -1, -1, {0}, 0,
                "transferred; neither ledger carries the other's number, but the procuratorate "
                "received a case of the same suspect and cause the next day"};
    if (add_entry(c, &en) || namesakes(c, "王芳", &a, &b))
        return -1;
    if (b < 0)
        return 0;
    if (add_chain(c, ZG_PC_CF05, a, &twin))
        return -1;
    entry et = {"CF05", false, E_CHAIN, twin, ZG_PC_CF05, -1, -1, {0}, 0,
                "transferred, absent from the procuratorate's ledger; a namesake of the suspect "
                "(another person) has a case of the same cause received that day"};
    if (add_entry(c, &et) || add_chain(c, ZG_PC_CF05_PARTY, b, &idx))
        return -1;
    c->p->chains[idx - c->g->sc.incidents].twin = twin;
    entry ep = {"CF05", true, E_CHAIN, idx, ZG_PC_CF05_PARTY, -1, -1, {0}, 0,
                "transferred; the procuratorate's ledger has the police number with two digits "
                "transposed and the police record lacks the procuratorate's number, but the "
                "suspect, cause and dates are the case's"};
    return add_entry(c, &ep);
}

static int plan_litigation_near(ctx *c)
{
    /* two planted persons with the same name (张伟 when it comes up), different people */
    int64_t a, b;
    if (namesakes(c, "张伟", &a, &b))
        return -1;
    if (b >= 0) {
        int64_t idx, cc;
        if (add_chain(c, ZG_PC_FL04, a, &idx))
            return -1;
        zg_pcase pc = civil(c, basic_court(c), "民间借贷纠纷", "summary", zg_today - 50, -1,
                            NULL);
        party(&pc, "plaintiff", 0, b, 0);
        party(&pc, "defendant", 0, new_person(c), 0);
        if (add_case(c, &pc, &cc))
            return -1;
        entry en = {"FL04", true, E_CASE, cc, -1, -1, -1, {0}, 0,
                    "the plaintiff has the name of a suspect in an open fraud case, but is "
                    "another person (another ID, phone and address)"};
        if (add_entry(c, &en))
            return -1;
    }
    /* a lender with two ordinary suits */
    int64_t lender = new_person(c), cc;
    entry en = {"FL02", true, E_CASE_LIST, -1, -1, -1, -1, {0}, 0,
                "a lender sued two different borrowers, months apart, both judged"};
    int day = (int)zg_range(&c->r, zg_days(2019, 6, 1), zg_days(2021, 3, 1));
    for (int j = 0; j < 2; j++) {
        zg_pcase pc = civil(c, basic_court(c), "民间借贷纠纷", "summary", day + 120 * j, 70,
                            "judgment");
        party(&pc, "plaintiff", 0, lender, 0);
        party(&pc, "defendant", 0, new_person(c), 0);
        if (add_case(c, &pc, &cc))
            return -1;
        en.list[en.nlist++] = cc;
    }
    en.a = cc;
    if (add_entry(c, &en))
        return -1;
    /* a large employer with four unrelated labour suits over a year */
    int court = basic_court(c);
    int64_t e;
    if (add_ent(c, new_person(c), -1, c->g->units[court].county, zg_days(2008, 3, 3), -1, &e))
        return -1;
    entry em = {"FL03", true, E_CASE_LIST, -1, -1, -1, -1, {0}, 0,
                "a large employer sued by four workers over a year, each on his own matter"};
    day = (int)zg_range(&c->r, zg_days(2019, 3, 1), zg_days(2020, 9, 1));
    static const char *const causes[] = {"追索劳动报酬纠纷", "劳动争议", "追索劳动报酬纠纷",
                                         "劳动争议"};
    for (int j = 0; j < 4; j++) {
        zg_pcase pc = civil(c, court, causes[j], "summary", day + 95 * j, 40,
                            j % 2 ? "judgment" : "mediation");
        party(&pc, "plaintiff", 0, new_person(c), 0);
        party(&pc, "defendant", 1, e, 0);
        if (add_case(c, &pc, &cc))
            return -1;
        em.list[em.nlist++] = cc;
    }
    em.a = cc;
    return add_entry(c, &em);
}

static int plan_cases(ctx *c)
{
    double C = (double)c->g->sc.civil_cases;
    int64_t cc;
    /* CF06 and its near miss: ordinary procedure, 8 months */
    int n6 = count(c, 0.0005, C, 2);
    for (int i = 0; i < n6 + 1; i++) {
        bool near = i == n6;
        zg_pcase pc = civil(c, basic_court(c), "建设工程施工合同纠纷", "ordinary",
                            (int)zg_range(&c->r, zg_days(2019, 6, 1), zg_days(2020, 12, 1)), 245,
                            "judgment");
        if (near) {
            pc.ext = ZG_EXT_LAWFUL;
            snprintf(pc.approval_no, sizeof pc.approval_no, "审延〔%d〕%d号",
                     2019 + i, 900 + i);
        }
        party(&pc, "plaintiff", 0, new_person(c), 0);
        party(&pc, "defendant", 0, new_person(c), 0);
        if (add_case(c, &pc, &cc))
            return -1;
        entry en = {"CF06", near, E_CASE, cc, -1, -1, -1, {0}, 0,
                    near ? "ordinary procedure closed after 8 months with the president's "
                           "approved 6-month extension"
                         : "ordinary procedure closed after 8 months with no extension"};
        if (add_entry(c, &en))
            return -1;
    }
    /* CF07: one extension approval used for two cases */
    for (int n = count(c, 0.0002, C, 1), i = 0; i < n; i++) {
        entry en = {"CF07", false, E_CASE_LIST, -1, -1, -1, -1, {0}, 0,
                    "the same extension approval number appears on two different cases"};
        int court = basic_court(c);
        int day = (int)zg_range(&c->r, zg_days(2019, 6, 1), zg_days(2020, 10, 1));
        char appr[80];
        snprintf(appr, sizeof appr, "审延〔%d〕%lld号", 2020, (long long)(5000 + i));
        for (int k = 0; k < 2; k++) {
            zg_pcase pc = civil(c, court, "买卖合同纠纷", "ordinary", day + 3 * k, 230, "judgment");
            pc.ext = ZG_EXT_REUSED;
            strcpy(pc.approval_no, appr);
            party(&pc, "plaintiff", 0, new_person(c), 0);
            party(&pc, "defendant", 0, new_person(c), 0);
            if (add_case(c, &pc, &cc))
                return -1;
            en.list[en.nlist++] = cc;
        }
        en.a = cc;
        if (add_entry(c, &en))
            return -1;
    }
    /* CF08, PN01, PN02, PN03 */
    static const struct { const char *code; const char *note; } k[] = {
        {"CF08", "case closed before it was filed"},
        {"PN01", "summary procedure still open 84 days after filing: its 3-month limit ends "
                 "within the pre-warning fortnight"},
        {"PN02", "judgment without a hearing node"},
        {"PN03", "judgment node recorded before the hearing node"},
    };
    for (int j = 0; j < 4; j++) {
        for (int n = count(c, 0.0003, C, 2), i = 0; i < n; i++) {
            int day = j == 1 ? zg_today - 84
                             : (int)zg_range(&c->r, zg_days(2019, 3, 1), zg_days(2021, 6, 1));
            zg_pcase pc = civil(c, basic_court(c), "房屋租赁合同纠纷", "summary", day,
                                j == 1 ? -1 : 50, "judgment");
            if (j == 0)
                pc.closed = pc.filed - 20 * ZG_DAY;
            pc.no_hearing = j == 2;
            pc.swapped = j == 3;
            party(&pc, "plaintiff", 0, new_person(c), 0);
            party(&pc, "defendant", 0, new_person(c), 0);
            if (add_case(c, &pc, &cc))
                return -1;
            entry en = {k[j].code, false, E_CASE, cc, -1, -1, -1, {0}, 0, k[j].note};
            if (add_entry(c, &en))
                return -1;
        }
    }
    /* PN01-PN03 near misses: an open case in its last fortnight but lawfully extended; a
     * mediated case with no hearing (mediation needs none); a judgment given at the hearing
     * (当庭宣判) and recorded at an earlier hour of the same day */
    for (int j = 0; j < 3; j++) {
        int day = j == 0 ? zg_today - 174
                         : (int)zg_range(&c->r, zg_days(2019, 3, 1), zg_days(2021, 6, 1));
        zg_pcase pc = civil(c, basic_court(c), j == 0 ? "建设工程施工合同纠纷" : "房屋租赁合同纠纷",
                            j == 0 ? "ordinary" : "summary", day, j == 0 ? -1 : 50,
                            j == 1 ? "mediation" : "judgment");
        if (j == 0) {
            pc.ext = ZG_EXT_LAWFUL;
            snprintf(pc.approval_no, sizeof pc.approval_no, "审延〔2021〕%d号", 880 + j);
        }
        pc.no_hearing = j == 1;
        pc.swapped = j == 2 ? 2 : 0;
        party(&pc, "plaintiff", 0, new_person(c), 0);
        party(&pc, "defendant", 0, new_person(c), 0);
        if (add_case(c, &pc, &cc))
            return -1;
        static const char *const notes[] = {
            ("ordinary procedure open 174 days, inside the last fortnight of its 6 months, but "
             "extended by 6 months with the president's approval before expiry"),
            "mediated summary case with no hearing node: mediation needs no hearing",
            "judgment given at the hearing (当庭宣判), recorded at an earlier hour of that day"};
        entry en = {j == 0 ? "PN01" : j == 1 ? "PN02" : "PN03", true, E_CASE, cc, -1, -1, -1,
                    {0}, 0, notes[j]};
        if (add_entry(c, &en))
            return -1;
    }
    /* FL01: related parties, a big private loan, mediation within days */
    for (int n = count(c, 0.0003, C, 2), i = 0; i < n; i++) {
        int day = (int)zg_range(&c->r, zg_days(2019, 3, 1), zg_days(2021, 9, 1));
        zg_pcase pc = civil(c, basic_court(c), "民间借贷纠纷", "summary", day, 4, "mediation");
        pc.claim = 3000000 + 100000 * (double)zg_below(&c->r, 50);
        party(&pc, "plaintiff", 0, new_person(c), 0);
        party(&pc, "defendant", 0, new_person(c), 1);
        if (add_case(c, &pc, &cc))
            return -1;
        entry en = {"FL01", false, E_CASE, cc, -1, -1, -1, {0}, 0,
                    "plaintiff and defendant share phone and address; a 3-8 million loan "
                    "settled by mediation four days after filing"};
        if (add_entry(c, &en))
            return -1;
    }
    /* FL01: one lawyer acts for both sides of a divorce property dispute */
    for (int n = count(c, 0.0001, C, 1), i = 0; i < n; i++) {
        int day = (int)zg_range(&c->r, zg_days(2019, 3, 1), zg_days(2021, 9, 1));
        zg_pcase pc = civil(c, basic_court(c), "离婚后财产纠纷", "summary", day, 20, "mediation");
        party(&pc, "plaintiff", 0, new_person(c), 0);
        party(&pc, "defendant", 0, new_person(c), 2);
        if (add_case(c, &pc, &cc))
            return -1;
        entry en = {"FL01", false, E_CASE, cc, -1, -1, -1, {0}, 0,
                    "one lawyer acts for both sides of a divorce property dispute"};
        if (add_entry(c, &en))
            return -1;
    }
    /* FL02: one plaintiff, twelve information-disclosure suits against one government */
    for (int n = count(c, 0.00005, C, 1), i = 0; i < n; i++) {
        int64_t person = new_person(c);
        int court = basic_court(c);
        int county = c->g->units[court].county;
        entry en = {"FL02", false, E_CASE_LIST, -1, -1, -1, -1, {0}, 0,
                    "one plaintiff filed twelve information-disclosure suits against the same "
                    "county government within six months"};
        int day = (int)zg_range(&c->r, zg_days(2019, 3, 1), zg_days(2021, 3, 1));
        for (int j = 0; j < 12; j++) {
            zg_pcase pc = civil(c, court, "政府信息公开", "ordinary", day + 15 * j, 60,
                                j % 3 ? "dismissed" : "withdrawn");
            pc.type = "行初";
            pc.judge = zg_unit_officer(c->g, court, "administrative", &c->r);
            pc.claim = 0;
            /* the same request each time, only the year and document number change */
            snprintf(pc.claims, sizeof pc.claims, "请求判令被告公开%d年第%d号征地补偿安置方案及其"
                     "批复的政府信息，并承担本案诉讼费用。", 2015 + j % 5, 3 + 7 * j);
            party(&pc, "plaintiff", 0, person, 0);
            party(&pc, "defendant", 2, county, 0);
            if (add_case(c, &pc, &cc))
                return -1;
            en.list[en.nlist++] = cc;
        }
        en.a = cc;
        if (add_entry(c, &en))
            return -1;
    }
    /* FL03: twenty workers sue the same company for wages within a month */
    for (int n = count(c, 0.00005, C, 1), i = 0; i < n; i++) {
        int64_t e;
        int court = basic_court(c);
        if (add_ent(c, new_person(c), -1, c->g->units[court].county, zg_days(2012, 4, 9), -1, &e))
            return -1;
        entry en = {"FL03", false, E_CASE_LIST, -1, -1, -1, -1, {0}, 0,
                    "twenty workers sued the same company for unpaid wages within a month"};
        int day = (int)zg_range(&c->r, zg_days(2019, 3, 1), zg_days(2021, 6, 1));
        for (int j = 0; j < 20; j++) {
            zg_pcase pc = civil(c, court, "追索劳动报酬纠纷", "summary", day + j % 25, 45,
                                "mediation");
            party(&pc, "plaintiff", 0, new_person(c), 0);
            party(&pc, "defendant", 1, e, 0);
            if (add_case(c, &pc, &cc))
                return -1;
            if (en.nlist < 32)
                en.list[en.nlist++] = cc;
        }
        en.a = cc;
        if (add_entry(c, &en))
            return -1;
    }
    if (plan_litigation_near(c))
        return -1;
    return plan_ledger_parties(c);
}

/* SC02's cluster: n lawful reductions of duty-crime (bribery) offenders granted in one prison
 * in one quarter, n well above the background's mean per prison and quarter so that chance
 * cannot explain it (docs/detectors.md §9). Near misses, each in a prison of its own: the same
 * number of reductions of ordinary offenders in one quarter (not the category), and of
 * duty-crime offenders spread over four quarters (not one period). Each reduction is lawful
 * on its own (26 months served of an 8-year term, a 6-month cut), so SC01 and SC02's limits
 * stay silent. */
static int plan_sc_clusters(ctx *c)
{
    zg *g = c->g;
    if (g->nprisons < 3)
        return 0;
    /* background duty-crime reductions granted per prison and quarter: 2 of 12 crimes, 82 %
     * reductions, 95 % granted, over the ~12 quarters of the span */
    double mean = (double)g->sc.prisoners * (2.0 / 12) * 0.82 * 0.95 / g->nprisons / 12;
    int n = (int)(4 * mean) + 10;
    if (n > 32)
        n = 32;
    int p0 = (int)zg_below(&c->r, (uint32_t)g->nprisons);
    int q0 = zg_days(2021, 4, 1);                 /* 2021-Q2: decided by 2021-06-30 */
    static const struct { const char *code; bool near; const char *crime, *cat; int quarters;
                          const char *note; } k[] = {
        {"SC02", false, "受贿罪", "duty", 1, "duty-crime offenders' reductions clustered in one "
         "prison in one quarter, each lawful on its own"},
        {"SC02", true, "盗窃罪", "ordinary", 1, "ordinary offenders' reductions bunched in one "
         "prison and quarter: not the stricter category"},
        {"SC02", true, "受贿罪", "duty", 4, "duty-crime offenders' reductions of one prison "
         "spread over four quarters: no cluster"},
    };
    for (int j = 0; j < 3; j++) {
        int prison = (p0 + j) % g->nprisons;
        entry en = {k[j].code, k[j].near, E_SC_CLUSTER, g->prison0 + prison,
                    g->sc.prisoners + c->p->nscs, n, -1, {0}, 0, k[j].note};
        for (int i = 0; i < n; i++) {
            int q = k[j].quarters > 1 ? i % k[j].quarters : 0;
            int day = zg_workday_on_or_after(zg_add_months(q0, -3 * q) + 2 * (i % 24));
            zg_psc s = {k[j].crime, k[j].cat, 96, 26, 6, "reduction", "repentance", -1,
                        new_person(c), 0, prison + 1, day};
            PUSH(c->p->scs, c->p->nscs, s);
        }
        if (add_entry(c, &en))
            return -1;
    }
    return 0;
}

static int plan_sc(ctx *c)
{
    zg *g = c->g;
    double P = (double)g->sc.prisoners;
    static const struct {
        const char *code; bool near; const char *crime, *cat; int months, served, cut;
        const char *type, *reason; int review; const char *note;
    } k[] = {
        {"SC01", false, "盗窃罪", "ordinary", 48, 9, 6, "reduction", "repentance", -1,
         "first reduction of a 4-year term after 9 months served (1 year required)"},
        {"SC01", true, "盗窃罪", "ordinary", 48, 12, 6, "reduction", "repentance", -1,
         "first reduction of a 4-year term after exactly 1 year: lawful"},
        {"SC02", false, "受贿罪", "duty", 96, 20, 6, "reduction", "repentance", -1,
         "bribery (duty crime), 8 years: reduced after 20 months (2 years required for the "
         "stricter category)"},
        {"SC02", true, "诈骗罪", "ordinary", 96, 20, 6, "reduction", "repentance", -1,
         "ordinary fraud, 8 years, reduced after 20 months: lawful (1.5 years)"},
        {"SC03", false, "诈骗罪", "ordinary", 60, 10, 0, "medical_parole", "illness", 7,
         "medical parole not re-examined for 7 months"},
        {"SC03", true, "诈骗罪", "ordinary", 60, 10, 0, "medical_parole", "illness", 1,
         "medical parole re-examined a month ago"},
    };
    for (size_t j = 0; j < sizeof k / sizeof k[0]; j++) {
        int n = k[j].near ? 1 : count(c, 0.001, P, 2);
        for (int i = 0; i < n; i++) {
            zg_psc s = {k[j].crime, k[j].cat, k[j].months, k[j].served, k[j].cut, k[j].type,
                        k[j].reason, k[j].review, new_person(c), 0, 0, 0};
            entry en = {k[j].code, k[j].near, E_SC, g->sc.prisoners + c->p->nscs, -1, -1, -1,
                        {0}, 0, k[j].note};
            PUSH(c->p->scs, c->p->nscs, s);
            if (add_entry(c, &en))
                return -1;
        }
    }
    /* SC04: a serving prisoner sues someone; near miss: one is sued (needs nothing of them) */
    for (int n = count(c, 0.0005, P, 2), i = 0; i <= n; i++) {
        bool near = i == n;
        zg_psc s = {"抢劫罪", "violent", 120, 30, 6, "reduction", "repentance", -1,
                    new_person(c), zg_days(2018, 6, 11), 0, 0};
        int64_t si = g->sc.prisoners + c->p->nscs, cc;
        PUSH(c->p->scs, c->p->nscs, s);
        zg_pcase pc = civil(c, basic_court(c), near ? "民间借贷纠纷" : "房屋租赁合同纠纷", "summary",
                            (int)zg_range(&c->r, zg_days(2020, 3, 1), zg_days(2021, 6, 1)), 40,
                            "judgment");
        party(&pc, "plaintiff", 0, near ? new_person(c) : s.prisoner, 0);
        party(&pc, "defendant", 0, near ? s.prisoner : new_person(c), 0);
        if (add_case(c, &pc, &cc))
            return -1;
        entry en = {"SC04", near, E_SC04, si, cc, -1, -1, {0}, 0,
                    near ? "prisoner serving a 10-year term is sued in a civil case: not paper "
                           "serving"
                         : "prisoner serving a 10-year term is the plaintiff of a civil suit "
                           "filed while in prison"};
        if (add_entry(c, &en))
            return -1;
    }
    /* last, so that the persons and rows planted before keep their indices (and their dirt) */
    return plan_sc_clusters(c);
}

static int plan_cc(ctx *c)
{
    double Q = (double)c->g->sc.cc_subjects;
    static const struct { const char *code; int kind; bool near; const char *note; } k[] = {
        {"CC01", ZG_CC_OUT, false, "two days in another county without leave"},
        {"CC01", ZG_CC_OUT_LEAVE, true, "two days in another county covered by approved leave"},
        {"CC01", ZG_CC_GLITCH, true, "one location fix 30 km outside the county (a GPS glitch), "
                                     "the rest at home"},
        {"CC02", ZG_CC_SILENT, false, "location device silent for 72 hours"},
        {"CC02", ZG_CC_SILENT_NEAR, true, "device silent for 12 hours: below the 24-hour "
                                          "threshold"},
        {"CC03", ZG_CC_MEET, false, "two subjects together at one home for two hours on four "
                                    "evenings"},
        {"CC03", ZG_CC_MEET_NEAR, true, "one subject passes by the other's home (one joint "
                                        "fix) and later spends two hours 150 m away"},
        {"CC01", ZG_CC_OUT_AWAY, false, "two days in a third county during an approved leave "
                                        "to another county"},
    };
    for (size_t j = 0; j < sizeof k / sizeof k[0]; j++) {
        int n = k[j].near ? 1 : count(c, 0.002, Q, 2);
        for (int i = 0; i < n; i++) {
            int county = (int)zg_below(&c->r, (uint32_t)c->g->ncounties);
            zg_pcc pc = {k[j].kind, county, -1};
            int self = c->p->nccs;
            PUSH(c->p->ccs, c->p->nccs, pc);
            entry en = {k[j].code, k[j].near, E_CC, self, -1, -1, -1, {0}, 0, k[j].note};
            if (k[j].kind == ZG_CC_MEET || k[j].kind == ZG_CC_MEET_NEAR) {
                zg_pcc peer = {ZG_CC_MEET_PEER, county, self};
                c->p->ccs[self].peer = c->p->nccs;
                en.b = c->p->nccs;
                PUSH(c->p->ccs, c->p->nccs, peer);
            }
            if (add_entry(c, &en))
                return -1;
        }
    }
    return 0;
}

/* ---- truth ------------------------------------------------------------------------------- */

static zg_ref r_cc(const zg *g, int64_t plan_idx)
{
    zg_ref r = {"cc_subject", "justice_sqjz", ""};
    int64_t q = g->sc.cc_subjects + plan_idx;
    int county = g->plan->ccs[plan_idx].county;
    snprintf(r.key, sizeof r.key, "SJ%06d%06lld", g->counties[county].code, (long long)q);
    return r;
}

void zg_sc_key(const zg *g, int64_t s, char *out, size_t cap);

static int write_truth(zg *g, const entry *entries, int nentries)
{
    for (int i = 0; i < nentries; i++) {
        const entry *e = &entries[i];
        zg_ref subj, rec[40];
        int nr = 0;
        switch (e->kind) {
        case E_TV_ENT: {
            zg_enterprise en;
            zg_mk_enterprise(g, e->b, &en);
            subj = r_officer(g, e->a);
            rec[nr++] = subj;
            if (e->c2 >= 0)
                rec[nr++] = r_relative(g, e->a, (int)e->c2, (int)e->d);
            rec[nr++] = r_ent(g, e->b);
            rec[nr++] = r_role(g, e->b, en.kind[0] == 'i' ? "operator" : "legal_rep", en.legal_rep);
            break;
        }
        case E_TV03:
            subj = r_officer(g, e->a);
            rec[nr++] = subj;
            rec[nr++] = r_relative(g, e->a, ZG_REL_SPOUSE, (int)e->d);
            rec[nr++] = r_ent(g, e->b);
            rec[nr++] = r_case(g, e->c2);
            rec[nr++] = r_party(g, e->c2, 0);
            break;
        case E_TV04:
            subj = r_officer(g, e->a);
            rec[nr++] = subj;
            rec[nr++] = r_relative(g, e->a, ZG_REL_SPOUSE, (int)e->c2);
            for (int k = 0; k < e->nlist; k++) {
                rec[nr++] = r_case(g, e->list[k]);
                rec[nr++] = r_party(g, e->list[k], 0);
            }
            break;
        case E_MONTH:
            subj = r_officer(g, e->a);
            rec[nr++] = subj;
            if (e->c2 != ZG_M_SKIP)
                rec[nr++] = r_month(g, e->a, (int)e->b, false);
            break;
        case E_TR01_NEAR:
            subj = r_officer(g, e->a);
            rec[nr++] = subj;
            break;
        case E_TR03:
            subj = r_person(e->a);
            for (int k = 0; k < e->nlist; k += 2)
                rec[nr++] = r_month(g, e->list[k], (int)e->list[k + 1], true);
            break;
        case E_TR04:
            subj = r_case(g, e->c2);
            rec[nr++] = subj;
            rec[nr++] = r_month(g, e->a, (int)e->b, true);
            break;
        case E_CP01: {
            subj = r_officer(g, e->a);
            rec[nr++] = subj;
            for (int k = 0; k < e->c2; k++) {
                const zg_pcomplaint *pk = &g->plan->complaints[e->b + k];
                zg_ref r = {"complaint", "court_12368", ""};
                int y, m, d;
                zg_ymd((int)(pk->at / ZG_DAY), &y, &m, &d);
                snprintf(r.key, sizeof r.key, "RX%04d%02d%02d%07lld", y, m, d,
                         (long long)(g->sc.complaints / 2 + e->b + k));
                rec[nr++] = r;
                if (pk->case_c >= 0)
                    rec[nr++] = r_case(g, pk->case_c);
            }
            break;
        }
        case E_CHAIN: {
            zg_chain ch;
            zg_mk_chain(g, e->a, &ch);
            if (e->b == ZG_PC_CF01) {
                subj = (zg_ref){"incident", "police_110", ""};
                strcpy(subj.key, ch.incident_no);
                rec[nr++] = subj;
            } else {
                subj = r_chain_case(g, e->a);
                rec[nr++] = subj;
            }
            if (e->b == ZG_PC_CF05_NEAR || e->b == ZG_PC_CF05_PARTY) {
                zg_ref r = {"procuratorate_case", "procu_tyyw", ""};
                strcpy(r.key, ch.procu_no);
                rec[nr++] = r;
            }
            break;
        }
        case E_CHAIN_FL04: {
            subj = r_case(g, e->a);
            rec[nr++] = subj;
            rec[nr++] = r_party(g, e->a, 0);
            rec[nr++] = r_chain_case(g, e->b);
            zg_chain ch;
            zg_mk_chain(g, e->b, &ch);
            zg_person p;
            zg_mk_person(g, ch.suspect, &p);
            zg_ref r = {"case_party", "police_case", ""};
            zg_key(r.key, sizeof r.key, 4, "police", ch.case_no, "suspect", p.name);
            rec[nr++] = r;
            break;
        }
        case E_CASE:
            subj = r_case(g, e->a);
            rec[nr++] = subj;
            break;
        case E_CASE_LIST:
            subj = r_case(g, e->a);
            for (int k = 0; k < e->nlist; k++)
                rec[nr++] = r_case(g, e->list[k]);
            break;
        case E_SC:
        case E_SC04:
            subj = (zg_ref){"sentence_change", "justice_jxjs", ""};
            zg_sc_key(g, e->a, subj.key, sizeof subj.key);
            rec[nr++] = subj;
            if (e->kind == E_SC04) {
                rec[nr++] = r_case(g, e->b);
                rec[nr++] = r_party(g, e->b, 0);
            }
            break;
        case E_SC_CLUSTER:
            subj = (zg_ref){"unit", "zfw_org", ""};
            snprintf(subj.key, sizeof subj.key, "%s", g->units[e->a].code);
            rec[nr++] = subj;
            for (int k = 0; k < e->c2 && nr < 40; k++) {
                zg_ref sc = {"sentence_change", "justice_jxjs", ""};
                zg_sc_key(g, e->b + k, sc.key, sizeof sc.key);
                rec[nr++] = sc;
            }
            break;
        case E_CC:
            subj = r_cc(g, e->a);
            rec[nr++] = subj;
            if (e->b >= 0)
                rec[nr++] = r_cc(g, e->b);
            break;
        default:
            continue;
        }
        if (zg_truth(g, e->code, e->near, &subj, rec, nr, e->note))
            return -1;
    }
    return 0;
}

/* FL01's uncontested-judgment sign and FL02's repeated claims, with their near misses. Drawn
 * from a random stream of their own and planted last, so every earlier plant is what it was.
 *  - FL01: a debtor lost two loan suits this year admitting the claims (自认); a third lender
 *    now claims 1.2-2 million from him. Near miss: a debtor judged once by default and once
 *    after contesting, then a large claim.
 *  - FL02: one person sues one company four times in ten months, each suit withdrawn or
 *    dismissed, the same claims under different causes (only the claims text tells). Near
 *    miss: a supplier sues one buyer four times in a year for different deliveries (one cause,
 *    different claims), two withdrawn. */
static int plan_filing_signs(ctx *c)
{
    zg_rng saved = c->r;
    zg_rng_at(&c->r, c->g->seed, ZG_S_PLAN, 14);
    double C = (double)c->g->sc.civil_cases;
    int64_t cc;
    int rc = 0;
    for (int n = count(c, 0.0002, C, 2), i = 0; !rc && i <= n; i++) {
        bool near = i == n;
        int64_t debtor = new_person(c);
        int court = basic_court(c);
        int day = (int)zg_range(&c->r, zg_days(2020, 3, 1), zg_days(2021, 5, 1));
        for (int k = 0; k < 2; k++) {
            zg_pcase pc = civil(c, court, "民间借贷纠纷", "summary", day + 90 * k, 35, "judgment");
            pc.defence = near ? (k ? "contested" : "default") : "admitted";
            snprintf(pc.claims, sizeof pc.claims, "判令被告偿还借款本金%lld元及利息。",
                     (long long)pc.claim);
            party(&pc, "plaintiff", 0, new_person(c), 0);
            party(&pc, "defendant", 0, debtor, 0);
            if ((rc = add_case(c, &pc, &cc)))
                break;
        }
        zg_pcase pc = civil(c, basic_court(c), "民间借贷纠纷", "ordinary", day + 200, 120,
                            "judgment");
        pc.claim = 1200000 + 100000 * (double)zg_below(&c->r, 8);
        snprintf(pc.claims, sizeof pc.claims, "判令被告偿还借款%lld元及逾期利息，诉讼费用由被告"
                 "承担。", (long long)pc.claim);
        party(&pc, "plaintiff", 0, new_person(c), 0);
        party(&pc, "defendant", 0, debtor, 0);
        if (!rc)
            rc = add_case(c, &pc, &cc);
        entry en = {"FL01", near, E_CASE, cc, -1, -1, -1, {0}, 0,
                    near ? "a large loan claim against a debtor judged once by default and once "
                           "after contesting: one uncontested judgment is an ordinary debtor"
                         : "a large loan claim against a debtor who lost two loan suits this "
                           "year admitting the claims (no real contest)"};
        if (!rc)
            rc = add_entry(c, &en);
    }
    static const char *const causes[4] = {"名誉权纠纷", "侵权责任纠纷", "人格权纠纷",
                                          "网络侵权责任纠纷"};
    static const char *const goods[4] = {"螺纹钢", "混凝土", "中央空调机组", "办公桌椅"};
    for (int n = count(c, 0.00005, C, 1), i = 0; !rc && i <= n; i++) {
        bool near = i == n;
        int court = basic_court(c);
        int64_t firm, who = new_person(c);
        if ((rc = add_ent(c, new_person(c), -1, c->g->units[court].county, zg_days(2010, 5, 5),
                          -1, &firm)))
            break;
        int64_t buyer = firm;
        if (near && (rc = add_ent(c, new_person(c), -1, c->g->units[court].county,
                                  zg_days(2011, 6, 6), -1, &buyer)))
            break;
        entry en = {"FL02", near, E_CASE_LIST, -1, -1, -1, -1, {0}, 0,
                    near ? "a supplier sued one buyer four times in a year for different "
                           "deliveries, two suits withdrawn: one cause, different claims"
                         : "one person sued one company four times in ten months under four "
                           "causes with the same claims, each withdrawn or dismissed"};
        int day = (int)zg_range(&c->r, zg_days(2019, 9, 1), zg_days(2021, 1, 1));
        for (int k = 0; !rc && k < 4; k++) {
            zg_pcase pc = civil(c, court, near ? "买卖合同纠纷" : causes[k], "summary",
                                day + 80 * k, 30,
                                near ? (k < 2 ? "withdrawn" : "judgment")
                                     : (k % 2 ? "dismissed" : "withdrawn"));
            if (near)
                snprintf(pc.claims, sizeof pc.claims, "判令被告支付%d年%d月第%d批%s合同价款"
                         "%lld元。", 2019 + k / 2, 1 + 3 * k, k + 1, goods[k],
                         (long long)pc.claim);
            else
                snprintf(pc.claims, sizeof pc.claims, "判令被告立即删除其在网站发布的涉及原告的"
                         "全部文章，在全国性报刊公开赔礼道歉，并赔偿精神损害抚慰金%d元。",
                         10000 * (k + 1));
            party(&pc, "plaintiff", near ? 1 : 0, near ? firm : who, 0);
            party(&pc, "defendant", 1, near ? buyer : firm, 0);
            rc = add_case(c, &pc, &cc);
            en.list[en.nlist++] = cc;
        }
        en.a = cc;
        if (!rc)
            rc = add_entry(c, &en);
    }
    c->r = saved;
    return rc;
}

int zg_plan_make(zg *g, zj_error *err)
{
    g->plan = calloc(1, sizeof *g->plan);
    if (!g->plan)
        return zj_fail(err, ZJ_EDATA, "out of memory");
    ctx c = {.g = g, .p = g->plan, .next_person = g->pb_plant};
    zg_rng_at(&c.r, g->seed, ZG_S_PLAN, 0);
    int rc = plan_tv(&c) || plan_tr(&c) || plan_lenders(&c, 1, true) || plan_chains(&c) || plan_cases(&c) || plan_sc(&c) ||
             plan_cc(&c) || plan_filing_signs(&c) || plan_hard_parties(&c);
    free(c.used);
    if (!rc && g->pb_cc + g->sc.cc_subjects + g->plan->nccs > g->pb_plant)
        rc = -1;                     /* planted subjects would overlap the planted persons */
    if (!rc) {
        qsort(g->plan->months, (size_t)g->plan->nmonths, sizeof *g->plan->months, month_cmp);
        g->pb_end = c.next_person;
        rc = write_truth(g, c.entries, c.nentries);
    }
    free(c.entries);
    return rc ? zj_fail(err, ZJ_EDATA, "cannot plan anomalies (out of memory or no officer "
                        "fits; scale too small?)") : ZJ_OK;
}
