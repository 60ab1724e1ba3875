/* scope.c - the cases a detect run re-evaluates: new records, the cases they touch (scope.h).
 *
 * Each kind of new record adds its case keys by one statement of the table below, run only for
 * tables that received a batch in the range (import_batch.table_name), so a batch of case
 * events reads only case_event. Then one reverse step adds the cases that carry a number now in
 * scope, one step by parties the earlier agency's cases of the same linked entities (by_party),
 * and the case records of the keys become the subjects.
 */
#include "detect/scope.h"

#include <stdbool.h>
#include <string.h>
#include <strings.h>

#include "detect/detect.h"

/* The detectors whose findings are per case (detect.h ZJ_SCOPE_CASE): each reads only the
 * records of its subject's case and of the cases linked to it by number, the reference day and
 * its parameters, and narrows its SQL with zj_detect_scope_sql when ctx->incremental. A new
 * detector that does the same adds its code here. */
static const char *const per_case[] = {"CF01", "CF02", "CF05", "CF06", "CF07", "CF08"};

zj_detect_scope zj_detector_scope(const zj_detector *d)
{
    for (size_t i = 0; d && i < sizeof per_case / sizeof per_case[0]; i++)
        if (!strcasecmp(per_case[i], d->code))
            return ZJ_SCOPE_CASE;
    return ZJ_SCOPE_ALL;
}

/* One statement per line: $1 < batch_id <= $2. Columns: system, case_no, cause_table,
 * cause_id, cause_batch, cause_note. */
typedef struct touch {
    const char *table;
    const char *sql;
} touch;

#define INS "INSERT INTO temp.zj_case_scope (system, case_no, cause_table, cause_id, cause_batch," \
            " cause_note) "
#define NEW(t) " FROM " t " WHERE batch_id > $1 AND batch_id <= $2"
#define DONE " ON CONFLICT DO NOTHING"

static const touch touches[] = {
    {"incident", INS "SELECT 'incident', incident_no, 'incident', id, batch_id, incident_no"
                 NEW("incident") DONE},
    {"incident", INS "SELECT 'police', police_case_no, 'incident', id, batch_id, incident_no"
                 NEW("incident") " AND police_case_no IS NOT NULL" DONE},
    {"police_case", INS "SELECT 'police', case_no, 'police_case', id, batch_id, case_no"
                    NEW("police_case") DONE},
    {"police_case", INS "SELECT 'incident', incident_no, 'police_case', id, batch_id, case_no"
                    NEW("police_case") " AND incident_no IS NOT NULL" DONE},
    {"police_case", INS "SELECT 'procuratorate', procuratorate_case_no, 'police_case', id,"
                    " batch_id, case_no" NEW("police_case")
                    " AND procuratorate_case_no IS NOT NULL" DONE},
    {"procuratorate_case", INS "SELECT 'procuratorate', case_no, 'procuratorate_case', id,"
                           " batch_id, case_no" NEW("procuratorate_case") DONE},
    {"procuratorate_case", INS "SELECT 'police', police_case_no, 'procuratorate_case', id,"
                           " batch_id, case_no" NEW("procuratorate_case")
                           " AND police_case_no IS NOT NULL" DONE},
    {"procuratorate_case", INS "SELECT 'court', court_case_no, 'procuratorate_case', id,"
                           " batch_id, case_no" NEW("procuratorate_case")
                           " AND court_case_no IS NOT NULL" DONE},
    {"court_case", INS "SELECT 'court', case_no, 'court_case', id, batch_id, case_no"
                   NEW("court_case") DONE},
    {"court_case", INS "SELECT 'procuratorate', procuratorate_case_no, 'court_case', id,"
                   " batch_id, case_no" NEW("court_case")
                   " AND procuratorate_case_no IS NOT NULL" DONE},
    {"case_party", INS "SELECT case_system, case_no, 'case_party', id, batch_id, role"
                   NEW("case_party") " AND case_system IN ('police', 'procuratorate', 'court')"
                   DONE},
    {"case_event", INS "SELECT case_system, case_no, 'case_event', id, batch_id, node"
                   NEW("case_event") DONE},
    /* an approval number reused elsewhere: every case that carries it */
    {"case_event", INS "SELECT o.case_system, o.case_no, 'case_event', e.id, e.batch_id, e.node"
                   " FROM case_event e JOIN case_event o ON o.approval_no = e.approval_no"
                   " WHERE e.batch_id > $1 AND e.batch_id <= $2 AND e.approval_no IS NOT NULL"
                   " AND e.approval_no <> ''" DONE},
};

/* The reverse step: cases that carry a number now in scope (each ledger's numbers of the
 * others' cases, data-standard.md section 5). */
static const char *const reverse[] = {
    INS "SELECT 'incident', i.incident_no, s.cause_table, s.cause_id, s.cause_batch, s.cause_note"
    " FROM temp.zj_case_scope s JOIN incident i ON i.police_case_no = s.case_no"
    " WHERE s.system = 'police'" DONE,
    INS "SELECT 'procuratorate', q.case_no, s.cause_table, s.cause_id, s.cause_batch,"
    " s.cause_note FROM temp.zj_case_scope s JOIN procuratorate_case q"
    " ON q.police_case_no = s.case_no WHERE s.system = 'police'" DONE,
    INS "SELECT 'police', p.case_no, s.cause_table, s.cause_id, s.cause_batch, s.cause_note"
    " FROM temp.zj_case_scope s JOIN police_case p ON p.procuratorate_case_no = s.case_no"
    " WHERE s.system = 'procuratorate'" DONE,
    INS "SELECT 'procuratorate', q.case_no, s.cause_table, s.cause_id, s.cause_batch,"
    " s.cause_note FROM temp.zj_case_scope s JOIN procuratorate_case q"
    " ON q.court_case_no = s.case_no WHERE s.system = 'court'" DONE,
};

/* The match by parties and dates (cf_ledger.c): a case in scope may now be, or no longer be,
 * the next agency's case of an earlier case of the same linked entity, which names no number
 * of it. So the earlier agency's cases of its entities join the scope: the 110 incidents whose
 * reporter is a party of a police case in scope, and the police (procuratorate) cases whose
 * accused is an accused of a procuratorate (court) case in scope. One step, from the cases in
 * scope after the reverse step; each reads the next agency's parties by case number, then the
 * entity's other mentions. The match reads case records and parties, never process nodes, so a
 * case in scope only through a new node (its cause a case_event: the statements above add the
 * other causes first) changes no match and is no source here. */
#define ACCUSED "('suspect', 'defendant')"
/* The earlier agency's cases whose accused is an accused of a `later` case in scope. */
#define BY_ACCUSED(earlier, later)                                                          \
    INS "SELECT '" earlier "', ep.case_no, s.cause_table, s.cause_id, s.cause_batch,"       \
    " s.cause_note FROM temp.zj_case_scope s"                                               \
    " JOIN case_party op ON op.case_system = '" later "' AND op.case_no = s.case_no"        \
    "  AND op.role IN " ACCUSED                                                             \
    " JOIN mention om ON om.table_name = 'case_party' AND om.record_id = op.id"             \
    " JOIN mention em ON em.entity_id = om.entity_id AND em.table_name = 'case_party'"      \
    " JOIN case_party ep ON ep.id = em.record_id AND ep.case_system = '" earlier "'"        \
    "  AND ep.role IN " ACCUSED                                                             \
    " WHERE s.system = '" later "' AND s.cause_table <> 'case_event'"                       \
    " AND om.entity_id IS NOT NULL" DONE
static const char *const by_party[] = {
    INS "SELECT 'incident', i.incident_no, s.cause_table, s.cause_id, s.cause_batch,"
    " s.cause_note FROM temp.zj_case_scope s"
    " JOIN case_party op ON op.case_system = 'police' AND op.case_no = s.case_no"
    " JOIN mention om ON om.table_name = 'case_party' AND om.record_id = op.id"
    " JOIN mention im ON im.entity_id = om.entity_id AND im.table_name = 'incident'"
    " JOIN incident i ON i.id = im.record_id"
    " WHERE s.system = 'police' AND s.cause_table <> 'case_event'"
    " AND om.entity_id IS NOT NULL" DONE,
    BY_ACCUSED("police", "procuratorate"),
    BY_ACCUSED("procuratorate", "court"),
};

#define SUB "INSERT INTO temp.zj_scope_subject (table_name, record_id, cause_table, cause_id," \
            " cause_batch, cause_note) "

static const char *const subjects[] = {
    SUB "SELECT 'incident', i.id, s.cause_table, s.cause_id, s.cause_batch, s.cause_note"
    " FROM temp.zj_case_scope s JOIN incident i ON i.incident_no = s.case_no"
    " WHERE s.system = 'incident'" DONE,
    SUB "SELECT 'police_case', p.id, s.cause_table, s.cause_id, s.cause_batch, s.cause_note"
    " FROM temp.zj_case_scope s JOIN police_case p ON p.case_no = s.case_no"
    " WHERE s.system = 'police'" DONE,
    SUB "SELECT 'procuratorate_case', q.id, s.cause_table, s.cause_id, s.cause_batch,"
    " s.cause_note FROM temp.zj_case_scope s JOIN procuratorate_case q ON q.case_no = s.case_no"
    " WHERE s.system = 'procuratorate'" DONE,
    SUB "SELECT 'court_case', c.id, s.cause_table, s.cause_id, s.cause_batch, s.cause_note"
    " FROM temp.zj_case_scope s JOIN court_case c ON c.case_no = s.case_no"
    " WHERE s.system = 'court'" DONE,
};

static const char create_sql[] =
    "CREATE TEMP TABLE IF NOT EXISTS zj_case_scope (system TEXT NOT NULL, case_no TEXT NOT NULL,"
    " cause_table TEXT NOT NULL, cause_id INTEGER NOT NULL, cause_batch INTEGER NOT NULL,"
    " cause_note TEXT, PRIMARY KEY (system, case_no));"
    "CREATE TEMP TABLE IF NOT EXISTS zj_scope_subject (table_name TEXT NOT NULL,"
    " record_id INTEGER NOT NULL, cause_table TEXT NOT NULL, cause_id INTEGER NOT NULL,"
    " cause_batch INTEGER NOT NULL, cause_note TEXT, PRIMARY KEY (table_name, record_id));"
    "DELETE FROM temp.zj_case_scope; DELETE FROM temp.zj_scope_subject;";

static int count(zj_store *s, const char *sql, int64_t *n, zj_error *err)
{
    zj_stmt *q;
    int rc = zj_stmt_prepare(s, sql, &q, err);
    if (rc)
        return rc;
    if (zj_stmt_next(q, err) == 1)
        *n = zj_stmt_int(q, 0);
    else
        rc = ZJ_EDATA;
    zj_stmt_finalize(q);
    return rc;
}

int zj_scope_batch_mark(zj_store *s, int64_t *mark, zj_error *err)
{
    return zj_store_batch_mark(s, mark, err);   /* never past a batch still loading */
}

static int run(zj_store *s, const char *sql, int64_t from, int64_t to, zj_error *err)
{
    zj_stmt *q;
    int rc = zj_stmt_prepare(s, sql, &q, err);
    if (rc)
        return rc;
    if (strstr(sql, "$1")) {
        zj_stmt_bind_int(q, 1, from);
        zj_stmt_bind_int(q, 2, to);
    }
    if (zj_stmt_next(q, err) < 0)
        rc = ZJ_EDATA;
    zj_stmt_finalize(q);
    return rc;
}

/* Did a batch in (from, to] write into `table`? */
static int has_batch(zj_store *s, const char *table, int64_t from, int64_t to, bool *yes,
                     zj_error *err)
{
    zj_stmt *q;
    int rc = zj_stmt_prepare(s, "SELECT 1 FROM import_batch WHERE id > $1 AND id <= $2"
                             " AND table_name = $3 LIMIT 1", &q, err);
    if (rc)
        return rc;
    zj_stmt_bind_int(q, 1, from);
    zj_stmt_bind_int(q, 2, to);
    zj_stmt_bind_text(q, 3, table, strlen(table));
    int step = zj_stmt_next(q, err);
    *yes = step == 1;
    zj_stmt_finalize(q);
    return step < 0 ? ZJ_EDATA : ZJ_OK;
}

int zj_scope_build(zj_store *s, int64_t from, int64_t to, int64_t *cases, int64_t *subjects_n,
                   zj_error *err)
{
    *cases = *subjects_n = 0;
    int rc = zj_store_exec(s, create_sql, err);
    const char *last = "";
    bool yes = false;
    for (size_t i = 0; !rc && i < sizeof touches / sizeof touches[0]; i++) {
        if (strcmp(last, touches[i].table)) {
            last = touches[i].table;
            rc = has_batch(s, last, from, to, &yes, err);
        }
        if (!rc && yes)
            rc = run(s, touches[i].sql, from, to, err);
    }
    for (size_t i = 0; !rc && i < sizeof reverse / sizeof reverse[0]; i++)
        rc = run(s, reverse[i], from, to, err);
    for (size_t i = 0; !rc && i < sizeof by_party / sizeof by_party[0]; i++)
        rc = run(s, by_party[i], from, to, err);
    for (size_t i = 0; !rc && i < sizeof subjects / sizeof subjects[0]; i++)
        rc = run(s, subjects[i], from, to, err);
    if (!rc)
        rc = count(s, "SELECT count(*) FROM temp.zj_case_scope", cases, err);
    if (!rc)
        rc = count(s, "SELECT count(*) FROM temp.zj_scope_subject", subjects_n, err);
    if (rc)
        zj_error_prefix(err, "finding the cases new records touch: ");
    return rc;
}

int zj_scope_sql(const char *sql, const char *filter, zj_buf *out, zj_error *err)
{
    static const char mark[] = "@SCOPE@";
    zj_buf_clear(out);
    for (const char *p = sql, *m; *p; p = m + sizeof mark - 1) {
        m = strstr(p, mark);
        if (!m) {
            if (zj_buf_puts(out, p))
                return zj_fail(err, ZJ_EDATA, "out of memory");
            break;
        }
        if (zj_buf_append(out, p, (size_t)(m - p)) || (filter && zj_buf_puts(out, filter)))
            return zj_fail(err, ZJ_EDATA, "out of memory");
    }
    if (zj_buf_putc(out, '\0'))
        return zj_fail(err, ZJ_EDATA, "out of memory");
    out->len--;
    return ZJ_OK;
}
