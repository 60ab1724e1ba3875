/* workflow.h - working a lead to a verdict (线索处置): assignment, verification, the verdict,
 * rectification and closing, with comments, attachments and the lead's full history.
 *
 * The lifecycle (docs/workflow.md):
 *
 *   new ─assign─▶ assigned ─start─▶ verifying ─confirm─▶ confirmed ─rectify─▶ rectification
 *                  ▲   ▲               │  │                  │                    │
 *                  │   └─assign again──┘  │ dismiss          │ close (reason)     │ close
 *                  │                      ▼                  ▼                    ▼
 *                  │                  dismissed ──close──▶ closed ◀───────────────┘
 *                  └──────────reopen (reason, new deadline)──┘
 *
 * assign works from new, assigned and verifying (re-assignment returns the lead to assigned);
 * comments and attachments work in every state and change no state. Every other pair of state
 * and action is refused. zj_lead_next_state is the whole table.
 *
 * The state lives in the workflow's own tables (lead_workflow, lead_action, lead_comment,
 * lead_attachment; docs/data-standard.md); a detection re-run updates a lead's content but
 * cannot reach its verdict. The state is mirrored into lead.status (through the lead's owner,
 * zj_lead_set_status) in the same transaction, so every lead list and filter shows it. A lead the detector no longer produces keeps
 * its state and history (the lead reader's `current` flag marks it).
 *
 * Every action is checked against the actor's role and scope (one function in workflow.c asks
 * the policy); verification is started by the assignee (or an administrator) and appended, with an audit entry (work/audit.h) in the same transaction: the
 * action, its audit entry and the new state commit together or not at all.
 *
 * Overdue work is a flag, not a lead: a lead assigned or in verification past its deadline is
 * `overdue_verification`, a lead in rectification past its rectification deadline is
 * `overdue_rectification` (both against a reference day, by default today's local date).
 * The queue (zj_lead_queue_each) filters on them, and the lists show them.
 *
 * Errors: ZJ_EUSAGE for a request that is malformed (the message names the field) or refused
 * by the state machine (the message names the state and what would be allowed); ZJ_EPERM when
 * the actor's role or scope does not allow it; ZJ_EDATA for store and file errors. On any error
 * nothing was written. Strings passed in are borrowed for the call; strings passed to
 * callbacks are valid during the callback only.
 */
#ifndef ZJ_WORK_WORKFLOW_H
#define ZJ_WORK_WORKFLOW_H

#include <stdbool.h>
#include <stdint.h>

#include "base/error.h"
#include "store/store.h"
#include "work/actor.h"

typedef enum zj_lead_state {
    ZJ_LEAD_NEW = 0,          /* 新线索 */
    ZJ_LEAD_ASSIGNED,         /* 已分派: a unit and a person with a deadline */
    ZJ_LEAD_VERIFYING,        /* 核查中 */
    ZJ_LEAD_CONFIRMED,        /* 查实 */
    ZJ_LEAD_DISMISSED,        /* 排除 (with a reason) */
    ZJ_LEAD_RECTIFICATION,    /* 整改中, with its own deadline */
    ZJ_LEAD_CLOSED,           /* 已办结 */
    ZJ_LEAD_STATE_COUNT
} zj_lead_state;

typedef enum zj_lead_verb {
    ZJ_LEAD_ASSIGN = 0,       /* 分派: unit_code, assignee, deadline required */
    ZJ_LEAD_START,            /* 开始核查 */
    ZJ_LEAD_CONFIRM,          /* 认定查实: reason optional */
    ZJ_LEAD_DISMISS,          /* 认定排除: reason required */
    ZJ_LEAD_RECTIFY,          /* 责令整改: deadline (the rectification's) required */
    ZJ_LEAD_CLOSE,            /* 办结: reason required when closing a confirmed lead unrectified */
    ZJ_LEAD_REOPEN,           /* 重新启动: reason and a new verification deadline required */
    ZJ_LEAD_COMMENT,          /* 批注: comment required; no state change */
    ZJ_LEAD_ATTACH,           /* 附件: file_path required; no state change */
    ZJ_LEAD_VERB_COUNT
} zj_lead_verb;

/* "new", "assigned", ...; NULL for a value out of range. */
const char *zj_lead_state_name(zj_lead_state s);
/* 新线索, 已分派, ... */
const char *zj_lead_state_label(zj_lead_state s);
/* The state called `name`, or -1. */
int zj_lead_state_parse(const char *name);
/* "assign", "start", ...; NULL for a value out of range. */
const char *zj_lead_verb_name(zj_lead_verb v);
int zj_lead_verb_parse(const char *name);

/* The state `verb` takes a lead in state `from` to, or -1 when the state machine refuses it
 * (comment and attach return `from`). Pure: no roles, no store. */
int zj_lead_next_state(zj_lead_state from, zj_lead_verb verb);

/* One action on one lead. Fields a verb does not use must be NULL. Dates are "YYYY-MM-DD". */
typedef struct zj_lead_request {
    zj_lead_verb verb;
    int64_t lead_id;
    const char *unit_code;    /* assign: the unit charged with verification (in the actor's scope) */
    const char *assignee;     /* assign: username of the person who verifies: an active user
                                 who may verify leads of unit_code (work/users.h) */
    const char *deadline;     /* assign, reopen: verification deadline; rectify: rectification
                                 deadline; never before `today` */
    const char *reason;       /* confirm, dismiss, close, reopen (see the verbs) */
    const char *comment;      /* comment: the text */
    const char *file_path;    /* attach: the file to store (read whole, at most 64 MiB) */
    const char *file_name;    /* attach: the name to show (default: file_path's last part) */
    const char *attach_dir;   /* attach: the store's attachment folder (zj_attachment_dir) */
    const char *today;        /* reference day; NULL: today's local date */
    int64_t if_version;       /* > 0: refuse (ZJ_EUSAGE, a conflict) unless the lead is still at this
                                 version (zj_lead_status.version): a form read earlier does not
                                 act on a lead someone else has moved on since; 0: no check */
} zj_lead_request;

typedef struct zj_lead_outcome {
    zj_lead_state from, to;
    int64_t action_id;        /* lead_action.id */
    int64_t seq;              /* its number in the lead's history, from 1 */
    char state_hash[65];      /* hex SHA-256 of the state after */
    char sha256[65];          /* attach: the file's content hash */
} zj_lead_outcome;

/* Carry out `r` for actor `a` in one transaction of its own (do not call inside one): check
 * the role and scope, the state machine and the fields; store the new state and the history
 * entry (and the comment or the attachment's record); append the audit entry. `out` may be
 * NULL. An attached file is stored once per content as <attach_dir>/<2 hex>/<64 hex>, mode
 * 0600 (folders 0700), written to a temporary name and renamed, before the transaction. */
int zj_lead_act(zj_store *s, const zj_actor *a, const zj_lead_request *r,
                zj_lead_outcome *out, zj_error *err);

/* A lead's workflow state as the lists show it. */
typedef struct zj_lead_status {
    int64_t lead_id;
    const char *code, *title; /* the lead's detector code and title */
    int severity;
    bool current;             /* false: the latest run of its detector no longer produced it */
    zj_lead_state state;
    const char *lead_unit;    /* the unit the detector named */
    const char *unit_code;    /* assigned unit (NULL before assignment) */
    const char *assignee, *deadline, *rectify_deadline;
    const char *verdict, *verdict_reason;       /* NULL before a verdict */
    int64_t version;          /* actions so far */
    const char *updated_at;   /* UTC; NULL for an untouched lead */
    const char *first_seen_at;   /* UTC, when detection first raised it (lists only; NULL
                                    from zj_lead_status_get) */
    bool overdue_verification, overdue_rectification;
    int64_t unread;           /* notices on this lead not yet read by its assignee */
} zj_lead_status;

/* The status of one lead (fn called once), or ZJ_EUSAGE "no lead N". Needs read access to the
 * lead's unit (ZJ_EPERM otherwise). `today` as in zj_lead_request. */
int zj_lead_status_get(zj_store *s, const zj_actor *a, int64_t lead_id, const char *today,
                       int (*fn)(const zj_lead_status *, void *), void *ctx, zj_error *err);

typedef struct zj_lead_queue_filter {
    int state;                /* a zj_lead_state, or -1 for any (untouched leads are 'new') */
    const char *assignee;     /* NULL: any */
    const char *unit_code;    /* assigned unit; NULL: any */
    const char *code;         /* detector code (TV01) or family (TV); NULL: any */
    const char *lead_unit;    /* the lead's own unit; NULL: any */
    const char *text;         /* free text: a person's or enterprise's name or ID number, a
                                 unit's code or name, a case number (detect/leads.h:
                                 zj_leads_each); NULL: any */
    int min_severity;         /* only leads at least this severe (1-4); 0: any */
    bool overdue_only;        /* only overdue verification or rectification */
    bool worked_only;         /* only leads with at least one action (skip untouched 'new') */
    const char *today;        /* NULL: today */
    int64_t limit;            /* 0: no limit */
} zj_lead_queue_filter;

/* Call fn for each lead in the actor's scope (the lead's unit, or the assigned unit) matching
 * `f`, in the lead list's order (severity, highest first, code, id). Untouched leads count as
 * 'new'. fn returns non-zero to stop. */
int zj_lead_queue_each(zj_store *s, const zj_actor *a, const zj_lead_queue_filter *f,
                       int (*fn)(const zj_lead_status *, void *), void *ctx, zj_error *err);

/* One entry of a lead's history. */
typedef struct zj_lead_event {
    int64_t seq;
    const char *action;       /* a zj_lead_verb name */
    const char *from_state, *to_state;
    const char *username, *role;
    int64_t user_id, session_id;
    const char *at;           /* UTC */
    const char *unit_code, *assignee, *deadline, *reason;       /* as given, else NULL */
    const char *comment;      /* comment: its text */
    const char *file_name, *sha256;                             /* attach */
    int64_t file_size;
    int64_t audit_id;         /* the audit entry recording it (0 if none) */
} zj_lead_event;

/* Call fn for every action on the lead, oldest first. Needs read access to the lead's unit. */
int zj_lead_history_each(zj_store *s, const zj_actor *a, int64_t lead_id,
                         int (*fn)(const zj_lead_event *, void *), void *ctx, zj_error *err);

/* Where to read attachment `sha256` of lead `lead_id` from: its path under `attach_dir` into
 * out (cap bytes), and its name as attached into name (name_cap bytes; may be NULL). An
 * attached file is an unmasked document, so reading it needs the unmask permission on the
 * lead's unit (ZJ_EPERM otherwise) and is recorded in the audit trail ("lead.attachment_read",
 * the hash in its detail) before the path is handed out. ZJ_EUSAGE when the lead has no such
 * attachment; ZJ_EDATA when its file is missing from the folder. */
int zj_lead_attachment_get(zj_store *s, const zj_actor *a, int64_t lead_id, const char *sha256,
                           const char *attach_dir, char *out, size_t cap, char *name,
                           size_t name_cap, zj_error *err);

/* ---- what detection finds on leads being worked (增量: 补录) ------------------------------- *
 * A detect run that re-evaluates a case because new records touched it hands each earlier lead
 * of that case to the workflow as a change (detect/leads.h zj_lead_change): 'resolved' when the
 * run no longer finds it (the missing step arrived), 'event' when it still does. The workflow
 * applies them in order, each once:
 *   - a resolved lead nobody has taken up (state new) closes by itself: an 'auto_close' action
 *     in its history, reason "补录: <record> 已到达 ...", by the user "zhijian", with its audit
 *     entry;
 *   - a lead being worked (assigned, verifying, confirmed, rectification) keeps its state: an
 *     'event' action in its history says what arrived (and whether the lead is still found),
 *     and its assignee gets an unread notice (zj_lead_notices_each);
 *   - dismissed and closed leads, and new leads still found, are left as they are. */

typedef struct zj_lead_sync_stats {
    int64_t changes;          /* changes read */
    int64_t auto_closed;      /* leads closed by themselves */
    int64_t events;           /* 'event' entries added to leads being worked */
    int64_t notices;          /* notices to assignees */
} zj_lead_sync_stats;

/* Apply the changes recorded since the last call, in one transaction. The actor runs the
 * detection (it needs the decide permission: ZJ_EPERM otherwise); the actions are recorded as
 * the system's ("zhijian"), the audit entries as the actor's. `st` may be NULL. */
int zj_lead_sync_detection(zj_store *s, const zj_actor *a, zj_lead_sync_stats *st,
                           zj_error *err);

/* A notice to a lead's assignee. */
typedef struct zj_lead_notice {
    int64_t id, lead_id;
    const char *code, *title;  /* the lead's */
    int64_t seq;               /* the history entry it points at */
    const char *action, *reason, *created_at, *read_at;   /* read_at NULL while unread */
} zj_lead_notice;

/* Call fn for the actor's own notices (by username), newest first; only unread ones when
 * `unread_only`. fn returns non-zero to stop. */
int zj_lead_notices_each(zj_store *s, const zj_actor *a, bool unread_only,
                         int (*fn)(const zj_lead_notice *, void *), void *ctx, zj_error *err);

/* Mark the actor's unread notices read: those of lead `lead_id`, or all when lead_id is 0.
 * *n (may be NULL) = notices marked. */
int zj_lead_notices_mark_read(zj_store *s, const zj_actor *a, int64_t lead_id, int64_t *n,
                              zj_error *err);

/* The store's attachment folder for a store at `db_path`: "<db_path>.files". Returns ZJ_OK, or
 * ZJ_EUSAGE when it does not fit in `cap` bytes. */
int zj_attachment_dir(const char *db_path, char *out, size_t cap, zj_error *err);

/* The path of the stored file with content hash `sha256` (64 hex digits) under `dir`. */
int zj_attachment_path(const char *dir, const char *sha256, char *out, size_t cap,
                       zj_error *err);

#endif
