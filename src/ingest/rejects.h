/* rejects.h - where an import's rejected rows go: a reject file, or a listing (拒收记录).
 *
 * A rejected row is never dropped silently. An import writes each one to a reject file, a CSV
 * with the columns file, line, field, reason, raw, created mode 0600 (rows hold personal data)
 * in a directory created mode 0700 if needed. A dry run writes no file unless it was given a
 * directory: it lists the rejects on a stream instead ("FILE:LINE: reason" and the raw text
 * indented below).
 *
 * raw is the row as read when the parser still has it (zj_csv_raw, zj_jsonl_raw: always for a
 * malformed record), else the parsed fields joined again as CSV. Bytes that are not valid
 * UTF-8 (an undecodable byte, see input.h) become U+FFFD in raw and reason, and NUL bytes
 * U+2400 (␀), so the reject file and the store hold text.
 */
#ifndef ZJ_REJECTS_H
#define ZJ_REJECTS_H

#include <stdbool.h>
#include <stdio.h>

#include "base/buf.h"
#include "base/error.h"
#include "ingest/row.h"

typedef struct zj_rejects {
    /* set by the caller */
    const char *dir;           /* directory for the reject file; NULL: list on `listing` */
    FILE *listing;             /* borrowed stream for listing (dir == NULL); NULL: stdout */
    const char *file;          /* the data file, as named on the command line */
    char *path;                /* receives the reject file's path (4096 bytes) */
    /* internal */
    FILE *f;
    zj_buf line;
    zj_buf raw;
    zj_buf reason;
} zj_rejects;

/* Record one rejected row: row (its line and, when raw.p is NULL, its fields), the row's raw
 * text (may be {NULL, 0}), the canonical field at fault (NULL for the whole row) and the
 * reason. The reject file is created on the first call. Returns ZJ_OK or ZJ_EDATA (err set:
 * the file cannot be created or written). */
int zj_rejects_add(zj_rejects *r, const zj_row *row, zj_span raw, const char *field,
                   const char *reason, zj_error *err);

/* The raw text and reason of the last row added, as written (valid until the next add). */
zj_span zj_rejects_last_raw(const zj_rejects *r);
const char *zj_rejects_last_reason(const zj_rejects *r);

/* Close the reject file and free buffers. Returns ZJ_OK, or ZJ_EDATA when the file could not
 * be written out. Safe on a zj_rejects that never saw a row. */
int zj_rejects_close(zj_rejects *r, zj_error *err);

#endif
