/* lookup.h - look-ups of codes in data already in the store (按名称查代码; docs/mapping.md).
 *
 * Internal to the ingest layer. A `lookup:` option names a canonical table, the column a
 * source value is compared with (`match`), the column whose value the field takes (`return`)
 * and filters (`where`). Before a file is imported the pairs are read from the store once and
 * indexed by their normalised match value; each row's value is then found in memory.
 */
#ifndef ZJ_LOOKUP_H
#define ZJ_LOOKUP_H

#include <stdbool.h>
#include <stddef.h>

#include "base/buf.h"
#include "base/error.h"
#include "ingest/mapping.h"
#include "store/store.h"

typedef struct zj_lookup_entry {
    char *key;                 /* normalised match value */
    char *match;               /* as stored */
    char *value;               /* the `return` column */
} zj_lookup_entry;

struct zj_lookup {
    char *table, *match, *ret;
    char **where_cols;         /* nwhere columns, each with a NULL-terminated list of values */
    char ***where_vals;
    size_t nwhere;
    bool first;                /* `ambiguous: first` */
    bool by_name;              /* names are normalised (match is `name` or `*_name`) */
    int line;
    zj_lookup_entry *entries;  /* sorted by key; filled by zj_lookup_load */
    size_t nentries;
    bool loaded;
};

void zj_lookup_free(zj_lookup *lk);              /* NULL is allowed */

/* Read the pairs from the store (checks that table and columns exist: ZJ_EUSAGE naming the
 * mapping file and line otherwise). */
int zj_lookup_load(zj_lookup *lk, zj_store *s, const char *path, zj_error *err);

/* Find `s`. Returns 1 with *out the value (owned by lk), 0 when nothing matches, 2 when
 * several do; in both last cases `msg` receives a reason that names the candidates. */
int zj_lookup_find(const zj_lookup *lk, const char *s, size_t n, const char **out, zj_buf *msg);

/* The normalised form of a name: half-width, no spaces or punctuation, Chinese numerals as
 * digits, ASCII lower case (陕西省第１监狱 and 陕西省第一监狱 both give 陕西省第1监狱). */
int zj_lookup_normalize_name(const char *s, size_t n, zj_buf *out);

#endif
