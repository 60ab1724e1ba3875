/* cmd_report.c - `zhijian report`: officers file their three-regulations records, monthly zero
 * reports and units their quarterly reports (三个规定记录、零报告、季度报告), correct them, and
 * list them. Parsing and printing only: the checks and the store are work/records.c's.
 *
 *   zhijian report file --category C --actor-name N --occurred TIME --content TEXT
 *                       [--officer NO] [--month YYYY-MM] [--actor-id ID] [--actor-unit U]
 *                       [--actor-position P] [--case-system S --case-no N] [--unit U]
 *   zhijian report zero --month YYYY-MM [--officer NO] [--unit U]
 *   zhijian report quarterly --quarter YYYY-Qn --summary TEXT [--measures TEXT] [--unit U]
 *   zhijian report correct RECORD_NO --reason TEXT [fields that change]
 *   zhijian report list [--kind K] [--officer NO] [--unit U] [--month M] [--current]
 *                       [--limit N] [--json]
 * Every subcommand takes --db PATH and --as USER.
 */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/cli_options.h"
#include "work/records.h"

static const char usage_text[] =
    "usage: zhijian report file --category C --actor-name N --occurred TIME --content TEXT\n"
    "                           [--officer NO] [--month YYYY-MM] [--actor-id ID]\n"
    "                           [--actor-unit U] [--actor-position P]\n"
    "                           [--case-system S --case-no N] [--unit U]\n"
    "   or: zhijian report zero --month YYYY-MM [--officer NO] [--unit U]\n"
    "   or: zhijian report quarterly --quarter YYYY-Qn --summary TEXT [--measures TEXT] [--unit U]\n"
    "   or: zhijian report correct RECORD_NO --reason TEXT [the fields that change]\n"
    "   or: zhijian report list [--kind record|zero|quarterly] [--officer NO] [--unit U]\n"
    "                           [--month YYYY-MM] [--current] [--limit N] [--json]\n\n"
    "三个规定记录（一事一报）、月度零报告和季度报告：填报、更正、查询。\n"
    "File a three-regulations record (one per event: leader interference, an internal\n"
    "inquiry about a case, improper contact), a monthly zero report when there was nothing\n"
    "to record, or a unit's quarterly report. Filed records are never edited: 'correct'\n"
    "files a new record replacing the old one, which stays. The detectors (TR01-TR04) read\n"
    "filed records as they read imported ones. The filing time is the server's clock.\n\n"
    "  --as USER          act as USER (default: $ZHIJIAN_USER, else the store's owner, an\n"
    "                     administrator)\n"
    "  --officer NO       whose record (default: your own officer number)\n"
    "  --category C       leader_interference | internal_inquiry | improper_contact\n"
    "  --actor-name N     who interfered, asked or made contact\n"
    "  --occurred TIME    when (YYYY-MM-DD HH:MM)\n"
    "  --month M          the month the report covers (default: the event's month)\n"
    "  --case-system S    court | procuratorate | police, with --case-no\n"
    "  --current          list: leave out records a correction replaced\n";

typedef struct opts {
    const char *db, *as, *kind;
    zj_record_input in;
    bool json, current;
    long long limit;
    int argc;
    char **argv;
} opts;

static int parse(int argc, char **argv, opts *o)
{
    static const cli_opt table[] = {
        CLI_STRING(opts, db, "db"),
        CLI_STRING(opts, as, "as"),
        CLI_STRING(opts, in.officer_no, "officer"),
        CLI_STRING(opts, in.unit_code, "unit"),
        CLI_STRING(opts, in.month, "month"),
        CLI_STRING(opts, in.category, "category"),
        CLI_STRING(opts, in.actor_name, "actor-name"),
        CLI_STRING(opts, in.actor_id_no, "actor-id"),
        CLI_STRING(opts, in.actor_unit, "actor-unit"),
        CLI_STRING(opts, in.actor_position, "actor-position"),
        CLI_STRING(opts, in.case_system, "case-system"),
        CLI_STRING(opts, in.case_no, "case-no"),
        CLI_STRING(opts, in.occurred_at, "occurred"),
        CLI_STRING(opts, in.content, "content"),
        CLI_STRING(opts, in.quarter, "quarter"),
        CLI_STRING(opts, in.summary, "summary"),
        CLI_STRING(opts, in.measures, "measures"),
        CLI_STRING(opts, in.reason, "reason"),
        CLI_STRING(opts, kind, "kind"),
        CLI_INT(opts, limit, "limit", 0, 1000000000),
        CLI_FLAG(opts, current, "current"),
        CLI_FLAG(opts, json, "json"),
    };
    return cli_parse_options(argc, argv, table, sizeof table / sizeof *table, o, usage_text,
                             &o->argc, &o->argv);
}

static int do_file(zj_store *s, const zj_actor *a, opts *o, const char *sub)
{
    zj_error err = {0};
    zj_record_input *in = &o->in;
    int nargs = 1;
    if (!strcmp(sub, "correct")) {
        if (o->argc < 2)
            return cli_error(ZJ_EUSAGE, "report correct: the record number to correct is "
                             "required (see 'zhijian report list')");
        in->corrects = o->argv[1];
        nargs = 2;
        if (zj_record_kind_of(s, in->corrects, &in->kind, &err))
            return cli_report(&err);
    } else
        in->kind = !strcmp(sub, "file") ? ZJ_RECORD_EVENT
                 : !strcmp(sub, "zero") ? ZJ_RECORD_ZERO : ZJ_RECORD_QUARTERLY;
    if (o->argc > nargs)
        return cli_error(ZJ_EUSAGE, "report %s: unexpected argument '%s'", sub, o->argv[nargs]);
    if (o->kind || o->current || o->limit)
        return cli_error(ZJ_EUSAGE, "report %s: --kind, --current and --limit are for 'list'",
                         sub);
    zj_filed out;
    if (zj_record_file(s, a, in, &out, &err))
        return cli_report(&err);
    if (o->json) {
        cJSON *j = cJSON_CreateObject();
        cJSON_AddStringToObject(j, "record_no", out.record_no);
        cJSON_AddStringToObject(j, "kind", zj_record_kind_name(in->kind));
        cJSON_AddStringToObject(j, "reported_at", out.reported_at);
        if (in->corrects)
            cJSON_AddStringToObject(j, "corrects", in->corrects);
        if (in->kind == ZJ_RECORD_QUARTERLY) {
            cJSON_AddNumberToObject(j, "record_count", (double)out.record_count);
            cJSON_AddNumberToObject(j, "zero_report_count", (double)out.zero_report_count);
            cJSON_AddNumberToObject(j, "officer_count", (double)out.officer_count);
        }
        cli_json_finish(j, 0, NULL);
    } else {
        printf("filed %s (%s) at %s", out.record_no, zj_record_kind_name(in->kind),
               out.reported_at);
        if (in->corrects)
            printf(", replacing %s", in->corrects);
        if (in->kind == ZJ_RECORD_QUARTERLY)
            printf(": %lld records, %lld zero reports, %lld officers", (long long)out.record_count,
                   (long long)out.zero_report_count, (long long)out.officer_count);
        putchar('\n');
    }
    return 0;
}

static int list_row(const zj_filed_row *r, void *ctx)
{
    cJSON *arr = ctx;
    if (arr) {
        cJSON *j = cJSON_CreateObject();
        cJSON_AddStringToObject(j, "record_no", r->record_no);
        cJSON_AddStringToObject(j, "kind", r->kind);
        const char *k[] = {"officer_no", "unit_code", "month", "quarter", "category", "case_no",
                           "actor_name", "reported_at", "filed_by", "role", "corrects",
                           "corrected_by", "reason"};
        const char *v[] = {r->officer_no, r->unit_code, r->month, r->quarter, r->category,
                           r->case_no, r->actor_name_masked, r->reported_at, r->username,
                           r->role, r->corrects, r->corrected_by, r->reason};
        for (size_t i = 0; i < sizeof k / sizeof k[0]; i++)
            if (v[i])
                cJSON_AddStringToObject(j, k[i], v[i]);
        cJSON_AddNumberToObject(j, "session", (double)r->session_id);
        cJSON_AddItemToArray(arr, j);
        return 0;
    }
    printf("%-12s %-9s %-10s %-10s %-8s %-19s %-10s %s%s%s\n", r->record_no, r->kind,
           r->officer_no ? r->officer_no : "-", r->unit_code ? r->unit_code : "-",
           r->month ? r->month : r->quarter ? r->quarter : "-",
           r->reported_at ? r->reported_at : "-", r->username ? r->username : "-",
           r->corrected_by ? "replaced by " : "", r->corrected_by ? r->corrected_by : "",
           r->category && !r->corrected_by ? r->category : "");
    return 0;
}

static int do_list(zj_store *s, const zj_actor *a, const opts *o)
{
    if (o->argc > 1)
        return cli_error(ZJ_EUSAGE, "report list: unexpected argument '%s'", o->argv[1]);
    zj_filed_filter f = {.kind = -1, .officer_no = o->in.officer_no, .unit_code = o->in.unit_code,
                         .month = o->in.month, .current_only = o->current, .limit = o->limit};
    if (o->kind && (f.kind = zj_record_kind_parse(o->kind)) < 0)
        return cli_error(ZJ_EUSAGE, "report list: unknown kind '%s' (record, zero, quarterly)",
                         o->kind);
    cJSON *arr = o->json ? cJSON_CreateArray() : NULL;
    if (!arr)
        printf("%-12s %-9s %-10s %-10s %-8s %-19s %-10s %s\n", "RECORD", "KIND", "OFFICER",
               "UNIT", "PERIOD", "REPORTED", "FILED BY", "");
    zj_error err = {0};
    int rc = zj_filed_each(s, a, &f, list_row, arr, &err);
    return cli_json_finish(arr, rc, &err);
}

int cmd_report(int argc, char **argv)
{
    opts o = {0};
    int rc = parse(argc, argv, &o);
    if (rc)
        return rc < 0 ? 0 : rc;
    const char *sub = o.argc ? o.argv[0] : "";
    static const char *const subs[] = {"file", "zero", "quarterly", "correct", "list"};
    bool known = false;
    for (size_t i = 0; i < sizeof subs / sizeof subs[0]; i++)
        known |= !strcmp(sub, subs[i]);
    if (!known)
        return cli_error(ZJ_EUSAGE, "unknown 'report' subcommand '%s'; see 'zhijian report "
                         "--help'", sub);
    zj_store *s;
    zj_error err = {0};
    if (zj_store_open_existing(cli_db_path(o.db), &s, &err))
        return cli_report(&err);
    zj_actor_owned who = {0};
    rc = cli_user_actor(s, o.as, &who);
    if (!rc)
        rc = !strcmp(sub, "list") ? do_list(s, &who.actor, &o) : do_file(s, &who.actor, &o, sub);
    zj_actor_owned_free(&who);
    zj_store_close(s);
    return rc;
}
