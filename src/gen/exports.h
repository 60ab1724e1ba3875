/* exports.h - the export layouts (one zg_export per file) and the functions writing them. */
#ifndef ZJ_GEN_EXPORTS_H
#define ZJ_GEN_EXPORTS_H

#include "gen/internal.h"

#define ZG_EXPORT(name) extern const zg_export zg_x_##name; int zg_emit_##name(zg *g, zg_writer *w);
#define ZG_EXPORT_ONLY(name) extern const zg_export zg_x_##name;
ZG_EXPORT(units)
ZG_EXPORT(court_officers)
ZG_EXPORT(procu_officers)
ZG_EXPORT(police_officers)
ZG_EXPORT(justice_officers)
ZG_EXPORT_ONLY(relatives)
ZG_EXPORT_ONLY(persons)
ZG_EXPORT_ONLY(enterprises)
ZG_EXPORT_ONLY(roles)
ZG_EXPORT_ONLY(tax)
ZG_EXPORT_ONLY(incidents)
ZG_EXPORT_ONLY(police_cases)
ZG_EXPORT_ONLY(police_parties)
ZG_EXPORT_ONLY(police_events)
ZG_EXPORT_ONLY(procu_cases)
ZG_EXPORT_ONLY(procu_events)
ZG_EXPORT_ONLY(procu_parties)
ZG_EXPORT_ONLY(court_cases)
ZG_EXPORT_ONLY(court_parties)
ZG_EXPORT_ONLY(court_events)
ZG_EXPORT(court_sgd)
ZG_EXPORT(procu_sgd)
ZG_EXPORT(complaints_12309)
ZG_EXPORT(complaints_12368)
ZG_EXPORT(sentence_changes)
ZG_EXPORT(regions)
ZG_EXPORT(cc_subjects)
ZG_EXPORT(cc_leaves)
ZG_EXPORT(cc_locations)
#undef ZG_EXPORT

/* Exports written together in one pass over their domain (emit == NULL, group > 0): the
 * group's function gets the writers of its members in list order. */
int zg_emit_person_files(zg *g, zg_writer **w);   /* relatives, persons */
int zg_emit_market_files(zg *g, zg_writer **w);   /* enterprises, roles, tax */
int zg_emit_case_files(zg *g, zg_writer **w);     /* incidents ... court events */

typedef struct zg_export_entry {
    const zg_export *x;
    int (*emit)(zg *g, zg_writer *w);
    int group;
} zg_export_entry;

extern int (*const zg_group_emit[])(zg *g, zg_writer **w);

extern const zg_export_entry zg_export_list[];
extern const int zg_export_count;

/* Source keys of records other files and the truth refer to. */
void zg_officer_key(const zg *g, int64_t o, char *out, size_t cap);
#endif
