#!/usr/bin/env bash
# import.sh - end-to-end import: GB18030 CSV with quoted newlines and dirty rows, JSON Lines,
# reject files, idempotent re-runs, changed records with kept versions, atomic abort.
. "$(dirname "$0")/lib.sh"
F=$FIXTURES/import

# -- a dirty GB18030 file: 8 data rows, 3 good + 1 exact duplicate + 4 bad --------------------
out=$("$ZHIJIAN" import --json --rejects "$WORK/rej" -m "$F/court_case.mapping.yaml" \
      "$F/court_cases_gb18030.csv"); rc=$?
expect_eq "exit status with rejected rows" 1 "$rc"
j() { printf '%s' "$out" | python3 -c "import json,sys; print(json.load(sys.stdin)$1)"; }
expect_eq "rows read" 8 "$(j '["rows_read"]')"
expect_eq "inserted" 3 "$(j '["inserted"]')"
expect_eq "unchanged (duplicate row)" 1 "$(j '["unchanged"]')"
expect_eq "rejected" 4 "$(j '["rejected"]')"
expect_eq "encoding" gb18030 "$(j '["encoding"]')"
rej=$(j '["rejects_file"]')
expect_eq "reject file has a header and 4 rows" 5 "$(wc -l < "$rej" | tr -d ' ')"
expect_match "bad date names line, field and reason" \
    "court_cases_gb18030.csv,5,filed_at,.*cannot parse date '2021-13-45'" "$(cat "$rej")"
expect_match "unknown code" ",6,case_type,.*unknown code '未知类型'" "$(cat "$rej")"
expect_match "missing required value" ",7,case_no,.*required value is missing" "$(cat "$rej")"
expect_match "wrong field count" ',8,,"expected 9 fields as in the header, found 5"' "$(cat "$rej")"
expect_eq "rejects also in the store" 4 "$(sql 'SELECT count(*) FROM import_reject')"

# values: code tables, dates, full-width digits, thousands separators, embedded newline
expect_eq "row 123" "民初|2021-03-05 00:00:00|2021-06-30 00:00:00|1200000.0|closed|2" \
    "$(sql "SELECT case_type, filed_at, closed_at, claim_amount, status, src_line FROM court_case WHERE case_no = '（2021）陕01民初123号'")"
expect_eq "quoted newline kept, line of record start" "$(printf '买卖合同纠纷\r\n（备注：分两行）|3|2021-03-06 09:30:00')" \
    "$(sql "SELECT cause, src_line, filed_at FROM court_case WHERE case_no LIKE '%124号'")"
expect_eq "full-width amount" "3000.0|民终" \
    "$(sql "SELECT claim_amount, case_type FROM court_case WHERE case_no LIKE '%128号'")"
expect_eq "provenance" "court_cms|（2021）陕01民初123号|1" \
    "$(sql "SELECT source_system, source_key, batch_id FROM court_case WHERE case_no LIKE '%123号'")"

# -- the same file again is a no-op ----------------------------------------------------------
out=$("$ZHIJIAN" import --json --rejects "$WORK/rej" -m "$F/court_case.mapping.yaml" \
      "$F/court_cases_gb18030.csv"); rc=$?
expect_eq "re-import exit" 0 "$rc"
expect_eq "re-import skipped" skipped "$(j '["status"]')"
expect_eq "still 3 cases" 3 "$(sql 'SELECT count(*) FROM court_case')"
expect_eq "still 1 batch" 1 "$(sql 'SELECT count(*) FROM import_batch')"
out=$("$ZHIJIAN" import --json --force --rejects "$WORK/rej" -m "$F/court_case.mapping.yaml" \
      "$F/court_cases_gb18030.csv")
expect_eq "forced re-read: nothing new" "0 0 4" "$(j '["inserted"]') $(j '["updated"]') $(j '["unchanged"]')"
expect_eq "forced re-read: still 3 cases" 3 "$(sql 'SELECT count(*) FROM court_case')"

# -- a changed record updates in place and keeps the old version -----------------------------
id_before=$(sql "SELECT id FROM court_case WHERE case_no LIKE '%123号'")
out=$("$ZHIJIAN" import --json -m "$F/court_case.mapping.yaml" "$F/court_cases_v2.csv"); rc=$?
expect_eq "v2 exit" 0 "$rc"
expect_eq "v2 counts" "1 1 0" "$(j '["inserted"]') $(j '["updated"]') $(j '["rejected"]')"
expect_eq "encoding sniffed from bytes" gb18030 "$(j '["encoding"]')"
expect_eq "same id after update" "$id_before" "$(sql "SELECT id FROM court_case WHERE case_no LIKE '%123号'")"
expect_eq "updated values" "2021-07-15 00:00:00|1250000.0" \
    "$(sql "SELECT closed_at, claim_amount FROM court_case WHERE case_no LIKE '%123号'")"
expect_eq "old version kept" "1|2021-06-30 00:00:00|1200000.0" \
    "$(sql "SELECT batch_id, json_extract(data, '\$.closed_at'), json_extract(data, '\$.claim_amount') FROM record_version WHERE record_id = $id_before")"

# -- JSON Lines: nested keys, nulls, defaults, constants, invalid lines -----------------------
out=$("$ZHIJIAN" import --json --rejects "$WORK/rej" -m "$F/complaint.mapping.yaml" \
      "$F/complaints.jsonl"); rc=$?
expect_eq "jsonl exit" 1 "$rc"
expect_eq "jsonl counts" "4 2 2" "$(j '["rows_read"]') $(j '["inserted"]') $(j '["rejected"]')"
expect_eq "jsonl values" "12309|王芳|13800138000|received" \
    "$(sql "SELECT channel, complainant_name, complainant_phone, status FROM complaint WHERE complaint_no = 'TS2021001'")"
expect_eq "jsonl default for null" "12309||2021-05-02 08:30:00" \
    "$(sql "SELECT channel, content, received_at FROM complaint WHERE complaint_no = 'TS2021002'")"
expect_match "jsonl reject lines" ",4,,invalid JSON" "$(cat "$(j '["rejects_file"]')")"

# -- too many rejects: the whole batch is rolled back ----------------------------------------
export ZHIJIAN_DB="$WORK/abort.db"
out=$("$ZHIJIAN" import --json --max-errors 2 --rejects "$WORK/rej2" \
      -m "$F/court_case.mapping.yaml" "$F/court_cases_gb18030.csv" 2>"$WORK/err"); rc=$?
expect_eq "abort exit" 3 "$rc"
expect_eq "abort status" aborted "$(j '["status"]')"
expect_match "abort message" "court_cases_gb18030.csv:7: .*more than 2 rejected rows" "$(cat "$WORK/err")"
expect_eq "nothing kept" "0|0|0" "$(sql 'SELECT (SELECT count(*) FROM court_case), (SELECT count(*) FROM import_batch), (SELECT count(*) FROM import_reject)')"
expect_eq "reject file survives the abort" 4 "$(wc -l < "$(j '["rejects_file"]')" | tr -d ' ')"

# -- usage errors name the problem -----------------------------------------------------------
printf 'source_system: x\ntable: court_case\nfields:\n  case_no: {colum: 案号}\n' > "$WORK/bad.yaml"
err=$("$ZHIJIAN" import -m "$WORK/bad.yaml" "$F/court_cases_v2.csv" 2>&1); rc=$?
expect_eq "bad mapping exit" 2 "$rc"
expect_match "bad mapping message" "bad.yaml:4: field 'case_no': unknown option 'colum'" "$err"
printf 'source_system: x\ntable: court_case\nfields:\n  case_no: 案件编号\n' > "$WORK/nocol.yaml"
err=$("$ZHIJIAN" import -m "$WORK/nocol.yaml" "$F/court_cases_v2.csv" 2>&1); rc=$?
expect_eq "missing column exit" 2 "$rc"
expect_match "missing column message" "column '案件编号' is not in the file's header \(the header has: 案号, 法院代码" "$err"

# -- directory import: every mapping with its files ------------------------------------------
export ZHIJIAN_DB="$WORK/dir.db"
"$ZHIJIAN" import --quiet --rejects "$WORK/rej3" "$F"; rc=$?
expect_eq "dir import exit (rows rejected)" 1 "$rc"
expect_eq "dir import: both csv files and the jsonl" "3|4|2" \
    "$(sql "SELECT count(*), (SELECT count(*) FROM court_case), (SELECT count(*) FROM complaint) FROM import_batch")"
finish
