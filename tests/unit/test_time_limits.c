/* test_time_limits.c - unit tests for statutory periods (text/period.c) and the time-limit
 * rules with their extensions, restarts and deductions (detect/time_limits.c), at their
 * boundaries: day 30 against day 31, month ends, leap years, rest days, an extension approved
 * one day late. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "detect/common.h"
#include "detect/time_limits.h"
#include "text/date.h"
#include "text/period.h"

static long D(int y, int m, int d) { return zj_days_from_civil(y, m, d); }

static void test_civil_round_trip(void **state)
{
    (void)state;
    for (long day = D(1999, 12, 25); day < D(2025, 1, 10); day += 7) {
        int y, m, d;
        zj_civil_from_days(day, &y, &m, &d);
        assert_int_equal(D(y, m, d), day);
    }
    assert_int_equal(zj_weekday(D(1970, 1, 1)), 4);          /* Thursday */
    assert_int_equal(zj_weekday(D(2021, 5, 15)), 6);         /* Saturday */
    assert_int_equal(zj_weekday(D(1969, 12, 28)), 0);        /* Sunday, before the epoch */
}

static void test_add_months_month_ends(void **state)
{
    (void)state;
    assert_int_equal(zj_add_months(D(2021, 1, 31), 1), D(2021, 2, 28));
    assert_int_equal(zj_add_months(D(2020, 1, 31), 1), D(2020, 2, 29));   /* leap year */
    assert_int_equal(zj_add_months(D(2021, 1, 30), 1), D(2021, 2, 28));   /* no Feb 30 */
    assert_int_equal(zj_add_months(D(2021, 2, 28), 1), D(2021, 3, 31));   /* from a month end */
    assert_int_equal(zj_add_months(D(2020, 2, 28), 1), D(2020, 3, 28));   /* not the end */
    assert_int_equal(zj_add_months(D(2021, 4, 30), 1), D(2021, 5, 31));
    assert_int_equal(zj_add_months(D(2021, 3, 15), 1), D(2021, 4, 15));
    assert_int_equal(zj_add_months(D(2021, 8, 31), 6), D(2022, 2, 28));
    assert_int_equal(zj_add_months(D(2023, 8, 31), 6), D(2024, 2, 29));
    assert_int_equal(zj_add_months(D(2021, 11, 15), 3), D(2022, 2, 15));   /* across a year */
    assert_int_equal(zj_add_months(D(2021, 3, 31), -1), D(2021, 2, 28));
    assert_int_equal(zj_add_months(D(2100, 1, 31), 1), D(2100, 2, 28));   /* 2100 not leap */
    assert_int_equal(zj_add_months(D(2000, 1, 31), 1), D(2000, 2, 29));    /* 2000 leap */
}

/* The corresponding-day rule (Civil Code art. 202) of substantive periods: the sentence-change
 * detectors' waiting times. It differs from the month-end rule only from a month's last day
 * into a longer month. */
static void test_add_months_same_day(void **state)
{
    (void)state;
    assert_int_equal(zj_add_months_same_day(D(2020, 4, 30), 18), D(2021, 10, 30));
    assert_int_equal(zj_add_months(D(2020, 4, 30), 18), D(2021, 10, 31));
    assert_int_equal(zj_add_months_same_day(D(2021, 2, 28), 1), D(2021, 3, 28));
    assert_int_equal(zj_add_months_same_day(D(2021, 1, 31), 1), D(2021, 2, 28));
    assert_int_equal(zj_add_months_same_day(D(2020, 1, 31), 1), D(2020, 2, 29));   /* leap */
    assert_int_equal(zj_add_months_same_day(D(2020, 2, 29), 12), D(2021, 2, 28));
    assert_int_equal(zj_add_months_same_day(D(2020, 3, 31), 18), D(2021, 9, 30));
    assert_int_equal(zj_add_months_same_day(D(2021, 3, 31), -1), D(2021, 2, 28));
    assert_int_equal(zj_add_months_same_day(D(2021, 11, 15), 3), D(2022, 2, 15));
    /* a start clamped backwards is served by the day it was counted back from */
    for (long d = D(2019, 1, 1); d < D(2021, 1, 1); d++)
        for (int n = 1; n <= 36; n += 5)
            assert_true(zj_add_months_same_day(zj_add_months_same_day(d, -n), n) <= d);
}

static void test_period_end_and_rest_days(void **state)
{
    (void)state;
    /* the start day is not counted: 7 days from Monday 2021-03-01 end on Monday 03-08 */
    assert_int_equal(zj_period_end(D(2021, 3, 1), 7, 'd', true), D(2021, 3, 8));
    /* a last day on Saturday 2021-05-15 moves to Monday 05-17, unless custody */
    assert_int_equal(zj_period_end(D(2021, 4, 15), 1, 'm', true), D(2021, 5, 17));
    assert_int_equal(zj_period_end(D(2021, 4, 15), 1, 'm', false), D(2021, 5, 15));
    assert_int_equal(zj_period_end(D(2021, 5, 15), 1, 'd', true), D(2021, 5, 17));  /* Sunday */
    assert_int_equal(zj_rest_adjust(D(2021, 5, 14)), D(2021, 5, 14));                /* Friday */
}

static void test_holiday_calendar(void **state)
{
    (void)state;
    long first, last;
    zj_holiday_span(&first, &last);
    assert_true(first <= D(2019, 1, 1) && last >= D(2026, 10, 10));
    /* a weekday holiday, a 调休 working weekend, a plain weekend and a plain weekday */
    assert_true(zj_is_rest_day(D(2021, 10, 4)));          /* Monday, National Day */
    assert_false(zj_is_rest_day(D(2021, 10, 9)));         /* Saturday, 调休 working day */
    assert_false(zj_is_rest_day(D(2021, 9, 26)));         /* Sunday, 调休 working day */
    assert_true(zj_is_rest_day(D(2021, 10, 16)));         /* Saturday */
    assert_false(zj_is_rest_day(D(2021, 10, 8)));         /* Friday */
    assert_true(zj_is_rest_day(D(2018, 12, 31)));         /* Monday: 2019's New Year notice */
    assert_false(zj_is_rest_day(D(2018, 12, 29)));        /* Saturday worked for it */
    /* 2020: the Spring Festival extended to 02-02; the 02-01 working Saturday cancelled */
    assert_true(zj_is_rest_day(D(2020, 1, 31)) && zj_is_rest_day(D(2020, 2, 1)));
    assert_false(zj_is_rest_day(D(2020, 2, 3)));
    assert_int_equal(zj_rest_adjust(D(2020, 1, 24)), D(2020, 2, 3));
    /* 2026, the latest notice: Spring Festival 02-15 .. 02-23, 02-14 and 02-28 worked */
    assert_int_equal(zj_rest_adjust(D(2026, 2, 15)), D(2026, 2, 24));
    assert_false(zj_is_rest_day(D(2026, 2, 28)));
    /* outside the calendar only weekends rest */
    assert_false(zj_is_rest_day(D(2030, 10, 1)));         /* Tuesday */
    /* 7 days from 2021-09-24 end on Friday 10-01, a holiday: moved to Friday 10-08 */
    assert_int_equal(zj_period_end(D(2021, 9, 24), 7, 'd', true), D(2021, 10, 8));
    assert_int_equal(zj_period_end(D(2021, 9, 24), 7, 'd', false), D(2021, 10, 1));
    /* a period ending on the 调休 Saturday 2021-10-09 ends there */
    assert_int_equal(zj_period_end(D(2021, 10, 2), 7, 'd', true), D(2021, 10, 9));
    /* working days: 5 working days from Thursday 2021-09-30 skip the holiday and count the
     * 调休 Saturday 10-09: 10-08, 10-09, 10-11, 10-12, 10-13 */
    assert_int_equal(zj_add_workdays(D(2021, 9, 30), 5), D(2021, 10, 13));
    assert_int_equal(zj_period_end(D(2021, 9, 30), 5, 'w', true), D(2021, 10, 13));
    assert_int_equal(zj_add_workdays(D(2021, 9, 30), 0), D(2021, 9, 30));
    /* leap day 2024-02-29 is a Thursday and a working day */
    assert_false(zj_is_rest_day(D(2024, 2, 29)));
}

static const zj_time_limit *rule(const char *type, const char *procedure)
{
    const char *system = strcmp(type, "prosecution_review") ? "court" : "procuratorate";
    const zj_time_limit *r = zj_time_limit_find("CF06", system, type, procedure);
    assert_non_null(r);
    return r;
}

static void test_rules_file(void **state)
{
    (void)state;
    size_t n;
    const zj_time_limit *all = zj_time_limits(&n);
    assert_true(n >= 10);
    for (size_t i = 0; i < n; i++) {
        assert_true(all[i].length > 0);
        assert_true(!strcmp(all[i].unit, "day") || !strcmp(all[i].unit, "month"));
        assert_true(!strcmp(all[i].holiday, "next_workday") || !strcmp(all[i].holiday, "none") ||
                    (!strcmp(all[i].holiday, "workdays") && !strcmp(all[i].unit, "day")));
        assert_true(!strcmp(all[i].ext_further, "yes") || !strcmp(all[i].ext_further, "no"));
        assert_true(strlen(all[i].statute) > 0 && strlen(all[i].article) > 0);
    }
    assert_string_equal(rule("民初", "summary")->id, "civpl-summary");
    assert_string_equal(rule("民初", NULL)->id, "civpl-ordinary");        /* missing: ordinary */
    assert_string_equal(rule("刑初", "summary")->id, "cpl-220-summary");    /* exact beats '*' */
    assert_string_equal(rule("刑初", "unheard_of")->id, "cpl-208-first-instance");
    assert_string_equal(rule("prosecution_review", "major_complex")->id, "cpl-172-review");
    assert_null(zj_time_limit_find("CF06", "court", "执", "ordinary"));
    assert_null(zj_time_limit_find("CF06", "court", NULL, "ordinary"));
}

static zj_tl_result eval(const zj_time_limit *r, long start, long end, const zj_tl_ext *ext,
                         size_t next, int column_days, long restart)
{
    zj_tl_case c = {start, restart, end, ext, next, column_days, 0};
    zj_tl_result res;
    zj_time_limit_eval(r, &c, &res);
    return res;
}

static void test_review_day_30_31(void **state)
{
    (void)state;
    const zj_time_limit *r = rule("prosecution_review", "ordinary");
    /* received Monday 2021-03-01: one month ends Thursday 2021-04-01 (31 days later) */
    zj_tl_result res = eval(r, D(2021, 3, 1), D(2021, 4, 1), NULL, 0, 0, ZJ_DAY_MIN);
    assert_int_equal(res.deadline, D(2021, 4, 1));
    assert_int_equal(res.days_over, 0);
    res = eval(r, D(2021, 3, 1), D(2021, 4, 2), NULL, 0, 0, ZJ_DAY_MIN);
    assert_int_equal(res.days_over, 1);
    /* received 2021-04-01: one month is 30 days, ending Saturday 2021-05-01, the first day of
     * the May Day holiday (05-01 .. 05-05): the limit ends on Thursday 05-06 */
    res = eval(r, D(2021, 4, 1), D(2021, 5, 6), NULL, 0, 0, ZJ_DAY_MIN);
    assert_int_equal(res.deadline, D(2021, 5, 6));
    assert_int_equal(res.days_over, 0);
    res = eval(r, D(2021, 4, 1), D(2021, 5, 7), NULL, 0, 0, ZJ_DAY_MIN);
    assert_int_equal(res.days_over, 1);
    /* received 2021-03-08: ends Thursday 04-08; received 2021-04-08: ends Saturday 05-08, a
     * 调休 working day, so it does not move */
    res = eval(r, D(2021, 4, 8), D(2021, 5, 8), NULL, 0, 0, ZJ_DAY_MIN);
    assert_int_equal(res.deadline, D(2021, 5, 8));
    res = eval(r, D(2021, 4, 8), D(2021, 5, 9), NULL, 0, 0, ZJ_DAY_MIN);
    assert_int_equal(res.days_over, 1);
}

static void test_extension_on_time_and_one_day_late(void **state)
{
    (void)state;
    const zj_time_limit *r = rule("prosecution_review", "major_complex");
    zj_tl_ext on_time = {D(2021, 4, 1), 15, 0}, late = {D(2021, 4, 2), 15, 0};
    zj_tl_result res = eval(r, D(2021, 3, 1), D(2021, 4, 16), &on_time, 1, 0, ZJ_DAY_MIN);
    assert_int_equal(res.deadline, D(2021, 4, 16));
    assert_int_equal(res.honoured_days, 15);
    assert_int_equal(res.days_over, 0);
    assert_int_equal(res.refused, 0);
    res = eval(r, D(2021, 3, 1), D(2021, 4, 16), &late, 1, 0, ZJ_DAY_MIN);
    assert_int_equal(res.deadline, D(2021, 4, 1));
    assert_int_equal(res.honoured_days, 0);
    assert_int_equal(res.refused, 1);
    assert_true(res.refused_late);
    assert_int_equal(res.refused_day, D(2021, 4, 2));
    assert_int_equal(res.days_over, 15);
    /* a second extension: the law allows one (15 days) */
    zj_tl_ext two[] = {{D(2021, 3, 20), 15, 0}, {D(2021, 4, 10), 15, 0}};
    res = eval(r, D(2021, 3, 1), D(2021, 5, 1), two, 2, 0, ZJ_DAY_MIN);
    assert_int_equal(res.honoured_days, 15);
    assert_int_equal(res.refused, 1);
    assert_false(res.refused_late);
    /* more days than the law allows are cut to the limit */
    zj_tl_ext long_one = {D(2021, 3, 20), 40, 0};
    res = eval(r, D(2021, 3, 1), D(2021, 5, 1), &long_one, 1, 0, ZJ_DAY_MIN);
    assert_int_equal(res.honoured_days, 15);
}

static void test_supplementary_investigation_restarts(void **state)
{
    (void)state;
    const zj_time_limit *r = rule("prosecution_review", "ordinary");
    /* received 03-01, returned, resubmitted 04-10: the clock restarts, deadline 05-10 */
    zj_tl_result res = eval(r, D(2021, 3, 1), D(2021, 5, 10), NULL, 0, 0, D(2021, 4, 10));
    assert_int_equal(res.clock_start, D(2021, 4, 10));
    assert_int_equal(res.deadline, D(2021, 5, 10));
    assert_int_equal(res.days_over, 0);
    res = eval(r, D(2021, 3, 1), D(2021, 5, 11), NULL, 0, 0, D(2021, 4, 10));
    assert_int_equal(res.days_over, 1);
    /* an extension of the earlier clock does not carry over */
    zj_tl_ext before = {D(2021, 3, 25), 15, 0};
    res = eval(r, D(2021, 3, 1), D(2021, 5, 11), &before, 1, 0, D(2021, 4, 10));
    assert_int_equal(res.honoured_days, 0);
}

static void test_court_extensions(void **state)
{
    (void)state;
    /* civil ordinary: 6 months, +6 by the president, further by the higher court */
    const zj_time_limit *r = rule("民初", "ordinary");
    zj_tl_result res = eval(r, D(2019, 12, 23), D(2020, 8, 9), NULL, 0, 0, ZJ_DAY_MIN);
    assert_int_equal(res.deadline, D(2020, 6, 23));
    assert_int_equal(res.days_over, 47);
    zj_tl_ext six = {D(2020, 6, 8), 0, 6};
    res = eval(r, D(2019, 12, 23), D(2020, 8, 9), &six, 1, 0, ZJ_DAY_MIN);
    assert_int_equal(res.deadline, D(2020, 12, 23));
    assert_true(res.days_over < 0);
    /* the case's extension_days when no event is recorded */
    res = eval(r, D(2019, 12, 23), D(2020, 8, 9), NULL, 0, 180, ZJ_DAY_MIN);
    assert_true(res.days_over < 0);
    /* civil summary: 3 months, +1 at most: a 2-month extension counts as one */
    r = rule("民初", "summary");
    zj_tl_ext two_months = {D(2021, 3, 1), 0, 2};
    res = eval(r, D(2021, 1, 15), D(2021, 7, 1), &two_months, 1, 0, ZJ_DAY_MIN);
    assert_int_equal(res.deadline, D(2021, 5, 17));          /* 05-15 is a Saturday */
    assert_int_equal(res.honoured_days, 30);
    /* administrative summary: 45 days, no extension */
    r = rule("行初", "summary");
    zj_tl_ext any = {D(2021, 1, 20), 30, 0};
    res = eval(r, D(2021, 1, 4), D(2021, 2, 18), &any, 1, 0, ZJ_DAY_MIN);
    assert_int_equal(res.deadline, D(2021, 2, 18));
    assert_int_equal(res.refused, 1);
    assert_int_equal(res.days_over, 0);
}

/* CF06 and CF02 skip the events of a case within its earliest deadline (cf_time_limit.c):
 * for every rule, a restart, extensions (on time, late, in days or months), deducted days and
 * the case's extension_days never bring a deadline before the bare clock's. Start days run
 * across the years of the holiday calendar, month ends and leap days included. */
static void test_events_never_shorten(void **state)
{
    (void)state;
    size_t n;
    const zj_time_limit *all = zj_time_limits(&n);
    uint32_t seed = 12345;
#define NEXT() (seed = seed * 1664525u + 1013904223u, seed >> 8)
    for (size_t i = 0; i < n; i++)
        for (long start = D(2018, 1, 1); start < D(2023, 1, 1); start += 1 + (long)(NEXT() % 5)) {
            zj_tl_result bare, res;
            zj_tl_case b = {start, ZJ_DAY_MIN, start + 400, NULL, 0, 0, 0};
            zj_time_limit_eval(&all[i], &b, &bare);
            zj_tl_ext ext[4];
            size_t next = NEXT() % 5;
            long day = start;
            for (size_t k = 0; k < next; k++) {
                day += (long)(NEXT() % 120);
                int days = (int)(NEXT() % 3 ? NEXT() % 60 : 0);   /* one draw at a time */
                int times = (int)(NEXT() % 3 ? 0 : 1 + NEXT() % 6);
                ext[k] = (zj_tl_ext){day, days, times};
            }
            long restart = NEXT() % 4 ? ZJ_DAY_MIN : start + (long)(NEXT() % 90);
            int column = (int)(NEXT() % 2 ? 0 : NEXT() % 200);
            int deducted = (int)(NEXT() % 3 ? 0 : NEXT() % 40);
            zj_tl_case c = {start, restart, start + 400, ext, next, column, deducted};
            zj_time_limit_eval(&all[i], &c, &res);
            assert_true(res.deadline >= bare.deadline);
            assert_true(res.days_over <= bare.days_over);
        }
#undef NEXT
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_civil_round_trip),
        cmocka_unit_test(test_add_months_month_ends),
        cmocka_unit_test(test_add_months_same_day),
        cmocka_unit_test(test_period_end_and_rest_days),
        cmocka_unit_test(test_holiday_calendar),
        cmocka_unit_test(test_rules_file),
        cmocka_unit_test(test_review_day_30_31),
        cmocka_unit_test(test_extension_on_time_and_one_day_late),
        cmocka_unit_test(test_supplementary_investigation_restarts),
        cmocka_unit_test(test_court_extensions),
        cmocka_unit_test(test_events_never_shorten),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
