/* test_address.c - addresses reduced to county, road, house number and room (text/address.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "text/address.h"

static void ok(const char *in, const char *county, const char *road, const char *house,
               const char *rest)
{
    zj_address a;
    const char *why = "not set";
    if (zj_address_parse(in, strlen(in), &a, &why))
        fail_msg("'%s' rejected: %s", in, why);
    if (strcmp(a.county, county) || strcmp(a.road, road) || strcmp(a.house, house) ||
        strcmp(a.rest, rest))
        fail_msg("'%s' -> [%s|%s|%s|%s], expected [%s|%s|%s|%s]", in, a.county, a.road, a.house,
                 a.rest, county, road, house, rest);
}

/* One household written the ways real exports write it. */
static void test_one_household(void **state)
{
    (void)state;
    ok("陕西省西安市雁塔区人民路12号3号楼1201室", "雁塔区", "人民路", "12", "3-1201");
    ok("西安市雁塔区人民路12号3号楼1201室", "雁塔区", "人民路", "12", "3-1201");
    ok("雁塔区人民路12号3栋1201", "雁塔区", "人民路", "12", "3-1201");
    ok("陕西西安雁塔区人民路１２号３号楼１２０１室", "雁塔区", "人民路", "12", "3-1201");
    ok("人民路 12 号 3-1201", "", "人民路", "12", "3-1201");
    ok("中国陕西省西安市雁塔区　人民路12号", "雁塔区", "人民路", "12", "");
    ok("西安市人民路12号", "", "人民路", "12", "");
}

static void test_roads(void **state)
{
    (void)state;
    /* a road named like a region keeps its name */
    ok("辽宁省朝阳市双塔区朝阳路8号", "双塔区", "朝阳路", "8", "");
    ok("陕西省西安市长安区迎宾大道100号", "长安区", "宾大道", "100", "");
    ok("宝鸡市陈仓区东大街5号2单元302室", "陈仓区", "东大街", "5", "2-302");
    /* no number: the road text alone */
    ok("陕西省榆林市横山区石湾镇高镇村", "横山区", "高镇村", "", "");
}

static void test_rejects(void **state)
{
    (void)state;
    zj_address a;
    const char *why = NULL;
    assert_int_equal(zj_address_parse("", 0, &a, &why), -1);
    assert_string_equal(why, "empty address");
    assert_int_equal(zj_address_parse("陕西省西安市", strlen("陕西省西安市"), &a, &why), -1);
    assert_string_equal(why, "address has no street or number");
    char big[600];
    memset(big, '1', sizeof big);
    assert_int_equal(zj_address_parse(big, sizeof big, &a, &why), -1);
    assert_string_equal(why, "address too long");
    assert_int_equal(zj_address_parse("  ", 2, &a, NULL), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_one_household),
        cmocka_unit_test(test_roads),
        cmocka_unit_test(test_rejects),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
