/* fuzz_filing_input.c - libFuzzer target for the filing check's JSON input (zhijian filing
 * check FILE.json, POST /api/v1/filing-checks).
 *
 * Beyond memory safety: a document either parses into a case whose every party has a role and
 * a name and whose count is within bounds, or fails with ZJ_EUSAGE and a message naming a
 * field; the answer for a parsed case (against an empty index) serialises to valid JSON; the
 * claims text cuts into sorted, distinct shingles, a set wholly like itself (text/shingle.h).
 */
#include <cjson/cJSON.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "detect/filing.h"
#include "text/shingle.h"

#define CHECK(cond)                                                                            \
    do {                                                                                       \
        if (!(cond)) {                                                                         \
            fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond);          \
            abort();                                                                           \
        }                                                                                      \
    } while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    zj_filing_input in;
    zj_error err = {0};
    int rc = zj_filing_input_parse((const char *)data, size, &in, &err);
    if (rc) {
        CHECK(rc == ZJ_EUSAGE);
        CHECK(strchr(err.msg, ':') != NULL);
        zj_filing_input_free(&in);
        return 0;
    }
    CHECK(in.c.nparties >= 1 && in.c.nparties <= ZJ_FILING_MAX_PARTIES);
    for (size_t i = 0; i < in.c.nparties; i++)
        CHECK(in.c.parties[i].role && in.c.parties[i].role[0] && in.c.parties[i].name &&
              in.c.parties[i].name[0]);
    if (in.c.claims) {
        uint32_t sh[64];
        size_t n = zj_shingles(in.c.claims, strlen(in.c.claims), sh, 64);
        CHECK(n <= 64);
        for (size_t i = 1; i < n; i++)
            CHECK(sh[i - 1] < sh[i]);
        CHECK(!n || zj_shingle_jaccard(sh, n, sh, n) == 1.0);
    }
    zj_filing_result *r = calloc(1, sizeof *r);
    CHECK(r);
    r->nparties = in.c.nparties;
    for (size_t i = 0; i < r->nparties; i++)
        r->parties[i].method = "new";
    for (int k = 0; k < 4; k++)
        snprintf(r->prompts[k].code, sizeof r->prompts[k].code, "FL0%d", k + 1);
    zj_buf out = {0};
    CHECK(zj_filing_result_json(&in.c, r, false, &out) == 0);
    cJSON *back = cJSON_ParseWithLength(out.data, out.len);
    CHECK(back != NULL);
    cJSON_Delete(back);
    zj_buf_free(&out);
    free(r);
    zj_filing_input_free(&in);
    return 0;
}
