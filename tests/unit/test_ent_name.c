/* test_ent_name.c - enterprise-name keys (text/ent_name.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include <unicode/uclean.h>

#include "text/ent_name.h"

static int setup(void **state)
{
    zj_error err = {0};
    *state = zj_namer_new(&err);
    return *state ? 0 : -1;
}

static int teardown(void **state)
{
    zj_namer_free(*state);
    u_cleanup();       /* free ICU's process-wide transliterator registry, so valgrind
                          and LeakSanitizer see no blocks left at exit */
    return 0;
}

static void expect_key(zj_namer *nm, const char *in, const char *key)
{
    char out[ZJ_ENT_KEY_CAP];
    const char *why = "not set";
    int n = zj_ent_key(nm, in, strlen(in), out, sizeof out, &why);
    if (n < 0)
        fail_msg("'%s' rejected: %s", in, why);
    if (strcmp(out, key) != 0)
        fail_msg("'%s' -> '%s', expected '%s'", in, out, key);
    assert_int_equal(n, (int)strlen(key));
}

static void test_variants_meet(void **state)
{
    zj_namer *nm = *state;
    expect_key(nm, "西安市雁塔区某某商贸有限公司", "某某商贸");
    expect_key(nm, "某某商贸（西安）有限责任公司", "某某商贸");
    expect_key(nm, "陕西某某商贸有限公司", "某某商贸");
    expect_key(nm, "陕西省西安市某某商贸股份有限公司", "某某商贸");
    expect_key(nm, "某某商贸有限公司西安分公司", "某某商贸");
    expect_key(nm, "某某商贸(西安)有限公司", "某某商贸");
    expect_key(nm, " 某某 商贸 有限 公司 ", "某某商贸");
    expect_key(nm, "某某商貿有限公司", "某某商贸");                  /* traditional 貿 */
    expect_key(nm, "西安某某投资合伙企业（有限合伙）", "某某投资");
    expect_key(nm, "某某（集团）实业有限公司", "某某集团实业");    /* non-region bracket kept */
    expect_key(nm, "ＡＢＣ科技有限公司", "abc科技");
    expect_key(nm, "华为技术有限公司", "华为技术");
}

static void test_keeps_a_usable_key(void **state)
{
    zj_namer *nm = *state;
    expect_key(nm, "西安市有限公司", "西安市");         /* never strip down to nothing */
    expect_key(nm, "陕西", "陕西");
    expect_key(nm, "有限公司", "有限公司");
    expect_key(nm, "【某某】商贸", "某某商贸");
    expect_key(nm, "某某商贸（西安", "某某商贸西安");   /* unmatched bracket dropped */
    expect_key(NULL, "某某商貿有限公司", "某某商貿");   /* no namer: no t2s */
}

static void test_rejections(void **state)
{
    char out[ZJ_ENT_KEY_CAP];
    const char *why;
    assert_int_equal(zj_ent_key(*state, "", 0, out, sizeof out, &why), -1);
    assert_string_equal(why, "empty name");
    assert_int_equal(zj_ent_key(*state, "（）", strlen("（）"), out, sizeof out, &why), -1);
    assert_string_equal(why, "empty name");
    assert_int_equal(zj_ent_key(*state, "某\xff", 4, out, sizeof out, &why), -1);
    assert_string_equal(why, "invalid UTF-8");
    assert_int_equal(zj_ent_key(*state, "某", 3, out, 10, &why), -1);
    assert_string_equal(why, "name too long");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_variants_meet),
        cmocka_unit_test(test_keeps_a_usable_key),
        cmocka_unit_test(test_rejections),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
