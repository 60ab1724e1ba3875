/* fuzz_http.c - libFuzzer target for the API's request parsing: routing, query parameters,
 * JSON bodies, cookies and bearer tokens, exactly as the server calls them (no socket).
 *
 * Input: a first line "METHOD PATH?QUERY", an optional "Cookie: ..." line, then the body.
 * Beyond memory safety: every refusal is a 4xx with a code and a message that is valid UTF-8
 * (it is sent to the client as JSON), and every acceptance has its required fields.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "serve/auth.h"
#include "serve/router.h"
#include "serve/validate.h"
#include "text/utf8.h"

#define CHECK(cond)                                                                            \
    do {                                                                                       \
        if (!(cond)) {                                                                         \
            fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond);          \
            abort();                                                                           \
        }                                                                                      \
    } while (0)

static const char *const STATES[] = {"new", "assigned", NULL};
static const zj_field FIELDS[] = {
    {"username", ZJ_FIELD_TEXT, true, 1, 64, NULL},
    {"password", ZJ_FIELD_NOTE, false, 1, 256, NULL},
    {"limit", ZJ_FIELD_INT, false, 1, 500, NULL},
    {"offset", ZJ_FIELD_INT, false, 0, 1000000000, NULL},
    {"on", ZJ_FIELD_BOOL, false, 0, 0, NULL},
    {"day", ZJ_FIELD_DATE, false, 0, 0, NULL},
    {"month", ZJ_FIELD_MONTH, false, 0, 0, NULL},
    {"status", ZJ_FIELD_ENUM, false, 0, 0, STATES},
    {"tags", ZJ_FIELD_TEXT_LIST, false, 0, 8, NULL},
};
#define NF (sizeof FIELDS / sizeof FIELDS[0])

static void check_refusal(const zj_invalid *why)
{
    CHECK(why->status >= 400 && why->status < 500);
    CHECK(why->code && *why->code);
    CHECK(why->message[0]);
    CHECK(zj_utf8_valid(why->message, strlen(why->message)));
    CHECK(zj_utf8_valid(why->field, strlen(why->field)));
}

static void check_accepted(const zj_value_in *v)
{
    for (size_t i = 0; i < NF; i++)
        if (FIELDS[i].required)
            CHECK(v[i].present);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1);
    if (!text)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    char *line = text, *rest = memchr(text, '\n', size);
    if (rest)
        *rest++ = '\0';
    else
        rest = text + size;
    char *cookie = NULL;
    if (strncmp(rest, "Cookie: ", 8) == 0) {
        cookie = rest + 8;
        char *nl = strchr(cookie, '\n');
        if (nl) {
            *nl = '\0';
            rest = nl + 1;
        } else {
            rest = cookie + strlen(cookie);
        }
    }
    size_t body_len = size - (size_t)(rest - text);

    /* "METHOD PATH?QUERY" */
    char *method = line, *path = strchr(line, ' ');
    if (path)
        *path++ = '\0';
    else
        path = "";
    char *query = strchr(path, '?');
    if (query)
        *query++ = '\0';

    const zj_route *route = NULL;
    const char *params[ZJ_SERVE_MAX_PARAMS];
    size_t np = 0;
    char allow[64];
    char *scratch = malloc(strlen(path) + 1);
    if (scratch) {
        int rc = zj_route_find(method, path, &route, params, &np, scratch, allow, sizeof allow);
        CHECK(rc == 0 || rc == 404 || rc == 405);
        if (rc == 0) {
            CHECK(route && np <= ZJ_SERVE_MAX_PARAMS);
            for (size_t i = 0; i < np; i++)
                CHECK(params[i][0] && !strchr(params[i], '/'));
        }
        free(scratch);
    }

    zj_http_param qp[16];
    size_t nq = 0;
    for (char *tok = query ? strtok(query, "&") : NULL; tok && nq < 16; tok = strtok(NULL, "&")) {
        char *eq = strchr(tok, '=');
        if (eq)
            *eq++ = '\0';
        qp[nq].key = tok;
        qp[nq].value = eq ? eq : "";
        nq++;
    }
    zj_http_request req = {.method = method, .path = path, .query = qp, .nquery = nq,
                           .cookie = cookie, .body = rest, .body_len = body_len};
    zj_value_in v[NF];
    zj_invalid why = {0};
    if (zj_validate_query(&req, FIELDS, NF, v, &why))
        check_accepted(v);
    else
        check_refusal(&why);

    cJSON *json = NULL;
    memset(&why, 0, sizeof why);
    if (zj_validate_body(rest, body_len, FIELDS, NF, &json, v, &why)) {
        CHECK(json);
        check_accepted(v);
        cJSON_Delete(json);
    } else {
        CHECK(!json);
        check_refusal(&why);
    }

    char token[128];
    bool by_cookie = false;
    if (zj_auth_token(&req, token, sizeof token, &by_cookie)) {
        CHECK(token[0] && strlen(token) < sizeof token);
        char csrf[ZJ_CSRF_HEX + 1];
        zj_auth_csrf(token, csrf, sizeof csrf);
        CHECK(strlen(csrf) == ZJ_CSRF_HEX);
    }
    free(text);
    return 0;
}
