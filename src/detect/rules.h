/* rules.h - detector parameters from rules/detectors.yaml (线索规则参数).
 *
 * The rules file is data an administrator may change without recompiling: per detector code,
 * whether it runs, its severity, the basis it cites and its parameters (relations covered,
 * thresholds, deadline day ...); an `analysis` section holds the settings of the leaders'
 * analysis (analysis.h). Each detector declares its parameters (name, type, default, allowed
 * values, meaning) in its zj_detector entry; the loader checks the file against those
 * declarations, so an unknown code or parameter, a wrong type or a value out of range is an
 * error naming the file and line, and a parameter the file does not mention keeps its
 * declared default. The shipped rules/detectors.yaml states every default (a unit test keeps
 * the two in step) and cites the basis of each entry.
 *
 * Format:
 *   detectors:
 *     TV02:
 *       enabled: true
 *       severity: 3
 *       basis: "《中国共产党纪律处分条例》..."
 *       relations: [spouse, child, child_spouse]
 *   analysis:
 *     tenure_years: [2, 5, 10, 20]
 */
#ifndef ZJ_DETECT_RULES_H
#define ZJ_DETECT_RULES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/error.h"

typedef enum zj_param_type {
    ZJ_PARAM_INT = 0,     /* whole number */
    ZJ_PARAM_REAL,        /* number */
    ZJ_PARAM_BOOL,        /* true|false (also yes|no) */
    ZJ_PARAM_TEXT,        /* one string */
    ZJ_PARAM_LIST,        /* a YAML list of strings (a single scalar is a list of one) */
    ZJ_PARAM_TIME,        /* HH:MM:SS */
    ZJ_PARAM_MONTH,       /* YYYY-MM, or empty for "not set" */
} zj_param_type;

/* One parameter a detector (or the analysis) declares. */
typedef struct zj_param {
    const char *name;
    zj_param_type type;
    const char *def;      /* default as written in YAML; lists: items separated by ',' */
    const char *help;     /* what it means (English; docs/detectors.md has the Chinese) */
    double min, max;      /* numbers: allowed range when min < max */
    const char *choices;  /* text and lists: allowed values separated by ',' (NULL: any) */
} zj_param;

typedef struct zj_rules zj_rules;

/* Read and check a rules file against the registry. ZJ_EUSAGE with "path:line: ..." when it
 * is malformed; *out is then NULL. */
int zj_rules_load(const char *path, zj_rules **out, zj_error *err);
/* The same from n bytes of text; `name` stands for the file in messages and zj_rules_path. */
int zj_rules_parse(const char *text, size_t n, const char *name, zj_rules **out, zj_error *err);
/* Rules with every declared default (no file). */
int zj_rules_defaults(zj_rules **out, zj_error *err);
void zj_rules_free(zj_rules *r);                       /* NULL is allowed */

/* The file the rules came from, or NULL for the built-in defaults. */
const char *zj_rules_path(const zj_rules *r);

/* Per section ("TV01" ... or "analysis"): */
bool zj_rules_enabled(const zj_rules *r, const char *code);
/* The severity and basis the rules set for a detector, or `def` when they set none. */
int zj_rules_severity(const zj_rules *r, const char *code, int def);
const char *zj_rules_basis(const zj_rules *r, const char *code, const char *def);
/* 16 hex digits identifying the section's settings as applied (enabled, severity, basis,
 * every parameter's value), stored with each detect run. */
void zj_rules_digest(const zj_rules *r, const char *code, char out[17]);

/* A parameter's value. `section` is a detector code or "analysis"; `name` must be declared by
 * it (a programming error otherwise: asserts, then yields 0 / "" / an empty list). */
int64_t zj_rules_int(const zj_rules *r, const char *section, const char *name);
double zj_rules_real(const zj_rules *r, const char *section, const char *name);
bool zj_rules_bool(const zj_rules *r, const char *section, const char *name);
const char *zj_rules_text(const zj_rules *r, const char *section, const char *name);
size_t zj_rules_list(const zj_rules *r, const char *section, const char *name,
                     const char *const **items);

/* The parameters the analysis section declares (analysis.c). */
extern const zj_param zj_analysis_params[];

#endif
