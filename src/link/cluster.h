/* cluster.h - grouping linked mentions into entities under hard constraints.
 *
 * A union-find forest whose roots carry what their cluster already contains: its trusted ID,
 * its sex, its entity id from before the run, and the mentions a reviewer said are someone
 * else. Two clusters may merge only when none of these disagree, so a single wrong pair can
 * join a mention to the wrong person but never chain two identified people into one.
 */
#ifndef ZJ_LINK_CLUSTER_H
#define ZJ_LINK_CLUSTER_H

#include <stdbool.h>
#include <stdint.h>

#include "link/compare.h"

typedef struct zj_clusters {
    int32_t n;
    int32_t *parent;
    int32_t *size;
    uint64_t *id_h;          /* per root: the cluster's trusted ID hash, 0 if none */
    char *sex;               /* per root: 'M', 'F' or 0 */
    int64_t *entity;         /* per root: entity id before the run (incremental runs) */
    int32_t **rejects;       /* per root: mentions that must stay out of the cluster */
    int32_t *nrejects, *caprejects;
    bool keep_entities;      /* never merge two different existing entities */
} zj_clusters;

/* One cluster per mention. Returns 0 or -1 (out of memory). */
int zj_clusters_init(zj_clusters *c, const zj_lmention *m, int32_t n, bool keep_entities);
void zj_clusters_free(zj_clusters *c);
int32_t zj_cluster_find(zj_clusters *c, int32_t i);
/* Record that mentions a and b must never share a cluster. Returns 0 or -1. */
int zj_clusters_reject(zj_clusters *c, int32_t a, int32_t b);
/* Whether the clusters of a and b may merge. */
bool zj_clusters_can_merge(zj_clusters *c, int32_t a, int32_t b);
/* Merge the clusters of a and b (no checks). Returns 1 when merged, 0 when already one
 * cluster, -1 when out of memory. */
int zj_clusters_merge(zj_clusters *c, int32_t a, int32_t b);

#endif
