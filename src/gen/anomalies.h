/* anomalies.h - the anomaly plan: which records are planted, and how (注入异常).
 *
 * The plan is made once per run (anomalies.c) from the seed and the scale. It is small -
 * proportional to the number of planted anomalies, not to the data - and consists of extra
 * records appended to a domain (planted enterprises, court cases, police chains, sentence
 * changes, community-correction subjects, complaints) and overrides of background records
 * (an officer's month without report, a late report, an interference record in place of a
 * zero report). Domain builders (cases.c, integrity.c, execution.c, enterprises.c) consult
 * it; truth.jsonl is written from it.
 */
#ifndef ZJ_GEN_ANOMALIES_H
#define ZJ_GEN_ANOMALIES_H

#include "gen/internal.h"

typedef struct zg_pent {
    int64_t legal_rep;       /* person index */
    int64_t holder;          /* second shareholder or -1 */
    int county;
    int established, deregistered;   /* deregistered < 0: active */
} zg_pent;

/* A planted party of a court case. */
typedef struct zg_pparty {
    const char *role;        /* plaintiff, defendant, ... */
    int is_ent;              /* 0 person, 1 enterprise, 2 government organ (unit index) */
    int64_t idx;
    int share_contact;       /* 1: writes the first party's phone and address (related parties);
                                2: the first party's lawyer acts for this party too;
                                3: written bare - no ID, no phone, only name and address */
} zg_pparty;

enum { ZG_EXT_NONE = 0, ZG_EXT_LAWFUL, ZG_EXT_REUSED };

typedef struct zg_pcase {
    int court;               /* unit */
    const char *type;        /* 民初 行初 刑初 */
    const char *cause;
    const char *procedure;
    int64_t filed, closed;   /* closed < 0: open */
    const char *outcome;
    int64_t judge;           /* officer */
    double claim;
    zg_pparty parties[3];
    int nparties;
    int ext;                 /* ZG_EXT_* */
    char approval_no[80];    /* the extension approval (ZG_EXT_REUSED shares one) */
    int no_hearing;          /* PN02 */
    int swapped;             /* PN03: judgment before hearing; 2: both on one day, the judgment
                              * at an earlier hour (当庭宣判, a near miss) */
    const char *defence;     /* court_case.defence (NULL: as the outcome makes it) */
    char claims[320];        /* 诉讼请求 ("": none) */
} zg_pcase;

/* Planted police chains (incident -> police case -> ...). */
enum {
    ZG_PC_CF01 = 1, ZG_PC_CF02, ZG_PC_CF02_NEAR, ZG_PC_CF03, ZG_PC_CF04, ZG_PC_CF04_NEAR,
    ZG_PC_CF05, ZG_PC_CF05_NEAR, ZG_PC_TR05, ZG_PC_TR05_NEAR, ZG_PC_FL04, ZG_PC_CF03_NEAR,
    ZG_PC_CF05_PARTY,        /* near miss: neither ledger has the other's number right, the
                                procuratorate's case has the same suspect and dates */
};
typedef struct zg_pchain {
    int kind;
    int64_t suspect;         /* FL04, CF05 and CF05_PARTY: the person, -1 otherwise */
    int64_t twin;            /* the chain whose dates and cause this one repeats, -1 none
                                (CF05_PARTY: then its police case number is mistyped in the
                                procuratorate's ledger, else missing there) */
} zg_pchain;

/* Overrides of an officer's month in the three-regulations ledgers. */
enum { ZG_M_SKIP = 1, ZG_M_LATE, ZG_M_ONTIME_5TH, ZG_M_RECORD };
/* zg_pmonth.late_days of a planted TR03 record: the actor's ID written, or name, unit and
 * post only. */
enum { ZG_ACTOR_WITH_ID = 1001, ZG_ACTOR_NAME_ONLY = 1002 };

typedef struct zg_pmonth {
    int64_t officer;
    int month;               /* months since 2019-01 */
    int action;              /* ZG_M_* */
    int64_t actor;           /* ZG_M_RECORD: person index of the actor, or -1 */
    int64_t case_c;          /* ZG_M_RECORD: court case index referred to, or -1 */
    int late_days;
} zg_pmonth;

typedef struct zg_pcomplaint {
    int64_t officer;
    int64_t at;
    int64_t case_c;          /* court case index referred to, or -1 */
    int64_t complainant;
    int by_name;             /* the officer named by number (-1) or by name and unit, written
                                as ZG_VAR_* */
} zg_pcomplaint;

typedef struct zg_psc {      /* planted sentence change */
    const char *crime, *category;
    int months;              /* sentence */
    int served_months;       /* at application */
    int cut;                 /* reduction months */
    const char *change_type, *reason;
    int review_ago_months;   /* medical parole: months since last review, -1 n/a */
    int64_t prisoner;        /* person index */
    int start;               /* sentence start (days) */
    int prison1;             /* 1 + the prison's index among the prisons; 0: drawn */
    int aday;                /* day of the application; 0: drawn (SC02 clusters set it) */
} zg_psc;

enum { ZG_CC_OUT = 1, ZG_CC_OUT_LEAVE, ZG_CC_SILENT, ZG_CC_SILENT_NEAR, ZG_CC_MEET,
       ZG_CC_MEET_NEAR, ZG_CC_MEET_PEER, ZG_CC_GLITCH, ZG_CC_OUT_AWAY };
typedef struct zg_pcc {
    int kind;
    int county;
    int64_t peer;            /* ZG_CC_MEET*: the other subject (index) */
} zg_pcc;

struct zg_plan {
    zg_pent *ents; int nents;
    zg_pcase *cases; int ncases;
    zg_pchain *chains; int nchains;
    zg_pmonth *months; int nmonths;        /* sorted by (officer, month) */
    zg_pcomplaint *complaints; int ncomplaints;
    int64_t *complained;                   /* officers excluded from background targets */
    int ncomplained;
    zg_psc *scs; int nscs;
    zg_pcc *ccs; int nccs;
    struct { int64_t k, as; } same_name[16];  /* person k bears the name of person `as` */
    int nsame_name;
    struct { int64_t k, of; } neighbour[8];   /* person k lives in `of`'s building, another flat */
    int nneighbour;
};

int zg_plan_make(zg *g, zj_error *err);     /* builds g->plan and writes truth.jsonl */
void zg_plan_free(zg *g);

int64_t zg_plan_nents(const zg *g);
const zg_pent *zg_plan_ent(const zg *g, int64_t e);
const zg_pmonth *zg_plan_month(const zg *g, int64_t officer, int month);
bool zg_plan_complained(const zg *g, int64_t officer);

/* ---- domain builders shared by emitters and the plan (cases.c) ---------------------------- */

#define ZG_MAXEV 12
typedef struct zg_event {
    const char *node;        /* source node name or code as the system writes it */
    int64_t at;
    char doc[80];
    char approval[80];
    const char *approver;
    int days;
    int64_t officer;         /* -1 none */
} zg_event;

typedef struct zg_party {
    const char *role;
    int is_ent;              /* 0 person, 1 enterprise, 2 organ */
    int64_t idx;
    int64_t lawyer;          /* lawyer index or -1 */
    int64_t contact_of;      /* person index whose phone/address is written, or -1 */
    int bare;                /* 1: written without ID and phone (name and address only) */
} zg_party;

typedef struct zg_civil {
    int64_t c;
    int court;
    char case_no[64];
    const char *type, *cause, *procedure, *outcome, *status;
    const char *defence;     /* contested|no_answer|default|admitted, NULL when not recorded */
    char claims[320];        /* 诉讼请求, "" when not recorded */
    int64_t filed, closed;
    int64_t judge;
    double claim;
    zg_party parties[4];
    int nparties;
    zg_event ev[ZG_MAXEV];
    int nev;
} zg_civil;

int64_t zg_civil_total(const zg *g);
void zg_civil_case(const zg *g, int64_t c, zg_civil *out);

typedef struct zg_chain {
    int64_t i;
    int plant;               /* ZG_PC_* or 0 */
    char incident_no[24];
    int64_t received, disposed;
    const char *category, *summary, *disposition;
    int county, station;
    int64_t officer, reporter;
    /* police case */
    bool has_case;
    char case_no[32];
    const char *kind, *cause, *decision, *close_reason, *status;
    int police_unit;
    int64_t police_officer;
    int64_t accepted, filed, closed, transferred;
    char filing_doc[64];
    bool major, declared;
    int64_t suspect, victim;
    zg_event pev[ZG_MAXEV];
    int npev;
    /* procuratorate */
    bool has_procu, procu_in_ledger, procu_no_in_police;
    char procu_no[64];
    char procu_police_no[32]; /* the police case number as the procuratorate wrote it ("": none) */
    int procu_unit;
    int64_t procu_officer, procu_received, procu_decided;
    const char *procu_decision;
    zg_event qev[6];
    int nqev;
    /* court */
    bool has_court;
    zg_civil court;
} zg_chain;

int64_t zg_chain_total(const zg *g);
void zg_mk_chain(const zg *g, int64_t i, zg_chain *out);

/* Citizen of pool q (0..7) number idx (see people.c). */
int64_t zg_citizen(const zg *g, int q, uint64_t idx);
/* Lawyer l: person index, license number, firm. */
int64_t zg_lawyer(const zg *g, int64_t l, char license[24], char firm[96]);

#endif
