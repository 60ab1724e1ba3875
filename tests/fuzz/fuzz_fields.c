/* fuzz_fields.c - libFuzzer target for the checks of what people type into the work layer
 * (work/fields.h: text, date, month, timestamp), the parsers behind every field of a lead
 * action or a filed record.
 *
 * The input is split at newlines; each line goes through every check, as a NUL-terminated copy
 * of exactly its size. Beyond memory safety: an accepted date or month is in range and exists,
 * an accepted timestamp is written normalized and that text is accepted again unchanged, an
 * accepted text is valid UTF-8 within its limit, and a rejection always says which field.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "text/date.h"
#include "text/utf8.h"
#include "work/fields.h"

#define CHECK(cond)                                                                            \
    do {                                                                                       \
        if (!(cond)) {                                                                         \
            fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond);          \
            abort();                                                                           \
        }                                                                                      \
    } while (0)

static void check_line(const char *line, size_t n)
{
    char *s = malloc(n + 1);                /* exactly n + 1 bytes: ASan sees any over-read */
    CHECK(s);
    memcpy(s, line, n);
    s[n] = '\0';
    zj_error err = {0};
    if (zj_field_text("f", s, true, 64, &err) == ZJ_OK) {
        CHECK(strlen(s) <= 64);
        CHECK(zj_utf8_valid(s, strlen(s)));
        CHECK(!zj_field_blank(s));
    } else
        CHECK(strstr(err.msg, "field 'f'") != NULL);
    if (zj_field_date("d", s, true, &err) == ZJ_OK) {
        CHECK(strlen(s) == 10);
        int y = atoi(s), m = atoi(s + 5), d = atoi(s + 8);
        CHECK(y >= 1900 && y <= 2200 && zj_date_valid(y, m, d));
    } else
        CHECK(strstr(err.msg, "field 'd'") != NULL);
    int idx = -1;
    if (zj_field_month("m", s, &idx, &err) == ZJ_OK) {
        CHECK(idx >= 1900 * 12 && idx < 2201 * 12);
        CHECK(idx == atoi(s) * 12 + atoi(s + 5) - 1);
    } else
        CHECK(strstr(err.msg, "field 'm'") != NULL);
    char out[20], again[20];
    if (zj_field_timestamp("t", s, out, &err) == ZJ_OK) {
        CHECK(strlen(out) == 19 && out[4] == '-' && out[10] == ' ' && out[13] == ':');
        CHECK(zj_field_timestamp("t", out, again, &err) == ZJ_OK);
        CHECK(!strcmp(out, again));
    } else
        CHECK(strstr(err.msg, "field 't'") != NULL);
    free(s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *p = (const char *)data, *end = p + size;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
        /* an embedded NUL ends the C string early: check what the API would see */
        check_line(p, strnlen(p, n));
        p += n + 1;
    }
    return 0;
}
