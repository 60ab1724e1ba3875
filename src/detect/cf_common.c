/* cf_common.c - what the case-flow detectors share (see cf_common.h). */
#include "detect/cf_common.h"

#include "detect/common.h"

int zj_cf_emit(zj_detect_ctx *c, zj_lead *l, const char *system, const char *key,
               const char *check, const char *role, const char *detail, zj_error *err)
{
    if (!l->title.data || !l->explanation.data || !l->path.data ||
        zj_lead_key_record(l, system, key) ||
        (check && zj_lead_key_record(l, "check", check)) ||
        zj_lead_evidence(l, l->subject_table, l->subject_id, role, detail))
        return zj_fail(err, ZJ_EDATA, "out of memory");
    return zj_sink_emit(c->sink, l, err);
}
