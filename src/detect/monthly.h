/* monthly.h - the monthly three-regulations duty (三个规定 月度报告/零报告), shared by TR01,
 * TR02 and the compliance rates of the analysis.
 *
 * Every officer in post in an agency whose systems record the three regulations (rules:
 * `agencies`, default court and procuratorate) must, for each month, file at least one
 * record or a zero report by the deadline: day `deadline_day` of the next month at
 * `deadline_time` (default the 5th, 23:59:59). A month is due when the officer was in post on
 * any day of it, it lies in the span of the data (the earliest to the latest report_month of
 * interference_record, unless the rules set span_start / span_end) and its deadline has passed
 * by the reference date.
 */
#ifndef ZJ_DETECT_MONTHLY_H
#define ZJ_DETECT_MONTHLY_H

#include <stdint.h>

#include "base/error.h"
#include "detect/common.h"
#include "detect/rules.h"
#include "store/store.h"

enum { ZJ_MONTH_NOT_DUE = 0, ZJ_MONTH_ON_TIME, ZJ_MONTH_LATE, ZJ_MONTH_MISSING };

typedef struct zj_month_state {
    int state;                 /* ZJ_MONTH_* */
    int64_t record_id;         /* the earliest report of the month (0 when missing) */
    char reported_at[20];      /* its time, "" when missing */
    char deadline[20];         /* "YYYY-MM-DD HH:MM:SS" */
} zj_month_state;

typedef struct zj_duty_officer {
    int64_t id;
    const char *system, *key, *officer_no, *unit_code;
    const zj_unit_info *unit;
    long start, end;           /* tenure (open ends ZJ_DAY_MIN / ZJ_DAY_MAX) */
} zj_duty_officer;

/* Called once per officer row under the duty, with its months from `first_month` (year * 12
 * + month - 1) on; months[i] is month first_month + i. Return non-zero to stop (that value is
 * returned by zj_monthly_scan). */
typedef int (*zj_duty_fn)(const zj_duty_officer *o, int first_month, const zj_month_state *months,
                          int nmonths, void *ctx);

/* Scan the duty with the parameters of rules section `section` (TR01 or TR02: agencies,
 * deadline_day, deadline_time, span_start, span_end). */
int zj_monthly_scan(zj_store *s, const zj_rules *rules, const char *section, long as_of_day,
                    zj_duty_fn fn, void *ctx, zj_error *err);

/* "YYYY-MM" of a month index. */
void zj_month_format(int month, char out[8]);

#endif
