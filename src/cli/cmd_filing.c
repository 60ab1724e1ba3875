/* cmd_filing.c - `zhijian filing check FILE.json`: the filing assistant's check (立案辅助审查).
 *
 *   zhijian filing check FILE.json [--json] [--unmask] [--rules FILE] [--db PATH] [--as USER]
 *
 * Reads a proposed case (docs/filing.md; "-" for standard input), checks it against the store
 * through the work layer (permission, audit, masking) and prints each party's resolved
 * identity and history, then the risk prompts FL01-FL04 with their factors and cases.
 */
#include <cjson/cJSON.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "detect/filing.h"
#include "link/config.h"
#include "work/audit.h"
#include "work/filing_check.h"

static const char usage_text[] =
    "usage: zhijian filing check FILE.json [--json] [--unmask] [--rules FILE] [--db PATH]\n"
    "                            [--as USER]\n\n"
    "Check a proposed case at filing (立案辅助审查): each party's identity and litigation\n"
    "history, and the risk prompts FL01 false litigation, FL02 abusive litigation, FL03 mass\n"
    "involvement, FL04 may affect filing, each with its score, factors and cases.\n"
    "FILE.json is described in docs/filing.md ('-' reads standard input).\n\n"
    "  --json          the answer as one JSON object\n"
    "  --unmask        names, IDs, phones and addresses in full (needs the unmask permission;\n"
    "                  audited)\n"
    "  --rules FILE    detector rules with the FL01-FL04 weights (default: rules/detectors.yaml)\n"
    "  --as USER       act as this user (default: $ZHIJIAN_USER, else the local operator)\n\n"
    "exit status: 0 no warning, 1 at least one warning, 2 usage or malformed input,\n"
    "3 data or store error, 4 not permitted\n";

typedef struct opts {
    const char *db, *rules, *as, *file;
    bool json, unmask;
} opts;

static int parse(int argc, char **argv, opts *o)
{
    static const struct option lo[] = {
        {"db", required_argument, NULL, 'd'},  {"rules", required_argument, NULL, 'r'},
        {"as", required_argument, NULL, 'a'},  {"json", no_argument, NULL, 'j'},
        {"unmask", no_argument, NULL, 'U'},    {"help", no_argument, NULL, 'h'},
        {0, 0, 0, 0},
    };
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", lo, NULL)) != -1) {
        switch (c) {
        case 'd': o->db = optarg; break;
        case 'r': o->rules = optarg; break;
        case 'a': o->as = optarg; break;
        case 'j': o->json = true; break;
        case 'U': o->unmask = true; break;
        case 'h': fputs(usage_text, stdout); return -1;
        default: return ZJ_EUSAGE;
        }
    }
    if (argc - optind != 2 || strcmp(argv[optind], "check"))
        return cli_error(ZJ_EUSAGE, "usage: zhijian filing check FILE.json [--json]; see "
                         "'zhijian filing --help'");
    o->file = argv[optind + 1];
    return 0;
}

/* The whole file (at most 1 MiB), NUL-terminated. */
static char *slurp(const char *path, size_t *n)
{
    FILE *f = strcmp(path, "-") ? fopen(path, "rb") : stdin;
    if (!f)
        return NULL;
    size_t cap = 1 << 20;
    char *b = malloc(cap + 1);
    *n = b ? fread(b, 1, cap + 1, f) : 0;
    if (f != stdin)
        fclose(f);
    if (b && *n > cap) {
        free(b);
        errno = EFBIG;
        return NULL;
    }
    if (b)
        b[*n] = '\0';
    return b;
}

static const char *str(const cJSON *o, const char *k)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
    return cJSON_IsString(v) ? v->valuestring : "";
}

static double num(const cJSON *o, const char *k)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
    return cJSON_IsNumber(v) ? v->valuedouble : 0;
}

/* The answer for people, from the (masked) JSON the work layer gave. */
static void print_text(const char *json)
{
    cJSON *o = cJSON_Parse(json);
    if (!o)
        return;
    printf("立案审查 filing check as of %s: %s %s\n", str(o, "checked_as_of"),
           str(o, "case_type"), str(o, "cause"));
    const cJSON *p;
    cJSON_ArrayForEach(p, cJSON_GetObjectItemCaseSensitive(o, "parties")) {
        const cJSON *id = cJSON_GetObjectItemCaseSensitive(p, "identity");
        const cJSON *h = cJSON_GetObjectItemCaseSensitive(p, "history");
        const cJSON *r = cJSON_GetObjectItemCaseSensitive(h, "by_role");
        const cJSON *t = cJSON_GetObjectItemCaseSensitive(h, "by_type");
        const cJSON *u = cJSON_GetObjectItemCaseSensitive(h, "by_outcome");
        const cJSON *per = cJSON_GetObjectItemCaseSensitive(h, "period");
        printf("\n当事人 party %s (%s): 身份 identity %s, 把握 confidence %.2f",
               str(p, "name"), str(p, "role"), str(id, "method"), num(id, "confidence"));
        if (num(id, "same_name_holders") > 0)
            printf(", 同名 same-name holders %.0f", num(id, "same_name_holders"));
        printf("\n  诉讼历史 history: %.0f case(s)", num(h, "cases"));
        if (num(h, "cases") > 0)
            printf(" %s..%s; 原告 plaintiff %.0f, 被告 defendant %.0f, 其他 other %.0f; "
                   "民事 civil %.0f, 行政 administrative %.0f, 刑事 criminal %.0f, "
                   "执行 enforcement %.0f, 破产 bankruptcy %.0f; 判决 judgment %.0f, 调解 "
                   "mediation %.0f, 撤诉 withdrawn %.0f, 驳回 dismissed %.0f, 未结 pending %.0f",
                   str(per, "first_filed"), str(per, "last_filed"), num(r, "plaintiff"),
                   num(r, "defendant"), num(r, "other"), num(t, "civil"),
                   num(t, "administrative"), num(t, "criminal"), num(t, "enforcement"),
                   num(t, "bankruptcy"), num(u, "judgment"), num(u, "mediation"),
                   num(u, "withdrawn"), num(u, "dismissed"), num(u, "pending"));
        printf("\n");
    }
    printf("\n");
    cJSON_ArrayForEach(p, cJSON_GetObjectItemCaseSensitive(o, "prompts")) {
        bool warn = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(p, "warn"));
        printf("%s %s  score %.2f (threshold %.2f)", str(p, "code"),
               warn ? "提示 WARNING" : "无提示 none", num(p, "score"), num(p, "threshold"));
        if (num(p, "cluster_size") > 0)
            printf("  cluster %.0f, this case #%.0f", num(p, "cluster_size"), num(p, "place"));
        printf("\n");
        const cJSON *f;
        cJSON_ArrayForEach(f, cJSON_GetObjectItemCaseSensitive(p, "factors"))
            printf("  + %.2f %s: %s\n", num(f, "weight"), str(f, "name"), str(f, "detail"));
        cJSON_ArrayForEach(f, cJSON_GetObjectItemCaseSensitive(p, "cases"))
            printf("    案件 case %s (%s %.0f)\n", str(f, "case_no"), str(f, "table"),
                   num(f, "id"));
    }
    cJSON_Delete(o);
}

int cmd_filing(int argc, char **argv)
{
    opts o = {0};
    int rc = parse(argc, argv, &o);
    if (rc)
        return rc < 0 ? 0 : rc;
    size_t n;
    char *text = slurp(o.file, &n);
    if (!text)
        return cli_error(ZJ_EUSAGE, "%s: cannot read (%s)", o.file,
                         errno == EFBIG ? "larger than 1 MiB" : strerror(errno));
    zj_error err = {0};
    zj_filing_input in;
    if (zj_filing_input_parse(text, n, &in, &err)) {
        zj_filing_input_free(&in);
        free(text);
        zj_error_prefix(&err, "%s: ", o.file);
        return cli_report(&err);
    }
    char buf[4096];
    const char *path = cli_rules_path(o.rules, "detectors.yaml", buf, sizeof buf);
    zj_rules *rules = NULL;
    zj_store *s = NULL;
    zj_filing_service *sv = NULL;
    zj_actor_owned who = {0};
    bool have_who = false;
    zj_buf out = {0};
    zj_filing_result *res = malloc(sizeof *res);
    rc = res ? 0 : zj_fail(&err, ZJ_EDATA, "out of memory");
    if (!rc)
        rc = path ? zj_rules_load(path, &rules, &err) : zj_rules_defaults(&rules, &err);
    if (!rc)
        rc = zj_store_open_existing(cli_db_path(o.db), &s, &err);
    if (rc) {
        rc = cli_report(&err);
    } else if ((rc = cli_user_actor(s, o.as, &who)) == 0) {
        have_who = true;
        /* new parties are resolved by the linking model with rules/linking.yaml's settings */
        zj_link_config link;
        zj_link_config_defaults(&link);
        char lbuf[4096];
        const char *lpath = cli_rules_path(o.rules, "linking.yaml", lbuf, sizeof lbuf);
        rc = lpath ? zj_link_config_load(lpath, &link, &err) : 0;
        zj_filing_options fo = {.link = &link};
        if (!rc)
            rc = zj_filing_service_open(s, rules, &fo, &sv, &err);
        if (!rc)
            rc = zj_work_filing_check(s, &who.actor, sv, &in.c, o.unmask, &out, res, &err);
        if (rc) {
            rc = cli_report(&err);
        } else {
            if (o.json)
                printf("%s\n", out.data);
            else
                print_text(out.data);
            bool warn = false;
            for (int k = 0; k < 4; k++)
                warn |= res->prompts[k].warn;
            rc = warn ? 1 : 0;
        }
    }
    if (have_who)
        zj_actor_owned_free(&who);
    zj_filing_service_close(sv);
    zj_audit_group_close();           /* the connection the check's audit entry was written on */
    zj_store_close(s);
    zj_rules_free(rules);
    zj_buf_free(&out);
    free(res);
    zj_filing_input_free(&in);
    free(text);
    return rc;
}
