/* filing_json.c - the filing check's JSON: reading a proposed case, writing the answer.
 *
 * Input (docs/filing.md):
 *   {"case_type": "民初", "cause": "民间借贷纠纷", "claim_amount": 3000000,
 *    "filed_on": "2021-11-01",
 *    "parties": [{"role": "plaintiff", "kind": "person", "name": "...", "id_no": "...",
 *                 "phone": "...", "address": "...", "birth_date": "YYYY-MM-DD",
 *                 "lawyer": {"name": "...", "license_no": "..."}}, ...],
 *    "lawyers": [{"name": "...", "license_no": "...", "parties": [0, 1]}]}
 * Unknown fields are errors (a misspelt "phone" would otherwise silently weaken the check).
 */
#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "detect/common.h"
#include "detect/filing.h"
#include "detect/filing_index.h"
#include "text/mask.h"
#include "text/uscc.h"

static int bad(zj_error *err, const char *field, const char *why)
{
    zj_fail(err, ZJ_EUSAGE, "%s: %s", field, why);
    return zj_error_mark(err, ZJ_ERR_INVALID, field);
}

/* Checks that every member of object `o` is one of `names`. */
static int known(const cJSON *o, const char *const *names, const char *where, zj_error *err)
{
    for (const cJSON *m = o->child; m; m = m->next) {
        bool ok = false;
        for (size_t i = 0; names[i] && !ok; i++)
            ok = m->string && !strcmp(m->string, names[i]);
        if (!ok) {
            char f[96];
            snprintf(f, sizeof f, "%s%s%.40s", where, where[0] ? "." : "",
                     m->string ? m->string : "?");
            return bad(err, f, "unknown field");
        }
    }
    return ZJ_OK;
}

/* An optional string member: *out = its text or NULL. */
static int text(const cJSON *o, const char *name, const char *where, const char **out,
                zj_error *err)
{
    *out = NULL;
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);
    if (!v || cJSON_IsNull(v))
        return ZJ_OK;
    char f[96];
    snprintf(f, sizeof f, "%s%s%s", where, where[0] ? "." : "", name);
    if (!cJSON_IsString(v))
        return bad(err, f, "must be a string");
    if (strlen(v->valuestring) > 400)
        return bad(err, f, "longer than 400 bytes");
    *out = v->valuestring;
    return ZJ_OK;
}

static int lawyer(const cJSON *v, const char *where, const char **name, const char **license,
                  zj_error *err)
{
    static const char *const names[] = {"name", "license_no", "firm", "parties", NULL};
    if (!cJSON_IsObject(v))
        return bad(err, where, "must be an object");
    int rc = known(v, names, where, err);
    if (!rc)
        rc = text(v, "name", where, name, err);
    if (!rc)
        rc = text(v, "license_no", where, license, err);
    return rc;
}

static int party(const cJSON *v, size_t i, zj_filing_party *p, zj_error *err)
{
    static const char *const names[] = {"role", "kind", "name", "id_no", "phone", "address",
                                        "birth_date", "lawyer", NULL};
    char where[32];
    snprintf(where, sizeof where, "parties[%zu]", i);
    if (!cJSON_IsObject(v))
        return bad(err, where, "must be an object");
    int rc = known(v, names, where, err);
    const char **f[] = {&p->role, &p->kind, &p->name, &p->id_no, &p->phone, &p->address,
                        &p->birth_date};
    for (size_t k = 0; !rc && k < sizeof f / sizeof f[0]; k++)
        rc = text(v, names[k], where, f[k], err);
    if (rc)
        return rc;
    char fw[48];
    if (!p->role || !p->role[0]) {
        snprintf(fw, sizeof fw, "%s.role", where);
        return bad(err, fw, "missing");
    }
    if (!p->name || !p->name[0]) {
        snprintf(fw, sizeof fw, "%s.name", where);
        return bad(err, fw, "missing");
    }
    static const char *const others[] = {"third_party", "第三人", "other", NULL};
    bool known_role = zj_filing_side(p->role) != SIDE_OTHER;
    for (size_t k = 0; others[k] && !known_role; k++)
        known_role = !strcmp(p->role, others[k]);
    if (!known_role) {
        snprintf(fw, sizeof fw, "%s.role", where);
        return bad(err, fw, "unknown role (plaintiff, defendant, third_party, applicant, "
                   "respondent, appellant, appellee, or 原告, 被告, 第三人 ...)");
    }
    if (p->kind && strcmp(p->kind, "person") && strcmp(p->kind, "enterprise")) {
        snprintf(fw, sizeof fw, "%s.kind", where);
        return bad(err, fw, "must be person or enterprise");
    }
    if (p->birth_date && zj_day(p->birth_date, ZJ_DAY_MIN) == ZJ_DAY_MIN) {
        snprintf(fw, sizeof fw, "%s.birth_date", where);
        return bad(err, fw, "not a date (YYYY-MM-DD)");
    }
    const cJSON *l = cJSON_GetObjectItemCaseSensitive(v, "lawyer");
    if (l && !cJSON_IsNull(l)) {
        snprintf(fw, sizeof fw, "%s.lawyer", where);
        rc = lawyer(l, fw, &p->lawyer_name, &p->lawyer_license_no, err);
    }
    return rc;
}

int zj_filing_input_parse(const char *t, size_t n, zj_filing_input *out, zj_error *err)
{
    memset(out, 0, sizeof *out);
    cJSON *doc = cJSON_ParseWithLength(t, n);
    if (!doc)
        return bad(err, "(document)", "not valid JSON");
    out->json = doc;
    if (!cJSON_IsObject(doc))
        return bad(err, "(document)", "must be a JSON object");
    static const char *const names[] = {"case_type", "cause", "claims", "claim_amount",
                                        "filed_on", "parties", "lawyers", NULL};
    zj_filing_case *c = &out->c;
    int rc = known(doc, names, "", err);
    if (!rc)
        rc = text(doc, "case_type", "", &c->case_type, err);
    if (!rc)
        rc = text(doc, "cause", "", &c->cause, err);
    if (!rc)
        rc = text(doc, "claims", "", &c->claims, err);
    if (!rc)
        rc = text(doc, "filed_on", "", &c->filed_on, err);
    if (rc)
        return rc;
    if (c->filed_on && zj_day(c->filed_on, ZJ_DAY_MIN) == ZJ_DAY_MIN)
        return bad(err, "filed_on", "not a date (YYYY-MM-DD)");
    const cJSON *a = cJSON_GetObjectItemCaseSensitive(doc, "claim_amount");
    if (a && !cJSON_IsNull(a)) {
        if (!cJSON_IsNumber(a) || !(a->valuedouble >= 0) || a->valuedouble > 1e15)
            return bad(err, "claim_amount", "must be a number from 0 to 1e15 (CNY)");
        c->claim_amount = a->valuedouble;
    }
    const cJSON *ps = cJSON_GetObjectItemCaseSensitive(doc, "parties");
    if (!ps)
        return bad(err, "parties", "missing");
    if (!cJSON_IsArray(ps))
        return bad(err, "parties", "must be an array");
    int np = cJSON_GetArraySize(ps);
    if (np < 1)
        return bad(err, "parties", "at least one party is needed");
    if (np > ZJ_FILING_MAX_PARTIES)
        return bad(err, "parties", "more than 32 parties");
    size_t i = 0;
    for (const cJSON *p = ps->child; p && !rc; p = p->next, i++)
        rc = party(p, i, &c->parties[i], err);
    if (rc)
        return rc;
    c->nparties = (size_t)np;
    const cJSON *ls = cJSON_GetObjectItemCaseSensitive(doc, "lawyers");
    if (ls && !cJSON_IsNull(ls)) {
        if (!cJSON_IsArray(ls))
            return bad(err, "lawyers", "must be an array");
        size_t k = 0;
        for (const cJSON *l = ls->child; l && !rc; l = l->next, k++) {
            char where[32];
            snprintf(where, sizeof where, "lawyers[%zu]", k);
            const char *name, *license;
            if ((rc = lawyer(l, where, &name, &license, err)))
                break;
            const cJSON *for_ = cJSON_GetObjectItemCaseSensitive(l, "parties");
            char fw[48];
            snprintf(fw, sizeof fw, "%s.parties", where);
            if (!cJSON_IsArray(for_))
                return bad(err, fw, "must be an array of party indexes");
            for (const cJSON *x = for_->child; x; x = x->next) {
                if (!cJSON_IsNumber(x) || x->valuedouble < 0 || x->valuedouble >= np ||
                    x->valuedouble != (double)(int)x->valuedouble)
                    return bad(err, fw, "a party index out of range");
                zj_filing_party *p = &c->parties[(int)x->valuedouble];
                p->lawyer_name = name;
                p->lawyer_license_no = license;
            }
        }
    }
    return rc;
}

void zj_filing_input_free(zj_filing_input *in)
{
    if (in && in->json) {
        cJSON_Delete(in->json);
        in->json = NULL;
    }
}

/* ---- the answer ------------------------------------------------------------------------------ */

static void masked(cJSON *o, const char *name, const char *v, bool unmask,
                   int (*mask)(const char *, size_t, char *, size_t))
{
    if (!v || !v[0])
        return;
    char buf[512];
    if (!unmask && mask(v, strlen(v), buf, sizeof buf) >= 0)
        v = buf;
    else if (!unmask)
        v = "***";
    cJSON_AddStringToObject(o, name, v);
}

static int mask_id(const char *s, size_t n, char *out, size_t cap)
{
    int r = -1;
    if ((n == 18 || n == 15) && s[0] >= '0' && s[0] <= '9')
        r = zj_mask_resident_id(s, n, out, cap);
    return r >= 0 ? r : zj_mask_uscc(s, n, out, cap);
}

static int mask_addr(const char *s, size_t n, char *out, size_t cap)
{
    return zj_mask_middle(s, n, 9, 0, out, cap);
}

/* Whether party `p` is an enterprise: said so, or (kind not given) identified by a valid
 * unified social credit code. An enterprise's name is public registration data (企业名称 on
 * the national enterprise credit publicity system) and is never masked; its phone, address
 * and code are masked like a person's. */
static bool is_enterprise(const zj_filing_party *p)
{
    if (p->kind)
        return !strcmp(p->kind, "enterprise");
    zj_uscc u;
    return p->id_no && zj_uscc_parse(p->id_no, strlen(p->id_no), &u, NULL) == 0;
}

static int keep_name(const char *s, size_t n, char *out, size_t cap)
{
    if (n >= cap)
        return -1;
    memcpy(out, s, n);
    out[n] = '\0';
    return (int)n;
}

static void day_str(cJSON *o, const char *name, long day)
{
    if (!day)
        return;
    char d[11];
    zj_day_format(day, d);
    cJSON_AddStringToObject(o, name, d);
}

static cJSON *history(const zj_filing_history *h)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddNumberToObject(o, "cases", (double)h->cases);
    cJSON *r = cJSON_AddObjectToObject(o, "by_role");
    cJSON_AddNumberToObject(r, "plaintiff", (double)h->as_plaintiff);
    cJSON_AddNumberToObject(r, "defendant", (double)h->as_defendant);
    cJSON_AddNumberToObject(r, "other", (double)h->as_other);
    cJSON *t = cJSON_AddObjectToObject(o, "by_type");
    cJSON_AddNumberToObject(t, "civil", (double)h->civil);
    cJSON_AddNumberToObject(t, "administrative", (double)h->administrative);
    cJSON_AddNumberToObject(t, "criminal", (double)h->criminal);
    cJSON_AddNumberToObject(t, "enforcement", (double)h->enforcement);
    cJSON_AddNumberToObject(t, "bankruptcy", (double)h->bankruptcy);
    cJSON_AddNumberToObject(t, "other", (double)h->other_type);
    cJSON *u = cJSON_AddObjectToObject(o, "by_outcome");
    cJSON_AddNumberToObject(u, "judgment", (double)h->judgment);
    cJSON_AddNumberToObject(u, "mediation", (double)h->mediation);
    cJSON_AddNumberToObject(u, "withdrawn", (double)h->withdrawn);
    cJSON_AddNumberToObject(u, "dismissed", (double)h->dismissed);
    cJSON_AddNumberToObject(u, "other", (double)h->other_outcome);
    cJSON_AddNumberToObject(u, "pending", (double)h->pending);
    cJSON *p = cJSON_AddObjectToObject(o, "period");
    day_str(p, "first_filed", h->first_day);
    day_str(p, "last_filed", h->last_day);
    cJSON_AddNumberToObject(p, "last_365_days", (double)h->last_year);
    cJSON *ids = cJSON_AddArrayToObject(o, "court_case_ids");
    for (size_t i = 0; i < h->ncase_ids; i++)
        cJSON_AddItemToArray(ids, cJSON_CreateNumber((double)h->case_ids[i]));
    return o;
}

int zj_filing_result_json(const zj_filing_case *c, const zj_filing_result *r, bool unmask,
                          zj_buf *out)
{
    cJSON *o = cJSON_CreateObject();
    if (!o)
        return ZJ_EDATA;
    day_str(o, "checked_as_of", r->day);
    if (c->case_type)
        cJSON_AddStringToObject(o, "case_type", c->case_type);
    if (c->cause)
        cJSON_AddStringToObject(o, "cause", c->cause);
    cJSON_AddNumberToObject(o, "claim_amount", c->claim_amount);
    cJSON *ps = cJSON_AddArrayToObject(o, "parties");
    for (size_t i = 0; i < r->nparties; i++) {
        const zj_filing_party *p = &c->parties[i];
        const zj_filing_identity *id = &r->parties[i];
        cJSON *j = cJSON_CreateObject();
        cJSON_AddStringToObject(j, "role", p->role);
        bool ent = is_enterprise(p);
        cJSON_AddStringToObject(j, "kind", ent ? "enterprise" : "person");
        masked(j, "name", p->name, unmask, ent ? keep_name : zj_mask_name);
        masked(j, "id_no", p->id_no, unmask, mask_id);
        masked(j, "phone", p->phone, unmask, zj_mask_phone);
        masked(j, "address", p->address, unmask, mask_addr);
        cJSON *res = cJSON_AddObjectToObject(j, "identity");
        cJSON_AddStringToObject(res, "method", id->method);
        cJSON_AddNumberToObject(res, "confidence", id->confidence);
        if (id->entity_id)
            cJSON_AddNumberToObject(res, "entity_id", (double)id->entity_id);
        cJSON_AddNumberToObject(res, "same_name_holders", (double)id->same_name);
        if (id->nsteps) {                /* the linking model's answer, and why */
            cJSON_AddNumberToObject(res, "match_weight", round(id->weight * 1000) / 1000);
            cJSON_AddNumberToObject(res, "threshold", id->threshold);
            cJSON_AddNumberToObject(res, "candidates", (double)id->candidates);
            if (id->runner_up) {
                cJSON_AddNumberToObject(res, "runner_up_entity_id", (double)id->runner_up);
                cJSON_AddNumberToObject(res, "runner_up_confidence", id->runner_up_confidence);
            }
            cJSON *why = cJSON_AddArrayToObject(res, "comparators");
            for (int k = 0; k < id->nsteps; k++) {
                const zj_resolve_step *st = &id->steps[k];
                cJSON *sj = cJSON_CreateObject();
                cJSON_AddStringToObject(sj, "field", st->field);
                cJSON_AddStringToObject(sj, "level", st->level);
                if (!st->missing) {
                    cJSON_AddNumberToObject(sj, "m", st->m);
                    cJSON_AddNumberToObject(sj, "u", st->u);
                    cJSON_AddNumberToObject(sj, "weight", round(st->weight * 1000) / 1000);
                    if (st->tf_adjusted)
                        cJSON_AddTrueToObject(sj, "frequency_adjusted");
                }
                cJSON_AddItemToArray(why, sj);
            }
        }
        cJSON_AddItemToObject(j, "history", history(&id->history));
        cJSON_AddItemToArray(ps, j);
    }
    cJSON *prs = cJSON_AddArrayToObject(o, "prompts");
    for (int k = 0; k < 4; k++) {
        const zj_filing_prompt *pr = &r->prompts[k];
        cJSON *j = cJSON_CreateObject();
        cJSON_AddStringToObject(j, "code", pr->code);
        cJSON_AddBoolToObject(j, "warn", pr->warn);
        cJSON_AddNumberToObject(j, "score", (double)(long)(pr->score * 100 + 0.5) / 100);
        cJSON_AddNumberToObject(j, "threshold", pr->threshold);
        cJSON *fs = cJSON_AddArrayToObject(j, "factors");
        for (size_t i = 0; i < pr->nfactors; i++) {
            cJSON *f = cJSON_CreateObject();
            cJSON_AddStringToObject(f, "name", pr->factors[i].name);
            cJSON_AddNumberToObject(f, "weight",
                                    (double)(long)(pr->factors[i].weight * 100 + 0.5) / 100);
            cJSON_AddStringToObject(f, "detail", pr->factors[i].detail);
            cJSON_AddItemToArray(fs, f);
        }
        cJSON *cs = cJSON_AddArrayToObject(j, "cases");
        for (size_t i = 0; i < pr->ncases; i++) {
            cJSON *x = cJSON_CreateObject();
            cJSON_AddStringToObject(x, "table", pr->cases[i].table);
            cJSON_AddNumberToObject(x, "id", (double)pr->cases[i].id);
            cJSON_AddStringToObject(x, "case_no", pr->cases[i].case_no);
            cJSON_AddItemToArray(cs, x);
        }
        if (pr->cluster_size) {
            cJSON_AddNumberToObject(j, "cluster_size", (double)pr->cluster_size);
            cJSON_AddNumberToObject(j, "place", (double)pr->place);
        }
        cJSON_AddItemToArray(prs, j);
    }
    char *s = cJSON_PrintUnformatted(o);
    cJSON_Delete(o);
    if (!s)
        return ZJ_EDATA;
    int rc = zj_buf_puts(out, s) ? ZJ_EDATA : ZJ_OK;
    cJSON_free(s);
    return rc;
}
