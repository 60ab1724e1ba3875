/* audit_track.c - recording the commits of runs done below the work layer (import batches,
 * link and detect runs) in the audit trail, through a store commit hook (zj_audit_track).
 */
#include "work/audit_internal.h"

#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>

typedef struct audit_track {
    zj_actor actor;
    char *username, *unit_code, *officer_no, *action, *object_table, *detail;
    int64_t commits;
    int64_t last_batch;
} audit_track;

static void track_free(void *ctx)
{
    audit_track *t = ctx;
    if (!t)
        return;
    free(t->username);
    free(t->unit_code);
    free(t->officer_no);
    free(t->action);
    free(t->object_table);
    free(t->detail);
    free(t);
}

/* The newest batch, with its description as a JSON object (malloc'ed). */
typedef struct newest {
    int64_t id;
    bool committed;
    char *detail;
} newest;

static int newest_batch(const zj_batch *b, void *ctx)
{
    newest *n = ctx;
    n->id = b->id;
    n->committed = b->status && !strcmp(b->status, "committed");
    cJSON *j = cJSON_CreateObject();
    cJSON_AddStringToObject(j, "source_system", b->source_system);
    cJSON_AddStringToObject(j, "table", b->table);
    cJSON_AddStringToObject(j, "file", b->file);
    cJSON_AddStringToObject(j, "file_digest", b->file_digest);
    if (b->mapping)
        cJSON_AddStringToObject(j, "mapping", b->mapping);
    if (b->mapping_digest)
        cJSON_AddStringToObject(j, "mapping_digest", b->mapping_digest);
    cJSON_AddNumberToObject(j, "rows_read", (double)b->rows_read);
    cJSON_AddNumberToObject(j, "inserted", (double)b->inserted);
    cJSON_AddNumberToObject(j, "updated", (double)b->updated);
    cJSON_AddNumberToObject(j, "unchanged", (double)b->unchanged);
    cJSON_AddNumberToObject(j, "rejected", (double)b->rejected);
    n->detail = cJSON_PrintUnformatted(j);
    cJSON_Delete(j);
    return 1;
}

static int track_commit(zj_store *s, void *ctx, zj_error *err)
{
    audit_track *t = ctx;
    zj_audit_event e = {.action = t->action, .object_table = t->object_table};
    char *detail = NULL;
    int rc = ZJ_OK;
    if (!strcmp(t->action, "import.batch")) {
        newest b = {0};
        rc = zj_store_recent_batches(s, 1, newest_batch, &b, err);
        detail = b.detail;
        if (rc || !b.id || b.id == t->last_batch || !b.committed) {
            free(detail);
            return rc;   /* not a batch's commit */
        }
        t->last_batch = b.id;
        e.object_id = b.id;
        e.detail = detail;
        if (!detail)
            return zj_fail(err, ZJ_EDATA, "out of memory");
    } else {
        t->commits++;
        cJSON *j = t->detail ? cJSON_Parse(t->detail) : cJSON_CreateObject();
        if (!cJSON_IsObject(j)) {
            cJSON_Delete(j);
            j = cJSON_CreateObject();
        }
        cJSON_AddNumberToObject(j, "commit", (double)t->commits);
        detail = cJSON_PrintUnformatted(j);
        cJSON_Delete(j);
        if (!detail)
            return zj_fail(err, ZJ_EDATA, "out of memory");
        e.detail = detail;
    }
    rc = zj_audit_append(s, &t->actor, &e, NULL, err);
    free(detail);
    return rc;
}

static char *dup_or_null(const char *s, bool *oom)
{
    if (!s)
        return NULL;
    char *d = strdup(s);
    if (!d)
        *oom = true;
    return d;
}

int zj_audit_track(zj_store *s, const zj_actor *actor, const char *action,
                   const char *object_table, const char *detail, zj_error *err)
{
    zj_audit_event probe = {.action = action, .detail = detail};
    int rc = audit_validate(actor, &probe, err);
    if (rc)
        return rc;
    audit_track *t = calloc(1, sizeof *t);
    if (!t)
        return zj_fail(err, ZJ_EDATA, "out of memory");
    bool oom = false;
    t->actor = *actor;
    t->actor.username = t->username = dup_or_null(actor->username, &oom);
    t->actor.unit_code = t->unit_code = dup_or_null(actor->unit_code, &oom);
    t->actor.officer_no = t->officer_no = dup_or_null(actor->officer_no, &oom);
    t->action = dup_or_null(action, &oom);
    t->object_table = dup_or_null(object_table, &oom);
    t->detail = dup_or_null(detail, &oom);
    if (oom) {
        track_free(t);
        return zj_fail(err, ZJ_EDATA, "out of memory");
    }
    static const zj_store_hook hook = {
        .name = "audit.track", .order = 0, .before_commit = track_commit, .free = track_free,
    };
    zj_store_remove_hook(s, "audit.track");
    rc = zj_store_add_hook(s, &hook, t, err);
    if (rc)
        track_free(t);
    return rc;
}
