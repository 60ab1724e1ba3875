/* h_sentence.c - sentence-change cases handled online (减刑假释暂予监外执行网上办案): take a
 * case's next step, read a case and its steps. The order, who may take each step and what it
 * writes are work/sentence.c's. */
#include <string.h>

#include "serve/handlers.h"
#include "work/sentence.h"

static const char *const steps[] = {"application", "review", "notice", "opinion", "ruling",
                                    "decision", NULL};
static const char *const outcomes[] = {"approved", "rejected", "agree", "disagree", "granted",
                                       "refused", NULL};
static const char *const types[] = {"reduction", "parole", "medical_parole", NULL};
static const char *const reasons[] = {"repentance", "merit", "major_merit", "illness", NULL};
static const char *const categories[] = {"ordinary", "duty", "financial", "organized",
                                         "state_security", "terrorism", "drug", "violent", NULL};

/* POST /api/v1/sentence-changes/{no}/steps */
void zj_h_sc_step(zj_api_ctx *c)
{
    static const zj_field fields[] = {
        {"step", ZJ_FIELD_ENUM, true, 0, 0, steps},
        {"outcome", ZJ_FIELD_ENUM, false, 0, 0, outcomes},
        {"note", ZJ_FIELD_NOTE, false, 1, 4000, NULL},
        {"court_case_no", ZJ_FIELD_TEXT, false, 1, 120, NULL},
        {"reduction_months", ZJ_FIELD_INT, false, 1, 300, NULL},
        {"prisoner_no", ZJ_FIELD_TEXT, false, 1, 60, NULL},
        {"prisoner_name", ZJ_FIELD_TEXT, false, 1, 200, NULL},
        {"prisoner_id_no", ZJ_FIELD_TEXT, false, 1, 30, NULL},
        {"prison_unit_code", ZJ_FIELD_TEXT, false, 1, 30, NULL},
        {"original_case_no", ZJ_FIELD_TEXT, false, 1, 120, NULL},
        {"crime", ZJ_FIELD_TEXT, false, 1, 200, NULL},
        {"crime_category", ZJ_FIELD_ENUM, false, 0, 0, categories},
        {"change_type", ZJ_FIELD_ENUM, false, 0, 0, types},
        {"reason", ZJ_FIELD_ENUM, false, 0, 0, reasons},
        {"sentence_start_date", ZJ_FIELD_DATE, false, 0, 0, NULL},
        {"prev_reduction_date", ZJ_FIELD_DATE, false, 0, 0, NULL},
        {"sentence_months", ZJ_FIELD_INT, false, 1, 300, NULL},
        {"recidivist", ZJ_FIELD_BOOL, false, 0, 0, NULL},
    };
    enum { NF = sizeof fields / sizeof fields[0] };
    zj_value_in v[NF];
    cJSON *json = NULL;
    const char *no = c->nparams ? c->params[0] : "";
    if (!zj_api_query(c, NULL, 0, NULL) || !zj_api_body(c, fields, NF, &json, v))
        return;
    zj_sc_request r = {
        .step = (zj_sc_step)zj_sc_step_parse(v[0].s), .change_no = no, .outcome = v[1].s,
        .note = v[2].s, .court_case_no = v[3].s,
        .reduction_months = v[4].present ? (int)v[4].i : 0, .prisoner_no = v[5].s,
        .prisoner_name = v[6].s, .prisoner_id_no = v[7].s, .prison_unit_code = v[8].s,
        .original_case_no = v[9].s, .crime = v[10].s, .crime_category = v[11].s,
        .change_type = v[12].s, .reason = v[13].s, .sentence_start_date = v[14].s,
        .prev_reduction_date = v[15].s, .sentence_months = v[16].present ? (int)v[16].i : 0,
        .recidivist = v[17].present && v[17].i,
    };
    zj_sc_outcome out = {0};
    zj_error err = {0};
    int rc, attempt = 0;
    do {
        memset(&err, 0, sizeof err);
        rc = zj_sc_act(c->store, c->actor, &r, &out, &err);
    } while (rc && zj_api_retry_busy(&err, &attempt));
    cJSON_Delete(json);
    if (rc) {
        zj_api_work_error(c, &err);
        return;
    }
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "change_no", no);
    cJSON_AddStringToObject(o, "step", zj_sc_step_name(r.step));
    cJSON_AddNumberToObject(o, "seq", (double)out.seq);
    if (out.next >= 0)
        cJSON_AddStringToObject(o, "next", zj_sc_step_name((zj_sc_step)out.next));
    else
        cJSON_AddNullToObject(o, "next");
    cJSON_AddStringToObject(o, "state_hash", out.state_hash);
    zj_api_json(c, 201, o);
}

static int case_json(const zj_sc_case *k, void *ctx)
{
    cJSON *o = ctx;
    zj_json_str(o, "change_no", k->change_no);
    zj_json_str(o, "change_type", k->change_type);
    zj_json_str(o, "prison_unit_code", k->prison_unit_code);
    zj_json_str(o, "decision", k->decision);
    zj_json_str(o, "source_system", k->source_system);
    if (k->next >= 0)
        cJSON_AddStringToObject(o, "next", zj_sc_step_name((zj_sc_step)k->next));
    else
        cJSON_AddNullToObject(o, "next");
    cJSON_AddItemToObject(o, "steps", cJSON_CreateArray());
    return 0;
}

static int step_json(const zj_sc_step_row *w, void *ctx)
{
    cJSON *s = cJSON_CreateObject();
    cJSON_AddNumberToObject(s, "seq", (double)w->seq);
    cJSON_AddStringToObject(s, "step", zj_sc_step_name(w->step));
    cJSON_AddBoolToObject(s, "imported", w->imported);
    zj_json_str(s, "outcome", w->outcome);
    zj_json_str(s, "at", w->at);
    zj_json_str(s, "user", w->username);
    zj_json_str(s, "role", w->role);
    zj_json_str(s, "unit_code", w->unit_code);
    zj_json_str(s, "source_system", w->imported ? w->source_system : NULL);
    zj_json_str(s, "state_hash", w->state_hash);
    zj_json_str(s, "note", w->note);
    cJSON_AddItemToArray(cJSON_GetObjectItem((cJSON *)ctx, "steps"), s);
    return 0;
}

/* GET /api/v1/sentence-changes/{no} */
void zj_h_sc_case(zj_api_ctx *c)
{
    if (!zj_api_query(c, NULL, 0, NULL))
        return;
    cJSON *o = cJSON_CreateObject();
    zj_error err = {0};
    if (zj_sc_history_each(c->store, c->actor, c->nparams ? c->params[0] : "", case_json,
                           step_json, o, &err)) {
        cJSON_Delete(o);
        zj_api_work_error(c, &err);
        return;
    }
    zj_api_json(c, 200, o);
}
