/* derive.c - mapping v2 at row time: derived values, conditions and numbers (see derive.h).
 *
 * Regular expressions are ICU's (already a dependency for names), run directly over the row's
 * UTF-8 bytes through a UText, so group offsets are byte offsets into the row. The parsers
 * (case numbers, resident IDs, credit codes) are the text layer's.
 */
#include "ingest/derive.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unicode/uregex.h>
#include <unicode/utext.h>

#include "text/case_no.h"
#include "text/resident_id.h"
#include "text/uscc.h"
#include "text/utf8.h"

/* ---- regular expressions ------------------------------------------------------------------ */

void *zj_regex_compile(const char *pattern, char *why, size_t why_cap)
{
    UErrorCode st = U_ZERO_ERROR;
    UParseError pe;
    UText ut = UTEXT_INITIALIZER;
    utext_openUTF8(&ut, pattern, -1, &st);
    URegularExpression *re = U_SUCCESS(st) ? uregex_openUText(&ut, 0, &pe, &st) : NULL;
    utext_close(&ut);
    if (U_FAILURE(st) || !re) {
        snprintf(why, why_cap, "not a valid regular expression '%.80s' (%s at offset %d)",
                 pattern, u_errorName(st), (int)pe.offset);
        if (re)
            uregex_close(re);
        return NULL;
    }
    return re;
}

void zj_regex_free(void *re)
{
    if (re)
        uregex_close(re);
}

int zj_regex_group_count(void *re)
{
    UErrorCode st = U_ZERO_ERROR;
    int n = uregex_groupCount(re, &st);
    return U_FAILURE(st) ? 0 : n;
}

int zj_regex_group_number(void *re, const char *name)
{
    UErrorCode st = U_ZERO_ERROR;
    int n = uregex_groupNumberFromCName(re, name, -1, &st);
    return U_FAILURE(st) ? -1 : n;
}

/* Search `s`; on a match fill parts[0..nparts) with the groups (missing when a group did not
 * take part). Returns 1 on a match, 0 on none, -1 on an ICU error. */
static int regex_search(void *re, zj_span s, zj_span *parts, int nparts)
{
    UErrorCode st = U_ZERO_ERROR;
    UText ut = UTEXT_INITIALIZER;
    utext_openUTF8(&ut, s.p ? s.p : "", (int64_t)s.n, &st);
    uregex_setUText(re, &ut, &st);
    int found = U_SUCCESS(st) && uregex_find(re, 0, &st) ? 1 : 0;
    for (int g = 0; found && g < nparts; g++) {
        int64_t a = uregex_start64(re, g, &st), b = uregex_end64(re, g, &st);
        if (U_FAILURE(st) || a < 0 || b < a || (size_t)b > s.n)
            parts[g] = (zj_span){NULL, 0};
        else
            parts[g] = (zj_span){s.p + a, (size_t)(b - a)};
    }
    /* leave the regex pointing at nothing of ours */
    UErrorCode st2 = U_ZERO_ERROR;
    uregex_setText(re, (const UChar *)u"", 0, &st2);
    utext_close(&ut);
    return U_FAILURE(st) ? -1 : found;
}

/* ---- small text functions ------------------------------------------------------------------ */

int zj_apply_transform(int tx, zj_span in, zj_buf *out);   /* map_row.c */

int zj_apply_transforms(const int *transforms, zj_span s, zj_buf *out, zj_span *res)
{
    zj_buf other = {0};
    zj_buf *a = out, *b = &other;
    zj_buf_clear(a);
    if (zj_buf_append(a, s.p ? s.p : "", s.n)) {
        zj_buf_free(&other);
        return -1;
    }
    for (const int *tx = transforms; *tx; tx++) {
        zj_buf_clear(b);
        if (zj_apply_transform(*tx, (zj_span){a->data ? a->data : "", a->len}, b) ||
            zj_buf_putc(b, '\0')) {
            zj_buf_free(&other);
            return -1;
        }
        b->len--;
        zj_buf *t = a;
        a = b, b = t;
    }
    if (a != out) {
        zj_buf_clear(out);
        if (zj_buf_append(out, a->data ? a->data : "", a->len)) {
            zj_buf_free(&other);
            return -1;
        }
    }
    zj_buf_free(&other);
    *res = (zj_span){out->data ? out->data : "", out->len};
    return 0;
}

bool zj_rowctx_is_null(const zj_rowctx *x, zj_span s)
{
    if (!s.p)
        return true;
    if (s.n > x->null_max_len)
        return false;
    for (const char *const *l = x->nulls; *l; l++)
        if (strlen(*l) == s.n && strncasecmp(*l, s.p, s.n) == 0)
            return true;
    return false;
}

/* ---- derived values ------------------------------------------------------------------------ */

/* GB/T 2260 province codes of the one-character court codes (法院代字) of high courts. */
static int province_of_court_char(const char *p, size_t n)
{
    static const struct {
        const char *ch;
        int code;
    } t[] = {{"京", 11}, {"津", 12}, {"冀", 13}, {"晋", 14}, {"内", 15}, {"辽", 21}, {"吉", 22},
             {"黑", 23}, {"沪", 31}, {"苏", 32}, {"浙", 33}, {"皖", 34}, {"闽", 35}, {"赣", 36},
             {"鲁", 37}, {"豫", 41}, {"鄂", 42}, {"湘", 43}, {"粤", 44}, {"桂", 45}, {"琼", 46},
             {"渝", 50}, {"川", 51}, {"贵", 52}, {"云", 53}, {"藏", 54}, {"陕", 61}, {"甘", 62},
             {"青", 63}, {"宁", 64}, {"新", 65}};
    if (n < 3)
        return 0;
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++)
        if (memcmp(t[i].ch, p, 3) == 0)
            return t[i].code;
    return 0;
}

/* The region a court code names: 陕 610000, 陕01 610100, 陕0104 610104; 0 for the SPC,
 * military and XPCC courts and specialised courts (71-99). */
static int court_region(const char *code)
{
    size_t n = strlen(code);
    int prov = province_of_court_char(code, n);
    if (!prov)
        return 0;
    const char *d = code + 3;
    size_t nd = n - 3;
    for (size_t i = 0; i < nd; i++)
        if (d[i] < '0' || d[i] > '9')
            return 0;
    int city = nd >= 2 ? (d[0] - '0') * 10 + (d[1] - '0') : 0;
    if (city >= 71)
        return 0;
    if (nd == 0)
        return prov * 10000;
    if (nd == 2)
        return prov * 10000 + city * 100;
    if (nd == 4)
        return prov * 10000 + city * 100 + (d[2] - '0') * 10 + (d[3] - '0');
    return 0;
}

/* Store part i of dv as a copy of text (into dv->buf; fixed up by finish_parts). */
typedef struct part_off {
    size_t off, len;
    bool set;
} part_off;

static int put_part(zj_dvalue *dv, part_off *po, int i, const char *text, size_t len)
{
    if (!text)
        return 0;
    po[i] = (part_off){dv->buf.len, len, true};
    return zj_buf_append(&dv->buf, text, len);
}

static int put_partf(zj_dvalue *dv, part_off *po, int i, const char *fmt, long v)
{
    char tmp[32];
    int n = snprintf(tmp, sizeof tmp, fmt, v);
    return put_part(dv, po, i, tmp, (size_t)n);
}

static const char *level_name(zj_court_level l)
{
    switch (l) {
    case ZJ_COURT_SUPREME: return "supreme";
    case ZJ_COURT_HIGH: return "high";
    case ZJ_COURT_INTERMEDIATE: return "intermediate";
    case ZJ_COURT_BASIC: return "basic";
    default: return NULL;
    }
}

static int parse_parts(const zj_derived *d, zj_span s, zj_dvalue *dv)
{
    part_off po[ZJ_MAX_PARTS] = {{0}};
    const char *why = NULL;
    int rc = 0;
    zj_buf_clear(&dv->buf);
    switch (d->kind) {
    case ZJ_DERIVE_CASE_NO: {
        zj_case_no cn;
        if (zj_case_no_parse(s.p, s.n, &cn, &why)) {
            snprintf(dv->why, sizeof dv->why, "cannot parse case number '%.*s': %s",
                     (int)(s.n > 80 ? 80 : s.n), s.p, why);
            dv->refused = true;
            return 0;
        }
        int region = cn.court_code[0] ? court_region(cn.court_code) : 0;
        const char *lv = level_name(cn.court_level);
        rc = put_part(dv, po, 0, cn.normalized, strlen(cn.normalized)) ||
             put_partf(dv, po, 1, "%ld", cn.year) ||
             (cn.court_code[0] && put_part(dv, po, 2, cn.court_code, strlen(cn.court_code))) ||
             (region && put_partf(dv, po, 3, "%06ld", region)) ||
             (lv && put_part(dv, po, 4, lv, strlen(lv))) ||
             (cn.type && put_part(dv, po, 5, cn.type->code, strlen(cn.type->code))) ||
             (cn.type && put_part(dv, po, 6, cn.type->category, strlen(cn.type->category))) ||
             put_partf(dv, po, 7, "%ld", cn.serial);
        break;
    }
    case ZJ_DERIVE_RESIDENT_ID: {
        zj_resident_id id;
        if (zj_resident_id_parse(s.p, s.n, 0, &id, &why)) {
            snprintf(dv->why, sizeof dv->why, "cannot parse resident ID: %s", why);
            dv->refused = true;        /* (the ID itself is not quoted: personal data) */
            return 0;
        }
        char birth[16];
        int bn = snprintf(birth, sizeof birth, "%04d-%02d-%02d", id.year, id.month, id.day);
        rc = put_part(dv, po, 0, id.id, strlen(id.id)) ||
             put_part(dv, po, 1, birth, (size_t)bn) || put_part(dv, po, 2, &id.sex, 1) ||
             put_partf(dv, po, 3, "%06ld", id.region_code);
        break;
    }
    case ZJ_DERIVE_USCC: {
        zj_uscc u;
        if (zj_uscc_parse(s.p, s.n, &u, &why)) {
            snprintf(dv->why, sizeof dv->why, "cannot parse credit code '%.*s': %s",
                     (int)(s.n > 40 ? 40 : s.n), s.p, why);
            dv->refused = true;
            return 0;
        }
        rc = put_part(dv, po, 0, u.code, strlen(u.code)) ||
             put_partf(dv, po, 1, "%06ld", u.region_code) ||
             put_part(dv, po, 2, u.org_code, strlen(u.org_code)) ||
             put_part(dv, po, 3, u.code, 2);
        break;
    }
    }
    for (int i = 0; i < ZJ_MAX_PARTS; i++)
        dv->parts[i] = po[i].set ? (zj_span){dv->buf.data + po[i].off, po[i].len}
                                 : (zj_span){NULL, 0};
    return rc ? -1 : 0;
}

/* Characters [start, start+length) of s (UTF-8), a negative start counting from the end. */
static zj_span substr(zj_span s, long start, long length)
{
    size_t nchars = 0;
    for (size_t i = 0; i < s.n; i++)
        if (((unsigned char)s.p[i] & 0xC0) != 0x80)
            nchars++;
    long from = start < 0 ? (long)nchars + start : start;
    if (from < 0)
        from = 0;
    if ((size_t)from >= nchars || length == 0)
        return (zj_span){NULL, 0};
    size_t to = length < 0 || (size_t)length > nchars - (size_t)from
                    ? nchars : (size_t)from + (size_t)length;          /* (no overflow) */
    size_t a = s.n, b = s.n, ci = 0;
    for (size_t i = 0; i <= s.n; i++) {
        if (i < s.n && ((unsigned char)s.p[i] & 0xC0) == 0x80)
            continue;
        if (ci == (size_t)from && a == s.n)
            a = i;
        if (ci == to) {
            b = i;
            break;
        }
        ci++;
    }
    return (zj_span){s.p + a, b - a};
}

static int compute_derived(zj_rowctx *x, size_t di, const char **why)
{
    const zj_derived *d = &x->m->derived[di];
    zj_dvalue *dv = &x->dv[di];
    dv->state = 1;
    dv->refused = false;
    for (int i = 0; i < ZJ_MAX_PARTS; i++)
        dv->parts[i] = (zj_span){NULL, 0};
    if (d->when) {
        bool ok;
        int rc = zj_cond_eval(x, d->when, &ok, why);
        if (rc || !ok)
            return rc;
    }
    zj_span s;
    int rc = zj_rowctx_value(x, &d->src, &s, why);
    if (rc || !s.p)
        return rc;
    if (d->transforms[0]) {
        if (zj_apply_transforms(d->transforms, s, &x->tmp, &s))
            return -2;
        s = zj_span_trim(s);
        if (zj_rowctx_is_null(x, s))
            return 0;
    }
    switch (d->kind) {
    case ZJ_DERIVE_REGEX: {
        zj_span parts[ZJ_MAX_PARTS];
        int found = regex_search(d->regex, s, parts, d->nparts);
        if (found < 0)
            return -2;
        zj_buf_clear(&dv->buf);
        if (found) {
            /* copy: the input may be x->tmp, which the next derived value reuses */
            size_t offs[ZJ_MAX_PARTS];
            for (int g = 0; g < d->nparts; g++) {
                offs[g] = dv->buf.len;
                if (parts[g].p && zj_buf_append(&dv->buf, parts[g].p, parts[g].n))
                    return -2;
            }
            for (int g = 0; g < d->nparts; g++)
                dv->parts[g] = parts[g].p && parts[g].n
                                   ? (zj_span){dv->buf.data + offs[g], parts[g].n}
                                   : (zj_span){NULL, 0};
        }
        return 0;
    }
    case ZJ_DERIVE_SUBSTR: {
        zj_span sub = substr(s, d->start, d->length);
        zj_buf_clear(&dv->buf);
        if (sub.p && sub.n) {
            if (zj_buf_append(&dv->buf, sub.p, sub.n))
                return -2;
            dv->parts[0] = (zj_span){dv->buf.data, sub.n};
        }
        return 0;
    }
    default:
        if (parse_parts(d, s, dv))
            return -2;
        if (dv->refused && d->invalid_missing) {
            dv->refused = false;
            for (int i = 0; i < ZJ_MAX_PARTS; i++)
                dv->parts[i] = (zj_span){NULL, 0};
        }
        return 0;
    }
}

void zj_rowctx_reset(zj_rowctx *x, const zj_row *row)
{
    x->row = row;
    x->group = NULL;
    for (size_t i = 0; i < x->m->nderived; i++)
        x->dv[i].state = 0;
}

void zj_rowctx_free(zj_rowctx *x)
{
    for (size_t i = 0; x->dv && i < x->m->nderived; i++)
        zj_buf_free(&x->dv[i].buf);
    free(x->dv);
    x->dv = NULL;
    zj_buf_free(&x->tmp);
}

int zj_rowctx_value(zj_rowctx *x, const zj_vref *r, zj_span *out, const char **why)
{
    *out = (zj_span){NULL, 0};
    if (r->kind == ZJ_VREF_COLUMN) {
        size_t at = x->aux_src[r->index];
        if (at == (size_t)-1 || at >= x->row->nfields)
            return 0;
        zj_span s = x->row->fields[at];
        if (!s.p)
            return 0;
        if (!zj_utf8_valid(s.p, s.n)) {
            *why = "invalid byte sequence for the file's encoding (check 'encoding')";
            return -1;
        }
        s = zj_span_trim(s);
        if (!zj_rowctx_is_null(x, s))
            *out = s;
        return 0;
    }
    if (r->kind != ZJ_VREF_DERIVED)
        return 0;
    zj_dvalue *dv = &x->dv[r->index];
    if (!dv->state) {
        int rc = compute_derived(x, r->index, why);
        if (rc)
            return rc;
    }
    if (dv->refused) {
        *why = dv->why;
        return -1;
    }
    *out = dv->parts[r->part];
    return 0;
}

/* ---- conditions ---------------------------------------------------------------------------- */

static bool equals(zj_span s, const char *v)
{
    return s.p && strlen(v) == s.n && memcmp(v, s.p, s.n) == 0;
}

int zj_cond_eval(zj_rowctx *x, const zj_cond *c, bool *result, const char **why)
{
    int rc;
    bool r = false;
    switch (c->op) {
    case ZJ_COND_ALL:
    case ZJ_COND_ANY:
        r = c->op == ZJ_COND_ALL;
        for (size_t i = 0; i < c->nkids; i++) {
            bool k;
            if ((rc = zj_cond_eval(x, c->kids[i], &k, why)))
                return rc;
            if (c->op == ZJ_COND_ALL && !k) {
                r = false;
                break;
            }
            if (c->op == ZJ_COND_ANY && k) {
                r = true;
                break;
            }
        }
        *result = r;
        return 0;
    case ZJ_COND_NOT:
        if ((rc = zj_cond_eval(x, c->kids[0], &r, why)))
            return rc;
        *result = !r;
        return 0;
    default:
        break;
    }
    zj_span s;
    if ((rc = zj_rowctx_value(x, &c->ref, &s, why)))
        return rc;
    switch (c->op) {
    case ZJ_COND_EQ: r = equals(s, c->values[0]); break;
    case ZJ_COND_NE: r = !equals(s, c->values[0]); break;
    case ZJ_COND_IN:
    case ZJ_COND_NOT_IN:
        for (char **v = c->values; v && *v && !r; v++)
            r = equals(s, *v);
        if (c->op == ZJ_COND_NOT_IN)
            r = !r;
        break;
    case ZJ_COND_MATCHES: {
        zj_span g;
        int f = s.p ? regex_search(c->regex, s, &g, 1) : 0;
        if (f < 0)
            return -2;
        r = f == 1;
        break;
    }
    case ZJ_COND_PRESENT: r = s.p != NULL; break;
    case ZJ_COND_ABSENT: r = s.p == NULL; break;
    default: {
        double v;
        if (!s.p || zj_number_parse(s, ZJ_NUM_PLAIN, 1, 1, &v))
            r = false;
        else
            r = c->op == ZJ_COND_GT ? v > c->num : c->op == ZJ_COND_GE ? v >= c->num
              : c->op == ZJ_COND_LT ? v < c->num : v <= c->num;
        break;
    }
    }
    *result = r;
    return 0;
}

/* ---- numbers ------------------------------------------------------------------------------- */

static bool starts(const char *p, size_t n, const char *lit)
{
    size_t l = strlen(lit);
    return n >= l && memcmp(p, lit, l) == 0;
}

/* Exact powers of ten as doubles: 10^0 .. 10^22. */
static const double pow10_exact[] = {
    1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,  1e8,  1e9,  1e10, 1e11,
    1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
};

int zj_decimal_parse(zj_span s, zj_decimal *out)
{
    memset(out, 0, sizeof *out);
    size_t i = 0;
    if (i < s.n && (s.p[i] == '+' || s.p[i] == '-'))
        out->neg = s.p[i++] == '-';
    bool point = false, any = false;
    int shift = 0;                                 /* digits after the point */
    for (; i < s.n; i++) {
        char c = s.p[i];
        if (c == '.' && !point) {
            point = true;
            continue;
        }
        if (c < '0' || c > '9')
            break;
        any = true;
        if (point)
            shift++;
        if (c == '0' && out->ndigits == 0)
            continue;                              /* a leading zero */
        if (out->ndigits == ZJ_DECIMAL_DIGITS)
            return -1;
        out->digits[out->ndigits++] = c;
    }
    if (!any)
        return -1;
    long e = 0;
    if (i < s.n && (s.p[i] == 'e' || s.p[i] == 'E')) {
        bool eneg = false, edigits = false;
        if (++i < s.n && (s.p[i] == '+' || s.p[i] == '-'))
            eneg = s.p[i++] == '-';
        for (; i < s.n && s.p[i] >= '0' && s.p[i] <= '9'; i++) {
            edigits = true;
            if ((e = e * 10 + (s.p[i] - '0')) > 100000)
                return -1;
        }
        if (!edigits)
            return -1;
        if (eneg)
            e = -e;
    }
    if (i != s.n)
        return -1;
    /* trailing zeros go into the exponent, so equal values look alike */
    while (out->ndigits && out->digits[out->ndigits - 1] == '0') {
        out->ndigits--;
        shift--;
    }
    out->exp = (int)e - shift;
    if (!out->ndigits) {
        out->exp = 0;
        out->neg = false;                          /* -0 is 0 */
    }
    return 0;
}

int zj_decimal_scale(zj_decimal *d, double factor)
{
    for (int k = 0; k <= 22; k++) {
        if (factor == pow10_exact[k]) {
            if (d->ndigits)
                d->exp += k;
            return 0;
        }
        if (k && factor == 1 / pow10_exact[k]) {  /* the double nearest 10^-k */
            if (d->ndigits)
                d->exp -= k;
            return 0;
        }
    }
    return -1;
}

double zj_decimal_to_double(const zj_decimal *d)
{
    if (!d->ndigits)
        return 0;
    char text[ZJ_DECIMAL_DIGITS + 24];
    snprintf(text, sizeof text, "%s%.*se%d", d->neg ? "-" : "", d->ndigits, d->digits, d->exp);
    return strtod(text, NULL);                     /* glibc rounds correctly */
}

int zj_decimal_to_int64(const zj_decimal *d, int64_t *out)
{
    if (!d->ndigits) {
        *out = 0;
        return 0;
    }
    if (d->exp < 0 || d->ndigits + d->exp > 19)
        return -1;                                 /* a fraction (no trailing zeros), or too large */
    uint64_t v = 0;
    for (int i = 0; i < d->ndigits + d->exp; i++)
        v = v * 10 + (uint64_t)(i < d->ndigits ? d->digits[i] - '0' : 0);
    if (v > (uint64_t)INT64_MAX + (d->neg ? 1 : 0))
        return -1;
    *out = d->neg ? (int64_t)(0 - v) : (int64_t)v;
    return 0;
}

/* Compare |d| with 1: <0, 0, >0. */
static int decimal_cmp_one(const zj_decimal *d)
{
    if (!d->ndigits)
        return -1;
    int mag = d->ndigits + d->exp;                 /* digits before the point */
    if (mag != 1)
        return mag < 1 ? -1 : 1;
    return d->ndigits == 1 && d->digits[0] == '1' ? 0 : 1;   /* [1, 10): no leading zero */
}

int zj_number_parse_exact(zj_span s, int mode, double unit, double bare_unit, zj_decimal *out)
{
    char num[64];
    size_t nn = 0;
    bool percent = false, digits = false;
    double factor = 0;                         /* yuan per unit written after the number */
    const char *p = s.p, *end = s.p + s.n;
    while (p < end) {
        size_t left = (size_t)(end - p);
        unsigned char c = (unsigned char)*p;
        char put = 0;
        size_t len = 1;
        if (c >= '0' && c <= '9')
            put = (char)c;
        else if (c == '.' || c == '+' || c == '-')
            put = (char)c;
        else if (c == ',' || c == ' ' || c == '\'' || c == '\t')
            put = 0;
        else if (c == '%')
            percent = true;
        else if (starts(p, left, "\xEF\xBC") && left >= 3) {  /* U+FF00..U+FF3F */
            unsigned char t = (unsigned char)p[2];
            len = 3;
            if (t >= 0x90 && t <= 0x99)
                put = (char)('0' + t - 0x90);                 /* ０-９ */
            else if (t == 0x8E)
                put = '.';                                    /* ． */
            else if (t == 0x8B)
                put = '+';
            else if (t == 0x8D)
                put = '-';
            else if (t == 0x85)
                percent = true;                               /* ％ */
            else if (t == 0x8C)
                put = 0;                                      /* ， */
            else
                return -1;
        } else if (starts(p, left, "\xE2\x88\x92"))           /* U+2212 minus */
            put = '-', len = 3;
        else if (starts(p, left, "\xE3\x80\x80"))             /* ideographic space */
            len = 3;
        else if (starts(p, left, "\xC2\xA5"))                 /* ¥ */
            len = 2;
        else if (starts(p, left, "\xEF\xBF\xA5"))             /* ￥ */
            len = 3;
        else if (starts(p, left, "人民币"))
            len = strlen("人民币");
        else if (mode == ZJ_NUM_AMOUNT && !factor && digits) {
            static const struct {
                const char *s;
                double f;
            } units[] = {{"亿元", 1e8}, {"亿", 1e8}, {"万元", 1e4}, {"万", 1e4},
                         {"千元", 1e3}, {"元", 1}};
            size_t u;
            for (u = 0; u < sizeof units / sizeof units[0]; u++)
                if (starts(p, left, units[u].s))
                    break;
            if (u == sizeof units / sizeof units[0])
                return -1;
            factor = units[u].f;
            len = strlen(units[u].s);
        } else
            return -1;
        if (put) {
            if ((factor || percent) || nn + 1 >= sizeof num)
                return -1;                                    /* digits after the unit */
            if ((put == '+' || put == '-') && nn)
                return -1;                                    /* a sign inside */
            if (put >= '0' && put <= '9')
                digits = true;
            num[nn++] = put;
        }
        p += len;
    }
    if (!digits || (percent && mode != ZJ_NUM_PERCENT && mode != ZJ_NUM_PERCENT_OR_FRACTION))
        return -1;
    zj_decimal d;
    if (zj_decimal_parse((zj_span){num, nn}, &d))
        return -1;
    if (mode == ZJ_NUM_PERCENT_OR_FRACTION && !percent && !d.neg && decimal_cmp_one(&d) <= 0)
        zj_decimal_scale(&d, 100);                     /* a fraction: 0.6 is 60% */
    if (mode == ZJ_NUM_AMOUNT) {
        double u = unit > 0 ? unit : 1, bare = bare_unit > 0 ? bare_unit : u;
        if (zj_decimal_scale(&d, factor ? factor : bare) || zj_decimal_scale(&d, 1 / u))
            return -1;                                 /* (units are powers of ten) */
    }
    *out = d;
    return 0;
}

int zj_number_parse(zj_span s, int mode, double unit, double bare_unit, double *out)
{
    zj_decimal d;
    if (zj_number_parse_exact(s, mode, unit, bare_unit, &d))
        return -1;
    *out = zj_decimal_to_double(&d);
    return isfinite(*out) ? 0 : -1;
}
