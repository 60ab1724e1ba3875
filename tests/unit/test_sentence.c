/* test_sentence.c - sentence-change cases handled online (work/sentence.c): the order of the
 * steps, who may take each, the notice's working days at their boundary, what each step
 * writes (the case's row, its step, its audit entry) and that a failed audit writes nothing. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "audit_seen.h"
#include "storefix.h"
#include "work/policy.h"
#include "work/sentence.h"

static const zj_actor wang = {.user_id = 2, .username = "wang", .role = ZJ_ROLE_SC_PRISON,
                              .unit_code = "JY61"};
static const zj_actor zhao = {.user_id = 3, .username = "zhao", .role = ZJ_ROLE_SC_PRISON,
                              .unit_code = "JY61"};
static const zj_actor jian = {.user_id = 4, .username = "jian", .role = ZJ_ROLE_SC_PROCURATOR,
                              .unit_code = "P6101"};
static const zj_actor fa = {.user_id = 5, .username = "fa", .role = ZJ_ROLE_SC_COURT,
                            .unit_code = "J6101"};
static const zj_actor bao = {.user_id = 6, .username = "bao", .role = ZJ_ROLE_SC_COURT,
                             .unit_code = "J6103"};
static const zj_actor root = {.user_id = 1, .username = "root", .role = ZJ_ROLE_ADMIN};

static void exec(zj_store *s, const char *sql)
{
    zj_stmt *q;
    zj_error err = {0};
    assert_int_equal(zj_stmt_prepare(s, sql, &q, &err), 0);
    assert_true(zj_stmt_next(q, &err) >= 0);
    zj_stmt_finalize(q);
}

static int64_t count(zj_store *s, const char *sql)
{
    zj_stmt *q;
    zj_error err = {0};
    assert_int_equal(zj_stmt_prepare(s, sql, &q, &err), 0);
    assert_int_equal(zj_stmt_next(q, &err), 1);
    int64_t n = zj_stmt_int(q, 0);
    zj_stmt_finalize(q);
    return n;
}

/* The units of the steps: a prison in Xi'an (6101), its procuratorate and court, a court of
 * Baoji (6103). Written as rows of a source system "t". */
static void units(zj_store *s)
{
    static const char *const rows[][3] = {{"JY61", "prison", "610115"},
                                          {"P6101", "procuratorate", "610100"},
                                          {"J6101", "court", "610100"},
                                          {"J6103", "court", "610300"}};
    for (int i = 0; i < 4; i++) {
        char sql[400];
        snprintf(sql, sizeof sql, "INSERT INTO unit (source_system, source_key, key_hash, batch_id,"
                 " src_line, content_hash, unit_code, name, agency, region_code) VALUES ('t', '%s',"
                 " %d, 0, %d, 0, '%s', '%s', '%s', '%s')", rows[i][0], i + 1, i + 1, rows[i][0],
                 rows[i][0], rows[i][1], rows[i][2]);
        exec(s, sql);
    }
}

static zj_sc_request application(const char *no, const char *now)
{
    zj_sc_request r = {.step = ZJ_SC_APPLICATION, .change_no = no, .prisoner_name = "丁一",
                       .prison_unit_code = "JY61", .crime = "盗窃罪", .crime_category = "ordinary",
                       .change_type = "reduction", .reason = "repentance",
                       .sentence_start_date = "2020-01-15", .sentence_months = 48,
                       .reduction_months = 6, .now = now};
    return r;
}

static zj_sc_request step(zj_sc_step st, const char *no, const char *outcome, const char *now)
{
    zj_sc_request r = {.step = st, .change_no = no, .outcome = outcome, .now = now};
    return r;
}

static void next_step_table(void **state)
{
    (void)state;
    assert_int_equal(zj_sc_next_step(-1, "reduction"), ZJ_SC_APPLICATION);
    assert_int_equal(zj_sc_next_step(ZJ_SC_APPLICATION, "reduction"), ZJ_SC_REVIEW);
    assert_int_equal(zj_sc_next_step(ZJ_SC_REVIEW, "parole"), ZJ_SC_NOTICE);
    assert_int_equal(zj_sc_next_step(ZJ_SC_NOTICE, "parole"), ZJ_SC_OPINION);
    assert_int_equal(zj_sc_next_step(ZJ_SC_OPINION, "parole"), ZJ_SC_RULING);
    assert_int_equal(zj_sc_next_step(ZJ_SC_OPINION, "medical_parole"), ZJ_SC_DECISION);
    assert_int_equal(zj_sc_next_step(ZJ_SC_RULING, "reduction"), -1);
    assert_int_equal(zj_sc_next_step(ZJ_SC_DECISION, "medical_parole"), -1);
    for (int i = 0; i < ZJ_SC_STEP_COUNT; i++)
        assert_int_equal(zj_sc_step_parse(zj_sc_step_name((zj_sc_step)i)), i);
    assert_int_equal(zj_sc_step_parse("appeal"), -1);
}

static void who_takes_which_step(void **state)
{
    (void)state;
    zj_unit_place prison = {true, "prison", "610115"}, procu = {true, "procuratorate", "610100"},
                  court = {true, "court", "610100"}, far = {true, "court", "610300"};
    assert_true(zj_actor_may_sc_step(&wang, ZJ_SC_BY_PRISON, &prison, "JY61", &prison));
    assert_false(zj_actor_may_sc_step(&wang, ZJ_SC_BY_PRISON, &prison, "JY62", &prison));
    assert_false(zj_actor_may_sc_step(&wang, ZJ_SC_BY_PRISON_ADMIN, &prison, "JY61", &prison));
    assert_true(zj_actor_may_sc_step(&jian, ZJ_SC_BY_PROCURATORATE, &procu, "JY61", &prison));
    assert_false(zj_actor_may_sc_step(&jian, ZJ_SC_BY_COURT, &procu, "JY61", &prison));
    assert_true(zj_actor_may_sc_step(&fa, ZJ_SC_BY_COURT, &court, "JY61", &prison));
    assert_false(zj_actor_may_sc_step(&bao, ZJ_SC_BY_COURT, &far, "JY61", &prison));
    /* the role must fit the unit: a judge's role in a procuratorate is not a court's */
    assert_false(zj_actor_may_sc_step(&fa, ZJ_SC_BY_COURT, &procu, "JY61", &prison));
    /* an administrator takes no agency's step */
    for (int b = 0; b < ZJ_SC_BY_COUNT; b++)
        assert_false(zj_actor_may_sc_step(&root, (zj_sc_by)b, &court, "JY61", &prison));
}

static void a_case_in_order(void **state)
{
    store_fixture *f = *state;
    units(f->s);
    zj_error err = {0};
    zj_sc_outcome out;
    zj_sc_request r = application("N01", "2021-03-01 09:00");
    int audits = audit_n(f->s);
    assert_int_equal(zj_sc_act(f->s, &wang, &r, &out, &err), 0);
    assert_int_equal(out.seq, 1);
    assert_int_equal(out.next, ZJ_SC_REVIEW);
    assert_int_equal(audit_n(f->s), audits + 1);
    assert_string_equal(audit_at(f->s, audits).action, "sentence_change.application");
    assert_null(strstr(audit_at(f->s, audits).detail, "丁一"));      /* no personal data */
    /* out of order, wrong role, the applicant reviewing */
    r = step(ZJ_SC_NOTICE, "N01", NULL, "2021-03-02 09:00");
    assert_int_equal(zj_sc_act(f->s, &zhao, &r, NULL, &err), ZJ_EUSAGE);
    assert_non_null(strstr(err.msg, "the next step is 'review'"));
    r = step(ZJ_SC_REVIEW, "N01", "approved", "2021-03-02 09:00");
    assert_int_equal(zj_sc_act(f->s, &jian, &r, NULL, &err), ZJ_EPERM);
    assert_int_equal(zj_sc_act(f->s, &wang, &r, NULL, &err), ZJ_EPERM);
    assert_int_equal(zj_sc_act(f->s, &zhao, &r, NULL, &err), 0);
    /* notice posted on Friday 2021-03-05: five working days run to Friday 03-12 */
    r = step(ZJ_SC_NOTICE, "N01", NULL, "2021-03-05 09:00");
    assert_int_equal(zj_sc_act(f->s, &zhao, &r, NULL, &err), 0);
    r = step(ZJ_SC_OPINION, "N01", "agree", "2021-03-12 17:00");
    assert_int_equal(zj_sc_act(f->s, &jian, &r, NULL, &err), ZJ_EUSAGE);
    assert_non_null(strstr(err.msg, "until 2021-03-12"));
    r.now = "2021-03-13 09:00";
    assert_int_equal(zj_sc_act(f->s, &jian, &r, NULL, &err), 0);
    /* the ruling: another city's court may not; the cut is required; then it completes */
    r = step(ZJ_SC_RULING, "N01", "granted", "2021-03-20 10:00");
    r.court_case_no = "（2021）陕01刑更1号";
    r.reduction_months = 6;
    assert_int_equal(zj_sc_act(f->s, &bao, &r, NULL, &err), ZJ_EPERM);
    r.reduction_months = 0;
    assert_int_equal(zj_sc_act(f->s, &fa, &r, NULL, &err), ZJ_EUSAGE);
    assert_non_null(strstr(err.msg, "field 'reduction_months'"));
    r.reduction_months = 6;
    assert_int_equal(zj_sc_act(f->s, &fa, &r, &out, &err), 0);
    assert_int_equal(out.seq, 5);
    assert_int_equal(out.next, -1);
    assert_int_equal(count(f->s, "SELECT count(*) FROM sentence_change WHERE change_no = 'N01'"
                            " AND decision = 'granted' AND decided_at = '2021-03-20 10:00:00'"), 1);
    assert_int_equal(count(f->s, "SELECT count(*) FROM sc_step WHERE change_no = 'N01'"
                            " AND audit_id IS NOT NULL"), 5);
    assert_int_equal(zj_sc_act(f->s, &fa, &r, NULL, &err), ZJ_EUSAGE);
    assert_non_null(strstr(err.msg, "is complete"));
}

static void rejected_review_ends_the_case(void **state)
{
    store_fixture *f = *state;
    units(f->s);
    zj_error err = {0};
    zj_sc_request r = application("N02", "2021-03-01 09:00");
    assert_int_equal(zj_sc_act(f->s, &wang, &r, NULL, &err), 0);
    r = step(ZJ_SC_REVIEW, "N02", "rejected", "2021-03-02 09:00");
    assert_int_equal(zj_sc_act(f->s, &zhao, &r, NULL, &err), 0);
    assert_int_equal(count(f->s, "SELECT count(*) FROM sentence_change WHERE change_no = 'N02'"
                            " AND decision = 'refused'"), 1);
    r = step(ZJ_SC_NOTICE, "N02", NULL, "2021-03-03 09:00");
    assert_int_equal(zj_sc_act(f->s, &zhao, &r, NULL, &err), ZJ_EUSAGE);
}

static void audit_failure_writes_nothing(void **state)
{
    store_fixture *f = *state;
    units(f->s);
    zj_error err = {0};
    zj_sc_request r = application("N03", "2021-03-01 09:00");
    audit_break(f->s);
    assert_int_not_equal(zj_sc_act(f->s, &wang, &r, NULL, &err), 0);
    audit_mend(f->s);
    assert_int_equal(count(f->s, "SELECT count(*) FROM sentence_change"), 0);
    assert_int_equal(count(f->s, "SELECT count(*) FROM sc_step"), 0);
    assert_int_equal(zj_sc_act(f->s, &wang, &r, NULL, &err), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(next_step_table),
        cmocka_unit_test(who_takes_which_step),
        cmocka_unit_test_setup_teardown(a_case_in_order, store_setup, store_teardown),
        cmocka_unit_test_setup_teardown(rejected_review_ends_the_case, store_setup, store_teardown),
        cmocka_unit_test_setup_teardown(audit_failure_writes_nothing, store_setup, store_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
