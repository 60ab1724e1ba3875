/* phone.c - normalize and validate mainland China phone numbers (see phone.h). */
#include "text/phone.h"

#include <stdbool.h>
#include <string.h>

#include "text/ident_norm.h"

static int reject(const char **why, const char *reason)
{
    if (why)
        *why = reason;
    return -1;
}

const char *zj_phone_kind_name(zj_phone_kind kind)
{
    return kind == ZJ_PHONE_MOBILE ? "mobile" : kind == ZJ_PHONE_LANDLINE ? "landline"
                                                                          : "service";
}

/* Split off an extension marker: returns the byte offset where it starts (len if none) and
 * the offset of its digits in *digits. */
static size_t find_extension(const char *s, size_t len, size_t *digits)
{
    static const char *const marks[] = {"转", "分机", "ext.", "ext", "EXT.", "EXT", "x", "X", "#"};
    for (size_t i = 1; i < len; i++)
        for (size_t m = 0; m < sizeof marks / sizeof marks[0]; m++) {
            size_t ml = strlen(marks[m]);
            if (i + ml <= len && memcmp(s + i, marks[m], ml) == 0) {
                *digits = i + ml;
                return i;
            }
        }
    *digits = len;
    return len;
}

int zj_phone_parse(const char *s, size_t n, zj_phone *out, const char **why)
{
    char buf[64];
    if (n > 256)
        return reject(why, "phone number too long");
    size_t len = zj_ident_fold(s, n, buf, sizeof buf, false);
    if (len == (size_t)-1)
        return reject(why, "phone number too long");
    memset(out, 0, sizeof *out);

    size_t ext_digits, ext = find_extension(buf, len, &ext_digits);
    if (ext < len) {
        size_t el = len - ext_digits;
        if (el == 0 || el > 6)
            return reject(why, "bad extension");
        for (size_t i = ext_digits; i < len; i++)
            if (buf[i] < '0' || buf[i] > '9')
                return reject(why, "bad extension");
        memcpy(out->extension, buf + ext_digits, el);
    }

    /* Keep digits (and a leading '+'), drop separators. */
    char d[32];
    size_t dl = 0;
    bool plus = false;
    for (size_t i = 0; i < ext; i++) {
        char c = buf[i];
        if (c >= '0' && c <= '9') {
            if (dl >= sizeof d - 1)
                return reject(why, "phone number too long");
            d[dl++] = c;
        } else if (c == '+' && dl == 0 && !plus) {
            plus = true;
        } else if (c != '-' && c != '.' && c != '(' && c != ')') {
            return reject(why, "bad character in phone number");
        }
    }
    d[dl] = '\0';
    if (dl == 0)
        return reject(why, "empty phone number");

    /* Country prefix. */
    const char *p = d;
    bool intl = false;
    if (dl >= 4 && memcmp(p, "0086", 4) == 0)
        p += 4, intl = true;
    else if (dl >= 2 && memcmp(p, "86", 2) == 0 &&
             (plus || dl == 13 || (dl >= 11 && dl <= 13 && p[2] != '1')))
        p += 2, intl = true;
    else if (plus)
        return reject(why, "bad character in phone number");   /* another country */
    size_t pl = dl - (size_t)(p - d);
    char local[32];
    if (intl && pl > 0 && p[0] != '1' && p[0] != '0' && pl + 1 < sizeof local) {
        local[0] = '0';                 /* landline after +86 lost its trunk 0 */
        memcpy(local + 1, p, pl);
        pl++;
    } else {
        memcpy(local, p, pl);
    }
    local[pl] = '\0';

    if (local[0] == '1') {
        if (pl != 11 || local[1] < '3')
            return reject(why, "mobile number must have 11 digits starting 13-19");
        out->kind = ZJ_PHONE_MOBILE;
        memcpy(out->number, local, 12);
        memcpy(out->normalized, local, 12);
        return 0;
    }
    if ((memcmp(local, "400", 3) == 0 || memcmp(local, "800", 3) == 0) && pl == 10) {
        out->kind = ZJ_PHONE_SERVICE;
        memcpy(out->number, local, 11);
        memcpy(out->normalized, local, 3);
        out->normalized[3] = '-';
        memcpy(out->normalized + 4, local + 3, 3);
        out->normalized[7] = '-';
        memcpy(out->normalized + 8, local + 6, 5);
        return 0;
    }
    if (local[0] != '0')
        return reject(why, "landline needs an area code starting with 0");
    size_t ac = (local[1] == '1' || local[1] == '2') ? 3 : 4;
    if (pl < 2 || local[1] == '0' || pl < ac + 7 || pl > ac + 8)
        return reject(why, "bad landline area code or number length");
    if (local[1] == '1' && local[2] != '0')
        return reject(why, "bad landline area code or number length");   /* only 010 */
    if (local[ac] == '0' || local[ac] == '1')
        return reject(why, "local number must not start with 0 or 1");
    out->kind = ZJ_PHONE_LANDLINE;
    memcpy(out->area_code, local, ac);
    memcpy(out->number, local + ac, pl - ac);
    memcpy(out->normalized, local, ac);
    out->normalized[ac] = '-';
    memcpy(out->normalized + ac + 1, local + ac, pl - ac + 1);
    return 0;
}
