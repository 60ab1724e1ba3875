#!/usr/bin/env bash
# run.sh - `make fuzz`: run every fuzz_* target of a build for FUZZ_SECONDS each (default 60),
# one after the other, each through run-one.sh (new inputs go to a temporary directory).
#
#   FUZZ_SECONDS=600 bash tests/fuzz/run.sh build-fuzz
#
# Prints one line per target and exits non-zero if any target failed.
set -uo pipefail

build=${1:?usage: run.sh <build-dir>}
secs=${FUZZ_SECONDS:-60}
here=$(cd "$(dirname "$0")" && pwd)

status=0
found=0
for exe in "$build"/tests/fuzz/fuzz_*; do
    [ -f "$exe" ] && [ -x "$exe" ] || continue
    found=1
    name=$(basename "$exe")
    name=${name#fuzz_}
    if bash "$here/run-one.sh" "$exe" "$secs" "$here/corpus/$name" >"$build/fuzz_$name.log" 2>&1
    then
        echo "fuzz_$name: ok ($(grep -o 'Done [0-9]* runs' "$build/fuzz_$name.log" | tail -1))"
    else
        echo "fuzz_$name: FAILED, see $build/fuzz_$name.log"
        status=1
    fi
done
if [ $found = 0 ]; then
    echo "run.sh: no fuzz targets in $build/tests/fuzz (configure with -Dfuzz=true)" >&2
    exit 1
fi
exit $status
