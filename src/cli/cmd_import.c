/* cmd_import.c - `zhijian import`: load agency exports through mappings (数据导入).
 *
 *   zhijian import --mapping MAP FILE...   each FILE through MAP
 *   zhijian import DIR...                  every *.mapping.yaml|yml|json in DIR, each with
 *                                          the files its `files:` patterns match in DIR
 *   zhijian import --mappings DIR DATA...  each DATA file (or the files in a DATA folder)
 *                                          through the one mapping in DIR whose `files:`
 *                                          patterns match its name
 * Each file is its own batch and transaction (see src/ingest/import.h). On a terminal a
 * progress line shows rows, rows/s, rejects and time left; --quiet or a pipe keeps it off.
 */
#include <cjson/cJSON.h>
#include <dirent.h>
#include <getopt.h>
#include <glob.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/buf.h"
#include "cli/cli.h"
#include "ingest/import.h"
#include "work/audit.h"

typedef struct run {
    zj_store *store;
    zj_import_options opt;
    bool quiet, json, tty;
    int files, failed, with_rejects;
} run;

static void show_progress(const zj_import_progress *p, void *ctx)
{
    (void)ctx;
    double rate = p->seconds > 0 ? (double)p->rows / p->seconds : 0;
    char eta[32] = "";
    if (p->bytes_total > 0 && p->bytes_done > 0 && p->bytes_done < p->bytes_total) {
        double left = p->seconds * (double)(p->bytes_total - p->bytes_done) / (double)p->bytes_done;
        snprintf(eta, sizeof eta, "  %3.0f%%  ETA %d:%02d",
                 100.0 * (double)p->bytes_done / (double)p->bytes_total, (int)left / 60,
                 (int)left % 60);
    }
    fprintf(stderr, "\r\033[K%s: %lld rows  %.0f rows/s  %lld rejected%s", p->file,
            (long long)p->rows, rate, (long long)p->rejected, eta);
    fflush(stderr);
}

static void report(run *r, const char *file, const zj_mapping *m, const zj_import_result *res,
                   int rc, const zj_error *err)
{
    if (r->tty)
        fputs("\r\033[K", stderr);
    if (r->json) {
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "file", file);
        cJSON_AddStringToObject(o, "table", m->table);
        cJSON_AddStringToObject(o, "mapping", m->path);
        cJSON_AddStringToObject(o, "source_system", m->source_system);
        cJSON_AddStringToObject(o, "status", rc ? (res->aborted ? "aborted" : "failed")
                                : res->skipped_as ? "skipped"
                                : r->opt.dry_run ? "checked" : "committed");
        if (res->batch_id)
            cJSON_AddNumberToObject(o, "batch", (double)res->batch_id);
        if (res->skipped_as)
            cJSON_AddNumberToObject(o, "same_as_batch", (double)res->skipped_as);
        cJSON_AddNumberToObject(o, "rows_read", (double)res->rows_read);
        cJSON_AddNumberToObject(o, "inserted", (double)res->inserted);
        cJSON_AddNumberToObject(o, "updated", (double)res->updated);
        cJSON_AddNumberToObject(o, "unchanged", (double)res->unchanged);
        cJSON_AddNumberToObject(o, "rejected", (double)res->rejected);
        if (m->when)
            cJSON_AddNumberToObject(o, "skipped_rows", (double)res->skipped);
        if (m->nrows) {
            cJSON_AddNumberToObject(o, "rows_inserted", (double)res->gen_inserted);
            cJSON_AddNumberToObject(o, "rows_updated", (double)res->gen_updated);
            cJSON_AddNumberToObject(o, "rows_unchanged", (double)res->gen_unchanged);
        }
        cJSON_AddStringToObject(o, "encoding", zj_encoding_name(res->encoding));
        cJSON *bad = cJSON_AddObjectToObject(o, "bad_check_character");
        cJSON_AddNumberToObject(bad, "resident_id", (double)res->bad_check_resident_id);
        cJSON_AddNumberToObject(bad, "uscc", (double)res->bad_check_uscc);
        if (res->hint[0])
            cJSON_AddStringToObject(o, "hint", res->hint);
        if (res->restaged)
            cJSON_AddBoolToObject(o, "restaged", true);
        cJSON_AddNumberToObject(o, "seconds", res->seconds);
        if (res->rejects_path[0])
            cJSON_AddStringToObject(o, "rejects_file", res->rejects_path);
        if (rc)
            cJSON_AddStringToObject(o, "error", err->msg);
        char *text = cJSON_PrintUnformatted(o);
        puts(text);
        free(text);
        cJSON_Delete(o);
    } else if (!rc && !r->quiet) {
        if (res->skipped_as)
            printf("%s: already imported (batch %lld, same bytes and mapping); skipped, use "
                   "--force to read it again\n", file, (long long)res->skipped_as);
        else if (r->opt.dry_run)
            printf("%s -> %s (dry run, nothing written): %lld rows: %lld accepted, %lld rejected"
                   "  [%s, %.2f s, %.0f rows/s]\n", file, m->table, (long long)res->rows_read,
                   (long long)res->inserted, (long long)res->rejected,
                   zj_encoding_name(res->encoding), res->seconds,
                   res->seconds > 0 ? (double)res->rows_read / res->seconds : 0.0);
        else
            printf("%s -> %s: %lld rows: %lld new, %lld changed, %lld unchanged, %lld rejected"
                   "  [batch %lld, %s, %.2f s, %.0f rows/s]\n", file, m->table,
                   (long long)res->rows_read, (long long)res->inserted, (long long)res->updated,
                   (long long)res->unchanged, (long long)res->rejected, (long long)res->batch_id,
                   zj_encoding_name(res->encoding), res->seconds,
                   res->seconds > 0 ? (double)res->rows_read / res->seconds : 0.0);
        if (!res->skipped_as && m->nrows) {
            printf("  + records from 'rows:' (");
            for (size_t t = 0; t < m->nrows; t++)
                printf("%s%s", t ? ", " : "", m->rows[t].table);
            if (r->opt.dry_run)
                printf("): %lld accepted\n", (long long)res->gen_inserted);
            else
                printf("): %lld new, %lld changed, %lld unchanged\n",
                       (long long)res->gen_inserted, (long long)res->gen_updated,
                       (long long)res->gen_unchanged);
        }
        if (!res->skipped_as && res->skipped)
            printf("  %lld rows skipped by the mapping's 'when'\n", (long long)res->skipped);
        if (res->bad_check_resident_id || res->bad_check_uscc)
            printf("  check character wrong (imported as they are): %lld resident IDs, %lld "
                   "credit codes\n", (long long)res->bad_check_resident_id,
                   (long long)res->bad_check_uscc);
        if (res->rejects_path[0])
            printf("  rejected rows: %s\n", res->rejects_path);
        if (res->hint[0])
            printf("  %s\n", res->hint);
        if (res->restaged)
            printf("  loaded twice: another writer put rows into the empty %s while the file "
                   "was staged, so it was loaded again the ordinary way\n", m->table);
    }
    if (rc)
        fprintf(stderr, "zhijian: %s\n", err->msg);
}

static int import_one(run *r, zj_mapping *m, const char *file)
{
    zj_import_result res;
    zj_error err = {0};
    int rc = zj_import_file(r->store, m, file, &r->opt, &res, &err);
    report(r, file, m, &res, rc, &err);
    r->files++;
    if (rc)
        r->failed++;
    else if (res.rejected)
        r->with_rejects++;
    return rc;
}

static bool has_suffix(const char *s, const char *suffix)
{
    size_t n = strlen(s), k = strlen(suffix);
    return n >= k && strcmp(s + n - k, suffix) == 0;
}

static int by_name(const struct dirent **a, const struct dirent **b)
{
    return strcmp((*a)->d_name, (*b)->d_name);
}

static int is_mapping_file(const struct dirent *d)
{
    return has_suffix(d->d_name, ".mapping.yaml") || has_suffix(d->d_name, ".mapping.yml") ||
           has_suffix(d->d_name, ".mapping.json");
}

/* Import a directory: each mapping in it, with the files its patterns match. */
static int import_dir(run *r, const char *dir)
{
    struct dirent **names;
    int n = scandir(dir, &names, is_mapping_file, by_name);
    if (n < 0)
        return cli_error(ZJ_EDATA, "cannot read directory '%s': %m", dir);
    if (n == 0) {
        free(names);
        return cli_error(ZJ_EUSAGE, "'%s' has no *.mapping.yaml files; give one with --mapping",
                         dir);
    }
    int rc = 0;
    /* mappings that look data up in the store go after the others (units first) */
    for (int pass = 0; pass < 2; pass++)
    for (int i = 0; i < n; i++) {
        zj_buf path = {0};
        zj_buf_printf(&path, "%s/%s", dir, names[i]->d_name);
        zj_mapping *m = NULL;
        zj_error err = {0};
        int mrc = zj_mapping_load(path.data, &m, &err);
        if (!mrc && zj_mapping_has_lookups(m) != (pass == 1)) {
            zj_mapping_free(m);
            zj_buf_free(&path);
            continue;
        }
        if (mrc) {
            if (pass == 0) {        /* reported once */
                cli_report(&err);
                rc = mrc;
            }
        } else if (!m->files) {
            rc = cli_error(ZJ_EUSAGE, "%s: no 'files:' patterns, so a directory import cannot "
                           "tell which files it maps", path.data);
        } else {
            for (char **pat = m->files; *pat; pat++) {
                zj_buf g = {0};
                zj_buf_printf(&g, "%s/%s", dir, *pat);
                glob_t gl;
                int grc = glob(g.data, 0, NULL, &gl);
                if (grc == GLOB_NOMATCH && !r->quiet)
                    fprintf(stderr, "zhijian: %s: pattern '%s' matches no file in %s\n",
                            path.data, *pat, dir);
                for (size_t k = 0; grc == 0 && k < gl.gl_pathc; k++) {
                    int frc = import_one(r, m, gl.gl_pathv[k]);
                    if (frc > rc)
                        rc = frc;
                }
                if (grc == 0)
                    globfree(&gl);
                zj_buf_free(&g);
            }
        }
        zj_mapping_free(m);
        zj_buf_free(&path);
    }
    for (int i = 0; i < n; i++)
        free(names[i]);
    free(names);
    return rc;
}

/* The data files an argument stands for: itself, or the regular files in a folder (sorted;
 * hidden files and mapping files left out). */
static int expand_data(const char *arg, char ***files, size_t *n)
{
    struct stat st;
    if (stat(arg, &st))
        return cli_error(ZJ_EUSAGE, "cannot read '%s': %m", arg);
    if (!S_ISDIR(st.st_mode)) {
        char **grown = realloc(*files, (*n + 1) * sizeof *grown);
        if (!grown || !(grown[*n] = strdup(arg)))
            return cli_error(ZJ_EDATA, "out of memory");
        *files = grown;
        (*n)++;
        return 0;
    }
    struct dirent **names;
    int k = scandir(arg, &names, NULL, by_name);
    if (k < 0)
        return cli_error(ZJ_EDATA, "cannot read directory '%s': %m", arg);
    int rc = 0;
    for (int i = 0; i < k; i++) {
        zj_buf path = {0};
        size_t al = strlen(arg);
        zj_buf_printf(&path, "%.*s/%s", (int)(al > 1 && arg[al - 1] == '/' ? al - 1 : al), arg,
                      names[i]->d_name);
        struct stat fs;
        if (!rc && names[i]->d_name[0] != '.' && !is_mapping_file(names[i]) &&
            stat(path.data, &fs) == 0 && S_ISREG(fs.st_mode))
            rc = expand_data(path.data, files, n);
        zj_buf_free(&path);
        free(names[i]);
    }
    free(names);
    return rc;
}

/* --mappings DIR DATA...: match every data file to its mapping first (a file matched by no
 * mapping or by several is an error, and then nothing is imported), then import them. */
static int import_with_mappings(run *r, const char *dir, char **args, int nargs)
{
    struct dirent **names;
    int nm = scandir(dir, &names, is_mapping_file, by_name);
    if (nm < 0)
        return cli_error(ZJ_EUSAGE, "cannot read mapping folder '%s': %m", dir);
    zj_mapping **maps = calloc((size_t)nm + 1, sizeof *maps);
    char **files = NULL;
    size_t nfiles = 0;
    int rc = maps ? 0 : cli_error(ZJ_EDATA, "out of memory");
    for (int i = 0; i < nm; i++) {
        zj_buf path = {0};
        zj_buf_printf(&path, "%s/%s", dir, names[i]->d_name);
        zj_error err = {0};
        if (!rc && zj_mapping_load(path.data, &maps[i], &err))
            rc = cli_report(&err);
        else if (!rc && !maps[i]->files)
            rc = cli_error(ZJ_EUSAGE, "%s: no 'files:' patterns, so no data file can be matched "
                           "to it", path.data);
        zj_buf_free(&path);
        free(names[i]);
    }
    free(names);
    if (!rc && nm == 0)
        rc = cli_error(ZJ_EUSAGE, "'%s' has no *.mapping.yaml files", dir);
    for (int i = 0; !rc && i < nargs; i++)
        rc = expand_data(args[i], &files, &nfiles);
    zj_mapping **chosen = calloc(nfiles + 1, sizeof *chosen);
    if (!rc && !chosen)
        rc = cli_error(ZJ_EDATA, "out of memory");
    int bad = 0;
    for (size_t f = 0; !rc && f < nfiles; f++) {
        zj_buf which = {0};
        int hits = 0;
        for (int i = 0; i < nm; i++)
            if (zj_mapping_matches_file(maps[i], files[f])) {
                zj_buf_printf(&which, "%s%s", hits++ ? ", " : "", maps[i]->path);
                chosen[f] = maps[i];
            }
        if (hits == 0)
            fprintf(stderr, "zhijian: %s: no mapping in %s matches this file's name (check the "
                    "mappings' 'files:' patterns)\n", files[f], dir);
        else if (hits > 1)
            fprintf(stderr, "zhijian: %s: matched by %d mappings: %s; make their 'files:' "
                    "patterns tell them apart\n", files[f], hits, which.data);
        if (hits != 1)
            bad++;
        zj_buf_free(&which);
    }
    if (!rc && bad)
        rc = cli_error(ZJ_EUSAGE, "%d of %zu files cannot be matched to one mapping; nothing "
                       "was imported", bad, nfiles);
    /* files whose mappings look data up in the store go after the others (units first) */
    for (int pass = 0; pass < 2; pass++)
    for (size_t f = 0; !rc && f < nfiles; f++) {
        if (zj_mapping_has_lookups(chosen[f]) != (pass == 1))
            continue;
        int frc = import_one(r, chosen[f], files[f]);
        if (frc > rc && frc != ZJ_EUSAGE)
            rc = frc;
        else if (frc == ZJ_EUSAGE && rc < ZJ_EUSAGE)
            rc = frc;
    }
    for (size_t f = 0; f < nfiles; f++)
        free(files[f]);
    free(files);
    free(chosen);
    for (int i = 0; maps && i < nm; i++)
        zj_mapping_free(maps[i]);
    free(maps);
    return rc;
}

static const char usage_text[] =
    "usage: zhijian import [options] --mapping MAP FILE...\n"
    "   or: zhijian import [options] DIR...\n"
    "   or: zhijian import [options] --mappings MAPDIR DATA...\n\n"
    "Import agency exports (CSV or JSON Lines, UTF-8 or GB18030) into the store (数据导入).\n"
    "Each file is one batch: all of its accepted rows, or none of them.\n\n"
    "options:\n"
    "  -m, --mapping MAP      mapping file (YAML or JSON); see docs/mapping.md\n"
    "      --mappings DIR     the mappings in DIR; each DATA file (or folder of files) goes\n"
    "                         through the one whose 'files:' patterns match its name\n"
    "      --db PATH          store (default $ZHIJIAN_DB or ./zhijian.db)\n"
    "      --max-errors N     abort a file's batch after more than N rejected rows\n"
    "                         (default 100; -1 for no limit)\n"
    "      --reject-dir DIR   where reject files go (default: rejects/ beside the store;\n"
    "                         a dry run writes none unless given one: it lists them)\n"
    "      --encoding ENC     auto, utf-8 or gb18030 (overrides the mapping)\n"
    "      --force            read a file again even if the same bytes were imported\n"
    "  -n, --dry-run          check files against their mappings; write nothing\n"
    "  -q, --quiet            print only errors\n"
    "      --json             one JSON object per file on standard output\n\n"
    "exit status: 0 all rows imported, 1 some rows rejected, 2 usage error,\n"
    "             3 a batch aborted or failed (nothing of that file was kept)\n";

/* A load an import left unfinished when it stopped (killed, crashed) was removed. */
static int say_cleared(int64_t batch, const char *file, void *ctx)
{
    (void)ctx;
    fprintf(stderr, "zhijian: removed batch %lld (%s): its import stopped before it ended, "
            "and nothing of it was in the store's tables; import the file again\n",
            (long long)batch, file);
    return 0;
}

int cmd_import(int argc, char **argv)
{
    static const struct option opts[] = {
        {"mapping", required_argument, NULL, 'm'},
        {"mappings", required_argument, NULL, 'M'},
        {"db", required_argument, NULL, 'd'},
        {"max-errors", required_argument, NULL, 'e'},
        {"reject-dir", required_argument, NULL, 'r'},
        {"rejects", required_argument, NULL, 'r'},     /* the option's earlier name */
        {"encoding", required_argument, NULL, 'E'},
        {"force", no_argument, NULL, 'f'},
        {"dry-run", no_argument, NULL, 'n'},
        {"quiet", no_argument, NULL, 'q'},
        {"json", no_argument, NULL, 'j'},
        {"help", no_argument, NULL, 'h'},
        {0, 0, 0, 0},
    };
    run r = {.opt = {.max_errors = 100}};
    const char *db = NULL, *mapping_path = NULL, *rejects = NULL, *mapping_dir = NULL;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "m:qnh", opts, NULL)) != -1) {
        char *end;
        switch (c) {
        case 'm': mapping_path = optarg; break;
        case 'M': mapping_dir = optarg; break;
        case 'd': db = optarg; break;
        case 'r': rejects = optarg; break;
        case 'f': r.opt.force = true; break;
        case 'n': r.opt.dry_run = true; break;
        case 'q': r.quiet = true; break;
        case 'j': r.json = true; break;
        case 'e':
            r.opt.max_errors = strtoll(optarg, &end, 10);
            if (*end || end == optarg || r.opt.max_errors < -1)
                return cli_error(ZJ_EUSAGE, "--max-errors wants a number (-1 for no limit), "
                                 "not '%s'", optarg);
            break;
        case 'E':
            if (zj_encoding_parse(optarg, &r.opt.encoding))
                return cli_error(ZJ_EUSAGE, "unknown encoding '%s' (auto, utf-8, gb18030)",
                                 optarg);
            break;
        case 'h': fputs(usage_text, stdout); return 0;
        default: return ZJ_EUSAGE;
        }
    }
    if (optind >= argc)
        return cli_error(ZJ_EUSAGE, "nothing to import; see 'zhijian import --help'");
    if (mapping_path && mapping_dir)
        return cli_error(ZJ_EUSAGE, "give --mapping or --mappings, not both");

    const char *path = cli_db_path(db);
    char *dbcopy = strdup(path);
    zj_buf rdir = {0};
    if (rejects)
        zj_buf_puts(&rdir, rejects);
    else if (!r.opt.dry_run)
        zj_buf_printf(&rdir, "%s/rejects", dirname(dbcopy));
    free(dbcopy);
    r.opt.rejects_dir = rdir.data;
    r.opt.rejects_listing = r.json ? stderr : stdout;
    r.tty = !r.quiet && !r.json && isatty(2);
    if (r.tty)
        r.opt.progress = show_progress;

    /* A dry run writes nothing: it reads the store when there is one (for the tables and the
     * data mappings look up) and otherwise checks against an empty one in memory. */
    zj_error err = {0};
    int rc = 0;
    if ((r.opt.dry_run && access(path, F_OK) != 0 ? zj_store_open(":memory:", &r.store, &err)
                                                  : zj_store_open(path, &r.store, &err))) {
        zj_buf_free(&rdir);
        return cli_report(&err);
    }
    zj_actor actor;
    cli_actor(&actor);
    /* ZHIJIAN_STAGE_ROWS (docs/mapping.md): from how many rows a load into an empty table is
     * staged (tests stage small files with it), -1 (or 0) never; it then commits every quarter
     * of that, at most every 65,536 rows as by default. */
    const char *stage_rows = getenv("ZHIJIAN_STAGE_ROWS");
    if (stage_rows && *stage_rows) {
        long long n = strtoll(stage_rows, NULL, 10);
        long long chunk = n / 4 < 1 ? 1 : n / 4 > 65536 ? 65536 : n / 4;
        zj_store_stage_loads(r.store, n > 0 ? n : -1, chunk);
    }
    int64_t cleared = 0;
    if (!r.opt.dry_run && (zj_audit_track(r.store, &actor, "import.batch", "import_batch", NULL,
                                          &err) ||
                           zj_store_bulk_load(r.store, true, &err) ||
                           zj_store_clear_stopped_loads(r.store, say_cleared, NULL, &cleared,
                                                        &err))) {
        zj_store_close(r.store);
        zj_buf_free(&rdir);
        return cli_report(&err);
    }
    if (mapping_dir) {
        rc = import_with_mappings(&r, mapping_dir, argv + optind, argc - optind);
    } else if (mapping_path) {
        zj_mapping *m = NULL;
        if ((rc = zj_mapping_load(mapping_path, &m, &err)))
            cli_report(&err);
        for (int i = optind; m && i < argc; i++) {
            int frc = import_one(&r, m, argv[i]);
            if (frc > rc)
                rc = frc;
            if (frc == ZJ_EUSAGE)
                break;     /* the mapping does not fit the table: no other file will fit */
        }
        zj_mapping_free(m);
    } else {
        for (int i = optind; i < argc; i++) {
            struct stat st;
            if (stat(argv[i], &st) || !S_ISDIR(st.st_mode)) {
                rc = cli_error(ZJ_EUSAGE, "'%s' is not a directory; to import a file give its "
                               "mapping with --mapping", argv[i]);
                break;
            }
            int drc = import_dir(&r, argv[i]);
            if (drc > rc)
                rc = drc;
        }
    }
    if (!r.opt.dry_run && zj_store_bulk_load(r.store, false, &err) && !rc)
        rc = cli_report(&err);
    /* Fresh statistics for the planner once the loads are done (not per file). */
    if (r.files > r.failed && !r.opt.dry_run && zj_store_analyze(r.store, &err) && !rc)
        rc = cli_report(&err);
    zj_store_close(r.store);
    zj_buf_free(&rdir);
    if (rc)
        return rc;
    return r.with_rejects ? ZJ_FINDINGS : 0;
}
