/* test_oom.c - allocation-failure tests for input, CSV and JSON Lines: every allocation made
 * by the library is failed in turn (SQLite's and curl's "torture" approach).
 *
 * The executable is linked with -Wl,--wrap for malloc, calloc, realloc and strdup, so the
 * library's calls land in the __wrap_ functions below, which fail the allocation numbered
 * `fail_at` and let the others through. Each scenario is run with fail_at = 0, 1, 2, ... until
 * it completes without reaching the failure; every run must either succeed with the right
 * result or fail cleanly (NULL or -1 with "out of memory"), and nothing may leak (ASan, and
 * valgrind in the release build). Allocations inside libc, iconv and cJSON are not wrapped.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ingest/csv.h"
#include "ingest/jsonl.h"
#include "ingest/mapping.h"
#include "text/input.h"

static long alloc_count;        /* wrapped allocations so far in this run */
static long fail_at = -1;       /* the one to fail; -1: none */

void *__real_malloc(size_t n);
void *__real_calloc(size_t k, size_t n);
void *__real_realloc(void *p, size_t n);
char *__real_strdup(const char *s);

static int should_fail(void) { return alloc_count++ == fail_at; }
void *__wrap_malloc(size_t n) { return should_fail() ? NULL : __real_malloc(n); }
void *__wrap_calloc(size_t k, size_t n) { return should_fail() ? NULL : __real_calloc(k, n); }
void *__wrap_realloc(void *p, size_t n) { return should_fail() ? NULL : __real_realloc(p, n); }
char *__wrap_strdup(const char *s) { return should_fail() ? NULL : __real_strdup(s); }

/* A scenario returns 0 on success (having checked its result) or 1 on a clean failure. */
typedef int (*scenario)(void);

static void torture(scenario run, const char *name)
{
    for (long k = 0;; k++) {
        alloc_count = 0;
        fail_at = k;
        int rc = run();
        fail_at = -1;
        if (alloc_count <= k) {             /* the failure was never reached */
            assert_int_equal(rc, 0);
            assert_true(k > 0);
            return;
        }
        if (rc != 1)
            fail_msg("%s: allocation %ld failed but the scenario succeeded", name, k);
    }
}

static int input_scenario_enc(zj_encoding enc)
{
    static const char gb[] = "\xD5\xC5\xCE\xB0,1\n";      /* 张伟,1 in GB18030 */
    zj_input *in = NULL;
    zj_error err = {0};
    if (zj_input_open_memory(gb, sizeof gb - 1, enc, &in, &err) != 0) {
        assert_null(in);
        assert_non_null(strstr(err.msg, "out of memory"));
        return 1;
    }
    char buf[64];
    ssize_t n = zj_input_read(in, buf, sizeof buf, &err);
    assert_true(n > 0);
    zj_input_close(in);
    return 0;
}

static int input_scenario(void) { return input_scenario_enc(ZJ_ENC_GB18030); }

static int file_scenario(void)
{
    zj_input *in = NULL;
    zj_error err = {0};
    if (zj_input_open(FIXTURES "/people.gb18030.csv", ZJ_ENC_AUTO, &in, &err) != 0) {
        assert_null(in);
        assert_non_null(strstr(err.msg, "out of memory"));
        return 1;
    }
    zj_input_close(in);
    if (zj_input_open("-", ZJ_ENC_UTF8, &in, &err) != 0) {     /* stdin: name allocation */
        assert_non_null(strstr(err.msg, "out of memory"));
        return 1;
    }
    zj_input_close(in);
    return 0;
}

/* 40 fields (the field list grows), "" escapes, a record longer than the initial buffer
 * (which grows), read 3 bytes at a time. */
static int csv_scenario(void)
{
    static char data[4096];
    size_t n = 0;
    for (int i = 0; i < 40; i++)
        n += (size_t)snprintf(data + n, sizeof data - n, "%s\"f\"\"%d\"", i ? "," : "", i);
    n += (size_t)snprintf(data + n, sizeof data - n, "\nlast\n");
    zj_input *in = NULL;
    zj_error err = {0};
    if (zj_input_open_memory(data, n, ZJ_ENC_UTF8, &in, &err) != 0)
        return 1;
    zj_input_set_read_limit(in, 3);
    zj_csv *csv = zj_csv_new(in, NULL);
    if (!csv) {
        zj_input_close(in);
        return 1;
    }
    int rc = 0;
    zj_row row;
    int r = zj_csv_next(csv, &row, &err);
    if (r < 0) {
        assert_non_null(strstr(err.msg, "out of memory"));
        rc = 1;
    } else {
        assert_int_equal(r, 1);
        assert_int_equal(row.nfields, 40);
        assert_int_equal(row.fields[39].n, 4);
        assert_memory_equal(row.fields[39].p, "f\"39", 4);
        r = zj_csv_next(csv, &row, &err);
        if (r < 0) {
            assert_non_null(strstr(err.msg, "out of memory"));
            rc = 1;
        } else {
            assert_int_equal(r, 1);
            assert_int_equal(row.line, 2);
            assert_int_equal(zj_csv_next(csv, &row, &err), 0);
        }
    }
    zj_csv_free(csv);
    zj_input_close(in);
    return rc;
}

/* Keys, numbers (text buffer), a line longer than the initial 64 KiB buffer. */
static int jsonl_scenario(void)
{
    static char data[100000];
    size_t n = (size_t)snprintf(data, sizeof data, "{\"a\":1.5,\"b\":{\"c\":[1,2]},\"s\":\"");
    memset(data + n, 'x', 70000);
    n += 70000;
    n += (size_t)snprintf(data + n, sizeof data - n, "\"}\n{\"a\":2}\n");
    static const char *const keys[] = {"a", "b.c", "s"};
    zj_input *in = NULL;
    zj_error err = {0};
    if (zj_input_open_memory(data, n, ZJ_ENC_UTF8, &in, &err) != 0)
        return 1;
    zj_jsonl *r = zj_jsonl_new(in);
    if (!r) {
        zj_input_close(in);
        return 1;
    }
    int rc = 1;
    if (zj_jsonl_set_keys(r, keys, 3) == 0) {
        zj_row row;
        int got = zj_jsonl_next(r, &row, &err);
        if (got < 0) {
            assert_non_null(strstr(err.msg, "out of memory"));
        } else {
            assert_int_equal(got, 1);
            assert_null(row.error);
            assert_int_equal(row.nfields, 3);
            assert_memory_equal(row.fields[0].p, "1.5", 3);
            assert_memory_equal(row.fields[1].p, "[1,2]", 5);
            assert_int_equal(row.fields[2].n, 70000);
            got = zj_jsonl_next(r, &row, &err);
            if (got < 0) {
                assert_non_null(strstr(err.msg, "out of memory"));
            } else {
                assert_int_equal(got, 1);
                assert_memory_equal(row.fields[0].p, "2", 1);
                assert_null(row.fields[1].p);
                rc = 0;
            }
        }
    }
    zj_jsonl_free(r);
    zj_input_close(in);
    return rc;
}

/* Mapping v2: parse, bind, map a row and the records its rows: entries make. */
static const zj_column v2_columns[] = {
    {"case_no", ZJ_TYPE_TEXT, true},      {"case_type", ZJ_TYPE_TEXT, false},
    {"status", ZJ_TYPE_TEXT, false},      {"days", ZJ_TYPE_INTEGER, false},
    {"closed_at", ZJ_TYPE_TIMESTAMP, false}, {"extra", ZJ_TYPE_TEXT, false},
};
static const zj_table v2_table = {"court_case", v2_columns, 6};

static int mapping_v2_scenario(void)
{
    static const char text[] =
        "source_system: c\ntable: court_case\nkey: [case_no]\n"
        "when: {column: 案号, not_equals: 合计}\n"
        "derived: {ah: {column: 案号, parse: case_no}, n: {column: 编号, regex: '(\\d+)号'}}\n"
        "code_tables: {st: {已结: closed, 在办: ~}}\n"
        "fields:\n"
        "  case_no: {derived: ah}\n  case_type: {derived: ah.type}\n"
        "  status: {column: 状态, codes: st}\n"
        "  days: {column: 天数, number: plain, when: {column: 天数, gt: 0}}\n"
        "  closed_at: {column: 日期, when: {column: 状态, in: [已结]}}\n"
        "extra: {num: {derived: n}}\n"
        "rows:\n"
        "  - {name: r, table: court_case, repeat: {count: 天数}, "
        "fields: {case_no: {derived: ah}, days: {index: true}}}\n";
    zj_mapping *m = NULL;
    zj_error err = {0};
    if (zj_mapping_parse(text, sizeof text - 1, "t.yaml", &m, &err)) {
        assert_non_null(strstr(err.msg, "out of memory"));
        return 1;
    }
    assert_int_equal(zj_mapping_bind(m, &v2_table, &err), ZJ_OK);
    assert_int_equal(zj_mapping_bind_target(m, &m->rows[0], &v2_table, &err), ZJ_OK);
    static const char *const hdr[] = {"案号", "编号", "状态", "天数", "日期"};
    static const char *const cells[] = {"（2022）陕0104民初2号", "第15号", "已结", "2", "2022-03-01"};
    zj_span hs[5], rs[5];
    for (int i = 0; i < 5; i++) {
        hs[i] = (zj_span){hdr[i], strlen(hdr[i])};
        rs[i] = (zj_span){cells[i], strlen(cells[i])};
    }
    zj_row header = {hs, 5, 1, NULL}, row = {rs, 5, 2, NULL};
    zj_row_mapper *rm = NULL;
    int rc = 1;
    if (zj_row_mapper_new(m, &header, &rm, &err)) {
        assert_non_null(strstr(err.msg, "out of memory"));
        zj_mapping_free(m);
        return 1;
    }
    zj_mapped out;
    const char *bad;
    if (zj_mapping_apply(rm, &row, &out, &bad, &err)) {
        assert_non_null(strstr(err.msg, "out of memory"));
    } else {
        assert_int_equal(out.values[0].len, strlen(cells[0]));
        assert_memory_equal(out.values[5].text, "{\"num\":\"15\"}", out.values[5].len);
        size_t t;
        int got, made = 0;
        while ((got = zj_mapping_next_record(rm, &row, &t, &out, &bad, &err)) == 1)
            made++;
        if (got < 0)
            assert_non_null(strstr(err.msg, "out of memory"));
        else {
            assert_int_equal(made, 2);
            rc = 0;
        }
    }
    zj_row_mapper_free(rm);
    zj_mapping_free(m);
    return rc;
}

static void test_mapping_v2_oom(void **state)
{
    (void)state;
    torture(mapping_v2_scenario, "mapping v2");
}

static void test_input_oom(void **state)
{
    (void)state;
    torture(input_scenario, "input");
    torture(file_scenario, "file");
}

static void test_csv_oom(void **state)
{
    (void)state;
    torture(csv_scenario, "csv");
}

static void test_jsonl_oom(void **state)
{
    (void)state;
    torture(jsonl_scenario, "jsonl");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_input_oom),
        cmocka_unit_test(test_csv_oom),
        cmocka_unit_test(test_jsonl_oom),
        cmocka_unit_test(test_mapping_v2_oom),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
