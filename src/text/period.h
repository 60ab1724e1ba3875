/* period.h - statutory periods on day numbers (法定期间计算): calendar months, month ends,
 * leap years and rest days.
 *
 * Days are counted as in the Criminal Procedure Law (2018) art. 105 and the Civil Procedure
 * Law art. 85: the day a period starts is not counted, so N days from day S end on day S + N;
 * months run from day D to day D of the month N months later, and from a month's last day, or
 * when day D does not exist in the later month, to that month's last day. A period whose last
 * day is a rest day ends on the next working day, unless the period is a custody limit.
 *
 * Rest days are Saturdays and Sundays, changed by the State Council's yearly notice on public
 * holidays (国务院办公厅关于…部分节假日安排的通知): its holidays are rest days even on a weekday,
 * and its adjusted working days (调休上班) are working days even on a weekend. The notices are
 * data, one file per year (rules/holidays/YYYY.tsv), compiled in; outside the years they cover
 * only Saturdays and Sundays rest. A few limits count working days (工作日) instead of calendar
 * days: zj_add_workdays.
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
/* True when `day` is a rest day: a holiday of the calendar, or a Saturday or Sunday that the
 * calendar does not make a working day. */
bool zj_is_rest_day(long day);
/* The first and last day numbers the holiday calendar covers (its earliest and latest listed
 * day); outside them only weekends are known. */
void zj_holiday_span(long *first, long *last);
/* A last day on a rest day moved to the next working day; a working day unchanged. */
long zj_rest_adjust(long day);
/* The day `n` working days after `start` (the start day not counted; n >= 0). */
long zj_add_workdays(long start, int n);
/* The last day of a period of `length` days ('d'), months ('m') or working days ('w') starting
 * on day `start`; with `rest_extends`, a last day on a rest day moves to the next working
 * day (a period of working days always ends on one). */
long zj_period_end(long start, int length, char unit, bool rest_extends);

#endif
