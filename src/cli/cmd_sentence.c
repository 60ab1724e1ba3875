/* cmd_sentence.c - `zhijian sentence-change apply|review|notice|opinion|rule|decide|show`:
 * sentence-change cases handled online (减刑、假释、暂予监外执行网上办案). Parsing and printing
 * only: the steps, their order, who may take them and the history are work/sentence.c's.
 */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/cli_options.h"
#include "work/sentence.h"

static const char usage_text[] =
    "usage: zhijian sentence-change apply NO --prisoner-name N --prison UNIT --crime C\n"
    "                 --category CAT --term MONTHS --start YYYY-MM-DD --type TYPE --reason R\n"
    "                 [--cut MONTHS] [--prisoner-no P] [--id-no ID] [--case-no X]\n"
    "                 [--prev-reduction YYYY-MM-DD] [--recidivist]\n"
    "   or: zhijian sentence-change review NO approved|rejected\n"
    "   or: zhijian sentence-change notice NO\n"
    "   or: zhijian sentence-change opinion NO agree|disagree\n"
    "   or: zhijian sentence-change rule NO granted|refused [--cut MONTHS] [--case-no X]\n"
    "   or: zhijian sentence-change decide NO granted|refused\n"
    "   or: zhijian sentence-change show NO [--json]\n\n"
    "减刑、假释、暂予监外执行网上办案：提请 → 评审 → 公示 → 检察意见 → 裁定（或暂予监外执行决定）。\n"
    "A sentence-change case moves through its steps in order, each by its agency: the prison\n"
    "applies, reviews (not the applicant) and posts the notice; a procurator of the prison's\n"
    "city gives the opinion after the notice's five working days; a judge of the prison's city\n"
    "rules on a reduction or parole, the prison administration above the prison decides on\n"
    "temporary execution outside prison. An imported case still pending continues from its\n"
    "review. Every step is recorded with its actor and time and in the audit trail.\n\n"
    "  --as USER        act as USER (default: $ZHIJIAN_USER, else the store's owner)\n"
    "  --type TYPE      reduction | parole | medical_parole\n"
    "  --category CAT   ordinary | duty | financial | organized | state_security | terrorism |\n"
    "                   drug | violent\n"
    "  --reason R       repentance | merit | major_merit | illness\n"
    "  --term MONTHS    the fixed term; --cut MONTHS the cut proposed (apply) or granted (rule)\n"
    "  --case-no X      apply: the original judgment's case number; rule: the ruling's\n"
    "  --note TEXT      any step: a note kept with the step\n";

typedef struct opts {
    const char *db, *as, *name, *prison, *crime, *category, *start, *type, *reason, *pno,
        *idno, *case_no, *prev, *note;
    long long term, cut;           /* months */
    bool recidivist, json;
    int argc;
    char **argv;
} opts;

static int parse(int argc, char **argv, opts *o)
{
    static const cli_opt table[] = {
        CLI_STRING(opts, db, "db"),
        CLI_STRING(opts, as, "as"),
        CLI_STRING(opts, name, "prisoner-name"),
        CLI_STRING(opts, prison, "prison"),
        CLI_STRING(opts, crime, "crime"),
        CLI_STRING(opts, category, "category"),
        CLI_STRING(opts, start, "start"),
        CLI_STRING(opts, type, "type"),
        CLI_STRING(opts, reason, "reason"),
        CLI_STRING(opts, pno, "prisoner-no"),
        CLI_STRING(opts, idno, "id-no"),
        CLI_STRING(opts, case_no, "case-no"),
        CLI_STRING(opts, prev, "prev-reduction"),
        CLI_STRING(opts, note, "note"),
        CLI_INT(opts, term, "term", 1, 1200),
        CLI_INT(opts, cut, "cut", 1, 1200),
        CLI_FLAG(opts, recidivist, "recidivist"),
        CLI_FLAG(opts, json, "json"),
    };
    return cli_parse_options(argc, argv, table, sizeof table / sizeof *table, o, usage_text,
                             &o->argc, &o->argv);
}

/* The subcommand's step, or -1. */
static int step_of(const char *sub)
{
    static const char *const subs[ZJ_SC_STEP_COUNT] = {"apply", "review", "notice", "opinion",
                                                      "rule", "decide"};
    for (int i = 0; sub && i < ZJ_SC_STEP_COUNT; i++)
        if (!strcmp(sub, subs[i]))
            return i;
    return -1;
}

static int do_step(zj_store *s, const zj_actor *a, const opts *o, const char *sub, int st)
{
    if (o->argc < 2)
        return cli_error(ZJ_EUSAGE, "sentence-change %s: the case number is required; see "
                         "'zhijian sentence-change --help'", sub);
    bool has_outcome = st == ZJ_SC_REVIEW || st == ZJ_SC_OPINION || st == ZJ_SC_RULING ||
                       st == ZJ_SC_DECISION;
    int nargs = has_outcome ? 3 : 2;
    if (has_outcome && o->argc < 3)
        return cli_error(ZJ_EUSAGE, "sentence-change %s: the outcome is required after the case "
                         "number; see 'zhijian sentence-change --help'", sub);
    if (o->argc > nargs)
        return cli_error(ZJ_EUSAGE, "sentence-change %s: unexpected argument '%s'", sub,
                         o->argv[nargs]);
    zj_sc_request r = {.step = (zj_sc_step)st, .change_no = o->argv[1],
                       .outcome = has_outcome ? o->argv[2] : NULL, .note = o->note,
                       .reduction_months = (int)o->cut};
    if (st == ZJ_SC_APPLICATION) {
        r.prisoner_name = o->name;
        r.prison_unit_code = o->prison;
        r.crime = o->crime;
        r.crime_category = o->category;
        r.sentence_start_date = o->start;
        r.change_type = o->type;
        r.reason = o->reason;
        r.prisoner_no = o->pno;
        r.prisoner_id_no = o->idno;
        r.original_case_no = o->case_no;
        r.prev_reduction_date = o->prev;
        r.sentence_months = (int)o->term;
        r.recidivist = o->recidivist;
    } else {
        if (o->name || o->prison || o->crime || o->category || o->start || o->type || o->reason ||
            o->pno || o->idno || o->prev || o->term || o->recidivist)
            return cli_error(ZJ_EUSAGE, "sentence-change %s: the prisoner's and the sentence's "
                             "options belong to 'apply'", sub);
        r.court_case_no = o->case_no;
    }
    zj_sc_outcome out;
    zj_error err = {0};
    if (zj_sc_act(s, a, &r, &out, &err))
        return cli_report(&err);
    const char *next = out.next >= 0 ? zj_sc_step_name((zj_sc_step)out.next) : NULL;
    if (o->json) {
        cJSON *j = cJSON_CreateObject();
        cJSON_AddStringToObject(j, "change_no", r.change_no);
        cJSON_AddStringToObject(j, "step", zj_sc_step_name(r.step));
        cJSON_AddNumberToObject(j, "seq", (double)out.seq);
        if (next)
            cJSON_AddStringToObject(j, "next", next);
        else
            cJSON_AddNullToObject(j, "next");
        cJSON_AddStringToObject(j, "state_hash", out.state_hash);
        return cli_json_finish(j, 0, NULL);
    }
    printf("case %s: %s (%s)%s%s, step %lld; next: %s\n", r.change_no, zj_sc_step_name(r.step),
           zj_sc_step_label(r.step), r.outcome ? " " : "", r.outcome ? r.outcome : "",
           (long long)out.seq, next ? next : "none (complete)");
    return 0;
}

typedef struct show_ctx {
    cJSON *json, *steps;
} show_ctx;

static int show_head(const zj_sc_case *c, void *vctx)
{
    show_ctx *x = vctx;
    const char *next = c->next >= 0 ? zj_sc_step_name((zj_sc_step)c->next) : NULL;
    if (x->json) {
        cJSON_AddStringToObject(x->json, "change_no", c->change_no);
        cJSON_AddStringToObject(x->json, "change_type", c->change_type);
        cJSON_AddStringToObject(x->json, "prison_unit_code", c->prison_unit_code);
        cJSON_AddStringToObject(x->json, "decision", c->decision);
        cJSON_AddStringToObject(x->json, "source_system", c->source_system);
        if (next)
            cJSON_AddStringToObject(x->json, "next", next);
        else
            cJSON_AddNullToObject(x->json, "next");
        return 0;
    }
    printf("case %s: %s at %s, decision %s (from %s); next step: %s\n", c->change_no,
           c->change_type, c->prison_unit_code, c->decision[0] ? c->decision : "-",
           c->source_system, next ? next : "none (complete)");
    return 0;
}

static int show_step(const zj_sc_step_row *w, void *vctx)
{
    show_ctx *x = vctx;
    if (x->json) {
        cJSON *j = cJSON_CreateObject();
        cJSON_AddNumberToObject(j, "seq", (double)w->seq);
        cJSON_AddStringToObject(j, "step", zj_sc_step_name(w->step));
        cJSON_AddBoolToObject(j, "imported", w->imported);
        if (w->outcome)
            cJSON_AddStringToObject(j, "outcome", w->outcome);
        if (w->at)
            cJSON_AddStringToObject(j, "at", w->at);
        if (w->username) {
            cJSON_AddStringToObject(j, "user", w->username);
            cJSON_AddStringToObject(j, "role", w->role);
            cJSON_AddStringToObject(j, "unit_code", w->unit_code ? w->unit_code : "");
            cJSON_AddStringToObject(j, "state_hash", w->state_hash);
            cJSON_AddNumberToObject(j, "audit_id", (double)w->audit_id);
        } else
            cJSON_AddStringToObject(j, "source_system", w->source_system);
        if (w->note)
            cJSON_AddStringToObject(j, "note", w->note);
        cJSON_AddItemToArray(x->steps, j);
        return 0;
    }
    if (w->imported)
        printf("  -  %-19s %-11s %-8s imported from %s\n", w->at ? w->at : "?",
               zj_sc_step_name(w->step), w->outcome ? w->outcome : "", w->source_system);
    else
        printf("  %lld  %s %-11s %-8s %s (%s, %s) audit #%lld%s%s\n", (long long)w->seq, w->at,
               zj_sc_step_name(w->step), w->outcome ? w->outcome : "", w->username, w->role,
               w->unit_code ? w->unit_code : "province", (long long)w->audit_id,
               w->note ? ": " : "", w->note ? w->note : "");
    return 0;
}

static int do_show(zj_store *s, const zj_actor *a, const opts *o)
{
    if (o->argc != 2)
        return cli_error(ZJ_EUSAGE, "sentence-change show: one case number expected");
    show_ctx x = {0};
    if (o->json) {
        x.json = cJSON_CreateObject();
        x.steps = cJSON_AddArrayToObject(x.json, "steps");
    }
    zj_error err = {0};
    int rc = zj_sc_history_each(s, a, o->argv[1], show_head, show_step, &x, &err);
    if (o->json)
        return cli_json_finish(x.json, rc, &err);
    return rc ? cli_report(&err) : 0;
}

int cmd_sentence(int argc, char **argv)
{
    opts o = {0};
    int rc = parse(argc, argv, &o);
    if (rc)
        return rc < 0 ? 0 : rc;
    const char *sub = o.argc ? o.argv[0] : "";
    int st = step_of(sub);
    if (st < 0 && strcmp(sub, "show"))
        return cli_error(ZJ_EUSAGE, "unknown 'sentence-change' subcommand '%s'; see 'zhijian "
                         "sentence-change --help'", sub);
    zj_store *s;
    zj_error err = {0};
    if (zj_store_open_existing(cli_db_path(o.db), &s, &err))
        return cli_report(&err);
    zj_actor_owned who = {0};
    rc = cli_user_actor(s, o.as, &who);
    if (!rc)
        rc = st >= 0 ? do_step(s, &who.actor, &o, sub, st) : do_show(s, &who.actor, &o);
    zj_actor_owned_free(&who);
    zj_store_close(s);
    return rc;
}
