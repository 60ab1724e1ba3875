/* records.h - the records officers file in zhijian itself (自主填报): three-regulations
 * records (三个规定记录, one per event), monthly zero reports (月度零报告) and a
 * procuratorate unit's quarterly reports (季度报告).
 *
 * A filed record is a canonical row like an imported one - interference_record for records
 * and zero reports, quarterly_report for quarterly reports - with source_system "zhijian"
 * (ZJ_RECORDS_SOURCE), written through the store's writer in an import batch of its own whose
 * file names the user and session. So TR01/TR02 (and TR03/TR04) read filed and imported
 * records alike. record_filing keeps the provenance: who filed (user id, name, role), the
 * session, when (UTC), and which earlier filing a correction replaces.
 *
 * A filed record is never edited. A correction is a new record, filed with `corrects` naming
 * the record number it replaces and a reason; fields the correction does not give are taken
 * from the record it replaces. Only the latest version of a record can be corrected, and only
 * records filed in zhijian (imported ones are corrected in their own system). The replaced row
 * stays; the new one's corrects_record_no (corrects_report_no) points at it.
 *
 * reported_at is the filing time on the server's local clock (set TZ to the agencies' zone,
 * Asia/Shanghai): the detectors compare it with local deadlines (TR02: the 5th of the next
 * month, 23:59:59). It is never taken from the caller.
 *
 * Who may (work/policy.h): an officer files and corrects his own records and zero reports
 * (actor->officer_no); an administrator may enter them for any officer in scope (provenance
 * names the administrator); a unit's quarterly report is filed by who may read the unit's
 * records (it summarises them: unit supervisors, inspectors, leaders, administrators). Reading:
 * an officer his own; those with record.read their scope.
 *
 * Errors: ZJ_EUSAGE for a malformed or redundant request (the message names the field, e.g.
 * "field 'month': 2027-01 is in the future"); ZJ_EPERM when role or scope refuse ("user 'x'
 * (officer) may not file a record for officer 'B002'"); ZJ_EDATA for store errors. On error
 * nothing was written. Strings passed in are borrowed for the call; callback strings are valid during
 * the callback only.
 */
#ifndef ZJ_WORK_RECORDS_H
#define ZJ_WORK_RECORDS_H

#include <stdbool.h>
#include <stdint.h>

#include "base/error.h"
#include "store/store.h"
#include "work/actor.h"

#define ZJ_RECORDS_SOURCE "zhijian"

typedef enum zj_record_kind {
    ZJ_RECORD_EVENT = 0,      /* 三个规定记录: one interference, inquiry or contact */
    ZJ_RECORD_ZERO,           /* 零报告: nothing to record in the month */
    ZJ_RECORD_QUARTERLY,      /* 季度报告 of a unit */
    ZJ_RECORD_KIND_COUNT
} zj_record_kind;

/* "record", "zero", "quarterly"; NULL out of range. */
const char *zj_record_kind_name(zj_record_kind k);
int zj_record_kind_parse(const char *name);

/* What a person files. Fields a kind does not use must be NULL (ZJ_EUSAGE otherwise). */
typedef struct zj_record_input {
    zj_record_kind kind;
    /* records and zero reports */
    const char *officer_no;   /* whose; default the actor's own officer_no */
    const char *unit_code;    /* default the officer's unit in the officer table, else the
                                 actor's; quarterly: the reporting unit */
    const char *month;        /* YYYY-MM the report covers: zero required; record default the
                                 month of occurred_at; never a future month */
    /* records */
    const char *category;     /* leader_interference | internal_inquiry | improper_contact */
    const char *actor_name;   /* who interfered, asked or made contact (required) */
    const char *actor_id_no;  /* their resident ID, checked when given */
    const char *actor_unit, *actor_position;
    const char *case_system;  /* court | procuratorate | police (with case_no) */
    const char *case_no;
    const char *occurred_at;  /* "YYYY-MM-DD HH:MM[:SS]", required, not in the future */
    const char *content;      /* what happened (required) */
    /* quarterly reports */
    const char *quarter;      /* YYYY-Qn, a quarter that has begun */
    const char *summary;      /* the unit's account (required) */
    const char *measures;     /* what it did about it */
    /* corrections */
    const char *corrects;     /* record_no (report_no) of the record this one replaces */
    const char *reason;       /* why (required with corrects) */
} zj_record_input;

typedef struct zj_filed {
    int64_t filing_id;        /* record_filing.id */
    int64_t record_id;        /* interference_record.id or quarterly_report.id */
    char record_no[32];       /* "ZJ-R-000001" (record), "ZJ-Z-..." (zero), "ZJ-Q-..." */
    char reported_at[20];
    /* quarterly: the counts the report carries, computed from the unit's records */
    int64_t record_count, zero_report_count, officer_count;
} zj_filed;

/* The kind of the record `record_no` filed in zhijian (what a correction of it must be), or
 * ZJ_EUSAGE "field 'corrects': no record ...". */
int zj_record_kind_of(zj_store *s, const char *record_no, zj_record_kind *kind, zj_error *err);

/* File `in` for actor `a`, in one transaction of its own (do not call inside one), with its
 * audit entry ("record.file" or "record.correct"). `out` may be NULL. */
int zj_record_file(zj_store *s, const zj_actor *a, const zj_record_input *in, zj_filed *out,
                   zj_error *err);

/* A filed record as lists show it. Personal data of the actor named in a record is masked. */
typedef struct zj_filed_row {
    int64_t filing_id;
    const char *kind, *record_no;
    const char *officer_no, *unit_code;
    const char *month;        /* records, zero reports; quarterly: NULL */
    const char *quarter;      /* quarterly only */
    const char *category, *case_no;
    const char *actor_name_masked;
    const char *reported_at;
    const char *username, *role;
    int64_t session_id;
    const char *corrects;     /* record_no it replaced, or NULL */
    const char *corrected_by; /* record_no that replaced it, or NULL (then it is current) */
    const char *reason;       /* the correction's reason */
} zj_filed_row;

typedef struct zj_filed_filter {
    int kind;                 /* a zj_record_kind or -1 */
    const char *officer_no, *unit_code, *month;   /* NULL: any */
    bool current_only;        /* skip records a correction replaced */
    int64_t limit;            /* 0: no limit */
} zj_filed_filter;

/* Call fn for each record filed in zhijian the actor may read, newest first. */
int zj_filed_each(zj_store *s, const zj_actor *a, const zj_filed_filter *f,
                  int (*fn)(const zj_filed_row *, void *), void *ctx, zj_error *err);

#endif
