/* tv_business.c - 三个违规: officers and their families doing business (TV01-TV04).
 *
 * The screen the province ran by hand (干警及近亲属身份信息 × 市场监管 × 税务 joint checks),
 * over resolved entities and the relations graph the link layer builds:
 *
 *   officer row -> its entity -> relation 'relative' (spouse, child ...) -> relative entity
 *               -> relation 'enterprise_role' (registry role, registry legal representative,
 *                  tax legal representative / finance officer) -> enterprise entity
 *               -> its enterprise records (established .. deregistered, region) and tax
 *                  registrations -> relation 'case_party' -> cases of the officer's unit
 *
 * A role counts only for the days it overlaps the officer's tenure in that post
 * (officer.start_date .. end_date, open while in post): the role's own dates, bounded by the
 * enterprise's life (established .. deregistered; the tax registration's dates when the
 * registry has no record). Jurisdiction (辖区) compares the enterprise's registered region with
 * the region of the officer's unit at the unit's level (common.c).
 *
 *   TV01 the officer holds a role (any place; severity up inside the jurisdiction)
 *   TV02 a covered relative (rules: spouse, child, child's spouse) holds a role, inside the
 *        jurisdiction (rules may drop that requirement)
 *        (both one severity up when the enterprise is also a party in a case of the officer's
 *        unit - TV03's test - and when the person is a repeated lender - TV04's test)
 *   TV03 the enterprise of such a role, or the officer or relative in person, is a party in a
 *        case of the officer's own unit while the role lasts (conflict of interest; critical
 *        when the officer handles the case)
 *   TV04 the officer or a covered relative sues repeatedly as a private lender (民间借贷)
 *
 * Every lead lists each record on the path as evidence and spells the path out:
 *   干警 FG6100240 → 配偶 → 法定代表人、股东 100% → 西安瑞源劳务有限公司
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "detect/common.h"
#include "detect/detect.h"

/* ---- the people around each officer ------------------------------------------------------ */

/* Officer rows with the people to screen: the officer (relation 'self') and relatives.
 * Columns: oid, person entity, relation, officer_relative id (0 for self), its source key. */
static const char people_cte[] =
    "WITH people AS ("
    " SELECT o.id AS oid, mo.entity_id AS person, 'self' AS relation, 0 AS rel_record,"
    "  '' AS rel_key"
    " FROM officer o JOIN mention mo ON mo.table_name = 'officer' AND mo.record_id = o.id"
    "  AND mo.role = 'self'"
    " WHERE mo.entity_id IS NOT NULL AND $1 <> 0"
    " UNION ALL"
    " SELECT o.id, rel.dst_entity, rel.role, r.id, r.source_key"
    " FROM officer o JOIN mention mo ON mo.table_name = 'officer' AND mo.record_id = o.id"
    "  AND mo.role = 'self'"
    " JOIN relation rel ON rel.src_entity = mo.entity_id AND rel.kind = 'relative'"
    " JOIN officer_relative r ON r.id = rel.source_record"
    " WHERE $2 <> 0 AND rel.dst_entity <> mo.entity_id)";

enum { WHO_SELF = 1, WHO_RELATIVES = 2 };

/* Officer fields every query below selects first, after the people columns. */
#define OFFICER_COLS                                                                        \
    "o.id, o.source_system, o.source_key, o.officer_no, o.unit_code, o.start_date,"         \
    " o.end_date, o.is_leader, p.person, p.relation, p.rel_record, p.rel_key"
enum { C_OID, C_OSYS, C_OKEY, C_ONO, C_OUNIT, C_OSTART, C_OEND, C_OLEADER, C_PERSON, C_REL,
       C_RELREC, C_RELKEY, C_NEXT };

typedef struct officer_ref {
    int64_t id;
    char system[32], key[96], no[48], unit[32];
    long start, end;                 /* tenure; open ends ZJ_DAY_MIN / ZJ_DAY_MAX */
    bool leader;
    int64_t person;                  /* the screened person's entity */
    char relation[16];               /* self, spouse, child ... */
    int64_t rel_record;              /* officer_relative.id, 0 for self */
    char rel_key[128];
} officer_ref;

static void cp(char *dst, size_t cap, zj_stmt *q, int col)
{
    const char *s = zj_stmt_text(q, col, NULL);
    snprintf(dst, cap, "%s", s ? s : "");
}

static void read_officer(zj_stmt *q, officer_ref *o)
{
    o->id = zj_stmt_int(q, C_OID);
    cp(o->system, sizeof o->system, q, C_OSYS);
    cp(o->key, sizeof o->key, q, C_OKEY);
    cp(o->no, sizeof o->no, q, C_ONO);
    cp(o->unit, sizeof o->unit, q, C_OUNIT);
    o->start = zj_stmt_day(q, C_OSTART, ZJ_DAY_MIN);
    o->end = zj_stmt_day(q, C_OEND, ZJ_DAY_MAX);
    o->leader = !zj_stmt_is_null(q, C_OLEADER) && zj_stmt_int(q, C_OLEADER) != 0;
    o->person = zj_stmt_int(q, C_PERSON);
    cp(o->relation, sizeof o->relation, q, C_REL);
    o->rel_record = zj_stmt_int(q, C_RELREC);
    cp(o->rel_key, sizeof o->rel_key, q, C_RELKEY);
}

static bool same_person(const officer_ref *a, const officer_ref *b)
{
    return a->id == b->id && a->person == b->person && a->rel_record == b->rel_record;
}

/* Is this person screened by the detector: the officer (when `self`) or a relative whose
 * relation is in the detector's `relations` list. */
static bool covered(const zj_detect_ctx *c, const officer_ref *o, bool self)
{
    if (!strcmp(o->relation, "self"))
        return self;
    return zj_param_has(c, "relations", o->relation, strlen(o->relation));
}

static void bind_who(zj_stmt *q, int who)
{
    zj_stmt_bind_int(q, 1, (who & WHO_SELF) != 0);
    zj_stmt_bind_int(q, 2, (who & WHO_RELATIVES) != 0);
}

/* ---- paths: officer -> person -> enterprise, with roles and the enterprise's life -------- */

#define MAX_ROLES 12
#define MAX_RECS 4

typedef struct role_iv {
    char role[20];
    double share;                   /* share_pct, < 0 when not given */
    long from, to;                  /* as recorded (open ends when not given) */
    char src_table[24];
    int64_t src_record;
} role_iv;

typedef struct tv_path {
    officer_ref o;
    int64_t ent;                    /* enterprise entity */
    char uscc[24], name[192], region[8];
    long est, dereg;                /* enterprise life */
    bool has_life;
    int64_t ent_records[MAX_RECS], tax_records[MAX_RECS];
    int nent, ntax;
    long tax_from, tax_to;
    role_iv roles[MAX_ROLES];
    int nroles;
    /* decided by evaluate() */
    bool active;                    /* a counted role overlaps the tenure */
    long from, to;                  /* the overlap (earliest start .. latest end) */
} tv_path;

typedef struct tv_paths {
    tv_path *p;
    size_t n, cap;
} tv_paths;

static void paths_free(tv_paths *ps)
{
    free(ps->p);
    memset(ps, 0, sizeof *ps);
}

/* Columns after OFFICER_COLS. */
enum { C_ROLE = C_NEXT, C_SHARE, C_RFROM, C_RTO, C_RSRC, C_RREC, C_ENT, C_EUSCC, C_ENAME,
       C_EID, C_ENAME2, C_EEST, C_EDEREG, C_EREGION, C_EUSCC2, C_TID, C_TREGION, C_TFROM,
       C_TTO };

static const char path_sql[] =
    " SELECT " OFFICER_COLS ", er.role, er.share_pct, er.start_date, er.end_date,"
    " er.source_table, er.source_record, er.dst_entity, ee.id_no, ee.name,"
    " e.id, e.name, e.established_date, e.deregistered_date, e.region_code, e.uscc,"
    " t.id, t.region_code, t.registered_date, t.deregistered_date"
    " FROM people p JOIN officer o ON o.id = p.oid"
    " JOIN relation er ON er.src_entity = p.person AND er.kind = 'enterprise_role'"
    " JOIN entity ee ON ee.id = er.dst_entity"
    " LEFT JOIN mention me ON me.entity_id = er.dst_entity AND me.table_name = 'enterprise'"
    "  AND me.role = 'self'"
    " LEFT JOIN enterprise e ON e.id = me.record_id"
    " LEFT JOIN mention mt ON mt.entity_id = er.dst_entity"
    "  AND mt.table_name = 'tax_registration' AND mt.role = 'self'"
    " LEFT JOIN tax_registration t ON t.id = mt.record_id"
    " ORDER BY p.oid, p.person, p.rel_record, er.dst_entity";

static void add_rec(int64_t *a, int *n, int64_t id)
{
    for (int i = 0; i < *n; i++)
        if (a[i] == id)
            return;
    if (*n < MAX_RECS)
        a[(*n)++] = id;
}

/* Merge the current row into path p (same officer, person and enterprise). */
static void merge_row(zj_stmt *q, tv_path *p)
{
    if (!zj_stmt_is_null(q, C_EID)) {
        add_rec(p->ent_records, &p->nent, zj_stmt_int(q, C_EID));
        long est = zj_stmt_day(q, C_EEST, ZJ_DAY_MIN), der = zj_stmt_day(q, C_EDEREG, ZJ_DAY_MAX);
        if (!p->has_life) {
            p->est = est;
            p->dereg = der;
            p->has_life = true;
        } else {
            p->est = est < p->est ? est : p->est;
            p->dereg = der > p->dereg ? der : p->dereg;
        }
        if (!p->region[0])
            zj_region_of(zj_stmt_text(q, C_EREGION, NULL), zj_stmt_text(q, C_EUSCC2, NULL),
                         p->region);
        if (!p->name[0])
            cp(p->name, sizeof p->name, q, C_ENAME2);
    }
    if (!zj_stmt_is_null(q, C_TID)) {
        add_rec(p->tax_records, &p->ntax, zj_stmt_int(q, C_TID));
        long f = zj_stmt_day(q, C_TFROM, ZJ_DAY_MIN), t = zj_stmt_day(q, C_TTO, ZJ_DAY_MAX);
        p->tax_from = f < p->tax_from ? f : p->tax_from;
        p->tax_to = p->ntax == 1 || t > p->tax_to ? t : p->tax_to;
        if (!p->region[0] && !p->nent)
            zj_region_of(zj_stmt_text(q, C_TREGION, NULL), NULL, p->region);
    }
    const char *role = zj_stmt_text(q, C_ROLE, NULL);
    const char *src = zj_stmt_text(q, C_RSRC, NULL);
    int64_t rec = zj_stmt_int(q, C_RREC);
    for (int i = 0; i < p->nroles; i++)
        if (p->roles[i].src_record == rec && !strcmp(p->roles[i].src_table, src ? src : "") &&
            !strcmp(p->roles[i].role, role ? role : ""))
            return;
    if (p->nroles == MAX_ROLES)
        return;
    role_iv *r = &p->roles[p->nroles++];
    snprintf(r->role, sizeof r->role, "%s", role ? role : "");
    r->share = zj_stmt_is_null(q, C_SHARE) ? -1 : zj_stmt_double(q, C_SHARE);
    r->from = zj_stmt_day(q, C_RFROM, ZJ_DAY_MIN);
    r->to = zj_stmt_day(q, C_RTO, ZJ_DAY_MAX);
    snprintf(r->src_table, sizeof r->src_table, "%s", src ? src : "");
    r->src_record = rec;
}

/* Load the paths of the people `who` names, grouped per (officer row, person, enterprise). */
static int load_paths(zj_detect_ctx *c, int who, tv_paths *out, zj_error *err)
{
    memset(out, 0, sizeof *out);
    zj_buf sql = {0};
    zj_buf_puts(&sql, people_cte);
    zj_buf_puts(&sql, path_sql);
    if (!sql.data)
        return zj_fail(err, ZJ_EDATA, "out of memory");
    zj_stmt *q;
    int rc = zj_stmt_prepare(c->store, sql.data, &q, err);
    zj_buf_free(&sql);
    if (rc)
        return rc;
    bind_who(q, who);
    int step;
    tv_path *cur = NULL;
    while ((step = zj_stmt_next(q, err)) == 1) {
        officer_ref o;
        read_officer(q, &o);
        int64_t ent = zj_stmt_int(q, C_ENT);
        if (!cur || !same_person(&cur->o, &o) || cur->ent != ent) {
            if (out->n == out->cap) {
                size_t cap = out->cap ? 2 * out->cap : 64;
                tv_path *g = realloc(out->p, cap * sizeof *g);
                if (!g) {
                    rc = zj_fail(err, ZJ_EDATA, "out of memory");
                    break;
                }
                out->p = g;
                out->cap = cap;
            }
            cur = &out->p[out->n++];
            memset(cur, 0, sizeof *cur);
            cur->o = o;
            cur->ent = ent;
            cur->tax_from = ZJ_DAY_MAX;
            cur->tax_to = ZJ_DAY_MIN;
            cp(cur->uscc, sizeof cur->uscc, q, C_EUSCC);
            cp(cur->name, sizeof cur->name, q, C_ENAME);
        }
        merge_row(q, cur);
    }
    zj_stmt_finalize(q);
    if (!rc && step < 0)
        rc = ZJ_EDATA;
    if (rc)
        paths_free(out);
    return rc;
}

/* ---- the family's shared graph (one load per detect run) ---------------------------------- */

/* A screened person (officer or relative) who is a party in a case. */
typedef struct party_case {
    officer_ref o;
    char table[24], role[16], no[80], unit[32], handler[48], cause[96];
    int64_t record, party;
    long from, to;                  /* filed/received/accepted .. closed/decided */
} party_case;

typedef struct tv_graph {
    zj_units units;
    tv_paths paths;                 /* the officer and all relatives, every role */
    party_case *pc;                 /* sorted by officer row, person, relative record, date */
    size_t npc;
} tv_graph;

/* The case columns shared by the party queries: table, record, party role, party record,
 * number, unit, from, to, handler, cause. */
#define CASE_COLS                                                                           \
    "cp.dst_table, cp.dst_record, cp.role, cp.source_record,"                               \
    " coalesce(cc.case_no, pc.case_no, pl.case_no),"                                         \
    " coalesce(cc.court_code, pc.unit_code, pl.unit_code),"                                  \
    " coalesce(cc.filed_at, pc.received_at, pl.accepted_at),"                                \
    " coalesce(cc.closed_at, pc.decided_at, pl.closed_at),"                                  \
    " coalesce(cc.judge_officer_no, pc.officer_no, pl.officer_no), cc.cause"
#define CASE_JOINS                                                                          \
    " LEFT JOIN court_case cc ON cp.dst_table = 'court_case' AND cc.id = cp.dst_record"      \
    " LEFT JOIN procuratorate_case pc ON cp.dst_table = 'procuratorate_case'"                \
    "  AND pc.id = cp.dst_record"                                                            \
    " LEFT JOIN police_case pl ON cp.dst_table = 'police_case' AND pl.id = cp.dst_record"
enum { K_TABLE, K_RECORD, K_ROLE, K_PARTY, K_NO, K_UNIT, K_FROM, K_TO, K_HANDLER, K_CAUSE };

static const char party_sql[] =
    " SELECT " OFFICER_COLS ", " CASE_COLS
    " FROM people p JOIN officer o ON o.id = p.oid"
    " JOIN relation cp ON cp.src_entity = p.person AND cp.kind = 'case_party'"
    CASE_JOINS;

static void read_case(zj_stmt *q, int first, party_case *x)
{
    cp(x->table, sizeof x->table, q, first + K_TABLE);
    x->record = zj_stmt_int(q, first + K_RECORD);
    cp(x->role, sizeof x->role, q, first + K_ROLE);
    x->party = zj_stmt_int(q, first + K_PARTY);
    cp(x->no, sizeof x->no, q, first + K_NO);
    cp(x->unit, sizeof x->unit, q, first + K_UNIT);
    x->from = zj_stmt_day(q, first + K_FROM, ZJ_DAY_MIN);
    x->to = zj_stmt_day(q, first + K_TO, ZJ_DAY_MAX);
    cp(x->handler, sizeof x->handler, q, first + K_HANDLER);
    cp(x->cause, sizeof x->cause, q, first + K_CAUSE);
}

static int cmp_party_case(const void *a, const void *b)
{
    const party_case *x = a, *y = b;
    if (x->o.id != y->o.id)
        return x->o.id < y->o.id ? -1 : 1;
    if (x->o.person != y->o.person)
        return x->o.person < y->o.person ? -1 : 1;
    if (x->o.rel_record != y->o.rel_record)
        return x->o.rel_record < y->o.rel_record ? -1 : 1;
    if (x->from != y->from)
        return x->from < y->from ? -1 : 1;
    return (x->record > y->record) - (x->record < y->record);
}

static int load_party_cases(zj_detect_ctx *c, tv_graph *g, zj_error *err)
{
    zj_buf sql = {0};
    zj_buf_puts(&sql, people_cte);
    zj_buf_puts(&sql, party_sql);
    if (!sql.data)
        return zj_fail(err, ZJ_EDATA, "out of memory");
    zj_stmt *q;
    int rc = zj_stmt_prepare(c->store, sql.data, &q, err);
    zj_buf_free(&sql);
    if (rc)
        return rc;
    bind_who(q, WHO_SELF | WHO_RELATIVES);
    size_t cap = 0;
    int step;
    while ((step = zj_stmt_next(q, err)) == 1) {
        if (g->npc == cap) {
            cap = cap ? 2 * cap : 64;
            party_case *n = realloc(g->pc, cap * sizeof *n);
            if (!n) {
                zj_stmt_finalize(q);
                return zj_fail(err, ZJ_EDATA, "out of memory");
            }
            g->pc = n;
        }
        party_case *x = &g->pc[g->npc++];
        read_officer(q, &x->o);
        read_case(q, C_NEXT, x);
    }
    zj_stmt_finalize(q);
    if (step < 0)
        return ZJ_EDATA;
    if (g->npc)
        qsort(g->pc, g->npc, sizeof *g->pc, cmp_party_case);
    return ZJ_OK;
}

static void graph_free(void *v)
{
    tv_graph *g = v;
    zj_units_free(&g->units);
    paths_free(&g->paths);
    free(g->pc);
    free(g);
}

/* The graph of this detect run: loaded by the first TV detector, reused by the others. */
static int graph(zj_detect_ctx *c, tv_graph **out, zj_error *err)
{
    if ((*out = zj_detect_cache_get(c, "tv_graph")))
        return ZJ_OK;
    tv_graph *g = calloc(1, sizeof *g);
    if (!g)
        return zj_fail(err, ZJ_EDATA, "out of memory");
    int rc = zj_units_load(c->store, &g->units, err);
    if (!rc)
        rc = load_paths(c, WHO_SELF | WHO_RELATIVES, &g->paths, err);
    if (!rc)
        rc = load_party_cases(c, g, err);
    if (rc) {
        graph_free(g);
        return rc;
    }
    *out = g;
    return zj_detect_cache_put(c, "tv_graph", g, graph_free, err);
}

/* Does role r count for the detector (its `roles` list and `min_share_pct`)? */
static bool role_counts(const zj_detect_ctx *c, const role_iv *r)
{
    if (!zj_param_has(c, "roles", r->role, strlen(r->role)))
        return false;
    if (!strcmp(r->role, "shareholder") && r->share >= 0 &&
        r->share < zj_param_real(c, "min_share_pct"))
        return false;
    return true;
}

/* The days role r held, bounded by the enterprise's life. */
static void role_span(const tv_path *p, const role_iv *r, long *from, long *to)
{
    long lf = p->has_life ? p->est : p->ntax ? p->tax_from : ZJ_DAY_MIN;
    long lt = p->has_life ? p->dereg : p->ntax ? p->tax_to : ZJ_DAY_MAX;
    *from = r->from > lf ? r->from : lf;
    *to = r->to < lt ? r->to : lt;
}

/* Decide whether any counted role overlaps the tenure, and over which days. */
static void evaluate(const zj_detect_ctx *c, tv_path *p)
{
    p->active = false;
    p->from = ZJ_DAY_MAX;
    p->to = ZJ_DAY_MIN;
    for (int i = 0; i < p->nroles; i++) {
        if (!role_counts(c, &p->roles[i]))
            continue;
        long f, t;
        role_span(p, &p->roles[i], &f, &t);
        if (f < p->o.start)
            f = p->o.start;
        if (t > p->o.end)
            t = p->o.end;
        if (f > t)
            continue;
        p->active = true;
        p->from = f < p->from ? f : p->from;
        p->to = t > p->to ? t : p->to;
    }
}

/* ---- lead text ---------------------------------------------------------------------------- */

/* "法定代表人、股东 100%" / "legal representative, shareholder 100%" of the counted roles. */
static void roles_text(const zj_detect_ctx *c, const tv_path *p, zj_buf *b, bool zh)
{
    int n = 0;
    for (int i = 0; i < p->nroles; i++) {
        const role_iv *r = &p->roles[i];
        if (!role_counts(c, r))
            continue;
        bool dup = false;           /* the same role from two sources is named once */
        for (int j = 0; j < i; j++)
            if (!strcmp(p->roles[j].role, r->role) && role_counts(c, &p->roles[j]))
                dup = true;
        if (dup)
            continue;
        zj_buf_puts(b, n++ ? (zh ? "、" : ", ") : "");
        zj_buf_puts(b, zh ? zj_zh_role(r->role) : zj_en_role(r->role));
        double share = -1;
        for (int j = 0; j < p->nroles; j++)
            if (!strcmp(p->roles[j].role, r->role) && p->roles[j].share > share)
                share = p->roles[j].share;
        if (share >= 0)
            zj_buf_printf(b, " %g%%", share);
    }
}

static const char *ent_display(const tv_path *p)
{
    return p->name[0] ? p->name : p->uscc[0] ? "(无名称)" : "(unnamed)";
}

static void path_text(const zj_detect_ctx *c, const tv_path *p, zj_buf *b)
{
    zj_buf_printf(b, "干警 %s", p->o.no);
    if (strcmp(p->o.relation, "self"))
        zj_buf_printf(b, " → %s", zj_zh_relation(p->o.relation));
    zj_buf_puts(b, " → ");
    roles_text(c, p, b, true);
    zj_buf_printf(b, " → %s", ent_display(p));
}

/* Evidence shared by TV01-TV03: the officer, the relative, every counted role's record, the
 * enterprise's registry records and tax registrations. */
static int path_evidence(const zj_detect_ctx *c, const tv_path *p, zj_lead *l)
{
    int rc = zj_lead_evidence(l, "officer", p->o.id, "officer", NULL);
    if (!rc && p->o.rel_record)
        rc = zj_lead_evidence(l, "officer_relative", p->o.rel_record, p->o.relation, NULL);
    for (int i = 0; !rc && i < p->nroles; i++) {
        const role_iv *r = &p->roles[i];
        if (!role_counts(c, r) || !r->src_table[0])
            continue;
        char role[40], note[96] = "";
        snprintf(role, sizeof role, "%s role", r->role);
        zj_buf nb = {0};
        long f, t;
        role_span(p, r, &f, &t);
        if (r->share >= 0)
            zj_buf_printf(&nb, "%g%%, ", r->share);
        zj_buf_interval_en(&nb, f, t);
        if (nb.data)
            snprintf(note, sizeof note, "%s", nb.data);
        zj_buf_free(&nb);
        rc = zj_lead_evidence(l, r->src_table, r->src_record, role, note);
    }
    /* the registry and tax records, unless already there as the record of a role */
    for (int i = 0; !rc && i < p->nent; i++)
        if (!zj_lead_has_evidence(l, "enterprise", p->ent_records[i]))
            rc = zj_lead_evidence(l, "enterprise", p->ent_records[i], "enterprise", NULL);
    for (int i = 0; !rc && i < p->ntax; i++)
        if (!zj_lead_has_evidence(l, "tax_registration", p->tax_records[i]))
            rc = zj_lead_evidence(l, "tax_registration", p->tax_records[i], "tax registration",
                                  NULL);
    return rc ? ZJ_EDATA : ZJ_OK;
}

/* Key parts shared by TV01-TV03: officer record, relative record, enterprise. */
static int path_key(const tv_path *p, zj_lead *l)
{
    int rc = zj_lead_key_record(l, p->o.system, p->o.key);
    if (!rc)
        rc = zj_lead_key(l, p->o.relation, strlen(p->o.relation));
    if (!rc && p->o.rel_record)
        rc = zj_lead_key(l, p->o.rel_key, strlen(p->o.rel_key));
    if (!rc && p->uscc[0])
        rc = zj_lead_key(l, p->uscc, strlen(p->uscc));
    else if (!rc)
        rc = zj_lead_key(l, p->name, strlen(p->name));
    return rc;
}

/* The role of the person's mention in a role's source record (relations.c's sources). */
static const char *role_mention(const role_iv *r)
{
    return !strcmp(r->src_table, "enterprise_role") ? "person"
         : !strcmp(r->src_table, "tax_registration") && !strcmp(r->role, "finance_officer")
         ? "finance_officer" : "legal_rep";
}

/* Links without an ID on the path: the relative's declaration, each counted role's record, and
 * (TV04) the suits. Appended to the explanation as one Chinese and one English line. */
static int path_notes(zj_detect_ctx *c, const officer_ref *o, const tv_path *p,
                      const party_case *const *cs, size_t ncs, zj_lead *l, zj_error *err)
{
    zj_buf zh = {0}, en = {0};
    int noted = 0;
    int rc = o->rel_record ? zj_note_placement(c->store, l, "officer_relative", o->rel_record,
                                               "self", &zh, &en, &noted, err) : ZJ_OK;
    for (int i = 0; !rc && p && i < p->nroles; i++)
        if (role_counts(c, &p->roles[i]) && p->roles[i].src_table[0])
            rc = zj_note_placement(c->store, l, p->roles[i].src_table, p->roles[i].src_record,
                                   role_mention(&p->roles[i]), &zh, &en, &noted, err);
    for (size_t i = 0; !rc && i < ncs; i++)
        rc = zj_note_placement(c->store, l, "case_party", cs[i]->party, "party", &zh, &en,
                               &noted, err);
    if (!rc && noted)
        zj_buf_printf(&l->explanation, "\n路径中 %d 处人员无可信身份证号，按其他要素匹配：%s。\n%d "
                      "link(s) on the path rest on no ID: %s.", noted, zh.data, noted, en.data);
    zj_buf_free(&zh);
    zj_buf_free(&en);
    return rc;
}

/* Facts shared by TV01-TV03: officer, relation, enterprise, counted roles and the overlap. */
static int path_facts(const zj_detect_ctx *c, const tv_path *p, zj_lead *l)
{
    char d[11];
    int rc = zj_lead_fact_str(l, "enterprise_uscc", p->uscc[0] ? p->uscc : NULL) ||
             zj_lead_fact_str(l, "enterprise_name", p->name[0] ? p->name : NULL) ||
             zj_lead_fact_str(l, "enterprise_region", p->region[0] ? p->region : NULL);
    if (!rc && p->from != ZJ_DAY_MIN) {
        zj_day_format(p->from, d);
        rc = zj_lead_fact_str(l, "role_from", d);
    }
    if (!rc && p->to != ZJ_DAY_MAX) {
        zj_day_format(p->to, d);
        rc = zj_lead_fact_str(l, "role_to", d);
    }
    for (int i = 0; !rc && i < p->nroles; i++)
        if (role_counts(c, &p->roles[i])) {
            bool seen = false;
            for (int j = 0; j < i && !seen; j++)
                seen = role_counts(c, &p->roles[j]) && !strcmp(p->roles[j].role, p->roles[i].role);
            if (!seen)
                rc = zj_lead_fact_list_str(l, "roles", p->roles[i].role);
            if (!rc && p->roles[i].share >= 0)
                rc = zj_lead_fact_num(l, "share_pct", p->roles[i].share);
        }
    return rc ? ZJ_EDATA : ZJ_OK;
}

/* Facts every TV lead has: the officer and whose path it is. */
static int officer_facts(const officer_ref *o, zj_lead *l)
{
    return zj_lead_fact_str(l, "officer_no", o->no) || zj_lead_fact_str(l, "relation", o->relation)
         ? ZJ_EDATA : ZJ_OK;
}

static int clamp(int s)
{
    return s < 1 ? 1 : s > 4 ? 4 : s;
}

/* The unit sentence: "（西安市长安区人民法院，2015-03-01 起在职）". */
static void officer_text(const tv_path *p, const zj_unit_info *u, zj_buf *zh, zj_buf *en)
{
    zj_buf_printf(zh, "干警 %s（%s，任职 ", p->o.no, u ? u->name : p->o.unit);
    zj_buf_interval_zh(zh, p->o.start, p->o.end);
    zj_buf_puts(zh, "）");
    zj_buf_printf(en, "officer %s (%s, in post ", p->o.no, u ? u->name : p->o.unit);
    zj_buf_interval_en(en, p->o.start, p->o.end);
    zj_buf_puts(en, ")");
}

/* ---- TV03: a party in a case of the officer's own unit ------------------------------------ */

#define MAX_CASES 64

typedef struct conflict {
    officer_ref o;
    int64_t ent;
    const tv_path *path;            /* NULL for a person in person */
    party_case cases[MAX_CASES];
    int ncases, handled;
} conflict;

/* The cases of a conflict as facts. */
static int conflict_facts(const conflict *k, zj_lead *l)
{
    int rc = zj_lead_fact_int(l, "case_count", k->ncases) ||
             zj_lead_fact_int(l, "handled_by_officer", k->handled);
    for (int i = 0; !rc && i < k->ncases; i++)
        rc = zj_lead_fact_list_str(l, "case_nos", k->cases[i].no);
    return rc ? ZJ_EDATA : ZJ_OK;
}

static void cases_text(const conflict *k, zj_buf *b, bool zh)
{
    for (int i = 0; i < k->ncases; i++) {
        const party_case *x = &k->cases[i];
        bool h = !strcmp(x->handler, k->o.no);
        if (zh)
            zj_buf_printf(b, "%s%s（%s%s）", i ? "、" : "", x->no, x->role, h ? "，本人承办" : "");
        else
            zj_buf_printf(b, "%s%s (%s%s)", i ? ", " : "", x->no, x->role,
                          h ? ", handled by the officer" : "");
    }
}

/* True when `value` is an item of list parameter `name` of rules section `sec` (TV01 and TV02
 * read TV03's and TV04's definitions for their escalations, so each is defined once). */
static bool sec_has(const zj_detect_ctx *c, const char *sec, const char *name, const char *value)
{
    const char *const *it;
    size_t n = zj_rules_list(c->rules, sec, name, &it);
    for (size_t i = 0; value && i < n; i++)
        if (!strcmp(it[i], value))
            return true;
    return false;
}

/* Add case x to the conflict when it counts: a party role the rules (TV03) list, a case of
 * the officer's own unit, and a case whose days meet the link's [from, to]. */
static void consider(const zj_detect_ctx *c, conflict *k, const party_case *x, long from, long to)
{
    if (k->ncases == MAX_CASES || !sec_has(c, "TV03", "party_roles", x->role) ||
        strcmp(x->unit, k->o.unit) || x->from > to || x->to < from)
        return;
    for (int i = 0; i < k->ncases; i++)
        if (k->cases[i].record == x->record && !strcmp(k->cases[i].table, x->table))
            return;
    k->cases[k->ncases++] = *x;
    k->handled += !strcmp(x->handler, k->o.no);
}

static int emit_conflict(zj_detect_ctx *c, const conflict *k, const zj_units *units, zj_lead *l,
                         zj_error *err)
{
    const zj_unit_info *u = zj_units_find(units, k->o.unit);
    const char *uname = u ? u->name : k->o.unit;
    bool self = !strcmp(k->o.relation, "self");
    zj_lead_reset(l);
    int sev = c->severity;
    if (!k->handled)
        sev -= (int)zj_param_int(c, "unit_only_deescalation");
    l->severity = clamp(sev);
    l->subject_table = "officer";
    l->subject_id = k->o.id;
    snprintf(l->unit_code, sizeof l->unit_code, "%s", k->o.unit);
    zj_buf zh = {0}, en = {0}, rz = {0}, re = {0}, cz = {0}, ce = {0};
    cases_text(k, &cz, true);
    cases_text(k, &ce, false);
    const char *who_zh = self ? "干警本人" : zj_zh_relation(k->o.relation);
    const char *who_en = self ? "the officer" : zj_en_relation(k->o.relation);
    if (k->path) {
        roles_text(c, k->path, &rz, true);
        roles_text(c, k->path, &re, false);
        zj_buf_printf(&l->title, "%s任职企业为本单位案件当事人 / An enterprise where %s%s "
                      "holds a role is a party in a case of the officer's unit", who_zh,
                      self ? "" : "the officer's ", who_en);
        zj_buf_printf(&zh, "干警 %s（%s）的%s在 %s 任%s（", k->o.no, uname,
                      self ? "本人" : who_zh, ent_display(k->path), rz.data);
        zj_buf_interval_zh(&zh, k->path->from, k->path->to);
        zj_buf_printf(&zh, "），该企业是本单位 %d 件案件的当事人：%s", k->ncases, cz.data);
        zj_buf_printf(&en, "The %s of officer %s (%s) is %s of %s (", who_en, k->o.no, uname,
                      re.data, ent_display(k->path));
        zj_buf_interval_en(&en, k->path->from, k->path->to);
        zj_buf_printf(&en, "); the enterprise is a party in %d case(s) of the officer's unit: %s",
                      k->ncases, ce.data);
        path_text(c, k->path, &l->path);
        zj_buf_printf(&l->path, " → 当事人 → %s", cz.data);
    } else {
        zj_buf_printf(&l->title, "%s为本单位案件当事人 / %s%s is a party in a case of the "
                      "officer's unit", who_zh, self ? "The officer" : "The officer's ",
                      self ? "" : who_en);
        zj_buf_printf(&zh, "干警 %s（%s）的%s是本单位 %d 件案件的当事人：%s", k->o.no, uname,
                      self ? "本人" : who_zh, k->ncases, cz.data);
        zj_buf_printf(&en, "The %s of officer %s (%s) is a party in %d case(s) of the officer's "
                      "unit: %s", who_en, k->o.no, uname, k->ncases, ce.data);
        zj_buf_printf(&l->path, "干警 %s → %s → 当事人 → %s", k->o.no, who_zh, cz.data);
    }
    if (k->handled) {
        zj_buf_printf(&zh, "；其中 %d 件由该干警本人承办", k->handled);
        zj_buf_printf(&en, "; the officer handles %d of them", k->handled);
    }
    zj_buf_puts(&zh, "。未依法回避的，构成利益冲突。");
    zj_buf_puts(&en, ". A conflict of interest unless the officer withdrew (回避).");
    zj_buf_printf(&l->explanation, "%s\n%s", zh.data, en.data);
    bool oom = !zh.data || !en.data || !cz.data || !l->explanation.data;
    zj_buf_free(&zh);
    zj_buf_free(&en);
    zj_buf_free(&rz);
    zj_buf_free(&re);
    zj_buf_free(&cz);
    zj_buf_free(&ce);
    /* the finding is the link (officer, person, enterprise); its cases may grow */
    int rc = oom ? ZJ_EDATA : zj_lead_key_record(l, k->o.system, k->o.key);
    if (!rc)
        rc = zj_lead_key(l, k->o.relation, strlen(k->o.relation));
    if (!rc && k->o.rel_record)
        rc = zj_lead_key(l, k->o.rel_key, strlen(k->o.rel_key));
    if (!rc && k->path) {
        const char *e = k->path->uscc[0] ? k->path->uscc : k->path->name;
        rc = zj_lead_key(l, e, strlen(e));
        if (!rc)
            rc = path_evidence(c, k->path, l);
    } else if (!rc) {
        rc = zj_lead_evidence(l, "officer", k->o.id, "officer", NULL);
        if (!rc && k->o.rel_record)
            rc = zj_lead_evidence(l, "officer_relative", k->o.rel_record, k->o.relation, NULL);
    }
    if (!rc)
        rc = officer_facts(&k->o, l);
    if (!rc && k->path)
        rc = path_facts(c, k->path, l);
    if (!rc)
        rc = conflict_facts(k, l);
    if (!rc)
        rc = path_notes(c, &k->o, k->path, NULL, 0, l, err);
    for (int i = 0; !rc && i < k->ncases; i++) {
        const party_case *x = &k->cases[i];
        rc = zj_lead_evidence(l, x->table, x->record, "case",
                              !strcmp(x->handler, k->o.no) ? "handled by the officer" : NULL);
        if (!rc)
            rc = zj_lead_evidence(l, "case_party", x->party, "party", x->role);
    }
    if (rc)
        return zj_fail(err, ZJ_EDATA, "out of memory");
    return zj_sink_emit(c->sink, l, err);
}

/* Cases in which enterprise entity $1 is a party (one query per linked enterprise: these are
 * the few enterprises on the paths, not the registry). */
static const char ent_cases_sql[] =
    "SELECT " CASE_COLS " FROM relation cp" CASE_JOINS
    " WHERE cp.src_entity = $1 AND cp.kind = 'case_party'"
    " ORDER BY coalesce(cc.filed_at, pc.received_at, pl.accepted_at), cp.dst_record";

/* Fill k with the cases of the officer's unit in which path p's enterprise is a party while
 * the role lasts (p evaluated and active; q prepared from ent_cases_sql). */
static int path_cases(zj_detect_ctx *c, tv_path *p, zj_stmt *q, conflict *k, zj_error *err)
{
    memset(k, 0, sizeof *k);
    k->o = p->o;
    k->ent = p->ent;
    k->path = p;
    zj_stmt_bind_int(q, 1, p->ent);
    int step;
    while ((step = zj_stmt_next(q, err)) == 1) {
        party_case x;
        read_case(q, 0, &x);
        consider(c, k, &x, p->from, p->to);
    }
    zj_stmt_reset(q);
    return step < 0 ? ZJ_EDATA : ZJ_OK;
}

static int run_tv03(zj_detect_ctx *c, zj_error *err)
{
    tv_graph *g;
    int rc = graph(c, &g, err);
    if (rc)
        return rc;
    zj_stmt *q;
    if ((rc = zj_stmt_prepare(c->store, ent_cases_sql, &q, err)))
        return rc;
    conflict *k = calloc(1, sizeof *k);
    if (!k) {
        zj_stmt_finalize(q);
        return zj_fail(err, ZJ_EDATA, "out of memory");
    }
    zj_lead l = {0};
    /* enterprises on the paths */
    for (size_t i = 0; !rc && i < g->paths.n; i++) {
        tv_path *p = &g->paths.p[i];
        if (!covered(c, &p->o, true))
            continue;
        evaluate(c, p);
        if (!p->active)
            continue;
        rc = path_cases(c, p, q, k, err);
        if (!rc && k->ncases)
            rc = emit_conflict(c, k, &g->units, &l, err);
    }
    /* the officer or a relative in person */
    for (size_t i = 0, j; !rc && zj_param_bool(c, "person_parties") && i < g->npc; i = j) {
        for (j = i + 1; j < g->npc && same_person(&g->pc[j].o, &g->pc[i].o); j++)
            ;
        const officer_ref *o = &g->pc[i].o;
        if (!covered(c, o, true))
            continue;
        memset(k, 0, sizeof *k);
        k->o = *o;
        for (size_t m = i; m < j; m++)
            consider(c, k, &g->pc[m], o->start, o->end);
        if (k->ncases)
            rc = emit_conflict(c, k, &g->units, &l, err);
    }
    zj_stmt_finalize(q);
    zj_lead_free(&l);
    free(k);
    return rc;
}

/* ---- TV04: repeated private lender ------------------------------------------------------- */

static const char borrowers_sql[] =
    "SELECT count(DISTINCT src_entity) FROM relation WHERE kind = 'case_party'"
    " AND dst_table = 'court_case' AND dst_record = $1 AND src_entity <> $2"
    " AND role IN ('defendant', 'respondent')";

static bool lending_cause(const zj_detect_ctx *c, const char *cause)
{
    const char *const *it;
    size_t n = zj_rules_list(c->rules, "TV04", "causes", &it);
    for (size_t i = 0; cause && i < n; i++)
        if (strstr(cause, it[i]))
            return true;
    return false;
}

/* The longest run of cases (sorted by day) within `window` days: sets *first, returns its
 * length. */
static size_t best_window(const party_case *const *cs, size_t n, long window, size_t *first)
{
    size_t best = 0, lo = 0;
    *first = 0;
    for (size_t hi = 0; hi < n; hi++) {
        while (cs[hi]->from - cs[lo]->from > window)
            lo++;
        if (hi - lo + 1 > best) {
            best = hi - lo + 1;
            *first = lo;
        }
    }
    return best;
}

/* A repeated lender: the person's suits as lender while the officer is in post, the busiest
 * window of them and its different borrowers - by TV04's rules (TV01 and TV02 escalate on
 * it). cs holds the pointers (room for every case of the person). */
typedef struct lending {
    const party_case **cs;
    size_t first, k;                 /* the window: cs[first .. first + k) */
    int64_t borrowers;
    bool found;
} lending;

static int find_lending(zj_detect_ctx *c, const party_case *pc, size_t n, zj_stmt *borrowers,
                        lending *out, zj_error *err)
{
    const officer_ref *o = &pc[0].o;
    size_t m = 0;
    out->found = false;
    for (size_t i = 0; i < n; i++) {
        const party_case *x = &pc[i];
        if (strcmp(x->table, "court_case") || x->from == ZJ_DAY_MIN ||
            !sec_has(c, "TV04", "lender_roles", x->role) || !lending_cause(c, x->cause) ||
            x->from < o->start || x->from > o->end || (m && out->cs[m - 1]->record == x->record))
            continue;
        out->cs[m++] = x;
    }
    out->k = best_window(out->cs, m, (long)zj_rules_int(c->rules, "TV04", "window_days"),
                         &out->first);
    if ((int64_t)out->k < zj_rules_int(c->rules, "TV04", "min_cases"))
        return ZJ_OK;
    /* different borrowers over the window's cases: each case's defendants, counted once
     * per case (one query per case of a would-be lead: a handful) */
    out->borrowers = 0;
    for (size_t i = out->first; i < out->first + out->k; i++) {
        zj_stmt_bind_int(borrowers, 1, out->cs[i]->record);
        zj_stmt_bind_int(borrowers, 2, o->person);
        int step = zj_stmt_next(borrowers, err);
        if (step == 1)
            out->borrowers += zj_stmt_int(borrowers, 0) > 0;
        zj_stmt_reset(borrowers);
        if (step != 1)
            return ZJ_EDATA;
    }
    out->found = out->borrowers >= zj_rules_int(c->rules, "TV04", "min_borrowers");
    return ZJ_OK;
}

static int emit_lender(zj_detect_ctx *c, const officer_ref *o, const lending *ln,
                       const zj_units *units, zj_lead *l, zj_error *err)
{
    const party_case *const *cs = ln->cs;
    size_t first = ln->first, k = ln->k;
    const zj_unit_info *u = zj_units_find(units, o->unit);
    bool self = !strcmp(o->relation, "self");
    zj_lead_reset(l);
    l->severity = clamp(c->severity);
    l->subject_table = "officer";
    l->subject_id = o->id;
    snprintf(l->unit_code, sizeof l->unit_code, "%s", o->unit);
    const char *who_zh = self ? "干警本人" : zj_zh_relation(o->relation);
    const char *who_en = self ? "the officer" : zj_en_relation(o->relation);
    char d0[11], d1[11];
    zj_day_format(cs[first]->from, d0);
    zj_day_format(cs[first + k - 1]->from, d1);
    zj_buf_printf(&l->title, "%s频繁作为民间借贷原告 / %s%s repeatedly sues as a private lender",
                  who_zh, self ? "" : "Officer's ", self ? "Officer" : who_en);
    zj_buf_printf(&l->explanation,
                  "干警 %s（%s）的%s在 %s 至 %s 间作为原告提起 %zu 件民间借贷诉讼，涉及 %lld 名不同借款人，"
                  "疑似从事放贷（违规借贷）。\nThe %s of officer %s (%s) filed %zu private-lending "
                  "suits as plaintiff between %s and %s against %lld different borrowers: "
                  "possible money lending.",
                  o->no, u ? u->name : o->unit, self ? "本人" : who_zh, d0, d1, k,
                  (long long)ln->borrowers, who_en, o->no, u ? u->name : o->unit, k, d0, d1,
                  (long long)ln->borrowers);
    zj_buf_printf(&l->path, "干警 %s → %s → 民间借贷原告 ×%zu", o->no, who_zh, k);
    int rc = zj_lead_key_record(l, o->system, o->key);
    if (!rc)
        rc = zj_lead_key(l, o->relation, strlen(o->relation));
    if (!rc && o->rel_record)
        rc = zj_lead_key(l, o->rel_key, strlen(o->rel_key));
    if (!rc)
        rc = zj_lead_evidence(l, "officer", o->id, "officer", NULL);
    if (!rc && o->rel_record)
        rc = zj_lead_evidence(l, "officer_relative", o->rel_record, o->relation, NULL);
    for (size_t i = first; !rc && i < first + k; i++) {
        rc = zj_lead_evidence(l, "court_case", cs[i]->record, "case", cs[i]->no);
        if (!rc)
            rc = zj_lead_evidence(l, "case_party", cs[i]->party, "lender (plaintiff)", NULL);
    }
    if (!rc)
        rc = officer_facts(o, l);
    if (!rc)
        rc = zj_lead_fact_int(l, "case_count", (int64_t)k) ||
             zj_lead_fact_int(l, "borrower_count", ln->borrowers) ||
             zj_lead_fact_str(l, "first_filed", d0) || zj_lead_fact_str(l, "last_filed", d1) ||
             zj_lead_fact_int(l, "span_days", cs[first + k - 1]->from - cs[first]->from) ||
             zj_lead_fact_int(l, "window_days", zj_param_int(c, "window_days"))
             ? ZJ_EDATA : ZJ_OK;
    for (size_t i = first; !rc && i < first + k; i++) {
        char d[11];
        zj_day_format(cs[i]->from, d);
        rc = zj_lead_fact_list_str(l, "case_nos", cs[i]->no) ||
             zj_lead_fact_list_str(l, "filed", d) ? ZJ_EDATA : ZJ_OK;
    }
    if (!rc)
        rc = path_notes(c, o, NULL, cs + first, k, l, err);
    if (rc || !l->explanation.data)
        return zj_fail(err, ZJ_EDATA, "out of memory");
    return zj_sink_emit(c->sink, l, err);
}

static int run_tv04(zj_detect_ctx *c, zj_error *err)
{
    tv_graph *g;
    int rc = graph(c, &g, err);
    if (rc)
        return rc;
    zj_stmt *borrowers;
    if ((rc = zj_stmt_prepare(c->store, borrowers_sql, &borrowers, err)))
        return rc;
    lending ln = {.cs = calloc(g->npc ? g->npc : 1, sizeof *ln.cs)};
    if (!ln.cs)
        rc = zj_fail(err, ZJ_EDATA, "out of memory");
    zj_lead l = {0};
    for (size_t i = 0, j; !rc && i < g->npc; i = j) {
        for (j = i + 1; j < g->npc && same_person(&g->pc[j].o, &g->pc[i].o); j++)
            ;
        if (!covered(c, &g->pc[i].o, true))
            continue;
        rc = find_lending(c, &g->pc[i], j - i, borrowers, &ln, err);
        if (!rc && ln.found)
            rc = emit_lender(c, &g->pc[i].o, &ln, &g->units, &l, err);
    }
    free(ln.cs);
    zj_lead_free(&l);
    zj_stmt_finalize(borrowers);
    return rc;
}

/* The person's rows in g->pc (sorted by officer row, person, relative record): *first, count. */
static size_t person_cases(const tv_graph *g, const officer_ref *o, size_t *first)
{
    size_t lo = 0, hi = g->npc;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        const officer_ref *x = &g->pc[mid].o;
        bool less = x->id != o->id ? x->id < o->id
                  : x->person != o->person ? x->person < o->person
                  : x->rel_record < o->rel_record;
        if (less)
            lo = mid + 1;
        else
            hi = mid;
    }
    *first = lo;
    size_t n = 0;
    while (lo + n < g->npc && same_person(&g->pc[lo + n].o, o))
        n++;
    return n;
}

/* ---- TV01 / TV02 ------------------------------------------------------------------------- */

static int run_business(zj_detect_ctx *c, bool self, zj_error *err)
{
    tv_graph *g;
    int rc = graph(c, &g, err);
    if (rc)
        return rc;
    tv_paths ps = g->paths;
    zj_units units = g->units;
    bool need_juris = !self && zj_param_bool(c, "require_jurisdiction");
    zj_lead l = {0};
    zj_buf zh = {0}, en = {0}, roles_zh = {0}, roles_en = {0}, cz = {0};
    /* escalations: the enterprise in a case of the officer's unit (TV03's test), the person a
     * repeated lender (TV04's test) */
    zj_stmt *cases = NULL, *borrowers = NULL;
    conflict *k = calloc(1, sizeof *k);
    lending ln = {.cs = calloc(g->npc ? g->npc : 1, sizeof *ln.cs)};
    if (!k || !ln.cs)
        rc = zj_fail(err, ZJ_EDATA, "out of memory");
    if (!rc)
        rc = zj_stmt_prepare(c->store, ent_cases_sql, &cases, err);
    if (!rc)
        rc = zj_stmt_prepare(c->store, borrowers_sql, &borrowers, err);
    for (size_t i = 0; !rc && i < ps.n; i++) {
        tv_path *p = &ps.p[i];
        if (!strcmp(p->o.relation, "self") != self || !covered(c, &p->o, self))
            continue;
        evaluate(c, p);
        if (!p->active)
            continue;
        const zj_unit_info *u = zj_units_find(&units, p->o.unit);
        bool juris = zj_in_jurisdiction(u, p->region);
        if (need_juris && !juris)
            continue;
        zj_lead_reset(&l);
        zj_buf_clear(&zh);
        zj_buf_clear(&en);
        zj_buf_clear(&roles_zh);
        zj_buf_clear(&roles_en);
        roles_text(c, p, &roles_zh, true);
        roles_text(c, p, &roles_en, false);
        int sev = c->severity;
        if (self && juris)
            sev += (int)zj_param_int(c, "jurisdiction_escalation");
        if (!self && p->o.leader)
            sev += (int)zj_param_int(c, "leader_escalation");
        if (!self && !juris)
            sev -= 1;
        if ((rc = path_cases(c, p, cases, k, err)))
            break;
        size_t pc0, npc = person_cases(g, &p->o, &pc0);
        ln.found = false;
        if (npc && (rc = find_lending(c, &g->pc[pc0], npc, borrowers, &ln, err)))
            break;
        if (k->ncases)
            sev += (int)zj_param_int(c, "conflict_escalation");
        if (ln.found)
            sev += (int)zj_param_int(c, "lender_escalation");
        l.severity = clamp(sev);
        l.subject_table = "officer";
        l.subject_id = p->o.id;
        snprintf(l.unit_code, sizeof l.unit_code, "%s", p->o.unit);
        const char *rzh = self ? "干警本人" : zj_zh_relation(p->o.relation);
        const char *ren = self ? "Officer" : zj_en_relation(p->o.relation);
        zj_buf_printf(&l.title, "%s在%s市场主体任%s / %s%s holds a role (%s) in %s enterprise",
                      self ? "干警本人" : zj_zh_relation(p->o.relation),
                      juris ? "辖区内" : "", roles_zh.data, self ? "" : "Officer's ",
                      self ? "Officer" : zj_en_relation(p->o.relation), roles_en.data,
                      juris ? "an in-jurisdiction" : "an");
        officer_text(p, u, &zh, &en);
        char region_name[160] = "";
        if (p->region[0])
            snprintf(region_name, sizeof region_name, "%s", p->region);
        zj_buf_printf(&zh, "的%s在 %s（登记地区划 %s）担任%s，有效期间 ", self ? "本人" : rzh,
                      ent_display(p), region_name[0] ? region_name : "不详", roles_zh.data);
        zj_buf_printf(&en, ": %s is %s of %s (registered in region %s); the role overlaps the "
                      "tenure ", self ? "the officer" : ren, roles_en.data, ent_display(p),
                      region_name[0] ? region_name : "unknown");
        zj_buf_interval_zh(&zh, p->from, p->to);
        zj_buf_interval_en(&en, p->from, p->to);
        zj_buf_puts(&zh, "，与任职期间重叠");
        if (juris) {
            zj_buf_puts(&zh, "；企业登记地在干警所在单位辖区内");
            zj_buf_puts(&en, "; the enterprise is registered within the jurisdiction of the "
                        "officer's unit");
        }
        if (p->ntax) {
            zj_buf_puts(&zh, "；该主体有税务登记");
            zj_buf_puts(&en, "; it is registered for tax");
        }
        if (!self && p->o.leader) {
            zj_buf_puts(&zh, "；干警为领导干部");
            zj_buf_puts(&en, "; the officer is a leading cadre");
        }
        if (k->ncases) {
            zj_buf_clear(&cz);
            cases_text(k, &cz, true);
            zj_buf_printf(&zh, "；该企业是本单位案件的当事人：%s（利益冲突，另见 TV03）", cz.data);
            zj_buf_clear(&cz);
            cases_text(k, &cz, false);
            zj_buf_printf(&en, "; the enterprise is a party in case(s) of the officer's unit: %s "
                          "(a conflict of interest, see TV03)", cz.data);
        }
        if (ln.found) {
            long window = (long)zj_rules_int(c->rules, "TV04", "window_days");
            zj_buf_printf(&zh, "；%s %ld 天内作为原告提起 %zu 件民间借贷诉讼（另见 TV04）",
                          self ? "干警本人" : rzh, window, ln.k);
            zj_buf_printf(&en, "; %s sued as a private lender %zu times within %ld days (see "
                          "TV04)", self ? "the officer" : ren, ln.k, window);
        }
        zj_buf_puts(&zh, "。");
        zj_buf_puts(&en, ".");
        zj_buf_printf(&l.explanation, "%s\n%s", zh.data, en.data);
        path_text(c, p, &l.path);
        rc = path_key(p, &l) || path_evidence(c, p, &l) || officer_facts(&p->o, &l) ||
             path_facts(c, p, &l) || zj_lead_fact_bool(&l, "in_jurisdiction", juris) ||
             zj_lead_fact_bool(&l, "lender", ln.found) ||
             (k->ncases && conflict_facts(k, &l)) ? ZJ_EDATA : ZJ_OK;
        for (int j = 0; !rc && j < k->ncases; j++)
            rc = zj_lead_evidence(&l, k->cases[j].table, k->cases[j].record, "case",
                                  "party in a case of the officer's unit");
        if (rc || !l.explanation.data)
            rc = zj_fail(err, ZJ_EDATA, "out of memory");
        if (!rc)
            rc = path_notes(c, &p->o, p, NULL, 0, &l, err);
        if (!rc)
            rc = zj_sink_emit(c->sink, &l, err);
    }
    zj_stmt_finalize(cases);
    zj_stmt_finalize(borrowers);
    free(k);
    free(ln.cs);
    zj_lead_free(&l);
    zj_buf_free(&zh);
    zj_buf_free(&en);
    zj_buf_free(&roles_zh);
    zj_buf_free(&roles_en);
    zj_buf_free(&cz);
    return rc;
}

static int run_tv01(zj_detect_ctx *c, zj_error *err)
{
    return run_business(c, true, err);
}

static int run_tv02(zj_detect_ctx *c, zj_error *err)
{
    return run_business(c, false, err);
}

/* ---- the detectors ------------------------------------------------------------------------ */

#define ROLE_CHOICES "legal_rep,shareholder,director,supervisor,manager,operator,finance_officer"
#define RELATION_CHOICES "spouse,child,child_spouse,parent,sibling"
#define ESCALATIONS                                                                         \
    {"conflict_escalation", ZJ_PARAM_INT, "1", "severity added when the enterprise is a "     \
     "party in a case of the officer's unit (TV03's test, with TV03's party_roles)", 0, 3,    \
     NULL},                                                                                  \
    {"lender_escalation", ZJ_PARAM_INT, "1", "severity added when the person is a repeated "  \
     "private lender (TV04's test and parameters)", 0, 3, NULL}

static const zj_param tv01_params[] = {
    {"roles", ZJ_PARAM_LIST, "legal_rep,shareholder,director,supervisor,manager,operator",
     "enterprise roles that count as doing business", 0, 0, ROLE_CHOICES},
    {"min_share_pct", ZJ_PARAM_REAL, "0", "shareholdings below this percentage do not count",
     0, 100, NULL},
    {"jurisdiction_escalation", ZJ_PARAM_INT, "1",
     "severity added when the enterprise is registered in the officer's jurisdiction", 0, 3,
     NULL},
    ESCALATIONS,
    {NULL, 0, NULL, NULL, 0, 0, NULL},
};

static const zj_param tv02_params[] = {
    {"relations", ZJ_PARAM_LIST, "spouse,child,child_spouse", "relatives screened", 0, 0,
     RELATION_CHOICES},
    {"roles", ZJ_PARAM_LIST, "legal_rep,shareholder,director,supervisor,manager,operator",
     "enterprise roles that count as doing business", 0, 0, ROLE_CHOICES},
    {"min_share_pct", ZJ_PARAM_REAL, "0", "shareholdings below this percentage do not count",
     0, 100, NULL},
    {"require_jurisdiction", ZJ_PARAM_BOOL, "true",
     "only enterprises registered in the officer's jurisdiction (false: all, outside ones one "
     "severity lower)", 0, 0, NULL},
    {"leader_escalation", ZJ_PARAM_INT, "1", "severity added when the officer is a leading cadre",
     0, 3, NULL},
    ESCALATIONS,
    {NULL, 0, NULL, NULL, 0, 0, NULL},
};

static const zj_param tv03_params[] = {
    {"relations", ZJ_PARAM_LIST, "spouse,child,child_spouse",
     "relatives screened (the officer always is)", 0, 0, RELATION_CHOICES},
    {"roles", ZJ_PARAM_LIST, "legal_rep,shareholder,director,supervisor,manager,operator",
     "enterprise roles that tie an enterprise to the person", 0, 0, ROLE_CHOICES},
    {"min_share_pct", ZJ_PARAM_REAL, "0", "shareholdings below this percentage do not count",
     0, 100, NULL},
    {"person_parties", ZJ_PARAM_BOOL, "true",
     "also the officer or relative in person as a party", 0, 0, NULL},
    {"party_roles", ZJ_PARAM_LIST,
     "plaintiff,defendant,third_party,applicant,respondent,appellant,appellee,executor,debtor,"
     "suspect,victim", "party roles that count", 0, 0, NULL},
    {"unit_only_deescalation", ZJ_PARAM_INT, "1",
     "severity removed when the officer does not handle the case personally", 0, 3, NULL},
    {NULL, 0, NULL, NULL, 0, 0, NULL},
};

static const zj_param tv04_params[] = {
    {"relations", ZJ_PARAM_LIST, "spouse,child,child_spouse",
     "relatives screened (the officer always is)", 0, 0, RELATION_CHOICES},
    {"causes", ZJ_PARAM_LIST, "民间借贷", "causes of action that are lending (substring)", 0, 0,
     NULL},
    {"lender_roles", ZJ_PARAM_LIST, "plaintiff", "party roles of the lender", 0, 0, NULL},
    {"min_cases", ZJ_PARAM_INT, "3", "suits within the window that make a lead", 2, 1000, NULL},
    {"min_borrowers", ZJ_PARAM_INT, "3", "different borrowers sued within the window", 1, 1000,
     NULL},
    {"window_days", ZJ_PARAM_INT, "730", "length of the window (default: the 2 years of "
     "法发〔2019〕24号 art. 1; provincial high courts set their own)", 1, 3660, NULL},
    {NULL, 0, NULL, NULL, 0, 0, NULL},
};

const zj_detector zj_detector_tv01 = {
    "TV01", "干警违规经商办企业", "Officer doing business (holding an enterprise role)",
    "《中华人民共和国公务员法》第五十九条第十六项（不得违反有关规定从事或者参与营利性活动，在企业或者其他营利性组织中兼任职务）；"
    "《中国共产党纪律处分条例》（2018）第九十四条（违规经商办企业）；政法队伍教育整顿“三个违规”专项整治",
    3, tv01_params, run_tv01,
};

const zj_detector zj_detector_tv02 = {
    "TV02", "配偶、子女及其配偶违规从事经营活动",
    "Spouse, child or child's spouse doing business in the officer's jurisdiction",
    "《中国共产党纪律处分条例》（2018）第九十五条（党员领导干部的配偶、子女及其配偶违反有关规定在该党员领导干部管辖的地区或者业务范围内从事可能影响其公正执行公务的经营活动）；"
    "《关于进一步规范领导干部配偶、子女及其配偶经商办企业行为的规定》；政法队伍教育整顿“三个违规”专项整治",
    3, tv02_params, run_tv02,
};

const zj_detector zj_detector_tv03 = {
    "TV03", "利益冲突：本人或近亲属关联主体为本单位案件当事人",
    "Conflict of interest: the officer's or a relative's enterprise is a party in a case of the officer's unit",
    "《中华人民共和国法官法》（2019年修订）第二十四条、《中华人民共和国检察官"
    "法》（2019年修订）第二十五条（配偶、父母、子女在任职法院、检察院辖区内从"
    "事律师职业的任职回避）；《中华人民共和国刑事诉讼法》（2018年修正）第二十"
    "九条、《中华人民共和国民事诉讼法》（2023年修正）第四十七条（审判、检察、"
    "侦查人员是当事人近亲属或与本案有利害关系的回避）",
    4, tv03_params, run_tv03,
};

const zj_detector zj_detector_tv04 = {
    "TV04", "违规借贷：本人或近亲属频繁作为民间借贷出借人",
    "Irregular lending: the officer or a relative as a repeated private lender",
    "《全国法院民商事审判工作会议纪要》（法〔2019〕254号）第53条（同一出"
    "借人在一定期间内多次反复从事有偿民间借贷行为的，一般可以认定为职业放贷人；具"
    "体标准由高级人民法院确定）；《最高人民法院、最高人民检察院、公安部、司法部关"
    "于办理非法放贷刑事案件若干问题的意见》（法发〔2019〕24号）第一条（“经"
    "常性”：2年内出借资金10次以上，本规则默认期间取其2年）；《最高人民法院关"
    "于审理民间借贷案件适用法律若干问题的规定》（法释〔2020〕17号）第十三条"
    "第（三）项（未依法取得放贷资格的出借人以营利为目的向社会不特定对象提供借款的"
    "合同无效）；《中国共产党纪律处分条例》（2018）第九十四条第一款第（六）项"
    "（其他违反有关规定从事营利活动）；政法队伍教育整顿“违规参股借贷”整治",
    3, tv04_params, run_tv04,
};
