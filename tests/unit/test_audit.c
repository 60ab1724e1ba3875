/* test_audit.c - the audit trail on a real store: appends (batched and alone), the signed head
 * and checkpoints, proofs, and tampering done directly in the database file through SQLite's
 * own API (edit, delete, insert, reorder, truncate, rewrite with recomputed hashes, forged
 * signatures) which `verify` must catch and name at the right entry; a writer killed with
 * SIGKILL in the middle of appends leaves a log that verifies. */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <signal.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "storefix.h"
#include "work/audit.h"
#include "work/audit_internal.h"

static const zj_actor inspector = {.user_id = 7, .username = "李审查", .role = ZJ_ROLE_INSPECTOR,
                                   .unit_code = "330100", .session_id = 3};

static int setup(void **state)
{
    int rc = store_setup(state);
    if (!rc) {
        store_fixture *f = *state;
        char key[96];
        snprintf(key, sizeof key, "%s.audit-key", f->path);
        unlink(key);
    }
    return rc;
}

static int teardown(void **state)
{
    store_fixture *f = *state;
    char key[96];
    snprintf(key, sizeof key, "%s.audit-key", f->path);
    unlink(key);
    return store_teardown(state);
}

static void append_n(zj_store *s, int n, int per_tx)
{
    zj_error err = {0};
    for (int i = 0; i < n;) {
        assert_int_equal(zj_store_begin(s, &err), 0);
        for (int j = 0; j < per_tx && i < n; j++, i++) {
            char detail[64];
            snprintf(detail, sizeof detail, "{\"n\":%d}", i);
            zj_audit_event e = {.action = "lead.decide", .object_table = "lead",
                                .object_id = i + 1, .detail = detail,
                                .after_hash = "0000000000000000000000000000000000000000000000000000000000000001"};
            int64_t id = 0;
            assert_int_equal(zj_audit_append(s, &inspector, &e, &id, &err), 0);
        }
        assert_int_equal(zj_store_commit(s, &err), 0);
    }
}

static void sql(store_fixture *f, const char *q)
{
    sqlite3 *db;
    assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
    char *msg = NULL;
    if (sqlite3_exec(db, q, NULL, NULL, &msg) != SQLITE_OK)
        fail_msg("%s: %s", q, msg);
    sqlite3_close(db);
}

static zj_audit_report verify(store_fixture *f)
{
    zj_audit_report rep;
    zj_error err = {0};
    assert_int_equal(zj_audit_verify(f->s, NULL, &rep, &err), 0);
    return rep;
}

static void expect_bad(store_fixture *f, const char *kind, int64_t entry)
{
    zj_audit_report rep = verify(f);
    if (rep.ok || strcmp(rep.kind, kind) != 0 || rep.first_bad != entry)
        fail_msg("expected '%s' at %lld, got ok=%d '%s' at %lld: %s", kind, (long long)entry,
                 rep.ok, rep.kind, (long long)rep.first_bad, rep.message);
}

/* ---- appends, head and checkpoints --------------------------------------------------------- */

static void test_append_and_verify(void **state)
{
    store_fixture *f = *state;
    zj_error err = {0};
    zj_audit_report rep = verify(f);
    assert_true(rep.ok);
    assert_int_equal(rep.entries, 0);
    /* alone (own transaction), then batched */
    zj_audit_event e = {.action = "user.add", .object_table = "app_user", .object_id = 1};
    int64_t id = 0;
    assert_int_equal(zj_audit_append(f->s, &inspector, &e, &id, &err), 0);
    assert_int_equal(id, 1);
    append_n(f->s, 200, 37);
    rep = verify(f);
    assert_true(rep.ok);
    assert_int_equal(rep.entries, 201);
    assert_true(rep.checkpoints >= 2);   /* the first commit's checkpoint and the head */
    /* the key file is the owner's only */
    char key[96];
    struct stat sb;
    snprintf(key, sizeof key, "%s.audit-key", f->path);
    assert_int_equal(stat(key, &sb), 0);
    assert_int_equal(sb.st_mode & 077, 0);
    /* entries read back as written */
    zj_audit_entry got;
    char *buf = NULL;
    assert_int_equal(zj_audit_get(f->s, 1, &got, &buf, &err), 0);
    assert_string_equal(got.action, "user.add");
    assert_string_equal(got.role, "inspector");
    assert_string_equal(got.username, "李审查");
    assert_string_equal(got.unit_code, "330100");
    assert_int_equal(got.session_id, 3);
    assert_null(got.detail);
    assert_string_equal(got.prev_hash,
                        "0000000000000000000000000000000000000000000000000000000000000000");
    free(buf);
    assert_int_equal(zj_audit_get(f->s, 202, &got, &buf, &err), ZJ_EUSAGE);
}

static void test_rejects_bad_events(void **state)
{
    store_fixture *f = *state;
    zj_error err = {0};
    zj_audit_event bad[] = {
        {.action = NULL},
        {.action = "Lead Decide"},
        {.action = "lead.decide", .before_hash = "abc"},
        {.action = "lead.decide", .after_hash = "ABCDEF0000000000000000000000000000000000000000000000000000000000"},
        {.action = "lead.decide", .detail = "[1,2]"},
        {.action = "lead.decide", .detail = "{not json"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_int_equal(zj_audit_append(f->s, &inspector, &bad[i], NULL, &err), ZJ_EUSAGE);
    zj_actor nobody = inspector;
    nobody.role = ZJ_ROLE_COUNT;
    zj_audit_event ok = {.action = "lead.view"};
    assert_int_equal(zj_audit_append(f->s, &nobody, &ok, NULL, &err), ZJ_EUSAGE);
    assert_true(verify(f).ok);
    assert_int_equal(verify(f).entries, 0);
}

/* A rolled-back transaction leaves neither its change nor its entries, and the next append
 * continues from the committed log. */
static void test_rollback(void **state)
{
    store_fixture *f = *state;
    zj_error err = {0};
    append_n(f->s, 5, 5);
    assert_int_equal(zj_store_begin(f->s, &err), 0);
    zj_audit_event e = {.action = "lead.comment"};
    for (int i = 0; i < 70; i++)
        assert_int_equal(zj_audit_append(f->s, &inspector, &e, NULL, &err), 0);
    assert_int_equal(zj_store_rollback(f->s, &err), 0);
    int64_t id = 0;
    assert_int_equal(zj_audit_append(f->s, &inspector, &e, &id, &err), 0);
    assert_int_equal(id, 6);
    zj_audit_report rep = verify(f);
    assert_true(rep.ok);
    assert_int_equal(rep.entries, 6);
}

/* Two handles appending in turn: each must notice the other's entries (its cached edge of the
 * tree is stale) and continue the one log. */
static void test_two_writers(void **state)
{
    store_fixture *f = *state;
    zj_error err = {0};
    zj_store *other;
    assert_int_equal(zj_store_open(f->path, &other, &err), 0);
    for (int i = 0; i < 30; i++) {
        append_n(i % 2 ? other : f->s, 1 + i * 5, 1 + i % 7);
    }
    /* verify neither waits for nor sees a writer's open transaction */
    assert_int_equal(zj_store_begin(other, &err), 0);
    zj_audit_event e = {.action = "lead.view"};
    assert_int_equal(zj_audit_append(other, &inspector, &e, NULL, &err), 0);
    zj_audit_report rep = verify(f);
    if (!rep.ok)
        fail_msg("%s", rep.message);
    assert_int_equal(rep.entries, 30 + 5 * 29 * 30 / 2);
    assert_int_equal(zj_store_commit(other, &err), 0);
    zj_store_close(other);
    rep = verify(f);
    assert_true(rep.ok);
    assert_int_equal(rep.entries, 30 + 5 * 29 * 30 / 2 + 1);
}

/* Group commit: four threads, each on its own connection, append 20 entries each through
 * zj_audit_append_grouped; every one is committed (has its id) when it returns, the trail
 * verifies with every entry in it, and a bad event fails alone. */
typedef struct grouper {
    const char *path;
    int id;
    int failures;
} grouper;

static void *group_main(void *arg)
{
    grouper *g = arg;
    zj_store *s = NULL;
    zj_error err = {0};
    if (zj_store_open_existing(g->path, &s, &err)) {
        g->failures = 1000;
        return NULL;
    }
    for (int i = 0; i < 20; i++) {
        char detail[64];
        snprintf(detail, sizeof detail, "{\"thread\":%d,\"n\":%d}", g->id, i);
        zj_audit_event e = {.action = "filing.check", .object_table = "case_party",
                            .detail = detail};
        int64_t id = 0;
        if (zj_audit_append_grouped(s, &inspector, &e, &id, &err) || id <= 0)
            g->failures++;
    }
    zj_audit_event bad = {.action = "Bad Action"};
    if (zj_audit_append_grouped(s, &inspector, &bad, NULL, &err) != ZJ_EUSAGE)
        g->failures++;
    zj_store_close(s);
    return NULL;
}

static void test_group_commit(void **state)
{
    store_fixture *f = *state;
    append_n(f->s, 1, 1);          /* the key and the first head exist before the threads race */
    pthread_t t[4];
    grouper g[4];
    for (int i = 0; i < 4; i++) {
        g[i] = (grouper){.path = f->path, .id = i};
        assert_int_equal(pthread_create(&t[i], NULL, group_main, &g[i]), 0);
    }
    for (int i = 0; i < 4; i++) {
        pthread_join(t[i], NULL);
        assert_int_equal(g[i].failures, 0);
    }
    zj_audit_report rep = verify(f);
    if (!rep.ok)
        fail_msg("%s", rep.message);
    assert_int_equal(rep.entries, 1 + 4 * 20);
}

/* Grouped rounds commit on a connection of their own, kept between rounds: it must follow
 * the store file, not its name. A store removed and made again at the same path gets the
 * next entry (on the old, deleted file it would be lost), and closing the kept connection
 * lets the next round open it again. */
static void test_group_follows_file(void **state)
{
    store_fixture *f = *state;
    zj_error err = {0};
    zj_audit_event e = {.action = "filing.check", .object_table = "case_party"};
    int64_t id = 0;
    assert_int_equal(zj_audit_append_grouped(f->s, &inspector, &e, &id, &err), 0);
    assert_int_equal(zj_audit_append_grouped(f->s, &inspector, &e, &id, &err), 0);
    assert_int_equal(id, 2);
    assert_int_equal(verify(f).entries, 2);
    assert_int_equal(teardown(state), 0);
    assert_int_equal(setup(state), 0);
    f = *state;
    assert_int_equal(zj_audit_append_grouped(f->s, &inspector, &e, &id, &err), 0);
    assert_int_equal(id, 1);
    zj_audit_report rep = verify(f);
    assert_true(rep.ok);
    assert_int_equal(rep.entries, 1);
    zj_audit_group_close();
    assert_int_equal(zj_audit_append_grouped(f->s, &inspector, &e, &id, &err), 0);
    assert_int_equal(id, 2);
    assert_int_equal(verify(f).entries, 2);
}

/* One entry per commit of a tracked run, none for a rolled-back one. */
static void test_track(void **state)
{
    store_fixture *f = *state;
    zj_error err = {0};
    assert_int_equal(zj_audit_track(f->s, &inspector, "detect.run", "detect_run",
                                    "{\"only\":[\"TV01\"]}", &err), 0);
    for (int i = 0; i < 3; i++) {
        assert_int_equal(zj_store_begin(f->s, &err), 0);
        assert_int_equal(zj_store_commit(f->s, &err), 0);
    }
    assert_int_equal(zj_store_begin(f->s, &err), 0);
    assert_int_equal(zj_store_rollback(f->s, &err), 0);
    zj_audit_entry e;
    char *buf = NULL;
    assert_int_equal(zj_audit_get(f->s, 3, &e, &buf, &err), 0);
    assert_string_equal(e.action, "detect.run");
    assert_string_equal(e.detail, "{\"only\":[\"TV01\"],\"commit\":3}");
    free(buf);
    zj_audit_report rep = verify(f);
    assert_true(rep.ok);
    assert_int_equal(rep.entries, 3);
}

static void test_key_problems(void **state)
{
    store_fixture *f = *state;
    zj_error err = {0};
    append_n(f->s, 3, 3);
    char key[96], moved[110];
    snprintf(key, sizeof key, "%s.audit-key", f->path);
    snprintf(moved, sizeof moved, "%s.moved", key);
    zj_audit_event e = {.action = "lead.view"};
    /* open to others: refused */
    assert_int_equal(chmod(key, 0644), 0);
    zj_store_close(f->s);
    assert_int_equal(zj_store_open(f->path, &f->s, &err), 0);
    assert_int_equal(zj_audit_append(f->s, &inspector, &e, NULL, &err), ZJ_EDATA);
    assert_non_null(strstr(err.msg, "chmod 600"));
    assert_int_equal(chmod(key, 0600), 0);
    /* missing: refused, never silently replaced by a new key */
    assert_int_equal(rename(key, moved), 0);
    assert_int_equal(zj_audit_append(f->s, &inspector, &e, NULL, &err), ZJ_EDATA);
    assert_non_null(strstr(err.msg, "is missing"));
    assert_int_equal(rename(moved, key), 0);
    assert_int_equal(zj_audit_append(f->s, &inspector, &e, NULL, &err), 0);
    assert_true(verify(f).ok);
    assert_int_equal(verify(f).entries, 4);
}

/* ---- tampering ------------------------------------------------------------------------------ */

/* Edits made directly in the database file to a log of 12 entries (written 4 per transaction),
 * what verify must call them, and the entry it must name. */
static const struct tamper {
    const char *what, *sql, *kind;
    int64_t entry;
} tampers[] = {
    {"a field edited", "UPDATE audit_entry SET detail = '{\"n\":99}' WHERE id = 5", "altered", 5},
    {"the last entry edited", "UPDATE audit_entry SET username = 'x' WHERE id = 12", "altered", 12},
    {"the first entry edited", "UPDATE audit_entry SET at = '2020-01-01 00:00:00' WHERE id = 1",
     "altered", 1},
    {"a stored predecessor hash edited", "UPDATE audit_entry SET prev_hash = hash WHERE id = 6",
     "altered", 6},
    {"an entry deleted", "DELETE FROM audit_entry WHERE id = 5", "removed", 5},
    {"an entry deleted, later ids renumbered",
     "DELETE FROM audit_entry WHERE id = 5; UPDATE audit_entry SET id = -id WHERE id > 5;"
     "UPDATE audit_entry SET id = -id - 1 WHERE id < 0", "removed", 5},
    {"the tail cut off", "DELETE FROM audit_entry WHERE id >= 11", "removed", 11},
    {"a forged row inserted",
     "UPDATE audit_entry SET id = -id WHERE id >= 5; UPDATE audit_entry SET id = -id + 1 WHERE id < 0;"
     "INSERT INTO audit_entry SELECT 5, at, user_id, username, role, unit_code, session_id,"
     " 'lead.decide', object_table, 999, before_hash, after_hash, NULL, prev_hash, hash"
     " FROM audit_entry WHERE id = 4", "inserted", 5},
    {"a genuine entry copied in (its own hashes match)",
     "UPDATE audit_entry SET id = -id WHERE id >= 5; UPDATE audit_entry SET id = -id + 1 WHERE id < 0;"
     "INSERT INTO audit_entry SELECT 5, at, user_id, username, role, unit_code, session_id,"
     " action, object_table, object_id, before_hash, after_hash, detail, prev_hash, hash"
     " FROM audit_entry WHERE id = 3", "inserted", 5},
    {"a row added at the end",
     "INSERT INTO audit_entry SELECT 13, at, user_id, username, role, unit_code, session_id,"
     " action, object_table, object_id, before_hash, after_hash, detail, hash, hash"
     " FROM audit_entry WHERE id = 12", "inserted", 13},
    {"two entries swapped",
     "UPDATE audit_entry SET id = 100 WHERE id = 3; UPDATE audit_entry SET id = 3 WHERE id = 7;"
     "UPDATE audit_entry SET id = 7 WHERE id = 100", "reordered", 3},
    {"two neighbours swapped",
     "UPDATE audit_entry SET id = 100 WHERE id = 8; UPDATE audit_entry SET id = 8 WHERE id = 9;"
     "UPDATE audit_entry SET id = 9 WHERE id = 100", "reordered", 8},
    {"a checkpoint edited", "UPDATE audit_checkpoint SET tree_size = 11", "signature", 0},
    {"the signed head edited", "UPDATE audit_head SET tree_size = 11", "signature", 0},
};

static void test_tampering(void **state)
{
    store_fixture *f = *state;
    for (size_t i = 0; i < sizeof tampers / sizeof tampers[0]; i++) {
        store_teardown(state);
        assert_int_equal(setup(state), 0);
        f = *state;
        append_n(f->s, 12, 4);
        assert_true(verify(f).ok);
        sql(f, tampers[i].sql);
        zj_audit_report rep = verify(f);
        if (rep.ok || strcmp(rep.kind, tampers[i].kind) != 0 || rep.first_bad != tampers[i].entry)
            fail_msg("%s: expected '%s' at %lld, got ok=%d '%s' at %lld: %s", tampers[i].what,
                     tampers[i].kind, (long long)tampers[i].entry, rep.ok, rep.kind,
                     (long long)rep.first_bad, rep.message);
    }
}

/* Rewriting an entry and recomputing every hash after it leaves a consistent chain: the signed
 * roots catch it, and name the range since the last root that still holds. */
static void test_tamper_rewrite_rehash(void **state)
{
    store_fixture *f = *state;
    append_n(f->s, 25000, 5000);   /* checkpoints at 5000 (first commit), 15000, 25000 */
    zj_error err = {0};
    /* rewrite entry 17000 with correct hashes, then every hash after it */
    sql(f, "UPDATE audit_entry SET object_id = 424242 WHERE id = 17000");
    zj_hasher *h = zj_hasher_new();
    sqlite3 *db;
    assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
    sqlite3_exec(db, "BEGIN", NULL, NULL, NULL);
    zj_stmt *q = NULL;
    assert_int_equal(zj_stmt_prepare(f->s, "SELECT " AUDIT_ENTRY_COLUMNS " FROM audit_entry"
                                     " WHERE id >= 17000 ORDER BY id", &q, &err), 0);
    sqlite3_stmt *up;
    sqlite3_prepare_v2(db, "UPDATE audit_entry SET prev_hash = ?, hash = ? WHERE id = ?", -1,
                       &up, NULL);
    zj_hash prev;
    zj_audit_entry e16999;
    char *buf = NULL;
    assert_int_equal(zj_audit_get(f->s, 16999, &e16999, &buf, &err), 0);
    assert_true(zj_hash_from_hex(e16999.hash, 64, prev));
    free(buf);
    while (zj_stmt_next(q, &err) == 1) {
        zj_audit_entry e;
        audit_entry_from_row(q, &e);
        zj_hash leaf;
        char ph[65], lh[65];
        assert_int_equal(audit_leaf_hash(h, prev, &e, leaf), 0);
        zj_hash_hex(prev, ph);
        zj_hash_hex(leaf, lh);
        sqlite3_bind_text(up, 1, ph, 64, SQLITE_TRANSIENT);
        sqlite3_bind_text(up, 2, lh, 64, SQLITE_TRANSIENT);
        sqlite3_bind_int64(up, 3, e.id);
        assert_int_equal(sqlite3_step(up), SQLITE_DONE);
        sqlite3_reset(up);
        memcpy(prev, leaf, 32);
    }
    zj_stmt_finalize(q);
    sqlite3_finalize(up);
    assert_int_equal(sqlite3_exec(db, "COMMIT", NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(db);
    zj_hasher_free(h);
    expect_bad(f, "rewritten", 15001);
}

/* A log of more than two chunks of 65,536 entries is verified by two threads; problems late in
 * the log and at a chunk boundary are named all the same. */
static void test_large_log(void **state)
{
    store_fixture *f = *state;
    append_n(f->s, 140000, 10000);
    zj_audit_report rep = verify(f);
    assert_true(rep.ok);
    assert_int_equal(rep.entries, 140000);
    assert_int_equal(rep.checkpoints, 15);   /* at 10,000, 20,000 ... and the head */
    sql(f, "UPDATE audit_entry SET object_id = 7 WHERE id = 131080");
    expect_bad(f, "altered", 131080);
    sql(f, "DELETE FROM audit_entry WHERE id = 65537");
    expect_bad(f, "removed", 65537);
    sql(f, "UPDATE audit_entry SET id = 65537 WHERE id = 65536");
    expect_bad(f, "removed", 65536);
}

static void test_pinned_key(void **state)
{
    store_fixture *f = *state;
    zj_error err = {0};
    append_n(f->s, 5, 5);
    char key[65], id[17];
    assert_int_equal(zj_audit_public_key(f->s, key, id, &err), 0);
    zj_audit_report rep;
    assert_int_equal(zj_audit_verify(f->s, key, &rep, &err), 0);
    assert_true(rep.ok);
    char other[65];
    memcpy(other, key, 65);
    other[0] = other[0] == 'a' ? 'b' : 'a';
    assert_int_equal(zj_audit_verify(f->s, other, &rep, &err), 0);
    assert_false(rep.ok);
    assert_string_equal(rep.kind, "signature");
}

/* ---- proofs ------------------------------------------------------------------------------- */

static void test_proofs(void **state)
{
    store_fixture *f = *state;
    zj_error err = {0};
    char key[65], id[17];
    zj_audit_checkpoint cps[40];
    int ncp = 0;
    /* checkpoints at many sizes, crossing the 64-leaf stored level */
    for (int n = 1; n <= 150; n++) {
        append_n(f->s, 1, 1);
        if (n <= 20 || n % 13 == 0 || n == 64 || n == 65 || n == 128 || n == 150) {
            if (ncp < 40)
                assert_int_equal(zj_audit_checkpoint_now(f->s, &cps[ncp++], &err), 0);
        }
    }
    assert_int_equal(zj_audit_public_key(f->s, key, id, &err), 0);
    for (int64_t e = 1; e <= 150; e++) {
        zj_audit_proof p;
        assert_int_equal(zj_audit_prove_inclusion(f->s, e, &p, &err), 0);
        assert_int_equal(p.cp.tree_size, 150);
        assert_int_equal(zj_audit_proof_check(&p, key, &err), 0);
        /* through JSON and back */
        char *t = zj_audit_proof_json(&p);
        zj_audit_proof q;
        assert_int_equal(zj_audit_proof_parse(t, strlen(t), "proof.json", &q, &err), 0);
        assert_int_equal(zj_audit_proof_check(&q, key, &err), 0);
        /* a changed entry, path or signature fails */
        q.entry.object_id++;
        assert_int_equal(zj_audit_proof_check(&q, key, &err), ZJ_EDATA);
        q.entry.object_id--;
        if (q.n) {
            q.path[0][10] = q.path[0][10] == '0' ? '1' : '0';
            assert_int_equal(zj_audit_proof_check(&q, key, &err), ZJ_EDATA);
        }
        free(t);
        zj_audit_proof_free(&q);
        zj_audit_proof_free(&p);
    }
    for (int i = 0; i < ncp; i++)
        for (int j = i; j < ncp; j++) {
            zj_audit_proof p;
            assert_int_equal(zj_audit_prove_consistency(f->s, &cps[i], &cps[j], &p, &err), 0);
            assert_int_equal(zj_audit_proof_check(&p, key, &err), 0);
            char *t = zj_audit_proof_json(&p);
            zj_audit_proof q;
            assert_int_equal(zj_audit_proof_parse(t, strlen(t), "c.json", &q, &err), 0);
            assert_int_equal(zj_audit_proof_check(&q, key, &err), 0);
            if (cps[i].tree_size < cps[j].tree_size) {
                /* swapping the roots fails */
                memcpy(q.old.root_hash, cps[j].root_hash, 65);
                assert_int_equal(zj_audit_proof_check(&q, key, &err), ZJ_EDATA);
            }
            free(t);
            zj_audit_proof_free(&q);
            zj_audit_proof_free(&p);
        }
    /* the other way round is refused */
    zj_audit_proof p;
    assert_int_equal(zj_audit_prove_consistency(f->s, &cps[5], &cps[2], &p, &err), ZJ_EUSAGE);
    zj_audit_proof_free(&p);
    /* a checkpoint of a log that was since rewritten cannot be proven */
    sql(f, "UPDATE audit_entry SET hash = prev_hash WHERE id = 2");
    assert_int_equal(zj_audit_prove_consistency(f->s, &cps[10], NULL, &p, &err), ZJ_EDATA);
    zj_audit_proof_free(&p);
}

static void test_checkpoint_json(void **state)
{
    store_fixture *f = *state;
    zj_error err = {0};
    append_n(f->s, 3, 3);
    zj_audit_checkpoint c, back;
    assert_int_equal(zj_audit_checkpoint_now(f->s, &c, &err), 0);
    char *t = zj_audit_checkpoint_json(&c);
    assert_int_equal(zj_audit_checkpoint_parse(t, strlen(t), "cp.json", &back, &err), 0);
    assert_memory_equal(&c, &back, sizeof c);
    assert_int_equal(zj_audit_checkpoint_check(&back, c.public_key, &err), 0);
    back.tree_size++;
    assert_int_equal(zj_audit_checkpoint_check(&back, c.public_key, &err), ZJ_EDATA);
    free(t);
    static const char *const bad[] = {
        "", "[]", "{\"format\":\"zhijian-audit-checkpoint/1\"}",
        "{\"format\":\"x\",\"tree_size\":1}",
        "{\"format\":\"zhijian-audit-checkpoint/1\",\"tree_size\":1.5,\"root_hash\":\"\"}",
        "{\"format\":\"zhijian-audit-checkpoint/1\",\"tree_size\":-1}",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_int_equal(zj_audit_checkpoint_parse(bad[i], strlen(bad[i]), "x", &back, &err),
                         ZJ_EDATA);
}

/* ---- a writer killed mid-append ------------------------------------------------------------ */

static void test_kill_during_appends(void **state)
{
    store_fixture *f = *state;
    append_n(f->s, 10, 10);   /* the key exists before the children start */
    for (int round = 0; round < 4; round++) {
        int pipefd[2];
        assert_int_equal(pipe(pipefd), 0);
        pid_t pid = fork();
        assert_true(pid >= 0);
        if (pid == 0) {
            close(pipefd[0]);
            zj_store *s;
            zj_error err = {0};
            if (zj_store_open(f->path, &s, &err))
                _exit(2);
            for (unsigned i = 0;; i++) {
                int n = 1 + (int)(i * 7919u % 97u);
                if (zj_store_begin(s, &err))
                    _exit(3);
                for (int j = 0; j < n; j++) {
                    zj_audit_event e = {.action = "lead.view", .object_id = j};
                    if (zj_audit_append(s, &inspector, &e, NULL, &err))
                        _exit(4);
                }
                if (zj_store_commit(s, &err))
                    _exit(5);
                if (i == 20 && write(pipefd[1], "x", 1) != 1)   /* running: kill me any time */
                    _exit(6);
            }
        }
        close(pipefd[1]);
        char c;
        assert_int_equal(read(pipefd[0], &c, 1), 1);
        usleep((useconds_t)(round * 1500));
        kill(pid, SIGKILL);
        int status;
        waitpid(pid, &status, 0);
        close(pipefd[0]);
        assert_true(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
        zj_audit_report rep = verify(f);
        if (!rep.ok)
            fail_msg("after kill -9 in round %d: %s", round, rep.message);
        assert_true(rep.entries > 10);
        /* and appending goes on */
        zj_error err = {0};
        zj_audit_event e = {.action = "lead.view"};
        assert_int_equal(zj_audit_append(f->s, &inspector, &e, NULL, &err), 0);
    }
    assert_true(verify(f).ok);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_append_and_verify, setup, teardown),
        cmocka_unit_test_setup_teardown(test_rejects_bad_events, setup, teardown),
        cmocka_unit_test_setup_teardown(test_rollback, setup, teardown),
        cmocka_unit_test_setup_teardown(test_track, setup, teardown),
        cmocka_unit_test_setup_teardown(test_two_writers, setup, teardown),
        cmocka_unit_test_setup_teardown(test_group_commit, setup, teardown),
        cmocka_unit_test_setup_teardown(test_group_follows_file, setup, teardown),
        cmocka_unit_test_setup_teardown(test_key_problems, setup, teardown),
        cmocka_unit_test_setup_teardown(test_tampering, setup, teardown),
        cmocka_unit_test_setup_teardown(test_tamper_rewrite_rehash, setup, teardown),
        cmocka_unit_test_setup_teardown(test_large_log, setup, teardown),
        cmocka_unit_test_setup_teardown(test_pinned_key, setup, teardown),
        cmocka_unit_test_setup_teardown(test_proofs, setup, teardown),
        cmocka_unit_test_setup_teardown(test_checkpoint_json, setup, teardown),
        cmocka_unit_test_setup_teardown(test_kill_during_appends, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
