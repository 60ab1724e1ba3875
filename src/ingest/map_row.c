/* map_row.c - applying a mapping to one parsed row: clean, convert, check, key and hash it.
 *
 * This is on the import hot path (once per row of tens of millions), so it avoids work it
 * does not need: a text field with no transforms or codes points straight into the parser's
 * bytes; only transformed and converted values are written into a per-row scratch buffer,
 * whose offsets become pointers once the row is complete (the buffer may move while growing).
 *
 * Order of steps for each field (docs/mapping.md documents the same order):
 *   source bytes -> encoding check -> trim -> transforms -> null_values -> codes -> default
 *   -> typed parse (date, timestamp, integer, real, bool) -> required check
 * Mapping v2 adds, for the fields that use it: a value from a derived value or an aux column,
 * `when`, look-ups after codes, and `number:` styles in the typed parse (derive.c, lookup.c).
 * `rows:` entries are mapped one record at a time by zj_mapping_next_record, each into its own
 * field set; a v1 mapping never touches any of that.
 */
#include "ingest/mapping.h"

#include <errno.h>
#include <stdarg.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <xxhash.h>

#include "ingest/derive.h"
#include "ingest/lookup.h"
#include "text/date.h"
#include "text/geo.h"
#include "text/utf8.h"

#define NO_SOURCE ((size_t)-1)

static const char *const default_null_values[] = {"", "NULL", "null", "\\N", NULL};
static const char *const default_true[] = {"1", "true", "t", "yes", "y", "是", "有", NULL};
static const char *const default_false[] = {"0", "false", "f", "no", "n", "否", "无", NULL};

/* One record's fields and the state to map them: the main record's, or a `rows:` entry's. */
typedef struct fset {
    const zj_field_map *fields;
    size_t nfields;
    const char *what;        /* "" or "rows[NAME] ", for messages */
    const char **columns;    /* canonical field names, for zj_row_mapper_columns */
    size_t *key;             /* indexes of key fields */
    size_t nkey;
    zj_value *values;
    size_t *scratch_off;     /* per field: offset in scratch, or NO_SOURCE when not in it */
    zj_buf scratch;
    zj_buf keybuf;
    zj_buf hashbuf;
    char hexkey[17];
    size_t lat_i, lon_i;     /* the `lat` and `lon` fields (crs: gcj02), or NO_SOURCE */
} fset;

struct zj_row_mapper {
    const zj_mapping *m;
    size_t nfields;
    size_t *src;             /* per field: index of its column in the row, NO_SOURCE for const */
    size_t expected;         /* CSV: number of header columns; 0 = do not check */
    const char *const *nulls;/* the mapping's null_values, or the defaults */
    size_t null_max_len;     /* longest of them */
    fset main;
    /* v2 only: */
    size_t *aux_src;         /* per aux column: index in the row */
    zj_rowctx x;
    fset *targets;           /* per `rows:` entry */
    fset extras;             /* the `extra:` fields */
    zj_buf json;             /* the `extra` value being built */
    zj_buf msg;              /* look-up messages */
    size_t cur_target;       /* zj_mapping_next_record's position */
    bool target_started;
    long cur_count, cur_k;
    size_t cur_group;
    long cur_index;          /* the record's number, for `index: true` */
    char index_text[24];
    zj_geo *geo;             /* `geometry:` fields: made at the first polygon */
};

/* ---- setup ------------------------------------------------------------------------------ */

/* Compare a header cell with a mapped column name: surrounding spaces, a UTF-8 BOM and ASCII
 * case are ignored, so "﻿ Case_No " matches "case_no". */
static bool header_matches(zj_span cell, const char *name)
{
    const char *p = cell.p;
    size_t n = cell.n;
    if (n >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0)
        p += 3, n -= 3;
    while (n && (*p == ' ' || *p == '\t'))
        p++, n--;
    while (n && (p[n - 1] == ' ' || p[n - 1] == '\t' || p[n - 1] == '\r'))
        n--;
    return strlen(name) == n && strncasecmp(p, name, n) == 0;
}

static int fset_init(fset *fs, const zj_field_map *fields, size_t nfields, char **key,
                     const char *what)
{
    fs->fields = fields;
    fs->nfields = nfields;
    fs->what = what;
    fs->columns = calloc(nfields + 1, sizeof *fs->columns);
    fs->key = calloc(nfields + 1, sizeof *fs->key);
    fs->values = calloc(nfields + 1, sizeof *fs->values);
    fs->scratch_off = calloc(nfields + 1, sizeof *fs->scratch_off);
    if (!fs->columns || !fs->key || !fs->values || !fs->scratch_off)
        return -1;
    fs->lat_i = fs->lon_i = NO_SOURCE;
    for (size_t i = 0; i < nfields; i++) {
        fs->columns[i] = fields[i].field;
        if (strcmp(fields[i].field, "lat") == 0)
            fs->lat_i = i;
        else if (strcmp(fields[i].field, "lon") == 0)
            fs->lon_i = i;
    }
    for (char **k = key; k && *k; k++)
        for (size_t i = 0; i < nfields; i++)
            if (strcmp(fields[i].field, *k) == 0)
                fs->key[fs->nkey++] = i;
    return 0;
}

static void fset_free(fset *fs)
{
    free(fs->columns);
    free(fs->key);
    free(fs->values);
    free(fs->scratch_off);
    zj_buf_free(&fs->scratch);
    zj_buf_free(&fs->keybuf);
    zj_buf_free(&fs->hashbuf);
}

/* Where a named column is in the header; NO_SOURCE with err set (naming what the header has)
 * when it is not there. */
static size_t find_column(const zj_mapping *m, const zj_row *header, const char *column,
                          const char *field, int line, zj_error *err);

/* The v2 part of a mapper: aux columns, derived values, `rows:` entries, extras. */
static int mapper_v2(zj_row_mapper *rm, const zj_row *header, zj_error *err)
{
    const zj_mapping *m = rm->m;
    rm->x.m = m;                  /* (zj_row_mapper_free frees the context by it) */
    rm->aux_src = calloc(m->naux + 1, sizeof *rm->aux_src);
    rm->x.dv = calloc(m->nderived + 1, sizeof *rm->x.dv);
    rm->targets = calloc(m->nrows + 1, sizeof *rm->targets);
    if (!rm->aux_src || !rm->x.dv || !rm->targets)
        return zj_fail(err, ZJ_EDATA, "out of memory");
    rm->x.aux_src = rm->aux_src;
    rm->x.nulls = rm->nulls;
    rm->x.null_max_len = rm->null_max_len;
    for (size_t a = 0; a < m->naux; a++) {
        if (!header) {
            rm->aux_src[a] = m->nfields + a;
            continue;
        }
        rm->aux_src[a] = find_column(m, header, m->aux_columns[a], NULL, 0, err);
        if (rm->aux_src[a] == NO_SOURCE)
            return ZJ_EUSAGE;
    }
    if (fset_init(&rm->extras, m->extra, m->nextra, NULL, ""))
        return zj_fail(err, ZJ_EDATA, "out of memory");
    for (size_t t = 0; t < m->nrows; t++) {
        const zj_target *tg = &m->rows[t];
        char *what = malloc(strlen(tg->name) + 8);
        if (what)
            sprintf(what, "rows[%s] ", tg->name);
        rm->targets[t].what = what;
        if (!what || fset_init(&rm->targets[t], tg->fields, tg->nfields, tg->key, what))
            return zj_fail(err, ZJ_EDATA, "out of memory");
    }
    return ZJ_OK;
}

static size_t find_column(const zj_mapping *m, const zj_row *header, const char *column,
                          const char *field, int line, zj_error *err)
{
    for (size_t j = 0; j < header->nfields; j++)
        if (header_matches(header->fields[j], column))
            return j;
    zj_buf have = {0};
    for (size_t k = 0; k < header->nfields && k < 40; k++)
        zj_buf_printf(&have, "%s%.*s", k ? ", " : "", (int)header->fields[k].n,
                      header->fields[k].p);
    if (field)
        zj_fail(err, ZJ_EUSAGE, "%s:%d: field '%s': column '%s' is not in the file's header (the "
                "header has: %s)", m->path, line, field, column, have.data ? have.data : "");
    else
        zj_fail(err, ZJ_EUSAGE, "%s: column '%s' is not in the file's header (the header has: "
                "%s)", m->path, column, have.data ? have.data : "");
    zj_buf_free(&have);
    return NO_SOURCE;
}

int zj_row_mapper_new(const zj_mapping *m, const zj_row *header, zj_row_mapper **out,
                      zj_error *err)
{
    *out = NULL;
    if (m->nfields > 256)
        return zj_fail(err, ZJ_EUSAGE, "%s: at most 256 fields per mapping", m->path);
    zj_row_mapper *rm = calloc(1, sizeof *rm);
    if (!rm)
        return zj_fail(err, ZJ_EDATA, "out of memory");
    rm->m = m;
    rm->nfields = m->nfields;
    rm->src = calloc(m->nfields + 1, sizeof *rm->src);
    if (!rm->src || fset_init(&rm->main, m->fields, m->nfields, m->key, "")) {
        zj_row_mapper_free(rm);
        return zj_fail(err, ZJ_EDATA, "out of memory");
    }
    for (size_t i = 0; i < m->nfields; i++) {
        const zj_field_map *f = &m->fields[i];
        if (!f->column) {
            rm->src[i] = NO_SOURCE;
            continue;
        }
        if (!header) {                      /* JSONL: keys arrive in field order */
            rm->src[i] = i;
            continue;
        }
        size_t j = find_column(m, header, f->column, f->field, f->line, err);
        if (j == NO_SOURCE) {
            zj_row_mapper_free(rm);
            return ZJ_EUSAGE;
        }
        rm->src[i] = j;
    }
    if (header)
        rm->expected = header->nfields;
    rm->nulls = m->null_values ? (const char *const *)m->null_values : default_null_values;
    for (const char *const *n = rm->nulls; *n; n++)
        if (strlen(*n) > rm->null_max_len)
            rm->null_max_len = strlen(*n);
    if (m->v2) {
        int rc = mapper_v2(rm, header, err);
        if (rc) {
            zj_row_mapper_free(rm);
            return rc;
        }
    }
    *out = rm;
    return ZJ_OK;
}

void zj_row_mapper_free(zj_row_mapper *rm)
{
    if (!rm)
        return;
    free(rm->src);
    fset_free(&rm->main);
    fset_free(&rm->extras);
    for (size_t t = 0; rm->targets && t < rm->m->nrows; t++) {
        free((char *)rm->targets[t].what);
        fset_free(&rm->targets[t]);
    }
    free(rm->targets);
    free(rm->aux_src);
    if (rm->x.m)
        zj_rowctx_free(&rm->x);
    zj_buf_free(&rm->json);
    zj_buf_free(&rm->msg);
    zj_geo_free(rm->geo);
    free(rm);
}

const char *const *zj_row_mapper_columns(const zj_row_mapper *rm, size_t *n)
{
    *n = rm->nfields;
    return rm->main.columns;
}

const char *const *zj_row_mapper_target_columns(const zj_row_mapper *rm, size_t t, size_t *n)
{
    *n = rm->targets[t].nfields;
    return rm->targets[t].columns;
}

/* ---- transforms ------------------------------------------------------------------------- */

/* Decode the UTF-8 character at p (valid UTF-8 is guaranteed by the caller); returns its
 * length and stores the code point. */
static size_t utf8_decode(const unsigned char *p, size_t n, unsigned *cp)
{
    if (p[0] < 0x80 || n < 2) {
        *cp = p[0];
        return 1;
    }
    if (p[0] < 0xE0) {
        *cp = ((p[0] & 0x1Fu) << 6) | (p[1] & 0x3Fu);
        return 2;
    }
    if (p[0] < 0xF0 && n >= 3) {
        *cp = ((p[0] & 0x0Fu) << 12) | ((p[1] & 0x3Fu) << 6) | (p[2] & 0x3Fu);
        return 3;
    }
    *cp = 0xFFFD;
    return n >= 4 ? 4 : n;
}

static bool is_space_cp(unsigned cp) { return cp == ' ' || cp == '\t' || cp == 0x3000; }

/* Apply one transform to `in`, appending the result to `out` (also used by derive.c). */
int zj_apply_transform(int tx, zj_span in, zj_buf *out);
int zj_apply_transform(int tx, zj_span in, zj_buf *out)
{
    const unsigned char *p = (const unsigned char *)in.p;
    size_t n = in.n, i = 0;
    bool in_space = false;
    while (i < n) {
        unsigned cp;
        size_t len = utf8_decode(p + i, n - i, &cp);
        const char *src = in.p + i;
        i += len;
        switch (tx) {
        case ZJ_TX_HALFWIDTH:
            if (cp >= 0xFF01 && cp <= 0xFF5E) {
                if (zj_buf_putc(out, (char)(cp - 0xFF01 + 0x21)))
                    return -1;
                continue;
            }
            if (cp == 0x3000) {
                if (zj_buf_putc(out, ' '))
                    return -1;
                continue;
            }
            break;
        case ZJ_TX_UPPER:
            if (cp >= 'a' && cp <= 'z') {
                if (zj_buf_putc(out, (char)(cp - 32)))
                    return -1;
                continue;
            }
            break;
        case ZJ_TX_LOWER:
            if (cp >= 'A' && cp <= 'Z') {
                if (zj_buf_putc(out, (char)(cp + 32)))
                    return -1;
                continue;
            }
            break;
        case ZJ_TX_REMOVE_SPACES:
            if (is_space_cp(cp))
                continue;
            break;
        case ZJ_TX_COLLAPSE_SPACES:
            if (is_space_cp(cp)) {
                if (!in_space && zj_buf_putc(out, ' '))
                    return -1;
                in_space = true;
                continue;
            }
            in_space = false;
            break;
        case ZJ_TX_DIGITS_ONLY:
            if (cp >= '0' && cp <= '9') {
                if (zj_buf_putc(out, (char)cp))
                    return -1;
            } else if (cp >= 0xFF10 && cp <= 0xFF19) {
                if (zj_buf_putc(out, (char)('0' + cp - 0xFF10)))
                    return -1;
            }
            continue;
        case ZJ_TX_STRIP_THOUSANDS:
            if ((cp == ',' || cp == 0xFF0C) && i < n && p[i] >= '0' && p[i] <= '9' &&
                src > in.p && src[-1] >= '0' && src[-1] <= '9')
                continue;
            break;
        }
        if (zj_buf_append(out, src, len))
            return -1;
    }
    return 0;
}

/* ---- typed parsing ---------------------------------------------------------------------- */

static bool in_list(zj_span s, const char *const *list)
{
    for (; *list; list++)
        if (strlen(*list) == s.n && strncasecmp(*list, s.p, s.n) == 0)   /* NULs in s too */
            return true;
    return false;
}

/* Is `s` one of the null values? Most values are longer than any null spelling, so the
 * length check settles almost every call without comparing bytes. */
static bool is_null_value(const zj_row_mapper *rm, zj_span s)
{
    if (s.n > rm->null_max_len)
        return false;
    return in_list(s, rm->nulls);
}

/* Exact powers of ten representable as doubles: 10^0 .. 10^22. */
static const double pow10_exact[] = {
    1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,  1e8,  1e9,  1e10, 1e11,
    1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
};

/* Fast path for the common "-123.45": digits with at most one point, no exponent. When the
 * digits fit in 2^53 and there are at most 22 decimals, mantissa / 10^k is one correctly
 * rounded IEEE division (Clinger's fast path), so the result equals strtod's. Returns -1 when
 * the input needs the general path. */
static int parse_simple_decimal(zj_span s, bool *is_int, int64_t *ival, double *dval)
{
    size_t i = 0;
    bool neg = false;
    if (i < s.n && (s.p[i] == '-' || s.p[i] == '+'))
        neg = s.p[i++] == '-';
    uint64_t mant = 0;
    int digits = 0, decimals = -1;
    for (; i < s.n; i++) {
        char c = s.p[i];
        if (c >= '0' && c <= '9') {
            if (++digits > 15)
                return -1;
            mant = mant * 10 + (uint64_t)(c - '0');
            if (decimals >= 0)
                decimals++;
        } else if (c == '.' && decimals < 0)
            decimals = 0;
        else
            return -1;
    }
    if (digits == 0)
        return -1;
    *is_int = decimals <= 0;
    int64_t m = neg ? -(int64_t)mant : (int64_t)mant;
    *ival = m;
    *dval = decimals > 0 ? (double)m / pow10_exact[decimals] : (double)m;
    return 0;
}

/* A decimal's value times `scale` into v->i (integer) or v->r. A power of ten scales the
 * decimal exactly (an amount in 万元 stays the amount written); any other scale multiplies
 * the double. Returns 0, or -1 when an integer is not whole or too large, or a real is not
 * finite. */
static int decimal_value(zj_decimal *d, double scale, bool integer, zj_value *v)
{
    if (scale == 1.0 || zj_decimal_scale(d, scale) == 0) {
        if (integer)
            return zj_decimal_to_int64(d, &v->i);
        v->r = zj_decimal_to_double(d);
        return isfinite(v->r) ? 0 : -1;
    }
    double x = zj_decimal_to_double(d) * scale;
    if (integer) {
        if (x != floor(x) || fabs(x) > 9.2e18)
            return -1;
        v->i = (int64_t)x;
        return 0;
    }
    v->r = x;
    return isfinite(x) ? 0 : -1;
}

/* Parse a decimal number (optional sign, digits, optional fraction and exponent). */
static int parse_number(zj_span s, bool integer, double scale, zj_value *v)
{
    bool is_int;
    int64_t iv;
    double dv;
    if (scale == 1.0 && parse_simple_decimal(s, &is_int, &iv, &dv) == 0) {
        if (integer) {
            if (!is_int && dv != (double)(int64_t)dv)
                return -1;
            v->i = is_int ? iv : (int64_t)dv;
        } else
            v->r = dv;
        return 0;
    }
    char tmp[64];
    if (s.n == 0 || s.n >= sizeof tmp)
        return -1;
    memcpy(tmp, s.p, s.n);
    tmp[s.n] = '\0';
    for (size_t i = 0; i < s.n; i++) {  /* strtod would also accept "inf", "nan" and hex */
        char c = tmp[i];
        if (!((c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.' || c == 'e' || c == 'E'))
            return -1;
    }
    zj_decimal d;
    if (zj_decimal_parse(s, &d))
        return -1;
    return decimal_value(&d, scale, integer, v);
}

/* ---- the row ---------------------------------------------------------------------------- */

/* Reject the row because of field f: *bad names the field, err says why. `what` is the
 * reason (printf-style); a quoted source value is cut to 80 bytes by the callers' "%.*s". */
static int reject(zj_error *err, const fset *fs, const zj_field_map *f, const char **bad,
                  const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static int reject(zj_error *err, const fset *fs, const zj_field_map *f, const char **bad,
                  const char *fmt, ...)
{
    char what[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    *bad = f->field;
    if (f->column)
        return zj_fail(err, ZJ_EDATA, "%sfield '%s' (column %s): %s", fs->what, f->field,
                       f->column, what);
    if (f->derived_name)
        return zj_fail(err, ZJ_EDATA, "%sfield '%s' (derived %s): %s", fs->what, f->field,
                       f->derived_name, what);
    return zj_fail(err, ZJ_EDATA, "%sfield '%s': %s", fs->what, f->field, what);
}

/* At most this many bytes of a source value are quoted in a reason. */
#define QUOTE(n) ((int)((n) > 80 ? 80 : (n)))

/* Append `s` to scratch and remember where it went. */
static int to_scratch(fset *fs, size_t i, zj_span s)
{
    fs->scratch_off[i] = fs->scratch.len;
    fs->values[i].len = s.n;
    return zj_buf_append(&fs->scratch, s.p, s.n);
}

/* Look `s` up in code table t. Returns 1 with *to (NULL = missing) when it is known or the
 * table says what unknown codes become, 0 when the row must be rejected. */
static int code_lookup(const zj_code_table *t, zj_span s, const char **to)
{
    size_t lo = 0, hi = t->nentries;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        size_t fl = t->entries[mid].from_len;          /* (s may hold NUL bytes) */
        int c = memcmp(t->entries[mid].from, s.p, fl < s.n ? fl : s.n);
        if (c == 0)
            c = fl < s.n ? -1 : fl > s.n;
        if (c == 0) {
            *to = t->entries[mid].to;
            return 1;
        }
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (t->keep) {
        *to = s.p;
        return 2;
    }
    *to = t->default_to;
    return t->default_to || t->default_null;
}

/* Append a JSON string (RFC 8259 escapes) to b; non-zero when out of memory. */
static int json_string(zj_buf *b, const char *p, size_t n)
{
    int oom = zj_buf_putc(b, '"');
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)p[i];
        if (c == '"' || c == '\\')
            oom |= zj_buf_putc(b, '\\') | zj_buf_putc(b, (char)c);
        else if (c < 0x20)
            oom |= zj_buf_printf(b, "\\u%04x", c) < 0;
        else
            oom |= zj_buf_putc(b, (char)c);
    }
    return oom | zj_buf_putc(b, '"');
}

static inline int map_field(zj_row_mapper *rm, fset *fs, size_t i, const zj_row *row,
                            const char **bad, zj_error *err);

/* The main record's `extra`: the `extra:` fields, then the columns kept under their names. */
static int build_extra(zj_row_mapper *rm, const zj_row *row, zj_span *out, const char **bad,
                       zj_error *err)
{
    const zj_mapping *m = rm->m;
    fset *xs = &rm->extras;
    zj_buf_clear(&xs->scratch);
    for (size_t i = 0; i < xs->nfields; i++) {
        int rc = map_field(rm, xs, i, row, bad, err);
        if (rc)
            return rc;
    }
    zj_buf *j = &rm->json;
    zj_buf_clear(j);
    size_t n = 0;
    int oom = 0;
    for (size_t i = 0; i < xs->nfields; i++) {
        const zj_value *v = &xs->values[i];
        if (v->is_null)
            continue;
        oom |= zj_buf_putc(j, n++ ? ',' : '{');
        oom |= json_string(j, xs->fields[i].field, strlen(xs->fields[i].field));
        oom |= zj_buf_putc(j, ':');
        if (xs->fields[i].type == ZJ_TYPE_REAL)
            oom |= zj_buf_printf(j, "%.17g", v->r) < 0;
        else
            oom |= json_string(j, xs->scratch_off[i] != NO_SOURCE
                                      ? xs->scratch.data + xs->scratch_off[i] : v->text, v->len);
    }
    for (size_t c = 0; c < m->nextra_columns; c++) {
        zj_span s;
        const char *why = NULL;
        zj_vref r = {ZJ_VREF_COLUMN, m->extra_aux[c], 0};
        if (zj_rowctx_value(&rm->x, &r, &s, &why) == -1) {
            *bad = "extra";
            return zj_fail(err, ZJ_EDATA, "column %s: %s", m->extra_columns[c], why);
        }
        if (!s.p)
            continue;
        oom |= zj_buf_putc(j, n++ ? ',' : '{');
        oom |= json_string(j, m->extra_columns[c], strlen(m->extra_columns[c]));
        oom |= zj_buf_putc(j, ':');
        oom |= json_string(j, s.p, s.n);
    }
    if (n)
        oom |= zj_buf_putc(j, '}');
    if (oom)
        return zj_fail(err, ZJ_EDATA, "out of memory");
    *out = n ? (zj_span){j->data, j->len} : (zj_span){NULL, 0};
    return ZJ_OK;
}

/* Where a v2 field's value comes from (before transforms): the record's number, a derived
 * value or an aux column. Returns ZJ_OK with s (p NULL when missing), or a reject. */
__attribute__((noinline, cold))   /* off the v1 path, which must stay as fast as it was */
static int v2_source(zj_row_mapper *rm, fset *fs, const zj_field_map *f, const zj_row *row,
                     zj_span *s, const char **bad, zj_error *err)
{
    if (f->extra_json)
        return build_extra(rm, row, s, bad, err);
    if (f->index) {
        int n = snprintf(rm->index_text, sizeof rm->index_text, "%ld", rm->cur_index);
        *s = (zj_span){rm->index_text, (size_t)n};
        return ZJ_OK;
    }
    zj_vref r = f->from;
    if (f->group_src)
        r.index = f->group_src[rm->cur_group];
    const char *why = NULL;
    int rc = zj_rowctx_value(&rm->x, &r, s, &why);
    if (rc == -1)
        return reject(err, fs, f, bad, "%s", why);
    if (rc)
        return zj_fail(err, ZJ_EDATA, "out of memory");
    return ZJ_OK;
}

/* Inlined into each caller: the per-field call was a measurable part of a 5M-row import. */
__attribute__((always_inline))
static inline int map_field(zj_row_mapper *rm, fset *fs, size_t i, const zj_row *row,
                            const char **bad, zj_error *err)
{
    const zj_field_map *f = &fs->fields[i];
    zj_value *v = &fs->values[i];
    memset(v, 0, sizeof *v);
    fs->scratch_off[i] = NO_SOURCE;

    zj_span s;
    bool checked = false;           /* v2 sources come checked and trimmed */
    if (__builtin_expect(f->v2, 0) && (f->from.kind || f->index || f->extra_json)) {
        int rc = v2_source(rm, fs, f, row, &s, bad, err);
        if (rc)
            return rc;
        checked = true;
    } else if (f->constant)
        s = (zj_span){f->constant, strlen(f->constant)};
    else
        s = rm->src[i] < row->nfields ? row->fields[rm->src[i]] : (zj_span){NULL, 0};

    if (__builtin_expect(f->when != NULL, 0)) {
        bool ok;
        const char *why = NULL;
        int rc = zj_cond_eval(&rm->x, f->when, &ok, &why);
        if (rc == -1)
            return reject(err, fs, f, bad, "condition: %s", why);
        if (rc)
            return zj_fail(err, ZJ_EDATA, "out of memory");
        if (!ok)
            s = (zj_span){NULL, 0};
    }

    if (s.p && s.n > (f->max_bytes ? f->max_bytes : ZJ_FIELD_MAX_BYTES))
        return reject(err, fs, f, bad, "value of %zu bytes is longer than the field's limit of "
                      "%zu (max_bytes)", s.n, f->max_bytes ? f->max_bytes : ZJ_FIELD_MAX_BYTES);
    if (s.p && !checked && !zj_utf8_valid(s.p, s.n))
        return reject(err, fs, f, bad,
                      "invalid byte sequence for the file's encoding (check 'encoding')");
    if (s.p && f->trim && !checked)
        s = zj_span_trim(s);

    /* Transforms chain through scratch: each reads the previous result and appends its
     * own. No transform makes a value longer, so reserving the input's length first means
     * the buffer cannot move while a transform reads from it. */
    for (const int *tx = f->transforms; s.p && *tx; tx++) {
        size_t in_off = fs->scratch_off[i];
        if (zj_buf_reserve(&fs->scratch, s.n + 1))
            return zj_fail(err, ZJ_EDATA, "out of memory");
        if (in_off != NO_SOURCE)
            s.p = fs->scratch.data + in_off;
        size_t start = fs->scratch.len;
        if (zj_apply_transform(*tx, s, &fs->scratch))
            return zj_fail(err, ZJ_EDATA, "out of memory");
        s = (zj_span){fs->scratch.data + start, fs->scratch.len - start};
        fs->scratch_off[i] = start;
    }

    if (s.p && is_null_value(rm, s))
        s.p = NULL;

    if (s.p && f->codes) {
        const char *to = NULL;
        int found = code_lookup(f->codes, s, &to);
        if (!found)
            return reject(err, fs, f, bad, "unknown code '%.*s' (add it to code table '%s')",
                          QUOTE(s.n), s.p, f->codes->name);
        if (found == 1) {          /* (2: kept as it is) */
            s = to ? (zj_span){to, strlen(to)} : (zj_span){NULL, 0};
            fs->scratch_off[i] = NO_SOURCE;
        }
    }

    if (!s.p && f->default_value)
        s = (zj_span){f->default_value, strlen(f->default_value)}, fs->scratch_off[i] = NO_SOURCE;

    if (__builtin_expect(f->lookup != NULL, 0) && s.p) {
        const char *to = NULL;
        int found = zj_lookup_find(f->lookup, s.p, s.n, &to, &rm->msg);
        if (found < 0)
            return zj_fail(err, ZJ_EDATA, "out of memory");
        if (found != 1)
            return reject(err, fs, f, bad, "%s", rm->msg.data ? rm->msg.data : "not found");
        s = (zj_span){to, strlen(to)};
        fs->scratch_off[i] = NO_SOURCE;
    }

    if (!s.p) {
        v->is_null = true;
        fs->scratch_off[i] = NO_SOURCE;
        if (f->required)
            return reject(err, fs, f, bad, "required value is missing");
        return ZJ_OK;
    }

    switch (f->type) {
    case ZJ_TYPE_TEXT:
        if (__builtin_expect(f->geometry != 0, 0)) {
            /* a polygon: read, check, convert, and stored as canonical WKT (text/geo.h) */
            if (!rm->geo && !(rm->geo = zj_geo_new()))
                return zj_fail(err, ZJ_EDATA, "out of memory");
            zj_buf_clear(&rm->msg);
            const char *why = NULL;
            int grc = zj_geo_normalize(rm->geo, s.p, s.n, (zj_geo_format)(f->geometry - 1),
                                       rm->m->gcj02, &rm->msg, &why);
            if (grc == -2)
                return zj_fail(err, ZJ_EDATA, "out of memory");
            if (grc)
                return reject(err, fs, f, bad, "not a polygon: %s", why);
            fs->scratch_off[i] = NO_SOURCE;
            if (to_scratch(fs, i, (zj_span){rm->msg.data, rm->msg.len}))
                return zj_fail(err, ZJ_EDATA, "out of memory");
            return ZJ_OK;
        }
        if (f->extra_json) {                      /* rm->json is rebuilt each row: copy */
            fs->scratch_off[i] = NO_SOURCE;
            if (to_scratch(fs, i, s))
                return zj_fail(err, ZJ_EDATA, "out of memory");
        } else if (fs->scratch_off[i] == NO_SOURCE) { /* bytes owned by the row or the mapping */
            v->text = s.p;
            v->len = s.n;
        } else
            v->len = s.n;                         /* pointer fixed up after the last field */
        return ZJ_OK;
    case ZJ_TYPE_DATE:
    case ZJ_TYPE_TIMESTAMP: {
        zj_datetime dt;
        const char *why = NULL;
        if (zj_date_parse(s.p, s.n, (const char *const *)f->formats, &dt, &why))
            return reject(err, fs, f, bad, "cannot parse date '%.*s': %s", QUOTE(s.n), s.p,
                          why ? why : "no format matched");
        char iso[24];
        int n = zj_date_format_iso(&dt, f->type == ZJ_TYPE_TIMESTAMP, iso, sizeof iso);
        if (to_scratch(fs, i, (zj_span){iso, (size_t)n}))
            return zj_fail(err, ZJ_EDATA, "out of memory");
        return ZJ_OK;
    }
    case ZJ_TYPE_INTEGER:
    case ZJ_TYPE_REAL:
        if (__builtin_expect(f->number, 0)) {
            zj_decimal d;
            static const char *const style[] = {"", "a number", "a percentage",
                                                "a percentage or fraction", "an amount"};
            if (zj_number_parse_exact(s, f->number, f->unit, f->bare_unit, &d) == 0 &&
                decimal_value(&d, f->scale, f->type == ZJ_TYPE_INTEGER, v) == 0) {
                fs->scratch_off[i] = NO_SOURCE;
                return ZJ_OK;
            }
            return reject(err, fs, f, bad, "'%.*s' is not %s%s", QUOTE(s.n), s.p,
                          style[f->number], f->type == ZJ_TYPE_INTEGER ? " (whole)" : "");
        }
        if (parse_number(s, f->type == ZJ_TYPE_INTEGER, f->scale, v))
            return reject(err, fs, f, bad, "'%.*s' is not %s", QUOTE(s.n), s.p,
                          f->type == ZJ_TYPE_INTEGER ? "a whole number" : "a number");
        fs->scratch_off[i] = NO_SOURCE;
        return ZJ_OK;
    case ZJ_TYPE_BOOL:
        if (in_list(s, f->true_values ? (const char *const *)f->true_values : default_true))
            v->i = 1;
        else if (in_list(s, f->false_values ? (const char *const *)f->false_values
                                            : default_false))
            v->i = 0;
        else
            return reject(err, fs, f, bad, "'%.*s' is not a yes/no value (set 'true'/'false' "
                          "lists)", QUOTE(s.n), s.p);
        fs->scratch_off[i] = NO_SOURCE;
        return ZJ_OK;
    }
    return ZJ_OK;
}

/* Serialise the values unambiguously (type tag, length, bytes) and hash them with XXH3.
 * The buffer is sized once per row, then filled with plain copies. */
static int content_hash(fset *fs, int64_t *out)
{
    size_t need = 0;
    for (size_t i = 0; i < fs->nfields; i++)
        need += 1 + 8 + (fs->values[i].is_null ? 0 : fs->values[i].len);
    zj_buf *h = &fs->hashbuf;
    zj_buf_clear(h);
    if (zj_buf_reserve(h, need))
        return -1;
    char *p = h->data;
    for (size_t i = 0; i < fs->nfields; i++) {
        const zj_value *v = &fs->values[i];
        zj_type type = fs->fields[i].type;
        *p++ = v->is_null ? 'n' : (char)('a' + type);
        if (v->is_null)
            continue;
        if (type == ZJ_TYPE_INTEGER || type == ZJ_TYPE_BOOL) {
            memcpy(p, &v->i, 8);
            p += 8;
        } else if (type == ZJ_TYPE_REAL) {
            memcpy(p, &v->r, 8);
            p += 8;
        } else {
            uint32_t len = (uint32_t)v->len;
            memcpy(p, &len, 4);
            memcpy(p + 4, v->text, v->len);
            p += 4 + v->len;
        }
    }
    *out = (int64_t)XXH3_64bits(h->data, (size_t)(p - h->data));
    return 0;
}

/* Map every field of fs, then hash the record and build its key. */
static int map_record(zj_row_mapper *rm, fset *fs, const zj_row *row, zj_mapped *out,
                      const char **bad, zj_error *err)
{
    zj_buf_clear(&fs->scratch);
    for (size_t i = 0; i < fs->nfields; i++) {
        int rc = map_field(rm, fs, i, row, bad, err);
        if (rc)
            return rc;
    }
    for (size_t i = 0; i < fs->nfields; i++)
        if (fs->scratch_off[i] != NO_SOURCE)
            fs->values[i].text = fs->scratch.data + fs->scratch_off[i];
    if (rm->m->gcj02 && fs->lat_i != NO_SOURCE && fs->lon_i != NO_SOURCE &&
        !fs->values[fs->lat_i].is_null && !fs->values[fs->lon_i].is_null) {
        zj_value *la = &fs->values[fs->lat_i], *lo = &fs->values[fs->lon_i];
        if (fs->fields[fs->lat_i].type == ZJ_TYPE_REAL &&
            fs->fields[fs->lon_i].type == ZJ_TYPE_REAL)
            zj_gcj02_to_wgs84(la->r, lo->r, &la->r, &lo->r);   /* crs: gcj02 */
    }

    out->skipped = false;
    out->values = fs->values;
    if (content_hash(fs, &out->content_hash))
        return zj_fail(err, ZJ_EDATA, "out of memory");
    if (fs->nkey == 0) {
        snprintf(fs->hexkey, sizeof fs->hexkey, "%016llx",
                 (unsigned long long)(uint64_t)out->content_hash);
        out->key = fs->hexkey;
        out->key_len = 16;
        return ZJ_OK;
    }
    /* A missing key part counts as empty (a natural key such as company + person name + ID
     * number may lack the ID); a key with every part missing identifies nothing. */
    zj_buf_clear(&fs->keybuf);
    size_t present = 0;
    for (size_t k = 0; k < fs->nkey; k++) {
        const zj_value *v = &fs->values[fs->key[k]];
        const zj_field_map *f = &fs->fields[fs->key[k]];
        if (k)
            zj_buf_putc(&fs->keybuf, '\x1f');
        if (v->is_null)
            continue;
        present++;
        if (f->type == ZJ_TYPE_INTEGER || f->type == ZJ_TYPE_BOOL)
            zj_buf_printf(&fs->keybuf, "%lld", (long long)v->i);
        else if (f->type == ZJ_TYPE_REAL)
            zj_buf_printf(&fs->keybuf, "%.17g", v->r);
        else
            zj_buf_append(&fs->keybuf, v->text, v->len);
    }
    if (!present) {
        *bad = fs->fields[fs->key[0]].field;
        return zj_fail(err, ZJ_EDATA, "%severy key field (%s ...) is missing", fs->what, *bad);
    }
    if (!fs->keybuf.data)
        return zj_fail(err, ZJ_EDATA, "out of memory");
    out->key = fs->keybuf.data;
    out->key_len = fs->keybuf.len;
    return ZJ_OK;
}

int zj_mapping_apply(zj_row_mapper *rm, const zj_row *row, zj_mapped *out, const char **bad,
                     zj_error *err)
{
    *bad = NULL;
    if (row->error)
        return zj_fail(err, ZJ_EDATA, "%s", row->error);
    if (rm->expected && row->nfields != rm->expected)
        return zj_fail(err, ZJ_EDATA, "expected %zu fields as in the header, found %zu",
                       rm->expected, row->nfields);
    if (rm->m->v2) {
        zj_rowctx_reset(&rm->x, row);
        rm->cur_target = 0;
        rm->target_started = false;
        if (rm->m->when) {
            bool ok;
            const char *why = NULL;
            int rc = zj_cond_eval(&rm->x, rm->m->when, &ok, &why);
            if (rc == -1)
                return zj_fail(err, ZJ_EDATA, "condition 'when': %s", why);
            if (rc)
                return zj_fail(err, ZJ_EDATA, "out of memory");
            if (!ok) {
                memset(out, 0, sizeof *out);
                out->skipped = true;
                rm->cur_target = rm->m->nrows;     /* nothing from a skipped row */
                return ZJ_OK;
            }
        }
    }
    return map_record(rm, &rm->main, row, out, bad, err);
}

/* How many records `rows:` entry t makes from this row. */
static int target_count(zj_row_mapper *rm, const zj_target *t, long *count, const char **bad,
                        zj_error *err)
{
    *count = 0;
    if (t->when) {
        bool ok;
        const char *why = NULL;
        int rc = zj_cond_eval(&rm->x, t->when, &ok, &why);
        if (rc == -1)
            return zj_fail(err, ZJ_EDATA, "rows[%s] condition: %s", t->name, why);
        if (rc)
            return zj_fail(err, ZJ_EDATA, "out of memory");
        if (!ok)
            return ZJ_OK;
    }
    if (t->groups) {
        *count = (long)t->ngroups;
        return ZJ_OK;
    }
    if (!t->repeat.kind) {
        *count = 1;
        return ZJ_OK;
    }
    zj_span s;
    const char *why = NULL;
    int rc = zj_rowctx_value(&rm->x, &t->repeat, &s, &why);
    double d = 0;
    if (rc == -1 || (s.p && (zj_number_parse(s, ZJ_NUM_PLAIN, 1, 1, &d) || d != floor(d) ||
                             d < 0 || d > (double)t->repeat_max))) {
        *bad = NULL;                   /* not a field: the reason names the column */
        if (rc == -1)
            return zj_fail(err, ZJ_EDATA, "rows[%s] count (column %s): %s", t->name,
                           t->repeat_column, why);
        return zj_fail(err, ZJ_EDATA, "rows[%s] count (column %s): '%.*s' is not a whole number "
                       "from 0 to %ld (raise 'max' if it should be)", t->name, t->repeat_column,
                       QUOTE(s.n), s.p, t->repeat_max);
    }
    if (rc)
        return zj_fail(err, ZJ_EDATA, "out of memory");
    *count = (long)d;
    return ZJ_OK;
}

/* Is every column of unpivot group g missing in this row? */
static bool group_empty(zj_row_mapper *rm, const zj_target *t, size_t g)
{
    const zj_mapping *m = rm->m;
    for (char **p = t->groups[g]; *p; p += 2)
        for (size_t a = 0; a < m->naux; a++)
            if (strcmp(m->aux_columns[a], p[1]) == 0) {
                zj_span s;
                const char *why;
                zj_vref r = {ZJ_VREF_COLUMN, a, 0};
                if (zj_rowctx_value(&rm->x, &r, &s, &why) != 0 || s.p)
                    return false;
            }
    return true;
}

/* Is one of the entry's key fields its records' number (`index: true`)? */
static bool key_has_index(const fset *fs)
{
    for (size_t k = 0; k < fs->nkey; k++)
        if (fs->fields[fs->key[k]].index)
            return true;
    return false;
}

int zj_mapping_next_record(zj_row_mapper *rm, const zj_row *row, size_t *target,
                           zj_mapped *out, const char **bad, zj_error *err)
{
    const zj_mapping *m = rm->m;
    *bad = NULL;
    rm->x.row = row;              /* the same row as zj_mapping_apply's (the caller's copy) */
    while (rm->cur_target < m->nrows) {
        const zj_target *t = &m->rows[rm->cur_target];
        fset *fs = &rm->targets[rm->cur_target];
        if (!rm->target_started) {
            if (target_count(rm, t, &rm->cur_count, bad, err))
                return -1;
            rm->target_started = true;
            rm->cur_k = 0;
        }
        if (rm->cur_k >= rm->cur_count) {
            rm->cur_target++;
            rm->target_started = false;
            continue;
        }
        long k = rm->cur_k++;
        rm->cur_index = k + 1;
        if (t->groups) {
            rm->cur_group = (size_t)k;
            if (group_empty(rm, t, (size_t)k))
                continue;
        }
        const char *main_key = rm->main.nkey ? rm->main.keybuf.data : rm->main.hexkey;
        size_t main_len = rm->main.nkey ? rm->main.keybuf.len : 16;
        if (map_record(rm, fs, row, out, bad, err))
            return -1;
        /* The stable source key. An entry with a `key:` of its own names its records by
         * those fields alone, as a plain mapping with that key would, so the same fact
         * exported by another file of the system (an event file beside a ledger's counts)
         * is the same record; a `repeat:` adds the record's number unless the key holds it
         * already. Without a key: the main record's key, the entry's name and the number. */
        int oom = 0;
        if (!t->key) {
            zj_buf_clear(&fs->keybuf);
            oom = zj_buf_append(&fs->keybuf, main_key, main_len) ||
                  zj_buf_printf(&fs->keybuf, "\x1f%s\x1f%ld", t->name, rm->cur_index) < 0;
        } else if (t->repeat_column && !key_has_index(fs))
            oom = zj_buf_printf(&fs->keybuf, "\x1f%ld", rm->cur_index) < 0;
        if (oom || !fs->keybuf.data)
            return zj_fail(err, ZJ_EDATA, "out of memory"), -1;
        out->key = fs->keybuf.data;
        out->key_len = fs->keybuf.len;
        *target = rm->cur_target;
        return 1;
    }
    return 0;
}
