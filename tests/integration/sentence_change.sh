#!/usr/bin/env bash
# sentence_change.sh - SC01-SC04 (issue 15): every limit at its boundary on hand-made
# sentence changes (tests/fixtures/sentence_change/README.md), then the generator's planted
# cases: eval precision and recall, near misses silent.
. "$(dirname "$0")/lib.sh"

"$ZHIJIAN" import --quiet "$FIXTURES/sentence_change"
expect_eq "fixture import" 0 $?
expect_eq "every fixture row stored" 53 "$(sql "SELECT count(*) FROM sentence_change")"
"$ZHIJIAN" detect --quiet --only SC01 --only SC02 --as-of 2022-12-31
expect_eq "detect exit" 0 $?
changes() {  # changes CODE: the change numbers with a lead of CODE
    sql "SELECT coalesce(group_concat(change_no, ' '), '') FROM (SELECT s.change_no FROM lead l
         JOIN sentence_change s ON s.id = l.subject_id WHERE l.code = '$1'
         AND l.subject_table = 'sentence_change' ORDER BY 1)"
}
# F01 F02: 12 months served exactly (lawful) vs one day short; F03 F04: 18 months to a month's
# last day (the pending application is checked too); F05 F06: a cut of 9 vs 10 months;
# F07 F08: the interval of a year exact vs one day short; F09 F10: the interval after a
# 20-month cut for major merit must be 20 months; F11 F12: all reductions taking off more
# than half the original term vs exactly half; F13 F14: parole at half the term vs a day
# before; F15 refused, F16 major merit (exempt from waiting); F17 F18: 18 months from a
# month's last day (2020-04-30) end on the corresponding day 2021-10-30 (Civil Code art. 202),
# not on the month's last day as procedural periods do: F17 on it is lawful; S13 a duty offender below even
# the general waiting time (SC01, not SC02).
expect_eq "SC01: each general limit broken, nothing at the limit" \
    "F02 F04 F06 F08 F09B F11B F14 F18 S13" "$(changes SC01)"
# S01 S02: a bribery term of 8 years, 24 months exact vs a day short (法释〔2019〕6号);
# S03 S04: cut of 6 vs 7 months; S05: an 8-month cut before 2019-06-01 (2016 art. 7: 12);
# S06 S07: 12-year term, 36 months; S08 S09: a recidivist at 20 vs 24 months; S10 a
# recidivist paroled; S11 S12: robbery with 120 (barred) vs 119 months paroled.
expect_eq "SC02: each stricter limit broken, nothing at the limit" \
    "S02 S04 S06 S08 S10 S11" "$(changes SC02)"
# K01-K05: five lawful bribery reductions in prison JY06 in 2021-Q2 (no others there): a cluster;
# L01-L04 in JY07: four, not one
expect_eq "SC02 cluster: one prison and quarter" "JY06 2021-Q2 5" \
    "$(sql "SELECT group_concat(u.unit_code || ' ' || substr(l.path, instr(l.path, '2021-Q'), 7) || ' ' || (SELECT count(*) FROM lead_evidence e WHERE e.lead_id = l.id), ';') FROM lead l JOIN unit u ON u.id = l.subject_id WHERE l.code = 'SC02' AND l.subject_table = 'unit'")"
expect_match "SC01 explains the waiting time and its due date" "执行不满12个月（2021-01-15 方满）" \
    "$(sql "SELECT l.explanation FROM lead l JOIN sentence_change s ON s.id = l.subject_id WHERE s.change_no = 'F02'")"
expect_match "SC01 explains the previous cut" "shorter than the previous cut" \
    "$(sql "SELECT l.explanation FROM lead l JOIN sentence_change s ON s.id = l.subject_id WHERE s.change_no = 'F09B'")"
expect_match "SC02 names the 2019 provisions" "法释〔2019〕6号" \
    "$(sql "SELECT l.explanation FROM lead l JOIN sentence_change s ON s.id = l.subject_id WHERE s.change_no = 'S04'")"
expect_eq "the lead is for the prison" "JY01" \
    "$(sql "SELECT l.unit_code FROM lead l JOIN sentence_change s ON s.id = l.subject_id WHERE s.change_no = 'F02'")"

# M01 M02: the re-examination due on the reference day is not late, the one due the day before
# is; M03: never re-examined, three months from the decision; M04: the term is over; M05 refused
"$ZHIJIAN" detect --quiet --only SC03 --as-of 2022-12-30
expect_eq "SC03: re-examination overdue (not: due today, term over, refused)" "M01 M03" "$(changes SC03)"
expect_match "SC03 explains when it was due" "2022-12-29 到期，至 2022-12-30 已逾期1天" \
    "$(sql "SELECT l.explanation FROM lead l JOIN sentence_change s ON s.id = l.subject_id WHERE s.change_no = 'M01'")"

# T01: plaintiff and new legal representative while serving (not: the suit against them);
# T02: plaintiff after a lawful medical parole; T03 T04: a suit filed on the day the term
# ends vs the day before. SC04 needs the prisoners resolved.
"$ZHIJIAN" link --quiet
expect_eq "link" 0 $?
"$ZHIJIAN" detect --quiet --only SC04 --as-of 2022-12-30
expect_eq "SC04: serving prisoners acting outside (not: sued, released, term over)" "T01 T04" "$(changes SC04)"
# W05 W06: prisoners known only from the roster: a shareholder while held vs on release day
expect_eq "SC04 on the roster: held, not released" "W05" \
    "$(sql "SELECT coalesce(group_concat(p.prisoner_no), '') FROM lead l JOIN prisoner p ON p.id = l.subject_id WHERE l.code = 'SC04' AND l.subject_table = 'prisoner'")"
expect_match "SC04 lists both appearances" "原告.*2021-03-01.*法定代表人.*2021-05-01" \
    "$(sql "SELECT l.explanation FROM lead l JOIN sentence_change s ON s.id = l.subject_id WHERE s.change_no = 'T01'")"
expect_eq "SC04: the case party and the role are evidence" "case_party enterprise_role sentence_change" \
    "$(sql "SELECT group_concat(t, ' ') FROM (SELECT DISTINCT e.table_name t FROM lead_evidence e JOIN lead l ON l.id = e.lead_id JOIN sentence_change s ON s.id = l.subject_id WHERE s.change_no = 'T01' ORDER BY 1)")"

# the rules decide: a stricter first wait for terms under 5 years moves F01 in
cp "$SRCDIR/rules/detectors.yaml" "$WORK/rules.yaml"
sed -i 's/^    first_months_under_5y: 12 /    first_months_under_5y: 13 /' "$WORK/rules.yaml"
"$ZHIJIAN" detect --quiet --only SC01 --as-of 2022-12-31 --rules "$WORK/rules.yaml"
expect_match "rules: 13 months makes F01 a lead" "^F01 F02 " "$(changes SC01)"

# ---- the generator's planted cases ---------------------------------------------------------
export ZHIJIAN_DB="$WORK/gen.db"
"$ZHIJIAN" gen --seed 3 --scale tiny --out "$WORK/p" --quiet
"$ZHIJIAN" import --quiet --max-errors -1 --rejects "$WORK/rej" "$WORK/p"
"$ZHIJIAN" link --quiet
"$ZHIJIAN" detect --quiet --only SC01 --only SC02 --only SC03 --only SC04 --as-of 2021-12-31
"$ZHIJIAN" eval --truth "$WORK/p" --json > "$WORK/eval.json"
for code in SC01 SC02 SC03 SC04; do
    read -r p r t nm <<<"$(python3 -c "
import json,sys
d = json.load(open(sys.argv[1]))['detectors'][sys.argv[2]]
print(d['precision'], d['recall'], d['truth'], d['near_miss_hits'])" "$WORK/eval.json" "$code")"
    echo "  $code: precision $p recall $r (truth $t, near-miss hits $nm)"
    expect_match "$code planted in tiny" "^[1-9]" "$t"
    expect_eq "$code precision >= 0.95" 1 "$(python3 -c "print(int($p >= 0.95))")"
    expect_eq "$code recall >= 0.95" 1 "$(python3 -c "print(int($r >= 0.95))")"
    expect_eq "$code near misses do not fire" 0 "$nm"
done
finish
