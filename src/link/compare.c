/* compare.c - comparison levels of two mentions (see compare.h).
 *
 * Person name levels: exact (same simplified name) > same pinyin (homophones: 张伟/章伟) >
 * close (Jaro-Winkler of the pinyin keys >= 0.9, or names of the same length differing in one
 * character - a typo) > different. Birth: same date > same year > different. Region: county >
 * city > province > different. An ID that is not trusted on both sides still helps: two IDs
 * within two characters of each other (a mistyped digit) are "close". Unit: same unit and
 * post > same unit, other post > same unit (a post on one side only) > different (compared
 * only when both name a unit). The post is compared only when both give one, so that the
 * model learns how often a person's post agrees from the pairs where it can (model.h).
 * Address: same address > same house number > same road > different (another county when
 * both name one, another road, or another flat of the same building: a neighbour, not the
 * household). Co-party: the cases share a party, or not.
 */
#include "link/compare.h"

#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

#include "text/address.h"
#include "text/name.h"

uint32_t zj_arena_add(zj_arena *a, const char *s, size_t n)
{
    if (a->len + n + 1 > a->cap) {
        size_t cap = a->cap ? a->cap : 1 << 20;
        while (cap < a->len + n + 1)
            cap *= 2;
        if (cap > UINT32_MAX)
            return (uint32_t)-1;
        char *p = realloc(a->data, cap);
        if (!p)
            return (uint32_t)-1;
        a->data = p;
        a->cap = cap;
    }
    uint32_t off = (uint32_t)a->len;
    memcpy(a->data + a->len, s, n);
    a->data[a->len + n] = '\0';
    a->len += n + 1;
    return off;
}

void zj_arena_free(zj_arena *a)
{
    free(a->data);
    a->data = NULL;
    a->len = a->cap = 0;
}

static uint64_t h(const char *s, size_t n)
{
    uint64_t v = XXH3_64bits(s, n);
    return v ? v : 1;     /* 0 means "no value" */
}

static size_t utf8_chars(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        n += ((unsigned char)*s & 0xC0) != 0x80;
    return n;
}

static int32_t ymd(const char *d)
{
    /* "YYYY-MM-DD" -> YYYYMMDD */
    if (!d || strlen(d) < 10)
        return 0;
    return atoi(d) * 10000 + atoi(d + 5) * 100 + atoi(d + 8);
}

int zj_unit_context_role(const char *c)
{
    if (!c || !c[0] || c[1] != ':')
        return ZJ_UNIT_NONE;
    return c[0] == ZJ_UNIT_NAMED || c[0] == ZJ_UNIT_ROSTER || c[0] == ZJ_UNIT_REFERS
           ? c[0] : ZJ_UNIT_NONE;
}

/* An address reduced to the hashes compare.h keeps: road (0 when it does not parse), road and
 * house number (blocking), road, number and room, county. */
static void reduce_address(const char *s, size_t n, uint64_t *block, uint32_t *road,
                           uint32_t *county, uint32_t *full)
{
    zj_address ad;
    if (!n || zj_address_parse(s, n, &ad, NULL) != 0)
        return;
    char buf[sizeof ad.road + sizeof ad.house + sizeof ad.rest + 2];
    size_t rl = strlen(ad.road), hl = strlen(ad.house), xl = strlen(ad.rest);
    memcpy(buf, ad.road, rl);
    buf[rl] = '#';
    memcpy(buf + rl + 1, ad.house, hl);
    buf[rl + 1 + hl] = '/';
    memcpy(buf + rl + 2 + hl, ad.rest, xl);
    *road = (uint32_t)h(buf, rl + 1) | 1;
    if (hl)
        *block = h(buf, rl + 1 + hl);
    if (hl && xl)
        *full = (uint32_t)h(buf, rl + 2 + hl + xl) | 1;
    if (ad.county[0])
        *county = (uint32_t)h(ad.county, strlen(ad.county)) | 1;
}

int zj_lmention_fill(zj_lmention *m, zj_arena *a, zj_kind kind, int64_t id, int64_t entity,
                     const char *name_norm, const char *name_key, const char *id_no,
                     const char *id_status, const char *birth_date, const char *sex,
                     const char *phone, const char *region, const char *context,
                     const char *address)
{
    memset(m, 0, sizeof *m);
    m->id = id;
    m->entity = entity;
    const char *norm = name_norm ? name_norm : "", *key = name_key ? name_key : "";
    const char *idt = id_no ? id_no : "";
    m->norm_off = zj_arena_add(a, norm, strlen(norm));
    m->key_off = zj_arena_add(a, key, strlen(key));
    m->id_off = zj_arena_add(a, idt, strlen(idt));
    if (m->norm_off == (uint32_t)-1 || m->key_off == (uint32_t)-1 || m->id_off == (uint32_t)-1)
        return -1;
    size_t nl = strlen(norm), kl = strlen(key);
    m->norm_len = (uint16_t)(nl < 65535 ? nl : 65535);
    m->key_len = (uint16_t)(kl < 65535 ? kl : 65535);
    if (*norm) {
        m->norm_h = h(norm, strlen(norm));
        m->norm_chars = (uint16_t)utf8_chars(norm);
    }
    if (*key) {
        m->key_h = h(key, strlen(key));
        if (kind == ZJ_KIND_ENTERPRISE) {
            /* first two characters of the key */
            size_t i = 0, chars = 0;
            while (key[i] && chars < 2) {
                i++;
                while (((unsigned char)key[i] & 0xC0) == 0x80)
                    i++;
                chars++;
            }
            m->prefix_h = h(key, i);
        }
    }
    if (kind == ZJ_KIND_PERSON && *norm) {
        bool compound;
        size_t sl = zj_surname_len(norm, strlen(norm), &compound);
        if (sl)
            m->surname_h = h(norm, sl);
    }
    /* For blocking only, so a mistyped ID (invalid: not trusted) keeps them too: one wrong
     * character spares either the first 14 or the last 4. */
    size_t idl = strlen(idt);
    if (idl) {
        m->id_h = h(idt, idl);
        if (idl == 18)
            m->idprefix_h = h(idt, 14);
        if (idl >= 15)
            m->idtail_h = h(idt + idl - 4, 4);
    }
    if (id_status) {
        m->id_status = !strcmp(id_status, "valid")    ? ID_VALID
                       : !strcmp(id_status, "legacy") ? ID_LEGACY
                       : !strcmp(id_status, "invalid") ? ID_INVALID
                                                       : ID_MISSING;
    }
    m->id_trusted = m->id_status == ID_VALID || m->id_status == ID_LEGACY;
    m->birth = ymd(birth_date);
    m->sex = sex && (sex[0] == 'M' || sex[0] == 'F') ? sex[0] : 0;
    m->region = region && strlen(region) >= 6 ? atoi(region) : 0;
    if (phone && *phone)
        m->phone_h = h(phone, strlen(phone));
    if (kind == ZJ_KIND_PERSON && address && *address) {
        const char *sep = strchr(address, '\x1f');   /* address U+001F former address */
        size_t n = sep ? (size_t)(sep - address) : strlen(address);
        reduce_address(address, n, &m->addr_h, &m->addr_road, &m->addr_county, &m->addr_full);
        if (sep && m->addr_road)
            reduce_address(sep + 1, strlen(sep + 1), &m->addr2_h, &m->addr2_road,
                           &m->addr2_county, &m->addr2_full);
    }
    if ((m->case_h = zj_case_hash(context)))
        return 0;
    int role = zj_unit_context_role(context);
    if (role) {
        m->unit_role = (char)role;
        const char *unit = context + 2, *sep = strchr(unit, '\x1f');
        size_t ul = sep ? (size_t)(sep - unit) : strlen(unit);
        if (ul) {
            m->unit_h = h(unit, ul);
            if (sep && sep[1])
                m->post_h = h(unit, strlen(unit));
        }
    } else if (context && *context)
        m->context_h = h(context, strlen(context));
    return 0;
}

uint64_t zj_case_hash(const char *c)
{
    return c && c[0] == ZJ_CASE_CONTEXT && c[1] == ':' && c[2] ? h(c + 2, strlen(c + 2)) : 0;
}

uint32_t zj_copart_key(zj_kind kind, const char *name_norm)
{
    if (!name_norm || !*name_norm)
        return 0;
    uint64_t v = XXH3_64bits_withSeed(name_norm, strlen(name_norm), 3 + (uint64_t)kind);
    return (uint32_t)(v ^ v >> 32) | 1;
}

uint32_t zj_copart_id_key(zj_kind kind, const char *id_no, bool id_valid)
{
    if (!id_valid || !id_no || !*id_no)
        return 0;
    uint64_t v = XXH3_64bits_withSeed(id_no, strlen(id_no), 1 + (uint64_t)kind);
    return (uint32_t)(v ^ v >> 32) | 1;
}

void zj_copart_add(zj_lmention *m, uint32_t key)
{
    if (!key)
        return;
    for (int i = 0; i < ZJ_COPARTIES; i++) {
        if (m->copart[i] == key)
            return;
        if (!m->copart[i] || key < m->copart[i]) {
            for (int j = ZJ_COPARTIES - 1; j > i; j--)
                m->copart[j] = m->copart[j - 1];
            m->copart[i] = key;
            return;
        }
    }
}

static const char *const person_fields[] = {"name", "birth_date", "sex", "region", "phone", "id",
                                            "enterprise", "unit", "address", "co-party"};
static const int person_levels[] = {4, 3, 2, 4, 2, 2, 2, 4, 4, 2};
static const char *const ent_fields[] = {"name", "", "", "region", "", "id", "", "", "", ""};
static const int ent_levels[] = {4, 0, 0, 4, 0, 2, 0, 0, 0, 0};
_Static_assert(sizeof person_levels / sizeof person_levels[0] == ZJ_MAX_FIELDS, "fields");
_Static_assert(sizeof ent_levels / sizeof ent_levels[0] == ZJ_MAX_FIELDS, "fields");

static const char *const level_names[][ZJ_MAX_LEVELS] = {
    [F_NAME] = {"different", "close", "same pinyin", "exact"},
    [F_BIRTH] = {"different", "same year", "exact"},
    [F_SEX] = {"different", "same"},
    [F_REGION] = {"different", "same province", "same city", "same county"},
    [F_PHONE] = {"different", "same"},
    [F_ID] = {"different", "close (typo)"},
    [F_CONTEXT] = {"different", "same"},
    [F_UNIT] = {"different", "same unit", "same unit, other post", "same unit, post"},
    [F_ADDRESS] = {"different", "same road", "same house number", "same address"},
    [F_COPARTY] = {"different", "same co-party"},
};
static const char *const ent_name_levels[] = {"different", "close", "same key", "exact"};

int zj_compare_nfields(zj_kind kind) { (void)kind; return ZJ_MAX_FIELDS; }

int zj_compare_nlevels(zj_kind kind, int field)
{
    return kind == ZJ_KIND_PERSON ? person_levels[field] : ent_levels[field];
}

const char *zj_compare_field_name(zj_kind kind, int field)
{
    return kind == ZJ_KIND_PERSON ? person_fields[field] : ent_fields[field];
}

const char *zj_compare_level_name(zj_kind kind, int field, int level)
{
    if (level < 0)
        return "missing";
    if (kind == ZJ_KIND_ENTERPRISE && field == F_NAME)
        return ent_name_levels[level];
    return level_names[field][level];
}

/* Edit distance of at most `max` between two ASCII strings of equal length (substitutions
 * only - a mistyped character). */
static bool close_ids(const char *a, const char *b, int max)
{
    size_t n = strlen(a);
    if (n != strlen(b) || n < 15)
        return false;
    int d = 0;
    for (size_t i = 0; i < n; i++)
        if (a[i] != b[i] && ++d > max)
            return false;
    return true;
}

static int region_level(int32_t a, int32_t b)
{
    if (!a || !b)
        return ZJ_MISSING;
    if (a == b)
        return 3;
    if (a / 100 == b / 100)
        return 2;
    if (a / 10000 == b / 10000)
        return 1;
    return 0;
}

/* Whether the Jaro-Winkler similarity of a and b is surely below `threshold`, from a bound
 * that costs a pass over each string: the matching characters Jaro counts are at most the
 * characters the two strings share (as multisets, whatever their positions), and with no
 * transpositions the similarity is highest. Most pairs a run compares have unrelated names
 * (random pairs for u, pairs blocked by phone or ID prefix), and the bound settles nearly all
 * of them without the quadratic matching. Only a "no" is trusted: otherwise the similarity is
 * computed, so the level is the one zj_jaro_winkler gives. The margin covers rounding. */
static bool jw_surely_below(const char *a, size_t an, const char *b, size_t bn,
                            double threshold)
{
    if (an == 0 || bn == 0 || an > 255 || bn > 255)
        return false;                    /* zj_jaro_winkler's own cases */
    unsigned char count[256];
    memset(count, 0, sizeof count);
    for (size_t i = 0; i < an; i++)
        count[(unsigned char)a[i]]++;
    size_t common = 0;
    for (size_t j = 0; j < bn; j++)
        if (count[(unsigned char)b[j]]) {
            count[(unsigned char)b[j]]--;
            common++;
        }
    if (!common)
        return true;                     /* no match at all: 0 */
    size_t l = 0;
    while (l < 4 && l < an && l < bn && a[l] == b[l])
        l++;
    double m = (double)common;
    double jaro = (m / (double)an + m / (double)bn + 1.0) / 3.0;
    return jaro + (double)l * 0.1 * (1.0 - jaro) < threshold - 1e-9;
}

static int name_level(zj_kind kind, const zj_lmention *a, const zj_arena *ara,
                      const zj_lmention *b, const zj_arena *arb)
{
    if (!a->norm_h || !b->norm_h)
        return ZJ_MISSING;
    if (a->norm_h == b->norm_h)
        return 3;
    if (a->key_h && a->key_h == b->key_h)
        return 2;
    const char *ka = ara->data + a->key_off, *kb = arb->data + b->key_off;
    double close = kind == ZJ_KIND_PERSON ? 0.9 : 0.92;
    if (!jw_surely_below(ka, a->key_len, kb, b->key_len, close) &&
        zj_jaro_winkler(ka, a->key_len, kb, b->key_len) >= close)
        return 1;
    if (kind == ZJ_KIND_PERSON && a->norm_chars == b->norm_chars && a->norm_chars >= 2) {
        const char *na = ara->data + a->norm_off, *nb = arb->data + b->norm_off;
        if (zj_edit_distance(na, a->norm_len, nb, b->norm_len) == 1)
            return 1;
    }
    return 0;
}

/* One address of each side (road != 0): the level of compare.h's F_ADDRESS. */
static int one_address_level(uint64_t ha, uint32_t ra, uint32_t ca, uint32_t fa,
                             uint64_t hb, uint32_t rb, uint32_t cb, uint32_t fb)
{
    if ((ca && cb && ca != cb) || ra != rb)
        return 0;
    if (!ha || ha != hb)
        return 1;
    if (!fa || !fb)
        return 2;
    return fa == fb ? 3 : 0;                   /* another flat: another household */
}

/* Both have an address: the best level over their addresses, former ones included. */
static int address_level(const zj_lmention *a, const zj_lmention *b)
{
    int best = one_address_level(a->addr_h, a->addr_road, a->addr_county, a->addr_full,
                                 b->addr_h, b->addr_road, b->addr_county, b->addr_full);
    if (a->addr2_road) {
        int l = one_address_level(a->addr2_h, a->addr2_road, a->addr2_county, a->addr2_full,
                                  b->addr_h, b->addr_road, b->addr_county, b->addr_full);
        best = l > best ? l : best;
    }
    if (b->addr2_road) {
        int l = one_address_level(a->addr_h, a->addr_road, a->addr_county, a->addr_full,
                                  b->addr2_h, b->addr2_road, b->addr2_county, b->addr2_full);
        best = l > best ? l : best;
    }
    if (a->addr2_road && b->addr2_road) {
        int l = one_address_level(a->addr2_h, a->addr2_road, a->addr2_county, a->addr2_full,
                                  b->addr2_h, b->addr2_road, b->addr2_county, b->addr2_full);
        best = l > best ? l : best;
    }
    return best;
}

/* Both have co-parties: 1 when a key is shared (each list ascending, zero-terminated). */
static int shares_copart(const zj_lmention *a, const zj_lmention *b)
{
    for (int i = 0; i < ZJ_COPARTIES && a->copart[i]; i++)
        for (int j = 0; j < ZJ_COPARTIES && b->copart[j]; j++)
            if (a->copart[i] == b->copart[j])
                return 1;
    return 0;
}

void zj_compare(zj_kind kind, const zj_lmention *a, const zj_lmention *b, const zj_arena *ar,
                int *g)
{
    zj_compare_two(kind, a, ar, b, ar, g);
}

void zj_compare_two(zj_kind kind, const zj_lmention *a, const zj_arena *ara,
                    const zj_lmention *b, const zj_arena *arb, int *g)
{
    for (int f = 0; f < ZJ_MAX_FIELDS; f++)
        g[f] = ZJ_MISSING;
    g[F_NAME] = name_level(kind, a, ara, b, arb);
    g[F_REGION] = region_level(a->region, b->region);
    if (a->id_h && b->id_h && !(a->id_trusted && b->id_trusted))
        g[F_ID] = a->id_h == b->id_h ||
                  close_ids(ara->data + a->id_off, arb->data + b->id_off, 2) ? 1 : 0;
    if (kind == ZJ_KIND_ENTERPRISE)
        return;
    if (a->birth && b->birth)
        g[F_BIRTH] = a->birth == b->birth ? 2 : a->birth / 10000 == b->birth / 10000 ? 1 : 0;
    if (a->sex && b->sex)
        g[F_SEX] = a->sex == b->sex;
    if (a->phone_h && b->phone_h)
        g[F_PHONE] = a->phone_h == b->phone_h;
    if (a->context_h && b->context_h)
        g[F_CONTEXT] = a->context_h == b->context_h;
    if (a->addr_road && b->addr_road)
        g[F_ADDRESS] = address_level(a, b);
    if (a->copart[0] && b->copart[0])
        g[F_COPARTY] = shares_copart(a, b);
    if (a->unit_h && b->unit_h)
        g[F_UNIT] = a->unit_h != b->unit_h       ? 0
                    : !a->post_h || !b->post_h   ? 1    /* the post unknown on one side */
                    : a->post_h == b->post_h     ? 3
                                                 : 2;
}
