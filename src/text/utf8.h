/* utf8.h - fast UTF-8 validation and the replacement-character check used on every field. */
#ifndef ZJ_UTF8_H
#define ZJ_UTF8_H

#include <stdbool.h>
#include <stddef.h>

/* True when s[0..n) is well-formed UTF-8 (no overlongs, surrogates or code points > U+10FFFF)
 * and contains no U+FFFD (which zj_input emits in place of undecodable source bytes).
 * ASCII runs are checked 8 bytes at a time. */
bool zj_utf8_check(const char *s, size_t n);

/* True when s[0..n) is well-formed UTF-8 (U+FFFD allowed). */
bool zj_utf8_valid(const char *s, size_t n);

#endif
