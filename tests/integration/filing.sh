#!/usr/bin/env bash
# filing.sh - the filing assistant end to end (issue 14: FL01-FL04).
#  1. a tiny generated province: gen -> import -> link -> detect --only FL01..FL04 (every past
#     filing replayed as new on its day) -> eval: precision and recall >= 0.90 per code, no
#     near miss fires, the run says how many cases it checked by type.
#  2. `zhijian filing check FILE.json`: a planted parallel criminal case warns FL04 with its
#     case; a same-name stranger does not; personal data masked unless unmasked; malformed
#     input names the field; the check is audited and needs the filing-check permission.
. "$(dirname "$0")/lib.sh"
CODES="FL01 FL02 FL03 FL04"

# ---- 1. the replay on the tiny province -----------------------------------------------------
"$ZHIJIAN" gen --seed 3 --scale tiny --out "$WORK/p" --quiet
"$ZHIJIAN" import --quiet --max-errors -1 --rejects "$WORK/rej" "$WORK/p"
expect_match "import" "^[01]$" "$?"
"$ZHIJIAN" link --quiet
expect_eq "link" 0 $?
out=$("$ZHIJIAN" detect --only FL01,FL02,FL03,FL04 --json); rc=$?
expect_eq "detect exit" 0 "$rc"
expect_match "the replay says how many cases it checked, by type" \
    "cases checked [1-9][0-9]*（民事 civil [1-9][0-9]*，行政 administrative [1-9]" \
    "$(printf '%s' "$out" | python3 -c "import json,sys; print(json.load(sys.stdin)[0]['summary'])")"
"$ZHIJIAN" eval --truth "$WORK/p" --json > "$WORK/eval.json"
expect_eq "eval exit" 0 $?
for code in $CODES; do
    read -r p r t nm n f <<<"$(python3 -c "
import json,sys
d = json.load(open(sys.argv[1]))['detectors'][sys.argv[2]]
print(d['precision'], d['recall'], d['truth'], d['near_miss_hits'], d['near_misses'], d['found'])" \
        "$WORK/eval.json" "$code")"
    echo "  $code: precision $p recall $r (truth $t, leads $f, near misses $n, hit $nm)"
    expect_match "$code has planted anomalies" "^[1-9]" "$t"
    expect_eq "$code precision >= 0.90" 1 "$(python3 -c "print(int($p >= 0.90))")"
    expect_eq "$code recall >= 0.90" 1 "$(python3 -c "print(int($r >= 0.90))")"
    expect_eq "$code near misses do not fire" 0 "$nm"
done
expect_eq "an FL04 lead carries its factors as facts" "parallel_criminal_case" \
    "$(sql "SELECT facts FROM lead WHERE code = 'FL04' LIMIT 1" | python3 -c "
import json,sys; print(','.join(json.load(sys.stdin)['factors']))")"
for code in FL02 FL03 FL04; do
    expect_match "$code has a near miss planted" "^[1-9]" "$(python3 -c "
import json; print(json.load(open('$WORK/eval.json'))['detectors']['$code']['near_misses'])")"
done

# ---- 2. one check from the command line ------------------------------------------------------
# the plaintiff of a planted FL04 case, checked as if he filed a new loan suit today
row=$(python3 - "$WORK/p/truth.jsonl" <<'PY'
import json, sys
for line in open(sys.argv[1]):
    e = json.loads(line)
    if e['code'] == 'FL04' and not e['near_miss']:
        print(e['subject']['key']); break
PY
)
read -r name id phone <<<"$(sql "SELECT name, id_no, phone FROM case_party WHERE case_system = 'court'
    AND case_no = '$row' AND role = 'plaintiff'" | tr '|' ' ')"
expect_match "an FL04 plaintiff is found" "." "$name"
cat > "$WORK/case.json" <<JSON
{"case_type": "民初", "cause": "民间借贷纠纷", "claim_amount": 200000,
 "parties": [{"role": "plaintiff", "name": "$name", "id_no": "$id", "phone": "$phone"},
             {"role": "defendant", "name": "某某某"}]}
JSON
"$ZHIJIAN" filing check "$WORK/case.json" --json > "$WORK/out.json"; rc=$?
expect_eq "a warning exits 1" 1 "$rc"
read -r warn method conf crim masked <<<"$(python3 -c "
import json,sys
d = json.load(open(sys.argv[1]))
fl04 = d['prompts'][3]
p = d['parties'][0]
print(fl04['warn'], p['identity']['method'], p['identity']['confidence'],
      any(c['table'] == 'police_case' for c in fl04['cases']), '*' in p['id_no'])" "$WORK/out.json")"
expect_eq "FL04 warns" True "$warn"
expect_eq "resolved by ID" id "$method"
expect_eq "with confidence 1" 1 "$conf"
expect_eq "the pending criminal case supports it" True "$crim"
expect_eq "the ID is masked by default" True "$masked"
expect_match "text output names the factor" "parallel_criminal_case" \
    "$("$ZHIJIAN" filing check "$WORK/case.json")"
expect_match "--unmask shows the ID" "\"id_no\":\"$id\"" \
    "$("$ZHIJIAN" filing check "$WORK/case.json" --json --unmask)"
expect_match "checks are audited" "^[1-9]" \
    "$(sql "SELECT count(*) FROM audit_entry WHERE action = 'filing.check'")"
expect_eq "the audit never holds the ID" 0 \
    "$(sql "SELECT count(*) FROM audit_entry WHERE detail LIKE '%$id%'")"

# the same name alone is not the same person
cat > "$WORK/stranger.json" <<JSON
{"case_type": "民初", "cause": "民间借贷纠纷",
 "parties": [{"role": "plaintiff", "name": "$name", "phone": "13000000000"},
             {"role": "defendant", "name": "某某某"}]}
JSON
"$ZHIJIAN" filing check "$WORK/stranger.json" --json > "$WORK/out2.json"
expect_eq "a name alone does not link, and nothing warns" "name_only False" \
    "$(python3 -c "
import json,sys
d = json.load(open(sys.argv[1]))
print(d['parties'][0]['identity']['method'], any(p['warn'] for p in d['prompts']))" "$WORK/out2.json")"

# an enterprise's name is public registration data: shown in full; its phone and address are
# masked like a person's, and a party is an enterprise by its kind or by a credit code
cat > "$WORK/ent.json" <<JSON
{"case_type": "民初", "cause": "买卖合同纠纷",
 "parties": [{"role": "plaintiff", "kind": "enterprise", "name": "西安市长安区恒达建材有限公司",
              "phone": "02988886666", "address": "陕西省西安市长安区韦曲街道府东一路8号"},
             {"role": "defendant", "name": "宝鸡市金台区宏远商贸有限公司", "id_no": "91610300MA6TG1L3PR"},
             {"role": "third_party", "name": "$name"}]}
JSON
"$ZHIJIAN" filing check "$WORK/ent.json" --json > "$WORK/ent.out.json"
expect_eq "enterprise names in full, person names masked, phone and address masked" \
    "西安市长安区恒达建材有限公司 enterprise 宝鸡市金台区宏远商贸有限公司 enterprise person True True True True" \
    "$(python3 -c "
import json,sys
d = json.load(open(sys.argv[1]))['parties']
print(d[0]['name'], d[0]['kind'], d[1]['name'], d[1]['kind'], d[2]['kind'], d[2]['name'] != '$name',
      '*' in d[0]['phone'], '*' in d[0]['address'], '*' in d[1]['id_no'])" "$WORK/ent.out.json")"

# malformed input names the field
printf '{"parties": [{"name": "甲"}]}' > "$WORK/bad.json"
msg=$("$ZHIJIAN" filing check "$WORK/bad.json" 2>&1); rc=$?
expect_eq "malformed input exits 2" 2 "$rc"
expect_match "the error names the file and field" "bad.json: parties\[0\]\.role: missing" "$msg"
msg=$(echo '{"parties": [{"role": "plaintiff", "name": "甲", "tel": "1"}]}' |
      "$ZHIJIAN" filing check - 2>&1)
expect_match "an unknown field is an error" "parties\[0\]\.tel: unknown field" "$msg"

# permissions: a filing judge may check but not unmask; a unit supervisor may not check
unit=$(sql "SELECT unit_code FROM unit ORDER BY unit_code LIMIT 1")
echo "judge passphrase" | "$ZHIJIAN" user add judge1 --role filing_judge --unit "$unit" >/dev/null
echo "super passphrase" | "$ZHIJIAN" user add sup1 --role unit_supervisor --unit "$unit" >/dev/null
"$ZHIJIAN" filing check "$WORK/case.json" --as judge1 >/dev/null
expect_eq "a filing judge checks" 1 $?
"$ZHIJIAN" filing check "$WORK/case.json" --as judge1 --unmask >/dev/null 2>&1
expect_eq "a filing judge may not unmask" 4 $?
"$ZHIJIAN" filing check "$WORK/case.json" --as sup1 >/dev/null 2>&1
expect_eq "a unit supervisor may not check" 4 $?
"$ZHIJIAN" audit verify >/dev/null
expect_eq "the audit trail verifies" 0 $?
finish
