/* filing_check.c - the filing check for people: permission, audit, then the check (立案审查). */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
        rc = zj_store_begin(s, err);
        if (!rc)
            rc = zj_audit_append(s, a, &e, NULL, err);
        if (!rc)
            rc = zj_store_commit(s, err);
        else
            zj_store_rollback(s, NULL);
    }
    if (!rc && zj_filing_result_json(c, r, unmask, json))
        rc = zj_fail(err, ZJ_EDATA, "filing check: out of memory");
    zj_buf_free(&d);
    if (!result)
        free(r);
    return rc;
}
