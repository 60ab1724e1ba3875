/* keyset.c - open-addressing multimap of key hashes to row ids (see keyset.h). Linear
 * probing; the table doubles when half full. */
#include "store/keyset.h"

#include <stdlib.h>

static uint64_t fix(uint64_t h) { return h ? h : 1; }

static int grow(zj_keyset *ks)
{
    size_t cap = ks->cap ? ks->cap * 2 : 1024;
    uint64_t *hashes = calloc(cap, sizeof *hashes);
    int64_t *rowids = malloc(cap * sizeof *rowids);
    if (!hashes || !rowids) {
        free(hashes);
        free(rowids);
        return -1;
    }
    for (size_t i = 0; i < ks->cap; i++) {
        if (!ks->hashes[i])
            continue;
        size_t j = ks->hashes[i] & (cap - 1);
        while (hashes[j])
            j = (j + 1) & (cap - 1);
        hashes[j] = ks->hashes[i];
        rowids[j] = ks->rowids[i];
    }
    free(ks->hashes);
    free(ks->rowids);
    ks->hashes = hashes;
    ks->rowids = rowids;
    ks->cap = cap;
    return 0;
}

int zj_keyset_add(zj_keyset *ks, uint64_t hash, int64_t rowid)
{
    if ((ks->count + 1) * 2 > ks->cap && grow(ks))
        return -1;
    hash = fix(hash);
    size_t j = hash & (ks->cap - 1);
    while (ks->hashes[j])
        j = (j + 1) & (ks->cap - 1);
    ks->hashes[j] = hash;
    ks->rowids[j] = rowid;
    ks->count++;
    return 0;
}

int zj_keyset_next(const zj_keyset *ks, uint64_t hash, size_t *pos, int64_t *rowid)
{
    if (!ks->cap)
        return 0;
    hash = fix(hash);
    /* *pos counts probes from the home slot; the run ends at the first empty slot. */
    for (size_t j = (hash + *pos) & (ks->cap - 1); ks->hashes[j]; j = (j + 1) & (ks->cap - 1)) {
        (*pos)++;
        if (ks->hashes[j] == hash) {
            *rowid = ks->rowids[j];
            return 1;
        }
    }
    return 0;
}

void zj_keyset_free(zj_keyset *ks)
{
    free(ks->hashes);
    free(ks->rowids);
    ks->hashes = NULL;
    ks->rowids = NULL;
    ks->cap = ks->count = 0;
}
