/* filing.h - the case-filing check (立案辅助审查): party histories and risk prompts FL01-FL04.
 *
 * A filing judge enters a proposed case (case type, cause of action 案由, claim amount, the
 * parties with role, name, ID or credit code, phone, address and lawyer). The check resolves
 * each party against the store's litigation history, lists that history (cases by role, type,
 * cause, outcome and period) and scores four risk prompts, each with the factors behind its
 * score and the cases that support it:
 *   FL01 false litigation (虚假诉讼), FL02 abusive litigation (滥诉), FL03 mass involvement
 *   (涉众), FL04 may affect filing (影响立案: enforcement, bankruptcy, a parallel criminal case).
 * Weights and thresholds are the FL01-FL04 entries of the rules (rules/detectors.yaml), each
 * citing its basis; the criminal charges that are "the same facts" as a civil cause are the
 * table rules/filing_charge_cause.tsv (compiled in).
 *
 * The index (zj_filing_index) is built once from the store (court, procuratorate and police
 * cases, their parties and the entities linking gave them) and is read-only afterwards: any
 * number of threads may call zj_filing_check on one index at once. The one-record resolver
 * (every mention) is built on a second connection to the store while the cases load.
 * zj_filing_service holds the current index and swaps in a new one when cases are imported
 * (zj_filing_service_refresh): nothing is read when no batch was imported and no link run
 * committed since the index was built; after imports alone only the cases are reloaded and
 * the resolver is kept. Checks never wait for a build, only for the swap of a pointer; checks
 * in flight keep the index they started with.
 *
 * A party not yet in the store is resolved one record at a time by the batch linking model
 * (link/resolve.h): the same normalization, blocking rules (rules/linking.yaml), comparators
 * and the m/u parameters the last `zhijian link` estimated, against the mentions held in
 * memory. The answer says how sure (match weight, probability, the threshold) and why (each
 * comparator's level and weight). A name alone never links two unrelated 张伟: its weight
 * stays below the threshold; the number of same-name holders is reported besides. A store
 * never linked falls back to exact IDs.
 *
 * Only history known on the check's day counts: cases filed before it, outcomes of cases
 * closed before it. So the same call replays a historical filing "as if new" (the FL01-FL04
 * detectors do this for every first-instance civil and administrative case in the store).
 */
#ifndef ZJ_DETECT_FILING_H
#define ZJ_DETECT_FILING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"
#include "base/error.h"
#include "detect/rules.h"
#include "link/config.h"
#include "link/resolve.h"
#include "store/store.h"

#define ZJ_FILING_MAX_PARTIES 32
#define ZJ_FILING_MAX_FACTORS 8
#define ZJ_FILING_MAX_CASES 24

/* ---- the proposed case -------------------------------------------------------------------- */

typedef struct zj_filing_party {
    const char *role;         /* plaintiff|defendant|third_party|applicant|respondent|... */
    const char *kind;         /* person|enterprise (NULL: from the ID, else person) */
    const char *name;
    const char *id_no;        /* resident ID or unified social credit code (may be NULL) */
    const char *phone, *address, *birth_date;   /* may be NULL */
    const char *lawyer_name, *lawyer_license_no; /* the party's lawyer (may be NULL) */
} zj_filing_party;

typedef struct zj_filing_case {
    const char *case_type;    /* 民初, 行初, ... */
    const char *cause;        /* 案由 */
    const char *claims;       /* 诉讼请求, free text (NULL: none) */
    double claim_amount;      /* CNY; 0 when none */
    const char *filed_on;     /* YYYY-MM-DD: the check's day (NULL: today) */
    zj_filing_party parties[ZJ_FILING_MAX_PARTIES];
    size_t nparties;
    int64_t self_id;          /* replay: court_case.id of the case itself, left out (0: none) */
    int64_t self_party_id[ZJ_FILING_MAX_PARTIES]; /* replay: case_party.id of each party (0);
                                                     such a party needs no name */
} zj_filing_case;

/* ---- the answer --------------------------------------------------------------------------- */

typedef struct zj_filing_history {
    int64_t cases;                    /* cases known on the day */
    int64_t as_plaintiff, as_defendant, as_other;
    int64_t civil, administrative, criminal, enforcement, bankruptcy, other_type;
    int64_t judgment, mediation, withdrawn, dismissed, other_outcome, pending;
    long first_day, last_day;         /* filing days; 0 when no cases */
    int64_t last_year;                /* filed in the 365 days before the check */
    int64_t case_ids[ZJ_FILING_MAX_CASES];   /* court_case ids, newest first */
    size_t ncase_ids;
} zj_filing_history;

typedef struct zj_filing_identity {
    /* record (the replay: the stored record as linking placed it) | id (a trusted ID) |
     * model (the linking model) | ambiguous | below_threshold (not linked) | new (no
     * candidate) | name_only (no candidate, but holders of the name exist) */
    const char *method;
    double confidence;        /* the match probability; 0 when not resolved */
    int64_t entity_id;        /* the linked entity (0: none, e.g. an unlinked store) */
    int64_t same_name;        /* holders of the same name in the index */
    double weight;            /* match weight of the best candidate (log2 odds, prior included) */
    double threshold;         /* the probability linking needs (rules/linking.yaml) */
    int64_t candidates;       /* stored mentions compared */
    int64_t runner_up;        /* the next best other entity (0: none) */
    double runner_up_confidence;
    zj_resolve_step steps[ZJ_RESOLVE_MAX_STEPS];   /* the best candidate's comparators */
    int nsteps;
    zj_filing_history history;
} zj_filing_identity;

typedef struct zj_filing_factor {
    const char *name;         /* e.g. shared_phone (docs/detectors.md lists them) */
    double weight;            /* its contribution to the score */
    char detail[200];         /* what was found, in Chinese then English; no personal data */
} zj_filing_factor;

typedef struct zj_filing_case_ref {
    int64_t id;               /* record id */
    const char *table;        /* court_case | procuratorate_case | police_case */
    char case_no[96];
} zj_filing_case_ref;

typedef struct zj_filing_prompt {
    char code[8];             /* FL01..FL04 */
    bool warn;                /* score >= the rule's threshold and the prompt is enabled */
    double score, threshold;
    zj_filing_factor factors[ZJ_FILING_MAX_FACTORS];
    size_t nfactors;
    zj_filing_case_ref cases[ZJ_FILING_MAX_CASES];   /* supporting cases */
    size_t ncases;
    int64_t cluster_size, place;      /* FL03: cases in the cluster; this case's place in it */
} zj_filing_prompt;

typedef struct zj_filing_result {
    long day;                          /* the check's day, days since 1970-01-01 */
    zj_filing_identity parties[ZJ_FILING_MAX_PARTIES];
    size_t nparties;
    zj_filing_prompt prompts[4];       /* FL01, FL02, FL03, FL04 */
} zj_filing_result;

/* ---- the index ---------------------------------------------------------------------------- */

typedef struct zj_filing_index zj_filing_index;

/* How an index is built. Zeroed (or NULL): with the one-record resolver, linking settings
 * the built-in defaults. */
typedef struct zj_filing_options {
    bool no_resolver;                 /* the replay: every party is a stored record */
    const zj_link_config *link;       /* rules/linking.yaml as loaded (NULL: defaults) */
} zj_filing_options;

/* Build the index from the store with the FL rules of `rules` (copied). ZJ_EDATA on a store
 * error or out of memory. */
int zj_filing_index_build(zj_store *s, const zj_rules *rules, const zj_filing_options *opt,
                          zj_filing_index **out, zj_error *err);
void zj_filing_index_free(zj_filing_index *ix);                 /* NULL is allowed */
size_t zj_filing_index_cases(const zj_filing_index *ix);

/* Check one proposed case. Thread-safe on a shared index. ZJ_EUSAGE for a bad case (no
 * parties, a party without name or role, a bad filed_on), naming the field. */
int zj_filing_check(const zj_filing_index *ix, const zj_filing_case *c, zj_filing_result *out,
                    zj_error *err);

/* The case type of a type code: "civil", "administrative", "criminal", "enforcement",
 * "bankruptcy" or "other" (from rules/case_types.tsv's letters: 民, 行, 刑, 执, 破). */
const char *zj_filing_case_kind(const char *case_type);

/* ---- a shared, refreshable index ---------------------------------------------------------- */

typedef struct zj_filing_service zj_filing_service;

int zj_filing_service_open(zj_store *s, const zj_rules *rules, const zj_filing_options *opt,
                           zj_filing_service **out, zj_error *err);
/* Bring the index up to the store (e.g. after an import) and swap the new one in: nothing
 * to do when the store's stamp is the index's (no batch imported, no link run since), the
 * cases alone reloaded when linking did not move, else a full build. The store handle must not
 * be used by another thread meanwhile; checks may run, and one refresh runs at a time. On an
 * error the index in service stays. */
int zj_filing_service_refresh(zj_filing_service *sv, zj_store *s, zj_error *err);

/* What a refresh did. */
typedef struct zj_filing_refresh {
    bool rebuilt;             /* false: the index was current */
    bool resolver_kept;       /* the cases reloaded, the resolver taken from the old index */
    double seconds;           /* the build's wall seconds */
    size_t cases;             /* cases in the new index */
} zj_filing_refresh;
int zj_filing_service_refresh_info(zj_filing_service *sv, zj_store *s, zj_filing_refresh *info,
                                   zj_error *err);
int zj_filing_service_check(zj_filing_service *sv, const zj_filing_case *c,
                            zj_filing_result *out, zj_error *err);
void zj_filing_service_close(zj_filing_service *sv);            /* NULL is allowed */

/* ---- input and output (filing_json.c) ----------------------------------------------------- */

/* Parse a proposed case from JSON text; its strings point into the parsed document, freed with
 * zj_filing_input_free (also after a failure). ZJ_EUSAGE naming the field, e.g.
 * "parties[1].role: missing". */
typedef struct zj_filing_input {
    zj_filing_case c;
    void *json;               /* the parsed document the strings point into */
} zj_filing_input;
int zj_filing_input_parse(const char *text, size_t n, zj_filing_input *out, zj_error *err);
void zj_filing_input_free(zj_filing_input *in);

/* The result as one JSON object (appended to out). Input personal data is masked unless
 * `unmask`. Returns ZJ_OK or ZJ_EDATA (out of memory). */
int zj_filing_result_json(const zj_filing_case *c, const zj_filing_result *r, bool unmask,
                          zj_buf *out);

#endif
