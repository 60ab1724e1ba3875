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

sql() { sqlite3 -batch -noheader "$ZHIJIAN_DB" "$1"; }

finish() {
    echo "$checks checks, $failures failed"
    [ "$failures" -eq 0 ]
}
