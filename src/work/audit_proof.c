/* audit_proof.c - inclusion and consistency proofs of the audit trail against its signed
 * checkpoints, and checking them with nothing but the proof and the public key.
 *
 * Proof hashes come from the stored tree: complete subtrees of 64 leaves or more from
 * audit_node, smaller ones hashed from their leaves (audit_entry.hash), so a proof costs
 * O(log n) reads. The proofs themselves are merkle.c's (RFC 6962 PATH and PROOF).
 */
#include "work/audit_internal.h"

#include <stdlib.h>
#include <string.h>

int audit_subtree(void *ctx, int level, uint64_t idx, zj_hash out, zj_error *err)
{
    audit_tree *t = ctx;
    int rc;
    if (level >= AUDIT_NODE_LEVEL) {
        if (!t->node && (rc = zj_stmt_prepare(t->s, "SELECT hash FROM audit_node"
                                                     " WHERE level = $1 AND idx = $2",
                                               &t->node, err)))
            return rc;
        zj_stmt_reset(t->node);
        zj_stmt_bind_int(t->node, 1, level);
        zj_stmt_bind_int(t->node, 2, (int64_t)idx);
        size_t len = 0;
        const char *hex = zj_stmt_next(t->node, err) == 1 ? zj_stmt_text(t->node, 0, &len) : NULL;
        if (!zj_hash_from_hex(hex, len, out))
            return zj_fail(err, ZJ_EDATA, "the audit log's tree node (%d, %llu) is missing or "
                                          "damaged; run 'zhijian audit verify'",
                           level, (unsigned long long)idx);
        return ZJ_OK;
    }
    if (!t->leaves && (rc = zj_stmt_prepare(t->s, "SELECT hash FROM audit_entry WHERE id > $1"
                                                   " AND id <= $2 ORDER BY id", &t->leaves, err)))
        return rc;
    zj_hasher *h = zj_hasher_new();
    if (!h)
        return zj_fail(err, ZJ_EDATA, "out of memory");
    zj_stmt_reset(t->leaves);
    zj_stmt_bind_int(t->leaves, 1, (int64_t)(idx << level));
    zj_stmt_bind_int(t->leaves, 2, (int64_t)((idx + 1) << level));
    zj_frontier f = {0};
    int step;
    rc = ZJ_OK;
    while (!rc && (step = zj_stmt_next(t->leaves, err)) == 1) {
        size_t len = 0;
        const char *hex = zj_stmt_text(t->leaves, 0, &len);
        zj_hash leaf;
        if (!zj_hash_from_hex(hex, len, leaf))
            rc = zj_fail(err, ZJ_EDATA, "the audit log has a damaged entry hash; run 'zhijian "
                                        "audit verify'");
        else if (zj_frontier_push(h, &f, 0, leaf, NULL, NULL))
            rc = zj_fail(err, ZJ_EDATA, "audit: SHA-256 failed (libcrypto)");
    }
    if (!rc && step < 0)
        rc = ZJ_EDATA;
    if (!rc && f.size != (uint64_t)1 << level)
        rc = zj_fail(err, ZJ_EDATA, "the audit log is missing entries of %llu to %llu; run "
                                    "'zhijian audit verify'",
                     (unsigned long long)(idx << level) + 1,
                     (unsigned long long)((idx + 1) << level));
    if (!rc)
        memcpy(out, f.node[level], ZJ_HASH_LEN);
    zj_hasher_free(h);
    return rc;
}

void audit_tree_close(audit_tree *t)
{
    zj_stmt_finalize(t->node);
    zj_stmt_finalize(t->leaves);
    t->node = t->leaves = NULL;
}

void zj_audit_proof_free(zj_audit_proof *p)
{
    if (!p)
        return;
    free(p->entry_buf);
    p->entry_buf = NULL;
}

static void to_hex_path(const zj_hash *path, size_t n, zj_audit_proof *out)
{
    out->n = n;
    for (size_t i = 0; i < n; i++)
        zj_hash_hex(path[i], out->path[i]);
}

int zj_audit_prove_inclusion(zj_store *s, int64_t id, zj_audit_proof *out, zj_error *err)
{
    memset(out, 0, sizeof *out);
    int rc = zj_audit_get(s, id, &out->entry, &out->entry_buf, err);
    if (rc)
        return rc;
    rc = zj_audit_checkpoint_latest(s, &out->cp, err);
    if ((rc == ZJ_EUSAGE || (!rc && out->cp.tree_size < id)))
        rc = zj_audit_checkpoint_now(s, &out->cp, err);
    zj_hasher *h = zj_hasher_new();
    audit_tree t = {.s = s};
    zj_subtrees src = {.get = audit_subtree, .ctx = &t, .hasher = h};
    zj_hash path[ZJ_AUDIT_MAX_PROOF];
    size_t n = 0;
    if (!rc && !h)
        rc = zj_fail(err, ZJ_EDATA, "out of memory");
    if (!rc)
        rc = zj_merkle_inclusion_proof(&src, (uint64_t)id - 1, (uint64_t)out->cp.tree_size, path,
                                       &n, err);
    audit_tree_close(&t);
    zj_hasher_free(h);
    if (!rc)
        to_hex_path(path, n, out);
    /* a proof that does not check against the log's own checkpoint means a damaged log */
    if (!rc && (rc = zj_audit_proof_check(out, NULL, err)))
        zj_error_prefix(err, "entry %lld: ", (long long)id);
    if (rc)
        zj_audit_proof_free(out);
    return rc;
}

/* The log's root at `size` (from the stored tree), compared with checkpoint c. */
static int matches_log(zj_store *s, zj_hasher *h, const zj_audit_checkpoint *c, zj_error *err)
{
    audit_tree t = {.s = s};
    zj_subtrees src = {.get = audit_subtree, .ctx = &t, .hasher = h};
    zj_hash root;
    int rc = c->tree_size > 0 ? zj_merkle_range(&src, 0, (uint64_t)c->tree_size, root, err)
                              : zj_merkle_empty(h, root);
    audit_tree_close(&t);
    if (rc)
        return rc;
    char hex[65];
    zj_hash_hex(root, hex);
    if (strcmp(hex, c->root_hash) != 0)
        return zj_fail(err, ZJ_EDATA,
                       "the log does not contain the checkpoint of size %lld signed at %s: its "
                       "first %lld entries now have root %s, the checkpoint says %s (the log "
                       "was rewritten)", (long long)c->tree_size, c->signed_at,
                       (long long)c->tree_size, hex, c->root_hash);
    return ZJ_OK;
}

int zj_audit_prove_consistency(zj_store *s, const zj_audit_checkpoint *old,
                               const zj_audit_checkpoint *new_cp, zj_audit_proof *out,
                               zj_error *err)
{
    memset(out, 0, sizeof *out);
    out->consistency = true;
    out->old = *old;
    char key[65], key_id[17];
    int rc = zj_audit_public_key(s, key, key_id, err);
    if (!rc && (rc = zj_audit_checkpoint_check(old, key, err)))
        zj_error_prefix(err, "old checkpoint: ");
    if (!rc && new_cp) {
        out->cp = *new_cp;
        if ((rc = zj_audit_checkpoint_check(new_cp, key, err)))
            zj_error_prefix(err, "new checkpoint: ");
    } else if (!rc) {
        rc = zj_audit_checkpoint_now(s, &out->cp, err);
    }
    if (!rc && old->tree_size > out->cp.tree_size)
        rc = zj_fail(err, ZJ_EUSAGE, "the old checkpoint (size %lld) is larger than the new one "
                                     "(size %lld)", (long long)old->tree_size,
                     (long long)out->cp.tree_size);
    zj_hasher *h = zj_hasher_new();
    if (!rc && !h)
        rc = zj_fail(err, ZJ_EDATA, "out of memory");
    if (!rc)
        rc = matches_log(s, h, old, err);
    if (!rc && new_cp)
        rc = matches_log(s, h, new_cp, err);
    audit_tree t = {.s = s};
    zj_subtrees src = {.get = audit_subtree, .ctx = &t, .hasher = h};
    zj_hash path[ZJ_AUDIT_MAX_PROOF];
    size_t n = 0;
    if (!rc)
        rc = zj_merkle_consistency_proof(&src, (uint64_t)old->tree_size,
                                         (uint64_t)out->cp.tree_size, path, &n, err);
    audit_tree_close(&t);
    zj_hasher_free(h);
    if (!rc)
        to_hex_path(path, n, out);
    if (!rc)
        rc = zj_audit_proof_check(out, key, err);
    return rc;
}

int zj_audit_proof_check(const zj_audit_proof *p, const char *public_key, zj_error *err)
{
    int rc = zj_audit_checkpoint_check(&p->cp, public_key, err);
    if (rc)
        return rc;
    if (p->consistency && (rc = zj_audit_checkpoint_check(&p->old, public_key, err)))
        return rc;
    if (p->n > ZJ_AUDIT_MAX_PROOF)
        return zj_fail(err, ZJ_EDATA, "proof has too many hashes");
    zj_hash path[ZJ_AUDIT_MAX_PROOF], root;
    for (size_t i = 0; i < p->n; i++)
        if (!zj_hash_from_hex(p->path[i], strlen(p->path[i]), path[i]))
            return zj_fail(err, ZJ_EDATA, "proof hash %zu is not 64 hex digits", i + 1);
    if (!zj_hash_from_hex(p->cp.root_hash, strlen(p->cp.root_hash), root))
        return zj_fail(err, ZJ_EDATA, "checkpoint root is not 64 hex digits");
    zj_hasher *h = zj_hasher_new();
    if (!h)
        return zj_fail(err, ZJ_EDATA, "out of memory");
    if (p->consistency) {
        zj_hash old_root;
        if (!zj_hash_from_hex(p->old.root_hash, strlen(p->old.root_hash), old_root))
            rc = zj_fail(err, ZJ_EDATA, "old checkpoint root is not 64 hex digits");
        else if (!zj_merkle_verify_consistency(h, (uint64_t)p->old.tree_size,
                                               (uint64_t)p->cp.tree_size, old_root, root, path,
                                               p->n))
            rc = zj_fail(err, ZJ_EDATA, "the log of size %lld is not an extension of the log of "
                                        "size %lld: the consistency proof fails",
                         (long long)p->cp.tree_size, (long long)p->old.tree_size);
    } else {
        zj_hash prev, stored, leaf;
        const zj_audit_entry *e = &p->entry;
        if (!zj_hash_from_hex(e->prev_hash, strlen(e->prev_hash), prev) ||
            !zj_hash_from_hex(e->hash, strlen(e->hash), stored))
            rc = zj_fail(err, ZJ_EDATA, "entry %lld: hashes are not 64 hex digits", (long long)e->id);
        else if (audit_leaf_hash(h, prev, e, leaf))
            rc = zj_fail(err, ZJ_EDATA, "audit: SHA-256 failed (libcrypto)");
        else if (memcmp(leaf, stored, ZJ_HASH_LEN) != 0)
            rc = zj_fail(err, ZJ_EDATA, "entry %lld: its fields do not match its hash",
                         (long long)e->id);
        else if (e->id < 1 || e->id > p->cp.tree_size ||
                 !zj_merkle_verify_inclusion(h, (uint64_t)e->id - 1, (uint64_t)p->cp.tree_size,
                                             leaf, path, p->n, root))
            rc = zj_fail(err, ZJ_EDATA, "entry %lld is not in the log of size %lld: the "
                                        "inclusion proof fails", (long long)e->id,
                         (long long)p->cp.tree_size);
    }
    zj_hasher_free(h);
    return rc;
}
