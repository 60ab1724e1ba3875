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

/* What went wrong, for a front end that answers in its own terms (the HTTP API's status:
 * 400, 404, 403, 409, 503). Set by the code that knows, never read back from the message.
 * ZJ_ERR_NONE means "as the code says": ZJ_EUSAGE invalid, ZJ_EPERM forbidden, ZJ_EDATA an
 * error of the data or the store (zj_error_kind). */
typedef enum zj_errkind {
    ZJ_ERR_NONE = 0,
    ZJ_ERR_INVALID,     /* the request is malformed; `field` names the field when one is at fault */
    ZJ_ERR_NOT_FOUND,   /* the object asked for does not exist */
    ZJ_ERR_FORBIDDEN,   /* the actor may not do this, or the object is outside its scope */
    ZJ_ERR_CONFLICT,    /* well formed, but the object's state forbids it (a lead's state, a
                            record already corrected, a report already filed) */
    ZJ_ERR_BUSY,        /* the store is held by another writer: retry later */
    ZJ_ERR_FAILED,       /* the data or the store failed */
} zj_errkind;

typedef struct zj_error {
    int code;          /* one of the codes above; ZJ_OK when nothing happened */
    zj_errkind kind;      /* ZJ_ERR_NONE unless the failing code said more (zj_fail_as) */
    char field[64];    /* the request field at fault, or "" */
    char msg[1024];    /* NUL-terminated message, truncated if longer */
} zj_error;

/* Set `err` (if non-NULL) to `code` and a printf-style message; returns `code` so callers
 * can write `return zj_fail(err, ZJ_EDATA, "...")`. */
int zj_fail(zj_error *err, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Like zj_fail, with the kind; the code follows from it (ZJ_EUSAGE for invalid, not found and
 * conflict, ZJ_EPERM for forbidden, ZJ_EDATA for busy and error), and is returned. */
int zj_fail_as(zj_error *err, zj_errkind kind, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* A malformed field: ZJ_EUSAGE, kind invalid, `field` kept, and the message
 * "field 'FIELD': " followed by the formatted rest. Returns ZJ_EUSAGE. */
int zj_fail_field(zj_error *err, const char *field, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Set the kind (and, when non-NULL, the field) of an error already filled in, e.g. a conflict
 * that names its field. Returns err->code (ZJ_EDATA when err is NULL). */
int zj_error_mark(zj_error *err, zj_errkind kind, const char *field);

/* The kind of `err`: its own, or the one its code implies. ZJ_ERR_NONE for ZJ_OK. */
zj_errkind zj_error_kind(const zj_error *err);

/* Prefix an existing message, e.g. with "file.csv:12: ". Returns err->code. */
int zj_error_prefix(zj_error *err, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

#endif
