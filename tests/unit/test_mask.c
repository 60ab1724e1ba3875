/* test_mask.c - display masking (text/mask.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "text/mask.h"

typedef int (*mask_fn)(const char *, size_t, char *, size_t);

static void expect(mask_fn f, const char *in, const char *want)
{
    char out[128];
    int n = f(in, strlen(in), out, sizeof out);
    if (n < 0)
        fail_msg("'%s' not masked", in);
    if (strcmp(out, want))
        fail_msg("'%s' -> '%s', expected '%s'", in, out, want);
    assert_int_equal(n, (int)strlen(want));
}

static void test_identifiers(void **state)
{
    (void)state;
    expect(zj_mask_resident_id, "610102199001011234", "610102********1234");
    expect(zj_mask_resident_id, "11010519491231002X", "110105********002X");
    expect(zj_mask_resident_id, "610102900101123", "610102*****1123");
    expect(zj_mask_uscc, "914403001922038216", "91440300********16");
    expect(zj_mask_phone, "13812345678", "138****5678");
    expect(zj_mask_phone, "029-88886666", "029-****6666");
    expect(zj_mask_phone, "0917-3212345", "0917-***2345");
    expect(zj_mask_phone, "400-123-4567", "400-***-4567");
}

static void test_names(void **state)
{
    (void)state;
    expect(zj_mask_name, "张伟", "张*");
    expect(zj_mask_name, "张三丰", "张*丰");
    expect(zj_mask_name, "张小三丰", "张**丰");
    expect(zj_mask_name, "欧阳娜娜", "欧阳*娜");
    expect(zj_mask_name, "欧阳修", "欧阳*");
    expect(zj_mask_name, "尉迟恭", "尉迟*");
    expect(zj_mask_name, "龙", "*");
    expect(zj_mask_name, "买买提·艾力", "买**·艾*");
    expect(zj_mask_name, "John Smith", "J*********");
}

static void test_edges(void **state)
{
    (void)state;
    char out[8];
    assert_int_equal(zj_mask_middle("", 0, 3, 4, out, sizeof out), 0);
    assert_string_equal(out, "");
    assert_int_equal(zj_mask_middle("abc", 3, 3, 4, out, sizeof out), 3);
    assert_string_equal(out, "ab*");                  /* something is always hidden */
    assert_int_equal(zj_mask_middle("abcdefghij", 10, 3, 4, out, sizeof out), -1);
    assert_int_equal(zj_mask_middle("\xff", 1, 0, 0, out, sizeof out), -1);
    assert_int_equal(zj_mask_name("\xff", 1, out, sizeof out), -1);
    assert_int_equal(zj_mask_name("张伟", strlen("张伟"), out, 3), -1);
    assert_int_equal(zj_mask_name("龙", strlen("龙"), out, 1), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_identifiers),
        cmocka_unit_test(test_names),
        cmocka_unit_test(test_edges),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
