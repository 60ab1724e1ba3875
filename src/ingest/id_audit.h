/* id_audit.h - count identifiers that fail their check character in imported rows (校验位).
 *
 * A resident ID (身份证号, GB 11643) and a unified social credit code (统一社会信用代码,
 * GB 32100) end with a check character computed from the other 17. One that does not match
 * was mistyped somewhere; the row is still imported (the linker weighs such IDs, see
 * docs/linking.md), but the import summary says how many there were, per file, so data staff
 * can take it up with the agency. The canonical fields holding them are named by convention:
 * `*id_no` for resident IDs, `*uscc` for credit codes (docs/data-standard.md). Only values of
 * the right length and alphabet are judged; other malformed values are not check-digit
 * failures.
 */
#ifndef ZJ_ID_AUDIT_H
#define ZJ_ID_AUDIT_H

#include <stddef.h>
#include <stdint.h>

#include "store/store.h"

typedef struct zj_id_audit {
    size_t n;                  /* identifier columns found */
    size_t *index;             /* their positions in the row's values */
    char *kind;                /* 'P' resident ID, 'E' credit code */
    int64_t bad_resident_id;   /* counts so far */
    int64_t bad_uscc;
} zj_id_audit;

/* Find the identifier columns among `columns` (the mapped fields, in value order). Returns 0,
 * or -1 when out of memory. */
int zj_id_audit_init(zj_id_audit *a, const char *const *columns, size_t ncolumns);
/* Judge one accepted row's values (in the order of the columns given to init). */
void zj_id_audit_row(zj_id_audit *a, const zj_value *values);
void zj_id_audit_free(zj_id_audit *a);

#endif
