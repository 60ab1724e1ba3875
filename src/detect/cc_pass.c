/* cc_pass.c - one pass over the location points for every community-correction detector
 * (CC01-CC03) of a detect run.
 *
 * The three detectors read the same points in the same order (every point, by time), and the
 * read is most of their cost: about 0.4 CPU microseconds a point for SQLite's step alone, paid
 * three times when each read them itself. So the first CC detector of a run reads them once
 * for itself and for each CC detector the run starts after it: each keeps its own state,
 * opened with its own parameters (through a copy of the context naming it), and gets every
 * block of points in turn. The states of the later detectors are left in the run's cache
 * (detect.h, sharing work) with the subjects they index; each later detector takes its own
 * there and only reports, in its own transaction, through its own sink. A detector run alone
 * (`detect --only CC02`) reads the points for itself alone.
 *
 * The store is read on a second thread while the detectors work through the blocks already
 * read (zj_cc_stream_blocks): the detectors' states stay on one thread, and the points reach
 * them in exactly the order a single thread reads them, so the findings are the same.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/parallel.h"
#include "detect/cc_track.h"
#include "detect/detect.h"

static const zj_cc_consumer *const consumers[] = {
    &zj_cc01_consumer,
    &zj_cc02_consumer,
    &zj_cc03_consumer,
};
#define NCONSUMERS (sizeof consumers / sizeof consumers[0])

/* One pass: the subjects and every consumer's state; states handed out are NULL. */
typedef struct cc_pass {
    zj_cc_data d;
    const zj_cc_consumer *k[NCONSUMERS];
    void *state[NCONSUMERS];
    size_t n;
    int64_t points;
} cc_pass;

static void pass_free(void *arg)
{
    cc_pass *p = arg;
    if (!p)
        return;
    for (size_t i = 0; i < p->n; i++)
        if (p->state[i] && p->k[i]->close)
            p->k[i]->close(p->state[i]);
    zj_cc_free(&p->d);
    free(p);
}

static int feed(const zj_cc_point *pt, size_t n, void *ctx, zj_error *err)
{
    cc_pass *p = ctx;
    p->points += (int64_t)n;
    for (size_t i = 0; i < p->n; i++) {
        int rc = p->k[i]->points(p->state[i], pt, n, err);
        if (rc) {
            if (i > 0)                     /* the run names the detector it runs */
                zj_error_prefix(err, "detector %s: ", p->k[i]->code);
            return rc;
        }
    }
    return ZJ_OK;
}

/* Load the subjects, open self's state (slot 0) and those of the later CC detectors, and read
 * the points once for all of them. */
static int pass_run(zj_detect_ctx *c, const zj_cc_consumer *self, cc_pass *p, zj_error *err)
{
    int rc = zj_cc_load(c->store, &p->d, err);
    if (rc)
        return rc;
    p->k[p->n] = self;
    if (!(p->state[p->n++] = self->open(c, &p->d, err)))
        return ZJ_EDATA;
    for (size_t i = 0; i < NCONSUMERS; i++) {
        const zj_detector *later = zj_detect_later(c, consumers[i]->code);
        if (consumers[i] == self || !later)
            continue;
        zj_detect_ctx other = *c;          /* for its parameters only: it reports itself */
        other.det = later;
        p->k[p->n] = consumers[i];
        if (!(p->state[p->n++] = consumers[i]->open(&other, &p->d, err)))
            return ZJ_EDATA;
    }
    return zj_cc_stream_blocks(c->store, &p->d, feed, p, zj_cores(2) > 1, NULL, err);
}

int zj_cc_run(zj_detect_ctx *c, const zj_cc_consumer *self, zj_error *err)
{
    cc_pass *p = zj_detect_cache_get(c, "cc_pass");
    for (size_t i = 0; p && i < p->n; i++)
        if (p->k[i] == self && p->state[i]) {
            /* an earlier detector of this run read the points for this one */
            void *st = p->state[i];
            p->state[i] = NULL;
            int rc = self->emit(c, &p->d, st, err);
            self->close(st);
            return rc;
        }
    if (!(p = calloc(1, sizeof *p)))
        return zj_fail(err, ZJ_EDATA, "out of memory");
    int rc = pass_run(c, self, p, err);
    if (!rc)
        rc = self->emit(c, &p->d, p->state[0], err);
    if (!rc && p->n > 1) {
        /* say in the summary whose work this run's time includes */
        size_t len = strlen(c->summary);
        for (size_t i = 1; i < p->n && len < sizeof c->summary; i++) {
            int w = snprintf(c->summary + len, sizeof c->summary - len, "%s%s",
                             i == 1 ? "; one pass over the points with " : ", ",
                             p->k[i]->code);
            len += w > 0 ? (size_t)w : 0;
        }
        self->close(p->state[0]);
        p->state[0] = NULL;
        return zj_detect_cache_put(c, "cc_pass", p, pass_free, err);
    }
    pass_free(p);
    return rc;
}
