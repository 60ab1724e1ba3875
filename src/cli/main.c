/* main.c - the `zhijian` command: dispatch to a subcommand, git-style.
 *
 *   zhijian <command> [options] [args]     see `zhijian help`
 *
 * Adding a subcommand: write cmd_NAME.c with `int cmd_NAME(int argc, char **argv)`, declare it
 * below and add one line to `commands`; nothing else changes.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pwd.h>
#include <sys/auxv.h>
#include <unistd.h>

#include "cli/cli.h"

int cmd_help(int argc, char **argv);
int cmd_version(int argc, char **argv);
int cmd_init(int argc, char **argv);
int cmd_status(int argc, char **argv);
int cmd_import(int argc, char **argv);
int cmd_link(int argc, char **argv);
int cmd_check(int argc, char **argv);
int cmd_gen(int argc, char **argv);
int cmd_eval(int argc, char **argv);
int cmd_detect(int argc, char **argv);
int cmd_leads(int argc, char **argv);
int cmd_serve(int argc, char **argv);
int cmd_user(int argc, char **argv);
int cmd_rejects(int argc, char **argv);
int cmd_audit(int argc, char **argv);
int cmd_filing(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_sentence(int argc, char **argv);

static const zj_command commands[] = {
    {"help", cmd_help, "show help for zhijian or one of its commands", false},
    {"version", cmd_version, "print the version", false},
    {"init", cmd_init, "create or upgrade the store (applies schema migrations)", true},
    {"status", cmd_status, "show record counts per table and recent import batches", false},
    {"import", cmd_import, "import agency exports (CSV, JSON Lines) through a mapping", true},
    {"link", cmd_link, "resolve persons and enterprises across agencies into entities", true},
    {"check", cmd_check, "validate and normalize an ID, credit code, case number, name, phone", false},
    {"detect", cmd_detect, "run the detectors and keep their leads (线索)", true},
    {"filing", cmd_filing, "check a proposed case at filing: histories, FL01-FL04 (立案审查)", false},
    {"leads", cmd_leads, "list leads, show their evidence, work them to a verdict (处置), analysis", false},
    {"serve", cmd_serve, "serve the JSON API over HTTP (zhijian serve --port 8080)", false},
    {"audit", cmd_audit, "verify the audit trail (全程留痕), prove entries, export checkpoints", false},
    {"rejects", cmd_rejects, "the rows an import batch rejected (raw rows only unmasked)", false},
    {"user", cmd_user, "add, list and disable users; passwords and API keys", false},
    {"report", cmd_report, "file three-regulations records, zero and quarterly reports (填报)", false},
    {"sentence-change", cmd_sentence, "sentence-change cases online: apply, review, notice, opinion, ruling (减刑假释)", false},
    {"gen", cmd_gen, "generate a synthetic province with known anomalies and ground truth", true},
    {"eval", cmd_eval, "score leads and entity resolution against a generated truth", true},
};
#define NCOMMANDS (sizeof commands / sizeof commands[0])

int cli_error(int code, const char *fmt, ...)
{
    va_list ap;
    fputs("zhijian: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    return code;
}

int cli_report(const zj_error *err)
{
    fprintf(stderr, "zhijian: %s\n", err->msg[0] ? err->msg : "unknown error");
    return err->code ? err->code : ZJ_EDATA;
}

const char *cli_db_path(const char *db_option)
{
    if (db_option && *db_option)
        return db_option;
    const char *env = getenv("ZHIJIAN_DB");
    return env && *env ? env : "./zhijian.db";
}

const char *cli_rules_path(const char *option, const char *name, char *buf, size_t cap)
{
    if (option && *option)
        return option;
    const char *dir = getenv("ZHIJIAN_RULES");
    snprintf(buf, cap, "%s/%s", dir && *dir ? dir : "rules", name);
    return access(buf, R_OK) == 0 ? buf : NULL;
}

void cli_actor(zj_actor *a)
{
    static char name[64];
    if (!name[0]) {
        struct passwd *pw = getpwuid(geteuid());
        snprintf(name, sizeof name, "%s", pw && pw->pw_name ? pw->pw_name : "operator");
    }
    *a = (zj_actor){.user_id = 0, .username = name, .role = ZJ_ROLE_ADMIN};
}

bool cli_is_help(const char *arg)
{
    return strcmp(arg, "-h") == 0 || strcmp(arg, "--help") == 0;
}

static const zj_command *find_command(const char *name)
{
    for (size_t i = 0; i < NCOMMANDS; i++)
        if (strcmp(commands[i].name, name) == 0)
            return &commands[i];
    return NULL;
}

static void usage(FILE *out)
{
    fputs("usage: zhijian <command> [options] [args]\n"
          "智监 zhijian - integrity supervision for the political-legal system\n\n"
          "commands:\n", out);
    for (size_t i = 0; i < NCOMMANDS; i++)
        fprintf(out, "  %-10s %s\n", commands[i].name, commands[i].summary);
    fputs("\nrun 'zhijian <command> --help' for a command's options.\n"
          "exit status: 0 ok, 1 findings or rejected rows, 2 usage error, 3 data or store error,\n"
          "4 not permitted (the acting user's role or scope)\n"
          "database: --db PATH, else $ZHIJIAN_DB, else ./zhijian.db\n", out);
}

int cmd_help(int argc, char **argv)
{
    if (argc < 2) {
        usage(stdout);
        return 0;
    }
    const zj_command *c = find_command(argv[1]);
    if (!c)
        return cli_error(ZJ_EUSAGE, "'%s' is not a zhijian command; see 'zhijian help'", argv[1]);
    char *help_argv[] = {argv[1], "--help", NULL};
    return c->run(2, help_argv);
}

int cmd_version(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    printf("zhijian %s\n", ZJ_VERSION);
    return 0;
}

/* Runs that load millions of rows grow the heap by gigabytes, and with 4 KiB pages the kernel
 * spends a tenth of the run faulting in and zeroing pages (perf: clear_page_erms was 13% of a
 * 10M-mention link's samples). glibc backs malloc with transparent huge pages only when the
 * tunable glibc.malloc.hugetlb is set at startup, so a command marked `bulk` re-executes itself
 * once with it set: a first link of 10M mentions took 121.9 s instead of 132.7 s (docs/benchmarks.md).
 * An operator's own GLIBC_TUNABLES is kept (glibc.malloc.hugetlb=0 turns this off). Under
 * valgrind, whose preload library is in LD_PRELOAD, the re-executed process would run
 * unchecked, so there it is skipped. If exec fails the command just runs with small pages.
 * ZHIJIAN_REEXEC marks the re-executed process, so it never loops, even where glibc drops the
 * tunable (set-user-ID programs, which are skipped anyway). */
static void use_huge_pages(char **argv)
{
    const char *tunables = getenv("GLIBC_TUNABLES");
    const char *preload = getenv("LD_PRELOAD");
    if ((tunables && strstr(tunables, "glibc.malloc.hugetlb")) ||
        (preload && strstr(preload, "valgrind")) || getenv("ZHIJIAN_REEXEC") || getauxval(AT_SECURE))
        return;
    char old[1024], value[sizeof old + 32];
    int n = snprintf(old, sizeof old, "%s", tunables ? tunables : "");
    if (n < 0 || (size_t)n >= sizeof old)
        return;
    snprintf(value, sizeof value, "%s%sglibc.malloc.hugetlb=1", old, *old ? ":" : "");
    if (setenv("ZHIJIAN_REEXEC", "1", 1) == 0 && setenv("GLIBC_TUNABLES", value, 1) == 0)
        execv("/proc/self/exe", argv);
    unsetenv("ZHIJIAN_REEXEC");   /* still here: leave the environment as it was */
    if (tunables)
        setenv("GLIBC_TUNABLES", old, 1);
    else
        unsetenv("GLIBC_TUNABLES");
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return ZJ_EUSAGE;
    }
    if (cli_is_help(argv[1]))
        return cmd_help(1, argv + 1);
    if (strcmp(argv[1], "--version") == 0)
        return cmd_version(1, argv + 1);
    const zj_command *c = find_command(argv[1]);
    if (!c)
        return cli_error(ZJ_EUSAGE, "'%s' is not a zhijian command; see 'zhijian help'", argv[1]);
    if (c->bulk)
        use_huge_pages(argv);
    return c->run(argc - 1, argv + 1);
}
