/* cli_json.c - printing a command's JSON result (cli_json_finish, cli.h). */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>

#include "cli/cli.h"

int cli_json_finish(cJSON *json, int rc, const zj_error *err)
{
    if (!rc && json) {
        char *t = cJSON_Print(json);
        if (t)
            puts(t);
        free(t);
    }
    cJSON_Delete(json);
    return rc ? cli_report(err) : 0;
}
