/* region.c - GB/T 2260 lookups over the table compiled from rules/regions.tsv (see region.h).
 *
 * Two constant arrays, both generated at build time by scripts/gen-table.py: `rows`, sorted
 * by code, for code lookups; `prefixes`, region names sorted by their UTF-8 bytes, for
 * "does this text start with a region name". Both are searched by bisection; nothing is
 * allocated or cached, so every function is reentrant.
 */
#include "text/region.h"

#include <stdio.h>
#include <string.h>

typedef struct region_row {
    int code;
    const char *name;
} region_row;

static const region_row rows[] = {
#include "text/regions.inc"
};
#define NROWS (sizeof rows / sizeof rows[0])

/* The codes alone, in the same order (13 KiB instead of 53: bisection stays in L1). */
static const int codes[] = {
#include "text/region_codes.inc"
};
_Static_assert(sizeof codes / sizeof codes[0] == NROWS, "regions.inc and region_codes.inc");

static const char *const prefixes[] = {
#include "text/region_prefixes.inc"
};
#define NPREFIXES (sizeof prefixes / sizeof prefixes[0])

/* The row for `code`, or NULL. Branch-free bisection (the compiler emits conditional
 * moves): resident-ID validation calls this on every ID. */
static const region_row *find_row(int code)
{
    const int *base = codes;
    size_t n = NROWS;
    while (n > 1) {
        size_t half = n / 2;
        base = base[half] <= code ? base + half : base;
        n -= half;
    }
    return *base == code ? &rows[base - codes] : NULL;
}

static bool is_placeholder(const char *name)
{
    return strcmp(name, "市辖区") == 0 || strcmp(name, "县") == 0 ||
           strcmp(name, "省直辖县级行政区划") == 0 || strcmp(name, "自治区直辖县级行政区划") == 0;
}

zj_region_level zj_region_lookup(int code, zj_region *out, bool *exact)
{
    memset(out, 0, sizeof *out);
    out->code = code;
    if (exact)
        *exact = false;
    if (code < 0 || code > 999999)
        return ZJ_REGION_NONE;
    const region_row *p = find_row(code / 10000 * 10000);
    if (!p)
        return ZJ_REGION_NONE;
    out->province = p->name;
    zj_region_level level = ZJ_REGION_PROVINCE;
    if (exact)
        *exact = code % 10000 == 0;
    if (code % 10000 == 0)
        return level;
    const region_row *c = find_row(code / 100 * 100);
    if (c) {
        out->city = is_placeholder(c->name) ? NULL : c->name;
        level = ZJ_REGION_CITY;
        if (exact)
            *exact = code % 100 == 0;
    }
    if (code % 100 == 0)
        return level;
    const region_row *k = find_row(code);
    if (k) {
        out->county = is_placeholder(k->name) ? NULL : k->name;
        if (exact)
            *exact = true;
        return ZJ_REGION_COUNTY;
    }
    return level;
}

bool zj_region_code_known(int code)
{
    return code >= 0 && code <= 999999 && find_row(code) != NULL;
}

bool zj_region_province_known(int province2)
{
    return province2 >= 10 && province2 <= 99 && find_row(province2 * 10000) != NULL;
}

size_t zj_region_full_name(int code, char *buf, size_t cap)
{
    zj_region r;
    if (cap > 0)
        buf[0] = '\0';
    if (zj_region_lookup(code, &r, NULL) == ZJ_REGION_NONE)
        return 0;
    int n = snprintf(buf, cap, "%s%s%s", r.province, r.city ? r.city : "",
                     r.county ? r.county : "");
    return n < 0 ? 0 : (size_t)n;
}

/* Compare the first `n` bytes of `s` with NUL-terminated `name` as byte strings of possibly
 * different lengths (shorter sorts first on a common prefix), as memcmp would. Byte by byte:
 * a probe of the bisection mostly differs in its first bytes, and the linker parses millions
 * of addresses through here (a strlen and a memcmp call per probe were most of the cost). */
static int cmp_span(const char *s, size_t n, const char *name)
{
    size_t i = 0;
    for (; i < n && name[i]; i++)
        if (s[i] != name[i])
            return (unsigned char)s[i] < (unsigned char)name[i] ? -1 : 1;
    if (i < n)
        return 1;                     /* name is a proper prefix of s */
    return name[i] ? -1 : 0;
}

bool zj_region_name_is(const char *s, size_t n)
{
    size_t lo = 0, hi = NPREFIXES;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = cmp_span(s, n, prefixes[mid]);
        if (c == 0)
            return true;
        if (c > 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return false;
}

size_t zj_region_prefix_len(const char *s, size_t n)
{
    /* Region names are 2..~20 characters; try each UTF-8 character boundary from the
     * longest candidate (60 bytes) down, so that 西安市 wins over 西安. */
    size_t max = n < 64 ? n : 64;
    for (size_t len = max; len >= 2; len--) {
        if (len < n && ((unsigned char)s[len] & 0xC0) == 0x80)
            continue;                          /* not a character boundary */
        if (zj_region_name_is(s, len))
            return len;
    }
    return 0;
}
