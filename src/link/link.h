/* link.h - entity resolution: one person, one company, across every agency (实体识别).
 *
 * `zj_link_run` turns the store's mentions (mentions.h) into entities:
 *  1. deterministic keys: mentions with the same valid resident ID (15-digit IDs converted)
 *     or credit code are one entity - unless their other evidence disagrees (another birth
 *     date, sex or an unrelated name), which is recorded in link_conflict and the ID is then
 *     not trusted for that mention;
 *  2. blocking (rules/linking.yaml) proposes candidate pairs among the rest;
 *  3. a Fellegi-Sunter model scores each pair: per-field comparison levels, u estimated from
 *     random pairs, m and the match proportion by EM over the candidates (initialised from
 *     the pairs that share an ID), exact-name weights adjusted by the name's frequency;
 *  4. pairs above the threshold are clustered greedily, strongest first, never joining two
 *     clusters with different trusted IDs, different sexes, a reviewer's "reject" between
 *     them, or (incremental runs) two existing entities - so one bad pair cannot chain two
 *     people together;
 *  5. entity ids stay stable: a cluster keeps the id most of its mentions had.
 * Reviewers' decisions (link_decision) win over the model and survive re-runs.
 */
#ifndef ZJ_LINK_H
#define ZJ_LINK_H

#include <stdbool.h>
#include <stdint.h>

#include "base/error.h"
#include "link/config.h"
#include "store/store.h"
#include "text/name.h"

typedef struct zj_link_kind_stats {
    int64_t mentions;          /* mentions of this kind */
    int64_t new_mentions;      /* without an entity before the run */
    int64_t with_id;           /* mentions with a trusted ID */
    int64_t conflicts;         /* mentions whose ID disagreed with other evidence */
    int64_t pairs_compared;    /* candidate pairs scored */
    int64_t pairs_accepted;    /* above the threshold */
    int64_t blocks_skipped;    /* blocks larger than max_block */
    int64_t entities;          /* entities of this kind after the run */
    int64_t entities_new;
    int em_iterations;
    double match_proportion;   /* EM's lambda among candidate pairs */
    double seconds;
} zj_link_kind_stats;

typedef struct zj_link_stats {
    zj_link_kind_stats person, enterprise;
    int64_t relations;
    double seconds;
} zj_link_stats;

typedef struct zj_link_options {
    bool incremental;                /* link only mentions without an entity */
    bool reextract;                  /* rebuild every mention, not only those of new batches */
    const zj_link_config *config;    /* NULL: built-in defaults */
    /* Progress for people watching a long run; may be NULL. */
    void (*progress)(const char *what, void *ctx);
    void *progress_ctx;
} zj_link_options;

/* Extract mentions, resolve persons and enterprises, rebuild the relations graph. One
 * transaction: a failure leaves the store as it was. */
int zj_link_run(zj_store *s, zj_namer *nm, const zj_link_options *opt, zj_link_stats *stats,
                zj_error *err);

/* Import batches written since the last link run (all of them when it never ran): records
 * no entity, relation or detector has seen yet. */
int zj_link_pending(zj_store *s, int64_t *batches, zj_error *err);

/* A number that changes whenever linking has written: a link run committed (link_state
 * 'runs'), or mentions, entities or relations were added. A reader that holds mentions or the
 * graph in memory (the filing check's resolver) compares it with the one it was built at to
 * know whether it must reload; equal numbers mean nothing linking owns has moved. ZJ_EDATA on
 * a store error. */
int zj_link_generation(zj_store *s, uint64_t *gen, zj_error *err);

/* How many candidate pairs each blocking rule makes, without scoring anything. */
typedef struct zj_block_report {
    const char *kind;          /* "person" / "enterprise" */
    const char *rule;
    int64_t mentions_keyed;    /* mentions with every field of the rule present */
    int64_t blocks;            /* blocks of two or more */
    int64_t pairs;             /* pairs in blocks within max_block */
    int64_t new_pairs;         /* of those, pairs no earlier rule already made */
    int64_t largest_block;
    int64_t skipped_blocks;    /* larger than max_block */
    int64_t skipped_pairs;
} zj_block_report;

int zj_link_blocks(zj_store *s, const zj_link_config *c, int (*fn)(const zj_block_report *, void *),
                   void *ctx, zj_error *err);

/* A pair's match weight, field by field (a waterfall). */
typedef struct zj_link_step {
    char field[16];
    char level[24];
    char a[64], b[64];         /* the compared values as stored */
    double m, u, weight;       /* weight = log2(m/u), u adjusted by term frequency if noted */
    bool tf_adjusted;
    bool missing;              /* one side has no value: contributes nothing */
} zj_link_step;

typedef struct zj_link_explanation {
    char kind[12];
    double prior_weight;       /* log2(lambda / (1 - lambda)) */
    zj_link_step steps[10];     /* one per comparison field (compare.h) */
    int nsteps;
    double total_weight;
    double probability;
    double threshold;
    char deterministic[96];    /* non-empty when IDs decide: "same resident ID" ... */
    int64_t entity_a, entity_b;
    bool closed;               /* the last run linked the pair in a closed world (a roster) */
    double closed_share;       /* ... and this person's share of the roster's odds */
} zj_link_explanation;

int zj_link_explain(zj_store *s, zj_namer *nm, const zj_link_config *c, int64_t mention_a,
                    int64_t mention_b, zj_link_explanation *out, zj_error *err);

/* How a record's mention came to its entity, for leads that rest on it: by a trusted ID, or
 * by the model (a link without an ID) - then the strongest scored link that placed it, its
 * match weight (log2 odds, prior included) and probability, so `link explain MENTION OTHER`
 * shows the waterfall. */
typedef struct zj_link_placement {
    int64_t mention;           /* 0: the record names nobody */
    int64_t entity;            /* 0: not placed */
    bool by_id;                /* a trusted resident ID or credit code placed it */
    bool scored;               /* a scored link placed it (other, weight, probability set) */
    bool closed;               /* ... shared out among the people of a roster (link.c's closed
                                  world): probability is the best person's share */
    int64_t other;
    double weight, probability;
} zj_link_placement;

int zj_link_placement_of(zj_store *s, const char *table, int64_t record_id, const char *role,
                         zj_link_placement *out, zj_error *err);

/* Record a reviewer's decision ("confirm", "reject" or "unsure") on a pair of mentions. */
int zj_link_decide(zj_store *s, int64_t mention_a, int64_t mention_b, const char *decision,
                   const char *reviewer, const char *note, zj_error *err);

/* Rebuild the relations graph from entities: officer -> relative, person -> enterprise,
 * party -> case. Sets *count. */
int zj_relations_build(zj_store *s, int64_t *count, zj_error *err);

#endif
