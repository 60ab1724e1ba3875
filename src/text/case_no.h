/* case_no.h - court case numbers (案号) under the SPC's rules on case numbers.
 *
 * Since 2016 (《关于人民法院案件案号的若干规定》, 法〔2015〕137号, amended 2018) a case number is
 *   （收案年度）法院代字 [专门审判代字] 类型代字 案件编号 号      e.g. （2021）陕01民初123号
 * - year: four digits in full-width parentheses;
 * - court code: 最高法 (SPC); a high court's one-character province abbreviation (陕; also 军
 *   military, 兵 XPCC); an intermediate court = that + 2 digits (陕01); a basic court = that +
 *   4 digits (陕0113). Intermediate codes 71-99 are specialised courts (71 railway, 72
 *   maritime, 73 intellectual property, 74 financial, …);
 * - optional specialised-trial code 知 (intellectual-property tribunal: 最高法知民终);
 * - case type code, from rules/case_types.tsv (民初, 执恢, 刑核 …);
 * - serial number (per court, type and year), then 号, optionally 之一/之二 … for a split case.
 * Before 2016 courts wrote e.g. （2014）深中法商终字第1012号; these are recognised as "legacy":
 * year and serial are extracted and the text between them is kept verbatim (court and type are
 * not split, because the old abbreviations were local and ambiguous).
 *
 * Input is arbitrary bytes. Whitespace anywhere is dropped, full-width digits become ASCII,
 * and the year brackets may be any of （） () 〔〕 [] ［］ 【】 ﹝﹞ 〖〗 (an opening and a closing
 * one, not necessarily of the same shape: agencies mix them). The normalized form uses （）,
 * ASCII digits and no leading zeros in the serial.
 *
 * Pure functions over constant data: thread-safe.
 */
#ifndef ZJ_CASE_NO_H
#define ZJ_CASE_NO_H

#include <stdbool.h>
#include <stddef.h>

typedef enum zj_case_style {
    ZJ_CASE_CURRENT = 1,     /* the 2016 format */
    ZJ_CASE_LEGACY = 2,      /* the pre-2016 "…字第N号" format */
} zj_case_style;

typedef enum zj_court_level {
    ZJ_COURT_UNKNOWN = 0,    /* legacy numbers */
    ZJ_COURT_SUPREME = 1,
    ZJ_COURT_HIGH = 2,
    ZJ_COURT_INTERMEDIATE = 3,
    ZJ_COURT_BASIC = 4,
} zj_court_level;

/* One row of rules/case_types.tsv. */
typedef struct zj_case_type {
    const char *code;        /* 民初 */
    const char *name_zh;     /* 民事一审案件 */
    const char *name_en;     /* civil first instance */
    const char *procedure;   /* first_instance, second_instance, … (see the TSV header) */
    const char *category;    /* civil, criminal, enforcement, … */
    const char *source;      /* annex; seen / verify … */
} zj_case_type;

typedef struct zj_case_no {
    zj_case_style style;
    int year;
    long serial;                  /* 1..9999999 */
    int sub_no;                   /* 1 for 之一, 2 for 之二 …; 0 when absent */
    char court_code[24];          /* "陕01", "最高法"; "" for legacy numbers */
    zj_court_level court_level;
    const char *court_kind;       /* "railway transport" … for specialised courts, else NULL */
    char special_code[8];         /* "知" or "" */
    const zj_case_type *type;     /* NULL for legacy numbers */
    char legacy_text[96];         /* legacy only: the text between the year and 字第, "深中法商终" */
    char normalized[192];         /* canonical form, NUL-terminated */
} zj_case_no;

/* Parse a case number. Returns 0 and fills *out, or -1 with a static English reason in *why
 * (when non-NULL). Reasons:
 *   "empty case number"  "case number too long"  "invalid UTF-8"
 *   "control character in input"
 *   "missing opening bracket before the year"  "year must be 4 digits"
 *   "missing closing bracket after the year"  "year out of range (1949-2099)"
 *   "missing court code"  "unknown court code"  "court code must have 0, 2 or 4 digits"
 *   "missing case type code"  "unknown case type code"
 *   "missing serial number"  "serial number too long"  "serial number must be positive"
 *   "missing 号 at the end"  "unexpected text after 号"  "legacy case number without text
 *   before 字第" */
int zj_case_no_parse(const char *s, size_t n, zj_case_no *out, const char **why);

/* Look up a case type code (UTF-8, not NUL-terminated); NULL when unknown. */
const zj_case_type *zj_case_type_find(const char *code, size_t n);

/* The whole table (for docs and tests): *count receives the number of rows. */
const zj_case_type *zj_case_types(size_t *count);

const char *zj_court_level_name(zj_court_level level);  /* "supreme", "high", … */

#endif
