/* test_mapping_v2.c - unit tests for mapping format v2 (mapping_v2.c, derive.c, lookup.c and
 * the v2 paths of map_row.c): derived values, conditions, rows:, code tables with empty
 * outputs, numbers, look-ups, extra and files: matching. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "ingest/derive.h"
#include "ingest/lookup.h"
#include "ingest/mapping.h"

/* Stand-ins for the store's court_case and case_event tables (with migration 7's extra). */
static const zj_column case_columns[] = {
    {"case_no", ZJ_TYPE_TEXT, true},        {"case_type", ZJ_TYPE_TEXT, false},
    {"court_code", ZJ_TYPE_TEXT, false},    {"filed_at", ZJ_TYPE_TIMESTAMP, false},
    {"closed_at", ZJ_TYPE_TIMESTAMP, false}, {"transferred_at", ZJ_TYPE_TIMESTAMP, false},
    {"claim_amount", ZJ_TYPE_REAL, false},  {"extension_days", ZJ_TYPE_INTEGER, false},
    {"status", ZJ_TYPE_TEXT, false},        {"cause", ZJ_TYPE_TEXT, false},
    {"year", ZJ_TYPE_INTEGER, false},       {"share_pct", ZJ_TYPE_REAL, false},
    {"extra", ZJ_TYPE_TEXT, false},
};
static const zj_table case_table = {"court_case", case_columns, 13};
static const zj_column event_columns[] = {
    {"case_system", ZJ_TYPE_TEXT, true}, {"case_no", ZJ_TYPE_TEXT, true},
    {"node", ZJ_TYPE_TEXT, true},        {"occurred_at", ZJ_TYPE_TIMESTAMP, true},
    {"days", ZJ_TYPE_INTEGER, false},    {"note", ZJ_TYPE_TEXT, false},
    {"extra", ZJ_TYPE_TEXT, false},
};
static const zj_table event_table = {"case_event", event_columns, 7};

static zj_mapping *parse_ok(const char *text)
{
    zj_mapping *m = NULL;
    zj_error err = {0};
    if (zj_mapping_parse(text, strlen(text), "t.yaml", &m, &err))
        fail_msg("unexpected error: %s", err.msg);
    if (zj_mapping_bind(m, &case_table, &err))
        fail_msg("unexpected bind error: %s", err.msg);
    for (size_t t = 0; t < m->nrows; t++)
        if (zj_mapping_bind_target(m, &m->rows[t], &event_table, &err))
            fail_msg("unexpected bind error: %s", err.msg);
    return m;
}

static void expect_error(const char *text, const char *needle)
{
    zj_mapping *m = NULL;
    zj_error err = {0};
    int rc = zj_mapping_parse(text, strlen(text), "t.yaml", &m, &err);
    if (rc == ZJ_OK) {
        rc = zj_mapping_bind(m, &case_table, &err);
        for (size_t t = 0; !rc && t < m->nrows; t++)
            rc = zj_mapping_bind_target(m, &m->rows[t], &event_table, &err);
        zj_mapping_free(m);
    }
    assert_int_equal(rc, ZJ_EUSAGE);
    if (!strstr(err.msg, needle))
        fail_msg("error '%s' does not contain '%s'", err.msg, needle);
}

/* A mapper over a header of column names. */
typedef struct fixture {
    zj_mapping *m;
    zj_row_mapper *rm;
    const char **hdr;
    size_t n;
    zj_span hs[32], rs[32];
    zj_mapped out;
    const char *bad;
    zj_error err;
} fixture;

static void open_fx(fixture *fx, const char *text, const char **hdr, size_t n)
{
    memset(fx, 0, sizeof *fx);
    fx->m = parse_ok(text);
    fx->hdr = hdr;
    fx->n = n;
    for (size_t i = 0; i < n; i++)
        fx->hs[i] = (zj_span){hdr[i], strlen(hdr[i])};
    zj_row header = {fx->hs, n, 1, NULL};
    if (zj_row_mapper_new(fx->m, &header, &fx->rm, &fx->err))
        fail_msg("mapper: %s", fx->err.msg);
}

static void close_fx(fixture *fx)
{
    zj_row_mapper_free(fx->rm);
    zj_mapping_free(fx->m);
}

static zj_row row_of(fixture *fx, const char **cells)
{
    for (size_t i = 0; i < fx->n; i++)
        fx->rs[i] = cells[i] ? (zj_span){cells[i], strlen(cells[i])} : (zj_span){NULL, 0};
    return (zj_row){fx->rs, fx->n, 2, NULL};
}

static int apply(fixture *fx, const char **cells)
{
    zj_row row = row_of(fx, cells);
    memset(&fx->err, 0, sizeof fx->err);
    int rc = zj_mapping_apply(fx->rm, &row, &fx->out, &fx->bad, &fx->err);
    if (rc)
        print_message("(rejected: %s)\n", fx->err.msg);
    return rc;
}

/* Value of canonical field `name` in the last mapped main record, as text ("" when NULL). */
static const char *text_of(fixture *fx, const zj_value *values, const zj_field_map *fs,
                           size_t n, const char *name)
{
    (void)fx;
    static char buf[512];
    for (size_t i = 0; i < n; i++)
        if (strcmp(fs[i].field, name) == 0) {
            const zj_value *v = &values[i];
            if (v->is_null)
                return "";
            if (fs[i].type == ZJ_TYPE_INTEGER || fs[i].type == ZJ_TYPE_BOOL)
                snprintf(buf, sizeof buf, "%lld", (long long)v->i);
            else if (fs[i].type == ZJ_TYPE_REAL)
                snprintf(buf, sizeof buf, "%.10g", v->r);
            else
                snprintf(buf, sizeof buf, "%.*s", (int)v->len, v->text);
            return buf;
        }
    return "-";                  /* the record has no such field */
}

#define MAIN(fx, name) text_of(fx, (fx)->out.values, (fx)->m->fields, (fx)->m->nfields, name)


static void test_derived_case_no(void **state)
{
    (void)state;
    const char *hdr[] = {"案号", "案由"};
    fixture fx;
    open_fx(&fx,
            "source_system: court_cms\ntable: court_case\nkey: [case_no]\n"
            "derived:\n  ah: {column: 案号, parse: case_no}\n"
            "fields:\n"
            "  case_no: {derived: ah}\n"
            "  case_type: {derived: ah.type}\n"
            "  court_code: {derived: ah.court_region}\n"
            "  year: {derived: ah.year}\n"
            "  cause: {derived: ah.court}\n",
            hdr, 2);
    assert_int_equal(apply(&fx, (const char *[]){"（２０２２）陕0104民初２号", "x"}), ZJ_OK);
    assert_string_equal(MAIN(&fx, "case_no"), "（2022）陕0104民初2号");
    assert_string_equal(MAIN(&fx, "case_type"), "民初");
    assert_string_equal(MAIN(&fx, "court_code"), "610104");
    assert_string_equal(MAIN(&fx, "year"), "2022");
    assert_string_equal(MAIN(&fx, "cause"), "陕0104");
    /* intermediate court: the city's region; the raw 案号 feeds the model, so no extra */
    assert_int_equal(apply(&fx, (const char *[]){"(2021)陕01刑终9号", "x"}), ZJ_OK);
    assert_string_equal(MAIN(&fx, "court_code"), "610100");
    assert_string_equal(MAIN(&fx, "case_type"), "刑终");
    /* a number the parser refuses rejects the row, naming the field and the reason */
    assert_int_equal(apply(&fx, (const char *[]){"（2022）陕0104X2号", "x"}), ZJ_EDATA);
    assert_string_equal(fx.bad, "case_no");
    assert_non_null(strstr(fx.err.msg, "cannot parse case number"));
    /* a missing column value leaves every part missing: case_no is required */
    assert_int_equal(apply(&fx, (const char *[]){"", "x"}), ZJ_EDATA);
    assert_non_null(strstr(fx.err.msg, "required value is missing"));
    close_fx(&fx);

    /* invalid: missing keeps the row, with the parts missing */
    open_fx(&fx,
            "source_system: court_cms\ntable: court_case\n"
            "derived:\n  ah: {column: 案号, parse: case_no, invalid: missing}\n"
            "fields:\n  case_no: 案号\n  case_type: {derived: ah.type}\n",
            hdr, 2);
    assert_int_equal(apply(&fx, (const char *[]){"乱写的号", "x"}), ZJ_OK);
    assert_string_equal(MAIN(&fx, "case_type"), "");
    close_fx(&fx);
}

static void test_derived_regex_substr_ids(void **state)
{
    (void)state;
    const char *hdr[] = {"部门受案号", "身份证号", "信用代码", "编号"};
    fixture fx;
    open_fx(&fx,
            "source_system: p\ntable: court_case\n"
            "derived:\n"
            "  dept: {column: 部门受案号, regex: '\\[(\\d{4})\\](?<unit>\\d{6})'}\n"
            "  sfz: {column: 身份证号, parse: resident_id}\n"
            "  xy: {column: 信用代码, parse: uscc}\n"
            "  yr: {column: 编号, substr: [-4]}\n"
            "  head: {column: 编号, substr: [0, 2]}\n"
            "fields:\n"
            "  case_no: {derived: dept.0}\n"
            "  year: {derived: dept}\n"
            "  court_code: {derived: dept.unit}\n"
            "  filed_at: {derived: sfz.birth_date}\n"
            "  case_type: {derived: sfz.sex}\n"
            "  cause: {derived: xy.region}\n"
            "  status: {derived: yr}\n"
            "  closed_at: {derived: head, when: {derived: head, equals: 编号}}\n",
            hdr, 4);
    assert_int_equal(apply(&fx, (const char *[]){"雁检刑诉受[2022]610113000012号",
                                                  "11010519491231002X",
                                                  "91350100M000100Y43", "AB2023"}),
                     ZJ_OK);
    assert_string_equal(MAIN(&fx, "case_no"), "[2022]610113");
    assert_string_equal(MAIN(&fx, "year"), "2022");
    assert_string_equal(MAIN(&fx, "court_code"), "610113");
    assert_string_equal(MAIN(&fx, "filed_at"), "1949-12-31 00:00:00");
    assert_string_equal(MAIN(&fx, "case_type"), "F");
    assert_string_equal(MAIN(&fx, "cause"), "350100");
    assert_string_equal(MAIN(&fx, "status"), "2023");
    /* substr counts characters: [0, 2] is 编号, which is not a date */
    assert_int_equal(apply(&fx, (const char *[]){"[2022]610113", "", "", "编号１2023"}), ZJ_EDATA);
    assert_string_equal(fx.bad, "closed_at");
    assert_non_null(strstr(fx.err.msg, "cannot parse date '编号'"));
    close_fx(&fx);

    /* no match: parts missing (case_no is required, so the row is rejected for that) */
    open_fx(&fx,
            "source_system: p\ntable: court_case\n"
            "derived:\n  d: {column: 部门受案号, regex: '(\\d{6})号$'}\n"
            "fields:\n  case_no: 部门受案号\n  court_code: {derived: d}\n",
            hdr, 4);
    assert_int_equal(apply(&fx, (const char *[]){"没有数字", "", "", ""}), ZJ_OK);
    assert_string_equal(MAIN(&fx, "court_code"), "");
    assert_int_equal(apply(&fx, (const char *[]){"X610113号", "", "", ""}), ZJ_OK);
    assert_string_equal(MAIN(&fx, "court_code"), "610113");
    close_fx(&fx);
}

static void test_conditions(void **state)
{
    (void)state;
    const char *hdr[] = {"案号", "案件状态", "状态时间", "天数"};
    fixture fx;
    open_fx(&fx,
            "source_system: p\ntable: court_case\nkey: [case_no]\n"
            "fields:\n"
            "  case_no: 案号\n"
            "  transferred_at: {column: 状态时间, when: {column: 案件状态, equals: 移送起诉}}\n"
            "  closed_at: {column: 状态时间, when: {column: 案件状态, in: [撤案, 撤销案件]}}\n"
            "  extension_days: {column: 天数, number: plain, when: {column: 天数, gt: 0},"
            " default: '-1'}\n"
            "  status: {const: long, when: {any: [{column: 天数, ge: 30}, "
            "{column: 案件状态, matches: '^撤'}]}}\n"
            "  cause: {const: open, when: {not: {column: 状态时间, present: true}}}\n",
            hdr, 4);
    assert_int_equal(apply(&fx, (const char *[]){"A1", "移送起诉", "2022-05-20", "0"}), ZJ_OK);
    assert_string_equal(MAIN(&fx, "transferred_at"), "2022-05-20 00:00:00");
    assert_string_equal(MAIN(&fx, "closed_at"), "");
    assert_string_equal(MAIN(&fx, "extension_days"), "-1");   /* condition false: default */
    assert_string_equal(MAIN(&fx, "status"), "");
    assert_string_equal(MAIN(&fx, "cause"), "");
    assert_int_equal(apply(&fx, (const char *[]){"A2", "撤案", "2022-06-01", "３０"}), ZJ_OK);
    assert_string_equal(MAIN(&fx, "transferred_at"), "");
    assert_string_equal(MAIN(&fx, "closed_at"), "2022-06-01 00:00:00");
    assert_string_equal(MAIN(&fx, "extension_days"), "30");
    assert_string_equal(MAIN(&fx, "status"), "long");
    assert_int_equal(apply(&fx, (const char *[]){"A3", "在办", "", "abc"}), ZJ_OK);
    assert_string_equal(MAIN(&fx, "cause"), "open");
    assert_string_equal(MAIN(&fx, "status"), "");              /* non-numeric: gt is false */
    close_fx(&fx);

    /* a top-level when skips whole rows */
    open_fx(&fx,
            "source_system: p\ntable: court_case\n"
            "when: {column: 案件状态, not_in: [汇总, 合计]}\n"
            "fields: {case_no: 案号}\n",
            hdr, 4);
    assert_int_equal(apply(&fx, (const char *[]){"A1", "合计", "", ""}), ZJ_OK);
    assert_true(fx.out.skipped);
    assert_int_equal(apply(&fx, (const char *[]){"A1", "在办", "", ""}), ZJ_OK);
    assert_false(fx.out.skipped);
    close_fx(&fx);
}

/* The records rows: entries make from the row last applied: "name#index node days" lines. */
static void collect(fixture *fx, char *out, size_t cap)
{
    out[0] = '\0';
    size_t t;
    zj_mapped rec;
    const char *bad;
    zj_error err = {0};
    int got;
    zj_row cur = {fx->rs, fx->n, 2, NULL};
    while ((got = zj_mapping_next_record(fx->rm, &cur, &t, &rec, &bad, &err)) == 1) {
        const zj_target *tg = &fx->m->rows[t];
        const char *key_tail = memchr(rec.key, '\x1f', rec.key_len);
        size_t used = strlen(out);
        char node[64];
        snprintf(node, sizeof node, "%s", text_of(fx, rec.values, tg->fields, tg->nfields, "node"));
        snprintf(out + used, cap - used, "%s[%.*s] %s %s|", tg->name,
                 key_tail ? (int)(rec.key_len - (size_t)(key_tail - rec.key)) : 0,
                 key_tail ? key_tail : "", node,
                 text_of(fx, rec.values, tg->fields, tg->nfields, "days"));
    }
    if (got < 0) {
        size_t used = strlen(out);
        snprintf(out + used, cap - used, "REJECT %s: %s", bad ? bad : "-", err.msg);
    }
}

static void test_rows_fan_out(void **state)
{
    (void)state;
    const char *hdr[] = {"受案号", "受理日期", "退回补充侦查次数", "延长审查起诉", "审限延长天数"};
    fixture fx;
    open_fx(&fx,
            "source_system: procuratorate\ntable: court_case\nkey: [case_no]\n"
            "fields:\n  case_no: 受案号\n  filed_at: 受理日期\n"
            "rows:\n"
            "  - name: returned\n    table: case_event\n"
            "    repeat: {count: 退回补充侦查次数, max: 3}\n"
            "    fields:\n      case_system: {const: procuratorate}\n      case_no: 受案号\n"
            "      node: {const: returned}\n      occurred_at: 受理日期\n"
            "      note: {index: true}\n"
            "  - name: extended\n    table: case_event\n"
            "    when: {column: 延长审查起诉, in: [是, 1]}\n"
            "    fields:\n      case_system: {const: procuratorate}\n      case_no: 受案号\n"
            "      node: {const: extension}\n      occurred_at: 受理日期\n"
            "  - name: days\n    table: case_event\n"
            "    when: {column: 审限延长天数, gt: 0}\n"
            "    fields:\n      case_system: {const: court}\n      case_no: 受案号\n"
            "      node: {const: extension}\n      occurred_at: 受理日期\n"
            "      days: {column: 审限延长天数, number: plain}\n",
            hdr, 5);
    char got[1024];
    assert_int_equal(apply(&fx, (const char *[]){"K1", "2022-03-01", "2", "是", "30"}), ZJ_OK);
    collect(&fx, got, sizeof got);
    assert_string_equal(got, "returned[\x1freturned\x1f" "1] returned -|"
                             "returned[\x1freturned\x1f" "2] returned -|"
                             "extended[\x1f" "extended\x1f" "1] extension -|"
                             "days[\x1f" "days\x1f" "1] extension 30|");
    /* the key starts with the main record's key, so a re-import finds the same records */
    assert_int_equal(apply(&fx, (const char *[]){"K2", "2022-03-01", "0", "否", "0"}), ZJ_OK);
    collect(&fx, got, sizeof got);
    assert_string_equal(got, "");
    assert_int_equal(apply(&fx, (const char *[]){"K3", "2022-03-01", "", "", ""}), ZJ_OK);
    collect(&fx, got, sizeof got);
    assert_string_equal(got, "");
    /* a count that is not a whole number from 0 to max rejects the row */
    assert_int_equal(apply(&fx, (const char *[]){"K4", "2022-03-01", "4", "", ""}), ZJ_OK);
    collect(&fx, got, sizeof got);
    assert_non_null(strstr(got, "REJECT"));
    assert_non_null(strstr(got, "rows[returned] count (column 退回补充侦查次数): '4' is not a "
                                "whole number from 0 to 3"));
    /* a bad value in a generated record rejects it, naming the entry */
    assert_int_equal(apply(&fx, (const char *[]){"K5", "2022-03-01", "1", "是", "3.5"}), ZJ_OK);
    collect(&fx, got, sizeof got);
    assert_non_null(strstr(got, "REJECT days: rows[days] field 'days' (column 审限延长天数)"));
    close_fx(&fx);
}

static void test_rows_unpivot(void **state)
{
    (void)state;
    const char *hdr[] = {"案号", "日期1", "节点1", "日期2", "节点2"};
    fixture fx;
    open_fx(&fx,
            "source_system: c\ntable: court_case\nkey: [case_no]\n"
            "fields:\n  case_no: 案号\n"
            "rows:\n"
            "  - name: node\n    table: case_event\n    key: [case_no, node]\n"
            "    unpivot:\n      - {日期: 日期1, 节点: 节点1}\n      - {日期: 日期2, 节点: 节点2}\n"
            "    fields:\n      case_system: {const: court}\n      case_no: 案号\n"
            "      node: {column: 节点, codes: {开庭: hearing, 宣判: judgment}}\n"
            "      occurred_at: 日期\n",
            hdr, 5);
    char got[1024];
    assert_int_equal(apply(&fx, (const char *[]){"C1", "2022-01-01", "开庭", "2022-02-01", "宣判"}),
                     ZJ_OK);
    collect(&fx, got, sizeof got);
    /* an entry with a key of its own: its records' keys are those fields alone */
    assert_string_equal(got, "node[\x1fhearing] hearing -|node[\x1fjudgment] judgment -|");
    /* an empty group makes no record */
    assert_int_equal(apply(&fx, (const char *[]){"C2", "2022-01-01", "开庭", "", ""}), ZJ_OK);
    collect(&fx, got, sizeof got);
    assert_string_equal(got, "node[\x1fhearing] hearing -|");
    close_fx(&fx);
}

/* A generated record with its own key has the key a plain mapping with that key gives the
 * same fact, so a ledger's counted events and the system's event file are one record each;
 * a repeat keeps its records apart by number unless the key holds the number already. */
static void test_rows_own_key_shared(void **state)
{
    (void)state;
    const char *hdr[] = {"案号", "日期", "次数"};
    fixture fx, plain;
    open_fx(&fx,
            "source_system: p\ntable: court_case\nkey: [case_no]\n"
            "fields:\n  case_no: 案号\n"
            "rows:\n"
            "  - name: transfer\n    table: case_event\n    key: [case_no, node, occurred_at]\n"
            "    fields:\n      case_system: {const: police}\n      case_no: 案号\n"
            "      node: {const: transfer}\n"
            "      occurred_at: 日期\n"
            "  - name: returned\n    table: case_event\n    key: [case_no, node]\n"
            "    repeat: {count: 次数}\n"
            "    fields:\n      case_system: {const: police}\n      case_no: 案号\n"
            "      node: {const: returned}\n      occurred_at: 日期\n"
            "  - name: numbered\n    table: case_event\n    key: [case_no, note]\n"
            "    repeat: {count: 次数}\n"
            "    fields:\n      case_system: {const: police}\n      case_no: 案号\n"
            "      node: {const: other}\n      occurred_at: 日期\n"
            "      note: {index: true}\n",
            hdr, 3);
    /* the system's event file, mapped to case_event directly */
    const char *phdr[] = {"案号", "节点", "日期"};
    const char *ptext = "source_system: p\ntable: case_event\nkey: [case_no, node, occurred_at]\n"
                        "fields:\n  case_system: {const: police}\n  case_no: 案号\n"
                        "  node: 节点\n  occurred_at: 日期\n";
    memset(&plain, 0, sizeof plain);
    assert_int_equal(zj_mapping_parse(ptext, strlen(ptext), "p.yaml", &plain.m, &plain.err), 0);
    assert_int_equal(zj_mapping_bind(plain.m, &event_table, &plain.err), 0);
    plain.hdr = phdr;
    plain.n = 3;
    for (size_t i = 0; i < 3; i++)
        plain.hs[i] = (zj_span){phdr[i], strlen(phdr[i])};
    zj_row pheader = {plain.hs, 3, 1, NULL};
    assert_int_equal(zj_row_mapper_new(plain.m, &pheader, &plain.rm, &plain.err), 0);
    assert_int_equal(apply(&fx, (const char *[]){"C1", "2022-01-01", "2"}), ZJ_OK);
    assert_int_equal(apply(&plain, (const char *[]){"C1", "transfer", "2022-01-01"}), ZJ_OK);
    char want[128];
    int wn = snprintf(want, sizeof want, "%.*s", (int)plain.out.key_len, plain.out.key);
    size_t t;
    zj_mapped rec;
    const char *bad;
    zj_error err = {0};
    zj_row cur = {fx.rs, fx.n, 2, NULL};
    const char *keys[] = {want, "C1\x1freturned\x1f" "1", "C1\x1freturned\x1f" "2",
                          "C1\x1f" "1", "C1\x1f" "2"};
    for (size_t k = 0; k < 5; k++) {
        assert_int_equal(zj_mapping_next_record(fx.rm, &cur, &t, &rec, &bad, &err), 1);
        size_t n = k ? strlen(keys[k]) : (size_t)wn;
        assert_int_equal(rec.key_len, n);
        assert_memory_equal(rec.key, keys[k], n);
    }
    assert_int_equal(zj_mapping_next_record(fx.rm, &cur, &t, &rec, &bad, &err), 0);
    close_fx(&plain);
    close_fx(&fx);
}

static void test_code_tables_v2(void **state)
{
    (void)state;
    const char *hdr[] = {"案号", "状态", "类别"};
    fixture fx;
    open_fx(&fx,
            "source_system: c\ntable: court_case\n"
            "code_tables:\n"
            "  st: {已结: closed, 在办: ~, 暂停: '', _default: ~}\n"
            "  kind: {_keep: true, 民事: civil}\n"
            "fields:\n  case_no: 案号\n  status: {column: 状态, codes: st}\n"
            "  cause: {column: 类别, codes: kind}\n",
            hdr, 3);
    assert_int_equal(apply(&fx, (const char *[]){"A", "已结", "民事"}), ZJ_OK);
    assert_string_equal(MAIN(&fx, "status"), "closed");
    assert_string_equal(MAIN(&fx, "cause"), "civil");
    assert_int_equal(apply(&fx, (const char *[]){"A", "在办", "刑事"}), ZJ_OK);
    assert_true(fx.out.values[1].is_null);      /* ~ is NULL, never '' */
    assert_string_equal(MAIN(&fx, "cause"), "刑事");   /* kept as it is */
    assert_int_equal(apply(&fx, (const char *[]){"A", "暂停", ""}), ZJ_OK);
    assert_true(fx.out.values[1].is_null);
    assert_int_equal(apply(&fx, (const char *[]){"A", "奇怪", ""}), ZJ_OK);
    assert_true(fx.out.values[1].is_null);      /* _default: ~ */
    close_fx(&fx);
}

static void expect_number(int mode, double unit, double bare, const char *s, double want)
{
    double v = -12345;
    if (zj_number_parse((zj_span){s, strlen(s)}, mode, unit, bare, &v))
        fail_msg("'%s' did not parse", s);
    if (v < want - 1e-9 || v > want + 1e-9)
        fail_msg("'%s' gave %.10g, expected %.10g", s, v, want);
}

static void expect_not_number(int mode, const char *s)
{
    double v;
    if (zj_number_parse((zj_span){s, strlen(s)}, mode, 0, 0, &v) == 0)
        fail_msg("'%s' parsed as %g", s, v);
}

/* The stored value is the decimal written, scaled by powers of ten without rounding: the
 * double nearest it (the same as strtod of the scaled text), never a product of doubles. */
static void expect_exact(int mode, double unit, double bare, const char *s, const char *want)
{
    double v = -12345;
    if (zj_number_parse((zj_span){s, strlen(s)}, mode, unit, bare, &v))
        fail_msg("'%s' did not parse", s);
    if (v != strtod(want, NULL))
        fail_msg("'%s' gave %.17g, expected exactly %s", s, v, want);
}

static void test_numbers_exact(void **state)
{
    (void)state;
    expect_exact(ZJ_NUM_AMOUNT, 0, 0, "1.14万元", "11400");        /* not 11399.99999999999 */
    expect_exact(ZJ_NUM_AMOUNT, 0, 0, "1,234.56元", "1234.56");
    expect_exact(ZJ_NUM_AMOUNT, 0, 0, "1.2万元", "12000");
    expect_exact(ZJ_NUM_AMOUNT, 0, 0, "3亿元", "300000000");
    expect_exact(ZJ_NUM_AMOUNT, 0, 0, "0.07万", "700");
    expect_exact(ZJ_NUM_AMOUNT, 0, 0, "-2.53万元", "-25300");
    expect_exact(ZJ_NUM_AMOUNT, 0, 0, "４．０９万元", "40900");       /* full-width digits */
    expect_exact(ZJ_NUM_AMOUNT, 1e4, 0, "1,234.56元", "0.123456");   /* stored in 万元 */
    expect_exact(ZJ_NUM_AMOUNT, 1e4, 1, "33", "0.0033");
    expect_exact(ZJ_NUM_AMOUNT, 1e8, 0, "1.14万元", "0.000114");
    expect_exact(ZJ_NUM_PERCENT, 0, 0, "60%", "60");
    expect_exact(ZJ_NUM_PERCENT, 0, 0, "35.5%", "35.5");
    expect_exact(ZJ_NUM_PERCENT_OR_FRACTION, 0, 0, "0.355", "35.5"); /* 0.355 × 100 = 35.5 */
    expect_exact(ZJ_NUM_PERCENT_OR_FRACTION, 0, 0, "0.07", "7");     /* not 7.000000000000001 */
    expect_exact(ZJ_NUM_PERCENT_OR_FRACTION, 0, 0, "1", "100");
    expect_exact(ZJ_NUM_PLAIN, 0, 0, "-0", "0");

    zj_decimal d;
    int64_t i;
    assert_int_equal(zj_decimal_parse((zj_span){"1.140", 5}, &d), 0);
    assert_int_equal(d.ndigits, 3);                 /* trailing zeros go to the exponent */
    assert_int_equal(d.exp, -2);
    assert_int_equal(zj_decimal_scale(&d, 1e4), 0);
    assert_int_equal(zj_decimal_to_int64(&d, &i), 0);
    assert_int_equal(i, 11400);
    assert_int_equal(zj_decimal_scale(&d, 3), -1);  /* not a power of ten */
    assert_int_equal(zj_decimal_parse((zj_span){"9223372036854775807", 19}, &d), 0);
    assert_int_equal(zj_decimal_to_int64(&d, &i), 0);
    assert_true(i == INT64_MAX);
    assert_int_equal(zj_decimal_parse((zj_span){"9223372036854775808", 19}, &d), 0);
    assert_int_equal(zj_decimal_to_int64(&d, &i), -1);
    assert_int_equal(zj_decimal_parse((zj_span){"-9223372036854775808", 20}, &d), 0);
    assert_int_equal(zj_decimal_to_int64(&d, &i), 0);
    assert_true(i == INT64_MIN);
    assert_int_equal(zj_decimal_parse((zj_span){"2.5", 3}, &d), 0);
    assert_int_equal(zj_decimal_to_int64(&d, &i), -1);   /* a fraction */
    assert_int_equal(zj_decimal_parse((zj_span){"1.5e3", 5}, &d), 0);
    assert_int_equal(zj_decimal_to_int64(&d, &i), 0);
    assert_int_equal(i, 1500);
    assert_int_equal(zj_decimal_parse((zj_span){"1e", 2}, &d), -1);
    assert_int_equal(zj_decimal_parse((zj_span){".", 1}, &d), -1);
    assert_int_equal(zj_decimal_parse((zj_span){"1.2.3", 5}, &d), -1);
    assert_int_equal(zj_decimal_parse((zj_span){"0x10", 4}, &d), -1);

    /* through a mapping: a whole amount in 元 is a whole number, stored as written */
    const char *hdr[] = {"案号", "标的", "天数"};
    fixture fx;
    open_fx(&fx,
            "source_system: c\ntable: court_case\n"
            "fields:\n  case_no: 案号\n"
            "  claim_amount: {column: 标的, number: amount}\n"
            "  extension_days: {column: 天数, number: amount}\n",
            hdr, 3);
    assert_int_equal(apply(&fx, (const char *[]){"A", "1.14万元", "0.03万"}), ZJ_OK);
    assert_true(fx.out.values[1].r == 11400.0);   /* claim_amount, REAL: exactly */
    assert_int_equal(fx.out.values[2].i, 300);     /* extension_days, INTEGER: whole */
    close_fx(&fx);
}

static void test_numbers(void **state)
{
    (void)state;
    expect_number(ZJ_NUM_PERCENT, 0, 0, "60%", 60);
    expect_number(ZJ_NUM_PERCENT, 0, 0, "35.5%", 35.5);
    expect_number(ZJ_NUM_PERCENT, 0, 0, "６０％", 60);
    expect_number(ZJ_NUM_PERCENT, 0, 0, "60", 60);
    expect_number(ZJ_NUM_PERCENT, 0, 0, "0.6", 0.6);
    expect_number(ZJ_NUM_PERCENT_OR_FRACTION, 0, 0, "0.6", 60);
    expect_number(ZJ_NUM_PERCENT_OR_FRACTION, 0, 0, "0.6%", 0.6);
    expect_number(ZJ_NUM_PERCENT_OR_FRACTION, 0, 0, "35", 35);
    expect_number(ZJ_NUM_AMOUNT, 0, 0, "1,234.56元", 1234.56);
    expect_number(ZJ_NUM_AMOUNT, 0, 0, "1.2万元", 12000);
    expect_number(ZJ_NUM_AMOUNT, 1e4, 0, "1.2万元", 1.2);
    expect_number(ZJ_NUM_AMOUNT, 1e4, 0, "1,234.56元", 0.123456);
    expect_number(ZJ_NUM_AMOUNT, 1e4, 1, "50000", 5);             /* bare numbers in 元 */
    expect_number(ZJ_NUM_AMOUNT, 0, 0, "3亿", 3e8);
    expect_number(ZJ_NUM_AMOUNT, 0, 0, "￥1，000", 1000);
    expect_number(ZJ_NUM_AMOUNT, 0, 0, "人民币 5 000 元", 5000);
    expect_number(ZJ_NUM_PLAIN, 0, 0, "−12", -12);
    expect_number(ZJ_NUM_PLAIN, 0, 0, "＋１２．５", 12.5);
    expect_number(ZJ_NUM_PLAIN, 0, 0, "-1,234", -1234);
    expect_number(ZJ_NUM_AMOUNT, 0, 0, "-1,234.56元", -1234.56);
    expect_number(ZJ_NUM_AMOUNT, 0, 0, "１，２３４．５６元", 1234.56);
    expect_number(ZJ_NUM_PERCENT, 0, 0, "-35.5%", -35.5);
    expect_not_number(ZJ_NUM_PLAIN, "60%");          /* a percent where a number is wanted */
    expect_not_number(ZJ_NUM_PLAIN, "1.2万元");
    expect_not_number(ZJ_NUM_AMOUNT, "万元");
    expect_not_number(ZJ_NUM_AMOUNT, "1.2万元5");
    expect_not_number(ZJ_NUM_PLAIN, "1-2");
    expect_not_number(ZJ_NUM_PLAIN, "1.2.3");
    expect_not_number(ZJ_NUM_PLAIN, "inf");
    expect_not_number(ZJ_NUM_PLAIN, "");

    /* through a mapping: the stored unit and the whole-number check */
    const char *hdr[] = {"案号", "标的", "比例", "天数"};
    fixture fx;
    open_fx(&fx,
            "source_system: c\ntable: court_case\n"
            "fields:\n  case_no: 案号\n"
            "  claim_amount: {column: 标的, number: amount, unit: 万元}\n"
            "  share_pct: {column: 比例, number: percent_or_fraction}\n"
            "  extension_days: {column: 天数, number: plain}\n",
            hdr, 4);
    assert_int_equal(apply(&fx, (const char *[]){"A", "1.2万元", "0.6", "１５"}), ZJ_OK);
    assert_string_equal(MAIN(&fx, "claim_amount"), "1.2");
    assert_string_equal(MAIN(&fx, "share_pct"), "60");
    assert_string_equal(MAIN(&fx, "extension_days"), "15");
    assert_int_equal(apply(&fx, (const char *[]){"A", "", "", "1.5"}), ZJ_EDATA);
    assert_non_null(strstr(fx.err.msg, "'1.5' is not a number (whole)"));
    assert_int_equal(apply(&fx, (const char *[]){"A", "很多", "", ""}), ZJ_EDATA);
    assert_non_null(strstr(fx.err.msg, "'很多' is not an amount"));
    close_fx(&fx);
}

static void test_extra(void **state)
{
    (void)state;
    const char *hdr[] = {"案号", "案件状态", "合议庭", "开庭次数", "退回次数"};
    fixture fx;
    open_fx(&fx,
            "source_system: c\ntable: court_case\nkey: [case_no]\n"
            "fields:\n  case_no: 案号\n"
            "  closed_at: {const: '2022-01-01', when: {column: 案件状态, equals: 已结}}\n"
            "extra:\n  panel: 合议庭\n  hearings: {column: 开庭次数, number: plain}\n"
            "rows:\n  - name: r\n    table: case_event\n    repeat: {count: 退回次数}\n"
            "    fields: {case_system: {const: c}, case_no: 案号, node: {const: returned}, "
            "occurred_at: {const: '2022-01-01'}}\n",
            hdr, 5);
    assert_true(fx.m->has_extra);
    assert_int_equal(apply(&fx, (const char *[]){"A", "已结", "张三、\"李四\"", "2", "1"}), ZJ_OK);
    assert_string_equal(MAIN(&fx, "extra"),
                        "{\"panel\":\"张三、\\\"李四\\\"\",\"hearings\":2,\"案件状态\":\"已结\","
                        "\"退回次数\":\"1\"}");
    int64_t h = fx.out.content_hash;
    assert_int_equal(apply(&fx, (const char *[]){"A", "已结", "张三", "2", "1"}), ZJ_OK);
    assert_true(fx.out.content_hash != h);            /* extra is part of the content */
    assert_int_equal(apply(&fx, (const char *[]){"A", "", "", "", ""}), ZJ_OK);
    assert_string_equal(MAIN(&fx, "extra"), "");       /* nothing to keep: NULL */
    close_fx(&fx);
    /* the field itself is the mapping's to fill */
    expect_error("source_system: c\ntable: court_case\nfields: {case_no: a, extra: b}\n"
                 "extra: {x: c}\n", "'extra' is filled by the mapping");
}

static void test_parse_errors_v2(void **state)
{
    (void)state;
    expect_error("source_system: c\ntable: court_case\nfields: {case_no: {derived: nope}}\n",
                 "no derived value 'nope'");
    expect_error("source_system: c\ntable: court_case\nderived: {a: {column: x, parse: case_no}}\n"
                 "fields: {case_no: {derived: a.colour}}\n",
                 "derived value 'a' has no part 'colour'");
    expect_error("source_system: c\ntable: court_case\nderived: {a: {column: x, parse: iban}}\n"
                 "fields: {case_no: x}\n", "unknown parser 'iban'");
    expect_error("source_system: c\ntable: court_case\nderived: {a: {column: x, regex: '(['}}\n"
                 "fields: {case_no: x}\n", "not a valid regular expression");
    expect_error("source_system: c\ntable: court_case\nderived: {a: {regex: 'x'}}\n"
                 "fields: {case_no: x}\n", "needs a 'column'");
    expect_error("source_system: c\ntable: court_case\nderived: {a: {column: x}}\n"
                 "fields: {case_no: x}\n", "needs 'regex', 'substr' or 'parse'");
    expect_error("source_system: c\ntable: court_case\nfields: {case_no: {column: x, when: "
                 "{column: y}}}\n", "the condition has no test");
    expect_error("source_system: c\ntable: court_case\nfields: {case_no: {column: x, when: "
                 "{column: y, equals: 1, in: [2]}}}\n", "a condition has one test");
    expect_error("source_system: c\ntable: court_case\nfields: {case_no: {column: x, when: "
                 "{colum: y, equals: 1}}}\n", "unknown condition key 'colum'");
    /* a repeated test or name is refused before it is parsed (the first one's values,
     * pattern or sub-conditions were leaked when the second overwrote them: a fuzz finding) */
    expect_error("source_system: c\ntable: court_case\nfields: {case_no: {column: x, when: "
                 "{any: [{column: a, equals: 1}], any: [{column: b, equals: 2}]}}}\n",
                 "key 'any' is given twice");
    expect_error("source_system: c\ntable: court_case\nfields: {case_no: {column: x, when: "
                 "{column: y, matches: 'a', matches: 'b'}}}\n", "key 'matches' is given twice");
    expect_error("source_system: c\ntable: court_case\nfields: {case_no: {column: x, when: "
                 "{column: y, column: z, equals: 1}}}\n", "key 'column' is given twice");
    expect_error("source_system: c\ntable: court_case\nfields: {case_no: x}\nrows:\n"
                 "  - {name: r, table: case_event, when: {column: a, present: true},\n"
                 "     when: {column: b, present: true}, fields: {node: x}}\n",
                 "key 'when' is given twice");
    expect_error("source_system: c\ntable: court_case\nfields: {case_no: {column: x, when: "
                 "{column: y, equals: 1, in: [2]}}}\n", "'in' is a second");
    expect_error("source_system: c\ntable: court_case\nfields: {case_no: {column: x, number: "
                 "roman}}\n", "unknown number style 'roman'");
    expect_error("source_system: c\ntable: court_case\nfields: {case_no: x, status: {column: y, "
                 "number: plain}}\n", "'number' is only for numbers");
    expect_error("source_system: c\ntable: court_case\nfields: {case_no: x, claim_amount: "
                 "{column: y, number: amount, unit: 美元}}\n", "unknown unit '美元'");
    expect_error("source_system: c\ntable: court_case\nfields: {case_no: {column: x, lookup: "
                 "{table: unit}}}\n", "'lookup' needs 'table', 'match' and 'return'");
    expect_error("source_system: c\ntable: court_case\nfields: {case_no: x}\n"
                 "rows: [{name: a, table: case_event}]\n", "needs 'name', 'table' and 'fields'");
    expect_error("source_system: c\ntable: court_case\nfields: {case_no: x}\n"
                 "rows: [{name: a, table: case_event, repeat: {count: n}, unpivot: [{a: b}], "
                 "fields: {case_no: x}}]\n", "'repeat' and 'unpivot' do not go together");
    expect_error("source_system: c\ntable: court_case\nfields: {case_no: x}\n"
                 "rows: [{name: a, table: case_event, fields: {case_no: x}}, "
                 "{name: a, table: case_event, fields: {case_no: x}}]\n",
                 "two 'rows' entries are named 'a'");
    expect_error("source_system: c\ntable: court_case\nfields: {case_no: x}\n"
                 "rows: [{name: a, table: case_event, fields: {case_no: x, judge: y}}]\n",
                 "rows[a]: table 'case_event' has no field 'judge'");
    expect_error("source_system: c\ntable: court_case\nfields: {case_no: x}\n"
                 "rows: [{name: a, table: case_event, fields: {case_no: x}}]\n",
                 "rows[a]: table 'case_event' requires field 'case_system'");
    expect_error("source_system: c\ntable: court_case\nfields: {case_no: x}\n"
                 "rows: [{name: a, table: case_event, repeat: {max: nan}, fields: {case_no: x}}]\n",
                 "'max' must be a whole number from 1 to 100000");
    expect_error("source_system: c\ntable: court_case\nfields: {case_no: x}\n"
                 "rows: [{name: a, table: case_event, repeat: {max: 3}, fields: {case_no: x}}]\n",
                 "'repeat' needs 'count'");
    expect_error("source_system: c\ntable: court_case\nfields: {case_no: {column: x, index: "
                 "true}}\n", "more than one of 'column', 'const', 'derived' and 'index'");
}

static void test_lookup_names(void **state)
{
    (void)state;
    zj_buf b = {0};
    assert_int_equal(zj_lookup_normalize_name("陕西省第１监狱", strlen("陕西省第１监狱"), &b), 0);
    assert_string_equal(b.data, "陕西省第1监狱");
    zj_lookup_normalize_name("陕西省第一监狱", strlen("陕西省第一监狱"), &b);
    assert_string_equal(b.data, "陕西省第1监狱");
    zj_lookup_normalize_name("第二十一 监狱", strlen("第二十一 监狱"), &b);
    assert_string_equal(b.data, "第21监狱");
    zj_lookup_normalize_name("西安市（雁塔区）人民法院·", strlen("西安市（雁塔区）人民法院·"), &b);
    assert_string_equal(b.data, "西安市雁塔区人民法院");

    /* a loaded look-up: one unique name, one shared name, and a near miss */
    zj_lookup *lk = calloc(1, sizeof *lk);
    lk->table = strdup("unit");
    lk->match = strdup("name");
    lk->ret = strdup("unit_code");
    lk->by_name = true;
    static const char *const rows[][2] = {
        {"西安市雁塔区人民法院", "J61011300"}, {"陕西省第一监狱", "JY6100001"},
        {"城关派出所", "P61010401"}, {"城关派出所", "P61011301"}};
    lk->entries = calloc(4, sizeof *lk->entries);
    for (size_t i = 0; i < 4; i++) {
        zj_lookup_normalize_name(rows[i][0], strlen(rows[i][0]), &b);
        lk->entries[i] = (zj_lookup_entry){strdup(b.data), strdup(rows[i][0]), strdup(rows[i][1])};
    }
    lk->nentries = 4;
    /* sorted by key, as zj_lookup_load leaves them */
    for (size_t i = 0; i < 4; i++)
        for (size_t j = i + 1; j < 4; j++)
            if (strcmp(lk->entries[j].key, lk->entries[i].key) < 0 ||
                (strcmp(lk->entries[j].key, lk->entries[i].key) == 0 &&
                 strcmp(lk->entries[j].value, lk->entries[i].value) < 0)) {
                zj_lookup_entry t = lk->entries[i];
                lk->entries[i] = lk->entries[j];
                lk->entries[j] = t;
            }
    const char *out = NULL;
    zj_buf msg = {0};
    assert_int_equal(zj_lookup_find(lk, "陕西省第1监狱", strlen("陕西省第1监狱"), &out, &msg), 1);
    assert_string_equal(out, "JY6100001");
    assert_int_equal(zj_lookup_find(lk, " 西安市雁塔区人民法院", strlen(" 西安市雁塔区人民法院"),
                                    &out, &msg), 1);
    assert_string_equal(out, "J61011300");
    assert_int_equal(zj_lookup_find(lk, "城关派出所", strlen("城关派出所"), &out, &msg), 2);
    assert_string_equal(msg.data, "2 unit rows with name '城关派出所': 城关派出所 P61010401, "
                                  "城关派出所 P61011301 (narrow it with 'where', or "
                                  "'ambiguous: first')");
    assert_int_equal(zj_lookup_find(lk, "西安市雁塔区法院", strlen("西安市雁塔区法院"), &out, &msg), 0);
    assert_non_null(strstr(msg.data, "no unit row with name '西安市雁塔区法院' (closest: "
                                     "西安市雁塔区人民法院 J61011300"));
    lk->first = true;
    assert_int_equal(zj_lookup_find(lk, "城关派出所", strlen("城关派出所"), &out, &msg), 1);
    assert_string_equal(out, "P61010401");
    zj_lookup_free(lk);
    zj_buf_free(&msg);
    zj_buf_free(&b);
}

static void test_files_match(void **state)
{
    (void)state;
    zj_mapping *m = parse_ok("source_system: c\ntable: court_case\nfiles: ['court_*.csv', "
                             "'sub/法院案件?.jsonl']\nfields: {case_no: a}\n");
    assert_true(zj_mapping_matches_file(m, "data/court_2022.csv"));
    assert_true(zj_mapping_matches_file(m, "法院案件1.jsonl"));
    assert_false(zj_mapping_matches_file(m, "data/court_2022.csv.bak"));
    assert_false(zj_mapping_matches_file(m, "police_court_1.csv"));
    assert_false(zj_mapping_has_lookups(m));
    zj_mapping_free(m);
}

/* The JSONL reader is asked for the fields' keys, then the aux columns. */
static void test_jsonl_keys(void **state)
{
    (void)state;
    zj_mapping *m = parse_ok("source_system: c\ntable: court_case\n"
                             "derived: {ah: {column: 案号, parse: case_no}}\n"
                             "fields: {case_no: {derived: ah}, status: {column: 状态, when: "
                             "{column: 标志, equals: '1'}}}\n");
    size_t n;
    const char *const *keys = zj_mapping_source_keys(m, &n);
    /* case_no (a placeholder: it is derived), status, extra (placeholder), 案号, 标志 */
    assert_int_equal(n, 5);
    assert_string_equal(keys[1], "状态");
    assert_string_equal(keys[3], "案号");
    assert_string_equal(keys[4], "标志");
    zj_row_mapper *rm;
    zj_error err = {0};
    assert_int_equal(zj_row_mapper_new(m, NULL, &rm, &err), ZJ_OK);
    zj_span cells[5] = {{NULL, 0}, {"open", 4}, {NULL, 0},
                        {"（2022）陕0104民初2号", strlen("（2022）陕0104民初2号")}, {"1", 1}};
    zj_row row = {cells, 5, 1, NULL};
    zj_mapped out;
    const char *bad;
    assert_int_equal(zj_mapping_apply(rm, &row, &out, &bad, &err), ZJ_OK);
    assert_int_equal(out.values[0].len, strlen("（2022）陕0104民初2号"));
    assert_memory_equal(out.values[1].text, "open", 4);
    assert_int_equal(out.values[2].len, strlen("{\"标志\":\"1\"}"));
    assert_memory_equal(out.values[2].text, "{\"标志\":\"1\"}", out.values[2].len);
    zj_row_mapper_free(rm);
    zj_mapping_free(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_derived_case_no),
        cmocka_unit_test(test_derived_regex_substr_ids),
        cmocka_unit_test(test_conditions),
        cmocka_unit_test(test_rows_fan_out),
        cmocka_unit_test(test_rows_unpivot),
        cmocka_unit_test(test_code_tables_v2),
        cmocka_unit_test(test_numbers),
        cmocka_unit_test(test_extra),
        cmocka_unit_test(test_parse_errors_v2),
        cmocka_unit_test(test_lookup_names),
        cmocka_unit_test(test_files_match),
        cmocka_unit_test(test_jsonl_keys),
        cmocka_unit_test(test_numbers_exact),
        cmocka_unit_test(test_rows_own_key_shared),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
