/* audit.c - the tamper-evident trail (全程留痕): appending entries, the signed head, checkpoints
 * and the signing key.
 *
 * An entry's hash is the RFC 6962 leaf hash of its fields and of the previous entry's hash, so
 * the entries form a hash chain and the leaves of a Merkle tree at once. Appends keep the tree's
 * right edge (a zj_frontier) in memory for the rest of the transaction: one leaf hash and on
 * average one node hash per entry; complete subtrees of 64 leaves and more are stored in
 * audit_node for proofs. The first append of a transaction loads the edge from the store (at
 * most ~20 nodes and 63 leaf hashes), and the transaction's commit (a store commit hook) signs
 * the new head once, however many entries it appended: batching in a transaction is what makes
 * appends cheap. Every AUDIT_CHECKPOINT_EVERY entries or AUDIT_CHECKPOINT_SECONDS, and on the
 * first commit, the head is also kept as a checkpoint.
 *
 * The signing key and signatures are audit_key.c; recording the commits of import, link and
 * detect runs is audit_track.c; verify and proofs are audit_verify.c and audit_proof.c.
 */
#include "work/audit_internal.h"

#include <cjson/cJSON.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>


#define AUDIT_CHECKPOINT_EVERY 10000
#define AUDIT_CHECKPOINT_SECONDS 3600
#define AUDIT_MAX_DETAIL 65536

/* The audit trail's state on one store handle (the context of its commit hook). */
typedef struct audit_state {
    zj_hasher *h;
    bool loaded;                /* f and last hold the log as of this transaction */
    bool dirty;                 /* this transaction appended */
    bool broken;                /* an append failed half way: the transaction must not commit */
    bool cached;                /* f and last are the log as this handle last committed it, */
    char cached_root[65];       /* with this signed root: valid while the head still says so */
    zj_frontier f;
    zj_hash last;               /* hash of the last entry (zeros before the first) */
    int64_t cp_size;            /* latest checkpoint's tree size, -1 when there is none */
    time_t cp_time;
    zj_stmt *insert, *insert_node;
    audit_key key;
} audit_state;

static const char *const role_names[ZJ_ROLE_COUNT] = {
    "officer", "filing_judge", "sc_prison", "sc_procurator", "sc_court", "data_steward",
    "service", "unit_supervisor", "inspector", "leader", "admin",
};

void audit_utc_now(char out[20])
{
    time_t t = time(NULL);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(out, 20, "%Y-%m-%d %H:%M:%S", &tm);
}

static time_t parse_utc(const char *s)
{
    struct tm tm = {0};
    if (!s || !strptime(s, "%Y-%m-%d %H:%M:%S", &tm))
        return 0;
    return timegm(&tm);
}

static int hash_fail(zj_error *err)
{
    return zj_fail(err, ZJ_EDATA, "audit: SHA-256 failed (libcrypto)");
}

/* ---- serialization ----------------------------------------------------------------------- */

/* The serialization is built in one buffer and hashed with one update: a digest update per
 * field cost a third of verify's time. */
typedef struct ser {
    uint8_t *p;
    size_t len, cap;
    uint8_t small[1024];
} ser;

static int ser_put(ser *b, const void *p, size_t n)
{
    if (b->len + n > b->cap) {
        size_t cap = 2 * (b->len + n);
        uint8_t *q = b->p == b->small ? malloc(cap) : realloc(b->p, cap);
        if (!q)
            return -1;
        if (b->p == b->small)
            memcpy(q, b->small, b->len);
        b->p = q;
        b->cap = cap;
    }
    memcpy(b->p + b->len, p, n);
    b->len += n;
    return 0;
}

static int ser_text(ser *b, const char *s)
{
    size_t n = s ? strlen(s) : 0;
    uint32_t v = s ? (uint32_t)n : 0xffffffffu;
    uint8_t len[4] = {(uint8_t)(v >> 24), (uint8_t)(v >> 16), (uint8_t)(v >> 8), (uint8_t)v};
    return ser_put(b, len, 4) || (n && ser_put(b, s, n)) ? -1 : 0;
}

static int ser_int(ser *b, int64_t v)
{
    uint8_t d[8];
    uint64_t u = (uint64_t)v;
    for (int i = 7; i >= 0; i--, u >>= 8)
        d[i] = (uint8_t)u;
    return ser_put(b, d, 8);
}

int audit_leaf_hash(zj_hasher *h, const zj_hash prev, const zj_audit_entry *e, zj_hash out)
{
    ser b = {.cap = sizeof b.small};
    b.p = b.small;
    static const uint8_t zero = 0;
    int rc = ser_put(&b, &zero, 1) || ser_put(&b, prev, ZJ_HASH_LEN) || ser_text(&b, e->at) ||
             ser_int(&b, e->user_id) || ser_text(&b, e->username) || ser_text(&b, e->role) ||
             ser_text(&b, e->unit_code) || ser_int(&b, e->session_id) ||
             ser_text(&b, e->action) || ser_text(&b, e->object_table) ||
             ser_int(&b, e->object_id) || ser_text(&b, e->before_hash) ||
             ser_text(&b, e->after_hash) || ser_text(&b, e->detail) || zj_hash_begin(h) ||
             zj_hash_add(h, b.p, b.len) || zj_hash_end(h, out) ? -1 : 0;
    if (b.p != b.small)
        free(b.p);
    return rc;
}

static const char *col_text(zj_stmt *st, int col)
{
    return zj_stmt_text(st, col, NULL);
}

void audit_entry_from_row(zj_stmt *st, zj_audit_entry *e)
{
    audit_entry_fields_from_row(st, e);
    size_t pn = 0, hn = 0;
    const char *p = zj_stmt_text(st, 13, &pn), *h = zj_stmt_text(st, 14, &hn);
    pn = p && pn < sizeof e->prev_hash ? pn : 0;
    hn = h && hn < sizeof e->hash ? hn : 0;
    memcpy(e->prev_hash, p ? p : "", pn);
    e->prev_hash[pn] = 0;
    memcpy(e->hash, h ? h : "", hn);
    e->hash[hn] = 0;
}

void audit_entry_fields_from_row(zj_stmt *st, zj_audit_entry *e)
{
    e->id = zj_stmt_int(st, 0);
    e->at = col_text(st, 1);
    e->user_id = zj_stmt_int(st, 2);
    e->username = col_text(st, 3);
    e->role = col_text(st, 4);
    e->unit_code = col_text(st, 5);
    e->session_id = zj_stmt_int(st, 6);
    e->action = col_text(st, 7);
    e->object_table = col_text(st, 8);
    e->object_id = zj_stmt_int(st, 9);
    e->before_hash = col_text(st, 10);
    e->after_hash = col_text(st, 11);
    e->detail = col_text(st, 12);
}

void audit_checkpoint_from_row(zj_stmt *st, zj_audit_checkpoint *c)
{
    memset(c, 0, sizeof *c);
    c->tree_size = zj_stmt_int(st, 0);
    snprintf(c->root_hash, sizeof c->root_hash, "%s", col_text(st, 1) ? col_text(st, 1) : "");
    snprintf(c->signed_at, sizeof c->signed_at, "%s", col_text(st, 2) ? col_text(st, 2) : "");
    snprintf(c->key_id, sizeof c->key_id, "%s", col_text(st, 3) ? col_text(st, 3) : "");
    snprintf(c->signature, sizeof c->signature, "%s", col_text(st, 4) ? col_text(st, 4) : "");
    snprintf(c->public_key, sizeof c->public_key, "%s", col_text(st, 5) ? col_text(st, 5) : "");
}

static int read_one_checkpoint(zj_store *s, const char *sql, int64_t arg, bool bind,
                               zj_audit_checkpoint *out, zj_error *err)
{
    zj_stmt *st = NULL;
    if (zj_stmt_prepare(s, sql, &st, err))
        return -1;
    if (bind)
        zj_stmt_bind_int(st, 1, arg);
    int rc = zj_stmt_next(st, err);
    if (rc == 1)
        audit_checkpoint_from_row(st, out);
    zj_stmt_finalize(st);
    return rc;
}

int audit_read_head(zj_store *s, zj_audit_checkpoint *out, zj_error *err)
{
    return read_one_checkpoint(
        s, "SELECT h.tree_size, h.root_hash, h.signed_at, h.key_id, h.signature, k.public_key"
           " FROM audit_head h LEFT JOIN audit_key k ON k.key_id = h.key_id WHERE h.id = 1",
        0, false, out, err);
}

int audit_read_checkpoint(zj_store *s, int64_t max_size, zj_audit_checkpoint *out,
                          zj_error *err)
{
    return read_one_checkpoint(
        s, "SELECT c.tree_size, c.root_hash, c.signed_at, c.key_id, c.signature, k.public_key"
           " FROM audit_checkpoint c LEFT JOIN audit_key k ON k.key_id = c.key_id"
           " WHERE $1 < 0 OR c.tree_size <= $1 ORDER BY c.tree_size DESC, c.id DESC LIMIT 1",
        max_size, true, out, err);
}

int zj_audit_checkpoint_latest(zj_store *s, zj_audit_checkpoint *out, zj_error *err)
{
    int rc = audit_read_checkpoint(s, -1, out, err);
    if (rc < 0)
        return err ? err->code : ZJ_EDATA;
    if (rc == 0)
        return zj_fail(err, ZJ_EUSAGE, "the audit log has no checkpoint yet (nothing recorded)");
    return ZJ_OK;
}

int zj_audit_public_key(zj_store *s, char hex[65], char key_id[17], zj_error *err)
{
    zj_stmt *st = NULL;
    int rc = zj_stmt_prepare(s, "SELECT public_key, key_id FROM audit_key ORDER BY id DESC LIMIT 1",
                             &st, err);
    if (rc)
        return rc;
    int step = zj_stmt_next(st, err);
    if (step == 1) {
        snprintf(hex, 65, "%s", col_text(st, 0) ? col_text(st, 0) : "");
        snprintf(key_id, 17, "%s", col_text(st, 1) ? col_text(st, 1) : "");
    }
    zj_stmt_finalize(st);
    if (step < 0)
        return ZJ_EDATA;
    if (step == 0)
        return zj_fail(err, ZJ_EUSAGE, "the audit log has no signing key yet (nothing recorded)");
    return ZJ_OK;
}

static int write_checkpoint(zj_store *s, const char *table_sql, const zj_audit_checkpoint *c,
                            zj_error *err)
{
    zj_stmt *ins = NULL;
    int rc = zj_stmt_prepare(s, table_sql, &ins, err);
    if (rc)
        return rc;
    zj_stmt_bind_int(ins, 1, c->tree_size);
    zj_stmt_bind_text(ins, 2, c->root_hash, strlen(c->root_hash));
    zj_stmt_bind_text(ins, 3, c->signed_at, strlen(c->signed_at));
    zj_stmt_bind_text(ins, 4, c->key_id, strlen(c->key_id));
    zj_stmt_bind_text(ins, 5, c->signature, strlen(c->signature));
    rc = zj_stmt_next(ins, err) < 0 ? ZJ_EDATA : ZJ_OK;
    zj_stmt_finalize(ins);
    return rc;
}

static const char insert_checkpoint_sql[] =
    "INSERT INTO audit_checkpoint (tree_size, root_hash, signed_at, key_id, signature)"
    " VALUES ($1, $2, $3, $4, $5)";

/* ---- state and the commit hook --------------------------------------------------------- */

static void state_free(void *ctx)
{
    audit_state *st = ctx;
    if (!st)
        return;
    zj_stmt_finalize(st->insert);
    zj_stmt_finalize(st->insert_node);
    zj_hasher_free(st->h);
    audit_key_wipe(&st->key);
    free(st);
}

/* Read the log's right edge, the last hash and the latest checkpoint into st. */
static int load(audit_state *st, zj_store *s, zj_error *err)
{
    memset(&st->f, 0, sizeof st->f);
    memset(st->last, 0, sizeof st->last);
    st->cp_size = -1;
    st->cp_time = 0;
    zj_audit_checkpoint head, cp;
    int found = audit_read_head(s, &head, err);
    if (found < 0)
        return ZJ_EDATA;
    int64_t size = found ? head.tree_size : 0, max_id = 0;
    zj_stmt *q = NULL;
    /* max(id) only (an index seek): a count would read the whole log at every transaction */
    int rc = zj_stmt_prepare(s, "SELECT coalesce(max(id), 0) FROM audit_entry", &q, err);
    if (!rc && zj_stmt_next(q, err) == 1) {
        max_id = zj_stmt_int(q, 0);
        if (max_id != size)
            rc = zj_fail(err, ZJ_EDATA,
                         "the audit log's last entry is %lld but its signed head says %lld: it "
                         "was changed outside zhijian; run 'zhijian audit verify'",
                         (long long)max_id, (long long)size);
    } else if (!rc) {
        rc = ZJ_EDATA;
    }
    zj_stmt_finalize(q);
    q = NULL;
    if (rc)
        return rc;
    /* The stored complete subtrees of the edge, largest first, then the last < 64 leaves. */
    rc = zj_stmt_prepare(s, "SELECT hash FROM audit_node WHERE level = $1 AND idx = $2", &q, err);
    for (int l = 62; !rc && l >= AUDIT_NODE_LEVEL; l--) {
        if (!((uint64_t)size >> l & 1))
            continue;
        zj_stmt_reset(q);
        zj_stmt_bind_int(q, 1, l);
        zj_stmt_bind_int(q, 2, (int64_t)(((uint64_t)size >> l) - 1));
        zj_hash node;
        size_t len = 0;
        const char *hex = zj_stmt_next(q, err) == 1 ? zj_stmt_text(q, 0, &len) : NULL;
        if (!zj_hash_from_hex(hex, len, node))
            rc = zj_fail(err, ZJ_EDATA, "the audit log's tree node (%d, %lld) is missing or "
                                        "damaged; run 'zhijian audit verify'",
                         l, (long long)(((uint64_t)size >> l) - 1));
        else if (zj_frontier_push(st->h, &st->f, l, node, NULL, NULL))
            rc = hash_fail(err);
    }
    zj_stmt_finalize(q);
    q = NULL;
    if (!rc)
        rc = zj_stmt_prepare(s, "SELECT hash FROM audit_entry WHERE id > $1 ORDER BY id", &q, err);
    if (!rc) {
        zj_stmt_bind_int(q, 1, (int64_t)st->f.size);
        int step;
        while (!rc && (step = zj_stmt_next(q, err)) == 1) {
            size_t len = 0;
            const char *hex = zj_stmt_text(q, 0, &len);
            if (!zj_hash_from_hex(hex, len, st->last))
                rc = zj_fail(err, ZJ_EDATA, "the audit log's entry %lld has a damaged hash; "
                                            "run 'zhijian audit verify'",
                             (long long)st->f.size + 1);
            else if (zj_frontier_push(st->h, &st->f, 0, st->last, NULL, NULL))
                rc = hash_fail(err);
        }
        if (!rc && step < 0)
            rc = ZJ_EDATA;
    }
    zj_stmt_finalize(q);
    if (rc)
        return rc;
    if (size > 0 && ((uint64_t)size & 63) == 0) {
        /* every leaf is inside a stored subtree: the chain continues from the last entry */
        zj_stmt *last = NULL;
        rc = zj_stmt_prepare(s, "SELECT hash FROM audit_entry WHERE id = $1", &last, err);
        size_t len = 0;
        const char *hex = NULL;
        if (!rc) {
            zj_stmt_bind_int(last, 1, size);
            hex = zj_stmt_next(last, err) == 1 ? zj_stmt_text(last, 0, &len) : NULL;
            if (!zj_hash_from_hex(hex, len, st->last))
                rc = zj_fail(err, ZJ_EDATA, "the audit log's entry %lld has a damaged hash; "
                                            "run 'zhijian audit verify'", (long long)size);
        }
        zj_stmt_finalize(last);
        if (rc)
            return rc;
    }
    found = audit_read_checkpoint(s, -1, &cp, err);
    if (found < 0)
        return ZJ_EDATA;
    if (found) {
        st->cp_size = cp.tree_size;
        st->cp_time = parse_utc(cp.signed_at);
    }
    st->loaded = true;
    return ZJ_OK;
}

/* Before the transaction commits: sign the new head, and keep it as a checkpoint when one is
 * due. */
static int before_commit(zj_store *s, void *ctx, zj_error *err)
{
    audit_state *st = ctx;
    if (st->broken)
        return zj_fail(err, ZJ_EDATA, "an audit entry of this transaction failed to append; "
                                      "the transaction cannot commit");
    if (!st->dirty)
        return ZJ_OK;
    int rc = audit_key_load(&st->key, s, err);
    if (rc)
        return rc;
    zj_audit_checkpoint c = {.tree_size = (int64_t)st->f.size};
    zj_hash root;
    if (zj_frontier_root(st->h, &st->f, root))
        return hash_fail(err);
    zj_hash_hex(root, c.root_hash);
    memcpy(st->cached_root, c.root_hash, sizeof st->cached_root);
    audit_key_sign(&st->key, &c);
    zj_stmt *up = NULL;
    rc = zj_stmt_prepare(s, "INSERT INTO audit_head (id, tree_size, root_hash, last_hash, signed_at,"
                         " key_id, signature) VALUES (1, $1, $2, $3, $4, $5, $6)"
                         " ON CONFLICT (id) DO UPDATE SET tree_size = excluded.tree_size,"
                         " root_hash = excluded.root_hash, last_hash = excluded.last_hash,"
                         " signed_at = excluded.signed_at, key_id = excluded.key_id,"
                         " signature = excluded.signature", &up, err);
    if (!rc) {
        char last[65];
        zj_hash_hex(st->last, last);
        zj_stmt_bind_int(up, 1, c.tree_size);
        zj_stmt_bind_text(up, 2, c.root_hash, 64);
        zj_stmt_bind_text(up, 3, last, 64);
        zj_stmt_bind_text(up, 4, c.signed_at, strlen(c.signed_at));
        zj_stmt_bind_text(up, 5, c.key_id, strlen(c.key_id));
        zj_stmt_bind_text(up, 6, c.signature, strlen(c.signature));
        rc = zj_stmt_next(up, err) < 0 ? ZJ_EDATA : ZJ_OK;
    }
    zj_stmt_finalize(up);
    time_t now = time(NULL);
    if (!rc && (st->cp_size < 0 || c.tree_size - st->cp_size >= AUDIT_CHECKPOINT_EVERY ||
                now - st->cp_time >= AUDIT_CHECKPOINT_SECONDS)) {
        rc = write_checkpoint(s, insert_checkpoint_sql, &c, err);
        if (!rc) {
            st->cp_size = c.tree_size;
            st->cp_time = now;
        }
    }
    return rc;
}

static void end(zj_store *s, void *ctx, bool committed)
{
    (void)s;
    audit_state *st = ctx;
    /* After our own commit the edge in memory is the log's, unless another handle appends
     * before our next transaction: cached, and checked against the head then (ensure_loaded). */
    st->cached = committed && st->loaded && !st->broken && st->dirty;
    st->loaded = st->dirty = st->broken = false;
}

/* Make f and last the log's as of this transaction: the cached edge when the signed head is
 * still the one this handle wrote (one query instead of ~20 and up to 63 leaves), else a load. */
static int ensure_loaded(audit_state *st, zj_store *s, zj_error *err)
{
    if (st->loaded)
        return ZJ_OK;
    if (st->cached) {
        st->cached = false;
        zj_audit_checkpoint head;
        int found = audit_read_head(s, &head, err);
        if (found < 0)
            return ZJ_EDATA;
        if (found && head.tree_size == (int64_t)st->f.size &&
            strcmp(head.root_hash, st->cached_root) == 0) {
            st->loaded = true;
            return ZJ_OK;
        }
    }
    return load(st, s, err);
}

static int get_state(zj_store *s, audit_state **out, zj_error *err)
{
    audit_state *st = zj_store_hook_ctx(s, "audit");
    if (!st) {
        if (sodium_init() < 0)
            return zj_fail(err, ZJ_EDATA, "audit: libsodium failed to initialise");
        st = calloc(1, sizeof *st);
        if (!st || !(st->h = zj_hasher_new())) {
            free(st);
            return zj_fail(err, ZJ_EDATA, "out of memory");
        }
        static const zj_store_hook hook = {
            .name = "audit", .order = 100, .before_commit = before_commit, .end = end,
            .free = state_free,
        };
        int rc = zj_store_add_hook(s, &hook, st, err);
        if (rc) {
            state_free(st);
            return rc;
        }
    }
    *out = st;
    return ZJ_OK;
}

/* ---- appending ---------------------------------------------------------------------------- */

static bool is_hex64(const char *s)
{
    if (!s || strlen(s) != 64)
        return false;
    for (int i = 0; i < 64; i++)
        if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
            return false;
    return true;
}

int audit_validate(const zj_actor *a, const zj_audit_event *e, zj_error *err)
{
    if (!a || (int)a->role < 0 || a->role >= ZJ_ROLE_COUNT)
        return zj_fail(err, ZJ_EUSAGE, "audit: no valid actor");
    size_t n = e->action ? strlen(e->action) : 0;
    if (n == 0 || n > 64)
        return zj_fail(err, ZJ_EUSAGE, "audit: action '%.80s' must be 1 to 64 characters",
                       e->action ? e->action : "");
    for (size_t i = 0; i < n; i++)
        if (!((e->action[i] >= 'a' && e->action[i] <= 'z') ||
              (e->action[i] >= '0' && e->action[i] <= '9') || e->action[i] == '.' ||
              e->action[i] == '_'))
            return zj_fail(err, ZJ_EUSAGE, "audit: action '%s' may hold only a-z, 0-9, '.', '_'",
                           e->action);
    if (e->before_hash && !is_hex64(e->before_hash))
        return zj_fail(err, ZJ_EUSAGE, "audit: before_hash '%.80s' is not a lowercase hex SHA-256",
                       e->before_hash);
    if (e->after_hash && !is_hex64(e->after_hash))
        return zj_fail(err, ZJ_EUSAGE, "audit: after_hash '%.80s' is not a lowercase hex SHA-256",
                       e->after_hash);
    if (e->detail) {
        size_t dn = strlen(e->detail);
        cJSON *j = dn <= AUDIT_MAX_DETAIL ? cJSON_ParseWithLength(e->detail, dn) : NULL;
        bool obj = cJSON_IsObject(j);
        cJSON_Delete(j);
        if (!obj)
            return zj_fail(err, ZJ_EUSAGE, "audit: detail must be a JSON object of at most %d "
                                           "bytes: '%.80s'", AUDIT_MAX_DETAIL, e->detail);
    }
    return ZJ_OK;
}

static int store_node(void *ctx, int level, uint64_t idx, const zj_hash hash)
{
    audit_state *st = ctx;
    if (level < AUDIT_NODE_LEVEL)
        return 0;
    char hex[65];
    zj_hash_hex(hash, hex);
    zj_stmt_reset(st->insert_node);
    zj_stmt_bind_int(st->insert_node, 1, level);
    zj_stmt_bind_int(st->insert_node, 2, (int64_t)idx);
    zj_stmt_bind_text(st->insert_node, 3, hex, 64);
    return zj_stmt_next(st->insert_node, NULL) < 0 ? ZJ_EDATA : 0;
}

static int append_in_tx(zj_store *s, const zj_actor *a, const zj_audit_event *ev,
                        int64_t *entry_id, zj_error *err)
{
    audit_state *st = NULL;
    int rc = get_state(s, &st, err);
    if (rc)
        return rc;
    if ((rc = ensure_loaded(st, s, err)))
        return rc;
    if (!st->insert &&
        (rc = zj_stmt_prepare(s, "INSERT INTO audit_entry (" AUDIT_ENTRY_COLUMNS ") VALUES"
                              " ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)",
                              &st->insert, err)))
        return rc;
    if (!st->insert_node &&
        (rc = zj_stmt_prepare(s, "INSERT INTO audit_node (level, idx, hash) VALUES ($1, $2, $3)",
                              &st->insert_node, err)))
        return rc;
    char at[20];
    audit_utc_now(at);
    zj_audit_entry e = {
        .id = (int64_t)st->f.size + 1, .at = at, .user_id = a->user_id, .username = a->username,
        .role = role_names[a->role], .unit_code = a->unit_code, .session_id = a->session_id,
        .action = ev->action, .object_table = ev->object_table, .object_id = ev->object_id,
        .before_hash = ev->before_hash, .after_hash = ev->after_hash, .detail = ev->detail,
    };
    zj_hash leaf;
    if (audit_leaf_hash(st->h, st->last, &e, leaf))
        return hash_fail(err);
    zj_hash_hex(st->last, e.prev_hash);
    zj_hash_hex(leaf, e.hash);
    zj_stmt *q = st->insert;
    zj_stmt_reset(q);
    zj_stmt_bind_int(q, 1, e.id);
    const char *texts[] = {NULL, at, NULL, e.username, e.role, e.unit_code, NULL, e.action,
                           e.object_table, NULL, e.before_hash, e.after_hash, e.detail,
                           e.prev_hash, e.hash};
    for (int i = 1; i < 15; i++) {
        if (i == 2 || i == 6 || i == 9)
            continue;
        if (texts[i])
            zj_stmt_bind_text_ref(q, i + 1, texts[i], strlen(texts[i]));
        else
            zj_stmt_bind_null(q, i + 1);
    }
    zj_stmt_bind_int(q, 3, e.user_id);
    zj_stmt_bind_int(q, 7, e.session_id);
    zj_stmt_bind_int(q, 10, e.object_id);
    if (zj_stmt_next(q, err) < 0) {
        zj_stmt_reset(q);
        return ZJ_EDATA;
    }
    zj_stmt_reset(q);
    st->broken = true;   /* until the tree is updated too */
    rc = zj_frontier_push(st->h, &st->f, 0, leaf, store_node, st);
    if (rc)
        return rc < 0 ? hash_fail(err) : zj_fail(err, ZJ_EDATA, "audit: cannot store a tree node");
    st->broken = false;
    memcpy(st->last, leaf, ZJ_HASH_LEN);
    st->dirty = true;
    if (entry_id)
        *entry_id = e.id;
    return ZJ_OK;
}

int zj_audit_append(zj_store *s, const zj_actor *actor, const zj_audit_event *e,
                    int64_t *entry_id, zj_error *err)
{
    int rc = audit_validate(actor, e, err);
    if (rc)
        return rc;
    if (zj_store_in_transaction(s))
        return append_in_tx(s, actor, e, entry_id, err);
    if ((rc = zj_store_begin(s, err)))
        return rc;
    rc = append_in_tx(s, actor, e, entry_id, err);
    if (!rc)
        rc = zj_store_commit(s, err);
    if (rc)
        zj_store_rollback(s, NULL);
    return rc;
}

int zj_audit_checkpoint_now(zj_store *s, zj_audit_checkpoint *out, zj_error *err)
{
    audit_state *st = NULL;
    int rc = get_state(s, &st, err);
    if (rc)
        return rc;
    bool own = !zj_store_in_transaction(s);
    if (own && (rc = zj_store_begin(s, err)))
        return rc;
    rc = ensure_loaded(st, s, err);
    if (!rc && st->f.size == 0)
        rc = zj_fail(err, ZJ_EUSAGE, "the audit log is empty: nothing to checkpoint");
    if (!rc && st->cp_size == (int64_t)st->f.size) {
        rc = zj_audit_checkpoint_latest(s, out, err);
    } else if (!rc && !(rc = audit_key_load(&st->key, s, err))) {
        memset(out, 0, sizeof *out);
        out->tree_size = (int64_t)st->f.size;
        zj_hash root;
        if (zj_frontier_root(st->h, &st->f, root))
            rc = hash_fail(err);
        zj_hash_hex(root, out->root_hash);
        audit_key_sign(&st->key, out);
        if (!rc)
            rc = write_checkpoint(s, insert_checkpoint_sql, out, err);
        if (!rc) {
            st->cp_size = out->tree_size;
            st->cp_time = time(NULL);
        }
    }
    if (own) {
        if (!rc)
            rc = zj_store_commit(s, err);
        if (rc)
            zj_store_rollback(s, NULL);
    }
    return rc;
}

int zj_audit_get(zj_store *s, int64_t id, zj_audit_entry *out, char **store_buf, zj_error *err)
{
    *store_buf = NULL;
    zj_stmt *q = NULL;
    int rc = zj_stmt_prepare(s, "SELECT " AUDIT_ENTRY_COLUMNS " FROM audit_entry WHERE id = $1",
                             &q, err);
    if (rc)
        return rc;
    zj_stmt_bind_int(q, 1, id);
    int step = zj_stmt_next(q, err);
    if (step == 1) {
        audit_entry_from_row(q, out);
        rc = audit_pack_entry(out, store_buf, err);
    } else if (step == 0) {
        rc = zj_fail_as(err, ZJ_ERR_NOT_FOUND, "the audit log has no entry %lld", (long long)id);
    } else {
        rc = ZJ_EDATA;
    }
    zj_stmt_finalize(q);
    return rc;
}

int zj_audit_unmask(zj_store *s, const zj_actor *actor, const char *object_table, int64_t id,
                    zj_error *err)
{
    char action[80];
    snprintf(action, sizeof action, "%s.unmask", object_table ? object_table : "record");
    zj_audit_event e = {
        .action = action, .object_table = object_table, .object_id = id,
        .detail = "{\"shown\":\"names, resident ID numbers, phones, addresses, birth dates\"}",
    };
    return zj_audit_append(s, actor, &e, NULL, err);
}

int zj_audit_each(zj_store *s, int64_t from_id, int64_t limit,
                  int (*fn)(const zj_audit_entry *e, void *ctx), void *ctx, zj_error *err)
{
    zj_stmt *q = NULL;
    int rc = zj_stmt_prepare(s, "SELECT " AUDIT_ENTRY_COLUMNS " FROM audit_entry WHERE id >= $1"
                             " ORDER BY id LIMIT $2", &q, err);
    if (rc)
        return rc;
    zj_stmt_bind_int(q, 1, from_id);
    zj_stmt_bind_int(q, 2, limit > 0 ? limit : INT64_MAX);
    int step;
    while ((step = zj_stmt_next(q, err)) == 1) {
        zj_audit_entry e;
        audit_entry_from_row(q, &e);
        if (fn(&e, ctx))
            break;
    }
    zj_stmt_finalize(q);
    return step < 0 ? ZJ_EDATA : ZJ_OK;
}

int audit_pack_entry(zj_audit_entry *e, char **buf, zj_error *err)
{
    const char **fields[] = {&e->at, &e->username, &e->role, &e->unit_code, &e->action,
                             &e->object_table, &e->before_hash, &e->after_hash, &e->detail};
    size_t nf = sizeof fields / sizeof fields[0], total = 1;
    for (size_t i = 0; i < nf; i++)
        total += *fields[i] ? strlen(*fields[i]) + 1 : 0;
    char *p = malloc(total);
    *buf = p;
    if (!p)
        return zj_fail(err, ZJ_EDATA, "out of memory");
    for (size_t i = 0; i < nf; i++) {
        if (!*fields[i])
            continue;
        size_t n = strlen(*fields[i]) + 1;
        memcpy(p, *fields[i], n);
        *fields[i] = p;
        p += n;
    }
    return ZJ_OK;
}
