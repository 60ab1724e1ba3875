/* cc_silent.c - CC02: a subject's location device silent for longer than allowed (电子定位
 * 信号中断).
 *
 * For a subject with a location device (cc_subject.device_no), two consecutive fixes more
 * than `max_silent_hours` apart are a silence, counted while the subject is under correction
 * and, when its dates are known, inside the monitoring window (electronic monitoring is
 * approved for three months at a time). When the monitoring end date is known and has passed,
 * the time from the last fix to it counts as well; without it the end of a track is not a
 * silence (the window may simply have ended). One lead per subject: the silences, the longest.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "detect/cc_track.h"
#include "detect/common.h"
#include "detect/detect.h"

typedef struct silent_state {
    int64_t last, last_row;
    bool seen;
    int gaps;
    int64_t longest_from, longest_to, row_before, row_after, total;
} silent_state;

typedef struct silent_ctx {
    const zj_cc_data *d;
    silent_state *st;
    int64_t max_s;
} silent_ctx;

static bool watched(const zj_cc_subject *x, int64_t t)
{
    long day = (long)(t >= 0 ? t / 86400 : (t - 86399) / 86400);
    return x->device && day >= x->start_day && day <= x->end_day && day >= x->mon_start &&
           day <= x->mon_end;
}

static void gap(silent_ctx *c, silent_state *s, int64_t from, int64_t to, int64_t row_after)
{
    if (to - from <= c->max_s)
        return;
    s->gaps++;
    s->total += to - from;
    if (to - from > s->longest_to - s->longest_from) {
        s->longest_from = from;
        s->longest_to = to;
        s->row_before = s->last_row;
        s->row_after = row_after;
    }
}

static void on_point(silent_ctx *c, const zj_cc_point *p)
{
    const zj_cc_subject *x = &c->d->subj[p->subj];
    silent_state *s = &c->st[p->subj];
    if (!watched(x, p->t))
        return;
    if (s->seen)
        gap(c, s, s->last, p->t, p->row);
    s->seen = true;
    s->last = p->t;
    s->last_row = p->row;
}

static void *silent_open(const zj_detect_ctx *c, const zj_cc_data *d, zj_error *err)
{
    silent_ctx *a = calloc(1, sizeof *a);
    if (a && !(a->st = calloc(d->nsubj + 1, sizeof *a->st))) {
        free(a);
        a = NULL;
    }
    if (!a) {
        zj_fail(err, ZJ_EDATA, "out of memory");
        return NULL;
    }
    a->d = d;
    a->max_s = zj_param_int(c, "max_silent_hours") * 3600;
    return a;
}

static int silent_points(void *state, const zj_cc_point *p, size_t n, zj_error *err)
{
    (void)err;
    for (size_t i = 0; i < n; i++)
        on_point(state, &p[i]);
    return ZJ_OK;
}

static void silent_close(void *state)
{
    silent_ctx *a = state;
    if (a)
        free(a->st);
    free(a);
}

static int silent_emit(zj_detect_ctx *c, const zj_cc_data *d, void *state, zj_error *err)
{
    silent_ctx *a = state;
    int rc = ZJ_OK;
    zj_lead l = {0};
    size_t devices = 0;
    for (size_t i = 0; !rc && i < d->nsubj; i++) {
        const zj_cc_subject *x = &d->subj[i];
        silent_state *s = &a->st[i];
        devices += x->device;
        if (s->seen && x->mon_end != ZJ_DAY_MAX) {
            /* a window that has ended: silent from the last fix to its end */
            long end = x->mon_end < x->end_day ? x->mon_end : x->end_day;
            if (end < c->as_of_day)
                gap(a, s, s->last, ((int64_t)end + 1) * 86400, -1);
        }
        if (!s->gaps)
            continue;
        char f0[20], f1[20];
        zj_cc_format_time(s->longest_from, f0);
        zj_cc_format_time(s->longest_to, f1);
        double hours = (double)(s->longest_to - s->longest_from) / 3600.0;
        zj_lead_reset(&l);
        l.subject_table = "cc_subject";
        l.subject_id = x->id;
        snprintf(l.unit_code, sizeof l.unit_code, "%s", x->unit);
        int sev = c->severity + (hours > 7 * 24 ? 1 : 0);
        l.severity = sev > 4 ? 4 : sev;
        zj_buf_printf(&l.title, "电子定位信号中断超时 / Location device silent too long");
        zj_buf_printf(&l.explanation,
                      "社区矫正对象 %s 的电子定位有%d次中断超过%lld小时；最长一次自 %s 至 %s，"
                      "约%.1f小时无定位。"
                      "\nSubject %s: the location device was silent %d time(s) for more than "
                      "%lld hours; the longest from %s to %s, about %.1f hours without a fix.",
                      x->no, s->gaps, (long long)(a->max_s / 3600), f0, f1, hours, x->no, s->gaps,
                      (long long)(a->max_s / 3600), f0, f1, hours);
        zj_buf_printf(&l.path, "矫正对象 %s → 定位设备 → 中断%.1f小时", x->no, hours);
        if (!l.explanation.data || !l.path.data ||
            zj_lead_key_record(&l, x->system, x->key) ||
            zj_lead_evidence(&l, "cc_subject", x->id, "subject", NULL) ||
            zj_lead_evidence(&l, "cc_location", s->row_before, "last fix before", f0) ||
            (s->row_after > 0 &&
             zj_lead_evidence(&l, "cc_location", s->row_after, "first fix after", f1)) ||
            zj_lead_fact_int(&l, "silences", s->gaps) ||
            zj_lead_fact_num(&l, "longest_hours", (double)(int64_t)(hours * 10) / 10))
            rc = zj_fail(err, ZJ_EDATA, "out of memory");
        else
            rc = zj_sink_emit(c->sink, &l, err);
    }
    snprintf(c->summary, sizeof c->summary, "%zu subjects, %zu with a location device",
             d->nsubj, devices);
    zj_lead_free(&l);
    return rc;
}

static int run_cc02(zj_detect_ctx *c, zj_error *err)
{
    return zj_cc_run(c, &zj_cc02_consumer, err);
}

const zj_cc_consumer zj_cc02_consumer = {"CC02", silent_open, silent_points, silent_emit,
                                         silent_close};

static const zj_param cc02_params[] = {
    {"max_silent_hours", ZJ_PARAM_INT, "24", "hours between two fixes (or from the last fix to "
     "the end of monitoring) before the silence is a finding", 1, 10000, NULL},
    {NULL, 0, NULL, NULL, 0, 0, NULL},
};

const zj_detector zj_detector_cc02 = {
    "CC02", "电子定位信号中断超时", "Location device silent too long",
    "《中华人民共和国社区矫正法》第二十六条（社区矫正机构应当了解掌握社区矫正对象的活动情况）、第二十九条（电子定位装置的使用、期限）；"
    "《中华人民共和国社区矫正法实施办法》（司发通〔2020〕59号）关于电子定位装置监督管理的规定",
    2, cc02_params, run_cc02,
};
