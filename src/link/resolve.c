/* resolve.c - the one-record resolver: a record scored against the stored mentions by the
 * batch's blocking, comparators and model (see resolve.h).
 *
 * Per kind the resolver holds the mentions (as link.c loads them, conflicts untrusted as the
 * last run left them), one sorted (block key, mention) array per blocking rule, the trusted
 * mentions by ID, the stored model and the term frequencies. All of it is read-only after
 * the build; the only shared state a resolution touches is the namer pool, behind a mutex
 * held for a push or a pop.
 */
#include "link/resolve.h"

#include <assert.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "link/mention_spec.h"
#include "link/model.h"
#include "link/pairing.h"
#include "link/radix.h"

#define MAX_RULES ZJ_MAX_RULES

_Static_assert(ZJ_RESOLVE_MAX_STEPS >= ZJ_MAX_FIELDS, "a step for every comparator");
#define POOL 32               /* idle namers kept; more concurrent resolutions make their own */

typedef struct kind_set {
    zj_kind kind;
    bool has_model;
    zj_fs_model fs;
    zj_tf tf;
    zj_lmention *m;
    int32_t n;
    zj_arena ar;
    zj_keyed *block[MAX_RULES];   /* per rule: (key, mention), by key */
    size_t nblock[MAX_RULES];
    zj_keyed *by_id;              /* trusted mentions: (ID hash, mention), by hash */
    size_t nby_id;
    zj_keyed *copart_cases;       /* persons: co-party keys, each with its cases, by key */
    size_t ncopart_cases;
} kind_set;

struct zj_resolver {
    zj_link_config cfg;
    kind_set k[2];
    int spec;                     /* the case-party mention spec (mentions.c) */
    pthread_mutex_t lock;         /* the namer pool */
    zj_namer *pool[POOL];
    int npool;
};

/* The stored persons' co-parties, as the batch run fills them (pairing.h), and the number
 * of cases of every co-party key, for a record's own co-parties. */
static int build_coparties(kind_set *k, zj_store *s, zj_error *err)
{
    zj_cpk_list l = {0};
    int rc = zj_cpk_push_persons(&l, k->m, k->n, &k->ar)
                 ? zj_fail(err, ZJ_EDATA, "resolver: out of memory") : ZJ_OK;
    if (!rc && l.n)
        rc = zj_cpk_stored_enterprises(s, &l, err);
    if (!rc && zj_coparties_fill(&l, k->m, &k->copart_cases, &k->ncopart_cases))
        rc = zj_fail(err, ZJ_EDATA, "resolver: out of memory");
    free(l.e);
    return rc;
}

static int build_kind(zj_resolver *rs, zj_store *s, zj_kind kind, zj_error *err)
{
    kind_set *k = &rs->k[kind];
    k->kind = kind;
    double per_entity = 1;
    int rc = zj_model_load(s, kind, &k->fs, &per_entity, &k->has_model, err);
    if (!rc)
        rc = zj_lmentions_load(s, kind, true, &k->m, &k->n, &k->ar, err);
    if (!rc && kind == ZJ_KIND_PERSON)
        rc = build_coparties(k, s, err);
    if (rc)
        return rc;
    if (zj_tf_build(&k->tf, k->m, k->n))
        return zj_fail(err, ZJ_EDATA, "resolver: out of memory");
    k->tf.per_entity = per_entity;
    const zj_link_kind_config *kc = kind == ZJ_KIND_PERSON ? &rs->cfg.person
                                                           : &rs->cfg.enterprise;
    for (int r = 0; r < kc->nrules && r < MAX_RULES; r++) {
        zj_keyed *a = malloc(((size_t)k->n + 1) * sizeof *a);
        if (!a)
            return zj_fail(err, ZJ_EDATA, "resolver: out of memory");
        size_t w = 0;
        for (int32_t i = 0; i < k->n; i++) {
            uint64_t key = zj_block_key(&k->m[i], &kc->rules[r], r);
            if (key)
                a[w++] = (zj_keyed){key, i};
        }
        k->block[r] = a;
        k->nblock[r] = w;
        if (zj_radix_sort(a, w))
            return zj_fail(err, ZJ_EDATA, "resolver: out of memory");
    }
    k->by_id = malloc(((size_t)k->n + 1) * sizeof *k->by_id);
    if (!k->by_id)
        return zj_fail(err, ZJ_EDATA, "resolver: out of memory");
    for (int32_t i = 0; i < k->n; i++)
        if (k->m[i].id_trusted && k->m[i].id_h)
            k->by_id[k->nby_id++] = (zj_keyed){k->m[i].id_h, i};
    if (zj_radix_sort(k->by_id, k->nby_id))
        return zj_fail(err, ZJ_EDATA, "resolver: out of memory");
    return ZJ_OK;
}

int zj_resolver_build(zj_store *s, const zj_link_config *cfg, zj_resolver **out, zj_error *err)
{
    *out = NULL;
    zj_resolver *rs = calloc(1, sizeof *rs);
    if (!rs)
        return zj_fail(err, ZJ_EDATA, "resolver: out of memory");
    if (pthread_mutex_init(&rs->lock, NULL)) {
        free(rs);
        return zj_fail(err, ZJ_EDATA, "resolver: cannot create its lock");
    }
    if (cfg)
        rs->cfg = *cfg;
    else
        zj_link_config_defaults(&rs->cfg);
    rs->spec = -1;
    for (int i = 0; i < zj_mention_spec_count(); i++)
        if (!strcmp(zj_mention_spec_table(i), "case_party"))
            rs->spec = i;
    assert(rs->spec >= 0);
    int rc = build_kind(rs, s, ZJ_KIND_PERSON, err);
    if (!rc)
        rc = build_kind(rs, s, ZJ_KIND_ENTERPRISE, err);
    /* one namer ready, so the first resolution does not pay for opening OpenCC and ICU */
    if (!rc && !(rs->pool[0] = zj_namer_new(err)))
        rc = ZJ_EDATA;
    if (!rc)
        rs->npool = 1;
    if (rc) {
        zj_resolver_free(rs);
        return rc;
    }
    *out = rs;
    return ZJ_OK;
}

void zj_resolver_free(zj_resolver *rs)
{
    if (!rs)
        return;
    for (int kind = 0; kind < 2; kind++) {
        kind_set *k = &rs->k[kind];
        free(k->m);
        zj_arena_free(&k->ar);
        zj_tf_free(&k->tf);
        for (int r = 0; r < MAX_RULES; r++)
            free(k->block[r]);
        free(k->by_id);
        free(k->copart_cases);
    }
    for (int i = 0; i < rs->npool; i++)
        zj_namer_free(rs->pool[i]);
    pthread_mutex_destroy(&rs->lock);
    free(rs);
}

int64_t zj_resolver_mentions(const zj_resolver *rs, int kind)
{
    return rs && (kind == 0 || kind == 1) ? rs->k[kind].n : 0;
}

/* ---- the namer pool -------------------------------------------------------------------------- */

static zj_namer *namer_take(zj_resolver *rs, zj_error *err)
{
    zj_namer *nm = NULL;
    pthread_mutex_lock(&rs->lock);
    if (rs->npool)
        nm = rs->pool[--rs->npool];
    pthread_mutex_unlock(&rs->lock);
    return nm ? nm : zj_namer_new(err);
}

static void namer_give(zj_resolver *rs, zj_namer *nm)
{
    pthread_mutex_lock(&rs->lock);
    if (rs->npool < POOL) {
        rs->pool[rs->npool++] = nm;
        nm = NULL;
    }
    pthread_mutex_unlock(&rs->lock);
    zj_namer_free(nm);
}

/* ---- one record ------------------------------------------------------------------------------ */

/* A form's value, copied writable (normalizing cuts dates in place) and bounded; NULL when
 * absent or empty. */
static char *field_copy(char *dst, size_t cap, const char *src)
{
    if (!src || !src[0])
        return NULL;
    size_t n = strlen(src);
    if (n >= cap) {
        n = cap - 1;
        while (n && ((unsigned char)src[n] & 0xC0) == 0x80)
            n--;                                  /* never cut a character */
    }
    memcpy(dst, src, n);
    dst[n] = '\0';
    return dst;
}

/* The range [*lo, *hi) of key in a sorted keyed array. */
static void key_range(const zj_keyed *a, size_t n, uint64_t key, size_t *lo, size_t *hi)
{
    size_t l = 0, h = n;
    while (l < h) {
        size_t mid = l + (h - l) / 2;
        if (a[mid].key < key)
            l = mid + 1;
        else
            h = mid;
    }
    *lo = l;
    while (l < n && a[l].key == key)
        l++;
    *hi = l;
}

typedef struct cands {
    int32_t *v;
    size_t n, cap;
    int32_t small[256];
} cands;

static int cand_push(cands *c, int32_t i)
{
    if (c->n == c->cap) {
        size_t cap = c->cap * 2;
        int32_t *g = malloc(cap * sizeof *g);
        if (!g)
            return -1;
        memcpy(g, c->v, c->n * sizeof *g);
        if (c->v != c->small)
            free(c->v);
        c->v = g;
        c->cap = cap;
    }
    c->v[c->n++] = i;
    return 0;
}

static int i32_cmp(const void *a, const void *b)
{
    int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;
    return (x > y) - (x < y);
}

/* The total weight of query q against stored mention i, prior included; fills the waterfall
 * when `steps` is not NULL. */
static double weigh(const kind_set *k, const zj_lmention *q, const zj_arena *qar, int32_t i,
                    zj_resolve_step *steps, int *nsteps)
{
    int g[ZJ_MAX_FIELDS];
    zj_compare_two(k->kind, q, qar, &k->m[i], &k->ar, g);
    double w = zj_model_prior(&k->fs);
    for (int f = 0; f < ZJ_MAX_FIELDS; f++) {
        if (!zj_compare_nlevels(k->kind, f))
            continue;
        zj_resolve_step *st = NULL;
        if (steps && *nsteps < ZJ_RESOLVE_MAX_STEPS) {
            st = &steps[(*nsteps)++];
            memset(st, 0, sizeof *st);
            st->field = zj_compare_field_name(k->kind, f);
            st->level = zj_compare_level_name(k->kind, f, g[f]);
        }
        if (g[f] == ZJ_MISSING) {
            if (st)
                st->missing = true;
            continue;
        }
        double m, u;
        bool adjusted;
        double fw = zj_pair_field_weight(&k->fs, &k->tf, q, f, g[f], &m, &u, &adjusted);
        w += fw;
        if (st) {
            st->m = m;
            st->u = u;
            st->weight = fw;
            st->tf_adjusted = adjusted;
        }
    }
    return w;
}

/* A trusted ID equal to the query's decides, unless the query's own birth date or sex
 * disagrees with it, or its name is unrelated to the name the ID is stored with (the batch's
 * conflict check): then the ID is not trusted and the model judges. */
static int32_t by_trusted_id(const kind_set *k, zj_lmention *q, const zj_arena *qar)
{
    if (!q->id_trusted || !q->id_h)
        return -1;
    if (k->kind == ZJ_KIND_PERSON) {
        const char *id = qar->data + q->id_off;
        if (strlen(id) == 18) {
            int32_t id_birth = atoi((char[9]){id[6], id[7], id[8], id[9], id[10], id[11],
                                              id[12], id[13], 0});
            char id_sex = ((id[16] - '0') & 1) ? 'M' : 'F';
            if ((q->sex && q->sex != id_sex) || (q->birth && q->birth != id_birth)) {
                q->id_trusted = false;
                return -1;
            }
        }
    }
    size_t lo, hi;
    key_range(k->by_id, k->nby_id, q->id_h, &lo, &hi);
    if (lo == hi)
        return -1;
    int g[ZJ_MAX_FIELDS];
    zj_compare_two(k->kind, &k->m[k->by_id[lo].idx], &k->ar, q, qar, g);
    if (g[F_NAME] == 0) {
        q->id_trusted = false;
        return -1;
    }
    for (size_t i = lo; i < hi; i++)
        if (k->m[k->by_id[i].idx].entity)
            return k->by_id[i].idx;
    return -1;
}

/* The record's co-parties, keyed as the stored ones (pairing.h): each co-party normalized
 * as a case party is, a key kept when its cases, this one counted, are at most
 * ZJ_COPARTY_MAX_CASES. */
static void query_coparties(const kind_set *k, zj_namer *nm, int spec, const zj_resolve_input *in,
                            zj_mention_work *w, zj_lmention *q)
{
    for (int i = 0; i < in->ncoparties; i++) {
        const zj_resolve_coparty *cp = &in->coparties[i];
        char name[ZJ_NAME_MAX], id[40];
        zj_raw_record rec;
        memset(&rec, 0, sizeof rec);
        rec.v[C_NAME] = field_copy(name, sizeof name, cp->name);
        rec.v[cp->enterprise ? C_USCC : C_ID] = field_copy(id, sizeof id, cp->id_no);
        rec.v[C_KIND] = cp->enterprise ? "enterprise" : "person";
        if (!zj_mention_normalize(nm, spec, &rec, w))
            continue;
        zj_kind ck = cp->enterprise ? ZJ_KIND_ENTERPRISE : ZJ_KIND_PERSON;
        uint32_t keys[2] = {zj_copart_key(ck, w->row.v[ZJ_MC_NORM]),
                            zj_copart_id_key(ck, w->row.v[ZJ_MC_ID_NO],
                                             zj_cpk_status_valid(w->row.v[ZJ_MC_STATUS]))};
        for (int j = 0; j < 2; j++) {
            if (!keys[j])
                continue;
            size_t lo, hi;
            key_range(k->copart_cases, k->ncopart_cases, keys[j], &lo, &hi);
            int64_t cases = lo < hi ? k->copart_cases[lo].idx : 0;
            if (cases + 1 <= ZJ_COPARTY_MAX_CASES)
                zj_copart_add(q, keys[j]);
        }
    }
}

static double probability_cut(double t)
{
    return t > 0 && t < 1 ? log2(t / (1 - t)) : t <= 0 ? -INFINITY : INFINITY;
}

int zj_resolver_resolve(const zj_resolver *crs, const zj_resolve_input *in,
                        zj_resolve_result *out, zj_error *err)
{
    zj_resolver *rs = (zj_resolver *)crs;   /* only the namer pool is written, under its lock */
    memset(out, 0, sizeof *out);
    zj_kind kind = in->enterprise ? ZJ_KIND_ENTERPRISE : ZJ_KIND_PERSON;
    const kind_set *k = &rs->k[kind];
    const zj_link_kind_config *kc = kind == ZJ_KIND_PERSON ? &rs->cfg.person
                                                           : &rs->cfg.enterprise;
    out->threshold = kc->threshold;
    out->method = "none";

    /* the record, normalized as a case party's mention is */
    char name[ZJ_NAME_MAX], id[40], birth[24], sex[8], phone[40], address[512];
    zj_raw_record rec;
    memset(&rec, 0, sizeof rec);
    rec.v[C_NAME] = field_copy(name, sizeof name, in->name);
    rec.v[in->enterprise ? C_USCC : C_ID] = field_copy(id, sizeof id, in->id_no);
    rec.v[C_BIRTH] = field_copy(birth, sizeof birth, in->birth_date);
    rec.v[C_SEX] = field_copy(sex, sizeof sex, in->sex);
    rec.v[C_PHONE] = field_copy(phone, sizeof phone, in->phone);
    rec.v[C_ADDRESS] = field_copy(address, sizeof address, in->address);
    rec.v[C_KIND] = in->enterprise ? "enterprise" : "person";
    zj_namer *nm = namer_take(rs, err);
    if (!nm)
        return ZJ_EDATA;
    zj_mention_work *w = malloc(sizeof *w);
    if (!w) {
        namer_give(rs, nm);
        return zj_fail(err, ZJ_EDATA, "resolver: out of memory");
    }
    int named = zj_mention_normalize(nm, rs->spec, &rec, w);
    /* the query's strings in an arena of its own, on the stack: large enough that it never
     * grows (a name's two forms, an ID of at most 39 bytes) */
    char qbuf[4 * ZJ_NAME_MAX + 2 * ZJ_NAME_MAX + 64];
    zj_arena qar = {qbuf, 0, sizeof qbuf};
    zj_lmention q;
    int rc = ZJ_OK;
    if (named)
        rc = zj_lmention_from_row(&q, &qar, 0, 0, &w->row) ? ZJ_EDATA : ZJ_OK;
    if (named && !rc && kind == ZJ_KIND_PERSON && in->coparties)
        query_coparties(k, nm, rs->spec, in, w, &q);
    namer_give(rs, nm);
    free(w);
    assert(qar.data == qbuf);
    if (rc)
        return zj_fail(err, ZJ_EDATA, "resolver: a value too long to hold");
    if (!named)
        return ZJ_OK;
    if (!k->has_model) {
        out->method = "no_model";
        return ZJ_OK;
    }
    out->prior_weight = zj_model_prior(&k->fs);

    int32_t hit = by_trusted_id(k, &q, &qar);
    if (hit >= 0) {
        out->method = "id";
        out->entity = k->m[hit].entity;
        out->mention = k->m[hit].id;
        out->probability = 1;
        out->candidates = 1;
        out->weight = weigh(k, &q, &qar, hit, out->steps, &out->nsteps);
        return ZJ_OK;
    }

    /* candidates: every mention sharing a block with the record, under every rule */
    cands c = {.v = NULL, .n = 0, .cap = 256};
    c.v = c.small;
    for (int r = 0; r < kc->nrules && r < MAX_RULES; r++) {
        uint64_t key = zj_block_key(&q, &kc->rules[r], r);
        if (!key)
            continue;
        size_t lo, hi;
        key_range(k->block[r], k->nblock[r], key, &lo, &hi);
        if (hi - lo + 1 > (size_t)kc->max_block)
            continue;                         /* the batch skips such a block too */
        for (size_t i = lo; i < hi; i++)
            if (cand_push(&c, k->block[r][i].idx)) {
                if (c.v != c.small)
                    free(c.v);
                return zj_fail(err, ZJ_EDATA, "resolver: out of memory");
            }
    }
    qsort(c.v, c.n, sizeof *c.v, i32_cmp);
    int32_t best = -1, second = -1;
    double best_w = -INFINITY, second_w = -INFINITY;
    for (size_t i = 0; i < c.n; i++) {
        if (i && c.v[i] == c.v[i - 1])
            continue;
        const zj_lmention *m = &k->m[c.v[i]];
        out->candidates++;
        if (!m->entity || (q.id_trusted && m->id_trusted))
            continue;                         /* two trusted IDs: the IDs decide, not the model */
        double wt = weigh(k, &q, &qar, c.v[i], NULL, NULL);
        /* the best candidate, and the best of another entity */
        if (best >= 0 && m->entity == k->m[best].entity) {
            if (wt > best_w)
                best = c.v[i], best_w = wt;
        } else if (wt > best_w) {
            second = best, second_w = best_w;
            best = c.v[i], best_w = wt;
        } else if (second >= 0 && m->entity == k->m[second].entity) {
            if (wt > second_w)
                second = c.v[i], second_w = wt;
        } else if (wt > second_w) {
            second = c.v[i], second_w = wt;
        }
    }
    if (c.v != c.small)
        free(c.v);
    if (best < 0)
        return ZJ_OK;
    out->mention = k->m[best].id;
    out->weight = weigh(k, &q, &qar, best, out->steps, &out->nsteps);
    out->probability = zj_model_probability(out->weight);
    if (second >= 0) {
        out->runner_up = k->m[second].entity;
        out->runner_up_probability = zj_model_probability(second_w);
    }
    double cut = probability_cut(kc->threshold);
    if (out->weight < cut - 1e-6 || (out->weight < cut + 1e-6 && out->probability < kc->threshold)) {
        out->method = "below_threshold";
        return ZJ_OK;
    }
    if (second >= 0 && second_w >= cut && out->weight - second_w < ZJ_LINK_AMBIGUITY_MARGIN) {
        out->method = "ambiguous";
        return ZJ_OK;
    }
    out->method = "model";
    out->entity = k->m[best].entity;
    return ZJ_OK;
}
