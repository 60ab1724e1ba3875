/* analysis.c - analysis for leaders (see analysis.h). */
#include "detect/analysis.h"

#include <stddef.h>

const zj_param zj_analysis_params[] = {
    {"tenure_years", ZJ_PARAM_LIST, "2,5,10,20", "tenure bands (years in post)", 0, 0, NULL},
    {"min_officers", ZJ_PARAM_INT, "1", "smallest denominator for which a rate is given", 1,
     1000000, NULL},
    {NULL, 0, NULL, NULL, 0, 0, NULL},
};

int zj_analysis_run(zj_store *s, const zj_rules *rules, const char *as_of, long as_of_day,
                    zj_analysis_stats *stats, zj_error *err)
{
    (void)s; (void)rules; (void)as_of; (void)as_of_day; (void)stats; (void)err;
    return ZJ_OK;
}
