/* mask.c - display masking of identifiers and names (see mask.h). */
#include "text/mask.h"

#include <stdbool.h>
#include <string.h>

#include "text/ident_norm.h"
#include "text/name.h"

/* Count code points; -1 when s[0..n) is not valid UTF-8. */
static long count_cps(const char *s, size_t n)
{
    long c = 0;
    for (size_t i = 0, k; i < n; i += k, c++)
        if ((k = zj_ident_u8len(s + i, n - i)) == 0)
            return -1;
    return c;
}

static bool put(char *out, size_t cap, size_t *o, const char *p, size_t k)
{
    if (*o + k >= cap)
        return false;
    memcpy(out + *o, p, k);
    *o += k;
    return true;
}

int zj_mask_middle(const char *s, size_t n, size_t head, size_t tail, char *out, size_t cap)
{
    long total = count_cps(s, n);
    if (total < 0 || cap == 0)
        return -1;
    size_t t = (size_t)total;
    if (t <= head + tail)
        tail = 0;
    if (t <= head)
        head = t > 0 ? t - 1 : 0;
    size_t o = 0, idx = 0;
    for (size_t i = 0, k; i < n; i += k, idx++) {
        k = zj_ident_u8len(s + i, n - i);
        bool keep = idx < head || idx >= t - tail;
        if (!put(out, cap, &o, keep ? s + i : "*", keep ? k : 1))
            return -1;
    }
    out[o] = '\0';
    return (int)o;
}

int zj_mask_resident_id(const char *s, size_t n, char *out, size_t cap)
{
    return zj_mask_middle(s, n, 6, 4, out, cap);
}

int zj_mask_uscc(const char *s, size_t n, char *out, size_t cap)
{
    return zj_mask_middle(s, n, 8, 2, out, cap);
}

int zj_mask_phone(const char *s, size_t n, char *out, size_t cap)
{
    const char *dash = memchr(s, '-', n);
    if (!dash || n < 3)
        return zj_mask_middle(s, n, 3, 4, out, cap);           /* mobile */
    if (n == 12 && s[3] == '-' && s[7] == '-') {                /* 400-123-4567 */
        int r = zj_mask_middle(s, n, 4, 4, out, cap);
        if (r >= 0 && cap > 7)
            out[7] = '-';
        return r;
    }
    size_t a = (size_t)(dash - s) + 1;                          /* area code and dash */
    if (a >= cap)
        return -1;
    memcpy(out, s, a);
    int r = zj_mask_middle(s + a, n - a, 0, 4, out + a, cap - a);
    return r < 0 ? -1 : (int)a + r;
}

int zj_mask_name(const char *s, size_t n, char *out, size_t cap)
{
    long total = count_cps(s, n);
    if (total < 0 || cap == 0)
        return -1;
    if (memmem(s, n, "\xC2\xB7", 2)) {
        /* keep the first character of each ·-separated part */
        size_t o = 0;
        bool first = true;
        for (size_t i = 0, k; i < n; i += k) {
            k = zj_ident_u8len(s + i, n - i);
            bool dot = k == 2 && memcmp(s + i, "\xC2\xB7", 2) == 0;
            bool keep = dot || first;
            if (!put(out, cap, &o, keep ? s + i : "*", keep ? k : 1))
                return -1;
            first = dot;
        }
        out[o] = '\0';
        return (int)o;
    }
    if ((unsigned char)s[0] < 0x80)                  /* Latin name: first letter */
        return zj_mask_middle(s, n, 1, 0, out, cap);
    size_t sb = zj_surname_len(s, n, NULL);
    long given = count_cps(s + sb, n - sb);
    if (total == 1 || given <= 0) {
        if (cap < 2)
            return -1;
        memcpy(out, "*", 2);
        return 1;
    }
    size_t o = 0;
    if (!put(out, cap, &o, s, sb))
        return -1;
    int r = zj_mask_middle(s + sb, n - sb, 0, given >= 2 ? 1 : 0, out + o, cap - o);
    return r < 0 ? -1 : (int)o + r;
}
