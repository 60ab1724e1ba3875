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

long zj_rest_adjust(long day)
{
    int w = zj_weekday(day);
    return day + (w == 6 ? 2 : w == 0 ? 1 : 0);
}

long zj_period_end(long start, int length, char unit, bool rest_extends)
{
    long end = unit == 'm' ? zj_add_months(start, length) : start + length;
    return rest_extends ? zj_rest_adjust(end) : end;
}
