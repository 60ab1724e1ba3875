/* test_detect.c - unit tests for the detect layer's framework: fingerprints, the lead sink
 * (insert, unchanged, update with evidence replaced, duplicate in one run, "no longer
 * detected"; a memory sink replayed), reading leads back, and the rules file (defaults, the shipped file, errors that
 * name the file and line). The detectors themselves are tested end to end in
 * tests/integration/detect.sh. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "storefix.h"

#include "detect/detect.h"
#include "detect/leads.h"
#include "detect/rules.h"
#include "store/store.h"
#include "testutil.h"

/* ---- fingerprints ------------------------------------------------------------------------- */

static void test_fingerprint(void **state)
{
    (void)state;
    char a[48], b[48], c[48];
    zj_lead_fingerprint("TV02", "court_hr\x1f" "FG1\x1fspouse", 21, a);
    zj_lead_fingerprint("TV02", "court_hr\x1f" "FG1\x1fspouse", 21, b);
    zj_lead_fingerprint("TV02", "court_hr\x1f" "FG1\x1f" "child", 20, c);
    assert_string_equal(a, b);
    assert_string_not_equal(a, c);
    assert_int_equal(strlen(a), 5 + 32);
    assert_memory_equal(a, "TV02-", 5);
    zj_lead_fingerprint("TV03", "court_hr\x1f" "FG1\x1fspouse", 21, c);
    assert_string_not_equal(a + 5, "");
    assert_memory_equal(c, "TV03-", 5);
    assert_string_equal(a + 5, c + 5);       /* the code is the prefix, the hash the key's */
}

static void test_lead_building(void **state)
{
    (void)state;
    zj_lead l = {0};
    assert_int_equal(zj_lead_evidence(&l, "officer", 7, "officer", NULL), 0);
    assert_int_equal(zj_lead_evidence(&l, "officer", 7, "officer", "again"), 0);  /* kept once */
    assert_int_equal(zj_lead_evidence(&l, "officer", 7, "spouse", NULL), 0);      /* new role */
    char table[] = "enterprise";
    assert_int_equal(zj_lead_evidence(&l, table, 9, "enterprise", "30%"), 0);
    table[0] = 'X';                          /* the lead keeps its own copy */
    assert_int_equal(zj_lead_nevidence(&l), 3);
    zj_evidence e = zj_lead_evidence_at(&l, 2);
    assert_string_equal(e.table, "enterprise");
    assert_string_equal(e.note, "30%");
    assert_true(zj_lead_has_evidence(&l, "officer", 7));
    assert_false(zj_lead_has_evidence(&l, "officer", 8));
    assert_int_equal(zj_lead_key(&l, "a", 1), 0);
    assert_int_equal(zj_lead_key(&l, "b", 1), 0);
    assert_int_equal(l.key.len, 3);
    assert_memory_equal(l.key.data, "a\x1f" "b", 3);
    zj_lead_reset(&l);
    assert_int_equal(zj_lead_nevidence(&l), 0);
    assert_int_equal(l.key.len, 0);
    zj_lead_free(&l);
}

/* ---- the sink ----------------------------------------------------------------------------- */


static int64_t scalar(zj_store *s, const char *sql)
{
    zj_stmt *q;
    zj_error err = {0};
    assert_int_equal(zj_stmt_prepare(s, sql, &q, &err), 0);
    assert_int_equal(zj_stmt_next(q, &err), 1);
    int64_t v = zj_stmt_int(q, 0);
    zj_stmt_finalize(q);
    return v;
}

/* A finished detect_run row for `code`; returns its id. */
static int64_t new_run(zj_store *s, const char *code)
{
    char sql[256];
    snprintf(sql, sizeof sql, "INSERT INTO detect_run (code, started_at, finished_at) VALUES"
             " ('%s', '2021-12-31 00:00:00', '2021-12-31 00:00:01')", code);
    zj_error err = {0};
    assert_int_equal(zj_store_exec(s, sql, &err), 0);
    return zj_store_last_insert_id(s);
}

static void build(zj_lead *l, const char *officer_key, const char *expl, int64_t enterprise)
{
    zj_lead_reset(l);
    assert_int_equal(zj_lead_key(l, officer_key, strlen(officer_key)), 0);
    l->subject_table = "officer";
    l->subject_id = 11;
    snprintf(l->unit_code, sizeof l->unit_code, "J61011300");
    l->severity = 3;
    zj_buf_puts(&l->title, "配偶经商 / spouse in business");
    zj_buf_puts(&l->explanation, expl);
    zj_buf_puts(&l->path, "干警 FG1 → 配偶 → 股东 30% → X");
    assert_int_equal(zj_lead_evidence(l, "officer", 11, "officer", NULL), 0);
    assert_int_equal(zj_lead_evidence(l, "officer_relative", 12, "spouse", NULL), 0);
    assert_int_equal(zj_lead_evidence(l, "enterprise", enterprise, "enterprise", "30%"), 0);
}

static void emit_run(zj_store *s, int64_t run, zj_lead *l, int n, const char *const *keys,
                     const char *expl, int64_t enterprise, int64_t counts[4])
{
    zj_lead_sink *k;
    zj_error err = {0};
    assert_int_equal(zj_sink_open(s, "TV02", run, "依据", &k, &err), 0);
    for (int i = 0; i < n; i++) {
        build(l, keys[i], expl, enterprise);
        if (zj_sink_emit(k, l, &err))
            fail_msg("emit: %s", err.msg);
    }
    zj_sink_counts(k, &counts[0], &counts[1], &counts[2], &counts[3]);
    zj_sink_close(k);
}

typedef struct seen {
    int n, current;
    int64_t ids[8];
} seen;

static int collect(const zj_lead_row *r, void *ctx)
{
    seen *s = ctx;
    if (s->n < 8)
        s->ids[s->n] = r->id;
    s->n++;
    s->current += r->current;
    assert_string_equal(r->status, "new");
    assert_string_equal(r->code, "TV02");
    return 0;
}

static void test_sink_upsert(void **state)
{
    store_fixture *f = *state;
    zj_lead l = {0};
    int64_t c[4];
    const char *keys[] = {"FG1", "FG2"};

    int64_t r1 = new_run(f->s, "TV02");
    emit_run(f->s, r1, &l, 2, keys, "first", 100, c);
    assert_int_equal(c[0], 2);   /* found */
    assert_int_equal(c[1], 2);   /* inserted */
    assert_int_equal(scalar(f->s, "SELECT count(*) FROM lead"), 2);
    assert_int_equal(scalar(f->s, "SELECT count(*) FROM lead_evidence"), 6);
    int64_t id1 = scalar(f->s, "SELECT min(id) FROM lead");

    /* the same findings again: same ids, nothing but the run written */
    int64_t r2 = new_run(f->s, "TV02");
    emit_run(f->s, r2, &l, 2, keys, "first", 100, c);
    assert_int_equal(c[1], 0);
    assert_int_equal(c[2], 0);
    assert_int_equal(c[3], 2);   /* unchanged */
    assert_int_equal(scalar(f->s, "SELECT count(*) FROM lead"), 2);
    assert_int_equal(scalar(f->s, "SELECT min(id) FROM lead"), id1);
    char sql[128];
    snprintf(sql, sizeof sql, "SELECT count(*) FROM lead WHERE last_run = %lld", (long long)r2);
    assert_int_equal(scalar(f->s, sql), 2);

    /* a changed finding: updated in place, evidence replaced, first_seen kept */
    int64_t r3 = new_run(f->s, "TV02");
    emit_run(f->s, r3, &l, 1, keys, "changed", 200, c);
    assert_int_equal(c[2], 1);
    assert_int_equal(scalar(f->s, "SELECT count(*) FROM lead"), 2);
    assert_int_equal(scalar(f->s, "SELECT count(*) FROM lead_evidence"), 6);
    assert_int_equal(scalar(f->s, "SELECT count(*) FROM lead_evidence WHERE record_id = 200"), 1);
    assert_int_equal(scalar(f->s, "SELECT count(*) FROM lead_evidence WHERE record_id = 100"), 1);
    snprintf(sql, sizeof sql, "SELECT count(*) FROM lead WHERE id = %lld AND explanation ="
             " 'changed'", (long long)id1);
    assert_int_equal(scalar(f->s, sql), 1);

    /* FG2 was not produced by run 3: still there, no longer current */
    seen s = {0};
    zj_error err = {0};
    assert_int_equal(zj_leads_each(f->s, NULL, collect, &s, &err), 0);
    assert_int_equal(s.n, 2);
    assert_int_equal(s.current, 1);
    zj_lead_filter cur = {.current_only = true};
    memset(&s, 0, sizeof s);
    assert_int_equal(zj_leads_each(f->s, &cur, collect, &s, &err), 0);
    assert_int_equal(s.n, 1);
    assert_int_equal(s.ids[0], id1);

    /* one finding twice in one run is a detector bug */
    int64_t r4 = new_run(f->s, "TV02");
    zj_lead_sink *k;
    assert_int_equal(zj_sink_open(f->s, "TV02", r4, NULL, &k, &err), 0);
    build(&l, "FG1", "x", 1);
    assert_int_equal(zj_sink_emit(k, &l, &err), 0);
    assert_int_equal(zj_sink_emit(k, &l, &err), ZJ_EUSAGE);
    assert_non_null(strstr(err.msg, "twice"));
    /* an incomplete lead is refused */
    l.severity = 0;
    assert_int_equal(zj_sink_emit(k, &l, &err), ZJ_EUSAGE);
    zj_sink_close(k);

    assert_int_equal(zj_lead_get(f->s, 9999, collect, &s, &err), ZJ_EUSAGE);
    zj_lead_free(&l);
}

/* A memory sink (a detector evaluated on another thread) keeps copies; replayed into a store's
 * sink they are exactly the leads emitted there directly: same content hash (every field, the
 * facts and the evidence), so the second run finds them unchanged. */
static void emit_facts(zj_lead_sink *k, zj_lead *l, const char *key)
{
    zj_error err = {0};
    build(l, key, "memory", 100);
    assert_int_equal(zj_lead_fact_str(l, "case_no", key), 0);
    assert_int_equal(zj_lead_fact_list_int(l, "days", 31), 0);
    if (zj_sink_emit(k, l, &err))
        fail_msg("emit: %s", err.msg);
}

static void test_sink_memory(void **state)
{
    store_fixture *f = *state;
    zj_lead l = {0};
    zj_error err = {0};
    zj_lead_sink *k, *mem;
    int64_t c[4];

    int64_t r1 = new_run(f->s, "TV02");
    assert_int_equal(zj_sink_open(f->s, "TV02", r1, "依据", &k, &err), 0);
    emit_facts(k, &l, "FG1");
    emit_facts(k, &l, "FG2");
    zj_sink_close(k);

    assert_int_equal(zj_sink_open_memory("TV02", &mem, &err), 0);
    emit_facts(mem, &l, "FG1");
    emit_facts(mem, &l, "FG2");
    zj_lead_free(&l);                    /* the copies stand alone */
    zj_sink_counts(mem, &c[0], &c[1], &c[2], &c[3]);
    assert_int_equal(c[0], 2);
    int64_t r2 = new_run(f->s, "TV02");
    char sql[128];
    snprintf(sql, sizeof sql, "SELECT count(*) FROM lead WHERE last_run = %lld", (long long)r2);
    assert_int_equal(scalar(f->s, sql), 0);     /* nothing written yet */
    assert_int_equal(zj_sink_open(f->s, "TV02", r2, "依据", &k, &err), 0);
    assert_int_equal(zj_sink_replay(mem, k, &err), 0);
    zj_sink_counts(k, &c[0], &c[1], &c[2], &c[3]);
    assert_int_equal(c[0], 2);
    assert_int_equal(c[1], 0);
    assert_int_equal(c[2], 0);
    assert_int_equal(c[3], 2);           /* unchanged: the very same content */
    zj_sink_close(k);
    assert_int_equal(scalar(f->s, sql), 2);
    zj_sink_close(mem);

    /* a finding twice is still refused, when written */
    assert_int_equal(zj_sink_open_memory("TV02", &mem, &err), 0);
    emit_facts(mem, &l, "FG1");
    emit_facts(mem, &l, "FG1");
    int64_t r3 = new_run(f->s, "TV02");
    assert_int_equal(zj_sink_open(f->s, "TV02", r3, "依据", &k, &err), 0);
    assert_int_equal(zj_sink_replay(mem, k, &err), ZJ_EUSAGE);
    assert_non_null(strstr(err.msg, "twice"));
    zj_sink_close(k);
    zj_sink_close(mem);
    zj_lead_free(&l);
}

/* ---- rules -------------------------------------------------------------------------------- */

static void test_rules_defaults(void **state)
{
    (void)state;
    zj_rules *r;
    zj_error err = {0};
    assert_int_equal(zj_rules_defaults(&r, &err), 0);
    assert_null(zj_rules_path(r));
    const char *const *it;
    assert_int_equal(zj_rules_list(r, "TV02", "relations", &it), 3);
    assert_string_equal(it[0], "spouse");
    assert_string_equal(it[2], "child_spouse");
    assert_int_equal(zj_rules_int(r, "TR01", "deadline_day"), 5);
    assert_string_equal(zj_rules_text(r, "TR01", "deadline_time"), "23:59:59");
    assert_true(zj_rules_bool(r, "TV02", "require_jurisdiction"));
    assert_true(zj_rules_enabled(r, "tv01"));             /* codes are case-insensitive */
    assert_int_equal(zj_rules_severity(r, "TV03", 4), 4);
    assert_string_equal(zj_rules_basis(r, "TV03", "x"), "x");
    assert_int_equal(zj_rules_list(r, "analysis", "tenure_years", &it), 4);
    zj_rules_free(r);
}

/* The shipped rules/detectors.yaml states exactly the built-in defaults. */
static void test_rules_shipped(void **state)
{
    (void)state;
    char path[1024];
    snprintf(path, sizeof path, "%s/../../rules/detectors.yaml", FIXTURES);
    zj_rules *file, *def;
    zj_error err = {0};
    if (zj_rules_load(path, &file, &err))
        fail_msg("%s", err.msg);
    assert_int_equal(zj_rules_defaults(&def, &err), 0);
    const zj_detector *const *d;
    size_t n = zj_detectors(&d);
    for (size_t i = 0; i < n; i++) {
        /* same parameters: compare digests with severity and basis taken from the file */
        char a[17], b[17];
        assert_int_equal(zj_rules_severity(file, d[i]->code, 0), d[i]->severity);
        if (strcmp(zj_rules_basis(file, d[i]->code, ""), d[i]->basis))
            fail_msg("%s: basis in rules/detectors.yaml differs from the code", d[i]->code);
        for (const zj_param *p = d[i]->params; p && p->name; p++) {
            const char *const *x, *const *y;
            size_t nx, ny;
            switch (p->type) {
            case ZJ_PARAM_LIST:
                nx = zj_rules_list(file, d[i]->code, p->name, &x);
                ny = zj_rules_list(def, d[i]->code, p->name, &y);
                if (nx != ny)
                    fail_msg("%s.%s: %zu items in the file, %zu by default", d[i]->code,
                             p->name, nx, ny);
                for (size_t j = 0; j < nx; j++)
                    assert_string_equal(x[j], y[j]);
                break;
            case ZJ_PARAM_REAL:
                assert_true(zj_rules_real(file, d[i]->code, p->name) ==
                            zj_rules_real(def, d[i]->code, p->name));
                break;
            default:
                if (strcmp(zj_rules_text(file, d[i]->code, p->name),
                           zj_rules_text(def, d[i]->code, p->name)))
                    fail_msg("%s.%s: '%s' in the file, '%s' by default", d[i]->code, p->name,
                             zj_rules_text(file, d[i]->code, p->name),
                             zj_rules_text(def, d[i]->code, p->name));
            }
        }
        zj_rules_digest(file, d[i]->code, a);
        zj_rules_digest(def, d[i]->code, b);
        assert_int_equal(strlen(a), 16);
        (void)b;   /* the file sets severity and basis explicitly, so digests differ */
    }
    zj_rules_free(file);
    zj_rules_free(def);
}

static void expect_error(const char *yaml, const char *needle)
{
    char *path = temp_file(yaml, strlen(yaml));
    zj_rules *r = (zj_rules *)1;
    zj_error err = {0};
    int rc = zj_rules_load(path, &r, &err);
    if (rc != ZJ_EUSAGE)
        fail_msg("expected an error for:\n%s", yaml);
    assert_null(r);
    char prefix[64];
    snprintf(prefix, sizeof prefix, "%s:", path);
    if (strncmp(err.msg, prefix, strlen(prefix)) || !strstr(err.msg, needle))
        fail_msg("message '%s' lacks the file or '%s'", err.msg, needle);
    unlink(path);
    free(path);
}

static void test_rules_errors(void **state)
{
    (void)state;
    expect_error("detectors:\n  TV99:\n    enabled: true\n", ":2: unknown detector code 'TV99'");
    expect_error("detectors:\n  TV02:\n    relatives: [spouse]\n",
                 ":3: TV02: unknown parameter 'relatives'");
    expect_error("detectors:\n  TV02:\n    relations: [spouse, cousin]\n",
                 ":3: TV02.relations: 'cousin': not an allowed value");
    expect_error("detectors:\n  TR01:\n    deadline_day: 40\n", ":3: TR01.deadline_day: '40': out of range");
    expect_error("detectors:\n  TR01:\n    deadline_day: five\n", "expected a whole number");
    expect_error("detectors:\n  TR01:\n    deadline_time: '25:00:00'\n", "expected a time HH:MM:SS");
    expect_error("detectors:\n  TR01:\n    span_start: 2021-13\n", "expected a month YYYY-MM");
    expect_error("detectors:\n  TV01:\n    severity: 5\n", ":3: TV01.severity: '5'");
    expect_error("detectors:\n  TV01:\n    enabled: maybe\n", "expected true or false");
    expect_error("detectors:\n  TV02:\n    require_jurisdiction: [a]\n", "true or false");
    expect_error("detectors: [TV01]\n", ":1: 'detectors' must map");
    expect_error("detector:\n  TV01: {}\n", ":1: unknown section 'detector'");
    expect_error("detectors:\n  TV01:\n    roles: [a\n", "not valid YAML");
    expect_error("analysis:\n  min_officers: 0\n", ":2: analysis.min_officers: '0': out of range");
}

static void test_rules_overrides(void **state)
{
    (void)state;
    const char yaml[] = "detectors:\n"
                        "  TV02:\n"
                        "    enabled: false\n"
                        "    severity: 4\n"
                        "    basis: 测试依据\n"
                        "    relations: parent\n"          /* a scalar is a list of one */
                        "  TR01:\n"
                        "    deadline_day: 10\n"
                        "    agencies: []\n";
    char *path = temp_file(yaml, strlen(yaml));
    zj_rules *r, *def;
    zj_error err = {0};
    if (zj_rules_load(path, &r, &err))
        fail_msg("%s", err.msg);
    assert_int_equal(zj_rules_defaults(&def, &err), 0);
    assert_false(zj_rules_enabled(r, "TV02"));
    assert_int_equal(zj_rules_severity(r, "TV02", 3), 4);
    assert_string_equal(zj_rules_basis(r, "TV02", "x"), "测试依据");
    const char *const *it;
    assert_int_equal(zj_rules_list(r, "TV02", "relations", &it), 1);
    assert_string_equal(it[0], "parent");
    assert_int_equal(zj_rules_int(r, "TR01", "deadline_day"), 10);
    assert_int_equal(zj_rules_list(r, "TR01", "agencies", &it), 0);
    assert_int_equal(zj_rules_int(r, "TR02", "deadline_day"), 5);   /* untouched: default */
    char a[17], b[17];
    zj_rules_digest(r, "TV02", a);
    zj_rules_digest(def, "TV02", b);
    assert_string_not_equal(a, b);
    zj_rules_digest(r, "TV03", a);
    zj_rules_digest(def, "TV03", b);
    assert_string_equal(a, b);
    assert_string_equal(zj_rules_path(r), path);
    zj_rules_free(r);
    zj_rules_free(def);
    unlink(path);
    free(path);
}

static void test_rules_parse_text(void **state)
{
    (void)state;
    zj_rules *r;
    zj_error err = {0};
    assert_int_equal(zj_rules_parse("", 0, "empty.yaml", &r, &err), 0);   /* all defaults */
    assert_string_equal(zj_rules_path(r), "empty.yaml");
    assert_int_equal(zj_rules_int(r, "TR01", "deadline_day"), 5);
    zj_rules_free(r);
    const char bad[] = "# rules\n- TV01\n";
    assert_int_equal(zj_rules_parse(bad, strlen(bad), "list.yaml", &r, &err), ZJ_EUSAGE);
    assert_null(r);
    assert_string_equal(err.msg, "list.yaml:2: expected the sections 'detectors' and 'analysis'");
}

static void test_registry(void **state)
{
    (void)state;
    const zj_detector *const *d;
    size_t n = zj_detectors(&d);
    assert_true(n >= 10);
    for (size_t i = 0; i < n; i++) {
        assert_non_null(d[i]->run);
        assert_true(d[i]->severity >= 1 && d[i]->severity <= 4);
        assert_true(strlen(d[i]->code) == 4);
        assert_non_null(d[i]->basis);
        assert_ptr_equal(zj_detector_find(d[i]->code), d[i]);
        for (size_t j = 0; j < i; j++)
            assert_string_not_equal(d[i]->code, d[j]->code);
    }
    assert_null(zj_detector_find("XX99"));
    assert_ptr_equal(zj_detector_find("tv02"), zj_detector_find("TV02"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fingerprint),
        cmocka_unit_test(test_lead_building),
        cmocka_unit_test_setup_teardown(test_sink_upsert, store_setup, store_teardown),
        cmocka_unit_test_setup_teardown(test_sink_memory, store_setup, store_teardown),
        cmocka_unit_test(test_rules_defaults),
        cmocka_unit_test(test_rules_shipped),
        cmocka_unit_test(test_rules_errors),
        cmocka_unit_test(test_rules_overrides),
        cmocka_unit_test(test_rules_parse_text),
        cmocka_unit_test(test_registry),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
