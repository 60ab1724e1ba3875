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

# A tiny generated province with leads in courts (J...) and procuratorates (P...), and one
# user per role; the server runs with generous login limits (login limits are tested below).
"$ZHIJIAN" gen --seed 1 --scale tiny --out "$WORK/p" --quiet
"$ZHIJIAN" import --quiet --max-errors -1 --rejects "$WORK/rej" "$WORK/p" >/dev/null
"$ZHIJIAN" link --quiet && "$ZHIJIAN" detect --as-of 2021-12-31 >/dev/null
expect_eq "province with leads" 1 "$([ "$(sql 'SELECT count(*) FROM lead')" -gt 10 ] && echo 1)"
OFFICER_NO=$(sql "SELECT officer_no FROM officer WHERE unit_code = 'J61011300' ORDER BY officer_no LIMIT 1")
OTHER_NO=$(sql "SELECT officer_no FROM officer WHERE unit_code = 'J61011300' ORDER BY officer_no LIMIT 1 OFFSET 1")
PW=correct-horse-9
adduser() {  # adduser NAME ROLE [options]
    local name=$1 role=$2; shift 2
    printf '%s\n' "$PW" | "$ZHIJIAN" user add "$name" --role "$role" "$@" >/dev/null || return 1
}
adduser admin admin --province && adduser insp inspector --unit J61000000 &&
    adduser leader leader --unit J61000000 &&
    adduser off officer --unit J61011300 --officer-no "$OFFICER_NO" &&
    adduser steward data_steward --province && adduser judge filing_judge --province &&
    "$ZHIJIAN" user add svc --role service --province --no-password >/dev/null
expect_eq "users added" 0 $?

start_server --login-rate 1000 --mappings "$WORK/p"

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

# ---- login ----
login() {  # login USER [PASSWORD]: TOKEN and CSRF of a new session
    req POST /api/v1/session /api/v1/session -H 'Content-Type: application/json' \
        -d "{\"username\":\"$1\",\"password\":\"${2:-$PW}\"}"
    TOKEN=$(jf .token); CSRF=$(jf .csrf_token)
}
login insp wrong-password-1
expect_eq "wrong password" "401 invalid_credentials" "$STATUS $(jf .error.code)"
login nobody
expect_eq "unknown user reads the same" "401 invalid_credentials" "$STATUS $(jf .error.code)"
login "admin' OR '1'='1"
expect_eq "SQL injection in the username" "401 invalid_credentials" "$STATUS $(jf .error.code)"
req POST /api/v1/session /api/v1/session -H 'Content-Type: application/json' -d '{"username":"insp"}'
expect_eq "missing password" "400 missing_field password" "$STATUS $(jf .error.code) $(jf .error.field)"
req POST /api/v1/session /api/v1/session -H 'Content-Type: application/json' -d '{"username":"insp","password":12345678901}'
expect_eq "password of the wrong type" "400 invalid_field password" "$STATUS $(jf .error.code) $(jf .error.field)"
req POST /api/v1/session /api/v1/session -H 'Content-Type: application/json' -d '{"username":"insp","password":"x","admin":true}'
expect_eq "unknown body field" "400 unknown_field admin" "$STATUS $(jf .error.code) $(jf .error.field)"
req POST /api/v1/session /api/v1/session -H 'Content-Type: application/json' -d '{"username":"insp",'
expect_eq "malformed JSON" "400 malformed_json" "$STATUS $(jf .error.code)"
req POST /api/v1/session /api/v1/session -H 'Content-Type: application/json' -d '["insp"]'
expect_eq "JSON that is not an object" "400 malformed_json" "$STATUS $(jf .error.code)"
req POST /api/v1/session /api/v1/session -H 'Content-Type: text/plain' -d 'username=insp'
expect_eq "not JSON" "415 unsupported_media_type" "$STATUS $(jf .error.code)"
head -c 30000 /dev/zero | tr '\0' '[' > "$WORK/deep"
req POST /api/v1/session /api/v1/session -H 'Content-Type: application/json' --data-binary @"$WORK/deep"
expect_eq "deeply nested JSON" "400 malformed_json" "$STATUS $(jf .error.code)"
login insp
expect_eq "login" 201 "$STATUS"
expect_match "token" '^[0-9a-f]{64}$' "$TOKEN"
expect_match "session cookie" 'Set-Cookie: zj_session=[0-9a-f]{64}; Path=/; HttpOnly; SameSite=Strict' "$HEADERS"
expect_match "CSRF cookie" "Set-Cookie: zj_csrf=$CSRF; Path=/; SameSite=Strict" "$HEADERS"
expect_eq "role in the answer" inspector "$(jf .user.role)"
INSP=$TOKEN; INSP_CSRF=$CSRF
login admin; ADMIN=$TOKEN
login leader; LEADER=$TOKEN
login off; OFF=$TOKEN; OFF_CSRF=$CSRF
login steward; STEWARD=$TOKEN
login judge; JUDGE=$TOKEN
as() { local t=$1; shift; req "$@" -H "Authorization: Bearer $t"; }   # as TOKEN METHOD TEMPLATE PATH ...
SVC=$("$ZHIJIAN" user key svc 2>/dev/null)   # an agency system's API key
expect_match "API key issued" '^zjk_[0-9a-f]{64}$' "$SVC"

# ---- authentication on everything but health, version and login ----
while read -r method pattern; do
    case "$pattern" in /api/v1/health|/api/v1/version) continue ;; esac
    [ "$method $pattern" = "POST /api/v1/session" ] && continue
    path=${pattern//\{id\}/1}
    req "$method" "$pattern" "$path" -H 'Content-Type: application/json' -d '{}'
    expect_eq "$method $pattern without a session" "401 unauthenticated" "$STATUS $(jf .error.code)"
    req "$method" "$pattern" "$path" -H 'Authorization: Bearer 0000000000000000000000000000000000000000000000000000000000000000'
    expect_eq "$method $pattern with an unknown token" 401 "$STATUS"
done < "$WORK/routes"
as "$INSP" GET /api/v1/session /api/v1/session
expect_eq "who am I" "200 insp bearer" "$STATUS $(jf .user.username) $(jf .authenticated_by)"

# ---- cookie sessions need the CSRF header to change anything ----
cookie="Cookie: zj_session=$OFF; zj_csrf=$OFF_CSRF"
req GET /api/v1/session /api/v1/session -H "$cookie"
expect_eq "cookie session reads" "200 cookie" "$STATUS $(jf .authenticated_by)"
record='{"kind":"zero","month":"2025-06"}'
req POST /api/v1/records /api/v1/records -H "$cookie" -H 'Content-Type: application/json' -d "$record"
expect_eq "cookie write without CSRF header" "403 csrf" "$STATUS $(jf .error.code)"
req POST /api/v1/records /api/v1/records -H "$cookie" -H "X-CSRF-Token: $INSP_CSRF" -H 'Content-Type: application/json' -d "$record"
expect_eq "cookie write with another session's CSRF token" "403 csrf" "$STATUS $(jf .error.code)"
req POST /api/v1/records /api/v1/records -H "$cookie" -H "X-CSRF-Token: $OFF_CSRF" -H 'Content-Type: application/json' -d "$record"
expect_eq "cookie write with the CSRF header" 201 "$STATUS"
req POST /api/v1/records /api/v1/records -H "$cookie" -H "X-CSRF-Token: $OFF_CSRF" -H 'Content-Type: application/json' -d "$record"
expect_eq "a second zero report for the month conflicts" "409 conflict month" "$STATUS $(jf .error.code) $(jf .error.field)"

# ---- leads: role and scope ----
as "$OFF" GET /api/v1/leads /api/v1/leads
expect_eq "an officer reads no leads" "403 forbidden" "$STATUS $(jf .error.code)"
as "$STEWARD" GET /api/v1/leads /api/v1/leads
expect_eq "a data steward reads no leads" "403 forbidden" "$STATUS $(jf .error.code)"
as "$ADMIN" GET /api/v1/leads "/api/v1/leads?limit=500"
admin_total=$(jf .total)
as "$INSP" GET /api/v1/leads "/api/v1/leads?limit=500"
expect_eq "inspector lists leads" 200 "$STATUS"
insp_total=$(jf .total)
expect_eq "the court inspector sees fewer than the admin" 1 "$([ "$insp_total" -lt "$admin_total" ] && [ "$insp_total" -gt 0 ] && echo 1)"
expect_eq "every lead the court inspector sees is a court unit's" 0 "$(jf '[.items[].unit_code | select(startswith("J") | not)] | length')"
as "$INSP" GET /api/v1/leads "/api/v1/leads?limit=2&offset=1"
expect_eq "paging" "2 1 $insp_total" "$(jf '.items | length') $(jf .offset) $(jf .total)"
as "$INSP" GET /api/v1/leads "/api/v1/leads?limit=0"
expect_eq "limit 0" "400 limit" "$STATUS $(jf .error.field)"
as "$INSP" GET /api/v1/leads "/api/v1/leads?limit=abc"
expect_eq "limit not a number" "400 limit" "$STATUS $(jf .error.field)"
as "$INSP" GET /api/v1/leads "/api/v1/leads?code=TV01%27%20OR%201=1--"
expect_eq "injection in a filter finds nothing" "200 0" "$STATUS $(jf .total)"
as "$INSP" GET /api/v1/leads "/api/v1/leads?unit=P61000000"
expect_eq "a unit outside the scope gives no rows" "200 0" "$STATUS $(jf .total)"
J_LEAD=$(sql "SELECT min(id) FROM lead WHERE unit_code LIKE 'J%' AND code = 'TV01'")
P_LEAD=$(sql "SELECT min(id) FROM lead WHERE unit_code LIKE 'P%'")
as "$INSP" GET /api/v1/leads/{id} "/api/v1/leads/$P_LEAD"
expect_eq "a lead outside the scope" "403 forbidden" "$STATUS $(jf .error.code)"
as "$INSP" GET /api/v1/leads/{id} "/api/v1/leads/999999"
expect_eq "no such lead" "404 not_found" "$STATUS $(jf .error.code)"
as "$INSP" GET /api/v1/leads/{id} "/api/v1/leads/abc"
expect_eq "a lead id that is not a number" "400 id" "$STATUS $(jf .error.field)"
as "$INSP" GET /api/v1/leads/{id} "/api/v1/leads/$J_LEAD"
expect_eq "lead with evidence" 200 "$STATUS"
expect_match "explanation" '.' "$(jf .lead.explanation)"
expect_eq "evidence with provenance" 1 "$(jf '[.evidence[] | select(.exists and .source_system != null)] | length > 0 | if . then 1 else 0 end')"
expect_eq "no ID number in a masked lead" 0 "$(grep -cE '[0-9]{17}[0-9X]' "$WORK/resp.$n")"
expect_eq "masked by default" false "$(jf .unmasked)"
as "$LEADER" GET /api/v1/leads/{id} "/api/v1/leads/$J_LEAD?unmask=true"
expect_eq "a leader may not unmask" "403 forbidden" "$STATUS $(jf .error.code)"
as "$INSP" GET /api/v1/leads/{id} "/api/v1/leads/$J_LEAD?unmask=true"
expect_eq "an inspector unmasks" "200 true" "$STATUS $(jf .unmasked)"
expect_eq "unmasking is audited" 1 "$(sql "SELECT count(*) > 0 FROM audit_entry WHERE action = 'lead.unmask'")"

# ---- the workflow ----
deadline=$(date -d '+30 days' +%F)
act() { as "$1" POST /api/v1/leads/{id}/actions "/api/v1/leads/$J_LEAD/actions" -H 'Content-Type: application/json' -d "$2"; }
act "$LEADER" "{\"action\":\"assign\",\"unit_code\":\"J61000000\",\"assignee\":\"insp\",\"deadline\":\"$deadline\"}"
expect_eq "a leader may not assign" "403 forbidden" "$STATUS $(jf .error.code)"
act "$INSP" '{"action":"confirm"}'
expect_eq "confirming a new lead is refused by the state machine" "409 conflict" "$STATUS $(jf .error.code)"
act "$INSP" '{"action":"fly"}'
expect_eq "unknown action" "400 action" "$STATUS $(jf .error.field)"
act "$INSP" "{\"action\":\"assign\",\"unit_code\":\"J61000000\",\"assignee\":\"insp\",\"deadline\":\"2021-02-30\"}"
expect_eq "impossible deadline" "400 deadline" "$STATUS $(jf .error.field)"
act "$INSP" "{\"action\":\"assign\",\"unit_code\":\"J61000000\",\"assignee\":\"insp\",\"deadline\":\"$deadline\"}"
expect_eq "assign" "201 new assigned" "$STATUS $(jf .from_state) $(jf .to_state)"
act "$INSP" '{"action":"start"}'
expect_eq "start verification" "201 verifying" "$STATUS $(jf .to_state)"
act "$INSP" '{"action":"dismiss"}'
expect_eq "dismiss needs a reason" 400 "$STATUS"
act "$INSP" '{"action":"comment","comment":"核查中：已调取工商登记 <script>alert(1)</script>"}'
expect_eq "comment" 201 "$STATUS"
printf '核查笔录 %s\n' "$J_LEAD" > "$WORK/note.txt"
as "$INSP" POST /api/v1/leads/{id}/attachments "/api/v1/leads/$J_LEAD/attachments?file_name=note.txt" -H 'Content-Type: application/octet-stream' --data-binary @"$WORK/note.txt"
expect_eq "attach a file" "201 $(sha256sum "$WORK/note.txt" | cut -c1-64)" "$STATUS $(jf .sha256)"
as "$INSP" POST /api/v1/leads/{id}/attachments "/api/v1/leads/$J_LEAD/attachments?file_name=../../x" -H 'Content-Type: application/octet-stream' --data-binary @"$WORK/note.txt"
expect_eq "an attachment name with folders" "400 file_name" "$STATUS $(jf .error.field)"
act "$INSP" '{"action":"confirm","reason":"登记属实"}'
expect_eq "confirm" "201 confirmed" "$STATUS $(jf .to_state)"
act "$INSP" '{"action":"comment","comment":"迟到的意见","if_version":2}'
expect_eq "an action on a lead changed since it was read conflicts" "409 conflict" "$STATUS $(jf .error.code)"
act "$INSP" '{"action":"comment","comment":"x","deadline":"2031-01-01"}'
expect_eq "a field the action does not use names the field" "400 invalid_field deadline" "$STATUS $(jf .error.code) $(jf .error.field)"
as "$INSP" POST /api/v1/leads/{id}/actions "/api/v1/leads/999999999/actions" -H 'Content-Type: application/json' -d '{"action":"start"}'
expect_eq "an action on no lead" "404 not_found" "$STATUS $(jf .error.code)"
as "$INSP" GET /api/v1/leads "/api/v1/leads?limit=500"
expect_eq "a cached list shows a change made through the server at once" confirmed "$(jf ".items[] | select(.id == $J_LEAD) | .status")"
as "$INSP" GET /api/v1/leads/{id}/history "/api/v1/leads/$J_LEAD/history"
expect_eq "history" "200 assign,start,comment,attach,confirm" "$STATUS $(jf '[.items[].action] | join(",")')"
as "$INSP" GET /api/v1/leads/{id} "/api/v1/leads/$J_LEAD"
expect_eq "workflow state on the lead" "confirmed insp" "$(jf .workflow.state) $(jf .workflow.assignee)"
as "$INSP" GET /api/v1/lead-queue "/api/v1/lead-queue?state=confirmed"
expect_eq "queue by state" "200 $J_LEAD" "$STATUS $(jf '[.items[].lead_id] | join(",")')"
as "$INSP" GET /api/v1/lead-queue "/api/v1/lead-queue?state=lost"
expect_eq "queue: unknown state" "400 state" "$STATUS $(jf .error.field)"
# free text: a person's name or ID in the lead's records, its unit, a case number
PERSON=$(sql "SELECT m.name FROM lead l JOIN mention m ON (m.table_name = l.subject_table AND m.record_id = l.subject_id)
    OR EXISTS (SELECT 1 FROM lead_evidence e WHERE e.lead_id = l.id AND e.table_name = m.table_name AND e.record_id = m.record_id)
    WHERE l.id = $J_LEAD AND m.kind = 'person' AND m.name IS NOT NULL LIMIT 1")
qq() { python3 -c "import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1]))" "$1"; }
as "$INSP" GET /api/v1/lead-queue "/api/v1/lead-queue?limit=500&q=$(qq "$PERSON")"
expect_eq "search by a person's name finds the lead" "200 1" "$STATUS $(jf "[.items[] | select(.lead_id == $J_LEAD)] | length")"
as "$INSP" GET /api/v1/lead-queue "/api/v1/lead-queue?limit=500&q=$(qq "$(sql "SELECT unit_code FROM lead WHERE id = $J_LEAD")")"
expect_eq "search by unit code finds the lead" "200 1" "$STATUS $(jf "[.items[] | select(.lead_id == $J_LEAD)] | length")"
CASE_LEAD=$(sql "SELECT l.id FROM lead l JOIN court_case c ON l.subject_table = 'court_case' AND c.id = l.subject_id WHERE l.unit_code LIKE 'J61%' LIMIT 1")
if [ -n "$CASE_LEAD" ]; then
    as "$INSP" GET /api/v1/lead-queue "/api/v1/lead-queue?limit=500&q=$(qq "$(sql "SELECT c.case_no FROM lead l JOIN court_case c ON c.id = l.subject_id WHERE l.id = $CASE_LEAD")")"
    expect_eq "search by case number finds the lead" "200 1" "$STATUS $(jf "[.items[] | select(.lead_id == $CASE_LEAD)] | length")"
fi
as "$INSP" GET /api/v1/lead-queue "/api/v1/lead-queue?q=$(qq "查无此人'; DROP TABLE lead; --")"
expect_eq "a search that matches nothing (and injects nothing)" "200 0 1" "$STATUS $(jf '.items | length') $(sql "SELECT count(*) > 0 FROM lead")"

# ---- officers' records ----
file_rec() { as "$OFF" POST /api/v1/records /api/v1/records -H 'Content-Type: application/json' -d "$1"; }
file_rec '{"kind":"record","category":"leader_interference","actor_name":"王某","occurred_at":"2021-05-03 10:00","content":"过问案件"}'
expect_eq "file a record" 201 "$STATUS"
REC_NO=$(jf .record_no)
file_rec "{\"kind\":\"record\",\"category\":\"internal_inquiry\",\"actor_name\":\"王某\",\"occurred_at\":\"2021-05-03 10:00\",\"content\":\"更正\",\"corrects\":\"$REC_NO\",\"reason\":\"类别填错\"}"
expect_eq "a correction references the old record" 201 "$STATUS"
file_rec "{\"kind\":\"record\",\"category\":\"internal_inquiry\",\"actor_name\":\"王某\",\"occurred_at\":\"2021-05-03 10:00\",\"content\":\"再更正\",\"corrects\":\"$REC_NO\",\"reason\":\"再改\"}"
expect_eq "correcting a record already corrected conflicts" "409 conflict corrects" "$STATUS $(jf .error.code) $(jf .error.field)"
file_rec '{"kind":"record","category":"internal_inquiry","actor_name":"王某","occurred_at":"2021-05-03 10:00","content":"x","corrects":"ZJ-R-999999","reason":"y"}'
expect_eq "correcting no record names the field" "400 invalid_field corrects" "$STATUS $(jf .error.code) $(jf .error.field)"
file_rec '{"kind":"zero","month":"2021-13"}'
expect_eq "impossible month" "400 month" "$STATUS $(jf .error.field)"
file_rec "{\"kind\":\"zero\",\"month\":\"$(date -d '+2 months' +%Y-%m)\"}"
expect_eq "a future month" "400 month" "$STATUS $(jf .error.field)"
file_rec "{\"kind\":\"zero\",\"month\":\"2021-07\",\"officer_no\":\"$OTHER_NO\"}"
expect_eq "filing for another officer" "403 forbidden" "$STATUS $(jf .error.code)"
file_rec '{"kind":"record","category":"leader_interference","actor_name":"王\u0007某","occurred_at":"2021-05-03 10:00","content":"x"}'
expect_eq "control character in a name" "400 actor_name" "$STATUS $(jf .error.field)"
file_rec '{"kind":"zero","month":"2021-08","month":"2021-09"}'
expect_eq "a repeated key" "400 month" "$STATUS $(jf .error.field)"
file_rec '{"kind":"zero","month":202108}'
expect_eq "a month of the wrong type" "400 month" "$STATUS $(jf .error.field)"
as "$OFF" POST /api/v1/records /api/v1/records -H 'Content-Type: application/json' --data-binary @"$WORK/big"
expect_eq "an oversized record" "413 payload_too_large" "$STATUS $(jf .error.code)"
as "$OFF" GET /api/v1/records /api/v1/records
expect_eq "own history: zero report, record, correction" "200 3" "$STATUS $(jf '.items | length')"
expect_eq "the correction names the old record" "$REC_NO" "$(jf "[.items[] | select(.corrects != null)][0].corrects")"
expect_eq "the old record names its correction" 1 "$(jf "[.items[] | select(.record_no == \"$REC_NO\" and .corrected_by != null)] | length")"
expect_eq "names masked in lists" 0 "$(jf '[.items[] | select(.actor_name == "王某")] | length')"
as "$OFF" GET /api/v1/records "/api/v1/records?current=true"
expect_eq "current records only" 2 "$(jf '.items | length')"
as "$OFF" GET /api/v1/records "/api/v1/records?officer_no=$OTHER_NO"
expect_eq "an officer sees only his own" 0 "$(jf '[.items[] | select(.officer_no != "'"$OFFICER_NO"'")] | length')"

# ---- statistics, compliance, entities, audit, filing checks ----
as "$LEADER" GET /api/v1/statistics "/api/v1/statistics?dimension=agency"
expect_eq "statistics" 200 "$STATUS"
expect_eq "statistics by the asked dimension" 0 "$(jf '[.items[] | select(.dimension != "agency")] | length')"
as "$LEADER" GET /api/v1/statistics "/api/v1/statistics?dimension=shoe_size"
expect_eq "unknown dimension" "400 dimension" "$STATUS $(jf .error.field)"
as "$OFF" GET /api/v1/statistics /api/v1/statistics
expect_eq "an officer sees no statistics" 403 "$STATUS"
# Answers go gzipped to a client that takes gzip (twice: computed, then from the answer
# cache), and are the same JSON; a small answer goes as it is.
as "$LEADER" GET /api/v1/statistics /api/v1/statistics
for round in computed cached; do
    curl -s -H "Authorization: Bearer $LEADER" -H 'Accept-Encoding: gzip' -D "$WORK/gz.head" \
        -o "$WORK/gz.body" "http://127.0.0.1:$PORT/api/v1/statistics"
    expect_match "statistics gzipped ($round)" '^Content-Encoding: gzip$' \
        "$(tr -d '\r' < "$WORK/gz.head" | grep -i '^Content-Encoding')"
    expect_eq "the gzipped answer is the answer ($round)" "$BODY" "$(gzip -dc < "$WORK/gz.body")"
    expect_eq "and smaller ($round)" 1 "$([ "$(stat -c %s "$WORK/gz.body")" -lt "${#BODY}" ] && echo 1)"
done
curl -s -H 'Accept-Encoding: gzip' -D "$WORK/gz.head" -o /dev/null "http://127.0.0.1:$PORT/api/v1/health"
expect_eq "a small answer is not compressed" "" "$(tr -d '\r' < "$WORK/gz.head" | grep -i '^Content-Encoding' || true)"
# The cockpit's lead summary: every lead counted on the server, in the caller's scope, and the
# region a count names lists exactly those leads.
as "$ADMIN" GET /api/v1/statistics/leads /api/v1/statistics/leads
expect_eq "lead summary" 200 "$STATUS"
expect_eq "summary total: every lead" "$(sql 'SELECT count(*) FROM lead')" "$(jf .headline.total)"
for dim in state code month region; do
    expect_eq "summary by $dim adds up to the total" "$(jf .headline.total)" \
        "$(jf "[.items[] | select(.dimension == \"$dim\") | .count] | add")"
done
expect_eq "codes named" 0 "$(jf '[.items[] | select(.dimension == "code" and .label == null)] | length')"
REGION=$(jf '[.items[] | select(.dimension == "region" and .key != "")] | max_by(.count) | .key')
RCOUNT=$(jf "[.items[] | select(.dimension == \"region\" and .key == \"$REGION\")][0].count")
as "$ADMIN" GET /api/v1/leads "/api/v1/leads?region=$REGION&limit=1"
expect_eq "leads of a region" 200 "$STATUS"
expect_eq "the region's leads are the summary's count" "$RCOUNT" "$(jf .total)"
as "$ADMIN" GET /api/v1/leads "/api/v1/leads?region=61AB00"
expect_eq "a region must be digits" 400 "$STATUS"
expect_eq "the field named" region "$(jf .error.field)"
as "$LEADER" GET /api/v1/statistics/leads /api/v1/statistics/leads
LTOTAL=$(jf .headline.total)
as "$LEADER" GET /api/v1/leads "/api/v1/leads?limit=1"
expect_eq "a leader's summary counts the leader's scope" "$(jf .total)" "$LTOTAL"
expect_eq "a court leader sees fewer than every lead" 1 "$([ "$LTOTAL" -lt "$(sql 'SELECT count(*) FROM lead')" ] && echo 1)"
as "$LEADER" GET /api/v1/statistics/leads "/api/v1/statistics/leads?today=2026-02-30"
expect_eq "summary: a bad day" 400 "$STATUS"
as "$OFF" GET /api/v1/statistics/leads /api/v1/statistics/leads
expect_eq "an officer sees no lead summary" 403 "$STATUS"
# ---- region boundaries (行政区划边界) for the cockpit's map ----
COUNTIES=$(sql "SELECT count(DISTINCT region_code) FROM region WHERE level = 'county' AND boundary IS NOT NULL")
expect_eq "the store holds county boundaries" 1 "$([ "$COUNTIES" -gt 0 ] && echo 1)"
as "$LEADER" GET /api/v1/regions /api/v1/regions
expect_eq "regions" "200 FeatureCollection" "$STATUS $(jf .type)"
expect_eq "one county shape per county" "$COUNTIES" "$(jf '[.features[] | select(.properties.level == "county" and (.geometry.type | test("Polygon$")))] | length')"
expect_eq "features carry code, name, level, parent" 0 "$(jf '[.features[] | select((.properties | keys) != ["code","level","name","parent"])] | length')"
expect_eq "regions in code order" "$(jf '[.features[].properties.code] | sort | join(",")')" "$(jf '[.features[].properties.code] | join(",")')"
expect_match "boundaries may be kept by the browser" 'Cache-Control: private, max-age=3600' "$HEADERS"
COUNTY=$(jf '.features[0].properties.code'); PARENT=$(jf '.features[0].properties.parent')
as "$INSP" GET /api/v1/regions/{code} "/api/v1/regions/$COUNTY"
expect_eq "one region" "200 Feature $COUNTY" "$STATUS $(jf .type) $(jf .properties.code)"
expect_match "its boundary" '^(Multi)?Polygon$' "$(jf .geometry.type)"
if [ "$(sql "SELECT count(*) FROM region WHERE region_code = '$PARENT'")" -gt 0 ]; then
    as "$LEADER" GET /api/v1/regions "/api/v1/regions?parent=$PARENT"
    expect_eq "regions below a parent" 0 "$(jf '[.features[] | select(.properties.parent != "'"$PARENT"'")] | length')"
fi
as "$LEADER" GET /api/v1/regions "/api/v1/regions?parent=999999"
expect_eq "regions below an unknown parent" "404 not_found" "$STATUS $(jf .error.code)"
as "$LEADER" GET /api/v1/regions "/api/v1/regions?parent=61x"
expect_eq "a parent that is no code" "400 parent" "$STATUS $(jf .error.field)"
as "$LEADER" GET /api/v1/regions/{code} /api/v1/regions/999999
expect_eq "no such region" "404 not_found" "$STATUS $(jf .error.code)"
as "$LEADER" GET /api/v1/regions/{code} /api/v1/regions/6101ab
expect_eq "a code that is no code" "400 code" "$STATUS $(jf .error.field)"
req GET /api/v1/regions /api/v1/regions
expect_eq "regions without a session" "401 unauthenticated" "$STATUS $(jf .error.code)"
req GET /api/v1/regions/{code} "/api/v1/regions/$COUNTY"
expect_eq "a region without a session" "401 unauthenticated" "$STATUS $(jf .error.code)"
as "$OFF" GET /api/v1/regions /api/v1/regions
expect_eq "an officer reads no boundaries" 403 "$STATUS"
as "$LEADER" GET /api/v1/compliance /api/v1/compliance
expect_eq "compliance" 200 "$STATUS"
expect_eq "compliance rows are units in scope" 0 "$(jf '[.items[] | select(.value | startswith("J") | not)] | length')"
ENTITY=$(sql "SELECT min(entity_id) FROM mention WHERE kind = 'person' AND entity_id IS NOT NULL")
as "$INSP" GET /api/v1/entities/{id} "/api/v1/entities/$ENTITY"
expect_eq "a person's records" 200 "$STATUS"
as "$INSP" GET /api/v1/entities/{id} "/api/v1/entities/999999999"
expect_eq "no such entity" "404 not_found" "$STATUS $(jf .error.code)"
expect_eq "no ID number in a masked person view" 0 "$(grep -cE '[0-9]{17}[0-9X]' "$WORK/resp.$n")"
as "$LEADER" GET /api/v1/entities/{id} "/api/v1/entities/$ENTITY?unmask=true"
expect_eq "a leader may not unmask a person" 403 "$STATUS"
as "$INSP" GET /api/v1/audit/status /api/v1/audit/status
expect_eq "an inspector may not verify the audit trail" 403 "$STATUS"
as "$ADMIN" GET /api/v1/audit/status /api/v1/audit/status
expect_eq "audit trail verifies" "200 true" "$STATUS $(jf .ok)"
expect_eq "audit entries were written" 1 "$(jf '.entries > 5 | if . then 1 else 0 end')"
as "$JUDGE" POST /api/v1/filing-checks /api/v1/filing-checks -H 'Content-Type: application/json' -d '{}'
expect_eq "filing checks: a bad body names the field" "400 parties" "$STATUS $(jf .error.field)"
as "$JUDGE" POST /api/v1/filing-checks /api/v1/filing-checks -H 'Content-Type: application/json' \
    -d '{"cause":"民间借贷纠纷","parties":[{"role":"plaintiff","name":"某甲"},{"role":"defendant","name":"某乙"}]}'
expect_eq "a filing check answers FL01-FL04" "200 FL01,FL02,FL03,FL04" \
    "$STATUS $(jf '[.prompts[].code] | join(",")')"
as "$INSP" POST /api/v1/filing-checks /api/v1/filing-checks -H 'Content-Type: application/json' \
    -d '{"parties":[{"role":"plaintiff","name":"某甲"}]}'
expect_eq "an inspector may not check filings" 403 "$STATUS"

# ---- imports: a file and a mapping in, the batch report with rejected rows out ----
{ head -1 "$WORK/p/org_units.csv"; printf 'X61000000,测试单位,01,province,,610000\nX61000001,缺字段\n'; } > "$WORK/units.csv"
upload() { as "$1" POST /api/v1/imports "/api/v1/imports?$2" -H 'Content-Type: text/csv' --data-binary @"$WORK/units.csv"; }
upload "$INSP" "mapping=org_units&file_name=units.csv"
expect_eq "an inspector may not import" "403 forbidden" "$STATUS $(jf .error.code)"
upload "$STEWARD" "mapping=../../etc/passwd"
expect_eq "a mapping outside the mapping folder" "400 mapping" "$STATUS $(jf .error.field)"
upload "$STEWARD" "mapping=nonexistent"
expect_eq "an unknown mapping" "400 mapping" "$STATUS $(jf .error.field)"
upload "$STEWARD" "file_name=units.csv"
expect_eq "no mapping" "400 missing_field mapping" "$STATUS $(jf .error.code) $(jf .error.field)"
as "$STEWARD" POST /api/v1/imports "/api/v1/imports?mapping=org_units" -H 'Content-Type: text/csv'
expect_eq "no file" "400 body" "$STATUS $(jf .error.field)"
upload "$STEWARD" "mapping=org_units&file_name=units.csv"
expect_eq "import" 201 "$STATUS"
BATCH=$(jf .batch_id)
expect_eq "the batch report" "2 1 1" "$(jf .rows_read) $(jf .inserted) $(jf .rejected)"
expect_eq "the rejected row is reported with its line" 3 "$(jf '.rejects[0].line')"
expect_eq "raw rows are not shown without unmasking" null "$(jf '.rejects[0].raw')"
expect_eq "the new unit is in the store" 1 "$(sql "SELECT count(*) FROM unit WHERE unit_code = 'X61000000'")"
upload "$STEWARD" "mapping=org_units&file_name=units.csv"
expect_eq "the same file again is skipped" "200 $BATCH" "$STATUS $(jf .skipped_as)"
as "$STEWARD" GET /api/v1/imports/{id}/rejects "/api/v1/imports/$BATCH/rejects"
expect_eq "rejected rows of the batch" "200 1" "$STATUS $(jf '.items | length')"
{ head -1 "$WORK/p/org_units.csv"; printf 'X61000002,推送单位,01,province,,610000\n'; } > "$WORK/units.csv"
upload "$SVC" "mapping=org_units.mapping.yaml&file_name=push.csv"
expect_eq "an agency system pushes data with its API key" "201 1" "$STATUS $(jf .inserted)"
as "$SVC" GET /api/v1/leads /api/v1/leads
expect_eq "an API key reads no leads" 403 "$STATUS"
as "$LEADER" GET /api/v1/imports/{id}/rejects "/api/v1/imports/$BATCH/rejects"
expect_eq "a leader may not read rejected rows" 403 "$STATUS"
expect_eq "the import and the skipped re-run are audited" 2 "$(sql "SELECT count(*) FROM audit_entry WHERE action = 'import.batch' AND username = 'steward'")"
expect_eq "the pushed batch is audited under the service account" 1 "$(sql "SELECT count(*) FROM audit_entry WHERE action = 'import.batch' AND username = 'svc'")"

# ---- exports: any list as CSV or XLSX, audited with its filters ----
as "$INSP" GET /api/v1/exports/{list} "/api/v1/exports/leads?format=csv&code=TV02"
expect_eq "CSV export" 200 "$STATUS"
expect_match "CSV content type" '^Content-Type: text/csv' "$(grep -i '^Content-Type' <<<"$HEADERS")"
expect_match "a file to save" '^Content-Disposition: attachment; filename="leads-[0-9]{8}\.csv"$' "$(grep -i '^Content-Disposition' <<<"$HEADERS")"
tv02=$(sql "SELECT count(*) FROM lead WHERE code = 'TV02' AND unit_code LIKE 'J%'")
expect_eq "one line per lead in scope, and the header" "$((tv02 + 1))" "$(grep -c . "$WORK/resp.$n")"
expect_eq "the export is audited with its filters" 1 "$(sql "SELECT count(*) FROM audit_entry WHERE action = 'export.leads' AND detail LIKE '%\"code\":\"TV02\"%'")"
as "$INSP" GET /api/v1/exports/{list} "/api/v1/exports/leads?format=xlsx"
expect_eq "XLSX export" "200 PK" "$STATUS $(head -c 2 "$WORK/resp.$n")"
as "$INSP" GET /api/v1/exports/{list} "/api/v1/exports/leads?format=pdf"
expect_eq "unknown format" "400 format" "$STATUS $(jf .error.field)"
as "$INSP" GET /api/v1/exports/{list} "/api/v1/exports/passwords"
expect_eq "unknown list" 404 "$STATUS"
as "$OFF" GET /api/v1/exports/{list} "/api/v1/exports/leads"
expect_eq "an officer exports no leads" 403 "$STATUS"
as "$OFF" GET /api/v1/exports/{list} "/api/v1/exports/records?format=csv"
expect_eq "an officer exports his own records" "200 4" "$STATUS $(grep -c . "$WORK/resp.$n")"
as "$LEADER" GET /api/v1/exports/{list} "/api/v1/exports/statistics?dimension=agency&format=xlsx"
expect_eq "statistics as XLSX" 200 "$STATUS"

# ---- logout ----
as "$INSP" DELETE /api/v1/session /api/v1/session
expect_eq "logout" 200 "$STATUS"
expect_match "cookie cleared" 'Set-Cookie: zj_session=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0' "$HEADERS"
as "$INSP" GET /api/v1/session /api/v1/session
expect_eq "the token is dead after logout" 401 "$STATUS"
expect_match "the access log names the user" '"user":"off"' "$(grep '"path":"/api/v1/records"' "$LOG" | tail -1)"

# ---- the access log: one JSON object per request ----
bad=$(grep -vc '^{.*}$' "$LOG")
expect_eq "every access-log line is a JSON object" 0 "$bad"
expect_match "a logged request" '"path":"/api/v1/version","status":200' "$(grep '/api/v1/version' "$LOG" | head -1)"
expect_eq "the query string is not logged" 0 "$(grep -c 'DROP' "$LOG")"

stop_server
expect_match "clean stop logged" '"event":"stop","message":"stopped cleanly"' "$(tail -1 "$LOG")"

# ---- rate limits ----
start_server --login-rate 2
login insp; expect_eq "first login attempt" 201 "$STATUS"
login insp wrong-password-2; expect_eq "second login attempt" 401 "$STATUS"
login insp; expect_eq "third login attempt in a minute" "429 rate_limited" "$STATUS $(jf .error.code)"
stop_server
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
sleep 0.3   # the headers are in; the body takes about 3 s at 20 KB/s
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
