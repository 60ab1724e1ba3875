/* filing_index.h - the filing check's in-memory index, shared by filing_index.c (building it)
 * and filing.c (checking against it). Not a public interface: see filing.h. */
#ifndef ZJ_DETECT_FILING_INDEX_H
#define ZJ_DETECT_FILING_INDEX_H

#include <stdatomic.h>
#include <stdint.h>

#include "detect/filing.h"

enum { FK_CIVIL, FK_ADMIN, FK_CRIMINAL, FK_ENFORCE, FK_BANKRUPT, FK_OTHER };
enum { SIDE_PLAINTIFF, SIDE_DEFENDANT, SIDE_OTHER };
enum { OUT_PENDING, OUT_JUDGMENT, OUT_MEDIATION, OUT_WITHDRAWN, OUT_DISMISSED, OUT_OTHER };
/* court_case.defence: how the defendant met the claims */
enum { DEF_UNKNOWN, DEF_CONTESTED, DEF_NO_ANSWER, DEF_DEFAULT, DEF_ADMITTED };

/* Distinct shingles kept of a claims text (text/shingle.h). */
#define FL_MAX_SHINGLES 192

typedef struct fl_case {
    int64_t id;
    const char *table;        /* static: court_case | procuratorate_case | police_case */
    uint32_t case_no, cause;  /* offsets into the string pool */
    uint8_t kind, outcome;
    uint8_t defence;          /* DEF_* */
    long filed, closed;       /* days; closed = ZJ_DAY_MAX while open */
    uint32_t claims_at, nclaims;   /* its claims' shingles in zj_filing_index.shingles */
    uint32_t first_party, nparties;
} fl_case;

typedef struct fl_party {
    int64_t record_id, entity;
    uint64_t ident;           /* the identity key: entity, else ID, else the record */
    uint64_t idkey;           /* the normalised ID or credit code (0: none) */
    uint64_t phone, address, lawyer, name;   /* hashes, 0 when missing */
    uint32_t cas;             /* index into cases */
    uint8_t side;
} fl_party;

/* An edge of the relations graph (relative, enterprise role), stored in both directions. */
typedef struct fl_edge {
    uint64_t from, to;        /* entity ids */
    uint8_t role_edge;        /* 1: an enterprise role (to or from an enterprise), 0: a relative */
} fl_edge;

typedef struct fl_pair {
    uint64_t key;
    uint32_t party;
} fl_pair;

/* The weights and thresholds of the rules, read once. */
typedef struct fl_params {
    bool enabled[4];
    double threshold[4];
    /* FL01 */
    char **fl01_causes; size_t n_fl01_causes;
    double w_related, w_cause, w_phone, w_address, w_lawyer, w_same_id, w_repeat, w_quick, w_enforced,
        w_large;
    int64_t quick_days, min_quick;
    double w_uncontested;
    int64_t min_uncontested, uncontested_days;
    double large_claim;
    /* FL02 */
    int64_t fl02_window, min_filings, min_same, min_closed;
    double w_many, w_same, w_rate, min_rate, claim_similarity;
    /* FL03 */
    char **fl03_causes; size_t n_fl03_causes;
    int64_t fl03_window, min_plaintiffs;
    /* FL04 */
    double w_enforcement, w_bankruptcy, w_criminal;
} fl_params;

/* What an index was built from. A refresh that reads the same stamp has nothing to load; one
 * whose `link` is unchanged keeps the resolver (the mentions did not move) and reloads only the
 * cases. */
typedef struct fl_stamp {
    int64_t batch;            /* the newest committed import batch (detect/scope.h) */
    int64_t rows[4];          /* the highest id of court_case, procuratorate_case, police_case,
                                 case_party: rows written without a batch (tests, tools) */
    uint64_t link;            /* zj_link_generation (link/link.h) */
} fl_stamp;

/* The one-record resolver, shared by the indexes built on one link state: a refresh after an
 * import only takes a reference. Freed with the last index that holds it. */
typedef struct fl_resolver_ref {
    zj_resolver *rs;
    atomic_int refs;
} fl_resolver_ref;

struct zj_filing_index {
    char *pool;               /* strings, NUL-terminated, addressed by offset */
    size_t pool_len, pool_cap;
    fl_case *cases;
    size_t ncases, cases_cap;
    uint32_t *shingles;       /* the cases' claims shingles, each case's sorted */
    size_t nshingles, shingles_cap;
    fl_party *parties;        /* grouped by case (fl_case.first_party) */
    size_t nparties, parties_cap;
    fl_pair *by_ident;        /* (ident, party), by ident then filing day */
    fl_pair *by_id;           /* (hash of the normalised ID or credit code, party) */
    fl_pair *by_name;         /* (hash of the name, party) */
    fl_pair *by_record;       /* (case_party.id, party) */
    size_t n_ident, n_id, n_name, n_record;
    fl_edge *edges;           /* by `from` */
    size_t nedges, edges_cap;
    fl_params p;
    zj_resolver *resolver;    /* new parties, by the linking model (NULL: the replay) */
    fl_resolver_ref *rref;    /* owns resolver (NULL with it) */
    fl_stamp stamp;
    double build_seconds;     /* wall seconds of the whole build */
    double resolver_seconds;  /* of which building the resolver (0: taken from the last index) */
};

/* Read the stamp the store is at now. ZJ_EDATA on a store error. */
int zj_filing_stamp_read(zj_store *s, fl_stamp *st, zj_error *err);

/* Build an index as zj_filing_index_build does, taking `prev`'s resolver when prev is not
 * NULL, was built with one and its stamp's link generation equals the store's. */
int zj_filing_index_build_from(zj_store *s, const zj_rules *rules, const zj_filing_options *opt,
                               const zj_filing_index *prev, zj_filing_index **out,
                               zj_error *err);

#define FL_STR(ix, off) ((ix)->pool + (off))

uint64_t zj_filing_hash(const char *s, size_t n);
/* Normalised keys of a party's fields (0 when empty); shared by the index and the check. */
uint64_t zj_filing_id_key(const char *id_no);
uint64_t zj_filing_phone_key(const char *phone);
uint64_t zj_filing_text_key(const char *s);
/* An address by its household (text/address.h: road, house number, flat), so that one home
 * written with or without province and city, or in full-width digits, is one key; the
 * trimmed text when it does not parse. */
uint64_t zj_filing_address_key(const char *s);
uint64_t zj_filing_lawyer_key(const char *name, const char *license);
int zj_filing_side(const char *role);
/* The first pair with `key` in a sorted array of n (n when none). */
size_t zj_filing_lower(const fl_pair *a, size_t n, uint64_t key);
/* How entities a and b are related in the graph: 0 not, 1 relatives or one holds a role in
 * the other (an enterprise), 2 roles in one enterprise. */
int zj_filing_related(const zj_filing_index *ix, uint64_t a, uint64_t b);

#endif
