/* address.c - Chinese addresses reduced to county, road, house number and room (address.h).
 *
 * Three passes over a copy: normalize (full-width to ASCII, no spaces), strip the leading
 * region names (a name of the region table ending in 省 市 区 县 旗 州 盟, or a province's or
 * city's short form such as 陕西, 西安; each tried at the few lengths where such a suffix
 * falls, so an address costs a handful of bisections), then split what is left at its first
 * digit into the road before and the digit groups after.
 */
#include "text/address.h"

#include <stdbool.h>
#include <string.h>

#include "text/region.h"

#define MAX_IN 512

static size_t u8len(unsigned char c)
{
    return c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
}

/* Full-width ASCII (U+FF01..U+FF5E = EF BC 81 .. EF BD 9E) to ASCII, spaces (ASCII, U+3000)
 * dropped. out holds at least n + 1 bytes. Returns the length. */
static size_t normalize(const char *s, size_t n, char *out)
{
    size_t o = 0;
    for (size_t i = 0; i < n;) {
        unsigned char c = (unsigned char)s[i];
        if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
            i++;
            continue;
        }
        if (c == 0xE3 && i + 2 < n && (unsigned char)s[i + 1] == 0x80 &&
            (unsigned char)s[i + 2] == 0x80) {
            i += 3;                                  /* U+3000 ideographic space */
            continue;
        }
        if (c == 0xEF && i + 2 < n) {
            unsigned char c1 = (unsigned char)s[i + 1], c2 = (unsigned char)s[i + 2];
            unsigned cp = 0;
            if (c1 == 0xBC && c2 >= 0x81 && c2 <= 0xBF)
                cp = 0xFF00u + (c2 - 0x80u);
            else if (c1 == 0xBD && c2 >= 0x80 && c2 <= 0x9E)
                cp = 0xFF40u + (c2 - 0x80u);
            if (cp) {
                out[o++] = (char)(cp - 0xFEE0u);     /* U+FF01 -> '!' */
                i += 3;
                continue;
            }
        }
        size_t l = u8len(c);
        if (i + l > n)
            l = n - i;
        memcpy(out + o, s + i, l);
        o += l;
        i += l;
    }
    out[o] = '\0';
    return o;
}

static bool is_suffix(const char *p, size_t l)
{
    static const char *const sfx[] = {"省", "市", "区", "县", "旗", "州", "盟"};
    if (l != 3)
        return false;
    for (size_t k = 0; k < sizeof sfx / sizeof sfx[0]; k++)
        if (!memcmp(p, sfx[k], 3))
            return true;
    return false;
}

/* True when s starts a road's name or number: what came before it (朝阳 of 朝阳路) was the
 * road's own name, not a region. */
static bool road_follows(const char *s, size_t n)
{
    static const char *const road[] = {"路", "街", "道", "巷", "大", "里", "弄", "胡"};
    if (!n)
        return false;
    if (*s >= '0' && *s <= '9')
        return true;
    for (size_t k = 0; n >= 3 && k < sizeof road / sizeof road[0]; k++)
        if (!memcmp(s, road[k], 3))
            return true;
    return false;
}

/* Length of the leading region name of s[0..n) (0 if none); *county set when it names a
 * county-level division (ends in 区, 县 or 旗). Looks at the first ten characters only. */
static size_t region_len(const char *s, size_t n, bool *county)
{
    size_t best = 0, at = 0;
    size_t ends[12];
    int nends = 0;
    for (int chars = 0; at < n && chars < 10; chars++) {
        size_t l = u8len((unsigned char)s[at]);
        if (at + l > n)
            break;
        if (chars >= 1 && is_suffix(s + at, l))
            ends[nends++] = at + l;
        if (chars == 1 || chars == 2)
            ends[nends++] = at + l;                 /* 陕西, 黑龙江: short forms */
        at += l;
    }
    for (int k = 0; k < nends; k++)
        if (ends[k] > best && zj_region_name_is(s, ends[k]) && !road_follows(s + ends[k], n - ends[k]))
            best = ends[k];
    *county = best >= 6 && (!memcmp(s + best - 3, "区", 3) || !memcmp(s + best - 3, "县", 3) ||
                            !memcmp(s + best - 3, "旗", 3));
    return best;
}

/* Copy the last (at most) three characters of s[0..n) to out (16 bytes). */
static void last_chars(const char *s, size_t n, char *out)
{
    size_t start = n;
    for (int chars = 0; start > 0 && chars < 3; chars++) {
        start--;
        while (start > 0 && ((unsigned char)s[start] & 0xC0) == 0x80)
            start--;
    }
    size_t l = n - start;
    if (l > 15)
        l = 15;
    memcpy(out, s + start, l);
    out[l] = '\0';
}

int zj_address_parse(const char *s, size_t n, zj_address *out, const char **why)
{
    const char *dummy;
    if (!why)
        why = &dummy;
    memset(out, 0, sizeof *out);
    if (!s || !n)
        return *why = "empty address", -1;
    if (n > MAX_IN)
        return *why = "address too long", -1;
    char buf[MAX_IN + 1];
    size_t len = normalize(s, n, buf);
    const char *p = buf, *end = buf + len;
    if ((size_t)(end - p) >= 6 && !memcmp(p, "中国", 6))
        p += 6;
    for (int k = 0; k < 4 && p < end; k++) {
        bool county;
        size_t rl = region_len(p, (size_t)(end - p), &county);
        if (!rl)
            break;
        if (county && rl < sizeof out->county) {
            memcpy(out->county, p, rl);
            out->county[rl] = '\0';
        }
        p += rl;
    }
    const char *digit = p;
    while (digit < end && !(*digit >= '0' && *digit <= '9'))
        digit++;
    last_chars(p, (size_t)(digit - p), out->road);
    /* digit groups: the first is the house number, the others the building, unit, room */
    size_t hn = 0, rn = 0;
    int group = 0;
    for (const char *q = digit; q < end;) {
        if (!(*q >= '0' && *q <= '9')) {
            q++;
            continue;
        }
        const char *g0 = q;
        while (q < end && *q >= '0' && *q <= '9')
            q++;
        size_t gl = (size_t)(q - g0);
        if (group == 0) {
            if (gl >= sizeof out->house)
                gl = sizeof out->house - 1;
            memcpy(out->house, g0, gl);
            hn = gl;
            out->house[hn] = '\0';
        } else if (rn + gl + 2 < sizeof out->rest) {
            if (rn)
                out->rest[rn++] = '-';
            memcpy(out->rest + rn, g0, gl);
            rn += gl;
            out->rest[rn] = '\0';
        }
        group++;
    }
    if (!out->road[0] && !out->house[0])
        return *why = "address has no street or number", -1;
    return 0;
}
