/* test_input.c - unit tests for decoding input (text/input.c): encoding detection, BOMs,
 * GB18030 conversion with characters split across reads, invalid bytes, files and stdin. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <iconv.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"

/* Source read limits and caller buffer sizes every conversion is checked with. */
static const size_t LIMITS[] = {0, 1, 2, 3, 4, 5, 7, 64};
static const size_t CAPS[] = {1, 2, 3, 4, 5, 15, 16, 17, 4096, 1 << 20};
#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* Open n bytes from memory, fail the test on error. */
static zj_input *mem_input(const void *p, size_t n, zj_encoding enc, size_t limit)
{
    zj_input *in = NULL;
    zj_error err = {0};
    if (zj_input_open_memory(p, n, enc, &in, &err) != 0)
        fail_msg("open failed: %s", err.msg);
    zj_input_set_read_limit(in, limit);
    return in;
}

/* Decode p[0..n) under every limit and buffer size; all must give `want` with `invalid`
 * replaced bytes and the detected encoding `enc_want`. */
static void expect_decoding(const void *p, size_t n, zj_encoding enc, zj_encoding enc_want,
                            const char *want, size_t want_n, int64_t invalid, int valid_out)
{
    for (size_t l = 0; l < COUNT(LIMITS); l++) {
        for (size_t c = 0; c < COUNT(CAPS); c++) {
            zj_input *in = mem_input(p, n, enc, LIMITS[l]);
            assert_int_equal(zj_input_encoding(in), enc_want);
            size_t got_n;
            char *got = read_all(in, CAPS[c], valid_out, &got_n);
            if (got_n != want_n || memcmp(got, want, want_n) != 0)
                fail_msg("limit %zu cap %zu: got %zu bytes '%.*s', want %zu '%s'", LIMITS[l],
                         CAPS[c], got_n, (int)got_n, got, want_n, want);
            assert_int_equal(zj_input_invalid_sequences(in), invalid);
            assert_int_equal(zj_input_bytes_consumed(in), (int64_t)n);
            assert_int_equal(zj_input_size(in), (int64_t)n);
            /* End of input is sticky. */
            char one[8];
            assert_int_equal(zj_input_read(in, one, sizeof one, NULL), 0);
            free(got);
            zj_input_close(in);
        }
    }
}

static void test_encoding_names(void **state)
{
    (void)state;
    zj_encoding e;
    assert_int_equal(zj_encoding_parse("auto", &e), 0);
    assert_int_equal(e, ZJ_ENC_AUTO);
    assert_int_equal(zj_encoding_parse("UTF-8", &e), 0);
    assert_int_equal(e, ZJ_ENC_UTF8);
    assert_int_equal(zj_encoding_parse("utf8", &e), 0);
    assert_int_equal(e, ZJ_ENC_UTF8);
    assert_int_equal(zj_encoding_parse("GB18030", &e), 0);
    assert_int_equal(e, ZJ_ENC_GB18030);
    assert_int_equal(zj_encoding_parse("gbk", &e), 0);
    assert_int_equal(e, ZJ_ENC_GB18030);
    assert_int_equal(zj_encoding_parse("Gb2312", &e), 0);
    assert_int_equal(e, ZJ_ENC_GB18030);
    e = ZJ_ENC_UTF8;
    assert_int_equal(zj_encoding_parse("latin1", &e), -1);
    assert_int_equal(zj_encoding_parse("", &e), -1);
    assert_int_equal(zj_encoding_parse(NULL, &e), -1);
    assert_int_equal(e, ZJ_ENC_UTF8);   /* untouched on failure */
    assert_string_equal(zj_encoding_name(ZJ_ENC_UTF8), "utf-8");
    assert_string_equal(zj_encoding_name(ZJ_ENC_GB18030), "gb18030");
    assert_string_equal(zj_encoding_name(ZJ_ENC_AUTO), "auto");
}

static void test_utf8_passthrough(void **state)
{
    (void)state;
    size_t n;
    char *utf8 = fixture("people.utf8.csv", &n);
    expect_decoding(utf8, n, ZJ_ENC_UTF8, ZJ_ENC_UTF8, utf8, n, 0, 1);
    expect_decoding(utf8, n, ZJ_ENC_AUTO, ZJ_ENC_UTF8, utf8, n, 0, 1);
    free(utf8);
    expect_decoding("", 0, ZJ_ENC_AUTO, ZJ_ENC_UTF8, "", 0, 0, 1);
    expect_decoding("", 0, ZJ_ENC_UTF8, ZJ_ENC_UTF8, "", 0, 0, 1);
    expect_decoding("a", 1, ZJ_ENC_AUTO, ZJ_ENC_UTF8, "a", 1, 0, 1);
}

static void test_bom_stripped(void **state)
{
    (void)state;
    size_t n, bn;
    char *utf8 = fixture("people.utf8.csv", &n);
    char *bom = fixture("people.bom.csv", &bn);
    assert_memory_equal(bom, "\xEF\xBB\xBF", 3);
    zj_input *in = mem_input(bom, bn, ZJ_ENC_AUTO, 0);
    assert_int_equal(zj_input_encoding(in), ZJ_ENC_UTF8);
    size_t got_n;
    char *got = read_all(in, 4096, 1, &got_n);
    assert_int_equal(got_n, bn - 3);
    assert_memory_equal(got, bom + 3, got_n);
    free(got);
    zj_input_close(in);
    expect_decoding(bom, bn, ZJ_ENC_UTF8, ZJ_ENC_UTF8, bom + 3, bn - 3, 0, 1);
    /* Only a BOM, and a BOM that is not at the start. */
    expect_decoding("\xEF\xBB\xBF", 3, ZJ_ENC_AUTO, ZJ_ENC_UTF8, "", 0, 0, 1);
    expect_decoding("a\xEF\xBB\xBF", 4, ZJ_ENC_AUTO, ZJ_ENC_UTF8, "a\xEF\xBB\xBF", 4, 0, 1);
    /* GB18030 has its own encoding of U+FEFF, stripped too. */
    expect_decoding("\x84\x31\x95\x33" "a", 5, ZJ_ENC_GB18030, ZJ_ENC_GB18030, "a", 1, 0, 1);
    expect_decoding("\x84\x31\x95\x33" "a", 5, ZJ_ENC_AUTO, ZJ_ENC_GB18030, "a", 1, 0, 1);
    free(utf8);
    free(bom);
}

static void test_gb18030_decoding(void **state)
{
    (void)state;
    size_t n, gn;
    char *utf8 = fixture("people.utf8.csv", &n);
    char *gb = fixture("people.gb18030.csv", &gn);
    assert_true(gn < n);
    /* The 4-byte GB18030 form of U+20000 is in the fixture. */
    assert_non_null(memmem(gb, gn, "\x95\x32\x82\x36", 4));
    expect_decoding(gb, gn, ZJ_ENC_GB18030, ZJ_ENC_GB18030, utf8, n, 0, 1);
    expect_decoding(gb, gn, ZJ_ENC_AUTO, ZJ_ENC_GB18030, utf8, n, 0, 1);
    /* Pure ASCII is the same in both. */
    expect_decoding("a,b\n", 4, ZJ_ENC_GB18030, ZJ_ENC_GB18030, "a,b\n", 4, 0, 1);
    free(utf8);
    free(gb);
}

/* The whole input through iconv at once, each byte it refuses (or leaves incomplete at the
 * end) marked 0xFF and skipped: what the reader must give however it splits the work. */
static char *gb_reference(const char *p, size_t n, size_t *out_n, int64_t *invalid)
{
    iconv_t cd = iconv_open("UTF-8", "GB18030");
    assert_true(cd != (iconv_t)-1);
    size_t cap = n * 4 + 16, left = cap;
    char *out = malloc(cap), *o = out;
    char *ip = (char *)p;
    size_t il = n;
    *invalid = 0;
    while (il) {
        if (iconv(cd, &ip, &il, &o, &left) != (size_t)-1)
            break;
        assert_true(errno == EILSEQ || errno == EINVAL);
        *o++ = '\xFF';
        left--;
        ip++;
        il--;
        (*invalid)++;
    }
    iconv_close(cd);
    *out_n = (size_t)(o - out);
    return out;
}

/* Random mixes of ASCII (separators, digits, letters), GB18030 lead and trail bytes and
 * bytes that are never valid decode as iconv decodes the whole input. */
static void test_gb18030_as_iconv(void **state)
{
    (void)state;
    static const unsigned char palette[] = {',', '\n', '"', '\t', ' ', '0', '5', '9', 'a', 'Z',
                                            ':', '@', 0x81, 0x84, 0x95, 0xB0, 0xD5, 0xFE,
                                            0x40, 0x7E, 0xA1, 0x80, 0xFF, 0x31, 0x39, 0xE3};
    uint64_t seed = 42;
    char buf[160];
    for (int i = 0; i < 400; i++) {
        size_t n = i < 2 ? 60 : 1 + (size_t)(i % 150);
        buf[0] = 'a';                                   /* never a byte-order mark */
        for (size_t k = 1; k < n; k++) {
            seed = seed * 6364136223846793005u + 1442695040888963407u;
            buf[k] = (char)palette[(seed >> 33) % sizeof palette];
        }
        size_t want_n;
        int64_t invalid;
        char *want = gb_reference(buf, n, &want_n, &invalid);
        if (i < 2) {        /* every read limit and buffer size (slow: a byte at a time) */
            expect_decoding(buf, n, ZJ_ENC_GB18030, ZJ_ENC_GB18030, want, want_n, invalid, 1);
        } else {
            zj_input *in = mem_input(buf, n, ZJ_ENC_GB18030, 0);
            size_t got_n;
            char *got = read_all(in, 4096, 1, &got_n);
            if (got_n != want_n || memcmp(got, want, want_n) != 0)
                fail_msg("input %d: got %zu bytes, want %zu", i, got_n, want_n);
            assert_int_equal(zj_input_invalid_sequences(in), invalid);
            free(got);
            zj_input_close(in);
        }
        free(want);
    }
}

static void test_gb18030_invalid_bytes(void **state)
{
    (void)state;
    size_t gn;
    char *gb = fixture("invalid.gb18030.csv", &gn);
    static const char want[] = "姓名,备注\n"
                               "张伟,a\xFF" "b\n"
                               "李娜,\xFF\n"
                               "x,\xFF";
    expect_decoding(gb, gn, ZJ_ENC_AUTO, ZJ_ENC_GB18030, want, sizeof want - 1, 3, 1);
    free(gb);
    /* A lead byte followed by a byte that cannot follow it: only the lead is replaced.
     * (81 40 would be a character: trail bytes are 40-7E and 80-FE.) */
    expect_decoding("\x81,", 2, ZJ_ENC_GB18030, ZJ_ENC_GB18030, "\xFF,", 2, 1, 1);
    expect_decoding("\x81\x40", 2, ZJ_ENC_GB18030, ZJ_ENC_GB18030, "丂", 3, 0, 1);
    /* Truncated 4-byte sequences at the end: one 0xFF per byte, digits kept. */
    expect_decoding("\x95\x32\x82", 3, ZJ_ENC_GB18030, ZJ_ENC_GB18030, "\xFF" "2\xFF", 3, 2,
                    1);
    /* Many invalid bytes in a row, more than a small caller buffer holds. */
    char ff[40];
    memset(ff, '\xFF', sizeof ff);
    expect_decoding(ff, sizeof ff, ZJ_ENC_GB18030, ZJ_ENC_GB18030, ff, sizeof ff, 40, 1);
    /* U+FFFD is a character of GB18030 too (84 31 A4 37): decoded like any other, not
     * counted as invalid. */
    expect_decoding("a\x84\x31\xA4\x37" "b", 6, ZJ_ENC_GB18030, ZJ_ENC_GB18030,
                    "a\xEF\xBF\xBD" "b", 5, 0, 1);
}

static void test_invalid_utf8_detection(void **state)
{
    (void)state;
    size_t n;
    char *bad = fixture("invalid.utf8.csv", &n);
    /* Auto: not valid UTF-8, so GB18030 (whatever that makes of it). */
    zj_input *in = mem_input(bad, n, ZJ_ENC_AUTO, 0);
    assert_int_equal(zj_input_encoding(in), ZJ_ENC_GB18030);
    zj_input_close(in);
    /* Declared UTF-8: bytes pass through unchanged, invalid ones included. */
    expect_decoding(bad, n, ZJ_ENC_UTF8, ZJ_ENC_UTF8, bad, n, 0, 0);
    free(bad);
    /* An incomplete character at the very end passes through in UTF-8 mode. */
    expect_decoding("ab\xE5\xBC", 4, ZJ_ENC_UTF8, ZJ_ENC_UTF8, "ab\xE5\xBC", 4, 0, 0);
    expect_decoding("\xE5", 1, ZJ_ENC_UTF8, ZJ_ENC_UTF8, "\xE5", 1, 0, 0);
}

/* Auto-detection looks at the first 64 KiB only; a character cut by that boundary does not
 * count against UTF-8. Checked on real files (the fd path) and on memory. */
static void test_sniff_window(void **state)
{
    (void)state;
    size_t n = 200000;
    char *data = malloc(n);
    assert_non_null(data);
    memset(data, 'a', n);
    /* 张 (E5 BC A0) straddling the 64 KiB boundary, more Chinese around it. */
    memcpy(data + 65536 - 1, "\xE5\xBC\xA0", 3);
    memcpy(data + 100, "欧阳娜娜", strlen("欧阳娜娜"));
    memcpy(data + 150000, "\xFF", 1);       /* invalid, but beyond the window */
    for (int pass = 0; pass < 2; pass++) {
        zj_input *in = NULL;
        char *path = NULL;
        if (pass == 0) {
            in = mem_input(data, n, ZJ_ENC_AUTO, 0);
        } else {
            path = temp_file(data, n);
            zj_error err = {0};
            assert_int_equal(zj_input_open(path, ZJ_ENC_AUTO, &in, &err), 0);
            assert_int_equal(zj_input_size(in), (int64_t)n);
        }
        assert_int_equal(zj_input_encoding(in), ZJ_ENC_UTF8);
        size_t got_n;
        char *got = read_all(in, pass ? 5000 : 333, 0, &got_n);
        assert_int_equal(got_n, n);
        assert_memory_equal(got, data, n);
        assert_int_equal(zj_input_bytes_consumed(in), (int64_t)n);
        free(got);
        zj_input_close(in);
        if (path) {
            unlink(path);
            free(path);
        }
    }
    /* An invalid byte inside the window means GB18030. */
    data[1000] = '\xFF';
    zj_input *in = mem_input(data, n, ZJ_ENC_AUTO, 0);
    assert_int_equal(zj_input_encoding(in), ZJ_ENC_GB18030);
    zj_input_close(in);
    free(data);
}

/* Large files through the fd path: UTF-8 reads go straight into the caller's buffer, and the
 * partial character at the end of each read is carried over. */
static void test_large_files(void **state)
{
    (void)state;
    size_t n;
    char *gb = fixture("people.gb18030.csv", &n);
    char *utf8_row = fixture("people.utf8.csv", &n);
    zj_buf big_gb = {0}, big_utf8 = {0};
    while (big_utf8.len < (3u << 20)) {
        assert_int_equal(zj_buf_append(&big_utf8, utf8_row, n), 0);
        assert_int_equal(zj_buf_puts(&big_gb, gb), 0);
    }
    static const size_t caps[] = {4096, 4097, 65536, 1000003, 1 << 21};
    for (int enc = 0; enc < 2; enc++) {
        zj_buf *src = enc ? &big_gb : &big_utf8;
        char *path = temp_file(src->data, src->len);
        for (size_t c = 0; c < COUNT(caps); c++) {
            zj_input *in = NULL;
            zj_error err = {0};
            assert_int_equal(zj_input_open(path, ZJ_ENC_AUTO, &in, &err), 0);
            assert_int_equal(zj_input_encoding(in), enc ? ZJ_ENC_GB18030 : ZJ_ENC_UTF8);
            size_t got_n;
            char *got = read_all(in, caps[c], 1, &got_n);
            assert_int_equal(got_n, big_utf8.len);
            assert_memory_equal(got, big_utf8.data, got_n);
            assert_int_equal(zj_input_bytes_consumed(in), (int64_t)src->len);
            assert_int_equal(zj_input_size(in), (int64_t)src->len);
            free(got);
            zj_input_close(in);
        }
        unlink(path);
        free(path);
    }
    zj_buf_free(&big_gb);
    zj_buf_free(&big_utf8);
    free(gb);
    free(utf8_row);
}

static void test_open_errors(void **state)
{
    (void)state;
    zj_input *in = (zj_input *)1;
    zj_error err = {0};
    assert_int_equal(zj_input_open("/nonexistent/zj/a.csv", ZJ_ENC_AUTO, &in, &err), ZJ_EDATA);
    assert_null(in);
    assert_int_equal(err.code, ZJ_EDATA);
    assert_string_equal(err.msg, "cannot open '/nonexistent/zj/a.csv': No such file or directory");
    in = (zj_input *)1;
    assert_int_equal(zj_input_open(FIXTURES, ZJ_ENC_UTF8, &in, &err), ZJ_EDATA);
    assert_null(in);
    assert_non_null(strstr(err.msg, "it is a directory"));
    /* A file whose read fails: /proc/self/mem cannot be read at offset 0 (EIO). */
    in = (zj_input *)1;
    assert_int_equal(zj_input_open("/proc/self/mem", ZJ_ENC_AUTO, &in, &err), ZJ_EDATA);
    assert_null(in);
    assert_string_equal(err.msg, "cannot read '/proc/self/mem': Input/output error");
    assert_int_equal(zj_input_open("/proc/self/mem", ZJ_ENC_GB18030, &in, NULL), ZJ_EDATA);
    zj_input_close(NULL);
}

/* Replace standard input with the read end of a pipe holding `data` (O_NONBLOCK when
 * `nonblock`, so that reading past the data fails with EAGAIN while the write end is open).
 * Returns the saved standard input; *wfd receives the write end. */
static int stdin_from_pipe(const char *data, int nonblock, int *wfd)
{
    int fds[2];
    assert_int_equal(pipe(fds), 0);
    assert_int_equal(write(fds[1], data, strlen(data)), (ssize_t)strlen(data));
    if (nonblock)
        assert_int_equal(fcntl(fds[0], F_SETFL, O_NONBLOCK), 0);
    int saved = dup(STDIN_FILENO);
    assert_true(saved >= 0);
    assert_int_equal(dup2(fds[0], STDIN_FILENO), STDIN_FILENO);
    close(fds[0]);
    *wfd = fds[1];
    return saved;
}

static void restore_stdin(int saved)
{
    assert_int_equal(dup2(saved, STDIN_FILENO), STDIN_FILENO);
    close(saved);
}

static void test_stdin(void **state)
{
    (void)state;
    int wfd;
    int saved = stdin_from_pipe("\xEF\xBB\xBF" "张伟,1\n", 0, &wfd);
    close(wfd);
    zj_input *in = NULL;
    zj_error err = {0};
    assert_int_equal(zj_input_open("-", ZJ_ENC_AUTO, &in, &err), 0);
    assert_int_equal(zj_input_size(in), -1);
    size_t n;
    char *got = read_all(in, 64, 1, &n);
    assert_int_equal(n, strlen("张伟,1\n"));
    assert_memory_equal(got, "张伟,1\n", n);
    free(got);
    zj_input_close(in);     /* does not close fd 0 */
    assert_true(fcntl(STDIN_FILENO, F_GETFD) >= 0);
    restore_stdin(saved);
}

static void test_read_error_after_open(void **state)
{
    (void)state;
    for (int enc = 0; enc < 2; enc++) {
        int wfd;
        int saved = stdin_from_pipe("abcd", 1, &wfd);
        zj_input *in = NULL;
        zj_error err = {0};
        assert_int_equal(zj_input_open("-", enc ? ZJ_ENC_GB18030 : ZJ_ENC_UTF8, &in, &err), 0);
        char buf[64];
        assert_int_equal(zj_input_read(in, buf, sizeof buf, &err), 4);
        assert_int_equal(zj_input_read(in, buf, sizeof buf, &err), -1);
        assert_int_equal(err.code, ZJ_EDATA);
        assert_string_equal(err.msg, "cannot read 'standard input': Resource temporarily unavailable");
        /* Big reads take the direct path in UTF-8 mode; it fails the same way. */
        char big[8192];
        assert_int_equal(zj_input_read(in, big, sizeof big, &err), -1);
        zj_input_close(in);
        close(wfd);
        restore_stdin(saved);
    }
    /* UTF-8: the error comes while completing a character cut by the end of the data. */
    int wfd;
    int saved = stdin_from_pipe("ab\xE5", 1, &wfd);
    zj_input *in = NULL;
    zj_error err = {0};
    assert_int_equal(zj_input_open("-", ZJ_ENC_UTF8, &in, &err), 0);
    char buf[64];
    assert_int_equal(zj_input_read(in, buf, sizeof buf, &err), 2);
    assert_int_equal(zj_input_read(in, buf, sizeof buf, &err), -1);
    assert_non_null(strstr(err.msg, "Resource temporarily unavailable"));
    zj_input_close(in);
    close(wfd);
    restore_stdin(saved);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_encoding_names),
        cmocka_unit_test(test_gb18030_as_iconv),
        cmocka_unit_test(test_utf8_passthrough),
        cmocka_unit_test(test_bom_stripped),
        cmocka_unit_test(test_gb18030_decoding),
        cmocka_unit_test(test_gb18030_invalid_bytes),
        cmocka_unit_test(test_invalid_utf8_detection),
        cmocka_unit_test(test_sniff_window),
        cmocka_unit_test(test_large_files),
        cmocka_unit_test(test_open_errors),
        cmocka_unit_test(test_stdin),
        cmocka_unit_test(test_read_error_after_open),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
