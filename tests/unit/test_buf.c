/* test_buf.c - unit tests for the growable buffer (base/buf.c) and error helpers. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "base/buf.h"
#include "base/error.h"

static void test_append_grows_and_terminates(void **state)
{
    (void)state;
    zj_buf b = {0};
    for (int i = 0; i < 1000; i++)
        assert_int_equal(zj_buf_putc(&b, (char)('a' + i % 26)), 0);
    assert_int_equal(b.len, 1000);
    assert_int_equal(b.data[1000], '\0');
    assert_int_equal(b.data[27], 'b');
    zj_buf_clear(&b);
    assert_int_equal(b.len, 0);
    assert_string_equal(b.data, "");
    assert_int_equal(zj_buf_printf(&b, "%s-%d", "案号", 42), 0);
    assert_string_equal(b.data, "案号-42");
    char *s = zj_buf_take(&b);
    assert_null(b.data);
    assert_string_equal(s, "案号-42");
    free(s);
}

static void test_take_empty_gives_empty_string(void **state)
{
    (void)state;
    zj_buf b = {0};
    char *s = zj_buf_take(&b);
    assert_non_null(s);
    assert_string_equal(s, "");
    free(s);
}

static void test_grow_array(void **state)
{
    (void)state;
    int *a = NULL;
    size_t cap = 0;
    a = zj_grow(a, &cap, 1, sizeof *a, 4);          /* empty: starts at `first` */
    assert_non_null(a);
    assert_int_equal(cap, 4);
    a[3] = 7;
    int *b = zj_grow(a, &cap, 4, sizeof *a, 4);     /* room enough: unchanged */
    assert_ptr_equal(a, b);
    assert_int_equal(cap, 4);
    a = zj_grow(a, &cap, 20, sizeof *a, 4);         /* doubles until it fits, keeps items */
    assert_non_null(a);
    assert_int_equal(cap, 32);
    assert_int_equal(a[3], 7);
    /* a size that cannot be allocated: NULL, and the array and cap as they were */
    assert_null(zj_grow(a, &cap, ((size_t)-1) / 2, sizeof *a, 4));
    assert_int_equal(cap, 32);
    assert_int_equal(a[3], 7);
    free(a);
}

static void test_error_fail_and_prefix(void **state)
{
    (void)state;
    zj_error e = {0};
    assert_int_equal(zj_fail(&e, ZJ_EDATA, "cannot parse date '%s'", "2021-13-45"), ZJ_EDATA);
    assert_int_equal(zj_error_prefix(&e, "%s:%d: ", "a.csv", 17), ZJ_EDATA);
    assert_string_equal(e.msg, "a.csv:17: cannot parse date '2021-13-45'");
    assert_int_equal(zj_fail(NULL, ZJ_EUSAGE, "ignored"), ZJ_EUSAGE);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_append_grows_and_terminates),
        cmocka_unit_test(test_take_empty_gives_empty_string),
        cmocka_unit_test(test_grow_array),
        cmocka_unit_test(test_error_fail_and_prefix),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
