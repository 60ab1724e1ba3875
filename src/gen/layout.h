/* layout.h - which layout each export is written in: the default one, or a foreign one (外来版式).
 *
 * A foreign layout is another agency's way of exporting the same records: its own file name,
 * Chinese headers, column order, date styles, code values, units and prisons by name, amounts
 * as people write them ("1,234.56元", "1.2万元", "60%"), and a mapping file in format v2 that
 * brings it back to the same canonical records. Most foreign layouts are re-renderings: the
 * export's row function writes the default columns, the writer captures them and
 * zg_foreign_render() writes the foreign columns (each zg_col of the foreign export names the
 * default field it shows in `field` and how in `opts`, below). Layouts whose rows differ in
 * structure (court type only in the case number, counts instead of event rows, a status time)
 * are `direct`: the export's row function writes the foreign columns itself.
 *
 * Foreign column `opts` (rewrites of the captured default value):
 *   NULL                 as captured (dates in the foreign column's style)
 *   "unit_name"          a unit code -> the unit's name (法院, 监狱 ... as named)
 *   "unit_name_digits"   the same, prisons numbered in digits (陕西省第1监狱 for 陕西省第一监狱)
 *   "map:a=b|c=d"        a default code value -> the foreign one (others unchanged)
 *   "yuan"               an amount in yuan -> "1,234.56元", or "1.74万元" when whole hundreds
 *   "wan"                an amount in 10k yuan -> "500万元", "12.5万元"
 *   "gcj_lat", "gcj_lon" the point's latitude or longitude in GCJ-02 (the mapping says
 *                        `crs: gcj02`)
 *   "percent"            a share in percent -> "60%", "35.5%"; every other row as a fraction,
 *                        "0.6", as files typed by different hands have it
 */
#ifndef ZJ_GEN_LAYOUT_H
#define ZJ_GEN_LAYOUT_H

#include <stdbool.h>

#include "gen/internal.h"

struct zg_foreign {
    const zg_export *base;   /* the default layout of the same export */
    const zg_export *x;      /* the foreign file */
    const char *mapping;     /* its mapping file (format v2) */
    bool direct;             /* the row function writes x's columns itself */
    const char *total;       /* a last line "合计,共N件" as ledgers end (the mapping skips it) */
};

/* The foreign layout g writes `base` in, or NULL for the default layout. */
const zg_foreign *zg_foreign_of(const zg *g, const zg_export *base);
/* Whether g writes the exports of source system `system` in foreign layouts. */
bool zg_system_foreign(const zg *g, const char *system);
/* Write the captured default row of w in its foreign layout's columns. */
void zg_foreign_render(zg_writer *w);
/* Write a foreign layout's mapping file into g's directory. */
int zg_write_foreign_mapping(zg *g, const zg_foreign *fx, zj_error *err);

/* Text helpers shared by the foreign row functions. */
const char *zg_unit_name(const zg *g, const char *code);   /* NULL when unknown */
int zg_fmt_yuan(char *out, double yuan);                    /* "1,234.56元" / "1.74万元" */
int zg_fmt_wan(char *out, double wan);                      /* "500万元" */
int zg_fmt_percent(char *out, double pct);                  /* "60%" */
void zg_layout_free(void);

#endif
