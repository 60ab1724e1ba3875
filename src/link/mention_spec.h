/* mention_spec.h - inside the mention layer: where mentions come from and how one record's
 * mention is normalized and packed (mentions.c), for the extraction pipeline (extract.c).
 * Not for use above src/link.
 */
#ifndef ZJ_MENTION_SPEC_H
#define ZJ_MENTION_SPEC_H

#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"
#include "link/mentions.h"
#include "text/name.h"

/* The columns a spec's SELECT reads, in this order after the record id (column 0). */
enum { C_NAME = 1, C_ID, C_BIRTH, C_SEX, C_PHONE, C_REGION, C_ADDRESS, C_KIND, C_USCC, C_CONTEXT,
       C_UNIT, C_POST, C_CASE_SYS, C_CASE_NO, C_FORMER_ADDRESS, C_COUNT };

/* One record as read: each value NUL-terminated and writable (normalizing cuts dates and
 * region codes in place), or NULL when absent or empty. */
typedef struct zj_raw_record {
    int64_t record_id;
    char *v[C_COUNT];
} zj_raw_record;

/* Scratch for normalizing: the strings a normalized row points into. */
typedef struct zj_mention_work {
    zj_mention_row row;
    char norm[2 * ZJ_NAME_MAX + 1], key[4 * ZJ_NAME_MAX + 1];
    char idnorm[20], birth_iso[16], region6[12], phone_norm[24], sex[2];
    char unit[4 * ZJ_NAME_MAX + 8];   /* "u:" unit U+001F post (compare.h) */
    char caseref[192];                /* "c:" system U+001F case number (compare.h) */
    char address[1040];               /* address U+001F former address (compare.h) */
} zj_mention_work;

int zj_mention_spec_count(void);
const char *zj_mention_spec_table(int spec);
/* The spec's SELECT over records of batches after $1, in id order. -1 when out of memory. */
int zj_mention_spec_select(int spec, zj_buf *sql);

/* Normalize one record of a spec into w->row. Returns 1, or 0 when it names nobody. */
int zj_mention_normalize(zj_namer *nm, int spec, zj_raw_record *rec, zj_mention_work *w);

/* Packed rows: what a normalized row takes packed (noting each value's length in row->len),
 * packing it after that (returns the end), and reading one back (returns the next row's
 * start; lengths not filled). */
size_t zj_mention_packed_size(zj_mention_row *row);
char *zj_mention_pack(char *dst, const zj_mention_row *row);
const char *zj_mention_unpack(const char *p, zj_mention_row *out);

/* A packed row's spec (returned), kind and record id, without unpacking its values. */
int zj_mention_packed_head(const char *p, int *kind, int64_t *record_id);
/* Where a spec's mentions fall in the mention table's key order (table_name, record_id,
 * role), the names compared bytewise as SQLite's BINARY collation does: its table's rank
 * among the specs' tables, and its role's rank among that table's roles. */
void zj_mention_spec_rank(int spec, int *table_rank, int *role_rank);

/* Bind a row from $first on: table_name record_id role kind, then every ZJ_MC_ column. */
void zj_mention_bind(zj_stmt *st, int first, const zj_mention_row *row);

#endif
