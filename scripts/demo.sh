#!/usr/bin/env bash
# demo.sh - `make demo`: a small synthetic province end to end, in ./demo/.
#
# Generates the province's agency exports (each in its own layout, with a mapping beside it),
# imports them all, shows what the store holds, links the entities, runs the detectors, shows
# some leads (线索) and scores everything against the generator's truth. Then it adds one demo
# account per role and serves the web app on the store until Ctrl-C (DEMO_SERVE=0 skips that;
# DEMO_PORT picks the port, default 8080).
set -euo pipefail
cd "$(dirname "$0")/.."
ZJ=build/zhijian
OUT=demo
export ZHIJIAN_DB=$OUT/zhijian.db
DEMO_PASSWORD=${DEMO_PASSWORD:-zhijian-demo-1}

rm -rf "$OUT"
mkdir -p "$OUT"
echo "== 1. generate a small synthetic province (seed 1) into $OUT/province"
$ZJ gen --seed 1 --scale small --out "$OUT/province"
echo
echo "== 2. import every export through the mapping shipped beside it"
# Planted dirty rows are expected: they are rejected, counted and written to reject files.
set +e
$ZJ import --max-errors -1 "$OUT/province"
rc=$?
set -e
[ $rc -le 1 ] || { echo "demo: import failed (exit $rc)" >&2; exit $rc; }
echo
echo "== 3. what the store holds"
$ZJ status
echo
echo "== 4. resolve the people and enterprises mentioned across all records"
$ZJ link
echo
echo "== 5. run the detectors (rules/detectors.yaml) and show what they found"
$ZJ detect --as-of 2021-12-31
echo
$ZJ leads list --limit 15
echo
$ZJ leads show "$($ZJ leads list --code TV02 --limit 1 --json | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["id"])')"
echo
$ZJ leads stats --measure officers_with_leads --code '*' --dimension agency
echo
echo "== 6. score against the generator's truth"
$ZJ eval --truth "$OUT/province"
echo
echo "== 7. demo accounts, one per role (password: $DEMO_PASSWORD)"
# The officer account is one of the imported roster's officers of 雁塔区人民法院.
OFFICER_NO=$(sqlite3 -batch -noheader "$ZHIJIAN_DB" \
    "SELECT officer_no FROM officer WHERE unit_code = 'J61011300' ORDER BY officer_no LIMIT 1")
account() {  # account NAME "WHO" OPTIONS...: a demo user with the demo password
    local name=$1 who=$2; shift 2
    printf '%s\n' "$DEMO_PASSWORD" | $ZJ user add "$name" "$@" >/dev/null
    printf '  %-10s %s\n' "$name" "$who"
}
account admin "系统管理员, whole province: data import, audit, everything" --role admin --province
account leader "领导 of 陕西省高级人民法院: the cockpit (领导驾驶舱)" --role leader --unit J61000000
account inspector "纪检监察员 of 陕西省高级人民法院: the lead workbench" --role inspector --unit J61000000
account officer "干警 $OFFICER_NO of 西安市雁塔区人民法院: 三个规定 records" --role officer \
    --unit J61011300 --officer-no "$OFFICER_NO"
account judge "立案法官 of 西安市雁塔区人民法院: the filing assistant" --role filing_judge --unit J61011300
account steward "数据管理员, whole province: imports and their rejects" --role data_steward --province
echo
echo "demo: store at $ZHIJIAN_DB; try: ZHIJIAN_DB=$ZHIJIAN_DB $ZJ status --json"
if [ "${DEMO_SERVE:-1}" = 0 ]; then
    exit 0
fi
echo
echo "== 8. the web app: open http://127.0.0.1:${DEMO_PORT:-8080}/ and log in with an account above"
echo "   (Ctrl-C stops the server)"
exec $ZJ serve --port "${DEMO_PORT:-8080}" --mappings "$OUT/province" --access-log "$OUT/access.log"
