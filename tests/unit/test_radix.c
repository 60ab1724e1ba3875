/* test_radix.c - the linker's radix sort: same order as a stable comparison sort. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "link/radix.h"

static int by_key_then_idx(const void *a, const void *b)
{
    const zj_keyed *x = a, *y = b;
    if (x->key != y->key)
        return x->key < y->key ? -1 : 1;
    return (x->idx > y->idx) - (x->idx < y->idx);
}

static void test_matches_stable_sort(void **state)
{
    (void)state;
    size_t n = 200000;
    zj_keyed *a = malloc(n * sizeof *a), *b = malloc(n * sizeof *b);
    uint64_t x = 12345;
    for (size_t i = 0; i < n; i++) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        /* few distinct keys in the high bits and many repeats, to test stability */
        uint64_t key = (i % 7 == 0) ? (x & 0xFF) : (i % 3 == 0) ? x : (x >> 40) << 40;
        a[i] = b[i] = (zj_keyed){key, (int32_t)i};
    }
    assert_int_equal(zj_radix_sort(a, n), 0);
    qsort(b, n, sizeof *b, by_key_then_idx);
    for (size_t i = 0; i < n; i++) {
        assert_true(a[i].key == b[i].key);
        assert_int_equal(a[i].idx, b[i].idx);
    }
    free(a);
    free(b);
}

static void test_edges(void **state)
{
    (void)state;
    assert_int_equal(zj_radix_sort(NULL, 0), 0);
    zj_keyed one = {42, 0};
    assert_int_equal(zj_radix_sort(&one, 1), 0);
    zj_keyed same[3] = {{7, 2}, {7, 0}, {7, 1}};   /* equal keys keep their order */
    assert_int_equal(zj_radix_sort(same, 3), 0);
    assert_int_equal(same[0].idx, 2);
    assert_int_equal(same[2].idx, 1);
    zj_keyed extremes[3] = {{UINT64_MAX, 0}, {0, 1}, {1ull << 63, 2}};
    assert_int_equal(zj_radix_sort(extremes, 3), 0);
    assert_true(extremes[0].key == 0 && extremes[1].key == 1ull << 63 && extremes[2].key == UINT64_MAX);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_matches_stable_sort),
        cmocka_unit_test(test_edges),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
