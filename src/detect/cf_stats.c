/* cf_stats.c - case-flow figures for leaders: the time per stage, and the lead counts from the
 * lead reader (see cf_stats.h).
 *
 * Days are computed here from the dates (zj_stmt_day), not in SQL, so the statements stay
 * portable; each stage's rows come ordered by unit and month and are averaged as they pass.
 */
#include "detect/cf_stats.h"

#include <stdio.h>
#include <string.h>

#include "detect/common.h"
#include "detect/leads.h"

typedef struct stage {
    const char *agency, *stage, *sql;    /* unit, start, end; ordered by unit and end month */
} stage;

static const stage stages[] = {
    {"police", "filing_review",
     "SELECT unit_code, accepted_at, coalesce(filing_decided_at, filed_at) AS e FROM police_case"
     " WHERE accepted_at IS NOT NULL AND coalesce(filing_decided_at, filed_at) IS NOT NULL"
     " ORDER BY unit_code, substr(coalesce(filing_decided_at, filed_at), 1, 7)"},
    {"police", "investigation",
     "SELECT unit_code, filed_at, transferred_at FROM police_case"
     " WHERE filed_at IS NOT NULL AND transferred_at IS NOT NULL"
     " ORDER BY unit_code, substr(transferred_at, 1, 7)"},
    {"procuratorate", "review",
     "SELECT unit_code, received_at, decided_at FROM procuratorate_case"
     " WHERE received_at IS NOT NULL AND decided_at IS NOT NULL"
     " ORDER BY unit_code, substr(decided_at, 1, 7)"},
    {"court", "trial",
     "SELECT court_code, filed_at, closed_at FROM court_case"
     " WHERE filed_at IS NOT NULL AND closed_at IS NOT NULL"
     " ORDER BY court_code, substr(closed_at, 1, 7)"},
};

typedef struct acc {
    char unit[64], month[8];
    int64_t n;
    double days;
} acc;

static int flush(const stage *st, acc *a, int (*fn)(const zj_cf_stat *, void *), void *ctx)
{
    if (!a->n)
        return 0;
    zj_cf_stat r = {"stage_days", st->agency, a->unit[0] ? a->unit : NULL,
                    a->month[0] ? a->month : NULL, st->stage, a->n, a->days / (double)a->n};
    a->n = 0;
    a->days = 0;
    return fn(&r, ctx);
}

static int stage_rows(zj_store *s, const stage *st, int (*fn)(const zj_cf_stat *, void *),
                      void *ctx, int *stop, zj_error *err)
{
    zj_stmt *q;
    int rc = zj_stmt_prepare(s, st->sql, &q, err), step;
    if (rc)
        return rc;
    acc a = {0};
    while ((step = zj_stmt_next(q, err)) == 1) {
        long b = zj_stmt_day(q, 1, ZJ_DAY_MAX), e = zj_stmt_day(q, 2, ZJ_DAY_MAX);
        if (b == ZJ_DAY_MAX || e == ZJ_DAY_MAX || e < b)
            continue;                   /* an impossible order is CF08's, not a duration */
        const char *u = zj_stmt_text(q, 0, NULL), *end = zj_stmt_text(q, 2, NULL);
        char month[8];
        snprintf(month, sizeof month, "%.7s", end ? end : "");
        if (strcmp(a.unit, u ? u : "") || strcmp(a.month, month)) {
            if ((*stop = flush(st, &a, fn, ctx)))
                break;
            snprintf(a.unit, sizeof a.unit, "%s", u ? u : "");
            snprintf(a.month, sizeof a.month, "%s", month);
        }
        a.n++;
        a.days += (double)(e - b);
    }
    if (step >= 0 && !*stop)
        *stop = flush(st, &a, fn, ctx);
    zj_stmt_finalize(q);
    return step < 0 ? ZJ_EDATA : ZJ_OK;
}

typedef struct lead_fwd {
    int (*fn)(const zj_cf_stat *, void *);
    void *ctx;
} lead_fwd;

static int lead_row(const zj_case_lead_count *c, void *vctx)
{
    lead_fwd *f = vctx;
    zj_cf_stat r = {"open_warnings", c->agency, c->unit_code, c->month, NULL, c->open, 0};
    if (f->fn(&r, f->ctx))
        return 1;
    if (!c->overdue)
        return 0;
    r.measure = "overdue_cases";
    r.count = c->overdue;
    return f->fn(&r, f->ctx);
}

int zj_cf_stats_each(zj_store *s, int (*fn)(const zj_cf_stat *, void *), void *ctx,
                     zj_error *err)
{
    lead_fwd f = {fn, ctx};
    int rc = zj_leads_case_counts_each(s, lead_row, &f, err), stop = 0;
    for (size_t i = 0; !rc && !stop && i < sizeof stages / sizeof stages[0]; i++)
        rc = stage_rows(s, &stages[i], fn, ctx, &stop, err);
    return rc;
}
