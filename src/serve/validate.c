/* validate.c - checking query parameters and JSON bodies against an endpoint's field table. */
#include "serve/validate.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "text/date.h"
#include "text/utf8.h"

static bool refuse(zj_invalid *why, int status, const char *code, const char *field,
                   const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static bool refuse(zj_invalid *why, int status, const char *code, const char *field,
                   const char *fmt, ...)
{
    why->status = status;
    why->code = code;
    snprintf(why->field, sizeof why->field, "%s", field ? field : "");
    char reason[200];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(reason, sizeof reason, fmt, ap);
    va_end(ap);
    if (field)
        snprintf(why->message, sizeof why->message, "field '%.60s': %s", field, reason);
    else
        snprintf(why->message, sizeof why->message, "%s", reason);
    return false;
}

/* Characters (code points) in valid UTF-8 s[0..n). */
static int64_t utf8_chars(const char *s, size_t n)
{
    int64_t c = 0;
    for (size_t i = 0; i < n; i++)
        c += ((unsigned char)s[i] & 0xC0) != 0x80;
    return c;
}

/* True when s has a C0/C1 control character or DEL (newline and tab allowed if `note`). */
static bool has_control(const char *s, size_t n, bool note)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char b = (unsigned char)s[i];
        if (b == 0x7F || (b < 0x20 && !(note && (b == '\n' || b == '\t' || b == '\r'))))
            return true;
        if (b == 0xC2 && i + 1 < n && (unsigned char)s[i + 1] >= 0x80 &&
            (unsigned char)s[i + 1] <= 0x9F)
            return true;
    }
    return false;
}

static bool check_text(const zj_field *f, const char *s, zj_invalid *why)
{
    size_t n = strlen(s);
    if (!zj_utf8_valid(s, n))
        return refuse(why, 400, "invalid_field", f->name, "is not valid UTF-8 text");
    if (has_control(s, n, f->type == ZJ_FIELD_NOTE))
        return refuse(why, 400, "invalid_field", f->name, "contains a control character");
    int64_t chars = utf8_chars(s, n);
    if (chars < f->min || chars > f->max)
        return refuse(why, 400, "invalid_field", f->name,
                      "must be %lld to %lld characters long (got %lld)", (long long)f->min,
                      (long long)f->max, (long long)chars);
    return true;
}

static bool check_date(const zj_field *f, const char *s, zj_invalid *why)
{
    bool month = f->type == ZJ_FIELD_MONTH;
    size_t want = month ? 7 : 10;
    int y = 0, m = 0, d = 1;
    bool shape = strlen(s) == want;
    for (size_t i = 0; shape && i < want; i++)
        shape = (i == 4 || i == 7) ? s[i] == '-' : (s[i] >= '0' && s[i] <= '9');
    if (shape) {
        y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
        m = (s[5] - '0') * 10 + (s[6] - '0');
        if (!month)
            d = (s[8] - '0') * 10 + (s[9] - '0');
    }
    if (!shape || y < 1900 || y > 2199 || !zj_date_valid(y, m, d))
        return refuse(why, 400, "invalid_field", f->name, "must be a real %s (%s)",
                      month ? "month" : "date", month ? "YYYY-MM" : "YYYY-MM-DD");
    return true;
}

static bool check_enum(const zj_field *f, const char *s, zj_invalid *why)
{
    for (const char *const *c = f->choices; c && *c; c++)
        if (strcmp(*c, s) == 0)
            return true;
    char list[160] = "";
    size_t used = 0;
    for (const char *const *c = f->choices; c && *c && used < sizeof list - 1; c++) {
        int w = snprintf(list + used, sizeof list - used, "%s%s", used ? ", " : "", *c);
        if (w < 0)
            break;
        used += (size_t)w;
    }
    return refuse(why, 400, "invalid_field", f->name, "must be one of: %s", list);
}

/* A string value of any string-typed field. */
static bool check_string(const zj_field *f, const char *s, zj_value_in *v, zj_invalid *why)
{
    bool ok;
    switch (f->type) {
    case ZJ_FIELD_DATE:
    case ZJ_FIELD_MONTH: ok = check_date(f, s, why); break;
    case ZJ_FIELD_ENUM: ok = check_enum(f, s, why); break;
    default: ok = check_text(f, s, why); break;
    }
    if (ok) {
        v->present = true;
        v->s = s;
    }
    return ok;
}

static bool check_int(const zj_field *f, int64_t i, zj_value_in *v, zj_invalid *why)
{
    if (i < f->min || i > f->max)
        return refuse(why, 400, "invalid_field", f->name, "must be an integer from %lld to %lld",
                      (long long)f->min, (long long)f->max);
    v->present = true;
    v->i = i;
    return true;
}

/* A decimal integer in query text: optional '-', 1..18 digits, nothing else. */
static bool parse_decimal(const char *s, int64_t *out)
{
    bool neg = *s == '-';
    if (neg)
        s++;
    size_t n = strlen(s);
    if (n == 0 || n > 18)
        return false;
    int64_t v = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return false;
        v = v * 10 + (s[i] - '0');
    }
    *out = neg ? -v : v;
    return true;
}

/* An unknown name as it may be echoed in an error: printable UTF-8, cut on a character
 * boundary, or "?" when it is not text. */
static void shown_name(const char *name, char *out, size_t cap)
{
    size_t n = strlen(name);
    if (!zj_utf8_valid(name, n) || has_control(name, n, false)) {
        snprintf(out, cap, "?");
        return;
    }
    if (n >= cap) {
        n = cap - 1;
        while (n > 0 && ((unsigned char)name[n] & 0xC0) == 0x80)
            n--;
    }
    memcpy(out, name, n);
    out[n] = '\0';
}

static const zj_field *find_field(const zj_field *fields, size_t n, const char *name, size_t *at)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(fields[i].name, name) == 0) {
            *at = i;
            return &fields[i];
        }
    return NULL;
}

static bool check_required(const zj_field *fields, size_t n, const zj_value_in *out,
                           zj_invalid *why)
{
    for (size_t i = 0; i < n; i++)
        if (fields[i].required && !out[i].present)
            return refuse(why, 400, "missing_field", fields[i].name, "is required");
    return true;
}

bool zj_validate_query(const zj_http_request *q, const zj_field *fields, size_t n,
                       zj_value_in *out, zj_invalid *why)
{
    if (n)
        memset(out, 0, n * sizeof *out);
    for (size_t k = 0; k < q->nquery; k++) {
        const char *key = q->query[k].key ? q->query[k].key : "";
        const char *val = q->query[k].value ? q->query[k].value : "";
        size_t at;
        const zj_field *f = find_field(fields, n, key, &at);
        if (!f) {
            char shown[48];
            shown_name(key, shown, sizeof shown);
            return refuse(why, 400, "unknown_field", shown, "is not a parameter of this endpoint");
        }
        if (out[at].present)
            return refuse(why, 400, "invalid_field", f->name, "is given more than once");
        if (f->type == ZJ_FIELD_INT) {
            int64_t i;
            if (!parse_decimal(val, &i))
                return refuse(why, 400, "invalid_field", f->name, "must be a decimal integer");
            if (!check_int(f, i, &out[at], why))
                return false;
        } else if (f->type == ZJ_FIELD_BOOL) {
            bool t = strcmp(val, "true") == 0 || strcmp(val, "1") == 0;
            if (!t && strcmp(val, "false") != 0 && strcmp(val, "0") != 0)
                return refuse(why, 400, "invalid_field", f->name, "must be true or false");
            out[at].present = true;
            out[at].i = t;
        } else if (f->type == ZJ_FIELD_TEXT_LIST) {
            return refuse(why, 400, "invalid_field", f->name, "cannot be given in the query");
        } else if (!check_string(f, val, &out[at], why)) {
            return false;
        }
    }
    return check_required(fields, n, out, why);
}

bool zj_is_json_type(const char *ct)
{
    if (!ct)
        return false;
    while (*ct == ' ')
        ct++;
    size_t n = strlen("application/json");
    return strncasecmp(ct, "application/json", n) == 0 &&
           (ct[n] == '\0' || ct[n] == ';' || ct[n] == ' ');
}

static const char *json_type_name(const cJSON *j)
{
    if (cJSON_IsString(j)) return "a string";
    if (cJSON_IsNumber(j)) return "a number";
    if (cJSON_IsBool(j)) return "a boolean";
    if (cJSON_IsNull(j)) return "null";
    if (cJSON_IsArray(j)) return "an array";
    if (cJSON_IsObject(j)) return "an object";
    return "invalid";
}

static bool check_member(const zj_field *f, const cJSON *j, zj_value_in *v, zj_invalid *why)
{
    switch (f->type) {
    case ZJ_FIELD_INT: {
        if (!cJSON_IsNumber(j))
            return refuse(why, 400, "invalid_field", f->name, "must be an integer, not %s",
                          json_type_name(j));
        double d = j->valuedouble;
        if (!isfinite(d) || d != floor(d) || fabs(d) > 9007199254740991.0)
            return refuse(why, 400, "invalid_field", f->name, "must be a whole number");
        return check_int(f, (int64_t)d, v, why);
    }
    case ZJ_FIELD_BOOL:
        if (!cJSON_IsBool(j))
            return refuse(why, 400, "invalid_field", f->name, "must be true or false, not %s",
                          json_type_name(j));
        v->present = true;
        v->i = cJSON_IsTrue(j);
        return true;
    case ZJ_FIELD_TEXT_LIST: {
        if (!cJSON_IsArray(j))
            return refuse(why, 400, "invalid_field", f->name, "must be an array of strings, not %s",
                          json_type_name(j));
        if (cJSON_GetArraySize(j) > f->max)
            return refuse(why, 400, "invalid_field", f->name, "has more than %lld items",
                          (long long)f->max);
        zj_field item = {f->name, ZJ_FIELD_TEXT, false, 1, 200, NULL};
        const cJSON *e;
        cJSON_ArrayForEach(e, j) {
            zj_value_in dummy = {0};
            if (!cJSON_IsString(e))
                return refuse(why, 400, "invalid_field", f->name, "must hold strings only");
            if (!check_string(&item, e->valuestring, &dummy, why))
                return false;
        }
        v->present = true;
        v->list = j;
        return true;
    }
    default:
        if (!cJSON_IsString(j))
            return refuse(why, 400, "invalid_field", f->name, "must be a string, not %s",
                          json_type_name(j));
        return check_string(f, j->valuestring, v, why);
    }
}

bool zj_validate_body(const char *body, size_t len, const zj_field *fields, size_t n,
                      cJSON **json, zj_value_in *out, zj_invalid *why)
{
    *json = NULL;
    if (n)
        memset(out, 0, n * sizeof *out);
    if (!body || len == 0)
        return refuse(why, 400, "malformed_json", NULL, "the request needs a JSON object body");
    if (!zj_utf8_valid(body, len) || memchr(body, '\0', len))
        return refuse(why, 400, "malformed_json", NULL, "the body is not valid UTF-8 text");
    /* cJSON decodes \u0000 into a NUL that would silently cut the string short. */
    for (size_t i = 0; i + 6 <= len; i++)
        if (body[i] == '\\' && (body[i + 1] == 'u' || body[i + 1] == 'U') &&
            strncmp(body + i + 2, "0000", 4) == 0)
            return refuse(why, 400, "malformed_json", NULL, "the body contains a \\u0000 escape");
    const char *end = NULL;
    cJSON *root = cJSON_ParseWithLengthOpts(body, len, &end, false);
    if (!root) {
        size_t at = end && end >= body ? (size_t)(end - body) : 0;
        return refuse(why, 400, "malformed_json", NULL, "the body is not valid JSON (at byte %zu)",
                      at);
    }
    for (const char *p = end; p && p < body + len; p++)
        if (*p != ' ' && *p != '\n' && *p != '\r' && *p != '\t') {
            cJSON_Delete(root);
            return refuse(why, 400, "malformed_json", NULL,
                          "the body has text after its JSON value (at byte %zu)",
                          (size_t)(p - body));
        }
    if (!cJSON_IsObject(root)) {
        cJSON_Delete(root);
        return refuse(why, 400, "malformed_json", NULL, "the body must be a JSON object");
    }
    const cJSON *m;
    cJSON_ArrayForEach(m, root) {
        size_t at;
        const char *key = m->string ? m->string : "";
        const zj_field *f = find_field(fields, n, key, &at);
        if (!f) {
            char shown[48];
            shown_name(key, shown, sizeof shown);
            cJSON_Delete(root);
            return refuse(why, 400, "unknown_field", shown, "is not a field of this request");
        }
        if (out[at].present || (cJSON_IsNull(m) && out[at].i == -1)) {
            cJSON_Delete(root);
            return refuse(why, 400, "invalid_field", f->name, "is given more than once");
        }
        if (cJSON_IsNull(m) && !f->required) {
            out[at].i = -1;   /* null: the same as absent, but remembered for duplicates */
            continue;
        }
        if (!check_member(f, m, &out[at], why)) {
            cJSON_Delete(root);
            return false;
        }
    }
    for (size_t i = 0; i < n; i++)
        if (!out[i].present)
            out[i].i = 0;
    if (!check_required(fields, n, out, why)) {
        cJSON_Delete(root);
        return false;
    }
    *json = root;
    return true;
}
