/* store_sqlite.c - the SQLite backend of the store interface (store.h).
 *
 * Opened in WAL mode with foreign keys on and a busy timeout, so readers (the web app, status)
 * never block an import. Schema introspection (PRAGMA table_info) turns the migrated tables
 * into zj_table descriptions once at open; the provenance columns are hidden from them.
 *
 * Writing a record first looks for its natural key through key_hash (an integer index; see
 * migrations.c) and compares the stored source_system and source_key text of each row with
 * that hash. Not found: insert. Found with the same content_hash: a re-import, nothing to do.
 * Found with another hash: the record changed, so the old row is copied into record_version
 * (as a JSON object, via SQLite's json_object) and updated in place, keeping its id - ids
 * stay stable for everything that refers to them.
 *
 * Bulk loads. Inserting millions of rows one by one into a table's indexes costs a B-tree
 * descent per index per row; building an index afterwards sorts once and writes it bottom
 * up, several times faster. So when a writer starts on a table that holds no rows from its
 * source system yet (the first load of an export - the big one), it needs no key lookups:
 * it remembers keys it wrote in an in-memory keyset (keyset.h, ~32 bytes a row) to catch
 * repeats within the file, and, when the batch is at least as large as the table, drops the
 * table's indexes inside the batch's transaction (bulk_begin). If anything fails the
 * transaction rolls back, indexes included.
 *
 * The dropped indexes are not rebuilt at the end of the load. The key index is needed only by
 * the next batch from the same system into the same table (ensure_key_index builds it
 * then); the others serve analysis (joins by case number, officer number ...). A province
 * loads fifteen exports, several into the same tables; rebuilding indexes after each file
 * would sort the same rows again and again. So a bulk load records them in
 * store_pending_index, and zj_store_build_indexes() builds them once, when analysis starts
 * (`zhijian link`, `zhijian detect`, `zhijian init`).
 *
 * A bulk load's rows go in through one statement, INSERT INTO t (...) SELECT ... FROM zj_feed,
 * where zj_feed is a virtual table whose rows are the writer's records (zj_writer_put_all).
 * SQLite then loops over the records inside one VDBE program: a statement per row would
 * pay for binding, starting and halting the statement, opening the table's cursor and
 * finding the table's last row every time. The keyset learns each record's id before the
 * row is written: SQLite gives a new row the table's max(id) + 1 (an explicit id would cost
 * a B-tree search per row; the writer checks the ids came out as counted). A record whose
 * key hash is in the keyset already (a repeat within the file) ends the statement; the
 * writer puts it the ordinary way and starts the statement again.
 *
 * The keyset costs a random access into memory of the batch's size per record (a cache and
 * TLB miss: a tenth of the writing thread's time on the 5M-row benchmark). An import makes
 * its records on a second thread, which has time to spare, so it may ask the keyset there
 * (zj_writer_ahead): that thread counts the ids the new records will get, keeps the batch's
 * keys to compare them exactly, and marks each record new or the repeat of row N; the writing
 * thread then only inserts the new ones and updates row N for the others (put_repeat).
 *
 * The log. The store stays in WAL mode through loads, so readers are never blocked; the cost
 * is that every page is written twice, to the log and then, at a checkpoint, into the
 * database. During a bulk load (zj_store_bulk_load) the loading connection does not
 * checkpoint: a thread with a connection of its own (checkpointer) copies each commit while
 * the next file loads. And a batch's import_batch row, written at its start and end, is held
 * by a statement in between (pin_batch): a page written to the log early and again later
 * makes the commit read the whole log back to recompute checksums. A large first load into
 * an empty table is staged (see "staged loads" below): committed in parts into a table of its
 * own that takes the empty one's place at the end, so the log is reused instead of growing
 * by the whole file.
 */
#include "store/store.h"

#include <errno.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <strings.h>
#include <time.h>

#include <xxhash.h>

#include "base/buf.h"
#include "base/parallel.h"
#include "store/keyset.h"
#include "store/migrations.h"

#define STMT_KEEP 32

struct zj_store {
    sqlite3 *db;
    zj_table *tables;       /* canonical tables; names and columns owned here */
    size_t ntables;
    int in_tx;
    zj_writer *feeding;     /* the writer whose records zj_feed yields, during put_all */
    struct row_feed *rows;  /* the rows zj_rows yields, during zj_store_insert_all */
    zj_store_hook hooks[ZJ_STORE_MAX_HOOKS];   /* commit hooks, in order of `order` */
    void *hook_ctx[ZJ_STORE_MAX_HOOKS];
    size_t nhooks;
    /* Statements finalized by their user, reset and kept for the next prepare of the same
     * SQL text (zj_stmt_prepare): a request that reads a page of leads prepares the same few
     * statements each time, and preparing (parsing, planning) was most of its cost. */
    sqlite3_stmt *kept[STMT_KEEP];
    size_t nkept;
    int64_t log_frames;     /* frames in the log after this connection's last commit (-1: not
                             * counted: zj_store_defer_checkpoints was not called) */
    sqlite3_stmt *batch_pin; /* while a batch runs: a read of its import_batch row (batch_start) */
    struct checkpointer *ckpt;   /* during a bulk load: copies each commit into the database */
    int open_writers;       /* writers open on this connection */
    /* staged loads (zj_store_stage_loads) */
    int64_t stage_min_rows, stage_chunk_rows;
    int64_t stage_batch;    /* the batch of the staged load under way, or 0 */
    bool stage_committed;   /* ... which committed part of itself (a rollback must undo it) */
    int loads_fd;           /* "<store>-loads", whose byte <batch> a staged load locks; -1 */
};

struct zj_writer {
    zj_store *s;
    const zj_table *table;
    size_t ncols;
    zj_type *types;          /* type of each bound column */
    char *source_system;
    int64_t batch_id;
    int64_t seed;            /* key_hash seed: hash of source_system */
    sqlite3_stmt *insert;    /* INSERT */
    sqlite3_stmt *lookup;    /* SELECT id, source_system, source_key, content_hash WHERE key_hash */
    sqlite3_stmt *archive;   /* INSERT INTO record_version SELECT ... */
    sqlite3_stmt *update;    /* UPDATE ... WHERE id = ? */
    /* bulk mode only: */
    bool bulk;
    sqlite3_stmt *by_id;     /* SELECT source_key, content_hash WHERE id = ? */
    zj_keyset keys;
    sqlite3_stmt *feed_insert;   /* INSERT INTO t (...) SELECT ... FROM zj_feed */
    int64_t next_id;         /* id of the next row inserted */
    int64_t last_id;         /* id of the row zj_writer_put wrote or found last */
    zj_record_source next;   /* put_all's source, */
    void *next_ctx;          /* its context, */
    zj_record cur;           /* the record it gave last, */
    int64_t cur_id;          /* that record's id and key hash */
    int64_t cur_hash;
    bool feed_eof;           /* zj_feed has no more rows for this statement: */
    bool pending;            /* ... because `cur` repeats a key hash and waits to be put */
    int64_t saved_cache;     /* bulk mode: the connection's cache_size, restored at close */
    bool cache_shrunk;
    /* repeats found ahead (zj_writer_ahead): `keys` then belongs to the thread that calls
     * it, and the writing thread never touches it */
    bool ahead;
    int64_t ahead_base;      /* the id of the batch's first new record */
    int64_t ahead_next;      /* the id the next new record gets, as zj_writer_ahead counts */
    char *akeys;             /* the batch's keys back to back: the one of id ahead_base + i */
    size_t akeys_len, akeys_cap;
    uint64_t *aoff;          /* ... from akeys + aoff[i] to akeys + aoff[i + 1] */
    size_t naoff, aoff_cap;
    /* a staged load: rows go into the stage `into` (else `into` is the table), committed
     * every stage_chunk_rows rows */
    char into[96];
    bool staged;
    bool chunk_break;        /* zj_feed ended its statement for a commit */
    int64_t chunk_rows;      /* records fed since the last one */
    char **index_sql;        /* indexes dropped by a bulk load: CREATE statements ... */
    char **index_name;       /* ... and names */
    size_t nindex;
};

static const char *const provenance_columns[] = {
    "id", "source_system", "source_key", "key_hash", "batch_id", "src_line", "content_hash",
};
/* A table is canonical when it carries every provenance column: the store tells canonical
 * records from the tables of the layers above (entity, lead, app_user ...) by their shape, so
 * a layer that adds a table of its own need not register it here. */
#define NPROVENANCE (sizeof provenance_columns / sizeof provenance_columns[0])

const char *zj_type_name(zj_type t)
{
    switch (t) {
    case ZJ_TYPE_TEXT: return "text";
    case ZJ_TYPE_INTEGER: return "integer";
    case ZJ_TYPE_REAL: return "real";
    case ZJ_TYPE_DATE: return "date";
    case ZJ_TYPE_TIMESTAMP: return "timestamp";
    case ZJ_TYPE_BOOL: return "bool";
    }
    return "?";
}

/* The page cache of a bulk load's writer (see bulk_begin): 16 MiB. */
#define BULK_CACHE_KIB 16384

/* Staged loads (see "staged loads" below). */
#define STAGE_PREFIX "zj_stage_"
#define STAGE_PREFIX_LEN "9"          /* strlen, for SQL */
#define STAGE_MIN_ROWS 200000      /* below this a file is one transaction: little to gain */
#define STAGE_CHUNK_ROWS 65536     /* ~15 MB of court cases a commit */
#define STAGE_LOG_FRAMES 1024      /* 64 MiB of 64 KiB pages */

/* The page cache a connection starts with: 256 MiB. */
#define DEFAULT_CACHE_MIB 256
#define DEFAULT_CACHE_KIB "262144"

/* What to add to a message when the error was another connection's lock outlasting the busy
 * timeout (BUSY_TIMEOUT_MS below). */
static const char *busy_hint(zj_store *s)
{
    return (sqlite3_errcode(s->db) & 0xFF) == SQLITE_BUSY
               ? " (another zhijian command has been writing to the store for over an hour; "
                 "try again when it is done)"
               : "";
}

/* ZJ_ERR_BUSY when the last error was another connection's lock, else ZJ_ERR_FAILED. */
static zj_errkind db_kind(zj_store *s)
{
    int e = sqlite3_errcode(s->db) & 0xFF;
    return e == SQLITE_BUSY || e == SQLITE_LOCKED ? ZJ_ERR_BUSY : ZJ_ERR_FAILED;
}

static int db_fail(zj_store *s, zj_error *err, const char *what)
{
    zj_fail(err, ZJ_EDATA, "store: %s: %s%s", what, sqlite3_errmsg(s->db), busy_hint(s));
    return zj_error_mark(err, db_kind(s), NULL);
}

static int exec(zj_store *s, const char *sql, zj_error *err)
{
    char *msg = NULL;
    if (sqlite3_exec(s->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
        zj_fail(err, ZJ_EDATA, "store: %s%s", msg ? msg : sqlite3_errmsg(s->db), busy_hint(s));
        zj_error_mark(err, db_kind(s), NULL);
        sqlite3_free(msg);
        return ZJ_EDATA;
    }
    return ZJ_OK;
}

static void utc_now(char out[20])
{
    time_t t = time(NULL);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(out, 20, "%Y-%m-%d %H:%M:%S", &tm);
}

/* ---- opening and migrations -------------------------------------------------------------- */

static int current_version(zj_store *s, int *version, zj_error *err)
{
    int rc = exec(s, "CREATE TABLE IF NOT EXISTS schema_migration ("
                     " version INTEGER PRIMARY KEY, name TEXT NOT NULL,"
                     " applied_at TIMESTAMP NOT NULL)", err);
    if (rc)
        return rc;
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(s->db, "SELECT coalesce(max(version), 0) FROM schema_migration",
                           -1, &st, NULL) != SQLITE_OK)
        return db_fail(s, err, "reading schema version");
    sqlite3_step(st);
    *version = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    return ZJ_OK;
}

/* Whether migration `version` is recorded as applied. */
static int applied(zj_store *s, int version, bool *yes, zj_error *err)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(s->db, "SELECT 1 FROM schema_migration WHERE version = ?", -1, &st,
                           NULL) != SQLITE_OK)
        return db_fail(s, err, "reading schema version");
    sqlite3_bind_int(st, 1, version);
    *yes = sqlite3_step(st) == SQLITE_ROW;
    sqlite3_finalize(st);
    return ZJ_OK;
}

/* Apply every migration not recorded yet, in ascending order. Not only those above the
 * store's highest: branches are given numbers ahead of time and merged in any order, so a
 * store made after migration 19 may still lack 14. */
static int migrate(zj_store *s, zj_error *err)
{
    int version = 0, rc;
    if ((rc = current_version(s, &version, err)))
        return rc;
    size_t n;
    const zj_migration *m = zj_migrations(&n);
    if (version > m[n - 1].version)
        return zj_fail(err, ZJ_EDATA,
                       "store is at schema version %d, newer than this zhijian (%d); upgrade zhijian",
                       version, m[n - 1].version);
    for (size_t i = 0; i < n; i++) {
        bool done = false;
        if ((rc = applied(s, m[i].version, &done, err)))
            return rc;
        if (done)
            continue;
        if ((rc = exec(s, "BEGIN IMMEDIATE", err)))
            return rc;
        /* Another process may have applied it while this one waited for the write lock. */
        if ((rc = applied(s, m[i].version, &done, err)) || done) {
            exec(s, "ROLLBACK", NULL);
            if (rc)
                return rc;
            continue;
        }
        if ((rc = exec(s, m[i].sql, err))) {
            zj_error_prefix(err, "migration %d (%s): ", m[i].version, m[i].name);
            exec(s, "ROLLBACK", NULL);
            return rc;
        }
        sqlite3_stmt *st;
        char now[20];
        utc_now(now);
        if (sqlite3_prepare_v2(s->db, "INSERT INTO schema_migration VALUES (?, ?, ?)", -1, &st,
                               NULL) != SQLITE_OK) {
            exec(s, "ROLLBACK", NULL);
            return db_fail(s, err, "recording migration");
        }
        sqlite3_bind_int(st, 1, m[i].version);
        sqlite3_bind_text(st, 2, m[i].name, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 3, now, -1, SQLITE_TRANSIENT);
        int step = sqlite3_step(st);
        sqlite3_finalize(st);
        if (step != SQLITE_DONE) {
            exec(s, "ROLLBACK", NULL);
            return db_fail(s, err, "recording migration");
        }
        if ((rc = exec(s, "COMMIT", err)))
            return rc;
    }
    return ZJ_OK;
}

static zj_type type_from_decl(const char *decl)
{
    if (!decl)
        return ZJ_TYPE_TEXT;
    if (strcasecmp(decl, "INTEGER") == 0)
        return ZJ_TYPE_INTEGER;
    if (strcasecmp(decl, "REAL") == 0)
        return ZJ_TYPE_REAL;
    if (strcasecmp(decl, "DATE") == 0)
        return ZJ_TYPE_DATE;
    if (strcasecmp(decl, "TIMESTAMP") == 0)
        return ZJ_TYPE_TIMESTAMP;
    if (strcasecmp(decl, "BOOLEAN") == 0)
        return ZJ_TYPE_BOOL;
    return ZJ_TYPE_TEXT;
}

static int is_listed(const char *name, const char *const *list, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(name, list[i]) == 0)
            return 1;
    return 0;
}
#define LISTED(name, arr) is_listed(name, arr, sizeof arr / sizeof arr[0])

/* True when the schema has a table `name` (canonical or of a layer above): the check before
 * a table name, which cannot be a bound parameter, is put into SQL text. */
static bool table_exists(zj_store *s, const char *name)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(s->db, "SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = ?",
                           -1, &st, NULL) != SQLITE_OK)
        return false;
    sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
    bool yes = sqlite3_step(st) == SQLITE_ROW;
    sqlite3_finalize(st);
    return yes && strncmp(name, "sqlite_", 7) != 0;
}

static void free_tables(zj_store *s)
{
    for (size_t i = 0; i < s->ntables; i++) {
        for (size_t j = 0; j < s->tables[i].ncolumns; j++)
            free((char *)s->tables[i].columns[j].name);
        free((zj_column *)s->tables[i].columns);
        free((char *)s->tables[i].name);
    }
    free(s->tables);
    s->tables = NULL;
    s->ntables = 0;
}

/* Read the canonical tables' columns from the schema (in creation order). */
static int load_tables(zj_store *s, zj_error *err)
{
    sqlite3_stmt *lt, *ci;
    if (sqlite3_prepare_v2(s->db, "SELECT name FROM sqlite_schema WHERE type = 'table' "
                           "ORDER BY rowid", -1, &lt, NULL) != SQLITE_OK)
        return db_fail(s, err, "listing tables");
    if (sqlite3_prepare_v2(s->db, "SELECT name, type, \"notnull\" FROM pragma_table_info(?)",
                           -1, &ci, NULL) != SQLITE_OK) {
        sqlite3_finalize(lt);
        return db_fail(s, err, "reading columns");
    }
    int rc = ZJ_OK;
    while (sqlite3_step(lt) == SQLITE_ROW) {
        const char *tname = (const char *)sqlite3_column_text(lt, 0);
        if (strncmp(tname, "sqlite_", 7) == 0 || strcmp(tname, "schema_migration") == 0 ||
            strncmp(tname, STAGE_PREFIX, strlen(STAGE_PREFIX)) == 0)   /* a load's, not yet a table */
            continue;
        zj_table *grown = realloc(s->tables, (s->ntables + 1) * sizeof *grown);
        if (!grown) {
            rc = zj_fail(err, ZJ_EDATA, "out of memory");
            break;
        }
        s->tables = grown;
        zj_table *t = &s->tables[s->ntables++];
        memset(t, 0, sizeof *t);
        t->name = strdup(tname);
        zj_column *owned = NULL;
        sqlite3_bind_text(ci, 1, tname, -1, SQLITE_TRANSIENT);
        size_t nprov = 0;
        while (sqlite3_step(ci) == SQLITE_ROW) {
            const char *cname = (const char *)sqlite3_column_text(ci, 0);
            if (LISTED(cname, provenance_columns)) {
                nprov++;
                continue;
            }
            zj_column *cols = realloc(owned, (t->ncolumns + 1) * sizeof *cols);
            if (!cols) {
                rc = zj_fail(err, ZJ_EDATA, "out of memory");
                break;
            }
            owned = cols;
            t->columns = owned;
            zj_column *c = &owned[t->ncolumns++];
            c->name = strdup(cname);
            c->type = type_from_decl((const char *)sqlite3_column_text(ci, 1));
            c->required = sqlite3_column_int(ci, 2) != 0;
        }
        sqlite3_reset(ci);
        if (rc)
            break;
        if (nprov < NPROVENANCE) {        /* not a canonical table: forget it again */
            for (size_t j = 0; j < t->ncolumns; j++)
                free((char *)t->columns[j].name);
            free(owned);
            free((char *)t->name);
            s->ntables--;
        }
    }
    sqlite3_finalize(lt);
    sqlite3_finalize(ci);
    return rc;
}

/* ---- zj_feed: a writer's records as a virtual table ------------------------------------- *
 * Eponymous (used by name, never created) and direct-only (not from views or triggers). Its
 * columns are c0 ... c127: c0 the id the row will get, c1 source_key, c2 key_hash, c3 src_line, c4
 * content_hash, then the writer's columns. It yields rows only while zj_writer_put_all runs
 * its statement (zj_store.feeding); any other use is an error. */

#define FEED_FIXED 5           /* id, source_key, key_hash, src_line, content_hash */
#define FEED_COLUMNS 128

typedef struct feed_vtab {
    sqlite3_vtab base;
    zj_store *s;
} feed_vtab;

/* A scan of zj_feed or zj_rows: what it reads, taken from the store when the scan began (the
 * feeding writer, or zj_store_insert_all's rows). */
typedef struct feed_cursor {
    sqlite3_vtab_cursor base;
    void *src;
} feed_cursor;

static int feed_connect(sqlite3 *db, void *aux, int argc, const char *const *argv,
                        sqlite3_vtab **out, char **errmsg)
{
    (void)argc, (void)argv, (void)errmsg;
    char sql[FEED_COLUMNS * 6 + 32];
    int n = snprintf(sql, sizeof sql, "CREATE TABLE x(c0");
    for (int i = 1; i < FEED_COLUMNS; i++)
        n += snprintf(sql + n, sizeof sql - (size_t)n, ",c%d", i);
    snprintf(sql + n, sizeof sql - (size_t)n, ")");
    int rc = sqlite3_declare_vtab(db, sql);
    if (rc != SQLITE_OK)
        return rc;
    sqlite3_vtab_config(db, SQLITE_VTAB_DIRECTONLY);
    feed_vtab *vt = sqlite3_malloc(sizeof *vt);
    if (!vt)
        return SQLITE_NOMEM;
    memset(vt, 0, sizeof *vt);
    vt->s = aux;
    *out = &vt->base;
    return SQLITE_OK;
}

static int feed_disconnect(sqlite3_vtab *vt)
{
    sqlite3_free(vt);
    return SQLITE_OK;
}

static int feed_best_index(sqlite3_vtab *vt, sqlite3_index_info *info)
{
    (void)vt;
    info->estimatedCost = 1e9;        /* a full scan is the only way, and it is used once */
    return SQLITE_OK;
}

static int feed_open(sqlite3_vtab *vt, sqlite3_vtab_cursor **out)
{
    (void)vt;
    feed_cursor *c = sqlite3_malloc(sizeof *c);
    if (!c)
        return SQLITE_NOMEM;
    memset(c, 0, sizeof *c);
    *out = &c->base;
    return SQLITE_OK;
}

static int feed_close(sqlite3_vtab_cursor *cur)
{
    sqlite3_free(cur);
    return SQLITE_OK;
}

/* Take the next record from the writer's source. A new key hash gets the next id and goes
 * into the keyset now; a known one ends the feed with the record pending. */
static int feed_pull(zj_writer *w)
{
    if (w->staged && w->chunk_rows++ >= w->s->stage_chunk_rows) {   /* time to commit */
        w->chunk_break = w->feed_eof = true;
        return SQLITE_OK;
    }
    if (!w->next(w->next_ctx, &w->cur)) {
        w->feed_eof = true;
        return SQLITE_OK;
    }
    w->cur_hash = w->cur.key_hash ? w->cur.key_hash
                                  : zj_writer_key_hash(w, w->cur.key, w->cur.key_len);
    if (w->ahead) {                     /* the keyset was asked on the other thread */
        if (w->cur.repeat_of) {
            w->pending = w->feed_eof = true;
            return SQLITE_OK;
        }
        w->cur_id = w->next_id++;
        return SQLITE_OK;
    }
    if (w->cur.next_key_hash)
        zj_keyset_prefetch(&w->keys, (uint64_t)w->cur.next_key_hash);
    size_t pos = 0;
    int64_t rowid;
    if (zj_keyset_next(&w->keys, (uint64_t)w->cur_hash, &pos, &rowid)) {
        w->pending = w->feed_eof = true;
        return SQLITE_OK;
    }
    if (zj_keyset_add(&w->keys, (uint64_t)w->cur_hash, w->next_id))
        return SQLITE_NOMEM;
    w->cur_id = w->next_id++;
    return SQLITE_OK;
}

static int feed_filter(sqlite3_vtab_cursor *cur, int idx, const char *idx_str, int argc,
                       sqlite3_value **argv)
{
    (void)idx, (void)idx_str, (void)argc, (void)argv;
    zj_writer *w = ((feed_cursor *)cur)->src = ((feed_vtab *)cur->pVtab)->s->feeding;
    if (!w) {
        cur->pVtab->zErrMsg = sqlite3_mprintf("zj_feed is read only by the store's writer");
        return SQLITE_ERROR;
    }
    return feed_pull(w);
}

static int feed_next(sqlite3_vtab_cursor *cur)
{
    return feed_pull(((feed_cursor *)cur)->src);
}

static int feed_eof(sqlite3_vtab_cursor *cur)
{
    return ((const zj_writer *)((feed_cursor *)cur)->src)->feed_eof;
}

/* A typed value as a column's result. SQLITE_STATIC: the source keeps the bytes until its
 * next call, and SQLite has written this row before it asks for the next one. */
static void result_value(sqlite3_context *ctx, const zj_value *v, zj_type type)
{
    if (v->is_null)
        sqlite3_result_null(ctx);
    else if (type == ZJ_TYPE_INTEGER || type == ZJ_TYPE_BOOL)
        sqlite3_result_int64(ctx, v->i);
    else if (type == ZJ_TYPE_REAL)
        sqlite3_result_double(ctx, v->r);
    else
        sqlite3_result_text(ctx, v->text, (int)v->len, SQLITE_STATIC);
}

static int feed_column(sqlite3_vtab_cursor *cur, sqlite3_context *ctx, int col)
{
    const zj_writer *w = ((feed_cursor *)cur)->src;
    switch (col) {
    case 0: sqlite3_result_int64(ctx, w->cur_id); return SQLITE_OK;
    case 1: sqlite3_result_text(ctx, w->cur.key, (int)w->cur.key_len, SQLITE_STATIC); return SQLITE_OK;
    case 2: sqlite3_result_int64(ctx, w->cur_hash); return SQLITE_OK;
    case 3: sqlite3_result_int64(ctx, w->cur.src_line); return SQLITE_OK;
    case 4: sqlite3_result_int64(ctx, w->cur.content_hash); return SQLITE_OK;
    }
    size_t i = (size_t)col - FEED_FIXED;
    if (i < w->ncols)
        result_value(ctx, &w->cur.values[i], w->types[i]);
    else
        sqlite3_result_null(ctx);
    return SQLITE_OK;
}

static int feed_rowid(sqlite3_vtab_cursor *cur, sqlite3_int64 *rowid)
{
    *rowid = ((const zj_writer *)((feed_cursor *)cur)->src)->cur_id;
    return SQLITE_OK;
}

static const sqlite3_module feed_module = {
    .iVersion = 0,
    .xCreate = NULL,            /* eponymous only */
    .xConnect = feed_connect,
    .xBestIndex = feed_best_index,
    .xDisconnect = feed_disconnect,
    .xDestroy = feed_disconnect,
    .xOpen = feed_open,
    .xClose = feed_close,
    .xFilter = feed_filter,
    .xNext = feed_next,
    .xEof = feed_eof,
    .xColumn = feed_column,
    .xRowid = feed_rowid,
};
/* ---- zj_rows: rows of zj_store_insert_all as a virtual table ------------------------------ *
 * Declared and scanned like zj_feed (the same connect, open and cursor: eponymous, direct-only,
 * columns c0 ... c127), but over any row source: its rows are those zj_store_insert_all's
 * caller gives, and it yields nothing at any other time. */

typedef struct row_feed {
    zj_row_source next;
    void *ctx;
    zj_value *values;
    const zj_type *types;
    size_t ncols;
    bool eof, failed;
    int64_t rows;
} row_feed;

static int rows_pull(row_feed *f)
{
    int r = f->next(f->ctx, f->values);
    if (r == 1) {
        f->rows++;
        return SQLITE_OK;
    }
    f->eof = true;
    if (r < 0) {
        f->failed = true;
        return SQLITE_ERROR;
    }
    return SQLITE_OK;
}

static int rows_filter(sqlite3_vtab_cursor *cur, int idx, const char *idx_str, int argc,
                       sqlite3_value **argv)
{
    (void)idx, (void)idx_str, (void)argc, (void)argv;
    row_feed *f = ((feed_cursor *)cur)->src = ((feed_vtab *)cur->pVtab)->s->rows;
    if (!f) {
        cur->pVtab->zErrMsg = sqlite3_mprintf("zj_rows is read only by zj_store_insert_all");
        return SQLITE_ERROR;
    }
    return rows_pull(f);
}

static int rows_next(sqlite3_vtab_cursor *cur)
{
    return rows_pull(((feed_cursor *)cur)->src);
}

static int rows_eof(sqlite3_vtab_cursor *cur)
{
    return ((const row_feed *)((feed_cursor *)cur)->src)->eof;
}

static int rows_column(sqlite3_vtab_cursor *cur, sqlite3_context *ctx, int col)
{
    const row_feed *f = ((feed_cursor *)cur)->src;
    if ((size_t)col < f->ncols)
        result_value(ctx, &f->values[col], f->types[col]);
    else
        sqlite3_result_null(ctx);
    return SQLITE_OK;
}

static int rows_rowid(sqlite3_vtab_cursor *cur, sqlite3_int64 *rowid)
{
    *rowid = ((const row_feed *)((feed_cursor *)cur)->src)->rows;
    return SQLITE_OK;
}

static const sqlite3_module rows_module = {
    .iVersion = 0,
    .xCreate = NULL,            /* eponymous only */
    .xConnect = feed_connect,
    .xBestIndex = feed_best_index,
    .xDisconnect = feed_disconnect,
    .xDestroy = feed_disconnect,
    .xOpen = feed_open,
    .xClose = feed_close,
    .xFilter = rows_filter,
    .xNext = rows_next,
    .xEof = rows_eof,
    .xColumn = rows_column,
    .xRowid = rows_rowid,
};

/* The store holds whole unmasked rows (records, record_version, import_reject): it is readable
 * by its owner only. A new store file is created with mode 0600 (SQLite gives its -wal and
 * -shm files the mode of the database); an existing one of ours that others could read is
 * narrowed to 0600. A file we cannot create or change is left for sqlite3_open_v2 to report. */
static void owner_only(const char *path)
{
    if (!strcmp(path, ":memory:") || !*path)
        return;
    int fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd >= 0) {
        close(fd);
        return;
    }
    struct stat st;
    if (stat(path, &st) == 0 && S_ISREG(st.st_mode) && st.st_uid == geteuid() &&
        (st.st_mode & 077))
        chmod(path, st.st_mode & 0700);
}


/* How long a statement waits for another connection's lock before it gives up. In WAL mode
 * readers never wait for the writer; a writer waits for the one writer before it (a second
 * import, an import during `detect`): writers queue rather than fail, and an hour covers the
 * longest load of a province. */
#define BUSY_TIMEOUT_MS (3600 * 1000)

/* Open the store at `path` (creating it when `create`), set the connection up and migrate. */
static int store_open(const char *path, bool create, zj_store **out, zj_error *err)
{
    *out = NULL;
    if (!create && access(path, F_OK) != 0)
        return zj_fail(err, ZJ_EDATA, "no store at '%s': create it with 'zhijian init' (or give "
                       "the right one with --db or $ZHIJIAN_DB)", path);
    zj_store *s = calloc(1, sizeof *s);
    if (s) {
        s->log_frames = -1;
        s->loads_fd = -1;
        s->stage_min_rows = STAGE_MIN_ROWS;
        s->stage_chunk_rows = STAGE_CHUNK_ROWS;
    }
    if (!s)
        return zj_fail(err, ZJ_EDATA, "out of memory");
    owner_only(path);
    int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | (create ? SQLITE_OPEN_CREATE : 0);
    if (sqlite3_open_v2(path, &s->db, flags, NULL) != SQLITE_OK) {
        zj_fail(err, ZJ_EDATA, "cannot open store '%s': %s", path,
                s->db ? sqlite3_errmsg(s->db) : "out of memory");
        zj_store_close(s);
        return ZJ_EDATA;
    }
    sqlite3_busy_timeout(s->db, BUSY_TIMEOUT_MS);
    /* synchronous=NORMAL is durable across application crashes in WAL mode; a power loss may
     * lose the last transactions but never corrupts the store. */
    /* 64 KiB pages (set before WAL, so only a new store takes it): rows of canonical tables
     * are a few hundred bytes and loads are large. 16 KiB pages were ~15% faster bulk loads
     * than 4 KiB; 64 KiB ones are faster again in WAL mode, where every page is written to
     * the log, read back and written to the database at the checkpoint: a quarter of the
     * pwrite/pread calls, page faults and log frame headers (docs/benchmarks.md, issue 11). */
    /* Sorts (CREATE INDEX, big ORDER BY) may use a helper thread per core, and spill to temp
     * files rather than to memory: one index over 10M mentions took 14.1 s so against 18.4 s with
     * temp_store = MEMORY and one thread (sqlite3 on the large province, 2026-11-28). */
    int rc = exec(s, "PRAGMA page_size = 65536; PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;"
                     "PRAGMA foreign_keys = ON; PRAGMA cache_size = -" DEFAULT_CACHE_KIB, err);
    if (!rc) {
        char sql[48];
        snprintf(sql, sizeof sql, "PRAGMA threads = %d", zj_cores(4));
        rc = exec(s, sql, err);
    }
    if (!rc && sqlite3_create_module_v2(s->db, "zj_feed", &feed_module, s, NULL) != SQLITE_OK)
        rc = db_fail(s, err, "registering zj_feed");
    if (!rc && sqlite3_create_module_v2(s->db, "zj_rows", &rows_module, s, NULL) != SQLITE_OK)
        rc = db_fail(s, err, "registering zj_rows");
    if (!rc)
        rc = migrate(s, err);
    if (!rc)
        rc = load_tables(s, err);
    if (rc) {
        zj_error_prefix(err, "%s: ", path);
        zj_store_close(s);
        return rc;
    }
    *out = s;
    return ZJ_OK;
}

int zj_store_open(const char *path, zj_store **out, zj_error *err)
{
    return store_open(path, true, out, err);
}

int zj_store_open_existing(const char *path, zj_store **out, zj_error *err)
{
    return store_open(path, false, out, err);
}

static void unpin_batch(zj_store *s);
struct checkpointer;
static void checkpointer_wake(struct checkpointer *c);
static void checkpointer_stop(struct checkpointer *c);
static int pin_batch(zj_store *s, int64_t id, zj_error *err);
static void stage_end(zj_store *s, bool committed);

void zj_store_close(zj_store *s)
{
    if (!s)
        return;
    unpin_batch(s);
    if (s->in_tx)
        zj_store_rollback(s, NULL);
    checkpointer_stop(s->ckpt);
    if (s->loads_fd >= 0)
        close(s->loads_fd);
    for (size_t i = 0; i < s->nhooks; i++)
        if (s->hooks[i].free)
            s->hooks[i].free(s->hook_ctx[i]);
    free_tables(s);
    for (size_t i = 0; i < s->nkept; i++)
        sqlite3_finalize(s->kept[i]);
    sqlite3_close(s->db);
    free(s);
}

int zj_store_schema_version(zj_store *s)
{
    int v = 0;
    current_version(s, &v, NULL);
    return v;
}

int zj_store_latest_version(void)
{
    size_t n;
    const zj_migration *m = zj_migrations(&n);
    return m[n - 1].version;
}

const zj_table *zj_store_table(zj_store *s, const char *name)
{
    for (size_t i = 0; i < s->ntables; i++)
        if (strcmp(s->tables[i].name, name) == 0)
            return &s->tables[i];
    return NULL;
}

size_t zj_store_tables(zj_store *s, const zj_table **out)
{
    *out = s->tables;
    return s->ntables;
}

/* ---- transactions ----------------------------------------------------------------------- */

int zj_store_begin(zj_store *s, zj_error *err)
{
    int rc = exec(s, "BEGIN IMMEDIATE", err);
    if (!rc)
        s->in_tx = 1;
    return rc;
}

/* Tell every hook the transaction ended. */
static void hooks_end(zj_store *s, bool committed)
{
    for (size_t i = 0; i < s->nhooks; i++)
        if (s->hooks[i].end)
            s->hooks[i].end(s, s->hook_ctx[i], committed);
}

bool zj_store_snapshot_begin(zj_store *s)
{
    if (s->in_tx || !sqlite3_get_autocommit(s->db))
        return false;
    return sqlite3_exec(s->db, "BEGIN", NULL, NULL, NULL) == SQLITE_OK;
}

void zj_store_snapshot_end(zj_store *s, bool began)
{
    if (began && sqlite3_exec(s->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
        sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
}

int zj_store_commit(zj_store *s, zj_error *err)
{
    /* Hooks write inside the transaction; one added by an earlier hook (an audit entry's
     * first append) runs too, since nhooks is read on every round. */
    for (size_t i = 0; s->in_tx && i < s->nhooks; i++) {
        if (!s->hooks[i].before_commit)
            continue;
        int rc = s->hooks[i].before_commit(s, s->hook_ctx[i], err);
        if (rc)
            return rc;
    }
    unpin_batch(s);
    int rc = exec(s, "COMMIT", err);
    if (!rc) {
        checkpointer_wake(s->ckpt);
        stage_end(s, true);                /* the stage, if any, is in place now */
    }
    if (!rc && s->in_tx) {
        s->in_tx = 0;
        hooks_end(s, true);
    }
    return rc;
}

int zj_store_rollback(zj_store *s, zj_error *err)
{
    if (!s->in_tx)
        return ZJ_OK;
    s->in_tx = 0;
    unpin_batch(s);
    int rc = exec(s, "ROLLBACK", err);
    stage_end(s, false);
    hooks_end(s, false);
    return rc;
}

bool zj_store_in_transaction(zj_store *s)
{
    return s->in_tx != 0;
}

const char *zj_store_path(zj_store *s)
{
    const char *p = sqlite3_db_filename(s->db, "main");
    return p && *p ? p : NULL;
}

int zj_store_add_hook(zj_store *s, const zj_store_hook *h, void *ctx, zj_error *err)
{
    if (zj_store_hook_ctx(s, h->name))
        return zj_fail(err, ZJ_EUSAGE, "store: hook '%s' is already set", h->name);
    if (s->nhooks == ZJ_STORE_MAX_HOOKS)
        return zj_fail(err, ZJ_EUSAGE, "store: more than %d hooks", ZJ_STORE_MAX_HOOKS);
    size_t i = s->nhooks;
    while (i > 0 && s->hooks[i - 1].order > h->order) {
        s->hooks[i] = s->hooks[i - 1];
        s->hook_ctx[i] = s->hook_ctx[i - 1];
        i--;
    }
    s->hooks[i] = *h;
    s->hook_ctx[i] = ctx;
    s->nhooks++;
    return ZJ_OK;
}

void *zj_store_hook_ctx(zj_store *s, const char *name)
{
    for (size_t i = 0; i < s->nhooks; i++)
        if (strcmp(s->hooks[i].name, name) == 0)
            return s->hook_ctx[i];
    return NULL;
}

void zj_store_remove_hook(zj_store *s, const char *name)
{
    for (size_t i = 0; i < s->nhooks; i++) {
        if (strcmp(s->hooks[i].name, name) != 0)
            continue;
        if (s->hooks[i].free)
            s->hooks[i].free(s->hook_ctx[i]);
        for (size_t j = i + 1; j < s->nhooks; j++) {
            s->hooks[j - 1] = s->hooks[j];
            s->hook_ctx[j - 1] = s->hook_ctx[j];
        }
        s->nhooks--;
        return;
    }
}

/* ---- batches ---------------------------------------------------------------------------- */

static int prepare(zj_store *s, const char *sql, sqlite3_stmt **st, zj_error *err)
{
    if (sqlite3_prepare_v3(s->db, sql, -1, SQLITE_PREPARE_PERSISTENT, st, NULL) != SQLITE_OK) {
        zj_fail(err, ZJ_EDATA, "store: %s (in: %.200s)", sqlite3_errmsg(s->db), sql);
        zj_error_mark(err, db_kind(s), NULL);
        return ZJ_EDATA;
    }
    return ZJ_OK;
}

/* Step a statement that returns no rows, then finalize it. */
static int run_once(zj_store *s, sqlite3_stmt *st, const char *what, zj_error *err)
{
    int step = sqlite3_step(st);
    sqlite3_finalize(st);
    return step == SQLITE_DONE ? ZJ_OK : db_fail(s, err, what);
}

int zj_store_batch_start(zj_store *s, const zj_batch *b, int64_t *id, zj_error *err)
{
    sqlite3_stmt *st;
    int rc = prepare(s, "INSERT INTO import_batch (source_system, table_name, file, file_digest,"
                        " mapping, mapping_digest, started_at, status)"
                        " VALUES (?, ?, ?, ?, ?, ?, ?, 'running')",
                     &st, err);
    if (rc)
        return rc;
    char now[20];
    utc_now(now);
    sqlite3_bind_text(st, 1, b->source_system, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 2, b->table, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 3, b->file, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 4, b->file_digest, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 5, b->mapping, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 6, b->mapping_digest, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 7, now, -1, SQLITE_TRANSIENT);
    if ((rc = run_once(s, st, "starting batch", err)))
        return rc;
    *id = sqlite3_last_insert_rowid(s->db);
    /* The batch's row is written now and again at its end (batch_finish). In between, a big
     * load fills the page cache, which writes its least recently used pages to the log: the
     * row's page first. SQLite then rewrites that frame in place at the end, and a frame
     * rewritten in a transaction makes its commit read back every frame written after it to
     * recompute their checksums: the whole load, read again (1.1 GB for 5M court cases, a
     * third of the import's time). A statement that stays on the row holds its pages, and a
     * page held is never written out early. */
    return pin_batch(s, *id, err);
}

static int pin_batch(zj_store *s, int64_t id, zj_error *err)
{
    unpin_batch(s);
    if (sqlite3_prepare_v2(s->db, "SELECT id FROM import_batch WHERE id = ?", -1, &s->batch_pin,
                           NULL) != SQLITE_OK)
        return db_fail(s, err, "holding the batch's row");
    sqlite3_bind_int64(s->batch_pin, 1, id);
    if (sqlite3_step(s->batch_pin) != SQLITE_ROW) {
        int rc = db_fail(s, err, "holding the batch's row");
        unpin_batch(s);
        return rc;
    }
    return ZJ_OK;
}

static void unpin_batch(zj_store *s)
{
    sqlite3_finalize(s->batch_pin);
    s->batch_pin = NULL;
}

int zj_store_batch_finish(zj_store *s, const zj_batch *b, zj_error *err)
{
    sqlite3_stmt *st;
    unpin_batch(s);
    int rc = prepare(s, "UPDATE import_batch SET finished_at = ?, status = ?, rows_read = ?,"
                        " inserted = ?, updated = ?, unchanged = ?, rejected = ?,"
                        " file_digest = coalesce(?, file_digest) WHERE id = ?",
                     &st, err);
    if (rc)
        return rc;
    char now[20];
    utc_now(now);
    sqlite3_bind_text(st, 1, now, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 2, b->status ? b->status : "committed", -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 3, b->rows_read);
    sqlite3_bind_int64(st, 4, b->inserted);
    sqlite3_bind_int64(st, 5, b->updated);
    sqlite3_bind_int64(st, 6, b->unchanged);
    sqlite3_bind_int64(st, 7, b->rejected);
    if (b->file_digest && *b->file_digest)
        sqlite3_bind_text(st, 8, b->file_digest, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 9, b->id);
    return run_once(s, st, "finishing batch", err);
}

int zj_store_reject(zj_store *s, int64_t batch_id, int64_t line, const char *field,
                    const char *reason, const char *raw, size_t raw_len, zj_error *err)
{
    sqlite3_stmt *st;
    int rc = prepare(s, "INSERT INTO import_reject (batch_id, line, field, reason, raw)"
                        " VALUES (?, ?, ?, ?, ?)", &st, err);
    if (rc)
        return rc;
    sqlite3_bind_int64(st, 1, batch_id);
    sqlite3_bind_int64(st, 2, line);
    sqlite3_bind_text(st, 3, field, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 4, reason, -1, SQLITE_TRANSIENT);
    if (raw)
        sqlite3_bind_text(st, 5, raw, (int)raw_len, SQLITE_TRANSIENT);
    return run_once(s, st, "recording rejected row", err);
}

static const char *col_text(sqlite3_stmt *st, int i)
{
    return (const char *)sqlite3_column_text(st, i);
}

int zj_store_rejects_each(zj_store *s, int64_t batch_id, int (*fn)(const zj_reject *, void *),
                          void *ctx, zj_error *err)
{
    sqlite3_stmt *st;
    int rc = prepare(s, "SELECT id, batch_id, line, field, reason, raw FROM import_reject"
                        " WHERE batch_id = ? ORDER BY line, id", &st, err);
    if (rc)
        return rc;
    sqlite3_bind_int64(st, 1, batch_id);
    int step;
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        zj_reject r = {sqlite3_column_int64(st, 0), sqlite3_column_int64(st, 1),
                       sqlite3_column_int64(st, 2), col_text(st, 3), col_text(st, 4),
                       col_text(st, 5)};
        if (fn(&r, ctx))
            break;
    }
    rc = step == SQLITE_ROW || step == SQLITE_DONE ? ZJ_OK : db_fail(s, err, "reading rejects");
    sqlite3_finalize(st);
    return rc;
}

int zj_store_find_batch(zj_store *s, const zj_batch *b, int64_t *id, zj_error *err)
{
    sqlite3_stmt *st;
    int rc = prepare(s, "SELECT max(id) FROM import_batch WHERE status = 'committed'"
                        " AND source_system = ? AND table_name = ? AND file_digest = ?"
                        " AND mapping_digest IS ?", &st, err);
    if (rc)
        return rc;
    sqlite3_bind_text(st, 1, b->source_system, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 2, b->table, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 3, b->file_digest, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 4, b->mapping_digest, -1, SQLITE_TRANSIENT);
    rc = sqlite3_step(st) == SQLITE_ROW ? ZJ_OK : db_fail(s, err, "looking up batches");
    *id = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return rc;
}

int zj_store_any_batch(zj_store *s, const zj_batch *b, bool *any, zj_error *err)
{
    sqlite3_stmt *st;
    int rc = prepare(s, "SELECT EXISTS (SELECT 1 FROM import_batch WHERE status = 'committed'"
                        " AND source_system = ? AND table_name = ? AND mapping_digest IS ?)",
                     &st, err);
    if (rc)
        return rc;
    sqlite3_bind_text(st, 1, b->source_system, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 2, b->table, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 3, b->mapping_digest, -1, SQLITE_TRANSIENT);
    rc = sqlite3_step(st) == SQLITE_ROW ? ZJ_OK : db_fail(s, err, "looking up batches");
    *any = sqlite3_column_int(st, 0) != 0;
    sqlite3_finalize(st);
    return rc;
}

int zj_store_recent_batches(zj_store *s, int limit, int (*fn)(const zj_batch *, void *),
                            void *ctx, zj_error *err)
{
    sqlite3_stmt *st;
    int rc = prepare(s, "SELECT id, source_system, table_name, file, file_digest, mapping,"
                        " started_at, finished_at, status, rows_read, inserted, updated,"
                        " unchanged, rejected FROM import_batch ORDER BY id DESC LIMIT ?",
                     &st, err);
    if (rc)
        return rc;
    sqlite3_bind_int(st, 1, limit);
    int step;
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        zj_batch b = {
            .id = sqlite3_column_int64(st, 0),
            .source_system = col_text(st, 1),
            .table = col_text(st, 2),
            .file = col_text(st, 3),
            .file_digest = col_text(st, 4),
            .mapping = col_text(st, 5),
            .started_at = col_text(st, 6),
            .finished_at = col_text(st, 7),
            .status = col_text(st, 8),
            .rows_read = sqlite3_column_int64(st, 9),
            .inserted = sqlite3_column_int64(st, 10),
            .updated = sqlite3_column_int64(st, 11),
            .unchanged = sqlite3_column_int64(st, 12),
            .rejected = sqlite3_column_int64(st, 13),
        };
        if (fn(&b, ctx))
            break;
    }
    rc = (step == SQLITE_ROW || step == SQLITE_DONE) ? ZJ_OK : db_fail(s, err, "listing batches");
    sqlite3_finalize(st);
    return rc;
}

int zj_store_count_rows(zj_store *s, const char *table, int64_t *n, zj_error *err)
{
    /* The table name cannot be a bound parameter; accept only names the schema knows. */
    if (!zj_store_table(s, table) && !table_exists(s, table))
        return zj_fail(err, ZJ_EUSAGE, "no table '%s' in the store", table);
    char sql[128];
    snprintf(sql, sizeof sql, "SELECT count(*) FROM \"%s\"", table);
    sqlite3_stmt *st;
    int rc = prepare(s, sql, &st, err);
    if (rc)
        return rc;
    rc = sqlite3_step(st) == SQLITE_ROW ? ZJ_OK : db_fail(s, err, "counting rows");
    *n = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return rc;
}

static const zj_column *find_column(const zj_table *t, const char *name);

int zj_store_each_pair(zj_store *s, const char *table, const char *match_col,
                       const char *value_col, char *const *where_cols,
                       char **const *where_vals, size_t nwhere,
                       int (*fn)(const char *match, const char *value, void *ctx), void *ctx,
                       zj_error *err)
{
    /* Identifiers cannot be bound: only names the schema knows go into the text. */
    const zj_table *t = zj_store_table(s, table);
    if (!t)
        return zj_fail(err, ZJ_EUSAGE, "no table '%s' in the store (see docs/data-standard.md)",
                       table);
    const char *cols[2] = {match_col, value_col};
    for (size_t i = 0; i < 2 + nwhere; i++) {
        const char *c = i < 2 ? cols[i] : where_cols[i - 2];
        if (!find_column(t, c))
            return zj_fail(err, ZJ_EUSAGE, "table '%s' has no field '%s'", table, c);
    }
    zj_buf sql = {0};
    zj_buf_printf(&sql, "SELECT \"%s\", \"%s\" FROM \"%s\" WHERE \"%s\" IS NOT NULL AND "
                  "\"%s\" IS NOT NULL", match_col, value_col, table, match_col, value_col);
    for (size_t i = 0; i < nwhere; i++) {
        zj_buf_printf(&sql, " AND \"%s\" IN (", where_cols[i]);
        for (char **v = where_vals[i]; v && *v; v++)
            zj_buf_printf(&sql, "%s?", v == where_vals[i] ? "" : ", ");
        zj_buf_printf(&sql, "%s)", where_vals[i] && where_vals[i][0] ? "" : "NULL");
    }
    zj_buf_printf(&sql, " ORDER BY 1, 2");
    sqlite3_stmt *st = NULL;
    int rc = sql.data ? prepare(s, sql.data, &st, err) : zj_fail(err, ZJ_EDATA, "out of memory");
    zj_buf_free(&sql);
    if (rc)
        return rc;
    int at = 1;
    for (size_t i = 0; i < nwhere; i++)
        for (char **v = where_vals[i]; v && *v; v++)
            sqlite3_bind_text(st, at++, *v, -1, SQLITE_STATIC);
    int step = SQLITE_DONE;
    while (!rc && (step = sqlite3_step(st)) == SQLITE_ROW)
        rc = fn((const char *)sqlite3_column_text(st, 0), (const char *)sqlite3_column_text(st, 1),
                ctx);
    if (!rc && step != SQLITE_DONE)
        rc = db_fail(s, err, "reading look-up values");
    sqlite3_finalize(st);
    return rc;
}

/* ---- writer ----------------------------------------------------------------------------- */

static const zj_column *find_column(const zj_table *t, const char *name)
{
    for (size_t i = 0; i < t->ncolumns; i++)
        if (strcmp(t->columns[i].name, name) == 0)
            return &t->columns[i];
    return NULL;
}

/* Build the four statements a writer needs. Column names come from the schema (validated
 * against it above), never from input data, so quoting them is enough. */
static int writer_prepare(zj_writer *w, const char *const *columns, zj_error *err)
{
    const char *tn = w->into;          /* the table, or a staged load's stage */
    zj_buf ins = {0}, upd = {0}, arc = {0};
    int rc = ZJ_EDATA;
    zj_buf_printf(&ins, "INSERT INTO \"%s\" (source_system, source_key, key_hash, batch_id,"
                        " src_line, content_hash", tn);
    zj_buf_printf(&upd, "UPDATE \"%s\" SET batch_id = ?1, src_line = ?2, content_hash = ?3", tn);
    zj_buf_printf(&arc, "INSERT INTO record_version (table_name, record_id, batch_id, src_line,"
                        " content_hash, replaced_by_batch, data) SELECT '%s', id, batch_id,"
                        " src_line, content_hash, ?2, json_object(", w->table->name);
    for (size_t i = 0; i < w->ncols; i++) {
        zj_buf_printf(&ins, ", \"%s\"", columns[i]);
        zj_buf_printf(&upd, ", \"%s\" = ?%zu", columns[i], i + 4);
    }
    /* The archived version keeps every domain column, not only the mapped ones. */
    for (size_t i = 0; i < w->table->ncolumns; i++)
        zj_buf_printf(&arc, "%s'%s', \"%s\"", i ? ", " : "", w->table->columns[i].name,
                      w->table->columns[i].name);
    zj_buf_printf(&arc, ") FROM \"%s\" WHERE id = ?1", tn);
    zj_buf_puts(&ins, ") VALUES (?, ?, ?, ?, ?, ?");
    for (size_t i = 0; i < w->ncols; i++)
        zj_buf_puts(&ins, ", ?");
    zj_buf_putc(&ins, ')');
    zj_buf_printf(&upd, " WHERE id = ?%zu", w->ncols + 4);
    /* The bulk path's statement: ?1 and ?2 are constants of the batch, bound once. */
    zj_buf feed = {0};
    if (w->bulk && w->ncols + FEED_FIXED <= FEED_COLUMNS) {
        zj_buf_printf(&feed, "INSERT INTO \"%s\" (source_system, source_key, key_hash,"
                             " batch_id, src_line, content_hash", tn);
        for (size_t i = 0; i < w->ncols; i++)
            zj_buf_printf(&feed, ", \"%s\"", columns[i]);
        zj_buf_puts(&feed, ") SELECT ?1, c1, c2, ?2, c3, c4");
        for (size_t i = 0; i < w->ncols; i++)
            zj_buf_printf(&feed, ", c%zu", i + FEED_FIXED);
        zj_buf_puts(&feed, " FROM zj_feed");
    }
    char lookup[200], by_id[200];
    snprintf(lookup, sizeof lookup, "SELECT id, source_system, source_key, content_hash"
             " FROM \"%s\" WHERE key_hash = ?", tn);
    snprintf(by_id, sizeof by_id, "SELECT source_key, content_hash FROM \"%s\" WHERE id = ?",
             tn);
    if (!ins.data || !upd.data || !arc.data)
        zj_fail(err, ZJ_EDATA, "out of memory");
    else if (!prepare(w->s, ins.data, &w->insert, err) &&
             !prepare(w->s, lookup, &w->lookup, err) &&
             !prepare(w->s, arc.data, &w->archive, err) &&
             !prepare(w->s, upd.data, &w->update, err) &&
             (!w->bulk || !prepare(w->s, by_id, &w->by_id, err)) &&
             (!feed.data || !prepare(w->s, feed.data, &w->feed_insert, err))) {
        if (w->feed_insert) {
            sqlite3_bind_text(w->feed_insert, 1, w->source_system, -1, SQLITE_STATIC);
            sqlite3_bind_int64(w->feed_insert, 2, w->batch_id);
        }
        rc = ZJ_OK;
    }
    zj_buf_free(&feed);
    zj_buf_free(&ins);
    zj_buf_free(&upd);
    zj_buf_free(&arc);
    return rc;
}

/* Incremental writes find keys through the key index: build it now if a bulk load left it
 * pending. */
static int ensure_key_index(zj_writer *w, zj_error *err)
{
    sqlite3_stmt *st;
    int rc = prepare(w->s, "SELECT sql FROM store_pending_index WHERE name = ?", &st, err);
    if (rc)
        return rc;
    char name[160];
    snprintf(name, sizeof name, "%s_key", w->table->name);
    sqlite3_bind_text(st, 1, name, -1, SQLITE_TRANSIENT);
    char *sql = NULL;
    if (sqlite3_step(st) == SQLITE_ROW)
        sql = strdup((const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    if (!sql)
        return ZJ_OK;
    rc = exec(w->s, sql, err);
    free(sql);
    if (rc)
        return rc;
    rc = prepare(w->s, "DELETE FROM store_pending_index WHERE name = ?", &st, err);
    if (rc)
        return rc;
    sqlite3_bind_text(st, 1, name, -1, SQLITE_TRANSIENT);
    return run_once(w->s, st, "recording a built index", err);
}

static int64_t query_int(zj_store *s, const char *sql, int *rc, zj_error *err);

/* ---- staged loads ----------------------------------------------------------------------- *
 * One file is one transaction, so a 5M-row file writes its 1.1 GB into the log before any of
 * it can be copied into the database: the log grows by the whole file, every page of it memory
 * the kernel must find, and the checkpoint can only start after the commit. A load into an
 * empty table needs neither: its rows go into a stage of their own (a table named
 * STAGE_PREFIX<batch>, created from the table's own definition), committed every
 * stage_chunk_rows rows while the checkpointer copies each commit into the database; when the
 * log has grown past STAGE_LOG_FRAMES the writer waits for the copy to end, so the next
 * commit starts the log from its beginning again, on pages already in memory. At the end
 * (zj_writer_finish) the empty table is dropped and the stage renamed to it, in the batch's
 * last transaction: readers see nothing of the batch until then and all of it after.
 * Measured on the 5M-row benchmark file: 4.8-4.9 s against 6.6-9.8 s as one transaction
 * (docs/benchmarks.md, "Staged first loads").
 *
 * What the batch commits on the way (its stage, its import_batch row with status "running",
 * its rejects, the versions its repeated keys replaced) a rollback removes (stage_undo). A
 * process that stops mid-load leaves them behind: a staged load holds a lock on byte <batch>
 * of "<store>-loads" while it runs, which the kernel drops when the process ends however it
 * ends, so zj_store_clear_stopped_loads can tell a load left behind from one under way. */

int64_t zj_store_stage_loads(zj_store *s, int64_t min_rows, int64_t chunk_rows)
{
    int64_t was = s->stage_min_rows;
    s->stage_min_rows = min_rows ? min_rows : STAGE_MIN_ROWS;
    if (chunk_rows > 0)
        s->stage_chunk_rows = chunk_rows;
    return was;
}

bool zj_writer_staged(const zj_writer *w)
{
    return w && w->staged;
}

/* DDL and commits want no statement running on the connection: let go of the batch's row
 * for a while (returns its batch, 0 when none was held) and hold it again after (repin). */
static int64_t unpin_for_now(zj_store *s)
{
    int64_t pinned = s->batch_pin ? sqlite3_column_int64(s->batch_pin, 0) : 0;
    unpin_batch(s);
    return pinned;
}

static int repin(zj_store *s, int64_t pinned, zj_error *err)
{
    return pinned ? pin_batch(s, pinned, err) : ZJ_OK;
}

/* Run sql with the batch's row let go. */
static int exec_unpinned(zj_store *s, const char *sql, zj_error *err)
{
    int64_t pinned = unpin_for_now(s);
    int rc = exec(s, sql, err);
    return rc ? rc : repin(s, pinned, err);
}

/* Lock (take) or unlock byte `batch` of the loads file, opening it first if need be. */
static int stage_lock(zj_store *s, int64_t batch, bool take, zj_error *err)
{
    if (s->loads_fd < 0) {
        const char *db = sqlite3_db_filename(s->db, "main");
        char path[4096];
        if (!db || !*db || snprintf(path, sizeof path, "%s-loads", db) >= (int)sizeof path)
            return zj_fail(err, ZJ_EDATA, "store: no file for the loads' locks");
        s->loads_fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
        if (s->loads_fd < 0)
            return zj_fail(err, ZJ_EDATA, "store: cannot open '%s': %s", path, strerror(errno));
    }
    struct flock fl = {.l_type = take ? F_WRLCK : F_UNLCK, .l_whence = SEEK_SET,
                       .l_start = (off_t)batch, .l_len = 1};
    if (fcntl(s->loads_fd, F_SETLK, &fl) != 0)
        return zj_fail(err, ZJ_EDATA, "store: cannot lock the load of batch %lld: %s",
                       (long long)batch, strerror(errno));
    return ZJ_OK;
}

/* Does another process hold the lock of batch `batch`'s load (is it under way)? */
static bool stage_held(zj_store *s, int64_t batch)
{
    if (s->loads_fd < 0 && stage_lock(s, 0, false, NULL))
        return false;                       /* no file, so nobody holds anything */
    struct flock fl = {.l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = (off_t)batch,
                       .l_len = 1};
    return fcntl(s->loads_fd, F_GETLK, &fl) == 0 && fl.l_type != F_UNLCK;
}

/* Start w's batch as a staged load: its stage, made from the table's definition, and the lock. */
static int stage_begin(zj_writer *w, zj_error *err)
{
    zj_store *s = w->s;
    snprintf(w->into, sizeof w->into, STAGE_PREFIX "%lld", (long long)w->batch_id);
    sqlite3_stmt *st;
    int rc = prepare(s, "SELECT sql FROM sqlite_schema WHERE type = 'table' AND name = ?", &st,
                     err);
    if (rc)
        return rc;
    sqlite3_bind_text(st, 1, w->table->name, -1, SQLITE_STATIC);
    zj_buf sql = {0};
    if (sqlite3_step(st) == SQLITE_ROW) {
        /* "CREATE TABLE name (columns ...)": the same columns under the stage's name */
        const char *def = (const char *)sqlite3_column_text(st, 0);
        const char *columns = def ? strchr(def, '(') : NULL;
        if (columns)
            zj_buf_printf(&sql, "DROP TABLE IF EXISTS \"%s\"; CREATE TABLE \"%s\" %s", w->into,
                          w->into, columns);
    }
    sqlite3_finalize(st);
    if (!sql.data)
        return zj_fail(err, ZJ_EDATA, "store: cannot read the definition of '%s'",
                       w->table->name);
    rc = exec_unpinned(s, sql.data, err);
    zj_buf_free(&sql);
    if (!rc)
        rc = stage_lock(s, w->batch_id, true, err);
    if (!rc) {
        w->staged = true;
        s->stage_batch = w->batch_id;
        s->stage_committed = false;
    }
    return rc;
}

static void checkpointer_drain(struct checkpointer *c);
static int list_indexes(zj_writer *w, bool remember, bool drop, int64_t *live, zj_error *err);

/* Between two statements of a staged load: commit what the batch wrote so far and go on in a
 * new transaction. Not while another writer is open on the connection: its rows, in the
 * tables themselves, would become visible before the batch ends. */
static int stage_commit(zj_writer *w, zj_error *err)
{
    zj_store *s = w->s;
    if (s->open_writers > 1)
        return ZJ_OK;
    int64_t pinned = unpin_for_now(s);
    int rc = exec(s, "COMMIT", err);
    if (rc)
        return rc;
    s->stage_committed = true;
    checkpointer_wake(s->ckpt);
    /* Wait for the copy once the log is long, so the next commit starts it over. */
    if (s->log_frames > STAGE_LOG_FRAMES)
        checkpointer_drain(s->ckpt);
    rc = exec(s, "BEGIN IMMEDIATE", err);
    return rc ? rc : repin(s, pinned, err);
}

/* Put w's stage in the table's place, in the batch's last transaction. The table's indexes
 * are left pending, as a bulk load leaves those it drops. */
static int stage_publish(zj_writer *w, zj_error *err)
{
    zj_store *s = w->s;
    const char *tn = w->table->name;
    char sql[320];
    snprintf(sql, sizeof sql, "SELECT EXISTS (SELECT 1 FROM \"%s\")", tn);
    int rc;
    bool filled = query_int(s, sql, &rc, err) != 0;
    if (rc)
        return rc;
    if (filled)
        return zj_fail_as(err, ZJ_ERR_BUSY, "store: '%s' received rows from another writer "
                          "while this batch was staged", tn);
    if ((rc = list_indexes(w, true, false, NULL, err)))
        return rc;
    snprintf(sql, sizeof sql, "DROP TABLE \"%s\"; ALTER TABLE \"%s\" RENAME TO \"%s\"", tn,
             w->into, tn);
    if ((rc = exec_unpinned(s, sql, err)))
        return rc;
    snprintf(w->into, sizeof w->into, "%s", tn);
    w->staged = false;
    return ZJ_OK;
}

/* Remove what the staged load of batch `batch` committed (own transaction). */
static int stage_undo(zj_store *s, int64_t batch, zj_error *err)
{
    static const char *const deletes[] = {
        "DELETE FROM import_reject WHERE batch_id = ?",
        "DELETE FROM record_version WHERE replaced_by_batch = ?",
        "DELETE FROM import_batch WHERE id = ? AND status = 'running'",
    };
    char drop[96];
    snprintf(drop, sizeof drop, "DROP TABLE IF EXISTS \"" STAGE_PREFIX "%lld\"", (long long)batch);
    int rc = exec(s, "BEGIN IMMEDIATE", err);
    if (!rc)
        rc = exec(s, drop, err);
    for (size_t i = 0; !rc && i < sizeof deletes / sizeof deletes[0]; i++) {
        sqlite3_stmt *st;
        if ((rc = prepare(s, deletes[i], &st, err)))
            break;
        sqlite3_bind_int64(st, 1, batch);
        rc = run_once(s, st, "removing a stopped load", err);
    }
    if (!rc)
        rc = exec(s, "COMMIT", err);
    if (rc)
        exec(s, "ROLLBACK", NULL);
    return rc;
}

/* The staged load under way ended: committed (publish is in), or rolled back (undo what it
 * committed). */
static void stage_end(zj_store *s, bool committed)
{
    if (!s->stage_batch)
        return;
    if (!committed && s->stage_committed)
        stage_undo(s, s->stage_batch, NULL);
    stage_lock(s, s->stage_batch, false, NULL);
    s->stage_batch = 0;
    s->stage_committed = false;
}

int zj_store_clear_stopped_loads(zj_store *s, int (*fn)(int64_t batch, const char *file, void *ctx),
                                 void *ctx, int64_t *cleared, zj_error *err)
{
    *cleared = 0;
    sqlite3_stmt *st;
    int rc = prepare(s, "SELECT id, file FROM import_batch WHERE status = 'running' ORDER BY id",
                     &st, err);
    if (rc)
        return rc;
    struct running { int64_t id; char *file; } *run = NULL;
    size_t n = 0, cap = 0;
    int step;
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        struct running *grown = n < cap ? run : zj_grow(run, &cap, n + 1, sizeof *run, 8);
        char *file = strdup((const char *)sqlite3_column_text(st, 1));
        if (!grown || !file) {
            free(file);
            rc = zj_fail(err, ZJ_EDATA, "out of memory");
            break;
        }
        run = grown;
        run[n++] = (struct running){sqlite3_column_int64(st, 0), file};
    }
    sqlite3_finalize(st);
    if (!rc && step != SQLITE_DONE)
        rc = db_fail(s, err, "listing running batches");
    bool stop = false;
    for (size_t i = 0; !rc && !stop && i < n; i++) {
        char stage[64];
        snprintf(stage, sizeof stage, STAGE_PREFIX "%lld", (long long)run[i].id);
        if (!table_exists(s, stage) || stage_held(s, run[i].id))
            continue;                        /* not a staged load's, or under way elsewhere */
        if (!(rc = stage_undo(s, run[i].id, err))) {
            (*cleared)++;
            stop = fn && fn(run[i].id, run[i].file, ctx);
        }
    }
    for (size_t i = 0; i < n; i++)
        free(run[i].file);
    free(run);
    return rc;
}

int zj_store_batch_mark(zj_store *s, int64_t *mark, zj_error *err)
{
    int rc;
    *mark = query_int(s, "SELECT coalesce(max(id), 0) FROM import_batch WHERE status = 'committed'"
                         " AND id < coalesce((SELECT min(id) FROM import_batch"
                         " WHERE status = 'running'), 9223372036854775807)", &rc, err);
    return rc;
}

/* The table's indexes: with `remember`, kept in w->index_sql and index_name for zj_writer_finish
 * to record as pending, and dropped too when `drop`; without, counted in *live. */
static int list_indexes(zj_writer *w, bool remember, bool drop, int64_t *live, zj_error *err)
{
    sqlite3_stmt *st;
    int rc = prepare(w->s, "SELECT name, sql FROM sqlite_schema WHERE type = 'index' AND "
                           "tbl_name = ? AND sql IS NOT NULL ORDER BY rowid", &st, err);
    if (rc)
        return rc;
    sqlite3_bind_text(st, 1, w->table->name, -1, SQLITE_STATIC);
    zj_buf drops = {0};
    int step;
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        if (!remember) {
            (*live)++;
            continue;
        }
        char **grown = realloc(w->index_sql, (w->nindex + 1) * sizeof *grown);
        char **names = grown ? realloc(w->index_name, (w->nindex + 1) * sizeof *names) : NULL;
        if (grown)
            w->index_sql = grown;
        if (names)
            w->index_name = names;
        if (!grown || !names) {
            rc = zj_fail(err, ZJ_EDATA, "out of memory");
            break;
        }
        w->index_name[w->nindex] = strdup((const char *)sqlite3_column_text(st, 0));
        w->index_sql[w->nindex++] = strdup((const char *)sqlite3_column_text(st, 1));
        if (drop)
            zj_buf_printf(&drops, "DROP INDEX \"%s\";", (const char *)sqlite3_column_text(st, 0));
    }
    sqlite3_finalize(st);
    if (!rc && step != SQLITE_DONE)
        rc = db_fail(w->s, err, "listing indexes");
    if (!rc && drops.data)
        rc = exec_unpinned(w->s, drops.data, err);
    zj_buf_free(&drops);
    return rc;
}

/* Switch to bulk mode when the table has no rows from this source system yet and the batch
 * is expected to be at least as large as the table (rebuilding indexes costs the table's
 * size; inserting into them costs the batch's): drop the indexes, remembering how to rebuild
 * them. Must run inside the batch's transaction. */
static int bulk_begin(zj_writer *w, int64_t expected_rows, zj_error *err)
{
    char sql[200];
    sqlite3_stmt *st;
    snprintf(sql, sizeof sql, "SELECT (SELECT 1 FROM \"%s\" WHERE source_system = ? LIMIT 1),"
             " (SELECT max(id) FROM \"%s\")", w->table->name, w->table->name);
    int rc = prepare(w->s, sql, &st, err);
    if (rc)
        return rc;
    sqlite3_bind_text(st, 1, w->source_system, -1, SQLITE_STATIC);
    int step = sqlite3_step(st);
    bool has_own = sqlite3_column_type(st, 0) != SQLITE_NULL;
    int64_t table_rows = sqlite3_column_int64(st, 1);   /* max(id): an upper bound, cheaply */
    sqlite3_finalize(st);
    if (step != SQLITE_ROW)
        return db_fail(w->s, err, "checking for existing rows");
    /* expected_rows 0 on a table with rows: the caller does not know the batch's size, or
     * (mapping v2 `rows:`) writes the table through another writer in the same batch, whose
     * rows this one's id count would not foresee: incremental then. */
    if (has_own || sqlite3_get_autocommit(w->s->db) || (table_rows > 0 && expected_rows <= 0))
        return ensure_key_index(w, err);    /* incremental mode */
    /* No row of this system is in the table yet, so no record of the batch can match one:
     * the batch needs no key lookups, only the keyset for repeats within it, and its rows go
     * in through zj_feed. Its indexes are dropped when the batch is at least as large as the
     * table (rebuilding them costs the table's size; inserting into them the batch's); a
     * smaller batch appended to a table that holds other systems' rows keeps them (and those
     * a bulk load left pending stay pending). Such appends used to build the key index
     * first and look every record up in it: the second system's 168k events into a table
     * of 773k took 1.46 s against 0.95 s for the first system's 773k. */
    bool stage = table_rows == 0 && w->s->ckpt && w->s->stage_min_rows >= 0 &&
                 expected_rows >= w->s->stage_min_rows && !w->s->stage_batch &&
                 w->s->open_writers == 0;
    bool drop = table_rows == 0 || expected_rows >= table_rows;
    int64_t live = 0;                       /* indexes the table keeps */
    rc = stage ? stage_begin(w, err)        /* the stage has no index to drop */
               : list_indexes(w, drop, drop, &live, err);
    if (!rc && !live) {
        /* Without indexes a bulk load appends at the end of one B-tree: the pages it works on
         * are its right edge. A large cache would only fill with written pages, each fresh
         * memory the kernel must zero first (with 256 MiB, clear_page was a sixth of the
         * writing thread's time on 1M rows). */
        w->saved_cache = query_int(w->s, "PRAGMA cache_size", &rc, err);
        char pragma[48];
        snprintf(pragma, sizeof pragma, "PRAGMA cache_size = -%d", BULK_CACHE_KIB);
        if (!rc && !(rc = exec(w->s, pragma, err)))
            w->cache_shrunk = true;
    }
    if (!rc) {
        w->bulk = true;
        w->next_id = table_rows + 1;
        /* room for the expected rows up front (capped: the estimate comes from the file's
         * size, and a wrong guess only means a rehash later) */
        if (zj_keyset_reserve(&w->keys, (size_t)(expected_rows < (1 << 26) ? expected_rows
                                                                           : (1 << 26))))
            rc = zj_fail(err, ZJ_EDATA, "out of memory");
    }
    return rc;
}

static void free_index_lists(zj_writer *w)
{
    for (size_t i = 0; i < w->nindex; i++) {
        free(w->index_sql[i]);
        free(w->index_name[i]);
    }
    free(w->index_sql);
    free(w->index_name);
    w->index_sql = w->index_name = NULL;
    w->nindex = 0;
}

int zj_writer_finish(zj_writer *w, zj_error *err)
{
    /* Every dropped index is left pending, the key index too: the next batch into this table
     * from this system builds it first (ensure_key_index), and so do link and init. */
    sqlite3_stmt *pend = NULL;
    int rc = w->staged ? stage_publish(w, err) : ZJ_OK;
    if (!rc)
        rc = prepare(w->s, "INSERT INTO store_pending_index (name, table_name, sql) VALUES (?, ?, ?)"
                           " ON CONFLICT (name) DO NOTHING", &pend, err);
    for (size_t i = 0; !rc && i < w->nindex; i++) {
        sqlite3_bind_text(pend, 1, w->index_name[i], -1, SQLITE_STATIC);
        sqlite3_bind_text(pend, 2, w->table->name, -1, SQLITE_STATIC);
        sqlite3_bind_text(pend, 3, w->index_sql[i], -1, SQLITE_STATIC);
        int step = sqlite3_step(pend);
        sqlite3_reset(pend);
        if (step != SQLITE_DONE)
            rc = db_fail(w->s, err, "recording a pending index");
    }
    sqlite3_finalize(pend);
    if (!rc)
        free_index_lists(w);
    return rc;
}

/* Index builds run with a page cache of at most this many KiB. SQLite's sorter holds a
 * sorted run in memory up to the connection's cache size (capped at 512 MiB) before writing
 * it out; with the 2 GiB cache of a link run each index is one huge run, sorted on one
 * thread in memory fresh from the kernel. With 64 MiB runs, PRAGMA threads' helpers sort and
 * write each run while the next is read, and merge them after. Shrinking the cache of a
 * connection that holds written pages spills them to the file, work its commit would have
 * done. Measured on a first link of 10M mentions (back to back, same store): indexing and
 * the relations graph 9.6 + 17.9 s instead of 10.4 + 22.4 s, commit 2.6 s instead of
 * 7.2 s, system CPU 17 s instead of 33 s; the run 105.2 s instead of 113.1 s. */
#define INDEX_CACHE_KIB 65536

/* The integer a one-value query or pragma gives (0 when it gives none); *rc is set. */
static int64_t query_int(zj_store *s, const char *sql, int *rc, zj_error *err)
{
    sqlite3_stmt *st;
    if ((*rc = prepare(s, sql, &st, err)))
        return 0;
    int step = sqlite3_step(st);
    int64_t v = step == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
    if (step != SQLITE_ROW && step != SQLITE_DONE)
        *rc = db_fail(s, err, "reading a value");
    sqlite3_finalize(st);
    return v;
}

int zj_store_create_indexes(zj_store *s, const char *sql, zj_error *err)
{
    int rc;
    int64_t old = query_int(s, "PRAGMA cache_size", &rc, err);   /* < 0: KiB; > 0: pages */
    int64_t kib = old < 0 ? -old : rc ? 0 : old * query_int(s, "PRAGMA page_size", &rc, err) / 1024;
    if (rc)
        return rc;
    bool shrink = kib > INDEX_CACHE_KIB;
    char pragma[64];
    if (shrink) {
        snprintf(pragma, sizeof pragma, "PRAGMA cache_size = -%d", INDEX_CACHE_KIB);
        rc = exec(s, pragma, err);
    }
    if (!rc)
        rc = exec(s, sql, err);
    if (shrink) {
        snprintf(pragma, sizeof pragma, "PRAGMA cache_size = %lld", (long long)old);
        if (exec(s, pragma, rc ? NULL : err) && !rc)
            rc = ZJ_EDATA;
    }
    return rc;
}

int zj_store_pending_indexes(zj_store *s, int64_t *n, zj_error *err)
{
    sqlite3_stmt *st;
    int rc = prepare(s, "SELECT count(*) FROM store_pending_index", &st, err);
    if (rc)
        return rc;
    rc = sqlite3_step(st) == SQLITE_ROW ? ZJ_OK : db_fail(s, err, "counting pending indexes");
    *n = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return rc;
}

int zj_store_build_indexes(zj_store *s, int64_t *built, zj_error *err)
{
    return zj_store_build_indexes_on(s, NULL, built, err);
}

int zj_store_build_indexes_on(zj_store *s, const char *table, int64_t *built, zj_error *err)
{
    *built = 0;
    sqlite3_stmt *st;
    int rc = prepare(s, "SELECT name, sql FROM store_pending_index WHERE ?1 IS NULL OR"
                        " table_name = ?1 ORDER BY table_name, name", &st, err);
    if (rc)
        return rc;
    if (table)
        sqlite3_bind_text(st, 1, table, -1, SQLITE_STATIC);
    zj_buf todo = {0};
    int step;
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        /* IF NOT EXISTS: a later bulk load of another table may have left a duplicate entry */
        const char *sql = (const char *)sqlite3_column_text(st, 1);
        if (strncmp(sql, "CREATE INDEX ", 13) == 0)
            zj_buf_printf(&todo, "CREATE INDEX IF NOT EXISTS %s;", sql + 13);
        else
            zj_buf_printf(&todo, "%s;", sql);
        (*built)++;
    }
    sqlite3_finalize(st);
    if (step != SQLITE_DONE)
        rc = db_fail(s, err, "listing pending indexes");
    if (!rc && todo.data)
        rc = zj_store_create_indexes(s, todo.data, err);
    if (!rc && *built) {
        rc = prepare(s, "DELETE FROM store_pending_index WHERE ?1 IS NULL OR table_name = ?1",
                     &st, err);
        if (!rc) {
            if (table)
                sqlite3_bind_text(st, 1, table, -1, SQLITE_STATIC);
            if (sqlite3_step(st) != SQLITE_DONE)
                rc = db_fail(s, err, "clearing pending indexes");
            sqlite3_finalize(st);
        }
    }
    zj_buf_free(&todo);
    return rc;
}

int zj_writer_open(zj_store *s, const char *table, const char *const *columns, size_t ncolumns,
                   const char *source_system, int64_t batch_id, int64_t expected_rows,
                   zj_writer **out, zj_error *err)
{
    *out = NULL;
    const zj_table *t = zj_store_table(s, table);
    if (!t)
        return zj_fail(err, ZJ_EUSAGE, "no table '%s' in the store", table);
    zj_writer *w = calloc(1, sizeof *w);
    if (!w)
        return zj_fail(err, ZJ_EDATA, "out of memory");
    w->s = s;
    w->table = t;
    snprintf(w->into, sizeof w->into, "%s", t->name);
    w->ncols = ncolumns;
    w->batch_id = batch_id;
    w->source_system = strdup(source_system);
    w->seed = (int64_t)XXH3_64bits(source_system, strlen(source_system));
    w->types = calloc(ncolumns ? ncolumns : 1, sizeof *w->types);
    if (!w->source_system || !w->types) {
        zj_writer_close(w);
        return zj_fail(err, ZJ_EDATA, "out of memory");
    }
    for (size_t i = 0; i < ncolumns; i++) {
        const zj_column *c = find_column(t, columns[i]);
        if (!c) {
            zj_writer_close(w);
            return zj_fail(err, ZJ_EUSAGE, "table '%s' has no column '%s'", table, columns[i]);
        }
        for (size_t j = 0; j < i; j++)
            if (strcmp(columns[j], columns[i]) == 0) {
                zj_writer_close(w);
                return zj_fail(err, ZJ_EUSAGE, "column '%s' given twice", columns[i]);
            }
        w->types[i] = c->type;
    }
    int rc = bulk_begin(w, expected_rows, err);
    if (!rc)
        rc = writer_prepare(w, columns, err);
    s->open_writers++;
    if (rc) {
        zj_writer_close(w);
        return rc;
    }
    *out = w;
    return ZJ_OK;
}

static void bind_value(sqlite3_stmt *st, int idx, zj_type type, const zj_value *v)
{
    if (v->is_null) {
        sqlite3_bind_null(st, idx);
        return;
    }
    switch (type) {
    case ZJ_TYPE_INTEGER:
    case ZJ_TYPE_BOOL:
        sqlite3_bind_int64(st, idx, v->i);
        break;
    case ZJ_TYPE_REAL:
        sqlite3_bind_double(st, idx, v->r);
        break;
    default:
        /* SQLITE_STATIC: the caller's bytes live until zj_writer_put returns, and every
         * statement is reset before that. */
        sqlite3_bind_text(st, idx, v->text, (int)v->len, SQLITE_STATIC);
        break;
    }
}

/* Archive the stored version of row `id` and overwrite it with the new values. */
static int replace_row(zj_writer *w, int64_t id, int64_t src_line, int64_t content_hash,
                       const zj_value *values, zj_error *err)
{
    sqlite3_stmt *st = w->archive;
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_int64(st, 2, w->batch_id);
    int step = sqlite3_step(st);
    sqlite3_reset(st);
    if (step != SQLITE_DONE)
        return db_fail(w->s, err, "keeping old version");
    st = w->update;
    sqlite3_bind_int64(st, 1, w->batch_id);
    sqlite3_bind_int64(st, 2, src_line);
    sqlite3_bind_int64(st, 3, content_hash);
    for (size_t i = 0; i < w->ncols; i++)
        bind_value(st, (int)i + 4, w->types[i], &values[i]);
    sqlite3_bind_int64(st, (int)w->ncols + 4, id);
    step = sqlite3_step(st);
    sqlite3_reset(st);
    if (step != SQLITE_DONE)
        return db_fail(w->s, err, "updating record");
    return ZJ_OK;
}

/* Insert a new row; *id receives its rowid. */
static int insert_row(zj_writer *w, const char *key, size_t key_len, int64_t key_hash,
                      int64_t src_line, int64_t content_hash, const zj_value *values,
                      int64_t *id, zj_error *err)
{
    sqlite3_stmt *st = w->insert;
    sqlite3_bind_text(st, 1, w->source_system, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, key, (int)key_len, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, key_hash);
    sqlite3_bind_int64(st, 4, w->batch_id);
    sqlite3_bind_int64(st, 5, src_line);
    sqlite3_bind_int64(st, 6, content_hash);
    for (size_t i = 0; i < w->ncols; i++)
        bind_value(st, (int)i + 7, w->types[i], &values[i]);
    int step = sqlite3_step(st);
    sqlite3_reset(st);
    if (step != SQLITE_DONE)
        return db_fail(w->s, err, "inserting record");
    *id = sqlite3_last_insert_rowid(w->s->db);
    return ZJ_OK;
}

static bool same_text(sqlite3_stmt *st, int col, const char *p, size_t n)
{
    return (size_t)sqlite3_column_bytes(st, col) == n &&
           memcmp(sqlite3_column_blob(st, col), p, n) == 0;
}

/* Find the row with this natural key: *id = 0 when there is none. In bulk mode the batch's
 * own keyset is asked (the key index is dropped); otherwise the key_hash index. */
static int find_row(zj_writer *w, int64_t h, const char *key, size_t key_len, int64_t *id,
                    int64_t *old_hash, zj_error *err)
{
    *id = 0;
    if (w->bulk) {
        size_t pos = 0;
        int64_t rowid;
        while (zj_keyset_next(&w->keys, (uint64_t)h, &pos, &rowid)) {
            sqlite3_stmt *st = w->by_id;
            sqlite3_bind_int64(st, 1, rowid);
            int step = sqlite3_step(st);
            bool same = step == SQLITE_ROW && same_text(st, 0, key, key_len);
            int64_t ch = sqlite3_column_int64(st, 1);
            sqlite3_reset(st);
            if (step != SQLITE_ROW)
                return db_fail(w->s, err, "reading back a record");
            if (same) {
                *id = rowid;
                *old_hash = ch;
                return ZJ_OK;
            }
        }
        return ZJ_OK;
    }
    sqlite3_stmt *st = w->lookup;
    sqlite3_bind_int64(st, 1, h);
    size_t sys_len = strlen(w->source_system);
    int step;
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        if (same_text(st, 1, w->source_system, sys_len) && same_text(st, 2, key, key_len)) {
            *id = sqlite3_column_int64(st, 0);
            *old_hash = sqlite3_column_int64(st, 3);
            break;
        }
    }
    sqlite3_reset(st);
    if (step != SQLITE_ROW && step != SQLITE_DONE)
        return db_fail(w->s, err, "looking up existing record");
    return ZJ_OK;
}

int zj_writer_put(zj_writer *w, const char *source_key, size_t key_len, int64_t src_line,
                  int64_t content_hash, const zj_value *values, zj_put_result *result,
                  zj_error *err)
{
    if (w->ahead)
        return zj_fail(err, ZJ_EUSAGE, "store: zj_writer_put on a writer whose repeats are "
                       "found ahead");
    int64_t h = zj_writer_key_hash(w, source_key, key_len);
    int64_t id, old_hash = 0;
    int rc = find_row(w, h, source_key, key_len, &id, &old_hash, err);
    if (rc)
        return rc;
    if (!id) {
        if ((rc = insert_row(w, source_key, key_len, h, src_line, content_hash, values, &id,
                             err)))
            return rc;
        if (w->bulk && zj_keyset_add(&w->keys, (uint64_t)h, id))
            return zj_fail(err, ZJ_EDATA, "out of memory");
        if (id >= w->next_id)
            w->next_id = id + 1;
        w->last_id = id;
        *result = ZJ_PUT_INSERTED;
        return ZJ_OK;
    }
    w->last_id = id;
    if (old_hash == content_hash) {
        *result = ZJ_PUT_UNCHANGED;
        return ZJ_OK;
    }
    if ((rc = replace_row(w, id, src_line, content_hash, values, err)))
        return rc;
    *result = ZJ_PUT_UPDATED;
    return ZJ_OK;
}

bool zj_writer_ahead_start(zj_writer *w)
{
    /* only a bulk load that has written nothing yet (its keyset is empty) */
    if (!w->ahead && w->feed_insert && !w->keys.count) {
        w->ahead = true;
        w->ahead_base = w->ahead_next = w->next_id;
    }
    return w->ahead;
}

int64_t zj_writer_ahead(zj_writer *w, const char *key, size_t key_len, int64_t key_hash)
{
    size_t pos = 0;
    int64_t id;
    while (zj_keyset_next(&w->keys, (uint64_t)key_hash, &pos, &id)) {
        size_t i = (size_t)(id - w->ahead_base);
        if (w->aoff[i + 1] - w->aoff[i] == key_len &&
            (!key_len || memcmp(w->akeys + w->aoff[i], key, key_len) == 0))
            return id;
    }
    /* new: keep its key for the comparisons above */
    if (w->naoff + 2 > w->aoff_cap) {
        uint64_t *grown = zj_grow(w->aoff, &w->aoff_cap, w->naoff + 2, sizeof *grown, 4096);
        if (!grown)
            return -1;
        w->aoff = grown;
        if (!w->naoff)
            w->aoff[w->naoff++] = 0;
    }
    if (w->akeys_len + key_len > w->akeys_cap) {
        char *grown = zj_grow(w->akeys, &w->akeys_cap, w->akeys_len + key_len, 1, 65536);
        if (!grown)
            return -1;
        w->akeys = grown;
    }
    if (zj_keyset_add(&w->keys, (uint64_t)key_hash, w->ahead_next))
        return -1;
    if (key_len)
        memcpy(w->akeys + w->akeys_len, key, key_len);
    w->akeys_len += key_len;
    w->aoff[w->naoff++] = w->akeys_len;
    w->ahead_next++;
    return 0;
}

void zj_writer_ahead_prefetch(const zj_writer *w, int64_t key_hash)
{
    zj_keyset_prefetch(&w->keys, (uint64_t)key_hash);
}

/* put_all's way with a record found ahead to repeat the key of row `id` of the batch. */
static int put_repeat(zj_writer *w, const zj_record *rec, zj_put_result *result, zj_error *err)
{
    int64_t id = rec->repeat_of;
    sqlite3_stmt *st = w->by_id;
    sqlite3_bind_int64(st, 1, id);
    int step = sqlite3_step(st);
    bool same = step == SQLITE_ROW && same_text(st, 0, rec->key, rec->key_len);
    int64_t old_hash = sqlite3_column_int64(st, 1);
    sqlite3_reset(st);
    if (step != SQLITE_ROW && step != SQLITE_DONE)
        return db_fail(w->s, err, "reading back a record");
    if (!same)                                    /* defensive: the two threads disagree */
        return zj_fail(err, ZJ_EDATA, "store: bulk load of '%s': row %lld does not hold the "
                       "key found ahead", w->table->name, (long long)id);
    w->last_id = id;
    if (old_hash == rec->content_hash) {
        *result = ZJ_PUT_UNCHANGED;
        return ZJ_OK;
    }
    int rc = replace_row(w, id, rec->src_line, rec->content_hash, rec->values, err);
    if (!rc)
        *result = ZJ_PUT_UPDATED;
    return rc;
}

int64_t zj_writer_last_id(const zj_writer *w)
{
    return w->last_id;
}

int64_t zj_writer_key_hash(const zj_writer *w, const char *key, size_t key_len)
{
    return (int64_t)XXH3_64bits_withSeed(key, key_len, (uint64_t)w->seed);
}

static void count_put(zj_put_counts *counts, zj_put_result r)
{
    if (r == ZJ_PUT_INSERTED)
        counts->inserted++;
    else if (r == ZJ_PUT_UPDATED)
        counts->updated++;
    else
        counts->unchanged++;
}

int zj_writer_put_all(zj_writer *w, zj_record_source next, void *ctx, zj_put_counts *counts,
                      zj_error *err)
{
    zj_put_result r;
    int rc;
    if (!w->feed_insert) {                 /* not a bulk load: a statement per record */
        zj_record rec;
        while (next(ctx, &rec)) {
            if ((rc = zj_writer_put(w, rec.key, rec.key_len, rec.src_line, rec.content_hash,
                                    rec.values, &r, err)))
                return rc;
            count_put(counts, r);
        }
        return ZJ_OK;
    }
    w->next = next;
    w->next_ctx = ctx;
    for (;;) {
        w->feed_eof = w->pending = false;
        w->s->feeding = w;
        int step = sqlite3_step(w->feed_insert);
        int64_t n = sqlite3_changes64(w->s->db);
        sqlite3_reset(w->feed_insert);
        w->s->feeding = NULL;
        if (step != SQLITE_DONE)
            return db_fail(w->s, err, "inserting records");
        if (n && sqlite3_last_insert_rowid(w->s->db) != w->next_id - 1)   /* defensive */
            return zj_fail(err, ZJ_EDATA, "store: bulk load of '%s': row ids are not the "
                           "ones counted (%lld, expected %lld)", w->table->name,
                           (long long)sqlite3_last_insert_rowid(w->s->db),
                           (long long)(w->next_id - 1));
        counts->inserted += n;
        if (w->chunk_break) {              /* a staged load's commit is due */
            w->chunk_break = false;
            w->chunk_rows = 0;
            if ((rc = stage_commit(w, err)))
                return rc;
            continue;
        }
        if (!w->pending)
            return ZJ_OK;                  /* the source has no more records for now */
        /* a key hash seen before in this batch: find out the ordinary way */
        if (w->ahead)
            rc = put_repeat(w, &w->cur, &r, err);
        else
            rc = zj_writer_put(w, w->cur.key, w->cur.key_len, w->cur.src_line,
                               w->cur.content_hash, w->cur.values, &r, err);
        if (rc)
            return rc;
        count_put(counts, r);
    }
}

void zj_writer_close(zj_writer *w)
{
    if (!w)
        return;
    sqlite3_finalize(w->feed_insert);
    sqlite3_finalize(w->insert);
    sqlite3_finalize(w->lookup);
    sqlite3_finalize(w->archive);
    sqlite3_finalize(w->update);
    sqlite3_finalize(w->by_id);
    if (w->cache_shrunk) {
        char pragma[48];
        snprintf(pragma, sizeof pragma, "PRAGMA cache_size = %lld", (long long)w->saved_cache);
        exec(w->s, pragma, NULL);
    }
    w->s->open_writers--;
    zj_keyset_free(&w->keys);
    free(w->akeys);
    free(w->aoff);
    free_index_lists(w);
    free(w->types);
    free(w->source_system);
    free(w);
}

/* ---- queries ---------------------------------------------------------------------------- */

struct zj_stmt {
    zj_store *s;
    sqlite3_stmt *st;
};

int zj_stmt_prepare(zj_store *s, const char *sql, zj_stmt **out, zj_error *err)
{
    *out = NULL;
    zj_stmt *q = calloc(1, sizeof *q);
    if (!q)
        return zj_fail(err, ZJ_EDATA, "out of memory");
    q->s = s;
    for (size_t i = s->nkept; i-- > 0;)
        if (strcmp(sqlite3_sql(s->kept[i]), sql) == 0) {
            q->st = s->kept[i];                       /* taken out: one user at a time */
            s->kept[i] = s->kept[--s->nkept];
            *out = q;
            return ZJ_OK;
        }
    int rc = prepare(s, sql, &q->st, err);
    if (rc) {
        free(q);
        return rc;
    }
    *out = q;
    return ZJ_OK;
}

void zj_stmt_bind_int(zj_stmt *q, int i, int64_t v) { sqlite3_bind_int64(q->st, i, v); }
void zj_stmt_bind_double(zj_stmt *q, int i, double v) { sqlite3_bind_double(q->st, i, v); }
void zj_stmt_bind_null(zj_stmt *q, int i) { sqlite3_bind_null(q->st, i); }

void zj_stmt_bind_text_ref(zj_stmt *q, int i, const char *p, size_t n)
{
    if (p)
        sqlite3_bind_text(q->st, i, p, (int)n, SQLITE_STATIC);
    else
        sqlite3_bind_null(q->st, i);
}

void zj_stmt_bind_text(zj_stmt *q, int i, const char *p, size_t n)
{
    if (p)
        sqlite3_bind_text(q->st, i, p, (int)n, SQLITE_TRANSIENT);
    else
        sqlite3_bind_null(q->st, i);
}

int zj_stmt_next(zj_stmt *q, zj_error *err)
{
    int rc = sqlite3_step(q->st);
    if (rc == SQLITE_ROW)
        return 1;
    if (rc == SQLITE_DONE)
        return 0;
    zj_fail(err, ZJ_EDATA, "store: %s", sqlite3_errmsg(q->s->db));
    zj_error_mark(err, db_kind(q->s), NULL);
    return -1;
}

bool zj_stmt_is_null(zj_stmt *q, int col) { return sqlite3_column_type(q->st, col) == SQLITE_NULL; }
int64_t zj_stmt_int(zj_stmt *q, int col) { return sqlite3_column_int64(q->st, col); }
double zj_stmt_double(zj_stmt *q, int col) { return sqlite3_column_double(q->st, col); }

const char *zj_stmt_text(zj_stmt *q, int col, size_t *len)
{
    const char *p = (const char *)sqlite3_column_text(q->st, col);
    if (len)
        *len = p ? (size_t)sqlite3_column_bytes(q->st, col) : 0;
    return p;
}

void zj_stmt_reset(zj_stmt *q)
{
    sqlite3_reset(q->st);
    sqlite3_clear_bindings(q->st);
}

void zj_stmt_finalize(zj_stmt *q)
{
    if (!q)
        return;
    zj_store *s = q->s;
    /* A read-only statement is kept reset (no lock held, no bindings) for the next prepare of
     * the same text; when the shelf is full the oldest goes. Others are finalized. */
    if (sqlite3_reset(q->st) == SQLITE_OK && sqlite3_clear_bindings(q->st) == SQLITE_OK &&
        sqlite3_stmt_readonly(q->st)) {
        if (s->nkept == STMT_KEEP) {
            sqlite3_finalize(s->kept[0]);
            memmove(s->kept, s->kept + 1, (STMT_KEEP - 1) * sizeof *s->kept);
            s->nkept--;
        }
        s->kept[s->nkept++] = q->st;
    } else {
        sqlite3_finalize(q->st);
    }
    free(q);
}

int64_t zj_store_last_insert_id(zj_store *s) { return sqlite3_last_insert_rowid(s->db); }
int64_t zj_store_changes(zj_store *s) { return sqlite3_changes64(s->db); }
int zj_store_exec(zj_store *s, const char *sql, zj_error *err) { return exec(s, sql, err); }

int zj_store_analyze(zj_store *s, zj_error *err)
{
    /* analysis_limit: look at about this many rows per index - enough for the planner's
     * choices, and fast on tables of tens of millions of rows. A table whose indexes a bulk
     * load left pending has none to sample, and counting its rows would read all of it
     * (a fifth of the CPU time of importing 1M rows); it is analysed once its indexes are
     * built (link, detect), so it is skipped here. So is a staged load's stage (another
     * process's, under way): it is renamed when its batch commits, maybe before this ANALYZE
     * runs, and its statistics would be of no use. */
    sqlite3_stmt *st;
    int rc = prepare(s, "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE"
                        " 'sqlite_%' AND substr(name, 1, " STAGE_PREFIX_LEN ") != '" STAGE_PREFIX
                        "' AND name NOT IN (SELECT table_name FROM store_pending_index)"
                        " ORDER BY name", &st, err);
    if (rc)
        return rc;
    zj_buf sql = {0};
    zj_buf_puts(&sql, "PRAGMA analysis_limit = 2000;");
    int step;
    while ((step = sqlite3_step(st)) == SQLITE_ROW)
        zj_buf_printf(&sql, " ANALYZE \"%s\";", (const char *)sqlite3_column_text(st, 0));
    rc = step == SQLITE_DONE ? ZJ_OK : db_fail(s, err, "listing tables to analyze");
    sqlite3_finalize(st);
    if (!rc)
        rc = sql.data ? exec(s, sql.data, err) : zj_fail(err, ZJ_EDATA, "out of memory");
    zj_buf_free(&sql);
    return rc;
}

int zj_store_analyze_table(zj_store *s, const char *table, zj_error *err)
{
    if (!zj_store_table(s, table) && !table_exists(s, table))
        return zj_fail(err, ZJ_EUSAGE, "store: no table '%s' to analyze", table);
    char sql[128];
    snprintf(sql, sizeof sql, "PRAGMA analysis_limit = 2000; ANALYZE \"%s\"", table);
    return exec(s, sql, err);
}

/* The background checkpoint of a bulk load. The loading connection commits a file, wakes
 * this thread and goes on with the next file; the thread, on a connection of its own, copies
 * what was committed from the log into the database (a passive checkpoint: it never waits
 * for the writer or for readers, and copies what no reader still needs). The copy and its
 * fsync were a fifth of a province's import, done after the last file; now they overlap the
 * loading, which keeps the writing thread busy but leaves the second core idle at times. */
typedef struct checkpointer {
    pthread_t thread;
    pthread_mutex_t mu;
    pthread_cond_t wake;
    sqlite3 *db;
    bool pending, stop;
    bool running;                /* a checkpoint is under way */
    pthread_cond_t done;         /* signalled when one ends */
} checkpointer;

static void *checkpointer_run(void *arg)
{
    checkpointer *c = arg;
    pthread_mutex_lock(&c->mu);
    for (;;) {
        while (!c->pending && !c->stop)
            pthread_cond_wait(&c->wake, &c->mu);
        if (c->stop)
            break;
        c->pending = false;
        c->running = true;
        pthread_mutex_unlock(&c->mu);
        /* SQLITE_BUSY (another checkpoint runs) and the like only leave more for the last one */
        (void)sqlite3_wal_checkpoint_v2(c->db, "main", SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
        pthread_mutex_lock(&c->mu);
        c->running = false;
        pthread_cond_broadcast(&c->done);
    }
    pthread_mutex_unlock(&c->mu);
    return NULL;
}

/* Tells the thread there is a commit to copy, or (stop) to end. */
static void checkpointer_tell(checkpointer *c, bool stop)
{
    pthread_mutex_lock(&c->mu);
    if (stop)
        c->stop = true;
    else
        c->pending = true;
    pthread_cond_signal(&c->wake);
    pthread_mutex_unlock(&c->mu);
}

static void checkpointer_wake(checkpointer *c)
{
    if (c)
        checkpointer_tell(c, false);
}

static void checkpointer_free(checkpointer *c)
{
    pthread_mutex_destroy(&c->mu);
    pthread_cond_destroy(&c->wake);
    pthread_cond_destroy(&c->done);
    sqlite3_close(c->db);
    free(c);
}

/* Starts the thread; NULL when it cannot (the load then checkpoints at its end, as before). */
static checkpointer *checkpointer_start(zj_store *s)
{
    const char *path = sqlite3_db_filename(s->db, "main");
    if (!path || !*path)
        return NULL;                     /* in memory: no log */
    checkpointer *c = calloc(1, sizeof *c);
    if (!c)
        return NULL;
    pthread_mutex_init(&c->mu, NULL);
    pthread_cond_init(&c->wake, NULL);
    pthread_cond_init(&c->done, NULL);
    if (sqlite3_open_v2(path, &c->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK ||
        sqlite3_exec(c->db, "PRAGMA synchronous = NORMAL; PRAGMA wal_autocheckpoint = 0",
                     NULL, NULL, NULL) != SQLITE_OK ||
        pthread_create(&c->thread, NULL, checkpointer_run, c)) {
        checkpointer_free(c);
        return NULL;
    }
    return c;
}

/* Waits until the commits told so far are copied (or the copy found readers in its way). */
static void checkpointer_drain(checkpointer *c)
{
    if (!c)
        return;
    pthread_mutex_lock(&c->mu);
    while (c->pending || c->running)
        pthread_cond_wait(&c->done, &c->mu);
    pthread_mutex_unlock(&c->mu);
}

/* Waits for a checkpoint under way and ends the thread. */
static void checkpointer_stop(checkpointer *c)
{
    if (!c)
        return;
    checkpointer_tell(c, true);
    pthread_join(c->thread, NULL);
    checkpointer_free(c);
}

int zj_store_bulk_load(zj_store *s, bool on, zj_error *err)
{
    /* The store stays in WAL mode, so readers keep reading while a load runs. What a load
     * changes is who copies the log into the database (a checkpoint), and when: not the
     * loading connection after each of its files' commits, but a thread of its own
     * (checkpointer) while the next file loads, and the loading connection once at the end
     * for what is left. A checkpoint that finds readers still on older pages copies what it
     * can and leaves the rest for a later one. */
    if (on) {
        int rc = zj_store_defer_checkpoints(s, err);   /* counts the log for staged loads */
        if (!rc && !s->ckpt)
            s->ckpt = checkpointer_start(s);
        return rc;
    }
    checkpointer_stop(s->ckpt);
    s->ckpt = NULL;
    int rc = exec(s, "PRAGMA wal_checkpoint(PASSIVE)", err);
    int rc2 = exec(s, "PRAGMA wal_autocheckpoint = 1000", rc ? NULL : err);
    s->log_frames = -1;
    return rc ? rc : rc2;
}

static int count_log_frames(void *ctx, sqlite3 *db, const char *name, int frames)
{
    (void)db, (void)name;
    ((zj_store *)ctx)->log_frames = frames;
    return SQLITE_OK;
}

int zj_store_defer_checkpoints(zj_store *s, zj_error *err)
{
    int rc = exec(s, "PRAGMA wal_autocheckpoint = 0", err);
    if (!rc)                          /* replaces the automatic checkpoint's own hook */
        sqlite3_wal_hook(s->db, count_log_frames, s);
    return rc;
}

int64_t zj_store_log_frames(zj_store *s)
{
    return s->log_frames;
}

int zj_store_checkpoint(zj_store *s, zj_error *err)
{
    return exec(s, "PRAGMA wal_checkpoint(PASSIVE)", err);
}

int zj_store_cache_mib(zj_store *s, int mib, zj_error *err)
{
    char sql[64];
    snprintf(sql, sizeof sql, "PRAGMA cache_size = -%d",
             (mib > 0 ? mib : DEFAULT_CACHE_MIB) * 1024);
    return exec(s, sql, err);
}

void zj_store_busy_timeout(zj_store *s, int ms)
{
    sqlite3_busy_timeout(s->db, ms > 0 ? ms : 0);
}

int zj_store_scan_mode(zj_store *s, bool on, zj_error *err)
{
    int rc = zj_store_cache_mib(s, on ? 8 : 0, err);
    if (!rc)   /* capped at SQLITE_MAX_MMAP_SIZE (2 GiB in Debian's build); the rest is read */
        rc = exec(s, on ? "PRAGMA mmap_size = 68719476736" : "PRAGMA mmap_size = 0", err);
    return rc;
}

int zj_store_insert_all(zj_store *s, const char *table, const char *const *columns,
                        const zj_type *types, size_t ncolumns, zj_row_source next, void *ctx,
                        int64_t *inserted, zj_error *err)
{
    *inserted = 0;
    if (!zj_store_table(s, table) && !table_exists(s, table))
        return zj_fail(err, ZJ_EUSAGE, "store: no table '%s'", table);
    if (ncolumns == 0 || ncolumns > FEED_COLUMNS)
        return zj_fail(err, ZJ_EUSAGE, "store: cannot insert %zu columns at once", ncolumns);
    zj_buf sql = {0};
    zj_buf_printf(&sql, "INSERT INTO \"%s\" (", table);
    for (size_t i = 0; i < ncolumns; i++)
        zj_buf_printf(&sql, "%s\"%s\"", i ? ", " : "", columns[i]);
    zj_buf_puts(&sql, ") SELECT ");
    for (size_t i = 0; i < ncolumns; i++)
        zj_buf_printf(&sql, "%sc%zu", i ? ", " : "", i);
    zj_buf_puts(&sql, " FROM zj_rows");
    if (!sql.data) {
        zj_buf_free(&sql);
        return zj_fail(err, ZJ_EDATA, "out of memory");
    }
    sqlite3_stmt *st;
    int rc = prepare(s, sql.data, &st, err);
    zj_buf_free(&sql);
    if (rc)
        return rc;
    zj_value *values = calloc(ncolumns, sizeof *values);
    if (!values) {
        sqlite3_finalize(st);
        return zj_fail(err, ZJ_EDATA, "out of memory");
    }
    row_feed f = {.next = next, .ctx = ctx, .values = values, .types = types, .ncols = ncolumns};
    s->rows = &f;
    int step = sqlite3_step(st);
    s->rows = NULL;
    if (f.failed)
        rc = err && err->code ? err->code : zj_fail(err, ZJ_EDATA, "store: inserting into %s: "
                                                    "the rows' source failed", table);
    else if (step != SQLITE_DONE)
        rc = db_fail(s, err, "inserting rows");
    else
        *inserted = f.rows;
    sqlite3_finalize(st);
    free(values);
    return rc;
}

int zj_store_foreign_keys(zj_store *s, bool on, zj_error *err)
{
    if (s->in_tx)
        return zj_fail(err, ZJ_EUSAGE, "store: foreign-key checks change between transactions only");
    return exec(s, on ? "PRAGMA foreign_keys = ON" : "PRAGMA foreign_keys = OFF", err);
}
