#!/usr/bin/env bash
# check.sh - `zhijian check` end to end: JSON fields and exit codes for each subcommand.
# Run by meson (suite integration) with ZHIJIAN set to the binary.
set -uo pipefail
: "${ZHIJIAN:?set ZHIJIAN to the zhijian binary}"
pass=0 fail=0

# expect EXIT KIND VALUE PYEXPR: run `check KIND VALUE --json`, require exit status EXIT and
# the Python expression PYEXPR (over the parsed object `o`) to be true.
expect() {
    local want=$1 kind=$2 value=$3 expr=$4 out rc
    out=$("$ZHIJIAN" check "$kind" "$value" --json)
    rc=$?
    if [ "$rc" -ne "$want" ]; then
        echo "FAIL: check $kind '$value': exit $rc, expected $want; output: $out"
        fail=$((fail + 1))
        return
    fi
    if python3 -c 'import json,sys; o=json.loads(sys.argv[1]); sys.exit(0 if eval(sys.argv[2]) else 1)' \
        "$out" "$expr"; then
        pass=$((pass + 1))
    else
        echo "FAIL: check $kind '$value': $expr is false for $out"
        fail=$((fail + 1))
    fi
}

expect 0 id 11010519491231002X 'o["valid"] and o["normalized"]=="11010519491231002X" and o["birth_date"]=="1949-12-31" and o["sex"]=="F" and o["region_code"]=="110105" and o["region_name"]=="北京市朝阳区"'
expect 0 id '１１０１０５１９４９１２３１００２ｘ' 'o["normalized"]=="11010519491231002X"'
expect 0 id 110105491231002 'o["normalized"]=="11010519491231002X" and o["converted_from_15"]'
expect 1 id 110105194912310021 'not o["valid"] and o["error"]=="bad check character"'
expect 1 id 1101051949 'not o["valid"] and "wrong length" in o["error"]'
expect 0 uscc 914403001922038216 'o["valid"] and o["normalized"]=="914403001922038216" and o["region_code"]=="440300"'
expect 0 uscc 91330100716105852f 'o["normalized"]=="91330100716105852F" and o["region_code"]=="330100"'
expect 1 uscc 91110000802100433C 'not o["valid"] and o["error"]=="bad check character"'
expect 0 case-no '（2021）陕01民初123号' 'o["valid"] and o["normalized"]=="（2021）陕01民初123号" and o["year"]==2021 and o["court_code"]=="陕01" and o["type_code"]=="民初" and o["type_name"]=="民事一审案件" and o["serial"]==123'
expect 0 case-no '(2024)陕0112执恢4303号' 'o["type_code"]=="执恢" and o["court_level"]=="basic"'
expect 0 case-no '(2014)深中法商终字第1012号' 'o["kind"]=="court_legacy" and o["type_code"] is None and o["serial"]==1012'
expect 0 case-no '渝巴检刑诉〔2016〕585号' 'o["kind"]=="procuratorate" and o["doc_name"]=="起诉书"'
expect 1 case-no '(2021)陕01民初123' 'not o["valid"] and "号" in o["error"]'
expect 1 case-no '(2021)陕01民事123号' 'o["error"]=="unknown case type code"'
expect 0 name '單雄信' 'o["normalized"]=="單雄信" and o["simplified"]=="单雄信" and o["pinyin"]=="shan xiong xin"'
expect 0 name '欧阳娜娜' 'o["surname"]=="欧阳" and o["masked"]=="欧阳*娜"'
expect 1 name ' · ' 'not o["valid"] and o["error"]=="empty name"'
expect 0 phone '+86 138 1234 5678' 'o["kind"]=="mobile" and o["normalized"]=="13812345678" and o["masked"]=="138****5678"'
expect 1 phone '1381234567' 'not o["valid"]'
expect 0 enterprise '西安市雁塔区某某商贸有限公司' 'o["key"]=="某某商贸"'

# usage errors exit 2; text output is Chinese-first
"$ZHIJIAN" check >/dev/null 2>&1; rc=$?
if [ $rc -eq 2 ]; then pass=$((pass + 1)); else echo "FAIL: 'check' without args exit $rc"; fail=$((fail + 1)); fi
"$ZHIJIAN" check colour red >/dev/null 2>&1; rc=$?
if [ $rc -eq 2 ]; then pass=$((pass + 1)); else echo "FAIL: unknown kind exit $rc"; fail=$((fail + 1)); fi
"$ZHIJIAN" check id 1 2 >/dev/null 2>&1; rc=$?
if [ $rc -eq 2 ]; then pass=$((pass + 1)); else echo "FAIL: extra arg exit $rc"; fail=$((fail + 1)); fi
if "$ZHIJIAN" check id 11010519491231002X | grep -q '^身份证号 resident ID: 11010519491231002X  有效 valid$'; then
    pass=$((pass + 1))
else
    echo "FAIL: text output"; fail=$((fail + 1))
fi

echo "check.sh: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
