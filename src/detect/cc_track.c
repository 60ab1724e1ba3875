/* cc_track.c - community-correction subjects, areas and leaves in memory; location points in
 * time order; and CC03's meetings on a uniform grid (or, to check it, over all pairs).
 *
 * The meeting search keeps, per subject, its last fix, and files each subject in the grid cell
 * of that fix. Cells are D metres high and at least D metres wide up to 60 degrees of latitude,
 * so two fixes within D metres are in the same or neighbouring cells: a new fix is compared
 * with the subjects of its 3 x 3 cells only. A pair that is together opens a state (first and
 * last joint fix); a state not renewed within `gap` is closed, and kept as a meeting when it
 * lasted at least T. Memory is the subjects' last fixes, the occupied cells and the open pairs
 * - none of it grows with the number of points. The naive mode scans every subject instead of
 * the cells and must give the same meetings (bench/run.sh asserts it).
 */
#include "detect/cc_track.h"

#include <assert.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

#include "detect/common.h"

/* ---- loading ------------------------------------------------------------------------------ */

static const char subjects_sql[] =
    "SELECT id, subject_no, source_system, source_key, coalesce(unit_code, ''),"
    " coalesce(region_code, ''), device_no, start_date, end_date, monitoring_start_date,"
    " monitoring_end_date FROM cc_subject ORDER BY subject_no, id";
static const char regions_sql[] =
    "SELECT region_code, boundary FROM region WHERE boundary IS NOT NULL ORDER BY region_code, id";
static const char leaves_sql[] =
    "SELECT subject_no, start_at, end_at, returned_at, coalesce(destination_region_code, '')"
    " FROM cc_leave"
    " WHERE status = 'approved' OR (status IS NULL AND approved_at IS NOT NULL)"
    " ORDER BY subject_no, start_at";

int64_t zj_cc_seconds(const char *s, size_t n)
{
    if (!s || n < 10)
        return INT64_MIN;
    int v[6] = {0};
    static const int at[6] = {0, 5, 8, 11, 14, 17}, len[6] = {4, 2, 2, 2, 2, 2};
    for (int k = 0; k < 6; k++) {
        if ((size_t)(at[k] + len[k]) > n) {
            if (k >= 3)
                break;                 /* a date alone is midnight */
            return INT64_MIN;
        }
        for (int j = 0; j < len[k]; j++) {
            char c = s[at[k] + j];
            if (c < '0' || c > '9')
                return INT64_MIN;
            v[k] = v[k] * 10 + (c - '0');
        }
    }
    if (v[1] < 1 || v[1] > 12 || v[2] < 1 || v[2] > 31 || v[3] > 23 || v[4] > 59 || v[5] > 60)
        return INT64_MIN;
    /* days from civil (Howard Hinnant's algorithm) */
    int y = v[0] - (v[1] <= 2);
    int era = (y >= 0 ? y : y - 399) / 400;
    unsigned yoe = (unsigned)(y - era * 400);
    unsigned doy = (unsigned)((153 * (v[1] + (v[1] > 2 ? -3 : 9)) + 2) / 5 + v[2] - 1);
    unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    int64_t days = (int64_t)era * 146097 + (int64_t)doe - 719468;
    return days * 86400 + v[3] * 3600 + v[4] * 60 + v[5];
}

static char *dup_text(zj_stmt *q, int col)
{
    const char *t = zj_stmt_text(q, col, NULL);
    return strdup(t ? t : "");
}

/* a[0..n) == b[0..n), for the few bytes of a subject number or a time (no library call) */
static bool same(const char *a, const char *b, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (a[i] != b[i])
            return false;
    return true;
}

static uint64_t hash_no(const char *no, size_t n)
{
    return XXH3_64bits(no, n);
}

long zj_cc_find(const zj_cc_data *d, const char *no, size_t n)
{
    if (!d->hcap)
        return -1;
    for (size_t h = hash_no(no, n) & (d->hcap - 1);; h = (h + 1) & (d->hcap - 1)) {
        uint32_t v = d->hash[h];
        if (!v)
            return -1;
        const zj_cc_subject *x = &d->subj[v - 1];
        if (x->no_len == n && same(x->no, no, n))
            return (long)(v - 1);
    }
}

static int load_subjects(zj_store *s, zj_cc_data *d, zj_error *err)
{
    zj_stmt *q;
    int rc = zj_stmt_prepare(s, subjects_sql, &q, err), step;
    size_t cap = 0;
    while (!rc && (step = zj_stmt_next(q, err)) == 1) {
        const char *no = zj_stmt_text(q, 1, NULL);
        if (!no || (d->nsubj && strcmp(d->subj[d->nsubj - 1].no, no) == 0))
            continue;                   /* one record per subject number: the first */
        zj_cc_subject *x = zj_grow(d->subj, &cap, d->nsubj + 1, sizeof *x, 256);
        if (!x) {
            rc = zj_fail(err, ZJ_EDATA, "out of memory");
            break;
        }
        d->subj = x;
        x = &d->subj[d->nsubj];
        memset(x, 0, sizeof *x);
        x->id = zj_stmt_int(q, 0);
        x->no = strdup(no);
        x->no_len = x->no ? strlen(x->no) : 0;
        x->system = dup_text(q, 2);
        x->key = dup_text(q, 3);
        x->unit = dup_text(q, 4);
        x->region = dup_text(q, 5);
        d->nsubj++;
        if (!x->no || !x->system || !x->key || !x->unit || !x->region) {
            rc = zj_fail(err, ZJ_EDATA, "out of memory");
            break;
        }
        x->device = !zj_stmt_is_null(q, 6);
        x->start_day = zj_stmt_day(q, 7, ZJ_DAY_MIN);
        x->end_day = zj_stmt_day(q, 8, ZJ_DAY_MAX);
        x->mon_start = zj_stmt_day(q, 9, ZJ_DAY_MIN);
        x->mon_end = zj_stmt_day(q, 10, ZJ_DAY_MAX);
        x->area = -1;
    }
    if (!rc && step < 0)
        rc = ZJ_EDATA;
    zj_stmt_finalize(q);
    if (rc)
        return rc;
    for (d->hcap = 64; d->hcap < 2 * d->nsubj + 2; d->hcap *= 2)
        ;
    if (!(d->hash = calloc(d->hcap, sizeof *d->hash)))
        return zj_fail(err, ZJ_EDATA, "out of memory");
    for (size_t i = 0; i < d->nsubj; i++) {
        size_t h = hash_no(d->subj[i].no, strlen(d->subj[i].no)) & (d->hcap - 1);
        while (d->hash[h])
            h = (h + 1) & (d->hcap - 1);
        d->hash[h] = (uint32_t)(i + 1);
    }
    return ZJ_OK;
}

static int load_areas(zj_store *s, zj_cc_data *d, zj_error *err)
{
    zj_stmt *q;
    int rc = zj_stmt_prepare(s, regions_sql, &q, err), step;
    size_t cap = 0, cap2 = 0;
    while (!rc && (step = zj_stmt_next(q, err)) == 1) {
        size_t n;
        const char *code = zj_stmt_text(q, 0, NULL), *wkt = zj_stmt_text(q, 1, &n);
        if (!code || strlen(code) >= 8)
            continue;
        const char *why;
        zj_geo_area *a = zj_geo_area_new(wkt, n, &why);
        if (!a) {
            d->bad_areas++;
            continue;
        }
        if (d->nareas && strcmp(d->area_code[d->nareas - 1], code) == 0) {
            zj_geo_area_free(d->areas[d->nareas - 1]);   /* the later record wins */
            d->areas[d->nareas - 1] = a;
            continue;
        }
        zj_geo_area **x = zj_grow(d->areas, &cap, d->nareas + 1, sizeof *x, 64);
        char(*c)[8] = x ? zj_grow(d->area_code, &cap2, d->nareas + 1, sizeof *c, 64) : NULL;
        if (x)
            d->areas = x;
        if (c)
            d->area_code = c;
        if (!x || !c) {
            zj_geo_area_free(a);
            rc = zj_fail(err, ZJ_EDATA, "out of memory");
            break;
        }
        d->areas[d->nareas] = a;
        strcpy(d->area_code[d->nareas], code);
        d->nareas++;
    }
    if (!rc && step < 0)
        rc = ZJ_EDATA;
    zj_stmt_finalize(q);
    for (size_t i = 0; !rc && i < d->nsubj; i++)
        for (size_t k = 0; k < d->nareas; k++)   /* areas are sorted: binary search */
            if (strcmp(d->area_code[k], d->subj[i].region) == 0) {
                d->subj[i].area = (int)k;
                break;
            }
    return rc;
}

/* The index of region `code`'s boundary among the loaded areas (sorted by code), or -1. */
static int area_of(const zj_cc_data *d, const char *code)
{
    size_t lo = 0, hi = d->nareas;
    while (code[0] && lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(d->area_code[mid], code);
        if (c == 0)
            return (int)mid;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return -1;
}

static int load_leaves(zj_store *s, zj_cc_data *d, zj_error *err)
{
    zj_stmt *q;
    int rc = zj_stmt_prepare(s, leaves_sql, &q, err), step;
    long cur = -1;
    size_t cap = 0;
    while (!rc && (step = zj_stmt_next(q, err)) == 1) {
        size_t n;
        const char *no = zj_stmt_text(q, 0, &n);
        long i = no ? zj_cc_find(d, no, n) : -1;
        if (i < 0)
            continue;
        const char *a = zj_stmt_text(q, 1, &n);
        int64_t from = zj_cc_seconds(a, n);
        a = zj_stmt_text(q, 2, &n);
        int64_t to = zj_cc_seconds(a, n);
        a = zj_stmt_text(q, 3, &n);
        int64_t back = a ? zj_cc_seconds(a, n) : INT64_MIN;
        if (back != INT64_MIN && back < to)
            to = back;                     /* 销假: returned early, the leave is over */
        if (from == INT64_MIN || to == INT64_MIN || to < from)
            continue;
        zj_cc_subject *x = &d->subj[i];
        if (i != cur)
            cap = (size_t)x->nleaves, cur = i;
        zj_cc_leave *l = zj_grow(x->leaves, &cap, (size_t)x->nleaves + 1, sizeof *l, 4);
        if (!l) {
            rc = zj_fail(err, ZJ_EDATA, "out of memory");
            break;
        }
        x->leaves = l;
        l = &x->leaves[x->nleaves++];
        l->from = from;
        l->to = to;
        snprintf(l->dest, sizeof l->dest, "%s", zj_stmt_text(q, 4, NULL));
        l->dest_area = area_of(d, l->dest);
    }
    if (!rc && step < 0)
        rc = ZJ_EDATA;
    zj_stmt_finalize(q);
    return rc;
}

int zj_cc_load(zj_store *s, zj_cc_data *d, zj_error *err)
{
    memset(d, 0, sizeof *d);
    int rc = load_subjects(s, d, err);
    if (!rc)
        rc = load_areas(s, d, err);
    if (!rc)
        rc = load_leaves(s, d, err);
    return rc;
}

void zj_cc_free(zj_cc_data *d)
{
    for (size_t i = 0; i < d->nsubj; i++) {
        zj_cc_subject *x = &d->subj[i];
        free(x->no);
        free(x->system);
        free(x->key);
        free(x->unit);
        free(x->region);
        free(x->leaves);
    }
    for (size_t i = 0; i < d->nareas; i++)
        zj_geo_area_free(d->areas[i]);
    free(d->subj);
    free(d->areas);
    free(d->area_code);
    free(d->hash);
    memset(d, 0, sizeof *d);
}

/* ---- streaming ---------------------------------------------------------------------------- */

static const char points_sql[] =
    "SELECT recorded_at, subject_no, lat, lon, id FROM cc_location"
    " WHERE lat IS NOT NULL AND lon IS NOT NULL ORDER BY recorded_at, subject_no";

/* The point statement and what decoding its rows needs. */
typedef struct reader {
    zj_stmt *q;
    const zj_cc_data *d;
    char last_no[64];             /* consecutive points often share the subject: the last */
    long last;                    /* look-up, remembered */
    char last_ts[32];             /* and, in time order, their time: the last text and its */
    size_t last_ts_len;           /* value (0: none yet) */
    int64_t last_t;
    int64_t skipped;
    bool done;
} reader;

/* Prepare the statement; the points are read once, front to back: a small page cache keeps the
 * process's memory independent of their number (the operating system's cache does the rest). */
static int reader_open(zj_store *s, const zj_cc_data *d, reader *r, zj_error *err)
{
    memset(r, 0, sizeof *r);
    r->d = d;
    r->last = -1;
    int rc = zj_store_cache_mib(s, 8, err);
    return rc ? rc : zj_stmt_prepare(s, points_sql, &r->q, err);
}

/* Finalize and restore the page cache; rc is the stream's outcome so far. */
static int reader_close(zj_store *s, reader *r, int rc, int64_t *skipped, zj_error *err)
{
    zj_stmt_finalize(r->q);
    zj_error e2 = {0};
    if (zj_store_cache_mib(s, 0, &e2) && !rc)
        rc = zj_fail(err, e2.code, "%s", e2.msg);
    if (skipped)
        *skipped = r->skipped;
    return rc;
}

/* Up to cap points into p, *n of them (0: the end). ZJ_OK or ZJ_EDATA with err set. */
static int read_block(reader *r, zj_cc_point *p, size_t cap, size_t *n, zj_error *err)
{
    size_t k = 0;
    while (k < cap && !r->done) {
        int step = zj_stmt_next(r->q, err);
        if (step <= 0) {
            r->done = true;
            if (step < 0) {
                *n = k;
                return ZJ_EDATA;
            }
            break;
        }
        size_t nt, m;
        const char *ts = zj_stmt_text(r->q, 0, &nt), *no = zj_stmt_text(r->q, 1, &m);
        zj_cc_point *pt = &p[k];
        if (ts && nt == r->last_ts_len && same(ts, r->last_ts, nt))
            pt->t = r->last_t;
        else {
            pt->t = zj_cc_seconds(ts, nt);
            if (ts && nt > 0 && nt < sizeof r->last_ts) {
                memcpy(r->last_ts, ts, nt);
                r->last_ts_len = nt;
                r->last_t = pt->t;
            }
        }
        if (!no || pt->t == INT64_MIN) {
            r->skipped++;
            continue;
        }
        if (m < sizeof r->last_no && same(no, r->last_no, m) && r->last_no[m] == 0)
            pt->subj = r->last;
        else {
            pt->subj = zj_cc_find(r->d, no, m);
            if (m < sizeof r->last_no) {
                memcpy(r->last_no, no, m);
                r->last_no[m] = 0;
                r->last = pt->subj;
            }
        }
        if (pt->subj < 0) {
            r->skipped++;
            continue;
        }
        pt->lat = zj_stmt_double(r->q, 2);
        pt->lon = zj_stmt_double(r->q, 3);
        pt->row = zj_stmt_int(r->q, 4);
        k++;
    }
    *n = k;
    return ZJ_OK;
}

int zj_cc_stream(zj_store *s, const zj_cc_data *d, int (*fn)(const zj_cc_point *, void *),
                 void *ctx, int64_t *skipped, zj_error *err)
{
    reader r;
    int rc = reader_open(s, d, &r, err);
    zj_cc_point blk[256];
    size_t n = 1;
    while (!rc && n) {
        rc = read_block(&r, blk, sizeof blk / sizeof blk[0], &n, err);
        for (size_t i = 0; !rc && i < n; i++)
            rc = fn(&blk[i], ctx);
    }
    return reader_close(s, &r, rc, skipped, err);
}

/* Blocks handed from the reading thread to the caller's: a ring of NBLOCKS, [tail, head)
 * filled (counters, taken modulo NBLOCKS). */
#define NBLOCKS 4

typedef struct pipeline {
    pthread_mutex_t mu;
    pthread_cond_t cv;            /* any change of head, tail, end or stop */
    zj_cc_point *blk[NBLOCKS];
    size_t len[NBLOCKS];
    size_t head, tail;
    bool end;                     /* the reader is done (rc says how) */
    bool stop;                    /* the consumer is done: read no more */
    int rc;
    zj_error err;                 /* the reader's error */
    reader *r;
} pipeline;

static void *read_main(void *arg)
{
    pipeline *p = arg;
    for (;;) {
        pthread_mutex_lock(&p->mu);
        while (p->head - p->tail == NBLOCKS && !p->stop)
            pthread_cond_wait(&p->cv, &p->mu);
        bool stop = p->stop;
        size_t slot = p->head % NBLOCKS;
        pthread_mutex_unlock(&p->mu);
        if (stop)
            break;
        size_t n = 0;
        int rc = read_block(p->r, p->blk[slot], ZJ_CC_BLOCK, &n, &p->err);
        pthread_mutex_lock(&p->mu);
        if (n) {
            p->len[slot] = n;
            p->head++;
        }
        if (rc || !n) {
            p->rc = rc;
            p->end = true;
        }
        pthread_cond_broadcast(&p->cv);
        pthread_mutex_unlock(&p->mu);
        if (rc || !n)
            break;
    }
    return NULL;
}

/* The caller's side: take each filled block in order, hand it to fn, give it back. */
static int consume(pipeline *p, zj_cc_block_fn fn, void *ctx, zj_error *err)
{
    int rc = ZJ_OK;
    for (;;) {
        pthread_mutex_lock(&p->mu);
        while (p->head == p->tail && !p->end)
            pthread_cond_wait(&p->cv, &p->mu);
        bool empty = p->head == p->tail;
        size_t slot = p->tail % NBLOCKS, n = p->len[slot];
        pthread_mutex_unlock(&p->mu);
        if (empty)
            break;
        rc = fn(p->blk[slot], n, ctx, err);
        pthread_mutex_lock(&p->mu);
        p->tail++;
        if (rc)
            p->stop = true;
        pthread_cond_broadcast(&p->cv);
        pthread_mutex_unlock(&p->mu);
        if (rc)
            break;
    }
    return rc;
}

int zj_cc_stream_blocks(zj_store *s, const zj_cc_data *d, zj_cc_block_fn fn, void *ctx,
                        bool threaded, int64_t *skipped, zj_error *err)
{
    reader r;
    int rc = reader_open(s, d, &r, err);
    pipeline p = {.r = &r};
    size_t nb = threaded ? NBLOCKS : 1;
    for (size_t i = 0; !rc && i < nb; i++)
        if (!(p.blk[i] = malloc(ZJ_CC_BLOCK * sizeof *p.blk[i])))
            rc = zj_fail(err, ZJ_EDATA, "out of memory");
    pthread_t th;
    bool started = false;
    if (!rc && threaded && !pthread_mutex_init(&p.mu, NULL)) {
        if (!pthread_cond_init(&p.cv, NULL)) {
            started = pthread_create(&th, NULL, read_main, &p) == 0;
            if (started) {
                rc = consume(&p, fn, ctx, err);
                pthread_join(th, NULL);
                if (!rc && p.rc) {
                    rc = p.rc;
                    if (err)
                        *err = p.err;
                }
            }
            pthread_cond_destroy(&p.cv);
        }
        pthread_mutex_destroy(&p.mu);
    }
    /* one thread: read a block, work through it, read the next */
    size_t n = 1;
    while (!rc && !started && n) {
        rc = read_block(&r, p.blk[0], ZJ_CC_BLOCK, &n, err);
        if (!rc && n)
            rc = fn(p.blk[0], n, ctx, err);
    }
    for (size_t i = 0; i < nb; i++)
        free(p.blk[i]);
    return reader_close(s, &r, rc, skipped, err);
}

/* ---- CC03: meetings ----------------------------------------------------------------------- */

typedef struct fix {
    int64_t t, row;
    double lat, lon;
    int64_t cell;                 /* grid cell key, or INT64_MIN when not filed */
} fix;

typedef struct cell {             /* the subjects filed in one cell */
    uint32_t *items;
    uint32_t n, cap;
} cell;

typedef struct pair {
    uint64_t key;                 /* a << 32 | b */
    int64_t from, last, row_a, row_b;
    double lat, lon;
    int fixes;
    bool used;
} pair;

struct zj_cc_meet {
    zj_cc_meet_params params;
    const zj_cc_meet_params *p;   /* &params */
    bool naive;
    size_t nsubj;
    fix *fx;
    /* the occupied cells: open addressing, linear probing, backward-shift delete; the keys
     * apart from their subjects, so the nine look-ups of a fix probe a few cache lines */
    int64_t *ckey;
    uint8_t *cused;
    cell *cval;
    size_t ccap, ncells;
    pair *pairs;
    size_t pcap, npairs;
    zj_cc_meeting *out;
    size_t nout, ocap;
    double cell_lat, cell_lon;    /* degrees */
    int64_t next_sweep;
    uint32_t *cand;               /* naive: subjects with a fix, in order of their first */
    size_t ncand;
    zj_cc_meet_stats st;
};
typedef struct zj_cc_meet meet;

static uint64_t mix(uint64_t x)
{
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdULL;
    x ^= x >> 33;
    x *= 0xc4ceb9fe1a85ec53ULL;
    return x ^ (x >> 33);
}

static int64_t cell_key(int64_t cy, int64_t cx)
{
    return (int64_t)((uint64_t)cy << 32 ^ (uint64_t)(uint32_t)cx);
}

#define NO_CELL SIZE_MAX

/* The slot of the cell with this key, or NO_CELL. */
static size_t cell_find(const meet *m, int64_t key)
{
    if (!m->ccap)
        return NO_CELL;
    for (size_t h = mix((uint64_t)key) & (m->ccap - 1);; h = (h + 1) & (m->ccap - 1)) {
        if (!m->cused[h])
            return NO_CELL;
        if (m->ckey[h] == key)
            return h;
    }
}

static int cells_grow(meet *m)
{
    size_t nc = m->ccap ? m->ccap * 2 : 1024;
    int64_t *k = malloc(nc * sizeof *k);
    uint8_t *u = calloc(nc, 1);
    cell *v = malloc(nc * sizeof *v);
    if (!k || !u || !v) {
        free(k);
        free(u);
        free(v);
        return -1;
    }
    for (size_t i = 0; i < m->ccap; i++)
        if (m->cused[i]) {
            size_t h = mix((uint64_t)m->ckey[i]) & (nc - 1);
            while (u[h])
                h = (h + 1) & (nc - 1);
            u[h] = 1;
            k[h] = m->ckey[i];
            v[h] = m->cval[i];
        }
    free(m->ckey);
    free(m->cused);
    free(m->cval);
    m->ckey = k;
    m->cused = u;
    m->cval = v;
    m->ccap = nc;
    return 0;
}

static int cell_add(meet *m, int64_t key, uint32_t subj)
{
    size_t h = cell_find(m, key);
    if (h == NO_CELL) {
        if ((m->ncells + 1) * 2 > m->ccap && cells_grow(m))
            return -1;
        h = mix((uint64_t)key) & (m->ccap - 1);
        while (m->cused[h])
            h = (h + 1) & (m->ccap - 1);
        m->cused[h] = 1;
        m->ckey[h] = key;
        memset(&m->cval[h], 0, sizeof m->cval[h]);
        m->ncells++;
        if ((int64_t)m->ncells > m->st.grid_cells_peak)
            m->st.grid_cells_peak = (int64_t)m->ncells;
    }
    cell *c = &m->cval[h];
    if (c->n == c->cap) {
        uint32_t nc = c->cap ? c->cap * 2 : 4;
        uint32_t *it = realloc(c->items, nc * sizeof *it);
        if (!it)
            return -1;
        c->items = it;
        c->cap = nc;
    }
    c->items[c->n++] = subj;
    return 0;
}

static void cell_remove(meet *m, int64_t key, uint32_t subj)
{
    size_t i = cell_find(m, key), j = i;
    if (i == NO_CELL)
        return;
    cell *c = &m->cval[i];
    for (uint32_t k = 0; k < c->n; k++)
        if (c->items[k] == subj) {
            c->items[k] = c->items[--c->n];
            break;
        }
    if (c->n)
        return;
    /* delete the empty cell, shifting later entries of its probe run back */
    free(c->items);
    m->cused[i] = 0;
    m->ncells--;
    for (;;) {
        j = (j + 1) & (m->ccap - 1);
        if (!m->cused[j])
            break;
        size_t k = mix((uint64_t)m->ckey[j]) & (m->ccap - 1);
        if ((j > i && (k <= i || k > j)) || (j < i && (k <= i && k > j))) {
            m->cused[i] = 1;
            m->ckey[i] = m->ckey[j];
            m->cval[i] = m->cval[j];
            m->cused[j] = 0;
            i = j;
        }
    }
}

static pair *pair_get(meet *m, uint64_t key, bool create)
{
    if (create && (m->npairs + 1) * 2 > m->pcap) {
        size_t nc = m->pcap ? m->pcap * 2 : 1024;
        pair *p = calloc(nc, sizeof *p);
        if (!p)
            return NULL;
        for (size_t i = 0; i < m->pcap; i++)
            if (m->pairs[i].used) {
                size_t h = mix(m->pairs[i].key) & (nc - 1);
                while (p[h].used)
                    h = (h + 1) & (nc - 1);
                p[h] = m->pairs[i];
            }
        free(m->pairs);
        m->pairs = p;
        m->pcap = nc;
    }
    if (!m->pcap)
        return NULL;
    size_t h = mix(key) & (m->pcap - 1);
    for (; m->pairs[h].used; h = (h + 1) & (m->pcap - 1))
        if (m->pairs[h].key == key)
            return &m->pairs[h];
    if (!create)
        return NULL;
    memset(&m->pairs[h], 0, sizeof m->pairs[h]);
    m->pairs[h].used = true;
    m->pairs[h].key = key;
    m->npairs++;
    if ((int64_t)m->npairs > m->st.pairs_peak)
        m->st.pairs_peak = (int64_t)m->npairs;
    return &m->pairs[h];
}

/* A pair's togetherness ended: keep it when it lasted long enough. */
static int pair_close(meet *m, const pair *p)
{
    if (p->last - p->from < m->p->min_seconds)
        return 0;
    zj_cc_meeting *o = zj_grow(m->out, &m->ocap, m->nout + 1, sizeof *o, 64);
    if (!o)
        return -1;
    m->out = o;
    o = &m->out[m->nout++];
    o->a = (long)(p->key >> 32);
    o->b = (long)(p->key & 0xffffffffu);
    o->from = p->from;
    o->to = p->last;
    o->fixes = p->fixes;
    o->lat = p->lat;
    o->lon = p->lon;
    o->row_a = p->row_a;
    o->row_b = p->row_b;
    return 0;
}

/* Close every open pair not renewed since `before` (all when before is INT64_MAX), then
 * rebuild the table without them. */
static int pairs_sweep(meet *m, int64_t before)
{
    size_t kept = 0;
    for (size_t i = 0; i < m->pcap; i++) {
        pair *p = &m->pairs[i];
        if (!p->used)
            continue;
        if (p->last < before) {
            if (pair_close(m, p))
                return -1;
            p->used = false;
        } else
            kept++;
    }
    /* rehash in place: move the survivors to a fresh table */
    pair *old = m->pairs;
    size_t ocap = m->pcap;
    m->pairs = NULL;
    m->pcap = 0;
    m->npairs = 0;
    for (size_t i = 0; i < ocap; i++)
        if (old[i].used) {
            pair *p = pair_get(m, old[i].key, true);
            if (!p) {
                free(old);
                return -1;
            }
            *p = old[i];
        }
    free(old);
    assert(m->npairs == kept);
    return 0;
}

static int together(meet *m, uint32_t s, uint32_t o, const zj_cc_point *pt)
{
    const fix *f = &m->fx[o];
    if (pt->t - f->t > m->p->fix_age)
        return 0;
    m->st.candidates++;
    if (zj_geo_metres(pt->lat, pt->lon, f->lat, f->lon) > m->p->distance_m)
        return 0;
    uint32_t a = s < o ? s : o, b = s < o ? o : s;
    uint64_t key = (uint64_t)a << 32 | b;
    pair *p = pair_get(m, key, false);
    bool fresh = !p;
    if (p && pt->t - p->last > m->p->gap) {
        if (pair_close(m, p))     /* the earlier time together is over: keep it, start again */
            return -1;
        fresh = true;
    }
    if (!p && !(p = pair_get(m, key, true)))
        return -1;
    if (fresh) {
        p->from = pt->t;
        p->fixes = 0;
        p->lat = a == s ? pt->lat : f->lat;
        p->lon = a == s ? pt->lon : f->lon;
        p->row_a = a == s ? pt->row : f->row;
        p->row_b = a == s ? f->row : pt->row;
    }
    p->last = pt->t;
    p->fixes++;
    return 0;
}

static void cell_of(const meet *m, double lat, double lon, int64_t *cy, int64_t *cx)
{
    *cy = (int64_t)floor(lat / m->cell_lat);
    *cx = (int64_t)floor(lon / m->cell_lon);
}

/* One fix: 0, or -1 when out of memory. */
static int meet_point(meet *m, const zj_cc_point *pt)
{
    uint32_t s = (uint32_t)pt->subj;
    m->st.points++;
    if (pt->t >= m->next_sweep) {
        if (pairs_sweep(m, pt->t - m->p->gap))
            return -1;
        m->next_sweep = pt->t + m->p->gap;
    }
    int64_t cy, cx;
    cell_of(m, pt->lat, pt->lon, &cy, &cx);
    if (m->naive) {
        for (size_t i = 0; i < m->ncand; i++)
            if (m->cand[i] != s && together(m, s, m->cand[i], pt))
                return -1;
    } else {
        /* columns to search: one each side up to 60 degrees (a cell is D wide at 60: below
         * 59 the formula gives 1 without computing it), more towards the poles */
        int64_t rx = 1;
        if (!(fabs(pt->lat) < 59.0)) {
            double c = cos((fabs(pt->lat) + 0.01) * M_PI / 180.0);
            double need = m->p->distance_m / (111320.0 * (c > 1e-6 ? c : 1e-6));
            rx = (int64_t)ceil(need / m->cell_lon);
            if (rx < 1)
                rx = 1;
            if (rx > 64)
                rx = 64;
        }
        for (int64_t y = cy - 1; y <= cy + 1; y++)
            for (int64_t x = cx - rx; x <= cx + rx; x++) {
                size_t h = cell_find(m, cell_key(y, x));
                const cell *ce = h == NO_CELL ? NULL : &m->cval[h];
                for (uint32_t i = 0; ce && i < ce->n; i++)
                    if (ce->items[i] != s && together(m, s, ce->items[i], pt))
                        return -1;
            }
    }
    fix *f = &m->fx[s];
    if (f->cell == INT64_MIN && m->naive) {
        m->cand[m->ncand++] = s;
    }
    int64_t key = cell_key(cy, cx);
    if (!m->naive && f->cell != key) {
        if (f->cell != INT64_MIN)
            cell_remove(m, f->cell, s);
        if (cell_add(m, key, s))
            return -1;
    }
    f->cell = key;
    f->t = pt->t;
    f->lat = pt->lat;
    f->lon = pt->lon;
    f->row = pt->row;
    size_t bytes = m->nsubj * sizeof(fix) + m->ccap * (sizeof(cell) + 9) +
                   m->pcap * sizeof(pair) +
                   (m->naive ? m->nsubj * sizeof(uint32_t) : m->nsubj * sizeof(uint32_t) * 2);
    if (bytes > m->st.bytes_peak)
        m->st.bytes_peak = bytes;
    return 0;
}

static int by_pair(const void *x, const void *y)
{
    const zj_cc_meeting *a = x, *b = y;
    if (a->a != b->a)
        return a->a < b->a ? -1 : 1;
    if (a->b != b->b)
        return a->b < b->b ? -1 : 1;
    return (a->from > b->from) - (a->from < b->from);
}

int zj_cc_meet_open(size_t nsubj, const zj_cc_meet_params *p, bool naive, zj_cc_meet **out,
                    zj_error *err)
{
    *out = NULL;
    if (p->distance_m <= 0)
        return zj_fail(err, ZJ_EUSAGE, "distance must be positive");
    meet *m = calloc(1, sizeof *m);
    if (!m)
        return zj_fail(err, ZJ_EDATA, "out of memory");
    m->params = *p;
    m->p = &m->params;
    m->naive = naive;
    m->nsubj = nsubj;
    m->cell_lat = p->distance_m / 110000.0;
    m->cell_lon = p->distance_m / 55660.0;          /* 111320 m x cos 60 degrees */
    m->next_sweep = INT64_MIN;
    m->fx = malloc((nsubj + 1) * sizeof *m->fx);
    m->cand = naive ? malloc((nsubj + 1) * sizeof *m->cand) : NULL;
    if (!m->fx || (naive && !m->cand)) {
        zj_cc_meet_free(m);
        return zj_fail(err, ZJ_EDATA, "out of memory");
    }
    for (size_t i = 0; i < nsubj; i++)
        m->fx[i].cell = INT64_MIN;
    *out = m;
    return ZJ_OK;
}

int zj_cc_meet_points(zj_cc_meet *m, const zj_cc_point *pt, size_t n, zj_error *err)
{
    for (size_t i = 0; i < n; i++)
        if (meet_point(m, &pt[i]))
            return zj_fail(err, ZJ_EDATA, "out of memory");
    return ZJ_OK;
}

int zj_cc_meet_finish(zj_cc_meet *m, zj_cc_meeting **out, size_t *nout,
                      zj_cc_meet_stats *stats, zj_error *err)
{
    *out = NULL;
    *nout = 0;
    if (pairs_sweep(m, INT64_MAX))
        return zj_fail(err, ZJ_EDATA, "out of memory");
    if (m->nout)
        qsort(m->out, m->nout, sizeof *m->out, by_pair);
    *out = m->out;
    *nout = m->nout;
    m->out = NULL;
    m->nout = m->ocap = 0;
    if (stats)
        *stats = m->st;
    return ZJ_OK;
}

void zj_cc_meet_free(zj_cc_meet *m)
{
    if (!m)
        return;
    for (size_t i = 0; i < m->ccap; i++)
        if (m->cused[i])
            free(m->cval[i].items);
    free(m->ckey);
    free(m->cused);
    free(m->cval);
    free(m->pairs);
    free(m->fx);
    free(m->cand);
    free(m->out);
    free(m);
}

typedef struct meet_feed {
    meet *m;
    int oom;
} meet_feed;

static int feed_point(const zj_cc_point *pt, void *ctx)
{
    meet_feed *f = ctx;
    return meet_point(f->m, pt) ? (f->oom = -1) : 0;
}

int zj_cc_meetings(size_t nsubj, zj_cc_source source, void *src, const zj_cc_meet_params *p,
                   bool naive, zj_cc_meeting **out, size_t *nout, zj_cc_meet_stats *stats,
                   zj_error *err)
{
    *out = NULL;
    *nout = 0;
    meet_feed f = {0};
    int rc = zj_cc_meet_open(nsubj, p, naive, &f.m, err);
    if (!rc)
        rc = source(src, feed_point, &f, err);
    if (f.oom)
        rc = zj_fail(err, ZJ_EDATA, "out of memory");
    if (!rc)
        rc = zj_cc_meet_finish(f.m, out, nout, stats, err);
    zj_cc_meet_free(f.m);
    return rc;
}

void zj_cc_format_time(int64_t t, char out[20])
{
    long day = (long)(t / 86400);
    char d[11];
    zj_day_format(day, d);
    int64_t r = t - (int64_t)day * 86400;
    snprintf(out, 20, "%s %02d:%02d", d, (int)(r / 3600), (int)(r % 3600 / 60));
}
