/* cmd_detect.c - `zhijian detect`: run the detectors over the store and keep their leads (线索).
 *
 *   zhijian detect [--only CODE...] [--rules FILE] [--as-of DATE] [--full] [--no-link] [--json]
 *                  [--quiet]
 *   zhijian detect --list [--json]         the detectors, their basis and parameters
 */
#include <cjson/cJSON.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "detect/detect.h"
#include "link/config.h"
#include "link/link.h"
#include "work/audit.h"
#include "work/workflow.h"

static const char usage_text[] =
    "usage: zhijian detect [--only CODE...] [--rules FILE] [--as-of YYYY-MM-DD] [--db PATH]\n"
    "                      [--full] [--no-analysis] [--no-link] [--json] [--quiet]\n"
    "   or: zhijian detect --list [--rules FILE] [--json]\n\n"
    "运行线索规则：对已导入并完成实体识别（zhijian link）的数据逐条规则检测，结果写入线索库。\n"
    "Run the detectors over the linked store. Each finding becomes a lead with its evidence,\n"
    "path and explanation; a re-run updates leads in place (stable fingerprints) and never\n"
    "deletes one: a lead a later run no longer finds is shown as no longer detected.\n"
    "Afterwards the leaders' analysis (rates per 1,000 officers, report compliance) is\n"
    "recomputed; see 'zhijian leads stats'. When new records touch the case of an earlier\n"
    "lead, the lead workflow hears of it: a lead nobody has taken up that no longer holds closes\n"
    "by itself (补录); a lead being worked keeps its state and its assignee gets a notice\n"
    "('zhijian leads notices').\n\n"
    "  --only CODE...  run only these detectors (codes may also follow as arguments or be\n"
    "                  comma-separated): zhijian detect --only TV01 TV02\n"
    "  --rules FILE    detector rules (default: detectors.yaml in $ZHIJIAN_RULES if set, else\n"
    "                  in ./rules; the built-in defaults when it is absent)\n"
    "  --as-of DATE    reference date for tenure bands (default: today)\n"
    "  --full          evaluate every case; by default a per-case detector (CF01 CF02 CF05-CF08)\n"
    "                  whose last run had the same reference date and rules re-evaluates only\n"
    "                  the cases the records imported since then touch (增量检测)\n"
    "  --no-analysis   do not recompute the analysis tables\n"
    "  --no-link       refuse (exit 3) when records were imported after the last 'zhijian\n"
    "                  link' instead of linking them first (incrementally: new records join\n"
    "                  existing entities; run 'zhijian link' for a full re-resolution)\n"
    "  --list          list the detectors, their basis and parameters\n\n"
    "exit status: 0 when the run completed (whatever it found), 2 usage, 3 data or store error\n";

typedef struct opts {
    const char *db, *rules, *as_of;
    bool json, quiet, list, no_analysis, no_link, full;
    const char *codes[64];
    size_t ncodes;
    char *owned[64];          /* copies of the arguments the codes point into */
    size_t nowned;
} opts;

static int add_codes(opts *o, const char *arg)
{
    if (o->nowned == sizeof o->owned / sizeof o->owned[0])
        return cli_error(ZJ_EUSAGE, "too many detector codes");
    char *copy = strdup(arg);
    if (!copy)
        return cli_error(ZJ_EDATA, "out of memory");
    o->owned[o->nowned++] = copy;
    char *save = NULL;
    for (char *t = strtok_r(copy, ", ", &save); t; t = strtok_r(NULL, ", ", &save)) {
        if (o->ncodes == sizeof o->codes / sizeof o->codes[0])
            return cli_error(ZJ_EUSAGE, "too many detector codes");
        o->codes[o->ncodes++] = t;
    }
    return 0;
}

static int parse(int argc, char **argv, opts *o)
{
    static const struct option lo[] = {
        {"db", required_argument, NULL, 'd'},    {"rules", required_argument, NULL, 'r'},
        {"only", required_argument, NULL, 'o'},  {"as-of", required_argument, NULL, 'a'},
        {"json", no_argument, NULL, 'j'},        {"quiet", no_argument, NULL, 'q'},
        {"list", no_argument, NULL, 'l'},        {"no-analysis", no_argument, NULL, 'n'},
        {"no-link", no_argument, NULL, 'L'},     {"help", no_argument, NULL, 'h'},
        {"full", no_argument, NULL, 'F'},
        {0, 0, 0, 0},
    };
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "qh", lo, NULL)) != -1) {
        switch (c) {
        case 'd': o->db = optarg; break;
        case 'r': o->rules = optarg; break;
        case 'a': o->as_of = optarg; break;
        case 'o':
            if (add_codes(o, optarg))
                return ZJ_EUSAGE;
            break;
        case 'j': o->json = true; break;
        case 'q': o->quiet = true; break;
        case 'l': o->list = true; break;
        case 'n': o->no_analysis = true; break;
        case 'L': o->no_link = true; break;
        case 'F': o->full = true; break;
        case 'h': fputs(usage_text, stdout); return -1;
        default: return ZJ_EUSAGE;
        }
    }
    for (int i = optind; i < argc; i++)
        if (add_codes(o, argv[i]))
            return ZJ_EUSAGE;
    return 0;
}

static void opts_free(opts *o)
{
    for (size_t i = 0; i < o->nowned; i++)
        free(o->owned[i]);
}

/* The rules: --rules, $ZHIJIAN_RULES/detectors.yaml, ./rules/detectors.yaml or defaults. */
static int load_rules(const opts *o, zj_rules **r)
{
    char buf[4096];
    const char *path = cli_rules_path(o->rules, "detectors.yaml", buf, sizeof buf);
    zj_error err = {0};
    int rc = path ? zj_rules_load(path, r, &err) : zj_rules_defaults(r, &err);
    return rc ? cli_report(&err) : 0;
}

static const char *type_name(zj_param_type t)
{
    static const char *const n[] = {"int", "real", "bool", "text", "list", "time", "month"};
    return (size_t)t < sizeof n / sizeof n[0] ? n[t] : "?";
}

static int do_list(const opts *o, const zj_rules *r)
{
    const zj_detector *const *d;
    size_t n = zj_detectors(&d);
    cJSON *arr = o->json ? cJSON_CreateArray() : NULL;
    for (size_t i = 0; i < n; i++) {
        const zj_detector *x = d[i];
        int sev = zj_rules_severity(r, x->code, x->severity);
        const char *basis = zj_rules_basis(r, x->code, x->basis);
        bool on = zj_rules_enabled(r, x->code);
        if (arr) {
            cJSON *j = cJSON_CreateObject();
            cJSON_AddStringToObject(j, "code", x->code);
            cJSON_AddStringToObject(j, "title_zh", x->title_zh);
            cJSON_AddStringToObject(j, "title_en", x->title_en);
            cJSON_AddStringToObject(j, "basis", basis);
            cJSON_AddNumberToObject(j, "severity", sev);
            cJSON_AddBoolToObject(j, "enabled", on);
            cJSON *ps = cJSON_AddArrayToObject(j, "params");
            for (const zj_param *p = x->params; p && p->name; p++) {
                cJSON *pj = cJSON_CreateObject();
                cJSON_AddStringToObject(pj, "name", p->name);
                cJSON_AddStringToObject(pj, "type", type_name(p->type));
                cJSON_AddStringToObject(pj, "default", p->def ? p->def : "");
                cJSON_AddStringToObject(pj, "help", p->help ? p->help : "");
                cJSON_AddItemToArray(ps, pj);
            }
            cJSON_AddItemToArray(arr, j);
            continue;
        }
        printf("%s  %s / %s\n      severity %d%s\n      依据 basis: %s\n", x->code, x->title_zh,
               x->title_en, sev, on ? "" : ", disabled", basis);
        for (const zj_param *p = x->params; p && p->name; p++)
            printf("      %-24s %-5s default %-30s %s\n", p->name, type_name(p->type),
                   p->def && *p->def ? p->def : "\"\"", p->help ? p->help : "");
    }
    if (arr) {
        char *t = cJSON_Print(arr);
        puts(t);
        free(t);
        cJSON_Delete(arr);
    }
    return 0;
}

typedef struct report {
    const opts *o;
    cJSON *arr;
} report;

static void done(const zj_detect_stats *st, void *ctx)
{
    report *r = ctx;
    if (r->arr) {
        cJSON *j = cJSON_CreateObject();
        cJSON_AddStringToObject(j, "code", st->code);
        cJSON_AddNumberToObject(j, "run", (double)st->run_id);
        cJSON_AddNumberToObject(j, "found", (double)st->found);
        cJSON_AddNumberToObject(j, "new", (double)st->inserted);
        cJSON_AddNumberToObject(j, "updated", (double)st->updated);
        cJSON_AddNumberToObject(j, "unchanged", (double)st->unchanged);
        cJSON_AddNumberToObject(j, "no_longer_detected", (double)st->not_seen);
        cJSON_AddNumberToObject(j, "seconds", st->seconds);
        cJSON_AddNumberToObject(j, "cpu_seconds", st->cpu_seconds);
        cJSON_AddStringToObject(j, "scope", st->incremental ? "cases" : "all");
        if (st->scope_cases >= 0)
            cJSON_AddNumberToObject(j, "touched_cases", (double)st->scope_cases);
        cJSON_AddNumberToObject(j, "evaluated", (double)st->evaluated);
        cJSON_AddNumberToObject(j, "carried", (double)st->carried);
        cJSON_AddNumberToObject(j, "changes", (double)st->changes);
        cJSON_AddBoolToObject(j, "ahead", st->ahead);
        if (st->summary[0])
            cJSON_AddStringToObject(j, "summary", st->summary);
        cJSON_AddItemToArray(r->arr, j);
    } else if (!r->o->quiet) {
        const zj_detector *d = zj_detector_find(st->code);
        printf("%s %s: %lld 条线索 leads (新 new %lld, 更新 updated %lld, 未变 unchanged %lld",
               st->code, d ? d->title_zh : "", (long long)st->found, (long long)st->inserted,
               (long long)st->updated, (long long)st->unchanged);
        if (st->not_seen)
            printf(", 不再检出 no longer detected %lld", (long long)st->not_seen);
        printf(") %.2f s\n", st->seconds);
        if (st->incremental)
            printf("      增量 incremental: %lld 个案件受新记录影响 cases touched, %lld 条记录重新评估 "
                   "re-evaluated, %lld 条线索保留 leads kept\n", (long long)st->scope_cases,
                   (long long)st->evaluated, (long long)st->carried);
        if (st->summary[0])
            printf("      %s\n", st->summary);
        fflush(stdout);
    }
}

/* Detectors read entities and the relations graph: records imported after the last link have
 * neither, and detecting over them would miss them silently (a supervisor reads "0 leads" as
 * "no violations"). Link them first, incrementally, or refuse with --no-link. */
static int ensure_linked(zj_store *s, const opts *o)
{
    zj_error err = {0};
    int64_t pending = 0;
    if (zj_link_pending(s, &pending, &err))
        return cli_report(&err);
    if (!pending)
        return 0;
    if (o->no_link)
        return cli_error(ZJ_EDATA, "%lld import batch(es) since the last 'zhijian link': their "
                         "records have no entities yet and the detectors would not see them; "
                         "run 'zhijian link' first (or detect without --no-link to link them "
                         "incrementally)", (long long)pending);
    if (!o->quiet)
        fprintf(stderr, "zhijian: %lld import batch(es) since the last link: linking them first "
                "(incremental; 'zhijian link' re-resolves everything)\n", (long long)pending);
    zj_link_config cfg;
    zj_link_config_defaults(&cfg);
    char buf[4096];
    const char *path = cli_rules_path(NULL, "linking.yaml", buf, sizeof buf);
    if (path && zj_link_config_load(path, &cfg, &err))
        return cli_report(&err);
    zj_link_options lo = {.incremental = true, .config = &cfg};
    zj_link_stats st;
    zj_actor actor;
    cli_actor(&actor);
    if (zj_audit_track(s, &actor, "link.run", "entity", "{\"incremental\":true,\"by\":\"detect\"}",
                       &err) ||
        cli_link_store(s, &lo, &st, &err))
        return cli_report(&err);
    return 0;
}

int cmd_detect(int argc, char **argv)
{
    opts o = {0};
    int rc = parse(argc, argv, &o);
    zj_rules *rules = NULL;
    if (!rc)
        rc = load_rules(&o, &rules);
    if (rc || o.list) {
        if (!rc)
            rc = do_list(&o, rules);
        zj_rules_free(rules);
        opts_free(&o);
        return rc < 0 ? 0 : rc;
    }
    zj_store *s;
    zj_error err = {0};
    if (zj_store_open_existing(cli_db_path(o.db), &s, &err)) {
        zj_rules_free(rules);
        opts_free(&o);
        return cli_report(&err);
    }
    if ((rc = ensure_linked(s, &o))) {
        zj_store_close(s);
        zj_rules_free(rules);
        opts_free(&o);
        return rc;
    }
    /* one audit entry per detector run (each commits on its own) */
    cJSON *what = cJSON_CreateObject();
    cJSON *codes = o.ncodes ? cJSON_AddArrayToObject(what, "only") : NULL;
    for (size_t i = 0; i < o.ncodes; i++)
        cJSON_AddItemToArray(codes, cJSON_CreateString(o.codes[i]));
    if (o.as_of)
        cJSON_AddStringToObject(what, "as_of", o.as_of);
    char *detail = cJSON_PrintUnformatted(what);
    cJSON_Delete(what);
    zj_actor actor;
    cli_actor(&actor);
    rc = zj_audit_track(s, &actor, "detect.run", "detect_run", detail, &err);
    free(detail);
    if (rc) {
        zj_store_close(s);
        zj_rules_free(rules);
        opts_free(&o);
        return cli_report(&err);
    }
    report r = {&o, o.json ? cJSON_CreateArray() : NULL};
    zj_detect_totals tot = {0};
    zj_detect_options opt = {
        .totals = &tot,
        .only = o.codes,
        .nonly = o.ncodes,
        .as_of = o.as_of,
        .skip_analysis = o.no_analysis,
        .full = o.full,
        .done = done,
        .done_ctx = &r,
    };
    rc = zj_detect_run(s, rules, &opt, &err);
    zj_lead_sync_stats sync = {0};
    if (!rc)
        rc = zj_lead_sync_detection(s, &actor, &sync, &err);
    if (rc)
        rc = cli_report(&err);
    else if (!r.arr && !o.quiet && sync.changes)
        printf("线索处置 workflow: %lld 条线索补录后自动办结 closed by themselves, %lld 条在办线索"
               "新增事件 events on leads being worked (%lld 条通知 notices)\n",
               (long long)sync.auto_closed, (long long)sync.events, (long long)sync.notices);
    else if (r.arr) {
        /* the detectors together (run_seconds: wall, not the sum when two threads ran) */
        cJSON *j;
        cJSON_ArrayForEach(j, r.arr) {
            cJSON_AddNumberToObject(j, "run_seconds", tot.seconds);
            cJSON_AddNumberToObject(j, "run_cpu_seconds", tot.cpu_seconds);
            cJSON_AddNumberToObject(j, "run_threads", tot.threads);
        }
        char *t = cJSON_Print(r.arr);
        puts(t);
        free(t);
    }
    cJSON_Delete(r.arr);
    zj_store_close(s);
    zj_rules_free(rules);
    opts_free(&o);
    return rc;
}
