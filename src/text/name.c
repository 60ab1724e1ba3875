/* name.c - personal names: NFKC, t2s, surname-aware pinyin keys and similarity (see name.h).
 *
 * The expensive parts are OpenCC and ICU (several microseconds per call). A namer caches,
 * per code point, the character's t2s result and its toneless Han-Latin reading, in a fixed
 * 2-way set-associative table (16384 slots, about 256 KiB), so once its characters have been
 * seen a name costs a few table probes. ICU's Han-Latin reads character by character, so
 * caching per character gives the same syllables as transliterating the whole name; t2s of
 * names is character by character by design (name.h), so the cache changes no result either.
 */
#include "text/name.h"

#include <opencc/opencc.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unicode/utrans.h>
#include <utf8proc.h>

typedef struct surname_row {
    const char *surname;
    const char *pinyin;
    const char *kind;      /* "single" or "compound" */
    const char *source;
} surname_row;

static const surname_row surnames[] = {
#include "text/surnames.inc"
};
#define NSURNAMES (sizeof surnames / sizeof surnames[0])

#define CACHE_SETS 8192u
#define PY_CAP 8               /* longest syllable is 6 ("zhuang"), plus NUL */

typedef struct cache_entry {
    uint32_t cp;               /* 0: empty slot */
    uint32_t simp;             /* t2s of the single character (== cp when unchanged) */
    char py[PY_CAP];           /* toneless reading; "" when ICU gave none */
} cache_entry;

struct zj_namer {
    opencc_t cc;
    UTransliterator *han_latin;
    cache_entry cache[CACHE_SETS][2];
};

/* ---- UTF-8 helpers ------------------------------------------------------------------ */

/* Decode one code point at s[i..n); returns its length (0 when malformed). */
static size_t decode(const char *s, size_t n, size_t i, uint32_t *cp)
{
    utf8proc_int32_t c;
    utf8proc_ssize_t k = utf8proc_iterate((const utf8proc_uint8_t *)s + i,
                                          (utf8proc_ssize_t)(n - i), &c);
    if (k <= 0)
        return 0;
    *cp = (uint32_t)c;
    return (size_t)k;
}

/* Append cp as UTF-8 to out[*o], keeping room for a NUL; false when it does not fit. */
static bool put_cp(char *out, size_t cap, size_t *o, uint32_t cp)
{
    utf8proc_uint8_t tmp[4];
    utf8proc_ssize_t k = utf8proc_encode_char((utf8proc_int32_t)cp, tmp);
    if (k <= 0 || *o + (size_t)k >= cap)
        return false;
    memcpy(out + *o, tmp, (size_t)k);
    *o += (size_t)k;
    return true;
}

static bool is_han(uint32_t cp)
{
    return (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0x3400 && cp <= 0x4DBF) ||
           (cp >= 0xF900 && cp <= 0xFAFF) || (cp >= 0x20000 && cp <= 0x3FFFF);
}

static bool is_dot(uint32_t cp)
{
    return cp == 0xB7 || cp == 0x387 || cp == 0x2022 || cp == 0x2027 || cp == 0x2219 ||
           cp == 0x22C5 || cp == 0x30FB || cp == 0xFF65;
}

static bool is_space(uint32_t cp)
{
    return cp <= 0x20 || cp == 0x7F || (cp >= 0x80 && cp <= 0xA0) || cp == 0x1680 ||
           (cp >= 0x2000 && cp <= 0x200A) || cp == 0x2028 || cp == 0x2029 || cp == 0x202F ||
           cp == 0x205F || cp == 0x3000;
}

static int reject(const char **why, const char *reason)
{
    if (why)
        *why = reason;
    return -1;
}

/* ---- step 1: normalize ---------------------------------------------------------------- */

/* True when every code point of s[0..n) is NFKC-stable on its own and cannot combine with a
 * neighbour (printable ASCII, common CJK ideographs, U+00B7), so NFKC can be skipped. */
static bool nfkc_inert(const char *s, size_t n)
{
    for (size_t i = 0; i < n;) {
        uint32_t cp;
        size_t k = decode(s, n, i, &cp);
        if (!k)
            return false;
        if (!((cp >= 0x20 && cp < 0x7F) || (cp >= 0x4E00 && cp <= 0x9FFF) ||
              (cp >= 0x3400 && cp <= 0x4DBF) || cp == 0xB7))
            return false;
        i += k;
    }
    return true;
}

/* One pass: NFKC (unless inert), then the rebuild below. */
static int normalize_pass(const char *s, size_t n, char *out, size_t cap, const char **why)
{
    if (n > 4 * ZJ_NAME_MAX)
        return reject(why, "name too long");
    if (n == 0)
        return reject(why, "empty name");
    utf8proc_uint8_t *mapped = NULL;
    const char *src = s;
    size_t len = n;
    if (!nfkc_inert(s, n)) {
        utf8proc_ssize_t r = utf8proc_map((const utf8proc_uint8_t *)s, (utf8proc_ssize_t)n,
                                          &mapped, UTF8PROC_STABLE | UTF8PROC_COMPOSE |
                                          UTF8PROC_COMPAT | UTF8PROC_IGNORE);
        if (r < 0) {
            free(mapped);
            return reject(why, r == UTF8PROC_ERROR_NOMEM ? "name too long" : "invalid UTF-8");
        }
        src = (const char *)mapped;
        len = (size_t)r;
    }
    /* Rebuild: dots unified and collapsed, spaces kept only between two ASCII words. */
    size_t o = 0;
    uint32_t prev = 0;          /* last code point written (0 at the start) */
    bool pending_space = false, pending_dot = false, overflow = false;
    for (size_t i = 0; i < len && !overflow;) {
        uint32_t cp;
        size_t k = decode(src, len, i, &cp);
        if (!k) {
            free(mapped);
            return reject(why, "invalid UTF-8");
        }
        i += k;
        if (is_space(cp)) {
            pending_space = true;
            continue;
        }
        if (is_dot(cp) || (cp == '.' && prev >= 0x80)) {
            pending_dot = true;
            continue;
        }
        if (pending_dot && o > 0)
            overflow |= !put_cp(out, cap, &o, 0xB7), prev = 0xB7;
        else if (pending_space && o > 0 && prev < 0x80 && cp < 0x80)
            overflow |= !put_cp(out, cap, &o, ' ');
        pending_space = pending_dot = false;
        overflow |= !put_cp(out, cap, &o, cp);
        prev = cp;
    }
    free(mapped);
    if (overflow || o > ZJ_NAME_MAX)
        return reject(why, "name too long");
    if (o == 0)
        return reject(why, "empty name");
    out[o] = '\0';
    return (int)o;
}

int zj_name_normalize(const char *s, size_t n, char *out, size_t cap, const char **why)
{
    int r = normalize_pass(s, n, out, cap, why);
    if (r < 0 || nfkc_inert(out, (size_t)r))
        return r;
    /* Dropping spaces or ignorables can leave combining marks side by side in non-canonical
     * order, or next to a base they now compose with: a second pass makes the result a
     * fixed point (found by fuzz_name: normalization must be idempotent). */
    char tmp[ZJ_NAME_MAX + 1];
    if ((size_t)r >= sizeof tmp)
        return reject(why, "name too long");
    memcpy(tmp, out, (size_t)r);
    return normalize_pass(tmp, (size_t)r, out, cap, why);
}

/* ---- the namer and its cache ---------------------------------------------------------- */

zj_namer *zj_namer_new(zj_error *err)
{
    zj_namer *nm = calloc(1, sizeof *nm);
    if (!nm) {
        zj_fail(err, ZJ_EDATA, "out of memory creating a name context");
        return NULL;
    }
    nm->cc = opencc_open("t2s.json");
    if (nm->cc == (opencc_t)-1)
        nm->cc = opencc_open("/usr/share/opencc/t2s.json");
    if (nm->cc == (opencc_t)-1) {
        zj_fail(err, ZJ_EDATA, "cannot open OpenCC config 't2s.json': %s; install opencc",
                opencc_error());
        free(nm);
        return NULL;
    }
    UErrorCode st = U_ZERO_ERROR;
    static const UChar id[] = {'H', 'a', 'n', '-', 'L', 'a', 't', 'i', 'n', 0};
    nm->han_latin = utrans_openU(id, -1, UTRANS_FORWARD, NULL, 0, NULL, &st);
    if (U_FAILURE(st) || !nm->han_latin) {
        zj_fail(err, ZJ_EDATA, "cannot open ICU transliterator 'Han-Latin': %s",
                u_errorName(st));
        opencc_close(nm->cc);
        free(nm);
        return NULL;
    }
    return nm;
}

void zj_namer_free(zj_namer *nm)
{
    if (!nm)
        return;
    opencc_close(nm->cc);
    utrans_close(nm->han_latin);
    free(nm);
}

/* Toneless ASCII for one UTF-16 unit of Han-Latin output: 'a'..'z' or 'v' for ü, 0 to skip
 * a combining mark, -1 when there is no ASCII equivalent. */
static int ascii_of(UChar u)
{
    if (u < 0x80)
        return (u >= 'A' && u <= 'Z') ? u + 32 : u;
    if (u >= 0x300 && u <= 0x36F)
        return 0;
    switch (u) {
    case 0x101: case 0xE1: case 0x1CE: case 0xE0: return 'a';
    case 0x113: case 0xE9: case 0x11B: case 0xE8: case 0xEA: return 'e';
    case 0x12B: case 0xED: case 0x1D0: case 0xEC: return 'i';
    case 0x14D: case 0xF3: case 0x1D2: case 0xF2: return 'o';
    case 0x16B: case 0xFA: case 0x1D4: case 0xF9: return 'u';
    case 0x1D6: case 0x1D8: case 0x1DA: case 0x1DC: case 0xFC: return 'v';
    case 0x144: case 0x148: case 0x1F9: return 'n';
    case 0x1E3F: return 'm';
    default: return -1;
    }
}

/* Han-Latin reading of one code point into py[PY_CAP]; "" when ICU has none. */
static int icu_reading(zj_namer *nm, uint32_t cp, char py[PY_CAP])
{
    UChar buf[32];
    int32_t len = 0;
    UErrorCode st = U_ZERO_ERROR;
    U16_APPEND_UNSAFE(buf, len, cp);
    int32_t limit = len;
    utrans_transUChars(nm->han_latin, buf, &len, (int32_t)(sizeof buf / sizeof buf[0]), 0,
                       &limit, &st);
    py[0] = '\0';
    if (U_FAILURE(st))
        return -1;
    size_t o = 0;
    for (int32_t i = 0; i < len; i++) {
        int a = ascii_of(buf[i]);
        if (a < 0 || (a > 0 && !((a >= 'a' && a <= 'z'))) || o + 1 >= PY_CAP) {
            py[0] = '\0';             /* untransliterated or odd output: no reading */
            return 0;
        }
        if (a)
            py[o++] = (char)a;
    }
    py[o] = '\0';
    return 0;
}

/* Single-character t2s through OpenCC; returns cp itself when unchanged or not one char. */
static uint32_t t2s_char(zj_namer *nm, uint32_t cp)
{
    char in[5];
    size_t o = 0;
    if (!put_cp(in, sizeof in, &o, cp))
        return cp;
    in[o] = '\0';
    char *r = opencc_convert_utf8(nm->cc, in, o);
    if (!r)
        return cp;
    uint32_t s = cp;
    size_t rl = strlen(r);
    size_t k = rl ? decode(r, rl, 0, &s) : 0;
    if (k != rl || !k)                 /* several characters or nothing: keep it */
        s = cp;
    opencc_convert_utf8_free(r);
    return s;
}

static const cache_entry *lookup(zj_namer *nm, uint32_t cp)
{
    uint32_t set = (cp * 2654435761u) >> 19 & (CACHE_SETS - 1);
    cache_entry *w = nm->cache[set];
    if (w[0].cp == cp)
        return &w[0];
    if (w[1].cp == cp) {
        cache_entry t = w[0];          /* move to front */
        w[0] = w[1];
        w[1] = t;
        return &w[0];
    }
    w[1] = w[0];
    w[0].cp = cp;
    w[0].simp = is_han(cp) ? t2s_char(nm, cp) : cp;
    if (is_han(cp))
        icu_reading(nm, cp, w[0].py);
    else
        w[0].py[0] = '\0';
    return &w[0];
}

/* ---- surnames ------------------------------------------------------------------------- */

/* Compare the span s[0..n) with the NUL-terminated `z` as byte strings. */
static int cmp_span(const char *s, size_t n, const char *z)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char a = (unsigned char)s[i], b = (unsigned char)z[i];
        if (b == 0 || a != b)
            return b == 0 ? 1 : (a < b ? -1 : 1);
    }
    return z[n] ? -1 : 0;
}

/* The surname row for s[0..n) of the given kind, by bisection (rows are sorted by their
 * UTF-8 bytes at build time); NULL when none. */
static const surname_row *find_surname(const char *s, size_t n, bool compound)
{
    size_t lo = 0, hi = NSURNAMES;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = cmp_span(s, n, surnames[mid].surname);
        if (c == 0)
            return (surnames[mid].kind[0] == 'c') == compound ? &surnames[mid] : NULL;
        if (c > 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

size_t zj_surname_len(const char *s, size_t n, bool *compound)
{
    if (compound)
        *compound = false;
    if (n == 0 || memmem(s, n, "\xC2\xB7", 2))
        return 0;
    uint32_t c0, c1, c2;
    size_t k0 = decode(s, n, 0, &c0);
    if (!k0)
        return 0;
    size_t k1 = k0 < n ? decode(s, n, k0, &c1) : 0;
    size_t k2 = k1 && k0 + k1 < n ? decode(s, n, k0 + k1, &c2) : 0;
    if (k1 && k2 && is_han(c0) && is_han(c1) && find_surname(s, k0 + k1, true)) {
        if (compound)
            *compound = true;
        return k0 + k1;
    }
    return k0;
}

/* ---- steps 2-4 ------------------------------------------------------------------------ */

/* Append a token to pinyin (space-separated) and key. */
static bool add_token(zj_name *out, size_t *po, size_t *ko, const char *t, size_t tl)
{
    if (!tl)
        return true;
    if (*po + tl + 2 > sizeof out->pinyin || *ko + tl + 1 > sizeof out->key)
        return false;
    if (*po)
        out->pinyin[(*po)++] = ' ';
    memcpy(out->pinyin + *po, t, tl);
    memcpy(out->key + *ko, t, tl);
    *po += tl;
    *ko += tl;
    out->pinyin[*po] = out->key[*ko] = '\0';
    return true;
}

/* t2s of the normalized name norm[0..len) into out: whole-name OpenCC only when some
 * character changes on its own. Returns the length or -1. */
static int simplify_normalized(zj_namer *nm, const char *norm, size_t len, char *out,
                               size_t cap, const char **why)
{
    bool changes = false;
    for (size_t i = 0; i < len && !changes;) {
        uint32_t cp;
        size_t k = decode(norm, len, i, &cp);
        if (!k)
            return reject(why, "invalid UTF-8");
        i += k;
        changes = is_han(cp) && lookup(nm, cp)->simp != cp;
    }
    if (!changes) {
        if (len >= cap)
            return reject(why, "name too long");
        memcpy(out, norm, len);
        out[len] = '\0';
        return (int)len;
    }
    char *r = opencc_convert_utf8(nm->cc, norm, len);
    if (!r)
        return reject(why, "conversion failed");
    size_t sl = strlen(r);
    if (sl >= cap) {
        opencc_convert_utf8_free(r);
        return reject(why, "name too long");
    }
    memcpy(out, r, sl + 1);
    opencc_convert_utf8_free(r);
    return (int)sl;
}

int zj_name_simplify(zj_namer *nm, const char *s, size_t n, char *out, size_t cap,
                     const char **why)
{
    char norm[ZJ_NAME_MAX + 1];
    int nl = zj_name_normalize(s, n, norm, sizeof norm, why);
    if (nl < 0)
        return -1;
    return simplify_normalized(nm, norm, (size_t)nl, out, cap, why);
}

int zj_name_analyze(zj_namer *nm, const char *s, size_t n, zj_name *out, const char **why)
{
    int nl = zj_name_normalize(s, n, out->normalized, sizeof out->normalized, why);
    if (nl < 0)
        return -1;
    /* t2s character by character, from the cache (see name.h for why not phrase-aware). */
    size_t sl = 0;
    for (size_t i = 0; i < (size_t)nl;) {
        uint32_t cp;
        size_t k = decode(out->normalized, (size_t)nl, i, &cp);
        if (!k)
            return reject(why, "invalid UTF-8");
        i += k;
        if (!put_cp(out->simplified, sizeof out->simplified, &sl,
                    is_han(cp) ? lookup(nm, cp)->simp : cp))
            return reject(why, "name too long");
    }
    out->simplified[sl] = '\0';

    /* Surname. */
    const char *sp = out->simplified;
    out->surname_bytes = zj_surname_len(sp, sl, &out->compound_surname);
    out->surname_pinyin[0] = '\0';
    uint32_t c0 = 0;
    if (out->surname_bytes && (!decode(sp, sl, 0, &c0) || !is_han(c0) ||
                               out->surname_bytes == sl)) {
        out->surname_bytes = 0;        /* not a Han name of two or more characters */
        out->compound_surname = false;
    }

    /* Pinyin and key. */
    size_t po = 0, ko = 0, i = 0;
    out->pinyin[0] = out->key[0] = '\0';
    if (out->surname_bytes) {
        const surname_row *r = find_surname(sp, out->surname_bytes, out->compound_surname);
        if (r) {
            snprintf(out->surname_pinyin, sizeof out->surname_pinyin, "%s", r->pinyin);
            add_token(out, &po, &ko, r->pinyin, strlen(r->pinyin));
            i = out->surname_bytes;
        }
    }
    char word[ZJ_NAME_MAX + 1];        /* a run of ASCII letters and digits */
    size_t wl = 0;
    while (i < sl) {
        uint32_t cp;
        size_t k = decode(sp, sl, i, &cp);
        if (!k)
            return reject(why, "invalid UTF-8");
        bool alnum = cp < 0x80 && ((cp >= '0' && cp <= '9') ||
                                   ((cp | 32) >= 'a' && (cp | 32) <= 'z'));
        if (alnum && wl < ZJ_NAME_MAX) {
            word[wl++] = (char)(cp >= 'A' && cp <= 'Z' ? cp + 32 : cp);
            i += k;
            continue;
        }
        if (!add_token(out, &po, &ko, word, wl))
            return reject(why, "name too long");
        wl = 0;
        if (is_han(cp)) {
            const cache_entry *e = lookup(nm, cp);
            char hex[16];
            const char *t = e->py;
            size_t tl = strlen(t);
            if (!tl) {
                tl = (size_t)snprintf(hex, sizeof hex, "u%x", (unsigned)cp);
                t = hex;
            }
            if (!add_token(out, &po, &ko, t, tl))
                return reject(why, "name too long");
            if (i == 0 && out->surname_bytes == k && !out->surname_pinyin[0])
                snprintf(out->surname_pinyin, sizeof out->surname_pinyin, "%s", t);
        }
        i += k;
    }
    if (!add_token(out, &po, &ko, word, wl))
        return reject(why, "name too long");
    return 0;
}

/* ---- similarity ----------------------------------------------------------------------- */

double zj_jaro_winkler(const char *a, size_t an, const char *b, size_t bn)
{
    if (an == 0 && bn == 0)
        return 1.0;
    if (an == 0 || bn == 0)
        return 0.0;
    if (an > 1024)
        an = 1024;
    if (bn > 1024)
        bn = 1024;
    size_t range = (an > bn ? an : bn) / 2;
    range = range > 0 ? range - 1 : 0;
    unsigned char am[1024], bm[1024];    /* only [0, an) and [0, bn) are read */
    memset(am, 0, an);
    memset(bm, 0, bn);
    size_t matches = 0;
    for (size_t i = 0; i < an; i++) {
        size_t lo = i > range ? i - range : 0, hi = i + range + 1 < bn ? i + range + 1 : bn;
        for (size_t j = lo; j < hi; j++)
            if (!bm[j] && a[i] == b[j]) {
                am[i] = bm[j] = 1;
                matches++;
                break;
            }
    }
    if (!matches)
        return 0.0;
    size_t t = 0;
    for (size_t i = 0, j = 0; i < an; i++) {
        if (!am[i])
            continue;
        while (!bm[j])
            j++;
        if (a[i] != b[j])
            t++;
        j++;
    }
    double m = (double)matches;
    double jaro = (m / (double)an + m / (double)bn + (m - (double)t / 2.0) / m) / 3.0;
    size_t l = 0;
    while (l < 4 && l < an && l < bn && a[l] == b[l])
        l++;
    return jaro + (double)l * 0.1 * (1.0 - jaro);
}

/* Decode up to 256 code points of s into cps; returns the count or -1. */
static int decode_all(const char *s, size_t n, uint32_t cps[256])
{
    int c = 0;
    for (size_t i = 0; i < n;) {
        if (c == 256)
            return -1;
        size_t k = decode(s, n, i, &cps[c]);
        if (!k)
            return -1;
        i += k;
        c++;
    }
    return c;
}

int zj_edit_distance(const char *a, size_t an, const char *b, size_t bn)
{
    uint32_t x[256], y[256];
    int xn = decode_all(a, an, x), yn = decode_all(b, bn, y);
    if (xn < 0 || yn < 0)
        return -1;
    int row[257];
    for (int j = 0; j <= yn; j++)
        row[j] = j;
    for (int i = 1; i <= xn; i++) {
        int diag = row[0];
        row[0] = i;
        for (int j = 1; j <= yn; j++) {
            int up = row[j];
            int best = diag + (x[i - 1] != y[j - 1]);
            if (up + 1 < best)
                best = up + 1;
            if (row[j - 1] + 1 < best)
                best = row[j - 1] + 1;
            row[j] = best;
            diag = up;
        }
    }
    return row[yn];
}

int zj_name_match_names(zj_namer *nm, const char *a, size_t an, const char *b, size_t bn,
                        zj_name_match *out, const char **why)
{
    zj_name *x = malloc(2 * sizeof *x);
    if (!x)
        return reject(why, "out of memory");
    zj_name *y = x + 1;
    int rc = -1;
    if (zj_name_analyze(nm, a, an, x, why) == 0 && zj_name_analyze(nm, b, bn, y, why) == 0) {
        out->exact = strcasecmp(x->simplified, y->simplified) == 0;
        out->same_pinyin = strcmp(x->pinyin, y->pinyin) == 0;
        out->jaro_winkler = zj_jaro_winkler(x->key, strlen(x->key), y->key, strlen(y->key));
        out->edit_distance = zj_edit_distance(x->simplified, strlen(x->simplified),
                                              y->simplified, strlen(y->simplified));
        if (out->edit_distance < 0)      /* more than 256 characters: bound, not an error */
            out->edit_distance = 256;
        rc = 0;
    }
    free(x);
    return rc;
}
