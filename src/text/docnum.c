/* docnum.c - procuratorate and police document numbers (see docnum.h).
 *
 * Finds the first "bracket, four digits, bracket" in the folded input; what precedes it is
 * the issuer, what follows must be digits and 号. The agency is cut at the first 检 (checked
 * first: 公诉 contains 公) or else the first 公.
 */
#include "text/docnum.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "text/ident_norm.h"

typedef struct doc_type {
    const char *code;
    const char *kind;
    const char *name_zh;
    const char *name_en;
    const char *source;
} doc_type;

static const doc_type types[] = {
#include "text/docnum_types.inc"
};
#define NTYPES (sizeof types / sizeof types[0])

const char *zj_doc_kind_name(zj_doc_kind kind)
{
    return kind == ZJ_DOC_PROCURATORATE ? "procuratorate" : kind == ZJ_DOC_POLICE ? "police"
                                                                                  : "other";
}

static int reject(const char **why, const char *reason)
{
    if (why)
        *why = reason;
    return -1;
}

static size_t bracket(const char *p, size_t n, bool open)
{
    static const char *const opens[] = {"(", "[", "〔", "【", "〖", "﹝"};
    static const char *const closes[] = {")", "]", "〕", "】", "〗", "﹞"};
    const char *const *set = open ? opens : closes;
    for (size_t i = 0; i < sizeof opens / sizeof opens[0]; i++) {
        size_t m = strlen(set[i]);
        if (m <= n && memcmp(p, set[i], m) == 0)
            return m;
    }
    return 0;
}

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* Copy p[0..n) into dst (cap bytes), writing ASCII ( ) as （ ）. Returns -1 if it won't fit. */
static int copy_issuer(char *dst, size_t cap, const char *p, size_t n)
{
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        const char *rep = p[i] == '(' ? "（" : p[i] == ')' ? "）" : NULL;
        size_t m = rep ? 3 : 1;
        if (o + m >= cap)
            return -1;
        memcpy(dst + o, rep ? rep : p + i, m);
        o += m;
    }
    dst[o] = '\0';
    return 0;
}

int zj_docnum_parse(const char *s, size_t n, zj_docnum *out, const char **why)
{
    char buf[256];
    if (n > 1024)
        return reject(why, "document number too long");
    size_t len = zj_ident_fold_text(s, n, buf, sizeof buf);
    if (len == ZJ_FOLD_TOO_LONG)
        return reject(why, "document number too long");
    if (len == ZJ_FOLD_BAD_UTF8)
        return reject(why, "invalid UTF-8");
    if (len == ZJ_FOLD_CONTROL)
        return reject(why, "control character in input");
    if (len == 0)
        return reject(why, "empty document number");
    memset(out, 0, sizeof *out);

    /* The first bracketed four-digit year. */
    size_t y = 0, yb = 0, yend = 0;
    bool found = false;
    for (size_t i = 0; i < len && !found; i += zj_ident_u8len(buf + i, len - i)) {
        size_t b = bracket(buf + i, len - i, true);
        if (!b || i + b + 4 > len)
            continue;
        const char *d = buf + i + b;
        if (!is_digit(d[0]) || !is_digit(d[1]) || !is_digit(d[2]) || !is_digit(d[3]))
            continue;
        size_t c = bracket(d + 4, len - i - b - 4, false);
        if (!c)
            continue;
        y = i, yb = b, yend = i + b + 4 + c;
        found = true;
    }
    if (!found)
        return reject(why, "missing bracketed 4-digit year");
    if (y == 0)
        return reject(why, "missing issuer before the year");
    const char *d = buf + y + yb;
    out->year = (d[0] - '0') * 1000 + (d[1] - '0') * 100 + (d[2] - '0') * 10 + (d[3] - '0');
    if (copy_issuer(out->issuer, sizeof out->issuer, buf, y))
        return reject(why, "document number too long");

    const char *p = buf + yend, *end = buf + len;
    size_t k = 0;
    while (p + k < end && is_digit(p[k]))
        k++;
    if (k == 0)
        return reject(why, "missing serial number");
    if (k >= sizeof out->serial)
        return reject(why, "serial number too long");
    memcpy(out->serial, p, k);
    out->serial[k] = '\0';
    p += k;
    if (end - p < 3 || memcmp(p, "号", 3) != 0)
        return reject(why, "missing 号 at the end");
    if (end - p > 3)
        return reject(why, "unexpected text after 号");

    /* Agency: up to 检, else up to 公. */
    const char *is = out->issuer;
    size_t il = strlen(is);
    const char *cut = memmem(is, il, "检", 3);
    out->kind = ZJ_DOC_PROCURATORATE;
    if (!cut) {
        cut = memmem(is, il, "公", 3);
        out->kind = ZJ_DOC_POLICE;
    }
    if (!cut) {
        out->kind = ZJ_DOC_OTHER;
        memcpy(out->agency, is, il + 1);
    } else {
        size_t al = (size_t)(cut - is) + 3;
        memcpy(out->agency, is, al);
        out->agency[al] = '\0';
        memcpy(out->doc_code, is + al, il - al + 1);
        /* The longest listed code of this kind that ends the document code. */
        size_t dl = il - al, best = 0;
        const char *kind = zj_doc_kind_name(out->kind);
        for (size_t i = 0; i < NTYPES; i++) {
            size_t m = strlen(types[i].code);
            if (m <= dl && m > best && strcmp(types[i].kind, kind) == 0 &&
                memcmp(out->doc_code + dl - m, types[i].code, m) == 0) {
                best = m;
                out->doc_name = types[i].name_zh;
                out->doc_name_en = types[i].name_en;
            }
        }
    }
    snprintf(out->normalized, sizeof out->normalized, "%s〔%04d〕%s号", out->issuer, out->year,
             out->serial);
    return 0;
}
