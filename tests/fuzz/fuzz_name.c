/* fuzz_name.c - libFuzzer target for names (text/name.c), enterprise keys (text/ent_name.c)
 * and name masking (text/mask.c). One namer lives for the whole run (harness state only: the
 * library itself keeps none).
 * Invariants: normalization is idempotent; an analyzed name's key is its pinyin without
 * spaces; the similarity of a name with itself is exact. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "text/ent_name.h"
#include "text/mask.h"
#include "text/name.h"

static zj_namer *nm;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    zj_error err = {0};
    nm = zj_namer_new(&err);
    if (!nm) {
        fprintf(stderr, "fuzz_name: %s\n", err.msg);
        abort();
    }
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *s = (const char *)data, *why = NULL;
    char a[ZJ_NAME_MAX + 1], b[ZJ_NAME_MAX + 1];
    int n = zj_name_normalize(s, size, a, sizeof a, &why);
    if (n >= 0) {
        int m = zj_name_normalize(a, (size_t)n, b, sizeof b, &why);
        if (m != n || memcmp(a, b, (size_t)n) != 0)
            __builtin_trap();
    } else if (!why) {
        __builtin_trap();
    }

    static zj_name x;
    if (zj_name_analyze(nm, s, size, &x, &why) == 0) {
        char joined[sizeof x.key];
        size_t o = 0;
        for (const char *p = x.pinyin; *p; p++)
            if (*p != ' ')
                joined[o++] = *p;
        joined[o] = '\0';
        if (strcmp(joined, x.key) != 0)
            __builtin_trap();
        char masked[4 * ZJ_NAME_MAX];
        if (zj_mask_name(x.simplified, strlen(x.simplified), masked, sizeof masked) < 0)
            __builtin_trap();
        /* t2s may lengthen a name (3-byte -> 4-byte characters): past ZJ_NAME_MAX the
         * simplified form is itself too long to analyze, which is documented, not a bug. */
        zj_name_match mt;
        size_t sl = strlen(x.simplified);
        if (sl <= ZJ_NAME_MAX &&
            (zj_name_match_names(nm, s, size, x.simplified, sl, &mt, &why) != 0 ||
             !mt.same_pinyin))
            __builtin_trap();
    }

    char key[ZJ_ENT_KEY_CAP];
    if (zj_ent_key(nm, s, size, key, sizeof key, &why) >= 0 && key[0] == '\0')
        __builtin_trap();
    size_t half = size / 2;
    double jw = zj_jaro_winkler(s, half, s + half, size - half);
    if (jw < 0.0 || jw > 1.0)
        __builtin_trap();
    (void)zj_edit_distance(s, half, s + half, size - half);
    return 0;
}
