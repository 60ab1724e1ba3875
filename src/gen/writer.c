/* writer.c - buffered CSV / JSON Lines writers for the synthetic exports, with file-level dirt.
 *
 * A row is built field by field (each field already encoded: CSV-quoted when needed, or a
 * JSON "key":value pair), then committed to a large output buffer; the buffer is flushed
 * with one fwrite per megabyte, converted to GB18030 through iconv first when the export
 * says so. No allocation per row: buffers grow to the longest row once and are reused.
 *
 * The writer plants the dirt that belongs to the file rather than to a value:
 *  - exact duplicate rows (rate zg_dirt.duplicate_rows): the importer counts them unchanged;
 *  - malformed rows (about one per 1/zg_dirt.malformed_rows rows, at least one, at most
 *    ZG_MAX_BAD per file): an extra, corrupted copy of the row just written - wrong field
 *    count, an impossible date, a byte that is invalid in the file's encoding, text after a
 *    closing quote, truncated JSON - and, for CSV, an unterminated quoted field as the very
 *    last row. Their physical line numbers go to the manifest, so a test can demand that the
 *    importer rejects exactly those lines.
 * Malformed rows are always extra copies, so no record is lost to them.
 */
#include <assert.h>
#include <errno.h>
#include <iconv.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "gen/internal.h"
#include "gen/layout.h"

#define FLUSH_AT (1u << 20)
#define ZG_MAX_BAD 60

static int flush(zg_writer *w)
{
    if (!w->out.len || w->err)
        return w->err;
    const char *p = w->out.data;
    size_t n = w->out.len;
    if (w->cd) {
        if (zj_buf_reserve(&w->conv, n * 2 + 16))
            return w->err = ENOMEM;
        char *in = w->out.data, *outp = w->conv.data;
        size_t inleft = n, outleft = w->conv.cap - 1;
        if (iconv((iconv_t)w->cd, &in, &inleft, &outp, &outleft) == (size_t)-1)
            return w->err = errno ? errno : EILSEQ;
        p = w->conv.data;
        n = (size_t)(outp - w->conv.data);
    }
    if (fwrite(p, 1, n, w->f) != n)
        return w->err = errno ? errno : EIO;
    w->bytes += (int64_t)n;
    zj_buf_clear(&w->out);
    return 0;
}

/* Write bytes that must not go through the converter (deliberately invalid ones). */
static int write_raw(zg_writer *w, const char *p, size_t n)
{
    if (flush(w))
        return w->err;
    if (fwrite(p, 1, n, w->f) != n)
        return w->err = errno ? errno : EIO;
    w->bytes += (int64_t)n;
    return 0;
}

static void schedule_bad(zg_writer *w)
{
    zg_rng r;
    zg_rng_at(&r, w->g->seed, ZG_S_DIRT, ((uint64_t)w->fileno_ << 32) + (uint64_t)w->nbad);
    int64_t mean = (int64_t)(1.0 / zg_dirt.malformed_rows);
    w->next_bad = w->nbad == 0 ? 2 + (int64_t)zg_below(&r, 5)
                               : w->rows + 1 + (int64_t)zg_below(&r, (uint32_t)(2 * mean));
}

int zg_writer_open(zg *g, zg_writer *w, const zg_export *x, int fileno_, zj_error *err)
{
    memset(w, 0, sizeof *w);
    w->g = g;
    w->x = x;
    w->fileno_ = fileno_;
    w->date_col = -1;
    for (int i = 0, f = 0; i < x->ncols && w->date_col < 0; i++) {
        if (!x->cols[i].column)
            continue;
        if (x->cols[i].style) {
            w->date_col = f;
            w->date_spec = i;
        }
        f++;
    }
    zj_buf p = {0};
    if (zj_buf_printf(&p, "%s/%s", g->dir, x->file))
        return zj_fail(err, ZJ_EDATA, "out of memory");
    w->path = zj_buf_take(&p);
    w->f = fopen(w->path, "wb");
    if (!w->f) {
        zj_fail(err, ZJ_EDATA, "cannot create '%s': %s", w->path, strerror(errno));
        free(w->path);
        return ZJ_EDATA;
    }
    if (x->encoding == ZG_GB18030) {
        iconv_t cd = iconv_open("GB18030", "UTF-8");
        if (cd == (iconv_t)-1) {
            fclose(w->f);
            zj_fail(err, ZJ_EDATA, "iconv cannot convert UTF-8 to GB18030: %s", strerror(errno));
            free(w->path);
            return ZJ_EDATA;
        }
        w->cd = cd;
    }
    for (int i = 0; i < x->ncols && i < 64; i++)
        w->keylen[i] = x->cols[i].column ? strlen(x->cols[i].column) : 0;
    for (int c = 0; c < 256; c++)
        w->special[c] = x->format == ZG_JSONL ? (c < 0x20 || c == '"' || c == '\\')
                                              : (c == (unsigned char)x->delimiter || c == '"' ||
                                                 c == '\n' || c == '\r');
    if (zj_buf_reserve(&w->out, FLUSH_AT + 65536) || zj_buf_reserve(&w->row, 4096))
        return zj_fail(err, ZJ_EDATA, "out of memory");
    if (x->format == ZG_CSV) {
        for (int i = 0, f = 0; i < x->ncols; i++) {
            if (!x->cols[i].column)
                continue;
            if (f++)
                zj_buf_putc(&w->out, x->delimiter);
            zj_buf_puts(&w->out, x->cols[i].column);
        }
        zj_buf_putc(&w->out, '\n');
        w->line = 1;
    }
    schedule_bad(w);
    return ZJ_OK;
}

void zg_writer_foreign(zg_writer *w, const zg_foreign *fx)
{
    w->fx = fx;
    for (int i = 0; i < fx->x->ncols && i < 64; i++) {
        w->src[i] = -1;
        for (int k = 0; fx->x->cols[i].field && k < fx->base->ncols; k++)
            if (strcmp(fx->x->cols[i].field, fx->base->cols[k].field) == 0)
                w->src[i] = k;
        /* a re-rendered column shows a default column: a misspelt field is a bug here */
        assert(fx->direct || w->src[i] >= 0);
    }
    /* ... and every default column is shown: a column added to the default layout and not
     * to the foreign one would lose its facts there */
    for (int k = 0; !fx->direct && k < fx->base->ncols; k++) {
        bool shown = !fx->base->cols[k].column;
        for (int i = 0; i < fx->x->ncols && !shown; i++)
            shown = w->src[i] == k;
        assert(shown);
        (void)shown;
    }
}

void zg_row_begin(zg_writer *w)
{
    zj_buf_clear(&w->row);
    w->col = 0;
    w->nf = 0;
    if (w->fx && !w->fx->direct) {
        zj_buf_clear(&w->capbuf);
        memset(w->cap, 0, sizeof w->cap);
    }
}

/* A foreign layout's writer keeps the values of the default columns (in the default layout's
 * order) until the row ends; true when the value was captured. */
static zg_cap *capture(zg_writer *w, int kind)
{
    if (!w->fx || w->rendering || w->fx->direct)
        return NULL;
    const zg_export *b = w->fx->base;
    while (w->col < b->ncols && !b->cols[w->col].column)
        w->col++;
    assert(w->col < b->ncols && b->ncols <= 64);
    zg_cap *c = &w->cap[w->col++];
    c->kind = kind;
    return c;
}

/* Skip constant fields (they have no column in the file). */
static void skip_const(zg_writer *w)
{
    while (w->col < w->x->ncols && !w->x->cols[w->col].column)
        w->col++;
}

static void field_start(zg_writer *w)
{
    skip_const(w);
    assert(w->col < w->x->ncols && w->x->ncols < 64);
    w->off[w->nf] = w->row.len;
    if (w->x->format == ZG_JSONL) {
        const char *k = w->x->cols[w->col].column;
        size_t kl = w->keylen[w->col];
        if (zj_buf_reserve(&w->row, kl + 3))
            return;
        char *o = w->row.data + w->row.len;
        *o++ = '"';
        memcpy(o, k, kl);
        o += kl;
        *o++ = '"';
        *o++ = ':';
        w->row.len = (size_t)(o - w->row.data);
    }
}

static void field_end(zg_writer *w)
{
    w->col++;
    w->nf++;
    w->off[w->nf] = w->row.len;
}

void zg_sn(zg_writer *w, const char *s, size_t n)
{
    zg_cap *c = capture(w, s ? ZG_CAP_STR : ZG_CAP_NULL);
    if (c) {
        c->off = w->capbuf.len;
        c->len = n;
        if (s && zj_buf_append(&w->capbuf, s, n))
            w->err = ENOMEM;
        return;
    }
    field_start(w);
    if (!s) {
        if (w->x->format == ZG_JSONL)
            zj_buf_append(&w->row, "null", 4);
        field_end(w);
        return;
    }
    /* Fast path: most values need no quoting or escaping and are copied in one go. */
    const unsigned char *u = (const unsigned char *)s;
    bool plain = true;
    for (size_t i = 0; i < n && plain; i++)    /* bytes needing quotes or escapes */
        plain = !w->special[u[i]];
    if (zj_buf_reserve(&w->row, 2 * n + 8)) {
        w->err = ENOMEM;
        return;
    }
    char *o = w->row.data + w->row.len;
    bool json = w->x->format == ZG_JSONL;
    if (plain) {
        if (json)
            *o++ = '"';
        memcpy(o, s, n);
        o += n;
        if (json)
            *o++ = '"';
    } else if (json) {
        *o++ = '"';
        for (size_t i = 0; i < n; i++) {
            unsigned char c = u[i];
            if (c == '"' || c == '\\') {
                *o++ = '\\';
                *o++ = (char)c;
            } else if (c < 0x20) {
                static const char hex[] = "0123456789abcdef";
                w->row.len = (size_t)(o - w->row.data);
                zj_buf_reserve(&w->row, 6 * (n - i) + 8);
                o = w->row.data + w->row.len;
                memcpy(o, "\\u00", 4);
                o[4] = hex[c >> 4];
                o[5] = hex[c & 15];
                o += 6;
            } else
                *o++ = (char)c;
        }
        *o++ = '"';
    } else {
        *o++ = '"';
        for (size_t i = 0; i < n; i++) {
            if (s[i] == '"')
                *o++ = '"';
            *o++ = s[i];
        }
        *o++ = '"';
    }
    w->row.len = (size_t)(o - w->row.data);
    w->row.data[w->row.len] = '\0';
    field_end(w);
}

void zg_s(zg_writer *w, const char *s)
{
    zg_sn(w, s, s ? strlen(s) : 0);
}

void zg_null(zg_writer *w)
{
    zg_sn(w, NULL, 0);
}

int zg_fmt_int(char *p, int64_t n, int width)
{
    static const char pairs[] = "00010203040506070809101112131415161718192021222324252627282930"
                                "31323334353637383940414243444546474849505152535455565758596061"
                                "62636465666768697071727374757677787980818283848586878889909192"
                                "93949596979899";
    char tmp[24];
    int len = 0;
    bool neg = n < 0;
    uint64_t u = neg ? (uint64_t)(-(n + 1)) + 1 : (uint64_t)n;
    while (u >= 100) {
        unsigned d = (unsigned)(u % 100);
        u /= 100;
        tmp[len++] = pairs[2 * d + 1];
        tmp[len++] = pairs[2 * d];
    }
    if (u >= 10) {
        tmp[len++] = pairs[2 * u + 1];
        tmp[len++] = pairs[2 * u];
    } else
        tmp[len++] = (char)('0' + u);
    while (len < width)
        tmp[len++] = '0';
    int k = 0;
    if (neg)
        p[k++] = '-';
    while (len)
        p[k++] = tmp[--len];
    p[k] = '\0';
    return k;
}

/* Numbers are bare in both formats (CSV never needs to quote them). */
static void raw_field(zg_writer *w, const char *s, size_t n)
{
    field_start(w);
    zj_buf_append(&w->row, s, n);
    field_end(w);
}

void zg_i(zg_writer *w, int64_t v)
{
    zg_cap *c = capture(w, ZG_CAP_INT);
    if (c) {
        c->i = v;
        return;
    }
    char b[24];
    int n = zg_fmt_int(b, v, 1);
    raw_field(w, b, (size_t)n);
}

static int fmt_fixed(char *b, double v, int decimals, bool thousands)
{
    bool neg = v < 0;
    if (neg)
        v = -v;
    int64_t scale = decimals == 2 ? 100 : 1000000;
    int64_t t = (int64_t)(v * (double)scale + 0.5);
    int64_t ip = t / scale, fp = t % scale;
    char ib[32];
    int n = zg_fmt_int(ib, ip, 1), k = 0;
    if (neg)
        b[k++] = '-';
    for (int i = 0; i < n; i++) {
        if (thousands && i && (n - i) % 3 == 0)
            b[k++] = ',';
        b[k++] = ib[i];
    }
    b[k++] = '.';
    k += zg_fmt_int(b + k, fp, decimals);
    return k;
}

void zg_money(zg_writer *w, double v)
{
    zg_cap *c = capture(w, ZG_CAP_MONEY);
    if (c) {
        c->d = v;
        return;
    }
    skip_const(w);
    const char *o = w->x->cols[w->col].opts;
    bool thousands = o && strstr(o, "strip_thousands");
    char b[64];
    int n = fmt_fixed(b, v, 2, thousands);
    if (thousands && w->x->format == ZG_CSV)
        zg_sn(w, b, (size_t)n);     /* quotes it: the separators are commas */
    else if (w->x->format == ZG_JSONL && thousands)
        zg_sn(w, b, (size_t)n);
    else
        raw_field(w, b, (size_t)n);
}

void zg_f6(zg_writer *w, double v)
{
    zg_cap *c = capture(w, ZG_CAP_F6);
    if (c) {
        c->d = v;
        return;
    }
    char b[64];
    int n = fmt_fixed(b, v, 6, false);
    raw_field(w, b, (size_t)n);
}

/* Format t in `style`; returns the length. */
static int fmt_time(char *b, int64_t t, int style)
{
    int64_t days = t >= 0 ? t / ZG_DAY : -((-t + ZG_DAY - 1) / ZG_DAY);
    int secs = (int)(t - days * ZG_DAY);
    int y, m, d, hh = secs / 3600, mi = secs / 60 % 60, ss = secs % 60;
    zg_ymd((int)days, &y, &m, &d);
    int k = 0;
    switch (style) {
    case ZG_ISO_DATE:
    case ZG_ISO_TS:
    case ZG_ISO_T:
    case ZG_DOT_DATE: {
        char sep = style == ZG_DOT_DATE ? '.' : '-';
        k += zg_fmt_int(b + k, y, 4);
        b[k++] = sep;
        k += zg_fmt_int(b + k, m, 2);
        b[k++] = sep;
        k += zg_fmt_int(b + k, d, 2);
        if (style == ZG_ISO_TS || style == ZG_ISO_T) {
            b[k++] = style == ZG_ISO_T ? 'T' : ' ';
            k += zg_fmt_int(b + k, hh, 2);
            b[k++] = ':';
            k += zg_fmt_int(b + k, mi, 2);
            b[k++] = ':';
            k += zg_fmt_int(b + k, ss, 2);
        }
        break;
    }
    case ZG_SLASH_MIN:
    case ZG_SLASH_DATE:
        k += zg_fmt_int(b + k, y, 4);
        b[k++] = '/';
        k += zg_fmt_int(b + k, m, 2);
        b[k++] = '/';
        k += zg_fmt_int(b + k, d, 2);
        if (style == ZG_SLASH_MIN) {
            b[k++] = ' ';
            k += zg_fmt_int(b + k, hh, 2);
            b[k++] = ':';
            k += zg_fmt_int(b + k, mi, 2);
        }
        break;
    case ZG_CN_DATE:
    case ZG_CN_MIN:
        k += zg_fmt_int(b + k, y, 4);
        memcpy(b + k, "年", 3), k += 3;
        k += zg_fmt_int(b + k, m, 1);
        memcpy(b + k, "月", 3), k += 3;
        k += zg_fmt_int(b + k, d, 1);
        memcpy(b + k, "日", 3), k += 3;
        if (style == ZG_CN_MIN) {
            b[k++] = ' ';
            k += zg_fmt_int(b + k, hh, 2);
            memcpy(b + k, "时", 3), k += 3;
            k += zg_fmt_int(b + k, mi, 2);
            memcpy(b + k, "分", 3), k += 3;
        }
        break;
    case ZG_COMPACT_DATE:
    case ZG_COMPACT_TS:
        k += zg_fmt_int(b + k, y, 4);
        k += zg_fmt_int(b + k, m, 2);
        k += zg_fmt_int(b + k, d, 2);
        if (style == ZG_COMPACT_TS) {
            k += zg_fmt_int(b + k, hh, 2);
            k += zg_fmt_int(b + k, mi, 2);
            k += zg_fmt_int(b + k, ss, 2);
        }
        break;
    }
    b[k] = '\0';
    return k;
}

static bool style_has_time(int style)
{
    return style == ZG_ISO_TS || style == ZG_ISO_T || style == ZG_SLASH_MIN ||
           style == ZG_CN_MIN || style == ZG_COMPACT_TS;
}

void zg_key_time(int64_t t, int style, bool timestamp, char out[24])
{
    int64_t days = t >= 0 ? t / ZG_DAY : -((-t + ZG_DAY - 1) / ZG_DAY);
    if (!style_has_time(style))
        t = days * ZG_DAY;
    fmt_time(out, t, timestamp ? ZG_ISO_TS : ZG_ISO_DATE);
}

/* Formatted dates are looked up, not computed: per style, the date part of every day from
 * 1940 to 2030 is formatted once on first use (about 30k days). */
#define CACHE_DAY0 (-10957)          /* 1940-01-01 */
#define CACHE_DAYS 33238             /* .. 2030-12-31 */
typedef struct date_cache {
    char (*text)[24];
    unsigned char *len;
} date_cache;
static date_cache caches[ZG_DOT_DATE + 1];

static bool cached_date(int style, int64_t day, const char **p, size_t *n)
{
    if (day < CACHE_DAY0 || day >= CACHE_DAY0 + CACHE_DAYS || style == ZG_NONE)
        return false;
    date_cache *c = &caches[style];
    if (!c->text) {
        c->text = malloc((size_t)CACHE_DAYS * sizeof *c->text);
        c->len = malloc(CACHE_DAYS);
        if (!c->text || !c->len) {
            free(c->text);
            free(c->len);
            c->text = NULL;
            c->len = NULL;
            return false;
        }
        int date_style = style == ZG_ISO_TS || style == ZG_ISO_T ? ZG_ISO_DATE
                       : style == ZG_SLASH_MIN ? ZG_SLASH_DATE
                       : style == ZG_CN_MIN ? ZG_CN_DATE
                       : style == ZG_COMPACT_TS ? ZG_COMPACT_DATE : style;
        for (int i = 0; i < CACHE_DAYS; i++)
            c->len[i] = (unsigned char)fmt_time(c->text[i], (int64_t)(CACHE_DAY0 + i) * ZG_DAY,
                                                date_style);
    }
    *p = c->text[day - CACHE_DAY0];
    *n = c->len[day - CACHE_DAY0];
    return true;
}

void zg_gen_caches_free(void)
{
    for (size_t i = 0; i < sizeof caches / sizeof caches[0]; i++) {
        free(caches[i].text);
        free(caches[i].len);
        caches[i].text = NULL;
        caches[i].len = NULL;
    }
}

static void two(char *o, int v)
{
    o[0] = (char)('0' + v / 10);
    o[1] = (char)('0' + v % 10);
}

void zg_time(zg_writer *w, int64_t t)
{
    zg_cap *c = capture(w, ZG_CAP_TIME);
    if (c) {
        c->i = t;
        return;
    }
    char b[64];
    skip_const(w);
    int style = w->x->cols[w->col].style;
    int64_t day = t >= 0 ? t / ZG_DAY : -((-t + ZG_DAY - 1) / ZG_DAY);
    const char *dp;
    size_t dn;
    if (!cached_date(style, day, &dp, &dn)) {
        int n = fmt_time(b, t, style);
        zg_sn(w, b, (size_t)n);
        return;
    }
    /* the date from the cache, the time of day appended by hand: no quoting ever needed */
    int secs = (int)(t - day * ZG_DAY), hh = secs / 3600, mi = secs / 60 % 60, ss = secs % 60;
    memcpy(b, dp, dn);
    char *o = b + dn;
    switch (style) {
    case ZG_ISO_TS:
    case ZG_ISO_T:
        *o++ = style == ZG_ISO_T ? 'T' : ' ';
        two(o, hh), o[2] = ':', two(o + 3, mi), o[5] = ':', two(o + 6, ss);
        o += 8;
        break;
    case ZG_SLASH_MIN:
        *o++ = ' ';
        two(o, hh), o[2] = ':', two(o + 3, mi);
        o += 5;
        break;
    case ZG_CN_MIN:
        *o++ = ' ';
        two(o, hh);
        memcpy(o + 2, "时", 3);
        two(o + 5, mi);
        memcpy(o + 7, "分", 3);
        o += 10;
        break;
    case ZG_COMPACT_TS:
        two(o, hh), two(o + 2, mi), two(o + 4, ss);
        o += 6;
        break;
    }
    size_t n = (size_t)(o - b);
    field_start(w);
    bool json = w->x->format == ZG_JSONL;
    if (zj_buf_reserve(&w->row, n + 2)) {
        w->err = ENOMEM;
        return;
    }
    char *r = w->row.data + w->row.len;
    if (json)
        *r++ = '"';
    memcpy(r, b, n);
    r += n;
    if (json)
        *r++ = '"';
    w->row.len = (size_t)(r - w->row.data);
    w->row.data[w->row.len] = '\0';
    field_end(w);
}

void zg_day(zg_writer *w, int day)
{
    zg_time(w, (int64_t)day * ZG_DAY);
}

/* An impossible date (30 February) in the style of column c. */
static int impossible_date(char *b, int style)
{
    int n = fmt_time(b, ZG_T(zg_days(2021, 2, 28), 10, 0), style);
    /* replace the day 28 by 30 wherever the style printed it */
    char *p = strstr(b, "28");
    if (p)
        p[0] = '3', p[1] = '0';
    return n;
}

/* Append the committed form of the current row (fields off[a..b) as given) to dst. */
static void serialise(zg_writer *w, zj_buf *dst, int skip_last, int replace_col,
                      const char *repl, size_t repl_n)
{
    int n = w->nf - (skip_last ? 1 : 0);
    bool json = w->x->format == ZG_JSONL;
    if (zj_buf_reserve(dst, w->row.len + repl_n + (size_t)n + 8)) {
        w->err = ENOMEM;
        return;
    }
    char *o = dst->data + dst->len;
    if (json)
        *o++ = '{';
    for (int i = 0; i < n; i++) {
        if (i)
            *o++ = json ? ',' : w->x->delimiter;
        if (i == replace_col) {
            memcpy(o, repl, repl_n);
            o += repl_n;
        } else {
            size_t l = w->off[i + 1] - w->off[i];
            memcpy(o, w->row.data + w->off[i], l);
            o += l;
        }
    }
    if (json)
        *o++ = '}';
    *o++ = '\n';
    dst->len = (size_t)(o - dst->data);
    dst->data[dst->len] = '\0';
}

static void add_bad(zg_writer *w, const char *kind)
{
    w->rows++;
    w->line++;
    w->bad_lines[w->nbad] = w->line;
    w->bad_kinds[w->nbad] = kind;
    w->nbad++;
}

/* Write a corrupted copy of the current row as an extra row. */
static int write_malformed(zg_writer *w)
{
    int kind = w->nbad % 3;
    if (kind == 1 && w->date_col < 0)
        kind = 0;
    bool jsonl = w->x->format == ZG_JSONL;
    if (kind == 0) {
        if (jsonl) {           /* truncated JSON: the closing brace is missing */
            size_t at = w->out.len;
            serialise(w, &w->out, 0, -1, NULL, 0);
            w->out.len -= 2;
            w->out.data[w->out.len++] = '\n';
            w->out.data[w->out.len] = '\0';
            (void)at;
            add_bad(w, "truncated_json");
        } else {               /* one field too few */
            serialise(w, &w->out, 1, -1, NULL, 0);
            add_bad(w, "field_count");
        }
    } else if (kind == 1) {
        char d[96];
        int n = 0;
        if (jsonl) {
            n = (int)strlen(w->x->cols[w->date_spec].column);
            d[0] = '"';
            memcpy(d + 1, w->x->cols[w->date_spec].column, (size_t)n);
            memcpy(d + 1 + n, "\":\"", 3);
            n += 4;
            n += impossible_date(d + n, w->x->cols[w->date_spec].style);
            d[n++] = '"';
        } else
            n = impossible_date(d, w->x->cols[w->date_spec].style);
        serialise(w, &w->out, 0, w->date_col, d, (size_t)n);
        add_bad(w, "impossible_date");
    } else {
        /* A 0xFF byte is invalid in UTF-8 and in GB18030 alike. It goes into the first
         * field's value, past the conversion. */
        zj_buf tmp = {0};
        serialise(w, &tmp, 0, -1, NULL, 0);
        size_t at = 0;
        if (jsonl) {
            char *q = strstr(tmp.data, "\":\"");
            at = q ? (size_t)(q - tmp.data) + 3 : 1;
        } else if (tmp.data[0] == '"')
            at = 1;
        if (flush(w)) {
            zj_buf_free(&tmp);
            return w->err;
        }
        /* convert the row, then splice the byte in at the same place */
        zj_buf conv = {0};
        if (w->cd) {
            for (int part = 0; part < 2; part++) {
                char *in = part ? tmp.data + at : tmp.data;
                size_t inleft = part ? tmp.len - at : at;
                zj_buf_reserve(&conv, inleft * 2 + 8);
                char *outp = conv.data + conv.len;
                size_t outleft = conv.cap - conv.len - 1;
                iconv((iconv_t)w->cd, &in, &inleft, &outp, &outleft);
                conv.len = (size_t)(outp - conv.data);
                if (!part)
                    zj_buf_putc(&conv, (char)0xFF);
            }
        } else {
            zj_buf_append(&conv, tmp.data, at);
            zj_buf_putc(&conv, (char)0xFF);
            zj_buf_append(&conv, tmp.data + at, tmp.len - at);
        }
        write_raw(w, conv.data, conv.len);
        zj_buf_free(&conv);
        zj_buf_free(&tmp);
        add_bad(w, "invalid_bytes");
    }
    return w->err;
}

int zg_row_end(zg_writer *w)
{
    if (w->fx && !w->fx->direct && !w->err) {
        w->rendering = true;
        zj_buf_clear(&w->row);
        w->col = 0;
        w->nf = 0;
        zg_foreign_render(w);
        w->rendering = false;
    }
    if (w->err)
        return w->err;
    serialise(w, &w->out, 0, -1, NULL, 0);
    w->rows++;
    w->line++;
    zg_rng r;
    zg_rng_at(&r, w->g->seed, ZG_S_DIRT, ((uint64_t)(w->fileno_ + 100) << 40) + (uint64_t)w->rows);
    if (zg_chance(&r, zg_dirt.duplicate_rows)) {
        serialise(w, &w->out, 0, -1, NULL, 0);
        w->rows++;
        w->line++;
        w->dups++;
    }
    if (w->rows >= w->next_bad && w->nbad < ZG_MAX_BAD - 1) {
        write_malformed(w);
        schedule_bad(w);
    }
    if (w->out.len >= FLUSH_AT)
        flush(w);
    return w->err;
}

int zg_writer_close(zg_writer *w, zj_error *err)
{
    /* A ledger's total line, before the truncated last row: "合计,共N件,,,..." */
    if (!w->err && w->fx && w->fx->total && w->x->format == ZG_CSV) {
        zj_buf_printf(&w->out, "%s%c共%lld件", w->fx->total, w->x->delimiter,
                      (long long)(w->rows - w->dups - w->nbad));
        for (int i = 2; i < w->x->ncols; i++)
            zj_buf_putc(&w->out, w->x->delimiter);
        zj_buf_putc(&w->out, '\n');
        w->rows++;
        w->line++;
        w->skipped++;
    }
    /* CSV files end with a row whose quoted field never closes (a truncated export). */
    if (!w->err && w->x->format == ZG_CSV && w->rows > 0 && w->nbad < ZG_MAX_BAD) {
        zj_buf_putc(&w->out, '"');
        zj_buf_puts(&w->out, "导出中断");
        zj_buf_putc(&w->out, w->x->delimiter);
        zj_buf_puts(&w->out, "未完成\n");
        add_bad(w, "unterminated_quote");
    }
    flush(w);
    int rc = ZJ_OK;
    if (w->f && fclose(w->f) && !w->err)
        w->err = errno ? errno : EIO;
    w->f = NULL;
    if (w->err)
        rc = zj_fail(err, ZJ_EDATA, "cannot write '%s': %s", w->path, strerror(w->err));
    if (w->cd)
        iconv_close((iconv_t)w->cd);
    w->cd = NULL;
    zj_buf_free(&w->out);
    zj_buf_free(&w->conv);
    zj_buf_free(&w->row);
    zj_buf_free(&w->capbuf);
    free(w->path);
    w->path = NULL;
    return rc;
}
