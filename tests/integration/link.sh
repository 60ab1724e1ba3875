#!/usr/bin/env bash
# link.sh - entity resolution end to end on a small hand-made province: IDs (also 15-digit and
# traditional-character spellings), homophones with a shared phone, ID conflicts, namesakes
# with different IDs, an ambiguous ID-less namesake, enterprises by credit code and by name,
# reviewers' decisions, incremental runs with stable ids, explanations and masking. A background
# population and registry (population.csv, complaints.csv, enterprises.csv and the last 200 rows
# of roles.csv: 400 people, 200 companies, generated once with a fixed seed) gives
# the model realistic frequencies to estimate from.
. "$(dirname "$0")/lib.sh"
F=$FIXTURES/link
cp -r "$F" "$WORK/in"
mv "$WORK/in/parties2.csv.later" "$WORK/parties2.csv"
"$ZHIJIAN" import --quiet --rejects "$WORK/rej" "$WORK/in"
expect_eq "import" 0 $?
out=$("$ZHIJIAN" link --json); rc=$?
expect_eq "link exit" 0 "$rc"
j() { printf '%s' "$out" | python3 -c "import json,sys; print(json.load(sys.stdin)$1)"; }
expect_eq "person mentions" 1016 "$(j '["person"]["mentions"]')"
expect_eq "enterprise entities" 202 "$(j '["enterprise"]["entities"]')"

ent() { sql "SELECT entity_id FROM mention WHERE table_name = '$1' AND role = '$2' AND name = '$3' AND coalesce(id_no, '') = '$4'"; }
zw=$(ent officer self 张伟 610113198503120037)
expect_eq "15-digit ID in traditional characters is the same person" "$zw" "$(ent enterprise_role person 張偉 610113198503120037)"
expect_eq "homophone with the same phone is the same person" "$zw" "$(ent case_party party 章伟 '')"
zm=$(ent officer self 赵敏 610113198503120037)
[ "$zm" != "$zw" ]; expect_eq "an ID with the wrong sex is not merged" 0 $?
expect_eq "the conflict is recorded" "sex differs from the resident ID" \
    "$(sql "SELECT reason FROM link_conflict c JOIN mention m ON m.id = c.mention_id WHERE m.name = '赵敏'")"
expect_eq "relative and shareholder with one ID" "$(ent officer_relative self 李娜 610113198705200043)" \
    "$(ent enterprise_role person 李娜 610113198705200043)"
expect_eq "an ID mistyped in its region still meets the right person (name + ID tail)" \
    "$(ent officer_relative self 李娜 610113198705200043)" "$(ent case_party party 李娜 610213198705200043)"
wf=$(ent officer_relative self 王芳 610103199001010067)
wf2=$(ent case_party party 王芳 610102198008080075)
[ "$wf" != "$wf2" ]; expect_eq "namesakes with different IDs stay apart" 0 $?
expect_eq "an ID-less shareholder of the company she represents is the same person" "$wf" \
    "$(sql "SELECT m.entity_id FROM mention m JOIN enterprise_role r ON r.id = m.record_id WHERE m.table_name = 'enterprise_role' AND m.role = 'person' AND r.person_name = '王芳' AND r.person_id_no IS NULL AND r.uscc = '91610113MA6U54321P'")"
noid=$(ent complaint complainant 王芳 '')
[ "$noid" != "$wf" ] && [ "$noid" != "$wf2" ]; expect_eq "a name alone links nobody" 0 $?
amb=$(sql "SELECT m.entity_id FROM mention m JOIN enterprise_role r ON r.id = m.record_id WHERE m.table_name = 'enterprise_role' AND m.role = 'person' AND r.person_name = '王芳' AND r.role = 'supervisor'")
[ "$amb" != "$wf" ] && [ "$amb" != "$wf2" ]; expect_eq "an ID-less namesake of two people at one company is not guessed" 0 $?
expect_eq "and is flagged for review" 1 \
    "$(sql "SELECT count(*) FROM link_conflict c JOIN mention m ON m.id = c.mention_id WHERE m.name = '王芳' AND reason LIKE 'matches two%'")"
expect_eq "enterprise by name and a mistyped credit code" 1 \
    "$(sql "SELECT count(DISTINCT entity_id) FROM mention WHERE kind = 'enterprise' AND name_key = '某某商贸'")"
expect_eq "relations: spouses" 2 "$(sql "SELECT count(*) FROM relation WHERE kind = 'relative' AND role = 'spouse'")"
expect_eq "relation officer -> spouse" "$(ent officer_relative self 李娜 610113198705200043)" \
    "$(sql "SELECT dst_entity FROM relation WHERE kind = 'relative' AND src_entity = $zw")"
expect_eq "relation spouse -> shareholding" "shareholder|30.0" \
    "$(sql "SELECT role, share_pct FROM relation WHERE kind = 'enterprise_role' AND src_entity = (SELECT entity_id FROM mention WHERE name = '李娜' LIMIT 1)")"

expect_match "an enterprise's people are found by index (partial: relations with a destination entity)" \
    "USING INDEX relation_dst" \
    "$(sql "EXPLAIN QUERY PLAN SELECT src_entity FROM relation WHERE dst_entity = 1 AND kind = 'enterprise_role'")"
expect_match "a case's parties in the graph are found by index (TV04's borrowers)" \
    "USING INDEX relation_dst_record" \
    "$(sql "EXPLAIN QUERY PLAN SELECT count(DISTINCT src_entity) FROM relation WHERE kind = 'case_party' AND dst_table = 'court_case' AND dst_record = 1")"
expect_eq "background: registry and complaints by ID" 400 \
    "$(sql "SELECT count(DISTINCT entity_id) FROM mention WHERE table_name IN ('person', 'complaint') AND id_no IS NOT NULL")"

# -- a first run writes mentions from memory: the store must be whole and the same each time --
expect_eq "no dangling references after a first run" "" "$(sql "PRAGMA foreign_key_check")"
expect_eq "a first run numbers mentions 1..n in the order of their key (table, record, role)" \
    "0|$(sql "SELECT count(*) FROM mention")" \
    "$(sql "SELECT count(*), (SELECT max(id) FROM mention) FROM mention a JOIN mention b ON b.id = a.id + 1
            WHERE a.table_name > b.table_name OR (a.table_name = b.table_name
              AND (a.record_id > b.record_id OR (a.record_id = b.record_id AND a.role > b.role)))")"
# a record id too large for that order's packed key: ids then follow extraction order
ZHIJIAN_DB="$WORK/bigid.db" "$ZHIJIAN" import --quiet --rejects "$WORK/rej3" "$WORK/in"
sqlite3 "$WORK/bigid.db" "UPDATE officer SET id = 1152921504606846976 WHERE name = '张伟'"
ZHIJIAN_DB="$WORK/bigid.db" "$ZHIJIAN" link --quiet
expect_eq "a huge record id: linked all the same" "$(sql "SELECT count(*) FROM mention")|1" \
    "$(sqlite3 "$WORK/bigid.db" "SELECT count(*), (SELECT count(*) FROM mention m JOIN mention o ON o.entity_id = m.entity_id
        WHERE m.record_id = 1152921504606846976 AND o.table_name = 'enterprise_role' AND o.name = '張偉') FROM mention")"
expect_eq "a huge record id: ids in extraction order, persons first" "1|1" \
    "$(sqlite3 "$WORK/bigid.db" "SELECT (SELECT min(id) FROM mention WHERE kind = 'enterprise') = (SELECT count(*) FROM mention WHERE kind = 'person') + 1,
        (SELECT table_name || record_id FROM mention WHERE id = 1) = 'officer' || (SELECT min(id) FROM officer)")"
mentions_dump() { sqlite3 -batch -noheader "$1" "SELECT * FROM mention ORDER BY id" | md5sum; }
first=$(mentions_dump "$ZHIJIAN_DB")
ZHIJIAN_DB="$WORK/again.db" "$ZHIJIAN" import --quiet --rejects "$WORK/rej2" "$WORK/in"
ZHIJIAN_DB="$WORK/again.db" "$ZHIJIAN" link --quiet
expect_eq "mention ids, forms and entities do not depend on thread timing" "$first" \
    "$(mentions_dump "$WORK/again.db")"
ZHIJIAN_DB="$WORK/again.db" "$ZHIJIAN" link --quiet --reextract
expect_eq "re-extracting into the stored mentions changes nothing" "$first" \
    "$(mentions_dump "$WORK/again.db")"

# -- a re-run keeps every entity id ----------------------------------------------------------
assignments() { sql "SELECT group_concat(a) FROM (SELECT id || ':' || entity_id AS a FROM mention WHERE id <= ${1:-1000000} ORDER BY id)"; }
before=$(assignments)
decided() { sql "SELECT group_concat(x, ';') FROM (SELECT mention_id || '/' || coalesce(other_mention_id, '') || '/' || reason AS x FROM link_conflict
                 UNION ALL SELECT mention_a || '-' || mention_b || '/' || coalesce(round(weight, 6), 'id') FROM link_edge ORDER BY 1)"; }
before_decided=$(decided)
"$ZHIJIAN" link --quiet
expect_eq "stable ids on re-run" "$before" "$(assignments)"
expect_eq "a re-run of a first run makes the same links and flags the same conflicts" "$before_decided" "$(decided)"

# -- explanations and masking ----------------------------------------------------------------
m1=$(sql "SELECT id FROM mention WHERE name = '张伟'"); m14=$(sql "SELECT id FROM mention WHERE name = '章伟'")
ex=$("$ZHIJIAN" link explain "$m1" "$m14")
expect_match "explain shows the name level" "name +same pinyin" "$ex"
expect_match "explain shows the phone" "phone +same" "$ex"
ex=$("$ZHIJIAN" link explain "$(sql "SELECT id FROM mention WHERE id_no = '610103199001010067' LIMIT 1")" \
     "$(sql "SELECT id FROM mention WHERE id_no = '610102198008080075' LIMIT 1")")
expect_match "explain: different IDs decide" "different resident IDs: never the same person" "$ex"
show=$("$ZHIJIAN" link show "$zw")
expect_match "show masks IDs" "610113\*\*\*\*\*\*\*\*0037" "$show"
if printf '%s' "$show" | grep -q 610113198503120037; then expect_eq "no full ID without --unmask" x y; fi
expect_match "show --unmask" "610113198503120037" "$("$ZHIJIAN" link show --unmask "$zw")"

# -- reviewers' decisions win and survive re-runs ---------------------------------------------
"$ZHIJIAN" link review "$m1" "$m14" reject --by 审核员甲 --quiet
expect_eq "review exit" 0 $?
"$ZHIJIAN" link --quiet
[ "$(ent case_party party 章伟 '')" != "$zw" ]; expect_eq "rejected pair split" 0 $?
expect_eq "the officer keeps his entity id" "$zw" "$(ent officer self 张伟 610113198503120037)"
"$ZHIJIAN" link review "$(sql "SELECT m.id FROM mention m JOIN enterprise_role r ON r.id = m.record_id WHERE m.table_name = 'enterprise_role' AND m.role = 'person' AND r.person_name = '王芳' AND r.role = 'supervisor'")" \
    "$(sql "SELECT id FROM mention WHERE id_no = '610103199001010067' AND table_name = 'officer_relative'")" \
    confirm --by 审核员乙 --note "工商档案复印件核实" --quiet
"$ZHIJIAN" link --quiet
expect_eq "confirmed pair joined" "$wf" \
    "$(sql "SELECT m.entity_id FROM mention m JOIN enterprise_role r ON r.id = m.record_id WHERE m.table_name = 'enterprise_role' AND m.role = 'person' AND r.person_name = '王芳' AND r.role = 'supervisor'")"
err=$("$ZHIJIAN" link review "$m1" "$m14" maybe --by x 2>&1); rc=$?
expect_eq "bad decision exit" 2 "$rc"
expect_match "bad decision message" "decision must be confirm, reject or unsure" "$err"

# -- incremental: a new batch joins existing entities, ids stay -------------------------------
before=$(assignments)
last=$(sql "SELECT max(id) FROM mention")
"$ZHIJIAN" import --quiet -m "$F/party.mapping.yaml" "$WORK/parties2.csv"
out=$("$ZHIJIAN" link --incremental --json)
expect_eq "incremental: one new mention" 1 "$(j '["person"]["new_mentions"]')"
expect_eq "incremental: old assignments unchanged" "$before" "$(assignments "$last")"
expect_eq "incremental: the new party is the officer's spouse" \
    "$(ent officer_relative self 李娜 610113198705200043)" "$(ent case_party party 李娜 610113198705200043)"
finish
