/* period.c - statutory periods on day numbers (法定期间计算), see period.h. */
#include "text/period.h"

#include "text/date.h"

void zj_civil_from_days(long day, int *year, int *month, int *mday)
{
    /* H. Hinnant's civil_from_days */
    long z = day + 719468;
    long era = (z >= 0 ? z : z - 146096) / 146097;
    long doe = z - era * 146097;
    long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    long mp = (5 * doy + 2) / 153;
    long d = doy - (153 * mp + 2) / 5 + 1;
    long m = mp < 10 ? mp + 3 : mp - 9;
    *year = (int)(yoe + era * 400 + (m <= 2));
    *month = (int)m;
    *mday = (int)d;
}

int zj_weekday(long day)
{
    long w = (day + 4) % 7;                 /* 1970-01-01 was a Thursday */
    return (int)(w < 0 ? w + 7 : w);
}

static int month_days(int y, int m)
{
    static const int n[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && zj_date_valid(y, 2, 29) ? 29 : n[m - 1];
}

long zj_add_months(long day, int months)
{
    int y, m, d;
    zj_civil_from_days(day, &y, &m, &d);
    bool last = d == month_days(y, m);
    long idx = (long)y * 12 + (m - 1) + months;
    int ny = (int)(idx >= 0 ? idx / 12 : (idx - 11) / 12);
    int nm = (int)(idx - (long)ny * 12) + 1;
    int nd = month_days(ny, nm);
    return zj_days_from_civil(ny, nm, last || d > nd ? nd : d);
}

long zj_add_months_same_day(long day, int months)
{
    int y, m, d;
    zj_civil_from_days(day, &y, &m, &d);
    long idx = (long)y * 12 + (m - 1) + months;
    int ny = (int)(idx >= 0 ? idx / 12 : (idx - 11) / 12);
    int nm = (int)(idx - (long)ny * 12) + 1;
    int nd = month_days(ny, nm);
    return zj_days_from_civil(ny, nm, d > nd ? nd : d);
}

/* The State Council's notices, rules/holidays/YYYY.tsv: day number and 'r' (holiday) or 'w'
 * (adjusted working day), sorted by day. */
static const struct holiday {
    long day;
    char kind;
} holidays[] = {
#include "text/holidays.inc"
};
#define NHOLIDAYS (sizeof holidays / sizeof holidays[0])

void zj_holiday_span(long *first, long *last)
{
    *first = holidays[0].day;
    *last = holidays[NHOLIDAYS - 1].day;
}

bool zj_is_rest_day(long day)
{
    size_t lo = 0, hi = NHOLIDAYS;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (holidays[mid].day < day)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo < NHOLIDAYS && holidays[lo].day == day)
        return holidays[lo].kind == 'r';
    int w = zj_weekday(day);
    return w == 0 || w == 6;
}

long zj_rest_adjust(long day)
{
    /* the longest run of rest days in any notice is 10 (2020's extended Spring Festival) */
    for (int i = 0; i < 31 && zj_is_rest_day(day); i++)
        day++;
    return day;
}

long zj_add_workdays(long start, int n)
{
    long day = start;
    for (int i = 0; i < n; i++) {
        day++;
        while (zj_is_rest_day(day))
            day++;
    }
    return day;
}

long zj_period_end(long start, int length, char unit, bool rest_extends)
{
    if (unit == 'w')
        return zj_add_workdays(start, length);
    long end = unit == 'm' ? zj_add_months(start, length) : start + length;
    return rest_extends ? zj_rest_adjust(end) : end;
}
