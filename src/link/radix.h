/* radix.h - sorting (64-bit key, 32-bit index) pairs by key, for blocking and ID grouping.
 *
 * The linker sorts millions of such pairs several times a run; glibc's qsort (a merge sort
 * calling a comparison function per step) was about a tenth of a medium-scale link. An LSD
 * radix sort on the key is stable, so pairs built in index order stay in index order within
 * equal keys - the same order the comparison sort produced.
 */
#ifndef ZJ_RADIX_H
#define ZJ_RADIX_H

#include <stddef.h>
#include <stdint.h>

typedef struct zj_keyed {
    uint64_t key;
    int32_t idx;
} zj_keyed;

/* Sort a[0..n) by key, stably. Returns 0, or -1 when out of memory (a is then unchanged). */
int zj_radix_sort(zj_keyed *a, size_t n);
/* The same with the caller's scratch space (n elements): a run that sorts several arrays of
 * millions reuses one buffer instead of faulting in (and zeroing) a new one each time. */
int zj_radix_sort_with(zj_keyed *a, size_t n, zj_keyed *scratch);

#endif
