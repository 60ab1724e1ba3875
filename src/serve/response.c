/* response.c - JSON answers and the API's error objects. */
#include "serve/api.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void zj_api_json(zj_api_ctx *c, int status, cJSON *root)
{
    zj_http_response *r = c->resp;
    zj_buf_clear(&r->body);
    char *text = root ? cJSON_PrintUnformatted(root) : NULL;
    cJSON_Delete(root);
    if (root && !text) {
        r->status = 503;
        zj_buf_puts(&r->body, "{\"error\":{\"code\":\"out_of_memory\",\"message\":\"the server is "
                              "out of memory; retry later\"}}");
        return;
    }
    r->status = status;
    r->content_type = NULL;
    zj_buf_puts(&r->body, text ? text : "{}");
    free(text);
}

void zj_api_json_text(zj_api_ctx *c, int status, zj_buf *body)
{
    zj_http_response *r = c->resp;
    zj_buf_free(&r->body);
    r->body = *body;                  /* the body's memory moves to the response */
    *body = (zj_buf){0};
    r->status = status;
    r->content_type = NULL;
}

bool zj_api_error(zj_api_ctx *c, int status, const char *code, const char *field,
                  const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    cJSON *root = cJSON_CreateObject();
    cJSON *e = cJSON_AddObjectToObject(root, "error");
    cJSON_AddStringToObject(e, "code", code);
    if (field)
        cJSON_AddStringToObject(e, "field", field);
    cJSON_AddStringToObject(e, "message", msg);
    zj_api_json(c, status, root);
    return false;
}

/* The status and code for each kind of work-layer failure (base/error.h): the library says
 * what went wrong, this table says it in HTTP. The message is never read for it. */
void zj_api_work_error(zj_api_ctx *c, const zj_error *err)
{
    const char *m = err->msg[0] ? err->msg : "the store could not answer";
    const char *field = err->field[0] ? err->field : NULL;
    switch (zj_error_kind(err)) {
    case ZJ_ERR_FORBIDDEN:
        zj_api_error(c, 403, "forbidden", NULL, "%s", m);
        break;
    case ZJ_ERR_NOT_FOUND:
        zj_api_error(c, 404, "not_found", field, "%s", m);
        break;
    case ZJ_ERR_CONFLICT:
        zj_api_error(c, 409, "conflict", field, "%s", m);
        break;
    case ZJ_ERR_INVALID:
        zj_api_error(c, 400, field ? "invalid_field" : "invalid_request", field, "%s", m);
        break;
    case ZJ_ERR_BUSY:
        zj_http_header(c->resp, "Retry-After", "1");
        zj_api_error(c, 503, "busy", NULL, "%s; retry later", m);
        break;
    default:
        zj_http_header(c->resp, "Retry-After", "1");
        zj_api_error(c, 503, "unavailable", NULL, "%s; retry later", m);
    }
}

bool zj_api_param_id(zj_api_ctx *c, size_t i, const char *name, int64_t *out)
{
    const char *s = i < c->nparams ? c->params[i] : "";
    int64_t v = 0;
    size_t n = strlen(s);
    bool ok = n > 0 && n <= 18 && s[0] != '0';
    for (size_t k = 0; ok && k < n; k++) {
        ok = s[k] >= '0' && s[k] <= '9';
        if (ok)
            v = v * 10 + (s[k] - '0');
    }
    if (!ok)
        return zj_api_error(c, 400, "invalid_field", name,
                            "path parameter '%s': must be a positive integer", name);
    *out = v;
    return true;
}

bool zj_api_invalid(zj_api_ctx *c, const zj_invalid *why)
{
    return zj_api_error(c, why->status ? why->status : 400, why->code ? why->code : "invalid_request",
                        why->field[0] ? why->field : NULL, "%s", why->message);
}

bool zj_api_query(zj_api_ctx *c, const zj_field *fields, size_t n, zj_value_in *out)
{
    zj_invalid why = {0};
    return zj_validate_query(c->req, fields, n, out, &why) || zj_api_invalid(c, &why);
}

bool zj_api_body(zj_api_ctx *c, const zj_field *fields, size_t n, cJSON **json,
                 zj_value_in *out)
{
    zj_invalid why = {0};
    return zj_validate_body(c->req->body, c->req->body_len, fields, n, json, out, &why) ||
           zj_api_invalid(c, &why);
}

void zj_json_str(cJSON *o, const char *key, const char *v)
{
    if (v)
        cJSON_AddStringToObject(o, key, v);
    else
        cJSON_AddNullToObject(o, key);
}
