/* mapping.h - declarative mappings from an agency's export layout to a canonical table (映射).
 *
 * A mapping file (YAML, or JSON, which is YAML too) says which source system a file comes
 * from, which canonical table it feeds, which source column fills which field, and how each
 * value is cleaned: transforms, date formats, code tables, constants and defaults. Real
 * exports differ in column names, date formats, encodings and codes; all of that lives here,
 * so a new layout is a new mapping file, never a code change. docs/mapping.md is the user's
 * reference; this header is the programmer's.
 *
 * Life cycle: zj_mapping_parse() reads and checks the file's own structure;
 * zj_mapping_bind() checks it against the store's table (field names, types, required
 * fields); the importer then resolves column names against a file's header and calls
 * zj_mapping_apply() once per row.
 *
 * Format v2 (mapping_v2.c, derive.c, lookup.c) adds derived values, conditions, `rows:`
 * entries that make more records from a row, number styles, look-ups in the store and
 * `extra`. zj_mapping_bind_store() binds all of it; after each zj_mapping_apply() the
 * importer takes the row's other records with zj_mapping_next_record(). A mapping with regular
 * expressions is used by one thread at a time (ICU's matchers keep state).
 */
#ifndef ZJ_MAPPING_H
#define ZJ_MAPPING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"
#include "base/error.h"
#include "ingest/row.h"
#include "store/store.h"
#include "text/input.h"

typedef enum zj_format { ZJ_FORMAT_AUTO = 0, ZJ_FORMAT_CSV, ZJ_FORMAT_JSONL } zj_format;

/* Transforms, applied in the order the mapping lists them (trim is on unless `trim: false`). */
enum {
    ZJ_TX_HALFWIDTH = 1,       /* full-width ASCII (ＡＢＣ１２３，ideographic space) -> ASCII */
    ZJ_TX_UPPER,               /* ASCII letters to upper case */
    ZJ_TX_LOWER,
    ZJ_TX_REMOVE_SPACES,       /* drop every space, tab and ideographic space */
    ZJ_TX_COLLAPSE_SPACES,     /* runs of white space -> one ASCII space */
    ZJ_TX_DIGITS_ONLY,         /* keep 0-9 only (phone numbers written 029-8888 8888) */
    ZJ_TX_STRIP_THOUSANDS,     /* drop ',' (and full-width '，') between digits: 1,234.50 */
};

/* A source value longer than this (bytes of UTF-8) is a reject unless the field says
 * otherwise (`max_bytes:`): real values are short, a huge one is a broken export. */
#define ZJ_FIELD_MAX_BYTES ((size_t)64 << 10)

typedef struct zj_code_entry {
    char *from;
    char *to;
    size_t from_len;
} zj_code_entry;

typedef struct zj_code_table {
    char *name;
    zj_code_entry *entries;    /* sorted by `from` for binary search; `to` NULL = missing */
    size_t nentries;
    char *default_to;          /* `_default`: value for unknown codes; NULL = reject them */
    bool default_null;         /* `_default: ~`: unknown codes become missing */
    bool keep;                 /* `_keep: true`: unknown codes pass through unchanged */
} zj_code_table;

/* ---- mapping format v2 (docs/mapping.md, "Mapping format v2") ------------------------------ */

typedef struct zj_cond zj_cond;         /* `when:` (derive.c) */
typedef struct zj_lookup zj_lookup;     /* `lookup:` (lookup.c) */

/* Where a v2 value comes from: a source column (by index into zj_mapping.aux_columns) or a
 * part of a derived value. */
typedef enum { ZJ_VREF_NONE = 0, ZJ_VREF_COLUMN, ZJ_VREF_DERIVED } zj_vref_kind;
typedef struct zj_vref {
    zj_vref_kind kind;
    size_t index;              /* COLUMN: aux column; DERIVED: index into zj_mapping.derived */
    int part;                  /* DERIVED: part number (see zj_derived) */
} zj_vref;

enum {                         /* zj_derived.kind */
    ZJ_DERIVE_REGEX = 1, ZJ_DERIVE_SUBSTR, ZJ_DERIVE_CASE_NO, ZJ_DERIVE_RESIDENT_ID,
    ZJ_DERIVE_USCC,
};

/* A `derived:` value: several parts computed from one column. */
typedef struct zj_derived {
    char *name;
    char *column;
    zj_vref src;               /* its column */
    int kind;                  /* ZJ_DERIVE_* */
    int transforms[8];
    zj_cond *when;
    bool invalid_missing;      /* `invalid: missing`: a value the parser refuses is missing */
    void *regex;               /* REGEX: the compiled pattern (ICU URegularExpression) */
    char *pattern;
    int ngroups;               /* REGEX: capture groups; parts are 0..ngroups */
    long start, length;        /* SUBSTR: characters; length < 0 = to the end */
    int nparts;
    int main_part;
    int line;
} zj_derived;

enum {                         /* zj_field_map.number */
    ZJ_NUM_STRICT = 0,         /* v1: a decimal number only */
    ZJ_NUM_PLAIN, ZJ_NUM_PERCENT, ZJ_NUM_PERCENT_OR_FRACTION, ZJ_NUM_AMOUNT,
};

typedef struct zj_field_map {
    char *field;               /* canonical column name */
    char *column;              /* source column (CSV header) or JSON key path; NULL with const */
    char *constant;            /* `const:` value, or NULL */
    char *default_value;       /* `default:` used when the source value is null/empty */
    bool required;             /* reject the row when the value is null after defaults */
    bool trim;                 /* default true */
    int transforms[8];         /* ZJ_TX_* in order; 0-terminated */
    char **formats;            /* DATE/TIMESTAMP: NULL-terminated, or NULL for the defaults */
    char **true_values;        /* BOOL: NULL-terminated, or NULL for the defaults */
    char **false_values;
    const zj_code_table *codes;/* `code_table:` reference, or NULL */
    double scale;              /* INTEGER/REAL: multiply parsed numbers (default 1) */
    size_t max_bytes;          /* `max_bytes:` a longer source value is a reject; 0 = the
                                  default, ZJ_FIELD_MAX_BYTES */
    int line;                  /* line of the field in the mapping file, for messages */
    /* v2 (all zero for v1 fields): */
    char *derived_name;        /* `derived: NAME.PART` as written */
    zj_vref from;              /* `derived:`, or the column of a field under `rows:` */
    size_t *group_src;         /* unpivot: per column group, the aux column (or NO column) */
    zj_cond *when;
    int number;                /* ZJ_NUM_* */
    double unit, bare_unit;    /* ZJ_NUM_AMOUNT: yuan per stored unit, per bare-number unit */
    zj_lookup *lookup;
    bool index;                /* `index: true`: the generated record's number */
    bool extra_json;           /* the main record's `extra` value, built from the extras */
    bool v2;                   /* uses any of the above: the general path in map_row.c */
    int geometry;              /* `geometry:` 0 none, else 1 + zj_geo_format (auto, wkt,
                                  geojson): a polygon read and stored as WKT (text/geo.h) */
    /* Filled by zj_mapping_bind: */
    zj_type type;
} zj_field_map;

/* A `rows:` entry: more records made from each source row, in any table. */
typedef struct zj_target {
    char *name;
    char *table;
    char **key;                /* NULL = the main record's key */
    zj_field_map *fields;
    size_t nfields;
    zj_cond *when;
    char *repeat_column;       /* `repeat: {count: COLUMN}` */
    zj_vref repeat;
    long repeat_max;
    char ***groups;            /* `unpivot:`: per group, NULL-terminated name, column, ... */
    size_t ngroups;
    int line;
} zj_target;

typedef struct zj_mapping {
    char *path;                /* file it was read from (for messages) */
    char *digest;              /* hex BLAKE2b-256 of the mapping text */
    char *source_system;
    char *table;
    char **files;              /* glob patterns for directory imports, relative to the data
                                  folder and never leaving it; NULL-terminated or NULL */
    zj_format format;
    zj_encoding encoding;
    char delimiter;
    char **null_values;        /* NULL-terminated */
    char **key;                /* canonical fields forming the natural key; NULL = whole record */
    zj_field_map *fields;
    size_t nfields;
    zj_code_table **code_tables; /* each allocated on its own, so fields can point at them */
    size_t ncode_tables;
    const char **source_keys;  /* per field: its column, or its name for constants (JSONL),
                                  then the aux columns */
    /* v2 (empty for v1 mappings): */
    char **aux_columns;        /* columns read other than by main fields' `column` */
    size_t naux;
    zj_derived *derived;
    size_t nderived;
    zj_cond *when;             /* top-level: rows that fail it are skipped */
    zj_target *rows;
    size_t nrows;
    zj_field_map *extra;       /* `extra:` fields */
    size_t nextra;
    char **extra_columns;      /* columns kept in `extra` under their own names (aux indexes
                                  in extra_aux) */
    size_t *extra_aux;
    size_t nextra_columns;
    bool has_extra;            /* the main record gets an `extra` value (its last field) */
    bool v2;                   /* any v2 feature at all */
    bool gcj02;                /* `crs: gcj02`: lat/lon and geometry fields are GCJ-02, converted
                                  to WGS-84 on import (default `crs: wgs84`) */
} zj_mapping;

/* Parse mapping text (`name` is used in messages). On error returns ZJ_EUSAGE with a message
 * "name:LINE: ..." and *out NULL. */
int zj_mapping_parse(const char *text, size_t len, const char *name, zj_mapping **out,
                     zj_error *err);
/* Read and parse a mapping file. */
int zj_mapping_load(const char *path, zj_mapping **out, zj_error *err);
void zj_mapping_free(zj_mapping *m);              /* NULL is allowed */

/* Check the mapping against the target table: every field exists, key fields are mapped,
 * every required column of the table is mapped, options fit the types. ZJ_EUSAGE on error.
 * This binds the main record only; zj_mapping_bind_store binds everything. */
int zj_mapping_bind(zj_mapping *m, const zj_table *table, zj_error *err);

/* Bind a `rows:` entry to its table (same checks as zj_mapping_bind). */
int zj_mapping_bind_target(zj_mapping *m, zj_target *t, const zj_table *table, zj_error *err);

/* Bind the main record and every `rows:` entry to the store's tables, and read the data that
 * look-ups need (lookup.c). */
int zj_mapping_bind_store(zj_mapping *m, zj_store *s, zj_error *err);

/* Does the mapping look values up in the store (`lookup:`)? Its files then go after the
 * others in a multi-file import. */
bool zj_mapping_has_lookups(const zj_mapping *m);

/* Does `name` (a base name) match one of the mapping's `files:` patterns? */
bool zj_mapping_matches_file(const zj_mapping *m, const char *name);

/* ---- applying a mapping to rows --------------------------------------------------------- */

/* Per-file state: where each field's column is in the file, and scratch space for values. */
typedef struct zj_row_mapper zj_row_mapper;

/* For CSV: resolve column names against `header` (matching ignores surrounding white space,
 * a BOM and ASCII case). A mapped column missing from the header is ZJ_EUSAGE naming it and
 * listing what the header has. For JSONL pass header = NULL: fields then arrive in mapping
 * order (see zj_mapping_source_keys). */
int zj_row_mapper_new(const zj_mapping *m, const zj_row *header, zj_row_mapper **out,
                      zj_error *err);
void zj_row_mapper_free(zj_row_mapper *rm);

/* The JSON keys a JSONL reader must extract, in the order zj_row_mapper expects (one per
 * field with a column). *n receives the count; the array belongs to the mapping. */
const char *const *zj_mapping_source_keys(const zj_mapping *m, size_t *n);

/* Column names of the mapped fields, in the order of the values zj_mapping_apply fills. */
const char *const *zj_row_mapper_columns(const zj_row_mapper *rm, size_t *n);

typedef struct zj_mapped {
    bool skipped;              /* the row failed the top-level `when`: nothing to write */
    const zj_value *values;    /* one per mapped field, valid until the next apply */
    const char *key;           /* the natural key (fields joined by U+001F), or hex hash */
    size_t key_len;
    int64_t content_hash;
} zj_mapped;

/* Map one row. On success returns ZJ_OK. When the row must be rejected returns ZJ_EDATA with
 * *bad_field set to the offending canonical field (or NULL for row-level problems such as a
 * wrong field count) and err->msg the reason, e.g.
 *   "field 'filed_at' (column 立案日期): cannot parse date '2021-13-45': impossible date". */
int zj_mapping_apply(zj_row_mapper *rm, const zj_row *row, zj_mapped *out,
                     const char **bad_field, zj_error *err);

/* After zj_mapping_apply returned ZJ_OK (not skipped): the records the `rows:` entries make
 * from the same row, one per call. Returns 1 with *target (index into m->rows) and *out
 * filled (valid until the next call), 0 when there are no more, or ZJ_EDATA (negated: -1)
 * when the row must be rejected (then *bad_field and err as for zj_mapping_apply, the
 * reason prefixed with the entry: "rows[returned] field 'occurred_at' ..."). */
int zj_mapping_next_record(zj_row_mapper *rm, const zj_row *row, size_t *target,
                           zj_mapped *out, const char **bad_field, zj_error *err);

/* The columns (canonical field names) of `rows:` entry t's records, in value order. */
const char *const *zj_row_mapper_target_columns(const zj_row_mapper *rm, size_t t, size_t *n);

#endif
