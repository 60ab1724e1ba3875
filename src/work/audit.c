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
 * The signing key (Ed25519, libsodium) is a file beside the store, created 0600 on first use:
 * see key_path() and docs/audit.md for why not a table.
 */
#include "work/audit_internal.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "base/buf.h"

#define AUDIT_CHECKPOINT_EVERY 10000
#define AUDIT_CHECKPOINT_SECONDS 3600
#define AUDIT_MAX_DETAIL 65536

/* The audit trail's state on one store handle (the context of its commit hook). */
typedef struct audit_state {
    zj_hasher *h;
    bool loaded;                /* f and last hold the log as of this transaction */
    bool dirty;                 /* this transaction appended */
    bool broken;                /* an append failed half way: the transaction must not commit */
    zj_frontier f;
    zj_hash last;               /* hash of the last entry (zeros before the first) */
    int64_t cp_size;            /* latest checkpoint's tree size, -1 when there is none */
    time_t cp_time;
    zj_stmt *insert, *insert_node;
    zj_buf data;                /* an entry's serialization */
    bool have_key;
    unsigned char sk[crypto_sign_SECRETKEYBYTES], pk[crypto_sign_PUBLICKEYBYTES];
    char key_id[17], pk_hex[65];
} audit_state;

static const char *const role_names[ZJ_ROLE_COUNT] = {
    "officer", "filing_judge", "sc_prison", "sc_procurator", "sc_court", "data_steward",
    "service", "unit_supervisor", "inspector", "leader", "admin",
};

static void utc_now(char out[20])
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

static void put_u32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

static int add_text(zj_hasher *h, const char *s)
{
    uint8_t len[4];
    size_t n = s ? strlen(s) : 0;
    put_u32(len, s ? (uint32_t)n : 0xffffffffu);
    return zj_hash_add(h, len, 4) || (n && zj_hash_add(h, s, n)) ? -1 : 0;
}

static int add_int(zj_hasher *h, int64_t v)
{
    uint8_t b[8];
    uint64_t u = (uint64_t)v;
    for (int i = 7; i >= 0; i--, u >>= 8)
        b[i] = (uint8_t)u;
    return zj_hash_add(h, b, 8);
}

int audit_leaf_hash(zj_hasher *h, const zj_hash prev, const zj_audit_entry *e, zj_hash out)
{
    static const uint8_t zero = 0;
    if (zj_hash_begin(h) || zj_hash_add(h, &zero, 1) || zj_hash_add(h, prev, ZJ_HASH_LEN) ||
        add_text(h, e->at) || add_int(h, e->user_id) || add_text(h, e->username) ||
        add_text(h, e->role) || add_text(h, e->unit_code) || add_int(h, e->session_id) ||
        add_text(h, e->action) || add_text(h, e->object_table) || add_int(h, e->object_id) ||
        add_text(h, e->before_hash) || add_text(h, e->after_hash) || add_text(h, e->detail))
        return -1;
    return zj_hash_end(h, out);
}

static const char *col_text(zj_stmt *st, int col)
{
    return zj_stmt_text(st, col, NULL);
}

void audit_entry_from_row(zj_stmt *st, zj_audit_entry *e)
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
    const char *p = col_text(st, 13), *h = col_text(st, 14);
    snprintf(e->prev_hash, sizeof e->prev_hash, "%s", p ? p : "");
    snprintf(e->hash, sizeof e->hash, "%s", h ? h : "");
}

/* ---- checkpoints ------------------------------------------------------------------------- */

size_t zj_audit_checkpoint_text(const zj_audit_checkpoint *c, char *out, size_t cap)
{
    int n = snprintf(out, cap,
                     "zhijian audit checkpoint v1\nkey %s\nsize %lld\nroot %s\ntime %s\n",
                     c->key_id, (long long)c->tree_size, c->root_hash, c->signed_at);
    return n < 0 ? 0 : (size_t)n;
}

static bool from_hex(const char *hex, unsigned char *out, size_t len)
{
    size_t got = 0;
    const char *end = NULL;
    return hex && strlen(hex) == 2 * len &&
           sodium_hex2bin(out, len, hex, 2 * len, NULL, &got, &end) == 0 && got == len &&
           end == hex + 2 * len;
}

static void key_id_of(const unsigned char pk[crypto_sign_PUBLICKEYBYTES], char out[17])
{
    unsigned char d[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(d, pk, crypto_sign_PUBLICKEYBYTES);
    sodium_bin2hex(out, 17, d, 8);
}

int zj_audit_checkpoint_check(const zj_audit_checkpoint *c, const char *public_key,
                              zj_error *err)
{
    if (sodium_init() < 0)
        return zj_fail(err, ZJ_EDATA, "audit: libsodium failed to initialise");
    unsigned char pk[crypto_sign_PUBLICKEYBYTES], sig[crypto_sign_BYTES];
    const char *key = public_key ? public_key : c->public_key;
    if (!from_hex(key, pk, sizeof pk))
        return zj_fail(err, ZJ_EDATA, "audit: public key '%.80s' is not 64 hex digits", key);
    char id[17];
    key_id_of(pk, id);
    if (strcmp(id, c->key_id) != 0)
        return zj_fail(err, ZJ_EDATA,
                       "checkpoint of size %lld was signed by key %s, not by key %s",
                       (long long)c->tree_size, c->key_id, id);
    if (!from_hex(c->signature, sig, sizeof sig))
        return zj_fail(err, ZJ_EDATA, "checkpoint of size %lld: signature is not 128 hex digits",
                       (long long)c->tree_size);
    char text[512];
    size_t n = zj_audit_checkpoint_text(c, text, sizeof text);
    if (n == 0 || n >= sizeof text ||
        crypto_sign_verify_detached(sig, (const unsigned char *)text, n, pk) != 0)
        return zj_fail(err, ZJ_EDATA,
                       "checkpoint of size %lld (%s): the signature does not match its contents",
                       (long long)c->tree_size, c->signed_at);
    return ZJ_OK;
}

/* Read one checkpoint row (tree_size, root_hash, signed_at, key_id, signature, public_key). */
static void checkpoint_from_row(zj_stmt *st, zj_audit_checkpoint *c)
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
        checkpoint_from_row(st, out);
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

/* ---- the signing key ---------------------------------------------------------------------- */

/* The key is a file, not a row: whoever can read the store (a copy handed to an analyst, a
 * backup, a read-only account) must not be able to sign, and whoever can write the store must
 * not find the key beside the log it would forge. ZHIJIAN_AUDIT_KEY names another place (a
 * separate volume or a path an HSM-backed agent provides). */
static int key_path(zj_store *s, char *out, size_t cap, zj_error *err)
{
    const char *env = getenv("ZHIJIAN_AUDIT_KEY");
    const char *db = zj_store_path(s);
    int n;
    if (env && *env)
        n = snprintf(out, cap, "%s", env);
    else if (db)
        n = snprintf(out, cap, "%s.audit-key", db);
    else
        return zj_fail(err, ZJ_EUSAGE, "audit: a store without a file has no place for its "
                                        "signing key; set ZHIJIAN_AUDIT_KEY");
    if (n < 0 || (size_t)n >= cap)
        return zj_fail(err, ZJ_EUSAGE, "audit: signing key path too long");
    return ZJ_OK;
}

static int read_key_file(const char *path, unsigned char seed[crypto_sign_SEEDBYTES],
                         zj_error *err)
{
    int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0)
        return errno == ENOENT ? ZJ_FINDINGS
                               : zj_fail(err, ZJ_EDATA, "audit signing key '%s': %s", path,
                                         strerror(errno));
    struct stat sb;
    char text[160];
    ssize_t n = -1;
    int rc = ZJ_OK;
    if (fstat(fd, &sb) != 0)
        rc = zj_fail(err, ZJ_EDATA, "audit signing key '%s': %s", path, strerror(errno));
    else if (sb.st_mode & 077)
        rc = zj_fail(err, ZJ_EDATA,
                     "audit signing key '%s' is open to other users (mode %04o); "
                     "run 'chmod 600 %s'", path, (unsigned)(sb.st_mode & 07777), path);
    else if ((n = read(fd, text, sizeof text - 1)) < 0)
        rc = zj_fail(err, ZJ_EDATA, "audit signing key '%s': %s", path, strerror(errno));
    close(fd);
    if (rc || n < 0)
        return rc ? rc : ZJ_EDATA;
    text[n] = 0;
    static const char magic[] = "zhijian-audit-key-v1 ";
    char hex[65] = {0};
    if (strncmp(text, magic, sizeof magic - 1) == 0 && (size_t)n >= sizeof magic - 1 + 64)
        memcpy(hex, text + sizeof magic - 1, 64);
    if (!from_hex(hex, seed, crypto_sign_SEEDBYTES))
        return zj_fail(err, ZJ_EDATA, "audit signing key '%s' is not a zhijian audit key", path);
    sodium_memzero(text, sizeof text);
    return ZJ_OK;
}

/* Create the key file with a new seed, atomically (a link of a complete file, so two processes
 * starting at once end with the same key). ZJ_FINDINGS when someone else created it first. */
static int create_key_file(const char *path, unsigned char seed[crypto_sign_SEEDBYTES],
                           zj_error *err)
{
    char tmp[4200], text[128], hex[65];
    snprintf(tmp, sizeof tmp, "%s.tmp%ld", path, (long)getpid());
    randombytes_buf(seed, crypto_sign_SEEDBYTES);
    sodium_bin2hex(hex, sizeof hex, seed, crypto_sign_SEEDBYTES);
    int len = snprintf(text, sizeof text, "zhijian-audit-key-v1 %s\n", hex);
    sodium_memzero(hex, sizeof hex);
    int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0)
        return zj_fail(err, ZJ_EDATA, "cannot create audit signing key '%s': %s", tmp,
                       strerror(errno));
    bool ok = write(fd, text, (size_t)len) == len && fsync(fd) == 0;
    sodium_memzero(text, sizeof text);
    ok = close(fd) == 0 && ok;
    int rc = ZJ_OK;
    if (!ok)
        rc = zj_fail(err, ZJ_EDATA, "cannot write audit signing key '%s': %s", tmp,
                     strerror(errno));
    else if (link(tmp, path) != 0)
        rc = errno == EEXIST ? ZJ_FINDINGS
                             : zj_fail(err, ZJ_EDATA, "cannot create audit signing key '%s': %s",
                                       path, strerror(errno));
    unlink(tmp);
    return rc;
}

/* Load (or on first use create) the signing key, and make sure it is the one the log's
 * public key names. */
static int load_key(audit_state *st, zj_store *s, zj_error *err)
{
    if (st->have_key)
        return ZJ_OK;
    char path[4096], known[65] = "", known_id[17] = "";
    int rc = key_path(s, path, sizeof path, err);
    if (rc)
        return rc;
    zj_error quiet = {0};
    bool has_known = zj_audit_public_key(s, known, known_id, &quiet) == ZJ_OK;
    unsigned char seed[crypto_sign_SEEDBYTES];
    rc = read_key_file(path, seed, err);
    if (rc == ZJ_FINDINGS && has_known)
        return zj_fail(err, ZJ_EDATA,
                       "audit signing key '%s' is missing, and the log is signed with key %s: "
                       "restore the key file (or set ZHIJIAN_AUDIT_KEY to where it is)",
                       path, known_id);
    if (rc == ZJ_FINDINGS) {
        rc = create_key_file(path, seed, err);
        if (rc == ZJ_FINDINGS)
            rc = read_key_file(path, seed, err);
    }
    if (rc)
        return rc;
    crypto_sign_seed_keypair(st->pk, st->sk, seed);
    sodium_memzero(seed, sizeof seed);
    sodium_bin2hex(st->pk_hex, sizeof st->pk_hex, st->pk, sizeof st->pk);
    key_id_of(st->pk, st->key_id);
    if (has_known && strcmp(known, st->pk_hex) != 0)
        return zj_fail(err, ZJ_EDATA,
                       "audit signing key '%s' (key %s) is not the key of this log (key %s)",
                       path, st->key_id, known_id);
    if (!has_known) {
        zj_stmt *ins = NULL;
        char now[20];
        utc_now(now);
        rc = zj_stmt_prepare(s, "INSERT INTO audit_key (key_id, public_key, created_at)"
                             " VALUES ($1, $2, $3)", &ins, err);
        if (!rc) {
            zj_stmt_bind_text(ins, 1, st->key_id, strlen(st->key_id));
            zj_stmt_bind_text(ins, 2, st->pk_hex, strlen(st->pk_hex));
            zj_stmt_bind_text(ins, 3, now, strlen(now));
            rc = zj_stmt_next(ins, err) < 0 ? ZJ_EDATA : ZJ_OK;
        }
        zj_stmt_finalize(ins);
        if (rc)
            return rc;
    }
    st->have_key = true;
    return ZJ_OK;
}

/* Fill c (size, root) with the signature, key and time. */
static void sign(audit_state *st, zj_audit_checkpoint *c)
{
    utc_now(c->signed_at);
    snprintf(c->key_id, sizeof c->key_id, "%s", st->key_id);
    snprintf(c->public_key, sizeof c->public_key, "%s", st->pk_hex);
    char text[512];
    size_t n = zj_audit_checkpoint_text(c, text, sizeof text);
    unsigned char sig[crypto_sign_BYTES];
    crypto_sign_detached(sig, NULL, (const unsigned char *)text, n, st->sk);
    sodium_bin2hex(c->signature, sizeof c->signature, sig, sizeof sig);
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
    zj_buf_free(&st->data);
    sodium_memzero(st->sk, sizeof st->sk);
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
    int rc = zj_stmt_prepare(s, "SELECT coalesce(max(id), 0), count(*) FROM audit_entry", &q, err);
    if (!rc && zj_stmt_next(q, err) == 1) {
        max_id = zj_stmt_int(q, 0);
        if (max_id != size || zj_stmt_int(q, 1) != size)
            rc = zj_fail(err, ZJ_EDATA,
                         "the audit log has %lld entries (last id %lld) but its signed head "
                         "says %lld: it was changed outside zhijian; run 'zhijian audit verify'",
                         (long long)zj_stmt_int(q, 1), (long long)max_id, (long long)size);
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
    int rc = load_key(st, s, err);
    if (rc)
        return rc;
    zj_audit_checkpoint c = {.tree_size = (int64_t)st->f.size};
    zj_hash root;
    if (zj_frontier_root(st->h, &st->f, root))
        return hash_fail(err);
    zj_hash_hex(root, c.root_hash);
    sign(st, &c);
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
    (void)committed;
    audit_state *st = ctx;
    st->loaded = st->dirty = st->broken = false;
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

static int validate(const zj_actor *a, const zj_audit_event *e, zj_error *err)
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
    if (!st->loaded && (rc = load(st, s, err)))
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
    utc_now(at);
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
    int rc = validate(actor, e, err);
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
    if (!st->loaded)
        rc = load(st, s, err);
    if (!rc && st->f.size == 0)
        rc = zj_fail(err, ZJ_EUSAGE, "the audit log is empty: nothing to checkpoint");
    if (!rc && st->cp_size == (int64_t)st->f.size) {
        rc = zj_audit_checkpoint_latest(s, out, err);
    } else if (!rc && !(rc = load_key(st, s, err))) {
        memset(out, 0, sizeof *out);
        out->tree_size = (int64_t)st->f.size;
        zj_hash root;
        if (zj_frontier_root(st->h, &st->f, root))
            rc = hash_fail(err);
        zj_hash_hex(root, out->root_hash);
        sign(st, out);
        if (!rc)
            rc = write_checkpoint(s, insert_checkpoint_sql, out, err);
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
        rc = zj_fail(err, ZJ_EUSAGE, "the audit log has no entry %lld", (long long)id);
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

/* ---- recording the commits of a run ------------------------------------------------------- */

typedef struct audit_track {
    zj_actor actor;
    char *username, *unit_code, *officer_no, *action, *object_table, *detail;
    int64_t commits;
    int64_t last_batch;
} audit_track;

static void track_free(void *ctx)
{
    audit_track *t = ctx;
    if (!t)
        return;
    free(t->username);
    free(t->unit_code);
    free(t->officer_no);
    free(t->action);
    free(t->object_table);
    free(t->detail);
    free(t);
}

/* The newest batch, with its description as a JSON object (malloc'ed). */
typedef struct newest {
    int64_t id;
    bool committed;
    char *detail;
} newest;

static int newest_batch(const zj_batch *b, void *ctx)
{
    newest *n = ctx;
    n->id = b->id;
    n->committed = b->status && !strcmp(b->status, "committed");
    cJSON *j = cJSON_CreateObject();
    cJSON_AddStringToObject(j, "source_system", b->source_system);
    cJSON_AddStringToObject(j, "table", b->table);
    cJSON_AddStringToObject(j, "file", b->file);
    cJSON_AddStringToObject(j, "file_digest", b->file_digest);
    if (b->mapping)
        cJSON_AddStringToObject(j, "mapping", b->mapping);
    if (b->mapping_digest)
        cJSON_AddStringToObject(j, "mapping_digest", b->mapping_digest);
    cJSON_AddNumberToObject(j, "rows_read", (double)b->rows_read);
    cJSON_AddNumberToObject(j, "inserted", (double)b->inserted);
    cJSON_AddNumberToObject(j, "updated", (double)b->updated);
    cJSON_AddNumberToObject(j, "unchanged", (double)b->unchanged);
    cJSON_AddNumberToObject(j, "rejected", (double)b->rejected);
    n->detail = cJSON_PrintUnformatted(j);
    cJSON_Delete(j);
    return 1;
}

static int track_commit(zj_store *s, void *ctx, zj_error *err)
{
    audit_track *t = ctx;
    zj_audit_event e = {.action = t->action, .object_table = t->object_table};
    char *detail = NULL;
    int rc = ZJ_OK;
    if (!strcmp(t->action, "import.batch")) {
        newest b = {0};
        rc = zj_store_recent_batches(s, 1, newest_batch, &b, err);
        detail = b.detail;
        if (rc || !b.id || b.id == t->last_batch || !b.committed) {
            free(detail);
            return rc;   /* not a batch's commit */
        }
        t->last_batch = b.id;
        e.object_id = b.id;
        e.detail = detail;
        if (!detail)
            return zj_fail(err, ZJ_EDATA, "out of memory");
    } else {
        t->commits++;
        cJSON *j = t->detail ? cJSON_Parse(t->detail) : cJSON_CreateObject();
        if (!cJSON_IsObject(j)) {
            cJSON_Delete(j);
            j = cJSON_CreateObject();
        }
        cJSON_AddNumberToObject(j, "commit", (double)t->commits);
        detail = cJSON_PrintUnformatted(j);
        cJSON_Delete(j);
        if (!detail)
            return zj_fail(err, ZJ_EDATA, "out of memory");
        e.detail = detail;
    }
    rc = zj_audit_append(s, &t->actor, &e, NULL, err);
    free(detail);
    return rc;
}

static char *dup_or_null(const char *s, bool *oom)
{
    if (!s)
        return NULL;
    char *d = strdup(s);
    if (!d)
        *oom = true;
    return d;
}

int zj_audit_track(zj_store *s, const zj_actor *actor, const char *action,
                   const char *object_table, const char *detail, zj_error *err)
{
    zj_audit_event probe = {.action = action, .detail = detail};
    int rc = validate(actor, &probe, err);
    if (rc)
        return rc;
    audit_track *t = calloc(1, sizeof *t);
    if (!t)
        return zj_fail(err, ZJ_EDATA, "out of memory");
    bool oom = false;
    t->actor = *actor;
    t->actor.username = t->username = dup_or_null(actor->username, &oom);
    t->actor.unit_code = t->unit_code = dup_or_null(actor->unit_code, &oom);
    t->actor.officer_no = t->officer_no = dup_or_null(actor->officer_no, &oom);
    t->action = dup_or_null(action, &oom);
    t->object_table = dup_or_null(object_table, &oom);
    t->detail = dup_or_null(detail, &oom);
    if (oom) {
        track_free(t);
        return zj_fail(err, ZJ_EDATA, "out of memory");
    }
    static const zj_store_hook hook = {
        .name = "audit.track", .order = 0, .before_commit = track_commit, .free = track_free,
    };
    zj_store_remove_hook(s, "audit.track");
    rc = zj_store_add_hook(s, &hook, t, err);
    if (rc)
        track_free(t);
    return rc;
}
