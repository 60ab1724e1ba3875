/* test_utf8.c - unit tests for UTF-8 validation (text/utf8.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "text/utf8.h"

#define VALID(lit) zj_utf8_valid(lit, sizeof(lit) - 1)

static void test_ascii_and_empty(void **state)
{
    (void)state;
    assert_true(zj_utf8_valid(NULL, 0));
    assert_true(zj_utf8_valid("", 0));
    assert_true(VALID("a"));
    assert_true(VALID("0123456789abcdefghijklmnopqrstuvwxyz,\t\r\n"));
    assert_true(VALID("\0\0\0\0\0\0\0\0\0"));      /* NUL is a valid code point */
    assert_false(VALID("\x80"));
    assert_false(VALID("0123456789abcde\x80"));     /* after the 8-byte fast path */
    assert_false(VALID("01234567\xFF" "89abcdef"));
}

static void test_multibyte_well_formed(void **state)
{
    (void)state;
    assert_true(VALID("\xC2\x80"));                 /* U+0080 */
    assert_true(VALID("\xDF\xBF"));                 /* U+07FF */
    assert_true(VALID("张伟"));
    assert_true(VALID("欧阳娜娜 and ASCII between 市公安局 12345678"));
    assert_true(VALID("\xE0\xA0\x80"));             /* U+0800 */
    assert_true(VALID("\xED\x9F\xBF"));             /* U+D7FF, just below the surrogates */
    assert_true(VALID("\xEE\x80\x80"));             /* U+E000 */
    assert_true(VALID("\xEF\xBF\xBF"));             /* U+FFFF */
    assert_true(VALID("\xF0\x90\x80\x80"));         /* U+10000 */
    assert_true(VALID("𠀀"));                        /* U+20000 */
    assert_true(VALID("\xF3\xBF\xBF\xBF"));         /* U+FFFFF */
    assert_true(VALID("\xF4\x8F\xBF\xBF"));         /* U+10FFFF */
}

static void test_ill_formed(void **state)
{
    (void)state;
    assert_false(VALID("\xC0\xAF"));                /* overlong '/' */
    assert_false(VALID("\xC1\xBF"));                /* overlong */
    assert_false(VALID("\xE0\x9F\xBF"));            /* overlong U+07FF */
    assert_false(VALID("\xF0\x8F\xBF\xBF"));        /* overlong U+FFFF */
    assert_false(VALID("\xED\xA0\x80"));            /* surrogate U+D800 */
    assert_false(VALID("\xED\xBF\xBF"));            /* surrogate U+DFFF */
    assert_false(VALID("\xF4\x90\x80\x80"));        /* U+110000 */
    assert_false(VALID("\xF5\x80\x80\x80"));
    assert_false(VALID("\xF8\x88\x80\x80\x80"));    /* old 5-byte form */
    assert_false(VALID("\xFE"));
    assert_false(VALID("\xBF"));                    /* lone continuation */
    assert_false(VALID("\xC3"));                    /* truncated 2-byte */
    assert_false(VALID("\xC3("));                   /* bad continuation */
    assert_false(VALID("\xE5\xBC"));                /* truncated 3-byte */
    assert_false(VALID("\xE5(\xA0"));
    assert_false(VALID("\xE5\xBC("));
    assert_false(VALID("\xF0\xA0\x80"));            /* truncated 4-byte */
    assert_false(VALID("\xF0(\x80\x80"));
    assert_false(VALID("\xF0\xA0(\x80"));
    assert_false(VALID("\xF0\xA0\x80("));
    assert_false(VALID("\xE2\x82"));
    /* Length check uses n, not NUL: a valid prefix of a longer buffer. */
    assert_true(zj_utf8_valid("张伟", 3));
    assert_false(zj_utf8_valid("张伟", 4));
}

/* U+FFFD in the text is a character (an export converted with losses before it reached us);
 * only bytes the decoder could not decode - left as they were, or marked 0xFF - are invalid. */
static void test_replacement_character_is_text(void **state)
{
    (void)state;
    assert_true(VALID("a\xEF\xBF\xBD" "b"));
    assert_true(VALID("\xEF\xBF\xBD"));
    assert_true(VALID("\xEF\xBF\xBC"));             /* U+FFFC */
    assert_true(VALID("\xEF\xBF\xBE"));             /* U+FFFE: a noncharacter, still UTF-8 */
    assert_false(VALID("a\xFF" "b"));
    assert_false(VALID("\xEF\xBF"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ascii_and_empty),
        cmocka_unit_test(test_multibyte_well_formed),
        cmocka_unit_test(test_ill_formed),
        cmocka_unit_test(test_replacement_character_is_text),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
