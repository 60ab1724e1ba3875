/* test_cf_ledger.c - unit tests for the ledgers' matching by parties and dates (CF01, CF05,
 * detect/cf_ledger.c): a transfer whose numbers do not meet is the next agency's case of the
 * same linked person within the window, of a compatible cause, unless that case carries the
 * number of another existing case; a namesake (another entity) never pairs. Also the cause
 * comparison (detect/cf_common.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "detect/cf_common.h"
#include "detect/detect.h"
#include "detect/rules.h"
#include "storefix.h"

static void test_cause_compatible(void **state)
{
    (void)state;
    assert_true(zj_cf_cause_compatible("盗窃", "盗窃罪"));
    assert_true(zj_cf_cause_compatible("盗窃案", " 盗窃罪 "));
    assert_true(zj_cf_cause_compatible("诈骗", "合同诈骗罪"));       /* made more precise */
    assert_true(zj_cf_cause_compatible("合同诈骗罪", "诈骗"));
    assert_true(zj_cf_cause_compatible(NULL, "盗窃罪"));             /* unknown: no objection */
    assert_true(zj_cf_cause_compatible("", "盗窃罪"));
    assert_true(zj_cf_cause_compatible("罪", "盗窃罪"));             /* nothing but the suffix */
    assert_false(zj_cf_cause_compatible("盗窃", "诈骗罪"));
    assert_false(zj_cf_cause_compatible("故意伤害", "故意杀人罪"));
    assert_false(zj_cf_cause_compatible("抢劫罪", "抢夺罪"));
}

/* Two people named 王芳 (entities 1 and 2); police case A1 of entity 1, transferred on
 * 2021-06-01 for 盗窃 with no procuratorate number; procuratorate case Q1 received on
 * 2021-06-02 with no police number, its suspect entity 1; police case A2 (another case). */
static void seed(zj_store *s)
{
    zj_error err = {0};
    static const char sql[] =
        "INSERT INTO entity (id, kind, name, created_at) VALUES"
        " (1, 'person', '王芳', '2021-01-01'), (2, 'person', '王芳', '2021-01-01');"
        "INSERT INTO police_case (id, source_system, source_key, key_hash, batch_id, src_line,"
        " content_hash, case_no, kind, cause, unit_code, transferred_at) VALUES"
        " (1, 'p', 'A1', 1, 1, 1, 1, 'A1', 'criminal', '盗窃', 'U1', '2021-06-01 10:00:00'),"
        " (2, 'p', 'A2', 2, 1, 2, 2, 'A2', 'criminal', '盗窃', 'U1', NULL);"
        "INSERT INTO procuratorate_case (id, source_system, source_key, key_hash, batch_id,"
        " src_line, content_hash, case_no, police_case_no, kind, cause, unit_code, received_at)"
        " VALUES (1, 'q', 'Q1', 3, 1, 1, 3, 'Q1', NULL, 'prosecution_review', '盗窃罪', 'U2',"
        " '2021-06-02 09:00:00');"
        "INSERT INTO case_party (id, source_system, source_key, key_hash, batch_id, src_line,"
        " content_hash, case_system, case_no, role, party_kind, name) VALUES"
        " (1, 'p', 'k1', 4, 1, 1, 4, 'police', 'A1', 'suspect', 'person', '王芳'),"
        " (2, 'q', 'k2', 5, 1, 1, 5, 'procuratorate', 'Q1', 'suspect', 'person', '王芳');"
        "INSERT INTO mention (id, table_name, record_id, role, kind, name, entity_id) VALUES"
        " (1, 'case_party', 1, 'party', 'person', '王芳', 1),"
        " (2, 'case_party', 2, 'party', 'person', '王芳', 1);";
    if (zj_store_exec(s, sql, &err))
        fail_msg("seed: %s", err.msg);
}

/* The current CF05 leads on police case A1 after a full run on 2021-12-31. */
static int64_t cf05_on_a1(zj_store *s)
{
    zj_rules *r;
    zj_error err = {0};
    const char *only[] = {"CF05"};
    zj_detect_options o = {.only = only, .nonly = 1, .as_of = "2021-12-31",
                           .skip_analysis = true, .full = true};
    assert_int_equal(zj_rules_defaults(&r, &err), 0);
    if (zj_detect_run(s, r, &o, &err))
        fail_msg("detect: %s", err.msg);
    zj_rules_free(r);
    return store_count(s, "SELECT count(*) FROM lead WHERE code = 'CF05'"
                          " AND subject_table = 'police_case' AND subject_id = 1"
                          " AND last_run = (SELECT max(id) FROM detect_run WHERE code = 'CF05')");
}

static void exec(zj_store *s, const char *sql)
{
    zj_error err = {0};
    if (zj_store_exec(s, sql, &err))
        fail_msg("%s: %s", sql, err.msg);
}

static void test_same_person_matches(void **state)
{
    store_fixture *f = *state;
    seed(f->s);
    assert_int_equal(cf05_on_a1(f->s), 0);
    /* a mistyped police number (no such case) is no objection */
    exec(f->s, "UPDATE procuratorate_case SET police_case_no = '0A1' WHERE id = 1");
    assert_int_equal(cf05_on_a1(f->s), 0);
    /* nor is a mistyped procuratorate number on the police side */
    exec(f->s, "UPDATE police_case SET procuratorate_case_no = 'Q7' WHERE id = 1");
    assert_int_equal(cf05_on_a1(f->s), 0);
}

static void test_namesake_does_not_match(void **state)
{
    store_fixture *f = *state;
    seed(f->s);
    exec(f->s, "UPDATE mention SET entity_id = 2 WHERE id = 2");   /* another 王芳 */
    assert_int_equal(cf05_on_a1(f->s), 1);
    exec(f->s, "UPDATE mention SET entity_id = NULL WHERE id = 1"); /* not linked at all */
    assert_int_equal(cf05_on_a1(f->s), 1);
}

static void test_another_case_number_does_not_match(void **state)
{
    store_fixture *f = *state;
    seed(f->s);
    exec(f->s, "UPDATE procuratorate_case SET police_case_no = 'A2' WHERE id = 1");
    assert_int_equal(cf05_on_a1(f->s), 1);
    /* claimed from the other side: police case A2 carries Q1's number */
    exec(f->s, "UPDATE procuratorate_case SET police_case_no = NULL WHERE id = 1;"
               "UPDATE police_case SET procuratorate_case_no = 'Q1' WHERE id = 2");
    assert_int_equal(cf05_on_a1(f->s), 1);
}

/* The window: from the day before the transfer to 15 days after it (day 15 against 16), and
 * never after the reference day. */
static void test_window(void **state)
{
    store_fixture *f = *state;
    seed(f->s);
    exec(f->s, "UPDATE procuratorate_case SET received_at = '2021-06-16 23:00:00'");
    assert_int_equal(cf05_on_a1(f->s), 0);
    exec(f->s, "UPDATE procuratorate_case SET received_at = '2021-06-17 08:00:00'");
    assert_int_equal(cf05_on_a1(f->s), 1);
    exec(f->s, "UPDATE procuratorate_case SET received_at = '2021-05-31 08:00:00'");
    assert_int_equal(cf05_on_a1(f->s), 0);
    exec(f->s, "UPDATE procuratorate_case SET received_at = '2021-05-30 08:00:00'");
    assert_int_equal(cf05_on_a1(f->s), 1);
    exec(f->s, "UPDATE police_case SET transferred_at = '2021-12-20 10:00:00';"
               "UPDATE procuratorate_case SET received_at = '2022-01-02 08:00:00'");
    assert_int_equal(cf05_on_a1(f->s), 1);     /* due, and the case came after the day */
}

static void test_cause(void **state)
{
    store_fixture *f = *state;
    seed(f->s);
    exec(f->s, "UPDATE procuratorate_case SET cause = '诈骗罪'");
    assert_int_equal(cf05_on_a1(f->s), 1);
    exec(f->s, "UPDATE procuratorate_case SET cause = NULL");
    assert_int_equal(cf05_on_a1(f->s), 0);
    exec(f->s, "UPDATE procuratorate_case SET cause = '诈骗罪';"
               "UPDATE police_case SET cause = NULL WHERE id = 1");
    assert_int_equal(cf05_on_a1(f->s), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cause_compatible),
        cmocka_unit_test_setup_teardown(test_same_person_matches, store_setup, store_teardown),
        cmocka_unit_test_setup_teardown(test_namesake_does_not_match, store_setup,
                                        store_teardown),
        cmocka_unit_test_setup_teardown(test_another_case_number_does_not_match, store_setup,
                                        store_teardown),
        cmocka_unit_test_setup_teardown(test_window, store_setup, store_teardown),
        cmocka_unit_test_setup_teardown(test_cause, store_setup, store_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
