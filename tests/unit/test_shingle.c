/* test_shingle.c - text/shingle.h: normalization, near-identical and different claims. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <string.h>

#include "text/shingle.h"

static double sim(const char *a, const char *b)
{
    uint32_t x[256], y[256];
    size_t nx = zj_shingles(a, strlen(a), x, 256), ny = zj_shingles(b, strlen(b), y, 256);
    return zj_shingle_jaccard(x, nx, y, ny);
}

static void normalization(void **state)
{
    (void)state;
    /* width, case, spaces and punctuation do not matter; digit runs are one '#' */
    assert_true(sim("判令被告公开2019年征地批复", "判令被告公开２０２０年征地批复。") == 1.0);
    assert_true(sim("Pay ABC", "pay  abc") == 1.0);
    assert_true(sim("", "判令") == 0.0);
    assert_true(sim("，。；", "判令") == 0.0);              /* nothing but punctuation */
    uint32_t one[4];
    assert_int_equal(zj_shingles("甲", strlen("甲"), one, 4), 1);
    assert_int_equal(zj_shingles("\xff\xfe", 2, one, 4), 0);  /* invalid UTF-8 */
    /* sorted and distinct, capped */
    uint32_t v[8];
    size_t n = zj_shingles("甲乙甲乙甲乙甲乙", strlen("甲乙甲乙甲乙甲乙"), v, 8);
    assert_int_equal(n, 2);
    assert_true(v[0] < v[1]);
    assert_int_equal(zj_shingles("一二三四五六七八九十", strlen("一二三四五六七八九十"), v, 3), 3);
}

static void claims(void **state)
{
    (void)state;
    const char *a = "请求判令被告西安市雁塔区人民政府公开2019年第3号征地补偿安置方案的政府信息，"
                    "并承担本案诉讼费用。";
    const char *b = "请求判令被告西安市雁塔区人民政府公开2020年第17号征地补偿安置方案的政府信息，"
                    "并由被告承担本案诉讼费用。";
    const char *c = "请求判令被告支付2020年5月至8月货款（钢材）共计86400元及逾期付款利息，"
                    "诉讼费由被告承担。";
    const char *d = "请求判令被告支付2021年1月空调设备安装工程款共计230000元并赔偿损失，"
                    "诉讼费由被告承担。";
    assert_true(sim(a, b) >= 0.8);                          /* near-identical */
    assert_true(sim(c, d) < 0.6);                           /* one creditor, other contracts */
    assert_true(sim(a, c) < 0.3);
    assert_true(sim(a, a) == 1.0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(normalization),
        cmocka_unit_test(claims),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
