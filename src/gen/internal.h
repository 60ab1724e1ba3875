/* internal.h - what the generator's files share: the run context, the province model, the
 * entity functions and the row writer. Not a public API (see gen.h).
 *
 * The central idea: every entity is a pure function of (seed, its index). person(k),
 * officer(o), enterprise(e), the criminal chain of incident i, civil case c ... are
 * recomputed wherever a file needs them, so files are written independently, in one pass,
 * with constant memory, and always agree with each other. Planted anomalies are extra
 * indices past the background range of a domain (or overrides looked up in the small plan),
 * built by the same functions.
 *
 * Times are seconds since 1970-01-01 in the agencies' local time (no time zone), at minute
 * resolution; dates are days since 1970-01-01.
 */
#ifndef ZJ_GEN_INTERNAL_H
#define ZJ_GEN_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "base/buf.h"
#include "base/error.h"
#include "gen/gen.h"
#include "gen/rng.h"

/* ---- calendar ---------------------------------------------------------------------------- */

int zg_days(int y, int m, int d);                     /* days since 1970-01-01 */
void zg_ymd(int days, int *y, int *m, int *d);      /* inverse */
int zg_weekday(int days);                             /* 0 = Monday .. 6 = Sunday */
int zg_add_months(int days, int months);              /* same day of month, clamped */
#define ZG_DAY 86400LL
#define ZG_T(days, h, mi) ((int64_t)(days) * ZG_DAY + (h) * 3600LL + (mi) * 60LL)

extern int zg_span_start;     /* 2019-01-01 */
extern int zg_today;          /* 2021-12-31: the reference "today" (campaign's end) */
#define ZG_ASOF (ZG_T(zg_today, 23, 59))

/* Day/time patterns: a day in [from, to] drawn with seasonal weights; a time of day. */
enum { ZG_PAT_INCIDENT = 0, ZG_PAT_CIVIL, ZG_PAT_CRIME, ZG_PAT_N };
int zg_pick_day(zg_rng *r, int pattern, int from, int to);
int zg_workday_on_or_after(int day);
/* The day at quantile u (0..1) of a pattern's seasonal curve over the span, and the share
 * of the curve before `day`. */
int zg_day_at(int pattern, double u);
double zg_day_share(int pattern, int day);
int64_t zg_office_time(zg_rng *r, int day);           /* 08:30-12:00, 14:30-18:00 */
int64_t zg_any_time(zg_rng *r, int day);              /* 110 calls: more at evening */

/* ---- names ------------------------------------------------------------------------------- */

/* Write a full name (surname + 1-2 given-name characters) for a person of sex 'M'/'F'. */
void zg_name(zg_rng *r, char sex, char out[24]);
/* Sample just a surname. */
const char *zg_surname(zg_rng *r);
/* Name-table variants of one character (UTF-8, NUL-terminated) or NULL. kind: 0 traditional,
 * 1 homophone, 2 typo. */
const char *zg_variant(const char *ch, size_t n, int kind);
int zg_names_init(void);      /* builds the cumulative tables; 0 or -1 (bad table) */

/* ---- the province ------------------------------------------------------------------------ */

enum { ZG_AG_COURT = 0, ZG_AG_PROCU, ZG_AG_POLICE, ZG_AG_STATION, ZG_AG_JUSTICE, ZG_AG_CC,
       ZG_AG_PRISON, ZG_AG_N };

typedef struct zg_unit {
    char code[16];           /* J61011300 ... */
    char name[96];
    int agency;              /* ZG_AG_* */
    int level;               /* 0 province, 1 city, 2 county, 3 station */
    int parent;              /* unit index or -1 */
    int region;              /* GB/T 2260 code */
    int county;              /* index in zg.counties, or -1 */
    char court_code[16];     /* courts: 陕, 陕01, 陕0113 */
    char abbr[16];           /* document-number issuer stem: 雁 (雁塔区), 西 ... */
    int64_t first_officer;   /* officers [first_officer, first_officer + nofficers) */
    int nofficers;
} zg_unit;

typedef struct zg_county {
    int code;
    int city;                /* index in zg.cities */
    char name[32];           /* 雁塔区 */
    char full[96];           /* 陕西省西安市雁塔区 */
    int weight;              /* population weight */
    double lat, lon;         /* centre (synthetic) */
    int court, procu, police, justice, cc;  /* unit indexes */
    int station0, nstations;
} zg_county;

typedef struct zg_city {
    int code;
    char name[32];
    int court, procu, police, justice;
} zg_city;

/* ---- scale ------------------------------------------------------------------------------- */

typedef struct zg_scale {
    int ncities;             /* cities included, in code order (all 10 from small up) */
    int stations;            /* police stations per county */
    int prisons;
    double officer_mult;     /* multiplies the officer establishment per unit */
    int64_t citizens, enterprises, incidents, civil_cases, complaints, prisoners,
            cc_subjects, lawyers;
    int gps_every_min;       /* minutes between location points */
    int gps_days;            /* monitoring window per monitored subject */
    double anomaly_rate;     /* multiplier on the stated per-code rates */
} zg_scale;

/* ---- export files ------------------------------------------------------------------------ */

enum { ZG_CSV = 0, ZG_JSONL };
enum { ZG_UTF8 = 0, ZG_GB18030 };
/* Date/time styles of a column (the writer formats, the mapping parses). */
enum {
    ZG_NONE = 0,
    ZG_ISO_DATE,        /* 2021-12-15 */
    ZG_ISO_TS,          /* 2021-12-15 08:30:00 */
    ZG_ISO_T,           /* 2021-12-15T08:30:00 */
    ZG_SLASH_MIN,       /* 2021/12/15 08:30 */
    ZG_SLASH_DATE,      /* 2021/12/15 */
    ZG_CN_DATE,         /* 2021年12月15日 */
    ZG_CN_MIN,          /* 2021年12月15日 08时30分 */
    ZG_COMPACT_DATE,    /* 20211215 */
    ZG_COMPACT_TS,      /* 20211215083000 */
    ZG_DOT_DATE,        /* 2021.12.15 */
};

typedef struct zg_col {
    const char *field;       /* canonical field */
    const char *column;      /* header cell or JSON key */
    int style;               /* ZG_* date style for date/timestamp columns, else 0 */
    const char *opts;        /* more YAML options for the field, e.g. "codes: kinds" */
} zg_col;

typedef struct zg_export {
    const char *file;        /* file name in the output directory */
    const char *mapping;     /* mapping file name (NAME.mapping.yaml) */
    const char *source_system;
    const char *table;
    const char *description;
    int format, encoding;
    char delimiter;          /* CSV: ',' or '\t' */
    const char *key;         /* YAML list of key fields, e.g. "[case_no]" */
    const zg_col *cols;
    int ncols;
    const char *extra_yaml;  /* code_tables:, null_values: ... or NULL */
} zg_export;

typedef struct zg zg;
typedef struct zg_foreign zg_foreign;

/* A value captured in a foreign-layout writer (see layout_foreign.c). */
enum { ZG_CAP_NULL = 0, ZG_CAP_STR, ZG_CAP_INT, ZG_CAP_MONEY, ZG_CAP_F6, ZG_CAP_TIME };
typedef struct zg_cap {
    int kind;
    int64_t i;               /* ZG_CAP_INT, ZG_CAP_TIME */
    double d;                /* ZG_CAP_MONEY, ZG_CAP_F6 */
    size_t off, len;         /* ZG_CAP_STR: bytes in zg_writer.capbuf */
} zg_cap;

/* A row writer for one export: buffers UTF-8 rows, converts to GB18030 on flush when asked,
 * and plants the file-level dirt itself: exact duplicate rows and malformed rows, each at
 * a rate, recording the line numbers of the malformed ones for the manifest. */
typedef struct zg_writer {
    zg *g;
    const zg_export *x;
    int fileno_;             /* index of the export, for its dirt stream */
    FILE *f;
    char *path;
    zj_buf out;              /* pending UTF-8 output */
    zj_buf conv;             /* GB18030 conversion buffer */
    void *cd;                /* iconv_t, or NULL for UTF-8 */
    zj_buf row;              /* the row being built (encoded fields) */
    size_t off[64];          /* field start offsets in row; off[ncols] = end */
    int col;                 /* index in x->cols */
    int nf;                  /* fields written (constant columns have none) */
    int64_t rows;            /* data rows written */
    int64_t line;            /* physical line of the last row written (header = 1 for CSV) */
    int64_t dups, bytes;
    int64_t skipped;         /* lines the mapping skips (a foreign ledger's total line) */
    int64_t bad_lines[64];   /* malformed rows' lines (capped list) */
    const char *bad_kinds[64];
    int nbad;
    int64_t next_bad;        /* row index after which the next malformed row goes */
    int date_col;            /* a date field (for impossible dates), -1 if none */
    int date_spec;           /* its index in x->cols */
    int err;
    unsigned char special[256];  /* bytes that force quoting (CSV) or escaping (JSON) */
    size_t keylen[64];       /* column name lengths */
    /* Foreign layout (外来版式): the row functions write the default layout's columns, which
     * are captured here and written out in the foreign layout's columns by
     * zg_foreign_render(); or, for a `direct` layout, row functions write its columns. */
    const zg_foreign *fx;
    bool rendering;
    int src[64];             /* per foreign column: index of the default column, -1 none */
    zg_cap cap[64];          /* per default column */
    zj_buf capbuf;
} zg_writer;

int zg_writer_open(zg *g, zg_writer *w, const zg_export *x, int fileno_, zj_error *err);
void zg_row_begin(zg_writer *w);
void zg_s(zg_writer *w, const char *s);                /* text; NULL = missing */
void zg_sn(zg_writer *w, const char *s, size_t n);
void zg_i(zg_writer *w, int64_t v);
void zg_money(zg_writer *w, double v);                 /* 2 decimals (thousands separators
                                                          when the column's opts ask) */
void zg_f6(zg_writer *w, double v);                    /* 6 decimals (coordinates) */
void zg_null(zg_writer *w);
void zg_time(zg_writer *w, int64_t t);                 /* per the column's style */
void zg_day(zg_writer *w, int day);
int zg_row_end(zg_writer *w);          /* commits; may add a duplicate / malformed row */
int zg_writer_close(zg_writer *w, zj_error *err);      /* finishes the file, frees buffers */
/* Write w's rows in the foreign layout fx (w was opened with fx->x). */
void zg_writer_foreign(zg_writer *w, const zg_foreign *fx);
void zg_gen_caches_free(void);                         /* the writers' shared date cache */

/* The stored value of a date/timestamp as the importer will key it ("YYYY-MM-DD[ HH:MM:SS]"),
 * given the column style it was written in. */
void zg_key_time(int64_t t, int style, bool timestamp, char out[24]);

/* ---- the run ----------------------------------------------------------------------------- */

typedef struct zg_plan zg_plan;

struct zg {
    uint64_t seed;
    zj_gen_scale scale_id;
    zg_scale sc;
    const char *dir;
    /* province */
    zg_city cities[16];
    int ncities;
    zg_county counties[160];
    char *county_wkt[160];    /* county boundaries, WKT in WGS-84 (geography.c) */
    int ncounties;
    int county_cum[160];      /* cumulative weights for sampling */
    zg_unit *units;
    int nunits;
    int court_high, procu_prov, police_prov, justice_prov;
    int prison0, nprisons;
    int *basic_courts;        /* county court unit indexes */
    int nbasic;
    int64_t officers;         /* total officers */
    /* person index space (see people.c) */
    int64_t pb_officer, pb_relative, pb_lawyer, pb_prisoner, pb_cc, pb_plant, pb_end;
    /* truth, identity, manifest */
    FILE *truth, *identity;
    zj_buf manifest;
    int64_t anomalies, near_misses, mentions;
    zg_plan *plan;
    zj_gen_summary *sum;
    const zj_gen_options *opt;
};

/* A run context for (seed, scale) with nothing laid out; zg_layout() builds the province,
 * the person index space and the anomaly plan (writing truth.jsonl to g->truth, which must
 * be an open file). Used by zj_gen_run and by the unit tests. */
zg *zg_new(uint64_t seed, zj_gen_scale scale);
int zg_layout(zg *g, zj_error *err);
void zg_free(zg *g);

int zg_province_build(zg *g, zj_error *err);
/* County boundaries: the Voronoi cells of the county centres inside the province's box. */
int zg_geography_build(zg *g, zj_error *err);
void zg_geography_free(zg *g);
void zg_province_free(zg *g);
int zg_pick_county(const zg *g, zg_rng *r);                 /* population-weighted */
int zg_unit_of_officer(const zg *g, int64_t o);

/* ---- people ------------------------------------------------------------------------------ */

typedef struct zg_person {
    int64_t k;
    char name[24];
    char id[19];
    char sex;                /* 'M' or 'F' */
    int birth;               /* days */
    int county;              /* county index (birth registration) */
    char phone[12];
} zg_person;

void zg_mk_person(const zg *g, int64_t k, zg_person *p);
/* The unit and post an interference record gives for person k who approached an officer, by
 * the record's category (0 leader interference, 1 internal inquiry, 2 improper contact). */
void zg_actor_post(const zg *g, int64_t k, int category, char unit[96], char post[32]);
void zg_address(const zg *g, int64_t k, int county, char out[160]);
/* The address as a party's record writes it (people.c): variants of zg_address by salt. */
/* Where person k lived before his current home (zg_address), as the household register
 * records the move (何时由何地迁来本址): true and the address in out for the third of the
 * people who moved, false for the others. */
bool zg_former_address(const zg *g, int64_t k, int county, char out[160]);
void zg_address_written(const zg *g, int64_t k, int county, uint64_t salt, char out[160]);
/* Person entity id "P00001234". */
void zg_pid(int64_t k, char out[16]);

enum { ZG_REL_SPOUSE = 0, ZG_REL_CHILD, ZG_REL_CHILD_SPOUSE, ZG_REL_PARENT, ZG_REL_N };
extern const char *const zg_rel_names[ZG_REL_N];

typedef struct zg_officer {
    int64_t o;
    int unit;
    int64_t person;          /* person index */
    char officer_no[16];
    const char *position, *rank, *area;
    bool leader;
    int start, end;          /* tenure (days); end < 0: still in post */
    const char *status;
    int slot;                /* index within the unit */
} zg_officer;

void zg_mk_officer(const zg *g, int64_t o, zg_officer *out);
/* The officer's relative of kind `rel`: returns false when the officer has none. */
bool zg_relative(const zg *g, const zg_officer *o, int rel, zg_person *p);
/* An officer of unit u working in `area` (or any area when NULL), chosen by r. */
int64_t zg_unit_officer(const zg *g, int u, const char *area, zg_rng *r);
bool zg_officer_in_post(const zg_officer *o, int day);

/* ---- enterprises ------------------------------------------------------------------------- */

typedef struct zg_enterprise {
    int64_t e;
    char uscc[19];
    char name[128];
    const char *kind;        /* company|individual_business|cooperative */
    int county;
    int64_t legal_rep;       /* person index */
    int64_t holders[3];      /* shareholders (person index), -1 = none */
    double share[3];
    int64_t finance;         /* finance officer person index */
    double capital;          /* 10k CNY */
    int established, deregistered;   /* days; deregistered < 0: active */
    const char *industry;
    bool taxed;              /* has a tax registration */
} zg_enterprise;

void zg_mk_enterprise(const zg *g, int64_t e, zg_enterprise *out);
void zg_eid(int64_t e, char out[16]);                 /* "E00001234" */
int64_t zg_enterprises_total(const zg *g);            /* background + planted */

/* ---- identity and dirt ------------------------------------------------------------------- */

enum {
    ZG_N_TYPO = 1 << 0, ZG_N_HOMOPHONE = 1 << 1, ZG_N_TRADITIONAL = 1 << 2,
    ZG_N_MISSING_ID = 1 << 3, ZG_N_LEGACY_ID = 1 << 4, ZG_N_FULLWIDTH = 1 << 5,
    ZG_N_SPACES = 1 << 6, ZG_N_BAD_CHECK = 1 << 7,
};
#define ZG_NOISE_KINDS 8
extern const char *const zg_noise_names[ZG_NOISE_KINDS];

/* Rates (per mention) used by dirt.c; written to the manifest. */
typedef struct zg_dirt_rates {
    double typo, homophone, traditional, missing_id, legacy_id, bad_check, fullwidth, spaces;
    double duplicate_rows, malformed_rows;
} zg_dirt_rates;
extern const zg_dirt_rates zg_dirt;

/* Dirty a person's name and ID for one mention (`salt` distinguishes mentions). `level`
 * scales the rates (0 = clean, 1 = the stated rates). Returns the noise mask. id_out is ""
 * when the ID is missing. */
unsigned zg_dirty_person(const zg *g, const zg_person *p, uint64_t salt, double level,
                         char name_out[64], char id_out[64]);
/* A person's name written in one variant form on purpose (a planted hard case): the
 * traditional or the homophone of one character (unchanged when none has one), or a stray
 * space after the surname. Returns the noise bit applied (0 when unchanged). */
enum { ZG_VAR_EXACT = 0, ZG_VAR_TRADITIONAL, ZG_VAR_HOMOPHONE, ZG_VAR_SPACES };
unsigned zg_name_variant(const zg *g, const zg_person *p, int variant, uint64_t salt,
                         char out[64]);
/* Phone with occasional full-width digits. */
unsigned zg_dirty_phone(const zg *g, const char *phone, uint64_t salt, char out[64]);

/* Record one mention in identity.jsonl. key: the record's source_key (U+001F separated). */
int zg_mention(zg *g, const char *table, const char *system, const char *key, const char *role,
               bool person, int64_t entity, unsigned noise);

/* ---- truth ------------------------------------------------------------------------------- */

typedef struct zg_ref {
    const char *table;
    const char *system;
    char key[192];
} zg_ref;

/* Append one truth.jsonl entry. */
int zg_truth(zg *g, const char *code, bool near_miss, const zg_ref *subject,
             const zg_ref *records, int nrecords, const char *note);

/* ---- the exports (exports.c, emit_*.c; see exports.h) ------------------------------------ */

int zg_write_mapping(zg *g, const zg_export *x, zj_error *err);

/* ---- shared helpers ---------------------------------------------------------------------- */

/* Join key parts with U+001F into out (cap bytes). */
void zg_key(char *out, size_t cap, int n, ...);
/* Write n as decimal with at least `width` digits (zero-padded) at p; returns length. */
int zg_fmt_int(char *p, int64_t n, int width);

#endif
