/* test_serve.c - the HTTP front end without a socket: validators, router, cookies, CSRF,
 * rate limits and dispatch (src/serve/). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "serve/api.h"
#include "serve/auth.h"
#include "serve/cache.h"
#include "serve/export.h"
#include "serve/ratelimit.h"
#include "serve/router.h"
#include "serve/static.h"
#include "serve/validate.h"

static const char *const KINDS[] = {"a", "b", NULL};
static const zj_field FIELDS[] = {
    {"name", ZJ_FIELD_TEXT, true, 1, 4, NULL},
    {"n", ZJ_FIELD_INT, false, -5, 100, NULL},
    {"on", ZJ_FIELD_BOOL, false, 0, 0, NULL},
    {"day", ZJ_FIELD_DATE, false, 0, 0, NULL},
    {"month", ZJ_FIELD_MONTH, false, 0, 0, NULL},
    {"kind", ZJ_FIELD_ENUM, false, 0, 0, KINDS},
    {"note", ZJ_FIELD_NOTE, false, 0, 10, NULL},
    {"tags", ZJ_FIELD_TEXT_LIST, false, 0, 2, NULL},
};
#define NF (sizeof FIELDS / sizeof FIELDS[0])

/* Validate `body`; expect failure with code and field, or success when code is NULL. */
static void body(const char *json, const char *code, const char *field)
{
    zj_value_in v[NF];
    zj_invalid why = {0};
    cJSON *root = NULL;
    bool ok = zj_validate_body(json, strlen(json), FIELDS, NF, &root, v, &why);
    if (!code) {
        if (!ok)
            fail_msg("'%s' refused: %s", json, why.message);
        cJSON_Delete(root);
        return;
    }
    if (ok)
        fail_msg("'%s' accepted, expected %s on '%s'", json, code, field);
    assert_null(root);
    assert_int_equal(why.status, 400);
    assert_string_equal(why.code, code);
    assert_string_equal(why.field, field);
    assert_true(strlen(why.message) > 0);
}

static void test_body(void **state)
{
    (void)state;
    body("{\"name\":\"张三\"}", NULL, NULL);
    body("{\"name\":\"abcd\",\"n\":-5,\"on\":true,\"day\":\"2024-02-29\",\"month\":\"2024-12\","
         "\"kind\":\"b\",\"note\":\"line\\nline\",\"tags\":[\"x\",\"y\"]}", NULL, NULL);
    body("{\"name\":\"a\",\"n\":null}", NULL, NULL);
    body("{}", "missing_field", "name");
    body("{\"name\":\"\"}", "invalid_field", "name");
    body("{\"name\":\"abcde\"}", "invalid_field", "name");
    body("{\"name\":5}", "invalid_field", "name");
    body("{\"name\":\"a\\tb\"}", "invalid_field", "name");
    body("{\"name\":\"a\",\"name\":\"b\"}", "invalid_field", "name");
    body("{\"name\":\"a\",\"x\":1}", "unknown_field", "x");
    body("{\"name\":\"a\",\"n\":101}", "invalid_field", "n");
    body("{\"name\":\"a\",\"n\":1.5}", "invalid_field", "n");
    body("{\"name\":\"a\",\"n\":\"1\"}", "invalid_field", "n");
    body("{\"name\":\"a\",\"n\":1e300}", "invalid_field", "n");
    body("{\"name\":\"a\",\"on\":1}", "invalid_field", "on");
    body("{\"name\":\"a\",\"day\":\"2023-02-29\"}", "invalid_field", "day");
    body("{\"name\":\"a\",\"day\":\"2023-2-1\"}", "invalid_field", "day");
    body("{\"name\":\"a\",\"month\":\"2023-13\"}", "invalid_field", "month");
    body("{\"name\":\"a\",\"kind\":\"c\"}", "invalid_field", "kind");
    body("{\"name\":\"a\",\"note\":\"12345678901\"}", "invalid_field", "note");
    body("{\"name\":\"a\",\"tags\":[\"x\",\"y\",\"z\"]}", "invalid_field", "tags");
    body("{\"name\":\"a\",\"tags\":[1]}", "invalid_field", "tags");
    body("{\"name\":\"a\\u0000b\"}", "malformed_json", "");
    body("{\"name\":\"a\"", "malformed_json", "");
    body("[1]", "malformed_json", "");
    body("{\"name\":\"a\"} x", "malformed_json", "");
    body("\xff{}", "malformed_json", "");
    body("", "malformed_json", "");
}

static void test_query(void **state)
{
    (void)state;
    static const zj_field page[] = {ZJ_PAGE_FIELDS};
    zj_value_in v[2];
    zj_invalid why = {0};
    zj_http_param p1[] = {{"limit", "10"}, {"offset", "0"}};
    zj_http_request q = {.query = p1, .nquery = 2};
    assert_true(zj_validate_query(&q, page, 2, v, &why));
    assert_int_equal(v[0].i, 10);
    assert_true(v[1].present);
    const char *bad[] = {"0", "501", "-1", "1x", "", "+5", " 5", "99999999999999999999"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        zj_http_param p[] = {{"limit", bad[i]}};
        zj_http_request r = {.query = p, .nquery = 1};
        if (zj_validate_query(&r, page, 2, v, &why))
            fail_msg("limit '%s' accepted", bad[i]);
        assert_string_equal(why.field, "limit");
    }
    zj_http_param p2[] = {{"limit", "1"}, {"limit", "2"}};
    zj_http_request r2 = {.query = p2, .nquery = 2};
    assert_false(zj_validate_query(&r2, page, 2, v, &why));
    zj_http_param p3[] = {{"sort", "id"}};
    zj_http_request r3 = {.query = p3, .nquery = 1};
    assert_false(zj_validate_query(&r3, page, 2, v, &why));
    assert_string_equal(why.code, "unknown_field");
    assert_string_equal(why.field, "sort");
}

static void test_router(void **state)
{
    (void)state;
    const zj_route *r = NULL;
    const char *params[ZJ_SERVE_MAX_PARAMS];
    size_t np = 0;
    char scratch[256], allow[64];
    assert_int_equal(zj_route_find("GET", "/api/v1/health", &r, params, &np, scratch, allow,
                                   sizeof allow), 0);
    assert_string_equal(r->pattern, "/api/v1/health");
    assert_true(r->flags & ZJ_ROUTE_PUBLIC);
    assert_int_equal(zj_route_find("HEAD", "/api/v1/health", &r, params, &np, scratch, allow,
                                   sizeof allow), 0);
    assert_int_equal(zj_route_find("POST", "/api/v1/health", &r, params, &np, scratch, allow,
                                   sizeof allow), 405);
    assert_string_equal(allow, "GET");
    const char *missing[] = {"/api/v1/health/", "/api/v1", "", "/", "//api/v1/health",
                             "/api/v1/healthz", "api/v1/health"};
    for (size_t i = 0; i < sizeof missing / sizeof *missing; i++)
        assert_int_equal(zj_route_find("GET", missing[i], &r, params, &np, scratch, allow,
                                       sizeof allow), 404);
    /* Every pattern matches itself and only its own method is routed to it. */
    size_t n;
    const zj_route *all = zj_routes(&n);
    for (size_t i = 0; i < n; i++) {
        assert_true(all[i].pattern[0] == '/');
        assert_non_null(all[i].handler);
        for (size_t j = 0; j < i; j++)
            if (!strcmp(all[i].method, all[j].method) && !strcmp(all[i].pattern, all[j].pattern))
                fail_msg("route %s %s twice", all[i].method, all[i].pattern);
    }
}

static void test_cookies_and_csrf(void **state)
{
    (void)state;
    char v[64];
    assert_true(zj_http_cookie("a=1; zj_session=tok; zj_csrf=c", "zj_session", v, sizeof v));
    assert_string_equal(v, "tok");
    assert_false(zj_http_cookie("xzj_session=tok", "zj_session", v, sizeof v));
    assert_false(zj_http_cookie("zj_session=0123456789", "zj_session", v, 5));
    assert_false(zj_http_cookie(NULL, "zj_session", v, sizeof v));

    bool by_cookie = true;
    zj_http_request q = {.authorization = "Bearer abc.DEF-1", .cookie = "zj_session=zzz"};
    assert_true(zj_auth_token(&q, v, sizeof v, &by_cookie));
    assert_string_equal(v, "abc.DEF-1");
    assert_false(by_cookie);
    q.authorization = NULL;
    assert_true(zj_auth_token(&q, v, sizeof v, &by_cookie));
    assert_string_equal(v, "zzz");
    assert_true(by_cookie);
    q.authorization = "Bearer a b";
    assert_false(zj_auth_token(&q, v, sizeof v, &by_cookie));
    q.authorization = "Basic abc";
    q.cookie = NULL;
    assert_false(zj_auth_token(&q, v, sizeof v, &by_cookie));

    char c1[ZJ_CSRF_HEX + 1], c2[ZJ_CSRF_HEX + 1];
    zj_auth_csrf("token-1", c1, sizeof c1);
    zj_auth_csrf("token-2", c2, sizeof c2);
    assert_int_equal(strlen(c1), ZJ_CSRF_HEX);
    assert_string_not_equal(c1, c2);
    zj_http_request r = {.csrf_token = c1};
    assert_true(zj_auth_csrf_ok(&r, "token-1"));
    assert_false(zj_auth_csrf_ok(&r, "token-2"));
    r.csrf_token = NULL;
    assert_false(zj_auth_csrf_ok(&r, "token-1"));
}

static void test_ratelimit(void **state)
{
    (void)state;
    zj_ratelimit *rl = zj_ratelimit_new(1.0, 3);
    assert_non_null(rl);
    for (int i = 0; i < 3; i++)
        assert_int_equal(zj_ratelimit_take(rl, "10.0.0.1", 100.0), 0);
    assert_int_equal(zj_ratelimit_take(rl, "10.0.0.1", 100.0), 1);
    assert_int_equal(zj_ratelimit_take(rl, "10.0.0.2", 100.0), 0);    /* its own bucket */
    assert_int_equal(zj_ratelimit_take(rl, "10.0.0.1", 101.0), 0);    /* refilled one */
    assert_int_equal(zj_ratelimit_take(rl, "10.0.0.1", 101.0), 1);
    /* Many clients: the table stays bounded and a new client is always served. */
    char key[32];
    for (int i = 0; i < 100000; i++) {
        snprintf(key, sizeof key, "k%d", i);
        assert_int_equal(zj_ratelimit_take(rl, key, 200.0), 0);
    }
    zj_ratelimit_free(rl);
}

/* Dispatch without a socket: the answer to a request, as JSON. */
static cJSON *dispatch(const char *method, const char *path, const char *auth, int *status)
{
    zj_serve_config cfg = {.version = "test"};
    zj_http_request req = {.method = method, .path = path, .authorization = auth, .body = ""};
    zj_http_response resp = {0};
    zj_api_ctx c = {.cfg = &cfg, .req = &req, .resp = &resp};
    zj_api_dispatch(&c);
    *status = resp.status;
    cJSON *j = cJSON_Parse(resp.body.data ? resp.body.data : "");
    zj_http_response_free(&resp);
    assert_non_null(j);
    return j;
}

static void test_dispatch(void **state)
{
    (void)state;
    int status;
    cJSON *j = dispatch("GET", "/api/v1/version", NULL, &status);
    assert_int_equal(status, 200);
    assert_string_equal(cJSON_GetObjectItem(j, "version")->valuestring, "test");
    cJSON_Delete(j);
    j = dispatch("GET", "/api/v1/health", NULL, &status);
    assert_int_equal(status, 503);   /* no store connection */
    cJSON_Delete(j);
    j = dispatch("PUT", "/api/v1/version", NULL, &status);
    assert_int_equal(status, 405);
    cJSON_Delete(j);
    j = dispatch("GET", "/api/v2/version", NULL, &status);
    assert_int_equal(status, 404);
    assert_string_equal(cJSON_GetObjectItem(cJSON_GetObjectItem(j, "error"), "code")->valuestring,
                        "not_found");
    cJSON_Delete(j);
}

/* The answer to a work-layer failure: its status, code and field come from the error's kind
 * and field, never from its message (which here says the opposite each time). */
static void work_error(zj_error *err, int status, const char *code, const char *field)
{
    zj_serve_config cfg = {.version = "test"};
    zj_http_request req = {.method = "GET", .path = "/"};
    zj_http_response resp = {0};
    zj_api_ctx c = {.cfg = &cfg, .req = &req, .resp = &resp};
    zj_api_work_error(&c, err);
    assert_int_equal(resp.status, status);
    cJSON *j = cJSON_Parse(resp.body.data);
    assert_non_null(j);
    cJSON *e = cJSON_GetObjectItem(j, "error");
    assert_string_equal(cJSON_GetObjectItem(e, "code")->valuestring, code);
    cJSON *f = cJSON_GetObjectItem(e, "field");
    if (field)
        assert_string_equal(f ? f->valuestring : "", field);
    else
        assert_null(f);
    assert_string_equal(cJSON_GetObjectItem(e, "message")->valuestring[0] ? "m" : "", "m");
    cJSON_Delete(j);
    zj_http_response_free(&resp);
}

static void test_work_errors(void **state)
{
    (void)state;
    zj_error err = {0};
    zj_fail_as(&err, ZJ_ERR_NOT_FOUND, "field 'x': user may not; lead 1 is new: 'a' needs b");
    assert_int_equal(err.code, ZJ_EUSAGE);
    work_error(&err, 404, "not_found", NULL);
    assert_int_equal(zj_fail_as(&err, ZJ_ERR_FORBIDDEN, "no lead 5"), ZJ_EPERM);
    work_error(&err, 403, "forbidden", NULL);
    zj_fail(&err, ZJ_EPERM, "no lead 5");                   /* the code alone says forbidden */
    work_error(&err, 403, "forbidden", NULL);
    zj_fail_as(&err, ZJ_ERR_CONFLICT, "no lead 5 may not");
    work_error(&err, 409, "conflict", NULL);
    assert_int_equal(zj_fail_field(&err, "month", "%s is in the future", "2099-01"), ZJ_EUSAGE);
    assert_string_equal(err.msg, "field 'month': 2099-01 is in the future");
    work_error(&err, 400, "invalid_field", "month");
    zj_error_mark(&err, ZJ_ERR_CONFLICT, NULL);             /* a refiled report: field kept */
    work_error(&err, 409, "conflict", "month");
    zj_fail(&err, ZJ_EUSAGE, "field 'month': no such thing"); /* plain usage: no field read */
    work_error(&err, 400, "invalid_request", NULL);
    assert_int_equal(zj_fail_as(&err, ZJ_ERR_BUSY, "store: invalid"), ZJ_EDATA);
    work_error(&err, 503, "busy", NULL);
    zj_fail(&err, ZJ_EDATA, "store: database is locked");   /* not marked busy: not retried */
    assert_int_equal(zj_error_kind(&err), ZJ_ERR_FAILED);
    work_error(&err, 503, "unavailable", NULL);
    zj_error ok = {0};
    assert_int_equal(zj_error_kind(&ok), ZJ_ERR_NONE);
}

static void test_csv_export(void **state)
{
    (void)state;
    cJSON *items = cJSON_Parse("[{\"a\":\"=1+1\",\"b\":3},{\"a\":\"x,\\\"y\\\"\",\"b\":null},"
                               "{\"a\":\"@SUM(A1)\",\"b\":2.5}]");
    assert_non_null(items);
    static const char *const cols[] = {"a", "b"};
    zj_buf out = {0};
    zj_error err = {0};
    assert_int_equal(zj_export_csv(items, cols, 2, &out, &err), 0);
    assert_string_equal(out.data, "\xEF\xBB\xBF" "a,b\r\n\"'=1+1\",3\r\n\"x,\"\"y\"\"\",\r\n"
                                  "\"'@SUM(A1)\",2.5\r\n");
    zj_buf_free(&out);
    cJSON_Delete(items);
}

static void test_answer_cache(void **state)
{
    (void)state;
    zj_cache *c = zj_cache_new(1.0);
    zj_buf out = {0};
    assert_false(zj_cache_get(c, "k", 10.0, &out));
    zj_cache_put(c, "k", "{\"a\":1}", 7, 10.0, zj_cache_generation(c));
    assert_true(zj_cache_get(c, "k", 10.5, &out));
    assert_string_equal(out.data, "{\"a\":1}");
    assert_false(zj_cache_get(c, "k", 11.0, &out));       /* expired */
    assert_false(zj_cache_get(c, "other", 10.5, &out));
    unsigned long before = zj_cache_generation(c);
    zj_cache_put(c, "k", "x", 1, 20.0, before);
    zj_cache_invalidate(c);                               /* a write */
    assert_false(zj_cache_get(c, "k", 20.1, &out));
    zj_cache_put(c, "k", "y", 1, 20.2, before);           /* computed before the write */
    assert_false(zj_cache_get(c, "k", 20.3, &out));
    zj_buf_free(&out);
    zj_cache_free(c);
}

/* The web app's files: "/" is the page, known files are served, nothing else is read. */
static int static_status(const char *dir, const char *method, const char *path,
                         const char **type)
{
    zj_http_request req = {.method = method, .path = path, .body = ""};
    zj_http_response resp = {0};
    zj_static_answer(dir, &req, &resp);
    *type = resp.content_type;
    int status = resp.status;
    if (status == 200)
        assert_non_null(resp.csp);
    zj_http_response_free(&resp);
    return status;
}

static void test_static_files(void **state)
{
    (void)state;
    char dir[] = "/tmp/zj-static-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char p[128];
    const char *files[] = {"index.html", "app.js", ".secret.js"};
    for (size_t i = 0; i < 3; i++) {
        snprintf(p, sizeof p, "%s/%s", dir, files[i]);
        FILE *f = fopen(p, "w");
        assert_non_null(f);
        fputs("x", f);
        fclose(f);
    }
    const char *type = NULL;
    assert_int_equal(static_status(dir, "GET", "/", &type), 200);
    assert_string_equal(type, "text/html; charset=utf-8");
    assert_int_equal(static_status(dir, "HEAD", "/app.js", &type), 200);
    assert_string_equal(type, "text/javascript; charset=utf-8");
    const char *refused[] = {"/.secret.js", "/../etc/passwd", "/x/../app.js", "//app.js",
                             "/etc/passwd", "/missing.js", "/app.js%00", "/app.js?x", ""};
    for (size_t i = 0; i < sizeof refused / sizeof *refused; i++)
        assert_int_equal(static_status(dir, "GET", refused[i], &type), 404);
    assert_int_equal(static_status(dir, "POST", "/app.js", &type), 405);
    assert_int_equal(static_status(NULL, "GET", "/", &type), 404);
    /* a gzip twin is sent only to a browser that accepts gzip */
    snprintf(p, sizeof p, "%s/app.js.gz", dir);
    FILE *g = fopen(p, "w");
    assert_non_null(g);
    fputs("GZ", g);
    fclose(g);
    const char *enc[] = {"gzip, deflate, br", "br;q=1.0, gzip;q=0.8", "*", NULL, "br", "gzip;q=0",
                         "gzip; q=0.000", "gzipx", "identity"};
    for (size_t i = 0; i < sizeof enc / sizeof *enc; i++) {
        bool want = i < 3;
        assert_int_equal(zj_accepts_gzip(enc[i]), want);
        zj_http_request req = {.method = "GET", .path = "/app.js", .accept_encoding = enc[i]};
        zj_http_response resp = {0};
        zj_static_answer(dir, &req, &resp);
        assert_int_equal(resp.status, 200);
        assert_string_equal(resp.body.data, want ? "GZ" : "x");
        const char *ce = NULL, *vary = NULL;
        for (size_t k = 0; k < resp.nheaders; k++) {
            if (!strcmp(resp.headers[k].name, "Content-Encoding"))
                ce = resp.headers[k].value;
            if (!strcmp(resp.headers[k].name, "Vary"))
                vary = resp.headers[k].value;
        }
        if (want)
            assert_string_equal(ce, "gzip");
        else
            assert_null(ce);
        assert_string_equal(vary, "Accept-Encoding");
        zj_http_response_free(&resp);
    }
    remove(p);
    assert_true(zj_static_claims("/app.js"));
    assert_false(zj_static_claims("/api/v1/health"));
    assert_false(zj_static_claims("/api"));
    for (size_t i = 0; i < 3; i++) {
        snprintf(p, sizeof p, "%s/%s", dir, files[i]);
        remove(p);
    }
    rmdir(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_body),          cmocka_unit_test(test_query),
        cmocka_unit_test(test_router),        cmocka_unit_test(test_cookies_and_csrf),
        cmocka_unit_test(test_ratelimit),     cmocka_unit_test(test_dispatch),
        cmocka_unit_test(test_csv_export),    cmocka_unit_test(test_answer_cache),
        cmocka_unit_test(test_static_files),  cmocka_unit_test(test_work_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
