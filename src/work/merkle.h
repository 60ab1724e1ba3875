/* merkle.h - the Merkle tree hashing of RFC 6962 / RFC 9162 (Certificate Transparency), SHA-256.
 *
 * Leaf hash  = SHA-256(0x00 || leaf data); node hash = SHA-256(0x01 || left || right); the
 * root of n leaves is MTH as RFC 6962 §2.1 defines it (the left subtree holds the largest power
 * of two below n). Inclusion proofs (RFC 9162 §2.1.3) and consistency proofs (§2.1.4) are made
 * from any source of complete-subtree hashes and verified by the RFCs' algorithms. Nothing here
 * knows the store; the audit trail (audit.c) is the user.
 *
 * SHA-256 is OpenSSL's (libcrypto), which uses the CPU's SHA instructions: 3-4 times faster
 * than libsodium's portable code on our machine (docs/audit.md), and hashing is most of the
 * time of `zhijian audit verify`.
 */
#ifndef ZJ_MERKLE_H
#define ZJ_MERKLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/error.h"

#define ZJ_HASH_LEN 32
#define ZJ_MERKLE_MAX_PROOF 64         /* hashes in a proof of a tree of < 2^63 leaves */

typedef uint8_t zj_hash[ZJ_HASH_LEN];

/* A SHA-256 context; one per thread. zj_hasher_new returns NULL when out of memory. */
typedef struct zj_hasher zj_hasher;
zj_hasher *zj_hasher_new(void);
void zj_hasher_free(zj_hasher *h);            /* NULL is allowed */

/* Hash incrementally: begin, add parts, end. Each returns 0, or -1 if libcrypto failed. */
int zj_hash_begin(zj_hasher *h);
int zj_hash_add(zj_hasher *h, const void *p, size_t n);
int zj_hash_end(zj_hasher *h, zj_hash out);

/* SHA-256(0x00 || data) and SHA-256(0x01 || left || right). 0 or -1. */
int zj_merkle_leaf(zj_hasher *h, const void *data, size_t n, zj_hash out);
int zj_merkle_node(zj_hasher *h, const zj_hash left, const zj_hash right, zj_hash out);
/* The root of the empty tree: SHA-256 of the empty string. */
int zj_merkle_empty(zj_hasher *h, zj_hash out);

/* The right edge of a tree being built leaf by leaf: node[L] is the root of a complete subtree
 * of 2^L leaves for every bit L set in size. Appending costs one node hash per leaf on average,
 * the root at most log2(size). */
typedef struct zj_frontier {
    uint64_t size;
    zj_hash node[64];
} zj_frontier;

/* Called for every complete subtree the frontier finishes: its height and index (it covers
 * leaves [idx << level, (idx + 1) << level)). */
typedef int (*zj_subtree_done)(void *ctx, int level, uint64_t idx, const zj_hash hash);

/* Add a complete subtree of height `level` (0: a leaf); size must be a multiple of 2^level.
 * `done` (may be NULL) sees the subtrees of height > level that complete; a non-zero return from
 * it stops and is returned. -1 on a libcrypto failure. */
int zj_frontier_push(zj_hasher *h, zj_frontier *f, int level, const zj_hash hash,
                     zj_subtree_done done, void *ctx);
/* The tree's root (the empty-tree hash when size is 0). */
int zj_frontier_root(zj_hasher *h, const zj_frontier *f, zj_hash out);

/* Where proofs take the complete subtrees from: the hash of the subtree of height `level` with
 * index `idx`. Returns 0 or an error code with err set. */
typedef struct zj_subtrees {
    int (*get)(void *ctx, int level, uint64_t idx, zj_hash out, zj_error *err);
    void *ctx;
    zj_hasher *hasher;
} zj_subtrees;

/* MTH of leaves [a, b) of a tree, for the ranges the proofs use (a aligned to the largest power
 * of two below b - a, which holds for every range of RFC 6962's recursion). */
int zj_merkle_range(const zj_subtrees *t, uint64_t a, uint64_t b, zj_hash out, zj_error *err);

/* The audit path of leaf `index` in the tree of `size` leaves (RFC 6962 §2.1.1 PATH): *n hashes
 * into path[] (at most ZJ_MERKLE_MAX_PROOF). ZJ_EUSAGE when index >= size. */
int zj_merkle_inclusion_proof(const zj_subtrees *t, uint64_t index, uint64_t size,
                              zj_hash *path, size_t *n, zj_error *err);
/* The consistency proof between the trees of `old_size` and `new_size` leaves (RFC 6962 §2.1.2
 * PROOF): empty when old_size is 0 or equal to new_size. ZJ_EUSAGE when old_size > new_size. */
int zj_merkle_consistency_proof(const zj_subtrees *t, uint64_t old_size, uint64_t new_size,
                                zj_hash *path, size_t *n, zj_error *err);

/* RFC 9162 §2.1.3.2: true when `path` proves leaf_hash is leaf `index` of the tree of `size`
 * leaves whose root is `root`. */
bool zj_merkle_verify_inclusion(zj_hasher *h, uint64_t index, uint64_t size,
                                const zj_hash leaf_hash, const zj_hash *path, size_t n,
                                const zj_hash root);
/* RFC 9162 §2.1.4.2: true when `path` proves the tree of old_size leaves with root old_root is
 * a prefix of the tree of new_size leaves with root new_root. Equal sizes need an empty proof
 * and equal roots; an empty old tree is a prefix of every tree. */
bool zj_merkle_verify_consistency(zj_hasher *h, uint64_t old_size, uint64_t new_size,
                                  const zj_hash old_root, const zj_hash new_root,
                                  const zj_hash *path, size_t n);

/* Lowercase hex of a hash (65 bytes with NUL), and back (false unless exactly 64 hex digits). */
void zj_hash_hex(const zj_hash h, char out[2 * ZJ_HASH_LEN + 1]);
bool zj_hash_from_hex(const char *hex, size_t len, zj_hash out);

#endif
