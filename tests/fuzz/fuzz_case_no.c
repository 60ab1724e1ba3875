/* fuzz_case_no.c - libFuzzer target for court case numbers (text/case_no.c) and procuratorate
 * and police document numbers (text/docnum.c).
 * Invariants: a rejection always has a reason; the normalized form parses again to itself. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "text/case_no.h"
#include "text/docnum.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *s = (const char *)data, *why = NULL;
    zj_case_no c, c2;
    if (zj_case_no_parse(s, size, &c, &why) == 0) {
        if (zj_case_no_parse(c.normalized, strlen(c.normalized), &c2, &why) != 0 ||
            strcmp(c.normalized, c2.normalized) != 0 || c.year != c2.year ||
            c.serial != c2.serial || c.type != c2.type)
            __builtin_trap();
    } else if (!why) {
        __builtin_trap();
    }
    zj_docnum d, d2;
    why = NULL;
    if (zj_docnum_parse(s, size, &d, &why) == 0) {
        if (zj_docnum_parse(d.normalized, strlen(d.normalized), &d2, &why) != 0 ||
            strcmp(d.normalized, d2.normalized) != 0 || d.kind != d2.kind)
            __builtin_trap();
    } else if (!why) {
        __builtin_trap();
    }
    return 0;
}
