/* imports.h - an import on behalf of a person or an agency system (数据导入), for front ends
 * that take files from others (the HTTP API): the permission check, the import itself
 * (ingest/import.h) and its audit entry, in one call.
 *
 * ZJ_PERM_IMPORT is required (data stewards, service accounts, administrators). The batch is
 * imported as `zhijian import` would (one file, one transaction, rejected rows reported); then
 * an "import.batch" entry names the file, the mapping, the counts and the batch. The audit
 * entry follows the batch's own transaction (the importer commits it), so a crash between the
 * two leaves a batch without its entry, never an entry without its batch.
 */
#ifndef ZJ_WORK_IMPORTS_H
#define ZJ_WORK_IMPORTS_H

#include "base/error.h"
#include "ingest/import.h"
#include "store/store.h"
#include "work/actor.h"

/* Import `file` through the mapping at `mapping_path` for actor `a`. `opt` as for
 * zj_import_file. Returns what zj_import_file returns, or ZJ_EPERM (nothing read). */
int zj_work_import(zj_store *s, const zj_actor *a, const char *mapping_path, const char *file,
                   const zj_import_options *opt, zj_import_result *res, zj_error *err);

#endif
