/* pairing.h - what the batch linking run (link.c) and the one-record resolver (resolve.c)
 * share, so that a mention resolved alone meets the same model as in the batch:
 *  - a kind's stored mentions loaded into memory (zj_lmentions_load), and a mention made from
 *    a normalized row (zj_lmention_from_row: the batch's in-memory first run, the resolver's
 *    query);
 *  - the blocking key of a mention under a rule of rules/linking.yaml (zj_block_key);
 *  - the term frequencies that adjust the weights of an exact or same-pinyin name and of a
 *    shared unit (zj_tf), and the weight of one field's level for a pair (zj_pair_field_weight).
 * A comparator added to compare.c (a field with its levels, m and u) flows into both paths by
 * these functions; only the name and the unit have frequency-adjusted weights.
 */
#ifndef ZJ_LINK_PAIRING_H
#define ZJ_LINK_PAIRING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/error.h"
#include "link/compare.h"
#include "link/config.h"
#include "link/mentions.h"
#include "link/model.h"
#include "link/radix.h"
#include "store/store.h"

/* Bits: a second, differently identified candidate this close to the best is a tie, and the
 * mention is not placed (link.c's drop_ambiguous; the resolver's "ambiguous"). */
#define ZJ_LINK_AMBIGUITY_MARGIN 2.0

/* Fill m from a normalized mention row (mentions.h); its strings go to the arena. Returns 0,
 * or -1 when out of memory. */
int zj_lmention_from_row(zj_lmention *m, zj_arena *a, int64_t id, int64_t entity,
                         const zj_mention_row *row);

/* Every stored mention of a kind, in id order, with its entity (0 when none). *m is grown
 * with zj_grow (the caller frees it) and *n set; strings go to the arena. With `untrust_conflicts`
 * a mention recorded in link_conflict by the last run has its ID not trusted, as the linker
 * left it. ZJ_EDATA on a store error or out of memory. */
int zj_lmentions_load(zj_store *s, zj_kind kind, bool untrust_conflicts, zj_lmention **m,
                      int32_t *n, zj_arena *ar, zj_error *err);

/* The block key of a mention under rule number rule_no (0 when a field of the rule is
 * missing: the mention is in no block of that rule). */
uint64_t zj_block_key(const zj_lmention *m, const zj_block_rule *rule, int rule_no);

/* Whether a and b share a block of the rule: every field of the rule set and equal on both,
 * which is what equal zj_block_key values mean (but for a collision of the 64-bit hash). It
 * reads only the two mentions, which a pair's comparison has in cache anyway, where the keys
 * stored per rule are a cache miss each. */
bool zj_block_same(const zj_lmention *a, const zj_lmention *b, const zj_block_rule *rule);

/* Whether a rule's fields are fixed once the mentions are loaded. The former-address field
 * of a mention without one depends on its ID being trusted, which the conflict check may
 * change after the keys were made: such a rule is judged by the keys made then. */
bool zj_block_rule_stable(const zj_block_rule *rule);

/* ---- co-parties (compare.h: F_COPARTY) ---------------------------------------------------- *
 * A case party's co-parties are the keys of the other parties of its case. The batch run and
 * the resolver gather (case, key) entries - persons from their loaded mentions, enterprises
 * from the mention set of a first run or from the store - then zj_coparties_fill drops the
 * keys found in more than ZJ_COPARTY_MAX_CASES cases and fills each person's list. */

typedef struct zj_cpk {
    uint64_t case_h;
    uint32_t key;
    int32_t idx;                  /* the person mention, or -1 for an enterprise */
} zj_cpk;

typedef struct zj_cpk_list {
    zj_cpk *e;
    size_t n, cap;
} zj_cpk_list;

/* Each returns 0, or -1 when out of memory; a zero key or case is not pushed. */
int zj_cpk_push(zj_cpk_list *l, uint64_t case_h, uint32_t key, int32_t idx);
/* An enterprise party from its stored context, simplified name, ID and ID status. */
int zj_cpk_push_enterprise(zj_cpk_list *l, const char *context, const char *norm,
                           const char *id_no, const char *id_status);
/* The persons m[0..n) that are case parties (their name and valid ID), idx = their index. */
int zj_cpk_push_persons(zj_cpk_list *l, const zj_lmention *m, int32_t n, const zj_arena *ar);
/* The enterprise parties stored. ZJ_EDATA on a store error or out of memory. */
int zj_cpk_stored_enterprises(zj_store *s, zj_cpk_list *l, zj_error *err);
/* Whether an ID status counts its ID as a co-party key (valid or legacy). */
bool zj_cpk_status_valid(const char *id_status);

/* Fill the copart lists of m from l (l's order is changed). With `cases` not NULL, *cases is
 * set to the keys, ascending, each with the number of cases it is found in (idx), for a
 * record resolved later (the caller frees it). Returns 0, or -1 when out of memory. */
int zj_coparties_fill(zj_cpk_list *l, zj_lmention *m, zj_keyed **cases, size_t *ncases);

/* ---- term frequencies --------------------------------------------------------------------- */

typedef struct zj_tf_entry {
    uint64_t h;
    uint32_t count;
} zj_tf_entry;

/* Counts over one kind's mentions, each array sorted by hash. */
typedef struct zj_tf {
    zj_tf_entry *norm, *key;      /* entities per simplified name / per pinyin key */
    size_t nnorm, nkey;
    zj_tf_entry *unit, *post;     /* mentions per unit, per unit and post */
    zj_tf_entry *posted;          /* mentions per unit among those that give a post */
    size_t nunit, npost, nposted;
    int64_t n;                    /* mentions of the kind */
    int64_t n_unit;               /* mentions that name a unit */
    double per_entity;            /* mentions per identified entity (set by the caller) */
} zj_tf;

/* Build the counts over m[0..n) (trusted IDs as they stand: after the conflict check).
 * per_entity is left to the caller. Returns 0, or -1 when out of memory (tf freed). */
int zj_tf_build(zj_tf *tf, const zj_lmention *m, int32_t n);
void zj_tf_free(zj_tf *tf);

/* The term frequency of the exact name (level 3) or the pinyin key (level 2) of mention a:
 * the chance that a mention of another entity bears it, from the entities counted for it.
 * zj_model_name_tf_weight (model.h) turns it into the level's u. */
double zj_tf_name_u(const zj_tf *tf, const zj_lmention *a, int level);

/* The weight of a shared unit (level >= 1) of mention a (model.h: zj_model_unit_weight);
 * sets *m and *u when not NULL. */
double zj_tf_unit_weight(const zj_tf *tf, const zj_fs_model *fs, const zj_lmention *a,
                         int level, double *m, double *u);

/* The weight log2(m/u) of `field` at `level` (not ZJ_MISSING) for a pair whose first mention
 * is a, frequency-adjusted for the name (levels 2, 3) and the unit (levels >= 1); sets *m, *u
 * and *adjusted. This is the one rule both the batch scorer and the resolver apply. */
double zj_pair_field_weight(const zj_fs_model *fs, const zj_tf *tf, const zj_lmention *a,
                            int field, int level, double *m, double *u, bool *adjusted);

/* The model the last link run stored for a kind (link_param): m and u per comparator level,
 * the scoring prior (as fs->lambda: the chance that two random mentions are one entity) and
 * the mentions per identified entity. *found is false when the kind was never linked (fs is
 * then zj_model_init's). ZJ_EDATA on a store error. */
int zj_model_load(zj_store *s, zj_kind kind, zj_fs_model *fs, double *per_entity, bool *found,
                  zj_error *err);

#endif
