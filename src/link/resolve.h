/* resolve.h - one record at a time against the batch linking model (单条实体识别).
 *
 * A filing judge types a party who may not be in the store yet. The resolver answers which
 * entity he is, and how sure, by the same method as `zhijian link`, for one record:
 *  - the record is normalized as a case party's mention is (mentions.c), the same namer;
 *  - a trusted resident ID or credit code equal to a stored mention's trusted one decides
 *    (unless the names differ: then, as the batch's conflict check does, the ID is not
 *    trusted and the model judges);
 *  - otherwise the blocking rules of rules/linking.yaml give the candidates (blocks larger
 *    than max_block are skipped, as in the batch), each is compared field by field by the
 *    batch's comparators (compare.h) and weighed by the model the last `link` run estimated
 *    and stored (m and u per comparator level, the prior, mentions per entity), with the
 *    name's and unit's term-frequency adjustments (pairing.h); a person's co-parties are the
 *    other parties of the case the caller gives (zj_resolve_input.coparties);
 *  - the best candidate's entity is the answer when its match probability reaches the kind's
 *    threshold and no differently identified entity comes within ZJ_LINK_AMBIGUITY_MARGIN
 *    bits of it (then "ambiguous", not linked, as the batch's drop_ambiguous does).
 * The answer carries the match weight, the probability and the waterfall of the best
 * candidate: each comparator's level and its contribution log2(m/u) - levels and weights, no
 * personal data.
 *
 * The resolver is built once from the store and is read-only afterwards: any number of
 * threads may resolve at once (names are normalized with a namer taken from a small pool).
 * It holds every mention of both kinds in memory; rebuild it after a link run.
 */
#ifndef ZJ_LINK_RESOLVE_H
#define ZJ_LINK_RESOLVE_H

#include <stdbool.h>
#include <stdint.h>

#include "base/error.h"
#include "link/config.h"
#include "store/store.h"

typedef struct zj_resolver zj_resolver;

/* Room for every comparator of compare.h (checked there: resolve.c), with some to spare. */
#define ZJ_RESOLVE_MAX_STEPS 12

/* One comparator's contribution to a match weight. */
typedef struct zj_resolve_step {
    const char *field;            /* static: compare.h's field name (name, birth_date ...) */
    const char *level;            /* static: its level (exact, same pinyin ... missing) */
    double m, u;                  /* P(level | match), P(level | non-match), u adjusted by the
                                     term frequency where tf_adjusted */
    double weight;                /* log2(m/u); 0 when missing */
    bool missing;                 /* one side has no value: contributes nothing */
    bool tf_adjusted;
} zj_resolve_step;

/* Another party of the record's case: for a person, the co-party comparator (compare.h)
 * weighs whether a candidate's cases share a party with this one. */
typedef struct zj_resolve_coparty {
    bool enterprise;
    const char *name, *id_no;
} zj_resolve_coparty;

/* What a form gives of one person or enterprise; any field may be NULL. */
typedef struct zj_resolve_input {
    bool enterprise;
    const char *name, *id_no;     /* resident ID (persons) or credit code (enterprises) */
    const char *birth_date, *sex, *phone, *address;
    const zj_resolve_coparty *coparties;   /* the case's other parties (may be NULL) */
    int ncoparties;
} zj_resolve_input;

typedef struct zj_resolve_result {
    /* "id" (a trusted ID decided), "model" (the model linked), "ambiguous" (two identified
     * entities about equally likely), "below_threshold" (the best candidate is not likely
     * enough), "none" (no candidate), "no_model" (the store was never linked) */
    const char *method;
    int64_t entity;               /* the entity (0: not linked) */
    int64_t mention;              /* the best candidate mention (0: none) */
    double weight;                /* its match weight, log2 odds, prior included */
    double probability;           /* 1 for "id" */
    double threshold;             /* the kind's threshold (rules/linking.yaml) */
    int64_t candidates;           /* mentions compared */
    int64_t runner_up;            /* the next differently identified entity (0: none) */
    double runner_up_probability;
    double prior_weight;
    zj_resolve_step steps[ZJ_RESOLVE_MAX_STEPS];   /* the best candidate's waterfall */
    int nsteps;
} zj_resolve_result;

/* Build from the store's mentions and the last link run's model; `cfg` (NULL: the built-in
 * defaults) gives thresholds and blocking. A store never linked gives a resolver that
 * answers "no_model". ZJ_EDATA on a store error or out of memory. */
int zj_resolver_build(zj_store *s, const zj_link_config *cfg, zj_resolver **out, zj_error *err);
void zj_resolver_free(zj_resolver *rs);              /* NULL is allowed */

/* Resolve one record. Thread-safe. ZJ_EDATA when out of memory or the namer cannot open. */
int zj_resolver_resolve(const zj_resolver *rs, const zj_resolve_input *in,
                        zj_resolve_result *out, zj_error *err);

/* Mentions held, per kind (0 persons, 1 enterprises). */
int64_t zj_resolver_mentions(const zj_resolver *rs, int kind);

#endif
