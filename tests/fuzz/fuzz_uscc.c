/* fuzz_uscc.c - libFuzzer target for unified social credit codes (text/uscc.c).
 * Invariants: a parsed code is 18 characters, has a type name and re-parses to itself. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "text/mask.h"
#include "text/uscc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    zj_uscc u, again;
    const char *why = NULL;
    if (zj_uscc_parse((const char *)data, size, &u, &why) != 0) {
        if (!why)
            __builtin_trap();
        return 0;
    }
    if (strlen(u.code) != 18 || !u.type_name || !u.authority_name)
        __builtin_trap();
    if (zj_uscc_parse(u.code, 18, &again, &why) != 0 || strcmp(u.code, again.code) != 0)
        __builtin_trap();
    char out[32];
    if (zj_mask_uscc(u.code, 18, out, sizeof out) != 18)
        __builtin_trap();
    return 0;
}
