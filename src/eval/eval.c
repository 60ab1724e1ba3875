/* eval.c - precision, recall and F1 of detectors and of entity resolution against the truth.
 *
 * Keys are compared as 64-bit XXH3 hashes of "table US source_system US source_key [US role]"
 * (US = U+001F), held in sorted arrays: memory is 24 bytes per mention and lookups are binary
 * searches; at 10^8 mentions the chance of any hash collision is below 10^-3, and a
 * collision would only move one mention.
 * Pair counts come from contingency tables: with n_ij mentions of truth entity j placed in
 * store entity i, correct pairs = sum C(n_ij, 2), true pairs = sum_j C(b_j, 2), predicted
 * pairs = sum_i C(a_i, 2). Per noise type t, pairs involving at least one mention with t:
 * C(n, 2) - C(n - m_t, 2) where m_t counts the noisy mentions of the cell.
 */
#include "eval/eval.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

#include "detect/detect.h"
#include "detect/leads.h"
#include "link/entity_read.h"

const char *const zj_eval_noise_names[ZJ_EVAL_NOISE] = {
    "typo", "homophone", "traditional", "missing_id", "legacy_id", "fullwidth", "spaces",
    "id_typo",
};

/* docs/domain.md section 3. */
static const char *const catalog[] = {
    "TV01", "TV02", "TV03", "TV04", "TR01", "TR02", "TR03", "TR04", "TR05", "CP01", "CF01",
    "CF02", "CF03", "CF04", "CF05", "CF06", "CF07", "CF08", "PN01", "PN02", "PN03", "FL01",
    "FL02", "FL03", "FL04", "SC01", "SC02", "SC03", "SC04", "CC01", "CC02", "CC03",
};
#define NCATALOG (sizeof catalog / sizeof catalog[0])

static uint64_t key_hash(const char *code, const char *table, const char *system,
                         const char *key, const char *role)
{
    char buf[2048];
    size_t n = 0;
    const char *parts[] = {code, table, system, key, role};
    for (int i = 0; i < 5; i++) {
        if (!parts[i])
            continue;
        size_t l = strlen(parts[i]);
        if (n + l + 1 > sizeof buf)
            l = sizeof buf - n - 1;     /* keys are far shorter; never reached in practice */
        memcpy(buf + n, parts[i], l);
        n += l;
        buf[n++] = '\x1f';
    }
    return XXH3_64bits(buf, n);
}

static int cmp_u64(uint64_t a, uint64_t b)
{
    return a < b ? -1 : a > b;
}

/* ---- reading JSON Lines ------------------------------------------------------------------ */

typedef int (*line_fn)(cJSON *o, void *ctx, const char *where, zj_error *err);

static int each_line(const char *path, line_fn fn, void *ctx, zj_error *err)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return zj_fail(err, ZJ_EUSAGE, "cannot open '%s' (is it a directory written by "
                       "'zhijian gen'?)", path);
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    long lineno = 0;
    int rc = ZJ_OK;
    while (!rc && (n = getline(&line, &cap, f)) >= 0) {
        lineno++;
        if (n <= 1)
            continue;
        cJSON *o = cJSON_ParseWithLength(line, (size_t)n);
        char where[4200];
        snprintf(where, sizeof where, "%s:%ld", path, lineno);
        if (!o || !cJSON_IsObject(o))
            rc = zj_fail(err, ZJ_EDATA, "%s: not a JSON object", where);
        else
            rc = fn(o, ctx, where, err);
        cJSON_Delete(o);
    }
    free(line);
    fclose(f);
    return rc;
}

static const char *str(cJSON *o, const char *k)
{
    cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* ---- detectors --------------------------------------------------------------------------- */

typedef struct tkey {
    uint64_t h;              /* hash of code, table, system, key */
    int32_t entry;
} tkey;

typedef struct dctx {
    zj_eval_result *res;
    tkey *keys;
    size_t nkeys, capkeys;
    int32_t nentries;
    int *entry_code;         /* per entry: index in res->codes */
    bool *entry_near, *entry_hit;
    size_t capentries;
} dctx;

static int code_index(zj_eval_result *res, const char *code)
{
    for (int i = 0; i < res->ncodes; i++)
        if (strcmp(res->codes[i].code, code) == 0)
            return i;
    if (res->ncodes >= ZJ_EVAL_MAX_CODES)
        return -1;
    snprintf(res->codes[res->ncodes].code, sizeof res->codes[0].code, "%s", code);
    return res->ncodes++;
}

static int add_key(dctx *d, uint64_t h)
{
    if (d->nkeys == d->capkeys) {
        size_t nc = d->capkeys ? d->capkeys * 2 : 256;
        tkey *k = realloc(d->keys, nc * sizeof *k);
        if (!k)
            return -1;
        d->keys = k;
        d->capkeys = nc;
    }
    d->keys[d->nkeys++] = (tkey){h, d->nentries};
    return 0;
}

static int truth_line(cJSON *o, void *ctx, const char *where, zj_error *err)
{
    dctx *d = ctx;
    const char *code = str(o, "code");
    cJSON *subj = cJSON_GetObjectItemCaseSensitive(o, "subject");
    cJSON *recs = cJSON_GetObjectItemCaseSensitive(o, "records");
    const char *stable = subj ? str(subj, "table") : NULL;
    if (!code || !stable || !str(subj, "source_system") || !str(subj, "key"))
        return zj_fail(err, ZJ_EDATA, "%s: a truth entry needs code and subject {table, "
                       "source_system, key}", where);
    int ci = code_index(d->res, code);
    if (ci < 0)
        return zj_fail(err, ZJ_EDATA, "%s: too many detector codes", where);
    if ((size_t)d->nentries == d->capentries) {
        size_t nc = d->capentries ? d->capentries * 2 : 256;
        int *a = realloc(d->entry_code, nc * sizeof *a);
        bool *b = a ? realloc(d->entry_near, nc * sizeof *b) : NULL;
        if (a)
            d->entry_code = a;
        if (b)
            d->entry_near = b;
        bool *c = b ? realloc(d->entry_hit, nc * sizeof *c) : NULL;
        if (!c)
            return zj_fail(err, ZJ_EDATA, "out of memory");
        d->entry_hit = c;
        d->capentries = nc;
    }
    bool near = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(o, "near_miss"));
    d->entry_code[d->nentries] = ci;
    d->entry_near[d->nentries] = near;
    d->entry_hit[d->nentries] = false;
    if (near)
        d->res->codes[ci].s.near_misses++;
    else
        d->res->codes[ci].s.truth++;
    if (add_key(d, key_hash(code, stable, str(subj, "source_system"), str(subj, "key"), NULL)))
        return zj_fail(err, ZJ_EDATA, "out of memory");
    cJSON *r;
    cJSON_ArrayForEach(r, recs)
    {
        const char *t = str(r, "table"), *sy = str(r, "source_system"), *k = str(r, "key");
        if (t && sy && k && strcmp(t, stable) == 0 &&
            add_key(d, key_hash(code, t, sy, k, NULL)))
            return zj_fail(err, ZJ_EDATA, "out of memory");
    }
    d->nentries++;
    return ZJ_OK;
}

static int tkey_cmp(const void *a, const void *b)
{
    const tkey *x = a, *y = b;
    int c = cmp_u64(x->h, y->h);
    return c ? c : (x->entry > y->entry) - (x->entry < y->entry);
}

static int lead_fn(const zj_lead_ref *l, void *ctx)
{
    dctx *d = ctx;
    int ci = code_index(d->res, l->code);
    if (ci < 0)
        return 0;
    zj_eval_score *s = &d->res->codes[ci].s;
    s->found++;
    uint64_t h = key_hash(l->code, l->subject_table, l->source_system, l->source_key, NULL);
    size_t lo = 0, hi = d->nkeys;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (d->keys[mid].h < h)
            lo = mid + 1;
        else
            hi = mid;
    }
    bool tp = false, near = false;
    for (size_t i = lo; i < d->nkeys && d->keys[i].h == h; i++) {
        int32_t e = d->keys[i].entry;
        if (d->entry_near[e])
            near = true;
        else {
            tp = true;
            d->entry_hit[e] = true;
        }
    }
    if (tp)
        s->true_positives++;
    else if (near)
        s->near_miss_hits++;
    return 0;
}

static void finish_score(zj_eval_score *s)
{
    s->precision = s->found ? (double)s->true_positives / (double)s->found : 0;
    s->recall = s->truth ? (double)s->hit / (double)s->truth : 0;
    s->f1 = s->precision + s->recall > 0
                ? 2 * s->precision * s->recall / (s->precision + s->recall) : 0;
}

/* ---- linking ----------------------------------------------------------------------------- */

typedef struct ment {
    uint64_t h;
    int64_t truth;           /* truth entity */
    int64_t store;           /* store entity (negative: unlinked singleton) */
    uint8_t noise;
    uint8_t kind;            /* 0 person, 1 enterprise */
    uint8_t in_store;
} ment;

typedef struct lctx {
    ment *m;
    size_t n, cap;
    int64_t truth_mentions[2], store_mentions[2], unlinked[2];
    int64_t next_single;
} lctx;

static int identity_line(cJSON *o, void *ctx, const char *where, zj_error *err)
{
    lctx *l = ctx;
    const char *t = str(o, "table"), *sy = str(o, "source_system"), *k = str(o, "key"),
               *role = str(o, "role"), *ent = str(o, "entity"), *kind = str(o, "kind");
    if (!t || !sy || !k || !role || !ent || !kind || !ent[0])
        return zj_fail(err, ZJ_EDATA, "%s: an identity line needs table, source_system, key, "
                       "role, kind and entity", where);
    if (l->n == l->cap) {
        size_t nc = l->cap ? l->cap * 2 : 4096;
        ment *m = realloc(l->m, nc * sizeof *m);
        if (!m)
            return zj_fail(err, ZJ_EDATA, "out of memory");
        l->m = m;
        l->cap = nc;
    }
    ment *m = &l->m[l->n++];
    memset(m, 0, sizeof *m);
    m->h = key_hash(NULL, t, sy, k, role);
    m->kind = strcmp(kind, "enterprise") == 0;
    /* entity ids are "P00001234" / "E00001234"; any other text is hashed */
    char *end;
    long long v = strtoll(ent + 1, &end, 10);
    m->truth = *end ? (int64_t)(XXH3_64bits(ent, strlen(ent)) >> 2)
                    : ((int64_t)(unsigned char)ent[0] << 48) + v;
    cJSON *nz = cJSON_GetObjectItemCaseSensitive(o, "noise"), *x;
    cJSON_ArrayForEach(x, nz)
    {
        for (int i = 0; i < ZJ_EVAL_NOISE; i++)
            if (cJSON_IsString(x) && strcmp(x->valuestring, zj_eval_noise_names[i]) == 0)
                m->noise |= (uint8_t)(1u << i);
    }
    l->truth_mentions[m->kind]++;
    return ZJ_OK;
}

static int ment_h_cmp(const void *a, const void *b)
{
    const ment *x = a, *y = b;
    return cmp_u64(x->h, y->h);
}

static int mention_fn(const zj_mention_ref *r, void *ctx)
{
    lctx *l = ctx;
    int kind = strcmp(r->kind, "enterprise") == 0;
    l->store_mentions[kind]++;
    uint64_t h = key_hash(NULL, r->table, r->source_system, r->source_key, r->role);
    size_t lo = 0, hi = l->n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (l->m[mid].h < h)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo < l->n && l->m[lo].h == h && !l->m[lo].in_store) {
        l->m[lo].in_store = 1;
        l->m[lo].store = r->entity_id > 0 ? r->entity_id : -(++l->next_single);
        if (r->entity_id <= 0)
            l->unlinked[kind]++;
    }
    return 0;
}

static int by_truth(const void *a, const void *b)
{
    const ment *x = a, *y = b;
    if (x->truth != y->truth)
        return x->truth < y->truth ? -1 : 1;
    return (x->store > y->store) - (x->store < y->store);
}

static int by_store(const void *a, const void *b)
{
    const ment *x = a, *y = b;
    return (x->store > y->store) - (x->store < y->store);
}

static int by_kind(const void *a, const void *b)
{
    const ment *x = a, *y = b;
    return (int)x->kind - (int)y->kind;
}

static int64_t c2(int64_t n)
{
    return n * (n - 1) / 2;
}

static void score_kind(ment *m, size_t n, zj_eval_link *out)
{
    qsort(m, n, sizeof *m, by_truth);
    int64_t b = 0, nij = 0, bn[ZJ_EVAL_NOISE] = {0}, cn[ZJ_EVAL_NOISE] = {0};
    for (size_t i = 0; i < n; i++) {
        for (int t = 0; t < ZJ_EVAL_NOISE; t++)
            if (m[i].noise & (1u << t)) {
                bn[t]++;
                cn[t]++;
                out->noise_mentions[t]++;
            }
        b++;
        nij++;
        bool cell_end = i + 1 == n || m[i + 1].truth != m[i].truth || m[i + 1].store != m[i].store;
        bool truth_end = i + 1 == n || m[i + 1].truth != m[i].truth;
        if (cell_end) {
            out->correct_pairs += c2(nij);
            for (int t = 0; t < ZJ_EVAL_NOISE; t++) {
                out->noise_correct_pairs[t] += c2(nij) - c2(nij - cn[t]);
                cn[t] = 0;
            }
            nij = 0;
        }
        if (truth_end) {
            out->true_pairs += c2(b);
            for (int t = 0; t < ZJ_EVAL_NOISE; t++) {
                out->noise_true_pairs[t] += c2(b) - c2(b - bn[t]);
                bn[t] = 0;
            }
            b = 0;
        }
    }
    qsort(m, n, sizeof *m, by_store);
    int64_t a = 0;
    for (size_t i = 0; i < n; i++) {
        a++;
        if (i + 1 == n || m[i + 1].store != m[i].store) {
            out->predicted_pairs += c2(a);
            a = 0;
        }
    }
    out->mentions = (int64_t)n;
    out->precision = out->predicted_pairs ? (double)out->correct_pairs / (double)out->predicted_pairs : 0;
    out->recall = out->true_pairs ? (double)out->correct_pairs / (double)out->true_pairs : 0;
    out->f1 = out->precision + out->recall > 0
                  ? 2 * out->precision * out->recall / (out->precision + out->recall) : 0;
    for (int t = 0; t < ZJ_EVAL_NOISE; t++)
        out->noise_recall[t] = out->noise_true_pairs[t]
                                   ? (double)out->noise_correct_pairs[t] / (double)out->noise_true_pairs[t]
                                   : 0;
}

/* ---- the run ----------------------------------------------------------------------------- */

int zj_eval_run(zj_store *s, const char *truth_dir, zj_eval_result *out, zj_error *err)
{
    memset(out, 0, sizeof *out);
    for (size_t i = 0; i < NCATALOG; i++)
        code_index(out, catalog[i]);
    char path[4096];
    dctx d = {.res = out};
    snprintf(path, sizeof path, "%s/truth.jsonl", truth_dir);
    int rc = each_line(path, truth_line, &d, err);
    if (!rc) {
        qsort(d.keys, d.nkeys, sizeof *d.keys, tkey_cmp);
        rc = zj_leads_current_each(s, NULL, lead_fn, &d, &out->orphan_leads, err);
    }
    if (!rc) {
        for (int32_t e = 0; e < d.nentries; e++)
            if (d.entry_hit[e] && !d.entry_near[e])
                out->codes[d.entry_code[e]].s.hit++;
        for (int i = 0; i < out->ncodes; i++) {
            finish_score(&out->codes[i].s);
            out->codes[i].built = zj_detector_find(out->codes[i].code) != NULL;
            bool known = false;
            for (size_t k = 0; k < NCATALOG; k++)
                known |= strcmp(catalog[k], out->codes[i].code) == 0;
            if (!known)
                out->unmatched_truth_codes += out->codes[i].s.truth;
        }
    }
    free(d.keys);
    free(d.entry_code);
    free(d.entry_near);
    free(d.entry_hit);
    if (rc)
        return rc;

    lctx l = {0};
    snprintf(path, sizeof path, "%s/identity.jsonl", truth_dir);
    rc = each_line(path, identity_line, &l, err);
    if (!rc) {
        qsort(l.m, l.n, sizeof *l.m, ment_h_cmp);
        rc = zj_link_each_mention_ref(s, mention_fn, &l, NULL, err);
    }
    if (!rc) {
        /* keep the mentions present in both, persons first */
        size_t nb = 0;
        for (size_t i = 0; i < l.n; i++)
            if (l.m[i].in_store)
                l.m[nb++] = l.m[i];
        qsort(l.m, nb, sizeof *l.m, by_kind);
        size_t np = 0;
        while (np < nb && l.m[np].kind == 0)
            np++;
        size_t ne = nb;
        zj_eval_link *kinds[2] = {&out->person, &out->enterprise};
        for (int k = 0; k < 2; k++) {
            kinds[k]->truth_mentions = l.truth_mentions[k];
            kinds[k]->store_mentions = l.store_mentions[k];
            kinds[k]->unlinked = l.unlinked[k];
        }
        score_kind(l.m, np, &out->person);
        score_kind(l.m + np, ne - np, &out->enterprise);
    }
    free(l.m);
    return rc;
}
