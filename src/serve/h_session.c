/* h_session.c - logging in and out, and who the session belongs to (登录/退出). */
#include <stdio.h>
#include <string.h>

#include "serve/auth.h"
#include "serve/handlers.h"
#include "serve/ratelimit.h"
#include "serve/sessions.h"
#include "work/policy.h"
#include "work/users.h"

/* The user object of the API (schema User). */
static cJSON *user_json(const zj_actor *a)
{
    cJSON *u = cJSON_CreateObject();
    cJSON_AddStringToObject(u, "username", a->username ? a->username : "");
    const char *role = zj_role_name(a->role);
    cJSON_AddStringToObject(u, "role", role ? role : "unknown");
    if (a->unit_code)
        cJSON_AddStringToObject(u, "unit_code", a->unit_code);
    else
        cJSON_AddNullToObject(u, "unit_code");
    if (a->officer_no)
        cJSON_AddStringToObject(u, "officer_no", a->officer_no);
    else
        cJSON_AddNullToObject(u, "officer_no");
    cJSON *perms = cJSON_AddArrayToObject(u, "permissions");
    for (int p = 0; p < ZJ_PERM_COUNT; p++)
        if (zj_role_may(a->role, (zj_perm)p) && zj_perm_name((zj_perm)p))
            cJSON_AddItemToArray(perms, cJSON_CreateString(zj_perm_name((zj_perm)p)));
    return u;
}

static void set_cookies(zj_api_ctx *c, const char *token, const char *csrf, int max_age)
{
    const char *secure = c->cfg && c->cfg->cookie_secure ? "; Secure" : "";
    char v[256];
    snprintf(v, sizeof v, "%s=%s; Path=/; HttpOnly; SameSite=Strict; Max-Age=%d%s",
             ZJ_SESSION_COOKIE, token, max_age, secure);
    zj_http_header(c->resp, "Set-Cookie", v);
    snprintf(v, sizeof v, "%s=%s; Path=/; SameSite=Strict; Max-Age=%d%s", ZJ_CSRF_COOKIE, csrf,
             max_age, secure);
    zj_http_header(c->resp, "Set-Cookie", v);
}

/* POST /api/v1/session {"username", "password"}: a session token, in the body and as cookies. */
void zj_h_login(zj_api_ctx *c)
{
    static const zj_field fields[] = {
        {"username", ZJ_FIELD_TEXT, true, 1, 63, NULL},
        {"password", ZJ_FIELD_NOTE, true, 1, 1024, NULL},
    };
    zj_value_in v[2];
    cJSON *json = NULL;
    if (!zj_api_query(c, NULL, 0, NULL) || !zj_api_body(c, fields, 2, &json, v))
        return;
    char key[96];
    snprintf(key, sizeof key, "user:%s", v[0].s);
    int wait = c->shared && c->shared->login_user
                   ? zj_ratelimit_take(c->shared->login_user, key, zj_monotonic()) : 0;
    if (wait) {
        char secs[16];
        snprintf(secs, sizeof secs, "%d", wait);
        zj_http_header(c->resp, "Retry-After", secs);
        zj_api_error(c, 429, "rate_limited", "username",
                     "too many login attempts for this user; retry in %d s", wait);
        cJSON_Delete(json);
        return;
    }
    if (!c->store) {
        cJSON_Delete(json);
        zj_api_error(c, 503, "unavailable", NULL, "the store cannot be opened; retry later");
        return;
    }
    char token[ZJ_TOKEN_HEX + 1];
    zj_actor_owned who = {0};
    zj_error err = {0};
    int rc = zj_login(c->store, v[0].s, v[1].s, c->req->remote, token, &who, &err);
    cJSON_Delete(json);
    if (rc == ZJ_EPERM || rc == ZJ_EUSAGE) {
        zj_actor_owned_free(&who);
        zj_api_error(c, 401, "invalid_credentials", NULL,
                     "wrong username or password, or the user is locked or disabled");
        return;
    }
    if (rc) {
        zj_actor_owned_free(&who);
        zj_api_work_error(c, &err);
        return;
    }
    char csrf[ZJ_CSRF_HEX + 1];
    zj_auth_csrf(token, csrf, sizeof csrf);
    set_cookies(c, token, csrf, ZJ_SESSION_HOURS * 3600);
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "token", token);
    cJSON_AddStringToObject(o, "csrf_token", csrf);
    cJSON_AddNumberToObject(o, "expires_in", ZJ_SESSION_HOURS * 3600);
    cJSON_AddNumberToObject(o, "idle_timeout", ZJ_SESSION_IDLE_MINUTES * 60);
    cJSON_AddItemToObject(o, "user", user_json(&who.actor));
    zj_actor_owned_free(&who);
    zj_api_json(c, 201, o);
}

/* DELETE /api/v1/session: the session ends now. */
void zj_h_logout(zj_api_ctx *c)
{
    if (!zj_api_query(c, NULL, 0, NULL))
        return;
    zj_error err = {0};
    if (zj_logout(c->store, c->token, &err)) {
        zj_api_work_error(c, &err);
        return;
    }
    zj_session_forget(c->shared ? c->shared->sessions : NULL, c->token);
    set_cookies(c, "", "", 0);
    cJSON *o = cJSON_CreateObject();
    cJSON_AddBoolToObject(o, "logged_out", 1);
    zj_api_json(c, 200, o);
}

/* GET /api/v1/session: the user behind the token, with the permissions of the role. */
void zj_h_whoami(zj_api_ctx *c)
{
    if (!zj_api_query(c, NULL, 0, NULL))
        return;
    cJSON *o = cJSON_CreateObject();
    cJSON_AddItemToObject(o, "user", user_json(c->actor));
    cJSON_AddStringToObject(o, "authenticated_by", c->by_cookie ? "cookie" : "bearer");
    zj_api_json(c, 200, o);
}
