#!/usr/bin/env bash
# concurrency.sh - an import never takes the store away from readers, and writers queue:
# `zhijian status` and `zhijian leads list` succeed while a generated province imports, and a
# second import started meanwhile waits for the first instead of failing (WAL mode, a busy
# handler with a long timeout; src/store/store_sqlite.c). Assertions are on exit status and
# output only: the province is large enough that the readers run while the import does.
. "$(dirname "$0")/lib.sh"
F=$FIXTURES/import

"$ZHIJIAN" gen --seed 1 --scale small --out "$WORK/p" --quiet || { echo "gen failed" >&2; exit 1; }
"$ZHIJIAN" init >/dev/null
"$ZHIJIAN" import --quiet --rejects "$WORK/rej" -m "$F/court_case.mapping.yaml" "$F/court_cases_v2.csv"
expect_eq "a first small import" 0 "$?"

( "$ZHIJIAN" import --quiet --max-errors -1 --reject-dir "$WORK/rej" "$WORK/p" >/dev/null 2>"$WORK/a.err"
  echo $? > "$WORK/a.rc" ) &
a=$!
# a second writer, started while the first one runs: it must wait its turn, not fail
( "$ZHIJIAN" import --quiet --reject-dir "$WORK/rej" -m "$F/complaint.mapping.yaml" \
      "$F/complaints.jsonl" >/dev/null 2>"$WORK/b.err"
  echo $? > "$WORK/b.rc" ) &
b=$!

reads=0 failed=0 during=0
while kill -0 "$a" 2>/dev/null; do
    s=$("$ZHIJIAN" status 2>&1); rc=$?
    l=$("$ZHIJIAN" leads list 2>&1); rc2=$?
    reads=$((reads + 1))
    if [ "$rc" -ne 0 ] || [ "$rc2" -ne 0 ] || ! printf '%s' "$s" | grep -q 'court_case'; then
        failed=$((failed + 1))
        echo "status ($rc): $s" >&2
        echo "leads list ($rc2): $l" >&2
    fi
    kill -0 "$a" 2>/dev/null && during=$((during + 1))
done
wait "$a" "$b"
expect_eq "status and leads list never failed while the import ran ($reads rounds)" 0 "$failed"
expect_eq "readers ran during the import (the test tested something)" yes "$([ "$during" -gt 0 ] && echo yes || echo no)"
expect_eq "the province import finished (1: the planted dirty rows)" 1 "$(cat "$WORK/a.rc")"
expect_eq "the second import waited and finished (1: its rejected rows)" 1 "$(cat "$WORK/b.rc")"
expect_eq "no 'locked' anywhere" "" "$(cat "$WORK/a.err" "$WORK/b.err" | grep -i 'locked')"
expect_eq "both imports' rows are in" "yes 2" \
    "$([ "$(sql 'SELECT count(*) FROM person')" -gt 1000 ] && echo yes) $(sql "SELECT count(*) FROM complaint WHERE source_system = 'procuratorate_12309'")"
expect_eq "the store is still in WAL mode" wal "$(sql 'PRAGMA journal_mode')"
finish
