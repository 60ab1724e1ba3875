#!/usr/bin/env bash
# mapping_v2.sh - mapping format v2 end to end: --mappings matching, values inside values,
# status-dependent columns, one row -> several records in other tables, look-ups of unit
# names, extra, skipped rows and idempotent re-imports (docs/mapping.md, "Mapping format v2").
. "$(dirname "$0")/lib.sh"
F=$FIXTURES/mapping_v2
D=$WORK/data
cp -r "$F/data" "$D"

# -- a file no mapping matches, and one two mappings match: nothing is imported ---------------
out=$("$ZHIJIAN" import --mappings "$F/maps" "$D" 2>&1); rc=$?
expect_eq "unmatched file is a usage error" 2 "$rc"
expect_match "names the unmatched file" "readme.txt: no mapping in .* matches" "$out"
expect_match "says nothing was imported" "1 of 6 files cannot be matched to one mapping" "$out"
expect_eq "nothing imported" 0 "$(sql 'SELECT count(*) FROM import_batch')"
rm "$D/readme.txt"
mkdir "$WORK/maps2" && cp "$F"/maps/*.yaml "$WORK/maps2/"
sed 's/court_ledger\*.csv/court_*.csv/; s/source_system: court_cms/source_system: court_b/' \
    "$F/maps/court.mapping.yaml" > "$WORK/maps2/court2.mapping.yaml"
out=$("$ZHIJIAN" import --mappings "$WORK/maps2" "$D" 2>&1); rc=$?
expect_eq "doubly matched file is a usage error" 2 "$rc"
expect_match "names both mappings" "court_ledger.csv: matched by 2 mappings: .*court.mapping.yaml, .*court2.mapping.yaml" "$out"

# -- the folder, matched file by file; units first because the others look them up ------------
out=$("$ZHIJIAN" import --rejects "$WORK/rej" --mappings "$F/maps" "$D" 2>&1); rc=$?
expect_eq "exit status: one complaint rejected" 1 "$rc"
expect_match "units imported first" "^$D/units.csv -> unit" "$out"
expect_match "skipped subtotal row" "1 rows skipped by the mapping's 'when'" "$out"
expect_match "procuratorate events counted" "records from 'rows:' \(case_event, case_event\): 4 new" "$out"

# court: court and type from the case number, status-dependent date, amounts, extension days
expect_eq "basic court case" "民初|J61010400|2022-03-01 00:00:00|closed|0|1234.56" \
    "$(sql "SELECT case_type, court_code, closed_at, status, extension_days, claim_amount FROM court_case WHERE case_no = '（2022）陕0104民初2号'")"
expect_eq "full-width year normalised, 万元" "刑初|J61011300||open|30|12000.0" \
    "$(sql "SELECT case_type, court_code, closed_at, status, extension_days, claim_amount FROM court_case WHERE case_no = '（2022）陕0113刑初15号'")"
expect_eq "intermediate court" "J61010000" \
    "$(sql "SELECT court_code FROM court_case WHERE case_no LIKE '%陕01民终7号'")"
expect_eq "extension days -> one event" "court|extension|30|2022-02-10 00:00:00" \
    "$(sql "SELECT case_system, node, days, occurred_at FROM case_event WHERE case_system = 'court'")"
expect_eq "extra keeps the column with no field" '{"panel":"张三"}' \
    "$(sql "SELECT extra FROM court_case WHERE case_no = '（2022）陕0104民初2号'")"
expect_eq "extra read like a detector would" "张三" \
    "$(sql "SELECT json_extract(extra, '\$.panel') FROM court_case WHERE extra IS NOT NULL")"
rej=$(ls "$WORK"/rej/court_ledger.csv.*.rejects.csv)
expect_match "unknown court region names the value" \
    "court_code,.*no unit row with region_code '610199'" "$(cat "$rej")"

# procuratorate: unit from inside the case number, counts and flags -> events
expect_eq "unit from 部门受案号, indictment, decision by status" \
    "P61011300|雁检刑诉〔2022〕88号|prosecute|2022-05-20 00:00:00" \
    "$(sql "SELECT unit_code, indictment_no, decision, decided_at FROM procuratorate_case WHERE case_no LIKE '%12号'")"
expect_eq "pending case: no decision" "||" \
    "$(sql "SELECT decision, decided_at, indictment_no FROM procuratorate_case WHERE case_no LIKE '%14号'")"
expect_eq "2 returns + 1 extension + 1 return" "extension:1 returned:3" \
    "$(sql "SELECT group_concat(node || ':' || n, ' ') FROM (SELECT node, count(*) n FROM case_event WHERE case_system = 'procuratorate' GROUP BY node ORDER BY node)")"
expect_eq "stable source keys" "雁检刑诉受[2022]610113000012号|returned|1,雁检刑诉受[2022]610113000012号|returned|2" \
    "$(sql "SELECT group_concat(replace(source_key, char(31), '|'), ',') FROM (SELECT source_key FROM case_event WHERE node = 'returned' AND case_no LIKE '%12号' ORDER BY source_key)")"
expect_eq "revocation reason kept in extra" '{"revoke_reason_text":"证据不足","退回补充侦查次数":"0","延长审查起诉":"否"}' \
    "$(sql "SELECT extra FROM procuratorate_case WHERE case_no LIKE '%13号'")"

# complaints and prisons: names looked up to unit codes, normalised; ambiguity is a reject
expect_eq "unit names -> codes" "TS001|J61011300,TS002|J61011300" \
    "$(sql "SELECT group_concat(complaint_no || '|' || target_unit_code, ',') FROM (SELECT * FROM complaint ORDER BY complaint_no)")"
rej=$(ls "$WORK"/rej/complaints.csv.*.rejects.csv)
expect_match "missing name names the closest" \
    "complaints.csv,4,target_unit_code,.*no unit row with name '西安市雁塔区法院' \(closest: 西安市雁塔区人民法院 J61011300" "$(cat "$rej")"
expect_match "ambiguous name names both" "2 unit rows with name '城关派出所': 城关派出所 G61010401, 城关派出所 G61011301" "$(cat "$rej")"
expect_eq "prison by name with a digit, previous reduction date" "JY6100001|2020-06-30" \
    "$(sql "SELECT prison_unit_code, prev_reduction_date FROM sentence_change WHERE change_no = 'JX001'")"
expect_eq "a column the mapping does not name is not kept" "" \
    "$(sql "SELECT extra FROM sentence_change WHERE change_no = 'JX001'")"

# -- a forced re-import changes nothing: every generated record has the same key -------------
before=$(sql "SELECT count(*) FROM case_event")
out=$("$ZHIJIAN" import --force --rejects "$WORK/rej" --mappings "$F/maps" "$D" 2>&1)
expect_match "re-import: generated records unchanged" "0 new, 0 changed, 4 unchanged" "$out"
expect_eq "no new events" "$before" "$(sql "SELECT count(*) FROM case_event")"
expect_eq "no new versions" 0 "$(sql "SELECT count(*) FROM record_version")"

# -- a row whose generated record is bad is rejected whole ------------------------------------
printf '部门受案号,受理日期,退回补充侦查次数,延长审查起诉,起诉书号,案件状态,状态时间,撤案理由\n雁检刑诉受[2022]610113000099号,2022-03-09,3,否,,审查中,,\n' \
    > "$WORK/procuratorate_ledger_2.csv"
out=$("$ZHIJIAN" import --rejects "$WORK/rej" --mappings "$F/maps" "$WORK/procuratorate_ledger_2.csv" 2>&1); rc=$?
expect_eq "bad count: exit 1" 1 "$rc"
expect_eq "no case, no event from it" "0|0" \
    "$(sql "SELECT (SELECT count(*) FROM procuratorate_case WHERE case_no LIKE '%99号'), (SELECT count(*) FROM case_event WHERE case_no LIKE '%99号')")"
expect_match "reason names the entry" "rows\[returned\] count \(column 退回补充侦查次数\): '3' is not a whole number from 0 to 2" \
    "$(cat "$WORK"/rej/procuratorate_ledger_2.csv.*.rejects.csv)"

# -- --json names the mapping each file went through; a look-up of an unknown field is a usage error
out=$("$ZHIJIAN" import --json --dry-run --mappings "$F/maps" "$D/units.csv")
expect_match "--json: the mapping" '"mapping":"[^"]*units.mapping.yaml"' "$out"
sed 's/match: name/match: nom/' "$F/maps/complaints.mapping.yaml" > "$WORK/bad.mapping.yaml"
out=$("$ZHIJIAN" import -m "$WORK/bad.mapping.yaml" "$D/complaints.csv" 2>&1); rc=$?
expect_eq "unknown look-up field: usage error" 2 "$rc"
expect_match "names the mapping line and the field" "bad.mapping.yaml:8: lookup: table 'unit' has no field 'nom'" "$out"

# -- mappings beside the data (import DIR): the look-ups' files go after the unit file too ----
mkdir "$WORK/beside" && cp "$F"/maps/*.yaml "$F"/data/*.csv "$WORK/beside/"
out=$(ZHIJIAN_DB="$WORK/beside.db" "$ZHIJIAN" import --rejects "$WORK/rej2" "$WORK/beside" 2>&1)
expect_match "import DIR: units before the files that look them up" \
    "^$WORK/beside/units.csv -> unit: 8 rows" "$out"
expect_eq "import DIR: complaints found their units" 2 \
    "$(sqlite3 -batch -noheader "$WORK/beside.db" "SELECT count(*) FROM complaint WHERE target_unit_code IS NOT NULL")"
finish
