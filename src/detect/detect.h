/* detect.h - the detector interface and the detect run (线索发现).
 *
 * A detector is one rule of docs/domain.md section 3: a stable code (TV01, TR02 ...), a Chinese and
 * an English title, the legal or policy basis it cites, a default severity, the parameters an
 * administrator may change in rules/detectors.yaml, and a run function. Detectors are
 * independent modules listed in one table (registry.c); adding one is a new file and one
 * line there, nothing else.
 *
 * A run function reads the store (through zj_stmt, set-based SQL), decides what the rule says
 * about the data, and hands each finding to the lead sink (leads.h) with its evidence records
 * and a plain-language explanation. It never prints; it returns ZJ_OK or an error code with
 * `err` set. zj_detect_run() gives each detector its own transaction and detect_run row, so
 * a failing detector leaves the leads of the others and its own earlier leads untouched.
 */
#ifndef ZJ_DETECT_H
#define ZJ_DETECT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"
#include "base/error.h"
#include "detect/leads.h"
#include "detect/rules.h"
#include "store/store.h"

/* Data the detectors of one zj_detect_run() share, e.g. a family's common graph (opaque). */
typedef struct zj_detect_cache zj_detect_cache;

/* The context a detector's run function receives. */
typedef struct zj_detect_ctx {
    zj_store *store;
    const struct zj_detector *det;
    const zj_rules *rules;       /* all rules; zj_param_* below read this detector's entry */
    zj_lead_sink *sink;          /* where findings go (leads.h) */
    int severity;                /* the detector's severity after the rules (1 low .. 4 critical) */
    const char *basis;           /* the basis to cite after the rules */
    char as_of[11];              /* reference date YYYY-MM-DD ("today") */
    long as_of_day;              /* the same as days since 1970-01-01 */
    zj_detect_cache *cache;      /* see zj_detect_cache_get */
    char summary[256];           /* optional one-line statistics of the run (e.g. cases checked) */
    bool incremental;            /* a ZJ_SCOPE_CASE detector: evaluate only the cases in scope
                                    (scope.h); see zj_detect_scope */
    int64_t evaluated;           /* candidate records the detector looked at (its own count) */
    const struct zj_detector *const *later;   /* the detectors this run starts after this one, */
    size_t nlater;                             /* in order (see zj_detect_later) */
} zj_detect_ctx;

/* What a detector's findings depend on, for incremental runs (zj_detector_scope). */
typedef enum zj_detect_scope {
    ZJ_SCOPE_ALL = 0,            /* anything: every run evaluates everything */
    ZJ_SCOPE_CASE,               /* per case: each lead's subject is a case record (incident,
                                    police_case, procuratorate_case, court_case) and its finding
                                    depends only on the records of the cases scope.h says a new
                                    record touches, the reference day and the parameters; such a
                                    detector honours ctx->incremental and may be re-run on the
                                    touched cases only */
} zj_detect_scope;

typedef struct zj_detector {
    const char *code;            /* docs/domain.md section 3, e.g. "TV02" */
    const char *title_zh;
    const char *title_en;
    const char *basis;           /* default legal or policy basis (rules may restate it) */
    int severity;                /* default severity 1..4 */
    const zj_param *params;      /* parameters in rules/detectors.yaml, {NULL}-terminated */
    int (*run)(zj_detect_ctx *ctx, zj_error *err);
} zj_detector;

/* What `d`'s findings depend on: ZJ_SCOPE_CASE for the detectors scope.c lists as per case
 * (a detector declares itself there, by code, once its SQL honours ctx->incremental), else
 * ZJ_SCOPE_ALL. */
zj_detect_scope zj_detector_scope(const zj_detector *d);

/* ---- the registry (registry.c) ------------------------------------------------------------ */

/* Every detector, in catalog order. */
size_t zj_detectors(const zj_detector *const **out);
/* The detector with this code (case-insensitive), or NULL. */
const zj_detector *zj_detector_find(const char *code);

/* ---- parameters (the detector's entry in the rules, or its defaults) ------------------------ */

int64_t zj_param_int(const zj_detect_ctx *c, const char *name);
double zj_param_real(const zj_detect_ctx *c, const char *name);
bool zj_param_bool(const zj_detect_ctx *c, const char *name);
const char *zj_param_text(const zj_detect_ctx *c, const char *name);
/* A list parameter: the number of items; items[i] valid while the rules live. */
size_t zj_param_list(const zj_detect_ctx *c, const char *name, const char *const **items);
/* True when `value` (n bytes) is an item of list parameter `name`. */
bool zj_param_has(const zj_detect_ctx *c, const char *name, const char *value, size_t n);

/* ---- sharing work within one run ---------------------------------------------------------- *
 * Detectors of one family often read the same things (TV01-TV04 the same officers, relatives,
 * roles and cases). The first to need them loads them and leaves them here; the others of the
 * same zj_detect_run() reuse them. Only canonical data belongs here - never anything that
 * depends on one detector's parameters - and it is dropped when the run ends, so a detector
 * run alone (--only) loads what it needs itself.
 *
 * One exception: a family whose members read the same large input once each (CC01-CC03, every
 * location point) may let its first member read it for those of the family that run later
 * (zj_detect_later) and leave their states here, each computed with that member's own
 * parameters; the later member then only reports (cc_pass.c). */

/* The detector with this code (exact) if this run starts it after the current one, else NULL. */
const zj_detector *zj_detect_later(const zj_detect_ctx *c, const char *code);

/* The data left under `name`, or NULL. */
void *zj_detect_cache_get(zj_detect_ctx *c, const char *name);
/* Leave `data` under `name` (freed with free_fn at the end of the run, or now on failure). */
int zj_detect_cache_put(zj_detect_ctx *c, const char *name, void *data, void (*free_fn)(void *),
                        zj_error *err);

/* ---- incremental runs ---------------------------------------------------------------------- *
 * A ZJ_SCOPE_CASE detector whose previous finished run had the same reference day and
 * parameters runs on the cases the records imported since then touch (scope.h): ctx->incremental
 * is true and the detector's SQL narrows itself with zj_detect_scope_sql. The leads of other
 * cases that the previous run produced stay current (carried to the new run). Whether
 * incremental or not, the leads of touched cases that the previous run produced are handed to
 * the workflow as changes (lead_change: resolved or event, with the record that caused it). */

/* `sql` with "@SCOPE@" replaced by `filter` when the run is incremental, by nothing otherwise
 * (scope.h zj_scope_sql). The filter names temp.zj_case_scope, e.g.
 * " AND p.case_no IN (SELECT case_no FROM temp.zj_case_scope WHERE system = 'police')". */
int zj_detect_scope_sql(const zj_detect_ctx *c, const char *sql, const char *filter,
                        zj_buf *out, zj_error *err);

/* ---- running ----------------------------------------------------------------------------- */

typedef struct zj_detect_stats {
    char code[8];
    int64_t run_id;
    int64_t found, inserted, updated, unchanged;
    int64_t not_seen;            /* earlier leads of this code the run did not produce */
    double seconds;
    double cpu_seconds;          /* the process's CPU time (user + system) during the run */
    char summary[256];           /* the detector's own statistics line, "" when none */
    bool incremental;            /* ran on the touched cases only */
    int64_t scope_cases;         /* cases the new records touched (-1: no previous run to
                                    compare with, so nothing is new to it) */
    int64_t evaluated;           /* candidate records the detector looked at */
    int64_t carried;             /* leads of untouched cases kept current (incremental; counted
                                    in found and unchanged too) */
    int64_t changes;             /* leads of touched cases handed to the workflow */
    bool ahead;                  /* evaluated on two threads with others before its turn
                                    (zj_detect_run); seconds and cpu_seconds are then its
                                    evaluation's on its thread plus the writing of its leads */
} zj_detect_stats;

/* The detectors of one zj_detect_run together, from the first's start to the last's commit
 * (the analysis after them excluded). */
typedef struct zj_detect_totals {
    double seconds;              /* wall */
    double cpu_seconds;          /* the process's, every thread */
    int threads;                 /* 2 when per-case detectors were evaluated on two threads */
} zj_detect_totals;

typedef struct zj_detect_options {
    const char *const *only;     /* codes to run (NULL: every enabled detector) */
    size_t nonly;
    const char *as_of;           /* YYYY-MM-DD; NULL: today's date (UTC) */
    bool skip_analysis;          /* do not recompute lead_rate afterwards */
    bool full;                   /* evaluate every case even when an incremental run would do */
    /* called after each detector; may be NULL */
    void (*done)(const zj_detect_stats *st, void *ctx);
    void *done_ctx;
    zj_detect_totals *totals;    /* filled when not NULL and the detectors ran */
} zj_detect_options;

/* Run the selected detectors, each in its own transaction, then (unless skipped) the analysis
 * (analysis.h). When two or more per-case detectors (ZJ_SCOPE_CASE) evaluate every case and the
 * store is a file, they are evaluated first on two threads, each thread with its own connection
 * (they only read), and their leads written in their turn: the same leads and detect_run rows,
 * in the same order, as on one thread. Returns ZJ_OK, ZJ_EUSAGE (unknown code in `only`, bad as_of) or the first
 * detector's error (the detectors after it do not run). */
int zj_detect_run(zj_store *s, const zj_rules *rules, const zj_detect_options *opt,
                  zj_error *err);

#endif
