/* error.h - error reports that library code returns instead of printing or exiting.
 *
 * Every fallible library function takes a `zj_error *` (which may be NULL when the caller
 * does not care) and returns a status code. The message follows git's style: lowercase,
 * no trailing period, the problem first, the subject quoted, e.g.
 *   "court.csv:17: field 'filed_date' (column 立案日期): cannot parse date '2021-13-45'"
 */
#ifndef ZJ_ERROR_H
#define ZJ_ERROR_H

#include <stdarg.h>

/* Status codes; also the CLI's exit codes (see docs/cli.md). */
enum {
    ZJ_OK = 0,        /* success */
    ZJ_FINDINGS = 1,  /* success, but there are findings or rejected rows */
    ZJ_EUSAGE = 2,    /* the caller's request is malformed (bad option, bad mapping) */
    ZJ_EDATA = 3,     /* bad data, an I/O error or a store error */
    ZJ_EPERM = 4,     /* the actor may not do this, or the object is outside its scope
                         (work/policy.h); the HTTP API answers 403 */
};

typedef struct zj_error {
    int code;          /* one of the codes above; ZJ_OK when nothing happened */
    char msg[1024];    /* NUL-terminated message, truncated if longer */
} zj_error;

/* Set `err` (if non-NULL) to `code` and a printf-style message; returns `code` so callers
 * can write `return zj_fail(err, ZJ_EDATA, "...")`. */
int zj_fail(zj_error *err, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Prefix an existing message, e.g. with "file.csv:12: ". Returns err->code. */
int zj_error_prefix(zj_error *err, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

#endif
