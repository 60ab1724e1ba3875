/* bench_track.c - trajectory data for the community-correction benchmark, and the meeting
 * search (CC03) against all pairs on a sample.
 *
 *   build/bench/bench_track write DB [SUBJECTS [DAYS [EVERY_MIN]]]   (5000, 35, 5: 50.4M points)
 *   build/bench/bench_track compare DB [SAMPLE_SUBJECTS [SAMPLE_HOURS]]          (600, 72)
 *
 * write: a fresh store with 100 county boundaries (0.5 degree squares), SUBJECTS subjects with
 * a device, their approved leaves, and a fix every EVERY_MIN minutes for DAYS days each,
 * through the store's bulk writer (what an import does after parsing); then the indexes.
 * Planted: every 50th subject a 30-hour trip out of the county without leave (CC01), one with
 * leave, a 40-hour silence (CC02), a single outlying fix; every 200th subject visits the home of
 * the subject 100 places on (same county) for two hours on two evenings (CC03). Prints points,
 * seconds and points/s.
 * compare: the points of the first SAMPLE_SUBJECTS subjects over the first SAMPLE_HOURS hours,
 * in time order, through zj_cc_meetings with the grid and with all pairs; exits 1 unless the
 * two give exactly the same meetings. Prints both as Markdown rows.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "detect/cc_track.h"
#include "store/store.h"

static double wall(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static double cpu(void)
{
    struct timespec t;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static void die(const zj_error *err)
{
    fprintf(stderr, "bench_track: %s\n", err->msg);
    exit(3);
}

static uint64_t mix(uint64_t x)
{
    x += 0x9E3779B97F4A7C15ull;
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
    return x ^ (x >> 31);
}

static double unif(uint64_t a, uint64_t b)
{
    return (double)(mix(a * 0x100000001B3ull ^ b) >> 11) / 9007199254740992.0;
}

#define T0 1767225600LL          /* 2026-01-01 00:00:00 */

static void fmt_ts(int64_t t, char out[20])
{
    time_t tt = (time_t)t;
    struct tm tm;
    gmtime_r(&tt, &tm);
    strftime(out, 20, "%Y-%m-%d %H:%M:%S", &tm);
}

static void county_centre(int c, double *lat, double *lon)
{
    *lat = 32.0 + 0.5 * (c / 10) + 0.25;
    *lon = 105.5 + 0.5 * (c % 10) + 0.25;
}

static void home(int64_t i, double *lat, double *lon)
{
    county_centre((int)(i % 100), lat, lon);
    int64_t g = i / 100 % 400;
    *lat += (double)(g % 20 - 10) * 0.0045;
    *lon += (double)(g / 20 - 10) * 0.0045;
}

typedef struct gen {
    int64_t subjects, days, every, i, k, n, line;
    char key[64], ts[20], no[24];
    zj_value v[4];
} gen;

/* Where subject i is at time t (its k-th fix); false when the device is silent. */
static bool position(const gen *g, int64_t i, int64_t t, int64_t k, double *lat, double *lon)
{
    int64_t rel = t - T0, day = rel / 86400, in_day = rel % 86400;
    home(i, lat, lon);
    if (i % 50 == 3 && rel >= 12 * 86400 && rel < 12 * 86400 + 40 * 3600)
        return false;                                    /* silent 40 hours */
    if ((i % 50 == 1 || i % 50 == 2) && rel >= 10 * 86400 && rel < 10 * 86400 + 30 * 3600) {
        *lat += 0.6;                                     /* a trip to the next county north */
        *lon += (double)(i % 17) * 0.004;
    }
    if (i % 50 == 4 && k == 2000)
        *lat += 0.3;                                     /* one outlying fix */
    if (i % 200 == 5 && i + 100 < g->subjects && (day == 1 || day == 2 || day == 20) &&
        in_day >= 19 * 3600 && in_day < 21 * 3600)
        home(i + 100, lat, lon);                         /* at the other's home */
    *lat += (unif((uint64_t)i, (uint64_t)k) - 0.5) * 0.0004;
    *lon += (unif((uint64_t)k, (uint64_t)i) - 0.5) * 0.0004;
    return true;
}

static int next_point(void *ctx, zj_record *rec)
{
    gen *g = ctx;
    int64_t per = g->days * 1440 / g->every;
    for (;;) {
        if (g->i >= g->subjects)
            return 0;
        if (g->k >= per) {
            g->i++;
            g->k = 0;
            continue;
        }
        int64_t t = T0 + (g->i * 37 % g->every) * 60 + g->k * g->every * 60;
        double lat, lon;
        bool on = position(g, g->i, t, g->k, &lat, &lon);
        g->k++;
        if (!on)
            continue;
        snprintf(g->no, sizeof g->no, "SJ%06" PRId64, g->i);
        fmt_ts(t, g->ts);
        int n = snprintf(g->key, sizeof g->key, "%s\x1f%s", g->no, g->ts);
        g->v[0] = (zj_value){.text = g->no, .len = strlen(g->no)};
        g->v[1] = (zj_value){.text = g->ts, .len = 19};
        g->v[2] = (zj_value){.r = lat};
        g->v[3] = (zj_value){.r = lon};
        *rec = (zj_record){.key = g->key, .key_len = (size_t)n, .src_line = ++g->line,
                           .content_hash = (int64_t)mix((uint64_t)g->line), .values = g->v};
        g->n++;
        return 1;
    }
}

static zj_writer *open_batch(zj_store *s, const char *table, const char *const *cols, size_t n,
                             const char *system, int64_t expected, zj_error *err)
{
    char now[20];
    fmt_ts((int64_t)time(NULL), now);
    zj_batch b = {.source_system = system, .table = table, .file = "bench_track",
                  .file_digest = table, .started_at = now, .status = "committed"};
    int64_t id;
    zj_writer *w = NULL;
    if (zj_store_batch_start(s, &b, &id, err) ||
        zj_writer_open(s, table, cols, n, system, id, expected, &w, err))
        die(err);
    return w;
}

static void put(zj_writer *w, const char *key, int64_t line, const zj_value *v, size_t n,
                zj_error *err)
{
    zj_put_result r;
    (void)n;
    if (zj_writer_put(w, key, strlen(key), line, line, v, &r, err))
        die(err);
}

static int cmd_write(const char *db, int64_t subjects, int64_t days, int64_t every)
{
    zj_error err = {0};
    remove(db);
    zj_store *s;
    if (zj_store_open(db, &s, &err))
        die(&err);
    /* regions, subjects, leaves */
    if (zj_store_begin(s, &err))
        die(&err);
    static const char *const rcols[] = {"region_code", "name", "level", "boundary"};
    zj_writer *w = open_batch(s, "region", rcols, 4, "mnr_boundary", 0, &err);
    for (int c = 0; c < 100; c++) {
        char code[8], wkt[160], name[16];
        double la, lo;
        county_centre(c, &la, &lo);
        snprintf(code, sizeof code, "61%04d", c + 1);
        snprintf(name, sizeof name, "县%d", c + 1);
        snprintf(wkt, sizeof wkt, "POLYGON ((%.2f %.2f, %.2f %.2f, %.2f %.2f, %.2f %.2f, %.2f %.2f))",
                 lo - .25, la - .25, lo + .25, la - .25, lo + .25, la + .25, lo - .25, la + .25,
                 lo - .25, la - .25);
        zj_value v[4] = {{.text = code, .len = 6}, {.text = name, .len = strlen(name)},
                         {.text = "county", .len = 6}, {.text = wkt, .len = strlen(wkt)}};
        put(w, code, c + 1, v, 4, &err);
    }
    if (zj_writer_finish(w, &err))
        die(&err);
    zj_writer_close(w);
    static const char *const scols[] = {"subject_no", "name", "unit_code", "region_code",
                                        "device_no", "start_date", "end_date"};
    w = open_batch(s, "cc_subject", scols, 7, "justice_sqjz", 0, &err);
    for (int64_t i = 0; i < subjects; i++) {
        char no[24], code[8], dev[24];
        snprintf(no, sizeof no, "SJ%06" PRId64, i);
        snprintf(code, sizeof code, "61%04d", (int)(i % 100) + 1);
        snprintf(dev, sizeof dev, "GPS%06" PRId64, i);
        zj_value v[7] = {{.text = no, .len = strlen(no)}, {.text = "某某", .len = 6},
                         {.text = "C610000", .len = 7}, {.text = code, .len = 6},
                         {.text = dev, .len = strlen(dev)}, {.text = "2025-06-01", .len = 10},
                         {.text = "2027-06-01", .len = 10}};
        put(w, no, i + 1, v, 7, &err);
    }
    if (zj_writer_finish(w, &err))
        die(&err);
    zj_writer_close(w);
    static const char *const lcols[] = {"leave_no", "subject_no", "approved_at", "start_at",
                                        "end_at", "status"};
    w = open_batch(s, "cc_leave", lcols, 6, "justice_sqjz", 0, &err);
    for (int64_t i = 2; i < subjects; i += 50) {
        char no[24], lno[32], a[20], f[20], t[20];
        snprintf(no, sizeof no, "SJ%06" PRId64, i);
        snprintf(lno, sizeof lno, "QJ%06" PRId64, i);
        fmt_ts(T0 + 9 * 86400, a);
        fmt_ts(T0 + 10 * 86400 - 3600, f);
        fmt_ts(T0 + 12 * 86400, t);
        zj_value v[6] = {{.text = lno, .len = strlen(lno)}, {.text = no, .len = strlen(no)},
                         {.text = a, .len = 19}, {.text = f, .len = 19}, {.text = t, .len = 19},
                         {.text = "approved", .len = 8}};
        put(w, lno, i + 1, v, 6, &err);
    }
    if (zj_writer_finish(w, &err) || zj_store_commit(s, &err))
        die(&err);
    zj_writer_close(w);

    /* the points, in bulk */
    double w0 = wall(), c0 = cpu();
    gen g = {.subjects = subjects, .days = days, .every = every};
    static const char *const pcols[] = {"subject_no", "recorded_at", "lat", "lon"};
    zj_put_counts counts = {0};
    if (zj_store_bulk_load(s, true, &err) || zj_store_begin(s, &err))
        die(&err);
    int64_t expect = subjects * days * 1440 / every;
    w = open_batch(s, "cc_location", pcols, 4, "justice_gps", expect, &err);
    if (zj_writer_put_all(w, next_point, &g, &counts, &err) || zj_writer_finish(w, &err) ||
        zj_store_commit(s, &err) || zj_store_bulk_load(s, false, &err))
        die(&err);
    zj_writer_close(w);
    double w1 = wall(), c1 = cpu();
    int64_t built = 0;
    if (zj_store_build_indexes(s, &built, &err) || zj_store_analyze(s, &err))
        die(&err);
    double w2 = wall(), c2 = cpu();
    printf("| write %" PRId64 " points (store's bulk writer) | %.2f | %.2f | %.0f |\n", g.n,
           w1 - w0, c1 - c0, (double)g.n / (w1 - w0));
    printf("| build %" PRId64 " indexes, analyze | %.2f | %.2f | %.0f |\n", built, w2 - w1,
           c2 - c1, (double)g.n / (w2 - w1));
    zj_store_close(s);
    return 0;
}

/* ---- compare ------------------------------------------------------------------------------ */

typedef struct sample {
    zj_cc_point *p;
    size_t n, cap;
    long subjects;
    int64_t until;
} sample;

static int take(const zj_cc_point *p, void *ctx)
{
    sample *s = ctx;
    if (s->until == INT64_MIN)
        s->until = p->t;                  /* set from the first point, below */
    if (p->t > s->until)
        return 1;                         /* past the sample: stop reading */
    if (p->subj >= s->subjects)
        return 0;
    if (s->n == s->cap) {
        s->cap = s->cap ? s->cap * 2 : 65536;
        s->p = realloc(s->p, s->cap * sizeof *s->p);
        if (!s->p)
            return -1;
    }
    s->p[s->n++] = *p;
    return 0;
}

static int from_array(void *src, int (*fn)(const zj_cc_point *, void *), void *ctx,
                      zj_error *err)
{
    const sample *s = src;
    (void)err;
    for (size_t i = 0; i < s->n; i++) {
        int rc = fn(&s->p[i], ctx);
        if (rc)
            return rc;
    }
    return 0;
}

static int cmd_compare(const char *db, long subjects, int64_t hours)
{
    zj_error err = {0};
    zj_store *s;
    zj_cc_data d;
    if (zj_store_open_existing(db, &s, &err) || zj_cc_load(s, &d, &err))
        die(&err);
    /* the first point's time bounds the sample: read the first point alone first */
    sample sm = {.subjects = subjects, .until = INT64_MIN};
    int first(const zj_cc_point *p, void *ctx);
    zj_cc_point p0;
    int rc = zj_cc_stream(s, &d, first, &p0, NULL, &err);
    if (rc < 0 || rc == ZJ_EDATA)
        die(&err);
    sm.until = p0.t + hours * 3600;
    rc = zj_cc_stream(s, &d, take, &sm, NULL, &err);
    if (rc < 0)
        die(&err);
    zj_cc_meet_params p = {50, 30 * 60, 10 * 60, 60 * 60};
    zj_cc_meeting *a, *b;
    size_t na, nb;
    zj_cc_meet_stats sa, sb;
    double w0 = wall(), c0 = cpu();
    if (zj_cc_meetings(d.nsubj, from_array, &sm, &p, false, &a, &na, &sa, &err))
        die(&err);
    double w1 = wall(), c1 = cpu();
    if (zj_cc_meetings(d.nsubj, from_array, &sm, &p, true, &b, &nb, &sb, &err))
        die(&err);
    double w2 = wall(), c2 = cpu();
    bool same = na == nb;
    for (size_t i = 0; same && i < na; i++)
        same = a[i].a == b[i].a && a[i].b == b[i].b && a[i].from == b[i].from &&
               a[i].to == b[i].to && a[i].fixes == b[i].fixes && a[i].row_a == b[i].row_a &&
               a[i].row_b == b[i].row_b;
    printf("| grid (CC03), %zu points of %ld subjects over %" PRId64 " h | %.3f | %.3f | %" PRId64
           " | %zu |\n", sm.n, subjects, hours, w1 - w0, c1 - c0, sa.candidates, na);
    printf("| all pairs, the same points | %.3f | %.3f | %" PRId64 " | %zu |\n", w2 - w1,
           c2 - c1, sb.candidates, nb);
    printf("identical findings: %s (%zu meetings)\n", same ? "yes" : "NO", na);
    free(a);
    free(b);
    free(sm.p);
    zj_cc_free(&d);
    zj_store_close(s);
    return same && na > 0 ? 0 : 1;
}

int first(const zj_cc_point *p, void *ctx)
{
    *(zj_cc_point *)ctx = *p;
    return 1;
}

int main(int argc, char **argv)
{
    if (argc >= 3 && strcmp(argv[1], "write") == 0)
        return cmd_write(argv[2], argc > 3 ? atoll(argv[3]) : 5000, argc > 4 ? atoll(argv[4]) : 35,
                         argc > 5 ? atoll(argv[5]) : 5);
    if (argc >= 3 && strcmp(argv[1], "compare") == 0)
        return cmd_compare(argv[2], argc > 3 ? atol(argv[3]) : 600,
                           argc > 4 ? atoll(argv[4]) : 72);
    fprintf(stderr, "usage: bench_track write DB [SUBJECTS [DAYS [EVERY_MIN]]]\n"
                    "       bench_track compare DB [SAMPLE_SUBJECTS [SAMPLE_HOURS]]\n");
    return 2;
}
