/* h_leads.c - leads (线索): the list, one lead with its evidence and workflow, its history,
 * the workflow's actions and the verification queue. Scope, masking and every permission are
 * the work layer's (read.h, workflow.h); this file maps HTTP to those calls and back. */
#include <string.h>

#include "serve/handlers.h"
#include "work/read.h"
#include "work/workflow.h"

/* ---- JSON of the work layer's views ------------------------------------------------------ */

static cJSON *lead_json(const zj_lead_view *l, bool full)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddNumberToObject(o, "id", (double)l->id);
    cJSON_AddStringToObject(o, "code", l->code ? l->code : "");
    zj_json_str(o, "detector_zh", l->title_zh);
    zj_json_str(o, "detector_en", l->title_en);
    cJSON_AddStringToObject(o, "title", l->title ? l->title : "");
    cJSON_AddNumberToObject(o, "severity", l->severity);
    cJSON_AddStringToObject(o, "status", l->status ? l->status : "");
    cJSON_AddBoolToObject(o, "current", l->current);
    zj_json_str(o, "unit_code", l->unit_code);
    zj_json_str(o, "unit_name", l->unit_name);
    cJSON_AddStringToObject(o, "subject_table", l->subject_table ? l->subject_table : "");
    cJSON_AddNumberToObject(o, "subject_id", (double)l->subject_id);
    zj_json_str(o, "subject_system", l->subject_system);
    zj_json_str(o, "first_seen_at", l->first_seen_at);
    zj_json_str(o, "last_seen_at", l->last_seen_at);
    if (full) {
        cJSON_AddStringToObject(o, "fingerprint", l->fingerprint ? l->fingerprint : "");
        zj_json_str(o, "subject_key", l->subject_key);
        cJSON_AddStringToObject(o, "explanation", l->explanation ? l->explanation : "");
        zj_json_str(o, "basis", l->basis);
        zj_json_str(o, "path", l->path);
        /* The detector's facts (事实要素) as an object, so programs need not parse prose. */
        cJSON *facts = l->facts ? cJSON_Parse(l->facts) : NULL;
        if (facts && !cJSON_IsObject(facts)) {
            cJSON_Delete(facts);
            facts = NULL;
        }
        cJSON_AddItemToObject(o, "facts", facts ? facts : cJSON_CreateObject());
    }
    return o;
}

static cJSON *evidence_json(const zj_evidence_view *e)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddNumberToObject(o, "n", e->n);
    cJSON_AddStringToObject(o, "table", e->table ? e->table : "");
    cJSON_AddNumberToObject(o, "record_id", (double)e->record_id);
    zj_json_str(o, "role", e->role);
    zj_json_str(o, "note", e->note);
    cJSON_AddBoolToObject(o, "exists", e->exists);
    if (!e->exists)
        return o;
    zj_json_str(o, "source_system", e->source_system);
    zj_json_str(o, "source_key", e->source_key);
    cJSON_AddNumberToObject(o, "batch_id", (double)e->batch_id);
    cJSON_AddNumberToObject(o, "line", (double)e->line);
    zj_json_str(o, "file", e->file);
    cJSON *fields = cJSON_AddArrayToObject(o, "fields");
    for (size_t i = 0; i < e->nfields; i++) {
        cJSON *f = cJSON_CreateObject();
        cJSON_AddStringToObject(f, "column", e->fields[i].column ? e->fields[i].column : "");
        zj_json_str(f, "label", e->fields[i].label);
        zj_json_str(f, "value", e->fields[i].value);
        cJSON_AddBoolToObject(f, "masked", e->fields[i].masked);
        cJSON_AddItemToArray(fields, f);
    }
    return o;
}

static cJSON *status_json(const zj_lead_status *s)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddNumberToObject(o, "lead_id", (double)s->lead_id);
    cJSON_AddStringToObject(o, "state", zj_lead_state_name(s->state) ? zj_lead_state_name(s->state) : "");
    cJSON_AddStringToObject(o, "state_zh", zj_lead_state_label(s->state) ? zj_lead_state_label(s->state) : "");
    zj_json_str(o, "code", s->code);
    zj_json_str(o, "title", s->title);
    cJSON_AddNumberToObject(o, "severity", s->severity);
    cJSON_AddBoolToObject(o, "current", s->current);
    zj_json_str(o, "lead_unit", s->lead_unit);
    zj_json_str(o, "unit_code", s->unit_code);
    zj_json_str(o, "assignee", s->assignee);
    zj_json_str(o, "deadline", s->deadline);
    zj_json_str(o, "rectify_deadline", s->rectify_deadline);
    zj_json_str(o, "verdict", s->verdict);
    zj_json_str(o, "verdict_reason", s->verdict_reason);
    cJSON_AddNumberToObject(o, "version", (double)s->version);
    zj_json_str(o, "updated_at", s->updated_at);
    cJSON_AddBoolToObject(o, "overdue_verification", s->overdue_verification);
    cJSON_AddBoolToObject(o, "overdue_rectification", s->overdue_rectification);
    return o;
}

static int add_lead(const zj_lead_view *l, void *ctx)
{
    cJSON_AddItemToArray(ctx, lead_json(l, false));
    return 0;
}

/* ---- GET /api/v1/leads ------------------------------------------------------------------- */

/* The filters of the lead list, shared by the list and its export. */
static const zj_field lead_filters[] = {
    {"code", ZJ_FIELD_TEXT, false, 1, 16, NULL},
    {"status", ZJ_FIELD_TEXT, false, 1, 32, NULL},
    {"unit", ZJ_FIELD_TEXT, false, 1, 64, NULL},
    {"current", ZJ_FIELD_BOOL, false, 0, 0, NULL},
    ZJ_PAGE_FIELDS,
    {"region", ZJ_FIELD_TEXT, false, 6, 6, NULL},
};
#define N_LEAD_FILTERS (sizeof lead_filters / sizeof lead_filters[0])

const zj_field *zj_lead_filters(size_t *n)
{
    *n = N_LEAD_FILTERS;
    return lead_filters;
}

void zj_lead_query_from(const zj_value_in *v, zj_lead_query *q, int64_t default_limit)
{
    memset(q, 0, sizeof *q);
    q->code = v[0].s;
    q->status = v[1].s;
    q->unit = v[2].s;
    q->current_only = v[3].present && v[3].i;
    q->limit = v[4].present ? v[4].i : default_limit;
    q->offset = v[5].present ? v[5].i : 0;
    q->region = v[6].s;
}

int zj_leads_items(zj_api_ctx *c, const zj_lead_query *q, cJSON *items, int64_t *total,
                   zj_error *err)
{
    return zj_read_leads(c->store, c->actor, q, add_lead, items, total, err);
}

void zj_h_leads(zj_api_ctx *c)
{
    zj_value_in v[N_LEAD_FILTERS];
    if (!zj_api_query(c, lead_filters, N_LEAD_FILTERS, v))
        return;
    zj_lead_query q;
    zj_lead_query_from(v, &q, 50);
    cJSON *items = cJSON_CreateArray();
    int64_t total = 0;
    zj_error err = {0};
    if (zj_leads_items(c, &q, items, &total, &err)) {
        cJSON_Delete(items);
        zj_api_work_error(c, &err);
        return;
    }
    cJSON *root = cJSON_CreateObject();
    cJSON_AddNumberToObject(root, "total", (double)total);
    cJSON_AddNumberToObject(root, "limit", (double)q.limit);
    cJSON_AddNumberToObject(root, "offset", (double)q.offset);
    cJSON_AddItemToObject(root, "items", items);
    zj_api_json(c, 200, root);
}

/* ---- GET /api/v1/leads/{id} -------------------------------------------------------------- */

typedef struct show_ctx {
    cJSON *lead, *evidence;
} show_ctx;

static int show_lead(const zj_lead_view *l, void *ctx)
{
    show_ctx *s = ctx;
    if (!s->lead)
        s->lead = lead_json(l, true);
    return 0;
}

static int show_evidence(const zj_evidence_view *e, void *ctx)
{
    show_ctx *s = ctx;
    cJSON_AddItemToArray(s->evidence, evidence_json(e));
    return 0;
}

static int show_status(const zj_lead_status *st, void *ctx)
{
    cJSON **out = ctx;
    if (!*out)
        *out = status_json(st);
    return 0;
}

void zj_h_lead(zj_api_ctx *c)
{
    static const zj_field fields[] = {{"unmask", ZJ_FIELD_BOOL, false, 0, 0, NULL}};
    zj_value_in v[1];
    int64_t id;
    if (!zj_api_param_id(c, 0, "id", &id) || !zj_api_query(c, fields, 1, v))
        return;
    show_ctx s = {.evidence = cJSON_CreateArray()};
    cJSON *workflow = NULL;
    zj_error err = {0};
    unsigned flags = v[0].present && v[0].i ? ZJ_READ_UNMASK : 0;
    int rc = zj_read_lead(c->store, c->actor, id, flags, show_lead, show_evidence, &s, &err);
    if (!rc)
        rc = zj_lead_status_get(c->store, c->actor, id, NULL, show_status, &workflow, &err);
    if (rc || !s.lead) {
        cJSON_Delete(s.lead);
        cJSON_Delete(s.evidence);
        cJSON_Delete(workflow);
        if (rc)
            zj_api_work_error(c, &err);
        else
            zj_api_error(c, 404, "not_found", "id", "no lead %lld", (long long)id);
        return;
    }
    cJSON *root = cJSON_CreateObject();
    cJSON_AddItemToObject(root, "lead", s.lead);
    cJSON_AddItemToObject(root, "evidence", s.evidence);
    cJSON_AddItemToObject(root, "workflow", workflow ? workflow : cJSON_CreateNull());
    cJSON_AddBoolToObject(root, "unmasked", flags != 0);
    zj_api_json(c, 200, root);
}

/* ---- GET /api/v1/leads/{id}/history ------------------------------------------------------ */

static int add_event(const zj_lead_event *e, void *ctx)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddNumberToObject(o, "seq", (double)e->seq);
    zj_json_str(o, "action", e->action);
    zj_json_str(o, "from_state", e->from_state);
    zj_json_str(o, "to_state", e->to_state);
    zj_json_str(o, "username", e->username);
    zj_json_str(o, "role", e->role);
    zj_json_str(o, "at", e->at);
    zj_json_str(o, "unit_code", e->unit_code);
    zj_json_str(o, "assignee", e->assignee);
    zj_json_str(o, "deadline", e->deadline);
    zj_json_str(o, "reason", e->reason);
    zj_json_str(o, "comment", e->comment);
    zj_json_str(o, "file_name", e->file_name);
    zj_json_str(o, "sha256", e->sha256);
    if (e->file_name)
        cJSON_AddNumberToObject(o, "file_size", (double)e->file_size);
    cJSON_AddNumberToObject(o, "audit_id", (double)e->audit_id);
    cJSON_AddItemToArray(ctx, o);
    return 0;
}

void zj_h_lead_history(zj_api_ctx *c)
{
    int64_t id;
    if (!zj_api_param_id(c, 0, "id", &id) || !zj_api_query(c, NULL, 0, NULL))
        return;
    cJSON *items = cJSON_CreateArray();
    zj_error err = {0};
    if (zj_lead_history_each(c->store, c->actor, id, add_event, items, &err)) {
        cJSON_Delete(items);
        zj_api_work_error(c, &err);
        return;
    }
    cJSON *root = cJSON_CreateObject();
    cJSON_AddNumberToObject(root, "lead_id", (double)id);
    cJSON_AddItemToObject(root, "items", items);
    zj_api_json(c, 200, root);
}

/* ---- POST /api/v1/leads/{id}/actions ----------------------------------------------------- */

static const char *const verbs[] = {"assign", "start", "confirm", "dismiss", "rectify",
                                    "close", "reopen", "comment", NULL};

void zj_h_lead_action(zj_api_ctx *c)
{
    static const zj_field fields[] = {
        {"action", ZJ_FIELD_ENUM, true, 0, 0, verbs},
        {"unit_code", ZJ_FIELD_TEXT, false, 1, 64, NULL},
        {"assignee", ZJ_FIELD_TEXT, false, 1, 63, NULL},
        {"deadline", ZJ_FIELD_DATE, false, 0, 0, NULL},
        {"reason", ZJ_FIELD_NOTE, false, 1, 2000, NULL},
        {"comment", ZJ_FIELD_NOTE, false, 1, 4000, NULL},
        {"if_version", ZJ_FIELD_INT, false, 0, 1000000000, NULL},
    };
    zj_value_in v[7];
    cJSON *json = NULL;
    int64_t id;
    if (!zj_api_param_id(c, 0, "id", &id) || !zj_api_query(c, NULL, 0, NULL) ||
        !zj_api_body(c, fields, 7, &json, v))
        return;
    zj_lead_request r = {
        .verb = (zj_lead_verb)zj_lead_verb_parse(v[0].s),
        .lead_id = id,
        .unit_code = v[1].s,
        .assignee = v[2].s,
        .deadline = v[3].s,
        .reason = v[4].s,
        .comment = v[5].s,
        .if_version = v[6].present ? v[6].i : 0,
    };
    zj_lead_outcome out = {0};
    zj_error err = {0};
    int rc = (int)r.verb < 0 ? zj_fail(&err, ZJ_EUSAGE, "field 'action': unknown")
                              : zj_lead_act(c->store, c->actor, &r, &out, &err);
    cJSON_Delete(json);
    if (rc) {
        zj_api_work_error(c, &err);
        return;
    }
    cJSON *o = cJSON_CreateObject();
    cJSON_AddNumberToObject(o, "lead_id", (double)id);
    cJSON_AddStringToObject(o, "action", zj_lead_verb_name(r.verb));
    cJSON_AddStringToObject(o, "from_state", zj_lead_state_name(out.from));
    cJSON_AddStringToObject(o, "to_state", zj_lead_state_name(out.to));
    cJSON_AddNumberToObject(o, "seq", (double)out.seq);
    cJSON_AddNumberToObject(o, "action_id", (double)out.action_id);
    cJSON_AddStringToObject(o, "state_hash", out.state_hash);
    zj_api_json(c, 201, o);
}

/* ---- POST /api/v1/leads/{id}/attachments ------------------------------------------------ */

/* The body is the file; stored once by content beside the store (workflow.c). */
void zj_h_lead_attach(zj_api_ctx *c)
{
    static const zj_field fields[] = {{"file_name", ZJ_FIELD_TEXT, true, 1, 200, NULL}};
    zj_value_in v[1];
    int64_t id;
    if (!zj_api_param_id(c, 0, "id", &id) || !zj_api_query(c, fields, 1, v))
        return;
    if (strchr(v[0].s, '/') || strchr(v[0].s, '\\')) {
        zj_api_error(c, 400, "invalid_field", "file_name",
                     "field 'file_name': a file name without folders");
        return;
    }
    if (!c->req->body_file) {
        zj_api_error(c, 400, "missing_field", "body", "the request needs the file as its body");
        return;
    }
    char dir[4096];
    zj_error err = {0};
    zj_lead_outcome out = {0};
    zj_lead_request r = {.verb = ZJ_LEAD_ATTACH, .lead_id = id, .file_path = c->req->body_file,
                         .file_name = v[0].s, .attach_dir = dir};
    int rc = zj_attachment_dir(c->cfg->db_path, dir, sizeof dir, &err);
    if (!rc)
        rc = zj_lead_act(c->store, c->actor, &r, &out, &err);
    if (rc) {
        zj_api_work_error(c, &err);
        return;
    }
    cJSON *o = cJSON_CreateObject();
    cJSON_AddNumberToObject(o, "lead_id", (double)id);
    cJSON_AddNumberToObject(o, "seq", (double)out.seq);
    cJSON_AddNumberToObject(o, "action_id", (double)out.action_id);
    cJSON_AddStringToObject(o, "sha256", out.sha256);
    zj_api_json(c, 201, o);
}

/* ---- GET /api/v1/lead-queue -------------------------------------------------------------- */

static const char *const states[] = {"new", "assigned", "verifying", "confirmed", "dismissed",
                                     "rectification", "closed", NULL};

typedef struct queue_ctx {
    cJSON *items;
    int64_t skip;
} queue_ctx;

static int add_status(const zj_lead_status *s, void *ctx)
{
    queue_ctx *q = ctx;
    if (q->skip > 0) {
        q->skip--;
        return 0;
    }
    cJSON_AddItemToArray(q->items, status_json(s));
    return 0;
}

void zj_h_lead_queue(zj_api_ctx *c)
{
    static const zj_field fields[] = {
        {"state", ZJ_FIELD_ENUM, false, 0, 0, states},
        {"assignee", ZJ_FIELD_TEXT, false, 1, 63, NULL},
        {"unit", ZJ_FIELD_TEXT, false, 1, 64, NULL},
        {"overdue", ZJ_FIELD_BOOL, false, 0, 0, NULL},
        {"worked", ZJ_FIELD_BOOL, false, 0, 0, NULL},
        ZJ_PAGE_FIELDS,
        {"code", ZJ_FIELD_TEXT, false, 1, 16, NULL},
        {"lead_unit", ZJ_FIELD_TEXT, false, 1, 64, NULL},
        {"severity", ZJ_FIELD_INT, false, 1, 4, NULL},
        {"q", ZJ_FIELD_TEXT, false, 1, 100, NULL},
    };
    zj_value_in v[11];
    if (!zj_api_query(c, fields, 11, v))
        return;
    int64_t limit = v[5].present ? v[5].i : 50, offset = v[6].present ? v[6].i : 0;
    zj_lead_queue_filter f = {
        .state = v[0].present ? zj_lead_state_parse(v[0].s) : -1,
        .assignee = v[1].s,
        .unit_code = v[2].s,
        .overdue_only = v[3].present && v[3].i,
        .worked_only = v[4].present && v[4].i,
        .code = v[7].s,
        .lead_unit = v[8].s,
        .min_severity = v[9].present ? (int)v[9].i : 0,
        .text = v[10].s,
        .limit = limit + offset,
    };
    queue_ctx q = {.items = cJSON_CreateArray(), .skip = offset};
    zj_error err = {0};
    if (zj_lead_queue_each(c->store, c->actor, &f, add_status, &q, &err)) {
        cJSON_Delete(q.items);
        zj_api_work_error(c, &err);
        return;
    }
    cJSON *root = cJSON_CreateObject();
    cJSON_AddNumberToObject(root, "limit", (double)limit);
    cJSON_AddNumberToObject(root, "offset", (double)offset);
    cJSON_AddItemToObject(root, "items", q.items);
    zj_api_json(c, 200, root);
}
