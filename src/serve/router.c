/* router.c - matching a request's method and path against the route table. */
#include "serve/router.h"

#include <string.h>

/* Match `path` against `pattern`; on success params[] point into scratch (a copy of path whose
 * separators are overwritten). */
static bool match(const char *pattern, const char *path, const char **params, size_t *np,
                  char *scratch)
{
    size_t n = 0;
    const char *p = pattern, *q = path;
    char *s = scratch;
    strcpy(scratch, path);
    while (*p && *q) {
        if (*p != '/' || *q != '/')
            return false;
        p++, q++, s++;
        const char *pe = strchr(p, '/');
        const char *qe = strchr(q, '/');
        size_t pl = pe ? (size_t)(pe - p) : strlen(p);
        size_t ql = qe ? (size_t)(qe - q) : strlen(q);
        if (pl >= 2 && p[0] == '{' && p[pl - 1] == '}') {
            if (ql == 0 || n >= ZJ_SERVE_MAX_PARAMS)
                return false;
            s[ql] = '\0';   /* overwrites the next '/' (or the NUL) of the copy */
            params[n++] = s;
        } else if (pl != ql || strncmp(p, q, pl) != 0) {
            return false;
        }
        p += pl, q += ql, s += ql;
    }
    if (*p || *q)
        return false;
    *np = n;
    return true;
}

int zj_route_find(const char *method, const char *path, const zj_route **route,
                  const char **params, size_t *nparams, char *scratch, char *allow,
                  size_t allow_cap)
{
    size_t n;
    const zj_route *r = zj_routes(&n);
    const char *want = strcmp(method, "HEAD") == 0 ? "GET" : method;
    bool path_known = false;
    if (allow_cap)
        allow[0] = '\0';
    for (size_t i = 0; i < n; i++) {
        if (!match(r[i].pattern, path, params, nparams, scratch))
            continue;
        if (strcmp(r[i].method, want) == 0) {
            *route = &r[i];
            return 0;
        }
        path_known = true;
        size_t used = strlen(allow);
        size_t ml = strlen(r[i].method);
        if (used + ml + 3 < allow_cap) {
            if (used)
                memcpy(allow + used, ", ", 2), used += 2;
            memcpy(allow + used, r[i].method, ml + 1);
        }
    }
    return path_known ? 405 : 404;
}
