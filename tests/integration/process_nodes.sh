#!/usr/bin/env bash
# process_nodes.sh - case-flow supervision, second half (issue 13): CF03 filed cases left
# idle, CF04 closures without a lawful reason, PN01-PN03 process-node monitoring, and the
# holiday calendar under them:
#  1. the tiny generated province: gen -> import -> detect -> eval, precision and recall
#     >= 0.95 per code, no near miss firing (a suspended investigation, a revocation with its
#     document, an open case lawfully extended, a mediation without hearing, a judgment at the
#     hearing recorded an hour earlier);
#  2. boundaries made by editing the imported store: the reason text of a revocation, --as-of
#     replaying a past day whatever the import, a suspension, PN01's stages on a limit that
#     ends on the National Day holiday and on a leap day, an extension approved one day late.
. "$(dirname "$0")/lib.sh"
CODES="CF03 CF04 PN01 PN02 PN03"
ONLY=$(echo $CODES | tr ' ' ',')

# ---- 1. the tiny province ------------------------------------------------------------------
"$ZHIJIAN" gen --seed 1 --scale tiny --out "$WORK/p" --quiet
"$ZHIJIAN" import --quiet --max-errors -1 --rejects "$WORK/rej" "$WORK/p"
expect_match "import" "^[01]$" "$?"
"$ZHIJIAN" detect --as-of 2021-12-31 --only "$ONLY" --json > /dev/null
expect_eq "detect exit" 0 $?
"$ZHIJIAN" eval --truth "$WORK/p" --json > "$WORK/eval.json"
expect_eval "$WORK/eval.json" tiny $CODES

on() {  # on CODE TABLE ID: 1 when the latest run of CODE raised a lead on the record
    sql "SELECT count(*) FROM lead WHERE code = '$1' AND subject_table = '$2' AND subject_id = $3
      AND last_run = (SELECT max(id) FROM detect_run WHERE code = '$1')"; }
fact() {  # fact CODE ID KEY: a fact of the lead
    sql "SELECT json_extract(facts, '\$.$3') FROM lead WHERE code = '$1' AND subject_id = $2"; }
run() { "$ZHIJIAN" detect --as-of "$1" --only "$2" > /dev/null; }

# ---- 2. CF04: the reason text counts -------------------------------------------------------
rv=$(sql "SELECT id FROM police_case WHERE kind = 'criminal' AND close_reason = 'revoked'
  ORDER BY id LIMIT 1")
expect_match "a revoked case exists" "^[0-9]+$" "$rv"
expect_eq "revoked with its decision document: no CF04 lead" 0 "$(on CF04 police_case "$rv")"
sql "UPDATE police_case SET revoke_reason = '双方已达成和解，被害人出具谅解书' WHERE id = $rv"
run 2021-12-31 CF04
expect_eq "revoked because the parties settled: a CF04 lead" 1 "$(on CF04 police_case "$rv")"
expect_match "the lead names the reason and the law" "双方已达成和解.*不属于.*第十六条" \
    "$(sql "SELECT explanation FROM lead WHERE code = 'CF04' AND subject_id = $rv" | tr '\n' ' ')"
sql "UPDATE police_case SET revoke_reason = '经查，情节显著轻微、危害不大，不认为是犯罪' WHERE id = $rv"
run 2021-12-31 CF04
expect_eq "revoked as trivial (CPL art. 16): no lead" 0 "$(on CF04 police_case "$rv")"

# ---- 3. CF03: --as-of replays a day; a suspension stops the clock --------------------------
idle=$(sql "SELECT subject_id FROM lead WHERE code = 'CF03' ORDER BY id LIMIT 1")
filed=$(sql "SELECT substr(filed_at, 1, 10) FROM police_case WHERE id = $idle")
run "$(date -d "$filed + 60 days" +%F)" CF03
expect_eq "60 days after filing: not idle yet" 0 "$(on CF03 police_case "$idle")"
run "$(date -d "$filed + 120 days" +%F)" CF03
expect_eq "120 days after filing: idle" 1 "$(on CF03 police_case "$idle")"
# a step dated 2021-12-01 counts on 2021-12-31, and not on 2021-11-30, whenever imported
sql "UPDATE case_event SET occurred_at = '2021-12-01 10:00:00' WHERE case_system = 'police'
  AND node = 'bail' AND case_no = (SELECT case_no FROM police_case WHERE id = $idle)"
run 2021-12-31 CF03
expect_eq "a step a month ago: not idle" 0 "$(on CF03 police_case "$idle")"
run 2021-11-30 CF03
expect_eq "replayed the day before that step: idle" 1 "$(on CF03 police_case "$idle")"
sus=$(sql "SELECT p.id FROM police_case p JOIN case_event e ON e.case_system = 'police'
  AND e.case_no = p.case_no AND e.node = 'suspension' ORDER BY p.id LIMIT 1")
expect_match "a suspended investigation exists" "^[0-9]+$" "$sus"
run 2021-12-31 CF03
expect_eq "suspended with approval: no CF03 lead" 0 "$(on CF03 police_case "$sus")"
sql "UPDATE case_event SET node = 'other' WHERE case_system = 'police' AND node = 'suspension'
  AND case_no = (SELECT case_no FROM police_case WHERE id = $sus)"
run 2021-12-31 CF03
expect_eq "the same silence without the suspension: a lead" 1 "$(on CF03 police_case "$sus")"

# ---- 4. PN01: stages, the holiday calendar, leap day, a late extension ---------------------
pn=$(sql "SELECT subject_id FROM lead WHERE code = 'PN01' ORDER BY id LIMIT 1")
expect_eq "the planted case is pre-warned" prewarning "$(fact PN01 "$pn" stage)"
# summary procedure (3 months) filed 2021-07-01: the limit ends on 2021-10-01, National Day,
# and moves past the holiday (10-01 .. 10-07) to Friday 2021-10-08
sql "UPDATE court_case SET filed_at = '2021-07-01 09:00:00', procedure = 'summary',
  case_type = '民初' WHERE id = $pn"
run 2021-09-10 PN01
expect_eq "three weeks before: no lead" 0 "$(on PN01 court_case "$pn")"
run 2021-09-30 PN01
expect_eq "8 days before the moved last day: pre-warning" "prewarning 8 2021-10-08" \
    "$(fact PN01 "$pn" stage) $(fact PN01 "$pn" days_left) $(fact PN01 "$pn" deadline)"
run 2021-10-08 PN01
expect_eq "on the moved last day: warning" warning "$(fact PN01 "$pn" stage)"
run 2021-10-09 PN01
expect_eq "the day after (a 调休 working Saturday): escalation" "escalation -1" \
    "$(fact PN01 "$pn" stage) $(fact PN01 "$pn" days_left)"
expect_eq "one lead per case across its stages" 1 \
    "$(sql "SELECT count(*) FROM lead WHERE code = 'PN01' AND subject_id = $pn")"
# filed 2019-11-29: 3 months end on leap day 2020-02-29, a Saturday, moved to Monday 03-02
sql "UPDATE court_case SET filed_at = '2019-11-29 09:00:00' WHERE id = $pn"
run 2020-03-02 PN01
expect_eq "leap day on a Saturday: warning on Monday" "warning 2020-03-02" \
    "$(fact PN01 "$pn" stage) $(fact PN01 "$pn" deadline)"
# the lawfully extended open case: without its extension it is pre-warned; the extension
# approved on the last day is honoured, one day late it is not
ext=$(sql "SELECT c.id FROM court_case c JOIN case_event e ON e.case_system = 'court'
  AND e.case_no = c.case_no AND e.node = 'extension' WHERE c.closed_at IS NULL
  AND c.filed_at >= '2021-07-01' AND c.filed_at < '2021-07-13' ORDER BY c.filed_at DESC LIMIT 1")
expect_match "an open extended case exists" "^[0-9]+$" "$ext"
expect_eq "lawfully extended: no PN01 lead" 0 "$(on PN01 court_case "$ext")"
setext() { sql "UPDATE case_event SET occurred_at = '$1 10:00:00' WHERE case_system = 'court'
  AND node = 'extension' AND case_no = (SELECT case_no FROM court_case WHERE id = $ext)"; }
setext 2030-01-01
run 2021-12-31 PN01
dl=$(fact PN01 "$ext" deadline)
expect_match "without the extension: pre-warned" "^prewarning 20" "$(fact PN01 "$ext" stage) $dl"
setext "$dl"
run "$(date -d "$dl + 1 day" +%F)" PN01
expect_eq "extension approved on the last day: honoured" 0 "$(on PN01 court_case "$ext")"
setext "$(date -d "$dl + 1 day" +%F)"
run "$(date -d "$dl + 1 day" +%F)" PN01
expect_eq "extension approved one day late: escalated" "1 escalation" \
    "$(on PN01 court_case "$ext") $(fact PN01 "$ext" stage)"

# ---- 5. PN02 / PN03 ------------------------------------------------------------------------
# a withdrawn case needs no hearing; made a judgment, it does
wd=$(sql "SELECT id FROM court_case WHERE outcome = 'withdrawn' AND case_type = '民初'
  ORDER BY id LIMIT 1")
run 2021-12-31 PN02
expect_eq "withdrawn without a hearing: no PN02 lead" 0 "$(on PN02 court_case "$wd")"
sql "UPDATE court_case SET outcome = 'judgment' WHERE id = $wd"
run 2021-12-31 PN02
expect_eq "judgment without hearing or judgment node: a PN02 lead" 1 "$(on PN02 court_case "$wd")"
expect_match "the lead lists the missing nodes" "hearing" "$(fact PN02 "$wd" missing_nodes)"
# service recorded the day after the hearing is out of order; the same day is not
j=$(sql "SELECT c.id FROM court_case c JOIN case_event h ON h.case_system = 'court'
  AND h.case_no = c.case_no AND h.node = 'hearing' WHERE c.case_type = '民初'
  AND c.closed_at < '2021-06-01' ORDER BY c.id LIMIT 1")
hday=$(sql "SELECT substr(occurred_at, 1, 10) FROM case_event WHERE case_system = 'court'
  AND node = 'hearing' AND case_no = (SELECT case_no FROM court_case WHERE id = $j)")
setserved() { sql "UPDATE case_event SET occurred_at = '$1' WHERE case_system = 'court'
  AND node = 'served' AND case_no = (SELECT case_no FROM court_case WHERE id = $j)"; }
setserved "$hday 23:00:00"
run 2021-12-31 PN03
expect_eq "served later on the hearing's day: no PN03 lead" 0 "$(on PN03 court_case "$j")"
setserved "$(date -d "$hday + 1 day" +%F) 09:00:00"
run 2021-12-31 PN03
expect_eq "served the day after the hearing: a PN03 lead" "1 served hearing" \
    "$(on PN03 court_case "$j") $(fact PN03 "$j" node) $(fact PN03 "$j" after)"

finish
