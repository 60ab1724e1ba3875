/* cf_stats.h - case-flow figures for leaders (案件流程统计): open warnings, overdue cases and the
 * average time per stage, by agency, unit and month.
 *
 * Rows come in three measures:
 *   open_warnings  current case-flow leads (CF, PN families) not closed or dismissed; month =
 *                  the month the case began (110 call, acceptance, receipt, filing)
 *   overdue_cases  cases with a current time-limit lead (CF02, CF06, PN01) not closed or
 *                  dismissed; month as above
 *   stage_days     stages completed: count and average days; month = the month it ended.
 *                  Stages: police filing_review (accepted -> filing decision), police
 *                  investigation (filed -> transferred for prosecution), procuratorate review
 *                  (received -> decided), court trial (filed -> closed)
 * The leads' counts are detect/leads.c's (it owns the current rule); the stages are read here.
 */
#ifndef ZJ_CF_STATS_H
#define ZJ_CF_STATS_H

#include <stdint.h>

#include "base/error.h"
#include "store/store.h"

typedef struct zj_cf_stat {
    const char *measure;        /* open_warnings | overdue_cases | stage_days */
    const char *agency;         /* police | procuratorate | court */
    const char *unit_code;      /* may be NULL */
    const char *month;          /* YYYY-MM, or NULL when the date is unknown */
    const char *stage;          /* stage_days: the stage; NULL otherwise */
    int64_t count;
    double avg_days;            /* stage_days only */
} zj_cf_stat;

/* Call fn for every row (open_warnings and overdue_cases first, then stage_days by agency,
 * stage, unit and month). fn returns non-zero to stop. Strings valid during the call. */
int zj_cf_stats_each(zj_store *s, int (*fn)(const zj_cf_stat *, void *), void *ctx,
                     zj_error *err);

#endif
