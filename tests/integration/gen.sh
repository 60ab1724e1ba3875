#!/usr/bin/env bash
# gen.sh - the synthetic province end to end: determinism, import through the shipped
# mappings with exactly the planted rejects, truth keys present in the store, and eval on a
# hand-built store (no leads, a matching lead, a near-miss lead, perfect and absent linking).
. "$(dirname "$0")/lib.sh"
G=$WORK/gen

# -- determinism: the same seed twice gives byte-identical directories -----------------------
"$ZHIJIAN" gen --seed 7 --scale tiny --out "$G" --quiet; rc=$?
expect_eq "gen exit" 0 "$rc"
"$ZHIJIAN" gen --seed 7 --scale tiny --out "$WORK/gen2" --quiet
sums() { (cd "$1" && find . -type f | LC_ALL=C sort | xargs sha256sum); }
expect_eq "same seed, same bytes" "$(sums "$G")" "$(sums "$WORK/gen2")"
rm -rf "$WORK/gen2"
"$ZHIJIAN" gen --seed 8 --scale tiny --out "$WORK/gen3" --quiet
checks=$((checks + 1))
if [ "$(sums "$G")" = "$(sums "$WORK/gen3")" ]; then
    echo "FAIL: another seed gave the same output" >&2; failures=$((failures + 1)); fi
rm -rf "$WORK/gen3"

nfiles=$(python3 -c "import json,sys; print(len(json.load(open(sys.argv[1]))['files']))" "$G/manifest.json")
checks=$((checks + 1))
[ "$nfiles" -ge 15 ] || { echo "FAIL: only $nfiles export files" >&2; failures=$((failures + 1)); }
expect_eq "a mapping beside every export" "$nfiles" "$(ls "$G"/*.mapping.yaml | wc -l | tr -d ' ')"

# -- import: every file through its mapping, exactly the planted rejects ---------------------
"$ZHIJIAN" import --max-errors -1 --json --rejects "$WORK/rej" "$G" > "$WORK/import.json"
rc=$?
expect_eq "import exit (planted rejects)" 1 "$rc"
out=$(python3 - "$G/manifest.json" "$WORK/import.json" <<'PY'
import csv, json, os, sys
man = json.load(open(sys.argv[1]))
res = {}
for line in open(sys.argv[2]):
    o = json.loads(line)
    res[os.path.basename(o["file"])] = o
bad = []
for f in man["files"]:
    r = res.get(f["file"])
    if r is None:
        bad.append(f"{f['file']}: not imported")
        continue
    got = (r["status"], r["rows_read"], r["rejected"], r["inserted"], r["updated"])
    want = ("committed", f["rows"], f["rejected"], f["records"], 0)
    if got != want:
        bad.append(f"{f['file']}: status/rows/rejected/inserted/updated {got}, manifest says {want}")
    lines = sorted(int(row["line"]) for row in csv.DictReader(open(r["rejects_file"], encoding="utf-8", errors="replace", newline=""))) if r.get("rejects_file") else []
    want_lines = sorted(m["line"] for m in f["malformed"])
    if lines != want_lines:
        bad.append(f"{f['file']}: rejected lines {lines}, manifest says {want_lines}")
print("\n".join(bad) if bad else "ok")
PY
)
expect_eq "every file imports as the manifest says" ok "$out"

# -- every truth record is in the store ------------------------------------------------------
out=$(python3 - "$G/truth.jsonl" "$ZHIJIAN_DB" <<'PY'
import json, sqlite3, sys
db = sqlite3.connect(sys.argv[2])
missing, codes = [], set()
for line in open(sys.argv[1]):
    t = json.loads(line)
    codes.add(t["code"])
    for r in [t["subject"]] + t["records"]:
        n = db.execute(f'SELECT count(*) FROM "{r["table"]}" WHERE source_system = ? AND source_key = ?',
                       (r["source_system"], r["key"])).fetchone()[0]
        if n != 1:
            missing.append(f'{t["code"]} {r["table"]} {r["source_system"]} {r["key"]!r}')
print(len(codes))
print("\n".join(missing[:5]) if missing else "ok")
PY
)
expect_eq "all 32 detector codes planted" 32 "$(printf '%s\n' "$out" | head -1)"
expect_eq "truth subjects and records exist in the store" ok "$(printf '%s\n' "$out" | tail -n +2)"

# identity keys are the stored keys too (a sample of every table)
out=$(python3 - "$G/identity.jsonl" "$ZHIJIAN_DB" <<'PY'
import json, sqlite3, sys
db = sqlite3.connect(sys.argv[2])
seen, bad = {}, []
for line in open(sys.argv[1]):
    m = json.loads(line)
    k = (m["table"], m["source_system"])
    seen[k] = seen.get(k, 0) + 1
    if seen[k] > 40:
        continue
    n = db.execute(f'SELECT count(*) FROM "{m["table"]}" WHERE source_system = ? AND source_key = ?',
                   (m["source_system"], m["key"])).fetchone()[0]
    if n != 1:
        bad.append(f'{k} {m["key"]!r}')
print("\n".join(bad[:5]) if bad else "ok")
PY
)
expect_eq "identity keys exist in the store" ok "$out"

# -- the plants are in the data: a naive query per rule finds exactly the planted anomalies ---
out=$(python3 - "$G/truth.jsonl" "$ZHIJIAN_DB" "$G/identity.jsonl" <<'PY'
import json, sqlite3, sys, collections
db = sqlite3.connect(sys.argv[2])
truth = {}
for line in open(sys.argv[1]):
    t = json.loads(line)
    if not t["near_miss"] and not (t["code"] == "CP01" and "interference" in t["note"]):
        truth[t["code"]] = truth.get(t["code"], 0) + 1
rules = {
 "CF01": "SELECT count(*) FROM incident WHERE category='criminal' AND police_case_no IS NULL",
 "CF02": "SELECT count(*) FROM police_case WHERE filing_decision='pending' AND NOT major AND julianday('2021-12-31')-julianday(accepted_at) > 7",
 "CF03": "SELECT count(*) FROM police_case p WHERE status='investigating' AND (SELECT max(occurred_at) FROM case_event e WHERE e.case_system='police' AND e.case_no=p.case_no) < '2021-10-02' AND NOT EXISTS (SELECT 1 FROM case_event e WHERE e.case_system='police' AND e.case_no=p.case_no AND e.node='suspension')",
 "CF04": "SELECT count(*) FROM police_case WHERE filed_at IS NOT NULL AND closed_at IS NOT NULL AND transferred_at IS NULL AND close_reason IS NULL",
 "CF05": "SELECT count(*) FROM police_case p WHERE procuratorate_case_no IS NOT NULL AND NOT EXISTS (SELECT 1 FROM procuratorate_case q WHERE q.case_no=p.procuratorate_case_no)",
 "CF06": "SELECT count(*) FROM court_case c WHERE case_type='民初' AND procedure='ordinary' AND julianday(closed_at)-julianday(filed_at) > 183 AND NOT EXISTS (SELECT 1 FROM case_event e WHERE e.case_system='court' AND e.case_no=c.case_no AND e.node='extension')",
 "CF08": "SELECT count(*) FROM court_case WHERE closed_at < filed_at",
 "PN01": "SELECT count(*) FROM court_case WHERE procedure='summary' AND status='open' AND julianday('2021-12-31')-julianday(filed_at) > 75",
 "TR02": "SELECT count(*) FROM interference_record WHERE reported_at >= datetime(report_month || '-01', '+1 month', '+5 days')",
 "TR05": "SELECT count(*) FROM police_case WHERE three_reg_declared=0 AND filing_decision='filed'",
 "SC01": "SELECT count(*) FROM sentence_change WHERE change_type='reduction' AND sentence_months < 60 AND crime_category NOT IN ('duty','financial','organized') AND NOT recidivist AND julianday(applied_at)-julianday(sentence_start_date) < 365",
 "SC02": "SELECT count(*) FROM sentence_change WHERE change_type='reduction' AND crime_category='duty' AND sentence_months < 120 AND julianday(applied_at)-julianday(sentence_start_date) < 730",
 "SC03": "SELECT count(*) FROM sentence_change WHERE change_type='medical_parole' AND last_review_date < '2021-09-30'",
 "CC01": "SELECT count(DISTINCT l.subject_no) FROM cc_location l JOIN cc_subject s ON s.subject_no=l.subject_no WHERE l.region_code<>s.region_code AND NOT EXISTS (SELECT 1 FROM cc_leave v WHERE v.subject_no=l.subject_no AND l.recorded_at BETWEEN v.start_at AND v.end_at AND v.destination_region_code=l.region_code)",
 "CC02": "SELECT count(*) FROM (SELECT recorded_at, lag(recorded_at) OVER (PARTITION BY subject_no ORDER BY recorded_at) prev FROM cc_location) WHERE julianday(recorded_at)-julianday(prev) > 1",
}
bad = [f"{c}: query finds {db.execute(q).fetchone()[0]}, truth has {truth.get(c, 0)}"
       for c, q in rules.items() if db.execute(q).fetchone()[0] != truth.get(c, 0)]
# CP01: complaints name the officer by number or by name and unit (the name as heard: a
# traditional or homophone character, a stray space), so the naive query resolves names with
# the identity truth; a name two officers of the unit share cannot be resolved
ident = {}
for line in open(sys.argv[3]):
    m = json.loads(line)
    if (m["table"], m["role"]) in (("complaint", "target"), ("officer", "self")):
        ident[(m["table"], m["key"])] = m["entity"]
shared = {(u, n) for u, n, k in db.execute("SELECT unit_code, name, count(DISTINCT id_no) FROM officer GROUP BY 1, 2") if k > 1}
names = {e: (u, n) for (t, k), e in ident.items() if t == "officer" for u, n in db.execute("SELECT unit_code, name FROM officer WHERE source_key = ?", (k,))}
per = collections.Counter()
for key, no in db.execute("SELECT source_key, target_officer_no FROM complaint WHERE target_officer_no IS NOT NULL OR target_officer_name IS NOT NULL"):
    e = ident.get(("officer", no)) if no else ident.get(("complaint", key))
    if e and (no or names.get(e) not in shared):
        per[e] += 1
found = sum(1 for n in per.values() if n >= 3)
if found != truth.get("CP01", 0):
    bad.append(f"CP01: naive count finds {found}, truth has {truth.get('CP01', 0)}")
print("\n".join(bad) if bad else "ok")
PY
)
expect_eq "naive rule queries find exactly the plants" ok "$out"

# -- eval: nothing detected yet ---------------------------------------------------------------
j() { printf '%s' "$out" | python3 -c "import json,sys; print(json.load(sys.stdin)$1)"; }
out=$("$ZHIJIAN" eval --truth "$G" --json); rc=$?
expect_eq "eval exit" 0 "$rc"
expect_eq "no leads: recall 0" "0 0" "$(j '["detectors"]["CF06"]["recall"]') $(j '["detectors"]["CF06"]["found"]')"
expect_eq "every catalog code is scored or listed as not built" 32 \
    "$(printf '%s' "$out" | python3 -c "import json,sys; d = json.load(sys.stdin); print(len(d['detectors']) + len(d['not_built']))")"
built=$("$ZHIJIAN" detect --list | grep -oE '^[A-Z]{2}[0-9]{2} ' | sort | tr -d ' ' | tr '\n' ' ')
expect_eq "scored: exactly the codes in the registry" "$built" \
    "$(printf '%s' "$out" | python3 -c "import json,sys; d = json.load(sys.stdin); print(''.join(c + ' ' for c in sorted(d['detectors'])))")"
unbuilt=$(printf '%s' "$out" | python3 -c "import json,sys; print(' '.join(json.load(sys.stdin)['not_built']))")
both=$(for c in $unbuilt; do case " $built" in *" $c "*) printf '%s ' "$c";; esac; done)
expect_eq "no code is both scored and listed as not built" "" "$both"
text=$("$ZHIJIAN" eval --truth "$G")
if [ -n "$unbuilt" ]; then
    expect_eq "text: no score line for a code not built" 0 \
        "$(printf '%s\n' "$text" | grep -cE "^  (${unbuilt// /|}) ")"
    expect_match "text: the codes not built are listed" "not built \(未实现\), no score: $unbuilt\$" "$text"
else   # every catalogue code is built: no "not built" line at all
    expect_eq "text: no 'not built' line when every code is built" 0 \
        "$(printf '%s\n' "$text" | grep -c 'not built')"
fi
cf06=$(grep -c '"code":"CF06","near_miss":false' "$G/truth.jsonl")
expect_eq "truth count" "$cf06" "$(j '["detectors"]["CF06"]["truth"]')"

# -- eval: one lead on a planted CF06 case, one on its near miss -----------------------------
lead() {  # lead CODE NEAR_MISS(true|false) FINGERPRINT
    python3 - "$G/truth.jsonl" "$ZHIJIAN_DB" "$1" "$2" "$3" <<'PY'
import json, sqlite3, sys
db = sqlite3.connect(sys.argv[2])
for line in open(sys.argv[1]):
    t = json.loads(line)
    if t["code"] == sys.argv[3] and str(t["near_miss"]).lower() == sys.argv[4]:
        s = t["subject"]
        rid = db.execute(f'SELECT id FROM "{s["table"]}" WHERE source_system = ? AND source_key = ?',
                         (s["source_system"], s["key"])).fetchone()[0]
        # as the sink writes it: produced by a finished run of its detector (a current lead)
        run = db.execute("INSERT INTO detect_run (code, started_at, finished_at) VALUES"
                         " (?, '2021-12-31 00:00:00', '2021-12-31 00:00:01')", (sys.argv[3],)).lastrowid
        db.execute("UPDATE lead SET last_run = ? WHERE code = ?", (run, sys.argv[3]))
        db.execute("INSERT INTO lead (code, fingerprint, subject_table, subject_id, severity, title,"
                   " explanation, status, first_seen_at, last_seen_at, last_run) VALUES"
                   " (?, ?, ?, ?, 2, 't', 'e', 'new', '2021-12-31 00:00:00', '2021-12-31 00:00:00', ?)",
                   (sys.argv[3], sys.argv[5], s["table"], rid, run))
        db.commit()
        break
PY
}
lead CF06 false fp1
out=$("$ZHIJIAN" eval --truth "$G" --json)
expect_eq "matching lead: precision 1" "1" "$(j '["detectors"]["CF06"]["precision"]')"
expect_eq "matching lead: recall 1/n" "$(python3 -c "print(1/$cf06)")" "$(j '["detectors"]["CF06"]["recall"]')"
lead CF06 true fp2
out=$("$ZHIJIAN" eval --truth "$G" --json)
expect_eq "near-miss lead is a false positive" "0.5 1" \
    "$(j '["detectors"]["CF06"]["precision"]') $(j '["detectors"]["CF06"]["near_miss_hits"]')"

# -- eval: linking, perfect and absent -------------------------------------------------------
mentions() {  # mentions perfect|none
    python3 - "$G/identity.jsonl" "$ZHIJIAN_DB" "$1" <<'PY'
import json, sqlite3, sys
db = sqlite3.connect(sys.argv[2])
db.execute("DELETE FROM mention"); db.execute("DELETE FROM entity")
ids = {}
for line in open(sys.argv[1]):
    m = json.loads(line)
    row = db.execute(f'SELECT id FROM "{m["table"]}" WHERE source_system = ? AND source_key = ?',
                     (m["source_system"], m["key"])).fetchone()
    if not row:
        continue
    eid = None
    if sys.argv[3] == "perfect":
        if m["entity"] not in ids:
            cur = db.execute("INSERT INTO entity (kind, created_at) VALUES (?, '2021-12-31 00:00:00')", (m["kind"],))
            ids[m["entity"]] = cur.lastrowid
        eid = ids[m["entity"]]
    db.execute("INSERT OR IGNORE INTO mention (table_name, record_id, role, kind, entity_id) VALUES (?, ?, ?, ?, ?)",
               (m["table"], row[0], m["role"], m["kind"], eid))
db.commit()
PY
}
mentions perfect
out=$("$ZHIJIAN" eval --truth "$G" --json)
expect_eq "perfect linking" "1 1 1 1" \
    "$(j '["linking"]["person"]["precision"]') $(j '["linking"]["person"]["recall"]') $(j '["linking"]["enterprise"]["precision"]') $(j '["linking"]["enterprise"]["recall"]')"
expect_match "person pairs exist" '^[1-9][0-9]*$' "$(j '["linking"]["person"]["truth"]')"
expect_eq "noisy pairs recalled" 1 "$(j '["linking"]["person"]["recall_by_noise"]["missing_id"]["recall"]')"
mentions none
out=$("$ZHIJIAN" eval --truth "$G" --json)
expect_eq "nothing linked" "0 0" "$(j '["linking"]["person"]["recall"]') $(j '["linking"]["person"]["found"]')"
text=$("$ZHIJIAN" eval --truth "$G")
expect_match "readable table" "CF06 +0\.500" "$text"

# -- usage errors ------------------------------------------------------------------------------
"$ZHIJIAN" gen --scale huge --out "$WORK/x" 2>/dev/null; expect_eq "bad scale" 2 "$?"
"$ZHIJIAN" eval --truth "$WORK/nowhere" 2>/dev/null; expect_eq "missing truth" 2 "$?"
finish
