/* filing.c - one filing check (立案辅助审查): resolve the parties, list their histories, score
 * FL01-FL04. Reads only the shared index (filing_index.h), so any number of threads may check
 * at once; the factors and their bases are in docs/detectors.md. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "detect/common.h"
#include "detect/filing_index.h"
#include "link/party_names.h"
#include "text/resident_id.h"
#include "text/shingle.h"
#include "text/uscc.h"

/* ---- the charge <-> cause table (rules/filing_charge_cause.tsv) ---------------------------- */

typedef struct charge_cause {
    const char *charge, *cause;
} charge_cause;

static const charge_cause charge_causes[] = {
#include "detect/filing_charge_cause.inc"
};

/* True when criminal charge `charge` and civil cause `cause` concern the same facts. */
static bool same_facts(const char *charge, const char *cause)
{
    if (!charge || !cause || !charge[0] || !cause[0])
        return false;
    size_t n = strlen(charge);
    if (n >= 3 && !memcmp(charge + n - 3, "罪", 3))
        n -= 3;
    for (size_t i = 0; i < sizeof charge_causes / sizeof charge_causes[0]; i++) {
        const charge_cause *k = &charge_causes[i];
        if (strlen(k->charge) != n || memcmp(k->charge, charge, n))
            continue;
        for (const char *c = k->cause; *c;) {           /* comma-separated causes */
            size_t len = strcspn(c, ",");
            char one[128];
            if (len && len < sizeof one) {
                memcpy(one, c, len);
                one[len] = '\0';
                if (strstr(cause, one))
                    return true;
            }
            c += len + (c[len] == ',');
        }
    }
    return false;
}

static bool cause_in(char *const *list, size_t n, const char *cause)
{
    for (size_t i = 0; cause && i < n; i++)
        if (list[i][0] && strstr(cause, list[i]))
            return true;
    return false;
}

/* ---- the proposed parties ------------------------------------------------------------------- */

typedef struct pparty {
    uint64_t ident;          /* 0: not resolved */
    uint64_t idkey, phone, address, lawyer, name;
    int side;
} pparty;

static int64_t count_names(const zj_filing_index *ix, uint64_t name)
{
    size_t at = zj_filing_lower(ix->by_name, ix->n_name, name);
    int64_t n = 0;
    uint64_t seen[64];
    size_t ns = 0;
    for (size_t i = at; i < ix->n_name && ix->by_name[i].key == name; i++) {
        uint64_t id = ix->parties[ix->by_name[i].party].ident;
        bool dup = false;
        for (size_t k = 0; k < ns && !dup; k++)
            dup = seen[k] == id;
        if (dup)
            continue;
        if (ns < 64)
            seen[ns++] = id;
        n++;
    }
    return n;
}

/* Whether a party is an enterprise: as its kind says, else as its identifier reads (a valid
 * credit code that is not a valid resident ID: one resident ID in 31 also passes the credit
 * code's check). Organisations (机关) are mentions of persons' kind, as in the batch. */
static bool is_enterprise(const zj_filing_party *in)
{
    if (in->kind && in->kind[0])
        return !strcmp(in->kind, "enterprise");
    if (!in->id_no || strlen(in->id_no) != 18)
        return false;
    zj_uscc u;
    zj_resident_id rid;
    const char *why;
    return zj_resident_id_parse(in->id_no, 18, 0, &rid, &why) != 0 &&
           zj_uscc_parse(in->id_no, 18, &u, &why) == 0;
}

/* Resolve one proposed party: the stored record itself (the replay), else the linking model
 * one record at a time (link/resolve.h), else - a store never linked - an exact ID. */
static int resolve(const zj_filing_index *ix, const zj_filing_case *c, size_t self,
                   pparty *p, zj_filing_identity *o, zj_error *err)
{
    const zj_filing_party *in = &c->parties[self];
    int64_t self_party = c->self_party_id[self];
    p->idkey = zj_filing_id_key(in->id_no);
    p->phone = zj_filing_phone_key(in->phone);
    p->address = zj_filing_address_key(in->address);
    p->lawyer = zj_filing_lawyer_key(in->lawyer_name, in->lawyer_license_no);
    p->name = zj_link_name_key(in->name);
    p->side = zj_filing_side(in->role);
    o->method = "new";
    if (self_party > 0) {                /* replay: the record itself, as linking resolved it */
        size_t at = zj_filing_lower(ix->by_record, ix->n_record, (uint64_t)self_party);
        if (at < ix->n_record) {
            const fl_party *f = &ix->parties[ix->by_record[at].party];
            p->ident = f->ident;
            p->name = f->name;
            o->entity_id = f->entity;
            o->method = "record";
            o->confidence = 1.0;
            return ZJ_OK;
        }
    }
    if (p->name)
        o->same_name = count_names(ix, p->name);
    bool model = false;
    if (ix->resolver) {
        /* the case's other parties: the co-party comparator (compare.h) */
        zj_resolve_coparty cp[ZJ_FILING_MAX_PARTIES];
        int ncp = 0;
        for (size_t i = 0; i < c->nparties && i < ZJ_FILING_MAX_PARTIES; i++)
            if (i != self)
                cp[ncp++] = (zj_resolve_coparty){is_enterprise(&c->parties[i]),
                                                 c->parties[i].name, c->parties[i].id_no};
        zj_resolve_input ri = {is_enterprise(in), in->name, in->id_no, in->birth_date, NULL,
                               in->phone, in->address, cp, ncp};
        zj_resolve_result rr;
        int rc = zj_resolver_resolve(ix->resolver, &ri, &rr, err);
        if (rc)
            return rc;
        model = strcmp(rr.method, "no_model") != 0;
        if (model) {
            o->method = !strcmp(rr.method, "none") ? (o->same_name ? "name_only" : "new")
                                                   : rr.method;
            o->confidence = rr.entity ? rr.probability : 0;
            o->weight = rr.weight;
            o->threshold = rr.threshold;
            o->candidates = rr.candidates;
            o->runner_up = rr.runner_up;
            o->runner_up_confidence = rr.runner_up_probability;
            memcpy(o->steps, rr.steps, sizeof o->steps);
            o->nsteps = rr.nsteps;
            if (rr.entity) {
                p->ident = (uint64_t)rr.entity;
                o->entity_id = rr.entity;
                return ZJ_OK;
            }
            if (rr.mention && !strcmp(rr.method, "below_threshold"))
                o->confidence = 0;
        }
    }
    if (!model && p->idkey) {            /* a store never linked: an exact ID, nothing more */
        size_t at = zj_filing_lower(ix->by_id, ix->n_id, p->idkey);
        if (at < ix->n_id) {
            const fl_party *f = &ix->parties[ix->by_id[at].party];
            p->ident = f->ident;
            o->entity_id = f->entity;
            o->method = "id";
            o->confidence = 1.0;
            return ZJ_OK;
        }
    }
    if (!model)
        o->method = o->same_name ? "name_only" : "new";
    return ZJ_OK;
}

/* ---- history ---------------------------------------------------------------------------- */

/* The parties of identity `ident` in cases known on `day` (not the case itself), newest
 * first: calls fn(party, case) and stops when fn returns non-zero. */
typedef int (*each_fn)(const fl_party *p, const fl_case *c, void *ctx);

static void each_known(const zj_filing_index *ix, uint64_t ident, long day, int64_t self,
                       each_fn fn, void *ctx)
{
    if (!ident)
        return;
    size_t lo = zj_filing_lower(ix->by_ident, ix->n_ident, ident);
    if (lo == ix->n_ident)
        return;
    size_t hi = lo;
    while (hi < ix->n_ident && ix->by_ident[hi].key == ident)
        hi++;
    for (size_t i = hi; i-- > lo;) {
        const fl_party *p = &ix->parties[ix->by_ident[i].party];
        const fl_case *c = &ix->cases[p->cas];
        if (c->filed >= day || (self && c->id == self && c->table[1] == 'o' && c->table[2] == 'u'))
            continue;
        if (fn(p, c, ctx))
            return;
    }
}

typedef struct hist_ctx {
    zj_filing_history *h;
    long day;
    int64_t last_case;
} hist_ctx;

static int add_history(const fl_party *p, const fl_case *c, void *vctx)
{
    hist_ctx *x = vctx;
    zj_filing_history *h = x->h;
    if (c->id == x->last_case)
        return 0;                           /* twice in one case */
    x->last_case = c->id;
    h->cases++;
    (*(p->side == SIDE_PLAINTIFF ? &h->as_plaintiff : p->side == SIDE_DEFENDANT
                                                          ? &h->as_defendant : &h->as_other))++;
    switch (c->kind) {
    case FK_CIVIL: h->civil++; break;
    case FK_ADMIN: h->administrative++; break;
    case FK_CRIMINAL: h->criminal++; break;
    case FK_ENFORCE: h->enforcement++; break;
    case FK_BANKRUPT: h->bankruptcy++; break;
    default: h->other_type++; break;
    }
    uint8_t out = c->closed < x->day ? c->outcome : OUT_PENDING;
    if (c->closed < x->day && out == OUT_PENDING)
        out = OUT_OTHER;
    switch (out) {
    case OUT_PENDING: h->pending++; break;
    case OUT_JUDGMENT: h->judgment++; break;
    case OUT_MEDIATION: h->mediation++; break;
    case OUT_WITHDRAWN: h->withdrawn++; break;
    case OUT_DISMISSED: h->dismissed++; break;
    default: h->other_outcome++; break;
    }
    if (!h->last_day || c->filed > h->last_day)
        h->last_day = c->filed;
    if (!h->first_day || c->filed < h->first_day)
        h->first_day = c->filed;
    if (c->filed >= x->day - 365)
        h->last_year++;
    if (h->ncase_ids < ZJ_FILING_MAX_CASES && !strcmp(c->table, "court_case"))
        h->case_ids[h->ncase_ids++] = c->id;
    return 0;
}

/* ---- prompts: helpers --------------------------------------------------------------------- */

static void factor(zj_filing_prompt *pr, const char *name, double w, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void factor(zj_filing_prompt *pr, const char *name, double w, const char *fmt, ...)
{
    if (pr->nfactors == ZJ_FILING_MAX_FACTORS)
        return;
    zj_filing_factor *f = &pr->factors[pr->nfactors++];
    f->name = name;
    f->weight = w;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(f->detail, sizeof f->detail, fmt, ap);
    va_end(ap);
    pr->score += w;
}

static void support(const zj_filing_index *ix, zj_filing_prompt *pr, const fl_case *c)
{
    for (size_t i = 0; i < pr->ncases; i++)
        if (pr->cases[i].id == c->id && !strcmp(pr->cases[i].table, c->table))
            return;
    if (pr->ncases < ZJ_FILING_MAX_CASES) {
        zj_filing_case_ref *r = &pr->cases[pr->ncases++];
        r->id = c->id;
        r->table = c->table;
        snprintf(r->case_no, sizeof r->case_no, "%s", FL_STR(ix, c->case_no));
    }
}

static bool open_on(const fl_case *c, long day)
{
    return c->filed < day && c->closed >= day;
}

/* ---- FL01 false litigation (虚假诉讼) ------------------------------------------------------- */

typedef struct fl01_ctx {
    const zj_filing_index *ix;
    zj_filing_prompt *pr;
    long day;
    int64_t repeat, quick, enforced, uncontested;
    int want;                   /* 0 repeat (plaintiff), 1 quick, 2 enforced (defendant),
                                   3 uncontested (defendant) */
} fl01_ctx;

static int fl01_visit(const fl_party *p, const fl_case *c, void *vctx)
{
    fl01_ctx *x = vctx;
    const fl_params *P = &x->ix->p;
    if (x->want == 0 && p->side == SIDE_PLAINTIFF && c->kind == FK_CIVIL) {
        const fl_party *ps = &x->ix->parties[c->first_party];
        for (uint32_t i = 0; i < c->nparties; i++) {
            const fl_party *d = &ps[i];
            if (d->side == SIDE_DEFENDANT && ((p->phone && d->phone == p->phone) ||
                                              (p->address && d->address == p->address))) {
                x->repeat++;
                support(x->ix, x->pr, c);
                break;
            }
        }
    } else if (x->want == 1 && c->kind == FK_CIVIL && c->closed < x->day &&
               (c->outcome == OUT_MEDIATION || c->outcome == OUT_WITHDRAWN) &&
               c->closed - c->filed <= P->quick_days) {
        x->quick++;
        support(x->ix, x->pr, c);
    } else if (x->want == 2 && c->kind == FK_ENFORCE && p->side == SIDE_DEFENDANT &&
               open_on(c, x->day)) {
        x->enforced++;
        support(x->ix, x->pr, c);
    } else if (x->want == 3 && c->kind == FK_CIVIL && p->side == SIDE_DEFENDANT &&
               c->closed < x->day && c->closed >= x->day - P->uncontested_days &&
               c->outcome == OUT_JUDGMENT &&
               (c->defence == DEF_NO_ANSWER || c->defence == DEF_DEFAULT ||
                c->defence == DEF_ADMITTED)) {
        x->uncontested++;
        support(x->ix, x->pr, c);
    }
    return 0;
}

static void fl01(const zj_filing_index *ix, const zj_filing_case *c, const pparty *pp,
                 long day, zj_filing_prompt *pr)
{
    const fl_params *P = &ix->p;
    if (!cause_in(P->fl01_causes, P->n_fl01_causes, c->cause))
        return;                          /* signs count only in the high-risk causes */
    factor(pr, "high_risk_cause", P->w_cause, "高发领域案由“%s” / high-risk cause", c->cause);
    bool phone = false, address = false, lawyer = false, same = false;
    int related = 0;
    for (size_t i = 0; i < c->nparties; i++)
        for (size_t j = 0; j < c->nparties; j++) {
            const pparty *a = &pp[i], *b = &pp[j];
            if (a->side != SIDE_PLAINTIFF || b->side != SIDE_DEFENDANT)
                continue;
            phone |= a->phone && a->phone == b->phone;
            address |= a->address && a->address == b->address;
            lawyer |= a->lawyer && a->lawyer == b->lawyer;
            same |= (a->idkey && a->idkey == b->idkey) || (a->ident && a->ident == b->ident);
            int r = zj_filing_related(ix, a->ident, b->ident);
            if (r && (!related || r < related))
                related = r;
        }
    if (related)
        factor(pr, "related_parties", P->w_related, related == 1
               ? "原被告为近亲属或存在任职、持股关系 / the parties are relatives, or one holds a "
                 "role in the other"
               : "原被告在同一企业任职或持股 / the parties hold roles in the same enterprise");
    if (phone)
        factor(pr, "shared_phone", P->w_phone, "原被告留有同一联系电话 / plaintiff and defendant "
               "give the same phone");
    if (address)
        factor(pr, "shared_address", P->w_address, "原被告住址相同 / plaintiff and defendant give "
               "the same address");
    if (lawyer)
        factor(pr, "same_lawyer", P->w_lawyer, "双方由同一律师代理 / the same lawyer acts for "
               "both sides");
    if (same)
        factor(pr, "same_person_both_sides", P->w_same_id, "同一身份出现在原被告两方 / one "
               "identity on both sides");
    fl01_ctx x = {ix, pr, day, 0, 0, 0, 0, 0};
    for (size_t i = 0; i < c->nparties; i++) {
        if (pp[i].side == SIDE_PLAINTIFF) {
            x.want = 0;
            each_known(ix, pp[i].ident, day, c->self_id, fl01_visit, &x);
        }
        if (pp[i].side == SIDE_DEFENDANT) {
            x.want = 2;
            each_known(ix, pp[i].ident, day, c->self_id, fl01_visit, &x);
            x.want = 3;
            each_known(ix, pp[i].ident, day, c->self_id, fl01_visit, &x);
        }
        if (pp[i].side != SIDE_OTHER) {
            x.want = 1;
            each_known(ix, pp[i].ident, day, c->self_id, fl01_visit, &x);
        }
    }
    if (x.repeat)
        factor(pr, "repeat_related_suits", P->w_repeat, "原告此前 %lld 次起诉与其同电话或同住址的"
               "被告 / the plaintiff sued a defendant sharing his phone or address %lld time(s) "
               "before", (long long)x.repeat, (long long)x.repeat);
    if (x.quick >= P->min_quick)
        factor(pr, "instant_settlements", P->w_quick, "当事人有 %lld 件立案后 %lld 日内调解或撤诉"
               "的民事案件 / %lld earlier civil case(s) mediated or withdrawn within %lld days",
               (long long)x.quick, (long long)P->quick_days, (long long)x.quick,
               (long long)P->quick_days);
    if (x.uncontested >= P->min_uncontested)
        factor(pr, "uncontested_judgments", P->w_uncontested, "被告 %lld 日内有 %lld 件民事案件"
               "未答辩、缺席判决或自认败诉 / the defendant lost %lld civil suit(s) in %lld days "
               "without a contest (no answer, default judgment, or admitting the claims)",
               (long long)P->uncontested_days, (long long)x.uncontested,
               (long long)x.uncontested, (long long)P->uncontested_days);
    if (x.enforced)
        factor(pr, "debtor_under_enforcement", P->w_enforced, "被告已是 %lld 件在执行案件的被执行人"
               " / the defendant is already the debtor in %lld open enforcement case(s)",
               (long long)x.enforced, (long long)x.enforced);
    if (P->large_claim > 0 && c->claim_amount >= P->large_claim)
        factor(pr, "large_claim", P->w_large, "诉讼标的 %.0f 元，不低于 %.0f 元 / claim of CNY "
               "%.0f, at least %.0f", c->claim_amount, P->large_claim, c->claim_amount,
               P->large_claim);
}

/* ---- FL02 abusive litigation (滥诉) --------------------------------------------------------- */

typedef struct fl02_ctx {
    const zj_filing_index *ix;
    const zj_filing_case *c;
    const pparty *pp;
    const uint32_t *claims;     /* the new case's claims shingles */
    size_t nclaims;
    long day;
    int64_t filings, same, closed, failed;
    int64_t ids[ZJ_FILING_MAX_CASES];
    const fl_case *cases[ZJ_FILING_MAX_CASES];
    size_t n;
} fl02_ctx;

static int fl02_visit(const fl_party *p, const fl_case *c, void *vctx)
{
    fl02_ctx *x = vctx;
    const fl_params *P = &x->ix->p;
    if (c->filed < x->day - P->fl02_window)
        return 1;                        /* newest first: the rest are older */
    if (p->side != SIDE_PLAINTIFF || (c->kind != FK_CIVIL && c->kind != FK_ADMIN))
        return 0;
    x->filings++;
    if (x->n < ZJ_FILING_MAX_CASES)
        x->cases[x->n++] = c;
    if (c->closed < x->day) {
        x->closed++;
        x->failed += c->outcome == OUT_WITHDRAWN || c->outcome == OUT_DISMISSED;
    }
    /* the same claim: near-identical claims text; without text on either side, the cause */
    if (x->nclaims && c->nclaims) {
        if (zj_shingle_jaccard(x->claims, x->nclaims, x->ix->shingles + c->claims_at,
                               c->nclaims) < P->claim_similarity - 1e-9)
            return 0;
    } else if (!x->c->cause || strcmp(FL_STR(x->ix, c->cause), x->c->cause)) {
        return 0;
    }
    const fl_party *ps = &x->ix->parties[c->first_party];
    for (uint32_t i = 0; i < c->nparties; i++) {
        if (ps[i].side != SIDE_DEFENDANT)
            continue;
        for (size_t k = 0; k < x->c->nparties; k++) {
            const pparty *d = &x->pp[k];
            if (d->side == SIDE_DEFENDANT &&
                ((d->ident && d->ident == ps[i].ident) || (d->name && d->name == ps[i].name))) {
                x->same++;
                return 0;
            }
        }
    }
    return 0;
}

static void fl02(const zj_filing_index *ix, const zj_filing_case *c, const pparty *pp,
                 long day, zj_filing_prompt *pr)
{
    const fl_params *P = &ix->p;
    uint32_t claims[FL_MAX_SHINGLES];
    size_t nclaims = c->claims ? zj_shingles(c->claims, strlen(c->claims), claims,
                                             FL_MAX_SHINGLES) : 0;
    fl02_ctx best = {0};
    double best_score = -1;
    for (size_t i = 0; i < c->nparties; i++) {
        if (pp[i].side != SIDE_PLAINTIFF || !pp[i].ident)
            continue;
        fl02_ctx x = {ix, c, pp, claims, nclaims, day, 0, 0, 0, 0, {0}, {0}, 0};
        each_known(ix, pp[i].ident, day, c->self_id, fl02_visit, &x);
        double s = (x.filings >= P->min_filings ? P->w_many : 0) +
                   (x.same >= P->min_same ? P->w_same : 0) +
                   (x.closed >= P->min_closed && x.failed >= P->min_rate * (double)x.closed
                        ? P->w_rate : 0);
        if (s > best_score) {
            best_score = s;
            best = x;
        }
    }
    if (best_score <= 0)
        return;
    if (best.filings >= P->min_filings)
        factor(pr, "many_filings", P->w_many, "原告此前 %lld 日内已起诉 %lld 件 / the plaintiff "
               "filed %lld suit(s) in the previous %lld days", (long long)P->fl02_window,
               (long long)best.filings, (long long)best.filings, (long long)P->fl02_window);
    if (best.same >= P->min_same)
        factor(pr, "repeated_same_claim", P->w_same, nclaims
               ? "以近乎相同的诉讼请求起诉同一被告 %lld 次 / %lld earlier suit(s) with "
                 "near-identical claims against the same defendant"
               : "以相同案由起诉同一被告 %lld 次 / %lld earlier suit(s) with the same cause "
                 "against the same defendant", (long long)best.same, (long long)best.same);
    if (best.closed >= P->min_closed && best.failed >= P->min_rate * (double)best.closed)
        factor(pr, "withdrawn_or_dismissed", P->w_rate, "已结 %lld 件中撤诉或驳回 %lld 件 / %lld "
               "of %lld closed suit(s) withdrawn or dismissed", (long long)best.closed,
               (long long)best.failed, (long long)best.failed, (long long)best.closed);
    for (size_t i = 0; i < best.n; i++)
        support(ix, pr, best.cases[i]);
}

/* ---- FL03 mass involvement (涉众) ----------------------------------------------------------- */

typedef struct fl03_ctx {
    const zj_filing_index *ix;
    zj_filing_prompt *pr;
    long day;
    uint64_t *plaintiffs;
    size_t n, cap;
    int64_t cases;
} fl03_ctx;

static int fl03_visit(const fl_party *p, const fl_case *c, void *vctx)
{
    fl03_ctx *x = vctx;
    const fl_params *P = &x->ix->p;
    if (c->filed < x->day - P->fl03_window)
        return 1;
    if (p->side != SIDE_DEFENDANT || c->kind != FK_CIVIL ||
        !cause_in(P->fl03_causes, P->n_fl03_causes, FL_STR(x->ix, c->cause)))
        return 0;
    x->cases++;
    support(x->ix, x->pr, c);
    const fl_party *ps = &x->ix->parties[c->first_party];
    for (uint32_t i = 0; i < c->nparties; i++) {
        if (ps[i].side != SIDE_PLAINTIFF)
            continue;
        uint64_t *g = zj_grow(x->plaintiffs, &x->cap, x->n + 1, sizeof *g, 64);
        if (!g)
            return 1;
        x->plaintiffs = g;
        x->plaintiffs[x->n++] = ps[i].ident;
    }
    return 0;
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

static int fl03(const zj_filing_index *ix, const zj_filing_case *c, const pparty *pp, long day,
                zj_filing_prompt *pr)
{
    const fl_params *P = &ix->p;
    if (!cause_in(P->fl03_causes, P->n_fl03_causes, c->cause))
        return ZJ_OK;
    zj_filing_prompt best = *pr;
    for (size_t i = 0; i < c->nparties; i++) {
        if (pp[i].side != SIDE_DEFENDANT || !pp[i].ident)
            continue;
        zj_filing_prompt cur = *pr;
        fl03_ctx x = {ix, &cur, day, NULL, 0, 0, 0};
        each_known(ix, pp[i].ident, day, c->self_id, fl03_visit, &x);
        for (size_t k = 0; k < c->nparties; k++)     /* the new case's own plaintiffs */
            if (pp[k].side == SIDE_PLAINTIFF) {
                uint64_t *g = zj_grow(x.plaintiffs, &x.cap, x.n + 1, sizeof *g, 64);
                if (!g) {
                    free(x.plaintiffs);
                    return ZJ_EDATA;
                }
                x.plaintiffs = g;
                x.plaintiffs[x.n++] = pp[k].ident ? pp[k].ident : pp[k].name ^ (1ull << 62);
            }
        qsort(x.plaintiffs, x.n, sizeof *x.plaintiffs, cmp_u64);
        int64_t distinct = 0;
        for (size_t k = 0; k < x.n; k++)
            distinct += k == 0 || x.plaintiffs[k] != x.plaintiffs[k - 1];
        free(x.plaintiffs);
        if (distinct < 2)
            continue;
        double m = (double)P->min_plaintiffs;
        double w = distinct >= P->min_plaintiffs
                       ? P->threshold[2] + (1 - P->threshold[2]) *
                                               ((double)distinct - m >= m ? 1 : ((double)distinct - m) / m)
                       : P->threshold[2] * (double)distinct / m;
        factor(&cur, "many_plaintiffs", w, "%lld 日内 %lld 名原告以“%s”等案由起诉同一被告（%lld 件"
               "在先），本案为第 %lld 名 / %lld plaintiffs sued the same defendant within %lld "
               "days (%lld earlier case(s)); this case is number %lld",
               (long long)P->fl03_window, (long long)distinct, c->cause, (long long)x.cases,
               (long long)distinct, (long long)distinct, (long long)P->fl03_window,
               (long long)x.cases, (long long)distinct);
        cur.cluster_size = x.cases + 1;
        cur.place = x.cases + 1;
        if (cur.score > best.score)
            best = cur;
    }
    *pr = best;
    return ZJ_OK;
}

/* ---- FL04 may affect filing (影响立案) ------------------------------------------------------- */

typedef struct fl04_ctx {
    const zj_filing_index *ix;
    const zj_filing_case *c;
    zj_filing_prompt *pr;
    long day;
    int64_t enforcement, bankruptcy, criminal_same, criminal_other;
} fl04_ctx;

static int fl04_visit(const fl_party *p, const fl_case *c, void *vctx)
{
    fl04_ctx *x = vctx;
    if (p->side != SIDE_DEFENDANT || !open_on(c, x->day))
        return 0;
    if (c->kind == FK_ENFORCE) {
        x->enforcement++;
        support(x->ix, x->pr, c);
    } else if (c->kind == FK_BANKRUPT) {
        x->bankruptcy++;
        support(x->ix, x->pr, c);
    } else if (c->kind == FK_CRIMINAL) {
        if (same_facts(FL_STR(x->ix, c->cause), x->c->cause)) {
            x->criminal_same++;
            support(x->ix, x->pr, c);
        } else {
            x->criminal_other++;
        }
    }
    return 0;
}

static void fl04(const zj_filing_index *ix, const zj_filing_case *c, const pparty *pp, long day,
                 zj_filing_prompt *pr)
{
    const fl_params *P = &ix->p;
    fl04_ctx x = {ix, c, pr, day, 0, 0, 0, 0};
    for (size_t i = 0; i < c->nparties; i++)
        each_known(ix, pp[i].ident, day, c->self_id, fl04_visit, &x);
    /* one sign suffices: the score is the strongest sign's weight, not a sum */
    double top = 0;
    if (x.criminal_same) {
        factor(pr, "parallel_criminal_case", P->w_criminal, "当事人为 %lld 件未结刑事案件的犯罪嫌疑人"
               "或被告人，罪名与本案案由涉及同一事实 / a party is the suspect or accused in %lld "
               "pending criminal case(s) on the same facts", (long long)x.criminal_same,
               (long long)x.criminal_same);
        top = P->w_criminal;
    }
    if (x.enforcement) {
        factor(pr, "under_enforcement", P->w_enforcement, "当事人为 %lld 件在执行案件的被执行人 / "
               "a party is the debtor in %lld open enforcement case(s)",
               (long long)x.enforcement, (long long)x.enforcement);
        top = top > P->w_enforcement ? top : P->w_enforcement;
    }
    if (x.bankruptcy) {
        factor(pr, "in_bankruptcy", P->w_bankruptcy, "当事人处于破产程序（%lld 件）/ a party is "
               "in bankruptcy proceedings (%lld case(s))", (long long)x.bankruptcy,
               (long long)x.bankruptcy);
        top = top > P->w_bankruptcy ? top : P->w_bankruptcy;
    }
    if (x.criminal_other)
        factor(pr, "other_criminal_case", 0, "当事人另有 %lld 件未结刑事案件，罪名与本案案由无对应 / "
               "%lld other pending criminal case(s), charge unrelated to the cause",
               (long long)x.criminal_other, (long long)x.criminal_other);
    pr->score = top;
}

/* ---- the check ----------------------------------------------------------------------------- */

static long today(void)
{
    return (long)(time(NULL) / 86400);
}

int zj_filing_check(const zj_filing_index *ix, const zj_filing_case *c, zj_filing_result *out,
                    zj_error *err)
{
    memset(out, 0, sizeof *out);
    if (!c->nparties)
        return zj_fail(err, ZJ_EUSAGE, "parties: at least one party is needed");
    if (c->nparties > ZJ_FILING_MAX_PARTIES)
        return zj_fail(err, ZJ_EUSAGE, "parties: at most %d parties", ZJ_FILING_MAX_PARTIES);
    for (size_t i = 0; i < c->nparties; i++) {
        if ((!c->parties[i].name || !c->parties[i].name[0]) && !c->self_party_id[i])
            return zj_fail(err, ZJ_EUSAGE, "parties[%zu].name: missing", i);
        if (!c->parties[i].role || !c->parties[i].role[0])
            return zj_fail(err, ZJ_EUSAGE, "parties[%zu].role: missing", i);
    }
    long day = today();
    if (c->filed_on && c->filed_on[0]) {
        day = zj_day(c->filed_on, ZJ_DAY_MIN);
        if (day == ZJ_DAY_MIN)
            return zj_fail(err, ZJ_EUSAGE, "filed_on: '%.40s' is not a date (YYYY-MM-DD)",
                           c->filed_on);
    }
    out->day = day;
    out->nparties = c->nparties;
    pparty pp[ZJ_FILING_MAX_PARTIES];
    memset(pp, 0, sizeof pp);
    for (size_t i = 0; i < c->nparties; i++) {
        int rc = resolve(ix, c, i, &pp[i], &out->parties[i], err);
        if (rc)
            return rc;
        hist_ctx h = {&out->parties[i].history, day, 0};
        each_known(ix, pp[i].ident, day, c->self_id, add_history, &h);
    }
    static const char *const codes[4] = {"FL01", "FL02", "FL03", "FL04"};
    for (int k = 0; k < 4; k++) {
        snprintf(out->prompts[k].code, sizeof out->prompts[k].code, "%s", codes[k]);
        out->prompts[k].threshold = ix->p.threshold[k];
    }
    fl01(ix, c, pp, day, &out->prompts[0]);
    fl02(ix, c, pp, day, &out->prompts[1]);
    if (fl03(ix, c, pp, day, &out->prompts[2]))
        return zj_fail(err, ZJ_EDATA, "filing check: out of memory");
    fl04(ix, c, pp, day, &out->prompts[3]);
    for (int k = 0; k < 4; k++) {
        zj_filing_prompt *pr = &out->prompts[k];
        if (pr->score > 1)
            pr->score = 1;
        pr->warn = ix->p.enabled[k] && pr->score >= pr->threshold - 1e-9 && pr->nfactors;
    }
    return ZJ_OK;
}
