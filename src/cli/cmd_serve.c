/* cmd_serve.c - `zhijian serve`: the JSON API over HTTP until SIGTERM or SIGINT. */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"
#include "serve/router.h"
#include "serve/serve.h"

static const char usage_text[] =
    "usage: zhijian serve [--bind ADDR] [--port N] [--db PATH] [options]\n"
    "\n"
    "Serve the JSON API v1 (/api/v1/..., docs/openapi.yaml) over HTTP until SIGTERM or\n"
    "SIGINT; then requests in flight finish (at most --drain seconds) and the server stops.\n"
    "\n"
    "  --bind ADDR         address to listen on (default 127.0.0.1; IPv6 allowed)\n"
    "  --port N            port (default 8080; 0 picks a free one, logged at start)\n"
    "  --threads N         worker threads, each with its own store connection (default: 4 per core)\n"
    "  --access-log FILE   JSON-lines access log (default: standard error)\n"
    "  --max-body BYTES    largest JSON body (default 65536)\n"
    "  --max-upload BYTES  largest import upload (default 268435456)\n"
    "  --rate N            requests per second per client address, burst 2N (default 1000;\n"
    "                      0: no limit)\n"
    "  --login-rate N      login attempts per minute per address and per username (default 10)\n"
    "  --mappings DIR      where imports find mappings by name (default ./mappings)\n"
    "  --cookie-secure     mark session cookies Secure (when served behind TLS)\n"
    "  --drain SECONDS     how long to wait for requests in flight at shutdown (default 30)\n"
    "  --cache-ms N        keep answers of lead lists and statistics N ms (default 1000; 0: off);\n"
    "                      a change made through the server shows at once, others within N ms\n"
    "  --web DIR           the web app's built files (default: $ZHIJIAN_WEB, else web/dist\n"
    "                      beside the build folder, built by make); every path outside /api/\n"
    "  --routes            print every route (METHOD PATH) and exit";

/* A non-negative number option; false (after a message) when it is not one. */
static bool number_option(const char *name, const char *v, double max, double *out)
{
    char *end = NULL;
    double d = strtod(v, &end);
    if (!*v || *end || !(d >= 0) || d > max) {
        cli_error(ZJ_EUSAGE, "--%s '%s': must be a number from 0 to %.0f", name, v, max);
        return false;
    }
    *out = d;
    return true;
}

static int print_routes(void)
{
    size_t n;
    const zj_route *r = zj_routes(&n);
    for (size_t i = 0; i < n; i++)
        printf("%s %s\n", r[i].method, r[i].pattern);
    return 0;
}

static bool has_index(const char *dir)
{
    char p[4200];
    snprintf(p, sizeof p, "%s/index.html", dir);
    return access(p, R_OK) == 0;
}

/* The web app built beside the program: ZHIJIAN_WEB, else web/dist of the source tree the
 * binary was built in (build/zhijian -> web/dist); NULL when neither holds index.html. */
static const char *default_web_dir(char *out, size_t cap)
{
    const char *env = getenv("ZHIJIAN_WEB");
    if (env && *env)
        return has_index(env) ? env : NULL;
    char exe[2048];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n <= 0)
        return NULL;
    exe[n] = '\0';
    char *slash = strrchr(exe, '/');
    if (!slash)
        return NULL;
    *slash = '\0';
    int w = snprintf(out, cap, "%s/../web/dist", exe);
    return w > 0 && (size_t)w < cap && has_index(out) ? out : NULL;
}

int cmd_serve(int argc, char **argv)
{
    static const struct option opts[] = {
        {"db", required_argument, NULL, 'd'},
        {"bind", required_argument, NULL, 'b'},
        {"port", required_argument, NULL, 'p'},
        {"threads", required_argument, NULL, 't'},
        {"access-log", required_argument, NULL, 'l'},
        {"max-body", required_argument, NULL, 'B'},
        {"max-upload", required_argument, NULL, 'U'},
        {"rate", required_argument, NULL, 'r'},
        {"login-rate", required_argument, NULL, 'L'},
        {"mappings", required_argument, NULL, 'm'},
        {"cookie-secure", no_argument, NULL, 'S'},
        {"drain", required_argument, NULL, 'D'},
        {"cache-ms", required_argument, NULL, 'C'},
        {"routes", no_argument, NULL, 'R'},
        {"web", required_argument, NULL, 'W'},
        {"help", no_argument, NULL, 'h'},
        {0, 0, 0, 0},
    };
    zj_serve_config cfg = {
        .bind = "127.0.0.1",
        .port = 8080,
        .max_body = 65536,
        .max_upload = 268435456,
        .rate = 1000,
        .login_rate = 10,
        .mapping_dir = "mappings",
        .version = ZJ_VERSION,
        .cache_seconds = 1.0,
    };
    const char *db = NULL;
    double v, drain = 30;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'd': db = optarg; break;
        case 'b': cfg.bind = optarg; break;
        case 'p':
            if (!number_option("port", optarg, 65535, &v) || v != (int)v)
                return ZJ_EUSAGE;
            cfg.port = (int)v;
            break;
        case 't':
            if (!number_option("threads", optarg, 256, &v))
                return ZJ_EUSAGE;
            cfg.threads = (int)v;
            break;
        case 'l': cfg.access_log = optarg; break;
        case 'B':
            if (!number_option("max-body", optarg, 1 << 30, &v))
                return ZJ_EUSAGE;
            cfg.max_body = (size_t)v;
            break;
        case 'U':
            if (!number_option("max-upload", optarg, 1e12, &v))
                return ZJ_EUSAGE;
            cfg.max_upload = (size_t)v;
            break;
        case 'r':
            if (!number_option("rate", optarg, 1e9, &cfg.rate))
                return ZJ_EUSAGE;
            break;
        case 'L':
            if (!number_option("login-rate", optarg, 1e9, &cfg.login_rate))
                return ZJ_EUSAGE;
            break;
        case 'm': cfg.mapping_dir = optarg; break;
        case 'S': cfg.cookie_secure = true; break;
        case 'D':
            if (!number_option("drain", optarg, 3600, &drain))
                return ZJ_EUSAGE;
            break;
        case 'C':
            if (!number_option("cache-ms", optarg, 3600000, &v))
                return ZJ_EUSAGE;
            cfg.cache_seconds = v / 1000.0;
            break;
        case 'W': cfg.web_dir = optarg; break;
        case 'R': return print_routes();
        case 'h': puts(usage_text); return 0;
        default: return ZJ_EUSAGE;
        }
    }
    if (optind < argc)
        return cli_error(ZJ_EUSAGE, "serve: unexpected argument '%s'", argv[optind]);
    cfg.db_path = cli_db_path(db);
    char web_dir[4096];
    if (!cfg.web_dir)
        cfg.web_dir = default_web_dir(web_dir, sizeof web_dir);
    else if (!has_index(cfg.web_dir))
        return cli_error(ZJ_EUSAGE, "serve: --web %s: no index.html there (build it with make)",
                         cfg.web_dir);
    /* Uploads (imports) are spooled and kept beside the store, readable by its owner only. */
    char upload_dir[4096];
    snprintf(upload_dir, sizeof upload_dir, "%s.uploads", cfg.db_path);
    if (mkdir(upload_dir, 0700) != 0 && errno != EEXIST)
        return cli_error(ZJ_EDATA, "cannot create the upload folder '%s': %s", upload_dir,
                         strerror(errno));
    cfg.upload_dir = upload_dir;

    /* Workers inherit this mask, so SIGTERM and SIGINT reach sigwait below and nowhere else. */
    sigset_t stop;
    sigemptyset(&stop);
    sigaddset(&stop, SIGTERM);
    sigaddset(&stop, SIGINT);
    pthread_sigmask(SIG_BLOCK, &stop, NULL);
    signal(SIGPIPE, SIG_IGN);

    zj_error err = {0};
    zj_server *srv = NULL;
    if (zj_server_start(&cfg, &srv, &err) != ZJ_OK)
        return cli_report(&err);
    fprintf(stderr, "zhijian: serving http://%s%s%s:%d/%s (stop with SIGTERM or Ctrl-C)\n",
            strchr(cfg.bind, ':') ? "[" : "", cfg.bind, strchr(cfg.bind, ':') ? "]" : "",
            zj_server_port(srv), cfg.web_dir ? " (web app) and /api/v1/" : "api/v1/");
    int sig = 0;
    sigwait(&stop, &sig);
    fprintf(stderr, "zhijian: %s received, finishing requests in flight\n",
            sig == SIGTERM ? "SIGTERM" : "SIGINT");
    int left = zj_server_stop(srv, drain);
    if (left)
        return cli_error(ZJ_EDATA, "stopped with %d requests still running after %.0f s", left,
                         drain);
    return 0;
}
