/* filing_check.h - the filing check for people (立案审查): permission, audit, masking around
 * detect/filing.h. Front ends (zhijian filing check, POST /api/v1/filing-checks) call this.
 */
#ifndef ZJ_WORK_FILING_CHECK_H
#define ZJ_WORK_FILING_CHECK_H

#include "base/buf.h"
#include "base/error.h"
#include "detect/filing.h"
#include "store/store.h"
#include "work/actor.h"

/* Check proposed case `c` against the service's index and append the answer as JSON to
 * `json`. Needs ZJ_PERM_FILING_CHECK (not bound to a unit: a party's history spans all
 * courts). Every check is audited as "filing.check" with the case type, cause and a hash of
 * each party's ID (never the ID); `unmask` (ZJ_READ_UNMASK in read.h) needs ZJ_PERM_UNMASK
 * province-wide and is audited in the same entry. If the audit entry cannot be written
 * nothing is answered. *result (may be NULL) receives the structured answer. */
int zj_work_filing_check(zj_store *s, const zj_actor *a, zj_filing_service *sv,
                         const zj_filing_case *c, bool unmask, zj_buf *json,
                         zj_filing_result *result, zj_error *err);

/* The same against a process-wide index for servers: built on the first call from `s` (or
 * by zj_work_filing_prepare) with the rules of $ZHIJIAN_RULES/detectors.yaml, else
 * ./rules/detectors.yaml, else the defaults; calls that arrive during that first build wait
 * for it. The first call after the index is `max_age` seconds old starts a refresh on a thread
 * of its own with its own connection (so new imports show up: filing.h says what a refresh
 * reloads) and, like every call meanwhile, answers from the index in service: no call waits
 * for a refresh. Thread-safe. */
int zj_work_filing_check_shared(zj_store *s, const zj_actor *a, double max_age,
                                const zj_filing_case *c, bool unmask, zj_buf *json,
                                zj_error *err);

/* Start building the process-wide index from the store at db_path on a thread of its own, so
 * that the first check does not pay for it (a server at its start). Does nothing when it is
 * built or being built; a failure is left for the first check to meet and report. */
void zj_work_filing_prepare(const char *db_path);

/* Wait until no build or refresh of the process-wide index is running (a server stopping). */
void zj_work_filing_settle(void);

#endif
