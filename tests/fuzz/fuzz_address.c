/* fuzz_address.c - libFuzzer target for addresses (text/address.c).
 * Invariants: every part is NUL-terminated within its field, the house number and the room
 * are digits (and '-'), and an accepted address has a road or a house number. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "text/address.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    zj_address a;
    const char *why = NULL;
    if (zj_address_parse((const char *)data, size, &a, &why) != 0) {
        if (!why)
            __builtin_trap();
        return 0;
    }
    if (!memchr(a.county, 0, sizeof a.county) || !memchr(a.road, 0, sizeof a.road) ||
        !memchr(a.house, 0, sizeof a.house) || !memchr(a.rest, 0, sizeof a.rest))
        __builtin_trap();
    if (!a.road[0] && !a.house[0])
        __builtin_trap();
    for (const char *p = a.house; *p; p++)
        if (*p < '0' || *p > '9')
            __builtin_trap();
    for (const char *p = a.rest; *p; p++)
        if ((*p < '0' || *p > '9') && *p != '-')
            __builtin_trap();
    return 0;
}
