/* sc_common.h - helpers the sentence-change detectors (SC01-SC04) share. */
#ifndef ZJ_DETECT_SC_COMMON_H
#define ZJ_DETECT_SC_COMMON_H

#include "base/error.h"

/* The day `months` calendar months after day number `day` (the same day of the month, or the
 * month's last day when it has none): the day a waiting time of `months` is served. */
long zj_add_months(long day, int months);

/* SC02's cluster finding (sc_cluster.c): duty-crime reductions bunched in one prison and
 * quarter. Runs inside SC02's run with its parameters. */
struct zj_detect_ctx;
int zj_sc_cluster_run(struct zj_detect_ctx *c, zj_error *err);

#endif
