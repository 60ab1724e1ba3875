/* error.c - building error messages for zj_error (see error.h). */
#include "base/error.h"

#include <stdio.h>
#include <string.h>

/* Fill err with code, kind and the formatted message (no field). */
static void vfail(zj_error *err, int code, zj_errkind kind, const char *fmt, va_list ap)
{
    vsnprintf(err->msg, sizeof err->msg, fmt, ap);
    err->code = code;
    err->kind = kind;
    err->field[0] = '\0';
}

int zj_fail(zj_error *err, int code, const char *fmt, ...)
{
    if (err) {
        va_list ap;
        va_start(ap, fmt);
        vfail(err, code, ZJ_ERR_NONE, fmt, ap);
        va_end(ap);
    }
    return code;
}

static int kind_code(zj_errkind kind)
{
    switch (kind) {
    case ZJ_ERR_FORBIDDEN:
        return ZJ_EPERM;
    case ZJ_ERR_BUSY:
    case ZJ_ERR_FAILED:
        return ZJ_EDATA;
    default:
        return ZJ_EUSAGE;
    }
}

int zj_fail_as(zj_error *err, zj_errkind kind, const char *fmt, ...)
{
    int code = kind_code(kind);
    if (err) {
        va_list ap;
        va_start(ap, fmt);
        vfail(err, code, kind, fmt, ap);
        va_end(ap);
    }
    return code;
}

int zj_fail_field(zj_error *err, const char *field, const char *fmt, ...)
{
    if (err) {
        int n = snprintf(err->msg, sizeof err->msg, "field '%s': ", field);
        if (n < 0 || (size_t)n >= sizeof err->msg)
            n = 0;
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err->msg + n, sizeof err->msg - (size_t)n, fmt, ap);
        va_end(ap);
        err->code = ZJ_EUSAGE;
        err->kind = ZJ_ERR_INVALID;
        snprintf(err->field, sizeof err->field, "%s", field);
    }
    return ZJ_EUSAGE;
}

int zj_error_mark(zj_error *err, zj_errkind kind, const char *field)
{
    if (!err)
        return ZJ_EDATA;
    err->kind = kind;
    if (field)
        snprintf(err->field, sizeof err->field, "%s", field);
    return err->code;
}

zj_errkind zj_error_kind(const zj_error *err)
{
    if (!err || err->code == ZJ_OK || err->code == ZJ_FINDINGS)
        return ZJ_ERR_NONE;
    if (err->kind != ZJ_ERR_NONE)
        return err->kind;
    return err->code == ZJ_EPERM ? ZJ_ERR_FORBIDDEN
           : err->code == ZJ_EUSAGE ? ZJ_ERR_INVALID
                                    : ZJ_ERR_FAILED;
}

int zj_error_prefix(zj_error *err, const char *fmt, ...)
{
    if (!err)
        return ZJ_EDATA;
    char prefix[512], old[sizeof err->msg];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(prefix, sizeof prefix, fmt, ap);
    va_end(ap);
    memcpy(old, err->msg, sizeof old);
    /* Truncation is intended: a message longer than msg[] is cut, never overflowed. */
    size_t n = strlen(prefix);
    if (n >= sizeof err->msg)
        n = sizeof err->msg - 1;
    memcpy(err->msg, prefix, n);
    size_t rest = strnlen(old, sizeof old);
    if (rest > sizeof err->msg - 1 - n)
        rest = sizeof err->msg - 1 - n;
    memcpy(err->msg + n, old, rest);
    err->msg[n + rest] = '\0';
    return err->code;
}
