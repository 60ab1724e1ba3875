/* audit_double.c - an in-memory zj_audit_append for unit tests (see audit_double.h). */
#include "audit_double.h"

#include <stdio.h>

audit_seen audit_log[512];
int audit_count;
int audit_fail_next;

int zj_audit_append(zj_store *s, const zj_actor *actor, const zj_audit_event *e,
                    int64_t *entry_id, zj_error *err)
{
    (void)s;
    if (audit_fail_next) {
        audit_fail_next = 0;
        return zj_fail(err, ZJ_EDATA, "audit: injected failure");
    }
    if (audit_count == (int)(sizeof audit_log / sizeof audit_log[0]))
        return zj_fail(err, ZJ_EDATA, "audit double full");
    audit_seen *a = &audit_log[audit_count++];
    snprintf(a->action, sizeof a->action, "%s", e->action ? e->action : "");
    snprintf(a->table, sizeof a->table, "%s", e->object_table ? e->object_table : "");
    snprintf(a->before, sizeof a->before, "%s", e->before_hash ? e->before_hash : "");
    snprintf(a->after, sizeof a->after, "%s", e->after_hash ? e->after_hash : "");
    snprintf(a->user, sizeof a->user, "%s", actor->username ? actor->username : "");
    snprintf(a->detail, sizeof a->detail, "%s", e->detail ? e->detail : "");
    a->object_id = e->object_id;
    if (entry_id)
        *entry_id = 1000 + audit_count;
    return ZJ_OK;
}
