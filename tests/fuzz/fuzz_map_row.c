/* fuzz_map_row.c - libFuzzer target for mapping rows: random rows through random v2 mappings.
 *
 * The first byte picks one of a set of mappings that together use every v2 feature (derived
 * values of each kind, conditions, rows: with repeat and unpivot, code tables with empty
 * outputs, number styles, extra); the rest is the row, its cells separated by 0x1F. Every row
 * must map or be rejected with a reason, and every record its rows: entries make must come out
 * with a key, without crashes, leaks or out-of-bounds reads. The second cell is also read as
 * an amount on its own: a whole amount's integer and its double must agree. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ingest/derive.h"
#include "ingest/mapping.h"

static const zj_column case_columns[] = {
    {"case_no", ZJ_TYPE_TEXT, true},        {"case_type", ZJ_TYPE_TEXT, false},
    {"court_code", ZJ_TYPE_TEXT, false},    {"filed_at", ZJ_TYPE_TIMESTAMP, false},
    {"closed_at", ZJ_TYPE_TIMESTAMP, false}, {"claim_amount", ZJ_TYPE_REAL, false},
    {"days", ZJ_TYPE_INTEGER, false},       {"status", ZJ_TYPE_TEXT, false},
    {"major", ZJ_TYPE_BOOL, false},         {"filed_date", ZJ_TYPE_DATE, false},
    {"extra", ZJ_TYPE_TEXT, false},
};
static const zj_table case_table = {"court_case", case_columns, 11};

static const char *const mappings[] = {
    "source_system: a\ntable: court_case\nkey: [case_no]\n"
    "derived: {ah: {column: c0, parse: case_no, invalid: missing}, "
    "id: {column: c1, parse: resident_id, invalid: missing}, "
    "u: {column: c2, parse: uscc, invalid: missing}}\n"
    "fields: {case_no: c0, case_type: {derived: ah.type}, court_code: {derived: ah.court_region},"
    " filed_date: {derived: id.birth_date}, status: {derived: u.region}, days: {derived: ah.year},"
    " major: {column: c3, when: {derived: id.sex, equals: F}}}\n",

    "source_system: b\ntable: court_case\n"
    "when: {any: [{column: c4, not_equals: 合计}, {not: {column: c0, present: true}}]}\n"
    "derived: {r: {column: c1, regex: '(?<y>\\d{4})\\D*(\\d+)'},"
    " s: {column: c2, substr: [-3, 2]}}\n"
    "fields: {case_no: {column: c0, default: x}, case_type: {derived: r.y}, status: {derived: s},"
    " days: {derived: r.2, when: {column: c3, gt: 0}},"
    " claim_amount: {column: c3, number: amount, unit: 万元},"
    " closed_at: {column: c4, when: {column: c1, matches: '^[0-9]'}}}\n"
    "extra: {e1: c5, e2: {column: c2, number: percent_or_fraction}}\n",

    "source_system: c\ntable: court_case\nkey: [case_no]\n"
    "code_tables: {t: {a: x, b: ~, c: '', _keep: true}, u: {a: y, _default: ~}}\n"
    "fields: {case_no: c0, status: {column: c1, codes: t}, case_type: {column: c2, codes: u},"
    " claim_amount: {column: c3, number: percent}, days: {column: c4, number: plain}}\n"
    "rows:\n"
    " - {name: n, table: court_case, repeat: {count: c4, max: 5},"
    " fields: {case_no: c0, days: {index: true},"
    " status: {column: c1, when: {column: c1, in: [a, b]}}}}\n"
    " - {name: p, table: court_case, key: [case_no, status],"
    " unpivot: [{v: c1, w: c2}, {v: c3, w: c5}],"
    " fields: {case_no: c0, status: v, claim_amount: {column: w, number: plain}}}\n"
    " - {name: f, table: court_case, when: {column: c5, equals: 是},"
    " fields: {case_no: {const: k}}}\n",

    "source_system: d\ntable: court_case\nkey: [case_no]\n"
    "fields: {case_no: c0, days: {column: c1, number: amount, unit: 千元},"
    " claim_amount: {column: c2, number: amount, unit: 万元},"
    " status: {column: c3, codes: {a: x}}}\n"
    "extra: {e: {column: c4, number: percent_or_fraction}}\n",
};
enum { NMAPS = sizeof mappings / sizeof mappings[0], NCOLS = 6 };

static zj_mapping *maps[NMAPS];
static zj_row_mapper *mappers[NMAPS];

static void setup(void)
{
    static const char *const names[NCOLS] = {"c0", "c1", "c2", "c3", "c4", "c5"};
    zj_span hs[NCOLS];
    for (int i = 0; i < NCOLS; i++)
        hs[i] = (zj_span){names[i], 2};
    zj_row header = {hs, NCOLS, 1, NULL};
    for (int i = 0; i < NMAPS; i++) {
        zj_error err = {0};
        if (zj_mapping_parse(mappings[i], strlen(mappings[i]), "fuzz.yaml", &maps[i], &err) ||
            zj_mapping_bind(maps[i], &case_table, &err))
            abort();
        for (size_t t = 0; t < maps[i]->nrows; t++)
            if (zj_mapping_bind_target(maps[i], &maps[i]->rows[t], &case_table, &err))
                abort();
        if (zj_row_mapper_new(maps[i], &header, &mappers[i], &err))
            abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!maps[0])
        setup();
    if (size < 1)
        return 0;
    int which = data[0] % NMAPS;
    zj_span cells[NCOLS];
    size_t n = 0;
    const char *p = (const char *)data + 1, *end = (const char *)data + size;
    while (n < NCOLS) {
        const char *sep = memchr(p, 0x1F, (size_t)(end - p));
        const char *stop = sep ? sep : end;
        cells[n++] = (zj_span){p, (size_t)(stop - p)};
        if (!sep)
            break;
        p = sep + 1;
    }
    while (n < NCOLS)
        cells[n++] = (zj_span){NULL, 0};
    if (cells[1].p) {
        zj_decimal d;
        int64_t i;
        if (zj_number_parse_exact(cells[1], ZJ_NUM_AMOUNT, 1e4, 1, &d) == 0 &&
            zj_decimal_to_int64(&d, &i) == 0 && i > -(1LL << 53) && i < (1LL << 53) &&
            (double)i != zj_decimal_to_double(&d))
            abort();
    }
    zj_row row = {cells, NCOLS, 2, NULL};
    zj_mapped out;
    const char *bad;
    zj_error err = {0};
    if (zj_mapping_apply(mappers[which], &row, &out, &bad, &err) != ZJ_OK || out.skipped)
        return 0;
    size_t t;
    int got;
    while ((got = zj_mapping_next_record(mappers[which], &row, &t, &out, &bad, &err)) == 1)
        if (!out.key || !out.key_len || t >= maps[which]->nrows)
            abort();
    return 0;
}
