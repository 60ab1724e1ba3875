/* bench_filing.c - `make bench` (BENCH_ONLY=filing): the filing check against a loaded store.
 *
 *   bench_filing STORE [CHECKS]
 *
 * Takes up to CHECKS (default 20000) first-instance civil and administrative cases, spread over
 * the store's years, as proposed cases (their parties given by name, ID, phone and address, as a filing
 * judge would type them, each checked on its own filing day, so the windows hold the history
 * of that day) and measures:
 *   - building the in-memory index (with the one-record resolver over every mention, built
 *     on a second connection and thread while the cases load): wall and CPU seconds, peak RSS;
 *   - refreshing it through a service: with nothing new, and after an import (a case written
 *     to the store it is given: the cases reload, the resolver is kept);
 *   - the latency of one check in process, p50 / p99 / max, one thread, the parties as typed
 *     (mostly with an ID, which decides), and again with every ID left out so that each party
 *     is resolved by the linking model over its blocks;
 *   - checks per second on 2 threads sharing one index;
 *   - the same look-ups as SQL on the same SQLite store (each party's cases by ID, else by
 *     name and phone, with the case rows), p50 / p99, one connection: the peer. The bench adds
 *     the indexes on case_party(id_no, uscc, name) that SQL needs, to the store it is given.
 * Prints a Markdown table.
 */
#include <pthread.h>
#include <sys/resource.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "detect/filing.h"
#include "detect/rules.h"
#include "store/store.h"

typedef struct pcase {
    zj_filing_case c;
    char s[8][9][96];   /* per party: role, name, id, phone, address; case: type, cause */
    char claims[512];
} pcase;

/* CPU seconds (user + system) of the process so far. */
static double cpu(void)
{
    struct rusage u;
    getrusage(RUSAGE_SELF, &u);
    return (double)(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
           (double)(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

/* Peak resident set of the process so far, MiB. */
static double peak_mib(void)
{
    struct rusage u;
    getrusage(RUSAGE_SELF, &u);
    return (double)u.ru_maxrss / 1024;
}

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static int cmp_d(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static const char *keep(char *dst, zj_stmt *q, int col)
{
    const char *v = zj_stmt_text(q, col, NULL);
    if (!v)
        return NULL;
    snprintf(dst, 96, "%s", v);
    return dst;
}

static size_t load(zj_store *s, pcase *cs, size_t max, size_t stride, zj_error *err)
{
    zj_stmt *q;
    if (zj_stmt_prepare(s, "SELECT c.id, c.case_type, c.cause, c.claim_amount, p.role, p.name,"
                        " coalesce(p.id_no, p.uscc), p.phone, p.address, c.filed_at, c.claims"
                        " FROM court_case c"
                        " JOIN case_party p ON p.case_system = 'court' AND p.case_no = c.case_no"
                        " WHERE c.case_type IN ('民初', '行初') AND c.id % $1 = 0"
                        " ORDER BY c.id, p.id", &q, err))
        return 0;
    zj_stmt_bind_int(q, 1, (int64_t)stride);
    size_t n = 0;
    int64_t cur = 0;
    while (zj_stmt_next(q, err) == 1) {
        int64_t id = zj_stmt_int(q, 0);
        if (id != cur) {
            if (n == max)
                break;
            cur = id;
            pcase *p = &cs[n++];
            memset(p, 0, sizeof *p);
            p->c.case_type = keep(p->s[7][0], q, 1);
            p->c.cause = keep(p->s[7][1], q, 2);
            p->c.claim_amount = zj_stmt_is_null(q, 3) ? 0 : zj_stmt_double(q, 3);
            const char *f = zj_stmt_text(q, 9, NULL);
            snprintf(p->s[7][2], 11, "%s", f ? f : "");
            p->c.filed_on = f ? p->s[7][2] : NULL;
            const char *cl = zj_stmt_text(q, 10, NULL);
            if (cl) {
                snprintf(p->claims, sizeof p->claims, "%s", cl);
                p->c.claims = p->claims;
            }
        }
        pcase *p = &cs[n - 1];
        if (p->c.nparties == 7)
            continue;
        size_t i = p->c.nparties++;
        zj_filing_party *f = &p->c.parties[i];
        f->role = keep(p->s[i][0], q, 4);
        f->name = keep(p->s[i][1], q, 5);
        f->id_no = keep(p->s[i][2], q, 6);
        f->phone = keep(p->s[i][3], q, 7);
        f->address = keep(p->s[i][4], q, 8);
    }
    zj_stmt_finalize(q);
    return n;
}

typedef struct worker {
    const zj_filing_index *ix;
    const pcase *cs;
    size_t n, from, count;
    double *lat;           /* per check, or NULL */
    int64_t warnings;
} worker;

static void *work(void *p)
{
    worker *w = p;
    zj_filing_result *r = malloc(sizeof *r);
    for (size_t k = 0; r && k < w->count; k++) {
        zj_error err = {0};
        double t0 = w->lat ? now() : 0;
        if (zj_filing_check(w->ix, &w->cs[(w->from + k) % w->n].c, r, &err) == 0)
            for (int j = 0; j < 4; j++)
                w->warnings += r->prompts[j].warn;
        if (w->lat)
            w->lat[k] = now() - t0;
    }
    free(r);
    return NULL;
}

/* The peer: each party's history as SQL on the same store. */
static const char by_id_sql[] =
    "SELECT c.id, c.case_type, c.cause, c.filed_at, c.closed_at, c.outcome, p.role"
    " FROM case_party p JOIN court_case c ON p.case_system = 'court' AND c.case_no = p.case_no"
    " WHERE p.id_no = $1 OR p.uscc = $1";
static const char by_name_sql[] =
    "SELECT c.id, c.case_type, c.cause, c.filed_at, c.closed_at, c.outcome, p.role"
    " FROM case_party p JOIN court_case c ON p.case_system = 'court' AND c.case_no = p.case_no"
    " WHERE p.name = $1 AND p.phone = $2";

static double pct(double *a, size_t n, double q)
{
    return a[(size_t)(q * (double)(n - 1))] * 1e3;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: bench_filing STORE [CHECKS]\n");
        return 2;
    }
    size_t max = argc > 2 ? (size_t)strtoul(argv[2], NULL, 10) : 20000;
    zj_error err = {0};
    zj_store *s;
    zj_rules *rules;
    if (zj_store_open(argv[1], &s, &err) || zj_rules_defaults(&rules, &err)) {
        fprintf(stderr, "bench_filing: %s\n", err.msg);
        return 3;
    }
    pcase *cs = malloc(max * sizeof *cs);
    /* every k-th case, so the sample spans the store's years */
    zj_stmt *qc;
    size_t total = 0;
    if (!zj_stmt_prepare(s, "SELECT count(*) FROM court_case", &qc, &err)) {
        if (zj_stmt_next(qc, &err) == 1)
            total = (size_t)zj_stmt_int(qc, 0);
        zj_stmt_finalize(qc);
    }
    size_t stride = total > max ? total / max : 1;
    size_t n = cs ? load(s, cs, max, stride, &err) : 0;
    if (!n) {
        fprintf(stderr, "bench_filing: no first-instance cases in %s\n", argv[1]);
        return 3;
    }
    double t0 = now(), b0 = cpu();
    zj_filing_index *ix;
    if (zj_filing_index_build(s, rules, NULL, &ix, &err)) {
        fprintf(stderr, "bench_filing: %s\n", err.msg);
        return 3;
    }
    double build = now() - t0, build_cpu = cpu() - b0;
    double build_rss = peak_mib();
    /* one thread, latency of each check */
    double *lat = malloc(n * sizeof *lat), c0 = cpu();
    t0 = now();
    worker one = {ix, cs, n, 0, n, lat, 0};
    work(&one);
    double one_wall = now() - t0, one_cpu = cpu() - c0;
    qsort(lat, n, sizeof *lat, cmp_d);
    /* the same, every ID left out: each party resolved by the model over its blocks */
    pcase *noid = malloc(n * sizeof *noid);
    double *lat2 = malloc(n * sizeof *lat2);
    int64_t by_model = 0;
    for (size_t k = 0; noid && k < n; k++) {
        noid[k] = cs[k];
        /* the copy's strings still point into cs[k], which outlives it */
        for (size_t i = 0; i < noid[k].c.nparties; i++)
            noid[k].c.parties[i].id_no = NULL;
    }
    worker two = {ix, noid, n, 0, n, lat2, 0};
    if (noid && lat2)
        work(&two);
    qsort(lat2, n, sizeof *lat2, cmp_d);
    {
        zj_filing_result *r = malloc(sizeof *r);
        for (size_t k = 0; r && k < n && k < 2000; k++) {
            zj_error e2 = {0};
            if (zj_filing_check(ix, &noid[k].c, r, &e2) == 0)
                for (size_t i = 0; i < r->nparties; i++)
                    by_model += !strcmp(r->parties[i].method, "model");
        }
        free(r);
    }
    /* two threads, throughput */
    size_t each = n > 5000 ? n : 5000;
    worker w[2] = {{ix, cs, n, 0, each, NULL, 0}, {ix, cs, n, n / 2, each, NULL, 0}};
    pthread_t th[2];
    t0 = now();
    c0 = cpu();
    for (int i = 0; i < 2; i++)
        pthread_create(&th[i], NULL, work, &w[i]);
    for (int i = 0; i < 2; i++)
        pthread_join(th[i], NULL);
    double two_wall = now() - t0, two_cpu = cpu() - c0;
    double rate = (double)(2 * each) / two_wall;
    /* the same look-ups as SQL, with the indexes that SQL needs (on this bench copy only) */
    static const char *const indexes[] = {
        "CREATE INDEX IF NOT EXISTS bench_party_id ON case_party(id_no)",
        "CREATE INDEX IF NOT EXISTS bench_party_uscc ON case_party(uscc)",
        "CREATE INDEX IF NOT EXISTS bench_party_name ON case_party(name)",
    };
    zj_stmt *qi, *qn;
    for (size_t i = 0; i < 3; i++) {
        if (zj_stmt_prepare(s, indexes[i], &qi, &err) || zj_stmt_next(qi, &err) < 0) {
            fprintf(stderr, "bench_filing: %s\n", err.msg);
            return 3;
        }
        zj_stmt_finalize(qi);
    }
    double *sql = malloc(n * sizeof *sql);
    if (zj_stmt_prepare(s, by_id_sql, &qi, &err) || zj_stmt_prepare(s, by_name_sql, &qn, &err)) {
        fprintf(stderr, "bench_filing: %s\n", err.msg);
        return 3;
    }
    int64_t rows = 0;
    for (size_t k = 0; k < n; k++) {
        double a = now();
        for (size_t i = 0; i < cs[k].c.nparties; i++) {
            const zj_filing_party *p = &cs[k].c.parties[i];
            zj_stmt *q = p->id_no ? qi : qn;
            if (p->id_no) {
                zj_stmt_bind_text(q, 1, p->id_no, strlen(p->id_no));
            } else {
                zj_stmt_bind_text(q, 1, p->name, strlen(p->name));
                zj_stmt_bind_text(q, 2, p->phone ? p->phone : "", p->phone ? strlen(p->phone) : 0);
            }
            while (zj_stmt_next(q, &err) == 1)
                rows++;
            zj_stmt_reset(q);
        }
        sql[k] = now() - a;
    }
    qsort(sql, n, sizeof *sql, cmp_d);
    zj_stmt_finalize(qi);
    zj_stmt_finalize(qn);
    size_t ncases = zj_filing_index_cases(ix);
    zj_filing_index_free(ix);
    ix = NULL;
    /* refresh, through a service as a server holds it: with nothing new; after an import (a
     * case and its party written to this bench copy: the cases reload, the resolver stays);
     * forced whole by a link generation moved by hand is what the build above measures */
    zj_filing_service *sv;
    t0 = now();
    if (zj_filing_service_open(s, rules, NULL, &sv, &err)) {
        fprintf(stderr, "bench_filing: %s\n", err.msg);
        return 3;
    }
    double open2 = now() - t0;
    zj_filing_refresh same, imported;
    double r0 = now(), rc0 = cpu();
    int frc = zj_filing_service_refresh_info(sv, s, &same, &err);
    double same_s = now() - r0, same_cpu = cpu() - rc0;
    static const char *const import_sql[] = {
        "INSERT INTO court_case (source_system, source_key, batch_id, src_line, content_hash,"
        " case_no, case_type, cause, filed_at, key_hash) VALUES ('bench', $1, 0, 0, 0, $1,"
        " '民初', '民间借贷纠纷', '2030-01-01', -1)",
        "INSERT INTO case_party (source_system, source_key, batch_id, src_line, content_hash,"
        " case_system, case_no, role, name, key_hash) VALUES ('bench', $1, 0, 0, 0, 'court', $1,"
        " 'plaintiff', '某', -1)",
    };
    char key[64];      /* a new case on every run of the bench on one store */
    snprintf(key, sizeof key, "bench-refresh-%lld-%d", (long long)time(NULL), (int)getpid());
    for (size_t i = 0; !frc && i < 2; i++) {
        zj_stmt *qw;
        if ((frc = zj_stmt_prepare(s, import_sql[i], &qw, &err)) == 0) {
            zj_stmt_bind_text(qw, 1, key, strlen(key));
            frc = zj_stmt_next(qw, &err) < 0;
            zj_stmt_finalize(qw);
        }
    }
    r0 = now();
    rc0 = cpu();
    if (!frc)
        frc = zj_filing_service_refresh_info(sv, s, &imported, &err);
    double imp_s = now() - r0, imp_cpu = cpu() - rc0;
    if (frc) {
        fprintf(stderr, "bench_filing: refresh: %s\n", err.msg);
        return 3;
    }
    zj_filing_service_close(sv);
    printf("| measure | zhijian (in-memory index) | SQLite SQL, same store |\n|---|---|---|\n");
    printf("| index build: wall, CPU (user+sys, both threads) | %.2f s, %.2f s (%zu cases) |"
           " (indexes on disk) |\n", build, build_cpu, ncases);
    printf("| peak RSS after the build | %.0f MiB | |\n", build_rss);
    printf("| index build again (a service opening) | %.2f s | |\n", open2);
    printf("| refresh, nothing new | %.3f ms wall, %.3f ms CPU (%s) | |\n", same_s * 1e3,
           same_cpu * 1e3, same.rebuilt ? "rebuilt" : "kept");
    printf("| refresh after an import | %.2f s wall, %.2f s CPU (%s, %zu cases) | |\n", imp_s,
           imp_cpu, imported.resolver_kept ? "cases reloaded, resolver kept" : "rebuilt whole",
           imported.cases);
    printf("| one check, p50 | %.3f ms | %.3f ms |\n", pct(lat, n, 0.5), pct(sql, n, 0.5));
    printf("| one check, p99 | %.3f ms | %.3f ms |\n", pct(lat, n, 0.99), pct(sql, n, 0.99));
    printf("| one check, max | %.3f ms | %.3f ms |\n", lat[n - 1] * 1e3, sql[n - 1] * 1e3);
    printf("| one check, p50 / p99, no IDs (model) | %.3f / %.3f ms | |\n", pct(lat2, n, 0.5),
           pct(lat2, n, 0.99));
    printf("| parties placed by the model, no IDs | %lld (first 2000 checks) | |\n",
           (long long)by_model);
    printf("| one thread: wall, CPU (user+sys) | %.2f s, %.2f s | |\n", one_wall, one_cpu);
    printf("| checks/s, 2 threads | %.0f | |\n", rate);
    printf("| 2 threads: wall, CPU (user+sys) | %.2f s, %.2f s | |\n", two_wall, two_cpu);
    printf("| checks, warnings | %zu, %lld | %lld history rows read |\n", n,
           (long long)one.warnings, (long long)rows);
    zj_rules_free(rules);
    zj_store_close(s);
    free(lat);
    free(lat2);
    free(noid);
    free(sql);
    free(cs);
    return 0;
}
