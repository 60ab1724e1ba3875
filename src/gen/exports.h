/* exports.h - the export layouts (one zg_export per file) and the functions writing them. */
#ifndef ZJ_GEN_EXPORTS_H
#define ZJ_GEN_EXPORTS_H

#include "gen/internal.h"

#define ZG_EXPORT(name) extern const zg_export zg_x_##name; int zg_emit_##name(zg *g, zg_writer *w);
ZG_EXPORT(units)
ZG_EXPORT(court_officers)
ZG_EXPORT(procu_officers)
ZG_EXPORT(police_officers)
ZG_EXPORT(justice_officers)
ZG_EXPORT(relatives)
ZG_EXPORT(persons)
ZG_EXPORT(enterprises)
ZG_EXPORT(roles)
ZG_EXPORT(tax)
ZG_EXPORT(incidents)
ZG_EXPORT(police_cases)
ZG_EXPORT(police_parties)
ZG_EXPORT(police_events)
ZG_EXPORT(procu_cases)
ZG_EXPORT(procu_events)
ZG_EXPORT(court_cases)
ZG_EXPORT(court_parties)
ZG_EXPORT(court_events)
ZG_EXPORT(court_sgd)
ZG_EXPORT(procu_sgd)
ZG_EXPORT(complaints_12309)
ZG_EXPORT(complaints_12368)
ZG_EXPORT(sentence_changes)
ZG_EXPORT(cc_subjects)
ZG_EXPORT(cc_leaves)
ZG_EXPORT(cc_locations)
#undef ZG_EXPORT

typedef struct zg_export_entry {
    const zg_export *x;
    int (*emit)(zg *g, zg_writer *w);
} zg_export_entry;

extern const zg_export_entry zg_export_list[];
extern const int zg_export_count;

/* Source keys of records other files and the truth refer to. */
void zg_officer_key(const zg *g, int64_t o, char *out, size_t cap);
#endif
