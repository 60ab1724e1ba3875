/* keyset.c - open-addressing multimap of key hashes to row ids (see keyset.h). Linear
 * probing; the table doubles when half full. A slot holds its hash and row id side by side,
 * so a probe touches one cache line, not two (the table is far larger than the caches: a
 * probe is a cache miss). */
#include "store/keyset.h"

#include <stdlib.h>

static uint64_t fix(uint64_t h) { return h ? h : 1; }

static int resize(zj_keyset *ks, size_t cap)
{
    zj_keyset_slot *slots = calloc(cap, sizeof *slots);
    if (!slots)
        return -1;
    for (size_t i = 0; i < ks->cap; i++) {
        if (!ks->slots[i].hash)
            continue;
        size_t j = ks->slots[i].hash & (cap - 1);
        while (slots[j].hash)
            j = (j + 1) & (cap - 1);
        slots[j] = ks->slots[i];
    }
    free(ks->slots);
    ks->slots = slots;
    ks->cap = cap;
    return 0;
}

int zj_keyset_reserve(zj_keyset *ks, size_t n)
{
    size_t cap = 1024;
    while (cap / 2 < n)
        cap *= 2;
    return cap > ks->cap ? resize(ks, cap) : 0;
}

int zj_keyset_add(zj_keyset *ks, uint64_t hash, int64_t rowid)
{
    if ((ks->count + 1) * 2 > ks->cap && resize(ks, ks->cap ? ks->cap * 2 : 1024))
        return -1;
    hash = fix(hash);
    size_t j = hash & (ks->cap - 1);
    while (ks->slots[j].hash)
        j = (j + 1) & (ks->cap - 1);
    ks->slots[j].hash = hash;
    ks->slots[j].rowid = rowid;
    ks->count++;
    return 0;
}

int zj_keyset_next(const zj_keyset *ks, uint64_t hash, size_t *pos, int64_t *rowid)
{
    if (!ks->cap)
        return 0;
    hash = fix(hash);
    /* *pos counts probes from the home slot; the run ends at the first empty slot. */
    for (size_t j = (hash + *pos) & (ks->cap - 1); ks->slots[j].hash;
         j = (j + 1) & (ks->cap - 1)) {
        (*pos)++;
        if (ks->slots[j].hash == hash) {
            *rowid = ks->slots[j].rowid;
            return 1;
        }
    }
    return 0;
}

void zj_keyset_free(zj_keyset *ks)
{
    free(ks->slots);
    ks->slots = NULL;
    ks->cap = ks->count = 0;
}
