#!/usr/bin/env bash
# caseflow.sh - case-flow supervision end to end (issue 13: CF01, CF02, CF05-CF08):
#  1. the small generated province: gen -> import -> link -> detect -> eval, precision and
#     recall >= 0.95 per code and no planted near miss firing (lawful extension, a major case
#     within its 30 days, a transfer found by the ledger's own number, a transfer found by its
#     suspect and dates when the numbers are missing or mistyped, beside a namesake's transfer
#     that is truly missing);
#  2. boundaries the generator does not plant, made by editing the imported store: an
#     extension approved after the limit expired is not honoured, two steps of one day in the
#     "wrong" hour are not an impossible order, and --as-of replays a past day. Edits made behind
#     the importer's back carry no new batch, so the re-runs after them ask for --full (an
#     incremental run re-evaluates only the cases new batches touch: incremental.sh);
#  3. the match by parties and dates (CF05 and CF01): another case's number, a namesake, a
#     case of the reporter accepted the same day.
. "$(dirname "$0")/lib.sh"
CODES="CF01 CF02 CF05 CF06 CF07 CF08"
ONLY=$(echo $CODES | tr ' ' ',')

# ---- 1. the small province -----------------------------------------------------------------
"$ZHIJIAN" gen --seed 1 --scale small --out "$WORK/p" --quiet
"$ZHIJIAN" import --quiet --max-errors -1 --rejects "$WORK/rej" "$WORK/p"
expect_match "import" "^[01]$" "$?"
"$ZHIJIAN" link --quiet
expect_eq "link" 0 $?
"$ZHIJIAN" detect --as-of 2021-12-31 --only "$ONLY" --json > "$WORK/detect.json"
expect_eq "detect exit" 0 $?
summary() { python3 -c "import json,sys; print([d for d in json.load(open(sys.argv[1])) if d['code'] == sys.argv[2]][0].get('summary', ''))" "$WORK/detect.json" "$1"; }
expect_match "CF05: the planted transfers matched by parties and dates" \
    "^[0-9]+ due with no case by number; 2 of them matched by parties and dates$" "$(summary CF05)"
"$ZHIJIAN" eval --truth "$WORK/p" --json > "$WORK/eval.json"
expect_eval "$WORK/eval.json" small $CODES

# ---- 2. boundaries -------------------------------------------------------------------------
# an extension approved four days after the 6-month limit expired is not honoured: the
# lawful near miss (8 months with an approved extension) becomes a lead that says so
near=$(sql "SELECT c.id FROM court_case c JOIN case_event e ON e.case_system = 'court'
  AND e.case_no = c.case_no AND e.node = 'extension'
  WHERE c.case_type = '民初' AND c.procedure = 'ordinary'
  AND julianday(c.closed_at) - julianday(c.filed_at) > 230
  AND NOT EXISTS (SELECT 1 FROM case_event x WHERE x.approval_no = e.approval_no
                  AND x.case_no <> e.case_no)
  ORDER BY c.id LIMIT 1")
expect_match "a lawfully extended 8-month case exists" "^[0-9]+$" "$near"
cf06_on() { sql "SELECT count(*) FROM lead WHERE code = 'CF06' AND subject_table = 'court_case'
  AND subject_id = $1 AND last_run = (SELECT max(id) FROM detect_run WHERE code = 'CF06')"; }
expect_eq "lawful extension: no CF06 lead" 0 "$(cf06_on "$near")"
sql "UPDATE case_event SET occurred_at = (SELECT date(c.filed_at, '+6 months', '+4 days')
  || ' 10:00:00' FROM court_case c WHERE c.id = $near)
  WHERE case_system = 'court' AND node = 'extension'
  AND case_no = (SELECT case_no FROM court_case WHERE id = $near)"
"$ZHIJIAN" detect --as-of 2021-12-31 --only CF06 --full > /dev/null
expect_eq "late extension: a CF06 lead" 1 "$(cf06_on "$near")"
expect_match "late extension: the lead says why" "晚于期限届满.*not honoured \(approved after the limit had expired\)" \
    "$(sql "SELECT explanation FROM lead WHERE code = 'CF06' AND subject_id = $near" | tr '\n' ' ')"

# closed at 09:00 on the day the case was filed at 15:00: one day, not an impossible order;
# closed the day before: impossible
cc=$(sql "SELECT id FROM court_case WHERE filed_at IS NOT NULL AND closed_at IS NOT NULL
  AND substr(filed_at, 1, 4) = '2020' ORDER BY id LIMIT 1")
sql "UPDATE court_case SET filed_at = '2020-06-10 15:00:00', closed_at = '2020-06-10 09:00:00'
  WHERE id = $cc"
cf08_on() { sql "SELECT count(*) FROM lead WHERE code = 'CF08' AND subject_table = 'court_case'
  AND subject_id = $1 AND last_run = (SELECT max(id) FROM detect_run WHERE code = 'CF08')"; }
"$ZHIJIAN" detect --as-of 2021-12-31 --only CF08 --full > /dev/null
expect_eq "same day, earlier hour: no CF08 lead" 0 "$(cf08_on "$cc")"
sql "UPDATE court_case SET closed_at = '2020-06-09 17:00:00' WHERE id = $cc"
"$ZHIJIAN" detect --as-of 2021-12-31 --only CF08 --full > /dev/null
expect_eq "closed the day before filing: a CF08 lead" 1 "$(cf08_on "$cc")"

# --as-of: a case pending since acceptance is not overdue two days after it, and is 4 weeks on
read -r pc acc <<<"$(sql "SELECT id, substr(accepted_at, 1, 10) FROM police_case
  WHERE filing_decision = 'pending' AND coalesce(major, 0) = 0 AND kind = 'criminal'
  AND accepted_at < '2021-12-01' ORDER BY accepted_at LIMIT 1" | tr '|' ' ')"
expect_match "a pending criminal case exists" "^[0-9]+$" "$pc"
cf02_on() { sql "SELECT count(*) FROM lead WHERE code = 'CF02' AND subject_table = 'police_case'
  AND subject_id = $1 AND last_run = (SELECT max(id) FROM detect_run WHERE code = 'CF02')"; }
"$ZHIJIAN" detect --as-of "$(date -d "$acc + 2 days" +%F)" --only CF02 > /dev/null
expect_eq "--as-of 2 days after acceptance: not overdue" 0 "$(cf02_on "$pc")"
"$ZHIJIAN" detect --as-of "$(date -d "$acc + 28 days" +%F)" --only CF02 > /dev/null
expect_eq "--as-of 4 weeks after acceptance: overdue" 1 "$(cf02_on "$pc")"

# ---- 3. the match by parties and dates -------------------------------------------------------
# the planted transfer whose procuratorate case carries no police number, found by its suspect
read -r pc q qp <<<"$(sql "SELECT p.id, q.id, b.id FROM police_case p
  JOIN case_party a ON a.case_system = 'police' AND a.case_no = p.case_no AND a.role = 'suspect'
  JOIN mention ma ON ma.table_name = 'case_party' AND ma.record_id = a.id
  JOIN mention mb ON mb.entity_id = ma.entity_id AND mb.table_name = 'case_party'
  JOIN case_party b ON b.id = mb.record_id AND b.case_system = 'procuratorate'
  JOIN procuratorate_case q ON q.case_no = b.case_no
  WHERE q.police_case_no IS NULL AND p.procuratorate_case_no IS NULL
  AND p.transferred_at IS NOT NULL ORDER BY p.id LIMIT 1" | tr '|' ' ')"
expect_match "a transfer known to the procuratorate by its suspect only" "^[0-9]+$" "$qp"
cf05_on() { sql "SELECT count(*) FROM lead WHERE code = 'CF05' AND subject_table = 'police_case'
  AND subject_id = $1 AND last_run = (SELECT max(id) FROM detect_run WHERE code = 'CF05')"; }
expect_eq "same suspect and dates: no CF05 lead" 0 "$(cf05_on "$pc")"
# the procuratorate case names another police case that exists: it is that case's
sql "UPDATE procuratorate_case SET police_case_no = (SELECT case_no FROM police_case
  WHERE id <> $pc ORDER BY id LIMIT 1) WHERE id = $q"
"$ZHIJIAN" detect --as-of 2021-12-31 --only CF05 --full > /dev/null
expect_eq "another case's number: a CF05 lead" 1 "$(cf05_on "$pc")"
expect_match "the lead says the parties were looked for too" "按涉案人和日期经实体识别亦未找到" \
    "$(sql "SELECT explanation FROM lead WHERE code = 'CF05' AND subject_id = $pc")"
# a namesake: the procuratorate's suspect is another entity
sql "UPDATE procuratorate_case SET police_case_no = NULL WHERE id = $q;
  UPDATE mention SET entity_id = (SELECT max(id) FROM entity WHERE kind = 'person'
    AND id <> mention.entity_id) WHERE table_name = 'case_party' AND record_id = $qp"
"$ZHIJIAN" detect --as-of 2021-12-31 --only CF05 --full > /dev/null
expect_eq "a namesake's case: a CF05 lead" 1 "$(cf05_on "$pc")"

# CF01: a planted incident never accepted; a police case of its reporter, accepted the next
# morning without the incident's number, is its case
read -r inc ino rday <<<"$(sql "SELECT i.id, i.incident_no, date(i.received_at, '+1 day')
  FROM lead l JOIN incident i ON i.id = l.subject_id WHERE l.code = 'CF01'
  AND l.subject_table = 'incident' ORDER BY l.id LIMIT 1" | tr '|' ' ')"
expect_match "a CF01 lead" "^[0-9]+$" "$inc"
cf01_on() { sql "SELECT count(*) FROM lead WHERE code = 'CF01' AND subject_table = 'incident'
  AND subject_id = $1 AND last_run = (SELECT max(id) FROM detect_run WHERE code = 'CF01')"; }
add_case() {  # add_case CASE_NO ENTITY: a police case accepted on $rday, its victim ENTITY
sql "INSERT INTO police_case (source_system, source_key, key_hash, batch_id, src_line,
    content_hash, case_no, kind, cause, accepted_at) VALUES ('test', '$1', 0, 1, 1, 0, '$1',
    'criminal', '盗窃', '$rday 09:00:00');
  INSERT INTO case_party (source_system, source_key, key_hash, batch_id, src_line, content_hash,
    case_system, case_no, role, party_kind, name) VALUES ('test', '$1/v', 0, 1, 1, 0, 'police',
    '$1', 'victim', 'person', '某');
  INSERT INTO mention (table_name, record_id, role, kind, entity_id) VALUES ('case_party',
    last_insert_rowid(), 'party', 'person', $2)"
}
rep=$(sql "SELECT entity_id FROM mention WHERE table_name = 'incident' AND record_id = $inc
  AND role = 'reporter'")
expect_match "the reporter is linked" "^[0-9]+$" "$rep"
add_case TESTA1 "(SELECT max(id) FROM entity WHERE kind = 'person' AND id <> $rep)"
"$ZHIJIAN" detect --as-of 2021-12-31 --only CF01 --full > /dev/null
expect_eq "CF01: another person's case is not the incident's" 1 "$(cf01_on "$inc")"
add_case TESTA2 "$rep"
"$ZHIJIAN" detect --as-of 2021-12-31 --only CF01 --full > /dev/null
expect_eq "CF01: the reporter's case accepted the next day: no lead" 0 "$(cf01_on "$inc")"

finish
