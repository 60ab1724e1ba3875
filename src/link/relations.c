/* relations.c - the relations graph detectors walk (关系图谱): officer -> relative,
 * person -> enterprise (legal representative, shareholder, director ...), party -> case.
 *
 * Rebuilt from scratch after every link run with set-based SQL: each relation joins a record
 * to the entities of its mentions (roles as in mentions.c), so it always reflects the current
 * entities. Officer rows are found by officer_no; cases by case number within their system.
 */
#include "link/link.h"

static const char *const statements[] = {
    /* The graph is rebuilt whole: its indexes are dropped and built once after (one sort
     * each instead of an index insertion per relation). */
    "DELETE FROM relation; DROP INDEX IF EXISTS relation_src; DROP INDEX IF EXISTS relation_dst;"
    " DROP INDEX IF EXISTS relation_dst_record",
    /* 干警 -> 近亲属 */
    "INSERT INTO relation (kind, src_entity, dst_entity, role, source_table, source_record)"
    " SELECT DISTINCT 'relative', mo.entity_id, mr.entity_id, r.relation, 'officer_relative', r.id"
    " FROM officer_relative r"
    " JOIN mention mr ON mr.table_name = 'officer_relative' AND mr.record_id = r.id AND mr.role = 'self'"
    " JOIN officer o ON o.officer_no = r.officer_no"
    " JOIN mention mo ON mo.table_name = 'officer' AND mo.record_id = o.id AND mo.role = 'self'"
    " WHERE mo.entity_id IS NOT NULL AND mr.entity_id IS NOT NULL",
    /* 任职/出资 (registry roles) */
    "INSERT INTO relation (kind, src_entity, dst_entity, role, share_pct, start_date, end_date,"
    " source_table, source_record)"
    " SELECT 'enterprise_role', mp.entity_id, me.entity_id, er.role, er.share_pct, er.start_date,"
    " er.end_date, 'enterprise_role', er.id FROM enterprise_role er"
    " JOIN mention mp ON mp.table_name = 'enterprise_role' AND mp.record_id = er.id AND mp.role = 'person'"
    " JOIN mention me ON me.table_name = 'enterprise_role' AND me.record_id = er.id AND me.role = 'enterprise'"
    " WHERE mp.entity_id IS NOT NULL AND me.entity_id IS NOT NULL",
    /* 法定代表人 in the enterprise registry */
    "INSERT INTO relation (kind, src_entity, dst_entity, role, start_date, end_date, source_table,"
    " source_record)"
    " SELECT 'enterprise_role', mp.entity_id, me.entity_id, 'legal_rep', e.established_date,"
    " e.deregistered_date, 'enterprise', e.id FROM enterprise e"
    " JOIN mention mp ON mp.table_name = 'enterprise' AND mp.record_id = e.id AND mp.role = 'legal_rep'"
    " JOIN mention me ON me.table_name = 'enterprise' AND me.record_id = e.id AND me.role = 'self'"
    " WHERE mp.entity_id IS NOT NULL AND me.entity_id IS NOT NULL",
    /* 税务登记: legal representative and finance officer */
    "INSERT INTO relation (kind, src_entity, dst_entity, role, start_date, end_date, source_table,"
    " source_record)"
    " SELECT 'enterprise_role', mp.entity_id, me.entity_id,"
    " CASE mp.role WHEN 'legal_rep' THEN 'legal_rep' ELSE 'finance_officer' END,"
    " t.registered_date, t.deregistered_date, 'tax_registration', t.id FROM tax_registration t"
    " JOIN mention mp ON mp.table_name = 'tax_registration' AND mp.record_id = t.id"
    "  AND mp.role IN ('legal_rep', 'finance_officer')"
    " JOIN mention me ON me.table_name = 'tax_registration' AND me.record_id = t.id AND me.role = 'self'"
    " WHERE mp.entity_id IS NOT NULL AND me.entity_id IS NOT NULL",
    /* 当事人 -> 案件. Driven by the parties' mentions, in record order (CROSS JOIN keeps SQLite
     * to that order): led by the case_party(case_system, case_no) index instead, the lookups
     * jump around the tables: 5.6 s against 4.4 s on the medium province. */
    "INSERT INTO relation (kind, src_entity, dst_table, dst_record, role, source_table, source_record)"
    " SELECT 'case_party', m.entity_id, 'court_case', c.id, p.role, 'case_party', p.id"
    " FROM mention m CROSS JOIN case_party p JOIN court_case c ON c.case_no = p.case_no"
    " WHERE m.table_name = 'case_party' AND m.role = 'party' AND p.id = m.record_id"
    " AND p.case_system = 'court' AND m.entity_id IS NOT NULL",
    "INSERT INTO relation (kind, src_entity, dst_table, dst_record, role, source_table, source_record)"
    " SELECT 'case_party', m.entity_id, 'procuratorate_case', c.id, p.role, 'case_party', p.id"
    " FROM mention m CROSS JOIN case_party p JOIN procuratorate_case c ON c.case_no = p.case_no"
    " WHERE m.table_name = 'case_party' AND m.role = 'party' AND p.id = m.record_id"
    " AND p.case_system = 'procuratorate' AND m.entity_id IS NOT NULL",
    "INSERT INTO relation (kind, src_entity, dst_table, dst_record, role, source_table, source_record)"
    " SELECT 'case_party', m.entity_id, 'police_case', c.id, p.role, 'case_party', p.id"
    " FROM mention m CROSS JOIN case_party p JOIN police_case c ON c.case_no = p.case_no"
    " WHERE m.table_name = 'case_party' AND m.role = 'party' AND p.id = m.record_id"
    " AND p.case_system = 'police' AND m.entity_id IS NOT NULL",
};

/* As migration 6 defines them. */
static const char create_indexes[] =
    "CREATE INDEX relation_src ON relation(src_entity, kind);"
    "CREATE INDEX relation_dst ON relation(dst_entity, kind) WHERE dst_entity IS NOT NULL;"
    "CREATE INDEX relation_dst_record ON relation(dst_table, dst_record) WHERE dst_table IS NOT NULL";

int zj_relations_build(zj_store *s, int64_t *count, zj_error *err)
{
    *count = 0;
    int rc = zj_store_exec(s, statements[0], err);
    for (size_t i = 1; !rc && i < sizeof statements / sizeof statements[0]; i++) {
        zj_stmt *st;
        if ((rc = zj_stmt_prepare(s, statements[i], &st, err)))
            break;
        rc = zj_stmt_next(st, err) < 0 ? ZJ_EDATA : ZJ_OK;
        *count += zj_store_changes(s);
        zj_stmt_finalize(st);
    }
    if (!rc)
        rc = zj_store_create_indexes(s, create_indexes, err);
    return rc ? zj_error_prefix(err, "building relations: ") : ZJ_OK;
}
