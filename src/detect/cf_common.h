/* cf_common.h - what the case-flow detectors (CF01-CF08) share: handing a case finding to the
 * sink with its natural keys and evidence.
 */
#ifndef ZJ_CF_COMMON_H
#define ZJ_CF_COMMON_H

#include "detect/detect.h"

/* Finish lead `l` (subject, unit, severity, title, explanation and path already set): its keys
 * are the subject record (system, key) and, when not NULL, the name of the check that found
 * it; its evidence is the subject record with `role` and `detail`. Then emit it. */
int zj_cf_emit(zj_detect_ctx *c, zj_lead *l, const char *system, const char *key,
               const char *check, const char *role, const char *detail, zj_error *err);

#endif
