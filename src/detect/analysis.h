/* analysis.h - analysis for leaders (分析研判): where the leads are.
 *
 * After a detect run, zj_analysis_run() recomputes the lead_rate table:
 *  - officers_with_leads: per detector family and per code, the share of officers in post
 *    with at least one current lead, per 1,000 officers, by agency, business area, region
 *    (city of the unit), position, tenure band and unit - the seed's 建模运算 by field (领域),
 *    officer traits (干警特征) and region (区域);
 *  - report_compliance: per unit, the share of officer-months whose three-regulations record
 *    or zero report came in by the deadline (TR01/TR02's duty), in per cent;
 *  - complaints: 12309/12368 complaints per 1,000 officers by unit and agency (CP01's
 *    population), so units with unusually many complaints stand out.
 * Denominators are the officers in post on the reference date (or, for compliance, the
 * officer-months due). Rates with a denominator below `min_officers` are left NULL.
 */
#ifndef ZJ_DETECT_ANALYSIS_H
#define ZJ_DETECT_ANALYSIS_H

#include <stdbool.h>
#include <stdint.h>

#include "base/error.h"
#include "detect/rules.h"
#include "store/store.h"

typedef struct zj_analysis_stats {
    int64_t rows;            /* lead_rate rows written */
    double seconds;
} zj_analysis_stats;

/* Recompute lead_rate in one transaction. `stats` may be NULL. */
int zj_analysis_run(zj_store *s, const zj_rules *rules, const char *as_of, long as_of_day,
                    zj_analysis_stats *stats, zj_error *err);

/* One row of lead_rate. Strings are valid during the callback only. */
typedef struct zj_lead_rate {
    const char *measure, *code, *dimension, *value, *label;   /* label may be NULL */
    int64_t numerator, denominator;
    bool has_rate;                 /* false when the denominator is below min_officers */
    double rate;
    const char *computed_at;
} zj_lead_rate;

/* Call fn for each lead_rate row matching the filters (NULL: any), ordered by measure, code
 * and dimension, worst first (lowest compliance, highest rates; rows without a rate last).
 * fn returns non-zero to stop. */
int zj_lead_rates_each(zj_store *s, const char *measure, const char *dimension,
                       const char *code, int (*fn)(const zj_lead_rate *, void *), void *ctx,
                       zj_error *err);

#endif
