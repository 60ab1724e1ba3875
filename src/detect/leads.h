/* leads.h - leads (线索): building one, the sink that stores them, and reading them back.
 *
 * A detector builds a zj_lead for each finding: the natural keys that make the finding that
 * finding (zj_lead_key), its subject record, the responsible unit, a severity, a title, a
 * plain-language explanation, the path from subject to evidence, the evidence records
 * with their role on the path, and its facts as fields (months, case numbers, counts, dates:
 * zj_lead_fact_*), so a program reads them without parsing the explanation. Text stored with a lead never holds a person's name, ID or
 * phone: those are read from the evidence records when the lead is shown, and masked there
 * unless the reader asks otherwise.
 *
 * The sink stores leads by fingerprint = code + "-" + 32 hex digits of the XXH3-128 hash of
 * the key parts, so the same finding always has the same fingerprint:
 *   - a new fingerprint is inserted with status 'new' and first_seen_at = now;
 *   - a known one keeps its id, status and first_seen_at; if its content (subject, unit,
 *     severity, title, explanation, basis, path, evidence) changed it is updated and its
 *     evidence replaced, otherwise only last_seen_at and last_run change;
 *   - a lead the run does not produce is left alone (its last_run stays older than the
 *     detector's latest run: "no longer detected").
 * Emitting one fingerprint twice in one run is a detector bug and fails with ZJ_EUSAGE.
 */
#ifndef ZJ_DETECT_LEADS_H
#define ZJ_DETECT_LEADS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"
#include "base/error.h"
#include "store/store.h"

typedef struct zj_evidence {
    const char *table;     /* canonical table */
    int64_t record_id;
    const char *role;      /* its part in the finding: officer, spouse, legal_rep role ... */
    const char *note;      /* e.g. "持股 30% / 30% share" (may be empty) */
} zj_evidence;

/* A lead being built. Zero-initialise, then zj_lead_reset() between findings, zj_lead_free()
 * at the end. Strings passed in are copied. */
typedef struct zj_lead {
    zj_buf key;            /* fingerprint key parts, U+001F separated */
    const char *subject_table;
    int64_t subject_id;
    char unit_code[64];    /* unit responsible for verification (may be empty) */
    int severity;          /* 1 low .. 4 critical */
    zj_buf title, explanation, path;
    /* evidence: table, role and note are offsets of copies kept in `strings` */
    struct { size_t table, role, note; int64_t record_id; } *ev;
    size_t nev, cap;
    zj_buf strings;
    struct cJSON *facts;   /* a JSON object, or NULL while no fact is set */
} zj_lead;

void zj_lead_reset(zj_lead *l);
void zj_lead_free(zj_lead *l);
/* Add one natural-key part (a source key, a credit code, a relation ...). */
int zj_lead_key(zj_lead *l, const char *part, size_t n);
/* Add an evidence record; the same (table, record, role) twice is kept once. `note` may be
 * NULL. Returns ZJ_OK or ZJ_EDATA (out of memory). */
int zj_lead_evidence(zj_lead *l, const char *table, int64_t record_id, const char *role,
                     const char *note);
/* Facts (事实要素): one field of the lead's `facts` object each. A list fact appends one
 * value to an array. Like the texts, facts never hold a person's name, ID or phone. Return
 * ZJ_OK or ZJ_EDATA (out of memory). */
int zj_lead_fact_int(zj_lead *l, const char *key, int64_t v);
int zj_lead_fact_num(zj_lead *l, const char *key, double v);
int zj_lead_fact_str(zj_lead *l, const char *key, const char *v);
int zj_lead_fact_bool(zj_lead *l, const char *key, bool v);
int zj_lead_fact_list_str(zj_lead *l, const char *key, const char *v);
int zj_lead_fact_list_int(zj_lead *l, const char *key, int64_t v);
int zj_lead_fact_list_num(zj_lead *l, const char *key, double v);
/* The facts as compact JSON ("{}" when none): malloc'd, or NULL when out of memory. */
char *zj_lead_facts_json(const zj_lead *l);

/* True when record (table, record_id) is evidence already, in any role. */
bool zj_lead_has_evidence(const zj_lead *l, const char *table, int64_t record_id);
size_t zj_lead_nevidence(const zj_lead *l);
zj_evidence zj_lead_evidence_at(const zj_lead *l, size_t i);

/* ---- the sink ---------------------------------------------------------------------------- */

typedef struct zj_lead_sink zj_lead_sink;

/* A sink writing leads of `code` for detect run `run_id` (detect_run.id) with `basis`. Runs
 * in the caller's transaction. */
int zj_sink_open(zj_store *s, const char *code, int64_t run_id, const char *basis,
                 zj_lead_sink **out, zj_error *err);
/* Store one finding (see the file comment). */
int zj_sink_emit(zj_lead_sink *k, const zj_lead *l, zj_error *err);
void zj_sink_counts(const zj_lead_sink *k, int64_t *found, int64_t *inserted, int64_t *updated,
                    int64_t *unchanged);
void zj_sink_close(zj_lead_sink *k);                   /* NULL is allowed */

/* A sink that keeps its leads in memory, in order, instead of writing them: a detector
 * evaluated on another thread's connection (detect.c) emits into one, and zj_sink_replay then
 * hands the leads to a writing sink exactly as if the detector had emitted them there. Its
 * counts are the leads kept (found). */
int zj_sink_open_memory(const char *code, zj_lead_sink **out, zj_error *err);
/* Emit every lead `from` (a memory sink) kept into `to`, in order; stops at the first error. */
int zj_sink_replay(const zj_lead_sink *from, zj_lead_sink *to, zj_error *err);

/* The fingerprint of `code` with key `key` (keylen bytes): "CODE-" + 32 hex digits. */
void zj_lead_fingerprint(const char *code, const char *key, size_t keylen, char out[48]);

/* ---- reading leads back (`zhijian leads`) -------------------------------------------------- */

typedef struct zj_lead_row {
    int64_t id;
    const char *code, *fingerprint, *subject_table;
    int64_t subject_id;
    const char *unit_code, *unit_name;
    int severity;
    const char *title, *explanation, *basis, *path, *status;
    const char *first_seen_at, *last_seen_at;
    bool current;          /* produced by the latest finished run of its detector (last_run
                              NULL: never current); the same rule as zj_leads_current_each */
    const char *subject_system, *subject_key;   /* the subject record's provenance (may be NULL) */
    const char *facts;     /* the facts object as JSON text (NULL for leads stored before facts) */
} zj_lead_row;

typedef struct zj_lead_filter {
    const char *code, *status, *unit;   /* NULL: any */
    bool current_only;                  /* only leads the latest run produced */
    const char *text;                   /* free text (zj_leads_each); NULL: any */
    const int64_t *entities;            /* with text: entities it names (link/entity_read.h: */
    size_t nentities;                   /* zj_link_entities_named), matched in the records */
    int64_t limit;                      /* 0: no limit */
} zj_lead_filter;

/* Call fn for each lead matching `f`, by severity (highest first), code and id. Strings are
 * valid during the call only. fn returns non-zero to stop.
 * `f->text` matches a lead when it is: the lead's unit code, or part of its unit's name; part
 * of its title or explanation; or the exact case number of its subject or an evidence record
 * (any canonical table with a case_no column); and so does a lead whose subject or evidence
 * records mention one of `f->entities` (the people and companies the text names, resolved by
 * the caller through the link layer: detect never reads a person's name). */
int zj_leads_each(zj_store *s, const zj_lead_filter *f,
                  int (*fn)(const zj_lead_row *, void *), void *ctx, zj_error *err);

/* A lead's place in the list: its id and unit, for counting and scoping a page of the list
 * without reading the leads' texts (zj_leads_keys_each). */
typedef struct zj_lead_place {
    int64_t id;
    const char *unit_code;     /* may be NULL; valid during the call only */
} zj_lead_place;

/* The leads matching `f` in zj_leads_each's order, as keys only (read from one index, no
 * lead text and no provenance looked up). fn returns non-zero to stop. */
int zj_leads_keys_each(zj_store *s, const zj_lead_filter *f,
                       int (*fn)(const zj_lead_place *, void *), void *ctx, zj_error *err);

/* The leads `ids` (in that order; an id with no lead is skipped), as zj_leads_each hands
 * them. fn returns non-zero to stop. */
int zj_leads_by_id(zj_store *s, const int64_t *ids, size_t n,
                   int (*fn)(const zj_lead_row *, void *), void *ctx, zj_error *err);

/* Set lead `id`'s status to `status`. Detection writes 'new' when it inserts a lead and never
 * changes the status after; the lead workflow (work/workflow.c) mirrors its state here, in its
 * own transaction, so every reader and filter of leads sees it. ZJ_EUSAGE for no such lead. */
int zj_lead_set_status(zj_store *s, int64_t id, const char *status, zj_error *err);

/* One lead by id: fn is called once, or ZJ_EUSAGE "no lead N". */
int zj_lead_get(zj_store *s, int64_t id, int (*fn)(const zj_lead_row *, void *), void *ctx,
                zj_error *err);

/* A current lead with the provenance of its subject record (for eval and the analysis). */
typedef struct zj_lead_ref {
    int64_t id;
    const char *code;
    const char *subject_table;
    int64_t subject_id;
    const char *source_system;   /* of the subject record */
    const char *source_key;
} zj_lead_ref;

/* Call fn for every current lead (the one rule: the latest finished run of its detector
 * produced it; leads.c LEAD_IS_CURRENT) whose subject record exists, of `subject_table` only
 * (NULL: every table, ordered by table then id). Leads on an unknown table or a vanished
 * record are counted in *orphans (may be NULL) and not passed on. fn returns non-zero to stop.
 * Strings are valid during the call only. */
int zj_leads_current_each(zj_store *s, const char *subject_table,
                          int (*fn)(const zj_lead_ref *, void *), void *ctx, int64_t *orphans,
                          zj_error *err);

/* *n = the leads of `code` that run `run_id` did not produce (no longer detected). */
int zj_leads_not_seen(zj_store *s, const char *code, int64_t run_id, int64_t *n, zj_error *err);

/* ---- incremental runs (detect.h, scope.h) ------------------------------------------------- *
 * Run inside the detect run's transaction, with the scope tables of scope.h filled. */

/* Remember which leads of `code` run `prev_run` produced on the subjects in scope
 * (temp.zj_prev_current), before the new run touches them. */
int zj_leads_scope_snapshot(zj_store *s, const char *code, int64_t prev_run, zj_error *err);
/* Leads of `code` that run `prev_run` produced on subjects outside the scope stay current:
 * they move to run `run` (*n of them). */
int zj_leads_carry(zj_store *s, const char *code, int64_t prev_run, int64_t run, int64_t *n,
                   zj_error *err);
/* Record in lead_change what run `run` did to the snapshot's leads: 'event' when it produced
 * the lead again, 'resolved' when not, each with the new record that put its case in scope.
 * *n = changes recorded. */
int zj_leads_record_changes(zj_store *s, int64_t run, int64_t *n, zj_error *err);

/* One change to a lead found by a detect run (lead_change). */
typedef struct zj_lead_change {
    int64_t id, run_id, lead_id;
    const char *change;             /* resolved|event */
    const char *cause_table;        /* the new record's table */
    int64_t cause_id, cause_batch;
    const char *cause_note;         /* its case number, or the event's node (may be NULL) */
    const char *cause_file;         /* the batch's file (may be NULL) */
} zj_lead_change;

/* Call fn for every change with id > after_id, oldest first. fn returns non-zero to stop.
 * Strings valid during the call only. */
int zj_lead_changes_each(zj_store *s, int64_t after_id,
                         int (*fn)(const zj_lead_change *, void *), void *ctx, zj_error *err);

/* Open case-flow leads (families CF and PN, current, not closed or dismissed) counted by the
 * agency and unit of their subject case and the month the case began (detect/cf_stats.h). */
typedef struct zj_case_lead_count {
    const char *agency;             /* police|procuratorate|court */
    const char *unit_code, *month;  /* may be NULL */
    int64_t open;                   /* open leads */
    int64_t overdue;                /* distinct cases among them with a time-limit lead (CF02,
                                       CF06, PN01) */
} zj_case_lead_count;

int zj_leads_case_counts_each(zj_store *s, int (*fn)(const zj_case_lead_count *, void *),
                              void *ctx, zj_error *err);

/* An evidence record with its provenance: the import batch's file and the line. */
typedef struct zj_evidence_row {
    const char *table, *role, *note;
    int64_t record_id;
    bool exists;                    /* the record is still in the store */
    const char *source_system, *source_key;
    int64_t batch_id, line;
    const char *file;               /* import_batch.file (may be NULL) */
} zj_evidence_row;

int zj_lead_evidence_each(zj_store *s, int64_t lead_id,
                          int (*fn)(const zj_evidence_row *, void *), void *ctx, zj_error *err);

#endif
