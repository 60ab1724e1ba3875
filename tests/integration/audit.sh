#!/usr/bin/env bash
# audit.sh - the audit trail (全程留痕) through the CLI: import batches, link and detect runs,
# reviewers' link decisions and unmasked views record themselves; verify passes on an honest
# log and names the entry after edits, deletions and reorderings made with sqlite3 on the
# database file; proofs and exported checkpoints check with nothing but the public key, and a
# changed proof or another key fails.
. "$(dirname "$0")/lib.sh"

"$ZHIJIAN" gen --seed 1 --scale tiny --out "$WORK/p" --quiet
"$ZHIJIAN" import --quiet --max-errors -1 --rejects "$WORK/rej" "$WORK/p"
expect_match "import" "^[01]$" "$?"
batches=$(sql "SELECT count(*) FROM import_batch")
expect_eq "one entry per import batch" "$batches" \
    "$(sql "SELECT count(*) FROM audit_entry WHERE action = 'import.batch'")"
expect_eq "each names its batch" "$batches" \
    "$(sql "SELECT count(DISTINCT a.object_id) FROM audit_entry a JOIN import_batch b ON b.id = a.object_id WHERE a.action = 'import.batch'")"
expect_match "the batch's file digest is in the entry" '"file_digest":"[0-9a-f]{32}"' \
    "$(sql "SELECT detail FROM audit_entry WHERE id = 1")"
expect_eq "the key file is the owner's only" "600" "$(stat -c %a "$ZHIJIAN_DB.audit-key")"

# a re-import of the same files is skipped: nothing changed, nothing recorded
"$ZHIJIAN" import --quiet --max-errors -1 --rejects "$WORK/rej" "$WORK/p"
expect_eq "skipped re-import records nothing" "$batches" "$(sql "SELECT count(*) FROM audit_entry")"

"$ZHIJIAN" link --quiet
expect_eq "one entry for the link run" 1 "$(sql "SELECT count(*) FROM audit_entry WHERE action = 'link.run'")"
read -r m1 m2 <<<"$(sql "SELECT min(id), max(id) FROM mention" | tr '|' ' ')"
"$ZHIJIAN" link review "$m1" "$m2" reject --by 审核员甲 --note "不同人" --quiet
expect_eq "a reviewer's decision is recorded with it" "link.review|mention|$m1|reject|$m2" \
    "$(sql "SELECT action, object_table, object_id, json_extract(detail, '$.decision'), json_extract(detail, '$.mention_b') FROM audit_entry ORDER BY id DESC LIMIT 1")"
"$ZHIJIAN" detect --quiet --as-of 2021-12-31 > /dev/null
runs=$(sql "SELECT count(*) FROM detect_run")
entries=$(sql "SELECT count(*) FROM audit_entry WHERE action = 'detect.run'")
# one per detector run, one for the analysis, one for handing changed leads to the workflow
expect_eq "an entry per detector run, the analysis and the hand-off" "$((runs + 2))" "$entries"

lead=$(sql "SELECT min(id) FROM lead")
before=$(sql "SELECT count(*) FROM audit_entry")
"$ZHIJIAN" leads show "$lead" > /dev/null
expect_eq "a masked view is not recorded" "$before" "$(sql "SELECT count(*) FROM audit_entry")"
"$ZHIJIAN" leads show "$lead" --unmask > /dev/null
expect_eq "an unmasked view is recorded" "lead.unmask|lead|$lead|admin" \
    "$(sql "SELECT action, object_table, object_id, role FROM audit_entry ORDER BY id DESC LIMIT 1")"
"$ZHIJIAN" link show 1 --unmask > /dev/null
expect_eq "an unmasked entity view is recorded" "entity.unmask|1" \
    "$(sql "SELECT action, object_id FROM audit_entry ORDER BY id DESC LIMIT 1")"

out=$("$ZHIJIAN" audit verify); rc=$?
expect_eq "verify an honest log" 0 "$rc"
expect_match "verify says intact" "intact: $((before + 2)) entries" "$out"
"$ZHIJIAN" audit key > "$WORK/pub" 2>/dev/null
expect_eq "key" 0 $?
"$ZHIJIAN" audit verify --public-key "$WORK/pub" > /dev/null
expect_eq "verify against the pinned key" 0 $?
"$ZHIJIAN" audit log --limit 3 --json | python3 -c "import json,sys; assert len(json.load(sys.stdin)) == 3"
expect_eq "log --json" 0 $?

# proofs, checked with nothing but the key (no store)
"$ZHIJIAN" audit checkpoint --export "$WORK/c1.json" 2>/dev/null
expect_eq "checkpoint --export" 0 $?
"$ZHIJIAN" audit proof 3 > "$WORK/p3.json" 2>/dev/null
expect_eq "proof" 0 $?
out=$(env -u ZHIJIAN_DB "$ZHIJIAN" audit check "$WORK/p3.json" --public-key "$WORK/pub" --db /nonexistent/x.db)
expect_eq "inclusion proof checks" 0 $?
expect_match "names the entry" "^ok: entry 3 " "$out"
"$ZHIJIAN" audit check "$WORK/c1.json" --public-key "$WORK/pub" > /dev/null
expect_eq "exported checkpoint checks" 0 $?
"$ZHIJIAN" leads show "$lead" --unmask > /dev/null   # the log grows
"$ZHIJIAN" audit consistency "$WORK/c1.json" > "$WORK/cons.json" 2>/dev/null
expect_eq "consistency proof" 0 $?
out=$("$ZHIJIAN" audit check "$WORK/cons.json" --public-key "$WORK/pub")
expect_eq "consistency proof checks" 0 $?
expect_match "it says the log grew" "extends the log of" "$out"
"$ZHIJIAN" audit checkpoint --export "$WORK/c2.json" 2>/dev/null
"$ZHIJIAN" audit consistency "$WORK/c1.json" "$WORK/c2.json" > "$WORK/cons12.json" 2>/dev/null
expect_eq "consistency between two exported checkpoints" 0 $?
"$ZHIJIAN" audit consistency "$WORK/c2.json" "$WORK/c1.json" > /dev/null 2>&1
expect_eq "a shrinking log is refused" 2 $?

otherkey=0000000000000000000000000000000000000000000000000000000000000000
"$ZHIJIAN" audit check "$WORK/cons.json" --public-key $otherkey > /dev/null 2>&1
expect_eq "another key fails" 1 $?
python3 - "$WORK/p3.json" "$WORK/p3bad.json" <<'PY'
import json, sys
p = json.load(open(sys.argv[1]))
p["entry"]["object_id"] += 1
json.dump(p, open(sys.argv[2], "w"))
PY
"$ZHIJIAN" audit check "$WORK/p3bad.json" --public-key "$WORK/pub" > /dev/null 2>&1
expect_eq "a changed entry in a proof fails" 1 $?
printf '{"format":"zhijian-audit-proof/1","type":"inclusion"}' > "$WORK/junk.json"
err=$("$ZHIJIAN" audit check "$WORK/junk.json" --public-key "$WORK/pub" 2>&1 >/dev/null)
expect_match "a malformed proof names the file and field" "junk.json: .*(path|checkpoint)" "$err"

# tampering with sqlite3 on copies of the store
tamper() {  # tamper NAME SQL -> verify's JSON on a tampered copy
    sqlite3 "$ZHIJIAN_DB" ".backup '$WORK/$1.db'"
    sqlite3 "$WORK/$1.db" "$2"
    "$ZHIJIAN" audit verify --json --db "$WORK/$1.db"
}
j() { printf '%s' "$1" | python3 -c "import json,sys; d = json.load(sys.stdin); print(d.get('problem'), d.get('entry'))"; }
out=$(tamper edit "UPDATE audit_entry SET username = 'nobody' WHERE id = 4"); rc=$?
expect_eq "edit: exit" 1 "$rc"
expect_eq "edit: names entry 4" "altered 4" "$(j "$out")"
out=$(tamper delete "DELETE FROM audit_entry WHERE id = 6")
expect_eq "delete: names entry 6" "removed 6" "$(j "$out")"
out=$(tamper reorder "UPDATE audit_entry SET id = 1000 WHERE id = 2; UPDATE audit_entry SET id = 2 WHERE id = 5; UPDATE audit_entry SET id = 5 WHERE id = 1000")
expect_eq "reorder: names entry 2" "reordered 2" "$(j "$out")"
last=$(sql "SELECT max(id) FROM audit_entry")
out=$(tamper tail "DELETE FROM audit_entry WHERE id = $last")
expect_eq "truncate: names the last entry" "removed $last" "$(j "$out")"
out=$("$ZHIJIAN" audit verify --db "$WORK/edit.db")
expect_match "the text report names it too" "TAMPERED: entry 4 was altered" "$out"
"$ZHIJIAN" audit verify > /dev/null
expect_eq "the original still verifies" 0 $?

finish
