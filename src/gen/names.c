/* names.c - Chinese names drawn from real frequency distributions (姓名抽样).
 *
 * Surnames follow rules/gen_surnames.tsv (the 公安部 ranking with published shares), so 王,
 * 李 and 张 together are about a fifth of all people; given names are one character (a
 * quarter of people, mostly older cohorts) or two, drawn from rules/gen_given_chars.tsv by
 * sex. The result is realistic collisions: 张伟 and 王芳 occur many times in a province,
 * which is exactly what entity resolution has to cope with. rules/gen_name_variants.tsv
 * gives the traditional, homophone and look-alike forms dirt.c uses.
 *
 * The tables are compiled in at build time (scripts/gen-table.py); zg_names_init() turns
 * the weights into cumulative arrays once.
 */
#include <stdlib.h>
#include <string.h>

#include "gen/internal.h"

typedef struct { const char *ch, *share; } surname_row;
typedef struct { const char *ch, *sex, *weight; } given_row;
typedef struct { const char *ch, *trad, *homo, *typo; } variant_row;

static const surname_row surnames[] = {
#include "gen_surnames.inc"
};
static const given_row given[] = {
#include "gen_given_chars.inc"
};
static const variant_row variants[] = {
#include "gen_name_variants.inc"
};
#define NSUR (sizeof surnames / sizeof surnames[0])
#define NGIV (sizeof given / sizeof given[0])
#define NVAR (sizeof variants / sizeof variants[0])

static double sur_cum[NSUR];
static int giv_idx[2][NGIV];      /* per sex (0 M, 1 F): indexes into given[] */
static double giv_cum[2][NGIV];
static int giv_n[2];
static int inited;

int zg_names_init(void)
{
    if (inited)
        return 0;
    double t = 0;
    for (size_t i = 0; i < NSUR; i++) {
        double w = strtod(surnames[i].share, NULL);
        if (w <= 0)
            return -1;
        sur_cum[i] = t += w;
    }
    for (int s = 0; s < 2; s++) {
        double c = 0;
        giv_n[s] = 0;
        for (size_t i = 0; i < NGIV; i++) {
            char sx = given[i].sex[0];
            if (sx != 'U' && sx != (s ? 'F' : 'M'))
                continue;
            double w = strtod(given[i].weight, NULL);
            if (w <= 0)
                return -1;
            giv_idx[s][giv_n[s]] = (int)i;
            giv_cum[s][giv_n[s]++] = c += w;
        }
    }
    inited = 1;
    return 0;
}

static size_t pick(const double *cum, size_t n, double u)
{
    double x = u * cum[n - 1];
    size_t lo = 0, hi = n - 1;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (cum[mid] <= x)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

const char *zg_surname(zg_rng *r)
{
    return surnames[pick(sur_cum, NSUR, zg_unif(r))].ch;
}

static const char *given_char(zg_rng *r, int s)
{
    return given[giv_idx[s][pick(giv_cum[s], (size_t)giv_n[s], zg_unif(r))]].ch;
}

void zg_name(zg_rng *r, char sex, char out[24])
{
    int s = sex == 'F';
    const char *a = zg_surname(r);
    size_t n = strlen(a);
    memcpy(out, a, n);
    int chars = zg_chance(r, 0.25) ? 1 : 2;
    const char *prev = NULL;
    for (int i = 0; i < chars; i++) {
        const char *c = given_char(r, s);
        if (c == prev)                 /* 伟伟 is rare; draw again once */
            c = given_char(r, s);
        size_t k = strlen(c);
        memcpy(out + n, c, k);
        n += k;
        prev = c;
    }
    out[n] = '\0';
}

const char *zg_variant(const char *ch, size_t n, int kind)
{
    for (size_t i = 0; i < NVAR; i++)
        if (strlen(variants[i].ch) == n && memcmp(variants[i].ch, ch, n) == 0) {
            const char *v = kind == 0 ? variants[i].trad : kind == 1 ? variants[i].homo
                                                                     : variants[i].typo;
            return strcmp(v, "-") == 0 ? NULL : v;
        }
    return NULL;
}
