/* fuzz_mapping.c - libFuzzer target for mapping files (v1 and v2): parse, bind to a table and
 * the rows: entries to another, map a row. Any input must either be rejected with an error or
 * produce a mapping that maps rows without crashing, leaking or reading out of bounds. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "ingest/mapping.h"

static const zj_column columns[] = {
    {"case_no", ZJ_TYPE_TEXT, true},       {"case_type", ZJ_TYPE_TEXT, false},
    {"filed_at", ZJ_TYPE_TIMESTAMP, false}, {"claim_amount", ZJ_TYPE_REAL, false},
    {"major", ZJ_TYPE_BOOL, false},        {"days", ZJ_TYPE_INTEGER, false},
    {"filed_date", ZJ_TYPE_DATE, false},   {"extra", ZJ_TYPE_TEXT, false},
};
static const zj_table table = {"court_case", columns, 8};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    zj_mapping *m = NULL;
    zj_error err = {0};
    if (zj_mapping_parse((const char *)data, size, "fuzz.yaml", &m, &err))
        return 0;
    int rc = zj_mapping_bind(m, &table, &err);
    for (size_t t = 0; rc == ZJ_OK && t < m->nrows; t++)
        rc = zj_mapping_bind_target(m, &m->rows[t], &table, &err);
    if (rc == ZJ_OK) {
        /* A header of the mapping's own columns (fields, then aux columns) and rows of a few
         * tricky values. */
        static const char *const samples[] = {"2021-03-05", "1,234", "是", "（２０２１）", "",
                                              "\xEF\xBF\xBD", "无", "-1e3", "60%", "1.2万元",
                                              "（2022）陕0104民初2号", "3"};
        enum { NS = sizeof samples / sizeof samples[0] };
        zj_span cells[48];
        size_t n = 0;
        for (size_t i = 0; i < m->nfields && n < 48; i++, n++) {
            const char *c = m->fields[i].column ? m->fields[i].column : samples[i % NS];
            cells[n] = (zj_span){c, strlen(c)};
        }
        for (size_t i = 0; i < m->naux && n < 48; i++, n++)
            cells[n] = (zj_span){m->aux_columns[i], strlen(m->aux_columns[i])};
        zj_row header = {cells, n, 1, NULL};
        zj_row_mapper *rm = NULL;
        if (zj_row_mapper_new(m, &header, &rm, &err) == ZJ_OK) {
            for (size_t s = 0; s < NS; s++) {
                zj_span vals[48];
                for (size_t i = 0; i < n; i++)
                    vals[i] = (zj_span){samples[(i + s) % NS], strlen(samples[(i + s) % NS])};
                zj_row row = {vals, n, 2, NULL};
                zj_mapped out;
                const char *bad;
                if (zj_mapping_apply(rm, &row, &out, &bad, &err) == ZJ_OK && !out.skipped) {
                    size_t t;
                    int k = 0;
                    while (k++ < 1000 &&
                           zj_mapping_next_record(rm, &row, &t, &out, &bad, &err) == 1)
                        ;
                }
            }
            zj_row_mapper_free(rm);
        }
    }
    zj_mapping_free(m);
    return 0;
}
