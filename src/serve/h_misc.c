/* h_misc.c - entities (person and enterprise views, masked by role), the audit trail's
 * verification status, and filing checks (立案审查). */
#include <string.h>

#include "serve/handlers.h"
#include "work/filing_check.h"
#include "work/read.h"
#include "work/verify.h"

static int add_mention(const zj_mention_view *m, void *ctx)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddNumberToObject(o, "mention_id", (double)m->mention_id);
    zj_json_str(o, "kind", m->kind);
    zj_json_str(o, "table", m->table);
    cJSON_AddNumberToObject(o, "record_id", (double)m->record_id);
    zj_json_str(o, "role", m->role);
    zj_json_str(o, "name", m->name);
    zj_json_str(o, "id_no", m->id_no);
    zj_json_str(o, "id_status", m->id_status);
    cJSON_AddItemToArray(ctx, o);
    return 0;
}

/* GET /api/v1/entities/{id}?unmask=: every record an entity appears in. */
void zj_h_entity(zj_api_ctx *c)
{
    static const zj_field fields[] = {{"unmask", ZJ_FIELD_BOOL, false, 0, 0, NULL}};
    zj_value_in v[1];
    int64_t id;
    if (!zj_api_param_id(c, 0, "id", &id) || !zj_api_query(c, fields, 1, v))
        return;
    unsigned flags = v[0].present && v[0].i ? ZJ_READ_UNMASK : 0;
    cJSON *items = cJSON_CreateArray();
    zj_error err = {0};
    if (zj_read_entity(c->store, c->actor, id, flags, add_mention, items, &err)) {
        cJSON_Delete(items);
        zj_api_work_error(c, &err);
        return;
    }
    cJSON *root = cJSON_CreateObject();
    cJSON_AddNumberToObject(root, "entity_id", (double)id);
    cJSON_AddBoolToObject(root, "unmasked", flags != 0);
    cJSON_AddItemToObject(root, "mentions", items);
    zj_api_json(c, 200, root);
}

/* GET /api/v1/audit/status: verify the whole trail now (audit.read). */
void zj_h_audit_status(zj_api_ctx *c)
{
    if (!zj_api_query(c, NULL, 0, NULL))
        return;
    zj_audit_report rep = {0};
    zj_error err = {0};
    if (zj_work_audit_verify(c->store, c->actor, &rep, &err)) {
        zj_api_work_error(c, &err);
        return;
    }
    cJSON *o = cJSON_CreateObject();
    cJSON_AddBoolToObject(o, "ok", rep.ok);
    cJSON_AddNumberToObject(o, "entries", (double)rep.entries);
    cJSON_AddNumberToObject(o, "checkpoints", (double)rep.checkpoints);
    if (rep.ok) {
        cJSON_AddNullToObject(o, "first_bad");
        cJSON_AddNullToObject(o, "kind");
    } else {
        cJSON_AddNumberToObject(o, "first_bad", (double)rep.first_bad);
        cJSON_AddStringToObject(o, "kind", rep.kind);
    }
    cJSON_AddStringToObject(o, "message", rep.message);
    cJSON_AddNumberToObject(o, "seconds", rep.seconds);
    zj_api_json(c, 200, o);
}

/* POST /api/v1/filing-checks: the check of a new case (立案审查); the body is the proposed
 * case (docs/filing.md), the answer its identities, histories and FL01-FL04 prompts;
 * ?unmask=true for personal data in full (permission, audited). The index is rebuilt at most
 * every 5 minutes, so new imports show up. */
void zj_h_filing_check(zj_api_ctx *c)
{
    static const zj_field fields[] = {{"unmask", ZJ_FIELD_BOOL, false, 0, 0, NULL}};
    zj_value_in v[1];
    if (!zj_api_query(c, fields, 1, v))
        return;
    if (!c->req->body || !c->req->body_len) {
        zj_api_error(c, 400, "invalid", "parties", "a JSON body with the proposed case is needed");
        return;
    }
    zj_filing_input in;
    zj_error err = {0};
    if (zj_filing_input_parse(c->req->body, c->req->body_len, &in, &err)) {
        zj_filing_input_free(&in);
        zj_api_error(c, 400, "invalid", err.field[0] ? err.field : NULL, "%s", err.msg);
        return;
    }
    zj_buf out = {0};
    if (zj_work_filing_check_shared(c->store, c->actor, 300, &in.c, v[0].present && v[0].i,
                                    &out, &err))
        zj_api_work_error(c, &err);
    else
        zj_api_json_text(c, 200, &out);
    zj_buf_free(&out);
    zj_filing_input_free(&in);
}
