/* keyset.c - open-addressing multimap of key hashes to row ids (see keyset.h). Linear
 * probing; the table doubles when half full.
 *
 * A load of millions of rows makes the table far larger than the CPU caches, and every probe
 * lands on a random slot: a cache miss, and with 4 KiB pages a TLB miss too. So a slot holds
 * its hash tag and row id side by side in 8 bytes (one cache line per probe, eight slots to a
 * line), and the table is mapped on its own and asks for transparent huge pages (on Linux,
 * where they are enabled "madvise"), which took the TLB misses out of a 5M-row load
 * (docs/benchmarks.md). The writer asks for the next record's slot ahead of time
 * (zj_keyset_prefetch).
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

static uint32_t tag_of(uint64_t h) { return (uint32_t)(h >> 32); }

static int resize(zj_keyset *ks, size_t cap)
{
    if (cap > ((size_t)1 << 31))
        return -1;
    zj_keyset_slot *slots = slots_alloc(cap);
    if (!slots)
        return -1;
    int shift = 32;
    for (size_t c = cap; c > 1; c >>= 1)
        shift--;
    /* A tag's leading bits are its home: entries move to their homes in the larger table
     * (walked in slot order, so a chain keeps its order). */
    for (size_t i = 0; i < ks->cap; i++) {
        if (!ks->slots[i].off)
            continue;
        size_t j = ks->slots[i].tag >> shift;
        while (slots[j].off)
            j = (j + 1) & (cap - 1);
        slots[j] = ks->slots[i];
    }
    slots_free(ks->slots, ks->cap);
    ks->slots = slots;
    ks->cap = cap;
    ks->shift = shift;
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
    if (!ks->count)
        ks->base = rowid;
    if (rowid < ks->base || rowid - ks->base >= (int64_t)UINT32_MAX - 1)
        return -1;
    if ((ks->count + 1) * 2 > ks->cap && resize(ks, ks->cap ? ks->cap * 2 : 1024))
        return -1;
    size_t j = tag_of(hash) >> ks->shift;
    while (ks->slots[j].off)
        j = (j + 1) & (ks->cap - 1);
    ks->slots[j].tag = tag_of(hash);
    ks->slots[j].off = (uint32_t)(rowid - ks->base + 1);
    ks->count++;
    return 0;
}

int zj_keyset_next(const zj_keyset *ks, uint64_t hash, size_t *pos, int64_t *rowid)
{
    if (!ks->cap)
        return 0;
    uint32_t tag = tag_of(hash);
    /* *pos counts probes from the home slot; the run ends at the first empty slot. */
    for (size_t j = ((tag_of(hash) >> ks->shift) + *pos) & (ks->cap - 1); ks->slots[j].off;
         j = (j + 1) & (ks->cap - 1)) {
        (*pos)++;
        if (ks->slots[j].tag == tag) {
            *rowid = ks->base + ks->slots[j].off - 1;
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
    ks->base = 0;
    ks->shift = 0;
}
