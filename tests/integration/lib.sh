# lib.sh - helpers for integration tests: a temp dir, assertions that name what failed.
# Each test script sources this, calls `check` / `expect_eq` and ends with `finish`.
set -u
: "${ZHIJIAN:?set ZHIJIAN to the zhijian binary}"
: "${FIXTURES:?set FIXTURES to tests/fixtures}"
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
export ZHIJIAN_DB="$WORK/zhijian.db"
failures=0
checks=0

expect_eq() {  # expect_eq WHAT EXPECTED ACTUAL
    checks=$((checks + 1))
    if [ "$2" != "$3" ]; then
        echo "FAIL: $1: expected '$2', got '$3'" >&2
        failures=$((failures + 1))
    fi
}

expect_match() {  # expect_match WHAT REGEX TEXT
    checks=$((checks + 1))
    if ! printf '%s' "$3" | grep -Eq -- "$2"; then
        echo "FAIL: $1: '$3' does not match /$2/" >&2
        failures=$((failures + 1))
    fi
}

expect_eval() {  # expect_eval EVAL_JSON SCALE CODE...: P and R >= 0.95, planted cases, no near miss
    local file=$1 scale=$2 code p r t nm f; shift 2
    for code in "$@"; do
        read -r p r t nm f <<<"$(python3 -c "
import json,sys
d = json.load(open(sys.argv[1]))['detectors'][sys.argv[2]]
print(d['precision'], d['recall'], d['truth'], d['near_miss_hits'], d['found'])" "$file" "$code")"
        echo "  $code: precision $p recall $r (truth $t, leads $f, near-miss hits $nm)"
        expect_match "$code has planted anomalies in $scale" "^[1-9]" "$t"
        expect_eq "$code precision >= 0.95" 1 "$(python3 -c "print(int($p >= 0.95))")"
        expect_eq "$code recall >= 0.95" 1 "$(python3 -c "print(int($r >= 0.95))")"
        expect_eq "$code near misses do not fire" 0 "$nm"
    done
}

sql() { sqlite3 -batch -noheader "$ZHIJIAN_DB" "$1"; }

finish() {
    echo "$checks checks, $failures failed"
    [ "$failures" -eq 0 ]
}
