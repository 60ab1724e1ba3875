/* fuzz_jsonl.c - libFuzzer target for the JSON Lines reader through the real zj_input path.
 *
 * The first byte picks the encoding (bits 0-1) and the source read limit (bits 4-6); the rest
 * is the file. Beyond memory safety: the records do not depend on how the input is cut into
 * reads, lines strictly increase, and a record without error has one field per key.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "ingest/jsonl.h"
#include "text/input.h"

#define CHECK(cond)                                                                            \
    do {                                                                                       \
        if (!(cond)) {                                                                         \
            fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond);          \
            abort();                                                                           \
        }                                                                                      \
    } while (0)

static const zj_encoding ENCODINGS[] = {ZJ_ENC_UTF8, ZJ_ENC_GB18030, ZJ_ENC_AUTO, ZJ_ENC_AUTO};
static const size_t LIMITS[] = {0, 1, 2, 3, 5, 7, 64, 4096};
static const char *const KEYS[] = {"a", "b", "a.b", "a.b.c", "name", "x.y", "", ".", "a."};
#define NKEYS (sizeof KEYS / sizeof KEYS[0])

static void parse_all(const uint8_t *p, size_t n, zj_encoding enc, size_t limit, zj_buf *out)
{
    zj_input *in = NULL;
    zj_error err = {0};
    CHECK(zj_input_open_memory(p, n, enc, &in, &err) == 0);
    zj_input_set_read_limit(in, limit);
    zj_jsonl *r = zj_jsonl_new(in);
    CHECK(r);
    CHECK(zj_jsonl_set_keys(r, KEYS, NKEYS) == 0);
    zj_row row;
    int rc;
    int64_t last = 0;
    while ((rc = zj_jsonl_next(r, &row, &err)) == 1) {
        CHECK(row.line > last);
        last = row.line;
        CHECK(row.error ? row.nfields == 0 : row.nfields == NKEYS);
        zj_buf_printf(out, "%lld %s:", (long long)row.line, row.error ? row.error : "-");
        zj_span raw = zj_jsonl_raw(r);
        CHECK(!row.error || raw.p || strcmp(row.error, "record too long") == 0);
        if (row.nfields)            /* no field of a well-formed row holds a NUL */
            for (size_t i = 0; i < row.nfields; i++)
                CHECK(!row.fields[i].p || !memchr(row.fields[i].p, '\0', row.fields[i].n));
        for (size_t i = 0; i < row.nfields; i++) {
            if (!row.fields[i].p) {
                zj_buf_puts(out, "absent;");
                continue;
            }
            zj_buf_printf(out, "%zu=", row.fields[i].n);
            zj_buf_append(out, row.fields[i].p, row.fields[i].n);
        }
        zj_buf_putc(out, '\n');
    }
    CHECK(rc == 0);
    CHECK(zj_jsonl_next(r, &row, &err) == 0);
    zj_jsonl_free(r);
    zj_input_close(in);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    uint8_t cfg = data[0];
    zj_encoding enc = ENCODINGS[cfg & 3];
    size_t limit = LIMITS[(cfg >> 4) & 7];
    zj_buf a = {0}, b = {0};
    parse_all(data + 1, size - 1, enc, 0, &a);
    parse_all(data + 1, size - 1, enc, limit ? limit : 1, &b);
    CHECK(a.len == b.len && (a.len == 0 || memcmp(a.data, b.data, a.len) == 0));
    zj_buf_free(&a);
    zj_buf_free(&b);
    return 0;
}
