/* cmd_workflow.c - `zhijian leads assign|start|decide|rectify|close|reopen|comment|attach|
 * history|queue`: working a lead to a verdict (线索处置). Parsing and printing only: the
 * lifecycle, its checks and its history are work/workflow.c's.
 *
 *   zhijian leads assign ID --unit U --to USER --deadline YYYY-MM-DD
 *   zhijian leads start ID
 *   zhijian leads decide ID confirmed|dismissed [--reason TEXT]   (dismissed needs a reason)
 *   zhijian leads rectify ID --deadline YYYY-MM-DD
 *   zhijian leads close ID [--reason TEXT]
 *   zhijian leads reopen ID --reason TEXT --deadline YYYY-MM-DD
 *   zhijian leads comment ID TEXT
 *   zhijian leads attach ID FILE [--name NAME]
 *   zhijian leads attachment ID SHA256 [--out FILE]
 *   zhijian leads history ID [--json]
 *   zhijian leads queue [--state S] [--assignee U] [--unit U] [--overdue] [--worked] [--search T]
 *                       [--as-of DATE] [--limit N] [--json]
 * Every subcommand takes --db PATH and --as USER (act as that user; default the store's owner,
 * an administrator).
 */
#include <cjson/cJSON.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/cli_options.h"
#include "work/workflow.h"

static const char usage_text[] =
    "usage: zhijian leads assign ID --unit U --to USER --deadline YYYY-MM-DD\n"
    "   or: zhijian leads start ID\n"
    "   or: zhijian leads decide ID confirmed|dismissed [--reason TEXT]\n"
    "   or: zhijian leads rectify ID --deadline YYYY-MM-DD\n"
    "   or: zhijian leads close ID [--reason TEXT]\n"
    "   or: zhijian leads reopen ID --reason TEXT --deadline YYYY-MM-DD\n"
    "   or: zhijian leads comment ID TEXT\n"
    "   or: zhijian leads attach ID FILE [--name NAME]\n"
    "   or: zhijian leads attachment ID SHA256 [--out FILE]\n"
    "   or: zhijian leads history ID [--json]\n"
    "   or: zhijian leads queue [--state S] [--assignee U] [--unit U] [--overdue] [--worked]\n"
    "                           [--search TEXT]\n"
    "                           [--as-of YYYY-MM-DD] [--limit N] [--json]\n"
    "   or: zhijian leads notices [--all] [--read ID|--read 0] [--json]\n\n"
    "线索处置：分派、核查、认定（查实/排除）、整改、办结、重新启动、批注、附件、处置记录、待办。\n"
    "Work a lead to a verdict: new -> assigned -> verifying -> confirmed | dismissed;\n"
    "confirmed -> rectification -> closed; confirmed or dismissed -> closed; closed -> reopen.\n"
    "Every step is checked against your role and scope and recorded in the lead's history and\n"
    "the audit trail. Overdue verification or rectification is flagged in the queue.\n"
    "notices: what happened to your leads without you (a new record on the case, 新事件),\n"
    "unread ones (all with --all); --read ID marks a lead's notices read (0: all).\n\n"
    "  --as USER       act as USER (default: $ZHIJIAN_USER, else the store's owner, an\n"
    "                  administrator)\n"
    "  --unit U        assign: the unit charged with verification; queue: assigned unit\n"
    "  --to USER       assign: who verifies\n"
    "  --deadline D    assign, reopen: verification deadline; rectify: rectification deadline\n"
    "  --reason TEXT   the reason (required to dismiss, to reopen, to close unrectified)\n"
    "  --name NAME     attach: the name shown (default: the file's name)\n"
    "  --out FILE      attachment: write the file there (mode 0600; default: standard output);\n"
    "                  reading an attachment needs the unmask permission and is audited\n"
    "  --if-version N  act only if the lead is still at step N (its 'version' in the queue)\n"
    "  --state S       queue: new|assigned|verifying|confirmed|dismissed|rectification|closed\n"
    "  --overdue       queue: only overdue verification or rectification\n"
    "  --worked        queue: only leads someone has acted on\n"
    "  --search TEXT   queue: a person's or enterprise's name or ID in the lead's records, a\n"
    "                  unit's code or part of its name, a case number, or part of the title\n"
    "  --as-of DATE    queue: reference day for overdue flags (default: today)\n"
    "docs/workflow.md draws the lifecycle.\n";

typedef struct opts {
    const char *db, *as, *unit, *to, *deadline, *reason, *name, *state, *assignee, *as_of, *out;
    const char *read;         /* notices --read ID */
    const char *search;
    bool json, overdue, worked, all;
    long long limit, if_version;
    int argc;
    char **argv;
} opts;

static int parse(int argc, char **argv, opts *o)
{
    static const cli_opt table[] = {
        CLI_STRING(opts, db, "db"),
        CLI_STRING(opts, as, "as"),
        CLI_STRING(opts, unit, "unit"),
        CLI_STRING(opts, to, "to"),
        CLI_STRING(opts, deadline, "deadline"),
        CLI_STRING(opts, reason, "reason"),
        CLI_STRING(opts, name, "name"),
        CLI_STRING(opts, state, "state"),
        CLI_STRING(opts, assignee, "assignee"),
        CLI_STRING(opts, as_of, "as-of"),
        CLI_INT(opts, limit, "limit", 0, 1000000000),
        CLI_FLAG(opts, json, "json"),
        CLI_FLAG(opts, overdue, "overdue"),
        CLI_FLAG(opts, worked, "worked"),
        CLI_INT(opts, if_version, "if-version", 0, LLONG_MAX),
        CLI_STRING(opts, out, "out"),
        CLI_STRING(opts, read, "read"),
        CLI_FLAG(opts, all, "all"),
        CLI_STRING(opts, search, "search"),
    };
    return cli_parse_options(argc, argv, table, sizeof table / sizeof *table, o, usage_text,
                             &o->argc, &o->argv);
}

/* argv[1] as a lead id, or 0. */
static int64_t lead_id(const opts *o)
{
    if (o->argc < 2)
        return 0;
    char *end;
    long long v = strtoll(o->argv[1], &end, 10);
    return *end || v <= 0 ? 0 : v;
}

/* ---- actions ------------------------------------------------------------------------------- */

static int do_act(zj_store *s, const zj_actor *a, const opts *o, const char *sub,
                  const char *db_path)
{
    int64_t id = lead_id(o);
    if (!id)
        return cli_error(ZJ_EUSAGE, "leads %s: the lead's id is required (a number); see "
                         "'zhijian leads --help'", sub);
    zj_lead_request r = {.lead_id = id, .reason = o->reason, .if_version = o->if_version};
    char dir[4096];
    int nargs = 2;                    /* sub and ID */
    if (!strcmp(sub, "decide")) {
        const char *v = o->argc > 2 ? o->argv[2] : "";
        if (!strcmp(v, "confirmed"))
            r.verb = ZJ_LEAD_CONFIRM;
        else if (!strcmp(v, "dismissed"))
            r.verb = ZJ_LEAD_DISMISS;
        else
            return cli_error(ZJ_EUSAGE, "leads decide: the verdict is 'confirmed' or "
                             "'dismissed', not '%s'", v);
        nargs = 3;
    } else if (!strcmp(sub, "comment")) {
        r.verb = ZJ_LEAD_COMMENT;
        r.comment = o->argc > 2 ? o->argv[2] : NULL;
        nargs = 3;
    } else if (!strcmp(sub, "attach")) {
        zj_error err = {0};
        if (zj_attachment_dir(db_path, dir, sizeof dir, &err))
            return cli_report(&err);
        r.verb = ZJ_LEAD_ATTACH;
        r.file_path = o->argc > 2 ? o->argv[2] : NULL;
        r.file_name = o->name;
        r.attach_dir = dir;
        nargs = 3;
    } else
        r.verb = (zj_lead_verb)zj_lead_verb_parse(sub);
    if (o->argc > nargs)
        return cli_error(ZJ_EUSAGE, "leads %s: unexpected argument '%s'", sub, o->argv[nargs]);
    if (r.verb == ZJ_LEAD_ASSIGN) {
        r.unit_code = o->unit;
        r.assignee = o->to;
    }
    if (r.verb == ZJ_LEAD_ASSIGN || r.verb == ZJ_LEAD_RECTIFY || r.verb == ZJ_LEAD_REOPEN)
        r.deadline = o->deadline;
    else if (o->deadline)
        return cli_error(ZJ_EUSAGE, "leads %s: --deadline is not used", sub);
    if (r.verb != ZJ_LEAD_ASSIGN && (o->unit || o->to))
        return cli_error(ZJ_EUSAGE, "leads %s: --unit and --to are for 'assign'", sub);
    if (r.verb == ZJ_LEAD_ASSIGN || r.verb == ZJ_LEAD_START || r.verb == ZJ_LEAD_RECTIFY ||
        r.verb == ZJ_LEAD_COMMENT || r.verb == ZJ_LEAD_ATTACH) {
        if (o->reason)
            return cli_error(ZJ_EUSAGE, "leads %s: --reason is not used", sub);
    }
    zj_lead_outcome out;
    zj_error err = {0};
    if (zj_lead_act(s, a, &r, &out, &err))
        return cli_report(&err);
    if (o->json) {
        cJSON *j = cJSON_CreateObject();
        cJSON_AddNumberToObject(j, "lead", (double)id);
        cJSON_AddStringToObject(j, "action", zj_lead_verb_name(r.verb));
        cJSON_AddStringToObject(j, "from", zj_lead_state_name(out.from));
        cJSON_AddStringToObject(j, "to", zj_lead_state_name(out.to));
        cJSON_AddNumberToObject(j, "seq", (double)out.seq);
        cJSON_AddStringToObject(j, "state_hash", out.state_hash);
        if (out.sha256[0])
            cJSON_AddStringToObject(j, "sha256", out.sha256);
        cli_json_finish(j, 0, NULL);
    } else if (out.from != out.to)
        printf("lead %lld: %s -> %s (%s -> %s), step %lld\n", (long long)id,
               zj_lead_state_name(out.from), zj_lead_state_name(out.to),
               zj_lead_state_label(out.from), zj_lead_state_label(out.to), (long long)out.seq);
    else if (out.sha256[0])
        printf("lead %lld: attached %s, step %lld\n", (long long)id, out.sha256,
               (long long)out.seq);
    else
        printf("lead %lld: %s, step %lld\n", (long long)id, zj_lead_verb_name(r.verb),
               (long long)out.seq);
    return 0;
}

/* ---- attachment ---------------------------------------------------------------------------- */

static int do_attachment(zj_store *s, const zj_actor *a, const opts *o, const char *db_path)
{
    int64_t id = lead_id(o);
    if (!id || o->argc != 3)
        return cli_error(ZJ_EUSAGE, "leads attachment: a lead id and the file's SHA-256 are "
                         "required (see 'zhijian leads history ID')");
    char dir[4096], path[4200];
    zj_error err = {0};
    if (zj_attachment_dir(db_path, dir, sizeof dir, &err) ||
        zj_lead_attachment_get(s, a, id, o->argv[2], dir, path, sizeof path, NULL, 0, &err))
        return cli_report(&err);
    FILE *in = fopen(path, "rb");
    int fd = o->out ? open(o->out, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600) : -1;
    FILE *dst = o->out ? (fd >= 0 ? fdopen(fd, "wb") : NULL) : stdout;
    int rc = 0;
    if (!in || !dst)
        rc = cli_error(ZJ_EDATA, "cannot %s '%s'", !in ? "read" : "write", !in ? path : o->out);
    char buf[65536];
    size_t n;
    while (!rc && (n = fread(buf, 1, sizeof buf, in)) > 0)
        if (fwrite(buf, 1, n, dst) != n)
            rc = cli_error(ZJ_EDATA, "cannot write '%s'", o->out ? o->out : "standard output");
    if (in)
        fclose(in);
    if (o->out && dst && fclose(dst) && !rc)
        rc = cli_error(ZJ_EDATA, "cannot write '%s'", o->out);
    else if (o->out && !dst && fd >= 0)
        close(fd);
    return rc;
}

/* ---- history ------------------------------------------------------------------------------- */

static void add_opt(cJSON *j, const char *k, const char *v)
{
    if (v)
        cJSON_AddStringToObject(j, k, v);
}

static int history_row(const zj_lead_event *e, void *ctx)
{
    cJSON *arr = ctx;
    if (arr) {
        cJSON *j = cJSON_CreateObject();
        cJSON_AddNumberToObject(j, "seq", (double)e->seq);
        cJSON_AddStringToObject(j, "action", e->action);
        cJSON_AddStringToObject(j, "from", e->from_state);
        cJSON_AddStringToObject(j, "to", e->to_state);
        cJSON_AddStringToObject(j, "user", e->username);
        cJSON_AddStringToObject(j, "role", e->role);
        cJSON_AddNumberToObject(j, "session", (double)e->session_id);
        cJSON_AddStringToObject(j, "at", e->at);
        add_opt(j, "unit_code", e->unit_code);
        add_opt(j, "assignee", e->assignee);
        add_opt(j, "deadline", e->deadline);
        add_opt(j, "reason", e->reason);
        add_opt(j, "comment", e->comment);
        add_opt(j, "file_name", e->file_name);
        add_opt(j, "sha256", e->sha256);
        if (e->sha256)
            cJSON_AddNumberToObject(j, "file_size", (double)e->file_size);
        if (e->audit_id)
            cJSON_AddNumberToObject(j, "audit_entry", (double)e->audit_id);
        cJSON_AddItemToArray(arr, j);
        return 0;
    }
    printf("%3lld  %s UTC  %-8s %-13s -> %-13s %s (%s)", (long long)e->seq, e->at, e->action,
           e->from_state, e->to_state, e->username, e->role);
    if (e->unit_code)
        printf("  unit %s", e->unit_code);
    if (e->assignee)
        printf("  to %s", e->assignee);
    if (e->deadline)
        printf("  deadline %s", e->deadline);
    if (e->reason)
        printf("\n       理由 reason: %s", e->reason);
    if (e->comment)
        printf("\n       批注 comment: %s", e->comment);
    if (e->sha256)
        printf("\n       附件 file: %s (%lld bytes, sha256 %s)", e->file_name,
               (long long)e->file_size, e->sha256);
    putchar('\n');
    return 0;
}

static int do_history(zj_store *s, const zj_actor *a, const opts *o)
{
    int64_t id = lead_id(o);
    if (!id || o->argc > 2)
        return cli_error(ZJ_EUSAGE, "leads history: one lead id is required");
    cJSON *arr = o->json ? cJSON_CreateArray() : NULL;
    zj_error err = {0};
    int rc = zj_lead_history_each(s, a, id, history_row, arr, &err);
    return cli_json_finish(arr, rc, &err);
}

/* ---- queue --------------------------------------------------------------------------------- */

static int queue_row(const zj_lead_status *st, void *ctx)
{
    cJSON *arr = ctx;
    const char *flag = st->overdue_verification  ? "核查逾期 overdue"
                     : st->overdue_rectification ? "整改逾期 overdue"
                     : st->unread                ? "新事件 unread" : "";
    if (arr) {
        cJSON *j = cJSON_CreateObject();
        cJSON_AddNumberToObject(j, "lead", (double)st->lead_id);
        cJSON_AddStringToObject(j, "code", st->code);
        cJSON_AddNumberToObject(j, "severity", st->severity);
        cJSON_AddStringToObject(j, "state", zj_lead_state_name(st->state));
        cJSON_AddBoolToObject(j, "current", st->current);
        add_opt(j, "lead_unit", st->lead_unit);
        add_opt(j, "unit_code", st->unit_code);
        add_opt(j, "assignee", st->assignee);
        add_opt(j, "deadline", st->deadline);
        add_opt(j, "rectify_deadline", st->rectify_deadline);
        add_opt(j, "verdict", st->verdict);
        add_opt(j, "verdict_reason", st->verdict_reason);
        cJSON_AddNumberToObject(j, "version", (double)st->version);
        cJSON_AddBoolToObject(j, "overdue_verification", st->overdue_verification);
        cJSON_AddBoolToObject(j, "overdue_rectification", st->overdue_rectification);
        cJSON_AddStringToObject(j, "title", st->title);
        cJSON_AddNumberToObject(j, "unread", (double)st->unread);
        cJSON_AddItemToArray(arr, j);
        return 0;
    }
    const char *due = st->state == ZJ_LEAD_RECTIFICATION ? st->rectify_deadline : st->deadline;
    printf("%-6lld %-5s %-13s %-10s %-12s %-10s %-6s %-16s %s\n", (long long)st->lead_id, st->code,
           zj_lead_state_name(st->state), st->unit_code ? st->unit_code : "-",
           st->assignee ? st->assignee : "-", due ? due : "-", st->current ? "" : "stale", flag,
           st->title);
    return 0;
}

static int do_queue(zj_store *s, const zj_actor *a, const opts *o)
{
    if (o->argc > 1)
        return cli_error(ZJ_EUSAGE, "leads queue: unexpected argument '%s'", o->argv[1]);
    zj_lead_queue_filter f = {.state = -1, .assignee = o->assignee, .unit_code = o->unit,
                              .overdue_only = o->overdue, .worked_only = o->worked,
                              .today = o->as_of, .limit = o->limit, .text = o->search};
    if (o->state && (f.state = zj_lead_state_parse(o->state)) < 0)
        return cli_error(ZJ_EUSAGE, "leads queue: unknown state '%s' (new, assigned, verifying, "
                         "confirmed, dismissed, rectification, closed)", o->state);
    cJSON *arr = o->json ? cJSON_CreateArray() : NULL;
    if (!arr)
        printf("%-6s %-5s %-13s %-10s %-12s %-10s %-6s %-16s %s\n", "ID", "CODE", "STATE", "UNIT",
               "ASSIGNEE", "DUE", "", "FLAG", "TITLE (stale = 不再检出, no longer detected)");
    zj_error err = {0};
    int rc = zj_lead_queue_each(s, a, &f, queue_row, arr, &err);
    return cli_json_finish(arr, rc, &err);
}

/* ---- notices ------------------------------------------------------------------------------- */

static int notice_row(const zj_lead_notice *n, void *ctx)
{
    cJSON *arr = ctx;
    if (arr) {
        cJSON *j = cJSON_CreateObject();
        cJSON_AddNumberToObject(j, "id", (double)n->id);
        cJSON_AddNumberToObject(j, "lead", (double)n->lead_id);
        cJSON_AddStringToObject(j, "code", n->code);
        cJSON_AddStringToObject(j, "title", n->title);
        cJSON_AddNumberToObject(j, "seq", (double)n->seq);
        cJSON_AddStringToObject(j, "action", n->action);
        add_opt(j, "reason", n->reason);
        cJSON_AddStringToObject(j, "created_at", n->created_at);
        add_opt(j, "read_at", n->read_at);
        cJSON_AddItemToArray(arr, j);
        return 0;
    }
    printf("%-6lld %-5s %s UTC %s  %s\n       %s\n", (long long)n->lead_id, n->code, n->created_at,
           n->read_at ? "read" : "未读 unread", n->title, n->reason ? n->reason : "");
    return 0;
}

static int do_notices(zj_store *s, const zj_actor *a, const opts *o)
{
    if (o->argc > 1)
        return cli_error(ZJ_EUSAGE, "leads notices: unexpected argument '%s'", o->argv[1]);
    zj_error err = {0};
    if (o->read) {
        int64_t n = 0;
        char *end;
        long long id = strtoll(o->read, &end, 10);
        if (*end || id < 0)
            return cli_error(ZJ_EUSAGE, "leads notices --read: a lead id, or 0 for all");
        int rc = zj_lead_notices_mark_read(s, a, id, &n, &err);
        if (rc)
            return cli_report(&err);
        printf("%lld notice(s) marked read\n", (long long)n);
        return 0;
    }
    cJSON *arr = o->json ? cJSON_CreateArray() : NULL;
    int rc = zj_lead_notices_each(s, a, !o->all, notice_row, arr, &err);
    return cli_json_finish(arr, rc, &err);
}

bool cmd_workflow_handles(const char *sub)
{
    static const char *const subs[] = {"assign", "start", "decide", "rectify", "close", "reopen",
                                       "comment", "attach", "attachment", "history", "queue",
                                       "notices"};
    for (size_t i = 0; sub && i < sizeof subs / sizeof subs[0]; i++)
        if (!strcmp(sub, subs[i]))
            return true;
    return false;
}

int cmd_workflow(int argc, char **argv)
{
    opts o = {0};
    int rc = parse(argc, argv, &o);
    if (rc)
        return rc < 0 ? 0 : rc;
    const char *sub = o.argc ? o.argv[0] : "";
    if (!cmd_workflow_handles(sub))
        return cli_error(ZJ_EUSAGE, "unknown 'leads' subcommand '%s'; see 'zhijian leads --help'",
                         sub);
    const char *db = cli_db_path(o.db);
    zj_store *s;
    zj_error err = {0};
    if (zj_store_open_existing(db, &s, &err))
        return cli_report(&err);
    zj_actor_owned who = {0};
    rc = cli_user_actor(s, o.as, &who);
    if (!rc) {
        if (!strcmp(sub, "history"))
            rc = do_history(s, &who.actor, &o);
        else if (!strcmp(sub, "queue"))
            rc = do_queue(s, &who.actor, &o);
        else if (!strcmp(sub, "notices"))
            rc = do_notices(s, &who.actor, &o);
        else if (!strcmp(sub, "attachment"))
            rc = do_attachment(s, &who.actor, &o, db);
        else
            rc = do_act(s, &who.actor, &o, sub, db);
    }
    zj_actor_owned_free(&who);
    zj_store_close(s);
    return rc;
}
