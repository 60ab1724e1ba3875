#!/usr/bin/env bash
# run.sh - `make bench`: zhijian's benchmarks, each side by side with a peer in the same run.
#
#   import   a BENCH_ROWS-row CSV (default 5,000,000): zhijian parse+validate (--dry-run),
#            zhijian end to end into a fresh store, sqlite3's .import, DuckDB's read_csv
#            (npm @duckdb/node-api; 1 thread and all threads)
#   gen      the synthetic province at medium scale: records/s and peak RSS
#   text     identifiers and names (bench_text), when built
# Prints a Markdown table per benchmark; paste figures into docs/benchmarks.md.
set -euo pipefail
cd "$(dirname "$0")/.."
ROWS=${BENCH_ROWS:-5000000}
ZJ=build/zhijian
DATA=bench/data
mkdir -p "$DATA"

if [ ! -d bench/node_modules/@duckdb/node-api ]; then
  (cd bench && npm ci --no-audit --no-fund --loglevel=error)
fi

csv=$DATA/cases-$ROWS.csv
if [ ! -s "$csv" ]; then
  echo "bench: writing $ROWS rows to $csv" >&2
  build/bench/make_csv "$ROWS" > "$csv.tmp" && mv "$csv.tmp" "$csv"
fi
size_mb=$(( $(stat -c %s "$csv") / 1048576 ))

results=()
run_timed() {  # run_timed NAME CMD... ; like time_cmd but the command's own stderr is discarded
  local name=$1; shift
  local out
  out=$( /usr/bin/time -f 'TIME %e %M' "$@" 2>&1 >/dev/null | grep '^TIME' | tail -1 )
  results+=("$name|${out#TIME }")
}

cat "$csv" > /dev/null   # warm the page cache so every contender reads from memory

run_timed "zhijian parse+validate (--dry-run)" \
  $ZJ import --quiet --dry-run --db "$DATA/dry.db" -m bench/court_case.mapping.yaml "$csv"
rm -f "$DATA"/zj.db*
run_timed "zhijian import into SQLite store" \
  $ZJ import --quiet --db "$DATA/zj.db" -m bench/court_case.mapping.yaml "$csv"
rm -f "$DATA"/sq.db*
run_timed "sqlite3 .import (all TEXT, no key)" \
  sqlite3 "$DATA/sq.db" ".mode csv" ".import $csv court_case"
rm -f "$DATA"/dk1.duckdb* "$DATA"/dk.duckdb*
run_timed "DuckDB read_csv, 1 thread" \
  env DUCKDB_THREADS=1 node bench/duckdb_import.mjs "$csv" "$DATA/dk1.duckdb"
run_timed "DuckDB read_csv, all threads" \
  node bench/duckdb_import.mjs "$csv" "$DATA/dk.duckdb"

echo
echo "### Import: $ROWS rows, $size_mb MiB CSV ($(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs))"
echo
echo "| contender | seconds | rows/s | peak RSS MiB |"
echo "|---|---:|---:|---:|"
for r in "${results[@]}"; do
  IFS='|' read -r name rest <<<"$r"
  read -r secs rss <<<"$rest"
  awk -v n="$name" -v s="$secs" -v k="$rss" -v rows="$ROWS" \
    'BEGIN { printf "| %s | %.2f | %.0f | %.0f |\n", n, s, (s > 0 ? rows / s : 0), k / 1024 }'
done
echo
zj_rows=$(sqlite3 "$DATA/zj.db" 'SELECT count(*) FROM court_case')
sq_rows=$(sqlite3 "$DATA/sq.db" 'SELECT count(*) FROM court_case')
echo "rows stored: zhijian $zj_rows, sqlite3 $sq_rows"

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
iout=$( /usr/bin/time -f 'TIME %e %U %S %M' $ZJ import --quiet --max-errors -1 "$gdir" 2>&1 | grep '^TIME' | tail -1 )
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
rm -rf "$gdir" "$DATA"/medium.db*

if [ -x build/bench/bench_text ]; then
  echo
  build/bench/bench_text
fi
