/* filing_index.c - building the filing check's read-only index from the store (立案辅助索引).
 *
 * Reads court, procuratorate and police cases, their parties and the entity linking gave each
 * party (mention, role 'party'), the relations graph (relatives, enterprise roles) and the
 * FL01-FL04 rules. Parties get an identity key: their
 * entity when linked, else their normalised resident ID or credit code, else the record
 * itself. Sorted (key, party) arrays give the look-ups a check needs.
 *
 * The one-record resolver (link/resolve.h: every mention of both kinds, the bulk of the work)
 * is built on a connection of its own on a second thread while this one loads the cases, and
 * is shared by reference with the next index when linking has not moved since (the stamp).
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <xxhash.h>

#include "detect/common.h"
#include "detect/filing_index.h"
#include "detect/scope.h"
#include "link/link.h"
#include "link/party_names.h"
#include "text/ident_norm.h"
#include "text/address.h"
#include "text/shingle.h"
#include "text/phone.h"

uint64_t zj_filing_hash(const char *s, size_t n)
{
    uint64_t h = XXH3_64bits(s, n);
    return h ? h : 1;
}

/* Trimmed ASCII blanks and ideographic spaces off both ends. */
static void trim(const char **s, size_t *n)
{
    while (*n && ((*s)[0] == ' ' || (*s)[0] == '\t'))
        (*s)++, (*n)--;
    while (*n && ((*s)[*n - 1] == ' ' || (*s)[*n - 1] == '\t'))
        (*n)--;
    while (*n >= 3 && !memcmp(*s, "\xe3\x80\x80", 3))
        *s += 3, *n -= 3;
    while (*n >= 3 && !memcmp(*s + *n - 3, "\xe3\x80\x80", 3))
        *n -= 3;
}

uint64_t zj_filing_text_key(const char *s)
{
    if (!s)
        return 0;
    size_t n = strlen(s);
    trim(&s, &n);
    return n ? zj_filing_hash(s, n) : 0;
}

uint64_t zj_filing_address_key(const char *s)
{
    zj_address a;
    if (!s || !s[0] || zj_address_parse(s, strlen(s), &a, NULL) != 0 || !a.house[0])
        return zj_filing_text_key(s);
    char buf[sizeof a.road + sizeof a.house + sizeof a.rest + 4];
    int n = snprintf(buf, sizeof buf, "@%s#%s/%s", a.road, a.house, a.rest);
    return zj_filing_hash(buf, (size_t)n);
}

uint64_t zj_filing_id_key(const char *id_no)
{
    if (!id_no || !id_no[0])
        return 0;
    char buf[64];
    size_t n = zj_ident_fold(id_no, strlen(id_no), buf, sizeof buf, true);
    if (n == 0 || n >= sizeof buf)
        return 0;
    return zj_filing_hash(buf, n) | 1;
}

uint64_t zj_filing_phone_key(const char *phone)
{
    if (!phone || !phone[0])
        return 0;
    zj_phone p;
    const char *why;
    if (zj_phone_parse(phone, strlen(phone), &p, &why) == 0)
        return zj_filing_hash(p.normalized, strlen(p.normalized));
    return zj_filing_text_key(phone);
}

uint64_t zj_filing_lawyer_key(const char *name, const char *license)
{
    if (license && license[0])
        return zj_filing_text_key(license) ^ 0x9e3779b97f4a7c15ull;
    return zj_filing_text_key(name);
}

int zj_filing_side(const char *role)
{
    /* the store's role codes and, for what a filing window types, their Chinese names */
    static const char *const plaintiff[] = {"plaintiff", "applicant", "appellant", "executor",
                                            "claimant", "原告", "申请人", "上诉人",
                                            "申请执行人", "起诉人", NULL};
    static const char *const defendant[] = {"defendant", "respondent", "suspect", "debtor",
                                            "appellee", "accused", "被告", "被申请人",
                                            "被上诉人", "被执行人", "犯罪嫌疑人", NULL};
    for (int i = 0; role && plaintiff[i]; i++)
        if (!strcmp(role, plaintiff[i]))
            return SIDE_PLAINTIFF;
    for (int i = 0; role && defendant[i]; i++)
        if (!strcmp(role, defendant[i]))
            return SIDE_DEFENDANT;
    return SIDE_OTHER;
}

const char *zj_filing_case_kind(const char *t)
{
    if (!t || !t[0])
        return "other";
    if (!strncmp(t, "民", 3))
        return "civil";
    if (!strncmp(t, "行", 3))
        return "administrative";
    if (!strncmp(t, "刑", 3))
        return "criminal";
    if (!strncmp(t, "执", 3))
        return "enforcement";
    if (!strncmp(t, "破", 3))
        return "bankruptcy";
    return "other";
}

static uint8_t kind_code(const char *t)
{
    const char *k = zj_filing_case_kind(t);
    return !strcmp(k, "civil") ? FK_CIVIL : !strcmp(k, "administrative") ? FK_ADMIN
         : !strcmp(k, "criminal") ? FK_CRIMINAL : !strcmp(k, "enforcement") ? FK_ENFORCE
         : !strcmp(k, "bankruptcy") ? FK_BANKRUPT : FK_OTHER;
}

static uint8_t outcome_code(const char *o)
{
    if (!o || !o[0])
        return OUT_PENDING;
    return !strcmp(o, "judgment") || !strcmp(o, "conviction") ? OUT_JUDGMENT
         : !strcmp(o, "mediation") ? OUT_MEDIATION : !strcmp(o, "withdrawn") ? OUT_WITHDRAWN
         : !strcmp(o, "dismissed") ? OUT_DISMISSED : OUT_OTHER;
}

size_t zj_filing_lower(const fl_pair *a, size_t n, uint64_t key)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (a[mid].key < key)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < n && a[lo].key == key ? lo : n;
}

/* ---- building ------------------------------------------------------------------------------ */

static uint32_t put_str(zj_filing_index *ix, const char *s, bool *oom)
{
    size_t n = s ? strlen(s) : 0;
    if (ix->pool_len + n + 1 > ix->pool_cap) {
        size_t cap = ix->pool_cap ? ix->pool_cap : 1 << 16;
        while (cap < ix->pool_len + n + 1)
            cap *= 2;
        char *g = realloc(ix->pool, cap);
        if (!g || cap > UINT32_MAX) {
            free(g == ix->pool ? NULL : g);
            *oom = true;
            return 0;
        }
        ix->pool = g;
        ix->pool_cap = cap;
    }
    uint32_t off = (uint32_t)ix->pool_len;
    if (n)
        memcpy(ix->pool + off, s, n);
    ix->pool[off + n] = '\0';
    ix->pool_len += n + 1;
    return off;
}

static uint8_t defence_code(const char *d)
{
    if (!d || !d[0])
        return DEF_UNKNOWN;
    return !strcmp(d, "contested") ? DEF_CONTESTED : !strcmp(d, "no_answer") ? DEF_NO_ANSWER
         : !strcmp(d, "default") ? DEF_DEFAULT : !strcmp(d, "admitted") ? DEF_ADMITTED
         : DEF_UNKNOWN;
}

/* A case's claims as shingles at the end of the index's pool. */
static int add_claims(zj_filing_index *ix, fl_case *c, const char *claims)
{
    if (!claims || !claims[0])
        return ZJ_OK;
    uint32_t *g = zj_grow(ix->shingles, &ix->shingles_cap, ix->nshingles + FL_MAX_SHINGLES,
                          sizeof *g, 1 << 16);
    if (!g || ix->nshingles > UINT32_MAX - FL_MAX_SHINGLES)
        return ZJ_EDATA;
    ix->shingles = g;
    size_t n = zj_shingles(claims, strlen(claims), ix->shingles + ix->nshingles, FL_MAX_SHINGLES);
    c->claims_at = (uint32_t)ix->nshingles;
    c->nclaims = (uint32_t)n;
    ix->nshingles += n;
    return ZJ_OK;
}

static int add_case(zj_filing_index *ix, int64_t id, const char *table, zj_stmt *q, uint8_t kind,
                    long filed, long closed, uint8_t outcome)
{
    fl_case *g = zj_grow(ix->cases, &ix->cases_cap, ix->ncases + 1, sizeof *g, 1024);
    if (!g)
        return ZJ_EDATA;
    ix->cases = g;
    bool oom = false;
    fl_case *c = &ix->cases[ix->ncases];
    memset(c, 0, sizeof *c);
    c->id = id;
    c->table = table;
    c->case_no = put_str(ix, zj_stmt_text(q, 1, NULL), &oom);
    c->cause = put_str(ix, zj_stmt_text(q, 2, NULL), &oom);
    c->kind = kind;
    c->outcome = outcome;
    c->filed = filed;
    c->closed = closed;
    if (!strcmp(table, "court_case")) {      /* only the court's record has these */
        c->defence = defence_code(zj_stmt_text(q, 7, NULL));
        if (add_claims(ix, c, zj_stmt_text(q, 8, NULL)))
            oom = true;
    }
    if (oom)
        return ZJ_EDATA;
    ix->ncases++;
    return ZJ_OK;
}

/* Court: 0 id, 1 case_no, 2 cause, 3 case_type, 4 filed_at, 5 closed_at, 6 outcome, 7 defence,
 * 8 claims: only the columns a check reads. */
static const char court_sql[] =
    "SELECT id, case_no, cause, case_type, filed_at, closed_at, outcome, defence, claims"
    " FROM court_case";
/* A police case is pending from acceptance until it is closed (a transfer hands it to the
 * procuratorate's record); a procuratorate case until a decision to prosecute (the court's
 * record takes over) or not to prosecute. */
static const char police_sql[] =
    "SELECT id, case_no, cause, coalesce(accepted_at, filed_at), closed_at FROM police_case";
static const char procuratorate_sql[] =
    "SELECT id, case_no, cause, received_at,"
    " CASE WHEN decision IN ('prosecute', 'not_prosecute') THEN decided_at END"
    " FROM procuratorate_case";

static int load_cases(zj_store *s, zj_filing_index *ix, int which, zj_error *err)
{
    const char *sql = which == 0 ? court_sql : which == 1 ? police_sql : procuratorate_sql;
    const char *table = which == 0 ? "court_case" : which == 1 ? "police_case"
                                                               : "procuratorate_case";
    zj_stmt *q;
    int rc = zj_stmt_prepare(s, sql, &q, err);
    if (rc)
        return rc;
    int step;
    while (!rc && (step = zj_stmt_next(q, err)) == 1) {
        if (which == 0) {
            uint8_t kind = kind_code(zj_stmt_text(q, 3, NULL));
            rc = add_case(ix, zj_stmt_int(q, 0), table, q, kind, zj_stmt_day(q, 4, ZJ_DAY_MIN),
                          zj_stmt_day(q, 5, ZJ_DAY_MAX), outcome_code(zj_stmt_text(q, 6, NULL)));
        } else {
            rc = add_case(ix, zj_stmt_int(q, 0), table, q, FK_CRIMINAL,
                          zj_stmt_day(q, 3, ZJ_DAY_MIN), zj_stmt_day(q, 4, ZJ_DAY_MAX),
                          OUT_PENDING);
        }
        if (rc)
            rc = zj_fail(err, ZJ_EDATA, "filing index: out of memory");
    }
    if (!rc && step < 0)
        rc = ZJ_EDATA;
    zj_stmt_finalize(q);
    return rc;
}

/* (system, case number) of each case, to attach parties. */
static uint64_t case_key(const char *system, const char *case_no)
{
    return XXH3_64bits_withSeed(case_no, strlen(case_no), zj_filing_hash(system, strlen(system)));
}

static int by_key(const void *a, const void *b)
{
    const fl_pair *x = a, *y = b;
    return x->key < y->key ? -1 : x->key > y->key ? 1 : x->party < y->party ? -1
                                                        : x->party > y->party;
}

static const char party_sql[] =
    "SELECT p.id, p.case_system, p.case_no, p.role, coalesce(p.id_no, p.uscc), p.phone,"
    " p.address, p.lawyer_name, p.lawyer_license_no, m.entity_id"
    " FROM case_party p LEFT JOIN mention m ON m.table_name = 'case_party'"
    " AND m.record_id = p.id AND m.role = 'party'";

static int by_case(const void *a, const void *b)
{
    const fl_party *x = a, *y = b;
    return x->cas < y->cas ? -1 : x->cas > y->cas ? 1 : x->record_id < y->record_id ? -1
                                                      : x->record_id > y->record_id;
}

static int load_parties(zj_store *s, zj_filing_index *ix, zj_error *err)
{
    fl_pair *cases = malloc((ix->ncases ? ix->ncases : 1) * sizeof *cases);
    if (!cases)
        return zj_fail(err, ZJ_EDATA, "filing index: out of memory");
    static const char *const systems[] = {"court", "police", "procuratorate"};
    for (size_t i = 0; i < ix->ncases; i++) {
        const char *t = ix->cases[i].table;
        const char *sys = t[1] == 'o' && t[2] == 'u' ? systems[0] : t[1] == 'o' ? systems[1]
                                                                                : systems[2];
        cases[i].key = case_key(sys, FL_STR(ix, ix->cases[i].case_no));
        cases[i].party = (uint32_t)i;
    }
    qsort(cases, ix->ncases, sizeof *cases, by_key);
    zj_stmt *q;
    int rc = zj_stmt_prepare(s, party_sql, &q, err);
    if (rc) {
        free(cases);
        return rc;
    }
    int step;
    while (!rc && (step = zj_stmt_next(q, err)) == 1) {
        const char *sys = zj_stmt_text(q, 1, NULL), *no = zj_stmt_text(q, 2, NULL);
        if (!sys || !no)
            continue;
        size_t at = zj_filing_lower(cases, ix->ncases, case_key(sys, no));
        if (at == ix->ncases)
            continue;                  /* a party of a case no system has: no history to give */
        fl_party *g = zj_grow(ix->parties, &ix->parties_cap, ix->nparties + 1, sizeof *g, 4096);
        if (!g) {
            rc = zj_fail(err, ZJ_EDATA, "filing index: out of memory");
            break;
        }
        ix->parties = g;
        fl_party *p = &ix->parties[ix->nparties++];
        memset(p, 0, sizeof *p);
        p->record_id = zj_stmt_int(q, 0);
        p->cas = cases[at].party;
        p->side = (uint8_t)zj_filing_side(zj_stmt_text(q, 3, NULL));
        uint64_t id = zj_filing_id_key(zj_stmt_text(q, 4, NULL));
        p->phone = zj_filing_phone_key(zj_stmt_text(q, 5, NULL));
        p->address = zj_filing_address_key(zj_stmt_text(q, 6, NULL));
        p->lawyer = zj_filing_lawyer_key(zj_stmt_text(q, 7, NULL), zj_stmt_text(q, 8, NULL));
        p->entity = zj_stmt_is_null(q, 9) ? 0 : zj_stmt_int(q, 9);
        /* identity: the entity; else the ID (high bit set); else the record (two high bits) */
        p->idkey = id;
        p->ident = p->entity > 0 ? (uint64_t)p->entity
                 : id ? id | (1ull << 63)
                      : (uint64_t)p->record_id | (3ull << 62);
    }
    if (!rc && step < 0)
        rc = ZJ_EDATA;
    zj_stmt_finalize(q);
    free(cases);
    return rc;
}

/* ---- the relations graph --------------------------------------------------------------- */

static const char relation_sql[] =
    "SELECT src_entity, dst_entity, kind FROM relation"
    " WHERE dst_entity IS NOT NULL AND kind IN ('relative', 'enterprise_role')";

static int load_relations(zj_store *s, zj_filing_index *ix, zj_error *err)
{
    zj_stmt *q;
    int rc = zj_stmt_prepare(s, relation_sql, &q, err);
    if (rc)
        return rc;
    int step;
    while (!rc && (step = zj_stmt_next(q, err)) == 1) {
        uint64_t a = (uint64_t)zj_stmt_int(q, 0), b = (uint64_t)zj_stmt_int(q, 1);
        const char *kind = zj_stmt_text(q, 2, NULL);
        uint8_t role = kind && !strcmp(kind, "enterprise_role");
        fl_edge *g = zj_grow(ix->edges, &ix->edges_cap, ix->nedges + 2, sizeof *g, 1024);
        if (!g) {
            rc = zj_fail(err, ZJ_EDATA, "filing index: out of memory");
            break;
        }
        ix->edges = g;
        ix->edges[ix->nedges++] = (fl_edge){a, b, role};
        ix->edges[ix->nedges++] = (fl_edge){b, a, role};
    }
    if (!rc && step < 0)
        rc = ZJ_EDATA;
    zj_stmt_finalize(q);
    return rc;
}

static int by_from(const void *x, const void *y)
{
    const fl_edge *a = x, *b = y;
    return a->from < b->from ? -1 : a->from > b->from ? 1 : a->to < b->to ? -1 : a->to > b->to;
}

static size_t first_edge(const zj_filing_index *ix, uint64_t from)
{
    size_t lo = 0, hi = ix->nedges;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (ix->edges[mid].from < from)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

int zj_filing_related(const zj_filing_index *ix, uint64_t a, uint64_t b)
{
    if (!a || !b || a == b || (a >> 62) || (b >> 62))
        return 0;                      /* only linked entities have relations */
    int best = 0;
    for (size_t i = first_edge(ix, a); i < ix->nedges && ix->edges[i].from == a; i++) {
        const fl_edge *e = &ix->edges[i];
        if (e->to == b)
            return 1;
        if (!e->role_edge || best)
            continue;
        /* a holds a role in enterprise e->to (or is an enterprise someone holds a role in):
         * does b hold one there too? */
        for (size_t k = first_edge(ix, e->to); k < ix->nedges && ix->edges[k].from == e->to; k++)
            if (ix->edges[k].to == b && ix->edges[k].role_edge)
                best = 2;
    }
    return best;
}

/* ---- the look-up arrays ---------------------------------------------------------------- */

static const zj_filing_index *sort_ix;   /* qsort has no context: set under build only */

static fl_pair *pairs(const zj_filing_index *ix, int which, size_t *n)
{
    fl_pair *a = malloc((ix->nparties ? ix->nparties : 1) * sizeof *a);
    if (!a)
        return NULL;
    *n = 0;
    for (size_t i = 0; i < ix->nparties; i++) {
        const fl_party *p = &ix->parties[i];
        uint64_t k = which == 0 ? p->ident : which == 1 ? p->idkey : which == 2 ? p->name
                                                                               : (uint64_t)p->record_id;
        if (k)
            a[(*n)++] = (fl_pair){k, (uint32_t)i};
    }
    return a;
}

/* by identity, then filing day (then case) */
static int by_ident_day(const void *a, const void *b)
{
    const fl_pair *x = a, *y = b;
    if (x->key != y->key)
        return x->key < y->key ? -1 : 1;
    long dx = sort_ix->cases[sort_ix->parties[x->party].cas].filed;
    long dy = sort_ix->cases[sort_ix->parties[y->party].cas].filed;
    if (dx != dy)
        return dx < dy ? -1 : 1;
    return x->party < y->party ? -1 : x->party > y->party;
}

int zj_filing_params_load(const zj_rules *r, fl_params *p, zj_error *err);

static int set_name(int64_t record_id, uint64_t key, void *ctx)
{
    zj_filing_index *ix = ctx;
    size_t at = zj_filing_lower(ix->by_record, ix->n_record, (uint64_t)record_id);
    if (at < ix->n_record)
        ix->parties[ix->by_record[at].party].name = key;
    return 0;
}

static pthread_mutex_t sort_lock = PTHREAD_MUTEX_INITIALIZER;

/* ---- the stamp ------------------------------------------------------------------------------ */

static int max_id(zj_store *s, const char *sql, int64_t *v, zj_error *err)
{
    zj_stmt *q;
    int rc = zj_stmt_prepare(s, sql, &q, err);
    if (rc)
        return rc;
    int step = zj_stmt_next(q, err);
    *v = step == 1 ? zj_stmt_int(q, 0) : 0;
    zj_stmt_finalize(q);
    return step < 0 ? ZJ_EDATA : ZJ_OK;
}

int zj_filing_stamp_read(zj_store *s, fl_stamp *st, zj_error *err)
{
    static const char *const sql[4] = {
        "SELECT coalesce(max(id), 0) FROM court_case",
        "SELECT coalesce(max(id), 0) FROM procuratorate_case",
        "SELECT coalesce(max(id), 0) FROM police_case",
        "SELECT coalesce(max(id), 0) FROM case_party",
    };
    memset(st, 0, sizeof *st);
    int rc = zj_scope_batch_mark(s, &st->batch, err);
    for (int i = 0; !rc && i < 4; i++)
        rc = max_id(s, sql[i], &st->rows[i], err);
    if (!rc)
        rc = zj_link_generation(s, &st->link, err);
    return rc;
}

/* ---- the resolver, beside the cases ------------------------------------------------------- */

static void resolver_unref(fl_resolver_ref *r)
{
    if (r && atomic_fetch_sub(&r->refs, 1) == 1) {
        zj_resolver_free(r->rs);
        free(r);
    }
}

/* Building the resolver (every mention of both kinds) on a connection of its own, while the
 * calling thread loads the cases: the two share nothing but the store file. */
typedef struct rs_job {
    zj_store *s;              /* the caller's store (path NULL: built on it, in turn) */
    const char *path;
    const zj_link_config *cfg;
    zj_resolver *rs;
    int rc;
    zj_error err;
    double seconds;
} rs_job;

static double mono(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static void *rs_main(void *p)
{
    rs_job *j = p;
    double t0 = mono();
    zj_store *own = NULL;
    j->rc = j->path ? zj_store_open_existing(j->path, &own, &j->err) : ZJ_OK;
    /* it reads the mention table from end to end, which does not fit a page cache anyway:
     * a small one keeps its connection from adding hundreds of MiB to the build's peak */
    if (!j->rc && own)
        j->rc = zj_store_cache_mib(own, 16, &j->err);
    if (!j->rc) {
        zj_store *s = own ? own : j->s;
        bool snap = zj_store_snapshot_begin(s);
        j->rc = zj_resolver_build(s, j->cfg, &j->rs, &j->err);
        zj_store_snapshot_end(s, snap);
    }
    zj_store_close(own);
    j->seconds = mono() - t0;
    return NULL;
}

/* Cases, parties, names and the graph from `s`, sorted into the look-up arrays. */
static int load_index(zj_store *s, zj_filing_index *ix, zj_error *err)
{
    int rc = ZJ_OK;
    for (int w = 0; !rc && w < 3; w++)
        rc = load_cases(s, ix, w, err);
    if (!rc)
        rc = load_parties(s, ix, err);
    if (!rc)
        rc = load_relations(s, ix, err);
    if (rc)
        return rc;
    if (ix->nparties)
        qsort(ix->parties, ix->nparties, sizeof *ix->parties, by_case);
    for (size_t i = ix->nparties; i-- > 0;) {
        fl_case *c = &ix->cases[ix->parties[i].cas];
        c->first_party = (uint32_t)i;
        c->nparties++;
    }
    size_t n[4] = {0};
    ix->by_record = pairs(ix, 3, &n[3]);
    if (ix->by_record) {
        qsort(ix->by_record, n[3], sizeof *ix->by_record, by_key);
        ix->n_record = n[3];
        /* names: keys from the link layer, which alone reads people's names */
        if ((rc = zj_link_party_name_keys(s, set_name, ix, err)))
            return rc;
    }
    ix->by_ident = pairs(ix, 0, &n[0]);
    ix->by_id = pairs(ix, 1, &n[1]);
    ix->by_name = pairs(ix, 2, &n[2]);
    if (!ix->by_ident || !ix->by_id || !ix->by_name || !ix->by_record)
        return zj_fail(err, ZJ_EDATA, "filing index: out of memory");
    ix->n_ident = n[0];
    ix->n_id = n[1];
    ix->n_name = n[2];
    ix->n_record = n[3];
    pthread_mutex_lock(&sort_lock);
    sort_ix = ix;
    qsort(ix->by_ident, n[0], sizeof *ix->by_ident, by_ident_day);
    sort_ix = NULL;
    pthread_mutex_unlock(&sort_lock);
    if (ix->nedges)
        qsort(ix->edges, ix->nedges, sizeof *ix->edges, by_from);
    qsort(ix->by_id, n[1], sizeof *ix->by_id, by_key);
    qsort(ix->by_name, n[2], sizeof *ix->by_name, by_key);
    return ZJ_OK;
}

int zj_filing_index_build_from(zj_store *s, const zj_rules *rules, const zj_filing_options *opt,
                               const zj_filing_index *prev, zj_filing_index **out,
                               zj_error *err)
{
    *out = NULL;
    double t0 = mono();
    zj_filing_index *ix = calloc(1, sizeof *ix);
    if (!ix)
        return zj_fail(err, ZJ_EDATA, "filing index: out of memory");
    /* one state of the store for the stamp and everything read after it on this connection;
     * what lands meanwhile moves the stamp, and the next refresh loads it */
    bool snap = zj_store_snapshot_begin(s);
    int rc = zj_filing_params_load(rules, &ix->p, err);
    if (!rc)
        rc = zj_filing_stamp_read(s, &ix->stamp, err);
    bool want = !rc && !(opt && opt->no_resolver);
    if (want && prev && prev->rref && prev->stamp.link == ix->stamp.link) {
        ix->rref = prev->rref;                   /* the mentions did not move: share it */
        atomic_fetch_add(&ix->rref->refs, 1);
        ix->resolver = ix->rref->rs;
        want = false;
    }
    /* the resolver on a second connection while this one loads the cases; on this one after
     * them when the store has no file (in memory) or this connection is inside a write
     * transaction another connection would not see */
    rs_job job = {.s = s, .path = zj_store_path(s), .cfg = opt ? opt->link : NULL};
    pthread_t th;
    bool threaded = false;
    if (want && job.path && snap)
        threaded = pthread_create(&th, NULL, rs_main, &job) == 0;
    if (!rc)
        rc = load_index(s, ix, err);
    if (threaded)
        pthread_join(th, NULL);
    else if (want && !rc) {
        job.path = NULL;
        rs_main(&job);
    }
    zj_store_snapshot_end(s, snap);
    if (want && !rc && job.rc) {
        rc = job.rc;
        *err = job.err;
    }
    if (want && !rc) {
        ix->rref = calloc(1, sizeof *ix->rref);
        if (!ix->rref)
            rc = zj_fail(err, ZJ_EDATA, "filing index: out of memory");
        else {
            ix->rref->rs = ix->resolver = job.rs;
            atomic_init(&ix->rref->refs, 1);
            job.rs = NULL;
        }
    }
    zj_resolver_free(job.rs);                    /* built, but the cases failed */
    if (rc) {
        zj_filing_index_free(ix);
        return rc;
    }
    ix->resolver_seconds = job.seconds;
    ix->build_seconds = mono() - t0;
    *out = ix;
    return ZJ_OK;
}

int zj_filing_index_build(zj_store *s, const zj_rules *rules, const zj_filing_options *opt,
                          zj_filing_index **out, zj_error *err)
{
    return zj_filing_index_build_from(s, rules, opt, NULL, out, err);
}

size_t zj_filing_index_cases(const zj_filing_index *ix)
{
    return ix ? ix->ncases : 0;
}

void zj_filing_index_free(zj_filing_index *ix)
{
    if (!ix)
        return;
    free(ix->pool);
    free(ix->cases);
    free(ix->shingles);
    free(ix->parties);
    free(ix->by_ident);
    free(ix->by_id);
    free(ix->by_name);
    free(ix->by_record);
    free(ix->edges);
    resolver_unref(ix->rref);
    for (size_t i = 0; i < ix->p.n_fl01_causes; i++)
        free(ix->p.fl01_causes[i]);
    free(ix->p.fl01_causes);
    for (size_t i = 0; i < ix->p.n_fl03_causes; i++)
        free(ix->p.fl03_causes[i]);
    free(ix->p.fl03_causes);
    free(ix);
}
