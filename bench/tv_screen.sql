-- tv_screen.sql - the 三个违规 screen (TV01-TV04) as plain SQL joins, for `make bench`: the
-- same rules zhijian's detectors apply (src/detect/tv_business.c, shipped rules), written as a
-- competent analyst would for SQLite and DuckDB over zhijian's own store. Each statement
-- prints one count: the findings of one code, which bench/run.sh compares with the leads
-- zhijian stored. Dialect differences are placeholders filled in by the runner:
--   GREATEST(a,b) / LEAST(a,b)   sqlite: max(a,b) / min(a,b); duckdb: greatest / least
--   PLUS365(x)                    x + 365 days, as text comparable with timestamps
-- Open ends are '1000-01-01' and '9999-12-31'; dates and timestamps compare as text.

-- people screened: the officer (relation 'self') and relatives, with the tenure
CREATE TEMP VIEW tv_people AS
SELECT o.id AS oid, o.unit_code, coalesce(o.start_date, '1000-01-01') AS ts,
       coalesce(o.end_date, '9999-12-31') AS te, mo.entity_id AS person, 'self' AS relation,
       0 AS rel_record
FROM officer o JOIN mention mo ON mo.table_name = 'officer' AND mo.record_id = o.id AND mo.role = 'self'
WHERE mo.entity_id IS NOT NULL
UNION ALL
SELECT o.id, o.unit_code, coalesce(o.start_date, '1000-01-01'), coalesce(o.end_date, '9999-12-31'),
       rel.dst_entity, rel.role, rel.source_record
FROM officer o JOIN mention mo ON mo.table_name = 'officer' AND mo.record_id = o.id AND mo.role = 'self'
JOIN relation rel ON rel.src_entity = mo.entity_id AND rel.kind = 'relative'
WHERE rel.dst_entity <> mo.entity_id;

-- an enterprise's life and region: registry records, else tax registrations
CREATE TEMP VIEW tv_life AS
SELECT ent, min(es) AS es, max(ee) AS ee, min(region) AS region FROM (
  SELECT me.entity_id AS ent, coalesce(e.established_date, '1000-01-01') AS es,
         coalesce(e.deregistered_date, '9999-12-31') AS ee,
         coalesce(e.region_code, substr(e.uscc, 3, 6)) AS region
  FROM mention me JOIN enterprise e ON e.id = me.record_id
  WHERE me.table_name = 'enterprise' AND me.role = 'self'
  UNION ALL
  SELECT mt.entity_id, coalesce(t.registered_date, '1000-01-01'),
         coalesce(t.deregistered_date, '9999-12-31'), t.region_code
  FROM mention mt JOIN tax_registration t ON t.id = mt.record_id
  WHERE mt.table_name = 'tax_registration' AND mt.role = 'self'
    AND NOT EXISTS (SELECT 1 FROM mention m2 WHERE m2.entity_id = mt.entity_id
                    AND m2.table_name = 'enterprise' AND m2.role = 'self')
) x GROUP BY ent;

-- counted roles, clipped to the enterprise's life and the tenure
CREATE TEMP VIEW tv_roles AS
SELECT p.oid, p.unit_code, p.person, p.relation, p.rel_record, er.dst_entity AS ent, l.region,
       GREATEST(GREATEST(coalesce(er.start_date, coalesce(l.es, '1000-01-01')), coalesce(l.es, '1000-01-01')), p.ts) AS f,
       LEAST(LEAST(coalesce(er.end_date, coalesce(l.ee, '9999-12-31')), coalesce(l.ee, '9999-12-31')), p.te) AS t
FROM tv_people p
JOIN relation er ON er.src_entity = p.person AND er.kind = 'enterprise_role'
LEFT JOIN tv_life l ON l.ent = er.dst_entity
WHERE er.role IN ('legal_rep', 'shareholder', 'director', 'supervisor', 'manager', 'operator');

CREATE TEMP VIEW tv_active AS
SELECT oid, unit_code, person, relation, rel_record, ent, min(region) AS region, min(f) AS f, max(t) AS t
FROM tv_roles WHERE f <= t
GROUP BY oid, unit_code, person, relation, rel_record, ent;

-- TV01: the officer holds a role while in post
SELECT 'TV01', count(*) FROM tv_active WHERE relation = 'self';

-- TV02: a spouse, child or child's spouse holds a role in the officer's jurisdiction
SELECT 'TV02', count(*) FROM tv_active a JOIN unit u ON u.unit_code = a.unit_code
WHERE a.relation IN ('spouse', 'child', 'child_spouse')
  AND CASE u.level WHEN 'province' THEN substr(a.region, 1, 2) = substr(u.region_code, 1, 2)
                   WHEN 'city' THEN substr(a.region, 1, 4) = substr(u.region_code, 1, 4)
                   ELSE a.region = u.region_code END;

-- TV03: that enterprise, or the person in person, is a party in a case of the officer's unit
-- while the link lasts
SELECT 'TV03', count(*) FROM (
  SELECT DISTINCT x.oid, x.person, x.rel_record, x.ent FROM (
    SELECT a.oid, a.unit_code, a.person, a.rel_record, a.ent, a.f, a.t, cp.dst_table, cp.dst_record
    FROM tv_active a JOIN relation cp ON cp.src_entity = a.ent AND cp.kind = 'case_party'
    WHERE a.relation IN ('self', 'spouse', 'child', 'child_spouse')
    UNION ALL
    SELECT p.oid, p.unit_code, p.person, p.rel_record, 0, p.ts, p.te, cp.dst_table, cp.dst_record
    FROM tv_people p JOIN relation cp ON cp.src_entity = p.person AND cp.kind = 'case_party'
    WHERE p.relation IN ('self', 'spouse', 'child', 'child_spouse')
  ) x
  LEFT JOIN court_case cc ON x.dst_table = 'court_case' AND cc.id = x.dst_record
  LEFT JOIN procuratorate_case pc ON x.dst_table = 'procuratorate_case' AND pc.id = x.dst_record
  LEFT JOIN police_case pl ON x.dst_table = 'police_case' AND pl.id = x.dst_record
  WHERE coalesce(cc.court_code, pc.unit_code, pl.unit_code) = x.unit_code
    AND coalesce(cc.filed_at, pc.received_at, pl.accepted_at, '1000-01-01') <= x.t
    AND coalesce(cc.closed_at, pc.decided_at, pl.closed_at, '9999-12-31') >= x.f
) y;

-- TV04: the officer or a relative sues as a private lender 3 times within 365 days, against 3
-- different borrowers, while the officer is in post
SELECT 'TV04', count(*) FROM (
  SELECT DISTINCT l1.oid, l1.person, l1.rel_record FROM (
    SELECT p.oid, p.person, p.rel_record, c.id AS cid, c.filed_at
    FROM tv_people p
    JOIN relation cp ON cp.src_entity = p.person AND cp.kind = 'case_party'
      AND cp.dst_table = 'court_case' AND cp.role = 'plaintiff'
    JOIN court_case c ON c.id = cp.dst_record
    WHERE p.relation IN ('self', 'spouse', 'child', 'child_spouse')
      AND c.cause LIKE '%民间借贷%' AND c.filed_at >= p.ts AND substr(c.filed_at, 1, 10) <= p.te
  ) l1
  JOIN (
    SELECT p.oid, p.person, p.rel_record, c.id AS cid, c.filed_at, d.src_entity AS borrower
    FROM tv_people p
    JOIN relation cp ON cp.src_entity = p.person AND cp.kind = 'case_party'
      AND cp.dst_table = 'court_case' AND cp.role = 'plaintiff'
    JOIN court_case c ON c.id = cp.dst_record
    LEFT JOIN relation d ON d.dst_table = 'court_case' AND d.dst_record = c.id
      AND d.kind = 'case_party' AND d.role IN ('defendant', 'respondent') AND d.src_entity <> p.person
    WHERE p.relation IN ('self', 'spouse', 'child', 'child_spouse')
      AND c.cause LIKE '%民间借贷%' AND c.filed_at >= p.ts AND substr(c.filed_at, 1, 10) <= p.te
  ) l2 ON l2.oid = l1.oid AND l2.person = l1.person AND l2.rel_record = l1.rel_record
      AND l2.filed_at >= l1.filed_at AND l2.filed_at <= PLUS365(l1.filed_at)
  GROUP BY l1.oid, l1.person, l1.rel_record, l1.cid
  HAVING count(DISTINCT l2.cid) >= 3 AND count(DISTINCT l2.borrower) >= 3
) z;
