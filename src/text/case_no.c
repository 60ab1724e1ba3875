/* case_no.c - parse court case numbers (案号) into year, court, type and serial.
 *
 * One left-to-right pass over the folded input (see ident_norm.h): bracket, year, bracket,
 * then either the legacy "…字第N号" tail or court code, optional 知, the type code (a run of
 * CJK characters looked up by bisection in the table compiled from rules/case_types.tsv),
 * serial and 号. No allocation; everything lands in the caller's zj_case_no.
 */
#include "text/case_no.h"

#include <string.h>

#include "text/ident_norm.h"

static const zj_case_type types[] = {
#include "text/case_types.inc"
};
#define NTYPES (sizeof types / sizeof types[0])

const zj_case_type *zj_case_types(size_t *count)
{
    *count = NTYPES;
    return types;
}

/* Compare the span s[0..n) with the NUL-terminated `z` as byte strings (no strlen). */
static int cmp_span(const char *s, size_t n, const char *z)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char a = (unsigned char)s[i], b = (unsigned char)z[i];
        if (b == 0 || a != b)
            return b == 0 ? 1 : (a < b ? -1 : 1);
    }
    return z[n] ? -1 : 0;
}

const zj_case_type *zj_case_type_find(const char *code, size_t n)
{
    size_t lo = 0, hi = NTYPES;         /* rows are sorted by their UTF-8 bytes */
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = cmp_span(code, n, types[mid].code);
        if (c == 0)
            return &types[mid];
        if (c > 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

const char *zj_court_level_name(zj_court_level level)
{
    switch (level) {
    case ZJ_COURT_SUPREME: return "supreme";
    case ZJ_COURT_HIGH: return "high";
    case ZJ_COURT_INTERMEDIATE: return "intermediate";
    case ZJ_COURT_BASIC: return "basic";
    default: return "unknown";
    }
}

/* Byte length of an opening (or closing) year bracket at p[0..n), 0 when there is none:
 * ( [ 〔 【 〖 ﹝ and ) ] 〕 】 〗 ﹞ (full-width （）［］ were already folded to ASCII). */
static size_t bracket(const char *p, size_t n, bool open)
{
    const unsigned char *u = (const unsigned char *)p;
    if (n == 0)
        return 0;
    if (u[0] == (open ? '(' : ')') || u[0] == (open ? '[' : ']'))
        return 1;
    if (n < 3)
        return 0;
    if (u[0] == 0xE3 && u[1] == 0x80) {   /* 【 90 】 91, 〔 94 〕 95, 〖 96 〗 97 */
        unsigned c = u[2];
        bool is_open = c == 0x90 || c == 0x94 || c == 0x96;
        bool is_close = c == 0x91 || c == 0x95 || c == 0x97;
        return (open ? is_open : is_close) ? 3 : 0;
    }
    if (u[0] == 0xEF && u[1] == 0xB9 && u[2] == (open ? 0x9D : 0x9E))   /* ﹝ ﹞ */
        return 3;
    return 0;
}

/* One-character court codes of high courts (province abbreviations, 军, 兵), as the
 * big-endian value of their three UTF-8 bytes. */
static bool court_char(const char *p, size_t n)
{
    static const char chars[] = "京津冀晋内辽吉黑沪苏浙皖闽赣鲁豫鄂湘粤桂琼渝川贵云藏陕甘青宁新军兵";
    if (n < 3 || ((unsigned char)p[0] & 0xF0) != 0xE0)
        return false;
    for (size_t i = 0; i + 3 <= sizeof chars - 1; i += 3)
        if (p[0] == chars[i] && p[1] == chars[i + 1] && p[2] == chars[i + 2])
            return true;
    return false;
}

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static int reject(const char **why, const char *reason)
{
    if (why)
        *why = reason;
    return -1;
}

/* Parse 之一 … 之十 at p[0..n); returns 1..10 and sets *used, or 0. */
static int sub_number(const char *p, size_t n, size_t *used)
{
    static const char *const nums[] = {"一", "二", "三", "四", "五", "六", "七", "八", "九", "十"};
    if (n != 6 || memcmp(p, "之", 3) != 0)
        return 0;
    for (int i = 0; i < 10; i++)
        if (memcmp(p + 3, nums[i], 3) == 0) {
            *used = 6;
            return i + 1;
        }
    return 0;
}

static const char *const sub_names[] = {"", "一", "二", "三", "四", "五", "六", "七", "八", "九",
                                        "十"};

/* Append helpers for the normalized form (snprintf costs more than the whole parse). */
static size_t put_str(char *dst, size_t o, const char *s, size_t n)
{
    memcpy(dst + o, s, n);
    return o + n;
}

static size_t put_num(char *dst, size_t o, long v, int min_digits)
{
    char tmp[24];
    int k = 0;
    do {
        tmp[k++] = (char)('0' + v % 10);
        v /= 10;
    } while (v > 0 || k < min_digits);
    while (k > 0)
        dst[o++] = tmp[--k];
    return o;
}

/* Write "（YEAR）" + middle + serial + "号" [+ "之N"] into out->normalized. The sizes of
 * the parts are bounded by the fields they come from, so this cannot overflow. */
static void build_normalized(zj_case_no *out, const char *m1, const char *m2, const char *m3,
                             const char *m4)
{
    char *d = out->normalized;
    size_t o = put_str(d, 0, "（", 3);
    o = put_num(d, o, out->year, 4);
    o = put_str(d, o, "）", 3);
    const char *parts[] = {m1, m2, m3, m4};
    for (int i = 0; i < 4; i++)
        if (parts[i])
            o = put_str(d, o, parts[i], strlen(parts[i]));
    o = put_num(d, o, out->serial, 1);
    o = put_str(d, o, "号", 3);
    if (out->sub_no) {
        o = put_str(d, o, "之", 3);
        o = put_str(d, o, sub_names[out->sub_no], 3);
    }
    d[o] = '\0';
}

/* Serial digits at p[0..n): returns the digit count (0 none), the value in *v. */
static size_t serial_digits(const char *p, size_t n, long *v)
{
    size_t i = 0;
    *v = 0;
    while (i < n && is_digit(p[i])) {
        if (i < 9)
            *v = *v * 10 + (p[i] - '0');
        i++;
    }
    return i;
}

/* The tail "N号[之X]" at p[0..n). Returns 0 and sets serial/sub_no, or -1 with *why. */
static int parse_tail(const char *p, size_t n, zj_case_no *out, const char **why)
{
    long v;
    size_t d = serial_digits(p, n, &v);
    if (d == 0)
        return reject(why, "missing serial number");
    if (d > 7)
        return reject(why, "serial number too long");
    if (v == 0)
        return reject(why, "serial number must be positive");
    out->serial = v;
    p += d, n -= d;
    if (n < 3 || memcmp(p, "号", 3) != 0)
        return reject(why, "missing 号 at the end");
    p += 3, n -= 3;
    out->sub_no = 0;
    if (n > 0) {
        size_t used = 0;
        out->sub_no = sub_number(p, n, &used);
        if (!out->sub_no || used != n)
            return reject(why, "unexpected text after 号");
    }
    return 0;
}

/* The 2016 format after the year: court code, optional 知, type code, serial, 号. */
static int parse_current(const char *p, const char *end, zj_case_no *out, const char **why)
{
    /* Court code. */
    const char *court = p;
    if ((size_t)(end - p) >= 9 && memcmp(p, "最高法", 9) == 0) {
        p += 9;
        out->court_level = ZJ_COURT_SUPREME;
    } else if (court_char(p, (size_t)(end - p))) {
        p += 3;
        size_t d = 0;
        while (p + d < end && is_digit(p[d]))
            d++;
        if (d != 0 && d != 2 && d != 4)
            return reject(why, "court code must have 0, 2 or 4 digits");
        out->court_level = d == 0 ? ZJ_COURT_HIGH : d == 2 ? ZJ_COURT_INTERMEDIATE
                                                          : ZJ_COURT_BASIC;
        if (d >= 2) {
            int mid = (p[0] - '0') * 10 + (p[1] - '0');
            if (mid == 0)
                return reject(why, "unknown court code");
            if (mid >= 71)
                out->court_kind = mid == 71 ? "railway transport"
                                : mid == 72 ? "maritime"
                                : mid == 73 ? "intellectual property"
                                : mid == 74 ? "financial"
                                            : "specialised or cross-district";
        }
        p += d;
    } else {
        return reject(why, "unknown court code");
    }
    memcpy(out->court_code, court, (size_t)(p - court));
    out->court_code[p - court] = '\0';

    /* Specialised-trial code and type code: the CJK run up to the serial. */
    const char *t = p;
    while (p < end && !is_digit(*p)) {
        unsigned char c = (unsigned char)*p;    /* the text is valid UTF-8 here */
        size_t k = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
        if (k != 3)
            return reject(why, "unknown case type code");
        p += k;
        if (p - t > 18)
            return reject(why, "unknown case type code");
    }
    if (p == t)
        return reject(why, "missing case type code");
    size_t tl = (size_t)(p - t);
    out->type = zj_case_type_find(t, tl);
    if (!out->type && tl > 3 && memcmp(t, "知", 3) == 0) {
        out->type = zj_case_type_find(t + 3, tl - 3);
        if (out->type)
            memcpy(out->special_code, "知", 4);
    }
    if (!out->type) {
        /* "号" or other text where the serial should be: say which part is missing. */
        if (tl >= 3 && memcmp(p - 3, "号", 3) == 0 && p == end)
            return reject(why, "missing serial number");
        return reject(why, "unknown case type code");
    }
    if (parse_tail(p, (size_t)(end - p), out, why))
        return -1;
    out->style = ZJ_CASE_CURRENT;
    build_normalized(out, out->court_code, out->special_code, out->type->code, NULL);
    return 0;
}

int zj_case_no_parse(const char *s, size_t n, zj_case_no *out, const char **why)
{
    char buf[256];
    if (n > 1024)
        return reject(why, "case number too long");
    size_t len = zj_ident_fold_text(s, n, buf, sizeof buf);
    if (len == ZJ_FOLD_TOO_LONG)
        return reject(why, "case number too long");
    if (len == ZJ_FOLD_BAD_UTF8)
        return reject(why, "invalid UTF-8");
    if (len == ZJ_FOLD_CONTROL)
        return reject(why, "control character in input");
    if (len == 0)
        return reject(why, "empty case number");
    out->style = ZJ_CASE_CURRENT;        /* every field a caller may read is set below */
    out->serial = 0;
    out->sub_no = 0;
    out->court_code[0] = out->special_code[0] = out->legacy_text[0] = '\0';
    out->normalized[0] = '\0';
    out->court_level = ZJ_COURT_UNKNOWN;
    out->court_kind = NULL;
    out->type = NULL;
    const char *p = buf, *end = buf + len;

    size_t b = bracket(p, (size_t)(end - p), true);
    if (!b)
        return reject(why, "missing opening bracket before the year");
    p += b;
    if (end - p < 4 || !is_digit(p[0]) || !is_digit(p[1]) || !is_digit(p[2]) ||
        !is_digit(p[3]) || (end - p > 4 && is_digit(p[4])))
        return reject(why, "year must be 4 digits");
    out->year = (p[0] - '0') * 1000 + (p[1] - '0') * 100 + (p[2] - '0') * 10 + (p[3] - '0');
    p += 4;
    b = bracket(p, (size_t)(end - p), false);
    if (!b)
        return reject(why, "missing closing bracket after the year");
    p += b;
    if (out->year < 1949 || out->year > 2099)
        return reject(why, "year out of range (1949-2099)");
    if (p == end)
        return reject(why, "missing court code");

    /* The 2016 format first; when that fails, the legacy "…字第N号" format. */
    const char *reason = NULL;
    if (parse_current(p, end, out, &reason) == 0)
        return 0;
    const char *zi = memmem(p, (size_t)(end - p), "字第", 6);
    if (!zi)
        return reject(why, reason);
    out->court_code[0] = out->special_code[0] = '\0';
    out->court_level = ZJ_COURT_UNKNOWN;
    out->court_kind = NULL;
    out->type = NULL;
    size_t t = (size_t)(zi - p);
    if (t == 0)
        return reject(why, "legacy case number without text before 字第");
    if (t >= sizeof out->legacy_text)
        return reject(why, "case number too long");
    memcpy(out->legacy_text, p, t);
    out->legacy_text[t] = '\0';
    for (size_t i = 0; i < t; i++)          /* old court and type abbreviations are
                                               Chinese characters, nothing else */
        if ((unsigned char)p[i] < 0x80 || bracket(p + i, t - i, true) ||
            bracket(p + i, t - i, false))
            return reject(why, "unknown court code");
    if (parse_tail(zi + 6, (size_t)(end - zi - 6), out, why))
        return -1;
    out->style = ZJ_CASE_LEGACY;
    out->court_level = ZJ_COURT_UNKNOWN;
    build_normalized(out, out->legacy_text, "字第", NULL, NULL);
    return 0;
}
