/* date.c - the small strptime-like date parser (see date.h).
 *
 * It runs on every date field of every imported row, so it allocates nothing, never looks at
 * the locale, and fails fast: a format is matched left to right against the input and the
 * first mismatching byte ends the attempt. Literals are compared byte by byte, which is all
 * that UTF-8 literals such as 年 (E5 B9 B4) need.
 */
#include "text/date.h"

#include <string.h>

const char *const zj_date_default_formats[] = {
    "%Y-%m-%d",          "%Y-%m-%d %H:%M",          "%Y-%m-%d %H:%M:%S",
    "%Y/%m/%d",          "%Y/%m/%d %H:%M",          "%Y/%m/%d %H:%M:%S",
    "%Y.%m.%d",          "%Y.%m.%d %H:%M",          "%Y.%m.%d %H:%M:%S",
    "%Y年%m月%d日",      "%Y年%m月%d日 %H:%M",      "%Y年%m月%d日 %H:%M:%S",
    "%Y%m%d",            "%Y%m%d %H:%M",            "%Y%m%d %H:%M:%S",
    NULL,
};

/* The digit at s[*i] (ASCII 0-9 or full-width ０-９, U+FF10-U+FF19 = EF BC 90-99), advancing
 * *i past it; -1 (and *i unchanged) when there is none. */
static inline int digit_at(const unsigned char *s, size_t n, size_t *i)
{
    size_t k = *i;
    if (k >= n)
        return -1;
    if ((unsigned)(s[k] - '0') <= 9u) {
        *i = k + 1;
        return s[k] - '0';
    }
    if (s[k] == 0xEF && n - k >= 3 && s[k + 1] == 0xBC && s[k + 2] >= 0x90 && s[k + 2] <= 0x99) {
        *i = k + 3;
        return s[k + 2] - 0x90;
    }
    return -1;
}

/* Match the whole of s[0..n) against one format. Returns true and fills *d (values not yet
 * checked) on a match. Unknown conversions never match. */
static bool match(const char *fmt, const unsigned char *s, size_t n, zj_datetime *d)
{
    zj_datetime v = {0};
    size_t i = 0;
    const char *f = fmt;
    bool after_conv = false;    /* the previous format item was a conversion */
    while (*f) {
        if (f[0] == '%' && f[1] != '%') {
            char conv = f[1];
            if (conv != 'Y' && conv != 'm' && conv != 'd' && conv != 'H' && conv != 'M' &&
                conv != 'S')
                return false;       /* a bad format never matches */
            /* Next to another conversion: a fixed width, as in %Y%m%d. */
            bool fixed = after_conv || (f[2] == '%' && f[3] != '%' && f[3] != '\0');
            after_conv = true;
            int minw = conv == 'Y' ? 4 : fixed ? 2 : 1;
            int maxw = conv == 'Y' ? 4 : 2;
            int val = 0, w = 0;
            while (w < maxw) {
                int dg = digit_at(s, n, &i);
                if (dg < 0)
                    break;
                val = val * 10 + dg;
                w++;
            }
            if (w < minw)
                return false;
            switch (conv) {
            case 'Y': v.year = val; break;
            case 'm': v.month = val; break;
            case 'd': v.day = val; break;
            case 'H': v.hour = val; v.has_time = true; break;
            case 'M': v.minute = val; break;
            default: v.second = val; break;     /* 'S' */
            }
            f += 2;
            continue;
        }
        after_conv = false;
        if (f[0] == ' ') {
            /* One format space: one 'T', or a run of one or more spaces. */
            if (i < n && s[i] == 'T') {
                i++;
            } else {
                if (i >= n || s[i] != ' ')
                    return false;
                while (i < n && s[i] == ' ')
                    i++;
            }
            f++;
        } else {
            f += f[0] == '%';        /* "%%" matches one '%' */
            if (i >= n || s[i] != (unsigned char)f[0])
                return false;
            i++;
            f++;
        }
    }
    if (i != n)
        return false;
    *d = v;
    return true;
}

/* Length of the space, tab or ideographic space (U+3000, E3 80 80) at s[i], or 0. */
static size_t space_at(const unsigned char *s, size_t n, size_t i)
{
    if (s[i] == ' ' || s[i] == '\t')
        return 1;
    if (s[i] == 0xE3 && n - i >= 3 && s[i + 1] == 0x80 && s[i + 2] == 0x80)
        return 3;
    return 0;
}

static bool trailing_ideographic_space(const unsigned char *s, size_t n)
{
    return n >= 3 && s[n - 3] == 0xE3 && s[n - 2] == 0x80 && s[n - 1] == 0x80;
}

int zj_date_parse(const char *str, size_t n, const char *const *formats, zj_datetime *out,
                  const char **why)
{
    const unsigned char *s = (const unsigned char *)str;
    size_t k;
    while (n > 0 && (k = space_at(s, n, 0)) > 0) {
        s += k;
        n -= k;
    }
    while (n > 0) {
        if (s[n - 1] == ' ' || s[n - 1] == '\t')
            n--;
        else if (trailing_ideographic_space(s, n))
            n -= 3;
        else
            break;
    }

    bool impossible = false;    /* some format matched, but not a real date and time */
    for (const char *const *f = formats ? formats : zj_date_default_formats; *f; f++) {
        zj_datetime d;
        if (!match(*f, s, n, &d))
            continue;
        if (d.year < 1900 || d.year > 2100 || !zj_date_valid(d.year, d.month, d.day) ||
            d.hour > 23 || d.minute > 59 || d.second > 59) {
            impossible = true;
            continue;
        }
        *out = d;
        return 0;
    }
    if (why)
        *why = impossible ? "impossible date" : "no format matched";
    return -1;
}

/* Write v as exactly `width` decimal digits. */
static char *put_digits(char *p, int v, int width)
{
    for (int i = width - 1; i >= 0; i--) {
        p[i] = (char)('0' + v % 10);
        v /= 10;
    }
    return p + width;
}

int zj_date_format_iso(const zj_datetime *d, bool with_time, char *buf, size_t cap)
{
    size_t len = with_time ? 19 : 10;
    if (cap < len + 1 || d->year < 0 || d->year > 9999 || d->month < 0 || d->month > 99 ||
        d->day < 0 || d->day > 99 || (with_time && (d->hour < 0 || d->hour > 99 ||
        d->minute < 0 || d->minute > 99 || d->second < 0 || d->second > 99))) {
        if (cap > 0)
            buf[0] = '\0';
        return -1;
    }
    char *p = put_digits(buf, d->year, 4);
    *p++ = '-';
    p = put_digits(p, d->month, 2);
    *p++ = '-';
    p = put_digits(p, d->day, 2);
    if (with_time) {
        *p++ = ' ';
        p = put_digits(p, d->hour, 2);
        *p++ = ':';
        p = put_digits(p, d->minute, 2);
        *p++ = ':';
        p = put_digits(p, d->second, 2);
    }
    *p = '\0';
    return (int)len;
}

static bool is_leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

bool zj_date_valid(int year, int month, int day)
{
    static const unsigned char days_in[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (month < 1 || month > 12 || day < 1)
        return false;
    int dim = days_in[month - 1] + (month == 2 && is_leap(year));
    return day <= dim;
}

/* Howard Hinnant's days_from_civil ("chrono-Compatible Low-Level Date Algorithms"): shift the
 * year to start on 1 March so the leap day is last, then count 400-year eras. */
long zj_days_from_civil(int year, int month, int day)
{
    long y = (long)year - (month <= 2);
    long era = (y >= 0 ? y : y - 399) / 400;
    long yoe = y - era * 400;                                           /* [0, 399] */
    long doy = (153L * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1;  /* [0, 365] */
    long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;                  /* [0, 146096] */
    return era * 146097 + doe - 719468;
}
