/* keyset.h - an open-addressing multimap from 64-bit key hashes to row ids.
 *
 * Used by bulk loads (store_sqlite.c), which drop a table's indexes while a batch is written
 * and must still notice a key that repeats within the batch. Entries with the same hash are
 * all kept (a hash collision between two different keys is possible, if unlikely), so a
 * lookup walks every entry of that hash and the caller confirms the real key.
 *
 * A slot is 8 bytes: the hash's top 32 bits, whose leading bits also pick the slot (so the
 * table can grow without the rest of the hash), and the row id as an offset from the first
 * one added (a batch's ids grow from there). So a lookup may also
 * return an entry whose hash differs from the one asked for in the bits not kept - as rare as
 * a collision of 32-bit hashes in one probe run, and confirmed away by the caller the same
 * way. At a load factor of at most 1/2: about 16 bytes per row (5M rows: 128 MiB, which the
 * kernel zeroes as the load touches it, and a cache and TLB miss per probe).
 */
#ifndef ZJ_KEYSET_H
#define ZJ_KEYSET_H

#include <stddef.h>
#include <stdint.h>

typedef struct zj_keyset_slot {
    uint32_t tag;       /* the hash's top 32 bits */
    uint32_t off;       /* row id - base + 1; 0 marks an empty slot */
} zj_keyset_slot;

typedef struct zj_keyset {
    zj_keyset_slot *slots;
    size_t cap;         /* power of two, at most 2^31 */
    int shift;          /* 32 - log2(cap): a tag's home slot is tag >> shift */
    size_t count;
    int64_t base;       /* the first row id added */
} zj_keyset;

/* Make room for n entries in all, so that adding them never rehashes (rehashing a table of
 * millions of entries costs as much again as filling it). Returns 0, or -1 when out of
 * memory. */
int zj_keyset_reserve(zj_keyset *ks, size_t n);

/* Add (hash, rowid). Returns 0, or -1 when out of memory or when rowid lies before the first
 * one added or 2^32 - 2 or more after it. */
int zj_keyset_add(zj_keyset *ks, uint64_t hash, int64_t rowid);

/* Iterate the rowids stored under `hash` (and, rarely, under a hash that agrees with it in
 * the bits kept; see the top): start with *pos = 0; returns 1 and sets *rowid while there
 * are more, 0 at the end. */
int zj_keyset_next(const zj_keyset *ks, uint64_t hash, size_t *pos, int64_t *rowid);

/* Start fetching the memory a later lookup of `hash` will read (a hint; no effect on the
 * set). A lookup is one random access into a table of tens of megabytes: asked one record
 * ahead, it no longer waits for main memory. */
static inline void zj_keyset_prefetch(const zj_keyset *ks, uint64_t hash)
{
    if (ks->cap)
        __builtin_prefetch(&ks->slots[(uint32_t)(hash >> 32) >> ks->shift], 1);
}

void zj_keyset_free(zj_keyset *ks);

#endif
