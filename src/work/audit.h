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

#include <stdbool.h>
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

/* The same, committed: for a caller outside a transaction that must have its entry in the
 * trail before it answers (a filing check, a view), from many threads at once, each on its
 * own store connection `s`. Entries queued while a round commits go together in the next
 * round, one transaction (audit_group.c), so the threads do not queue on the write lock one
 * by one. Returns when the entry's round has committed (ZJ_OK) or failed (nothing of it was
 * appended). Inside a transaction it is zj_audit_append. */
int zj_audit_append_grouped(zj_store *s, const zj_actor *actor, const zj_audit_event *e,
                            int64_t *entry_id, zj_error *err);

/* Close the connection the grouped rounds keep (after any round in progress); the next round
 * opens it again. For a server's stop, and for programs that end cleanly. */
void zj_audit_group_close(void);

/* Record that `actor` viewed object `id` of `object_table` with personal data unmasked
 * (action "<object_table>.unmask"). Call it before showing anything: when it fails, show
 * nothing. */
int zj_audit_unmask(zj_store *s, const zj_actor *actor, const char *object_table, int64_t id,
                    zj_error *err);

/* ---- recording the commits of a run ------------------------------------------------------ *
 * Commands whose work is done below the work layer (import, link, detect commit inside ingest,
 * link and detect) record themselves through a store commit hook: from zj_audit_track until
 * the store closes, every commit appends one entry of `action` in the committing transaction.
 * For "import.batch" the entry names the batch just committed (its id, file digest and counts);
 * other actions name the run by `detail`. Strings are copied. */
int zj_audit_track(zj_store *s, const zj_actor *actor, const char *action,
                   const char *object_table, const char *detail, zj_error *err);

/* ---- entries ----------------------------------------------------------------------------- */

/* One entry as stored. The leaf hash of the Merkle tree is SHA-256(0x00 || data), where data
 * is prev_hash (32 bytes) followed by the fields in this order, texts as a 4-byte big-endian
 * length and the bytes (NULL: length 0xffffffff), integers as 8 bytes big-endian:
 * at, user_id, username, role, unit_code, session_id, action, object_table, object_id,
 * before_hash, after_hash, detail (docs/audit.md). */
typedef struct zj_audit_entry {
    int64_t id;                 /* 1-based position; the Merkle leaf index is id - 1 */
    const char *at;             /* "YYYY-MM-DD HH:MM:SS" UTC */
    int64_t user_id;
    const char *username, *role, *unit_code;
    int64_t session_id;
    const char *action, *object_table;
    int64_t object_id;
    const char *before_hash, *after_hash, *detail;
    char prev_hash[65];         /* hex; 64 zeros for the first entry */
    char hash[65];              /* hex leaf hash as stored */
} zj_audit_entry;

/* Call fn for the entries with id >= from_id, at most `limit` (<= 0: all), in id order; fn
 * returns non-zero to stop. Entries are valid during the call only. */
int zj_audit_each(zj_store *s, int64_t from_id, int64_t limit,
                  int (*fn)(const zj_audit_entry *e, void *ctx), void *ctx, zj_error *err);

/* Read entry `id`; its strings live in *store_buf (freed by the caller with free()). ZJ_EUSAGE
 * when there is no such entry. */
int zj_audit_get(zj_store *s, int64_t id, zj_audit_entry *out, char **store_buf, zj_error *err);

/* ---- checkpoints --------------------------------------------------------------------------- *
 * A checkpoint is a signed statement "the log had tree_size entries with this Merkle root at
 * this time". The signed bytes are zj_audit_checkpoint_text(); the signature is Ed25519 by the
 * store's signing key, whose public key any outside party can hold (zhijian audit key). */
typedef struct zj_audit_checkpoint {
    int64_t tree_size;
    char root_hash[65];         /* hex */
    char signed_at[20];         /* "YYYY-MM-DD HH:MM:SS" UTC */
    char key_id[17];            /* hex, first 8 bytes of SHA-256 of the public key */
    char public_key[65];        /* hex Ed25519 public key (informative: check against your own) */
    char signature[129];        /* hex Ed25519 signature of the checkpoint text */
} zj_audit_checkpoint;

/* The signed text of a checkpoint (about 150 bytes) into out (cap bytes); its length. */
size_t zj_audit_checkpoint_text(const zj_audit_checkpoint *c, char *out, size_t cap);
/* Check c's signature against the hex public key `public_key` (NULL: the checkpoint's own, for
 * self-consistency only). ZJ_OK or ZJ_EDATA naming what is wrong. */
int zj_audit_checkpoint_check(const zj_audit_checkpoint *c, const char *public_key,
                              zj_error *err);

/* Make a checkpoint of the log as it is now (kept in audit_checkpoint), unless the latest one
 * already covers every entry, which is then returned. Signing needs the key (docs/audit.md). */
int zj_audit_checkpoint_now(zj_store *s, zj_audit_checkpoint *out, zj_error *err);
/* The latest checkpoint; ZJ_EUSAGE when the log has none yet. */
int zj_audit_checkpoint_latest(zj_store *s, zj_audit_checkpoint *out, zj_error *err);
/* The public key the log is signed with (hex) and its id; ZJ_EUSAGE when nothing was signed. */
int zj_audit_public_key(zj_store *s, char hex[65], char key_id[17], zj_error *err);

/* ---- verifying ---------------------------------------------------------------------------- */

typedef struct zj_audit_report {
    int64_t entries;            /* entries read */
    int64_t checkpoints;        /* signed roots checked (the head included) */
    bool ok;
    int64_t first_bad;          /* the entry named, 0 when ok or not about one entry */
    char kind[16];              /* altered | removed | inserted | reordered | truncated |
                                   rewritten | signature */
    char message[512];          /* what was found, for people */
    double seconds;
} zj_audit_report;

/* Check the whole log: every entry against its hash, the chain, the Merkle root of every
 * checkpoint and of the signed head, and their signatures against `public_key` (hex; NULL: the
 * key recorded in the store, which an intruder who rewrote the store could have replaced, so
 * pin the key you exported). Returns ZJ_OK with rep->ok telling the outcome (the first problem
 * described), or an error when the log could not be read. Reads with up to two threads, each
 * on its own connection. */
int zj_audit_verify(zj_store *s, const char *public_key, zj_audit_report *rep, zj_error *err);

/* ---- proofs ------------------------------------------------------------------------------- */

#define ZJ_AUDIT_MAX_PROOF 64

typedef struct zj_audit_proof {
    bool consistency;           /* false: inclusion of `entry` in `cp`; true: old -> cp */
    zj_audit_checkpoint old, cp;
    zj_audit_entry entry;       /* inclusion: the entry (strings in the proof's own buffer) */
    char *entry_buf;
    size_t n;
    char path[ZJ_AUDIT_MAX_PROOF][65];   /* hex hashes, RFC 9162 order */
} zj_audit_proof;

void zj_audit_proof_free(zj_audit_proof *p);     /* frees entry_buf; p itself is the caller's */

/* Inclusion proof of entry `id` against the latest checkpoint (made now if the latest does not
 * cover it). */
int zj_audit_prove_inclusion(zj_store *s, int64_t id, zj_audit_proof *out, zj_error *err);
/* Consistency proof from `old` (an exported checkpoint, its signature checked against this
 * log's key) to `new_cp` (NULL: the latest checkpoint). ZJ_EDATA when old is not a checkpoint
 * of this log (its root differs from this log's at that size: the log was rewritten). */
int zj_audit_prove_consistency(zj_store *s, const zj_audit_checkpoint *old,
                               const zj_audit_checkpoint *new_cp, zj_audit_proof *out,
                               zj_error *err);

/* Check a proof with nothing but itself and the public key (hex): the checkpoints' signatures,
 * the entry's leaf hash, and the proof (RFC 9162 §2.1.3.2, §2.1.4.2). ZJ_OK or ZJ_EDATA. */
int zj_audit_proof_check(const zj_audit_proof *p, const char *public_key, zj_error *err);

/* ---- JSON (audit_json.c) ------------------------------------------------------------------ */

/* Checkpoints and proofs as JSON documents ("format": "zhijian-audit-checkpoint/1" or
 * "zhijian-audit-proof/1"); the text is malloc'ed (NULL when out of memory). */
char *zj_audit_checkpoint_json(const zj_audit_checkpoint *c);
char *zj_audit_proof_json(const zj_audit_proof *p);
/* Parse them back; strict: every field present and well formed, else ZJ_EDATA naming it.
 * `what` names the input in messages (a file name). */
int zj_audit_checkpoint_parse(const char *text, size_t len, const char *what,
                              zj_audit_checkpoint *out, zj_error *err);
int zj_audit_proof_parse(const char *text, size_t len, const char *what, zj_audit_proof *out,
                         zj_error *err);

#endif
