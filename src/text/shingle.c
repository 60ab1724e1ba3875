/* shingle.c - character-bigram shingles of normalized text and their Jaccard similarity
 * (see shingle.h). */
#include "text/shingle.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

static int u32_cmp(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return (x > y) - (x < y);
}

/* A 32-bit mix of two code points (murmur3's finalizer over their pair). */
static uint32_t pair_hash(int32_t a, int32_t b)
{
    uint64_t h = ((uint64_t)(uint32_t)a << 32) | (uint32_t)b;
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdull;
    h ^= h >> 33;
    h *= 0xc4ceb9fe1a85ec53ull;
    h ^= h >> 33;
    return (uint32_t)h;
}

size_t zj_shingles(const char *s, size_t n, uint32_t *out, size_t cap)
{
    if (!s || !n || !cap)
        return 0;
    utf8proc_uint8_t *norm = NULL;
    utf8proc_ssize_t len = utf8proc_map((const utf8proc_uint8_t *)s, (utf8proc_ssize_t)n, &norm,
                                        UTF8PROC_STABLE | UTF8PROC_COMPOSE | UTF8PROC_COMPAT |
                                        UTF8PROC_CASEFOLD | UTF8PROC_IGNORE);
    if (len < 0)
        return 0;
    size_t w = 0;
    int32_t prev = -1;               /* the previous kept character (-1: none yet) */
    bool digits = false;             /* inside a run of digits, folded to one '#' */
    for (utf8proc_ssize_t i = 0; i < len && w < cap;) {
        utf8proc_int32_t cp;
        utf8proc_ssize_t k = utf8proc_iterate(norm + i, len - i, &cp);
        if (k <= 0)
            break;
        i += k;
        utf8proc_category_t cat = utf8proc_category(cp);
        int32_t c;
        if (cat == UTF8PROC_CATEGORY_ND) {
            if (digits)
                continue;
            digits = true;
            c = '#';
        } else if (cat >= UTF8PROC_CATEGORY_LU && cat <= UTF8PROC_CATEGORY_LO) {
            digits = false;
            c = cp;
        } else {
            digits = false;          /* punctuation, spaces, symbols: dropped */
            continue;
        }
        if (prev >= 0)
            out[w++] = pair_hash(prev, c);
        prev = c;
    }
    if (w == 0 && prev >= 0)
        out[w++] = pair_hash(prev, -1);   /* a single character */
    free(norm);
    qsort(out, w, sizeof *out, u32_cmp);
    size_t d = 0;
    for (size_t i = 0; i < w; i++)
        if (d == 0 || out[i] != out[d - 1])
            out[d++] = out[i];
    return d;
}

double zj_shingle_jaccard(const uint32_t *a, size_t na, const uint32_t *b, size_t nb)
{
    if (!na || !nb)
        return 0;
    size_t i = 0, j = 0, both = 0;
    while (i < na && j < nb) {
        if (a[i] == b[j])
            both++, i++, j++;
        else if (a[i] < b[j])
            i++;
        else
            j++;
    }
    return (double)both / (double)(na + nb - both);
}
