#!/usr/bin/env bash
# test.sh - build with sanitizers, run every test suite, then short fuzz runs, and print one
# closing line "N passed, N failed" counted over all of them.
set -uo pipefail
cd "$(dirname "$0")/.."

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
status=0

# The release build too: optimisation enables warnings (-Werror) that a debug build misses.
ninja -C build || { echo "0 passed, 1 failed"; exit 1; }
ninja -C build-asan || { echo "0 passed, 1 failed"; exit 1; }
# The web app (web/dist) for the browser tests (tests/integration/web.sh; screenshots in
# build-asan/screenshots).
bash scripts/build-web.sh || { echo "0 passed, 1 failed"; exit 1; }
meson test -C build-asan --print-errorlogs --num-processes 2 || status=1

ninja -C build-fuzz || { echo "0 passed, 1 failed"; exit 1; }
meson test -C build-fuzz --suite fuzz --print-errorlogs --num-processes 2 || status=1

python3 scripts/test-summary.py build-asan/meson-logs/testlog.json \
    build-fuzz/meson-logs/testlog.json || status=1
exit $status
