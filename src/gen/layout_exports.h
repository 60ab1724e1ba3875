/* layout_exports.h - the foreign layouts written by their own row functions
 * (emit_cases_foreign.c) and the foreign mapping files (layout_mappings.c). */
#ifndef ZJ_GEN_LAYOUT_EXPORTS_H
#define ZJ_GEN_LAYOUT_EXPORTS_H

#include "gen/anomalies.h"
#include "gen/internal.h"

extern const zg_export zg_f_regions;
extern const zg_export zg_f_police_cases, zg_f_procu_cases, zg_f_procu_events,
    zg_f_court_cases, zg_f_court_events;

/* Rows of the direct foreign layouts (one case each). */
int zg_foreign_police_case(zg *g, zg_writer *w, const zg_chain *ch);
int zg_foreign_procu_case(zg *g, zg_writer *w, const zg_chain *ch);
int zg_foreign_procu_events(zg *g, zg_writer *w, const zg_chain *ch);
int zg_foreign_court_case(zg *g, zg_writer *w, const zg_civil *cs, const char *procu_no);
int zg_foreign_court_events(zg *g, zg_writer *w, const zg_civil *cs);
/* The procuratorate's case number as its system writes it: in the foreign layout the
 * department acceptance number (部门受案号) carries the unit's region code before the serial,
 * as 统一业务应用系统 numbers do (阎检刑诉受〔2021〕610114000007号). Rewrites ch->procu_no. */
void zg_foreign_procu_no(const zg *g, zg_chain *ch);

extern const char zg_map_units[], zg_map_court_officers[], zg_map_procu_officers[],
    zg_map_police_officers[], zg_map_justice_officers[], zg_map_relatives[], zg_map_persons[],
    zg_map_enterprises[], zg_map_roles[], zg_map_tax[], zg_map_incidents[],
    zg_map_police_cases[], zg_map_police_parties[], zg_map_police_events[],
    zg_map_procu_cases[], zg_map_procu_events[], zg_map_procu_parties[], zg_map_court_cases[], zg_map_court_parties[],
    zg_map_court_events[], zg_map_court_sgd[], zg_map_procu_sgd[], zg_map_complaints_12309[],
    zg_map_complaints_12368[], zg_map_sentence_changes[], zg_map_cc_subjects[],
    zg_map_cc_leaves[], zg_map_cc_locations[], zg_map_regions[];

#endif
