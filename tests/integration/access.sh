#!/bin/bash
# access.sh - users, roles and scope from the command line: `zhijian user add|list|disable|
# passwd|key`, acting as a user with --as or $ZHIJIAN_USER, the scope of `leads list|show`,
# unmasking as a permission (refused, or audited), the filing check, the one "current" rule,
# and the store and reject files readable by their owner only.
. "$(dirname "$0")/lib.sh"

"$ZHIJIAN" init >/dev/null
expect_eq "a new store is its owner's only" "600" "$(stat -c %a "$ZHIJIAN_DB")"

# A province (P) with two cities (A, B) and a county below A (A1); a spouse's record; leads of
# A1, B and A (one from an older run, one from no run at all); two court cases of one party.
python3 - "$ZHIJIAN_DB" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
prov = ("s", "k", 0, 0, 1, 0)
for code, name, parent in [("P", "省", None), ("A", "甲市", "P"), ("A1", "甲县", "A"), ("B", "乙市", "P")]:
    db.execute("INSERT INTO unit (source_system, source_key, key_hash, batch_id, src_line, content_hash,"
               " unit_code, name, parent_code) VALUES (?,?,?,?,?,?,?,?,?)", prov + (code, name, parent))
db.execute("INSERT INTO officer_relative (id, source_system, source_key, key_hash, batch_id, src_line,"
           " content_hash, officer_no, relation, name, id_no, birth_date) VALUES"
           " (1, 'hr', 'R1', 0, 0, 1, 0, '0042', 'spouse', '王丽华', '610102198502031234', '1985-02-03')")
db.execute("INSERT INTO detect_run (id, code, started_at, finished_at) VALUES"
           " (1, 'TV02', '2026-01-01 00:00:00', '2026-01-01 00:00:01'),"
           " (2, 'TV02', '2026-01-02 00:00:00', '2026-01-02 00:00:01')")
for i, unit, run in [(1, "A1", 2), (2, "B", 2), (3, "A", 1), (4, "A", None)]:
    db.execute("INSERT INTO lead (id, code, fingerprint, subject_table, subject_id, unit_code, severity,"
               " title, explanation, status, first_seen_at, last_seen_at, last_run) VALUES"
               " (?, 'TV02', ?, 'officer_relative', 1, ?, 3, ?, 'e', 'new', 'x', 'x', ?)",
               (i, "f%d" % i, unit, "lead-of-%s-%d" % (unit, i), run))
db.execute("INSERT INTO lead_evidence (lead_id, table_name, record_id, role) VALUES (1, 'officer_relative', 1, 'spouse')")
for key, case in [("p1", "(2025)陕0102民初1号"), ("p2", "(2025)陕0103民初9号")]:
    db.execute("INSERT INTO case_party (source_system, source_key, key_hash, batch_id, src_line, content_hash,"
               " case_system, case_no, role, party_kind, name, id_no) VALUES"
               " ('court', ?, 0, 0, 1, 0, 'court', ?, 'plaintiff', 'person', '张三丰', '610102198502031234')",
               (key, case))
db.commit()
PY

# -- users: passwords from stdin or a file, never from the command line -----------------------
echo "supervisor passphrase" | "$ZHIJIAN" user add sup_a --role unit_supervisor --unit A >/dev/null
expect_eq "user add: password on stdin" 0 $?
printf 'leader passphrase\n' >"$WORK/pw"
"$ZHIJIAN" user add lead_a --role leader --unit A --password-file "$WORK/pw" >/dev/null
echo "inspector passphrase" | "$ZHIJIAN" user add insp_a --role inspector --unit A >/dev/null
echo "officer passphrase" | "$ZHIJIAN" user add off_a1 --role officer --unit A1 --officer-no 0042 >/dev/null
echo "judge passphrase!" | "$ZHIJIAN" user add judge_b --role filing_judge --unit B >/dev/null
"$ZHIJIAN" user add svc --role service --unit A1 --no-password >/dev/null
echo "whatever passphrase" | "$ZHIJIAN" user add nounit --role leader >/dev/null 2>&1
expect_eq "least privilege: no province-wide user unless asked for" 2 $?
"$ZHIJIAN" user add x --role officer --unit A --password secret123456 </dev/null >/dev/null 2>&1
expect_eq "no password option on the command line" 2 $?
echo "short" | "$ZHIJIAN" user add weak --role officer --unit A >/dev/null 2>&1
expect_eq "a short password is refused" 2 $?
echo "whatever passphrase" | "$ZHIJIAN" user add bad --role root --unit A >/dev/null 2>&1
expect_eq "an unknown role is refused" 2 $?
expect_eq "passwords stored as Argon2id, never in clear" "5 0" \
    "$(sql "SELECT count(*) FILTER (WHERE password_hash LIKE '\$argon2id\$%'), count(*) FILTER (WHERE password_hash LIKE '%passphrase%') FROM app_user" | tr '|' ' ')"
list=$("$ZHIJIAN" user list)
expect_match "user list names role and unit" "sup_a +unit_supervisor +A " "$list"
expect_eq "user list --json" 6 "$("$ZHIJIAN" user list --json | python3 -c "import json,sys; print(len(json.load(sys.stdin)))")"

# -- scope: a user sees his unit's subtree ----------------------------------------------------
ids() { python3 -c "import json,sys; print(' '.join(str(l['id']) for l in json.load(sys.stdin)))"; }
expect_eq "the store's owner sees every lead" "1 2 3 4" "$("$ZHIJIAN" leads list --json | ids | tr ' ' '\n' | sort | tr '\n' ' ' | sed 's/ $//')"
expect_eq "a supervisor of A sees A and A1, not B" "1 3 4" \
    "$("$ZHIJIAN" leads list --json --as sup_a | ids | tr ' ' '\n' | sort | tr '\n' ' ' | sed 's/ $//')"
expect_eq "... also through ZHIJIAN_USER" "1 3 4" \
    "$(ZHIJIAN_USER=sup_a "$ZHIJIAN" leads list --json | ids | tr ' ' '\n' | sort | tr '\n' ' ' | sed 's/ $//')"
expect_eq "--current: the latest finished run only (not an older run, not none)" "1" \
    "$("$ZHIJIAN" leads list --current --json --as sup_a | ids)"
expect_eq "--unit narrows to a subtree" "1" "$("$ZHIJIAN" leads list --unit A1 --json | ids)"
"$ZHIJIAN" leads show 2 --as sup_a >/dev/null 2>"$WORK/err"
expect_eq "a lead outside the scope is refused (exit 4)" 4 $?
expect_match "... saying why" "outside the scope" "$(cat "$WORK/err")"
"$ZHIJIAN" leads list --as off_a1 >/dev/null 2>&1
expect_eq "an officer reads no leads" 4 $?
"$ZHIJIAN" leads list --as nobody >/dev/null 2>&1
expect_eq "an unknown user" 2 $?

# -- personal data: masked everywhere, unmasking a permission that is audited -----------------
show=$("$ZHIJIAN" leads show 1 --as lead_a)
expect_match "the spouse's ID masked" "610102\*\*\*\*\*\*\*\*1234" "$show"
expect_match "... and her birth date beside it" "出生日期=1985-\*\*-\*\*" "$show"
if printf '%s' "$show" | grep -q "1985-02-03"; then expect_eq "no birth date in full" x y; fi
"$ZHIJIAN" leads show 1 --unmask --as lead_a >/dev/null 2>"$WORK/err"
expect_eq "a leader may not unmask" 4 $?
expect_match "... saying so" "may not 'unmask'" "$(cat "$WORK/err")"
expect_eq "a refused unmask leaves no view in the trail" 0 "$(sql "SELECT count(*) FROM audit_entry WHERE action = 'lead.unmask'")"
show=$("$ZHIJIAN" leads show 1 --unmask --as insp_a)
expect_match "an inspector may" "1985-02-03" "$show"
expect_eq "... and the view is in the trail, with who" "insp_a lead 1" \
    "$(sql "SELECT username, object_table, object_id FROM audit_entry WHERE action = 'lead.unmask'" | tr '|' ' ')"

# -- filing check: across all courts, masked, audited ------------------------------------------
party=$("$ZHIJIAN" leads party 610102198502031234 --as judge_b)
expect_match "a judge of B sees the party's cases in other courts" "陕0103民初9号" "$party"
expect_match "... masked" "张\*丰" "$party"
expect_eq "... and the check is in the trail" 1 "$(sql "SELECT count(*) FROM audit_entry WHERE action = 'filing.check' AND username = 'judge_b'")"
"$ZHIJIAN" leads party 610102198502031234 --as lead_a >/dev/null 2>&1
expect_eq "a leader makes no filing checks" 4 $?

# -- administration: disable, passwd, API keys -------------------------------------------------
key=$("$ZHIJIAN" user key svc --label "court push" 2>/dev/null)
expect_match "an API key is handed out once" "^zjk_[0-9a-f]{64}$" "$key"
expect_eq "... and stored hashed" 0 "$(sql "SELECT count(*) FROM api_key WHERE key_hash = '$key'")"
echo "new supervisor phrase" | "$ZHIJIAN" user passwd sup_a --as sup_a >/dev/null
expect_eq "a user changes his own password" 0 $?
echo "new leader phrase!!" | "$ZHIJIAN" user passwd lead_a --as sup_a >/dev/null 2>&1
expect_eq "... but not another's" 4 $?
"$ZHIJIAN" user disable sup_a >/dev/null
"$ZHIJIAN" leads list --as sup_a >/dev/null 2>&1
expect_eq "a disabled user acts no more" 4 $?
expect_match "user list shows it" "sup_a .* disabled" "$("$ZHIJIAN" user list)"
expect_eq "user changes are in the trail" "1 1 1" \
    "$(sql "SELECT count(*) FILTER (WHERE action = 'user.disable'), count(*) FILTER (WHERE action = 'user.passwd'), count(*) FILTER (WHERE action = 'user.api_key') FROM audit_entry" | tr '|' ' ')"
"$ZHIJIAN" audit verify >/dev/null
expect_eq "the trail verifies" 0 $?

# -- reject files: the store owner's only ------------------------------------------------------
printf '案号,立案日期\n(2025)1号,2025-13-45\n(2025)2号,2025-01-02\n' >"$WORK/c.csv"
cat >"$WORK/c.yaml" <<'YAML'
source_system: court_cms
table: court_case
key: [case_no]
format: csv
encoding: utf-8
fields:
  case_no: 案号
  filed_at: {column: 立案日期, formats: ["%Y-%m-%d"]}
YAML
"$ZHIJIAN" import --quiet --rejects "$WORK/rej" --mapping "$WORK/c.yaml" "$WORK/c.csv" >/dev/null 2>&1
rej=$(ls "$WORK"/rej/*.rejects.csv 2>/dev/null | head -1)
expect_eq "a reject file is its owner's only" "600" "$([ -n "$rej" ] && stat -c %a "$rej")"
batch=$(sql "SELECT batch_id FROM import_reject LIMIT 1")
echo "steward passphrase" | "$ZHIJIAN" user add steward --role data_steward --province >/dev/null
out=$("$ZHIJIAN" rejects "$batch" --as steward)
expect_match "a data steward sees why a row was rejected" "filed_at" "$out"
expect_match "... the value masked in the reason" "cannot parse date '[*]{3}'" "$out"
if printf '%s' "$out" | grep -q "2025-13-45"; then expect_eq "... and no raw row" x y; fi
expect_match "unmasked, the raw row" "[(]2025[)]1号,2025-13-45" "$("$ZHIJIAN" rejects "$batch" --unmask --as steward)"
expect_eq "... audited" 1 "$(sql "SELECT count(*) FROM audit_entry WHERE action = 'import.reject_unmask' AND username = 'steward'")"
"$ZHIJIAN" rejects "$batch" --as insp_a >/dev/null 2>&1
expect_eq "an inspector reads no import rejects" 4 $?

finish
