/* party_names.c - name keys of case parties for the filing check (see party_names.h). */
#include <string.h>
#include <xxhash.h>

#include "link/party_names.h"
#include "text/name.h"

uint64_t zj_link_name_key(const char *name)
{
    if (!name || !name[0])
        return 0;
    char buf[4 * ZJ_NAME_MAX + 8];
    const char *why;
    int n = zj_name_normalize(name, strlen(name), buf, sizeof buf, &why);
    if (n <= 0)
        return 0;
    uint64_t h = XXH3_64bits(buf, (size_t)n);
    return h ? h : 1;
}

int zj_link_party_name_keys(zj_store *s, int (*fn)(int64_t record_id, uint64_t key, void *ctx),
                            void *ctx, zj_error *err)
{
    zj_stmt *q;
    int rc = zj_stmt_prepare(s, "SELECT id, name FROM case_party WHERE name IS NOT NULL", &q,
                             err);
    if (rc)
        return rc;
    int step;
    while ((step = zj_stmt_next(q, err)) == 1) {
        uint64_t k = zj_link_name_key(zj_stmt_text(q, 1, NULL));
        if (k && fn(zj_stmt_int(q, 0), k, ctx))
            break;
    }
    zj_stmt_finalize(q);
    return step < 0 ? ZJ_EDATA : ZJ_OK;
}
