/* sentence.h - sentence-change cases handled online (减刑、假释、暂予监外执行网上办案): each
 * step a record with its actor and time, in order, by the agency whose step it is.
 *
 * The steps of a case:
 *
 *   application ─▶ review ─▶ notice ─▶ opinion ─▶ ruling     (reduction, parole: the court)
 *   (prison)       (prison)  (prison)  (procuratorate) └─▶ decision (temporary execution
 *                     │                                             outside prison: the
 *                     └ rejected: the case ends                     prison administration)
 *
 * A case is a sentence_change row: one entered here (`application` writes it, source system
 * ZJ_SC_ONLINE_SOURCE, decision pending) or one imported from an agency's export. They are the
 * same records: an imported case still pending is taken to have its application (applied_at)
 * and is continued online from the review; an imported case already decided has no further
 * step. The ruling or decision writes its outcome (decided_at, decision, court_case_no, the cut
 * granted) into the case's row through the store's writer, as a new version of that row
 * (record_version keeps the one before), so SC01-SC04 check an online case like an imported one.
 *
 * Who (work/policy.h, zj_actor_may_sc_step): application, review and notice by prison staff
 * (sc_prison) of the prison; the review not by the user who made the application (separation
 * of duties); the opinion by a procurator (sc_procurator) of a procuratorate in the prison's
 * city; the ruling by a judge (sc_court) of a court in the prison's city; the decision on
 * temporary execution by prison administration (sc_prison) of a unit above the prison. The
 * notice runs ZJ_SC_NOTICE_WORKDAYS working days (Monday to Friday) after the day it is
 * posted; the opinion is refused before they have passed.
 *
 * Every step is appended to sc_step with the actor (user, role, unit, session), its local time
 * and a state hash chained over the case's steps, and to the audit trail (work/audit.h) in the
 * same transaction: the step, the row it writes and the audit entry commit together or not at
 * all.
 *
 * Errors: ZJ_EUSAGE for a malformed request (the message names the field) or a step out of
 * order (the message names the case's last step and the one that may come next); ZJ_EPERM for
 * an actor without the role or unit the step needs (the message names both); ZJ_EDATA for store
 * errors. Strings passed in are borrowed for the call; strings passed to callbacks are valid
 * during the callback only.
 */
#ifndef ZJ_WORK_SENTENCE_H
#define ZJ_WORK_SENTENCE_H

#include <stdbool.h>
#include <stdint.h>

#include "base/error.h"
#include "store/store.h"
#include "work/actor.h"

#define ZJ_SC_ONLINE_SOURCE "zhijian"
/* 公示期限: five working days (监狱提请减刑假释工作程序规定, 2014). */
#define ZJ_SC_NOTICE_WORKDAYS 5

typedef enum zj_sc_step {
    ZJ_SC_APPLICATION = 0,    /* 提请: the prison proposes */
    ZJ_SC_REVIEW,             /* 评审: the prison's review (approved | rejected) */
    ZJ_SC_NOTICE,             /* 公示: posted in the prison */
    ZJ_SC_OPINION,            /* 检察意见: the procuratorate (agree | disagree) */
    ZJ_SC_RULING,             /* 裁定: the court (granted | refused) */
    ZJ_SC_DECISION,           /* 决定: temporary execution outside prison (granted | refused) */
    ZJ_SC_STEP_COUNT
} zj_sc_step;

/* "application", "review", ...; NULL out of range. */
const char *zj_sc_step_name(zj_sc_step s);
/* 提请, 评审, ... */
const char *zj_sc_step_label(zj_sc_step s);
int zj_sc_step_parse(const char *name);

/* The step that may follow `last` (-1: none yet) in a case of `change_type` (reduction,
 * parole, medical_parole), or -1 when the case is complete. Pure: no roles, no store. */
int zj_sc_next_step(int last, const char *change_type);

/* One step. Fields a step does not use must be NULL or 0 (ZJ_EUSAGE otherwise). */
typedef struct zj_sc_request {
    zj_sc_step step;
    const char *change_no;        /* the case (application: the new case's number) */
    /* application */
    const char *prisoner_no, *prisoner_name, *prisoner_id_no, *prison_unit_code;
    const char *original_case_no, *crime, *crime_category, *change_type, *reason;
    const char *sentence_start_date, *prev_reduction_date;
    int sentence_months;          /* fixed term, months (> 0) */
    int reduction_months;         /* application: the cut proposed; ruling: the cut granted
                                     (reduction only) */
    bool recidivist;
    /* review, opinion, ruling, decision */
    const char *outcome;          /* see zj_sc_step */
    const char *court_case_no;    /* ruling: 裁定书案号 (required when granted) */
    const char *note;             /* any step: free text (not in the audit entry) */
    const char *now;              /* "YYYY-MM-DD HH:MM:SS" local; NULL: the clock (tests) */
} zj_sc_request;

typedef struct zj_sc_outcome {
    int64_t change_id;            /* sentence_change.id */
    int64_t step_id;              /* sc_step.id */
    int64_t seq;
    int next;                     /* the step that may come next, or -1 (complete) */
    char state_hash[65];
} zj_sc_outcome;

/* Take step `r` for actor `a` in one transaction of its own (do not call inside one). */
int zj_sc_act(zj_store *s, const zj_actor *a, const zj_sc_request *r, zj_sc_outcome *out,
              zj_error *err);

/* One step of a case's history. An imported case's application and ruling (from the row's
 * applied_at and decided_at) appear with seq 0 and `imported` set. */
typedef struct zj_sc_step_row {
    int64_t seq;
    zj_sc_step step;
    const char *outcome, *note;
    const char *username, *role, *unit_code;     /* NULL for an imported step */
    const char *source_system;                   /* imported steps: where the row came from */
    const char *at;
    const char *state_hash;                      /* NULL for an imported step */
    int64_t audit_id;
    bool imported;
} zj_sc_step_row;

/* The case as a whole, passed before its steps. */
typedef struct zj_sc_case {
    int64_t change_id;
    const char *change_no, *change_type, *prison_unit_code, *decision, *source_system;
    int next;                     /* the step that may come next, or -1 */
} zj_sc_case;

/* The case `change_no` and its steps in order: head(case) once, then step(row) per step.
 * Needs the sentence-change permission on the prison, or the right to take one of the case's
 * steps (the procuratorate and court of the prison's city). ZJ_EUSAGE "no sentence-change
 * case X"; ZJ_EPERM. Callbacks return non-zero to stop. */
int zj_sc_history_each(zj_store *s, const zj_actor *a, const char *change_no,
                       int (*head)(const zj_sc_case *, void *),
                       int (*step)(const zj_sc_step_row *, void *), void *ctx, zj_error *err);

#endif
