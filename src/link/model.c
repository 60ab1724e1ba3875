/* model.c - Fellegi-Sunter weights and EM on pattern counts (see model.h). */
#include "link/model.h"

#include <assert.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

size_t zj_pattern_count(zj_kind kind)
{
    size_t n = 1;
    for (int f = 0; f < ZJ_MAX_FIELDS; f++)
        n *= (size_t)zj_compare_nlevels(kind, f) + 1;
    return n;
}

/* ---- pattern counts -------------------------------------------------------------------- */

static size_t slot_of(uint32_t key, size_t cap)
{
    return (size_t)(key * 0x9E3779B1u) & (cap - 1);
}

static int pcounts_grow(zj_pcounts *c)
{
    size_t cap = c->cap ? c->cap * 2 : 1024;
    uint32_t *key = calloc(cap, sizeof *key);
    int64_t *n = malloc(cap * sizeof *n);
    if (!key || !n) {
        free(key);
        free(n);
        return -1;
    }
    for (size_t i = 0; i < c->cap; i++) {
        if (!c->key[i])
            continue;
        size_t s = slot_of(c->key[i], cap);
        while (key[s])
            s = (s + 1) & (cap - 1);
        key[s] = c->key[i];
        n[s] = c->n[i];
    }
    free(c->key);
    free(c->n);
    c->key = key;
    c->n = n;
    c->cap = cap;
    return 0;
}

int zj_pcounts_add(zj_pcounts *c, size_t pattern, int64_t n)
{
    assert(pattern < UINT32_MAX);
    uint32_t key = (uint32_t)pattern + 1;
    if (c->cap) {
        for (size_t s = slot_of(key, c->cap);; s = (s + 1) & (c->cap - 1)) {
            if (c->key[s] == key) {
                c->n[s] += n;
                return 0;
            }
            if (!c->key[s])
                break;
        }
    }
    if (2 * (c->used + 1) > c->cap && pcounts_grow(c))
        return -1;
    size_t s = slot_of(key, c->cap);
    while (c->key[s])
        s = (s + 1) & (c->cap - 1);
    c->key[s] = key;
    c->n[s] = n;
    c->used++;
    return 0;
}

ptrdiff_t zj_pcounts_find(const zj_pcounts *c, size_t pattern)
{
    if (!c->cap || pattern >= UINT32_MAX)
        return -1;
    uint32_t key = (uint32_t)pattern + 1;
    for (size_t s = slot_of(key, c->cap);; s = (s + 1) & (c->cap - 1)) {
        if (c->key[s] == key)
            return (ptrdiff_t)s;
        if (!c->key[s])
            return -1;
    }
}

int zj_pcounts_merge(zj_pcounts *into, const zj_pcounts *from)
{
    for (size_t i = 0; i < from->cap; i++)
        if (from->key[i] && zj_pcounts_add(into, from->key[i] - 1, from->n[i]))
            return -1;
    return 0;
}

void zj_pcounts_clear(zj_pcounts *c)
{
    if (c->cap)
        memset(c->key, 0, c->cap * sizeof *c->key);
    c->used = 0;
}

void zj_pcounts_free(zj_pcounts *c)
{
    free(c->key);
    free(c->n);
    memset(c, 0, sizeof *c);
}

size_t zj_pattern_of(zj_kind kind, const int *g)
{
    size_t p = 0;
    for (int f = ZJ_MAX_FIELDS - 1; f >= 0; f--) {
        int radix = zj_compare_nlevels(kind, f) + 1;
        int digit = g[f] == ZJ_MISSING || radix == 1 ? 0 : g[f] + 1;
        p = p * (size_t)radix + (size_t)digit;
    }
    return p;
}

void zj_pattern_decode(zj_kind kind, size_t p, int *g)
{
    for (int f = 0; f < ZJ_MAX_FIELDS; f++) {
        size_t radix = (size_t)zj_compare_nlevels(kind, f) + 1;
        size_t digit = p % radix;
        p /= radix;
        g[f] = digit == 0 ? ZJ_MISSING : (int)digit - 1;
    }
}

void zj_model_init(zj_fs_model *fs, zj_kind kind)
{
    memset(fs, 0, sizeof *fs);
    fs->kind = kind;
    fs->lambda = 0.1;
    for (int f = 0; f < ZJ_MAX_FIELDS; f++) {
        int L = zj_compare_nlevels(kind, f);
        for (int l = 0; l < L; l++) {
            /* matches mostly agree (top level), non-matches mostly disagree (level 0) */
            fs->m[f][l] = l == L - 1 ? 0.9 : 0.1 / (L - 1);
            fs->u[f][l] = l == 0 ? 0.9 : 0.1 / (L - 1);
        }
    }
}

static int u64_cmp(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

static void level_frequencies(const zj_fs_model *fs, const zj_pcounts *counts,
                              double out[][ZJ_MAX_LEVELS], double *totals)
{
    memset(out, 0, sizeof(double) * ZJ_MAX_FIELDS * ZJ_MAX_LEVELS);
    memset(totals, 0, sizeof(double) * ZJ_MAX_FIELDS);
    int g[ZJ_MAX_FIELDS];
    for (size_t i = 0; i < counts->cap; i++) {
        if (!counts->key[i] || !counts->n[i])
            continue;
        zj_pattern_decode(fs->kind, counts->key[i] - 1, g);
        for (int f = 0; f < ZJ_MAX_FIELDS; f++)
            if (g[f] != ZJ_MISSING) {
                out[f][g[f]] += (double)counts->n[i];
                totals[f] += (double)counts->n[i];
            }
    }
}

static void set_from(zj_fs_model *fs, const zj_pcounts *counts, double dst[][ZJ_MAX_LEVELS])
{
    double freq[ZJ_MAX_FIELDS][ZJ_MAX_LEVELS], tot[ZJ_MAX_FIELDS];
    level_frequencies(fs, counts, freq, tot);
    for (int f = 0; f < ZJ_MAX_FIELDS; f++) {
        int L = zj_compare_nlevels(fs->kind, f);
        if (!L || tot[f] == 0)
            continue;
        for (int l = 0; l < L; l++)
            dst[f][l] = (freq[f][l] + 0.5) / (tot[f] + 0.5 * L);
    }
}

void zj_model_set_u(zj_fs_model *fs, const zj_pcounts *counts) { set_from(fs, counts, fs->u); }
void zj_model_set_m(zj_fs_model *fs, const zj_pcounts *counts) { set_from(fs, counts, fs->m); }

int zj_model_em(zj_fs_model *fs, const zj_pcounts *counts, int max_iter, double tolerance)
{
    /* the patterns seen, decoded once */
    size_t np = 0;
    for (size_t i = 0; i < counts->cap; i++)
        np += counts->key[i] && counts->n[i];
    int (*gs)[ZJ_MAX_FIELDS] = malloc((np + 1) * sizeof *gs);
    double *cn = malloc((np + 1) * sizeof *cn);
    if (!gs || !cn) {
        free(gs);
        free(cn);
        return 0;
    }
    /* in pattern order, as a dense array would be walked: the sums below do not depend on
     * the order the table was filled in (threads) */
    uint64_t *order = malloc((np + 1) * sizeof *order);
    if (!order) {
        free(gs);
        free(cn);
        return 0;
    }
    np = 0;
    for (size_t i = 0; i < counts->cap; i++)
        if (counts->key[i] && counts->n[i])
            order[np++] = (uint64_t)counts->key[i] << 32 | i;
    qsort(order, np, sizeof *order, u64_cmp);
    for (size_t p = 0; p < np; p++) {
        size_t i = (size_t)(order[p] & 0xFFFFFFFFu);
        zj_pattern_decode(fs->kind, counts->key[i] - 1, gs[p]);
        cn[p] = (double)counts->n[i];
    }
    free(order);
    int it;
    for (it = 1; it <= max_iter; it++) {
        double mm[ZJ_MAX_FIELDS][ZJ_MAX_LEVELS] = {{0}}, mt[ZJ_MAX_FIELDS] = {0};
        double match_total = 0, total = 0;
        for (size_t p = 0; p < np; p++) {
            const int *g = gs[p];
            /* E step: posterior probability that a pair of this pattern is a match. */
            double lm = log(fs->lambda), lu = log(1 - fs->lambda);
            for (int f = 0; f < ZJ_MAX_FIELDS; f++)
                if (g[f] != ZJ_MISSING && zj_compare_nlevels(fs->kind, f)) {
                    lm += log(fs->m[f][g[f]]);
                    lu += log(fs->u[f][g[f]]);
                }
            double post = 1 / (1 + exp(lu - lm));
            double w = post * cn[p];
            match_total += w;
            total += cn[p];
            for (int f = 0; f < ZJ_MAX_FIELDS; f++)
                if (g[f] != ZJ_MISSING && zj_compare_nlevels(fs->kind, f)) {
                    mm[f][g[f]] += w;
                    mt[f] += w;
                }
        }
        if (total == 0) {
            free(gs);
            free(cn);
            return 0;
        }
        /* M step (u stays as estimated from random pairs). */
    double change = 0;
        for (int f = 0; f < ZJ_MAX_FIELDS; f++) {
            int L = zj_compare_nlevels(fs->kind, f);
            if (!L || mt[f] <= 0)
                continue;
            for (int l = 0; l < L; l++) {
                double m = (mm[f][l] + 0.01) / (mt[f] + 0.01 * L);
                change = fmax(change, fabs(m - fs->m[f][l]));
                fs->m[f][l] = m;
            }
        }
        double lambda = fmin(fmax(match_total / total, 1e-6), 1 - 1e-6);
        change = fmax(change, fabs(lambda - fs->lambda));
        fs->lambda = lambda;
        if (change < tolerance)
            break;
    }
    free(gs);
    free(cn);
    return it > max_iter ? max_iter : it;
}

double zj_model_weight(const zj_fs_model *fs, int field, int level)
{
    return log2(fs->m[field][level] / fs->u[field][level]);
}

double zj_model_unit_weight(const zj_fs_model *fs, int level, double u_unit, double u_post,
                            double *m, double *u)
{
    const double *mu = fs->m[F_UNIT];
    double m_unit = 1 - mu[0], m_post = mu[3] / (mu[2] + mu[3]);
    *m = m_unit;
    *u = u_unit;
    if (level == 3) {
        *m *= m_post;
        *u *= u_post;
    } else if (level == 2) {
        *m *= 1 - m_post;
        *u *= fmax(1 - u_post, 1e-6);
    }
    return log2(*m / *u);
}

double zj_model_name_tf_weight(const zj_fs_model *fs, int level, double tf, double *m,
                               double *u)
{
    assert(level == 2 || level == 3);
    *m = fs->m[F_NAME][level];
    *u = level == 3 ? tf : fs->u[F_NAME][2] * tf / fs->u[F_NAME][3];
    if (*u > 1)
        *u = 1;
    return log2(*m / *u);
}

double zj_model_prior(const zj_fs_model *fs) { return log2(fs->lambda / (1 - fs->lambda)); }

double zj_model_probability(double weight) { return 1 / (1 + exp2(-weight)); }
