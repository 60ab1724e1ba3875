/* sentence.c - sentence-change cases handled online: the step machine, who may take each step,
 * the case's row and history (see sentence.h). */
#include "work/sentence.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "text/date.h"
#include "text/period.h"
#include "work/audit.h"
#include "work/fields.h"
#include "work/policy.h"

static const char *const step_names[ZJ_SC_STEP_COUNT] = {
    "application", "review", "notice", "opinion", "ruling", "decision"};
static const char *const step_labels[ZJ_SC_STEP_COUNT] = {
    "提请", "评审", "公示", "检察意见", "裁定", "决定"};
static const zj_sc_by step_by[ZJ_SC_STEP_COUNT] = {
    ZJ_SC_BY_PRISON, ZJ_SC_BY_PRISON, ZJ_SC_BY_PRISON, ZJ_SC_BY_PROCURATORATE, ZJ_SC_BY_COURT,
    ZJ_SC_BY_PRISON_ADMIN};

const char *zj_sc_step_name(zj_sc_step s)
{
    return (unsigned)s < ZJ_SC_STEP_COUNT ? step_names[s] : NULL;
}

const char *zj_sc_step_label(zj_sc_step s)
{
    return (unsigned)s < ZJ_SC_STEP_COUNT ? step_labels[s] : NULL;
}

int zj_sc_step_parse(const char *name)
{
    return zj_name_index(step_names, ZJ_SC_STEP_COUNT, name);
}

int zj_sc_next_step(int last, const char *change_type)
{
    if (last < 0)
        return ZJ_SC_APPLICATION;
    if (last < ZJ_SC_OPINION)
        return last + 1;
    if (last == ZJ_SC_OPINION)
        return change_type && !strcmp(change_type, "medical_parole") ? ZJ_SC_DECISION
                                                                     : ZJ_SC_RULING;
    return -1;
}

/* ---- the case as stored ------------------------------------------------------------------ */

typedef struct case_row {
    int64_t id;
    char change_no[64], change_type[24], prison[32], decision[16], source[32], key[128];
    char applied_at[20], decided_at[20];
    int last;                 /* last step taken (-1 none), from sc_step or the imported row */
    bool closed;              /* no further step: decided or rejected */
    int64_t seq;              /* steps in sc_step */
    char last_hash[65];       /* the last step's state hash ("" none) */
    char applicant[64];       /* username of the online application ("" imported) */
    char notice_at[20];       /* when the notice was posted ("" none) */
} case_row;

static void copy(char *dst, size_t cap, const char *src)
{
    snprintf(dst, cap, "%s", src ? src : "");
}

/* Load case `no`: ZJ_OK with c->id 0 when there is none. */
static int case_load(zj_store *s, const char *no, case_row *c, zj_error *err)
{
    memset(c, 0, sizeof *c);
    c->last = -1;
    zj_stmt *q;
    int rc = zj_stmt_prepare(s, "SELECT id, change_no, change_type, coalesce(prison_unit_code, ''),"
                             " coalesce(decision, ''), source_system, source_key, applied_at,"
                             " decided_at FROM sentence_change WHERE change_no = $1"
                             " ORDER BY id DESC LIMIT 1", &q, err);
    if (rc)
        return rc;
    zj_stmt_bind_text(q, 1, no, strlen(no));
    int step = zj_stmt_next(q, err);
    if (step == 1) {
        c->id = zj_stmt_int(q, 0);
        copy(c->change_no, sizeof c->change_no, zj_stmt_text(q, 1, NULL));
        copy(c->change_type, sizeof c->change_type, zj_stmt_text(q, 2, NULL));
        copy(c->prison, sizeof c->prison, zj_stmt_text(q, 3, NULL));
        copy(c->decision, sizeof c->decision, zj_stmt_text(q, 4, NULL));
        copy(c->source, sizeof c->source, zj_stmt_text(q, 5, NULL));
        copy(c->key, sizeof c->key, zj_stmt_text(q, 6, NULL));
        copy(c->applied_at, sizeof c->applied_at, zj_stmt_text(q, 7, NULL));
        copy(c->decided_at, sizeof c->decided_at, zj_stmt_text(q, 8, NULL));
    }
    zj_stmt_finalize(q);
    if (step < 0)
        return ZJ_EDATA;
    if (!c->id)
        return ZJ_OK;
    if ((rc = zj_stmt_prepare(s, "SELECT seq, step, coalesce(outcome, ''), state_hash, username, at"
                              " FROM sc_step WHERE change_id = $1 ORDER BY seq", &q, err)))
        return rc;
    zj_stmt_bind_int(q, 1, c->id);
    const char *last_outcome = "";
    char outcome[16] = "";
    while ((step = zj_stmt_next(q, err)) == 1) {
        c->seq = zj_stmt_int(q, 0);
        c->last = zj_sc_step_parse(zj_stmt_text(q, 1, NULL));
        copy(outcome, sizeof outcome, zj_stmt_text(q, 2, NULL));
        last_outcome = outcome;
        copy(c->last_hash, sizeof c->last_hash, zj_stmt_text(q, 3, NULL));
        if (c->last == ZJ_SC_APPLICATION)
            copy(c->applicant, sizeof c->applicant, zj_stmt_text(q, 4, NULL));
        if (c->last == ZJ_SC_NOTICE)
            copy(c->notice_at, sizeof c->notice_at, zj_stmt_text(q, 5, NULL));
    }
    zj_stmt_finalize(q);
    if (step < 0)
        return ZJ_EDATA;
    bool decided = !strcmp(c->decision, "granted") || !strcmp(c->decision, "refused");
    if (!c->seq && decided) {                 /* imported and decided: complete */
        c->last = !strcmp(c->change_type, "medical_parole") ? ZJ_SC_DECISION : ZJ_SC_RULING;
        c->closed = true;
    } else if (!c->seq) {                     /* imported (or entered) and pending: applied */
        c->last = ZJ_SC_APPLICATION;
    }
    if (c->last == ZJ_SC_REVIEW && !strcmp(last_outcome, "rejected"))
        c->closed = true;
    if (c->last == ZJ_SC_RULING || c->last == ZJ_SC_DECISION)
        c->closed = true;
    return ZJ_OK;
}

/* ---- who -------------------------------------------------------------------------------- */

static int check_actor(zj_store *s, const zj_actor *a, zj_sc_step st, const case_row *c,
                       const char *prison, zj_error *err)
{
    zj_unit_place mine, at;
    int rc = zj_unit_place_get(s, a->unit_code, &mine, err);
    if (!rc)
        rc = zj_unit_place_get(s, prison, &at, err);
    if (rc)
        return rc;
    zj_sc_by by = step_by[st];
    if (!zj_actor_may_sc_step(a, by, &mine, prison, &at)) {
        static const char *const whose[ZJ_SC_BY_COUNT] = {
            "of the prison %s (or a unit above it)", "of the prison administration above %s",
            "of a procuratorate in the city of the prison %s",
            "of a court in the city of the prison %s"};
        char where[160];
        snprintf(where, sizeof where, whose[by], prison);
        return zj_fail(err, ZJ_EPERM, "step '%s' (%s) of case %s needs a user with role %s %s; "
                       "user '%s' is %s of unit %s", step_names[st], step_labels[st],
                       c ? c->change_no : "(new)", zj_role_name(zj_sc_by_role(by)), where,
                       a->username ? a->username : "?", zj_role_name(a->role),
                       a->unit_code ? a->unit_code : "(province)");
    }
    if (st == ZJ_SC_REVIEW && c && c->applicant[0] && a->username &&
        !strcmp(c->applicant, a->username))
        return zj_fail(err, ZJ_EPERM, "step 'review' of case %s: user '%s' made the application "
                       "and may not review it; another member of the prison's staff reviews",
                       c->change_no, a->username);
    return ZJ_OK;
}

/* ---- fields ----------------------------------------------------------------------------- */

static int one_of(const char *field, const char *v, const char *a1, const char *a2,
                  zj_error *err)
{
    if (v && (!strcmp(v, a1) || !strcmp(v, a2)))
        return ZJ_OK;
    return zj_fail(err, ZJ_EUSAGE, "field '%s': '%s' or '%s' expected, not '%s'", field, a1, a2,
                   v ? v : "");
}

static int check_application(const zj_sc_request *r, zj_error *err)
{
    static const char *const types[] = {"reduction", "parole", "medical_parole"};
    static const char *const reasons[] = {"repentance", "merit", "major_merit", "illness"};
    static const char *const cats[] = {"ordinary", "duty", "financial", "organized",
                                       "state_security", "terrorism", "drug", "violent"};
    int rc;
    if ((rc = zj_field_text("prisoner_name", r->prisoner_name, true, 200, err)) ||
        (rc = zj_field_text("prison_unit_code", r->prison_unit_code, true, 30, err)) ||
        (rc = zj_field_text("prisoner_no", r->prisoner_no, false, 60, err)) ||
        (rc = zj_field_text("prisoner_id_no", r->prisoner_id_no, false, 30, err)) ||
        (rc = zj_field_text("original_case_no", r->original_case_no, false, 120, err)) ||
        (rc = zj_field_text("crime", r->crime, true, 200, err)) ||
        (rc = zj_field_date("sentence_start_date", r->sentence_start_date, true, err)) ||
        (rc = zj_field_date("prev_reduction_date", r->prev_reduction_date, false, err)))
        return rc;
    if (zj_name_index(types, 3, r->change_type) < 0)
        return zj_fail(err, ZJ_EUSAGE, "field 'change_type': reduction, parole or "
                       "medical_parole expected, not '%s'", r->change_type ? r->change_type : "");
    if (zj_name_index(reasons, 4, r->reason) < 0)
        return zj_fail(err, ZJ_EUSAGE, "field 'reason': repentance, merit, major_merit or illness "
                       "expected, not '%s'", r->reason ? r->reason : "");
    if (zj_name_index(cats, 8, r->crime_category) < 0)
        return zj_fail(err, ZJ_EUSAGE, "field 'crime_category': one of ordinary, duty, financial, "
                       "organized, state_security, terrorism, drug, violent expected, not '%s'",
                       r->crime_category ? r->crime_category : "");
    if (r->sentence_months <= 0 || r->sentence_months > 300)
        return zj_fail(err, ZJ_EUSAGE, "field 'sentence_months': a fixed term of 1 to 300 "
                       "months expected, not %d", r->sentence_months);
    bool red = !strcmp(r->change_type, "reduction");
    if (red && (r->reduction_months <= 0 || r->reduction_months > r->sentence_months))
        return zj_fail(err, ZJ_EUSAGE, "field 'reduction_months': the cut proposed (1 to %d "
                       "months) is required for a reduction", r->sentence_months);
    if (!red && r->reduction_months)
        return zj_fail(err, ZJ_EUSAGE, "field 'reduction_months': only a reduction has a cut");
    return ZJ_OK;
}

static int check_fields(const zj_sc_request *r, const case_row *c, zj_error *err)
{
    int rc = zj_field_text("note", r->note, false, 4000, err);
    if (rc)
        return rc;
    if (r->step != ZJ_SC_APPLICATION &&
        (r->prisoner_no || r->prisoner_name || r->prisoner_id_no || r->prison_unit_code ||
         r->original_case_no || r->crime || r->crime_category || r->change_type || r->reason ||
         r->sentence_start_date || r->prev_reduction_date || r->sentence_months || r->recidivist))
        return zj_fail(err, ZJ_EUSAGE, "step '%s': the prisoner's and the sentence's fields "
                       "belong to the application", step_names[r->step]);
    switch (r->step) {
    case ZJ_SC_APPLICATION:
        if (r->outcome || r->court_case_no)
            return zj_fail(err, ZJ_EUSAGE, "step 'application' has no outcome or case number");
        return check_application(r, err);
    case ZJ_SC_NOTICE:
        if (r->outcome || r->court_case_no || r->reduction_months)
            return zj_fail(err, ZJ_EUSAGE, "step 'notice' has no outcome, cut or case number");
        return ZJ_OK;
    case ZJ_SC_REVIEW:
    case ZJ_SC_OPINION:
        if (r->court_case_no || r->reduction_months)
            return zj_fail(err, ZJ_EUSAGE, "step '%s' has no cut or case number",
                           step_names[r->step]);
        return r->step == ZJ_SC_REVIEW ? one_of("outcome", r->outcome, "approved", "rejected", err)
                                       : one_of("outcome", r->outcome, "agree", "disagree", err);
    case ZJ_SC_RULING:
    case ZJ_SC_DECISION:
        if ((rc = one_of("outcome", r->outcome, "granted", "refused", err)) ||
            (rc = zj_field_text("court_case_no", r->court_case_no,
                                r->step == ZJ_SC_RULING && !strcmp(r->outcome, "granted"), 120,
                                err)))
            return rc;
        if (r->step == ZJ_SC_DECISION && r->court_case_no)
            return zj_fail(err, ZJ_EUSAGE, "step 'decision' is not a court's: no case number");
        bool red = !strcmp(c->change_type, "reduction");
        if (red && !strcmp(r->outcome, "granted") && r->reduction_months <= 0)
            return zj_fail(err, ZJ_EUSAGE, "field 'reduction_months': the cut granted is required "
                           "to grant a reduction");
        if ((!red || strcmp(r->outcome, "granted")) && r->reduction_months)
            return zj_fail(err, ZJ_EUSAGE, "field 'reduction_months': only a granted reduction "
                           "has a cut");
        return ZJ_OK;
    default:
        return zj_fail(err, ZJ_EUSAGE, "unknown step");
    }
}

/* The day the notice posted on `posted` ("YYYY-MM-DD ...") has run its working days: the
 * opinion may be given from the day after it. */
static long notice_end(const char *posted)
{
    int y = atoi(posted), m = atoi(posted + 5), d = atoi(posted + 8);
    long day = zj_days_from_civil(y, m, d);
    for (int n = 0; n < ZJ_SC_NOTICE_WORKDAYS;) {
        day++;
        int w = zj_weekday(day);
        if (w != 0 && w != 6)
            n++;
    }
    return day;
}

static int check_order(const zj_sc_request *r, const case_row *c, const char *now,
                       zj_error *err)
{
    if (r->step == ZJ_SC_APPLICATION) {
        if (c->id)
            return zj_fail_as(err, ZJ_ERR_CONFLICT,
                              "case %s exists already (from %s); continue it with "
                              "its next step", c->change_no, c->source);
        return ZJ_OK;
    }
    if (!c->id)
        return zj_fail_as(err, ZJ_ERR_NOT_FOUND,
                          "no sentence-change case %s; a case starts with its "
                          "application", r->change_no);
    int next = c->closed ? -1 : zj_sc_next_step(c->last, c->change_type);
    if (next < 0)
        return zj_fail_as(err, ZJ_ERR_CONFLICT,
                          "case %s is complete (last step '%s'%s%s): no step '%s'",
                          c->change_no, step_names[c->last], c->decision[0] ? ", " : "",
                          c->decision, step_names[r->step]);
    if ((int)r->step != next)
        return zj_fail_as(err, ZJ_ERR_CONFLICT,
                          "case %s is at step '%s' (%s): the next step is '%s' "
                          "(%s), not '%s'", c->change_no, step_names[c->last], step_labels[c->last],
                          step_names[next], step_labels[next], step_names[r->step]);
    if (r->step == ZJ_SC_OPINION && c->notice_at[0]) {
        long end = notice_end(c->notice_at);
        int y = atoi(now), m = atoi(now + 5), d = atoi(now + 8);
        if (zj_days_from_civil(y, m, d) <= end) {
            int ey, em, ed;
            zj_civil_from_days(end, &ey, &em, &ed);
            return zj_fail_as(err, ZJ_ERR_CONFLICT,
                              "case %s: the notice posted %.10s runs %d working days, "
                              "until %04d-%02d-%02d; the procuratorate's opinion comes after it",
                              c->change_no, c->notice_at, ZJ_SC_NOTICE_WORKDAYS, ey, em, ed);
        }
    }
    return ZJ_OK;
}

/* ---- writing ---------------------------------------------------------------------------- */

static zj_value tv(const char *s)
{
    zj_value v = {0};
    if (!s || !*s)
        v.is_null = true;
    else {
        v.text = s;
        v.len = strlen(s);
    }
    return v;
}

static zj_value iv(int64_t i, bool null)
{
    zj_value v = {0};
    v.is_null = null;
    v.i = i;
    return v;
}

/* Write `n` columns of the case's row (insert or new version) in a batch of its own. */
static int put_row(zj_store *s, const zj_actor *a, const char *system, const char *key,
                   const char *const *cols, const zj_value *v, size_t n, bool insert,
                   const char *now, int64_t *id, zj_error *err)
{
    const char *parts[32];
    char num[32][24];
    for (size_t i = 0; i < n; i++) {
        if (v[i].is_null)
            parts[i] = "\x1e";
        else if (v[i].text)
            parts[i] = v[i].text;
        else {
            snprintf(num[i], sizeof num[i], "%lld", (long long)v[i].i);
            parts[i] = num[i];
        }
    }
    char digest[65], file[200];
    zj_sha256_fields(parts, n, digest);
    char h16[17];
    memcpy(h16, digest, 16);
    h16[16] = 0;
    int64_t content = (int64_t)strtoull(h16, NULL, 16);   /* the row's content hash */
    snprintf(file, sizeof file, "sentence-change step in zhijian by %s (user %lld, session %lld)",
             a->username ? a->username : "?", (long long)a->user_id, (long long)a->session_id);
    zj_batch b = {.source_system = system, .table = "sentence_change", .file = file,
                  .file_digest = digest, .started_at = now, .status = "running"};
    int64_t batch;
    int rc = zj_store_batch_start(s, &b, &batch, err);
    if (rc)
        return rc;
    zj_writer *w;
    if ((rc = zj_writer_open(s, "sentence_change", cols, n, system, batch, insert ? 1 : 0, &w,
                             err)))
        return rc;
    zj_put_result put;
    rc = zj_writer_put(w, key, strlen(key), 1, content, v, &put, err);
    if (!rc && insert && put != ZJ_PUT_INSERTED)
        rc = zj_fail(err, ZJ_EDATA, "case %s exists already", key);
    *id = rc ? 0 : zj_writer_last_id(w);
    if (!rc)
        rc = zj_writer_finish(w, err);
    zj_writer_close(w);
    int64_t rebuilt;
    if (!rc)
        rc = zj_store_build_indexes_on(s, "sentence_change", &rebuilt, err);
    if (rc)
        return rc;
    b.id = batch;
    b.finished_at = now;
    b.status = "committed";
    b.rows_read = 1;
    b.inserted = put == ZJ_PUT_INSERTED;
    b.updated = put == ZJ_PUT_UPDATED;
    b.unchanged = put == ZJ_PUT_UNCHANGED;
    return zj_store_batch_finish(s, &b, err);
}

static int write_application(zj_store *s, const zj_actor *a, const zj_sc_request *r,
                             const char *now, int64_t *id, zj_error *err)
{
    static const char *const cols[] = {
        "change_no", "prisoner_no", "prisoner_name", "prisoner_id_no", "prison_unit_code",
        "original_case_no", "crime", "crime_category", "recidivist", "sentence_kind",
        "original_sentence_months", "sentence_months", "sentence_start_date", "change_type",
        "reduction_months", "reason", "applied_at", "decision", "prev_reduction_date"};
    bool red = !strcmp(r->change_type, "reduction");
    zj_value v[] = {tv(r->change_no), tv(r->prisoner_no), tv(r->prisoner_name),
                    tv(r->prisoner_id_no), tv(r->prison_unit_code), tv(r->original_case_no),
                    tv(r->crime), tv(r->crime_category), iv(r->recidivist, false), tv("fixed"),
                    iv(r->sentence_months, false), iv(r->sentence_months, false),
                    tv(r->sentence_start_date), tv(r->change_type),
                    iv(r->reduction_months, !red), tv(r->reason), tv(now), tv("pending"),
                    tv(r->prev_reduction_date)};
    return put_row(s, a, ZJ_SC_ONLINE_SOURCE, r->change_no, cols, v, sizeof v / sizeof v[0],
                   true, now, id, err);
}

/* The ruling or decision, or a rejected review, written into the case's row. */
static int write_outcome(zj_store *s, const zj_actor *a, const zj_sc_request *r,
                         const case_row *c, const char *now, zj_error *err)
{
    static const char *const cols[] = {"change_no", "decision", "decided_at", "court_case_no",
                                       "reduction_months"};
    bool rejected = r->step == ZJ_SC_REVIEW;
    bool red = !strcmp(c->change_type, "reduction");
    const char *decision = rejected ? "refused" : r->outcome;
    zj_value v[] = {tv(c->change_no), tv(decision), tv(now), tv(r->court_case_no),
                    iv(r->reduction_months, !red || !r->reduction_months)};
    /* a decision or a rejected review names no ruling: the row's case number stays */
    size_t n = r->step != ZJ_SC_RULING ? 3 : red && !strcmp(decision, "granted") ? 5 : 4;
    int64_t id;
    return put_row(s, a, c->source, c->key, cols, v, n, false, now, &id, err);
}

static int add_step(zj_store *s, const zj_actor *a, const zj_sc_request *r, int64_t change_id,
                    int64_t seq, const char *detail, const char *now, const char *hash,
                    int64_t *step_id, zj_error *err)
{
    zj_stmt *q;
    int rc = zj_stmt_prepare(s,
        "INSERT INTO sc_step (change_id, change_no, seq, step, outcome, note, detail, user_id,"
        " username, role, session_id, unit_code, at, state_hash)"
        " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)", &q, err);
    if (rc)
        return rc;
    const char *st = step_names[r->step];
    zj_stmt_bind_int(q, 1, change_id);
    zj_stmt_bind_text(q, 2, r->change_no, strlen(r->change_no));
    zj_stmt_bind_int(q, 3, seq);
    zj_stmt_bind_text(q, 4, st, strlen(st));
    zj_bind_opt(q, 5, r->outcome);
    zj_bind_opt(q, 6, r->note);
    zj_bind_opt(q, 7, detail);
    zj_bind_actor(q, 8, a);
    zj_bind_opt(q, 12, a->unit_code);
    zj_stmt_bind_text(q, 13, now, strlen(now));
    zj_stmt_bind_text(q, 14, hash, strlen(hash));
    if ((rc = zj_exec_done(q, err)))
        return rc;
    *step_id = zj_store_last_insert_id(s);
    return ZJ_OK;
}

static int act_in_txn(zj_store *s, const zj_actor *a, const zj_sc_request *r, const char *now,
                      zj_sc_outcome *out, zj_error *err)
{
    case_row c;
    int rc = case_load(s, r->change_no, &c, err);
    if (rc)
        return rc;
    const char *prison = r->step == ZJ_SC_APPLICATION ? r->prison_unit_code : c.prison;
    if (r->step != ZJ_SC_APPLICATION && !c.id)
        return zj_fail_as(err, ZJ_ERR_NOT_FOUND,
                          "no sentence-change case %s; a case starts with its "
                          "application", r->change_no);
    /* the order first (what the case needs next), then who, then what was typed */
    if ((rc = check_order(r, &c, now, err)) ||
        (r->step == ZJ_SC_APPLICATION &&
         (rc = zj_field_text("prison_unit_code", prison, true, 30, err))) ||
        (rc = check_actor(s, a, r->step, c.id ? &c : NULL, prison, err)) ||
        (rc = check_fields(r, &c, err)))
        return rc;
    int64_t change_id = c.id;
    if (r->step == ZJ_SC_APPLICATION) {
        if ((rc = write_application(s, a, r, now, &change_id, err)))
            return rc;
        copy(c.change_type, sizeof c.change_type, r->change_type);
    } else if (r->step == ZJ_SC_RULING || r->step == ZJ_SC_DECISION ||
               (r->step == ZJ_SC_REVIEW && !strcmp(r->outcome, "rejected"))) {
        if ((rc = write_outcome(s, a, r, &c, now, err)))
            return rc;
    }
    /* the detail: what the step decided, no personal data and no free text */
    cJSON *j = cJSON_CreateObject();
    cJSON_AddStringToObject(j, "change_no", r->change_no);
    cJSON_AddStringToObject(j, "step", step_names[r->step]);
    if (r->outcome)
        cJSON_AddStringToObject(j, "outcome", r->outcome);
    if (r->step == ZJ_SC_APPLICATION) {
        cJSON_AddStringToObject(j, "change_type", r->change_type);
        cJSON_AddStringToObject(j, "prison_unit_code", r->prison_unit_code);
    }
    if (r->reduction_months)
        cJSON_AddNumberToObject(j, "reduction_months", r->reduction_months);
    if (r->court_case_no)
        cJSON_AddStringToObject(j, "court_case_no", r->court_case_no);
    char *detail = cJSON_PrintUnformatted(j);
    cJSON_Delete(j);
    if (!detail)
        return zj_fail(err, ZJ_EDATA, "out of memory");
    char seqs[24], hash[65];
    int64_t seq = c.seq + 1, step_id = 0, audit_id = 0;
    snprintf(seqs, sizeof seqs, "%lld", (long long)seq);
    const char *parts[] = {c.last_hash, r->change_no, seqs, step_names[r->step], r->outcome,
                           detail, a->username, now};
    zj_sha256_fields(parts, sizeof parts / sizeof parts[0], hash);
    rc = add_step(s, a, r, change_id, seq, detail, now, hash, &step_id, err);
    char action[48];
    snprintf(action, sizeof action, "sentence_change.%s", step_names[r->step]);
    zj_audit_event ev = {action, "sentence_change", change_id, c.last_hash[0] ? c.last_hash : NULL,
                         hash, detail};
    if (!rc)
        rc = zj_audit_append(s, a, &ev, &audit_id, err);
    free(detail);
    if (rc)
        return rc;
    zj_stmt *q;
    if ((rc = zj_stmt_prepare(s, "UPDATE sc_step SET audit_id = $1 WHERE id = $2", &q, err)))
        return rc;
    zj_stmt_bind_int(q, 1, audit_id);
    zj_stmt_bind_int(q, 2, step_id);
    if ((rc = zj_exec_done(q, err)))
        return rc;
    if (out) {
        out->change_id = change_id;
        out->step_id = step_id;
        out->seq = seq;
        bool closed = r->step == ZJ_SC_RULING || r->step == ZJ_SC_DECISION ||
                      (r->step == ZJ_SC_REVIEW && !strcmp(r->outcome, "rejected"));
        out->next = closed ? -1 : zj_sc_next_step(r->step, c.change_type);
        memcpy(out->state_hash, hash, sizeof hash);
    }
    return ZJ_OK;
}

int zj_sc_act(zj_store *s, const zj_actor *a, const zj_sc_request *r, zj_sc_outcome *out,
              zj_error *err)
{
    if (!a || !r)
        return zj_fail(err, ZJ_EUSAGE, "no actor or request");
    if ((unsigned)r->step >= ZJ_SC_STEP_COUNT)
        return zj_fail(err, ZJ_EUSAGE, "unknown step");
    int rc = zj_field_text("change_no", r->change_no, true, 60, err);
    if (rc)
        return rc;
    char now[20];
    if (r->now) {
        if ((rc = zj_field_timestamp("now", r->now, now, err)))
            return rc;
    } else
        zj_clock_local(now);
    if ((rc = zj_store_begin(s, err)))
        return rc;
    rc = act_in_txn(s, a, r, now, out, err);
    if (rc) {
        zj_store_rollback(s, NULL);
        return rc;
    }
    return zj_store_commit(s, err);
}

/* ---- reading ---------------------------------------------------------------------------- */

static bool may_read(zj_store *s, const zj_actor *a, const case_row *c)
{
    if (zj_actor_may(a, ZJ_PERM_SENTENCE_CHANGE, c->prison))
        return true;
    zj_unit_place mine, at;
    zj_error e = {0};
    if (zj_unit_place_get(s, a->unit_code, &mine, &e) || zj_unit_place_get(s, c->prison, &at, &e))
        return false;
    return zj_actor_may_sc_step(a, ZJ_SC_BY_PROCURATORATE, &mine, c->prison, &at) ||
           zj_actor_may_sc_step(a, ZJ_SC_BY_COURT, &mine, c->prison, &at);
}

int zj_sc_history_each(zj_store *s, const zj_actor *a, const char *change_no,
                       int (*head)(const zj_sc_case *, void *),
                       int (*step)(const zj_sc_step_row *, void *), void *ctx, zj_error *err)
{
    int rc = zj_field_text("change_no", change_no, true, 60, err);
    case_row c;
    if (rc || (rc = case_load(s, change_no, &c, err)))
        return rc;
    if (!c.id)
        return zj_fail_as(err, ZJ_ERR_NOT_FOUND,
                          "no sentence-change case %s", change_no);
    if (!may_read(s, a, &c))
        return zj_deny(err, a, ZJ_PERM_SENTENCE_CHANGE, c.prison);
    zj_sc_case hc = {c.id, c.change_no, c.change_type, c.prison, c.decision, c.source,
                     c.closed ? -1 : zj_sc_next_step(c.last, c.change_type)};
    if (head && head(&hc, ctx))
        return ZJ_OK;
    zj_stmt *q;
    if ((rc = zj_stmt_prepare(s, "SELECT seq, step, outcome, note, username, role, unit_code, at,"
                              " state_hash, coalesce(audit_id, 0) FROM sc_step"
                              " WHERE change_id = $1 ORDER BY seq", &q, err)))
        return rc;
    zj_stmt_bind_int(q, 1, c.id);
    int st;
    bool first = true;
    while ((st = zj_stmt_next(q, err)) == 1) {
        zj_sc_step_row w = {0};
        w.seq = zj_stmt_int(q, 0);
        w.step = (zj_sc_step)zj_sc_step_parse(zj_stmt_text(q, 1, NULL));
        if (first && w.step != ZJ_SC_APPLICATION && step) {
            /* an imported case continued online: its application came with the row */
            zj_sc_step_row imp = {.step = ZJ_SC_APPLICATION, .source_system = c.source,
                                  .at = c.applied_at[0] ? c.applied_at : NULL, .imported = true};
            if (step(&imp, ctx))
                break;
        }
        first = false;
        w.outcome = zj_stmt_text(q, 2, NULL);
        w.note = zj_stmt_text(q, 3, NULL);
        w.username = zj_stmt_text(q, 4, NULL);
        w.role = zj_stmt_text(q, 5, NULL);
        w.unit_code = zj_stmt_text(q, 6, NULL);
        w.at = zj_stmt_text(q, 7, NULL);
        w.state_hash = zj_stmt_text(q, 8, NULL);
        w.audit_id = zj_stmt_int(q, 9);
        if (step && step(&w, ctx))
            break;
    }
    zj_stmt_finalize(q);
    if (st < 0)
        return ZJ_EDATA;
    if (first && step) {                      /* imported, never continued online */
        zj_sc_step_row imp = {.step = ZJ_SC_APPLICATION, .source_system = c.source,
                              .at = c.applied_at[0] ? c.applied_at : NULL, .imported = true};
        if (!step(&imp, ctx) && c.closed) {
            zj_sc_step_row dec = {.step = !strcmp(c.change_type, "medical_parole") ? ZJ_SC_DECISION
                                                                                  : ZJ_SC_RULING,
                                  .outcome = c.decision, .source_system = c.source,
                                  .at = c.decided_at[0] ? c.decided_at : NULL, .imported = true};
            step(&dec, ctx);
        }
    }
    return ZJ_OK;
}
