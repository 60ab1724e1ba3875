/* h_imports.c - imports over HTTP (数据导入): POST /api/v1/imports takes one file as the body
 * and the name of a mapping in the server's mapping folder; the answer is the batch report
 * with the first rejected rows; GET /api/v1/imports/{id}/rejects pages through all of them.
 * The permission check, the import and its audit entry are the work layer's (imports.h). */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "serve/handlers.h"
#include "work/imports.h"
#include "work/read.h"

#define REPORT_REJECTS 100

/* A plain file name: [A-Za-z0-9._-] and non-ASCII letters, no leading dot, no separators. */
static bool plain_name(const char *s)
{
    if (!*s || *s == '.')
        return false;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        if (!(*p >= 0x80 || (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
              (*p >= '0' && *p <= '9') || *p == '.' || *p == '_' || *p == '-'))
            return false;
    return true;
}

static bool ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), k = strlen(suffix);
    return n >= k && strcmp(s + n - k, suffix) == 0;
}

/* Remove every "dir/" from msg (in place): the server's folders are nobody's business. */
static void strip_dir(char *msg, const char *dir)
{
    if (!dir || !*dir)
        return;
    size_t dl = strlen(dir);
    char *p;
    while ((p = strstr(msg, dir)) && p[dl] == '/')
        memmove(p, p + dl + 1, strlen(p + dl + 1) + 1);
}

typedef struct rejects_ctx {
    cJSON *items;
    int64_t skip, left;
} rejects_ctx;

static int add_reject(const zj_reject_view *r, void *ctx)
{
    rejects_ctx *k = ctx;
    if (k->skip > 0) {
        k->skip--;
        return 0;
    }
    if (k->left-- <= 0)
        return 1;
    cJSON *o = cJSON_CreateObject();
    cJSON_AddNumberToObject(o, "line", (double)r->line);
    zj_json_str(o, "field", r->field);
    zj_json_str(o, "reason", r->reason);
    zj_json_str(o, "raw", r->raw);
    cJSON_AddItemToArray(k->items, o);
    return 0;
}

/* POST /api/v1/imports?mapping=NAME&file_name=NAME&max_errors=N&dry_run=B */
void zj_h_import(zj_api_ctx *c)
{
    static const zj_field fields[] = {
        {"mapping", ZJ_FIELD_TEXT, true, 1, 100, NULL},
        {"file_name", ZJ_FIELD_TEXT, false, 1, 200, NULL},
        {"max_errors", ZJ_FIELD_INT, false, -1, 1000000000, NULL},
        {"dry_run", ZJ_FIELD_BOOL, false, 0, 0, NULL},
    };
    zj_value_in v[4];
    if (!zj_api_query(c, fields, 4, v))
        return;
    if (!plain_name(v[0].s)) {
        zj_api_error(c, 400, "invalid_field", "mapping",
                     "field 'mapping': a mapping's file name, without folders");
        return;
    }
    const char *file_name = v[1].present ? v[1].s : "upload";
    if (!plain_name(file_name)) {
        zj_api_error(c, 400, "invalid_field", "file_name",
                     "field 'file_name': a file name without folders");
        return;
    }
    if (!c->req->body_file) {
        zj_api_error(c, 400, "missing_field", "body",
                     "the request needs the file to import as its body");
        return;
    }
    char mapping[1024];
    bool has_ext = ends_with(v[0].s, ".yaml") || ends_with(v[0].s, ".yml") ||
                   ends_with(v[0].s, ".json");
    snprintf(mapping, sizeof mapping, "%s/%s%s", c->cfg->mapping_dir ? c->cfg->mapping_dir : ".",
             v[0].s, has_ext ? "" : ".mapping.yaml");
    if (access(mapping, R_OK) != 0) {
        zj_api_error(c, 400, "invalid_field", "mapping",
                     "field 'mapping': no mapping '%s' in the server's mapping folder", v[0].s);
        return;
    }
    /* Keep the file under its own name beside the store: the batch records where it came
     * from, and the raw file stays for provenance. */
    char kept[1024], stamp[32];
    time_t now = time(NULL);
    struct tm tm;
    strftime(stamp, sizeof stamp, "%Y%m%dT%H%M%S", gmtime_r(&now, &tm));
    snprintf(kept, sizeof kept, "%s/%s-%lld-%s", c->cfg->upload_dir ? c->cfg->upload_dir : ".",
             stamp, (long long)c->actor->user_id, file_name);
    if (rename(c->req->body_file, kept) != 0) {
        zj_api_error(c, 503, "unavailable", NULL, "cannot keep the upload: %s", strerror(errno));
        return;
    }
    zj_import_options opt = {
        .rejects_dir = c->cfg->upload_dir,
        .max_errors = v[2].present ? v[2].i : 1000,
        .dry_run = v[3].present && v[3].i,
    };
    zj_import_result res;
    zj_error err = {0};
    int rc = zj_work_import(c->store, c->actor, mapping, kept, &opt, &res, &err);
    if (rc || opt.dry_run || res.skipped_as)
        unlink(kept);
    strip_dir(err.msg, c->cfg->upload_dir);
    strip_dir(err.msg, c->cfg->mapping_dir);
    if (rc == ZJ_EDATA && res.aborted) {
        zj_api_error(c, 422, "import_aborted", NULL, "%s", err.msg);
        return;
    }
    if (rc) {
        zj_api_work_error(c, &err);
        return;
    }
    cJSON *o = cJSON_CreateObject();
    if (res.batch_id)
        cJSON_AddNumberToObject(o, "batch_id", (double)res.batch_id);
    else
        cJSON_AddNullToObject(o, "batch_id");
    if (res.skipped_as)
        cJSON_AddNumberToObject(o, "skipped_as", (double)res.skipped_as);
    else
        cJSON_AddNullToObject(o, "skipped_as");
    cJSON_AddBoolToObject(o, "dry_run", opt.dry_run);
    cJSON_AddNumberToObject(o, "rows_read", (double)res.rows_read);
    cJSON_AddNumberToObject(o, "inserted", (double)res.inserted);
    cJSON_AddNumberToObject(o, "updated", (double)res.updated);
    cJSON_AddNumberToObject(o, "unchanged", (double)res.unchanged);
    cJSON_AddNumberToObject(o, "rejected", (double)res.rejected);
    cJSON_AddNumberToObject(o, "seconds", res.seconds);
    rejects_ctx k = {.items = cJSON_AddArrayToObject(o, "rejects"), .left = REPORT_REJECTS};
    if (res.batch_id && res.rejected &&
        zj_read_rejects(c->store, c->actor, res.batch_id, 0, add_reject, &k, &err)) {
        cJSON_Delete(o);   /* imported, but the caller may not read rejects: say so */
        zj_api_work_error(c, &err);
        return;
    }
    zj_api_json(c, res.batch_id ? 201 : 200, o);
}

/* GET /api/v1/imports/{id}/rejects?limit&offset&unmask */
void zj_h_import_rejects(zj_api_ctx *c)
{
    static const zj_field fields[] = {
        ZJ_PAGE_FIELDS,
        {"unmask", ZJ_FIELD_BOOL, false, 0, 0, NULL},
    };
    zj_value_in v[3];
    int64_t id;
    if (!zj_api_param_id(c, 0, "id", &id) || !zj_api_query(c, fields, 3, v))
        return;
    int64_t limit = v[0].present ? v[0].i : 50, offset = v[1].present ? v[1].i : 0;
    unsigned flags = v[2].present && v[2].i ? ZJ_READ_UNMASK : 0;
    rejects_ctx k = {.items = cJSON_CreateArray(), .skip = offset, .left = limit};
    zj_error err = {0};
    if (zj_read_rejects(c->store, c->actor, id, flags, add_reject, &k, &err)) {
        cJSON_Delete(k.items);
        zj_api_work_error(c, &err);
        return;
    }
    cJSON *o = cJSON_CreateObject();
    cJSON_AddNumberToObject(o, "batch_id", (double)id);
    cJSON_AddNumberToObject(o, "limit", (double)limit);
    cJSON_AddNumberToObject(o, "offset", (double)offset);
    cJSON_AddItemToObject(o, "items", k.items);
    zj_api_json(c, 200, o);
}
