/* layout_mappings.c - the mapping files (format v2, docs/mapping.md) of the foreign layouts.
 *
 * They are data, kept as YAML under rules/gen_foreign/ (one STEM.yaml per export) and compiled
 * in as zg_map_STEM by scripts/gen-table.py, so that `zhijian gen` needs no file beside it.
 */
#include "gen/layout_exports.h"

#include "gen_foreign_mappings.inc"
