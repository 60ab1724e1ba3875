#!/usr/bin/env bash
# caseflow.sh - case-flow supervision end to end (issue 13: CF01, CF02, CF05-CF08):
#  1. the small generated province: gen -> import -> detect -> eval, precision and recall
#     >= 0.95 per code and no planted near miss firing (lawful extension, a major case within
#     its 30 days, a transfer found by the ledger's own number);
#  2. boundaries the generator does not plant, made by editing the imported store: an
#     extension approved after the limit expired is not honoured, two steps of one day in the
#     "wrong" hour are not an impossible order, and --as-of replays a past day. Edits made behind
#     the importer's back carry no new batch, so the re-runs after them ask for --full (an
#     incremental run re-evaluates only the cases new batches touch: incremental.sh).
. "$(dirname "$0")/lib.sh"
CODES="CF01 CF02 CF05 CF06 CF07 CF08"
ONLY=$(echo $CODES | tr ' ' ',')

# ---- 1. the small province -----------------------------------------------------------------
"$ZHIJIAN" gen --seed 1 --scale small --out "$WORK/p" --quiet
"$ZHIJIAN" import --quiet --max-errors -1 --rejects "$WORK/rej" "$WORK/p"
expect_match "import" "^[01]$" "$?"
"$ZHIJIAN" detect --as-of 2021-12-31 --only "$ONLY" --json > /dev/null
expect_eq "detect exit" 0 $?
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

finish
