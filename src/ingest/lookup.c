/* lookup.c - look-ups of codes in data already in the store (see lookup.h).
 *
 * The pairs are read once per file (units are hundreds or thousands of rows), keyed by the
 * normalised match value and sorted, so each row costs one binary search. A value that finds
 * nothing is answered with the closest names by edit distance, so the data staff can see
 * whether the unit is missing or written differently.
 */
#include "ingest/lookup.h"

#include <stdlib.h>
#include <string.h>

#include "text/name.h"

void zj_lookup_free(zj_lookup *lk)
{
    if (!lk)
        return;
    for (size_t i = 0; i < lk->nentries; i++) {
        free(lk->entries[i].key);
        free(lk->entries[i].match);
        free(lk->entries[i].value);
    }
    free(lk->entries);
    for (size_t i = 0; i < lk->nwhere; i++) {
        free(lk->where_cols[i]);
        for (char **v = lk->where_vals[i]; v && *v; v++)
            free(*v);
        free(lk->where_vals[i]);
    }
    free(lk->where_cols);
    free(lk->where_vals);
    free(lk->table);
    free(lk->match);
    free(lk->ret);
    free(lk);
}

/* Chinese numerals 〇一二…九 and 十 (as in 第十一监狱) -> digits. Returns the number of bytes
 * read at p (0 when p is not a numeral) and appends the digits. */
static size_t numeral(const char *p, size_t n, zj_buf *out)
{
    static const char *const digits[] = {"〇", "一", "二", "三", "四", "五", "六", "七", "八", "九"};
    int val[4], nv = 0;
    size_t used = 0;
    bool ten = false;
    while (used + 3 <= n && nv < 3) {
        int d = -1;
        for (int i = 0; i < 10; i++)
            if (memcmp(p + used, digits[i], 3) == 0)
                d = i;
        if (d < 0 && memcmp(p + used, "零", 3) == 0)
            d = 0;
        if (d < 0 && memcmp(p + used, "十", 3) == 0 && !ten) {
            ten = true;
            val[nv++] = -10;
            used += 3;
            continue;
        }
        if (d < 0)
            break;
        val[nv++] = d;
        used += 3;
    }
    if (!nv)
        return 0;
    if (ten) {          /* 十 10, 十一 11, 二十 20, 二十一 21 */
        int tens = 1, ones = 0, i = 0;
        if (val[0] >= 0) {
            tens = val[0];
            i = 1;
        }
        if (i >= nv || val[i] != -10)
            return 0;
        if (i + 1 < nv && val[i + 1] >= 0)
            ones = val[i + 1];
        zj_buf_printf(out, "%d", tens * 10 + ones);
        return used;
    }
    for (int i = 0; i < nv; i++)
        zj_buf_putc(out, (char)('0' + val[i]));
    return used;
}

int zj_lookup_normalize_name(const char *s, size_t n, zj_buf *out)
{
    zj_buf_clear(out);
    size_t i = 0;
    while (i < n) {
        unsigned char c = (unsigned char)s[i];
        if (c < 0x80) {
            if (c >= 'A' && c <= 'Z')
                zj_buf_putc(out, (char)(c + 32));
            else if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))
                zj_buf_putc(out, (char)c);
            i++;                               /* spaces and ASCII punctuation dropped */
            continue;
        }
        size_t len = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2;
        if (i + len > n)
            len = n - i;
        if (len == 3 && c == 0xEF && ((unsigned char)s[i + 1] == 0xBC ||
                                      (unsigned char)s[i + 1] == 0xBD)) {
            /* full-width ASCII U+FF01..U+FF5E */
            unsigned cp = ((c & 0x0Fu) << 12) | (((unsigned char)s[i + 1] & 0x3Fu) << 6) |
                 ((unsigned char)s[i + 2] & 0x3Fu);
            if (cp >= 0xFF01 && cp <= 0xFF5E) {
                char a = (char)(cp - 0xFF01 + 0x21);
                if (a >= 'A' && a <= 'Z')
                    a = (char)(a + 32);
                if ((a >= 'a' && a <= 'z') || (a >= '0' && a <= '9'))
                    zj_buf_putc(out, a);
                i += 3;
                continue;
            }
        }
        if (len == 3) {
            size_t used = numeral(s + i, n - i, out);
            if (used) {
                i += used;
                continue;
            }
            /* CJK punctuation U+3000..U+303F and the middle dot: dropped */
            if (c == 0xE3 && (unsigned char)s[i + 1] == 0x80) {
                i += 3;
                continue;
            }
        }
        if (len == 2 && c == 0xC2 && (unsigned char)s[i + 1] == 0xB7) {   /* · */
            i += 2;
            continue;
        }
        zj_buf_append(out, s + i, len);
        i += len;
    }
    if (zj_buf_putc(out, '\0'))
        return -1;
    out->len--;
    return 0;
}

typedef struct loader {
    zj_lookup *lk;
    size_t cap;
    zj_buf norm;
} loader;

static int add_pair(const char *match, const char *value, void *ctx)
{
    loader *ld = ctx;
    zj_lookup *lk = ld->lk;
    zj_lookup_entry *grown = zj_grow(lk->entries, &ld->cap, lk->nentries + 1, sizeof *grown, 64);
    if (!grown)
        return -1;
    lk->entries = grown;
    zj_lookup_entry *e = &lk->entries[lk->nentries];
    size_t mn = strlen(match);
    if (lk->by_name) {
        if (zj_lookup_normalize_name(match, mn, &ld->norm))
            return -1;
        e->key = strdup(ld->norm.data ? ld->norm.data : "");
    } else {
        zj_span t = {match, mn};
        while (t.n && (*t.p == ' ' || *t.p == '\t'))
            t.p++, t.n--;
        while (t.n && (t.p[t.n - 1] == ' ' || t.p[t.n - 1] == '\t'))
            t.n--;
        e->key = strndup(t.p, t.n);
    }
    e->match = strdup(match);
    e->value = strdup(value);
    if (!e->key || !e->match || !e->value) {
        free(e->key), free(e->match), free(e->value);
        return -1;
    }
    lk->nentries++;
    return 0;
}

static int entry_cmp(const void *a, const void *b)
{
    const zj_lookup_entry *x = a, *y = b;
    int c = strcmp(x->key, y->key);
    return c ? c : strcmp(x->value, y->value);
}

int zj_lookup_load(zj_lookup *lk, zj_store *s, const char *path, zj_error *err)
{
    if (lk->loaded)
        return ZJ_OK;
    loader ld = {.lk = lk};
    int rc = zj_store_each_pair(s, lk->table, lk->match, lk->ret, lk->where_cols,
                                lk->where_vals, lk->nwhere, add_pair, &ld, err);
    zj_buf_free(&ld.norm);
    if (rc < 0)
        return zj_fail(err, ZJ_EDATA, "out of memory");
    if (rc)
        return zj_error_prefix(err, "%s:%d: lookup: ", path, lk->line);
    if (lk->nentries)
        qsort(lk->entries, lk->nentries, sizeof *lk->entries, entry_cmp);
    lk->loaded = true;
    return ZJ_OK;
}

int zj_lookup_find(const zj_lookup *lk, const char *s, size_t n, const char **out, zj_buf *msg)
{
    zj_buf norm = {0};
    const char *key;
    size_t kn;
    if (lk->by_name) {
        if (zj_lookup_normalize_name(s, n, &norm))
            return -1;
        key = norm.data ? norm.data : "";
        kn = norm.len;
    } else
        key = s, kn = n;
    size_t lo = 0, hi = lk->nentries;
    while (lo < hi) {           /* first entry with key >= the value */
        size_t mid = (lo + hi) / 2;
        size_t el = strlen(lk->entries[mid].key);
        int c = memcmp(lk->entries[mid].key, key, el < kn ? el : kn);
        if (c == 0)
            c = el < kn ? -1 : el > kn;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    size_t first = lo, count = 0;
    while (first + count < lk->nentries &&
           strlen(lk->entries[first + count].key) == kn &&
           memcmp(lk->entries[first + count].key, key, kn) == 0)
        count++;
    /* distinct values only: the same unit listed twice is not ambiguous */
    size_t distinct = 0;
    for (size_t i = 0; i < count; i++)
        if (i == 0 || strcmp(lk->entries[first + i].value, lk->entries[first + i - 1].value))
            distinct++;
    zj_buf_clear(msg);
    int rc;
    if (distinct == 1 || (distinct > 1 && lk->first)) {
        *out = lk->entries[first].value;
        rc = 1;
    } else if (distinct > 1) {
        zj_buf_printf(msg, "%zu %s rows with %s '%.*s': ", distinct, lk->table, lk->match,
                      (int)(n > 80 ? 80 : n), s);
        for (size_t i = 0, shown = 0; i < count && shown < 5; i++) {
            const zj_lookup_entry *e = &lk->entries[first + i];
            if (i && strcmp(e->value, lk->entries[first + i - 1].value) == 0)
                continue;
            zj_buf_printf(msg, "%s%s %s", shown++ ? ", " : "", e->match, e->value);
        }
        zj_buf_printf(msg, " (narrow it with 'where', or 'ambiguous: first')");
        rc = 2;
    } else {
        zj_buf_printf(msg, "no %s row with %s '%.*s'", lk->table, lk->match,
                      (int)(n > 80 ? 80 : n), s);
        /* the three closest by edit distance of the normalised keys */
        size_t best[3] = {0};
        int bd[3] = {1 << 30, 1 << 30, 1 << 30};
        for (size_t i = 0; i < lk->nentries; i++) {
            int d = zj_edit_distance(lk->entries[i].key, strlen(lk->entries[i].key), key, kn);
            if (d < 0)
                continue;
            for (int j = 0; j < 3; j++)
                if (d < bd[j]) {
                    for (int k = 2; k > j; k--)
                        bd[k] = bd[k - 1], best[k] = best[k - 1];
                    bd[j] = d, best[j] = i;
                    break;
                }
        }
        for (int j = 0; j < 3 && bd[j] < (1 << 30); j++)
            zj_buf_printf(msg, "%s%s %s", j ? ", " : " (closest: ", lk->entries[best[j]].match,
                          lk->entries[best[j]].value);
        if (lk->nentries)
            zj_buf_putc(msg, ')');
        else
            zj_buf_printf(msg, " (the table has no such rows yet: import it first)");
        rc = 0;
    }
    zj_buf_free(&norm);
    return rc;
}
