#!/usr/bin/env bash
# sentence_online.sh - sentence-change cases handled online (issue 15), end to end through the
# binary: a case applied for, reviewed, posted, given the procuratorate's opinion and ruled on,
# each step by its agency's user; steps out of order and by the wrong role or unit refused with
# a clear message; the history and the audit trail; an imported case continued online; and the
# online case checked by SC01 like an imported one.
. "$(dirname "$0")/lib.sh"

"$ZHIJIAN" import --quiet "$FIXTURES/sentence_online"
expect_eq "fixture import" 0 $?
pw() { printf 'sentence-online-1\n'; }
pw | "$ZHIJIAN" user add wang --role sc_prison --unit JY61 >/dev/null
pw | "$ZHIJIAN" user add zhao --role sc_prison --unit JY61 >/dev/null
pw | "$ZHIJIAN" user add ju --role sc_prison --unit S61000000 >/dev/null
pw | "$ZHIJIAN" user add jian --role sc_procurator --unit P61010000 >/dev/null
pw | "$ZHIJIAN" user add fa --role sc_court --unit J61010000 >/dev/null
pw | "$ZHIJIAN" user add bao --role sc_court --unit J61030000 >/dev/null
pw | "$ZHIJIAN" user add li --role inspector --unit S61000000 >/dev/null
SC="$ZHIJIAN sentence-change"

# an application for a first reduction 11 months into a 4-year term (SC01: a year required)
out=$($SC apply N01 --as wang --prisoner-name 丁一 --prisoner-no Q11 --prison JY61 --crime 盗窃罪 \
      --category ordinary --term 48 --start "$(date -d '-11 months' +%Y-%m-%d)" --type reduction \
      --reason repentance --cut 6 2>&1); rc=$?
expect_eq "apply exit" 0 "$rc"
expect_match "apply says what comes next" "^case N01: application \(提请\), step 1; next: review" "$out"
expect_eq "the case is a sentence_change row of source system zhijian, pending" "zhijian|pending|6" \
    "$(sql "SELECT source_system, decision, reduction_months FROM sentence_change WHERE change_no = 'N01'")"

# out of order: the opinion before the review
out=$($SC opinion N01 agree --as jian 2>&1); rc=$?
expect_eq "opinion before review refused (usage)" 2 "$rc"
expect_match "... naming the step the case is at and the next one" \
    "case N01 is at step 'application' \(提请\): the next step is 'review' \(评审\), not 'opinion'" "$out"
# the wrong role, the wrong unit, the applicant reviewing his own application
out=$($SC review N01 approved --as fa 2>&1); rc=$?
expect_eq "a judge may not review (permission)" 4 "$rc"
expect_match "... naming the role and unit needed and the user's" \
    "step 'review' \(评审\) of case N01 needs a user with role sc_prison of the prison JY61 \(or a unit above it\); user 'fa' is sc_court of unit J61010000" "$out"
out=$($SC review N01 approved --as wang 2>&1); rc=$?
expect_eq "the applicant may not review" 4 "$rc"
expect_match "... and is told why" "user 'wang' made the application and may not review it" "$out"
out=$($SC review N01 maybe --as zhao 2>&1); rc=$?
expect_eq "an unknown outcome" 2 "$rc"
expect_match "... names the field" "field 'outcome': 'approved' or 'rejected' expected, not 'maybe'" "$out"

$SC review N01 approved --as zhao --note "评审委员会通过" >/dev/null
expect_eq "review exit" 0 $?
$SC notice N01 --as zhao >/dev/null
expect_eq "notice exit" 0 $?
out=$($SC opinion N01 agree --as jian 2>&1); rc=$?
expect_eq "opinion during the notice refused" 2 "$rc"
expect_match "... naming the notice's end" "the notice posted .* runs 5 working days, until " "$out"
# the notice was posted two weeks ago (the step's time set back, as if it had been)
sql "UPDATE sc_step SET at = datetime(at, '-14 days') WHERE change_no = 'N01' AND step = 'notice'"
out=$($SC rule N01 granted --cut 6 --case-no "（2026）陕01刑更1号" --as fa 2>&1); rc=$?
expect_eq "a ruling before the procuratorate's opinion refused" 2 "$rc"
out=$($SC opinion N01 agree --as fa 2>&1); rc=$?
expect_eq "a judge may not give the procuratorate's opinion" 4 "$rc"
$SC opinion N01 agree --as jian >/dev/null
expect_eq "opinion exit" 0 $?
out=$($SC rule N01 granted --cut 6 --case-no "（2026）陕03刑更1号" --as bao 2>&1); rc=$?
expect_eq "a court of another city may not rule" 4 "$rc"
expect_match "... told which court may" "needs a user with role sc_court of a court in the city of the prison JY61" "$out"
out=$($SC rule N01 granted --case-no "（2026）陕01刑更1号" --as fa 2>&1); rc=$?
expect_eq "a granted reduction needs its cut" 2 "$rc"
out=$($SC rule N01 granted --cut 6 --case-no "（2026）陕01刑更1号" --as fa --json); rc=$?
expect_eq "ruling exit" 0 "$rc"
expect_eq "the ruling completes the case" "ruling 5 None" \
    "$(python3 -c "import json,sys; d=json.loads(sys.argv[1]); print(d['step'], d['seq'], d['next'])" "$out")"
expect_eq "the ruling is written into the case's row (a new version)" "granted|（2026）陕01刑更1号|6|1" \
    "$(sql "SELECT s.decision, s.court_case_no, s.reduction_months, (SELECT count(*) FROM record_version v WHERE v.table_name = 'sentence_change' AND v.record_id = s.id) FROM sentence_change s WHERE change_no = 'N01'")"
out=$($SC rule N01 refused --as fa 2>&1); rc=$?
expect_eq "no step after the ruling" 2 "$rc"
expect_match "... the case is complete" "case N01 is complete \(last step 'ruling', granted\)" "$out"

# the history, and who may read it
out=$($SC show N01 --as li 2>&1); rc=$?
expect_eq "an inspector without the sentence-change permission may not read it" 4 "$rc"
out=$($SC show N01 --as jian --json); rc=$?
expect_eq "the procuratorate reads the case" 0 "$rc"
expect_eq "five steps, each with its user and role, in order" \
    "application:wang:sc_prison review:zhao:sc_prison notice:zhao:sc_prison opinion:jian:sc_procurator ruling:fa:sc_court" \
    "$(python3 -c "import json,sys; print(' '.join(s['step']+':'+s['user']+':'+s['role'] for s in json.loads(sys.argv[1])['steps']))" "$out")"
expect_eq "each step has its audit entry" \
    "sentence_change.application sentence_change.review sentence_change.notice sentence_change.opinion sentence_change.ruling" \
    "$(sql "SELECT group_concat(a, ' ') FROM (SELECT e.action a FROM audit_entry e JOIN sc_step t ON t.audit_id = e.id WHERE t.change_no = 'N01' ORDER BY t.seq)")"
"$ZHIJIAN" audit verify >/dev/null
expect_eq "the audit trail verifies" 0 $?

# an imported case still pending continues online from its review; a decided one does not
$SC review I01 approved --as zhao >/dev/null
expect_eq "imported pending case reviewed online" 0 $?
out=$($SC show I01 --as zhao)
expect_match "its history starts with the imported application" "imported from justice_jxjs" "$out"
expect_match "... and goes on online" "1  .* review +approved zhao \(sc_prison, JY61\)" "$out"
out=$($SC review I02 approved --as zhao 2>&1); rc=$?
expect_eq "an imported decided case has no further step" 2 "$rc"
out=$($SC apply I01 --as wang --prisoner-name 丙一 --prison JY61 --crime 盗窃罪 --category ordinary \
      --term 48 --start 2020-01-15 --type reduction --reason repentance --cut 6 2>&1); rc=$?
expect_eq "an application may not reuse a case number" 2 "$rc"

# temporary execution outside prison: decided by the prison administration, not the prison
$SC apply N02 --as wang --prisoner-name 丁二 --prison JY61 --crime 诈骗罪 --category ordinary \
    --term 60 --start 2021-01-01 --type medical_parole --reason illness >/dev/null
$SC review N02 approved --as zhao >/dev/null
$SC notice N02 --as zhao >/dev/null
sql "UPDATE sc_step SET at = datetime(at, '-14 days') WHERE change_no = 'N02' AND step = 'notice'"
$SC opinion N02 agree --as jian >/dev/null
out=$($SC rule N02 granted --as fa 2>&1); rc=$?
expect_match "a medical parole is not ruled on by the court" "the next step is 'decision'" "$out"
out=$($SC decide N02 granted --as zhao 2>&1); rc=$?
expect_eq "the prison itself may not decide" 4 "$rc"
$SC decide N02 granted --as ju >/dev/null
expect_eq "the prison administration decides" 0 $?
expect_eq "the decision is in the row" "granted" "$(sql "SELECT decision FROM sentence_change WHERE change_no = 'N02'")"

# the online case is checked like an imported one: 11 months served of a 4-year term
"$ZHIJIAN" detect --quiet --only SC01
expect_eq "SC01 on the online case" "N01" \
    "$(sql "SELECT group_concat(s.change_no) FROM lead l JOIN sentence_change s ON s.id = l.subject_id WHERE l.code = 'SC01'")"

# ---- the same over HTTP: a case applied for and read through the API ----
HERE=$(cd "$(dirname "$0")" && pwd)
SERVER=
trap '[ -n "$SERVER" ] && kill -9 "$SERVER" 2>/dev/null; rm -rf "$WORK"' EXIT
LOG=$WORK/access.log
"$ZHIJIAN" serve --port 0 --access-log "$LOG" 2>>"$WORK/serve.err" &
SERVER=$!
PORT=
for _ in $(seq 1 200); do
    PORT=$(jq -r 'select(.event == "start") | .message' "$LOG" 2>/dev/null | grep -o 'port [0-9]*' | cut -d' ' -f2)
    [ -n "$PORT" ] && break
    sleep 0.05
done
expect_match "server started" "^[0-9]+$" "$PORT"
n=0
req() {  # req METHOD TEMPLATE PATH [curl options...]: STATUS, BODY; logged for the schema check
    local method=$1 template=$2 path=$3; shift 3
    n=$((n + 1))
    STATUS=$(curl -s -o "$WORK/resp.$n" -w '%{http_code}' -X "$method" "$@" "http://127.0.0.1:$PORT$path")
    BODY=$(cat "$WORK/resp.$n")
    echo "$method $template $STATUS $WORK/resp.$n" >> "$WORK/responses"
}
token() {  # token USER: TOKEN of a new session (not in a subshell: req counts the answers)
    req POST /api/v1/session /api/v1/session -H 'Content-Type: application/json' \
        -d "{\"username\":\"$1\",\"password\":\"sentence-online-1\"}"
    TOKEN=$(printf '%s' "$BODY" | jq -r .token)
}
token wang; TW=$TOKEN; token zhao; TZ=$TOKEN; token jian; TJ=$TOKEN
STEPS=/api/v1/sentence-changes/{no}/steps
req POST $STEPS /api/v1/sentence-changes/H01/steps -H "Authorization: Bearer $TW" \
    -H 'Content-Type: application/json' -d '{"step":"application","prisoner_name":"丁三",
    "prison_unit_code":"JY61","crime":"盗窃罪","crime_category":"ordinary","change_type":"reduction",
    "reason":"repentance","sentence_start_date":"2020-01-15","sentence_months":48,"reduction_months":6}'
expect_eq "POST application" "201 1 review" "$STATUS $(jq -r '.seq, .next' <<<"$BODY" | tr '\n' ' ' | sed 's/ $//')"
req POST $STEPS /api/v1/sentence-changes/H01/steps -H "Authorization: Bearer $TJ" \
    -H 'Content-Type: application/json' -d '{"step":"opinion","outcome":"agree"}'
expect_eq "a step out of order is a conflict" "409 conflict" "$STATUS $(jq -r .error.code <<<"$BODY")"
req POST $STEPS /api/v1/sentence-changes/H01/steps -H "Authorization: Bearer $TJ" \
    -H 'Content-Type: application/json' -d '{"step":"review","outcome":"approved"}'
expect_eq "a procurator may not review" "403 forbidden" "$STATUS $(jq -r .error.code <<<"$BODY")"
req POST $STEPS /api/v1/sentence-changes/H01/steps -H "Authorization: Bearer $TZ" \
    -H 'Content-Type: application/json' -d '{"step":"review","outcome":"approved"}'
expect_eq "POST review" 201 "$STATUS"
req GET /api/v1/sentence-changes/{no} /api/v1/sentence-changes/H01 -H "Authorization: Bearer $TJ"
expect_eq "GET the case: its steps and the next" "200 application,review notice" \
    "$STATUS $(jq -r '[.steps[].step] | join(",")' <<<"$BODY") $(jq -r .next <<<"$BODY")"
req GET /api/v1/sentence-changes/{no} /api/v1/sentence-changes/NOPE -H "Authorization: Bearer $TJ"
expect_eq "an unknown case" 404 "$STATUS"
python3 "$HERE/openapi_check.py" responses "$SRCDIR/docs/openapi.yaml" "$WORK/responses" >&2
expect_eq "responses match the OpenAPI document" 0 $?
kill -TERM "$SERVER"; wait "$SERVER"; SERVER=
finish
