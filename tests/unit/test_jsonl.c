/* test_jsonl.c - unit tests for the JSON Lines reader (ingest/jsonl.c).
 *
 * Records are rendered as text, as in test_csv.c: "<line>:[v][v]" with "-" for an absent
 * field, or "<line>!<error>:" for a malformed line. Every input is read once per source read
 * limit, so lines are also cut by refills at every position.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ingest/jsonl.h"
#include "testutil.h"

static const size_t LIMITS[] = {0, 1, 2, 3, 5, 64};
#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static char *render(zj_input *in, const char *const *keys, size_t nkeys)
{
    zj_jsonl *r = zj_jsonl_new(in);
    assert_non_null(r);
    assert_int_equal(zj_jsonl_set_keys(r, keys, nkeys), 0);
    zj_buf out = {0};
    zj_row row;
    zj_error err = {0};
    int rc;
    while ((rc = zj_jsonl_next(r, &row, &err)) == 1) {
        zj_buf_printf(&out, "%lld", (long long)row.line);
        if (row.error) {
            zj_buf_printf(&out, "!%s", row.error);
            assert_int_equal(row.nfields, 0);
        } else {
            assert_int_equal(row.nfields, nkeys);
        }
        zj_buf_putc(&out, ':');
        for (size_t i = 0; i < row.nfields; i++) {
            if (row.fields[i].p)
                zj_buf_printf(&out, "[%.*s]", (int)row.fields[i].n, row.fields[i].p);
            else
                zj_buf_puts(&out, "-");
        }
        zj_buf_putc(&out, '\n');
    }
    if (rc != 0)
        fail_msg("zj_jsonl_next returned %d: %s", rc, err.msg);
    assert_int_equal(zj_jsonl_next(r, &row, &err), 0);
    zj_jsonl_free(r);
    return zj_buf_take(&out);
}

static void expect_jsonl_n(const char *data, size_t n, const char *const *keys, size_t nkeys,
                           const char *want)
{
    for (size_t l = 0; l < COUNT(LIMITS); l++) {
        zj_input *in = NULL;
        assert_int_equal(zj_input_open_memory(data, n, ZJ_ENC_AUTO, &in, NULL), 0);
        zj_input_set_read_limit(in, LIMITS[l]);
        char *got = render(in, keys, nkeys);
        if (strcmp(got, want) != 0)
            fail_msg("read limit %zu:\n--- got ---\n%s--- want ---\n%s", LIMITS[l], got, want);
        free(got);
        zj_input_close(in);
    }
}

#define EXPECT(data, want, ...)                                                                \
    do {                                                                                       \
        static const char *const keys_[] = {__VA_ARGS__};                                      \
        expect_jsonl_n(data, strlen(data), keys_, COUNT(keys_), want);                         \
    } while (0)

static void test_fixture(void **state)
{
    (void)state;
    size_t n;
    char *data = fixture("people.jsonl", &n);
    static const char *const keys[] = {"name", "age", "party.name", "score", "big", "neg",
                                       "flag", "tags", "nil", "missing", "party"};
    expect_jsonl_n(data, n, keys, COUNT(keys),
                   "1:[张伟][30][市公安局][1.5][1e+20][0][true][[\"a\",1]]--"
                   "[{\"name\":\"市公安局\",\"code\":\"110\"}]\n"
                   "3:[欧阳娜娜][-7][𠀀]---[false]---[{\"name\":\"𠀀\"}]\n"
                   "4!not a JSON object:\n"
                   "5!invalid JSON:\n"
                   "6!not a JSON object:\n"
                   "7:-[0.1][literal]-------[{\"name\":\"nested\"}]\n"
                   "8:[crlf][2]---------\n"
                   "9:[last]----------\n");
    /* Through a file too. */
    zj_input *in = NULL;
    zj_error err = {0};
    assert_int_equal(zj_input_open(fixture_path("people.jsonl"), ZJ_ENC_AUTO, &in, &err), 0);
    char *got = render(in, keys, 1);
    assert_string_equal(got, "1:[张伟]\n3:[欧阳娜娜]\n4!not a JSON object:\n5!invalid JSON:\n"
                             "6!not a JSON object:\n7:-\n8:[crlf]\n9:[last]\n");
    free(got);
    zj_input_close(in);
    free(data);
}

/* The text a number gets is the one snprintf's %.15g, %.16g or %.17g gives (the first that
 * reads back exactly; whole numbers within 2^53 as %.0f), fast path or not: random values of
 * every scale, as coordinates, amounts and shares come. */
static void test_numbers_as_printf(void **state)
{
    (void)state;
    static const char *const keys[] = {"x"};
    uint64_t seed = 12345;
    for (int i = 0; i < 20000; i++) {
        seed = seed * 6364136223846793005u + 1442695040888963407u;
        int scale = (int)(seed >> 60) - 6;              /* 10^-6 .. 10^9 */
        int decimals = (int)((seed >> 56) & 15);
        double v = (double)(int64_t)(seed >> 20) / 1e6;
        for (int k = 0; k < scale; k++)
            v *= 10;
        for (int k = 0; k > scale; k--)
            v /= 10;
        if (i % 2) {                                    /* a decimal as written */
            char w[64];
            snprintf(w, sizeof w, "%.*f", decimals, v);
            v = strtod(w, NULL);
        }
        if (i % 7 == 0)
            v = -v;
        char want[64], line[96];
        if (v == floor(v) && fabs(v) <= 9007199254740992.0)
            snprintf(want, sizeof want, "%.0f", v == 0 ? 0.0 : v);
        else
            for (int prec = 15; prec <= 17; prec++) {
                snprintf(want, sizeof want, "%.*g", prec, v);
                if (strtod(want, NULL) == v)
                    break;
            }
        snprintf(line, sizeof line, "{\"x\": %.17g}\n", v);
        zj_input *in = NULL;
        assert_int_equal(zj_input_open_memory(line, strlen(line), ZJ_ENC_AUTO, &in, NULL), 0);
        zj_jsonl *r = zj_jsonl_new(in);
        assert_non_null(r);
        assert_int_equal(zj_jsonl_set_keys(r, keys, 1), 0);
        zj_row row;
        zj_error err = {0};
        if (fabs(v) > 9007199254740992.0 && v == floor(v) && fabs(v) < 1e19) {
            zj_jsonl_free(r);                           /* refused: beyond 2^53 */
            zj_input_close(in);
            continue;
        }
        assert_int_equal(zj_jsonl_next(r, &row, &err), 1);
        assert_null(row.error);
        char got[64];
        snprintf(got, sizeof got, "%.*s", (int)row.fields[0].n, row.fields[0].p);
        if (strcmp(got, want) != 0)
            fail_msg("%.17g: got %s, want %s", v, got, want);
        zj_jsonl_free(r);
        zj_input_close(in);
    }
}

static void test_numbers(void **state)
{
    (void)state;
    EXPECT("{\"a\":1}\n{\"a\":1.5}\n{\"a\":1e15}\n{\"a\":-0}\n{\"a\":-0.0}\n{\"a\":0}\n",
           "1:[1]\n2:[1.5]\n3:[1000000000000000]\n4:[0]\n5:[0]\n6:[0]\n", "a");
    EXPECT("{\"a\":0.1}\n{\"a\":-2.5e-3}\n{\"a\":1e-7}\n{\"a\":100.0}\n{\"a\":-42}\n",
           "1:[0.1]\n2:[-0.0025]\n3:[1e-07]\n4:[100]\n5:[-42]\n", "a");
    /* Shortest round trip: 15, 16 or 17 digits. */
    EXPECT("{\"a\":0.3333333333333333}\n{\"a\":2.2250738585072014e-308}\n{\"a\":1.7976931348623157e308}\n",
           "1:[0.3333333333333333]\n2:[2.2250738585072014e-308]\n3:[1.7976931348623157e+308]\n",
           "a");
    /* Integers: exact up to 2^53; 16-19 digits have already lost digits, so the row is
     * rejected (an unquoted 18-digit ID must not be stored altered); larger magnitudes are
     * floating-point values. */
    EXPECT("{\"a\":9007199254740992}\n{\"a\":-9007199254740992}\n{\"a\":9007199254740994}\n"
           "{\"a\":123456789012}\n{\"a\":110101199003077777}\n{\"a\":1e20}\n{\"a\":1.5e300}\n",
           "1:[9007199254740992]\n2:[-9007199254740992]\n"
           "3!whole number beyond 2^53 cannot be read exactly (quote it in the export):\n"
           "4:[123456789012]\n"
           "5!whole number beyond 2^53 cannot be read exactly (quote it in the export):\n"
           "6:[1e+20]\n7:[1.5e+300]\n", "a");
    /* Too large for a double. */
    EXPECT("{\"a\":1e999}\n{\"a\":2}\n", "1!number out of range:\n2:[2]\n", "a");
    EXPECT("{\"a\":-1e999}\n", "1!number out of range:\n", "a");
    /* A number out of range under a key nobody asked for is not an error. */
    EXPECT("{\"a\":1,\"b\":1e999}\n", "1:[1]\n", "a");
}

static void test_null_and_missing(void **state)
{
    (void)state;
    EXPECT("{\"a\":null,\"b\":\"\"}\n{}\n", "1:-[]-\n2:---\n", "a", "b", "c");
    /* A path through something that is not an object. */
    EXPECT("{\"a\":\"x\",\"b\":[{\"c\":1}],\"d\":{\"e\":null}}\n", "1:---\n", "a.c", "b.c",
           "d.e");
    EXPECT("{\"a\":{\"b\":{\"c\":\"deep\"}}}\n", "1:[deep][{\"c\":\"deep\"}]-\n", "a.b.c", "a.b",
           "a.b.c.d");
    /* Keys are case-sensitive; duplicates: the first wins. */
    EXPECT("{\"Name\":1,\"name\":2,\"name\":3}\n", "1:[2][1]\n", "name", "Name");
}

static void test_strings(void **state)
{
    (void)state;
    EXPECT("{\"s\":\"\\u5f20\\u4f1f\"}\n", "1:[张伟]\n", "s");
    EXPECT("{\"s\":\"a\\\"b\\\\c\\/d\\n\\t\"}\n", "1:[a\"b\\c/d\n\t]\n", "s");
    EXPECT("{\"s\":\"\\ud840\\udc00\"}\n", "1:[𠀀]\n", "s");
    EXPECT("{\"姓名\":\"欧阳娜娜\",\"单位\":{\"名称\":\"区法院\"}}\n", "1:[欧阳娜娜][区法院]\n",
           "姓名", "单位.名称");
    EXPECT("{\"t\":true,\"f\":false,\"o\":{},\"a\":[]}\n", "1:[true][false][{}][[]]\n", "t", "f",
           "o", "a");
}

static void test_malformed_lines(void **state)
{
    (void)state;
    EXPECT("{\"a\":1} x\n{\"a\":2}  \t\r\n", "1!invalid JSON:\n2:[2]\n", "a");
    EXPECT("{\"a\":1}{\"a\":2}\n", "1!invalid JSON:\n", "a");
    EXPECT("{\"a\":\n", "1!invalid JSON:\n", "a");
    EXPECT("{\"a\":1,}\n", "1!invalid JSON:\n", "a");
    EXPECT("null\n1\n\"s\"\n[]\ntrue\n", "1!not a JSON object:\n2!not a JSON object:\n"
                                         "3!not a JSON object:\n4!not a JSON object:\n"
                                         "5!not a JSON object:\n", "a");
    /* Blank lines: empty, spaces, CR only. */
    EXPECT("\n   \n\r\n\t\n{\"a\":1}\n\n", "5:[1]\n", "a");
    EXPECT("", "", "a");
    /* A NUL byte in a line, or a NUL written \u0000 in a string, is a reject: never stored,
     * never cut off. An escaped backslash before "u0000" is not an escape of it. */
    expect_jsonl_n("{\"a\":1}\0\n{\"a\":2}", 16, (const char *const[]){"a"}, 1,
                   "1!contains a NUL byte (\\0):\n2:[2]\n");
    expect_jsonl_n("{\"a\":\"x\0y\"}\n", 12, (const char *const[]){"a"}, 1,
                   "1!contains a NUL byte (\\0):\n");
    EXPECT("{\"a\":\"ab\\u0000cd\"}\n{\"a\":\"\\\\u0000\"}\n{\"b\":\"\\\\\\u0000\",\"a\":1}\n",
           "1!contains \\u0000 (a NUL character):\n2:[\\u0000]\n"
           "3!contains \\u0000 (a NUL character):\n", "a");
    /* A line too long is skipped without being parsed. */
    size_t big = (16u << 20) + 10;
    char *data = malloc(big + 20);
    memset(data, ' ', big);
    data[0] = '{';
    memcpy(data + big, "}\n{\"a\":3}", 10);
    zj_input *in = NULL;
    assert_int_equal(zj_input_open_memory(data, big + 9, ZJ_ENC_UTF8, &in, NULL), 0);
    char *got = render(in, (const char *const[]){"a"}, 1);
    assert_string_equal(got, "1!record too long:\n2:[3]\n");
    free(got);
    zj_input_close(in);
    /* Too long at the very end, without a newline. */
    assert_int_equal(zj_input_open_memory(data, big, ZJ_ENC_UTF8, &in, NULL), 0);
    got = render(in, (const char *const[]){"a"}, 1);
    assert_string_equal(got, "1!record too long:\n");
    free(got);
    zj_input_close(in);
    free(data);
}

static void test_keys(void **state)
{
    (void)state;
    zj_input *in = NULL;
    assert_int_equal(zj_input_open_memory("{\"a\":1,\"b\":2}\n", 14, ZJ_ENC_UTF8, &in, NULL), 0);
    zj_jsonl *r = zj_jsonl_new(in);
    zj_row row;
    /* No keys: records have no fields. */
    static const char *const ab[] = {"a", "b"};
    assert_int_equal(zj_jsonl_set_keys(r, ab, 2), 0);
    assert_int_equal(zj_jsonl_set_keys(r, ab + 1, 1), 0);     /* replaces */
    assert_int_equal(zj_jsonl_next(r, &row, NULL), 1);
    assert_int_equal(row.nfields, 1);
    assert_memory_equal(row.fields[0].p, "2", 1);
    assert_int_equal(zj_jsonl_next(r, &row, NULL), 0);
    zj_jsonl_free(r);
    zj_jsonl_free(NULL);
    zj_input_close(in);

    assert_int_equal(zj_input_open_memory("{\"a\":1}\n", 8, ZJ_ENC_UTF8, &in, NULL), 0);
    r = zj_jsonl_new(in);
    assert_int_equal(zj_jsonl_set_keys(r, NULL, 0), 0);
    assert_int_equal(zj_jsonl_next(r, &row, NULL), 1);
    assert_int_equal(row.nfields, 0);
    assert_null(row.error);
    zj_jsonl_free(r);
    zj_input_close(in);
}

/* GB18030 input is decoded before JSON parsing. */
static void test_gb18030(void **state)
{
    (void)state;
    /* {"name":"张伟"} in GB18030: 张 = D5 C5, 伟 = CE B0. */
    static const char gb[] = "{\"name\":\"\xD5\xC5\xCE\xB0\"}\n";
    zj_input *in = NULL;
    assert_int_equal(zj_input_open_memory(gb, sizeof gb - 1, ZJ_ENC_AUTO, &in, NULL), 0);
    assert_int_equal(zj_input_encoding(in), ZJ_ENC_GB18030);
    char *got = render(in, (const char *const[]){"name"}, 1);
    assert_string_equal(got, "1:[张伟]\n");
    free(got);
    zj_input_close(in);
}

static void test_read_error(void **state)
{
    (void)state;
    int fds[2];
    assert_int_equal(pipe(fds), 0);
    assert_int_equal(write(fds[1], "{\"a\":1}\n{", 9), 9);
    assert_int_equal(fcntl(fds[0], F_SETFL, O_NONBLOCK), 0);
    int saved = dup(STDIN_FILENO);
    assert_int_equal(dup2(fds[0], STDIN_FILENO), STDIN_FILENO);
    close(fds[0]);
    zj_input *in = NULL;
    zj_error err = {0};
    assert_int_equal(zj_input_open("-", ZJ_ENC_UTF8, &in, &err), 0);
    zj_jsonl *r = zj_jsonl_new(in);
    zj_row row;
    assert_int_equal(zj_jsonl_next(r, &row, &err), 1);
    assert_int_equal(zj_jsonl_next(r, &row, &err), -1);
    assert_string_equal(err.msg, "cannot read 'standard input': Resource temporarily unavailable");
    zj_jsonl_free(r);
    zj_input_close(in);
    close(fds[1]);
    assert_int_equal(dup2(saved, STDIN_FILENO), STDIN_FILENO);
    close(saved);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fixture),
        cmocka_unit_test(test_numbers),
        cmocka_unit_test(test_numbers_as_printf),
        cmocka_unit_test(test_null_and_missing),
        cmocka_unit_test(test_strings),
        cmocka_unit_test(test_malformed_lines),
        cmocka_unit_test(test_keys),
        cmocka_unit_test(test_gb18030),
        cmocka_unit_test(test_read_error),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
