/* test_phone.c - phone numbers (text/phone.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "text/phone.h"

static void ok(const char *in, zj_phone_kind kind, const char *norm, const char *ext)
{
    zj_phone p;
    const char *why = "not set";
    if (zj_phone_parse(in, strlen(in), &p, &why))
        fail_msg("'%s' rejected: %s", in, why);
    assert_int_equal(p.kind, kind);
    assert_string_equal(p.normalized, norm);
    assert_string_equal(p.extension, ext);
}

static const char *reason(const char *in)
{
    zj_phone p;
    const char *why = NULL;
    return zj_phone_parse(in, strlen(in), &p, &why) == 0 ? NULL : why;
}

static void test_mobile(void **state)
{
    (void)state;
    ok("13812345678", ZJ_PHONE_MOBILE, "13812345678", "");
    ok("+86 138 1234 5678", ZJ_PHONE_MOBILE, "13812345678", "");
    ok("0086-138-1234-5678", ZJ_PHONE_MOBILE, "13812345678", "");
    ok("8613812345678", ZJ_PHONE_MOBILE, "13812345678", "");
    ok("１３８１２３４５６７８", ZJ_PHONE_MOBILE, "13812345678", "");
    ok("＋８６　１９９１２３４５６７８", ZJ_PHONE_MOBILE, "19912345678", "");
    zj_phone p;
    assert_int_equal(zj_phone_parse("13812345678", 11, &p, NULL), 0);
    assert_string_equal(p.number, "13812345678");
    assert_string_equal(zj_phone_kind_name(p.kind), "mobile");
}

static void test_landline_and_service(void **state)
{
    (void)state;
    ok("029-88886666", ZJ_PHONE_LANDLINE, "029-88886666", "");
    ok("(029)88886666", ZJ_PHONE_LANDLINE, "029-88886666", "");
    ok("010 6512 3456", ZJ_PHONE_LANDLINE, "010-65123456", "");
    ok("+86 29 8888 6666", ZJ_PHONE_LANDLINE, "029-88886666", "");
    ok("0917-3212345", ZJ_PHONE_LANDLINE, "0917-3212345", "");
    ok("029-88886666转123", ZJ_PHONE_LANDLINE, "029-88886666", "123");
    ok("029-88886666 ext. 9", ZJ_PHONE_LANDLINE, "029-88886666", "9");
    ok("400-123-4567", ZJ_PHONE_SERVICE, "400-123-4567", "");
    ok("8001234567", ZJ_PHONE_SERVICE, "800-123-4567", "");
    zj_phone p;
    assert_int_equal(zj_phone_parse("029-88886666", 12, &p, NULL), 0);
    assert_string_equal(p.area_code, "029");
    assert_string_equal(p.number, "88886666");
}

static void test_rejections(void **state)
{
    (void)state;
    assert_string_equal(reason(""), "empty phone number");
    assert_string_equal(reason(" - "), "empty phone number");
    assert_string_equal(reason("1381234567"), "mobile number must have 11 digits starting 13-19");
    assert_string_equal(reason("138123456789"), "mobile number must have 11 digits starting 13-19");
    assert_string_equal(reason("12812345678"), "mobile number must have 11 digits starting 13-19");
    assert_string_equal(reason("88886666"), "landline needs an area code starting with 0");
    assert_string_equal(reason("029-888866"), "bad landline area code or number length");
    assert_string_equal(reason("029-888866667"), "bad landline area code or number length");
    assert_string_equal(reason("011-88886666"), "bad landline area code or number length");
    assert_string_equal(reason("0029-8888666"), "bad landline area code or number length");
    assert_string_equal(reason("029-08886666"), "local number must not start with 0 or 1");
    assert_string_equal(reason("138-1234-abcd"), "bad character in phone number");
    assert_string_equal(reason("+1 415 555 0100"), "bad character in phone number");
    assert_string_equal(reason("029-88886666转"), "bad extension");
    assert_string_equal(reason("029-88886666转12a"), "bad extension");
    assert_string_equal(reason("029-88886666转1234567"), "bad extension");
    assert_string_equal(reason("1111111111111111111111111111111111111111"),
                        "phone number too long");
    char big[300];
    memset(big, '1', sizeof big);
    zj_phone p;
    const char *why;
    assert_int_equal(zj_phone_parse(big, sizeof big, &p, &why), -1);
    assert_string_equal(why, "phone number too long");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_mobile),
        cmocka_unit_test(test_landline_and_service),
        cmocka_unit_test(test_rejections),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
