/* summary.h - the leads' summary behind the leaders' cockpit (领导驾驶舱): how many leads the
 * actor may see, by type, state, month first raised and region, counted over every lead. */
#ifndef ZJ_WORK_SUMMARY_H
#define ZJ_WORK_SUMMARY_H

#include <stdint.h>

#include "base/error.h"
#include "store/store.h"
#include "work/actor.h"

/* One figure. dimension "headline" has the keys total, open (not closed or dismissed),
 * overdue (verification or rectification past its deadline) and this_month (first raised in
 * the month of `today`); "state" a workflow state's name (label_zh 新线索 ...); "code" a
 * detector code (label_zh and label_en its name; NULL for a code no detector has); "month"
 * "YYYY-MM" first raised; "region" the 6-digit code of the prefecture (地市) of the lead's
 * unit ("" when the unit has no region; label_zh the region's full name). Strings are valid
 * during the call only. */
typedef struct zj_lead_count {
    const char *dimension, *key;
    const char *label_zh, *label_en;   /* may be NULL */
    int64_t count;
} zj_lead_count;

typedef int (*zj_lead_count_fn)(const zj_lead_count *c, void *ctx);

/* Count every lead in the actor's scope (the lead list's scope and state rules, work/workflow.h)
 * and call fn for each figure: the headline first, then states in workflow order, codes,
 * months and regions in key order. `today` "YYYY-MM-DD" or NULL for today. ZJ_EPERM without
 * ZJ_PERM_LEAD_READ; ZJ_EUSAGE for a malformed `today`. */
int zj_lead_summary_each(zj_store *s, const zj_actor *a, const char *today, zj_lead_count_fn fn,
                         void *ctx, zj_error *err);

#endif
