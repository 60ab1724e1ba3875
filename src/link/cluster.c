/* cluster.c - constrained union-find (see cluster.h). Union by size, path halving. */
#include "link/cluster.h"

#include <stdlib.h>
#include <string.h>

int zj_clusters_init(zj_clusters *c, const zj_lmention *m, int32_t n, bool keep_entities)
{
    memset(c, 0, sizeof *c);
    c->n = n;
    c->keep_entities = keep_entities;
    size_t k = n ? (size_t)n : 1;
    c->parent = malloc(k * sizeof *c->parent);
    c->size = malloc(k * sizeof *c->size);
    c->id_h = malloc(k * sizeof *c->id_h);
    c->sex = malloc(k);
    c->entity = malloc(k * sizeof *c->entity);
    c->rejects = calloc(k, sizeof *c->rejects);
    c->nrejects = calloc(k, sizeof *c->nrejects);
    c->caprejects = calloc(k, sizeof *c->caprejects);
    if (!c->parent || !c->size || !c->id_h || !c->sex || !c->entity || !c->rejects ||
        !c->nrejects || !c->caprejects) {
        zj_clusters_free(c);
        return -1;
    }
    for (int32_t i = 0; i < n; i++) {
        c->parent[i] = i;
        c->size[i] = 1;
        c->id_h[i] = m[i].id_trusted ? m[i].id_h : 0;
        c->sex[i] = m[i].sex;
        c->entity[i] = m[i].entity;
    }
    return 0;
}

void zj_clusters_free(zj_clusters *c)
{
    if (c->rejects)
        for (int32_t i = 0; i < c->n; i++)
            free(c->rejects[i]);
    free(c->parent);
    free(c->size);
    free(c->id_h);
    free(c->sex);
    free(c->entity);
    free(c->rejects);
    free(c->nrejects);
    free(c->caprejects);
    memset(c, 0, sizeof *c);
}

int32_t zj_cluster_find(zj_clusters *c, int32_t i)
{
    while (c->parent[i] != i) {
        c->parent[i] = c->parent[c->parent[i]];
        i = c->parent[i];
    }
    return i;
}

static int push_reject(zj_clusters *c, int32_t root, int32_t other)
{
    if (c->nrejects[root] == c->caprejects[root]) {
        int32_t cap = c->caprejects[root] ? 2 * c->caprejects[root] : 4;
        int32_t *p = realloc(c->rejects[root], (size_t)cap * sizeof *p);
        if (!p)
            return -1;
        c->rejects[root] = p;
        c->caprejects[root] = cap;
    }
    c->rejects[root][c->nrejects[root]++] = other;
    return 0;
}

int zj_clusters_reject(zj_clusters *c, int32_t a, int32_t b)
{
    if (push_reject(c, zj_cluster_find(c, a), b) || push_reject(c, zj_cluster_find(c, b), a))
        return -1;
    return 0;
}

bool zj_clusters_can_merge(zj_clusters *c, int32_t a, int32_t b)
{
    int32_t ra = zj_cluster_find(c, a), rb = zj_cluster_find(c, b);
    if (ra == rb)
        return true;
    if (c->id_h[ra] && c->id_h[rb] && c->id_h[ra] != c->id_h[rb])
        return false;
    if (c->sex[ra] && c->sex[rb] && c->sex[ra] != c->sex[rb])
        return false;
    if (c->keep_entities && c->entity[ra] && c->entity[rb] && c->entity[ra] != c->entity[rb])
        return false;
    /* Walk the shorter reject list: does it name a member of the other cluster? */
    int32_t small = c->nrejects[ra] <= c->nrejects[rb] ? ra : rb, other = small == ra ? rb : ra;
    for (int32_t k = 0; k < c->nrejects[small]; k++)
        if (zj_cluster_find(c, c->rejects[small][k]) == other)
            return false;
    return true;
}

int zj_clusters_merge(zj_clusters *c, int32_t a, int32_t b)
{
    int32_t ra = zj_cluster_find(c, a), rb = zj_cluster_find(c, b);
    if (ra == rb)
        return 0;
    if (c->size[ra] < c->size[rb]) {
        int32_t t = ra;
        ra = rb;
        rb = t;
    }
    c->parent[rb] = ra;
    c->size[ra] += c->size[rb];
    if (!c->id_h[ra])
        c->id_h[ra] = c->id_h[rb];
    if (!c->sex[ra])
        c->sex[ra] = c->sex[rb];
    if (!c->entity[ra])
        c->entity[ra] = c->entity[rb];
    for (int32_t k = 0; k < c->nrejects[rb]; k++)
        if (push_reject(c, ra, c->rejects[rb][k]))
            return -1;
    free(c->rejects[rb]);
    c->rejects[rb] = NULL;
    c->nrejects[rb] = c->caprejects[rb] = 0;
    return 1;
}
