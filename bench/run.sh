#!/usr/bin/env bash
# run.sh - `make bench`: zhijian's benchmarks, each side by side with a peer in the same run.
#
#   import   a BENCH_ROWS-row CSV (default 5,000,000): zhijian parse+validate (--dry-run),
#            zhijian end to end into a fresh store (WAL, readers never blocked), sqlite3's
#            .import (default rollback journal, and into a WAL database), DuckDB's read_csv
#            (npm @duckdb/node-api; 1 thread and 2 threads)
#   provimport  a generated medium province in its real files (27 files, GB18030 ones, later
#            files appending to tables that hold rows): zhijian import of the folder against
#            sqlite3 .import and DuckDB read_csv (2 threads) of the same files converted to
#            UTF-8 CSV (bench/province_utf8.py), one table per file
#   gen      the synthetic province at medium scale: records/s and peak RSS
#   text     identifiers and names (bench_text), when built
#   detect   the 三个违规 screen (TV01-TV04) on the medium province: zhijian detect against the
#            same joins (bench/tv_screen.sql) in sqlite3 on the same store file and in DuckDB
#            (tables exported to CSV: the sqlite extension cannot be installed offline), and
#            every detector of issue 6 with eval's precision and recall; then the case-flow
#            anti-joins and a deadline check (CF01, CF05, CF06) against bench/caseflow.sql
#   caseflow every case through the per-case detectors (CF01 CF02 CF05-CF08) at medium scale
#            (BENCH_CASEFLOW_SCALE=province for the province), in-process seconds and CPU seconds,
#            against bench/caseflow.sql in SQLite and DuckDB with their data loaded first; then
#            an incremental batch of 10,000 new process nodes re-evaluated
#   filing   the filing check (FL01-FL04) on a medium province: one check's latency p50/p99 in
#            process, checks/s on 2 threads, the same look-ups as SQL on the same SQLite store
#            (bench/bench_filing.c), and the replay's precision and recall
#   http     zhijian serve under wrk: lead list and statistics, filing checks, 200 officers
#            filing records for a minute while an import runs (bench/http.sh)
#   link10m  entity resolution at the issue-5 target size: gen --scale large (~10M mentions),
#            import, a first `zhijian link` (seconds, CPU, peak RSS, stages) and eval's linking
#            quality; needs ~12 GB of disk and ~8 minutes
#   web      the leaders' cockpit in Debian's chromium (playwright-core): page weight, requests,
#            first contentful paint and the time until every chart is drawn, on the small province
#            (BENCH_WEB_SHOT=FILE.png also saves the cockpit as the README shows it)
#   trajectory  community correction (CC01-CC03) over 50.4M stored location points (bench_track:
#            written through the store's bulk writer, timed on its own), SQLite's window
#            function for CC02 alone as the peer, and the meeting search against all pairs on a
#            sample (they must agree); BENCH_TRACK_SUBJECTS, BENCH_TRACK_DAYS make it smaller
#   audit    the audit trail (bench_audit): appends/s with the hash chain only and with the
#            Merkle tree and signed head (1,000 per transaction, and one per transaction), and
#            the time to verify a log of BENCH_AUDIT_VERIFY entries (default 10,000,000; ~3.3 GB
#            of disk, ~4 minutes to write). The peer is immudb's published figure (docs/audit.md)
# Prints a Markdown table per benchmark; paste figures into docs/benchmarks.md.
# BENCH_PROVINCE_SCALE=small makes provimport quick (for trying the script).
# BENCH_ONLY=import (or provimport, province, caseflow, text, filing, link10m, audit, http, web,
# trajectory;
# comma-separated)
# runs only those sections:
# province is gen, import + link and detect, which build on one another. Default: all.
set -euo pipefail
cd "$(dirname "$0")/.."
ROWS=${BENCH_ROWS:-5000000}
ONLY=${BENCH_ONLY:-}
want() { [ -z "$ONLY" ] || [[ ",$ONLY," == *",$1,"* ]]; }
ZJ=build/zhijian
DATA=bench/data
mkdir -p "$DATA"

if [ ! -d bench/node_modules/@duckdb/node-api ]; then
  (cd bench && npm ci --no-audit --no-fund --loglevel=error)
fi

# cf_csv DIR: the columns bench/caseflow.sql reads, from $ZHIJIAN_DB as CSV files for DuckDB
# (the mentions of the two tables whose records it matches by entity: incidents, case parties)
cf_csv() {
  rm -rf "$1"; mkdir -p "$1"
  local spec tab cols where
  for spec in "incident|id,incident_no,category,disposition,received_at,police_case_no|" \
      "police_case|id,case_no,incident_no,accepted_at,transferred_at,procuratorate_case_no,cause|" \
      "procuratorate_case|id,case_no,police_case_no,received_at,decision,decided_at,court_case_no,cause|" \
      "court_case|id,case_no,case_type,procedure,filed_at,closed_at,procuratorate_case_no,cause|" \
      "case_event|id,case_system,case_no,node,days|" \
      "case_party|id,case_system,case_no,role|" \
      "mention|table_name,record_id,entity_id|WHERE table_name IN ('incident', 'case_party')"; do
    IFS='|' read -r tab cols where <<<"$spec"
    sqlite3 -header -csv "$ZHIJIAN_DB" "SELECT $cols FROM $tab $where" > "$1/$tab.csv"
  done
}

results=()
run_timed() {  # run_timed NAME CMD... : seconds, CPU seconds and peak RSS of CMD into results
  local name=$1; shift
  local out
  sync   # no contender pays for the kernel still writing out the one before it
  out=$( /usr/bin/time -f 'TIME %e %U %S %M' "$@" 2>&1 >/dev/null | grep '^TIME' | tail -1 )
  results+=("$name|${out#TIME }")
}
print_results() {  # print_results ROWS : the results as a Markdown table, then clear them
  echo "| contender | seconds | CPU seconds | rows/s | peak RSS MiB |"
  echo "|---|---:|---:|---:|---:|"
  for r in "${results[@]}"; do
    IFS='|' read -r name rest <<<"$r"
    read -r secs user sys rss <<<"$rest"
    awk -v n="$name" -v s="$secs" -v c="$(awk -v u="$user" -v y="$sys" 'BEGIN { print u + y }')" \
        -v k="$rss" -v rows="$1" \
      'BEGIN { printf "| %s | %.2f | %.2f | %.0f | %.0f |\n", n, s, c, (s > 0 ? rows / s : 0), k / 1024 }'
  done
  results=()
}
seconds_of() {  # seconds_of NAME : the wall seconds recorded for NAME
  for r in "${results[@]}"; do
    IFS='|' read -r name rest <<<"$r"
    if [ "$name" = "$1" ]; then read -r secs _ <<<"$rest"; echo "$secs"; fi
  done
  return 0
}
report() {  # report TITLE ROWS ZHIJIAN PEER TARGET : the table, then zhijian's speed vs PEER's
  local zj_s sq_s
  zj_s=$(seconds_of "$3")
  sq_s=$(seconds_of "$4")
  echo
  echo "### $1 ($(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs))"
  echo
  print_results "$2"
  echo
  awk -v a="$sq_s" -v b="$zj_s" -v t="$5" \
    'BEGIN { printf "zhijian is %.2fx the speed of sqlite3 .import (target %sx)\n", a / b, t }'
}

if want import; then
csv=$DATA/cases-$ROWS.csv
if [ ! -s "$csv" ]; then
  echo "bench: writing $ROWS rows to $csv" >&2
  build/bench/make_csv "$ROWS" > "$csv.tmp" && mv "$csv.tmp" "$csv"
fi
size_mb=$(( $(stat -c %s "$csv") / 1048576 ))

cat "$csv" > /dev/null   # warm the page cache so every contender reads from memory
sync   # and none pays for the kernel still writing out make_csv's file
load0=$(cut -d' ' -f1-3 /proc/loadavg)   # other jobs on the machine skew every figure

run_timed "zhijian parse+validate (--dry-run)" \
  $ZJ import --quiet --dry-run --db "$DATA/dry.db" -m bench/court_case.mapping.yaml "$csv"
rm -f "$DATA"/zj.db*
run_timed "zhijian import into the store (WAL)" \
  $ZJ import --quiet --db "$DATA/zj.db" -m bench/court_case.mapping.yaml "$csv"
rm -f "$DATA"/sq.db*
run_timed "sqlite3 .import (all TEXT, no key)" \
  sqlite3 "$DATA/sq.db" ".mode csv" ".import $csv court_case"
rm -f "$DATA"/sqw.db*
run_timed "sqlite3 .import into a WAL database" \
  sqlite3 "$DATA/sqw.db" "PRAGMA journal_mode = WAL" ".mode csv" ".import $csv court_case"
rm -f "$DATA"/dk1.duckdb* "$DATA"/dk.duckdb*
run_timed "DuckDB read_csv, 1 thread" \
  env DUCKDB_THREADS=1 node bench/duckdb_import.mjs "$csv" "$DATA/dk1.duckdb"
run_timed "DuckDB read_csv, 2 threads" \
  env DUCKDB_THREADS=2 node bench/duckdb_import.mjs "$csv" "$DATA/dk.duckdb"
report "Import: $ROWS rows, $size_mb MiB CSV" "$ROWS" "zhijian import into the store (WAL)" \
  "sqlite3 .import (all TEXT, no key)" 1.5
zj_rows=$(sqlite3 "$DATA/zj.db" 'SELECT count(*) FROM court_case')
sq_rows=$(sqlite3 "$DATA/sq.db" 'SELECT count(*) FROM court_case')
echo "rows stored: zhijian $zj_rows, sqlite3 $sq_rows"
echo "load average before / after: $load0 / $(cut -d' ' -f1-3 /proc/loadavg)"
fi

if want provimport; then
# provimport: a medium province in its real files (issue 11): zhijian against the peers
pdir=$DATA/gen-medium-import
udir=$DATA/gen-medium-utf8
rm -rf "$pdir" "$udir"
$ZJ gen --seed 1 --scale "${BENCH_PROVINCE_SCALE:-medium}" --out "$pdir" --quiet
python3 bench/province_utf8.py "$pdir" "$udir" > "$DATA/province-files.txt"
precs=$(awk '{ n += $3 } END { print n }' "$DATA/province-files.txt")
nfiles=$(wc -l < "$DATA/province-files.txt")
ngb=$(python3 -c "import json,sys; print(sum(f['encoding'] == 'gb18030' for f in json.load(open(sys.argv[1]))['files']))" "$pdir/manifest.json")
awk '{ printf ".import --csv %s %s\n", $1, $2 }' "$DATA/province-files.txt" > "$DATA/province-import.sql"
cat "$pdir"/* "$udir"/* > /dev/null      # everyone reads from the page cache
sync   # the first contender must not pay for the kernel still writing out gen's 2 GB of files
rm -f "$DATA"/pz.db*
# (exit status 1: the generator's planted dirty rows were rejected, as they must be)
run_timed "zhijian import of the folder (27 mappings, WAL)" \
  sh -c "$ZJ import --quiet --max-errors -1 --reject-dir $DATA/rejects --db $DATA/pz.db $pdir; [ \$? -le 1 ]"
rm -f "$DATA"/ps.db*
run_timed "sqlite3 .import of the UTF-8 copies, a table each" \
  sqlite3 "$DATA/ps.db" ".read $DATA/province-import.sql"
rm -f "$DATA"/psw.db*
run_timed "sqlite3 .import of the UTF-8 copies into a WAL database" \
  sqlite3 "$DATA/psw.db" "PRAGMA journal_mode = WAL" ".read $DATA/province-import.sql"
rm -f "$DATA"/pd.duckdb*
run_timed "DuckDB read_csv of the UTF-8 copies, 2 threads" \
  env DUCKDB_THREADS=2 node bench/duckdb_files.mjs "$DATA/pd.duckdb" "$DATA/province-files.txt"
report "Import of a ${BENCH_PROVINCE_SCALE:-medium} province: $precs records in $nfiles files, $ngb of them GB18030" \
  "$precs" "zhijian import of the folder (27 mappings, WAL)" \
  "sqlite3 .import of the UTF-8 copies, a table each" 1.0
echo "records stored: zhijian $(sqlite3 "$DATA/pz.db" "SELECT sum(rows_read - rejected) FROM import_batch"), sqlite3 $(sqlite3 "$DATA/ps.db" "SELECT 0$(awk '{ printf " + (SELECT count(*) FROM %s)", $2 }' "$DATA/province-files.txt")")"
rm -rf "$pdir" "$udir" "$DATA"/pz.db* "$DATA"/ps.db* "$DATA"/psw.db* "$DATA"/pd.duckdb* "$DATA/rejects" \
  "$DATA/province-files.txt" "$DATA/province-import.sql"
fi

if want province; then

# gen: the synthetic province at medium scale (issue 4), written to disk as `make demo` would
gdir=$DATA/gen-medium
rm -rf "$gdir"
gout=$( /usr/bin/time -f 'TIME %e %U %S %M' $ZJ gen --seed 1 --scale medium --out "$gdir" --quiet \
        2>&1 | grep '^TIME' | tail -1 )
read -r _ gsecs guser gsys grss <<<"$gout"
grecs=$(python3 -c "import json,sys; print(sum(f['rows'] for f in json.load(open(sys.argv[1]))['files']))" "$gdir/manifest.json")
gmib=$(( $(du -sk "$gdir" | cut -f1) / 1024 ))
echo
echo "### Synthetic province: gen --scale medium ($(nproc) cores)"
echo
echo "| records | MiB written | seconds | CPU seconds | records/s | records/CPU-s | peak RSS MiB |"
echo "|---:|---:|---:|---:|---:|---:|---:|"
awk -v r="$grecs" -v m="$gmib" -v s="$gsecs" -v u="$guser" -v y="$gsys" -v k="$grss" \
  'BEGIN { c = u + y; printf "| %d | %d | %.2f | %.2f | %.0f | %.0f | %.0f |\n", r, m, s, c, \
           (s > 0 ? r / s : 0), (c > 0 ? r / c : 0), k / 1024 }'

# import + link: the medium province end to end (issues 2 and 5)
export ZHIJIAN_DB=$DATA/medium.db
rm -f "$DATA"/medium.db*
# (exit status 1: the generator's planted dirty rows were rejected, as they must be)
iout=$( { /usr/bin/time -f 'TIME %e %U %S %M' $ZJ import --quiet --max-errors -1 "$gdir" 2>&1 || true; } | grep '^TIME' | tail -1 )
read -r _ isecs iuser isys irss <<<"$iout"
lout=$( /usr/bin/time -f 'TIME %e %U %S %M' $ZJ link --json 2>&1 >"$DATA/link.json" | grep '^TIME' | tail -1 )
read -r _ lsecs luser lsys lrss <<<"$lout"
read -r pm em pairs <<<"$(python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print(d['person']['mentions'], d['enterprise']['mentions'], d['person']['pairs_compared'] + d['enterprise']['pairs_compared'])" "$DATA/link.json")"
echo
echo "### Import and entity resolution of the medium province ($(nproc) cores)"
echo
echo "| step | seconds | CPU seconds | rate | peak RSS MiB |"
echo "|---|---:|---:|---:|---:|"
awk -v r="$grecs" -v s="$isecs" -v u="$iuser" -v y="$isys" -v k="$irss" \
  'BEGIN { printf "| import %d records (27 files) | %.2f | %.2f | %.0f records/s | %.0f |\n", r, s, u + y, r / s, k / 1024 }'
awk -v m=$((pm + em)) -v p="$pairs" -v s="$lsecs" -v u="$luser" -v y="$lsys" -v k="$lrss" \
  'BEGIN { printf "| link %d mentions, %d pairs scored | %.2f | %.2f | %.0f mentions/s, %.0f pairs/s | %.0f |\n", m, p, s, u + y, m / s, p / s, k / 1024 }'

fi

if want audit; then
  echo
  load0=$(cut -d' ' -f1-3 /proc/loadavg)
  build/bench/bench_audit "$DATA" "${BENCH_AUDIT_APPENDS:-1000000}" "${BENCH_AUDIT_VERIFY:-10000000}"
  echo "load average before / after: $load0 / $(cut -d' ' -f1-3 /proc/loadavg)"
fi

if want trajectory; then
  # community correction (issue 15): BENCH_TRACK_SUBJECTS subjects x BENCH_TRACK_DAYS days, a fix
  # every 5 minutes (5,000 x 35: 50.4M points), written through the store's bulk writer (timed
  # on its own), then CC01-CC03 over the stored points; the peer is SQLite computing CC02's
  # silences alone with a window function on the same file. Then the meeting search (CC03)
  # against all pairs on a sample, which must give the same meetings.
  track=$DATA/track.db
  subjects=${BENCH_TRACK_SUBJECTS:-5000}
  days=${BENCH_TRACK_DAYS:-35}
  echo
  echo "### Trajectories: CC01-CC03 over $subjects subjects x $days days of 5-minute fixes ($(nproc) cores)"
  echo
  echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo
  echo "| step | seconds | CPU seconds | points/s |"
  echo "|---|---:|---:|---:|"
  nice -n 0 build/bench/bench_track write "$track" "$subjects" "$days" 5
  ZHIJIAN_DB=$track $ZJ link --quiet >/dev/null
  points=$(sqlite3 "$track" "SELECT count(*) FROM cc_location")
  run_timed "zhijian detect CC01 CC02 CC03 (one pass over the points)" \
    env ZHIJIAN_DB="$track" $ZJ detect --only CC01 CC02 CC03 --no-analysis --no-link --as-of 2026-03-01
  run_timed "sqlite3: CC02's silences alone (lag() over each subject's fixes)" \
    sqlite3 "$track" "SELECT count(*) FROM (SELECT recorded_at, lag(recorded_at) OVER (PARTITION BY subject_no ORDER BY recorded_at) AS prev FROM cc_location) WHERE julianday(recorded_at) - julianday(prev) > 1"
  print_results "$points"
  echo
  echo "| meeting search on a sample | seconds | CPU seconds | distance tests | meetings |"
  echo "|---|---:|---:|---:|---:|"
  build/bench/bench_track compare "$track" "${BENCH_TRACK_SAMPLE:-300}" 48 ||
    { echo "bench: the grid and all pairs disagree" >&2; exit 1; }
  echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
fi

if want text && [ -x build/bench/bench_text ]; then
  echo
  build/bench/bench_text
fi

if want province; then

# detect: the 三个违规 screen (issue 6) on the medium store built above
secs() {  # secs CMD... : "seconds peak-KiB" of a command, its output discarded; fails with it
  /usr/bin/time -f '%e %M' -o "$DATA/time.out" "$@" >/dev/null 2>"$DATA/time.err" ||
    { cat "$DATA/time.err" >&2; return 1; }
  tail -1 "$DATA/time.out"
}
read -r d1 d1rss <<<"$(secs $ZJ detect --only TV01 TV02 TV03 TV04 --no-analysis --as-of 2021-12-31)"
read -r d2 d2rss <<<"$(secs $ZJ detect --only TV01 TV02 TV03 TV04 --no-analysis --as-of 2021-12-31)"
zj_counts=$(sqlite3 "$ZHIJIAN_DB" "SELECT group_concat(code || '=' || n, ' ') FROM (SELECT code, count(*) AS n FROM lead WHERE code LIKE 'TV%' GROUP BY code ORDER BY code)")
sed -e 's/GREATEST(/max(/g; s/LEAST(/min(/g' \
    -e "s/PLUS365(\([a-z0-9_.]*\))/datetime(\1, '+365 days')/g" bench/tv_screen.sql > "$DATA/tv_sqlite.sql"
read -r sq sqrss <<<"$(secs sqlite3 "$ZHIJIAN_DB" ".read $DATA/tv_sqlite.sql")"
sq_counts=$(sqlite3 "$ZHIJIAN_DB" ".read $DATA/tv_sqlite.sql" | tr '|' '=' | xargs)
csvdir=$DATA/tv-csv
rm -rf "$csvdir"; mkdir -p "$csvdir"
t0=$(date +%s.%N)
for spec in "officer:id,officer_no,unit_code,start_date,end_date" \
            "mention:table_name,record_id,role,entity_id" \
            "relation:id,kind,src_entity,dst_entity,dst_table,dst_record,role,share_pct,start_date,end_date,source_table,source_record" \
            "unit:unit_code,level,region_code" \
            "enterprise:id,uscc,established_date,deregistered_date,region_code" \
            "tax_registration:id,registered_date,deregistered_date,region_code" \
            "court_case:id,court_code,filed_at,closed_at,cause" \
            "procuratorate_case:id,unit_code,received_at,decided_at" \
            "police_case:id,unit_code,accepted_at,closed_at"; do
  sqlite3 -header -csv "$ZHIJIAN_DB" "SELECT ${spec#*:} FROM ${spec%%:*}" > "$csvdir/${spec%%:*}.csv"
done
export_s=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.2f", b - a }')
dk_all=$(node bench/duckdb_tv.mjs "$csvdir" bench/tv_screen.sql)
dk_one=$(DUCKDB_THREADS=1 node bench/duckdb_tv.mjs "$csvdir" bench/tv_screen.sql)
jq_() { python3 -c "import json,sys; d=json.loads(sys.argv[1]); print($2)" "$1"; }
echo
echo "### Detectors I: the 三个违规 screen (TV01-TV04) on the medium province ($(nproc) cores)"
echo
echo "| contender | seconds | peak RSS MiB | findings |"
echo "|---|---:|---:|---|"
awk -v s="$d1" -v k="$d1rss" -v c="$zj_counts" 'BEGIN { printf "| zhijian detect --only TV01..TV04, first run (writes leads and evidence) | %.2f | %.0f | %s |\n", s, k / 1024, c }'
awk -v s="$d2" -v k="$d2rss" -v c="$zj_counts" 'BEGIN { printf "| zhijian detect --only TV01..TV04, re-run (leads unchanged) | %.2f | %.0f | %s |\n", s, k / 1024, c }'
awk -v s="$sq" -v k="$sqrss" -v c="$sq_counts" 'BEGIN { printf "| sqlite3, the same joins on the same store (bench/tv_screen.sql) | %.2f | %.0f | %s |\n", s, k / 1024, c }'
echo "| DuckDB, the same joins, all threads: query only | $(jq_ "$dk_all" "'%.2f' % d['query_seconds']") | | $(jq_ "$dk_all" "' '.join('%s=%d' % kv for kv in sorted(d['counts'].items()))") |"
echo "| DuckDB, the same joins, 1 thread: query only | $(jq_ "$dk_one" "'%.2f' % d['query_seconds']") | | $(jq_ "$dk_one" "' '.join('%s=%d' % kv for kv in sorted(d['counts'].items()))") |"
echo "| (DuckDB: exporting the 9 tables to CSV with sqlite3 / loading them) | $export_s / $(jq_ "$dk_all" "'%.2f' % d['load_seconds']") | | |"
read -r da darss <<<"$(secs $ZJ detect --as-of 2021-12-31)"
$ZJ eval --truth "$gdir" --json > "$DATA/eval.json"
echo
echo "Every detector of issue 6 and the analysis: $da s (peak RSS $((darss / 1024)) MiB). Precision / recall against the truth:"
echo
python3 - "$DATA/eval.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))['detectors']
print('| code | truth | leads | precision | recall | near-miss hits |')
print('|---|---:|---:|---:|---:|---:|')
for c in ('TV01', 'TV02', 'TV03', 'TV04', 'TR01', 'TR02', 'TR03', 'TR04', 'TR05', 'CP01'):
    x = d[c]
    print(f"| {c} | {x['truth']} | {x['found']} | {x['precision']:.3f} | {x['recall']:.3f} | {x['near_miss_hits']} |")
PY
# case flow (issue 13): the ledger anti-joins and the civil deadline check, zhijian against the
# same rules as SQL (bench/caseflow.sql) in sqlite3 on the same store and in DuckDB
read -r c1 c1rss <<<"$(secs $ZJ detect --only CF01 CF05 CF06 --no-analysis --as-of 2021-12-31)"
read -r c2 c2rss <<<"$(secs $ZJ detect --only CF01 CF05 CF06 --no-analysis --as-of 2021-12-31)"
cf_counts=$(sqlite3 "$ZHIJIAN_DB" "SELECT group_concat(code || '=' || n, ' ') FROM (SELECT code, count(*) AS n FROM lead WHERE code IN ('CF01', 'CF05', 'CF06') GROUP BY code ORDER BY code)")
sed -e "s/PLUS6M(\([a-z0-9_.]*\), \([a-z0-9_.]*\))/date(substr(\1, 1, 10), '+6 months', '+' || coalesce(\2, 0) || ' days')/g" \
    -e "s/DAYNO(\([a-z0-9_.]*\))/julianday(substr(\1, 1, 10))/g" bench/caseflow.sql > "$DATA/cf_sqlite.sql"
read -r cq cqrss <<<"$(secs sqlite3 "$ZHIJIAN_DB" ".read $DATA/cf_sqlite.sql")"
cq_counts=$(sqlite3 "$ZHIJIAN_DB" ".read $DATA/cf_sqlite.sql" | tr '|' '=' | xargs)
cfdir=$DATA/cf-csv
cf_csv "$cfdir"
ck_all=$(node bench/duckdb_tv.mjs "$cfdir" bench/caseflow.sql)
ck_one=$(DUCKDB_THREADS=1 node bench/duckdb_tv.mjs "$cfdir" bench/caseflow.sql)
echo
echo "### Detectors II: the ledgers side by side and a deadline check on the medium province ($(nproc) cores)"
echo
echo "| contender | seconds | peak RSS MiB | findings |"
echo "|---|---:|---:|---|"
awk -v s="$c1" -v k="$c1rss" -v c="$cf_counts" 'BEGIN { printf "| zhijian detect --only CF01 CF05 CF06, first run | %.2f | %.0f | %s |\n", s, k / 1024, c }'
awk -v s="$c2" -v k="$c2rss" -v c="$cf_counts" 'BEGIN { printf "| zhijian detect --only CF01 CF05 CF06, re-run | %.2f | %.0f | %s |\n", s, k / 1024, c }'
awk -v s="$cq" -v k="$cqrss" -v c="$cq_counts" 'BEGIN { printf "| sqlite3, bench/caseflow.sql on the same store | %.2f | %.0f | %s |\n", s, k / 1024, c }'
echo "| DuckDB, bench/caseflow.sql, all threads: query only | $(jq_ "$ck_all" "'%.2f' % d['query_seconds']") | | $(jq_ "$ck_all" "' '.join('%s=%d' % kv for kv in sorted(d['counts'].items()))") |"
echo "| DuckDB, bench/caseflow.sql, 1 thread: query only | $(jq_ "$ck_one" "'%.2f' % d['query_seconds']") | | $(jq_ "$ck_one" "' '.join('%s=%d' % kv for kv in sorted(d['counts'].items()))") |"
rm -rf "$cfdir" "$DATA/cf_sqlite.sql"
rm -rf "$gdir" "$csvdir" "$DATA"/medium.db* "$DATA/tv_sqlite.sql" "$DATA/eval.json" "$DATA"/time.*
fi

if want caseflow; then
# case flow (issue 13): every case evaluated by the per-case detectors CF01 CF02 CF05-CF08 in
# process (the wall and CPU seconds of the detectors together, detect --json run_seconds: two
# threads evaluate them, so not a sum; store open and indexes built before), against
# bench/caseflow.sql's anti-joins and deadline check in SQLite (bench/sql_timed.py, the same
# store, pages read once before timing) and DuckDB (tables loaded before timing); then a batch
# of BENCH_INCR_EVENTS (10,000) new process nodes imported and re-evaluated incrementally.
# BENCH_CASEFLOW_SCALE=province for the province (default medium).
secs() {  # secs CMD... : "seconds peak-KiB" of a command, its output discarded; fails with it
  /usr/bin/time -f '%e %M' -o "$DATA/time.out" "$@" >/dev/null 2>"$DATA/time.err" ||
    { cat "$DATA/time.err" >&2; return 1; }
  tail -1 "$DATA/time.out"
}
jq_() { python3 -c "import json,sys; d=json.loads(sys.argv[1]); print($2)" "$1"; }
CFSCALE=${BENCH_CASEFLOW_SCALE:-medium}
cfg=$DATA/cf-$CFSCALE
export ZHIJIAN_DB=$DATA/cf-$CFSCALE.db
rm -rf "$cfg" "$ZHIJIAN_DB"*
$ZJ gen --seed 1 --scale "$CFSCALE" --out "$cfg" --quiet
$ZJ import --quiet --max-errors -1 --rejects "$DATA/cf-rej" "$cfg" || true
$ZJ link --quiet
CFONLY=CF01,CF02,CF05,CF06,CF07,CF08
$ZJ detect --as-of 2021-12-31 --only $CFONLY --no-analysis --quiet    # leads written, indexes built
full=$($ZJ detect --as-of 2021-12-31 --only $CFONLY --no-analysis --full --json)
# the three the SQL checks, run on their own: the wall time of the set (two threads), not a sum
cf3=$($ZJ detect --as-of 2021-12-31 --only CF01,CF05,CF06 --no-analysis --full --json)
sqlt=$(python3 bench/sql_timed.py "$ZHIJIAN_DB" bench/caseflow.sql)
cfdir=$DATA/cf-csv
cf_csv "$cfdir"
dk2=$(node bench/duckdb_tv.mjs "$cfdir" bench/caseflow.sql)
dk1=$(DUCKDB_THREADS=1 node bench/duckdb_tv.mjs "$cfdir" bench/caseflow.sql)
# the incremental batch: hearings (开庭) on open court cases, spread over the province
NEV=${BENCH_INCR_EVENTS:-10000}
{ echo "系统,案号,节点,时间"
  sqlite3 -csv "$ZHIJIAN_DB" "SELECT 'court', case_no, 'hearing', '2021-12-20 09:00:00' FROM court_case
    WHERE filed_at IS NOT NULL ORDER BY id LIMIT $NEV"; } > "$DATA/cf-events.csv"
cat > "$DATA/cf-events.mapping.yaml" <<'YAML'
source_system: bench_events
table: case_event
encoding: utf-8
key: [case_system, case_no, node, occurred_at]
fields:
  case_system: 系统
  case_no: 案号
  node: 节点
  occurred_at: {column: 时间, formats: ["%Y-%m-%d %H:%M:%S"]}
YAML
read -r imp_s _ <<<"$(secs $ZJ import --quiet --mapping "$DATA/cf-events.mapping.yaml" "$DATA/cf-events.csv")"
incr=$($ZJ detect --as-of 2021-12-31 --only $CFONLY --no-analysis --json)
echo
echo "### Detectors II: case flow, every case evaluated ($CFSCALE province, $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg))"
echo
echo "| contender | what | seconds | CPU seconds | findings |"
echo "|---|---|---:|---:|---|"
echo "| zhijian, in process, $(jq_ "$full" "d[0]['run_threads']") threads | CF01 CF02 CF05 CF06 CF07 CF08, every case | $(jq_ "$full" "'%.3f' % d[0]['run_seconds']") | $(jq_ "$full" "'%.3f' % d[0]['run_cpu_seconds']") | $(python3 -c "import json,sys; print(' '.join('%s=%d' % (x['code'], x['found']) for x in json.loads(sys.argv[1])))" "$full") |"
echo "| zhijian, in process, $(jq_ "$cf3" "d[0]['run_threads']") threads | CF01 CF05 CF06 (the checks the SQL has), run alone | $(jq_ "$cf3" "'%.3f' % d[0]['run_seconds']") | $(jq_ "$cf3" "'%.3f' % d[0]['run_cpu_seconds']") | $(python3 -c "import json,sys; print(' '.join('%s=%d' % (x['code'], x['found']) for x in json.loads(sys.argv[1])))" "$cf3") |"
echo "| SQLite, bench/caseflow.sql on the same store | CF01 CF05 anti-joins, civil CF06 | $(jq_ "$sqlt" "'%.3f' % d['query_seconds']") | $(jq_ "$sqlt" "'%.3f' % d['query_cpu_seconds']") | $(jq_ "$sqlt" "' '.join('%s=%d' % kv for kv in sorted(d['counts'].items()))") |"
echo "| DuckDB, all threads, loaded | same | $(jq_ "$dk2" "'%.3f' % d['query_seconds']") | $(jq_ "$dk2" "'%.3f' % d['query_cpu_seconds']") | $(jq_ "$dk2" "' '.join('%s=%d' % kv for kv in sorted(d['counts'].items()))") |"
echo "| DuckDB, 1 thread, loaded | same | $(jq_ "$dk1" "'%.3f' % d['query_seconds']") | $(jq_ "$dk1" "'%.3f' % d['query_cpu_seconds']") | |"
echo "| zhijian, incremental after $NEV new nodes (import $imp_s s) | the touched cases: $(python3 -c "import json,sys; print(json.loads(sys.argv[1])[0].get('touched_cases'))" "$incr") | $(jq_ "$incr" "'%.3f' % d[0]['run_seconds']") | $(jq_ "$incr" "'%.3f' % d[0]['run_cpu_seconds']") | |"
echo
echo "Loading (not timed above): DuckDB $(jq_ "$dk2" "'%.2f' % d['load_seconds']") s from CSV; SQLite's first pass $(jq_ "$sqlt" "'%.2f' % d['load_seconds']") s."
rm -rf "$cfdir" "$cfg" "$ZHIJIAN_DB"* "$DATA/cf-events.csv" "$DATA/cf-events.mapping.yaml" "$DATA/cf-rej"
fi

if want filing; then

# filing: the filing check (issue 14) on a medium province, with the replay's quality
fdir=$DATA/gen-filing
export ZHIJIAN_DB=$DATA/filing.db
rm -rf "$fdir" "$DATA"/filing.db*
$ZJ gen --seed 1 --scale medium --out "$fdir" --quiet
$ZJ import --quiet --max-errors -1 "$fdir" || true     # 1: the planted dirty rows were rejected
$ZJ link --quiet
dout=$( /usr/bin/time -f 'TIME %e' $ZJ detect --only FL01,FL02,FL03,FL04 --json 2>&1 >"$DATA/fl.json" | grep '^TIME' | tail -1 )
$ZJ eval --truth "$fdir" --json > "$DATA/fl-eval.json"
echo
echo "### The filing check on the medium province ($(nproc) cores)"
echo
build/bench/bench_filing "$ZHIJIAN_DB" 20000
echo
echo "Replay of every first-instance filing (zhijian detect --only FL01,FL02,FL03,FL04): ${dout#TIME } s"
echo
python3 - "$DATA/fl.json" "$DATA/fl-eval.json" <<'PY'
import json, sys
runs = json.load(open(sys.argv[1]))
d = json.load(open(sys.argv[2]))['detectors']
print('| code | checked | truth | leads | precision | recall | near misses | near-miss hits |')
print('|---|---|---:|---:|---:|---:|---:|---:|')
for r in runs:
    x = d[r['code']]
    print(f"| {r['code']} | {r.get('summary', '')} | {x['truth']} | {x['found']} | {x['precision']:.3f} | {x['recall']:.3f} | {x['near_misses']} | {x['near_miss_hits']} |")
PY
rm -rf "$fdir" "$DATA"/filing.db* "$DATA/fl.json" "$DATA/fl-eval.json"
fi

if want http; then
  bash bench/http.sh
fi

if want web; then
# web: the cockpit's page weight and time to first render, in Debian's chromium
# (web/tests/cockpit-bench.mjs) against zhijian serve on the demo-sized province
bash scripts/build-web.sh
wdir=$DATA/web
rm -rf "$wdir"; mkdir -p "$wdir"
(
  export ZHIJIAN_DB=$wdir/zhijian.db
  $ZJ gen --seed 1 --scale small --out "$wdir/p" --quiet
  $ZJ import --quiet --max-errors -1 --rejects "$wdir/rej" "$wdir/p" >/dev/null || true  # planted dirty rows
  $ZJ link --quiet
  $ZJ detect --as-of 2021-12-31 >/dev/null || [ $? -eq 1 ]   # 1: leads were found
  printf 'bench-web-1\n' | $ZJ user add leader --role leader --unit J61000000 >/dev/null
  $ZJ serve --port 0 --access-log "$wdir/access.log" 2>/dev/null &
  pid=$!
  port=
  for _ in $(seq 1 200); do
    port=$(jq -r 'select(.event == "start") | .message' "$wdir/access.log" 2>/dev/null | grep -o 'port [0-9]*' | cut -d' ' -f2)
    [ -n "$port" ] && break
    sleep 0.05
  done
  echo
  echo "### The cockpit in the browser (chromium $(chromium --version 2>/dev/null | grep -o '[0-9][0-9.]*' | head -1), $(nproc) cores)"
  echo
  shot=${BENCH_WEB_SHOT:+$(realpath -m "$BENCH_WEB_SHOT")}   # before cd: relative to the repository
  (cd web && BASE="http://127.0.0.1:$port" PASSWORD=bench-web-1 RUNS=5 SHOT=$shot node tests/cockpit-bench.mjs)
  kill -TERM "$pid"; wait "$pid"
)
rm -rf "$wdir"
fi

if want link10m; then

# link10m: entity resolution of ~10M mentions (issue 5: 10M mentions in 2 minutes, 8 GB)
ldir=$DATA/gen-large
export ZHIJIAN_DB=$DATA/large.db
rm -rf "$ldir" "$DATA"/large.db*
$ZJ gen --seed 1 --scale large --out "$ldir" --quiet
$ZJ import --quiet --max-errors -1 "$ldir" || true     # 1: the planted dirty rows were rejected
# the indexes bulk loads leave pending are the import's deferred work, timed on their own
iout=$( /usr/bin/time -f 'TIME %e' $ZJ init 2>&1 >/dev/null | grep '^TIME' | tail -1 )
sync   # the link is timed on its own, not with the kernel still flushing gen's, import's and init's writes
lout=$( /usr/bin/time -f 'TIME %e %U %S %M' $ZJ link --json --verbose 2>"$DATA/link10m.log" \
        >"$DATA/link10m.json"; grep '^TIME' "$DATA/link10m.log" | tail -1 )
read -r _ lsecs luser lsys lrss <<<"$lout"
read -r pm em pairs <<<"$(python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print(d['person']['mentions'], d['enterprise']['mentions'], d['person']['pairs_compared'] + d['enterprise']['pairs_compared'])" "$DATA/link10m.json")"
echo
echo "### Entity resolution of ~10M mentions: gen --scale large, first link ($(nproc) cores)"
echo
echo "| mentions | pairs scored | seconds | CPU seconds | mentions/s | pairs/s | peak RSS MiB |"
echo "|---:|---:|---:|---:|---:|---:|---:|"
awk -v pm="$pm" -v em="$em" -v p="$pairs" -v s="$lsecs" -v u="$luser" -v y="$lsys" -v k="$lrss" \
  'BEGIN { printf "| %d (%d persons, %d enterprises) | %d | %.2f | %.2f | %.0f | %.0f | %.0f |\n", pm + em, pm, em, p, s, u + y, (pm + em) / s, p / s, k / 1024 }'
echo
echo "Before it: zhijian init, building the indexes the imports left pending, ${iout#TIME } s."
echo
echo "Stages (zhijian link --verbose):"
echo
grep '^zhijian link: .*(' "$DATA/link10m.log" | sed -e 's/^zhijian link: /- /'
$ZJ eval --truth "$ldir" --json > "$DATA/eval10m.json"
echo
python3 - "$DATA/eval10m.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))['linking']
for kind in ('person', 'enterprise'):
    x = d[kind]
    noise = ', '.join(f"{k} {v['recall']:.3f}" for k, v in x.get('recall_by_noise', {}).items()
                      if v.get('pairs'))
    print(f"- {kind}: precision {x['precision']:.3f}, recall {x['recall']:.3f}" + (f" ({noise})" if noise else ''))
PY
rm -rf "$ldir" "$DATA"/large.db* "$DATA"/link10m.* "$DATA/eval10m.json"
fi
