/* filing_rules.c - the parameters of FL01-FL04 (rules/detectors.yaml) and reading them once
 * into the filing index. Each default's basis is in rules/detectors.yaml and docs/detectors.md:
 * the signs come from SPC 法〔2021〕281号 and the SPC's 2017 guidance on abusive suits; the
 * weights and counts are product choices, to be calibrated on each province's data. */
#include <stdlib.h>
#include <string.h>

#include "detect/filing_index.h"

const zj_param zj_fl01_params[] = {
    {"threshold", ZJ_PARAM_REAL, "0.6", "score at which FL01 warns", 0.01, 1, NULL},
    {"causes", ZJ_PARAM_LIST,
     "民间借贷,离婚后财产,分家析产,执行异议之诉,劳动争议,追索劳动报酬,以物抵债,"
     "房屋买卖合同,公司分立,公司合并,继承",
     "high-risk causes of action (substring of the cause); the signs count only in these", 0,
     0, NULL},
    {"w_cause", ZJ_PARAM_REAL, "0.2", "weight: a high-risk cause", 0, 1, NULL},
    {"w_related", ZJ_PARAM_REAL, "0.4",
     "weight: the sides are relatives, one holds a role in the other, or both in one enterprise",
     0, 1, NULL},
    {"w_shared_phone", ZJ_PARAM_REAL, "0.35", "weight: plaintiff and defendant share a phone", 0,
     1, NULL},
    {"w_shared_address", ZJ_PARAM_REAL, "0.25", "weight: they share an address", 0, 1, NULL},
    {"w_same_lawyer", ZJ_PARAM_REAL, "0.45", "weight: one lawyer for both sides", 0, 1, NULL},
    {"w_same_person", ZJ_PARAM_REAL, "0.45", "weight: one identity on both sides", 0, 1, NULL},
    {"w_repeat_related", ZJ_PARAM_REAL, "0.2",
     "weight: the plaintiff sued defendants sharing his phone or address before", 0, 1, NULL},
    {"w_instant_settlement", ZJ_PARAM_REAL, "0.15",
     "weight: earlier civil cases mediated or withdrawn within quick_days", 0, 1, NULL},
    {"quick_days", ZJ_PARAM_INT, "7", "days from filing to mediation or withdrawal", 0, 365,
     NULL},
    {"min_quick", ZJ_PARAM_INT, "2", "earlier quick settlements that make the sign", 1, 100,
     NULL},
    {"w_uncontested", ZJ_PARAM_REAL, "0.3",
     "weight: a defendant lost earlier civil suits without a contest (no answer, judged by "
     "default, or admitting the claims)", 0, 1, NULL},
    {"min_uncontested", ZJ_PARAM_INT, "2", "earlier uncontested judgments that make the sign",
     1, 100, NULL},
    {"uncontested_days", ZJ_PARAM_INT, "365", "the window before the filing they count in", 1,
     3650, NULL},
    {"w_debtor_enforced", ZJ_PARAM_REAL, "0.25",
     "weight: the defendant is already the debtor in an open enforcement case", 0, 1, NULL},
    {"w_large_claim", ZJ_PARAM_REAL, "0.1", "weight: a claim of at least large_claim", 0, 1,
     NULL},
    {"large_claim", ZJ_PARAM_REAL, "1000000", "CNY (0: off)", 0, 1e12, NULL},
    {NULL, 0, NULL, NULL, 0, 0, NULL},
};

const zj_param zj_fl02_params[] = {
    {"threshold", ZJ_PARAM_REAL, "0.6", "score at which FL02 warns", 0.01, 1, NULL},
    {"window_days", ZJ_PARAM_INT, "365", "the window before the filing", 1, 3650, NULL},
    {"min_filings", ZJ_PARAM_INT, "5", "earlier suits by the plaintiff within the window", 1,
     10000, NULL},
    {"w_many_filings", ZJ_PARAM_REAL, "0.4", "weight: many filings", 0, 1, NULL},
    {"min_same", ZJ_PARAM_INT, "3",
     "earlier suits with near-identical claims against the same defendant", 1, 1000, NULL},
    {"claim_similarity", ZJ_PARAM_REAL, "0.8",
     "claims this alike (Jaccard of character bigrams) are the same claim; without claims "
     "text on either side, the same cause stands in", 0.1, 1, NULL},
    {"w_repeated_claim", ZJ_PARAM_REAL, "0.3", "weight: repeated same claim", 0, 1, NULL},
    {"min_closed", ZJ_PARAM_INT, "3", "closed suits needed to judge the rate", 1, 1000, NULL},
    {"min_rate", ZJ_PARAM_REAL, "0.5", "share of closed suits withdrawn or dismissed", 0, 1,
     NULL},
    {"w_withdrawn_dismissed", ZJ_PARAM_REAL, "0.3", "weight: high withdrawal/dismissal rate",
     0, 1, NULL},
    {NULL, 0, NULL, NULL, 0, 0, NULL},
};

const zj_param zj_fl03_params[] = {
    {"threshold", ZJ_PARAM_REAL, "0.6", "score at which FL03 warns", 0.01, 1, NULL},
    {"causes", ZJ_PARAM_LIST,
     "追索劳动报酬,劳动争议,劳动合同,集资,商品房预售合同,商品房销售合同,房屋买卖合同,"
     "民间借贷,储蓄存款合同,旅游合同,教育培训合同",
     "causes where many plaintiffs against one defendant is a mass case (substring)", 0, 0,
     NULL},
    {"window_days", ZJ_PARAM_INT, "60", "the window before the filing", 1, 3650, NULL},
    {"min_plaintiffs", ZJ_PARAM_INT, "10",
     "different plaintiffs (this case's included) against one defendant", 2, 100000, NULL},
    {NULL, 0, NULL, NULL, 0, 0, NULL},
};

const zj_param zj_fl04_params[] = {
    {"threshold", ZJ_PARAM_REAL, "0.5", "score at which FL04 warns", 0.01, 1, NULL},
    {"w_parallel_criminal", ZJ_PARAM_REAL, "0.8",
     "weight: a party is the suspect or accused in a pending criminal case on the same facts",
     0, 1, NULL},
    {"w_under_enforcement", ZJ_PARAM_REAL, "0.5",
     "weight: a party is the debtor in an open enforcement case", 0, 1, NULL},
    {"w_in_bankruptcy", ZJ_PARAM_REAL, "0.7", "weight: a party is in bankruptcy", 0, 1, NULL},
    {NULL, 0, NULL, NULL, 0, 0, NULL},
};

static int copy_list(const zj_rules *r, const char *code, char ***out, size_t *n)
{
    const char *const *items;
    size_t k = zj_rules_list(r, code, "causes", &items);
    *out = calloc(k ? k : 1, sizeof **out);
    if (!*out)
        return ZJ_EDATA;
    for (*n = 0; *n < k; (*n)++)
        if (!((*out)[*n] = strdup(items[*n])))
            return ZJ_EDATA;
    return ZJ_OK;
}

int zj_filing_params_load(const zj_rules *r, fl_params *p, zj_error *err);

int zj_filing_params_load(const zj_rules *r, fl_params *p, zj_error *err)
{
    static const char *const codes[4] = {"FL01", "FL02", "FL03", "FL04"};
    for (int k = 0; k < 4; k++) {
        p->enabled[k] = zj_rules_enabled(r, codes[k]);
        p->threshold[k] = zj_rules_real(r, codes[k], "threshold");
    }
    p->w_cause = zj_rules_real(r, "FL01", "w_cause");
    p->w_related = zj_rules_real(r, "FL01", "w_related");
    p->w_phone = zj_rules_real(r, "FL01", "w_shared_phone");
    p->w_address = zj_rules_real(r, "FL01", "w_shared_address");
    p->w_lawyer = zj_rules_real(r, "FL01", "w_same_lawyer");
    p->w_same_id = zj_rules_real(r, "FL01", "w_same_person");
    p->w_repeat = zj_rules_real(r, "FL01", "w_repeat_related");
    p->w_quick = zj_rules_real(r, "FL01", "w_instant_settlement");
    p->quick_days = zj_rules_int(r, "FL01", "quick_days");
    p->min_quick = zj_rules_int(r, "FL01", "min_quick");
    p->w_uncontested = zj_rules_real(r, "FL01", "w_uncontested");
    p->min_uncontested = zj_rules_int(r, "FL01", "min_uncontested");
    p->uncontested_days = zj_rules_int(r, "FL01", "uncontested_days");
    p->w_enforced = zj_rules_real(r, "FL01", "w_debtor_enforced");
    p->w_large = zj_rules_real(r, "FL01", "w_large_claim");
    p->large_claim = zj_rules_real(r, "FL01", "large_claim");
    p->fl02_window = zj_rules_int(r, "FL02", "window_days");
    p->min_filings = zj_rules_int(r, "FL02", "min_filings");
    p->w_many = zj_rules_real(r, "FL02", "w_many_filings");
    p->min_same = zj_rules_int(r, "FL02", "min_same");
    p->w_same = zj_rules_real(r, "FL02", "w_repeated_claim");
    p->claim_similarity = zj_rules_real(r, "FL02", "claim_similarity");
    p->min_closed = zj_rules_int(r, "FL02", "min_closed");
    p->min_rate = zj_rules_real(r, "FL02", "min_rate");
    p->w_rate = zj_rules_real(r, "FL02", "w_withdrawn_dismissed");
    p->fl03_window = zj_rules_int(r, "FL03", "window_days");
    p->min_plaintiffs = zj_rules_int(r, "FL03", "min_plaintiffs");
    p->w_criminal = zj_rules_real(r, "FL04", "w_parallel_criminal");
    p->w_enforcement = zj_rules_real(r, "FL04", "w_under_enforcement");
    p->w_bankruptcy = zj_rules_real(r, "FL04", "w_in_bankruptcy");
    if (copy_list(r, "FL01", &p->fl01_causes, &p->n_fl01_causes) ||
        copy_list(r, "FL03", &p->fl03_causes, &p->n_fl03_causes))
        return zj_fail(err, ZJ_EDATA, "filing rules: out of memory");
    return ZJ_OK;
}
