/* jsonl.h - a streaming JSON Lines reader (one JSON object per line), on top of cJSON.
 *
 * The caller names the keys it wants (zj_jsonl_set_keys); each record then has one field per
 * key, in that order. A key may be a dotted path into nested objects ("party.name"). Values
 * become text: strings as they are (unescaped UTF-8), numbers in their shortest exact form
 * (integers without a decimal point), true/false as "true"/"false"; null or a missing key is
 * an absent field (span.p == NULL); an array or object value is its compact JSON text.
 * Blank lines are skipped. A line that is not a JSON object gives row.error
 * ("invalid JSON" or "not a JSON object").
 */
#ifndef ZJ_JSONL_H
#define ZJ_JSONL_H

#include "base/error.h"
#include "ingest/row.h"
#include "text/input.h"

typedef struct zj_jsonl zj_jsonl;

zj_jsonl *zj_jsonl_new(zj_input *in);      /* `in` is borrowed; NULL only when out of memory */

/* Copy the key list; must be called before the first zj_jsonl_next. Returns 0 or -1 (OOM). */
int zj_jsonl_set_keys(zj_jsonl *r, const char *const *keys, size_t nkeys);

/* Same contract as zj_csv_next. */
int zj_jsonl_next(zj_jsonl *r, zj_row *row, zj_error *err);

void zj_jsonl_free(zj_jsonl *r);

#endif
