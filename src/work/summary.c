/* summary.c - the leads' summary for the leaders' cockpit (领导驾驶舱): counts of the leads in
 * the actor's scope by type, workflow state, month first raised and region, and the headline
 * figures (open, overdue, raised this month), counted here over every lead rather than by
 * the page from a list it would have to download whole. Reads through zj_lead_queue_each
 * (the workflow's scope and state rules) and the units' regions (detect/common.h). */
#include "work/summary.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "detect/common.h"
#include "detect/detect.h"
#include "text/region.h"
#include "work/fields.h"
#include "work/workflow.h"

enum { MAX_KEYS = 512 };   /* codes, months and regions are each far fewer */

typedef struct tally {
    char key[MAX_KEYS][16];
    int64_t n[MAX_KEYS];
    size_t len;
    int64_t other;           /* counted past MAX_KEYS (never expected; reported, not lost) */
} tally;

static void tally_add(tally *t, const char *key)
{
    for (size_t i = 0; i < t->len; i++)
        if (!strcmp(t->key[i], key)) {
            t->n[i]++;
            return;
        }
    if (t->len == MAX_KEYS) {
        t->other++;
        return;
    }
    snprintf(t->key[t->len], sizeof t->key[0], "%s", key);
    t->n[t->len++] = 1;
}

typedef struct summary_ctx {
    const zj_units *units;
    char month[8];           /* this month, "YYYY-MM" (known once counted) */
    int64_t total, open, overdue, this_month;
    int64_t by_state[ZJ_LEAD_STATE_COUNT];
    tally *codes, *months, *regions;
} summary_ctx;

static int count_lead(const zj_lead_status *st, void *vctx)
{
    summary_ctx *c = vctx;
    c->total++;
    if (st->state != ZJ_LEAD_CLOSED && st->state != ZJ_LEAD_DISMISSED)
        c->open++;
    if (st->overdue_verification || st->overdue_rectification)
        c->overdue++;
    if ((int)st->state >= 0 && st->state < ZJ_LEAD_STATE_COUNT)
        c->by_state[st->state]++;
    tally_add(c->codes, st->code ? st->code : "");
    char month[8] = "";
    if (st->first_seen_at && strlen(st->first_seen_at) >= 7)
        snprintf(month, sizeof month, "%.7s", st->first_seen_at);
    tally_add(c->months, month);
    const zj_unit_info *u = st->lead_unit ? zj_units_find(c->units, st->lead_unit) : NULL;
    char region[8] = "";
    if (u && strlen(u->region) == 6)   /* the prefecture (地市), as the cockpit's rates are */
        snprintf(region, sizeof region, "%.4s00", u->region);
    tally_add(c->regions, region);
    return 0;
}

static int emit_tally(const tally *t, const char *dimension, zj_lead_count_fn fn, void *ctx)
{
    for (size_t i = 0; i < t->len; i++) {
        zj_lead_count r = {.dimension = dimension, .key = t->key[i], .count = t->n[i]};
        char name[192] = "";
        if (!strcmp(dimension, "code")) {
            const zj_detector *d = zj_detector_find(t->key[i]);
            r.label_zh = d ? d->title_zh : NULL;
            r.label_en = d ? d->title_en : NULL;
        } else if (!strcmp(dimension, "region") && t->key[i][0]) {
            zj_region_full_name(atoi(t->key[i]), name, sizeof name);
            r.label_zh = name[0] ? name : NULL;
        }
        if (fn(&r, ctx))
            return 1;
    }
    if (t->other) {
        zj_lead_count r = {.dimension = dimension, .key = "*other", .count = t->other};
        return fn(&r, ctx);
    }
    return 0;
}

/* Sort a tally by key (months in order; codes and regions by code). */
static void tally_sort(tally *t)
{
    for (size_t i = 1; i < t->len; i++)   /* insertion sort: a few hundred keys at most */
        for (size_t j = i; j > 0 && strcmp(t->key[j - 1], t->key[j]) > 0; j--) {
            char k[16];
            memcpy(k, t->key[j], sizeof k);
            memcpy(t->key[j], t->key[j - 1], sizeof k);
            memcpy(t->key[j - 1], k, sizeof k);
            int64_t n = t->n[j];
            t->n[j] = t->n[j - 1];
            t->n[j - 1] = n;
        }
}

int zj_lead_summary_each(zj_store *s, const zj_actor *a, const char *today, zj_lead_count_fn fn,
                         void *ctx, zj_error *err)
{
    summary_ctx c = {0};
    zj_units units = {0};
    c.codes = calloc(1, sizeof *c.codes);
    c.months = calloc(1, sizeof *c.months);
    c.regions = calloc(1, sizeof *c.regions);
    int rc = c.codes && c.months && c.regions ? ZJ_OK : zj_fail(err, ZJ_EDATA, "out of memory");
    if (!rc)
        rc = zj_units_load(s, &units, err);
    c.units = &units;
    if (!rc) {
        zj_lead_queue_filter f = {.state = -1, .today = today};
        rc = zj_lead_queue_each(s, a, &f, count_lead, &c, err);
    }
    if (!rc) {
        char day[11];
        if (today)
            snprintf(day, sizeof day, "%s", today);   /* checked by zj_lead_queue_each */
        else
            zj_clock_today(day);
        snprintf(c.month, sizeof c.month, "%.7s", day);
        for (size_t i = 0; i < c.months->len; i++)
            if (!strcmp(c.months->key[i], c.month))
                c.this_month = c.months->n[i];
        tally_sort(c.codes);
        tally_sort(c.months);
        tally_sort(c.regions);
        const struct { const char *key; int64_t n; } head[] = {
            {"total", c.total}, {"open", c.open}, {"overdue", c.overdue},
            {"this_month", c.this_month}};
        int stop = 0;
        for (size_t i = 0; !stop && i < sizeof head / sizeof *head; i++) {
            zj_lead_count r = {.dimension = "headline", .key = head[i].key, .count = head[i].n};
            stop = fn(&r, ctx);
        }
        for (int st = 0; !stop && st < ZJ_LEAD_STATE_COUNT; st++) {
            if (!c.by_state[st])
                continue;
            zj_lead_count r = {.dimension = "state", .key = zj_lead_state_name(st),
                               .label_zh = zj_lead_state_label(st), .count = c.by_state[st]};
            stop = fn(&r, ctx);
        }
        if (!stop)
            stop = emit_tally(c.codes, "code", fn, ctx);
        if (!stop)
            stop = emit_tally(c.months, "month", fn, ctx);
        if (!stop)
            emit_tally(c.regions, "region", fn, ctx);
    }
    zj_units_free(&units);
    free(c.codes);
    free(c.months);
    free(c.regions);
    return rc;
}
