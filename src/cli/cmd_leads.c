/* cmd_leads.c - `zhijian leads`: list leads, show one with its evidence and provenance, and the
 * leaders' analysis (线索列表、详情、分析).
 *
 *   zhijian leads list [--code C] [--status S] [--unit U] [--current] [--limit N]
 *                      [--offset N] [--json]
 *   zhijian leads show ID [--unmask] [--json]
 *   zhijian leads stats [--measure M] [--dimension D] [--code C] [--json]
 *   zhijian leads party ID_NO [--json]        a filing check (立案审查) across all courts
 * Every subcommand takes --as USER (or $ZHIJIAN_USER) to act as that user.
 *
 * Parsing and printing only: the reads, their scope and their masking are the read layer's
 * (work/read.h). Personal data is masked unless --unmask is given by a user allowed to
 * unmask, and each unmasked view is audited there.
 */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/cli_options.h"
#include "work/read.h"

static const char usage_text[] =
    "usage: zhijian leads list [--code C] [--status S] [--unit U] [--current] [--limit N]\n"
    "                          [--offset N] [--json] [--as USER]\n"
    "   or: zhijian leads show ID [--unmask] [--json] [--as USER]\n"
    "   or: zhijian leads stats [--measure M] [--dimension D] [--code C] [--json] [--as USER]\n"
    "   or: zhijian leads party ID_NO [--json] [--as USER]\n"
    "   or: zhijian leads caseflow [--by agency|unit|month|unit_month] [--measure M]\n"
    "                              [--agency A] [--month YYYY-MM] [--json] [--as USER]\n"
    "   or: zhijian leads assign|start|decide|rectify|close|reopen|comment|attach|attachment|\n"
    "                     history|queue\n"
    "       (working a lead to a verdict: 'zhijian leads assign --help')\n\n"
    "线索：列表、详情（证据及其来源文件与行号）和分析研判。\n"
    "Leads found by 'zhijian detect': a list, one lead in full (explanation, path, every\n"
    "evidence record with its source system, file and line), and the leaders' analysis\n"
    "(officers with leads per 1,000 by agency, business area, region, position, tenure and\n"
    "unit; monthly report compliance per unit; complaints per 1,000 officers).\n\n"
    "  --current       only leads the latest finished run of their detector produced\n"
    "  --unit U        only leads of unit U and the units below it\n"
    "  --unmask        show names, IDs, phones, addresses and birth dates in full (default:\n"
    "                  masked); only for roles allowed to unmask, and recorded in the audit trail\n"
    "  --as USER       act as USER (default: $ZHIJIAN_USER, else the store's owner)\n"
    "  party ID_NO     a filing check (立案审查): the party's cases across all courts, masked,\n"
    "                  recorded in the audit trail\n"
    "  --measure M     officers_with_leads | report_compliance | complaints\n"
    "  --dimension D   agency | business_area | region | position | tenure | unit\n"
    "  caseflow        case-flow figures (案件流程统计): open warnings, overdue cases and the\n"
    "                  average days per stage, by agency, unit and month (--by; default\n"
    "                  unit_month); --measure open_warnings | overdue_cases | stage_days,\n"
    "                  --agency police | procuratorate | court\n";

typedef struct opts {
    const char *db, *code, *status, *unit, *measure, *dimension, *as;
    const char *by, *agency, *month;          /* caseflow */
    bool json, unmask, current;
    long long limit, offset;
    int argc;
    char **argv;
} opts;

static int parse(int argc, char **argv, opts *o)
{
    static const cli_opt table[] = {
        CLI_STRING(opts, db, "db"),
        CLI_STRING(opts, code, "code"),
        CLI_STRING(opts, status, "status"),
        CLI_STRING(opts, unit, "unit"),
        CLI_STRING(opts, measure, "measure"),
        CLI_STRING(opts, dimension, "dimension"),
        CLI_INT(opts, limit, "limit", 0, 1000000000),
        CLI_FLAG(opts, json, "json"),
        CLI_FLAG(opts, unmask, "unmask"),
        CLI_FLAG(opts, current, "current"),
        CLI_INT(opts, offset, "offset", 0, 1000000000000),
        CLI_STRING(opts, as, "as"),
        CLI_STRING(opts, by, "by"),
        CLI_STRING(opts, agency, "agency"),
        CLI_STRING(opts, month, "month"),
    };
    return cli_parse_options(argc, argv, table, sizeof table / sizeof *table, o, usage_text,
                             &o->argc, &o->argv);
}

static const char *status_zh(const char *s)
{
    static const char *const t[][2] = {
        {"new", "新线索"}, {"assigned", "已分派"}, {"verifying", "核查中"},
        {"confirmed", "查实"}, {"dismissed", "排除"}, {"rectified", "已整改"},
    };
    for (size_t i = 0; s && i < sizeof t / sizeof t[0]; i++)
        if (!strcmp(t[i][0], s))
            return t[i][1];
    return s ? s : "";
}

static const char *severity_zh(int s)
{
    static const char *const t[] = {"", "低 low", "中 medium", "高 high", "严重 critical"};
    return s >= 1 && s <= 4 ? t[s] : "?";
}

/* ---- list --------------------------------------------------------------------------------- */

static cJSON *lead_json(const zj_lead_view *r)
{
    cJSON *j = cJSON_CreateObject();
    cJSON_AddNumberToObject(j, "id", (double)r->id);
    cJSON_AddStringToObject(j, "code", r->code);
    cJSON_AddStringToObject(j, "fingerprint", r->fingerprint);
    cJSON_AddNumberToObject(j, "severity", r->severity);
    cJSON_AddStringToObject(j, "status", r->status);
    cJSON_AddBoolToObject(j, "current", r->current);
    cJSON_AddStringToObject(j, "subject_table", r->subject_table);
    cJSON_AddNumberToObject(j, "subject_id", (double)r->subject_id);
    if (r->subject_system)
        cJSON_AddStringToObject(j, "subject_source_system", r->subject_system);
    if (r->unit_code)
        cJSON_AddStringToObject(j, "unit_code", r->unit_code);
    if (r->unit_name)
        cJSON_AddStringToObject(j, "unit_name", r->unit_name);
    cJSON_AddStringToObject(j, "title", r->title);
    cJSON_AddStringToObject(j, "first_seen_at", r->first_seen_at);
    cJSON_AddStringToObject(j, "last_seen_at", r->last_seen_at);
    /* the detector's facts as fields; an empty object for leads without */
    cJSON *facts = r->facts ? cJSON_Parse(r->facts) : NULL;
    cJSON_AddItemToObject(j, "facts", facts ? facts : cJSON_CreateObject());
    return j;
}

static int list_row(const zj_lead_view *r, void *ctx)
{
    cJSON *arr = ctx;
    if (arr) {
        cJSON_AddItemToArray(arr, lead_json(r));
        return 0;
    }
    /* ASCII columns keep their width; the Chinese is in the title and in `leads show` */
    printf("%-6lld %-5s %d   %-10s %-6s %-12s %s\n", (long long)r->id, r->code, r->severity,
           r->status, r->current ? "" : "stale", r->unit_code ? r->unit_code : "-", r->title);
    return 0;
}

static void print_json(cJSON *j)
{
    char *t = cJSON_Print(j);
    puts(t);
    free(t);
}

static int do_list(zj_store *s, const zj_actor *a, const opts *o)
{
    zj_lead_query q = {.code = o->code, .status = o->status, .unit = o->unit,
                       .current_only = o->current, .offset = o->offset, .limit = o->limit};
    cJSON *arr = o->json ? cJSON_CreateArray() : NULL;
    if (!arr)
        printf("%-6s %-5s %s %-10s %-6s %-12s %s\n", "ID", "CODE", "SEV", "STATUS", "", "UNIT",
               "TITLE 标题 (stale = 不再检出, no longer detected)");
    zj_error err = {0};
    int rc = zj_read_leads(s, a, &q, list_row, arr, NULL, &err);
    if (!rc && arr)
        print_json(arr);
    cJSON_Delete(arr);
    return rc ? cli_report(&err) : 0;
}

/* ---- show --------------------------------------------------------------------------------- */

typedef struct show_ctx {
    const opts *o;
    cJSON *root, *evidence;
} show_ctx;

static int show_lead(const zj_lead_view *r, void *ctx)
{
    show_ctx *c = ctx;
    if (c->o->json) {
        cJSON *j = lead_json(r);
        cJSON_AddStringToObject(j, "explanation", r->explanation);
        if (r->basis)
            cJSON_AddStringToObject(j, "basis", r->basis);
        if (r->path)
            cJSON_AddStringToObject(j, "path", r->path);
        if (r->title_zh)
            cJSON_AddStringToObject(j, "title_zh", r->title_zh);
        if (r->title_en)
            cJSON_AddStringToObject(j, "title_en", r->title_en);
        if (r->subject_key)
            cJSON_AddStringToObject(j, "subject_source_key", r->subject_key);
        c->root = j;
        c->evidence = cJSON_AddArrayToObject(j, "evidence");
        return 0;
    }
    printf("线索 lead %lld  [%s] %s\n", (long long)r->id, r->code, r->title_zh ? r->title_zh : "");
    printf("  %s\n", r->title);
    printf("  等级 severity: %d %s   状态 status: %s (%s)%s\n", r->severity,
           severity_zh(r->severity), status_zh(r->status), r->status,
           r->current ? "" : "   不再检出 no longer detected by the latest run");
    printf("  责任单位 unit: %s %s\n", r->unit_code ? r->unit_code : "-",
           r->unit_name ? r->unit_name : "");
    printf("  对象 subject: %s #%lld", r->subject_table, (long long)r->subject_id);
    if (r->subject_system)
        printf(" (%s)", r->subject_system);
    printf("\n  首次/最近发现 first/last seen: %s / %s (UTC)\n", r->first_seen_at, r->last_seen_at);
    if (r->path)
        printf("  路径 path: %s\n", r->path);
    printf("  说明 explanation:\n");
    for (const char *p = r->explanation; p && *p;) {
        const char *e = strchr(p, '\n');
        int len = e ? (int)(e - p) : (int)strlen(p);
        printf("    %.*s\n", len, p);
        p += len + (e ? 1 : 0);
    }
    if (r->basis)
        printf("  依据 basis: %s\n", r->basis);
    printf("  证据 evidence (来源系统、文件:行号 source system, file:line):\n");
    return 0;
}

static int show_evidence(const zj_evidence_view *e, void *ctx)
{
    show_ctx *c = ctx;
    if (c->evidence) {
        cJSON *j = cJSON_CreateObject();
        cJSON_AddStringToObject(j, "role", e->role ? e->role : "");
        if (e->note)
            cJSON_AddStringToObject(j, "note", e->note);
        cJSON_AddStringToObject(j, "table", e->table);
        cJSON_AddNumberToObject(j, "record_id", (double)e->record_id);
        cJSON_AddBoolToObject(j, "exists", e->exists);
        if (e->exists) {
            cJSON_AddStringToObject(j, "source_system", e->source_system);
            if (e->source_key)
                cJSON_AddStringToObject(j, "source_key", e->source_key);
            cJSON_AddNumberToObject(j, "batch", (double)e->batch_id);
            if (e->file)
                cJSON_AddStringToObject(j, "file", e->file);
            cJSON_AddNumberToObject(j, "line", (double)e->line);
            cJSON *rec = cJSON_AddObjectToObject(j, "record");
            for (size_t i = 0; i < e->nfields; i++) {
                const zj_field_view *f = &e->fields[i];
                cJSON *obj = f->json ? cJSON_Parse(f->value) : NULL;
                if (obj)
                    cJSON_AddItemToObject(rec, f->column, obj);
                else
                    cJSON_AddStringToObject(rec, f->column, f->value);
            }
        }
        cJSON_AddItemToArray(c->evidence, j);
        return 0;
    }
    printf("  %2d. %-18s %s #%lld%s%s\n", e->n, e->role ? e->role : "", e->table,
           (long long)e->record_id, e->note && *e->note ? "  " : "", e->note ? e->note : "");
    if (!e->exists) {
        printf("      (记录已不在库中 the record is no longer in the store)\n");
        return 0;
    }
    printf("      来源 source: %s, %s:%lld (batch %lld)\n", e->source_system,
           e->file ? e->file : "?", (long long)e->line, (long long)e->batch_id);
    if (e->source_key) {
        printf("      主键 key: ");
        for (const char *p = e->source_key; *p; p++)
            if (*p == '\x1f')
                fputs(" | ", stdout);
            else
                putchar(*p);
        putchar('\n');
    }
    if (e->nfields) {
        printf("     ");
        for (size_t i = 0; i < e->nfields; i++)
            printf(" %s=%s", e->fields[i].label, e->fields[i].value);
        putchar('\n');
    }
    return 0;
}

static int do_show(zj_store *s, const zj_actor *a, const opts *o)
{
    char *end;
    long long id = o->argc == 2 ? strtoll(o->argv[1], &end, 10) : 0;
    if (o->argc != 2 || *end || id <= 0)
        return cli_error(ZJ_EUSAGE, "usage: zhijian leads show ID");
    zj_error err = {0};
    show_ctx c = {o, NULL, NULL};
    int rc = zj_read_lead(s, a, id, o->unmask ? ZJ_READ_UNMASK : 0, show_lead, show_evidence,
                          &c, &err);
    if (!rc && c.root)
        print_json(c.root);
    cJSON_Delete(c.root);
    return rc ? cli_report(&err) : 0;
}

/* ---- stats -------------------------------------------------------------------------------- */

static int stats_row(const zj_rate_view *r, void *ctx)
{
    cJSON *arr = ctx;
    if (arr) {
        cJSON *j = cJSON_CreateObject();
        cJSON_AddStringToObject(j, "measure", r->measure);
        cJSON_AddStringToObject(j, "code", r->code);
        cJSON_AddStringToObject(j, "dimension", r->dimension);
        cJSON_AddStringToObject(j, "value", r->value);
        if (r->label)
            cJSON_AddStringToObject(j, "label", r->label);
        cJSON_AddNumberToObject(j, "numerator", (double)r->numerator);
        cJSON_AddNumberToObject(j, "denominator", (double)r->denominator);
        if (r->has_rate)
            cJSON_AddNumberToObject(j, "rate", r->rate);
        cJSON_AddItemToArray(arr, j);
        return 0;
    }
    char value[256], rate[32] = "-";
    snprintf(value, sizeof value, "%s%s%s", r->value, r->label ? " " : "",
             r->label ? r->label : "");
    if (r->has_rate)
        snprintf(rate, sizeof rate, "%.2f", r->rate);
    printf("%-20s %-5s %-14s %-28s %9lld %9lld %10s\n", r->measure, r->code, r->dimension, value,
           (long long)r->numerator, (long long)r->denominator, rate);
    return 0;
}

static int do_stats(zj_store *s, const zj_actor *a, const opts *o)
{
    zj_stats_query q = {o->measure, o->dimension, o->code};
    cJSON *arr = o->json ? cJSON_CreateArray() : NULL;
    if (!arr)
        printf("%-20s %-5s %-14s %-28s %9s %9s %10s\n", "measure", "code", "dimension",
               "value", "numer.", "denom.", "rate");
    zj_error err = {0};
    int rc = zj_read_stats(s, a, &q, stats_row, arr, &err);
    if (!rc && arr)
        print_json(arr);
    cJSON_Delete(arr);
    return rc ? cli_report(&err) : 0;
}

/* ---- caseflow: the leaders' case-flow figures ------------------------------------------------ */

static int caseflow_row(const zj_caseflow_view *v, void *ctx)
{
    cJSON *arr = ctx;
    if (arr) {
        cJSON *j = cJSON_CreateObject();
        cJSON_AddStringToObject(j, "measure", v->measure);
        cJSON_AddStringToObject(j, "agency", v->agency);
        if (v->unit_code)
            cJSON_AddStringToObject(j, "unit_code", v->unit_code);
        if (v->month)
            cJSON_AddStringToObject(j, "month", v->month);
        if (v->stage) {
            cJSON_AddStringToObject(j, "stage", v->stage);
            cJSON_AddNumberToObject(j, "avg_days", v->avg_days);
        }
        cJSON_AddNumberToObject(j, "count", (double)v->count);
        cJSON_AddItemToArray(arr, j);
        return 0;
    }
    printf("%-14s %-14s %-14s %-12s %-8s %8lld", v->measure, v->agency,
           v->unit_code ? v->unit_code : "-", v->stage ? v->stage : "-",
           v->month ? v->month : "-", (long long)v->count);
    if (v->stage)
        printf(" %9.1f", v->avg_days);
    putchar('\n');
    return 0;
}

static int do_caseflow(zj_store *s, const zj_actor *a, const opts *o)
{
    zj_caseflow_query q = {o->by, o->measure, o->agency, o->month};
    cJSON *arr = o->json ? cJSON_CreateArray() : NULL;
    if (!arr)
        printf("%-14s %-14s %-14s %-12s %-8s %8s %9s\n", "measure", "agency", "unit", "stage",
               "month", "count", "avg days");
    zj_error err = {0};
    int rc = zj_read_caseflow_stats(s, a, &q, caseflow_row, arr, &err);
    if (!rc && arr)
        print_json(arr);
    cJSON_Delete(arr);
    return rc ? cli_report(&err) : 0;
}

/* ---- party: a filing check ------------------------------------------------------------------ */

static int party_row(const zj_party_case_view *c, void *ctx)
{
    cJSON *arr = ctx;
    if (arr) {
        cJSON *j = cJSON_CreateObject();
        cJSON_AddStringToObject(j, "case_system", c->case_system);
        cJSON_AddStringToObject(j, "case_no", c->case_no);
        cJSON_AddStringToObject(j, "role", c->role);
        if (c->name)
            cJSON_AddStringToObject(j, "name", c->name);
        const char *k[] = {"court_code", "cause", "filed_at", "closed_at", "outcome"};
        const char *v[] = {c->court_code, c->cause, c->filed_at, c->closed_at, c->outcome};
        for (int i = 0; i < 5; i++)
            if (v[i])
                cJSON_AddStringToObject(j, k[i], v[i]);
        cJSON_AddItemToArray(arr, j);
        return 0;
    }
    printf("%-14s %-28s %-12s %-10s %-12s %-10s %s\n", c->case_system, c->case_no, c->role,
           c->name ? c->name : "", c->court_code ? c->court_code : "-",
           c->filed_at ? c->filed_at : "-", c->cause ? c->cause : "");
    return 0;
}

static int do_party(zj_store *s, const zj_actor *a, const opts *o)
{
    if (o->argc != 2)
        return cli_error(ZJ_EUSAGE, "usage: zhijian leads party ID_NO");
    cJSON *arr = o->json ? cJSON_CreateArray() : NULL;
    if (!arr)
        printf("%-14s %-28s %-12s %-10s %-12s %-10s %s\n", "system", "case 案号", "role",
               "name", "court", "filed", "cause");
    zj_error err = {0};
    int rc = zj_read_party_history(s, a, o->argv[1], party_row, arr, &err);
    if (!rc && arr)
        print_json(arr);
    cJSON_Delete(arr);
    return rc ? cli_report(&err) : 0;
}

/* Working a lead (assign, decide, history ...) is cmd_workflow.c's. */
bool cmd_workflow_handles(const char *sub);
int cmd_workflow(int argc, char **argv);

int cmd_leads(int argc, char **argv)
{
    int at = argc > 3 && (!strcmp(argv[1], "--db") || !strcmp(argv[1], "--as")) ? 3 : 1;
    if (argc > at && cmd_workflow_handles(argv[at]))
        return cmd_workflow(argc, argv);
    opts o = {0};
    int rc = parse(argc, argv, &o);
    if (rc)
        return rc < 0 ? 0 : rc;
    const char *sub = o.argc ? o.argv[0] : "list";
    if (strcmp(sub, "list") && strcmp(sub, "show") && strcmp(sub, "stats") &&
        strcmp(sub, "party") && strcmp(sub, "caseflow"))
        return cli_error(ZJ_EUSAGE, "unknown 'leads' subcommand '%s'; see 'zhijian leads --help'",
                         sub);
    if (o.limit < 0 || o.offset < 0)
        return cli_error(ZJ_EUSAGE, "--limit and --offset must not be negative");
    zj_store *s;
    zj_error err = {0};
    if (zj_store_open_existing(cli_db_path(o.db), &s, &err))
        return cli_report(&err);
    zj_actor_owned who;
    if ((rc = cli_user_actor(s, o.as, &who))) {
        zj_store_close(s);
        return rc;
    }
    if (!strcmp(sub, "list"))
        rc = do_list(s, &who.actor, &o);
    else if (!strcmp(sub, "show"))
        rc = do_show(s, &who.actor, &o);
    else if (!strcmp(sub, "stats"))
        rc = do_stats(s, &who.actor, &o);
    else if (!strcmp(sub, "caseflow"))
        rc = do_caseflow(s, &who.actor, &o);
    else
        rc = do_party(s, &who.actor, &o);
    zj_actor_owned_free(&who);
    zj_store_close(s);
    return rc;
}
