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

/* The scope filter (detect.h zj_detect_scope_sql) for records of case table `table`
 * (incident, police_case, procuratorate_case, court_case) aliased `alias` ("" for none):
 * " AND <alias>.<number> IN (SELECT case_no FROM temp.zj_case_scope WHERE system = '...')".
 * Empty for another table. */
void zj_cf_scope_filter(const char *table, const char *alias, char *out, size_t cap);

/* True when two causes (案由) as the agencies wrote them can be one case's: either is empty or
 * NULL (unknown), or, with spaces and a trailing 罪 or 案 dropped, one contains the other (盗窃
 * and 盗窃罪; 诈骗 and 合同诈骗罪, a charge the procuratorate made more precise). */
bool zj_cf_cause_compatible(const char *a, const char *b);

#endif
