/* fields.c - checking typed fields, the clock and SHA-256 hashes for the work layer (fields.h). */
#include "work/fields.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "text/date.h"
#include "text/utf8.h"
#include "work/policy.h"

bool zj_field_blank(const char *s)
{
    for (; s && *s; s++)
        if (*s != ' ' && *s != '\t' && *s != '\n' && *s != '\r')
            return false;
    return true;
}

int zj_field_text(const char *field, const char *value, bool required, size_t max,
                  zj_error *err)
{
    if (zj_field_blank(value))
        return required ? zj_fail_field(err, field, "required") : ZJ_OK;
    size_t n = strlen(value);
    if (n > max)
        return zj_fail_field(err, field, "%zu bytes, at most %zu allowed", n,
                       max);
    if (!zj_utf8_valid(value, n))
        return zj_fail_field(err, field, "not valid UTF-8");
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)value[i] < 0x20 && value[i] != '\n' && value[i] != '\t' &&
            value[i] != '\r')
            return zj_fail_field(err, field, "control character at byte %zu",
                           i + 1);
    return ZJ_OK;
}

/* Digits at s[from..to) as a number, or -1 when any is not a digit. */
static int digits(const char *s, int from, int to)
{
    int v = 0;
    for (int i = from; i < to; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    return v;
}

int zj_field_date(const char *field, const char *value, bool required, zj_error *err)
{
    if (zj_field_blank(value))
        return required ? zj_fail_field(err, field, "required (YYYY-MM-DD)")
                        : ZJ_OK;
    int y = strlen(value) == 10 && value[4] == '-' && value[7] == '-' ? digits(value, 0, 4) : -1;
    int m = y < 0 ? -1 : digits(value, 5, 7), d = y < 0 ? -1 : digits(value, 8, 10);
    if (y < 1900 || y > 2200 || m < 0 || d < 0 || !zj_date_valid(y, m, d))
        return zj_fail_field(err, field, "'%s' is not a date (YYYY-MM-DD)",
                       value);
    return ZJ_OK;
}

int zj_field_month(const char *field, const char *value, int *index, zj_error *err)
{
    if (zj_field_blank(value))
        return zj_fail_field(err, field, "required (YYYY-MM)");
    int y = strlen(value) == 7 && value[4] == '-' ? digits(value, 0, 4) : -1;
    int m = y < 0 ? -1 : digits(value, 5, 7);
    if (y < 1900 || y > 2200 || m < 1 || m > 12)
        return zj_fail_field(err, field, "'%s' is not a month (YYYY-MM)",
                       value);
    *index = y * 12 + m - 1;
    return ZJ_OK;
}

int zj_field_timestamp(const char *field, const char *value, char out[20], zj_error *err)
{
    static const char *const formats[] = {"%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d",
                                          NULL};
    zj_datetime t;
    if (zj_field_blank(value))
        return zj_fail_field(err, field, "required (YYYY-MM-DD HH:MM)");
    if (zj_date_parse(value, strlen(value), formats, &t, NULL) ||
        zj_date_format_iso(&t, true, out, 20) != 19)
        return zj_fail_field(err, field, "'%s' is not a time (YYYY-MM-DD HH:MM)", value);
    return ZJ_OK;
}

static void clock_format(bool utc, const char *fmt, char *out, size_t cap)
{
    time_t t = time(NULL);
    struct tm tm;
    if (utc)
        gmtime_r(&t, &tm);
    else
        localtime_r(&t, &tm);
    strftime(out, cap, fmt, &tm);
}

void zj_clock_utc(char out[20])
{
    clock_format(true, "%Y-%m-%d %H:%M:%S", out, 20);
}

void zj_clock_local(char out[20])
{
    clock_format(false, "%Y-%m-%d %H:%M:%S", out, 20);
}

void zj_clock_today(char out[11])
{
    clock_format(false, "%Y-%m-%d", out, 11);
}

int zj_name_index(const char *const *names, int n, const char *name)
{
    for (int i = 0; name && i < n; i++)
        if (names[i] && !strcmp(name, names[i]))
            return i;
    return -1;
}

void zj_bind_opt(zj_stmt *q, int i, const char *s)
{
    if (zj_field_blank(s))
        zj_stmt_bind_null(q, i);
    else
        zj_stmt_bind_text(q, i, s, strlen(s));
}

void zj_bind_actor(zj_stmt *q, int first, const zj_actor *a)
{
    const char *user = a->username ? a->username : "", *role = zj_role_name(a->role);
    zj_stmt_bind_int(q, first, a->user_id);
    zj_stmt_bind_text(q, first + 1, user, strlen(user));
    zj_stmt_bind_text(q, first + 2, role ? role : "", role ? strlen(role) : 0);
    zj_stmt_bind_int(q, first + 3, a->session_id);
}

int zj_exec_done(zj_stmt *q, zj_error *err)
{
    int step = zj_stmt_next(q, err);
    zj_stmt_finalize(q);
    return step < 0 ? ZJ_EDATA : ZJ_OK;
}

void zj_sha256_fields(const char *const *parts, size_t n, char out[65])
{
    crypto_hash_sha256_state st;
    unsigned char h[crypto_hash_sha256_BYTES];
    crypto_hash_sha256_init(&st);
    for (size_t i = 0; i < n; i++) {
        const char *p = parts[i] ? parts[i] : "";
        crypto_hash_sha256_update(&st, (const unsigned char *)p, strlen(p));
        crypto_hash_sha256_update(&st, (const unsigned char *)"\x1f", 1);
    }
    crypto_hash_sha256_final(&st, h);
    sodium_bin2hex(out, 65, h, sizeof h);
}

void zj_sha256_hex(const void *p, size_t n, char out[65])
{
    unsigned char h[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(h, p, n);
    sodium_bin2hex(out, 65, h, sizeof h);
}
