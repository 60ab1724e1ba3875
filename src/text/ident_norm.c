/* ident_norm.c - full-width and whitespace folding shared by the identifier parsers. */
#include "text/ident_norm.h"

#include <string.h>

size_t zj_ident_fold(const char *s, size_t n, char *out, size_t cap, bool upper)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t o = 0;
    for (size_t i = 0; i < n;) {
        unsigned c = p[i];
        if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
            i++;
            continue;
        }
        if (c == 0xC2 && i + 1 < n && p[i + 1] == 0xA0) {        /* U+00A0 */
            i += 2;
            continue;
        }
        if (c == 0xE3 && i + 2 < n && p[i + 1] == 0x80 && p[i + 2] == 0x80) {   /* U+3000 */
            i += 3;
            continue;
        }
        if (c == 0xEF && i + 2 < n && (p[i + 1] == 0xBC || p[i + 1] == 0xBD)) {
            /* U+FF01..U+FF5E are EF BC 81..EF BC BF and EF BD 80..EF BD 9E */
            unsigned cp = 0xF000u + ((p[i + 1] & 0x3Fu) << 6) + (p[i + 2] & 0x3Fu);
            if (cp >= 0xFF01 && cp <= 0xFF5E && (p[i + 2] & 0xC0) == 0x80) {
                c = cp - 0xFF01 + 0x21;
                if (o >= cap)
                    return (size_t)-1;
                out[o++] = (char)(upper && c >= 'a' && c <= 'z' ? c - 32 : c);
                i += 3;
                continue;
            }
        }
        if (o >= cap)
            return (size_t)-1;
        out[o++] = (char)(upper && c >= 'a' && c <= 'z' ? c - 32 : c);
        i++;
    }
    return o;
}

size_t zj_ident_u8len(const char *s, size_t n)
{
    const unsigned char *p = (const unsigned char *)s;
    if (n == 0)
        return 0;
    unsigned c = p[0];
    if (c < 0x80)
        return 1;
    size_t len;
    unsigned min;
    if (c >= 0xC2 && c <= 0xDF)
        len = 2, min = 0x80;
    else if (c >= 0xE0 && c <= 0xEF)
        len = 3, min = 0x800;
    else if (c >= 0xF0 && c <= 0xF4)
        len = 4, min = 0x10000;
    else
        return 0;
    if (n < len)
        return 0;
    unsigned cp = c & (0x3Fu >> (len - 1));
    for (size_t i = 1; i < len; i++) {
        if ((p[i] & 0xC0) != 0x80)
            return 0;
        cp = (cp << 6) | (p[i] & 0x3Fu);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
        return 0;
    return len;
}

size_t zj_ident_fold_text(const char *s, size_t n, char *out, size_t cap)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t o = 0;
    for (size_t i = 0; i < n;) {
        unsigned c = p[i];
        if (c < 0x80) {
            if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
                i++;
                continue;
            }
            if (c < 0x20 || c == 0x7F)
                return ZJ_FOLD_CONTROL;
            if (o >= cap)
                return ZJ_FOLD_TOO_LONG;
            out[o++] = (char)c;
            i++;
            continue;
        }
        size_t k = zj_ident_u8len(s + i, n - i);
        if (k == 0)
            return ZJ_FOLD_BAD_UTF8;
        if (k == 2 && c == 0xC2) {
            if (p[i + 1] == 0xA0) {                               /* U+00A0 */
                i += 2;
                continue;
            }
            if (p[i + 1] < 0xA0)                                  /* C1 controls */
                return ZJ_FOLD_CONTROL;
        } else if (k == 3 && c == 0xE3 && p[i + 1] == 0x80 && p[i + 2] == 0x80) {
            i += 3;                                               /* U+3000 */
            continue;
        } else if (k == 3 && c == 0xEF && (p[i + 1] == 0xBC || p[i + 1] == 0xBD)) {
            unsigned cp = 0xF000u + ((p[i + 1] & 0x3Fu) << 6) + (p[i + 2] & 0x3Fu);
            if (cp >= 0xFF01 && cp <= 0xFF5E) {                   /* full-width ASCII */
                if (o >= cap)
                    return ZJ_FOLD_TOO_LONG;
                out[o++] = (char)(cp - 0xFF01 + 0x21);
                i += 3;
                continue;
            }
        }
        if (o + k > cap)
            return ZJ_FOLD_TOO_LONG;
        memcpy(out + o, s + i, k);
        o += k;
        i += k;
    }
    return o;
}
