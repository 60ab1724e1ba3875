/* filing_detect.c - FL01-FL04 as detectors: every first-instance civil and administrative
 * case in the store checked as if it were new on its filing day (filing.h), using only the
 * history known then. A warning of the detector's code becomes a lead about the case, with the
 * factors in its explanation and the supporting cases as evidence. The run's summary line
 * gives the seed's statistics: cases checked by type, warnings of this category. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "detect/common.h"
#include "detect/detect.h"
#include "detect/filing.h"

extern const zj_param zj_fl01_params[], zj_fl02_params[], zj_fl03_params[], zj_fl04_params[];

static void free_index(void *p)
{
    zj_filing_index_free(p);
}

/* The index, shared by the FL detectors of one run. */
static int get_index(zj_detect_ctx *c, zj_filing_index **out, zj_error *err)
{
    *out = zj_detect_cache_get(c, "filing_index");
    if (*out)
        return ZJ_OK;
    zj_filing_options opt = {.no_resolver = true};    /* every party is a stored record */
    int rc = zj_filing_index_build(c->store, c->rules, &opt, out, err);
    if (!rc)
        rc = zj_detect_cache_put(c, "filing_index", *out, free_index, err);
    return rc;
}

/* 0 c.id, 1 case_type, 2 cause, 3 claim, 4 filed_at, 5 court_code, 6 source_system,
 * 7 source_key, 8 p.id, 9 role, 10 id, 11 phone, 12 address, 13 lawyer, 14 license, 15
 * claims. No
 * name: each party is its own record, resolved as linking resolved it. */
static const char cases_sql[] =
    "SELECT c.id, c.case_type, c.cause, c.claim_amount, c.filed_at, c.court_code,"
    " c.source_system, c.source_key, p.id, p.role, coalesce(p.id_no, p.uscc), p.phone,"
    " p.address, p.lawyer_name, p.lawyer_license_no, c.claims"
    " FROM court_case c JOIN case_party p ON p.case_system = 'court' AND p.case_no = c.case_no"
    " WHERE c.filed_at IS NOT NULL ORDER BY c.id, p.id";

/* One case being read: its fields copied (the statement's text lives one step only). */
typedef struct replay {
    zj_filing_case fc;
    int64_t id;
    char type[32], cause[128], filed[11], court[64], system[64], key[160];
    char claims[2048];
    char strs[ZJ_FILING_MAX_PARTIES][8][128];
} replay;

static const char *keep(char *dst, size_t cap, zj_stmt *q, int col)
{
    const char *s = zj_stmt_text(q, col, NULL);
    if (!s)
        return NULL;
    snprintf(dst, cap, "%s", s);
    return dst;
}

static bool first_instance(const char *type)
{
    const char *k = zj_filing_case_kind(type);
    size_t n = strlen(type);
    return (!strcmp(k, "civil") || !strcmp(k, "administrative")) && n >= 3 &&
           !strcmp(type + n - 3, "初");
}

typedef struct tally {
    int64_t checked, civil, administrative, warned;
} tally;

static int emit(zj_detect_ctx *c, const replay *r, const zj_filing_prompt *pr, zj_lead *l,
                zj_error *err)
{
    zj_lead_reset(l);
    l->subject_table = "court_case";
    l->subject_id = r->id;
    snprintf(l->unit_code, sizeof l->unit_code, "%s", r->court);
    l->severity = c->severity + (pr->score >= 0.9 && c->severity < 4);
    zj_buf_printf(&l->title, "%s / %s（评分 score %.2f）", c->det->title_zh, c->det->title_en,
                  pr->score);
    zj_buf_printf(&l->explanation, "案件 %s（%s，%s）按立案当日 %s 已知的诉讼历史审查，%s 风险评分 "
                  "%.2f，达到提示阈值 %.2f。\nCase %s checked as new on its filing day %s with "
                  "the history known then: %s score %.2f, threshold %.2f.\n",
                  r->key, r->type, r->cause, r->filed, pr->code, pr->score, pr->threshold,
                  r->key, r->filed, pr->code, pr->score, pr->threshold);
    for (size_t i = 0; i < pr->nfactors; i++)
        zj_buf_printf(&l->explanation, "- %s (+%.2f): %s\n", pr->factors[i].name,
                      pr->factors[i].weight, pr->factors[i].detail);
    zj_buf_printf(&l->path, "案件 %s → %zu 个风险因素 factors → %zu 件关联案件 cases", r->key,
                  pr->nfactors, pr->ncases);
    int rc = zj_lead_key_record(l, r->system, r->key);
    /* facts: the score, threshold, each factor with its weight, the supporting case numbers */
    if (!rc)
        rc = zj_lead_fact_num(l, "score", pr->score);
    if (!rc)
        rc = zj_lead_fact_num(l, "threshold", pr->threshold);
    if (!rc)
        rc = zj_lead_fact_str(l, "filed_on", r->filed);
    if (!rc && r->cause[0])
        rc = zj_lead_fact_str(l, "cause", r->cause);
    for (size_t i = 0; !rc && i < pr->nfactors; i++) {
        rc = zj_lead_fact_list_str(l, "factors", pr->factors[i].name);
        if (!rc)
            rc = zj_lead_fact_list_num(l, "factor_weights", pr->factors[i].weight);
    }
    for (size_t i = 0; !rc && i < pr->ncases; i++)
        rc = zj_lead_fact_list_str(l, "supporting_cases", pr->cases[i].case_no);
    if (!rc && pr->cluster_size) {
        rc = zj_lead_fact_int(l, "cluster_size", pr->cluster_size);
        if (!rc)
            rc = zj_lead_fact_int(l, "place", pr->place);
    }
    if (!rc)
        rc = zj_lead_evidence(l, "court_case", r->id, "new_case", NULL);
    for (size_t i = 0; !rc && i < pr->ncases; i++)
        rc = zj_lead_evidence(l, pr->cases[i].table, pr->cases[i].id, "supporting_case", NULL);
    if (rc || !l->explanation.data)
        return zj_fail(err, ZJ_EDATA, "out of memory");
    return zj_sink_emit(c->sink, l, err);
}

static int check_one(zj_detect_ctx *c, const zj_filing_index *ix, replay *r, int which,
                     tally *t, zj_lead *l, zj_error *err)
{
    if (!r->fc.nparties || !first_instance(r->type))
        return ZJ_OK;
    t->checked++;
    (*(!strcmp(zj_filing_case_kind(r->type), "civil") ? &t->civil : &t->administrative))++;
    zj_filing_result res;
    int rc = zj_filing_check(ix, &r->fc, &res, err);
    if (rc == ZJ_EUSAGE)
        return ZJ_OK;                    /* a party without a role: nothing to resolve */
    if (rc || !res.prompts[which].warn)
        return rc;
    t->warned++;
    return emit(c, r, &res.prompts[which], l, err);
}

static int run_filing(zj_detect_ctx *c, int which, zj_error *err)
{
    zj_filing_index *ix;
    int rc = get_index(c, &ix, err);
    if (rc)
        return rc;
    zj_stmt *q;
    if ((rc = zj_stmt_prepare(c->store, cases_sql, &q, err)))
        return rc;
    replay *r = calloc(1, sizeof *r);
    if (!r) {
        zj_stmt_finalize(q);
        return zj_fail(err, ZJ_EDATA, "out of memory");
    }
    zj_lead l = {0};
    tally t = {0};
    int step;
    while (!rc && (step = zj_stmt_next(q, err)) == 1) {
        int64_t id = zj_stmt_int(q, 0);
        if (id != r->id) {
            if (r->id)
                rc = check_one(c, ix, r, which, &t, &l, err);
            memset(r, 0, sizeof *r);
            r->id = id;
            r->fc.self_id = id;
            r->fc.case_type = keep(r->type, sizeof r->type, q, 1);
            r->fc.cause = keep(r->cause, sizeof r->cause, q, 2);
            r->fc.claims = keep(r->claims, sizeof r->claims, q, 15);
            r->fc.claim_amount = zj_stmt_is_null(q, 3) ? 0 : zj_stmt_double(q, 3);
            const char *f = zj_stmt_text(q, 4, NULL);
            snprintf(r->filed, sizeof r->filed, "%.10s", f ? f : "");
            r->fc.filed_on = r->filed;
            keep(r->court, sizeof r->court, q, 5);
            keep(r->system, sizeof r->system, q, 6);
            keep(r->key, sizeof r->key, q, 7);
            if (!r->fc.case_type)
                r->fc.case_type = "";
        }
        size_t i = r->fc.nparties;
        if (i == ZJ_FILING_MAX_PARTIES)
            continue;
        zj_filing_party *p = &r->fc.parties[i];
        r->fc.self_party_id[i] = zj_stmt_int(q, 8);
        const char **f[6] = {&p->role, &p->id_no, &p->phone, &p->address, &p->lawyer_name,
                             &p->lawyer_license_no};
        for (int k = 0; k < 6; k++)
            *f[k] = keep(r->strs[i][k], sizeof r->strs[i][k], q, 9 + k);
        p->name = "";
        r->fc.nparties++;
    }
    if (!rc && step < 0)
        rc = ZJ_EDATA;
    if (!rc && r->id)
        rc = check_one(c, ix, r, which, &t, &l, err);
    snprintf(c->summary, sizeof c->summary,
             "审查案件 cases checked %lld（民事 civil %lld，行政 administrative %lld），"
             "提示 warnings %lld", (long long)t.checked, (long long)t.civil,
             (long long)t.administrative, (long long)t.warned);
    free(r);
    zj_lead_free(&l);
    zj_stmt_finalize(q);
    return rc;
}

static int run_fl01(zj_detect_ctx *c, zj_error *err) { return run_filing(c, 0, err); }
static int run_fl02(zj_detect_ctx *c, zj_error *err) { return run_filing(c, 1, err); }
static int run_fl03(zj_detect_ctx *c, zj_error *err) { return run_filing(c, 2, err); }
static int run_fl04(zj_detect_ctx *c, zj_error *err) { return run_filing(c, 3, err); }

const zj_detector zj_detector_fl01 = {
    "FL01", "虚假诉讼风险", "False-litigation risk",
    "最高人民法院《关于深入开展虚假诉讼整治工作的意见》（法〔2021〕281号）第3条（虚假诉讼高发领域）、"
    "第5条（虚假诉讼的识别：当事人关联、无实质对抗、调解结案迅速等）；《民事诉讼法》第115条",
    3, zj_fl01_params, run_fl01,
};

const zj_detector zj_detector_fl02 = {
    "FL02", "滥用诉讼权利（滥诉）", "Abusive litigation",
    "《民事诉讼法》第13条（诚实信用）、第127条（重复起诉）；最高人民法院《关于进一步保护和规范当事人依法"
    "行使行政诉权的若干意见》（法发〔2017〕25号）；陆红霞诉南通市发改委案（最高人民法院公报2015年第11期）",
    2, zj_fl02_params, run_fl02,
};

const zj_detector zj_detector_fl03 = {
    "FL03", "涉众型案件", "Mass-involvement case",
    "最高人民法院《关于人民法院登记立案若干问题的规定》（法释〔2015〕8号）；《关于审理拒不支付劳动报酬"
    "刑事案件适用法律若干问题的解释》（法释〔2013〕3号）；群体性纠纷预警（立案风险研判），阈值为产品设定",
    2, zj_fl03_params, run_fl03,
};

const zj_detector zj_detector_fl04 = {
    "FL04", "可能影响立案的情形", "May affect filing",
    "最高人民法院《关于在审理经济纠纷案件中涉及经济犯罪嫌疑若干问题的规定》（法释〔1998〕7号，2020年修正）"
    "第11、12条；《企业破产法》第20、21条；《民事诉讼法》第153条（中止诉讼）",
    3, zj_fl04_params, run_fl04,
};
