/* date.h - parse the date and time formats found in Chinese agencies' exports (日期解析).
 *
 * Formats use a small strptime-like language: %Y (4-digit year), %m (month, 1-2 digits),
 * %d (day, 1-2 digits), %H (hour 0-23), %M (minute), %S (second), %% (a percent sign);
 * every other character (including 年 月 日 时 分 秒 and spaces) must match literally, except
 * that one space in the format matches one or more spaces or a 'T' in the input. With
 * exactly-two-digit forms ("%Y%m%d" for 20211215) fields are taken greedily by width: when a
 * conversion is directly preceded or followed by another conversion, it takes exactly 2 digits
 * (4 for %Y), so "2021121" matches no compact format.
 * Otherwise %Y takes exactly 4 digits and the others 1 or 2. Full-width digits (０-９) in the
 * input are accepted. Leading/trailing spaces, tabs and ideographic spaces (U+3000, 全角空格)
 * are ignored. A conversion other than these six, or a '%' ending the format, never matches.
 *
 * Parsed values are checked: month 1-12, day valid for the month (leap years per the Gregorian
 * calendar), hour < 24, minute and second < 60, year 1900-2100. A format without %Y, %m and %d
 * therefore never yields a date. Nothing is allocated and the locale is not consulted.
 */
#ifndef ZJ_DATE_H
#define ZJ_DATE_H

#include <stdbool.h>
#include <stddef.h>

typedef struct zj_datetime {
    int year, month, day;
    int hour, minute, second;
    bool has_time;     /* the matched format had at least %H */
} zj_datetime;

/* The formats tried when a mapping declares none, in this order: ISO with '-', '/', '.',
 * 年月日 and compact %Y%m%d, each also with " %H:%M" and " %H:%M:%S". NULL-terminated. */
extern const char *const zj_date_default_formats[];

/* Try each format in turn (NULL-terminated `formats`, or the defaults when NULL).
 * Returns 0 and fills *out on the first full match, -1 when none matches or the date is
 * impossible. `why` (may be NULL) receives a static reason on failure:
 * "no format matched" or "impossible date". */
int zj_date_parse(const char *s, size_t n, const char *const *formats, zj_datetime *out,
                  const char **why);

/* Write "YYYY-MM-DD" (11 bytes with NUL) or "YYYY-MM-DD HH:MM:SS" (20 bytes) into buf.
 * Returns the length written (10 or 19), or -1 when cap is too small or a value does not fit
 * its width (a year outside 0-9999, a negative value); buf is then "" if cap > 0. */
int zj_date_format_iso(const zj_datetime *d, bool with_time, char *buf, size_t cap);

/* True when year-month-day exists in the proleptic Gregorian calendar (any year; the
 * 1900-2100 range is zj_date_parse's rule, not this function's). */
bool zj_date_valid(int year, int month, int day);

/* Days since 1970-01-01 (proleptic Gregorian) of a valid date, negative before 1970, for date
 * arithmetic in detectors. */
long zj_days_from_civil(int year, int month, int day);

#endif
