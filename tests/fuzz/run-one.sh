#!/usr/bin/env bash
# run-one.sh - run one libFuzzer target for a while, keeping the seed corpus read-only.
#
#   run-one.sh <fuzz-binary> <seconds> <seed-corpus-dir>
#
# libFuzzer writes the inputs it finds into the FIRST corpus directory it is given, so that
# is a fresh temporary directory (removed afterwards); the seeds come second. Crash
# reproducers (crash-*, leak-*, timeout-*) land in the current directory. Exits with the
# fuzzer's status.
set -uo pipefail

if [ $# -ne 3 ]; then
    echo "usage: run-one.sh <fuzz-binary> <seconds> <seed-corpus-dir>" >&2
    exit 2
fi
exe=$1 secs=$2 seeds=$3

tmp=$(mktemp -d "${TMPDIR:-/tmp}/zj-fuzz.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT

"$exe" -max_total_time="$secs" -rss_limit_mb=2048 -timeout=10 "$tmp" "$seeds"
rc=$?
# libFuzzer reports a finding with exit status 77 by default, which meson reads as "skipped":
# make every finding a failure.
[ $rc -eq 77 ] && rc=1
exit $rc
