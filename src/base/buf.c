/* buf.c - growable byte buffer and arrays (see buf.h). Both grow geometrically so appends are
 * amortised O(1). */
#include "base/buf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int zj_buf_reserve(zj_buf *b, size_t extra)
{
    if (b->len + extra + 1 <= b->cap)
        return 0;
    size_t cap = b->cap ? b->cap : 64;
    while (cap < b->len + extra + 1) {
        if (cap > ((size_t)-1) / 2)
            return -1;
        cap *= 2;
    }
    char *p = realloc(b->data, cap);
    if (!p)
        return -1;
    b->data = p;
    b->cap = cap;
    return 0;
}

int zj_buf_append(zj_buf *b, const void *p, size_t n)
{
    if (zj_buf_reserve(b, n))
        return -1;
    if (n)
        memcpy(b->data + b->len, p, n);
    b->len += n;
    b->data[b->len] = '\0';
    return 0;
}

int zj_buf_puts(zj_buf *b, const char *s) { return zj_buf_append(b, s, strlen(s)); }

int zj_buf_putc(zj_buf *b, char c) { return zj_buf_append(b, &c, 1); }

int zj_buf_printf(zj_buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0 || zj_buf_reserve(b, (size_t)n))
        return -1;
    va_start(ap, fmt);
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
    return 0;
}

void zj_buf_clear(zj_buf *b)
{
    b->len = 0;
    if (b->data)
        b->data[0] = '\0';
}

void zj_buf_free(zj_buf *b)
{
    free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
}

char *zj_buf_take(zj_buf *b)
{
    char *p = b->data ? b->data : calloc(1, 1);
    b->data = NULL;
    b->len = b->cap = 0;
    return p;
}

void *zj_grow(void *items, size_t *cap, size_t need, size_t size, size_t first)
{
    if (need <= *cap)
        return items;
    size_t n = *cap ? *cap : first ? first : 1;
    while (n < need) {
        if (n > ((size_t)-1) / 2)
            return NULL;
        n *= 2;
    }
    if (size && n > ((size_t)-1) / size)
        return NULL;
    void *p = realloc(items, n * size);
    if (p)
        *cap = n;
    return p;
}
