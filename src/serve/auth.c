/* auth.c - session tokens from the request, the CSRF double-submit check. */
#include "serve/auth.h"

#include <sodium.h>
#include <string.h>
#include <strings.h>

#include "serve/sessions.h"

bool zj_auth_token(const zj_http_request *req, char *out, size_t cap, bool *by_cookie)
{
    const char *t = NULL;
    size_t n = 0;
    if (req->authorization && strncasecmp(req->authorization, "Bearer ", 7) == 0) {
        t = req->authorization + 7;
        while (*t == ' ')
            t++;
        n = strlen(t);
        *by_cookie = false;
    } else if (req->cookie && zj_http_cookie(req->cookie, ZJ_SESSION_COOKIE, out, cap)) {
        t = out;
        n = strlen(out);
        *by_cookie = true;
    }
    if (!t || n == 0 || n >= cap)
        return false;
    for (size_t i = 0; i < n; i++)
        if (t[i] <= ' ' || t[i] > '~')
            return false;
    memmove(out, t, n);
    out[n] = '\0';
    return true;
}

void zj_auth_csrf(const char *token, char *out, size_t cap)
{
    static const char context[] = "zhijian csrf v1:";
    unsigned char h[ZJ_CSRF_HEX / 2];
    crypto_generichash_state st;
    crypto_generichash_init(&st, NULL, 0, sizeof h);
    crypto_generichash_update(&st, (const unsigned char *)context, sizeof context - 1);
    crypto_generichash_update(&st, (const unsigned char *)token, strlen(token));
    crypto_generichash_final(&st, h, sizeof h);
    if (cap > ZJ_CSRF_HEX)
        sodium_bin2hex(out, cap, h, sizeof h);
    else if (cap)
        out[0] = '\0';
}

bool zj_auth_csrf_ok(const zj_http_request *req, const char *token)
{
    char want[ZJ_CSRF_HEX + 1];
    zj_auth_csrf(token, want, sizeof want);
    const char *got = req->csrf_token;
    return got && strlen(got) == ZJ_CSRF_HEX && sodium_memcmp(got, want, ZJ_CSRF_HEX) == 0;
}

bool zj_auth_resolve(zj_api_ctx *c)
{
    bool by_cookie = false;
    if (!zj_auth_token(c->req, c->token, sizeof c->token, &by_cookie)) {
        zj_http_header(c->resp, "WWW-Authenticate", "Bearer realm=\"zhijian\"");
        return zj_api_error(c, 401, "unauthenticated", NULL,
                            "log in first (POST /api/v1/session) and send the session token");
    }
    if (!c->store) {
        zj_http_header(c->resp, "Retry-After", "1");
        return zj_api_error(c, 503, "unavailable", NULL, "the store cannot be opened; retry later");
    }
    zj_error err = {0};
    int rc = zj_session_get(c->shared ? c->shared->sessions : NULL, c->store, c->token,
                            &c->session, &c->actor, &err);
    if (rc == ZJ_EDATA) {
        zj_api_work_error(c, &err);
        return false;
    }
    if (rc) {
        zj_http_header(c->resp, "WWW-Authenticate",
                       "Bearer realm=\"zhijian\", error=\"invalid_token\"");
        return zj_api_error(c, 401, "unauthenticated", NULL,
                            "the session token is unknown or has expired; log in again");
    }
    c->authenticated = true;
    c->by_cookie = by_cookie;
    return true;
}
