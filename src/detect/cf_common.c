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

/* The cause of `s` without surrounding spaces and one trailing 罪 or 案, as [*b, *b + *n). */
static void cause_core(const char *s, const char **b, size_t *n)
{
    size_t len = strlen(s);
    while (len && (*s == ' ' || *s == '\t')) {
        s++;
        len--;
    }
    while (len && (s[len - 1] == ' ' || s[len - 1] == '\t'))
        len--;
    if (len >= 3 && (!memcmp(s + len - 3, "罪", 3) || !memcmp(s + len - 3, "案", 3)))
        len -= 3;
    *b = s;
    *n = len;
}

/* True when [h, h + hn) contains [n, n + nn). */
static bool contains(const char *h, size_t hn, const char *n, size_t nn)
{
    for (size_t i = 0; nn <= hn && i <= hn - nn; i++)
        if (!memcmp(h + i, n, nn))
            return true;
    return false;
}

bool zj_cf_cause_compatible(const char *a, const char *b)
{
    const char *x, *y;
    size_t xn, yn;
    if (!a || !b)
        return true;
    cause_core(a, &x, &xn);
    cause_core(b, &y, &yn);
    if (!xn || !yn)
        return true;
    return xn <= yn ? contains(y, yn, x, xn) : contains(x, xn, y, yn);
}
