/* fuzz_rules.c - libFuzzer target for detector rules (detect/rules.c).
 * Any input must either be rejected with a message that names the file and a line, or give
 * rules whose every declared parameter reads back within its declared range and choices. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "detect/detect.h"
#include "detect/rules.h"

#define CHECK(cond)                                                                            \
    do {                                                                                       \
        if (!(cond)) {                                                                         \
            fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond);          \
            abort();                                                                           \
        }                                                                                      \
    } while (0)

static bool in_choices(const char *choices, const char *s)
{
    if (!choices)
        return true;
    size_t n = strlen(s);
    for (const char *p = choices; *p;) {
        const char *e = strchr(p, ',');
        size_t l = e ? (size_t)(e - p) : strlen(p);
        if (l == n && !memcmp(p, s, n))
            return true;
        p += l + (e ? 1 : 0);
    }
    return false;
}

static void check_section(const zj_rules *r, const char *sec, const zj_param *ps)
{
    for (const zj_param *p = ps; p && p->name; p++) {
        const char *const *it;
        switch (p->type) {
        case ZJ_PARAM_INT:
            if (p->min < p->max) {
                int64_t v = zj_rules_int(r, sec, p->name);
                CHECK((double)v >= p->min && (double)v <= p->max);
            }
            break;
        case ZJ_PARAM_REAL:
            if (p->min < p->max) {
                double v = zj_rules_real(r, sec, p->name);
                CHECK(v >= p->min && v <= p->max);
            }
            break;
        case ZJ_PARAM_LIST: {
            size_t n = zj_rules_list(r, sec, p->name, &it);
            for (size_t i = 0; i < n; i++)
                CHECK(it[i] && in_choices(p->choices, it[i]));
            break;
        }
        case ZJ_PARAM_TIME:
            CHECK(strlen(zj_rules_text(r, sec, p->name)) == 8);
            break;
        case ZJ_PARAM_MONTH: {
            size_t l = strlen(zj_rules_text(r, sec, p->name));
            CHECK(l == 0 || l == 7);
            break;
        }
        default:
            (void)zj_rules_bool(r, sec, p->name);
            CHECK(zj_rules_text(r, sec, p->name) != NULL);
        }
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    zj_rules *r = NULL;
    zj_error err = {0};
    if (zj_rules_parse((const char *)data, size, "fuzz.yaml", &r, &err)) {
        CHECK(r == NULL);
        CHECK(strncmp(err.msg, "fuzz.yaml:", 10) == 0);
        return 0;
    }
    const zj_detector *const *d;
    size_t n = zj_detectors(&d);
    for (size_t i = 0; i < n; i++) {
        int sev = zj_rules_severity(r, d[i]->code, d[i]->severity);
        CHECK(sev >= 1 && sev <= 4);
        CHECK(zj_rules_basis(r, d[i]->code, d[i]->basis) != NULL);
        char digest[17];
        zj_rules_digest(r, d[i]->code, digest);
        CHECK(strlen(digest) == 16);
        check_section(r, d[i]->code, d[i]->params);
    }
    check_section(r, "analysis", zj_analysis_params);
    zj_rules_free(r);
    return 0;
}
