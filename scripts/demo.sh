#!/usr/bin/env bash
# demo.sh - `make demo`: a small synthetic province end to end, in ./demo/.
#
# Generates the province's agency exports (each in its own layout, with a mapping beside it),
# imports them all, shows what the store holds, links the entities, runs the detectors, shows
# some leads (线索) and scores everything against the generator's truth. The web app joins this
# script when it lands.
set -euo pipefail
cd "$(dirname "$0")/.."
ZJ=build/zhijian
OUT=demo
export ZHIJIAN_DB=$OUT/zhijian.db

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
echo "demo: store at $ZHIJIAN_DB; try: ZHIJIAN_DB=$ZHIJIAN_DB $ZJ status --json"
