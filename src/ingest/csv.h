/* csv.h - a streaming RFC 4180 CSV parser (CSV 解析).
 *
 * Handles quoted fields with embedded delimiters, doubled quotes and embedded newlines,
 * CRLF / LF / lone-CR line ends, a missing final newline, and any single-byte delimiter
 * (',' '\t' ';' '|'). Reads through a zj_input, so the bytes it sees are UTF-8.
 *
 * Leniency, chosen so that real exports load and nothing is lost silently:
 *  - a quote inside an unquoted field is kept literally (ab"c -> ab"c);
 *  - characters after a closing quote before the delimiter ("ab"x,) mark the record malformed:
 *    row.error = "unexpected character after closing quote"; they are dropped up to the next
 *    delimiter or line end, the rest of the record is parsed as usual (a quoted newline later
 *    in it stays inside the record) and the next record is unaffected;
 *  - a quoted field still open `max_quoted_lines` lines (default 100) after the line it opened
 *    on, or at the end of input, is a stray quote: the record is cut after that line and
 *    malformed ("quoted field opened on line N is never closed (a stray quote?)" or "... is
 *    not closed within M lines ..."), no fields, raw = the record up to there; the next record
 *    starts on the following line, so nothing after it is lost;
 *  - a NUL byte anywhere in a record marks it malformed: "contains a NUL byte (\0)";
 *  - blank lines (a line with no bytes at all) are skipped; they still count for line numbers.
 * Field count is not checked here: the importer compares it with the header.
 *
 * Memory is bounded by the longest record (plus a read buffer); a record longer than
 * `max_record_bytes` (default 16 MiB; line terminator excluded) is reported as malformed
 * ("record too long", no fields) and skipped up to its end, quotes respected. A record with
 * more than ZJ_CSV_MAX_FIELDS fields is reported as "too many fields" (the first
 * ZJ_CSV_MAX_FIELDS are kept). A record with several problems reports the first one found,
 * except that "record too long" wins.
 *
 * row.line is the physical line where the record starts: LF, CRLF and lone CR each end one
 * line, inside quoted fields too.
 */
#ifndef ZJ_CSV_H
#define ZJ_CSV_H

#include "base/error.h"
#include "ingest/row.h"
#include "text/input.h"

typedef struct zj_csv_options {
    char delimiter;            /* default ',' when 0 */
    char quote;                /* default '"' when 0 */
    size_t max_record_bytes;   /* default 16 MiB when 0 */
    int64_t max_quoted_lines;  /* lines a quoted field may span (default 100 when <= 0) */
} zj_csv_options;

#define ZJ_CSV_MAX_FIELDS 65536

typedef struct zj_csv zj_csv;

/* Create a parser reading from `in` (borrowed; the caller closes it after zj_csv_free).
 * `opts` may be NULL. Returns NULL when out of memory, or when the options cannot work:
 * delimiter and quote equal, or either of them CR or LF. */
zj_csv *zj_csv_new(zj_input *in, const zj_csv_options *opts);

/* Parse the next record into *row. Returns 1 when a record (possibly malformed, see
 * row->error) was produced, 0 at end of input (again on every later call), -1 on an I/O
 * error or when out of memory (err set; then only zj_csv_free may follow). The spans in *row
 * point into the parser's buffer and stay valid until the next call, and so does row->error.
 * Field bytes are unescaped (quotes removed, "" -> "). A well-formed record has at least one
 * field. */
int zj_csv_next(zj_csv *csv, zj_row *row, zj_error *err);

/* The text of the record zj_csv_next gave last, as read (decoded to UTF-8, line terminator
 * excluded), valid as long as its spans; p == NULL when the parser no longer has it: a record
 * too long, or a well-formed one with a "" in a field (unescaped in place). */
zj_span zj_csv_raw(const zj_csv *csv);

void zj_csv_free(zj_csv *csv);

#endif
