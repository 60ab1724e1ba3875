/* http.c - small helpers on requests and responses: headers, query values, cookies. */
#include "serve/http.h"

#include <stdlib.h>
#include <string.h>

int zj_http_header(zj_http_response *r, const char *name, const char *value)
{
    if (r->nheaders >= ZJ_HTTP_MAX_HEADERS)
        return -1;
    char *copy = strdup(value);
    if (!copy)
        return -1;
    r->headers[r->nheaders].name = name;
    r->headers[r->nheaders].value = copy;
    r->nheaders++;
    return 0;
}

void zj_http_response_free(zj_http_response *r)
{
    for (size_t i = 0; i < r->nheaders; i++)
        free(r->headers[i].value);
    r->nheaders = 0;
    zj_buf_free(&r->body);
}

const char *zj_http_query(const zj_http_request *q, const char *key)
{
    for (size_t i = 0; i < q->nquery; i++)
        if (q->query[i].key && strcmp(q->query[i].key, key) == 0)
            return q->query[i].value ? q->query[i].value : "";
    return NULL;
}

bool zj_http_cookie(const char *h, const char *name, char *out, size_t cap)
{
    size_t nl = strlen(name);
    while (h && *h) {
        while (*h == ' ' || *h == ';')
            h++;
        const char *end = strchr(h, ';');
        size_t len = end ? (size_t)(end - h) : strlen(h);
        if (len > nl && strncmp(h, name, nl) == 0 && h[nl] == '=') {
            size_t vl = len - nl - 1;
            if (vl + 1 > cap)
                return false;
            memcpy(out, h + nl + 1, vl);
            out[vl] = '\0';
            return true;
        }
        h = end;
    }
    return false;
}

bool zj_http_unsafe_method(const char *m)
{
    return strcmp(m, "GET") != 0 && strcmp(m, "HEAD") != 0 && strcmp(m, "OPTIONS") != 0;
}
