/* cli_options.h - a subcommand's options as a table: names, kinds, where each value goes.
 *
 * Each cmd_*.c used to spell its options three times (the getopt table, a switch with a
 * letter per option, the struct) and read numbers with atoll, so "--limit ten" silently meant
 * no limit. Here a subcommand lists its options once; numbers are checked (digits only, in
 * range) and a bad one is refused naming the option, like every other bad input.
 *
 *   static const cli_opt table[] = {
 *       CLI_STRING(opts, db, "db"), CLI_FLAG(opts, json, "json"),
 *       CLI_INT(opts, limit, "limit", 0, 1000000000),
 *   };
 */
#ifndef ZJ_CLI_OPTIONS_H
#define ZJ_CLI_OPTIONS_H

#include <stddef.h>

typedef enum cli_opt_kind {
    CLI_OPT_STRING,            /* --name VALUE into a const char * */
    CLI_OPT_FLAG,              /* --name into a bool (true) */
    CLI_OPT_INT,               /* --name N into a long long, min <= N <= max */
} cli_opt_kind;

typedef struct cli_opt {
    const char *name;          /* the long name without "--" */
    cli_opt_kind kind;
    size_t offset;             /* of the field in the subcommand's options struct */
    long long min, max;        /* CLI_OPT_INT */
} cli_opt;

#define CLI_STRING(type, field, name) {name, CLI_OPT_STRING, offsetof(type, field), 0, 0}
#define CLI_FLAG(type, field, name) {name, CLI_OPT_FLAG, offsetof(type, field), 0, 0}
#define CLI_INT(type, field, name, lo, hi) {name, CLI_OPT_INT, offsetof(type, field), lo, hi}

/* Parse the options of argv (argv[0] is the subcommand) by the `n` entries of `opts` into
 * the struct at `out`, and set *rest_argc and *rest_argv to the operands left. --help (or
 * -h) prints `usage` to stdout and returns -1. An unknown option, a missing value or a
 * number that is not one or out of range is reported on stderr, naming the option, and
 * returns ZJ_EUSAGE. Otherwise 0. */
int cli_parse_options(int argc, char **argv, const cli_opt *opts, size_t n, void *out,
                      const char *usage, int *rest_argc, char ***rest_argv);

#endif
