/* jsonl.c - the JSON Lines reader (see jsonl.h).
 *
 * Lines are cut from a read buffer with memchr and parsed by cJSON one at a time; the tree of
 * the current line is kept until the next call because string fields point into it. Numbers,
 * arrays and objects need text of their own: it is written into `text`, a buffer reused for
 * every line, and the spans are pointed into it only once all fields are formatted (appending
 * may move the buffer).
 *
 * cJSON is given each line NUL-terminated (the '\n' is overwritten): some cJSON versions read
 * one byte past the length they are given (cJSON issue #804), which then stays in our buffer.
 * cJSON cannot tell an allocation failure from invalid input (both return NULL), so running
 * out of memory while parsing a line shows up as "invalid JSON" for that line; cJSON's
 * allocator hooks are process-global, so we leave them alone.
 */
#include "ingest/jsonl.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"

#define MAX_LINE ((size_t)16 << 20)     /* a longer line is "record too long" */
#define INITIAL_BUF ((size_t)1 << 16)

/* Where a field's text is: borrowed (from cJSON or a literal), in `text`, or absent. */
struct value {
    const char *p;      /* borrowed text, or NULL */
    size_t off;         /* in `text`, when in_text */
    size_t n;
    bool in_text;
};

struct zj_jsonl {
    zj_input *in;                       /* borrowed */
    char *buf;                          /* buf[pos..len) not yet consumed; buf[len] == '\0' */
    size_t cap, len, pos;
    size_t scanned;                     /* buf[pos..scanned) holds no '\n' */
    bool eof;
    bool discard;                       /* the current line is too long: dropping its bytes */
    int64_t line;                       /* number of the last line handed out */

    char **keys;                        /* the caller's keys, copied */
    size_t nkeys;
    struct value *values;               /* one per key */
    zj_span *spans;                     /* one per key; what zj_jsonl_next hands out */

    zj_span raw;                        /* the current line's text */
    cJSON *root;                        /* the current line's tree */
    zj_buf text;                        /* formatted numbers and nested JSON */
};

zj_jsonl *zj_jsonl_new(zj_input *in)
{
    zj_jsonl *r = calloc(1, sizeof *r);
    if (!r)
        return NULL;
    r->in = in;
    r->cap = INITIAL_BUF;
    r->buf = malloc(r->cap);
    if (!r->buf) {
        free(r);
        return NULL;
    }
    r->buf[0] = '\0';
    return r;
}

static void free_keys(zj_jsonl *r)
{
    for (size_t i = 0; i < r->nkeys; i++)
        free(r->keys[i]);
    free(r->keys);
    free(r->values);
    free(r->spans);
    r->keys = NULL;
    r->values = NULL;
    r->spans = NULL;
    r->nkeys = 0;
}

int zj_jsonl_set_keys(zj_jsonl *r, const char *const *keys, size_t nkeys)
{
    free_keys(r);
    if (nkeys == 0)
        return 0;
    r->keys = calloc(nkeys, sizeof *r->keys);
    r->values = calloc(nkeys, sizeof *r->values);
    r->spans = calloc(nkeys, sizeof *r->spans);
    if (!r->keys || !r->values || !r->spans) {
        free_keys(r);
        return -1;
    }
    r->nkeys = nkeys;
    for (size_t i = 0; i < nkeys; i++) {
        r->keys[i] = strdup(keys[i]);
        if (!r->keys[i]) {
            free_keys(r);
            return -1;
        }
    }
    return 0;
}

void zj_jsonl_free(zj_jsonl *r)
{
    if (!r)
        return;
    free_keys(r);
    cJSON_Delete(r->root);
    zj_buf_free(&r->text);
    free(r->buf);
    free(r);
}

/* Cut the next line (without its '\n', NUL-terminated in place) into *s, *n. *too_long is set
 * when the line exceeded MAX_LINE and its bytes were dropped. Returns 1, 0 at end of input,
 * -1 on an I/O error or out of memory (err set). */
static int next_line(zj_jsonl *r, char **s, size_t *n, bool *too_long, zj_error *err)
{
    for (;;) {
        char *nl = memchr(r->buf + r->scanned, '\n', r->len - r->scanned);
        if (nl || (r->eof && (r->pos < r->len || r->discard))) {
            char *e = nl ? nl : r->buf + r->len;
            *e = '\0';
            *s = r->buf + r->pos;
            *n = (size_t)(e - *s);
            *too_long = r->discard || *n > MAX_LINE;
            r->discard = false;
            r->pos = r->scanned = nl ? (size_t)(nl + 1 - r->buf) : r->len;
            return 1;
        }
        if (r->eof)
            return 0;
        r->scanned = r->len;
        if (!r->discard && r->len - r->pos > MAX_LINE)
            r->discard = true;
        size_t drop = r->discard ? r->len : r->pos;
        memmove(r->buf, r->buf + drop, r->len - drop);
        r->len -= drop;
        r->scanned -= drop;
        r->pos = 0;
        if (r->cap - 1 - r->len < r->cap / 4) {
            char *b = realloc(r->buf, r->cap * 2);
            if (!b) {
                zj_fail(err, ZJ_EDATA, "line %lld: out of memory", (long long)r->line + 1);
                return -1;
            }
            r->buf = b;
            r->cap *= 2;
        }
        ssize_t got = zj_input_read(r->in, r->buf + r->len, r->cap - 1 - r->len, err);
        if (got < 0)
            return -1;
        if (got == 0)
            r->eof = true;
        r->len += (size_t)got;
        r->buf[r->len] = '\0';
    }
}

/* Does the line hold a NUL character written as the JSON escape \u0000 (a backslash that is
 * not itself escaped)? cJSON would cut the string there. */
static bool has_escaped_nul(const char *s, size_t n)
{
    const char *p = s, *end = s + n;
    while ((p = memmem(p, (size_t)(end - p), "u0000", 5)) != NULL) {
        size_t bs = 0;
        while (p - bs > s && p[-1 - (ptrdiff_t)bs] == '\\')
            bs++;
        if (bs % 2 == 1)
            return true;
        p += 5;
    }
    return false;
}

zj_span zj_jsonl_raw(const zj_jsonl *r) { return r->raw; }

static bool is_space(char ch) { return ch == ' ' || ch == '\t' || ch == '\r' || ch == '\n'; }

/* The member of `obj` whose key is name[0..n), or NULL. */
static const cJSON *member(const cJSON *obj, const char *name, size_t n)
{
    for (const cJSON *it = obj->child; it; it = it->next)
        if (it->string && strncmp(it->string, name, n) == 0 && it->string[n] == '\0')
            return it;
    return NULL;
}

/* Follow a dotted path: at each level the whole remaining path is tried as a literal key
 * first (keys may contain dots), then the part before the first dot as an object to enter. */
static const cJSON *lookup(const cJSON *obj, const char *path)
{
    for (;;) {
        const cJSON *item = member(obj, path, strlen(path));
        if (item)
            return item;
        const char *dot = strchr(path, '.');
        if (!dot)
            return NULL;
        obj = member(obj, path, (size_t)(dot - path));
        if (!obj || !cJSON_IsObject(obj))
            return NULL;
        path = dot + 1;
    }
}

/* Exact powers of ten as doubles: 10^0 .. 10^22. */
static const double pow10_exact[] = {
    1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,  1e8,  1e9,  1e10, 1e11,
    1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
};

/* The integer m with a decimal point k digits from its right ("0.00123" for m = 123, k =
 * 5), no trailing zeros after the point for a number that has none. Returns the length. */
static int format_fixed(int64_t m, int k, char *out, size_t cap)
{
    char digits[24];
    int n = 0;
    bool neg = m < 0;
    uint64_t u = neg ? (uint64_t)0 - (uint64_t)m : (uint64_t)m;
    do {
        digits[n++] = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    while (n <= k)
        digits[n++] = '0';                          /* a leading "0." */
    int len = 0;
    char tmp[48];
    if (neg)
        tmp[len++] = '-';
    for (int i = n - 1; i >= 0; i--) {
        tmp[len++] = digits[i];
        if (i == k && k > 0)
            tmp[len++] = '.';
    }
    tmp[len] = '\0';
    if ((size_t)len < cap)
        memcpy(out, tmp, (size_t)len + 1);
    return len;
}

/* Shortest text that reads back as exactly v: integral values within ±2^53 as integers
 * (-0 as "0"), others with the fewest of 15, 16 or 17 significant digits that round-trips.
 * Assumes LC_NUMERIC is the C locale (zhijian never calls setlocale). Returns the length. */
static int format_number(double v, char *out, size_t cap)
{
    if (v == 0)
        return snprintf(out, cap, "0");
    if (v == floor(v) && fabs(v) <= 9007199254740992.0)
        return format_fixed((int64_t)v, 0, out, cap);
    /* Fast path (coordinates, amounts: snprintf's %g and strtod were a tenth of a province's
     * import): the fewest decimals k for which the integer m = v * 10^k gives back v as
     * m / 10^k, one correctly rounded division when m < 2^53. With at most 15 significant
     * digits and 1e-4 <= |v| < 1e15 that is the text %.15g prints (DBL_DIG = 15: such a
     * decimal is the one of 15 digits nearest v), so the output is the same either way. */
    double a = fabs(v);
    if (a >= 1e-4 && a < 1e15) {
        for (int k = 1; k <= 19; k++) {
            double m = nearbyint(v * pow10_exact[k]);
            if (fabs(m) >= 1e15)
                break;                              /* more than 15 digits */
            if (m / pow10_exact[k] == v)
                return format_fixed((int64_t)m, k, out, cap);
        }
    }
    int len = 0;
    for (int prec = 15; prec <= 17; prec++) {
        len = snprintf(out, cap, "%.*g", prec, v);
        if (strtod(out, NULL) == v)
            break;
    }
    return len;
}

static const char OUT_OF_MEMORY[] = "out of memory";

/* Turn the value for key i into r->values[i]. Returns NULL, a static error for the row, or
 * OUT_OF_MEMORY. */
static const char *take_value(zj_jsonl *r, size_t i, const cJSON *item)
{
    struct value *v = &r->values[i];
    *v = (struct value){0};
    if (!item || cJSON_IsNull(item))
        return NULL;                            /* absent */
    if (cJSON_IsString(item)) {
        v->p = item->valuestring;
        v->n = strlen(item->valuestring);
    } else if (cJSON_IsTrue(item)) {
        v->p = "true";
        v->n = 4;
    } else if (cJSON_IsFalse(item)) {
        v->p = "false";
        v->n = 5;
    } else if (cJSON_IsNumber(item)) {
        if (!isfinite(item->valuedouble))
            return "number out of range";
        /* A whole number of 16 to 19 digits has lost digits in the double: almost always an
         * identifier (an 18-digit 身份证号) exported unquoted. Reject rather than store a
         * silently altered value. (Larger magnitudes are floating-point values.) */
        if (item->valuedouble == floor(item->valuedouble) &&
            fabs(item->valuedouble) > 9007199254740992.0 && fabs(item->valuedouble) < 1e19)
            return "whole number beyond 2^53 cannot be read exactly (quote it in the export)";
        char tmp[64];
        int len = format_number(item->valuedouble, tmp, sizeof tmp);
        v->in_text = true;
        v->off = r->text.len;
        v->n = (size_t)len;
        if (zj_buf_append(&r->text, tmp, (size_t)len))
            return OUT_OF_MEMORY;
    } else if (cJSON_IsArray(item) || cJSON_IsObject(item)) {
        char *json = cJSON_PrintUnformatted(item);
        if (!json)
            return OUT_OF_MEMORY;
        v->in_text = true;
        v->off = r->text.len;
        v->n = strlen(json);
        int rc = zj_buf_append(&r->text, json, v->n);
        cJSON_free(json);
        if (rc)
            return OUT_OF_MEMORY;
    }
    return NULL;
}

int zj_jsonl_next(zj_jsonl *r, zj_row *row, zj_error *err)
{
    cJSON_Delete(r->root);
    r->root = NULL;
    zj_buf_clear(&r->text);
    for (;;) {
        char *s;
        size_t n;
        bool too_long;
        int rc = next_line(r, &s, &n, &too_long, err);
        if (rc <= 0)
            return rc;
        r->line++;
        row->fields = r->spans;
        row->nfields = 0;
        row->line = r->line;
        row->error = NULL;
        r->raw = (zj_span){too_long ? NULL : s, too_long ? 0 : n};
        if (too_long) {
            row->error = "record too long";
            return 1;
        }
        if (memchr(s, '\0', n)) {
            row->error = "contains a NUL byte (\\0)";
            return 1;
        }
        size_t k = 0;
        while (k < n && is_space(s[k]))
            k++;
        if (k == n)
            continue;                           /* a blank line */

        const char *end = NULL;
        r->root = cJSON_ParseWithLengthOpts(s, n, &end, 0);
        if (r->root && end)
            while (end < s + n && is_space(*end))
                end++;
        if (!r->root || end != s + n) {
            row->error = "invalid JSON";
            return 1;
        }
        if (!cJSON_IsObject(r->root)) {
            row->error = "not a JSON object";
            return 1;
        }
        if (has_escaped_nul(s, n)) {
            row->error = "contains \\u0000 (a NUL character)";
            return 1;
        }
        for (size_t i = 0; i < r->nkeys; i++) {
            const char *why = take_value(r, i, lookup(r->root, r->keys[i]));
            if (why == OUT_OF_MEMORY) {
                zj_fail(err, ZJ_EDATA, "line %lld: out of memory", (long long)r->line);
                return -1;
            }
            if (why) {
                row->error = why;
                return 1;
            }
        }
        for (size_t i = 0; i < r->nkeys; i++) {
            const struct value *v = &r->values[i];
            r->spans[i].p = v->in_text ? r->text.data + v->off : v->p;
            r->spans[i].n = v->n;
        }
        row->nfields = r->nkeys;
        return 1;
    }
}
