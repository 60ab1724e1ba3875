/* merkle.c - RFC 6962 / RFC 9162 Merkle tree hashing, proofs and their verification (SHA-256).
 *
 * The proofs follow the RFC's recursive definitions (PATH, SUBPROOF) over a source of complete
 * subtrees, so the audit trail reads at most one stored node or a few leaves per proof hash;
 * verification is RFC 9162's iterative algorithms, which need nothing but the proof. The tests
 * check both against a plain recursive recomputation over every pair of small tree sizes
 * (tests/unit/test_merkle.c).
 */
#include "work/merkle.h"

#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>

struct zj_hasher {
    EVP_MD *md;
    EVP_MD_CTX *ctx;
};

zj_hasher *zj_hasher_new(void)
{
    zj_hasher *h = calloc(1, sizeof *h);
    if (!h)
        return NULL;
    h->md = EVP_MD_fetch(NULL, "SHA256", NULL);
    h->ctx = EVP_MD_CTX_new();
    if (!h->md || !h->ctx) {
        zj_hasher_free(h);
        return NULL;
    }
    return h;
}

void zj_hasher_free(zj_hasher *h)
{
    if (!h)
        return;
    EVP_MD_CTX_free(h->ctx);
    EVP_MD_free(h->md);
    free(h);
}

int zj_hash_begin(zj_hasher *h)
{
    return EVP_DigestInit_ex2(h->ctx, h->md, NULL) == 1 ? 0 : -1;
}

int zj_hash_add(zj_hasher *h, const void *p, size_t n)
{
    return EVP_DigestUpdate(h->ctx, p, n) == 1 ? 0 : -1;
}

int zj_hash_end(zj_hasher *h, zj_hash out)
{
    unsigned len = 0;
    return EVP_DigestFinal_ex(h->ctx, out, &len) == 1 && len == ZJ_HASH_LEN ? 0 : -1;
}

int zj_merkle_leaf(zj_hasher *h, const void *data, size_t n, zj_hash out)
{
    static const uint8_t zero = 0;
    if (zj_hash_begin(h) || zj_hash_add(h, &zero, 1) || zj_hash_add(h, data, n))
        return -1;
    return zj_hash_end(h, out);
}

int zj_merkle_node(zj_hasher *h, const zj_hash left, const zj_hash right, zj_hash out)
{
    uint8_t buf[1 + 2 * ZJ_HASH_LEN];
    buf[0] = 1;
    memcpy(buf + 1, left, ZJ_HASH_LEN);
    memcpy(buf + 1 + ZJ_HASH_LEN, right, ZJ_HASH_LEN);
    if (zj_hash_begin(h) || zj_hash_add(h, buf, sizeof buf))
        return -1;
    return zj_hash_end(h, out);
}

int zj_merkle_empty(zj_hasher *h, zj_hash out)
{
    if (zj_hash_begin(h))
        return -1;
    return zj_hash_end(h, out);
}

/* ---- frontier --------------------------------------------------------------------------- */

int zj_frontier_push(zj_hasher *h, zj_frontier *f, int level, const zj_hash hash,
                     zj_subtree_done done, void *ctx)
{
    zj_hash cur;
    memcpy(cur, hash, ZJ_HASH_LEN);
    int l = level;
    /* While a subtree of the same height waits on the left, merge into one twice the size. */
    while (f->size & ((uint64_t)1 << l)) {
        if (zj_merkle_node(h, f->node[l], cur, cur))
            return -1;
        l++;
        if (done) {
            int rc = done(ctx, l, (f->size >> l), cur);
            if (rc)
                return rc;
        }
    }
    memcpy(f->node[l], cur, ZJ_HASH_LEN);
    f->size += (uint64_t)1 << level;
    return 0;
}

int zj_frontier_root(zj_hasher *h, const zj_frontier *f, zj_hash out)
{
    if (f->size == 0)
        return zj_merkle_empty(h, out);
    int low = __builtin_ctzll(f->size);
    zj_hash r;
    memcpy(r, f->node[low], ZJ_HASH_LEN);
    for (int l = low + 1; l < 64; l++)
        if ((f->size >> l) & 1)
            if (zj_merkle_node(h, f->node[l], r, r))
                return -1;
    memcpy(out, r, ZJ_HASH_LEN);
    return 0;
}

/* ---- proofs ----------------------------------------------------------------------------- */

/* The largest power of two smaller than n (n >= 2). */
static uint64_t split_point(uint64_t n)
{
    return (uint64_t)1 << (63 - __builtin_clzll(n - 1));
}

static int hash_fail(zj_error *err)
{
    return zj_fail(err, ZJ_EDATA, "merkle: SHA-256 failed (libcrypto)");
}

int zj_merkle_range(const zj_subtrees *t, uint64_t a, uint64_t b, zj_hash out, zj_error *err)
{
    uint64_t n = b - a;
    if (b <= a)
        return zj_fail(err, ZJ_EUSAGE, "merkle: empty range");
    if ((n & (n - 1)) == 0 && a % n == 0) {
        int level = __builtin_ctzll(n);
        return t->get(t->ctx, level, a >> level, out, err);
    }
    uint64_t k = split_point(n);
    zj_hash l, r;
    int rc = zj_merkle_range(t, a, a + k, l, err);
    if (!rc)
        rc = zj_merkle_range(t, a + k, b, r, err);
    if (!rc && zj_merkle_node(t->hasher, l, r, out))
        rc = hash_fail(err);
    return rc;
}

static int add(const zj_subtrees *t, uint64_t a, uint64_t b, zj_hash *path, size_t *n,
               zj_error *err)
{
    if (*n >= ZJ_MERKLE_MAX_PROOF)
        return zj_fail(err, ZJ_EUSAGE, "merkle: proof too long");
    int rc = zj_merkle_range(t, a, b, path[*n], err);
    if (!rc)
        (*n)++;
    return rc;
}

/* PATH(m, D[a:b]) of RFC 6962 §2.1.1, with m absolute. */
static int path_of(const zj_subtrees *t, uint64_t m, uint64_t a, uint64_t b, zj_hash *path,
                   size_t *n, zj_error *err)
{
    if (b - a <= 1)
        return ZJ_OK;
    uint64_t k = split_point(b - a);
    int rc;
    if (m < a + k) {
        if ((rc = path_of(t, m, a, a + k, path, n, err)))
            return rc;
        return add(t, a + k, b, path, n, err);
    }
    if ((rc = path_of(t, m, a + k, b, path, n, err)))
        return rc;
    return add(t, a, a + k, path, n, err);
}

int zj_merkle_inclusion_proof(const zj_subtrees *t, uint64_t index, uint64_t size,
                              zj_hash *path, size_t *n, zj_error *err)
{
    *n = 0;
    if (index >= size)
        return zj_fail(err, ZJ_EUSAGE, "merkle: leaf %llu is not in a tree of %llu",
                       (unsigned long long)index, (unsigned long long)size);
    return path_of(t, index, 0, size, path, n, err);
}

/* SUBPROOF(m, D[a:b], first) of RFC 6962 §2.1.2, m relative to a. */
static int subproof(const zj_subtrees *t, uint64_t m, uint64_t a, uint64_t b, bool first,
                    zj_hash *path, size_t *n, zj_error *err)
{
    if (m == b - a)
        return first ? ZJ_OK : add(t, a, b, path, n, err);
    uint64_t k = split_point(b - a);
    int rc;
    if (m <= k) {
        if ((rc = subproof(t, m, a, a + k, first, path, n, err)))
            return rc;
        return add(t, a + k, b, path, n, err);
    }
    if ((rc = subproof(t, m - k, a + k, b, false, path, n, err)))
        return rc;
    return add(t, a, a + k, path, n, err);
}

int zj_merkle_consistency_proof(const zj_subtrees *t, uint64_t old_size, uint64_t new_size,
                                zj_hash *path, size_t *n, zj_error *err)
{
    *n = 0;
    if (old_size > new_size)
        return zj_fail(err, ZJ_EUSAGE, "merkle: old tree (%llu) larger than new (%llu)",
                       (unsigned long long)old_size, (unsigned long long)new_size);
    if (old_size == 0 || old_size == new_size)
        return ZJ_OK;
    return subproof(t, old_size, 0, new_size, true, path, n, err);
}

/* ---- verification (RFC 9162) --------------------------------------------------------------- */

bool zj_merkle_verify_inclusion(zj_hasher *h, uint64_t index, uint64_t size,
                                const zj_hash leaf_hash, const zj_hash *path, size_t n,
                                const zj_hash root)
{
    if (index >= size)
        return false;
    uint64_t fn = index, sn = size - 1;
    zj_hash r;
    memcpy(r, leaf_hash, ZJ_HASH_LEN);
    for (size_t i = 0; i < n; i++) {
        if (sn == 0)
            return false;
        if ((fn & 1) || fn == sn) {
            if (zj_merkle_node(h, path[i], r, r))
                return false;
            while (!(fn & 1) && fn != 0) {
                fn >>= 1;
                sn >>= 1;
            }
        } else if (zj_merkle_node(h, r, path[i], r)) {
            return false;
        }
        fn >>= 1;
        sn >>= 1;
    }
    return sn == 0 && memcmp(r, root, ZJ_HASH_LEN) == 0;
}

bool zj_merkle_verify_consistency(zj_hasher *h, uint64_t old_size, uint64_t new_size,
                                  const zj_hash old_root, const zj_hash new_root,
                                  const zj_hash *path, size_t n)
{
    if (old_size > new_size)
        return false;
    if (old_size == new_size)
        return n == 0 && memcmp(old_root, new_root, ZJ_HASH_LEN) == 0;
    if (old_size == 0)
        return n == 0;
    if (n == 0)
        return false;
    /* When the old tree is a complete subtree, its root is the proof's implicit first hash. */
    size_t i = 0;
    const uint8_t *first = path[0];
    if ((old_size & (old_size - 1)) == 0)
        first = old_root;
    else
        i = 1;
    uint64_t fn = old_size - 1, sn = new_size - 1;
    while (fn & 1) {
        fn >>= 1;
        sn >>= 1;
    }
    zj_hash fr, sr;
    memcpy(fr, first, ZJ_HASH_LEN);
    memcpy(sr, first, ZJ_HASH_LEN);
    for (; i < n; i++) {
        if (sn == 0)
            return false;
        if ((fn & 1) || fn == sn) {
            if (zj_merkle_node(h, path[i], fr, fr) || zj_merkle_node(h, path[i], sr, sr))
                return false;
            while (!(fn & 1) && fn != 0) {
                fn >>= 1;
                sn >>= 1;
            }
        } else if (zj_merkle_node(h, sr, path[i], sr)) {
            return false;
        }
        fn >>= 1;
        sn >>= 1;
    }
    return sn == 0 && memcmp(fr, old_root, ZJ_HASH_LEN) == 0 &&
           memcmp(sr, new_root, ZJ_HASH_LEN) == 0;
}

/* ---- hex -------------------------------------------------------------------------------- */

void zj_hash_hex(const zj_hash h, char out[2 * ZJ_HASH_LEN + 1])
{
    static const char digits[] = "0123456789abcdef";
    for (int i = 0; i < ZJ_HASH_LEN; i++) {
        out[2 * i] = digits[h[i] >> 4];
        out[2 * i + 1] = digits[h[i] & 15];
    }
    out[2 * ZJ_HASH_LEN] = 0;
}

/* Hex digit values, -1 for anything else (a table: decoding was a seventh of verify's time). */
static const int8_t hexval[256] = {
    ['0'] = 1, ['1'] = 2, ['2'] = 3, ['3'] = 4, ['4'] = 5, ['5'] = 6, ['6'] = 7, ['7'] = 8,
    ['8'] = 9, ['9'] = 10, ['a'] = 11, ['b'] = 12, ['c'] = 13, ['d'] = 14, ['e'] = 15,
    ['f'] = 16, ['A'] = 11, ['B'] = 12, ['C'] = 13, ['D'] = 14, ['E'] = 15, ['F'] = 16,
};   /* value + 1, so that 0 marks a non-digit */

bool zj_hash_from_hex(const char *hex, size_t len, zj_hash out)
{
    if (!hex || len != 2 * ZJ_HASH_LEN)
        return false;
    for (int i = 0; i < ZJ_HASH_LEN; i++) {
        int hi = hexval[(uint8_t)hex[2 * i]], lo = hexval[(uint8_t)hex[2 * i + 1]];
        if (!hi || !lo)
            return false;
        out[i] = (uint8_t)((hi - 1) << 4 | (lo - 1));
    }
    return true;
}
