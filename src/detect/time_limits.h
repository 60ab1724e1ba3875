/* time_limits.h - statutory time limits as data (法定期限规则, rules/time-limits.tsv) and the
 * deadline of one case under one of them: lawful extensions, restarts after supplementary
 * investigation, deducted suspensions.
 */
#ifndef ZJ_TIME_LIMITS_H
#define ZJ_TIME_LIMITS_H

#include <stdbool.h>
#include <stddef.h>

/* One row of rules/time-limits.tsv (columns documented there). */
typedef struct zj_time_limit {
    const char *id, *detector, *system, *case_types, *procedures, *start, *end;
    int length;
    const char *unit, *holiday;
    int ext_times, ext_max;
    const char *ext_unit, *ext_further, *ext_by, *restart, *deduct, *statute, *article,
        *verified, *note;
} zj_time_limit;

/* Every rule, in file order. */
const zj_time_limit *zj_time_limits(size_t *count);
/* The rule of `detector` for a case of `system` with this type and procedure (NULL procedure
 * = ordinary): a rule naming the procedure wins over one with '*'. NULL when none applies. */
const zj_time_limit *zj_time_limit_find(const char *detector, const char *system,
                                        const char *case_type, const char *procedure);

/* An extension approval (延长期限审批): the day it was approved and its length. */
typedef struct zj_tl_ext {
    long day;
    int days, months;
} zj_tl_ext;

/* What is known of one case's clock. */
typedef struct zj_tl_case {
    long start;                 /* the start event's day */
    long restart;               /* the last restart event's day, or ZJ_DAY_MIN */
    long end;                   /* the end event's day, or the reference date when open */
    const zj_tl_ext *ext;       /* extension events in day order (may be NULL) */
    size_t next;
    int ext_column_days;        /* the case table's extension_days when there are no events */
    int deducted_days;          /* suspensions not counted */
} zj_tl_case;

typedef struct zj_tl_result {
    long clock_start;           /* start, or the restart */
    long base_deadline;         /* the limit without extensions */
    long deadline;              /* with honoured extensions and deductions, rest days moved */
    int honoured_days;          /* days of extension honoured */
    int refused;                /* extensions not honoured */
    long refused_day;           /* the first refused one's approval day (ZJ_DAY_MIN if none) */
    bool refused_late;          /* ... refused because approved after the limit had expired */
    long days_over;             /* end - deadline (> 0: the limit was exceeded) */
} zj_tl_result;

void zj_time_limit_eval(const zj_time_limit *r, const zj_tl_case *c, zj_tl_result *out);

#endif
