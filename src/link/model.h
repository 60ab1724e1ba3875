/* model.h - the Fellegi-Sunter match model and its EM estimation.
 *
 * A pair's comparison vector is encoded as one "pattern" number (each field's level + 1, or 0
 * when missing, in mixed radix), so estimation works on pattern counts instead of pairs: EM
 * over millions of candidate pairs is a few thousand multiplications per iteration.
 */
#ifndef ZJ_LINK_MODEL_H
#define ZJ_LINK_MODEL_H

#include <stddef.h>
#include <stdint.h>

#include "link/compare.h"

typedef struct zj_fs_model {
    zj_kind kind;
    double m[ZJ_MAX_FIELDS][ZJ_MAX_LEVELS];   /* P(level | match) */
    double u[ZJ_MAX_FIELDS][ZJ_MAX_LEVELS];   /* P(level | non-match) */
    double lambda;                            /* share of matches among candidate pairs */
} zj_fs_model;

size_t zj_pattern_count(zj_kind kind);                 /* number of distinct patterns */

/* Counts per pattern, kept only for the patterns seen. The person model has 607,500 possible
 * patterns (ten fields), of which a province shows a few thousand: a dense array of them per
 * thread was most of what a run touched for counting (page faults, zeroing, merging). An
 * open-addressing table of (pattern + 1, count); zeroed, it is empty. */
typedef struct zj_pcounts {
    uint32_t *key;           /* pattern + 1; 0 = empty slot */
    int64_t *n;
    size_t cap, used;        /* cap: 0 or a power of two */
} zj_pcounts;

/* Add n to a pattern's count. Returns 0, or -1 when out of memory (the table unchanged). */
int zj_pcounts_add(zj_pcounts *c, size_t pattern, int64_t n);
/* The slot of a pattern (an index below c->cap), or -1 when it was never counted. */
ptrdiff_t zj_pcounts_find(const zj_pcounts *c, size_t pattern);
/* Add every count of `from` to `into`; -1 when out of memory. */
int zj_pcounts_merge(zj_pcounts *into, const zj_pcounts *from);
void zj_pcounts_clear(zj_pcounts *c);                  /* empty, memory kept */
void zj_pcounts_free(zj_pcounts *c);
size_t zj_pattern_of(zj_kind kind, const int *gamma);
void zj_pattern_decode(zj_kind kind, size_t pattern, int *gamma);

/* Sensible starting values (used when the data offers nothing better). */
void zj_model_init(zj_fs_model *fs, zj_kind kind);

/* Per-field level frequencies of `counts` (pattern counts) -> u (from random pairs) or m
 * (from pairs known to match). Half a pair per level is added so no probability is zero.
 * Fields with no observations keep their current values. */
void zj_model_set_u(zj_fs_model *fs, const zj_pcounts *counts);
void zj_model_set_m(zj_fs_model *fs, const zj_pcounts *counts);

/* EM over candidate-pair pattern counts, re-estimating m and lambda with u fixed (u from
 * random pairs is the better estimate, as Splink also does). Returns iterations used. */
int zj_model_em(zj_fs_model *fs, const zj_pcounts *counts, int max_iter, double tolerance);

double zj_model_weight(const zj_fs_model *fs, int field, int level);   /* log2(m/u) */
double zj_model_prior(const zj_fs_model *fs);                          /* log2(l/(1-l)) */
/* The unit field of persons (levels: different, same unit, same unit and other post, same
 * unit and post) is weighed in two steps, as two fields would be: the unit agrees, then -
 * only where both mentions give a post - the post agrees. m of the unit is the share of
 * matches naming the same unit; m of the post is the share of matches naming the same post
 * among those that name the same unit and both give a post, so pairs that cannot show a post
 * (a complaint's target against the officer's roster row) do not dilute it. u_unit is the
 * chance that a non-match names this unit, u_post the chance that a non-match of this unit
 * with a post gives this post. Sets *m and *u so that log2(m/u) is the level's weight (what
 * `link explain` prints) and returns that weight. Only for levels >= 1. */
double zj_model_unit_weight(const zj_fs_model *fs, int level, double u_unit, double u_post,
                            double *m, double *u);

/* The name's weight adjusted by how common the name is (term frequency): `tf` is the chance
 * that a random mention bears this name (level 3, exact) or this pinyin key (level 2, same
 * pinyin). Exact: u is tf itself. Same pinyin, other characters: u is the level's own u (from
 * random pairs: how often two mentions are homophones written differently) scaled by how much
 * commoner or rarer this key is than an average exact name (tf / u of the exact level), as
 * Splink adjusts its fuzzy levels. Using tf alone there would take the chance of sharing the
 * pinyin for the chance of sharing it in other characters - ten times too likely for a rare
 * name, which lost the homophone of a rare name its link. Sets *m and *u so that log2(m/u) is
 * the weight (what `link explain` prints) and returns that weight. Only levels 2 and 3. */
double zj_model_name_tf_weight(const zj_fs_model *fs, int level, double tf, double *m,
                               double *u);

/* Match probability from a total weight (prior included). */
double zj_model_probability(double weight);

#endif
