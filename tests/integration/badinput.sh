#!/usr/bin/env bash
# badinput.sh - bad input loses nothing and says what is wrong (issue 11, item 3): stray
# quotes, NUL bytes, U+FFFD, encodings, oversized fields, paths leaving the data folder,
# check characters, missing stores, dry runs and reject files.
. "$(dirname "$0")/lib.sh"
D=$WORK/data
mkdir -p "$D"
j() { printf '%s' "$out" | python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"; }

cat > "$D/person.mapping.yaml" <<'YAML'
source_system: hr
table: person
files: ["people*.csv"]
encoding: utf-8
key: [person_no]
fields:
  person_no: 编号
  name: 姓名
  id_no: 身份证号
  address: {column: 住址, max_bytes: 100}
YAML
M=$D/person.mapping.yaml

# -- a stray quote costs one line, not the rest of the file ------------------------------------
{
    echo '编号,姓名,身份证号,住址'
    for i in $(seq 1 300); do
        if [ "$i" -eq 10 ]; then echo "P$i,\"张伟,110101199003077777,西安"
        else echo "P$i,张$i,,地址$i"; fi
    done
} > "$D/people_stray.csv"
out=$("$ZHIJIAN" import --json --reject-dir "$WORK/rej" -m "$M" "$D/people_stray.csv"); rc=$?
expect_eq "stray quote: exit 1 (a row rejected)" 1 "$rc"
expect_eq "stray quote: 299 in, 1 rejected" "300 299 1" "$(j 'd["rows_read"], d["inserted"], d["rejected"]')"
rej=$(j 'd["rejects_file"]')
expect_match "stray quote: the line where it opened, with its raw text" \
    'people_stray.csv,11,,quoted field opened on line 11 is not closed within 100 lines \(a stray quote\?\),"P10,""张伟,110101199003077777,西安"' \
    "$(cat "$rej")"
expect_eq "stray quote: the rows after it are there" "张11|张300" \
    "$(sql "SELECT group_concat(name, '|') FROM (SELECT name FROM person WHERE person_no IN ('P11', 'P300') ORDER BY id)")"
expect_eq "reject file mode 0600" 600 "$(stat -c %a "$rej")"
expect_eq "reject directory mode 0700" 700 "$(stat -c %a "$WORK/rej")"

# ... and each counts toward --max-errors
sed -e 's/^P20,.*/P20,"李四,,西安/' "$D/people_stray.csv" > "$D/people_stray2.csv"
out=$("$ZHIJIAN" import --json --max-errors 1 --reject-dir "$WORK/rej" -m "$M" \
      "$D/people_stray2.csv" 2>"$WORK/err"); rc=$?
expect_eq "two stray quotes over --max-errors 1: aborted" "3 aborted" "$rc $(j 'd["status"]')"
expect_match "abort names the second one" "people_stray2.csv:21: quoted field opened on line 21" "$(cat "$WORK/err")"
out=$("$ZHIJIAN" import --json --dry-run --reject-dir "$WORK/rej" -m "$M" "$D/people_stray2.csv")
expect_eq "... each cut to its own line (the second quote closes the first)" "298 2" "$(j 'd["inserted"], d["rejected"]')"
expect_match "... named as such" ",11,,quoted field opened on line 11 closes on line 21 amid text" "$(cat "$(j 'd["rejects_file"]')")"

# -- NUL bytes and \u0000 are rejects, never stored or cut off ---------------------------------
printf '编号,姓名,身份证号,住址\nN1,王\0五,,x\nN2,赵六,,y\n' > "$D/people_nul.csv"
out=$("$ZHIJIAN" import --json --reject-dir "$WORK/rej" -m "$M" "$D/people_nul.csv")
expect_eq "NUL: one in, one rejected" "1 1" "$(j 'd["inserted"], d["rejected"]')"
expect_match "NUL: the reason, raw with the NUL shown as ␀" ',2,,contains a NUL byte .*,"N1,王␀五,,x"$' "$(cat "$(j 'd["rejects_file"]')")"
expect_eq "NUL: nothing of it stored" 0 "$(sql "SELECT count(*) FROM person WHERE person_no = 'N1'")"
cat > "$D/person_json.mapping.yaml" <<'YAML'
source_system: hr_json
table: person
key: [person_no]
fields:
  person_no: no
  name: name
YAML
printf '{"no":"J1","name":"王\\u0000五"}\n{"no":"J2","name":"赵\\\\u0000"}\n' > "$D/people.jsonl"
out=$("$ZHIJIAN" import --json --reject-dir "$WORK/rej" -m "$D/person_json.mapping.yaml" "$D/people.jsonl")
expect_eq "\\u0000: one in, one rejected" "1 1" "$(j 'd["inserted"], d["rejected"]')"
expect_match "\\u0000: the reason" ',1,,contains .u0000' "$(cat "$(j 'd["rejects_file"]')")"
expect_eq "an escaped backslash is text" '赵\u0000' "$(sql "SELECT name FROM person WHERE person_no = 'J2'")"

# -- U+FFFD in valid UTF-8 is text; bytes the decoder could not decode are rejects -------------
printf '编号,姓名,身份证号,住址\nF1,张\xef\xbf\xbd,,x\n' > "$D/people_fffd.csv"
out=$("$ZHIJIAN" import --json --reject-dir "$WORK/rej" -m "$M" "$D/people_fffd.csv"); rc=$?
expect_eq "U+FFFD accepted" "0 1 0" "$rc $(j 'd["inserted"], d["rejected"]')"
expect_eq "U+FFFD stored as it is" "张�" "$(sql "SELECT name FROM person WHERE person_no = 'F1'")"
printf '编号,姓名,身份证号,住址\nG1,张\x81,,x\nG2,李,,y\n' | iconv -f utf-8 -t gb18030 2>/dev/null > /dev/null
printf '\xb1\xe0\xba\xc5,\xd0\xd5\xc3\xfb,\xc9\xed\xb7\xdd\xd6\xa4\xba\xc5,\xd7\xa1\xd6\xb7\nG1,\xd5\xc5\x81,,x\nG2,\xc0\xee,,y\n' > "$D/people_gb.csv"
out=$("$ZHIJIAN" import --json --encoding gb18030 --reject-dir "$WORK/rej" -m "$M" "$D/people_gb.csv")
expect_eq "GB18030 with an undecodable byte: one rejected" "gb18030 1 1" "$(j 'd["encoding"], d["inserted"], d["rejected"]')"
expect_match "... for its encoding, raw with U+FFFD" ',2,name,.*invalid byte sequence for the file.s encoding.*"G1,张�,,x"' \
    "$(cat "$(j 'd["rejects_file"]')")"

# -- the csv-spectrum case with Latin-1 bytes is refused for its encoding ----------------------
cat > "$D/loc.mapping.yaml" <<'YAML'
source_system: places
table: person
key: [name]
fields:
  name: Location
  address: Coordinates
  phone: Phone
YAML
for enc in auto utf-8; do
    out=$("$ZHIJIAN" import --json --dry-run --encoding $enc --reject-dir "$WORK/rej" -m "$D/loc.mapping.yaml" \
          "$FIXTURES/csv-spectrum/location_coordinates.csv")
    expect_eq "location_coordinates ($enc): refused" "0 1" "$(j 'd["inserted"], d["rejected"]')"
    expect_match "location_coordinates ($enc): the message" \
        "invalid byte sequence for the file's encoding" "$(cat "$(j 'd["rejects_file"]')")"
done

# -- --encoding overrides the mapping; a file valid in the other encoding says so --------------
err=$("$ZHIJIAN" import --dry-run -m "$M" "$D/people_gb.csv" 2>&1); rc=$?
expect_eq "declared utf-8, file gb18030: the header does not match" 2 "$rc"
expect_match "... and the message says the file is not utf-8 (it has a bad byte: not gb18030 either)" \
    "column '编号' is not in the file's header" "$err"
printf '\xb1\xe0\xba\xc5,\xd0\xd5\xc3\xfb,\xc9\xed\xb7\xdd\xd6\xa4\xba\xc5,\xd7\xa1\xd6\xb7\nH1,\xd5\xc5\xc8\xfd,,x\n' > "$D/people_gbok.csv"
err=$("$ZHIJIAN" import --dry-run -m "$M" "$D/people_gbok.csv" 2>&1)
expect_match "a GB18030 file declared utf-8: the message says it is valid GB18030" \
    "the header is not valid utf-8, but the whole file is valid gb18030: .*--encoding gb18030" "$err"
printf '编号,姓名,身份证号,住址\nK1,\xd5\xc5\xc8\xfd,,x\nK2,\xc0\xee,,y\n' > "$D/people_mixed.csv"
out=$("$ZHIJIAN" import --json --dry-run -m "$M" "$D/people_mixed.csv")
expect_match "rows not valid utf-8 in a file valid GB18030: the hint" \
    "2 rows are not valid utf-8, but the whole file is valid gb18030" "$(j 'd.get("hint", "")')"
err=$("$ZHIJIAN" import --max-errors 0 --reject-dir "$WORK/rej" -m "$M" "$D/people_mixed.csv" 2>&1 >/dev/null)
expect_match "... also when the batch aborts" "whole file is valid gb18030" "$err"
out=$("$ZHIJIAN" import --json --encoding gb18030 --reject-dir "$WORK/rej" -m "$M" "$D/people_gbok.csv")
expect_eq "--encoding gb18030 wins over the mapping" "gb18030 1 0" "$(j 'd["encoding"], d["inserted"], d["rejected"]')"
expect_eq "... and decodes" "张三" "$(sql "SELECT name FROM person WHERE person_no = 'H1'")"

# -- a field over its size limit is a reject (default 64 KiB, max_bytes per field) -------------
long=$(head -c 70000 /dev/zero | tr '\0' 'x')
{ echo '编号,姓名,身份证号,住址'; echo "L1,$long,,x"; echo "L2,短,,$(head -c 101 /dev/zero | tr '\0' 'y')"; echo "L3,好,,$(head -c 100 /dev/zero | tr '\0' 'z')"; } > "$D/people_long.csv"
out=$("$ZHIJIAN" import --json --reject-dir "$WORK/rej" -m "$M" "$D/people_long.csv")
expect_eq "oversized fields: 1 in, 2 rejected" "1 2" "$(j 'd["inserted"], d["rejected"]')"
r=$(cat "$(j 'd["rejects_file"]')")
expect_match "default limit" ",2,name,.*value of 70000 bytes is longer than the field's limit of 65536" "$r"
expect_match "max_bytes: 100" ",3,address,.*value of 101 bytes is longer than the field's limit of 100" "$r"

# -- files: that leave the data folder are an error, and nothing outside is shown --------------
mkdir -p "$WORK/outside" "$D/in"
echo "secret-header-text,x" > "$WORK/outside/people_x.csv"
for pat in '../outside/people_x.csv' "$WORK/outside/people_x.csv" 'sub/../../outside/*.csv'; do
    sed -e "s|files: .*|files: [\"$pat\"]|" "$M" > "$D/in/p.mapping.yaml"
    err=$("$ZHIJIAN" import --reject-dir "$WORK/rej" "$D/in" 2>&1); rc=$?
    expect_eq "files: '$pat' is an error" 2 "$rc"
    expect_match "files: '$pat': the message" "leaves the data folder" "$err"
    case "$err" in *secret-header-text*) expect_eq "no content from outside" no yes ;; esac
done
rm -rf "$D/in"

# -- check characters: counted per file, rows still imported ----------------------------------
printf '编号,姓名,身份证号,住址\nC1,甲,110101199003077774,x\nC2,乙,110101199003077777,x\nC3,丙,11010119900307777X,x\nC4,丁,123,x\n' > "$D/people_ids.csv"
out=$("$ZHIJIAN" import --json --reject-dir "$WORK/rej" -m "$M" "$D/people_ids.csv")
expect_eq "bad check characters counted (the valid one and the malformed one not)" "4 2 0" \
    "$(j 'd["inserted"], d["bad_check_character"]["resident_id"], d["bad_check_character"]["uscc"]')"
text=$("$ZHIJIAN" import --force --reject-dir "$WORK/rej" -m "$M" "$D/people_ids.csv")
expect_match "... in the summary" "check character wrong \(imported as they are\): 2 resident IDs, 0 credit codes" "$text"
expect_eq "no line about analysis indexes" 0 "$(printf '%s' "$text" | grep -c 'analysis indexes')"

# -- read commands never create a store --------------------------------------------------------
# nor do the commands that act on one: only init, import and gen create a store
for cmd in "status" "leads list" "link show 1" "detect" "eval --truth $WORK" "rejects 1" "audit verify" \
           "user list" "report list" "leads queue" "leads history 1"; do
    err=$("$ZHIJIAN" $cmd --db "$WORK/none/zj.db" 2>&1); rc=$?
    expect_eq "'$cmd' without a store: exit 3" 3 "$rc"
    expect_match "'$cmd': names the path and zhijian init" "no store at '$WORK/none/zj.db': create it with 'zhijian init'" "$err"
done
for cmd in "status" "user list" "report list" "leads queue"; do
    err=$("$ZHIJIAN" $cmd --db "$WORK/nothing.db" 2>&1)
done
expect_eq "no store file was created" no "$([ -e "$WORK/nothing.db" ] && echo yes || echo no)"

# -- --dry-run writes nothing: no store, no reject file; it lists the rejects ------------------
mkdir -p "$WORK/dry" && cd "$WORK/dry"
out=$("$ZHIJIAN" import --dry-run --db "$WORK/dry/zj.db" -m "$M" "$D/people_stray.csv"); rc=$?
expect_eq "dry run exit 1 (a reject)" 1 "$rc"
expect_match "dry run lists the reject" "people_stray.csv:11: quoted field opened on line 11" "$out"
expect_match "... with its raw text" '    P10,"张伟,110101199003077777,西安' "$out"
expect_eq "dry run wrote nothing" "" "$(ls -A "$WORK/dry")"
out=$("$ZHIJIAN" import --json --dry-run --reject-dir "$WORK/dry/r" --db "$WORK/dry/zj.db" -m "$M" "$D/people_stray.csv")
expect_eq "dry run with --reject-dir: a reject file there only" "r" "$(ls -A "$WORK/dry")"
expect_eq "... mode 0600" 600 "$(stat -c %a "$(j 'd["rejects_file"]')")"

# A number on the command line is a number: a word or one out of range is refused, naming the
# option, and never taken as 0 (which would have meant "no limit").
for bad in "leads list --limit ten" "leads list --offset -3" "report list --limit 1e3" \
           "sentence-change apply --term twelve"; do
    rc=0; "$ZHIJIAN" $bad --db "$WORK/none.db" 2>"$WORK/err" >/dev/null || rc=$?
    opt=$(grep -o -- '--[a-z]*' <<<"${bad#* * }" | head -1)
    expect_eq "$bad: usage error" 2 "$rc"
    expect_match "$bad: names $opt" "^zhijian: $opt: " "$(cat "$WORK/err")"
done
cd "$WORK"
finish
