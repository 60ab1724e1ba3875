#!/usr/bin/env bash
# http.sh - `make bench` section http (BENCH_ONLY=http): zhijian serve under load from wrk.
#
#   reads     GET /api/v1/leads?limit=50 and GET /api/v1/statistics?dimension=agency as an
#             inspector of the whole province: requests/s and latency percentiles
#   filing    POST /api/v1/filing-checks as a filing judge (bench/filing_check.lua)
#   officers  200 connections filing three-regulations records as 200 officers for
#             BENCH_HTTP_OFFICER_SECONDS (default 60) while `zhijian import` loads
#             BENCH_HTTP_IMPORT_ROWS court cases (default 1,000,000) into the same store; then
#             the records in the store are counted against the 201 answers
# The store is a generated province (BENCH_HTTP_SCALE, default small) with its leads and
# statistics, users made once and kept in bench/data/http. The server runs without rate
# limits (--rate 0 --login-rate 0): the figures are the server's, not the limiter's. The reads
# are measured twice: with the server's one-second answer cache and without it (--cache-ms 0).
# Each row gives the server's CPU seconds (user+sys) during it. BENCH_HTTP_OFFICERS=0 skips the
# officers' part.
set -euo pipefail
cd "$(dirname "$0")/.."
ZJ=build/zhijian
D=bench/data/http
SCALE=${BENCH_HTTP_SCALE:-small}
SECS=${BENCH_HTTP_SECONDS:-20}
OSECS=${BENCH_HTTP_OFFICER_SECONDS:-60}
IMPORT_ROWS=${BENCH_HTTP_IMPORT_ROWS:-1000000}
PW=bench-password-1
export ZHIJIAN_DB=$D/zj.db
mkdir -p "$D"

if [ ! -f "$D/ready.$SCALE" ]; then
    echo "bench http: building a $SCALE province with users (once)" >&2
    rm -rf "$D"/zj.db* "$D"/p "$D"/rej "$D"/ready.*
    $ZJ gen --seed 7 --scale "$SCALE" --out "$D/p" --quiet
    $ZJ import --quiet --max-errors -1 --rejects "$D/rej" "$D/p" >/dev/null || true
    $ZJ link --quiet
    $ZJ detect >/dev/null
    printf '%s\n' "$PW" | $ZJ user add insp --role inspector --province >/dev/null
    printf '%s\n' "$PW" | $ZJ user add judge --role filing_judge --province >/dev/null
    sqlite3 "$ZHIJIAN_DB" "SELECT officer_no, unit_code FROM officer WHERE unit_code IS NOT NULL
                           GROUP BY officer_no ORDER BY officer_no LIMIT 200" > "$D/officers"
    while IFS='|' read -r no unit; do
        printf '%s\n' "$PW" | $ZJ user add "o$no" --role officer --unit "$unit" --officer-no "$no" >/dev/null
    done < "$D/officers"
    touch "$D/ready.$SCALE"
fi
csv=bench/data/cases-$IMPORT_ROWS.csv
if [ "${BENCH_HTTP_OFFICERS:-1}" != 0 ] && [ ! -s "$csv" ]; then
    build/bench/make_csv "$IMPORT_ROWS" > "$csv.tmp" && mv "$csv.tmp" "$csv"
fi

LOG=$D/access.log
start_server() {   # start_server [serve options...]: sets server, URL
    rm -f "$LOG"
    $ZJ serve --port 0 --rate 0 --login-rate 0 --access-log "$LOG" "$@" 2>"$D/serve.err" &
    server=$!
    trap 'kill "$server" 2>/dev/null || true' EXIT
    port=
    for _ in $(seq 1 400); do
        port=$(grep -o '"serving API v1 on [^"]*port [0-9]*' "$LOG" 2>/dev/null | grep -o '[0-9]*$' || true)
        [ -n "$port" ] && break
        sleep 0.05
    done
    [ -n "$port" ] || { cat "$D/serve.err" >&2; exit 1; }
    URL=http://127.0.0.1:$port
}
cpu() {   # the server's user+sys CPU seconds so far
    awk -v hz="$(getconf CLK_TCK)" '{print ($14 + $15) / hz}' "/proc/$server/stat"
}
start_server
login() {
    curl -s -X POST -H 'Content-Type: application/json' \
        -d "{\"username\":\"$1\",\"password\":\"$PW\"}" "$URL/api/v1/session" | jq -r .token
}
INSP=$(login insp)
JUDGE=$(login judge)
: > "$D/tokens"
while IFS='|' read -r no _; do login "o$no" >> "$D/tokens"; done < "$D/officers"

cores=$(nproc)
model=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)
load0=$(cut -d' ' -f1-3 /proc/loadavg)
rows=()
# bench_get NAME PATH: wrk for SECS seconds, 2 threads, 64 connections
bench_get() {   # bench_get NAME PATH [TOKEN [wrk args...]]
    local out name=$1 path=$2 token=${3:-$INSP}
    shift 2; shift || true
    local c0 c1
    c0=$(cpu)
    out=$(wrk -t2 -c64 -d"${SECS}s" --latency -H "Authorization: Bearer $token" "$@" "$URL$path")
    c1=$(cpu)
    local rps p50 p99 non2xx
    rps=$(awk '/^Requests\/sec/ {print $2}' <<<"$out")
    p50=$(awk '$1 == "50%" {print $2}' <<<"$out")
    p99=$(awk '$1 == "99%" {print $2}' <<<"$out")
    non2xx=$(awk '/Non-2xx/ {print $5}' <<<"$out")
    rows+=("$name|$rps|$p50|$p99|${non2xx:-0}|$(awk -v a="$c0" -v b="$c1" 'BEGIN {printf "%.1f", b - a}')")
}
bench_get "GET /api/v1/leads?limit=50" "/api/v1/leads?limit=50"
bench_get "GET /api/v1/statistics?dimension=agency" "/api/v1/statistics?dimension=agency"
bench_get "POST /api/v1/filing-checks (a filing judge)" "/api/v1/filing-checks" "$JUDGE" \
    -s bench/filing_check.lua
kill -TERM "$server"; wait "$server" || true
start_server --cache-ms 0
bench_get "GET /api/v1/leads?limit=50, no answer cache" "/api/v1/leads?limit=50"
bench_get "GET /api/v1/statistics?dimension=agency, no answer cache" "/api/v1/statistics?dimension=agency"
kill -TERM "$server"; wait "$server" || true
start_server

echo
echo "### HTTP API: zhijian serve ($SCALE province, $(sqlite3 "$ZHIJIAN_DB" 'SELECT count(*) FROM lead') leads; $cores cores, $model)"
echo
echo "| endpoint (wrk -t2 -c64, ${SECS} s) | requests/s | p50 | p99 | non-2xx | server CPU s |"
echo "|---|---:|---:|---:|---:|---:|"
for r in "${rows[@]}"; do IFS='|' read -r a b c d e f <<<"$r"; echo "| $a | $b | $c | $d | $e | $f |"; done
echo
echo "load average before / after: $load0 / $(cut -d' ' -f1-3 /proc/loadavg)"
if [ "${BENCH_HTTP_OFFICERS:-1}" = 0 ]; then
    kill -TERM "$server"; wait "$server" || true
    trap - EXIT
    exit 0
fi

# ---- 200 officers filing for a minute while an import runs ----
before=$(sqlite3 "$ZHIJIAN_DB" 'SELECT count(*) FROM record_filing')
( sleep 5; /usr/bin/time -f 'IMPORT %e s' $ZJ import --quiet --force --db "$ZHIJIAN_DB" \
    -m bench/court_case.mapping.yaml "$csv" > "$D/import.out" 2>&1; echo "exit $?" >> "$D/import.out" ) &
importer=$!
out=$(ZJ_TOKENS="$D/tokens" wrk -t2 -c200 -d"${OSECS}s" --timeout 120s --latency \
      -s bench/officers.lua "$URL")
wait "$importer" || true
kill -TERM "$server"; wait "$server" || true
trap - EXIT
after=$(sqlite3 "$ZHIJIAN_DB" 'SELECT count(*) FROM record_filing')
filed=$(awk '/^FILED/ {print $2}' <<<"$out")
failed=$(awk '/^FILED/ {print $4}' <<<"$out")
errors=$(awk '/Socket errors/ {print}' <<<"$out")
echo
echo "### 200 officers filing records for ${OSECS} s while an import of $IMPORT_ROWS rows runs"
echo
echo "| filings answered 201 | other answers | socket errors | records added to the store | requests/s | p50 | p99 | import |"
echo "|---:|---:|---|---:|---:|---:|---:|---|"
echo "| $filed | $failed | ${errors:-none} | $((after - before)) | $(awk '/^Requests\/sec/ {print $2}' <<<"$out") | $(awk '$1 == "50%" {print $2}' <<<"$out") | $(awk '$1 == "99%" {print $2}' <<<"$out") | $(grep -o 'IMPORT [0-9.]* s' "$D/import.out" | cut -d' ' -f2-) ($(tail -1 "$D/import.out")) |"
echo
echo "records in the store minus answers 201: $((after - before - filed)) (requests still in flight when wrk stopped are answered after it stops counting)"
echo "load average before / after: $load0 / $(cut -d' ' -f1-3 /proc/loadavg)"
