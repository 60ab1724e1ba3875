-- caseflow.sql - the ledger anti-joins and a deadline check of issue 13 as plain SQL, for
-- `make bench`: the same rules as zhijian's CF01, CF05 and CF06 (src/detect/cf_ledger.c,
-- cf_time_limit.c, shipped rules), written as a competent analyst would for SQLite and DuckDB
-- over zhijian's own store, reference date 2021-12-31. Each statement prints one count.
-- CF01 and CF05 match the ledgers as zhijian does: by the numbers each carries of the others'
-- cases, either way round, and failing those (the candidates), by parties and dates through
-- linking: the next agency's case of the same linked entity (the reporter for CF01, an accused
-- for CF05), recorded from the day before the step to 3 (CF01) or 15 (CF05) days after it and
-- not after the reference day, not claimed by another case's number, and for CF05 of a
-- compatible cause (one contains the other once spaces and one trailing 罪 or 案 are dropped).
-- CF06 here is the civil ordinary-procedure rule only (6 months, extensions honoured by their
-- recorded length, no rest-day or restart arithmetic): the analyst's version of one row.
-- Filled in by the runners (bench/sql_timed.py, bench/duckdb_tv.mjs, bench/run.sh):
--   DAYNO(x): the day of timestamp text x as a number of days (NULL when not a date)
--   PLUS6M(date, days): the date + 6 months + days as YYYY-MM-DD

-- CF01: criminal / public-security incidents with no police case by either number, nor a
-- case of the reporter's entity accepted from the day before the call to 3 days after
WITH cand AS (
  SELECT i.id, i.incident_no, DAYNO(i.received_at) AS day FROM incident i
  WHERE i.category IN ('criminal', 'public_security')
    AND ((i.category = 'criminal' AND i.disposition IN ('mediated', 'other', 'accepted'))
         OR (i.category = 'public_security' AND i.disposition IN ('other', 'accepted')))
    AND substr(i.received_at, 1, 10) < '2021-12-28'
    AND NOT EXISTS (SELECT 1 FROM police_case p WHERE p.case_no = i.police_case_no)
    AND NOT EXISTS (SELECT 1 FROM police_case p WHERE p.incident_no = i.incident_no)),
matched AS (
  SELECT DISTINCT k.id
  FROM cand k CROSS JOIN mention im CROSS JOIN mention om CROSS JOIN case_party op
  CROSS JOIN police_case p                        -- in this order (SQLite: CROSS JOIN)
  WHERE im.table_name = 'incident' AND im.record_id = k.id AND im.entity_id IS NOT NULL
    AND om.entity_id = im.entity_id AND om.table_name = 'case_party'
    AND op.id = om.record_id AND op.case_system = 'police'
    AND p.case_no = op.case_no
    AND DAYNO(p.accepted_at) BETWEEN k.day - 1 AND k.day + 3
    AND substr(p.accepted_at, 1, 10) <= '2021-12-31'
    AND (coalesce(p.incident_no, '') IN ('', k.incident_no)
         OR NOT EXISTS (SELECT 1 FROM incident o WHERE o.incident_no = p.incident_no))
    AND NOT EXISTS (SELECT 1 FROM incident o WHERE o.police_case_no = p.case_no
                    AND o.incident_no <> k.incident_no))
SELECT 'CF01', count(*) FROM cand WHERE id NOT IN (SELECT id FROM matched);

-- CF05: transfers missing from the procuratorate's ledger, by numbers and by the accused
WITH cand AS (
  SELECT p.id, p.case_no, DAYNO(p.transferred_at) AS day, p.cause,
         CASE WHEN trim(p.cause) LIKE '%罪' OR trim(p.cause) LIKE '%案'
           THEN substr(trim(p.cause), 1, length(trim(p.cause)) - 1) ELSE trim(p.cause) END AS core
  FROM police_case p
  WHERE p.transferred_at IS NOT NULL AND substr(p.transferred_at, 1, 10) < '2021-12-24'
    AND NOT EXISTS (SELECT 1 FROM procuratorate_case q WHERE q.case_no = p.procuratorate_case_no)
    AND NOT EXISTS (SELECT 1 FROM procuratorate_case q WHERE q.police_case_no = p.case_no)),
other AS (
  SELECT k.id, k.cause, k.core, q.cause AS ocause,
         CASE WHEN trim(q.cause) LIKE '%罪' OR trim(q.cause) LIKE '%案'
           THEN substr(trim(q.cause), 1, length(trim(q.cause)) - 1) ELSE trim(q.cause) END AS ocore
  FROM cand k CROSS JOIN case_party ap CROSS JOIN mention am CROSS JOIN mention om
  CROSS JOIN case_party op CROSS JOIN procuratorate_case q       -- in this order (SQLite: CROSS JOIN)
  WHERE ap.case_system = 'police' AND ap.case_no = k.case_no
    AND ap.role IN ('suspect', 'defendant')
    AND am.table_name = 'case_party' AND am.record_id = ap.id AND am.entity_id IS NOT NULL
    AND om.entity_id = am.entity_id AND om.table_name = 'case_party'
    AND op.id = om.record_id AND op.case_system = 'procuratorate'
    AND op.role IN ('suspect', 'defendant')
    AND q.case_no = op.case_no
    AND DAYNO(q.received_at) BETWEEN k.day - 1 AND k.day + 15
    AND substr(q.received_at, 1, 10) <= '2021-12-31'
    AND (coalesce(q.police_case_no, '') IN ('', k.case_no)
         OR NOT EXISTS (SELECT 1 FROM police_case o WHERE o.case_no = q.police_case_no))
    AND NOT EXISTS (SELECT 1 FROM police_case o WHERE o.procuratorate_case_no = q.case_no
                    AND o.case_no <> k.case_no)),
matched AS (   -- of a compatible cause
  SELECT DISTINCT id FROM other
  WHERE cause IS NULL OR ocause IS NULL OR core = '' OR ocore = ''
     OR instr(core, ocore) > 0 OR instr(ocore, core) > 0)
SELECT 'CF05a', count(*) FROM cand WHERE id NOT IN (SELECT id FROM matched);

-- CF05: prosecutions missing from the court's ledger, by numbers and by the accused
WITH cand AS (
  SELECT q.id, q.case_no, DAYNO(q.decided_at) AS day, q.cause,
         CASE WHEN trim(q.cause) LIKE '%罪' OR trim(q.cause) LIKE '%案'
           THEN substr(trim(q.cause), 1, length(trim(q.cause)) - 1) ELSE trim(q.cause) END AS core
  FROM procuratorate_case q
  WHERE q.decision = 'prosecute' AND substr(q.decided_at, 1, 10) < '2021-12-24'
    AND NOT EXISTS (SELECT 1 FROM court_case c WHERE c.case_no = q.court_case_no)
    AND NOT EXISTS (SELECT 1 FROM court_case c WHERE c.procuratorate_case_no = q.case_no)),
other AS (
  SELECT k.id, k.cause, k.core, c.cause AS ocause,
         CASE WHEN trim(c.cause) LIKE '%罪' OR trim(c.cause) LIKE '%案'
           THEN substr(trim(c.cause), 1, length(trim(c.cause)) - 1) ELSE trim(c.cause) END AS ocore
  FROM cand k CROSS JOIN case_party ap CROSS JOIN mention am CROSS JOIN mention om
  CROSS JOIN case_party op CROSS JOIN court_case c       -- in this order (SQLite: CROSS JOIN)
  WHERE ap.case_system = 'procuratorate' AND ap.case_no = k.case_no
    AND ap.role IN ('suspect', 'defendant')
    AND am.table_name = 'case_party' AND am.record_id = ap.id AND am.entity_id IS NOT NULL
    AND om.entity_id = am.entity_id AND om.table_name = 'case_party'
    AND op.id = om.record_id AND op.case_system = 'court'
    AND op.role IN ('suspect', 'defendant')
    AND c.case_no = op.case_no
    AND DAYNO(c.filed_at) BETWEEN k.day - 1 AND k.day + 15
    AND substr(c.filed_at, 1, 10) <= '2021-12-31'
    AND (coalesce(c.procuratorate_case_no, '') IN ('', k.case_no)
         OR NOT EXISTS (SELECT 1 FROM procuratorate_case o WHERE o.case_no = c.procuratorate_case_no))
    AND NOT EXISTS (SELECT 1 FROM procuratorate_case o WHERE o.court_case_no = c.case_no
                    AND o.case_no <> k.case_no)),
matched AS (   -- of a compatible cause
  SELECT DISTINCT id FROM other
  WHERE cause IS NULL OR ocause IS NULL OR core = '' OR ocore = ''
     OR instr(core, ocore) > 0 OR instr(ocore, core) > 0)
SELECT 'CF05b', count(*) FROM cand WHERE id NOT IN (SELECT id FROM matched);

-- CF06 (civil ordinary procedure): closed or still open past 6 months + extensions
-- PLUS6M(date, days): the date + 6 months + days as YYYY-MM-DD (filled in by the runner)
WITH ext AS (SELECT case_no, sum(CAST(days AS INTEGER)) AS d FROM case_event
             WHERE case_system = 'court' AND node = 'extension' GROUP BY case_no)
SELECT 'CF06civ', count(*) FROM court_case c LEFT JOIN ext ON ext.case_no = c.case_no
WHERE c.case_type = '民初' AND coalesce(c.procedure, 'ordinary') = 'ordinary'
  AND c.filed_at IS NOT NULL
  AND PLUS6M(c.filed_at, ext.d) < substr(coalesce(c.closed_at, '2021-12-31'), 1, 10);
