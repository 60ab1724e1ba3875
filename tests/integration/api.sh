#!/usr/bin/env bash
# api.sh - the HTTP API end to end: the real server on a free loopback port, driven with curl;
# every answer is checked against docs/openapi.yaml (status documented, required fields and
# types), and the routes the server has against the paths the file has, both ways.
source "$(dirname "$0")/lib.sh"
HERE=$(cd "$(dirname "$0")" && pwd)
OPENAPI="$SRCDIR/docs/openapi.yaml"
CHECK=(python3 "$HERE/openapi_check.py")
SERVER=
trap '[ -n "$SERVER" ] && kill -9 "$SERVER" 2>/dev/null; rm -rf "$WORK"' EXIT

# start_server [serve options...]: start on a free port, set PORT and SERVER.
start_server() {
    LOG=$WORK/access.$RANDOM.log
    "$ZHIJIAN" serve --port 0 --access-log "$LOG" "$@" 2>>"$WORK/serve.err" &
    SERVER=$!
    PORT=
    for _ in $(seq 1 200); do
        PORT=$(jq -r 'select(.event == "start") | .message' "$LOG" 2>/dev/null |
               grep -o 'port [0-9]*' | cut -d' ' -f2)
        [ -n "$PORT" ] && break
        kill -0 "$SERVER" 2>/dev/null || break
        sleep 0.05
    done
    [ -n "$PORT" ] || { echo "FAIL: the server did not start:" >&2; cat "$WORK/serve.err" >&2; exit 1; }
}

stop_server() {
    kill -TERM "$SERVER"
    wait "$SERVER"
    expect_eq "server exit status after SIGTERM" 0 $?
    SERVER=
}

# req METHOD TEMPLATE PATH [curl options...]: STATUS, BODY, HEADERS; logged for the check.
n=0
req() {
    local method=$1 template=$2 path=$3; shift 3
    n=$((n + 1))
    local f=$WORK/resp.$n
    STATUS=$(curl -s -o "$f" -D "$WORK/head.$n" -w '%{http_code}' -X "$method" "$@" \
             "http://127.0.0.1:$PORT$path")
    BODY=$(cat "$f")
    HEADERS=$(tr -d '\r' < "$WORK/head.$n")
    echo "$method $template $STATUS $f" >> "$WORK/responses"
}
jf() { printf '%s' "$BODY" | jq -r "$1"; }   # a field of the last body

start_server

# ---- routes and the OpenAPI file agree ----
"$ZHIJIAN" serve --routes > "$WORK/routes"
"${CHECK[@]}" routes "$OPENAPI" "$WORK/routes" >&2
expect_eq "served routes = documented routes" 0 $?

# ---- health, version, headers ----
req GET /api/v1/health /api/v1/health
expect_eq "health status" 200 "$STATUS"
expect_eq "health body" ok "$(jf .status)"
expect_match "CSP header" "^Content-Security-Policy: default-src 'none'" "$(grep -i '^Content-Security-Policy' <<<"$HEADERS")"
expect_match "nosniff" "^X-Content-Type-Options: nosniff$" "$(grep -i '^X-Content-Type-Options' <<<"$HEADERS")"
expect_match "frame deny" "^X-Frame-Options: DENY$" "$(grep -i '^X-Frame-Options' <<<"$HEADERS")"
expect_match "referrer policy" "^Referrer-Policy: no-referrer$" "$(grep -i '^Referrer-Policy' <<<"$HEADERS")"
expect_match "JSON content type" "^Content-Type: application/json" "$(grep -i '^Content-Type' <<<"$HEADERS")"
req GET /api/v1/version /api/v1/version
expect_eq "version status" 200 "$STATUS"
expect_eq "api version" v1 "$(jf .api)"
expect_match "schema version" '^[0-9]+$' "$(jf .schema_version)"

# ---- errors: unknown path, method, query parameter; bad bytes; oversized bodies ----
req GET - /api/v1/nope
expect_eq "unknown path" "404 not_found" "$STATUS $(jf .error.code)"
req GET - /etc/passwd
expect_eq "path outside the API" 404 "$STATUS"
req GET - "/api/v1/../../etc/passwd" --path-as-is
expect_eq "dot-dot path" 404 "$STATUS"
req DELETE /api/v1/version /api/v1/version
expect_eq "wrong method" "405 method_not_allowed" "$STATUS $(jf .error.code)"
expect_match "Allow header" "^Allow: GET$" "$(grep -i '^Allow' <<<"$HEADERS")"
req GET /api/v1/health "/api/v1/health?verbose=1"
expect_eq "unknown query parameter" "400 unknown_field verbose" "$STATUS $(jf .error.code) $(jf .error.field)"
req GET /api/v1/health "/api/v1/health?%ff%fe=1"
expect_eq "non-UTF-8 parameter name" "400 ?" "$STATUS $(jf .error.field)"
req GET /api/v1/health "/api/v1/health?x=1';DROP%20TABLE%20app_user;--"
expect_eq "injection in a parameter is just an unknown parameter" 400 "$STATUS"
head -c 100000 /dev/zero | tr '\0' 'a' > "$WORK/big"
req POST /api/v1/version /api/v1/version -H 'Content-Type: application/json' --data-binary @"$WORK/big"
expect_eq "oversized body" "413 payload_too_large" "$STATUS $(jf .error.code)"
req POST /api/v1/version /api/v1/version -H 'Content-Type: application/json' -H 'Transfer-Encoding: chunked' --data-binary @"$WORK/big"
expect_eq "oversized chunked body" "413 payload_too_large" "$STATUS $(jf .error.code)"
long=$(head -c 70000 /dev/zero | tr '\0' 'a')
code=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT/api/v1/health?$long")
expect_match "oversized request line refused" '^(414|431|400)$' "$code"

# Garbage on the socket does not take the server down.
printf 'GARBAGE\r\n\r\n' > /dev/tcp/127.0.0.1/"$PORT" 2>/dev/null || true
printf 'GET /api/v1/health HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\n\r\n' > /dev/tcp/127.0.0.1/"$PORT" 2>/dev/null || true
req GET /api/v1/health /api/v1/health
expect_eq "alive after garbage" 200 "$STATUS"

# ---- the access log: one JSON object per request ----
bad=$(grep -vc '^{.*}$' "$LOG")
expect_eq "every access-log line is a JSON object" 0 "$bad"
expect_match "a logged request" '"path":"/api/v1/version","status":200' "$(grep '/api/v1/version' "$LOG" | head -1)"
expect_eq "the query string is not logged" 0 "$(grep -c 'DROP' "$LOG")"

stop_server
expect_match "clean stop logged" '"event":"stop","message":"stopped cleanly"' "$(tail -1 "$LOG")"

# ---- rate limits ----
start_server --rate 0.01
req GET /api/v1/health /api/v1/health
expect_eq "first request within the limit" 200 "$STATUS"
req GET /api/v1/health /api/v1/health
expect_eq "second request over the limit" "429 rate_limited" "$STATUS $(jf .error.code)"
expect_match "Retry-After" '^Retry-After: [0-9]+$' "$(grep -i '^Retry-After' <<<"$HEADERS")"
stop_server

# ---- graceful shutdown: a request in flight (a slow upload) still gets its whole answer ----
start_server
head -c 60000 /dev/zero | tr '\0' 'a' > "$WORK/slow"
curl -s -o "$WORK/slow.out" -w '%{http_code}' --limit-rate 20k -X POST \
    -H 'Content-Type: application/json' --data-binary @"$WORK/slow" \
    "http://127.0.0.1:$PORT/api/v1/version" > "$WORK/slow.code" &
client=$!
for _ in $(seq 1 100); do   # until the request has begun (its first bytes are in)
    [ "$(ss -tn state established "( sport = :$PORT )" 2>/dev/null | wc -l)" -gt 1 ] && break
    sleep 0.02
done
kill -TERM "$SERVER"
wait "$client"
wait "$SERVER"; expect_eq "exit status after draining" 0 $?
SERVER=
expect_eq "the in-flight request was answered" 405 "$(cat "$WORK/slow.code")"
expect_eq "its answer is whole JSON" method_not_allowed "$(jq -r .error.code "$WORK/slow.out")"

# ---- every answer above matches docs/openapi.yaml ----
"${CHECK[@]}" responses "$OPENAPI" "$WORK/responses" >&2
expect_eq "responses match the OpenAPI document" 0 $?
finish
