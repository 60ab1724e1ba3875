/* read.h - the read layer: leads, entities, party histories and statistics for every front end,
 * scoped and masked by the actor's rights (读取层).
 *
 * The CLI and the HTTP API read through these functions only; they hold no SQL and decide no
 * permission. Each function:
 *   - checks the actor's permission once (work/policy.h) and fails with ZJ_EPERM ("user 'x'
 *     (leader) may not 'unmask'") when the role does not hold it;
 *   - keeps to the actor's scope: lists skip objects of units outside it; asking for one such
 *     object by id fails with ZJ_EPERM (the object exists, but not for this actor);
 *   - masks personal data (ID numbers, phones, addresses, birth dates, personal names) unless
 *     the caller passes ZJ_READ_UNMASK, which needs ZJ_PERM_UNMASK on the object's unit and is
 *     recorded in the audit trail (work/audit.h) before anything unmasked is handed out;
 *   - hands rows to a callback `fn(row, ctx)`; every string in a row is owned by the read layer
 *     and valid only during that call (copy what you keep); fn returns non-zero to stop early
 *     (not an error);
 *   - returns ZJ_OK, ZJ_EUSAGE (bad request: unknown lead, bad filter), ZJ_EPERM or ZJ_EDATA
 *     (store error), with `err` set on error.
 * Functions run in no transaction of their own, except that an audited read appends its
 * audit entry in a transaction it opens and commits (so the caller must not be inside one).
 *
 * Tables are read through the modules that own them (docs/architecture.md): leads through
 * detect/leads.h, rates through detect/analysis.h, mentions through link/entity_read.h,
 * rejected rows through store/store.h; read.c's own SQL reads the canonical tables it
 * describes as evidence and the parties and court cases of a filing check.
 */
#ifndef ZJ_WORK_READ_H
#define ZJ_WORK_READ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"
#include "base/error.h"
#include "store/store.h"
#include "work/actor.h"

/* Read flags. */
enum {
    ZJ_READ_UNMASK = 1u << 0,     /* personal data in full: needs ZJ_PERM_UNMASK; audited */
};

/* ---- leads (线索) ------------------------------------------------------------------------ */

typedef struct zj_lead_query {
    const char *code;          /* detector code, e.g. "TV01"; NULL: any */
    const char *status;        /* lead status, e.g. "new"; NULL: any */
    const char *unit;          /* only this unit and the units below it (within the actor's
                                  scope: a unit outside it gives no rows); NULL: the scope */
    bool current_only;         /* only leads the latest finished run of their detector produced
                                  (detect/leads.h: zj_lead_is_current, the one rule) */
    const char *region;        /* 6-digit region code: only leads whose unit lies there, its
                                  region taken at the code's level (XXYY00 a prefecture, else
                                  the county), as the cockpit's summary counts them
                                  (work/summary.h); ZJ_EUSAGE when not 6 digits; NULL: any */
    int64_t offset;            /* paging: skip this many visible leads */
    int64_t limit;             /* at most this many; 0: all */
} zj_lead_query;

/* A lead as a reader sees it. The stored lead texts never hold personal data (leads.h). */
typedef struct zj_lead_view {
    int64_t id;
    const char *code, *fingerprint;
    const char *title_zh, *title_en;       /* the detector's name; NULL for an unknown code */
    const char *subject_table;
    int64_t subject_id;
    const char *subject_system;            /* the subject record's source system (may be NULL) */
    const char *subject_key;               /* its source key: NULL unless unmasked */
    const char *unit_code, *unit_name;     /* responsible unit (either may be NULL) */
    int severity;                          /* 1 low .. 4 critical */
    const char *status;
    bool current;                          /* produced by its detector's latest run */
    const char *title, *explanation, *basis, *path;   /* basis and path may be NULL */
    const char *first_seen_at, *last_seen_at;         /* UTC */
    const char *facts;         /* the detector's facts (事实要素) as a JSON object's text, NULL
                                  when the lead has none; like the texts, never personal data */
} zj_lead_view;

typedef int (*zj_lead_view_fn)(const zj_lead_view *lead, void *ctx);

/* Leads matching q (NULL: all) that the actor may read (ZJ_PERM_LEAD_READ on the lead's unit),
 * by severity (highest first), code and id. *total (may be NULL) is set to the number of
 * visible matching leads, all pages together. Masked: no subject_key. */
int zj_read_leads(zj_store *s, const zj_actor *a, const zj_lead_query *q, zj_lead_view_fn fn,
                  void *ctx, int64_t *total, zj_error *err);

/* One field of an evidence record, described for a reader. */
typedef struct zj_field_view {
    const char *column;        /* the canonical column, e.g. "id_no" */
    const char *label;         /* its Chinese label, e.g. "身份证号" */
    const char *value;         /* as stored, or masked */
    bool masked;               /* value was masked */
    bool json;                 /* value is a JSON object's text (a record's `extra`) */
} zj_field_view;

/* An evidence record with its provenance (source system, file and line) and its fields. */
typedef struct zj_evidence_view {
    int n;                     /* 1, 2, ... in the lead's order */
    const char *table, *role, *note;       /* role and note may be NULL */
    int64_t record_id;
    bool exists;               /* still in the store; when false, nothing below is set */
    const char *source_system;
    const char *source_key;    /* NULL unless unmasked (a natural key may be an ID number) */
    int64_t batch_id, line;
    const char *file;          /* import_batch.file, may be NULL */
    const zj_field_view *fields;   /* non-empty fields only, in the table's order, then
                                      "extra" (JSON text) where the table has that column */
    size_t nfields;
} zj_evidence_view;

typedef int (*zj_evidence_view_fn)(const zj_evidence_view *ev, void *ctx);

/* Lead `id` in full: lead_fn once with the lead, then ev_fn (may be NULL) per evidence record.
 * flags: ZJ_READ_UNMASK (audited as "lead.unmask" before any row is handed out).
 * ZJ_EUSAGE "no lead N", ZJ_EPERM outside the scope or without the permission. */
int zj_read_lead(zj_store *s, const zj_actor *a, int64_t id, unsigned flags,
                 zj_lead_view_fn lead_fn, zj_evidence_view_fn ev_fn, void *ctx, zj_error *err);

/* ---- entities (实体) --------------------------------------------------------------------- */

/* One appearance of an entity in a record. */
typedef struct zj_mention_view {
    int64_t mention_id;
    const char *kind;          /* person | enterprise (the entity's) */
    const char *table;
    int64_t record_id;
    const char *role;
    const char *name;          /* a person's name masked unless unmasked */
    const char *id_no;         /* resident ID or credit code, masked unless unmasked */
    const char *id_status;     /* valid|legacy|invalid|missing, may be NULL */
} zj_mention_view;

typedef int (*zj_mention_view_fn)(const zj_mention_view *m, void *ctx);

/* The mentions of entity `id` (ZJ_PERM_ENTITY_READ; entities belong to no unit). With
 * ZJ_READ_UNMASK (needs ZJ_PERM_UNMASK province-wide; audited as "entity.unmask").
 * ZJ_EUSAGE "no entity N". */
int zj_read_entity(zj_store *s, const zj_actor *a, int64_t id, unsigned flags,
                   zj_mention_view_fn fn, void *ctx, zj_error *err);

/* ---- filing check (立案审查): a party's history across all courts ----------------------- */

typedef struct zj_party_case_view {
    const char *case_system;   /* court | procuratorate | police */
    const char *case_no, *role;            /* the party's role (诉讼地位) */
    const char *name;          /* masked */
    const char *court_code, *cause, *filed_at, *closed_at, *outcome;   /* court cases; may be NULL */
} zj_party_case_view;

typedef int (*zj_party_case_view_fn)(const zj_party_case_view *c, void *ctx);

/* Every case in which the holder of resident ID `id_no` is a party, across all courts and
 * systems, newest first (ZJ_PERM_FILING_CHECK; not bound to a unit). Always masked. Each call
 * is audited as "filing.check" (the ID itself is not written to the trail, only its hash). */
int zj_read_party_history(zj_store *s, const zj_actor *a, const char *id_no,
                          zj_party_case_view_fn fn, void *ctx, zj_error *err);

/* ---- statistics (分析研判) ---------------------------------------------------------------- */

typedef struct zj_stats_query {
    const char *measure;       /* officers_with_leads | report_compliance | complaints; NULL any */
    const char *dimension;     /* agency | business_area | region | position | tenure | unit */
    const char *code;          /* detector code or family ("TV"), "*"; NULL: any */
} zj_stats_query;

typedef struct zj_rate_view {
    const char *measure, *code, *dimension, *value, *label;   /* label may be NULL */
    int64_t numerator, denominator;
    bool has_rate;
    double rate;               /* per 1,000 officers, or per cent for report_compliance */
    const char *computed_at;
} zj_rate_view;

typedef int (*zj_rate_view_fn)(const zj_rate_view *r, void *ctx);

/* The leaders' rates (ZJ_PERM_STATS_READ), worst first within each measure, code and
 * dimension. Rows by unit are limited to the actor's scope; the other dimensions are
 * anonymous aggregates of the province and shown to every holder of the permission. */
int zj_read_stats(zj_store *s, const zj_actor *a, const zj_stats_query *q, zj_rate_view_fn fn,
                  void *ctx, zj_error *err);

/* ---- case-flow figures (案件流程统计) ----------------------------------------------------- */

typedef struct zj_caseflow_query {
    const char *by;            /* agency | unit | month | unit_month (default): the grouping */
    const char *measure;       /* open_warnings | overdue_cases | stage_days; NULL any */
    const char *agency;        /* police | procuratorate | court; NULL any */
    const char *month;         /* YYYY-MM; NULL any */
} zj_caseflow_query;

typedef struct zj_caseflow_view {
    const char *measure, *agency;
    const char *unit_code;     /* by unit, unit_month; else NULL */
    const char *month;         /* by month, unit_month; else NULL */
    const char *stage;         /* stage_days only */
    int64_t count;             /* warnings, cases, or stages completed */
    double avg_days;           /* stage_days: average days in the stage */
} zj_caseflow_view;

typedef int (*zj_caseflow_view_fn)(const zj_caseflow_view *r, void *ctx);

/* Leaders' case-flow figures (ZJ_PERM_STATS_READ; detect/cf_stats.h): open warnings, overdue
 * cases and the average days per stage, grouped as `q->by` asks. Only units in the actor's
 * scope count, so an agency's or a month's figure is that of the actor's units. Rows come by
 * measure, agency, stage, then the grouping. ZJ_EUSAGE for an unknown grouping. */
int zj_read_caseflow_stats(zj_store *s, const zj_actor *a, const zj_caseflow_query *q,
                           zj_caseflow_view_fn fn, void *ctx, zj_error *err);

/* ---- region boundaries (行政区划边界), for the cockpit's map -------------------------------- */

typedef struct zj_region_view {
    const char *region_code, *name;
    const char *level, *parent_code;   /* may be NULL */
    const char *geojson;               /* the boundary as a GeoJSON geometry (WGS-84), or NULL */
} zj_region_view;

typedef int (*zj_region_view_fn)(const zj_region_view *r, void *ctx);

/* The region `region_code` with its boundary as GeoJSON (ZJ_PERM_STATS_READ or
 * ZJ_PERM_LEAD_READ: boundaries are public data and belong to no unit). ZJ_EUSAGE when there
 * is no such region; the latest record wins when several sources give one. */
int zj_read_region(zj_store *s, const zj_actor *a, const char *region_code,
                   zj_region_view_fn fn, void *ctx, zj_error *err);

/* Every region (or, with `parent_code`, every region below it, at any depth) as one GeoJSON
 * FeatureCollection written to `out`: each feature's properties are code, name, level and
 * parent, its geometry the boundary (null when the store holds none); in code order, the
 * latest record of each code. Same permission as zj_read_region; ZJ_EUSAGE (not found) for
 * a parent code the store does not hold. */
int zj_read_regions(zj_store *s, const zj_actor *a, const char *parent_code, zj_buf *out,
                    zj_error *err);

/* ---- rejected rows of an import (导入拒收) ------------------------------------------------ */

typedef struct zj_reject_view {
    int64_t batch_id, line;
    const char *field;         /* may be NULL */
    const char *reason;        /* the importer's reason; masked, the source values it quotes
                                  are '***' (the field's name stays) */
    const char *raw;           /* the whole row as read: NULL unless unmasked */
} zj_reject_view;

typedef int (*zj_reject_view_fn)(const zj_reject_view *r, void *ctx);

/* The rejected rows of batch `batch_id` (ZJ_PERM_REJECT_READ; batches belong to no unit, so
 * province-wide users only). The raw rows and the values quoted in reasons only with
 * ZJ_READ_UNMASK (ZJ_PERM_UNMASK, audited as "import.reject_unmask"). */
int zj_read_rejects(zj_store *s, const zj_actor *a, int64_t batch_id, unsigned flags,
                    zj_reject_view_fn fn, void *ctx, zj_error *err);

/* ---- masking, for every front end ---------------------------------------------------------- */

/* The kinds of personal data and how each is masked (脱敏). */
typedef enum zj_pii {
    ZJ_PII_NONE = 0,
    ZJ_PII_NAME,               /* a person's name: 张** */
    ZJ_PII_PARTY_NAME,         /* a party's name: masked when the party is a person */
    ZJ_PII_ID,                 /* resident ID: 610102********1234 */
    ZJ_PII_TAXNO,              /* a taxpayer number, masked when it is a resident ID */
    ZJ_PII_PHONE,              /* 138****5678 */
    ZJ_PII_ADDRESS,            /* the first 6 characters (province, city) and stars */
    ZJ_PII_BIRTH_DATE,         /* the year only: 1985-**-** */
} zj_pii;

/* Mask `v` (NUL-terminated) of kind `kind` into out (cap bytes, NUL-terminated). For
 * ZJ_PII_PARTY_NAME `party_kind` is the row's party_kind ("person" masks). Never fails: a
 * value that cannot be masked by its rule becomes "***". */
void zj_mask_pii(zj_pii kind, const char *v, const char *party_kind, char *out, size_t cap);

#endif
