/* ident_norm.c - full-width and whitespace folding shared by the identifier parsers. */
#include "text/ident_norm.h"

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
