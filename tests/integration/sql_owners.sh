#!/bin/bash
# sql_owners.sh - the SQL ownership check: the source tree is clean, and on a small tree with
# planted violations the check names each one (file, the line its statement starts, table,
# owner) and nothing else.
. "$(dirname "$0")/lib.sh"

out=$(python3 "$SRCDIR/scripts/check-sql-owners.py" "$SRCDIR" 2>&1)
expect_eq "the source tree: every table's SQL in its owners' files" "0" "$?"
expect_eq "... and nothing printed" "" "$out"

T="$FIXTURES/sql-owners"
out=$(python3 "$SRCDIR/scripts/check-sql-owners.py" --map "$T/map.txt" "$T" 2>/dev/null)
expect_eq "planted violations fail the check" 1 $?
expect_eq "each violation named, nothing else" \
"src/cli/cmd_x.c:2: SQL writes table lead, owned by src/detect/leads.c
src/detect/analysis.c:3: SQL writes table lead, owned by src/detect/leads.c
src/detect/leads.c:3: SQL reads table unit, owned by src/store/
src/store/migrations.c: table orphan has no owner in map.txt" "$out"
finish
