/* fuzz_csv.c - libFuzzer target for the CSV parser through the real zj_input path.
 *
 * The first byte picks the configuration: bits 0-1 the encoding (UTF-8, GB18030, auto, auto),
 * bits 2-3 the delimiter (, \t ; |), bits 4-6 the source read limit, bit 7 a small
 * max_record_bytes. The rest is the file. Checked beyond memory safety:
 *  - decoding: reading the input 1, 3 or 4096 bytes at a time gives the same bytes; GB18030
 *    output is valid UTF-8 but for one 0xFF per undecodable byte; UTF-8 output is the input
 *    without its BOM;
 *  - parsing: the records (lines, errors, fields, raw text) do not depend on how the input is
 *    cut into reads; lines strictly increase; a record without error has at least one field;
 *    a malformed record keeps its raw text unless it was too long.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "ingest/csv.h"
#include "text/input.h"
#include "text/utf8.h"

#define CHECK(cond)                                                                            \
    do {                                                                                       \
        if (!(cond)) {                                                                         \
            fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond);          \
            abort();                                                                           \
        }                                                                                      \
    } while (0)

static const zj_encoding ENCODINGS[] = {ZJ_ENC_UTF8, ZJ_ENC_GB18030, ZJ_ENC_AUTO, ZJ_ENC_AUTO};
static const char DELIMITERS[] = {',', '\t', ';', '|'};
static const size_t LIMITS[] = {0, 1, 2, 3, 5, 7, 64, 4096};

static zj_input *open_input(const uint8_t *p, size_t n, zj_encoding enc, size_t limit)
{
    zj_input *in = NULL;
    zj_error err = {0};
    CHECK(zj_input_open_memory(p, n, enc, &in, &err) == 0);
    zj_input_set_read_limit(in, limit);
    return in;
}

/* The whole decoded stream, read `cap` bytes at a time. */
static void decode_all(zj_input *in, size_t cap, zj_buf *out)
{
    char buf[4096];
    zj_error err = {0};
    ssize_t r;
    while ((r = zj_input_read(in, buf, cap, &err)) > 0)
        CHECK(zj_buf_append(out, buf, (size_t)r) == 0);
    CHECK(r == 0);
}

/* Records as unambiguous text: line, error, then length-prefixed fields. */
static void parse_all(zj_input *in, const zj_csv_options *opts, zj_buf *out)
{
    zj_csv *csv = zj_csv_new(in, opts);
    CHECK(csv);
    zj_row row;
    zj_error err = {0};
    int rc;
    int64_t last = 0;
    while ((rc = zj_csv_next(csv, &row, &err)) == 1) {
        CHECK(row.line > last);
        last = row.line;
        CHECK(row.error || row.nfields >= 1);
        CHECK(row.nfields <= ZJ_CSV_MAX_FIELDS);
        zj_buf_printf(out, "%lld %s %zu:", (long long)row.line, row.error ? row.error : "-",
                      row.nfields);
        zj_span raw = zj_csv_raw(csv);
        CHECK(!row.error || raw.p || strcmp(row.error, "record too long") == 0);
        if (raw.p) {
            zj_buf_printf(out, "raw %zu=", raw.n);
            zj_buf_append(out, raw.p, raw.n);
        }
        for (size_t i = 0; i < row.nfields; i++) {
            CHECK(row.fields[i].p);
            zj_buf_printf(out, "%zu=", row.fields[i].n);
            zj_buf_append(out, row.fields[i].p, row.fields[i].n);
        }
        zj_buf_putc(out, '\n');
    }
    CHECK(rc == 0);
    CHECK(zj_csv_next(csv, &row, &err) == 0);
    zj_csv_free(csv);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    uint8_t cfg = data[0];
    const uint8_t *p = data + 1;
    size_t n = size - 1;
    zj_encoding enc = ENCODINGS[cfg & 3];
    zj_csv_options opts = {.delimiter = DELIMITERS[(cfg >> 2) & 3],
                           .max_record_bytes = cfg & 0x80 ? 64 : 0};
    size_t limit = LIMITS[(cfg >> 4) & 7];

    /* Decoding does not depend on read sizes. */
    zj_buf whole = {0}, bytewise = {0}, threes = {0};
    zj_input *in = open_input(p, n, enc, 0);
    zj_encoding detected = zj_input_encoding(in);
    CHECK(detected == ZJ_ENC_UTF8 || detected == ZJ_ENC_GB18030);
    decode_all(in, 4096, &whole);
    CHECK(zj_input_bytes_consumed(in) == (int64_t)n);
    int64_t invalid = zj_input_invalid_sequences(in);
    zj_input_close(in);
    in = open_input(p, n, enc, limit);
    decode_all(in, 1, &bytewise);
    CHECK(zj_input_invalid_sequences(in) == invalid);
    zj_input_close(in);
    in = open_input(p, n, enc, limit ? limit : 3);
    decode_all(in, 3, &threes);
    zj_input_close(in);
    CHECK(whole.len == bytewise.len && whole.len == threes.len);
    CHECK(whole.len == 0 || (memcmp(whole.data, bytewise.data, whole.len) == 0 &&
                             memcmp(whole.data, threes.data, whole.len) == 0));
    if (detected == ZJ_ENC_GB18030) {
        int64_t marks = 0;
        for (size_t i = 0; i < whole.len; i++)
            if (whole.data[i] == '\xFF') {
                whole.data[i] = '?';
                marks++;
            }
        CHECK(marks == invalid);
        CHECK(zj_utf8_valid(whole.data, whole.len));
    } else {
        size_t bom = n >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
        CHECK(invalid == 0);
        CHECK(whole.len == n - bom && (n == bom || memcmp(whole.data, p + bom, n - bom) == 0));
    }

    /* Parsing does not depend on read sizes either. */
    zj_buf a = {0}, b = {0};
    in = open_input(p, n, enc, 0);
    parse_all(in, &opts, &a);
    zj_input_close(in);
    in = open_input(p, n, enc, limit ? limit : 1);
    parse_all(in, &opts, &b);
    zj_input_close(in);
    CHECK(a.len == b.len && (a.len == 0 || memcmp(a.data, b.data, a.len) == 0));

    zj_buf_free(&whole);
    zj_buf_free(&bytewise);
    zj_buf_free(&threes);
    zj_buf_free(&a);
    zj_buf_free(&b);
    return 0;
}
