/* cmd_status.c - `zhijian status`: what is in the store (counts per table, recent batches). */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>

#include "cli/cli.h"
#include "cli/cli_options.h"
#include "store/store.h"

static int print_batch(const zj_batch *b, void *ctx)
{
    cJSON *list = ctx;
    if (list) {
        cJSON *o = cJSON_CreateObject();
        cJSON_AddNumberToObject(o, "id", (double)b->id);
        cJSON_AddStringToObject(o, "source_system", b->source_system);
        cJSON_AddStringToObject(o, "table", b->table);
        cJSON_AddStringToObject(o, "file", b->file);
        cJSON_AddStringToObject(o, "status", b->status);
        cJSON_AddStringToObject(o, "started_at", b->started_at);
        if (b->finished_at)
            cJSON_AddStringToObject(o, "finished_at", b->finished_at);
        cJSON_AddNumberToObject(o, "rows_read", (double)b->rows_read);
        cJSON_AddNumberToObject(o, "inserted", (double)b->inserted);
        cJSON_AddNumberToObject(o, "updated", (double)b->updated);
        cJSON_AddNumberToObject(o, "unchanged", (double)b->unchanged);
        cJSON_AddNumberToObject(o, "rejected", (double)b->rejected);
        cJSON_AddItemToArray(list, o);
        return 0;
    }
    printf("  #%-5lld %-19s %-20s %9lld read %9lld new %7lld changed %7lld same %6lld rejected  %s\n",
           (long long)b->id, b->started_at, b->table, (long long)b->rows_read,
           (long long)b->inserted, (long long)b->updated, (long long)b->unchanged,
           (long long)b->rejected, b->file);
    return 0;
}

typedef struct status_opts {
    const char *db;
    bool json;
    long long batches;
    int argc;
    char **argv;
} status_opts;

int cmd_status(int argc, char **argv)
{
    static const cli_opt table[] = {
        CLI_STRING(status_opts, db, "db"), CLI_FLAG(status_opts, json, "json"),
        CLI_INT(status_opts, batches, "batches", 0, 1000000),
    };
    status_opts o = {.batches = 10};
    int c = cli_parse_options(argc, argv, table, sizeof table / sizeof *table, &o,
                              "usage: zhijian status [--db PATH] [--json] [--batches N]\n\n"
                              "Show the store's schema version, the number of records in each "
                              "canonical\ntable (数据概况) and the N most recent import batches "
                              "(default 10).\n",
                              &o.argc, &o.argv);
    if (c)
        return c < 0 ? 0 : c;
    const char *db = o.db;
    int json = o.json, nbatches = (int)o.batches;
    if (o.argc > 0)
        return cli_error(ZJ_EUSAGE, "status takes no arguments; see 'zhijian status --help'");
    zj_store *s;
    zj_error err = {0};
    const char *path = cli_db_path(db);
    if (zj_store_open_existing(path, &s, &err))
        return cli_report(&err);
    const zj_table *tables;
    size_t nt = zj_store_tables(s, &tables);
    cJSON *root = json ? cJSON_CreateObject() : NULL, *counts = NULL, *batches = NULL;
    if (json) {
        cJSON_AddStringToObject(root, "db", path);
        cJSON_AddNumberToObject(root, "schema_version", zj_store_schema_version(s));
        counts = cJSON_AddObjectToObject(root, "tables");
    } else
        printf("store %s (schema version %d)\n\nrecords per table:\n", path,
               zj_store_schema_version(s));
    int rc = 0;
    int64_t total = 0;
    for (size_t i = 0; i < nt && !rc; i++) {
        int64_t n;
        if ((rc = zj_store_count_rows(s, tables[i].name, &n, &err)))
            break;
        total += n;
        if (json)
            cJSON_AddNumberToObject(counts, tables[i].name, (double)n);
        else
            printf("  %-22s %12lld\n", tables[i].name, (long long)n);
    }
    if (!rc) {
        if (json) {
            cJSON_AddNumberToObject(root, "total_records", (double)total);
            batches = cJSON_AddArrayToObject(root, "recent_batches");
        } else
            printf("  %-22s %12lld\n\nrecent batches:\n", "total", (long long)total);
        rc = zj_store_recent_batches(s, nbatches, print_batch, batches, &err);
    }
    if (!rc && json) {
        char *text = cJSON_Print(root);
        puts(text);
        free(text);
    }
    cJSON_Delete(root);
    zj_store_close(s);
    return rc ? cli_report(&err) : 0;
}
