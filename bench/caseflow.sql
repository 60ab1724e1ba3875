-- caseflow.sql - the ledger anti-joins and a deadline check of issue 13 as plain SQL, for
-- `make bench`: the same rules as zhijian's CF01, CF05 and CF06 (src/detect/cf_ledger.c,
-- cf_time_limit.c, shipped rules), written as a competent analyst would for SQLite and DuckDB
-- over zhijian's own store, reference date 2021-12-31. Each statement prints one count.
-- CF06 here is the civil ordinary-procedure rule only (6 months, extensions honoured by their
-- recorded length, no rest-day or restart arithmetic): the analyst's version of one row.

-- CF01: criminal / public-security incidents with no police case, either number
SELECT 'CF01', count(*) FROM incident i
WHERE i.category IN ('criminal', 'public_security')
  AND ((i.category = 'criminal' AND i.disposition IN ('mediated', 'other', 'accepted'))
       OR (i.category = 'public_security' AND i.disposition IN ('other', 'accepted')))
  AND substr(i.received_at, 1, 10) < '2021-12-28'
  AND NOT EXISTS (SELECT 1 FROM police_case p WHERE p.case_no = i.police_case_no)
  AND NOT EXISTS (SELECT 1 FROM police_case p WHERE p.incident_no = i.incident_no);

-- CF05: transfers missing from the procuratorate's ledger
SELECT 'CF05a', count(*) FROM police_case p
WHERE p.transferred_at IS NOT NULL AND substr(p.transferred_at, 1, 10) < '2021-12-24'
  AND NOT EXISTS (SELECT 1 FROM procuratorate_case q WHERE q.case_no = p.procuratorate_case_no)
  AND NOT EXISTS (SELECT 1 FROM procuratorate_case q WHERE q.police_case_no = p.case_no);

-- CF05: prosecutions missing from the court's ledger
SELECT 'CF05b', count(*) FROM procuratorate_case q
WHERE q.decision = 'prosecute' AND substr(q.decided_at, 1, 10) < '2021-12-24'
  AND NOT EXISTS (SELECT 1 FROM court_case c WHERE c.case_no = q.court_case_no)
  AND NOT EXISTS (SELECT 1 FROM court_case c WHERE c.procuratorate_case_no = q.case_no);

-- CF06 (civil ordinary procedure): closed or still open past 6 months + extensions
-- PLUS6M(date, days): the date + 6 months + days as YYYY-MM-DD (filled in by the runner)
WITH ext AS (SELECT case_no, sum(CAST(days AS INTEGER)) AS d FROM case_event
             WHERE case_system = 'court' AND node = 'extension' GROUP BY case_no)
SELECT 'CF06civ', count(*) FROM court_case c LEFT JOIN ext ON ext.case_no = c.case_no
WHERE c.case_type = '民初' AND coalesce(c.procedure, 'ordinary') = 'ordinary'
  AND c.filed_at IS NOT NULL
  AND PLUS6M(c.filed_at, ext.d) < substr(coalesce(c.closed_at, '2021-12-31'), 1, 10);
