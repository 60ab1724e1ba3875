/* phone.h - mainland China telephone numbers: mobile, landline, service (400/800).
 *
 * Normalization: full-width characters become ASCII; spaces, '-', '.', '(' and ')' are
 * dropped; a country prefix +86, 0086 or 86 (the last only before an 11-digit mobile or a
 * 9-11 digit landline without its leading 0) is removed, and a landline written after the
 * country prefix gets its trunk 0 back (+86 29 8888 6666 -> 029-88886666). An extension may
 * follow as 转N, 分机N, ext N, ext.N, xN or #N (1-6 digits).
 *
 * Validation:
 *   mobile    1[3-9] and 9 more digits (11 digits)          -> "13812345678"
 *   landline  area code 010 or 02X (3 digits) or 0[3-9]XX (4 digits), then a local number
 *             of 7 or 8 digits not starting with 0 or 1      -> "029-88886666"
 *   service   400 or 800 and 7 more digits                   -> "400-123-4567"
 * Area codes are checked for shape only: no table of live area codes is shipped.
 * Pure functions: thread-safe.
 */
#ifndef ZJ_PHONE_H
#define ZJ_PHONE_H

#include <stddef.h>

typedef enum zj_phone_kind {
    ZJ_PHONE_MOBILE = 1,
    ZJ_PHONE_LANDLINE = 2,
    ZJ_PHONE_SERVICE = 3,
} zj_phone_kind;

typedef struct zj_phone {
    zj_phone_kind kind;
    char normalized[24];       /* see above; the extension is not included */
    char area_code[6];         /* landline only, e.g. "029"; "" otherwise */
    char number[16];           /* the subscriber digits: mobile 11, landline 7-8, service 10 */
    char extension[8];         /* "" when none */
} zj_phone;

/* Parse a phone number. Returns 0 and fills *out, or -1 with a static reason in *why:
 *   "empty phone number"  "phone number too long"
 *   "bad character in phone number"
 *   "mobile number must have 11 digits starting 13-19"
 *   "landline needs an area code starting with 0"
 *   "bad landline area code or number length"
 *   "local number must not start with 0 or 1"
 *   "bad extension" */
int zj_phone_parse(const char *s, size_t n, zj_phone *out, const char **why);

const char *zj_phone_kind_name(zj_phone_kind kind);   /* "mobile", "landline", "service" */

#endif
