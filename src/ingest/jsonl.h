/* jsonl.h - a streaming JSON Lines reader (one JSON object per line), on top of cJSON.
 *
 * The caller names the keys it wants (zj_jsonl_set_keys); each record then has one field per
 * key, in that order. A key may be a dotted path into nested objects ("party.name"); at each
 * level the remaining path is first tried as a literal key, so {"party.name": 1} matches too.
 * Values become text: strings as they are (unescaped UTF-8),
 * numbers in their shortest exact form (integral values within ±2^53 without a decimal point,
 * -0 as "0", others the shortest of %.15g/%.16g/%.17g that reads back exactly, e.g. "1e+20"),
 * true/false as "true"/"false"; null or a missing key is an absent field (span.p == NULL); an
 * array or object value is its compact JSON text.
 *
 * Numbers go through a double (cJSON's valuedouble): a whole number of 16-19 digits (beyond
 * ±2^53), such as an 18-digit 身份证号 written as a number, would lose digits, so a requested
 * field holding one
 * gives row.error "whole number beyond 2^53 cannot be read exactly (quote it in the export)"
 * - nothing is altered silently. Such fields must be JSON strings.
 *
 * Lines end with LF (a CR before it is ignored); row.line is the 1-based line number.
 * Blank lines (only spaces, tabs, CR) are skipped. A line that is not a JSON object gives
 * row.error ("invalid JSON" or "not a JSON object", no fields); so does a number too large
 * for a double ("number out of range"), a line longer than 16 MiB ("record too long"), a NUL
 * byte in the line ("contains a NUL byte (\\0)") and a \u0000 escape anywhere in it
 * ("contains \\u0000 (a NUL character)": cJSON would cut the string there).
 */
#ifndef ZJ_JSONL_H
#define ZJ_JSONL_H

#include "base/error.h"
#include "ingest/row.h"
#include "text/input.h"

typedef struct zj_jsonl zj_jsonl;

zj_jsonl *zj_jsonl_new(zj_input *in);      /* `in` is borrowed; NULL only when out of memory */

/* Copy the key list (replacing any earlier one), normally before the first zj_jsonl_next.
 * Returns 0, or -1 when out of memory (the reader then has no keys). */
int zj_jsonl_set_keys(zj_jsonl *r, const char *const *keys, size_t nkeys);

/* Same contract as zj_csv_next: 1 with a record (row->error set when malformed; otherwise
 * row->nfields equals the number of keys), 0 at end of input, -1 on an I/O error or out of
 * memory (err set). Spans stay valid until the next call. */
int zj_jsonl_next(zj_jsonl *r, zj_row *row, zj_error *err);

/* The text of the line zj_jsonl_next gave last (without its line end), valid as long as its
 * spans; p == NULL for a line too long to keep. */
zj_span zj_jsonl_raw(const zj_jsonl *r);

void zj_jsonl_free(zj_jsonl *r);

#endif
