/* sc_cluster.c - SC02's second finding: reductions of duty-crime offenders clustered in one
 * prison in one quarter (职务犯罪罪犯减刑集中于同一监狱、同一时段).
 *
 * Duty-crime offenders (former officials) are those whose connections can buy a reduction;
 * the campaign looks for prisons where their reductions bunch together. The granted
 * reductions of offenders in `cluster_categories` are counted per prison and calendar quarter
 * of the ruling. A quarter is a cluster when it has at least `cluster_min` of them, at least
 * `cluster_ratio` times the prison's average over its other quarters (the quarters of the
 * whole data span, leave-one-out, so the cluster does not hide itself), and so many that
 * chance explains it with probability below `cluster_p` (Poisson with that average as its
 * mean: with hundreds of prison-quarters, a tail of a few per cent happens by chance every
 * year). One lead per prison and quarter, on the prison's unit record, with every reduction
 * as evidence.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "detect/common.h"
#include "detect/detect.h"
#include "detect/sc_common.h"

static const char quarters_sql[] =
    "SELECT count(DISTINCT substr(decided_at, 1, 4) || ((CAST(substr(decided_at, 6, 2) AS INTEGER)"
    " + 2) / 3)) FROM sentence_change WHERE change_type = 'reduction' AND decision = 'granted'"
    " AND decided_at IS NOT NULL";

static const char cluster_sql[] =
    "SELECT s.prison_unit_code, substr(s.decided_at, 1, 4) || '-Q' ||"
    " ((CAST(substr(s.decided_at, 6, 2) AS INTEGER) + 2) / 3) AS q, s.id, s.change_no,"
    " s.source_system, s.source_key, coalesce(s.crime, ''), s.crime_category,"
    " (SELECT min(u.id) FROM unit u WHERE u.unit_code = s.prison_unit_code)"
    " FROM sentence_change s"
    " WHERE s.change_type = 'reduction' AND s.decision = 'granted' AND s.decided_at IS NOT NULL"
    "  AND s.prison_unit_code IS NOT NULL"
    " ORDER BY 1, 2, s.id";
enum { C_UNIT, C_Q, C_ID, C_NO, C_SYS, C_KEY, C_CRIME, C_CAT, C_UNIT_ID };

typedef struct cell {
    char unit[32], q[12];
    int64_t unit_id;
    int64_t ids[64];
    char nos[64][24];
    int n;                /* counted reductions (ids keeps the first 64) */
} cell;

/* P(X >= n) for X ~ Poisson(mean). */
static double poisson_tail(int n, double mean)
{
    if (mean <= 0)
        return n > 0 ? 0 : 1;
    double term = exp(-mean), below = 0;
    for (int k = 0; k < n; k++) {
        below += term;
        term *= mean / (k + 1);
    }
    return below >= 1 ? 0 : 1 - below;
}

static int flush(zj_detect_ctx *c, cell *cells, size_t ncells, long quarters, zj_lead *l,
                 zj_error *err)
{
    int total = 0;
    for (size_t i = 0; i < ncells; i++)
        total += cells[i].n;
    int min = (int)zj_param_int(c, "cluster_min");
    double ratio = zj_param_real(c, "cluster_ratio"), alpha = zj_param_real(c, "cluster_p");
    for (size_t i = 0; i < ncells; i++) {
        cell *x = &cells[i];
        double others = quarters > 1 ? (double)(total - x->n) / (double)(quarters - 1) : 0;
        double p = poisson_tail(x->n, others);
        if (x->n < min || (double)x->n < ratio * others || p >= alpha)
            continue;
        zj_lead_reset(l);
        if (x->unit_id) {
            l->subject_table = "unit";
            l->subject_id = x->unit_id;
        } else {
            l->subject_table = "sentence_change";
            l->subject_id = x->ids[0];
        }
        snprintf(l->unit_code, sizeof l->unit_code, "%s", x->unit);
        l->severity = c->severity;
        zj_buf_printf(&l->title, "职务犯罪罪犯减刑集中 / Duty-crime offenders' reductions clustered");
        zj_buf_printf(&l->explanation, "监狱 %s 在 %s 裁定准予职务犯罪罪犯减刑 %d 件，该监狱其他季度平均 %.1f 件"
                      "（偶然出现的概率 %.2g）：", x->unit, x->q, x->n, others, p);
        for (int k = 0; k < x->n && k < 64; k++)
            zj_buf_printf(&l->explanation, "%s%s", k ? "、" : "", x->nos[k]);
        zj_buf_printf(&l->explanation, "。\nPrison %s had %d reductions of duty-crime offenders "
                      "granted in %s, against an average of %.1f in its other quarters (chance "
                      "probability %.2g).", x->unit, x->n, x->q, others, p);
        zj_buf_printf(&l->path, "监狱 %s → %s → 职务犯罪减刑 %d 件", x->unit, x->q, x->n);
        if (!l->explanation.data || !l->path.data || zj_lead_key(l, x->unit, strlen(x->unit)) ||
            zj_lead_key(l, x->q, strlen(x->q)))
            return zj_fail(err, ZJ_EDATA, "out of memory");
        for (int k = 0; k < x->n && k < 64; k++)
            if (zj_lead_evidence(l, "sentence_change", x->ids[k], "reduction", x->q))
                return zj_fail(err, ZJ_EDATA, "out of memory");
        int rc = zj_sink_emit(c->sink, l, err);
        if (rc)
            return rc;
    }
    return ZJ_OK;
}

int zj_sc_cluster_run(zj_detect_ctx *c, zj_error *err)
{
    if (zj_param_int(c, "cluster_min") <= 0)
        return ZJ_OK;
    zj_stmt *q;
    int rc = zj_stmt_prepare(c->store, quarters_sql, &q, err), step;
    if (rc)
        return rc;
    long quarters = 0;
    if ((step = zj_stmt_next(q, err)) == 1)
        quarters = (long)zj_stmt_int(q, 0);
    zj_stmt_finalize(q);
    if (step < 0)
        return ZJ_EDATA;
    if ((rc = zj_stmt_prepare(c->store, cluster_sql, &q, err)))
        return rc;
    cell *cells = NULL;
    size_t n = 0, cap = 0;
    zj_lead l = {0};
    while (!rc && (step = zj_stmt_next(q, err)) == 1) {
        const char *unit = zj_stmt_text(q, C_UNIT, NULL), *qq = zj_stmt_text(q, C_Q, NULL);
        const char *cat = zj_stmt_text(q, C_CAT, NULL);
        if (n && strcmp(cells[0].unit, unit)) {
            rc = flush(c, cells, n, quarters, &l, err);
            n = 0;
            if (rc)
                break;
        }
        if (!n || strcmp(cells[n - 1].q, qq)) {
            cell *nc = zj_grow(cells, &cap, n + 1, sizeof *cells, 16);
            if (!nc) {
                rc = zj_fail(err, ZJ_EDATA, "out of memory");
                break;
            }
            cells = nc;
            memset(&cells[n], 0, sizeof cells[n]);
            snprintf(cells[n].unit, sizeof cells[n].unit, "%s", unit);
            snprintf(cells[n].q, sizeof cells[n].q, "%s", qq);
            cells[n].unit_id = zj_stmt_is_null(q, C_UNIT_ID) ? 0 : zj_stmt_int(q, C_UNIT_ID);
            n++;
        }
        if (!cat || !zj_param_has(c, "cluster_categories", cat, strlen(cat)))
            continue;
        cell *x = &cells[n - 1];
        if (x->n < 64) {
            x->ids[x->n] = zj_stmt_int(q, C_ID);
            snprintf(x->nos[x->n], sizeof x->nos[x->n], "%s", zj_stmt_text(q, C_NO, NULL));
        }
        x->n++;
    }
    if (!rc && step < 0)
        rc = ZJ_EDATA;
    if (!rc && n)
        rc = flush(c, cells, n, quarters, &l, err);
    free(cells);
    zj_lead_free(&l);
    zj_stmt_finalize(q);
    return rc;
}
