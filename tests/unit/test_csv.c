/* test_csv.c - unit tests for the CSV parser (ingest/csv.c).
 *
 * Most cases go through expect_csv(), which parses the input once per source read limit
 * (whole, then 1, 2, 3... bytes per read) so that every record, field, quote and line end is
 * also seen cut by a buffer refill at every position, and renders the records as text:
 *   "<line>:[field][field]\n"  or  "<line>!<error>:[field]...\n" for a malformed record.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>

#include <cjson/cJSON.h>

#include "ingest/csv.h"
#include "text/utf8.h"
#include "testutil.h"

static const size_t LIMITS[] = {0, 1, 2, 3, 4, 5, 7, 13, 64};
#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* Render every record of `in` (see the top); the parser must end with 0. */
static char *render(zj_input *in, const zj_csv_options *opts)
{
    zj_csv *csv = zj_csv_new(in, opts);
    assert_non_null(csv);
    zj_buf out = {0};
    zj_row row;
    zj_error err = {0};
    int rc;
    int64_t last_line = 0;
    while ((rc = zj_csv_next(csv, &row, &err)) == 1) {
        assert_true(row.line > last_line);
        last_line = row.line;
        zj_buf_printf(&out, "%lld", (long long)row.line);
        if (row.error)
            zj_buf_printf(&out, "!%s", row.error);
        zj_buf_putc(&out, ':');
        if (!row.error)
            assert_true(row.nfields >= 1);
        for (size_t i = 0; i < row.nfields; i++) {
            assert_non_null(row.fields[i].p);
            zj_buf_putc(&out, '[');
            for (size_t k = 0; k < row.fields[i].n; k++) {
                if (row.fields[i].p[k] == '\0')
                    zj_buf_puts(&out, "\\0");    /* shown as \0 so results stay C strings */
                else
                    zj_buf_putc(&out, row.fields[i].p[k]);
            }
            zj_buf_putc(&out, ']');
        }
        zj_buf_putc(&out, '\n');
    }
    if (rc != 0)
        fail_msg("zj_csv_next returned %d: %s", rc, err.msg);
    assert_int_equal(zj_csv_next(csv, &row, &err), 0);     /* end is sticky */
    zj_csv_free(csv);
    return zj_buf_take(&out);
}

static void expect_csv_n(const char *data, size_t n, const zj_csv_options *opts,
                         zj_encoding enc, const char *want)
{
    for (size_t l = 0; l < COUNT(LIMITS); l++) {
        zj_input *in = NULL;
        zj_error err = {0};
        assert_int_equal(zj_input_open_memory(data, n, enc, &in, &err), 0);
        zj_input_set_read_limit(in, LIMITS[l]);
        char *got = render(in, opts);
        if (strcmp(got, want) != 0)
            fail_msg("read limit %zu:\n--- got ---\n%s--- want ---\n%s", LIMITS[l], got, want);
        free(got);
        zj_input_close(in);
    }
}

static void expect_csv(const char *data, const zj_csv_options *opts, const char *want)
{
    expect_csv_n(data, strlen(data), opts, ZJ_ENC_UTF8, want);
}

static void test_simple_records(void **state)
{
    (void)state;
    expect_csv("a,b,c\n1,2,3\n", NULL, "1:[a][b][c]\n2:[1][2][3]\n");
    expect_csv("", NULL, "");
    expect_csv("x", NULL, "1:[x]\n");
    expect_csv(",", NULL, "1:[][]\n");
    expect_csv(",,\n", NULL, "1:[][][]\n");
    expect_csv("a,\n", NULL, "1:[a][]\n");
    expect_csv("a,", NULL, "1:[a][]\n");
    expect_csv(" a , b \n", NULL, "1:[ a ][ b ]\n");   /* spaces are data */
    expect_csv("张伟,欧阳娜娜,𠀀\n", NULL, "1:[张伟][欧阳娜娜][𠀀]\n");
}

static void test_quoted_fields(void **state)
{
    (void)state;
    expect_csv("\"a,b\",c\n", NULL, "1:[a,b][c]\n");
    expect_csv("\"say \"\"hi\"\"\",x\n", NULL, "1:[say \"hi\"][x]\n");
    expect_csv("\"\"\"\"\n", NULL, "1:[\"]\n");
    expect_csv("\"\"\"\"\"\"\n", NULL, "1:[\"\"]\n");
    expect_csv("\"\",\"\"\n", NULL, "1:[][]\n");
    expect_csv("\"\"", NULL, "1:[]\n");
    expect_csv("a,\"\"", NULL, "1:[a][]\n");
    expect_csv("\"a\"\"\",\"b\"\n", NULL, "1:[a\"][b]\n");
    expect_csv("\"区法院,刑庭\",\"张\"\"伟\"\"\"\n", NULL, "1:[区法院,刑庭][张\"伟\"]\n");
    /* Unescaping moves later bytes down; the next fields must not be disturbed. */
    expect_csv("\"a\"\"b\"\"c\"\"d\",e,\"f\"\"g\"\n", NULL, "1:[a\"b\"c\"d][e][f\"g]\n");
    /* A quote inside an unquoted field is kept literally. */
    expect_csv("ab\"c,d\n", NULL, "1:[ab\"c][d]\n");
    expect_csv("a\"\"b,\"\n", NULL,
               "1!quoted field opened on line 1 is never closed (a stray quote?):\n");
}

static void test_embedded_newlines_and_line_numbers(void **state)
{
    (void)state;
    expect_csv("id,note\n1,\"x\ny\"\n2,\"p\r\nq\r\nr\"\n3,z\n", NULL,
               "1:[id][note]\n2:[1][x\ny]\n4:[2][p\r\nq\r\nr]\n7:[3][z]\n");
    /* A lone CR inside quotes counts as a line end too; CR CR LF is two. */
    expect_csv("\"a\rb\",c\nd\n", NULL, "1:[a\rb][c]\n3:[d]\n");
    expect_csv("\"a\r\r\nb\"\nc\n", NULL, "1:[a\r\r\nb]\n4:[c]\n");
    expect_csv("\"\n\n\n\"\nx", NULL, "1:[\n\n\n]\n5:[x]\n");
    expect_csv("\"a\r\"\nb\n", NULL, "1:[a\r]\n3:[b]\n");
}

static void test_line_ends(void **state)
{
    (void)state;
    expect_csv("a,b\r\nc,d\r\n", NULL, "1:[a][b]\n2:[c][d]\n");
    expect_csv("a,b\rc,d\r", NULL, "1:[a][b]\n2:[c][d]\n");
    expect_csv("a\rb\nc\r\nd", NULL, "1:[a]\n2:[b]\n3:[c]\n4:[d]\n");
    expect_csv("a\n\rb", NULL, "1:[a]\n3:[b]\n");           /* LF then a blank lone-CR line */
    expect_csv("a\r\r\nb", NULL, "1:[a]\n3:[b]\n");          /* CR, then a blank CRLF line */
    expect_csv("\"a\"\r\n\"b\"\r", NULL, "1:[a]\n2:[b]\n");
    expect_csv("\"a\"\rb", NULL, "1:[a]\n2:[b]\n");
    expect_csv("a,\r\n", NULL, "1:[a][]\n");
    /* Missing final newline, with a plain, quoted and empty last field. */
    expect_csv("a\nb", NULL, "1:[a]\n2:[b]\n");
    expect_csv("a\n\"b\"", NULL, "1:[a]\n2:[b]\n");
    expect_csv("a\nb,", NULL, "1:[a]\n2:[b][]\n");
}

static void test_blank_lines(void **state)
{
    (void)state;
    expect_csv("\n\na\n\r\n\rb\n\n", NULL, "3:[a]\n6:[b]\n");
    expect_csv("\n", NULL, "");
    expect_csv("\r\n\r\n", NULL, "");
    expect_csv("\r", NULL, "");
    expect_csv("a\n\n\n", NULL, "1:[a]\n");
    /* Not blank: a space, an empty quoted field, a lone delimiter. */
    expect_csv(" \n\"\"\n,\n", NULL, "1:[ ]\n2:[]\n3:[][]\n");
}

static void test_delimiters(void **state)
{
    (void)state;
    zj_csv_options tab = {.delimiter = '\t'};
    expect_csv("a\tb,c\t\"d\te\"\n", &tab, "1:[a][b,c][d\te]\n");
    zj_csv_options semi = {.delimiter = ';'};
    expect_csv("a;b,c;\"d;e\"\n", &semi, "1:[a][b,c][d;e]\n");
    zj_csv_options pipe = {.delimiter = '|'};
    expect_csv("张伟|欧阳娜娜\n", &pipe, "1:[张伟][欧阳娜娜]\n");
    zj_csv_options squote = {.quote = '\''};
    expect_csv("'a,b',\"c\"\n", &squote, "1:[a,b][\"c\"]\n");
    /* Options that cannot work. */
    zj_input *in = NULL;
    assert_int_equal(zj_input_open_memory("", 0, ZJ_ENC_UTF8, &in, NULL), 0);
    zj_csv_options bad[] = {{.delimiter = '"'}, {.delimiter = '\n'}, {.delimiter = '\r'},
                            {.quote = '\n'}, {.quote = '\r'}, {.delimiter = ';', .quote = ';'}};
    for (size_t i = 0; i < COUNT(bad); i++)
        assert_null(zj_csv_new(in, &bad[i]));
    zj_csv_free(NULL);
    zj_input_close(in);
}

/* A quote left open is a stray quote: the record ends with the line it opened on, the next
 * line starts a record again, so nothing after it is lost. */
static void test_unterminated_quote(void **state)
{
    (void)state;
    expect_csv("a,b\nc,\"d\ne,f\n", NULL,
               "1:[a][b]\n2!quoted field opened on line 2 is never closed (a stray quote?):\n"
               "3:[e][f]\n");
    expect_csv("\"", NULL, "1!quoted field opened on line 1 is never closed (a stray quote?):\n");
    expect_csv("x,\"ab\"\"", NULL,
               "1!quoted field opened on line 1 is never closed (a stray quote?):\n");
    /* CRLF and lone CR end the cut line as they end any other. */
    expect_csv("\"a\r\nb,c\r\n", NULL,
               "1!quoted field opened on line 1 is never closed (a stray quote?):\n2:[b][c]\n");
    expect_csv("\"a\rb\r", NULL,
               "1!quoted field opened on line 1 is never closed (a stray quote?):\n2:[b]\n");
    /* A stray quote closed by another stray quote lines later (text follows the closing one):
     * each is cut to its own line instead of swallowing the lines between. */
    expect_csv("1,\"x\n2,y\n3,\"z\n4,w\n", NULL,
               "1!quoted field opened on line 1 closes on line 3 amid text (a stray quote?):\n"
               "2:[2][y]\n3!quoted field opened on line 3 is never closed (a stray quote?):\n"
               "4:[4][w]\n");
    /* The quote opens on the second line of a record (after a legal quoted newline): the
     * record is cut after that line. */
    expect_csv("1,\"x\ny\",\"z\n2,w\n", NULL,
               "1!quoted field opened on line 2 is never closed (a stray quote?):\n3:[2][w]\n");
}

/* A quoted field may span max_quoted_lines lines after its own; one more, and it is taken
 * for a stray quote even though a quote closes it later (which then opens a field of its
 * own: that line is cut too). */
static void test_quoted_line_limit(void **state)
{
    (void)state;
    zj_csv_options two = {.max_quoted_lines = 2};
    expect_csv("a,\"1\n2\n3\",b\nc\n", &two, "1:[a][1\n2\n3][b]\n4:[c]\n");
    expect_csv("h\na,\"1\n2\n3\n4\",b\nc\n", &two,
               "1:[h]\n2!quoted field opened on line 2 is not closed within 2 lines (a stray "
               "quote?):\n3:[2]\n4:[3]\n5:[4\"][b]\n6:[c]\n");
    /* the default: 100 lines */
    zj_buf big = {0};
    zj_buf_puts(&big, "x,\"stray\n");
    for (int i = 0; i < 300; i++)
        zj_buf_printf(&big, "%d,v\n", i + 2);
    zj_input *in = NULL;
    assert_int_equal(zj_input_open_memory(big.data, big.len, ZJ_ENC_UTF8, &in, NULL), 0);
    zj_csv *csv = zj_csv_new(in, NULL);
    zj_row row;
    assert_int_equal(zj_csv_next(csv, &row, NULL), 1);
    assert_string_equal(row.error,
                        "quoted field opened on line 1 is not closed within 100 lines (a stray "
                        "quote?)");
    zj_span raw = zj_csv_raw(csv);
    assert_int_equal(raw.n, 8);
    assert_memory_equal(raw.p, "x,\"stray", 8);
    for (int i = 0; i < 300; i++) {
        assert_int_equal(zj_csv_next(csv, &row, NULL), 1);
        assert_null(row.error);
        assert_int_equal(row.line, i + 2);
    }
    assert_int_equal(zj_csv_next(csv, &row, NULL), 0);
    zj_csv_free(csv);
    zj_input_close(in);
    zj_buf_free(&big);
}

/* zj_csv_raw: the record as read, for malformed records and for well-formed ones that had
 * no "" to unescape. */
static void test_raw_text(void **state)
{
    (void)state;
    static const char data[] = "a,\"b\nc\"\r\n\"x\"y,z\n\"q\"\"\",r\n";
    zj_input *in = NULL;
    assert_int_equal(zj_input_open_memory(data, sizeof data - 1, ZJ_ENC_UTF8, &in, NULL), 0);
    zj_csv *csv = zj_csv_new(in, NULL);
    zj_row row;
    assert_int_equal(zj_csv_next(csv, &row, NULL), 1);
    zj_span raw = zj_csv_raw(csv);
    assert_int_equal(raw.n, 7);
    assert_memory_equal(raw.p, "a,\"b\nc\"", 7);
    assert_int_equal(zj_csv_next(csv, &row, NULL), 1);
    assert_non_null(row.error);
    raw = zj_csv_raw(csv);
    assert_int_equal(raw.n, 6);
    assert_memory_equal(raw.p, "\"x\"y,z", 6);
    assert_int_equal(zj_csv_next(csv, &row, NULL), 1);
    assert_null(row.error);
    assert_null(zj_csv_raw(csv).p);            /* "" was unescaped in place */
    assert_int_equal(row.fields[0].n, 2);
    assert_memory_equal(row.fields[0].p, "q\"", 2);
    zj_csv_free(csv);
    zj_input_close(in);
}

static void test_garbage_after_quote_recovers(void **state)
{
    (void)state;
    expect_csv("\"ab\"x,c\nd,e\n", NULL,
               "1!unexpected character after closing quote:[ab][c]\n2:[d][e]\n");
    /* Garbage up to the delimiter is dropped, quotes and all; later fields still parse. */
    expect_csv("\"a\" \"b\",\"c\nd\"\ne\n", NULL,
               "1!unexpected character after closing quote:[a][c\nd]\n3:[e]\n");
    expect_csv("\"a\"x", NULL, "1!unexpected character after closing quote:[a]\n");
    expect_csv("\"a\"x\r\n\"b\"\r\n", NULL,
               "1!unexpected character after closing quote:[a]\n2:[b]\n");
    /* A NUL among the garbage is skipped like any other byte. */
    expect_csv_n("\"a\"x\0y,b\n", 9, NULL, ZJ_ENC_UTF8,
                 "1!unexpected character after closing quote:[a][b]\n");
    /* Several problems: the first one is reported, unless a quote is left open, which cuts
     * the record (its fields are not handed out). */
    expect_csv("\"a\"x,\"b\"\r\n", NULL, "1!unexpected character after closing quote:[a][b]\n");
    expect_csv("\"a\"x,\"b", NULL,
               "1!quoted field opened on line 1 is never closed (a stray quote?):\n");
}

static void test_record_too_long(void **state)
{
    (void)state;
    zj_csv_options small = {.max_record_bytes = 10};
    expect_csv("0123456789\n0123456789A\nok\n", &small,
               "1:[0123456789]\n2!record too long:\n3:[ok]\n");
    /* Skipping respects quotes: the newline inside the long quoted field is not an end. */
    expect_csv("short\n\"0123456789\nABCDEF\",x\nok\r\nlast", &small,
               "1:[short]\n2!record too long:\n4:[ok]\n5:[last]\n");
    /* The line end is not counted. */
    expect_csv("0123456789\r\n", &small, "1:[0123456789]\n");
    /* Too long and unterminated: too long wins. */
    expect_csv("\"0123456789ABC", &small, "1!record too long:\n");
    /* Too long and a stray quote: too long wins, whatever part of the record is still
     * buffered when the quote turns out stray (found by fuzzing: cut at line 1 when read
     * whole, dropped to the end when read a byte at a time). */
    expect_csv("\"0123456789AB\n\"zz\nok\n", &small, "1!record too long:\n3:[ok]\n");
    expect_csv("\"0123456789AB\nzz\n", &small, "1!record too long:\n");
    /* Too long at end of input without a newline. */
    expect_csv("a\n0123456789ABC", &small, "1:[a]\n2!record too long:\n");
}

static void test_too_many_fields(void **state)
{
    (void)state;
    size_t n = ZJ_CSV_MAX_FIELDS + 10;
    char *data = malloc(n + 3);
    memset(data, ',', n);
    memcpy(data + n, "\nx", 3);
    zj_input *in = NULL;
    assert_int_equal(zj_input_open_memory(data, n + 2, ZJ_ENC_UTF8, &in, NULL), 0);
    zj_csv *csv = zj_csv_new(in, NULL);
    zj_row row;
    assert_int_equal(zj_csv_next(csv, &row, NULL), 1);
    assert_string_equal(row.error, "too many fields");
    assert_int_equal(row.nfields, ZJ_CSV_MAX_FIELDS);
    assert_int_equal(zj_csv_next(csv, &row, NULL), 1);
    assert_null(row.error);
    assert_int_equal(row.line, 2);
    assert_int_equal(row.nfields, 1);
    assert_int_equal(zj_csv_next(csv, &row, NULL), 0);
    zj_csv_free(csv);
    zj_input_close(in);
    free(data);
    /* Exactly the maximum is fine. */
    data = malloc(ZJ_CSV_MAX_FIELDS);
    memset(data, ';', ZJ_CSV_MAX_FIELDS - 1);
    zj_csv_options semi = {.delimiter = ';'};
    assert_int_equal(zj_input_open_memory(data, ZJ_CSV_MAX_FIELDS - 1, ZJ_ENC_UTF8, &in, NULL), 0);
    csv = zj_csv_new(in, &semi);
    assert_int_equal(zj_csv_next(csv, &row, NULL), 1);
    assert_null(row.error);
    assert_int_equal(row.nfields, ZJ_CSV_MAX_FIELDS);
    zj_csv_free(csv);
    zj_input_close(in);
    free(data);
}

/* A NUL byte makes the record malformed wherever it is (never stored, never cut off); the
 * fields are still parsed and the next record is unaffected. */
static void test_nul_bytes_are_rejected(void **state)
{
    (void)state;
    expect_csv_n("a\0b,\"c\0\"\"d\"\n\0\nok\n", 17, NULL, ZJ_ENC_UTF8,
                 "1!contains a NUL byte (\\0):[a\\0b][c\\0\"\"d]\n"
                 "2!contains a NUL byte (\\0):[\\0]\n3:[ok]\n");
    expect_csv_n("\"a\"\0,b\n", 7, NULL, ZJ_ENC_UTF8, "1!contains a NUL byte (\\0):[a][b]\n");
    expect_csv_n("x\n\"a\nb\0\"\n", 9, NULL, ZJ_ENC_UTF8,
                 "1:[x]\n2!contains a NUL byte (\\0):[a\nb\\0]\n");
}

/* The people fixtures, in UTF-8, UTF-8 with BOM and CRLF, and GB18030, parse to the same
 * records through zj_input_open (the file path) with auto-detection. */
static void test_fixture_encodings(void **state)
{
    (void)state;
    static const char want[] =
        "1:[姓名][身份证号][单位][备注]\n"
        "2:[张伟][110101199003077777][市公安局][]\n"
        "3:[欧阳娜娜][11010119900307001X][区法院,刑庭][第一行\n第二行]\n"
        "5:[𠀀][110101199003070000][检察院][生僻字]\n";
    static const char want_crlf[] =
        "1:[姓名][身份证号][单位][备注]\n"
        "2:[张伟][110101199003077777][市公安局][]\n"
        "3:[欧阳娜娜][11010119900307001X][区法院,刑庭][第一行\r\n第二行]\n"
        "5:[𠀀][110101199003070000][检察院][生僻字]\n";
    static const struct {
        const char *file;
        zj_encoding enc;
        const char *want;
    } cases[] = {
        {"people.utf8.csv", ZJ_ENC_UTF8, want},
        {"people.bom.csv", ZJ_ENC_UTF8, want_crlf},
        {"people.gb18030.csv", ZJ_ENC_GB18030, want},
    };
    for (size_t i = 0; i < COUNT(cases); i++) {
        zj_input *in = NULL;
        zj_error err = {0};
        assert_int_equal(zj_input_open(fixture_path(cases[i].file), ZJ_ENC_AUTO, &in, &err), 0);
        assert_int_equal(zj_input_encoding(in), cases[i].enc);
        char *got = render(in, NULL);
        assert_string_equal(got, cases[i].want);
        assert_int_equal(zj_input_invalid_sequences(in), 0);
        free(got);
        zj_input_close(in);
        size_t n;
        char *data = fixture(cases[i].file, &n);
        expect_csv_n(data, n, NULL, ZJ_ENC_AUTO, cases[i].want);
        free(data);
    }
}

/* The csv-spectrum cases (tests/fixtures/csv-spectrum/README.md): each file parses, with
 * its encoding sniffed, to the records of its .json; location_coordinates holds Latin-1
 * bytes, which must leave a field that is not valid UTF-8 (the importer refuses it). */
static void test_csv_spectrum(void **state)
{
    (void)state;
    static const char *const names[] = {
        "comma_in_quotes", "empty", "empty_crlf", "escaped_quotes", "json",
        "location_coordinates", "newlines", "newlines_crlf", "quotes_and_newlines", "simple",
        "simple_crlf", "utf8",
    };
    int passed = 0, refused = 0;
    for (size_t c = 0; c < COUNT(names); c++) {
        char file[96];
        snprintf(file, sizeof file, "csv-spectrum/%s.json", names[c]);
        size_t n;
        char *text = fixture(file, &n);
        cJSON *want = cJSON_ParseWithLength(text, n);
        free(text);
        assert_non_null(want);
        snprintf(file, sizeof file, "csv-spectrum/%s.csv", names[c]);
        zj_input *in = NULL;
        zj_error err = {0};
        assert_int_equal(zj_input_open(fixture_path(file), ZJ_ENC_AUTO, &in, &err), 0);
        zj_csv *csv = zj_csv_new(in, NULL);
        zj_row row;
        assert_int_equal(zj_csv_next(csv, &row, &err), 1);      /* the header */
        size_t ncols = row.nfields;
        char **header = calloc(ncols, sizeof *header);
        for (size_t i = 0; i < ncols; i++)
            header[i] = strndup(row.fields[i].p, row.fields[i].n);
        cJSON *got = cJSON_CreateArray();
        bool all_valid = true;
        while (zj_csv_next(csv, &row, &err) == 1) {
            assert_null(row.error);
            assert_int_equal(row.nfields, ncols);
            cJSON *o = cJSON_CreateObject();
            for (size_t i = 0; i < ncols; i++) {
                all_valid &= zj_utf8_valid(row.fields[i].p, row.fields[i].n);
                char *v = strndup(row.fields[i].p, row.fields[i].n);
                cJSON_AddStringToObject(o, header[i], v);
                free(v);
            }
            cJSON_AddItemToArray(got, o);
        }
        if (!all_valid) {
            assert_string_equal(names[c], "location_coordinates");
            refused++;
        } else if (cJSON_Compare(got, want, true)) {
            passed++;
        } else {
            char *g = cJSON_Print(got);
            fail_msg("%s: got %s", names[c], g);
        }
        for (size_t i = 0; i < ncols; i++)
            free(header[i]);
        free(header);
        cJSON_Delete(got);
        cJSON_Delete(want);
        zj_csv_free(csv);
        zj_input_close(in);
    }
    assert_int_equal(passed, 11);
    assert_int_equal(refused, 1);
}

/* Undecodable GB18030 bytes become 0xFF, which zj_utf8_valid then rejects per field. */
static void test_invalid_gb18030_fields(void **state)
{
    (void)state;
    zj_input *in = NULL;
    zj_error err = {0};
    assert_int_equal(zj_input_open(fixture_path("invalid.gb18030.csv"), ZJ_ENC_AUTO, &in, &err),
                     0);
    zj_csv *csv = zj_csv_new(in, NULL);
    zj_row row;
    static const int want_ok[][2] = {{1, 1}, {1, 0}, {1, 0}, {1, 0}};
    for (int r = 0; r < 4; r++) {
        assert_int_equal(zj_csv_next(csv, &row, &err), 1);
        assert_int_equal(row.line, r + 1);
        assert_int_equal(row.nfields, 2);
        assert_int_equal(zj_utf8_valid(row.fields[0].p, row.fields[0].n), want_ok[r][0]);
        assert_int_equal(zj_utf8_valid(row.fields[1].p, row.fields[1].n), want_ok[r][1]);
    }
    assert_int_equal(zj_csv_next(csv, &row, &err), 0);
    assert_int_equal(zj_input_invalid_sequences(in), 3);
    zj_csv_free(csv);
    zj_input_close(in);
}

/* Records far larger than the initial 1 MiB buffer, from a real file: the buffer grows and
 * the record is moved and resumed across many refills. */
static void test_records_larger_than_buffer(void **state)
{
    (void)state;
    size_t big = 3u << 20;
    zj_buf data = {0};
    zj_buf_puts(&data, "h1,h2\n\"");
    for (size_t i = 0; i < big / 8; i++)
        zj_buf_puts(&data, i % 1000 == 0 ? "\"\"\r\n张伟," : "abcdefgh");
    zj_buf_puts(&data, "\",");
    for (size_t i = 0; i < big; i++)
        zj_buf_putc(&data, (char)('a' + i % 26));
    zj_buf_puts(&data, "\nlast,row\n");
    char *path = temp_file(data.data, data.len);
    zj_input *in = NULL;
    zj_error err = {0};
    assert_int_equal(zj_input_open(path, ZJ_ENC_AUTO, &in, &err), 0);
    zj_csv_options many = {.max_quoted_lines = 1000};     /* the field spans 394 lines */
    zj_csv *csv = zj_csv_new(in, &many);
    zj_row row;
    assert_int_equal(zj_csv_next(csv, &row, &err), 1);
    assert_int_equal(row.line, 1);
    assert_int_equal(zj_csv_next(csv, &row, &err), 1);
    assert_null(row.error);
    assert_int_equal(row.line, 2);
    assert_int_equal(row.nfields, 2);
    assert_int_equal(row.fields[1].n, big);
    size_t nspecial = (big / 8 + 999) / 1000;       /* pieces with "" and CRLF */
    assert_int_equal(row.fields[0].n, nspecial * 10 + (big / 8 - nspecial) * 8);
    assert_memory_equal(row.fields[0].p, "\"\r\n张伟,", 10);
    assert_memory_equal(row.fields[1].p, "abcdefghijklmnopqrstuvwxyz", 26);
    assert_int_equal(row.fields[1].p[big - 1], 'a' + (big - 1) % 26);
    assert_int_equal(zj_csv_next(csv, &row, &err), 1);
    assert_int_equal(row.line, 3 + (int64_t)nspecial);
    assert_int_equal(row.nfields, 2);
    assert_memory_equal(row.fields[0].p, "last", 4);
    assert_int_equal(zj_csv_next(csv, &row, &err), 0);
    zj_csv_free(csv);
    zj_input_close(in);
    /* The same with a limit below the record: it is skipped, memory stays bounded. */
    assert_int_equal(zj_input_open(path, ZJ_ENC_UTF8, &in, &err), 0);
    zj_csv_options lim = {.max_record_bytes = 1u << 20, .max_quoted_lines = 1000};
    csv = zj_csv_new(in, &lim);
    assert_int_equal(zj_csv_next(csv, &row, &err), 1);
    assert_int_equal(zj_csv_next(csv, &row, &err), 1);
    assert_string_equal(row.error, "record too long");
    assert_int_equal(row.nfields, 0);
    assert_int_equal(row.line, 2);
    assert_int_equal(zj_csv_next(csv, &row, &err), 1);
    assert_null(row.error);
    assert_memory_equal(row.fields[0].p, "last", 4);
    assert_int_equal(zj_csv_next(csv, &row, &err), 0);
    zj_csv_free(csv);
    zj_input_close(in);
    unlink(path);
    free(path);
    zj_buf_free(&data);
}

/* An I/O error in the middle of the input: -1 with the input's message. */
static void test_read_error(void **state)
{
    (void)state;
    int fds[2];
    assert_int_equal(pipe(fds), 0);
    assert_int_equal(write(fds[1], "a,b\nc", 5), 5);
    assert_int_equal(fcntl(fds[0], F_SETFL, O_NONBLOCK), 0);
    int saved = dup(STDIN_FILENO);
    assert_int_equal(dup2(fds[0], STDIN_FILENO), STDIN_FILENO);
    close(fds[0]);
    zj_input *in = NULL;
    zj_error err = {0};
    assert_int_equal(zj_input_open("-", ZJ_ENC_UTF8, &in, &err), 0);
    zj_csv *csv = zj_csv_new(in, NULL);
    zj_row row;
    assert_int_equal(zj_csv_next(csv, &row, &err), 1);
    assert_int_equal(row.nfields, 2);
    assert_int_equal(zj_csv_next(csv, &row, &err), -1);    /* "c" then EAGAIN */
    assert_int_equal(err.code, ZJ_EDATA);
    assert_string_equal(err.msg, "cannot read 'standard input': Resource temporarily unavailable");
    zj_csv_free(csv);
    zj_input_close(in);
    close(fds[1]);
    assert_int_equal(dup2(saved, STDIN_FILENO), STDIN_FILENO);
    close(saved);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_simple_records),
        cmocka_unit_test(test_quoted_fields),
        cmocka_unit_test(test_embedded_newlines_and_line_numbers),
        cmocka_unit_test(test_line_ends),
        cmocka_unit_test(test_blank_lines),
        cmocka_unit_test(test_delimiters),
        cmocka_unit_test(test_unterminated_quote),
        cmocka_unit_test(test_quoted_line_limit),
        cmocka_unit_test(test_raw_text),
        cmocka_unit_test(test_garbage_after_quote_recovers),
        cmocka_unit_test(test_record_too_long),
        cmocka_unit_test(test_too_many_fields),
        cmocka_unit_test(test_nul_bytes_are_rejected),
        cmocka_unit_test(test_fixture_encodings),
        cmocka_unit_test(test_csv_spectrum),
        cmocka_unit_test(test_invalid_gb18030_fields),
        cmocka_unit_test(test_records_larger_than_buffer),
        cmocka_unit_test(test_read_error),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
