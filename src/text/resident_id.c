/* resident_id.c - GB 11643-1999 resident identity numbers: normalize, convert, validate.
 *
 * The hot path (an 18-character ASCII ID) touches each byte once: fold into a small stack
 * buffer, one loop for digits and the weighted sum, a table lookup for the check character,
 * integer date checks and a bisection in the region table. No allocation.
 */
#include "text/resident_id.h"

#include <string.h>
#include <time.h>

#include "text/ident_norm.h"
#include "text/region.h"

static const int weights[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
static const char check_chars[11] = {'1', '0', 'X', '9', '8', '7', '6', '5', '4', '3', '2'};

char zj_resident_id_check_char(const char *d17)
{
    int sum = 0;
    for (int i = 0; i < 17; i++)
        sum += (d17[i] - '0') * weights[i];
    return check_chars[sum % 11];
}

int zj_resident_id_to18(const char *id15, size_t n, char out[19])
{
    if (n != 15)
        return -1;
    for (size_t i = 0; i < 15; i++)
        if (id15[i] < '0' || id15[i] > '9')
            return -1;
    memcpy(out, id15, 6);
    out[6] = '1';
    out[7] = '9';
    memcpy(out + 8, id15 + 6, 9);
    out[17] = zj_resident_id_check_char(out);
    out[18] = '\0';
    return 0;
}

static bool leap(int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static bool date_ok(int y, int m, int d)
{
    static const int mdays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (m < 1 || m > 12 || d < 1)
        return false;
    return d <= mdays[m - 1] + (m == 2 && leap(y));
}

/* Today's date in China (UTC+8) as YYYYMMDD. */
static int today_in_china(void)
{
    time_t t = time(NULL) + 8 * 3600;
    struct tm tm;
    if (!gmtime_r(&t, &tm))
        return 99991231;          /* defensive: never reject on a broken clock */
    return (tm.tm_year + 1900) * 10000 + (tm.tm_mon + 1) * 100 + tm.tm_mday;
}

static int num(const char *p, int k)
{
    int v = 0;
    for (int i = 0; i < k; i++)
        v = v * 10 + (p[i] - '0');
    return v;
}

static int reject(const char **why, const char *reason)
{
    if (why)
        *why = reason;
    return -1;
}

int zj_resident_id_parse(const char *s, size_t n, int today, zj_resident_id *out,
                         const char **why)
{
    char buf[24];                 /* folded input; longer inputs are rejected by length */
    size_t len;
    /* Fast path: plain ASCII digits (and a final X or x) need no folding. */
    bool plain = n == 18 || n == 15;
    for (size_t i = 0; plain && i < n; i++)
        plain = (unsigned)(s[i] - '0') <= 9 || (i == 17 && (s[i] == 'X' || s[i] == 'x'));
    if (plain) {
        memcpy(buf, s, n);
        len = n;
        if (n == 18 && buf[17] == 'x')
            buf[17] = 'X';
    } else {
        len = zj_ident_fold(s, n, buf, sizeof buf, true);
    }
    if (len == 0)
        return reject(why, "empty resident ID");
    for (size_t i = 0; i < len && i < sizeof buf; i++)     /* bad characters first: */
        if ((buf[i] < '0' || buf[i] > '9') && (buf[i] != 'X' || i + 1 != len))
            return reject(why, "bad character: only digits and a final X are allowed");
    if (len == (size_t)-1 || (len != 18 && len != 15))
        return reject(why, "wrong length: expected 18 characters (or 15 for the old form)");
    size_t digits = len == 18 ? 17 : 15;
    for (size_t i = 0; i < digits; i++)
        if (buf[i] < '0' || buf[i] > '9')
            return reject(why, "bad character: only digits and a final X are allowed");
    if (len == 18) {
        char last = buf[17];
        if (!((last >= '0' && last <= '9') || last == 'X'))
            return reject(why, "bad character: only digits and a final X are allowed");
        if (zj_resident_id_check_char(buf) != last)
            return reject(why, "bad check character");
        memcpy(out->id, buf, 18);
        out->id[18] = '\0';
        out->converted = false;
    } else {
        zj_resident_id_to18(buf, 15, out->id);
        out->converted = true;
    }
    const char *id = out->id;
    out->year = num(id + 6, 4);
    out->month = num(id + 10, 2);
    out->day = num(id + 12, 2);
    if (!date_ok(out->year, out->month, out->day))
        return reject(why, "impossible birth date");
    if (out->year < 1900)
        return reject(why, "birth date before 1900");
    if (today == 0)
        today = today_in_china();
    if (out->year * 10000 + out->month * 100 + out->day > today)
        return reject(why, "birth date in the future");
    out->region_code = num(id, 6);
    if (!zj_region_province_known(out->region_code / 10000))
        return reject(why, "unknown region: province code not in GB/T 2260");
    out->region_exact = zj_region_code_known(out->region_code);
    out->sex = (id[16] - '0') % 2 ? 'M' : 'F';
    return 0;
}
