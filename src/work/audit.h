/* audit.h - the tamper-evident trail (全程留痕): every change and every unmasked view, appended.
 *
 * Each entry records who (the actor), when, what (action, object) and the object's state hash
 * before and after. Entries are hash-chained and a Merkle tree (RFC 6962 leaf/node hashing)
 * covers them; signed checkpoints (Ed25519) let an outside party check later that the log only
 * grew. The design is in docs/audit.md. This header is the interface the rest of the work layer
 * and the front ends use; audit.c owns the audit tables and is the only code with SQL on them.
 *
 * Call zj_audit_append inside the same store transaction as the change it records, so the
 * change and its entry commit or roll back together.
 */
#ifndef ZJ_AUDIT_H
#define ZJ_AUDIT_H

#include <stdint.h>

#include "base/error.h"
#include "store/store.h"
#include "work/actor.h"

/* One action to record. Strings are borrowed for the call; NULL means "none". */
typedef struct zj_audit_event {
    const char *action;        /* dotted verb: "lead.decide", "lead.unmask", "user.add",
                                  "record.file", "import.batch", "filing.check" ... */
    const char *object_table;  /* what it acted on: "lead", "app_user", "interference_record" ... */
    int64_t object_id;
    const char *before_hash;   /* hex SHA-256 of the object's state before, NULL for a creation */
    const char *after_hash;    /* after; NULL for a pure view */
    const char *detail;        /* a small JSON object (reason, fields shown ...), NULL for none */
} zj_audit_event;

/* Append one entry for `actor`. Returns ZJ_OK and *entry_id (may be NULL), or an error with
 * `err` set; on error nothing was appended. */
int zj_audit_append(zj_store *s, const zj_actor *actor, const zj_audit_event *e,
                    int64_t *entry_id, zj_error *err);

#endif
