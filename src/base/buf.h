/* buf.h - a growable byte buffer, the one string type used across zhijian, and growing arrays.
 *
 * `data` is always NUL-terminated (when non-NULL) so it can be passed to C string functions;
 * `len` excludes the terminator. A zero-initialised zj_buf is a valid empty buffer.
 * Allocation failure is reported by a -1 return and leaves the buffer unchanged.
 */
#ifndef ZJ_BUF_H
#define ZJ_BUF_H

#include <stddef.h>

typedef struct zj_buf {
    char *data;
    size_t len;
    size_t cap;
} zj_buf;

int zj_buf_reserve(zj_buf *b, size_t extra);        /* ensure room for `extra` more bytes */
int zj_buf_append(zj_buf *b, const void *p, size_t n);
int zj_buf_puts(zj_buf *b, const char *s);
int zj_buf_putc(zj_buf *b, char c);
int zj_buf_printf(zj_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void zj_buf_clear(zj_buf *b);                        /* len = 0, keeps the memory */
void zj_buf_free(zj_buf *b);                         /* releases memory; b is empty again */
char *zj_buf_take(zj_buf *b);                        /* hands `data` to the caller (never NULL) */

/* The array `items` (of *cap items of `size` bytes) with room for at least `need`, grown by
 * doubling from `first` (*cap updated): the array, moved or not, or NULL when out of memory
 * (`items` and *cap then unchanged). Usage:
 *   if (l->n == l->cap) {
 *       item *p = zj_grow(l->items, &l->cap, l->n + 1, sizeof *p, 256);
 *       if (!p) return -1;
 *       l->items = p;
 *   } */
void *zj_grow(void *items, size_t *cap, size_t need, size_t size, size_t first);

#endif
