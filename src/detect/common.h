/* common.h - helpers the detectors share: dates as day numbers, the unit table in memory,
 * jurisdiction (辖区) by region code, and text for explanations.
 */
#ifndef ZJ_DETECT_COMMON_H
#define ZJ_DETECT_COMMON_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"
#include "base/error.h"
#include "detect/detect.h"
#include "store/store.h"

/* SQL condition: the interference_record aliased `ir` is current - no later record of its
 * source system corrects it (corrects_record_no; a correction never edits the record it
 * replaces, docs/workflow.md). Detectors reading what records say use it; the monthly duty
 * (TR01/TR02) counts every filing, so a month's first report stands. */
#define ZJ_IR_CURRENT                                                                        \
    " AND NOT EXISTS (SELECT 1 FROM interference_record ir_fix"                              \
    " WHERE ir_fix.corrects_record_no = ir.record_no"                                        \
    " AND ir_fix.source_system = ir.source_system)"

/* Open ends of an interval of days. */
#define ZJ_DAY_MIN (LONG_MIN / 2)
#define ZJ_DAY_MAX (LONG_MAX / 2)

/* Days since 1970-01-01 of the date at the start of s ("YYYY-MM-DD", a timestamp is fine),
 * or `missing` when s is NULL, empty or not a date. */
long zj_day(const char *s, long missing);
/* Column `col` of the current row as a day number (see zj_day). */
long zj_stmt_day(zj_stmt *st, int col, long missing);
/* "YYYY-MM-DD" of a day number into out[11]. */
void zj_day_format(long day, char out[11]);

/* ---- units (单位) ------------------------------------------------------------------------- */

typedef struct zj_unit_info {
    char code[32];
    char name[160];
    char agency[24];          /* court|procuratorate|police|justice|... */
    char level[12];           /* province|city|county|station */
    char region[8];           /* 6-digit region code, "" if unknown */
} zj_unit_info;

typedef struct zj_units {
    zj_unit_info *u;          /* sorted by code */
    size_t n;
} zj_units;

/* Load every unit (one per code: the first by id). */
int zj_units_load(zj_store *s, zj_units *out, zj_error *err);
void zj_units_free(zj_units *u);
const zj_unit_info *zj_units_find(const zj_units *u, const char *code);

/* True when a place with 6-digit region code `region` lies in the unit's jurisdiction:
 * a provincial unit covers its province (first 2 digits), a city-level unit its city (first
 * 4), a county-level unit or station its county (all 6). The level comes from unit.level, or
 * from the unit's region code (XX0000 province, XXYY00 city) when the level is not given. */
bool zj_in_jurisdiction(const zj_unit_info *u, const char *region);

/* The 6-digit region of a place from its region code, or from a credit code (characters 3-8)
 * when the region code is missing. Writes "" when neither gives one. */
void zj_region_of(const char *region_code, const char *uscc, char out[8]);

/* ---- text --------------------------------------------------------------------------------- */

/* Chinese and English names of codes used in explanations: relations (spouse ...),
 * enterprise roles (legal_rep ...), agencies. Unknown codes are returned as given. */
const char *zj_zh_relation(const char *relation);
const char *zj_en_relation(const char *relation);
const char *zj_zh_role(const char *role);
const char *zj_en_role(const char *role);
const char *zj_zh_agency(const char *agency);

/* Append a date interval "2019-02-25 至 2021-06-30" / "2019-02-25 起" (open end) in Chinese,
 * or its English form. */
void zj_buf_interval_zh(zj_buf *b, long from, long to);
void zj_buf_interval_en(zj_buf *b, long from, long to);

/* ---- links without an ID ------------------------------------------------------------------ */

/* When the person a record names (its mention `role`) was placed in the entity a lead rests
 * on by the linking model, not by an ID, say so: append to zh and en the record, the weight
 * and probability of the link that placed it and the `zhijian link explain` command, and add
 * the facts unidentified_mentions, unidentified_weights and unidentified_probabilities.
 * Nothing is added for a mention placed by a trusted ID. *noted counts the notes added. */
int zj_note_placement(zj_store *s, zj_lead *l, const char *table, int64_t record_id,
                      const char *role, zj_buf *zh, zj_buf *en, int *noted, zj_error *err);

/* Append the natural key of a record ("source_system" US "source_key") to a lead's key. */
int zj_lead_key_record(zj_lead *l, const char *system, const char *key);

#endif
