/* static.c - the web app's files: one file of the web folder per request, safely resolved;
 * its gzip twin (FILE.gz, made by scripts/build-web.sh) when the browser accepts gzip. */
#include "serve/static.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_FILE ((off_t)16 << 20)

/* The policy of the app's pages: its own scripts only; ECharts sets inline styles. */
static const char app_csp[] =
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data: blob:; connect-src 'self'; object-src 'none'; "
    "frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

static const struct {
    const char *ext, *type;
} types[] = {
    {".html", "text/html; charset=utf-8"},
    {".js", "text/javascript; charset=utf-8"},
    {".mjs", "text/javascript; charset=utf-8"},
    {".css", "text/css; charset=utf-8"},
    {".json", "application/json; charset=utf-8"},
    {".svg", "image/svg+xml"},
    {".png", "image/png"},
    {".ico", "image/x-icon"},
    {".woff2", "font/woff2"},
    {".txt", "text/plain; charset=utf-8"},
};

bool zj_static_claims(const char *path)
{
    return path && strncmp(path, "/api/", 5) != 0 && strcmp(path, "/api") != 0;
}

static void fail(zj_http_response *resp, int status, const char *code, const char *msg)
{
    zj_buf_clear(&resp->body);
    resp->status = status;
    resp->content_type = NULL;
    zj_buf_printf(&resp->body, "{\"error\":{\"code\":\"%s\",\"message\":\"%s\"}}", code, msg);
}

/* False for a path that could leave the folder or name a hidden file. */
static bool safe_path(const char *p)
{
    if (p[0] != '/')
        return false;
    for (const char *s = p; *s; s++) {
        char c = *s;
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                  c == '.' || c == '_' || c == '-' || c == '/';
        if (!ok || (c == '/' && s[1] == '.') || (c == '/' && s[1] == '/'))
            return false;
    }
    return true;
}

static const char *type_of(const char *path)
{
    const char *slash = strrchr(path, '/');
    const char *dot = strrchr(slash ? slash : path, '.');
    if (!dot)
        return NULL;
    for (size_t i = 0; i < sizeof types / sizeof types[0]; i++)
        if (strcmp(dot, types[i].ext) == 0)
            return types[i].type;
    return "application/octet-stream";
}

/* Read the regular file at `full` into resp->body; false when it is not one or too large. */
static bool slurp(const char *full, zj_http_response *resp)
{
    int fd = open(full, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0)
        return false;
    struct stat sb;
    bool ok = fstat(fd, &sb) == 0 && S_ISREG(sb.st_mode) && sb.st_size <= MAX_FILE &&
              zj_buf_reserve(&resp->body, (size_t)sb.st_size + 1) == 0;
    while (ok) {
        char chunk[65536];
        ssize_t n = read(fd, chunk, sizeof chunk);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            ok = n == 0;
            break;
        }
        ok = zj_buf_append(&resp->body, chunk, (size_t)n) == 0;
    }
    close(fd);
    return ok;
}

/* Whether an Accept-Encoding header accepts gzip: the token "gzip" (or "*") without q=0. */
bool zj_accepts_gzip(const char *h)
{
    bool ok = false;
    while (h && *h) {
        while (*h == ' ' || *h == ',' || *h == '\t')
            h++;
        size_t n = strcspn(h, ",;");
        const char *tok = h;
        h += n;
        bool zero = false;
        while (*h == ';') {   /* parameters: only q matters */
            h++;
            while (*h == ' ')
                h++;
            if ((h[0] == 'q' || h[0] == 'Q') && h[1] == '=')
                zero = strtod(h + 2, NULL) <= 0;
            h += strcspn(h, ",;");
        }
        while (n > 0 && (tok[n - 1] == ' ' || tok[n - 1] == '\t'))
            n--;
        if ((n == 4 && strncasecmp(tok, "gzip", 4) == 0) || (n == 1 && tok[0] == '*'))
            ok = !zero;
    }
    return ok;
}

void zj_static_answer(const char *web_dir, const zj_http_request *req, zj_http_response *resp)
{
    if (strcmp(req->method, "GET") != 0 && strcmp(req->method, "HEAD") != 0) {
        zj_http_header(resp, "Allow", "GET, HEAD");
        fail(resp, 405, "method_not_allowed", "the web app's files are read with GET");
        return;
    }
    if (!web_dir) {
        fail(resp, 404, "not_found",
             "no web app is served (build it with make; or serve --web DIR); the API is /api/v1/");
        return;
    }
    /* The app routes in the browser (#/leads/12): the only page is index.html at "/". */
    const char *path = strcmp(req->path, "/") == 0 ? "/index.html" : req->path;
    const char *type = safe_path(path) ? type_of(path) : NULL;
    if (!type) {
        fail(resp, 404, "not_found", "no such file in the web app");
        return;
    }
    char full[4096];
    int n = snprintf(full, sizeof full, "%s%s", web_dir, path);
    if (n < 0 || (size_t)n + 3 >= sizeof full) {
        fail(resp, 404, "not_found", "no such file in the web app");
        return;
    }
    /* The gzip twin, when there is one and the browser takes it; else the file itself. */
    struct stat sb;
    memcpy(full + n, ".gz", 4);
    bool twin = stat(full, &sb) == 0;
    bool gz = twin && zj_accepts_gzip(req->accept_encoding) && slurp(full, resp);
    full[n] = '\0';
    if (!gz && !slurp(full, resp)) {
        fail(resp, 404, "not_found", "no such file in the web app");
        return;
    }
    if (gz)
        zj_http_header(resp, "Content-Encoding", "gzip");
    if (twin)
        zj_http_header(resp, "Vary", "Accept-Encoding");
    resp->status = 200;
    resp->content_type = type;
    resp->csp = app_csp;
    /* The page itself is always fetched fresh; the files it loads are revalidated. */
    resp->cache_control = strstr(type, "text/html") ? "no-store" : "no-cache";
}
