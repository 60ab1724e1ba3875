/* gen.c - run the synthetic province: scale, province, plan, every export, the manifest.
 *
 * Order: the province (units and officers) and the person index space are laid out, the
 * anomaly plan is made and truth.jsonl written, then each export is written in one streaming
 * pass together with its mapping file and its identity.jsonl lines, and finally
 * manifest.json lists every file with its row count, the lines made unimportable on purpose
 * and the dirt rates. Wall-clock time is measured for the summary only; nothing written
 * depends on it.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "gen/anomalies.h"
#include "gen/exports.h"
#include "gen/internal.h"
#include "gen/layout.h"

static const char *const scale_names[] = {"tiny", "small", "medium", "large", "province"};
static const char *const layout_names[] = {"default", "foreign", "mixed"};

int zj_gen_layouts_parse(const char *name, zj_gen_layouts *out)
{
    for (int i = 0; i < 3; i++)
        if (strcmp(name, layout_names[i]) == 0) {
            *out = (zj_gen_layouts)i;
            return 0;
        }
    return -1;
}

const char *zj_gen_layouts_name(zj_gen_layouts l)
{
    return (unsigned)l < 3 ? layout_names[l] : "?";
}

int zj_gen_scale_parse(const char *name, zj_gen_scale *out)
{
    for (int i = 0; i < 5; i++)
        if (strcmp(name, scale_names[i]) == 0) {
            *out = (zj_gen_scale)i;
            return 0;
        }
    return -1;
}

const char *zj_gen_scale_name(zj_gen_scale s)
{
    return (unsigned)s < 5 ? scale_names[s] : "?";
}

/* Entity counts per scale; record counts follow from them (docs/truth.md has the table). */
static const zg_scale scales[] = {
    /* tiny */ {1, 1, 2, 0.02, 1000, 200, 450, 300, 100, 50, 30, 20, 30, 4, 1.0},
    /* small */ {10, 2, 6, 0.05, 18000, 5000, 9000, 7500, 1500, 700, 300, 200, 60, 10, 1.0},
    /* medium */ {10, 4, 12, 0.3, 350000, 100000, 190000, 160000, 30000, 15000, 6000, 4000,
                  30, 20, 1.0},
    /* large: ~10M mentions for the linking benchmark (issue 5); few location points */
    {10, 6, 16, 0.6, 2000000, 520000, 960000, 800000, 120000, 40000, 16000, 8000, 60, 10, 1.0},
    /* province */ {10, 8, 20, 1.0, 5000000, 1300000, 2400000, 2000000, 300000, 100000, 40000,
                    20000, 30, 55, 1.0},
};

static int mkdir_p(const char *dir, zj_error *err)
{
    char tmp[4096];
    snprintf(tmp, sizeof tmp, "%s", dir);
    for (char *p = tmp + 1; *p; p++)
        if (*p == '/') {
            *p = '\0';
            if (mkdir(tmp, 0777) && errno != EEXIST)
                return zj_fail(err, ZJ_EDATA, "cannot create directory '%s': %s", tmp,
                               strerror(errno));
            *p = '/';
        }
    if (mkdir(tmp, 0777) && errno != EEXIST)
        return zj_fail(err, ZJ_EDATA, "cannot create directory '%s': %s", tmp, strerror(errno));
    return ZJ_OK;
}

static FILE *open_out(const zg *g, const char *name, zj_error *err)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", g->dir, name);
    FILE *f = fopen(path, "wb");
    if (!f)
        zj_fail(err, ZJ_EDATA, "cannot create '%s': %s", path, strerror(errno));
    else
        setvbuf(f, NULL, _IOFBF, 1 << 20);
    return f;
}

static int close_out(const zg *g, FILE *f, const char *name, zj_error *err)
{
    if (!f)
        return ZJ_OK;
    int bad = ferror(f);
    if (fclose(f) || bad)
        return zj_fail(err, ZJ_EDATA, "cannot write '%s/%s': %s", g->dir, name,
                       strerror(errno ? errno : EIO));
    return ZJ_OK;
}

static void manifest_file(zg *g, const zg_writer *w, bool first)
{
    const zg_export *x = w->x;
    zj_buf *m = &g->manifest;
    zj_buf_printf(m, "%s\n    {\"file\": \"%s\", \"mapping\": \"%s\", \"source_system\": \"%s\", "
                     "\"table\": \"%s\", \"format\": \"%s\", \"encoding\": \"%s\",\n"
                     "%s     \"rows\": %lld, \"duplicates\": %lld, \"rejected\": %d, "
                     "\"records\": %lld, \"bytes\": %lld,\n     \"malformed\": [",
                  first ? "" : ",", x->file, x->mapping, x->source_system, x->table,
                  x->format == ZG_JSONL ? "jsonl" : "csv",
                  x->encoding == ZG_GB18030 ? "gb18030" : "utf-8",
                  !w->fx ? "" : w->skipped ? "     \"layout\": \"foreign\", \"skipped\": 1,\n"
                                          : "     \"layout\": \"foreign\",\n",
                  (long long)w->rows, (long long)w->dups, w->nbad,
                  (long long)(w->rows - w->dups - w->nbad - w->skipped),
                  (long long)w->bytes);
    for (int i = 0; i < w->nbad; i++)
        zj_buf_printf(m, "%s{\"line\": %lld, \"kind\": \"%s\"}", i ? ", " : "",
                      (long long)w->bad_lines[i], w->bad_kinds[i]);
    zj_buf_puts(m, "]}");
}

int zg_layout(zg *g, zj_error *err)
{
    int rc;
    zg_span_start = zg_days(2019, 1, 1);
    zg_today = zg_days(2021, 12, 31);
    if (zg_names_init())
        return zj_fail(err, ZJ_EDATA, "name tables are empty or have bad weights");
    if ((rc = zg_province_build(g, err)) || (rc = zg_geography_build(g, err)))
        return rc;
    /* the person index space (people.c) */
    g->pb_officer = g->sc.citizens;
    g->pb_relative = g->pb_officer + g->officers * 16;
    g->pb_lawyer = g->pb_relative + g->officers * 4 * 32;
    g->pb_prisoner = g->pb_lawyer + g->sc.lawyers;
    g->pb_cc = g->pb_prisoner + g->sc.prisoners;
    /* planted community-correction subjects continue the cc block (about 1.4% + 16) */
    g->pb_plant = g->pb_cc + g->sc.cc_subjects + g->sc.cc_subjects / 50 + 64;
    g->pb_end = g->pb_plant;
    if (g->pb_plant + 100000 > 22645000)
        return zj_fail(err, ZJ_EUSAGE, "scale too large for the resident-ID space");
    return zg_plan_make(g, err);     /* writes truth.jsonl to g->truth */
}

zg *zg_new(uint64_t seed, zj_gen_scale scale)
{
    zg *g = calloc(1, sizeof *g);
    if (g) {
        g->seed = seed;
        g->scale_id = scale;
        g->sc = scales[scale];
    }
    return g;
}

void zg_free(zg *g)
{
    if (!g)
        return;
    zg_plan_free(g);
    zg_province_free(g);
    zj_buf_free(&g->manifest);
    free(g);
    zg_gen_caches_free();
    zg_layout_free();
}

static int run(zg *g, zj_error *err)
{
    int rc;
    g->truth = open_out(g, "truth.jsonl", err);
    if (!g->truth)
        return ZJ_EDATA;
    if ((rc = zg_layout(g, err)))
        return rc;
    if ((rc = close_out(g, g->truth, "truth.jsonl", err)))
        return rc;
    g->truth = NULL;
    g->identity = open_out(g, "identity.jsonl", err);
    if (!g->identity)
        return ZJ_EDATA;

    zj_buf_printf(&g->manifest, "{\n  \"generator\": \"zhijian gen\",\n  \"seed\": %llu,\n"
                                "  \"scale\": \"%s\",\n%s  \"today\": \"2021-12-31\",\n"
                                "  \"span\": [\"2019-01-01\", \"2021-12-31\"],\n  \"files\": [",
                  (unsigned long long)g->seed, zj_gen_scale_name(g->scale_id),
                  g->opt->layouts == ZJ_GEN_LAYOUT_FOREIGN ? "  \"layouts\": \"foreign\",\n"
                  : g->opt->layouts == ZJ_GEN_LAYOUT_MIXED ? "  \"layouts\": \"mixed\",\n" : "");
    for (int i = 0; i < zg_export_count;) {
        /* one export, or a group written in one pass (consecutive entries of the list) */
        int n = 1;
        int grp = zg_export_list[i].group;
        while (grp && i + n < zg_export_count && zg_export_list[i + n].group == grp)
            n++;
        zg_writer w[12];
        zg_writer *wp[12];
        int opened = 0;
        for (int k = 0; k < n && !rc; k++) {
            const zg_export *x = zg_export_list[i + k].x;
            const zg_foreign *fx = zg_foreign_of(g, x);
            if (!(rc = fx ? zg_write_foreign_mapping(g, fx, err) : zg_write_mapping(g, x, err)) &&
                !(rc = zg_writer_open(g, &w[k], fx ? fx->x : x, i + k + 1, err))) {
                if (fx)
                    zg_writer_foreign(&w[k], fx);
                wp[opened++] = &w[k];
            }
        }
        if (!rc)
            rc = grp ? zg_group_emit[grp](g, wp) : zg_export_list[i].emit(g, &w[0]);
        if (rc && !err->msg[0])
            zj_fail(err, ZJ_EDATA, "cannot write '%s'", g->dir);
        for (int k = 0; k < opened; k++) {
            int crc = zg_writer_close(&w[k], rc ? NULL : err);
            if (crc && !rc)
                rc = crc;
        }
        if (rc)
            return rc;
        if (ferror(g->identity))
            return zj_fail(err, ZJ_EDATA, "cannot write '%s/identity.jsonl'", g->dir);
        for (int k = 0; k < n; k++) {
            manifest_file(g, &w[k], i + k == 0);
            g->sum->files++;
            g->sum->records += w[k].rows;
            g->sum->bytes += w[k].bytes;
            if (g->opt->on_file) {
                zj_gen_file_stat st = {w[k].x->file, w[k].x->table, w[k].rows};
                g->opt->on_file(&st, g->opt->ctx);
            }
        }
        i += n;
    }
    const zg_dirt_rates *d = &zg_dirt;
    zj_buf_printf(&g->manifest,
                  "\n  ],\n  \"dirt_rates\": {\"typo\": %g, \"homophone\": %g, \"traditional\": %g, "
                  "\"spaces\": %g, \"missing_id\": %g, \"legacy_id\": %g, \"id_typo\": %g, "
                  "\"fullwidth\": %g, \"duplicate_rows\": %g, \"malformed_rows\": %g},\n"
                  "  \"truth\": {\"file\": \"truth.jsonl\", \"anomalies\": %lld, "
                  "\"near_misses\": %lld},\n"
                  "  \"identity\": {\"file\": \"identity.jsonl\", \"mentions\": %lld}\n}\n",
                  d->typo, d->homophone, d->traditional, d->spaces, d->missing_id, d->legacy_id,
                  d->bad_check, d->fullwidth, d->duplicate_rows, d->malformed_rows,
                  (long long)g->anomalies, (long long)g->near_misses, (long long)g->mentions);
    if ((rc = close_out(g, g->identity, "identity.jsonl", err)))
        return rc;
    g->identity = NULL;
    FILE *f = open_out(g, "manifest.json", err);
    if (!f)
        return ZJ_EDATA;
    fwrite(g->manifest.data, 1, g->manifest.len, f);
    return close_out(g, f, "manifest.json", err);
}

int zj_gen_run(const zj_gen_options *opt, zj_gen_summary *sum, zj_error *err)
{
    memset(sum, 0, sizeof *sum);
    if (!opt->out_dir || !*opt->out_dir)
        return zj_fail(err, ZJ_EUSAGE, "no output directory");
    if ((unsigned)opt->scale > ZJ_GEN_PROVINCE)
        return zj_fail(err, ZJ_EUSAGE, "unknown scale");
    if ((unsigned)opt->layouts > ZJ_GEN_LAYOUT_MIXED)
        return zj_fail(err, ZJ_EUSAGE, "unknown layouts");
    int rc = mkdir_p(opt->out_dir, err);
    if (rc)
        return rc;
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    zg *g = zg_new(opt->seed, opt->scale);
    if (!g)
        return zj_fail(err, ZJ_EDATA, "out of memory");
    g->dir = opt->out_dir;
    g->sum = sum;
    g->opt = opt;
    rc = run(g, err);
    if (g->truth)
        fclose(g->truth);
    if (g->identity)
        fclose(g->identity);
    sum->anomalies = g->anomalies;
    sum->near_misses = g->near_misses;
    sum->mentions = g->mentions;
    zg_free(g);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    sum->seconds = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    return rc;
}
