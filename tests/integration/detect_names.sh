#!/usr/bin/env bash
# detect_names.sh - detectors read entities, never raw names (issue 12).
#
# A detector that matches people by the name a record writes (o.name = c.target_officer_name)
# misses every traditional character, homophone and stray space, and joins namesakes. People
# are resolved once, by `zhijian link`; detectors follow mentions to entities. This source
# check fails when SQL in src/detect reads a person's name: a person-name column of a
# canonical table (the columns the mention specs in src/link/mentions.c read as names) or the
# mention table's name forms. If no detector can read a name, none can compare one. Unit and
# enterprise names (unit.name, enterprise.name) are not people's and stay readable.
. "$(dirname "$0")/lib.sh"

check_names() {  # check_names FILE...: prints "file: alias.column" per person-name read
    python3 - "$SRCDIR/src/link/mentions.c" "$@" <<'PY'
import re, sys
specs = open(sys.argv[1], encoding="utf-8").read()
# person specs: {"table", "role", P, .name = "col", ...}
person_cols = {}
for table, body in re.findall(r'\{"(\w+)", "\w+", (?:P|\.name)[^}]*?\.name = "(\w+)"', specs):
    person_cols.setdefault(table, set()).add(body)
for table, col in re.findall(r'\{"(\w+)", "\w+", P, \.name = "(\w+)"', specs):
    person_cols.setdefault(table, set()).add(col)
# case_party names people too (party_kind decides)
for m in re.finditer(r'\{"(\w+)", "\w+", \.name = "(\w+)"[^}]*\.kind_col', specs):
    person_cols.setdefault(m.group(1), set()).add(m.group(2))
person_cols.setdefault("mention", set()).update({"name", "name_norm", "name_key"})
only_person = {c for cols in person_cols.values() for c in cols if c != "name"}
bad = []
for path in sys.argv[2:]:
    src = open(path, encoding="utf-8").read()
    src = re.sub(r'/\*.*?\*/', ' ', src, flags=re.S)
    # adjacent string literals are one SQL text
    for chunk in re.findall(r'(?:"(?:[^"\\]|\\.)*"\s*)+', src):
        sql = "".join(re.findall(r'"((?:[^"\\]|\\.)*)"', chunk))
        if not re.search(r'\b(SELECT|WHERE|JOIN)\b', sql, re.I):
            continue
        alias = {}
        for t, a in re.findall(r'\b(?:FROM|JOIN)\s+"?(\w+)"?(?:\s+(?:AS\s+)?(?!ON\b|WHERE\b|JOIN\b|LEFT\b|USING\b|GROUP\b|ORDER\b)(\w+))?', sql, re.I):
            alias[a or t] = t
            alias.setdefault(t, t)
        for a, col in re.findall(r'\b(\w+)\.(\w+)\b', sql):
            t = alias.get(a)
            if t in person_cols and col in person_cols[t]:
                bad.append(f"{path}: {a}.{col}")
        for col in re.findall(r'\b(\w+)\b', sql):
            if col in only_person:
                bad.append(f"{path}: {col}")
print("\n".join(sorted(set(bad))))
PY
}

# the check itself: it finds the exact-name join CP01 used to make, and a mention name read
cat > "$WORK/bad.c" <<'C'
static const char q[] =
    "SELECT min(o.officer_no) FROM complaint c"
    " JOIN officer o ON o.unit_code = c.target_unit_code AND o.name = c.target_officer_name";
static const char r[] = "SELECT m.name_norm FROM mention m WHERE m.entity_id = $1";
C
found=$(check_names "$WORK/bad.c")
expect_match "the check finds an officer's name compared with a complaint's" "o\.name" "$found"
expect_match "... and the complaint's target name" "target_officer_name" "$found"
expect_match "... and a mention's normalized name" "m\.name_norm" "$found"
cat > "$WORK/good.c" <<'C'
static const char q[] = "SELECT u.name FROM unit u WHERE u.unit_code = $1";
static const char e[] = "SELECT e.name FROM enterprise e JOIN mention m ON m.record_id = e.id";
C
expect_eq "unit and enterprise names are not people's" "" "$(check_names "$WORK/good.c")"

# the detectors
expect_eq "no detector reads a person's name" "" "$(check_names "$SRCDIR"/src/detect/*.c)"
finish
