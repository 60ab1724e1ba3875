#!/usr/bin/env bash
# incremental.sh - incremental detection and what it does to leads (issue 13 items 4):
#  1. a batch that brings the missing step of two CF05 leads (the procuratorate's records of two
#     transferred police cases) re-evaluates only the cases it touches (counted), the lead no
#     one has taken up closes by itself with the reason in its history, and the lead being
#     worked keeps its state, gets the event in its history and a notice for its assignee;
#  2. the incremental run leaves exactly the current leads a full run finds;
#  3. a new reference day is a full run;
#  5. a case matched only by parties and dates (no number either way) clears the lead in an
#     incremental run as in a full one.
. "$(dirname "$0")/lib.sh"
ONLY=CF01,CF02,CF05,CF06,CF07,CF08
DAY=2021-12-31
"$ZHIJIAN" gen --seed 1 --scale small --out "$WORK/p" --quiet
"$ZHIJIAN" import --quiet --max-errors -1 --rejects "$WORK/rej" "$WORK/p"
"$ZHIJIAN" link --quiet                    # CF05 matches by parties when numbers do not meet
"$ZHIJIAN" detect --as-of $DAY --only $ONLY --no-analysis --json > "$WORK/d1.json"
expect_eq "first detect" 0 $?
first_scope=$(python3 -c "import json,sys; print(' '.join(sorted({d['scope'] for d in json.load(open(sys.argv[1]))})))" "$WORK/d1.json")
expect_eq "the first run evaluates everything" "all" "$first_scope"

# two CF05 leads on police transfers the procuratorate has not entered
read -r l1 l2 <<<"$(sql "SELECT id FROM lead WHERE code = 'CF05' AND subject_table = 'police_case'
  ORDER BY id LIMIT 2" | xargs)"
expect_match "two CF05 transfer leads" "^[0-9]+$" "$l2"
n5=$(sql "SELECT count(*) FROM lead WHERE code = 'CF05'")
unit2=$(sql "SELECT unit_code FROM lead WHERE id = $l2")
"$ZHIJIAN" user add wang --role inspector --unit "$unit2" --no-password > /dev/null
"$ZHIJIAN" leads assign "$l2" --unit "$unit2" --to wang --deadline 2099-01-15 > /dev/null
expect_eq "assign" 0 $?
"$ZHIJIAN" leads start "$l2" --as wang > /dev/null
expect_eq "start" 0 $?

# the procuratorate's records of both cases arrive, received two days after the transfer
{
  echo "案号,公安案号,类型,承办单位,受理日期,决定,决定日期"
  sql "SELECT procuratorate_case_no || ',' || case_no || ',prosecution_review,' || unit_code || ','
         || date(transferred_at, '+2 days') || ',not_prosecute,' || date(transferred_at, '+12 days')
       FROM police_case WHERE id IN (SELECT subject_id FROM lead WHERE id IN ($l1, $l2))"
} > "$WORK/late.csv"
cat > "$WORK/late.mapping.yaml" <<'YAML'
source_system: procuratorate_late
table: procuratorate_case
encoding: utf-8
key: [case_no]
fields:
  case_no: 案号
  police_case_no: 公安案号
  kind: 类型
  unit_code: 承办单位
  received_at: {column: 受理日期, formats: ["%Y-%m-%d"]}
  decision: 决定
  decided_at: {column: 决定日期, formats: ["%Y-%m-%d"]}
YAML
"$ZHIJIAN" import --quiet --mapping "$WORK/late.mapping.yaml" "$WORK/late.csv"
expect_eq "import the late records" 0 $?
current() { sql "SELECT l.code || ' ' || l.fingerprint FROM lead l WHERE l.code IN
  ('CF01','CF02','CF05','CF06','CF07','CF08') AND l.last_run = (SELECT max(r.id) FROM detect_run r
  WHERE r.code = l.code AND r.finished_at IS NOT NULL) ORDER BY 1"; }
out=$("$ZHIJIAN" detect --as-of $DAY --only $ONLY --no-analysis --json)
expect_eq "incremental detect" 0 $?
echo "$out" > "$WORK/d2.json"
field() { python3 -c "import json,sys; print([d for d in json.load(open(sys.argv[1])) if d['code'] == sys.argv[2]][0][sys.argv[3]])" "$WORK/d2.json" "$1" "$2"; }
# touched: each new record's own case and the police case it names (2 x 2), and the 110
# incidents that name those police cases (the reverse step)
want=$(sql "SELECT 4 + count(*) FROM incident WHERE police_case_no IN (SELECT case_no FROM
  police_case WHERE id IN (SELECT subject_id FROM lead WHERE id IN ($l1, $l2)))")
cases=$(sql "SELECT (SELECT count(*) FROM police_case) + (SELECT count(*) FROM incident)
  + (SELECT count(*) FROM procuratorate_case) + (SELECT count(*) FROM court_case)")
for c in CF01 CF02 CF05 CF06 CF07 CF08; do
  expect_eq "$c runs incrementally" cases "$(field $c scope)"
  expect_eq "$c: cases touched by the batch" "$want" "$(field $c touched_cases)"
done
echo "  touched $want of $cases cases; CF05 re-evaluated $(field CF05 evaluated) records, kept $(field CF05 carried) leads"
expect_eq "CF05: the other leads are kept without looking" $((n5 - 2)) "$(field CF05 carried)"
expect_eq "CF08: no candidate among the touched cases" 0 "$(field CF08 evaluated)"
expect_eq "detect_run records the scope" "cases|$want" \
    "$(sql "SELECT scope || '|' || cases FROM detect_run WHERE code = 'CF05' ORDER BY id DESC LIMIT 1")"

# the lead nobody had taken up closed by itself, and its history says why
expect_eq "untouched lead: closed" closed "$(sql "SELECT status FROM lead WHERE id = $l1")"
h1=$("$ZHIJIAN" leads history "$l1" --json)
expect_match "history: auto_close by zhijian" '"action":[[:space:]]*"auto_close"' "$h1"
expect_match "history: the reason" "补录: 检察院受案记录已到达" "$h1"
expect_match "audit trail: the closing" "lead.auto_close" "$("$ZHIJIAN" audit log 2>/dev/null | tail -5)"
# the lead being worked keeps its state, gets the event and a notice
expect_eq "worked lead: still verifying" verifying "$(sql "SELECT status FROM lead WHERE id = $l2")"
h2=$("$ZHIJIAN" leads history "$l2" --json)
expect_match "history: the event" '"action":[[:space:]]*"event"' "$h2"
expect_match "history: what arrived" "新事件: 检察院受案记录已到达" "$h2"
n=$("$ZHIJIAN" leads notices --as wang --json)
expect_match "notice for the assignee" "\"lead\":[[:space:]]*$l2[,}]" "$(echo "$n" | tr -d '\n')"
q=$("$ZHIJIAN" leads queue --as wang --json | tr -d '\n')
expect_match "queue shows it unread" '"unread":[[:space:]]*1' "$q"
"$ZHIJIAN" leads notices --as wang --read "$l2" > /dev/null
expect_eq "notice read" "" "$("$ZHIJIAN" leads notices --as wang --json | tr -d '[:space:][]')"
"$ZHIJIAN" audit verify > /dev/null
expect_eq "audit trail verifies" 0 $?

# 2. the same current leads as a full evaluation
current > "$WORK/incremental.txt"
"$ZHIJIAN" detect --as-of $DAY --only $ONLY --no-analysis --full --json > "$WORK/d3.json"
current > "$WORK/full.txt"
expect_eq "incremental = full (current leads)" "" "$(diff "$WORK/incremental.txt" "$WORK/full.txt")"
expect_eq "a re-run changes nothing in the workflow" 1 \
    "$(sql "SELECT count(*) FROM lead_action WHERE lead_id = $l1")"

# 5. the procuratorate's case of a third transfer arrives with no number either way (neither
# case names the other), its suspect being the police case's: the match by parties and dates.
# The incremental run clears the lead as a full run does.
read -r l3 pc3 <<<"$(sql "SELECT id, subject_id FROM lead WHERE code = 'CF05'
  AND subject_table = 'police_case' AND id NOT IN ($l1, $l2) AND last_run = (SELECT max(id)
  FROM detect_run WHERE code = 'CF05') ORDER BY id LIMIT 1" | tr '|' ' ')"
expect_match "a third CF05 transfer lead" "^[0-9]+$" "$pc3"
{
  echo "案号,类型,承办单位,受理日期,案由"
  sql "SELECT 'LATE-PARTY-1,prosecution_review,' || unit_code || ',' || date(transferred_at,
         '+2 days') || ',' || coalesce(cause, '') FROM police_case WHERE id = $pc3"
} > "$WORK/party.csv"
cat > "$WORK/party.mapping.yaml" <<'YAML'
source_system: procuratorate_party
table: procuratorate_case
encoding: utf-8
key: [case_no]
fields:
  case_no: 案号
  kind: 类型
  unit_code: 承办单位
  received_at: {column: 受理日期, formats: ["%Y-%m-%d"]}
  cause: 案由
YAML
{
  echo "案号,姓名,证件号码"
  sql "SELECT 'LATE-PARTY-1,' || name || ',' || id_no FROM case_party WHERE case_system = 'police'
         AND role = 'suspect' AND case_no = (SELECT case_no FROM police_case WHERE id = $pc3)"
} > "$WORK/party-people.csv"
cat > "$WORK/party-people.mapping.yaml" <<'YAML'
source_system: procuratorate_party
table: case_party
encoding: utf-8
key: [case_system, case_no, role, name]
fields:
  case_system: {const: procuratorate}
  case_no: 案号
  role: {const: suspect}
  party_kind: {const: person}
  name: 姓名
  id_no: 证件号码
YAML
"$ZHIJIAN" import --quiet --mapping "$WORK/party.mapping.yaml" "$WORK/party.csv"
expect_eq "import the procuratorate's case" 0 $?
"$ZHIJIAN" import --quiet --mapping "$WORK/party-people.mapping.yaml" "$WORK/party-people.csv"
expect_eq "import its suspect" 0 $?
"$ZHIJIAN" detect --as-of $DAY --only $ONLY --no-analysis --json > "$WORK/d5.json"
expect_eq "incremental detect after the match by parties" "cases" \
    "$(python3 -c "import json,sys; print([d for d in json.load(open(sys.argv[1])) if d['code'] == 'CF05'][0]['scope'])" "$WORK/d5.json")"
current > "$WORK/incremental5.txt"
expect_eq "matched by parties: the lead is no longer current" "" \
    "$(grep "^CF05 $(sql "SELECT fingerprint FROM lead WHERE id = $l3")" "$WORK/incremental5.txt")"
"$ZHIJIAN" detect --as-of $DAY --only $ONLY --no-analysis --full --json > "$WORK/d6.json"
current > "$WORK/full5.txt"
expect_eq "matched by parties: incremental = full (current leads)" "" \
    "$(diff "$WORK/incremental5.txt" "$WORK/full5.txt")"

# 4. leaders' case-flow figures: open warnings are the current case-flow leads not closed or
# dismissed (the auto-closed one left them), and each stage's average is its cases' own
open_cli=$("$ZHIJIAN" leads caseflow --by agency --measure open_warnings --json | python3 -c "
import json,sys; print(sum(r['count'] for r in json.load(sys.stdin)))")
open_sql=$(sql "SELECT count(*) FROM lead l WHERE (l.code LIKE 'CF%') AND l.status NOT IN
  ('closed','dismissed') AND l.last_run = (SELECT max(r.id) FROM detect_run r WHERE r.code = l.code
  AND r.finished_at IS NOT NULL)")
expect_eq "open warnings by agency" "$open_sql" "$open_cli"
trial_cli=$("$ZHIJIAN" leads caseflow --by agency --measure stage_days --agency court --json |
  python3 -c "import json,sys; r=json.load(sys.stdin)[0]; print(r['count'], '%.2f' % r['avg_days'])")
trial_sql=$(sql "SELECT count(*) || ' ' || printf('%.2f', avg(julianday(substr(closed_at, 1, 10))
  - julianday(substr(filed_at, 1, 10)))) FROM court_case WHERE filed_at IS NOT NULL
  AND closed_at IS NOT NULL AND substr(closed_at, 1, 10) >= substr(filed_at, 1, 10)")
expect_eq "court trial days" "$trial_sql" "$trial_cli"
err=$("$ZHIJIAN" leads caseflow --by week 2>&1); rc=$?
expect_eq "unknown grouping" 2 "$rc"

# 3. a new reference day re-evaluates everything (deadlines move with the day)
"$ZHIJIAN" detect --as-of 2022-01-01 --only CF06 --no-analysis --json > "$WORK/d4.json"
expect_eq "new day: full" all "$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))[0]['scope'])" "$WORK/d4.json")"
finish
