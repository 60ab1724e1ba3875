/* export.h - a list's rows as a CSV or XLSX file (导出), for the export endpoints.
 *
 * A list is the API's own JSON items (so an export shows exactly what the list shows, masked
 * the same way); `columns` names which scalar fields become columns, in order. CSV is UTF-8
 * with a byte-order mark (so spreadsheet programs read Chinese correctly), RFC 4180 quoting,
 * and a leading apostrophe on cells that start with = + - @ or a control character, so no
 * cell is taken for a formula (CSV injection). XLSX cells are written as strings or numbers,
 * never formulas (libxlsxwriter).
 */
#ifndef ZJ_SERVE_EXPORT_H
#define ZJ_SERVE_EXPORT_H

#include <cjson/cJSON.h>
#include <stddef.h>

#include "base/buf.h"
#include "base/error.h"

/* Append items (a JSON array of objects) as CSV with a header row to out. */
int zj_export_csv(const cJSON *items, const char *const *columns, size_t ncolumns, zj_buf *out,
                  zj_error *err);

/* Write items as an XLSX workbook with one sheet called `sheet` into out. */
int zj_export_xlsx(const cJSON *items, const char *const *columns, size_t ncolumns,
                   const char *sheet, zj_buf *out, zj_error *err);

#endif
