/* keyset.c - open-addressing multimap of key hashes to row ids (see keyset.h). Linear
 * probing; the table doubles when half full.
 *
 * A load of millions of rows makes the table far larger than the CPU caches, and every probe
 * lands on a random slot: a cache miss, and with 4 KiB pages a TLB miss too. So a slot holds
 * its hash and row id side by side (one cache line per probe, not two), and the table is
 * mapped on its own and asks for transparent huge pages (on Linux, where they are enabled
 * "madvise"), which took the TLB misses out of a 5M-row load (docs/benchmarks.md).
 */
#include "store/keyset.h"

#include <sys/mman.h>

/* Zeroed memory for cap slots, or NULL. */
static zj_keyset_slot *slots_alloc(size_t cap)
{
    void *p = mmap(NULL, cap * sizeof(zj_keyset_slot), PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED)
        return NULL;
#ifdef MADV_HUGEPAGE
    madvise(p, cap * sizeof(zj_keyset_slot), MADV_HUGEPAGE);   /* a hint: failure is fine */
#endif
    return p;
}

static void slots_free(zj_keyset_slot *slots, size_t cap)
{
    if (slots)
        munmap(slots, cap * sizeof *slots);
}

static uint64_t fix(uint64_t h) { return h ? h : 1; }

static int resize(zj_keyset *ks, size_t cap)
{
    zj_keyset_slot *slots = slots_alloc(cap);
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
    slots_free(ks->slots, ks->cap);
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
    slots_free(ks->slots, ks->cap);
    ks->slots = NULL;
    ks->cap = ks->count = 0;
}
