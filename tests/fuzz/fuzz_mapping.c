/* fuzz_mapping.c - libFuzzer target for mapping files: parse, bind to a table, map a row.
 * Any input must either be rejected with an error or produce a mapping that maps rows
 * without crashing, leaking or reading out of bounds. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "ingest/mapping.h"

static const zj_column columns[] = {
    {"case_no", ZJ_TYPE_TEXT, true},       {"case_type", ZJ_TYPE_TEXT, false},
    {"filed_at", ZJ_TYPE_TIMESTAMP, false}, {"claim_amount", ZJ_TYPE_REAL, false},
    {"major", ZJ_TYPE_BOOL, false},        {"days", ZJ_TYPE_INTEGER, false},
    {"filed_date", ZJ_TYPE_DATE, false},
};
static const zj_table table = {"court_case", columns, 7};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    zj_mapping *m = NULL;
    zj_error err = {0};
    if (zj_mapping_parse((const char *)data, size, "fuzz.yaml", &m, &err))
        return 0;
    if (zj_mapping_bind(m, &table, &err) == ZJ_OK) {
        /* Map a row whose cells are the mapping's own column names and a few tricky values. */
        static const char *const samples[] = {"2021-03-05", "1,234", "是", "（２０２１）", "",
                                              "\xEF\xBF\xBD", "无", "-1e3"};
        zj_span cells[16];
        size_t n = 0;
        for (size_t i = 0; i < m->nfields && n < 16; i++, n++) {
            const char *c = m->fields[i].column ? m->fields[i].column : samples[i % 8];
            cells[n] = (zj_span){c, strlen(c)};
        }
        zj_row header = {cells, n, 1, NULL};
        zj_row_mapper *rm = NULL;
        if (zj_row_mapper_new(m, &header, &rm, &err) == ZJ_OK) {
            for (size_t s = 0; s < 8; s++) {
                zj_span vals[16];
                for (size_t i = 0; i < n; i++)
                    vals[i] = (zj_span){samples[(i + s) % 8], strlen(samples[(i + s) % 8])};
                zj_row row = {vals, n, 2, NULL};
                zj_mapped out;
                const char *bad;
                zj_mapping_apply(rm, &row, &out, &bad, &err);
            }
            zj_row_mapper_free(rm);
        }
    }
    zj_mapping_free(m);
    return 0;
}
