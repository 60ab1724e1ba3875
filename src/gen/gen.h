/* gen.h - the synthetic province (合成省份): realistic agency exports with known anomalies.
 *
 * zj_gen_run() writes a directory that looks like what a Shaanxi-like province's political-
 * legal systems would hand over: one file per agency export (CSV or JSON Lines, UTF-8 or
 * GB18030, each with its own column names, date formats and code values), the mapping file
 * for each beside it, and the ground truth:
 *   manifest.json   every file with its mapping, row count, the exact lines made unimportable
 *                   on purpose, and the dirt rates used
 *   truth.jsonl     one object per planted anomaly and per planted near miss (docs/truth.md)
 *   identity.jsonl  for every person and enterprise mention, the real entity behind it
 * Output depends only on (seed, scale): the same pair gives byte-identical files. Generation
 * streams record by record; memory holds the province's units and the anomaly plan, never
 * the records.
 *
 * Library code: returns zj_error, never prints or exits.
 */
#ifndef ZJ_GEN_H
#define ZJ_GEN_H

#include <stdbool.h>
#include <stdint.h>

#include "base/error.h"

typedef enum zj_gen_scale {
    ZJ_GEN_TINY = 0,       /* ~10k records: tests */
    ZJ_GEN_SMALL,          /* ~200k: the demo */
    ZJ_GEN_MEDIUM,         /* ~5M: benchmarks */
    ZJ_GEN_LARGE,          /* ~10M mentions: the linking benchmark */
    ZJ_GEN_PROVINCE,       /* ~72M: one province, as in the seed report */
} zj_gen_scale;

/* "tiny", "small", "medium", "province" -> scale; returns 0, or -1 for an unknown name. */
int zj_gen_scale_parse(const char *name, zj_gen_scale *out);
const char *zj_gen_scale_name(zj_gen_scale s);

/* The layouts the exports are written in (版式). default: today's layouts, one per system.
 * foreign: layouts like independent real exports (Chinese headers, court and case type only in
 * the case number, status-dependent dates, counts and flags instead of event rows, units by
 * name, amounts and shares as written by people, ...), read through mapping format v2.
 * mixed: each source system gets one or the other, chosen from the seed. The facts, the truth
 * and the identities are the same in every layout. */
typedef enum zj_gen_layouts {
    ZJ_GEN_LAYOUT_DEFAULT = 0,
    ZJ_GEN_LAYOUT_FOREIGN,
    ZJ_GEN_LAYOUT_MIXED,
} zj_gen_layouts;

/* "default", "foreign", "mixed" -> layouts; returns 0, or -1 for an unknown name. */
int zj_gen_layouts_parse(const char *name, zj_gen_layouts *out);
const char *zj_gen_layouts_name(zj_gen_layouts l);

typedef struct zj_gen_file_stat {
    const char *file;        /* file name inside the output directory */
    const char *table;
    int64_t rows;            /* data rows written, including duplicates and malformed rows */
} zj_gen_file_stat;

typedef struct zj_gen_options {
    uint64_t seed;
    zj_gen_scale scale;
    const char *out_dir;     /* created if missing; existing generated files are replaced */
    zj_gen_layouts layouts;  /* default: ZJ_GEN_LAYOUT_DEFAULT */
    /* Called after each file is complete; may be NULL. */
    void (*on_file)(const zj_gen_file_stat *st, void *ctx);
    void *ctx;
} zj_gen_options;

typedef struct zj_gen_summary {
    int files;               /* export files (mappings and truth files not counted) */
    int64_t records;         /* data rows over all exports */
    int64_t bytes;           /* bytes of the export files */
    int64_t anomalies;       /* truth.jsonl entries that are anomalies */
    int64_t near_misses;     /* truth.jsonl entries that are near misses */
    int64_t mentions;        /* identity.jsonl lines */
    double seconds;          /* wall time */
} zj_gen_summary;

/* Generate the province into opt->out_dir. Returns ZJ_OK, ZJ_EUSAGE (bad options) or ZJ_EDATA
 * (cannot write: the message names the file). On error the directory may be incomplete. */
int zj_gen_run(const zj_gen_options *opt, zj_gen_summary *sum, zj_error *err);

#endif
