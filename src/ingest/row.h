/* row.h - one record as handed from a parser (CSV, JSON Lines) to the import step. */
#ifndef ZJ_ROW_H
#define ZJ_ROW_H

#include <stddef.h>
#include <stdint.h>

/* A field's bytes, borrowed from the parser. `p == NULL` means absent/null (a JSON null or a
 * missing key); an empty CSV field is p != NULL, n == 0. Not NUL-terminated. */
typedef struct zj_span {
    const char *p;
    size_t n;
} zj_span;

typedef struct zj_row {
    const zj_span *fields;   /* nfields spans, valid until the parser's next call */
    size_t nfields;
    int64_t line;            /* 1-based physical line on which the record starts */
    const char *error;       /* non-NULL: the record is malformed; reject it. Valid until the
                                parser's next call */
} zj_row;

#endif
