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
 */
#include <string.h>

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
    if (u < (t += d->missing_id)) {
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
