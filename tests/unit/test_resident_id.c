/* test_resident_id.c - resident IDs (text/resident_id.c) and the region table (text/region.c):
 * the standard's own example, conversions, normalization and every rejection path. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "text/region.h"
#include "text/resident_id.h"

#define TODAY 20261127

/* Make an 18-character ID from 17 digits by appending the right check character. */
static void with_check(const char *d17, char out[19])
{
    memcpy(out, d17, 17);
    out[17] = zj_resident_id_check_char(d17);
    out[18] = '\0';
}

static const char *reason(const char *s)
{
    zj_resident_id id;
    const char *why = NULL;
    int rc = zj_resident_id_parse(s, strlen(s), TODAY, &id, &why);
    return rc == 0 ? NULL : why;
}

static void test_standard_example(void **state)
{
    (void)state;
    zj_resident_id id;
    const char *why = NULL;
    const char *s = "11010519491231002X";    /* GB 11643-1999's own example */
    assert_int_equal(zj_resident_id_parse(s, strlen(s), TODAY, &id, &why), 0);
    assert_string_equal(id.id, s);
    assert_int_equal(id.year, 1949);
    assert_int_equal(id.month, 12);
    assert_int_equal(id.day, 31);
    assert_int_equal(id.sex, 'F');            /* sequence 002: even */
    assert_int_equal(id.region_code, 110105);
    assert_true(id.region_exact);
    assert_false(id.converted);
    char name[128];
    zj_region_full_name(id.region_code, name, sizeof name);
    assert_string_equal(name, "北京市朝阳区");  /* 市辖区 placeholder skipped */
}

static void test_fifteen_to_eighteen(void **state)
{
    (void)state;
    char out[19];
    assert_int_equal(zj_resident_id_to18("110105491231002", 15, out), 0);
    assert_string_equal(out, "11010519491231002X");
    assert_int_equal(zj_resident_id_to18("11010549123100", 14, out), -1);
    assert_int_equal(zj_resident_id_to18("11010549123100a", 15, out), -1);

    zj_resident_id id;
    assert_int_equal(zj_resident_id_parse("110105491231002", 15, TODAY, &id, NULL), 0);
    assert_string_equal(id.id, "11010519491231002X");
    assert_true(id.converted);
    assert_int_equal(id.sex, 'F');
    assert_int_equal(zj_resident_id_parse("610102800101123", 15, TODAY, &id, NULL), 0);
    assert_int_equal(id.sex, 'M');
    assert_int_equal(id.year, 1980);
}

static void test_normalizes_fullwidth_lowercase_and_spaces(void **state)
{
    (void)state;
    zj_resident_id id;
    const char *fw = "１１０１０５１９４９１２３１００２ｘ";
    assert_int_equal(zj_resident_id_parse(fw, strlen(fw), TODAY, &id, NULL), 0);
    assert_string_equal(id.id, "11010519491231002X");
    const char *lower = " 110105 19491231 002x\t";
    assert_int_equal(zj_resident_id_parse(lower, strlen(lower), TODAY, &id, NULL), 0);
    assert_string_equal(id.id, "11010519491231002X");
    const char *ideo = "110105　19491231002X";   /* U+3000 */
    assert_int_equal(zj_resident_id_parse(ideo, strlen(ideo), TODAY, &id, NULL), 0);
}

static void test_not_nul_terminated(void **state)
{
    (void)state;
    char buf[40];
    memcpy(buf, "11010519491231002X99999", 23);   /* only the first 18 bytes are the span */
    zj_resident_id id;
    assert_int_equal(zj_resident_id_parse(buf, 18, TODAY, &id, NULL), 0);
    assert_string_equal(id.id, "11010519491231002X");
}

static void test_rejections(void **state)
{
    (void)state;
    char s[19];
    assert_string_equal(reason(""), "empty resident ID");
    assert_string_equal(reason("   "), "empty resident ID");
    assert_string_equal(reason("1101051949123100"),
                        "wrong length: expected 18 characters (or 15 for the old form)");
    assert_string_equal(reason("1101051949123100211"),
                        "wrong length: expected 18 characters (or 15 for the old form)");
    assert_string_equal(reason("110105194912310021"), "bad check character");
    assert_string_equal(reason("11010519491231002Y"),
                        "bad character: only digits and a final X are allowed");
    assert_string_equal(reason("1101051949123100X2"),
                        "bad character: only digits and a final X are allowed");
    assert_string_equal(reason("11010519491231002X1"),
                        "bad character: only digits and a final X are allowed");
    assert_string_equal(reason("1101051949123100211111111111111111111111111"),
                        "wrong length: expected 18 characters (or 15 for the old form)");
    assert_string_equal(reason("110105-19491231-002X"),
                        "bad character: only digits and a final X are allowed");
    assert_string_equal(reason("11010549123100X"),
                        "bad character: only digits and a final X are allowed");
    with_check("61010219990230123", s);                         /* 30 February */
    assert_string_equal(reason(s), "impossible birth date");
    with_check("61010219991301123", s);                         /* month 13 */
    assert_string_equal(reason(s), "impossible birth date");
    with_check("61010219990000123", s);
    assert_string_equal(reason(s), "impossible birth date");
    with_check("61010219000229123", s);                         /* 1900 is not a leap year */
    assert_string_equal(reason(s), "impossible birth date");
    with_check("61010220000229123", s);                         /* 2000 is */
    assert_null(reason(s));
    with_check("61010218991231123", s);
    assert_string_equal(reason(s), "birth date before 1900");
    with_check("61010220261128123", s);                         /* tomorrow */
    assert_string_equal(reason(s), "birth date in the future");
    with_check("61010220261127123", s);                         /* today */
    assert_null(reason(s));
    with_check("99010219800101123", s);
    assert_string_equal(reason(s), "unknown region: province code not in GB/T 2260");
    with_check("00010219800101123", s);
    assert_string_equal(reason(s), "unknown region: province code not in GB/T 2260");
    assert_string_equal(reason("99010580010112"
                               "3"), "unknown region: province code not in GB/T 2260");
    /* invalid UTF-8 and NUL bytes are just bad characters */
    assert_string_equal(reason("11010519491231002\xff"),
                        "bad character: only digits and a final X are allowed");
    zj_resident_id id;
    const char *why;
    assert_int_equal(zj_resident_id_parse("1101051949\0" "1231002X", 18, TODAY, &id, &why), -1);
    assert_string_equal(why, "bad character: only digits and a final X are allowed");
    assert_int_equal(zj_resident_id_parse(NULL, 0, TODAY, &id, NULL), -1);
}

static void test_abolished_region_still_valid(void **state)
{
    (void)state;
    char s[19];
    with_check("11010319800101123", s);                 /* 崇文区, merged into 东城区 in 2010 */
    zj_resident_id id;
    assert_int_equal(zj_resident_id_parse(s, 18, TODAY, &id, NULL), 0);
    assert_false(id.region_exact);
    char name[128];
    zj_region_full_name(id.region_code, name, sizeof name);
    assert_string_equal(name, "北京市");
}

static void test_today_zero_uses_clock(void **state)
{
    (void)state;
    zj_resident_id id;
    assert_int_equal(zj_resident_id_parse("11010519491231002X", 18, 0, &id, NULL), 0);
    char s[19];
    with_check("61010220991231123", s);
    const char *why;
    assert_int_equal(zj_resident_id_parse(s, 18, 0, &id, &why), -1);
    assert_string_equal(why, "birth date in the future");
}

static void test_region_lookup(void **state)
{
    (void)state;
    zj_region r;
    bool exact;
    assert_int_equal(zj_region_lookup(610113, &r, &exact), ZJ_REGION_COUNTY);
    assert_true(exact);
    assert_string_equal(r.province, "陕西省");
    assert_string_equal(r.city, "西安市");
    assert_string_equal(r.county, "雁塔区");
    assert_int_equal(zj_region_lookup(610100, &r, &exact), ZJ_REGION_CITY);
    assert_true(exact);
    assert_null(r.county);
    assert_int_equal(zj_region_lookup(610000, &r, &exact), ZJ_REGION_PROVINCE);
    assert_int_equal(zj_region_lookup(610198, &r, &exact), ZJ_REGION_CITY);
    assert_false(exact);
    assert_int_equal(zj_region_lookup(990000, &r, &exact), ZJ_REGION_NONE);
    assert_null(r.province);
    assert_int_equal(zj_region_lookup(-1, &r, NULL), ZJ_REGION_NONE);
    assert_int_equal(zj_region_lookup(1000000, &r, NULL), ZJ_REGION_NONE);
    assert_int_equal(zj_region_lookup(810000, &r, NULL), ZJ_REGION_PROVINCE);
    assert_string_equal(r.province, "香港特别行政区");
    assert_true(zj_region_province_known(61));
    assert_false(zj_region_province_known(99));
    char small[8];
    assert_true(zj_region_full_name(610113, small, sizeof small) > sizeof small);
    assert_int_equal(small[sizeof small - 1], '\0');
    assert_int_equal(zj_region_full_name(990000, small, sizeof small), 0);
    assert_string_equal(small, "");
    const char *ent = "西安市雁塔区某某商贸有限公司";
    assert_int_equal(zj_region_prefix_len(ent, strlen(ent)), strlen("西安市"));
    assert_int_equal(zj_region_prefix_len("陕西某", strlen("陕西某")), strlen("陕西"));
    assert_int_equal(zj_region_prefix_len("某某", strlen("某某")), 0);
    assert_true(zj_region_name_is("雁塔区", strlen("雁塔区")));
    assert_false(zj_region_name_is("雁塔", strlen("雁塔")));   /* no short county forms */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_standard_example),
        cmocka_unit_test(test_fifteen_to_eighteen),
        cmocka_unit_test(test_normalizes_fullwidth_lowercase_and_spaces),
        cmocka_unit_test(test_not_nul_terminated),
        cmocka_unit_test(test_rejections),
        cmocka_unit_test(test_abolished_region_still_valid),
        cmocka_unit_test(test_today_zero_uses_clock),
        cmocka_unit_test(test_region_lookup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
