/* cmd_init.c - `zhijian init`: create the store or bring its schema up to date. */
#include <getopt.h>
#include <stdio.h>

#include "cli/cli.h"
#include "store/store.h"

int cmd_init(int argc, char **argv)
{
    static const struct option opts[] = {
        {"db", required_argument, NULL, 'd'},
        {"help", no_argument, NULL, 'h'},
        {0, 0, 0, 0},
    };
    const char *db = NULL;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'd': db = optarg; break;
        case 'h':
            puts("usage: zhijian init [--db PATH]\n\n"
                 "Create the store (建库) or apply pending schema migrations to it, and build\n"
                 "the analysis indexes that bulk imports leave for later.\n"
                 "Safe to run again: an up-to-date store is left as it is.");
            return 0;
        default: return ZJ_EUSAGE;
        }
    }
    if (optind < argc)
        return cli_error(ZJ_EUSAGE, "init takes no arguments; see 'zhijian init --help'");
    zj_store *s;
    zj_error err = {0};
    const char *path = cli_db_path(db);
    if (zj_store_open(path, &s, &err))
        return cli_report(&err);
    int64_t built = 0;
    if (zj_store_build_indexes(s, &built, &err)) {
        zj_store_close(s);
        return cli_report(&err);
    }
    printf("store %s at schema version %d", path, zj_store_schema_version(s));
    if (built)
        printf("; built %lld indexes left by bulk loads", (long long)built);
    putchar('\n');
    zj_store_close(s);
    return 0;
}
