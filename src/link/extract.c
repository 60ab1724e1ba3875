/* extract.c - extracting mentions (提及抽取): read the records every spec names (mentions.c),
 * normalize them on worker threads, and hand them on in the order they were read - to the
 * mention table (later runs) or to an in-memory set (a first run; see mentions.h).
 *
 * Normalizing a mention (simplified characters, pinyin, ID checks) costs several times what
 * reading its record costs, so the calling thread only reads: it fills batches of records and
 * workers, each with its own namer, normalize them. Batches are handed on strictly in the
 * order they were read, so mention ids never depend on thread timing.
 */
#include "link/mention_spec.h"

#include "base/parallel.h"
#include "link/link.h"
#include "link/radix.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

#define BATCH_ROWS 1024
#define SLOTS 8                 /* batches in flight */
#define MAX_WORKERS 4

enum { FREE = 0, TODO, BUSY, DONE, FAILED };

typedef struct batch {
    int spec;
    int nrows;
    zj_raw_record rec[BATCH_ROWS];
    zj_buf raw;                 /* the records' values, NUL-terminated one after another */
    zj_buf out;                 /* normalized rows, packed (mention_spec.h) */
    size_t end[BATCH_ROWS];     /* where each packed row ends in out */
    int nout, nskipped;
    int64_t seq;
    int state;
} batch;

typedef struct pool pool;
typedef struct worker_arg {
    pool *p;
    int i;
} worker_arg;

struct pool {
    pthread_mutex_t mu;
    pthread_cond_t todo, done;
    batch *slot;                /* SLOTS of them */
    bool stop;
    int nworkers;
    pthread_t th[MAX_WORKERS];
    zj_namer *nm[MAX_WORKERS];
    bool own_nm[MAX_WORKERS];
    worker_arg args[MAX_WORKERS];
    zj_namer *caller_nm;        /* when no worker could start, the caller normalizes */
    zj_mention_work *caller_work;
};

/* Normalize every record of a batch into its packed output. Returns 0, or -1 when out of
 * memory. */
static int normalize_batch(zj_namer *nm, batch *b, zj_mention_work *w)
{
    zj_buf_clear(&b->out);
    b->nout = b->nskipped = 0;
    for (int i = 0; i < b->nrows; i++) {
        if (!zj_mention_normalize(nm, b->spec, &b->rec[i], w)) {
            b->nskipped++;
            continue;
        }
        size_t need = zj_mention_packed_size(&w->row);
        if (zj_buf_reserve(&b->out, need))
            return -1;
        char *end = zj_mention_pack(b->out.data + b->out.len, &w->row);
        b->out.len = (size_t)(end - b->out.data);
        b->out.data[b->out.len] = '\0';
        b->end[b->nout++] = b->out.len;
    }
    return 0;
}

static batch *next_todo(pool *p)
{
    batch *best = NULL;
    for (int i = 0; i < SLOTS; i++)
        if (p->slot[i].state == TODO && (!best || p->slot[i].seq < best->seq))
            best = &p->slot[i];
    return best;
}

static void *worker(void *arg)
{
    worker_arg *a = arg;
    pool *p = a->p;
    zj_namer *nm = p->nm[a->i];
    zj_mention_work *w = malloc(sizeof *w);
    pthread_mutex_lock(&p->mu);
    for (;;) {
        batch *b = NULL;
        while (!p->stop && !(b = next_todo(p)))
            pthread_cond_wait(&p->todo, &p->mu);
        if (!b)
            break;
        b->state = BUSY;
        pthread_mutex_unlock(&p->mu);
        int ok = w && normalize_batch(nm, b, w) == 0;
        pthread_mutex_lock(&p->mu);
        b->state = ok ? DONE : FAILED;
        pthread_cond_broadcast(&p->done);
    }
    pthread_mutex_unlock(&p->mu);
    free(w);
    return NULL;
}

static int pool_start(pool *p, zj_namer *nm, zj_error *err)
{
    memset(p, 0, sizeof *p);
    p->caller_nm = nm;
    p->slot = calloc(SLOTS, sizeof *p->slot);
    p->caller_work = malloc(sizeof *p->caller_work);
    if (!p->slot || !p->caller_work) {
        free(p->slot);
        free(p->caller_work);
        return zj_fail(err, ZJ_EDATA, "out of memory");
    }
    pthread_mutex_init(&p->mu, NULL);
    pthread_cond_init(&p->todo, NULL);
    pthread_cond_init(&p->done, NULL);
    int want = zj_cores(MAX_WORKERS);
    for (int i = 0; i < want; i++) {
        zj_namer *wn = i == 0 ? nm : zj_namer_new(NULL);
        if (!wn)
            break;     /* fewer workers: slower, not wrong */
        p->nm[i] = wn;
        p->own_nm[i] = i > 0;
        p->args[i] = (worker_arg){p, i};
        if (pthread_create(&p->th[i], NULL, worker, &p->args[i])) {
            if (p->own_nm[i])
                zj_namer_free(wn);
            break;
        }
        p->nworkers++;
    }
    return ZJ_OK;
}

static void pool_stop(pool *p)
{
    pthread_mutex_lock(&p->mu);
    p->stop = true;
    pthread_cond_broadcast(&p->todo);
    pthread_mutex_unlock(&p->mu);
    for (int i = 0; i < p->nworkers; i++) {
        pthread_join(p->th[i], NULL);
        if (p->own_nm[i])
            zj_namer_free(p->nm[i]);
    }
    for (int i = 0; i < SLOTS && p->slot; i++) {
        zj_buf_free(&p->slot[i].raw);
        zj_buf_free(&p->slot[i].out);
    }
    free(p->slot);
    free(p->caller_work);
    pthread_mutex_destroy(&p->mu);
    pthread_cond_destroy(&p->todo);
    pthread_cond_destroy(&p->done);
}

/* Where normalized mentions go, in read order: each packed row (len bytes; mention_spec.h). */
typedef int (*mention_sink)(const char *packed, size_t len, void *ctx, zj_error *err);

/* Wait for a slot's batch and hand its mentions to the sink; the slot is free after. */
static int drain(pool *p, batch *b, mention_sink sink, void *ctx, zj_mention_stats *stats,
                 zj_error *err)
{
    pthread_mutex_lock(&p->mu);
    while (b->state == TODO || b->state == BUSY)
        pthread_cond_wait(&p->done, &p->mu);
    int state = b->state;
    b->state = FREE;
    pthread_mutex_unlock(&p->mu);
    if (state == FREE)
        return ZJ_OK;
    if (state == FAILED)
        return zj_fail(err, ZJ_EDATA, "out of memory normalizing mentions");
    stats->skipped += b->nskipped;
    for (int i = 0; i < b->nout; i++) {
        size_t start = i ? b->end[i - 1] : 0;
        int rc = sink(b->out.data + start, b->end[i] - start, ctx, err);
        if (rc)
            return rc;
        stats->mentions++;
    }
    return ZJ_OK;
}

/* Read up to BATCH_ROWS records of the statement into b. Sets *more = false at the end. */
static int fill(batch *b, int spec, zj_stmt *q, bool *more, zj_error *err)
{
    b->spec = spec;
    b->nrows = 0;
    zj_buf_clear(&b->raw);
    size_t off[BATCH_ROWS][C_COUNT];     /* value offsets + 1 (0: NULL): raw may move */
    int step = 1;
    while (b->nrows < BATCH_ROWS && (step = zj_stmt_next(q, err)) == 1) {
        zj_raw_record *r = &b->rec[b->nrows];
        r->record_id = zj_stmt_int(q, 0);
        for (int c = 1; c < C_COUNT; c++) {
            size_t n;
            const char *v = zj_stmt_text(q, c, &n);
            off[b->nrows][c] = 0;
            if (!v || !n)
                continue;
            off[b->nrows][c] = b->raw.len + 1;
            if (zj_buf_append(&b->raw, v, n) || zj_buf_putc(&b->raw, '\0'))
                return zj_fail(err, ZJ_EDATA, "out of memory");
        }
        b->nrows++;
    }
    if (step < 0)
        return ZJ_EDATA;
    *more = step == 1;
    for (int i = 0; i < b->nrows; i++)
        for (int c = 1; c < C_COUNT; c++)
            b->rec[i].v[c] = off[i][c] ? b->raw.data + off[i][c] - 1 : NULL;
    return ZJ_OK;
}

static int submit(pool *p, batch *b, int64_t seq, zj_error *err)
{
    b->seq = seq;
    if (p->nworkers == 0) {          /* no threads: normalize here */
        b->state = normalize_batch(p->caller_nm, b, p->caller_work) ? FAILED : DONE;
        return b->state == FAILED ? zj_fail(err, ZJ_EDATA, "out of memory") : ZJ_OK;
    }
    pthread_mutex_lock(&p->mu);
    b->state = TODO;
    pthread_cond_signal(&p->todo);
    pthread_mutex_unlock(&p->mu);
    return ZJ_OK;
}

static int each_mention(zj_store *s, zj_namer *nm, int64_t watermark, mention_sink sink,
                        void *ctx, zj_mention_stats *stats, zj_error *err)
{
    pool p;
    int rc = pool_start(&p, nm, err);
    if (rc)
        return rc;
    int64_t seq = 0;
    for (int spec = 0; !rc && spec < zj_mention_spec_count(); spec++) {
        if (!zj_store_table(s, zj_mention_spec_table(spec)))
            continue;
        zj_buf sql = {0};
        zj_stmt *q = NULL;
        if (zj_mention_spec_select(spec, &sql))
            rc = zj_fail(err, ZJ_EDATA, "out of memory");
        else
            rc = zj_stmt_prepare(s, sql.data, &q, err);
        zj_buf_free(&sql);
        if (!rc)
            zj_stmt_bind_int(q, 1, watermark);
        for (bool more = true; !rc && more; seq++) {
            batch *b = &p.slot[seq % SLOTS];
            rc = drain(&p, b, sink, ctx, stats, err);   /* the oldest batch in flight */
            if (!rc)
                rc = fill(b, spec, q, &more, err);
            if (rc || b->nrows == 0)
                break;
            stats->records += b->nrows;
            rc = submit(&p, b, seq, err);
        }
        zj_stmt_finalize(q);
        if (rc)
            zj_error_prefix(err, "extracting mentions from %s: ", zj_mention_spec_table(spec));
    }
    /* the batches still in flight, oldest first */
    for (int64_t k = seq > SLOTS ? seq - SLOTS : 0; !rc && k < seq; k++)
        rc = drain(&p, &p.slot[k % SLOTS], sink, ctx, stats, err);
    pool_stop(&p);
    return rc;
}

/* ---- into the mention table ------------------------------------------------------------- */

static const char upsert_sql[] =
    "INSERT INTO mention (table_name, record_id, role, kind, name, id_no, birth_date, sex,"
    " phone, region_code, name_norm, name_key, id_status, address, context)"
    " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)"
    " ON CONFLICT (table_name, record_id, role) DO UPDATE SET kind = excluded.kind,"
    " name = excluded.name, id_no = excluded.id_no, birth_date = excluded.birth_date,"
    " sex = excluded.sex, phone = excluded.phone, region_code = excluded.region_code,"
    " name_norm = excluded.name_norm, name_key = excluded.name_key,"
    " id_status = excluded.id_status, address = excluded.address, context = excluded.context";

static int64_t scalar(zj_store *s, const char *sql, zj_error *err, int *rc)
{
    zj_stmt *q;
    if ((*rc = zj_stmt_prepare(s, sql, &q, err)))
        return 0;
    int step = zj_stmt_next(q, err);
    int64_t v = step == 1 ? zj_stmt_int(q, 0) : 0;
    if (step < 0)
        *rc = ZJ_EDATA;
    zj_stmt_finalize(q);
    return v;
}

static int set_watermark(zj_store *s, int64_t newest, zj_error *err)
{
    zj_stmt *st;
    int rc = zj_stmt_prepare(s, "INSERT INTO link_state (name, value) VALUES ('extracted_batch', $1)"
                             " ON CONFLICT (name) DO UPDATE SET value = excluded.value", &st, err);
    if (!rc) {
        zj_stmt_bind_int(st, 1, newest);
        rc = zj_stmt_next(st, err) < 0 ? ZJ_EDATA : ZJ_OK;
        zj_stmt_finalize(st);
    }
    return rc;
}

static int upsert_sink(const char *packed, size_t len, void *ctx, zj_error *err)
{
    (void)len;
    zj_stmt *up = ctx;
    zj_mention_row row;
    zj_mention_unpack(packed, &row);
    zj_mention_bind(up, 1, &row);
    int rc = zj_stmt_next(up, err);
    zj_stmt_reset(up);
    return rc < 0 ? ZJ_EDATA : ZJ_OK;
}

int zj_mentions_extract(zj_store *s, zj_namer *nm, bool all, zj_mention_stats *stats,
                        zj_error *err)
{
    memset(stats, 0, sizeof *stats);
    int rc = ZJ_OK;
    int64_t watermark = all ? 0 : scalar(s, "SELECT coalesce(max(value), 0) FROM link_state"
                                            " WHERE name = 'extracted_batch'", err, &rc);
    int64_t newest = 0;       /* never past a batch still loading (store.h) */
    if (!rc)
        rc = zj_store_batch_mark(s, &newest, err);
    bool empty = !rc && scalar(s, "SELECT count(*) FROM (SELECT 1 FROM mention LIMIT 1)", err,
                               &rc) == 0;
    if (!rc && empty)
        rc = zj_mentions_drop_indexes(s, err);
    zj_stmt *up = NULL;
    if (!rc)
        rc = zj_stmt_prepare(s, upsert_sql, &up, err);
    if (!rc)
        rc = each_mention(s, nm, watermark, upsert_sink, up, stats, err);
    zj_stmt_finalize(up);
    if (!rc && empty)
        rc = zj_mentions_create_indexes(s, err);
    if (!rc)
        rc = set_watermark(s, newest, err);
    return rc;
}

int zj_link_generation(zj_store *s, uint64_t *gen, zj_error *err)
{
    /* each a lookup at one end of a primary key or a one-row table: microseconds */
    static const char *const sql[] = {
        "SELECT coalesce(max(value), 0) FROM link_state WHERE name = 'runs'",
        "SELECT coalesce(max(id), 0) FROM mention",
        "SELECT coalesce(max(id), 0) FROM entity",
        "SELECT coalesce(max(id), 0) FROM relation",
    };
    int64_t v[4];
    int rc = ZJ_OK;
    for (size_t i = 0; !rc && i < 4; i++)
        v[i] = scalar(s, sql[i], err, &rc);
    *gen = rc ? 0 : XXH3_64bits(v, sizeof v);
    return rc;
}

int zj_link_pending(zj_store *s, int64_t *batches, zj_error *err)
{
    int rc = ZJ_OK;
    int64_t watermark = scalar(s, "SELECT coalesce(max(value), 0) FROM link_state"
                                  " WHERE name = 'extracted_batch'", err, &rc);
    zj_stmt *q = NULL;
    if (!rc)
        rc = zj_stmt_prepare(s, "SELECT count(*) FROM import_batch WHERE id > $1"
                             " AND status = 'committed'", &q, err);
    if (!rc) {
        zj_stmt_bind_int(q, 1, watermark);
        int step = zj_stmt_next(q, err);
        *batches = step == 1 ? zj_stmt_int(q, 0) : 0;
        rc = step < 0 ? ZJ_EDATA : ZJ_OK;
    }
    zj_stmt_finalize(q);
    return rc;
}

/* ---- into memory ------------------------------------------------------------------------ */

static int collect_sink(const char *packed, size_t len, void *ctx, zj_error *err)
{
    zj_mention_set *set = ctx;
    int k;
    int64_t record_id;
    zj_mention_packed_head(packed, &k, &record_id);
    if (set->len + len > set->cap) {
        char *p = zj_grow(set->data, &set->cap, set->len + len, 1, 1 << 22);
        if (!p)
            return zj_fail(err, ZJ_EDATA, "out of memory");
        set->data = p;
    }
    if ((size_t)set->n[k] == set->ncap[k]) {
        uint64_t *p = zj_grow(set->off[k], &set->ncap[k], set->ncap[k] + 1, sizeof *p, 65536);
        if (!p)
            return zj_fail(err, ZJ_EDATA, "out of memory");
        set->off[k] = p;
    }
    set->off[k][set->n[k]++] = set->len;
    memcpy(set->data + set->len, packed, len);
    set->len += len;
    return ZJ_OK;
}

/* Number the set's rows in the mention table's key order (see mentions.h): sort (key, row)
 * pairs, the key packing the table's rank (5 bits), the record id (55) and the role's rank
 * (4). Each kind's rows are then put in that order too, so the linker walks them in id order
 * - the order a later run reads them back in (ORDER BY id), which keeps a re-run's choices
 * (the reference member of an ID, the model's sample, ties) the same as the first run's.
 * A key that cannot be packed (a record id outside 0..2^55, which the store's writer never
 * gives, or more tables or roles than the bits hold) leaves ids in extraction order, persons
 * first: as correct, only slower to write. */
static int order_set(zj_mention_set *set, zj_error *err)
{
    int64_t n0 = set->n[0], n = set->n[0] + set->n[1];
    if (n >= INT32_MAX)
        return zj_fail(err, ZJ_EDATA, "too many mentions for one run");
    int nspecs = zj_mention_spec_count();
    int table_rank[256], role_rank[256];
    bool packable = nspecs <= 256;
    for (int spec = 0; packable && spec < nspecs; spec++) {
        zj_mention_spec_rank(spec, &table_rank[spec], &role_rank[spec]);
        if (table_rank[spec] >= 32 || role_rank[spec] >= 16)
            packable = false;
    }
    zj_keyed *k = malloc(((size_t)n + 1) * sizeof *k);
    uint64_t *off[2] = {malloc(((size_t)n0 + 1) * sizeof *off[0]),
                        malloc(((size_t)(n - n0) + 1) * sizeof *off[1])};
    set->rank = malloc(((size_t)n + 1) * sizeof *set->rank);
    if (!k || !off[0] || !off[1] || !set->rank) {
        free(k);
        free(off[0]);
        free(off[1]);
        return zj_fail(err, ZJ_EDATA, "out of memory");
    }
    for (int64_t g = 0; g < n; g++) {
        int kind = g >= n0;
        int64_t record_id = 0;
        int packed_kind;
        int spec = packable ? zj_mention_packed_head(set->data + set->off[kind][g - (kind ? n0 : 0)],
                                                     &packed_kind, &record_id) : 0;
        if (record_id < 0 || record_id >= (int64_t)1 << 55)
            packable = false;
        if (packable)
            k[g].key = (uint64_t)table_rank[spec] << 59 | (uint64_t)record_id << 4 |
                       (uint64_t)role_rank[spec];
        k[g].idx = (int32_t)g;
    }
    for (int64_t g = 0; !packable && g < n; g++)
        k[g].key = (uint64_t)g;
    if (zj_radix_sort(k, (size_t)n)) {
        free(k);
        free(off[0]);
        free(off[1]);
        return zj_fail(err, ZJ_EDATA, "out of memory");
    }
    int64_t next[2] = {0, 0};
    for (int64_t at = 0; at < n; at++) {
        int64_t g = k[at].idx;
        int kind = g >= n0;
        int64_t i = next[kind]++;   /* the row's new place within its kind */
        off[kind][i] = set->off[kind][g - (kind ? n0 : 0)];
        set->rank[(kind ? n0 : 0) + i] = (int32_t)at;
    }
    free(k);
    for (int kind = 0; kind < 2; kind++) {
        free(set->off[kind]);
        set->off[kind] = off[kind];
        set->ncap[kind] = (size_t)set->n[kind] + 1;
    }
    return ZJ_OK;
}

int zj_mentions_collect(zj_store *s, zj_namer *nm, zj_mention_set *set, zj_mention_stats *stats,
                        zj_error *err)
{
    memset(stats, 0, sizeof *stats);
    int rc = ZJ_OK;
    int64_t newest = 0;
    rc = zj_store_batch_mark(s, &newest, err);
    if (!rc)
        rc = each_mention(s, nm, 0, collect_sink, set, stats, err);
    if (!rc)
        rc = order_set(set, err);
    if (!rc)
        rc = set_watermark(s, newest, err);
    return rc;
}

void zj_mention_set_row(const zj_mention_set *set, int kind, int64_t i, zj_mention_row *out)
{
    zj_mention_unpack(set->data + set->off[kind][i], out);
}

int64_t zj_mention_set_id(const zj_mention_set *set, int kind, int64_t i)
{
    return (int64_t)set->rank[(kind ? set->n[0] : 0) + i] + 1;
}

/* The set's rows in id order as zj_store_insert_all wants them: each kind's rows are in id
 * order, so the next row is the kind's next with the smaller id. */
typedef struct write_ctx {
    const zj_mention_set *set;
    int64_t *const *entity;
    int64_t next[2];            /* each kind's next row */
} write_ctx;

static void text_value(zj_value *v, const char *s)
{
    v->is_null = !s || !*s;
    v->text = s;
    v->len = s ? strlen(s) : 0;
}

static int next_mention(void *arg, zj_value *v)
{
    write_ctx *w = arg;
    const zj_mention_set *set = w->set;
    bool more[2] = {w->next[0] < set->n[0], w->next[1] < set->n[1]};
    if (!more[0] && !more[1])
        return 0;
    int kind = !more[0] || (more[1] && zj_mention_set_id(set, 1, w->next[1]) <
                                           zj_mention_set_id(set, 0, w->next[0]));
    int64_t i = w->next[kind]++;
    zj_mention_row row;
    zj_mention_set_row(set, kind, i, &row);
    static const char *const kind_name[2] = {"person", "enterprise"};
    v[0] = (zj_value){.i = zj_mention_set_id(set, kind, i)};
    text_value(&v[1], row.table);
    v[2] = (zj_value){.i = row.record_id};
    text_value(&v[3], row.role);
    text_value(&v[4], kind_name[row.kind]);
    for (int c = 0; c < ZJ_MC_COUNT; c++)
        text_value(&v[5 + c], row.v[c]);
    int64_t e = w->entity[kind][i];
    v[5 + ZJ_MC_COUNT] = (zj_value){.is_null = e == 0, .i = e};
    return 1;
}

int zj_mentions_write(zj_store *s, const zj_mention_set *set, int64_t *const entity[2],
                      zj_error *err)
{
    /* in zj_mention_bind's order: table_name record_id role kind, then the ZJ_MC_ columns */
    static const char *const columns[] = {"id", "table_name", "record_id", "role", "kind", "name",
        "id_no", "birth_date", "sex", "phone", "region_code", "name_norm", "name_key", "id_status",
        "address", "context", "entity_id"};
    zj_type types[17];
    for (int i = 0; i < 17; i++)
        types[i] = ZJ_TYPE_TEXT;
    types[0] = types[2] = types[16] = ZJ_TYPE_INTEGER;
    write_ctx w = {set, entity, {0, 0}};
    int64_t n;
    int rc = zj_store_insert_all(s, "mention", columns, types, 17, next_mention, &w, &n, err);
    if (!rc && n != set->n[0] + set->n[1])
        rc = zj_fail(err, ZJ_EDATA, "writing mentions: %lld of %lld stored", (long long)n,
                     (long long)(set->n[0] + set->n[1]));
    return rc ? zj_error_prefix(err, "writing mentions: ") : ZJ_OK;
}

void zj_mention_set_free(zj_mention_set *set)
{
    free(set->data);
    free(set->off[0]);
    free(set->off[1]);
    free(set->rank);
    memset(set, 0, sizeof *set);
}
