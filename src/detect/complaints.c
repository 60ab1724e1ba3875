/* complaints.c - CP01: complaints (12309 检察服务, 12368 诉讼服务热线, letters and visits).
 *
 * Three findings, all under CP01:
 *   - an officer named in `min_complaints` or more complaints within `window_days` (by the
 *     officer number, or by the complaint's target mention: the person the complaint names
 *     with a unit, resolved against officers by entity resolution - never by comparing name
 *     strings here; a complaint placed without an ID says so in the lead, with the link's
 *     weight);
 *   - a complaint about a case on which an interference was recorded (三个规定 record): the
 *     lead is about the officer complained of, else the case's handling officer, else the
 *     officer who filed the record;
 *   - optionally (unit_min_complaints > 0) a unit named in that many complaints within the
 *     window. Off by default: complaint volume follows a unit's caseload, so a fixed count
 *     needs calibrating per agency; the analysis gives complaints per 1,000 officers per unit
 *     instead (analysis.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "detect/common.h"
#include "detect/detect.h"

static void cp(char *dst, size_t cap, zj_stmt *q, int col)
{
    const char *s = zj_stmt_text(q, col, NULL);
    snprintf(dst, cap, "%s", s ? s : "");
}

typedef struct compl {
    int64_t id;
    long day;
    char at[20];
    bool by_mention;          /* the officer resolved from the complaint's target mention */
} compl;

typedef struct list {
    compl *c;
    size_t n, cap;
} list;

static int push(list *l, int64_t id, const char *at, bool by_mention)
{
    if (l->n == l->cap) {
        size_t cap = l->cap ? 2 * l->cap : 16;
        compl *g = realloc(l->c, cap * sizeof *g);
        if (!g)
            return ZJ_EDATA;
        l->c = g;
        l->cap = cap;
    }
    l->c[l->n].id = id;
    l->c[l->n].by_mention = by_mention;
    l->c[l->n].day = zj_day(at, ZJ_DAY_MIN);
    snprintf(l->c[l->n].at, sizeof l->c[0].at, "%s", at ? at : "");
    l->n++;
    return ZJ_OK;
}

/* The most complaints within `window` days (sorted by day): returns the count, *first. */
static size_t best_window(const list *l, long window, size_t *first)
{
    size_t best = 0, lo = 0;
    *first = 0;
    for (size_t hi = 0; hi < l->n; hi++) {
        while (l->c[hi].day - l->c[lo].day > window)
            lo++;
        if (hi - lo + 1 > best) {
            best = hi - lo + 1;
            *first = lo;
        }
    }
    return best;
}

/* The officer row for officer number `no` in post on `day` (else the latest). */
static const char officer_sql[] =
    "SELECT id, source_system, source_key, unit_code, start_date, end_date FROM officer"
    " WHERE officer_no = $1 ORDER BY id";

typedef struct officer_row {
    int64_t id;
    char system[32], key[96], unit[32];
} officer_row;

static int find_officer(zj_stmt *q, const char *no, long day, officer_row *out, zj_error *err)
{
    memset(out, 0, sizeof *out);
    zj_stmt_bind_text(q, 1, no, strlen(no));
    int step;
    long best_start = ZJ_DAY_MIN;
    bool in_post = false;
    while ((step = zj_stmt_next(q, err)) == 1) {
        long s = zj_stmt_day(q, 4, ZJ_DAY_MIN), e = zj_stmt_day(q, 5, ZJ_DAY_MAX);
        bool here = s <= day && day <= e;
        if ((here && !in_post) || (here == in_post && (!out->id || s >= best_start))) {
            out->id = zj_stmt_int(q, 0);
            cp(out->system, sizeof out->system, q, 1);
            cp(out->key, sizeof out->key, q, 2);
            cp(out->unit, sizeof out->unit, q, 3);
            best_start = s;
            in_post = here;
        }
    }
    zj_stmt_reset(q);
    return step < 0 ? ZJ_EDATA : ZJ_OK;
}

/* ---- repeated complaints against an officer ----------------------------------------------- */

/* The officer each complaint names: its officer number, else the officer record of the entity
 * its target mention was resolved to (the one in the named unit first). Column 3: 1 when the
 * officer comes from the target mention. */
static const char named_sql[] =
    "SELECT c.target_officer_no, c.received_at, c.id, 0 FROM complaint c"
    " WHERE c.target_officer_no IS NOT NULL"
    " UNION ALL"
    " SELECT (SELECT substr(min(CASE WHEN o.unit_code = c.target_unit_code THEN '0' ELSE '1'"
    "   END || o.officer_no), 2) FROM mention mo JOIN officer o ON o.id = mo.record_id"
    "   WHERE mo.entity_id = mt.entity_id AND mo.table_name = 'officer' AND mo.role = 'self'),"
    "  c.received_at, c.id, 1 FROM complaint c JOIN mention mt ON mt.table_name = 'complaint'"
    "  AND mt.record_id = c.id AND mt.role = 'target'"
    " WHERE c.target_officer_no IS NULL AND mt.entity_id IS NOT NULL"
    " ORDER BY 1, 2, 3";

static int emit_repeated(zj_detect_ctx *c, const char *no, const list *cs, zj_stmt *officer,
                         zj_lead *l, zj_error *err)
{
    size_t first, k = best_window(cs, (long)zj_param_int(c, "window_days"), &first);
    if ((int64_t)k < zj_param_int(c, "min_complaints"))
        return ZJ_OK;
    officer_row o;
    int rc = find_officer(officer, no, cs->c[first + k - 1].day, &o, err);
    if (rc || !o.id)
        return rc;                      /* a number no roster knows: nothing to be about */
    zj_lead_reset(l);
    l->subject_table = "officer";
    l->subject_id = o.id;
    snprintf(l->unit_code, sizeof l->unit_code, "%s", o.unit);
    int sev = c->severity + ((int64_t)k >= 2 * zj_param_int(c, "min_complaints") ? 1 : 0);
    l->severity = sev > 4 ? 4 : sev;
    zj_buf_printf(&l->title, "干警 %zu 次被投诉举报 / Officer named in %zu complaints", k, k);
    zj_buf_printf(&l->explanation,
                  "干警 %s 在 %.10s 至 %.10s 的 %lld 天内被投诉举报 %zu 次（12309/12368 等渠道），达到“反复投诉”"
                  "标准（%lld 天内 %lld 次）。\nOfficer %s was named in %zu complaints between %.10s "
                  "and %.10s (threshold: %lld within %lld days).",
                  no, cs->c[first].at, cs->c[first + k - 1].at,
                  (long long)zj_param_int(c, "window_days"), k,
                  (long long)zj_param_int(c, "window_days"),
                  (long long)zj_param_int(c, "min_complaints"), no, k, cs->c[first].at,
                  cs->c[first + k - 1].at, (long long)zj_param_int(c, "min_complaints"),
                  (long long)zj_param_int(c, "window_days"));
    /* complaints that named the officer by name and unit: placed by the linking model */
    zj_buf nz = {0}, ne = {0};
    int noted = 0;
    for (size_t i = first; i < first + k; i++)
        if (cs->c[i].by_mention &&
            zj_note_placement(c->store, l, "complaint", cs->c[i].id, "target", &nz, &ne, &noted,
                              err)) {
            zj_buf_free(&nz);
            zj_buf_free(&ne);
            return ZJ_EDATA;
        }
    if (noted)
        zj_buf_printf(&l->explanation, "\n其中 %d 件投诉未写干警编号，按姓名和单位与干警匹配：%s。\n%d "
                      "complaint(s) named the officer by name and unit, not number: %s.", noted,
                      nz.data, noted, ne.data);
    zj_buf_free(&nz);
    zj_buf_free(&ne);
    zj_buf_printf(&l->path, "投诉举报 ×%zu → 干警 %s%s", k, no,
                  noted ? "（部分按姓名、单位匹配）" : "");
    rc = zj_lead_key_record(l, o.system, o.key);
    if (!rc)
        rc = zj_lead_key(l, "repeated", 8);
    if (!rc)
        rc = zj_lead_evidence(l, "officer", o.id, "officer", NULL);
    for (size_t i = first; !rc && i < first + k; i++)
        rc = zj_lead_evidence(l, "complaint", cs->c[i].id, "complaint", NULL);
    if (!rc && (zj_lead_fact_str(l, "officer_no", no) ||
                zj_lead_fact_int(l, "complaint_count", (int64_t)k) ||
                zj_lead_fact_str(l, "first_received_at", cs->c[first].at) ||
                zj_lead_fact_str(l, "last_received_at", cs->c[first + k - 1].at) ||
                zj_lead_fact_int(l, "window_days", zj_param_int(c, "window_days"))))
        rc = ZJ_EDATA;
    for (size_t i = first; !rc && i < first + k; i++)
        rc = zj_lead_fact_list_str(l, "received_at", cs->c[i].at);
    if (rc || !l->explanation.data)
        return zj_fail(err, ZJ_EDATA, "out of memory");
    return zj_sink_emit(c->sink, l, err);
}

static int repeated(zj_detect_ctx *c, zj_stmt *officer, zj_error *err)
{
    zj_stmt *q;
    int rc = zj_stmt_prepare(c->store, named_sql, &q, err);
    if (rc)
        return rc;
    list cs = {0};
    char cur[64] = "";
    zj_lead l = {0};
    int step;
    while (!rc && (step = zj_stmt_next(q, err)) == 1) {
        const char *no = zj_stmt_text(q, 0, NULL);
        if (!no)
            continue;
        if (cs.n && strcmp(no, cur)) {
            rc = emit_repeated(c, cur, &cs, officer, &l, err);
            cs.n = 0;
        }
        snprintf(cur, sizeof cur, "%s", no);
        if (!rc && push(&cs, zj_stmt_int(q, 2), zj_stmt_text(q, 1, NULL), zj_stmt_int(q, 3) != 0))
            rc = zj_fail(err, ZJ_EDATA, "out of memory");
    }
    if (!rc && step < 0)
        rc = ZJ_EDATA;
    if (!rc && cs.n)
        rc = emit_repeated(c, cur, &cs, officer, &l, err);
    free(cs.c);
    zj_lead_free(&l);
    zj_stmt_finalize(q);
    return rc;
}

/* ---- a complaint about a case with an interference record --------------------------------- */

static const char on_case_sql[] =
    "SELECT c.id, c.received_at, c.target_officer_no, ir.case_system, ir.case_no, ir.id,"
    " ir.officer_no, coalesce(cc.judge_officer_no, pc.officer_no, pl.officer_no),"
    " coalesce(cc.id, pc.id, pl.id)"
    " FROM complaint c JOIN interference_record ir ON ir.case_no = c.case_no"
    "  AND ir.is_zero_report = 0" ZJ_IR_CURRENT
    "  AND (c.case_system IS NULL OR ir.case_system IS NULL OR ir.case_system = c.case_system)"
    " LEFT JOIN court_case cc ON ir.case_system = 'court' AND cc.case_no = ir.case_no"
    " LEFT JOIN procuratorate_case pc ON ir.case_system = 'procuratorate'"
    "  AND pc.case_no = ir.case_no"
    " LEFT JOIN police_case pl ON ir.case_system = 'police' AND pl.case_no = ir.case_no"
    " WHERE c.case_no IS NOT NULL"
    " ORDER BY 4, 5, 1, 6";

typedef struct on_case {
    char system[16], no[80], officer[48];
    int64_t case_id;
    int64_t complaints[32], records[32];
    int nc, nr;
    char last_at[20];
} on_case;

static void add_id(int64_t *a, int *n, int64_t id)
{
    for (int i = 0; i < *n; i++)
        if (a[i] == id)
            return;
    if (*n < 32)
        a[(*n)++] = id;
}

static const char *case_table(const char *system)
{
    return !strcmp(system, "court") ? "court_case"
         : !strcmp(system, "procuratorate") ? "procuratorate_case" : "police_case";
}

static int emit_on_case(zj_detect_ctx *c, const on_case *k, zj_stmt *officer, zj_lead *l,
                        zj_error *err)
{
    officer_row o;
    int rc = find_officer(officer, k->officer, zj_day(k->last_at, ZJ_DAY_MAX), &o, err);
    if (rc || !o.id)
        return rc;
    zj_lead_reset(l);
    l->subject_table = "officer";
    l->subject_id = o.id;
    snprintf(l->unit_code, sizeof l->unit_code, "%s", o.unit);
    l->severity = c->severity;
    zj_buf_printf(&l->title, "投诉涉及有干预过问记录的案件 / A complaint concerns a case with a "
                  "recorded interference");
    zj_buf_printf(&l->explanation,
                  "案件 %s 有 %d 条“三个规定”干预、过问或接触记录，同时收到 %d 件投诉举报；责任干警 %s。"
                  "投诉与干预记录相互印证，应一并核查。\nCase %s has %d three-regulations record(s) "
                  "and %d complaint(s); officer %s is responsible. Check the complaint and the "
                  "recorded interference together.",
                  k->no, k->nr, k->nc, k->officer, k->no, k->nr, k->nc, k->officer);
    zj_buf_printf(&l->path, "投诉举报 ×%d → 案件 %s ← “三个规定”记录 ×%d；干警 %s", k->nc, k->no,
                  k->nr, k->officer);
    rc = zj_lead_key_record(l, o.system, o.key);
    if (!rc)
        rc = zj_lead_key(l, k->system, strlen(k->system));
    if (!rc)
        rc = zj_lead_key(l, k->no, strlen(k->no));
    if (!rc)
        rc = zj_lead_evidence(l, "officer", o.id, "officer", NULL);
    if (!rc && k->case_id)
        rc = zj_lead_evidence(l, case_table(k->system), k->case_id, "case", NULL);
    for (int i = 0; !rc && i < k->nc; i++)
        rc = zj_lead_evidence(l, "complaint", k->complaints[i], "complaint", NULL);
    for (int i = 0; !rc && i < k->nr; i++)
        rc = zj_lead_evidence(l, "interference_record", k->records[i], "interference record",
                              NULL);
    if (!rc && (zj_lead_fact_str(l, "officer_no", k->officer) ||
                zj_lead_fact_str(l, "case_system", k->system) ||
                zj_lead_fact_str(l, "case_no", k->no) ||
                zj_lead_fact_int(l, "complaint_count", k->nc) ||
                zj_lead_fact_int(l, "record_count", k->nr)))
        rc = ZJ_EDATA;
    if (rc || !l->explanation.data)
        return zj_fail(err, ZJ_EDATA, "out of memory");
    return zj_sink_emit(c->sink, l, err);
}

static int complaint_on_case(zj_detect_ctx *c, zj_stmt *officer, zj_error *err)
{
    zj_stmt *q;
    int rc = zj_stmt_prepare(c->store, on_case_sql, &q, err);
    if (rc)
        return rc;
    on_case *k = calloc(1, sizeof *k);
    if (!k) {
        zj_stmt_finalize(q);
        return zj_fail(err, ZJ_EDATA, "out of memory");
    }
    zj_lead l = {0};
    bool open = false;
    int step;
    while (!rc && (step = zj_stmt_next(q, err)) == 1) {
        char system[16], no[80], officer_no[48] = "";
        cp(system, sizeof system, q, 3);
        cp(no, sizeof no, q, 4);
        /* who answers for it: the officer complained of, else the case's, else the reporter */
        cp(officer_no, sizeof officer_no, q, 2);
        if (!officer_no[0])
            cp(officer_no, sizeof officer_no, q, 7);
        if (!officer_no[0])
            cp(officer_no, sizeof officer_no, q, 6);
        if (open && (strcmp(system, k->system) || strcmp(no, k->no) ||
                     strcmp(officer_no, k->officer))) {
            rc = emit_on_case(c, k, officer, &l, err);
            open = false;
            if (rc)
                break;
        }
        if (!open) {
            memset(k, 0, sizeof *k);
            snprintf(k->system, sizeof k->system, "%s", system);
            snprintf(k->no, sizeof k->no, "%s", no);
            snprintf(k->officer, sizeof k->officer, "%s", officer_no);
            k->case_id = zj_stmt_is_null(q, 8) ? 0 : zj_stmt_int(q, 8);
            open = true;
        }
        add_id(k->complaints, &k->nc, zj_stmt_int(q, 0));
        add_id(k->records, &k->nr, zj_stmt_int(q, 5));
        const char *at = zj_stmt_text(q, 1, NULL);
        if (at && strcmp(at, k->last_at) > 0)
            snprintf(k->last_at, sizeof k->last_at, "%s", at);
    }
    if (!rc && step < 0)
        rc = ZJ_EDATA;
    if (!rc && open && k->officer[0])
        rc = emit_on_case(c, k, officer, &l, err);
    zj_lead_free(&l);
    free(k);
    zj_stmt_finalize(q);
    return rc;
}

/* ---- a unit named in many complaints (off unless unit_min_complaints > 0) ----------------- */

static const char units_sql[] =
    "SELECT c.target_unit_code, c.received_at, c.id FROM complaint c"
    " WHERE c.target_unit_code IS NOT NULL ORDER BY 1, 2, 3";
static const char unit_sql[] = "SELECT min(id) FROM unit WHERE unit_code = $1";

static int emit_unit(zj_detect_ctx *c, const char *code, const list *cs, zj_stmt *unit,
                     zj_lead *l, zj_error *err)
{
    size_t first, k = best_window(cs, (long)zj_param_int(c, "window_days"), &first);
    if ((int64_t)k < zj_param_int(c, "unit_min_complaints"))
        return ZJ_OK;
    zj_stmt_bind_text(unit, 1, code, strlen(code));
    int step = zj_stmt_next(unit, err);
    int64_t id = step == 1 && !zj_stmt_is_null(unit, 0) ? zj_stmt_int(unit, 0) : 0;
    zj_stmt_reset(unit);
    if (step < 0)
        return ZJ_EDATA;
    if (!id)
        return ZJ_OK;
    zj_lead_reset(l);
    l->subject_table = "unit";
    l->subject_id = id;
    snprintf(l->unit_code, sizeof l->unit_code, "%s", code);
    l->severity = c->severity;
    zj_buf_printf(&l->title, "单位 %zu 次被投诉举报 / Unit named in %zu complaints", k, k);
    zj_buf_printf(&l->explanation, "单位 %s 在 %lld 天内被投诉举报 %zu 次。\nUnit %s was named in "
                  "%zu complaints within %lld days.", code,
                  (long long)zj_param_int(c, "window_days"), k, code, k,
                  (long long)zj_param_int(c, "window_days"));
    zj_buf_printf(&l->path, "投诉举报 ×%zu → 单位 %s", k, code);
    int rc = zj_lead_key(l, "unit", 4) || zj_lead_key(l, code, strlen(code)) ||
             zj_lead_evidence(l, "unit", id, "unit", NULL) ||
             zj_lead_fact_str(l, "unit_code", code) ||
             zj_lead_fact_int(l, "complaint_count", (int64_t)k) ||
             zj_lead_fact_str(l, "first_received_at", cs->c[first].at) ||
             zj_lead_fact_str(l, "last_received_at", cs->c[first + k - 1].at);
    for (size_t i = first; !rc && i < first + k; i++)
        rc = zj_lead_evidence(l, "complaint", cs->c[i].id, "complaint", NULL);
    if (rc || !l->explanation.data)
        return zj_fail(err, ZJ_EDATA, "out of memory");
    return zj_sink_emit(c->sink, l, err);
}

static int unit_complaints(zj_detect_ctx *c, zj_error *err)
{
    zj_stmt *q = NULL, *unit = NULL;
    int rc = zj_stmt_prepare(c->store, units_sql, &q, err);
    if (!rc)
        rc = zj_stmt_prepare(c->store, unit_sql, &unit, err);
    list cs = {0};
    char cur[64] = "";
    zj_lead l = {0};
    int step = 0;
    while (!rc && (step = zj_stmt_next(q, err)) == 1) {
        const char *code = zj_stmt_text(q, 0, NULL);
        if (cs.n && strcmp(code, cur)) {
            rc = emit_unit(c, cur, &cs, unit, &l, err);
            cs.n = 0;
        }
        snprintf(cur, sizeof cur, "%s", code);
        if (!rc && push(&cs, zj_stmt_int(q, 2), zj_stmt_text(q, 1, NULL), false))
            rc = zj_fail(err, ZJ_EDATA, "out of memory");
    }
    if (!rc && step < 0)
        rc = ZJ_EDATA;
    if (!rc && cs.n)
        rc = emit_unit(c, cur, &cs, unit, &l, err);
    free(cs.c);
    zj_lead_free(&l);
    zj_stmt_finalize(q);
    zj_stmt_finalize(unit);
    return rc;
}

static int run_cp01(zj_detect_ctx *c, zj_error *err)
{
    zj_stmt *officer;
    int rc = zj_stmt_prepare(c->store, officer_sql, &officer, err);
    if (rc)
        return rc;
    rc = repeated(c, officer, err);
    if (!rc && zj_param_bool(c, "case_with_interference"))
        rc = complaint_on_case(c, officer, err);
    if (!rc && zj_param_int(c, "unit_min_complaints") > 0)
        rc = unit_complaints(c, err);
    zj_stmt_finalize(officer);
    return rc;
}

static const zj_param cp01_params[] = {
    {"min_complaints", ZJ_PARAM_INT, "3", "complaints naming one officer that make a lead", 2,
     1000, NULL},
    {"window_days", ZJ_PARAM_INT, "180", "... within this many days", 1, 3660, NULL},
    {"case_with_interference", ZJ_PARAM_BOOL, "true",
     "a complaint about a case with a three-regulations record is a lead", 0, 0, NULL},
    {"unit_min_complaints", ZJ_PARAM_INT, "0",
     "complaints naming one unit within the window that make a lead (0: off; see "
     "'zhijian leads stats --measure complaints')", 0, 100000, NULL},
    {NULL, 0, NULL, NULL, 0, 0, NULL},
};

const zj_detector zj_detector_cp01 = {
    "CP01", "反复被投诉举报；投诉涉及有干预记录的案件",
    "Repeated complaints against an officer or unit; complaint on a case with an interference record",
    "《信访工作条例》（中共中央、国务院2022年印发，2022年5月1日施行）；"
    "政法队伍教育整顿线索排查（投诉举报线索分析研判）",
    2, cp01_params, run_cp01,
};
