/* ident_norm.h - internal helpers shared by the identifier parsers: folding the full-width and
 * spacing variants that agencies type down to ASCII, and UTF-8 character lengths.
 * Not part of the public API. Both functions are pure and reentrant.
 */
#ifndef ZJ_IDENT_NORM_H
#define ZJ_IDENT_NORM_H

#include <stdbool.h>
#include <stddef.h>

/* Copy s[0..n) into out[0..cap), mapping full-width ASCII (U+FF01..U+FF5E) to ASCII,
 * dropping whitespace (ASCII space, tab, CR, LF, U+3000 ideographic space, U+00A0 no-break
 * space) and copying every other byte unchanged. When `upper` is set, ASCII letters are
 * upper-cased too. Returns the output length, or (size_t)-1 when the output would not fit in
 * `cap` bytes (out then holds the first cap bytes). Never reads past s[n-1]. Callers that
 * accept non-ASCII output must validate the *input* as UTF-8 first: dropping a two-byte
 * U+00A0 between two stray bytes would join them into a new, valid character. */
size_t zj_ident_fold(const char *s, size_t n, char *out, size_t cap, bool upper);

/* Error returns of zj_ident_fold_text. */
#define ZJ_FOLD_TOO_LONG ((size_t)-1)
#define ZJ_FOLD_BAD_UTF8 ((size_t)-2)
#define ZJ_FOLD_CONTROL ((size_t)-3)

/* zj_ident_fold for text that must be UTF-8 (case and document numbers): one pass that
 * validates every character of the input, drops whitespace characters whole, folds
 * full-width ASCII and rejects control characters (C0 other than the dropped whitespace, DEL,
 * C1). Returns the output length, or ZJ_FOLD_TOO_LONG (the output would not fit in `cap`),
 * ZJ_FOLD_BAD_UTF8 or ZJ_FOLD_CONTROL. No case change. */
size_t zj_ident_fold_text(const char *s, size_t n, char *out, size_t cap);

/* Length (1-4) of the well-formed UTF-8 character at p[0..n), 0 when malformed (bad lead,
 * bad continuation, truncated, overlong, surrogate or > U+10FFFF). */
size_t zj_ident_u8len(const char *p, size_t n);

#endif
