/* cli_options.c - parse a subcommand's options from its table (cli_options.h), with getopt_long. */
#include "cli/cli_options.h"

#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdlib.h>

#include "cli/cli.h"

enum { FIRST_VAL = 256 };   /* getopt's val for opts[i] is FIRST_VAL + i: no letters to keep */

static int number(const cli_opt *o, const char *s, long long *v)
{
    char *end;
    errno = 0;
    long long x = strtoll(s, &end, 10);
    if (!*s || *end || errno)
        return cli_error(ZJ_EUSAGE, "--%s: expected a whole number, got '%s'", o->name, s);
    if (x < o->min || x > o->max)
        return cli_error(ZJ_EUSAGE, "--%s: %lld is out of range (%lld to %lld)", o->name, x,
                         o->min, o->max);
    *v = x;
    return 0;
}

int cli_parse_options(int argc, char **argv, const cli_opt *opts, size_t n, void *out,
                      const char *usage, int *rest_argc, char ***rest_argv)
{
    struct option *lo = calloc(n + 2, sizeof *lo);
    if (!lo)
        return cli_error(ZJ_EDATA, "out of memory");
    for (size_t i = 0; i < n; i++)
        lo[i] = (struct option){opts[i].name,
                                opts[i].kind == CLI_OPT_FLAG ? no_argument : required_argument,
                                NULL, FIRST_VAL + (int)i};
    lo[n] = (struct option){"help", no_argument, NULL, 'h'};
    int rc = 0, c;
    optind = 1;
    while (!rc && (c = getopt_long(argc, argv, "h", lo, NULL)) != -1) {
        if (c == 'h') {
            fputs(usage, stdout);
            rc = -1;
        } else if (c < FIRST_VAL || c >= FIRST_VAL + (int)n) {
            rc = ZJ_EUSAGE;            /* getopt has said what was wrong */
        } else {
            const cli_opt *o = &opts[c - FIRST_VAL];
            char *field = (char *)out + o->offset;
            if (o->kind == CLI_OPT_STRING)
                *(const char **)field = optarg;
            else if (o->kind == CLI_OPT_FLAG)
                *(bool *)field = true;
            else
                rc = number(o, optarg, (long long *)field);
        }
    }
    free(lo);
    if (!rc) {
        *rest_argc = argc - optind;
        *rest_argv = argv + optind;
    }
    return rc;
}
