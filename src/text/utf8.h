/* utf8.h - fast UTF-8 validation, used on every field. */
#ifndef ZJ_UTF8_H
#define ZJ_UTF8_H

#include <stdbool.h>
#include <stddef.h>

/* True when s[0..n) is well-formed UTF-8: no overlongs, surrogates or code points above
 * U+10FFFF, so no 0xFF byte (which zj_input puts in place of undecodable source bytes).
 * U+FFFD is a character like any other. ASCII runs are checked 8 bytes at a time. */
bool zj_utf8_valid(const char *s, size_t n);

#endif
