/* audit_seen.h - what the work layer's writers appended to the audit trail (work/audit.h), for
 * their unit tests: the entries as stored, and a way to make the next append fail so a test can
 * check that the action rolled back with it. Include after <cmocka.h>. */
#ifndef ZJ_AUDIT_SEEN_H
#define ZJ_AUDIT_SEEN_H

#include <stdio.h>
#include <stdlib.h>

#include "store/store.h"
#include "work/audit.h"

typedef struct audit_seen {
    char action[32], table[32], before[65], after[65], user[64];
    int64_t object_id;
    char detail[512];
} audit_seen;

/* Entries in the trail. */
static int audit_n(zj_store *s)
{
    zj_stmt *q;
    zj_error err = {0};
    assert_int_equal(zj_stmt_prepare(s, "SELECT count(*) FROM audit_entry", &q, &err), 0);
    assert_int_equal(zj_stmt_next(q, &err), 1);
    int n = (int)zj_stmt_int(q, 0);
    zj_stmt_finalize(q);
    return n;
}

/* Entry i, counting from 0. */
static audit_seen audit_at(zj_store *s, int i)
{
    zj_audit_entry e;
    char *buf = NULL;
    zj_error err = {0};
    if (zj_audit_get(s, i + 1, &e, &buf, &err))
        fail_msg("audit entry %d: %s", i + 1, err.msg);
    audit_seen a = {.object_id = e.object_id};
    snprintf(a.action, sizeof a.action, "%s", e.action ? e.action : "");
    snprintf(a.table, sizeof a.table, "%s", e.object_table ? e.object_table : "");
    snprintf(a.before, sizeof a.before, "%s", e.before_hash ? e.before_hash : "");
    snprintf(a.after, sizeof a.after, "%s", e.after_hash ? e.after_hash : "");
    snprintf(a.user, sizeof a.user, "%s", e.username ? e.username : "");
    snprintf(a.detail, sizeof a.detail, "%s", e.detail ? e.detail : "");
    free(buf);
    return a;
}

/* Make appends fail (the entry table is out of the way) until audit_mend. */
static void audit_break(zj_store *s)
{
    zj_error err = {0};
    assert_int_equal(zj_store_exec(s, "ALTER TABLE audit_entry RENAME TO audit_entry_away", &err),
                     0);
}

static void audit_mend(zj_store *s)
{
    zj_error err = {0};
    assert_int_equal(zj_store_exec(s, "ALTER TABLE audit_entry_away RENAME TO audit_entry", &err),
                     0);
}

#endif
