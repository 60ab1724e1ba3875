/* records.c - records officers file in zhijian (自主填报): three-regulations records, monthly
 * zero reports and quarterly reports, never edited, corrected by new records (see records.h).
 *
 * Owns record_filing. The canonical rows go through the store's writer (store.h) in a batch of
 * their own, like any import, so their provenance columns, key index and content hash are the
 * store's; record_filing adds who filed them and the correction chain.
 */
#include "work/records.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

#include "base/buf.h"
#include "text/mask.h"
#include "text/resident_id.h"
#include "work/audit.h"
#include "work/fields.h"
#include "work/policy.h"

static const char *const kind_names[ZJ_RECORD_KIND_COUNT] = {"record", "zero", "quarterly"};
static const char kind_letter[ZJ_RECORD_KIND_COUNT] = {'R', 'Z', 'Q'};

const char *zj_record_kind_name(zj_record_kind k)
{
    return (unsigned)k < ZJ_RECORD_KIND_COUNT ? kind_names[k] : NULL;
}

int zj_record_kind_parse(const char *name)
{
    return zj_name_index(kind_names, ZJ_RECORD_KIND_COUNT, name);
}

static const char *table_of(zj_record_kind k)
{
    return k == ZJ_RECORD_QUARTERLY ? "quarterly_report" : "interference_record";
}

/* ---- who may: the policy's word (work/policy.h) ------------------------------------------- */

/* Filing (and correcting) kind k for officer `officer_no` of `unit`: an officer's own records;
 * a unit's quarterly report by who may read the unit's records (it summarises them). An
 * administrator may enter records for an officer (the provenance names the administrator). */
static bool may_file(const zj_actor *a, zj_record_kind k, const char *officer_no,
                     const char *unit)
{
    if (a->role == ZJ_ROLE_ADMIN && zj_actor_sees(a, unit))
        return true;
    if (k == ZJ_RECORD_QUARTERLY)
        return unit && zj_actor_may(a, ZJ_PERM_RECORD_FILE, unit) &&
               zj_actor_may(a, ZJ_PERM_RECORD_READ, unit);
    return zj_actor_may_record(a, ZJ_PERM_RECORD_FILE, unit, officer_no);
}

/* Reading a filed record of `officer_no` (NULL for a quarterly report) of `unit`. */
static bool may_read(const zj_actor *a, const char *officer_no, const char *unit)
{
    return zj_actor_may_record(a, ZJ_PERM_RECORD_READ, unit, officer_no);
}

static int deny(zj_error *err, const zj_actor *a, const char *what, const char *whose)
{
    const char *role = zj_role_name(a->role);
    return zj_fail(err, ZJ_EPERM, "user '%s' (%s) may not %s %s",
                   a->username ? a->username : "?", role ? role : "?", what, whose);
}

/* ---- the fields, merged with the record a correction replaces ------------------------------ */

enum {
    F_OFFICER, F_UNIT, F_MONTH, F_CATEGORY, F_ACTOR_NAME, F_ACTOR_ID, F_ACTOR_UNIT,
    F_ACTOR_POSITION, F_CASE_SYSTEM, F_CASE_NO, F_OCCURRED, F_CONTENT, F_QUARTER, F_SUMMARY,
    F_MEASURES, NFIELDS
};
static const char *const field_names[NFIELDS] = {
    "officer_no", "unit_code", "month", "category", "actor_name", "actor_id_no", "actor_unit",
    "actor_position", "case_system", "case_no", "occurred_at", "content", "quarter", "summary",
    "measures",
};
/* Which kinds use which field: R record, Z zero report, Q quarterly. */
static const char *const field_kinds[NFIELDS] = {
    "RZ", "RZQ", "RZ", "R", "R", "R", "R", "R", "R", "R", "R", "R", "Q", "Q", "Q",
};

typedef struct fields {
    char *v[NFIELDS];         /* owned copies; NULL when absent */
} fields;

static void fields_free(fields *f)
{
    for (int i = 0; i < NFIELDS; i++)
        free(f->v[i]);
    memset(f, 0, sizeof *f);
}

static const char *input_field(const zj_record_input *in, int i)
{
    const char *const v[NFIELDS] = {
        in->officer_no, in->unit_code, in->month, in->category, in->actor_name,
        in->actor_id_no, in->actor_unit, in->actor_position, in->case_system, in->case_no,
        in->occurred_at, in->content, in->quarter, in->summary, in->measures,
    };
    return v[i];
}

static int set_field(fields *f, int i, const char *value)
{
    free(f->v[i]);
    f->v[i] = NULL;
    if (value && !zj_field_blank(value) && !(f->v[i] = strdup(value)))
        return ZJ_EDATA;
    return ZJ_OK;
}

/* The record a correction replaces. */
typedef struct old_record {
    int64_t filing_id, record_id;
    zj_record_kind kind;
    char record_no[32];
} old_record;

static int find_old(zj_store *s, const char *record_no, old_record *o, zj_error *err)
{
    memset(o, 0, sizeof *o);
    zj_stmt *q;
    int rc = zj_stmt_prepare(s,
        "SELECT f.id, f.record_id, f.kind,"
        " (SELECT c.record_no FROM record_filing c WHERE c.corrects = f.id)"
        " FROM record_filing f WHERE f.record_no = $1", &q, err);
    if (rc)
        return rc;
    zj_stmt_bind_text(q, 1, record_no, strlen(record_no));
    int step = zj_stmt_next(q, err);
    if (step == 1) {
        o->filing_id = zj_stmt_int(q, 0);
        o->record_id = zj_stmt_int(q, 1);
        int k = zj_record_kind_parse(zj_stmt_text(q, 2, NULL));
        o->kind = k < 0 ? ZJ_RECORD_EVENT : (zj_record_kind)k;
        snprintf(o->record_no, sizeof o->record_no, "%s", record_no);
        const char *by = zj_stmt_text(q, 3, NULL);
        if (by)
            rc = zj_fail_field(err, "corrects", "%s was already corrected by %s; "
                         "correct %s instead", record_no, by, by);
        if (by)
            zj_error_mark(err, ZJ_ERR_CONFLICT, NULL);
    } else if (step == 0)
        rc = zj_fail_field(err, "corrects", "no record %s was filed in zhijian "
                     "(imported records are corrected in their own system)", record_no);
    else
        rc = ZJ_EDATA;
    zj_stmt_finalize(q);
    return rc;
}

int zj_record_kind_of(zj_store *s, const char *record_no, zj_record_kind *kind, zj_error *err)
{
    int rc = zj_field_text("corrects", record_no, true, 64, err);
    zj_stmt *q;
    if (rc || (rc = zj_stmt_prepare(s, "SELECT kind FROM record_filing WHERE record_no = $1", &q,
                                    err)))
        return rc;
    zj_stmt_bind_text(q, 1, record_no, strlen(record_no));
    int step = zj_stmt_next(q, err);
    int k = step == 1 ? zj_record_kind_parse(zj_stmt_text(q, 0, NULL)) : -1;
    zj_stmt_finalize(q);
    if (step < 0)
        return ZJ_EDATA;
    if (k < 0)
        return zj_fail_field(err, "corrects", "no record %s was filed in zhijian",
                       record_no);
    *kind = (zj_record_kind)k;
    return ZJ_OK;
}

/* Fill the fields a correction leaves out from the record it replaces. */
static int inherit(zj_store *s, const old_record *o, fields *f, zj_error *err)
{
    static const char event_sql[] =
        "SELECT officer_no, unit_code, report_month, category, actor_name, actor_id_no,"
        " actor_unit, actor_position, case_system, case_no, occurred_at, content"
        " FROM interference_record WHERE id = $1";
    static const char quarterly_sql[] =
        "SELECT unit_code, quarter, summary, measures FROM quarterly_report WHERE id = $1";
    static const int event_cols[] = {F_OFFICER, F_UNIT, F_MONTH, F_CATEGORY, F_ACTOR_NAME,
                                     F_ACTOR_ID, F_ACTOR_UNIT, F_ACTOR_POSITION, F_CASE_SYSTEM,
                                     F_CASE_NO, F_OCCURRED, F_CONTENT};
    static const int quarterly_cols[] = {F_UNIT, F_QUARTER, F_SUMMARY, F_MEASURES};
    bool q4 = o->kind == ZJ_RECORD_QUARTERLY;
    const int *cols = q4 ? quarterly_cols : event_cols;
    int n = q4 ? 4 : 12;
    zj_stmt *q;
    int rc = zj_stmt_prepare(s, q4 ? quarterly_sql : event_sql, &q, err);
    if (rc)
        return rc;
    zj_stmt_bind_int(q, 1, o->record_id);
    int step = zj_stmt_next(q, err);
    for (int i = 0; step == 1 && !rc && i < n; i++) {
        int fi = cols[i];
        const char *was = zj_stmt_text(q, i, NULL);
        /* a zero report keeps only its officer, unit and month */
        if (o->kind == ZJ_RECORD_ZERO && fi != F_OFFICER && fi != F_UNIT && fi != F_MONTH)
            continue;
        /* whose record it is does not change: that would be another officer's (unit's) record */
        if (fi == (q4 ? F_UNIT : F_OFFICER) && f->v[fi] && (!was || strcmp(f->v[fi], was)))
            rc = zj_fail_field(err, field_names[fi], "a correction keeps '%s' of %s; file a new "
                         "record instead", was ? was : "", o->record_no);
        else if (!f->v[fi] && set_field(f, fi, was))
            rc = zj_fail(err, ZJ_EDATA, "out of memory");
    }
    zj_stmt_finalize(q);
    if (!rc && step != 1)
        rc = step < 0 ? ZJ_EDATA
                      : zj_fail(err, ZJ_EDATA, "record %s: its row is missing", o->record_no);
    return rc;
}

/* ---- checking ------------------------------------------------------------------------------ */

static bool one_of(const char *v, const char *const *set)
{
    for (; *set; set++)
        if (!strcmp(v, *set))
            return true;
    return false;
}

/* "YYYY-Qn" -> index year * 4 + n - 1, or -1. */
static int parse_quarter(const char *s)
{
    if (!s || strlen(s) != 7 || s[4] != '-' || s[5] != 'Q' || s[6] < '1' || s[6] > '4')
        return -1;
    int y = 0;
    for (int i = 0; i < 4; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        y = y * 10 + s[i] - '0';
    }
    return y < 1900 ? -1 : y * 4 + (s[6] - '1');
}

/* Check every field for kind k; `now` is local "YYYY-MM-DD HH:MM:SS". Normalizes month (from
 * occurred_at when absent) and occurred_at. */
static int check(zj_record_kind k, fields *f, const char *now, zj_error *err)
{
    static const char *const categories[] = {"leader_interference", "internal_inquiry",
                                             "improper_contact", NULL};
    static const char *const systems[] = {"court", "procuratorate", "police", NULL};
    static const size_t max_len[NFIELDS] = {48, 32, 7, 32, 64, 32, 160, 80, 16, 80, 20,
                                            8000, 7, 8000, 8000};
    char letter = kind_letter[k];
    for (int i = 0; i < NFIELDS; i++) {
        if (!strchr(field_kinds[i], letter) && f->v[i])
            return zj_fail_field(err, field_names[i], "not used by a %s",
                           kind_names[k]);
        bool required = strchr(field_kinds[i], letter) &&
                        (i == F_OFFICER || i == F_CATEGORY || i == F_ACTOR_NAME ||
                         i == F_OCCURRED || i == F_CONTENT || i == F_QUARTER || i == F_SUMMARY ||
                         (i == F_UNIT && k == ZJ_RECORD_QUARTERLY) ||
                         (i == F_MONTH && k == ZJ_RECORD_ZERO));
        int rc = zj_field_text(field_names[i], f->v[i], required, max_len[i], err);
        if (rc)
            return rc;
    }
    int now_month = atoi(now) * 12 + atoi(now + 5) - 1;
    if (k == ZJ_RECORD_EVENT) {
        char at[20];
        int rc = zj_field_timestamp("occurred_at", f->v[F_OCCURRED], at, err);
        if (rc)
            return rc;
        if (strcmp(at, now) > 0)
            return zj_fail_field(err, "occurred_at", "%s is in the future", at);
        if (set_field(f, F_OCCURRED, at))
            return zj_fail(err, ZJ_EDATA, "out of memory");
        if (!f->v[F_MONTH] && !(f->v[F_MONTH] = strndup(at, 7)))
            return zj_fail(err, ZJ_EDATA, "out of memory");
        if (!one_of(f->v[F_CATEGORY], categories))
            return zj_fail_field(err, "category", "'%s' is not one of "
                           "leader_interference, internal_inquiry, improper_contact",
                           f->v[F_CATEGORY]);
        if (f->v[F_CASE_SYSTEM] && !one_of(f->v[F_CASE_SYSTEM], systems))
            return zj_fail_field(err, "case_system", "'%s' is not one of court, "
                           "procuratorate, police", f->v[F_CASE_SYSTEM]);
        if (!f->v[F_CASE_SYSTEM] != !f->v[F_CASE_NO])
            return zj_fail_field(err, f->v[F_CASE_NO] ? "case_system" : "case_no",
                                 "required with '%s'",
                                 f->v[F_CASE_NO] ? "case_no" : "case_system");
        if (f->v[F_ACTOR_ID]) {
            zj_resident_id id;
            const char *why = NULL;
            if (zj_resident_id_parse(f->v[F_ACTOR_ID], strlen(f->v[F_ACTOR_ID]), 0, &id, &why))
                return zj_fail_field(err, "actor_id_no", "%s", why);
            if (set_field(f, F_ACTOR_ID, id.id))
                return zj_fail(err, ZJ_EDATA, "out of memory");
        }
    }
    if (k != ZJ_RECORD_QUARTERLY) {
        int m;
        int rc = zj_field_month("month", f->v[F_MONTH], &m, err);
        if (rc)
            return rc;
        if (m > now_month)
            return zj_fail_field(err, "month", "%s is in the future", f->v[F_MONTH]);
        if (k == ZJ_RECORD_EVENT && strncmp(f->v[F_MONTH], f->v[F_OCCURRED], 7) < 0)
            return zj_fail_field(err, "month", "%s is before the event (%.10s)",
                           f->v[F_MONTH], f->v[F_OCCURRED]);
    } else {
        int q = parse_quarter(f->v[F_QUARTER]);
        if (q < 0)
            return zj_fail_field(err, "quarter", "'%s' is not a quarter (YYYY-Qn)",
                           f->v[F_QUARTER]);
        if (q > now_month / 3)
            return zj_fail_field(err, "quarter", "%s has not begun",
                           f->v[F_QUARTER]);
    }
    return ZJ_OK;
}

/* A record that makes this filing redundant: for a zero report any current record or zero
 * report of the officer's month; for a quarterly report a current one of the unit's quarter.
 * The record being corrected does not count. */
static int check_duplicate(zj_store *s, zj_record_kind k, const fields *f,
                           const old_record *old, zj_error *err)
{
    if (k == ZJ_RECORD_EVENT)
        return ZJ_OK;
    static const char zero_sql[] =
        "SELECT r.record_no, r.is_zero_report FROM interference_record r"
        " WHERE r.officer_no = $1 AND r.report_month = $2 AND r.id <> $3"
        "  AND NOT EXISTS (SELECT 1 FROM interference_record c"
        "   WHERE c.source_system = r.source_system AND c.corrects_record_no = r.record_no)"
        " ORDER BY r.id LIMIT 1";
    static const char quarterly_sql[] =
        "SELECT r.report_no, 0 FROM quarterly_report r"
        " WHERE r.unit_code = $1 AND r.quarter = $2 AND r.id <> $3"
        "  AND NOT EXISTS (SELECT 1 FROM quarterly_report c"
        "   WHERE c.source_system = r.source_system AND c.corrects_report_no = r.report_no)"
        " ORDER BY r.id LIMIT 1";
    bool q4 = k == ZJ_RECORD_QUARTERLY;
    const char *a = f->v[q4 ? F_UNIT : F_OFFICER], *b = f->v[q4 ? F_QUARTER : F_MONTH];
    zj_stmt *q;
    int rc = zj_stmt_prepare(s, q4 ? quarterly_sql : zero_sql, &q, err);
    if (rc)
        return rc;
    zj_stmt_bind_text(q, 1, a, strlen(a));
    zj_stmt_bind_text(q, 2, b, strlen(b));
    zj_stmt_bind_int(q, 3, old ? old->record_id : 0);
    int step = zj_stmt_next(q, err);
    if (step == 1) {
        const char *no = zj_stmt_text(q, 0, NULL);
        if (q4)
            rc = zj_fail_field(err, "quarter", "unit %s already reported %s (%s); "
                         "correct that report instead", a, b, no ? no : "?");
        else
            rc = zj_fail_field(err, "month", "officer %s already has %s for %s "
                         "(%s); a zero report says there was nothing to record",
                         a, zj_stmt_int(q, 1) ? "a zero report" : "a record", b, no ? no : "?");
        zj_error_mark(err, ZJ_ERR_CONFLICT, NULL);   /* one report per period: refiling conflicts */
    } else if (step < 0)
        rc = ZJ_EDATA;
    zj_stmt_finalize(q);
    return rc;
}

/* The counts a quarterly report carries: the unit's current records of the quarter's months. */
static int quarter_counts(zj_store *s, const fields *f, zj_filed *c, zj_error *err)
{
    int qi = parse_quarter(f->v[F_QUARTER]);
    char m1[16], m3[16];
    unsigned y = (unsigned)qi / 4u % 10000u, first = (unsigned)qi % 4u * 3u + 1u;
    snprintf(m1, sizeof m1, "%04u-%02u", y, first);
    snprintf(m3, sizeof m3, "%04u-%02u", y, first + 2u);
    zj_stmt *q;
    int rc = zj_stmt_prepare(s,
        "SELECT sum(CASE WHEN r.is_zero_report THEN 0 ELSE 1 END),"
        " sum(CASE WHEN r.is_zero_report THEN 1 ELSE 0 END), count(DISTINCT r.officer_no)"
        " FROM interference_record r WHERE r.unit_code = $1"
        "  AND r.report_month >= $2 AND r.report_month <= $3"
        "  AND NOT EXISTS (SELECT 1 FROM interference_record c"
        "   WHERE c.source_system = r.source_system AND c.corrects_record_no = r.record_no)",
        &q, err);
    if (rc)
        return rc;
    zj_stmt_bind_text(q, 1, f->v[F_UNIT], strlen(f->v[F_UNIT]));
    zj_stmt_bind_text(q, 2, m1, 7);
    zj_stmt_bind_text(q, 3, m3, 7);
    int step = zj_stmt_next(q, err);
    if (step == 1) {
        c->record_count = zj_stmt_int(q, 0);
        c->zero_report_count = zj_stmt_int(q, 1);
        c->officer_count = zj_stmt_int(q, 2);
    }
    zj_stmt_finalize(q);
    return step < 0 ? ZJ_EDATA : ZJ_OK;
}

/* ---- writing ------------------------------------------------------------------------------- */

static int next_filing_id(zj_store *s, int64_t *id, zj_error *err)
{
    zj_stmt *q;
    int rc = zj_stmt_prepare(s, "SELECT coalesce(max(id), 0) + 1 FROM record_filing", &q, err);
    if (rc)
        return rc;
    int step = zj_stmt_next(q, err);
    *id = step == 1 ? zj_stmt_int(q, 0) : 0;
    zj_stmt_finalize(q);
    return step == 1 ? ZJ_OK : ZJ_EDATA;
}

static zj_value text_value(const char *s)
{
    zj_value v = {.is_null = s == NULL};
    if (s) {
        v.text = s;
        v.len = strlen(s);
    }
    return v;
}

/* Write the canonical row through the store's writer, in a batch of its own. */
static int write_row(zj_store *s, const zj_actor *a, zj_record_kind k, const fields *f,
                     const zj_filed *out, const char *corrects, int64_t *record_id,
                     zj_error *err)
{
    static const char *const event_cols[] = {
        "record_no", "officer_no", "unit_code", "report_month", "is_zero_report", "category",
        "actor_name", "actor_id_no", "actor_unit", "actor_position", "case_system", "case_no",
        "occurred_at", "reported_at", "content", "corrects_record_no"};
    static const char *const quarterly_cols[] = {
        "report_no", "unit_code", "quarter", "record_count", "zero_report_count",
        "officer_count", "summary", "measures", "reported_at", "corrects_report_no"};
    bool q4 = k == ZJ_RECORD_QUARTERLY;
    zj_value v[16];
    size_t n;
    if (q4) {
        zj_value c[] = {text_value(out->record_no), text_value(f->v[F_UNIT]),
                        text_value(f->v[F_QUARTER]), {.i = out->record_count},
                        {.i = out->zero_report_count}, {.i = out->officer_count},
                        text_value(f->v[F_SUMMARY]), text_value(f->v[F_MEASURES]),
                        text_value(out->reported_at), text_value(corrects)};
        n = sizeof c / sizeof c[0];
        memcpy(v, c, sizeof c);
    } else {
        zj_value c[] = {text_value(out->record_no), text_value(f->v[F_OFFICER]),
                        text_value(f->v[F_UNIT]), text_value(f->v[F_MONTH]),
                        {.i = k == ZJ_RECORD_ZERO}, text_value(f->v[F_CATEGORY]),
                        text_value(f->v[F_ACTOR_NAME]), text_value(f->v[F_ACTOR_ID]),
                        text_value(f->v[F_ACTOR_UNIT]), text_value(f->v[F_ACTOR_POSITION]),
                        text_value(f->v[F_CASE_SYSTEM]), text_value(f->v[F_CASE_NO]),
                        text_value(f->v[F_OCCURRED]), text_value(out->reported_at),
                        text_value(f->v[F_CONTENT]), text_value(corrects)};
        n = sizeof c / sizeof c[0];
        memcpy(v, c, sizeof c);
    }
    /* the batch's "file" says where the row came from: this user's filing */
    char file[200], digest[65];
    snprintf(file, sizeof file, "filed in zhijian by %s (user %lld, session %lld)",
             a->username ? a->username : "?", (long long)a->user_id, (long long)a->session_id);
    XXH3_state_t *h = XXH3_createState();
    if (!h)
        return zj_fail(err, ZJ_EDATA, "out of memory");
    XXH3_64bits_reset(h);
    for (size_t i = 0; i < n; i++) {
        if (v[i].is_null)
            XXH3_64bits_update(h, "\x1e", 1);
        else if (v[i].text)
            XXH3_64bits_update(h, v[i].text, v[i].len);
        else
            XXH3_64bits_update(h, &v[i].i, sizeof v[i].i);
        XXH3_64bits_update(h, "\x1f", 1);
    }
    int64_t content = (int64_t)XXH3_64bits_digest(h);
    XXH3_freeState(h);
    snprintf(digest, sizeof digest, "%016llx", (unsigned long long)content);
    const char *table = table_of(k);
    zj_batch b = {.source_system = ZJ_RECORDS_SOURCE, .table = table, .file = file,
                  .file_digest = digest, .started_at = out->reported_at, .status = "running"};
    int64_t batch;
    int rc = zj_store_batch_start(s, &b, &batch, err);
    if (rc)
        return rc;
    zj_writer *w;
    if ((rc = zj_writer_open(s, table, q4 ? quarterly_cols : event_cols, n, ZJ_RECORDS_SOURCE,
                             batch, 1, &w, err)))
        return rc;
    zj_put_result put;
    rc = zj_writer_put(w, out->record_no, strlen(out->record_no), 1, content, v, &put, err);
    if (!rc && put != ZJ_PUT_INSERTED)
        rc = zj_fail(err, ZJ_EDATA, "record %s exists already", out->record_no);
    int64_t written = rc ? 0 : zj_writer_last_id(w);
    if (!rc)
        rc = zj_writer_finish(w, err);
    zj_writer_close(w);
    /* a first row in an empty table is written as a bulk load: its indexes come back now */
    int64_t rebuilt;
    if (!rc)
        rc = zj_store_build_indexes_on(s, table, &rebuilt, err);
    if (rc)
        return rc;
    char done[20];
    zj_clock_local(done);
    b.id = batch;
    b.finished_at = done;
    b.status = "committed";
    b.rows_read = b.inserted = 1;
    if ((rc = zj_store_batch_finish(s, &b, err)))
        return rc;
    *record_id = written;
    return written ? ZJ_OK : zj_fail(err, ZJ_EDATA, "record %s was not written", out->record_no);
}

static int add_filing(zj_store *s, const zj_actor *a, zj_record_kind k, const fields *f,
                      const zj_filed *out, const old_record *old, const char *reason,
                      zj_error *err)
{
    zj_stmt *q;
    int rc = zj_stmt_prepare(s,
        "INSERT INTO record_filing (id, table_name, record_id, record_no, kind, officer_no,"
        " unit_code, user_id, username, role, session_id, filed_at, corrects, correction_reason)"
        " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)", &q, err);
    if (rc)
        return rc;
    char now[20];
    zj_clock_utc(now);
    const char *table = table_of(k);
    zj_stmt_bind_int(q, 1, out->filing_id);
    zj_stmt_bind_text(q, 2, table, strlen(table));
    zj_stmt_bind_int(q, 3, out->record_id);
    zj_stmt_bind_text(q, 4, out->record_no, strlen(out->record_no));
    zj_stmt_bind_text(q, 5, kind_names[k], strlen(kind_names[k]));
    zj_bind_opt(q, 6, f->v[F_OFFICER]);
    zj_bind_opt(q, 7, f->v[F_UNIT]);
    zj_bind_actor(q, 8, a);
    zj_stmt_bind_text(q, 12, now, strlen(now));
    if (old)
        zj_stmt_bind_int(q, 13, old->filing_id);
    else
        zj_stmt_bind_null(q, 13);
    zj_bind_opt(q, 14, old ? reason : NULL);
    return zj_exec_done(q, err);
}

static int audit(zj_store *s, const zj_actor *a, zj_record_kind k, const fields *f,
                 const zj_filed *out, const old_record *old, const char *reason, zj_error *err)
{
    cJSON *j = cJSON_CreateObject();
    cJSON_AddStringToObject(j, "record_no", out->record_no);
    cJSON_AddStringToObject(j, "kind", kind_names[k]);
    if (old) {
        cJSON_AddStringToObject(j, "corrects", old->record_no);
        cJSON_AddStringToObject(j, "reason", reason);
    }
    for (int i = 0; i < NFIELDS; i++)
        if (f->v[i] && i != F_ACTOR_NAME && i != F_ACTOR_ID && i != F_CONTENT &&
            i != F_SUMMARY && i != F_MEASURES)        /* no personal data or free text */
            cJSON_AddStringToObject(j, field_names[i], f->v[i]);
    char *detail = cJSON_PrintUnformatted(j);
    cJSON_Delete(j);
    if (!detail)
        return zj_fail(err, ZJ_EDATA, "out of memory");
    /* the record's state: its canonical values' hash (the row is never changed after) */
    char after[65];
    const char *parts[NFIELDS + 2];
    for (int i = 0; i < NFIELDS; i++)
        parts[i] = f->v[i];
    parts[NFIELDS] = out->record_no;
    parts[NFIELDS + 1] = out->reported_at;
    zj_sha256_fields(parts, NFIELDS + 2, after);
    zj_audit_event ev = {old ? "record.correct" : "record.file", table_of(k), out->record_id,
                         NULL, after, detail};
    int64_t id = 0;
    int rc = zj_audit_append(s, a, &ev, &id, err);
    free(detail);
    if (rc)
        return rc;
    zj_stmt *q;
    if ((rc = zj_stmt_prepare(s, "UPDATE record_filing SET audit_id = $1 WHERE id = $2", &q,
                              err)))
        return rc;
    zj_stmt_bind_int(q, 1, id);
    zj_stmt_bind_int(q, 2, out->filing_id);
    return zj_exec_done(q, err);
}

/* The unit of the officer's latest post in the officer table, when the filing names none. */
static int officer_unit(zj_store *s, fields *f, zj_error *err)
{
    zj_stmt *q;
    int rc = zj_stmt_prepare(s, "SELECT unit_code FROM officer WHERE officer_no = $1"
                             " AND unit_code IS NOT NULL ORDER BY start_date DESC, id DESC", &q,
                             err);
    if (rc)
        return rc;
    zj_stmt_bind_text(q, 1, f->v[F_OFFICER], strlen(f->v[F_OFFICER]));
    int step = zj_stmt_next(q, err);
    if (step == 1 && set_field(f, F_UNIT, zj_stmt_text(q, 0, NULL)))
        rc = zj_fail(err, ZJ_EDATA, "out of memory");
    zj_stmt_finalize(q);
    return step < 0 ? ZJ_EDATA : rc;
}

static int file_in_txn(zj_store *s, const zj_actor *a, const zj_record_input *in,
                       zj_filed *out, zj_error *err)
{
    fields f = {0};
    old_record old = {0}, *o = NULL;
    int rc = ZJ_OK;
    for (int i = 0; !rc && i < NFIELDS; i++)
        if (set_field(&f, i, input_field(in, i)))
            rc = zj_fail(err, ZJ_EDATA, "out of memory");
    zj_record_kind k = in->kind;
    if (!rc && in->corrects) {
        if ((rc = zj_field_text("reason", in->reason, true, 4000, err)) ||
            (rc = find_old(s, in->corrects, &old, err)))
            goto done;
        if (old.kind != k) {
            rc = zj_fail_field(err, "corrects", "%s is a %s, not a %s", old.record_no,
                         kind_names[old.kind], kind_names[k]);
            goto done;
        }
        o = &old;
        rc = inherit(s, o, &f, err);
    } else if (!rc && in->reason)
        rc = zj_fail_field(err, "reason", "only a correction takes a reason");
    if (rc)
        goto done;
    /* an officer's own record by default */
    if (k != ZJ_RECORD_QUARTERLY && !f.v[F_OFFICER] && a->officer_no &&
        set_field(&f, F_OFFICER, a->officer_no))
        rc = zj_fail(err, ZJ_EDATA, "out of memory");
    if (!rc && !f.v[F_UNIT] && k != ZJ_RECORD_QUARTERLY && f.v[F_OFFICER])
        rc = officer_unit(s, &f, err);
    if (!rc && !f.v[F_UNIT] && a->unit_code && set_field(&f, F_UNIT, a->unit_code))
        rc = zj_fail(err, ZJ_EDATA, "out of memory");
    if (rc)
        goto done;
    zj_clock_local(out->reported_at);
    if ((rc = check(k, &f, out->reported_at, err)))
        goto done;
    if (!may_file(a, k, f.v[F_OFFICER], f.v[F_UNIT])) {
        char whose[96];
        if (k == ZJ_RECORD_QUARTERLY)
            snprintf(whose, sizeof whose, "for unit '%s'", f.v[F_UNIT]);
        else
            snprintf(whose, sizeof whose, "for officer '%s'", f.v[F_OFFICER]);
        rc = deny(err, a, o ? "correct a record" : "file a record", whose);
        goto done;
    }
    if ((rc = check_duplicate(s, k, &f, o, err)))
        goto done;
    if (k == ZJ_RECORD_QUARTERLY && (rc = quarter_counts(s, &f, out, err)))
        goto done;
    if ((rc = next_filing_id(s, &out->filing_id, err)))
        goto done;
    snprintf(out->record_no, sizeof out->record_no, "ZJ-%c-%06lld", kind_letter[k],
             (long long)out->filing_id);
    if ((rc = write_row(s, a, k, &f, out, o ? o->record_no : NULL, &out->record_id, err)) ||
        (rc = add_filing(s, a, k, &f, out, o, in->reason, err)))
        goto done;
    rc = audit(s, a, k, &f, out, o, in->reason, err);
done:
    fields_free(&f);
    return rc;
}

int zj_record_file(zj_store *s, const zj_actor *a, const zj_record_input *in, zj_filed *out,
                   zj_error *err)
{
    zj_filed local;
    if (!out)
        out = &local;
    memset(out, 0, sizeof *out);
    if (!a || !in || (unsigned)in->kind >= ZJ_RECORD_KIND_COUNT ||
        (unsigned)a->role >= ZJ_ROLE_COUNT)
        return zj_fail(err, ZJ_EUSAGE, "filing: no actor, or an unknown kind or role");
    int rc = zj_store_begin(s, err);
    if (rc)
        return rc;
    rc = file_in_txn(s, a, in, out, err);
    if (!rc)
        rc = zj_store_commit(s, err);
    if (rc) {
        zj_store_rollback(s, NULL);
        memset(out, 0, sizeof *out);
    }
    return rc;
}

/* ---- reading ------------------------------------------------------------------------------- */

int zj_filed_each(zj_store *s, const zj_actor *a, const zj_filed_filter *flt,
                  int (*fn)(const zj_filed_row *, void *), void *ctx, zj_error *err)
{
    static const zj_filed_filter any = {.kind = -1};
    if (!flt)
        flt = &any;
    /* the filters narrow in SQL (record_filing_officer serves an officer's own list); scope
     * is checked row by row below, by the policy. Only the filters given become conditions
     * ("$1 IS NULL OR ..." leaves PostgreSQL without a type for $1). */
    const char *kind = flt->kind >= 0 ? zj_record_kind_name((zj_record_kind)flt->kind) : NULL;
    const char *cols[] = {"f.kind", "f.officer_no", "f.unit_code", "r.report_month"};
    const char *vals[] = {kind, flt->officer_no, flt->unit_code, flt->month};
    zj_buf sql = {0};
    int bad = zj_buf_puts(&sql,
        "SELECT f.id, f.kind, f.record_no, f.officer_no, f.unit_code, r.report_month,"
        " qr.quarter, r.category, r.case_no, r.actor_name,"
        " coalesce(r.reported_at, qr.reported_at), f.username, f.role, f.session_id,"
        " (SELECT o.record_no FROM record_filing o WHERE o.id = f.corrects),"
        " (SELECT c.record_no FROM record_filing c WHERE c.corrects = f.id),"
        " f.correction_reason"
        " FROM record_filing f"
        " LEFT JOIN interference_record r ON f.table_name = 'interference_record'"
        "  AND r.id = f.record_id"
        " LEFT JOIN quarterly_report qr ON f.table_name = 'quarterly_report'"
        "  AND qr.id = f.record_id");
    int nv = 0;
    for (int i = 0; i < 4; i++)
        if (vals[i]) {
            bad |= zj_buf_printf(&sql, "%s %s = $%d", nv ? " AND" : " WHERE", cols[i], nv + 1);
            vals[nv++] = vals[i];
        }
    bad |= zj_buf_puts(&sql, " ORDER BY f.id DESC");
    if (bad) {
        zj_buf_free(&sql);
        return zj_fail(err, ZJ_EDATA, "out of memory");
    }
    zj_stmt *q;
    int rc = zj_stmt_prepare(s, sql.data, &q, err);
    zj_buf_free(&sql);
    if (rc)
        return rc;
    for (int i = 0; i < nv; i++)
        zj_stmt_bind_text(q, i + 1, vals[i], strlen(vals[i]));
    int step;
    int64_t shown = 0;
    while ((step = zj_stmt_next(q, err)) == 1) {
        zj_filed_row r = {
            .filing_id = zj_stmt_int(q, 0),
            .kind = zj_stmt_text(q, 1, NULL),
            .record_no = zj_stmt_text(q, 2, NULL),
            .officer_no = zj_stmt_text(q, 3, NULL),
            .unit_code = zj_stmt_text(q, 4, NULL),
            .month = zj_stmt_text(q, 5, NULL),
            .quarter = zj_stmt_text(q, 6, NULL),
            .category = zj_stmt_text(q, 7, NULL),
            .case_no = zj_stmt_text(q, 8, NULL),
            .reported_at = zj_stmt_text(q, 10, NULL),
            .username = zj_stmt_text(q, 11, NULL),
            .role = zj_stmt_text(q, 12, NULL),
            .session_id = zj_stmt_int(q, 13),
            .corrects = zj_stmt_text(q, 14, NULL),
            .corrected_by = zj_stmt_text(q, 15, NULL),
            .reason = zj_stmt_text(q, 16, NULL),
        };
        if (!may_read(a, r.officer_no, r.unit_code) || (flt->current_only && r.corrected_by))
            continue;
        char masked[96] = "";
        const char *name = zj_stmt_text(q, 9, NULL);
        if (name && zj_mask_name(name, strlen(name), masked, sizeof masked) < 0)
            snprintf(masked, sizeof masked, "*");
        r.actor_name_masked = name ? masked : NULL;
        if (fn(&r, ctx) || (flt->limit > 0 && ++shown >= flt->limit))
            break;
    }
    zj_stmt_finalize(q);
    return step < 0 ? ZJ_EDATA : ZJ_OK;
}
