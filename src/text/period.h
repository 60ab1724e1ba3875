/* period.h - statutory periods on day numbers (法定期间计算): calendar months, month ends,
 * leap years and rest days.
 *
 * Days are counted as in the Criminal Procedure Law (2018) art. 105 and the Civil Procedure
 * Law art. 85: the day a period starts is not counted, so N days from day S end on day S + N;
 * months run from day D to day D of the month N months later, and from a month's last day, or
 * when day D does not exist in the later month, to that month's last day. A period whose last
 * day is a rest day ends on the next working day, unless the period is a custody limit. The
 * rest days known here are Saturdays and Sundays (a holiday calendar is future data).
 */
#ifndef ZJ_PERIOD_H
#define ZJ_PERIOD_H

#include <stdbool.h>

/* The civil date of a day number (days since 1970-01-01). */
void zj_civil_from_days(long day, int *year, int *month, int *mday);
/* 0 Sunday .. 6 Saturday. */
int zj_weekday(long day);
/* Day `day` moved by `months` calendar months (month-end rule above); months may be negative. */
long zj_add_months(long day, int months);
/* Day `day` moved by `months` calendar months to the corresponding day (Civil Code art. 202:
 * the same day of the month, or the month's last day when it has none), whatever day of its
 * month `day` is: the end of a substantive period counted in months, such as the time a
 * prisoner must serve before a sentence reduction (2020-04-30 + 18 months = 2021-10-30, where
 * zj_add_months, the procedural month-end rule, gives 2021-10-31). */
long zj_add_months_same_day(long day, int months);
/* A last day on a Saturday or Sunday moved to the next Monday; other days unchanged. */
long zj_rest_adjust(long day);
/* The last day of a period of `length` days ('d') or months ('m') starting on day `start`;
 * with `rest_extends`, a last day on a Saturday or Sunday moves to the next Monday. */
long zj_period_end(long start, int length, char unit, bool rest_extends);

#endif
