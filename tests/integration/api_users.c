/* api_users.c - add users to a store for the API tests (the store's owner acting, as the CLI
 * does): api_users DB USERNAME ROLE UNIT|- OFFICER_NO|- PASSWORD [...more users, 5 fields each]. */
#include <stdio.h>
#include <string.h>

#include "store/store.h"
#include "work/policy.h"
#include "work/users.h"

int main(int argc, char **argv)
{
    if (argc < 7 || (argc - 2) % 5 != 0) {
        fputs("usage: api_users DB USERNAME ROLE UNIT|- OFFICER_NO|- PASSWORD ...\n", stderr);
        return 2;
    }
    zj_error err = {0};
    zj_store *s = NULL;
    if (zj_store_open(argv[1], &s, &err)) {
        fprintf(stderr, "api_users: %s\n", err.msg);
        return 3;
    }
    zj_actor_owned local;
    zj_actor_local(&local);
    int rc = 0;
    for (int i = 2; i + 4 < argc && !rc; i += 5) {
        int role = zj_role_parse(argv[i + 1]);
        if (role < 0) {
            fprintf(stderr, "api_users: unknown role '%s'\n", argv[i + 1]);
            rc = 2;
            break;
        }
        zj_user_new u = {
            .username = argv[i],
            .role = (zj_role)role,
            .unit_code = strcmp(argv[i + 2], "-") ? argv[i + 2] : NULL,
            .officer_no = strcmp(argv[i + 3], "-") ? argv[i + 3] : NULL,
            .password = strcmp(argv[i + 4], "-") ? argv[i + 4] : NULL,
        };
        if ((rc = zj_user_add(s, &local.actor, &u, NULL, &err)))
            fprintf(stderr, "api_users: %s: %s\n", argv[i], err.msg);
    }
    zj_actor_owned_free(&local);
    zj_store_close(s);
    return rc;
}
