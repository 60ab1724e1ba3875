/* uscc.h - unified social credit codes (统一社会信用代码, GB 32100-2015).
 *
 * 18 characters from the 31-character set 0-9 A-H J-N P-R T U W-Y (no I O S V Z):
 *   1      registration authority (登记管理部门): 1 机构编制, 5 民政, 9 工商, Y 其他 …
 *   2      organization type under that authority (机构类别): under 9, 1 企业, 2 个体工商户,
 *          3 农民专业合作社
 *   3-8    region code of the registering authority (GB/T 2260)
 *   9-17   organization code (组织机构代码, GB 11714, itself with a check character)
 *   18     check character: weights 1 3 9 27 19 26 16 17 20 29 25 13 8 24 10 30 28 on the
 *          character values 0..30; c = 31 - (sum mod 31), 31 -> 0.
 * The authority/type table is rules/uscc_types.tsv, compiled in at build time.
 *
 * Input is arbitrary bytes. Full-width characters become ASCII, lowercase letters upper case,
 * whitespace anywhere is dropped; anything else outside the character set is a rejection.
 * Pure functions over constant data: thread-safe.
 */
#ifndef ZJ_USCC_H
#define ZJ_USCC_H

#include <stdbool.h>
#include <stddef.h>

typedef struct zj_uscc {
    char code[19];              /* normalized 18-character code, NUL-terminated */
    char authority;             /* position 1, e.g. '9' */
    char type;                  /* position 2, e.g. '1' */
    const char *authority_name; /* e.g. "工商（市场监管）"; NULL when not in the table */
    const char *type_name;      /* e.g. "企业"; NULL when not in the table */
    int region_code;            /* positions 3-8 */
    bool region_known;          /* its province is in the GB/T 2260 table (see region.h) */
    char org_code[10];          /* positions 9-17, NUL-terminated */
} zj_uscc;

/* Parse and validate. Returns 0 and fills *out, or -1 with a static reason in *why (when
 * non-NULL):
 *   "empty credit code"
 *   "wrong length: expected 18 characters"
 *   "bad character: allowed are 0-9 and A-Z except I, O, S, V, Z"
 *   "bad check character"
 *   "unknown registration authority or organization type"
 *   "region code is not numeric"
 * A region code whose province is unknown is *not* a rejection (region_known is false):
 * codes issued by central authorities use 100000. */
int zj_uscc_parse(const char *s, size_t n, zj_uscc *out, const char **why);

/* The check character for the 17 normalized characters at `c17`, or '\0' when one of them is
 * outside the character set. */
char zj_uscc_check_char(const char *c17);

#endif
