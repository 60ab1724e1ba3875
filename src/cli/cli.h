/* cli.h - what every subcommand file (cmd_*.c) shares: the command table entry and helpers.
 *
 * Each subcommand lives in its own file and exports one `int cmd_NAME(int argc, char **argv)`;
 * main.c lists them in one table. argv[0] is the subcommand name. The return value is the
 * process exit code: 0 ok, 1 findings or rejected rows, 2 usage error, 3 data or store error,
 * 4 not permitted (the acting user's role or scope, work/policy.h).
 */
#ifndef ZJ_CLI_H
#define ZJ_CLI_H

#include <stdbool.h>
#include <stdio.h>

#include "base/error.h"
#include "store/store.h"
#include "work/actor.h"
#include "work/users.h"

typedef struct zj_command {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *summary;     /* one line for `zhijian help` */
    bool bulk;               /* works through millions of rows: malloc on huge pages (main.c) */
} zj_command;

/* Print "zhijian: <message>" to stderr; returns `code` for `return cli_error(...)`. */
int cli_error(int code, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Report a library error on stderr and return its code. */
int cli_report(const zj_error *err);

/* The database path: the --db option if given, else $ZHIJIAN_DB, else "./zhijian.db". */
const char *cli_db_path(const char *db_option);

/* The rules file `name` (e.g. "linking.yaml"): the --rules option if given, else
 * $ZHIJIAN_RULES/name, else ./rules/name, when readable; NULL means "use the built-in
 * defaults". `buf` (cap bytes) may hold the result. */
const char *cli_rules_path(const char *option, const char *name, char *buf, size_t cap);

/* The actor of a CLI command: the local operator (the store's owner, role admin, user id 0,
 * named by the login name), whom the audit trail records. */
void cli_actor(zj_actor *a);

/* The actor a command acts as: the user named by --as (as_option) or $ZHIJIAN_USER, with his
 * role and unit's scope, else the local operator (cli_actor). Returns 0, or an exit code after
 * reporting (an unknown or disabled user). Free with zj_actor_owned_free. */
int cli_user_actor(zj_store *s, const char *as_option, zj_actor_owned *out);

/* Read a password: the first line of `file` if given, else of standard input (without echo,
 * after `prompt`, on a terminal). Never from the command line. Returns 0 or an exit code. */
int cli_read_password(const char *file, const char *prompt, char *buf, size_t cap);

/* Finish a command's JSON output: when rc is 0, print `json` (if not NULL) and return 0;
 * otherwise report `err` and return its code. `json` (a cJSON tree) is deleted either way. */
struct cJSON;
int cli_json_finish(struct cJSON *json, int rc, const zj_error *err);

/* Run entity resolution over an open store as `zhijian link` does (its memory settings:
 * bulk-load journal, a page cache of up to an eighth of the machine's memory). */
struct zj_store;
struct zj_link_options;
struct zj_link_stats;
int cli_link_store(struct zj_store *s, struct zj_link_options *lo, struct zj_link_stats *st,
                   zj_error *err);

/* True when `arg` is -h or --help. */
bool cli_is_help(const char *arg);

#endif
