/* ent_name.c - the canonical key of an enterprise name (see ent_name.h).
 *
 * Works in place on one buffer: each step rewrites the span [0, len). Region names come from
 * region.h (bisection over constant data), legal forms from rules/legal_forms.tsv.
 */
#include "text/ent_name.h"

#include <stdbool.h>
#include <string.h>

#include "text/region.h"

typedef struct legal_form {
    const char *form;
    const char *bracketed;     /* "yes" / "no" */
    const char *note;
} legal_form;

static const legal_form forms[] = {
#include "text/legal_forms.inc"
};
#define NFORMS (sizeof forms / sizeof forms[0])

static int reject(const char **why, const char *reason)
{
    if (why)
        *why = reason;
    return -1;
}

/* Number of UTF-8 characters in s[0..n) (the input is valid UTF-8 here). */
static size_t nchars(const char *s, size_t n)
{
    size_t c = 0;
    for (size_t i = 0; i < n; i++)
        c += ((unsigned char)s[i] & 0xC0) != 0x80;
    return c;
}

static size_t open_bracket(const char *p, size_t n)
{
    static const char *const set[] = {"(", "[", "【", "〔", "（", "［", "〖"};
    for (size_t i = 0; i < sizeof set / sizeof set[0]; i++) {
        size_t m = strlen(set[i]);
        if (m <= n && memcmp(p, set[i], m) == 0)
            return m;
    }
    return 0;
}

static size_t close_bracket(const char *p, size_t n)
{
    static const char *const set[] = {")", "]", "】", "〕", "）", "］", "〗"};
    for (size_t i = 0; i < sizeof set / sizeof set[0]; i++) {
        size_t m = strlen(set[i]);
        if (m <= n && memcmp(p, set[i], m) == 0)
            return m;
    }
    return 0;
}

static bool is_bracketed_form(const char *s, size_t n)
{
    for (size_t i = 0; i < NFORMS; i++)
        if (forms[i].bracketed[0] == 'y' && strlen(forms[i].form) == n &&
            memcmp(forms[i].form, s, n) == 0)
            return true;
    return false;
}

/* Step 2, in place. Returns the new length. */
static size_t resolve_brackets(char *s, size_t len)
{
    char out[ZJ_ENT_KEY_CAP];
    size_t o = 0;
    for (size_t i = 0; i < len;) {
        size_t ob = open_bracket(s + i, len - i);
        if (ob) {
            /* find the matching close (no nesting in names) */
            size_t j = i + ob, cb = 0;
            while (j < len && !(cb = close_bracket(s + j, len - j)))
                j++;
            if (cb) {
                const char *in = s + i + ob;
                size_t il = j - i - ob;
                if (!zj_region_name_is(in, il) && !is_bracketed_form(in, il)) {
                    memcpy(out + o, in, il);
                    o += il;
                }
                i = j + cb;
                continue;
            }
            i += ob;                   /* unmatched opening bracket: drop it */
            continue;
        }
        size_t cb = close_bracket(s + i, len - i);
        if (cb) {
            i += cb;
            continue;
        }
        out[o++] = s[i++];
    }
    memcpy(s, out, o);
    return o;
}

/* Length of the longest legal form ending s[0..len), 0 when none. */
static size_t legal_suffix(const char *s, size_t len)
{
    size_t best = 0;
    for (size_t i = 0; i < NFORMS; i++) {
        size_t m = strlen(forms[i].form);
        if (m <= len && m > best && memcmp(s + len - m, forms[i].form, m) == 0)
            best = m;
    }
    return best;
}

/* Length of the longest region name ending s[0..len), 0 when none. */
static size_t region_suffix(const char *s, size_t len)
{
    for (size_t i = 0; i + 1 < len; i++) {
        if (((unsigned char)s[i] & 0xC0) == 0x80)
            continue;
        if (len - i <= 64 && zj_region_name_is(s + i, len - i))
            return len - i;
    }
    return 0;
}

int zj_ent_key(zj_namer *nm, const char *s, size_t n, char *out, size_t cap, const char **why)
{
    if (cap < ZJ_ENT_KEY_CAP)
        return reject(why, "name too long");
    int r = nm ? zj_name_simplify(nm, s, n, out, cap, why)
               : zj_name_normalize(s, n, out, cap, why);
    if (r < 0)
        return -1;
    size_t len = resolve_brackets(out, (size_t)r);

    bool changed = true;
    while (changed) {
        changed = false;
        size_t m = legal_suffix(out, len);
        if (m && nchars(out, len - m) >= 2) {
            bool branch = m == strlen("分公司") && memcmp(out + len - m, "分公司", m) == 0;
            len -= m;
            changed = true;
            if (branch) {
                size_t rm = region_suffix(out, len);
                if (rm && nchars(out, len - rm) >= 2)
                    len -= rm;
            }
        }
    }
    for (size_t m; (m = zj_region_prefix_len(out, len)) && nchars(out + m, len - m) >= 2;) {
        memmove(out, out + m, len - m);
        len -= m;
    }
    for (size_t i = 0; i < len; i++)
        if (out[i] >= 'A' && out[i] <= 'Z')
            out[i] = (char)(out[i] + 32);
    if (len == 0)
        return reject(why, "empty name");
    out[len] = '\0';
    return (int)len;
}
