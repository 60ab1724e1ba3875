/* fuzz_resident_id.c - libFuzzer target for resident IDs (text/resident_id.c) and masking.
 * Invariants checked: a parsed ID is 18 characters, re-parses to itself, and masks cleanly. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "text/mask.h"
#include "text/resident_id.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    zj_resident_id id, again;
    const char *why = NULL;
    if (zj_resident_id_parse((const char *)data, size, 20261127, &id, &why) != 0) {
        if (!why)
            __builtin_trap();
        return 0;
    }
    if (strlen(id.id) != 18 || (id.sex != 'M' && id.sex != 'F'))
        __builtin_trap();
    if (zj_resident_id_parse(id.id, 18, 20261127, &again, &why) != 0 ||
        strcmp(id.id, again.id) != 0)
        __builtin_trap();
    char out[32];
    if (zj_mask_resident_id(id.id, 18, out, sizeof out) != 18)
        __builtin_trap();
    return 0;
}
