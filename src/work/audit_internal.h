/* audit_internal.h - what the audit trail's files share (audit.c, audit_verify.c, audit_proof.c,
 * audit_json.c); not for other modules. */
#ifndef ZJ_AUDIT_INTERNAL_H
#define ZJ_AUDIT_INTERNAL_H

#include "work/audit.h"
#include "work/merkle.h"

/* Complete subtrees of at least 2^AUDIT_NODE_LEVEL leaves are kept in audit_node; smaller ones
 * are hashed from their (at most 63) leaves when a proof or an append needs them. */
#define AUDIT_NODE_LEVEL 6

/* The columns of audit_entry in the order of zj_audit_entry, for SELECTs. */
#define AUDIT_ENTRY_COLUMNS                                                                    \
    "id, at, user_id, username, role, unit_code, session_id, action, object_table, object_id," \
    " before_hash, after_hash, detail, prev_hash, hash"

/* The signing key (audit_key.c). */
typedef struct audit_key {
    bool loaded;
    unsigned char sk[64], pk[32];   /* Ed25519 */
    char key_id[17], pk_hex[65];
} audit_key;
/* Load (on first use create) the signing key of store s, checked against the log's public
 * key; a no-op once loaded. */
int audit_key_load(audit_key *k, zj_store *s, zj_error *err);
/* Set c's time, key and signature (c->tree_size and c->root_hash filled in). */
void audit_key_sign(const audit_key *k, zj_audit_checkpoint *c);
void audit_key_wipe(audit_key *k);

/* "YYYY-MM-DD HH:MM:SS" UTC now. */
void audit_utc_now(char out[20]);
/* Check an actor and an event before appending: ZJ_OK or ZJ_EUSAGE naming the field. */
int audit_validate(const zj_actor *a, const zj_audit_event *e, zj_error *err);

/* The leaf hash of entry e whose predecessor's hash is `prev` (e->prev_hash is not read). */
int audit_leaf_hash(zj_hasher *h, const zj_hash prev, const zj_audit_entry *e, zj_hash out);

/* Fill e from a row of AUDIT_ENTRY_COLUMNS (strings valid until the statement moves on);
 * the _fields variant reads columns 0-12 only (not prev_hash and hash). */
void audit_entry_from_row(zj_stmt *st, zj_audit_entry *e);
void audit_entry_fields_from_row(zj_stmt *st, zj_audit_entry *e);

/* Copy e's strings into one malloc'ed buffer *buf (the caller frees it) and point e at them. */
int audit_pack_entry(zj_audit_entry *e, char **buf, zj_error *err);

/* The subtree source over the stored tree (audit_node and audit_entry) for merkle.h's proofs;
 * the caller finalizes *node and *leaves (zj_stmt_finalize) when done. */
typedef struct audit_tree {
    zj_store *s;
    zj_stmt *node, *leaves;
} audit_tree;
int audit_subtree(void *ctx, int level, uint64_t idx, zj_hash out, zj_error *err);
void audit_tree_close(audit_tree *t);

/* Fill c from a row of (tree_size, root_hash, signed_at, key_id, signature, public_key). */
void audit_checkpoint_from_row(zj_stmt *st, zj_audit_checkpoint *c);

/* Read checkpoint rows: the head (head = true) or the checkpoint with the largest tree size at
 * most max_size (max_size < 0: the latest). Returns 1 found, 0 none, or -1 with err set. */
int audit_read_head(zj_store *s, zj_audit_checkpoint *out, zj_error *err);
int audit_read_checkpoint(zj_store *s, int64_t max_size, zj_audit_checkpoint *out, zj_error *err);

#endif
