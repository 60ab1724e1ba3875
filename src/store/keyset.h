/* keyset.h - an open-addressing multimap from 64-bit key hashes to row ids.
 *
 * Used by bulk loads (store_sqlite.c), which drop a table's indexes while a batch is written
 * and must still notice a key that repeats within the batch. Entries with the same hash are
 * all kept (a hash collision between two different keys is possible, if unlikely), so a
 * lookup walks every entry of that hash and the caller confirms the real key.
 * 16 bytes per entry at a load factor of at most 1/2: about 32 bytes per row.
 */
#ifndef ZJ_KEYSET_H
#define ZJ_KEYSET_H

#include <stddef.h>
#include <stdint.h>

typedef struct zj_keyset_slot {
    uint64_t hash;      /* 0 marks an empty slot (a real hash of 0 is stored as 1) */
    int64_t rowid;
} zj_keyset_slot;

typedef struct zj_keyset {
    zj_keyset_slot *slots;
    size_t cap;         /* power of two */
    size_t count;
} zj_keyset;

/* Make room for n entries in all, so that adding them never rehashes (rehashing a table of
 * millions of entries costs as much again as filling it). Returns 0, or -1 when out of
 * memory. */
int zj_keyset_reserve(zj_keyset *ks, size_t n);

/* Add (hash, rowid). Returns 0, or -1 when out of memory. */
int zj_keyset_add(zj_keyset *ks, uint64_t hash, int64_t rowid);

/* Iterate the rowids stored under `hash`: start with *pos = 0; returns 1 and sets *rowid
 * while there are more, 0 at the end. */
int zj_keyset_next(const zj_keyset *ks, uint64_t hash, size_t *pos, int64_t *rowid);

void zj_keyset_free(zj_keyset *ks);

#endif
