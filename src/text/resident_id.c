/* resident_id.c - GB 11643-1999 resident identity numbers: normalize, convert, validate.
 *
 * The hot path (an 18-character ASCII ID) touches each byte once: fold into a small stack
 * buffer, one loop for digits and the weighted sum, a table lookup for the check character,
 * integer date checks and a bisection in the region table. No allocation.
 */
#include "text/resident_id.h"

#include <stdint.h>
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

/* True when the 8 bytes at p are all ASCII digits (SWAR: a byte below '0' sets its high
 * bit in x - 0x30…, a byte above '9' in x + 0x46…; a borrow or carry can only add false
 * alarms, which send the input to the slow path). */
static bool eight_digits(const char *p)
{
    uint64_t x;
    memcpy(&x, p, 8);
    return (((x - 0x3030303030303030ull) | (x + 0x4646464646464646ull)) &
            0x8080808080808080ull) == 0;
}

static int finish(zj_resident_id *out, int today, const char **why);

int zj_resident_id_parse(const char *s, size_t n, int today, zj_resident_id *out,
                         const char **why)
{
    /* Fast path: 17 ASCII digits and a digit, X or x - what nearly every input looks like. */
    if (n == 18 && eight_digits(s) && eight_digits(s + 8) && (unsigned)(s[16] - '0') <= 9) {
        char last = s[17] == 'x' ? 'X' : s[17];
        if ((unsigned)(last - '0') <= 9 || last == 'X') {
            const unsigned char *u = (const unsigned char *)s;
            int sum = 0;
            for (int i = 0; i < 17; i++)           /* unrolled by the compiler */
                sum += (u[i] - '0') * weights[i];
            if (check_chars[sum % 11] != last)
                return reject(why, "bad check character");
            memcpy(out->id, s, 17);
            out->id[17] = last;
            out->id[18] = '\0';
            out->converted = false;
            return finish(out, today, why);
        }
    }

    char buf[24];                 /* folded input; longer inputs are rejected by length */
    size_t len = zj_ident_fold(s, n, buf, sizeof buf, true);
    if (len == 0)
        return reject(why, "empty resident ID");
    /* One pass: bad characters first (an X anywhere but last is one), and the weighted sum
     * of the first 17 digits on the way. */
    size_t m = len < sizeof buf ? len : sizeof buf;
    int sum = 0;
    for (size_t i = 0; i < m; i++) {
        unsigned d = (unsigned)(buf[i] - '0');
        if (d > 9) {
            if (buf[i] != 'X' || i + 1 != len || len == 15)
                return reject(why, "bad character: only digits and a final X are allowed");
        } else if (i < 17) {
            sum += (int)d * weights[i];
        }
    }
    if (len != 18 && len != 15)            /* also (size_t)-1: longer than buf */
        return reject(why, "wrong length: expected 18 characters (or 15 for the old form)");
    if (len == 18) {
        if (check_chars[sum % 11] != buf[17])
            return reject(why, "bad check character");
        memcpy(out->id, buf, 18);
        out->id[18] = '\0';
        out->converted = false;
    } else {
        zj_resident_id_to18(buf, 15, out->id);
        out->converted = true;
    }
    return finish(out, today, why);
}

/* Checks shared by both paths, on the 18-character out->id: birth date, region, sex. */
static int finish(zj_resident_id *out, int today, const char **why)
{
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
    /* One bisection when the code is current (its province then is too), two otherwise. */
    out->region_exact = zj_region_code_known(out->region_code);
    if (!out->region_exact && !zj_region_province_known(out->region_code / 10000))
        return reject(why, "unknown region: province code not in GB/T 2260");
    out->sex = (id[16] - '0') % 2 ? 'M' : 'F';
    return 0;
}
