#!/usr/bin/env bash
# layouts.sh - the same province in the default and the foreign layouts (zhijian gen --layouts).
#  1. gen: the default layout does not depend on --layouts being given; the truth and the
#     identities are the same files in every layout; mixed mixes per source system.
#  2. a tiny province in each layout (and mixed), each into its own store with one
#     `zhijian import DIR` (the foreign one through its v2 mappings, which find units by name): the
#     canonical records are the same, except the fields only the foreign layout carries.
#  3. link, detect, eval on both: every implemented detector has precision and recall >= 0.95
#     on the foreign layouts, and the same counts as on the default ones; linking the same.
. "$(dirname "$0")/lib.sh"
CODES="TV01 TV02 TV03 TV04 TR01 TR02 TR03 TR04 TR05 CP01"

# ---- 1. gen --------------------------------------------------------------------------------
"$ZHIJIAN" gen --seed 3 --scale tiny --out "$WORK/d" --quiet
"$ZHIJIAN" gen --seed 3 --scale tiny --layouts default --out "$WORK/d2" --quiet
expect_eq "--layouts default is the default, byte for byte" "" "$(diff -r "$WORK/d" "$WORK/d2")"
"$ZHIJIAN" gen --seed 3 --scale tiny --layouts foreign --out "$WORK/f" --quiet
expect_eq "gen --layouts foreign exit" 0 $?
"$ZHIJIAN" gen --seed 3 --scale tiny --layouts mixed --out "$WORK/m" --quiet
for t in truth.jsonl identity.jsonl; do
    expect_eq "$t is the same in the foreign layouts" "" "$(cmp "$WORK/d/$t" "$WORK/f/$t" 2>&1)"
    expect_eq "$t is the same in the mixed layouts" "" "$(cmp "$WORK/d/$t" "$WORK/m/$t" 2>&1)"
done
layouts=$(python3 -c "
import json, sys
for d in sys.argv[1:]:
    m = json.load(open(d + '/manifest.json'))
    print(sum(1 for f in m['files'] if f.get('layout') == 'foreign'), end=' ')
" "$WORK/d" "$WORK/f" "$WORK/m")
read -r nd nf nm <<<"$layouts"
expect_eq "default: no file in a foreign layout" 0 "$nd"
expect_eq "foreign: every file in a foreign layout" 29 "$nf"
expect_match "mixed: some files in each" "^([1-9]|1[0-9]|2[0-7])$" "$nm"
out=$("$ZHIJIAN" gen --layouts alien --out "$WORK/x" 2>&1); rc=$?
expect_eq "unknown layouts: usage error" 2 "$rc"
expect_match "unknown layouts: message" "unknown layouts 'alien' \(default, foreign, mixed\)" "$out"

# ---- 2. import both --------------------------------------------------------------------------
import_into() {  # import_into DB DIR: as a user would, the whole directory at once (the
                 # mappings that look units up go after the unit directory's)
    ZHIJIAN_DB=$1 "$ZHIJIAN" import --quiet --max-errors -1 --rejects "$WORK/rej" "$2"
}
import_into "$WORK/d.db" "$WORK/d"
expect_match "default import" "^[01]$" "$?"
out=$(import_into "$WORK/f.db" "$WORK/f" 2>&1); rc=$?
if [ "$rc" -ne 0 ] && [ "$rc" -ne 1 ] && printf '%s' "$out" | grep -Eq "unknown (key|option)"; then
    # the foreign mappings are in format v2 (docs/mapping.md); a build without it cannot
    # read them: say so and skip the rest rather than pass
    echo "SKIP: this build's importer does not read mapping format v2: $out" >&2
    [ "$failures" -eq 0 ] || { finish; exit 1; }
    exit 77
fi
expect_match "foreign import" "^[01]$" "$rc"
[ "$rc" -le 1 ] || printf '%s\n' "$out" >&2

# The canonical records, table by table: every column the default layout fills, provenance
# aside (the foreign procuratorate numbers carry the unit's region: 〕610114000007号, compared
# without it; amounts compared to 4 decimals). Extension events made from a ledger's columns have their own source keys.
compare() {  # compare DB1 DB2: the differing tables, or nothing
python3 - "$1" "$2" <<'EOF'
import re, sqlite3, sys
from collections import Counter
d, f = (sqlite3.connect(p) for p in sys.argv[1:3])
tables = ["unit", "officer", "officer_relative", "person", "enterprise", "enterprise_role",
          "tax_registration", "incident", "police_case", "procuratorate_case", "court_case",
          "case_party", "case_event", "interference_record", "complaint", "sentence_change",
          "cc_subject", "cc_leave", "cc_location", "region"]
skip = {"id", "key_hash", "batch_id", "src_line", "content_hash", "extra"}
region = re.compile(r"〕\d{6}(\d{6}号)")
def norm(v):
    # amounts to the cent (1.2万元 is 12000 up to the last bits of a double)
    return region.sub(r"〕\1", v) if isinstance(v, str) else round(v, 4) if isinstance(v, float) else v
out = []
for t in tables:
    cols = [r[1] for r in d.execute(f"PRAGMA table_info({t})") if r[1] not in skip]
    if t == "case_event":
        cols.remove("source_key")
    # the columns the default layout fills
    cols = [c for c in cols if d.execute(f"SELECT count({c}) FROM {t}").fetchone()[0]]
    # coordinates: the foreign layout's are GCJ-02, converted back on import (to ~1e-7 degrees)
    geo = [c for c in ("lat", "lon", "boundary") if c in cols]
    cols = [c for c in cols if c not in geo]
    if geo:
        key = "source_key"
        num = re.compile(r"-?\d+\.?\d*")
        def coords(r):
            return [float(x) for v in r for x in (num.findall(v) if isinstance(v, str) else [v])]
        gq = f"SELECT {key}, {', '.join(geo)} FROM {t}"
        ga = {r[0]: coords(r[1:]) for r in d.execute(gq)}
        gb = {r[0]: coords(r[1:]) for r in f.execute(gq)}
        off = [k for k in ga if k not in gb or len(ga[k]) != len(gb[k]) or
               any(abs(x - y) > 1e-6 for x, y in zip(ga[k], gb[k]))]
        if off:
            out.append(f"{t}: {len(off)} records whose coordinates differ, e.g. {off[:1]}")
    q = f"SELECT {', '.join(cols)} FROM {t}"
    a = Counter(tuple(norm(v) for v in r) for r in d.execute(q))
    b = Counter(tuple(norm(v) for v in r) for r in f.execute(q))
    if a != b:
        only_d, only_f = a - b, b - a
        out.append(f"{t}: {sum(a.values())} vs {sum(b.values())} records; "
                   f"{sum(only_d.values())} only in default, e.g. {list(only_d)[:1]}; "
                   f"{sum(only_f.values())} only in foreign, e.g. {list(only_f)[:1]}")
print("\n".join(out))
EOF
}
expect_eq "the same canonical records in both layouts" "" "$(compare "$WORK/d.db" "$WORK/f.db")"
import_into "$WORK/m.db" "$WORK/m"
expect_match "mixed import" "^[01]$" "$?"
expect_eq "the same canonical records in the mixed layouts" "" "$(compare "$WORK/d.db" "$WORK/m.db")"
fsql() { sqlite3 -batch -noheader "$WORK/f.db" "$1"; }
expect_eq "foreign: only the planted malformed rows are rejected (the total line is skipped)" \
    "$(python3 -c "import json,sys; print(sum(f['rejected'] for f in json.load(open(sys.argv[1]))['files']))" "$WORK/f/manifest.json")" \
    "$(fsql "SELECT count(*) FROM import_reject")"
expect_match "foreign: court extensions from the ledger's columns" "^[1-9]" \
    "$(fsql "SELECT count(*) FROM court_case WHERE extension_days > 0")"
expect_eq "foreign: each court extension is also an event" \
    "$(fsql "SELECT count(*) FROM court_case WHERE extension_days > 0")" \
    "$(fsql "SELECT count(*) FROM case_event WHERE case_system = 'court' AND node = 'extension'")"
expect_match "foreign: revoked police cases with their reason" "^[1-9][0-9]*\|0$" \
    "$(fsql "SELECT count(*), sum(revoke_reason IS NULL) FROM police_case WHERE close_reason = 'revoked'")"
expect_eq "foreign: a reason only for revoked cases" 0 \
    "$(fsql "SELECT count(*) FROM police_case WHERE revoke_reason IS NOT NULL AND close_reason IS NOT 'revoked'")"
expect_eq "foreign: the court category kept in extra" "民事" \
    "$(fsql "SELECT json_extract(extra, '$.case_category') FROM court_case WHERE case_type = '民初' LIMIT 1")"

# ---- 3. link, detect, eval -------------------------------------------------------------------
for L in d f; do
    ZHIJIAN_DB="$WORK/$L.db" "$ZHIJIAN" link --quiet
    expect_eq "$L: link" 0 $?
    ZHIJIAN_DB="$WORK/$L.db" "$ZHIJIAN" detect --as-of 2021-12-31 --json > /dev/null
    expect_eq "$L: detect" 0 $?
    ZHIJIAN_DB="$WORK/$L.db" "$ZHIJIAN" eval --truth "$WORK/$L" --json > "$WORK/eval-$L.json"
    expect_eq "$L: eval" 0 $?
done
for code in $CODES; do
    read -r p r t f <<<"$(python3 -c "
import json,sys
d = json.load(open(sys.argv[1]))['detectors'][sys.argv[2]]
print(d['precision'], d['recall'], d['truth'], d['found'])" "$WORK/eval-f.json" "$code")"
    echo "  foreign $code: precision $p recall $r (truth $t, leads $f)"
    expect_match "$code has planted anomalies" "^[1-9]" "$t"
    expect_eq "foreign: $code precision >= 0.95" 1 "$(python3 -c "print(int($p >= 0.95))")"
    expect_eq "foreign: $code recall >= 0.95" 1 "$(python3 -c "print(int($r >= 0.95))")"
done
same=$(python3 -c "
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:3])
keys = ('found', 'true_positives', 'recall', 'near_miss_hits')
diff = [c for c in a['detectors'] if any(a['detectors'][c].get(k) != b['detectors'][c].get(k) for k in keys)]
for kind in ('person', 'enterprise'):
    if any(a['linking'][kind][k] != b['linking'][kind][k] for k in ('found', 'correct', 'truth', 'mentions')):
        diff.append('linking ' + kind)
print(' '.join(diff))" "$WORK/eval-d.json" "$WORK/eval-f.json")
expect_eq "eval scores both layouts the same" "" "$same"
finish
