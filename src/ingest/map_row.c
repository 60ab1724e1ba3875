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

#include "text/date.h"
#include "text/utf8.h"

#define NO_SOURCE ((size_t)-1)

static const char *const default_null_values[] = {"", "NULL", "null", "\\N", NULL};
static const char *const default_true[] = {"1", "true", "t", "yes", "y", "是", "有", NULL};
static const char *const default_false[] = {"0", "false", "f", "no", "n", "否", "无", NULL};

struct zj_row_mapper {
    const zj_mapping *m;
    size_t nfields;
    size_t *src;             /* per field: index of its column in the row, NO_SOURCE for const */
    size_t expected;         /* CSV: number of header columns; 0 = do not check */
    const char **columns;    /* canonical field names, for zj_row_mapper_columns */
    size_t *key;             /* indexes of key fields */
    size_t nkey;
    zj_value *values;
    size_t *scratch_off;     /* per field: offset in scratch, or NO_SOURCE when not in it */
    const char *const *nulls;/* the mapping's null_values, or the defaults */
    size_t null_max_len;     /* longest of them */
    zj_buf scratch;
    zj_buf keybuf;
    zj_buf hashbuf;
    char hexkey[17];
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
    rm->src = calloc(m->nfields, sizeof *rm->src);
    rm->columns = calloc(m->nfields, sizeof *rm->columns);
    rm->key = calloc(m->nfields, sizeof *rm->key);
    rm->values = calloc(m->nfields, sizeof *rm->values);
    rm->scratch_off = calloc(m->nfields, sizeof *rm->scratch_off);
    if (!rm->src || !rm->columns || !rm->key || !rm->values || !rm->scratch_off) {
        zj_row_mapper_free(rm);
        return zj_fail(err, ZJ_EDATA, "out of memory");
    }
    for (size_t i = 0; i < m->nfields; i++) {
        const zj_field_map *f = &m->fields[i];
        rm->columns[i] = f->field;
        if (!f->column) {
            rm->src[i] = NO_SOURCE;
            continue;
        }
        if (!header) {                      /* JSONL: keys arrive in field order */
            rm->src[i] = i;
            continue;
        }
        size_t j;
        for (j = 0; j < header->nfields; j++)
            if (header_matches(header->fields[j], f->column))
                break;
        if (j == header->nfields) {
            zj_buf have = {0};
            for (size_t k = 0; k < header->nfields && k < 40; k++)
                zj_buf_printf(&have, "%s%.*s", k ? ", " : "", (int)header->fields[k].n,
                              header->fields[k].p);
            zj_fail(err, ZJ_EUSAGE, "%s:%d: field '%s': column '%s' is not in the file's "
                    "header (the header has: %s)", m->path, f->line, f->field, f->column,
                    have.data ? have.data : "");
            zj_buf_free(&have);
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
    for (char **k = m->key; k && *k; k++)
        for (size_t i = 0; i < m->nfields; i++)
            if (strcmp(m->fields[i].field, *k) == 0)
                rm->key[rm->nkey++] = i;
    *out = rm;
    return ZJ_OK;
}

void zj_row_mapper_free(zj_row_mapper *rm)
{
    if (!rm)
        return;
    free(rm->src);
    free(rm->columns);
    free(rm->key);
    free(rm->values);
    free(rm->scratch_off);
    zj_buf_free(&rm->scratch);
    zj_buf_free(&rm->keybuf);
    zj_buf_free(&rm->hashbuf);
    free(rm);
}

const char *const *zj_row_mapper_columns(const zj_row_mapper *rm, size_t *n)
{
    *n = rm->nfields;
    return rm->columns;
}

/* ---- transforms ------------------------------------------------------------------------- */

static bool is_ideographic_space(const char *p, size_t n)
{
    return n >= 3 && (unsigned char)p[0] == 0xE3 && (unsigned char)p[1] == 0x80 &&
           (unsigned char)p[2] == 0x80;
}

static zj_span trim(zj_span s)
{
    for (;;) {
        if (s.n && (*s.p == ' ' || *s.p == '\t' || *s.p == '\r' || *s.p == '\n'))
            s.p++, s.n--;
        else if (is_ideographic_space(s.p, s.n))
            s.p += 3, s.n -= 3;
        else
            break;
    }
    for (;;) {
        if (s.n && (s.p[s.n - 1] == ' ' || s.p[s.n - 1] == '\t' || s.p[s.n - 1] == '\r' ||
                    s.p[s.n - 1] == '\n'))
            s.n--;
        else if (s.n >= 3 && is_ideographic_space(s.p + s.n - 3, 3))
            s.n -= 3;
        else
            break;
    }
    return s;
}

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

/* Apply one transform to `in`, appending the result to `out`. */
static int apply_transform(int tx, zj_span in, zj_buf *out)
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
        if (strncasecmp(*list, s.p, s.n) == 0 && (*list)[s.n] == '\0')
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
    char *end;
    errno = 0;
    if (integer && scale == 1.0) {
        long long x = strtoll(tmp, &end, 10);
        if (*end == '\0' && errno == 0) {
            v->i = x;
            return 0;
        }
    }
    double d = strtod(tmp, &end);
    if (*end != '\0' || errno == ERANGE || !isfinite(d))
        return -1;
    d *= scale;
    if (integer) {
        if (d != floor(d) || fabs(d) > 9.2e18)
            return -1;
        v->i = (int64_t)d;
    } else
        v->r = d;
    return 0;
}

/* ---- the row ---------------------------------------------------------------------------- */

/* Reject the row because of field f: *bad names the field, err says why. `what` is the
 * reason (printf-style); a quoted source value is cut to 80 bytes by the callers' "%.*s". */
static int reject(zj_error *err, const zj_field_map *f, const char **bad, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static int reject(zj_error *err, const zj_field_map *f, const char **bad, const char *fmt, ...)
{
    char what[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    *bad = f->field;
    if (f->column)
        return zj_fail(err, ZJ_EDATA, "field '%s' (column %s): %s", f->field, f->column, what);
    return zj_fail(err, ZJ_EDATA, "field '%s': %s", f->field, what);
}

/* At most this many bytes of a source value are quoted in a reason. */
#define QUOTE(n) ((int)((n) > 80 ? 80 : (n)))

/* Append `s` to scratch and remember where it went. */
static int to_scratch(zj_row_mapper *rm, size_t i, zj_span s)
{
    rm->scratch_off[i] = rm->scratch.len;
    rm->values[i].len = s.n;
    return zj_buf_append(&rm->scratch, s.p, s.n);
}

static int map_field(zj_row_mapper *rm, size_t i, const zj_row *row, const char **bad,
                     zj_error *err)
{
    const zj_field_map *f = &rm->m->fields[i];
    zj_value *v = &rm->values[i];
    memset(v, 0, sizeof *v);
    rm->scratch_off[i] = NO_SOURCE;

    zj_span s;
    if (rm->src[i] == NO_SOURCE)
        s = (zj_span){f->constant, strlen(f->constant)};
    else
        s = rm->src[i] < row->nfields ? row->fields[rm->src[i]] : (zj_span){NULL, 0};

    if (s.p && s.n > (f->max_bytes ? f->max_bytes : ZJ_FIELD_MAX_BYTES))
        return reject(err, f, bad, "value of %zu bytes is longer than the field's limit of %zu "
                      "(max_bytes)", s.n, f->max_bytes ? f->max_bytes : ZJ_FIELD_MAX_BYTES);
    if (s.p && !zj_utf8_valid(s.p, s.n))
        return reject(err, f, bad,
                      "invalid byte sequence for the file's encoding (check 'encoding')");
    if (s.p && f->trim)
        s = trim(s);

    /* Transforms chain through scratch: each reads the previous result and appends its
     * own. No transform makes a value longer, so reserving the input's length first means
     * the buffer cannot move while a transform reads from it. */
    for (const int *tx = f->transforms; s.p && *tx; tx++) {
        size_t in_off = rm->scratch_off[i];
        if (zj_buf_reserve(&rm->scratch, s.n + 1))
            return zj_fail(err, ZJ_EDATA, "out of memory");
        if (in_off != NO_SOURCE)
            s.p = rm->scratch.data + in_off;
        size_t start = rm->scratch.len;
        if (apply_transform(*tx, s, &rm->scratch))
            return zj_fail(err, ZJ_EDATA, "out of memory");
        s = (zj_span){rm->scratch.data + start, rm->scratch.len - start};
        rm->scratch_off[i] = start;
    }

    if (s.p && is_null_value(rm, s))
        s.p = NULL;

    if (s.p && f->codes) {
        const zj_code_table *t = f->codes;
        size_t lo = 0, hi = t->nentries;
        const char *to = NULL;
        while (lo < hi) {
            size_t mid = (lo + hi) / 2;
            int c = strncmp(t->entries[mid].from, s.p, s.n);
            if (c == 0 && t->entries[mid].from[s.n] != '\0')
                c = 1;
            if (c == 0) {
                to = t->entries[mid].to;
                break;
            }
            if (c < 0)
                lo = mid + 1;
            else
                hi = mid;
        }
        if (!to)
            to = t->default_to;
        if (!to)
            return reject(err, f, bad, "unknown code '%.*s' (add it to code table '%s')",
                          QUOTE(s.n), s.p, t->name);
        s = (zj_span){to, strlen(to)};
        rm->scratch_off[i] = NO_SOURCE;
    }

    if (!s.p && f->default_value)
        s = (zj_span){f->default_value, strlen(f->default_value)}, rm->scratch_off[i] = NO_SOURCE;
    if (!s.p) {
        v->is_null = true;
        rm->scratch_off[i] = NO_SOURCE;
        if (f->required)
            return reject(err, f, bad, "required value is missing");
        return ZJ_OK;
    }

    switch (f->type) {
    case ZJ_TYPE_TEXT:
        if (rm->scratch_off[i] == NO_SOURCE) {   /* bytes owned by the row or the mapping */
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
            return reject(err, f, bad, "cannot parse date '%.*s': %s", QUOTE(s.n), s.p,
                          why ? why : "no format matched");
        char iso[24];
        int n = zj_date_format_iso(&dt, f->type == ZJ_TYPE_TIMESTAMP, iso, sizeof iso);
        if (to_scratch(rm, i, (zj_span){iso, (size_t)n}))
            return zj_fail(err, ZJ_EDATA, "out of memory");
        return ZJ_OK;
    }
    case ZJ_TYPE_INTEGER:
    case ZJ_TYPE_REAL:
        if (parse_number(s, f->type == ZJ_TYPE_INTEGER, f->scale, v))
            return reject(err, f, bad, "'%.*s' is not %s", QUOTE(s.n), s.p,
                          f->type == ZJ_TYPE_INTEGER ? "a whole number" : "a number");
        rm->scratch_off[i] = NO_SOURCE;
        return ZJ_OK;
    case ZJ_TYPE_BOOL:
        if (in_list(s, f->true_values ? (const char *const *)f->true_values : default_true))
            v->i = 1;
        else if (in_list(s, f->false_values ? (const char *const *)f->false_values
                                            : default_false))
            v->i = 0;
        else
            return reject(err, f, bad, "'%.*s' is not a yes/no value (set 'true'/'false' lists)",
                          QUOTE(s.n), s.p);
        rm->scratch_off[i] = NO_SOURCE;
        return ZJ_OK;
    }
    return ZJ_OK;
}

/* Serialise the values unambiguously (type tag, length, bytes) and hash them with XXH3.
 * The buffer is sized once per row, then filled with plain copies. */
static int content_hash(zj_row_mapper *rm, int64_t *out)
{
    size_t need = 0;
    for (size_t i = 0; i < rm->nfields; i++)
        need += 1 + 8 + (rm->values[i].is_null ? 0 : rm->values[i].len);
    zj_buf *h = &rm->hashbuf;
    zj_buf_clear(h);
    if (zj_buf_reserve(h, need))
        return -1;
    char *p = h->data;
    for (size_t i = 0; i < rm->nfields; i++) {
        const zj_value *v = &rm->values[i];
        zj_type type = rm->m->fields[i].type;
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

int zj_mapping_apply(zj_row_mapper *rm, const zj_row *row, zj_mapped *out, const char **bad,
                     zj_error *err)
{
    *bad = NULL;
    if (row->error)
        return zj_fail(err, ZJ_EDATA, "%s", row->error);
    if (rm->expected && row->nfields != rm->expected)
        return zj_fail(err, ZJ_EDATA, "expected %zu fields as in the header, found %zu",
                       rm->expected, row->nfields);
    zj_buf_clear(&rm->scratch);
    for (size_t i = 0; i < rm->nfields; i++) {
        int rc = map_field(rm, i, row, bad, err);
        if (rc)
            return rc;
    }
    for (size_t i = 0; i < rm->nfields; i++)
        if (rm->scratch_off[i] != NO_SOURCE)
            rm->values[i].text = rm->scratch.data + rm->scratch_off[i];

    out->values = rm->values;
    if (content_hash(rm, &out->content_hash))
        return zj_fail(err, ZJ_EDATA, "out of memory");
    if (rm->nkey == 0) {
        snprintf(rm->hexkey, sizeof rm->hexkey, "%016llx",
                 (unsigned long long)(uint64_t)out->content_hash);
        out->key = rm->hexkey;
        out->key_len = 16;
        return ZJ_OK;
    }
    /* A missing key part counts as empty (a natural key such as company + person name + ID
     * number may lack the ID); a key with every part missing identifies nothing. */
    zj_buf_clear(&rm->keybuf);
    size_t present = 0;
    for (size_t k = 0; k < rm->nkey; k++) {
        const zj_value *v = &rm->values[rm->key[k]];
        const zj_field_map *f = &rm->m->fields[rm->key[k]];
        if (k)
            zj_buf_putc(&rm->keybuf, '\x1f');
        if (v->is_null)
            continue;
        present++;
        if (f->type == ZJ_TYPE_INTEGER || f->type == ZJ_TYPE_BOOL)
            zj_buf_printf(&rm->keybuf, "%lld", (long long)v->i);
        else if (f->type == ZJ_TYPE_REAL)
            zj_buf_printf(&rm->keybuf, "%.17g", v->r);
        else
            zj_buf_append(&rm->keybuf, v->text, v->len);
    }
    if (!present) {
        *bad = rm->m->fields[rm->key[0]].field;
        return zj_fail(err, ZJ_EDATA, "every key field (%s ...) is missing", *bad);
    }
    if (!rm->keybuf.data)
        return zj_fail(err, ZJ_EDATA, "out of memory");
    out->key = rm->keybuf.data;
    out->key_len = rm->keybuf.len;
    return ZJ_OK;
}
