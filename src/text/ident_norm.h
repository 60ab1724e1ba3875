/* ident_norm.h - internal: fold the full-width and spacing variants that agencies type into
 * identifiers down to ASCII, before a parser looks at them. Not part of the public API.
 *
 * zj_ident_fold copies s[0..n) into out[0..cap), mapping full-width ASCII (U+FF01..U+FF5E)
 * to ASCII, dropping whitespace (ASCII space, tab, CR, LF, U+3000 ideographic space, U+00A0
 * no-break space) and copying every other byte unchanged. Returns the output length, or
 * (size_t)-1 when the output would not fit in `cap` bytes. Never reads past s[n-1]. Reentrant.
 * When `upper` is set, ASCII letters are upper-cased too. */
#ifndef ZJ_IDENT_NORM_H
#define ZJ_IDENT_NORM_H

#include <stdbool.h>
#include <stddef.h>

size_t zj_ident_fold(const char *s, size_t n, char *out, size_t cap, bool upper);

#endif

#ifndef ZJ_IDENT_NORM_UTF8
#define ZJ_IDENT_NORM_UTF8
/* Length (1-4) of the well-formed UTF-8 character at p[0..n), 0 when malformed (bad lead,
 * bad continuation, truncated, overlong, surrogate or > U+10FFFF). */
size_t zj_ident_u8len(const char *p, size_t n);
#endif
