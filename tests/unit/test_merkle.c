/* test_merkle.c - merkle.c against an independent, straightforward recomputation: RFC 6962's
 * recursive definitions of MTH, PATH and PROOF written out literally, hashed with libsodium's
 * SHA-256 (not libcrypto's), for every tree size up to 70 (across the 64-leaf level the audit
 * trail stores) and every pair of sizes; plus the RFC's empty-tree and empty-leaf values. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <sodium.h>

#include "work/merkle.h"

#define MAXN 70

static zj_hash leaves[MAXN];   /* leaf hashes of leaves "0", "1", ... */

static void ref_leaf(const void *p, size_t n, zj_hash out)
{
    crypto_hash_sha256_state st;
    crypto_hash_sha256_init(&st);
    crypto_hash_sha256_update(&st, (const unsigned char *)"\0", 1);
    crypto_hash_sha256_update(&st, p, n);
    crypto_hash_sha256_final(&st, out);
}

static void ref_node(const zj_hash l, const zj_hash r, zj_hash out)
{
    crypto_hash_sha256_state st;
    crypto_hash_sha256_init(&st);
    crypto_hash_sha256_update(&st, (const unsigned char *)"\1", 1);
    crypto_hash_sha256_update(&st, l, 32);
    crypto_hash_sha256_update(&st, r, 32);
    crypto_hash_sha256_final(&st, out);
}

static size_t ref_k(size_t n)   /* largest power of two < n */
{
    size_t k = 1;
    while (k * 2 < n)
        k *= 2;
    return k;
}

/* MTH(D[a:b]) */
static void ref_mth(size_t a, size_t b, zj_hash out)
{
    if (b - a == 1) {
        memcpy(out, leaves[a], 32);
        return;
    }
    size_t k = ref_k(b - a);
    zj_hash l, r;
    ref_mth(a, a + k, l);
    ref_mth(a + k, b, r);
    ref_node(l, r, out);
}

/* PATH(m, D[a:b]), m relative to a */
static void ref_path(size_t m, size_t a, size_t b, zj_hash *out, size_t *n)
{
    if (b - a <= 1)
        return;
    size_t k = ref_k(b - a);
    if (m < k) {
        ref_path(m, a, a + k, out, n);
        ref_mth(a + k, b, out[(*n)++]);
    } else {
        ref_path(m - k, a + k, b, out, n);
        ref_mth(a, a + k, out[(*n)++]);
    }
}

/* SUBPROOF(m, D[a:b], first) */
static void ref_subproof(size_t m, size_t a, size_t b, bool first, zj_hash *out, size_t *n)
{
    if (m == b - a) {
        if (!first)
            ref_mth(a, b, out[(*n)++]);
        return;
    }
    size_t k = ref_k(b - a);
    if (m <= k) {
        ref_subproof(m, a, a + k, first, out, n);
        ref_mth(a + k, b, out[(*n)++]);
    } else {
        ref_subproof(m - k, a + k, b, false, out, n);
        ref_mth(a, a + k, out[(*n)++]);
    }
}

/* The subtree source of zj_merkle_*_proof: the reference MTH of an aligned range. */
static int get_subtree(void *ctx, int level, uint64_t idx, zj_hash out, zj_error *err)
{
    (void)ctx;
    (void)err;
    ref_mth((size_t)(idx << level), (size_t)((idx + 1) << level), out);
    return 0;
}

static int setup(void **state)
{
    (void)state;
    if (sodium_init() < 0)
        return -1;
    for (int i = 0; i < MAXN; i++) {
        char s[16];
        int n = snprintf(s, sizeof s, "%d", i);
        ref_leaf(s, (size_t)n, leaves[i]);
    }
    return 0;
}

static void test_known_values(void **state)
{
    (void)state;
    zj_hasher *h = zj_hasher_new();
    zj_hash out;
    char hex[65];
    assert_int_equal(zj_merkle_empty(h, out), 0);
    zj_hash_hex(out, hex);
    assert_string_equal(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    assert_int_equal(zj_merkle_leaf(h, "", 0, out), 0);
    zj_hash_hex(out, hex);   /* RFC 6962 test vector: the empty leaf */
    assert_string_equal(hex, "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d");
    zj_hash back;
    assert_true(zj_hash_from_hex(hex, 64, back));
    assert_memory_equal(back, out, 32);
    assert_false(zj_hash_from_hex(hex, 63, back));
    hex[5] = 'g';
    assert_false(zj_hash_from_hex(hex, 64, back));
    zj_hasher_free(h);
}

static int count_done(void *ctx, int level, uint64_t idx, const zj_hash hash)
{
    (void)hash;
    int *calls = ctx;
    /* a finished subtree is complete: its leaves lie below the frontier's new size */
    assert_true(level >= 1 && level < 8);
    assert_true(((idx + 1) << level) <= MAXN);
    (*calls)++;
    return 0;
}

/* The frontier's root after each append equals MTH of the prefix; every subtree it reports is
 * the reference MTH of its range. */
static void test_frontier(void **state)
{
    (void)state;
    zj_hasher *h = zj_hasher_new();
    zj_frontier f = {0};
    int calls = 0;
    for (size_t n = 1; n <= MAXN; n++) {
        assert_int_equal(zj_frontier_push(h, &f, 0, leaves[n - 1], count_done, &calls), 0);
        zj_hash root, want;
        assert_int_equal(zj_frontier_root(h, &f, root), 0);
        ref_mth(0, n, want);
        assert_memory_equal(root, want, 32);
    }
    assert_int_equal(calls, MAXN - __builtin_popcount(MAXN));   /* n - popcount(n) merges */
    /* pushing a complete subtree at once is the same as pushing its leaves */
    zj_frontier g = {0};
    zj_hash sub;
    ref_mth(0, 64, sub);
    assert_int_equal(zj_frontier_push(h, &g, 6, sub, NULL, NULL), 0);
    for (size_t i = 64; i < MAXN; i++)
        assert_int_equal(zj_frontier_push(h, &g, 0, leaves[i], NULL, NULL), 0);
    zj_hash a, b;
    zj_frontier_root(h, &f, a);
    zj_frontier_root(h, &g, b);
    assert_memory_equal(a, b, 32);
    zj_hasher_free(h);
}

static void test_inclusion_all_sizes(void **state)
{
    (void)state;
    zj_hasher *h = zj_hasher_new();
    zj_subtrees src = {.get = get_subtree, .hasher = h};
    zj_error err = {0};
    for (size_t n = 1; n <= MAXN; n++) {
        zj_hash root;
        ref_mth(0, n, root);
        for (size_t m = 0; m < n; m++) {
            zj_hash path[ZJ_MERKLE_MAX_PROOF], want[ZJ_MERKLE_MAX_PROOF];
            size_t np = 0, nw = 0;
            assert_int_equal(zj_merkle_inclusion_proof(&src, m, n, path, &np, &err), 0);
            ref_path(m, 0, n, want, &nw);
            assert_int_equal(np, nw);
            assert_memory_equal(path, want, np * 32);
            assert_true(zj_merkle_verify_inclusion(h, m, n, leaves[m], path, np, root));
            /* the wrong leaf, index, size or a changed hash fails */
            assert_false(zj_merkle_verify_inclusion(h, m, n, leaves[(m + 1) % MAXN], path, np,
                                                    root));
            if (n > 1)
                assert_false(zj_merkle_verify_inclusion(h, (m + 1) % n, n, leaves[m], path, np,
                                                        root));
            if (np) {
                path[np / 2][3] ^= 1;
                assert_false(zj_merkle_verify_inclusion(h, m, n, leaves[m], path, np, root));
                assert_false(zj_merkle_verify_inclusion(h, m, n, leaves[m], path, np - 1, root));
            }
        }
        zj_hash path[1];
        size_t np;
        assert_int_equal(zj_merkle_inclusion_proof(&src, n, n, path, &np, &err), ZJ_EUSAGE);
    }
    zj_hasher_free(h);
}

static void test_consistency_all_pairs(void **state)
{
    (void)state;
    zj_hasher *h = zj_hasher_new();
    zj_subtrees src = {.get = get_subtree, .hasher = h};
    zj_error err = {0};
    for (size_t n = 1; n <= MAXN; n++) {
        zj_hash new_root;
        ref_mth(0, n, new_root);
        for (size_t m = 1; m <= n; m++) {
            zj_hash old_root;
            ref_mth(0, m, old_root);
            zj_hash path[ZJ_MERKLE_MAX_PROOF], want[ZJ_MERKLE_MAX_PROOF];
            size_t np = 0, nw = 0;
            assert_int_equal(zj_merkle_consistency_proof(&src, m, n, path, &np, &err), 0);
            if (m < n)
                ref_subproof(m, 0, n, true, want, &nw);
            assert_int_equal(np, nw);
            assert_memory_equal(path, want, np * 32);
            assert_true(zj_merkle_verify_consistency(h, m, n, old_root, new_root, path, np));
            /* another old tree, another new tree, or a changed proof hash fails */
            zj_hash other;
            ref_mth(0, m == 1 ? 2 : m - 1, other);
            assert_false(zj_merkle_verify_consistency(h, m, n, other, new_root, path, np));
            if (m < n) {
                assert_false(zj_merkle_verify_consistency(h, m, n, old_root, old_root, path, np));
                path[np - 1][0] ^= 0x80;
                assert_false(zj_merkle_verify_consistency(h, m, n, old_root, new_root, path, np));
                assert_false(zj_merkle_verify_consistency(h, m, n, old_root, new_root, path, 0));
            }
        }
        zj_hash path[1];
        size_t np;
        assert_int_equal(zj_merkle_consistency_proof(&src, n + 1, n, path, &np, &err), ZJ_EUSAGE);
        zj_hash empty;
        zj_merkle_empty(h, empty);
        assert_true(zj_merkle_verify_consistency(h, 0, n, empty, new_root, NULL, 0));
    }
    zj_hasher_free(h);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_known_values),
        cmocka_unit_test(test_frontier),
        cmocka_unit_test(test_inclusion_all_sizes),
        cmocka_unit_test(test_consistency_all_pairs),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}
