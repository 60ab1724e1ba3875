/* fuzz_phone.c - libFuzzer target for phone numbers (text/phone.c) and phone masking.
 * Invariants: the normalized form parses again to itself, with the same kind. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "text/mask.h"
#include "text/phone.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    zj_phone p, q;
    const char *why = NULL;
    if (zj_phone_parse((const char *)data, size, &p, &why) != 0) {
        if (!why)
            __builtin_trap();
        return 0;
    }
    size_t n = strlen(p.normalized);
    if (zj_phone_parse(p.normalized, n, &q, &why) != 0 || strcmp(p.normalized, q.normalized) ||
        p.kind != q.kind)
        __builtin_trap();
    char out[64];
    if (zj_mask_phone(p.normalized, n, out, sizeof out) != (int)n)
        __builtin_trap();
    return 0;
}
