/* time_limits.c - statutory time limits as data and one case's deadline (see time_limits.h). */
#include "detect/time_limits.h"

#include <string.h>

#include "detect/common.h"
#include "text/period.h"

static const zj_time_limit limits[] = {
#include "detect/time_limits.inc"
};
#define NLIMITS (sizeof limits / sizeof limits[0])

const zj_time_limit *zj_time_limits(size_t *count)
{
    *count = NLIMITS;
    return limits;
}

/* True when comma list `list` has the item `v`. */
static bool in_list(const char *list, const char *v)
{
    size_t n = strlen(v);
    for (const char *p = list; p && *p;) {
        const char *e = strchr(p, ',');
        size_t k = e ? (size_t)(e - p) : strlen(p);
        if (k == n && !memcmp(p, v, n))
            return true;
        p = e ? e + 1 : NULL;
    }
    return false;
}

const zj_time_limit *zj_time_limit_find(const char *detector, const char *system,
                                        const char *case_type, const char *procedure)
{
    if (!case_type)
        return NULL;
    if (!procedure || !*procedure)
        procedure = "ordinary";
    for (int pass = 0; pass < 2; pass++)
        for (size_t i = 0; i < NLIMITS; i++) {
            const zj_time_limit *r = &limits[i];
            if (strcmp(r->detector, detector) || strcmp(r->system, system) ||
                !in_list(r->case_types, case_type))
                continue;
            if (pass == 0 ? in_list(r->procedures, procedure) : in_list(r->procedures, "*"))
                return r;
        }
    return NULL;
}

void zj_time_limit_eval(const zj_time_limit *r, const zj_tl_case *c, zj_tl_result *out)
{
    bool rest = strcmp(r->holiday, "none") != 0;     /* next_workday, workdays */
    bool workdays = !strcmp(r->holiday, "workdays");
    bool further = !strcmp(r->ext_further, "yes");
    char unit = r->unit[0] == 'm' ? 'm' : 'd';
    memset(out, 0, sizeof *out);
    out->refused_day = ZJ_DAY_MIN;
    out->clock_start = c->restart > c->start ? c->restart : c->start;
    long raw = unit == 'm' ? zj_add_months(out->clock_start, r->length)
             : workdays    ? zj_add_workdays(out->clock_start, r->length)
                           : out->clock_start + r->length;
    out->base_deadline = rest ? zj_rest_adjust(raw) : raw;
    /* the most the law allows without a higher authority, as a last day */
    long cap = r->ext_unit[0] == 'm' ? zj_add_months(raw, r->ext_max) : raw + r->ext_max;
    long base_raw = raw;
    int times = 0;
    for (size_t i = 0; i < c->next; i++) {
        const zj_tl_ext *e = &c->ext[i];
        if (e->day < out->clock_start)
            continue;                               /* belongs to an earlier clock */
        long cur = rest ? zj_rest_adjust(raw) : raw;
        bool late = e->day > cur;
        bool too_many = !further && times >= r->ext_times;
        if (late || too_many || (!r->ext_times && !further)) {
            if (!out->refused++) {
                out->refused_day = e->day;
                out->refused_late = late;
            }
            continue;
        }
        long next = e->months ? zj_add_months(raw, e->months) : raw + e->days;
        if (!further && next > cap)
            next = cap;
        if (next > raw)
            raw = next;
        times++;
    }
    if (!c->next && c->ext_column_days > 0 && (r->ext_times || further)) {
        long next = raw + c->ext_column_days;
        raw = !further && next > cap ? cap : next;
    }
    out->honoured_days = (int)(raw - base_raw);
    raw += c->deducted_days > 0 ? c->deducted_days : 0;
    out->deadline = rest ? zj_rest_adjust(raw) : raw;
    out->days_over = c->end - out->deadline;
}
