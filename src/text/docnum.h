/* docnum.h - procuratorate and police document numbers (文书编号), as far as they are regular.
 *
 * Both follow the pattern  ISSUER〔YEAR〕SERIAL号 :
 *   渝巴检刑诉〔2016〕585号       procuratorate: agency up to 检 (渝巴检), document code (刑诉)
 *   海公（刑）立字〔2026〕018号   police: agency up to 公 (海公), the rest ((刑)立字)
 *   京公海行罚决字〔2023〕50316号
 * Anything else of that shape (法释〔2016〕23号, court or government documents) is kind OTHER.
 * The document code's meaning comes from rules/docnum_types.tsv, matched against the end of
 * the text after the agency (so 京公海行罚决字 finds 行罚决字).
 *
 * Input is arbitrary bytes; whitespace is dropped, full-width digits become ASCII, the year
 * brackets may be 〔〕 （） () [] 【】 ﹝﹞ 〖〗. The normalized form uses 〔〕 for the year and （）
 * inside the issuer, and keeps the serial as written (police serials carry leading zeros).
 * Pure functions over constant data: thread-safe.
 */
#ifndef ZJ_DOCNUM_H
#define ZJ_DOCNUM_H

#include <stddef.h>

typedef enum zj_doc_kind {
    ZJ_DOC_PROCURATORATE = 1,
    ZJ_DOC_POLICE = 2,
    ZJ_DOC_OTHER = 3,
} zj_doc_kind;

typedef struct zj_docnum {
    zj_doc_kind kind;
    int year;
    char issuer[96];         /* everything before the year, brackets normalized: 海公（刑）立字 */
    char agency[96];         /* procuratorate/police: up to and including 检/公; else = issuer */
    char doc_code[96];       /* the rest of the issuer after the agency: 刑诉, （刑）立字 */
    const char *doc_name;    /* 起诉书 … from rules/docnum_types.tsv; NULL when not listed */
    const char *doc_name_en;
    char serial[16];         /* digits as written */
    char normalized[224];
} zj_docnum;

/* Parse a document number. Returns 0 and fills *out, or -1 with a static reason in *why:
 *   "empty document number"  "document number too long"  "invalid UTF-8"
 *   "control character in input"
 *   "missing issuer before the year"  "missing bracketed 4-digit year"
 *   "missing serial number"  "serial number too long"  "missing 号 at the end"
 *   "unexpected text after 号" */
int zj_docnum_parse(const char *s, size_t n, zj_docnum *out, const char **why);

const char *zj_doc_kind_name(zj_doc_kind kind);  /* "procuratorate", "police", "other" */

#endif
