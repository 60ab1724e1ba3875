/* cc_meet.c - CC03: two or more community-correction subjects meeting (矫正对象之间聚集接触).
 *
 * Two subjects are together when a fix of one lies within `distance_m` of the other's last
 * fix, taken at most `fix_age_minutes` earlier; they meet when they stay together (joint fixes
 * no more than `gap_minutes` apart) for at least `min_minutes`. A brief pass-by - one joint
 * fix, or a few within less than T - is no meeting. The search is cc_track.c's grid: each
 * fix is compared with the subjects filed in its neighbouring cells only, never with all
 * subjects, and memory is the subjects' last fixes, not the points. Three subjects together
 * are three pairs. One lead per pair, its subject the lower subject number.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "detect/cc_track.h"
#include "detect/common.h"
#include "detect/detect.h"

static void *meet_open(const zj_detect_ctx *c, const zj_cc_data *d, zj_error *err)
{
    zj_cc_meet_params p = {
        zj_param_real(c, "distance_m"), zj_param_int(c, "min_minutes") * 60,
        zj_param_int(c, "fix_age_minutes") * 60, zj_param_int(c, "gap_minutes") * 60};
    zj_cc_meet *m;
    return zj_cc_meet_open(d->nsubj, &p, false, &m, err) ? NULL : m;
}

static int meet_points(void *state, const zj_cc_point *p, size_t n, zj_error *err)
{
    return zj_cc_meet_points(state, p, n, err);
}

static void meet_close(void *state)
{
    zj_cc_meet_free(state);
}

/* The lead of the meetings m[0..n) of one pair. */
static int emit_pair(zj_detect_ctx *c, const zj_cc_data *d, const zj_cc_meeting *m, size_t n,
                     zj_lead *l, zj_error *err)
{
    const zj_cc_subject *a = &d->subj[m[0].a], *b = &d->subj[m[0].b];
    int64_t total = 0;
    size_t best = 0;
    for (size_t i = 0; i < n; i++) {
        total += m[i].to - m[i].from;
        if (m[i].to - m[i].from > m[best].to - m[best].from)
            best = i;
    }
    char f0[20], f1[20];
    zj_cc_format_time(m[best].from, f0);
    zj_cc_format_time(m[best].to, f1);
    double minutes = (double)total / 60.0;
    zj_lead_reset(l);
    l->subject_table = "cc_subject";
    l->subject_id = a->id;
    snprintf(l->unit_code, sizeof l->unit_code, "%s", a->unit);
    int sev = c->severity + (n >= 3 ? 1 : 0);
    l->severity = sev > 4 ? 4 : sev;
    zj_buf_printf(&l->title, "社区矫正对象之间聚集接触 / Community-correction subjects meeting");
    zj_buf_printf(&l->explanation,
                  "社区矫正对象 %s 与 %s 有%zu次相距不超过%.0f米、持续%lld分钟以上的接触，合计约%.0f分钟；"
                  "最长一次 %s 至 %s，位置约（%.4f, %.4f）。"
                  "\nSubjects %s and %s were within %.0f m of each other for at least %lld "
                  "minutes %zu time(s), about %.0f minutes in all; the longest from %s to %s, "
                  "near (%.4f, %.4f).",
                  a->no, b->no, n, zj_param_real(c, "distance_m"),
                  (long long)zj_param_int(c, "min_minutes"), minutes, f0, f1, m[best].lat,
                  m[best].lon, a->no, b->no, zj_param_real(c, "distance_m"),
                  (long long)zj_param_int(c, "min_minutes"), n, minutes, f0, f1, m[best].lat,
                  m[best].lon);
    zj_buf_printf(&l->path, "矫正对象 %s ↔ 矫正对象 %s → 接触%zu次（%.0f分钟）", a->no, b->no, n,
                  minutes);
    if (!l->explanation.data || !l->path.data || zj_lead_key_record(l, a->system, a->key) ||
        zj_lead_key(l, b->key, strlen(b->key)) ||
        zj_lead_evidence(l, "cc_subject", a->id, "subject", NULL) ||
        zj_lead_evidence(l, "cc_subject", b->id, "met subject", NULL) ||
        zj_lead_evidence(l, "cc_location", m[best].row_a, "fix", f0) ||
        zj_lead_evidence(l, "cc_location", m[best].row_b, "fix of the other", f0) ||
        zj_lead_fact_int(l, "meetings", (int64_t)n) ||
        zj_lead_fact_num(l, "minutes_together", round(minutes)) ||
        zj_lead_fact_str(l, "other_subject", b->no))
        return zj_fail(err, ZJ_EDATA, "out of memory");
    return zj_sink_emit(c->sink, l, err);
}

static int meet_emit(zj_detect_ctx *c, const zj_cc_data *d, void *state, zj_error *err)
{
    zj_cc_meeting *m = NULL;
    size_t n = 0;
    zj_cc_meet_stats st = {0};
    int rc = zj_cc_meet_finish(state, &m, &n, &st, err);
    zj_lead l = {0};
    size_t pairs = 0;
    for (size_t i = 0; !rc && i < n;) {
        size_t j = i;
        while (j < n && m[j].a == m[i].a && m[j].b == m[i].b)
            j++;
        rc = emit_pair(c, d, m + i, j - i, &l, err);
        pairs++;
        i = j;
    }
    snprintf(c->summary, sizeof c->summary,
             "%lld points, %lld candidate comparisons, %zu meetings of %zu pairs, grid peak %lld "
             "cells, %.1f MiB", (long long)st.points, (long long)st.candidates, n, pairs,
             (long long)st.grid_cells_peak, (double)st.bytes_peak / 1048576.0);
    zj_lead_free(&l);
    free(m);
    return rc;
}

static int run_cc03(zj_detect_ctx *c, zj_error *err)
{
    return zj_cc_run(c, &zj_cc03_consumer, err);
}

const zj_cc_consumer zj_cc03_consumer = {"CC03", meet_open, meet_points, meet_emit, meet_close};

static const zj_param cc03_params[] = {
    {"distance_m", ZJ_PARAM_REAL, "50", "metres within which two fixes are together (D)", 1,
     10000, NULL},
    {"min_minutes", ZJ_PARAM_INT, "30", "minutes together before it is a meeting (T)", 1, 100000,
     NULL},
    {"fix_age_minutes", ZJ_PARAM_INT, "10", "how long a fix stands for where the subject is "
     "(fixes of two devices are never simultaneous)", 0, 1440, NULL},
    {"gap_minutes", ZJ_PARAM_INT, "60", "longer than this without a joint fix ends a meeting",
     1, 1440, NULL},
    {NULL, 0, NULL, NULL, 0, 0, NULL},
};

const zj_detector zj_detector_cc03 = {
    "CC03", "社区矫正对象之间聚集接触", "Community-correction subjects meeting",
    "《中华人民共和国社区矫正法》第二十三条（遵守会客等监督管理规定）、第二十六条（了解掌握活动情况和行为表现）；"
    "《中华人民共和国刑法》第七十五条、第八十四条（遵守考察、监督机关关于会客的规定）",
    2, cc03_params, run_cc03,
};
