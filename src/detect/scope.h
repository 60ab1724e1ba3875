/* scope.h - the cases one detect run re-evaluates (增量检测): which records are new since a
 * detector's previous run, and which cases they touch.
 *
 * Every canonical record carries the import batch that wrote it last (batch_id). A detect run
 * records the newest committed batch it saw (detect_run.batch_mark); the records of the
 * batches after a detector's previous mark are what is new to it. A case-flow case is named
 * by its ledger and number, (system, case_no) with system incident|police|procuratorate|court.
 * A new record touches its own case, the cases whose numbers it carries (a procuratorate case
 * names its police case and its court case ...), the cases that carry its number (one reverse
 * step: the police case that names a new procuratorate case), the earlier agency's cases that
 * share a linked party with a case in scope (a police case whose suspect is the suspect of a new
 * procuratorate case that names no number of it: the match by parties and dates of CF01 and
 * CF05), and, for a process node with an approval number, every case whose nodes carry the same
 * approval. A new case party touches its case. These are the cases whose
 * findings can change; the others' findings cannot, as long as the reference day and the rules
 * stay the same.
 *
 * The scope lives in two temporary tables of the connection, read by the detectors' SQL and by
 * the lead sink:
 *   temp.zj_case_scope (system, case_no, cause_table, cause_id, cause_batch, cause_note)
 *   temp.zj_scope_subject (table_name, record_id, cause_table, cause_id, cause_batch, cause_note)
 * the second being the case records of the first (incident, police_case, procuratorate_case,
 * court_case rows), each with the new record that put it in scope (its cause; the first found
 * when several did).
 */
#ifndef ZJ_DETECT_SCOPE_H
#define ZJ_DETECT_SCOPE_H

#include <stdint.h>

#include "base/buf.h"
#include "base/error.h"
#include "store/store.h"

/* *mark = the id of the newest committed import batch (0 when none). */
int zj_scope_batch_mark(zj_store *s, int64_t *mark, zj_error *err);

/* Fill the scope tables with the cases touched by the records of batches after `from` up to
 * `to` (from < id <= to). *cases = case keys in scope, *subjects = case records among them.
 * Creates the temporary tables on first use and empties them first. */
int zj_scope_build(zj_store *s, int64_t from, int64_t to, int64_t *cases, int64_t *subjects,
                   zj_error *err);

/* The filter a detector adds to its SQL when it runs on the scope: `sql` with every "@SCOPE@"
 * replaced by `filter` (or by nothing when filter is NULL), into out. ZJ_EDATA when out of
 * memory. */
int zj_scope_sql(const char *sql, const char *filter, zj_buf *out, zj_error *err);

#endif
