/* test_policy.c - every role against every permission and scope (work/policy.c).
 *
 * The expected matrix is written out here, role by role, independently of policy.c's table:
 * a permission a role should not hold, or a unit outside its scope, must be refused. Units:
 *   P (province) -> A (city) -> A1 (county) -> A11 (station);  P -> B (another city)
 * Every role is tried as a user of A against objects of A, A11 (below), B (beside), P (above)
 * and of no unit, as a province-wide user, and as a user of A whose subtree was not loaded.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "work/policy.h"

/* Expected grants: for each role, the permission names it holds (space separated). */
static const struct { zj_role role; const char *perms; } expected[] = {
    {ZJ_ROLE_OFFICER, "record.file"},
    {ZJ_ROLE_FILING_JUDGE, "record.file filing.check"},
    {ZJ_ROLE_SC_PRISON, "record.file sentence_change.read"},
    {ZJ_ROLE_SC_PROCURATOR, "record.file sentence_change.read"},
    {ZJ_ROLE_SC_COURT, "record.file sentence_change.read"},
    {ZJ_ROLE_DATA_STEWARD, "import reject.read unmask"},
    {ZJ_ROLE_SERVICE, "import"},
    {ZJ_ROLE_UNIT_SUPERVISOR, "record.file record.read lead.read lead.assign lead.rectify "
                              "lead.comment entity.read stats.read"},
    {ZJ_ROLE_INSPECTOR, "record.file record.read lead.read lead.assign lead.verify lead.decide "
                        "lead.comment unmask entity.read stats.read"},
    {ZJ_ROLE_LEADER, "record.file record.read lead.read entity.read stats.read"},
    {ZJ_ROLE_ADMIN, "lead.read lead.assign lead.verify lead.decide lead.rectify lead.comment "
                    "unmask entity.read stats.read record.file record.read filing.check "
                    "sentence_change.read import reject.read user.admin audit.read"},
};

/* Permissions that do not depend on the object's unit. */
static bool unit_free(zj_perm p)
{
    return p == ZJ_PERM_FILING_CHECK || p == ZJ_PERM_ENTITY_READ;
}

static bool holds(const char *list, const char *name)
{
    size_t n = strlen(name);
    for (const char *p = list; (p = strstr(p, name)); p += n)
        if ((p == list || p[-1] == ' ') && (p[n] == ' ' || p[n] == 0))
            return true;
    return false;
}

static const char *const units[][2] = {
    {"P", NULL}, {"A", "P"}, {"A1", "A"}, {"A11", "A1"}, {"B", "P"},
};

static void test_every_role_and_scope(void **state)
{
    (void)state;
    zj_scope *sc;
    zj_error err = {0};
    assert_int_equal(zj_scope_from_pairs("A", units, 5, &sc, &err), ZJ_OK);
    assert_int_equal(zj_scope_size(sc), 3);
    assert_int_equal((int)(sizeof expected / sizeof expected[0]), ZJ_ROLE_COUNT);
    int checked = 0;
    for (int r = 0; r < ZJ_ROLE_COUNT; r++) {
        assert_int_equal(expected[r].role, r);
        zj_actor in_a = {.user_id = 1, .username = "u", .role = r, .unit_code = "A", .scope = sc};
        zj_actor province = {.user_id = 2, .username = "p", .role = r};
        zj_actor unloaded = {.user_id = 3, .username = "n", .role = r, .unit_code = "A"};
        for (int p = 0; p < ZJ_PERM_COUNT; p++) {
            const char *name = zj_perm_name(p);
            assert_non_null(name);
            bool role_has = holds(expected[r].perms, name);
            bool ufree = unit_free(p);
            struct { const zj_actor *a; const char *unit; bool want; } cases[] = {
                {&in_a, "A", role_has},
                {&in_a, "A11", role_has},                 /* below: in the subtree */
                {&in_a, "B", role_has && ufree},          /* beside: outside */
                {&in_a, "P", role_has && ufree},          /* above: outside */
                {&in_a, NULL, role_has && ufree},         /* no unit: province-wide only */
                {&province, "B", role_has},
                {&province, NULL, role_has},
                {&unloaded, "A", role_has},
                {&unloaded, "A1", role_has && ufree},     /* no subtree loaded: own unit only */
            };
            for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
                bool got = zj_actor_may(cases[i].a, p, cases[i].unit);
                if (got != cases[i].want)
                    fail_msg("role %s, perm %s, actor unit %s, object unit %s: got %d, want %d",
                             zj_role_name(r), name,
                             cases[i].a->unit_code ? cases[i].a->unit_code : "(province)",
                             cases[i].unit ? cases[i].unit : "(none)", got, cases[i].want);
                checked++;
            }
            assert_int_equal(zj_role_may(r, p), role_has);
        }
    }
    assert_int_equal(checked, ZJ_ROLE_COUNT * ZJ_PERM_COUNT * 9);
    zj_scope_free(sc);
}

static void test_no_actor_no_role(void **state)
{
    (void)state;
    for (int p = 0; p < ZJ_PERM_COUNT; p++) {
        assert_false(zj_actor_may(NULL, p, "A"));
        zj_actor bad = {.role = ZJ_ROLE_COUNT};
        assert_false(zj_actor_may(&bad, p, NULL));
    }
    zj_actor admin = {.role = ZJ_ROLE_ADMIN};
    assert_false(zj_actor_may(&admin, ZJ_PERM_COUNT, NULL));
    assert_null(zj_perm_name(ZJ_PERM_COUNT));
    assert_int_equal(zj_role_parse("inspector"), ZJ_ROLE_INSPECTOR);
    assert_int_equal(zj_role_parse("root"), -1);
    for (int r = 0; r < ZJ_ROLE_COUNT; r++)
        assert_int_equal(zj_role_parse(zj_role_name(r)), r);
}

/* An officer files and reads only his own records; a supervisor reads his subtree's. */
static void test_own_records(void **state)
{
    (void)state;
    zj_scope *sc;
    assert_int_equal(zj_scope_from_pairs("A", units, 5, &sc, NULL), ZJ_OK);
    zj_actor off = {.role = ZJ_ROLE_OFFICER, .unit_code = "A1", .officer_no = "0042"};
    assert_true(zj_actor_may_record(&off, ZJ_PERM_RECORD_FILE, "A1", "0042"));
    assert_true(zj_actor_may_record(&off, ZJ_PERM_RECORD_READ, "A1", "0042"));
    assert_false(zj_actor_may_record(&off, ZJ_PERM_RECORD_READ, "A1", "0043"));
    assert_false(zj_actor_may_record(&off, ZJ_PERM_RECORD_FILE, "A1", "0043"));
    assert_false(zj_actor_may_record(&off, ZJ_PERM_LEAD_READ, "A1", "0042"));
    zj_actor sup = {.role = ZJ_ROLE_UNIT_SUPERVISOR, .unit_code = "A", .scope = sc,
                    .officer_no = "0001"};
    assert_true(zj_actor_may_record(&sup, ZJ_PERM_RECORD_READ, "A11", "0043"));
    assert_false(zj_actor_may_record(&sup, ZJ_PERM_RECORD_READ, "B", "0043"));
    assert_false(zj_actor_may_record(&sup, ZJ_PERM_RECORD_FILE, "A11", "0043"));  /* not his */
    zj_actor svc = {.role = ZJ_ROLE_SERVICE, .officer_no = "0042"};
    assert_false(zj_actor_may_record(&svc, ZJ_PERM_RECORD_FILE, "A1", "0042"));
    zj_scope_free(sc);
}

/* Scopes: a cycle in parent codes ends, an unknown unit scopes to itself, NULL is everything. */
static void test_scope_shapes(void **state)
{
    (void)state;
    static const char *const cyc[][2] = {{"X", "Y"}, {"Y", "X"}, {"Z", "Y"}, {"Z", "Y"}};
    zj_scope *sc;
    assert_int_equal(zj_scope_from_pairs("X", cyc, 4, &sc, NULL), ZJ_OK);
    assert_int_equal(zj_scope_size(sc), 3);
    assert_true(zj_scope_contains(sc, "Z"));
    assert_false(zj_scope_contains(sc, NULL));
    zj_scope_free(sc);
    assert_int_equal(zj_scope_from_pairs("Q", units, 5, &sc, NULL), ZJ_OK);
    assert_true(zj_scope_contains(sc, "Q"));
    assert_false(zj_scope_contains(sc, "P"));
    zj_scope_free(sc);
    assert_int_equal(zj_scope_from_pairs(NULL, units, 5, &sc, NULL), ZJ_OK);
    assert_true(zj_scope_contains(sc, "anything"));
    assert_true(zj_scope_contains(sc, NULL));
    zj_scope_free(sc);
}

static void test_deny_message(void **state)
{
    (void)state;
    zj_error err = {0};
    zj_actor l = {.username = "li", .role = ZJ_ROLE_LEADER, .unit_code = "A"};
    assert_int_equal(zj_deny(&err, &l, ZJ_PERM_UNMASK, "A"), ZJ_EPERM);
    assert_string_equal(err.msg, "user 'li' (leader) may not 'unmask'");
    assert_int_equal(zj_deny(&err, &l, ZJ_PERM_LEAD_READ, "B"), ZJ_EPERM);
    assert_string_equal(err.msg, "user 'li' (leader): unit 'B' is outside the scope of unit 'A'");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_role_and_scope),
        cmocka_unit_test(test_no_actor_no_role),
        cmocka_unit_test(test_own_records),
        cmocka_unit_test(test_scope_shapes),
        cmocka_unit_test(test_deny_message),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
