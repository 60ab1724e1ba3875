/* filing_check.c - the filing check for people: permission, audit, then the check (立案审查). */
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "link/config.h"
#include "work/audit.h"
#include "work/filing_check.h"
#include "work/policy.h"

/* The audit detail: case type, cause, parties' roles and ID hashes (never an ID or a name). */
static int detail(const zj_filing_case *c, bool unmask, zj_buf *b)
{
    int rc = zj_buf_printf(b, "{\"case_type\":\"%.16s\",\"unmask\":%s,\"parties\":[",
                           c->case_type && !strpbrk(c->case_type, "\"\\") ? c->case_type : "",
                           unmask ? "true" : "false");
    for (size_t i = 0; !rc && i < c->nparties; i++) {
        const zj_filing_party *p = &c->parties[i];
        rc = zj_buf_printf(b, "%s{\"role\":\"%.20s\"", i ? "," : "",
                           p->role && !strpbrk(p->role, "\"\\") ? p->role : "?");
        if (!rc && p->id_no && p->id_no[0]) {
            unsigned char h[32];
            crypto_generichash(h, sizeof h, (const unsigned char *)p->id_no, strlen(p->id_no),
                               NULL, 0);
            rc = zj_buf_puts(b, ",\"id_hash\":\"");
            for (int k = 0; !rc && k < 16; k++)
                rc = zj_buf_printf(b, "%02x", h[k]);
            if (!rc)
                rc = zj_buf_putc(b, '"');
        }
        if (!rc)
            rc = zj_buf_putc(b, '}');
    }
    return rc ? rc : zj_buf_puts(b, "]}");
}

int zj_work_filing_check(zj_store *s, const zj_actor *a, zj_filing_service *sv,
                         const zj_filing_case *c, bool unmask, zj_buf *json,
                         zj_filing_result *result, zj_error *err)
{
    if (!zj_actor_may(a, ZJ_PERM_FILING_CHECK, NULL))
        return zj_deny(err, a, ZJ_PERM_FILING_CHECK, NULL);
    if (unmask && !zj_actor_may(a, ZJ_PERM_UNMASK, NULL))
        return zj_deny(err, a, ZJ_PERM_UNMASK, NULL);
    zj_filing_result *r = result ? result : malloc(sizeof *r);
    if (!r)
        return zj_fail(err, ZJ_EDATA, "filing check: out of memory");
    int rc = zj_filing_service_check(sv, c, r, err);
    zj_buf d = {0};
    if (!rc && detail(c, unmask, &d))
        rc = zj_fail(err, ZJ_EDATA, "filing check: out of memory");
    if (!rc) {
        zj_audit_event e = {.action = "filing.check", .object_table = "case_party",
                            .object_id = 0, .detail = d.data};
        rc = zj_audit_append_grouped(s, a, &e, NULL, err);
    }
    if (!rc && zj_filing_result_json(c, r, unmask, json))
        rc = zj_fail(err, ZJ_EDATA, "filing check: out of memory");
    zj_buf_free(&d);
    if (!result)
        free(r);
    return rc;
}

/* ---- the process-wide index (servers) ----------------------------------------------------
 *
 * Built once, by the first caller (or zj_work_filing_prepare at a server's start) while the
 * others wait for it; afterwards refreshed in the background: the first call after max_age
 * starts a thread with its own connection to the store, which brings the index up to date
 * (filing.h: nothing, the cases, or everything) and swaps it in; every call meanwhile checks
 * against the index it has. A store with no file (in memory) is refreshed by the calling
 * thread, outside the lock. */

static pthread_mutex_t shared_lock = PTHREAD_MUTEX_INITIALIZER;   /* the fields below */
static pthread_cond_t shared_done = PTHREAD_COND_INITIALIZER;     /* a build or refresh ended */
static zj_filing_service *shared_sv;
static zj_rules *shared_rules;
static double shared_built;
static bool shared_busy;        /* a build or refresh is under way */
static char *shared_path;       /* the store the background work opens */

static double mono(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static int shared_rules_load(zj_rules **out, zj_error *err)
{
    char path[4096];
    const char *dir = getenv("ZHIJIAN_RULES");
    if (dir && dir[0])
        snprintf(path, sizeof path, "%s/detectors.yaml", dir);
    else
        snprintf(path, sizeof path, "rules/detectors.yaml");
    return access(path, R_OK) == 0 ? zj_rules_load(path, out, err) : zj_rules_defaults(out, err);
}

/* rules/linking.yaml beside detectors.yaml (the defaults when there is none). */
static zj_link_config shared_link;
static int shared_link_load(zj_error *err)
{
    char path[4096];
    const char *dir = getenv("ZHIJIAN_RULES");
    snprintf(path, sizeof path, "%s/linking.yaml", dir && dir[0] ? dir : "rules");
    zj_link_config_defaults(&shared_link);
    return access(path, R_OK) == 0 ? zj_link_config_load(path, &shared_link, err) : ZJ_OK;
}

/* Build the service from s; called with shared_busy set by this thread and the lock free. */
static int shared_open(zj_store *s, zj_error *err)
{
    int rc = shared_rules ? ZJ_OK : shared_rules_load(&shared_rules, err);
    if (!rc)
        rc = shared_link_load(err);
    zj_filing_service *sv = NULL;
    if (!rc) {
        zj_filing_options fo = {.link = &shared_link};
        rc = zj_filing_service_open(s, shared_rules, &fo, &sv, err);
    }
    const char *path = zj_store_path(s);
    char *copy = path ? strdup(path) : NULL;
    pthread_mutex_lock(&shared_lock);
    if (!rc) {
        shared_sv = sv;
        shared_built = mono();
        free(shared_path);
        shared_path = copy;
        copy = NULL;
    }
    shared_busy = false;
    pthread_cond_broadcast(&shared_done);
    pthread_mutex_unlock(&shared_lock);
    free(copy);
    return rc;
}

static void refresh_done(void)
{
    pthread_mutex_lock(&shared_lock);
    shared_built = mono();            /* a failure waits max_age too before the next try */
    shared_busy = false;
    pthread_cond_broadcast(&shared_done);
    pthread_mutex_unlock(&shared_lock);
}

/* The background refresh: its own connection, so no request's is borrowed. */
static void *refresh_main(void *arg)
{
    char *path = arg;
    zj_store *own;
    zj_error ignored = {0};           /* a failed refresh keeps the index in service */
    if (zj_store_open_existing(path, &own, &ignored) == ZJ_OK) {
        zj_filing_service_refresh(shared_sv, own, &ignored);
        zj_store_close(own);
    }
    free(path);
    refresh_done();
    return NULL;
}

static void *prepare_main(void *arg)
{
    char *path = arg;
    zj_store *own;
    zj_error err = {0};
    if (zj_store_open_existing(path, &own, &err) == ZJ_OK) {
        shared_open(own, &err);       /* a failure leaves it to the first check, which reports */
        zj_store_close(own);
    } else {
        refresh_done();
    }
    free(path);
    return NULL;
}

/* Start a detached thread on a copy of path; false when it cannot start. */
static bool start(void *(*fn)(void *), const char *path)
{
    char *copy = strdup(path);
    pthread_t t;
    pthread_attr_t at;
    if (!copy || pthread_attr_init(&at)) {
        free(copy);
        return false;
    }
    pthread_attr_setdetachstate(&at, PTHREAD_CREATE_DETACHED);
    bool ok = pthread_create(&t, &at, fn, copy) == 0;
    pthread_attr_destroy(&at);
    if (!ok)
        free(copy);
    return ok;
}

void zj_work_filing_prepare(const char *db_path)
{
    pthread_mutex_lock(&shared_lock);
    bool go = !shared_sv && !shared_busy && db_path;
    if (go)
        shared_busy = true;
    pthread_mutex_unlock(&shared_lock);
    if (go && !start(prepare_main, db_path))
        refresh_done();
}

void zj_work_filing_settle(void)
{
    pthread_mutex_lock(&shared_lock);
    while (shared_busy)
        pthread_cond_wait(&shared_done, &shared_lock);
    pthread_mutex_unlock(&shared_lock);
}

int zj_work_filing_check_shared(zj_store *s, const zj_actor *a, double max_age,
                                const zj_filing_case *c, bool unmask, zj_buf *json,
                                zj_error *err)
{
    if (!zj_actor_may(a, ZJ_PERM_FILING_CHECK, NULL))
        return zj_deny(err, a, ZJ_PERM_FILING_CHECK, NULL);
    pthread_mutex_lock(&shared_lock);
    while (!shared_sv && shared_busy)          /* the first build: wait for it */
        pthread_cond_wait(&shared_done, &shared_lock);
    if (!shared_sv) {
        shared_busy = true;
        pthread_mutex_unlock(&shared_lock);
        int rc = shared_open(s, err);
        if (rc)
            return rc;
        pthread_mutex_lock(&shared_lock);
    }
    bool refresh = !shared_busy && max_age > 0 && mono() - shared_built > max_age;
    if (refresh)
        shared_busy = true;                    /* one refresh at a time */
    bool background = refresh && shared_path && start(refresh_main, shared_path);
    zj_filing_service *sv = shared_sv;
    pthread_mutex_unlock(&shared_lock);
    if (refresh && !background) {              /* no file to open: on this connection */
        zj_error ignored = {0};
        zj_filing_service_refresh(sv, s, &ignored);
        refresh_done();
    }
    return zj_work_filing_check(s, a, sv, c, unmask, json, NULL, err);
}
