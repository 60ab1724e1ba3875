#!/usr/bin/env bash
# web.sh - the web app end to end in a real browser: a generated province, one user per role,
# the real server on a free loopback port serving web/dist, and web/tests/e2e.mjs driving
# Debian's chromium through playwright-core (headless). Screenshots go to $SCREENSHOTS
# (build-asan/screenshots under make test).
source "$(dirname "$0")/lib.sh"
SERVER=
trap '[ -n "$SERVER" ] && kill -9 "$SERVER" 2>/dev/null; rm -rf "$WORK"' EXIT
WEB="$SRCDIR/web"
for need in "$WEB/dist/index.html" "$WEB/node_modules/playwright-core/package.json" /usr/bin/chromium; do
    [ -e "$need" ] || { echo "FAIL: $need is missing (make test runs scripts/build-web.sh and installs chromium)" >&2; exit 1; }
done

"$ZHIJIAN" gen --seed 1 --scale tiny --out "$WORK/p" --quiet
"$ZHIJIAN" import --quiet --max-errors -1 --rejects "$WORK/rej" "$WORK/p" >/dev/null
"$ZHIJIAN" link --quiet && "$ZHIJIAN" detect --as-of 2021-12-31 >/dev/null
PW=correct-horse-9
OFFICER_NO=$(sql "SELECT officer_no FROM officer WHERE unit_code = 'J61011300' ORDER BY officer_no LIMIT 1")
ENTITY_ID=$(sql "SELECT entity_id FROM mention WHERE entity_id IS NOT NULL AND kind = 'person' GROUP BY entity_id ORDER BY count(*) DESC LIMIT 1")
LEAD_UNIT=$(sql "SELECT unit_code FROM lead WHERE unit_code LIKE 'J61%' GROUP BY unit_code ORDER BY count(*) DESC LIMIT 1")
adduser() {  # adduser NAME ROLE [options]
    local name=$1 role=$2; shift 2
    printf '%s\n' "$PW" | "$ZHIJIAN" user add "$name" --role "$role" "$@" >/dev/null
}
adduser admin admin --province && adduser insp inspector --unit J61000000 &&
    adduser leader leader --unit J61000000 &&
    adduser off officer --unit J61011300 --officer-no "$OFFICER_NO" &&
    adduser steward data_steward --province && adduser judge filing_judge --province
expect_eq "users added" 0 $?
[ "$failures" -eq 0 ] || { finish; exit 1; }

# A small export to upload: two good rows of the police roster and one cut short.
head -3 "$WORK/p/police_officers.csv" > "$WORK/upload.csv"
printf 'broken-row\n' >> "$WORK/upload.csv"

LOG=$WORK/access.log
"$ZHIJIAN" serve --port 0 --access-log "$LOG" --login-rate 1000 --mappings "$WORK/p" \
    --web "$WEB/dist" 2>>"$WORK/serve.err" &
SERVER=$!
PORT=
for _ in $(seq 1 200); do
    PORT=$(jq -r 'select(.event == "start") | .message' "$LOG" 2>/dev/null | grep -o 'port [0-9]*' | cut -d' ' -f2)
    [ -n "$PORT" ] && break
    sleep 0.05
done
[ -n "$PORT" ] || { echo "FAIL: the server did not start:" >&2; cat "$WORK/serve.err" >&2; exit 1; }

BASE="http://127.0.0.1:$PORT" PASSWORD=$PW LEAD_UNIT=$LEAD_UNIT ENTITY_ID=$ENTITY_ID UPLOAD="$WORK/upload.csv" \
    UPLOAD_MAPPING=police_officers SCREENSHOTS="${SCREENSHOTS:-$WORK/screenshots}" \
    timeout 800 node "$WEB/tests/e2e.mjs"   # 18 steps of 5-25 s each on a loaded machine
expect_eq "browser tests" 0 $?

kill -TERM "$SERVER" && wait "$SERVER"
expect_eq "server stopped cleanly" 0 $?
SERVER=
# 501 is the filing check's documented answer until its library call exists.
expect_eq "no server errors (5xx) in the access log" 0 \
    "$(jq -r 'select(.status >= 500 and .status != 501) | .path' "$LOG" | wc -l)"
finish
