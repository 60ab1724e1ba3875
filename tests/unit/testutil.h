/* testutil.h - small helpers shared by the unit tests: fixtures, temporary files, reading an
 * input to its end. Include after <cmocka.h>. Every helper fails the test on error. */
#ifndef ZJ_TESTUTIL_H
#define ZJ_TESTUTIL_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/buf.h"
#include "text/input.h"
#include "text/utf8.h"

/* The whole file at FIXTURES/name; *n receives its size. Free with free(). */
static inline char *fixture(const char *name, size_t *n)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", FIXTURES, name);
    FILE *f = fopen(path, "rb");
    if (!f)
        fail_msg("cannot open fixture '%s'", path);
    zj_buf b = {0};
    char chunk[4096];
    size_t got;
    while ((got = fread(chunk, 1, sizeof chunk, f)) > 0)
        assert_int_equal(zj_buf_append(&b, chunk, got), 0);
    fclose(f);
    *n = b.len;
    return zj_buf_take(&b);
}

static inline const char *fixture_path(const char *name)
{
    static char path[1024];
    snprintf(path, sizeof path, "%s/%s", FIXTURES, name);
    return path;
}

/* Write n bytes to a new temporary file; returns its path (free it, unlink it). */
static inline char *temp_file(const void *p, size_t n)
{
    char *path = strdup("/tmp/zj-test-XXXXXX");
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    const char *s = p;
    while (n > 0) {
        ssize_t w = write(fd, s, n);
        assert_true(w > 0);
        s += w;
        n -= (size_t)w;
    }
    close(fd);
    return path;
}

/* Read `in` to its end in reads of at most `cap` bytes. With `check_boundaries` (for inputs
 * that decode to valid UTF-8, and cap >= 4) every read must be valid UTF-8 on its own: reads
 * end on character boundaries. */
static inline char *read_all(zj_input *in, size_t cap, int check_boundaries, size_t *n)
{
    zj_buf b = {0};
    char *chunk = malloc(cap);
    assert_non_null(chunk);
    zj_error err = {0};
    for (;;) {
        ssize_t r = zj_input_read(in, chunk, cap, &err);
        if (r < 0)
            fail_msg("read failed: %s", err.msg);
        if (r == 0)
            break;
        assert_true((size_t)r <= cap);
        if (check_boundaries && cap >= 4) {
            /* 0xFF marks an undecodable byte (input.h): a whole unit by itself */
            char *copy = malloc(cap);
            assert_non_null(copy);
            for (ssize_t i = 0; i < r; i++)
                copy[i] = chunk[i] == '\xFF' ? '?' : chunk[i];
            bool whole = zj_utf8_valid(copy, (size_t)r);
            free(copy);
            if (!whole)
                fail_msg("read of %zd bytes (cap %zu) splits a character", r, cap);
        }
        assert_int_equal(zj_buf_append(&b, chunk, (size_t)r), 0);
    }
    free(chunk);
    *n = b.len;
    return zj_buf_take(&b);
}

#endif
