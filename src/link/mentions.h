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

/* Extract mentions from the records written since the last extraction (import batches newer
 * than the watermark kept in link_state; an updated record carries its new batch), or from
 * every record when `all` is set. Existing mentions are refreshed in place: their ids and
 * entity assignments are kept. Runs in the caller's transaction. */
int zj_mentions_extract(zj_store *s, zj_namer *nm, bool all, zj_mention_stats *stats,
                        zj_error *err);

/* ---- a first extraction, held in memory ------------------------------------------------
 * When the store has no mentions yet (a first link run), writing each mention and then, once
 * linked, writing it again with its entity doubles the biggest write of the run. Instead the
 * mentions are collected here, the linker reads them from memory, and each is written once,
 * entity and all (zj_mentions_write). Ids follow the mention table's unique key (table_name,
 * record_id, role), persons and enterprises together: written in that order, the key's index
 * grows at its end instead of taking ten million insertions all over it (measured with
 * sqlite3 on the 10M-mention store: 18.6 s instead of 25.8 s), and the relations graph,
 * which reads records and their mentions side by side, finds both in the same order. Each
 * kind's rows are held in id order too, the order a later run reads them back in. */

/* The stored columns of a mention, in mention-table order after id/table/record/role/kind. */
enum { ZJ_MC_NAME, ZJ_MC_ID_NO, ZJ_MC_BIRTH, ZJ_MC_SEX, ZJ_MC_PHONE, ZJ_MC_REGION, ZJ_MC_NORM,
       ZJ_MC_KEY, ZJ_MC_STATUS, ZJ_MC_ADDRESS, ZJ_MC_CONTEXT, ZJ_MC_COUNT };

typedef struct zj_mention_row {
    int spec;                          /* which source (mentions.c) */
    const char *table, *role;
    int64_t record_id;
    int kind;                          /* 0 person, 1 enterprise (as zj_kind) */
    const char *v[ZJ_MC_COUNT];        /* NUL-terminated, or NULL when absent */
    size_t len[ZJ_MC_COUNT];           /* filled where noted (mention_spec.h) */
} zj_mention_row;

typedef struct zj_mention_set {
    char *data;                        /* packed rows (mentions.c) */
    size_t len, cap;
    uint64_t *off[2];                  /* per kind: each row's offset, in id order */
    int64_t n[2];
    size_t ncap[2];
    int32_t *rank;                     /* row i of a kind: its id is rank[g] + 1, where g is i
                                          (persons) or n[0] + i (enterprises) */
} zj_mention_set;

/* Extract every record's mentions into `set` (nothing is written but the watermark). */
int zj_mentions_collect(zj_store *s, zj_namer *nm, zj_mention_set *set, zj_mention_stats *stats,
                        zj_error *err);

/* Row i (0-based) of a kind; its strings stay valid while the set lives. */
void zj_mention_set_row(const zj_mention_set *set, int kind, int64_t i, zj_mention_row *out);

/* The id mention i of a kind is stored under. */
int64_t zj_mention_set_id(const zj_mention_set *set, int kind, int64_t i);

/* Insert every mention, in id order, with its entity (entity[kind][i] for row i of a kind;
 * 0 = none). */
int zj_mentions_write(zj_store *s, const zj_mention_set *set, int64_t *const entity[2],
                      zj_error *err);

void zj_mention_set_free(zj_mention_set *set);

/* The mention indexes other than its unique key: dropped while an empty mention table is
 * filled, created once after. */
int zj_mentions_drop_indexes(zj_store *s, zj_error *err);
int zj_mentions_create_indexes(zj_store *s, zj_error *err);

#endif
