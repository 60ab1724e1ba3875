/* uscc.c - GB 32100-2015 unified social credit codes: normalize, validate, decode. */
#include "text/uscc.h"

#include <string.h>

#include "text/ident_norm.h"
#include "text/region.h"

typedef struct uscc_type {
    const char *code;            /* authority + type, e.g. "91" */
    const char *authority_name;
    const char *type_name;
    const char *source;
} uscc_type;

static const uscc_type types[] = {
#include "text/uscc_types.inc"
};
#define NTYPES (sizeof types / sizeof types[0])

static const char alphabet[] = "0123456789ABCDEFGHJKLMNPQRTUWXY";
static const int weights[17] = {1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28};

/* Value + 1 of each byte in the character set, 0 outside it. */
static const unsigned char values[256] = {
    ['0'] = 1,  ['1'] = 2,  ['2'] = 3,  ['3'] = 4,  ['4'] = 5,  ['5'] = 6,  ['6'] = 7,
    ['7'] = 8,  ['8'] = 9,  ['9'] = 10, ['A'] = 11, ['B'] = 12, ['C'] = 13, ['D'] = 14,
    ['E'] = 15, ['F'] = 16, ['G'] = 17, ['H'] = 18, ['J'] = 19, ['K'] = 20, ['L'] = 21,
    ['M'] = 22, ['N'] = 23, ['P'] = 24, ['Q'] = 25, ['R'] = 26, ['T'] = 27, ['U'] = 28,
    ['W'] = 29, ['X'] = 30, ['Y'] = 31,
};

/* Value 0..30 of an upper-case ASCII character, -1 when outside the set. */
static int value_of(char c)
{
    return (int)values[(unsigned char)c] - 1;
}

char zj_uscc_check_char(const char *c17)
{
    int sum = 0;
    for (int i = 0; i < 17; i++) {
        int v = value_of(c17[i]);
        if (v < 0)
            return '\0';
        sum += v * weights[i];
    }
    int c = 31 - sum % 31;
    return alphabet[c == 31 ? 0 : c];
}

static int reject(const char **why, const char *reason)
{
    if (why)
        *why = reason;
    return -1;
}

int zj_uscc_parse(const char *s, size_t n, zj_uscc *out, const char **why)
{
    char buf[24];
    size_t len;
    bool plain = n == 18;                /* fast path: already upper-case ASCII */
    for (size_t i = 0; plain && i < n; i++)
        plain = values[(unsigned char)s[i]] != 0;
    if (plain) {
        memcpy(buf, s, n);
        len = n;
    } else {
        len = zj_ident_fold(s, n, buf, sizeof buf, true);
    }
    if (len == 0)
        return reject(why, "empty credit code");
    if (len != 18)
        return reject(why, "wrong length: expected 18 characters");
    for (size_t i = 0; i < 18; i++)
        if (value_of(buf[i]) < 0)
            return reject(why, "bad character: allowed are 0-9 and A-Z except I, O, S, V, Z");
    if (zj_uscc_check_char(buf) != buf[17])
        return reject(why, "bad check character");
    memcpy(out->code, buf, 18);
    out->code[18] = '\0';
    out->authority = buf[0];
    out->type = buf[1];
    out->authority_name = out->type_name = NULL;
    for (size_t i = 0; i < NTYPES; i++)
        if (types[i].code[0] == buf[0] && types[i].code[1] == buf[1]) {
            out->authority_name = types[i].authority_name;
            out->type_name = types[i].type_name;
            break;
        }
    if (!out->type_name)
        return reject(why, "unknown registration authority or organization type");
    int region = 0;
    for (int i = 2; i < 8; i++) {
        if (buf[i] < '0' || buf[i] > '9')
            return reject(why, "region code is not numeric");
        region = region * 10 + (buf[i] - '0');
    }
    out->region_code = region;
    out->region_known = zj_region_province_known(region / 10000);
    memcpy(out->org_code, buf + 8, 9);
    out->org_code[9] = '\0';
    return 0;
}
