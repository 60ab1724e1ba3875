/* verify.c - the audit trail's verification, for an actor allowed to read the trail. */
#include "work/verify.h"

#include "work/policy.h"

int zj_work_audit_verify(zj_store *s, const zj_actor *a, zj_audit_report *rep, zj_error *err)
{
    if (!zj_actor_may(a, ZJ_PERM_AUDIT_READ, NULL))
        return zj_deny(err, a, ZJ_PERM_AUDIT_READ, NULL);
    return zj_audit_verify(s, NULL, rep, err);
}
