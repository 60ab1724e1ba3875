/* fuzz_date.c - libFuzzer target for the date parser, fed through the real zj_input path.
 *
 * The first byte picks the encoding (bits 0-1) and whether the first line is a list of
 * formats separated by '|' (bit 2; otherwise the defaults are used). Every other line is a
 * date. Each line is copied into a buffer of exactly its size so that any read past `n` is
 * caught. Beyond memory safety: a parsed date is in range and valid, its ISO text parses back
 * to the same values, and days_from_civil is consistent with the next day.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "text/date.h"
#include "text/input.h"

#define CHECK(cond)                                                                            \
    do {                                                                                       \
        if (!(cond)) {                                                                         \
            fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond);          \
            abort();                                                                           \
        }                                                                                      \
    } while (0)

static const zj_encoding ENCODINGS[] = {ZJ_ENC_UTF8, ZJ_ENC_GB18030, ZJ_ENC_AUTO, ZJ_ENC_AUTO};
#define MAX_FORMATS 8

static void check_date(const char *line, size_t n, const char *const *formats)
{
    char *s = malloc(n ? n : 1);        /* exactly n bytes: ASan sees any over-read */
    CHECK(s);
    if (n)
        memcpy(s, line, n);
    zj_datetime d;
    const char *why = NULL;
    if (zj_date_parse(n ? s : NULL, n, formats, &d, &why) == 0) {
        CHECK(d.year >= 1900 && d.year <= 2100);
        CHECK(zj_date_valid(d.year, d.month, d.day));
        CHECK(d.hour >= 0 && d.hour < 24 && d.minute >= 0 && d.minute < 60);
        CHECK(d.second >= 0 && d.second < 60);
        char iso[20];
        int len = zj_date_format_iso(&d, true, iso, sizeof iso);
        CHECK(len == 19);
        zj_datetime back;
        CHECK(zj_date_parse(iso, (size_t)len, NULL, &back, NULL) == 0);
        CHECK(back.year == d.year && back.month == d.month && back.day == d.day);
        CHECK(back.hour == d.hour && back.minute == d.minute && back.second == d.second);
        long days = zj_days_from_civil(d.year, d.month, d.day);
        int ny = d.year, nm = d.month, nd = d.day + 1;
        if (!zj_date_valid(ny, nm, nd)) {
            nd = 1;
            if (++nm > 12) {
                nm = 1;
                ny++;
            }
        }
        CHECK(zj_days_from_civil(ny, nm, nd) == days + 1);
    } else {
        CHECK(why && (strcmp(why, "no format matched") == 0 || strcmp(why, "impossible date") == 0));
    }
    free(s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    uint8_t cfg = data[0];
    zj_input *in = NULL;
    zj_error err = {0};
    if (zj_input_open_memory(data + 1, size - 1, ENCODINGS[cfg & 3], &in, &err) != 0)
        abort();
    zj_buf text = {0};
    char buf[512];
    ssize_t r;
    while ((r = zj_input_read(in, buf, sizeof buf, &err)) > 0)
        zj_buf_append(&text, buf, (size_t)r);
    CHECK(r == 0);
    zj_input_close(in);
    if (!text.data)
        return 0;

    char *pos = text.data, *end = text.data + text.len;
    char *formats[MAX_FORMATS + 1] = {0};
    const char *const *fmts = NULL;
    if (cfg & 4) {
        /* First line: formats separated by '|', NUL-terminated in place. */
        char *nl = memchr(pos, '\n', (size_t)(end - pos));
        char *line_end = nl ? nl : end;
        *line_end = '\0';
        size_t k = 0;
        for (char *f = pos; k < MAX_FORMATS;) {
            char *bar = strchr(f, '|');
            if (bar)
                *bar = '\0';
            formats[k++] = f;
            if (!bar)
                break;
            f = bar + 1;
        }
        fmts = (const char *const *)formats;
        pos = nl ? nl + 1 : end;
    }
    while (pos < end) {
        char *nl = memchr(pos, '\n', (size_t)(end - pos));
        char *line_end = nl ? nl : end;
        check_date(pos, (size_t)(line_end - pos), fmts);
        pos = nl ? nl + 1 : end;
    }
    zj_buf_free(&text);
    return 0;
}
