#!/usr/bin/env bash
# check-dup-symbols.sh - no global symbol is defined twice in the library archive.
#
# A static archive links the first member that defines a symbol and never reports the second:
# two `zj_add_months` with different month-end rules once made the sentence-change detectors
# count waiting times by the procedural rule without anyone noticing. Usage: ARCHIVE.
set -euo pipefail
dups=$(nm -g --defined-only "$1" | awk 'NF == 3 && $2 ~ /^[TDBR]$/ {print $3}' | sort | uniq -d)
if [ -n "$dups" ]; then
    echo "check-dup-symbols: defined more than once in $1:" $dups >&2
    exit 1
fi
