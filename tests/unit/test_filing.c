/* test_filing.c - the filing check (detect/filing.h): resolution, history, each factor of
 * FL01-FL04 at its boundaries, the JSON input, threads on one index, refresh. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <pthread.h>
#include <string.h>

#include "detect/filing.h"
#include "detect/filing_index.h"
#include "detect/common.h"
#include "link/link.h"
#include "storefix.h"

static int64_t seq;

/* Runs sql with v[0..n) as $1..$n and, when `key`, a fresh key hash as $n+1. */
static void exec_sql_key(zj_store *s, const char *sql, int n, const char **v, bool key)
{
    zj_stmt *q;
    zj_error err = {0};
    assert_int_equal(zj_stmt_prepare(s, sql, &q, &err), 0);
    for (int i = 0; i < n; i++) {
        if (v[i])
            zj_stmt_bind_text(q, i + 1, v[i], strlen(v[i]));
        else
            zj_stmt_bind_null(q, i + 1);
    }
    if (key)
        zj_stmt_bind_int(q, n + 1, ++seq);
    assert_true(zj_stmt_next(q, &err) >= 0);
    zj_stmt_finalize(q);
}

static void exec_sql(zj_store *s, const char *sql, int n, const char **v)
{
    exec_sql_key(s, sql, n, v, true);
}

/* A court case: type, cause, filed (YYYY-MM-DD), closed (or NULL), outcome, claim. */
static void court(zj_store *s, const char *no, const char *type, const char *cause,
                  const char *filed, const char *closed, const char *outcome, const char *claim)
{
    const char *v[] = {no, type, cause, filed, closed, outcome, claim};
    exec_sql(s, "INSERT INTO court_case (source_system, source_key, batch_id, src_line,"
             " content_hash, case_no, case_type, cause, filed_at, closed_at, outcome,"
             " claim_amount, key_hash) VALUES ('t', $1, 0, 0, 0, $1, $2, $3, $4, $5, $6, $7, $8)",
             7, v);
}

/* A court case with its defence (答辩情况) and claims (诉讼请求). */
static void court_dc(zj_store *s, const char *no, const char *cause, const char *filed,
                     const char *closed, const char *outcome, const char *defence,
                     const char *claims)
{
    court(s, no, "民初", cause, filed, closed, outcome, NULL);
    const char *v[] = {defence, claims, no};
    exec_sql_key(s, "UPDATE court_case SET defence = $1, claims = $2 WHERE case_no = $3", 3, v,
                 false);
}

static void police(zj_store *s, const char *no, const char *cause, const char *accepted,
                   const char *closed)
{
    const char *v[] = {no, cause, accepted, closed};
    exec_sql(s, "INSERT INTO police_case (source_system, source_key, batch_id, src_line,"
             " content_hash, case_no, cause, accepted_at, closed_at, key_hash)"
             " VALUES ('t', $1, 0, 0, 0, $1, $2, $3, $4, $5)", 4, v);
}

static void party(zj_store *s, const char *system, const char *no, const char *role,
                  const char *name, const char *id, const char *phone, const char *address,
                  const char *lawyer)
{
    const char *v[] = {system, no, role, name, id, phone, address, lawyer};
    exec_sql(s, "INSERT INTO case_party (source_system, source_key, batch_id, src_line,"
             " content_hash, case_system, case_no, role, name, id_no, phone, address,"
             " lawyer_name, key_hash) VALUES ('t', $1 || $2 || $3 || $4, 0, 0, 0, $1, $2, $3, $4,"
             " $5, $6, $7, $8, $9)", 8, v);
}

static zj_filing_index *build(zj_store *s)
{
    zj_rules *r;
    zj_error err = {0};
    assert_int_equal(zj_rules_defaults(&r, &err), 0);
    zj_filing_index *ix;
    assert_int_equal(zj_filing_index_build(s, r, NULL, &ix, &err), 0);
    zj_rules_free(r);
    return ix;
}

static zj_filing_result res;

static void check(zj_filing_index *ix, zj_filing_case *c)
{
    zj_error err = {0};
    int rc = zj_filing_check(ix, c, &res, &err);
    if (rc)
        fail_msg("check: %s", err.msg);
}

static const zj_filing_factor *find(const zj_filing_prompt *p, const char *name)
{
    for (size_t i = 0; i < p->nfactors; i++)
        if (!strcmp(p->factors[i].name, name))
            return &p->factors[i];
    return NULL;
}

static void two(zj_filing_case *c, const char *cause, const char *day)
{
    memset(c, 0, sizeof *c);
    c->case_type = "民初";
    c->cause = cause;
    c->filed_on = day;
    c->nparties = 2;
    c->parties[0] = (zj_filing_party){.role = "plaintiff", .name = "李明"};
    c->parties[1] = (zj_filing_party){.role = "defendant", .name = "王芳"};
}

/* ---- FL01 ---------------------------------------------------------------------------------- */

static void fl01_signs(void **state)
{
    store_fixture *f = *state;
    zj_filing_index *ix = build(f->s);
    zj_filing_case c;
    two(&c, "民间借贷纠纷", "2021-05-01");
    c.parties[0].phone = c.parties[1].phone = "13912345678";
    c.parties[0].address = c.parties[1].address = "陕西省西安市碑林区长安路1号";
    check(ix, &c);
    assert_true(res.prompts[0].warn);                       /* 0.2 + 0.35 + 0.25 */
    assert_non_null(find(&res.prompts[0], "shared_phone"));
    assert_non_null(find(&res.prompts[0], "shared_address"));
    assert_true(res.prompts[0].score > 0.79 && res.prompts[0].score < 0.81);

    c.parties[1].address = "陕西省西安市莲湖区工农路2号";     /* phone alone: 0.55 < 0.6 */
    check(ix, &c);
    assert_false(res.prompts[0].warn);
    c.claim_amount = 999999;                                /* just under the large claim */
    check(ix, &c);
    assert_false(res.prompts[0].warn);
    assert_null(find(&res.prompts[0], "large_claim"));
    c.claim_amount = 1000000;                               /* at it: 0.65 */
    check(ix, &c);
    assert_true(res.prompts[0].warn);

    /* the same signs in a cause outside the high-risk areas count for nothing */
    c.cause = "机动车交通事故责任纠纷";
    c.parties[1].address = c.parties[0].address;
    check(ix, &c);
    assert_false(res.prompts[0].warn);
    assert_int_equal(res.prompts[0].nfactors, 0);

    /* one lawyer on both sides */
    two(&c, "离婚后财产纠纷", "2021-05-01");
    c.parties[0].lawyer_name = c.parties[1].lawyer_name = "赵律师";
    check(ix, &c);
    assert_true(res.prompts[0].warn);
    assert_non_null(find(&res.prompts[0], "same_lawyer"));
    zj_filing_index_free(ix);
}

static void fl01_history(void **state)
{
    store_fixture *f = *state;
    /* the plaintiff sued a defendant sharing his phone before; the defendant is a debtor */
    court(f->s, "A1", "民初", "民间借贷纠纷", "2020-01-10", "2020-01-13", "mediation", "500000");
    party(f->s, "court", "A1", "plaintiff", "李明", "610102198001011234", "13900000001", NULL,
          NULL);
    party(f->s, "court", "A1", "defendant", "赵强", NULL, "13900000001", NULL, NULL);
    court(f->s, "E1", "执", "买卖合同纠纷", "2021-01-10", NULL, NULL, NULL);
    party(f->s, "court", "E1", "respondent", "王芳", "610102198502021234", NULL, NULL, NULL);
    zj_filing_index *ix = build(f->s);
    zj_filing_case c;
    two(&c, "民间借贷纠纷", "2021-05-01");
    c.parties[0].id_no = "610102198001011234";
    c.parties[1].id_no = "610102198502021234";
    check(ix, &c);
    assert_string_equal(res.parties[0].method, "id");
    assert_int_equal(res.parties[0].history.cases, 1);
    assert_int_equal(res.parties[0].history.mediation, 1);
    assert_non_null(find(&res.prompts[0], "repeat_related_suits"));
    assert_non_null(find(&res.prompts[0], "debtor_under_enforcement"));
    assert_null(find(&res.prompts[0], "instant_settlements"));      /* 1 < min_quick 2 */
    assert_true(res.prompts[0].warn);                               /* 0.2 + 0.2 + 0.25 */
    assert_true(res.prompts[3].warn);                               /* under enforcement */
    /* the day before the enforcement was filed it is not known */
    c.filed_on = "2021-01-10";
    check(ix, &c);
    assert_null(find(&res.prompts[0], "debtor_under_enforcement"));
    assert_false(res.prompts[3].warn);
    zj_filing_index_free(ix);
}

/* Link the party named `name` of case `no` to entity `e` (what `zhijian link` would do). */
static void link_party(zj_store *s, const char *no, const char *name, const char *e)
{
    const char *v[] = {e};
    exec_sql_key(s, "INSERT OR IGNORE INTO entity (id, kind, created_at) VALUES ($1, 'person',"
                 " '2021-01-01')", 1, v, false);
    const char *w[] = {e, no, name};   /* parameters are numbered by first appearance */
    exec_sql_key(s, "INSERT INTO mention (table_name, record_id, role, kind, entity_id)"
                 " SELECT 'case_party', id, 'party', 'person', $1 FROM case_party"
                 " WHERE case_no = $2 AND name = $3", 3, w, false);
}

static void relation(zj_store *s, const char *kind, const char *a, const char *b)
{
    const char *v[] = {kind, a, b};
    exec_sql(s, "INSERT INTO relation (kind, src_entity, dst_entity, source_table,"
             " source_record) VALUES ($1, $2, $3, 't', $4)", 3, v);
}

static void fl01_related(void **state)
{
    store_fixture *f = *state;
    /* 李明 and 王芳 are spouses; 赵强 and 王芳 hold roles in one company (entity 9) */
    court(f->s, "R1", "民初", "买卖合同纠纷", "2020-01-10", NULL, NULL, NULL);
    party(f->s, "court", "R1", "plaintiff", "李明", "610102198001011234", NULL, NULL, NULL);
    party(f->s, "court", "R1", "defendant", "王芳", "610102198502021234", NULL, NULL, NULL);
    party(f->s, "court", "R1", "third_party", "赵强", "610102199003031234", NULL, NULL, NULL);
    link_party(f->s, "R1", "李明", "1");
    link_party(f->s, "R1", "王芳", "2");
    link_party(f->s, "R1", "赵强", "3");
    relation(f->s, "relative", "1", "2");
    relation(f->s, "enterprise_role", "2", "9");
    relation(f->s, "enterprise_role", "3", "9");
    zj_filing_index *ix = build(f->s);
    zj_filing_case c;
    two(&c, "民间借贷纠纷", "2021-05-01");
    c.parties[0].id_no = "610102198001011234";
    c.parties[1].id_no = "610102198502021234";
    check(ix, &c);
    assert_int_equal(res.parties[0].entity_id, 1);
    const zj_filing_factor *r = find(&res.prompts[0], "related_parties");
    assert_non_null(r);
    assert_non_null(strstr(r->detail, "relatives"));
    assert_true(res.prompts[0].warn);                        /* 0.2 + 0.4 */
    c.parties[0].id_no = "610102199003031234";               /* 赵强: the same company */
    c.parties[0].name = "赵强";
    check(ix, &c);
    r = find(&res.prompts[0], "related_parties");
    assert_non_null(r);
    assert_non_null(strstr(r->detail, "same enterprise"));
    zj_filing_index_free(ix);
}

/* ---- FL02 ---------------------------------------------------------------------------------- */

static void suits(zj_store *s, int n, int first_day, const char *defendant, const char *outcome)
{
    for (int i = 0; i < n; i++) {
        char no[32], filed[32], closed[32];
        snprintf(no, sizeof no, "X%d-%d", first_day, i);
        snprintf(filed, sizeof filed, "2021-%02d-%02d", 1 + (first_day + i * 10) / 28,
                 1 + (first_day + i * 10) % 28);
        snprintf(closed, sizeof closed, "2021-%02d-%02d", 1 + (first_day + i * 10) / 28,
                 1 + (first_day + i * 10 + 5) % 28);
        court(s, no, "行初", "政府信息公开", filed, outcome ? closed : NULL, outcome, NULL);
        party(s, "court", no, "plaintiff", "陆某", "320602196001011234", NULL, NULL, NULL);
        party(s, "court", no, "defendant", defendant, NULL, NULL, NULL, NULL);
    }
}

static void fl02_counts(void **state)
{
    store_fixture *f = *state;
    suits(f->s, 4, 0, "某县人民政府", "withdrawn");
    zj_filing_index *ix = build(f->s);
    zj_filing_case c;
    two(&c, "政府信息公开", "2021-12-01");
    c.case_type = "行初";
    c.parties[0].name = "陆某";
    c.parties[0].id_no = "320602196001011234";
    c.parties[1].name = "某县人民政府";
    check(ix, &c);
    /* 4 filings < 5; 4 same claims >= 3; 4 of 4 closed withdrawn: 0.6 */
    assert_null(find(&res.prompts[1], "many_filings"));
    assert_non_null(find(&res.prompts[1], "repeated_same_claim"));
    assert_non_null(find(&res.prompts[1], "withdrawn_or_dismissed"));
    assert_true(res.prompts[1].warn);
    /* against another defendant, with the withdrawals only: 0.3 */
    c.parties[1].name = "某市人民政府";
    check(ix, &c);
    assert_false(res.prompts[1].warn);
    zj_filing_index_free(ix);
    /* a fifth filing makes "many" */
    suits(f->s, 1, 200, "某区人民政府", "judgment");
    ix = build(f->s);
    check(ix, &c);
    assert_non_null(find(&res.prompts[1], "many_filings"));
    assert_true(res.prompts[1].warn);                 /* 0.4 + 0.3 (4 of 5 withdrawn) */
    /* a year later they are out of the window */
    c.filed_on = "2023-01-01";
    check(ix, &c);
    assert_false(res.prompts[1].warn);
    assert_int_equal(res.prompts[1].nfactors, 0);
    zj_filing_index_free(ix);
}

/* FL01: a defendant who lost suits without a contest (未答辩, 缺席判决, 自认) */
static void fl01_uncontested(void **state)
{
    store_fixture *f = *state;
    const char *wang = "610102198502021234";
    court_dc(f->s, "U1", "民间借贷纠纷", "2021-01-05", "2021-02-01", "judgment", "admitted", NULL);
    party(f->s, "court", "U1", "plaintiff", "甲", NULL, NULL, NULL, NULL);
    party(f->s, "court", "U1", "defendant", "王芳", wang, NULL, NULL, NULL);
    court_dc(f->s, "U2", "买卖合同纠纷", "2021-02-05", "2021-03-01", "judgment", "default", NULL);
    party(f->s, "court", "U2", "plaintiff", "乙", NULL, NULL, NULL, NULL);
    party(f->s, "court", "U2", "defendant", "王芳", wang, NULL, NULL, NULL);
    /* as the plaintiff, an uncontested win is no sign against her */
    court_dc(f->s, "U3", "买卖合同纠纷", "2021-02-06", "2021-03-02", "judgment", "no_answer", NULL);
    party(f->s, "court", "U3", "plaintiff", "王芳", wang, NULL, NULL, NULL);
    party(f->s, "court", "U3", "defendant", "丙", NULL, NULL, NULL, NULL);
    zj_filing_index *ix = build(f->s);
    zj_filing_case c;
    two(&c, "民间借贷纠纷", "2021-05-01");
    c.parties[1].id_no = wang;
    c.claim_amount = 1000000;
    check(ix, &c);
    const zj_filing_factor *u = find(&res.prompts[0], "uncontested_judgments");
    assert_non_null(u);
    assert_true(u->weight > 0.29 && u->weight < 0.31);
    assert_true(res.prompts[0].warn);                       /* 0.2 + 0.3 + 0.1 */
    assert_int_equal(res.prompts[0].ncases, 2);             /* U1 and U2 support it */
    /* the day after the first closed, only one is known: no sign */
    c.filed_on = "2021-02-02";
    check(ix, &c);
    assert_null(find(&res.prompts[0], "uncontested_judgments"));
    /* 365 days after the first closed it still counts; a day later it does not */
    c.filed_on = "2022-02-01";
    check(ix, &c);
    assert_non_null(find(&res.prompts[0], "uncontested_judgments"));
    c.filed_on = "2022-02-02";
    check(ix, &c);
    assert_null(find(&res.prompts[0], "uncontested_judgments"));
    zj_filing_index_free(ix);
    /* a contested judgment is no sign */
    const char *v[] = {"U2"};
    exec_sql_key(f->s, "UPDATE court_case SET defence = 'contested' WHERE case_no = $1", 1, v,
                 false);
    ix = build(f->s);
    c.filed_on = "2021-05-01";
    check(ix, &c);
    assert_null(find(&res.prompts[0], "uncontested_judgments"));
    assert_false(res.prompts[0].warn);
    zj_filing_index_free(ix);
}

/* FL02: the same claims against one defendant under different causes count; one cause with
 * different claims does not */
static void fl02_claims(void **state)
{
    store_fixture *f = *state;
    const char *li = "610102198001011237", *wang = "610102198502021234";
    static const char *const causes[3] = {"名誉权纠纷", "侵权责任纠纷", "人格权纠纷"};
    for (int i = 0; i < 3; i++) {
        char no[8], filed[16], closed[16], claims[256];
        snprintf(no, sizeof no, "C%d", i);
        snprintf(filed, sizeof filed, "2021-0%d-01", 1 + 2 * i);
        snprintf(closed, sizeof closed, "2021-0%d-20", 1 + 2 * i);
        snprintf(claims, sizeof claims, "判令被告删除涉及原告的全部文章，公开赔礼道歉，并赔偿精神"
                 "损害抚慰金%d元。", 1000 * (i + 1));
        court_dc(f->s, no, causes[i], filed, closed, "withdrawn", "contested", claims);
        party(f->s, "court", no, "plaintiff", "李强", li, NULL, NULL, NULL);
        party(f->s, "court", no, "defendant", "王芳", wang, NULL, NULL, NULL);
    }
    zj_filing_index *ix = build(f->s);
    zj_filing_case c;
    two(&c, "网络侵权责任纠纷", "2021-08-01");
    c.parties[0].id_no = li;
    c.parties[1].id_no = wang;
    c.claims = "判令被告立即删除涉及原告的全部文章、公开赔礼道歉，并赔偿精神损害抚慰金5000元。";
    check(ix, &c);
    assert_non_null(find(&res.prompts[1], "repeated_same_claim"));
    assert_true(res.prompts[1].warn);                       /* 0.3 + 0.3 (3 of 3 withdrawn) */
    /* other claims, even under an earlier suit's cause: not the same claim */
    c.cause = "名誉权纠纷";
    c.claims = "判令被告支付2021年3月所购钢材货款86400元及逾期付款利息。";
    check(ix, &c);
    assert_null(find(&res.prompts[1], "repeated_same_claim"));
    assert_false(res.prompts[1].warn);
    /* no claims text: the cause stands in (one earlier suit had it: 1 < 3) */
    c.claims = NULL;
    check(ix, &c);
    assert_null(find(&res.prompts[1], "repeated_same_claim"));
    zj_filing_index_free(ix);
}

static void fl02_lender(void **state)
{
    store_fixture *f = *state;
    /* a lender with two ordinary suits: nothing */
    for (int i = 0; i < 2; i++) {
        char no[8];
        snprintf(no, sizeof no, "L%d", i);
        court(f->s, no, "民初", "民间借贷纠纷", i ? "2021-03-01" : "2021-01-01", "2021-04-01",
              "judgment", "80000");
        party(f->s, "court", no, "plaintiff", "钱某", "610102197001011234", NULL, NULL, NULL);
        party(f->s, "court", no, "defendant", i ? "孙某" : "周某", NULL, NULL, NULL, NULL);
    }
    zj_filing_index *ix = build(f->s);
    zj_filing_case c;
    two(&c, "民间借贷纠纷", "2021-06-01");
    c.parties[0].id_no = "610102197001011234";
    check(ix, &c);
    for (int k = 0; k < 4; k++)
        assert_false(res.prompts[k].warn);
    assert_int_equal(res.parties[0].history.as_plaintiff, 2);
    assert_int_equal(res.parties[0].history.judgment, 2);
    zj_filing_index_free(ix);
}

/* ---- FL03 ---------------------------------------------------------------------------------- */

static void wage_suits(zj_store *s, int n, const char *day)
{
    for (int i = 0; i < n; i++) {
        char no[48], name[32];
        snprintf(no, sizeof no, "W%s-%d", day, i);
        snprintf(name, sizeof name, "工人%d", i);
        court(s, no, "民初", "追索劳动报酬纠纷", day, NULL, NULL, "30000");
        party(s, "court", no, "plaintiff", name, NULL, NULL, NULL, NULL);
        party(s, "court", no, "defendant", "某建筑有限公司", "91610100MA6TXXXX1X", NULL, NULL,
              NULL);
    }
}

static void fl03_cluster(void **state)
{
    store_fixture *f = *state;
    wage_suits(f->s, 8, "2021-04-10");
    wage_suits(f->s, 5, "2021-01-02");              /* more than 60 days before: not counted */
    zj_filing_index *ix = build(f->s);
    zj_filing_case c;
    two(&c, "追索劳动报酬纠纷", "2021-04-20");
    c.parties[1].name = "某建筑有限公司";
    c.parties[1].id_no = "91610100MA6TXXXX1X";
    check(ix, &c);
    assert_false(res.prompts[2].warn);               /* 9 plaintiffs < 10 */
    zj_filing_index_free(ix);
    wage_suits(f->s, 1, "2021-04-15");
    ix = build(f->s);
    check(ix, &c);
    assert_true(res.prompts[2].warn);                /* the 10th */
    assert_int_equal(res.prompts[2].place, 10);
    assert_int_equal(res.prompts[2].ncases, 9);
    /* a cause outside the mass causes: no cluster */
    c.cause = "买卖合同纠纷";
    check(ix, &c);
    assert_false(res.prompts[2].warn);
    zj_filing_index_free(ix);
}

/* ---- FL04 ---------------------------------------------------------------------------------- */

static void fl04_criminal(void **state)
{
    store_fixture *f = *state;
    police(f->s, "P1", "诈骗", "2021-03-01", NULL);
    party(f->s, "police", "P1", "suspect", "高某", "610113195308261543", NULL, NULL, NULL);
    police(f->s, "P2", "盗窃", "2021-03-01", NULL);
    party(f->s, "police", "P2", "suspect", "韩某", "610113195308261551", NULL, NULL, NULL);
    police(f->s, "P3", "诈骗罪", "2020-03-01", "2020-06-01");
    party(f->s, "police", "P3", "suspect", "冯某", "610113195308261578", NULL, NULL, NULL);
    zj_filing_index *ix = build(f->s);
    zj_filing_case c;
    two(&c, "民间借贷纠纷", "2021-05-01");
    c.parties[0].id_no = "610113195308261543";
    check(ix, &c);
    assert_true(res.prompts[3].warn);
    assert_non_null(find(&res.prompts[3], "parallel_criminal_case"));
    assert_string_equal(res.prompts[3].cases[0].case_no, "P1");
    c.filed_on = "2021-03-01";                       /* not known yet on the day it came in */
    check(ix, &c);
    assert_false(res.prompts[3].warn);
    c.filed_on = "2021-05-01";
    c.cause = "离婚纠纷";                              /* fraud is not the same facts as divorce */
    check(ix, &c);
    assert_false(res.prompts[3].warn);
    c.cause = "民间借贷纠纷";
    c.parties[0].id_no = "610113195308261551";       /* theft: another matter */
    check(ix, &c);
    assert_false(res.prompts[3].warn);
    assert_non_null(find(&res.prompts[3], "other_criminal_case"));
    c.parties[0].id_no = "610113195308261578";       /* closed before: nothing pending */
    check(ix, &c);
    assert_false(res.prompts[3].warn);
    zj_filing_index_free(ix);
}

/* ---- resolution ---------------------------------------------------------------------------- */

/* Link the store as `zhijian link` does, so the check meets the batch model (the rows count
 * as imported by batch 1, which linking reads). */
static void link_store(zj_store *s)
{
    exec_sql_key(s, "UPDATE case_party SET batch_id = 1", 0, NULL, false);
    exec_sql_key(s, "UPDATE court_case SET batch_id = 1", 0, NULL, false);
    zj_error err = {0};
    zj_namer *nm = zj_namer_new(&err);
    assert_non_null(nm);
    zj_link_options lo = {0};
    zj_link_stats st;
    if (zj_link_run(s, nm, &lo, &st, &err))
        fail_msg("link: %s", err.msg);
    zj_namer_free(nm);
}

/* A resident ID with its check character: region 610102, the birth date, sequence. */
static void make_id(char out[19], int y, int m, int d, int seq)
{
    snprintf(out, 19, "610102%04d%02d%02d%03d", y, m, d, seq);
    static const int w[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
    int sum = 0;
    for (int i = 0; i < 17; i++)
        sum += (out[i] - '0') * w[i];
    out[17] = "10X98765432"[sum % 11];
    out[18] = '\0';
}

/* 400 people with IDs and phones, each a party of two cases: enough pairs sharing an ID for
 * the batch to estimate its model from. */
static void population(zj_store *s)
{
    static const char *const sur[20] = {"王", "李", "刘", "陈", "杨", "黄", "赵", "吴", "周",
                                        "徐", "孙", "马", "朱", "胡", "郭", "何", "高", "林",
                                        "罗", "梁"};
    static const char *const given[20] = {"明", "芳", "强", "磊", "军", "洋", "勇", "艳", "杰",
                                          "娟", "涛", "超", "秀英", "桂英", "建华", "志强",
                                          "晓东", "丽", "静", "敏"};
    for (int i = 0; i < 400; i++) {
        char name[32], id[19], phone[16], a[16], b[16];
        snprintf(name, sizeof name, "%s%s", sur[i % 20], given[i / 20]);
        make_id(id, 1960 + i % 40, i % 12 + 1, i % 28 + 1, 100 + i);
        snprintf(phone, sizeof phone, "1390000%04d", i);
        snprintf(a, sizeof a, "P%d", i);
        snprintf(b, sizeof b, "D%d", i);
        court(s, a, "民初", "买卖合同纠纷", "2019-01-01", "2019-05-01", "judgment", NULL);
        party(s, "court", a, "plaintiff", name, id, phone, NULL, NULL);
        court(s, b, "民初", "买卖合同纠纷", "2019-02-01", "2019-06-01", "judgment", NULL);
        party(s, "court", b, "defendant", name, id, phone, NULL, NULL);
    }
}

static void two_zhang_wei(void **state)
{
    store_fixture *f = *state;
    population(f->s);
    court(f->s, "Z1", "民初", "买卖合同纠纷", "2020-01-01", NULL, NULL, NULL);
    party(f->s, "court", "Z1", "plaintiff", "张伟", NULL, "13800000001", "西安市甲路1号", NULL);
    court(f->s, "Z2", "民初", "买卖合同纠纷", "2020-02-01", NULL, NULL, NULL);
    party(f->s, "court", "Z2", "plaintiff", "张伟", NULL, "13800000002", "西安市乙路2号", NULL);
    court(f->s, "Z3", "民初", "买卖合同纠纷", "2020-03-01", NULL, NULL, NULL);
    party(f->s, "court", "Z3", "plaintiff", "李强", "610102198001011237", "13800000003", NULL,
          NULL);
    court(f->s, "Z4", "民初", "买卖合同纠纷", "2020-04-01", NULL, NULL, NULL);
    party(f->s, "court", "Z4", "defendant", "李强", "610102198001011237", NULL, NULL, NULL);
    link_store(f->s);
    zj_filing_index *ix = build(f->s);
    zj_filing_case c;
    two(&c, "民间借贷纠纷", "2021-01-01");
    c.parties[0].name = "张伟";
    check(ix, &c);
    assert_string_equal(res.parties[0].method, "name_only");   /* a name alone never links */
    assert_int_equal(res.parties[0].same_name, 2);
    assert_int_equal(res.parties[0].history.cases, 0);
    assert_int_equal(res.parties[0].entity_id, 0);
    /* the same name and phone: the linking model places him, and says why */
    c.parties[0].phone = "138-0000-0002";
    check(ix, &c);
    assert_string_equal(res.parties[0].method, "model");
    assert_true(res.parties[0].confidence >= res.parties[0].threshold);
    assert_true(res.parties[0].threshold > 0.9);
    assert_int_equal(res.parties[0].history.cases, 1);
    assert_int_equal(res.parties[0].history.first_day, zj_day("2020-02-01", 0));
    bool phone = false, name = false;
    double total = 0;
    for (int k = 0; k < res.parties[0].nsteps; k++) {
        const zj_resolve_step *st = &res.parties[0].steps[k];
        phone |= !strcmp(st->field, "phone") && !strcmp(st->level, "same") && st->weight > 0;
        name |= !strcmp(st->field, "name") && !strcmp(st->level, "exact") && st->tf_adjusted;
        total += st->weight;
    }
    assert_true(phone && name);
    assert_true(total > 0);
    /* another phone: no candidate shares a block with him */
    c.parties[0].phone = "13000000000";
    check(ix, &c);
    assert_int_equal(res.parties[0].entity_id, 0);
    assert_int_equal(res.parties[0].history.cases, 0);
    /* a trusted resident ID decides, its name written in traditional characters */
    c.parties[0] = (zj_filing_party){.role = "plaintiff", .name = "李強",
                                     .id_no = "610102198001011237"};
    check(ix, &c);
    assert_string_equal(res.parties[0].method, "id");
    assert_int_equal(res.parties[0].history.cases, 2);
    /* the same ID with an unrelated name is not trusted: the model judges, and does not link */
    c.parties[0].name = "王大锤";
    check(ix, &c);
    assert_string_not_equal(res.parties[0].method, "id");
    assert_int_equal(res.parties[0].entity_id, 0);
    c.parties[0] = (zj_filing_party){.role = "plaintiff", .name = "张薇"};
    check(ix, &c);
    assert_string_equal(res.parties[0].method, "new");        /* another name: new */
    zj_filing_index_free(ix);
}

/* ---- input --------------------------------------------------------------------------------- */

static void input_errors(void **state)
{
    (void)state;
    static const struct { const char *json, *msg; } k[] = {
        {"[", "(document): not valid JSON"},
        {"{}", "parties: missing"},
        {"{\"parties\":{}}", "parties: must be an array"},
        {"{\"parties\":[]}", "parties: at least one party is needed"},
        {"{\"parties\":[{\"name\":\"a\"}]}", "parties[0].role: missing"},
        {"{\"parties\":[{\"role\":\"plaintiff\",\"name\":\"a\",\"phone\":1}]}",
         "parties[0].phone: must be a string"},
        {"{\"parties\":[{\"role\":\"plaintiff\",\"name\":\"a\"}],\"filed_on\":\"2021-13-01\"}",
         "filed_on: not a date (YYYY-MM-DD)"},
        {"{\"parties\":[{\"role\":\"plaintiff\",\"name\":\"a\"}],\"claim_amount\":-1}",
         "claim_amount: must be a number from 0 to 1e15 (CNY)"},
        {"{\"parties\":[{\"role\":\"plaintiff\",\"name\":\"a\"}],\"lawyers\":[{\"name\":\"b\","
         "\"parties\":[3]}]}", "lawyers[0].parties: a party index out of range"},
        {"{\"parties\":[{\"role\":\"plaintiff\",\"name\":\"a\",\"kind\":\"x\"}]}",
         "parties[0].kind: must be person or enterprise"},
        {"{\"parties\":[{\"role\":\"plantiff\",\"name\":\"a\"}]}",
         "parties[0].role: unknown role (plaintiff, defendant, third_party, applicant, "
         "respondent, appellant, appellee, or 原告, 被告, 第三人 ...)"},
        {"{\"cuase\":\"x\",\"parties\":[{\"role\":\"plaintiff\",\"name\":\"a\"}]}",
         "cuase: unknown field"},
    };
    for (size_t i = 0; i < sizeof k / sizeof k[0]; i++) {
        zj_filing_input in;
        zj_error err = {0};
        assert_int_equal(zj_filing_input_parse(k[i].json, strlen(k[i].json), &in, &err),
                         ZJ_EUSAGE);
        assert_string_equal(err.msg, k[i].msg);
        zj_filing_input_free(&in);
    }
    const char *ok = "{\"case_type\":\"民初\",\"cause\":\"民间借贷纠纷\",\"claim_amount\":5,"
                     "\"parties\":[{\"role\":\"原告\",\"name\":\"甲\"},{\"role\":"
                     "\"defendant\",\"name\":\"乙\"}],\"lawyers\":[{\"name\":\"丙\","
                     "\"parties\":[0,1]}]}";
    zj_filing_input in;
    zj_error err = {0};
    assert_int_equal(zj_filing_input_parse(ok, strlen(ok), &in, &err), 0);
    assert_int_equal(in.c.nparties, 2);
    assert_string_equal(in.c.parties[1].lawyer_name, "丙");
    assert_int_equal(zj_filing_side(in.c.parties[0].role), SIDE_PLAINTIFF);   /* 原告 */
    assert_int_equal(zj_filing_side("被执行人"), SIDE_DEFENDANT);
    assert_true(in.c.claim_amount == 5);
    zj_filing_input_free(&in);
}

/* ---- threads and refresh ------------------------------------------------------------------- */

typedef struct worker {
    zj_filing_service *sv;
    int bad;
} worker;

static void *run(void *p)
{
    worker *w = p;
    zj_filing_result *r = malloc(sizeof *r);
    zj_filing_case c;
    two(&c, "追索劳动报酬纠纷", "2021-04-20");
    c.parties[1].name = "某建筑有限公司";
    c.parties[1].id_no = "91610100MA6TXXXX1X";
    for (int i = 0; r && i < 200; i++) {
        zj_error err = {0};
        if (zj_filing_service_check(w->sv, &c, r, &err) || !r->prompts[2].warn ||
            r->prompts[2].place != 10)
            w->bad++;
    }
    free(r);
    return NULL;
}

static void threads_and_refresh(void **state)
{
    store_fixture *f = *state;
    wage_suits(f->s, 9, "2021-04-10");
    zj_rules *rules;
    zj_error err = {0};
    assert_int_equal(zj_rules_defaults(&rules, &err), 0);
    zj_filing_service *sv;
    assert_int_equal(zj_filing_service_open(f->s, rules, NULL, &sv, &err), 0);
    worker w[2] = {{sv, 0}, {sv, 0}};
    pthread_t t[2];
    for (int i = 0; i < 2; i++)
        assert_int_equal(pthread_create(&t[i], NULL, run, &w[i]), 0);
    for (int i = 0; i < 2; i++)
        pthread_join(t[i], NULL);
    assert_int_equal(w[0].bad + w[1].bad, 0);
    /* a new import: the refreshed index knows it */
    wage_suits(f->s, 1, "2021-04-12");
    zj_filing_case c;
    two(&c, "追索劳动报酬纠纷", "2021-04-20");
    c.parties[1].name = "某建筑有限公司";
    c.parties[1].id_no = "91610100MA6TXXXX1X";
    assert_int_equal(zj_filing_service_check(sv, &c, &res, &err), 0);
    assert_int_equal(res.prompts[2].place, 10);
    assert_int_equal(zj_filing_service_refresh(sv, f->s, &err), 0);
    assert_int_equal(zj_filing_service_check(sv, &c, &res, &err), 0);
    assert_int_equal(res.prompts[2].place, 11);
    zj_filing_service_close(sv);
    zj_rules_free(rules);
}

/* Many threads resolve new parties by the model over one service while it is refreshed. */
typedef struct rworker {
    zj_filing_service *sv;
    const int64_t *expect;    /* person i's entity, as his ID resolves him */
    int from, bad;
} rworker;

static void person_party(zj_filing_party *p, int i, char *name, char *phone)
{
    static const char *const sur[20] = {"王", "李", "刘", "陈", "杨", "黄", "赵", "吴", "周",
                                        "徐", "孙", "马", "朱", "胡", "郭", "何", "高", "林",
                                        "罗", "梁"};
    static const char *const given[20] = {"明", "芳", "强", "磊", "军", "洋", "勇", "艳", "杰",
                                          "娟", "涛", "超", "秀英", "桂英", "建华", "志强",
                                          "晓东", "丽", "静", "敏"};
    snprintf(name, 32, "%s%s", sur[i % 20], given[i / 20]);
    snprintf(phone, 16, "1390000%04d", i);
    *p = (zj_filing_party){.role = "plaintiff", .name = name, .phone = phone};
}

static void *rrun(void *arg)
{
    rworker *w = arg;
    zj_filing_result *r = malloc(sizeof *r);
    for (int k = 0; r && k < 100; k++) {
        int i = (w->from + k * 7) % 400;
        char name[32], phone[16];
        zj_filing_case c;
        two(&c, "买卖合同纠纷", "2021-01-01");
        person_party(&c.parties[0], i, name, phone);
        zj_error err = {0};
        if (zj_filing_service_check(w->sv, &c, r, &err) || strcmp(r->parties[0].method, "model") ||
            r->parties[0].entity_id != w->expect[i] || r->parties[0].history.cases != 2)
            w->bad++;
    }
    free(r);
    return NULL;
}

static void threads_resolve(void **state)
{
    store_fixture *f = *state;
    population(f->s);
    link_store(f->s);
    zj_rules *rules;
    zj_error err = {0};
    assert_int_equal(zj_rules_defaults(&rules, &err), 0);
    zj_filing_service *sv;
    assert_int_equal(zj_filing_service_open(f->s, rules, NULL, &sv, &err), 0);
    static int64_t expect[400];
    for (int i = 0; i < 400; i++) {
        char id[19], name[32], phone[16];
        zj_filing_case c;
        two(&c, "买卖合同纠纷", "2021-01-01");
        person_party(&c.parties[0], i, name, phone);
        c.parties[0].phone = NULL;
        make_id(id, 1960 + i % 40, i % 12 + 1, i % 28 + 1, 100 + i);
        c.parties[0].id_no = id;
        assert_int_equal(zj_filing_service_check(sv, &c, &res, &err), 0);
        assert_string_equal(res.parties[0].method, "id");
        expect[i] = res.parties[0].entity_id;
        assert_true(expect[i] > 0);
    }
    rworker w[4];
    pthread_t t[4];
    for (int i = 0; i < 4; i++) {
        w[i] = (rworker){sv, expect, i * 100, 0};
        assert_int_equal(pthread_create(&t[i], NULL, rrun, &w[i]), 0);
    }
    for (int k = 0; k < 2; k++) {                /* an import lands: swap in a fresh index */
        char no[16];
        snprintf(no, sizeof no, "R%d", k);
        court(f->s, no, "民初", "买卖合同纠纷", "2022-01-01", NULL, NULL, NULL);
        zj_filing_refresh info;
        assert_int_equal(zj_filing_service_refresh_info(sv, f->s, &info, &err), 0);
        assert_true(info.rebuilt && info.resolver_kept);
    }
    for (int i = 0; i < 4; i++)
        pthread_join(t[i], NULL);
    assert_int_equal(w[0].bad + w[1].bad + w[2].bad + w[3].bad, 0);
    zj_filing_service_close(sv);
    zj_rules_free(rules);
}

/* A refresh reads nothing when nothing moved, reloads the cases alone after an import (the
 * resolver is kept, and outlives the index it was built with), and everything after a link. */
static void refresh_stamp(void **state)
{
    store_fixture *f = *state;
    population(f->s);
    link_store(f->s);
    zj_rules *rules;
    zj_error err = {0};
    assert_int_equal(zj_rules_defaults(&rules, &err), 0);
    zj_filing_service *sv;
    assert_int_equal(zj_filing_service_open(f->s, rules, NULL, &sv, &err), 0);
    zj_filing_refresh info;
    assert_int_equal(zj_filing_service_refresh_info(sv, f->s, &info, &err), 0);
    assert_false(info.rebuilt);                  /* nothing imported, nothing linked */
    size_t before = 0;
    {
        zj_filing_index *ix = build(f->s);
        before = zj_filing_index_cases(ix);
        zj_filing_index_free(ix);
    }
    /* an import: a new suit of person 0 */
    court(f->s, "N1", "民初", "买卖合同纠纷", "2020-06-01", NULL, NULL, NULL);
    char name[32], phone[16];
    zj_filing_case c;
    two(&c, "买卖合同纠纷", "2021-01-01");
    person_party(&c.parties[0], 0, name, phone);
    party(f->s, "court", "N1", "plaintiff", name, NULL, phone, NULL, NULL);
    assert_int_equal(zj_filing_service_refresh_info(sv, f->s, &info, &err), 0);
    assert_true(info.rebuilt);
    assert_true(info.resolver_kept);
    assert_int_equal(info.cases, before + 1);
    assert_int_equal(zj_filing_service_check(sv, &c, &res, &err), 0);
    assert_string_equal(res.parties[0].method, "model");   /* the kept resolver still answers */
    int64_t entity = res.parties[0].entity_id;
    assert_true(entity > 0);
    /* a link run: the new party's mention joins the entity, and the resolver is rebuilt */
    link_store(f->s);
    assert_int_equal(zj_filing_service_refresh_info(sv, f->s, &info, &err), 0);
    assert_true(info.rebuilt);
    assert_false(info.resolver_kept);
    assert_int_equal(zj_filing_service_check(sv, &c, &res, &err), 0);
    assert_int_equal(res.parties[0].entity_id, entity);
    assert_int_equal(res.parties[0].history.cases, 3);
    assert_int_equal(zj_filing_service_refresh_info(sv, f->s, &info, &err), 0);
    assert_false(info.rebuilt);
    zj_filing_service_close(sv);
    zj_rules_free(rules);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(fl01_signs, store_setup, store_teardown),
        cmocka_unit_test_setup_teardown(fl01_history, store_setup, store_teardown),
        cmocka_unit_test_setup_teardown(fl01_related, store_setup, store_teardown),
        cmocka_unit_test_setup_teardown(fl01_uncontested, store_setup, store_teardown),
        cmocka_unit_test_setup_teardown(fl02_counts, store_setup, store_teardown),
        cmocka_unit_test_setup_teardown(fl02_claims, store_setup, store_teardown),
        cmocka_unit_test_setup_teardown(fl02_lender, store_setup, store_teardown),
        cmocka_unit_test_setup_teardown(fl03_cluster, store_setup, store_teardown),
        cmocka_unit_test_setup_teardown(fl04_criminal, store_setup, store_teardown),
        cmocka_unit_test_setup_teardown(two_zhang_wei, store_setup, store_teardown),
        cmocka_unit_test(input_errors),
        cmocka_unit_test_setup_teardown(threads_and_refresh, store_setup, store_teardown),
        cmocka_unit_test_setup_teardown(threads_resolve, store_setup, store_teardown),
        cmocka_unit_test_setup_teardown(refresh_stamp, store_setup, store_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
