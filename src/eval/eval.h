/* eval.h - score the store's leads and entities against a generated province's truth (评估).
 *
 * zj_eval_run() reads DIR/truth.jsonl and DIR/identity.jsonl (written by `zhijian gen`,
 * formats in docs/truth.md) and compares them with the store:
 *  - detectors: a lead matches a truth entry of the same code when its subject record (table,
 *    source_system, source_key) is the entry's subject, or one of the entry's records in the
 *    subject's table (clusters such as FL02's suits). Precision = matching leads / leads of
 *    the code; recall = anomalies (not near misses) hit / anomalies of the code. A lead that
 *    matches only near misses is a false positive and is counted in near_miss_hits.
 *  - linking: over mentions present in both the store and the truth (matched on table,
 *    source_system, source_key and role), pairwise precision and recall of the entity
 *    assignment, from cluster contingency counts (never pair by pair); an unlinked mention is
 *    a cluster of its own. Recall is also broken down by noise type: a true pair counts for
 *    a type when either of its mentions has that noise.
 */
#ifndef ZJ_EVAL_H
#define ZJ_EVAL_H

#include <stdbool.h>
#include <stdint.h>

#include "base/error.h"
#include "store/store.h"

#define ZJ_EVAL_MAX_CODES 64
#define ZJ_EVAL_NOISE 8

typedef struct zj_eval_score {
    int64_t truth;           /* anomalies planted (near misses excluded) */
    int64_t near_misses;     /* near misses planted */
    int64_t found;           /* leads of the code */
    int64_t true_positives;  /* leads that match an anomaly */
    int64_t hit;             /* anomalies matched by at least one lead */
    int64_t near_miss_hits;  /* leads that match only near misses */
    double precision, recall, f1;   /* 0 when undefined (no leads / no truth) */
} zj_eval_score;

typedef struct zj_eval_code {
    char code[8];
    bool built;              /* a detector of this code is in the registry (detect/registry.c);
                                a catalog code not built yet has no score to show */
    zj_eval_score s;
} zj_eval_code;

typedef struct zj_eval_link {
    int64_t truth_mentions, store_mentions, mentions;   /* mentions = in both */
    int64_t unlinked;                                    /* of those, no entity in the store */
    int64_t true_pairs, predicted_pairs, correct_pairs;
    double precision, recall, f1;
    int64_t noise_mentions[ZJ_EVAL_NOISE];
    int64_t noise_true_pairs[ZJ_EVAL_NOISE], noise_correct_pairs[ZJ_EVAL_NOISE];
    double noise_recall[ZJ_EVAL_NOISE];
} zj_eval_link;

typedef struct zj_eval_result {
    zj_eval_code codes[ZJ_EVAL_MAX_CODES];   /* every catalog code, then unknown ones seen */
    int ncodes;
    zj_eval_link person, enterprise;
    int64_t orphan_leads;                    /* leads whose subject record is missing */
    int64_t unmatched_truth_codes;           /* truth entries with a code not in the catalog */
} zj_eval_result;

extern const char *const zj_eval_noise_names[ZJ_EVAL_NOISE];

/* Score the store against the truth in `truth_dir`. Returns ZJ_OK, ZJ_EUSAGE (truth files
 * missing) or ZJ_EDATA (unreadable truth line, store error); err names the file and line. */
int zj_eval_run(zj_store *s, const char *truth_dir, zj_eval_result *out, zj_error *err);

#endif
