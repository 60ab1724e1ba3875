/* cli_auth.c - who the command line acts as (--as USER, $ZHIJIAN_USER, else the local
 * operator) and reading a password without putting it on the command line. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "cli/cli.h"

int cli_user_actor(zj_store *s, const char *as_option, zj_actor_owned *out)
{
    const char *name = as_option && *as_option ? as_option : getenv("ZHIJIAN_USER");
    if (!name || !*name) {
        memset(out, 0, sizeof *out);
        cli_actor(&out->actor);                 /* the local operator */
        return 0;
    }
    zj_error err = {0};
    return zj_actor_of_user(s, name, out, &err) ? cli_report(&err) : 0;
}

int cli_read_password(const char *file, const char *prompt, char *buf, size_t cap)
{
    FILE *f = stdin;
    if (file && !(f = fopen(file, "r")))
        return cli_error(ZJ_EUSAGE, "cannot read password file '%s'", file);
    bool tty = !file && isatty(fileno(stdin));
    struct termios old, quiet;
    if (tty && tcgetattr(fileno(stdin), &old) == 0) {
        fprintf(stderr, "%s", prompt);
        quiet = old;
        quiet.c_lflag &= ~(tcflag_t)ECHO;
        tcsetattr(fileno(stdin), TCSAFLUSH, &quiet);
    } else
        tty = false;
    bool got = fgets(buf, (int)cap, f) != NULL;
    if (tty) {
        tcsetattr(fileno(stdin), TCSAFLUSH, &old);
        fputc('\n', stderr);
    }
    if (file)
        fclose(f);
    if (!got)
        return cli_error(ZJ_EUSAGE, "no password given (on standard input or in --password-file)");
    buf[strcspn(buf, "\r\n")] = 0;
    return 0;
}
