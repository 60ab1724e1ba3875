/* cf_common.c - what the case-flow detectors share (see cf_common.h). */
#include "detect/cf_common.h"

#include "detect/common.h"

#include <stdio.h>
#include <string.h>

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

void zj_cf_scope_filter(const char *table, const char *alias, char *out, size_t cap)
{
    static const struct { const char *table, *number, *system; } t[] = {
        {"incident", "incident_no", "incident"},
        {"police_case", "case_no", "police"},
        {"procuratorate_case", "case_no", "procuratorate"},
        {"court_case", "case_no", "court"},
    };
    out[0] = '\0';
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++)
        if (!strcmp(t[i].table, table))
            snprintf(out, cap, " AND %s%s%s IN (SELECT case_no FROM temp.zj_case_scope"
                     " WHERE system = '%s')", alias, *alias ? "." : "", t[i].number, t[i].system);
}
