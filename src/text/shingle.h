/* shingle.h - how alike two free texts are: character bigrams of the normalized text and
 * their Jaccard similarity (诉讼请求 compared across suits, FL02).
 *
 * Normalization: Unicode NFKC with case folding (utf8proc: full-width letters and digits fold
 * to ASCII, 「（」 to 「(」), then only letters and ideographs are kept, and each run of
 * digits becomes one '#' (amounts, dates and document numbers vary between suits that claim
 * the same thing). The text is then cut into overlapping pairs of characters, each hashed to
 * 32 bits; a text of one character is one shingle. Pure and thread-safe.
 */
#ifndef ZJ_TEXT_SHINGLE_H
#define ZJ_TEXT_SHINGLE_H

#include <stddef.h>
#include <stdint.h>

/* The distinct shingles of s[0..n), sorted ascending, into out (at most cap); returns how
 * many were written (0 for an empty text, invalid UTF-8 or no letters). A longer text keeps
 * its first cap distinct shingles in text order, sorted. */
size_t zj_shingles(const char *s, size_t n, uint32_t *out, size_t cap);

/* |a ∩ b| / |a ∪ b| of two sorted, distinct shingle sets; 0 when either is empty. */
double zj_shingle_jaccard(const uint32_t *a, size_t na, const uint32_t *b, size_t nb);

#endif
