/* test_case_no.c - court case numbers (text/case_no.c) and procuratorate/police document
 * numbers (text/docnum.c): case numbers from published judgments, bracket and digit variants,
 * legacy numbers and every rejection path. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "text/case_no.h"
#include "text/docnum.h"

static zj_case_no parse_ok(const char *s)
{
    zj_case_no c;
    const char *why = "not set";
    int rc = zj_case_no_parse(s, strlen(s), &c, &why);
    if (rc != 0)
        fail_msg("'%s' rejected: %s", s, why);
    return c;
}

static const char *reason(const char *s)
{
    zj_case_no c;
    const char *why = NULL;
    return zj_case_no_parse(s, strlen(s), &c, &why) == 0 ? NULL : why;
}

static void test_published_examples(void **state)
{
    (void)state;
    zj_case_no c = parse_ok("(2018)陕01执812号");
    assert_int_equal(c.style, ZJ_CASE_CURRENT);
    assert_int_equal(c.year, 2018);
    assert_string_equal(c.court_code, "陕01");
    assert_int_equal(c.court_level, ZJ_COURT_INTERMEDIATE);
    assert_string_equal(c.type->code, "执");
    assert_string_equal(c.type->name_zh, "首次执行案件");
    assert_string_equal(c.type->category, "enforcement");
    assert_int_equal(c.serial, 812);
    assert_string_equal(c.normalized, "（2018）陕01执812号");

    c = parse_ok("(2020)陕0113民初19397号");
    assert_string_equal(c.court_code, "陕0113");
    assert_int_equal(c.court_level, ZJ_COURT_BASIC);
    assert_string_equal(c.type->code, "民初");
    assert_string_equal(c.type->procedure, "first_instance");
    assert_int_equal(c.serial, 19397);
    assert_string_equal(c.normalized, "（2020）陕0113民初19397号");

    c = parse_ok("(2024)陕0112执恢4303号");
    assert_string_equal(c.type->code, "执恢");
    assert_string_equal(c.type->name_zh, "恢复执行案件");

    c = parse_ok("(2017)粤刑终229号");
    assert_string_equal(c.court_code, "粤");
    assert_int_equal(c.court_level, ZJ_COURT_HIGH);
    assert_string_equal(c.type->code, "刑终");
    assert_string_equal(c.type->procedure, "second_instance");

    c = parse_ok("（2020）最高法民终45号");
    assert_string_equal(c.court_code, "最高法");
    assert_int_equal(c.court_level, ZJ_COURT_SUPREME);
    assert_string_equal(c.type->code, "民终");
    assert_string_equal(c.normalized, "（2020）最高法民终45号");
    assert_null(c.court_kind);

    c = parse_ok("（2021）陕01民初123号");
    assert_int_equal(c.serial, 123);
}

static void test_specialised(void **state)
{
    (void)state;
    zj_case_no c = parse_ok("（2019）最高法知民终1号");
    assert_string_equal(c.special_code, "知");
    assert_string_equal(c.type->code, "民终");
    assert_string_equal(c.normalized, "（2019）最高法知民终1号");
    c = parse_ok("（2019）沪72民初100号");
    assert_string_equal(c.court_kind, "maritime");
    c = parse_ok("（2018）京73民初1号");
    assert_string_equal(c.court_kind, "intellectual property");
    c = parse_ok("（2020）陕7101刑初5号");
    assert_int_equal(c.court_level, ZJ_COURT_BASIC);
    assert_string_equal(c.court_kind, "railway transport");
    c = parse_ok("（2016）兵08民终100号");
    assert_string_equal(c.court_code, "兵08");
    c = parse_ok("（2020）京01民终123号之一");
    assert_int_equal(c.sub_no, 1);
    assert_string_equal(c.normalized, "（2020）京01民终123号之一");
}

static void test_variants_normalize(void **state)
{
    (void)state;
    static const char *const variants[] = {
        "（2021）陕01民初123号", "(2021)陕01民初123号", "〔2021〕陕01民初123号",
        "[2021]陕01民初123号", "【2021】陕01民初123号", "［２０２１］陕０１民初１２３号",
        " ( 2021 ) 陕 01 民初 123 号 ", "（2021)陕01民初0123号", "﹝2021﹞陕01民初123号",
        "（２０２１）陕０１民初１２３号",
    };
    for (size_t i = 0; i < sizeof variants / sizeof variants[0]; i++) {
        zj_case_no c = parse_ok(variants[i]);
        assert_string_equal(c.normalized, "（2021）陕01民初123号");
    }
}

static void test_legacy(void **state)
{
    (void)state;
    zj_case_no c = parse_ok("(2014)深中法商终字第1012号");
    assert_int_equal(c.style, ZJ_CASE_LEGACY);
    assert_int_equal(c.year, 2014);
    assert_int_equal(c.serial, 1012);
    assert_null(c.type);
    assert_string_equal(c.court_code, "");
    assert_int_equal(c.court_level, ZJ_COURT_UNKNOWN);
    assert_string_equal(c.legacy_text, "深中法商终");
    assert_string_equal(c.normalized, "（2014）深中法商终字第1012号");
    assert_string_equal(reason("(2014)字第1012号"),
                        "legacy case number without text before 字第");
    assert_string_equal(reason("(2014)深中法商终字第号"), "missing serial number");
    assert_string_equal(reason("(2014)AB字第12号"), "unknown court code");
    /* found by fuzz_case_no: NUL bytes used to vanish from the normalized form */
    zj_case_no c2;
    const char *why;
    static const char nul[] = "(2014)\0\0深中法商终字第1012号";
    assert_int_equal(zj_case_no_parse(nul, sizeof nul - 1, &c2, &why), -1);
    assert_string_equal(why, "control character in input");
    /* found by fuzz_case_no: stray bytes around a dropped U+00A0 must not join */
    static const char joined[] = "(2014)公深\xc2\xc2\xa0\xa0字第112号";
    assert_int_equal(zj_case_no_parse(joined, sizeof joined - 1, &c2, &why), -1);
    assert_string_equal(why, "invalid UTF-8");
    static const char c1[] = "(2014)公深\xc2\x88字第112号";          /* U+0088 */
    assert_int_equal(zj_case_no_parse(c1, sizeof c1 - 1, &c2, &why), -1);
    assert_string_equal(why, "control character in input");
}

static void test_rejections(void **state)
{
    (void)state;
    assert_string_equal(reason(""), "empty case number");
    assert_string_equal(reason("  　"), "empty case number");
    assert_string_equal(reason("2021陕01民初123号"), "missing opening bracket before the year");
    assert_string_equal(reason("<2021>陕01民初123号"), "missing opening bracket before the year");
    assert_string_equal(reason("(21)陕01民初123号"), "year must be 4 digits");
    assert_string_equal(reason("(20211)陕01民初123号"), "year must be 4 digits");
    assert_string_equal(reason("(2021陕01民初123号"), "missing closing bracket after the year");
    assert_string_equal(reason("(1900)陕01民初123号"), "year out of range (1949-2099)");
    assert_string_equal(reason("(2021)"), "missing court code");
    assert_string_equal(reason("(2021)秦01民初123号"), "unknown court code");
    assert_string_equal(reason("(2021)陕001民初123号"), "court code must have 0, 2 or 4 digits");
    assert_string_equal(reason("(2021)陕00民初123号"), "unknown court code");
    assert_string_equal(reason("(2021)最高法123号"), "missing case type code");
    assert_string_equal(reason("(2021)陕01123号"), "court code must have 0, 2 or 4 digits");
    assert_string_equal(reason("(2021)陕01民事123号"), "unknown case type code");
    assert_string_equal(reason("(2021)陕01民初号"), "missing serial number");
    assert_string_equal(reason("(2021)陕01民初12345678号"), "serial number too long");
    assert_string_equal(reason("(2021)陕01民初0号"), "serial number must be positive");
    assert_string_equal(reason("(2021)陕01民初123"), "missing 号 at the end");
    assert_string_equal(reason("(2021)陕01民初123号判决书"), "unexpected text after 号");
    assert_string_equal(reason("(2021)陕01民初123号之"), "unexpected text after 号");
    assert_string_equal(reason("(2021)陕01民初123\xff号"), "invalid UTF-8");
    assert_string_equal(reason("(2021)陕01民初a123号"), "unknown case type code");
    char big[2000];
    memset(big, '1', sizeof big);
    zj_case_no c;
    const char *why;
    assert_int_equal(zj_case_no_parse(big, sizeof big, &c, &why), -1);
    assert_string_equal(why, "case number too long");
    assert_int_equal(zj_case_no_parse(big, 300, &c, &why), -1);
    assert_string_equal(why, "case number too long");
}

static void test_type_table(void **state)
{
    (void)state;
    size_t n;
    const zj_case_type *t = zj_case_types(&n);
    assert_true(n > 80);
    for (size_t i = 0; i < n; i++) {
        assert_ptr_equal(zj_case_type_find(t[i].code, strlen(t[i].code)), &t[i]);
        assert_true(t[i].name_zh[0] && t[i].name_en[0] && t[i].procedure[0]);
    }
    static const char *const needed[] = {"民初", "民终", "民再", "民申", "刑初", "刑终", "行初",
                                         "行终", "执", "执恢", "执异", "执复", "执监", "破",
                                         "财保", "司惩", "委赔", "刑核", "刑更"};
    for (size_t i = 0; i < sizeof needed / sizeof needed[0]; i++)
        assert_non_null(zj_case_type_find(needed[i], strlen(needed[i])));
    assert_null(zj_case_type_find("民", 3));
    assert_string_equal(zj_court_level_name(ZJ_COURT_BASIC), "basic");
    assert_string_equal(zj_court_level_name(ZJ_COURT_UNKNOWN), "unknown");
}

static void test_docnum(void **state)
{
    (void)state;
    zj_docnum d;
    const char *why = NULL;
    const char *s = "渝巴检刑诉〔2016〕585号";
    assert_int_equal(zj_docnum_parse(s, strlen(s), &d, &why), 0);
    assert_int_equal(d.kind, ZJ_DOC_PROCURATORATE);
    assert_string_equal(d.agency, "渝巴检");
    assert_string_equal(d.doc_code, "刑诉");
    assert_string_equal(d.doc_name, "起诉书");
    assert_int_equal(d.year, 2016);
    assert_string_equal(d.serial, "585");
    assert_string_equal(d.normalized, "渝巴检刑诉〔2016〕585号");

    s = "陕检刑诉[2021]12号";
    assert_int_equal(zj_docnum_parse(s, strlen(s), &d, &why), 0);
    assert_string_equal(d.normalized, "陕检刑诉〔2021〕12号");

    s = "海公（刑）立字〔2026〕018号";
    assert_int_equal(zj_docnum_parse(s, strlen(s), &d, &why), 0);
    assert_int_equal(d.kind, ZJ_DOC_POLICE);
    assert_string_equal(d.agency, "海公");
    assert_string_equal(d.doc_code, "（刑）立字");
    assert_string_equal(d.doc_name, "立案决定书");
    assert_string_equal(d.serial, "018");
    assert_string_equal(d.normalized, "海公（刑）立字〔2026〕018号");

    s = "京公海行罚决字〔2023〕50316号";
    assert_int_equal(zj_docnum_parse(s, strlen(s), &d, &why), 0);
    assert_int_equal(d.kind, ZJ_DOC_POLICE);
    assert_string_equal(d.agency, "京公");
    assert_string_equal(d.doc_name, "行政处罚决定书");

    s = "京检一分公诉刑诉〔2016〕1号";                /* 公诉 must not make it police */
    assert_int_equal(zj_docnum_parse(s, strlen(s), &d, &why), 0);
    assert_int_equal(d.kind, ZJ_DOC_PROCURATORATE);
    assert_string_equal(d.agency, "京检");

    s = "法释〔2016〕23号";
    assert_int_equal(zj_docnum_parse(s, strlen(s), &d, &why), 0);
    assert_int_equal(d.kind, ZJ_DOC_OTHER);
    assert_null(d.doc_name);
    assert_string_equal(zj_doc_kind_name(d.kind), "other");

    static const struct {
        const char *in, *why;
    } bad[] = {
        {"", "empty document number"},
        {"渝巴检刑诉2016585号", "missing bracketed 4-digit year"},
        {"〔2016〕585号", "missing issuer before the year"},
        {"渝巴检刑诉〔2016〕号", "missing serial number"},
        {"渝巴检刑诉〔2016〕585", "missing 号 at the end"},
        {"渝巴检刑诉〔2016〕585号附件", "unexpected text after 号"},
        {"渝巴检刑诉〔2016〕12345678901234567号", "serial number too long"},
        {"渝巴\xc0检刑诉〔2016〕585号", "invalid UTF-8"},
        {"渝巴\x01检刑诉〔2016〕585号", "control character in input"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        why = NULL;
        assert_int_equal(zj_docnum_parse(bad[i].in, strlen(bad[i].in), &d, &why), -1);
        assert_string_equal(why, bad[i].why);
    }
    /* found by fuzz_case_no: a year with a leading zero must survive normalization */
    s = "浈刑）立字〔0198〕018号";
    assert_int_equal(zj_docnum_parse(s, strlen(s), &d, &why), 0);
    assert_string_equal(d.normalized, "浈刑）立字〔0198〕018号");
    assert_int_equal(zj_docnum_parse(d.normalized, strlen(d.normalized), &d, &why), 0);

    /* a court case number is not a document number */
    s = "(2021)陕01民初123号";
    assert_int_equal(zj_docnum_parse(s, strlen(s), &d, &why), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_published_examples),
        cmocka_unit_test(test_specialised),
        cmocka_unit_test(test_variants_normalize),
        cmocka_unit_test(test_legacy),
        cmocka_unit_test(test_rejections),
        cmocka_unit_test(test_type_table),
        cmocka_unit_test(test_docnum),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
