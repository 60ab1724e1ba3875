/* test_store.c - unit tests for the store (store_sqlite.c) and its bulk-load keyset. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "storefix.h"
#include <sqlite3.h>

#include "store/keyset.h"
#include "store/migrations.h"
#include "store/store.h"

static void test_keyset_collisions(void **state)
{
    (void)state;
    zj_keyset ks = {0};
    const uint64_t golden = 0x9E3779B97F4A7C15ull, h42 = 42 * golden;
    /* Many rows under one hash (a collision chain), and many distinct hashes to force growth
     * (the table doubles four times: entries must stay findable). */
    for (int64_t i = 1; i <= 5; i++)
        assert_int_equal(zj_keyset_add(&ks, h42, i), 0);
    for (int64_t i = 100; i < 5100; i++)
        assert_int_equal(zj_keyset_add(&ks, (uint64_t)i * golden, i), 0);
    assert_int_equal(zj_keyset_add(&ks, 0, 77), 0);   /* hash 0 is stored, not lost */
    size_t pos = 0;
    int64_t rowid, sum = 0;
    int n = 0;
    while (zj_keyset_next(&ks, h42, &pos, &rowid)) {
        sum += rowid;
        n++;
    }
    assert_int_equal(n, 5);
    assert_int_equal(sum, 15);
    pos = 0;
    assert_int_equal(zj_keyset_next(&ks, 0, &pos, &rowid), 1);
    assert_int_equal(rowid, 77);
    pos = 0;
    assert_int_equal(zj_keyset_next(&ks, 6000 * golden, &pos, &rowid), 0);
    for (int64_t i = 100; i < 5100; i += 7) {
        pos = 0;
        bool found = false;
        while (!found && zj_keyset_next(&ks, (uint64_t)i * golden, &pos, &rowid))
            found = rowid == i;
        assert_true(found);
    }
    /* Only the top 32 bits are kept: a hash that agrees in them is offered too (the caller
     * compares the real keys, as for a collision). */
    pos = 0;
    assert_int_equal(zj_keyset_next(&ks, h42 ^ 0xFFFF, &pos, &rowid), 1);
    /* Row ids are offsets from the first one: one before it, or 2^32 after, cannot go in. */
    assert_int_equal(zj_keyset_add(&ks, 7 * golden, 0), -1);
    assert_int_equal(zj_keyset_add(&ks, 7 * golden, ((int64_t)1 << 32) + 5), -1);
    zj_keyset_free(&ks);
}

/* Indexes on `unit`, read with a separate connection (this test knows the backend). */
static int unit_indexes(const char *path)
{
    sqlite3 *db;
    sqlite3_stmt *st;
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(db, "SELECT count(*) FROM sqlite_schema WHERE "
                                        "type = 'index' AND tbl_name = 'unit'", -1, &st, NULL),
                     SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    int n = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    sqlite3_close(db);
    return n;
}

static zj_value text(const char *s) { return (zj_value){.text = s, .len = strlen(s)}; }

/* Run one batch of puts of (key, name) pairs into `unit`; returns counts as "i/u/s". */
static void batch(zj_store *s, const char *system, const char *const *rows, size_t n,
                  char out[48])
{
    zj_error err = {0};
    int64_t id;
    zj_batch b = {.source_system = system, .table = "unit", .file = "f.csv",
                  .file_digest = "d", .mapping = "m", .mapping_digest = "md"};
    assert_int_equal(zj_store_begin(s, &err), ZJ_OK);
    assert_int_equal(zj_store_batch_start(s, &b, &id, &err), ZJ_OK);
    const char *cols[] = {"unit_code", "name"};
    zj_writer *w;
    assert_int_equal(zj_writer_open(s, "unit", cols, 2, system, id, 0, &w, &err), ZJ_OK);
    int ins = 0, upd = 0, same = 0;
    int64_t ids[8] = {0};                  /* the id each put wrote or found */
    assert_true(n <= 8);
    assert_int_equal(zj_writer_last_id(w), 0);
    for (size_t i = 0; i < n; i++) {
        zj_value v[2] = {text(rows[2 * i]), text(rows[2 * i + 1])};
        zj_put_result r;
        int64_t hash = (int64_t)strlen(rows[2 * i + 1]) * 1000 + rows[2 * i + 1][0];
        assert_int_equal(zj_writer_put(w, rows[2 * i], strlen(rows[2 * i]), (int64_t)i + 2,
                                       hash, v, &r, &err), ZJ_OK);
        ids[i] = zj_writer_last_id(w);
        assert_true(ids[i] > 0);
        /* a key repeated in the batch names the record its first put wrote; new keys, new ids */
        for (size_t j = 0; j < i; j++)
            if (!strcmp(rows[2 * j], rows[2 * i]))
                assert_int_equal(ids[j], ids[i]);
            else
                assert_int_not_equal(ids[j], ids[i]);
        ins += r == ZJ_PUT_INSERTED;
        upd += r == ZJ_PUT_UPDATED;
        same += r == ZJ_PUT_UNCHANGED;
    }
    assert_int_equal(zj_writer_finish(w, &err), ZJ_OK);
    zj_writer_close(w);
    assert_int_equal(zj_store_commit(s, &err), ZJ_OK);
    snprintf(out, 48, "%d/%d/%d", ins, upd, same);
}

static int64_t count(zj_store *s, const char *table)
{
    int64_t n = -1;
    zj_error err = {0};
    assert_int_equal(zj_store_count_rows(s, table, &n, &err), ZJ_OK);
    return n;
}

/* A connection that defers its checkpoints lets the log grow past SQLite's automatic
 * checkpoint (1,000 frames) and says how long it is after each commit; a checkpoint on
 * another connection copies it into the database, and the next commit starts the log over. */
static void test_deferred_checkpoints(void **state)
{
    store_fixture *f = *state;
    zj_error err = {0};
    assert_int_equal(zj_store_log_frames(f->s), -1);
    assert_int_equal(zj_store_defer_checkpoints(f->s, &err), 0);
    assert_int_equal(zj_store_exec(f->s, "CREATE TABLE t (x INTEGER)", &err), 0);
    int64_t before = zj_store_log_frames(f->s);
    assert_true(before > 0);
    for (int i = 0; i < 1100; i++) {
        assert_int_equal(zj_store_exec(f->s, "INSERT INTO t VALUES (1)", &err), 0);
        int64_t n = zj_store_log_frames(f->s);
        assert_true(n > before);      /* never copied and restarted behind our back */
        before = n;
    }
    assert_true(before > 1000);
    zj_store *other = NULL;
    assert_int_equal(zj_store_open(f->path, &other, &err), 0);
    assert_int_equal(zj_store_checkpoint(other, &err), 0);
    zj_store_close(other);
    assert_int_equal(zj_store_exec(f->s, "INSERT INTO t VALUES (2)", &err), 0);
    assert_true(zj_store_log_frames(f->s) < 10);
}

/* Size of the database file (not its log): what checkpoints have copied into it. */
static long long file_size(const char *path)
{
    FILE *fp = fopen(path, "rb");
    assert_non_null(fp);
    assert_int_equal(fseek(fp, 0, SEEK_END), 0);
    long long n = ftell(fp);
    fclose(fp);
    return n;
}

/* During a bulk load the loading connection never checkpoints, yet each commit reaches the
 * database file while the load goes on: a thread of the store copies it. */
static void test_bulk_load_checkpoints_on_thread(void **state)
{
    store_fixture *f = *state;
    zj_error err = {0};
    assert_int_equal(zj_store_exec(f->s, "CREATE TABLE t (x BLOB)", &err), 0);
    assert_int_equal(zj_store_checkpoint(f->s, &err), 0);
    assert_int_equal(zj_store_bulk_load(f->s, true, &err), 0);
    long long before = file_size(f->path);
    assert_int_equal(zj_store_begin(f->s, &err), 0);
    assert_int_equal(zj_store_exec(f->s, "WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 "
                                         "FROM c WHERE i < 2000) INSERT INTO t SELECT "
                                         "randomblob(1000) FROM c", &err), 0);
    assert_int_equal(zj_store_commit(f->s, &err), 0);
    long long now = before;
    for (int i = 0; i < 1000 && now < before + 2000000; i++) {     /* up to 10 s */
        usleep(10000);
        now = file_size(f->path);
    }
    assert_true(now >= before + 2000000);
    assert_int_equal(zj_store_bulk_load(f->s, false, &err), 0);
    assert_int_equal(count(f->s, "t"), 2000);
}

static void test_bulk_then_incremental(void **state)
{
    store_fixture *f = *state;
    char got[48];
    /* First load of a system: bulk mode. A repeated key inside the batch is caught by the
     * keyset: same content -> unchanged, new content -> updated with the old version kept. */
    const char *first[] = {"U1", "法院", "U2", "检察院", "U1", "法院", "U2", "公安局"};
    batch(f->s, "sysA", first, 4, got);
    assert_string_equal(got, "2/1/1");
    assert_int_equal(count(f->s, "unit"), 2);
    assert_int_equal(count(f->s, "record_version"), 1);
    /* After the bulk load both indexes wait until asked for. */
    assert_int_equal(unit_indexes(f->path), 0);
    int64_t pending = 0, built = 0;
    zj_error err = {0};
    assert_int_equal(zj_store_pending_indexes(f->s, &pending, &err), ZJ_OK);
    assert_int_equal(pending, 2);
    /* Asking for another table's indexes builds none of these. */
    assert_int_equal(zj_store_build_indexes_on(f->s, "officer", &built, &err), ZJ_OK);
    assert_int_equal(built, 0);
    assert_int_equal(zj_store_pending_indexes(f->s, &pending, &err), ZJ_OK);
    assert_int_equal(pending, 2);
    assert_int_equal(zj_store_build_indexes_on(f->s, "unit", &built, &err), ZJ_OK);
    assert_int_equal(built, 2);
    assert_int_equal(unit_indexes(f->path), 2);
    assert_int_equal(zj_store_pending_indexes(f->s, &pending, &err), ZJ_OK);
    assert_int_equal(pending, 0);
    /* Second batch: incremental mode (sysA has rows now), via the key_hash index, which a
     * pending key index would be built for first. */
    const char *second[] = {"U1", "法院", "U3", "司法局", "U2", "公安分局"};
    batch(f->s, "sysA", second, 3, got);
    assert_string_equal(got, "1/1/1");
    /* The same keys from another system are other records. */
    const char *other[] = {"U1", "法院"};
    batch(f->s, "sysB", other, 1, got);
    assert_string_equal(got, "1/0/0");
    assert_int_equal(count(f->s, "unit"), 4);
    assert_int_equal(count(f->s, "record_version"), 2);
    assert_int_equal(count(f->s, "import_batch"), 3);
}

static void test_rollback_restores_indexes(void **state)
{
    store_fixture *f = *state;
    zj_error err = {0};
    int64_t id;
    zj_batch b = {.source_system = "sysC", .table = "unit", .file = "f", .file_digest = "d"};
    assert_int_equal(zj_store_begin(f->s, &err), ZJ_OK);
    assert_int_equal(zj_store_batch_start(f->s, &b, &id, &err), ZJ_OK);
    const char *cols[] = {"unit_code", "name"};
    zj_writer *w;
    assert_int_equal(zj_writer_open(f->s, "unit", cols, 2, "sysC", id, 0, &w, &err), ZJ_OK);
    zj_value v[2] = {text("X"), text("某单位")};
    zj_put_result r;
    assert_int_equal(zj_writer_put(w, "X", 1, 2, 7, v, &r, &err), ZJ_OK);
    zj_writer_close(w);                       /* abandoned: no finish */
    assert_int_equal(unit_indexes(f->path), 2);   /* other connections never see the drop */
    assert_int_equal(zj_store_rollback(f->s, &err), ZJ_OK);
    assert_int_equal(count(f->s, "unit"), 0);
    assert_int_equal(count(f->s, "import_batch"), 0);
    assert_int_equal(unit_indexes(f->path), 2);
    /* The dropped indexes came back with the rollback: an incremental batch works and a
     * re-run of the same rows is a no-op. */
    const char *rows[] = {"X", "某单位"};
    char got[48];
    batch(f->s, "sysC", rows, 1, got);
    assert_string_equal(got, "1/0/0");
    batch(f->s, "sysC", rows, 1, got);
    assert_string_equal(got, "0/0/1");
    /* The first batch was a bulk load (indexes left pending); the second, incremental, built
     * the key index it needed and nothing else. */
    assert_int_equal(unit_indexes(f->path), 1);
}

/* A zj_record_source over (key, name) pairs; a NULL key ends a run (as a reject does in the
 * import), so put_all must be called again for the rest. */
typedef struct pairs {
    const char *const *rows;
    size_t n, i;
    zj_value v[2];
    zj_writer *ahead;        /* set: repeats found ahead (zj_writer_ahead) */
} pairs;

static int next_pair(void *ctx, zj_record *rec)
{
    pairs *p = ctx;
    if (p->i >= p->n || !p->rows[2 * p->i])
        return 0;
    const char *key = p->rows[2 * p->i], *name = p->rows[2 * p->i + 1];
    p->v[0] = text(key);
    p->v[1] = text(name);
    *rec = (zj_record){.key = key, .key_len = strlen(key), .src_line = (int64_t)p->i + 2,
                       .content_hash = (int64_t)strlen(name) * 1000 + name[0],
                       .values = p->v};
    if (p->ahead) {
        rec->key_hash = zj_writer_key_hash(p->ahead, key, rec->key_len);
        rec->repeat_of = zj_writer_ahead(p->ahead, key, rec->key_len, rec->key_hash);
        assert_true(rec->repeat_of >= 0);
    }
    p->i++;
    return 1;
}

/* The same outcome whether the writer finds repeats itself or is told them ahead. */
static void put_all_bulk(store_fixture *f, bool ahead)
{
    zj_error err = {0};
    int64_t id;
    zj_batch b = {.source_system = "sysD", .table = "unit", .file = "f", .file_digest = "d"};
    assert_int_equal(zj_store_begin(f->s, &err), ZJ_OK);
    assert_int_equal(zj_store_batch_start(f->s, &b, &id, &err), ZJ_OK);
    const char *cols[] = {"unit_code", "name"};
    zj_writer *w;
    assert_int_equal(zj_writer_open(f->s, "unit", cols, 2, "sysD", id, 100, &w, &err), ZJ_OK);
    /* U1 repeats unchanged, U2 repeats changed (twice), a stop in the middle */
    const char *rows[] = {"U1", "法院", "U2", "检察院", "U1", "法院", NULL, NULL,
                          "U3", "公安局", "U2", "司法局", "U4", "监狱", "U2", "看守所"};
    pairs src = {.rows = rows, .n = 8};
    if (ahead) {
        assert_true(zj_writer_ahead_start(w));
        src.ahead = w;
        zj_put_result r;
        zj_value v[2] = {text("U9"), text("x")};
        assert_int_equal(zj_writer_put(w, "U9", 2, 1, 1, v, &r, &err), ZJ_EUSAGE);
    }
    zj_put_counts c = {0};
    assert_int_equal(zj_writer_put_all(w, next_pair, &src, &c, &err), ZJ_OK);
    assert_int_equal(src.i, 3);                       /* stopped at the NULL */
    assert_int_equal(c.inserted, 2);
    assert_int_equal(c.unchanged, 1);
    src.i++;                                          /* the caller deals with the stop */
    assert_int_equal(zj_writer_put_all(w, next_pair, &src, &c, &err), ZJ_OK);
    assert_int_equal(src.i, 8);
    assert_int_equal(c.inserted, 4);
    assert_int_equal(c.updated, 2);
    assert_int_equal(c.unchanged, 1);
    assert_int_equal(zj_writer_finish(w, &err), ZJ_OK);
    zj_writer_close(w);
    assert_int_equal(zj_store_commit(f->s, &err), ZJ_OK);
    assert_int_equal(unit_indexes(f->path), 0);       /* it was a bulk load */
    /* ids in file order of first appearance, each key once, the last content kept */
    zj_stmt *q;
    assert_int_equal(zj_stmt_prepare(f->s, "SELECT group_concat(id || ':' || unit_code || ':'"
                                     " || name || ':' || src_line, ' ') FROM (SELECT * FROM"
                                     " unit ORDER BY id)", &q, &err), ZJ_OK);
    assert_int_equal(zj_stmt_next(q, &err), 1);
    assert_string_equal(zj_stmt_text(q, 0, NULL), "1:U1:法院:2 2:U2:看守所:9 3:U3:公安局:6 "
                                                   "4:U4:监狱:8");
    zj_stmt_finalize(q);
    assert_int_equal(count(f->s, "record_version"), 2);
    /* The feed is the writer's alone. */
    assert_int_not_equal(zj_store_exec(f->s, "SELECT * FROM zj_feed", &err), ZJ_OK);
}

static void test_put_all_bulk(void **state)
{
    put_all_bulk(*state, false);
}

static void test_put_all_ahead(void **state)
{
    put_all_bulk(*state, true);
}

/* zj_store_insert_all: rows from a callback in one statement, NULLs kept, a failing source
 * fails the insertion, and the row table cannot be read on its own. */
typedef struct int_rows {
    int n, stop_at;
    char name[16];
} int_rows;

static int next_state(void *ctx, zj_value *v)
{
    int_rows *r = ctx;
    if (r->n == r->stop_at)
        return -1;
    if (r->n == 3)
        return 0;
    snprintf(r->name, sizeof r->name, "k%d", r->n);
    v[0] = (zj_value){.text = r->name, .len = strlen(r->name)};
    v[1] = (zj_value){.i = 100 + r->n};
    r->n++;
    return 1;
}

static void test_insert_all(void **state)
{
    store_fixture *f = *state;
    zj_error err = {0};
    static const char *const cols[] = {"name", "value"};
    static const zj_type types[] = {ZJ_TYPE_TEXT, ZJ_TYPE_INTEGER};
    int64_t n = -1;
    int_rows rows = {.stop_at = -1};
    assert_int_equal(zj_store_begin(f->s, &err), ZJ_OK);
    assert_int_equal(zj_store_insert_all(f->s, "link_state", cols, types, 2, next_state, &rows, &n,
                                         &err), ZJ_OK);
    assert_int_equal(n, 3);
    assert_int_equal(zj_store_commit(f->s, &err), ZJ_OK);
    zj_stmt *q;
    assert_int_equal(zj_stmt_prepare(f->s, "SELECT group_concat(name || '=' || value, ',') FROM"
                                     " (SELECT * FROM link_state ORDER BY name)", &q, &err), ZJ_OK);
    assert_int_equal(zj_stmt_next(q, &err), 1);
    assert_string_equal(zj_stmt_text(q, 0, NULL), "k0=100,k1=101,k2=102");
    zj_stmt_finalize(q);
    /* a source that fails part way: an error, and the caller's rollback leaves nothing */
    rows = (int_rows){.stop_at = 2};
    assert_int_equal(zj_store_begin(f->s, &err), ZJ_OK);
    assert_int_equal(zj_store_exec(f->s, "DELETE FROM link_state", &err), ZJ_OK);
    err = (zj_error){0};
    assert_int_equal(zj_store_insert_all(f->s, "link_state", cols, types, 2, next_state, &rows, &n,
                                         &err), ZJ_EDATA);
    assert_int_equal(zj_store_rollback(f->s, &err), ZJ_OK);
    assert_int_equal(count(f->s, "link_state"), 3);
    /* unknown tables, and the row table read outside an insertion */
    assert_int_equal(zj_store_insert_all(f->s, "no_such", cols, types, 2, next_state, &rows, &n,
                                         &err), ZJ_EUSAGE);
    assert_int_not_equal(zj_store_exec(f->s, "SELECT * FROM zj_rows", &err), ZJ_OK);
}

static int64_t int_of(zj_store *s, const char *sql)
{
    zj_error err = {0};
    zj_stmt *q;
    assert_int_equal(zj_stmt_prepare(s, sql, &q, &err), ZJ_OK);
    assert_int_equal(zj_stmt_next(q, &err), 1);
    int64_t v = zj_stmt_int(q, 0);
    zj_stmt_finalize(q);
    return v;
}

/* Index builds run with a small cache and leave the caller's cache size as it was. */
static void test_create_indexes(void **state)
{
    store_fixture *f = *state;
    zj_error err = {0};
    assert_int_equal(zj_store_cache_mib(f->s, 1024, &err), ZJ_OK);
    assert_int_equal(zj_store_create_indexes(f->s, "CREATE INDEX t_unit_name ON unit(name)", &err),
                     ZJ_OK);
    assert_int_equal(int_of(f->s, "SELECT count(*) FROM sqlite_master WHERE name = 't_unit_name'"),
                     1);
    assert_int_equal(int_of(f->s, "PRAGMA cache_size"), -1024 * 1024);
    /* a failing build: the error, and the cache size still restored */
    assert_int_equal(zj_store_create_indexes(f->s, "CREATE INDEX t_bad ON unit(no_such)", &err),
                     ZJ_EDATA);
    assert_non_null(strstr(err.msg, "no_such"));
    assert_int_equal(int_of(f->s, "PRAGMA cache_size"), -1024 * 1024);
    /* a cache set in pages counts by the page size: 100,000 pages is more than 64 MiB and is
     * put back as it was; 100 pages is less and is left alone */
    assert_int_equal(zj_store_exec(f->s, "PRAGMA cache_size = 100000", &err), ZJ_OK);
    assert_int_equal(zj_store_create_indexes(f->s, "CREATE INDEX t_unit_code ON unit(unit_code)",
                                             &err), ZJ_OK);
    assert_int_equal(int_of(f->s, "PRAGMA cache_size"), 100000);
    assert_int_equal(zj_store_exec(f->s, "PRAGMA cache_size = 100", &err), ZJ_OK);
    assert_int_equal(zj_store_create_indexes(f->s, "CREATE INDEX t_unit_src ON unit(source_key)",
                                             &err), ZJ_OK);
    assert_int_equal(int_of(f->s, "PRAGMA cache_size"), 100);
}

static void test_writer_rejects_bad_columns(void **state)
{
    store_fixture *f = *state;
    zj_error err = {0};
    zj_writer *w;
    const char *cols[] = {"unit_code", "nope"};
    assert_int_equal(zj_writer_open(f->s, "unit", cols, 2, "s", 1, 0, &w, &err), ZJ_EUSAGE);
    assert_string_equal(err.msg, "table 'unit' has no column 'nope'");
    assert_int_equal(zj_writer_open(f->s, "nope", cols, 1, "s", 1, 0, &w, &err), ZJ_EUSAGE);
    const char *twice[] = {"name", "name"};
    assert_int_equal(zj_writer_open(f->s, "unit", twice, 2, "s", 1, 0, &w, &err), ZJ_EUSAGE);
    int64_t n;
    assert_int_equal(zj_store_count_rows(f->s, "unit; DROP TABLE unit", &n, &err), ZJ_EUSAGE);
    assert_int_equal(zj_store_schema_version(f->s), zj_store_latest_version());
}

/* The runner applies migrations in array order and takes the last as the latest. */
static void test_migrations_ascend(void **state)
{
    (void)state;
    size_t n = 0;
    const zj_migration *m = zj_migrations(&n);
    assert_true(n > 0);
    for (size_t i = 1; i < n; i++)
        assert_true(m[i].version > m[i - 1].version);
    assert_int_equal(m[n - 1].version, zj_store_latest_version());
}

/* A store made after a later migration still gets an earlier one merged since: numbers are
 * given to branches ahead of time (migration 14 came after 19 was in use). */
static void test_missed_migration_applied(void **state)
{
    (void)state;
    char dir[] = "/tmp/zj-migr-XXXXXX", path[64];
    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/zj.db", dir);
    zj_store *a = NULL;
    zj_error err = {0};
    assert_int_equal(zj_store_open(path, &a, &err), ZJ_OK);
    zj_store_close(a);
    /* as a store made before migration 14 was merged: no column, no record of it */
    sqlite3 *db;
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db, "ALTER TABLE person DROP COLUMN former_address;"
                                  "DELETE FROM schema_migration WHERE version = 14", NULL, NULL,
                                  NULL), SQLITE_OK);
    sqlite3_close(db);
    assert_int_equal(zj_store_open(path, &a, &err), ZJ_OK);
    assert_int_equal(zj_store_exec(a, "SELECT former_address FROM person", &err), ZJ_OK);
    assert_int_equal(zj_store_schema_version(a), zj_store_latest_version());
    zj_store_close(a);
    char f[80];
    const char *ext[] = {"", "-wal", "-shm", ".audit-key"};
    for (size_t i = 0; i < 4; i++) {
        snprintf(f, sizeof f, "%s%s", path, ext[i]);
        remove(f);
    }
    rmdir(dir);
}

/* A writer that finds the store held by another past its busy timeout fails with the kind
 * busy (the HTTP API retries it, then answers 503 with Retry-After); a plain SQL error does not. */
static void test_busy_kind(void **state)
{
    (void)state;
    char dir[] = "/tmp/zj-busy-XXXXXX", path[64];
    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/zj.db", dir);
    zj_store *a = NULL, *b = NULL;
    zj_error err = {0};
    assert_int_equal(zj_store_open(path, &a, &err), ZJ_OK);
    assert_int_equal(zj_store_open_existing(path, &b, &err), ZJ_OK);
    zj_store_busy_timeout(b, 1);
    assert_int_equal(zj_store_begin(a, &err), ZJ_OK);
    assert_int_equal(zj_store_begin(b, &err), ZJ_EDATA);
    assert_int_equal(zj_error_kind(&err), ZJ_ERR_BUSY);
    assert_int_equal(zj_store_rollback(a, &err), ZJ_OK);
    assert_int_not_equal(zj_store_exec(b, "SELECT * FROM no_such_table", &err), ZJ_OK);
    assert_int_equal(zj_error_kind(&err), ZJ_ERR_FAILED);
    zj_store_close(a);
    zj_store_close(b);
    char f[80];
    const char *ext[] = {"", "-wal", "-shm"};
    for (size_t i = 0; i < 3; i++) {
        snprintf(f, sizeof f, "%s%s", path, ext[i]);
        remove(f);
    }
    rmdir(dir);
}

/* The plan SQLite chooses for `sql`, its detail lines joined by "; ". */
static void plan(zj_store *s, const char *sql, char *out, size_t cap)
{
    char q[1024];
    snprintf(q, sizeof q, "EXPLAIN QUERY PLAN %s", sql);
    zj_stmt *st;
    zj_error err = {0};
    assert_int_equal(zj_stmt_prepare(s, q, &st, &err), ZJ_OK);
    out[0] = '\0';
    while (zj_stmt_next(st, &err) == 1) {
        size_t n = strlen(out);
        snprintf(out + n, cap - n, "%s; ", zj_stmt_text(st, 3, NULL));
    }
    zj_stmt_finalize(st);
}

/* Migration 19: a page of the lead list is counted and ordered from one covering index, and
 * the statistics by dimension read their index, neither sorting nor scanning the table. */
/* ---- staged loads -------------------------------------------------------------------- */

/* A zj_record_source of units U0, U1 ... U<n-1> (name 单位<i>), with U3 once more, renamed, after
 * U<repeat_after> when that is >= 0; it pauses (returns 0) before the record numbered `pause`. */
typedef struct units {
    int n, i, pause, repeat_after;
    bool repeated;
    char key[24], name[40];
    zj_value v[2];
} units;

static int next_unit(void *ctx, zj_record *rec)
{
    units *u = ctx;
    if (u->i >= u->n || u->i == u->pause)
        return 0;
    bool again = u->repeat_after >= 0 && u->i == u->repeat_after + 1 && !u->repeated;
    if (again) {
        u->repeated = true;
        snprintf(u->key, sizeof u->key, "U3");
        snprintf(u->name, sizeof u->name, "改名单位");
    } else {
        snprintf(u->key, sizeof u->key, "U%d", u->i);
        snprintf(u->name, sizeof u->name, "单位%d", u->i);
        u->i++;
    }
    u->v[0] = text(u->key);
    u->v[1] = text(u->name);
    *rec = (zj_record){.key = u->key, .key_len = strlen(u->key), .src_line = u->i + 1,
                       .content_hash = (int64_t)strlen(u->name) * 1000 + u->name[0],
                       .values = u->v};
    return 1;
}

/* On f->s: a bulk load staged in chunks of 10 rows, begun and fed the first 55 of 100 units
 * (five commits of its own so far), U3 repeated with new content and one reject among them.
 * Returns the writer; *batch is its batch. */
static zj_writer *stage_55(store_fixture *f, units *u, int64_t *batch)
{
    zj_error err = {0};
    zj_store_stage_loads(f->s, 50, 10);
    assert_int_equal(zj_store_bulk_load(f->s, true, &err), ZJ_OK);
    zj_batch b = {.source_system = "sysS", .table = "unit", .file = "units.csv",
                  .file_digest = "d", .mapping = "m", .mapping_digest = "md"};
    assert_int_equal(zj_store_begin(f->s, &err), ZJ_OK);
    assert_int_equal(zj_store_batch_start(f->s, &b, batch, &err), ZJ_OK);
    const char *cols[] = {"unit_code", "name"};
    zj_writer *w;
    assert_int_equal(zj_writer_open(f->s, "unit", cols, 2, "sysS", *batch, 100, &w, &err), ZJ_OK);
    assert_true(zj_writer_staged(w));
    *u = (units){.n = 100, .pause = 55, .repeat_after = 20};
    zj_put_counts c = {0};
    assert_int_equal(zj_writer_put_all(w, next_unit, u, &c, &err), ZJ_OK);
    assert_int_equal(c.inserted, 55);
    assert_int_equal(c.updated, 1);
    assert_int_equal(zj_store_reject(f->s, *batch, 30, "name", "too long", "U30,...", 7, &err),
                     ZJ_OK);
    return w;
}

/* Readers see nothing of a staged load but its running batch until its last commit, then all
 * of it, in the table itself; its indexes are left pending as a bulk load leaves them. */
static void test_staged_load(void **state)
{
    store_fixture *f = *state;
    zj_error err = {0};
    units u;
    int64_t id;
    zj_writer *w = stage_55(f, &u, &id);
    zj_store *other = NULL;
    assert_int_equal(zj_store_open(f->path, &other, &err), ZJ_OK);
    assert_int_equal(count(other, "unit"), 0);
    assert_int_equal(store_count(other, "SELECT count(*) FROM import_batch WHERE status = 'running'"),
                     1);
    /* committed: the records up to the fifth commit, the 50th of 56 given (U3 twice) */
    assert_int_equal(store_count(other, "SELECT count(*) FROM zj_stage_1"), 49);
    assert_null(zj_store_table(other, "zj_stage_1"));          /* not a table of the model */
    int64_t mark = -1;
    assert_int_equal(zj_store_batch_mark(other, &mark, &err), ZJ_OK);
    assert_int_equal(mark, 0);
    zj_store_close(other);

    u.pause = -1;
    zj_put_counts c = {0};
    assert_int_equal(zj_writer_put_all(w, next_unit, &u, &c, &err), ZJ_OK);
    assert_int_equal(c.inserted, 45);
    zj_batch done = {.id = id, .status = "committed", .rows_read = 101, .inserted = 100,
                     .updated = 1, .rejected = 1};
    assert_int_equal(zj_store_batch_finish(f->s, &done, &err), ZJ_OK);
    assert_int_equal(zj_writer_finish(w, &err), ZJ_OK);
    assert_false(zj_writer_staged(w));                        /* in place now */
    zj_writer_close(w);
    assert_int_equal(zj_store_commit(f->s, &err), ZJ_OK);
    assert_int_equal(zj_store_bulk_load(f->s, false, &err), ZJ_OK);

    assert_int_equal(zj_store_open(f->path, &other, &err), ZJ_OK);
    assert_int_equal(count(other, "unit"), 100);
    assert_int_equal(store_count(other, "SELECT count(*) FROM sqlite_schema WHERE name LIKE 'zj_stage%'"), 0);
    assert_int_equal(store_count(other, "SELECT id FROM unit WHERE unit_code = 'U99'"), 100);
    assert_int_equal(store_count(other, "SELECT count(*) FROM unit WHERE unit_code = 'U3' AND"
                                        " name = '改名单位'"), 1);
    /* the replaced version names the table and the row it will have, not the stage */
    assert_int_equal(store_count(other, "SELECT count(*) FROM record_version WHERE"
                                        " table_name = 'unit' AND record_id = 4"), 1);
    assert_int_equal(count(other, "import_reject"), 1);
    assert_int_equal(store_count(other, "SELECT count(*) FROM import_batch WHERE status = 'committed'"),
                     1);
    assert_int_equal(zj_store_batch_mark(other, &mark, &err), ZJ_OK);
    assert_int_equal(mark, id);
    assert_int_equal(unit_indexes(f->path), 0);
    int64_t pending = 0;
    assert_int_equal(zj_store_pending_indexes(other, &pending, &err), ZJ_OK);
    assert_int_equal(pending, 2);
    int64_t built = 0;
    assert_int_equal(zj_store_build_indexes_on(other, "unit", &built, &err), ZJ_OK);
    assert_int_equal(built, 2);
    zj_store_close(other);
    /* the next batch of the same system finds its keys through the rebuilt index */
    const char *rows[] = {"U5", "单位5", "U200", "新单位"};
    char got[48];
    batch(f->s, "sysS", rows, 2, got);
    assert_string_equal(got, "1/0/1");
}

/* A rollback removes everything a staged load committed on its way. */
static void test_staged_load_rolled_back(void **state)
{
    store_fixture *f = *state;
    zj_error err = {0};
    units u;
    int64_t id;
    zj_writer *w = stage_55(f, &u, &id);
    zj_writer_close(w);
    assert_int_equal(zj_store_rollback(f->s, &err), ZJ_OK);
    assert_int_equal(count(f->s, "unit"), 0);
    assert_int_equal(count(f->s, "import_batch"), 0);
    assert_int_equal(count(f->s, "import_reject"), 0);
    assert_int_equal(count(f->s, "record_version"), 0);
    assert_int_equal(store_count(f->s, "SELECT count(*) FROM sqlite_schema WHERE name LIKE 'zj_stage%'"), 0);
    assert_int_equal(unit_indexes(f->path), 2);
    assert_int_equal(zj_store_bulk_load(f->s, false, &err), ZJ_OK);
}

/* Rows that reach the empty table from elsewhere while a load is staged: the load cannot take
 * the table's place; it says so (busy: write it again) and a rollback leaves nothing. */
static void test_staged_load_refused(void **state)
{
    store_fixture *f = *state;
    zj_error err = {0};
    units u;
    int64_t id;
    zj_writer *w = stage_55(f, &u, &id);
    assert_int_equal(zj_store_exec(f->s, "INSERT INTO unit (source_system, source_key, key_hash,"
                                         " batch_id, src_line, content_hash, unit_code, name)"
                                         " VALUES ('other', 'K', 1, 1, 2, 3, 'K', '另一单位')",
                                   &err), ZJ_OK);
    u.pause = -1;
    zj_put_counts c = {0};
    assert_int_equal(zj_writer_put_all(w, next_unit, &u, &c, &err), ZJ_OK);
    assert_int_equal(zj_writer_finish(w, &err), ZJ_EDATA);
    assert_int_equal(zj_error_kind(&err), ZJ_ERR_BUSY);
    assert_non_null(strstr(err.msg, "'unit'"));
    assert_true(zj_writer_staged(w));
    zj_writer_close(w);
    assert_int_equal(zj_store_rollback(f->s, &err), ZJ_OK);
    /* the other writer's row stays (a commit of the load took it along, as another
     * connection's own commit would have), the load's are gone */
    assert_int_equal(count(f->s, "unit"), 1);
    assert_int_equal(store_count(f->s, "SELECT count(*) FROM unit WHERE source_system = 'other'"), 1);
    assert_int_equal(count(f->s, "import_batch"), 0);
    assert_int_equal(store_count(f->s, "SELECT count(*) FROM sqlite_schema WHERE name LIKE 'zj_stage%'"), 0);
    assert_int_equal(zj_store_bulk_load(f->s, false, &err), ZJ_OK);
}

static int note_cleared(int64_t batch, const char *file, void *ctx)
{
    snprintf(ctx, 64, "%lld %s", (long long)batch, file);
    return 0;
}

/* A process that stops in the middle of a staged load leaves its commits behind; they are
 * cleared once no process holds the load, never while one does. */
static void test_stopped_load_cleared(void **state)
{
    store_fixture *f = *state;
    zj_error err = {0};
    int ready[2], hold[2];
    assert_int_equal(pipe(ready), 0);
    assert_int_equal(pipe(hold), 0);
    pid_t child = fork();
    assert_true(child >= 0);
    if (child == 0) {                      /* a load that never ends */
        zj_store *s = NULL;
        store_fixture mine = *f;
        if (zj_store_open(f->path, &s, &err))
            _exit(2);
        mine.s = s;
        units u;
        int64_t id;
        stage_55(&mine, &u, &id);
        if (write(ready[1], "x", 1) != 1)
            _exit(3);
        char c;
        if (read(hold[0], &c, 1) < 0)
            _exit(4);
        _exit(0);
    }
    close(ready[1]);                       /* a child that fails gives an end of file */
    close(hold[0]);
    char c;
    assert_int_equal(read(ready[0], &c, 1), 1);
    int64_t cleared = -1;
    char said[64] = "";
    assert_int_equal(zj_store_clear_stopped_loads(f->s, note_cleared, said, &cleared, &err), ZJ_OK);
    assert_int_equal(cleared, 0);                  /* under way */
    assert_int_equal(store_count(f->s, "SELECT count(*) FROM zj_stage_1"), 49);
    kill(child, SIGKILL);
    int status;
    assert_int_equal(waitpid(child, &status, 0), child);
    assert_int_equal(zj_store_clear_stopped_loads(f->s, note_cleared, said, &cleared, &err), ZJ_OK);
    assert_int_equal(cleared, 1);
    assert_string_equal(said, "1 units.csv");
    assert_int_equal(count(f->s, "import_batch"), 0);
    assert_int_equal(count(f->s, "import_reject"), 0);
    assert_int_equal(count(f->s, "record_version"), 0);
    assert_int_equal(store_count(f->s, "SELECT count(*) FROM sqlite_schema WHERE name LIKE 'zj_stage%'"), 0);
    close(ready[0]);
    close(hold[1]);
}

/* A run that reads batches in order stops below the oldest batch still running. */
static void test_batch_mark(void **state)
{
    store_fixture *f = *state;
    zj_error err = {0};
    assert_int_equal(zj_store_exec(f->s, "INSERT INTO import_batch (id, source_system, table_name,"
                                         " file, file_digest, started_at, status) VALUES"
                                         " (1, 's', 'unit', 'a', 'd', 't', 'committed'),"
                                         " (2, 's', 'unit', 'b', 'd', 't', 'running'),"
                                         " (3, 's', 'unit', 'c', 'd', 't', 'committed')", &err),
                     ZJ_OK);
    int64_t mark = -1;
    assert_int_equal(zj_store_batch_mark(f->s, &mark, &err), ZJ_OK);
    assert_int_equal(mark, 1);
    assert_int_equal(zj_store_exec(f->s, "UPDATE import_batch SET status = 'committed'"
                                         " WHERE id = 2", &err), ZJ_OK);
    assert_int_equal(zj_store_batch_mark(f->s, &mark, &err), ZJ_OK);
    assert_int_equal(mark, 3);
}

static void test_read_indexes(void **state)
{
    store_fixture *f = *state;
    char p[2048];
    plan(f->s, "SELECT l.id, l.unit_code FROM lead l ORDER BY l.severity DESC, l.code, l.id", p,
         sizeof p);
    if (!strstr(p, "COVERING INDEX lead_list") || strstr(p, "TEMP B-TREE"))
        fail_msg("lead list keys: %s", p);
    plan(f->s, "SELECT l.id, l.unit_code FROM lead l WHERE l.status = 'new' ORDER BY l.severity"
               " DESC, l.code, l.id", p, sizeof p);
    if (!strstr(p, "COVERING INDEX lead_list") || strstr(p, "TEMP B-TREE"))
        fail_msg("lead list keys by status: %s", p);
    plan(f->s, "SELECT measure, code, value FROM lead_rate WHERE dimension = 'agency'", p, sizeof p);
    if (!strstr(p, "INDEX lead_rate_dimension"))
        fail_msg("statistics by dimension: %s", p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_keyset_collisions),
        cmocka_unit_test(test_migrations_ascend),
        cmocka_unit_test(test_busy_kind),
        cmocka_unit_test_setup_teardown(test_read_indexes, store_setup, store_teardown),
        cmocka_unit_test_setup_teardown(test_bulk_then_incremental, store_setup, store_teardown),
        cmocka_unit_test_setup_teardown(test_deferred_checkpoints, store_setup, store_teardown),
        cmocka_unit_test_setup_teardown(test_bulk_load_checkpoints_on_thread, store_setup,
                                        store_teardown),
        cmocka_unit_test_setup_teardown(test_rollback_restores_indexes, store_setup, store_teardown),
        cmocka_unit_test_setup_teardown(test_staged_load, store_setup, store_teardown),
        cmocka_unit_test_setup_teardown(test_staged_load_rolled_back, store_setup, store_teardown),
        cmocka_unit_test_setup_teardown(test_staged_load_refused, store_setup, store_teardown),
        cmocka_unit_test_setup_teardown(test_stopped_load_cleared, store_setup, store_teardown),
        cmocka_unit_test_setup_teardown(test_batch_mark, store_setup, store_teardown),
        cmocka_unit_test_setup_teardown(test_put_all_bulk, store_setup, store_teardown),
        cmocka_unit_test_setup_teardown(test_put_all_ahead, store_setup, store_teardown),
        cmocka_unit_test_setup_teardown(test_writer_rejects_bad_columns, store_setup, store_teardown),
        cmocka_unit_test_setup_teardown(test_insert_all, store_setup, store_teardown),
        cmocka_unit_test_setup_teardown(test_create_indexes, store_setup, store_teardown),
        cmocka_unit_test(test_missed_migration_applied),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
