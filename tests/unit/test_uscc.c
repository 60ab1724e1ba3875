/* test_uscc.c - unified social credit codes (text/uscc.c): public companies' codes,
 * normalization, decoding and every rejection path. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "text/uscc.h"

static const char *reason(const char *s)
{
    zj_uscc u;
    const char *why = NULL;
    return zj_uscc_parse(s, strlen(s), &u, &why) == 0 ? NULL : why;
}

static void test_public_examples(void **state)
{
    (void)state;
    /* 914403001922038216 Huawei Technologies (Shenzhen), 91330100716105852F Alibaba (China)
     * Network Technology (Hangzhou), 91110000802100433B Sinopec (Beijing). */
    static const struct {
        const char *code;
        int region;
    } ex[] = {
        {"914403001922038216", 440300},
        {"91330100716105852F", 330100},
        {"91110000802100433B", 110000},
    };
    for (size_t i = 0; i < sizeof ex / sizeof ex[0]; i++) {
        zj_uscc u;
        const char *why = NULL;
        assert_int_equal(zj_uscc_parse(ex[i].code, 18, &u, &why), 0);
        assert_string_equal(u.code, ex[i].code);
        assert_int_equal(u.authority, '9');
        assert_int_equal(u.type, '1');
        assert_string_equal(u.type_name, "企业");
        assert_int_equal(u.region_code, ex[i].region);
        assert_true(u.region_known);
    }
    zj_uscc u;
    assert_int_equal(zj_uscc_parse("914403001922038216", 18, &u, NULL), 0);
    assert_string_equal(u.org_code, "192203821");
}

static void test_normalization(void **state)
{
    (void)state;
    zj_uscc u;
    const char *s = " 91330100716105852f ";
    assert_int_equal(zj_uscc_parse(s, strlen(s), &u, NULL), 0);
    assert_string_equal(u.code, "91330100716105852F");
    const char *fw = "９１３３０１００７１６１０５８５２Ｆ";
    assert_int_equal(zj_uscc_parse(fw, strlen(fw), &u, NULL), 0);
    assert_string_equal(u.code, "91330100716105852F");
}

static void test_check_char(void **state)
{
    (void)state;
    assert_int_equal(zj_uscc_check_char("91440300192203821"), '6');
    assert_int_equal(zj_uscc_check_char("9133010071610585I"), '\0');
    /* c = 31 - (sum mod 31) and 31 maps to 0: build a code whose check is '0' */
    char c[19] = "91110000MA0000000";
    for (char x = '0'; x <= '9'; x++) {
        c[16] = x;
        if (zj_uscc_check_char(c) == '0')
            break;
    }
    if (zj_uscc_check_char(c) == '0') {
        c[17] = '0';
        zj_uscc u;
        assert_int_equal(zj_uscc_parse(c, 18, &u, NULL), 0);
    }
}

static void test_rejections(void **state)
{
    (void)state;
    assert_string_equal(reason(""), "empty credit code");
    assert_string_equal(reason("9144030019220382"), "wrong length: expected 18 characters");
    assert_string_equal(reason("9144030019220382161"), "wrong length: expected 18 characters");
    assert_string_equal(reason("914403001922038217"), "bad check character");
    assert_string_equal(reason("91440300192203821I"),
                        "bad character: allowed are 0-9 and A-Z except I, O, S, V, Z");
    assert_string_equal(reason("9144030019220382-6"),
                        "bad character: allowed are 0-9 and A-Z except I, O, S, V, Z");
    assert_string_equal(reason("91440300192203821\xe4"),
                        "bad character: allowed are 0-9 and A-Z except I, O, S, V, Z");
    /* authority 9 has no type 4; authority B does not exist */
    char c[19] = "94440300192203821";
    c[17] = zj_uscc_check_char(c);
    c[18] = 0;
    assert_string_equal(reason(c), "unknown registration authority or organization type");
    char d[19] = "B1440300192203821";
    d[17] = zj_uscc_check_char(d);
    d[18] = 0;
    assert_string_equal(reason(d), "unknown registration authority or organization type");
    char e[19] = "9144A300192203821";
    e[17] = zj_uscc_check_char(e);
    e[18] = 0;
    assert_string_equal(reason(e), "region code is not numeric");
    char f[19] = "91990000192203821";                 /* unknown province: valid, flagged */
    f[17] = zj_uscc_check_char(f);
    f[18] = 0;
    zj_uscc u;
    assert_int_equal(zj_uscc_parse(f, 18, &u, NULL), 0);
    assert_false(u.region_known);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_public_examples),
        cmocka_unit_test(test_normalization),
        cmocka_unit_test(test_check_char),
        cmocka_unit_test(test_rejections),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
