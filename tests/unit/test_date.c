/* test_date.c - unit tests for the date parser (text/date.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "text/date.h"

/* Parse with `formats` (NULL: defaults) and render the result as ISO text, or "!reason". */
static const char *parse_with(const char *s, const char *const *formats)
{
    static char out[64];
    zj_datetime d;
    const char *why = NULL;
    if (zj_date_parse(s, strlen(s), formats, &d, &why) != 0) {
        assert_non_null(why);
        snprintf(out, sizeof out, "!%s", why);
        return out;
    }
    assert_null(why);
    int n = zj_date_format_iso(&d, d.has_time, out, sizeof out);
    assert_int_equal(n, d.has_time ? 19 : 10);
    return out;
}

static const char *parse(const char *s) { return parse_with(s, NULL); }

static void test_every_default_format(void **state)
{
    (void)state;
    static const char *const cases[][2] = {
        {"2021-12-15", "2021-12-15"},
        {"2021-12-15 08:30", "2021-12-15 08:30:00"},
        {"2021-12-15 08:30:59", "2021-12-15 08:30:59"},
        {"2021/12/15", "2021-12-15"},
        {"2021/1/5 08:30", "2021-01-05 08:30:00"},
        {"2021/12/15 8:05:09", "2021-12-15 08:05:09"},
        {"2021.12.15", "2021-12-15"},
        {"2021.12.15 23:59", "2021-12-15 23:59:00"},
        {"2021.1.2 0:0:0", "2021-01-02 00:00:00"},
        {"2021年12月15日", "2021-12-15"},
        {"2021年1月5日", "2021-01-05"},
        {"2021年12月15日 08:30", "2021-12-15 08:30:00"},
        {"2021年12月15日 08:30:01", "2021-12-15 08:30:01"},
        {"20211215", "2021-12-15"},
        {"20211215 08:30", "2021-12-15 08:30:00"},
        {"20211215 08:30:45", "2021-12-15 08:30:45"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const char *got = parse(cases[i][0]);
        if (strcmp(got, cases[i][1]) != 0)
            fail_msg("'%s': got '%s', want '%s'", cases[i][0], got, cases[i][1]);
    }
    /* The list itself: 5 date styles, each plain, with minutes and with seconds. */
    size_t n = 0;
    while (zj_date_default_formats[n])
        n++;
    assert_int_equal(n, 15);
}

static void test_has_time(void **state)
{
    (void)state;
    zj_datetime d;
    assert_int_equal(zj_date_parse("2021-12-15", 10, NULL, &d, NULL), 0);
    assert_false(d.has_time);
    assert_int_equal(d.hour + d.minute + d.second, 0);
    assert_int_equal(zj_date_parse("2021-12-15 00:00", 16, NULL, &d, NULL), 0);
    assert_true(d.has_time);
    assert_int_equal(d.year, 2021);
    assert_int_equal(d.month, 12);
    assert_int_equal(d.day, 15);
}

static void test_spaces_and_T(void **state)
{
    (void)state;
    assert_string_equal(parse("  2021-12-15\t "), "2021-12-15");
    assert_string_equal(parse("\xE3\x80\x80" "2021-12-15" "\xE3\x80\x80"), "2021-12-15");
    assert_string_equal(parse("2021-12-15   08:30"), "2021-12-15 08:30:00");
    assert_string_equal(parse("2021-12-15T08:30:00"), "2021-12-15 08:30:00");
    assert_string_equal(parse("2021-12-15TT08:30:00"), "!no format matched");
    assert_string_equal(parse("2021-12-15 T08:30:00"), "!no format matched");
    assert_string_equal(parse("2021-12-1508:30"), "!no format matched");
    assert_string_equal(parse(""), "!no format matched");
    assert_string_equal(parse("   "), "!no format matched");
    zj_datetime d;
    const char *why = NULL;
    assert_int_equal(zj_date_parse(NULL, 0, NULL, &d, &why), -1);
    assert_string_equal(why, "no format matched");
    assert_int_equal(zj_date_parse("x", 1, NULL, &d, NULL), -1);   /* why may be NULL */
}

static void test_full_width_digits(void **state)
{
    (void)state;
    assert_string_equal(parse("２０２１年１２月１５日"), "2021-12-15");
    assert_string_equal(parse("２０２１-1２-0５"), "2021-12-05");
    assert_string_equal(parse("２０２１１２１５"), "2021-12-15");
    assert_string_equal(parse("2021年12月15日 ０８:３０"), "2021-12-15 08:30:00");
    /* Full-width punctuation is not a digit and is not translated. */
    assert_string_equal(parse("2021－12－15"), "!no format matched");
    /* A truncated full-width digit. */
    assert_string_equal(parse("2021-12-1\xEF\xBC"), "!no format matched");
}

static void test_leap_years(void **state)
{
    (void)state;
    assert_string_equal(parse("2020-02-29"), "2020-02-29");
    assert_string_equal(parse("2021-02-29"), "!impossible date");
    assert_string_equal(parse("2000-02-29"), "2000-02-29");       /* divisible by 400 */
    assert_string_equal(parse("1900-02-29"), "!impossible date"); /* by 100, not 400 */
    assert_string_equal(parse("2100-02-29"), "!impossible date");
    assert_string_equal(parse("2024年2月29日"), "2024-02-29");
    assert_true(zj_date_valid(2000, 2, 29));
    assert_false(zj_date_valid(1900, 2, 29));
    assert_false(zj_date_valid(2100, 2, 29));
    assert_true(zj_date_valid(2024, 2, 29));
    assert_false(zj_date_valid(2023, 2, 29));
    assert_true(zj_date_valid(1600, 2, 29));    /* no range limit in zj_date_valid */
}

static void test_impossible_values(void **state)
{
    (void)state;
    assert_string_equal(parse("2021-13-01"), "!impossible date");
    assert_string_equal(parse("2021-00-10"), "!impossible date");
    assert_string_equal(parse("2021-04-31"), "!impossible date");
    assert_string_equal(parse("2021-04-00"), "!impossible date");
    assert_string_equal(parse("2021-12-31"), "2021-12-31");
    assert_string_equal(parse("2021-12-15 24:00"), "!impossible date");
    assert_string_equal(parse("2021-12-15 23:60"), "!impossible date");
    assert_string_equal(parse("2021-12-15 23:59:60"), "!impossible date");
    assert_string_equal(parse("1899-12-31"), "!impossible date");
    assert_string_equal(parse("1900-01-01"), "1900-01-01");
    assert_string_equal(parse("2100-12-31"), "2100-12-31");
    assert_string_equal(parse("2101-01-01"), "!impossible date");
    assert_string_equal(parse("20211315"), "!impossible date");
    for (int m = 1; m <= 12; m++) {
        static const int dim[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
        assert_true(zj_date_valid(2021, m, dim[m - 1]));
        assert_false(zj_date_valid(2021, m, dim[m - 1] + 1));
    }
    assert_false(zj_date_valid(2021, 0, 1));
    assert_false(zj_date_valid(2021, 13, 1));
    assert_false(zj_date_valid(2021, 1, 0));
}

static void test_garbage_rejected(void **state)
{
    (void)state;
    assert_string_equal(parse("2021-12-15x"), "!no format matched");
    assert_string_equal(parse("2021-12-15 08:30x"), "!no format matched");
    assert_string_equal(parse("x2021-12-15"), "!no format matched");
    assert_string_equal(parse("2021-12-155"), "!no format matched");    /* 3-digit day */
    assert_string_equal(parse("21-12-15"), "!no format matched");       /* 2-digit year */
    assert_string_equal(parse("02021-12-15"), "!no format matched");
    assert_string_equal(parse("2021-12"), "!no format matched");
    assert_string_equal(parse("2021-12-15 08"), "!no format matched");
    assert_string_equal(parse("2021-12-15 08:30:"), "!no format matched");
    assert_string_equal(parse("2021/12-15"), "!no format matched");
    assert_string_equal(parse("202112150"), "!no format matched");
    assert_string_equal(parse("2021121"), "!no format matched");        /* fixed widths */
    assert_string_equal(parse("2021年12月15"), "!no format matched");
    assert_string_equal(parse("-2021-12-15"), "!no format matched");
}

static void test_custom_formats(void **state)
{
    (void)state;
    static const char *const dmy[] = {"%d/%m/%Y", NULL};
    assert_string_equal(parse_with("15/12/2021", dmy), "2021-12-15");
    assert_string_equal(parse_with("2021-12-15", dmy), "!no format matched");
    static const char *const cn_time[] = {"%Y年%m月%d日%H时%M分%S秒", NULL};
    assert_string_equal(parse_with("2021年12月15日8时5分3秒", cn_time), "2021-12-15 08:05:03");
    static const char *const compact_time[] = {"%Y%m%d%H%M%S", NULL};
    assert_string_equal(parse_with("20211215083009", compact_time), "2021-12-15 08:30:09");
    static const char *const pct[] = {"%Y%%%m%%%d", NULL};
    assert_string_equal(parse_with("2021%12%5", pct), "2021-12-05");
    /* Bad formats never match: an unknown conversion, a trailing '%', no date at all. */
    static const char *const bad[] = {"%Y-%m-%e", "%Y-%m-%d%", "%Y-%m-%", NULL};
    assert_string_equal(parse_with("2021-12-15", bad), "!no format matched");
    static const char *const no_date[] = {"%H:%M", NULL};
    assert_string_equal(parse_with("08:30", no_date), "!impossible date");
    static const char *const none[] = {NULL};
    assert_string_equal(parse_with("2021-12-15", none), "!no format matched");
    /* A later format still wins after an earlier one matched an impossible date. */
    static const char *const two[] = {"%Y-%d-%m", "%Y-%m-%d", NULL};
    assert_string_equal(parse_with("2021-12-31", two), "2021-12-31");
}

static void test_format_iso(void **state)
{
    (void)state;
    char buf[32];
    zj_datetime d = {.year = 2021, .month = 1, .day = 5, .hour = 8, .minute = 3, .second = 9};
    assert_int_equal(zj_date_format_iso(&d, false, buf, sizeof buf), 10);
    assert_string_equal(buf, "2021-01-05");
    assert_int_equal(zj_date_format_iso(&d, true, buf, sizeof buf), 19);
    assert_string_equal(buf, "2021-01-05 08:03:09");
    assert_int_equal(zj_date_format_iso(&d, false, buf, 11), 10);
    assert_int_equal(zj_date_format_iso(&d, false, buf, 10), -1);
    assert_string_equal(buf, "");
    assert_int_equal(zj_date_format_iso(&d, true, buf, 19), -1);
    assert_int_equal(zj_date_format_iso(&d, true, buf, 0), -1);
    d.year = 10000;
    assert_int_equal(zj_date_format_iso(&d, false, buf, sizeof buf), -1);
    d.year = 2021;
    d.hour = -1;
    assert_int_equal(zj_date_format_iso(&d, true, buf, sizeof buf), -1);
    assert_int_equal(zj_date_format_iso(&d, false, buf, sizeof buf), 10);   /* time unused */
}

static void test_days_from_civil(void **state)
{
    (void)state;
    assert_int_equal(zj_days_from_civil(1970, 1, 1), 0);
    assert_int_equal(zj_days_from_civil(1970, 1, 2), 1);
    assert_int_equal(zj_days_from_civil(1969, 12, 31), -1);
    assert_int_equal(zj_days_from_civil(2000, 3, 1), 11017);
    assert_int_equal(zj_days_from_civil(2021, 12, 15), 18976);
    assert_int_equal(zj_days_from_civil(1900, 1, 1), -25567);
    assert_int_equal(zj_days_from_civil(2100, 12, 31), 47846);
    /* Consecutive valid dates are consecutive days, across leap days and centuries. */
    long prev = zj_days_from_civil(1899, 12, 31);
    for (int y = 1900; y <= 2100; y++)
        for (int m = 1; m <= 12; m++)
            for (int dd = 1; dd <= 31; dd++)
                if (zj_date_valid(y, m, dd)) {
                    long cur = zj_days_from_civil(y, m, dd);
                    assert_int_equal(cur, prev + 1);
                    prev = cur;
                }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_default_format),
        cmocka_unit_test(test_has_time),
        cmocka_unit_test(test_spaces_and_T),
        cmocka_unit_test(test_full_width_digits),
        cmocka_unit_test(test_leap_years),
        cmocka_unit_test(test_impossible_values),
        cmocka_unit_test(test_garbage_rejected),
        cmocka_unit_test(test_custom_formats),
        cmocka_unit_test(test_format_iso),
        cmocka_unit_test(test_days_from_civil),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
