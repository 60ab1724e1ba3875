/* audit_key.c - the audit trail's signing key (Ed25519, libsodium) and checkpoint signatures.
 *
 * The key is a file beside the store (or at $ZHIJIAN_AUDIT_KEY), created 0600 on first use;
 * docs/audit.md says why not a table. Its public key is recorded in audit_key, and a key file
 * that is missing, open to others, or not the log's key is refused, never silently replaced.
 */
#include "work/audit_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

_Static_assert(sizeof ((audit_key *)0)->sk == crypto_sign_SECRETKEYBYTES, "Ed25519 secret key");
_Static_assert(sizeof ((audit_key *)0)->pk == crypto_sign_PUBLICKEYBYTES, "Ed25519 public key");

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

int audit_key_load(audit_key *st, zj_store *s, zj_error *err)
{
    if (st->loaded)
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
        audit_utc_now(now);
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
    st->loaded = true;
    return ZJ_OK;
}

void audit_key_sign(const audit_key *st, zj_audit_checkpoint *c)
{
    audit_utc_now(c->signed_at);
    snprintf(c->key_id, sizeof c->key_id, "%s", st->key_id);
    snprintf(c->public_key, sizeof c->public_key, "%s", st->pk_hex);
    char text[512];
    size_t n = zj_audit_checkpoint_text(c, text, sizeof text);
    unsigned char sig[crypto_sign_BYTES];
    crypto_sign_detached(sig, NULL, (const unsigned char *)text, n, st->sk);
    sodium_bin2hex(c->signature, sizeof c->signature, sig, sizeof sig);
}


void audit_key_wipe(audit_key *k)
{
    sodium_memzero(k, sizeof *k);
}
