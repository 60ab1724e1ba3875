/* sc_common.h - helpers the sentence-change detectors (SC01-SC04) share. */
#ifndef ZJ_DETECT_SC_COMMON_H
#define ZJ_DETECT_SC_COMMON_H

#include "base/error.h"

/* Waiting times, intervals and terms are counted with zj_add_months_same_day (text/period.h):
 * the corresponding day, Civil Code art. 202, not the procedural month-end rule. */

/* SC02's cluster finding (sc_cluster.c): duty-crime reductions bunched in one prison and
 * quarter. Runs inside SC02's run with its parameters. */
struct zj_detect_ctx;
int zj_sc_cluster_run(struct zj_detect_ctx *c, zj_error *err);

#endif
