/* resident_id.h - resident identity numbers (公民身份号码, GB 11643-1999).
 *
 * An 18-character ID is: six-digit region code (GB/T 2260) + birth date YYYYMMDD + three-digit
 * sequence (odd for men, even for women) + a check character computed over the first 17
 * digits (ISO 7064 MOD 11-2: weights 7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2, check =
 * "10X98765432"[sum mod 11]). The pre-1999 15-digit form has a two-digit year (19YY) and no
 * check character; it converts to 18 digits by inserting "19" and appending the check.
 *
 * Input is arbitrary bytes (not NUL-terminated). Before checking, full-width digits and
 * letters (０-９, Ｘ) become ASCII, a lowercase x becomes X, and whitespace (ASCII, U+3000,
 * U+00A0) anywhere is dropped. Nothing else is tolerated: a dash or any other character is a
 * rejection, so the normalized form is always exactly what the person's card shows.
 *
 * All functions are pure (no allocation, no shared state) and thread-safe.
 */
#ifndef ZJ_RESIDENT_ID_H
#define ZJ_RESIDENT_ID_H

#include <stdbool.h>
#include <stddef.h>

typedef struct zj_resident_id {
    char id[19];             /* normalized 18-character ID, NUL-terminated */
    int year, month, day;    /* birth date */
    char sex;                /* 'M' (odd sequence digit) or 'F' (even) */
    int region_code;         /* first six digits, e.g. 110105 */
    bool region_exact;       /* region_code itself is in the current GB/T 2260 table (see
                                region.h; abolished county codes are still valid on IDs) */
    bool converted;          /* the input was the 15-digit form */
} zj_resident_id;

/* Parse and validate a resident ID, 18- or 15-digit form, against the calendar date `today`
 * given as YYYYMMDD (pass 0 to use the current date in China, UTC+8).
 *
 * Returns 0 and fills *out on success. Returns -1 on rejection and, when `why` is non-NULL,
 * points it at a static English reason:
 *   "empty resident ID"
 *   "wrong length: expected 18 characters (or 15 for the old form)"
 *   "bad character: only digits and a final X are allowed"
 *   "bad check character"                      (18-digit form only)
 *   "impossible birth date"                    (e.g. 19990230, month 13)
 *   "birth date before 1900"
 *   "birth date in the future"
 *   "unknown region: province code not in GB/T 2260"
 * *out is unspecified after a rejection. */
int zj_resident_id_parse(const char *s, size_t n, int today, zj_resident_id *out,
                         const char **why);

/* The check character ('0'..'9' or 'X') for the 17 ASCII digits at `d17`. */
char zj_resident_id_check_char(const char *d17);

/* Convert a 15-digit ID (ASCII digits, already normalized) to 18 characters in out[19]
 * (NUL-terminated). Returns 0, or -1 when `id15` is not 15 ASCII digits. No date or region
 * check: use zj_resident_id_parse for validation. */
int zj_resident_id_to18(const char *id15, size_t n, char out[19]);

#endif
