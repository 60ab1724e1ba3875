/* derive.h - the row-time side of mapping v2: derived values, conditions, numbers (派生与条件).
 *
 * Internal to the ingest layer. A zj_rowctx is the mapper's view of one source row: the row's
 * cells, where each aux column is, and the derived values computed so far (each computed at
 * most once per row, when first asked for). Everything here works on spans into the row or
 * into buffers the context owns, valid until the next row.
 */
#ifndef ZJ_DERIVE_H
#define ZJ_DERIVE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"
#include "ingest/mapping.h"

#define ZJ_MAX_PARTS 16

typedef enum {
    ZJ_COND_ALL = 1, ZJ_COND_ANY, ZJ_COND_NOT,
    ZJ_COND_EQ, ZJ_COND_NE, ZJ_COND_IN, ZJ_COND_NOT_IN, ZJ_COND_MATCHES,
    ZJ_COND_PRESENT, ZJ_COND_ABSENT, ZJ_COND_GT, ZJ_COND_GE, ZJ_COND_LT, ZJ_COND_LE,
} zj_cond_op;

struct zj_cond {
    zj_cond_op op;
    zj_vref ref;
    char *column;              /* as written (resolved into ref by the parser) */
    char *derived;
    char **values;             /* EQ, NE (one), IN, NOT_IN */
    double num;                /* GT .. LE */
    void *regex;               /* MATCHES: ICU URegularExpression */
    zj_cond **kids;            /* ALL, ANY, NOT */
    size_t nkids;
};

void zj_cond_free(zj_cond *c);                    /* NULL is allowed */

/* Compile an ICU regular expression (UTF-8). NULL with *why set when it is not valid. */
void *zj_regex_compile(const char *pattern, char *why, size_t why_cap);
void zj_regex_free(void *re);
int zj_regex_group_count(void *re);
int zj_regex_group_number(void *re, const char *name);   /* -1 when there is no such group */

/* Part names of the parsers (NULL-terminated); the first is the main part. */
extern const char *const zj_case_no_parts[];
extern const char *const zj_resident_id_parts[];
extern const char *const zj_uscc_parts[];

/* One derived value's result for the current row. */
typedef struct zj_dvalue {
    int state;                 /* 0 not yet computed, 1 computed */
    bool refused;              /* the parser refused the value: why says why */
    char why[160];
    zj_span parts[ZJ_MAX_PARTS];   /* p NULL = missing */
    zj_buf buf;
} zj_dvalue;

typedef struct zj_rowctx {
    const zj_mapping *m;
    const zj_row *row;
    const size_t *aux_src;     /* per aux column: index in the row, or (size_t)-1 */
    const char *const *nulls;
    size_t null_max_len;
    zj_dvalue *dv;             /* per derived value */
    zj_buf tmp;                /* a derived value's transformed input */
    const char *const *group;  /* unpivot: the current group's name, column pairs */
} zj_rowctx;

/* Start a new row: forget the derived values of the last one. */
void zj_rowctx_reset(zj_rowctx *x, const zj_row *row);
void zj_rowctx_free(zj_rowctx *x);

/* The value `r` refers to, trimmed; out->p NULL when missing (absent, empty or a null value).
 * Returns 0, or -1 when a derived value's parser refused its input (*why then says why, as
 * "cannot parse case number '...': ..."), or -2 when out of memory. */
int zj_rowctx_value(zj_rowctx *x, const zj_vref *r, zj_span *out, const char **why);

/* Evaluate a condition; same return values as zj_rowctx_value. */
int zj_cond_eval(zj_rowctx *x, const zj_cond *c, bool *result, const char **why);

/* Is `s` a null value of the mapping (after trimming)? */
bool zj_rowctx_is_null(const zj_rowctx *x, zj_span s);

/* A decimal number exactly as written: value = (neg ? -1 : 1) × digits × 10^exp. Amounts are
 * kept this way until they are stored, so 1.14万元 is 11400 and not the double nearest
 * 1.14 times 10000 (11399.99999999999). */
#define ZJ_DECIMAL_DIGITS 40
typedef struct zj_decimal {
    bool neg;
    int ndigits;                        /* significant digits, no leading zeros; 0 = zero */
    char digits[ZJ_DECIMAL_DIGITS];     /* ASCII '0'..'9', not terminated */
    int exp;
} zj_decimal;

/* Parse ASCII "[+-]digits[.digits][(e|E)[+-]digits]" (digits on at least one side of the
 * point). Returns 0, or -1 when `s` is not such a number or has more than ZJ_DECIMAL_DIGITS
 * significant digits. */
int zj_decimal_parse(zj_span s, zj_decimal *out);

/* Multiply by `factor` exactly when it is a power of ten (10^-22 .. 10^22, as a double).
 * Returns 0, or -1 (d unchanged) for any other factor. */
int zj_decimal_scale(zj_decimal *d, double factor);

/* The double nearest the decimal's value (correctly rounded). */
double zj_decimal_to_double(const zj_decimal *d);

/* The value as a whole number: 0, or -1 when it has a fraction or does not fit in int64. */
int zj_decimal_to_int64(const zj_decimal *d, int64_t *out);

/* Parse a number as people write it (docs/mapping.md, `number:`), exactly. mode is
 * ZJ_NUM_*; for ZJ_NUM_AMOUNT `unit` is yuan per stored unit and `bare_unit` yuan per unit of
 * a number written without one (both powers of ten, as the mapping's units are). Returns 0,
 * or -1 when `s` is not such a number. */
int zj_number_parse_exact(zj_span s, int mode, double unit, double bare_unit, zj_decimal *out);

/* zj_number_parse_exact, then the double nearest the result. */
int zj_number_parse(zj_span s, int mode, double unit, double bare_unit, double *out);

/* Trim spaces, tabs, line ends and ideographic spaces (U+3000). Inline: it runs for every
 * field of every row. */
static inline bool zj_is_ideographic_space(const char *p, size_t n)
{
    return n >= 3 && (unsigned char)p[0] == 0xE3 && (unsigned char)p[1] == 0x80 &&
           (unsigned char)p[2] == 0x80;
}

static inline zj_span zj_span_trim(zj_span s)
{
    if (!s.p)
        return s;
    for (;;) {
        if (s.n && (*s.p == ' ' || *s.p == '\t' || *s.p == '\r' || *s.p == '\n'))
            s.p++, s.n--;
        else if (zj_is_ideographic_space(s.p, s.n))
            s.p += 3, s.n -= 3;
        else
            break;
    }
    for (;;) {
        if (s.n && (s.p[s.n - 1] == ' ' || s.p[s.n - 1] == '\t' || s.p[s.n - 1] == '\r' ||
                    s.p[s.n - 1] == '\n'))
            s.n--;
        else if (s.n >= 3 && zj_is_ideographic_space(s.p + s.n - 3, 3))
            s.n -= 3;
        else
            break;
    }
    return s;
}

/* Apply a transform list (ZJ_TX_*, 0-terminated) to `s`, writing into `out` (cleared first). */
int zj_apply_transforms(const int *transforms, zj_span s, zj_buf *out, zj_span *res);

#endif
