/* dirt.c - the mistakes real exports contain, at stated rates (脏数据).
 *
 * Per mention of a person, at most one name mistake - a look-alike character typed or
 * recognised wrongly (typo), the homophone an input method offers first, the traditional
 * form, a space between surname and given name - and at most one ID mistake: missing, the
 * pre-1999 15-digit form (only for people born in the 1900s, so it stays valid), a wrong
 * check character (a typo the importer keeps as text and linking must flag), or full-width
 * digits. Every mistake keeps the value importable; each one applied is reported in the
 * noise mask, which identity.jsonl carries so linking quality can be measured per kind of
 * noise. Row-level dirt (duplicates, malformed rows) is the writer's (writer.c).
 *
 * How often the ID is missing depends on the source, as in real exports (an independent
 * province's: one person mention in five had no ID): HR files and the population registry
 * nearly always carry it, so do a tax registration's contacts (an ID is required), a
 * registry's legal representative usually, an asset declaration's relatives less often, court
 * parties often not (judgments and their exports mask or omit it), a complaint's complainant
 * in half the tickets, and the person an officer records as having approached him seldom. The source is the salt's top 16 bits, which
 * every caller sets (one number per export and role, see missing_id_rate).
 */
#include <string.h>

#include "gen/anomalies.h"
#include "gen/internal.h"
#include "text/resident_id.h"

const zg_dirt_rates zg_dirt = {
    .typo = 0.004,
    .homophone = 0.008,
    .traditional = 0.006,
    .missing_id = 0.03,
    .legacy_id = 0.012,
    .bad_check = 0.003,
    .fullwidth = 0.01,
    .spaces = 0.008,
    .duplicate_rows = 0.002,
    .malformed_rows = 0.0002,
};

const char *const zg_noise_names[ZG_NOISE_KINDS] = {
    "typo", "homophone", "traditional", "missing_id", "legacy_id", "fullwidth", "spaces",
    "id_typo",
};

static size_t u8len(unsigned char c)
{
    return c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
}

/* Replace one character of `name` that has a variant of `kind`; false when none has. */
static bool swap_variant(const char *name, int kind, zg_rng *r, char *out)
{
    const char *at[8];
    const char *vs[8];
    size_t lens[8];
    int n = 0;
    for (const char *p = name; *p && n < 8;) {
        size_t l = u8len((unsigned char)*p);
        const char *v = zg_variant(p, l, kind);
        if (v) {
            at[n] = p;
            vs[n] = v;
            lens[n++] = l;
        }
        p += l;
    }
    if (!n)
        return false;
    int k = (int)zg_below(r, (uint32_t)n);
    size_t pre = (size_t)(at[k] - name), vl = strlen(vs[k]);
    memcpy(out, name, pre);
    memcpy(out + pre, vs[k], vl);
    strcpy(out + pre + vl, at[k] + lens[k]);
    return true;
}

/* The chance that a mention from source `src` (the salt's top 16 bits) has no ID. */
static double missing_id_rate(unsigned src)
{
    switch (src) {
    case 0: case 1: case 2: case 3: case 4:
        return 0.02;            /* officers' HR files (the caller halves it) */
    case 5: return 0.12;        /* relatives in an officer's declaration */
    case 6: return 0.03;        /* population registry (the caller scales it down) */
    case 7: return 0.05;        /* market registry: legal representative */
    case 9: return 0.10;        /* tax registration: legal representative */
    case 10: return 0.05;       /* tax registration: finance officer (an ID is required) */
    case 12: return 0.15;       /* police case: suspects and victims */
    case 13: return 0.30;       /* civil court parties */
    case 14: return 0.12;       /* criminal court parties */
    case 15: return 0.60;       /* the person who approached the officer (三个规定 record) */
    case 16: return 0.45;       /* complainants */
    case 17: case 18: return 0.03;   /* sentence changes, prisoners */
    default: return zg_dirt.missing_id;
    }
}

unsigned zg_dirty_person(const zg *g, const zg_person *p, uint64_t salt, double level,
                         char name_out[64], char id_out[64])
{
    unsigned noise = 0;
    strcpy(name_out, p->name);
    strcpy(id_out, p->id);
    if (level <= 0)
        return 0;
    zg_rng r;
    zg_rng_at(&r, g->seed, ZG_S_DIRT, zg_mix((uint64_t)p->k * 0x9E3779B97F4A7C15ull ^ salt));
    double u = zg_unif(&r) / level, t = 0;
    const zg_dirt_rates *d = &zg_dirt;
    /* a planted pair of namesakes keeps its name clean: a typo would tell them apart */
    for (int i = 0; g->plan && i < g->plan->nsame_name; i++)
        if (g->plan->same_name[i].k == p->k || g->plan->same_name[i].as == p->k)
            u = 1;
    if (u < (t += d->typo)) {
        if (swap_variant(p->name, 2, &r, name_out))
            noise |= ZG_N_TYPO;
    } else if (u < (t += d->homophone)) {
        if (swap_variant(p->name, 1, &r, name_out))
            noise |= ZG_N_HOMOPHONE;
    } else if (u < (t += d->traditional)) {
        if (swap_variant(p->name, 0, &r, name_out))
            noise |= ZG_N_TRADITIONAL;
    } else if (u < (t += d->spaces)) {
        size_t l = u8len((unsigned char)p->name[0]);
        const char *sp = zg_chance(&r, 0.5) ? " " : "\xE3\x80\x80";   /* U+3000 */
        size_t sl = strlen(sp);
        memcpy(name_out, p->name, l);
        memcpy(name_out + l, sp, sl);
        strcpy(name_out + l + sl, p->name + l);
        noise |= ZG_N_SPACES;
    }
    u = zg_unif(&r) / level;
    t = 0;
    if (u < (t += missing_id_rate((unsigned)(salt >> 48)))) {
        id_out[0] = '\0';
        noise |= ZG_N_MISSING_ID;
    } else if (u < (t += d->legacy_id)) {
        if (p->id[6] == '1' && p->id[7] == '9') {
            memcpy(id_out, p->id, 6);
            memcpy(id_out + 6, p->id + 8, 9);
            id_out[15] = '\0';
            noise |= ZG_N_LEGACY_ID;
        }
    } else if (u < (t += d->bad_check)) {
        static const char checks[] = "0123456789X";
        char c = p->id[17];
        char nc = checks[zg_below(&r, 11)];
        if (nc == c)
            nc = c == '0' ? '1' : '0';
        id_out[17] = nc;
        noise |= ZG_N_BAD_CHECK;
    } else if (u < (t += d->fullwidth)) {
        char *o = id_out;
        for (const char *s = p->id; *s; s++) {
            if (*s >= '0' && *s <= '9') {          /* U+FF10.. = EF BC 90.. */
                *o++ = (char)0xEF;
                *o++ = (char)0xBC;
                *o++ = (char)(0x90 + (*s - '0'));
            } else
                *o++ = *s;
        }
        *o = '\0';
        noise |= ZG_N_FULLWIDTH;
    }
    return noise;
}

unsigned zg_name_variant(const zg *g, const zg_person *p, int variant, uint64_t salt,
                         char out[64])
{
    zg_rng r;
    zg_rng_at(&r, g->seed, ZG_S_DIRT, zg_mix((uint64_t)p->k * 0x9E3779B97F4A7C15ull ^ salt));
    strcpy(out, p->name);
    switch (variant) {
    case ZG_VAR_TRADITIONAL:
        return swap_variant(p->name, 0, &r, out) ? ZG_N_TRADITIONAL : 0;
    case ZG_VAR_HOMOPHONE:
        return swap_variant(p->name, 1, &r, out) ? ZG_N_HOMOPHONE : 0;
    case ZG_VAR_SPACES: {
        size_t l = u8len((unsigned char)p->name[0]);
        memcpy(out, p->name, l);
        memcpy(out + l, " ", 1);
        strcpy(out + l + 1, p->name + l);
        return ZG_N_SPACES;
    }
    default:
        return 0;
    }
}

unsigned zg_dirty_phone(const zg *g, const char *phone, uint64_t salt, char out[64])
{
    zg_rng r;
    zg_rng_at(&r, g->seed, ZG_S_DIRT, zg_mix(salt ^ 0xC0FFEEull));
    strcpy(out, phone);
    if (!zg_chance(&r, zg_dirt.fullwidth))
        return 0;
    char *o = out;
    for (const char *s = phone; *s; s++) {
        *o++ = (char)0xEF;
        *o++ = (char)0xBC;
        *o++ = (char)(0x90 + (*s - '0'));
    }
    *o = '\0';
    return 0;    /* phone noise is not an identity noise kind */
}
