/* scope.c - an actor's scope: the unit and every unit below it (范围), from unit.parent_code.
 *
 * The unit table is small (a province has a few thousand units), so the whole hierarchy is
 * read once, the subtree collected breadth first, and kept as a sorted array of codes for
 * binary search. The same unit code may appear in several source systems' unit rows; a code
 * is one unit whatever row it comes from. A cycle in parent codes (bad data) cannot loop: a
 * code joins the subtree once.
 */
#include "work/policy.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct zj_scope {
    bool all;        /* the whole province */
    char **codes;    /* sorted, unique */
    size_t n;
};

typedef struct pair { char *code, *parent; } pair;

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int cmp_parent(const void *a, const void *b)
{
    const pair *x = a, *y = b;
    return strcmp(x->parent ? x->parent : "", y->parent ? y->parent : "");
}

void zj_scope_free(zj_scope *sc)
{
    if (!sc)
        return;
    for (size_t i = 0; i < sc->n; i++)
        free(sc->codes[i]);
    free(sc->codes);
    free(sc);
}

bool zj_scope_contains(const zj_scope *sc, const char *unit_code)
{
    if (!sc)
        return false;
    if (sc->all)
        return true;
    if (!unit_code)
        return false;
    return bsearch(&unit_code, sc->codes, sc->n, sizeof *sc->codes, cmp_str) != NULL;
}

size_t zj_scope_size(const zj_scope *sc)
{
    return sc && !sc->all ? sc->n : 0;
}

/* Collect the subtree of `root` from pairs sorted by parent. */
static int collect(zj_scope *sc, const char *root, pair *p, size_t np, zj_error *err)
{
    size_t cap = 16;
    sc->codes = malloc(cap * sizeof *sc->codes);
    if (!sc->codes || !(sc->codes[0] = strdup(root)))
        return zj_fail(err, ZJ_EDATA, "out of memory");
    sc->n = 1;
    /* sc->codes doubles as the queue: codes[head] is the next unit whose children to add */
    for (size_t head = 0; head < sc->n; head++) {
        pair key = {NULL, sc->codes[head]};
        pair *hit = np ? bsearch(&key, p, np, sizeof *p, cmp_parent) : NULL;   /* p NULL if 0 */
        if (!hit)
            continue;
        while (hit > p && !cmp_parent(hit - 1, &key))
            hit--;
        for (; hit < p + np && !cmp_parent(hit, &key); hit++) {
            bool seen = false;     /* quadratic only in one unit's children; units are few */
            for (size_t i = 0; i < sc->n && !seen; i++)
                seen = !strcmp(sc->codes[i], hit->code);
            if (seen)
                continue;
            if (sc->n == cap) {
                char **g = realloc(sc->codes, 2 * cap * sizeof *g);
                if (!g)
                    return zj_fail(err, ZJ_EDATA, "out of memory");
                sc->codes = g;
                cap *= 2;
            }
            if (!(sc->codes[sc->n] = strdup(hit->code)))
                return zj_fail(err, ZJ_EDATA, "out of memory");
            sc->n++;
        }
    }
    qsort(sc->codes, sc->n, sizeof *sc->codes, cmp_str);
    return ZJ_OK;
}

static int build(const char *root, pair *p, size_t np, zj_scope **out, zj_error *err)
{
    zj_scope *sc = calloc(1, sizeof *sc);
    if (!sc)
        return zj_fail(err, ZJ_EDATA, "out of memory");
    int rc = ZJ_OK;
    if (!root)
        sc->all = true;
    else {
        if (np)
            qsort(p, np, sizeof *p, cmp_parent);
        rc = collect(sc, root, p, np, err);
    }
    if (rc) {
        zj_scope_free(sc);
        return rc;
    }
    *out = sc;
    return ZJ_OK;
}

int zj_scope_from_pairs(const char *root, const char *const (*units)[2], size_t n,
                        zj_scope **out, zj_error *err)
{
    pair *p = calloc(n ? n : 1, sizeof *p);
    if (!p)
        return zj_fail(err, ZJ_EDATA, "out of memory");
    for (size_t i = 0; i < n; i++)
        p[i] = (pair){(char *)units[i][0], (char *)units[i][1]};
    int rc = build(root, p, n, out, err);
    free(p);
    return rc;
}

int zj_scope_load(zj_store *s, const char *unit_code, zj_scope **out, zj_error *err)
{
    if (!unit_code)
        return build(NULL, NULL, 0, out, err);
    zj_stmt *q;
    int rc = zj_stmt_prepare(s, "SELECT DISTINCT unit_code, parent_code FROM unit"
                             " WHERE parent_code IS NOT NULL", &q, err);
    if (rc)
        return rc;
    pair *p = NULL;
    size_t np = 0, cap = 0;
    int step;
    while ((step = zj_stmt_next(q, err)) == 1) {
        if (np == cap) {
            pair *g = realloc(p, (cap = cap ? 2 * cap : 256) * sizeof *p);
            if (!g) {
                rc = zj_fail(err, ZJ_EDATA, "out of memory");
                break;
            }
            p = g;
        }
        p[np].code = strdup(zj_stmt_text(q, 0, NULL));
        p[np].parent = strdup(zj_stmt_text(q, 1, NULL));
        np++;
        if (!p[np - 1].code || !p[np - 1].parent) {
            rc = zj_fail(err, ZJ_EDATA, "out of memory");
            break;
        }
    }
    zj_stmt_finalize(q);
    if (!rc && step < 0)
        rc = ZJ_EDATA;
    if (!rc)
        rc = build(unit_code, p, np, out, err);
    for (size_t i = 0; i < np; i++) {
        free(p[i].code);
        free(p[i].parent);
    }
    free(p);
    return rc;
}

int zj_unit_place_get(zj_store *s, const char *unit_code, zj_unit_place *out, zj_error *err)
{
    memset(out, 0, sizeof *out);
    if (!unit_code || !*unit_code)
        return ZJ_OK;
    zj_stmt *q;
    int rc = zj_stmt_prepare(s, "SELECT coalesce(agency, ''), coalesce(region_code, '') FROM unit"
                             " WHERE unit_code = $1 ORDER BY id DESC LIMIT 1", &q, err);
    if (rc)
        return rc;
    zj_stmt_bind_text(q, 1, unit_code, strlen(unit_code));
    int step = zj_stmt_next(q, err);
    if (step == 1) {
        out->found = true;
        snprintf(out->agency, sizeof out->agency, "%s", zj_stmt_text(q, 0, NULL));
        snprintf(out->region, sizeof out->region, "%s", zj_stmt_text(q, 1, NULL));
    }
    zj_stmt_finalize(q);
    return step < 0 ? ZJ_EDATA : ZJ_OK;
}
