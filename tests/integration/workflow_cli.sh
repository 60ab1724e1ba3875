#!/usr/bin/env bash
# workflow_cli.sh - officers' own records and the lead workflow, end to end through the binary.
#  1. records, zero reports and a quarterly report filed with `zhijian report`, a correction,
#     errors naming the field; then `zhijian detect` finds the missing and late months in
#     them exactly as in imported records (TR01, TR02), with zhijian as their source system.
#  2. a lead worked with `zhijian leads assign|start|decide|rectify|close|reopen|comment|
#     attach|history|queue`: refused steps, overdue flags, attachments stored once by content,
#     and a detection re-run that leaves the verdict alone.
. "$(dirname "$0")/lib.sh"

# the court officers and units of the detect fixture
mkdir -p "$WORK/org"
cp "$FIXTURES/detect/units.csv" "$FIXTURES/detect/unit.mapping.yaml" \
   "$FIXTURES/detect/officers.csv" "$FIXTURES/detect/officer.mapping.yaml" "$WORK/org/"
"$ZHIJIAN" import --quiet "$WORK/org"
expect_eq "import officers" 0 $?

# months relative to today: M2 two months ago (its deadline has passed), M1 last month
M0=$(date +%Y-%m)
M1=$(date -d "$M0-01 -1 month" +%Y-%m)
M2=$(date -d "$M0-01 -2 month" +%Y-%m)
Q=$(date +%Y)-Q$(( ($(date +%-m) + 2) / 3 ))
AS_OF=$(date -d "$M0-06" +%Y-%m-%d)     # after M1's deadline (the 5th, 23:59:59)

# ---- 1. records filed in zhijian ---------------------------------------------------------
out=$("$ZHIJIAN" report zero --officer D001 --month "$M2"); rc=$?
expect_eq "zero report exit" 0 "$rc"
expect_match "zero report numbered" "^filed ZJ-Z-000001 \(zero\) at " "$out"
"$ZHIJIAN" report zero --officer D001 --month "$M1" >/dev/null
out=$("$ZHIJIAN" report file --officer D002 --category leader_interference \
      --actor-name 李明 --actor-unit 某局 --actor-position 副局长 \
      --case-system court --case-no "（2021）陕0113刑初1号" \
      --occurred "$M1-15 10:30" --content "打招呼要求从轻" --unit J61011300); rc=$?
expect_eq "record exit" 0 "$rc"
expect_match "record numbered" "^filed ZJ-R-000003 \(record\)" "$out"
expect_eq "filed rows are canonical rows of source system zhijian" "3" \
    "$(sql "SELECT count(*) FROM interference_record WHERE source_system = 'zhijian'")"
expect_eq "provenance: the batch names who filed it (the local operator)" "filed in zhijian by $(id -un) (user 0, session 0)" \
    "$(sql "SELECT b.file FROM import_batch b JOIN interference_record r ON r.batch_id = b.id WHERE r.record_no = 'ZJ-R-000003'")"

# errors name the field; nothing is written
NEXT=$(date -d "$M0-01 +1 month" +%Y-%m)
err=$("$ZHIJIAN" report zero --officer D003 --month "$NEXT" 2>&1); rc=$?
expect_eq "future month exit" 2 "$rc"
expect_match "future month message" "field 'month': $NEXT is in the future" "$err"
err=$("$ZHIJIAN" report file --officer D003 --category bribe --actor-name x --occurred "$M1-01 09:00" --content y 2>&1); rc=$?
expect_eq "bad category exit" 2 "$rc"
expect_match "bad category message" "field 'category': 'bribe' is not one of" "$err"
err=$("$ZHIJIAN" report zero --officer D001 --month "$M2" 2>&1); rc=$?
expect_eq "second zero report exit" 2 "$rc"
expect_match "second zero report message" "field 'month': officer D001 already has a zero report" "$err"
expect_eq "nothing written by refused filings" 3 "$(sql "SELECT count(*) FROM record_filing")"

# a correction: a new record replacing the old, which stays as it was
out=$("$ZHIJIAN" report correct ZJ-R-000003 --reason "案号有误" --case-no "（2021）陕0113刑初2号"); rc=$?
expect_eq "correct exit" 0 "$rc"
expect_match "correct message" "^filed ZJ-R-000004 \(record\) at .*, replacing ZJ-R-000003" "$out"
expect_eq "the old record is unchanged" "（2021）陕0113刑初1号" \
    "$(sql "SELECT case_no FROM interference_record WHERE record_no = 'ZJ-R-000003'")"
expect_eq "the new one names it" "ZJ-R-000003|李明|（2021）陕0113刑初2号" \
    "$(sql "SELECT corrects_record_no || '|' || actor_name || '|' || case_no FROM interference_record WHERE record_no = 'ZJ-R-000004'")"
err=$("$ZHIJIAN" report correct ZJ-R-000003 --reason again 2>&1); rc=$?
expect_eq "correcting a replaced record exit" 2 "$rc"
expect_match "... names the newer one" "already corrected by ZJ-R-000004" "$err"
list=$("$ZHIJIAN" report list)
expect_match "list: the replaced record" "ZJ-R-000003 +record +D002 .* replaced by ZJ-R-000004" "$list"
expect_eq "list --current --json: three current" 3 \
    "$("$ZHIJIAN" report list --current --json | python3 -c "import json,sys; print(len(json.load(sys.stdin)))")"
expect_match "list --json: actor names masked" '"actor_name":"李\*"' "$("$ZHIJIAN" report list --json | tr -d ' \t\n')"

out=$("$ZHIJIAN" report quarterly --unit J61011300 --quarter "$Q" --summary "本季度如实记录" --json); rc=$?
expect_eq "quarterly exit" 0 "$rc"
# the unit's current records of the quarter: D002's record (M1), D001's zero reports (M2, M1)
in_q() { [ "$(date -d "$1-01" +%Y)-Q$(( ($(date -d "$1-01" +%-m) + 2) / 3 ))" = "$Q" ] && echo 1 || echo 0; }
n_rec=$(in_q "$M1"); n_zero=$(( $(in_q "$M2") + $(in_q "$M1") ))
n_off=$(( $(in_q "$M1") + ( n_zero > 0 ? 1 : 0 ) ))
expect_match "quarterly: numbered, counting the unit's current records" \
    "\"record_no\":\"ZJ-Q-000005\".*\"record_count\":$n_rec,\"zero_report_count\":$n_zero,\"officer_count\":$n_off" \
    "$(printf '%s' "$out" | tr -d ' \t\n')"

# users: an officer files his own zero report, not another's; a supervisor of another unit
# sees none of them
"$ZHIJIAN" user add d003 --role officer --unit J61011300 --officer-no D003 --no-password >/dev/null
"$ZHIJIAN" user add yu --role unit_supervisor --unit J61010000X --no-password >/dev/null
out=$("$ZHIJIAN" report zero --as d003 --month "$M1"); rc=$?
expect_eq "an officer's own zero report" 0 "$rc"
expect_eq "... filed as him, his officer number by default" "d003|officer|D003" \
    "$(sql "SELECT username || '|' || role || '|' || officer_no FROM record_filing ORDER BY id DESC LIMIT 1")"
err=$("$ZHIJIAN" report zero --as d003 --officer D004 --month "$M1" 2>&1); rc=$?
expect_eq "another officer's report: not permitted" 4 "$rc"
expect_match "... says so" "user 'd003' \(officer\) may not file a record for officer 'D004'" "$err"
expect_eq "the officer lists only his own" "ZJ-Z-000006" \
    "$("$ZHIJIAN" report list --as d003 --json | python3 -c "import json,sys; print(' '.join(r['record_no'] for r in json.load(sys.stdin)))")"
expect_eq "a supervisor of another unit lists none" "0" \
    "$("$ZHIJIAN" report list --as yu --json | python3 -c "import json,sys; print(len(json.load(sys.stdin)))")"

# the detectors read them as imported records
"$ZHIJIAN" detect --quiet --only TR01 --only TR02 --as-of "$AS_OF"
subjects() {  # subjects CODE: officer numbers with a current lead of CODE
    sql "SELECT coalesce(group_concat(no), '') FROM (SELECT o.officer_no AS no FROM lead l
         JOIN officer o ON o.id = l.subject_id WHERE l.code = '$1' AND l.last_run =
         (SELECT max(id) FROM detect_run WHERE code = '$1') ORDER BY 1)"
}
expect_match "TR01: D002 filed nothing for $M2" "(^|,)D002(,|$)" "$(subjects TR01)"
expect_eq "TR01: D001 reported every month" "" "$(subjects TR01 | tr ',' '\n' | grep -x D001)"
expect_match "TR02: D001's zero report for $M2 was filed late" "(^|,)D001(,|$)" "$(subjects TR02)"
expect_match "TR02: the late month named" "$M2（" \
    "$(sql "SELECT l.explanation FROM lead l JOIN officer o ON o.id = l.subject_id WHERE l.code = 'TR02' AND o.officer_no = 'D001'")"
expect_eq "TR02: its evidence is the filed record" "zhijian" \
    "$(sql "SELECT DISTINCT r.source_system FROM lead_evidence e JOIN lead l ON l.id = e.lead_id JOIN officer o ON o.id = l.subject_id JOIN interference_record r ON r.id = e.record_id WHERE l.code = 'TR02' AND o.officer_no = 'D001' AND e.table_name = 'interference_record'")"

# ---- 2. a lead worked to a verdict ------------------------------------------------------------
id=$(sql "SELECT l.id FROM lead l JOIN officer o ON o.id = l.subject_id WHERE l.code = 'TR01' AND o.officer_no = 'D002'")
expect_match "a TR01 lead to work" "^[0-9]+$" "$id"
DUE=$(date -d "+30 days" +%Y-%m-%d)
err=$("$ZHIJIAN" leads decide "$id" confirmed 2>&1); rc=$?
expect_eq "deciding a new lead exit" 2 "$rc"
expect_match "... says why" "lead $id is new .*'confirm' needs a lead in verification" "$err"
err=$("$ZHIJIAN" leads assign "$id" --unit J61011300 --to wang --deadline "$DUE" 2>&1); rc=$?
expect_eq "assigning to nobody exit" 2 "$rc"
expect_match "... names the field" "field 'assignee': no user 'wang'" "$err"
"$ZHIJIAN" user add wang --role inspector --unit J61011300 --no-password >/dev/null
err=$("$ZHIJIAN" leads assign "$id" --unit J61011300 --to d003 --deadline "$DUE" 2>&1); rc=$?
expect_eq "assigning to an officer exit" 2 "$rc"
expect_match "... who may not verify" "user 'd003' \(officer\) may not verify leads of unit 'J61011300'" "$err"
err=$("$ZHIJIAN" leads assign "$id" --unit J61011300 --to wang --deadline 2000-01-01 2>&1); rc=$?
expect_eq "past deadline exit" 2 "$rc"
expect_match "past deadline names the field" "field 'deadline': 2000-01-01 is before today" "$err"
out=$("$ZHIJIAN" leads assign "$id" --unit J61011300 --to wang --deadline "$DUE"); rc=$?
expect_eq "assign exit" 0 "$rc"
expect_match "assign output" "lead $id: new -> assigned \(新线索 -> 已分派\), step 1" "$out"
"$ZHIJIAN" leads start "$id" --if-version 1 >/dev/null
expect_eq "start at the step read" 0 $?
err=$("$ZHIJIAN" leads comment "$id" "stale form" --if-version 1 2>&1); rc=$?
expect_eq "acting on a stale read exit" 2 "$rc"
expect_match "... says it changed" "lead $id changed since it was read \(now step 2, verifying" "$err"
"$ZHIJIAN" leads comment "$id" "已调取考勤记录" >/dev/null
printf 'statement\n' > "$WORK/谈话笔录.txt"
out=$("$ZHIJIAN" leads attach "$id" "$WORK/谈话笔录.txt"); rc=$?
expect_eq "attach exit" 0 "$rc"
sha=$(sha256sum "$WORK/谈话笔录.txt" | cut -d' ' -f1)
expect_match "attach output: the content hash" "attached $sha" "$out"
blob="$ZHIJIAN_DB.files/${sha:0:2}/$sha"
expect_eq "stored by content, mode 0600" "600" "$(stat -c %a "$blob" 2>/dev/null)"
"$ZHIJIAN" leads attach "$id" "$WORK/谈话笔录.txt" --name copy.txt >/dev/null
expect_eq "stored once" 1 "$(find "$ZHIJIAN_DB.files" -type f | wc -l)"
"$ZHIJIAN" leads attachment "$id" "$sha" --out "$WORK/back.txt"
expect_eq "attachment read back" 0 $?
expect_eq "... the same bytes" "" "$(cmp "$WORK/谈话笔录.txt" "$WORK/back.txt" 2>&1)"
expect_eq "... written 0600" "600" "$(stat -c %a "$WORK/back.txt")"
err=$("$ZHIJIAN" leads decide "$id" dismissed 2>&1); rc=$?
expect_eq "dismiss without reason exit" 2 "$rc"
expect_match "... names the field" "field 'reason': required" "$err"
"$ZHIJIAN" leads decide "$id" confirmed --reason "确未报告" >/dev/null
expect_eq "confirmed" 0 $?

# the detector runs again: the lead is found again, the verdict stands
"$ZHIJIAN" detect --quiet --only TR01 --as-of "$AS_OF"
q=$("$ZHIJIAN" leads queue --worked --json)
expect_eq "verdict survives a re-run" "confirmed confirmed True" "$(printf '%s' "$q" | python3 -c "
import json,sys; r = [x for x in json.load(sys.stdin) if x['lead'] == $id][0]
print(r['state'], r['verdict'], r['current'])")"
expect_match "the lead list shows the state" "^$id +TR01 .* confirmed " \
    "$("$ZHIJIAN" leads list --status confirmed | sed 1d)"
unit=$(sql "SELECT unit_code FROM lead WHERE id = $id")
expect_match "search by the lead's unit" "(^|,)$id(,|$)" \
    "$("$ZHIJIAN" leads queue --search "$unit" --json | python3 -c "import json,sys; print(','.join(str(x['lead']) for x in json.load(sys.stdin)))")"
expect_eq "a search that matches nothing" 0 \
    "$("$ZHIJIAN" leads queue --search "查无此人" --json | python3 -c "import json,sys; print(len(json.load(sys.stdin)))")"

"$ZHIJIAN" leads rectify "$id" --deadline "$DUE" >/dev/null
expect_match "rectification overdue after its deadline" "^$id .*rectification .*整改逾期" \
    "$("$ZHIJIAN" leads queue --overdue --as-of "$(date -d "$DUE +1 day" +%Y-%m-%d)")"
expect_eq "not before" "" \
    "$("$ZHIJIAN" leads queue --overdue --as-of "$DUE" | sed 1d)"
"$ZHIJIAN" leads close "$id" >/dev/null
err=$("$ZHIJIAN" leads reopen "$id" --deadline "$DUE" 2>&1); rc=$?
expect_eq "reopen without reason exit" 2 "$rc"
"$ZHIJIAN" leads reopen "$id" --reason "新的举报" --deadline "$DUE" >/dev/null
expect_eq "reopened: assigned again" "assigned" \
    "$(sql "SELECT state FROM lead_workflow WHERE lead_id = $id")"

hist=$("$ZHIJIAN" leads history "$id")
expect_eq "history: every step" "assign start comment attach attach confirm rectify close reopen" \
    "$(printf '%s\n' "$hist" | awk '/^ *[0-9]+ /{print $5}' | tr '\n' ' ' | sed 's/ $//')"
expect_match "history: the reason" "理由 reason: 确未报告" "$hist"
expect_match "history: the comment" "批注 comment: 已调取考勤记录" "$hist"
expect_match "history: the file" "附件 file: 谈话笔录.txt \(10 bytes, sha256 $sha\)" "$hist"
expect_eq "history --json: who" "$(id -un) admin" \
    "$("$ZHIJIAN" leads history --json "$id" | python3 -c "import json,sys; h = json.load(sys.stdin); print(h[0]['user'], h[0]['role'])")"
err=$("$ZHIJIAN" leads comment "$id" "x" --as yu 2>&1); rc=$?
expect_eq "a supervisor of another unit may not touch it" 4 "$rc"
expect_match "... outside his scope" "unit 'J61011300' is outside the scope" "$err"
err=$("$ZHIJIAN" leads history 999999 2>&1); rc=$?
expect_eq "unknown lead exit" 2 "$rc"
err=$("$ZHIJIAN" leads decide "$id" maybe 2>&1); rc=$?
expect_eq "bad verdict exit" 2 "$rc"
expect_match "bad verdict message" "'confirmed' or 'dismissed', not 'maybe'" "$err"

# ---- 3. a correction takes the replaced record out of what the records say (TR04) ---------
# In the detect fixture, D002's record on （2021）陕0113刑初1号 makes a TR04 lead. A record
# filed in zhijian on the same case joins its evidence; once corrected to another case, the
# replaced record no longer counts, though it stays in the store.
(
export ZHIJIAN_DB="$WORK/tr04.db"
"$ZHIJIAN" import --quiet "$FIXTURES/detect" && "$ZHIJIAN" link --quiet
"$ZHIJIAN" report file --officer D006 --category improper_contact --actor-name 吴某 \
    --case-system court --case-no "（2021）陕0113刑初1号" --occurred "2021-03-10 15:00" \
    --content "当事人亲属登门" >/dev/null
"$ZHIJIAN" detect --quiet --only TR04 --as-of 2021-12-31
echo "filed $(sql "SELECT count(*) FROM lead_evidence e JOIN lead l ON l.id = e.lead_id
    JOIN interference_record r ON r.id = e.record_id WHERE l.code = 'TR04'
    AND e.table_name = 'interference_record' AND r.source_system = 'zhijian'")"
"$ZHIJIAN" report correct ZJ-R-000001 --reason "案号错" --case-no "（2021）陕0113刑初9号" >/dev/null
"$ZHIJIAN" detect --quiet --only TR04 --as-of 2021-12-31
echo "corrected $(sql "SELECT count(*) FROM lead_evidence e JOIN lead l ON l.id = e.lead_id
    JOIN interference_record r ON r.id = e.record_id WHERE l.code = 'TR04'
    AND e.table_name = 'interference_record' AND r.source_system = 'zhijian'")"
echo "kept $(sql "SELECT count(*) FROM interference_record WHERE source_system = 'zhijian'")"
echo "lead $(sql "SELECT count(*) FROM lead WHERE code = 'TR04' AND last_run = (SELECT max(id) FROM detect_run WHERE code = 'TR04')")"
) > "$WORK/tr04.out" 2>&1
expect_eq "TR04: the filed record is evidence, the replaced one no longer; both kept" \
    "filed 1 corrected 0 kept 2 lead 1" "$(tr '\n' ' ' < "$WORK/tr04.out" | sed 's/ $//')"

# every filing and every step is in the audit trail, which verifies
actions=$("$ZHIJIAN" audit log --json | python3 -c "
import json,sys; print(' '.join(e['action'] for e in json.load(sys.stdin) if e['action'].split('.')[0] in ('lead', 'record')))")
expect_eq "audit: the filings and the lead's steps, in order" \
    "record.file record.file record.file record.correct record.file record.file lead.assign lead.start lead.comment lead.attach lead.attach lead.attachment_read lead.confirm lead.rectify lead.close lead.reopen" \
    "$actions"
"$ZHIJIAN" audit verify >/dev/null
expect_eq "audit verify" 0 $?
finish
