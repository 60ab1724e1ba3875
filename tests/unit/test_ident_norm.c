/* test_ident_norm.c - the folding helpers shared by the identifier parsers
 * (text/ident_norm.c): full-width to ASCII, whitespace, UTF-8 checks, control characters. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "text/ident_norm.h"

static void test_fold(void **state)
{
    (void)state;
    char out[64];
    const char *in = " １２３ａ\t　ｘ\xC2\xA0（）";
    size_t n = zj_ident_fold(in, strlen(in), out, sizeof out, true);
    assert_int_equal(n, 7);
    assert_memory_equal(out, "123AX()", 7);
    n = zj_ident_fold("ａb", strlen("ａb"), out, sizeof out, false);
    assert_int_equal(n, 2);
    assert_memory_equal(out, "ab", 2);
    assert_int_equal(zj_ident_fold("12345", 5, out, 4, false), (size_t)-1);
    assert_int_equal(zj_ident_fold("", 0, out, sizeof out, false), 0);
    /* truncated sequences at the end are copied, never read past n */
    n = zj_ident_fold("\xEF\xBC", 2, out, sizeof out, false);
    assert_int_equal(n, 2);
}

static void test_fold_text(void **state)
{
    (void)state;
    char out[64];
    const char *in = "（２０２１） 陕01\xE3\x80\x80民初\xC2\xA0号";
    size_t n = zj_ident_fold_text(in, strlen(in), out, sizeof out);
    const char *want = "(2021)陕01民初号";
    assert_int_equal(n, strlen(want));
    assert_memory_equal(out, want, n);
    assert_int_equal(zj_ident_fold_text("a\xff", 2, out, sizeof out), ZJ_FOLD_BAD_UTF8);
    assert_int_equal(zj_ident_fold_text("\xC2\xC2\xA0\xA0", 4, out, sizeof out),
                     ZJ_FOLD_BAD_UTF8);
    assert_int_equal(zj_ident_fold_text("a\x01", 2, out, sizeof out), ZJ_FOLD_CONTROL);
    assert_int_equal(zj_ident_fold_text("a\x7f", 2, out, sizeof out), ZJ_FOLD_CONTROL);
    assert_int_equal(zj_ident_fold_text("a\xC2\x85", 3, out, sizeof out), ZJ_FOLD_CONTROL);
    assert_int_equal(zj_ident_fold_text("a\0", 2, out, sizeof out), ZJ_FOLD_CONTROL);
    assert_int_equal(zj_ident_fold_text("陕陕", 6, out, 5), ZJ_FOLD_TOO_LONG);
    assert_int_equal(zj_ident_fold_text("abc", 3, out, 2), ZJ_FOLD_TOO_LONG);
}

static void test_u8len(void **state)
{
    (void)state;
    assert_int_equal(zj_ident_u8len("a", 1), 1);
    assert_int_equal(zj_ident_u8len("\xC2\xB7", 2), 2);
    assert_int_equal(zj_ident_u8len("陕", 3), 3);
    assert_int_equal(zj_ident_u8len("\xF0\xA0\x80\x80", 4), 4);        /* U+20000 */
    assert_int_equal(zj_ident_u8len("", 0), 0);
    assert_int_equal(zj_ident_u8len("\xC0\x80", 2), 0);                /* overlong */
    assert_int_equal(zj_ident_u8len("\xE0\x80\x80", 3), 0);            /* overlong */
    assert_int_equal(zj_ident_u8len("\xED\xA0\x80", 3), 0);            /* surrogate */
    assert_int_equal(zj_ident_u8len("\xF4\x90\x80\x80", 4), 0);        /* > U+10FFFF */
    assert_int_equal(zj_ident_u8len("\xE9\x99", 2), 0);                /* truncated */
    assert_int_equal(zj_ident_u8len("\x80", 1), 0);                    /* continuation */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fold),
        cmocka_unit_test(test_fold_text),
        cmocka_unit_test(test_u8len),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
