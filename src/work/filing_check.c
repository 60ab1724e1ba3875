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

/* ---- the process-wide index (servers) ---------------------------------------------------- */

static pthread_mutex_t shared_lock = PTHREAD_MUTEX_INITIALIZER;   /* creation and rebuilds */
static zj_filing_service *shared_sv;
static zj_rules *shared_rules;
static double shared_built;

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

int zj_work_filing_check_shared(zj_store *s, const zj_actor *a, double max_age,
                                const zj_filing_case *c, bool unmask, zj_buf *json,
                                zj_error *err)
{
    int rc = ZJ_OK;
    pthread_mutex_lock(&shared_lock);
    if (!shared_sv) {
        rc = shared_rules ? ZJ_OK : shared_rules_load(&shared_rules, err);
        if (!rc)
            rc = shared_link_load(err);
        if (!rc) {
            zj_filing_options fo = {.link = &shared_link};
            rc = zj_filing_service_open(s, shared_rules, &fo, &shared_sv, err);
        }
        shared_built = mono();
    } else if (max_age > 0 && mono() - shared_built > max_age) {
        shared_built = mono();         /* one rebuild at a time; a failure keeps the old one */
        zj_error ignored = {0};
        zj_filing_service_refresh(shared_sv, s, &ignored);
    }
    zj_filing_service *sv = shared_sv;
    pthread_mutex_unlock(&shared_lock);
    if (rc)
        return rc;
    return zj_work_filing_check(s, a, sv, c, unmask, json, NULL, err);
}
