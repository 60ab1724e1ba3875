/* utf8.c - UTF-8 validation (see utf8.h).
 *
 * Well-formedness follows Unicode 15, Table 3-7
 * ("Well-Formed UTF-8 Byte Sequences"): the second byte's range depends on the lead byte, which
 * is what excludes overlongs (C0, C1, E0 80-9F, F0 80-8F), surrogates (ED A0-BF) and code
 * points above U+10FFFF (F4 90-BF, F5-FF).
 *
 * Most fields are ASCII or mostly ASCII, so runs of ASCII are skipped 8 bytes at a time.
 */
#include "text/utf8.h"

#include <stdint.h>
#include <string.h>

#define HIGH_BITS 0x8080808080808080ull

static inline bool is_cont(unsigned char c) { return (c & 0xC0) == 0x80; }

static inline bool validate(const unsigned char *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        unsigned char c = s[i];
        if (c < 0x80) {
            /* ASCII: then skip 8 bytes at a time while none has its high bit set. */
            i++;
            while (i + 8 <= n) {
                uint64_t w;
                memcpy(&w, s + i, 8);
                if (w & HIGH_BITS)
                    break;
                i += 8;
            }
            continue;
        }
        if (c >= 0xE0 && c < 0xF0) {
            /* 3 bytes, tested first: all of CJK (汉字) is here. Both continuation bytes are
             * checked at once; only leads E0 and ED (range limits) need more. */
            if (n - i < 3)
                return false;
            unsigned char c1 = s[i + 1], c2 = s[i + 2];
            if (((c1 | (unsigned)c2 << 8) & 0xC0C0) != 0x8080)
                return false;
            if (__builtin_expect(c == 0xE0 || c == 0xED, 0)) {
                if (c == 0xE0 && c1 < 0xA0)            /* overlong */
                    return false;
                if (c == 0xED && c1 > 0x9F)            /* surrogates D800-DFFF */
                    return false;
            }
            i += 3;
            continue;
        }
        if (c < 0xC2)               /* stray continuation byte, or overlong C0/C1 lead */
            return false;
        if (c < 0xE0) {             /* 2 bytes: C2-DF 80-BF */
            if (n - i < 2 || !is_cont(s[i + 1]))
                return false;
            i += 2;
            continue;
        }
        if (c < 0xF5) {             /* 4 bytes */
            if (n - i < 4)
                return false;
            unsigned char c1 = s[i + 1];
            if (c == 0xF0 ? (c1 < 0x90 || c1 > 0xBF)       /* overlong */
                : c == 0xF4 ? (c1 < 0x80 || c1 > 0x8F)     /* above U+10FFFF */
                : !is_cont(c1))
                return false;
            if (!is_cont(s[i + 2]) || !is_cont(s[i + 3]))
                return false;
            i += 4;
            continue;
        }
        return false;               /* F5-FF never appear in UTF-8 */
    }
    return true;
}

bool zj_utf8_valid(const char *s, size_t n)
{
    return validate((const unsigned char *)s, n);
}
