/* verify.h - verifying the audit trail on behalf of a person (审计校验): the permission
 * (ZJ_PERM_AUDIT_READ) and zj_audit_verify in one call, for front ends that serve others. */
#ifndef ZJ_WORK_VERIFY_H
#define ZJ_WORK_VERIFY_H

#include "base/error.h"
#include "store/store.h"
#include "work/actor.h"
#include "work/audit.h"

/* zj_audit_verify with the key recorded in the store, if `a` may read the audit trail;
 * otherwise ZJ_EPERM and nothing is read. */
int zj_work_audit_verify(zj_store *s, const zj_actor *a, zj_audit_report *rep, zj_error *err);

#endif
