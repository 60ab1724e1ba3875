/* cmd_rejects.c - `zhijian rejects BATCH`: the rows an import batch rejected (导入拒收).
 *
 *   zhijian rejects BATCH [--unmask] [--json] [--as USER]
 *
 * Line, field and reason for each rejected row; the row itself (unmasked personal data) only
 * with --unmask, for users allowed to unmask, and recorded in the audit trail. Parsing and
 * printing only: the read and its permission are the read layer's (work/read.h).
 */
#include <cjson/cJSON.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "work/read.h"

static const char usage_text[] =
    "usage: zhijian rejects BATCH [--unmask] [--json] [--as USER]\n\n"
    "导入拒收记录：某一导入批次被拒收的行（行号、字段、原因）。\n"
    "The rows import batch BATCH rejected (see 'zhijian status' for batch numbers): line, field\n"
    "and reason. The rows themselves hold personal data in full: shown only with --unmask, to\n"
    "users allowed to unmask, and recorded in the audit trail.\n\n"
    "  --as USER       act as USER (default: $ZHIJIAN_USER, else the store's owner)\n";

typedef struct rctx {
    cJSON *arr;
    int64_t n;
} rctx;

static int row(const zj_reject_view *r, void *ctx)
{
    rctx *c = ctx;
    c->n++;
    if (c->arr) {
        cJSON *j = cJSON_CreateObject();
        cJSON_AddNumberToObject(j, "line", (double)r->line);
        if (r->field)
            cJSON_AddStringToObject(j, "field", r->field);
        cJSON_AddStringToObject(j, "reason", r->reason);
        if (r->raw)
            cJSON_AddStringToObject(j, "raw", r->raw);
        cJSON_AddItemToArray(c->arr, j);
        return 0;
    }
    printf("%8lld  %-20s %s\n", (long long)r->line, r->field ? r->field : "-", r->reason);
    if (r->raw)
        printf("          %s\n", r->raw);
    return 0;
}

int cmd_rejects(int argc, char **argv)
{
    static const struct option lo[] = {
        {"db", required_argument, NULL, 'd'}, {"as", required_argument, NULL, 'a'},
        {"unmask", no_argument, NULL, 'U'},   {"json", no_argument, NULL, 'j'},
        {"help", no_argument, NULL, 'h'},     {0, 0, 0, 0},
    };
    const char *db = NULL, *as = NULL;
    bool unmask = false, json = false;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", lo, NULL)) != -1) {
        switch (c) {
        case 'd': db = optarg; break;
        case 'a': as = optarg; break;
        case 'U': unmask = true; break;
        case 'j': json = true; break;
        case 'h': fputs(usage_text, stdout); return 0;
        default: return ZJ_EUSAGE;
        }
    }
    char *end;
    long long batch = optind + 1 == argc ? strtoll(argv[optind], &end, 10) : 0;
    if (optind + 1 != argc || *end || batch <= 0)
        return cli_error(ZJ_EUSAGE, "usage: zhijian rejects BATCH (a batch number from "
                         "'zhijian status')");
    zj_store *s;
    zj_error err = {0};
    if (zj_store_open_existing(cli_db_path(db), &s, &err))
        return cli_report(&err);
    zj_actor_owned who;
    int rc = cli_user_actor(s, as, &who);
    if (rc) {
        zj_store_close(s);
        return rc;
    }
    rctx r = {json ? cJSON_CreateArray() : NULL, 0};
    if (!json)
        printf("%8s  %-20s %s\n", "LINE", "FIELD", "REASON 原因");
    rc = zj_read_rejects(s, &who.actor, batch, unmask ? ZJ_READ_UNMASK : 0, row, &r, &err);
    if (!rc && r.arr) {
        char *t = cJSON_Print(r.arr);
        puts(t);
        free(t);
    }
    cJSON_Delete(r.arr);
    zj_actor_owned_free(&who);
    zj_store_close(s);
    return rc ? cli_report(&err) : 0;
}
