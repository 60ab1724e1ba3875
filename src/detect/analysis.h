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

#endif
