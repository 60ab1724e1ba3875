#!/usr/bin/env bash
# staged.sh - large first loads are staged (src/store/store_sqlite.c, "staged loads"): the rows
# are the same as an ordinary load's, readers see the table empty until the batch ends and whole
# after, a killed import leaves nothing in the tables and the next import removes what it
# committed on its way, and a staged load whose table got rows meanwhile is imported again.
# ZHIJIAN_STAGE_ROWS makes small files staged.
. "$(dirname "$0")/lib.sh"
M=$WORK/court_case.mapping.yaml
cat > "$M" <<'YAML'
source_system: court_cms
table: court_case
files: ["cases*.csv"]
encoding: utf-8
key: [case_no]
fields:
  case_no: 案号
  court_code: 法院代码
  cause: 案由
  filed_at: {column: 立案日期, formats: ["%Y-%m-%d"]}
  status: {column: 状态, codes: {已结: closed, 在办: open}}
YAML
# cases.csv: N rows, one key repeated with new content, one row without its key (a reject)
make_cases() {  # make_cases FILE N
    awk -v n="$2" 'BEGIN {
        print "案号,法院代码,案由,立案日期,状态"
        for (i = 1; i <= n; i++) {
            printf "（2021）陕0104民初%d号,J61010400,借款合同纠纷,2021-%02d-%02d,%s\n", i, i % 12 + 1, i % 28 + 1, (i % 3 ? "已结" : "在办")
            if (i == 7) print "（2021）陕0104民初3号,J61010400,买卖合同纠纷,2021-05-05,在办"
            if (i == 9) print ",J61010400,无案号,2021-05-05,在办"
        }
    }' > "$1"
}
dump() { sql "SELECT id, source_key, key_hash, src_line, content_hash, court_code, cause, filed_at, status FROM court_case ORDER BY id" | md5sum; }

make_cases "$WORK/cases.csv" 3000
ZHIJIAN_STAGE_ROWS=-1 "$ZHIJIAN" import --quiet --reject-dir "$WORK/rej" -m "$M" "$WORK/cases.csv"
expect_eq "an ordinary load (1: the reject)" 1 "$?"
plain=$(dump); plain_versions=$(sql "SELECT count(*) FROM record_version")
rm -f "$ZHIJIAN_DB"*

ZHIJIAN_STAGE_ROWS=100 "$ZHIJIAN" import --quiet --reject-dir "$WORK/rej" -m "$M" "$WORK/cases.csv"
expect_eq "a staged load (1: the reject)" 1 "$?"
expect_eq "the staged load stored the same rows as the ordinary one" "$plain" "$(dump)"
expect_eq "and kept the same replaced version" "$plain_versions" "$(sql "SELECT count(*) FROM record_version WHERE table_name = 'court_case'")"
expect_eq "its batch is committed, its reject kept" "committed|1" "$(sql "SELECT status, rejected FROM import_batch")"
expect_eq "no stage is left" 0 "$(sql "SELECT count(*) FROM sqlite_schema WHERE name LIKE 'zj_stage%'")"
expect_eq "a second run of the same file is skipped as before" 0 "$(ZHIJIAN_STAGE_ROWS=100 "$ZHIJIAN" import --quiet -m "$M" "$WORK/cases.csv"; echo $?)"
rm -f "$ZHIJIAN_DB"*

# Kill an import in the middle of a staged load: readers saw the table empty all along, the
# next import says what it removed, and the file then loads whole.
make_cases "$WORK/cases-big.csv" 300000
"$ZHIJIAN" init >/dev/null
( ZHIJIAN_STAGE_ROWS=400 exec "$ZHIJIAN" import --quiet --reject-dir "$WORK/rej" -m "$M" "$WORK/cases-big.csv" >/dev/null 2>&1 ) &
pid=$!
seen=0 rows_seen=0
for _ in $(seq 1 2000); do
    staged=$(sql "SELECT count(*) FROM import_batch WHERE status = 'running'" 2>/dev/null)
    if [ "$staged" = 1 ]; then
        seen=$((seen + 1))
        rows_seen=$((rows_seen + $(sql "SELECT count(*) FROM court_case")))
        [ "$seen" -ge 3 ] && break
    fi
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.05
done
kill -9 "$pid" 2>/dev/null; wait "$pid" 2>/dev/null
expect_eq "the load was caught under way (the test tested something)" yes "$([ "$seen" -ge 3 ] && echo yes || echo no)"
expect_eq "readers saw no row of the batch while it ran" 0 "$rows_seen"
expect_eq "the killed load left its running batch" 1 "$(sql "SELECT count(*) FROM import_batch WHERE status = 'running'")"
expect_eq "... and no row in the table" 0 "$(sql "SELECT count(*) FROM court_case")"
out=$("$ZHIJIAN" import --quiet --reject-dir "$WORK/rej" -m "$M" "$WORK/cases.csv" 2>&1 >/dev/null)
expect_match "the next import says what it removed" "removed batch 1 \(.*cases-big.csv\): its import stopped" "$out"
expect_eq "nothing of the killed load is left (its batch number is free again)" "0|0|1|3002" "$(sql "SELECT (SELECT count(*) FROM import_batch WHERE status = 'running'), (SELECT count(*) FROM sqlite_schema WHERE name LIKE 'zj_stage%'), (SELECT count(*) FROM import_reject), (SELECT rows_read FROM import_batch WHERE id = 1)")"
expect_eq "the next import's file is in" 3000 "$(sql "SELECT count(*) FROM court_case")"
ZHIJIAN_STAGE_ROWS=400 "$ZHIJIAN" import --quiet --reject-dir "$WORK/rej" -m "$M" "$WORK/cases-big.csv"
expect_eq "the killed file imports again (1: the reject)" 1 "$?"
expect_eq "all its rows are in (3,000 of them were in already)" "300000|297000" "$(sql "SELECT count(*), (SELECT inserted FROM import_batch WHERE id = 2) FROM court_case")"
rm -f "$ZHIJIAN_DB"*

# Rows reach the empty table from another system while a staged load runs: the load cannot take
# the table's place, so the file is imported again the ordinary way; nothing is lost. (The other
# import gets in only between two commits of the staged one; if it waits for the end instead,
# there is nothing to refuse, and all rows must be in just the same.)
"$ZHIJIAN" init >/dev/null
sed 's/^source_system: court_cms/source_system: court_other/; s/cases\*/other*/' "$M" > "$WORK/other.mapping.yaml"
make_cases "$WORK/other.csv" 50
( ZHIJIAN_STAGE_ROWS=400 "$ZHIJIAN" import --reject-dir "$WORK/rej" -m "$M" "$WORK/cases-big.csv" >"$WORK/big.out" 2>&1; echo $? > "$WORK/big.rc" ) &
pid=$!
for _ in $(seq 1 2000); do
    [ "$(sql "SELECT count(*) FROM import_batch WHERE status = 'running'" 2>/dev/null)" = 1 ] && break
    sleep 0.05
done
ZHIJIAN_STAGE_ROWS=-1 "$ZHIJIAN" import --quiet --reject-dir "$WORK/rej" -m "$WORK/other.mapping.yaml" "$WORK/other.csv" 2>"$WORK/other.err"
expect_eq "the other system's file went in (1: its reject)" 1 "$?"
cat "$WORK/other.err" >&2
wait "$pid"
expect_eq "the staged file finished (1: its reject)" 1 "$(cat "$WORK/big.rc")"
if grep -q "loaded twice" "$WORK/big.out"; then
    echo "  the other import got in during the staged load: it was refused and loaded again"
else
    echo "  the other import waited for the staged load to end"
fi
expect_eq "both systems' rows are in" "court_cms 300000 court_other 50" "$(sql "SELECT group_concat(source_system || ' ' || n, ' ') FROM (SELECT source_system, count(*) AS n FROM court_case GROUP BY 1 ORDER BY 1)")"
expect_eq "and no stage or running batch is left" "0|0" "$(sql "SELECT (SELECT count(*) FROM import_batch WHERE status = 'running'), (SELECT count(*) FROM sqlite_schema WHERE name LIKE 'zj_stage%')")"
finish
