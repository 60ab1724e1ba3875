/* test_mapping.c - unit tests for mapping files (ingest/mapping.c) and row mapping (map_row.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "ingest/mapping.h"

/* A stand-in for the store's court_case table. */
static const zj_column case_columns[] = {
    {"case_no", ZJ_TYPE_TEXT, true},       {"case_type", ZJ_TYPE_TEXT, false},
    {"filed_at", ZJ_TYPE_TIMESTAMP, false}, {"claim_amount", ZJ_TYPE_REAL, false},
    {"major", ZJ_TYPE_BOOL, false},        {"days", ZJ_TYPE_INTEGER, false},
    {"status", ZJ_TYPE_TEXT, false},       {"filed_date", ZJ_TYPE_DATE, false},
};
static const zj_table case_table = {"court_case", case_columns, 8};

static zj_mapping *parse_ok(const char *text)
{
    zj_mapping *m = NULL;
    zj_error err = {0};
    int rc = zj_mapping_parse(text, strlen(text), "t.yaml", &m, &err);
    if (rc)
        fail_msg("unexpected error: %s", err.msg);
    rc = zj_mapping_bind(m, &case_table, &err);
    if (rc)
        fail_msg("unexpected bind error: %s", err.msg);
    return m;
}

static void expect_parse_error(const char *text, const char *needle)
{
    zj_mapping *m = NULL;
    zj_error err = {0};
    int rc = zj_mapping_parse(text, strlen(text), "t.yaml", &m, &err);
    if (rc == ZJ_OK) {
        rc = zj_mapping_bind(m, &case_table, &err);
        zj_mapping_free(m);
    } else
        assert_null(m);
    assert_int_equal(rc, ZJ_EUSAGE);
    if (!strstr(err.msg, needle))
        fail_msg("error '%s' does not contain '%s'", err.msg, needle);
}

static void test_parse_errors(void **state)
{
    (void)state;
    expect_parse_error("- a\n- b\n", "t.yaml:1: a mapping file must be a YAML or JSON object");
    expect_parse_error("source_system: [unclosed\n", "not valid YAML or JSON");
    expect_parse_error("table: court_case\nfields: {case_no: a}\n", "missing 'source_system'");
    expect_parse_error("source_system: s\nfields: {case_no: a}\n", "missing 'table'");
    expect_parse_error("source_system: s\ntable: court_case\n", "'fields' must map");
    expect_parse_error("source_system: s\ntable: court_case\nfeilds: {}\n",
                       "t.yaml:3: unknown key 'feilds'");
    expect_parse_error("source_system: s\ntable: court_case\nfields:\n  case_no: {colum: a}\n",
                       "t.yaml:4: field 'case_no': unknown option 'colum'");
    expect_parse_error("source_system: s\ntable: court_case\nfields:\n  case_no: {}\n",
                       "field 'case_no' needs a 'column' or a 'const'");
    expect_parse_error("source_system: s\ntable: court_case\nfields:\n"
                       "  case_no: {column: a, const: b}\n", "has both 'column' and 'const'");
    expect_parse_error("source_system: s\ntable: court_case\nfields:\n"
                       "  case_no: {column: a, transforms: [trimm]}\n", "unknown transform 'trimm'");
    expect_parse_error("source_system: s\ntable: court_case\nfields:\n"
                       "  case_no: {column: a, codes: nope}\n", "no code table 'nope'");
    expect_parse_error("source_system: s\ntable: court_case\nfields:\n  case_no: a\n"
                       "  case_no: b\n", "t.yaml:5: key 'case_no' is given twice");
    expect_parse_error("source_system: s\ntable: court_case\nencoding: latin1\nfields: {case_no: a}\n",
                       "unknown encoding 'latin1'");
    expect_parse_error("source_system: s\ntable: court_case\ndelimiter: ab\nfields: {case_no: a}\n",
                       "delimiter 'ab' must be one ASCII character");
    expect_parse_error("source_system: s\ntable: court_case\nfields: {case_no: a, status: {column: "
                       "b, codes: {x: 1, x: 2}}}\n", "t.yaml:3: key 'x' is given twice");
    /* Binding: unknown field, required field unmapped, options that do not fit the type. */
    expect_parse_error("source_system: s\ntable: court_case\nfields: {case_no: a, judge: b}\n",
                       "table 'court_case' has no field 'judge'");
    expect_parse_error("source_system: s\ntable: court_case\nfields: {status: a}\n",
                       "requires field 'case_no'");
    expect_parse_error("source_system: s\ntable: court_case\nkey: [status]\nfields: {case_no: a}\n",
                       "key field 'status' is not mapped");
    expect_parse_error("source_system: s\ntable: court_case\nfields: {case_no: {column: a, "
                       "formats: ['%Y']}}\n", "'formats' is only for date");
    expect_parse_error("source_system: s\ntable: court_case\nfields: {case_no: a, status: {column: "
                       "b, scale: 10}}\n", "'scale' is only for numbers");
}

static void test_json_mapping_is_accepted(void **state)
{
    (void)state;
    zj_mapping *m = parse_ok("{\"source_system\": \"s\", \"table\": \"court_case\", "
                             "\"key\": [\"case_no\"], \"fields\": {\"case_no\": \"案号\"}}");
    assert_string_equal(m->source_system, "s");
    assert_int_equal(m->nfields, 1);
    assert_string_equal(m->fields[0].column, "案号");
    assert_true(m->fields[0].required);        /* NOT NULL in the table */
    assert_int_equal(strlen(m->digest), 64);
    zj_mapping_free(m);
}

/* Build a row from NUL-terminated strings (NULL = absent). */
static zj_row make_row(zj_span *spans, const char **cells, size_t n, int64_t line)
{
    for (size_t i = 0; i < n; i++)
        spans[i] = cells[i] ? (zj_span){cells[i], strlen(cells[i])} : (zj_span){NULL, 0};
    return (zj_row){spans, n, line, NULL};
}

static const char mapping_text[] =
    "source_system: court_cms\n"
    "table: court_case\n"
    "key: [case_no]\n"
    "null_values: ['', '-', '无']\n"
    "fields:\n"
    "  case_no: {column: 案号, transforms: [halfwidth, remove_spaces, upper]}\n"
    "  case_type: {column: 类型, codes: {民事一审: 民初, _default: other}}\n"
    "  filed_at: {column: 立案时间, formats: ['%Y年%m月%d日 %H时%M分', '%Y-%m-%d']}\n"
    "  claim_amount: {column: 标的额, transforms: [strip_thousands], scale: 0.0001}\n"
    "  major: {column: 重大, true: [重大], false: [一般]}\n"
    "  days: {column: 天数, default: '0'}\n"
    "  status: {const: open}\n"
    "  filed_date: {column: 立案时间, formats: ['%Y年%m月%d日 %H时%M分', '%Y-%m-%d']}\n";

static void test_apply_converts_and_keys(void **state)
{
    (void)state;
    zj_mapping *m = parse_ok(mapping_text);
    const char *hdr[] = {"\xEF\xBB\xBF案号", " 类型 ", "立案时间", "标的额", "重大", "天数", "extra"};
    zj_span hs[7], rs[7];
    zj_row header = make_row(hs, hdr, 7, 1);
    zj_row_mapper *rm;
    zj_error err = {0};
    assert_int_equal(zj_row_mapper_new(m, &header, &rm, &err), ZJ_OK);

    const char *cells[] = {" （２０２１）陕01 民初1号ａ　", "民事一审", "2021年3月5日 9时30分",
                           "1,234,567", "重大", "-", "ignored"};
    zj_row row = make_row(rs, cells, 7, 2);
    zj_mapped out;
    const char *bad;
    if (zj_mapping_apply(rm, &row, &out, &bad, &err))
        fail_msg("%s", err.msg);
    /* halfwidth folds full-width ASCII but not the full-width brackets' CJK forms? （ is
     * U+FF08, which is full-width ASCII '(' - so it folds too. */
    assert_int_equal(out.values[0].len, strlen("(2021)陕01民初1号A"));
    assert_memory_equal(out.values[0].text, "(2021)陕01民初1号A", out.values[0].len);
    assert_memory_equal(out.values[1].text, "民初", 6);
    assert_int_equal(out.values[2].len, 19);
    assert_memory_equal(out.values[2].text, "2021-03-05 09:30:00", 19);
    assert_float_equal(out.values[3].r, 123.4567, 1e-9);
    assert_int_equal(out.values[4].i, 1);
    assert_false(out.values[5].is_null);       /* '-' is null, then the default 0 */
    assert_int_equal(out.values[5].i, 0);
    assert_memory_equal(out.values[6].text, "open", 4);
    assert_memory_equal(out.values[7].text, "2021-03-05", 10);  /* date field from a time */
    assert_int_equal(out.key_len, strlen("(2021)陕01民初1号A"));
    int64_t h1 = out.content_hash;

    /* The same values spelled differently (full-width, thousands separators, a code) hash
     * the same; a changed value does not. */
    const char *same2[] = {"(2021)陕01民初1号A", "民事一审", "2021年03月05日 09时30分", "1234567",
                           "重大", "0", "x"};
    row = make_row(rs, same2, 7, 3);
    if (zj_mapping_apply(rm, &row, &out, &bad, &err))
        fail_msg("%s", err.msg);
    assert_true(out.content_hash == h1);
    const char *changed[] = {"(2021)陕01民初1号A", "民事一审", "2021年3月5日 9时30分", "1234568",
                             "重大", "0", "x"};
    row = make_row(rs, changed, 7, 4);
    assert_int_equal(zj_mapping_apply(rm, &row, &out, &bad, &err), ZJ_OK);
    assert_true(out.content_hash != h1);

    /* Unknown code goes to _default. */
    const char *other[] = {"X1", "奇怪", "2021-01-01", "", "一般", "3", ""};
    row = make_row(rs, other, 7, 5);
    assert_int_equal(zj_mapping_apply(rm, &row, &out, &bad, &err), ZJ_OK);
    assert_memory_equal(out.values[1].text, "other", 5);
    assert_true(out.values[3].is_null);
    assert_int_equal(out.values[4].i, 0);
    assert_int_equal(out.values[5].i, 3);
    zj_row_mapper_free(rm);
    zj_mapping_free(m);
}

static void expect_reject(zj_row_mapper *rm, const char **cells, size_t n, const char *field,
                          const char *needle)
{
    zj_span rs[16];
    zj_row row = make_row(rs, cells, n, 9);
    zj_mapped out;
    const char *bad = "unset";
    zj_error err = {0};
    assert_int_equal(zj_mapping_apply(rm, &row, &out, &bad, &err), ZJ_EDATA);
    if (field)
        assert_string_equal(bad, field);
    else
        assert_null(bad);
    if (!strstr(err.msg, needle))
        fail_msg("reason '%s' does not contain '%s'", err.msg, needle);
}

static void test_apply_rejects(void **state)
{
    (void)state;
    zj_mapping *m = parse_ok(mapping_text);
    const char *hdr[] = {"案号", "类型", "立案时间", "标的额", "重大", "天数"};
    zj_span hs[6];
    zj_row header = make_row(hs, hdr, 6, 1);
    zj_row_mapper *rm;
    zj_error err = {0};
    assert_int_equal(zj_row_mapper_new(m, &header, &rm, &err), ZJ_OK);

    expect_reject(rm, (const char *[]){"A", "民事一审", "2021-02-30", "1", "重大", "1"}, 6,
                  "filed_at", "field 'filed_at' (column 立案时间): cannot parse date '2021-02-30'");
    expect_reject(rm, (const char *[]){"A", "民事一审", "2021-02-03", "1.2.3", "重大", "1"}, 6,
                  "claim_amount", "'1.2.3' is not a number");
    expect_reject(rm, (const char *[]){"A", "民事一审", "2021-02-03", "inf", "重大", "1"}, 6,
                  "claim_amount", "is not a number");
    expect_reject(rm, (const char *[]){"A", "民事一审", "2021-02-03", "1", "maybe", "1"}, 6,
                  "major", "'maybe' is not a yes/no value");
    expect_reject(rm, (const char *[]){"A", "民事一审", "2021-02-03", "1", "重大", "1.5"}, 6,
                  "days", "'1.5' is not a whole number");
    expect_reject(rm, (const char *[]){"无", "民事一审", "2021-02-03", "1", "重大", "1"}, 6,
                  "case_no", "required value is missing");
    expect_reject(rm, (const char *[]){"A\xC3", "民事一审", "2021-02-03", "1", "重大", "1"}, 6,
                  "case_no", "invalid byte sequence");
    expect_reject(rm, (const char *[]){"A", "民事一审", "2021-02-03", "1", "重大"}, 5, NULL,
                  "expected 6 fields as in the header, found 5");
    zj_span rs[1];
    zj_row broken = {rs, 0, 7, "unterminated quoted field"};
    zj_mapped out;
    const char *bad;
    assert_int_equal(zj_mapping_apply(rm, &broken, &out, &bad, &err), ZJ_EDATA);
    assert_string_equal(err.msg, "unterminated quoted field");
    zj_row_mapper_free(rm);

    /* A header without a mapped column names the column and lists the header. */
    const char *short_hdr[] = {"案号", "类型"};
    header = make_row(hs, short_hdr, 2, 1);
    assert_int_equal(zj_row_mapper_new(m, &header, &rm, &err), ZJ_EUSAGE);
    assert_non_null(strstr(err.msg, "column '立案时间' is not in the file's header (the header "
                                    "has: 案号, 类型)"));
    zj_mapping_free(m);
}

static void test_strict_codes_and_no_key(void **state)
{
    (void)state;
    zj_mapping *m = parse_ok("source_system: s\ntable: court_case\nfields:\n"
                             "  case_no: a\n  status: {column: b, codes: {1: open, 2: closed}}\n");
    const char *hdr[] = {"a", "b"};
    zj_span hs[2];
    zj_row header = make_row(hs, hdr, 2, 1);
    zj_row_mapper *rm;
    zj_error err = {0};
    assert_int_equal(zj_row_mapper_new(m, &header, &rm, &err), ZJ_OK);
    expect_reject(rm, (const char *[]){"X", "3"}, 2, "status",
                  "unknown code '3' (add it to code table 'status')");
    zj_span rs[2];
    zj_row row = make_row(rs, (const char *[]){"X", "2"}, 2, 2);
    zj_mapped out;
    const char *bad;
    assert_int_equal(zj_mapping_apply(rm, &row, &out, &bad, &err), ZJ_OK);
    assert_memory_equal(out.values[1].text, "closed", 6);
    /* Without a key the record is keyed by its content hash: 16 hex digits. */
    assert_int_equal(out.key_len, 16);
    zj_row_mapper_free(rm);
    zj_mapping_free(m);
}

static void test_key_with_missing_parts(void **state)
{
    (void)state;
    zj_mapping *m = parse_ok("source_system: s\ntable: court_case\nkey: [status, case_type]\n"
                             "fields: {case_no: a, status: b, case_type: c}\n");
    const char *hdr[] = {"a", "b", "c"};
    zj_span hs[3], rs[3];
    zj_row header = make_row(hs, hdr, 3, 1);
    zj_row_mapper *rm;
    zj_error err = {0};
    assert_int_equal(zj_row_mapper_new(m, &header, &rm, &err), ZJ_OK);
    zj_row row = make_row(rs, (const char *[]){"X", "", "民初"}, 3, 2);
    zj_mapped out;
    const char *bad;
    assert_int_equal(zj_mapping_apply(rm, &row, &out, &bad, &err), ZJ_OK);
    assert_int_equal(out.key_len, strlen("\x1f民初"));
    assert_memory_equal(out.key, "\x1f民初", out.key_len);
    expect_reject(rm, (const char *[]){"X", "", "NULL"}, 3, "status", "every key field");
    zj_row_mapper_free(rm);
    zj_mapping_free(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_errors),
        cmocka_unit_test(test_json_mapping_is_accepted),
        cmocka_unit_test(test_apply_converts_and_keys),
        cmocka_unit_test(test_apply_rejects),
        cmocka_unit_test(test_strict_codes_and_no_key),
        cmocka_unit_test(test_key_with_missing_parts),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
