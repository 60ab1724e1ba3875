/* mentions.h - find every appearance of a person or enterprise in the canonical tables (提及).
 *
 * A mention is one person or enterprise as one record names it: the officer of an officer
 * row, the legal representative of an enterprise row, a party of a case ... Which columns of
 * which table make a mention is one table in mentions.c (documented in docs/linking.md). Each
 * mention is stored with its normalized forms (simplified name, pinyin or enterprise key,
 * 18-digit ID or credit code and its status, birth date, sex, region, phone), which is all
 * that blocking and comparison need.
 */
#ifndef ZJ_MENTIONS_H
#define ZJ_MENTIONS_H

#include <stdbool.h>
#include <stdint.h>

#include "base/error.h"
#include "store/store.h"
#include "text/name.h"

typedef struct zj_mention_stats {
    int64_t records;      /* records read */
    int64_t mentions;     /* mentions written (new or refreshed) */
    int64_t skipped;      /* records naming nobody (no name and no identifier) */
} zj_mention_stats;

/* Extract mentions. With `only_new`, only records that have no mention yet are read (an
 * incremental run); otherwise every record is read and existing mentions are refreshed in
 * place (their ids and entity assignments are kept). Runs in the caller's transaction. */
int zj_mentions_extract(zj_store *s, zj_namer *nm, bool only_new, zj_mention_stats *stats,
                        zj_error *err);

#endif
