/* imports.c - an import checked against the actor's rights and recorded in the audit trail. */
#include "work/imports.h"

#include <cjson/cJSON.h>
#include <string.h>

#include "ingest/mapping.h"
#include "work/audit.h"
#include "work/policy.h"

static int audit_batch(zj_store *s, const zj_actor *a, const char *mapping_path,
                       const char *file, const zj_import_result *res, zj_error *err)
{
    cJSON *d = cJSON_CreateObject();
    cJSON_AddStringToObject(d, "file", file);
    cJSON_AddStringToObject(d, "mapping", mapping_path);
    cJSON_AddNumberToObject(d, "rows_read", (double)res->rows_read);
    cJSON_AddNumberToObject(d, "inserted", (double)res->inserted);
    cJSON_AddNumberToObject(d, "updated", (double)res->updated);
    cJSON_AddNumberToObject(d, "rejected", (double)res->rejected);
    if (res->skipped_as)
        cJSON_AddNumberToObject(d, "skipped_as", (double)res->skipped_as);
    char *detail = cJSON_PrintUnformatted(d);
    cJSON_Delete(d);
    if (!detail)
        return zj_fail(err, ZJ_EDATA, "out of memory");
    zj_audit_event e = {.action = "import.batch", .object_table = "import_batch",
                        .object_id = res->batch_id ? res->batch_id : res->skipped_as,
                        .detail = detail};
    int rc = zj_store_begin(s, err);
    if (!rc)
        rc = zj_audit_append(s, a, &e, NULL, err);
    if (!rc)
        rc = zj_store_commit(s, err);
    else
        zj_store_rollback(s, NULL);
    cJSON_free(detail);
    return rc;
}

int zj_work_import(zj_store *s, const zj_actor *a, const char *mapping_path, const char *file,
                   const zj_import_options *opt, zj_import_result *res, zj_error *err)
{
    memset(res, 0, sizeof *res);
    if (!zj_actor_may(a, ZJ_PERM_IMPORT, NULL))
        return zj_deny(err, a, ZJ_PERM_IMPORT, NULL);
    zj_mapping *m = NULL;
    int rc = zj_mapping_load(mapping_path, &m, err);
    if (rc)
        return rc;
    rc = zj_import_file(s, m, file, opt, res, err);
    zj_mapping_free(m);
    if (rc || (opt && opt->dry_run))
        return rc;
    return audit_batch(s, a, mapping_path, file, res, err);
}
