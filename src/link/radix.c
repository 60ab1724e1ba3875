/* radix.c - stable LSD radix sort of (key, index) pairs: four passes of 16 bits (see
 * radix.h). A pass whose digit is the same for every element is skipped. */
#include "link/radix.h"

#include <stdlib.h>
#include <string.h>

static int sort_with(zj_keyed *a, size_t n, zj_keyed *tmp);

int zj_radix_sort(zj_keyed *a, size_t n)
{
    if (n < 2)
        return 0;
    zj_keyed *tmp = malloc(n * sizeof *tmp);
    int rc = tmp ? sort_with(a, n, tmp) : -1;
    free(tmp);
    return rc;
}

int zj_radix_sort_with(zj_keyed *a, size_t n, zj_keyed *scratch)
{
    return n < 2 ? 0 : sort_with(a, n, scratch);
}

static int sort_with(zj_keyed *a, size_t n, zj_keyed *tmp)
{
    size_t *count = malloc(65536 * sizeof *count);
    if (!count)
        return -1;
    zj_keyed *src = a, *dst = tmp;
    for (int shift = 0; shift < 64; shift += 16) {
        memset(count, 0, 65536 * sizeof *count);
        for (size_t i = 0; i < n; i++)
            count[(src[i].key >> shift) & 0xFFFF]++;
        if (count[(src[0].key >> shift) & 0xFFFF] == n)
            continue;                       /* every element has this digit */
        size_t sum = 0;
        for (size_t d = 0; d < 65536; d++) {
            size_t c = count[d];
            count[d] = sum;
            sum += c;
        }
        for (size_t i = 0; i < n; i++)
            dst[count[(src[i].key >> shift) & 0xFFFF]++] = src[i];
        zj_keyed *t = src;
        src = dst;
        dst = t;
    }
    if (src != a)
        memcpy(a, src, n * sizeof *a);
    free(count);
    return 0;
}
