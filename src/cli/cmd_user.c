/* cmd_user.c - `zhijian user`: users, their roles and units, passwords and API keys (用户).
 *
 *   zhijian user add NAME --role ROLE --unit U|--province [--officer-no N] [--display-name S]
 *                    [--password-file F | --no-password]
 *   zhijian user list [--json]
 *   zhijian user disable NAME
 *   zhijian user passwd NAME [--password-file F]
 *   zhijian user key NAME [--label L]          an API key for a service account, shown once
 * Passwords come from standard input (without echo on a terminal) or --password-file, never
 * from the command line. Every subcommand takes --as USER; the decisions are users.c's.
 */
#include <cjson/cJSON.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/cli_options.h"

static const char usage_text[] =
    "usage: zhijian user add NAME --role ROLE --unit U|--province [--officer-no N]\n"
    "                        [--display-name S]\n"
    "                        [--password-file F | --no-password] [--as USER]\n"
    "   or: zhijian user list [--json] [--as USER]\n"
    "   or: zhijian user disable NAME [--as USER]\n"
    "   or: zhijian user passwd NAME [--password-file F] [--as USER]\n"
    "   or: zhijian user key NAME [--label L] [--as USER]\n\n"
    "用户：角色、所属单位（只见本单位及下级）、密码与接口密钥。\n"
    "Users, their role and unit (a user sees that unit's subtree only), passwords (Argon2id)\n"
    "and API keys for service accounts. A password is read from standard input or the first\n"
    "line of --password-file, never from the command line; at least 10 characters.\n\n"
    "  --role ROLE     officer | filing_judge | sc_prison | sc_procurator | sc_court |\n"
    "                  data_steward | service | unit_supervisor | inspector | leader | admin\n"
    "  --unit U        the user's unit: he sees this unit and the units below it\n"
    "  --province      the whole province instead (never the default)\n"
    "  --no-password   no password login (a service account that uses API keys)\n"
    "  --as USER       act as USER (default: $ZHIJIAN_USER, else the store's owner)\n";

typedef struct opts {
    const char *db, *role, *unit, *officer_no, *display_name, *password_file, *label, *as;
    bool json, no_password, province;
    int argc;
    char **argv;
} opts;

static int parse(int argc, char **argv, opts *o)
{
    static const cli_opt table[] = {
        CLI_STRING(opts, db, "db"),
        CLI_STRING(opts, role, "role"),
        CLI_STRING(opts, unit, "unit"),
        CLI_STRING(opts, officer_no, "officer-no"),
        CLI_STRING(opts, display_name, "display-name"),
        CLI_STRING(opts, password_file, "password-file"),
        CLI_STRING(opts, label, "label"),
        CLI_STRING(opts, as, "as"),
        CLI_FLAG(opts, json, "json"),
        CLI_FLAG(opts, no_password, "no-password"),
        CLI_FLAG(opts, province, "province"),
    };
    return cli_parse_options(argc, argv, table, sizeof table / sizeof *table, o, usage_text,
                             &o->argc, &o->argv);
}

static int do_add(zj_store *s, const zj_actor *a, const opts *o)
{
    if (o->argc != 2 || !o->role)
        return cli_error(ZJ_EUSAGE, "usage: zhijian user add NAME --role ROLE --unit U|--province");
    /* least privilege: the whole province only when asked for */
    if (!o->unit == !o->province)
        return cli_error(ZJ_EUSAGE, "user '%s': give the user's unit (--unit U) or, for the whole "
                         "province, --province", o->argv[1]);
    int role = zj_role_parse(o->role);
    if (role < 0)
        return cli_error(ZJ_EUSAGE, "unknown role '%s'; see 'zhijian user --help'", o->role);
    if (o->no_password && o->password_file)
        return cli_error(ZJ_EUSAGE, "--no-password and --password-file exclude each other");
    char pw[256] = "";
    int rc = o->no_password ? 0 : cli_read_password(o->password_file, "password: ", pw, sizeof pw);
    if (rc)
        return rc;
    zj_user_new u = {o->argv[1], o->display_name, (zj_role)role, o->unit, o->officer_no,
                     o->no_password ? NULL : pw};
    zj_error err = {0};
    int64_t id;
    rc = zj_user_add(s, a, &u, &id, &err);
    sodium_memzero(pw, sizeof pw);
    if (rc)
        return cli_report(&err);
    printf("user '%s' added (id %lld, role %s, unit %s)\n", u.username, (long long)id, o->role,
           o->unit ? o->unit : "the province");
    return 0;
}

static int list_row(const zj_user *u, void *ctx)
{
    cJSON *arr = ctx;
    const char *role = zj_role_name(u->role);
    if (arr) {
        cJSON *j = cJSON_CreateObject();
        cJSON_AddNumberToObject(j, "id", (double)u->id);
        cJSON_AddStringToObject(j, "username", u->username);
        if (u->display_name)
            cJSON_AddStringToObject(j, "display_name", u->display_name);
        cJSON_AddStringToObject(j, "role", role ? role : "?");
        if (u->unit_code)
            cJSON_AddStringToObject(j, "unit_code", u->unit_code);
        if (u->officer_no)
            cJSON_AddStringToObject(j, "officer_no", u->officer_no);
        cJSON_AddBoolToObject(j, "password", u->has_password);
        cJSON_AddNumberToObject(j, "failed_logins", u->failed_logins);
        const char *k[] = {"locked_until", "created_at", "created_by", "last_login_at",
                           "disabled_at"};
        const char *v[] = {u->locked_until, u->created_at, u->created_by, u->last_login_at,
                           u->disabled_at};
        for (int i = 0; i < 5; i++)
            if (v[i])
                cJSON_AddStringToObject(j, k[i], v[i]);
        cJSON_AddItemToArray(arr, j);
        return 0;
    }
    printf("%-16s %-16s %-12s %-10s %-9s %s\n", u->username, role ? role : "?",
           u->unit_code ? u->unit_code : "(province)", u->officer_no ? u->officer_no : "-",
           u->disabled_at ? "disabled" : u->locked_until ? "locked" : "active",
           u->last_login_at ? u->last_login_at : "-");
    return 0;
}

static int do_list(zj_store *s, const zj_actor *a, const opts *o)
{
    cJSON *arr = o->json ? cJSON_CreateArray() : NULL;
    if (!arr)
        printf("%-16s %-16s %-12s %-10s %-9s %s\n", "USER", "ROLE", "UNIT", "OFFICER", "STATE",
               "LAST LOGIN (UTC)");
    zj_error err = {0};
    int rc = zj_user_list(s, a, list_row, arr, &err);
    if (!rc && arr) {
        char *t = cJSON_Print(arr);
        puts(t);
        free(t);
    }
    cJSON_Delete(arr);
    return rc ? cli_report(&err) : 0;
}

static int do_disable(zj_store *s, const zj_actor *a, const opts *o)
{
    if (o->argc != 2)
        return cli_error(ZJ_EUSAGE, "usage: zhijian user disable NAME");
    zj_error err = {0};
    if (zj_user_disable(s, a, o->argv[1], &err))
        return cli_report(&err);
    printf("user '%s' disabled; its sessions and API keys no longer work\n", o->argv[1]);
    return 0;
}

static int do_passwd(zj_store *s, const zj_actor *a, const opts *o)
{
    if (o->argc != 2)
        return cli_error(ZJ_EUSAGE, "usage: zhijian user passwd NAME [--password-file F]");
    char pw[256];
    int rc = cli_read_password(o->password_file, "new password: ", pw, sizeof pw);
    if (rc)
        return rc;
    zj_error err = {0};
    rc = zj_user_passwd(s, a, o->argv[1], pw, &err);
    sodium_memzero(pw, sizeof pw);
    if (rc)
        return cli_report(&err);
    printf("password of '%s' changed; its sessions have ended\n", o->argv[1]);
    return 0;
}

static int do_key(zj_store *s, const zj_actor *a, const opts *o)
{
    if (o->argc != 2)
        return cli_error(ZJ_EUSAGE, "usage: zhijian user key NAME [--label L]");
    char key[ZJ_API_KEY_LEN + 1];
    zj_error err = {0};
    int64_t id;
    if (zj_api_key_issue(s, a, o->argv[1], o->label, key, &id, &err))
        return cli_report(&err);
    /* the key itself on stdout (to be captured), the note on stderr */
    puts(key);
    fprintf(stderr, "API key %lld for '%s': shown this once, store it now\n", (long long)id,
            o->argv[1]);
    sodium_memzero(key, sizeof key);
    return 0;
}

int cmd_user(int argc, char **argv)
{
    opts o = {0};
    int rc = parse(argc, argv, &o);
    if (rc)
        return rc < 0 ? 0 : rc;
    static const char *const subs[] = {"add", "list", "disable", "passwd", "key"};
    const char *sub = o.argc ? o.argv[0] : "list";
    size_t k = 0;
    while (k < 5 && strcmp(subs[k], sub))
        k++;
    if (k == 5)
        return cli_error(ZJ_EUSAGE, "unknown 'user' subcommand '%s'; see 'zhijian user --help'",
                         sub);
    zj_store *s;
    zj_error err = {0};
    if (zj_store_open_existing(cli_db_path(o.db), &s, &err))
        return cli_report(&err);
    zj_actor_owned who;
    if ((rc = cli_user_actor(s, o.as, &who))) {
        zj_store_close(s);
        return rc;
    }
    switch (k) {
    case 0: rc = do_add(s, &who.actor, &o); break;
    case 1: rc = do_list(s, &who.actor, &o); break;
    case 2: rc = do_disable(s, &who.actor, &o); break;
    case 3: rc = do_passwd(s, &who.actor, &o); break;
    default: rc = do_key(s, &who.actor, &o); break;
    }
    zj_actor_owned_free(&who);
    zj_store_close(s);
    return rc;
}
