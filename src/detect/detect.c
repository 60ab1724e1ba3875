/* detect.c - running detectors: one transaction and one detect_run row per detector, then the
 * leaders' analysis (see detect.h).
 */
#include "detect/detect.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "detect/analysis.h"
#include "detect/scope.h"
#include "text/date.h"

/* ---- parameters ---------------------------------------------------------------------------- */

int64_t zj_param_int(const zj_detect_ctx *c, const char *name)
{
    return zj_rules_int(c->rules, c->det->code, name);
}

double zj_param_real(const zj_detect_ctx *c, const char *name)
{
    return zj_rules_real(c->rules, c->det->code, name);
}

bool zj_param_bool(const zj_detect_ctx *c, const char *name)
{
    return zj_rules_bool(c->rules, c->det->code, name);
}

const char *zj_param_text(const zj_detect_ctx *c, const char *name)
{
    return zj_rules_text(c->rules, c->det->code, name);
}

size_t zj_param_list(const zj_detect_ctx *c, const char *name, const char *const **items)
{
    return zj_rules_list(c->rules, c->det->code, name, items);
}

bool zj_param_has(const zj_detect_ctx *c, const char *name, const char *value, size_t n)
{
    const char *const *it;
    size_t k = zj_param_list(c, name, &it);
    for (size_t i = 0; value && i < k; i++)
        if (strlen(it[i]) == n && !memcmp(it[i], value, n))
            return true;
    return false;
}

/* ---- the run's cache ---------------------------------------------------------------------- */

#define CACHE_SLOTS 8

struct zj_detect_cache {
    struct { char name[32]; void *data; void (*free_fn)(void *); } slot[CACHE_SLOTS];
    int n;
};

void *zj_detect_cache_get(zj_detect_ctx *c, const char *name)
{
    for (int i = 0; c->cache && i < c->cache->n; i++)
        if (!strcmp(c->cache->slot[i].name, name))
            return c->cache->slot[i].data;
    return NULL;
}

int zj_detect_cache_put(zj_detect_ctx *c, const char *name, void *data, void (*free_fn)(void *),
                        zj_error *err)
{
    if (!c->cache || c->cache->n == CACHE_SLOTS || strlen(name) >= sizeof c->cache->slot[0].name) {
        free_fn(data);
        return zj_fail(err, ZJ_EDATA, "detect cache: no room for '%s'", name);
    }
    int i = c->cache->n++;
    snprintf(c->cache->slot[i].name, sizeof c->cache->slot[i].name, "%s", name);
    c->cache->slot[i].data = data;
    c->cache->slot[i].free_fn = free_fn;
    return ZJ_OK;
}

const zj_detector *zj_detect_later(const zj_detect_ctx *c, const char *code)
{
    for (size_t i = 0; i < c->nlater; i++)
        if (!strcmp(c->later[i]->code, code))
            return c->later[i];
    return NULL;
}

static void cache_clear(zj_detect_cache *k)
{
    for (int i = 0; i < k->n; i++)
        k->slot[i].free_fn(k->slot[i].data);
    k->n = 0;
}

/* ---- running ------------------------------------------------------------------------------- */

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double cpu_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double thread_cpu_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* A per-case detector of a full run evaluated ahead of its turn (evaluate_ahead below), on
 * one of two threads, each with its own connection: its leads kept in a memory sink, written
 * in its turn by run_one exactly as if it had emitted them then. */
typedef struct ahead {
    const zj_detector *d;
    zj_lead_sink *mem;
    char summary[256];
    int64_t evaluated;
    double seconds, cpu_seconds;   /* the evaluation's wall and CPU seconds on its thread */
    double last;                   /* the detector's previous run's seconds (for the order) */
    int rc;
    zj_error err;
} ahead;

static void utc_now(char out[20])
{
    time_t t = time(NULL);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(out, 20, "%Y-%m-%d %H:%M:%S", &tm);
}

static int exec1(zj_stmt *st, zj_error *err)
{
    int rc = zj_stmt_next(st, err) < 0 ? ZJ_EDATA : ZJ_OK;
    zj_stmt_reset(st);
    return rc;
}

int zj_detect_scope_sql(const zj_detect_ctx *c, const char *sql, const char *filter,
                        zj_buf *out, zj_error *err)
{
    return zj_scope_sql(sql, c->incremental ? filter : NULL, out, err);
}

/* The previous finished run of a detector: what an incremental run compares itself with. */
typedef struct prev_run {
    int64_t id;                  /* 0: none */
    char as_of[11], digest[17];
    int64_t mark;                /* -1: the run recorded none (before incremental runs) */
    double seconds;              /* how long it took */
} prev_run;

static int find_prev(zj_store *s, const char *code, prev_run *p, zj_error *err)
{
    memset(p, 0, sizeof *p);
    p->mark = -1;
    zj_stmt *q;
    int rc = zj_stmt_prepare(s, "SELECT id, as_of, rules_digest, batch_mark, seconds"
                             " FROM detect_run"
                             " WHERE code = $1 AND finished_at IS NOT NULL ORDER BY id DESC"
                             " LIMIT 1", &q, err);
    if (rc)
        return rc;
    zj_stmt_bind_text(q, 1, code, strlen(code));
    int step = zj_stmt_next(q, err);
    if (step == 1) {
        const char *a = zj_stmt_text(q, 1, NULL), *g = zj_stmt_text(q, 2, NULL);
        p->id = zj_stmt_int(q, 0);
        snprintf(p->as_of, sizeof p->as_of, "%s", a ? a : "");
        snprintf(p->digest, sizeof p->digest, "%s", g ? g : "");
        p->mark = zj_stmt_is_null(q, 3) ? -1 : zj_stmt_int(q, 3);
        p->seconds = zj_stmt_is_null(q, 4) ? 0 : zj_stmt_double(q, 4);
    }
    zj_stmt_finalize(q);
    return step < 0 ? ZJ_EDATA : ZJ_OK;
}

/* How `d` runs against the batches up to `mark`: *scoped when its previous run (*prev) lets the
 * new records be told apart, *incremental when it may then evaluate the touched cases only
 * (same reference day and rules, no --full). */
static int decide(zj_store *s, const zj_rules *rules, const zj_detector *d, const char *as_of,
                  int64_t mark, bool full, prev_run *prev, bool *scoped, bool *incremental,
                  zj_error *err)
{
    memset(prev, 0, sizeof *prev);
    *scoped = *incremental = false;
    if (zj_detector_scope(d) != ZJ_SCOPE_CASE)
        return ZJ_OK;
    char digest[17];
    zj_rules_digest(rules, d->code, digest);
    int rc = find_prev(s, d->code, prev, err);
    /* what is new to this detector: the batches after its previous run's mark */
    *scoped = !rc && prev->id && prev->mark >= 0 && prev->mark <= mark;
    *incremental = *scoped && !full && !strcmp(prev->as_of, as_of) &&
                   !strcmp(prev->digest, digest);
    return rc;
}

/* The scope tables hold the cases of batches (from, to]; built at most once per range. */
typedef struct scope_state {
    int64_t from, to;            /* the range built; from = -1: none yet */
    int64_t cases, subjects;
} scope_state;

/* The context a detector runs in on connection s: its rules, severity, basis and day. */
static zj_detect_ctx detector_ctx(zj_store *s, const zj_rules *rules, const zj_detector *d,
                                  const char *as_of, long as_of_day)
{
    zj_detect_ctx ctx = {
        .store = s,
        .det = d,
        .rules = rules,
        .severity = zj_rules_severity(rules, d->code, d->severity),
        .basis = zj_rules_basis(rules, d->code, d->basis),
        .as_of_day = as_of_day,
    };
    snprintf(ctx.as_of, sizeof ctx.as_of, "%s", as_of);
    return ctx;
}

/* Run d = sel[0]; sel[1..nsel) are the detectors the run starts after it. */
static int run_one(zj_store *s, const zj_rules *rules, const zj_detector *const *sel,
                   size_t nsel, const char *as_of, long as_of_day, zj_detect_cache *cache,
                   int64_t mark, bool full, scope_state *sc, bool *scan, ahead *pre,
                   zj_detect_stats *st, zj_error *err)
{
    const zj_detector *d = sel[0];
    memset(st, 0, sizeof *st);
    snprintf(st->code, sizeof st->code, "%s", d->code);
    st->scope_cases = -1;
    double t0 = now_seconds(), c0 = cpu_now(), tc0 = thread_cpu_now();
    char started[20], digest[17];
    utc_now(started);
    zj_rules_digest(rules, d->code, digest);
    prev_run prev;
    bool scoped, incremental;
    int rc = decide(s, rules, d, as_of, mark, full, &prev, &scoped, &incremental, err);
    if (!rc && scoped && (sc->from != prev.mark || sc->to != mark)) {
        rc = zj_scope_build(s, prev.mark, mark, &sc->cases, &sc->subjects, err);
        sc->from = rc ? -1 : prev.mark;
        sc->to = mark;
    }
    if (scoped)
        st->scope_cases = sc->cases;
    if (rc)
        return rc;
    st->incremental = incremental;
    /* A per-case detector evaluating every case reads its case tables once, in order: mapped
     * pages rather than copies in a page cache grown for the purpose (zeroing that memory was
     * most of a full case-flow run's time). An incremental run reads a few pages here and
     * there, and the others use the usual cache. */
    bool want = zj_detector_scope(d) == ZJ_SCOPE_CASE && !incremental;
    if (want != *scan && (rc = zj_store_scan_mode(s, want, err)))
        return rc;
    *scan = want;
    rc = zj_store_begin(s, err);
    if (rc)
        return rc;
    zj_stmt *ins = NULL, *fin = NULL;
    zj_lead_sink *sink = NULL;
    rc = zj_stmt_prepare(s, "INSERT INTO detect_run (code, started_at, rules_digest, as_of,"
                         " batch_mark, scope, cases) VALUES ($1, $2, $3, $4, $5, $6, $7)", &ins,
                         err);
    if (!rc) {
        zj_stmt_bind_text(ins, 1, d->code, strlen(d->code));
        zj_stmt_bind_text(ins, 2, started, strlen(started));
        zj_stmt_bind_text(ins, 3, digest, strlen(digest));
        zj_stmt_bind_text(ins, 4, as_of, strlen(as_of));
        zj_stmt_bind_int(ins, 5, mark);
        zj_stmt_bind_text(ins, 6, incremental ? "cases" : "all", incremental ? 5 : 3);
        if (incremental)
            zj_stmt_bind_int(ins, 7, sc->cases);
        else
            zj_stmt_bind_null(ins, 7);
        rc = exec1(ins, err);
        st->run_id = zj_store_last_insert_id(s);
    }
    if (!rc && scoped)
        rc = zj_leads_scope_snapshot(s, d->code, prev.id, err);
    zj_detect_ctx ctx = detector_ctx(s, rules, d, as_of, as_of_day);
    ctx.cache = cache;
    ctx.incremental = incremental;
    ctx.later = sel + 1;
    ctx.nlater = nsel - 1;
    if (!rc)
        rc = zj_sink_open(s, d->code, st->run_id, ctx.basis, &sink, err);
    if (!rc && pre && incremental)
        rc = zj_fail(err, ZJ_EDATA, "detector %s: evaluated ahead for a full run, but the run "
                     "is incremental", d->code);       /* evaluate_ahead decides as this does */
    if (!rc) {
        ctx.sink = sink;
        if (pre) {                   /* evaluated already: its leads are written now */
            rc = zj_sink_replay(pre->mem, sink, err);
            snprintf(ctx.summary, sizeof ctx.summary, "%s", pre->summary);
            ctx.evaluated = pre->evaluated;
        } else {
            rc = d->run(&ctx, err);
        }
        if (rc)
            zj_error_prefix(err, "detector %s: ", d->code);
    }
    if (!rc) {
        zj_sink_counts(sink, &st->found, &st->inserted, &st->updated, &st->unchanged);
        snprintf(st->summary, sizeof st->summary, "%s", ctx.summary);
        st->evaluated = ctx.evaluated;
        st->ahead = pre != NULL;
        if (incremental) {
            /* the leads of untouched cases are found again without looking: counted unchanged */
            rc = zj_leads_carry(s, d->code, prev.id, st->run_id, &st->carried, err);
            st->found += st->carried;
            st->unchanged += st->carried;
        }
        if (!rc && scoped)
            rc = zj_leads_record_changes(s, st->run_id, &st->changes, err);
        if (!rc)
            rc = zj_leads_not_seen(s, d->code, st->run_id, &st->not_seen, err);
    }
    st->seconds = now_seconds() - t0;
    st->cpu_seconds = cpu_now() - c0;
    if (pre) {                       /* its evaluation ran before, on its thread */
        st->seconds += pre->seconds;
        st->cpu_seconds = thread_cpu_now() - tc0 + pre->cpu_seconds;
    }
    if (!rc)
        rc = zj_stmt_prepare(s, "UPDATE detect_run SET finished_at = $1, found = $2,"
                             " inserted = $3, updated = $4, unchanged = $5, seconds = $6"
                             " WHERE id = $7", &fin, err);
    if (!rc) {
        char finished[20];
        utc_now(finished);
        zj_stmt_bind_text(fin, 1, finished, strlen(finished));
        zj_stmt_bind_int(fin, 2, st->found);
        zj_stmt_bind_int(fin, 3, st->inserted);
        zj_stmt_bind_int(fin, 4, st->updated);
        zj_stmt_bind_int(fin, 5, st->unchanged);
        zj_stmt_bind_double(fin, 6, st->seconds);
        zj_stmt_bind_int(fin, 7, st->run_id);
        rc = exec1(fin, err);
    }
    zj_stmt_finalize(ins);
    zj_stmt_finalize(fin);
    zj_sink_close(sink);
    if (!rc)
        rc = zj_store_commit(s, err);
    if (rc)
        zj_store_rollback(s, NULL);
    return rc;
}

/* ---- evaluating per-case detectors on two threads ------------------------------------------ *
 * A full run's per-case detectors read only the canonical case tables through their own
 * statements (no cache, no scope tables, nothing written), so each may be evaluated on any
 * connection to the store. evaluate_ahead does that for all of them before the run writes
 * anything: this thread on the run's connection and a second thread on a connection of its
 * own take the detectors one at a time, longest first (by each one's previous run), each into
 * a memory sink. run_one then writes each one's leads in catalog order, in its own transaction
 * as always, so the leads, runs and their order are those of a run on one thread. */

typedef struct ahead_queue {
    ahead *a;
    size_t n, next;
    pthread_mutex_t mu;
    const zj_rules *rules;
    const char *as_of, *path;
    long as_of_day;
} ahead_queue;

static ahead *ahead_take(ahead_queue *q)
{
    pthread_mutex_lock(&q->mu);
    ahead *a = q->next < q->n ? &q->a[q->next++] : NULL;
    pthread_mutex_unlock(&q->mu);
    return a;
}

/* Evaluate the queue's detectors on connection s until none is left. */
static void ahead_work(zj_store *s, ahead_queue *q)
{
    bool snap = zj_store_snapshot_begin(s);     /* one read lock, one state of the store */
    for (ahead *a; (a = ahead_take(q));) {
        double t0 = now_seconds(), c0 = thread_cpu_now();
        zj_detect_ctx ctx = detector_ctx(s, q->rules, a->d, q->as_of, q->as_of_day);
        a->rc = zj_sink_open_memory(a->d->code, &a->mem, &a->err);
        if (!a->rc) {
            ctx.sink = a->mem;
            a->rc = a->d->run(&ctx, &a->err);
        }
        snprintf(a->summary, sizeof a->summary, "%s", ctx.summary);
        a->evaluated = ctx.evaluated;
        a->seconds = now_seconds() - t0;
        a->cpu_seconds = thread_cpu_now() - c0;
    }
    zj_store_snapshot_end(s, snap);
}

static void *ahead_main(void *arg)
{
    ahead_queue *q = arg;
    zj_store *own = NULL;
    zj_error ignored = {0};
    /* no connection of its own: this thread's share falls to the run's thread */
    if (zj_store_open_existing(q->path, &own, &ignored) == ZJ_OK &&
        zj_store_scan_mode(own, true, &ignored) == ZJ_OK)
        ahead_work(own, q);
    zj_store_close(own);
    return NULL;
}

static int by_last_desc(const void *x, const void *y)
{
    const ahead *a = x, *b = y;
    return a->last < b->last ? 1 : a->last > b->last ? -1 : 0;
}

/* Evaluate ahead the detectors of sel that run in full and per case, when there are two or
 * more and the store is a file a second connection can open: *out (n_out of them, in the
 * order they were taken), NULL when none. */
static int evaluate_ahead(zj_store *s, const zj_rules *rules, const zj_detector *const *sel,
                          size_t nsel, const char *as_of, long as_of_day, int64_t mark,
                          bool full, bool *scan, ahead **out, size_t *n_out, zj_error *err)
{
    *out = NULL;
    *n_out = 0;
    const char *path = zj_store_path(s);
    if (!path || nsel < 2)
        return ZJ_OK;
    ahead *a = calloc(nsel, sizeof *a);
    if (!a)
        return zj_fail(err, ZJ_EDATA, "out of memory");
    size_t n = 0;
    int rc = ZJ_OK;
    for (size_t i = 0; !rc && i < nsel; i++) {
        prev_run prev;
        bool scoped, incremental;
        rc = decide(s, rules, sel[i], as_of, mark, full, &prev, &scoped, &incremental, err);
        if (!rc && zj_detector_scope(sel[i]) == ZJ_SCOPE_CASE && !incremental)
            a[n++] = (ahead){.d = sel[i], .last = prev.seconds};
    }
    if (rc || n < 2) {
        free(a);
        return rc;
    }
    qsort(a, n, sizeof *a, by_last_desc);       /* stable enough: ties keep no promise */
    if (!*scan && (rc = zj_store_scan_mode(s, true, err))) {
        free(a);
        return rc;
    }
    *scan = true;
    ahead_queue q = {.a = a, .n = n, .rules = rules, .as_of = as_of, .path = path,
                     .as_of_day = as_of_day};
    pthread_mutex_init(&q.mu, NULL);
    pthread_t th;
    bool threaded = pthread_create(&th, NULL, ahead_main, &q) == 0;
    ahead_work(s, &q);
    if (threaded)
        pthread_join(th, NULL);
    pthread_mutex_destroy(&q.mu);
    *out = a;
    *n_out = n;
    return ZJ_OK;
}

static void ahead_free(ahead *a, size_t n)
{
    for (size_t i = 0; i < n; i++)
        zj_sink_close(a[i].mem);
    free(a);
}

static bool selected(const zj_detect_options *opt, const char *code)
{
    for (size_t i = 0; i < opt->nonly; i++)
        if (!strcasecmp(opt->only[i], code))
            return true;
    return false;
}

int zj_detect_run(zj_store *s, const zj_rules *rules, const zj_detect_options *opt,
                  zj_error *err)
{
    zj_detect_options none = {0};
    if (!opt)
        opt = &none;
    for (size_t i = 0; i < opt->nonly; i++)
        if (!zj_detector_find(opt->only[i]))
            return zj_fail(err, ZJ_EUSAGE, "unknown detector code '%s' (see 'zhijian detect "
                           "--list')", opt->only[i]);
    char as_of[11];
    zj_datetime dt;
    if (opt->as_of) {
        if (zj_date_parse(opt->as_of, strlen(opt->as_of), (const char *const[]){"%Y-%m-%d", NULL},
                          &dt, NULL))
            return zj_fail(err, ZJ_EUSAGE, "reference date '%s': expected YYYY-MM-DD",
                           opt->as_of);
    } else {
        time_t t = time(NULL);
        struct tm tm;
        gmtime_r(&t, &tm);
        dt = (zj_datetime){.year = tm.tm_year + 1900, .month = tm.tm_mon + 1, .day = tm.tm_mday};
    }
    snprintf(as_of, sizeof as_of, "%04u-%02u-%02u", (unsigned)dt.year % 10000u,
             (unsigned)dt.month % 100u, (unsigned)dt.day % 100u);
    long as_of_day = zj_days_from_civil(dt.year, dt.month, dt.day);

    /* Fresh planner statistics for the relations graph: every link run rebuilds it after its
     * own ANALYZE (imports analyze what they load), and without statistics the planner may
     * drive a join from the large side (bounded work: the store samples each index). */
    int64_t built = 0;
    int rc = zj_store_build_indexes(s, &built, err);     /* left by bulk imports, if any */
    if (!rc)
        rc = built ? zj_store_analyze(s, err) : zj_store_analyze_table(s, "relation", err);
    if (rc)
        return rc;
    int64_t mark = 0;
    if ((rc = zj_scope_batch_mark(s, &mark, err)))
        return rc;
    scope_state sc = {.from = -1, .to = -1};
    const zj_detector *const *d;
    size_t n = zj_detectors(&d);
    const zj_detector **sel = malloc((n ? n : 1) * sizeof *sel);   /* the run's detectors */
    size_t nsel = 0;
    if (!sel)
        return zj_fail(err, ZJ_EDATA, "out of memory");
    for (size_t i = 0; i < n; i++)
        if (opt->nonly ? selected(opt, d[i]->code) : zj_rules_enabled(rules, d[i]->code))
            sel[nsel++] = d[i];
    zj_detect_cache cache = {0};
    bool scan = false;          /* see run_one */
    double t0 = now_seconds(), c0 = cpu_now();
    ahead *pre = NULL;
    size_t npre = 0;
    rc = evaluate_ahead(s, rules, sel, nsel, as_of, as_of_day, mark, opt->full, &scan, &pre,
                        &npre, err);
    for (size_t i = 0; !rc && i < nsel; i++) {
        ahead *a = NULL;
        for (size_t k = 0; k < npre; k++)
            if (pre[k].d == sel[i])
                a = &pre[k];
        if (a && a->rc) {            /* its evaluation failed: the run stops here, as ever */
            *err = a->err;
            zj_error_prefix(err, "detector %s: ", a->d->code);
            rc = a->rc;
            break;
        }
        zj_detect_stats st;
        rc = run_one(s, rules, sel + i, nsel - i, as_of, as_of_day, &cache, mark, opt->full, &sc,
                     &scan, a, &st, err);
        if (!rc && opt->done)
            opt->done(&st, opt->done_ctx);
    }
    if (opt->totals) {
        opt->totals->seconds = now_seconds() - t0;
        opt->totals->cpu_seconds = cpu_now() - c0;
        opt->totals->threads = npre ? 2 : 1;
    }
    ahead_free(pre, npre);
    free(sel);
    cache_clear(&cache);
    if (scan)
        zj_store_scan_mode(s, false, NULL);
    if (rc)
        return rc;
    if (opt->skip_analysis)
        return ZJ_OK;
    return zj_analysis_run(s, rules, as_of, as_of_day, NULL, err);
}
