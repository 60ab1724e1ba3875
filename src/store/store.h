/* store.h - the canonical, provenance-tracked store behind a backend-neutral interface (数据仓).
 *
 * Everything above the store (ingest, link, detect, web) talks to it only through this header.
 * The first backend is SQLite (store_sqlite.c); a PostgreSQL backend will implement the same
 * functions, so nothing here exposes SQLite types or SQL dialect.
 *
 * The schema is the numbered migrations in migrations.c, applied on open. Canonical tables
 * (documented in docs/data-standard.md) all carry the same provenance columns, which are
 * managed by the store and not listed by zj_store_table():
 *   source_system  the agency system the record came from (e.g. "court_cms")
 *   source_key     the record's natural key in that system; unique per source_system
 *   key_hash       64-bit hash of (source_system, source_key), indexed, for finding a key
 *   batch_id       the import batch (one file) that last wrote it -> import_batch(id)
 *   src_line       line in that file where the record starts
 *   content_hash   64-bit hash of the mapped values; a re-import with the same hash is a no-op
 * When a record with the same (source_system, source_key) arrives with a different hash, the
 * old values and provenance are kept in record_version and the canonical row is updated.
 *
 * Errors: functions return ZJ_OK or ZJ_EDATA/ZJ_EUSAGE with `err` set; none prints or exits.
 * Threads: a zj_store handle (one connection) is used by one thread at a time; threads that
 * work in parallel open their own handles.
 */
#ifndef ZJ_STORE_H
#define ZJ_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/error.h"

typedef struct zj_store zj_store;

/* Column types of canonical tables. DATE values are "YYYY-MM-DD", TIMESTAMP values
 * "YYYY-MM-DD HH:MM:SS" (local time of the source agency), BOOL 0/1. */
typedef enum zj_type {
    ZJ_TYPE_TEXT = 0,
    ZJ_TYPE_INTEGER,
    ZJ_TYPE_REAL,
    ZJ_TYPE_DATE,
    ZJ_TYPE_TIMESTAMP,
    ZJ_TYPE_BOOL,
} zj_type;

const char *zj_type_name(zj_type t);   /* "text", "integer", ... */

typedef struct zj_column {
    const char *name;
    zj_type type;
    bool required;      /* NOT NULL in the schema */
} zj_column;

typedef struct zj_table {
    const char *name;
    const zj_column *columns;   /* the domain columns, in schema order, without provenance */
    size_t ncolumns;
} zj_table;

/* A typed value for writing. TEXT, DATE and TIMESTAMP use `text` (UTF-8, not NUL-terminated);
 * INTEGER and BOOL use `i`; REAL uses `r`. `is_null` overrides everything. */
typedef struct zj_value {
    bool is_null;
    int64_t i;
    double r;
    const char *text;
    size_t len;
} zj_value;

/* ---- opening ---------------------------------------------------------------------------- */

/* Open (creating if needed) the store at `path` and apply pending migrations, each in its own
 * transaction. Returns ZJ_OK and *out, or ZJ_EDATA (unwritable path, not a zhijian store,
 * a store newer than this binary).
 * Concurrency: the store is in WAL mode, so readers never wait for a writer and a writer
 * never waits for readers. A writer waits (up to an hour) for another writer's transaction
 * to end instead of failing: two imports, or an import during a detection run, queue. */
int zj_store_open(const char *path, zj_store **out, zj_error *err);
/* The same for a store that must exist already (commands that read it): a missing store is
 * ZJ_EDATA with a message naming the path and saying `zhijian init`; nothing is created. */
int zj_store_open_existing(const char *path, zj_store **out, zj_error *err);
void zj_store_close(zj_store *s);                  /* NULL is allowed */
int zj_store_schema_version(zj_store *s);          /* highest applied migration */
int zj_store_latest_version(void);                 /* highest migration this binary knows */

/* ---- schema ----------------------------------------------------------------------------- */

/* The canonical table `name`, or NULL if there is none. Owned by the store. */
const zj_table *zj_store_table(zj_store *s, const char *name);
/* All canonical tables, in schema order. */
size_t zj_store_tables(zj_store *s, const zj_table **out);

/* ---- transactions ----------------------------------------------------------------------- */

int zj_store_begin(zj_store *s, zj_error *err);
int zj_store_commit(zj_store *s, zj_error *err);
int zj_store_rollback(zj_store *s, zj_error *err);   /* safe to call when no transaction */
bool zj_store_in_transaction(zj_store *s);
/* A read snapshot: the statements run until zj_store_snapshot_end see one state of the store,
 * and the connection takes its read lock once for all of them instead of once per statement
 * (a list that reads a page of rows by id). Outside a transaction only; inside one it does
 * nothing and answers false. Returns whether it began one: pass that to zj_store_snapshot_end.
 * Nothing may be written in a snapshot. */
bool zj_store_snapshot_begin(zj_store *s);
void zj_store_snapshot_end(zj_store *s, bool began);
/* The store's file, or NULL for a temporary or in-memory store. */
const char *zj_store_path(zj_store *s);

/* Commit hooks: how a layer above adds its own writes to every transaction without the layers
 * below knowing it (the audit trail signs its head when a transaction that appended commits, and
 * records one entry per commit of an import, link or detect run). A hook is named; hooks run
 * in increasing `order`, ones added while others run included. */
#define ZJ_STORE_MAX_HOOKS 4
typedef struct zj_store_hook {
    const char *name;        /* static string; one hook per name */
    int order;
    /* Called by zj_store_commit inside the transaction, before COMMIT; an error fails the commit
     * (the caller then rolls back, as for any failed commit). May be NULL. */
    int (*before_commit)(zj_store *s, void *ctx, zj_error *err);
    /* Called after the transaction committed (true) or rolled back (false). May be NULL. */
    void (*end)(zj_store *s, void *ctx, bool committed);
    /* Frees ctx when the hook is removed or the store closes. May be NULL. */
    void (*free)(void *ctx);
} zj_store_hook;

/* Add hook h (copied) with its context; ZJ_EUSAGE if one of that name is set or all slots are
 * taken. */
int zj_store_add_hook(zj_store *s, const zj_store_hook *h, void *ctx, zj_error *err);
/* The context of hook `name`, or NULL when it is not set. */
void *zj_store_hook_ctx(zj_store *s, const char *name);
/* Remove hook `name` (freeing its context); nothing when it is not set. */
void zj_store_remove_hook(zj_store *s, const char *name);

/* ---- import batches --------------------------------------------------------------------- */

typedef struct zj_batch {
    int64_t id;
    const char *source_system;
    const char *table;
    const char *file;          /* path as given on the command line */
    const char *file_digest;   /* hex XXH3-128 of the file's bytes */
    const char *mapping;       /* mapping file path */
    const char *mapping_digest;/* hex BLAKE2b-256 of the mapping file's bytes */
    const char *started_at;    /* "YYYY-MM-DD HH:MM:SS" UTC */
    const char *finished_at;
    const char *status;        /* "running", "committed" */
    int64_t rows_read, inserted, updated, unchanged, rejected;
} zj_batch;

/* Record the start of a batch; sets *id. Call inside the batch's transaction, so an aborted
 * batch leaves no trace in the store (its reject file still does). */
int zj_store_batch_start(zj_store *s, const zj_batch *b, int64_t *id, zj_error *err);
/* Store the final counts and status of batch b->id, and b->file_digest when it is set (an
 * import learns the digest of its file as it reads it, after the batch started). */
int zj_store_batch_finish(zj_store *s, const zj_batch *b, zj_error *err);
/* Record a rejected row of a batch. `raw` may be NULL. */
int zj_store_reject(zj_store *s, int64_t batch_id, int64_t line, const char *field,
                    const char *reason, const char *raw, size_t raw_len, zj_error *err);

/* A rejected row as stored. `raw` is the whole row as read (unmasked personal data: front ends
 * show it only through the read layer, to users allowed to unmask). */
typedef struct zj_reject {
    int64_t id, batch_id, line;
    const char *field, *reason, *raw;     /* field and raw may be NULL */
} zj_reject;

/* Call fn for each rejected row of batch `batch_id`, by line. Strings are valid during the
 * call only; fn returns non-zero to stop. */
int zj_store_rejects_each(zj_store *s, int64_t batch_id, int (*fn)(const zj_reject *, void *),
                          void *ctx, zj_error *err);

/* The id of a committed batch that imported the same bytes (file_digest) through the same
 * mapping (mapping_digest) into b->table from b->source_system, or 0 if there is none. */
int zj_store_find_batch(zj_store *s, const zj_batch *b, int64_t *id, zj_error *err);

/* Is there any committed batch through the same mapping (mapping_digest) into b->table from
 * b->source_system, whatever its file? When there is none, no file can be a re-import, and
 * the file's digest is not needed before the import starts. */
int zj_store_any_batch(zj_store *s, const zj_batch *b, bool *any, zj_error *err);

/* Call fn for the `limit` most recent batches, newest first. fn returns non-zero to stop. */
int zj_store_recent_batches(zj_store *s, int limit, int (*fn)(const zj_batch *, void *),
                            void *ctx, zj_error *err);
/* Count the rows of a canonical table, or of import_batch, import_reject or record_version. */
int zj_store_count_rows(zj_store *s, const char *table, int64_t *n, zj_error *err);

/* For a mapping's look-ups (docs/mapping.md): call fn with (match, value) for every row of
 * canonical `table` where both columns are set and, for each i < nwhere, where_cols[i] is one
 * of the NULL-terminated where_vals[i]. Unknown table or columns are ZJ_EUSAGE naming them.
 * fn returns non-zero to stop (that value is returned). */
int zj_store_each_pair(zj_store *s, const char *table, const char *match_col,
                       const char *value_col, char *const *where_cols,
                       char **const *where_vals, size_t nwhere,
                       int (*fn)(const char *match, const char *value, void *ctx), void *ctx,
                       zj_error *err);

/* ---- writing records -------------------------------------------------------------------- */

typedef struct zj_writer zj_writer;

typedef enum zj_put_result {
    ZJ_PUT_INSERTED = 0,
    ZJ_PUT_UPDATED,      /* same key, new content: old version kept in record_version */
    ZJ_PUT_UNCHANGED,    /* same key, same content: nothing written */
} zj_put_result;

/* Prepare to write rows of `table` with the given domain columns (a subset of the table's,
 * validated here: an unknown column is ZJ_EUSAGE). All rows come from `source_system` and
 * belong to batch `batch_id`. `expected_rows` (0 if unknown) is a rough size of the batch: a
 * batch at least as large as the table, from a system with no rows in it yet, is loaded in
 * bulk (indexes rebuilt once at the end, see store_sqlite.c); 0 on a table with rows means
 * one row at a time (also what a caller writing one table through two writers must pass). */
int zj_writer_open(zj_store *s, const char *table, const char *const *columns, size_t ncolumns,
                   const char *source_system, int64_t batch_id, int64_t expected_rows,
                   zj_writer **out, zj_error *err);

/* Insert or update one record. values[i] is for columns[i] of zj_writer_open. */
int zj_writer_put(zj_writer *w, const char *source_key, size_t key_len, int64_t src_line,
                  int64_t content_hash, const zj_value *values, zj_put_result *result,
                  zj_error *err);

/* The id of the record the last successful zj_writer_put inserted, updated or found
 * unchanged; 0 before any. (zj_writer_put_all's bulk path does not set it.) */
int64_t zj_writer_last_id(const zj_writer *w);

/* One record for zj_writer_put_all: the arguments of zj_writer_put, and two hints. */
typedef struct zj_record {
    const char *key;
    size_t key_len;
    int64_t src_line;
    int64_t content_hash;
    const zj_value *values;
    int64_t key_hash;        /* zj_writer_key_hash of the key, or 0: the writer computes it */
    int64_t next_key_hash;   /* the key hash of the record that comes next, or 0 */
    int64_t repeat_of;       /* after zj_writer_ahead_start: zj_writer_ahead's answer */
} zj_record;

/* The hash the writer files `key` under (thread-safe: another thread may compute it for
 * zj_record.key_hash, taking the work off the writing thread). */
int64_t zj_writer_key_hash(const zj_writer *w, const char *key, size_t key_len);

/* Repeats found ahead. A bulk load must notice a key that comes twice in its batch; the
 * writer keeps a set of the batch's key hashes for that, one random access into memory of
 * the batch's size per record, on the thread that runs SQLite. A caller that makes records on
 * another thread (import's reading thread) may do that check there instead:
 * zj_writer_ahead_start returns true when the writer is a bulk load that takes the check
 * ahead (false: carry on as before). From then on every record given to zj_writer_put_all
 * goes through zj_writer_ahead first, in the order it will be given, all on one thread,
 * and carries its answer in zj_record.repeat_of; zj_writer_put is refused. Call
 * zj_writer_ahead_start before the other thread starts. */
bool zj_writer_ahead_start(zj_writer *w);
/* 0 when the key is new to the batch (the record will be inserted), else the id of the
 * batch's row with this key (the record updates it); -1 when out of memory. key_hash is
 * zj_writer_key_hash of the key. */
int64_t zj_writer_ahead(zj_writer *w, const char *key, size_t key_len, int64_t key_hash);
/* A hint for a zj_writer_ahead to come (same thread): start fetching the memory it reads. */
void zj_writer_ahead_prefetch(const zj_writer *w, int64_t key_hash);

/* Where zj_writer_put_all takes its records from. Returns 1 with *rec filled, or 0 when it has
 * no record to give now (its end, or an item its caller must deal with first). The bytes *rec
 * points to must stay unchanged until the next call. */
typedef int (*zj_record_source)(void *ctx, zj_record *rec);

typedef struct zj_put_counts {
    int64_t inserted, updated, unchanged;
} zj_put_counts;

/* zj_writer_put for every record `next` gives, until it returns 0; outcomes are added to
 * *counts. A bulk load inserts the records in one statement that reads them from `next`
 * (store_sqlite.c), several times cheaper per row than a statement per record. On error the
 * record that failed was the last one `next` gave. */
int zj_writer_put_all(zj_writer *w, zj_record_source next, void *ctx, zj_put_counts *counts,
                      zj_error *err);

/* Complete the batch's writes (a bulk load leaves the indexes it dropped pending, see
 * zj_store_build_indexes). Call once, after the last put and before committing. */
int zj_writer_finish(zj_writer *w, zj_error *err);

void zj_writer_close(zj_writer *w);                /* NULL is allowed; no finish implied */

/* ---- queries for the layers above ------------------------------------------------------ *
 * Link, detect and the web layer read and write their own tables through prepared statements.
 * SQL given here must be portable between SQLite and PostgreSQL: parameters written $1, $2 ...
 * (SQLite reads them as named parameters, numbered in order of first appearance), standard
 * types, no SQLite-only functions (json_*, group_concat, julianday ...) or PRAGMAs.
 * Values are bound by 1-based parameter index; columns are read by 0-based index. */

typedef struct zj_stmt zj_stmt;

int zj_stmt_prepare(zj_store *s, const char *sql, zj_stmt **out, zj_error *err);
/* (A read-only statement finalized is kept by the connection, reset, and handed out again by
 * the next prepare of the same text: preparing is most of a small read's cost.) */
void zj_stmt_bind_int(zj_stmt *st, int i, int64_t v);
void zj_stmt_bind_double(zj_stmt *st, int i, double v);
void zj_stmt_bind_text(zj_stmt *st, int i, const char *p, size_t n);   /* copied */
/* Not copied: the bytes must stay unchanged until the statement is reset (a hot-path saving
 * of one allocation and copy per value). */
void zj_stmt_bind_text_ref(zj_stmt *st, int i, const char *p, size_t n);
void zj_stmt_bind_null(zj_stmt *st, int i);
/* Run the statement or fetch its next row: 1 = a row is available, 0 = done, -1 = error
 * (err set). */
int zj_stmt_next(zj_stmt *st, zj_error *err);
bool zj_stmt_is_null(zj_stmt *st, int col);
int64_t zj_stmt_int(zj_stmt *st, int col);
double zj_stmt_double(zj_stmt *st, int col);
const char *zj_stmt_text(zj_stmt *st, int col, size_t *len);  /* NULL for NULL; valid until next step */
void zj_stmt_reset(zj_stmt *st);                  /* ready to bind and run again */
void zj_stmt_finalize(zj_stmt *st);               /* NULL is allowed */
int64_t zj_store_last_insert_id(zj_store *s);
int64_t zj_store_changes(zj_store *s);            /* rows changed by the last statement */
/* Large loads: while on, the store may defer work to the end of the load (SQLite: copying
 * the write-ahead log into the database after each commit). It never takes the store away
 * from readers: the journal stays in WAL mode, readers keep reading the last committed state. */
int zj_store_bulk_load(zj_store *s, bool on, zj_error *err);

/* Staged loads (分段装载). During a bulk load, a batch that is the first to write an empty table
 * and is expected to bring at least `min_rows` rows is staged: its rows go into a table of their
 * own, committed every `chunk_rows` rows so the log is reused instead of growing by the whole
 * file, and zj_writer_finish puts the staged table in the empty one's place, inside the batch's
 * last transaction. Readers see the table empty until that commit and whole after it, as for
 * any batch. In between, the batch's import_batch row (status "running") and its rejects are
 * visible; a rollback removes everything the batch committed. If another writer put rows into
 * the table meanwhile, zj_writer_finish fails with kind ZJ_ERR_BUSY and changes nothing: roll
 * back and write the batch again with staging off. min_rows < 0 turns staging off and 0 means
 * the default (store_sqlite.c); chunk_rows 0 keeps the current one; tests make both small.
 * Returns the min_rows it replaced. */
int64_t zj_store_stage_loads(zj_store *s, int64_t min_rows, int64_t chunk_rows);
/* Is w a staged load? */
bool zj_writer_staged(const zj_writer *w);
/* Remove what staged loads left behind when their process stopped (a crash, a kill) before
 * they ended: each batch still "running" that no live process holds, with its staged rows,
 * rejects and archived versions. fn (may be NULL) is told each batch removed; a non-zero
 * return stops. Call before this process stages anything. *cleared counts them. */
int zj_store_clear_stopped_loads(zj_store *s, int (*fn)(int64_t batch, const char *file, void *ctx),
                                 void *ctx, int64_t *cleared, zj_error *err);
/* The newest batch a run that reads batches in order may take as done: the highest committed
 * batch below every batch still running (a staged load commits its batch after batches that
 * started later may have). 0 when there is none. */
int zj_store_batch_mark(zj_store *s, int64_t *mark, zj_error *err);

/* A connection that commits many small transactions while others wait for each (the audit
 * rounds) leaves copying the log into the database (a checkpoint, every 1,000 log frames by
 * default: 64 MiB, ~0.1 s) to another connection, so no commit of its own stalls on one:
 * after this, its commits no longer checkpoint, and zj_store_log_frames says how long the log
 * was after its last commit, for the caller to call zj_store_checkpoint on some other
 * connection when it is time. */
int zj_store_defer_checkpoints(zj_store *s, zj_error *err);
int64_t zj_store_log_frames(zj_store *s);
/* Copy what the log holds into the database, waiting for no reader or writer (SQLite's
 * PASSIVE checkpoint: pages a reader still needs stay in the log for a later one). */
int zj_store_checkpoint(zj_store *s, zj_error *err);

/* How long a write on this connection waits for another writer's transaction before it fails
 * with a store error, in milliseconds (readers never wait in WAL mode). A server's reading
 * threads set it short, so an occasional small write there (a session's last use) cannot hold
 * up the requests behind it while an import writes. */
void zj_store_busy_timeout(zj_store *s, int ms);

/* Memory for the store's page cache, in MiB (0: the default). A run that writes and indexes
 * gigabytes in one transaction (a first link of a province) keeps its working pages in memory
 * instead of spilling them and reading them back. */
int zj_store_cache_mib(zj_store *s, int mib, zj_error *err);

/* Reading tables once from start to end (the audit trail's verify): a small page cache and
 * the file mapped into memory (SQLite: mmap_size), so pages are neither copied into the cache
 * nor kept there. Off restores the defaults. */
int zj_store_scan_mode(zj_store *s, bool on, zj_error *err);

/* Run index-building SQL (CREATE INDEX ...; in the caller's transaction if any) the way big
 * builds go fastest: with a page cache of at most 64 MiB meanwhile (store_sqlite.c says why),
 * the caller's cache size restored after. */
int zj_store_create_indexes(zj_store *s, const char *sql, zj_error *err);

/* Indexes that bulk loads left for later, and building them (call before analysis that joins
 * canonical tables; link and detect do). Each runs in the caller's transaction if any. */
int zj_store_pending_indexes(zj_store *s, int64_t *n, zj_error *err);
int zj_store_build_indexes(zj_store *s, int64_t *built, zj_error *err);
/* The same for one table's pending indexes only (a step that joins on a few tables need not
 * pay for all of them). */
int zj_store_build_indexes_on(zj_store *s, const char *table, int64_t *built, zj_error *err);

/* Refresh the query planner's statistics (after large loads), so joins pick their indexes.
 * Bounded work: samples each index rather than reading it whole. Tables with pending indexes
 * are left out: call it again after zj_store_build_indexes. */
int zj_store_analyze(zj_store *s, zj_error *err);
/* The same for one table (canonical or one of the link/detect tables such as "relation"):
 * for a table rebuilt after the last full analysis. ZJ_EUSAGE for an unknown table. */
int zj_store_analyze_table(zj_store *s, const char *table, zj_error *err);

/* Run one or more statements without results. */
int zj_store_exec(zj_store *s, const char *sql, zj_error *err);

/* Checking references (foreign keys) on writes: on by default. Switched off only between
 * transactions, and only by a writer whose every reference points at rows it has just written
 * (a first link run: mentions -> the entities it created; tests verify with the store's own
 * check). Saves a lookup per written row: writing 7.6M person mentions took 14 s without
 * them, 33 s with them (two first links of the large province, 2026-11-28). */
int zj_store_foreign_keys(zj_store *s, bool on, zj_error *err);

/* Bulk insertion (PostgreSQL would use COPY): insert into `table` (a canonical table or one of
 * the link/detect tables) every row `next` gives. `next` fills values[0 .. ncolumns), typed by
 * types[], and returns 1, 0 at the end, or -1 to stop (the insertion then fails with
 * ZJ_EDATA and the caller's message in err, if it set one). The bytes values point to must
 * stay unchanged until its next call. All rows go through one statement: several times cheaper
 * per row than a prepared INSERT stepped per row. Runs in the caller's transaction. */
typedef int (*zj_row_source)(void *ctx, zj_value *values);
int zj_store_insert_all(zj_store *s, const char *table, const char *const *columns,
                        const zj_type *types, size_t ncolumns, zj_row_source next, void *ctx,
                        int64_t *inserted, zj_error *err);

#endif
