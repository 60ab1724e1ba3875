/* rng.h - deterministic random numbers for the synthetic province (counter-based splitmix64).
 *
 * Every generated record draws from its own short stream, seeded from (run seed, stream id,
 * record index): the same record comes out the same whichever file asks for it and in
 * whatever order, so each export is generated independently and deterministically, and no
 * file needs another's state. splitmix64 (Steele, Lea, Flood 2014) passes BigCrush and is a
 * few instructions per draw; streams are decorrelated by hashing the seed tuple through its
 * finalizer twice. Nothing here depends on the clock, the locale or the platform.
 */
#ifndef ZJ_GEN_RNG_H
#define ZJ_GEN_RNG_H

#include <stdint.h>

typedef struct zg_rng {
    uint64_t s;
} zg_rng;

/* The splitmix64 finalizer: a bijective 64-bit mix. */
static inline uint64_t zg_mix(uint64_t z)
{
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

/* Seed `r` for record `index` of stream `stream` in the run seeded with `seed`. */
static inline void zg_rng_at(zg_rng *r, uint64_t seed, uint32_t stream, uint64_t index)
{
    r->s = zg_mix(zg_mix(seed ^ ((uint64_t)stream << 40) ^ 0x6A09E667F3BCC909ull) + index);
}

static inline uint64_t zg_next(zg_rng *r)
{
    r->s += 0x9E3779B97F4A7C15ull;
    return zg_mix(r->s);
}

/* Uniform in [0, n) (n > 0), Lemire's multiply-shift (bias < 2^-32, fine here). */
static inline uint32_t zg_below(zg_rng *r, uint32_t n)
{
    return (uint32_t)(((zg_next(r) >> 32) * (uint64_t)n) >> 32);
}

/* Uniform in [lo, hi] (inclusive). */
static inline int64_t zg_range(zg_rng *r, int64_t lo, int64_t hi)
{
    return lo + (int64_t)(zg_next(r) % (uint64_t)(hi - lo + 1));
}

/* Uniform in [0, 1). */
static inline double zg_unif(zg_rng *r)
{
    return (double)(zg_next(r) >> 11) * (1.0 / 9007199254740992.0);
}

/* True with probability p. */
static inline int zg_chance(zg_rng *r, double p)
{
    return zg_unif(r) < p;
}

/* Streams: one per kind of record, so adding draws to one kind never shifts another. */
enum {
    ZG_S_PERSON = 1, ZG_S_OFFICER, ZG_S_RELATIVE, ZG_S_ENTERPRISE, ZG_S_INCIDENT,
    ZG_S_CIVIL, ZG_S_MONTHLY, ZG_S_COMPLAINT, ZG_S_PRISONER, ZG_S_CC, ZG_S_GPS, ZG_S_DIRT,
    ZG_S_UNIT, ZG_S_PLAN, ZG_S_LAWYER, ZG_S_LEAVE, ZG_S_CLAIMS,
};

#endif
