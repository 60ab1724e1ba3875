/* validate.h - turning a request's query string and JSON body into checked values.
 *
 * Each endpoint describes its inputs as a table of zj_field (name, type, bounds); the
 * validators check a request against it and either fill one zj_value per field or say which
 * field is wrong and why, for a 4xx answer. Nothing here touches a socket or the store, so the
 * fuzz target (tests/fuzz/fuzz_http.c) calls exactly what the server calls.
 *
 * Rules for every input: text is well-formed UTF-8 without control characters (free text
 * fields allow newline and tab), within its length in characters; integers are decimal,
 * without sign tricks or overflow; dates are real calendar dates; enums are one of the listed
 * words; unknown fields and repeated JSON keys are refused rather than ignored.
 */
#ifndef ZJ_SERVE_VALIDATE_H
#define ZJ_SERVE_VALIDATE_H

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "serve/http.h"

typedef enum zj_field_type {
    ZJ_FIELD_TEXT = 0,     /* one line of text: min..max characters */
    ZJ_FIELD_NOTE,         /* free text: newline and tab allowed */
    ZJ_FIELD_INT,          /* min..max */
    ZJ_FIELD_BOOL,
    ZJ_FIELD_DATE,         /* "YYYY-MM-DD" */
    ZJ_FIELD_MONTH,        /* "YYYY-MM" */
    ZJ_FIELD_ENUM,         /* one of choices (NULL-terminated) */
    ZJ_FIELD_TEXT_LIST,    /* JSON body only: an array of at most max TEXT items */
} zj_field_type;

typedef struct zj_field {
    const char *name;
    zj_field_type type;
    bool required;
    int64_t min, max;              /* INT: range; TEXT/NOTE: length in characters */
    const char *const *choices;    /* ENUM: NULL-terminated */
} zj_field;

/* A checked value, parallel to its zj_field. Strings point into the request or the parsed
 * body and live as long as they do. */
typedef struct zj_value_in {
    bool present;
    int64_t i;                     /* INT, BOOL (0/1) */
    const char *s;                 /* TEXT, NOTE, DATE, MONTH, ENUM */
    const cJSON *list;             /* TEXT_LIST: the checked array */
} zj_value_in;

/* Why a request was refused. */
typedef struct zj_invalid {
    int status;                    /* 400, 413, 415 ... */
    const char *code;              /* "invalid_field", "missing_field", "unknown_field",
                                      "malformed_json", "unsupported_media_type" ... */
    char field[64];                /* "" when no single field is at fault */
    char message[320];
} zj_invalid;

#define ZJ_MAX_FIELDS 24

/* Check the query parameters of `q` against fields[0..n) (n <= ZJ_MAX_FIELDS) into out[].
 * Returns true, or false with *why set. */
bool zj_validate_query(const zj_http_request *q, const zj_field *fields, size_t n,
                       zj_value_in *out, zj_invalid *why);

/* Parse `body` (len bytes; a JSON object) and check it against fields[0..n) into out[].
 * Returns true with *json set (the caller frees it with cJSON_Delete after using out[]), or
 * false with *why set and *json NULL. */
bool zj_validate_body(const char *body, size_t len, const zj_field *fields, size_t n,
                      cJSON **json, zj_value_in *out, zj_invalid *why);

/* The content type of a JSON body ("application/json", parameters allowed). */
bool zj_is_json_type(const char *content_type);

/* Paging, shared by every list: limit 1..500 (default 50) and offset 0..10^9. */
#define ZJ_PAGE_FIELDS \
    {"limit", ZJ_FIELD_INT, false, 1, 500, NULL}, {"offset", ZJ_FIELD_INT, false, 0, 1000000000, NULL}

#endif
