/* calendar.c - dates, seasons and working hours for the synthetic province.
 *
 * The data span is 2019-01-01 .. 2021-12-31, and "today" is fixed at 2021-12-31 (the end of
 * the 2021 education-and-rectification campaign), so output never depends on the clock.
 * Volumes are seasonal: 110 calls peak in summer evenings, civil filings dip around the
 * Spring Festival (late January / February) and rise before the year-end, crime peaks in
 * summer. Offices work 08:30-12:00 and 14:30-18:00 on weekdays (public holidays other than
 * the Spring Festival dip are not modelled).
 */
#include "gen/internal.h"

int zg_span_start;
int zg_today;

/* Howard Hinnant's days_from_civil / civil_from_days (proleptic Gregorian). */
int zg_days(int y, int m, int d)
{
    y -= m <= 2;
    int era = (y >= 0 ? y : y - 399) / 400;
    unsigned yoe = (unsigned)(y - era * 400);
    unsigned doy = (unsigned)((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1);
    unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (int)doe - 719468;
}

void zg_ymd(int z, int *y, int *m, int *d)
{
    z += 719468;
    int era = (z >= 0 ? z : z - 146096) / 146097;
    unsigned doe = (unsigned)(z - era * 146097);
    unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int yy = (int)yoe + era * 400;
    unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    unsigned mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = yy + (*m <= 2);
}

int zg_weekday(int days)
{
    int w = (days + 3) % 7;    /* 1970-01-01 was a Thursday */
    return w < 0 ? w + 7 : w;
}

int zg_add_months(int days, int months)
{
    int y, m, d;
    zg_ymd(days, &y, &m, &d);
    int t = y * 12 + (m - 1) + months;
    y = t / 12;
    m = t % 12 + 1;
    static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int lim = mdays[m - 1] + (m == 2 && ((y % 4 == 0 && y % 100) || y % 400 == 0));
    return zg_days(y, m, d > lim ? lim : d);
}

/* Monthly weights (percent of an average month) per pattern. */
static const int month_weight[ZG_PAT_N][12] = {
    /* incidents */ {85, 80, 92, 97, 104, 110, 116, 115, 104, 100, 96, 101},
    /* civil     */ {95, 55, 108, 104, 101, 104, 103, 100, 102, 96, 112, 120},
    /* crime     */ {88, 84, 95, 99, 104, 109, 113, 112, 104, 99, 96, 97},
};

int zg_pick_day(zg_rng *r, int pattern, int from, int to)
{
    /* Rejection sampling against the month weight (max 120): a few draws on average. */
    for (int tries = 0; tries < 32; tries++) {
        int day = (int)zg_range(r, from, to);
        int y, m, d;
        zg_ymd(day, &y, &m, &d);
        int w = month_weight[pattern][m - 1];
        if (pattern == ZG_PAT_CIVIL && zg_weekday(day) >= 5)
            w /= 8;    /* courts rarely file cases at weekends */
        if ((int)zg_below(r, 120) < w)
            return day;
    }
    return (int)zg_range(r, from, to);
}

int zg_workday_on_or_after(int day)
{
    while (zg_weekday(day) >= 5)
        day++;
    return day;
}

int64_t zg_office_time(zg_rng *r, int day)
{
    int min = zg_chance(r, 0.55) ? (int)zg_range(r, 8 * 60 + 30, 11 * 60 + 59)
                                 : (int)zg_range(r, 14 * 60 + 30, 17 * 60 + 59);
    return ZG_T(day, 0, min);
}

int64_t zg_any_time(zg_rng *r, int day)
{
    /* Hourly weights of 110 calls: low before dawn, peaks in the evening. */
    static const int hw[24] = {6, 4, 3, 2, 2, 2, 3, 5, 6, 7, 7, 7, 6, 6, 7, 7, 7, 8, 9, 10, 10, 10, 9, 8};
    int h;
    do
        h = (int)zg_below(r, 24);
    while ((int)zg_below(r, 10) >= hw[h]);
    return ZG_T(day, h, (int)zg_below(r, 60));
}

/* Cumulative seasonal weight over the span, per pattern (built on first use; the span and
 * the weights are constants, so this is deterministic). */
static double cum[ZG_PAT_N][1200];
static int ncum;

static void build_cum(void)
{
    ncum = zg_today - zg_span_start + 1;
    for (int p = 0; p < ZG_PAT_N; p++) {
        double t = 0;
        for (int i = 0; i < ncum; i++) {
            int day = zg_span_start + i, y, m, d;
            zg_ymd(day, &y, &m, &d);
            double w = month_weight[p][m - 1];
            if (p == ZG_PAT_CIVIL && zg_weekday(day) >= 5)
                w /= 8;
            cum[p][i] = t += w;
        }
    }
}

int zg_day_at(int pattern, double u)
{
    if (!ncum)
        build_cum();
    double x = u * cum[pattern][ncum - 1];
    int lo = 0, hi = ncum - 1;
    while (lo < hi) {
        int mid = (lo + hi) / 2;
        if (cum[pattern][mid] < x)
            lo = mid + 1;
        else
            hi = mid;
    }
    return zg_span_start + lo;
}

double zg_day_share(int pattern, int day)
{
    if (!ncum)
        build_cum();
    int i = day - zg_span_start;
    if (i <= 0)
        return 0;
    if (i >= ncum)
        return 1;
    return cum[pattern][i - 1] / cum[pattern][ncum - 1];
}
