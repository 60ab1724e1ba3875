/* cc_area.c - CC01: a community-correction subject outside the permitted area without an
 * approved leave (未经批准离开执行地), with the time spent outside.
 *
 * The subject's area is the boundary of its county (cc_subject.region_code -> region). Every
 * location point, in time order, is tested against it (GEOS, a prepared polygon; a point
 * within the clearance of the last inside point needs no test). A point counts as outside
 * when it is more than `boundary_tolerance_m` beyond the boundary, inside the correction
 * period, and not covered by an approved leave: a leave covers a point in its time that lies
 * within its destination's boundary (the same tolerance), or anywhere when the store holds no
 * boundary for the destination (外出目的地; a trip elsewhere during a leave is outside without
 * leave, 社区矫正法实施办法 on 外出). Outside points make an episode, however far
 * apart they are while no point comes from inside; after an inside point, the episode goes on
 * only when the next outside point follows within `merge_gap_minutes` (one stray inside fix). It is a finding when it has
 * at least `min_points` points over at least `min_minutes` between its first and last: one
 * outlying fix (a GPS glitch) never is, nor a trip inside a leave. One lead per subject, with
 * the number of episodes, the hours outside and the longest episode.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "detect/cc_track.h"
#include "detect/common.h"
#include "detect/detect.h"

typedef struct area_state {
    double alat, alon, aclear;     /* the last point tested inside, and its clearance */
    bool anchored;
    bool open;                     /* an episode is open */
    bool back;                     /* an inside (or covered) point since its last outside one */
    int64_t ep_from, ep_last, ep_row0, ep_row1;
    int ep_n;
    double ep_far;
    bool ep_elsewhere;             /* the episode has points on leave but outside its destination */
    int episodes;                  /* findings */
    int elsewhere;                 /* findings with points away from the leave's destination */
    int64_t total;                 /* seconds outside, summed over findings */
    int64_t best_from, best_to, best_row0, best_row1;
    double far;
} area_state;

typedef struct area_ctx {
    const zj_cc_data *d;
    area_state *st;
    double tol_m;
    int64_t min_s, merge_s;
    int min_points;
    int64_t tested, outside, covered;
    int64_t elsewhere;             /* outside points on leave but away from its destination */
    int err;
} area_ctx;

static void finish(area_ctx *c, area_state *s)
{
    if (!s->open)
        return;
    s->open = false;
    int64_t dur = s->ep_last - s->ep_from;
    if (s->ep_n < c->min_points || dur < c->min_s)
        return;
    s->episodes++;
    s->elsewhere += s->ep_elsewhere;
    s->total += dur;
    if (dur > s->best_to - s->best_from || s->episodes == 1) {
        s->best_from = s->ep_from;
        s->best_to = s->ep_last;
        s->best_row0 = s->ep_row0;
        s->best_row1 = s->ep_row1;
    }
    if (s->ep_far > s->far)
        s->far = s->ep_far;
}

static int on_point(area_ctx *c, const zj_cc_point *p)
{
    const zj_cc_subject *x = &c->d->subj[p->subj];
    area_state *s = &c->st[p->subj];
    if (x->area < 0)
        return 0;
    long day = (long)(p->t >= 0 ? p->t / 86400 : (p->t - 86399) / 86400);
    if (day < x->start_day || day > x->end_day)
        return 0;                          /* not under correction then */
    if (s->anchored && hypot(p->lat - s->alat, p->lon - s->alon) < s->aclear) {
        s->back = true;                    /* within the clearance of a tested inside point */
        return 0;
    }
    double clear, metres;
    int in = zj_geo_area_locate(c->d->areas[x->area], p->lat, p->lon, &clear, &metres);
    c->tested++;
    if (in < 0)
        return c->err = ZJ_EDATA;
    if (in == 1) {
        s->back = true;
        s->anchored = true;
        s->alat = p->lat;
        s->alon = p->lon;
        s->aclear = clear;
        return 0;
    }
    if (metres <= c->tol_m) {
        s->back = true;
        return 0;
    }
    c->outside++;
    /* a leave is to a place (外出目的地): a point is covered by a leave of its time whose
     * destination holds it, or that has no boundary to test; outside the area and every such
     * destination is outside without leave */
    bool on_leave = false, covered = false;
    for (int k = 0; k < x->nleaves && !covered; k++) {
        const zj_cc_leave *lv = &x->leaves[k];
        if (p->t < lv->from || p->t > lv->to)
            continue;
        on_leave = true;
        if (lv->dest_area < 0) {
            covered = true;
            break;
        }
        double dclear, dmetres;
        int at = zj_geo_area_locate(c->d->areas[lv->dest_area], p->lat, p->lon, &dclear,
                                    &dmetres);
        c->tested++;
        if (at < 0)
            return c->err = ZJ_EDATA;
        covered = at == 1 || dmetres <= c->tol_m;
    }
    if (on_leave && !covered) {
        c->elsewhere++;
        s->ep_elsewhere = true;
    }
    if (covered) {
        c->covered++;
        s->back = true;
        return 0;
    }
    /* sparse fixes all outside are one trip; a return ends it unless it was brief */
    if (s->open && (!s->back || p->t - s->ep_last <= c->merge_s)) {
        s->ep_last = p->t;
        s->ep_row1 = p->row;
        s->ep_n++;
    } else {
        finish(c, s);
        s->open = true;
        s->ep_from = s->ep_last = p->t;
        s->ep_row0 = s->ep_row1 = p->row;
        s->ep_n = 1;
        s->ep_far = 0;
        s->ep_elsewhere = on_leave;
    }
    s->back = false;
    if (metres > s->ep_far)
        s->ep_far = metres;
    return 0;
}

static void *area_open(const zj_detect_ctx *c, const zj_cc_data *d, zj_error *err)
{
    area_ctx *a = calloc(1, sizeof *a);
    if (a && !(a->st = calloc(d->nsubj + 1, sizeof *a->st))) {
        free(a);
        a = NULL;
    }
    if (!a) {
        zj_fail(err, ZJ_EDATA, "out of memory");
        return NULL;
    }
    a->d = d;
    a->tol_m = zj_param_real(c, "boundary_tolerance_m");
    a->min_s = zj_param_int(c, "min_minutes") * 60;
    a->merge_s = zj_param_int(c, "merge_gap_minutes") * 60;
    a->min_points = (int)zj_param_int(c, "min_points");
    return a;
}

static int area_points(void *state, const zj_cc_point *p, size_t n, zj_error *err)
{
    area_ctx *a = state;
    for (size_t i = 0; i < n; i++)
        if (on_point(a, &p[i]))
            return zj_fail(err, a->err, "location test failed");
    return ZJ_OK;
}

static void area_close(void *state)
{
    area_ctx *a = state;
    if (a)
        free(a->st);
    free(a);
}

static int area_emit(zj_detect_ctx *c, const zj_cc_data *d, void *state, zj_error *err)
{
    area_ctx *a = state;
    int rc = ZJ_OK;
    zj_lead l = {0};
    size_t no_area = 0;
    for (size_t i = 0; !rc && i < d->nsubj; i++) {
        if (d->subj[i].area < 0)
            no_area++;
        area_state *s = &a->st[i];
        finish(a, s);
        if (!s->episodes)
            continue;
        const zj_cc_subject *x = &d->subj[i];
        char f0[20], f1[20];
        zj_cc_format_time(s->best_from, f0);
        zj_cc_format_time(s->best_to, f1);
        double hours = (double)s->total / 3600.0;
        zj_lead_reset(&l);
        l.subject_table = "cc_subject";
        l.subject_id = x->id;
        snprintf(l.unit_code, sizeof l.unit_code, "%s", x->unit);
        int sev = c->severity + (s->total > 7 * 86400 ? 1 : 0);
        l.severity = sev > 4 ? 4 : sev;
        zj_buf_printf(&l.title, "社区矫正对象未经批准离开执行地 / Community-correction subject "
                      "outside the permitted area without leave");
        zj_buf_printf(&l.explanation,
                      "社区矫正对象 %s 的定位轨迹有%d段离开执行地（区划 %s）且无批准的外出，"
                      "合计约%.1f小时；最长一段 %s 至 %s，最远距边界%.1f公里。"
                      "\nSubject %s: %d episode(s) outside the permitted area (region %s) not "
                      "covered by an approved leave, about %.1f hours in all; the longest from "
                      "%s to %s, at most %.1f km beyond the boundary.",
                      x->no, s->episodes, x->region, hours, f0, f1, s->far / 1000.0, x->no,
                      s->episodes, x->region, hours, f0, f1, s->far / 1000.0);
        if (s->elsewhere)
            zj_buf_printf(&l.explanation,
                          "\n其中%d段发生在批准的外出期间，但位置不在批准的目的地。"
                          "\n%d of them during an approved leave, but away from its destination.",
                          s->elsewhere, s->elsewhere);
        zj_buf_printf(&l.path, "矫正对象 %s → 执行地 %s → 越界%d次（%.1f小时）→ 无外出审批",
                      x->no, x->region, s->episodes, hours);
        if (!l.explanation.data || !l.path.data ||
            zj_lead_key_record(&l, x->system, x->key) ||
            zj_lead_evidence(&l, "cc_subject", x->id, "subject", NULL) ||
            zj_lead_evidence(&l, "cc_location", s->best_row0, "first point outside", f0) ||
            zj_lead_evidence(&l, "cc_location", s->best_row1, "last point outside", f1) ||
            zj_lead_fact_int(&l, "episodes", s->episodes) ||
            zj_lead_fact_num(&l, "hours_outside", round(hours * 10) / 10) ||
            zj_lead_fact_num(&l, "max_km_beyond", round(s->far / 100) / 10) ||
            zj_lead_fact_str(&l, "region_code", x->region) ||
            zj_lead_fact_int(&l, "episodes_away_from_leave_destination", s->elsewhere))
            rc = zj_fail(err, ZJ_EDATA, "out of memory");
        else
            rc = zj_sink_emit(c->sink, &l, err);
    }
    snprintf(c->summary, sizeof c->summary,
             "%zu subjects (%zu without a known boundary), %lld point tests, %lld points "
             "outside (%lld on leave, %lld on leave but away from its destination)", d->nsubj,
             no_area, (long long)a->tested, (long long)a->outside, (long long)a->covered,
             (long long)a->elsewhere);
    zj_lead_free(&l);
    return rc;
}

static int run_cc01(zj_detect_ctx *c, zj_error *err)
{
    return zj_cc_run(c, &zj_cc01_consumer, err);
}

const zj_cc_consumer zj_cc01_consumer = {"CC01", area_open, area_points, area_emit, area_close};

static const zj_param cc01_params[] = {
    {"min_minutes", ZJ_PARAM_INT, "60", "minutes outside between the first and last point of "
     "an episode before it is a finding", 0, 100000, NULL},
    {"min_points", ZJ_PARAM_INT, "3", "points outside in an episode (one outlying fix is a GPS "
     "glitch)", 2, 1000, NULL},
    {"boundary_tolerance_m", ZJ_PARAM_REAL, "200", "metres beyond the boundary a point may lie "
     "and still count as inside (fix accuracy, boundary precision)", 0, 100000, NULL},
    {"merge_gap_minutes", ZJ_PARAM_INT, "120", "after a point inside, an outside point this "
     "soon after the last outside one continues the episode", 1, 100000, NULL},
    {NULL, 0, NULL, NULL, 0, 0, NULL},
};

const zj_detector zj_detector_cc01 = {
    "CC01", "社区矫正对象未经批准离开执行地", "Community-correction subject outside the permitted area without leave",
    "《中华人民共和国社区矫正法》第二十三条（遵守外出监督管理规定）、第二十七条（离开所居住的市、县应当报经社区矫正机构批准）；"
    "《中华人民共和国社区矫正法实施办法》（司发通〔2020〕59号）关于外出审批和外出期间管理的规定",
    3, cc01_params, run_cc01,
};
