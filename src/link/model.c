/* model.c - Fellegi-Sunter weights and EM on pattern counts (see model.h). */
#include "link/model.h"

#include <assert.h>
#include <math.h>
#include <string.h>

size_t zj_pattern_count(zj_kind kind)
{
    size_t n = 1;
    for (int f = 0; f < ZJ_MAX_FIELDS; f++)
        n *= (size_t)zj_compare_nlevels(kind, f) + 1;
    return n;
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

static void level_frequencies(const zj_fs_model *fs, const int64_t *counts, double out[][ZJ_MAX_LEVELS],
                              double *totals)
{
    memset(out, 0, sizeof(double) * ZJ_MAX_FIELDS * ZJ_MAX_LEVELS);
    memset(totals, 0, sizeof(double) * ZJ_MAX_FIELDS);
    size_t np = zj_pattern_count(fs->kind);
    int g[ZJ_MAX_FIELDS];
    for (size_t p = 0; p < np; p++) {
        if (!counts[p])
            continue;
        zj_pattern_decode(fs->kind, p, g);
        for (int f = 0; f < ZJ_MAX_FIELDS; f++)
            if (g[f] != ZJ_MISSING) {
                out[f][g[f]] += (double)counts[p];
                totals[f] += (double)counts[p];
            }
    }
}

static void set_from(zj_fs_model *fs, const int64_t *counts, double dst[][ZJ_MAX_LEVELS])
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

void zj_model_set_u(zj_fs_model *fs, const int64_t *counts) { set_from(fs, counts, fs->u); }
void zj_model_set_m(zj_fs_model *fs, const int64_t *counts) { set_from(fs, counts, fs->m); }

int zj_model_em(zj_fs_model *fs, const int64_t *counts, int max_iter, double tolerance)
{
    size_t np = zj_pattern_count(fs->kind);
    int g[ZJ_MAX_FIELDS];
    int it;
    for (it = 1; it <= max_iter; it++) {
        double mm[ZJ_MAX_FIELDS][ZJ_MAX_LEVELS] = {{0}}, mt[ZJ_MAX_FIELDS] = {0};
        double match_total = 0, total = 0;
        for (size_t p = 0; p < np; p++) {
            if (!counts[p])
                continue;
            zj_pattern_decode(fs->kind, p, g);
            /* E step: posterior probability that a pair of this pattern is a match. */
            double lm = log(fs->lambda), lu = log(1 - fs->lambda);
            for (int f = 0; f < ZJ_MAX_FIELDS; f++)
                if (g[f] != ZJ_MISSING && zj_compare_nlevels(fs->kind, f)) {
                    lm += log(fs->m[f][g[f]]);
                    lu += log(fs->u[f][g[f]]);
                }
            double post = 1 / (1 + exp(lu - lm));
            double w = post * (double)counts[p];
            match_total += w;
            total += (double)counts[p];
            for (int f = 0; f < ZJ_MAX_FIELDS; f++)
                if (g[f] != ZJ_MISSING && zj_compare_nlevels(fs->kind, f)) {
                    mm[f][g[f]] += w;
                    mt[f] += w;
                }
        }
        if (total == 0)
            return 0;
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
