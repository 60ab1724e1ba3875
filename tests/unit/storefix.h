/* storefix.h - a fresh temporary store for each test (cmocka setup and teardown), for unit
 * tests that exercise the real SQLite backend. Include after <cmocka.h>. */
#ifndef ZJ_STOREFIX_H
#define ZJ_STOREFIX_H

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "store/store.h"

typedef struct store_fixture {
    char path[64];
    zj_store *s;
} store_fixture;

/* Opens /tmp/zj-test-PID.db (removed first) and puts a store_fixture in *state. */
static int store_setup(void **state)
{
    store_fixture *f = calloc(1, sizeof *f);
    if (!f)
        return -1;
    snprintf(f->path, sizeof f->path, "/tmp/zj-test-%d.db", (int)getpid());
    unlink(f->path);
    zj_error err = {0};
    if (zj_store_open(f->path, &f->s, &err)) {
        fprintf(stderr, "%s\n", err.msg);
        free(f);
        return -1;
    }
    *state = f;
    return 0;
}

/* Closes the store and removes its files (database, WAL, shared memory, audit signing key). */
static int store_teardown(void **state)
{
    store_fixture *f = *state;
    zj_store_close(f->s);
    static const char *const suffixes[] = {"", "-wal", "-shm", "-journal", ".audit-key",
                                            "-loads"};
    for (size_t i = 0; i < sizeof suffixes / sizeof suffixes[0]; i++) {
        char p[80];
        snprintf(p, sizeof p, "%s%s", f->path, suffixes[i]);
        unlink(p);
    }
    free(f);
    return 0;
}

/* The integer the query `sql` (one row, one column) gives; fails the test on error. */
static inline int64_t store_count(zj_store *s, const char *sql)
{
    zj_stmt *q;
    zj_error err = {0};
    if (zj_stmt_prepare(s, sql, &q, &err) || zj_stmt_next(q, &err) != 1)
        fail_msg("%s: %s", sql, err.msg);
    int64_t n = zj_stmt_int(q, 0);
    zj_stmt_finalize(q);
    return n;
}

#endif
